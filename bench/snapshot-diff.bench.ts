/**
 * `tagwall snapshot diff` of the two Public fixture snapshots against the same diff in Python, both as whole
 * processes as a user runs them (interleaved, medians). The Python script does what a person writes for this:
 * gunzip + json, tags added and removed (names ignoring case), and per common tag the changeNumber, metadata and
 * the prefixes added and removed as plain string sets (the fastest way, and right because Microsoft writes each
 * prefix in canonical form; the check below would catch a difference). tagwall also validates every prefix and
 * computes each changed tag's net address change as minimal CIDRs, which Python is not asked to do. The answers are checked equal: the same
 * added, removed and changed tag names and the same prefixes added and removed per tag.
 * Goal (issue 22): tagwall at least 2x faster.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { measure, printTimings, type Goal } from './harness.js';

const BIN = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/servicetags/', import.meta.url));
const OLD = `${FIXTURES}ServiceTags_Public_20250728.json.gz`;
const NEW = `${FIXTURES}ServiceTags_Public_20251028.json.gz`;

const PYTHON = `
import gzip, json, sys
def load(path):
    with gzip.open(path, 'rt', encoding='utf-8') as f:
        return {v['name'].lower(): v for v in json.load(f)['values']}
old, new = load(sys.argv[1]), load(sys.argv[2])
fields = ['region', 'regionId', 'platform', 'systemService']
changed = {}
for key, tag in new.items():
    if key not in old: continue
    a, b = old[key]['properties'], tag['properties']
    pa, pb = set(a['addressPrefixes']), set(b['addressPrefixes'])
    meta = [f for f in fields if a.get(f) != b.get(f)] + (['networkFeatures'] if set(a.get('networkFeatures') or []) != set(b.get('networkFeatures') or []) else [])
    if pa != pb or meta or a.get('changeNumber') != b.get('changeNumber') or old[key]['name'] != tag['name'] or old[key]['id'] != tag['id']:
        changed[tag['name']] = [len(pb - pa), len(pa - pb)]
print(json.dumps({
    'added': sorted(new[k]['name'] for k in new if k not in old),
    'removed': sorted(old[k]['name'] for k in old if k not in new),
    'changed': changed,
}))
`;

interface Answer {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: Record<string, readonly [number, number]>;
}

function tagwallAnswer(): Answer {
  const child = spawnSync(process.execPath, [BIN, 'snapshot', 'diff', OLD, NEW, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (child.status !== 1) throw new Error(`tagwall snapshot diff exited ${child.status}: ${child.stderr}`);
  const diff = JSON.parse(child.stdout) as { added: string[]; removed: string[]; changed: Array<{ name: string; prefixesAdded: string[]; prefixesRemoved: string[] }> };
  return { added: diff.added, removed: diff.removed, changed: Object.fromEntries(diff.changed.map((c) => [c.name, [c.prefixesAdded.length, c.prefixesRemoved.length] as const])) };
}

function pythonAnswer(): Answer | undefined {
  const child = spawnSync('python3', ['-c', PYTHON, OLD, NEW], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (child.error || child.status !== 0) return undefined;
  return JSON.parse(child.stdout) as Answer;
}

/** Same names (the two languages sort differently, so compared as sets) and the same per-tag prefix counts. */
function sameAnswer(a: Answer, b: Answer): boolean {
  const sameNames = (x: readonly string[], y: readonly string[]) => x.length === y.length && new Set(x).size === new Set([...x, ...y]).size;
  const keys = Object.keys(a.changed);
  return (
    sameNames(a.added, b.added) &&
    sameNames(a.removed, b.removed) &&
    sameNames(keys, Object.keys(b.changed)) &&
    keys.every((key) => a.changed[key]![0] === b.changed[key]?.[0] && a.changed[key]![1] === b.changed[key]?.[1])
  );
}

export async function run(): Promise<Goal[]> {
  if (!existsSync(BIN)) throw new Error('dist/cli.js is missing: run npm run build first (npm run bench does)');
  const ours = tagwallAnswer();
  const python = pythonAnswer();
  if (!python) {
    console.log('  (python3 not available: the snapshot diff baseline is skipped)');
    return [];
  }
  if (!sameAnswer(ours, python)) throw new Error('tagwall and Python disagree on the snapshot diff');
  console.log(`both: ${ours.added.length} tags added, ${ours.removed.length} removed, ${Object.keys(ours.changed).length} changed, the same prefixes per tag`);
  const timings = measure(
    [
      { name: 'tagwall snapshot diff (cold CLI)', run: () => spawnSync(process.execPath, [BIN, 'snapshot', 'diff', OLD, NEW]).status },
      { name: 'python3 diff script (cold)', run: () => spawnSync('python3', ['-c', PYTHON, OLD, NEW]).status },
    ],
    { runs: 9, warmup: 1 },
  );
  printTimings('snapshot diff, two Public snapshots, whole process (ms)', timings, 'tagwall snapshot diff (cold CLI)');
  return [{ name: 'snapshot diff vs Python', measured: timings[1]!.median / timings[0]!.median, target: 2, kind: 'min', unit: 'x' }];
}
