/**
 * From requirements to match sets: every endpoint becomes an address set, through an `AddressResolver` that
 * either expands service tags through a snapshot or keeps them symbolic (see `AnalysisMode`).
 */
import { AddressSet } from '../model/address-set.js';
import { HostSet } from '../model/hostnames.js';
import { icmpTypeCodes, PacketSet } from '../model/packet-set.js';
import { IntervalSet } from '../model/intervals.js';
import { PORT_DOMAIN } from '../model/ports.js';
import type { Endpoint, Requirement, RequirementSet } from '../model/requirement.js';
import type { AnalysisMode, RuleSet } from './rule-set.js';

/** Turns service-tag names (published or virtual: `VirtualNetwork`, `Internet`, `AzureLoadBalancer`) into addresses. */
export interface AddressResolver {
  readonly mode: AnalysisMode;
  /** Throws TW_UNKNOWN_TAG (with suggestions) for a name it does not know. */
  serviceTag(name: string): AddressSet;
}

/** The addresses an endpoint list covers; host and URL endpoints cover every address (the host dimension narrows). */
export function endpointAddresses(endpoints: readonly Endpoint[], resolver: AddressResolver): AddressSet {
  let set = AddressSet.EMPTY;
  for (const endpoint of endpoints) {
    switch (endpoint.kind) {
      case 'any':
      case 'host':
      case 'url':
        return AddressSet.ALL;
      case 'addresses':
        set = set.union(endpoint.addresses);
        break;
      case 'service-tag':
        set = set.union(resolver.serviceTag(endpoint.name));
        break;
    }
  }
  return set;
}

/** The host names an endpoint list restricts to: any (network-layer) unless every endpoint is a host or URL. */
export function endpointHosts(endpoints: readonly Endpoint[]): HostSet {
  const patterns = endpoints.flatMap((endpoint) => (endpoint.kind === 'host' || endpoint.kind === 'url' ? [endpoint.pattern] : []));
  if (patterns.length === 0 || patterns.length < endpoints.length) return HostSet.ANY;
  return HostSet.fromPatterns(patterns);
}

/** The packets one requirement allows. */
export function requirementPackets(requirement: Requirement, resolver: AddressResolver): PacketSet {
  const icmp = requirement.icmp?.length
    ? requirement.icmp.reduce((set, match) => set.union(icmpTypeCodes(match.type, match.code)), IntervalSet.empty(PORT_DOMAIN))
    : undefined;
  return PacketSet.of({
    directions: [requirement.direction],
    protocols: requirement.protocols,
    dstPorts: requirement.ports,
    ...(icmp ? { icmp } : {}),
    src: endpointAddresses(requirement.sources, resolver),
    dst: endpointAddresses(requirement.destinations, resolver),
    hosts: endpointHosts(requirement.destinations),
  });
}

/** A requirement set as a rule set: one allow rule per requirement, default deny. */
export function requirementsRuleSet(requirements: RequirementSet, resolver: AddressResolver): RuleSet {
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
