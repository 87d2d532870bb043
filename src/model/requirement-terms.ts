/**
 * Ordered allow/deny terms (requirements format v2) and what they mean as an allow-list.
 *
 * Meaning, in packet-set terms (first match, as capirca/aerleon terms and every firewall here evaluate):
 *   allowed(t1 … tn) = ⋃ { match(ti) − ⋃ { match(tj) : j < i, tj is deny } : ti is allow }
 * and a term's `except` boxes are subtracted from that term's own match first (capirca's `source-exclude` /
 * `destination-exclude`, generalised to every field). Everything no allow term reaches stays denied, as in v1.
 *
 * `lowerTerms` turns the terms into plain allow requirements with exactly that packet set, so every target, every
 * report and `check` see an ordinary v1 allow-list and nothing downstream needs to know about deny: no target can
 * honour a deny less than exactly. A subtraction that an allow-list cannot write exactly (a host name minus
 * addresses, a service tag minus addresses when no snapshot expands tags) is refused (TW_DENY_INEXPRESSIBLE),
 * never approximated: a wider rule would allow more than required, a narrower one would drop a requirement.
 */
import { TagwallError, type SourceLocation } from '../errors.js';
import { AddressSet } from './address-set.js';
import { formatHostPattern, HostSet } from './hostnames.js';
import { PortSet, ProtocolSet, TCP, UDP } from './ports.js';
import type { Endpoint, IcmpMatch, Requirement } from './requirement.js';

export type TermAction = 'allow' | 'deny';

/** The fields of a box: a requirement's match without its words. Unset fields of an `except` box mean any. */
export type TermMatch = Pick<Requirement, 'direction' | 'protocols' | 'ports' | 'icmp' | 'sources' | 'destinations'>;

export interface RequirementTerm {
  readonly action: TermAction;
  /** For an allow term, the requirement it becomes (id, purpose and provenance carry over to its pieces). */
  readonly requirement: Requirement;
  /** Packets the term does not match after all (each box intersected with the term). */
  readonly except?: readonly TermMatch[];
  /** Where the term is written, for errors. */
  readonly location?: SourceLocation;
}

export interface LoweringOptions {
  /**
   * Addresses of a service tag, when a snapshot is at hand: a tag a deny overlaps is then written as its prefixes
   * (exact for that snapshot). Without it, or where it returns undefined (a tag whose addresses only the
   * deployment knows, such as VirtualNetwork), such an overlap is TW_DENY_INEXPRESSIBLE.
   */
  readonly expandTag?: (name: string) => AddressSet | undefined;
}

const PORT_PROTOCOLS = ProtocolSet.of(TCP, UDP);

type Box = TermMatch;

/** Thrown inside the algebra; `lowerTerms` turns it into a located TW_DENY_INEXPRESSIBLE. */
class Inexpressible {
  constructor(readonly reason: string) {}
}

function endpointText(endpoint: Endpoint): string {
  switch (endpoint.kind) {
    case 'any':
      return 'any';
    case 'addresses':
      return endpoint.addresses.toString();
    case 'service-tag':
      return endpoint.name;
    case 'host':
      return formatHostPattern(endpoint.pattern);
    case 'url':
      return `${formatHostPattern(endpoint.pattern)}${endpoint.path}`;
  }
}

function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'addresses' && b.kind === 'addresses') return a.addresses.equals(b.addresses);
  if (a.kind === 'service-tag' && b.kind === 'service-tag') return a.name.toLowerCase() === b.name.toLowerCase();
  return endpointText(a) === endpointText(b);
}

const isNamed = (endpoint: Endpoint): boolean => endpoint.kind === 'host' || endpoint.kind === 'url';

/** A pair the symbolic algebra cannot decide: expand the tags when a snapshot allows, else refuse. */
function expandPair(a: Endpoint, d: Endpoint, options: LoweringOptions): [Endpoint, Endpoint] {
  const expand = (endpoint: Endpoint): Endpoint => {
    if (endpoint.kind !== 'service-tag') return endpoint;
    if (!options.expandTag) throw new Inexpressible(`${endpointText(a)} and ${endpointText(d)} are compared by their addresses, which only a service-tag snapshot knows (render and check expand them; from code, pass expandTag)`);
    const addresses = options.expandTag(endpoint.name);
    if (!addresses) throw new Inexpressible(`${endpoint.name} stands for addresses only the deployment knows (a virtual network's own space, or what lies outside it), so it cannot be written as prefixes; write the addresses it stands for`);
    return { kind: 'addresses', addresses };
  };
  return [expand(a), expand(d)];
}

function addresses(set: AddressSet): Endpoint[] {
  return set.isEmpty() ? [] : [{ kind: 'addresses', addresses: set }];
}

function hostSetOf(endpoint: Endpoint): HostSet {
  return endpoint.kind === 'host' || endpoint.kind === 'url' ? HostSet.fromPatterns([endpoint.pattern]) : HostSet.ANY;
}

/** `a ∩ d` for host/URL endpoints: decidable when the names nest or are apart (URL paths aside). */
function namedRelation(a: Endpoint, d: Endpoint): 'apart' | 'a-within-d' | 'd-within-a' | 'other' {
  const hostsA = hostSetOf(a);
  const hostsD = hostSetOf(d);
  if (!hostsA.overlaps(hostsD)) return 'apart';
  const pathA = a.kind === 'url' ? a.path : '/';
  const pathD = d.kind === 'url' ? d.path : '/';
  const wholeD = pathD === '/' || pathD === '';
  const wholeA = pathA === '/' || pathA === '';
  if (hostsA.isSubsetOf(hostsD) && (wholeD || pathA.startsWith(pathD))) return 'a-within-d';
  if (hostsD.isSubsetOf(hostsA) && (wholeA || pathD.startsWith(pathA))) return 'd-within-a';
  return 'other';
}

function intersectEndpoint(a: Endpoint, d: Endpoint, options: LoweringOptions): Endpoint[] {
  if (d.kind === 'any' || sameEndpoint(a, d)) return [a];
  if (a.kind === 'any') return [d];
  if (isNamed(a) && isNamed(d)) {
    const relation = namedRelation(a, d);
    if (relation === 'apart') return [];
    if (relation === 'a-within-d') return [a];
    if (relation === 'd-within-a') return [d];
    throw new Inexpressible(`${endpointText(a)} and ${endpointText(d)} overlap in part of their paths`);
  }
  if (isNamed(a) || isNamed(d)) {
    throw new Inexpressible(`the packets that ask for ${endpointText(isNamed(a) ? a : d)} at ${endpointText(isNamed(a) ? d : a)} are a host name and addresses together, which one allow endpoint cannot write`);
  }
  const [x, y] = expandPair(a, d, options);
  if (x.kind === 'addresses' && y.kind === 'addresses') return addresses(x.addresses.intersection(y.addresses));
  return intersectEndpoint(x, y, options);
}

function subtractEndpoint(a: Endpoint, d: Endpoint, options: LoweringOptions): Endpoint[] {
  if (d.kind === 'any' || sameEndpoint(a, d)) return [];
  if (isNamed(a) && isNamed(d)) {
    const relation = namedRelation(a, d);
    if (relation === 'apart') return [a];
    if (relation === 'a-within-d') return [];
    throw new Inexpressible(`${endpointText(a)} minus ${endpointText(d)} is not one host pattern`);
  }
  if (isNamed(a) || isNamed(d)) {
    throw new Inexpressible(`${endpointText(a)} minus ${endpointText(d)} mixes a host name with addresses, which an allow endpoint cannot write`);
  }
  if (a.kind === 'any' && d.kind === 'addresses') return addresses(d.addresses.complement());
  const [x, y] = expandPair(a.kind === 'any' ? { kind: 'addresses', addresses: AddressSet.ALL } : a, d, options);
  if (x.kind === 'addresses' && y.kind === 'addresses') return addresses(x.addresses.difference(y.addresses));
  return subtractEndpoint(x, y, options);
}

function intersectEndpoints(as: readonly Endpoint[], ds: readonly Endpoint[], options: LoweringOptions): Endpoint[] {
  return as.flatMap((a) => ds.flatMap((d) => intersectEndpoint(a, d, options)));
}

function subtractEndpoints(as: readonly Endpoint[], ds: readonly Endpoint[], options: LoweringOptions): Endpoint[] {
  return as.flatMap((a) => ds.reduce<Endpoint[]>((rest, d) => rest.flatMap((piece) => subtractEndpoint(piece, d, options)), [a]));
}

/** The ICMP part of a box: `undefined` is every type. Exact only when one side covers the other or they are apart. */
function icmpRelation(a: readonly IcmpMatch[] | undefined, d: readonly IcmpMatch[] | undefined): 'apart' | 'a-within-d' | 'other' {
  if (d === undefined || d.length === 0) return 'a-within-d';
  if (a === undefined || a.length === 0) return 'other';
  const covers = (outer: IcmpMatch, inner: IcmpMatch): boolean => outer.type === inner.type && (outer.code === undefined || outer.code === inner.code);
  const meets = (x: IcmpMatch, y: IcmpMatch): boolean => x.type === y.type && (x.code === undefined || y.code === undefined || x.code === y.code);
  if (a.every((match) => d.some((outer) => covers(outer, match)))) return 'a-within-d';
  if (!a.some((match) => d.some((other) => meets(match, other)))) return 'apart';
  return 'other';
}

function withFields(box: Box, fields: Partial<Box>): Box {
  const merged = { ...box, ...fields };
  if (merged.icmp === undefined) {
    const { icmp: _dropped, ...rest } = merged;
    return rest;
  }
  return merged;
}

function isEmptyBox(box: Box): boolean {
  return box.protocols.isEmpty() || box.ports.isEmpty() || box.sources.length === 0 || box.destinations.length === 0;
}

/**
 * `a − d` as boxes an allow-list can write: the part of `a` outside `d` in each field in turn (protocols, ports
 * or ICMP types, sources, destinations), with the earlier fields narrowed to `d`'s. The pieces are disjoint and
 * their union is exactly `a − d`.
 */
function subtractBox(a: Box, d: Box, options: LoweringOptions): Box[] {
  if (a.direction !== d.direction || !a.protocols.overlaps(d.protocols)) return [a];
  const pieces: Box[] = [];
  const outside = a.protocols.difference(d.protocols);
  if (!outside.isEmpty()) pieces.push(withFields(a, { protocols: outside }));
  const shared = a.protocols.intersection(d.protocols);
  const cores: Box[] = [];
  const portful = shared.intersection(PORT_PROTOCOLS);
  if (!portful.isEmpty()) {
    const core = a.ports.intersection(d.ports);
    const rest = a.ports.difference(d.ports);
    if (!rest.isEmpty()) pieces.push(withFields(a, { protocols: portful, ports: rest }));
    if (!core.isEmpty()) cores.push(withFields(a, { protocols: portful, ports: core }));
  }
  const portless = shared.difference(PORT_PROTOCOLS);
  if (!portless.isEmpty()) {
    // ICMP types live only on ICMP/ICMPv6; a box with ports has only TCP/UDP, so `portless` has every ICMP type here.
    const relation = icmpRelation(a.icmp, d.icmp);
    if (relation === 'apart') pieces.push(withFields(a, { protocols: portless }));
    else if (relation === 'a-within-d') cores.push(withFields(a, { protocols: portless, ports: PortSet.ANY }));
    else throw new Inexpressible('the ICMP types of one are not all inside or all outside the other');
  }
  let touched = false;
  for (const core of cores) {
    const sourcesInside = intersectEndpoints(core.sources, d.sources, options);
    if (sourcesInside.length === 0 || intersectEndpoints(core.destinations, d.destinations, options).length === 0) {
      pieces.push(core);
      continue;
    }
    touched = true;
    const sourcesOutside = subtractEndpoints(core.sources, d.sources, options);
    if (sourcesOutside.length > 0) pieces.push(withFields(core, { sources: sourcesOutside }));
    const destinationsOutside = subtractEndpoints(core.destinations, d.destinations, options);
    if (destinationsOutside.length > 0) pieces.push(withFields(core, { sources: sourcesInside, destinations: destinationsOutside }));
  }
  // Nothing of `a` is in `d`: `a` as written (not its split by protocol and port), so unrelated terms stay as they are.
  if (!touched) return [a];
  return pieces.filter((piece) => !isEmptyBox(piece));
}

export function matchOf(requirement: Requirement): TermMatch {
  return {
    direction: requirement.direction,
    protocols: requirement.protocols,
    ports: requirement.ports,
    ...(requirement.icmp ? { icmp: requirement.icmp } : {}),
    sources: requirement.sources,
    destinations: requirement.destinations,
  };
}

function pieceRequirement(requirement: Requirement, box: Box, id: string): Requirement {
  const { icmp: _icmp, ...rest } = requirement;
  return { ...rest, id, protocols: box.protocols, ports: box.ports, ...(box.icmp ? { icmp: box.icmp } : {}), sources: box.sources, destinations: box.destinations };
}

function inexpressible(term: RequirementTerm, against: RequirementTerm, problem: Inexpressible): TagwallError {
  const what = against === term ? 'its except' : `deny '${against.requirement.id}'`;
  return new TagwallError(
    'TW_DENY_INEXPRESSIBLE',
    `${term.requirement.id}: ${what} cannot be carved out of it exactly as an allow-list: ${problem.reason}; narrow the allow or the deny so they are apart, or name the same endpoint in both`,
    term.location ? { location: term.location } : {},
  );
}

function subtractAll(boxes: readonly Box[], cut: Box, term: RequirementTerm, against: RequirementTerm, options: LoweringOptions): Box[] {
  try {
    return boxes.flatMap((box) => subtractBox(box, cut, options));
  } catch (error) {
    if (error instanceof Inexpressible) throw inexpressible(term, against, error);
    throw error;
  }
}

/**
 * The allow requirements whose packets are exactly what the ordered terms allow (first match). An allow term that
 * no earlier deny (and no except) touches is returned as it is; one that is cut comes back as disjoint pieces,
 * `id` for one piece, `id-1`, `id-2`, … for several, none when nothing of it is left.
 */
export function lowerTerms(terms: readonly RequirementTerm[], options: LoweringOptions = {}): Requirement[] {
  const denied: Array<{ box: Box; term: RequirementTerm }> = [];
  const allowed: Requirement[] = [];
  for (const term of terms) {
    const original = matchOf(term.requirement);
    let boxes: Box[] = [original];
    for (const cut of term.except ?? []) boxes = subtractAll(boxes, withFields(cut, { direction: term.requirement.direction }), term, term, options);
    if (term.action === 'deny') {
      denied.push(...boxes.map((box) => ({ box, term })));
      continue;
    }
    for (const { box, term: deny } of denied) boxes = subtractAll(boxes, box, term, deny, options);
    if (boxes.length === 1 && boxes[0] === original) allowed.push(term.requirement);
    else if (boxes.length === 1) allowed.push(pieceRequirement(term.requirement, boxes[0]!, term.requirement.id));
    else boxes.forEach((box, index) => allowed.push(pieceRequirement(term.requirement, box, `${term.requirement.id}-${index + 1}`)));
  }
  return allowed;
}
