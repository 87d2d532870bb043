// The `tagwall` executable: run the CLI on this process's arguments. Setting exitCode (not calling exit) lets
// standard error finish flushing. Standard output is written synchronously by io.ts, which turns EPIPE, ENOSPC and
// EIO into `tagwall: <stdout>: …` and exit 2 (issue 19): a reader that stops early, a full disk and /dev/full all
// mean the output is incomplete, which a script must be able to tell from success. runAsync: `snapshot fetch` and
// `import-dependencies --workspace` wait for the network; every other command finishes synchronously as before.
//
// Start-up (issue 22, docs/performance.md): on Node >= 22.1 the modules are compiled through Node's on-disk
// compile cache (module.enableCompileCache, in Node's default directory under the temp dir, or NODE_COMPILE_CACHE),
// so a second run does not compile the CLI again; NODE_DISABLE_COMPILE_CACHE=1 turns it off. It is enabled before
// anything else is imported (the import below is dynamic for that reason), and never fails the command: an
// unwritable directory only means no cache. Node 20 has no such cache for ES modules; there the CLI relies on
// loading only the command it runs (lazy-commands.ts).
import * as nodeModule from 'node:module';

const enableCompileCache = (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache;
if (typeof enableCompileCache === 'function' && !process.env['NODE_DISABLE_COMPILE_CACHE']) {
  try {
    enableCompileCache();
  } catch {
    // No cache (read-only temp dir, …): the CLI runs as it would without one.
  }
}

const { runAsync } = await import('./main.js');
process.exitCode = await runAsync(process.argv.slice(2));
