/** What `shared-checkout --help` and `shared-checkout <command> --help` print. */
const EXIT_CODES = `Exit codes:
  0    done
  1    failed (git, the network, the disk): the message says what and where
  2    bad usage or a bad flag value (the message names the flag, the value and what is accepted)
  3    timed out waiting for a lock (--lock-timeout); the message names the holder
  4    the lock is not held by the caller any more (broken, released, or held by another job)
  130  cancelled (SIGINT/SIGTERM): git was stopped and nothing is held
`

export const HELP = {
  main: `shared-checkout — one copy of each repository's history per machine, a pool of working trees over it

Usage: shared-checkout <command> [flags]   (shared-checkout <command> --help for details)

Commands:
  checkout   wait for a working tree, fetch what is missing, check out; print the tree's path
  release    release a tree taken by checkout
  status     repositories on this machine: size, trees and who holds them, queue, last use
  gc         maintain the stores (commit-graph, repack, loose objects) under their store locks
  evict      remove unused trees and repositories, least recently used first when space runs short

The root is --root, else SHARED_CHECKOUT_ROOT, else ~/.cache/shared-checkout — the same as the
GitHub Action's, so jobs of every CI system on the machine share the same stores and trees.
A token is read from SHARED_CHECKOUT_TOKEN, else GITHUB_TOKEN; never from a flag.

${EXIT_CODES}`,
  checkout: `Usage: shared-checkout checkout --repository OWNER/NAME [flags]

Waits (FIFO) for a free working tree of the repository, brings the commit into the store
(fetching only what is missing, under the short store lock), checks it out in the tree, and
prints the tree's path (or JSON with --json). The tree stays held until 'shared-checkout
release', or until the shell that ran this command exits: a detached keeper process holds it
for that shell and releases it when the shell is gone.

Flags (the GitHub Action's input names, same defaults and validation):
  --repository OWNER/NAME       required
  --ref REF                     branch, tag, full SHA or refs/...; default: the default branch
  --github-server-url URL       default https://github.com
  --root DIR                    default SHARED_CHECKOUT_ROOT, else ~/.cache/shared-checkout
  --path DIR                    the repository's directory; default <root>/<host>/<owner>/<name>
  --trees N                     how many jobs of the repository may run at once here (default 1)
  --lock-timeout SECONDS        -1 waits forever (default), 0 tries once
  --clean true|false            git clean -ffdx + checkout --force (default true)
  --fetch-depth N               0 = full history (default)
  --fetch-tags true|false       default false
  --submodules false|true|recursive
  --lfs true|false
  --filter SPEC                 partial clone of the store, e.g. blob:none
  --sparse-checkout PATTERNS    newline-separated; --sparse-checkout-cone-mode true|false
  --cache true|false            the Actions cache warm start (needs the Actions runtime; else skipped)
  --cache-key PREFIX
  --ssh-known-hosts LINES, --ssh-strict true|false, --ssh-user NAME
                                SSH instead of HTTPS when SHARED_CHECKOUT_SSH_KEY holds a private key
  --show-progress true|false
  --json                        print {"path","tree","commit","ref","lockFile","token",...}
  --anchor-pid PID              hold the tree for this process instead of the calling shell
                                (the shell is found by itself, also through TREE=$(...))

Environment: SHARED_CHECKOUT_TOKEN (else GITHUB_TOKEN), SHARED_CHECKOUT_SSH_KEY, SHARED_CHECKOUT_ROOT.

${EXIT_CODES}`,
  release: `Usage: shared-checkout release [--path TREE] [--token TOKEN]

Ends the processes still running in the tree and releases it. Without --token, the tree must be
held by the shell that runs this command (the one that ran checkout). --path defaults to
SHARED_CHECKOUT_PATH.

${EXIT_CODES}`,
  status: `Usage: shared-checkout status [--root DIR] [--json]

Per repository: its directory, size on disk, each tree and who holds it (job, run URL, since
when) or when it was last used, the queue of waiting jobs, the store's last fetch and
maintenance, and the eviction settings in force. Reads only: takes no lock.

  --root DIR   default SHARED_CHECKOUT_ROOT, else ~/.cache/shared-checkout
  --json       the same as one JSON object, for tools

${EXIT_CODES}`,
  gc: `Usage: shared-checkout gc [--root DIR] [--repository OWNER/NAME [--github-server-url URL]] [--budget SECONDS] [--if-due] [--json]

Maintains each store under its store lock, trying it once (a store that is being fetched is
skipped, never waited for): loose objects and small packs rolled into one pack with a
multi-pack-index, and a new commit-graph layer. Nothing is ever pruned: no object a tree
needs, or any other, is dropped. A step still running when the budget is spent is stopped
and done another time.

  --repository OWNER/NAME  only this repository (with --github-server-url, default https://github.com)
  --budget SECONDS         time for each store's steps (default 600)
  --if-due                 only stores that need it (the test the action's post step uses)
  --json                   results as JSON

${EXIT_CODES}`,
  evict: `Usage: shared-checkout evict [--root DIR] [--older-than DAYS] [--min-free SIZE] [--dry-run] [--json]

Removes trees unused for 7 days and repositories unused for 30 (settings below), and, while
the root's file system has less free space than the threshold, set-aside leftovers, then the
least recently used repositories, then the least recently used trees, until it is back above.
Never removes anything a job holds or waits for: each removal takes its locks first, trying
once. Each removal is logged with what it freed.

  --older-than DAYS   trees and repositories unused for longer than DAYS ('off': none for age)
  --min-free SIZE     keep this much free: 20G, 500M, 15%, auto or off
  --dry-run           print what would go; change nothing
  --json              the report as JSON

Settings per machine (the flags override them for one run): environment variables
SHARED_CHECKOUT_EVICT_TREE_DAYS (default 7), SHARED_CHECKOUT_EVICT_REPO_DAYS (default 30),
SHARED_CHECKOUT_EVICT_MIN_FREE (default auto: 10 GiB or 10 % of the file system, whichever is
smaller), over the keys evictTreeDays, evictRepoDays, evictMinFree of <root>/_settings.json.
Exit code 3: another eviction is running on this machine.

${EXIT_CODES}`
}
