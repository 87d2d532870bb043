/**
 * One question of `tagwall path`: from a source to a destination, the flows the options describe. A name of the
 * topology (workload, subnet, firewall) stands for its addresses; anything else is read as a requirement
 * endpoint: an address or CIDR, a service tag, `any`, or a host name (a name's flows go to public addresses).
 * From a workload or subnet the flows are outbound; to a workload from anything else, inbound.
 */
import { endpointAddresses, endpointHosts } from '../analysis/resolve.js';
import { parseEndpoint } from '../catalogue/endpoints.js';
import { TagwallError } from '../errors.js';
import { AddressSet } from '../model/address-set.js';
import { HostSet } from '../model/hostnames.js';
import { PacketSet } from '../model/packet-set.js';
import { PortSet, ProtocolSet } from '../model/ports.js';
import { walkInbound, walkOutbound, type PathResult } from './engine.js';
import type { LoadedTopology } from './load.js';

export interface FlowOptions {
  /** `tcp`, `udp`, `icmp`, `any` or a number; default tcp when ports are given, else any. */
  readonly protocol?: string;
  /** `443`, `80,443`, `1000-2000`. */
  readonly ports?: string;
}

function nodeAddresses(loaded: LoadedTopology, name: string): AddressSet | undefined {
  const topology = loaded.topology;
  const workload = topology.workloads.find((candidate) => candidate.name === name);
  if (workload) return workload.address;
  const subnet = topology.subnets.find((candidate) => candidate.name === name);
  if (subnet) return subnet.prefix;
  const firewall = topology.firewalls.find((candidate) => candidate.name === name);
  return firewall ? AddressSet.parse(firewall.privateIp) : undefined;
}

function usage(message: string): TagwallError {
  return new TagwallError('TW_USAGE', message);
}

/** An endpoint's packets: addresses, or a host name towards public addresses. */
function endpointPackets(loaded: LoadedTopology, text: string, side: 'src' | 'dst'): PacketSet {
  const node = nodeAddresses(loaded, text);
  if (node) return PacketSet.of({ [side]: node });
  const endpoint = parseEndpoint(text);
  if (endpoint.kind === 'host' || endpoint.kind === 'url') {
    if (side === 'src') throw new TagwallError('TW_HOST_SOURCE', `a source is addresses, not the host name '${text}'`);
    return PacketSet.of({ hosts: endpointHosts([endpoint]).intersection(HostSet.ANY_NAME), dst: loaded.resolver.serviceTag('Internet') });
  }
  return PacketSet.of({ [side]: endpointAddresses([endpoint], loaded.resolver) });
}

export function flowSpec(options: FlowOptions): PacketSet {
  const ports = options.ports === undefined ? undefined : PortSet.parse(options.ports);
  const protocolText = (options.protocol ?? (ports ? 'tcp' : 'any')).toLowerCase();
  const protocols = protocolText === 'any' ? ProtocolSet.ANY : ProtocolSet.parse(protocolText);
  return PacketSet.of({ protocols, ...(ports ? { dstPorts: ports } : {}) });
}

export interface Question {
  readonly direction: 'out' | 'in';
  /** The workload (or subnet) whose side the flows are seen from. */
  readonly subject: string;
  readonly result: PathResult;
}

export function askPath(loaded: LoadedTopology, from: string, to: string, options: FlowOptions = {}): Question {
  const topology = loaded.topology;
  const spec = flowSpec(options);
  const isSource = topology.workloads.some((workload) => workload.name === from) || topology.subnets.some((subnet) => subnet.name === from);
  if (isSource) {
    const flows = spec.intersection(endpointPackets(loaded, to, 'dst')).intersection(PacketSet.of({ directions: ['out'] }));
    return { direction: 'out', subject: from, result: walkOutbound(loaded, from, flows) };
  }
  const target = topology.workloads.find((workload) => workload.name === to);
  if (!target) {
    const names = [...topology.workloads.map((workload) => workload.name), ...topology.subnets.map((subnet) => subnet.name)];
    throw usage(`--from must name a workload or subnet of the topology (${names.join(', ') || 'none'}), or --to a workload for inbound flows`);
  }
  if (target.subnet === undefined) throw usage(`workload '${to}' is in the managed network, whose inbound side Microsoft runs: tagwall does not model it`);
  const flows = spec.intersection(endpointPackets(loaded, from, 'src')).intersection(PacketSet.of({ directions: ['in'] }));
  return { direction: 'in', subject: to, result: walkInbound(loaded, to, flows) };
}
