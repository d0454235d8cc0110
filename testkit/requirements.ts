/**
 * Tools some tests need beyond Node and git. A fresh machine with only those runs the README's
 * test command green: tests that need git-lfs are skipped there with a note. Under CI=true
 * (.ci/run installs git-lfs) they always run, so a missing git-lfs fails them instead.
 */
import { it } from '@jest/globals'
import { spawnSync } from 'node:child_process'

export const gitLfsInstalled =
  spawnSync('git', ['lfs', 'version'], { stdio: 'ignore' }).status === 0

const lfsRequired = gitLfsInstalled || Boolean(process.env.CI)
if (!lfsRequired) {
  console.warn(
    'git-lfs is not installed: LFS tests are skipped (apt-get install git-lfs runs them).'
  )
}

/** `it` for tests of `lfs: true`. */
export const itWithGitLfs = lfsRequired ? it : it.skip

/** Whether a test may ask for `lfs: true` (the same rule, for tables of cases). */
export const lfsTestable = lfsRequired
