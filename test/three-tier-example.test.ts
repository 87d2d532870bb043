/**
 * Issue 21's "done when" for the requirements language: examples/three-tier (named networks and services,
 * includes, deny terms and except) renders to every target and checks clean against its own outputs with
 * `tagwall render` and `tagwall check` and no flags at all, from the project file. The deny terms are really in
 * the rendered configs: packets they deny are denied by the configs (`tagwall eval`), packets the allow terms keep
 * are allowed.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirementFileLocations } from '../src/reports/locations.js';
import { allTargets } from '../src/targets/registry.js';
import { tagwall } from './support/cli.js';

const example = join(mkdtempSync(join(tmpdir(), 'tw-three-tier-')), 'three-tier');
const home = process.cwd();

/** Lines that are neither the per-target header nor a reader's note. */
const unexpected = (stderr: string): string[] => stderr.split('\n').filter((line) => line !== '' && !/^tagwall: (render|check) [a-z-]+ \(tagwall\.config\.yaml\)$/.test(line) && !line.startsWith('tagwall: note: '));

describe('examples/three-tier with the project file alone', () => {
  beforeAll(() => {
    cpSync('examples/three-tier', example, { recursive: true });
    // `tagwall render` with no flags reads tagwall.config.yaml from the working directory (vitest runs files in forks).
    process.chdir(example);
  });
  afterAll(() => process.chdir(home));

  it('names every target in its project file', () => {
    const config = readFileSync('tagwall.config.yaml', 'utf8');
    for (const target of allTargets()) expect(config, target.id).toMatch(new RegExp(`^  ${target.id}: `, 'm'));
  });

  it('renders every target with `tagwall render`, no diagnostics', () => {
    const result = tagwall('render');
    expect(unexpected(result.stderr)).toEqual([]);
    expect(result.code).toBe(0);
    for (const file of ['nsg.json', 'iptables/iptables.rules', 'iptables/ip6tables.rules', 'iptables/ipsets.save', 'tagwall.nft', 'panos-config.xml', 'firewall-policy.json', 'firewall-classic.json', 'route-table.json', 'managed-network.json']) {
      expect(existsSync(join('out', file)), file).toBe(true);
    }
  });

  it('checks clean against its own outputs with `tagwall check`', () => {
    const result = tagwall('check');
    expect(unexpected(result.stderr)).toEqual([]);
    const verdicts = result.stdout.split('\n').filter((line) => /^(ok|.* differs from)/.test(line));
    expect(verdicts).toHaveLength(allTargets().length);
    expect(verdicts.filter((line) => !line.startsWith('ok: '))).toEqual([]);
    expect(result.code).toBe(0);
  });

  it('--json over several targets is one document with a run per target', () => {
    const result = tagwall('check', '--json');
    const document = JSON.parse(result.stdout) as { command: string; runs: Array<{ target: string; exitCode: number; output: { missing?: unknown } | null }> };
    expect(document.command).toBe('check');
    expect(document.runs.map((run) => run.target)).toEqual(allTargets().map((target) => target.id).sort((a, b) => readFileSync('tagwall.config.yaml', 'utf8').indexOf(`  ${a}:`) - readFileSync('tagwall.config.yaml', 'utf8').indexOf(`  ${b}:`)));
    expect(document.runs.every((run) => run.exitCode === 0 && run.output !== null)).toBe(true);
    expect(result.code).toBe(0);
  });

  it('one target from the file with --target; a flag overrides the file', () => {
    const result = tagwall('check', '--target', 'nftables');
    expect(result.stdout).toMatch(/^ok: nftables:out\/tagwall\.nft allows exactly what network\/requirements\.yaml needs/);
    const other = tagwall('check', '--target', 'nftables', '--requirements', 'network/egress.yaml');
    expect(other.code).toBe(1);
    expect(other.stdout).toMatch(/extra \(allowed, not required\): (\d+ rules?, )?\d+ box/);
  });

  it('reports locate pieces at their term and included terms in their file', () => {
    const locations = requirementFileLocations('network/requirements.yaml');
    const admin = readFileSync('network/requirements.yaml', 'utf8').split('\n').findIndex((line) => line.includes('id: admin')) + 1;
    expect(locations.get('admin-2')).toEqual({ file: 'network/requirements.yaml', line: admin, column: 9 });
    expect(locations.get('updates')?.file).toBe(join('network', 'egress.yaml'));
    expect(locations.get('ssh-only-from-bastion')?.file).toBe(join('network', 'baseline.yaml'));
    expect(locations.get('nothing-1')).toBeUndefined();
  });

  // Through the rendered configs themselves: first match held, in the kernel's reading and the cloud's.
  const packets: ReadonlyArray<readonly [string, 'allow' | 'deny']> = [
    ['in tcp 10.20.0.4:40000 -> 10.20.3.7:22', 'allow'], // SSH from the bastion (the deny's except)
    ['in tcp 10.20.0.5:40000 -> 10.20.3.7:22', 'deny'], // SSH from elsewhere in the VNet (admin's SSH cut by the deny)
    ['in tcp 10.20.0.5:40000 -> 10.20.3.7:3389', 'allow'], // RDP from the VNet (admin's other service)
    ['in tcp 192.0.2.9:40000 -> 10.20.1.7:443', 'deny'], // web-in's except
    ['in tcp 203.0.113.9:40000 -> 10.20.1.7:443', 'allow'],
    ['out tcp 10.20.3.7:40000 -> 198.51.100.10:443', 'deny'], // the db tier's egress, denied before `updates`
    ['out tcp 10.20.2.7:40000 -> 198.51.100.10:443', 'allow'],
    ['out udp 10.20.3.7:40000 -> 168.63.129.16:53', 'deny'], // also before `dns`
  ];
  for (const [target, config] of [['nftables', 'out/tagwall.nft'], ['nsg', 'out/nsg.json'], ['panos', 'out/panos-config.xml']] as const) {
    it(`${target}: the deny terms and excepts are in the rendered config`, () => {
      for (const [packet, verdict] of packets) {
        const result = tagwall('eval', `${target}:${config}`, '--packet', packet);
        expect(result.stdout, `${packet}\n${result.stderr}`).toMatch(new RegExp(`: ${verdict}(ed)? by `));
      }
    });
  }
});
