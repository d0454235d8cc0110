import type { JobIdentity } from './lock/index.js'

/**
 * Who this job is, from the runner's environment: recorded in the lock file (SPEC §2.3) so a
 * waiter can say who holds the lock and where to look.
 */

export function jobIdentityFromEnv(env: NodeJS.ProcessEnv): JobIdentity {
  const server = (env.GITHUB_SERVER_URL ?? '').replace(/\/+$/, '')
  const repository = env.GITHUB_REPOSITORY ?? ''
  const runId = env.GITHUB_RUN_ID ?? ''
  const runAttempt = env.GITHUB_RUN_ATTEMPT ?? ''
  let workflowUrl = ''
  if (server && repository && runId) {
    workflowUrl = `${server}/${repository}/actions/runs/${runId}`
    if (runAttempt && runAttempt !== '1') workflowUrl += `/attempts/${runAttempt}`
  }
  return {
    repository,
    runId,
    runAttempt,
    // The numeric job id is not in the runner's env; the check-run id is the closest stable one.
    jobId: env.GITHUB_JOB_ID ?? env.JOB_CHECK_RUN_ID ?? '',
    job: env.GITHUB_JOB ?? '',
    runnerName: env.RUNNER_NAME ?? '',
    workflowUrl
  }
}
