export const id = 899;
export const ids = [899];
export const modules = {

/***/ 405:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   QA: () => (/* binding */ formatSpan),
/* harmony export */   n1: () => (/* binding */ formatDays),
/* harmony export */   n4: () => (/* binding */ formatAgo),
/* harmony export */   sO: () => (/* binding */ DAY_MS),
/* harmony export */   z3: () => (/* binding */ formatBytes)
/* harmony export */ });
/* unused harmony export renderTable */
/** How sizes and times read in the fleet tools' logs, status and evict output. Pure. */
const UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
/** `0 bytes`, `812 bytes`, `1.5 KiB`, `12.3 GiB` (powers of 1024, like `du -h`). */
function formatBytes(bytes) {
    if (!Number.isFinite(bytes) || bytes < 1024)
        return `${Math.max(0, Math.round(bytes || 0))} bytes`;
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < UNITS.length - 1) {
        value /= 1024;
        unit++;
    }
    return `${value.toFixed(1)} ${UNITS[unit]}`;
}
/** `45s`, `12m`, `3h`, `5d` — a coarse span for tables. */
function formatSpan(ms) {
    const seconds = Math.max(0, Math.floor(ms / 1000));
    if (seconds < 60)
        return `${seconds}s`;
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60)
        return `${minutes}m`;
    const hours = Math.floor(minutes / 60);
    if (hours < 48)
        return `${hours}h`;
    return `${Math.floor(hours / 24)}d`;
}
/** `12m ago`, or `never` when unknown. */
function formatAgo(atMs, nowMs) {
    return atMs === undefined ? 'never' : `${formatSpan(nowMs - atMs)} ago`;
}
/** Days as given in settings: `7 days`, `0.5 days`, `1 day`. */
function formatDays(days) {
    return `${Number(days.toFixed(4))} ${days === 1 ? 'day' : 'days'}`;
}
const DAY_MS = 24 * 3600_000;
/** Aligns rows into columns separated by two spaces; the last column is not padded. */
function renderTable(rows) {
    const widths = [];
    for (const row of rows)
        row.forEach((cell, i) => {
            widths[i] = Math.max(widths[i] ?? 0, cell.length);
        });
    return rows.map(row => row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i])))
        .join('  ')
        .trimEnd());
}


/***/ }),

/***/ 364:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Cb: () => (/* binding */ fleetJob),
/* harmony export */   Lz: () => (/* binding */ releaseQuietly),
/* harmony export */   Ni: () => (/* binding */ tryTreeLock),
/* harmony export */   SY: () => (/* binding */ tryStoreLock),
/* harmony export */   _r: () => (/* binding */ release),
/* harmony export */   aV: () => (/* binding */ tryOnceAt)
/* harmony export */ });
/* harmony import */ var _lock_index_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(946);
/**
 * The fleet tools take the same locks as jobs (§2), and only by trying once: maintenance and
 * eviction never wait behind a job, they skip what is busy and come back later.
 *
 * - The store lock: its single form, as a job's fetch takes it (checkout/checkout.ts).
 * - A tree lock: through the trees' own FIFO queue with that one tree as the only slot, so a
 *   tree is never taken ahead of a job already waiting for one, and a job arriving meanwhile
 *   waits behind this try like behind any other job. A stale lock (its job is gone) is broken
 *   by the try, as a waiting job would break it (§2.4).
 */

/** Who takes the fleet tools' locks, as status and waiting jobs name them. */
function fleetJob(base, what) {
    const job = base?.job ? `${base.job} (${what})` : `shared-checkout ${what}`;
    return { ...base, job };
}
async function tryOnce(options, target) {
    const acquire = {
        ...target,
        holdFor: 'process',
        timeoutSeconds: 0,
        job: options.job,
        log: options.log,
        signal: options.signal
    };
    try {
        const lock = await (0,_lock_index_js__WEBPACK_IMPORTED_MODULE_0__/* .acquireLock */ .IZ)(acquire);
        return { taken: true, lock };
    }
    catch (error) {
        // The directory was removed (evicted) while we tried: there is nothing left to lock.
        if (error.code === 'ENOENT')
            return { taken: false, why: 'gone: its directory was removed meanwhile' };
        if (!(error instanceof _lock_index_js__WEBPACK_IMPORTED_MODULE_0__/* .LockTimeoutError */ .XB))
            throw error;
        const holder = error.holder;
        return {
            taken: false,
            holder,
            why: holder
                ? `held by ${(0,_lock_index_js__WEBPACK_IMPORTED_MODULE_0__/* .describeHolder */ .sG)(holder, Date.now())}`
                : 'wanted by jobs waiting in its queue'
        };
    }
}
/** A single lock at `lockPath` (its queue `${lockPath}.queue/`), one try. */
function tryOnceAt(lockPath, options) {
    return tryOnce(options, { lockPath });
}
function tryStoreLock(layout, options) {
    return tryOnceAt(layout.storeLock, options);
}
function tryTreeLock(layout, tree, options) {
    const lockPath = layout.treeLock(tree);
    return tryOnce(options, { pool: { queueDir: layout.treeQueue, slots: () => [lockPath] } });
}
/** Releases a lock taken here; says so when it was lost meanwhile (§2.5), never throws. */
async function release(lock, warn) {
    try {
        await (0,_lock_index_js__WEBPACK_IMPORTED_MODULE_0__/* .releaseLock */ .x_)(lock.lockPath, lock.token);
    }
    catch (error) {
        warn(error instanceof Error ? error.message : String(error));
    }
}
/** Releases a lock whose directory may have been removed or moved with what it guarded. */
async function releaseQuietly(lock) {
    try {
        await (0,_lock_index_js__WEBPACK_IMPORTED_MODULE_0__/* .releaseLock */ .x_)(lock.lockPath, lock.token);
    }
    catch {
        // Removed with the directory it guarded, or moved with it: nothing is left to release.
    }
}


/***/ }),

/***/ 899:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  maintainIfDue: () => (/* binding */ maintainIfDue)
});

// UNUSED EXPORTS: DEFAULT_THRESHOLDS, RETRY_STOPPED_AFTER_MS, countStore, decideMaintenance, fleetGitRunner, isGitTemporary, maintainStore, maintenanceDue, nextRecord, readMaintenanceRecord, recordFileOf, removeStaleMaintenanceFiles, stepArgs, stepsFor, stepsToSkip

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(24);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(161);
var external_node_os_default = /*#__PURE__*/__webpack_require__.n(external_node_os_);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: external "node:perf_hooks"
var external_node_perf_hooks_ = __webpack_require__(643);
// EXTERNAL MODULE: ./src/fs/write.ts
var write = __webpack_require__(688);
;// CONCATENATED MODULE: ./src/git/env.ts
/**
 * The environments git runs in (§3.4, §3.5). Pure: the base environment is a parameter.
 *
 * - Every git process gets a *local* environment: the job's environment without anything
 *   secret (inputs, runner credentials, tokens, credentials persisted for the job's own steps)
 *   and without variables that point git at another repository, plus command-scope settings
 *   that keep code a job may have planted from running (hooks, fsmonitor) and trust the
 *   directories it works in (`safe.directory` per command, never in a config file).
 * - Only the processes that talk to the remote add credentials: the auth header scoped to the
 *   server, or the SSH command with the job's key — through GIT_CONFIG_* variables, never argv.
 */

/** Names never handed to a git process (or any helper process that does not need them). */
function isSecretVariable(name) {
    return (/^(INPUT_|ACTIONS_|STATE_)/i.test(name) ||
        /^GIT_CONFIG_(COUNT|KEY_\d+|VALUE_\d+|PARAMETERS)$/.test(name) ||
        [
            'GITHUB_TOKEN',
            'GH_TOKEN',
            'SHARED_CHECKOUT_TOKEN',
            'GIT_SSH_COMMAND',
            'GIT_SSH',
            'GIT_ASKPASS',
            'SSH_ASKPASS',
            'SSH_AUTH_SOCK'
        ].includes(name));
}
/** Variables that would make git use another repository, index or object store than we say. */
const REDIRECTING = [
    'GIT_DIR',
    'GIT_WORK_TREE',
    'GIT_INDEX_FILE',
    'GIT_OBJECT_DIRECTORY',
    'GIT_ALTERNATE_OBJECT_DIRECTORIES',
    'GIT_COMMON_DIR',
    'GIT_NAMESPACE',
    'GIT_REPLACE_REF_BASE',
    'GIT_SHALLOW_FILE',
    'GIT_QUARANTINE_PATH',
    'GIT_EXEC_PATH',
    'GIT_TEMPLATE_DIR',
    'GIT_EXTERNAL_DIFF',
    'GIT_PAGER',
    'GIT_EDITOR',
    'GIT_TRACE',
    'GIT_TRACE_PACKET',
    'GIT_TRACE_CURL',
    'GIT_CURL_VERBOSE'
];
/** The environment without secrets and redirections: the start of every child's environment. */
function withoutSecrets(base) {
    const env = {};
    for (const [name, value] of Object.entries(base)) {
        if (value === undefined || isSecretVariable(name) || REDIRECTING.includes(name))
            continue;
        env[name] = value;
    }
    return env;
}
/** Appends entries to the env's GIT_CONFIG_COUNT list, keeping what is there. Pure. */
function withConfigEntries(baseEnv, entries) {
    const env = { ...baseEnv };
    const existing = Number.parseInt(baseEnv.GIT_CONFIG_COUNT ?? '0', 10);
    let count = Number.isFinite(existing) && existing > 0 ? existing : 0;
    for (const entry of entries) {
        env[`GIT_CONFIG_KEY_${count}`] = entry.key;
        env[`GIT_CONFIG_VALUE_${count}`] = entry.value;
        count++;
    }
    env.GIT_CONFIG_COUNT = String(count);
    return env;
}
/**
 * The environment of a git process that does not talk to the remote. Hooks and fsmonitor are
 * off for the action's own commands whatever a config says (defence in depth: the configs are
 * rewritten anyway, §3.6); replace refs are ignored; LFS content is fetched explicitly.
 */
function localGitEnv(base, options) {
    const entries = [
        { key: 'core.hooksPath', value: external_node_os_.devNull },
        { key: 'core.fsmonitor', value: 'false' },
        { key: 'gc.auto', value: '0' },
        { key: 'maintenance.auto', value: 'false' },
        { key: 'advice.detachedHead', value: 'false' },
        ...options.safeDirectories.map(dir => ({ key: 'safe.directory', value: dir })),
        ...(options.platformConfig ?? [])
    ];
    if (options.allowFileProtocol)
        entries.push({ key: 'protocol.file.allow', value: 'always' });
    const env = withConfigEntries(withoutSecrets(base), entries);
    env.GIT_TERMINAL_PROMPT = '0';
    env.GCM_INTERACTIVE = 'never';
    // Empty askpass stops git from falling back to core.askPass: nothing may prompt a job.
    env.GIT_ASKPASS = '';
    env.SSH_ASKPASS = '';
    env.GIT_NO_REPLACE_OBJECTS = '1';
    env.GIT_LFS_SKIP_SMUDGE = '1';
    env.GIT_CEILING_DIRECTORIES = options.ceiling;
    // The runner user's global config is writable by every job (`git config --global`): a
    // filter, an attributes file or a url rewrite planted there would reach the next job's
    // fetch and checkout (§3.6). The action's own commands read the system config (the machine
    // owner's: proxies, CAs) and their own settings only.
    env.GIT_CONFIG_GLOBAL = external_node_os_.devNull;
    return env;
}
/** Basic credentials the way GitHub expects a token over HTTPS. */
function basicCredential(token) {
    return Buffer.from(`x-access-token:${token}`, 'utf8').toString('base64');
}
/** `https://github.com/` and `https://github.com` scope the same; path and credentials stripped. */
function serverOrigin(serverUrl) {
    const url = new URL(serverUrl);
    return `${url.protocol}//${url.host}`;
}
/** `http.<server>/.extraheader` scoped to the server, like actions/checkout. */
function authHeaderEntry(serverUrl, token) {
    return {
        key: `http.${serverOrigin(serverUrl)}/.extraheader`,
        value: `AUTHORIZATION: basic ${basicCredential(token)}`
    };
}
/** Every form in which the token could leak into output: redact all of them. */
function tokenSecrets(token) {
    if (!token)
        return [];
    return [token, basicCredential(token)];
}
/** The environment of a git process that talks to the remote: local env + credentials. Pure. */
function remoteGitEnv(local, auth, stall) {
    const entries = [
        { key: 'protocol.version', value: '2' },
        { key: 'http.lowSpeedLimit', value: String(stall.limitBytes) },
        { key: 'http.lowSpeedTime', value: String(stall.seconds) }
    ];
    if (auth.kind === 'token')
        entries.push(authHeaderEntry(auth.serverUrl, auth.token));
    const env = withConfigEntries(local, entries);
    if (auth.kind === 'ssh')
        env.GIT_SSH_COMMAND = auth.command;
    return env;
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(421);
// EXTERNAL MODULE: external "node:timers/promises"
var promises_ = __webpack_require__(500);
;// CONCATENATED MODULE: ./src/git/git.ts
/**
 * The one seam between the action and the git binary. Every git process starts here: no shell,
 * an environment built by env.ts (credentials only for the verbs that talk to the remote, §3.4),
 * output redacted, cancellation that ends git and its helpers (§7), and retries with backoff for
 * transient network failures of remote verbs — never for a refused credential or a missing
 * repository or ref.
 */



/** A git command that failed: which command, in which directory, and what git said. */
class GitError extends Error {
    args;
    cwd;
    exitCode;
    stderr;
    constructor(args, cwd, exitCode, stderr, why, message) {
        const said = stderr.trim() || '(no output)';
        const hint = failureHint(stderr);
        super(message ??
            `git ${args.join(' ')} failed in ${cwd}` +
                (why ? ` (${why})` : exitCode === null ? '' : ` (exit code ${exitCode})`) +
                `: ${said}` +
                (hint ? `\n${hint}` : ''));
        this.name = 'GitError';
        this.args = args;
        this.cwd = cwd;
        this.exitCode = exitCode;
        this.stderr = stderr;
    }
}
/** The job was cancelled while git ran; git was stopped. */
class GitCancelledError extends Error {
    constructor(args) {
        super(`git ${args[0] ?? ''} was stopped: the step was cancelled`);
        this.name = 'GitCancelledError';
    }
}
const REFUSED = /could not read (Username|Password)|Authentication failed|returned error: 40[13]\b|Permission denied \(publickey|Host key verification failed|HTTP Basic: Access denied/i;
const NOT_FOUND = /repository '.*' not found|Repository not found|returned error: 404\b|couldn't find remote ref|not our ref|does not appear to be a git repository|unadvertised object/i;
const UNREACHABLE = /Failed to connect|Could not connect|Could not resolve host|Connection refused|Connection timed out|Connection reset|Operation too slow|Operation timed out|early EOF|unexpected disconnect|remote end hung up unexpectedly|RPC failed|returned error: 5\d\d\b|gnutls_handshake|SSL_ERROR|transfer closed|Empty reply from server|kex_exchange_identification|Broken pipe/i;
/**
 * What a user should check, for the failures git words in its own terms (a refused token shows
 * up as "could not read Username ... terminal prompts disabled"). Pure.
 */
function failureHint(stderr) {
    if (REFUSED.test(stderr))
        return 'The server refused the credentials: check that the token (or ssh-key) is valid and may read this repository.';
    if (/repository '.*' not found|Repository not found|returned error: 404\b/i.test(stderr))
        return 'The server has no such repository, or the credentials cannot see it: check the repository name and the token.';
    if (/Operation too slow/i.test(stderr))
        return 'The transfer stalled: the server sent almost nothing for too long, so git gave up.';
    if (UNREACHABLE.test(stderr))
        return "The server could not be reached: check the server URL and the runner's network.";
    return undefined;
}
/**
 * Is this failure worth another try? Only network trouble is; a refused credential, a missing
 * repository or ref, or anything else git says is the answer. Pure.
 */
function isTransientFailure(stderr) {
    if (REFUSED.test(stderr) || NOT_FOUND.test(stderr))
        return false;
    return UNREACHABLE.test(stderr);
}
const DAMAGED = /is corrupt|corrupt (loose|packed) object|bad object|unable to read (sha1 )?file|inflate: data stream error|missing (blob|tree|commit|tag) object|did not send all necessary objects|invalid object|object file .* is empty|packfile .* does not match index|failed to read object|could not read object|unable to unpack|loose object .*corrupt/i;
/**
 * Does git say that the object store itself is damaged (corrupt or missing objects), rather
 * than that something was asked wrongly? Pure (§3.2, §7: a damaged store is set aside and
 * rebuilt, never silently used).
 */
function isObjectStoreDamage(stderr) {
    return DAMAGED.test(stderr);
}
/** Replaces every secret in `text` with ***; empty secrets are ignored. */
function redact(text, secrets) {
    let out = text;
    for (const secret of secrets) {
        if (secret.length > 0)
            out = out.split(secret).join('***');
    }
    return out;
}
/** actions/checkout tries network commands three times, 10–20 s apart. */
const RETRY_DELAYS_MS = [10_000, 20_000];
const KILL_GRACE_MS = 2000;
class GitRunner {
    options;
    constructor(options) {
        this.options = options;
    }
    /** A runner with the same settings and another local environment. */
    withEnv(env) {
        return new GitRunner({ ...this.options, env });
    }
    /** A command that does not talk to the remote: no credentials in its environment. */
    local(cwd, args, options = {}) {
        return this.spawnGit(cwd, args, { ...this.options.env, ...options.env }, options);
    }
    /** A command that talks to the remote: credentials in its environment, retried when transient. */
    async remote(cwd, args, options) {
        const env = { ...remoteGitEnv(this.options.env, options.auth, options.stall), ...options.env };
        const delays = options.retryDelaysMs ?? RETRY_DELAYS_MS;
        for (let attempt = 0;; attempt++) {
            try {
                return await this.spawnGit(cwd, args, env, options);
            }
            catch (error) {
                if (!(error instanceof GitError) || attempt >= delays.length)
                    throw error;
                if (!isTransientFailure(error.stderr))
                    throw error;
                const wait = delays[attempt];
                this.options.log?.(`git ${args[0]} failed (${firstLine(error.stderr)}); trying again in ${Math.round(wait / 1000)} s`);
                await (0,promises_.setTimeout)(wait, undefined, { signal: this.options.signal }).catch(() => {
                    throw new GitCancelledError(args);
                });
            }
        }
    }
    spawnGit(cwd, args, env, options) {
        const { signal, secrets } = this.options;
        if (signal?.aborted)
            return Promise.reject(new GitCancelledError(args));
        const fullEnv = options.gitDir ? { ...env, GIT_DIR: options.gitDir } : env;
        return new Promise((resolve, reject) => {
            // Its own process group: cancelling stops git and the helpers it started (remote-https,
            // index-pack, ssh), not only git itself.
            const child = (0,external_node_child_process_.spawn)('git', args, {
                cwd,
                env: fullEnv,
                stdio: ['ignore', 'pipe', 'pipe'],
                detached: process.platform !== 'win32'
            });
            if (child.pid !== undefined)
                this.options.onProcess?.(child.pid, args);
            const out = [];
            const err = [];
            let cancelled = false;
            let killTimer;
            const stop = () => {
                cancelled = true;
                signalGroup(child.pid, 'SIGTERM');
                killTimer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
                killTimer.unref();
            };
            signal?.addEventListener('abort', stop, { once: true });
            child.stdout.on('data', (chunk) => out.push(chunk));
            child.stderr.on('data', (chunk) => {
                err.push(chunk);
                if (options.streamStderr)
                    this.options.onStderr?.(redact(chunk.toString('utf8'), secrets));
            });
            child.on('error', error => {
                signal?.removeEventListener('abort', stop);
                const why = error.code === 'ENOENT'
                    ? 'git is not installed or not on PATH'
                    : error.message;
                reject(new GitError(args, cwd, null, '', redact(why, secrets)));
            });
            child.on('close', (code, killedBy) => {
                signal?.removeEventListener('abort', stop);
                clearTimeout(killTimer);
                if (cancelled) {
                    signalGroup(child.pid, 'SIGKILL'); // helpers that outlived git
                    return reject(new GitCancelledError(args));
                }
                const stdout = Buffer.concat(out).toString('utf8');
                const stderr = redact(Buffer.concat(err).toString('utf8'), secrets);
                const exitCode = code ?? -1;
                if (code === 0 || (code !== null && options.okExitCodes?.includes(code))) {
                    resolve({ stdout, stderr, exitCode });
                }
                else {
                    reject(new GitError(args, cwd, code, stderr, killedBy ? `killed by ${killedBy}` : undefined));
                }
            });
        });
    }
}
function signalGroup(pid, signal) {
    if (pid === undefined)
        return;
    try {
        process.kill(process.platform === 'win32' ? pid : -pid, signal);
    }
    catch {
        // already gone
    }
}
function firstLine(text) {
    return (text
        .split('\n')
        .map(line => line.trim())
        .find(line => line !== '') ?? 'no output');
}

;// CONCATENATED MODULE: ./src/git/platform.ts
/**
 * Settings a platform needs on every git command of a sync. Pure: the platform is a parameter,
 * so every OS's answer is testable anywhere. Windows: without core.longpaths, checking out a
 * path longer than MAX_PATH (260 characters) fails, and shared clones live deep under the root
 * (`<root>\<host>\<owner>\<name>\...`, issue 7.3).
 */
function platformConfigEntries(platform) {
    return platform === 'win32' ? [{ key: 'core.longpaths', value: 'true' }] : [];
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(598);
;// CONCATENATED MODULE: ./src/git/repair.ts




/** Lock files git keeps at the top of a git directory (§3.2). */
const GITDIR_LOCKS = new Set([
    'index.lock',
    'shallow.lock',
    'HEAD.lock',
    'ORIG_HEAD.lock',
    'FETCH_HEAD.lock',
    'config.lock',
    'packed-refs.lock'
]);
/**
 * Is `relative` (a path inside a git directory, '/'-separated) one of git's own lock files?
 * Pure. `refs/**\/*.lock` at any depth; the fixed names only at the top of a git directory.
 */
function isGitLockFile(relative) {
    const parts = relative.split('/');
    const name = parts[parts.length - 1];
    if (parts.length === 1)
        return GITDIR_LOCKS.has(name);
    return parts[0] === 'refs' && name.endsWith('.lock');
}
function looksLikeGitDir(dir) {
    const names = new Set((0,write/* entriesOf */.Mc)(dir));
    return names.has('HEAD') || (names.has('objects') && names.has('refs'));
}
function walkRefs(gitDir, relative, found) {
    for (const name of (0,write/* entriesOf */.Mc)(external_node_path_default().join(gitDir, relative))) {
        const child = `${relative}/${name}`;
        if ((0,write/* isRealDirectory */.sL)(external_node_path_default().join(gitDir, child)))
            walkRefs(gitDir, child, found);
        else if (isGitLockFile(child))
            found.push(external_node_path_default().join(gitDir, child));
    }
}
/** Submodule git dirs live at modules/<name>, and names may contain '/'. */
function walkModules(dir, found) {
    for (const name of (0,write/* entriesOf */.Mc)(dir)) {
        const child = external_node_path_default().join(dir, name);
        if (!(0,write/* isRealDirectory */.sL)(child))
            continue;
        if (looksLikeGitDir(child))
            collectGitDirLocks(child, found);
        else
            walkModules(child, found);
    }
}
function collectGitDirLocks(gitDir, found) {
    for (const name of (0,write/* entriesOf */.Mc)(gitDir)) {
        if (isGitLockFile(name))
            found.push(external_node_path_default().join(gitDir, name));
    }
    // git maintenance skips silently while this exists: left by a killed run, it would switch
    // maintenance off for good.
    if ((0,write/* entriesOf */.Mc)(external_node_path_default().join(gitDir, 'objects')).includes('maintenance.lock'))
        found.push(external_node_path_default().join(gitDir, 'objects', 'maintenance.lock'));
    walkRefs(gitDir, 'refs', found);
    walkModules(external_node_path_default().join(gitDir, 'modules'), found);
    // Linked worktrees keep their own index/HEAD locks.
    for (const name of (0,write/* entriesOf */.Mc)(external_node_path_default().join(gitDir, 'worktrees'))) {
        const worktree = external_node_path_default().join(gitDir, 'worktrees', name);
        for (const file of (0,write/* entriesOf */.Mc)(worktree)) {
            if (isGitLockFile(file))
                found.push(external_node_path_default().join(worktree, file));
        }
    }
}
/** The git directory and those of its submodules (`modules/**`), for the repairs below. */
function gitDirsUnder(gitDir) {
    const found = [gitDir];
    const walk = (dir) => {
        for (const name of entriesOf(dir)) {
            const child = path.join(dir, name);
            if (!isRealDirectory(child))
                continue;
            if (looksLikeGitDir(child)) {
                found.push(child);
                walk(path.join(child, 'modules'));
            }
            else
                walk(child);
        }
    };
    walk(path.join(gitDir, 'modules'));
    return found;
}
/**
 * Is this the content of a usable loose ref file: an object id, or `ref: <name>`? Pure. A
 * zero-length or garbled ref (a crash or power loss before the data reached the disk) makes
 * every later fetch into it fail.
 */
function isValidLooseRef(content) {
    return /^(?:[0-9a-f]{40}|[0-9a-f]{64})\s*$/.test(content) || /^ref: refs\/\S+\s*$/.test(content);
}
function walkRefFiles(gitDir, relative, found) {
    for (const name of entriesOf(path.join(gitDir, relative))) {
        const child = `${relative}/${name}`;
        const full = path.join(gitDir, child);
        if (isRealDirectory(full))
            walkRefFiles(gitDir, child, found);
        else if (!isGitLockFile(child))
            found.push(full);
    }
}
/** Loose ref files (clone and submodules) whose content is not a ref. Reads only. */
function findBrokenRefs(gitDir) {
    const broken = [];
    for (const dir of gitDirsUnder(gitDir)) {
        const refs = [];
        walkRefFiles(dir, 'refs', refs);
        for (const file of refs) {
            let content;
            try {
                content = readFileSync(file, 'latin1');
            }
            catch {
                continue;
            }
            if (!isValidLooseRef(content))
                broken.push(file);
        }
    }
    return broken.sort();
}
/**
 * What is wrong with an index file's bytes, or undefined when git can read it: signature
 * `DIRC`, version 2–4, and the trailing checksum of everything before it (SHA-1 or SHA-256,
 * or zeros under index.skipHash). Pure.
 */
function indexProblem(data) {
    if (data.length < 12 + 20)
        return 'it is shorter than an index header';
    if (data.toString('latin1', 0, 4) !== 'DIRC')
        return 'it has no index signature';
    const version = data.readUInt32BE(4);
    if (version < 2 || version > 4)
        return `it has an unknown index version ${version}`;
    for (const [algorithm, size] of [
        ['sha1', 20],
        ['sha256', 32]
    ]) {
        if (data.length < 12 + size)
            continue;
        const trailer = data.subarray(data.length - size);
        const body = data.subarray(0, data.length - size);
        if (trailer.every(b => b === 0))
            return undefined;
        if (createHash(algorithm).update(body).digest().equals(trailer))
            return undefined;
    }
    return 'its checksum does not match its content (truncated or overwritten)';
}
/** Index files (clone and submodules) that git could not read. Reads only. */
function findDamagedIndexes(gitDir) {
    const damaged = [];
    for (const dir of gitDirsUnder(gitDir)) {
        const file = path.join(dir, 'index');
        let data;
        try {
            data = readFileSync(file);
        }
        catch {
            continue; // no index: git treats it as empty, reset rebuilds it
        }
        const problem = indexProblem(data);
        if (problem)
            damaged.push({ file, problem });
    }
    return damaged;
}
/**
 * Removes broken ref files and damaged index files (both derived data: refs are fetched again,
 * the index is rebuilt from HEAD). Safe only under the shared clone's lock (§3.2). Logs each.
 * Returns the removed paths and whether the clone's own index was among them.
 */
function removeDamagedGitFiles(gitDir, logger) {
    const removed = [];
    for (const file of findBrokenRefs(gitDir)) {
        rmSync(file, { force: true });
        logger.info(`removed broken ref file ${file} (its content is not a ref); it is fetched again`);
        removed.push(file);
    }
    let rebuildIndex = false;
    for (const { file, problem } of findDamagedIndexes(gitDir)) {
        rmSync(file, { force: true });
        logger.info(`removed damaged index ${file} (${problem}); it is rebuilt from HEAD`);
        removed.push(file);
        if (file === path.join(gitDir, 'index'))
            rebuildIndex = true;
    }
    return { removed, rebuildIndex };
}
/**
 * Lists git's lock files under a git directory and its submodules' git directories
 * (`.git/modules/**`, including submodules that have no worktree any more). Reads only.
 */
function findGitLockFiles(gitDir) {
    const found = [];
    collectGitDirLocks(gitDir, found);
    return found.sort();
}
/**
 * Removes the lock files that killed git processes left behind. Safe only because the caller
 * holds the shared clone's lock (§3.2): no live git process of ours can own them. Logs each.
 */
function removeStaleGitLocks(gitDir, logger, options = {}) {
    const removed = [];
    const skipped = options.except ? external_node_path_default().join(gitDir, ...options.except.split('/')) : undefined;
    for (const file of findGitLockFiles(gitDir)) {
        if (skipped && file.startsWith(skipped))
            continue;
        (0,external_node_fs_.rmSync)(file, { force: true });
        logger.info(`removed stale git lock file ${file} (left by a git process that was killed)`);
        removed.push(file);
    }
    return removed;
}

// EXTERNAL MODULE: ./src/process/sweep.ts
var sweep = __webpack_require__(49);
// EXTERNAL MODULE: ./src/repo/layout.ts
var layout = __webpack_require__(776);
// EXTERNAL MODULE: ./src/fleet/format.ts
var format = __webpack_require__(405);
// EXTERNAL MODULE: ./src/fleet/locks.ts
var locks = __webpack_require__(364);
;// CONCATENATED MODULE: ./src/fleet/maintain.ts
/**
 * Maintenance of a store (§6): after thousands of small fetches a store holds thousands of loose
 * objects and small packs and no commit-graph, and every fetch and checkout pays for it.
 *
 *   maintenanceDue (cheap: counts files) → store lock, one try (never wait behind a fetch) →
 *   end what was left running in the store (§3.8) → stale gc.pid and lock files of killed git
 *   processes (git's own `maintenance --auto` skips silently forever while
 *   objects/maintenance.lock exists) → within the time budget:
 *     repack        `git repack -d --geometric=2 --write-midx`: loose objects and small packs
 *                   rolled into one pack, a multi-pack-index over the rest
 *     commit-graph  `git commit-graph write --reachable --split`: one more incremental layer
 *   → record what happened → release.
 *
 * Nothing is ever pruned: no step drops an object, reachable or not. `repack -d` deletes only
 * packs whose every object went into the new pack and loose objects that are in a pack; a tree
 * reading the store meanwhile finds the object in the new pack (git looks again when an object
 * moved under it). So a tree's pinned commit (§3.7) — and a commit a job fetched a minute ago
 * and has not pinned yet — is always there. Unreachable objects stay until the repository is
 * evicted. Refs are never packed: pins are loose files written without the store lock.
 */













/**
 * git's own automatic limits are 6,700 loose objects for gc and 10 packs for its incremental
 * repack. Loose objects cost every object lookup a file-system call, and a fetch of fewer than
 * 100 objects leaves them loose, so a store fetched every few minutes crosses 1,000 within a
 * day: repacking that many takes well under a second.
 */
const DEFAULT_THRESHOLDS = {
    looseObjects: 1000,
    packsOutsideMidx: 10,
    commitGraphAgeMs: format/* DAY_MS */.sO
};
const LOOSE_DIR = /^[0-9a-f]{2}$/;
const LOOSE_OBJECT = /^[0-9a-f]{38}$|^[0-9a-f]{62}$/;
function entries(dir) {
    try {
        return (0,external_node_fs_.readdirSync)(dir);
    }
    catch {
        return [];
    }
}
function statOf(file) {
    try {
        return (0,external_node_fs_.lstatSync)(file, { throwIfNoEntry: false }) ?? undefined;
    }
    catch {
        return undefined;
    }
}
/** Counts the store's objects from its directory listing (a few hundred readdir calls). */
function countStore(storeDir) {
    const objects = external_node_path_default().join(storeDir, 'objects');
    let loose = 0;
    let newest;
    const newer = (mtime) => {
        if (mtime !== undefined && (newest === undefined || mtime > newest))
            newest = mtime;
    };
    for (const name of entries(objects)) {
        if (!LOOSE_DIR.test(name))
            continue;
        const dir = external_node_path_default().join(objects, name);
        const inDir = entries(dir).filter(file => LOOSE_OBJECT.test(file)).length;
        if (inDir > 0) {
            loose += inDir;
            newer(statOf(dir)?.mtimeMs);
        }
    }
    const packDir = external_node_path_default().join(objects, 'pack');
    const packNames = entries(packDir);
    const midx = statOf(external_node_path_default().join(packDir, 'multi-pack-index'))?.mtimeMs;
    const packBytes = [];
    let outside = 0;
    for (const name of packNames) {
        if (!name.endsWith('.pack') || name.startsWith('tmp_') || name.startsWith('.tmp-'))
            continue;
        const stats = statOf(external_node_path_default().join(packDir, name));
        if (!stats)
            continue;
        packBytes.push(stats.size);
        newer(stats.mtimeMs);
        if (midx === undefined || stats.mtimeMs > midx)
            outside++;
    }
    const info = external_node_path_default().join(objects, 'info');
    const commitGraph = statOf(external_node_path_default().join(info, 'commit-graphs', 'commit-graph-chain'))?.mtimeMs ??
        statOf(external_node_path_default().join(info, 'commit-graph'))?.mtimeMs;
    return {
        looseObjects: loose,
        packs: packBytes.length,
        packsOutsideMidx: outside,
        packBytes,
        hasMidx: midx !== undefined,
        commitGraph,
        newestObjects: newest,
        shallow: statOf(external_node_path_default().join(storeDir, 'shallow')) !== undefined,
        partial: packNames.some(name => name.endsWith('.promisor'))
    };
}
/** Is maintenance worth running now, and which steps? Pure. */
function decideMaintenance(counts, nowMs, thresholds = DEFAULT_THRESHOLDS) {
    if (counts.looseObjects === 0 && counts.packs === 0)
        return { due: false, why: 'the store holds no objects', steps: [] };
    const reasons = [];
    const steps = [];
    if (!counts.partial) {
        if (counts.looseObjects >= thresholds.looseObjects)
            reasons.push(`${counts.looseObjects} loose objects (maintained from ${thresholds.looseObjects})`);
        if (counts.packsOutsideMidx >= thresholds.packsOutsideMidx)
            reasons.push(`${counts.packsOutsideMidx} packs outside the multi-pack-index (maintained from ${thresholds.packsOutsideMidx})`);
        if (reasons.length > 0)
            steps.push('repack');
    }
    if (!counts.shallow) {
        const before = reasons.length;
        if (counts.commitGraph === undefined)
            reasons.push('no commit-graph');
        else if (nowMs - counts.commitGraph >= thresholds.commitGraphAgeMs &&
            counts.newestObjects !== undefined &&
            counts.newestObjects > counts.commitGraph)
            reasons.push(`commit-graph written ${(0,format/* formatAgo */.n4)(counts.commitGraph, nowMs)}, objects fetched since`);
        if (reasons.length > before)
            steps.push('commit-graph');
    }
    if (reasons.length > 0)
        return { due: true, why: reasons.join('; '), steps };
    const graph = counts.shallow
        ? 'shallow: no commit-graph'
        : `commit-graph ${(0,format/* formatAgo */.n4)(counts.commitGraph, nowMs)}`;
    return {
        due: false,
        why: `nothing to do: ${counts.looseObjects} loose objects, ${counts.packs} packs, ${graph}`,
        steps: []
    };
}
/** Cheap (no git process, no lock): does the store at `storeDir` need maintenance? */
function maintenanceDue(storeDir, nowMs = Date.now()) {
    return decideMaintenance(countStore(storeDir), nowMs);
}
/** The steps that have something to do, in the order they run. Pure. */
function stepsFor(counts) {
    const steps = [];
    // Rolling up promisor packs would drop their promisor mark: partial stores keep their packs.
    if (!counts.partial && (counts.looseObjects > 0 || counts.packs > 1))
        steps.push('repack');
    // git keeps no commit-graph for a shallow repository.
    if (!counts.shallow && (counts.looseObjects > 0 || counts.packs > 0))
        steps.push('commit-graph');
    return steps;
}
/** The git command of each step (GIT_DIR is the store). */
function stepArgs(step) {
    switch (step) {
        case 'repack':
            // -d: drop only what the new pack holds (no -a, -A, --cruft or prune: nothing is lost);
            // -n: no update-server-info; no bitmaps (they serve clones, not fetches into the store).
            return [
                'repack',
                '-d',
                '-l',
                '-n',
                '--geometric=2',
                '--write-midx',
                '--no-write-bitmap-index',
                '-q'
            ];
        case 'commit-graph':
            // Graph files replaced by this write stay an hour for readers that opened the old chain.
            return [
                'commit-graph',
                'write',
                '--reachable',
                '--split',
                '--no-progress',
                '--expire-time=1.hour.ago'
            ];
    }
}
function recordFileOf(storeDir) {
    return external_node_path_default().join(storeDir, 'objects', 'info', 'shared-checkout-maintenance.json');
}
function readMaintenanceRecord(storeDir) {
    try {
        const value = JSON.parse((0,external_node_fs_.readFileSync)(recordFileOf(storeDir), 'utf8'));
        if (value.version !== 1 || typeof value.at !== 'string' || !Array.isArray(value.steps))
            return undefined;
        return {
            ...value,
            stopped: typeof value.stopped === 'object' && value.stopped ? value.stopped : {}
        };
    }
    catch {
        return undefined;
    }
}
/** A step stopped at the budget is not tried again for a day with the same or a smaller budget. */
const RETRY_STOPPED_AFTER_MS = format/* DAY_MS */.sO;
const recent = (at, nowMs) => {
    const time = Date.parse(at);
    return Number.isFinite(time) && nowMs - time < RETRY_STOPPED_AFTER_MS;
};
/**
 * Steps `maintainIfDue` leaves out: those stopped at their budget less than a day ago with a
 * budget no smaller than this one (they would be stopped again after every job, wasting the
 * budget; `shared-checkout gc --budget` gives them the time). Pure.
 */
function stepsToSkip(record, budgetMs, nowMs) {
    if (!record)
        return [];
    return Object.entries(record.stopped)
        .filter(([, stop]) => recent(stop.at, nowMs) && budgetMs <= stop.budgetMs)
        .map(([step]) => step);
}
/** The record after a run: its steps, and the stops still worth remembering. Pure. */
function nextRecord(previous, run, nowMs) {
    const stopped = {};
    for (const [step, stop] of Object.entries(previous?.stopped ?? {})) {
        if (recent(stop.at, nowMs) && !run.steps.some(s => s.step === step && s.outcome === 'done'))
            stopped[step] = stop;
    }
    for (const step of run.steps)
        if (step.outcome === 'stopped')
            stopped[step.step] = { at: run.at, budgetMs: run.budgetMs };
    return { version: 1, ...run, stopped };
}
/** The git runner the fleet tools use in a repository's directory: local env, no secrets. */
function fleetGitRunner(layout, options = {}) {
    const platform = options.platform ?? process.platform;
    return new GitRunner({
        env: localGitEnv(options.env ?? process.env, {
            safeDirectories: [layout.store],
            ceiling: layout.dir,
            platformConfig: platformConfigEntries(platform)
        }),
        secrets: [],
        signal: options.signal
    });
}
/** A signal that fires at the deadline or with `parent`; tells which one fired. */
function budgetSignal(parent, ms) {
    const controller = new AbortController();
    let budgetSpent = false;
    const timer = setTimeout(() => {
        budgetSpent = true;
        controller.abort();
    }, Math.max(0, ms));
    const onParent = () => controller.abort();
    parent?.addEventListener('abort', onParent, { once: true });
    if (parent?.aborted)
        controller.abort();
    return {
        signal: controller.signal,
        budgetSpent: () => budgetSpent,
        dispose: () => {
            clearTimeout(timer);
            parent?.removeEventListener('abort', onParent);
        }
    };
}
const OBJECT_LOCKS = [
    ['objects', 'info', 'commit-graph.lock'],
    ['objects', 'info', 'commit-graphs', 'commit-graph-chain.lock'],
    ['objects', 'pack', 'multi-pack-index.lock']
];
/** Is this a temporary file a killed repack, pack-objects or commit-graph left? Pure. */
function isGitTemporary(name) {
    return name.startsWith('tmp_') || name.startsWith('.tmp-');
}
/**
 * Removes what killed git processes left in the store: lock files (git's own, §3.2, and those
 * of the commit-graph and multi-pack-index writers) and temporary packs and graphs. Only under
 * the store lock: no git process of ours writes the store then. Logs each.
 */
function removeStaleMaintenanceFiles(storeDir, log) {
    const removed = removeStaleGitLocks(storeDir, log, { except: layout/* PIN_REF_PREFIX */.z2 });
    for (const parts of OBJECT_LOCKS) {
        const file = external_node_path_default().join(storeDir, ...parts);
        if (!statOf(file))
            continue;
        (0,external_node_fs_.rmSync)(file, { recursive: true, force: true });
        log.info(`removed stale git lock file ${file} (left by a git process that was killed)`);
        removed.push(file);
    }
    for (const dir of [
        external_node_path_default().join(storeDir, 'objects', 'pack'),
        external_node_path_default().join(storeDir, 'objects', 'info', 'commit-graphs')
    ]) {
        const temporaries = entries(dir).filter(isGitTemporary);
        for (const name of temporaries) {
            (0,external_node_fs_.rmSync)(external_node_path_default().join(dir, name), { recursive: true, force: true });
            removed.push(external_node_path_default().join(dir, name));
        }
        if (temporaries.length > 0)
            log.info(`removed ${temporaries.length} temporary file(s) in ${dir} left by a git process that was killed`);
    }
    return removed;
}
const GC_PID_TRUSTED_MS = 12 * 3600_000;
function processAlive(pid) {
    try {
        process.kill(pid, 0);
        return true;
    }
    catch (error) {
        return error.code === 'EPERM';
    }
}
/**
 * `gc.pid` names the `git gc` that runs in a repository ("<pid> <host>"). A live one on this
 * host (written less than 12 hours ago, as git itself trusts it) means someone runs gc by hand:
 * maintenance waits for another time. Any other is stale and removed.
 */
function checkGcPid(storeDir, log) {
    const file = external_node_path_default().join(storeDir, 'gc.pid');
    const stats = statOf(file);
    if (!stats)
        return {};
    let content = '';
    try {
        content = (0,external_node_fs_.readFileSync)(file, 'utf8');
    }
    catch {
        // unreadable: stale
    }
    const [pidText, host] = content.trim().split(/\s+/);
    const pid = Number(pidText);
    if (host === external_node_os_default().hostname() &&
        Number.isInteger(pid) &&
        pid > 0 &&
        Date.now() - stats.mtimeMs < GC_PID_TRUSTED_MS &&
        processAlive(pid))
        return { busy: `git gc (pid ${pid}) is running in the store` };
    (0,external_node_fs_.rmSync)(file, { force: true });
    log.info(`removed stale ${file} (${content.trim() ? `git gc ${content.trim()} is gone` : 'empty'}); ` +
        'while it stayed, git would not maintain the store');
    return { removed: file };
}
function summarize(result) {
    const steps = result.steps
        .map(step => {
        const time = `${(step.ms / 1000).toFixed(1)} s`;
        if (step.outcome === 'done')
            return `${step.step} ${time}`;
        return `${step.step} ${step.outcome}${step.detail ? ` (${step.detail})` : ''}`;
    })
        .join(', ');
    const { before, after } = result;
    const counts = before && after
        ? `; loose objects ${before.looseObjects} → ${after.looseObjects}, packs ${before.packs} → ${after.packs}`
        : '';
    return `${steps || 'nothing to do'}${counts}`;
}
/**
 * Maintains one store under its store lock (one try: a busy store is skipped with a log line).
 * Throws only when the caller's signal cancels it (GitCancelledError); a failing step is
 * logged and reported in the result.
 */
async function maintainStore(layout, options) {
    const started = external_node_perf_hooks_.performance.now();
    const { log } = options;
    const storeDir = layout.store;
    const result = { store: storeDir, ran: false, steps: [], removed: [], ms: 0 };
    const done = () => ({ ...result, ms: Math.round(external_node_perf_hooks_.performance.now() - started) });
    if (!statOf(external_node_path_default().join(storeDir, 'objects')))
        return { ...done(), skipped: 'there is no store' };
    const tried = await (0,locks/* tryStoreLock */.SY)(layout, {
        job: (0,locks/* fleetJob */.Cb)(options.job, 'maintenance'),
        signal: options.signal
    });
    if (!tried.taken) {
        log.info(`maintenance of ${storeDir} skipped: the store lock is ${tried.why}; it runs another time`);
        return { ...done(), skipped: `the store lock is ${tried.why}` };
    }
    try {
        await (0,sweep/* endProcessesIn */.aA)(storeDir, { log: line => log.info(line), what: 'the store' });
        const gc = checkGcPid(storeDir, log);
        if (gc.busy) {
            log.info(`maintenance of ${storeDir} skipped: ${gc.busy}`);
            return { ...done(), skipped: gc.busy };
        }
        if (gc.removed)
            result.removed.push(gc.removed);
        result.removed.push(...removeStaleMaintenanceFiles(storeDir, log));
        result.ran = true;
        result.before = countStore(storeDir);
        const steps = stepsFor(result.before).filter(step => !options.only || options.only.includes(step));
        // The budget is for the steps: the lock was taken and the leftovers removed in no time.
        const budgetStart = external_node_perf_hooks_.performance.now();
        for (const step of steps) {
            const remaining = options.budgetMs - (external_node_perf_hooks_.performance.now() - budgetStart);
            if (remaining <= 0) {
                result.steps.push({ step, outcome: 'skipped', ms: 0, detail: 'the budget was spent' });
                continue;
            }
            result.steps.push(await runStep(layout, step, remaining, options));
        }
        result.after = countStore(storeDir);
        writeRecord(storeDir, options.budgetMs, done());
        const stopped = result.steps.filter(step => step.outcome === 'stopped');
        const line = `maintained ${storeDir} in ${((external_node_perf_hooks_.performance.now() - started) / 1000).toFixed(1)} s: ${summarize(result)}`;
        if (stopped.length > 0)
            log.notice(`${line}. ${stopped.map(s => s.step).join(', ')} did not finish within the budget of ` +
                `${Math.round(options.budgetMs / 1000)} s; run \`shared-checkout gc --budget 600\` for this store when the machine is quiet.`);
        else if (result.steps.some(step => step.outcome === 'failed'))
            log.warning(line);
        else
            log.info(line);
        return done();
    }
    finally {
        await (0,locks/* release */._r)(tried.lock, line => log.warning(line));
    }
}
async function runStep(layout, step, remainingMs, options) {
    const budget = budgetSignal(options.signal, remainingMs);
    const git = new GitRunner({ ...options.git.options, signal: budget.signal });
    const started = external_node_perf_hooks_.performance.now();
    const ms = () => Math.round(external_node_perf_hooks_.performance.now() - started);
    try {
        await git.local(layout.dir, stepArgs(step), { gitDir: layout.store });
        return { step, outcome: 'done', ms: ms() };
    }
    catch (error) {
        if (error instanceof GitCancelledError) {
            if (!budget.budgetSpent())
                throw error; // the caller cancelled: stop here
            return {
                step,
                outcome: 'stopped',
                ms: ms(),
                detail: `stopped at the budget after ${(ms() / 1000).toFixed(1)} s`
            };
        }
        const message = error instanceof Error ? error.message : String(error);
        options.log.warning(`maintenance step ${step} failed in ${layout.store}: ${message}`);
        return { step, outcome: 'failed', ms: ms(), detail: message.split('\n')[0] };
    }
    finally {
        budget.dispose();
    }
}
function writeRecord(storeDir, budgetMs, result) {
    const record = nextRecord(readMaintenanceRecord(storeDir), { at: new Date().toISOString(), budgetMs, ms: result.ms, steps: result.steps }, Date.now());
    try {
        (0,write/* writeFileAtomic */.Zf)(recordFileOf(storeDir), `${JSON.stringify(record)}\n`);
    }
    catch {
        // A full disk: the record only saves work next time.
    }
}
/**
 * For the action's post step, after the job's tree is released: maintains the store when it is
 * due, within a small budget, and never fails the job (problems are logged as warnings).
 */
async function maintainIfDue(layout, options) {
    const empty = (skipped) => ({
        store: layout.store,
        ran: false,
        skipped,
        steps: [],
        removed: [],
        ms: 0
    });
    try {
        if (!statOf(external_node_path_default().join(layout.store, 'objects')))
            return empty('there is no store');
        const due = maintenanceDue(layout.store);
        if (!due.due) {
            options.log.debug(`maintenance of ${layout.store} not due: ${due.why}`);
            return empty(`not due: ${due.why}`);
        }
        const skip = stepsToSkip(readMaintenanceRecord(layout.store), options.budgetMs, Date.now());
        const only = due.steps.filter(step => !skip.includes(step));
        if (only.length === 0) {
            const why = `${skip.join(', ')} stopped at the budget less than a day ago (run \`shared-checkout gc\` with a larger --budget)`;
            options.log.debug(`maintenance of ${layout.store} skipped: ${why}`);
            return empty(`skipped: ${why}`);
        }
        options.log.info(`maintaining ${layout.store}: ${due.why}`);
        return await maintainStore(layout, {
            ...options,
            git: options.git ?? fleetGitRunner(layout, { signal: options.signal }),
            only
        });
    }
    catch (error) {
        options.log.warning(`maintenance of ${layout.store} did not run to the end: ${error instanceof Error ? error.message : String(error)}`);
        return empty(`failed: ${error instanceof Error ? error.message : String(error)}`);
    }
}


/***/ }),

/***/ 688:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Mc: () => (/* binding */ entriesOf),
/* harmony export */   Zf: () => (/* binding */ writeFileAtomic),
/* harmony export */   sL: () => (/* binding */ isRealDirectory)
/* harmony export */ });
/* unused harmony exports pathExists, readRegularFile */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(24);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/**
 * Small file operations the store and the trees share. A file another process may read at any
 * moment (a config, a pin ref, the marker) is written to a temporary name beside it and renamed
 * into place, so it is never seen half-written; `rename` replaces a link planted at the name
 * instead of writing through it.
 */



function writeFileAtomic(file, content, mode = 0o644) {
    const temp = node_path__WEBPACK_IMPORTED_MODULE_2___default().join(node_path__WEBPACK_IMPORTED_MODULE_2___default().dirname(file), `.${node_path__WEBPACK_IMPORTED_MODULE_2___default().basename(file)}.${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(6).toString('hex')}.tmp`);
    try {
        (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.writeFileSync)(temp, content, { mode, flag: 'wx' });
        (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.renameSync)(temp, file);
    }
    catch (error) {
        (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.rmSync)(temp, { force: true });
        throw error;
    }
}
/** Is `file` a real directory (not a link to one)? */
function isRealDirectory(file) {
    try {
        return (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.lstatSync)(file).isDirectory();
    }
    catch {
        return false;
    }
}
function pathExists(file) {
    try {
        lstatSync(file);
        return true;
    }
    catch {
        return false;
    }
}
/** The names in `dir`; none when it is missing or unreadable (a scan goes on without it). */
function entriesOf(dir) {
    try {
        return (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.readdirSync)(dir);
    }
    catch {
        return [];
    }
}
/** The text of `file` when it is a regular file (a link planted there is not followed). */
function readRegularFile(file) {
    try {
        if (!lstatSync(file).isFile())
            return undefined;
        return readFileSync(file, 'utf8');
    }
    catch {
        return undefined;
    }
}


/***/ })

};
