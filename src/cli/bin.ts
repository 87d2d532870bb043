// The `tagwall` executable: run the CLI on this process's arguments. Setting exitCode (not calling exit) lets
// large outputs finish flushing to a pipe.
import { run } from './main.js';

// A reader that stops early (`tagwall render … | head`) closes the pipe: that is the reader's choice, not a bug,
// so end quietly as cat and grep do instead of printing an unhandled EPIPE stack.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

process.exitCode = run(process.argv.slice(2));
