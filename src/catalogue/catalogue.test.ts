import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTagwallError } from '../errors.js';
import type { Cloud } from '../servicetags/cloud.js';
import { checkHostPattern, parseHostPattern, parseVettedHostPattern, type HostPattern } from '../model/hostnames.js';
import { runCountingSuffixLookups } from '../model/hostnames/lookups.test-support.js';
import { EMBEDDED_REGIONS } from '../servicetags/embedded-regions.js';
import { CLOUDS } from '../servicetags/cloud.js';
import { defaultSnapshot, parseSnapshot } from '../servicetags/snapshot.js';
import { FIXTURES, sampleSnapshot } from '../servicetags/test-fixtures.js';
import { buildScenario, hostForCloud, isEmbeddedRegion, loadScenario, parseCatalogueHost, parseTemplateHost, scenarioIds, vettedWildcardSuffixes } from './build.js';
import { CONFLICTS } from './conflicts.js';
import { PREREQUISITES } from './prerequisites.js';
import { SCENARIOS } from './scenarios.js';

const REGION: Readonly<Record<Cloud, string>> = { Public: 'westus', AzureGovernment: 'usgovvirginia', China: 'chinaeast2' };
const VIRTUAL_TAGS = new Set(['VirtualNetwork', 'Internet', 'AzureLoadBalancer']);
const EVERY_OPTION = {
  hbiWorkspace: true,
  privateEndpoint: true,
  customImages: true,
  microsoftContainerRegistry: true,
  publicIp: true,
  firewallToStoragePrivateEndpoint: true,
  monitoring: true,
  ssh: true,
  packages: 'python,r,vscode',
};

function errorOf(run: () => unknown): { code: string; message: string; suggestions: readonly string[] } {
  try {
    run();
  } catch (error) {
    if (isTagwallError(error)) return error;
    throw error;
  }
  throw new Error('expected a TagwallError');
}

describe('every scenario in every cloud it applies to', () => {
  const cases = SCENARIOS.flatMap((scenario) => scenario.clouds.map((cloud) => [scenario.id, cloud] as const));
  it.each(cases)('%s in %s names only tags that exist in that cloud', (id, cloud) => {
    const snapshot = defaultSnapshot(cloud);
    const { requirements } = buildScenario(id, { region: REGION[cloud], cloud, storageAccount: 'mlstore01', dnsServer: '10.0.0.4', options: EVERY_OPTION }, snapshot);
    expect(requirements.requirements.length).toBeGreaterThan(0);
    const tags = requirements.requirements.flatMap((r) => [...r.sources, ...r.destinations]).flatMap((e) => (e.kind === 'service-tag' ? [e.name] : []));
    for (const name of tags) {
      if (VIRTUAL_TAGS.has(name)) continue;
      // The exact published spelling, not just something resolve() could map.
      expect(snapshot.tag(name)?.name, `${id}/${cloud}: ${name}`).toBe(name);
    }
    for (const requirement of requirements.requirements) {
      expect(requirement.provenance.length, requirement.id).toBeGreaterThan(0);
      expect(requirement.purpose, requirement.id).not.toBe('');
    }
    expect(new Set(requirements.requirements.map((r) => r.id)).size).toBe(requirements.requirements.length);
  });

  const MORE_REGIONS: Readonly<Record<Cloud, readonly string[]>> = {
    Public: ['eastus2', 'francecentral', 'swedensouth', 'jioindiawest', 'brazilsouth', 'polandcentral', 'japaneast', 'southafricanorth'],
    AzureGovernment: ['usgovarizona', 'usgovtexas'],
    China: ['chinanorth2', 'chinanorth3'],
  };
  it.each(Object.entries(MORE_REGIONS).flatMap(([cloud, regions]) => regions.map((region) => [cloud as Cloud, region] as const)))(
    'every scenario in %s %s with every option builds from published tags only',
    (cloud, region) => {
      const snapshot = defaultSnapshot(cloud);
      for (const scenario of SCENARIOS.filter((s) => s.clouds.includes(cloud))) {
        const built = buildScenario(scenario.id, { region, cloud, storageAccount: 'mlstore01', options: EVERY_OPTION }, snapshot);
        for (const requirement of built.requirements.requirements) {
          for (const endpoint of [...requirement.sources, ...requirement.destinations]) {
            if (endpoint.kind === 'service-tag' && !VIRTUAL_TAGS.has(endpoint.name)) expect(snapshot.tag(endpoint.name)?.name, `${scenario.id}: ${endpoint.name}`).toBe(endpoint.name);
          }
        }
      }
    },
  );

  it('covers the scenario ids users rely on', () => {
    expect(scenarioIds()).toEqual([
      'compute-public-ip',
      'compute-no-public-ip',
      'serverless',
      'firewall-outbound',
      'inbound-udr',
      'forced-tunnelling',
      'attached-vm',
      'aks-inference',
      'kubernetes',
      'data-exfiltration-prevention',
      'legacy-2019',
    ]);
    expect(SCENARIOS.filter((s) => s.legacy).map((s) => s.id)).toEqual(['legacy-2019']);
  });

  it('refers only to recorded conflicts, and every conflict shapes some entry or prerequisite', () => {
    const referenced = new Set([...SCENARIOS.flatMap((s) => s.entries.flatMap((e) => e.conflicts ?? [])), ...PREREQUISITES.flatMap((p) => p.conflicts ?? [])]);
    const recorded = new Set(CONFLICTS.map((c) => c.id));
    for (const id of referenced) expect(recorded.has(id), id).toBe(true);
    for (const conflict of CONFLICTS) expect(conflict.readings.length).toBeGreaterThanOrEqual(2);
    expect([...recorded].filter((id) => !referenced.has(id))).toEqual([]);
  });
});

describe('catalogue hosts skip the Public Suffix List only where it is proved', () => {
  // buildScenario parses a catalogue wildcard `*.<suffix>` with the suffixes of vettedWildcardSuffixes taken as checked,
  // against any snapshot (no Public Suffix List lookup). That is exact only if each of them passes the full check: this proves it
  // against the installed Public Suffix List, so a list update that makes one a public suffix fails here, not
  // silently at run time.
  it.each(CLOUDS)('every vetted suffix of %s passes the full check, and parses to the same pattern with it skipped', (cloud) => {
    const vetted = new Set(EMBEDDED_REGIONS[cloud].flatMap((region) => [...vettedWildcardSuffixes(cloud, region)]));
    // Each region of the embedded snapshot brings its own batch and workspace API suffixes.
    expect(vetted.size).toBeGreaterThan(2 * EMBEDDED_REGIONS[cloud].length);
    for (const suffix of vetted) {
      const checked = checkHostPattern(`*.${suffix}`);
      expect(checked.pattern, suffix).toEqual({ kind: 'wildcard', suffix });
      expect(parseVettedHostPattern(`*.${suffix}`)).toEqual(checked.pattern);
    }
    // A region no embedded snapshot has vets only the wildcards without a region, which are among those proved.
    const elsewhere = [...vettedWildcardSuffixes(cloud, 'contosowest')];
    expect(elsewhere.length).toBeGreaterThan(0);
    expect(elsewhere.filter((suffix) => !vetted.has(suffix) || suffix.includes('contosowest'))).toEqual([]);
  });

  /** What a parse answers: the pattern, or the whole error (code, message, location). */
  function outcome(parse: () => HostPattern): unknown {
    try {
      return { pattern: parse() };
    } catch (error) {
      if (!isTagwallError(error)) throw error;
      return { code: error.code, message: error.message, location: error.location };
    }
  }

  it.each(CLOUDS)('parseCatalogueHost answers as parseHostPattern for every catalogue host over any region text in %s', (cloud) => {
    const templates = [
      ...new Set(
        SCENARIOS.flatMap((scenario) => scenario.entries)
          .flatMap((entry) => [...entry.peers, ...(entry.local ?? [])])
          .flatMap((peer) => ('host' in peer ? [peer.host] : 'url' in peer ? [peer.url.split('/')[0]!] : [])),
      ),
    ];
    // A user's snapshot may name any region: known ones, other spellings, and text that is no host label at all.
    const odd = ['contosowest', 'WestUS', 'co', 'co.uk', 'ab-', 'bad region', '', 'xn--bcher-kva', 'bücher', 'west.us', '10'];
    const region = fc.oneof(
      fc.constantFrom(...EMBEDDED_REGIONS[cloud], ...odd),
      fc.string({ unit: fc.constantFrom('a', 'w', 'U', '1', '-', '.', '_', 'ü', ' ', '*'), maxLength: 8 }),
    );
    // And wildcards the full check refuses or notes (a public suffix, a private one, an unlisted top-level label).
    const others = fc.constantFrom('*.co.uk', '*.com', '*.corp', '*.github.io', '*.core.windows.net', '*.blob.core.windows.net', '*.contoso.corp');
    let vetted = 0;
    let looked = 0;
    let unproved = 0;
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...templates), others), region, (template, name) => {
        const host = hostForCloud(template.replaceAll('{region}', name), cloud);
        if (host === null) return;
        const suffixes = vettedWildcardSuffixes(cloud, name);
        if (host.startsWith('*.') && suffixes.has(host.slice(2))) vetted++;
        else if (host.startsWith('*.')) looked++;
        expect(outcome(() => parseCatalogueHost(host, suffixes))).toEqual(outcome(() => parseHostPattern(host)));
        // What a build calls for its own templates: the same answer, the set made only when it is needed.
        if (templates.includes(template)) {
          let made = false;
          const lazySuffixes = (): ReadonlySet<string> => ((made = true), suffixes);
          expect(outcome(() => parseTemplateHost(template, host, isEmbeddedRegion(cloud, name), lazySuffixes))).toEqual(outcome(() => parseHostPattern(host)));
          if (!host.startsWith('*.') || isEmbeddedRegion(cloud, name)) expect(made, host).toBe(false);
          if (made) unproved++;
        }
      }),
      { numRuns: 1000 },
    );
    // Both paths were taken: the vetted skip and the lookup.
    expect(vetted).toBeGreaterThan(0);
    expect(looked).toBeGreaterThan(0);
    expect(unproved).toBeGreaterThan(0);
    expect(errorOf(() => parseCatalogueHost('*.co.uk', vettedWildcardSuffixes(cloud, REGION[cloud]))).code).toBe('TW_WILDCARD_PUBLIC_SUFFIX');
  });

  // A wildcard the set lacks would still be right (it is looked up), only slower: the embedded snapshot's builds, in
  // every region and with every option, should never need the lookup.
  it.each(CLOUDS)('every wildcard host a %s scenario builds over a region of the embedded snapshot is vetted', (cloud) => {
    const snapshot = defaultSnapshot(cloud);
    const options = { ...EVERY_OPTION, allowGlobalTagFallback: true };
    const built = new Set<string>();
    const unvetted: string[] = [];
    for (const region of snapshot.regions()) {
      const vetted = vettedWildcardSuffixes(cloud, region.armName);
      for (const scenario of SCENARIOS.filter((s) => s.clouds.includes(cloud))) {
        const { requirements } = buildScenario(scenario.id, { region: region.armName, cloud, storageAccount: 'mlstore01', dnsServer: '10.0.0.4', options }, snapshot);
        for (const endpoint of requirements.requirements.flatMap((r) => [...r.sources, ...r.destinations])) {
          if ((endpoint.kind !== 'host' && endpoint.kind !== 'url') || endpoint.pattern.kind !== 'wildcard') continue;
          built.add(endpoint.pattern.suffix);
          if (!vetted.has(endpoint.pattern.suffix)) unvetted.push(`${region.armName}: ${endpoint.pattern.suffix}`);
        }
      }
    }
    expect(unvetted).toEqual([]);
    expect(built.size).toBeGreaterThan(2 * EMBEDDED_REGIONS[cloud].length);
  });

  it("looks a catalogue host up in the Public Suffix List for a user's snapshot only when its region is one no embedded snapshot has", () => {
    // A fresh process per case, whose coverage counts the lookups the builds made.
    const module = (path: string): string => JSON.stringify(fileURLToPath(new URL(path, import.meta.url)));
    const script = (region: string): string => `
      import { readFileSync } from 'node:fs';
      import { gunzipSync } from 'node:zlib';
      const { buildScenario } = await import(${module('./build.ts')});
      const { parseSnapshot } = await import(${module('../servicetags/snapshot.ts')});
      const batchHosts = (built) => built.requirements.requirements.find((r) => r.id === 'batch-account-hosts').destinations.map((e) => e.pattern.suffix);
      const json = JSON.parse(gunzipSync(readFileSync(${JSON.stringify(FIXTURES.public20251028)})).toString());
      const properties = { changeNumber: 1, region: 'contosowest', regionId: 999, platform: 'Azure', systemService: '', addressPrefixes: ['192.0.2.0/24'], networkFeatures: null };
      json.values.push({ name: 'AzureCloud.contosowest', id: 'AzureCloud.contosowest', properties });
      const options = { allowGlobalTagFallback: true };
      console.log(JSON.stringify(batchHosts(buildScenario('compute-no-public-ip', { region: '${region}', options }, parseSnapshot(JSON.stringify(json), 'user.json')))));`;
    const known = runCountingSuffixLookups(script('westus'));
    expect(known.stderr).toBe('');
    expect([JSON.parse(known.stdout), known.lookups]).toEqual([['westus.batch.azure.com', 'westus.service.batch.azure.com'], 0]);
    const other = runCountingSuffixLookups(script('contosowest'));
    expect(other.stderr).toBe('');
    expect(JSON.parse(other.stdout)).toEqual(['contosowest.batch.azure.com', 'contosowest.service.batch.azure.com']);
    expect(other.lookups).toBeGreaterThan(0);
  });
});

describe('compute-no-public-ip', () => {
  const set = loadScenario('compute-no-public-ip', { region: 'westus' });
  const byId = new Map(set.requirements.map((r) => [r.id, r]));
  const peer = (id: string): string[] =>
    byId.get(id)!.destinations.map((e) => (e.kind === 'service-tag' ? e.name : e.kind === 'host' ? (e.pattern.kind === 'exact' ? e.pattern.name : `*.${e.pattern.suffix}`) : e.kind));

  it('has the outbound tags and host names the issue lists, in the region', () => {
    expect(byId.get('aml-compute-management')!.protocols.toString()).toBe('udp');
    expect(byId.get('aml-compute-management')!.ports.toString()).toBe('5831');
    expect(peer('aml-service-https')).toEqual(['AzureMachineLearning']);
    expect(peer('batch-management')).toEqual(['BatchNodeManagement.WestUS']);
    expect(peer('storage-region')).toEqual(['Storage.WestUS']);
    expect(peer('tundra')).toEqual(['westus.tundra.azureml.ms']);
    expect(peer('batch-account-hosts')).toEqual(['*.westus.batch.azure.com', '*.westus.service.batch.azure.com']);
  });

  it('has no inbound from public service tags', () => {
    const inbound = set.requirements.filter((r) => r.direction === 'in');
    const sources = inbound.flatMap((r) => r.sources.map((e) => (e.kind === 'service-tag' ? e.name : e.kind)));
    expect(sources.sort()).toEqual(['AzureLoadBalancer', 'VirtualNetwork']);
  });
});

describe('parameters and options', () => {
  it('drops AzureFrontDoor in China and the FirstParty tag outside Public', () => {
    const names = (cloud: Cloud): string[] =>
      loadScenario('compute-public-ip', { region: REGION[cloud], cloud, options: { userManagedDependencies: true } })
        .requirements.flatMap((r) => r.destinations)
        .flatMap((e) => (e.kind === 'service-tag' ? [e.name] : []));
    expect(names('Public')).toEqual(expect.arrayContaining(['AzureFrontDoor.Frontend', 'AzureFrontDoor.FirstParty', 'MicrosoftContainerRegistry.WestUS']));
    expect(names('AzureGovernment')).not.toContain('AzureFrontDoor.FirstParty');
    expect(names('China').some((n) => n.startsWith('AzureFrontDoor'))).toBe(false);
  });

  it('switches conditional requirements on with options', () => {
    const ids = (options: Record<string, string | boolean>): string[] => loadScenario('compute-no-public-ip', { region: 'westus', options }).requirements.map((r) => r.id);
    const base = ids({});
    expect(base).not.toContain('key-vault');
    expect(ids({ hbiWorkspace: true })).toContain('key-vault');
    expect(base).toEqual(expect.arrayContaining(['aml-service-interactive', 'instances-interactive', 'private-endpoints-smb', 'microsoft-container-registry']));
    expect(ids({ privateEndpoint: 'no' })).not.toEqual(expect.arrayContaining(['aml-service-interactive']));
    expect(ids({ userManagedDependencies: false })).not.toContain('microsoft-container-registry');
    expect(ids({ customImages: true })).toContain('container-registry');
    expect(ids({ firewallToStoragePrivateEndpoint: true })).toContain('storage-smb');
    expect(ids({ packages: 'r' })).toEqual([...base, 'r-packages']);
  });

  it('maps the articles spelling Keyvault.<region> to the published tag and says so', () => {
    const built = buildScenario('compute-no-public-ip', { region: 'francecentral', options: { hbiWorkspace: true } });
    const keyVault = built.requirements.requirements.find((r) => r.id === 'key-vault')!;
    expect(keyVault.destinations).toEqual([{ kind: 'service-tag', name: 'AzureKeyVault.FranceCentral' }]);
    expect(built.notes.join('\n')).toContain('Keyvault.<region>');
  });

  it('routes management traffic of the primary and the paired secondary region', () => {
    const set = loadScenario('inbound-udr', { region: 'eastus2' });
    const tags = set.requirements.flatMap((r) => r.sources).map((e) => (e.kind === 'service-tag' ? e.name : ''));
    // Batch of the workspace region only: the article asks for the secondary region for the Azure ML service alone.
    expect(tags.sort()).toEqual(['AzureMachineLearning.CentralUS', 'AzureMachineLearning.EastUS2', 'BatchNodeManagement.EastUS2']);
    const overridden = loadScenario('inbound-udr', { region: 'eastus2', secondaryRegion: 'westus' });
    expect(overridden.requirements.flatMap((r) => r.sources).map((e) => (e.kind === 'service-tag' ? e.name : ''))).toContain('AzureMachineLearning.WestUS');
  });

  it('pairs every region of the published pairs table, and keeps "no pair" apart from "unknown"', () => {
    const secondary = (region: string): string | undefined =>
      loadScenario('inbound-udr', { region }).requirements.find((r) => r.id === 'udr-aml-secondary')?.sources.map((e) => (e.kind === 'service-tag' ? e.name : ''))[0];
    expect(secondary('swedensouth')).toBe('AzureMachineLearning.SwedenCentral');
    expect(secondary('swedencentral')).toBe('AzureMachineLearning.SwedenSouth');
    expect(secondary('jioindiawest')).toBe('AzureMachineLearning.JioIndiaCentral');
    expect(secondary('jioindiacentral')).toBe('AzureMachineLearning.JioIndiaWest');
    const none = buildScenario('inbound-udr', { region: 'polandcentral' });
    expect(none.params.pairing).toBe('none');
    expect(none.notes.join('\n')).toContain('has no paired region');
    const snapshot = defaultSnapshot('Public');
    const unknown = snapshot.regions().find((region) => region.pairedRegion === undefined && !['swedensouth', 'jioindiawest', 'jioindiacentral'].includes(region.armName));
    if (unknown) {
      const built = buildScenario('inbound-udr', { region: unknown.armName, options: { allowGlobalTagFallback: true } });
      expect(built.params.pairing).toBe('unknown');
      expect(built.notes.join('\n')).not.toContain('has no paired region');
      expect(built.notes.join('\n')).toContain('not known');
    }
  });

  it('every region of the embedded pairs data resolves to its pair, both ways where published', () => {
    const snapshot = defaultSnapshot('Public');
    for (const region of snapshot.regions()) {
      const built = buildScenario('inbound-udr', { region: region.armName, options: { allowGlobalTagFallback: true } });
      if (typeof region.pairedRegion === 'string') expect(built.params.secondaryRegion, region.armName).toBe(region.pairedRegion);
      if (region.pairedRegion === null) expect(built.params.pairing, region.armName).toBe('none');
    }
  });

  it('uses each cloud’s host names', () => {
    expect(hostForCloud('*.westus.batch.azure.com', 'AzureGovernment')).toBe('*.westus.batch.usgovcloudapi.net');
    expect(hostForCloud('*.blob.core.windows.net', 'China')).toBe('*.blob.core.chinacloudapi.cn');
    expect(hostForCloud('pypi.org', 'China')).toBe('pypi.org');
    // Microsoft-owned public hosts stay as they are in every cloud.
    expect(hostForCloud('vscode.blob.core.windows.net', 'AzureGovernment')).toBe('vscode.blob.core.windows.net');
    expect(hostForCloud('vscode.blob.core.windows.net', 'China')).toBe('vscode.blob.core.windows.net');
    expect(hostForCloud('mcr.microsoft.com', 'China')).toBe('mcr.microsoft.com');
    // The sovereign tables keep *.instances.azureml.ms and give .us/.cn for *.instances.azureml.net.
    expect(hostForCloud('*.instances.azureml.ms', 'AzureGovernment')).toBe('*.instances.azureml.ms');
    expect(hostForCloud('*.instances.azureml.net', 'AzureGovernment')).toBe('*.instances.azureml.us');
    expect(hostForCloud('*.instances.azureml.net', 'China')).toBe('*.instances.azureml.cn');
    expect(hostForCloud('*.azureml.ms', 'China')).toBe('*.ml.azure.cn');
    // Application Insights per cloud.
    expect(hostForCloud('dc.applicationinsights.azure.com', 'AzureGovernment')).toBe('dc.applicationinsights.us');
    expect(hostForCloud('dc.services.visualstudio.com', 'China')).toBe('dc.applicationinsights.azure.cn');
    expect(hostForCloud('*.in.applicationinsights.azure.com', 'AzureGovernment')).toBe('*.in.applicationinsights.azure.us');
    expect(hostForCloud('*.modelmanagement.azureml.net', 'China')).toBeNull();
  });

  it('says when an option has no effect on the scenario', () => {
    expect(buildScenario('inbound-udr', { region: 'westus', options: { hbiWorkspace: true } }).notes.join('\n')).toContain('option hbiWorkspace has no effect on inbound-udr');
    expect(buildScenario('compute-no-public-ip', { region: 'westus', options: { userManagedDependencies: false } }).notes).toEqual([]);
    expect(buildScenario('compute-no-public-ip', { region: 'westus', options: { privateEndpoint: false } }).notes.join('\n')).toContain('mandatory');
  });

    it('refuses a subnet in the Docker bridge range, naming the fact', () => {
    const error = errorOf(() => loadScenario('compute-no-public-ip', { region: 'westus', subnet: '172.17.1.0/24' }));
    expect(error.code).toBe('TW_INVALID_OPTION');
    expect(error.message).toContain('172.17.0.0/16');
    expect(errorOf(() => loadScenario('compute-no-public-ip', { region: 'westus', storageAccount: 'My_Store' })).message).toContain('<storage>.file');
  });

  it('puts the subnet parameter on the compute side', () => {
    const set = loadScenario('serverless', { region: 'westus', subnet: '172.16.0.0/24' });
    expect(set.requirements.every((r) => r.sources.every((e) => e.kind === 'addresses' && e.addresses.toString() === '172.16.0.0/24'))).toBe(true);
  });
});

describe('bad parameters', () => {
  it('suggests the nearest scenario, option and region', () => {
    // @ts-expect-error a misspelt id does not compile; at run time it is TW_UNKNOWN_SCENARIO with suggestions
    const scenario = errorOf(() => loadScenario('compute-no-publicip', { region: 'westus' }));
    expect(scenario.code).toBe('TW_UNKNOWN_SCENARIO');
    expect(scenario.suggestions[0]).toBe('compute-no-public-ip');
    const option = errorOf(() => loadScenario('serverless', { region: 'westus', options: { hbiworkspce: true } }));
    expect(option).toMatchObject({ code: 'TW_UNKNOWN_OPTION' });
    expect(option.suggestions[0]).toBe('hbiWorkspace');
    expect(errorOf(() => loadScenario('serverless', { region: 'wetsus' }))).toMatchObject({ code: 'TW_UNKNOWN_REGION' });
    expect(errorOf(() => loadScenario('serverless', { region: 'westus', options: { packages: 'pyhton' } }))).toMatchObject({ code: 'TW_INVALID_OPTION', suggestions: ['python'] });
    expect(errorOf(() => loadScenario('serverless', {}))).toMatchObject({ code: 'TW_USAGE' });
  });

  it('refuses a region without a regional tag unless the global fallback is asked for', () => {
    // Every real region that has Storage.<region> also has the other regional tags the catalogue uses, so a
    // trimmed snapshot stands in: FranceCentral has Storage but no BatchNodeManagement.FranceCentral.
    const data = sampleSnapshot();
    for (const name of ['BatchNodeManagement', 'AzureActiveDirectory', 'AzureResourceManager', 'AzureMachineLearning']) {
      data.values.push({ name, id: name, properties: { changeNumber: 1, region: '', regionId: 0, platform: 'Azure', systemService: '', addressPrefixes: ['192.0.2.0/24'], networkFeatures: null } });
    }
    const snapshot = parseSnapshot(JSON.stringify(data), 'trimmed.json');
    const error = errorOf(() => loadScenario('data-exfiltration-prevention', { region: 'francecentral' }, snapshot));
    expect(error.code).toBe('TW_NO_REGIONAL_TAG');
    expect(error.message).toContain('BatchNodeManagement has no regional tag for francecentral');
    const built = buildScenario('data-exfiltration-prevention', { region: 'francecentral', options: { allowGlobalTagFallback: true } }, snapshot);
    const batch = built.requirements.requirements.find((r) => r.id === 'batch-management')!;
    expect(batch.destinations).toEqual([{ kind: 'service-tag', name: 'BatchNodeManagement' }]);
    expect(built.notes.join('\n')).toContain('wider than required');
  });
});

describe('docs/catalogue.md', () => {
  it('lists every scenario, recorded conflict, option and prerequisite', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(new URL('../../docs/catalogue.md', import.meta.url), 'utf8');
    for (const id of scenarioIds()) expect(doc, id).toContain(`| \`${id}\` |`);
    for (const conflict of CONFLICTS) expect(doc, conflict.id).toContain(`### \`${conflict.id}\`: ${conflict.subject}`);
    for (const conflict of CONFLICTS) expect(doc, conflict.id).toContain(conflict.reason);
    for (const prerequisite of PREREQUISITES) expect(doc, prerequisite.id).toContain(prerequisite.id.replace(/^private-endpoint-storage-(blob|file|queue|table|dfs)$/, 'private-endpoint-storage-blob'));
    for (const option of ['privateEndpoint', 'microsoftContainerRegistry', 'hbiWorkspace', 'customImages', 'firewallToStoragePrivateEndpoint', 'publicIp', 'packages', 'monitoring', 'ssh', 'allowGlobalTagFallback']) expect(doc, option).toContain(`| \`${option}`);
  });
});
