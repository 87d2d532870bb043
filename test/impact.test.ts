import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../src/targets/target.js';
import { TagwallError } from '../src/errors.js';
import { diffArtifact, withoutProvenance } from '../src/reports/artifact-diff.js';
import { bracketLabels } from '../src/targets/labels.js';
import { diffDiagnostics, snapshotImpact } from '../src/reports/impact.js';
import { linesTarget } from '../src/reports/test-fixtures.js';
import { loadSnapshotFile } from '../src/servicetags/index.js';
import { loadRequirementsFile } from '../src/catalogue/index.js';
import { runImpact, runImpactOverlapped, type ImpactOptions } from '../src/cli/impact.js';
import { tagwall, type CliResult } from './support/cli.js';
import { snapshotInfo } from './support/snapshot-info.js';

const OLD = 'fixtures/servicetags/ServiceTags_Public_20250728.json.gz';
const NEW = 'fixtures/servicetags/ServiceTags_Public_20251028.json.gz';
const WORKLOAD = 'fixtures/requirements/workload.yaml';

const info = snapshotInfo;
const FROM = info(364, '2025-07-28', 'data/ServiceTags_Public_20250728.json');
const TO = info(375, '2025-10-28', 'data/ServiceTags_Public_20251028.json');

const impact = (...argv: string[]): CliResult => tagwall('impact', ...argv);

/** The code of the bad-input error `tagwall impact … --json` prints. */
function errorCode(...argv: string[]): string | undefined {
  const result = impact(...argv, '--json');
  expect(result.code).toBe(2);
  return (JSON.parse(result.stdout) as { error?: { code?: string } }).error?.code;
}

describe('artifact diffs', () => {
  it('ignores lines that differ only in the recorded snapshot', () => {
    const before = '# from Public change 364 (2025-07-28) ServiceTags_Public_20250728.json\nallow 10.0.0.0/8\n';
    const after = '# from Public change 375 (2025-10-28) ServiceTags_Public_20251028.json\nallow 10.0.0.0/8\n';
    expect(diffArtifact(before, after, FROM, TO)).toEqual({ objects: [], provenanceOnly: 1 });
  });

  it('groups changed lines under the object that holds them', () => {
    const before = ['{', '  "name": "rule-a",', '  "prefixes": [', '    "1.0.0.0/24",', '    "2.0.0.0/24"', '  ]', '},', '{', '  "name": "rule-b",', '  "prefixes": ["3.0.0.0/24"]', '}'].join('\n');
    const after = before.replace('    "2.0.0.0/24"', '    "2.0.0.0/23"').replace('["3.0.0.0/24"]', '["3.0.0.0/24", "4.0.0.0/24"]');
    expect(diffArtifact(before, after, FROM, TO, bracketLabels).objects).toEqual([
      { object: 'rule-a', kind: '', added: ['    "2.0.0.0/23"'], removed: ['    "2.0.0.0/24"'] },
      { object: 'rule-b', kind: '', added: ['  "prefixes": [ "4.0.0.0/24" ]'], removed: [] },
    ]);
  });

  it('finds exactly the multiset difference of lines, whatever their order', () => {
    const lines = fc.array(fc.constantFrom('a', 'b', 'c', 'allow 1.0.0.0/8', '}', ''), { maxLength: 30 });
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        const diff = diffArtifact(a.join('\n'), b.join('\n'), FROM, TO);
        const count = (list: readonly string[]): Map<string, number> => list.reduce((map, line) => map.set(line, (map.get(line) ?? 0) + 1), new Map<string, number>());
        // Blank lines are layout, not content (diffItems).
        const before = count(a.filter((line) => line !== ''));
        const after = count(b.filter((line) => line !== ''));
        const added = diff.objects.flatMap((object) => object.added);
        const removed = diff.objects.flatMap((object) => object.removed);
        for (const line of new Set([...before.keys(), ...after.keys()])) {
          const surplus = (after.get(line) ?? 0) - (before.get(line) ?? 0);
          expect(added.filter((l) => l === line).length).toBe(Math.max(0, surplus));
          expect(removed.filter((l) => l === line).length).toBe(Math.max(0, -surplus));
        }
        expect(diffArtifact(a.join('\n'), a.join('\n'), FROM, TO).objects).toEqual([]);
      }),
    );
  });
});

describe('diagnostic diffs', () => {
  const limit = (requirementId: string, message: string): Diagnostic => ({ code: 'NSG_PREFIX_LIMIT', severity: 'warning', target: 'nsg', requirementId, message });
  it('tells new, gone and reworded diagnostics apart', () => {
    const diff = diffDiagnostics([limit('a', '3990 prefixes'), limit('b', '4100 prefixes')], [limit('a', '4010 prefixes'), limit('c', '4200 prefixes')], FROM, TO);
    expect(diff.appeared.map((d) => d.requirementId)).toEqual(['c']);
    expect(diff.resolved.map((d) => d.requirementId)).toEqual(['b']);
    expect(diff.reworded.map(({ before, after }) => [before.message, after.message])).toEqual([['3990 prefixes', '4010 prefixes']]);
  });

  it('takes the provenance out alike with a snapshot\'s frozen info (its remover kept) and with an info a caller builds', () => {
    const frozen = Object.freeze({ ...TO });
    const line = 'expanded with change 375 of 2025-10-28 (20251028) from ServiceTags_Public_20251028.json, not 3750';
    for (let round = 0; round < 2; round++) expect(withoutProvenance(line, frozen)).toBe(withoutProvenance(line, { ...TO }));
    expect(withoutProvenance(line, frozen)).toBe('expanded with change <change-number> of <date> (<date>) from ServiceTags_Public_<date>.json, not 3750');
    // A mutable info is read afresh each call: changing it changes what is taken out.
    const mutable = { ...TO };
    withoutProvenance(line, mutable);
    Object.assign(mutable, { changeNumber: 3750 });
    expect(withoutProvenance(line, mutable)).toContain('not <change-number>');
  });

  it('sees nothing when only the snapshot named in a message changes', () => {
    const diff = diffDiagnostics([limit('a', 'expanded with change 364')], [limit('a', 'expanded with change 375')], FROM, TO);
    expect(diff).toEqual({ appeared: [], resolved: [], reworded: [] });
  });
});

describe('snapshot impact', () => {
  const old = loadSnapshotFile(OLD);
  const now = loadSnapshotFile(NEW);
  const requirements = loadRequirementsFile(WORKLOAD);

  it('reports nothing between a snapshot and itself', () => {
    const report = snapshotImpact({ from: now, to: now, requirements, targets: [linesTarget] });
    expect(report.changed).toBe(false);
    expect(report.findings).toEqual([]);
  });

  it('lists the prefixes a requirement gains, the objects that change, and new limits', () => {
    const report = snapshotImpact({ from: old, to: now, requirements, targets: [linesTarget], options: { maxPrefixes: '333' } });
    expect(report.changed).toBe(true);
    const tag = report.findings.find((finding) => finding.code === 'TW_TAG_CHANGED')!;
    expect(tag.requirementId).toBe('aml-management');
    // Cross-checked against the snapshots themselves.
    const gained = now.addresses('AzureMachineLearning').difference(old.addresses('AzureMachineLearning')).toCidrStrings();
    expect(tag.added).toEqual(gained);
    // 330 prefixes fit in one object of 333, 336 do not: the limit is new with the newer snapshot.
    const limits = report.findings.filter((finding) => finding.kind === 'limit');
    expect(limits.map((finding) => [finding.requirementId, finding.message.startsWith('new with Public #375')])).toEqual([['aml-management', true]]);
    expect(report.summary.find((entry) => entry.label === 'new limit diagnostics')!.count).toBe(1);
    const objects = report.findings.filter((finding) => finding.code === 'TW_ARTIFACT_CHANGED').map((finding) => finding.object);
    // The one object of 330 prefixes is replaced by two (split at 333): one gone, two new.
    expect(objects).toEqual(expect.arrayContaining(['object aml-management', 'object (2 new)']));
  });

  it('reports a target that cannot translate without failing the others', () => {
    const broken = { ...linesTarget, id: 'broken', translate: () => { throw new TagwallError('TW_INVALID_OPTION', 'needs --zone'); } };
    const report = snapshotImpact({ from: old, to: now, requirements, targets: [broken, linesTarget] });
    expect(report.findings.find((finding) => finding.target === 'broken')).toMatchObject({ code: 'TW_INVALID_OPTION', message: 'not compared: needs --zone' });
    expect(report.matrix!.targets).toEqual(['lines']);
  });
});

describe('tagwall impact', () => {
  it('exits 1 with a Markdown report when the snapshots differ for the scenario', () => {
    const result = impact('--from', OLD, '--to', NEW, '--scenario', 'compute-public-ip', '--region', 'eastus2', '--format', 'markdown');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^### tagwall impact: scenario:compute-public-ip\n/);
    expect(result.stdout).toContain('AzureMachineLearning');
  });

  it('exits 0 when nothing changes', () => {
    const result = impact('--from', NEW, '--to', NEW, '--requirements', WORKLOAD, '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ command: 'impact', changed: false });
  });

  it('points SARIF results at the requirement file lines', () => {
    const result = impact('--from', OLD, '--to', NEW, '--requirements', WORKLOAD, '--format', 'sarif');
    const sarif = JSON.parse(result.stdout) as { runs: [{ results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }> }] };
    const tag = sarif.runs[0].results.find((entry) => entry.ruleId === 'TW_TAG_CHANGED')!;
    expect(tag.locations[0]!.physicalLocation).toMatchObject({ artifactLocation: { uri: WORKLOAD }, region: { startLine: 14 } });
  });

  it('rejects snapshots of different clouds and unknown targets', () => {
    expect(errorCode('--from', OLD, '--to', 'fixtures/servicetags/ServiceTags_China_20251028.json', '--requirements', WORKLOAD)).toBe('TW_USAGE');
    expect(errorCode('--from', OLD, '--to', NEW, '--requirements', WORKLOAD, '--target', 'no-such-target')).toBe('TW_UNKNOWN_TARGET');
  });
});

describe('the executable\'s impact (both files inflated on the threadpool) and the synchronous one', () => {
  type Outcome = { code?: number; error?: string; stdout: string; stderr: string };
  const capture = () => {
    const out = { stdout: '', stderr: '' };
    return { out, io: { stdout: (text: string) => void (out.stdout += text), stderr: (text: string) => void (out.stderr += text) } };
  };
  const sync = (options: ImpactOptions): Outcome => {
    const { out, io } = capture();
    try {
      return { code: runImpact(options, io), ...out };
    } catch (error) {
      return { error: error instanceof TagwallError ? `${error.code} ${error.message}` : String(error), ...out };
    }
  };
  const overlapped = async (options: ImpactOptions): Promise<Outcome> => {
    const { out, io } = capture();
    try {
      return { code: await runImpactOverlapped(options, io), ...out };
    } catch (error) {
      return { error: error instanceof TagwallError ? `${error.code} ${error.message}` : String(error), ...out };
    }
  };
  const BROKEN = 'fixtures/requirements/workload.yaml';
  const cases: Array<[string, string, Partial<ImpactOptions>]> = [
    [OLD, NEW, {}],
    [NEW, OLD, { json: true }],
    [NEW, NEW, {}],
    ['embedded', NEW, { target: ['udr'] }],
    [OLD, 'embedded:public', { target: ['nsg'], maxAge: '10' }],
    // The first error the synchronous run meets, whichever file is bad: a missing file, a file that is not JSON.
    ['no-such-file.json.gz', NEW, {}],
    [OLD, 'no-such-file.json', {}],
    [BROKEN, 'no-such-file.json', {}],
    ['no-such-file.json', BROKEN, {}],
    [OLD, 'fixtures/servicetags/ServiceTags_China_20251028.json', {}],
  ];
  it.each(cases)('--from %s --to %s: the same report, exit code, warnings or first error', async (from, to, extra) => {
    const options = { from, to, scenario: 'compute-no-public-ip', region: 'westus', target: ['udr', 'nftables'], ...extra } as ImpactOptions;
    const expected = sync(options);
    expect(expected.code !== undefined || expected.error !== undefined).toBe(true);
    expect(await overlapped(options)).toEqual(expected);
  });
});
