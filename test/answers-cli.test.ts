/**
 * Issue 21, items 2 and 3: `check` on a hand-written NSG (`az network nsg show` shape, fixtures/azure/
 * nsg-show-hand-written.json) names the offending rules in text and JSON, with tags named, witnesses inside the
 * tags' real prefixes, every offending rule shown at the default limit; baselines accept exactly what they record;
 * `--accept-losses` lets tagwall's own NSG check clean; several reports in one run.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { textStyle } from '../src/cli/terminal-style.js';
import { defaultSnapshot } from '../src/servicetags/index.js';
import { AddressSet } from '../src/model/address-set.js';
import { loadCommandModules, run } from '../src/cli/main.js';
import { formatPacket, PacketSet, PortSet, ProtocolSet } from '../src/index.js';
import { tagwall } from './support/cli.js';

// The commands' modules load lazily (src/cli/lazy-commands.ts); the synchronous run() needs them loaded.
await loadCommandModules();

const dir = mkdtempSync(join(tmpdir(), 'tagwall-answers-'));
const CHECK = ['check', '--requirements', 'fixtures/requirements/app-subnet.yaml', '--target', 'nsg', '--config', 'fixtures/azure/nsg-show-hand-written.json'];

interface Group {
  rule: { name: string; priority?: number; line?: number; file?: string } | null;
  witness: { src: string; dst: string; srcTag?: string; dstPort?: number };
  boxes: Array<{ src: string[]; dst: string[]; dstPorts?: string; digest: string }>;
}

describe('check on a hand-written NSG', () => {
  it('names each offending rule in text, users\' rules first, the SSH-from-Internet rule at the default limit', () => {
    const { code, stdout } = tagwall(...CHECK);
    expect(code).toBe(1);
    const extra = stdout.slice(stdout.indexOf('extra (allowed, not required)'));
    expect(extra).toMatch(/^ {2}rule AllowSSHFromInternet \(priority 120, fixtures\/azure\/nsg-show-hand-written\.json:\d+\)/m);
    expect(extra).toContain('in ipv4 tcp Internet except 203.0.113.0/24 -> 172.16.0.0/24 port 22');
    // Users' rules come before the platform's defaults, whatever their direction.
    expect(extra.indexOf('AllowWebOut')).toBeLessThan(extra.indexOf('AllowVnetInBound'));
    expect(stdout).toMatch(/requirement batch-inbound \(#3, fixtures\/requirements\/app-subnet\.yaml:\d+\)/);
    expect(stdout).not.toMatch(/…\(\d+ items\)/);
    expect(stdout).not.toMatch(/\u001b\[/); // not a terminal: no colour
  });

  it('gives rules, boxes and witnesses as fields in --json, the witness inside the tag\'s real prefixes', () => {
    const { code, stdout } = tagwall(...CHECK, '--json');
    expect(code).toBe(1);
    const answer = JSON.parse(stdout) as { ok: boolean; missing: Group[]; extra: Group[] };
    expect(answer.ok).toBe(false);
    const ssh = answer.extra.find((group) => group.rule?.name === 'AllowSSHFromInternet')!;
    expect(ssh.rule).toMatchObject({ priority: 120, file: 'fixtures/azure/nsg-show-hand-written.json' });
    const lines = readFileSync('fixtures/azure/nsg-show-hand-written.json', 'utf8').split('\n');
    expect(lines[ssh.rule!.line! - 1]).toContain('"name": "AllowSSHFromInternet"');
    expect(ssh.boxes[0]).toMatchObject({ src: ['Internet except 203.0.113.0/24'], dst: ['172.16.0.0/24'], dstPorts: '22' });
    const batch = answer.missing[0]!;
    expect(batch.rule?.name).toBe('batch-inbound');
    expect(batch.witness.srcTag).toBe('BatchNodeManagement.WestUS');
    const real = defaultSnapshot('Public').addresses('BatchNodeManagement.WestUS');
    expect(real.has(batch.witness.src)).toBe(true);
    expect(AddressSet.parse('240.0.0.0/4').has(batch.witness.src)).toBe(false);
  });
});

describe('tag names in expanded analysis', () => {
  it('names a set that is a tag but another tag by both names, not by its 600 blocks', () => {
    const { stdout } = tagwall(...CHECK, '--expand');
    expect(stdout).toContain('analysis: expanded (--expand)');
    expect(stdout).toContain('out ipv4 tcp 172.16.0.0/24 -> Internet except Storage.WestUS port 443');
    expect(stdout).toContain('in ipv4 tcp Internet except 203.0.113.0/24 -> 172.16.0.0/24 port 22');
  });
});

describe('check --baseline', () => {
  it('accepts exactly the recorded differences and reports a new one', () => {
    const baseline = join(dir, 'baseline.json');
    expect(tagwall(...CHECK, '--write-baseline', baseline).code).toBe(0);
    const written = JSON.parse(readFileSync(baseline, 'utf8')) as { accepted: Array<{ kind: string; rule: string; box: string }> };
    const keys = written.accepted.map((entry) => `${entry.kind} ${entry.rule} ${entry.box}`);
    expect(keys).toEqual([...keys].sort());
    expect(written.accepted.some((entry) => entry.rule === 'AllowSSHFromInternet')).toBe(true);
    const clean = tagwall(...CHECK, '--baseline', baseline);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('ok: ');
    // A new rule allowing RDP from a partner network is new: reported, exit 1, and nothing else. (A rule that took
    // packets from a recorded rule would change that rule's boxes too, which then report as new: conservative.)
    const nsg = JSON.parse(readFileSync('fixtures/azure/nsg-show-hand-written.json', 'utf8')) as { securityRules: Array<Record<string, unknown>> };
    nsg.securityRules.push({ ...nsg.securityRules[2]!, name: 'AllowRdpFromPartner', priority: 125, sourceAddressPrefix: '198.51.100.0/24', destinationPortRange: '3389' });
    const changed = join(dir, 'changed.json');
    writeFileSync(changed, JSON.stringify(nsg, null, 2));
    const config = CHECK.indexOf('--config') + 1;
    const argv = CHECK.map((arg, index) => (index === config ? changed : arg));
    const result = tagwall(...argv, '--baseline', baseline, '--json');
    expect(result.code).toBe(1);
    const answer = JSON.parse(result.stdout) as { extra: Group[]; missing: Group[] };
    expect(answer.missing).toEqual([]);
    expect(answer.extra.map((group) => group.rule?.name)).toEqual(['AllowRdpFromPartner']);
  });

  it('refuses a baseline written in the other analysis mode', () => {
    const baseline = join(dir, 'expanded.json');
    expect(tagwall(...CHECK, '--expand', '--write-baseline', baseline).code).toBe(0);
    const result = tagwall(...CHECK, '--baseline', baseline);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/TW_INVALID_BASELINE|written in expanded analysis/);
  });
});

describe('check --accept-losses and several reports', () => {
  it('checks tagwall\'s own NSG clean against requirements with host names, writing every report asked for', () => {
    const config = join(dir, 'nsg.json');
    expect(tagwall('render', '--requirements', 'fixtures/requirements/workload.yaml', '--target', 'nsg', '-o', config).code).toBeLessThanOrEqual(1);
    const argv = ['check', '--requirements', 'fixtures/requirements/workload.yaml', '--target', 'nsg', '--config', config];
    expect(tagwall(...argv).code).toBe(1);
    const md = join(dir, 'check.md');
    const sarif = join(dir, 'check.sarif');
    const result = tagwall(...argv, '--accept-losses', '--report', md, '--report', sarif);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/accepted: \d+ lost box(es)? the translation for nsg reports \(--accept-losses: ping, pypi, websocket-server\)/);
    expect(readFileSync(md, 'utf8')).toContain('allows exactly what is required');
    expect(JSON.parse(readFileSync(sarif, 'utf8'))).toMatchObject({ version: '2.1.0' });
  });
});

describe('terminal style', () => {
  it('colours a terminal only, honours NO_COLOR and FORCE_COLOR, and fits lines to the width', () => {
    expect(textStyle({}, { isTTY: true, columns: 100 })).toEqual({ color: true, width: 100 });
    expect(textStyle({}, { isTTY: false, columns: 100 })).toEqual({ color: false });
    expect(textStyle({ NO_COLOR: '1' }, { isTTY: true, columns: 100 }).color).toBe(false);
    expect(textStyle({ NO_COLOR: '1', FORCE_COLOR: '1' }, { isTTY: true }).color).toBe(false);
    expect(textStyle({ FORCE_COLOR: '1' }, { isTTY: false }).color).toBe(true);
    expect(textStyle({ FORCE_COLOR: '0' }, { isTTY: false }).color).toBe(false);
    expect(textStyle({ TERM: 'dumb' }, { isTTY: true, columns: 80 }).color).toBe(false);
  });

  it('prints coloured, fitted text when the output is a terminal', () => {
    let stdout = '';
    run(CHECK, { stdout: (text) => void (stdout += text), stderr: () => {}, style: () => ({ color: true, width: 60 }) });
    expect(stdout).toContain('\u001b[31m'); // the missing heading, red
    const widest = Math.max(...stdout.replace(/\u001b\[[0-9;]*m/g, '').split('\n').map((line) => line.length));
    expect(widest).toBeLessThanOrEqual(60);
  });
});

describe('README', () => {
  it("shows check's real answer on the hand-written NSG", () => {
    const readme = readFileSync('README.md', 'utf8');
    const block = /```console\n\$ tagwall (check --requirements fixtures\/requirements\/app-subnet\.yaml [^\n]*)\n([\s\S]*?)```/.exec(readme);
    expect(block, 'README check example').not.toBeNull();
    const result = tagwall(...block![1]!.split(' '));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(block![2]);
  });
  it("shows what witness() returns and what formatPacket prints for it", () => {
    const readme = readFileSync('README.md', 'utf8');
    const vnet = AddressSet.parse('172.16.0.0/16, 2001:db8::/48');
    const storage = defaultSnapshot('Public').addresses('Storage.WestUS');
    const required = PacketSet.of({ directions: ['out'], protocols: ProtocolSet.parse('tcp'), src: vnet, dst: storage, dstPorts: PortSet.of(443) });
    const deployed = PacketSet.of({ directions: ['out'], protocols: ProtocolSet.parse('tcp'), src: vnet, dst: storage, dstPorts: PortSet.of(443, 445) });
    const witness = deployed.difference(required).witness()!;
    const { direction, protocol, src, dst, srcPort, dstPort } = witness;
    expect(readme).toContain(`// a concrete Packet: { direction: '${direction}', protocol: ${protocol}, src: '${src}', dst: '${dst}', srcPort: ${srcPort}, dstPort: ${dstPort} }`);
    expect(readme).toContain(`formatPacket(deployed.difference(required).witness()!); // '${formatPacket(witness)}'`);
  });
  it("shows catalog show's real first row in a 118-column terminal", () => {
    const readme = readFileSync('README.md', 'utf8');
    const block = /\$ npx tagwall (catalog show compute-no-public-ip --region westus)\s+# in a (\d+)-column terminal[^\n]*\n([\s\S]*?)\n\.\.\.\n/.exec(readme);
    expect(block, 'README catalog show example').not.toBeNull();
    let stdout = '';
    const code = run(block![1]!.split(' '), { stdout: (t) => void (stdout += t), stderr: () => undefined, style: () => ({ color: false, width: Number(block![2]) }) });
    expect(code).toBe(0);
    const shown = block![3]!.split('\n');
    expect(stdout.split('\n').slice(0, shown.length).map((line) => line.trimEnd())).toEqual(shown);
  });
});
