import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONFLICTS, parseRequirements } from '../src/catalogue/index.js';
import { tagwall } from './support/cli.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

describe('tagwall catalog', () => {
  it('lists the scenarios', () => {
    const { code, stdout } = tagwall('catalog', 'list');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^SCENARIO\s+CLOUDS\s+TITLE/);
    expect(stdout).toContain('legacy-2019');
    expect(stdout).toContain('(legacy)');
  });

  it('shows compute-no-public-ip in westus as a table with sources', () => {
    const { code, stdout, stderr } = tagwall('catalog', 'show', 'compute-no-public-ip', '--region', 'westus');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/ID\s+DIR\s+PROTO\s+PORTS\s+PEER\s+PURPOSE\s+SOURCE/);
    expect(stdout).toMatch(/aml-compute-management\s+out\s+udp\s+5831\s+AzureMachineLearning/);
    expect(stdout).toMatch(/tundra\s+out\s+udp\s+5831\s+westus\.tundra\.azureml\.ms/);
    expect(stdout).toContain('*.westus.batch.azure.com *.westus.service.batch.azure.com');
    expect(stdout).toContain('Sources:');
    expect(stdout).toContain('Secure an Azure Machine Learning training environment with virtual networks');
    // The flows the Linux host chains add beyond the requirements (issue 17), one line each.
    expect(stdout).toContain('Platform flows (iptables and nftables host chains also accept these; --platform-flows none leaves them out):');
    expect(stdout).toContain('  platform.dns: DNS to the platform resolver 168.63.129.16:53 (udp, tcp), outbound');
    expect(stdout).toContain('  platform.ndp: ICMPv6 router and neighbour solicitation/advertisement (133-136), both ways');
  });

  it('prints YAML that reads back as the same set, and JSON with the parameters', () => {
    const yaml = tagwall('catalog', 'show', 'firewall-outbound', '--region', 'eastus2', '--format', 'yaml', '--set', 'packages=python', '--set', 'hbiWorkspace=true');
    expect(yaml.code).toBe(0);
    const set = parseRequirements(yaml.stdout);
    expect(set.requirements.map((r) => r.id)).toEqual(expect.arrayContaining(['key-vault', 'python-packages', 'aml-service']));
    const json = tagwall('catalog', 'show', 'inbound-udr', '--region', 'eastus2', '--json');
    const parsed = JSON.parse(json.stdout) as { params: { secondaryRegion: string }; requirements: unknown[] };
    expect(parsed.params.secondaryRegion).toBe('centralus');
    // Batch of the workspace region, AzureMachineLearning of the workspace region and of its pair.
    expect(parsed.requirements).toHaveLength(3);
    const md = tagwall('catalog', 'show', 'kubernetes', '--region', 'westus', '--format', 'md');
    expect(md.stdout).toContain('| id | direction | protocol | ports | peer | purpose | source |');
  });

  it('shows prerequisites as a table, YAML, JSON and Markdown, with the cloud’s privatelink zones', () => {
    const base = ['catalog', 'show', 'compute-no-public-ip', '--region', 'westus', '--prerequisites', '--private-endpoint-subnet', '10.0.9.0/24'];
    const table = tagwall(...base);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^compute-no-public-ip \(westus, Public\): \d+ prerequisites/);
    expect(table.stdout).toMatch(/private-endpoint-workspace\s+private-endpoint/);
    expect(table.stdout).toContain('privatelink.api.azureml.ms, privatelink.notebooks.azure.net');
    expect(table.stdout).toContain('the private-endpoint subnet 10.0.9.0/24');
    const json = JSON.parse(tagwall(...base, '--format', 'json').stdout) as { prerequisites: Array<{ id: string; flows?: string[]; privateEndpoint?: { dnsZones: string[] } }> };
    const file = json.prerequisites.find((p) => p.id === 'private-endpoint-storage-file')!;
    expect(file.privateEndpoint!.dnsZones).toEqual(['privatelink.file.core.windows.net']);
    expect(file.flows).toEqual(['private-endpoints-https', 'private-endpoints-smb']);
    const yaml = tagwall(...base, '--format', 'yaml');
    expect(yaml.stdout).toContain('subresource: amlworkspace');
    const md = tagwall(...base, '--format', 'md');
    expect(md.stdout).toContain('| id | kind | subject | setting | source |');
    const china = JSON.parse(tagwall('catalog', 'show', 'forced-tunnelling', '--region', 'chinaeast2', '--cloud', 'China', '--prerequisites', '--json').stdout) as { prerequisites: Array<{ id: string; privateEndpoint?: { dnsZones: string[] } }> };
    expect(china.prerequisites.find((p) => p.id === 'private-endpoint-key-vault')!.privateEndpoint!.dnsZones).toEqual(['privatelink.vaultcore.azure.cn']);
    expect(china.prerequisites.map((p) => p.id)).toContain('route-default-to-firewall');
  });

  it('lists every recorded conflict with both readings and the choice', () => {
    const { code, stdout } = tagwall('catalog', 'conflicts');
    expect(code).toBe(0);
    for (const conflict of CONFLICTS) expect(stdout).toContain(`${conflict.id}: ${conflict.subject}`);
    expect(stdout).toContain('chosen: TCP 443');
    const scoped = JSON.parse(tagwall('catalog', 'conflicts', '--scenario', 'legacy-2019', '--json').stdout) as Array<{ id: string }>;
    expect(scoped.map((c) => c.id)).toEqual(['tag-spelling-container-registry']);
    for (const id of ['mcr-condition', 'instances-domain', 'monitoring-hosts', 'firewall-outbound-incomplete', 'storage-smb-condition']) expect(stdout).toContain(`${id}: `);
  });

  // Rendered with the defaults and checked by `tagwall check`: nothing beyond the requirements is allowed, and what
  // is missing is only what the target cannot express (host names for NSG; inbound, which bypasses the firewall by
  // UDR, and UDP to a host name for Azure Firewall), each reported by the renderer. The UDR target routes rather
  // than filters; its contract (routed packets) is checked for every scenario in test/azure-contract.test.ts.
  describe('tagwall check of rendered scenarios', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagwall-catalog-check-'));
    const scenarios = ['compute-public-ip', 'compute-no-public-ip', 'serverless', 'forced-tunnelling', 'attached-vm', 'aks-inference'];
    for (const scenario of scenarios) {
      for (const target of ['nsg', 'azure-firewall']) {
        it(`${scenario} ${target}`, () => {
          const args = ['--scenario', scenario, '--region', 'westus', '--subnet', '10.0.1.0/24', '--private-endpoint-subnet', '10.0.9.0/24', '--target', target];
          const file = join(dir, `${scenario}-${target}.json`);
          // The forced-tunnelling NSG lets host-name flows out towards Internet for the firewall by design
          // (NSG_FORCED_TUNNEL, bounded in src/targets/azure/nsg/workload.test.ts); compared here without it.
          const tunnel = scenario === 'forced-tunnelling' && target === 'nsg' ? ['--option', 'forcedTunnelling=false'] : [];
          const rendered = tagwall('render', ...args, ...tunnel, '-o', file);
          expect(rendered.code, rendered.stderr).toBe(0);
          const checked = tagwall('check', ...args, '--config', file, '--json');
          const report = JSON.parse(checked.stdout) as { ok: boolean; missing: Array<{ boxes: Array<{ text: string }> }>; extra: unknown[] };
          expect(report.extra, 'allowed but not required').toEqual([]);
          for (const box of report.missing.flatMap((group) => group.boxes.map((fields) => fields.text))) {
            const explained = target === 'nsg' ? / host | url /.test(box) : /^in /.test(box) || /^out ipv4 udp .* host /.test(box);
            expect(explained, `missing without a reason: ${box}`).toBe(true);
          }
          expect(report.ok).toBe(report.missing.length === 0);
          if (report.missing.length > 0) expect(rendered.stderr).toContain('lost, e.g.');
        });
      }
    }
  });

  it('reports bad input as one line with a suggestion and exit 2', () => {
    const scenario = tagwall('catalog', 'show', 'compute-no-publicip', '--region', 'westus');
    expect(scenario.code).toBe(2);
    expect(scenario.stderr).toMatch(/^tagwall: unknown scenario 'compute-no-publicip' .*\(did you mean compute-no-public-ip[,?]/);
    expect(scenario.stderr.trimEnd().split('\n')).toHaveLength(1);
    const option = tagwall('catalog', 'show', 'serverless', '--region', 'westus', '--set', 'privateEndpont=true');
    expect(option.code).toBe(2);
    expect(option.stderr).toContain('privateEndpoint');
    const region = tagwall('catalog', 'show', 'serverless', '--region', 'westuss', '--json');
    expect(region.code).toBe(2);
    expect(JSON.parse(region.stdout).error.code).toBe('TW_UNKNOWN_REGION');
  });
});

describe('tagwall import-dependencies and catalog compare', () => {
  const excerpt = join(FIXTURES, 'dependencies/aml-outboundNetworkDependenciesEndpoints.docs-excerpt.json');

  it('turns a Dependencies API response into a requirements file', () => {
    const { code, stdout } = tagwall('import-dependencies', excerpt);
    expect(code).toBe(0);
    const set = parseRequirements(stdout);
    expect(set.requirements.map((r) => r.destinations)).toEqual([
      [{ kind: 'host', pattern: { kind: 'exact', name: 'login.microsoftonline.com' } }],
      [{ kind: 'host', pattern: { kind: 'exact', name: 'management.azure.com' } }],
    ]);
  });

  it('shows both directions of the difference with a witness packet, exit 1', () => {
    const { code, stdout } = tagwall('catalog', 'compare', '--dependencies', excerpt, '--scenario', 'data-exfiltration-prevention', '--region', 'westus');
    expect(code).toBe(1);
    expect(stdout).toContain('not allowed by scenario:data-exfiltration-prevention');
    expect(stdout).toMatch(/e\.g\. out tcp \S+ -> \S+:443 host=login\.microsoftonline\.com/);
  });

  it('refuses a malformed response naming the JSON path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagwall-deps-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"value": [{"properties": {"category": "x", "endpoints": [{"domainName": 7}]}}]}');
    const { code, stderr } = tagwall('import-dependencies', bad);
    expect(code).toBe(2);
    expect(stderr).toContain('$.value[0].properties.endpoints[0].domainName');
  });
});
