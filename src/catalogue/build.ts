/**
 * From a scenario and parameters to a RequirementSet: regions resolved, regional tags looked up in the cloud's
 * snapshot (doc spellings mapped and noted), host names adapted to the cloud, conditional entries applied.
 */
import { TagwallError, isTagwallError } from '../errors.js';
import { parseHostPattern } from '../model/hostnames.js';
import { PortSet, ProtocolSet } from '../model/ports.js';
import type { Endpoint, Requirement, RequirementSet } from '../model/requirement.js';
import type { Cloud } from '../servicetags/cloud.js';
import { regionalTagName } from '../servicetags/regions.js';
import { defaultSnapshot, type Snapshot } from '../servicetags/snapshot.js';
import { nearest } from '../servicetags/suggest.js';
import { ARTICLES } from './articles.js';
import type { CatalogueEntry, PeerTemplate } from './entries.js';
import { cloudOf, parseOptions, parseSubnet, type ScenarioInput, type ScenarioParams } from './params.js';
import { SCENARIOS, type Scenario, type ScenarioId } from './scenarios.js';

export interface BuiltScenario {
  readonly scenario: Scenario;
  readonly params: ScenarioParams;
  readonly requirements: RequirementSet;
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
 * Public host names the articles give, and their counterparts in the sovereign clouds (Azure's published
 * endpoint suffixes). Names without an entry are the same in every cloud (third-party package hosts).
 */
const CLOUD_SUFFIXES: ReadonlyArray<readonly [publicSuffix: string, government: string, china: string]> = [
  ['core.windows.net', 'core.usgovcloudapi.net', 'core.chinacloudapi.cn'],
  ['batch.azure.com', 'batch.usgovcloudapi.net', 'batch.chinacloudapi.cn'],
  ['azureml.ms', 'azureml.us', 'azureml.cn'],
  ['login.microsoftonline.com', 'login.microsoftonline.us', 'login.chinacloudapi.cn'],
  ['management.azure.com', 'management.usgovcloudapi.net', 'management.chinacloudapi.cn'],
  ['ml.azure.com', 'ml.azure.us', 'studio.ml.azure.cn'],
  ['graph.windows.net', 'graph.windows.net', 'graph.chinacloudapi.cn'],
];

export function hostForCloud(host: string, cloud: Cloud): string {
  if (cloud === 'Public') return host;
  for (const [publicSuffix, government, china] of CLOUD_SUFFIXES) {
    if (host === publicSuffix || host.endsWith(`.${publicSuffix}`)) {
      return host.slice(0, host.length - publicSuffix.length) + (cloud === 'AzureGovernment' ? government : china);
    }
  }
  return host;
}

function resolveParams(input: ScenarioInput, snapshot: Snapshot, needsRegion: boolean, scenarioId: string): ScenarioParams {
  const cloud = cloudOf(input);
  if (snapshot.info.cloud !== cloud) {
    throw new TagwallError('TW_USAGE', `the snapshot is for ${snapshot.info.cloud}, but the scenario asks for cloud ${cloud}`);
  }
  if (input.region === undefined && needsRegion) {
    throw new TagwallError('TW_USAGE', `scenario ${scenarioId} needs a region (--region, e.g. westus)`);
  }
  const region = input.region === undefined ? undefined : snapshot.resolveRegion(input.region);
  const secondary =
    input.secondaryRegion !== undefined ? snapshot.resolveRegion(input.secondaryRegion).armName : (region?.pairedRegion ?? null);
  if (input.storageAccount !== undefined && !/^[a-z0-9]{3,24}$/.test(input.storageAccount)) {
    throw new TagwallError('TW_INVALID_OPTION', `storageAccount '${input.storageAccount}' is not a storage account name (3-24 lower-case letters and digits)`);
  }
  return {
    region: region?.armName ?? '',
    secondaryRegion: secondary,
    ...(input.storageAccount !== undefined ? { storageAccount: input.storageAccount } : {}),
    cloud,
    ...(input.subnet !== undefined ? { subnet: parseSubnet(input.subnet)! } : {}),
    options: parseOptions(input.options),
  };
}

interface BuildState {
  readonly snapshot: Snapshot;
  readonly params: ScenarioParams;
  readonly notes: string[];
}

function regionalTag(state: BuildState, service: string, which: 'primary' | 'secondary'): string | undefined {
  const { snapshot, params, notes } = state;
  const region = which === 'primary' ? params.region : params.secondaryRegion;
  if (!region) {
    notes.push(`${service}: ${params.region} has no paired region, so no secondary-region tag`);
    return undefined;
  }
  try {
    return regionalTagName(snapshot, service, region);
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

function expandHost(template: string, state: BuildState): string {
  return hostForCloud(template.replaceAll('{region}', state.params.region), state.params.cloud);
}

function peerEndpoints(peer: PeerTemplate, state: BuildState): Endpoint[] {
  if ('compute' in peer) {
    return state.params.subnet ? [{ kind: 'addresses', addresses: state.params.subnet }] : [{ kind: 'service-tag', name: 'VirtualNetwork' }];
  }
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
    return account ? [{ kind: 'host', pattern: parseHostPattern(expandHost(`${account}.${peer.storage}.core.windows.net`, state)) }] : [];
  }
  if ('url' in peer) {
    const [host, ...rest] = expandHost(peer.url, state).split('/');
    const path = `/${rest.join('/').replace(/\*$/, '')}`;
    return [{ kind: 'url', pattern: parseHostPattern(host!), path }];
  }
  return [{ kind: 'host', pattern: parseHostPattern(expandHost(peer.host, state)) }];
}

function provenanceOf(entry: CatalogueEntry): Requirement['provenance'] {
  return entry.sources.map((source) => ({ article: ARTICLES[source.article], section: source.section }));
}

function buildEntry(entry: CatalogueEntry, state: BuildState): Requirement | undefined {
  const far = entry.peers.flatMap((peer) => peerEndpoints(peer, state));
  if (far.length === 0) return undefined;
  const near = (entry.local ?? [{ compute: true } as const]).flatMap((peer) => peerEndpoints(peer, state));
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

/** Builds a scenario with its notes. The snapshot defaults to the embedded one of the parameters' cloud. */
export function buildScenario(id: string, input: ScenarioInput = {}, snapshot?: Snapshot): BuiltScenario {
  const scenario = findScenario(id);
  const cloud = cloudOf(input);
  if (!scenario.clouds.includes(cloud)) {
    throw new TagwallError('TW_USAGE', `scenario ${scenario.id} applies to ${scenario.clouds.join(', ')}, not ${cloud}`);
  }
  const source = snapshot ?? defaultSnapshot(cloud);
  const params = resolveParams(input, source, true, scenario.id);
  const state: BuildState = { snapshot: source, params, notes: [] };
  const requirements: Requirement[] = [];
  for (const entry of scenario.entries) {
    if (entry.clouds && !entry.clouds.includes(cloud)) continue;
    if (entry.when && !entry.when(params)) continue;
    const requirement = buildEntry(entry, state);
    if (requirement) requirements.push(requirement);
  }
  const origin = `scenario:${scenario.id}`;
  return {
    scenario,
    params,
    requirements: { name: `${scenario.id} (${params.region}, ${cloud})`, origin, requirements },
    notes: [...new Set(state.notes)],
  };
}

/** The requirement set of a scenario (see buildScenario for the notes as well). */
/** A scenario's requirements, by its id (typed: a misspelt id does not compile; buildScenario takes ids known at run time). */
export function loadScenario(id: ScenarioId, input: ScenarioInput = {}, snapshot?: Snapshot): RequirementSet {
  return buildScenario(id, input, snapshot).requirements;
}
