/**
 * Union of every prefix of the Public 20251028 snapshot (68,933 IPv4 + 24,429 IPv6) to a minimal CIDR list,
 * strings in, strings out, per family. Goals: at least 30x faster than Python's `ipaddress.collapse_addresses`
 * and 3x faster than the fastest npm library (cidr-tools `mergeCidr`) (foundation issue), and within 2x of a
 * native sort + merge in C (bench/native/cidr-merge.c, gcc -O2: addresses parsed by hand, an LSD radix sort; issue
 * 22), with the identical result in every contender, which this bench checks. Python and C time their own runs, so process start-up is not counted.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { mergeCidr } from 'cidr-tools';
import { AddressSet } from '../src/index.js';
import { measure, printTimings, type Goal } from './harness.js';
import { compileNative } from './native/build.js';

const SNAPSHOT = fileURLToPath(new URL('../fixtures/servicetags/ServiceTags_Public_20251028.json.gz', import.meta.url));

// Python times its own runs (parse + collapse + str), so interpreter start-up is not counted against it.
const PYTHON = `
import ipaddress, json, sys, time
prefixes = json.load(sys.stdin)
runs = int(sys.argv[1])
times = []
for _ in range(runs):
    t0 = time.perf_counter()
    result = [str(n) for n in ipaddress.collapse_addresses(ipaddress.ip_network(p) for p in prefixes)]
    times.append((time.perf_counter() - t0) * 1000)
times.sort()
print(json.dumps({"median": times[len(times) // 2], "result": result}))
`;

function runPython(prefixes: readonly string[], runs: number): { median: number; result: string[] } | undefined {
  const child = spawnSync('python3', ['-c', PYTHON, String(runs)], { input: JSON.stringify(prefixes), encoding: 'utf8', maxBuffer: 1 << 28 });
  if (child.error || child.status !== 0) return undefined;
  return JSON.parse(child.stdout) as { median: number; result: string[] };
}

function runNative(binary: string, family: 'ipv4' | 'ipv6', prefixes: readonly string[], runs: number): { median: number; result: string[] } {
  const child = spawnSync(binary, [family === 'ipv4' ? '4' : '6', String(runs)], { input: `${prefixes.join('\n')}\n`, encoding: 'utf8', maxBuffer: 1 << 28 });
  const median = /median_ms ([\d.]+)/.exec(child.stderr ?? '');
  if (child.status !== 0 || !median) throw new Error(`native cidr-merge failed: ${child.stderr}`);
  return { median: Number(median[1]), result: child.stdout.trim().split('\n') };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

export async function run(): Promise<Goal[]> {
  const json = JSON.parse(gunzipSync(readFileSync(SNAPSHOT)).toString('utf8')) as {
    values: Array<{ properties: { addressPrefixes: string[] } }>;
  };
  const all = json.values.flatMap((tag) => tag.properties.addressPrefixes);
  const goals: Goal[] = [];
  const native = compileNative('cidr-merge');
  for (const family of ['ipv4', 'ipv6'] as const) {
    const prefixes = all.filter((prefix) => prefix.includes(':') === (family === 'ipv6'));
    const ours = AddressSet.fromStrings(prefixes).toCidrStrings(family);
    const theirs = mergeCidr(prefixes);
    if (!sameList(ours, theirs)) throw new Error(`${family}: tagwall and cidr-tools disagree (${ours.length} vs ${theirs.length} blocks)`);
    const timings = measure(
      [
        { name: 'tagwall AddressSet', run: () => AddressSet.fromStrings(prefixes).toCidrStrings(family) },
        { name: 'cidr-tools@11 mergeCidr', run: () => mergeCidr(prefixes) },
      ],
      { runs: 61, warmup: 5 },
    );
    const python = runPython(prefixes, 5);
    const c = native ? runNative(native, family, prefixes, 61) : undefined;
    if (c && !sameList(ours, c.result)) throw new Error(`${family}: tagwall and the C sort+merge disagree (${ours.length} vs ${c.result.length} blocks)`);
    const rows = [
      ...timings,
      ...(python ? [{ name: 'python3 ipaddress.collapse', median: python.median, p10: python.median, p90: python.median, runs: 5 }] : []),
      ...(c ? [{ name: 'C sort + merge (gcc -O2)', median: c.median, p10: c.median, p90: c.median, runs: 61 }] : []),
    ];
    printTimings(`Minimal CIDR union, ${family}: ${prefixes.length} prefixes -> ${ours.length} blocks (identical in every contender)`, rows, 'tagwall AddressSet');
    const mine = timings[0]!.median;
    goals.push({ name: `${family} merge vs cidr-tools`, measured: timings[1]!.median / mine, target: 3, kind: 'min', unit: 'x' });
    if (c) goals.push({ name: `${family} merge, tagwall / native C sort+merge`, measured: mine / c.median, target: 2, kind: 'max', unit: 'x' });
    if (python) {
      if (!sameList(ours, python.result)) throw new Error(`${family}: tagwall and Python disagree`);
      goals.push({ name: `${family} merge vs Python ipaddress`, measured: python.median / mine, target: 30, kind: 'min', unit: 'x' });
    } else {
      console.log('  (python3 not available: Python baseline skipped)');
    }
  }
  return goals;
}
