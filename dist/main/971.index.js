export const id = 971;
export const ids = [971];
export const modules = {

/***/ 7971:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  ARCHIVED_PATHS: () => (/* reexport */ ARCHIVED_PATHS),
  DEFAULT_CACHE_KEY_PREFIX: () => (/* reexport */ DEFAULT_CACHE_KEY_PREFIX),
  UPLOAD_STAGE_PREFIX: () => (/* reexport */ UPLOAD_STAGE_PREFIX),
  cacheServiceStatus: () => (/* reexport */ cacheServiceStatus),
  createStoreWarmer: () => (/* reexport */ createStoreWarmer),
  deriveCacheKey: () => (/* reexport */ deriveCacheKey),
  isCacheServiceAvailable: () => (/* reexport */ isCacheServiceAvailable),
  isoWeek: () => (/* reexport */ isoWeek),
  normalizeRepositoryId: () => (/* reexport */ normalizeRepositoryId),
  restoreStoreFromCache: () => (/* reexport */ restoreStoreFromCache),
  stageStoreForCache: () => (/* reexport */ stageStoreForCache),
  uploadStagedStore: () => (/* reexport */ uploadStagedStore),
  verifyRestoredRepository: () => (/* reexport */ verifyRestoredRepository)
});

;// CONCATENATED MODULE: ./src/cache/key.ts
/**
 * Cache key derivation (§4): pure. The key names the OS, the host-independent repository
 * identity and the period; the restore key (same without the period) lets a fresh machine
 * start from last week's clone — the service returns the newest entry with that prefix —
 * and fetch only the difference.
 */
/** v2: the archive holds the object store (a bare repository), not a clone's `.git`. */
const DEFAULT_CACHE_KEY_PREFIX = 'shared-checkout-v2';
function deriveCacheKey(input) {
    const prefix = (input.prefix ?? '').trim() || DEFAULT_CACHE_KEY_PREFIX;
    const parts = [prefix, input.platform.toLowerCase()];
    if (input.arch)
        parts.push(input.arch.toLowerCase());
    parts.push(normalizeRepositoryId(input.repositoryId));
    const stem = `${parts.join('-')}-`;
    const key = `${stem}${isoWeek(input.now)}`;
    // The service refuses keys with commas or longer than 512 characters (@actions/cache checkKey).
    if (key.includes(',') || key.length > 512) {
        throw new Error(`cache key "${key}" is not accepted by the Actions cache (no commas, at most 512 ` +
            'characters): shorten or fix the cache-key input');
    }
    return { key, restoreKeys: [stem] };
}
/** `HTTPS://GitHub.com/Owner/Name.git/` → `github.com/owner/name`. */
function normalizeRepositoryId(repositoryId) {
    return repositoryId
        .trim()
        .toLowerCase()
        .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
        .replace(/^[^@/]*@/, '')
        .replace(/\/+$/, '')
        .replace(/\.git$/, '');
}
/** ISO 8601 week of `date` in UTC, e.g. `2026-W48`; the year is the week-year. */
function isoWeek(date) {
    const day = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
    const dayMs = 86_400_000;
    const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday = 0
    const thursday = day + (3 - weekday) * dayMs;
    const weekYear = new Date(thursday).getUTCFullYear();
    const firstThursday = Date.UTC(weekYear, 0, 4) +
        (3 - ((new Date(Date.UTC(weekYear, 0, 4)).getUTCDay() + 6) % 7)) * dayMs;
    const week = 1 + Math.round((thursday - firstThursday) / (7 * dayMs));
    return `${weekYear}-W${String(week).padStart(2, '0')}`;
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
// EXTERNAL MODULE: ./src/repo/identity.ts
var identity = __webpack_require__(2988);
;// CONCATENATED MODULE: ./src/cache/git-dir.ts
/**
 * What may travel through the cache, on the way out (save) and on the way in (restore): a
 * `.git` directory without credentials, logs, hooks or lock files, whose config holds only
 * what a clone needs. A restored archive is untrusted input (any job of the repository can
 * write a cache entry), hence the allow-list rather than a deny-list.
 */




/** Entries of a git dir (or of a submodule's git dir under modules/) never archived. */
const EXCLUDED_NAMES = new Set([
    'hooks', // executable code: never carried from one job to another
    'logs', // reflogs: local history, may name fetch URLs
    'FETCH_HEAD', // names the fetch URL
    'ORIG_HEAD',
    'index', // describes a working tree, which is never archived
    'gc.pid',
    'gc.log'
]);
/** git's own lock files (§3.2) and ours are never archived. */
function isExcluded(name) {
    return EXCLUDED_NAMES.has(name) || name.endsWith('.lock') || name.startsWith('tmp_');
}
/** Config keys a clone needs; everything else (credential helpers, extraheaders, hooksPath,
 * fsmonitor, filters, includes, …) is dropped. */
const ALLOWED_CONFIG_KEY = /^(core\.(repositoryformatversion|filemode|bare|logallrefupdates|ignorecase|precomposeunicode|symlinks)|remote\.origin\.(url|fetch|tagopt|promisor|partialclonefilter)|extensions\.[a-z]+|submodule\..+\.(url|active)|branch\..+\.(remote|merge)|lfs\.repositoryformatversion)$/;
const URL_KEY = /^(remote\.origin|submodule\..+)\.url$/;
const CREDENTIAL_KEY = /(^credential\.|extraheader$|^include\.|^includeif\.)/i;
/** `https://user:token@host/x` → `https://host/x`; other strings unchanged. */
function stripUrlCredentials(url) {
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}
/**
 * Pure: from `git config --list --null` output to an allow-listed config file. `worktreeRoot`
 * (submodule git dirs only) lets a relative core.worktree through when it stays inside.
 */
function sanitizeConfig(listing, options = {}) {
    const sections = new Map();
    const credentialKeys = [];
    const dropped = [];
    for (const record of listing.split('\0')) {
        if (!record)
            continue;
        const newline = record.indexOf('\n');
        const key = newline < 0 ? record : record.slice(0, newline);
        let value = newline < 0 ? 'true' : record.slice(newline + 1);
        const lower = key.toLowerCase();
        if (CREDENTIAL_KEY.test(lower))
            credentialKeys.push(key);
        let allowed = ALLOWED_CONFIG_KEY.test(lower);
        if (lower === 'core.worktree' && options.gitDir && options.cloneRoot && !(0,external_node_path_.isAbsolute)(value)) {
            allowed = isInside(options.cloneRoot, (0,external_node_path_.resolve)(options.gitDir, value));
        }
        if (!allowed) {
            dropped.push(key);
            continue;
        }
        if (URL_KEY.test(lower) && stripUrlCredentials(value) !== value) {
            credentialKeys.push(key);
            value = stripUrlCredentials(value);
        }
        const first = key.indexOf('.');
        const last = key.lastIndexOf('.');
        const section = key.slice(0, first);
        const header = first === last
            ? `[${section}]`
            : `[${section} "${escapeSubsection(key.slice(first + 1, last))}"]`;
        const lines = sections.get(header) ?? [];
        lines.push(`\t${key.slice(last + 1)} = ${quoteValue(value)}`);
        sections.set(header, lines);
    }
    const text = [...sections].map(([header, lines]) => `${header}\n${lines.join('\n')}\n`).join('');
    return { text, credentialKeys, dropped };
}
function escapeSubsection(name) {
    return name.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}
function quoteValue(value) {
    const escaped = value
        .replace(/\\/g, '\\\\')
        .replace(/"/g, '\\"')
        .replace(/\n/g, '\\n')
        .replace(/\t/g, '\\t');
    return `"${escaped}"`;
}
function isInside(root, path) {
    const rel = (0,external_node_path_.relative)(root, path);
    return rel !== '' && !rel.startsWith('..') && !(0,external_node_path_.isAbsolute)(rel);
}
async function runGit(args, cwd) {
    // Strip variables that would point git at another repository than `cwd`.
    const env = { ...process.env };
    for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY']) {
        delete env[name];
    }
    return new Promise((resolvePromise, reject) => {
        (0,external_node_child_process_.execFile)('git', args, { cwd, env, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
            if (error)
                reject(new Error(`git ${args[0]} failed in ${cwd}: ${stderr.trim() || error.message}`));
            else
                resolvePromise(stdout);
        });
    });
}
/** Reads `configPath` through git (so includes/quoting are git's) and rewrites it sanitized. */
async function sanitizeConfigFile(configPath, options = {}) {
    const listing = await runGit(['config', '--file', configPath, '--no-includes', '--list', '--null'], '/');
    const sanitized = sanitizeConfig(listing, options);
    // rm first: on save the staged file may be a hard link to the live config.
    await (0,promises_.rm)(configPath, { force: true });
    await (0,promises_.writeFile)(configPath, sanitized.text, { mode: 0o644 });
    return sanitized;
}
/** Every git dir in a `.git`: itself and the submodule git dirs under modules/. */
async function submoduleGitDirs(gitDir) {
    const found = [];
    const walk = async (dir) => {
        for (const entry of await (0,promises_.readdir)(dir, { withFileTypes: true }).catch(() => [])) {
            if (!entry.isDirectory())
                continue;
            const child = (0,external_node_path_.join)(dir, entry.name);
            const isGitDir = await (0,promises_.lstat)((0,external_node_path_.join)(child, 'HEAD')).then(() => true, () => false);
            if (isGitDir)
                found.push(child);
            await walk(isGitDir ? (0,external_node_path_.join)(child, 'modules') : child);
        }
    };
    await walk((0,external_node_path_.join)(gitDir, 'modules'));
    return found;
}
/**
 * Stages a copy of `sourceGitDir` at `targetGitDir` for archiving: hard links (cheap, same
 * file system: the stage is a sibling of the clone), with EXCLUDED entries left out and
 * every config rewritten sanitized (a new file, never written through a link).
 */
async function stageGitDirForArchive(sourceGitDir, targetGitDir) {
    const copyTree = async (from, to) => {
        await (0,promises_.mkdir)(to, { recursive: true });
        for (const entry of await (0,promises_.readdir)(from, { withFileTypes: true })) {
            if (isExcluded(entry.name))
                continue;
            const source = (0,external_node_path_.join)(from, entry.name);
            const target = (0,external_node_path_.join)(to, entry.name);
            if (entry.isDirectory())
                await copyTree(source, target);
            else if (entry.isFile()) {
                await (0,promises_.link)(source, target).catch(() => (0,promises_.copyFile)(source, target));
            }
            // Symlinks and sockets are not part of a git dir git creates: left out.
        }
    };
    await copyTree(sourceGitDir, targetGitDir);
    const credentialKeys = [];
    const cloneRoot = (0,external_node_path_.resolve)(targetGitDir, '..');
    for (const gitDir of [targetGitDir, ...(await submoduleGitDirs(targetGitDir))]) {
        const config = (0,external_node_path_.join)(gitDir, 'config');
        const exists = await (0,promises_.lstat)(config).then(() => true, () => false);
        if (!exists)
            continue;
        const sanitized = await sanitizeConfigFile(config, { gitDir, cloneRoot });
        credentialKeys.push(...sanitized.credentialKeys.map(key => `${(0,external_node_path_.relative)(cloneRoot, config)}: ${key}`));
    }
    return { credentialKeys };
}
/**
 * Makes a restored `.git` safe to use: no hooks, no alternates pointing into another
 * machine, allow-listed configs. Throws when a config cannot be read (corrupt archive).
 */
async function sanitizeRestoredGitDir(gitDir) {
    const cloneRoot = (0,external_node_path_.resolve)(gitDir, '..');
    for (const dir of [gitDir, ...(await submoduleGitDirs(gitDir))]) {
        for (const name of EXCLUDED_NAMES) {
            if (name !== 'index')
                await (0,promises_.rm)((0,external_node_path_.join)(dir, name), { recursive: true, force: true });
        }
        await (0,promises_.rm)((0,external_node_path_.join)(dir, 'objects', 'info', 'alternates'), { force: true });
        await sanitizeConfigFile((0,external_node_path_.join)(dir, 'config'), { gitDir: dir, cloneRoot });
    }
}
/**
 * The minimal check of a restored store when the caller plugs in none: a git directory whose
 * origin is `expectedRemote` (compared as repository identities: case-insensitive, `.git` and
 * scheme details aside) and that holds at least one commit a ref names.
 */
async function verifyRestoredRepository(gitDir, expectedRemote) {
    try {
        const origin = (await runGit(['--git-dir', gitDir, 'config', '--get', 'remote.origin.url'], gitDir).catch(() => '')).trim();
        if (!(0,identity/* sameRepository */.RB)(origin, expectedRemote)) {
            return {
                valid: false,
                reason: `its origin is ${origin || '(none)'}, expected ${expectedRemote}`
            };
        }
        const first = (await runGit(['--git-dir', gitDir, 'for-each-ref', '--count=1', '--format=%(objectname)', 'refs/'], gitDir)).trim();
        if (!first)
            return { valid: false, reason: 'it has no refs' };
        await runGit(['--git-dir', gitDir, 'cat-file', '-e', `${first}^{commit}`], gitDir);
        return { valid: true };
    }
    catch (error) {
        return { valid: false, reason: error instanceof Error ? error.message : String(error) };
    }
}
/** Reads a small file, or '' when it is missing. */
async function readIfPresent(path) {
    return readFile(path, 'utf8').catch(() => '');
}

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
;// CONCATENATED MODULE: ./src/cache/service.ts
/**
 * How we reach @actions/cache: whether the service is there (pure), and one wrapper that runs a
 * toolkit call with the path strings fixed, shared by restore and save.
 */



/**
 * The one path we hand to @actions/cache, relative, on save and on restore. The toolkit hashes
 * the path strings (plus compression method and a salt) into the cache entry's "version", and
 * a lookup only matches entries of the same version; it tars paths relative to
 * GITHUB_WORKSPACE (else cwd) and extracts into the same. An absolute clone path would make
 * the version differ on every machine whose root differs, so nobody else could restore it.
 * So the archive always holds exactly `.git/…`, taken from (and unpacked into) a directory
 * chosen per call: see withToolkitWorkspace.
 */
const ARCHIVED_PATHS = ['.git'];
/**
 * What @actions/cache's isFeatureAvailable() checks, plus the token its calls require, read from
 * `env` instead of process.env so the glue can decide before importing the toolkit.
 */
function cacheServiceStatus(env) {
    const serverUrl = env.GITHUB_SERVER_URL || 'https://github.com';
    let host = '';
    try {
        host = new URL(serverUrl).hostname.toUpperCase();
    }
    catch {
        return { available: false, reason: `GITHUB_SERVER_URL is not a URL: ${serverUrl}` };
    }
    const ghes = host !== 'GITHUB.COM' && !host.endsWith('.GHE.COM') && !host.endsWith('.LOCALHOST');
    // The toolkit forces the legacy service on GHES even when v2 is flagged (config.js).
    const v2 = !ghes && Boolean(env.ACTIONS_CACHE_SERVICE_V2);
    const urlVariable = v2 ? 'ACTIONS_RESULTS_URL' : 'ACTIONS_CACHE_URL';
    if (!env[urlVariable]) {
        return {
            available: false,
            reason: `the Actions cache service is not available here (${urlVariable} is not set${ghes ? `; ${host.toLowerCase()} is treated as GitHub Enterprise Server` : ''})`
        };
    }
    if (!env.ACTIONS_RUNTIME_TOKEN) {
        return { available: false, reason: 'ACTIONS_RUNTIME_TOKEN is not set' };
    }
    return { available: true };
}
function isCacheServiceAvailable(env) {
    return cacheServiceStatus(env).available;
}
/** Loaded on first use only: bundles and runs that never consult the cache skip its start-up. */
async function loadCacheToolkit() {
    return __webpack_require__.e(/* import() */ 305).then(__webpack_require__.bind(__webpack_require__, 4305));
}
/**
 * Runs `call` with cwd and GITHUB_WORKSPACE set to `workspace` (the toolkit globs ARCHIVED_PATHS
 * against cwd and tars/extracts relative to GITHUB_WORKSPACE) and RUNNER_TEMP set to a private
 * directory (the toolkit leaves its per-call temp folders behind). Everything is put back
 * afterwards. Process-wide state: the caller must not run other work concurrently — main runs
 * the cache step alone, under the clone lock.
 */
async function withToolkitWorkspace(workspace, call) {
    const saved = {
        GITHUB_WORKSPACE: process.env.GITHUB_WORKSPACE,
        RUNNER_TEMP: process.env.RUNNER_TEMP
    };
    const savedCwd = process.cwd();
    const privateTemp = await (0,promises_.mkdtemp)((0,external_node_path_.join)(process.env.RUNNER_TEMP || (0,external_node_os_.tmpdir)(), 'shared-checkout-cache-'));
    try {
        process.env.GITHUB_WORKSPACE = workspace;
        process.env.RUNNER_TEMP = privateTemp;
        process.chdir(workspace);
        return await call();
    }
    finally {
        process.chdir(savedCwd);
        for (const [name, value] of Object.entries(saved)) {
            if (value === undefined)
                delete process.env[name];
            else
                process.env[name] = value;
        }
        await (0,promises_.rm)(privateTemp, { recursive: true, force: true });
    }
}
function errorMessage(error) {
    return error instanceof Error ? error.message : String(error);
}

;// CONCATENATED MODULE: ./src/cache/restore.ts
/**
 * Warm start of a missing store from the Actions cache (§4, §3.1). Never throws for cache or
 * service problems: a miss, an unreachable service, a corrupt or foreign archive all end in
 * "fetch from the network", with a line in the log saying why.
 */





async function restoreStoreFromCache(request) {
    const { storePath, key, restoreKeys, logger } = request;
    const status = cacheServiceStatus(request.env ?? process.env);
    if (!status.available) {
        logger.notice(`Cache restore skipped: ${status.reason}. Fetching from the network.`);
        return { hit: undefined };
    }
    if (await exists(storePath)) {
        logger.warning(`Cache restore skipped: ${storePath} already exists (only a missing store is warmed).`);
        return { hit: undefined };
    }
    // In the repository's tmp/: same file system (rename is atomic), and a job killed
    // mid-restore leaves a directory nothing mistakes for a store (§3.1).
    const staging = (0,external_node_path_.join)(request.workDir, `cache-restore-${(0,external_node_crypto_.randomBytes)(6).toString('hex')}`);
    try {
        await (0,promises_.mkdir)(staging, { recursive: true });
        let found;
        let matchedKey;
        try {
            const toolkit = await loadCacheToolkit();
            // Look up first, then download: the toolkit answers both a miss and a failed download
            // or extraction with `undefined` (logging its own warning); the lookup tells them apart.
            found = await withToolkitWorkspace(staging, () => toolkit.restoreCache([...ARCHIVED_PATHS], key, restoreKeys, { lookupOnly: true }));
            if (found) {
                matchedKey = await withToolkitWorkspace(staging, () => toolkit.restoreCache([...ARCHIVED_PATHS], key, restoreKeys));
            }
        }
        catch (error) {
            logger.notice(`Cache restore skipped: ${errorMessage(error)}. Fetching from the network.`);
            return { hit: undefined };
        }
        if (!found) {
            logger.info(`No cache entry for ${key} or its restore keys. Fetching from the network.`);
            return { hit: false };
        }
        if (!matchedKey) {
            logger.warning(`Cache entry ${found} could not be downloaded or extracted (corrupt or truncated ` +
                'archive?); discarded it. Fetching from the network.');
            return { hit: false, matchedKey: found };
        }
        const verdict = await checkRestored(staging, request);
        if (!verdict.valid) {
            logger.warning(`Cache entry ${matchedKey} does not hold a usable store of ${request.expectedRemote} ` +
                `(${verdict.reason}); discarded it. Fetching from the network.`);
            return { hit: false, matchedKey };
        }
        await (0,promises_.rename)((0,external_node_path_.join)(staging, '.git'), storePath);
        logger.info(`Restored the store ${storePath} from cache entry ${matchedKey}.`);
        return { hit: true, matchedKey, exactMatch: matchedKey === key };
    }
    catch (error) {
        logger.warning(`Cache restore into ${storePath} failed: ${errorMessage(error)}. Fetching from the network.`);
        return { hit: false };
    }
    finally {
        await (0,promises_.rm)(staging, { recursive: true, force: true }).catch(error => logger.warning(`Could not remove ${staging}: ${errorMessage(error)}; remove it by hand.`));
    }
}
async function checkRestored(staging, request) {
    const entries = await (0,promises_.readdir)(staging);
    if (entries.length !== 1 || entries[0] !== '.git') {
        return {
            valid: false,
            reason: `archive holds ${entries.join(', ') || 'nothing'}, not just .git`
        };
    }
    try {
        await sanitizeRestoredGitDir((0,external_node_path_.join)(staging, '.git'));
    }
    catch (error) {
        return { valid: false, reason: errorMessage(error) };
    }
    return request.verifyRepository
        ? request.verifyRepository((0,external_node_path_.join)(staging, '.git'))
        : verifyRestoredRepository((0,external_node_path_.join)(staging, '.git'), request.expectedRemote);
}
async function exists(path) {
    return (0,promises_.stat)(path).then(() => true, () => false);
}

;// CONCATENATED MODULE: ./src/cache/save.ts
/**
 * Saving a freshly created store for other machines (§4): the store only, never a working
 * tree, never credentials, logs, hooks or lock files. Two steps, so the store lock is held only
 * for the first: `stageStoreForCache` makes a hard-linked copy (milliseconds, under the lock, so
 * no fetch changes the store mid-copy); `uploadStagedStore` uploads it afterwards. Neither
 * throws for cache or service problems: the result says what happened.
 */




function skipped(logger, reason, detail, warn = false) {
    const message = `Cache save skipped: ${detail}`;
    if (warn)
        logger.warning(message);
    else
        logger.info(message);
    return { saved: false, reason, detail };
}
/**
 * Stages `storeDir` as `<stageDir>/.git` (hard links; configs rewritten from an allow-list).
 * Returns a reason to skip instead when the store cannot be archived.
 */
async function stageStoreForCache(storeDir, stageDir, logger) {
    const isDir = await (0,promises_.lstat)(storeDir).then(s => s.isDirectory(), () => false);
    if (!isDir)
        return skipped(logger, 'not-a-store', `${storeDir} is not a directory`, true);
    const alternates = await (0,promises_.lstat)((0,external_node_path_.join)(storeDir, 'objects', 'info', 'alternates')).then(() => true, () => false);
    if (alternates)
        return skipped(logger, 'uses-alternates', `${storeDir} borrows objects from another repository`);
    const { credentialKeys } = await stageGitDirForArchive(storeDir, (0,external_node_path_.join)(stageDir, '.git'));
    if (credentialKeys.length > 0) {
        // The action never writes these (§3.4); someone did. They are stripped from the copy.
        logger.warning(`${storeDir} has credential settings in its git config (${credentialKeys.join(', ')}); ` +
            'they were left out of the cache.');
    }
    return undefined;
}
/** Uploads a staged store unless the cache already has an entry for `key`; removes the stage. */
async function uploadStagedStore(request) {
    const { stageDir, key, logger } = request;
    try {
        const status = cacheServiceStatus(request.env ?? process.env);
        if (!status.available)
            return skipped(logger, 'service-unavailable', status.reason ?? '');
        const leaked = await findSecrets(stageDir, request.secrets ?? []);
        if (leaked)
            return skipped(logger, 'credentials', `a secret appears in ${leaked}; nothing was uploaded`, true);
        const toolkit = await loadCacheToolkit();
        // "Save when the cache has no entry for this period" (§4): a lookup is one small request,
        // an upload is the whole repository.
        const existing = await withToolkitWorkspace(stageDir, () => toolkit.restoreCache([...ARCHIVED_PATHS], key, [], { lookupOnly: true }));
        if (existing === key)
            return skipped(logger, 'exists', `the cache already has ${key}`);
        const cacheId = await withToolkitWorkspace(stageDir, () => toolkit.saveCache([...ARCHIVED_PATHS], key));
        // The toolkit logs its own warning or notice when it returns -1 (reservation taken, …).
        if (cacheId === -1)
            return skipped(logger, 'failed', `the cache service did not store ${key}`);
        logger.info(`Saved the store to the cache as ${key}.`);
        return { saved: true, cacheId };
    }
    catch (error) {
        return skipped(logger, 'failed', errorMessage(error), true);
    }
    finally {
        await (0,promises_.rm)(stageDir, { recursive: true, force: true }).catch(error => logger.warning(`Could not remove ${stageDir}: ${errorMessage(error)}; remove it by hand.`));
    }
}
/** First staged file (outside objects/) containing one of `secrets`, as a relative path. */
async function findSecrets(stage, secrets) {
    const needles = secrets.filter(secret => secret.length >= 4);
    if (needles.length === 0)
        return undefined;
    const walk = async (dir) => {
        for (const entry of await (0,promises_.readdir)(dir, { withFileTypes: true })) {
            const path = (0,external_node_path_.join)(dir, entry.name);
            if (entry.isDirectory()) {
                if ((0,external_node_path_.relative)(stage, path) === (0,external_node_path_.join)('.git', 'objects'))
                    continue;
                const found = await walk(path);
                if (found)
                    return found;
            }
            else if (entry.isFile()) {
                const text = await (0,promises_.readFile)(path, 'latin1');
                if (needles.some(secret => text.includes(secret)))
                    return (0,external_node_path_.relative)(stage, path);
            }
        }
        return undefined;
    };
    return walk(stage);
}

;// CONCATENATED MODULE: ./src/cache/warm.ts
/**
 * The cache policy of §4, as the store's warmer: a missing store is restored from the Actions
 * cache (key: OS, repository identity, ISO week; restore key: the same without the week), and a
 * store this job created is saved back when the cache has no entry for this week. Loaded only
 * when a store is missing (its toolkit is large).
 */






/** Staged uploads in tmp/ carry this prefix; the store's sweep leaves young ones alone. */
const UPLOAD_STAGE_PREFIX = 'cache-upload-';
function createStoreWarmer(options) {
    const { key, restoreKeys } = deriveCacheKey({
        platform: options.platform,
        repositoryId: options.repo.key,
        now: options.now,
        prefix: options.prefix || undefined
    });
    const state = { hit: undefined };
    let exactEntry = false;
    let consulted = false;
    return {
        state,
        async restore(dir) {
            consulted = true;
            const result = await restoreStoreFromCache({
                storePath: dir,
                workDir: options.layout.tmp,
                key,
                restoreKeys,
                expectedRemote: options.repo.remoteUrl,
                logger: options.logger,
                env: options.env
            });
            state.hit = result.hit;
            exactEntry = result.matchedKey === key;
            return result.hit;
        },
        async stage(storeDir) {
            if (!consulted || state.hit === undefined || exactEntry)
                return undefined;
            if (!cacheServiceStatus(options.env ?? process.env).available)
                return undefined;
            const stageDir = external_node_path_default().join(options.layout.tmp, `${UPLOAD_STAGE_PREFIX}${(0,external_node_crypto_.randomBytes)(6).toString('hex')}`);
            const skip = await stageStoreForCache(storeDir, stageDir, options.logger);
            if (skip)
                return undefined;
            return async () => {
                await uploadStagedStore({
                    stageDir,
                    key,
                    logger: options.logger,
                    secrets: options.secrets,
                    env: options.env
                });
            };
        }
    };
}

;// CONCATENATED MODULE: ./src/cache/index.ts
/**
 * Warm start through the Actions cache (§4). Import this module with `await import()` only when
 * the cache is consulted; it loads @actions/cache lazily in turn.
 */








/***/ })

};
