/**
 * The path engine (docs/paths.md): what a set of flows becomes hop by hop through a topology, exactly, as packet
 * sets. Each filter hop intersects the flows with what its device allows (one intersection per hop, so the cost
 * grows linearly with the hops); a route hop splits them by the route each destination takes. Every dropped part
 * is kept with the hop and the rule that dropped it, and a witness whose verdict at each hop on its way is given
 * by `evaluate` on that hop's device alone (what `tagwall eval KIND:FILE --packet` prints).
 *
 * Frames. Flows are written as the subject workload sees them: `out` for what it opens, `in` for what it accepts.
 * A device sees them in its own frame: host rules and NSGs on the sending side see `out`, on the receiving side
 * `in`; Azure Firewall and the managed network read every rule as "from its sources to its destinations", which
 * tagwall's parsers write as `out`; PAN-OS keeps the subject's direction (its zones say which way is out).
 */
import { evaluate } from '../analysis/questions.js';
import { decidingRules, EarlierMatches, openingPackets, type Rule } from '../analysis/rule-set.js';
import { AddressSet } from '../model/address-set.js';
import { HostSet } from '../model/hostnames.js';
import { PacketSet, type Box } from '../model/packet-set.js';
import { ICMP, ICMPV6, PORT_DOMAIN, ProtocolSet } from '../model/ports.js';
import { IntervalSet } from '../model/intervals.js';
import type { Direction, Packet } from '../model/packet.js';
import type { Device, LoadedTopology } from './load.js';
import { describeRoute, type Route } from './routes.js';
import type { Firewall, Subnet, Workload } from './topology.js';

export type HopKind = 'host' | 'nic-nsg' | 'subnet-nsg' | 'route' | 'firewall' | 'managed-network' | 'edge' | 'return';

/** One hop's verdict on one packet, as that hop's device sees the packet. */
export interface HopVerdict {
  readonly hop: string;
  readonly kind: HopKind;
  /** `KIND:FILE` of the device, for `tagwall eval`. */
  readonly device?: string;
  readonly packet: Packet;
  readonly action: 'allow' | 'deny' | 'forward' | 'deliver' | 'drop';
  /** The deciding rule's id (`default` for the default action), or the route taken. */
  readonly rule?: string;
  readonly ruleText?: string;
}

export interface Drop {
  readonly hop: string;
  readonly kind: HopKind;
  readonly device?: string;
  readonly reason: string;
  /** The rule (or route) that dropped them, as `HopVerdict.rule`. */
  readonly rule?: string;
  /** The dropped flows, in the subject's frame (for the return path: the forward flows whose replies die). */
  readonly packets: PacketSet;
  readonly witness: Packet;
  /** The witness's verdict at every hop up to and including the one that dropped it. */
  readonly trail: readonly HopVerdict[];
  /** Set when the reply path differs from the forward one through a stateful device. */
  readonly asymmetric?: { readonly route: Route; readonly reply: Packet; readonly firewall: string };
}

export interface Delivery {
  /** `Internet`, `workload compute`, `subnet pe`, `firewall hub (its own address)`, `gateway`. */
  readonly to: string;
  readonly packets: PacketSet;
  /** A delivered packet and its verdict at every hop on its way (explained walks only). */
  readonly witness?: Packet;
  readonly trail?: readonly HopVerdict[];
}

export interface HopSummary {
  readonly hop: string;
  readonly kind: HopKind;
  readonly device?: string;
  readonly entered: PacketSet;
  readonly passed: PacketSet;
}

export interface PathResult {
  /** The flows asked about (first packets only). */
  readonly flows: PacketSet;
  readonly delivered: PacketSet;
  readonly deliveries: readonly Delivery[];
  readonly drops: readonly Drop[];
  readonly hops: readonly HopSummary[];
}

export interface WalkOptions {
  /** Split drops by rule and pick witnesses (off for the "everything" sets `check` uses only to find extras). */
  readonly explain?: boolean;
}

/** A hop already passed: how it judges one packet, for witness trails. */
type TrailStep = (packet: Packet) => HopVerdict;

const DIRECTION_MASK: Readonly<Record<Direction, 1 | 2>> = { in: 1, out: 2 };

/** The same flows in another direction (flows of one direction only, as every walk has). */
export function withDirection(set: PacketSet, direction: Direction): PacketSet {
  const mask = DIRECTION_MASK[direction];
  return PacketSet.fromDisjointBoxes(set.boxes.map((box) => (box.directions === mask ? box : { ...box, directions: mask })));
}

const ICMP_REPLY: ReadonlyMap<number, number> = new Map([
  [(ICMP << 16) | 8, 0],
  [(ICMPV6 << 16) | 128, 129],
]);

/**
 * The replies of flows: addresses and ports swapped, the other direction, conntrack state ESTABLISHED. ICMP echo
 * requests answer with echo replies; other ICMP types have no reply here (errors are RELATED, not modelled).
 */
export function repliesOf(set: PacketSet): PacketSet {
  const boxes: Box[] = [];
  const icmpBoxes: Box[] = [];
  for (const box of set.boxes) {
    const directions = box.directions === 1 ? 2 : box.directions === 2 ? 1 : 3;
    // ESTABLISHED is bit 3 of CONN_STATES ('new', 'invalid', 'untracked', 'established', 'related').
    const base = { ...box, directions: directions as Box['directions'], src: box.dst, dst: box.src, states: 1 << 3 };
    if (box.portClass === 'ports') boxes.push({ ...base, srcPorts: box.dstPorts, dstPorts: box.srcPorts });
    else if (box.portClass === 'none') boxes.push(base);
    else {
      for (const [key, replyType] of ICMP_REPLY) {
        const protocol = key >> 16;
        const type = key & 0xffff;
        if (!box.protocols.has(protocol)) continue;
        if (!box.dstPorts.intersection(IntervalSet.fromRanges(PORT_DOMAIN, [[type << 8, (type << 8) | 255]])).isEmpty()) {
          icmpBoxes.push({ ...base, protocols: ProtocolSet.of(protocol), dstPorts: IntervalSet.fromRanges(PORT_DOMAIN, [[replyType << 8, replyType << 8]]) });
        }
      }
    }
  }
  // Swapping keeps boxes disjoint; ICMP boxes that differed only in their request type may now overlap.
  return PacketSet.fromDisjointBoxes(boxes).union(PacketSet.fromBoxes(icmpBoxes));
}

export function replyPacket(packet: Packet): Packet {
  const { icmp, srcPort, dstPort, ...rest } = packet;
  const reply: Packet = {
    ...rest,
    direction: packet.direction === 'in' ? 'out' : 'in',
    src: packet.dst,
    dst: packet.src,
    ...(srcPort === undefined ? {} : { dstPort: srcPort }),
    ...(dstPort === undefined ? {} : { srcPort: dstPort }),
    ...(icmp ? { icmp: { type: ICMP_REPLY.get((packet.protocol << 16) | icmp.type) ?? icmp.type, code: 0 } } : {}),
    state: 'established',
  };
  return reply;
}

const PLATFORM = AddressSet.parse('168.63.129.16/32');

class Walk {
  readonly deliveries: Delivery[] = [];
  readonly drops: Drop[] = [];
  readonly hops: HopSummary[] = [];

  constructor(
    readonly loaded: LoadedTopology,
    readonly subject: Direction,
    readonly explain: boolean,
  ) {}

  deliver(to: string, packets: PacketSet, trail: readonly TrailStep[]): void {
    if (packets.isEmpty()) return;
    const found = this.deliveries.findIndex((delivery) => delivery.to === to);
    if (found >= 0) {
      const before = this.deliveries[found]!;
      this.deliveries[found] = { ...before, packets: disjointUnion([before.packets, packets]) };
      return;
    }
    const witness = this.explain ? packets.witness() : undefined;
    this.deliveries.push({ to, packets, ...(witness ? { witness, trail: trail.map((step) => step(witness)) } : {}) });
  }

  drop(packets: PacketSet, at: Omit<Drop, 'packets' | 'witness' | 'trail'>, trail: readonly TrailStep[], last: TrailStep): void {
    if (packets.isEmpty()) return;
    const witness = packets.witness()!;
    this.drops.push({ ...at, packets, witness, trail: this.explain ? [...trail.map((step) => step(witness)), last(witness)] : [] });
  }

  /** A filter hop: what the device allows passes; the rest is dropped, split by the rule that drops it. */
  filter(flows: PacketSet, hop: string, kind: HopKind, device: Device, frame: Direction | 'keep', trail: TrailStep[]): PacketSet {
    if (flows.isEmpty()) return flows;
    const seen = frame === 'keep' ? flows : withDirection(flows, frame);
    // An explained walk learns with the intersection whether the hop passes everything (then nothing is dropped).
    const { inside: passedSeen, whole } = this.explain ? seen.intersectionCovering(device.allowed()) : { inside: seen.intersection(device.allowed()), whole: true };
    const passed = frame === 'keep' ? passedSeen : withDirection(passedSeen, this.subject);
    this.hops.push({ hop, kind, device: device.label, entered: flows, passed });
    const step: TrailStep = (packet) => {
      const shown = frame === 'keep' ? packet : { ...packet, direction: frame };
      const verdict = evaluate(device.ruleSet, shown);
      return { hop, kind, device: device.label, packet: shown, action: verdict.action, rule: verdict.rule?.id ?? 'default', ...(verdict.rule?.origin?.text ? { ruleText: verdict.rule.origin.text } : {}) };
    };
    // Plain walks (what is delivered, nothing else) skip the dropped part: a difference of large address sets. So do
    // hops that pass every flow: the difference compacted both sides only to find it empty (issue 22).
    const dropped = whole ? PacketSet.EMPTY : seen.difference(passedSeen);
    if (!dropped.isEmpty()) {
      for (const { rule, packets } of byDecidingRule(device, dropped)) {
        const back = frame === 'keep' ? packets : withDirection(packets, this.subject);
        this.drop(back, { hop, kind, device: device.label, reason: rule ? `denied by rule ${rule.id}` : `denied by the default action`, rule: rule?.id ?? 'default' }, trail, step);
      }
    }
    trail.push(step);
    return passed;
  }

  /** Leaves a subnet: split by route, each part to its next hop. */
  route(flows: PacketSet, subnet: Subnet, trail: readonly TrailStep[], visited: readonly string[]): void {
    if (flows.isEmpty()) return;
    const partition = this.loaded.routes(subnet.name);
    const hop = `routes of subnet ${subnet.name}`;
    for (const { route, destinations } of partition.parts) {
      const part = flows.withAddresses('dst', destinations);
      if (part.isEmpty()) continue;
      const step: TrailStep = (packet) => ({ hop, kind: 'route', packet, action: route.nextHopType === 'None' ? 'drop' : 'forward', rule: describeRoute(route) });
      this.hops.push({ hop: `${hop}: ${describeRoute(route)}`, kind: 'route', entered: part, passed: route.nextHopType === 'None' ? PacketSet.EMPTY : part });
      const next = [...trail, step];
      switch (route.nextHopType) {
        case 'None':
          this.drop(part, { hop, kind: 'route', reason: `route ${describeRoute(route)} drops it`, rule: describeRoute(route) }, trail, step);
          break;
        case 'Internet':
          this.deliver('Internet', part, next);
          break;
        case 'VirtualNetworkGateway':
          this.deliver('gateway (on-premises)', part, next);
          break;
        case 'VnetLocal':
        case 'VNetPeering':
          this.arrive(part, next);
          break;
        case 'VirtualAppliance':
        case 'VirtualApplianceEcmp': {
          const firewall = this.loaded.topology.firewalls.find((candidate) => candidate.privateIp === route.nextHopIpAddress)!;
          this.throughFirewall(part, firewall, next, visited);
          break;
        }
      }
    }
  }

  throughFirewall(flows: PacketSet, firewall: Firewall, trail: TrailStep[], visited: readonly string[]): void {
    const hop = `firewall ${firewall.name}`;
    if (visited.includes(firewall.name)) {
      const step: TrailStep = (packet) => ({ hop, kind: 'firewall', packet, action: 'drop', rule: 'routing loop' });
      this.drop(flows, { hop, kind: 'firewall', reason: `routing loop: the flows come back to firewall ${firewall.name}`, rule: 'routing loop' }, trail, step);
      return;
    }
    const device = this.loaded.device(firewall.config);
    const frame = firewall.config.kind === 'panos' ? 'keep' : 'out';
    const passed = this.filter(flows, hop, 'firewall', device, frame, trail);
    const subnet = this.loaded.topology.subnets.find((candidate) => candidate.name === firewall.subnet)!;
    this.route(passed, subnet, trail, [...visited, firewall.name]);
  }

  /** Flows that reached the VNet (or a peered one): into the subnet, NIC and host they are addressed to. */
  arrive(flows: PacketSet, trail: TrailStep[]): void {
    const topology = this.loaded.topology;
    let rest = flows;
    for (const firewall of topology.firewalls) {
      const own = rest.withAddresses('dst', AddressSet.parse(firewall.privateIp));
      this.deliver(`firewall ${firewall.name} (its own address)`, own, trail);
      rest = rest.difference(own);
    }
    for (const subnet of topology.subnets) {
      const inSubnet = rest.withAddresses('dst', subnet.prefix);
      if (inSubnet.isEmpty()) continue;
      rest = rest.difference(inSubnet);
      const subnetTrail = [...trail];
      let passed = subnet.nsg ? this.filter(inSubnet, `NSG of subnet ${subnet.name}`, 'subnet-nsg', this.loaded.device(subnet.nsg), 'in', subnetTrail) : inSubnet;
      for (const workload of topology.workloads.filter((candidate) => candidate.subnet === subnet.name)) {
        const mine = passed.withAddresses('dst', workload.address);
        if (mine.isEmpty()) continue;
        passed = passed.difference(mine);
        const workloadTrail = [...subnetTrail];
        this.deliver(`workload ${workload.name}`, this.receive(mine, workload, workloadTrail, 'in'), workloadTrail);
      }
      this.deliver(`subnet ${subnet.name}`, passed, subnetTrail);
    }
    this.deliver('virtual network (no subnet of the topology)', rest, trail);
  }

  /** The receiving workload's own hops, inbound: NIC NSG, then host rules (NSGs: subnet first, then NIC [NSGO]). */
  receive(flows: PacketSet, workload: Workload, trail: TrailStep[], frame: Direction | 'keep'): PacketSet {
    let passed = flows;
    if (workload.nsg) passed = this.filter(passed, `NSG of workload ${workload.name}'s NIC`, 'nic-nsg', this.loaded.device(workload.nsg), frame, trail);
    if (workload.host) passed = this.filter(passed, `host rules of workload ${workload.name}`, 'host', this.loaded.device(workload.host), frame, trail);
    return passed;
  }
}

/** The dropped packets split by the rule that decides them (first match), each with the rule. */
function byDecidingRule(device: Device, dropped: PacketSet): Array<{ rule: Rule | undefined; packets: PacketSet }> {
  const out: Array<{ rule: Rule | undefined; packets: PacketSet }> = [];
  const earlier = new EarlierMatches();
  let rest = dropped;
  for (const rule of decidingRules(device.ruleSet)) {
    if (rest.isEmpty()) break;
    if (rule.action === 'deny' && rest.overlaps(rule.match)) {
      const decided = rest.intersection(earlier.undecided(rule.match));
      if (!decided.isEmpty()) {
        out.push({ rule, packets: decided });
        rest = rest.difference(decided);
      }
    }
    earlier.add(rule.match);
  }
  if (!rest.isEmpty()) out.push({ rule: undefined, packets: rest });
  return out;
}

function sourceNode(loaded: LoadedTopology, name: string): { workload?: Workload; subnet?: Subnet } {
  const workload = loaded.topology.workloads.find((candidate) => candidate.name === name);
  if (workload) return { workload, ...(workload.subnet ? { subnet: loaded.topology.subnets.find((subnet) => subnet.name === workload.subnet)! } : {}) };
  const subnet = loaded.topology.subnets.find((candidate) => candidate.name === name);
  return subnet ? { subnet } : {};
}

/**
 * The union of sets no two of which share a packet: their boxes one after the other, which is what `union` gives
 * when it finds no overlap, without the pairwise overlap test. A walk's deliveries are such sets: each packet takes
 * one way (a route partition parts the destinations, a hop splits what it passes from what it drops), so what
 * reaches a place, or two places, comes by different ways. Issue 22: the test proved tags' prefix lists apart, box
 * by box, ~4 ms of a cold `path` (paths.test.ts checks the deliveries disjoint).
 */
function disjointUnion(sets: readonly PacketSet[]): PacketSet {
  return PacketSet.fromDisjointBoxes(sets.flatMap((set) => set.boxes));
}

function result(walk: Walk, flows: PacketSet): PathResult {
  const delivered = disjointUnion(walk.deliveries.map((delivery) => delivery.packets));
  return { flows, delivered, deliveries: walk.deliveries, drops: walk.drops, hops: walk.hops };
}

/**
 * Flows a workload (or a subnet) opens: host rules, NIC NSG, subnet NSG (outbound: NIC first, then subnet
 * [NSGO]), the subnet's routes, and on from there. `flows` are restricted to the source's addresses and to
 * first packets; they must be `out` flows.
 */
export function walkOutbound(loaded: LoadedTopology, from: string, flows: PacketSet, options: WalkOptions = {}): PathResult {
  const { workload, subnet } = sourceNode(loaded, from);
  const address = workload?.address ?? subnet!.prefix;
  const start = withDirection(flows, 'out').withAddresses('src', address).intersection(openingPackets());
  const walk = new Walk(loaded, 'out', options.explain ?? true);
  const trail: TrailStep[] = [];
  let passed = start;
  if (workload?.host) passed = walk.filter(passed, `host rules of workload ${workload.name}`, 'host', loaded.device(workload.host), 'keep', trail);
  if (workload?.managedNetwork) {
    passed = walk.filter(passed, `managed network of workload ${workload.name}`, 'managed-network', loaded.device(workload.managedNetwork), 'out', trail);
    walk.deliver('Internet (through the managed network)', passed, trail);
    return result(walk, start);
  }
  if (workload?.nsg) passed = walk.filter(passed, `NSG of workload ${workload.name}'s NIC`, 'nic-nsg', loaded.device(workload.nsg), 'keep', trail);
  if (subnet?.nsg) passed = walk.filter(passed, `NSG of subnet ${subnet.name}`, 'subnet-nsg', loaded.device(subnet.nsg), 'keep', trail);
  walk.route(passed, subnet!, trail, []);
  return result(walk, start);
}

/**
 * Flows a workload accepts (`in`, to its address) from outside the topology's sources: from the Internet (only to
 * an instance public IP), from the VNets, or from the Azure platform (168.63.129.16). Subnet NSG, NIC NSG, host
 * rules; then the return path: the replies leave by the subnet's routes, and a reply routed to a firewall the
 * request never crossed dies there (a stateful firewall drops packets of connections it has not seen).
 */
export function walkInbound(loaded: LoadedTopology, to: string, flows: PacketSet, options: WalkOptions = {}): PathResult {
  const { workload, subnet } = sourceNode(loaded, to);
  if (!workload || !subnet) throw new Error(`walkInbound needs a workload in a subnet, not '${to}'`);
  const start = withDirection(flows, 'in').withAddresses('dst', workload.address).intersection(openingPackets());
  const walk = new Walk(loaded, 'in', options.explain ?? true);
  const fromVnets = PacketSet.of({ src: loaded.virtualNetwork.union(PLATFORM) });
  const fromInternet = start.difference(fromVnets);
  const edgeHop = 'Internet edge';
  const edgeStep: TrailStep = (packet) => ({ hop: edgeHop, kind: 'edge', packet, action: workload.publicIp ? 'forward' : 'drop', rule: workload.publicIp ? `public IP of ${workload.name}` : 'no public IP' });
  let arrived = start.intersection(fromVnets);
  if (workload.publicIp) arrived = arrived.union(fromInternet);
  else walk.drop(fromInternet, { hop: edgeHop, kind: 'edge', reason: `workload ${workload.name} has no public IP: the Internet cannot open connections to it`, rule: 'no public IP' }, [], edgeStep);
  walk.hops.push({ hop: edgeHop, kind: 'edge', entered: start, passed: arrived });
  const trail: TrailStep[] = [edgeStep];
  let passed = subnet.nsg ? walk.filter(arrived, `NSG of subnet ${subnet.name}`, 'subnet-nsg', loaded.device(subnet.nsg), 'keep', trail) : arrived;
  passed = walk.receive(passed, workload, trail, 'keep');
  const failed = returnPath(walk, workload, subnet, passed, fromInternet, trail);
  walk.deliver(`workload ${workload.name}`, passed.difference(failed), trail);
  return result(walk, start);
}

/** The replies of delivered inbound flows: host rules (outbound, state ESTABLISHED), then the subnet's routes. */
function returnPath(walk: Walk, workload: Workload, subnet: Subnet, delivered: PacketSet, fromInternet: PacketSet, trail: readonly TrailStep[]): PacketSet {
  if (delivered.isEmpty()) return PacketSet.EMPTY;
  const loaded = walk.loaded;
  let failed = PacketSet.EMPTY;
  let alive = delivered;
  const replyTrail: TrailStep[] = [...trail];
  if (workload.host) {
    const device = loaded.device(workload.host);
    const replies = repliesOf(alive);
    const allowed = replies.intersection(device.allowed());
    const dead = repliesOf(replies.difference(allowed));
    const hop = `host rules of workload ${workload.name} (replies)`;
    const step: TrailStep = (packet) => {
      const reply = replyPacket(packet);
      const verdict = evaluate(device.ruleSet, reply);
      return { hop, kind: 'return', device: device.label, packet: reply, action: verdict.action, rule: verdict.rule?.id ?? 'default', ...(verdict.rule?.origin?.text ? { ruleText: verdict.rule.origin.text } : {}) };
    };
    const entered = alive;
    if (!dead.isEmpty()) {
      // repliesOf twice gives the flows back with state ESTABLISHED: ask for them as first packets again.
      const flows = alive.intersection(withState(dead));
      walk.drop(flows, { hop, kind: 'return', device: device.label, reason: 'the host drops the replies' }, replyTrail, step);
      failed = failed.union(flows);
      alive = alive.difference(flows);
    }
    walk.hops.push({ hop, kind: 'return', device: device.label, entered, passed: alive });
    replyTrail.push(step);
  }
  const partition = loaded.routes(subnet.name);
  const hop = `routes of subnet ${subnet.name} (replies)`;
  for (const { route, destinations } of partition.parts) {
    // Replies go to the request's source: the request flows whose source this route takes back.
    const part = alive.withAddresses('src', destinations.difference(PLATFORM));
    if (part.isEmpty()) continue;
    const viaFirewall = route.nextHopType === 'VirtualAppliance' || route.nextHopType === 'VirtualApplianceEcmp';
    const routeHop = `${hop}: ${describeRoute(route)}`;
    if (route.nextHopType === 'None') {
      walk.hops.push({ hop: routeHop, kind: 'return', entered: part, passed: PacketSet.EMPTY });
      const step: TrailStep = (packet) => ({ hop, kind: 'return', packet: replyPacket(packet), action: 'drop', rule: describeRoute(route) });
      walk.drop(part, { hop, kind: 'return', reason: `the replies take ${describeRoute(route)}`, rule: describeRoute(route) }, replyTrail, step);
      failed = failed.union(part);
      continue;
    }
    // Requests that came in directly (not through this next hop) and whose replies leave through a firewall, or
    // came from the Internet and whose replies do not go back to it: the return path is not the forward one.
    const asymmetric = viaFirewall ? part : route.nextHopType === 'Internet' ? PacketSet.EMPTY : part.intersection(fromInternet);
    walk.hops.push({ hop: routeHop, kind: 'return', entered: part, passed: part.difference(asymmetric) });
    if (asymmetric.isEmpty()) continue;
    const firewall = loaded.topology.firewalls.find((candidate) => candidate.privateIp === route.nextHopIpAddress);
    const where = firewall ? `firewall ${firewall.name}` : `next hop ${route.nextHopType}`;
    const routeStep: TrailStep = (packet) => ({ hop, kind: 'route', packet: replyPacket(packet), action: 'forward', rule: describeRoute(route) });
    const step: TrailStep = (packet) => ({
      hop: where,
      kind: 'return',
      ...(firewall ? { device: loaded.device(firewall.config).label } : {}),
      packet: replyPacket(packet),
      action: 'drop',
      rule: firewall ? 'no session (stateful: the request did not pass here)' : 'not the way the request came',
    });
    const before = walk.drops.length;
    walk.drop(asymmetric, { hop: where, kind: 'return', reason: `asymmetric routing: the requests arrive directly, their replies take ${describeRoute(route)}${firewall ? ` and ${where} drops them (it never saw the requests)` : ''}`, rule: 'no session' }, [...replyTrail, routeStep], step);
    const added = walk.drops[before]!;
    walk.drops[before] = { ...added, asymmetric: { route, reply: replyPacket(added.witness), firewall: where } };
    failed = failed.union(asymmetric);
  }
  return failed;
}

/** Flows (first packets) whose replies are `established`: the same boxes with every state, to intersect with. */
function withState(set: PacketSet): PacketSet {
  return PacketSet.fromDisjointBoxes(set.boxes.map((box) => ({ ...box, states: 31 })));
}

/**
 * Flows as they can happen when a host name resolves to a public address (docs/paths.md, limits): packets that
 * carry a name go to public addresses only; packets without one are left as they are.
 */
export function publicDestinations(set: PacketSet, internet: AddressSet): PacketSet {
  // A box meets the "any name" spec exactly when its hosts do (that spec holds every other value of its family and
  // class): asked of each box, not by an intersection with six spec boxes built per requirement (issue 22).
  if (!set.boxes.some((box) => box.hosts.overlaps(HostSet.ANY_NAME))) return set;
  const named = set.intersection((ANY_NAME_PACKETS ??= PacketSet.of({ hosts: HostSet.ANY_NAME })));
  return set.intersection((NO_HOST_PACKETS ??= PacketSet.of({ hosts: HostSet.NO_HOST }))).union(named.withAddresses('dst', internet));
}

/** Built on first use (a topology without host names never needs them). */
let ANY_NAME_PACKETS: PacketSet | undefined;
let NO_HOST_PACKETS: PacketSet | undefined;
