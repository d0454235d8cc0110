import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 886:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_path__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _lock_index_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(688);
/**
 * The lock as a stand-alone CLI, usable from any CI script:
 *   lock acquire --path <clone> [--timeout S] [--hold job|process]
 *       job (default): prints {"token","lockFile",...} and exits; a keeper holds the lock until
 *         `release`, or until the calling shell (the job anchor) exits.
 *       process: prints the same, then holds the lock until SIGINT/SIGTERM and releases it.
 *   lock release --path <clone> --token T
 *   lock status --path <clone>
 */


function option(args, name) {
    const index = args.indexOf(`--${name}`);
    return index >= 0 ? args[index + 1] : undefined;
}
function required(args, name) {
    const value = option(args, name);
    if (!value)
        throw new Error(`--${name} is required`);
    return value;
}
async function acquire(args) {
    const lockFile = (0,_lock_index_js__WEBPACK_IMPORTED_MODULE_1__/* .lockPathFor */ .sF)((0,node_path__WEBPACK_IMPORTED_MODULE_0__.resolve)(required(args, 'path')));
    const hold = option(args, 'hold') ?? 'job';
    if (hold !== 'job' && hold !== 'process')
        throw new Error(`--hold ${hold}: expected job or process`);
    const abort = new AbortController();
    const cancel = () => abort.abort();
    process.on('SIGINT', cancel);
    process.on('SIGTERM', cancel);
    const lock = await (0,_lock_index_js__WEBPACK_IMPORTED_MODULE_1__/* .acquireLock */ .IZ)({
        lockPath: lockFile,
        holdFor: hold,
        timeoutSeconds: Number(option(args, 'timeout') ?? '-1'),
        keeperEntry: process.argv[1],
        keeperExecArgv: process.execArgv,
        signal: abort.signal,
        log: line => console.error(line)
    });
    const { token, keeperPid, keeperStartTime, waitedMs } = lock;
    console.log(JSON.stringify({ token, lockFile, keeperPid, keeperStartTime, waitedMs }));
    if (hold === 'job')
        return;
    await new Promise(done => {
        process.off('SIGINT', cancel).off('SIGTERM', cancel);
        process.once('SIGINT', done).once('SIGTERM', done);
        setInterval(() => undefined, 1 << 30);
    });
    await (0,_lock_index_js__WEBPACK_IMPORTED_MODULE_1__/* .releaseLock */ .x_)(lockFile, token);
}
async function status(args) {
    const lockFile = (0,_lock_index_js__WEBPACK_IMPORTED_MODULE_1__/* .lockPathFor */ .sF)((0,node_path__WEBPACK_IMPORTED_MODULE_0__.resolve)(required(args, 'path')));
    const holder = await (0,_lock_index_js__WEBPACK_IMPORTED_MODULE_1__/* .readLockHolder */ .MR)(lockFile);
    const description = holder ? (0,_lock_index_js__WEBPACK_IMPORTED_MODULE_1__/* .describeHolder */ .sG)(holder, Date.now()) : undefined;
    console.log(JSON.stringify({ lockFile, held: holder !== undefined, description, holder }));
}
async function main(argv) {
    const [command, ...args] = argv;
    if (command === 'acquire')
        return acquire(args);
    if (command === 'release') {
        return (0,_lock_index_js__WEBPACK_IMPORTED_MODULE_1__/* .releaseLock */ .x_)((0,_lock_index_js__WEBPACK_IMPORTED_MODULE_1__/* .lockPathFor */ .sF)((0,node_path__WEBPACK_IMPORTED_MODULE_0__.resolve)(required(args, 'path'))), required(args, 'token'));
    }
    if (command === 'status')
        return status(args);
    throw new Error('usage: lock acquire|release|status --path <clone> [...]');
}
if ((0,_lock_index_js__WEBPACK_IMPORTED_MODULE_1__/* .isKeeperInvocation */ .Vq)(process.env)) {
    await (0,_lock_index_js__WEBPACK_IMPORTED_MODULE_1__/* .runKeeper */ .YV)(process.env);
    process.exit(0);
}
else {
    try {
        await main(process.argv.slice(2));
        process.exit(0);
    }
    catch (error) {
        console.error(error.message);
        process.exit(1);
    }
}

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 688:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  IZ: () => (/* reexport */ acquireLock),
  sG: () => (/* reexport */ describeHolder),
  Vq: () => (/* reexport */ isKeeperInvocation),
  sF: () => (/* reexport */ lockPathFor),
  MR: () => (/* reexport */ readLockHolder),
  x_: () => (/* reexport */ releaseLock),
  YV: () => (/* reexport */ runKeeper)
});

// UNUSED EXPORTS: LockCancelledError, LockLostError, LockPathError, LockTimeoutError

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(760);
;// CONCATENATED MODULE: external "node:perf_hooks"
const external_node_perf_hooks_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:perf_hooks");
;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: ./src/lock/describe.ts
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
    const pids = record.owners.map(owner => `${owner.role} ${owner.pid}`).join(', ');
    parts.push(`host ${record.host}${pids ? ` (${pids})` : ''}`);
    const acquired = Date.parse(record.acquiredAt);
    if (Number.isFinite(acquired))
        parts.push(`held for ${formatDuration(nowMs - acquired)}`);
    return parts.join(', ');
}

;// CONCATENATED MODULE: ./src/lock/errors.ts
/**
 * Errors a user can act on: what happened, to which lock, what to do. Messages never carry
 * secrets; the holder is named through describeHolder.
 */

class LockTimeoutError extends Error {
    lockPath;
    waitedMs;
    holder;
    constructor(lockPath, waitedMs, holder) {
        const who = holder
            ? `it is held by ${describeHolder(holder, Date.now())}`
            : 'other jobs are ahead of this one in its queue';
        super(`Timed out after ${Math.round(waitedMs / 1000)}s waiting for the lock ${lockPath}: ${who}. ` +
            'Raise lock-timeout (-1 waits forever) or find out why that job holds it so long.');
        this.lockPath = lockPath;
        this.waitedMs = waitedMs;
        this.holder = holder;
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
            'while this job ran, so another job may have used the shared clone at the same time; ' +
            'check the clone and why this job lost its lock (was it stopped for longer than the lease?).');
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
class LockPathError extends Error {
    path;
    constructor(path, problem, advice) {
        super(`Lock path ${path}: ${problem}. ${advice}`);
        this.path = path;
        this.name = 'LockPathError';
    }
}
const PERMISSION_CODES = new Set(['EACCES', 'EPERM', 'EROFS']);
/** Turns a filesystem error on a lock file into a LockPathError when the user can fix it. */
function asPathError(error, path, doing) {
    const code = error?.code;
    if (code && PERMISSION_CODES.has(code)) {
        return new LockPathError(path, `cannot ${doing} (${code}${code === 'EROFS' ? ', read-only filesystem' : ''})`, 'Make this directory writable by the runner user (all runner users that share it), ' +
            'or choose a `root`/`path` on a writable filesystem.');
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
const NO_FOLLOW = external_node_fs_namespaceObject.constants.O_NOFOLLOW ?? 0;
// A planted FIFO must not block the open.
const NON_BLOCK = external_node_fs_namespaceObject.constants.O_NONBLOCK ?? 0;
const CREATE_FLAGS = external_node_fs_namespaceObject.constants.O_WRONLY | external_node_fs_namespaceObject.constants.O_CREAT | external_node_fs_namespaceObject.constants.O_EXCL | NO_FOLLOW;
/**
 * Codes of `link` on filesystems without hard links (FAT, exFAT, some SMB shares): fall back to
 * O_CREAT|O_EXCL. exFAT answers EPERM, FUSE filesystems without a link op ENOSYS.
 */
const LINK_UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK', 'EXDEV']);
/**
 * The hard-link call, replaceable by tests so the link-less path also runs on filesystems that
 * have links (`bench/linkless-suite.sh` runs the suite on a real exFAT mount instead).
 */
const fileOps = { link: external_node_fs_namespaceObject.linkSync };
const linkUnsupported = (error) => {
    const code = errorCode(error);
    return code !== undefined && LINK_UNSUPPORTED.has(code);
};
const errorCode = (error) => error?.code;
function randomHex(bytes) {
    return (0,external_node_crypto_namespaceObject.randomBytes)(bytes).toString('hex');
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
        const stats = (0,external_node_fs_namespaceObject.lstatSync)(path);
        if (!stats.isFile())
            return { kind: 'not-a-file', what: describeNonFile(stats) };
        fd = (0,external_node_fs_namespaceObject.openSync)(path, external_node_fs_namespaceObject.constants.O_RDONLY | NO_FOLLOW | NON_BLOCK);
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
        const stats = (0,external_node_fs_namespaceObject.fstatSync)(fd);
        if (!stats.isFile())
            return { kind: 'not-a-file', what: describeNonFile(stats) };
        const buffer = Buffer.alloc(Math.min(stats.size, 1 << 20));
        let length = 0;
        while (length < buffer.length) {
            const read = (0,external_node_fs_namespaceObject.readSync)(fd, buffer, length, buffer.length - length, length);
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
        (0,external_node_fs_namespaceObject.closeSync)(fd);
    }
}
/** Creates `path` (never through a link) with `content`; `mtimeMs` keeps a restored file's age. */
function writeNewFile(path, content, mtimeMs) {
    const fd = (0,external_node_fs_namespaceObject.openSync)(path, CREATE_FLAGS, FILE_MODE);
    try {
        // The umask may have cleared the read bits other runner users need.
        (0,external_node_fs_namespaceObject.fchmodSync)(fd, FILE_MODE);
        (0,external_node_fs_namespaceObject.writeSync)(fd, content);
        if (mtimeMs !== undefined)
            (0,external_node_fs_namespaceObject.futimesSync)(fd, mtimeMs / 1000, mtimeMs / 1000);
    }
    finally {
        (0,external_node_fs_namespaceObject.closeSync)(fd);
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
/** Removes `path` if present; Windows' just-closed-file errors are retried briefly. */
function unlinkQuiet(path) {
    try {
        retryTransient(() => (0,external_node_fs_namespaceObject.unlinkSync)(path));
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
        fd = (0,external_node_fs_namespaceObject.openSync)(path, external_node_fs_namespaceObject.constants.O_RDONLY | NO_FOLLOW | NON_BLOCK);
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
        const stats = (0,external_node_fs_namespaceObject.fstatSync)(fd);
        if (!stats.isFile())
            return 'other';
        const buffer = Buffer.alloc(Math.min(stats.size, 1 << 20));
        const length = (0,external_node_fs_namespaceObject.readSync)(fd, buffer, 0, buffer.length, 0);
        if (!isOurs(buffer.subarray(0, length).toString('utf8')))
            return 'other';
        const now = new Date();
        (0,external_node_fs_namespaceObject.futimesSync)(fd, now, now);
        return 'touched';
    }
    finally {
        (0,external_node_fs_namespaceObject.closeSync)(fd);
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
        retryTransient(() => (0,external_node_fs_namespaceObject.renameSync)(path, aside));
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
        entries = (0,external_node_fs_namespaceObject.readdirSync)(directory);
    }
    catch {
        return;
    }
    const ours = (entry) => (names ? names.some(name => entry.startsWith(`.${name}.`)) : entry.startsWith('.')) &&
        (entry.endsWith('.tmp') || entry.includes('.reap-'));
    for (const entry of entries.filter(ours)) {
        const path = (0,external_node_path_.join)(directory, entry);
        try {
            const stats = (0,external_node_fs_namespaceObject.lstatSync)(path);
            if (Date.now() - stats.mtimeMs > LEFTOVER_AGE_MS)
                unlinkQuiet(path);
        }
        catch {
            // Gone already, or not ours to remove: leave it.
        }
    }
}

;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
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
 * clock is stepped (NTP, VM resume), so such ids prove "same boot" when equal but never prove
 * a reboot when they differ (staleness.ts): a mismatch only means "cannot check the owner".
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
 * The environment of an identity command: ours without the action's inputs (the token) and the
 * runner's ACTIONS_* credentials, which ps or PowerShell have no use for.
 */
function commandEnv(base, extra = {}) {
    const env = {};
    for (const [name, value] of Object.entries(base)) {
        if (!/^(INPUT_|ACTIONS_)/i.test(name))
            env[name] = value;
    }
    return { ...env, ...extra };
}
const systemCalls = {
    run(command) {
        try {
            return (0,external_node_child_process_namespaceObject.execFileSync)(command.file, command.args, {
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
    now: () => external_node_perf_hooks_namespaceObject.performance.now()
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
        return (0,external_node_fs_namespaceObject.readFileSync)(path, 'utf8').trim();
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
        return (0,external_node_fs_namespaceObject.readlinkSync)('/proc/self') === String(process.pid);
    }
    catch {
        return false;
    }
}
function readNamespace() {
    try {
        return (0,external_node_fs_namespaceObject.readlinkSync)('/proc/self/ns/pid');
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
            host: (0,external_node_os_namespaceObject.hostname)(),
            machineId: readTrimmed('/etc/machine-id') || readTrimmed('/var/lib/dbus/machine-id'),
            bootId: readTrimmed('/proc/sys/kernel/random/boot_id'),
            pidNamespace: procIsOurs() ? readNamespace() : '',
            platform: 'linux'
        }
        : {
            host: (0,external_node_os_namespaceObject.hostname)(),
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
        return interpretProbe('linux', { statContent: (0,external_node_fs_namespaceObject.readFileSync)(`/proc/${pid}/stat`, 'utf8') });
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
    constructor(now = () => external_node_perf_hooks_namespaceObject.performance.now()) {
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
    const slack = snapshot.mtimeMs % 1000 === 0 ? COARSE_MTIME_SLACK_MS : 0;
    return Math.max(0, now - snapshot.mtimeMs - slack);
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
const provesBoot = (bootId) => bootId !== '' && !isTimeDerivedBootId(bootId);
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
    const sameMachine = record.host === local.host && known(record.machineId, local.machineId);
    // Only real boot ids (Linux boot_id, macOS boot session uuid) prove a reboot: a boot time
    // moves when the clock is stepped, so a differing one only disables the owner check below.
    if (sameMachine &&
        provesBoot(record.bootId) &&
        provesBoot(local.bootId) &&
        record.bootId !== local.bootId) {
        return { stale: true, rule: 'rebooted', reason: 'this host rebooted since it was taken' };
    }
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
    // Another host, another container, or an owner we cannot check: only the heartbeat tells.
    const leaseMs = Math.max(input.ownLeaseMs, record.leaseMs);
    const stale = observation.unchangedForMs >= leaseMs;
    return {
        stale,
        rule: 'lease',
        reason: stale
            ? `no heartbeat seen for ${Math.round(observation.unchangedForMs)} ms (lease ${leaseMs} ms)`
            : `owner not checkable from here; heartbeat lease ${leaseMs} ms not expired`
    };
}

;// CONCATENATED MODULE: ./src/lock/context.ts




const DEFAULT_LEASE_MS = 30_000;
const DEFAULT_ABANDONED_AFTER_MS = 5_000;
function createContext(timings = {}) {
    const leaseMs = timings.leaseMs ?? DEFAULT_LEASE_MS;
    return {
        leaseMs,
        heartbeatMs: timings.heartbeatMs ?? Math.max(1, Math.floor(leaseMs / 6)),
        abandonedAfterMs: timings.abandonedAfterMs ?? DEFAULT_ABANDONED_AFTER_MS,
        local: localFacts(),
        // Reuses macOS/Windows start times briefly: waiters ask about the same PIDs every poll.
        probe: createProber(),
        tracker: new UnchangedTracker()
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
            localAgeMs: localAgeMs(snapshot)
        },
        ownLeaseMs: context.leaseMs,
        abandonedAfterMs: context.abandonedAfterMs
    });
    return { record, verdict };
}

;// CONCATENATED MODULE: external "node:timers/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:timers/promises");
;// CONCATENATED MODULE: ./src/lock/guard.ts
/**
 * The reaper guard `<clone>.lock.guard` (§2.4, §2.5). Every removal of the lock happens while
 * holding it, after re-reading the lock under it. Creation never replaces an existing file, so
 * what was read under the guard stays at the path until the guard holder removes it: two
 * breakers never remove a fresh lock, and a release never removes another job's lock.
 */






const MAX_BACKOFF_MS = 20;
async function acquireGuard(files, context) {
    const token = randomHex(16);
    const content = encodeRecord(buildRecord(context, 'guard', token, [ownerOf(process.pid, 'process')]));
    for (let backoffMs = 1;; backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS)) {
        if (createExclusive(files.guardPath, content))
            return token;
        const outcome = readNoFollow(files.guardPath);
        if (outcome.kind === 'not-a-file')
            throw notAFileError(files.guardPath, outcome.what);
        if (outcome.kind === 'missing')
            continue;
        const seen = outcome.snapshot;
        // A guard is held for milliseconds; one left behind by a killed process is broken by the
        // same proof rules as the lock, and removed by rename-and-recheck so two breakers of the
        // same dead guard never remove a live one.
        if (judgeFile(context, files.guardPath, seen).verdict.stale) {
            reapIfUnchanged(files.guardPath, now => now.kind === 'file' && sameSnapshot(now.snapshot, seen));
            continue;
        }
        await (0,promises_namespaceObject.setTimeout)(backoffMs);
    }
}
function releaseGuard(files, token) {
    const outcome = readNoFollow(files.guardPath);
    if (outcome.kind === 'file' && parseRecord(outcome.snapshot.content)?.token === token) {
        unlinkQuiet(files.guardPath);
    }
}
async function withGuard(files, context, work) {
    const token = await acquireGuard(files, context);
    try {
        return await work();
    }
    finally {
        releaseGuard(files, token);
    }
}
/** Removes the lock only if it still carries `token` (release by owner, §2.5). */
function removeLockIfToken(files, context, token) {
    return withGuard(files, context, () => {
        const outcome = readNoFollow(files.lockPath);
        if (outcome.kind === 'missing')
            return { status: 'gone' };
        if (outcome.kind === 'not-a-file')
            throw notAFileError(files.lockPath, outcome.what);
        const record = parseRecord(outcome.snapshot.content);
        if (record?.token !== token)
            return { status: 'other', current: record };
        unlinkQuiet(files.lockPath);
        return { status: 'removed', record };
    });
}
/**
 * Removes a lock judged stale only if, under the guard, it is still exactly the file that was
 * judged (same inode, mtime, size and content): a heartbeat that moved, or a fresh lock taken
 * in between, leaves it in place (§2.4).
 */
function breakLockIfUnchanged(files, context, judged) {
    return withGuard(files, context, () => {
        const outcome = readNoFollow(files.lockPath);
        if (outcome.kind === 'missing')
            return 'gone';
        if (outcome.kind === 'not-a-file')
            throw notAFileError(files.lockPath, outcome.what);
        if (!sameSnapshot(outcome.snapshot, judged))
            return 'changed';
        unlinkQuiet(files.lockPath);
        return 'removed';
    });
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

;// CONCATENATED MODULE: ./src/lock/paths.ts
/** Where the lock's files live, beside the clone (§2, DESIGN "The lock"). */

/** `${clonePath}.lock` — appended, never a suffix replacement (`repo.v2` → `repo.v2.lock`). */
function lockPathFor(clonePath) {
    return `${clonePath.replace(/[\\/]+$/, '')}.lock`;
}
function lockFilesFor(lockPath) {
    return {
        lockPath,
        guardPath: `${lockPath}.guard`,
        queueDir: `${lockPath}.queue`,
        directory: (0,external_node_path_.dirname)(lockPath)
    };
}

;// CONCATENATED MODULE: ./src/lock/queue.ts
/**
 * The FIFO of waiters `<clone>.lock.queue/<ticket>` (§2.7). A ticket is a zero-padded integer,
 * one more than the largest present, created with the same exclusive create as the lock. Only
 * the head may create the lock; exclusion itself rests on the lock file alone. Entries of
 * waiters that died are removed by the waiters behind them, with the same proof rules.
 */







const TICKET_DIGITS = 12;
const TICKET = /^\d{12}$/;
function ticketName(number) {
    return String(number).padStart(TICKET_DIGITS, '0');
}
/** Creates the queue directory (refusing a planted link) with the lock directory's permissions. */
function ensureQueueDir(files) {
    try {
        (0,external_node_fs_namespaceObject.mkdirSync)(files.queueDir);
        // Whoever may create the lock may queue for it: copy the lock directory's mode bits.
        (0,external_node_fs_namespaceObject.chmodSync)(files.queueDir, (0,external_node_fs_namespaceObject.statSync)(files.directory).mode & 0o7777);
    }
    catch (error) {
        const code = error.code;
        if (code !== 'EEXIST')
            throw asPathError(error, files.directory, 'create the lock queue in it');
    }
    const stats = (0,external_node_fs_namespaceObject.lstatSync)(files.queueDir);
    if (!stats.isDirectory()) {
        throw notAFileError(files.queueDir, stats.isSymbolicLink() ? 'symbolic link' : 'file');
    }
}
function listQueue(files) {
    const tickets = [];
    let largest = 0;
    for (const entry of (0,external_node_fs_namespaceObject.readdirSync)(files.queueDir, { withFileTypes: true })) {
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
/** True while some queue entry carries `token` (its waiter has not yet taken the lock). */
function queueHasToken(files, token) {
    return listQueue(files).tickets.some(ticket => {
        const outcome = readNoFollow((0,external_node_path_.join)(files.queueDir, ticket));
        return outcome.kind === 'file' && parseRecord(outcome.snapshot.content)?.token === token;
    });
}
class QueueEntry {
    files;
    content;
    token;
    ticket;
    constructor(files, content, token, ticket) {
        this.files = files;
        this.content = content;
        this.token = token;
        this.ticket = ticket;
    }
    /** Takes the next ticket. */
    static enqueue(files, content, token) {
        let number = listQueue(files).largest + 1;
        while (!createExclusive((0,external_node_path_.join)(files.queueDir, ticketName(number)), content))
            number++;
        return new QueueEntry(files, content, token, ticketName(number));
    }
    get path() {
        return (0,external_node_path_.join)(this.files.queueDir, this.ticket);
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
        this.ticket = QueueEntry.enqueue(this.files, this.content, this.token).ticket;
    }
    /**
     * The tickets ahead of this one. With `removeDead`, the entry directly ahead is removed when
     * its waiter is proven gone (rename-and-recheck, so a fresh entry at a reused ticket
     * survives), then the next one: each entry is checked by its successor only, so a poll costs
     * every waiter O(1) however long the queue.
     */
    ahead(context, removeDead, log) {
        const { tickets } = listQueue(this.files);
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
        const path = (0,external_node_path_.join)(this.files.queueDir, ticket);
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

;// CONCATENATED MODULE: ./src/lock/keeper.ts
/**
 * The keeper: a detached process that co-owns a job lock (DESIGN "The lock"). Main starts it
 * before taking the lock; it lives as long as the job (the runner kills it at job end through
 * RUNNER_TRACKING_ID, which it inherits), heartbeats the lock for waiters that cannot check
 * PIDs, and releases the lock itself when the job anchor dies.
 */












const ENV_FLAG = 'SHARED_CHECKOUT_LOCK_KEEPER';
const ENV_CONFIG = 'SHARED_CHECKOUT_LOCK_KEEPER_CONFIG';
/** How often a keeper whose lock is not yet taken looks for it. */
const WAIT_FOR_LOCK_POLL_MS = 500;
/**
 * How often a keeper holding the lock checks its job anchor. A crashed worker gets no orphan
 * cleanup, so this bounds how long the next job waits for a killed one (issue 3: < 2 s). Cheap:
 * a /proc read (a kill(pid, 0) and a cached start time on macOS/Windows).
 */
const ANCHOR_CHECK_MS = 250;
const READY_TIMEOUT_MS = 30_000;
/** The keeper reports readiness on this inherited pipe. */
const READY_FD = 3;
function isKeeperInvocation(env = process.env) {
    return env[ENV_FLAG] === '1';
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
function startKeeper(options) {
    const entry = (0,external_node_path_.resolve)(options.entry);
    const child = (0,external_node_child_process_namespaceObject.spawn)(process.execPath, [...options.execArgv, entry], {
        detached: true,
        stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
        // Inherits RUNNER_TRACKING_ID, so the runner ends the keeper with the job.
        env: { ...process.env, [ENV_FLAG]: '1', [ENV_CONFIG]: JSON.stringify(options.config) }
    });
    if (child.pid === undefined)
        throw new Error(`Could not start the lock keeper (${entry}).`);
    const pid = child.pid;
    const startTime = startTimeOf(pid);
    const pipe = child.stdio[READY_FD];
    const ready = new Promise((resolveReady, reject) => {
        const timer = setTimeout(() => finish(new Error('it did not start within 30 s')), READY_TIMEOUT_MS);
        const finish = (problem) => {
            clearTimeout(timer);
            pipe.removeAllListeners();
            pipe.destroy();
            child.removeAllListeners();
            child.unref();
            if (!problem)
                return resolveReady();
            reject(new Error(`The lock keeper (${process.execPath} ${entry}) is not running: ${problem.message}. ` +
                'The keeper entry must call runKeeper() when isKeeperInvocation(process.env).'));
        };
        pipe.on('data', () => finish());
        pipe.on('error', () => undefined);
        child.on('error', error => finish(error));
        child.on('exit', code => finish(new Error(`it exited with code ${code} before it was ready`)));
    });
    // Callers that give up before awaiting must not see an unhandled rejection.
    ready.catch(() => undefined);
    return { pid, startTime, ready };
}
function readConfig(env) {
    const text = env[ENV_CONFIG];
    if (!text)
        throw new Error(`${ENV_CONFIG} is not set: not started as a lock keeper`);
    return JSON.parse(text);
}
function reportReady() {
    try {
        (0,external_node_fs_namespaceObject.writeSync)(READY_FD, 'ready\n');
        (0,external_node_fs_namespaceObject.closeSync)(READY_FD);
    }
    catch {
        // Started by hand without the pipe: nothing to report to.
    }
}
function tokenCheck(token) {
    return content => parseRecord(content)?.token === token;
}
/** The keeper's whole life. Resolves when it should exit. */
async function runKeeper(env = process.env) {
    const config = readConfig(env);
    const files = lockFilesFor(config.lockPath);
    const context = createContext(config);
    const isOurs = tokenCheck(config.token);
    // SIGTERM (job end, or post after releasing) ends it without releasing; the cancellation
    // SIGINT is for the step, not for the job's lock.
    process.on('SIGTERM', () => process.exit(0));
    process.on('SIGINT', () => undefined);
    process.on('SIGHUP', () => undefined);
    reportReady();
    // Until the lock carries our token, the acquirer is still waiting (or gave up, or died).
    // It leaves the queue only after creating the lock, so the queue is read first: no entry
    // and no lock with our token means it gave up, or its lock is already gone.
    for (;;) {
        const waiting = queueHasToken(files, config.token);
        const outcome = readNoFollow(files.lockPath);
        if (outcome.kind === 'file' && isOurs(outcome.snapshot.content))
            break;
        if (!waiting || isGone(config.acquirer, context.probe))
            return;
        if (config.anchor && isGone(config.anchor, context.probe))
            return;
        await (0,promises_namespaceObject.setTimeout)(Math.min(WAIT_FOR_LOCK_POLL_MS, context.heartbeatMs));
    }
    const checkEveryMs = config.anchor
        ? Math.min(ANCHOR_CHECK_MS, context.heartbeatMs)
        : context.heartbeatMs;
    let nextHeartbeatAt = 0;
    for (;;) {
        if (config.anchor && isGone(config.anchor, context.probe)) {
            // The job is over without its post step having released: release for it (§2.4).
            await removeLockIfToken(files, context, config.token);
            return;
        }
        const now = external_node_perf_hooks_namespaceObject.performance.now();
        if (now >= nextHeartbeatAt) {
            if (touchIfToken(files.lockPath, isOurs) !== 'touched')
                return;
            nextHeartbeatAt = now + context.heartbeatMs;
        }
        await (0,promises_namespaceObject.setTimeout)(Math.min(checkEveryMs, nextHeartbeatAt - now));
    }
}

;// CONCATENATED MODULE: ./src/lock/wake.ts
/**
 * Waking a waiter (§2.6): filesystem notifications on the lock's directory and the queue
 * directory wake it within milliseconds of a release; a timer is the fallback for filesystems
 * without notifications. Sleeping costs no CPU.
 */

class Waker {
    watchers = [];
    pending = false;
    wakeUp;
    constructor(targets) {
        for (const target of targets) {
            try {
                const watcher = (0,external_node_fs_namespaceObject.watch)(target.directory, { persistent: true }, (_event, name) => {
                    if (!target.accept || !name || target.accept(String(name)))
                        this.notify();
                });
                // Notifications unsupported or lost (network filesystems): polling still runs.
                watcher.on('error', () => watcher.close());
                this.watchers.push(watcher);
            }
            catch {
                // Same fallback: the poll timer alone.
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
            const timer = setTimeout(() => finish('timeout'), Math.max(0, ms));
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

;// CONCATENATED MODULE: ./src/lock/lock.ts
/**
 * Taking and releasing the job-spanning lock (§2). Exclusion rests on the exclusive creation of
 * `<clone>.lock`; the queue orders the waiters; the guard makes every removal race-free.
 */














const DEFAULT_POLL_MS = 1000;
const DEFAULT_REPORT_EVERY_MS = 60_000;
/** Creates the lock directory if missing and fails early and clearly when it is not writable. */
function prepareDirectory(files) {
    try {
        (0,external_node_fs_namespaceObject.mkdirSync)(files.directory, { recursive: true });
        (0,external_node_fs_namespaceObject.accessSync)(files.directory, external_node_fs_namespaceObject.constants.W_OK);
    }
    catch (error) {
        const problem = asPathError(error, files.directory, 'create or write lock files in it');
        if (problem instanceof LockPathError)
            throw problem;
        throw error;
    }
}
function readHolder(files) {
    const outcome = readNoFollow(files.lockPath);
    if (outcome.kind === 'not-a-file')
        throw notAFileError(files.lockPath, outcome.what);
    return outcome.kind === 'file' ? parseRecord(outcome.snapshot.content) : undefined;
}
function progressLine(files, holder, ahead, waitedMs) {
    const who = holder ? `held by ${describeHolder(holder, Date.now())}` : 'free';
    const queue = ahead === 1 ? '1 waiter ahead' : `${ahead} waiters ahead`;
    return `Waiting for the lock ${files.lockPath} (${formatDuration(waitedMs)} so far): ${who}; ${queue} of this job.`;
}
function startOwners(options, files, token, context) {
    if (options.holdFor === 'process')
        return { owners: [ownerOf(process.pid, 'process')] };
    const anchorPid = options.jobAnchorPid ?? process.ppid;
    const anchor = anchorPid > 1 ? ownerOf(anchorPid, 'job-anchor') : undefined;
    const keeper = startKeeper({
        entry: options.keeperEntry ?? process.argv[1] ?? '',
        execArgv: options.keeperExecArgv ?? [],
        config: {
            lockPath: files.lockPath,
            token,
            acquirer: ownerOf(process.pid, 'process'),
            anchor,
            leaseMs: context.leaseMs,
            heartbeatMs: context.heartbeatMs,
            abandonedAfterMs: context.abandonedAfterMs
        }
    });
    const owners = [];
    if (anchor)
        owners.push({ ...anchor, role: 'job-anchor' });
    owners.push({ pid: keeper.pid, startTime: keeper.startTime, role: 'keeper' });
    return { owners, keeper };
}
async function acquireLock(options) {
    const started = external_node_perf_hooks_namespaceObject.performance.now();
    const files = lockFilesFor((0,external_node_path_.resolve)(options.lockPath));
    const log = options.log ?? (() => undefined);
    const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    const reportEveryMs = options.reportEveryMs ?? DEFAULT_REPORT_EVERY_MS;
    const timeoutSeconds = options.timeoutSeconds ?? -1;
    const deadline = timeoutSeconds < 0 ? Infinity : started + timeoutSeconds * 1000;
    const context = createContext(options);
    const token = randomHex(16);
    const job = normalizeJob(options.job);
    if (options.signal?.aborted)
        throw new LockCancelledError(files.lockPath);
    prepareDirectory(files);
    ensureQueueDir(files);
    sweepLeftovers(files.directory, [(0,external_node_path_.basename)(files.lockPath), (0,external_node_path_.basename)(files.guardPath)]);
    sweepLeftovers(files.queueDir);
    const waiterRecord = buildRecord(context, 'waiter', token, [ownerOf(process.pid, 'process')], job);
    let entry;
    let keeper;
    let waker;
    let entryHeartbeat;
    let acquired;
    try {
        entry = QueueEntry.enqueue(files, encodeRecord(waiterRecord), token);
        // The keeper starts once our queue entry exists: it reads the entry as "still waiting".
        const ownership = startOwners(options, files, token, context);
        const owners = ownership.owners;
        keeper = ownership.keeper;
        const queuePosition = entry.ahead(context, false, log).length;
        await options.hooks?.onQueued?.(entry.ticket, queuePosition);
        const queued = entry;
        entryHeartbeat = setInterval(() => queued.heartbeat(), context.heartbeatMs);
        // Only the head cares about the lock file, and a waiter only about the entry just ahead
        // of it: a release wakes one process, not the whole queue.
        const lockName = (0,external_node_path_.basename)(files.lockPath);
        let ahead = [];
        waker = new Waker([
            { directory: files.directory, accept: name => name === lockName && ahead.length === 0 },
            {
                directory: files.queueDir,
                accept: name => ahead.length > 0 && name === ahead[ahead.length - 1]
            }
        ]);
        let holderSeen;
        let nextPollAt = 0;
        let nextReportAt = 0;
        let keeperReady = false;
        for (;;) {
            if (options.signal?.aborted)
                throw new LockCancelledError(files.lockPath);
            const now = external_node_perf_hooks_namespaceObject.performance.now();
            // Staleness of others is judged on the poll, not on every notification.
            const fullCheck = now >= nextPollAt;
            if (fullCheck)
                nextPollAt = now + pollMs;
            ahead = entry.ahead(context, fullCheck, log);
            let holder;
            if (ahead.length === 0) {
                if (keeper && !keeperReady) {
                    await keeper.ready;
                    keeperReady = true;
                }
                const record = buildRecord(context, 'lock', token, owners, job);
                if (createExclusive(files.lockPath, encodeRecord(record))) {
                    acquired = record;
                    const waitedMs = external_node_perf_hooks_namespaceObject.performance.now() - started;
                    return {
                        lockPath: files.lockPath,
                        token,
                        record,
                        waitedMs,
                        holderSeen,
                        queuePosition,
                        keeperPid: keeper?.pid,
                        keeperStartTime: keeper?.startTime
                    };
                }
                const outcome = readNoFollow(files.lockPath);
                if (outcome.kind === 'not-a-file')
                    throw notAFileError(files.lockPath, outcome.what);
                if (outcome.kind === 'missing')
                    continue; // released in between: try again at once
                const judged = judgeFile(context, files.lockPath, outcome.snapshot);
                holder = judged.record;
                if (fullCheck && judged.verdict.stale) {
                    await options.hooks?.beforeBreak?.(judged.record, judged.verdict.reason);
                    const broken = await breakLockIfUnchanged(files, context, outcome.snapshot);
                    if (broken === 'removed') {
                        const who = judged.record
                            ? describeHolder(judged.record, Date.now())
                            : 'unreadable file';
                        log(`Broke the stale lock ${files.lockPath} (${who}): ${judged.verdict.reason}.`);
                    }
                    context.tracker.forget(files.lockPath);
                    continue;
                }
            }
            else if (!holderSeen || now >= nextReportAt || now >= deadline) {
                holder = readHolder(files);
            }
            holderSeen ??= holder;
            const waitedMs = now - started;
            if (now >= deadline)
                throw new LockTimeoutError(files.lockPath, waitedMs, holder);
            if (now >= nextReportAt) {
                log(progressLine(files, holder, ahead.length, waitedMs));
                nextReportAt = now + reportEveryMs;
            }
            const sleepMs = Math.min(nextPollAt, nextReportAt, deadline) - external_node_perf_hooks_namespaceObject.performance.now();
            if ((await waker.wait(sleepMs, options.signal)) === 'abort') {
                throw new LockCancelledError(files.lockPath);
            }
        }
    }
    finally {
        clearInterval(entryHeartbeat);
        waker?.close();
        // Leave the queue only after the lock exists, so the next waiter cannot take it first.
        entry?.leave();
        if (acquired && options.holdFor === 'process') {
            startHeartbeat(files.lockPath, token, context.heartbeatMs);
        }
        if (!acquired && keeper)
            stopProcess(keeper);
    }
}
/**
 * Releases the lock only if it still carries `token` (§2.5); otherwise throws LockLostError
 * naming who holds it now. Stops the lock's keeper (start time checked before signalling).
 */
async function releaseLock(lockPath, token, options = {}) {
    const files = lockFilesFor((0,external_node_path_.resolve)(lockPath));
    stopHeartbeat(files.lockPath, token);
    const outcome = await removeLockIfToken(files, createContext(), token);
    const keepers = outcome.status === 'removed'
        ? outcome.record.owners.filter(owner => owner.role === 'keeper')
        : [];
    if (options.keeperPid && options.keeperStartTime) {
        keepers.push({ pid: options.keeperPid, startTime: options.keeperStartTime });
    }
    for (const keeper of keepers)
        if (!isGone(keeper))
            stopProcess(keeper);
    if (outcome.status === 'gone')
        throw new LockLostError(files.lockPath, undefined);
    if (outcome.status === 'other')
        throw new LockLostError(files.lockPath, outcome.current);
}
/** The current holder, or undefined when the lock is free (or its file unreadable). */
async function readLockHolder(lockPath) {
    return readHolder(lockFilesFor((0,external_node_path_.resolve)(lockPath)));
}

;// CONCATENATED MODULE: ./src/lock/index.ts
/** The job-spanning lock (SPEC §2): the public API of src/lock. */







/***/ }),

/***/ 760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

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
/******/ var __webpack_exports__ = __nccwpck_require__(886);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
