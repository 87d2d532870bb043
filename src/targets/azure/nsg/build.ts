/**
 * Requirements → NSG security rules. One requirement becomes the product of its source fields, destination fields
 * and protocols, because a rule names one tag per side, one address family, and one protocol (targets.md §2.1);
 * whatever an NSG cannot say (host names, ICMP types, other protocols) is left out and reported with the loss.
 */
import { allowedPackets, evaluate, statefulRules, type Rule, type RuleSet } from '../../../analysis/rule-set.js';
import { requirementPackets, type AddressResolver } from '../../../analysis/resolve.js';
import { TagwallError } from '../../../errors.js';
import { lazy } from '../../../internal/lazy.js';
import { sha256Hex } from '../../../internal/sha256.js';
import { AddressSet } from '../../../model/address-set.js';
import { compactBoxes, PacketSet, type Box } from '../../../model/packet-set.js';
import { formatPacket, type Packet } from '../../../model/packet.js';
import { formatAddress, type Family } from '../../../model/ip.js';
import type { Direction } from '../../../model/packet.js';
import { ProtocolSet } from '../../../model/ports.js';
import type { Requirement, RequirementSet } from '../../../model/requirement.js';
import { formatHostPattern } from '../../../model/hostnames.js';
import { sortEndpoints, chunk, type SortedEndpoints } from '../common/endpoints.js';
import { sanitizeDescription } from '../common/escape.js';
import { placementDrafts, placeTags } from '../common/tag-features.js';
import { assertValidTemplate } from '../common/validate.js';
import { NameScope } from '../common/names.js';
import { azurePortStrings } from '../common/ports.js';
import { azureArtifact, modelOrigin, type AzureFormat } from '../common/support.js';
import type { DraftDiagnostic } from '../../diagnostics.js';
import { stringOption } from '../../options.js';
import type { Rendered, TranslateContext } from '../../target.js';
import { NSG_LIMITS } from './capabilities.js';
import { DEFAULT_SECURITY_RULES, type NsgModel, type NsgProtocol, type NsgRule } from './model.js';
import { nsgRuleOrder, parseNsgJson, securityRuleMatch } from './parse.js';
import { renderNsgArm, renderNsgBicep, renderNsgTerraform } from './render.js';
import { NSG_TARGET_ID, readNsgOptions, type DenyScope, type NsgOptions } from './options.js';


/** Tags written as prefixes (info) or, with option globalTags, as a broader tag (warning). */
const TAG_CODES = { expanded: 'NSG_TAG_EXPANDED', widened: 'NSG_TAG_WIDENED' } as const;
export { NSG_TARGET_ID } from './options.js';

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

/** A side's tags where NSG rules take them (networkFeatures lists NSG), the others as their prefixes. */
function placeSide(requirement: Requirement, side: 'source' | 'destination', sorted: SortedEndpoints, context: TranslateContext, options: NsgOptions, drafts: DraftDiagnostic[]): SortedEndpoints {
  const placed = placeTags(sorted.tags, sorted.addresses, 'NSG', context.snapshot, { globalTags: options.globalTags, expand: (tag) => context.snapshot.addresses(tag) });
  drafts.push(...placementDrafts(TAG_CODES, requirement, side, placed, 'NSG', context.resolver));
  return { ...sorted, tags: placed.tags, addresses: placed.addresses };
}

function draftRules(requirement: Requirement, context: TranslateContext, options: NsgOptions, resolveTable: ReadonlyMap<string, AddressSet>, drafts: DraftDiagnostic[]): RuleDraft[] {
  const sources = placeSide(requirement, 'source', sortEndpoints(requirement.sources, context.snapshot), context, options, drafts);
  let destinations = placeSide(requirement, 'destination', sortEndpoints(requirement.destinations, context.snapshot), context, options, drafts);
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
  // Forced tunnelling: the firewall behind the 0.0.0.0/0 route filters these names, so the NSG lets them out
  // towards Internet on their protocols and ports (it sees the destination address the workload used).
  const tunnelled = options.forcedTunnelling && requirement.direction === 'out' && sources.hosts.length === 0 && destinations.hosts.length > 0 && !destinations.any;
  if (tunnelled) {
    const names = destinations.hosts.map((endpoint) => (endpoint.kind === 'host' || endpoint.kind === 'url' ? formatHostPattern(endpoint.pattern) : endpoint.kind));
    drafts.push({
      code: 'NSG_FORCED_TUNNEL',
      severity: 'warning',
      requirement,
      message: `${requirement.id}: host names (${names.join(', ')}) allowed towards Internet on their ports for the firewall the 0.0.0.0/0 route leads to (option forcedTunnelling); the NSG alone allows any Internet address there, so the firewall must allow only these names (render the azure-firewall target)`,
      candidate: requirementPackets(requirement, context.resolver),
    });
    lostHosts.splice(0, lostHosts.length);
    destinations = { ...destinations, tags: [...destinations.tags, 'Internet'], hosts: [] };
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

/**
 * Tier two, only past 400 rules in one direction: every other number below the final deny at 4096. Made when first
 * needed: built at load (two callbacks for each of 3,996 numbers, interpreted) it was ~2 ms of every cold
 * `render --target nsg`, whose rules fit tier one (cpu-prof, issue 22).
 */
const otherPriorities = lazy((): readonly number[] => {
  const list: number[] = [];
  for (let priority = NSG_LIMITS.firstPriority; priority < NSG_LIMITS.lastPriority; priority++) if (priority % 10 !== 0) list.push(priority);
  return list;
});

function preferredSlot(key: string, slots: number): number {
  return Number.parseInt(sha256Hex(key).slice(0, 12), 16) % slots;
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
  for (const tierOf of [(): readonly number[] => ROUND_PRIORITIES, otherPriorities]) {
    // A tier with no rule left to place changes nothing: tier two is not even made for 400 rules or fewer.
    if (pending.length === 0) break;
    const tier = tierOf();
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

/** The final rule of each direction, by scope (options.ts): its name, and the side that names Internet. */
const FINAL_RULES: ReadonlyArray<{ direction: Direction; scope: DenyScope; name: string }> = [
  { direction: 'in', scope: 'deny-all', name: 'tw-deny-all-inbound' },
  { direction: 'out', scope: 'deny-all', name: 'tw-deny-all-outbound' },
  { direction: 'in', scope: 'deny-internet', name: 'tw-deny-internet-inbound' },
  { direction: 'out', scope: 'deny-internet', name: 'tw-deny-internet-outbound' },
];

function finalRule(direction: Direction, scope: DenyScope): NsgRule {
  const name = FINAL_RULES.find((entry) => entry.direction === direction && entry.scope === scope)!.name;
  const internet = scope === 'deny-internet';
  return {
    name,
    description: internet
      ? 'tagwall: deny Internet traffic the requirements do not allow; the default rules still allow VNet traffic and load balancer probes'
      : 'tagwall: deny what the requirements do not allow (the default rules would allow VNet, load balancer and Internet traffic)',
    priority: NSG_LIMITS.lastPriority,
    direction: direction === 'in' ? 'Inbound' : 'Outbound',
    access: 'Deny',
    protocol: '*',
    sourcePrefixes: [internet && direction === 'in' ? 'Internet' : '*'],
    destinationPrefixes: [internet && direction === 'out' ? 'Internet' : '*'],
    sourcePorts: ['*'],
    destinationPorts: ['*'],
  };
}

export function buildNsgModel(requirements: RequirementSet, context: TranslateContext): { model: NsgModel; drafts: DraftDiagnostic[] } {
  const drafts: DraftDiagnostic[] = [];
  const given = readNsgOptions(context.options);
  // Opt-in only, even for the catalogue's forced-tunnelling scenario: the widened NSG allows more than required on its
  // own (the firewall behind the route narrows it), and tagwall never writes a wider rule unless the user asks.
  const options: NsgOptions = { ...given, forcedTunnelling: given.forcedTunnelling ?? false };
  const resolveTable = parseResolveTable(stringOption(context.options, 'resolve'));
  const names = new NameScope();
  for (const { name } of FINAL_RULES) names.claim(name);
  const allDrafts = requirements.requirements.map((requirement) => ({ requirement, rules: draftRules(requirement, context, options, resolveTable, drafts) }));
  // The two final deny rules count towards the limit; rules past it are dropped whole, requirement order decides.
  let budget = NSG_LIMITS.rules - 2;
  const allows: NsgRule[] = [];
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
      .forEach((rule) => allows.push(rule));
  }
  const scopes = chooseDenyScopes(allows, requirements, context, options, drafts);
  const rules: NsgRule[] = [];
  for (const direction of ['in', 'out'] as const) {
    const nsgDirection = direction === 'in' ? 'Inbound' : 'Outbound';
    rules.push(...allows.filter((rule) => rule.direction === nsgDirection), finalRule(direction, scopes[direction]));
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

/**
 * The final rule's scope per direction: the option's, or the exact one — `deny-internet` when every packet it lets
 * through beyond `deny-all` (the default rules' VNet and load-balancer traffic) is required, `deny-all` otherwise.
 * A chosen `deny-internet` that allows more is a warning with a witness of the extra packets.
 *
 * The two NSGs differ only after the allow rules, so what `deny-internet` allows beyond `deny-all` is what the
 * final rule and the default rules (the tail) allow with it and not with `deny-all`, less every packet an earlier
 * rule matches (the stateful rules and the allows): for a rule list P then T, first match,
 * allowed = allowed(P) ∪ (allowed(T alone) − ∪ matches of P). Exact, without rendering, parsing and walking the
 * whole NSG twice (two thirds of a cold `render --target nsg`).
 */
function chooseDenyScopes(allows: readonly NsgRule[], requirements: RequirementSet, context: TranslateContext, options: NsgOptions, drafts: DraftDiagnostic[]): Record<Direction, DenyScope> {
  // `deny-all` asked for: nothing to decide and nothing to warn about.
  if (options.denyScope === 'deny-all') return { in: 'deny-all', out: 'deny-all' };
  // Left to choose, and a packet in each direction shows `deny-internet` would allow more: `deny-all`, decided without
  // the surplus (cutting it by every requirement and allow rule was ~4 ms of a cold `render --target nsg`, issue 22).
  if (options.denyScope === undefined && provedWider(allows, requirements, context)) return { in: 'deny-all', out: 'deny-all' };
  const { surplus, tail, cuts } = denyScopeSurplus(allows, requirements, context);
  const scopes = {} as Record<Direction, DenyScope>;
  for (const direction of ['in', 'out'] as const) {
    const inDirection = PacketSet.of({ directions: [direction] });
    const beyond = surplus.intersection(inDirection);
    scopes[direction] = options.denyScope ?? (beyond.isEmpty() ? 'deny-internet' : 'deny-all');
    if (scopes[direction] === 'deny-internet' && !beyond.isEmpty()) {
      // The example packet the one-by-one subtraction's pieces give (the first of least score), as before: found by
      // a walk down those pieces that the fused result guides, not by making them all (issue 22).
      const witness = tail.witnessWithoutBoxes(cuts.flat(), surplus, inDirection);
      drafts.push({
        code: 'NSG_DENY_SCOPE_WIDER',
        severity: 'warning',
        message: `denyScope deny-internet: the default rules then allow ${direction === 'in' ? 'inbound' : 'outbound'} VNet traffic the requirements do not name${witness ? `, e.g. ${formatPacket(witness)}` : ''}; deny-all would be exact`,
      });
    }
  }
  return scopes;
}

/**
 * Does `deny-internet` let through, in each direction, a packet beyond `deny-all` that no requirement asks for? Asked
 * of one packet per direction, VNet to VNet (the default rules allow it, `deny-all` denies it) of protocol 253 (RFC
 * 3692, experimentation: no requirement usually allows it), the way `denyScopeSurplus` defines the surplus: in the
 * tail (first match over the final and default rules, allowed with `deny-internet` and not with `deny-all`), and in
 * no stateful rule's match, no requirement's packets and no allow rule's match. True proves both surpluses non-empty;
 * false proves nothing (the surplus itself then decides). Exported for tests.
 */
export function provedWider(allows: readonly NsgRule[], requirements: RequirementSet, context: TranslateContext): boolean {
  const vnet = context.resolver.serviceTag('VirtualNetwork').of('ipv4');
  if (vnet.isEmpty()) return false;
  const address = formatAddress('ipv4', vnet.lo(0));
  const wider = tailRuleSet('deny-internet', context.resolver);
  const narrower = tailRuleSet('deny-all', context.resolver);
  return (['in', 'out'] as const).every((direction) => {
    const packet: Packet = { direction, protocol: PROBE_PROTOCOL, src: address, dst: address };
    if (evaluate(wider, packet).action !== 'allow' || evaluate(narrower, packet).action === 'allow') return false;
    if (statefulRules().some((rule) => rule.match.has(packet))) return false;
    // A requirement's packets hold only its protocols: most are ruled out without resolving their packets.
    const required = requirements.requirements.some((requirement) => requirement.protocols.overlaps(PROBE_PROTOCOLS) && requirementPackets(requirement, context.resolver).has(packet));
    return !required && !allows.some((rule) => generatedRuleMatch(rule, context.resolver).has(packet));
  });
}

/** Protocol 253, "use for experimentation and testing" (RFC 3692): what `provedWider` asks about. */
const PROBE_PROTOCOL = 253;
const PROBE_PROTOCOLS = ProtocolSet.of(PROBE_PROTOCOL);

/**
 * The final rules of `scope` and Azure's default rules, first match, as the rule set that decides what no earlier
 * rule matched: `provedWider` evaluates a packet against it, `denyScopeSurplus` takes what it allows. The stateful
 * rules belong to the earlier rules (`states: 'explicit'`).
 */
function tailRuleSet(scope: DenyScope, resolver: AddressResolver): RuleSet {
  return {
    name: '',
    mode: resolver.mode,
    defaultAction: 'deny',
    states: 'explicit',
    rules: [finalRule('in', scope), finalRule('out', scope), ...DEFAULT_SECURITY_RULES].map((rule) => analysisRule(rule, resolver)),
  };
}

/**
 * What `deny-internet` lets through beyond `deny-all` that no requirement asks for (`surplus`), as `tail` (the
 * difference the final and default rules make) minus each of `cuts` in turn: the stateful rules' boxes, the
 * requirements', the allow rules'. Exported for tests, which compare the warning's example packet with the one the
 * unfused subtraction gives.
 */
export function denyScopeSurplus(allows: readonly NsgRule[], requirements: RequirementSet, context: TranslateContext): { surplus: PacketSet; tail: PacketSet; cuts: Box[][] } {
  // The packets each rule matches, as the NSG parser reads them (securityRuleMatch: one semantics, not two).
  const matchOf = (rule: NsgRule): PacketSet => generatedRuleMatch(rule, context.resolver);
  const tail = allowedPackets(tailRuleSet('deny-internet', context.resolver)).difference(allowedPackets(tailRuleSet('deny-all', context.resolver)));
  // Less replies and packets that open no connection (the stateful rules): what is left opens connections, where
  // the requirements allow exactly the union of their packets (requirementsRuleSet: the same stateful rules, then
  // allows), so "not required" is "outside every requirement" and no walk of the requirements is needed.
  // The requirements' boxes and the allow rules' are fused first (compactBoxes, exact for overlapping boxes):
  // subtracting them one by one cut every piece of the difference by each of 10k requirements, quadratic (~250 ms
  // of a 10k-requirement render of ~640; issue 22). The pieces then differ, not the packets.
  const cuts: Box[][] = [];
  let surplus = tail;
  const cut = (boxesOf: () => Box[], fuse: boolean): void => {
    if (surplus.isEmpty()) return;
    const boxes = boxesOf();
    cuts.push(boxes);
    // Only the boxes that meet what is left can cut it: the tail is VNet and load-balancer traffic, which few
    // requirements touch, so fusing just those skips compactBoxes' IPv6 unions over every requirement (issue 22).
    const meeting = surplus.overlappingBoxes(boxes);
    surplus = surplus.withoutBoxes(fuse ? compactBoxes(meeting) : meeting);
  };
  cut(() => statefulRules().flatMap((rule) => rule.match.boxes), false);
  cut(() => requirements.requirements.flatMap((requirement) => requirementPackets(requirement, context.resolver).boxes), true);
  cut(() => allows.flatMap((rule) => matchOf(rule).boxes), true);
  return { surplus, tail, cuts };
}

/** The model in one format; the ARM form is checked against Azure's template rules first, whichever is asked for. */
export function renderNsg(model: NsgModel, format: AzureFormat): Rendered {
  const arm = renderNsgArm(model);
  assertValidTemplate(arm, NSG_TARGET_ID);
  return { artifacts: [azureArtifact(format, 'nsg', arm, { bicep: () => renderNsgBicep(model), terraform: () => renderNsgTerraform(model) })] };
}

/**
 * What the model allows: its rules and Azure's default rules in the order the parser puts an NSG's (by direction,
 * then priority), each matching what `securityRuleMatch` (the parser's semantics, one, not two) gives. The ARM form
 * holds these very rules (`nsgAllowedParsedBack`, which the tests compare), so rendering it again, parsing it back
 * and matching every rule a second time (the deny-scope choice matched them already) is not needed: ~4% of the
 * instructions of a cold `render --target nsg` (issue 22).
 */
export function nsgAllowed(model: NsgModel, context: TranslateContext): PacketSet {
  const ordered = [...model.rules, ...DEFAULT_SECURITY_RULES].sort(nsgRuleOrder);
  return allowedPackets({
    name: 'nsg:nsg.json',
    rules: ordered.map((rule) => analysisRule(rule, context.resolver)),
    defaultAction: 'deny',
    mode: context.resolver.mode,
  });
}

/** What the model allows, read back from its ARM form by the parser users' NSGs go through: `nsgAllowed`'s reference. */
export function nsgAllowedParsedBack(model: NsgModel, context: TranslateContext): PacketSet {
  return allowedPackets(parseNsgJson(renderNsgArm(model), 'nsg.json', context.resolver));
}

/** A generated rule as the analysis reads it: its name, its access as an action, its match. */
function analysisRule(rule: NsgRule, resolver: AddressResolver): Rule {
  return { id: rule.name, action: rule.access === 'Allow' ? 'allow' : 'deny', match: generatedRuleMatch(rule, resolver) };
}

/** Each generated rule's match, made once per resolver: the deny-scope choice and `nsgAllowed` both need them. */
const GENERATED_MATCHES = new WeakMap<AddressResolver, WeakMap<NsgRule, PacketSet>>();
const GENERATED_AT = { value: {}, path: '(generated)', file: 'nsg.json' };

function generatedRuleMatch(rule: NsgRule, resolver: AddressResolver): PacketSet {
  let matches = GENERATED_MATCHES.get(resolver);
  if (!matches) GENERATED_MATCHES.set(resolver, (matches = new WeakMap()));
  let match = matches.get(rule);
  if (!match) matches.set(rule, (match = securityRuleMatch(rule, GENERATED_AT, resolver)));
  return match;
}
