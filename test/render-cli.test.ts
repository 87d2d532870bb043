/**
 * `tagwall render` as users run it: every target from a scenario and from a requirements file, output to stdout,
 * a file or a directory (all-or-nothing), diagnostics on stderr, `--json`, `--strict`, `--report`, bad input.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { targetFlagsMarkdown } from '../src/cli/targets.js';
import { targetFlags } from '../src/cli/target-options.js';
import { findTarget, targetIds } from '../src/targets/registry.js';
import { tagwall } from './support/cli.js';

const scratch = (): string => mkdtempSync(join(tmpdir(), 'tagwall-render-'));
const WORKLOAD = 'fixtures/requirements/workload.yaml';

describe('tagwall render', () => {
  it.each(targetIds())('renders compute-no-public-ip for %s, the same bytes twice', (target) => {
    const first = tagwall('render', '--scenario', 'compute-no-public-ip', '--region', 'westus', '--target', target);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.length).toBeGreaterThan(100);
    expect(first.stdout).toContain('375'); // the snapshot's change number is recorded in what is generated
    expect(tagwall('render', '--scenario', 'compute-no-public-ip', '--region', 'westus', '--target', target).stdout).toBe(first.stdout);
  });

  it('prints several artifacts under ==> name <== lines, and writes them into a directory with -o', () => {
    const printed = tagwall('render', '--scenario', 'compute-no-public-ip', '--region', 'westus', '--target', 'iptables');
    expect(printed.stdout.match(/^==> .* <==$/gm)).toEqual(['==> ipsets.save <==', '==> iptables.rules <==', '==> ip6tables.rules <==']);
    const dir = join(scratch(), 'out');
    const written = tagwall('render', '--scenario', 'compute-no-public-ip', '--region', 'westus', '--target', 'iptables', '-o', dir);
    expect(written.code).toBe(0);
    expect(written.stdout).toBe('');
    expect(readdirSync(dir).sort()).toEqual(['ip6tables.rules', 'ipsets.save', 'iptables.rules']);
    expect(printed.stdout).toContain(readFileSync(join(dir, 'iptables.rules'), 'utf8'));
  });

  it('writes one artifact to the named file', () => {
    const file = join(scratch(), 'policy.bicep');
    const result = tagwall('render', '--scenario', 'compute-public-ip', '--region', 'eastus2', '--target', 'azure-firewall', '--format', 'bicep', '-o', file);
    expect(result.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^\/\/ Azure Firewall Policy rule collection group/);
    expect(readFileSync(file, 'utf8')).toContain("resource ruleCollectionGroup 'Microsoft.Network/firewallPolicies/ruleCollectionGroups@");
  });

  it('passes target flags through: PAN-OS set commands in a device group with given zones', () => {
    const result = tagwall('render', '--scenario', 'data-exfiltration-prevention', '--region', 'westus', '--target', 'panos', '--format', 'set', '--location', 'device-group:aml', '--from-zone', 'inside', '--to-zone', 'outside');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^set device-group aml /m);
    expect(result.stdout).toContain('from inside');
    expect(result.stdout).toContain('to outside');
  });

  it('renders PAN-OS with EDL files into a directory, and check proves the files exact with --edl-dir', () => {
    const dir = scratch();
    const scenario = ['--scenario', 'compute-no-public-ip', '--region', 'westus'];
    const rendered = tagwall('render', ...scenario, '--target', 'panos', '--format', 'set', '--tags', 'edl', '--edl-url', 'https://edl.example.com/lists', '-o', `${dir}/`);
    expect(rendered.code, rendered.stderr).toBe(0);
    expect(readdirSync(join(dir, 'edl'))).toContain('AzureMachineLearning.txt');
    const proved = tagwall('check', ...scenario, '--target', 'panos', '--config', join(dir, 'panos-config.set'), '--edl-dir', join(dir, 'edl'));
    expect(proved.stdout).toMatch(/^ok: /);
    expect(proved.code).toBe(0);
    // Without the lists the rules point at, the proof cannot be made: an error, not a silent "nothing allowed".
    expect(tagwall('check', ...scenario, '--target', 'panos', '--config', join(dir, 'panos-config.set')).code).toBe(2);
  });

  it('reports what a target cannot express on stderr with a lost witness, and --strict exits 1 for it', () => {
    const loose = tagwall('render', '--requirements', WORKLOAD, '--target', 'nftables');
    expect(loose.code).toBe(0);
    expect(loose.stderr).toMatch(/^warning: NFT_FQDN_INEXPRESSIBLE: /m);
    expect(loose.stderr).toMatch(/^ {2}lost, e\.g\. out tcp .* host=/m);
    expect(tagwall('render', '--requirements', WORKLOAD, '--target', 'nftables', '--strict').code).toBe(1);
    // Nothing lost: strict passes.
    expect(tagwall('render', '--scenario', 'inbound-udr', '--region', 'westus', '--target', 'udr', '--strict').code).toBe(0);
  });

  it('--json carries the artifacts and the diagnostics with their lost packets', () => {
    const result = tagwall('render', '--requirements', WORKLOAD, '--target', 'nftables', '--json');
    const out = JSON.parse(result.stdout) as { target: string; artifacts: Array<{ name: string; content: string }>; diagnostics: Array<{ code: string; lost?: { witness: string } }> };
    expect(out.target).toBe('nftables');
    expect(out.artifacts.map((artifact) => artifact.name)).toEqual(['tagwall.nft']);
    expect(out.diagnostics.find((diagnostic) => diagnostic.code === 'NFT_FQDN_INEXPRESSIBLE')?.lost?.witness).toMatch(/host=/);
  });

  it('--report writes the diagnostics report in the format its extension names', () => {
    const dir = scratch();
    for (const [name, start] of [['r.md', /^### tagwall render/], ['r.html', /^<!DOCTYPE html>/], ['r.sarif', /^\{/]] as const) {
      const result = tagwall('render', '--requirements', WORKLOAD, '--target', 'nsg', '-o', join(dir, 'nsg.json'), '--report', join(dir, name));
      expect(result.code, result.stderr).toBe(0);
      expect(readFileSync(join(dir, name), 'utf8')).toMatch(start);
    }
    const sarif = JSON.parse(readFileSync(join(dir, 'r.sarif'), 'utf8')) as { version: string; runs: Array<{ results: Array<{ ruleId: string }> }> };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]!.results.map((result) => result.ruleId)).toContain('NSG_FQDN_INEXPRESSIBLE');
    expect(tagwall('render', '--requirements', WORKLOAD, '--target', 'nsg', '--report', join(dir, 'r.pdf')).code).toBe(2);
  });

  it('rejects bad input with exit 2 and writes nothing', () => {
    const dir = scratch();
    const unknown = tagwall('render', '--scenario', 'compute-public-ip', '--region', 'westus', '--target', 'nftable', '-o', join(dir, 'x.nft'));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^tagwall: unknown target 'nftable'/);
    const badOption = tagwall('render', '--scenario', 'compute-public-ip', '--region', 'westus', '--target', 'nftables', '--default-action', 'return', '-o', join(dir, 'y.nft'));
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toMatch(/^tagwall: target nftables: option defaultAction must be one of drop, not 'return' \(return has no meaning/);
    const neither = tagwall('render', '--target', 'nsg');
    expect(neither.code).toBe(2);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses an output path it cannot write, leaving no temporary files', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'file'), 'x');
    const result = tagwall('render', '--scenario', 'compute-no-public-ip', '--region', 'westus', '--target', 'iptables', '-o', join(dir, 'file', 'sub') + '/');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^tagwall: .*: cannot write output: .*not a directory/);
    expect(readdirSync(dir)).toEqual(['file']);
  });
});

describe('the built bin', () => {
  const BIN = 'dist/cli.js';
  it.skipIf(!existsSync(BIN))('says so and exits 2 when the reader closes the pipe early (the output is incomplete)', () => {
    const errors = join(scratch(), 'stderr');
    const command = `"${process.execPath}" ${BIN} render --scenario compute-no-public-ip --region westus --target panos --format set 2>"${errors}" | head -1; exit \${PIPESTATUS[0]}`;
    const result = spawnSync('bash', ['-c', command], { encoding: 'utf8' });
    expect(result.stdout.trim()).toMatch(/^set tag tagwall /);
    const stderr = readFileSync(errors, 'utf8');
    expect(stderr).toMatch(/^tagwall: <stdout>: cannot write the output: EPIPE/m);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(result.status).toBe(2);
  });

  it.skipIf(!existsSync(BIN) || spawnSync('nft', ['--version']).status !== 0)('prints an nftables file that nft -c accepts (the README set-up command)', () => {
    const dir = scratch();
    const file = join(dir, 'tagwall.nft');
    // As the README does it: -o writes tagwall.nft and the file its large sets continue in (tagwall.2.nft).
    execFileSync(process.execPath, [BIN, 'render', '--scenario', 'compute-no-public-ip', '--region', 'westus', '--target', 'nftables', '-o', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(existsSync(join(dir, 'tagwall.2.nft'))).toBe(true);
    const check = spawnSync('unshare', ['-rn', 'nft', '-c', '-f', file], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});

describe('tagwall targets', () => {
  it('prints the capability table docs/cli.md shows', () => {
    const result = tagwall('targets');
    expect(result.code).toBe(0);
    const doc = readFileSync('docs/cli.md', 'utf8');
    const shown = /```console\n\$ tagwall targets\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(shown).toBe(result.stdout);
    const json = JSON.parse(tagwall('targets', '--json').stdout) as Array<{ id: string; capabilities: { hosts: string } }>;
    expect(json.map((target) => target.id)).toEqual(targetIds());
    expect(json.find((target) => target.id === 'nsg')?.capabilities.hosts).toBe('none');
  });

  it('prints the target flags from the option schemas, the table docs/cli.md shows', () => {
    const doc = readFileSync('docs/cli.md', 'utf8');
    const shown = /<!-- generated: target flags -->\n([\s\S]*?)<!-- end generated -->/.exec(doc)?.[1];
    expect(shown).toBe(targetFlagsMarkdown());
    const printed = tagwall('targets', '--options');
    expect(printed.code).toBe(0);
    for (const flag of targetFlags()) expect(printed.stdout).toContain(`--${flag.flag}`);
    const json = JSON.parse(tagwall('targets', '--options', '--json').stdout) as Array<{ flag: string; targets: string[] }>;
    expect(json.find((entry) => entry.flag === '--default-action')?.targets).toEqual(['iptables', 'nftables']);
  });

  it("README's target table lists every target with its formats, as the kits declare them", () => {
    const readme = readFileSync('README.md', 'utf8');
    const rows = [...readme.matchAll(/^\| `([a-z-]+)` \| ((?:`[a-z-]+` ?)+) \|/gm)].map((match) => [match[1]!, match[2]!.replace(/`/g, '').trim().split(/\s+/)] as const);
    expect(rows.map(([id]) => id).sort()).toEqual(targetIds());
    for (const [id, formats] of rows) expect(formats, id).toEqual([...findTarget(id).formats]);
  });
});

describe('render: every flag means something, repeated flags are meant or refused (issue 14)', () => {
  const scenario = ['--scenario', 'compute-public-ip', '--region', 'westus'];

  it('passes --set forcedTunnelling to the targets that declare it (nsg), not to the scenario or other targets', () => {
    const off = tagwall('render', ...scenario, '--target', 'nsg');
    expect(off.code, off.stderr).toBe(0);
    expect(off.stderr).not.toContain('NSG_FORCED_TUNNEL');
    const on = tagwall('render', ...scenario, '--target', 'nsg', '--set', 'forcedTunnelling=true');
    expect(on.code, on.stderr).toBe(0);
    expect(on.stderr).toContain('NSG_FORCED_TUNNEL');
    const both = tagwall('render', ...scenario, '--target', 'nsg', '--target', 'nftables', '-o', `${mkdtempSync(join(tmpdir(), 'tw-tunnel-'))}/`, '--set', 'forcedTunnelling=true');
    expect(both.code, both.stderr).toBe(0);
    expect(both.stderr).toContain('nsg: warning: NSG_FORCED_TUNNEL');
  });

  it('refuses an option no target declares, and a flag the chosen target does not take, naming who does', () => {
    const bogus = tagwall('render', ...scenario, '--target', 'nsg', '--option', 'bogus=1');
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toBe('tagwall: --option bogus does not apply to nsg: no target has it; options of nsg: format, resolve, denyScope, forcedTunnelling, globalTags\n');
    const misspelt = tagwall('render', ...scenario, '--target', 'nftables', '--option', 'chainhook=output');
    expect(misspelt.code).toBe(2);
    expect(misspelt.stderr).toMatch(/--option chainhook does not apply to nftables: no target has it \(did you mean chainHook\?\)/);
    const elsewhere = tagwall('render', ...scenario, '--target', 'nsg', '--default-action', 'return');
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toBe('tagwall: --default-action does not apply to nsg; it applies to iptables, nftables\n');
    const otherTarget = tagwall('render', ...scenario, '--target', 'nsg', '--option', 'chainHook=output');
    expect(otherTarget.stderr).toBe('tagwall: --option chainHook does not apply to nsg; it applies to iptables, nftables\n');
  });

  it('refuses a single-value flag given twice instead of keeping the last', () => {
    const twice = tagwall('render', ...scenario, '--region', 'eastus2', '--target', 'nsg');
    expect(twice.code).toBe(2);
    expect(twice.stderr).toBe('tagwall: --region was given more than once; it takes one value\n');
  });

  it('renders several targets, or all, into DIR/<target>/, and needs -o for that', () => {
    const dir = scratch();
    const both = tagwall('render', ...scenario, '--target', 'nsg', '--target', 'nftables', '-o', dir);
    expect(both.code, both.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['nftables', 'nsg']);
    expect(readFileSync(join(dir, 'nsg', 'nsg.json'), 'utf8')).toBe(tagwall('render', ...scenario, '--target', 'nsg').stdout);
    // Several files on stdout are each headed `==> name <==` (the main job's large sets continue in tagwall.2.nft).
    const stdout = tagwall('render', ...scenario, '--target', 'nftables').stdout;
    expect(stdout.startsWith(`==> tagwall.nft <==\n${readFileSync(join(dir, 'nftables', 'tagwall.nft'), 'utf8')}`)).toBe(true);
    const all = scratch();
    expect(tagwall('render', ...scenario, '--target', 'all', '-o', all, '--option', 'fromZone=inside').code).toBe(0);
    expect(readdirSync(all).sort()).toEqual([...targetIds()].sort());
    const nowhere = tagwall('render', ...scenario, '--target', 'nsg', '--target', 'udr');
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toMatch(/several targets \(nsg, udr\) need -o DIR/);
    const format = tagwall('render', ...scenario, '--target', 'nsg', '--target', 'nftables', '--format', 'bicep', '-o', scratch());
    expect(format.stderr).toMatch(/^tagwall: --format bicep is not a format of nftables \(nft\); it is one of aml-managed-network, azure-firewall, azure-firewall-classic, nsg, udr/);
  });

  it('writes every --report file, each in the format its name says', () => {
    const dir = scratch();
    const result = tagwall('render', ...scenario, '--target', 'nsg', '-o', join(dir, 'nsg.json'), '--report', join(dir, 'r.md'), '--report', join(dir, 'r.sarif'));
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(join(dir, 'r.md'), 'utf8')).toMatch(/^#+ tagwall render/);
    expect(JSON.parse(readFileSync(join(dir, 'r.sarif'), 'utf8')).version).toBe('2.1.0');
  });

  it('merges several --requirements files; an id in two files is an error naming both', () => {
    const dir = scratch();
    const other = join(dir, 'other.yaml');
    writeFileSync(other, 'name: other\nrequirements:\n  - id: dns-out\n    direction: out\n    protocols: udp\n    ports: "53"\n    sources: [VirtualNetwork]\n    destinations: [{ tag: AzureCloud }]\n    purpose: DNS.\n');
    const merged = tagwall('render', '--requirements', WORKLOAD, '--requirements', other, '--target', 'nsg', '--json');
    expect(merged.code, merged.stderr).toBe(0);
    const content = (JSON.parse(merged.stdout) as { artifacts: Array<{ content: string }> }).artifacts[0]!.content;
    expect(content).toContain('dns-out');
    expect(content).toContain(tagwall('render', '--requirements', WORKLOAD, '--target', 'nsg').stdout.match(/"name": "(tw-[^"]+)"/)![1]);
    const clash = join(dir, 'clash.yaml');
    writeFileSync(clash, readFileSync(other, 'utf8').replace('dns-out', 'storage'));
    const duplicate = tagwall('render', '--requirements', WORKLOAD, '--requirements', clash, '--target', 'nsg');
    expect(duplicate.code).toBe(2);
    expect(duplicate.stderr).toBe(`tagwall: ${clash}: requirement id 'storage' is in both ${WORKLOAD} and ${clash}; ids must be unique across the files given\n`);
  });

  it('reads the cloud once: --set cloud=China and --cloud China give the same output', () => {
    const viaSet = tagwall('render', '--scenario', 'compute-public-ip', '--region', 'chinanorth2', '--set', 'cloud=China', '--target', 'nsg');
    expect(viaSet.code, viaSet.stderr).toBe(0);
    expect(viaSet.stdout).toBe(tagwall('render', '--scenario', 'compute-public-ip', '--region', 'chinanorth2', '--cloud', 'China', '--target', 'nsg').stdout);
    const clash = tagwall('render', '--scenario', 'compute-public-ip', '--region', 'chinanorth2', '--set', 'cloud=China', '--cloud', 'Public', '--target', 'nsg');
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/--cloud Public and --set cloud=China name different clouds/);
  });
});
