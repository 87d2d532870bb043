/**
 * `tagwall impact` as a scheduled CI job relies on it: what each target's changed lines belong to (for every
 * artifact format), limits that a newer snapshot crosses (synthetic snapshots, so the crossing is certain), and
 * exit 0 when two snapshots differ only in their identity.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { expandedResolver } from '../src/analysis/resolve.js';
import { loadRequirementsFile } from '../src/catalogue/index.js';
import { diffArtifact, ipsetResizes } from '../src/reports/artifact-diff.js';
import { snapshotImpact } from '../src/reports/impact.js';
import { loadSnapshotFile } from '../src/servicetags/index.js';
import { findTarget, targetIds } from '../src/targets/registry.js';
import { tagwall } from './support/cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'tagwall-impact-'));
const NEW = 'fixtures/servicetags/ServiceTags_Public_20251028.json.gz';
const now = loadSnapshotFile(NEW);

// ─── object labels, per artifact format ─────────────────────────────────────────────────────────────────

const BEFORE = `name: label-test
requirements:
  - id: partner-api
    direction: outbound
    protocol: tcp
    ports: 443
    source: 10.1.0.0/24
    destination: [203.0.113.0/26, 198.51.100.0/28]
    purpose: Partner API.
  - id: partner-inbound
    direction: inbound
    protocol: tcp
    ports: 8443
    source: [192.0.2.0/28, 192.0.2.64/28]
    destination: 10.1.0.0/24
    purpose: Partner callbacks.
`;
// partner-api gains a prefix and a port, partner-inbound a source prefix; the file name stays the same.
const AFTER = BEFORE.replace('ports: 443', 'ports: [443, 8443]').replace('198.51.100.0/28]', '198.51.100.0/28, 203.0.113.128/26]').replace('192.0.2.64/28]', '192.0.2.64/28, 192.0.2.128/28]');

function requirementsFile(dir: string, text: string): string {
  mkdirSync(join(scratch, dir), { recursive: true });
  const file = join(scratch, dir, 'requirements.yaml');
  writeFileSync(file, text);
  return file;
}

/** Each format's changed objects (label, and `+`/`-` for ones that come or go whole), header lines left out. */
function changedObjects(target: string, options: Record<string, string | boolean>): Record<string, string[]> {
  const context = { snapshot: now, resolver: expandedResolver(now), options };
  // One file rewritten, as a user edits it: artifacts record the requirement file's path.
  const before = findTarget(target).translate(loadRequirementsFile(requirementsFile('labels', BEFORE)), context);
  const after = findTarget(target).translate(loadRequirementsFile(requirementsFile('labels', AFTER)), context);
  const result: Record<string, string[]> = {};
  for (const artifact of after.artifacts) {
    const old = before.artifacts.find((candidate) => candidate.name === artifact.name)!;
    const diff = diffArtifact(old.content, artifact.content, now.info, now.info, findTarget(target).labels[artifact.format]);
    const objects = diff.objects.filter((object) => object.object !== '').map((object) => `${object.whole === 'added' ? '+' : object.whole === 'removed' ? '-' : ''}${object.object}`);
    if (objects.length) result[artifact.name] = objects;
  }
  return result;
}

describe('impact names the object each changed line belongs to', () => {
  // Reviewed by hand: each label is what a reviewer searches the generated file for.
  it.each<[string, Record<string, string | boolean>, Record<string, string[]>]>([
    ['azure-firewall', { format: 'arm' }, { 'firewall-policy.json': ['rules partner-api'] }],
    ['azure-firewall', { format: 'bicep' }, { 'firewall-policy.bicep': ['rules partner-api'] }],
    ['azure-firewall', { format: 'terraform' }, { 'firewall-policy.tf': ['rule partner-api'] }],
    ['azure-firewall-classic', {}, { 'firewall-classic.json': ['rules partner-api'] }],
    ['nsg', { format: 'arm' }, { 'nsg.json': ['securityRules tw-partner-api', 'securityRules tw-partner-inbound'] }],
    ['nsg', { format: 'bicep' }, { 'nsg.bicep': ['securityRules tw-partner-api', 'securityRules tw-partner-inbound'] }],
    ['nsg', { format: 'terraform' }, { 'nsg.tf': ['azurerm_network_security_rule tw-partner-api', 'azurerm_network_security_rule tw-partner-inbound'] }],
    ['udr', { format: 'arm' }, { 'route-table.json': ['+routes tw-192.0.2.128_28'] }],
    ['udr', { format: 'bicep' }, { 'route-table.bicep': ['+routes tw-192.0.2.128_28'] }],
    ['udr', { format: 'terraform' }, { 'route-table.tf': ['+route tw-192.0.2.128_28'] }],
    [
      'iptables',
      {},
      {
        'ipsets.save': ['set tw4_partner_api.dst', 'set tw4_partner_inbound.src'],
        'iptables.rules': ['rule TAGWALL-OUT partner-api'],
      },
    ],
    ['nftables', {}, { 'tagwall.nft': ['rule output partner-api', 'set tw4_partner_api.dst', 'set tw4_partner_inbound.src'] }],
    ['panos', {}, { 'panos-config.xml': ['+address tw-192-0-2-128_28', '+address tw-203-0-113-128_26', 'security rule partner-api', 'security rule partner-inbound', '-service tw-tcp-443', '+service tw-tcp-443_8443'] }],
    ['panos', { format: 'set' }, { 'panos-config.set': ['+address tw-192-0-2-128_28', '+address tw-203-0-113-128_26', 'security rule partner-api', 'security rule partner-inbound', '-service tw-tcp-443', '+service tw-tcp-443_8443'] }],
  ])('%s %j', (target, options, expected) => {
    expect(changedObjects(target, options)).toEqual(expected);
  });

  it('groups objects of one kind that come or go whole into one finding', async () => {
    const report = snapshotImpact({
      from: loadSnapshotFile('fixtures/servicetags/ServiceTags_Public_20250728.json.gz'),
      to: now,
      requirements: loadRequirementsFile('fixtures/requirements/workload.yaml'),
      targets: [findTarget('panos')],
    });
    const added = report.findings.filter((finding) => finding.object?.startsWith('address (') && finding.object.endsWith(' new)'));
    expect(added).toHaveLength(1);
    const count = Number(/\((\d+) new\)/.exec(added[0]!.object!)![1]);
    // As many as the address groups gained members: one address object per new prefix.
    const members = report.findings.filter((finding) => finding.object?.startsWith('address-group ')).flatMap((finding) => finding.added ?? []);
    expect(count).toBe(new Set(members.map((line) => /<member>([^<]+)</.exec(line)![1])).size);
  });
});

// ─── limits crossed by a newer snapshot ─────────────────────────────────────────────────────────────────

/** A Microsoft-format snapshot whose one tag, `PartnerService`, holds `count` /32 prefixes. */
function syntheticSnapshot(date: string, changeNumber: number, count: number, gzip = false): string {
  const prefixes = Array.from({ length: count }, (_, i) => `10.${(i >> 15) & 255}.${(i >> 7) & 255}.${(i & 127) * 2}/32`);
  const json = JSON.stringify({
    changeNumber,
    cloud: 'Public',
    values: [
      {
        name: 'PartnerService',
        id: 'PartnerService',
        properties: { changeNumber, region: '', regionId: 0, platform: 'Azure', systemService: 'PartnerService', addressPrefixes: prefixes, networkFeatures: ['API', 'NSG', 'UDR', 'FW'] },
      },
    ],
  });
  const file = join(scratch, `ServiceTags_Public_${date}.json${gzip ? '.gz' : ''}`);
  writeFileSync(file, gzip ? gzipSync(json) : json);
  return file;
}

const PARTNER = requirementsFile(
  'partner',
  `name: partner
requirements:
  - id: partner-callbacks
    direction: inbound
    protocol: tcp
    ports: 8443
    source: PartnerService
    destination: 10.200.0.0/24
    purpose: Callbacks from the partner service.
`,
);

describe('impact reports limits a newer snapshot crosses', () => {
  it('UDR: a tag growing past 400 routes per route table is a new limit finding, exit 1', () => {
    const from = syntheticSnapshot('20250101', 1, 390);
    const to = syntheticSnapshot('20250108', 2, 410);
    const result = tagwall('impact', '--from', from, '--to', to, '--requirements', PARTNER, '--target', 'udr', '--option', 'expand=true', '--json');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { findings: Array<{ kind: string; code: string; message: string; requirementId?: string; location?: { line: number } }>; summary: Array<{ label: string; count: number }> };
    const limits = report.findings.filter((finding) => finding.kind === 'limit');
    expect(limits.map((finding) => finding.code)).toEqual(Array(10).fill('UDR_ROUTE_LIMIT'));
    expect(limits.every((finding) => finding.message.startsWith('new with Public #2') && finding.requirementId === 'partner-callbacks' && finding.location?.line === 3)).toBe(true);
    expect(report.summary.find((entry) => entry.label === 'new limit diagnostics')?.count).toBe(10);
  });

  it('UDR below the limit on both sides: changes, but no limit finding', () => {
    const from = syntheticSnapshot('20250201', 3, 380);
    const to = syntheticSnapshot('20250208', 4, 390);
    const result = tagwall('impact', '--from', from, '--to', to, '--requirements', PARTNER, '--target', 'udr', '--option', 'expand=true', '--json');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { findings: Array<{ kind: string; object?: string }> };
    expect(report.findings.filter((finding) => finding.kind === 'limit')).toEqual([]);
    expect(report.findings.find((finding) => finding.object === 'routes (10 new)')).toBeDefined();
  });

  it('ipset: a set outgrowing maxelem 65536 is a limit finding (ipset restore -exist would refuse it)', () => {
    const from = loadSnapshotFile(syntheticSnapshot('20250301', 5, 65_000, true));
    const to = loadSnapshotFile(syntheticSnapshot('20250308', 6, 66_000, true));
    const report = snapshotImpact({ from, to, requirements: loadRequirementsFile(PARTNER), targets: [findTarget('iptables')] });
    expect(report.changed).toBe(true);
    const limits = report.findings.filter((finding) => finding.kind === 'limit');
    expect(limits.map((finding) => [finding.code, finding.object, finding.severity])).toEqual([['TW_IPSET_MAXELEM', 'set tw4_PartnerService', 'error']]);
    expect(limits[0]!.message).toContain('maxelem 131072 (was 65536)');
    expect(report.summary.find((entry) => entry.label === 'new limit diagnostics')?.count).toBe(1);
  }, 60_000);

  it('ipset sizes: only a changed maxelem of a set on both sides counts', () => {
    const before = 'create a hash:net family inet hashsize 64 maxelem 65536\ncreate b hash:net family inet hashsize 64 maxelem 65536\n';
    expect(ipsetResizes(before, before.replace('hashsize 64 maxelem 65536\ncreate b', 'hashsize 128 maxelem 65536\ncreate b'))).toEqual([]);
    expect(ipsetResizes(before, `${before}create c hash:net family inet hashsize 64 maxelem 131072\n`)).toEqual([]);
    expect(ipsetResizes(before, before.replace(/maxelem 65536\n$/, 'maxelem 131072\n'))).toEqual([{ set: 'b', from: 65536, to: 131072 }]);
  });
});

// ─── nothing changes ────────────────────────────────────────────────────────────────────────────────────

describe('impact exit status', () => {
  it('exits 0 on every target when two snapshots differ only in change number, date and file name', () => {
    const from = syntheticSnapshot('20250401', 7, 500);
    const to = syntheticSnapshot('20250408', 8, 500);
    const result = tagwall('impact', '--from', from, '--to', to, '--requirements', PARTNER, '--json');
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as { changed: boolean; findings: Array<{ message: string }>; subjects: { targets: string[] } };
    expect(report.findings.map((finding) => finding.message)).toEqual([]);
    expect(report.subjects.targets).toEqual(targetIds());
    expect(result.code).toBe(0);
  });

  it('exits 1 on the same pair once one prefix changes', () => {
    const from = syntheticSnapshot('20250501', 9, 500);
    const to = syntheticSnapshot('20250508', 10, 501);
    expect(tagwall('impact', '--from', from, '--to', to, '--requirements', PARTNER, '--format', 'text').code).toBe(1);
  });
});
