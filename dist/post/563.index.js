export const id = 563;
export const ids = [563];
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

/***/ 563:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  evictIfDue: () => (/* binding */ evictIfDue)
});

// UNUSED EXPORTS: EVICT_INTERVAL_MS, FLEET_DIR_NAME, evictionDue, evictionLockOf, evictionStampOf, fleetDirOf, stampEviction, tryEvictionLock

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(24);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./src/fs/write.ts
var write = __webpack_require__(688);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(598);
// EXTERNAL MODULE: ./src/lock/index.ts + 21 modules
var lock = __webpack_require__(946);
// EXTERNAL MODULE: ./src/process/sweep.ts
var sweep = __webpack_require__(49);
// EXTERNAL MODULE: ./src/repo/layout.ts
var repo_layout = __webpack_require__(776);
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

// EXTERNAL MODULE: ./src/fleet/format.ts
var format = __webpack_require__(405);
// EXTERNAL MODULE: ./src/fleet/locks.ts
var locks = __webpack_require__(364);
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
function mtimeOf(file) {
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
    return external_node_path_default().join(layout.store, ...(0,repo_layout/* pinRefOf */.iA)(tree).split('/'));
}
/** When tree `n` was last checked out; undefined when the tree does not exist. */
function treeLastUse(layout, tree) {
    return mtimeOf(treeHeadFile(layout, tree)) ?? mtimeOf(layout.tree(tree));
}
/** When the store was last fetched into; undefined when unknown (no fetch since its last lock). */
function storeLastFetch(layout) {
    return mtimeOf(external_node_path_default().join(layout.store, 'FETCH_HEAD'));
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
    return latest([storeLastFetch(layout), ...trees.map(tree => mtimeOf(pinFile(layout, tree)))]);
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
const MAX_DEPTH = 10;
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
        if (isFile(external_node_path_default().join(dir, repo_layout/* MARKER_NAME */.b4))) {
            found.push(dir);
            return; // a repository's own directories (trees, store) are never other repositories
        }
        if (depth >= MAX_DEPTH)
            return;
        for (const name of (0,write/* entriesOf */.Mc)(dir)) {
            if (depth === 0 && isFleetEntry(name))
                continue;
            const child = external_node_path_default().join(dir, name);
            if ((0,write/* isRealDirectory */.sL)(child))
                walk(child, depth + 1);
        }
    };
    if ((0,write/* isRealDirectory */.sL)(root))
        walk(root, 0);
    return found.sort();
}
/** The tree numbers a repository has: its tree directories and its tree lock files. */
function treeNumbers(layout) {
    const numbers = new Set();
    for (const name of (0,write/* entriesOf */.Mc)(layout.treesDir)) {
        if (TREE_DIR.test(name) && (0,write/* isRealDirectory */.sL)(external_node_path_default().join(layout.treesDir, name)))
            numbers.add(Number(name));
    }
    for (const name of (0,write/* entriesOf */.Mc)(layout.locksDir)) {
        const tree = (0,repo_layout/* treeNumberOfLock */.Kz)(name);
        if (tree !== undefined)
            numbers.add(tree);
    }
    return [...numbers].sort((a, b) => a - b);
}
/** Tickets in a queue directory, in order (files only: a planted link is never followed). */
function queueTickets(queueDir) {
    return (0,write/* entriesOf */.Mc)(queueDir)
        .filter(name => TICKET.test(name) && isFile(external_node_path_default().join(queueDir, name)))
        .sort();
}
async function holderOf(file) {
    try {
        return await (0,lock/* readLockHolder */.MR)(file);
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
        return (0,repo_layout/* parseMarker */.gY)((0,external_node_fs_.readFileSync)(layout.marker, 'utf8'))?.repository ?? layout.dir;
    }
    catch {
        return layout.dir;
    }
}
/** Reads one repository's directory. `holders`: also read who holds each lock (status). */
async function readRepository(dir, options = {}) {
    const layout = (0,repo_layout/* layoutOf */.aH)(dir);
    const numbers = treeNumbers(layout);
    const trees = [];
    for (const tree of numbers) {
        const lockFile = layout.treeLock(tree);
        const locked = isFile(lockFile);
        trees.push({
            tree,
            dir: layout.tree(tree),
            exists: (0,write/* isRealDirectory */.sL)(layout.tree(tree)),
            lockFile,
            locked,
            holder: locked && options.holders ? await holderOf(lockFile) : undefined,
            lastUse: treeLastUse(layout, tree)
        });
    }
    const storeLocked = isFile(layout.storeLock);
    const storeUse = storeLastUse(layout, numbers);
    const aside = (0,write/* entriesOf */.Mc)(layout.aside).map(name => {
        const file = external_node_path_default().join(layout.aside, name);
        return { name, path: file, mtime: mtimeOf(file) ?? 0 };
    });
    return {
        dir,
        layout,
        key: markerKey(layout),
        storeExists: (0,write/* isRealDirectory */.sL)(layout.store),
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
            marker: mtimeOf(layout.marker),
            store: storeUse,
            trees: trees.map(t => t.lastUse)
        }),
        aside
    };
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
function loadSettings(root, env) {
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












const older = (lastUse, days, nowMs) => days !== null && nowMs - lastUse > days * format/* DAY_MS */.sO;
const byLastUse = (a, b) => a.lastUse - b.lastUse;
const unused = (lastUse, nowMs) => `unused for ${(0,format/* formatSpan */.QA)(nowMs - lastUse)}`;
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
            add(target, 'age', `${unused(target.lastUse, nowMs)} (repositories go after ${(0,format/* formatDays */.n1)(limits.repoDays)})`);
            goingForAge.add(target.dir);
        }
    for (const target of trees)
        if (!goingForAge.has(target.dir) && older(target.lastUse, limits.treeDays, nowMs))
            add(target, 'age', `${unused(target.lastUse, nowMs)} (trees go after ${(0,format/* formatDays */.n1)(limits.treeDays)})`);
    for (const target of asides)
        if (!goingForAge.has(target.dir) && older(target.lastUse, limits.repoDays, nowMs))
            add(target, 'age', `set aside ${(0,format/* formatSpan */.QA)(nowMs - target.lastUse)} ago (kept ${(0,format/* formatDays */.n1)(limits.repoDays)})`);
    if (limits.minFreeBytes > 0 && space.availableBytes < limits.minFreeBytes) {
        const short = `${(0,format/* formatBytes */.z3)(space.availableBytes)} free, below ${(0,format/* formatBytes */.z3)(limits.minFreeBytes)}`;
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
        return (0,repo_layout/* layoutOf */.aH)(target.dir).tree(target.tree);
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
        await (0,sweep/* endProcessesIn */.aA)(moved, { log: line => log.info(line), what: moved });
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
        this.tryOptions = { job: (0,locks/* fleetJob */.Cb)(options.job, 'eviction'), signal: options.signal };
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
            this.log.info(`${verb} ${describeTarget(target)}: ${item.why}; ${this.options.dryRun ? 'frees' : 'freed'} ${(0,format/* formatBytes */.z3)(outcome.bytes)}`);
        }
        else {
            this.kept.push({ ...base, path: targetPath(target), why: outcome.why });
            this.log.info(`kept ${describeTarget(target)}: ${outcome.why}`);
        }
    }
    /** A tree, under its own tree lock. */
    async removeTree(item) {
        const { target } = item;
        const layout = (0,repo_layout/* layoutOf */.aH)(target.dir);
        const treeDir = layout.tree(target.tree);
        if (!isDirectory(treeDir))
            return { removed: false, why: 'it is gone already' };
        const tried = await (0,locks/* tryTreeLock */.Ni)(layout, target.tree, this.tryOptions);
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
            await (0,sweep/* endProcessesIn */.aA)(treeDir, {
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
            await (0,locks/* release */._r)(tried.lock, line => this.log.warning(line));
        }
        return { removed: true, bytes: await deleteMoved(moved, this.log), path: treeDir };
    }
    /** A whole repository, holding its store lock and every tree lock, with nobody queued. */
    async removeRepository(item) {
        const { target } = item;
        const layout = (0,repo_layout/* layoutOf */.aH)(target.dir);
        if (!isDirectory(layout.dir))
            return { removed: false, why: 'it is gone already' };
        const store = await (0,locks/* tryStoreLock */.SY)(layout, this.tryOptions);
        if (!store.taken)
            return { removed: false, why: `the store lock is ${store.why}` };
        const held = [store.lock];
        let moved;
        try {
            for (const tree of treeNumbers(layout)) {
                const tried = await (0,locks/* tryTreeLock */.Ni)(layout, tree, this.tryOptions);
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
            const intruder = await intruderIn((0,repo_layout/* layoutOf */.aH)(destination), held);
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
                    await (0,locks/* release */._r)(lock, line => this.log.warning(line));
        }
        for (const lock of held)
            await (0,locks/* releaseQuietly */.Lz)(lock); // stops their heartbeats
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
            const layout = (0,repo_layout/* layoutOf */.aH)(dir);
            const held = [];
            let free = true;
            try {
                const store = await (0,locks/* tryStoreLock */.SY)(layout, this.tryOptions);
                if (store.taken)
                    held.push(store.lock);
                else
                    free = false;
                for (const tree of free ? treeNumbers(layout) : []) {
                    const tried = await (0,locks/* tryTreeLock */.Ni)(layout, tree, this.tryOptions);
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
                    await (0,locks/* releaseQuietly */.Lz)(lock);
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
                this.log.info(`removed ${dir}, left by an interrupted eviction; freed ${(0,format/* formatBytes */.z3)(bytes)}`);
            }
            catch (error) {
                this.log.warning(`could not remove ${dir}: ${error instanceof Error ? error.message : String(error)}`);
            }
            finally {
                for (const lock of held)
                    await (0,locks/* releaseQuietly */.Lz)(lock);
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
        const tree = (0,repo_layout/* treeNumberOfLock */.Kz)(name);
        if (tree === undefined && name !== 'store.lock')
            continue;
        const holder = await (0,lock/* readLockHolder */.MR)(external_node_path_default().join(moved.locksDir, name)).catch(() => undefined);
        if (!holder || !tokens.has(holder.token))
            return `${name} was taken`;
    }
    return undefined;
}
/**
 * Removes what is due (see planEviction) from the repositories under `root`, and what
 * interrupted evictions left. Never removes anything held.
 */
async function evict(root, options) {
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
        options.log.warning(`${root}: ${(0,format/* formatBytes */.z3)(spaceAfter.availableBytes)} free, still below ${(0,format/* formatBytes */.z3)(limits.minFreeBytes)}; ` +
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
    return (0,locks/* tryOnceAt */.aV)(evictionLockOf(root), {
        job: (0,locks/* fleetJob */.Cb)(options.job, 'eviction'),
        signal: options.signal
    });
}
function stampEviction(root, nowMs = Date.now()) {
    (0,write/* writeFileAtomic */.Zf)(evictionStampOf(root), `${new Date(nowMs).toISOString()}\n`);
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
        return { ran: false, why: `the last eviction ran ${(0,format/* formatAgo */.n4)(last, now())}` };
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
            await (0,locks/* release */._r)(tried.lock, line => options.log.warning(line));
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
