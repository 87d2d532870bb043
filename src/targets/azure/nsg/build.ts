/**
 * Requirements → NSG security rules. One requirement becomes the product of its source fields, destination fields
 * and protocols, because a rule names one tag per side, one address family, and one protocol (targets.md §2.1);
 * whatever an NSG cannot say (host names, ICMP types, other protocols) is left out and reported with the loss.
 */
import { createHash } from 'node:crypto';
import { allowedPackets } from '../../../analysis/rule-set.js';
import { requirementPackets } from '../../../analysis/resolve.js';
import { TagwallError } from '../../../errors.js';
import { AddressSet } from '../../../model/address-set.js';
import type { PacketSet } from '../../../model/packet-set.js';
import type { Family } from '../../../model/ip.js';
import type { Direction } from '../../../model/packet.js';
import { ProtocolSet } from '../../../model/ports.js';
import type { Requirement, RequirementSet } from '../../../model/requirement.js';
import { formatHostPattern } from '../../../model/hostnames.js';
import { sortEndpoints, chunk, type SortedEndpoints } from '../common/endpoints.js';
import { sanitizeDescription } from '../common/escape.js';
import { assertValidTemplate } from '../common/validate.js';
import { NameScope } from '../common/names.js';
import { azurePortStrings } from '../common/ports.js';
import { azureArtifact, modelOrigin, type AzureFormat } from '../common/support.js';
import type { DraftDiagnostic } from '../../diagnostics.js';
import { stringOption } from '../../options.js';
import type { Rendered, TranslateContext } from '../../target.js';
import { NSG_LIMITS } from './capabilities.js';
import type { NsgModel, NsgProtocol, NsgRule } from './model.js';
import { parseNsgJson } from './parse.js';
import { renderNsgArm, renderNsgBicep, renderNsgTerraform } from './render.js';

export const NSG_TARGET_ID = 'nsg' as const;

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
  const sourceFields = fieldsOf(sources);
  const destinationFields = fieldsOf(destinations);
  for (const protocol of protocols) {
    const ports = protocol === 'Tcp' || protocol === 'Udp' || protocol === '*' ? azurePortStrings(requirement.ports) : ['*'];
    for (const source of sourceFields) {
      for (const destination of destinationFields) {
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

/** Tier one: the multiples of 10 from 100 to 4090, so nine free numbers sit around every generated rule. */
const ROUND_PRIORITIES: readonly number[] = Array.from({ length: 400 }, (_, index) => NSG_LIMITS.firstPriority + 10 * index);
/** Tier two, only past 400 rules in one direction: every other number below the final deny at 4096. */
const OTHER_PRIORITIES: readonly number[] = Array.from({ length: NSG_LIMITS.lastPriority - NSG_LIMITS.firstPriority }, (_, index) => NSG_LIMITS.firstPriority + index).filter(
  (priority) => priority % 10 !== 0,
);

function preferredSlot(key: string, slots: number): number {
  return Number.parseInt(createHash('sha256').update(key).digest('hex').slice(0, 12), 16) % slots;
}

/**
 * Priorities for the rules of one direction, by rule name (targets.md §2.1: 100–4096, unique per direction).
 * Every generated rule but the final deny allows, so their order does not change what the NSG allows, and a rule's
 * priority can come from a hash of its name instead of its position: the same on every run, and unmoved when a
 * requirement is added or removed elsewhere (a catalogue option, a line in a requirements file). That keeps
 * deployment diffs to the rules that changed, and spares Terraform from renumbering separate
 * `azurerm_network_security_rule` resources, which Azure refuses while two of them share a priority. A taken slot
 * passes the rule on to the next free one (linear probing in slot order), so only rules in the same run of taken
 * slots can move when one is added.
 */
export function assignPriorities(names: readonly string[]): number[] {
  const priorities = new Array<number>(names.length);
  let pending = names.map((name, index) => ({ name, index }));
  for (const tier of [ROUND_PRIORITIES, OTHER_PRIORITIES]) {
    const placed = pending.slice(0, tier.length);
    pending = pending.slice(tier.length);
    const taken = new Array<boolean>(tier.length).fill(false);
    const ordered = placed
      .map((entry) => ({ ...entry, slot: preferredSlot(entry.name, tier.length) }))
      .sort((a, b) => a.slot - b.slot || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of ordered) {
      let slot = entry.slot;
      while (taken[slot]) slot = (slot + 1) % tier.length;
      taken[slot] = true;
      priorities[entry.index] = tier[slot]!;
    }
  }
  if (pending.length > 0) throw new Error(`${names.length} rules do not fit the NSG priority range`);
  return priorities;
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
    const named = kept.map((draft) => {
      const { requirement, ...rule } = draft;
      const siblings = kept.filter((other) => other.requirement === requirement);
      const base = `tw-${requirement.id}`;
      return { ...rule, name: names.claim(siblings.length > 1 ? `${base}-${siblings.indexOf(draft) + 1}` : base) };
    });
    const priorities = assignPriorities(named.map((rule) => rule.name));
    // Listed by priority, the order Azure applies them and the portal shows them.
    named
      .map((rule, index) => ({ ...rule, priority: priorities[index]! }))
      .sort((a, b) => a.priority - b.priority)
      .forEach((rule) => rules.push(rule));
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
  // §2.4: the current limits page counts 4,000 addresses and ranges per side "in a security group" (the older one
  // said per rule, which the 4,000-prefix split above keeps). Splitting cannot help with the per-NSG reading, so it
  // is reported, not enforced: the rules are right, and Azure says at deployment which reading holds.
  for (const side of ['source', 'destination'] as const) {
    const count = rules.reduce((sum, rule) => sum + (side === 'source' ? rule.sourcePrefixes : rule.destinationPrefixes).filter((prefix) => /[.:]/.test(prefix) && /^[0-9a-f:./]+$/i.test(prefix)).length, 0);
    if (count > NSG_LIMITS.prefixesPerSide) {
      drafts.push({
        code: 'NSG_PREFIX_LIMIT',
        severity: 'warning',
        message: `the NSG names ${count} ${side} addresses and ranges; Azure allows ${NSG_LIMITS.prefixesPerSide} per side in a security group (§2.4): use service tags, fewer prefixes, or several NSGs`,
      });
    }
  }
  return { model: { rules, ...modelOrigin(requirements, context) }, drafts };
}

/** The model in one format; the ARM form is checked against Azure's template rules first, whichever is asked for. */
export function renderNsg(model: NsgModel, format: AzureFormat): Rendered {
  const arm = renderNsgArm(model);
  assertValidTemplate(arm, NSG_TARGET_ID);
  return { artifacts: [azureArtifact(format, 'nsg', arm, { bicep: () => renderNsgBicep(model), terraform: () => renderNsgTerraform(model) })] };
}

/** What the model allows, read back from its ARM form by the parser users' NSGs go through (one semantics, not two). */
export function nsgAllowed(model: NsgModel, context: TranslateContext): PacketSet {
  return allowedPackets(parseNsgJson(renderNsgArm(model), 'nsg.json', context.resolver));
}
