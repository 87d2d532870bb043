/**
 * What a requirement must satisfy to mean exactly what it says (issue 19, item 0). Two kinds of requirement used
 * to be read as something else without a word:
 * - a host name as a source: a packet carries one name, the one its client asked for (SNI / Host / DNS), which
 *   is about the destination; nothing in a packet names its source. Read as "any address", it rendered SSH from
 *   the whole Internet. It is an error unless the caller resolved the name to addresses first (the requirement
 *   reader does, with a hosts table the user supplies).
 * - fields that cannot match together (ports with ICMP types, ports with ICMP or GRE, ICMP types with TCP): their
 *   intersection is empty, so the requirement meant "no packets" and vanished from every rendering.
 */
import { TagwallError } from '../errors.js';
import type { Family } from './ip.js';
import { portClassOf } from './packet.js';
import { protocolName, type ProtocolSet } from './ports.js';
import type { Endpoint, Requirement } from './requirement.js';

/** The requirement fields a problem is about, in the file's singular spelling. */
export type RequirementField = 'protocol' | 'ports' | 'icmp' | 'source' | 'destination';

export interface RequirementProblem {
  readonly code: 'TW_HOST_SOURCE' | 'TW_CONTRADICTORY_REQUIREMENT';
  /** The fields at fault, the one to point at first. */
  readonly fields: readonly [RequirementField, ...RequirementField[]];
  /** For a host-name source: its index in `sources`. */
  readonly index?: number;
  readonly message: string;
}

/** Whether any protocol of the set passes `keep`, read from its bounds (no list of ranges or names). */
function anyProtocol(protocols: ProtocolSet, keep: (protocol: number) => boolean): boolean {
  const bounds = protocols.intervals.bounds;
  for (let at = 0; at < bounds.length; at += 2) {
    for (let protocol = bounds[at]!; protocol <= bounds[at + 1]!; protocol++) if (keep(protocol)) return true;
  }
  return false;
}

function namedProtocols(protocols: ProtocolSet, keep: (protocol: number) => boolean): string[] {
  const names: string[] = [];
  for (const [first, last] of protocols.ranges()) {
    for (let protocol = first; protocol <= last; protocol++) if (keep(protocol)) names.push(protocolName(protocol));
  }
  return names;
}

const IPV4_BIT = 1;
const IPV6_BIT = 2;

/**
 * The families an endpoint list can hold, as bits (IPV4_BIT | IPV6_BIT); both unless every endpoint is a literal
 * address set. Bits, not a Set: every requirement of every render is checked, and the sets were its garbage.
 */
function familyBitsOf(endpoints: readonly Endpoint[]): number {
  // An empty list (library callers only: readers make it `any`) matches nothing on its own; not a family question.
  if (endpoints.length === 0) return IPV4_BIT | IPV6_BIT;
  let bits = 0;
  for (const endpoint of endpoints) {
    bits |= endpointFamilyBits(endpoint);
    if (bits === (IPV4_BIT | IPV6_BIT)) return bits;
  }
  return bits;
}

function endpointFamilyBits(endpoint: Endpoint): number {
  if (endpoint.kind !== 'addresses') return IPV4_BIT | IPV6_BIT;
  return (endpoint.addresses.of('ipv4').isEmpty() ? 0 : IPV4_BIT) | (endpoint.addresses.of('ipv6').isEmpty() ? 0 : IPV6_BIT);
}

/**
 * Whether some endpoint of the list shares a family with `bits` (as `familyBitsOf(endpoints) & bits` is not 0),
 * stopping at the first that does: a destination list of 100k CIDRs was read to its end for every render, and
 * from memory, since 100k endpoints' sets do not stay in the CPU's caches (the udr render of such a requirement
 * was little else).
 */
function sharesFamily(endpoints: readonly Endpoint[], bits: number): boolean {
  if (endpoints.length === 0) return (bits & (IPV4_BIT | IPV6_BIT)) !== 0;
  for (const endpoint of endpoints) if ((endpointFamilyBits(endpoint) & bits) !== 0) return true;
  return false;
}

/** The families an endpoint list can hold, in the order its endpoints show them (for the message). */
function familiesOf(endpoints: readonly Endpoint[]): Family[] {
  if (endpoints.length === 0 || endpoints.some((endpoint) => endpoint.kind !== 'addresses')) return ['ipv4', 'ipv6'];
  const families = new Set<Family>();
  for (const endpoint of endpoints) {
    if (endpoint.kind !== 'addresses') continue;
    if (!endpoint.addresses.of('ipv4').isEmpty()) families.add('ipv4');
    if (!endpoint.addresses.of('ipv6').isEmpty()) families.add('ipv6');
  }
  return [...families];
}

const familyText = (families: readonly Family[]): string => families.map((family) => (family === 'ipv4' ? 'IPv4' : 'IPv6')).join(' and ') || 'no';

/**
 * The first reason `requirement` does not mean exactly what it says, or undefined when it does. Checked in order:
 * host-name sources, ports with ICMP types, ports with protocols that have none, ICMP types with protocols that
 * are not ICMP, literal sources and destinations of different address families.
 */
export function requirementProblem(requirement: Requirement): RequirementProblem | undefined {
  return hostSourceProblem(requirement) ?? fieldProblem(requirement);
}

/** A host-name or URL source (the soundness half: read as addresses, it would mean every address). */
export function hostSourceProblem(requirement: Requirement): RequirementProblem | undefined {
  const id = requirement.id;
  const hostSource = requirement.sources.findIndex((endpoint) => endpoint.kind === 'host' || endpoint.kind === 'url');
  if (hostSource >= 0) {
    const endpoint = requirement.sources[hostSource]!;
    const written = endpoint.kind === 'host' || endpoint.kind === 'url' ? endpoint.pattern : undefined;
    const name = written?.kind === 'exact' ? written.name : written ? `*.${written.suffix}` : '';
    const resolvable = endpoint.kind === 'host' && written?.kind === 'exact';
    return {
      code: 'TW_HOST_SOURCE',
      fields: ['source'],
      index: hostSource,
      message:
        `${id}: source '${name}' is a host name, but a packet names only its destination (the name its client asked for), never its source; ` +
        (resolvable
          ? 'write the addresses it stands for, or give them in a hosts file (--hosts FILE, "192.0.2.10 jumpbox.contoso.com")'
          : `write the addresses it stands for (a ${endpoint.kind === 'url' ? 'URL' : 'wildcard'} cannot be resolved to addresses)`),
    };
  }
  return undefined;
}

/** Fields that cannot match one packet together. */
function fieldProblem(requirement: Requirement): RequirementProblem | undefined {
  const id = requirement.id;
  const protocols = requirement.protocols;
  const named = !protocols.isAny();
  const hasPorts = !requirement.ports.isAny();
  const hasIcmp = (requirement.icmp?.length ?? 0) > 0;
  if (hasPorts && hasIcmp) {
    return {
      code: 'TW_CONTRADICTORY_REQUIREMENT',
      fields: ['icmp', 'ports'],
      message: `${id}: ports ${requirement.ports} and icmp types cannot both match one packet (ports exist for TCP and UDP only, ICMP types for ICMP and ICMPv6 only); split it into two requirements`,
    };
  }
  if (hasPorts && named && anyProtocol(protocols, (protocol) => portClassOf(protocol) !== 'ports')) {
    const portless = namedProtocols(protocols, (protocol) => portClassOf(protocol) !== 'ports');
    return {
      code: 'TW_CONTRADICTORY_REQUIREMENT',
      fields: ['ports', 'protocol'],
      message: `${id}: ports ${requirement.ports} with protocol ${portless.join(', ')}, which has no ports, so that part matches no packet; name only tcp/udp with ports, or split the requirement`,
    };
  }
  if (hasIcmp && named) {
    const other = namedProtocols(protocols, (protocol) => portClassOf(protocol) !== 'icmp');
    if (other.length > 0) {
      return {
        code: 'TW_CONTRADICTORY_REQUIREMENT',
        fields: ['icmp', 'protocol'],
        message: `${id}: icmp types with protocol ${other.join(', ')}, which has no ICMP types, so that part matches no packet; use protocol icmp or icmpv6 with icmp types`,
      };
    }
  }
  if (!sharesFamily(requirement.destinations, familyBitsOf(requirement.sources))) {
    const [sourceFamilyList, destinationFamilyList] = [familiesOf(requirement.sources), familiesOf(requirement.destinations)];
    return {
      code: 'TW_CONTRADICTORY_REQUIREMENT',
      fields: ['source', 'destination'],
      message: `${id}: the source has ${familyText(sourceFamilyList)} addresses only and the destination ${familyText(destinationFamilyList)} addresses only, so no packet has both`,
    };
  }
  return undefined;
}

function raise(problem: RequirementProblem | undefined): void {
  if (problem) throw new TagwallError(problem.code, problem.message);
}

/** Throws the problem `requirementProblem` finds as a TagwallError (no location: the caller knows the file). */
export function assertMeaningfulRequirement(requirement: Requirement): void {
  raise(requirementProblem(requirement));
}

/**
 * Throws for a host-name source only. `requirementPackets` checks this much on every call: translators also ask it
 * for parts of a requirement (`{...requirement, protocols: missing}`) that may well have contradictory fields.
 */
export function assertAddressSources(requirement: Requirement): void {
  raise(hostSourceProblem(requirement));
}

/** `assertMeaningfulRequirement` for each requirement of a set. */
export function assertMeaningfulRequirements(requirements: { readonly requirements: readonly Requirement[] }): void {
  for (const requirement of requirements.requirements) assertMeaningfulRequirement(requirement);
}
