/**
 * From requirements to match sets: every endpoint becomes an address set, through an `AddressResolver` that
 * either expands service tags through a snapshot or keeps them symbolic (see `AnalysisMode`).
 */
import { TagwallError } from '../errors.js';
import { AddressSet } from '../model/address-set.js';
import { HostSet } from '../model/hostnames.js';
import { icmpTypeCodes, PacketSet } from '../model/packet-set.js';
import { PathSet } from '../model/path-set.js';
import { IntervalSet } from '../model/intervals.js';
import { literalUnionOf } from '../model/literal-lists.js';
import { parseAddress } from '../model/ip.js';
import { PORT_DOMAIN } from '../model/ports.js';
import type { Endpoint, Requirement, RequirementSet } from '../model/requirement.js';
import { assertAddressSources, assertMeaningfulRequirements } from '../model/requirement-check.js';
import type { AnalysisMode, RuleSet } from './rule-set.js';

/** Turns service-tag names (published or virtual: `VirtualNetwork`, `Internet`, `AzureLoadBalancer`) into addresses. */
export interface AddressResolver {
  readonly mode: AnalysisMode;
  /** Throws TW_UNKNOWN_TAG (with suggestions) for a name it does not know. */
  serviceTag(name: string): AddressSet;
}

/** Endpoints a packet's addresses decide (`any`, literal addresses, service tags), as opposed to host names and URLs. */
function isAddressEndpoint(endpoint: Endpoint): boolean {
  return endpoint.kind === 'any' || endpoint.kind === 'addresses' || endpoint.kind === 'service-tag';
}

/**
 * The addresses the address endpoints of a list cover (`any`, literal addresses, service tags). Host and URL
 * endpoints are names, not addresses: they are left out here and matched on the host dimension instead (see
 * `requirementPackets`), so `[10.0.0.0/8, pypi.org]` covers 10.0.0.0/8 here, not every address.
 */
export function endpointAddresses(endpoints: readonly Endpoint[], resolver: AddressResolver): AddressSet {
  if (endpoints.length === 1) {
    // The common case, without the array of parts.
    const [only] = endpoints;
    if (only!.kind === 'any') return AddressSet.ALL;
    if (only!.kind === 'addresses') return only!.addresses;
    if (only!.kind === 'service-tag') return resolver.serviceTag(only!.name);
    return AddressSet.EMPTY;
  }
  // A list the reader parsed as literal addresses only: its union, with no walk over the endpoints.
  const literal = literalUnionOf(endpoints);
  if (literal) return literal;
  const cached = endpoints.length > LONG_LIST ? longLists.get(resolver)?.get(endpoints) : undefined;
  if (cached) return cached;
  // Gathered and merged once (AddressSet.unionOf), not folded one endpoint at a time: a destination list of 100k
  // CIDRs folded left made 100k intermediate sets per call.
  const parts: AddressSet[] = [];
  let tags = false;
  for (const endpoint of endpoints) {
    switch (endpoint.kind) {
      case 'any':
        return AddressSet.ALL;
      case 'addresses':
        parts.push(endpoint.addresses);
        break;
      case 'service-tag':
        tags = true;
        parts.push(resolver.serviceTag(endpoint.name));
        break;
      case 'host':
      case 'url':
        break;
    }
  }
  // Without tags the list covers its literal addresses: the same union the Azure targets sort out of it, merged once.
  const set = tags ? AddressSet.unionOf(parts) : literalAddresses(endpoints, parts);
  if (endpoints.length > LONG_LIST) {
    let lists = longLists.get(resolver);
    if (!lists) longLists.set(resolver, (lists = new WeakMap()));
    lists.set(endpoints, set);
  }
  return set;
}

/**
 * Long endpoint lists resolved before, by resolver and list (requirements are immutable): a translation asks for a
 * requirement's packets several times (lowering, the gate, the yardstick of each diagnostic), and a list of 100k
 * CIDRs was merged anew each time.
 */
const LONG_LIST = 16;
const longLists = new WeakMap<AddressResolver, WeakMap<readonly Endpoint[], AddressSet>>();

/**
 * The union of a list's literal address endpoints (its tags, host names and `any` left out), kept for long lists
 * by list (requirements are immutable; no resolver is involved). The Azure targets sort a list into tags, literal
 * addresses and host names (targets/azure/common/endpoints.ts) besides resolving it here: a list of 100k CIDRs was
 * merged twice per translation, each merge reading 100k sets scattered over the heap. `parts`, when the caller
 * has gathered them, are the list's address sets in order.
 */
export function literalAddresses(endpoints: readonly Endpoint[], parts?: readonly AddressSet[]): AddressSet {
  // A list of one (a requirement's usual source): its addresses, as the union of its one part is, without the list of
  // parts (issue 22: the Azure targets sort every requirement's endpoints).
  if (endpoints.length === 1 && !parts) return endpoints[0]!.kind === 'addresses' ? endpoints[0]!.addresses : AddressSet.EMPTY;
  const gather = (): AddressSet => AddressSet.unionOf(parts ?? addressParts(endpoints));
  if (endpoints.length <= LONG_LIST) return gather();
  const literal = literalUnionOf(endpoints);
  if (literal) return literal;
  let set = literalLists.get(endpoints);
  if (!set) literalLists.set(endpoints, (set = gather()));
  return set;
}

const literalLists = new WeakMap<readonly Endpoint[], AddressSet>();

function addressParts(endpoints: readonly Endpoint[]): AddressSet[] {
  const parts: AddressSet[] = [];
  for (let index = 0; index < endpoints.length; index++) {
    const endpoint = endpoints[index]!;
    if (endpoint.kind === 'addresses') parts.push(endpoint.addresses);
  }
  return parts;
}

/** The host names the host and URL endpoints of a list name; any name (or none) when the list has none. */
export function endpointHosts(endpoints: readonly Endpoint[]): HostSet {
  const patterns = endpoints.flatMap((endpoint) => (endpoint.kind === 'host' || endpoint.kind === 'url' ? [endpoint.pattern] : []));
  return patterns.length === 0 ? HostSet.ANY : HostSet.fromPatterns(patterns);
}

/**
 * The URL paths a destination endpoint restricts to: a `url` endpoint with a path other than `/` matches that path
 * prefix only (and never a packet without a path); hosts and whole-site URLs match any path or none.
 */
function endpointPaths(endpoint: Endpoint): PathSet {
  return endpoint.kind === 'url' && endpoint.path !== '/' && endpoint.path !== '' ? PathSet.prefix(endpoint.path) : PathSet.ANY;
}

/**
 * The packets one requirement allows: exactly what it says. A destination list is the union of its parts: the
 * address endpoints as destination addresses (any name or none), the host and URL endpoints as names (any
 * address). A source is addresses only: a host-name source throws TW_HOST_SOURCE rather than mean "every
 * address". (Contradictory fields are refused by readers, `requirementsRuleSet` and the translators: see
 * src/model/requirement-check.ts.)
 */
export function requirementPackets(requirement: Requirement, resolver: AddressResolver): PacketSet {
  // Kept per requirement object and resolver (both immutable): a render asks for the same requirement's packets
  // from the lowering, the drafts, the deny-scope choice and the loss accounting.
  let known = PACKETS.get(resolver);
  if (!known) PACKETS.set(resolver, (known = new WeakMap()));
  let packets = known.get(requirement);
  if (!packets) known.set(requirement, (packets = computeRequirementPackets(requirement, resolver)));
  return packets;
}

const PACKETS = new WeakMap<AddressResolver, WeakMap<Requirement, PacketSet>>();

/** A requirement's one direction as the list a packet spec takes, shared rather than made per requirement. */
const DIRECTION_LISTS = { in: ['in'], out: ['out'] } as const satisfies Record<Requirement['direction'], readonly Requirement['direction'][]>;

function computeRequirementPackets(requirement: Requirement, resolver: AddressResolver): PacketSet {
  assertAddressSources(requirement);
  const icmp = requirement.icmp?.length
    ? requirement.icmp.reduce((set, match) => set.union(icmpTypeCodes(match.type, match.code)), IntervalSet.empty(PORT_DOMAIN))
    : undefined;
  // icmp undefined when the requirement has none, as PacketSet.of reads it.
  const spec = {
    directions: DIRECTION_LISTS[requirement.direction],
    protocols: requirement.protocols,
    dstPorts: requirement.ports,
    icmp,
    src: endpointAddresses(requirement.sources, resolver),
  };
  // A list of literal addresses only (model/literal-lists.ts) is all address endpoints, without a walk over it.
  // The common list of addresses alone (one CIDR, say) is not split into two new lists (issue 22: per requirement).
  const addressesOnly = literalUnionOf(requirement.destinations) !== undefined || requirement.destinations.every(isAddressEndpoint);
  const addressed = addressesOnly ? requirement.destinations : requirement.destinations.filter(isAddressEndpoint);
  const named = addressesOnly ? [] : requirement.destinations.filter((endpoint) => !isAddressEndpoint(endpoint));
  // The requirement's own list when it is all addresses, so endpointAddresses can find it again.
  const dst = addressed.length === 0 ? undefined : endpointAddresses(named.length === 0 ? requirement.destinations : addressed, resolver);
  // Written out, not `{ ...spec, dst }`: that copy took ~470 bytes a requirement, half of what this function
  // allocated for a requirement of addresses (issue 22, heapUsed over 10k requirements).
  const { directions, protocols, dstPorts, src } = spec;
  let packets = dst === undefined ? PacketSet.EMPTY : PacketSet.of({ directions, protocols, dstPorts, icmp, src, dst });
  if (named.length === 0) return packets;
  if (!named.some((endpoint) => endpointPaths(endpoint) !== PathSet.ANY)) {
    return packets.union(PacketSet.of({ ...spec, hosts: endpointHosts(named) }));
  }
  // Hosts and URLs with different paths: one box per endpoint, since host × path is no longer a product.
  for (const endpoint of named) packets = packets.union(PacketSet.of({ ...spec, hosts: endpointHosts([endpoint]), paths: endpointPaths(endpoint) }));
  return packets;
}

/** A requirement set as a rule set: one allow rule per requirement, default deny. */
export function requirementsRuleSet(requirements: RequirementSet, resolver: AddressResolver): RuleSet {
  assertMeaningfulRequirements(requirements);
  return {
    name: requirements.origin ?? requirements.name ?? 'requirements',
    mode: resolver.mode,
    defaultAction: 'deny',
    rules: requirements.requirements.map((requirement) => ({
      id: requirement.id,
      action: 'allow',
      match: requirementPackets(requirement, resolver),
      origin: { requirementId: requirement.id },
    })),
  };
}

/**
 * Addresses of the tags NSGs define and the published JSON does not. `VirtualNetwork` is really the VNet's own
 * address space (plus peerings and on-premises), which only the user knows: the default is every private block,
 * and `expandedResolver` takes the real space when given. `Internet` is every public address (NSG docs: the space
 * outside the VNet reachable on the public internet, Azure's own public ranges included).
 * `AzureLoadBalancer` is the health-probe source 168.63.129.16.
 */
export const DEFAULT_VIRTUAL_NETWORK = AddressSet.parse('10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7');
const AZURE_LOAD_BALANCER = AddressSet.parse('168.63.129.16/32');

export interface ExpandedResolverOptions {
  /** The VNet address space `VirtualNetwork` stands for; default DEFAULT_VIRTUAL_NETWORK. */
  readonly virtualNetwork?: AddressSet;
}

/** Something that expands published tag names, like a `Snapshot`. */
export interface TagExpander {
  addresses(name: string): AddressSet;
}

/** Expands tags through a snapshot (mode `expanded`), the virtual tags as described above. */
export function expandedResolver(snapshot: TagExpander, options: ExpandedResolverOptions = {}): AddressResolver {
  const virtualNetwork = options.virtualNetwork ?? DEFAULT_VIRTUAL_NETWORK;
  const virtual: Readonly<Record<string, AddressSet>> = {
    virtualnetwork: virtualNetwork,
    internet: AddressSet.ALL.difference(virtualNetwork).difference(NON_PUBLIC_FOR_INTERNET),
    azureloadbalancer: AZURE_LOAD_BALANCER,
  };
  return {
    mode: 'expanded',
    serviceTag: (name) => virtual[name.toLowerCase()] ?? snapshot.addresses(name),
  };
}

/** Blocks that are never "the Internet": private, shared, loopback, link-local, multicast, reserved. */
const NON_PUBLIC_FOR_INTERNET = AddressSet.parse(
  '0.0.0.0/8, 10.0.0.0/8, 100.64.0.0/10, 127.0.0.0/8, 169.254.0.0/16, 172.16.0.0/12, 192.168.0.0/16, 224.0.0.0/3, ' +
    '::/8, fc00::/7, fe80::/10, ff00::/8',
);

// ─── symbolic: tags as atoms ─────────────────────────────────────────────────────────────────────────────

/**
 * Where atoms live. 240.0.0.0/4 is reserved (RFC 1112 §4, "class E") and 100::/64 is the IPv6 discard-only
 * prefix (RFC 6666): neither is routed, so no real rule names an address inside them on purpose. A literal CIDR
 * that covers them (0.0.0.0/0, `Internet`) covers every atom, which is what "any address" should mean.
 */
export const SYMBOLIC_ATOM_SPACE = AddressSet.parse('240.0.0.0/4, 100::/64');
/** Layout: published base tag i gets 240.(i>>8).(i&255).0/16 (IPv4) and 100::i:0:0:0/80; its regional tag j ≥ 1 the /24 or /96 at j inside. */
const MAX_BASES = 4096;
const MAX_REGIONALS = 255;

/** What a symbolic resolver needs of a snapshot: its names, and a way to spell what a user wrote. */
export interface TagCatalogue {
  names(): readonly string[];
  /** The catalogue's spelling of a name; TW_UNKNOWN_TAG with suggestions for an unknown one. */
  resolve(name: string): { readonly name: string };
}

export interface SymbolicResolver extends AddressResolver {
  readonly mode: 'symbolic';
  /** The tag an atom address stands for (`Storage.WestUS`), or undefined for a literal address. */
  describe(address: string): string | undefined;
  /** A set of one family as text, atoms by tag name and the rest as CIDRs: `Storage.WestUS, 10.0.0.0/8`. */
  label(addresses: IntervalSet, family: 'ipv4' | 'ipv6'): string;
  /**
   * The same, every item (tag names, `Storage except Storage.WestUS`, CIDRs) uncapped, for structured output; with
   * `limit`, only enough of them to tell that there are more than `limit` (a longer list then stops early).
   */
  items(addresses: IntervalSet, family: 'ipv4' | 'ipv6', limit?: number): string[];
}

interface AtomLayout {
  readonly bases: readonly string[];
  /** Regional names per base index, in atom order (index 0 = regional j = 1). */
  readonly regionals: ReadonlyArray<readonly string[]>;
  readonly index: ReadonlyMap<string, readonly [base: number, regional: number]>;
}

/**
 * Bases are names without a dot, plus dotted names whose base is not itself a tag (`AzureFrontDoor.Frontend`).
 * Sorted case-insensitively so two resolvers built from the same snapshot agree on every atom.
 */
function atomLayout(catalogue: TagCatalogue): AtomLayout {
  const names = [...catalogue.names()].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase(), 'en'));
  const lower = new Set(names.map((name) => name.toLowerCase()));
  const baseOf = (name: string): string => {
    const dot = name.indexOf('.');
    return dot > 0 && lower.has(name.slice(0, dot).toLowerCase()) ? name.slice(0, dot) : name;
  };
  const bases = names.filter((name) => baseOf(name) === name);
  const baseIndex = new Map(bases.map((name, i) => [name.toLowerCase(), i]));
  const regionals: string[][] = bases.map(() => []);
  const index = new Map<string, readonly [number, number]>();
  bases.forEach((name, i) => index.set(name.toLowerCase(), [i, 0]));
  for (const name of names) {
    const base = baseOf(name);
    if (base === name) continue;
    const i = baseIndex.get(base.toLowerCase())!;
    regionals[i]!.push(name);
    index.set(name.toLowerCase(), [i, regionals[i]!.length]);
  }
  if (bases.length > MAX_BASES || regionals.some((list) => list.length > MAX_REGIONALS)) {
    throw new TagwallError('TW_SNAPSHOT_SHAPE', `the snapshot has more tags than symbolic analysis can lay out (${MAX_BASES} base tags, ${MAX_REGIONALS} regional tags each)`);
  }
  return { bases, regionals, index };
}

const atoms = new Map<string, AddressSet>();

/** The atom of base tag `base`, or of its regional tag `regional` when that is not 0 (as in `AtomLayout.index`). */
function atomAddresses(base: number, regional: number): AddressSet {
  const key = `${base}/${regional}`;
  let set = atoms.get(key);
  if (!set) atoms.set(key, (set = atomBlock(base, regional)));
  return set;
}

function atomBlock(base: number, regional: number): AddressSet {
  const v4 = `${240 + (base >> 8)}.${base & 255}`;
  const v6 = `100::${base.toString(16)}`;
  if (regional === 0) return AddressSet.parse(`${v4}.0.0/16, ${v6}:0:0:0/80`);
  return AddressSet.parse(`${v4}.${regional}.0/24, ${v6}:${regional.toString(16)}:0:0/96`);
}

export interface SymbolicResolverOptions {
  /** The VNet address space `VirtualNetwork` stands for; default DEFAULT_VIRTUAL_NETWORK. */
  readonly virtualNetwork?: AddressSet;
}

/**
 * Keeps tags symbolic (mode `symbolic`): every published tag is an atom, disjoint from every other tag and from
 * every literal address, except that a regional tag lies inside its base tag (`Storage.WestUS` ⊂ `Storage`), the
 * one containment Microsoft publishes by name. The real overlaps (`AzureCloud` ⊃ `Storage`, a literal
 * 20.150.0.0/16 inside `Storage`) are invisible here: docs/analysis.md says what that approximation means.
 * Names are checked and spelled through `catalogue` (a Snapshot), so unknown tags fail as in expanded mode.
 * Virtual tags: `VirtualNetwork` and `AzureLoadBalancer` are literal addresses as in `expandedResolver`;
 * `Internet` is the public address space plus every atom, because Azure's public ranges are on the Internet.
 */
export function symbolicResolver(catalogue: TagCatalogue, options: SymbolicResolverOptions = {}): SymbolicResolver {
  const layout = atomLayout(catalogue);
  const virtualNetwork = options.virtualNetwork ?? DEFAULT_VIRTUAL_NETWORK;
  const virtual: Readonly<Record<string, AddressSet>> = {
    virtualnetwork: virtualNetwork,
    internet: AddressSet.ALL.difference(virtualNetwork).difference(NON_PUBLIC_FOR_INTERNET).union(SYMBOLIC_ATOM_SPACE),
    azureloadbalancer: AZURE_LOAD_BALANCER,
  };
  const serviceTag = (name: string): AddressSet => {
    const known = virtual[name.toLowerCase()];
    if (known) return known;
    const [base, regional] = layout.index.get(catalogue.resolve(name).name.toLowerCase())!;
    return atomAddresses(base, regional);
  };
  const describe = (address: string): string | undefined => {
    const located = locateAtom(address);
    if (!located) return undefined;
    const base = layout.bases[located.base];
    if (base === undefined) return undefined;
    return located.regional === 0 ? base : layout.regionals[located.base]?.[located.regional - 1];
  };
  return {
    mode: 'symbolic',
    serviceTag,
    describe,
    label: (addresses, family) => labelAddresses(addresses, family, layout),
    items: (addresses, family, limit) => (addresses.isFull() ? ['any'] : labelItems(addresses, family, layout, limit)),
  };
}

function locateAtom(address: string): { base: number; regional: number } | undefined {
  const { family, words } = parseAddress(address);
  if (!SYMBOLIC_ATOM_SPACE.of(family).has(words)) return undefined;
  if (family === 'ipv4') {
    const value = words[0]!;
    return { base: ((value >>> 24) - 240) * 256 + ((value >>> 16) & 255), regional: (value >>> 8) & 255 };
  }
  return { base: words[2]! >>> 16, regional: words[2]! & 0xffff };
}

/**
 * Names the atoms a set covers whole, then the literal rest as CIDRs. A base tag prints as one name when all of it
 * is in, as `Storage except Storage.WestUS` when all but some regional tags are; an atom only partly covered (a
 * literal CIDR cutting into the reserved block) prints as CIDRs.
 */
function labelAddresses(addresses: IntervalSet, family: 'ipv4' | 'ipv6', layout: AtomLayout): string {
  if (addresses.isFull()) return 'any';
  const items = labelItems(addresses, family, layout);
  if (items.length === 0) return '(none)';
  return items.length <= 4 ? items.join(', ') : `${items.slice(0, 3).join(', ')}, …(${items.length} items)`;
}

function labelItems(addresses: IntervalSet, family: 'ipv4' | 'ipv6', layout: AtomLayout, limit = Number.POSITIVE_INFINITY): string[] {
  const names: string[] = [];
  let rest = addresses;
  if (addresses.overlaps(SYMBOLIC_ATOM_SPACE.of(family))) {
    // With a limit, the names stop once there are more of them: `check` asks whether "any except X" fits in a few
    // items, and the complement of a requirement's /28 holds every tag's atom, so listing them all per requirement
    // was quadratic (10k missing requirements: 5.5 s of a 14 s check; issue 22).
    for (let i = 0; i < layout.bases.length && names.length <= limit; i++) {
      const base = layout.bases[i]!;
      const whole = atomAddresses(i, 0).of(family);
      if (!whole.overlaps(rest)) continue;
      const regional = layout.regionals[i]!.map((name, j) => ({ name, block: atomAddresses(i, j + 1).of(family) }));
      const own = regional.reduce((set, { block }) => set.difference(block), whole);
      if (own.isSubsetOf(rest)) {
        const missing = regional.filter(({ block }) => !block.isSubsetOf(rest));
        names.push(missing.length === 0 ? base : `${base} except ${missing.map(({ name }) => name).join(', ')}`);
        rest = rest.difference(missing.reduce((set, { block }) => set.difference(block), whole));
        continue;
      }
      for (const { name, block } of regional) {
        if (block.isSubsetOf(rest)) {
          names.push(name);
          rest = rest.difference(block);
        }
      }
    }
    if (names.length > limit) return names;
  }
  const literal = AddressSet.fromFamily(family, rest);
  return [...names, ...literal.toCidrStrings()];
}
