// The `tagwall` executable: run the CLI on this process's arguments. Setting exitCode (not calling exit) lets
// standard error finish flushing. Standard output is written synchronously by io.ts, which turns EPIPE, ENOSPC and
// EIO into `tagwall: <stdout>: …` and exit 2 (issue 19): a reader that stops early, a full disk and /dev/full all
// mean the output is incomplete, which a script must be able to tell from success.
import { run } from './main.js';

process.exitCode = run(process.argv.slice(2));
