// What the `tagwall` executable runs (the entry of dist/cli-main.cjs, loaded by bin.ts): the CLI on this process's
// arguments. Setting exitCode (not calling exit) lets standard error finish flushing. Standard output is written
// synchronously by io.ts, which turns EPIPE, ENOSPC and EIO into `tagwall: <stdout>: …` and exit 2 (issue 19): a
// reader that stops early, a full disk and /dev/full all mean the output is incomplete, which a script must be able
// to tell from success. runAsync: `snapshot fetch` and `import-dependencies --workspace` wait for the network; every
// other command finishes synchronously.
import { prefetchesForSyncLoad } from '../servicetags/prefetch.js';
import { exitIfIdle } from './idle-exit.js';
import { runAsync } from './main.js';

// A `--snapshot FILE` the executable set inflating (bin.ts) is loaded synchronously: its inflation is waited for
// here, where the event loop can turn and record it (prefetch.ts takeInflatedSnapshot).
const prefetching = prefetchesForSyncLoad();
void (prefetching ? prefetching.then(() => runAsync(process.argv.slice(2))) : runAsync(process.argv.slice(2))).then((code) => {
  process.exitCode = code;
  // Done, and nothing left in the event loop: ended here, before Node drains V8's pending tasks (idle-exit.ts).
  exitIfIdle();
});
