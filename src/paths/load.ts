/**
 * A topology with its devices read: every config parsed once by its own target's parser (in expanded mode, so
 * that routes, which are addresses, and filters, which may name tags, speak of the same addresses), every
 * subnet's routes partitioned once.
 */
import { expandedResolver, type AddressResolver } from '../analysis/resolve.js';
import { allowedPackets, type RuleSet } from '../analysis/rule-set.js';
import { TagwallError } from '../errors.js';
import { nodeFs } from '../internal/lazy.js';
import { AddressSet } from '../model/address-set.js';
import type { PacketSet } from '../model/packet-set.js';
import type { Snapshot } from '../servicetags/snapshot.js';
import type { ConfigInput } from '../targets/target.js';
import { deviceTarget } from './device-targets.js';
import { subnetRoutes, type RoutePartition } from './routes.js';
import type { DeviceRef, Topology } from './topology.js';

export interface Device {
  readonly ref: DeviceRef;
  /** `nsg:compute-nsg.json`, as `eval` takes it. */
  readonly label: string;
  readonly ruleSet: RuleSet;
  /** What the device allows, computed on first use and kept. */
  allowed(): PacketSet;
}

export interface LoadedTopology {
  readonly topology: Topology;
  readonly snapshot: Snapshot;
  readonly resolver: AddressResolver;
  /** The address space of every VNet in the file: what the `VirtualNetwork` tag stands for here. */
  readonly virtualNetwork: AddressSet;
  device(ref: DeviceRef): Device;
  routes(subnet: string): RoutePartition;
}

/** Reads a file a topology names: TW_FILE at the reference when it cannot be read. */
export type FileReader = (ref: DeviceRef, file: string) => string;

const readFromDisk: FileReader = (ref, file) => {
  try {
    return nodeFs().readFileSync(file, 'utf8');
  } catch (error) {
    throw new TagwallError('TW_FILE', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { location: ref.at });
  }
};

export function loadTopology(topology: Topology, snapshot: Snapshot, readFile: FileReader = readFromDisk): LoadedTopology {
  const virtualNetwork = topology.vnets.reduce((set, vnet) => set.union(vnet.addressSpace), AddressSet.EMPTY);
  // VirtualNetwork is the VNets' address spaces (peered ones included) [NSGO]; with none declared, the private blocks.
  const resolver = expandedResolver(snapshot, virtualNetwork.isEmpty() ? {} : { virtualNetwork });
  const devices = new Map<string, Device>();
  const device = (ref: DeviceRef): Device => {
    const key = `${ref.kind}:${ref.file}:${JSON.stringify(ref.options)}`;
    let found = devices.get(key);
    if (!found) {
      const input: ConfigInput = {
        content: readFile(ref, ref.file),
        file: ref.file,
        ...(ref.ipsets === undefined ? {} : { companions: { ipsets: { content: readFile(ref, ref.ipsets), file: ref.ipsets } } }),
      };
      const ruleSet = deviceTarget(ref.kind).parse(input, { resolver, options: ref.options });
      let allowed: PacketSet | undefined;
      found = { ref, label: `${ref.kind}:${ref.written}`, ruleSet, allowed: () => (allowed ??= allowedPackets(ruleSet)) };
      devices.set(key, found);
    }
    return found;
  };
  const partitions = new Map<string, RoutePartition>();
  const routes = (name: string): RoutePartition => {
    let partition = partitions.get(name);
    if (!partition) {
      const subnet = topology.subnets.find((candidate) => candidate.name === name)!;
      const table = subnet.routeTable ? { ref: subnet.routeTable, content: readFile(subnet.routeTable, subnet.routeTable.file) } : undefined;
      partition = subnetRoutes(topology, subnet.vnet, table, snapshot);
      partitions.set(name, partition);
    }
    return partition;
  };
  // Read every device now: a broken file is an error before any answer, never half an answer.
  for (const subnet of topology.subnets) {
    if (subnet.nsg) device(subnet.nsg);
    routes(subnet.name);
  }
  for (const workload of topology.workloads) for (const ref of [workload.nsg, workload.host, workload.managedNetwork]) if (ref) device(ref);
  for (const firewall of topology.firewalls) device(firewall.config);
  validateNextHops(topology, routes);
  return { topology, snapshot, resolver, virtualNetwork, device, routes };
}

/** Every VirtualAppliance next hop must be a firewall of the topology: a route to an unknown box is a typed error. */
function validateNextHops(topology: Topology, routes: (subnet: string) => RoutePartition): void {
  for (const subnet of topology.subnets) {
    for (const { route } of routes(subnet.name).parts) {
      if (route.nextHopIpAddress === undefined) continue;
      if (!topology.firewalls.some((firewall) => firewall.privateIp === route.nextHopIpAddress)) {
        throw new TagwallError(
          'TW_INVALID_TOPOLOGY',
          `route '${route.name}' of subnet '${subnet.name}' sends traffic to ${route.nextHopIpAddress}, which is no firewall of the topology (firewalls: ${topology.firewalls.map((firewall) => `${firewall.name} ${firewall.privateIp}`).join(', ') || 'none'})`,
          { location: { file: route.origin!.file, jsonPath: route.origin!.path } },
        );
      }
    }
  }
}
