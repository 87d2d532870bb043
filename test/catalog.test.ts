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
  });

  it('prints YAML that reads back as the same set, and JSON with the parameters', () => {
    const yaml = tagwall('catalog', 'show', 'firewall-outbound', '--region', 'eastus2', '--format', 'yaml', '--set', 'packages=python', '--set', 'hbiWorkspace=true');
    expect(yaml.code).toBe(0);
    const set = parseRequirements(yaml.stdout);
    expect(set.requirements.map((r) => r.id)).toEqual(expect.arrayContaining(['key-vault', 'python-packages', 'aml-service']));
    const json = tagwall('catalog', 'show', 'inbound-udr', '--region', 'eastus2', '--json');
    const parsed = JSON.parse(json.stdout) as { params: { secondaryRegion: string }; requirements: unknown[] };
    expect(parsed.params.secondaryRegion).toBe('centralus');
    expect(parsed.requirements).toHaveLength(4);
    const md = tagwall('catalog', 'show', 'kubernetes', '--region', 'westus', '--format', 'md');
    expect(md.stdout).toContain('| id | direction | protocol | ports | peer | purpose | source |');
  });

  it('lists every recorded conflict with both readings and the choice', () => {
    const { code, stdout } = tagwall('catalog', 'conflicts');
    expect(code).toBe(0);
    for (const conflict of CONFLICTS) expect(stdout).toContain(`${conflict.id}: ${conflict.subject}`);
    expect(stdout).toContain('chosen: TCP 443');
    const scoped = JSON.parse(tagwall('catalog', 'conflicts', '--scenario', 'legacy-2019', '--json').stdout) as Array<{ id: string }>;
    expect(scoped.map((c) => c.id)).toEqual(['tag-spelling-container-registry']);
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
