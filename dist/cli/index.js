#!/usr/bin/env node
import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 189:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _cli_main_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(5);
/* harmony import */ var _lock_index_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(946);
// Entry point of the `shared-checkout` command. The same bundle also serves as the keeper
// process that `checkout` starts detached to hold the tree for the calling shell (§2).


if ((0,_lock_index_js__WEBPACK_IMPORTED_MODULE_1__/* .isKeeperInvocation */ .Vq)(process.env)) {
    await (0,_lock_index_js__WEBPACK_IMPORTED_MODULE_1__/* .runKeeper */ .YV)(process.env);
    process.exit(0);
}
else {
    const code = await (0,_cli_main_js__WEBPACK_IMPORTED_MODULE_0__/* .run */ .eF)(process.argv.slice(2), {
        entry: process.argv[1] ?? '',
        execArgv: process.execArgv
    });
    process.exit(code);
}

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 5:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  eF: () => (/* binding */ run)
});

// UNUSED EXPORTS: EXIT, exitCodeFor, stderrLogger

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __nccwpck_require__(421);
// EXTERNAL MODULE: external "node:timers/promises"
var promises_ = __nccwpck_require__(500);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __nccwpck_require__(161);
var external_node_os_default = /*#__PURE__*/__nccwpck_require__.n(external_node_os_);
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

// EXTERNAL MODULE: ./src/lock/index.ts + 21 modules
var src_lock = __nccwpck_require__(946);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(24);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(760);
var external_node_path_default = /*#__PURE__*/__nccwpck_require__.n(external_node_path_);
;// CONCATENATED MODULE: ./src/fs/write.ts
/**
 * Small file operations the store and the trees share. A file another process may read at any
 * moment (a config, a pin ref, the marker) is written to a temporary name beside it and renamed
 * into place, so it is never seen half-written; `rename` replaces a link planted at the name
 * instead of writing through it.
 */



function writeFileAtomic(file, content, mode = 0o644) {
    const temp = external_node_path_default().join(external_node_path_default().dirname(file), `.${external_node_path_default().basename(file)}.${(0,external_node_crypto_.randomBytes)(6).toString('hex')}.tmp`);
    try {
        (0,external_node_fs_.writeFileSync)(temp, content, { mode, flag: 'wx' });
        (0,external_node_fs_.renameSync)(temp, file);
    }
    catch (error) {
        (0,external_node_fs_.rmSync)(temp, { force: true });
        throw error;
    }
}
/** Is `file` a real directory (not a link to one)? */
function write_isRealDirectory(file) {
    try {
        return (0,external_node_fs_.lstatSync)(file).isDirectory();
    }
    catch {
        return false;
    }
}
function pathExists(file) {
    try {
        (0,external_node_fs_.lstatSync)(file);
        return true;
    }
    catch {
        return false;
    }
}
/** The names in `dir`; none when it is missing or unreadable (a scan goes on without it). */
function entriesOf(dir) {
    try {
        return (0,external_node_fs_.readdirSync)(dir);
    }
    catch {
        return [];
    }
}
/** The text of `file` when it is a regular file (a link planted there is not followed). */
function readRegularFile(file) {
    try {
        if (!(0,external_node_fs_.lstatSync)(file).isFile())
            return undefined;
        return (0,external_node_fs_.readFileSync)(file, 'utf8');
    }
    catch {
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/repo/identity.ts
/** `127.0.0.1:8080` → `127.0.0.1_8080`; `[::1]:8080` → `[--1]_8080` (':' is not a file-name character on Windows). */
function hostDirectory(url) {
    const hostname = url.hostname.toLowerCase().replace(/:/g, '-');
    return url.port ? `${hostname}_${url.port}` : hostname;
}
/**
 * Builds the identity from a validated server URL and `owner/name`. Throws for values the
 * option parsers would have refused (a programming error, not user input).
 */
function repoIdOf(serverUrl, repository) {
    const url = new URL(serverUrl);
    const parts = repository.replace(/\.git$/i, '').split('/');
    if (parts.length !== 2 || !parts[0] || !parts[1] || /^\.{1,2}$/.test(parts[1])) {
        throw new Error(`repository ${JSON.stringify(repository)} is not owner/name`);
    }
    const [owner, name] = parts.map(part => part.toLowerCase());
    const prefix = url.pathname
        .split('/')
        .filter(segment => segment !== '')
        .map(segment => segment.toLowerCase());
    const host = url.host.toLowerCase();
    const base = serverUrl.replace(/\/+$/, '');
    const segments = [hostDirectory(url), ...prefix.map(segment => `~${segment}`), owner, name];
    // Each is one directory name under the root (§7): never empty, '.', '..' or a separator.
    if (segments.some(segment => /^\.{0,2}$/.test(segment) || /[\\/]/.test(segment))) {
        throw new Error(`${serverUrl} and ${repository} do not name a directory under the root`);
    }
    return {
        display: `${parts[0]}/${parts[1]}`,
        owner,
        name,
        serverUrl: base,
        host,
        prefix,
        key: [host, ...prefix, owner, name].join('/'),
        remoteUrl: `${base}/${parts[0]}/${parts[1]}`,
        segments
    };
}
/**
 * A remote URL reduced to what identifies the repository: host and path lower-cased, no
 * credentials, no `.git`, no trailing '/'. Local paths and file:// URLs compare by absolute
 * path. Used wherever an `origin` is checked (store, cache archive). Pure.
 */
function normalizeRemoteUrl(remote) {
    const trimmed = remote.trim();
    const stripGit = (p) => p
        .replace(/\/+$/, '')
        .replace(/\.git$/i, '')
        .replace(/\/+$/, '');
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
        const url = new URL(trimmed);
        if (url.protocol === 'file:')
            return `file:${stripGit(decodeURIComponent(url.pathname))}`;
        const port = url.port ? `:${url.port}` : '';
        return `${url.hostname.toLowerCase()}${port}${stripGit(url.pathname).toLowerCase()}`;
    }
    const scp = /^(?:[^@/]+@)?([^:/]+):(.+)$/.exec(trimmed); // git@github.com:owner/name.git
    if (scp && !trimmed.startsWith('/'))
        return `${scp[1].toLowerCase()}/${stripGit(scp[2]).toLowerCase().replace(/^\/+/, '')}`;
    return `file:${stripGit(trimmed)}`;
}
function sameRepository(a, b) {
    return normalizeRemoteUrl(a) === normalizeRemoteUrl(b);
}

;// CONCATENATED MODULE: ./src/repo/layout.ts
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
    const locksDir = external_node_path_default().join(dir, 'locks');
    return {
        dir,
        marker: external_node_path_default().join(dir, MARKER_NAME),
        store: external_node_path_default().join(dir, 'store'),
        treesDir: external_node_path_default().join(dir, 'trees'),
        locksDir,
        storeLock: external_node_path_default().join(locksDir, 'store.lock'),
        treeQueue: external_node_path_default().join(locksDir, 'trees.queue'),
        tmp: external_node_path_default().join(dir, 'tmp'),
        aside: external_node_path_default().join(dir, 'aside'),
        tree: n => external_node_path_default().join(dir, 'trees', String(n)),
        treeLock: n => external_node_path_default().join(locksDir, `tree-${n}.lock`)
    };
}
/** Which tree a tree lock guards (`…/tree-3.lock` → 3), or undefined for other files. */
function treeNumberOfLock(lockPath) {
    const match = /^tree-([1-9]\d{0,2})\.lock$/.exec(external_node_path_default().basename(lockPath));
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

;// CONCATENATED MODULE: ./src/repo/directory.ts
/**
 * What is at a repository's directory before the action uses it (§3.2), and claiming it.
 * Reading is done before anything on disk changes (§7), so a directory that belongs to another
 * repository, or holds someone's files, is refused as an input error; a directory of the first
 * release's layout (a clone with `.git` and no marker) is recognised and set aside.
 */






/** Our own entries: a directory holding only these (a job that stopped early) is not foreign. */
const OWN_ENTRIES = new Set(['locks', 'tmp', 'aside', 'trees', 'store', MARKER_NAME]);
function inspectRepoDir(layout, repositoryKey) {
    let entries;
    try {
        if (!(0,external_node_fs_.lstatSync)(layout.dir).isDirectory())
            return { kind: 'not-a-directory' };
        entries = (0,external_node_fs_.readdirSync)(layout.dir);
    }
    catch {
        return { kind: 'absent' };
    }
    const text = readRegularFile(layout.marker);
    const marker = text === undefined ? undefined : parseMarker(text);
    if (marker) {
        if (marker.layout > LAYOUT_VERSION)
            return { kind: 'newer-layout', layout: marker.layout };
        if (marker.repository !== repositoryKey)
            return { kind: 'other-repository', repository: marker.repository };
        return { kind: 'ours' };
    }
    const foreign = entries.filter(entry => !OWN_ENTRIES.has(entry));
    if (foreign.length === 0)
        return { kind: 'absent' };
    return { kind: 'unmarked', old: foreign.includes('.git'), entries: foreign };
}
/** The nearest ancestor of `dir` (below `stopAt`, when given) that is a repository's directory. */
function enclosingRepoDir(dir, stopAt) {
    let current = external_node_path_default().dirname(dir);
    for (;;) {
        if (stopAt && external_node_path_default().relative(stopAt, current).startsWith('..'))
            return undefined;
        if (stopAt && external_node_path_default().resolve(current) === external_node_path_default().resolve(stopAt))
            return undefined;
        if (readRegularFile(external_node_path_default().join(current, MARKER_NAME)) !== undefined)
            return current;
        const parent = external_node_path_default().dirname(current);
        if (parent === current)
            return undefined;
        current = parent;
    }
}
/**
 * Why the directory cannot be used for this repository, or undefined. `userChosen`: the
 * directory came from the `path` input (unknown files there are the user's, never set aside).
 */
function repoDirProblem(layout, repositoryKey, options) {
    const enclosing = enclosingRepoDir(layout.dir, options.userChosen ? undefined : options.root);
    if (enclosing)
        return `it is inside ${enclosing}, the directory of another repository; choose a directory outside it`;
    const state = inspectRepoDir(layout, repositoryKey);
    if (state.kind === 'unmarked') {
        const nested = nestedRepoDir(layout.dir, state.entries);
        if (nested)
            return `${nested} below it is the directory of another repository; move that repository out of ${layout.dir}, or choose another directory`;
        const origin = state.old ? originOf(external_node_path_default().join(layout.dir, '.git')) : undefined;
        if (options.userChosen && origin !== undefined && normalizeRemoteUrl(origin) !== repositoryKey)
            return `it holds a clone of ${origin}, not of this repository; choose an empty or new directory`;
    }
    switch (state.kind) {
        case 'other-repository':
            return `it holds the store and trees of ${state.repository}; choose another directory for this repository`;
        case 'newer-layout':
            return `it was set up by a newer release of Shared Checkout (layout ${state.layout}); use that release, or another directory`;
        case 'not-a-directory':
            return 'it exists and is not a directory (a file or a link); remove it, or choose another directory';
        case 'unmarked':
            if (options.userChosen && !state.old)
                return `it holds files that are not Shared Checkout's (${state.entries.slice(0, 3).join(', ')}${state.entries.length > 3 ? ', …' : ''}); choose an empty or new directory`;
            return undefined;
        default:
            return undefined;
    }
}
/** Creates the directory and its `locks/` (the first change on disk a job makes). */
function ensureLockDirectory(layout) {
    (0,external_node_fs_.mkdirSync)(layout.locksDir, { recursive: true });
}
/**
 * Makes the directory ours (call under the store lock, after `repoDirProblem` said it may be
 * used): what a first-release clone or unknown files left there is moved into `aside/`, then
 * the marker is written. Returns where things were set aside, if anything was.
 */
function claimRepoDir(layout, repositoryKey, log) {
    const state = inspectRepoDir(layout, repositoryKey);
    if (state.kind === 'not-a-directory')
        throw new Error(`${layout.dir} is not a directory (a file or a link); remove it, or choose another directory`);
    let setAside;
    if (state.kind === 'unmarked') {
        const nested = nestedRepoDir(layout.dir, state.entries);
        if (nested)
            throw new Error(`${nested} is the directory of another repository, inside ${layout.dir}; move it out of there`);
        // Everything the old directory held goes, whatever its names (a first-release clone may
        // track its own `store/` or `tmp/`), except the locks this job already holds in `locks/`:
        // gathered under a private name first, then moved into aside/.
        const gathering = external_node_path_default().join(layout.dir, `.shared-checkout-set-aside-${(0,external_node_crypto_.randomBytes)(6).toString('hex')}`);
        (0,external_node_fs_.mkdirSync)(gathering);
        const keep = new Set(['locks', external_node_path_default().basename(gathering), MARKER_NAME]);
        if (isOwnAside(layout.aside))
            keep.add('aside');
        const moving = (0,external_node_fs_.readdirSync)(layout.dir).filter(entry => !keep.has(entry));
        for (const entry of moving)
            (0,external_node_fs_.renameSync)(external_node_path_default().join(layout.dir, entry), external_node_path_default().join(gathering, entry));
        (0,external_node_fs_.mkdirSync)(layout.aside, { recursive: true });
        setAside = uniquePath(external_node_path_default().join(layout.aside, asideNameFor(state.old ? 'layout-v1' : 'unknown', new Date())));
        (0,external_node_fs_.renameSync)(gathering, setAside);
        log.notice(state.old
            ? `${layout.dir} held a clone of Shared Checkout's first layout; it was moved to ${setAside} ` +
                'and the repository is set up afresh (store + trees). Delete it once you no longer need it.'
            : `${layout.dir} held files Shared Checkout did not create (${state.entries.join(', ')}); ` +
                `they were moved to ${setAside}.`);
    }
    for (const dir of [layout.tmp, layout.aside, layout.treesDir])
        (0,external_node_fs_.mkdirSync)(dir, { recursive: true });
    if (!(0,external_node_fs_.existsSync)(layout.marker))
        writeFileAtomic(layout.marker, encodeMarker(repositoryKey));
    return setAside;
}
/** An aside/ that holds only what the action sets aside (an earlier claim's), not a clone's. */
function isOwnAside(dir) {
    try {
        return (0,external_node_fs_.readdirSync)(dir).every(name => /^(layout-v1|unknown|store|tree-\d+)-\d{8}T\d{6}(-\d+)?$/.test(name));
    }
    catch {
        return false;
    }
}
/** `origin` of a git directory's config, or undefined. */
function originOf(gitDir) {
    try {
        const text = (0,external_node_fs_.readFileSync)(external_node_path_default().join(gitDir, 'config'), 'utf8');
        const section = /\[remote "origin"\]([^[]*)/.exec(text)?.[1] ?? '';
        return /^\s*url\s*=\s*(.+?)\s*$/m.exec(section)?.[1];
    }
    catch {
        return undefined;
    }
}
const NESTED_DEPTH = 8;
const NESTED_BUDGET = 20_000;
/**
 * A repository directory (a marker) below `dir` among `entries`, looked for a few levels deep:
 * another repository's directory chosen inside this one must never be set aside with it.
 */
function nestedRepoDir(dir, entries) {
    let budget = NESTED_BUDGET;
    const walk = (current, depth) => {
        if (depth > NESTED_DEPTH || budget-- <= 0)
            return undefined;
        if (depth > 0 && readRegularFile(external_node_path_default().join(current, MARKER_NAME)) !== undefined)
            return current;
        let children;
        try {
            children = (0,external_node_fs_.readdirSync)(current, { withFileTypes: true });
        }
        catch {
            return undefined;
        }
        for (const child of children) {
            if (!child.isDirectory() || child.name === '.git' || child.name === 'node_modules')
                continue;
            const found = walk(external_node_path_default().join(current, child.name), depth + 1);
            if (found)
                return found;
        }
        return undefined;
    };
    for (const entry of entries) {
        if (entry === '.git')
            continue;
        const found = walk(external_node_path_default().join(dir, entry), 1);
        if (found)
            return found;
    }
    return undefined;
}
/** `base`, or `base-2`, `base-3`… whichever does not exist yet. */
function uniquePath(base) {
    let candidate = base;
    for (let n = 2; (0,external_node_fs_.existsSync)(candidate); n++)
        candidate = `${base}-${n}`;
    return candidate;
}

;// CONCATENATED MODULE: ./src/repo/paths.ts
/**
 * Where repositories live on a machine (§1 `root` and `path`). Pure: the platform, environment
 * and home directory are parameters, so every OS's rules are testable on any OS.
 */

/** A `path` or `root` value that cannot be used; `input` names the action input to blame. */
class PathInputError extends Error {
    input;
    value;
    reason;
    constructor(input, value, reason) {
        super(`Input '${input}' is ${JSON.stringify(value)}: ${reason}`);
        this.input = input;
        this.value = value;
        this.reason = reason;
        this.name = 'PathInputError';
    }
}
const pathFor = (platform) => platform === 'win32' ? (external_node_path_default()).win32 : (external_node_path_default()).posix;
/** win32 and darwin (APFS/HFS+ default) compare file names case-insensitively. */
const caseInsensitive = (platform) => platform === 'win32' || platform === 'darwin';
/**
 * Default machine-wide root (SPEC §1): env SHARED_CHECKOUT_ROOT, else `~/.cache/shared-checkout`
 * (Windows: `%LOCALAPPDATA%\shared-checkout`). XDG_CACHE_HOME is deliberately NOT honoured:
 * every runner instance on the machine must agree on the root, and a runner started as a
 * service usually has no XDG variables while one started from a shell does — two roots would
 * mean two stores and two sets of locks for one repository.
 */
function defaultRoot(options) {
    const { platform, env, homedir } = options;
    const fromEnv = (env.SHARED_CHECKOUT_ROOT ?? '').trim();
    if (fromEnv)
        return fromEnv;
    const p = pathFor(platform);
    if (platform === 'win32') {
        const localAppData = (env.LOCALAPPDATA ?? '').trim();
        const base = localAppData || (homedir ? p.join(homedir, 'AppData', 'Local') : '');
        if (!base) {
            throw new PathInputError('root', '', 'no root given and neither LOCALAPPDATA nor a home directory is known; set `root` or SHARED_CHECKOUT_ROOT');
        }
        return p.join(base, 'shared-checkout');
    }
    if (!homedir) {
        throw new PathInputError('root', '', 'no root given and HOME is not set; set `root` or SHARED_CHECKOUT_ROOT');
    }
    return p.join(homedir, '.cache', 'shared-checkout');
}
/** `C:`, `C:\`, `\\server\share`: the root of a volume. */
function isFilesystemRoot(p, absolute) {
    return p.dirname(absolute) === absolute || p.parse(absolute).root === absolute;
}
function comparable(platform, p, absolute) {
    const normal = p.normalize(absolute).replace(/[\\/]+$/, '') || p.sep;
    return caseInsensitive(platform) ? normal.toLowerCase() : normal;
}
/** Is `child` equal to `parent` or inside it (platform rules, case per platform)? */
function isInside(platform, parent, child) {
    const p = pathFor(platform);
    const a = comparable(platform, p, parent);
    const b = comparable(platform, p, child);
    if (a === b)
        return true;
    const withSep = a.endsWith(p.sep) ? a : a + p.sep;
    return b.startsWith(withSep);
}
/**
 * Rejects what no platform could mean: control characters, and on Windows the forms whose
 * meaning depends on the process's current drive or that bypass normalisation.
 */
function checkSyntax(input, value, platform, accepted) {
    const refuse = (reason) => new PathInputError(input, value, `${reason}; expected ${accepted}`);
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(value)) {
        throw refuse('control characters are not allowed in a path');
    }
    if (platform === 'win32') {
        if (/^\\\\[?.]\\/.test(value) || /^\/\/[?.]\//.test(value)) {
            throw refuse('device paths (\\\\?\\ and \\\\.\\) are not accepted; use C:\\dir or \\\\server\\share\\dir');
        }
        if (/^[A-Za-z]:(?![\\/])/.test(value)) {
            throw refuse('a drive-relative path (C:dir) depends on the current directory of that drive; write C:\\dir');
        }
        if (/^[\\/](?![\\/])/.test(value)) {
            throw refuse('a path rooted without a drive (\\dir) depends on the current drive; write C:\\dir');
        }
        if (/[<>"|?*]/.test(value.replace(/^[A-Za-z]:/, ''))) {
            throw refuse('Windows file names cannot contain < > " | ? *');
        }
    }
    else {
        if (value.includes('\\')) {
            throw refuse(`backslashes are not path separators on ${platform}; use '/'`);
        }
        if (/^[A-Za-z]:/.test(value)) {
            throw refuse(`a Windows drive letter has no meaning on ${platform}; use an absolute path such as /srv/clones`);
        }
    }
}
/** `~`, `~/x` (and `~\x` on Windows) expand to the home directory: YAML users write them. */
function expandHome(value, homedir, platform) {
    if (value === '~')
        return homedir;
    const sep = platform === 'win32' ? /^~[\\/]/ : /^~\//;
    return sep.test(value) ? pathFor(platform).join(homedir, value.slice(2)) : value;
}
/**
 * The effective root: the `root` input (absolute, `~` expanded) or `defaultRoot`. A volume
 * root is refused: a root must hold only Shared Checkout's repositories, and `/` would make the "stays inside
 * the root" rule for `path` meaningless.
 */
function resolveRoot(options) {
    const { platform, env, homedir } = options;
    const p = pathFor(platform);
    const given = options.rootInput.trim();
    const raw = given || defaultRoot({ platform, env, homedir });
    const accepted = platform === 'win32'
        ? 'an absolute directory such as D:\\shared-checkout or \\\\server\\share\\dir'
        : 'an absolute directory such as /srv/shared-checkout or ~/shared-checkout';
    checkSyntax('root', raw, platform, accepted);
    const value = expandHome(raw, homedir, platform);
    if (!p.isAbsolute(value)) {
        const from = given ? '' : ' (from SHARED_CHECKOUT_ROOT)';
        throw new PathInputError('root', raw, `a relative root would differ per job${from}; expected ${accepted}`);
    }
    const root = p.normalize(value);
    if (isFilesystemRoot(p, root)) {
        throw new PathInputError('root', raw, `the root of a volume cannot hold repositories; expected ${accepted}`);
    }
    return root.replace(/[\\/]+$/, '');
}
/**
 * The repository's directory (§1 `path`): `<root>/<host>/<owner>/<name>` by default; a relative
 * `path` resolves against `root` and must stay inside it; an absolute one may be anywhere
 * except places whose loss would hurt: a volume root, the home directory, the root itself, or
 * any directory that contains the home directory or the root (what the directory held before
 * is set aside, and `clean` deletes untracked files: §3.2, §3.3).
 */
function resolveRepoDir(options) {
    const { platform, root, repo, homedir } = options;
    const p = pathFor(platform);
    const raw = options.pathInput.trim();
    const accepted = `a directory inside the root (${root}), given relative to it, or an absolute directory that is not a volume root, the home directory, or a directory containing either`;
    let resolved;
    if (raw === '') {
        resolved = p.join(root, ...repo.segments);
    }
    else {
        checkSyntax('path', raw, platform, accepted);
        const value = expandHome(raw, homedir, platform);
        if (p.isAbsolute(value)) {
            resolved = p.normalize(value);
        }
        else {
            resolved = p.resolve(root, value);
            if (!isInside(platform, root, resolved)) {
                throw new PathInputError('path', raw, `it leaves the root through '..'; expected ${accepted}`);
            }
        }
    }
    if (isFilesystemRoot(p, resolved)) {
        throw new PathInputError('path', raw, `it is the root of a volume; expected ${accepted}`);
    }
    resolved = resolved.replace(/[\\/]+$/, '');
    if (homedir && isInside(platform, resolved, homedir)) {
        const what = comparable(platform, p, resolved) === comparable(platform, p, homedir)
            ? 'is the home directory'
            : `contains the home directory (${homedir})`;
        throw new PathInputError('path', raw, `it ${what}; expected ${accepted}`);
    }
    if (isInside(platform, resolved, root)) {
        const what = comparable(platform, p, resolved) === comparable(platform, p, root)
            ? 'is the root itself, which holds every repository'
            : `contains the root (${root})`;
        throw new PathInputError('path', raw, `it ${what}; expected ${accepted}`);
    }
    return resolved;
}

;// CONCATENATED MODULE: ./src/git/refs.ts
/**
 * Pure decisions about what to fetch for a requested ref (§3.3). The one network question
 * (what a short name or the default branch means) is answered by ls-remote in sync.ts and
 * handed in as RemoteRefs.
 */
const REMOTE = 'origin';
const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;
/** A full commit SHA as a user may write it (either case): 40 hex digits (SHA-1) or 64 (SHA-256). */
function isFullSha(value) {
    return FULL_SHA.test(value);
}
/** An object id as git writes it in files (lower case). */
function isObjectId(value) {
    return FULL_SHA.test(value) && value === value.toLowerCase();
}
/**
 * What ls-remote must be asked, or null when nothing needs the network: the commit is known
 * and the ref's kind is clear from its spelling. A ref without a known commit is always asked
 * for, so that a commit already in the store needs no fetch and no store lock (§3.3).
 */
function remoteQueryFor(ref, commit) {
    if (ref === '')
        return commit ? null : ['HEAD'];
    if (isFullSha(ref))
        return null;
    if (ref.startsWith('refs/'))
        return commit ? null : [ref];
    return [`refs/heads/${ref}`, `refs/tags/${ref}`];
}
/**
 * The object the remote's ref points at now (a tag object for an annotated tag), from the
 * ls-remote answer; undefined when it was not asked or not found. Pure.
 */
function remoteObjectFor(target, requestedRef, remote) {
    if (!remote || target.kind === 'commit')
        return undefined;
    if (requestedRef === '')
        return remote.refs.HEAD;
    return remote.refs[target.ref];
}
/** Parses `git ls-remote --symref` output. */
function parseLsRemote(stdout) {
    const result = { refs: {} };
    for (const line of stdout.split('\n')) {
        const symref = /^ref: (\S+)\tHEAD$/.exec(line);
        if (symref) {
            result.defaultBranch = symref[1];
            continue;
        }
        const plain = /^([0-9a-f]+)\t(\S+)$/.exec(line);
        if (plain)
            result.refs[plain[2]] = plain[1];
    }
    return result;
}
/** The message for a ref the remote does not have: names the ref and what was tried. */
function unknownRefMessage(ref, remoteUrl, tried) {
    return (`ref '${ref}' was not found in ${remoteUrl} (looked for ${tried.join(', ')}); ` +
        `check the 'ref' input: a branch, tag, full SHA or refs/pull/N/merge`);
}
/**
 * Gives a requested ref its kind. Short names: branch wins over tag (actions/checkout does
 * the same). Empty ref: the commit if one is given, else the remote's default branch.
 * Undefined when the remote has no such ref.
 */
function qualifyRef(ref, commit, remote) {
    if (ref === '') {
        if (commit)
            return { kind: 'commit', sha: commit.toLowerCase() };
        const head = remote?.defaultBranch;
        return head ? qualifyRef(head, undefined, null) : undefined;
    }
    if (isFullSha(ref))
        return { kind: 'commit', sha: ref.toLowerCase() };
    if (ref.startsWith('refs/heads/')) {
        return { kind: 'branch', ref, name: ref.slice('refs/heads/'.length) };
    }
    if (ref.startsWith('refs/tags/'))
        return { kind: 'tag', ref, name: ref.slice('refs/tags/'.length) };
    if (/^refs\/pull\/\d+\/(?:merge|head)$/.test(ref))
        return { kind: 'pull', ref };
    if (ref.startsWith('refs/'))
        return { kind: 'other', ref };
    const branch = `refs/heads/${ref}`;
    const tag = `refs/tags/${ref}`;
    if (remote && branch in remote.refs)
        return { kind: 'branch', ref: branch, name: ref };
    if (remote && tag in remote.refs)
        return { kind: 'tag', ref: tag, name: ref };
    return undefined;
}
/** Where a fetched ref is kept locally, following actions/checkout's naming. */
function localRefFor(target) {
    switch (target.kind) {
        case 'branch':
            return `refs/remotes/${REMOTE}/${target.name}`;
        case 'tag':
            return target.ref;
        case 'pull':
            return target.ref.replace(/^refs\//, 'refs/remotes/');
        case 'other':
            return target.ref;
    }
}
/**
 * Decides the fetch. Depth: a full clone stays full when a shallow fetch is asked for (the
 * history is already paid for, and other jobs sharing the clone may want it); a shallow clone
 * is deepened with --unshallow when full history is asked for.
 */
/** Where a fetched bare commit is kept (one ref, overwritten by each such fetch). */
const COMMIT_REF = 'refs/shared-checkout/commit';
function planFetch(input) {
    const args = ['--no-recurse-submodules', '--progress'];
    args.push(input.fetchTags ? '--tags' : '--no-tags');
    if (input.fetchDepth > 0) {
        if (input.shallow || !input.hasHistory)
            args.push(`--depth=${input.fetchDepth}`);
    }
    else if (input.shallow) {
        args.push('--unshallow');
    }
    const commit = input.commit?.toLowerCase() || undefined;
    const { target } = input;
    if (target.kind === 'commit') {
        // Stored under a ref: objects no ref points at are not offered as "have" in the next job's
        // fetch, which would make the server send the shared history again (§3.3).
        return { args, refspecs: [`+${target.sha}:${COMMIT_REF}`], checkoutTarget: target.sha, ref: '' };
    }
    const local = localRefFor(target);
    const source = commit ?? target.ref;
    return {
        args,
        refspecs: [`+${source}:${local}`],
        checkoutTarget: commit ?? `${local}^{commit}`,
        ref: target.ref
    };
}

;// CONCATENATED MODULE: ./src/options/parse.ts
/**
 * Single-value parsers for every setting of a checkout (§1): a string in, the parsed value or
 * a sentence saying what is accepted out. Pure and toolkit-free: the action's inputs and the
 * command-line flags of `shared-checkout` go through the same functions.
 */


const ok = (value) => ({ ok: true, value });
const bad = (expected) => ({ ok: false, expected });
/** Exactly @actions/core getBooleanInput's rule (YAML 1.2 core schema booleans). */
function parseBoolean(value) {
    if (['true', 'True', 'TRUE'].includes(value))
        return ok(true);
    if (['false', 'False', 'FALSE'].includes(value))
        return ok(false);
    return bad('expected true or false (also True, TRUE, False, FALSE)');
}
/**
 * `job` only. `sync` (release once the checkout is ready) was the way to run jobs in parallel
 * before working trees; with trees a released tree is cleaned by the next job while this job's
 * steps still use it, so it is refused with what to use instead (README "hold-lock").
 */
function parseHoldLock(value) {
    const v = value.toLowerCase();
    if (v === 'job')
        return ok('job');
    if (v === 'sync')
        return bad("'sync' is not accepted with working trees: once released, the tree would be cleaned by " +
            'the next job while the steps of this job still use it. Use trees: N to run N jobs of ' +
            "this repository at once, each in its own tree, and keep 'job' (the tree is released by the post step)");
    return bad("expected 'job' (the working tree is held until the post step)");
}
function parseSubmodules(value) {
    const v = value.toLowerCase();
    if (v === 'false')
        return ok(false);
    if (v === 'true')
        return ok(true);
    if (v === 'recursive')
        return ok('recursive');
    return bad("expected 'false', 'true' (first level) or 'recursive'");
}
/**
 * -1, or seconds >= 0 with at most 3 decimals: the lock's own rule (src/lock/options.ts), so the
 * action's `lock-timeout`, the lock CLI's `--timeout` and `shared-checkout --lock-timeout` agree.
 */
function parseLockTimeout(value) {
    try {
        return ok((0,src_lock/* parseTimeoutSeconds */.yE)(value, 'lock-timeout'));
    }
    catch {
        return bad(`expected ${src_lock/* TIMEOUT_ACCEPTED */.G}`);
    }
}
const MAX_DEPTH = 2147483647; // git stores depth in an int
function parseFetchDepth(value) {
    if (/^\d{1,10}$/.test(value) && Number(value) <= MAX_DEPTH)
        return ok(Number(value));
    return bad('expected a whole number >= 0 (0 = full history)');
}
/** More trees than this would be a configuration mistake, not a machine (each is a checkout). */
const MAX_TREES = 64;
function parseTrees(value) {
    if (/^\d{1,3}$/.test(value) && Number(value) >= 1 && Number(value) <= MAX_TREES)
        return ok(Number(value));
    return bad(`expected a whole number from 1 to ${MAX_TREES}: how many jobs of this repository may run at once on this machine`);
}
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,99})$/;
const NAME = /^[A-Za-z0-9._-]{1,100}$/;
/** `owner/name` with GitHub's characters; returns it with a trailing `.git` dropped. */
function parseRepository(value) {
    const expected = 'expected owner/name, e.g. acme/widgets (letters, digits, - and _ in the owner; letters, digits, ., - and _ in the name)';
    const parts = value.split('/');
    if (parts.length !== 2)
        return bad(expected);
    const [owner, rawName] = parts;
    const name = rawName.replace(/\.git$/i, '');
    if (!OWNER.test(owner) || !NAME.test(name) || name === '.' || name === '..')
        return bad(expected);
    return ok(`${owner}/${name}`);
}
/** One definition of a full commit SHA (40 or 64 hex digits): git's (src/git/refs.ts). */

/**
 * A branch, tag, full SHA or fully qualified ref, by git check-ref-format's rules, plus: no
 * leading '-' (it would read as an option to git, argument injection).
 */
function parseRef(value) {
    const expected = 'expected a branch, tag, full commit SHA (40 or 64 hex digits) or a ref such as refs/pull/12/merge, in git check-ref-format form';
    if (value === '' || isFullSha(value))
        return ok(value);
    const why = refFormatProblem(value);
    return why ? bad(`${why}; ${expected}`) : ok(value);
}
function refFormatProblem(ref) {
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0020\u007f]/.test(ref))
        return 'spaces and control characters are not allowed';
    if (ref.startsWith('-'))
        return "a leading '-' is not allowed";
    if (/[~^:?*[\\]/.test(ref))
        return 'the characters ~ ^ : ? * [ \\ are not allowed';
    if (ref.includes('..'))
        return "'..' is not allowed";
    if (ref.includes('@{') || ref === '@')
        return "'@{' and a lone '@' are not allowed";
    if (ref.startsWith('/') || ref.endsWith('/') || ref.includes('//'))
        return 'empty path components are not allowed';
    if (ref.endsWith('.'))
        return "a trailing '.' is not allowed";
    for (const component of ref.split('/')) {
        if (component.startsWith('.'))
            return "a component starting with '.' is not allowed";
        if (component.endsWith('.lock'))
            return "a component ending in '.lock' is not allowed";
    }
    if (ref.length > 1024)
        return 'it is longer than 1024 characters';
    return undefined;
}
/**
 * http(s) only, no credentials (they would reach logs), no query or fragment. The path (GHES
 * behind a proxy, test servers) becomes part of the repository's directory, so it is held to
 * plain segments: no percent-encoding (an encoded '/' or '\' would become a separator), no '.'
 * or '..' segments, no control characters (§7). The host may not contain '_', which the
 * directory name uses before a port. The host is also the first directory name: it is checked
 * as written, because URL parsing would silently drop tabs and newlines, turn '\' into '/' and
 * decode `%2e%2e` into a host named '..'.
 */
function parseServerUrl(value) {
    const expected = 'expected an http(s) URL such as https://github.com or https://ghes.example.com/prefix, without user, password, query or fragment';
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0020\u007f\\]/.test(value))
        return bad(`spaces, control characters and '\\' are not allowed; ${expected}`);
    const raw = /^(https?):\/\/([^/?#]*)(\/[^?#]*)?$/i.exec(value);
    if (!raw)
        return bad(expected);
    if (raw[2].includes('@'))
        return bad(`a user or password in the URL would reach logs; ${expected}`);
    if (raw[2].includes('_'))
        return bad(`a host name cannot contain '_'; ${expected}`);
    const host = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)(?::\d{1,5})?$/;
    if (!host.test(raw[2]))
        return bad(`the host must be a name of letters, digits, '-' and '.' (no empty parts), or an IP address, optionally with :port; ${expected}`);
    let url;
    try {
        url = new URL(value);
    }
    catch {
        return bad(expected);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
        return bad(expected);
    if (url.username || url.password || url.search || url.hash || !url.hostname)
        return bad(expected);
    const segments = (raw[3] ?? '').split('/').filter(s => s !== '');
    for (const segment of segments) {
        if (!/^[A-Za-z0-9._~-]+$/.test(segment))
            return bad(`the path may hold only letters, digits, '.', '_', '~' and '-' between slashes (no percent-encoding, spaces or control characters); ${expected}`);
        if (segment === '.' || segment === '..')
            return bad(`'.' and '..' path segments are not allowed; ${expected}`);
    }
    const path = segments.length > 0 ? `/${segments.join('/')}` : '';
    return ok(`${url.protocol}//${url.host}${path}`);
}
/** The token goes into an HTTP header (§3.4): header-breaking characters are refused. */
function parseToken(value) {
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f\s]/.test(value))
        return bad('expected a token without whitespace or control characters');
    return ok(value);
}
const MAX_CACHE_KEY = 512;
function parseCacheKey(value) {
    if (value.length > MAX_CACHE_KEY)
        return bad(`expected at most ${MAX_CACHE_KEY} characters`);
    if (!/^[A-Za-z0-9._\-/:+=@]*$/.test(value))
        return bad('expected letters, digits and . _ - / : + = @ only (no commas or spaces)');
    return ok(value);
}
/** `git clone --filter` specs: blob:none, blob:limit=<n>[kmg], tree:<depth>, sparse:oid=… excluded. */
function parseFilter(value) {
    if (value === '')
        return ok('');
    if (/^blob:none$|^blob:limit=\d+[kmg]?$|^tree:\d+$/i.test(value))
        return ok(value.toLowerCase());
    return bad("expected a partial-clone filter such as 'blob:none', 'blob:limit=1m' or 'tree:0'");
}
/**
 * Newline-separated sparse-checkout patterns (§1). Empty lines and surrounding spaces are
 * dropped; a pattern may not start with '-' (git would read an option) or hold control
 * characters. Returns [] for a full checkout.
 */
function parseSparseCheckout(value) {
    const patterns = value
        .split(/\r?\n/)
        .map(line => line.trim())
        .filter(line => line !== '');
    for (const pattern of patterns) {
        // eslint-disable-next-line no-control-regex
        if (/[\u0000-\u001f\u007f]/.test(pattern) || pattern.startsWith('-'))
            return bad(`pattern ${JSON.stringify(pattern)} is not usable: expected one path or pattern per line, not starting with '-'`);
    }
    return ok(patterns);
}
/** `ssh-user`: a login name. */
function parseSshUser(value) {
    if (/^[A-Za-z0-9._][A-Za-z0-9._-]{0,63}$/.test(value))
        return ok(value);
    return bad("expected a login name such as 'git' (letters, digits, '.', '_', '-')");
}
/**
 * `ssh-key`: a private key in OpenSSH or PEM form. Only its shape is checked here; ssh tells
 * whether the server accepts it.
 */
function parseSshKey(value) {
    if (value === '')
        return ok('');
    if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(value) &&
        /-----END [A-Z0-9 ]*PRIVATE KEY-----/.test(value)) {
        // issue 15: nothing can type a passphrase in a job (ssh runs with BatchMode).
        if (isEncryptedPrivateKey(value))
            return bad('the private key is protected by a passphrase, which nothing can type in a job: use a key without one (a deploy key)');
        return ok(value.replace(/\r\n/g, '\n').trim() + '\n');
    }
    return bad('expected a private key (-----BEGIN … PRIVATE KEY----- … -----END … PRIVATE KEY-----)');
}
/**
 * A passphrase-protected key: PEM with `Proc-Type: 4,ENCRYPTED`, PKCS#8 `ENCRYPTED PRIVATE
 * KEY`, or an OpenSSH key whose cipher is not `none` (the name follows the `openssh-key-v1`
 * magic in the base64 body).
 */
function isEncryptedPrivateKey(value) {
    if (/Proc-Type:\s*4,ENCRYPTED|-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(value))
        return true;
    const body = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(value);
    if (!body)
        return false;
    const data = Buffer.from(body[1].replace(/\s+/g, ''), 'base64');
    const magic = 'openssh-key-v1\0';
    if (data.length < magic.length + 4 || data.toString('latin1', 0, magic.length) !== magic)
        return false;
    const length = data.readUInt32BE(magic.length);
    const cipher = data.toString('latin1', magic.length + 4, magic.length + 4 + length);
    return cipher !== 'none';
}
/** `ssh-known-hosts`: known_hosts lines; control characters other than newlines refused. */
function parseKnownHosts(value) {
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value))
        return bad('expected known_hosts lines (host key-type key), one per line');
    return ok(value.replace(/\r\n/g, '\n').trim());
}

;// CONCATENATED MODULE: ./src/options/options.ts
/**
 * Every setting of a checkout, read from strings and validated before anything on disk changes
 * (§1, §7). The action reads them from its inputs (`name => core.getInput(name)`), the
 * `shared-checkout` command from its flags; both get the same defaults, the same checks and the
 * same messages, naming the input, the value and what is accepted. All problems are reported
 * together. No toolkit import.
 */






/** The names of action.yml's inputs, in its order. */
const INPUT_NAMES = [
    'repository',
    'ref',
    'token',
    'github-server-url',
    'path',
    'root',
    'trees',
    'hold-lock',
    'lock-timeout',
    'clean',
    'fetch-depth',
    'fetch-tags',
    'submodules',
    'lfs',
    'persist-credentials',
    'cache',
    'cache-key',
    'ssh-key',
    'ssh-known-hosts',
    'ssh-strict',
    'ssh-user',
    'sparse-checkout',
    'sparse-checkout-cone-mode',
    'filter',
    'show-progress',
    'set-safe-directory'
];
/** Inputs whose values are secret: never quoted in a message. */
const SECRET_INPUTS = new Set(['token', 'ssh-key']);
/**
 * Literal defaults of action.yml (a test keeps them equal). The runner applies them itself; they
 * are applied here again for an input passed explicitly empty, as reusable workflows do, and
 * for the command-line tool.
 */
const LITERAL_DEFAULTS = {
    trees: '1',
    'hold-lock': 'job',
    'lock-timeout': '-1',
    clean: 'true',
    'fetch-depth': '0',
    'fetch-tags': 'false',
    submodules: 'false',
    lfs: 'false',
    'persist-credentials': 'false',
    cache: 'true',
    'ssh-strict': 'true',
    'ssh-user': 'git',
    'sparse-checkout-cone-mode': 'true',
    'show-progress': 'true',
    'set-safe-directory': 'true'
};
/** One or more inputs are malformed: one line per bad input, each naming it. */
class InputError extends Error {
    details;
    problems;
    constructor(details) {
        super(details.map(p => p.message).join('\n'));
        this.details = details;
        this.name = 'InputError';
        this.problems = details.map(p => p.message);
    }
}
const MAX_SHOWN = 200;
/** The value as it will be quoted in a message: JSON-escaped (control characters visible), capped. */
function shown(input, value) {
    if (SECRET_INPUTS.has(input))
        return '(hidden)';
    // A user and password written into the server URL are secrets too (§3.4).
    const visible = input === 'github-server-url' ? value.replace(/^([^:/?#]+:\/\/)[^/?#]*@/, '$1***@') : value;
    const quoted = JSON.stringify(visible);
    return quoted.length > MAX_SHOWN
        ? `${quoted.slice(0, MAX_SHOWN)}…" (${visible.length} characters)`
        : quoted;
}
function problem(input, value, expected) {
    return { input, message: `Input '${input}' is ${shown(input, value)}: ${expected}` };
}
/**
 * Empty `ref` on the workflow's own repository (compared case-insensitively) means the
 * triggering commit (GITHUB_SHA, fetched through GITHUB_REF); on another repository, the remote's
 * default branch. A full SHA is a commit to check out, not a ref name. Same rules as
 * actions/checkout.
 */
function resolveRefRequest(refInput, repository, env) {
    const ref = refInput.trim();
    if (isFullSha(ref))
        return { ref: '', commit: ref.toLowerCase() };
    if (ref !== '')
        return { ref, commit: '' };
    const own = (env.GITHUB_REPOSITORY ?? '').toLowerCase();
    if (own === '' || own !== repository.toLowerCase())
        return { ref: '', commit: '' };
    const sha = (env.GITHUB_SHA ?? '').toLowerCase();
    return { ref: env.GITHUB_REF ?? '', commit: isFullSha(sha) && !/^0+$/.test(sha) ? sha : '' };
}
/** Parses every setting; never throws for bad values (see `readCheckoutOptions`). */
function parseCheckoutOptions(getInput, context) {
    const { env, platform } = context;
    const homedir = context.homedir ?? ((platform === 'win32' ? env.USERPROFILE : env.HOME) || external_node_os_default().homedir());
    const problems = [];
    const raw = (name) => {
        const value = name === 'ssh-key' || name === 'ssh-known-hosts' || name === 'sparse-checkout'
            ? (getInput(name) ?? '')
            : (getInput(name) ?? '').trim();
        return value.trim() === '' ? (LITERAL_DEFAULTS[name] ?? '') : value;
    };
    function take(name, parse, fallback, value = raw(name)) {
        const parsed = parse(value);
        if (parsed.ok)
            return parsed.value;
        problems.push(problem(name, value, parsed.expected));
        return fallback;
    }
    const repositoryValue = raw('repository') || (env.GITHUB_REPOSITORY ?? '');
    const repository = take('repository', parseRepository, '', repositoryValue);
    const refInput = take('ref', parseRef, '');
    const token = take('token', parseToken, '');
    const serverUrl = take('github-server-url', parseServerUrl, '', raw('github-server-url') || env.GITHUB_SERVER_URL || 'https://github.com');
    const trees = take('trees', parseTrees, 1);
    const holdLock = take('hold-lock', parseHoldLock, 'job');
    const lockTimeoutSeconds = take('lock-timeout', parseLockTimeout, -1);
    const clean = take('clean', parseBoolean, true);
    const fetchDepth = take('fetch-depth', parseFetchDepth, 0);
    const fetchTags = take('fetch-tags', parseBoolean, false);
    const submodules = take('submodules', parseSubmodules, false);
    const lfs = take('lfs', parseBoolean, false);
    const persistCredentials = take('persist-credentials', parseBoolean, false);
    const cache = take('cache', parseBoolean, true);
    const cacheKey = take('cache-key', parseCacheKey, '');
    const sshKey = take('ssh-key', parseSshKey, '');
    const sshKnownHosts = take('ssh-known-hosts', parseKnownHosts, '');
    const sshStrict = take('ssh-strict', parseBoolean, true);
    const sshUser = take('ssh-user', parseSshUser, 'git');
    const sparseCheckout = take('sparse-checkout', parseSparseCheckout, []);
    const sparseCheckoutConeMode = take('sparse-checkout-cone-mode', parseBoolean, true);
    if (sparseCheckoutConeMode) {
        const bad = sparseCheckout.find(p => /[*?[\]\\!]/.test(p) || p.startsWith('/'));
        if (bad !== undefined)
            problems.push(problem('sparse-checkout', bad, "in cone mode each line is a directory (no leading '/', no * ? [ ] \\ !); set sparse-checkout-cone-mode: false for patterns"));
    }
    const filter = take('filter', parseFilter, '');
    const showProgress = take('show-progress', parseBoolean, true);
    const setSafeDirectory = take('set-safe-directory', parseBoolean, true);
    let root = '';
    let dir = '';
    let repo;
    const pathInput = raw('path');
    try {
        root = resolveRoot({ platform, rootInput: raw('root'), env, homedir });
    }
    catch (error) {
        problems.push(pathProblem(error));
    }
    if (repository && serverUrl) {
        repo = repoIdOf(serverUrl, repository);
        if (root) {
            try {
                dir = resolveRepoDir({ platform, root, pathInput, repo, homedir });
            }
            catch (error) {
                problems.push(pathProblem(error));
            }
        }
    }
    if (repo && dir && context.inspectDisk !== false) {
        const why = repoDirProblem(layoutOf(dir), repo.key, { userChosen: pathInput !== '', root });
        if (why)
            problems.push(problem('path', pathInput || dir, why));
    }
    if (problems.length > 0 || !repo)
        return { ok: false, problems };
    return {
        ok: true,
        options: {
            repository,
            repo,
            refInput,
            ...resolveRefRequest(refInput, repository, env),
            token,
            serverUrl,
            root,
            dir,
            dirChosen: pathInput !== '',
            trees,
            holdLock,
            lockTimeoutSeconds,
            clean,
            fetchDepth,
            fetchTags,
            submodules,
            lfs,
            persistCredentials,
            cache,
            cacheKey,
            sshKey,
            sshKnownHosts,
            sshStrict,
            sshUser,
            sparseCheckout,
            sparseCheckoutConeMode,
            filter,
            showProgress,
            setSafeDirectory
        }
    };
}
function pathProblem(error) {
    if (error instanceof PathInputError)
        return { input: error.input, message: error.message };
    throw error;
}
/** `parseCheckoutOptions`, throwing one `InputError` that lists every bad input. */
function readCheckoutOptions(getInput, context) {
    const result = parseCheckoutOptions(getInput, context);
    if (!result.ok)
        throw new InputError(result.problems);
    return result.options;
}

;// CONCATENATED MODULE: ./src/cli/args.ts
/**
 * Command-line flags of `shared-checkout`: `--name value`, `--name=value`, and bare `--flag`
 * for booleans. Pure. Flags carry the action's input names, so every value goes through the
 * same parsers (options/) as the action's inputs.
 */
class UsageError extends Error {
    constructor(message) {
        super(message);
        this.name = 'UsageError';
    }
}
/**
 * `booleans`: flags that may appear without a value (`--json`, `--dry-run`, `--clean`); all
 * others take one. Unknown flags are refused, naming the ones accepted.
 */
function parseArgs(argv, known) {
    const flags = new Map();
    const positional = [];
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (!arg.startsWith('--')) {
            positional.push(arg);
            continue;
        }
        const eq = arg.indexOf('=');
        const name = arg.slice(2, eq < 0 ? undefined : eq);
        if (name === 'token')
            throw new UsageError('--token is not accepted: a token on the command line is visible to every user of the machine. ' +
                'Set SHARED_CHECKOUT_TOKEN (or GITHUB_TOKEN) in the environment instead.');
        const isBoolean = known.booleans.includes(name);
        if (!isBoolean && !known.values.includes(name)) {
            const all = [...known.values, ...known.booleans].map(n => `--${n}`).join(', ');
            throw new UsageError(`unknown flag --${name}; accepted: ${all || 'none'}`);
        }
        if (flags.has(name))
            throw new UsageError(`--${name} is given twice`);
        if (eq >= 0)
            flags.set(name, arg.slice(eq + 1));
        else if (isBoolean) {
            const next = argv[i + 1];
            if (next !== undefined && /^(true|false)$/i.test(next)) {
                flags.set(name, next);
                i++;
            }
            else
                flags.set(name, 'true');
        }
        else {
            const next = argv[i + 1];
            if (next === undefined || next.startsWith('--'))
                throw new UsageError(`--${name} needs a value`);
            flags.set(name, next);
            i++;
        }
    }
    return { flags, positional };
}
/** `12G`, `500M`, `1.5T`, `2048` (bytes) → bytes. Pure. */
function parseSize(value) {
    const match = /^(\d+(?:\.\d+)?)\s*([KMGT]i?B?|B)?$/i.exec(value.trim());
    if (!match)
        return undefined;
    const units = {
        '': 1,
        B: 1,
        K: 1024,
        M: 1024 ** 2,
        G: 1024 ** 3,
        T: 1024 ** 4
    };
    const unit = (match[2] ?? '').toUpperCase().replace(/I?B$/, '') ||
        (match[2]?.toUpperCase() === 'B' ? 'B' : '');
    const factor = units[unit];
    if (factor === undefined)
        return undefined;
    return Math.round(Number(match[1]) * factor);
}

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
    return { ...(0,src_lock/* emptyJob */.fD)(), runnerName: env.HOSTNAME ?? '' };
}

;// CONCATENATED MODULE: ./src/process/sweep.ts
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
        text = (0,external_node_fs_.readFileSync)(`/proc/${pid}/stat`, 'utf8');
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
    const target = external_node_path_default().resolve(dir);
    const skip = protectedPids();
    const found = [];
    let entries;
    try {
        entries = (0,external_node_fs_.readdirSync)('/proc');
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
            cwd = (0,external_node_fs_.readlinkSync)(`/proc/${pid}/cwd`);
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
        await (0,promises_.setTimeout)(25);
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
        await (0,promises_.setTimeout)(10);
    if (refused.length > 0)
        throw new Error(`Processes ${refused.join(', ')} of another user are still running in ${what}; it cannot be ` +
            'handed to this job while they run. Stop them, or run every runner of this machine as one user.');
    return found;
}

;// CONCATENATED MODULE: ./src/fleet/disk.ts
/** Disk use of a directory and free space of a file system, for status and eviction (§6). */


/**
 * Bytes a directory occupies on disk (allocated blocks, like `du`; the apparent size where the
 * platform reports no blocks). Links are not followed; a file with several hard links inside
 * is counted once. Entries that vanish while it walks are skipped.
 */
function diskUsage(dir) {
    const seen = new Set();
    let total = 0;
    const visit = (file) => {
        let stats;
        try {
            stats = (0,external_node_fs_.lstatSync)(file, { bigint: false });
        }
        catch {
            return;
        }
        if (stats.nlink > 1 && !stats.isDirectory()) {
            const id = `${stats.dev}:${stats.ino}`;
            if (seen.has(id))
                return;
            seen.add(id);
        }
        total += typeof stats.blocks === 'number' && stats.blocks > 0 ? stats.blocks * 512 : stats.size;
        if (!stats.isDirectory())
            return;
        let names;
        try {
            names = (0,external_node_fs_.readdirSync)(file);
        }
        catch {
            return;
        }
        for (const name of names)
            visit(external_node_path_default().join(file, name));
    };
    visit(dir);
    return total;
}
/** Free space of the file system that holds `dir`. */
function freeSpace(dir) {
    const stats = (0,external_node_fs_.statfsSync)(dir);
    return { availableBytes: stats.bavail * stats.bsize, totalBytes: stats.blocks * stats.bsize };
}

;// CONCATENATED MODULE: ./src/fleet/format.ts
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
function format_formatAgo(atMs, nowMs) {
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

;// CONCATENATED MODULE: ./src/fleet/locks.ts
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
        const lock = await (0,src_lock/* acquireLock */.IZ)(acquire);
        return { taken: true, lock };
    }
    catch (error) {
        // The directory was removed (evicted) while we tried: there is nothing left to lock.
        if (error.code === 'ENOENT')
            return { taken: false, why: 'gone: its directory was removed meanwhile' };
        if (!(error instanceof src_lock/* LockTimeoutError */.XB))
            throw error;
        const holder = error.holder;
        return {
            taken: false,
            holder,
            why: holder
                ? `held by ${(0,src_lock/* describeHolder */.sG)(holder, Date.now())}`
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
async function locks_release(lock, warn) {
    try {
        await (0,src_lock/* releaseLock */.x_)(lock.lockPath, lock.token);
    }
    catch (error) {
        warn(error instanceof Error ? error.message : String(error));
    }
}
/** Releases a lock whose directory may have been removed or moved with what it guarded. */
async function releaseQuietly(lock) {
    try {
        await (0,src_lock/* releaseLock */.x_)(lock.lockPath, lock.token);
    }
    catch {
        // Removed with the directory it guarded, or moved with it: nothing is left to release.
    }
}

;// CONCATENATED MODULE: ./src/fleet/usage.ts
/**
 * When a tree, a store and a repository were last used: defined here once, for eviction and
 * status alike (§6).
 *
 * - A tree: the mtime of `trees/<n>/.git/HEAD`, which every checkout rewrites (trees/prepare.ts
 *   writeTreeRefs); a tree whose HEAD is missing counts from its directory's mtime.
 * - The store's last fetch: the mtime of `store/FETCH_HEAD`, which every fetch writes.
 * - The store's last use: its last fetch, or the last pin a checkout wrote
 *   (`store/refs/shared-checkout/trees/<n>`, rewritten at every checkout), whichever is later.
 * - A repository: the latest of its store's and its trees' last use, and never earlier than its
 *   marker (written when the directory was claimed), so a repository a job is creating right
 *   now never looks unused.
 */



/** mtime in ms, or undefined when the file is missing or unreadable (a link is not followed). */
function usage_mtimeOf(file) {
    try {
        return (0,external_node_fs_.lstatSync)(file, { throwIfNoEntry: false })?.mtimeMs;
    }
    catch {
        return undefined;
    }
}
function treeHeadFile(layout, tree) {
    return external_node_path_default().join(layout.tree(tree), '.git', 'HEAD');
}
function pinFile(layout, tree) {
    return external_node_path_default().join(layout.store, ...pinRefOf(tree).split('/'));
}
/** When tree `n` was last checked out; undefined when the tree does not exist. */
function treeLastUse(layout, tree) {
    return usage_mtimeOf(treeHeadFile(layout, tree)) ?? usage_mtimeOf(layout.tree(tree));
}
/** When the store was last fetched into; undefined when unknown (no fetch since its last lock). */
function storeLastFetch(layout) {
    return usage_mtimeOf(external_node_path_default().join(layout.store, 'FETCH_HEAD'));
}
/** The latest of the defined values, or undefined. Pure. */
function latest(values) {
    let result;
    for (const value of values)
        if (value !== undefined && (result === undefined || value > result))
            result = value;
    return result;
}
/** The store's last use: its last fetch or its latest pin. */
function storeLastUse(layout, trees) {
    return latest([storeLastFetch(layout), ...trees.map(tree => usage_mtimeOf(pinFile(layout, tree)))]);
}
/** A repository's last use from its parts' (see above). Pure. */
function repositoryLastUse(parts) {
    return latest([parts.marker, parts.store, ...parts.trees]) ?? 0;
}

;// CONCATENATED MODULE: ./src/fleet/scan.ts
/**
 * What is on a machine's root (§6): the repositories' directories and, for each, its trees,
 * locks, queue and store, read without taking any lock and without changing anything.
 *
 * A repository's directory is one that holds the marker (`shared-checkout.json`), wherever it is
 * below the root: `<host>[_port]/[~prefix/…]<owner>/<name>` by default, or a relative `path`.
 * Names starting with '_' directly under the root are the fleet tools' own (`_settings.json`,
 * `_fleet/`, `_evicting-…`): no host directory can start with '_'.
 */






/** Deep enough for a host, several server prefixes, owner and name, or a relative `path`. */
const scan_MAX_DEPTH = 10;
const TICKET = /^\d{12}$/;
const TREE_DIR = /^[1-9]\d{0,2}$/;
function isFile(file) {
    try {
        return (0,external_node_fs_.lstatSync)(file).isFile();
    }
    catch {
        return false;
    }
}
/** Is this name under the root one of the fleet tools' own entries? */
function isFleetEntry(name) {
    return name.startsWith('_');
}
/** Every repository directory below `root`, sorted. */
function findRepositories(root) {
    const found = [];
    const walk = (dir, depth) => {
        if (isFile(external_node_path_default().join(dir, MARKER_NAME))) {
            found.push(dir);
            return; // a repository's own directories (trees, store) are never other repositories
        }
        if (depth >= scan_MAX_DEPTH)
            return;
        for (const name of entriesOf(dir)) {
            if (depth === 0 && isFleetEntry(name))
                continue;
            const child = external_node_path_default().join(dir, name);
            if (write_isRealDirectory(child))
                walk(child, depth + 1);
        }
    };
    if (write_isRealDirectory(root))
        walk(root, 0);
    return found.sort();
}
/** The tree numbers a repository has: its tree directories and its tree lock files. */
function treeNumbers(layout) {
    const numbers = new Set();
    for (const name of entriesOf(layout.treesDir)) {
        if (TREE_DIR.test(name) && write_isRealDirectory(external_node_path_default().join(layout.treesDir, name)))
            numbers.add(Number(name));
    }
    for (const name of entriesOf(layout.locksDir)) {
        const tree = treeNumberOfLock(name);
        if (tree !== undefined)
            numbers.add(tree);
    }
    return [...numbers].sort((a, b) => a - b);
}
/** Tickets in a queue directory, in order (files only: a planted link is never followed). */
function queueTickets(queueDir) {
    return entriesOf(queueDir)
        .filter(name => TICKET.test(name) && isFile(external_node_path_default().join(queueDir, name)))
        .sort();
}
async function holderOf(file) {
    try {
        return await (0,src_lock/* readLockHolder */.MR)(file);
    }
    catch {
        return undefined; // a link or directory planted at the name: not a holder we can name
    }
}
async function waiters(queueDir) {
    const result = [];
    for (const ticket of queueTickets(queueDir)) {
        const file = external_node_path_default().join(queueDir, ticket);
        result.push({ ticket, file, record: await holderOf(file) });
    }
    return result;
}
function markerKey(layout) {
    try {
        return parseMarker((0,external_node_fs_.readFileSync)(layout.marker, 'utf8'))?.repository ?? layout.dir;
    }
    catch {
        return layout.dir;
    }
}
/** Reads one repository's directory. `holders`: also read who holds each lock (status). */
async function readRepository(dir, options = {}) {
    const layout = layoutOf(dir);
    const numbers = treeNumbers(layout);
    const trees = [];
    for (const tree of numbers) {
        const lockFile = layout.treeLock(tree);
        const locked = isFile(lockFile);
        trees.push({
            tree,
            dir: layout.tree(tree),
            exists: write_isRealDirectory(layout.tree(tree)),
            lockFile,
            locked,
            holder: locked && options.holders ? await holderOf(lockFile) : undefined,
            lastUse: treeLastUse(layout, tree)
        });
    }
    const storeLocked = isFile(layout.storeLock);
    const storeUse = storeLastUse(layout, numbers);
    const aside = entriesOf(layout.aside).map(name => {
        const file = external_node_path_default().join(layout.aside, name);
        return { name, path: file, mtime: usage_mtimeOf(file) ?? 0 };
    });
    return {
        dir,
        layout,
        key: markerKey(layout),
        storeExists: write_isRealDirectory(layout.store),
        lastFetch: storeLastFetch(layout),
        storeLastUse: storeUse,
        storeLock: {
            locked: storeLocked,
            holder: storeLocked && options.holders ? await holderOf(layout.storeLock) : undefined
        },
        trees,
        queue: await waiters(layout.treeQueue),
        storeQueue: await waiters(`${layout.storeLock}.queue`),
        lastUse: repositoryLastUse({
            marker: usage_mtimeOf(layout.marker),
            store: storeUse,
            trees: trees.map(t => t.lastUse)
        }),
        aside
    };
}

;// CONCATENATED MODULE: ./src/fleet/settings.ts
/**
 * Per-machine settings of the fleet tools (§6): how long an unused tree or repository is kept,
 * and how much free space the root's file system keeps. They belong to the machine, not to a
 * workflow, so they come from the environment of the runner (or CI agent) and from a file in
 * the root; the environment wins over the file, the file over the defaults:
 *
 *   SHARED_CHECKOUT_EVICT_TREE_DAYS   evictTreeDays   default 7     a tree unused this long goes
 *   SHARED_CHECKOUT_EVICT_REPO_DAYS   evictRepoDays   default 30    a repository unused this long goes
 *   SHARED_CHECKOUT_EVICT_MIN_FREE    evictMinFree    default auto  = min(10 GiB, 10 % of the file system)
 *
 * `<root>/_settings.json` holds the file's keys, e.g. `{ "evictTreeDays": 3, "evictMinFree": "20G" }`.
 * No host directory can be named `_settings.json`: host names with '_' are refused (§7).
 * Parsing is pure; only loadSettings reads the file.
 */




const SETTINGS_FILE_NAME = '_settings.json';
/** A setting that cannot be used: names where it came from, the value and what is accepted. */
class SettingsError extends UsageError {
    constructor(message) {
        super(message);
        this.name = 'SettingsError';
    }
}
/**
 * Defaults (README "Running a fleet"): a tree unused for a week is cheap to check out again
 * from the store; a repository unused for a month costs one clone if it comes back.
 */
const DEFAULT_TREE_DAYS = 7;
const DEFAULT_REPO_DAYS = 30;
/**
 * `auto`: 10 GiB or 10 % of the file system, whichever is smaller. 10 GiB keeps room for a
 * couple of large clones and build outputs on a big disk; on a small runner disk (say 40 GiB)
 * a fixed 10 GiB would be a quarter of it and would evict repositories that are in daily use,
 * so the share caps it there.
 */
const AUTO_MIN_FREE_BYTES = 10 * 1024 ** 3;
const AUTO_MIN_FREE_PERCENT = 10;
const ENV = {
    treeDays: 'SHARED_CHECKOUT_EVICT_TREE_DAYS',
    repoDays: 'SHARED_CHECKOUT_EVICT_REPO_DAYS',
    minFree: 'SHARED_CHECKOUT_EVICT_MIN_FREE'
};
const FILE_KEYS = {
    treeDays: 'evictTreeDays',
    repoDays: 'evictRepoDays',
    minFree: 'evictMinFree'
};
const DAYS_ACCEPTED = "a number of days greater than 0 (decimals allowed, e.g. 7 or 0.5), or 'off' to never remove for age";
const MIN_FREE_ACCEPTED = "a size such as 20G, 500M or 1.5T (K/M/G/T are powers of 1024; a bare number is bytes), a share of the file system such as 15%, 'auto' (10 GiB or 10 %, whichever is smaller) or 'off'";
const OFF = /^(off|never|none|false)$/i;
/** `7`, `0.5`, `off` → days (null = off); undefined when not accepted. Pure. */
function parseDays(text) {
    const value = text.trim();
    if (OFF.test(value))
        return null;
    if (!/^\d+(\.\d+)?$/.test(value))
        return undefined;
    const days = Number(value);
    return days > 0 && Number.isFinite(days) ? days : undefined;
}
/** `20G`, `15%`, `auto`, `off`, `0` → MinFree; undefined when not accepted. Pure. */
function parseMinFree(text) {
    const value = text.trim();
    if (OFF.test(value))
        return { kind: 'off' };
    if (/^auto$/i.test(value))
        return { kind: 'auto' };
    const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(value);
    if (percent) {
        const share = Number(percent[1]);
        return share > 0 && share < 100 ? { kind: 'percent', percent: share } : undefined;
    }
    const bytes = parseSize(value);
    if (bytes === undefined)
        return undefined;
    return bytes === 0 ? { kind: 'off' } : { kind: 'bytes', bytes };
}
/** The free space to keep on a file system of `totalBytes`, or 0 when off. Pure. */
function minFreeBytes(minFree, totalBytes) {
    switch (minFree.kind) {
        case 'off':
            return 0;
        case 'bytes':
            return minFree.bytes;
        case 'percent':
            return Math.floor((totalBytes * minFree.percent) / 100);
        case 'auto':
            return Math.min(AUTO_MIN_FREE_BYTES, Math.floor((totalBytes * AUTO_MIN_FREE_PERCENT) / 100));
    }
}
/** How a MinFree reads in logs and status: `auto (10.0 GiB)`, `15%`, `20.0 GiB`, `off`. Pure. */
function describeMinFree(minFree) {
    switch (minFree.kind) {
        case 'off':
            return 'off';
        case 'bytes':
            return formatBytes(minFree.bytes);
        case 'percent':
            return `${minFree.percent}%`;
        case 'auto':
            return `auto: 10 GiB or ${AUTO_MIN_FREE_PERCENT}%, whichever is smaller`;
    }
}
/** The settings file's text → its values as strings; throws SettingsError naming the file. Pure. */
function parseSettingsFile(text, file) {
    let value;
    try {
        value = JSON.parse(text);
    }
    catch (error) {
        throw new SettingsError(`${file} is not valid JSON (${error.message}); expected an object such as ` +
            `{ "evictTreeDays": 7, "evictRepoDays": 30, "evictMinFree": "auto" }`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw new SettingsError(`${file} must hold a JSON object such as { "evictTreeDays": 7, "evictRepoDays": 30, "evictMinFree": "auto" }`);
    const known = Object.values(FILE_KEYS);
    const values = {};
    for (const [key, raw] of Object.entries(value)) {
        const setting = Object.keys(FILE_KEYS).find(name => FILE_KEYS[name] === key);
        if (!setting)
            throw new SettingsError(`${file}: unknown key ${JSON.stringify(key)}; accepted keys: ${known.join(', ')}`);
        if (typeof raw !== 'string' && typeof raw !== 'number')
            throw new SettingsError(`${file}: ${key} is ${JSON.stringify(raw)}; expected ${setting === 'minFree' ? MIN_FREE_ACCEPTED : DAYS_ACCEPTED}`);
        values[setting] = String(raw);
    }
    return values;
}
/**
 * The effective settings: environment over file over defaults. Every value is checked; the
 * first bad one throws SettingsError naming its variable or file key, the value and what is
 * accepted. Pure.
 */
function resolveSettings(input) {
    const fileValues = input.fileText === undefined ? {} : parseSettingsFile(input.fileText, input.file);
    const days = (text, where) => {
        const parsed = parseDays(text);
        if (parsed === undefined)
            throw new SettingsError(`${where} is ${JSON.stringify(text)}; expected ${DAYS_ACCEPTED}`);
        return parsed;
    };
    const free = (text, where) => {
        const parsed = parseMinFree(text);
        if (!parsed)
            throw new SettingsError(`${where} is ${JSON.stringify(text)}; expected ${MIN_FREE_ACCEPTED}`);
        return parsed;
    };
    // Every value given is checked, also one the environment overrides: a typo in the file
    // would otherwise surface only once the variable is gone.
    const parse = (name, parser, fallback) => {
        const fromFile = fileValues[name];
        const fileValue = fromFile === undefined ? undefined : parser(fromFile, `${FILE_KEYS[name]} in ${input.file}`);
        const fromEnv = input.env[ENV[name]];
        if (fromEnv !== undefined && fromEnv.trim() !== '')
            return [parser(fromEnv, ENV[name]), 'environment'];
        if (fromFile !== undefined)
            return [fileValue, 'file'];
        return [fallback, 'default'];
    };
    const [treeDays, treeSource] = parse('treeDays', days, DEFAULT_TREE_DAYS);
    const [repoDays, repoSource] = parse('repoDays', days, DEFAULT_REPO_DAYS);
    const [minFree, freeSource] = parse('minFree', free, { kind: 'auto' });
    return {
        treeDays,
        repoDays,
        minFree,
        sources: { treeDays: treeSource, repoDays: repoSource, minFree: freeSource }
    };
}
function settingsFileOf(root) {
    return external_node_path_default().join(root, SETTINGS_FILE_NAME);
}
/** Reads `<root>/_settings.json` (absent: defaults and environment only) and resolves. */
function settings_loadSettings(root, env) {
    const file = settingsFileOf(root);
    let fileText;
    try {
        fileText = (0,external_node_fs_.readFileSync)(file, 'utf8');
    }
    catch (error) {
        const code = error.code;
        if (code !== 'ENOENT' && code !== 'ENOTDIR')
            throw new SettingsError(`${file} cannot be read (${error.message}); fix its permissions or remove it`);
    }
    return resolveSettings({ env, fileText, file });
}
/** Flags of `shared-checkout evict` over the machine's settings. Pure. */
function withOverrides(settings, overrides) {
    const result = { ...settings, sources: { ...settings.sources } };
    if (overrides.olderThanDays !== undefined) {
        result.treeDays = overrides.olderThanDays;
        result.repoDays = overrides.olderThanDays;
        result.sources.treeDays = 'flag';
        result.sources.repoDays = 'flag';
    }
    if (overrides.minFree !== undefined) {
        result.minFree = overrides.minFree;
        result.sources.minFree = 'flag';
    }
    return result;
}

;// CONCATENATED MODULE: ./src/fleet/evict.ts
/**
 * Eviction (§6): trees unused for `treeDays`, repositories unused for `repoDays`, and — while
 * the root's file system has less free space than the threshold — what was set aside, then
 * least-recently-used repositories, then least-recently-used trees, until it is back above.
 * Last use is defined once, in usage.ts.
 *
 * Nothing held is ever removed. The plan is made without locks (cheap); each removal then
 * takes the locks of what it removes, trying once (a busy target is kept and logged), and
 * looks again under them:
 * - a tree: its tree lock, through the trees' FIFO queue; it is moved out of `trees/` (into
 *   the repository's `tmp/`) and its pin removed while the lock is held, then deleted;
 * - a repository: its store lock, every tree lock, and no job waiting in either queue; the
 *   whole directory is then renamed to `<root>/_evicting-<random>` in one step, so a job that
 *   arrives during the deletion builds a fresh directory instead of using a half-deleted one.
 *   A job that got in between the last look and the rename moved with the directory: it is
 *   found there and the directory is put back.
 * Each removal is logged with the bytes it freed.
 */












const older = (lastUse, days, nowMs) => days !== null && nowMs - lastUse > days * DAY_MS;
const byLastUse = (a, b) => a.lastUse - b.lastUse;
const unused = (lastUse, nowMs) => `unused for ${formatSpan(nowMs - lastUse)}`;
/**
 * What to remove, in order. Pure.
 *   1. repositories unused for longer than repoDays, oldest first;
 *   2. trees unused for longer than treeDays (of the other repositories), oldest first;
 *   3. set-aside leftovers older than repoDays;
 *   4. when free space is below the threshold: the remaining set-aside leftovers, then the
 *      least recently used repositories, then the least recently used trees — a repository
 *      frees its store and every tree and is the one least likely to be needed again soon; a
 *      tree of a repository in use goes last, as the next job of that repository needs one.
 */
function planEviction(repositories, limits, nowMs, space) {
    const plan = [];
    const planned = new Set();
    const add = (target, reason, why) => {
        const id = target.kind === 'tree'
            ? `${target.dir}\0${target.tree}`
            : target.kind === 'aside'
                ? target.path
                : target.dir;
        if (planned.has(id))
            return;
        planned.add(id);
        plan.push({ target, reason, why });
    };
    const repos = [...repositories].sort(byLastUse);
    const repoTargets = repos.map(repo => ({
        kind: 'repository',
        dir: repo.dir,
        key: repo.key,
        lastUse: repo.lastUse
    }));
    const trees = repos
        .flatMap(repo => repo.trees
        .filter(tree => tree.exists)
        .map(tree => ({
        kind: 'tree',
        dir: repo.dir,
        key: repo.key,
        tree: tree.tree,
        lastUse: tree.lastUse ?? 0
    })))
        .sort(byLastUse);
    const asides = repos
        .flatMap(repo => repo.aside.map(entry => ({
        kind: 'aside',
        dir: repo.dir,
        key: repo.key,
        path: entry.path,
        lastUse: entry.mtime
    })))
        .sort(byLastUse);
    const goingForAge = new Set();
    for (const target of repoTargets)
        if (older(target.lastUse, limits.repoDays, nowMs)) {
            add(target, 'age', `${unused(target.lastUse, nowMs)} (repositories go after ${formatDays(limits.repoDays)})`);
            goingForAge.add(target.dir);
        }
    for (const target of trees)
        if (!goingForAge.has(target.dir) && older(target.lastUse, limits.treeDays, nowMs))
            add(target, 'age', `${unused(target.lastUse, nowMs)} (trees go after ${formatDays(limits.treeDays)})`);
    for (const target of asides)
        if (!goingForAge.has(target.dir) && older(target.lastUse, limits.repoDays, nowMs))
            add(target, 'age', `set aside ${formatSpan(nowMs - target.lastUse)} ago (kept ${formatDays(limits.repoDays)})`);
    if (limits.minFreeBytes > 0 && space.availableBytes < limits.minFreeBytes) {
        const short = `${formatBytes(space.availableBytes)} free, below ${formatBytes(limits.minFreeBytes)}`;
        for (const target of asides)
            if (!goingForAge.has(target.dir))
                add(target, 'space', `${short}: set-aside leftover`);
        for (const target of repoTargets)
            add(target, 'space', `${short}: least recently used repository, ${unused(target.lastUse, nowMs)}`);
        for (const target of trees)
            if (!goingForAge.has(target.dir))
                add(target, 'space', `${short}: least recently used tree, ${unused(target.lastUse, nowMs)}`);
    }
    return plan;
}
const EVICTING_PREFIX = '_evicting-';
function targetPath(target) {
    if (target.kind === 'tree')
        return layoutOf(target.dir).tree(target.tree);
    if (target.kind === 'aside')
        return target.path;
    return target.dir;
}
function describeTarget(target) {
    if (target.kind === 'tree')
        return `tree ${target.tree} of ${target.key} (${targetPath(target)})`;
    if (target.kind === 'aside')
        return `set-aside ${target.path} of ${target.key}`;
    return `${target.key} (${target.dir})`;
}
function isDirectory(file) {
    try {
        return (0,external_node_fs_.lstatSync)(file).isDirectory();
    }
    catch {
        return false;
    }
}
/**
 * Deletes what was moved out of the way; returns the bytes it occupied. It is out of every
 * job's way already, so a failure here only leaves garbage: logged, and removed by whoever
 * cleans `tmp/` or `_evicting-*` next.
 */
async function deleteMoved(moved, log) {
    const bytes = diskUsage(moved);
    try {
        await endProcessesIn(moved, { log: line => log.info(line), what: moved });
        (0,external_node_fs_.rmSync)(moved, { recursive: true, force: true, maxRetries: 3 });
    }
    catch (error) {
        log.warning(`could not delete all of ${moved}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return bytes;
}
class Evictor {
    root;
    options;
    removed = [];
    kept = [];
    tryOptions;
    now;
    constructor(root, options) {
        this.root = root;
        this.options = options;
        this.tryOptions = { job: fleetJob(options.job, 'eviction'), signal: options.signal };
        this.now = options.now ?? Date.now;
    }
    get log() {
        return this.options.log;
    }
    record(item, outcome) {
        const { target } = item;
        const base = {
            kind: target.kind,
            repository: target.key,
            tree: target.kind === 'tree' ? target.tree : undefined
        };
        if (outcome.removed) {
            this.removed.push({
                ...base,
                path: outcome.path,
                reason: item.reason,
                why: item.why,
                lastUse: target.lastUse > 0 ? new Date(target.lastUse).toISOString() : undefined,
                bytes: outcome.bytes
            });
            const verb = this.options.dryRun ? 'would remove' : 'removed';
            this.log.info(`${verb} ${describeTarget(target)}: ${item.why}; ${this.options.dryRun ? 'frees' : 'freed'} ${formatBytes(outcome.bytes)}`);
        }
        else {
            this.kept.push({ ...base, path: targetPath(target), why: outcome.why });
            this.log.info(`kept ${describeTarget(target)}: ${outcome.why}`);
        }
    }
    /** A tree, under its own tree lock. */
    async removeTree(item) {
        const { target } = item;
        const layout = layoutOf(target.dir);
        const treeDir = layout.tree(target.tree);
        if (!isDirectory(treeDir))
            return { removed: false, why: 'it is gone already' };
        const tried = await tryTreeLock(layout, target.tree, this.tryOptions);
        if (!tried.taken)
            return { removed: false, why: `it is ${tried.why}` };
        let moved;
        try {
            if (item.reason === 'age') {
                const lastUse = treeLastUse(layout, target.tree);
                const days = this.options.settings.treeDays;
                if (lastUse !== undefined && !older(lastUse, days, this.now()))
                    return { removed: false, why: 'it was used again since the decision' };
            }
            if (!isDirectory(treeDir))
                return { removed: false, why: 'it is gone already' };
            await this.options.hooks?.beforeRemove?.(item);
            await endProcessesIn(treeDir, {
                log: line => this.log.info(line),
                what: `tree ${target.tree}`
            });
            (0,external_node_fs_.mkdirSync)(layout.tmp, { recursive: true });
            moved = external_node_path_default().join(layout.tmp, `evicted-tree-${target.tree}-${(0,external_node_crypto_.randomBytes)(6).toString('hex')}`);
            (0,external_node_fs_.renameSync)(treeDir, moved);
            // The pin is the tree's own (§3.7): it goes with the tree, under the tree's lock.
            (0,external_node_fs_.rmSync)(pinFile(layout, target.tree), { force: true });
        }
        finally {
            await locks_release(tried.lock, line => this.log.warning(line));
        }
        return { removed: true, bytes: await deleteMoved(moved, this.log), path: treeDir };
    }
    /** A whole repository, holding its store lock and every tree lock, with nobody queued. */
    async removeRepository(item) {
        const { target } = item;
        const layout = layoutOf(target.dir);
        if (!isDirectory(layout.dir))
            return { removed: false, why: 'it is gone already' };
        const store = await tryStoreLock(layout, this.tryOptions);
        if (!store.taken)
            return { removed: false, why: `the store lock is ${store.why}` };
        const held = [store.lock];
        let moved;
        try {
            for (const tree of treeNumbers(layout)) {
                const tried = await tryTreeLock(layout, tree, this.tryOptions);
                if (!tried.taken)
                    return { removed: false, why: `tree ${tree} is ${tried.why}` };
                held.push(tried.lock);
            }
            if (waitingJobs(layout) > 0)
                return { removed: false, why: 'jobs are waiting for it' };
            if (item.reason === 'age') {
                const facts = await readRepository(layout.dir);
                if (!older(facts.lastUse, this.options.settings.repoDays, this.now()))
                    return { removed: false, why: 'it was used again since the decision' };
            }
            await this.options.hooks?.beforeRemove?.(item);
            const destination = external_node_path_default().join(this.root, `${EVICTING_PREFIX}${(0,external_node_crypto_.randomBytes)(6).toString('hex')}`);
            (0,external_node_fs_.renameSync)(layout.dir, destination);
            moved = destination;
            const intruder = await intruderIn(layoutOf(destination), held);
            if (intruder) {
                if (!(0,external_node_fs_.existsSync)(layout.dir)) {
                    (0,external_node_fs_.renameSync)(destination, layout.dir);
                    moved = undefined;
                    return {
                        removed: false,
                        why: `a job arrived while it was being removed (${intruder}); put it back`
                    };
                }
                this.log.warning(`${layout.dir} was moved to ${destination} for removal, and a job arrived meanwhile (${intruder}) ` +
                    'while another created the directory afresh; it is left in place until that job is gone.');
                return { removed: false, why: `a job arrived while it was being removed (${intruder})` };
            }
        }
        finally {
            // Moved away, the locks went with the directory and are deleted with it.
            if (!moved)
                for (const lock of held)
                    await locks_release(lock, line => this.log.warning(line));
        }
        for (const lock of held)
            await releaseQuietly(lock); // stops their heartbeats
        await this.options.hooks?.afterMove?.(item, moved);
        return { removed: true, bytes: await deleteMoved(moved, this.log), path: layout.dir };
    }
    /** Set-aside leftovers are nobody's: they are only ever looked at by people. */
    async removeAside(item) {
        const { target } = item;
        if (!(0,external_node_fs_.existsSync)(target.path))
            return { removed: false, why: 'it is gone already' };
        await this.options.hooks?.beforeRemove?.(item);
        const bytes = diskUsage(target.path);
        (0,external_node_fs_.rmSync)(target.path, { recursive: true, force: true, maxRetries: 3 });
        return { removed: true, bytes, path: target.path };
    }
    async remove(item) {
        const { target } = item;
        if (this.options.dryRun)
            return this.judgeDry(item);
        try {
            if (target.kind === 'tree')
                return await this.removeTree({ ...item, target });
            if (target.kind === 'repository')
                return await this.removeRepository({ ...item, target });
            return await this.removeAside({ ...item, target });
        }
        catch (error) {
            if (this.options.signal?.aborted)
                throw error;
            const message = error instanceof Error ? error.message : String(error);
            this.log.warning(`could not remove ${describeTarget(target)}: ${message}`);
            return { removed: false, why: `failed: ${message}` };
        }
    }
    /** Dry run: judged by the lock files present (a stale one would be broken by a real run). */
    async judgeDry(item) {
        const { target } = item;
        const place = targetPath(target);
        if (!(0,external_node_fs_.existsSync)(place))
            return { removed: false, why: 'it is gone already' };
        if (target.kind !== 'aside') {
            const facts = await readRepository(target.dir, { holders: true });
            const trees = target.kind === 'tree' ? facts.trees.filter(t => t.tree === target.tree) : facts.trees;
            const held = trees.find(t => t.locked);
            if (held)
                return {
                    removed: false,
                    why: `tree ${held.tree} is held${held.holder ? ` by job ${held.holder.job.job || held.holder.host}` : ''}`
                };
            if (target.kind === 'repository' &&
                (facts.storeLock.locked || facts.queue.length > 0 || facts.storeQueue.length > 0))
                return { removed: false, why: 'its store is locked or jobs are waiting for it' };
        }
        return { removed: true, bytes: diskUsage(place), path: place };
    }
    /**
     * `_evicting-*` directories an eviction was killed while deleting: removed once every lock
     * in them can be taken (their holders are gone; a job that got in holds its lock there).
     */
    async removeLeftovers() {
        let names;
        try {
            names = (0,external_node_fs_.readdirSync)(this.root).filter(name => name.startsWith(EVICTING_PREFIX));
        }
        catch {
            return;
        }
        for (const name of names) {
            const dir = external_node_path_default().join(this.root, name);
            const layout = layoutOf(dir);
            const held = [];
            let free = true;
            try {
                const store = await tryStoreLock(layout, this.tryOptions);
                if (store.taken)
                    held.push(store.lock);
                else
                    free = false;
                for (const tree of free ? treeNumbers(layout) : []) {
                    const tried = await tryTreeLock(layout, tree, this.tryOptions);
                    if (!tried.taken) {
                        free = false;
                        break;
                    }
                    held.push(tried.lock);
                }
                if (!free || waitingJobs(layout) > 0) {
                    this.log.info(`left ${dir} in place: a job still holds a lock in it`);
                    continue;
                }
                for (const lock of held)
                    await releaseQuietly(lock);
                held.length = 0;
                const bytes = await deleteMoved(dir, this.log);
                this.removed.push({
                    kind: 'repository',
                    repository: name,
                    path: dir,
                    reason: 'leftover',
                    why: 'an interrupted eviction',
                    bytes
                });
                this.log.info(`removed ${dir}, left by an interrupted eviction; freed ${formatBytes(bytes)}`);
            }
            catch (error) {
                this.log.warning(`could not remove ${dir}: ${error instanceof Error ? error.message : String(error)}`);
            }
            finally {
                for (const lock of held)
                    await releaseQuietly(lock);
            }
        }
    }
}
/** Jobs waiting for a tree or for the store. */
function waitingJobs(layout) {
    return queueTickets(layout.treeQueue).length + queueTickets(`${layout.storeLock}.queue`).length;
}
/**
 * After the rename: a queue entry, or a tree lock that is not one of ours, means a job got in
 * between the last look and the rename. Returns what was found, or undefined.
 */
async function intruderIn(moved, ours) {
    if (waitingJobs(moved) > 0)
        return 'a job joined the queue';
    const tokens = new Set(ours.map(lock => lock.token));
    let names;
    try {
        names = (0,external_node_fs_.readdirSync)(moved.locksDir);
    }
    catch {
        return undefined;
    }
    for (const name of names) {
        const tree = treeNumberOfLock(name);
        if (tree === undefined && name !== 'store.lock')
            continue;
        const holder = await (0,src_lock/* readLockHolder */.MR)(external_node_path_default().join(moved.locksDir, name)).catch(() => undefined);
        if (!holder || !tokens.has(holder.token))
            return `${name} was taken`;
    }
    return undefined;
}
/**
 * Removes what is due (see planEviction) from the repositories under `root`, and what
 * interrupted evictions left. Never removes anything held.
 */
async function evict_evict(root, options) {
    const measure = options.space ?? freeSpace;
    const now = options.now ?? Date.now;
    const evictor = new Evictor(root, options);
    if (!options.dryRun)
        await evictor.removeLeftovers();
    const spaceBefore = measure(root);
    const limits = {
        treeDays: options.settings.treeDays,
        repoDays: options.settings.repoDays,
        minFreeBytes: minFreeBytes(options.settings.minFree, spaceBefore.totalBytes)
    };
    const repositories = await Promise.all(findRepositories(root).map(dir => readRepository(dir)));
    const plan = planEviction(repositories, limits, now(), spaceBefore);
    await options.hooks?.afterPlan?.(plan);
    let space = spaceBefore;
    let simulatedFreed = 0;
    const gone = new Set();
    for (const item of plan) {
        if (options.signal?.aborted)
            break;
        if (item.reason === 'space') {
            space = options.dryRun
                ? { ...spaceBefore, availableBytes: spaceBefore.availableBytes + simulatedFreed }
                : measure(root);
            if (space.availableBytes >= limits.minFreeBytes)
                break;
        }
        if (gone.has(item.target.dir))
            continue; // its repository went already
        const outcome = await evictor.remove(item);
        evictor.record(item, outcome);
        if (outcome.removed) {
            simulatedFreed += outcome.bytes;
            if (item.target.kind === 'repository')
                gone.add(item.target.dir);
        }
    }
    const spaceAfter = options.dryRun
        ? { ...spaceBefore, availableBytes: spaceBefore.availableBytes + simulatedFreed }
        : measure(root);
    const freedBytes = evictor.removed.reduce((sum, removal) => sum + removal.bytes, 0);
    if (limits.minFreeBytes > 0 && spaceAfter.availableBytes < limits.minFreeBytes)
        options.log.warning(`${root}: ${formatBytes(spaceAfter.availableBytes)} free, still below ${formatBytes(limits.minFreeBytes)}; ` +
            'what is left is in use (see `shared-checkout status`), or the space is used by something else');
    return {
        root,
        dryRun: Boolean(options.dryRun),
        settings: options.settings,
        minFreeBytes: limits.minFreeBytes,
        spaceBefore,
        spaceAfter,
        removed: evictor.removed,
        kept: evictor.kept,
        freedBytes
    };
}

// EXTERNAL MODULE: external "node:perf_hooks"
var external_node_perf_hooks_ = __nccwpck_require__(643);
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
    const names = new Set(entriesOf(dir));
    return names.has('HEAD') || (names.has('objects') && names.has('refs'));
}
function walkRefs(gitDir, relative, found) {
    for (const name of entriesOf(external_node_path_default().join(gitDir, relative))) {
        const child = `${relative}/${name}`;
        if (write_isRealDirectory(external_node_path_default().join(gitDir, child)))
            walkRefs(gitDir, child, found);
        else if (isGitLockFile(child))
            found.push(external_node_path_default().join(gitDir, child));
    }
}
/** Submodule git dirs live at modules/<name>, and names may contain '/'. */
function walkModules(dir, found) {
    for (const name of entriesOf(dir)) {
        const child = external_node_path_default().join(dir, name);
        if (!write_isRealDirectory(child))
            continue;
        if (looksLikeGitDir(child))
            collectGitDirLocks(child, found);
        else
            walkModules(child, found);
    }
}
function collectGitDirLocks(gitDir, found) {
    for (const name of entriesOf(gitDir)) {
        if (isGitLockFile(name))
            found.push(external_node_path_default().join(gitDir, name));
    }
    // git maintenance skips silently while this exists: left by a killed run, it would switch
    // maintenance off for good.
    if (entriesOf(external_node_path_default().join(gitDir, 'objects')).includes('maintenance.lock'))
        found.push(external_node_path_default().join(gitDir, 'objects', 'maintenance.lock'));
    walkRefs(gitDir, 'refs', found);
    walkModules(external_node_path_default().join(gitDir, 'modules'), found);
    // Linked worktrees keep their own index/HEAD locks.
    for (const name of entriesOf(external_node_path_default().join(gitDir, 'worktrees'))) {
        const worktree = external_node_path_default().join(gitDir, 'worktrees', name);
        for (const file of entriesOf(worktree)) {
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
            const child = external_node_path_default().join(dir, name);
            if (!write_isRealDirectory(child))
                continue;
            if (looksLikeGitDir(child)) {
                found.push(child);
                walk(external_node_path_default().join(child, 'modules'));
            }
            else
                walk(child);
        }
    };
    walk(external_node_path_default().join(gitDir, 'modules'));
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
    for (const name of entriesOf(external_node_path_default().join(gitDir, relative))) {
        const child = `${relative}/${name}`;
        const full = external_node_path_default().join(gitDir, child);
        if (write_isRealDirectory(full))
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
                content = (0,external_node_fs_.readFileSync)(file, 'latin1');
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
        if ((0,external_node_crypto_.createHash)(algorithm).update(body).digest().equals(trailer))
            return undefined;
    }
    return 'its checksum does not match its content (truncated or overwritten)';
}
/** Index files (clone and submodules) that git could not read. Reads only. */
function findDamagedIndexes(gitDir) {
    const damaged = [];
    for (const dir of gitDirsUnder(gitDir)) {
        const file = external_node_path_default().join(dir, 'index');
        let data;
        try {
            data = (0,external_node_fs_.readFileSync)(file);
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
        (0,external_node_fs_.rmSync)(file, { force: true });
        logger.info(`removed broken ref file ${file} (its content is not a ref); it is fetched again`);
        removed.push(file);
    }
    let rebuildIndex = false;
    for (const { file, problem } of findDamagedIndexes(gitDir)) {
        (0,external_node_fs_.rmSync)(file, { force: true });
        logger.info(`removed damaged index ${file} (${problem}); it is rebuilt from HEAD`);
        removed.push(file);
        if (file === external_node_path_default().join(gitDir, 'index'))
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
    commitGraphAgeMs: DAY_MS
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
            reasons.push(`commit-graph written ${format_formatAgo(counts.commitGraph, nowMs)}, objects fetched since`);
        if (reasons.length > before)
            steps.push('commit-graph');
    }
    if (reasons.length > 0)
        return { due: true, why: reasons.join('; '), steps };
    const graph = counts.shallow
        ? 'shallow: no commit-graph'
        : `commit-graph ${format_formatAgo(counts.commitGraph, nowMs)}`;
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
const RETRY_STOPPED_AFTER_MS = DAY_MS;
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
    const removed = removeStaleGitLocks(storeDir, log, { except: PIN_REF_PREFIX });
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
    const tried = await tryStoreLock(layout, {
        job: fleetJob(options.job, 'maintenance'),
        signal: options.signal
    });
    if (!tried.taken) {
        log.info(`maintenance of ${storeDir} skipped: the store lock is ${tried.why}; it runs another time`);
        return { ...done(), skipped: `the store lock is ${tried.why}` };
    }
    try {
        await endProcessesIn(storeDir, { log: line => log.info(line), what: 'the store' });
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
        await locks_release(tried.lock, line => log.warning(line));
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
        writeFileAtomic(recordFileOf(storeDir), `${JSON.stringify(record)}\n`);
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
        if (!statOf(path.join(layout.store, 'objects')))
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

;// CONCATENATED MODULE: ./src/fleet/schedule.ts
/**
 * Eviction from the action's post step (§6: off the job's critical path): at most once an hour
 * per machine, whichever job's post step comes first. `<root>/_fleet/` holds the stamp of the
 * last run and the lock that lets one eviction run at a time on the machine (the `evict`
 * command takes it too). Names under the root that start with '_' are never host directories.
 */








const FLEET_DIR_NAME = '_fleet';
const EVICT_INTERVAL_MS = 3600_000;
function fleetDirOf(root) {
    return external_node_path_default().join(root, FLEET_DIR_NAME);
}
function evictionLockOf(root) {
    return external_node_path_default().join(fleetDirOf(root), 'evict.lock');
}
function evictionStampOf(root) {
    return external_node_path_default().join(fleetDirOf(root), 'last-eviction');
}
/** Is the last eviction older than the interval? Pure. */
function evictionDue(lastRunMs, nowMs, intervalMs = EVICT_INTERVAL_MS) {
    return lastRunMs === undefined || nowMs - lastRunMs >= intervalMs || lastRunMs > nowMs + 60_000;
}
/** The machine's eviction lock, one try. */
async function tryEvictionLock(root, options) {
    (0,external_node_fs_.mkdirSync)(fleetDirOf(root), { recursive: true });
    return tryOnceAt(evictionLockOf(root), {
        job: fleetJob(options.job, 'eviction'),
        signal: options.signal
    });
}
function stampEviction(root, nowMs = Date.now()) {
    writeFileAtomic(evictionStampOf(root), `${new Date(nowMs).toISOString()}\n`);
}
/**
 * For the action's post step, after the job's tree is released: evicts what is due when the
 * last eviction on this machine is an hour old or more. Cheap when it is not (one stat);
 * never throws (problems, a bad settings file included, are logged as warnings).
 */
async function evictIfDue(root, options) {
    const now = options.now ?? Date.now;
    const interval = options.intervalMs ?? EVICT_INTERVAL_MS;
    const last = mtimeOf(evictionStampOf(root));
    if (!evictionDue(last, now(), interval))
        return { ran: false, why: `the last eviction ran ${formatAgo(last, now())}` };
    let tried;
    try {
        tried = await tryEvictionLock(root, options);
        if (!tried.taken)
            return { ran: false, why: `another eviction runs: ${tried.why}` };
        // Another post step may have run it while this one took the lock.
        if (!evictionDue(mtimeOf(evictionStampOf(root)), now(), interval))
            return { ran: false, why: 'another job ran it just now' };
        stampEviction(root, now());
        const settings = loadSettings(root, options.env ?? process.env);
        const report = await evict(root, {
            settings,
            log: options.log,
            job: options.job,
            signal: options.signal,
            now,
            hooks: options.hooks
        });
        return { ran: true, why: 'due', report };
    }
    catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        options.log.warning(`eviction in ${root} did not run to the end: ${message}`);
        return { ran: false, why: `failed: ${message}` };
    }
    finally {
        if (tried?.taken)
            await release(tried.lock, line => options.log.warning(line));
    }
}

;// CONCATENATED MODULE: ./src/fleet/status.ts





const iso = (ms) => ms === undefined || ms <= 0 ? undefined : new Date(ms).toISOString();
function holderView(record) {
    return {
        job: record.job.job,
        repository: record.job.repository,
        runId: record.job.runId,
        runAttempt: record.job.runAttempt,
        runner: record.job.runnerName,
        url: record.job.workflowUrl,
        host: record.host,
        pids: record.owners.map(owner => owner.pid),
        since: record.acquiredAt
    };
}
function repositoryStatus(facts, nowMs) {
    const storeBytes = facts.storeExists ? diskUsage(facts.layout.store) : 0;
    const treesBytes = diskUsage(facts.layout.treesDir);
    const due = facts.storeExists
        ? maintenanceDue(facts.layout.store, nowMs)
        : { due: false, why: 'there is no store' };
    const record = facts.storeExists ? readMaintenanceRecord(facts.layout.store) : undefined;
    return {
        repository: facts.key,
        directory: facts.dir,
        sizeBytes: diskUsage(facts.dir),
        storeBytes,
        treesBytes,
        lastUse: iso(facts.lastUse),
        store: {
            exists: facts.storeExists,
            lastFetch: iso(facts.lastFetch),
            locked: facts.storeLock.locked,
            holder: facts.storeLock.holder && holderView(facts.storeLock.holder),
            maintenance: { lastRun: record?.at, due: due.due, why: due.why }
        },
        trees: facts.trees.map(tree => ({
            tree: tree.tree,
            path: tree.dir,
            state: tree.locked ? 'held' : 'free',
            holder: tree.holder && holderView(tree.holder),
            lastUse: iso(tree.lastUse)
        })),
        queue: facts.queue.flatMap(waiter => waiter.record ? [{ ticket: waiter.ticket, ...holderView(waiter.record) }] : []),
        aside: facts.aside.map(entry => ({
            path: entry.path,
            setAsideAt: iso(entry.mtime) ?? '',
            bytes: diskUsage(entry.path)
        }))
    };
}
async function collectStatus(root, options) {
    const now = options.now ?? Date.now();
    const report = { root, at: new Date(now).toISOString(), repositories: [] };
    try {
        report.space = freeSpace(root);
    }
    catch {
        // no root yet: nothing on this machine
    }
    try {
        report.settings = settings_loadSettings(root, options.env);
        if (report.space)
            report.minFreeBytes = minFreeBytes(report.settings.minFree, report.space.totalBytes);
    }
    catch (error) {
        report.settingsError = error instanceof Error ? error.message : String(error);
    }
    for (const dir of findRepositories(root)) {
        report.repositories.push(repositoryStatus(await readRepository(dir, { holders: true }), now));
    }
    return report;
}
const ms = (at) => {
    const value = at === undefined ? NaN : Date.parse(at);
    return Number.isFinite(value) ? value : undefined;
};
/** "job build · run https://… · runner r1 · host h" — the parts the record has. Pure. */
function describeView(view) {
    const parts = [];
    if (view.job)
        parts.push(`job ${view.job}`);
    if (view.url)
        parts.push(view.url);
    else if (view.runId)
        parts.push(`run ${view.runId}${view.runAttempt && view.runAttempt !== '1' ? `/${view.runAttempt}` : ''}`);
    if (view.repository && !view.url)
        parts.push(view.repository);
    if (view.runner)
        parts.push(`runner ${view.runner}`);
    parts.push(`host ${view.host}${view.pids.length > 0 ? ` (pid ${view.pids.join(', ')})` : ''}`);
    return parts.join(' · ');
}
function sinceCell(at, nowMs) {
    const time = ms(at);
    if (time === undefined)
        return '';
    return `${new Date(time)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z')} (${formatSpan(nowMs - time)})`;
}
function settingsLine(report) {
    if (report.settingsError)
        return `Eviction settings are invalid, eviction will not run: ${report.settingsError}`;
    const settings = report.settings;
    if (!settings)
        return '';
    const days = (value) => value === null ? 'never' : `after ${formatDays(value)} unused`;
    const free = report.minFreeBytes !== undefined && settings.minFree.kind !== 'off'
        ? `below ${formatBytes(report.minFreeBytes)} free (${describeMinFree(settings.minFree)}; ${settings.sources.minFree})`
        : 'never for space';
    return (`Eviction: trees ${days(settings.treeDays)} (${settings.sources.treeDays}), repositories ` +
        `${days(settings.repoDays)} (${settings.sources.repoDays}), least recently used first ${free}`);
}
/** The table people read. Pure. */
function renderStatus(report, nowMs) {
    const lines = [];
    const total = report.repositories.reduce((sum, repo) => sum + repo.sizeBytes, 0);
    const count = report.repositories.length;
    let head = `Root ${report.root}: ${count} ${count === 1 ? 'repository' : 'repositories'}, ${formatBytes(total)}`;
    if (report.space)
        head += `; ${formatBytes(report.space.availableBytes)} free of ${formatBytes(report.space.totalBytes)}`;
    lines.push(head);
    const settings = settingsLine(report);
    if (settings)
        lines.push(settings);
    if (count === 0) {
        lines.push('', 'No repositories here yet.');
        return `${lines.join('\n')}\n`;
    }
    lines.push('');
    const summary = [
        ['REPOSITORY', 'SIZE', 'TREES', 'QUEUE', 'LAST USE', 'LAST FETCH', 'MAINTAINED']
    ];
    for (const repo of report.repositories) {
        const held = repo.trees.filter(tree => tree.state === 'held').length;
        const maintained = repo.store.maintenance.lastRun
            ? format_formatAgo(ms(repo.store.maintenance.lastRun), nowMs)
            : 'never';
        summary.push([
            repo.repository,
            formatBytes(repo.sizeBytes),
            `${held} held, ${repo.trees.length - held} free`,
            String(repo.queue.length),
            format_formatAgo(ms(repo.lastUse), nowMs),
            repo.store.exists ? format_formatAgo(ms(repo.store.lastFetch), nowMs) : 'no store',
            `${maintained}${repo.store.maintenance.due ? ' (due)' : ''}`
        ]);
    }
    lines.push(...renderTable(summary));
    for (const repo of report.repositories) {
        lines.push('', `${repo.repository}  ${repo.directory}`);
        lines.push(`  store ${formatBytes(repo.storeBytes)}, trees ${formatBytes(repo.treesBytes)}; ` +
            (repo.store.locked
                ? `store lock held${repo.store.holder ? ` since ${sinceCell(repo.store.holder.since, nowMs)} by ${describeView(repo.store.holder)}` : ''}`
                : 'store lock free') +
            `; maintenance ${repo.store.maintenance.due ? 'due' : 'not due'}: ${repo.store.maintenance.why}`);
        const rows = [['  TREE', 'STATE', 'SINCE', 'LAST USE', 'HELD BY']];
        for (const tree of repo.trees) {
            rows.push([
                `  ${tree.tree}`,
                tree.state,
                tree.holder ? sinceCell(tree.holder.since, nowMs) : '',
                format_formatAgo(ms(tree.lastUse), nowMs),
                tree.state === 'held'
                    ? tree.holder
                        ? describeView(tree.holder)
                        : 'a lock file that cannot be read'
                    : ''
            ]);
        }
        if (repo.trees.length > 0)
            lines.push(...renderTable(rows));
        repo.queue.forEach((waiter, index) => {
            const label = index === 0 ? `  queue (${repo.queue.length} waiting)` : '';
            lines.push(`${label.padEnd(22)}${index + 1}. since ${sinceCell(waiter.since, nowMs)}: ${describeView(waiter)}`);
        });
        for (const entry of repo.aside)
            lines.push(`  set aside ${format_formatAgo(ms(entry.setAsideAt), nowMs)}: ${entry.path} (${formatBytes(entry.bytes)})`);
    }
    return `${lines.join('\n')}\n`;
}

;// CONCATENATED MODULE: ./src/fleet/commands.ts
/**
 * `shared-checkout status`, `gc` and `evict` (§6): operators see and tidy a machine. Flags are
 * parsed with cli/args.ts; bad usage throws UsageError (exit 2), an eviction already running
 * throws a LockTimeoutError (exit 3).
 */


















/** `shared-checkout gc` gives each store this long unless --budget says otherwise. */
const DEFAULT_GC_BUDGET_SECONDS = 600;
function isTrue(args, name) {
    const value = args.flags.get(name);
    if (value === undefined)
        return false;
    if (/^true$/i.test(value))
        return true;
    if (/^false$/i.test(value))
        return false;
    throw new UsageError(`--${name} is ${JSON.stringify(value)}; expected no value, true or false`);
}
function noPositional(args, command) {
    if (args.positional.length > 0)
        throw new UsageError(`${command} takes no arguments, only flags (got ${JSON.stringify(args.positional[0])}); see shared-checkout ${command} --help`);
}
/** --root, else SHARED_CHECKOUT_ROOT, else the default root (§1 `root`). */
function rootOf(args, env) {
    try {
        return resolveRoot({
            platform: process.platform,
            rootInput: args.flags.get('root') ?? '',
            env,
            homedir: external_node_os_default().homedir()
        });
    }
    catch (error) {
        if (error instanceof PathInputError)
            throw new UsageError(`--root ${JSON.stringify(error.value)}: ${error.reason}`);
        throw error;
    }
}
function jobOf(env) {
    const job = jobIdentityFromEnv(env);
    return { ...job, runnerName: job.runnerName || external_node_os_default().hostname() };
}
async function statusCommand(context) {
    const args = parseArgs(context.argv, { values: ['root'], booleans: ['json'] });
    noPositional(args, 'status');
    const root = rootOf(args, context.env);
    const report = await collectStatus(root, { env: context.env });
    if (isTrue(args, 'json'))
        context.out(JSON.stringify(report, null, 2));
    else
        context.out(renderStatus(report, Date.now()).trimEnd());
}
/** A budget in seconds: a positive number (decimals allowed). Pure. */
function parseBudgetSeconds(text) {
    if (!/^\d+(\.\d+)?$/.test(text.trim()))
        return undefined;
    const seconds = Number(text);
    return seconds > 0 && Number.isFinite(seconds) ? seconds : undefined;
}
/** The repository directory `--repository` (and `--github-server-url`) name under the root. */
function selectedRepository(args, root) {
    const repository = args.flags.get('repository');
    const parsed = parseRepository(repository);
    if (!parsed.ok)
        throw new UsageError(`--repository ${JSON.stringify(repository)}: ${parsed.expected}`);
    const server = args.flags.get('github-server-url') ?? 'https://github.com';
    const url = parseServerUrl(server);
    if (!url.ok)
        throw new UsageError(`--github-server-url ${JSON.stringify(server)}: ${url.expected}`);
    const dir = external_node_path_default().join(root, ...repoIdOf(url.value, parsed.value).segments);
    if (!(0,external_node_fs_.existsSync)(external_node_path_default().join(dir, MARKER_NAME)))
        throw new UsageError(`${parsed.value} (${url.value}) has no directory under ${root} (looked in ${dir}); see shared-checkout status`);
    return dir;
}
function gcLine(dir, result) {
    if (!result.ran)
        return `${dir}: skipped, ${result.skipped ?? 'nothing to do'}`;
    const steps = result.steps
        .map(step => step.outcome === 'done'
        ? `${step.step} ${(step.ms / 1000).toFixed(1)} s`
        : `${step.step} ${step.outcome}${step.detail ? ` (${step.detail})` : ''}`)
        .join(', ');
    const counts = result.before && result.after
        ? `; loose objects ${result.before.looseObjects} → ${result.after.looseObjects}, packs ${result.before.packs} → ${result.after.packs}`
        : '';
    return `${dir}: maintained in ${(result.ms / 1000).toFixed(1)} s: ${steps || 'nothing to do'}${counts}`;
}
async function gcCommand(context) {
    const args = parseArgs(context.argv, {
        values: ['root', 'budget', 'repository', 'github-server-url'],
        booleans: ['if-due', 'json']
    });
    noPositional(args, 'gc');
    if (args.flags.has('github-server-url') && !args.flags.has('repository'))
        throw new UsageError('--github-server-url selects a repository together with --repository OWNER/NAME');
    const root = rootOf(args, context.env);
    const budgetText = args.flags.get('budget');
    const budgetSeconds = budgetText === undefined ? DEFAULT_GC_BUDGET_SECONDS : parseBudgetSeconds(budgetText);
    if (budgetSeconds === undefined)
        throw new UsageError(`--budget ${JSON.stringify(budgetText)}: expected a number of seconds greater than 0, e.g. 600`);
    const ifDue = isTrue(args, 'if-due');
    const dirs = args.flags.has('repository')
        ? [selectedRepository(args, root)]
        : findRepositories(root);
    const results = [];
    for (const dir of dirs) {
        const layout = layoutOf(dir);
        let result;
        const due = ifDue && (0,external_node_fs_.existsSync)(layout.store) ? maintenanceDue(layout.store) : undefined;
        if (due && !due.due) {
            result = {
                store: layout.store,
                ran: false,
                skipped: `not due: ${due.why}`,
                steps: [],
                removed: [],
                ms: 0
            };
        }
        else {
            result = await maintainStore(layout, {
                git: fleetGitRunner(layout, { env: context.env, signal: context.signal }),
                budgetMs: budgetSeconds * 1000,
                log: context.log,
                signal: context.signal,
                job: jobOf(context.env),
                only: due?.steps
            });
        }
        results.push({ directory: dir, result });
        if (!isTrue(args, 'json'))
            context.out(gcLine(dir, result));
    }
    if (isTrue(args, 'json'))
        context.out(JSON.stringify({ root, budgetSeconds, stores: results }, null, 2));
    else if (dirs.length === 0)
        context.out(`no repositories under ${root}`);
    const failed = results.filter(({ result }) => result.steps.some(step => step.outcome === 'failed'));
    if (failed.length > 0)
        throw new Error(`maintenance failed for ${failed.map(f => f.directory).join(', ')} (the warnings above say why); ` +
            'a store that keeps failing can be removed with `shared-checkout evict` once unused, or by hand');
}
/** The eviction lock is held: another eviction runs (exit 3, like any lock not obtained). */
class EvictionBusyError extends src_lock/* LockTimeoutError */.XB {
    constructor(lockPath, holder, why) {
        super(lockPath, 0, holder);
        this.message = `another eviction is running on this machine (${lockPath} is ${why}); try again when it has finished`;
        this.name = 'EvictionBusyError';
    }
}
function renderEviction(report) {
    const lines = [];
    const verb = report.dryRun ? 'would remove' : 'removed';
    for (const removal of report.removed) {
        const what = removal.kind === 'tree'
            ? `tree ${removal.tree} of ${removal.repository}`
            : removal.kind === 'aside'
                ? `set-aside ${removal.path}`
                : removal.repository;
        lines.push(`${verb} ${what} (${removal.path}): ${removal.why}; ${formatBytes(removal.bytes)}`);
    }
    for (const kept of report.kept) {
        const what = kept.kind === 'tree'
            ? `tree ${kept.tree} of ${kept.repository}`
            : kept.kind === 'aside'
                ? `set-aside ${kept.path}`
                : kept.repository;
        lines.push(`kept ${what}: ${kept.why}`);
    }
    lines.push(`${report.dryRun ? 'would free' : 'freed'} ${formatBytes(report.freedBytes)} in ${report.root}; ` +
        `${formatBytes(report.spaceAfter.availableBytes)} free of ${formatBytes(report.spaceAfter.totalBytes)}` +
        (report.minFreeBytes > 0 ? ` (keeps ${formatBytes(report.minFreeBytes)} free)` : ''));
    return lines;
}
async function evictCommand(context) {
    const args = parseArgs(context.argv, {
        values: ['root', 'older-than', 'min-free'],
        booleans: ['dry-run', 'json']
    });
    noPositional(args, 'evict');
    const root = rootOf(args, context.env);
    const olderText = args.flags.get('older-than');
    const older = olderText === undefined ? undefined : parseDays(olderText);
    if (older === undefined && olderText !== undefined)
        throw new UsageError(`--older-than ${JSON.stringify(olderText)}: expected ${DAYS_ACCEPTED}`);
    const freeText = args.flags.get('min-free');
    const minFree = freeText === undefined ? undefined : parseMinFree(freeText);
    if (minFree === undefined && freeText !== undefined)
        throw new UsageError(`--min-free ${JSON.stringify(freeText)}: expected ${MIN_FREE_ACCEPTED}`);
    const settings = withOverrides(settings_loadSettings(root, context.env), { olderThanDays: older, minFree });
    const dryRun = isTrue(args, 'dry-run');
    const job = jobOf(context.env);
    if (!(0,external_node_fs_.existsSync)(root)) {
        context.out(isTrue(args, 'json')
            ? JSON.stringify({ root, removed: [], kept: [] })
            : `no repositories under ${root}`);
        return;
    }
    let report;
    if (dryRun) {
        report = await evict_evict(root, {
            settings,
            log: context.log,
            dryRun: true,
            job,
            signal: context.signal
        });
    }
    else {
        const tried = await tryEvictionLock(root, { job, signal: context.signal });
        if (!tried.taken)
            throw new EvictionBusyError(evictionLockOf(root), tried.holder, tried.why);
        try {
            stampEviction(root);
            report = await evict_evict(root, { settings, log: context.log, job, signal: context.signal });
        }
        finally {
            await locks_release(tried.lock, line => context.log.warning(line));
        }
    }
    if (isTrue(args, 'json'))
        context.out(JSON.stringify(report, null, 2));
    else
        for (const line of renderEviction(report))
            context.out(line);
}

;// CONCATENATED MODULE: ./src/fleet/index.ts
/**
 * Running a fleet (§6): maintenance of the stores, eviction of unused trees and repositories,
 * and the `status`, `gc` and `evict` commands. The action's post step calls maintainIfDue and
 * evictIfDue after the job's tree is released.
 */







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
function systemSshConfig(platform = process.platform, env = process.env, exists = external_node_fs_.existsSync) {
    const file = platform === 'win32'
        ? external_node_path_default().win32.join(env.ProgramData || env.PROGRAMDATA || 'C:\\ProgramData', 'ssh', 'ssh_config')
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
const GITHUB_COM_HOST_KEYS = [
    'github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl',
    'github.com ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEmKSENjQEezOmxkZMy7opKgwFB9nkt5YRrYMjNuG5N87uRgg6CLrbo5wAdT/y6v0mKV0U2w0WZ2YB/++Tpockg='
];
/** The known_hosts file: the input's lines, plus GitHub.com's keys for github.com. Pure. */
function knownHostsFile(knownHosts, host) {
    const lines = knownHosts.split('\n').filter(line => line.trim() !== '');
    if (host.toLowerCase() === 'github.com')
        lines.push(...GITHUB_COM_HOST_KEYS);
    return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
/** Writes the key files into a private directory under `runnerTemp` and returns the access. */
function prepareSshAccess(repo, settings, runnerTemp) {
    const directory = external_node_path_default().join(runnerTemp, `${SSH_DIRECTORY_PREFIX}${(0,external_node_crypto_.randomBytes)(6).toString('hex')}`);
    (0,external_node_fs_.mkdirSync)(directory, { mode: 0o700, recursive: true });
    const keyFile = external_node_path_default().join(directory, 'key');
    const knownHostsPath = external_node_path_default().join(directory, 'known_hosts');
    const host = sshHostOf(repo);
    try {
        (0,external_node_fs_.writeFileSync)(keyFile, settings.key, { mode: 0o600, flag: 'wx' });
        (0,external_node_fs_.writeFileSync)(knownHostsPath, knownHostsFile(settings.knownHosts, host), {
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

;// CONCATENATED MODULE: ./src/checkout/deadlock.ts
/**
 * Two jobs that each hold a repository's tree and wait for the other's (§7): job A holds a tree
 * of b and waits for c, job B holds a tree of c and waits for b. Both would wait forever. While a
 * job waits, it reads the lock and queue files of every repository under the root — they name
 * their holders and waiters — builds who-waits-for-whom, and when its own job is in a cycle, the
 * job that joined its queue last fails at once with a message naming the jobs and repositories.
 *
 * `findDeadlock` is pure; `scanWaitGraph` reads the files.
 */



/** A job's key: the runner's run, attempt, runner and job names; '' when nothing names it. */
function jobKeyOf(job) {
    if (!job)
        return '';
    const parts = [job.workflowUrl || job.runId, job.runAttempt, job.runnerName, job.jobId || job.job];
    return parts.some(Boolean) ? parts.map(p => p ?? '').join('|') : '';
}
function describeJob(job) {
    if (!job)
        return 'an unnamed job';
    const parts = [];
    if (job.workflowUrl)
        parts.push(`run ${job.workflowUrl}`);
    else if (job.runId)
        parts.push(`run ${job.runId}`);
    if (job.job)
        parts.push(`job ${job.job}`);
    if (job.runnerName)
        parts.push(`runner ${job.runnerName}`);
    return parts.join(', ') || 'an unnamed job';
}
/**
 * Whether `self` (which is waiting) can never get what it waits for. A job is stuck when it
 * waits for a tree (or the store) of a repository and every holder of those is stuck itself — a
 * pool frees up when any one holder goes on, so all of them must be blocked. Starting from
 * `self`, stuck jobs are added until nothing changes; `self` is deadlocked when every holder of
 * what it waits for is stuck. Pure.
 */
function findDeadlock(graph, self) {
    const holdersOf = (w) => graph.holders.filter(h => h.repository === w.repository && h.resource === w.resource);
    const stuck = new Set([self]);
    const blockedBy = (job) => {
        for (const waiter of graph.waiters.filter(w => w.job === job)) {
            const holders = holdersOf(waiter);
            if (holders.length > 0 && holders.every(h => stuck.has(h.job)))
                return { waiter, holders };
        }
        return undefined;
    };
    for (let changed = true; changed;) {
        changed = false;
        for (const waiter of graph.waiters) {
            if (stuck.has(waiter.job) || !blockedBy(waiter.job))
                continue;
            stuck.add(waiter.job);
            changed = true;
        }
    }
    const own = blockedBy(self);
    if (!own || own.holders.every(h => h.job === self))
        return undefined;
    // The participants: the stuck jobs that hold something a stuck job waits for.
    const cycle = [];
    for (const job of stuck) {
        const blocked = blockedBy(job);
        if (!blocked)
            continue;
        for (const holder of blocked.holders)
            if (holder.job !== job)
                cycle.push({ waiter: blocked.waiter, heldBy: holder });
    }
    const victim = cycle
        .map(step => step.waiter)
        .reduce((latest, w) => ((w.since ?? '') > (latest.since ?? '') ? w : latest));
    return { cycle, victim };
}
function readRecord(file) {
    try {
        return JSON.parse((0,external_node_fs_.readFileSync)(file, 'utf8'));
    }
    catch {
        return undefined;
    }
}
function deadlock_entries(dir) {
    try {
        return (0,external_node_fs_.readdirSync)(dir);
    }
    catch {
        return [];
    }
}
/** Repository directories under the root: the ones with a marker, a few levels down. */
function repositoryDirs(root, maxDepth = 6) {
    const found = [];
    const walk = (dir, depth) => {
        let text;
        try {
            text = (0,external_node_fs_.readFileSync)(external_node_path_default().join(dir, MARKER_NAME), 'utf8');
        }
        catch {
            text = undefined;
        }
        const marker = text === undefined ? undefined : parseMarker(text);
        if (marker) {
            found.push({ dir, repository: marker.repository });
            return;
        }
        if (depth >= maxDepth)
            return;
        for (const name of deadlock_entries(dir)) {
            if (name.startsWith('_') || name.startsWith('.'))
                continue;
            const child = external_node_path_default().join(dir, name);
            walk(child, depth + 1);
        }
    };
    walk(root, 0);
    return found;
}
/** Reads who holds and who waits for the trees and stores under `root`. */
function scanWaitGraph(root) {
    const graph = { holders: [], waiters: [] };
    for (const { dir, repository } of repositoryDirs(root)) {
        const locks = external_node_path_default().join(dir, 'locks');
        for (const name of deadlock_entries(locks)) {
            const resource = /^tree-\d+\.lock$/.test(name)
                ? 'tree'
                : name === 'store.lock'
                    ? 'store'
                    : undefined;
            if (resource) {
                const record = readRecord(external_node_path_default().join(locks, name));
                const job = jobKeyOf(record?.job);
                if (job)
                    graph.holders.push({ job, who: describeJob(record?.job), repository, resource });
            }
        }
        for (const [queue, resource] of [
            ['trees.queue', 'tree'],
            ['store.lock.queue', 'store']
        ]) {
            for (const ticket of deadlock_entries(external_node_path_default().join(locks, queue))) {
                if (!/^\d+$/.test(ticket))
                    continue;
                const record = readRecord(external_node_path_default().join(locks, queue, ticket));
                const job = jobKeyOf(record?.job);
                if (job)
                    graph.waiters.push({
                        job,
                        who: describeJob(record?.job),
                        repository,
                        resource,
                        since: record?.acquiredAt
                    });
            }
        }
    }
    return graph;
}
class DeadlockError extends Error {
    deadlock;
    constructor(deadlock) {
        const steps = deadlock.cycle.map(step => `${step.waiter.who} waits for a ${step.waiter.resource} of ${step.waiter.repository}, held by ${step.heldBy.who}`);
        super(`Deadlock between jobs: ${steps.join('; ')}. Failing ${deadlock.victim.who}, the job that ` +
            'joined its queue last, so the others can go on. Check out repositories in the same order in ' +
            'every job (or use trees: N ≥ 2 so one job cannot hold the only tree another needs).');
        this.deadlock = deadlock;
        this.name = 'DeadlockError';
    }
}

;// CONCATENATED MODULE: ./src/git/progress.ts


/**
 * Bytes git received, read from its `--progress` output ("Receiving objects: 100% (n/n),
 * 1.20 MiB | ..." or "Unpacking objects: ..., 250 bytes | ..."). Undefined when git printed no
 * transfer size (nothing fetched, or too little for a throughput line). Pure.
 */
function parseTransferredBytes(stderr) {
    const units = { bytes: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };
    let last;
    for (const line of stderr.split(/[\r\n]+/)) {
        const match = /(?:Receiving|Unpacking) objects:.*?,\s*([\d.]+)\s*(bytes|KiB|MiB|GiB)\b/.exec(line);
        if (match)
            last = Math.round(Number(match[1]) * units[match[2]]);
    }
    return last;
}
/**
 * Total size of the files in a git directory's object store. The growth across a fetch is
 * what the fetch brought when git printed no transfer size (small or fast transfers).
 */
function objectStoreBytes(gitDir) {
    let total = 0;
    const objects = external_node_path_default().join(gitDir, 'objects');
    for (const sub of safeReaddir(objects)) {
        if (!/^(?:[0-9a-f]{2}|pack)$/.test(sub))
            continue;
        for (const name of safeReaddir(external_node_path_default().join(objects, sub))) {
            try {
                total += (0,external_node_fs_.statSync)(external_node_path_default().join(objects, sub, name)).size;
            }
            catch {
                // removed while we looked (gc): not ours to count
            }
        }
    }
    return total;
}
function safeReaddir(dir) {
    try {
        return (0,external_node_fs_.readdirSync)(dir);
    }
    catch {
        return [];
    }
}

;// CONCATENATED MODULE: ./src/trees/index-file.ts
const ASSUME_VALID = 0x8000;
const EXTENDED = 0x4000;
const SKIP_WORKTREE = 0x4000;
const INTENT_TO_ADD = 0x2000;
const NAME_MASK = 0x0fff;
function decodeVarint(data, offset) {
    let byte = data[offset++];
    let value = byte & 0x7f;
    while (byte & 0x80) {
        byte = data[offset++];
        value = ((value + 1) << 7) + (byte & 0x7f);
    }
    return { value, next: offset };
}
/**
 * Judges an index (version 2–4) whose checksum was already verified. `hashBytes`: 20 for SHA-1
 * repositories, 32 for SHA-256.
 */
function judgeIndex(data, hashBytes, options = {}) {
    if (data.length < 12 + hashBytes || data.toString('latin1', 0, 4) !== 'DIRC')
        return { usable: false, reason: 'it is not an index file' };
    const version = data.readUInt32BE(4);
    if (version < 2 || version > 4)
        return { usable: false, reason: `index version ${version}` };
    const count = data.readUInt32BE(8);
    const end = data.length - hashBytes;
    const fixed = 40 + hashBytes + 2;
    let offset = 12;
    for (let i = 0; i < count; i++) {
        if (offset + fixed > end)
            return { usable: false, reason: 'it is truncated' };
        const start = offset;
        const flags = data.readUInt16BE(start + 40 + hashBytes);
        offset = start + fixed;
        if (flags & ASSUME_VALID)
            return { usable: false, reason: 'entries are flagged assume-unchanged' };
        if (flags & EXTENDED) {
            if (version < 3)
                return { usable: false, reason: 'extended flags in a version 2 index' };
            const extended = data.readUInt16BE(offset);
            offset += 2;
            if (extended & SKIP_WORKTREE && !options.allowSkipWorktree)
                return { usable: false, reason: 'entries are flagged skip-worktree' };
            if (extended & INTENT_TO_ADD)
                return { usable: false, reason: 'entries are intent-to-add' };
        }
        if (version === 4) {
            offset = decodeVarint(data, offset).next;
            const nul = data.indexOf(0, offset);
            if (nul < 0 || nul >= end)
                return { usable: false, reason: 'it is truncated' };
            offset = nul + 1;
        }
        else {
            let length = flags & NAME_MASK;
            if (length === NAME_MASK) {
                const nul = data.indexOf(0, offset);
                if (nul < 0 || nul >= end)
                    return { usable: false, reason: 'it is truncated' };
                length = nul - offset;
            }
            // 1–8 NUL bytes pad each entry to a multiple of 8 bytes.
            offset = start + ((offset - start + length + 8) & ~7);
        }
    }
    while (offset + 8 <= end) {
        const signature = data.toString('latin1', offset, offset + 4);
        const size = data.readUInt32BE(offset + 4);
        if (signature === 'link')
            return { usable: false, reason: 'it is a split index' };
        if (signature === 'sdir')
            return { usable: false, reason: 'it is a sparse index' };
        offset += 8 + size;
    }
    return { usable: true };
}

;// CONCATENATED MODULE: ./src/trees/sparse.ts
/**
 * Sparse checkout per tree (§1 `sparse-checkout`, `sparse-checkout-cone-mode`): which files a
 * cone-mode checkout writes, and how a tree that an earlier job left sparse becomes complete.
 *
 * A tree keeps its index from job to job, skip-worktree bits included; every checkout of the
 * action recomputes those bits from patterns, so no file stays hidden:
 * - a sparse job checks out with its own patterns;
 * - a full job whose index still has skip-worktree entries checks out once with the pattern
 *   `/*` (everything), which clears the bits and writes only the files that were left out,
 *   in the same pass as the move to the new commit. This is what `git sparse-checkout disable`
 *   does, without its extra pass over the tree; dropping the index instead would rewrite every
 *   file of the tree.
 */



/** info/sparse-checkout of a full job's checkout over a sparse index: every path. */
const EVERY_PATH_PATTERNS = '/*\n';
/** Settings of that one checkout (the tree's config stays non-sparse for the job). */
const EXPAND_CHECKOUT_CONFIG = [
    { key: 'core.sparseCheckout', value: 'true' },
    { key: 'core.sparseCheckoutCone', value: 'false' }
];
/** The directories of cone-mode patterns, without leading or trailing slashes. Pure. */
function coneDirectories(patterns) {
    return patterns.map(p => p.replace(/^\/+|\/+$/g, '')).filter(p => p !== '');
}
/**
 * Does a cone-mode checkout of `dirs` write `file` (a path of the commit)? Git's cone rule:
 * every file at the top level, every file directly inside a parent of a listed directory, and
 * everything below a listed directory. `ignoreCase` as core.ignoreCase. Pure.
 */
function inCone(file, dirs, ignoreCase = false) {
    const fold = (s) => (ignoreCase ? s.toLowerCase() : s);
    const name = fold(file);
    const slash = name.lastIndexOf('/');
    if (slash < 0)
        return true;
    const parent = name.slice(0, slash);
    return dirs.some(raw => {
        const dir = fold(raw);
        return name.startsWith(`${dir}/`) || dir.startsWith(`${parent}/`);
    });
}
/**
 * Files git may read from the index rather than the working tree, even outside the sparse
 * paths (attributes, ignore rules, submodule and LFS settings): always part of a checkout's
 * objects. Pure.
 */
function isGitMetadataFile(file) {
    const base = file.slice(file.lastIndexOf('/') + 1);
    return ['.gitattributes', '.gitignore', '.gitmodules', '.lfsconfig'].includes(base);
}
/**
 * Does the index at `file` (already judged usable) flag entries skip-worktree? Such an index,
 * left by a sparse job (or planted by any job), hides files from a checkout that does not
 * recompute the bits.
 */
function indexHasSkipWorktree(file, hashBytes) {
    let data;
    try {
        data = (0,external_node_fs_.readFileSync)(file);
    }
    catch {
        return false;
    }
    if (indexProblem(data))
        return false;
    return (judgeIndex(data, hashBytes, { allowSkipWorktree: true }).usable &&
        !judgeIndex(data, hashBytes, { allowSkipWorktree: false }).usable);
}

;// CONCATENATED MODULE: ./src/git/gitdir.ts
/**
 * Making a git directory the action's again (§3.6): whatever a job left in it — config keys
 * (filters, fsmonitor, hooksPath, include.path, url.*.insteadOf, core.sshCommand, diff.external,
 * …), hooks, info/attributes, alternates, a `commondir` or `gitdir` file that would make git read
 * another directory's config, old-style `remotes/`, rebase or merge state — is removed by an
 * allow-list, and the config is written afresh from what the action needs. The same function
 * serves the store (under the store lock) and each tree (under its tree lock).
 */



/** Removed without a log line: ordinary by-products of git commands. */
const ROUTINE = new Set([
    'FETCH_HEAD',
    'ORIG_HEAD',
    'logs',
    'COMMIT_EDITMSG',
    'description',
    'branches',
    'gc.log',
    'gc.pid'
]);
/**
 * Applies `spec` to `gitDir` (which must exist). Returns the unexpected entries it removed, for
 * the log (stale lock files and routine by-products are removed quietly by the callers' rules).
 */
function resetGitDir(gitDir, spec) {
    const removed = [];
    for (const entry of (0,external_node_fs_.readdirSync)(gitDir)) {
        if (spec.keep.has(entry))
            continue;
        (0,external_node_fs_.rmSync)(external_node_path_default().join(gitDir, entry), { recursive: true, force: true });
        if (!ROUTINE.has(entry) && !entry.endsWith('.lock'))
            removed.push(entry);
    }
    // Hooks and info (attributes, exclude, sparse-checkout, grafts) start empty every time.
    for (const dir of ['hooks', 'info']) {
        (0,external_node_fs_.rmSync)(external_node_path_default().join(gitDir, dir), { recursive: true, force: true });
        (0,external_node_fs_.mkdirSync)(external_node_path_default().join(gitDir, dir));
    }
    const objectsInfo = external_node_path_default().join(gitDir, 'objects', 'info');
    (0,external_node_fs_.mkdirSync)(objectsInfo, { recursive: true });
    for (const name of ['alternates', 'http-alternates'])
        (0,external_node_fs_.rmSync)(external_node_path_default().join(objectsInfo, name), { force: true });
    if (spec.alternates !== undefined)
        writeFileAtomic(external_node_path_default().join(objectsInfo, 'alternates'), spec.alternates);
    writeFileAtomic(external_node_path_default().join(gitDir, 'config'), spec.config);
    return removed;
}
/** Renders a git config file. Values are quoted and escaped; pure. */
function renderConfig(sections) {
    const quote = (value) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`;
    return sections
        .filter(section => section.values.length > 0)
        .map(section => {
        const header = section.subsection === undefined
            ? `[${section.name}]`
            : `[${section.name} ${quote(section.subsection)}]`;
        const lines = section.values.map(([key, value]) => `\t${key} = ${typeof value === 'string' ? quote(value) : String(value)}`);
        return `${header}\n${lines.join('\n')}\n`;
    })
        .join('');
}
/** The object format of a repository, read from its config text ('sha1' when unset). Pure. */
function objectFormatOf(configText) {
    return /^\s*objectformat\s*=\s*"?sha256"?\s*$/im.test(configText) ? 'sha256' : 'sha1';
}

;// CONCATENATED MODULE: ./src/store/config.ts
/**
 * The store's git directory as the action needs it (§3.6): written afresh whenever the store
 * lock is taken, from an allow-list of entries and a config of our own.
 */



/** What a bare repository needs; lock files, FETCH_HEAD, hooks, logs, … go. */
const STORE_KEEP = new Set([
    'HEAD',
    'config',
    'objects',
    'refs',
    'packed-refs',
    'shallow',
    'lfs',
    'hooks',
    'info'
]);
/** Pure. */
function storeConfig(input) {
    const partial = input.filter !== undefined && input.filter !== '';
    const extensions = [];
    if (input.objectFormat === 'sha256')
        extensions.push(['objectformat', 'sha256']);
    if (partial)
        extensions.push(['partialclone', 'origin']);
    const origin = {
        name: 'remote',
        subsection: 'origin',
        values: [['url', input.fetchUrl]]
    };
    if (partial)
        origin.values.push(['promisor', true], ['partialclonefilter', input.filter]);
    const sections = [
        {
            name: 'core',
            values: [
                ['repositoryformatversion', extensions.length > 0 ? 1 : 0],
                ['filemode', true],
                ['bare', true],
                ['logallrefupdates', false]
            ]
        },
        { name: 'extensions', values: extensions },
        origin,
        { name: 'gc', values: [['auto', 0]] },
        { name: 'maintenance', values: [['auto', false]] }
    ];
    return renderConfig(sections);
}
/** The store's object format and whether it already is a partial clone (promisor packs). */
function storeFacts(storeDir) {
    let config = '';
    try {
        config = (0,external_node_fs_.readFileSync)(external_node_path_default().join(storeDir, 'config'), 'utf8');
    }
    catch {
        // a store being created: the defaults
    }
    const filter = /^\s*partialclonefilter\s*=\s*"?([^"\n]+)"?\s*$/im.exec(config)?.[1];
    return { objectFormat: objectFormatOf(config), filter: filter?.trim() };
}
/** Does the store hold promisor packs (objects fetched with a filter)? */
function hasPromisorPacks(storeDir) {
    try {
        return (0,external_node_fs_.readdirSync)(external_node_path_default().join(storeDir, 'objects', 'pack')).some(name => name.endsWith('.promisor'));
    }
    catch {
        return false;
    }
}
/** A store is usable once it has been renamed into place with these. */
function config_looksLikeStore(storeDir) {
    return ['HEAD', 'config', 'objects', 'refs'].every(name => (0,external_node_fs_.existsSync)(external_node_path_default().join(storeDir, name)));
}

;// CONCATENATED MODULE: external "node:zlib"
const external_node_zlib_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");
;// CONCATENATED MODULE: ./src/store/damage.ts
/**
 * Finding a damaged object store without reading every object (§3.2, §7): `git fsck` is too
 * slow for big stores. Run under the store lock when git reports a corrupt or missing object.
 */



/**
 * Finds a damaged object store without reading every object (`git fsck` is too slow for big
 * clones): every loose object must inflate completely to its announced size, and every pack
 * must end with the checksum its index records (what git itself checks when it opens a pack).
 * Returns the first problem found, or undefined.
 */
function findObjectStoreDamage(gitDir, hashBytes = 20) {
    const objects = path.join(gitDir, 'objects');
    for (const fanout of damage_safeReaddir(objects)) {
        if (!/^[0-9a-f]{2}$/.test(fanout))
            continue;
        for (const name of damage_safeReaddir(path.join(objects, fanout))) {
            if (!/^[0-9a-f]+$/.test(name))
                continue; // tmp_obj_* from a killed writer: harmless
            const file = path.join(objects, fanout, name);
            const problem = looseObjectProblem(file);
            if (problem)
                return `${file}: ${problem}`;
        }
    }
    return findPackDamage(gitDir, hashBytes);
}
/**
 * The packs' part of findObjectStoreDamage: a few bytes per pack, cheap enough for every time
 * the store lock is taken. A truncated pack is otherwise skipped by git in silence (it fetches
 * the objects again, and every later command warns that the pack does not match its index).
 */
function findPackDamage(gitDir, hashBytes = 20) {
    const objects = external_node_path_default().join(gitDir, 'objects');
    const packDir = external_node_path_default().join(objects, 'pack');
    for (const name of damage_safeReaddir(packDir)) {
        if (!name.endsWith('.idx'))
            continue;
        const idx = external_node_path_default().join(packDir, name);
        const pack = idx.replace(/\.idx$/, '.pack');
        if (!(0,external_node_fs_.existsSync)(pack))
            return `${idx}: its pack file is missing`;
        const recorded = readTail(idx, 2 * hashBytes)?.subarray(0, hashBytes);
        const actual = readTail(pack, hashBytes);
        if (!recorded || !actual || !recorded.equals(actual))
            return `${pack}: truncated or damaged`;
    }
    return undefined;
}
function looseObjectProblem(file) {
    let data;
    try {
        data = inflateSync(readFileSync(file));
    }
    catch (error) {
        return `cannot be inflated (${error.message})`;
    }
    const nul = data.indexOf(0);
    const header = /^(blob|tree|commit|tag) (\d+)$/.exec(data.subarray(0, Math.max(nul, 0)).toString('latin1'));
    if (nul < 0 || !header)
        return 'has no valid object header';
    if (data.length - nul - 1 !== Number(header[2]))
        return 'is truncated';
    return undefined;
}
function readTail(file, length) {
    let fd;
    try {
        fd = (0,external_node_fs_.openSync)(file, 'r');
        const size = (0,external_node_fs_.fstatSync)(fd).size;
        if (size < length)
            return undefined;
        const buffer = Buffer.alloc(length);
        (0,external_node_fs_.readSync)(fd, buffer, 0, length, size - length);
        return buffer;
    }
    catch {
        return undefined;
    }
    finally {
        if (fd !== undefined)
            (0,external_node_fs_.closeSync)(fd);
    }
}
function damage_safeReaddir(dir) {
    try {
        return (0,external_node_fs_.readdirSync)(dir);
    }
    catch {
        return [];
    }
}

;// CONCATENATED MODULE: ./src/store/refs-files.ts
/**
 * Reading a store's refs straight from its files (packed-refs and loose refs), without a git
 * process: the warm path copies the store's branches and tags into a tree on every job. Pure
 * parsers plus one reader.
 */



/** `packed-refs` → ref name → object id (peel lines `^…` are skipped). Pure. */
function parsePackedRefs(text) {
    const refs = new Map();
    for (const line of text.split('\n')) {
        if (line === '' || line.startsWith('#') || line.startsWith('^'))
            continue;
        const space = line.indexOf(' ');
        const oid = line.slice(0, space);
        if (space > 0 && isObjectId(oid))
            refs.set(line.slice(space + 1), oid);
    }
    return refs;
}
/** A loose ref file's object id, or undefined (symbolic or damaged). Pure. */
function parseLooseRef(content) {
    const oid = content.trim();
    return isObjectId(oid) ? oid : undefined;
}
function walkLoose(gitDir, relative, refs) {
    let entries;
    try {
        entries = (0,external_node_fs_.readdirSync)(external_node_path_default().join(gitDir, relative), { withFileTypes: true });
    }
    catch {
        return;
    }
    for (const entry of entries) {
        const name = `${relative}/${entry.name}`;
        if (entry.isDirectory())
            walkLoose(gitDir, name, refs);
        else if (entry.isFile() && !entry.name.endsWith('.lock')) {
            try {
                const oid = parseLooseRef((0,external_node_fs_.readFileSync)(external_node_path_default().join(gitDir, name), 'latin1'));
                if (oid)
                    refs.set(name, oid);
            }
            catch {
                // removed while we read: the packed value (if any) stands
            }
        }
    }
}
/** Refs under the given prefixes (e.g. `refs/remotes/origin`, `refs/tags`); loose wins. */
function readRefs(gitDir, prefixes) {
    const refs = new Map();
    let packed = '';
    try {
        packed = (0,external_node_fs_.readFileSync)(external_node_path_default().join(gitDir, 'packed-refs'), 'latin1');
    }
    catch {
        // no packed refs
    }
    for (const [name, oid] of parsePackedRefs(packed)) {
        if (prefixes.some(prefix => name.startsWith(`${prefix}/`)))
            refs.set(name, oid);
    }
    for (const prefix of prefixes)
        walkLoose(gitDir, prefix, refs);
    return refs;
}
/** A `packed-refs` file holding `refs` (sorted, no peel lines: git peels on demand). Pure. */
function renderPackedRefs(refs) {
    const names = [...refs.keys()].sort();
    return names.map(name => `${refs.get(name)} ${name}\n`).join('');
}

;// CONCATENATED MODULE: ./src/store/store.ts
/**
 * The object store (§3): one bare repository per repository directory, written only by the
 * action, fetched under the short store lock.
 *
 *   resolve the commit (ls-remote only when it is not known) → already in the store? done, no
 *   lock (§3.3) → else take the store lock → end processes left in the store (§3.8) → claim the
 *   directory, create the store (cache warm start, §4) or repair it (§3.2) → its git directory
 *   the action's again (§3.6) → look again (another job may have fetched it meanwhile) → fetch.
 */

















class Timer {
    phases = [];
    async run(name, work) {
        const start = external_node_perf_hooks_.performance.now();
        try {
            return await work();
        }
        finally {
            this.phases.push({ name, ms: Math.round(external_node_perf_hooks_.performance.now() - start) });
        }
    }
}
/** What the request names, asking the remote only when the commit is not known (§3.3). */
async function resolveTarget(ctx, request) {
    const commit = request.commit || undefined;
    const query = remoteQueryFor(request.ref, commit);
    let remote = null;
    if (query) {
        const out = await ctx.git.remote(ctx.layout.dir, ['ls-remote', '--symref', '--end-of-options', ctx.remote.url, ...query], remoteOptions(ctx));
        remote = parseLsRemote(out.stdout);
    }
    const target = qualifyRef(request.ref, commit, remote);
    if (!target) {
        const tried = request.ref === '' ? ['HEAD'] : (query ?? [request.ref]);
        throw new GitError(['ls-remote', ...tried], ctx.layout.dir, 0, '', undefined, unknownRefMessage(request.ref || '(default branch)', ctx.repo.remoteUrl, tried));
    }
    const object = commit ?? (target.kind === 'commit' ? target.sha : remoteObjectFor(target, request.ref, remote));
    return { target, object };
}
function remoteOptions(ctx) {
    return { auth: ctx.remote.auth, stall: ctx.remote.stall, retryDelaysMs: ctx.remote.retryDelaysMs };
}
/** The commit `revision` names in the store, or undefined when the store lacks it. */
async function commitIn(ctx, storeDir, revision) {
    // cwd is the repository directory, not the store: only store-lock holders work in the store
    // itself, so anything left running there is an orphan to end (§3.8).
    // issue 15: in a partial store git would fetch a missing commit lazily, without the lock.
    const out = await withoutLazyFetch(ctx.git)
        .local(ctx.layout.dir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${revision}^{commit}`], { gitDir: storeDir, okExitCodes: [1, 128] })
        .catch((error) => {
        // The refused lazy fetch may end git by SIGPIPE instead of exit 128: still "not there".
        if (error instanceof GitError && isLazyFetchRefusal(error.stderr))
            return { stdout: '', stderr: error.stderr, exitCode: 128 };
        throw error;
    });
    // "Not there" is an answer; a damaged store is not (§7: set aside and rebuilt).
    if (out.exitCode !== 0 && isObjectStoreDamage(out.stderr))
        throw new GitError(['rev-parse', revision], ctx.layout.dir, out.exitCode, out.stderr);
    return out.exitCode === 0 ? out.stdout.trim() : undefined;
}
/** Can the store serve the request without a fetch (given the object is in it)? Pure. */
function fetchNeeded(request, state) {
    if (request.fetchTags)
        return true; // tags may have moved: ask the server (§1 fetch-tags)
    if (state.shallow && request.fetchDepth === 0)
        return true; // full history asked of a shallow store
    return false;
}
function isShallow(storeDir) {
    return (0,external_node_fs_.existsSync)(external_node_path_default().join(storeDir, 'shallow'));
}
/**
 * Makes sure the requested commit is in the store and returns it. Takes the store lock only
 * when it must fetch, create or repair the store.
 */
async function syncStore(ctx, request) {
    const timer = new Timer();
    const resolved = await timer.run('resolve ref', () => resolveTarget(ctx, request));
    const { layout } = ctx;
    if (!request.rebuild &&
        resolved.object &&
        config_looksLikeStore(layout.store) &&
        !fetchNeeded(request, stateOf(layout.store))) {
        const sha = await timer.run('look up commit', () => commitIn(ctx, layout.store, resolved.object));
        if (sha) {
            ctx.log.info(`commit ${sha} is already in the store: nothing to fetch`);
            return result(resolved, sha, timer, { storeWaitMs: 0, usedStoreLock: false });
        }
    }
    const started = external_node_perf_hooks_.performance.now();
    const { value, waitedMs } = await ctx.lock(() => syncUnderStoreLock(ctx, request, resolved, timer));
    timer.phases.push({
        name: 'store lock held',
        ms: Math.round(external_node_perf_hooks_.performance.now() - started - waitedMs)
    });
    return { ...value, storeWaitMs: waitedMs };
}
async function syncUnderStoreLock(ctx, request, resolved, timer) {
    const { layout, log } = ctx;
    const repairs = [];
    const setAside = [];
    await endProcessesIn(layout.store, { log: line => log.info(line), what: 'the store' });
    const claimed = claimRepoDir(layout, ctx.repo.key, log);
    if (claimed)
        setAside.push(claimed);
    await removeStaleTemporaries(layout, log);
    let created = false;
    let cacheHit;
    let storeDir = layout.store;
    if ((0,external_node_fs_.existsSync)(layout.store) && !config_looksLikeStore(layout.store)) {
        setAside.push(moveAside(layout, layout.store, 'store', 'it is not a complete repository', log));
    }
    // A truncated or damaged pack is found by a cheap look at every pack (§3.2); git would skip
    // it in silence and fetch its objects again, warning on every later command.
    const packDamage = (0,external_node_fs_.existsSync)(layout.store)
        ? findPackDamage(layout.store, storeFacts(layout.store).objectFormat === 'sha256' ? 32 : 20)
        : undefined;
    if (packDamage)
        log.warning(`the store is damaged (${packDamage}): building it again`);
    // Rebuilding: the damaged store stays in place (trees keep reading it) until the new one is
    // ready; the pins tell which commits the trees in use need from the new one.
    const rebuilding = (request.rebuild === true || packDamage !== undefined) && (0,external_node_fs_.existsSync)(layout.store);
    const pins = rebuilding
        ? readRefs(layout.store, ['refs/shared-checkout/trees'])
        : new Map();
    if (!(0,external_node_fs_.existsSync)(layout.store) || rebuilding) {
        created = true;
        storeDir = external_node_path_default().join(layout.tmp, `store-${(0,external_node_crypto_.randomBytes)(6).toString('hex')}`);
        if (ctx.warm) {
            cacheHit = await timer.run('cache restore', () => ctx.warm.restore(storeDir));
        }
        if (!cacheHit) {
            (0,external_node_fs_.rmSync)(storeDir, { recursive: true, force: true });
            log.info(`creating the store of ${ctx.repo.display} in ${layout.store}`);
            await ctx.git.local(layout.dir, ['init', '--bare', '--quiet', storeDir]);
        }
    }
    else {
        for (const file of removeStaleGitLocks(layout.store, log, { except: PIN_REF_PREFIX }))
            repairs.push(file);
        // A ref left empty or garbled by a crash: removed (it is fetched again), not a reason to
        // throw the whole store away.
        repairs.push(...removeDamagedGitFiles(layout.store, log).removed);
    }
    // --- issue 15: partial clones (§1 filter) -------------------------------------------------
    const filter = storeFilterFor({
        requested: request.filter,
        created: created && !cacheHit,
        current: currentFilterOf(storeDir) ?? (rebuilding ? currentFilterOf(layout.store) : undefined)
    });
    const removed = rewriteStoreGitDir(ctx, storeDir, filter);
    // --- end issue 15 ---------------------------------------------------------------------------
    for (const entry of removed) {
        log.info(`removed ${entry} from the store's git directory (left by an earlier job)`);
        repairs.push(external_node_path_default().join(storeDir, entry));
    }
    try {
        let sha = resolved.object && !fetchNeeded(request, stateOf(storeDir))
            ? await commitIn(ctx, storeDir, resolved.object)
            : undefined;
        let fetchedBytes;
        if (sha) {
            log.info(`commit ${sha} arrived in the store while this job waited: nothing to fetch`);
        }
        else {
            const plan = planFetch({
                target: resolved.target,
                commit: request.commit || undefined,
                fetchDepth: request.fetchDepth,
                fetchTags: request.fetchTags,
                shallow: isShallow(storeDir),
                hasHistory: !created || cacheHit === true
            });
            const filterArgs = filter && created && !cacheHit ? [`--filter=${filter}`] : [];
            const args = [
                'fetch',
                ...plan.args.filter(arg => request.showProgress || arg !== '--progress'),
                ...filterArgs,
                '--end-of-options',
                'origin',
                ...plan.refspecs
            ];
            fetchedBytes = await timer.run('fetch', async () => {
                log.info(`fetching ${plan.refspecs.join(' ')} into the store`);
                const before = objectStoreBytes(storeDir);
                const out = await fetchResolvingRefConflicts(ctx, storeDir, args);
                return parseTransferredBytes(out.stderr) ?? Math.max(0, objectStoreBytes(storeDir) - before);
            });
            sha = await commitIn(ctx, storeDir, plan.checkoutTarget);
            if (!sha)
                throw new Error(`After fetching, ${plan.checkoutTarget} is not a commit in ${storeDir}; the server did not send it.`);
        }
        if (rebuilding) {
            await fetchPins(ctx, storeDir, pins);
            setAside.push(moveAside(layout, layout.store, 'store', 'git reported damaged objects in it', log));
        }
        if (created) {
            (0,external_node_fs_.renameSync)(storeDir, layout.store);
            storeDir = layout.store;
        }
        const upload = created && ctx.warm
            ? await timer.run('cache stage', () => ctx.warm.stage(layout.store))
            : undefined;
        return {
            ...result(resolved, sha, timer, { storeWaitMs: 0, usedStoreLock: true }),
            created,
            cacheHit,
            fetchedBytes,
            repairs,
            setAside,
            upload
        };
    }
    finally {
        if (created && storeDir !== layout.store)
            (0,external_node_fs_.rmSync)(storeDir, { recursive: true, force: true });
    }
}
// --- issue 15: partial clones (§1 filter) ---------------------------------------------------
/**
 * Settings of a local git command that must not fetch: in a partial clone git fetches a
 * missing object on demand ("lazily"), into the repository it runs in, with whatever
 * credentials it finds. The action's own local commands never do (store/partial.ts fetches
 * under the store lock instead); without a transport git fails and names the object.
 */
const NO_LAZY_FETCH = [
    { key: 'protocol.allow', value: 'never' },
    // Overrides protocol.file.allow=always, set for local remotes (env.ts).
    { key: 'protocol.file.allow', value: 'never' }
];
/** Did git fail because NO_LAZY_FETCH refused an on-demand fetch of a missing object? Pure. */
function isLazyFetchRefusal(stderr) {
    return /transport '[^']*' not allowed/.test(stderr);
}
/** `git` for local commands that may not fetch (NO_LAZY_FETCH). */
function withoutLazyFetch(git) {
    return git.withEnv(withConfigEntries(git.options.env, NO_LAZY_FETCH));
}
/**
 * The partial-clone filter of the store after this job's sync. A store made now (from the
 * network) takes the job's `filter`; an existing or restored store keeps what it is: a partial
 * store stays partial (objects were left out and git must know where to find them), a complete
 * one stays complete (its history's blobs are there already; a filter would only make later
 * fetches partial). Pure.
 */
function storeFilterFor(input) {
    if (input.created)
        return input.requested || input.current || undefined;
    return input.current || undefined;
}
/** The store's filter as its config or its promisor packs tell; undefined: complete. */
function currentFilterOf(storeDir) {
    return storeFacts(storeDir).filter || (hasPromisorPacks(storeDir) ? 'blob:none' : undefined);
}
/**
 * The store's git directory the action's again (§3.6: whenever the store lock is taken): stale
 * locks of killed git processes removed, entries outside the allow-list removed, and the config
 * written afresh with this job's fetch URL (HTTPS, or SSH with ssh-key) and the store's filter.
 * Returns the unexpected entries removed. Call under the store lock.
 */
function rewriteStoreGitDir(ctx, storeDir, filter) {
    return resetGitDir(storeDir, {
        keep: STORE_KEEP,
        config: storeConfig({
            fetchUrl: ctx.remote.url,
            objectFormat: storeFacts(storeDir).objectFormat,
            filter
        })
    });
}
// --- end issue 15 -----------------------------------------------------------------------------
function stateOf(dir) {
    return { shallow: isShallow(dir), partial: hasPromisorPacks(dir) };
}
/**
 * Fetches the commits other trees have out into a rebuilt store, so their borrowed objects are
 * there again (§3.7). Best effort: a commit the server no longer has is reported, not fatal.
 */
async function fetchPins(ctx, storeDir, pins) {
    const refspecs = [...pins].map(([ref, sha]) => `+${sha}:${ref}`);
    if (refspecs.length === 0)
        return;
    try {
        await ctx.git.remote(storeDir, ['fetch', '--no-tags', '--no-recurse-submodules', '--end-of-options', 'origin', ...refspecs], {
            ...remoteOptions(ctx),
            gitDir: storeDir
        });
    }
    catch (error) {
        ctx.log.warning(`could not fetch every commit the trees have out into the rebuilt store (${error.message.split('\n')[0]}); a tree whose commit is missing is repaired when a job next receives it`);
    }
}
/**
 * `git fetch`, once more after removing a local ref whose name blocks the new one (upstream
 * deleted branch `a` and created `a/b`: "cannot lock ref … exists; cannot create …").
 */
async function fetchResolvingRefConflicts(ctx, storeDir, args) {
    const run = () => ctx.git.remote(storeDir, args, {
        ...remoteOptions(ctx),
        gitDir: storeDir,
        streamStderr: true
    });
    try {
        return await run();
    }
    catch (error) {
        if (!(error instanceof GitError))
            throw error;
        const conflict = /'(refs\/[^']+)' exists; cannot create '(refs\/[^']+)'/.exec(error.stderr);
        if (!conflict)
            throw error;
        await ctx.git.local(ctx.layout.dir, ['update-ref', '-d', '--', conflict[1]], {
            gitDir: storeDir
        });
        ctx.log.info(`removed ${conflict[1]} from the store: it blocked ${conflict[2]} (renamed upstream)`);
        return run();
    }
}
function result(resolved, sha, timer, lock) {
    const target = resolved.target;
    return {
        sha,
        ref: target.kind === 'commit' ? '' : target.ref,
        target,
        refObject: target.kind === 'commit' ? '' : (resolved.object ?? sha),
        created: false,
        repairs: [],
        setAside: [],
        phases: timer.phases,
        ...lock
    };
}
/**
 * Temporaries in tmp/ that only a store-lock holder creates: a killed job's leftovers, and the
 * git processes it left working in them (§3.8).
 */
async function removeStaleTemporaries(layout, log) {
    for (const entry of entriesOf(layout.tmp)) {
        if (entry.startsWith('tree-'))
            continue; // a tree holder's (§2: guarded by its tree lock)
        const file = external_node_path_default().join(layout.tmp, entry);
        // A cache upload runs after the store lock is released: only a day-old one is abandoned.
        if (entry.startsWith('cache-upload-') && ageMs(file) < 24 * 3600_000)
            continue;
        await endProcessesIn(file, { log: line => log.info(line), what: file });
        (0,external_node_fs_.rmSync)(file, { recursive: true, force: true });
        log.info(`removed ${external_node_path_default().join(layout.tmp, entry)}, left by a job that was interrupted`);
    }
}
function ageMs(file) {
    try {
        return Date.now() - (0,external_node_fs_.statSync)(file).mtimeMs;
    }
    catch {
        return Infinity;
    }
}
/** Moves a store or tree into aside/ (never deleted unverified, §3.2) and says so. */
function moveAside(layout, dir, what, why, log) {
    (0,external_node_fs_.mkdirSync)(layout.aside, { recursive: true });
    const destination = uniquePath(external_node_path_default().join(layout.aside, asideNameFor(what, new Date())));
    (0,external_node_fs_.renameSync)(dir, destination);
    log.warning(`${dir} cannot be used (${why}); moved it to ${destination} and building it afresh. ` +
        `Delete ${destination} once you no longer need it.`);
    return destination;
}
/**
 * Pins the commit tree `n` has checked out (§3.7): maintenance keeps every object a pin reaches.
 * Written by the tree's holder without the store lock — the pin is the tree's own (guarded by
 * its tree lock), and is written as a file renamed into place, never through git's ref locks.
 */
function pinTree(layout, tree, sha) {
    const file = external_node_path_default().join(layout.store, ...pinRefOf(tree).split('/'));
    (0,external_node_fs_.mkdirSync)(external_node_path_default().dirname(file), { recursive: true });
    writeFileAtomic(file, `${sha}\n`);
}
function isStoreDirectory(dir) {
    return isRealDirectory(dir) && looksLikeStore(dir);
}

;// CONCATENATED MODULE: ./src/store/partial.ts
/**
 * Partial clones (§1 `filter`): the store holds the history without (some) blobs or trees, and
 * the objects a checkout needs are fetched into the STORE just before the tree's checkout.
 *
 * Why not let `git checkout` fetch them lazily in the tree: a tree borrows objects through
 * alternates, so git would write what it fetches into the tree's own object directory, which
 * the next job's prepareTree wipes (§3.6) — every job would download the same blobs again, and
 * the checkout would need credentials. Instead, with the commit's trees and blobs listed in the
 * store (`rev-list --objects --missing=print`, no lazy fetch), the missing ones — limited to
 * the sparse paths when the job is sparse — are fetched by id from `origin` into the store
 * under the store lock, as the lazy fetch itself does (noop negotiation, `--filter=blob:none`),
 * after looking again under the lock (another job may have fetched them meanwhile, §3.3). The
 * checkout that follows is a local command without credentials that finds every object.
 *
 *   trees missing (tree:N filters)? fetch them (one round brings every subtree, no blobs)
 *   → blobs the checkout writes: all of the commit's, or those of the sparse paths (cone: git's
 *     cone rule on `ls-tree`; non-cone: git's own pattern matching on a scratch index), plus
 *     attribute/ignore/submodule files → the missing ones, fetched in batches.
 */











/** Is the store a partial clone (a filter in its config, or promisor packs)? */
function isPartialStore(storeDir) {
    return currentFilterOf(storeDir) !== undefined;
}
/** `?<oid>` lines of `rev-list --missing=print`. Pure. */
function parseMissing(output) {
    return output
        .split('\n')
        .filter(line => line.startsWith('?'))
        .map(line => line.slice(1).trim())
        .filter(oid => /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(oid));
}
/** Blobs (files and symlinks, not submodule commits) of `ls-tree -r -z` output. Pure. */
function parseTreeListing(output) {
    const entries = [];
    for (const record of output.split('\0')) {
        const match = /^(\d+) (\w+) ([0-9a-f]+)\t(.*)$/s.exec(record);
        if (match && match[2] === 'blob')
            entries.push({ oid: match[3], path: match[4] });
    }
    return entries;
}
/** `ls-files -s -z` output (mode oid stage<TAB>path). Pure. */
function parseIndexListing(output) {
    const entries = [];
    for (const record of output.split('\0')) {
        const match = /^(\d+) ([0-9a-f]+) \d\t(.*)$/s.exec(record);
        if (match && match[1] !== '160000')
            entries.push({ oid: match[2], path: match[3] });
    }
    return entries;
}
/** The blobs a cone-mode checkout of `dirs` writes or reads. Pure. */
function coneBlobs(entries, dirs, ignoreCase) {
    return new Set(entries
        .filter(e => isGitMetadataFile(e.path) || inCone(e.path, dirs, ignoreCase))
        .map(e => e.oid));
}
/** Splits ids into fetches whose command lines stay well inside the platform's limit. Pure. */
function batchesOf(items, size) {
    const out = [];
    for (let i = 0; i < items.length; i += size)
        out.push(items.slice(i, i + size));
    return out;
}
/** Windows limits a command line to 32767 characters; Linux and macOS to far more. */
function batchSizeFor(platform) {
    return platform === 'win32' ? 400 : 8000;
}
/** Did git need an object it could not fetch lazily (the action's checkout forbids it)? Pure. */
function isRefusedLazyFetch(stderr) {
    return /could not fetch [0-9a-f]+ from promisor remote|transport '[^']+' not allowed/i.test(stderr);
}
const MAX_ROUNDS = 3;
/**
 * Makes sure every object the tree's checkout of `request.sha` needs is in the store. Takes the
 * store lock only when something is missing.
 */
async function fetchCheckoutObjects(ctx, request) {
    const none = { fetchedObjects: 0, usedStoreLock: false, storeWaitMs: 0 };
    if (!isPartialStore(ctx.layout.store))
        return none;
    const first = await missingForCheckout(ctx, request);
    if (first.length === 0)
        return none;
    const started = external_node_perf_hooks_.performance.now();
    const { value, waitedMs } = await ctx.lock(async () => {
        const store = ctx.layout.store;
        await endProcessesIn(store, { log: line => ctx.log.info(line), what: 'the store' });
        removeStaleGitLocks(store, ctx.log, { except: PIN_REF_PREFIX });
        for (const entry of rewriteStoreGitDir(ctx, store, currentFilterOf(store)))
            ctx.log.info(`removed ${entry} from the store's git directory (left by an earlier job)`);
        let fetchedObjects = 0;
        let fetchedBytes = 0;
        for (let round = 0;; round++) {
            // Looked at again under the lock: another job may have fetched them meanwhile (§3.3).
            const missing = await missingForCheckout(ctx, request);
            if (missing.length === 0)
                break;
            if (round === MAX_ROUNDS)
                throw new Error(`${missing.length} objects of commit ${request.sha} are still missing from ${store} after ` +
                    `${MAX_ROUNDS} fetches (e.g. ${missing[0]}): the server did not send them. Check that it ` +
                    'serves partial clones (uploadpack.allowFilter) and objects by id.');
            ctx.log.info(`fetching ${missing.length} objects of ${request.sha.slice(0, 12)} into the store (partial clone)`);
            fetchedBytes += await fetchObjects(ctx, missing, request.showProgress);
            fetchedObjects += missing.length;
        }
        return { fetchedObjects, fetchedBytes };
    });
    ctx.log.info(`fetched ${value.fetchedObjects} objects of this checkout into the store in ` +
        `${Math.round(external_node_perf_hooks_.performance.now() - started - waitedMs)} ms`);
    return { ...value, usedStoreLock: true, storeWaitMs: waitedMs };
}
/**
 * The objects the checkout needs that the store lacks: the commit's missing trees first (blob
 * entries cannot be listed below a missing tree), else its missing blobs that the checkout
 * writes or reads.
 */
async function missingForCheckout(ctx, request) {
    const trees = await missingObjects(ctx, request.sha, ['--filter=blob:none']);
    if (trees.length > 0)
        return trees;
    const blobs = await missingObjects(ctx, request.sha, []);
    if (blobs.length === 0 || request.everything || !request.sparse)
        return blobs;
    const wanted = await sparseBlobs(ctx, request, request.sparse);
    return blobs.filter(oid => wanted.has(oid));
}
/** Missing objects reachable from the commit's tree; never fetches (--missing=print). */
async function missingObjects(ctx, sha, extra) {
    const out = await withoutLazyFetch(ctx.git).local(ctx.layout.dir, ['rev-list', '--objects', '--no-walk', '--missing=print', ...extra, sha, '--'], { gitDir: ctx.layout.store });
    return parseMissing(out.stdout);
}
/** The blobs of the commit that a sparse checkout with the job's patterns writes or reads. */
async function sparseBlobs(ctx, request, sparse) {
    if (sparse.cone) {
        const out = await withoutLazyFetch(ctx.git).local(ctx.layout.dir, ['ls-tree', '-r', '-z', '--full-tree', request.sha], {
            gitDir: ctx.layout.store
        });
        return coneBlobs(parseTreeListing(out.stdout), coneDirectories(sparse.patterns), request.ignoreCase);
    }
    return nonConeBlobs(withoutLazyFetch(ctx.git), request);
}
/**
 * Non-cone patterns follow .gitignore syntax; git itself matches them. The commit is read into
 * a scratch index of the tree (trees only, no blob is read) and `ls-files --ignored` lists the
 * entries the tree's info/sparse-checkout matches. Its rule (a matched directory includes all
 * below it) includes a file that a later `!pattern` leaves out of a sparse checkout: a
 * superset, never less than the checkout writes.
 */
async function nonConeBlobs(git, request) {
    const gitDir = external_node_path_default().join(request.treeDir, '.git');
    const scratch = external_node_path_default().join(gitDir, `sparse-scratch-index-${process.pid}`);
    const env = { GIT_INDEX_FILE: scratch };
    try {
        await git.local(request.treeDir, ['read-tree', request.sha], { env });
        const all = await git.local(request.treeDir, ['ls-files', '-s', '-z'], { env });
        const matched = await git.local(request.treeDir, [
            'ls-files',
            '-s',
            '-z',
            '--cached',
            '--ignored',
            `--exclude-from=${external_node_path_default().join(gitDir, 'info', 'sparse-checkout')}`
        ], { env });
        const wanted = new Set(parseIndexListing(matched.stdout).map(e => e.oid));
        for (const entry of parseIndexListing(all.stdout))
            if (isGitMetadataFile(entry.path))
                wanted.add(entry.oid);
        return wanted;
    }
    finally {
        (0,external_node_fs_.rmSync)(scratch, { force: true });
    }
}
/**
 * Fetches objects by id from `origin` into the store, as git's own lazy fetch does: no refs, no
 * tags, no negotiation (nothing we have is an ancestor of a blob), blobs left out of the trees
 * a tree-less store asks for. Returns the bytes received.
 */
async function fetchObjects(ctx, oids, showProgress) {
    const store = ctx.layout.store;
    const git = ctx.git.withEnv(withConfigEntries(ctx.git.options.env, [{ key: 'fetch.negotiationAlgorithm', value: 'noop' }]));
    let bytes = 0;
    for (const batch of batchesOf(oids, batchSizeFor(process.platform))) {
        const before = objectStoreBytes(store);
        const out = await git
            .remote(store, [
            'fetch',
            '--no-tags',
            '--no-write-fetch-head',
            '--recurse-submodules=no',
            '--filter=blob:none',
            showProgress ? '--progress' : '--quiet',
            '--end-of-options',
            'origin',
            ...batch
        ], {
            auth: ctx.remote.auth,
            stall: ctx.remote.stall,
            retryDelaysMs: ctx.remote.retryDelaysMs,
            gitDir: store,
            streamStderr: showProgress
        })
            .catch((error) => {
            if (error instanceof GitError &&
                /not our ref|unadvertised object|want .* not valid/i.test(error.stderr))
                throw new Error(`${error.message}\nThe server refused to send objects of this partial clone by id; the store is ` +
                    'partial, so it needs a server that serves them (GitHub does; for git http-backend set ' +
                    'uploadpack.allowAnySHA1InWant or use protocol v2).');
            throw error;
        });
        bytes += parseTransferredBytes(out.stderr) ?? Math.max(0, objectStoreBytes(store) - before);
    }
    return bytes;
}

;// CONCATENATED MODULE: ./src/trees/checkout.ts
/**
 * Checking out a prepared tree (§3.3): detached at the exact commit, cleaned per `clean`,
 * submodules and LFS per the request. `git checkout --force` compares the index with the
 * commit, so a tree reused from an earlier job writes only the files that differ.
 */






const PERMISSION = /Permission denied|Operation not permitted/i;
const LFS_FILTERS = [
    { key: 'filter.lfs.clean', value: 'git-lfs clean -- %f' },
    { key: 'filter.lfs.smudge', value: 'git-lfs smudge -- %f' },
    { key: 'filter.lfs.process', value: 'git-lfs filter-process' },
    { key: 'filter.lfs.required', value: 'true' }
];
/**
 * Gives the owner write and search permission on every directory of the working tree, outside
 * `.git`: a job may leave read-only directories (Go's module cache does by default), and git
 * can neither clean nor replace files in them. Returns how many were repaired.
 */
function restoreWritePermission(treeDir) {
    let repaired = 0;
    const walk = (dir) => {
        let entries;
        try {
            entries = (0,external_node_fs_.readdirSync)(dir, { withFileTypes: true });
        }
        catch {
            return;
        }
        for (const entry of entries) {
            if (!entry.isDirectory() || (dir === treeDir && entry.name === '.git'))
                continue;
            const child = external_node_path_default().join(dir, entry.name);
            try {
                const mode = (0,external_node_fs_.lstatSync)(child).mode;
                if ((mode & 0o700) !== 0o700) {
                    (0,external_node_fs_.chmodSync)(child, mode | 0o700);
                    repaired++;
                }
            }
            catch {
                continue;
            }
            walk(child);
        }
    };
    try {
        const mode = (0,external_node_fs_.lstatSync)(treeDir).mode;
        if ((mode & 0o700) !== 0o700) {
            (0,external_node_fs_.chmodSync)(treeDir, mode | 0o700);
            repaired++;
        }
    }
    catch {
        // the caller reports the git failure
    }
    walk(treeDir);
    return repaired;
}
/** Runs a git command in the tree; on a permission failure, repairs permissions and tries once more. */
async function withPermissionRepair(treeDir, log, work) {
    try {
        return await work();
    }
    catch (error) {
        if (!(error instanceof GitError) || !PERMISSION.test(error.stderr))
            throw error;
        const repaired = restoreWritePermission(treeDir);
        if (repaired === 0)
            throw error;
        log.info(`gave the owner write permission on ${repaired} read-only directories in ${treeDir} (left by an earlier job)`);
        return work();
    }
}
async function checkoutTree(git, treeDir, request, log) {
    const progress = request.showProgress ? ['--progress'] : ['--quiet'];
    // issue 15: the objects were fetched into the store before (store/partial.ts); a lazy fetch
    // would write into the tree's own objects, wiped for the next job.
    const checkoutGit = git.withEnv(withConfigEntries(git.options.env, [
        ...NO_LAZY_FETCH,
        ...(request.expandSparse ? EXPAND_CHECKOUT_CONFIG : [])
    ]));
    await withPermissionRepair(treeDir, log, () => checkoutGit.local(treeDir, ['checkout', '--force', '--detach', ...progress, request.sha], {
        streamStderr: request.showProgress
    }));
    // The bits are cleared; the tree is an ordinary full checkout for the job's own commands.
    if (request.expandSparse)
        (0,external_node_fs_.rmSync)(external_node_path_default().join(treeDir, '.git', 'info', 'sparse-checkout'), { force: true });
    if (request.clean) {
        await withPermissionRepair(treeDir, log, () => git.local(treeDir, ['clean', '-ffdx', '--quiet']));
    }
    await syncSubmodules(git, treeDir, request, log);
    if (request.lfs)
        await syncLfs(git, treeDir, request, log);
}
async function syncSubmodules(git, treeDir, request, log) {
    const hasModulesFile = exists(external_node_path_default().join(treeDir, '.gitmodules'));
    const initialized = exists(external_node_path_default().join(treeDir, '.git', 'modules'));
    if (request.submodules === false) {
        // An earlier job may have populated them; this job asked for none (like a fresh checkout).
        if (initialized && hasModulesFile)
            await git.local(treeDir, ['submodule', 'deinit', '--all', '--force', '--quiet']);
        return;
    }
    if (!hasModulesFile)
        return;
    const recursive = request.submodules === 'recursive' ? ['--recursive'] : [];
    const depth = request.fetchDepth > 0 ? [`--depth=${request.fetchDepth}`] : [];
    await git.local(treeDir, ['submodule', 'sync', '--quiet', ...recursive]);
    await git.remote(treeDir, ['submodule', 'update', '--init', '--force', ...recursive, ...depth], request.remote);
    if (request.clean) {
        await git.local(treeDir, [
            'submodule',
            'foreach',
            '--quiet',
            ...recursive,
            'git clean -ffdx --quiet && git reset --hard --quiet HEAD'
        ]);
    }
    log.info(`submodules updated${recursive.length ? ' recursively' : ''}`);
}
async function syncLfs(git, treeDir, request, log) {
    try {
        await git.local(treeDir, ['lfs', 'version']);
    }
    catch (error) {
        throw new GitError(['lfs', 'version'], treeDir, null, '', undefined, `lfs: true needs git-lfs, which is not installed on this runner (${error.message})`);
    }
    // The LFS filters for these two commands only: the tree's config stays the action's (§3.6).
    const lfsGit = git.withEnv(withConfigEntries(git.options.env, LFS_FILTERS));
    await lfsGit.remote(treeDir, ['lfs', 'fetch', 'origin', 'HEAD'], request.remote);
    await lfsGit.local(treeDir, ['lfs', 'checkout']);
    log.info('LFS objects downloaded and checked out');
}
function exists(file) {
    try {
        (0,external_node_fs_.lstatSync)(file);
        return true;
    }
    catch {
        return false;
    }
}

;// CONCATENATED MODULE: ./src/trees/pool.ts
/**
 * The pool of working trees (§1 `trees`, §3): up to N trees per repository, one job in each,
 * every job of the repository in one FIFO queue. Which free tree a job gets: one already at the
 * requested commit, else the most recently used existing tree (its files are closest to what a
 * job checks out next), else a new one — an existing tree is reused before a new one is made.
 */



/** Order of preference among trees 1..count. Pure. */
function preferredTrees(facts, commit) {
    const rank = (f) => (!f.exists ? 2 : commit && f.head === commit ? 0 : 1);
    return [...facts]
        .sort((a, b) => rank(a) - rank(b) || b.usedAt - a.usedAt || a.tree - b.tree)
        .map(f => f.tree);
}
function readTreeFacts(layout, tree) {
    const head = external_node_path_default().join(layout.tree(tree), '.git', 'HEAD');
    try {
        const stats = (0,external_node_fs_.statSync)(head);
        const content = (0,external_node_fs_.readFileSync)(head, 'latin1').trim();
        return {
            tree,
            exists: true,
            head: isObjectId(content) ? content : undefined,
            usedAt: stats.mtimeMs
        };
    }
    catch {
        return { tree, exists: false, usedAt: 0 };
    }
}
/** The lock pool of the trees: the queue every job joins and the tree locks in preferred order. */
function treePool(layout, count, commit) {
    const numbers = Array.from({ length: count }, (_, i) => i + 1);
    return {
        queueDir: layout.treeQueue,
        slots: () => preferredTrees(numbers.map(n => readTreeFacts(layout, n)), commit).map(n => layout.treeLock(n))
    };
}

;// CONCATENATED MODULE: ./src/trees/prepare.ts
/**
 * Making a tree the action's again before any git command runs in it (§3.6). A tree is a
 * working directory whose git directory `.git` is its own — config, hooks, index, HEAD, info,
 * refs — and borrows every object from the store through `objects/info/alternates`. Whatever
 * the previous job did to it is undone here, under the tree's lock and after every process it
 * left in the tree was ended (§3.8): the git directory is reset by allow-list and its config
 * written afresh, local objects and refs are dropped (refs are rewritten from the store), and
 * an index that hides files is dropped.
 */










/** What survives in a tree's git directory; everything else a job left is removed. */
const TREE_KEEP = new Set([
    'HEAD',
    'config',
    'index',
    'objects',
    'refs',
    'packed-refs',
    'shallow',
    'hooks',
    'info',
    'modules',
    'lfs'
]);
/**
 * What `git init` would write on this platform's usual file system, plus origin; nothing a job
 * could have planted survives because nothing else is written. Pure.
 */
function treeConfig(input) {
    const partial = Boolean(input.filter);
    const extensions = [];
    if (input.objectFormat === 'sha256')
        extensions.push(['objectformat', 'sha256']);
    if (partial)
        extensions.push(['partialclone', 'origin']);
    const core = [
        ['repositoryformatversion', extensions.length > 0 ? 1 : 0],
        ['filemode', input.platform !== 'win32'],
        ['bare', false],
        ['logallrefupdates', true],
        // An untracked cache a job left in the index would describe its files, not ours.
        ['untrackedCache', false]
    ];
    if (input.platform === 'win32')
        core.push(['symlinks', false], ['ignorecase', true]);
    if (input.platform === 'darwin')
        core.push(['ignorecase', true], ['precomposeunicode', true]);
    if (input.sparse && input.sparse.patterns.length > 0)
        core.push(['sparseCheckout', true], ['sparseCheckoutCone', input.sparse.cone]);
    const origin = {
        name: 'remote',
        subsection: 'origin',
        values: [
            ['url', input.originUrl],
            ['fetch', '+refs/heads/*:refs/remotes/origin/*']
        ]
    };
    if (partial)
        origin.values.push(['promisor', true], ['partialclonefilter', input.filter]);
    const lfsFilter = {
        name: 'filter',
        subsection: 'lfs',
        values: input.lfs
            ? [
                ['clean', 'git-lfs clean -- %f'],
                ['smudge', 'git-lfs smudge -- %f'],
                ['process', 'git-lfs filter-process'],
                ['required', true]
            ]
            : []
    };
    return renderConfig([
        { name: 'core', values: core },
        { name: 'extensions', values: extensions },
        origin,
        lfsFilter,
        // The tree's own objects are dropped for the next job: packing them is wasted work.
        { name: 'gc', values: [['auto', 0]] }
    ]);
}
/** A tree directory with an empty git directory borrowing from the store. */
function createTree(layout, tree) {
    const staging = external_node_path_default().join(layout.tmp, `tree-${tree}-${(0,external_node_crypto_.randomBytes)(6).toString('hex')}`);
    const gitDir = external_node_path_default().join(staging, '.git');
    for (const dir of ['objects/info', 'objects/pack', 'refs/heads', 'refs/tags', 'hooks', 'info'])
        (0,external_node_fs_.mkdirSync)(external_node_path_default().join(gitDir, dir), { recursive: true });
    writeFileAtomic(external_node_path_default().join(gitDir, 'HEAD'), 'ref: refs/heads/main\n');
    (0,external_node_fs_.mkdirSync)(layout.treesDir, { recursive: true });
    (0,external_node_fs_.renameSync)(staging, layout.tree(tree));
}
/** Leftover tree builds of this tree number (a job killed while creating it). */
function removeStaleTreeBuilds(layout, tree) {
    for (const entry of entriesOf(layout.tmp)) {
        if (entry.startsWith(`tree-${tree}-`))
            (0,external_node_fs_.rmSync)(external_node_path_default().join(layout.tmp, entry), { recursive: true, force: true });
    }
}
/**
 * Brings tree `n` to a state in which the action alone decides what git does in it. Call under
 * the tree's lock, after ending the processes left in it.
 */
function prepareTree(spec) {
    const { layout, tree, log } = spec;
    const dir = layout.tree(tree);
    const gitDir = external_node_path_default().join(dir, '.git');
    const repairs = [];
    let setAside;
    removeStaleTreeBuilds(layout, tree);
    if (pathExists(dir) && !write_isRealDirectory(dir)) {
        (0,external_node_fs_.rmSync)(dir, { force: true }); // a link or file planted where the tree belongs: never followed
        repairs.push(`${dir} (not a directory)`);
    }
    if (write_isRealDirectory(dir) && !write_isRealDirectory(gitDir)) {
        setAside = moveAside(layout, dir, `tree-${tree}`, `${gitDir} is not a git directory`, log);
    }
    let created = false;
    if (!pathExists(dir)) {
        createTree(layout, tree);
        created = true;
    }
    repairs.push(...removeStaleGitLocks(gitDir, log));
    const store = layout.store;
    const lfsFilesLeft = hadLfsFilter(readRegularFile(external_node_path_default().join(gitDir, 'config'))) && !spec.config.lfs;
    for (const entry of resetGitDir(gitDir, {
        keep: TREE_KEEP,
        config: treeConfig(spec.config),
        alternates: `${external_node_path_default().join(store, 'objects')}\n`
    })) {
        log.info(`removed .git/${entry} from tree ${tree} (left by an earlier job)`);
        repairs.push(external_node_path_default().join(gitDir, entry));
    }
    // The previous job's commits and fetches: the next job starts from the store alone.
    for (const entry of ['objects', 'refs', 'packed-refs', 'shallow']) {
        (0,external_node_fs_.rmSync)(external_node_path_default().join(gitDir, entry), { recursive: true, force: true });
    }
    for (const sub of ['objects/info', 'objects/pack', 'refs/heads', 'refs/tags'])
        (0,external_node_fs_.mkdirSync)(external_node_path_default().join(gitDir, sub), { recursive: true });
    writeFileAtomic(external_node_path_default().join(gitDir, 'objects', 'info', 'alternates'), `${external_node_path_default().join(store, 'objects')}\n`);
    // A shallow store's boundary commits lack parents: the tree must know it too.
    if (pathExists(external_node_path_default().join(store, 'shallow')))
        (0,external_node_fs_.copyFileSync)(external_node_path_default().join(store, 'shallow'), external_node_path_default().join(gitDir, 'shallow'));
    const sparse = spec.config.sparse && spec.config.sparse.patterns.length > 0 ? spec.config.sparse : undefined;
    if (sparse)
        writeFileAtomic(external_node_path_default().join(gitDir, 'info', 'sparse-checkout'), sparseCheckoutFile(sparse));
    const index = external_node_path_default().join(gitDir, 'index');
    const hashBytes = spec.config.objectFormat === 'sha256' ? 32 : 20;
    // --- issue 15: sparse checkout per tree (trees/sparse.ts) ---------------------------------
    // Skip-worktree bits are kept: every checkout recomputes them from patterns — the job's, or
    // for a full job `/*`, which writes only the files left out (dropping the index would rewrite
    // every file of the tree).
    const indexIssue = judgeIndexFile(index, hashBytes, true) ??
        // §1 lfs: the files hold LFS content that an LFS filter made look unchanged to git; only
        // a checkout without the index writes the pointers a job without `lfs` expects.
        (lfsFilesLeft && pathExists(index) ? 'an earlier job checked out LFS content' : undefined);
    if (indexIssue) {
        (0,external_node_fs_.rmSync)(index, { recursive: true, force: true });
        log.info(`dropped the index of tree ${tree}: ${indexIssue}; every file is written afresh`);
        repairs.push(`${index} (${indexIssue})`);
    }
    const expandSparse = !sparse && !indexIssue && indexHasSkipWorktree(index, hashBytes);
    if (expandSparse) {
        writeFileAtomic(external_node_path_default().join(gitDir, 'info', 'sparse-checkout'), EVERY_PATH_PATTERNS);
        log.info(`tree ${tree} was sparse for an earlier job: this checkout writes the files it left out`);
    }
    // --- end issue 15 ---------------------------------------------------------------------------
    sanitizeSubmoduleGitDirs(external_node_path_default().join(gitDir, 'modules'), dir);
    // A submodule's index left truncated by a killed job: derived data, rebuilt by its checkout.
    repairs.push(...removeDamagedGitFiles(gitDir, log).removed);
    return { dir, gitDir, created, repairs, setAside, expandSparse };
}
/** Did a tree's config (before it is rewritten) have an LFS filter? Pure. */
function hadLfsFilter(config) {
    return config !== undefined && /^\s*\[filter\s+"lfs"\]/im.test(config);
}
/**
 * The content of info/sparse-checkout (§1 sparse-checkout). Cone mode lists directories: each
 * directory's parents are included without their other subdirectories, as
 * `git sparse-checkout set --cone` writes it; otherwise the patterns are written as given. Pure.
 */
function sparseCheckoutFile(sparse) {
    if (!sparse.cone)
        return sparse.patterns.join('\n') + '\n';
    const lines = ['/*', '!/*/'];
    const seen = new Set();
    const dirs = sparse.patterns
        .map(p => p.replace(/^\/+|\/+$/g, ''))
        .filter(p => p !== '')
        .sort();
    for (const dir of dirs) {
        const parts = dir.split('/');
        for (let i = 1; i < parts.length; i++) {
            const parent = parts.slice(0, i).join('/');
            if (seen.has(parent))
                continue;
            seen.add(parent);
            lines.push(`/${parent}/`, `!/${parent}/*/`);
        }
        if (!seen.has(dir)) {
            seen.add(dir);
            lines.push(`/${dir}/`);
        }
    }
    return lines.join('\n') + '\n';
}
function judgeIndexFile(file, hashBytes, allowSkipWorktree) {
    let data;
    try {
        if (!(0,external_node_fs_.lstatSync)(file).isFile())
            return 'it is not a regular file';
        data = (0,external_node_fs_.readFileSync)(file);
    }
    catch {
        return undefined; // no index: the checkout builds one
    }
    const damage = indexProblem(data);
    if (damage)
        return damage;
    return judgeIndex(data, hashBytes, { allowSkipWorktree }).reason;
}
/**
 * Submodules keep their own git directories under `.git/modules/` (full clones per tree); a
 * job could plant hooks and config there too. Their hooks and info go; their config keeps only
 * what a submodule clone needs (core settings, origin, a relative worktree).
 */
function sanitizeSubmoduleGitDirs(modulesDir, treeDir) {
    if (!write_isRealDirectory(modulesDir))
        return;
    for (const gitDir of submoduleGitDirs(modulesDir)) {
        for (const dir of ['hooks', 'info']) {
            (0,external_node_fs_.rmSync)(external_node_path_default().join(gitDir, dir), { recursive: true, force: true });
            (0,external_node_fs_.mkdirSync)(external_node_path_default().join(gitDir, dir));
        }
        const configFile = external_node_path_default().join(gitDir, 'config');
        let text = '';
        try {
            text = (0,external_node_fs_.readFileSync)(configFile, 'utf8');
        }
        catch {
            continue;
        }
        writeFileAtomic(configFile, submoduleConfig(text, { gitDir, treeDir }));
    }
}
function submoduleGitDirs(dir) {
    const found = [];
    for (const entry of (0,external_node_fs_.readdirSync)(dir, { withFileTypes: true })) {
        if (!entry.isDirectory())
            continue;
        const child = external_node_path_default().join(dir, entry.name);
        if (pathExists(external_node_path_default().join(child, 'HEAD')) && pathExists(external_node_path_default().join(child, 'config'))) {
            found.push(child);
            if (write_isRealDirectory(external_node_path_default().join(child, 'modules')))
                found.push(...submoduleGitDirs(external_node_path_default().join(child, 'modules')));
        }
        else
            found.push(...submoduleGitDirs(child));
    }
    return found;
}
/**
 * Keeps the lines of a submodule's config that a clone needs, by a simple allow-list of keys in
 * the sections git writes for a submodule; everything else (filters, fsmonitor, hooksPath,
 * includes, url rewrites, sshCommand) is dropped. Pure.
 */
function submoduleConfig(text, where) {
    const allowed = {
        core: /^(repositoryformatversion|filemode|bare|logallrefupdates|ignorecase|precomposeunicode|symlinks|worktree)$/i,
        remote: /^(url|fetch)$/i,
        extensions: /^(objectformat)$/i
    };
    const out = [];
    let section;
    for (const raw of text.split('\n')) {
        const line = raw.trim();
        const header = /^\[([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\]$/.exec(line);
        if (header) {
            section = header[1].toLowerCase();
            const keep = section in allowed && (section !== 'remote' || header[2] === 'origin');
            if (keep)
                out.push(line);
            else
                section = undefined;
            continue;
        }
        if (!section || line === '' || line.startsWith('#') || line.startsWith(';'))
            continue;
        const key = /^([A-Za-z][A-Za-z0-9-]*)\s*(=|$)/.exec(line)?.[1];
        if (!key || !allowed[section].test(key))
            continue;
        // An absolute core.worktree, or one leading out of the tree, would point the submodule's
        // checkout at another tree or anywhere else.
        if (section === 'core' && /^worktree$/i.test(key)) {
            const value = /=\s*"?([^"]*)"?\s*$/.exec(line)?.[1] ?? '';
            if (!value.startsWith('../'))
                continue;
            if (where) {
                const target = external_node_path_default().resolve(where.gitDir, value);
                const inside = external_node_path_default().relative(where.treeDir, target);
                if (inside === '' || inside.startsWith('..') || external_node_path_default().isAbsolute(inside))
                    continue;
            }
        }
        out.push(`\t${line}`);
    }
    return out.join('\n') + '\n';
}
/**
 * Writes the tree's refs: the store's remote branches and tags as of its last fetch, with the
 * ref this job asked for at the value it resolved to, and HEAD detached at the commit (§3.3).
 */
function writeTreeRefs(layout, gitDir, checkout) {
    const refs = readRefs(layout.store, ['refs/remotes/origin', 'refs/tags']);
    const local = localRefName(checkout.ref, checkout.targetKind);
    if (local)
        refs.set(local, checkout.refObject || checkout.sha);
    writeFileAtomic(external_node_path_default().join(gitDir, 'packed-refs'), renderPackedRefs(refs));
    writeFileAtomic(external_node_path_default().join(gitDir, 'HEAD'), `${checkout.sha}\n`);
}
/** Where the tree shows the requested ref (actions/checkout's names). Pure. */
function localRefName(ref, kind) {
    if (ref === '')
        return undefined;
    if (kind === 'branch')
        return ref.replace(/^refs\/heads\//, 'refs/remotes/origin/');
    if (kind === 'pull')
        return ref.replace(/^refs\//, 'refs/remotes/');
    return ref;
}

;// CONCATENATED MODULE: ./src/checkout/checkout.ts
/**
 * One job's checkout, top to bottom, shared by the action's main step and the
 * `shared-checkout checkout` command (§1, §3):
 *
 *   options → layout → tree lock (FIFO pool) → end what was left in the tree (§3.8) → store:
 *   commit present? else store lock → fetch (§3.3) → pin (§3.7) → tree: the action's again
 *   (§3.6) → check out → result
 *
 * The caller owns what happens around it: saving state, outputs, releasing on failure.
 */
















async function timed(phases, name, work) {
    const start = external_node_perf_hooks_.performance.now();
    try {
        return await work();
    }
    finally {
        phases.push({ name, ms: Math.round(external_node_perf_hooks_.performance.now() - start) });
    }
}
/** The remote access of this job: HTTPS with the token, or SSH with the key (§1). */
function remoteAccessOf(options, runtime) {
    if (options.sshKey) {
        const ssh = prepareSshAccess(options.repo, {
            key: options.sshKey,
            knownHosts: options.sshKnownHosts,
            strict: options.sshStrict,
            user: options.sshUser
        }, runtime.tempDir);
        runtime.onSshPrepared?.(ssh.directory);
        return { url: ssh.url, auth: ssh.auth, ssh };
    }
    const auth = options.token
        ? { kind: 'token', serverUrl: options.serverUrl, token: options.token }
        : { kind: 'none' };
    return { url: options.repo.remoteUrl, auth };
}
function isLocalRemote(url) {
    return url.startsWith('file://') || url.startsWith('/');
}
async function runCheckout(options, runtime) {
    const phases = [];
    const layout = layoutOf(options.dir);
    const log = runtime.log;
    ensureLockDirectory(layout);
    const lock = await timed(phases, 'wait for a tree', () => withDeadlockWatch(options.root, runtime, signal => (0,src_lock/* acquireLock */.IZ)({
        pool: treePool(layout, options.trees, options.commit || undefined),
        holdFor: runtime.holdTreeFor ?? 'job',
        jobAnchorPid: runtime.jobAnchorPid,
        timeoutSeconds: options.lockTimeoutSeconds,
        job: runtime.job,
        keeperEntry: runtime.keeperEntry,
        keeperExecArgv: runtime.keeperExecArgv,
        signal,
        log: line => log.info(line),
        reportEveryMs: runtime.reportEveryMs,
        pollMs: runtime.pollMs
    })));
    const tree = treeNumberOfLock(lock.lockPath);
    if (tree === undefined)
        throw new Error(`${lock.lockPath} is not a tree lock`);
    const treeDir = layout.tree(tree);
    runtime.onTreeHeld?.(lock, tree, treeDir);
    log.info(`Holding tree ${tree} of ${options.repository}: ${treeDir}`);
    await timed(phases, 'end leftover processes', () => endProcessesIn(treeDir, { log: line => log.info(line), what: `tree ${tree}` }));
    const access = remoteAccessOf(options, runtime);
    const held = { layout, lock, tree, treeDir, access, phases };
    try {
        try {
            return await checkOutHeldTree(options, runtime, held, false);
        }
        catch (error) {
            if (!(error instanceof GitError) || !isObjectStoreDamage(error.stderr))
                throw error;
            // §3.2, §7: never use a damaged store; rebuild it once, within this job.
            log.warning(`git reports damaged objects in the store of ${options.repository} (${damageLine(error.stderr)}); ` +
                'setting the store aside and building it again (once).');
            try {
                return await checkOutHeldTree(options, runtime, held, true);
            }
            catch (again) {
                if (again instanceof GitError && isObjectStoreDamage(again.stderr))
                    throw new Error(`The store of ${options.repository} was rebuilt in this job and git still reports damaged objects ` +
                        `(${damageLine(again.stderr)}). Check the disk under ${layout.dir} (dmesg, free space, ` +
                        'SMART) and that the server serves this repository intact; the damaged stores are in ' +
                        `${layout.aside}.`);
                throw again;
            }
        }
    }
    catch (error) {
        if (!access.ssh)
            throw error;
        removeSshFiles(access.ssh.directory);
        throw explainSshFailure(error, access.ssh, options.repository);
    }
}
/** A git failure over SSH, reworded in the inputs' terms when ssh says why (ssh.ts). */
function explainSshFailure(error, ssh, repository) {
    if (!(error instanceof GitError))
        return error;
    const why = sshFailureMessage(error.stderr, ssh, repository);
    if (!why)
        return error;
    const exit = error.exitCode === null ? '' : ` (exit code ${error.exitCode})`;
    return new GitError(error.args, error.cwd, error.exitCode, error.stderr, undefined, `${why}\ngit ${error.args.join(' ')} failed in ${error.cwd}${exit}: ${error.stderr.trim()}`);
}
/**
 * Runs a wait for a tree while watching the root for a deadlock between jobs (§7): when this
 * job is the one to give way, the wait is cancelled and a DeadlockError names the jobs.
 */
async function withDeadlockWatch(root, runtime, wait) {
    const self = jobKeyOf(runtime.job);
    if (!self)
        return wait(runtime.signal);
    const giveWay = new AbortController();
    let found;
    const everyMs = runtime.deadlockCheckMs ?? 2000;
    const timer = setInterval(() => {
        try {
            const deadlock = findDeadlock(scanWaitGraph(root), self);
            if (deadlock && deadlock.victim.job === self) {
                found = deadlock;
                giveWay.abort();
            }
        }
        catch {
            // a file vanished while we read: look again next time
        }
    }, everyMs);
    timer.unref();
    try {
        return await wait(AbortSignal.any([runtime.signal, giveWay.signal]));
    }
    catch (error) {
        if (found && !runtime.signal.aborted)
            throw new DeadlockError(found);
        throw error;
    }
    finally {
        clearInterval(timer);
    }
}
/** The line of git's output that says what is damaged (not its progress lines). */
function damageLine(text) {
    const lines = text.split(/[\r\n]+/).map(line => line.trim());
    return lines.find(line => isObjectStoreDamage(line)) ?? checkout_firstLine(text);
}
function checkout_firstLine(text) {
    return (text
        .split('\n')
        .find(line => line.trim() !== '')
        ?.trim() ?? 'no output');
}
async function checkOutHeldTree(options, runtime, held, rebuildStore) {
    const { layout, lock, tree, treeDir, access, phases } = held;
    const log = runtime.log;
    const deadline = options.lockTimeoutSeconds < 0
        ? Infinity
        : external_node_perf_hooks_.performance.now() + options.lockTimeoutSeconds * 1000;
    const remainingSeconds = () => deadline === Infinity ? -1 : Math.max(0, (deadline - external_node_perf_hooks_.performance.now()) / 1000);
    const git = new GitRunner({
        env: localGitEnv(runtime.env, {
            safeDirectories: [layout.store, treeDir, `${treeDir}/*`],
            ceiling: layout.dir,
            platformConfig: platformConfigEntries(runtime.platform),
            allowFileProtocol: isLocalRemote(access.url)
        }),
        secrets: tokenSecrets(options.token),
        signal: runtime.signal,
        onProcess: runtime.onGitProcess,
        onStderr: runtime.onProgress,
        log: line => log.info(line)
    });
    const stall = runtime.stall;
    const warm = options.cache && runtime.warmer ? await runtime.warmer(layout) : undefined;
    const storeContext = {
        layout,
        repo: options.repo,
        git,
        remote: { url: access.url, auth: access.auth, stall, retryDelaysMs: runtime.retryDelaysMs },
        log,
        warm,
        lock: async (work) => {
            const started = external_node_perf_hooks_.performance.now();
            const storeLock = await (0,src_lock/* acquireLock */.IZ)({
                lockPath: layout.storeLock,
                holdFor: 'process',
                timeoutSeconds: remainingSeconds(),
                job: runtime.job,
                signal: runtime.signal,
                log: line => log.info(line),
                reportEveryMs: runtime.reportEveryMs,
                pollMs: runtime.pollMs
            });
            const waitedMs = storeLock.waitedMs ?? external_node_perf_hooks_.performance.now() - started;
            try {
                return { value: await work(), waitedMs };
            }
            finally {
                await (0,src_lock/* releaseLock */.x_)(storeLock.lockPath, storeLock.token);
            }
        }
    };
    const store = await syncStore(storeContext, {
        ref: options.ref,
        commit: options.commit,
        fetchDepth: options.fetchDepth,
        fetchTags: options.fetchTags,
        filter: options.filter,
        showProgress: options.showProgress,
        rebuild: rebuildStore
    });
    phases.push(...store.phases);
    if (store.upload)
        await timed(phases, 'cache save', store.upload);
    pinTree(layout, tree, store.sha);
    const facts = storeFacts(layout.store);
    const prepared = await timed(phases, 'prepare tree', () => prepareTree({
        layout,
        tree,
        log,
        config: {
            originUrl: access.url,
            objectFormat: facts.objectFormat,
            filter: facts.filter ?? currentFilterOf(layout.store),
            platform: runtime.platform,
            lfs: options.lfs,
            sparse: options.sparseCheckout.length > 0
                ? { patterns: options.sparseCheckout, cone: options.sparseCheckoutConeMode }
                : undefined
        }
    }));
    writeTreeRefs(layout, prepared.gitDir, {
        sha: store.sha,
        ref: store.ref,
        refObject: store.refObject,
        targetKind: store.target.kind
    });
    // --- issue 15: partial clones — the checkout's objects land in the store (store/partial.ts)
    const sparse = options.sparseCheckout.length > 0
        ? { patterns: options.sparseCheckout, cone: options.sparseCheckoutConeMode }
        : undefined;
    const partial = isPartialStore(layout.store);
    if (options.filter && !partial)
        log.info(`filter: ${options.filter} not applied: the store of ${options.repository} is a complete clone ` +
            'and stays one (later fetches bring only what is new)');
    const fetchObjects = (everything) => fetchCheckoutObjects(storeContext, {
        sha: store.sha,
        sparse,
        everything,
        treeDir,
        ignoreCase: runtime.platform === 'win32' || runtime.platform === 'darwin',
        showProgress: options.showProgress
    });
    let blobs = partial
        ? await timed(phases, 'fetch blobs', () => fetchObjects(options.lfs))
        : undefined;
    const checkOut = () => checkoutTree(git, treeDir, {
        sha: store.sha,
        clean: options.clean,
        submodules: options.submodules,
        lfs: options.lfs,
        fetchDepth: options.fetchDepth,
        showProgress: options.showProgress,
        sparse,
        remote: { auth: access.auth, stall, retryDelaysMs: runtime.retryDelaysMs },
        expandSparse: prepared.expandSparse
    }, log);
    runtime.beforeTreeCheckout?.(treeDir);
    try {
        await timed(phases, 'checkout', checkOut);
    }
    catch (error) {
        if (!partial || !(error instanceof GitError) || !isRefusedLazyFetch(error.stderr))
            throw error;
        // A gap in what was fetched ahead: fetch every object of the commit and try once more.
        log.warning(`the checkout of ${store.sha} needed objects that were not fetched into the store ahead of it ` +
            `(${checkout_firstLine(error.stderr)}); fetching every object of the commit and checking out again`);
        const more = await timed(phases, 'fetch blobs (all)', () => fetchObjects(true));
        blobs = sumObjectFetches(blobs, more);
        await timed(phases, 'checkout (again)', checkOut);
    }
    // --- end issue 15 ---------------------------------------------------------------------------
    log.info(`checked out ${store.sha}${store.ref ? ` (${store.ref})` : ''} in ${treeDir}`);
    return {
        layout,
        tree,
        treeDir,
        lock,
        treeWaitMs: lock.waitedMs,
        storeWaitMs: store.storeWaitMs + (blobs?.storeWaitMs ?? 0),
        store,
        repairs: [...store.repairs, ...prepared.repairs],
        setAside: [...store.setAside, ...(prepared.setAside ? [prepared.setAside] : [])],
        phases,
        ssh: access.ssh,
        blobs
    };
}
function sumObjectFetches(a, b) {
    if (!a)
        return b;
    return {
        fetchedObjects: a.fetchedObjects + b.fetchedObjects,
        fetchedBytes: a.fetchedBytes === undefined && b.fetchedBytes === undefined
            ? undefined
            : (a.fetchedBytes ?? 0) + (b.fetchedBytes ?? 0),
        usedStoreLock: a.usedStoreLock || b.usedStoreLock,
        storeWaitMs: a.storeWaitMs + b.storeWaitMs
    };
}

;// CONCATENATED MODULE: ./src/cli/anchor.ts
/**
 * Which process a `shared-checkout checkout` holds its tree for: the shell that ran it (§2: the
 * tree is the job's until `release`, or until that shell exits). Its parent is not always that
 * shell: `TREE=$(shared-checkout checkout …)` runs it in a subshell — a fork of the shell that
 * exits as soon as the command does. A fork has the same program and command line as the shell
 * it was forked from, so such parents are skipped up to the shell itself.
 */

/** The first process up the chain that is not a fork of its own parent. Pure. */
function shellOf(chain) {
    for (let i = 0; i < chain.length; i++) {
        const next = chain[i + 1];
        const forkOfNext = next !== undefined &&
            chain[i].parent === next.pid &&
            chain[i].exe === next.exe &&
            chain[i].cmdline === next.cmdline;
        if (!forkOfNext)
            return chain[i].pid;
    }
    return undefined;
}
function factsOf(pid) {
    try {
        const stat = (0,external_node_fs_.readFileSync)(`/proc/${pid}/stat`, 'latin1');
        const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return {
            pid,
            parent,
            exe: (0,external_node_fs_.readlinkSync)(`/proc/${pid}/exe`),
            cmdline: (0,external_node_fs_.readFileSync)(`/proc/${pid}/cmdline`, 'latin1')
        };
    }
    catch {
        return undefined;
    }
}
/** The calling shell's PID (Linux: skipping subshells; elsewhere the parent). */
function callerShellPid(parent = process.ppid) {
    if (process.platform !== 'linux')
        return parent;
    const chain = [];
    for (let pid = parent; pid > 1 && chain.length < 16;) {
        const facts = factsOf(pid);
        if (!facts)
            break;
        chain.push(facts);
        pid = facts.parent;
    }
    return shellOf(chain) ?? parent;
}

;// CONCATENATED MODULE: ./src/cli/commands.ts
/**
 * `shared-checkout checkout` and `release`: what the action's main and post steps do, for any
 * CI system's shell steps (GitLab, Jenkins, Buildkite) sharing the same stores and trees as the
 * action on one machine (§6). The tree is held by the calling process's parent — the shell
 * that ran the command — until `release`, or until that shell exits (the keeper then releases).
 */










const CHECKOUT_FLAGS = INPUT_NAMES.filter(name => !['token', 'ssh-key', 'hold-lock', 'persist-credentials', 'set-safe-directory'].includes(name));
const CHECKOUT_BOOLEANS = [
    'clean',
    'fetch-tags',
    'lfs',
    'cache',
    'ssh-strict',
    'sparse-checkout-cone-mode',
    'show-progress'
];
async function checkoutCommand(context) {
    const { flags } = parseArgs(context.argv, {
        values: [...CHECKOUT_FLAGS.filter(name => !CHECKOUT_BOOLEANS.includes(name)), 'anchor-pid'],
        booleans: [...CHECKOUT_BOOLEANS, 'json']
    });
    const anchorPid = anchorPidOf(flags.get('anchor-pid'));
    const env = context.env;
    const token = env.SHARED_CHECKOUT_TOKEN || env.GITHUB_TOKEN || '';
    // Outside GitHub Actions there is no triggering commit: an empty ref is the default branch.
    const options = readCheckoutOptions(name => name === 'token'
        ? token
        : name === 'ssh-key'
            ? (env.SHARED_CHECKOUT_SSH_KEY ?? '')
            : (flags.get(name) ?? ''), {
        env: { ...env, GITHUB_REPOSITORY: env.GITHUB_ACTIONS ? env.GITHUB_REPOSITORY : '' },
        platform: process.platform
    });
    const result = await runCheckout(options, {
        env,
        platform: process.platform,
        log: context.log,
        signal: context.signal,
        job: jobIdentityFromEnv(env),
        tempDir: env.RUNNER_TEMP || external_node_os_default().tmpdir(),
        keeperEntry: context.keeperEntry,
        keeperExecArgv: context.keeperExecArgv,
        jobAnchorPid: anchorPid,
        stall: { limitBytes: 1024, seconds: Number(env.SHARED_CHECKOUT_STALL_SECONDS) || 60 }
    });
    await result.lock.keeperReady;
    if (flags.get('json') === 'true') {
        context.out(JSON.stringify({
            path: result.treeDir,
            tree: result.tree,
            commit: result.store.sha,
            ref: result.store.ref || options.refInput,
            lockFile: result.lock.lockPath,
            token: result.lock.token,
            lockWaitSeconds: Number(((result.treeWaitMs + result.storeWaitMs) / 1000).toFixed(3)),
            cloned: result.store.created
        }));
    }
    else
        context.out(result.treeDir);
}
/** The lock of a tree directory `<dir>/trees/<n>`, or a usage error. Pure. */
function treeLockOf(treeDir) {
    const resolved = external_node_path_default().resolve(treeDir);
    const tree = Number(external_node_path_default().basename(resolved));
    const trees = external_node_path_default().dirname(resolved);
    if (!Number.isInteger(tree) || tree < 1 || external_node_path_default().basename(trees) !== 'trees')
        throw new UsageError(`--path ${treeDir}: expected a working tree, <repository directory>/trees/<n>`);
    return { lockFile: layoutOf(external_node_path_default().dirname(trees)).treeLock(tree), tree };
}
/** `--anchor-pid`, or the calling shell (subshells of `$(…)` skipped). */
function anchorPidOf(flag) {
    if (flag === undefined)
        return callerShellPid();
    if (!/^[1-9]\d{0,9}$/.test(flag))
        throw new UsageError(`--anchor-pid ${JSON.stringify(flag)}: expected a process id, e.g. $$ (the shell's)`);
    return Number(flag);
}
/**
 * Is the lock held by the shell that runs us (the job anchor `checkout` recorded)? A shell
 * runs the last command of a script in its own place (exec): that command has the shell's PID.
 */
function heldByOurShell(record) {
    const shells = [callerShellPid(), process.pid];
    return record.owners.some(owner => owner.role === 'job-anchor' && shells.includes(owner.pid));
}
async function releaseCommand(context) {
    const { flags } = parseArgs(context.argv, { values: ['path', 'token'], booleans: [] });
    const treeDir = flags.get('path') ?? context.env.SHARED_CHECKOUT_PATH;
    if (!treeDir)
        throw new UsageError('release needs --path <tree> (or SHARED_CHECKOUT_PATH)');
    const { lockFile, tree } = treeLockOf(treeDir);
    let token = flags.get('token');
    if (!token) {
        const holder = await (0,src_lock/* readLockHolder */.MR)(lockFile);
        if (!holder)
            throw new src_lock/* LockLostError */.yx(lockFile, undefined);
        if (!heldByOurShell(holder))
            throw new UsageError(`tree ${tree} (${lockFile}) is held by ${(0,src_lock/* describeHolder */.sG)(holder, Date.now())}, not by this shell (${callerShellPid()}); release it from the shell that ran checkout, or pass --token from checkout --json`);
        token = holder.token;
    }
    await endProcessesIn(external_node_path_default().resolve(treeDir), {
        log: line => context.log.info(line),
        what: `tree ${tree}`
    });
    await (0,src_lock/* releaseLock */.x_)(lockFile, token);
    context.log.info(`released tree ${tree} (${lockFile})`);
}

;// CONCATENATED MODULE: ./src/cli/help.ts
/** What `shared-checkout --help` and `shared-checkout <command> --help` print. */
const EXIT_CODES = `Exit codes:
  0    done
  1    failed (git, the network, the disk): the message says what and where
  2    bad usage or a bad flag value (the message names the flag, the value and what is accepted)
  3    timed out waiting for a lock (--lock-timeout); the message names the holder
  4    the lock is not held by the caller any more (broken, released, or held by another job)
  130  cancelled (SIGINT/SIGTERM): git was stopped and nothing is held
`;
const HELP = {
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
};

;// CONCATENATED MODULE: ./src/cli/main.ts
/**
 * `shared-checkout`: the command-line tool for operators and for other CI systems (§6).
 * Exit codes (README "Command-line tool"): 0 done; 1 failed (git, disk, …); 2 bad usage or
 * input; 3 timed out waiting for a lock; 4 the lock was lost or is not held; 130 cancelled.
 */







const EXIT = {
    ok: 0,
    failed: 1,
    usage: 2,
    lockTimeout: 3,
    lockLost: 4,
    cancelled: 130
};
const COMMANDS = {
    checkout: checkoutCommand,
    release: releaseCommand,
    status: statusCommand,
    gc: gcCommand,
    evict: evictCommand
};
/** Which exit code an error means. Pure. */
function exitCodeFor(error) {
    if (error instanceof UsageError || error instanceof InputError)
        return EXIT.usage;
    if (error instanceof src_lock/* LockTimeoutError */.XB)
        return EXIT.lockTimeout;
    if (error instanceof src_lock/* LockLostError */.yx)
        return EXIT.lockLost;
    if (error instanceof src_lock/* LockCancelledError */.pw || error instanceof GitCancelledError)
        return EXIT.cancelled;
    return EXIT.failed;
}
const stderrLogger = {
    info: message => process.stderr.write(`${message}\n`),
    warning: message => process.stderr.write(`warning: ${message}\n`),
    notice: message => process.stderr.write(`notice: ${message}\n`),
    debug: message => {
        if (process.env.SHARED_CHECKOUT_DEBUG)
            process.stderr.write(`debug: ${message}\n`);
    }
};
async function run(argv, keeper) {
    const [command, ...rest] = argv;
    if (!command || command === '--help' || command === '-h' || command === 'help') {
        process.stdout.write(HELP.main);
        return command ? EXIT.ok : EXIT.usage;
    }
    const handler = COMMANDS[command];
    if (!handler) {
        process.stderr.write(`shared-checkout: unknown command '${command}'.\n\n${HELP.main}`);
        return EXIT.usage;
    }
    if (rest.includes('--help') || rest.includes('-h')) {
        process.stdout.write(HELP[command] ?? HELP.main);
        return EXIT.ok;
    }
    const abort = new AbortController();
    const cancel = () => abort.abort();
    process.once('SIGINT', cancel);
    process.once('SIGTERM', cancel);
    try {
        await handler({
            argv: rest,
            env: process.env,
            out: line => process.stdout.write(`${line}\n`),
            log: stderrLogger,
            signal: abort.signal,
            keeperEntry: keeper.entry,
            keeperExecArgv: keeper.execArgv
        });
        return EXIT.ok;
    }
    catch (error) {
        process.stderr.write(`shared-checkout ${command}: ${error instanceof Error ? error.message : String(error)}\n`);
        return exitCodeFor(error);
    }
    finally {
        process.off('SIGINT', cancel);
        process.off('SIGTERM', cancel);
    }
}


/***/ }),

/***/ 946:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  pw: () => (/* reexport */ LockCancelledError),
  yx: () => (/* reexport */ LockLostError),
  XB: () => (/* reexport */ LockTimeoutError),
  G: () => (/* reexport */ TIMEOUT_ACCEPTED),
  IZ: () => (/* reexport */ acquireLock),
  sG: () => (/* reexport */ describeHolder),
  fD: () => (/* reexport */ emptyJob),
  Vq: () => (/* reexport */ isKeeperInvocation),
  yE: () => (/* reexport */ parseTimeoutSeconds),
  MR: () => (/* reexport */ readLockHolder),
  x_: () => (/* reexport */ releaseLock),
  YV: () => (/* reexport */ runKeeper)
});

// UNUSED EXPORTS: LockHeldByOwnJobError, LockOptionError, LockPathError, LockReleaseError, lockPathFor

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
class LockOptionError extends Error {
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
function touchIfToken(path, isOurs) {
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
function parseRecord(text) {
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
function createContext(options = {}) {
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
    const record = parseRecord(snapshot.content);
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
            const record = outcome.kind === 'file' ? parseRecord(outcome.snapshot.content) : undefined;
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
        return parseRecord(outcome.snapshot.content)?.token === guard.token;
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
async function removeLockIfToken(files, context, token) {
    const carriesToken = (outcome) => outcome.kind === 'file' && parseRecord(outcome.snapshot.content)?.token === token;
    for (;;) {
        const seen = readNoFollow(files.lockPath);
        if (seen.kind === 'missing')
            return { status: 'gone' };
        if (seen.kind === 'not-a-file')
            throw notAFileError(files.lockPath, seen.what);
        const record = parseRecord(seen.snapshot.content);
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
    const isOurs = (content) => parseRecord(content)?.token === token;
    const timer = setInterval(() => {
        try {
            if (touchIfToken(lockPath, isOurs) !== 'touched')
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
function slotFilesFor(lockPath) {
    return { lockPath, guardPath: `${lockPath}.guard`, directory: (0,external_node_path_.dirname)(lockPath) };
}
function lockFilesFor(lockPath) {
    return { ...slotFilesFor(lockPath), queueDir: `${lockPath}.queue` };
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
        const channel = new external_node_net_namespaceObject.Socket({ fd: CHANNEL_FD, readable: true, writable: true });
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
    let nextHeartbeatAt = external_node_perf_hooks_.performance.now() + context.heartbeatMs;
    for (;;) {
        if (config.anchor && isGone(config.anchor, context.probe)) {
            // The job is over without its post step having released: release for it (§2.4).
            await removeLockIfToken(files, context, config.token);
            return;
        }
        const now = external_node_perf_hooks_.performance.now();
        if (now >= nextHeartbeatAt) {
            if (touchIfToken(files.lockPath, isOurs) !== 'touched')
                return;
            nextHeartbeatAt = now + context.heartbeatMs;
        }
        await (0,promises_.setTimeout)(Math.min(checkEveryMs, nextHeartbeatAt - now));
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
        throw new LockOptionError(name, value, POSITIVE_MS);
    }
}
/** Throws LockOptionError for the first bad timing; `defaultLeaseMs` is the lease when unset. */
function validateTimings(options, defaultLeaseMs) {
    const { timeoutSeconds } = options;
    if (timeoutSeconds !== undefined &&
        (typeof timeoutSeconds !== 'number' || !isValidTimeout(timeoutSeconds))) {
        throw new LockOptionError('timeoutSeconds', timeoutSeconds, TIMEOUT_ACCEPTED);
    }
    checkPositive('leaseMs', options.leaseMs);
    checkPositive('heartbeatMs', options.heartbeatMs);
    checkPositive('pollMs', options.pollMs);
    checkPositive('reportEveryMs', options.reportEveryMs);
    checkPositive('abandonedAfterMs', options.abandonedAfterMs);
    // A heartbeat no more often than the lease would let waiters on other hosts break a live lock.
    const leaseMs = options.leaseMs ?? defaultLeaseMs;
    if (options.heartbeatMs !== undefined && options.heartbeatMs >= leaseMs) {
        throw new LockOptionError('heartbeatMs', options.heartbeatMs, `less than the lease (${leaseMs} ms), e.g. a sixth of it`);
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
        throw new LockOptionError('pool.slots()', slots, SLOTS_ACCEPTED);
    }
    const resolved = slots.map(slot => {
        if (typeof slot !== 'string' || slot === '') {
            throw new LockOptionError('pool.slots()', slots, SLOTS_ACCEPTED);
        }
        return (0,external_node_path_.resolve)(slot);
    });
    if (new Set(resolved).size !== resolved.length || resolved.includes(queueDir)) {
        throw new LockOptionError('pool.slots()', slots, SLOTS_ACCEPTED);
    }
    return resolved;
}
function targetOf(options) {
    const { lockPath, pool } = options;
    if ((lockPath === undefined) === (pool === undefined)) {
        throw new LockOptionError('lockPath/pool', `${lockPath === undefined ? 'neither' : 'both'} given`, 'exactly one of them');
    }
    if (pool) {
        if (typeof pool.queueDir !== 'string' || pool.queueDir === '') {
            throw new LockOptionError('pool.queueDir', pool.queueDir, 'a directory path');
        }
        if (typeof pool.slots !== 'function') {
            throw new LockOptionError('pool.slots', pool.slots, 'a function returning the slot paths');
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
        throw new LockOptionError('lockPath', lockPath, 'a lock file path');
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
    isOurs = (content) => parseRecord(content)?.token === this.token;
    /**
     * Heartbeat of the entry (other hosts judge waiters by it). An entry removed by someone who
     * judged this waiter dead is put back, at the same ticket when it is still free.
     */
    heartbeat() {
        if (touchIfToken(this.path, this.isOurs) === 'touched')
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
        throw new LockOptionError('holdFor', options.holdFor, "'job' or 'process'");
    }
    const anchor = options.jobAnchorPid;
    if (anchor !== undefined && (!Number.isInteger(anchor) || anchor < 0)) {
        throw new LockOptionError('jobAnchorPid', anchor, 'a process id');
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
            sweepLeftovers(directory, [(0,external_node_path_.basename)(slot), (0,external_node_path_.basename)(slotFilesFor(slot).guardPath)]);
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
    return { lockPath, held: true, holder: parseRecord(outcome.snapshot.content) };
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
            const broken = await breakLockIfUnchanged(slotFilesFor(lockPath), context, outcome.snapshot);
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
    const context = createContext(options);
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
    const files = slotFilesFor((0,external_node_path_.resolve)(lockPath));
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
        const context = createContext({ leaseMs, hooks: options.hooks });
        outcome = await removeLockIfToken(files, context, token);
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
    const record = parseRecord(outcome.snapshot.content);
    return record?.token === token ? record : undefined;
}
/** The current holder, or undefined when the lock is free (or its file unreadable). */
async function readLockHolder(lockPath) {
    return readSlot((0,external_node_path_.resolve)(lockPath)).holder;
}

;// CONCATENATED MODULE: ./src/lock/index.ts
/** The job-spanning lock (SPEC §2): the public API of src/lock. */









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
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(189);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
