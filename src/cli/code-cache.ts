/**
 * A V8 code cache for the CLI, on every Node (issue 22: a CLI that starts like a small program). The CLI is one
 * CommonJS bundle (dist/cli-main.cjs); the executable compiles it through `vm.Script` with the code V8 produced for
 * it on an earlier run (`cachedData`), so V8 neither parses the bundle again nor compiles again the functions that
 * run: measured on Node 20, 20 ms (`--version`) to 45 ms (`render`) less CPU than a run without it. Node >= 22.1's
 * `module.enableCompileCache()` caches what is compiled when the bundle loads, not what the command compiles as it
 * runs: on Node 22.23 and 24.22 each command cost 6-47 ms more CPU with it than with this cache
 * (docs/performance.md, "CLI start-up").
 *
 * The cache is what `script.createCachedData()` returns when the process exits (after the command ran, so it holds
 * the functions the command compiled, not only the top level), one file per bundle, Node version, architecture,
 * command and targets (`render-nftables`, `check-nsg`, …: each holds the functions its run compiled), in Node's
 * compile-cache directory (NODE_COMPILE_CACHE, else `<temp dir>/node-compile-cache`), subdirectory `tagwall/`. The
 * bundle's key is the SHA-256 of its content, computed when it is built (loading node:crypto and hashing 1.4 MB at
 * start-up would cost half the gain). It is written once (or again when V8 rejects it: another V8, other flags),
 * atomically (a temporary file renamed), and only to a directory that this user owns and nobody else may write to
 * (code read from the cache is run). NODE_DISABLE_COMPILE_CACHE=1 turns it off, as it does Node's. Nothing here fails
 * a command: an unreadable, unwritable, stale or rejected cache only means the bundle is compiled as without one.
 */
type Fs = typeof import('node:fs');
type Vm = typeof import('node:vm');
type Path = typeof import('node:path');
type Os = typeof import('node:os');

/**
 * A built-in module: process.getBuiltinModule (Node >= 20.16) hands over an already-loaded builtin without the require
 * machinery; older 20.x take the executable's `require` (it is CommonJS: dist/cli.cjs). The executable loads no
 * node:module and parses no URL of its own (issue 22: the public `module` builtin brings Node's ES module loader and
 * source maps with it, ~4 M instructions of every cold run, and the bundle is found by `__dirname`).
 */
export function builtin<T>(id: string): T {
  return ((process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule?.(id) ?? require(id)) as T;
}

/** dist/cli-main.cjs, the bundle beside the executable. */
export function bundleBeside(): string {
  return builtin<Path>('node:path').join(__dirname, 'cli-main.cjs');
}

/**
 * The `require` the bundle gets, as `require(file)` would give it: the executable's own when the bundle is beside it
 * (the same directory resolves the same), which spares loading node:module to make one.
 */
function requireForBundle(file: string, path: Path): NodeJS.Require {
  return path.dirname(file) === __dirname ? require : builtin<typeof import('node:module')>('node:module').createRequire(file);
}

/**
 * V8's budget flags for bin.ts's optimiseLater, eight times their defaults. V8 11.3 (Node 20) counts one interrupt
 * budget of bytecode (`--interrupt-budget`, default 66 KB); from V8 11.8 (Node 21 on) a function's budget is its size
 * times an invocation count per tier, Maglev's (400) and TurboFan's (3,000; 5,000 in Node 22.0's V8), and
 * `--interrupt-budget` is gone: V8 prints "unrecognized flag" for it on standard error, which Node 21 and 22.0 did
 * at every `check` and `render` until this was per V8. Measured (docs/performance.md): on Node 22.23 and 24.22 a
 * cold `check` ~150 -> ~95 ms of CPU, `render` ~70 -> ~57, `impact` ~450 -> ~370.
 * WebAssembly (cidr-list.wat, interval-kernels.wat, prefix-scan.wat) tiers up the same way: V8 11.3 hands a function
 * to TurboFan after ~1.8 MB of its code ran (`--wasm-tiering-budget`), which a cold `check` reaches and pays for in
 * compile work it never gets back (3-5 ms of CPU in `shadowed`, `check`, `path`, `render`; docs/performance.md); Node
 * 24's V8 waits 13 MB by default, and is left as it is.
 */
export function optimiseLaterFlags(v8Version: string): string {
  const [major, minor] = v8Release(v8Version);
  return major > 11 || (major === 11 && minor > 3)
    ? '--invocation-count-for-maglev=3200 --invocation-count-for-turbofan=24000'
    : '--interrupt-budget=540672 --wasm-tiering-budget=14400000';
}

/**
 * The young generation kept near its first size on V8 11.3 (Node 20), for the same commands (issue 22, round 20). V8
 * doubles the new space each time most of it survives a scavenge (`--semi-space-growth-factor`, read at each growth,
 * so a flag set after start-up still applies), and a cold command's survivors (the parsed rule sets, the snapshot's
 * tags) are most of what it allocates, so it grows early: a cold `path` ended with 11.2 MB of heap committed (9.2
 * without the growth), and every fresh page is a page fault, ~4-11 us each on a VM. Without growth the scavenges
 * come more often but find the same survivors, the pages are the same ones over again, and old space takes what
 * lives on: `path`, `check`, `equiv` and `diff` ~450-520 fewer faults of ~5,400, and a 3,000-requirement `render`,
 * `equiv` or `check` 30-40% fewer, user time unchanged (docs/performance.md, round 20). Node 22 and 24 were not
 * measured: left as they are.
 */
export function youngGenerationFlags(v8Version: string): string | undefined {
  const [major, minor] = v8Release(v8Version);
  return major === 11 && minor === 3 ? '--semi-space-growth-factor=1' : undefined;
}

/**
 * Feedback vectors allocated later on V8 11.3 (Node 20), for the same commands (issue 22, round 23). V8 gives a
 * function its feedback vector (the inline caches' memory, which Sparkplug's baseline code also needs) once it has
 * run a budget of 8 times its bytecode size (`--interrupt-budget-factor-for-feedback-allocation`, read each time a
 * budget is set, so a flag set after start-up applies). In a cold command most functions run a few times: their
 * vectors and baseline code were fresh pages for code that was already done. At 32 times: cold `check` 4,565 ->
 * 4,374 faults and 384.2 -> 380.1 M instructions, render nftables 4,075 -> 3,949 and 228.5 -> 226.2, `path` 4,637
 * -> 4,502 and 432.2 -> 434.8 (docs/performance.md, round 23, helper "pathcheck"). Node 22 and 24 were not measured.
 */
export function feedbackAllocationFlags(v8Version: string): string | undefined {
  const [major, minor] = v8Release(v8Version);
  return major === 11 && minor === 3 ? '--interrupt-budget-factor-for-feedback-allocation=32' : undefined;
}

/** The major and minor numbers of a V8 version (`process.versions.v8`, `11.3.244.8-node.19`); 0 where missing. */
function v8Release(v8Version: string): readonly [number, number] {
  const [major = 0, minor = 0] = v8Version.split('.').map(Number);
  return [major, minor];
}

/**
 * Every flag bin.ts sets for the analysis commands, `path`, `impact` and `render`: the budgets, the young generation's
 * and the feedback vectors'.
 */
export function analysisFlags(v8Version: string): string {
  return [optimiseLaterFlags(v8Version), youngGenerationFlags(v8Version), feedbackAllocationFlags(v8Version)]
    .filter((flags) => flags !== undefined)
    .join(' ');
}

/** What setV8Flags needs of the process: Node's legacy bindings, and the switch that silences deprecation warnings. */
export interface FlagHost {
  binding?: (name: string) => unknown;
  noDeprecation?: boolean;
}

/**
 * Sets V8 flags (bin.ts optimiseLater) through V8's own binding where Node still hands it out (Node 20 and 22), and
 * through node:v8 elsewhere (Node 24 took the binding away). Requiring node:v8 loads ~30 of Node's internal modules
 * (its heap-snapshot stream brings the stream modules), which nothing else in a cold `render`, `check` or `path` loads:
 * ~31 M instructions, a tenth of a cold render (issue 22, docs/performance.md round 19). The binding is what node:v8's
 * setFlagsFromString calls after checking its argument is a string. Asking for it is deprecated (DEP0111) and warns on
 * standard error, so deprecation warnings are off for that one call and the user's setting is put back; any failure
 * (no binding, no such function) takes node:v8, as before.
 */
export function setV8Flags(flags: string, host: FlagHost = process as FlagHost, fallback: (flags: string) => void = viaNodeV8): void {
  (v8FlagSetter(host) ?? fallback)(flags);
}

function viaNodeV8(flags: string): void {
  builtin<typeof import('node:v8')>('node:v8').setFlagsFromString(flags);
}

/** The binding's setFlagsFromString, asked for with deprecation warnings off; undefined when there is none. */
function v8FlagSetter(host: FlagHost): ((flags: string) => void) | undefined {
  if (typeof host.binding !== 'function') return undefined;
  const had = Object.prototype.hasOwnProperty.call(host, 'noDeprecation');
  const before = host.noDeprecation;
  host.noDeprecation = true;
  try {
    const binding = host.binding('v8') as { setFlagsFromString?: unknown } | undefined;
    const set = binding?.setFlagsFromString;
    return typeof set === 'function' ? (flags) => void set.call(binding, flags) : undefined;
  } catch {
    return undefined;
  } finally {
    if (had) host.noDeprecation = before;
    else delete host.noDeprecation;
  }
}

/**
 * The top-level commands and the ones with subcommands: the cache key's command words. Anything else (an option
 * first, a typo) shares the `-` entry, so what a user types cannot fill the directory with files.
 * test/cli-startup.test.ts checks these are the CLI's commands.
 */
export const CACHED_COMMANDS: ReadonlySet<string> = new Set([
  'expand', 'tags', 'snapshot', 'catalog', 'import-dependencies', 'eval', 'equiv', 'diff', 'contains', 'shadowed', 'check', 'render', 'targets', 'impact', 'path', 'help',
]);
export const COMMANDS_WITH_SUBCOMMANDS: ReadonlySet<string> = new Set(['snapshot', 'catalog']);

/**
 * What the cache of a run of `argv` is kept under: its command words (`render`, `snapshot-diff`, or `-`), the
 * targets it names (`render-nftables`: each target's translator is other code) or the kinds of its operands
 * (`equiv-nftables-scenario`: an `equiv` of an NSG first no longer stands in for one of an nft config, whose
 * parser it never compiled), `file` when it reads a requirements file (`render-nftables-file`), and `help` for a
 * help request. A command's first run decides what its cache holds, so a help page or another target does not
 * stand in for it.
 */
export function cacheKey(argv: readonly string[]): string {
  const [first, second] = argv;
  if (first === undefined || !CACHED_COMMANDS.has(first)) return '-';
  const words = [COMMANDS_WITH_SUBCOMMANDS.has(first) && second !== undefined && /^[a-z]{1,20}$/.test(second) ? `${first}-${second}` : first];
  if (argv.includes('--help') || argv.includes('-h')) return `${words[0]}-help`;
  const targets = new Set<string>();
  argv.forEach((word, index) => {
    const value = word === '--target' ? argv[index + 1] : word.startsWith('--target=') ? word.slice('--target='.length) : undefined;
    for (const target of value?.split(',') ?? []) if (/^[a-z][a-z0-9-]{0,30}$/.test(target)) targets.add(target);
    // An operand's kind (`equiv nftables:FILE scenario:NAME`): each kind is read by other code, as each target is.
    const kind = /^([a-z][a-z-]{1,30}):(?!:)/.exec(word)?.[1];
    if (kind !== undefined) targets.add(kind);
  });
  if (targets.size > 0 && targets.size <= 3) words.push(...[...targets].sort());
  else if (targets.size > 3) words.push('many');
  // A requirements file is read by other code than a scenario is built by (the YAML or JSON reader, endpoint
  // parsing, often tldts): a cache a scenario run made left a file's render 4-5 ms of compiling (53 against 49 ms,
  // workload.yaml, Node 20, 9 runs; issue 22), and the other way round.
  if (argv.some((word) => word === '--requirements' || word.startsWith('--requirements='))) words.push('file');
  return words.join('-');
}

/** The cache directory, made if missing; undefined when it cannot be used safely (not ours, writable by others). */
function cacheDirectory(fs: Fs, path: Path): string | undefined {
  const base = process.env['NODE_COMPILE_CACHE'] || path.join(builtin<Os>('node:os').tmpdir(), 'node-compile-cache');
  const dir = path.join(base, 'tagwall');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = fs.statSync(dir);
  const uid = process.getuid?.();
  if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid) || (process.platform !== 'win32' && (stat.mode & 0o022) !== 0)) return undefined;
  return dir;
}

/**
 * The bundles of one build, by their cache keys' prefixes (`<hash>-`): a cache write prunes other builds' caches and
 * keeps these (dist/cli-main.cjs and its packages chunk, dist/cli-packages.cjs).
 */
let buildPrefixes: readonly string[] = [];

/**
 * A buffer whose pages are touched already and whose bytes are no longer needed: the main bundle's, once V8 has
 * compiled it (its text is a string of its own, its code cache consumed). A chunk loaded later is read into it
 * (each fresh page is a page fault, ~4-13 us on a VM; docs/performance.md round 23).
 */
let spare: Buffer | undefined;

/** The cache writes the bundles run so far will make at exit (loadChunk), each of which can be called off. */
const pendingWrites: Array<{ cancelled: boolean }> = [];

/**
 * Calls off the cache writes of every bundle run so far: a family bundle that handed its run to the full bundle
 * (bin.ts, family-miss.ts) compiled only the parsing, and its cache, kept under the command's key, would stand for
 * the command's real runs, which never write it again.
 */
export function cancelCacheWrites(): void {
  for (const write of pendingWrites) write.cancelled = true;
}

/**
 * Runs the CommonJS bundle `file` (whose content hashes to `hash`) in this process, as `require(file)` would, with
 * its code cache when there is a usable one. `prefixes`: the cache prefixes of every bundle of this build (kept when
 * pruning).
 */
export function runBundle(file: string, hash: string | undefined, argv: readonly string[], prefixes: readonly string[] = hash === undefined ? [] : [`${hash}-`]): void {
  buildPrefixes = prefixes;
  loadChunk(file, hash, argv);
}

/**
 * Runs a CommonJS bundle of the build and returns its exports: the main one (runBundle), or another loaded on first
 * use (dist/cli-packages.cjs, the npm packages few commands use), each with a code cache of its own per command (its
 * own hash); a later one is read into the main bundle's spare buffer.
 */
export function loadChunk(file: string, hash: string | undefined, argv: readonly string[]): unknown {
  const fs = builtin<Fs>('node:fs');
  const path = builtin<Path>('node:path');
  const vm = builtin<Vm>('node:vm');
  const { source, buffer } = readWrapped(fs, file, spare);
  let cacheFile: string | undefined;
  let cachedData: Buffer | undefined;
  if (hash !== undefined && !process.env['NODE_DISABLE_COMPILE_CACHE']) {
    try {
      const dir = cacheDirectory(fs, path);
      if (dir !== undefined) cacheFile = path.join(dir, `${hash}-${process.version}-${process.arch}-${cacheKey(argv)}.v8cache`);
      if (cacheFile !== undefined && fs.existsSync(cacheFile)) cachedData = readInto(fs, cacheFile, buffer);
    } catch {
      // No cache (unwritable temp dir, unreadable file, …): compiled as without one.
    }
  }
  const script = new vm.Script(source, { filename: file, cachedData });
  // V8 has consumed the cache and the text is a string of its own: the buffer is free for the next chunk.
  if (spare === undefined || buffer.length > spare.length) spare = buffer;
  if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
    const target = cacheFile;
    const keep = hash === undefined ? [] : [`${hash}-`, ...buildPrefixes];
    const pending = { cancelled: false };
    pendingWrites.push(pending);
    // Only after a run that did its work (0, or 1: a difference found): a usage error compiles little of the command.
    process.once('exit', (code) => {
      if (pending.cancelled || (code !== 0 && code !== 1)) return;
      writeCache(fs, target, () => script.createCachedData());
      pruneOtherBundles(fs, path, target, keep);
    });
  }
  const module = { exports: {} };
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  run.call(module.exports, module.exports, requireForBundle(file, path), module, file, path.dirname(file));
  return module.exports;
}

/**
 * Node's CommonJS wrapper (`require('node:module').wrapper`), written out: reading it from node:module would load that
 * module (see builtin). test/cli-startup.test.ts checks it against Node's.
 */
export const COMMONJS_WRAPPER: readonly [string, string] = ['(function (exports, require, module, __filename, __dirname) { ', '\n});'];

/**
 * The bundle's text inside the CommonJS wrapper Node itself uses (so the bundle sees the `require`, `module`,
 * `__filename` it would), as one string. Plain ASCII (the build makes it so), so it is read as latin1, a third of the
 * time of decoding UTF-8. The wrapper is written into the buffer the file is read into, not concatenated to the text
 * (`Module.wrap`): V8 would copy the concatenation into one flat 1.5 MB string on its young heap before compiling it,
 * ~5 ms of a start, where a buffer this size becomes a string outside the heap. A chunk's text is read into `into`
 * when it fits (the main bundle's spare buffer).
 */
function readWrapped(fs: Fs, file: string, into: Buffer | undefined): { readonly source: string; readonly buffer: Buffer } {
  const [head, tail] = COMMONJS_WRAPPER;
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const length = head.length + size + tail.length;
    const buffer = into !== undefined && length <= into.length ? into : Buffer.allocUnsafeSlow(length);
    let end = buffer.write(head, 0, 'latin1');
    // Up to the size fstat gave, as readFileSync reads; readSync may return less than asked.
    for (let read = -1; read !== 0 && end < head.length + size; end += read) read = fs.readSync(fd, buffer, end, head.length + size - end, null);
    end += buffer.write(tail, end, 'latin1');
    // A copy: Node makes a latin1 string of this size an external string of its own memory, not a view of `buffer`.
    return { source: buffer.toString('latin1', 0, end), buffer };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The file's bytes, read into `spare` when they fit (the bundle's buffer, whose text is a string of its own by now):
 * its pages are touched already, and on a VM a fresh page costs more than reading into it (a cache is ~0.3-1 MB,
 * 80-240 pages; docs/performance.md). A larger file gets a buffer of its own. Only the bytes read are returned.
 */
function readInto(fs: Fs, file: string, spare: Buffer): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const buffer = size <= spare.length ? spare : Buffer.allocUnsafeSlow(size);
    let end = 0;
    for (let read = -1; read !== 0 && end < size; end += read) read = fs.readSync(fd, buffer, end, size - end, null);
    return buffer.subarray(0, end);
  } finally {
    fs.closeSync(fd);
  }
}

/** Another build's caches (an older tagwall) unused for a day; a write is rare, so the directory is listed only then. */
const STALE_MS = 24 * 60 * 60 * 1000;

/**
 * Removes the cache files of other bundles (another tagwall version or build: none of the prefixes `keep`) not
 * written for a day, and temporary files a killed run left, so upgrades do not pile caches up in the temp directory.
 * Another installed version still in use loses its cache at most once a day and writes it again on its next run.
 */
function pruneOtherBundles(fs: Fs, path: Path, written: string, keep: readonly string[]): void {
  try {
    const dir = path.dirname(written);
    const now = Date.now();
    for (const name of fs.readdirSync(dir)) {
      if (!/\.v8cache(\.\d+\.tmp)?$/.test(name) || (keep.some((prefix) => name.startsWith(prefix)) && name.endsWith('.v8cache'))) continue;
      const file = path.join(dir, name);
      if (now - fs.statSync(file).mtimeMs > STALE_MS) fs.rmSync(file, { force: true });
    }
  } catch {
    // Pruning is housekeeping: a failure leaves files behind, nothing else.
  }
}

/** Writes the cache atomically: another process reads the old file or the new one, never half of one. */
function writeCache(fs: Fs, file: string, data: () => Buffer): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temporary, data(), { mode: 0o600 });
    fs.renameSync(temporary, file);
  } catch {
    try {
      fs.rmSync(temporary, { force: true });
    } catch {
      // Nothing more to do: the next run compiles without a cache and tries again.
    }
  }
}
