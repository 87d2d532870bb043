// Preloaded (node --import) into the bin by test/write-faults.test.ts: TAGWALL_TEST_KILL_AT=<call>:<n> makes the
// process SIGKILL itself just before its n-th call of fs.<call>Sync (1-based), which is a kill at an exact point
// of a write (the staging fsyncs, the hard links, the renames) instead of at a time a loaded machine may miss.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const [call, nth] = (process.env.TAGWALL_TEST_KILL_AT ?? '').split(':');
const name = `${call}Sync`;
if (call && typeof fs[name] === 'function') {
  const real = fs[name];
  let count = 0;
  fs[name] = (...args) => {
    if (++count === Number(nth)) process.kill(process.pid, 'SIGKILL');
    return real(...args);
  };
  syncBuiltinESMExports();
}
