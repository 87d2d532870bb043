/**
 * `tagwall path` from the command line (issue 23): docs/paths.md's examples print what the page shows, the
 * committed fixtures are what the reference builders render, the topology schema and the reader agree, and the
 * JSON, Markdown, usage and error forms.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_SKIP_REASON, dumpDom } from './support/chromium.js';
import { tagwall } from './support/cli.js';

const page = readFileSync('docs/paths.md', 'utf8');
const schema = JSON.parse(readFileSync('docs/topology.schema.json', 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const FIXTURES = 'fixtures/paths';

/** The page's console blocks: the command line (shell words, single quotes) and the output under it. */
function examples(): Array<{ argv: string[]; output: string }> {
  return [...page.matchAll(/```console\n\$ tagwall (.*)\n([\s\S]*?)```/g)].map((match) => ({
    argv: [...match[1]!.matchAll(/'([^']*)'|(\S+)/g)].map((word) => word[1] ?? word[2]!),
    output: match[2]!,
  }));
}

describe('docs/paths.md', () => {
  const blocks = examples();

  it('has its examples, and each prints exactly what the page shows (exit 1: each finds something)', () => {
    expect(blocks.length).toBe(3);
    for (const { argv, output } of blocks) {
      const result = tagwall(...argv);
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe(output);
      expect(result.code).toBe(1);
    }
  });

  it("shows the topology the fixtures use, and the schema accepts it", () => {
    const shown = /```yaml\n([\s\S]*?)```/.exec(page)![1]!;
    expect(validate(parseYaml(shown))).toBe(true);
  });
});

describe('fixtures/paths', () => {
  it('are what the reference builders render (regenerate with the command in docs/paths.md)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagwall-paths-fixtures-'));
    process.env['TAGWALL_PATHS_DIR'] = dir;
    try {
      const reference = await import('../src/paths/reference.test-support.js');
      reference.computePublicIp();
      reference.computePublicIp('missing-batch-route');
      reference.forcedTunnelling('nsg-blocks-firewall');
    } finally {
      delete process.env['TAGWALL_PATHS_DIR'];
    }
    const folders = readdirSync(FIXTURES).sort();
    expect(folders).toEqual(readdirSync(dir).sort());
    for (const folder of folders) {
      const files = readdirSync(join(FIXTURES, folder)).sort();
      expect(files).toEqual(readdirSync(join(dir, folder)).sort());
      for (const file of files) expect(readFileSync(join(FIXTURES, folder, file), 'utf8'), `${folder}/${file}`).toBe(readFileSync(join(dir, folder, file), 'utf8'));
    }
  });

  it('topologies validate against docs/topology.schema.json; what the reader refuses, the schema refuses', () => {
    for (const folder of readdirSync(FIXTURES)) expect(validate(parseYaml(readFileSync(join(FIXTURES, folder, 'topology.yaml'), 'utf8'))), folder).toBe(true);
    const base = parseYaml(readFileSync(join(FIXTURES, 'compute-public-ip', 'topology.yaml'), 'utf8')) as Record<string, unknown>;
    expect(validate({ ...base, firewall: {} })).toBe(false);
    expect(validate({ ...base, workloads: { compute: { address: '10.0.1.4' } } })).toBe(false);
    expect(validate({ ...base, workloads: { compute: { subnet: 'compute-subnet', address: '10.0.1.4', managedNetwork: 'm.json' } } })).toBe(false);
  });
});

describe('tagwall path', () => {
  const topology = join(FIXTURES, 'compute-public-ip', 'topology.yaml');

  it('--json: deliveries with witness trails, exit 0 when all is delivered', () => {
    const result = tagwall('path', '--topology', topology, '--from', 'compute', '--to', 'Storage.WestUS', '--port', '443', '--json');
    expect(result.code).toBe(0);
    const answer = JSON.parse(result.stdout) as { delivered: boolean; deliveries: Array<{ to: string; trail: Array<{ hop: string; action: string }> }>; drops: unknown[] };
    expect(answer.delivered).toBe(true);
    expect(answer.drops).toEqual([]);
    expect(answer.deliveries.map((delivery) => delivery.to)).toEqual(['Internet']);
    expect(answer.deliveries[0]!.trail.map((step) => `${step.hop}: ${step.action}`)).toEqual([
      'host rules of workload compute: allow',
      'NSG of subnet compute-subnet: allow',
      'routes of subnet compute-subnet: forward',
      'firewall hub: allow',
      'routes of subnet AzureFirewallSubnet: forward',
    ]);
  });

  it('--format markdown: the requirement check as a table, one row per requirement', () => {
    const result = tagwall('path', '--topology', join(FIXTURES, 'missing-batch-route', 'topology.yaml'), '--from', 'compute', '--scenario', 'compute-public-ip', '--region', 'westus', '--subnet', '10.0.1.0/24', '--private-endpoint-subnet', '10.0.2.0/27', '--format', 'markdown');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('| inbound-batch | in | dropped | firewall hub: no session |');
    expect(result.stdout).toContain('## Missing: dropped at firewall hub');
  });

  it('bad input exits 2 with a typed error, and writes nothing', () => {
    const both = tagwall('path', '--topology', topology, '--from', 'compute', '--to', 'any', '--scenario', 'compute-public-ip');
    expect([both.code, both.stdout]).toEqual([2, '']);
    expect(both.stderr).toMatch(/give one or the other/);
    const neither = tagwall('path', '--topology', topology, '--from', 'nowhere', '--to', 'any');
    expect([neither.code, neither.stdout]).toEqual([2, '']);
    expect(neither.stderr).toMatch(/--from must name a workload or subnet/);
    const bad = tagwall('path', '--topology', 'fixtures/errors/bad-topology.yaml', '--from', 'compute', '--to', 'any', '--json');
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout)).toMatchObject({ error: { code: 'TW_INVALID_TOPOLOGY', location: { file: 'fixtures/errors/bad-topology.yaml', line: 8, column: 47, jsonPath: '$.workloads.compute.address' } } });
  });
});

describe.skipIf(!CHROMIUM)(`tagwall path --format html in headless Chromium (${CHROMIUM ? 'chromium found' : CHROMIUM_SKIP_REASON})`, () => {
  it('draws the witness of the asymmetric drop as its hops in order, each with its verdict', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagwall-paths-html-'));
    const file = join(dir, 'path.html');
    const result = tagwall('path', '--topology', join(FIXTURES, 'missing-batch-route', 'topology.yaml'), '--from', 'BatchNodeManagement', '--to', 'compute', '--port', '29876', '--format', 'html', '--output', file);
    expect([result.code, result.stderr]).toEqual([1, '']);
    const dom = dumpDom(file);
    const hops = [...dom.matchAll(/<li class="hop [^"]*" data-verdict="([a-z]+)"[^>]*><span class="hop-name">([^<]*)<\/span>/g)].map((match) => `${match[2]}: ${match[1]}`);
    expect(hops).toEqual([
      'Internet edge: forward',
      'NSG of subnet compute-subnet: allow',
      'host rules of workload compute: allow',
      'host rules of workload compute (replies): allow',
      'routes of subnet compute-subnet (replies): forward',
      'firewall hub: drop',
    ]);
    expect(dom).toContain('<h2>Dropped at firewall hub</h2>');
  });
});

describe('witnesses confirmed by tagwall eval, device by device', () => {
  it('every hop of every trail of the docs examples gets the same verdict and rule from `tagwall eval KIND:FILE`', () => {
    const asked = [
      ['missing-batch-route', '--from', 'BatchNodeManagement', '--to', 'compute', '--port', '29876'],
      ['nsg-blocks-firewall', '--from', 'compute', '--to', 'hub', '--port', '53', '--protocol', 'udp'],
      ['compute-public-ip', '--from', 'compute', '--to', 'Storage.WestUS', '--port', '443'],
    ];
    let confirmed = 0;
    for (const [folder, ...question] of asked) {
      const answer = JSON.parse(tagwall('path', '--topology', join(FIXTURES, folder!, 'topology.yaml'), ...question, '--json').stdout) as {
        deliveries: Array<{ trail?: Array<{ device?: string; packet: string; action: string; rule?: string }> }>;
        drops: Array<{ trail: Array<{ device?: string; packet: string; action: string; rule?: string }> }>;
      };
      const trails = [...answer.deliveries.map((delivery) => delivery.trail ?? []), ...answer.drops.map((drop) => drop.trail)];
      expect(trails.length).toBeGreaterThan(0);
      for (const step of trails.flat()) {
        // "no session" is the path model's verdict on a firewall that never saw the request, not one of its rules.
        if (!step.device || step.rule?.startsWith('no session')) continue;
        const [kind, file] = step.device.split(':') as [string, string];
        const evaluated = tagwall('eval', `${kind}:${join(FIXTURES, folder!, file)}`, '--expand', '--virtual-network', '10.0.0.0/16,10.1.0.0/16', '--packet', step.packet, '--json');
        const result = (JSON.parse(evaluated.stdout) as { results: Array<{ action: string; rule?: { id: string } }> }).results[0]!;
        expect({ device: step.device, action: result.action, rule: result.rule?.id ?? 'default' }).toEqual({ device: step.device, action: step.action, rule: step.rule });
        confirmed++;
      }
    }
    expect(confirmed).toBeGreaterThanOrEqual(6);
  });
});
