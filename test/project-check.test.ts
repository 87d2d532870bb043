/**
 * Project-mode `check` of a target that renders several config files (iptables: one file per family) reads them as
 * one config under their own names: the answer names the real files and is the same bytes every run, an error in
 * the second file is reported at that file's line, a baseline names the files and is read back, and the answer is
 * the one a single file holding both gives (what `check` read before round 14, when the project runner joined
 * the files into a temporary file). A target that reads one config file refuses several by name.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tagwall } from './support/cli.js';

const example = join(mkdtempSync(join(tmpdir(), 'tw-project-check-')), 'three-tier');
const home = process.cwd();
const V4 = 'out/iptables/iptables.rules';
const V6 = 'out/iptables/ip6tables.rules';
const BOTH = `iptables:${V4}+${V6}`;

/** A check answer's `--json` without the names of the files and rules (which carry their lines) it was read from. */
function withoutNames(json: string): unknown {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).filter(([key]) => !['file', 'line', 'config', 'name', 'notes'].includes(key)).map(([key, item]) => [key, strip(item)]));
  };
  return strip(JSON.parse(json));
}

describe('project-mode check of a target rendered to several files', () => {
  beforeAll(() => {
    cpSync('examples/three-tier', example, { recursive: true });
    process.chdir(example);
    expect(tagwall('render').code).toBe(0);
  });
  afterAll(() => process.chdir(home));

  it('names the real files, and two runs print the same bytes', () => {
    const first = tagwall('check', '--target', 'iptables');
    const second = tagwall('check', '--target', 'iptables');
    expect(first.stdout).toMatch(new RegExp(`^ok: ${BOTH.replace(/[.+]/g, '\\$&')} allows exactly what network/requirements\\.yaml needs\\n`));
    expect(first.code).toBe(0);
    expect(second).toEqual(first);
    const json = tagwall('check', '--target', 'iptables', '--json');
    expect((JSON.parse(json.stdout) as { config: string }).config).toBe(BOTH);
    expect(tagwall('check', '--target', 'iptables', '--json')).toEqual(json);
    // The whole project, every target, is the same bytes too.
    expect(tagwall('check', '--json')).toEqual(tagwall('check', '--json'));
  });

  it('reports an error in the second file at its own line', () => {
    const good = readFileSync(V6, 'utf8');
    const lines = good.split('\n');
    const at = lines.indexOf(':TAGWALL-IN - [0:0]') + 2;
    lines.splice(at - 1, 0, '-A TAGWALL-IN -p tcp --dport 99999 -j ACCEPT');
    writeFileSync(V6, lines.join('\n'));
    try {
      const text = tagwall('check', '--target', 'iptables');
      expect(text.code).toBe(2);
      expect(text.stderr).toContain(`tagwall: ${V6}:${at}: '99999' is not a port or port range`);
      const json = JSON.parse(tagwall('check', '--target', 'iptables', '--json').stdout) as { error: { code: string; location: unknown } };
      expect(json.error).toMatchObject({ code: 'TW_INVALID_CONFIG', location: { file: V6, line: at } });
    } finally {
      writeFileSync(V6, good);
    }
  });

  it('writes a baseline naming the real files and reads it back', () => {
    // The egress part alone leaves the inbound rules extra: differences to record.
    const written = tagwall('check', '--target', 'iptables', '--requirements', 'network/egress.yaml', '--write-baseline', 'baseline.json');
    expect(written.code).toBe(0);
    const baseline = JSON.parse(readFileSync('baseline.json', 'utf8')) as { config: string; accepted: unknown[] };
    expect(baseline.config).toBe(BOTH);
    expect(baseline.accepted.length).toBeGreaterThan(0);
    const read = tagwall('check', '--target', 'iptables', '--requirements', 'network/egress.yaml', '--baseline', 'baseline.json');
    expect(read.stdout).toContain(`ok: ${BOTH} allows exactly`);
    expect(read.stdout).toContain(`accepted: ${baseline.accepted.length} boxes recorded in baseline.json (--baseline)`);
    expect(read.code).toBe(0);
    // The entries accept packets, whatever the files are called: a baseline the joined temporary file named reads the same.
    writeFileSync('old-baseline.json', JSON.stringify({ ...baseline, config: 'iptables:/tmp/tagwall-check-Ab12Cd/iptables.rules+ip6tables.rules' }));
    const old = tagwall('check', '--target', 'iptables', '--requirements', 'network/egress.yaml', '--baseline', 'old-baseline.json');
    expect(old.code).toBe(0);
    expect(old.stdout).toContain(`accepted: ${baseline.accepted.length} boxes`);
    // Read with the IPv4 file alone, the IPv6 family has no rules and lets everything in: new, and reported.
    const one = tagwall('check', '--requirements', 'network/egress.yaml', '--target', 'iptables', '--config', V4, '--ipsets', 'out/iptables/ipsets.save', '--option', 'platformFlows=none', '--baseline', 'baseline.json');
    expect(one.code).toBe(1);
    expect(one.stdout).toContain(`accepted: ${baseline.accepted.length} boxes`);
    expect(one.stdout).toMatch(/^ {4}in ipv6 tcp,udp any -> any/m);
  });

  it('gives the answer a single file holding both families gives, but for the names', () => {
    // What check read before: the files joined into one (the project runner wrote it to a temporary directory).
    writeFileSync('joined.rules', readFileSync(V4, 'utf8') + readFileSync(V6, 'utf8'));
    for (const requirements of ['network/requirements.yaml', 'network/egress.yaml']) {
      const project = tagwall('check', '--target', 'iptables', '--requirements', requirements, '--json');
      const joined = tagwall('check', '--requirements', requirements, '--target', 'iptables', '--config', 'joined.rules', '--ipsets', 'out/iptables/ipsets.save', '--option', 'platformFlows=none', '--json');
      expect(project.code).toBe(joined.code);
      expect(withoutNames(project.stdout)).toEqual(withoutNames(joined.stdout));
    }
  });

  it('a target that reads one config file refuses several, naming them (exit 2)', () => {
    writeFileSync('two-nsg.config.yaml', 'requirements: network/requirements.yaml\ntargets:\n  nsg: {check: {config: [out/nsg.json, out/route-table.json]}}\n');
    const project = tagwall('check', '--project', 'two-nsg.config.yaml', '--json');
    expect(project.code).toBe(2);
    expect(JSON.parse(project.stdout)).toEqual({ error: { code: 'TW_USAGE', message: 'target nsg reads one config file, and --config names 2: out/nsg.json, out/route-table.json (iptables and nftables read several as one)' } });
    const direct = tagwall('check', '--requirements', 'network/requirements.yaml', '--target', 'panos', '--config', 'out/panos-config.xml', '--config', 'out/panos-config.xml');
    expect(direct.code).toBe(2);
    expect(direct.stderr).toContain('tagwall: target panos reads one config file, and --config names 2: out/panos-config.xml, out/panos-config.xml');
    expect(direct.stdout).toBe('');
  });
});
