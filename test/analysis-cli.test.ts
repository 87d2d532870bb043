import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { symbolicResolver } from '../src/analysis/resolve.js';
import { loadRequirementsFile } from '../src/catalogue/index.js';
import { parsePacket } from '../src/model/packet.js';
import { defaultSnapshot } from '../src/servicetags/index.js';
import { nsgTarget } from '../src/targets/azure/nsg/index.js';
import { tagwall } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tagwall-analysis-'));
function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const NARROW = file(
  'narrow.yaml',
  `name: narrow
requirements:
  - {id: storage, direction: outbound, protocol: tcp, ports: 443, source: 172.16.0.0/24, destination: Storage.WestUS}
  - {id: pypi, direction: outbound, protocol: tcp, ports: "80,443", source: 172.16.0.0/24, destination: [pypi.org, files.pythonhosted.org]}
`,
);
const WIDE = file(
  'wide.yaml',
  `name: wide
requirements:
  - {id: storage, direction: outbound, protocol: tcp, ports: 443, source: 172.16.0.0/24, destination: Storage}
  - {id: pypi, direction: outbound, protocol: tcp, ports: 443, source: 172.16.0.0/24, destination: [pypi.org, files.pythonhosted.org]}
`,
);
const SHADOWING = file(
  'shadowing.yaml',
  `requirements:
  - {id: web, direction: outbound, protocol: tcp, ports: "80,443", source: 172.16.0.0/16, destination: any}
  - {id: storage, direction: outbound, protocol: tcp, ports: 443, source: 172.16.0.0/24, destination: Storage.WestUS}
`,
);
/** Tags and addresses only, so an NSG can express all of it. */
const NETWORK = file(
  'network.yaml',
  `name: network
requirements:
  - {id: storage, direction: outbound, protocol: tcp, ports: 443, source: VirtualNetwork, destination: Storage.WestUS}
  - {id: monitor, direction: outbound, protocol: tcp, ports: 443, source: VirtualNetwork, destination: AzureMonitor}
  - {id: batch-in, direction: inbound, protocol: tcp, ports: "29876-29877", source: BatchNodeManagement.WestUS, destination: VirtualNetwork}
`,
);

function nsgConfig(requirementsFile: string, name: string): string {
  const snapshot = defaultSnapshot('Public');
  const { artifacts } = nsgTarget.translate(loadRequirementsFile(requirementsFile), { snapshot, resolver: symbolicResolver(snapshot), options: { format: 'arm' } });
  return file(name, artifacts[0]!.content);
}

describe('tagwall equiv', () => {
  it('exits 1 with a witness packet and the deciding rule on each side', () => {
    const { code, stdout, stderr } = tagwall('equiv', NARROW, WIDE);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(`not equivalent: ${NARROW} and ${WIDE}`);
    expect(lines[1]).toBe('analysis: symbolic (service tags compared by name)');
    expect(lines[2]).toBe('witness: out tcp 172.16.0.0:49152 -> 240.92.0.0:443  (dst Storage)');
    expect(lines[3]).toBe(`  ${NARROW}: deny by the default action`);
    expect(lines[4]).toBe(`  ${WIDE}: allow by rule storage`);
    expect(stdout).toContain('-> Storage except Storage.WestUS port 443');
    expect(stdout).toContain('e.g. out tcp 172.16.0.0:49152 -> 1.0.0.0:80 host=files.pythonhosted.org');
  });

  it('exits 0 on equivalent operands, and says which analysis it did', () => {
    expect(tagwall('equiv', NARROW, NARROW)).toMatchObject({ code: 0, stdout: `equivalent: ${NARROW} and ${NARROW} allow exactly the same packets\nanalysis: symbolic (service tags compared by name)\n` });
    const json = JSON.parse(tagwall('equiv', NARROW, WIDE, '--expand', '--json').stdout) as { equivalent: boolean; mode: string; witness: string; left: { action: string; rule: unknown }; right: { rule: { id: string } } };
    expect(json).toMatchObject({ equivalent: false, mode: 'expanded', left: { action: 'deny', rule: null }, right: { rule: { id: 'storage' } } });
    // Expanded, the witness is a real Storage address outside Storage.WestUS.
    const witness = parsePacket(json.witness);
    const snapshot = defaultSnapshot('Public');
    expect(snapshot.addresses('Storage').has(witness.dst)).toBe(true);
    expect(snapshot.addresses('Storage.WestUS').has(witness.dst)).toBe(false);
  });

  it('compares a requirements file with a target config, named or detected, in both modes', () => {
    const config = nsgConfig(NETWORK, 'network-nsg.json');
    expect(tagwall('equiv', NETWORK, `nsg:${config}`)).toMatchObject({ code: 0 });
    expect(tagwall('equiv', config, NETWORK, '--expand')).toMatchObject({ code: 0 });
    const other = nsgConfig(NARROW, 'narrow-nsg.json');
    expect(tagwall('equiv', NETWORK, `nsg:${other}`).code).toBe(1);
  });

  it('compares scenarios with their parameters', () => {
    const same = tagwall('equiv', 'scenario:compute-no-public-ip', 'scenario:compute-no-public-ip', '--region', 'westus');
    expect(same.code).toBe(0);
    const differs = tagwall('equiv', 'scenario:compute-no-public-ip', 'scenario:compute-public-ip', '--region', 'westus');
    expect(differs.code).toBe(1);
    expect(differs.stdout).toMatch(/^witness: (in|out) \w+ /m);
  });
});

describe('tagwall eval', () => {
  it('prints the verdict and the deciding rule for each packet', () => {
    const { code, stdout } = tagwall('eval', NARROW, '--packet', 'out tcp 172.16.0.4:50000 -> 20.150.1.1:443 host=pypi.org', '--packet', 'out tcp 172.16.0.4 -> 20.150.1.1:80');
    expect(code).toBe(0);
    expect(stdout).toBe(
      `out tcp 172.16.0.4:50000 -> 20.150.1.1:443 host=pypi.org\n  ${NARROW}: allow by rule pypi\nout tcp 172.16.0.4:49152 -> 20.150.1.1:80\n  ${NARROW}: deny by the default action\n`,
    );
    const json = JSON.parse(tagwall('eval', 'scenario:compute-no-public-ip', '--region', 'westus', '--expand', '--json', '--packet', 'out tcp 10.0.0.4 -> 20.150.1.1:443').stdout) as { results: Array<{ action: string }> };
    expect(json.results).toHaveLength(1);
  });

  it('refuses a malformed packet with exit 2', () => {
    const { code, stderr } = tagwall('eval', NARROW, '--packet', 'out tcp 172.16.0.4 -> 20.150.1.1');
    expect(code).toBe(2);
    expect(stderr).toMatch(/^tagwall: invalid packet .*needs a destination port/);
  });
});

describe('tagwall diff and contains', () => {
  it('lists what each side alone allows, as boxes with a witness each', () => {
    const { code, stdout } = tagwall('diff', NARROW, WIDE, '--expand');
    expect(code).toBe(1);
    // Grouped by the rule that allows them: the narrow side's pypi requirement alone allows port 80.
    expect(stdout).toMatch(/^analysis: expanded \(--expand\)\nonly .*narrow\.yaml allows: 1 rule, 1 box\n {2}rule pypi \(#2\)\n {4}out ipv4 tcp 172\.16\.0\.0\/24 -> any port 80 host files\.pythonhosted\.org, pypi\.org\n/);
    expect(tagwall('diff', WIDE, WIDE).code).toBe(0);
  });

  it('says whether one side allows all the other does', () => {
    const missing = tagwall('contains', WIDE, NARROW);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('witness: out tcp 172.16.0.0:49152 -> 1.0.0.0:80 host=files.pythonhosted.org');
    const superset = file('superset.yaml', `requirements:\n  - {id: all, direction: outbound, protocol: any, source: any, destination: any}\n`);
    expect(tagwall('contains', superset, NARROW).code).toBe(0);
  });
});

describe('tagwall shadowed', () => {
  it('names rules that never match and the rules that cover them', () => {
    const { code, stdout } = tagwall('shadowed', SHADOWING);
    expect(code).toBe(1);
    expect(stdout).toContain('2 rules, 1 never match');
    expect(stdout).toContain('never matches: rule storage\n  covered by web (allow)');
    expect(tagwall('shadowed', NARROW).code).toBe(0);
  });
});

describe('tagwall check', () => {
  it('passes a config that allows exactly the requirements and reports missing and extra traffic otherwise', () => {
    const config = nsgConfig(NETWORK, 'check-nsg.json');
    const ok = tagwall('check', '--requirements', NETWORK, '--target', 'nsg', '--config', config);
    expect(ok.stdout).toContain('ok: nsg:');
    expect(ok.code).toBe(0);
    const narrower = file('narrower.yaml', `requirements:\n  - {id: storage, direction: outbound, protocol: tcp, ports: 443, source: VirtualNetwork, destination: Storage.WestUS}\n`);
    const bad = tagwall('check', '--requirements', narrower, '--target', 'nsg', '--config', config, '--json');
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.stdout) as { ok: boolean; missing: unknown[]; extra: Array<{ rule: { name: string }; boxes: Array<{ dst: string[] }> }> };
    expect(report.ok).toBe(false);
    expect(report.missing).toEqual([]);
    expect(report.extra.flatMap((group) => group.boxes.flatMap((box) => box.dst))).toContain('AzureMonitor');
  });

  it('refuses an unknown target kind with exit 2', () => {
    const { code, stderr } = tagwall('equiv', NARROW, 'nosuch:x.json');
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown target 'nosuch'/);
  });
});

describe('report formats of equiv and check', () => {
  it('names symbolic atoms by their tags in boxes and witnesses, never as reserved addresses alone', () => {
    const result = tagwall('equiv', NARROW, WIDE, '--format', 'markdown');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^### tagwall equiv/);
    // The wide side's extra Storage packets: the box names the tag, the witness says which tag its address stands for.
    expect(result.stdout).toMatch(/-> Storage(?!\.)/);
    expect(result.stdout).toMatch(/witness: out tcp 172\.16\.0\.0:49152 -> 240\.[0-9.]+:443 {2}\(dst Storage\)/);
  });

  it('writes the report to --output atomically and prints nothing', () => {
    const out = join(dir, 'equiv.sarif');
    const result = tagwall('equiv', NARROW, WIDE, '--format', 'sarif', '--output', out);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ version: '2.1.0' });
  });
});
