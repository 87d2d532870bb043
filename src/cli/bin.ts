// The `tagwall` executable (dist/cli.cjs, the package's bin; dist/cli.js is the same as an ES module): runs the CLI,
// one CommonJS bundle beside it (dist/cli-main.cjs, built from executable.ts), on this process's arguments.
//
// Start-up (issue 22, docs/cli.md "Start-up"): the bundle is compiled once and cached. On Node >= 22.1 through Node's
// own compile cache (module.enableCompileCache, in Node's default directory under the temp dir, or
// NODE_COMPILE_CACHE), enabled before the bundle is required; on older Node through a V8 code cache of the bundle
// kept in the same place (code-cache.ts). NODE_DISABLE_COMPILE_CACHE=1 turns either off. Neither ever fails the
// command: an unwritable directory or a stale cache only means no cache. One bundle instead of ES module chunks:
// Node 20 can cache the code of a script, not of an ES module, and one file is resolved, read and linked once.
import { createRequire } from 'node:module';
import { prefetchSnapshotFile } from '../servicetags/prefetch.js';
import { runBundle } from './code-cache.js';

// The SHA-256 of dist/cli-main.cjs, written into dist/cli.js by the build (scripts/tsup.config.ts); the cache's key.
declare const TAGWALL_CLI_MAIN_SHA256: string | undefined;
const hash = typeof TAGWALL_CLI_MAIN_SHA256 === 'string' ? TAGWALL_CLI_MAIN_SHA256 : undefined;

const requireHere = createRequire(import.meta.url);
prefetchSnapshots(process.argv.slice(2));

// Asked of the module object (not an ES import of the name, which Node 20 does not export), on every Node.
const { enableCompileCache } = requireHere('node:module') as { enableCompileCache?: () => unknown };
if (typeof enableCompileCache === 'function') {
  if (!process.env['NODE_DISABLE_COMPILE_CACHE']) {
    try {
      enableCompileCache();
    } catch {
      // No cache (read-only temp dir, …): the CLI runs as it would without one.
    }
  }
  requireHere('./cli-main.cjs');
} else {
  optimiseLater(process.argv.slice(2));
  const { fileURLToPath } = requireHere('node:url') as typeof import('node:url');
  runBundle(fileURLToPath(new URL('./cli-main.cjs', import.meta.url)), hash, process.argv.slice(2));
  exitOnceIdle();
}

/**
 * Ends the process as soon as it has nothing left to do. 'beforeExit' is emitted once the event loop is empty (every
 * write to standard output and error done, every file closed, the command's exit code set), and process.exit then
 * emits 'exit' (which writes the code cache) as a natural end would; what it skips is tearing the V8 heap down, which
 * first waits for the optimising compiler's queued jobs: ~20 ms of wall time after a render's last output.
 * On Node >= 22.1 the natural end stays, as Node's own compile cache is written then.
 */
function exitOnceIdle(): void {
  process.once('beforeExit', () => process.exit());
}

/**
 * The analysis commands, `impact` and `render` with V8's optimising compiler started later (issue 22). V8 hands a
 * function to TurboFan once it has run a budget of bytecode; a cold `check` reaches it in ~40 functions (set
 * operations, the walks' loops) and TurboFan then compiles on background threads: in single-threaded callgrind
 * ~670 M of equiv's ~1,620 M instructions, mostly finished too late to pay back in a ~300 ms run, while those threads
 * take the second of two cores from the main thread and the GC. Eight times V8's default budget (66 KB) keeps a short
 * run in the first tiers and still optimises what a long run (an `equiv` of two 4,000-rule files) spends its time in.
 * Measured (docs/performance.md): check and equiv ~90 ms less wall and ~230 ms less CPU, impact ~90 / ~370 ms, a
 * scenario's render ~20 / ~70 ms (node:v8's streams included). `snapshot diff` is left out (its scanner is one hot
 * loop that TurboFan does pay back: +23% main-thread instructions with the flag), and so are short commands
 * (requiring node:v8 costs ~5 ms: it loads Node's streams). Only on the path with a code cache per command
 * (code-cache.ts): a V8 code cache records the flags it was made under and is rejected under others (checked: made
 * without this flag, V8 rejects it with it), and Node's own compile cache (Node >= 22.1) is one file for every
 * command, which changing the flags per command would invalidate at each switch.
 */
function optimiseLater(args: readonly string[]): void {
  if (!['check', 'equiv', 'diff', 'contains', 'shadowed', 'eval', 'impact', 'render'].includes(args[0] ?? '')) return;
  try {
    (requireHere('node:v8') as typeof import('node:v8')).setFlagsFromString('--interrupt-budget=540672');
  } catch {
    // Flags frozen (an embedder's V8): the defaults, as before.
  }
}

/**
 * The snapshot files `snapshot diff OLD NEW` and `impact --from OLD --to NEW` name, read and set inflating on the
 * threadpool before the bundle loads (src/servicetags/prefetch.ts), so the inflation overlaps the load. The
 * arguments are only looked at, not parsed: a word that is not a snapshot file is left alone by the prefetch, and the
 * command parses its arguments as always.
 */
function prefetchSnapshots(args: readonly string[]): void {
  const files: string[] = [];
  if (args[0] === 'snapshot' && args[1] === 'diff') {
    files.push(...args.slice(2).filter((arg) => !arg.startsWith('-')));
  } else if (args[0] === 'impact') {
    args.forEach((arg, i) => {
      if ((arg === '--from' || arg === '--to') && i + 1 < args.length) files.push(args[i + 1]!);
      else if (arg.startsWith('--from=') || arg.startsWith('--to=')) files.push(arg.slice(arg.indexOf('=') + 1));
    });
  }
  if (files.length === 0) return;
  const io = { fs: requireHere('node:fs') as typeof import('node:fs'), zlib: requireHere('node:zlib') as typeof import('node:zlib') };
  for (const file of files) prefetchSnapshotFile(file, io);
}
