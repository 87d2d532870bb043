/**
 * From a scenario and parameters to a RequirementSet: regions resolved, regional tags looked up in the cloud's
 * snapshot (doc spellings mapped and noted), host names adapted to the cloud, conditional entries applied.
 */
import { TagwallError, isTagwallError } from '../errors.js';
import { lazy } from '../internal/lazy.js';
import { parseHostPattern, parseVettedHostPattern, type HostPattern } from '../model/hostnames.js';
import { PortSet, ProtocolSet } from '../model/ports.js';
import type { Endpoint, Requirement, RequirementSet } from '../model/requirement.js';
import type { Cloud } from '../servicetags/cloud.js';
import { regionalTagName, type Region } from '../servicetags/regions.js';
import { EMBEDDED_REGIONS } from '../servicetags/embedded-regions.js';
import { defaultSnapshot, type Snapshot } from '../servicetags/snapshot.js';
import { nearest } from '../servicetags/suggest.js';
import { AddressSet } from '../model/address-set.js';
import { ARTICLES } from './articles.js';
import type { CatalogueEntry, PeerTemplate } from './entries.js';
import { cloudOf, parseOptions, type ScenarioInput, type ScenarioParams } from './params.js';
import { pairingOf } from './region-pairs.js';
import { SCENARIOS, type Scenario, type ScenarioId } from './scenarios.js';

export interface BuiltScenario {
  readonly scenario: Scenario;
  readonly params: ScenarioParams;
  readonly requirements: RequirementSet;
  /** The snapshot the tags were resolved against. */
  readonly snapshot: Snapshot;
  /** What the build decided that a reader should know: spellings mapped, fallbacks taken, entries skipped. */
  readonly notes: readonly string[];
}

export function scenarioIds(): ScenarioId[] {
  return SCENARIOS.map((scenario) => scenario.id);
}

export function findScenario(id: string): Scenario {
  const scenario = SCENARIOS.find((candidate) => candidate.id === id.trim().toLowerCase());
  if (!scenario) {
    throw new TagwallError('TW_UNKNOWN_SCENARIO', `unknown scenario '${id}' (scenarios: ${scenarioIds().join(', ')})`, {
      suggestions: nearest(id, scenarioIds()),
    });
  }
  return scenario;
}

/**
 * Host names of the public cloud and their counterparts in the sovereign clouds, most specific first; `null`
 * means the host has no counterpart there (the entry drops it and says so in the notes). Names without a row are
 * the same in every cloud: third-party package hosts, and Microsoft-owned public hosts such as
 * vscode.blob.core.windows.net (the VS Code marketplace's storage, not a customer account), mcr.microsoft.com and
 * viennaglobal.azurecr.io. Sources: the sovereign-cloud tabs of the firewall article's Microsoft host tables
 * (learn.microsoft.com/azure/machine-learning/how-to-access-azureml-behind-firewall), which keep
 * *.instances.azureml.ms and *.aznbcontent.net unchanged; the Application Insights endpoints of Azure Government
 * (dc.applicationinsights.us) and Azure China (dc.applicationinsights.azure.cn); the storage, Batch, Key Vault and
 * container registry suffixes of each cloud's environment. `{region}.tundra.azureml.ms` has no published
 * counterpart and is kept as the articles write it.
 */
const CLOUD_HOSTS: ReadonlyArray<readonly [publicSuffix: string, government: string | null, china: string | null]> = [
  ['vscode.blob.core.windows.net', 'vscode.blob.core.windows.net', 'vscode.blob.core.windows.net'],
  ['instances.azureml.ms', 'instances.azureml.ms', 'instances.azureml.ms'],
  ['tundra.azureml.ms', 'tundra.azureml.ms', 'tundra.azureml.ms'],
  ['instances.azureml.net', 'instances.azureml.us', 'instances.azureml.cn'],
  ['api.azureml.ms', 'api.ml.azure.us', 'api.ml.azure.cn'],
  ['azureml.ms', 'ml.azure.us', 'ml.azure.cn'],
  ['modelmanagement.azureml.net', null, null],
  ['experiments.azureml.net', null, null],
  ['azureml.net', null, null],
  ['batchai.core.windows.net', 'batchai.core.usgovcloudapi.net', 'batchai.ml.azure.cn'],
  ['core.windows.net', 'core.usgovcloudapi.net', 'core.chinacloudapi.cn'],
  ['batch.azure.com', 'batch.usgovcloudapi.net', 'batch.chinacloudapi.cn'],
  ['login.microsoftonline.com', 'login.microsoftonline.us', 'login.chinacloudapi.cn'],
  ['management.azure.com', 'management.usgovcloudapi.net', 'management.chinacloudapi.cn'],
  ['ml.azure.com', 'ml.azure.us', 'studio.ml.azure.cn'],
  ['graph.windows.net', 'graph.windows.net', 'graph.chinacloudapi.cn'],
  ['graph.microsoft.com', 'graph.microsoft.us', 'graph.chinacloudapi.cn'],
  ['notebooks.azure.net', 'notebooks.usgovcloudapi.net', 'notebooks.chinacloudapi.cn'],
  ['vault.azure.net', 'vault.usgovcloudapi.net', 'vault.azure.cn'],
  ['azurecr.io', 'azurecr.us', 'azurecr.cn'],
  ['dc.applicationinsights.azure.com', 'dc.applicationinsights.us', 'dc.applicationinsights.azure.cn'],
  ['dc.applicationinsights.microsoft.com', 'dc.applicationinsights.us', 'dc.applicationinsights.azure.cn'],
  ['dc.services.visualstudio.com', 'dc.applicationinsights.us', 'dc.applicationinsights.azure.cn'],
  ['in.applicationinsights.azure.com', 'in.applicationinsights.azure.us', 'in.applicationinsights.azure.cn'],
];

/** Microsoft-owned public hosts that must never be rewritten (each also has an identity row above). */
const CLOUD_INVARIANT_HOSTS: readonly string[] = ['vscode.blob.core.windows.net', 'mcr.microsoft.com', 'viennaglobal.azurecr.io'];

/** The host in `cloud`; null when the host has no counterpart there. */
export function hostForCloud(host: string, cloud: Cloud): string | null {
  if (cloud === 'Public' || CLOUD_INVARIANT_HOSTS.some((name) => host === name || host.endsWith(`.${name}`))) return host;
  for (const [publicSuffix, government, china] of CLOUD_HOSTS) {
    if (host === publicSuffix || host.endsWith(`.${publicSuffix}`)) {
      const counterpart = cloud === 'AzureGovernment' ? government : china;
      return counterpart === null ? null : host.slice(0, host.length - publicSuffix.length) + counterpart;
    }
  }
  return host;
}

/** The Docker bridge network of the compute nodes: a VNet must not use it (tutorial, Create a virtual network). */
const DOCKER_BRIDGE = AddressSet.parse('172.17.0.0/16');

function parseAddressParameter(name: string, text: string | undefined, fact: string): AddressSet | undefined {
  if (text === undefined) return undefined;
  try {
    return AddressSet.parse(text);
  } catch (error) {
    if (!isTagwallError(error)) throw error;
    // The model's own code (TW_INVALID_PREFIX_LENGTH, TW_HOST_BITS_SET, ...) says more than a generic one.
    throw new TagwallError(error.code, `${name} '${text}' is not an address or CIDR (${error.message}); it is the peer of ${fact}`);
  }
}

/** The parameters as typed values, and the regions as the snapshot knows them (resolved once, here). */
function resolveParams(input: ScenarioInput, snapshot: Snapshot, scenario: Scenario): { readonly params: ScenarioParams; readonly regions: BuildState['regions'] } {
  const cloud = cloudOf(input);
  if (snapshot.info.cloud !== cloud) {
    throw new TagwallError('TW_USAGE', `the snapshot is for ${snapshot.info.cloud}, but the scenario asks for cloud ${cloud}`);
  }
  if (input.region === undefined) {
    throw new TagwallError('TW_USAGE', `scenario ${scenario.id} needs a region (--region, e.g. westus)`);
  }
  const region = snapshot.resolveRegion(input.region);
  const pairing = pairingOf(cloud, region);
  const given = input.secondaryRegion !== undefined ? snapshot.resolveRegion(input.secondaryRegion) : undefined;
  if (input.storageAccount !== undefined && !/^[a-z0-9]{3,24}$/.test(input.storageAccount)) {
    throw new TagwallError(
      'TW_INVALID_OPTION',
      `storageAccount '${input.storageAccount}' is not a storage account name (3-24 lower-case letters and digits), so the workspace storage hosts (<storage>.file/.blob/.dfs.core.windows.net, ports 443 and 445) cannot be named`,
    );
  }
  const subnet = parseAddressParameter('subnet', input.subnet, 'every requirement (the compute side)');
  const privateEndpointSubnet = parseAddressParameter('privateEndpointSubnet', input.privateEndpointSubnet, 'the private-endpoint flows (TCP 443 and 445)');
  const dnsServer = parseAddressParameter('dnsServer', input.dnsServer, 'the DNS flows (TCP/UDP 53)');
  const firewallAddress = parseAddressParameter('firewallAddress', input.firewallAddress, 'the 0.0.0.0/0 route to the hub firewall');
  for (const [name, value] of [['subnet', subnet], ['privateEndpointSubnet', privateEndpointSubnet]] as const) {
    if (value && !value.intersection(DOCKER_BRIDGE).isEmpty()) {
      throw new TagwallError(
        'TW_INVALID_OPTION',
        `${name} ${value.toString()} overlaps 172.17.0.0/16, the Docker bridge range the compute uses; the tutorial (Create a virtual network) forbids it for the VNet`,
      );
    }
  }
  const params: ScenarioParams = {
    region: region.armName,
    secondaryRegion: given?.armName ?? (pairing.kind === 'paired' ? pairing.region : null),
    pairing: given !== undefined ? 'given' : pairing.kind,
    ...(input.storageAccount !== undefined ? { storageAccount: input.storageAccount } : {}),
    cloud,
    ...(subnet ? { subnet } : {}),
    ...(privateEndpointSubnet ? { privateEndpointSubnet } : {}),
    ...(dnsServer ? { dnsServer } : {}),
    ...(firewallAddress ? { firewallAddress } : {}),
    options: parseOptions(input.options, scenario.defaults),
  };
  // The published pair is an ARM name from the pairs data, which the snapshot may not know (the tag lookup then says so).
  const secondary = given ?? (params.secondaryRegion === null ? null : (snapshot.findRegion(params.secondaryRegion) ?? params.secondaryRegion));
  return { params, regions: { primary: region, secondary } };
}

interface BuildState {
  readonly snapshot: Snapshot;
  readonly params: ScenarioParams;
  /**
   * The regions as the snapshot knows them, resolved once (resolveParams) so each regional tag is a lookup, not a
   * new resolution of the name. The secondary is the ARM name when the snapshot has no tags for it (the lookup
   * then reports the unknown region).
   */
  readonly regions: { readonly primary: Region; readonly secondary: Region | string | null };
  readonly notes: string[];
  /** Is the build's region one of the embedded snapshot's (every wildcard template is then proved for it)? */
  readonly regionProved: boolean;
  /** vettedWildcardSuffixes of the build's region, made when a host first needs it. */
  readonly vettedSuffixes: () => ReadonlySet<string>;
}

function regionalTag(state: BuildState, service: string, which: 'primary' | 'secondary'): string | undefined {
  const { snapshot, params, notes } = state;
  const region = which === 'primary' ? params.region : params.secondaryRegion;
  const resolved = which === 'primary' ? state.regions.primary : state.regions.secondary;
  if (!region || !resolved) {
    notes.push(
      params.pairing === 'none'
        ? `${service}: ${params.region} has no paired region (Azure publishes it as nonpaired), so no secondary-region tag`
        : `${service}: the paired region of ${params.region} is not known to tagwall, so no secondary-region tag; give it with --secondary-region`,
    );
    return undefined;
  }
  try {
    return regionalTagName(snapshot, service, resolved);
  } catch (error) {
    if (!isTagwallError(error) || error.code !== 'TW_UNKNOWN_TAG') throw error;
    if (params.options.allowGlobalTagFallback) {
      const global = snapshot.resolve(service).name;
      notes.push(`${service} has no tag for ${region} in ${snapshot.info.cloud}: used the global tag ${global} (wider than required)`);
      return global;
    }
    throw new TagwallError(
      'TW_NO_REGIONAL_TAG',
      `${service} has no regional tag for ${region} in the ${snapshot.info.cloud} snapshot (set allowGlobalTagFallback=true to use the global ${service} tag, which is wider)`,
      { suggestions: error.suggestions },
    );
  }
}

/** A catalogue host template (`*.{region}.batch.azure.com`) as a host of `region` in `cloud`; null: none there. */
function hostOfTemplate(template: string, region: string, cloud: Cloud): string | null {
  return hostForCloud(template.replaceAll('{region}', region), cloud);
}

function expandHost(template: string, state: BuildState): string | null {
  const host = hostOfTemplate(template, state.params.region, state.params.cloud);
  if (host === null) state.notes.push(`${template} has no counterpart in ${state.params.cloud}: left out`);
  return host;
}

/** The host template of a `host` or `url` peer (a URL's host part), or undefined for the other kinds. */
function hostTemplateOf(peer: PeerTemplate): string | undefined {
  return 'host' in peer ? peer.host : 'url' in peer ? peer.url.split('/')[0]! : undefined;
}

/**
 * Every wildcard host template of the catalogue (`*.blob.core.windows.net`, `*.{region}.batch.azure.com`): a
 * constant of the catalogue, collected on the first build rather than walked again over every scenario per build.
 */
const wildcardTemplates = lazy((): readonly string[] => {
  const peers = SCENARIOS.flatMap((scenario) => scenario.entries).flatMap((entry) => [...entry.peers, ...(entry.local ?? [])]);
  const templates = new Set<string>();
  for (const peer of peers) {
    const template = hostTemplateOf(peer);
    if (template?.startsWith('*.')) templates.add(template);
  }
  return [...templates];
});

/** Is `region` one of the regions of `cloud`'s embedded snapshot, for which catalogue.test.ts proves every wildcard? */
export function isEmbeddedRegion(cloud: Cloud, region: string): boolean {
  return EMBEDDED_REGIONS[cloud].includes(region);
}

/**
 * The suffixes (the text after `*.`) of the catalogue's wildcard hosts in `region` of `cloud` that catalogue.test.ts
 * proves pass the full check (checkHostPattern): every wildcard's when the region is one of the embedded snapshot's
 * (embedded-regions.ts), else only those without `{region}`. Made per build, for its region only (~28 suffixes):
 * those of every region at once (238 for Public) cost a cold embedded render ~3-5 M more instructions (callgrind).
 */
export function vettedWildcardSuffixes(cloud: Cloud, region: string): ReadonlySet<string> {
  const proved = isEmbeddedRegion(cloud, region);
  const suffixes = new Set<string>();
  for (const template of wildcardTemplates()) {
    const host = proved || !template.includes('{region}') ? hostOfTemplate(template, region, cloud) : null;
    if (host !== null) suffixes.add(host.slice('*.'.length));
  }
  return suffixes;
}

/**
 * The host a catalogue host template (`template`, a `host` or `url` peer's) gave in the build's region, as
 * parseCatalogueHost(host, vetted()) parses it. A wildcard template is one of those vettedWildcardSuffixes is made
 * from, so its host is in that set exactly when the region is proved (`regionProved`: isEmbeddedRegion) or the
 * template names no region: the set is then not made (~28 hosts per build, issue 22). Only for the catalogue's own
 * templates: another wildcard (`*.co.uk`) is in no set and must be looked up.
 */
export function parseTemplateHost(template: string, host: string, regionProved: boolean, vetted: () => ReadonlySet<string>): HostPattern {
  if (!host.startsWith('*.')) return parseHostPattern(host);
  const proved = template.startsWith('*.') && (regionProved || !template.includes('{region}'));
  return proved ? parseVettedHostPattern(host) : parseCatalogueHost(host, vetted());
}

/**
 * `host` as parseHostPattern parses it, but a wildcard over a suffix of `vetted` (vettedWildcardSuffixes, proved by
 * catalogue.test.ts) skips the Public Suffix List lookup. A scenario built against any snapshot, the embedded one or a
 * user's file, so reads the list (it loaded tldts then: ~85 M instructions of a cold `render --snapshot FILE`, issue 22)
 * only for a region no embedded snapshot has. The text is compared as written: a region spelt otherwise (upper case) is looked up.
 */
export function parseCatalogueHost(host: string, vetted: ReadonlySet<string>): HostPattern {
  return host.startsWith('*.') && vetted.has(host.slice('*.'.length)) ? parseVettedHostPattern(host) : parseHostPattern(host);
}

function subnetOr(addresses: AddressSet | undefined): Endpoint[] {
  return addresses ? [{ kind: 'addresses', addresses }] : [{ kind: 'service-tag', name: 'VirtualNetwork' }];
}

function peerEndpoints(peer: PeerTemplate, state: BuildState): Endpoint[] {
  if ('compute' in peer) return subnetOr(state.params.subnet);
  if ('privateEndpoints' in peer) return subnetOr(state.params.privateEndpointSubnet);
  if ('dnsServer' in peer) return state.params.dnsServer ? [{ kind: 'addresses', addresses: state.params.dnsServer }] : [];
  if ('addresses' in peer) return [{ kind: 'addresses', addresses: AddressSet.parse(peer.addresses) }];
  if ('tag' in peer) {
    if (peer.regional) {
      const name = regionalTag(state, peer.tag, peer.regional);
      if (name !== undefined && !name.toLowerCase().startsWith(`${peer.tag.toLowerCase()}.`)) {
        state.notes.push(`${peer.tag}.<region> is the articles' spelling; the published tag is ${name}`);
      }
      return name === undefined ? [] : [{ kind: 'service-tag', name }];
    }
    if (['virtualnetwork', 'internet', 'azureloadbalancer'].includes(peer.tag.toLowerCase())) return [{ kind: 'service-tag', name: peer.tag }];
    const resolution = state.snapshot.resolve(peer.tag);
    return [{ kind: 'service-tag', name: resolution.name }];
  }
  if ('storage' in peer) {
    const account = state.params.storageAccount;
    const host = account ? expandHost(`${account}.${peer.storage}.core.windows.net`, state) : null;
    return host ? [{ kind: 'host', pattern: parseHostPattern(host) }] : [];
  }
  // Only the host and url peers are left.
  const template = hostTemplateOf(peer)!;
  const host = expandHost(template, state);
  if (host === null) return [];
  const pattern = parseTemplateHost(template, host, state.regionProved, state.vettedSuffixes);
  if ('host' in peer) return [{ kind: 'host', pattern }];
  const path = `/${peer.url.split('/').slice(1).join('/').replace(/\*$/, '')}`;
  return [{ kind: 'url', pattern, path }];
}

function provenanceOf(entry: CatalogueEntry): Requirement['provenance'] {
  return entry.sources.map((source) => ({ article: ARTICLES[source.article], section: source.section }));
}

function buildEntry(entry: CatalogueEntry, state: BuildState): Requirement | undefined {
  const far = entry.peers.flatMap((peer) => peerEndpoints(peer, state));
  if (far.length === 0) return undefined;
  const near = (entry.local ?? [{ compute: true } as const]).flatMap((peer) => peerEndpoints(peer, state));
  if (near.length === 0) return undefined;
  return {
    id: entry.id,
    direction: entry.direction,
    protocols: ProtocolSet.parse(entry.protocols),
    ports: PortSet.parse(entry.ports),
    sources: entry.direction === 'out' ? near : far,
    destinations: entry.direction === 'out' ? far : near,
    purpose: entry.purpose,
    conditions: entry.conditions ?? [],
    provenance: provenanceOf(entry),
  };
}

/** Does the entry apply with these parameters (its cloud and its condition)? */
export function entryApplies(entry: CatalogueEntry, params: ScenarioParams): boolean {
  if (entry.clouds && !entry.clouds.includes(params.cloud)) return false;
  return entry.when ? entry.when(params) : true;
}

/** Builds a scenario with its notes. The snapshot defaults to the embedded one of the parameters' cloud. */
export function buildScenario(id: string, input: ScenarioInput = {}, snapshot?: Snapshot): BuiltScenario {
  const scenario = findScenario(id);
  const cloud = cloudOf(input);
  if (!scenario.clouds.includes(cloud)) {
    throw new TagwallError('TW_USAGE', `scenario ${scenario.id} applies to ${scenario.clouds.join(', ')}, not ${cloud}`);
  }
  const source = snapshot ?? defaultSnapshot(cloud);
  const { params, regions } = resolveParams(input, source, scenario);
  const state: BuildState = {
    snapshot: source,
    params,
    regions,
    notes: [],
    regionProved: isEmbeddedRegion(params.cloud, params.region),
    vettedSuffixes: lazy(() => vettedWildcardSuffixes(params.cloud, params.region)),
  };
  for (const key of Object.keys(input.options ?? {})) {
    const known = scenario.options.some((name) => name.toLowerCase() === key.toLowerCase()) || ['userManagedDependencies'].includes(key) && scenario.options.includes('microsoftContainerRegistry');
    if (!known) state.notes.push(`option ${key} has no effect on ${scenario.id} (its options: ${scenario.options.join(', ')})`);
  }
    const withoutPublicIp = scenario.id === 'compute-no-public-ip' || (['serverless', 'forced-tunnelling'].includes(scenario.id) && !params.options.publicIp);
  if (withoutPublicIp && !params.options.privateEndpoint) {
    state.notes.push('privateEndpoint=false: the training article makes the workspace private endpoint mandatory for compute without a public IP');
  }
  const requirements: Requirement[] = [];
  for (const entry of scenario.entries) {
    if (!entryApplies(entry, params)) continue;
    const requirement = buildEntry(entry, state);
    if (requirement) requirements.push(requirement);
  }
  const origin = `scenario:${scenario.id}`;
  return {
    scenario,
    params,
    snapshot: source,
    requirements: { name: `${scenario.id} (${params.region}, ${cloud})`, origin, requirements },
    notes: [...new Set(state.notes)],
  };
}

/** The requirement set of a scenario (see buildScenario for the notes as well). */
/** A scenario's requirements, by its id (typed: a misspelt id does not compile; buildScenario takes ids known at run time). */
export function loadScenario(id: ScenarioId, input: ScenarioInput = {}, snapshot?: Snapshot): RequirementSet {
  return buildScenario(id, input, snapshot).requirements;
}
