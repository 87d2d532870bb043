import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tagwall } from './support/cli.js';
import { AddressSet } from '../src/model/address-set.js';
import { defaultSnapshot, loadSnapshotFile } from '../src/servicetags/index.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/servicetags/', import.meta.url));
const PUBLIC_OLD = `${FIXTURES}ServiceTags_Public_20250728.json.gz`;
const PUBLIC_NEW = `${FIXTURES}ServiceTags_Public_20251028.json.gz`;
const CHINA_NEW = `${FIXTURES}ServiceTags_China_20260720.json`;
const BIN = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

describe('tagwall expand', () => {
  it('prints the minimal CIDR list of a tag from the embedded snapshot, IPv4 first', () => {
    const { code, stdout, stderr } = tagwall('expand', 'Storage.WestUS');
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const lines = stdout.trimEnd().split('\n');
    const expected = defaultSnapshot().addresses('Storage.WestUS');
    expect(AddressSet.fromStrings(lines).equals(expected)).toBe(true);
    expect(lines).toEqual(expected.toCidrStrings());
    expect(lines.findIndex((l) => l.includes(':'))).toBeGreaterThan(lines.findIndex((l) => l.includes('.')));
  });

  it('prints JSON with the snapshot it used and the resolution of each name', () => {
    const { code, stdout } = tagwall('expand', 'azuremachinelearning.westus', '--json');
    expect(code).toBe(0);
    const out = JSON.parse(stdout) as { snapshot: { cloud: string; changeNumber: number; date: string }; tags: unknown[]; ipv4: string[]; ipv6: string[] };
    expect(out.snapshot).toMatchObject({ cloud: 'Public', changeNumber: 375, date: '2025-10-28' });
    expect(out.tags).toEqual([
      { requested: 'azuremachinelearning.westus', name: 'AzureMachineLearning.WestUS', note: expect.stringContaining('spelled') },
    ]);
    const union = AddressSet.fromStrings([...out.ipv4, ...out.ipv6]);
    expect(union.equals(defaultSnapshot().addresses('AzureMachineLearning.WestUS'))).toBe(true);
  });

  it('unions several tags and globs into one minimal list', () => {
    const { stdout } = tagwall('expand', 'BatchNodeManagement.*', 'Storage.WestUS', '--family', 'ipv4');
    const snapshot = defaultSnapshot();
    const expected = snapshot
      .match('BatchNodeManagement.*')
      .concat('Storage.WestUS')
      .map((name) => snapshot.addresses(name))
      .reduce((a, b) => a.union(b))
      .toCidrStrings('ipv4');
    expect(stdout.trimEnd().split('\n')).toEqual(expected);
  });

  it('prints CSV and ranges', () => {
    const csv = tagwall('expand', 'AzureMachineLearning.WestUS', '--format', 'csv').stdout.split('\n');
    expect(csv[0]).toBe('family,prefix');
    expect(csv[1]).toMatch(/^ipv4,\d+\.\d+\.\d+\.\d+\/\d+$/);
    const ranges = tagwall('expand', 'AzureMachineLearning.WestUS', '--ranges', '--family', 'ipv4').stdout.trimEnd().split('\n');
    expect(AddressSet.fromStrings(ranges).equals(defaultSnapshot().addresses('AzureMachineLearning.WestUS').only('ipv4'))).toBe(true);
  });

  it('maps documentation spellings with a note on stderr', () => {
    const { code, stderr } = tagwall('expand', 'Keyvault.westus');
    expect(code).toBe(0);
    expect(stderr).toContain("AzureKeyVault.WestUS");
  });

  it('reads another cloud and a snapshot file', () => {
    const china = tagwall('expand', 'AzureMachineLearning', '--cloud', 'china', '--json');
    expect(JSON.parse(china.stdout).snapshot.cloud).toBe('China');
    const file = tagwall('expand', 'Storage.WestUS', '--snapshot', PUBLIC_OLD, '--json');
    expect(file.code).toBe(0);
    expect(JSON.parse(file.stdout).snapshot).toMatchObject({ changeNumber: 364, date: '2025-07-28' });
    const expected = loadSnapshotFile(PUBLIC_OLD).addresses('Storage.WestUS');
    const out = JSON.parse(file.stdout) as { ipv4: string[]; ipv6: string[] };
    expect(AddressSet.fromStrings([...out.ipv4, ...out.ipv6]).equals(expected)).toBe(true);
  });

  it.each([
    [['expand', 'Storag.WestUS'], /unknown service tag 'Storag\.WestUS'.*did you mean Storage\.WestUS/],
    [['expand', 'Storage.WestUS', '--cloud', 'mars'], /unknown cloud 'mars'/],
    [['expand', 'Storage.WestUS', '--cloud', 'china'], /Storage\.WestUS/],
    [['expand', 'Storage.WestUS', '--family', 'ipv5'], /ipv5/],
    [['expand', 'Storage.WestUS', '--snapshot', '/nonexistent/file.json'], /nonexistent/],
    [['expand', 'Storage.WestUS', '--snapshot', CHINA_NEW, '--cloud', 'public'], /China cloud, not Public/],
    [['expand', 'NoSuchTag.*'], /no service tag .* matches/],
    [['expand'], /missing required argument/],
    [['frobnicate'], /unknown command/],
    [['expand', 'Storage.WestUS', '--bogus'], /unknown option '--bogus'/],
  ])('exits 2 with a one-line error for %j', (argv, message) => {
    const { code, stdout, stderr } = tagwall(...argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^tagwall: /);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('prints errors as JSON with --json', () => {
    const { code, stdout, stderr } = tagwall('expand', 'Storag.WestUS', '--json');
    expect(code).toBe(2);
    expect(stderr).toBe('');
    const { error } = JSON.parse(stdout) as { error: { code: string; suggestions: string[] } };
    expect(error.code).toBe('TW_UNKNOWN_TAG');
    expect(error.suggestions).toContain('Storage.WestUS');
  });
});

describe('tagwall tags', () => {
  it('lists the tags of a region', () => {
    const { code, stdout } = tagwall('tags', '--region', 'francecentral', '--json');
    expect(code).toBe(0);
    const names = (JSON.parse(stdout) as { tags: Array<{ name: string; region: string }> }).tags.map((t) => t.name);
    expect(names).toContain('Storage.FranceCentral');
    expect(names).toContain('AzureCloud.centralfrance');
    expect(names.every((n) => /FranceCentral|centralfrance/.test(n))).toBe(true);
  });

  it('searches by text and glob, as a table', () => {
    const { stdout } = tagwall('tags', '--search', 'machinelearning');
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TAG\s+REGION\s+IPV4\s+IPV6\s+FEATURES\s+SERVICE$/);
    expect(lines.slice(1).every((l) => /machinelearning/i.test(l.split(/\s+/)[0]!))).toBe(true);
    expect(lines.some((l) => l.startsWith('AzureMachineLearning '))).toBe(true);
    const glob = tagwall('tags', '--search', 'AzureMachineLearning.*US', '--json');
    const names = (JSON.parse(glob.stdout) as { tags: Array<{ name: string }> }).tags.map((t) => t.name);
    expect(names).toContain('AzureMachineLearning.WestUS');
    expect(names.every((n) => /^AzureMachineLearning\..*US$/i.test(n))).toBe(true);
  });

  it('rejects an unknown region with suggestions', () => {
    const { code, stderr } = tagwall('tags', '--region', 'westuss');
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown region 'westuss'.*did you mean westus/);
  });
});

describe('tagwall snapshot', () => {
  it('shows the embedded snapshot of every cloud', () => {
    const { code, stdout } = tagwall('snapshot', 'info', '--json');
    expect(code).toBe(0);
    const infos = JSON.parse(stdout) as Array<{ cloud: string; changeNumber: number; date: string }>;
    expect(infos.map((i) => [i.cloud, i.changeNumber, i.date])).toEqual([
      ['Public', 375, '2025-10-28'],
      ['AzureGovernment', 402, '2026-07-20'],
      ['China', 405, '2026-07-20'],
    ]);
  });

  it('diffs two snapshots and exits 1 when they differ', () => {
    const { code, stdout } = tagwall('snapshot', 'diff', PUBLIC_OLD, PUBLIC_NEW);
    expect(code).toBe(1);
    expect(stdout.split('\n')[0]).toBe(
      'Public #364 (2025-07-28) -> Public #375 (2025-10-28): 72 tags added, 0 removed, 348 changed (+3266 / -731 prefixes in changed tags)',
    );
  });

  it('diffs one tag with its prefixes, and exits 0 for identical snapshots', () => {
    const { code, stdout } = tagwall('snapshot', 'diff', PUBLIC_OLD, PUBLIC_NEW, '--tag', 'AzureMachineLearning', '--json');
    expect(code).toBe(1);
    const diff = JSON.parse(stdout) as { changed: Array<{ name: string; prefixesAdded: string[] }> };
    expect(diff.changed.map((c) => c.name)).toEqual(['AzureMachineLearning']);
    const same = tagwall('snapshot', 'diff', PUBLIC_NEW, 'embedded:public');
    expect(same.code).toBe(0);
  });
});

describe('the built bin (end to end)', () => {
  const built = existsSync(BIN);
  it.skipIf(!built)('runs expand through dist/cli.js with exit codes', () => {
    const out = execFileSync(process.execPath, [BIN, 'expand', 'AzureMachineLearning.WestUS', '--json'], { encoding: 'utf8' });
    expect(JSON.parse(out).ipv4.length).toBeGreaterThan(0);
    const bad = spawnSync(process.execPath, [BIN, 'expand', '300.1.1.1'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^tagwall: /);
    const version = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const help = spawnSync(process.execPath, [BIN, 'expand', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--family');
  });
});
