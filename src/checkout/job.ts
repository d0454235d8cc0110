/**
 * Who this job is, from the CI system's environment: recorded in every lock and queue file
 * (§2.3) so a waiter can say who holds a tree and where to look. GitHub Actions first; GitLab,
 * Jenkins and Buildkite jobs that run `shared-checkout checkout` are named by their own
 * variables. Pure.
 */
import { emptyJob, type JobIdentity } from '../lock/index.js'

export function jobIdentityFromEnv(env: NodeJS.ProcessEnv): JobIdentity {
  if (env.GITHUB_RUN_ID || env.GITHUB_ACTIONS) {
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
  if (env.GITLAB_CI) {
    return {
      repository: env.CI_PROJECT_PATH ?? '',
      runId: env.CI_PIPELINE_ID ?? '',
      runAttempt: '',
      jobId: env.CI_JOB_ID ?? '',
      job: env.CI_JOB_NAME ?? '',
      runnerName: env.CI_RUNNER_DESCRIPTION ?? '',
      workflowUrl: env.CI_JOB_URL ?? ''
    }
  }
  if (env.BUILDKITE) {
    return {
      repository: env.BUILDKITE_PIPELINE_SLUG ?? '',
      runId: env.BUILDKITE_BUILD_NUMBER ?? '',
      runAttempt: env.BUILDKITE_RETRY_COUNT ?? '',
      jobId: env.BUILDKITE_JOB_ID ?? '',
      job: env.BUILDKITE_LABEL ?? '',
      runnerName: env.BUILDKITE_AGENT_NAME ?? '',
      workflowUrl: env.BUILDKITE_BUILD_URL ?? ''
    }
  }
  if (env.JENKINS_URL || env.BUILD_URL) {
    return {
      repository: env.JOB_NAME ?? '',
      runId: env.BUILD_NUMBER ?? '',
      runAttempt: '',
      jobId: env.BUILD_TAG ?? '',
      job: env.STAGE_NAME ?? env.JOB_BASE_NAME ?? '',
      runnerName: env.NODE_NAME ?? '',
      workflowUrl: env.BUILD_URL ?? ''
    }
  }
  return { ...emptyJob(), runnerName: env.HOSTNAME ?? '' }
}
