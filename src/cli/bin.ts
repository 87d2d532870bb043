// The `tagwall` executable (dist/cli.cjs, the package's bin; dist/cli.js imports it, for `node dist/cli.js`): runs the
// CLI, one CommonJS bundle beside it (dist/cli-main.cjs, built from executable.ts), on this process's arguments. Built
// as CommonJS only: code-cache.ts uses its `require` and `__dirname`.
//
// Start-up (issue 22, docs/cli.md "Start-up"): the bundle is compiled once per command and cached, on every Node, as a
// V8 code cache made after the command ran (code-cache.ts), in Node's compile-cache directory (NODE_COMPILE_CACHE, else
// under the temp dir); NODE_DISABLE_COMPILE_CACHE=1 turns it off. Node >= 22.1's own compile cache
// (module.enableCompileCache) is not used: it keeps the code compiled when the bundle is loaded, not the functions a
// command compiles as it runs, and measured on Node 22.23 and 24.22 every command costs 6-47 ms more CPU with it than
// with tagwall's cache (docs/performance.md). The cache never fails the command: an unwritable directory or a stale
// cache only means no cache. One bundle instead of ES module chunks: a script's code can be cached, and one file is
// resolved, read and linked once.
import { analysisFlags, builtin, bundleBeside, cancelCacheWrites, loadChunk, runBundle, setV8Flags } from './code-cache.js';
import { PACKAGES_CHUNK_FILE, PACKAGES_CHUNK_LOADER } from './packages-chunk-loader.js';
import { prefetchSnapshotFiles, type WhenRead } from '../servicetags/prefetch.js';
import { familyFor, type FamilyName } from './families.js';
import { FAMILY_FALLBACK } from './family-miss.js';
import { PROJECT_FILE_NAMES } from './project-file.js';

// The SHA-256 of dist/cli-main.cjs and of dist/cli-packages.cjs, written into dist/cli.cjs by the build
// (scripts/tsup.config.ts); their caches' keys.
declare const TAGWALL_CLI_MAIN_SHA256: string | undefined;
declare const TAGWALL_CLI_PACKAGES_SHA256: string | undefined;
// The SHA-256 of each family bundle (dist/cli-family-NAME.cjs, families.ts), by family.
declare const TAGWALL_CLI_FAMILY_SHA256: Partial<Record<FamilyName, string>> | undefined;
const hash = typeof TAGWALL_CLI_MAIN_SHA256 === 'string' ? TAGWALL_CLI_MAIN_SHA256 : undefined;
const packagesHash = typeof TAGWALL_CLI_PACKAGES_SHA256 === 'string' ? TAGWALL_CLI_PACKAGES_SHA256 : undefined;
const familyHashes = typeof TAGWALL_CLI_FAMILY_SHA256 === 'object' ? TAGWALL_CLI_FAMILY_SHA256 : {};

const args = process.argv.slice(2);
const whenRead = prefetchSnapshots(args);
optimiseLater(args, process.versions.v8);
lendPackagesChunkLoader(args);
// After the snapshot files' reads (prefetchSnapshots): at once for every other command.
whenRead(() => {
  runCli(args);
  exitOnceIdle();
});

/**
 * Runs the bundle for `args`: the family bundle familyFor picks (families.ts: most of the full bundle's 1.28 MB is
 * code those commands never run, and every cold run read it, made a string of it and handed it to V8), else
 * dist/cli-main.cjs. A family bundle that meets a command or kit it does not hold calls the fallback lent here before
 * it has written anything (family-miss.ts), and the full bundle runs the same arguments in the same process.
 */
function runCli(args: readonly string[]): void {
  const prefixes = [hash, packagesHash, ...Object.values(familyHashes)].flatMap((key) => (key === undefined ? [] : [`${key}-`]));
  const full = (): void => runBundle(bundleBeside(), hash, args, prefixes);
  const family = familyFor(args, () => {
    const fs = builtin<typeof import('node:fs')>('node:fs');
    return PROJECT_FILE_NAMES.some((name) => fs.existsSync(name));
  });
  const familyHash = family === undefined ? undefined : familyHashes[family];
  // A build without the family's hash (a bin built alone) has no family bundle to trust.
  if (family === undefined || familyHash === undefined) return full();
  let fellBack = false;
  (globalThis as Record<symbol, unknown>)[FAMILY_FALLBACK] = (): void => {
    if (fellBack) return;
    fellBack = true;
    // The family compiled only the parsing: its cache would stand for this command's real runs.
    cancelCacheWrites();
    full();
  };
  runBundle(builtin<typeof import('node:path')>('node:path').join(__dirname, `cli-family-${family}.cjs`), familyHash, args, prefixes);
}

/**
 * The npm packages few commands use (yaml, micromatch: ~230 KB of text) are a second bundle, dist/cli-packages.cjs,
 * which the main one loads on first use (src/cli/bundled-packages.ts) through this loader: with a code cache of its own
 * per command, as the main bundle's, read into the main bundle's spare buffer. Every other command no longer reads
 * their text and copies it into a string: ~110 fresh pages of ~3,800 fewer (docs/performance.md, round 23).
 */
function lendPackagesChunkLoader(args: readonly string[]): void {
  // The chunk's path is made when a command first asks for it: most never do.
  (globalThis as Record<symbol, unknown>)[PACKAGES_CHUNK_LOADER] = () =>
    loadChunk(builtin<typeof import('node:path')>('node:path').join(__dirname, PACKAGES_CHUNK_FILE), packagesHash, args);
}

/**
 * Ends the process as soon as it has nothing left to do. 'beforeExit' is emitted once the event loop is empty (every
 * write to standard output and error done, every file closed, the command's exit code set), and process.exit then
 * emits 'exit' (which writes the code cache) as a natural end would; what it skips is tearing the V8 heap down, which
 * first waits for the optimising compiler's queued jobs: ~20 ms of wall time after a render's last output.
 */
function exitOnceIdle(): void {
  process.once('beforeExit', () => process.exit());
}

/**
 * The analysis commands, `path`, `impact` and `render` with V8's optimising compilers started later (issue 22). V8 hands a
 * function to an optimising compiler once it has run a budget of bytecode; a cold `check` reaches it in ~40
 * functions (set operations, the walks' loops) and the compiler then works on background threads: on Node 20, in
 * single-threaded callgrind, ~670 M of equiv's ~1,620 M instructions, mostly finished too late to pay back in a
 * ~300 ms run, while those threads take the second of two cores from the main thread and the GC. Eight times V8's
 * default budget keeps a short run in the first tiers and still optimises what a long run (an `equiv` of two
 * 4,000-rule files) spends its time in. `snapshot diff` is left out (its scanner is one hot loop the optimising
 * compiler does pay back), and so are short commands (where Node has no V8 binding to lend, setV8Flags requires node:v8,
 * which loads Node's streams: 1.5-2.6 ms of a cold run).
 * `path` joined them later: the compute-public-ip topology, Node 20, 242 -> 218 ms wall and 320 -> 250 ms CPU.
 * The flags depend on the V8 (optimiseLaterFlags); a code cache records the flags it was made under and is
 * rejected under others, so each command's cache (code-cache.ts) is made and read under the same ones. On Node 20 the
 * new space is also kept from growing (youngGenerationFlags): fewer fresh pages, each a page fault.
 */
function optimiseLater(args: readonly string[], v8Version: string): void {
  if (!['check', 'equiv', 'diff', 'contains', 'shadowed', 'eval', 'impact', 'render', 'path'].includes(args[0] ?? '')) return;
  try {
    setV8Flags(analysisFlags(v8Version));
  } catch {
    // Flags frozen (an embedder's V8): the defaults, as before.
  }
}

/**
 * The snapshot files `snapshot diff OLD NEW` and `impact --from OLD --to NEW` name, and the `--snapshot FILE` of any
 * other command, read and set inflating on the threadpool before the bundle loads (src/servicetags/prefetch.ts), so
 * the inflation overlaps the load. The arguments are only looked at, not parsed: a word that is not a snapshot file
 * is left alone by the prefetch, and the command parses its arguments as always. A `--snapshot` file is loaded
 * synchronously (loadSnapshotFile), so the CLI waits for its inflation before it runs (executable.ts): a Public file's
 * gunzip, ~17 ms of a cold `render --snapshot`, then runs beside the bundle's load instead of after it. The bundle
 * is run once the gzip files have been read (the returned WhenRead): a gunzip starts from its read's callback, which
 * needs the event loop to turn, and the bundle's load would hold it; the reads themselves run while this thread
 * loads node:zlib.
 */
function prefetchSnapshots(args: readonly string[]): WhenRead {
  const files: string[] = [];
  // A `--snapshot` file is loaded synchronously; the operands of `snapshot diff` and `impact` are awaited.
  let forSyncLoad = false;
  const named = (option: string): void =>
    args.forEach((arg, i) => {
      if (arg === option && i + 1 < args.length) files.push(args[i + 1]!);
      else if (arg.startsWith(`${option}=`)) files.push(arg.slice(option.length + 1));
    });
  if (args[0] === 'snapshot' && args[1] === 'diff') {
    files.push(...args.slice(2).filter((arg) => !arg.startsWith('-')));
  } else if (args[0] === 'impact') {
    named('--from');
    named('--to');
  } else {
    named('--snapshot');
    forSyncLoad = true;
  }
  if (files.length === 0) return (then) => then();
  // node:zlib (with Node's streams, ~3 ms) only when a file is gzip: Microsoft's plain .json needs none.
  const io = {
    fs: builtin<typeof import('node:fs')>('node:fs'),
    get zlib(): typeof import('node:zlib') {
      return builtin<typeof import('node:zlib')>('node:zlib');
    },
    env: process.env,
  };
  return prefetchSnapshotFiles(files, io, forSyncLoad);
}
