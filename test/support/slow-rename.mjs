// Preloaded (node --import) into the bin by test/write-faults.test.ts: each rename waits 4 ms first, so the rename
// phase of a multi-file write lasts long enough for a SIGKILL sent from the test to land inside it. Nothing else
// changes: the renames themselves are the real ones.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const rename = fs.renameSync;
const pause = new Int32Array(new SharedArrayBuffer(4));
fs.renameSync = (from, to) => {
  Atomics.wait(pause, 0, 0, 4);
  return rename(from, to);
};
syncBuiltinESMExports();
