/**
 * `tagwall expand Storage.WestUS` end to end through the package's bin file (process start, lazy load of the
 * embedded Public snapshot, output) against `node -e 0` on the same machine, interleaved. Goal (foundation
 * issue): within 2x. npx's own start-up is not counted: the bin is run with node directly.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { measure, printTimings, type Goal } from './harness.js';

const BIN = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

function node(args: readonly string[]): () => unknown {
  return () => {
    const child = spawnSync(process.execPath, args, { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`node ${args.join(' ')} exited ${child.status}: ${child.stderr}`);
    return child.stdout;
  };
}

export async function run(): Promise<Goal[]> {
  if (!existsSync(BIN)) throw new Error('dist/cli.js is missing: run npm run build first (npm run bench does)');
  const timings = measure(
    [
      { name: 'tagwall expand Storage.WestUS', run: node([BIN, 'expand', 'Storage.WestUS']) },
      { name: 'node -e 0', run: node(['-e', '0']) },
      { name: 'tagwall --version', run: node([BIN, '--version']) },
      { name: 'tagwall expand AzureCloud (13k pfx)', run: node([BIN, 'expand', 'AzureCloud']) },
    ],
    { runs: 21, warmup: 2 },
  );
  printTimings('CLI start-up, whole process (ms)', timings, 'tagwall expand Storage.WestUS');
  const ratio = timings[0]!.median / timings[1]!.median;
  console.log(`  expand Storage.WestUS / node -e 0 = ${ratio.toFixed(2)}`);
  return [{ name: 'expand Storage.WestUS vs node -e 0', measured: ratio, target: 2, kind: 'max', unit: 'x' }];
}
