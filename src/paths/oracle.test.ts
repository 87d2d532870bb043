/**
 * The set engine against a packet-at-a-time oracle: one concrete packet walked through the same topology with
 * `evaluate` on each device and the route of its one destination, written here independently of engine.ts. For
 * every sampled packet both must agree on where it ends: delivered to the same place, or dropped at the same hop.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../analysis/questions.js';
import { openingPackets } from '../analysis/rule-set.js';
import { AddressSet } from '../model/address-set.js';
import { PacketSet } from '../model/packet-set.js';
import { formatAddress } from '../model/ip.js';
import type { Packet } from '../model/packet.js';
import { walkOutbound, type PathResult } from './engine.js';
import { loadTopology, type LoadedTopology } from './load.js';
import { computePublicIp, forcedTunnelling, snapshot } from './reference.test-support.js';
import { routeFor } from './routes.js';
import { loadTopologyFile } from './topology.js';

/** Where one outbound packet of workload `from` ends: `delivered:<place>` or `dropped:<hop>`. */
function oracle(loaded: LoadedTopology, from: string, packet: Packet): string {
  const topology = loaded.topology;
  const workload = topology.workloads.find((candidate) => candidate.name === from)!;
  const allows = (ref: Parameters<LoadedTopology['device']>[0], seen: Packet): boolean => evaluate(loaded.device(ref).ruleSet, seen).action === 'allow';
  if (workload.host && !allows(workload.host, packet)) return `dropped:host rules of workload ${from}`;
  if (workload.nsg && !allows(workload.nsg, packet)) return `dropped:NSG of workload ${from}'s NIC`;
  let subnet = topology.subnets.find((candidate) => candidate.name === workload.subnet)!;
  if (subnet.nsg && !allows(subnet.nsg, packet)) return `dropped:NSG of subnet ${subnet.name}`;
  for (let step = 0; step < 10; step++) {
    const route = routeFor(loaded.routes(subnet.name), packet.dst);
    switch (route.nextHopType) {
      case 'None':
        return `dropped:routes of subnet ${subnet.name}`;
      case 'Internet':
        return 'delivered:Internet';
      case 'VirtualNetworkGateway':
        return 'delivered:gateway (on-premises)';
      case 'VnetLocal':
      case 'VNetPeering': {
        const firewall = topology.firewalls.find((candidate) => candidate.privateIp === packet.dst);
        if (firewall) return `delivered:firewall ${firewall.name} (its own address)`;
        const target = topology.subnets.find((candidate) => candidate.prefix.has(packet.dst));
        if (!target) return 'delivered:virtual network (no subnet of the topology)';
        const inbound = { ...packet, direction: 'in' as const };
        if (target.nsg && !allows(target.nsg, inbound)) return `dropped:NSG of subnet ${target.name}`;
        const receiver = topology.workloads.find((candidate) => candidate.subnet === target.name && candidate.address.has(packet.dst));
        if (!receiver) return `delivered:subnet ${target.name}`;
        if (receiver.nsg && !allows(receiver.nsg, inbound)) return `dropped:NSG of workload ${receiver.name}'s NIC`;
        if (receiver.host && !allows(receiver.host, inbound)) return `dropped:host rules of workload ${receiver.name}`;
        return `delivered:workload ${receiver.name}`;
      }
      default: {
        const firewall = topology.firewalls.find((candidate) => candidate.privateIp === route.nextHopIpAddress)!;
        const seen = firewall.config.kind === 'panos' ? packet : { ...packet, direction: 'out' as const };
        if (!allows(firewall.config, seen)) return `dropped:firewall ${firewall.name}`;
        subnet = topology.subnets.find((candidate) => candidate.name === firewall.subnet)!;
      }
    }
  }
  return 'dropped:routing loop';
}

/** Where the set engine put a packet. */
function engineAnswer(result: PathResult, packet: Packet): string {
  const delivery = result.deliveries.find((candidate) => candidate.packets.has(packet));
  if (delivery) return `delivered:${delivery.to}`;
  const drop = result.drops.find((candidate) => candidate.packets.has(packet));
  return drop ? `dropped:${drop.hop}` : 'nowhere';
}

/** Packets from the workload: a destination from the interesting addresses, a port from the interesting ports. */
function packets(loaded: LoadedTopology, source: string): fc.Arbitrary<Packet> {
  const interesting = [
    ...loaded.topology.subnets.map((subnet) => subnet.prefix),
    ...['Storage.WestUS', 'AzureMachineLearning', 'BatchNodeManagement', 'AzureFrontDoor.Frontend'].map((tag) => snapshot.addresses(tag)),
    AddressSet.parse('10.0.0.0/8, 192.168.0.0/16, 0.0.0.0/0'),
  ].flatMap((set) => set.toCidrs('ipv4').slice(0, 40));
  // The addresses a topology gives a meaning of its own (another subnet, the firewall), often; the rest by block.
  const special = fc.constantFrom('10.0.2.4', '10.1.0.4', '10.0.1.9');
  const block = fc.constantFrom(...interesting).chain((cidr) =>
    fc.integer({ min: 0, max: Math.min(2 ** (32 - cidr.prefixLength) - 1, 2 ** 20) }).map((offset) => formatAddress('ipv4', Uint32Array.of((cidr.network[0]! + offset) >>> 0))),
  );
  const address = fc.oneof({ arbitrary: special, weight: 2 }, { arbitrary: block, weight: 3 });
  return fc.record({
    dst: address,
    protocol: fc.constantFrom(6, 17),
    dstPort: fc.constantFrom(22, 53, 80, 443, 445, 5831, 8787, 29876),
    host: fc.option(fc.constantFrom('pypi.org', 'a.blob.core.windows.net', 'westus.tundra.azureml.ms', 'graph.windows.net'), { nil: undefined }),
  }).map(({ dst, protocol, dstPort, host }) => ({ direction: 'out' as const, protocol, src: source, srcPort: 49152, dst, dstPort, ...(host === undefined ? {} : { host }) }));
}

const ENDS: Readonly<Record<string, readonly string[]>> = {
  'forced tunnelling': ['delivered:Internet', 'delivered:firewall hub (its own address)', 'delivered:subnet pe', 'dropped:NSG of subnet compute-subnet', 'dropped:firewall hub'],
  'compute with public IP': ['delivered:Internet', 'delivered:subnet pe', 'dropped:NSG of subnet compute-subnet', 'dropped:firewall hub'],
};

describe('the set engine agrees with a packet-at-a-time oracle', () => {
  for (const [name, build] of [['forced tunnelling', () => forcedTunnelling()], ['compute with public IP', () => computePublicIp()]] as const) {
    it(`on ${name}, for sampled outbound packets of the compute`, () => {
      const loaded = loadTopology(loadTopologyFile(build().topology), snapshot);
      const result = walkOutbound(loaded, 'compute', PacketSet.of({ directions: ['out'] }).intersection(openingPackets()));
      const seen = new Set<string>();
      fc.assert(
        fc.property(packets(loaded, '10.0.1.4'), (packet) => {
          const answer = engineAnswer(result, packet);
          seen.add(answer);
          expect(answer).toBe(oracle(loaded, 'compute', packet));
        }),
        { seed: 2323, numRuns: 400 },
      );
      // The samples reach every kind of end this topology has, so agreement is not agreement on one answer.
      expect([...seen].sort()).toEqual(ENDS[name]);
    });
  }
});
