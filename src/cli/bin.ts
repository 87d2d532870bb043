// The `tagwall` executable: run the CLI on this process's arguments. Setting exitCode (not calling exit) lets
// large outputs finish flushing to a pipe.
import { run } from './main.js';

process.exitCode = run(process.argv.slice(2));
