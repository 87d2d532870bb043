/**
 * Requirements → NSG security rules. One requirement becomes the product of its source fields, destination fields
 * and protocols, because a rule names one tag per side, one address family, and one protocol (targets.md §2.1);
 * whatever an NSG cannot say (host names, ICMP types, other protocols) is left out and reported with the loss.
 */
import { allowedPackets } from '../../analysis/rule-set.js';
import { requirementPackets } from '../../analysis/resolve.js';
import { TagwallError } from '../../errors.js';
import { AddressSet } from '../../model/address-set.js';
import type { Family } from '../../model/ip.js';
import type { Direction } from '../../model/packet.js';
import { ProtocolSet } from '../../model/ports.js';
import type { Requirement, RequirementSet } from '../../model/requirement.js';
import { formatHostPattern } from '../../model/hostnames.js';
import { sortEndpoints, chunk, type SortedEndpoints } from '../azure-common/endpoints.js';
import { sanitizeDescription } from '../azure-common/escape.js';
import { NameScope } from '../azure-common/names.js';
import { azurePortStrings } from '../azure-common/ports.js';
import { finishDiagnostics, formatOption, withArmSource, type DraftDiagnostic } from '../azure-common/support.js';
import { stringOption } from '../options.js';
import type { Artifact, TranslateContext, Translation } from '../target.js';
import { NSG_LIMITS } from './capabilities.js';
import type { NsgModel, NsgProtocol, NsgRule } from './model.js';
import { parseNsgJson } from './parse.js';
import { renderNsgArm, renderNsgBicep, renderNsgTerraform } from './render.js';

export const NSG_TARGET_ID = 'nsg';

interface Field {
  readonly prefixes: readonly string[];
  readonly family?: Family;
}
type RuleDraft = Omit<NsgRule, 'name' | 'priority'> & { readonly requirement: Requirement };

/**
 * The `resolve` option: `name=addr,addr;name2=addr`. The user vouches for these addresses; NSG rules to them
 * allow every host name on those addresses, which is why each use is a warning.
 */
export function parseResolveTable(text: string | undefined): ReadonlyMap<string, AddressSet> {
  const table = new Map<string, AddressSet>();
  if (!text) return table;
  for (const entry of text.split(/[;\n]+/).map((item) => item.trim()).filter(Boolean)) {
    const equals = entry.indexOf('=');
    if (equals <= 0) throw new TagwallError('TW_INVALID_OPTION', `resolve: '${entry}' is not name=address[,address...]`);
    try {
      table.set(entry.slice(0, equals).trim().toLowerCase(), AddressSet.parse(entry.slice(equals + 1)));
    } catch (error) {
      throw error instanceof TagwallError ? new TagwallError('TW_INVALID_OPTION', `resolve: ${error.message}`) : error;
    }
  }
  return table;
}

function fieldsOf(sorted: SortedEndpoints): Field[] {
  if (sorted.any) return [{ prefixes: ['*'] }];
  const fields: Field[] = sorted.tags.map((tag) => ({ prefixes: [tag] }));
  for (const family of ['ipv4', 'ipv6'] as const) {
    for (const prefixes of chunk(sorted.addresses.toCidrStrings(family), NSG_LIMITS.prefixesPerSide)) fields.push({ prefixes, family });
  }
  return fields;
}

const NAMED_PROTOCOLS: ReadonlyArray<readonly [number, NsgProtocol]> = [
  [6, 'Tcp'],
  [17, 'Udp'],
  [1, 'Icmp'],
  [50, 'Esp'],
  [51, 'Ah'],
];

/** The NSG protocols for a requirement, and the protocols it cannot name. */
function protocolsOf(requirement: Requirement): { protocols: NsgProtocol[]; missing: ProtocolSet } {
  if (requirement.icmp?.length) return { protocols: [], missing: requirement.protocols };
  if (!requirement.ports.isAny()) {
    // A port list confines a requirement to TCP and UDP (packet-set.ts), so nothing else is required.
    return { protocols: NAMED_PROTOCOLS.filter(([number]) => number <= 17 && number !== 1 && requirement.protocols.has(number)).map(([, name]) => name), missing: ProtocolSet.EMPTY };
  }
  if (requirement.protocols.isAny()) return { protocols: ['*'], missing: ProtocolSet.EMPTY };
  const named = NAMED_PROTOCOLS.filter(([number]) => requirement.protocols.has(number));
  return { protocols: named.map(([, name]) => name), missing: requirement.protocols.difference(ProtocolSet.of(...named.map(([number]) => number))) };
}

function draftRules(requirement: Requirement, context: TranslateContext, resolveTable: ReadonlyMap<string, AddressSet>, drafts: DraftDiagnostic[]): RuleDraft[] {
  const sources = sortEndpoints(requirement.sources, context.snapshot);
  let destinations = sortEndpoints(requirement.destinations, context.snapshot);
  const lostHosts = [...sources.hosts];
  if (destinations.hosts.length > 0) {
    let resolved = destinations.addresses;
    const unresolved = destinations.hosts.filter((endpoint) => {
      if (endpoint.kind !== 'host' || endpoint.pattern.kind !== 'exact') return true;
      const addresses = resolveTable.get(endpoint.pattern.name);
      if (!addresses) return true;
      resolved = resolved.union(addresses);
      return false;
    });
    if (unresolved.length < destinations.hosts.length) {
      drafts.push({
        code: 'NSG_FQDN_RESOLVED',
        severity: 'warning',
        requirement,
        message: `${requirement.id}: host names replaced by the addresses of the resolve table; the rule allows every name on those addresses and goes stale when DNS changes`,
      });
    }
    lostHosts.push(...unresolved);
    destinations = { ...destinations, addresses: resolved, hosts: unresolved };
  }
  if (lostHosts.length > 0) {
    const names = lostHosts.map((endpoint) => (endpoint.kind === 'host' || endpoint.kind === 'url' ? formatHostPattern(endpoint.pattern) : endpoint.kind));
    drafts.push({
      code: 'NSG_FQDN_INEXPRESSIBLE',
      severity: 'error',
      requirement,
      message: `${requirement.id}: NSG rules cannot match host names (${names.join(', ')}); use Azure Firewall application rules, or the resolve option at your own risk`,
      candidate: requirementPackets(requirement, context.resolver),
    });
  }
  const { protocols, missing } = protocolsOf(requirement);
  if (requirement.icmp?.length) {
    drafts.push({
      code: 'NSG_ICMP_TYPE_INEXPRESSIBLE',
      severity: 'error',
      requirement,
      message: `${requirement.id}: NSG rules cannot match ICMP types; allowing all of ICMP would allow more than required`,
      candidate: requirementPackets(requirement, context.resolver),
    });
  } else if (!missing.isEmpty()) {
    drafts.push({
      code: 'NSG_PROTOCOL_INEXPRESSIBLE',
      severity: 'error',
      requirement,
      message: `${requirement.id}: NSG rules name only Tcp, Udp, Icmp, Esp, Ah or *; protocols ${missing.toString()} are left out`,
      candidate: requirementPackets({ ...requirement, protocols: missing }, context.resolver),
    });
  }
  const description = sanitizeDescription(`${requirement.id}: ${requirement.purpose}`);
  const rules: RuleDraft[] = [];
  for (const protocol of protocols) {
    const ports = protocol === 'Tcp' || protocol === 'Udp' || protocol === '*' ? azurePortStrings(requirement.ports) : ['*'];
    for (const source of fieldsOf(sources)) {
      for (const destination of fieldsOf(destinations)) {
        if (source.family && destination.family && source.family !== destination.family) continue;
        rules.push({
          requirement,
          description,
          direction: requirement.direction === 'in' ? 'Inbound' : 'Outbound',
          access: 'Allow',
          protocol,
          sourcePrefixes: source.prefixes,
          destinationPrefixes: destination.prefixes,
          sourcePorts: ['*'],
          destinationPorts: ports,
        });
      }
    }
  }
  return rules;
}

/** Priorities 100, 110, 120, …: gaps of 10 leave room for hand-written rules; narrower only when rules would not fit. */
function priorityStep(count: number): number {
  const room = NSG_LIMITS.lastPriority - 1 - NSG_LIMITS.firstPriority;
  return [10, 5, 2, 1].find((step) => step * Math.max(0, count - 1) <= room) ?? 1;
}

const DENY_ALL: ReadonlyArray<{ direction: Direction; name: string }> = [
  { direction: 'in', name: 'tw-deny-all-inbound' },
  { direction: 'out', name: 'tw-deny-all-outbound' },
];

export function buildNsgModel(requirements: RequirementSet, context: TranslateContext): { model: NsgModel; drafts: DraftDiagnostic[] } {
  const drafts: DraftDiagnostic[] = [];
  const resolveTable = parseResolveTable(stringOption(context.options, 'resolve'));
  const names = new NameScope();
  for (const { name } of DENY_ALL) names.claim(name);
  const allDrafts = requirements.requirements.map((requirement) => ({ requirement, rules: draftRules(requirement, context, resolveTable, drafts) }));
  // The two deny-all rules count towards the limit; rules past it are dropped whole, requirement order decides.
  let budget = NSG_LIMITS.rules - DENY_ALL.length;
  const rules: NsgRule[] = [];
  for (const direction of ['in', 'out'] as const) {
    const kept: RuleDraft[] = [];
    for (const { requirement, rules: drafted } of allDrafts) {
      if (requirement.direction !== direction) continue;
      const fits = drafted.slice(0, Math.max(0, budget));
      budget -= fits.length;
      if (fits.length < drafted.length) {
        drafts.push({
          code: 'NSG_RULE_LIMIT',
          severity: 'error',
          requirement,
          message: `${requirement.id}: ${drafted.length - fits.length} of its ${drafted.length} rules exceed the limit of ${NSG_LIMITS.rules} rules per NSG and were left out`,
          candidate: requirementPackets(requirement, context.resolver),
        });
      }
      kept.push(...fits);
    }
    const step = priorityStep(kept.length);
    kept.forEach((draft, index) => {
      const { requirement, ...rule } = draft;
      const siblings = kept.filter((other) => other.requirement === requirement);
      const base = `tw-${requirement.id}`;
      rules.push({ ...rule, name: names.claim(siblings.length > 1 ? `${base}-${siblings.indexOf(draft) + 1}` : base), priority: NSG_LIMITS.firstPriority + step * index });
    });
    const deny = DENY_ALL.find((entry) => entry.direction === direction)!;
    rules.push({
      name: deny.name,
      description: 'tagwall: deny what the requirements do not allow (the default rules would allow VNet, load balancer and Internet traffic)',
      priority: NSG_LIMITS.lastPriority,
      direction: direction === 'in' ? 'Inbound' : 'Outbound',
      access: 'Deny',
      protocol: '*',
      sourcePrefixes: ['*'],
      destinationPrefixes: ['*'],
      sourcePorts: ['*'],
      destinationPorts: ['*'],
    });
  }
  const { cloud, changeNumber } = context.snapshot.info;
  return { model: { rules, snapshot: { cloud, changeNumber }, requirementsName: sanitizeDescription(requirements.origin ?? requirements.name ?? 'requirements', 100) }, drafts };
}

export function translateNsg(requirements: RequirementSet, context: TranslateContext): Translation {
  const format = formatOption(context.options, NSG_TARGET_ID);
  const { model, drafts } = buildNsgModel(requirements, context);
  const arm = renderNsgArm(model);
  const produced = allowedPackets(parseNsgJson(arm, 'nsg.json', context.resolver));
  const artifact: Artifact =
    format === 'arm'
      ? { name: 'nsg.json', format, content: arm }
      : format === 'bicep'
        ? withArmSource({ name: 'nsg.bicep', format, content: renderNsgBicep(model) }, arm)
        : withArmSource({ name: 'nsg.tf', format, content: renderNsgTerraform(model) }, arm);
  return { artifacts: [artifact], diagnostics: finishDiagnostics(NSG_TARGET_ID, drafts, produced, context.resolver) };
}
