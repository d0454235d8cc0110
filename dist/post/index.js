import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 583:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  e: () => (/* binding */ run)
});

// UNUSED EXPORTS: maintenanceBudgetMs

// EXTERNAL MODULE: ./src/lock/index.ts + 21 modules
var lock = __nccwpck_require__(946);
;// CONCATENATED MODULE: ./src/checkout/job.ts
/**
 * Who this job is, from the CI system's environment: recorded in every lock and queue file
 * (§2.3) so a waiter can say who holds a tree and where to look. GitHub Actions first; GitLab,
 * Jenkins and Buildkite jobs that run `shared-checkout checkout` are named by their own
 * variables. Pure.
 */

function jobIdentityFromEnv(env) {
    if (env.GITHUB_RUN_ID || env.GITHUB_ACTIONS) {
        const server = (env.GITHUB_SERVER_URL ?? '').replace(/\/+$/, '');
        const repository = env.GITHUB_REPOSITORY ?? '';
        const runId = env.GITHUB_RUN_ID ?? '';
        const runAttempt = env.GITHUB_RUN_ATTEMPT ?? '';
        let workflowUrl = '';
        if (server && repository && runId) {
            workflowUrl = `${server}/${repository}/actions/runs/${runId}`;
            if (runAttempt && runAttempt !== '1')
                workflowUrl += `/attempts/${runAttempt}`;
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
        };
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
        };
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
        };
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
        };
    }
    return { ...(0,lock/* emptyJob */.fD)(), runnerName: env.HOSTNAME ?? '' };
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(24);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(760);
var external_node_path_default = /*#__PURE__*/__nccwpck_require__.n(external_node_path_);
;// CONCATENATED MODULE: ./src/git/ssh.ts
/**
 * SSH access (§1 `ssh-key`, `ssh-known-hosts`, `ssh-strict`, `ssh-user`), as actions/checkout:
 * with a key the remote is `<user>@<host>:<owner>/<name>.git`. The key and known hosts live
 * only in files under RUNNER_TEMP with mode 0600 for the job (removed in post and on failure)
 * and reach git through GIT_SSH_COMMAND in the environment of the commands that talk to the
 * remote — never argv of git, never a config file of the store or a tree (§3.4).
 *
 * What ssh reads besides our files is the machine owner's, never the runner user's: the user's
 * ~/.ssh/config and ~/.ssh/known_hosts are writable by every job on the machine, so a
 * ProxyCommand or a host key planted there would run code in, or redirect, the next job's fetch
 * (§3.6). ssh reads the system ssh_config (proxies, ciphers) as its only config file and the
 * system known hosts (/etc/ssh/ssh_known_hosts) besides ours.
 */



/** Directory names `prepareSshAccess` creates under RUNNER_TEMP (post removes only these). */
const SSH_DIRECTORY_PREFIX = 'shared-checkout-ssh-';
/** `git@github.com:owner/name.git` (the server URL's host, no port, no path prefix). Pure. */
function sshUrlOf(repo, user) {
    return `${user}@${sshHostOf(repo)}:${repo.owner}/${repo.name}.git`;
}
function sshHostOf(repo) {
    return new URL(repo.serverUrl).hostname;
}
/** Quotes a path for the shell that runs GIT_SSH_COMMAND. Pure. */
function shellQuote(value) {
    return `'${value.replace(/'/g, `'\\''`)}'`;
}
/**
 * The one config file ssh reads: the machine's system ssh_config when there is one, else none
 * (`-F` replaces both the user's and the system's files, so the system's is named explicitly).
 */
function systemSshConfig(platform = process.platform, env = process.env, exists = existsSync) {
    const file = platform === 'win32'
        ? path.win32.join(env.ProgramData || env.PROGRAMDATA || 'C:\\ProgramData', 'ssh', 'ssh_config')
        : '/etc/ssh/ssh_config';
    return exists(file) ? file : 'none';
}
/**
 * The ssh command line: our key only, our known hosts (plus the system's) only, the system
 * config only, no agent, no prompts. `configFile` defaults to `systemSshConfig()`. Pure given it.
 */
function sshCommand(keyFile, knownHostsFile, strict, configFile = systemSshConfig()) {
    return [
        'ssh',
        '-i',
        shellQuote(keyFile),
        '-F',
        shellQuote(configFile),
        '-o',
        'IdentitiesOnly=yes',
        '-o',
        'IdentityAgent=none',
        '-o',
        'BatchMode=yes',
        '-o',
        `StrictHostKeyChecking=${strict ? 'yes' : 'no'}`,
        // As actions/checkout: with strict checking the host key decides, not the address's entry.
        ...(strict ? ['-o', 'CheckHostIP=no'] : []),
        '-o',
        `UserKnownHostsFile=${shellQuote(knownHostsFile)}`,
        '-o',
        'ServerAliveInterval=15',
        '-o',
        'ServerAliveCountMax=4'
    ].join(' ');
}
/**
 * GitHub.com's published SSH host keys (https://api.github.com/meta), so that `ssh-key` alone
 * works against github.com with strict checking, as in actions/checkout. Fingerprints:
 * SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU (ED25519),
 * SHA256:p2QAMXNIC1TJYWeIOttrVc98/R1BUFWu3/LiyKgUfQM (ECDSA).
 */
const GITHUB_COM_HOST_KEYS = (/* unused pure expression or super */ null && ([
    'github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl',
    'github.com ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEmKSENjQEezOmxkZMy7opKgwFB9nkt5YRrYMjNuG5N87uRgg6CLrbo5wAdT/y6v0mKV0U2w0WZ2YB/++Tpockg='
]));
/** The known_hosts file: the input's lines, plus GitHub.com's keys for github.com. Pure. */
function knownHostsFile(knownHosts, host) {
    const lines = knownHosts.split('\n').filter(line => line.trim() !== '');
    if (host.toLowerCase() === 'github.com')
        lines.push(...GITHUB_COM_HOST_KEYS);
    return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
/** Writes the key files into a private directory under `runnerTemp` and returns the access. */
function prepareSshAccess(repo, settings, runnerTemp) {
    const directory = path.join(runnerTemp, `${SSH_DIRECTORY_PREFIX}${randomBytes(6).toString('hex')}`);
    mkdirSync(directory, { mode: 0o700, recursive: true });
    const keyFile = path.join(directory, 'key');
    const knownHostsPath = path.join(directory, 'known_hosts');
    const host = sshHostOf(repo);
    try {
        writeFileSync(keyFile, settings.key, { mode: 0o600, flag: 'wx' });
        writeFileSync(knownHostsPath, knownHostsFile(settings.knownHosts, host), {
            mode: 0o600,
            flag: 'wx'
        });
    }
    catch (error) {
        removeSshFiles(directory);
        throw error;
    }
    return {
        url: sshUrlOf(repo, settings.user),
        auth: { kind: 'ssh', command: sshCommand(keyFile, knownHostsPath, settings.strict) },
        directory,
        host,
        user: settings.user
    };
}
function removeSshFiles(directory) {
    if (external_node_path_default().basename(directory).startsWith(SSH_DIRECTORY_PREFIX))
        (0,external_node_fs_.rmSync)(directory, { recursive: true, force: true });
}
/**
 * What went wrong over SSH, in the inputs' terms, for the failures ssh words in its own (git's
 * generic hint would blame the token). Undefined for anything else. Pure.
 */
function sshFailureMessage(stderr, access, repository) {
    if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No \S+ host key is known/i.test(stderr))
        return (`SSH host key verification failed for ${access.host}: with ssh-strict: true the server's host key ` +
            `must be listed in ssh-known-hosts (or the machine's /etc/ssh/ssh_known_hosts), and it is not, or it ` +
            `differs. Add the server's key to ssh-known-hosts (\`ssh-keyscan ${access.host}\` prints it; check its ` +
            'fingerprint out of band), or set ssh-strict: false to accept any host key.');
    if (/Permission denied \(publickey/i.test(stderr))
        return (`The SSH server ${access.host} refused the key in ssh-key for user '${access.user}' ` +
            `(Permission denied (publickey)): check that its public key is a deploy key or user key with ` +
            `read access to ${repository}, and that ssh-user is the login the server expects (GitHub: git).`);
    return undefined;
}

// EXTERNAL MODULE: ./src/process/sweep.ts
var sweep = __nccwpck_require__(49);
// EXTERNAL MODULE: ./src/repo/layout.ts
var layout = __nccwpck_require__(776);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __nccwpck_require__(161);
;// CONCATENATED MODULE: ./src/action/runner.ts
/**
 * The runner commands main and post need, written the way the runner reads them (its file
 * commands and workflow commands), with @actions/core's formats. Both steps run in every job,
 * and loading the toolkit (with its HTTP client) was most of their start-up time; the toolkit
 * loads only with the cache module, when a store is missing (§4).
 */



/** Escapes a workflow command's message (%, CR, LF), as the runner expects. Pure. */
function escapeData(text) {
    return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
/** `name<<delimiter` … `delimiter`, the GITHUB_ENV format for any value. Pure. */
function envFileEntry(name, value, delimiter) {
    if (name.includes(delimiter) || value.includes(delimiter))
        throw new Error(`the value of ${name} contains the delimiter ${delimiter}`);
    return `${name}<<${delimiter}${external_node_os_.EOL}${value}${external_node_os_.EOL}${delimiter}${external_node_os_.EOL}`;
}
/** Appends `name=value` to the runner's file command `fileVariable`; false without one. */
function fileCommand(fileVariable, name, value) {
    const file = process.env[fileVariable];
    if (!file)
        return false;
    (0,external_node_fs_.appendFileSync)(file, envFileEntry(name, value, `ghadelimiter_${(0,external_node_crypto_.randomUUID)()}`));
    return true;
}
/** A workflow command's line, `::command name=value::message` (the runner's old channel). */
function workflowCommand(command, message, name) {
    const property = name === undefined ? '' : ` name=${escapeProperty(name)}`;
    process.stdout.write(`::${command}${property}::${escapeData(message)}${external_node_os_.EOL}`);
}
/** Escapes a workflow command's property value. Pure. */
function escapeProperty(text) {
    return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
/** The input `name` as the runner hands it over (INPUT_<NAME>), trimmed like getInput. */
function getInput(name, env = process.env) {
    return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}
/** For the job's later steps (and this process). */
function exportVariable(name, value) {
    process.env[name] = value;
    if (!fileCommand('GITHUB_ENV', name, value))
        workflowCommand('set-env', value, name);
}
function setOutput(name, value) {
    if (!fileCommand('GITHUB_OUTPUT', name, value)) {
        process.stdout.write(EOL);
        workflowCommand('set-output', value, name);
    }
}
/** State for this action's post step (STATE_<name> there). */
function saveState(name, value) {
    if (!fileCommand('GITHUB_STATE', name, value))
        workflowCommand('save-state', value, name);
}
/** The runner masks this value in every later line of the job's log. */
function setSecret(secret) {
    workflowCommand('add-mask', secret);
}
/** Markdown for the job's summary page; nothing without GITHUB_STEP_SUMMARY. */
function appendSummary(markdown) {
    const file = process.env.GITHUB_STEP_SUMMARY;
    if (file)
        appendFileSync(file, markdown, { encoding: 'utf8' });
}
function debug(message) {
    workflowCommand('debug', message);
}
function notice(message) {
    workflowCommand('notice', message);
}
function info(message) {
    process.stdout.write(`${message}${external_node_os_.EOL}`);
}
function warning(message) {
    workflowCommand('warning', message);
}
/** The step fails with this message (an error annotation). */
function setFailed(message) {
    process.exitCode = 1;
    workflowCommand('error', message);
}

;// CONCATENATED MODULE: ./src/action/state.ts
const NAMES = {
    mainStarted: 'mainStarted',
    heldTree: 'heldTree',
    released: 'released',
    envRestore: 'envRestore',
    sshDirectory: 'sshDirectory'
};
function mainState(save) {
    return {
        started() {
            save(NAMES.mainStarted, 'true');
        },
        treeHeld(tree) {
            save(NAMES.heldTree, JSON.stringify(tree));
        },
        released() {
            save(NAMES.released, 'true');
        },
        /** Values post writes through GITHUB_ENV so what main exported for later steps stops working. */
        envRestore(restore) {
            save(NAMES.envRestore, JSON.stringify(restore));
        },
        sshDirectory(directory) {
            save(NAMES.sshDirectory, directory);
        }
    };
}
function parseJson(text) {
    if (!text)
        return undefined;
    try {
        return JSON.parse(text);
    }
    catch {
        return undefined;
    }
}
/** What main saved, as the runner hands it to post (`STATE_<name>`). Pure. */
function readPostState(env = process.env) {
    const get = (name) => env[`STATE_${name}`] ?? '';
    return {
        mainStarted: get(NAMES.mainStarted) === 'true',
        heldTree: parseJson(get(NAMES.heldTree)),
        released: get(NAMES.released) === 'true',
        envRestore: parseJson(get(NAMES.envRestore)),
        sshDirectory: get(NAMES.sshDirectory) || undefined
    };
}

;// CONCATENATED MODULE: ./src/action/post.ts
/**
 * The post step (runs even when the job failed or was cancelled): take back what main exported
 * for later steps, remove the SSH key files, end what the job left running in its tree (§3.8),
 * and release the tree — only if this job's token is still in its lock (§2.5). Then, off the
 * job's critical path, the machine's housekeeping (§6): maintain this repository's store when
 * it is due, within a small budget, and evict what nobody uses, at most once an hour.
 *
 * Post loads no toolkit (runner.ts writes the few runner commands it needs): it runs in every
 * job, and loading the toolkit was most of its time.
 */







const log = {
    info: info,
    warning: warning,
    notice: info,
    debug: () => undefined
};
/** Seconds of store maintenance a post step may spend (machine setting; 0 turns it off). */
function maintenanceBudgetMs(env) {
    const value = Number(env.SHARED_CHECKOUT_MAINTENANCE_SECONDS ?? '20');
    return Number.isFinite(value) && value >= 0 ? value * 1000 : 20_000;
}
async function run(env = process.env) {
    const state = readPostState(env);
    if (state.envRestore) {
        for (const [name, value] of Object.entries(state.envRestore))
            exportVariable(name, value);
        info('Shared Checkout: took back the credentials and settings exported for this job.');
    }
    if (state.sshDirectory)
        removeSshFiles(state.sshDirectory);
    const held = state.heldTree;
    if (!held) {
        info('Shared Checkout: main took no tree; nothing to release.');
        return;
    }
    if (state.released) {
        info(`Shared Checkout: ${held.lockFile} was already released by the main step.`);
    }
    else if (!(await releaseTree(held)))
        return;
    await housekeeping(held, env);
}
async function releaseTree(held) {
    try {
        await (0,sweep/* endProcessesIn */.aA)(held.dir, { log: line => info(line), what: `tree ${held.tree}` });
        await (0,lock/* releaseLock */.x_)(held.lockFile, held.token, {
            keeperPid: held.keeperPid,
            keeperStartTime: held.keeperStartTime
        });
        info(`Released tree ${held.tree} (${held.lockFile})`);
        return true;
    }
    catch (error) {
        setFailed(error instanceof lock/* LockLostError */.yx
            ? `${error.message} Another job may have used tree ${held.tree} at the same time as this one; treat this run as suspect.`
            : error instanceof Error
                ? error.message
                : String(error));
        return false;
    }
}
/** Never fails the job: problems are warnings (the fleet functions do not throw). */
async function housekeeping(held, env) {
    if (!held.repoDir || !held.root)
        return;
    const job = jobIdentityFromEnv(env);
    const budgetMs = maintenanceBudgetMs(env);
    const { maintainIfDue } = await __nccwpck_require__.e(/* import() */ 899).then(__nccwpck_require__.bind(__nccwpck_require__, 899));
    if (budgetMs > 0)
        await maintainIfDue((0,layout/* layoutOf */.aH)(held.repoDir), { budgetMs, log, job });
    const { evictIfDue } = await __nccwpck_require__.e(/* import() */ 563).then(__nccwpck_require__.bind(__nccwpck_require__, 563));
    await evictIfDue(held.root, { log, job, env });
}


/***/ }),

/***/ 731:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _action_post_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(583);
// Entry point of the post step.

await (0,_action_post_js__WEBPACK_IMPORTED_MODULE_0__/* .run */ .e)();

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 946:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  yx: () => (/* reexport */ LockLostError),
  XB: () => (/* reexport */ LockTimeoutError),
  IZ: () => (/* reexport */ acquireLock),
  sG: () => (/* reexport */ describeHolder),
  fD: () => (/* reexport */ emptyJob),
  MR: () => (/* reexport */ readLockHolder),
  x_: () => (/* reexport */ releaseLock)
});

// UNUSED EXPORTS: LockCancelledError, LockHeldByOwnJobError, LockOptionError, LockPathError, LockReleaseError, TIMEOUT_ACCEPTED, isKeeperInvocation, lockPathFor, parseTimeoutSeconds, runKeeper

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(24);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(760);
// EXTERNAL MODULE: external "node:perf_hooks"
var external_node_perf_hooks_ = __nccwpck_require__(643);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(598);
;// CONCATENATED MODULE: ./src/lock/describe.ts
/** Human-readable holder descriptions for waiting output and errors (§2.6). */

function formatDuration(ms) {
    const totalSeconds = Math.max(0, Math.floor(ms / 1000));
    const hours = Math.floor(totalSeconds / 3600);
    const minutes = Math.floor((totalSeconds % 3600) / 60);
    const seconds = totalSeconds % 60;
    if (hours > 0)
        return `${hours}h${String(minutes).padStart(2, '0')}m`;
    if (minutes > 0)
        return `${minutes}m${String(seconds).padStart(2, '0')}s`;
    return `${seconds}s`;
}
const ownerPids = (record) => record.owners.map(owner => `${owner.role} ${owner.pid}`).join(', ');
/** "run <url>, job <job>, runner <name>, held for 3m12s" — falls back to host and PIDs. */
function describeHolder(record, nowMs) {
    const { job } = record;
    const parts = [];
    if (job.workflowUrl)
        parts.push(`run ${job.workflowUrl}`);
    else if (job.runId)
        parts.push(`run ${job.runId}${job.runAttempt ? `/${job.runAttempt}` : ''}`);
    if (job.repository && !job.workflowUrl)
        parts.push(`repository ${job.repository}`);
    if (job.job)
        parts.push(`job ${job.job}`);
    if (job.runnerName)
        parts.push(`runner ${job.runnerName}`);
    const pids = ownerPids(record);
    parts.push(`host ${record.host}${pids ? ` (${pids})` : ''}`);
    const acquired = Date.parse(record.acquiredAt);
    if (Number.isFinite(acquired))
        parts.push(`held for ${formatDuration(nowMs - acquired)}`);
    return parts.join(', ');
}
/**
 * One entry of a pool's line: "job build, runner r1, 3m12s, run <url>" (host and PIDs when the
 * job is not named); the run's URL comes last, so the holder can be found (§2.6).
 */
function describeHolderBriefly(record, nowMs) {
    const { job } = record;
    const parts = [];
    if (job.job)
        parts.push(`job ${job.job}`);
    else if (job.runId)
        parts.push(`run ${job.runId}`);
    if (job.runnerName)
        parts.push(`runner ${job.runnerName}`);
    if (parts.length === 0)
        parts.push(`host ${record.host} (${ownerPids(record)})`);
    const acquired = Date.parse(record.acquiredAt);
    if (Number.isFinite(acquired))
        parts.push(formatDuration(nowMs - acquired));
    if (job.workflowUrl)
        parts.push(`run ${job.workflowUrl}`);
    return parts.join(', ');
}
/** "all 4 held: tree-1.lock by job build, runner r1, 3m12s; tree-2.lock by …" (§2.6 for pools). */
function describeSlots(slots, nowMs) {
    const held = slots.filter(slot => slot.held);
    const who = held
        .map(slot => {
        const by = slot.holder ? describeHolderBriefly(slot.holder, nowMs) : 'an unreadable record';
        return `${(0,external_node_path_.basename)(slot.lockPath)} by ${by}`;
    })
        .join('; ');
    if (held.length === 0)
        return `all ${slots.length} free`;
    if (held.length === slots.length)
        return `all ${slots.length} held: ${who}`;
    return `${held.length} of ${slots.length} held (${who}), ${slots.length - held.length} free`;
}

;// CONCATENATED MODULE: ./src/lock/errors.ts
/**
 * Errors a user can act on: what happened, to which lock, what to do. Messages never carry
 * secrets; holders are named through describeHolder.
 */

class LockTimeoutError extends Error {
    lockPath;
    waitedMs;
    holder;
    slots;
    /**
     * @param lockPath the single lock, or the queue directory of a pool
     * @param holder the holder of the single lock (of the first held slot of a pool)
     * @param slots a pool's slots with their holders; absent for a single lock
     */
    constructor(lockPath, waitedMs, holder, slots) {
        const now = Date.now();
        const waited = `Timed out after ${Math.round(waitedMs / 1000)}s waiting for`;
        const single = holder
            ? `it is held by ${describeHolder(holder, now)}`
            : 'other jobs are ahead of this one in its queue';
        super((slots
            ? `${waited} one of the ${slots.length} locks queued in ${lockPath}: ${describeSlots(slots, now)}. `
            : `${waited} the lock ${lockPath}: ${single}. `) +
            'Raise lock-timeout (-1 waits forever) or find out why that job holds it so long.');
        this.lockPath = lockPath;
        this.waitedMs = waitedMs;
        this.holder = holder;
        this.slots = slots;
        this.name = 'LockTimeoutError';
    }
}
class LockLostError extends Error {
    lockPath;
    current;
    constructor(lockPath, current) {
        const now = current
            ? `it is now held by ${describeHolder(current, Date.now())}`
            : 'the lock file is gone';
        super(`The lock ${lockPath} is no longer held by this job: ${now}. It was broken or removed ` +
            'while this job ran (a job lock is also released by its keeper once the job process ' +
            'that anchors it has exited), so another job may have used what it guards at the same ' +
            'time; check it, and why this job lost its lock (was it stopped for longer than the lease?).');
        this.lockPath = lockPath;
        this.current = current;
        this.name = 'LockLostError';
    }
}
class LockCancelledError extends Error {
    lockPath;
    constructor(lockPath) {
        super(`Cancelled while waiting for the lock ${lockPath}; this job left the queue.`);
        this.lockPath = lockPath;
        this.name = 'LockCancelledError';
    }
}
/**
 * An earlier step of the same job holds every lock this acquisition could take (issue 13.7):
 * the job releases them only in its post steps, which run after this step, so waiting would
 * never end. Thrown at once instead.
 */
class LockHeldByOwnJobError extends Error {
    lockPaths;
    queueDir;
    constructor(lockPaths, queueDir) {
        const what = lockPaths.length === 1
            ? `the lock ${lockPaths[0]}`
            : `all ${lockPaths.length} locks queued in ${queueDir} (${lockPaths.join(', ')})`;
        super(`This job already holds ${what}: an earlier step of the same job took it and releases it ` +
            'only in its post step, so waiting for it here would never end. A job holds at most one ' +
            'of these locks per step: for a second checkout of the same repository in one job use ' +
            '`trees: N` with N ≥ 2, or check the repository out once.');
        this.lockPaths = lockPaths;
        this.queueDir = queueDir;
        this.name = 'LockHeldByOwnJobError';
    }
}
/** A bad option or flag value: names the option, the value, and what is accepted (§7). */
class errors_LockOptionError extends Error {
    option;
    value;
    accepted;
    constructor(option, value, accepted) {
        const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
        super(`${option} ${shown} is not valid: expected ${accepted}.`);
        this.option = option;
        this.value = value;
        this.accepted = accepted;
        this.name = 'LockOptionError';
    }
}
/**
 * Releasing failed for a reason other than a lost lock (§2.5, issue 13.8). The keeper has been
 * stopped regardless, so the lock is recovered by the staleness rules once the job's own
 * processes have exited.
 */
class LockReleaseError extends Error {
    lockPath;
    constructor(lockPath, cause) {
        const code = cause?.code;
        const reason = cause instanceof Error ? cause.message : String(cause);
        const space = code === 'ENOSPC' || code === 'EDQUOT' || /ENOSPC|EDQUOT/.test(reason)
            ? ' Free space on that filesystem; releasing needs none unless it lacks hard links.'
            : '';
        super(`Could not release the lock ${lockPath}: ${reason}. Its keeper was stopped, so the lock ` +
            'is recovered as soon as the processes of the job that holds it have exited (at the ' +
            `latest when the job ends; waiters on other hosts after its lease).${space}`, { cause });
        this.lockPath = lockPath;
        this.name = 'LockReleaseError';
    }
}
class LockPathError extends Error {
    path;
    constructor(path, problem, advice) {
        super(`Lock path ${path}: ${problem}. ${advice}`);
        this.path = path;
        this.name = 'LockPathError';
    }
}
const PERMISSION_CODES = new Set(['EACCES', 'EPERM', 'EROFS']);
const SPACE_CODES = new Set(['ENOSPC', 'EDQUOT']);
/** Turns a filesystem error on a lock file into a LockPathError when the user can fix it. */
function asPathError(error, path, doing) {
    const code = error?.code;
    if (code && PERMISSION_CODES.has(code)) {
        return new LockPathError(path, `cannot ${doing} (${code}${code === 'EROFS' ? ', read-only filesystem' : ''})`, 'Make this directory writable by the runner user (all runner users that share it), ' +
            'or choose a `root`/`path` on a writable filesystem.');
    }
    if (code && SPACE_CODES.has(code)) {
        return new LockPathError(path, `cannot ${doing} (${code}, ${code === 'EDQUOT' ? 'disk quota exceeded' : 'no space left on the device'})`, 'Free space on that filesystem (nothing was left behind).');
    }
    return error;
}
/** The refusal for a planted symbolic link or other non-file at a lock path (§2.9). */
function notAFileError(path, what) {
    return new LockPathError(path, `is a ${what}, not a lock file; lock files are never links or directories, so it was not ` +
        'created by this action and will not be followed', 'Check who created it and remove it.');
}

;// CONCATENATED MODULE: ./src/lock/retry.ts
/**
 * Windows keeps a file busy for a moment after its last handle closes (an antivirus scanner,
 * the search indexer, a handle still closing in another process): unlink and rename then fail
 * with EBUSY, EPERM or EACCES although nothing is wrong. Such errors are retried briefly with a
 * bounded backoff instead of failing the lock (§2.2, §2.5). Elsewhere these codes are real
 * (a permission problem, a mount point) and are reported at once.
 */
/** Waits between tries: about 0.3 s in all, then the last error is the answer. */
const TRANSIENT_RETRY_DELAYS_MS = [5, 10, 20, 40, 80, 160];
const WINDOWS_TRANSIENT = new Set(['EBUSY', 'EPERM', 'EACCES']);
/** Pure: is this error code worth another try on this platform? ENOENT never is. */
function isTransientFsError(code, platform) {
    return platform === 'win32' && code !== undefined && WINDOWS_TRANSIENT.has(code);
}
const sleepBuffer = new Int32Array(new SharedArrayBuffer(4));
/** Blocks for `ms` (the file primitives are synchronous; the waits are milliseconds). */
function sleepSync(ms) {
    Atomics.wait(sleepBuffer, 0, 0, ms);
}
/** Runs `operation`, retrying it while it fails with a transient code; other errors at once. */
function retryTransient(operation, options = {}) {
    const platform = options.platform ?? process.platform;
    const delays = options.delaysMs ?? TRANSIENT_RETRY_DELAYS_MS;
    const sleep = options.sleep ?? sleepSync;
    for (let attempt = 0;; attempt++) {
        try {
            return operation();
        }
        catch (error) {
            const code = error?.code;
            if (attempt >= delays.length || !isTransientFsError(code, platform))
                throw error;
            sleep(delays[attempt]);
        }
    }
}

;// CONCATENATED MODULE: ./src/lock/atomic.ts
/**
 * File primitives of the lock (§2.2, §2.9): exclusive creation that never shows a partial file
 * and never writes through a link, and reads that never follow a link.
 */





/** Owner-only write, readable by the other runner users that share the directory (§2.9). */
const FILE_MODE = 0o644;
// O_NOFOLLOW is missing on Windows (0 there); the lstat checks below still refuse links.
const NO_FOLLOW = external_node_fs_.constants.O_NOFOLLOW ?? 0;
// A planted FIFO must not block the open.
const NON_BLOCK = external_node_fs_.constants.O_NONBLOCK ?? 0;
const CREATE_FLAGS = external_node_fs_.constants.O_WRONLY | external_node_fs_.constants.O_CREAT | external_node_fs_.constants.O_EXCL | NO_FOLLOW;
/**
 * Codes of `link` on filesystems without hard links (FAT, exFAT, some SMB shares): fall back to
 * O_CREAT|O_EXCL. exFAT answers EPERM, FUSE filesystems without a link op ENOSYS.
 */
const LINK_UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK', 'EXDEV']);
/**
 * The hard-link call, replaceable by tests so the link-less path also runs on filesystems that
 * have links (`bench/linkless-suite.sh` runs the suite on a real exFAT mount instead).
 */
const fileOps = { link: external_node_fs_.linkSync };
const linkUnsupported = (error) => {
    const code = errorCode(error);
    return code !== undefined && LINK_UNSUPPORTED.has(code);
};
const errorCode = (error) => error?.code;
function randomHex(bytes) {
    return (0,external_node_crypto_.randomBytes)(bytes).toString('hex');
}
function describeNonFile(stats) {
    if (stats.isSymbolicLink())
        return 'symbolic link';
    if (stats.isDirectory())
        return 'directory';
    return 'special file';
}
/** Reads a regular file without following a link at `path`. */
function readNoFollow(path) {
    let fd;
    try {
        const stats = (0,external_node_fs_.lstatSync)(path);
        if (!stats.isFile())
            return { kind: 'not-a-file', what: describeNonFile(stats) };
        fd = (0,external_node_fs_.openSync)(path, external_node_fs_.constants.O_RDONLY | NO_FOLLOW | NON_BLOCK);
    }
    catch (error) {
        const code = errorCode(error);
        if (code === 'ENOENT')
            return { kind: 'missing' };
        if (code === 'ELOOP')
            return { kind: 'not-a-file', what: 'symbolic link' };
        throw error;
    }
    try {
        const stats = (0,external_node_fs_.fstatSync)(fd);
        if (!stats.isFile())
            return { kind: 'not-a-file', what: describeNonFile(stats) };
        const buffer = Buffer.alloc(Math.min(stats.size, 1 << 20));
        let length = 0;
        while (length < buffer.length) {
            const read = (0,external_node_fs_.readSync)(fd, buffer, length, buffer.length - length, length);
            if (read === 0)
                break;
            length += read;
        }
        return {
            kind: 'file',
            snapshot: {
                content: buffer.subarray(0, length).toString('utf8'),
                mtimeMs: stats.mtimeMs,
                ino: stats.ino,
                size: stats.size
            }
        };
    }
    finally {
        (0,external_node_fs_.closeSync)(fd);
    }
}
/**
 * Creates `path` (never through a link) with `content`; `mtimeMs` keeps a restored file's age.
 * A file that could not be written in full (ENOSPC on a full disk, issue 13.8) is removed again:
 * it was created exclusively a moment ago, so it is ours, and nothing half-written stays behind.
 */
function writeNewFile(path, content, mtimeMs) {
    const fd = (0,external_node_fs_.openSync)(path, CREATE_FLAGS, FILE_MODE);
    let written = false;
    try {
        // The umask may have cleared the read bits other runner users need.
        (0,external_node_fs_.fchmodSync)(fd, FILE_MODE);
        const bytes = Buffer.from(content, 'utf8');
        for (let offset = 0; offset < bytes.length;) {
            offset += (0,external_node_fs_.writeSync)(fd, bytes, offset, bytes.length - offset);
        }
        if (mtimeMs !== undefined)
            (0,external_node_fs_.futimesSync)(fd, mtimeMs / 1000, mtimeMs / 1000);
        written = true;
    }
    finally {
        (0,external_node_fs_.closeSync)(fd);
        if (!written)
            removeAfterFailure(path);
    }
}
/**
 * Creates `path` with `content` only if nothing (not even a dangling link) is there. The
 * content is written to a private temp file first and hard-linked into place, so the file is
 * never visible empty or half-written; where links are unsupported it falls back to
 * O_CREAT|O_EXCL (the partial-file window that leaves is covered by the abandoned rule).
 * Returns false when something already exists at `path`.
 */
function createExclusive(path, content) {
    const temp = (0,external_node_path_.join)((0,external_node_path_.dirname)(path), `.${(0,external_node_path_.basename)(path)}.${randomHex(8)}.tmp`);
    try {
        writeNewFile(temp, content);
    }
    catch (error) {
        throw asPathError(error, (0,external_node_path_.dirname)(path), 'create files in it');
    }
    try {
        fileOps.link(temp, path);
        return true;
    }
    catch (error) {
        if (errorCode(error) === 'EEXIST')
            return false;
        if (linkUnsupported(error))
            return createDirectly(path, content);
        throw asPathError(error, (0,external_node_path_.dirname)(path), 'create files in it');
    }
    finally {
        unlinkQuiet(temp);
    }
}
/** The O_CREAT|O_EXCL fallback (§2.2): exclusive, but briefly visible empty (abandoned rule). */
function createDirectly(path, content, mtimeMs) {
    try {
        writeNewFile(path, content, mtimeMs);
        return true;
    }
    catch (error) {
        if (errorCode(error) === 'EEXIST')
            return false;
        throw asPathError(error, (0,external_node_path_.dirname)(path), 'create files in it');
    }
}
/**
 * A second name for an existing file, never replacing anything at `newPath` (link() fails with
 * EEXIST). Needs no new disk space beyond a directory entry: releasing uses it to take the
 * guard on a full disk (guard.ts, issue 13.8). link() never follows a link at `existingPath`
 * on Linux; callers check what they linked.
 */
function linkNoReplace(existingPath, newPath) {
    try {
        fileOps.link(existingPath, newPath);
        return 'linked';
    }
    catch (error) {
        const code = errorCode(error);
        if (code === 'EEXIST')
            return 'exists';
        if (code === 'ENOENT')
            return 'missing';
        if (linkUnsupported(error))
            return 'unsupported';
        throw asPathError(error, (0,external_node_path_.dirname)(newPath), 'create files in it');
    }
}
/** Best effort: the error being thrown already says what went wrong. */
function removeAfterFailure(path) {
    try {
        unlinkQuiet(path);
    }
    catch {
        // The original error is the one to report.
    }
}
/** Removes `path` if present; Windows' just-closed-file errors are retried briefly. */
function unlinkQuiet(path) {
    try {
        retryTransient(() => (0,external_node_fs_.unlinkSync)(path));
    }
    catch (error) {
        if (errorCode(error) !== 'ENOENT')
            throw error;
    }
}
/**
 * Moves the mtime of `path` to now (the heartbeat) only if the file still carries our token,
 * checked through the same fd that is touched, so a lock taken by someone else in between is
 * never refreshed by us.
 */
function atomic_touchIfToken(path, isOurs) {
    let fd;
    try {
        fd = (0,external_node_fs_.openSync)(path, external_node_fs_.constants.O_RDONLY | NO_FOLLOW | NON_BLOCK);
    }
    catch (error) {
        const code = errorCode(error);
        if (code === 'ENOENT')
            return 'gone';
        if (code === 'ELOOP')
            return 'other';
        throw error;
    }
    try {
        const stats = (0,external_node_fs_.fstatSync)(fd);
        if (!stats.isFile())
            return 'other';
        const buffer = Buffer.alloc(Math.min(stats.size, 1 << 20));
        const length = (0,external_node_fs_.readSync)(fd, buffer, 0, buffer.length, 0);
        if (!isOurs(buffer.subarray(0, length).toString('utf8')))
            return 'other';
        const now = new Date();
        (0,external_node_fs_.futimesSync)(fd, now, now);
        return 'touched';
    }
    finally {
        (0,external_node_fs_.closeSync)(fd);
    }
}
/**
 * Removes `path` only if it is still the file we judged (§2.4): renames it to a private name
 * first (rename never follows links and takes exactly one file), then re-checks the private
 * copy. A file that turns out to be a newer one is linked back where it was.
 */
function reapIfUnchanged(path, isSame) {
    const aside = (0,external_node_path_.join)((0,external_node_path_.dirname)(path), `.${(0,external_node_path_.basename)(path)}.reap-${randomHex(8)}`);
    try {
        retryTransient(() => (0,external_node_fs_.renameSync)(path, aside));
    }
    catch (error) {
        if (errorCode(error) === 'ENOENT')
            return 'gone';
        throw asPathError(error, (0,external_node_path_.dirname)(path), 'remove files in it');
    }
    try {
        const outcome = readNoFollow(aside);
        if (isSame(outcome))
            return 'removed';
        return putBack(aside, path, outcome);
    }
    finally {
        unlinkQuiet(aside);
    }
}
/**
 * Puts a set-aside newer file back where it was, never over a file created there since. Where
 * links are unsupported, an exclusive copy with the same content and mtime takes its place
 * (content is immutable and owners find their files by path and token, not by inode).
 */
function putBack(aside, path, outcome) {
    try {
        fileOps.link(aside, path);
        return 'restored';
    }
    catch (error) {
        if (!linkUnsupported(error) || outcome.kind !== 'file')
            return 'displaced';
        const { content, mtimeMs } = outcome.snapshot;
        try {
            return createDirectly(path, content, mtimeMs) ? 'restored' : 'displaced';
        }
        catch {
            return 'displaced';
        }
    }
}
/** Temp and set-aside files older than this were left by a killed process. */
const LEFTOVER_AGE_MS = 10 * 60_000;
/**
 * Removes temp files (`.<name>.<hex>.tmp`) and set-aside copies (`.<name>.reap-<hex>`) that a
 * process killed mid-operation left in `directory` (of files named `names`, or of any file when
 * omitted, as in the queue directory). Each is private to its creator and used
 * for milliseconds, so an old one has no owner left.
 */
function sweepLeftovers(directory, names) {
    let entries;
    try {
        entries = (0,external_node_fs_.readdirSync)(directory);
    }
    catch {
        return;
    }
    const ours = (entry) => (names ? names.some(name => entry.startsWith(`.${name}.`)) : entry.startsWith('.')) &&
        (entry.endsWith('.tmp') || entry.includes('.reap-'));
    for (const entry of entries.filter(ours)) {
        const path = (0,external_node_path_.join)(directory, entry);
        try {
            const stats = (0,external_node_fs_.lstatSync)(path);
            if (Date.now() - stats.mtimeMs > LEFTOVER_AGE_MS)
                unlinkQuiet(path);
        }
        catch {
            // Gone already, or not ours to remove: leave it.
        }
    }
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __nccwpck_require__(421);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __nccwpck_require__(161);
;// CONCATENATED MODULE: ./src/lock/environment.ts
/**
 * The environment of the processes the lock starts (the keeper, identity commands such as ps or
 * PowerShell): the caller's, without secrets (issue 12.4). A keeper lives for the whole job and
 * needs none of them: not the action's inputs (the token), the runner's ACTIONS_* credentials,
 * saved state, tokens, git's credential-carrying config or SSH agent access.
 *
 * RUNNER_TRACKING_ID stays: the runner ends every process that carries it when the job ends,
 * which is what bounds the keeper's life to the job (§2 facts).
 */
/** Prefixes of names that are dropped (upper-cased; Windows names are case-insensitive). */
const SECRET_PREFIXES = ['INPUT_', 'ACTIONS_', 'STATE_', 'GIT_CONFIG_KEY_', 'GIT_CONFIG_VALUE_'];
/** Whole names that are dropped. */
const SECRET_NAMES = new Set([
    'GITHUB_TOKEN',
    'SHARED_CHECKOUT_TOKEN',
    'GIT_CONFIG_COUNT',
    // `git -c` passes its settings (an extraheader, say) to child gits through this one.
    'GIT_CONFIG_PARAMETERS',
    'GIT_SSH_COMMAND',
    'SSH_AUTH_SOCK'
]);
/** Pure: true when a variable of this name must not reach a process the lock starts. */
function isSecretVariable(name) {
    const upper = name.toUpperCase();
    return SECRET_NAMES.has(upper) || SECRET_PREFIXES.some(prefix => upper.startsWith(prefix));
}
/** Pure: `base` without secret variables, plus `extra`. */
function withoutSecrets(base, extra = {}) {
    const env = {};
    for (const [name, value] of Object.entries(base)) {
        if (!isSecretVariable(name))
            env[name] = value;
    }
    return { ...env, ...extra };
}

;// CONCATENATED MODULE: ./src/lock/os-identity.ts
/**
 * Process and boot identity on macOS and Windows (§2.3, §2.4), as pure data: which command to
 * run, and a parser for its output. Running them is identity.ts's job (injected `OsCalls`), so
 * every parser and decision here is tested on any OS.
 *
 * Start tokens are canonical UTC ISO times, so two processes that read the same owner get the
 * same string: macOS `ps` prints whole seconds ("2026-11-28T13:36:27Z"), Windows gives
 * microseconds ("2026-11-28T13:36:27.123456Z", FILETIME truncated, whichever tool read it).
 */
/**
 * Prefix of boot ids derived from the boot time. The OS moves the boot time when the wall
 * clock is stepped (NTP, VM resume), so such ids prove "same boot" when equal and say nothing
 * when they differ. No boot id proves a reboot (staleness.ts, issue 13.3: clones share host
 * name and machine id): a mismatch of any kind only means "cannot check the owner".
 */
const TIME_BOOT_ID_PREFIX = 'boottime:';
function isTimeDerivedBootId(bootId) {
    return bootId.startsWith(TIME_BOOT_ID_PREFIX);
}
/**
 * The PID namespace field on systems with one PID space per boot (macOS, Windows). Windows
 * containers differ from their host by host name and MachineGuid, which are compared first.
 */
const SINGLE_PID_SPACE = 'host';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Fields of a UTC time → canonical ISO string, or undefined when the fields are not a date. */
function isoUtc(year, month, day, hour, minute, second, fraction = '') {
    const ms = Date.UTC(year, month - 1, day, hour, minute, second);
    const date = new Date(ms);
    // Rejects Feb 30, hour 25 and the like instead of silently rolling them over.
    if (!Number.isFinite(ms) ||
        date.getUTCFullYear() !== year ||
        date.getUTCMonth() !== month - 1 ||
        date.getUTCDate() !== day ||
        date.getUTCHours() !== hour ||
        date.getUTCMinutes() !== minute ||
        date.getUTCSeconds() !== second) {
        return undefined;
    }
    const base = date.toISOString().slice(0, 19);
    return fraction ? `${base}.${fraction}Z` : `${base}Z`;
}
/** Fraction digits to exactly six (microseconds), truncating finer ones (.NET prints seven). */
const micros = (digits) => digits.slice(0, 6).padEnd(6, '0');
// ---------------------------------------------------------------- macOS
/**
 * `ps -o stat= -o lstart= -p PID`, run with LC_ALL=C and TZ=UTC: the C locale fixes the
 * English day and month names and the layout, UTC makes the printed time independent of the
 * user's zone and of daylight saving, so every reader gets the same token for one process.
 */
function darwinStartTimeQuery(pid) {
    return {
        command: {
            file: 'ps',
            args: ['-o', 'stat=', '-o', 'lstart=', '-p', String(pid)],
            env: { LC_ALL: 'C', TZ: 'UTC' }
        },
        parse: parseDarwinPs
    };
}
/** "Ss   Sat Nov 28 13:36:27 2026" → the state letter decides zombie, the rest is lstart. */
function parseDarwinPs(stdout) {
    const match = /^\s*(\S+)\s+(.+?)\s*$/.exec(stdout.split('\n').find(line => line.trim()) ?? '');
    if (!match)
        return undefined;
    const startTime = parseDarwinLstart(match[2]);
    if (!startTime)
        return undefined;
    return { startTime, zombie: match[1].startsWith('Z') };
}
/** "Sat Nov 28 13:36:27 2026" (also "Sat Nov  8 ...") printed in UTC → "2026-11-28T13:36:27Z". */
function parseDarwinLstart(text) {
    const match = /^[A-Z][a-z]{2}\s+([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s+(\d{4})$/.exec(text.trim());
    if (!match)
        return undefined;
    const month = MONTHS.indexOf(match[1]) + 1;
    if (month === 0)
        return undefined;
    const [day, hour, minute, second, year] = match.slice(2).map(Number);
    return isoUtc(year, month, day, hour, minute, second);
}
/** `sysctl -n kern.bootsessionuuid`: a random id per boot, the real boot id (preferred). */
function darwinBootSessionQuery() {
    return {
        command: { file: 'sysctl', args: ['-n', 'kern.bootsessionuuid'], env: { LC_ALL: 'C' } },
        parse: parseUuid
    };
}
function parseUuid(stdout) {
    const text = stdout.trim().toLowerCase();
    return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(text)
        ? text
        : undefined;
}
/** `sysctl -n kern.boottime`: fallback boot id where the session uuid is missing (old macOS). */
function darwinBootTimeQuery() {
    return {
        command: { file: 'sysctl', args: ['-n', 'kern.boottime'], env: { LC_ALL: 'C', TZ: 'UTC' } },
        parse: parseDarwinBootTime
    };
}
/** "{ sec = 1732780000, usec = 123456 } Sat Nov 28 ..." → "boottime:1732780000.123456". */
function parseDarwinBootTime(stdout) {
    const match = /\{\s*sec\s*=\s*(\d+),\s*usec\s*=\s*(\d+)\s*\}/.exec(stdout);
    if (!match)
        return undefined;
    return `${TIME_BOOT_ID_PREFIX}${match[1]}.${match[2].padStart(6, '0')}`;
}
/** `ioreg -rd1 -c IOPlatformExpertDevice`: the hardware UUID, macOS's machine id. */
function darwinMachineIdQuery() {
    return {
        command: { file: 'ioreg', args: ['-rd1', '-c', 'IOPlatformExpertDevice'] },
        parse: stdout => parseUuid(/"IOPlatformUUID"\s*=\s*"([^"]+)"/.exec(stdout)?.[1] ?? '')
    };
}
// ---------------------------------------------------------------- Windows
const POWERSHELL = 'powershell.exe';
const powershell = (script) => ({
    file: POWERSHELL,
    args: ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', script]
});
/**
 * Creation time of a PID. PowerShell first; `wmic` (removed from recent Windows) only where
 * powershell.exe is missing, so one machine always reads owners the same way.
 * Get-Process's StartTime is local time built from the FILETIME, with .NET's DST-ambiguity
 * flag, so ToUniversalTime returns the exact instant.
 */
function windowsStartTimeQueries(pid) {
    const id = String(Math.trunc(pid));
    const running = (startTime) => startTime ? { startTime, zombie: false } : undefined;
    return [
        {
            command: powershell(`(Get-Process -Id ${id} -ErrorAction Stop).StartTime.ToUniversalTime().ToString('o')`),
            parse: stdout => running(parseIsoUtc(stdout))
        },
        {
            command: {
                file: 'wmic',
                args: ['process', 'where', `ProcessId=${id}`, 'get', 'CreationDate', '/value']
            },
            parse: stdout => running(parseCimDateTime(parseWmicValue(stdout, 'CreationDate') ?? ''))
        }
    ];
}
/** Boot time, rounded down to the second (it is recomputed from the clock and may jitter). */
function windowsBootIdQueries() {
    const bootId = (iso) => iso ? `${TIME_BOOT_ID_PREFIX}${iso.slice(0, 19)}Z` : undefined;
    return [
        {
            command: powershell("(Get-CimInstance Win32_OperatingSystem).LastBootUpTime.ToUniversalTime().ToString('o')"),
            parse: stdout => bootId(parseIsoUtc(stdout))
        },
        {
            command: { file: 'wmic', args: ['os', 'get', 'LastBootUpTime', '/value'] },
            parse: stdout => bootId(parseCimDateTime(parseWmicValue(stdout, 'LastBootUpTime') ?? ''))
        }
    ];
}
/** The MachineGuid registry value: Windows's machine id. */
function windowsMachineIdQuery() {
    return {
        command: {
            file: 'reg',
            args: ['query', 'HKLM\\SOFTWARE\\Microsoft\\Cryptography', '/v', 'MachineGuid']
        },
        parse: stdout => parseUuid(/MachineGuid\s+REG_SZ\s+(\S+)/i.exec(stdout)?.[1] ?? '')
    };
}
/** .NET round-trip ("o") UTC time "2026-11-28T13:36:27.1234567Z" → canonical, microseconds. */
function parseIsoUtc(stdout) {
    const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|\+00:00)$/.exec(stdout.trim());
    if (!match)
        return undefined;
    const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
    return isoUtc(year, month, day, hour, minute, second, micros(match[7] ?? ''));
}
/**
 * CIM datetime "20261128133627.123456+060": local time, then the offset from UTC in minutes
 * (`+060` = UTC+1) → canonical UTC, microseconds.
 */
function parseCimDateTime(text) {
    const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\.(\d{6})([+-])(\d{3})$/.exec(text.trim());
    if (!match)
        return undefined;
    const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
    if (!isoUtc(year, month, day, hour, minute, second))
        return undefined;
    const offsetMinutes = Number(match[9]) * (match[8] === '-' ? -1 : 1);
    const utc = new Date(Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000);
    return `${utc.toISOString().slice(0, 19)}.${match[7]}Z`;
}
/** `wmic ... /value` prints "Name=value" among blank lines (and \r\r\n line ends). */
function parseWmicValue(stdout, name) {
    for (const line of stdout.split(/\r*\n/)) {
        const [key, ...rest] = line.trim().split('=');
        if (key === name && rest.length > 0)
            return rest.join('=').trim();
    }
    return undefined;
}
// ---------------------------------------------------------------- per platform
/** Queries for a PID's start time (Linux reads /proc instead: none here). */
function startTimeQueries(platform, pid) {
    if (platform === 'darwin')
        return [darwinStartTimeQuery(pid)];
    if (platform === 'win32')
        return windowsStartTimeQueries(pid);
    return [];
}
function bootIdQueries(platform) {
    if (platform === 'darwin')
        return [darwinBootSessionQuery(), darwinBootTimeQuery()];
    if (platform === 'win32')
        return windowsBootIdQueries();
    return [];
}
function machineIdQueries(platform) {
    if (platform === 'darwin')
        return [darwinMachineIdQuery()];
    if (platform === 'win32')
        return [windowsMachineIdQuery()];
    return [];
}

;// CONCATENATED MODULE: ./src/lock/identity.ts
/**
 * Who this process is and whether another process still lives (§2.3, §2.4), on Linux, macOS
 * and Windows. Decisions and parsers are pure with the platform passed in (here and in
 * os-identity.ts); the few OS calls (signal, run a command) are injected as `OsCalls`.
 *
 * - Linux: /proc/PID/stat start time (ticks since boot) + /proc boot_id + PID namespace.
 * - macOS: `ps` start time (UTC, whole seconds) + kern.bootsessionuuid + IOPlatformUUID.
 * - Windows: process creation time (PowerShell, else wmic) + boot time + MachineGuid.
 * Where a start time cannot be read the answer is "unknown", never "dead": the owner is then
 * judged by its heartbeat lease (§2.4).
 */






/** Commands answer in well under a second; a hung one must not hang the waiter. */
const RUN_TIMEOUT_MS = 15_000;
/**
 * The environment of an identity command: ours without secrets (environment.ts), which ps or
 * PowerShell have no use for.
 */
function commandEnv(base, extra = {}) {
    return withoutSecrets(base, extra);
}
const systemCalls = {
    run(command) {
        try {
            return (0,external_node_child_process_.execFileSync)(command.file, command.args, {
                encoding: 'utf8',
                env: commandEnv(process.env, command.env),
                stdio: ['ignore', 'pipe', 'ignore'],
                timeout: RUN_TIMEOUT_MS,
                windowsHide: true
            });
        }
        catch (error) {
            return error.code === 'ENOENT' ? undefined : '';
        }
    },
    signal(pid) {
        try {
            process.kill(pid, 0);
            return undefined;
        }
        catch (error) {
            return error.code ?? 'unknown';
        }
    },
    now: () => external_node_perf_hooks_.performance.now()
};
function recordPlatform(platform) {
    return platform === 'darwin' || platform === 'win32' ? platform : 'linux';
}
/**
 * Parses /proc/PID/stat: the command name (field 2) sits in parentheses and may itself contain
 * spaces and parentheses, so fields are counted from the LAST ')'. Returns the state (field 3)
 * and the start time in clock ticks since boot (field 22), or undefined when malformed.
 */
function parseProcStat(content) {
    const close = content.lastIndexOf(')');
    if (close < 0)
        return undefined;
    const fields = content
        .slice(close + 1)
        .trim()
        .split(/\s+/);
    // fields[0] is field 3 (state), so field 22 is fields[19].
    const state = fields[0];
    const startTime = fields[19];
    if (!state || !startTime || !/^\d+$/.test(startTime))
        return undefined;
    return { state, startTime };
}
/** Pure: turns what was read about a PID into a probe answer, per platform. */
function interpretProbe(platform, facts) {
    if (platform === 'linux' && facts.statContent !== undefined) {
        const stat = parseProcStat(facts.statContent);
        if (!stat)
            return { state: 'unknown' };
        // A zombie (Z) or dying (X) process has already stopped running: it holds nothing.
        if (stat.state === 'Z' || stat.state === 'X')
            return { state: 'dead' };
        return { state: 'running', startTime: stat.startTime };
    }
    if (platform === 'linux' && facts.statMissing)
        return { state: 'dead' };
    // A PID that does not exist is dead on every OS. EPERM: it exists, owned by another user.
    if (facts.signalError === 'ESRCH')
        return { state: 'dead' };
    if (facts.signalError !== undefined && facts.signalError !== 'EPERM')
        return { state: 'unknown' };
    // Without a start time a PID that answers may be a reused one: "unknown", never "running".
    if (platform === 'linux' || !facts.start)
        return { state: 'unknown' };
    if (facts.start.zombie)
        return { state: 'dead' };
    return { state: 'running', startTime: facts.start.startTime };
}
/**
 * Start-time commands: the first one installed answers, so one machine always reads owners
 * the same way (two tools could format one instant differently in corner cases).
 */
function askFirstInstalled(queries, calls) {
    for (const query of queries) {
        const stdout = calls.run(query.command);
        if (stdout !== undefined)
            return query.parse(stdout);
    }
    return undefined;
}
/** Id commands: the first usable answer (an older OS lacks the preferred one). */
function askFirstAnswer(queries, calls) {
    for (const query of queries) {
        const stdout = calls.run(query.command);
        const answer = stdout === undefined ? undefined : query.parse(stdout);
        if (answer !== undefined)
            return answer;
    }
    return undefined;
}
function readTrimmed(path) {
    try {
        return (0,external_node_fs_.readFileSync)(path, 'utf8').trim();
    }
    catch {
        return '';
    }
}
/**
 * True when /proc shows this process's own PID namespace (a PID namespace without its own /proc
 * mount would otherwise make us read another process's start time).
 */
function procIsOurs() {
    try {
        return (0,external_node_fs_.readlinkSync)('/proc/self') === String(process.pid);
    }
    catch {
        return false;
    }
}
function readNamespace() {
    try {
        return (0,external_node_fs_.readlinkSync)('/proc/self/ns/pid');
    }
    catch {
        return '';
    }
}
let cachedFacts;
/** Facts about this machine and boot; computed once per process for the real OS. */
function localFacts(platform = process.platform, calls = systemCalls) {
    const cacheable = calls === systemCalls;
    if (cacheable && cachedFacts && cachedFacts.platform === recordPlatform(platform))
        return cachedFacts;
    const facts = platform === 'linux'
        ? {
            host: (0,external_node_os_.hostname)(),
            machineId: readTrimmed('/etc/machine-id') || readTrimmed('/var/lib/dbus/machine-id'),
            bootId: readTrimmed('/proc/sys/kernel/random/boot_id'),
            pidNamespace: procIsOurs() ? readNamespace() : '',
            platform: 'linux'
        }
        : {
            host: (0,external_node_os_.hostname)(),
            machineId: askFirstAnswer(machineIdQueries(platform), calls) ?? '',
            bootId: askFirstAnswer(bootIdQueries(platform), calls) ?? '',
            pidNamespace: platform === 'darwin' || platform === 'win32' ? SINGLE_PID_SPACE : '',
            platform: recordPlatform(platform)
        };
    if (cacheable)
        cachedFacts = facts;
    return facts;
}
function probeLinuxProc(pid) {
    try {
        return interpretProbe('linux', { statContent: (0,external_node_fs_.readFileSync)(`/proc/${pid}/stat`, 'utf8') });
    }
    catch (error) {
        const code = error.code;
        if (code === 'ENOENT' || code === 'ESRCH')
            return interpretProbe('linux', { statMissing: true });
        return { state: 'unknown' };
    }
}
function probeWith(pid, platform, calls, readStart) {
    if (!Number.isInteger(pid) || pid <= 0)
        return { state: 'unknown' };
    if (platform === 'linux' && calls === systemCalls && procIsOurs())
        return probeLinuxProc(pid);
    const signalError = calls.signal(pid);
    // Existence first (cheap); the start-time command runs only for a PID that exists.
    if (platform === 'linux' || (signalError !== undefined && signalError !== 'EPERM')) {
        return interpretProbe(platform, { signalError });
    }
    return interpretProbe(platform, { signalError, start: readStart(pid) });
}
/** Probes a PID on this machine, reading its start time afresh. Never throws. */
function probeProcess(pid, platform = process.platform, calls = systemCalls) {
    return probeWith(pid, platform, calls, id => askFirstInstalled(startTimeQueries(platform, id), calls));
}
/**
 * How long a start time read by a command is reused. Safe in both directions: a start time
 * that differed proves the owner gone forever, and one that matched can only turn stale by the
 * owner dying, which ESRCH (checked on every probe) catches at once; only a PID reused within
 * this window is noticed late. Keeps waiters from running PowerShell every poll.
 */
const START_TIME_REUSE_MS = 15_000;
/**
 * A probe for waiters and keepers, which ask about the same PIDs every poll: on macOS and
 * Windows it re-reads a start time only when the cached one is older than `reuseMs`.
 */
function createProber(platform = process.platform, calls = systemCalls, reuseMs = START_TIME_REUSE_MS) {
    const cache = new Map();
    const readStart = (pid) => {
        const cached = cache.get(pid);
        if (cached && calls.now() - cached.readAt < reuseMs)
            return cached.start;
        const start = askFirstInstalled(startTimeQueries(platform, pid), calls);
        if (start)
            cache.set(pid, { start, readAt: calls.now() });
        else
            cache.delete(pid);
        return start;
    };
    return pid => {
        const probe = probeWith(pid, platform, calls, readStart);
        if (probe.state === 'dead')
            cache.delete(pid);
        return probe;
    };
}
let ownStartTime;
/** The start token of a PID ('' when it cannot be read here). */
function startTimeOf(pid, platform = process.platform, calls = systemCalls) {
    // Our own PID cannot be reused while we run: read it once (guards are taken often).
    const own = pid === process.pid && platform === process.platform && calls === systemCalls;
    if (own && ownStartTime)
        return ownStartTime;
    const probe = probeProcess(pid, platform, calls);
    const startTime = probe.state === 'running' ? probe.startTime : '';
    if (own && startTime)
        ownStartTime = startTime;
    return startTime;
}
/**
 * True only when `pid` is running with the given start token. Used before signalling a
 * process we started earlier, so a reused PID is never signalled.
 */
function isSameProcess(pid, startTime) {
    if (!startTime)
        return false;
    const probe = probeProcess(pid);
    return probe.state === 'running' && probe.startTime === startTime;
}

;// CONCATENATED MODULE: ./src/lock/observation.ts
/**
 * How long this process has seen a file unchanged, on its own monotonic clock (§2.4: no trust
 * in other hosts' clocks). A file counts as changed when its inode, mtime, size or content do.
 */

function snapshotKey(snapshot) {
    return `${snapshot.ino}:${snapshot.mtimeMs}:${snapshot.size}:${snapshot.content}`;
}
function sameSnapshot(a, b) {
    return snapshotKey(a) === snapshotKey(b);
}
class UnchangedTracker {
    now;
    seen = new Map();
    constructor(now = () => external_node_perf_hooks_.performance.now()) {
        this.now = now;
    }
    /** Records the current state of file `id`; returns how long it has been in this state. */
    observe(id, snapshot) {
        const key = snapshotKey(snapshot);
        const now = this.now();
        const previous = this.seen.get(id);
        if (previous && previous.key === key)
            return now - previous.sinceMs;
        this.seen.set(id, { key, sinceMs: now });
        return 0;
    }
    forget(id) {
        this.seen.delete(id);
    }
}
/**
 * How far a filesystem may have rounded an mtime down: FAT keeps 2 s steps, exFAT (through
 * FUSE), HFS+ and ext3 whole seconds. A timestamp on a whole second is taken as rounded; a
 * fine-grained one (ext4, xfs, btrfs, APFS, NTFS) almost never lands exactly on one.
 */
const COARSE_MTIME_SLACK_MS = 2000;
/**
 * Local age of a file from its mtime (meaningful on this host only; §2.4 uses the larger),
 * never more than it can be: on a coarse-timestamp filesystem a file written just now may
 * show an mtime up to 2 s old, which must not make it look abandoned early.
 */
function localAgeMs(snapshot, now = Date.now()) {
    return Math.max(0, now - snapshot.mtimeMs - mtimeStepMs(snapshot));
}
/**
 * How far apart the file's possible mtimes may be: COARSE_MTIME_SLACK_MS for a timestamp on a
 * whole second, else 0. A heartbeat on such a filesystem shows only once per step, so the
 * lease rule waits this much longer before it calls a lock unchanged (§2.4).
 */
function mtimeStepMs(snapshot) {
    return snapshot.mtimeMs % 1000 === 0 ? COARSE_MTIME_SLACK_MS : 0;
}

;// CONCATENATED MODULE: ./src/lock/record.ts
const KINDS = ['lock', 'waiter', 'guard'];
const ROLES = ['job-anchor', 'keeper', 'process'];
const PLATFORMS = ['linux', 'darwin', 'win32'];
const JOB_FIELDS = [
    'repository',
    'runId',
    'runAttempt',
    'jobId',
    'job',
    'runnerName',
    'workflowUrl'
];
const TOKEN = /^[0-9a-f]{32}$/;
function emptyJob() {
    return {
        repository: '',
        runId: '',
        runAttempt: '',
        jobId: '',
        job: '',
        runnerName: '',
        workflowUrl: ''
    };
}
/** Fills missing job fields with '' so every record has the same shape. */
function normalizeJob(job) {
    const result = emptyJob();
    for (const field of JOB_FIELDS) {
        const value = job?.[field];
        if (typeof value === 'string')
            result[field] = value;
    }
    return result;
}
function encodeRecord(record) {
    return `${JSON.stringify(record)}\n`;
}
const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value) => typeof value === 'string';
const isCount = (value) => typeof value === 'number' && Number.isInteger(value) && value >= 0;
function parseOwner(value) {
    if (!isObject(value))
        return undefined;
    const { pid, startTime, role } = value;
    if (!isCount(pid) || !isString(startTime) || !isString(role) || !ROLES.includes(role)) {
        return undefined;
    }
    return { pid, startTime, role: role };
}
function parseJob(value) {
    if (!isObject(value))
        return undefined;
    const job = emptyJob();
    for (const field of JOB_FIELDS) {
        const fieldValue = value[field];
        if (!isString(fieldValue))
            return undefined;
        job[field] = fieldValue;
    }
    return job;
}
/**
 * Parses a record; anything malformed (empty, half-written, foreign) is `undefined`, which the
 * staleness rules treat as "abandoned once old enough" (§2.2).
 */
function record_parseRecord(text) {
    let value;
    try {
        value = JSON.parse(text);
    }
    catch {
        return undefined;
    }
    if (!isObject(value) || value.version !== 1)
        return undefined;
    const { kind, token, host, machineId, bootId, pidNamespace, platform } = value;
    if (!isString(kind) || !KINDS.includes(kind))
        return undefined;
    if (!isString(token) || !TOKEN.test(token))
        return undefined;
    if (!isString(host) || !isString(machineId) || !isString(bootId))
        return undefined;
    if (!isString(pidNamespace) || !isString(platform) || !PLATFORMS.includes(platform)) {
        return undefined;
    }
    if (!Array.isArray(value.owners))
        return undefined;
    const owners = value.owners.map(parseOwner);
    if (owners.some(owner => owner === undefined))
        return undefined;
    const { leaseMs, heartbeatMs, acquiredAt } = value;
    if (!isCount(leaseMs) || !isCount(heartbeatMs) || !isString(acquiredAt))
        return undefined;
    const job = parseJob(value.job);
    if (!job)
        return undefined;
    return {
        version: 1,
        kind: kind,
        token,
        host,
        machineId,
        bootId,
        pidNamespace,
        platform: platform,
        owners: owners,
        leaseMs,
        heartbeatMs,
        job,
        acquiredAt
    };
}

;// CONCATENATED MODULE: ./src/lock/staleness.ts
function ownerState(owner, probe) {
    if (probe.state === 'dead')
        return 'dead';
    if (probe.state === 'unknown' || !owner.startTime)
        return 'unknown';
    // Same PID, other start time: the owner died and its PID was reused (§2.3).
    return probe.startTime === owner.startTime ? 'alive' : 'dead';
}
const known = (a, b) => a !== '' && a === b;
/** True when the record was written on this machine, in this boot and PID namespace. */
function ownersCheckable(record, local) {
    return (record.host === local.host &&
        record.platform === local.platform &&
        known(record.machineId, local.machineId) &&
        known(record.bootId, local.bootId) &&
        known(record.pidNamespace, local.pidNamespace));
}
function judgeStaleness(input) {
    const { record, local, observation } = input;
    if (!record) {
        const ageMs = Math.max(observation.localAgeMs, observation.unchangedForMs);
        const stale = ageMs >= input.abandonedAfterMs;
        return {
            stale,
            rule: 'abandoned',
            reason: stale
                ? `empty or unreadable for ${Math.round(ageMs)} ms: abandoned`
                : `empty or unreadable, only ${Math.round(ageMs)} ms old: may still be being written`
        };
    }
    // A different boot id never breaks a lock by itself (issue 13.3): cloned VMs and containers
    // that share a network root have the same host name and machine id but each its own boot
    // id, so "this host rebooted" cannot be told from "another machine with the same name". It
    // only makes the owners uncheckable from here, and the lease decides below: after a real
    // reboot the lock is recovered once nobody has moved its heartbeat for the lease.
    if (ownersCheckable(record, local) && record.owners.length > 0) {
        const states = record.owners.map(owner => ownerState(owner, input.probe(owner.pid)));
        const pids = record.owners.map(owner => owner.pid).join(', ');
        if (states.includes('alive')) {
            return { stale: false, rule: 'owners', reason: `an owner (pid ${pids}) is alive` };
        }
        if (states.every(state => state === 'dead')) {
            return { stale: true, rule: 'owners', reason: `every owner (pid ${pids}) has exited` };
        }
    }
    // Another host, another boot or container, or an owner we cannot check: only the heartbeat
    // tells, seen unchanged on this waiter's own monotonic clock.
    const leaseMs = Math.max(input.ownLeaseMs, record.leaseMs) + (observation.mtimeStepMs ?? 0);
    const stale = observation.unchangedForMs >= leaseMs;
    const otherBoot = record.host === local.host &&
        known(record.machineId, local.machineId) &&
        record.bootId !== local.bootId;
    const why = otherBoot ? ' (same host name and machine id, another boot id)' : '';
    return {
        stale,
        rule: 'lease',
        reason: stale
            ? `no heartbeat seen for ${Math.round(observation.unchangedForMs)} ms (lease ${leaseMs} ms)${why}`
            : `owner not checkable from here${why}; heartbeat lease ${leaseMs} ms not expired`
    };
}

;// CONCATENATED MODULE: ./src/lock/context.ts




const DEFAULT_LEASE_MS = 30_000;
const DEFAULT_ABANDONED_AFTER_MS = 5_000;
function context_createContext(options = {}) {
    const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    return {
        leaseMs,
        heartbeatMs: options.heartbeatMs ?? Math.max(1, Math.floor(leaseMs / 6)),
        abandonedAfterMs: options.abandonedAfterMs ?? DEFAULT_ABANDONED_AFTER_MS,
        local: options.local ?? localFacts(),
        // Reuses macOS/Windows start times briefly: waiters ask about the same PIDs every poll.
        probe: createProber(),
        tracker: new UnchangedTracker(),
        hooks: options.hooks ?? {}
    };
}
function ownerOf(pid, role) {
    return { pid, startTime: startTimeOf(pid), role };
}
function buildRecord(context, kind, token, owners, job = emptyJob()) {
    const { local } = context;
    return {
        version: 1,
        kind,
        token,
        host: local.host,
        machineId: local.machineId,
        bootId: local.bootId,
        pidNamespace: local.pidNamespace,
        platform: local.platform,
        owners,
        leaseMs: context.leaseMs,
        heartbeatMs: context.heartbeatMs,
        job,
        acquiredAt: new Date().toISOString()
    };
}
/** Parses and judges one file as seen now; `id` names it for the unchanged-time tracker. */
function judgeFile(context, id, snapshot) {
    const record = record_parseRecord(snapshot.content);
    const verdict = judgeStaleness({
        record,
        local: context.local,
        probe: context.probe,
        observation: {
            unchangedForMs: context.tracker.observe(id, snapshot),
            localAgeMs: localAgeMs(snapshot),
            mtimeStepMs: mtimeStepMs(snapshot)
        },
        ownLeaseMs: context.leaseMs,
        abandonedAfterMs: context.abandonedAfterMs
    });
    return { record, verdict };
}

// EXTERNAL MODULE: external "node:timers/promises"
var promises_ = __nccwpck_require__(500);
;// CONCATENATED MODULE: ./src/lock/guard.ts
/**
 * The reaper guard `${lock}.guard` (§2.4, §2.5). Every removal of a lock happens while holding
 * its guard, after re-reading the lock under it. Creation never replaces an existing file, so
 * what was read under the guard stays at the path until the guard holder removes it: two
 * breakers never remove a fresh lock, and a release never removes another job's lock.
 *
 * Two kinds of guard:
 * - a breaker's own: a new record file naming this process (needs a little disk space, as
 *   taking a lock does anyway);
 * - a release's: a hard link to the very lock being released (issue 13.8). Taking it needs no
 *   new disk space, so a full disk cannot keep a job from releasing. Its content is the lock's
 *   record, so others judge it by the lock's owners (alive while the job is) and by its lease,
 *   which the keeper's heartbeat moves (one inode, two names). Where hard links are unsupported,
 *   or the lock's owners are gone, a release takes its own guard like a breaker.
 *
 * A guard is not heartbeated, so a holder that pauses longer than the lease may find it broken
 * by a waiter on another host (issue 13.9). Two defences, in order:
 * 1. Freshness. Nobody can break a guard before it is `leaseMs` old on their own clock (they
 *    must see it unchanged that long, and it did not exist before we created it), nor while
 *    its owners are alive on this host. Right before removing anything the holder checks that
 *    less than half the guard's lease has passed since it started creating it, and that its
 *    owners live; otherwise it gives up this attempt and judges afresh.
 * 2. Removal by rename-and-recheck, never a bare unlink: the lock is renamed to a private name
 *    and removed only if the private copy is exactly what was judged (same inode, mtime, size
 *    and content for a break; our token for a release). Anything else is linked back where it
 *    was, never over a file created there since.
 * The residual window is the one POSIX leaves without an atomic compare-and-unlink (Linux's
 * renameat2 is not reachable from Node): all of these must happen, in this order —
 *   a. the guard holder is frozen for at least half the lease exactly between check 1 and its
 *      rename(2) (two consecutive statements);
 *   b. meanwhile its guard is broken — by a waiter that cannot check the holder's PID (another
 *      host, container or boot) after seeing the guard unchanged for the lease, or, for a
 *      release's link guard only, on this host once every owner of the released lock has
 *      exited — and that waiter removes the judged lock, and a new holder creates another;
 *   c. the frozen holder resumes, renames the new lock aside, sees it is not its target, and a
 *      fourth process creates a lock at the path in the microseconds between that rename and
 *      the link that puts the new lock back.
 * Only then is a newer lock displaced: its holder's keeper stops heartbeating, its release
 * reports the lock lost (LockLostError), and until then two jobs may use the slot at once.
 */








const MAX_BACKOFF_MS = 20;
/** Someone else holds the guard: remove it when it is stale (by rename-and-recheck), else wait. */
async function waitOrBreak(files, context, backoffMs) {
    const outcome = readNoFollow(files.guardPath);
    if (outcome.kind === 'not-a-file')
        throw notAFileError(files.guardPath, outcome.what);
    if (outcome.kind === 'missing')
        return;
    const seen = outcome.snapshot;
    // A guard is held for milliseconds; one left behind by a killed process is broken by the
    // same proof rules as the lock, so two breakers of the same dead guard never remove a live one.
    if (judgeFile(context, files.guardPath, seen).verdict.stale) {
        reapIfUnchanged(files.guardPath, now => now.kind === 'file' && sameSnapshot(now.snapshot, seen));
        context.tracker.forget(files.guardPath);
        return;
    }
    await (0,promises_.setTimeout)(backoffMs);
}
const nextBackoff = (ms) => Math.min(ms * 2, MAX_BACKOFF_MS);
/** A breaker's guard: a new record file naming this process. */
async function acquireOwnGuard(files, context) {
    const token = randomHex(16);
    const record = buildRecord(context, 'guard', token, [ownerOf(process.pid, 'process')]);
    const content = encodeRecord(record);
    for (let backoffMs = 1;; backoffMs = nextBackoff(backoffMs)) {
        const takenAtMs = external_node_perf_hooks_.performance.now();
        if (createExclusive(files.guardPath, content))
            return { token, takenAtMs, record };
        await waitOrBreak(files, context, backoffMs);
    }
}
/**
 * A release's guard: a second name for the lock (no new disk space). 'gone' when the lock
 * vanished first; 'unsupported' where hard links are.
 */
async function acquireLinkGuard(files, context) {
    for (let backoffMs = 1;; backoffMs = nextBackoff(backoffMs)) {
        const takenAtMs = external_node_perf_hooks_.performance.now();
        const linked = linkNoReplace(files.lockPath, files.guardPath);
        if (linked === 'missing')
            return 'gone';
        if (linked === 'unsupported')
            return linked;
        if (linked === 'linked') {
            const outcome = readNoFollow(files.guardPath);
            const record = outcome.kind === 'file' ? record_parseRecord(outcome.snapshot.content) : undefined;
            if (outcome.kind === 'file' && record) {
                return { token: record.token, linkedIno: outcome.snapshot.ino, takenAtMs, record };
            }
            // We created this name a moment ago, so it is ours to remove: a link planted at the lock
            // path (link(2) links the link itself) or a lock that is not a record (not ours either).
            unlinkQuiet(files.guardPath);
            if (outcome.kind === 'not-a-file')
                throw notAFileError(files.lockPath, outcome.what);
            return 'gone';
        }
        await waitOrBreak(files, context, backoffMs);
    }
}
/**
 * Freshness (defence 1 above): less than half the guard's lease since it was created, and its
 * owners alive as this host sees them (a link guard's owners are the released lock's).
 */
function isFresh(guard, context) {
    if (external_node_perf_hooks_.performance.now() - guard.takenAtMs >= guard.record.leaseMs / 2)
        return false;
    const verdict = judgeStaleness({
        record: guard.record,
        local: context.local,
        probe: context.probe,
        observation: { unchangedForMs: 0, localAgeMs: 0 },
        ownLeaseMs: context.leaseMs,
        abandonedAfterMs: context.abandonedAfterMs
    });
    return !verdict.stale;
}
/** Releases the guard by rename-and-recheck: a newer guard taken after ours was broken stays. */
function releaseGuard(files, guard) {
    reapIfUnchanged(files.guardPath, outcome => {
        if (outcome.kind !== 'file')
            return false;
        if (guard.linkedIno !== undefined && outcome.snapshot.ino !== guard.linkedIno)
            return false;
        return record_parseRecord(outcome.snapshot.content)?.token === guard.token;
    });
}
/**
 * Under the guard: re-reads the lock, checks freshness, then removes the lock only if the file
 * renamed aside is still `isTarget` (defence 2). Test hooks pause at the two points of 13.9.
 */
async function removeUnderGuard(files, context, guard, what, isTarget) {
    const current = readNoFollow(files.lockPath);
    if (current.kind === 'missing')
        return 'gone';
    if (current.kind === 'not-a-file')
        throw notAFileError(files.lockPath, current.what);
    if (!isTarget(current))
        return 'changed';
    await context.hooks.afterGuardCheck?.(what);
    if (!isFresh(guard, context))
        return 'changed';
    await context.hooks.beforeRemove?.(what);
    const reaped = reapIfUnchanged(files.lockPath, isTarget);
    if (reaped === 'removed')
        return 'removed';
    return reaped === 'gone' ? 'gone' : 'changed';
}
/**
 * Removes the lock only if it still carries `token` (release by owner, §2.5), under a link
 * guard where possible so that no new disk space is needed (issue 13.8).
 */
async function guard_removeLockIfToken(files, context, token) {
    const carriesToken = (outcome) => outcome.kind === 'file' && record_parseRecord(outcome.snapshot.content)?.token === token;
    for (;;) {
        const seen = readNoFollow(files.lockPath);
        if (seen.kind === 'missing')
            return { status: 'gone' };
        if (seen.kind === 'not-a-file')
            throw notAFileError(files.lockPath, seen.what);
        const record = record_parseRecord(seen.snapshot.content);
        // Reading touches nothing: a lock that is not ours needs no guard to be left alone.
        if (!record || record.token !== token)
            return { status: 'other', current: record };
        const guard = await acquireReleaseGuard(files, context, seen.snapshot);
        if (guard === 'gone')
            continue;
        try {
            const removal = await removeUnderGuard(files, context, guard, 'release', carriesToken);
            if (removal === 'removed')
                return { status: 'removed', record };
            // Changed under us, or the guard went stale while we paused: look again from the start.
        }
        finally {
            releaseGuard(files, guard);
        }
    }
}
/** A link guard while the lock's owners live; our own guard where links or owners are missing. */
async function acquireReleaseGuard(files, context, seen) {
    // A link guard is judged by the lock's owners: with all of them gone it could be broken at
    // once, so then (a lock released for a job that is over) this process's own guard is used.
    if (!judgeFile(context, files.lockPath, seen).verdict.stale) {
        const guard = await acquireLinkGuard(files, context);
        if (guard !== 'unsupported')
            return guard;
    }
    return acquireOwnGuard(files, context);
}
/**
 * Removes a lock judged stale only if, under the guard, it is still exactly the file that was
 * judged (same inode, mtime, size and content): a heartbeat that moved, or a fresh lock taken
 * in between, leaves it in place (§2.4).
 */
async function breakLockIfUnchanged(files, context, judged) {
    const isJudged = (outcome) => outcome.kind === 'file' && sameSnapshot(outcome.snapshot, judged);
    const guard = await acquireOwnGuard(files, context);
    try {
        return await removeUnderGuard(files, context, guard, 'break', isJudged);
    }
    finally {
        releaseGuard(files, guard);
    }
}

;// CONCATENATED MODULE: ./src/lock/heartbeat.ts
/**
 * Heartbeat of a lock held by this process itself (`holdFor: 'process'`): moves the lock's
 * mtime so waiters on other hosts or in other containers see the lease alive (§2.4). The timer
 * never keeps the process alive; releaseLock stops it.
 */


const running = new Map();
const keyOf = (lockPath, token) => `${lockPath}\0${token}`;
function startHeartbeat(lockPath, token, everyMs) {
    const isOurs = (content) => record_parseRecord(content)?.token === token;
    const timer = setInterval(() => {
        try {
            if (atomic_touchIfToken(lockPath, isOurs) !== 'touched')
                stopHeartbeat(lockPath, token);
        }
        catch {
            // A transient filesystem error: the next beat tries again.
        }
    }, everyMs);
    timer.unref();
    running.set(keyOf(lockPath, token), timer);
}
function stopHeartbeat(lockPath, token) {
    const key = keyOf(lockPath, token);
    clearInterval(running.get(key));
    running.delete(key);
}

;// CONCATENATED MODULE: external "node:net"
const external_node_net_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");
;// CONCATENATED MODULE: ./src/lock/paths.ts
/**
 * Where the lock's files live (§2 "Paths", DESIGN "The lock"). A lock is one file (a "slot");
 * its reaper guard is `${slot}.guard` beside it. Waiters queue in a directory: `${lock}.queue/`
 * for a single lock, or the queue a pool of slots shares (one FIFO, N slot locks).
 */

/** `${clonePath}.lock` — appended, never a suffix replacement (`repo.v2` → `repo.v2.lock`). */
function lockPathFor(clonePath) {
    return `${clonePath.replace(/[\\/]+$/, '')}.lock`;
}
function paths_slotFilesFor(lockPath) {
    return { lockPath, guardPath: `${lockPath}.guard`, directory: (0,external_node_path_.dirname)(lockPath) };
}
function lockFilesFor(lockPath) {
    return { ...paths_slotFilesFor(lockPath), queueDir: `${lockPath}.queue` };
}

;// CONCATENATED MODULE: ./src/lock/keeper.ts
/**
 * The keeper: a detached process that co-owns a job lock (DESIGN "The lock"). It lives as long
 * as the job (the runner kills it at job end through RUNNER_TRACKING_ID, which it inherits),
 * heartbeats the lock for waiters that cannot check PIDs, and releases the lock itself when the
 * job anchor dies.
 *
 * Start-up overlaps the wait and the caller's work (issue 12.6): acquireLock spawns the keeper
 * once it is queued and writes its PID and start time into the lock record straight away; it
 * never waits for the keeper to start. Which lock the keeper keeps (a slot of a pool is known
 * only once taken) reaches it over an inherited socket (fd 3): one line `{"lockPath": …}`
 * written after the lock exists. The socket buffers it, so a keeper that starts after its lock
 * exists, or after its acquirer has exited, still reads it; it then checks its token in that
 * lock and answers `holding`, which resolves `keeperReady`. End of stream without a line means
 * the acquisition was given up. A keeper that never starts leaves a lock whose owners are the
 * job anchor and a dead keeper: it is recovered once the job's anchor exits (§2.4).
 */












const ENV_FLAG = 'SHARED_CHECKOUT_LOCK_KEEPER';
const ENV_CONFIG = 'SHARED_CHECKOUT_LOCK_KEEPER_CONFIG';
/** How often a keeper whose lock is not yet taken checks that its job and acquirer live. */
const WAIT_FOR_LOCK_POLL_MS = 500;
/**
 * How often a keeper holding the lock checks its job anchor. A crashed worker gets no orphan
 * cleanup, so this bounds how long the next job waits for a killed one (issue 3: < 2 s). Cheap:
 * a /proc read (a kill(pid, 0) and a cached start time on macOS/Windows).
 */
const ANCHOR_CHECK_MS = 250;
/** From the moment the keeper is told its lock until it must have answered. */
const READY_TIMEOUT_MS = 30_000;
/** The inherited socket between acquirer and keeper. */
const CHANNEL_FD = 3;
const HOLDING = 'holding';
function isKeeperInvocation(env = process.env) {
    return env[ENV_FLAG] === '1';
}
/** Pure: the keeper's environment — the caller's without secrets (issue 12.4), plus its config. */
function keeperEnvironment(base, config) {
    return withoutSecrets(base, { [ENV_FLAG]: '1', [ENV_CONFIG]: JSON.stringify(config) });
}
/** Gone for sure: no such process, or its PID now belongs to another one. Unknown is alive. */
function isGone(ref, probeOf = probeProcess) {
    const probe = probeOf(ref.pid);
    if (probe.state === 'dead')
        return true;
    return probe.state === 'running' && ref.startTime !== '' && probe.startTime !== ref.startTime;
}
/** Signals `ref` only if it is still the very process we started (never a reused PID). */
function stopProcess(ref) {
    if (!ref.startTime || startTimeOf(ref.pid) !== ref.startTime)
        return false;
    try {
        process.kill(ref.pid, 'SIGTERM');
        return true;
    }
    catch {
        return false;
    }
}
function keeperError(entry, problem) {
    return new Error(`The lock keeper (${process.execPath} ${entry}) is not running: ${problem.message}. ` +
        'The keeper entry must call runKeeper() when isKeeperInvocation(process.env).');
}
function startKeeper(options) {
    const entry = (0,external_node_path_.resolve)(options.entry);
    const child = (0,external_node_child_process_.spawn)(process.execPath, [...options.execArgv, entry], {
        detached: true,
        stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
        env: keeperEnvironment(process.env, options.config)
    });
    if (child.pid === undefined)
        throw new Error(`Could not start the lock keeper (${entry}).`);
    const ref = { pid: child.pid, startTime: startTimeOf(child.pid) };
    const channel = child.stdio[CHANNEL_FD];
    let failure;
    let settled = false;
    let timer;
    let finish = () => undefined;
    const ready = new Promise((resolveReady, reject) => {
        finish = problem => {
            if (settled)
                return;
            settled = true;
            clearTimeout(timer);
            channel.removeAllListeners('data');
            channel.destroy();
            child.removeAllListeners();
            // From now on the keeper lives on its own: it must not keep the acquirer alive.
            child.unref();
            if (!problem)
                return resolveReady();
            failure = keeperError(entry, problem);
            reject(failure);
        };
        let received = '';
        channel.setEncoding('utf8');
        channel.on('data', (chunk) => {
            received += chunk;
            if (received.split('\n').includes(HOLDING))
                finish();
        });
        channel.on('error', () => undefined);
        child.on('error', error => finish(error));
        child.on('exit', (code, signal) => finish(new Error(`it exited (${signal ?? `code ${code}`}) before it held the lock`)));
    });
    // Callers that never await it (or give up first) must not see an unhandled rejection.
    ready.catch(() => undefined);
    return {
        ...ref,
        ready,
        failure: () => failure,
        hold(lockPath) {
            // The first write of a socket goes out at once (libuv tries it synchronously), so the
            // line is in the keeper's receive buffer even if this process exits right after.
            channel.write(`${JSON.stringify({ lockPath })}\n`);
            timer = setTimeout(() => finish(new Error(`it did not report within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
        },
        abandon() {
            finish(new Error('the acquisition was given up'));
            stopProcess(ref);
        }
    };
}
function readConfig(env) {
    const text = env[ENV_CONFIG];
    if (!text)
        throw new Error(`${ENV_CONFIG} is not set: not started as a lock keeper`);
    return JSON.parse(text);
}
function openChannel() {
    try {
        const channel = new Socket({ fd: CHANNEL_FD, readable: true, writable: true });
        channel.on('error', () => undefined);
        return channel;
    }
    catch {
        return undefined; // started by hand, without the socket: nothing tells it its lock
    }
}
/**
 * Waits for the acquirer's line naming the lock. Undefined when the acquisition was given up
 * (end of stream), or the acquirer or the job anchor died first.
 */
function receiveLockPath(channel, config, context) {
    return new Promise(resolveLine => {
        let received = '';
        const done = (lockPath) => {
            clearInterval(check);
            channel.removeAllListeners('data').removeAllListeners('end').removeAllListeners('close');
            resolveLine(lockPath);
        };
        const check = setInterval(() => {
            const gone = isGone(config.acquirer, context.probe);
            if (gone || (config.anchor && isGone(config.anchor, context.probe)))
                done(undefined);
        }, Math.min(WAIT_FOR_LOCK_POLL_MS, context.heartbeatMs));
        channel.setEncoding('utf8');
        channel.on('data', (chunk) => {
            received += chunk;
            const newline = received.indexOf('\n');
            if (newline < 0)
                return;
            try {
                const { lockPath } = JSON.parse(received.slice(0, newline));
                done(typeof lockPath === 'string' ? lockPath : undefined);
            }
            catch {
                done(undefined);
            }
        });
        channel.on('end', () => done(undefined));
        channel.on('close', () => done(undefined));
    });
}
function tokenCheck(token) {
    return content => parseRecord(content)?.token === token;
}
/** The keeper's whole life. Resolves when it should exit. */
async function runKeeper(env = process.env) {
    const config = readConfig(env);
    const context = createContext(config);
    const isOurs = tokenCheck(config.token);
    // SIGTERM (job end, or post after releasing) ends it without releasing; the cancellation
    // SIGINT is for the step, not for the job's lock.
    process.on('SIGTERM', () => process.exit(0));
    process.on('SIGINT', () => undefined);
    process.on('SIGHUP', () => undefined);
    const channel = openChannel();
    if (!channel)
        return;
    const lockPath = await receiveLockPath(channel, config, context);
    // The lock must carry our token: it may already have been released (or lost) meanwhile.
    if (!lockPath || touchIfToken(lockPath, isOurs) !== 'touched') {
        channel.destroy();
        return;
    }
    channel.end(`${HOLDING}\n`);
    const files = slotFilesFor(lockPath);
    const checkEveryMs = config.anchor
        ? Math.min(ANCHOR_CHECK_MS, context.heartbeatMs)
        : context.heartbeatMs;
    let nextHeartbeatAt = performance.now() + context.heartbeatMs;
    for (;;) {
        if (config.anchor && isGone(config.anchor, context.probe)) {
            // The job is over without its post step having released: release for it (§2.4).
            await removeLockIfToken(files, context, config.token);
            return;
        }
        const now = performance.now();
        if (now >= nextHeartbeatAt) {
            if (touchIfToken(files.lockPath, isOurs) !== 'touched')
                return;
            nextHeartbeatAt = now + context.heartbeatMs;
        }
        await sleep(Math.min(checkEveryMs, nextHeartbeatAt - now));
    }
}

;// CONCATENATED MODULE: ./src/lock/options.ts
/**
 * Number rules of the lock's options (§7, issue 13.10): every value is checked before anything
 * on disk changes, so a bad one fails at once with a clear error instead of, say, a NaN
 * deadline that never expires while the waiter spins on a 1 ms timer.
 */

/** What a timeout may be, in the words of the CLI's `--timeout` and the action's `lock-timeout`. */
const TIMEOUT_ACCEPTED = '-1 (wait forever), 0 (try once) or a number of seconds with at most 3 decimals, e.g. 600 or 2.5';
const TIMEOUT_TEXT = /^(?:-1|\d+(?:\.\d{1,3})?)$/;
/**
 * Parses a timeout written as text (CLI flag, action input): -1, 0, or seconds with up to 3
 * decimals. Throws LockOptionError naming `option` and the value otherwise.
 */
function parseTimeoutSeconds(text, option = 'timeout') {
    const trimmed = text.trim();
    const seconds = TIMEOUT_TEXT.test(trimmed) ? Number(trimmed) : NaN;
    if (!Number.isFinite(seconds))
        throw new LockOptionError(option, text, TIMEOUT_ACCEPTED);
    return seconds;
}
/** -1, or a finite number of seconds ≥ 0 (fractions allowed: callers in code are not text). */
function isValidTimeout(seconds) {
    return seconds === -1 || (Number.isFinite(seconds) && seconds >= 0);
}
const POSITIVE_MS = 'a positive, finite number of milliseconds';
function checkPositive(name, value) {
    if (value === undefined)
        return;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
        throw new errors_LockOptionError(name, value, POSITIVE_MS);
    }
}
/** Throws LockOptionError for the first bad timing; `defaultLeaseMs` is the lease when unset. */
function validateTimings(options, defaultLeaseMs) {
    const { timeoutSeconds } = options;
    if (timeoutSeconds !== undefined &&
        (typeof timeoutSeconds !== 'number' || !isValidTimeout(timeoutSeconds))) {
        throw new errors_LockOptionError('timeoutSeconds', timeoutSeconds, TIMEOUT_ACCEPTED);
    }
    checkPositive('leaseMs', options.leaseMs);
    checkPositive('heartbeatMs', options.heartbeatMs);
    checkPositive('pollMs', options.pollMs);
    checkPositive('reportEveryMs', options.reportEveryMs);
    checkPositive('abandonedAfterMs', options.abandonedAfterMs);
    // A heartbeat no more often than the lease would let waiters on other hosts break a live lock.
    const leaseMs = options.leaseMs ?? defaultLeaseMs;
    if (options.heartbeatMs !== undefined && options.heartbeatMs >= leaseMs) {
        throw new errors_LockOptionError('heartbeatMs', options.heartbeatMs, `less than the lease (${leaseMs} ms), e.g. a sixth of it`);
    }
}

;// CONCATENATED MODULE: ./src/lock/pool.ts
/**
 * What one acquisition waits for: a pool of slot locks behind one FIFO queue (§2.7 across the
 * pool), or a single lock, which is a pool of one with the v1 file names (`${lock}.queue/`).
 * Pure decisions about a pool's slots live here too.
 */



const SLOTS_ACCEPTED = 'a non-empty list of distinct lock file paths, none of them the queue';
function checkedSlots(slots, queueDir) {
    if (!Array.isArray(slots) || slots.length === 0) {
        throw new errors_LockOptionError('pool.slots()', slots, SLOTS_ACCEPTED);
    }
    const resolved = slots.map(slot => {
        if (typeof slot !== 'string' || slot === '') {
            throw new errors_LockOptionError('pool.slots()', slots, SLOTS_ACCEPTED);
        }
        return (0,external_node_path_.resolve)(slot);
    });
    if (new Set(resolved).size !== resolved.length || resolved.includes(queueDir)) {
        throw new errors_LockOptionError('pool.slots()', slots, SLOTS_ACCEPTED);
    }
    return resolved;
}
function targetOf(options) {
    const { lockPath, pool } = options;
    if ((lockPath === undefined) === (pool === undefined)) {
        throw new errors_LockOptionError('lockPath/pool', `${lockPath === undefined ? 'neither' : 'both'} given`, 'exactly one of them');
    }
    if (pool) {
        if (typeof pool.queueDir !== 'string' || pool.queueDir === '') {
            throw new errors_LockOptionError('pool.queueDir', pool.queueDir, 'a directory path');
        }
        if (typeof pool.slots !== 'function') {
            throw new errors_LockOptionError('pool.slots', pool.slots, 'a function returning the slot paths');
        }
        const queueDir = (0,external_node_path_.resolve)(pool.queueDir);
        return {
            queueDir,
            slots: () => checkedSlots(pool.slots(), queueDir),
            single: false,
            name: queueDir
        };
    }
    if (typeof lockPath !== 'string' || lockPath === '') {
        throw new errors_LockOptionError('lockPath', lockPath, 'a lock file path');
    }
    const files = lockFilesFor((0,external_node_path_.resolve)(lockPath));
    return {
        queueDir: files.queueDir,
        slots: () => [files.lockPath],
        single: true,
        name: files.lockPath
    };
}
/**
 * True when `record` was written on this machine, in this boot and PID namespace, by a job
 * whose anchor is `anchor` (same PID and start time): an earlier step of this very job.
 */
function heldByOwnJob(record, anchor, local) {
    if (!record || !anchor || anchor.startTime === '')
        return false;
    const here = record.host === local.host &&
        record.machineId === local.machineId &&
        record.bootId === local.bootId &&
        record.pidNamespace === local.pidNamespace;
    return (here &&
        record.owners.some(owner => owner.role === 'job-anchor' &&
            owner.pid === anchor.pid &&
            owner.startTime === anchor.startTime));
}
/**
 * Issue 13.7: every slot is held by this job itself, so it would wait for its own post step.
 * Never true without a job anchor (holdFor 'process', or an anchor PID ≤ 1).
 */
function allHeldByOwnJob(slots, anchor, local) {
    return (anchor !== undefined &&
        slots.length > 0 &&
        slots.every(slot => slot.held && heldByOwnJob(slot.holder, anchor, local)));
}

;// CONCATENATED MODULE: ./src/lock/queue.ts
/**
 * The FIFO of waiters `<queue>/<ticket>` (§2.7): `${lock}.queue/` of a single lock, or the one
 * queue a pool of slots shares. A ticket is a zero-padded integer, one more than the largest
 * present, created with the same exclusive create as the lock. Only the head may create a lock
 * (take a slot); exclusion itself rests on the lock files alone. Entries of waiters that died
 * are removed by the waiters behind them, with the same proof rules.
 */







const TICKET_DIGITS = 12;
const TICKET = /^\d{12}$/;
function ticketName(number) {
    return String(number).padStart(TICKET_DIGITS, '0');
}
/**
 * Creates the queue directory (refusing a planted link) with its parent directory's
 * permissions: whoever may create the locks there may queue for them.
 */
function ensureQueueDir(queueDir) {
    const parent = (0,external_node_path_.dirname)(queueDir);
    try {
        (0,external_node_fs_.mkdirSync)(parent, { recursive: true });
        (0,external_node_fs_.mkdirSync)(queueDir);
        (0,external_node_fs_.chmodSync)(queueDir, (0,external_node_fs_.statSync)(parent).mode & 0o7777);
    }
    catch (error) {
        const code = error.code;
        if (code !== 'EEXIST')
            throw asPathError(error, parent, 'create the lock queue in it');
    }
    const stats = (0,external_node_fs_.lstatSync)(queueDir);
    if (!stats.isDirectory()) {
        throw notAFileError(queueDir, stats.isSymbolicLink() ? 'symbolic link' : 'file');
    }
}
function listQueue(queueDir) {
    const tickets = [];
    let largest = 0;
    for (const entry of (0,external_node_fs_.readdirSync)(queueDir, { withFileTypes: true })) {
        if (!TICKET.test(entry.name))
            continue;
        largest = Math.max(largest, Number(entry.name));
        // A link or directory with a ticket name was planted: never followed, never waited for.
        if (entry.isFile())
            tickets.push(entry.name);
    }
    tickets.sort();
    return { tickets, largest };
}
class QueueEntry {
    queueDir;
    content;
    token;
    ticket;
    constructor(queueDir, content, token, ticket) {
        this.queueDir = queueDir;
        this.content = content;
        this.token = token;
        this.ticket = ticket;
    }
    /** Takes the next ticket. */
    static enqueue(queueDir, content, token) {
        let number = listQueue(queueDir).largest + 1;
        while (!createExclusive((0,external_node_path_.join)(queueDir, ticketName(number)), content))
            number++;
        return new QueueEntry(queueDir, content, token, ticketName(number));
    }
    get path() {
        return (0,external_node_path_.join)(this.queueDir, this.ticket);
    }
    isOurs = (content) => record_parseRecord(content)?.token === this.token;
    /**
     * Heartbeat of the entry (other hosts judge waiters by it). An entry removed by someone who
     * judged this waiter dead is put back, at the same ticket when it is still free.
     */
    heartbeat() {
        if (atomic_touchIfToken(this.path, this.isOurs) === 'touched')
            return;
        if (createExclusive(this.path, this.content))
            return;
        this.ticket = QueueEntry.enqueue(this.queueDir, this.content, this.token).ticket;
    }
    /**
     * The tickets ahead of this one. With `removeDead`, the entry directly ahead is removed when
     * its waiter is proven gone (rename-and-recheck, so a fresh entry at a reused ticket
     * survives), then the next one: each entry is checked by its successor only, so a poll costs
     * every waiter O(1) however long the queue.
     */
    ahead(context, removeDead, log) {
        const { tickets } = listQueue(this.queueDir);
        if (!tickets.includes(this.ticket) && readNoFollow(this.path).kind === 'missing') {
            this.heartbeat();
            return this.ahead(context, removeDead, log);
        }
        const ahead = tickets.filter(ticket => ticket < this.ticket);
        while (removeDead &&
            ahead.length > 0 &&
            this.removeIfDead(context, ahead[ahead.length - 1], log)) {
            ahead.pop();
        }
        return ahead;
    }
    removeIfDead(context, ticket, log) {
        const path = (0,external_node_path_.join)(this.queueDir, ticket);
        const outcome = readNoFollow(path);
        if (outcome.kind !== 'file')
            return true;
        const seen = outcome.snapshot;
        const { verdict } = judgeFile(context, path, seen);
        if (!verdict.stale)
            return false;
        const same = (now) => now.kind === 'file' && sameSnapshot(now.snapshot, seen);
        const reaped = reapIfUnchanged(path, same);
        if (reaped === 'removed')
            log(`Removed the queue entry ${ticket} of a waiter that is gone: ${verdict.reason}.`);
        context.tracker.forget(path);
        return reaped === 'removed' || reaped === 'gone';
    }
    /** Leaves the queue (after taking the lock, on timeout or on cancellation). */
    leave() {
        const outcome = readNoFollow(this.path);
        if (outcome.kind === 'file' && this.isOurs(outcome.snapshot.content))
            unlinkQuiet(this.path);
    }
}

;// CONCATENATED MODULE: ./src/lock/wake.ts
/**
 * Waking a waiter (§2.6): filesystem notifications on the lock's directory and the queue
 * directory wake it within milliseconds of a release; a timer is the fallback for filesystems
 * without notifications. Sleeping costs no CPU. A directory that cannot be watched at all (no
 * inotify instances or watches left: EMFILE, ENOSPC) makes the waker "blind": its owner then
 * looks again every BLIND_RECHECK_MS instead of only at its poll.
 */


/** How often a blind waiter looks again: a release is still noticed within this. */
const BLIND_RECHECK_MS = 200;
/** The watch call, replaceable by tests (they make it fail as an exhausted inotify does). */
const watchOps = { watch: external_node_fs_.watch };
/** The longest delay setTimeout takes (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;
class Waker {
    watchers = [];
    pending = false;
    wakeUp;
    /** Some directory is not watched: changes there only show at the next look. */
    blind = false;
    constructor(targets, onBlind = () => undefined) {
        const lost = (directory, error) => {
            this.blind = true;
            onBlind(directory, error?.code ?? String(error));
            // Whatever happened may have been missed: look once at once.
            this.notify();
        };
        for (const target of targets) {
            try {
                const watcher = watchOps.watch(target.directory, { persistent: true }, (_event, name) => {
                    if (!target.accept || !name || target.accept(String(name)))
                        this.notify();
                });
                watcher.on('error', error => {
                    watcher.close();
                    lost(target.directory, error);
                });
                this.watchers.push(watcher);
            }
            catch (error) {
                lost(target.directory, error);
            }
        }
    }
    notify() {
        if (this.wakeUp)
            this.wakeUp('event');
        else
            this.pending = true;
    }
    /** Resolves on the next change (or one that came since the last wait), timeout or abort. */
    wait(ms, signal) {
        if (signal?.aborted)
            return Promise.resolve('abort');
        if (this.pending) {
            this.pending = false;
            return Promise.resolve('event');
        }
        return new Promise(resolve => {
            const finish = (reason) => {
                clearTimeout(timer);
                signal?.removeEventListener('abort', onAbort);
                this.wakeUp = undefined;
                resolve(reason);
            };
            const onAbort = () => finish('abort');
            // Longer timers overflow and fire at once: a spin instead of a sleep.
            const timer = setTimeout(() => finish('timeout'), Math.min(Math.max(0, ms), MAX_TIMER_MS));
            signal?.addEventListener('abort', onAbort, { once: true });
            this.wakeUp = finish;
        });
    }
    close() {
        for (const watcher of this.watchers)
            watcher.close();
        this.watchers.length = 0;
    }
}
/** Watches the queue and the slots' directories; rebuilt when the slots' directories change. */
class Watches {
    queueDir;
    log;
    waker;
    key = '';
    slotNames = new Set();
    predecessor;
    reported = new Set();
    constructor(queueDir, log) {
        this.queueDir = queueDir;
        this.log = log;
    }
    /** True when some directory could not be watched (see BLIND_RECHECK_MS). */
    get blind() {
        return this.waker?.blind ?? false;
    }
    /** Only the head cares about the slots, a waiter only about the entry just ahead of it. */
    update(slots, ahead) {
        this.slotNames = new Set(slots);
        this.predecessor = ahead.length > 0 ? ahead[ahead.length - 1] : undefined;
        const directories = [...new Set([this.queueDir, ...slots.map(slot => (0,external_node_path_.dirname)(slot))])].sort();
        const key = directories.join('\0');
        if (this.waker && key === this.key)
            return;
        this.waker?.close();
        this.key = key;
        // A release wakes one process: the head on any slot's change, a waiter on its predecessor's.
        this.waker = new Waker(directories.map(directory => ({
            directory,
            accept: name => (directory === this.queueDir && name === this.predecessor) ||
                (this.predecessor === undefined && this.slotNames.has((0,external_node_path_.resolve)(directory, name)))
        })), (directory, code) => {
            if (this.reported.has(directory))
                return;
            this.reported.add(directory);
            this.log(`Cannot watch ${directory} for changes (${code}): looking again every ${BLIND_RECHECK_MS} ms instead.`);
        });
    }
    wait(ms, signal) {
        return this.waker.wait(ms, signal);
    }
    close() {
        this.waker?.close();
    }
}

;// CONCATENATED MODULE: ./src/lock/lock.ts
/**
 * Taking and releasing the job-spanning lock (§2). A lock is one file, created exclusively;
 * waiters queue in a FIFO directory; a guard makes every removal race-free. A pool is N such
 * lock files ("slots", §3's working trees) behind one queue: only the queue head tries the
 * slots, in the caller's order of preference, and takes the first free one, so fairness holds
 * across the pool (§2.7) and exclusion per slot rests on each file's exclusive creation (§2.1).
 * A single lock is a pool of one with the v1 file names.
 */
















const DEFAULT_POLL_MS = 1000;
const DEFAULT_REPORT_EVERY_MS = 60_000;
function validateOptions(options) {
    if (options.holdFor !== 'job' && options.holdFor !== 'process') {
        throw new errors_LockOptionError('holdFor', options.holdFor, "'job' or 'process'");
    }
    const anchor = options.jobAnchorPid;
    if (anchor !== undefined && (!Number.isInteger(anchor) || anchor < 0)) {
        throw new errors_LockOptionError('jobAnchorPid', anchor, 'a process id');
    }
    validateTimings(options, DEFAULT_LEASE_MS);
}
/** Creates a lock directory if missing and fails early and clearly when it is not writable. */
function prepareDirectory(directory) {
    try {
        (0,external_node_fs_.mkdirSync)(directory, { recursive: true });
        (0,external_node_fs_.accessSync)(directory, external_node_fs_.constants.W_OK);
    }
    catch (error) {
        const problem = asPathError(error, directory, 'create or write lock files in it');
        if (problem instanceof LockPathError)
            throw problem;
        throw error;
    }
}
/**
 * Prepares each slot's directory once (slots may change between tries) and sweeps the temp
 * and set-aside files that killed processes left of each slot, once per acquisition.
 */
/** How often a waiter makes its vanished directories again before it gives up. */
const MAX_RECREATE = 20;
/**
 * Runs `step`, and again after `remake` while a directory it needs vanishes under it (ENOENT):
 * an eviction or an operator removed the lock's directories the instant this job arrived.
 */
function retryWhileVanishing(step, remake) {
    for (let attempt = 0;; attempt++) {
        try {
            return step();
        }
        catch (error) {
            if (error?.code !== 'ENOENT' || attempt >= MAX_RECREATE)
                throw error;
            try {
                remake();
            }
            catch (again) {
                if (again?.code !== 'ENOENT')
                    throw again;
            }
        }
    }
}
class SlotDirectories {
    prepared = new Set();
    swept = new Set();
    /** The directories may have gone: prepare them again on the next call. */
    forget() {
        this.prepared.clear();
    }
    prepare(slots) {
        for (const slot of slots) {
            const directory = (0,external_node_path_.dirname)(slot);
            if (!this.prepared.has(directory))
                prepareDirectory(directory);
            this.prepared.add(directory);
            if (this.swept.has(slot))
                continue;
            sweepLeftovers(directory, [(0,external_node_path_.basename)(slot), (0,external_node_path_.basename)(paths_slotFilesFor(slot).guardPath)]);
            this.swept.add(slot);
        }
    }
}
function readSlot(lockPath) {
    const outcome = readNoFollow(lockPath);
    if (outcome.kind === 'not-a-file')
        throw notAFileError(lockPath, outcome.what);
    if (outcome.kind === 'missing')
        return { lockPath, held: false };
    return { lockPath, held: true, holder: record_parseRecord(outcome.snapshot.content) };
}
const firstHolder = (slots) => slots.find(slot => slot.holder)?.holder;
function progressLine(target, slots, ahead, waitedMs) {
    const queue = ahead === 1 ? '1 waiter ahead' : `${ahead} waiters ahead`;
    const sofar = formatDuration(waitedMs);
    if (target.single) {
        const holder = slots[0]?.holder;
        const who = holder ? `held by ${describeHolder(holder, Date.now())}` : 'free';
        return `Waiting for the lock ${target.name} (${sofar} so far): ${who}; ${queue} of this job.`;
    }
    return (`Waiting for one of the ${slots.length} locks queued in ${target.name} (${sofar} so far): ` +
        `${describeSlots(slots, Date.now())}; ${queue} of this job.`);
}
function timeoutError(target, waitedMs, slots) {
    const holder = firstHolder(slots);
    return target.single
        ? new LockTimeoutError(target.name, waitedMs, slots[0]?.holder)
        : new LockTimeoutError(target.name, waitedMs, holder, slots);
}
function failIfHeldByOwnJob(target, slots, anchor, context) {
    if (allHeldByOwnJob(slots, anchor, context.local)) {
        throw new LockHeldByOwnJobError(slots.map(slot => slot.lockPath), target.queueDir);
    }
}
/** The job anchor of a job lock: the runner's worker, i.e. our parent by default (§2). */
function jobAnchorOf(options) {
    if (options.holdFor !== 'job')
        return undefined;
    const pid = options.jobAnchorPid ?? process.ppid;
    return pid > 1 ? ownerOf(pid, 'job-anchor') : undefined;
}
function startOwners(options, anchor, token, context) {
    if (options.holdFor === 'process')
        return { owners: [ownerOf(process.pid, 'process')] };
    const keeper = startKeeper({
        entry: options.keeperEntry ?? process.argv[1] ?? '',
        execArgv: options.keeperExecArgv ?? [],
        config: {
            token,
            acquirer: ownerOf(process.pid, 'process'),
            anchor: anchor ? { pid: anchor.pid, startTime: anchor.startTime } : undefined,
            leaseMs: context.leaseMs,
            heartbeatMs: context.heartbeatMs,
            abandonedAfterMs: context.abandonedAfterMs
        }
    });
    // The record names the keeper right away: its start-up never delays the lock (issue 12.6).
    const owners = anchor ? [anchor] : [];
    owners.push({ pid: keeper.pid, startTime: keeper.startTime, role: 'keeper' });
    return { owners, keeper };
}
/**
 * One try of the queue head: the slots in order of preference; the first free one is taken.
 * On a full check a stale one is broken (§2.4) and the slots are tried again.
 */
async function tryTake(slots, context, makeRecord, fullCheck, options, log) {
    const states = [];
    for (const lockPath of slots) {
        const record = makeRecord();
        if (createExclusive(lockPath, encodeRecord(record)))
            return { kind: 'taken', lockPath, record };
        const outcome = readNoFollow(lockPath);
        if (outcome.kind === 'not-a-file')
            throw notAFileError(lockPath, outcome.what);
        if (outcome.kind === 'missing')
            return { kind: 'again' }; // released in between
        const judged = judgeFile(context, lockPath, outcome.snapshot);
        if (fullCheck && judged.verdict.stale) {
            await options.hooks?.beforeBreak?.(judged.record, judged.verdict.reason);
            const broken = await breakLockIfUnchanged(paths_slotFilesFor(lockPath), context, outcome.snapshot);
            if (broken === 'removed') {
                const who = judged.record ? describeHolder(judged.record, Date.now()) : 'unreadable file';
                log(`Broke the stale lock ${lockPath} (${who}): ${judged.verdict.reason}.`);
            }
            context.tracker.forget(lockPath);
            return { kind: 'again' };
        }
        states.push({ lockPath, held: true, holder: judged.record });
    }
    return { kind: 'held', slots: states };
}
async function acquireLock(options) {
    validateOptions(options);
    const started = external_node_perf_hooks_.performance.now();
    const target = targetOf(options);
    const log = options.log ?? (() => undefined);
    const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    const reportEveryMs = options.reportEveryMs ?? DEFAULT_REPORT_EVERY_MS;
    const timeoutSeconds = options.timeoutSeconds ?? -1;
    const deadline = timeoutSeconds < 0 ? Infinity : started + timeoutSeconds * 1000;
    const context = context_createContext(options);
    const token = randomHex(16);
    const job = normalizeJob(options.job);
    if (options.signal?.aborted)
        throw new LockCancelledError(target.name);
    let slots = target.slots();
    const directories = new SlotDirectories();
    const prepareAll = () => {
        directories.forget();
        directories.prepare(slots);
        ensureQueueDir(target.queueDir);
    };
    retryWhileVanishing(prepareAll, prepareAll);
    sweepLeftovers(target.queueDir);
    const anchor = jobAnchorOf(options);
    // Issue 13.7: an earlier step of this job holds every slot. Checked before queueing, so the
    // common case fails at once and leaves no trace; again at every poll while waiting.
    failIfHeldByOwnJob(target, slots.map(readSlot), anchor, context);
    const waiterRecord = buildRecord(context, 'waiter', token, [ownerOf(process.pid, 'process')], job);
    let entry;
    let keeper;
    let entryHeartbeat;
    let acquired;
    const watches = new Watches(target.queueDir, log);
    try {
        entry = retryWhileVanishing(() => {
            options.hooks?.beforeEnqueue?.();
            return QueueEntry.enqueue(target.queueDir, encodeRecord(waiterRecord), token);
        }, prepareAll);
        // The keeper starts once our queue entry exists; its start-up overlaps the wait.
        const ownership = startOwners(options, anchor, token, context);
        keeper = ownership.keeper;
        const makeRecord = () => buildRecord(context, 'lock', token, ownership.owners, job);
        const queuePosition = entry.ahead(context, false, log).length;
        await options.hooks?.onQueued?.(entry.ticket, queuePosition);
        const queued = entry;
        entryHeartbeat = setInterval(() => {
            try {
                queued.heartbeat();
            }
            catch {
                // A full disk or a transient error: the next beat tries again (others judge the
                // entry by its owner on this host, by this heartbeat elsewhere).
            }
        }, context.heartbeatMs);
        let holderSeen;
        let seen = [];
        let nextPollAt = 0;
        let nextReportAt = 0;
        // Issue 12.6: waitedMs counts only the time the lock was unavailable.
        let unavailableSince;
        let recreated = 0;
        for (;;) {
            try {
                if (options.signal?.aborted)
                    throw new LockCancelledError(target.name);
                const now = external_node_perf_hooks_.performance.now();
                // Staleness of others is judged on the poll, not on every notification.
                const fullCheck = now >= nextPollAt;
                if (fullCheck)
                    nextPollAt = now + pollMs;
                const ahead = entry.ahead(context, fullCheck, log);
                const head = ahead.length === 0;
                if (head || fullCheck) {
                    slots = target.slots();
                    directories.prepare(slots);
                }
                watches.update(slots, ahead);
                if (head) {
                    const failure = keeper?.failure();
                    if (failure)
                        throw failure;
                    const attempt = await tryTake(slots, context, makeRecord, fullCheck, options, log);
                    if (attempt.kind === 'taken') {
                        acquired = attempt;
                        keeper?.hold(attempt.lockPath);
                        return {
                            lockPath: attempt.lockPath,
                            token,
                            record: attempt.record,
                            waitedMs: unavailableSince === undefined ? 0 : external_node_perf_hooks_.performance.now() - unavailableSince,
                            holderSeen,
                            queuePosition,
                            keeperPid: keeper?.pid,
                            keeperStartTime: keeper?.startTime,
                            keeperReady: keeper?.ready ?? Promise.resolve()
                        };
                    }
                    unavailableSince ??= now;
                    if (attempt.kind === 'again')
                        continue;
                    seen = attempt.slots;
                }
                else if (fullCheck || !holderSeen || now >= nextReportAt || now >= deadline) {
                    seen = slots.map(readSlot);
                }
                unavailableSince ??= now;
                if (fullCheck && seen.length === slots.length) {
                    failIfHeldByOwnJob(target, seen, anchor, context);
                }
                holderSeen ??= firstHolder(seen);
                if (now >= deadline)
                    throw timeoutError(target, now - started, seen);
                if (now >= nextReportAt) {
                    log(progressLine(target, seen, ahead.length, now - unavailableSince));
                    nextReportAt = now + reportEveryMs;
                }
                const wakeAt = Math.min(nextPollAt, nextReportAt, deadline);
                const sleepMs = watches.blind
                    ? Math.min(wakeAt - external_node_perf_hooks_.performance.now(), BLIND_RECHECK_MS)
                    : wakeAt - external_node_perf_hooks_.performance.now();
                if ((await watches.wait(sleepMs, options.signal)) === 'abort') {
                    throw new LockCancelledError(target.name);
                }
            }
            catch (error) {
                // The directory was removed or renamed away while we waited (an operator, or an
                // eviction that took the repository away and may put it back): make it again and queue
                // again, a bounded number of times (§2.7).
                if (error?.code !== 'ENOENT' || ++recreated > MAX_RECREATE)
                    throw error;
                prepareAll();
            }
        }
    }
    finally {
        clearInterval(entryHeartbeat);
        watches.close();
        // Leave the queue only after the lock exists, so the next waiter cannot take it first.
        entry?.leave();
        if (acquired && options.holdFor === 'process') {
            startHeartbeat(acquired.lockPath, token, context.heartbeatMs);
        }
        if (!acquired)
            keeper?.abandon();
    }
}
/**
 * Releases the lock only if it still carries `token` (§2.5); otherwise throws LockLostError
 * naming who holds it now. Always stops the lock's keeper (start time checked before
 * signalling), even when the release itself fails. Needs no new disk space where the
 * filesystem has hard links (guard.ts); a failure for any other reason throws
 * LockReleaseError, which says what happens next.
 */
async function releaseLock(lockPath, token, options = {}) {
    const files = paths_slotFilesFor((0,external_node_path_.resolve)(lockPath));
    stopHeartbeat(files.lockPath, token);
    const keepers = [];
    if (options.keeperPid && options.keeperStartTime) {
        keepers.push({ pid: options.keeperPid, startTime: options.keeperStartTime });
    }
    let outcome;
    try {
        // The record is read first (reading needs no space), so that its keeper is stopped
        // whatever happens next (issue 13.8).
        const record = ownRecord(files.lockPath, token);
        keepers.push(...(record?.owners.filter(owner => owner.role === 'keeper') ?? []));
        // A guard of our own carries the lock's lease: others may break it after that long.
        const leaseMs = record && record.leaseMs > 0 ? record.leaseMs : undefined;
        const context = context_createContext({ leaseMs, hooks: options.hooks });
        outcome = await guard_removeLockIfToken(files, context, token);
    }
    catch (error) {
        throw new LockReleaseError(files.lockPath, error);
    }
    finally {
        for (const keeper of keepers)
            if (!isGone(keeper))
                stopProcess(keeper);
    }
    if (outcome.status === 'gone')
        throw new LockLostError(files.lockPath, undefined);
    if (outcome.status === 'other')
        throw new LockLostError(files.lockPath, outcome.current);
}
/** The lock's record when it still carries `token`. */
function ownRecord(lockPath, token) {
    const outcome = readNoFollow(lockPath);
    if (outcome.kind !== 'file')
        return undefined;
    const record = record_parseRecord(outcome.snapshot.content);
    return record?.token === token ? record : undefined;
}
/** The current holder, or undefined when the lock is free (or its file unreadable). */
async function readLockHolder(lockPath) {
    return readSlot((0,external_node_path_.resolve)(lockPath)).holder;
}

;// CONCATENATED MODULE: ./src/lock/index.ts
/** The job-spanning lock (SPEC §2): the public API of src/lock. */









/***/ }),

/***/ 49:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   aA: () => (/* binding */ endProcessesIn)
/* harmony export */ });
/* unused harmony exports isWithin, processesIn */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(24);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__nccwpck_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_timers_promises__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(500);
/* harmony import */ var node_timers_promises__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__nccwpck_require__.n(node_timers_promises__WEBPACK_IMPORTED_MODULE_2__);
/**
 * No process started for one job is still running in a tree or the store when another job
 * receives it (§3.8). A job's git child outlives the job's main step when main alone is killed
 * (the OOM killer does this), and a job's background processes run until the runner's
 * end-of-job cleanup, after post. So whoever receives a tree or the store — and post, before it
 * releases — ends the processes whose working directory is inside it.
 *
 * Linux reads /proc/<pid>/cwd; elsewhere there is no cheap way to ask, and nothing is ended.
 * Processes of other users cannot be inspected or signalled (EACCES/EPERM): they are reported.
 */



/** Is `child` equal to `dir` or inside it? Pure (POSIX paths). */
function isWithin(dir, child) {
    const base = dir.replace(/\/+$/, '');
    return child === base || child.startsWith(`${base}/`);
}
/** Our own process and its ancestors are never ended (the runner, a shell that ran the CLI). */
function protectedPids() {
    const pids = new Set([process.pid]);
    let pid = process.ppid;
    for (let depth = 0; pid > 1 && depth < 64; depth++) {
        pids.add(pid);
        pid = parentOf(pid) ?? 0;
    }
    return pids;
}
/** The parent PID from /proc/<pid>/stat (fields counted after the last ')'). */
function parentOf(pid) {
    let text;
    try {
        text = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(`/proc/${pid}/stat`, 'utf8');
    }
    catch {
        return undefined;
    }
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]) || undefined;
}
/** Processes whose working directory is `dir` or below it (Linux; [] elsewhere). */
function processesIn(dir) {
    if (process.platform !== 'linux')
        return [];
    const target = node_path__WEBPACK_IMPORTED_MODULE_1___default().resolve(dir);
    const skip = protectedPids();
    const found = [];
    let entries;
    try {
        entries = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readdirSync)('/proc');
    }
    catch {
        return [];
    }
    for (const entry of entries) {
        if (!/^\d+$/.test(entry))
            continue;
        const pid = Number(entry);
        if (skip.has(pid))
            continue;
        let cwd;
        try {
            cwd = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readlinkSync)(`/proc/${pid}/cwd`);
        }
        catch {
            continue; // gone, or another user's: not ours to judge
        }
        // A deleted directory reads as "<path> (deleted)": still a process left in it.
        const clean = cwd.replace(/ \(deleted\)$/, '');
        if (isWithin(target, clean))
            found.push({ pid, cwd: clean });
    }
    return found;
}
const alive = (pid) => {
    try {
        process.kill(pid, 0);
        return true;
    }
    catch (error) {
        return error.code === 'EPERM';
    }
};
/**
 * Ends every process working in `dir` (SIGTERM, then SIGKILL after the grace period) and
 * returns them. Throws when one cannot be ended (another user's process): the directory must
 * not be handed on while it runs.
 */
async function endProcessesIn(dir, options = {}) {
    const found = processesIn(dir);
    if (found.length === 0)
        return [];
    const what = options.what ?? dir;
    const refused = [];
    for (const { pid, cwd } of found) {
        options.log?.(`ending process ${pid} left running in ${what} (working directory ${cwd})`);
        try {
            process.kill(pid, 'SIGTERM');
        }
        catch (error) {
            if (error.code === 'EPERM')
                refused.push(pid);
        }
    }
    const deadline = Date.now() + (options.graceMs ?? 2000);
    while (Date.now() < deadline && found.some(p => !refused.includes(p.pid) && alive(p.pid)))
        await (0,node_timers_promises__WEBPACK_IMPORTED_MODULE_2__.setTimeout)(25);
    for (const { pid } of found) {
        if (refused.includes(pid) || !alive(pid))
            continue;
        try {
            process.kill(pid, 'SIGKILL');
        }
        catch {
            // exited in between
        }
    }
    const killDeadline = Date.now() + 2000;
    while (Date.now() < killDeadline && found.some(p => !refused.includes(p.pid) && alive(p.pid)))
        await (0,node_timers_promises__WEBPACK_IMPORTED_MODULE_2__.setTimeout)(10);
    if (refused.length > 0)
        throw new Error(`Processes ${refused.join(', ')} of another user are still running in ${what}; it cannot be ` +
            'handed to this job while they run. Stop them, or run every runner of this machine as one user.');
    return found;
}


/***/ }),

/***/ 776:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Kz: () => (/* binding */ treeNumberOfLock),
/* harmony export */   aH: () => (/* binding */ layoutOf),
/* harmony export */   b4: () => (/* binding */ MARKER_NAME),
/* harmony export */   gY: () => (/* binding */ parseMarker),
/* harmony export */   iA: () => (/* binding */ pinRefOf),
/* harmony export */   z2: () => (/* binding */ PIN_REF_PREFIX)
/* harmony export */ });
/* unused harmony exports LAYOUT_VERSION, asideNameFor, encodeMarker */
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_path__WEBPACK_IMPORTED_MODULE_0__);
/**
 * Everything kept for one repository lives inside its directory (§2 "Paths", §3), under names
 * only the action chooses, so no file of one repository can be a file of another whatever the
 * repository names (`x`, `x.lock`, `x.partial-abc`, `.github` are all directories of their own):
 *
 *   <dir>/shared-checkout.json   marker: layout version and which repository this is
 *   <dir>/store/                 the object store: a bare repository only the action writes
 *   <dir>/trees/<n>/             working tree n; its git directory <n>/.git is its own
 *   <dir>/locks/                 store.lock, tree-<n>.lock, their guards, the trees' queue
 *   <dir>/tmp/                   builds in progress (a store or tree before its rename)
 *   <dir>/aside/                 what was set aside: a corrupt store or tree, an old layout
 *
 * Pure: paths only.
 */

const MARKER_NAME = 'shared-checkout.json';
const LAYOUT_VERSION = 2;
/** The store keeps one ref per tree so maintenance never drops a commit a tree has out (§3.7). */
const PIN_REF_PREFIX = 'refs/shared-checkout/trees/';
function layoutOf(dir) {
    const locksDir = node_path__WEBPACK_IMPORTED_MODULE_0___default().join(dir, 'locks');
    return {
        dir,
        marker: node_path__WEBPACK_IMPORTED_MODULE_0___default().join(dir, MARKER_NAME),
        store: node_path__WEBPACK_IMPORTED_MODULE_0___default().join(dir, 'store'),
        treesDir: node_path__WEBPACK_IMPORTED_MODULE_0___default().join(dir, 'trees'),
        locksDir,
        storeLock: node_path__WEBPACK_IMPORTED_MODULE_0___default().join(locksDir, 'store.lock'),
        treeQueue: node_path__WEBPACK_IMPORTED_MODULE_0___default().join(locksDir, 'trees.queue'),
        tmp: node_path__WEBPACK_IMPORTED_MODULE_0___default().join(dir, 'tmp'),
        aside: node_path__WEBPACK_IMPORTED_MODULE_0___default().join(dir, 'aside'),
        tree: n => node_path__WEBPACK_IMPORTED_MODULE_0___default().join(dir, 'trees', String(n)),
        treeLock: n => node_path__WEBPACK_IMPORTED_MODULE_0___default().join(locksDir, `tree-${n}.lock`)
    };
}
/** Which tree a tree lock guards (`…/tree-3.lock` → 3), or undefined for other files. */
function treeNumberOfLock(lockPath) {
    const match = /^tree-([1-9]\d{0,2})\.lock$/.exec(node_path__WEBPACK_IMPORTED_MODULE_0___default().basename(lockPath));
    return match ? Number(match[1]) : undefined;
}
function pinRefOf(tree) {
    return `${PIN_REF_PREFIX}${tree}`;
}
/** `<aside>/<what>-<yyyymmddThhmmss>` (UTC); the caller adds a suffix when it exists. Pure. */
function asideNameFor(what, now) {
    const stamp = now
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d+Z$/, '');
    return `${what}-${stamp}`;
}
function encodeMarker(repositoryKey) {
    return `${JSON.stringify({ layout: LAYOUT_VERSION, repository: repositoryKey })}\n`;
}
function parseMarker(text) {
    try {
        const value = JSON.parse(text);
        if (typeof value.layout === 'number' && typeof value.repository === 'string')
            return { layout: value.layout, repository: value.repository };
    }
    catch {
        // not ours, or damaged: the caller decides
    }
    return undefined;
}


/***/ }),

/***/ 421:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");

/***/ }),

/***/ 598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 24:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 161:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");

/***/ }),

/***/ 760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 643:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:perf_hooks");

/***/ }),

/***/ 500:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:timers/promises");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(731);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
