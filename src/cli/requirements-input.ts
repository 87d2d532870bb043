/**
 * The requirement-set input every command shares: `--scenario S` with its parameters, or `--requirements FILE`.
 */
import type { BuiltScenario, RequirementReadOptions, ScenarioInput } from '../catalogue/index.js';
import { parseSetOptions, splitParameters } from '../catalogue/params.js';
import { CATALOGUE } from './catalogue-parts.js';
import { expandedResolver } from '../analysis/resolve.js';
import { TagwallError } from '../errors.js';
import type { AddressSet } from '../model/address-set.js';
import type { Requirement, RequirementSet } from '../model/requirement.js';
import { requirementFileLocations } from '../reports/locations.js';
import type { FindingLocation } from '../reports/model.js';
import type { Snapshot } from '../servicetags/snapshot.js';
import { usageError } from './io.js';

export interface RequirementInputOptions {
  readonly scenario?: string;
  /** Requirement files; several merge into one set (`--requirements a.yaml --requirements b.yaml`). */
  readonly requirements?: readonly string[];
  readonly region?: string;
  readonly secondaryRegion?: string;
  readonly storageAccount?: string;
  readonly subnet?: string;
  readonly privateEndpointSubnet?: string;
  readonly dnsServer?: string;
  readonly firewallAddress?: string;
  readonly cloud?: string;
  readonly set?: readonly string[];
  /** `--hosts FILE`: what host names in source positions stand for. */
  readonly hosts?: string;
}

// The flags themselves are declared in flags.ts (loaded at start-up, without the catalogue); re-exported here.
export { addHostsOption, addRequirementOptions, addScenarioParameterOptions } from './flags.js';

/**
 * How requirement files are read: with the `--hosts` table when given, and with the snapshot's tag addresses so a
 * v2 deny term can be carved out of an allow term that names a service tag (docs/requirements.md, "deny").
 */
export function requirementReadOptions(options: RequirementInputOptions, snapshot?: Snapshot): RequirementReadOptions {
  return { ...(options.hosts === undefined ? {} : { hosts: CATALOGUE.hostsFiles().loadHostsFile(options.hosts) }), ...(snapshot ? { expandTag: snapshotTagExpander(snapshot) } : {}) };
}

/** Tags whose addresses are the deployment's (the VNet's own space, what lies outside it): never written as prefixes. */
const DEPLOYMENT_TAGS = new Set(['virtualnetwork', 'internet']);

/**
 * A published tag's prefixes in `snapshot`, for carving a deny out of it. `VirtualNetwork` and `Internet` are
 * refused (undefined): on an NSG they mean the real VNet space, which tagwall's default (the private blocks) may
 * exceed, so writing them as prefixes could allow more than the tag would.
 */
export function snapshotTagExpander(snapshot: Snapshot): (name: string) => AddressSet | undefined {
  const resolver = expandedResolver(snapshot);
  return (name) => (DEPLOYMENT_TAGS.has(name.toLowerCase()) ? undefined : resolver.serviceTag(name));
}

/**
 * `--set` keys that describe the deployment to a target rather than to the catalogue (lower case -> the target
 * option's name): `forcedTunnelling` is the NSG's (render passes it on), and the catalogue would refuse it.
 */
const TARGET_SET_KEYS: ReadonlyMap<string, string> = new Map([['forcedtunnelling', 'forcedTunnelling']]);

/** The `--set` values that are target options (TARGET_SET_KEYS), under the option's own name. */
export function targetOptionsFromSet(set: readonly string[] | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(parseSetOptions(set ?? [])).flatMap(([key, value]) => {
      const option = TARGET_SET_KEYS.get(key.toLowerCase());
      return option === undefined ? [] : [[option, value]];
    }),
  );
}

/** The scenario parameters the options give (`--set` may carry parameters too). */
export function scenarioInputFromOptions(options: RequirementInputOptions): ScenarioInput {
  const { parameters, options: allOptions } = splitParameters(parseSetOptions(options.set ?? []));
  const scenarioOptions = Object.fromEntries(Object.entries(allOptions).filter(([key]) => !TARGET_SET_KEYS.has(key.toLowerCase())));
  const pick = (key: string, flag: string | undefined): Record<string, string> => {
    const value = flag ?? parameters[key];
    return value === undefined ? {} : { [key]: value };
  };
  return {
    ...pick('region', options.region),
    ...pick('secondaryRegion', options.secondaryRegion),
    ...pick('storageAccount', options.storageAccount),
    ...pick('subnet', options.subnet),
    ...pick('privateEndpointSubnet', options.privateEndpointSubnet),
    ...pick('dnsServer', options.dnsServer),
    ...pick('firewallAddress', options.firewallAddress),
    ...pick('cloud', options.cloud),
    options: scenarioOptions,
  };
}

/** The scenario built from the options, with its notes (for commands that print them). */
export function scenarioFromOptions(options: RequirementInputOptions, snapshot?: Snapshot): BuiltScenario {
  if (options.scenario === undefined) throw usageError('name a scenario with --scenario (see tagwall catalog list)');
  return CATALOGUE.scenarios().buildScenario(options.scenario, scenarioInputFromOptions(options), snapshot);
}

/**
 * Several requirement files as one set: their requirements in file order. An id two files both use is
 * TW_DUPLICATE_ID naming both files, since findings, reports and rule comments name requirements by id.
 */
export function mergeRequirementFiles(files: readonly string[], read: RequirementReadOptions = {}): RequirementSet {
  const sets = files.map((file) => CATALOGUE.requirementFiles().loadRequirementsFile(file, read));
  if (sets.length === 1) return sets[0]!;
  const owner = new Map<string, string>();
  const requirements: Requirement[] = [];
  sets.forEach((set, index) => {
    const file = files[index]!;
    for (const requirement of set.requirements) {
      const first = owner.get(requirement.id);
      if (first !== undefined) {
        throw new TagwallError('TW_DUPLICATE_ID', `requirement id '${requirement.id}' is in both ${first} and ${file}; ids must be unique across the files given`, { location: { file } });
      }
      owner.set(requirement.id, file);
      requirements.push(requirement);
    }
  });
  return { name: sets.map((set, index) => set.name ?? files[index]!).join(' + '), origin: files.join(' + '), requirements };
}

/** Where each requirement of the requirement files is written (for reports), across every file given. */
export function requirementLocationsOf(options: RequirementInputOptions): Map<string, FindingLocation> | undefined {
  if (options.requirements === undefined) return undefined;
  return new Map(options.requirements.flatMap((file) => [...requirementFileLocations(file)]));
}

/** Exactly one of --scenario / --requirements (which may be repeated). */
export function requirementsFromOptions(options: RequirementInputOptions, snapshot?: Snapshot): RequirementSet {
  if ((options.scenario === undefined) === (options.requirements === undefined)) {
    throw usageError('give exactly one of --scenario <id> or --requirements <file>');
  }
  if (options.requirements !== undefined) return mergeRequirementFiles(options.requirements, requirementReadOptions(options, snapshot));
  return scenarioFromOptions(options, snapshot).requirements;
}
