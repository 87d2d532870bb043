/**
 * The differential harness (issue 17): a host namespace (`eth0`, 10.0.0.4/8 and fd00::4/64) and a peer on one veth
 * link; a ruleset is loaded into the host, an observer table after every filter chain records which crafted first
 * packets got through (test/support/kernel-probe.py sends them: every protocol class, ICMP and ICMPv6 types, both
 * directions, both families), and the kernel's verdict is compared with tagwall's `evaluate` for each packet.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluate } from '../../src/analysis/questions.js';
import type { RuleSet } from '../../src/analysis/rule-set.js';
import { formatPacket, type Direction, type Packet } from '../../src/model/packet.js';
import { Namespace } from './netns.js';

export const HOST = { ipv4: '10.0.0.4', ipv6: 'fd00::4' } as const;
/** The host's link-local address (fixed, so probes can name it: DHCPv6 replies go to it). */
export const HOST_LINK_LOCAL = 'fe80::4';
const PEER = { ipv4: '10.0.0.2', ipv6: 'fd00::2' } as const;
/** The host's interface: named as on a real VM, so rulesets that name it load unchanged. */
export const HOST_INTERFACE = 'eth0';

const PROBE_SCRIPT = fileURLToPath(new URL('./kernel-probe.py', import.meta.url));

/** Why the harness cannot run here (it needs python3 besides the netns tools), or undefined. */
export function probesUnavailable(): string | undefined {
  try {
    execFileSync('python3', ['-c', 'import ctypes, socket'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'python3 is missing (it crafts the raw packets)';
  }
}

let pairs = 0;

export class HostPair {
  readonly host = new Namespace('dhost');
  readonly peer = new Namespace('dpeer');
  readonly peerLink = `twp${process.pid % 10000}x${++pairs}`;

  constructor() {
    const peerLink = this.peerLink;
    this.host.run('ip', ['link', 'add', HOST_INTERFACE, 'type', 'veth', 'peer', 'name', peerLink]);
    this.host.run('ip', ['link', 'set', peerLink, 'netns', this.peer.name]);
    const up = (ns: Namespace, dev: string, addresses: { ipv4: string; ipv6: string }, v4Length: number): string => {
      ns.run('ip', ['addr', 'add', `${addresses.ipv4}/${v4Length}`, 'dev', dev]);
      ns.run('ip', ['-6', 'addr', 'add', `${addresses.ipv6}/64`, 'dev', dev, 'nodad']);
      ns.run('ip', ['link', 'set', dev, 'up']);
      // Spoofed sources (8.8.8.8 arriving on eth0) must reach the filter, not die in reverse-path filtering.
      ns.run('sysctl', ['-qw', 'net.ipv4.conf.all.rp_filter=0', `net.ipv4.conf.${dev}.rp_filter=0`]);
      return ns.run('cat', [`/sys/class/net/${dev}/address`]).trim();
    };
    const hostMac = up(this.host, HOST_INTERFACE, HOST, 8);
    const peerMac = up(this.peer, peerLink, PEER, 8);
    // Permanent neighbours: neighbour discovery is one of the things the rulesets under test may drop.
    this.peer.run('ip', ['neigh', 'replace', HOST.ipv4, 'lladdr', hostMac, 'dev', peerLink, 'nud', 'permanent']);
    this.peer.run('ip', ['-6', 'neigh', 'replace', HOST.ipv6, 'lladdr', hostMac, 'dev', peerLink, 'nud', 'permanent']);
    this.host.run('ip', ['neigh', 'replace', PEER.ipv4, 'lladdr', peerMac, 'dev', HOST_INTERFACE, 'nud', 'permanent']);
    this.host.run('ip', ['-6', 'neigh', 'replace', PEER.ipv6, 'lladdr', peerMac, 'dev', HOST_INTERFACE, 'nud', 'permanent']);
    this.host.run('ip', ['route', 'add', 'default', 'via', PEER.ipv4]);
    this.host.run('ip', ['-6', 'route', 'add', 'default', 'via', PEER.ipv6]);
    this.host.run('ip', ['-6', 'addr', 'add', `${HOST_LINK_LOCAL}/64`, 'dev', HOST_INTERFACE, 'nodad']);
    this.peer.run('ip', ['-6', 'neigh', 'replace', HOST_LINK_LOCAL, 'lladdr', hostMac, 'dev', peerLink, 'nud', 'permanent']);
    // Inbound multicast and broadcast probes leave the peer by its link (its only route is the connected /8).
    this.peer.run('ip', ['route', 'add', '224.0.0.0/4', 'dev', peerLink]);
    this.peer.run('ip', ['route', 'add', '255.255.255.255/32', 'dev', peerLink]);
  }

  /**
   * Makes `address` the host's own on eth0 (joining the group, for a multicast one) and routes it from the peer, so
   * a packet addressed to it is delivered to the host's input and one sent from it leaves as the host's.
   */
  adopt(address: string): void {
    const v6 = address.includes(':');
    const family = v6 ? ['-6'] : [];
    const multicast = v6 ? address.toLowerCase().startsWith('ff') : Number(address.split('.')[0]) >= 224;
    const prefix = `${address}/${v6 ? 128 : 32}`;
    this.host.run('ip', [...family, 'addr', 'add', prefix, 'dev', HOST_INTERFACE, ...(v6 ? ['nodad'] : []), ...(multicast ? ['autojoin'] : [])]);
    this.peer.run('ip', [...family, 'route', 'replace', prefix, ...(multicast ? ['dev', this.peerLink] : ['via', v6 ? HOST.ipv6 : HOST.ipv4])]);
  }

  /** Loads the observer: after every filter chain (priority 1000), it records the ids of the probes that passed. */
  observe(): void {
    const sets = ['in4', 'in6', 'out4', 'out6'].map((name) => `\tset ${name} { typeof ${name.endsWith('4') ? 'ip id' : 'ip6 flowlabel'}; flags dynamic; }`);
    const chain = (name: string, hook: string, direction: string): string =>
      `\tchain ${name} { type filter hook ${hook} priority 1000; policy accept;\n\t\tip dscp 8 add @${direction}4 { ip id }\n\t\tip6 dscp 8 add @${direction}6 { ip6 flowlabel }\n\t}`;
    const text = ['table inet twobs {', ...sets, chain('i', 'input', 'in'), chain('o', 'output', 'out'), '}', ''].join('\n');
    this.host.run('nft', ['-f', this.host.file('observer.nft', text)]);
  }

  delete(): void {
    this.host.delete();
    this.peer.delete();
  }
}

export interface ProbeUniverse {
  /** Remote addresses per family: the sources of inbound probes and the destinations of outbound ones. */
  readonly remotes: { readonly ipv4: readonly string[]; readonly ipv6: readonly string[] };
  readonly tcpPorts: readonly number[];
  readonly udpPorts: readonly number[];
  /** Source ports tried for UDP (DHCP and DNS replies come from fixed ports). */
  readonly udpSourcePorts?: readonly number[];
  /**
   * Probes to other local addresses than HOST: the host's link-local address, multicast groups (the host joins each
   * while the probes run, as avahi or a UPnP daemon would) and the IPv4 broadcast.
   */
  readonly extra?: readonly Packet[];
  /** The workload's own addresses (the destination of inbound probes): HOST, or a router's container. */
  readonly local?: { readonly ipv4: string; readonly ipv6: string };
}

/** ICMP types a host sees first: echo and its reply, errors, redirect, timestamp, router messages. */
const ICMP_PROBES: ReadonlyArray<readonly [number, number]> = [[8, 0], [0, 0], [3, 3], [3, 4], [11, 0], [5, 0], [12, 0], [13, 0], [14, 0], [9, 0], [10, 0]];
/**
 * ICMPv6: errors, echo, node information, MLD, router and neighbour discovery, redirect, inverse ND, SEND
 * certification paths, multicast router discovery (each link-local message with the hop limit its RFC fixes).
 */
const ICMPV6_PROBES: ReadonlyArray<readonly [number, number]> = [
  [1, 4], [2, 0], [3, 0], [4, 0], [128, 0], [129, 0], [130, 0], [131, 0], [133, 0], [134, 0], [135, 0], [136, 0], [137, 0], [139, 0], [143, 0],
  [141, 0], [142, 0], [148, 0], [149, 0], [151, 0], [152, 0], [153, 0],
];

/** Every probe of a universe: each remote × (TCP and UDP ports, ICMP types, GRE) × both directions. */
export function probeUniverse(universe: ProbeUniverse): Packet[] {
  const packets: Packet[] = [];
  let sourcePort = 40000;
  for (const direction of ['in', 'out'] as Direction[]) {
    for (const family of ['ipv4', 'ipv6'] as const) {
      for (const remote of universe.remotes[family]) {
        const local = (universe.local ?? HOST)[family];
        const ends = direction === 'in' ? { src: remote, dst: local } : { src: local, dst: remote };
        for (const dstPort of universe.tcpPorts) packets.push({ direction, protocol: 6, ...ends, srcPort: sourcePort++, dstPort });
        for (const dstPort of universe.udpPorts) {
          for (const srcPort of universe.udpSourcePorts ?? [0]) packets.push({ direction, protocol: 17, ...ends, srcPort: srcPort || sourcePort++, dstPort });
        }
        const icmp = family === 'ipv4' ? ICMP_PROBES : ICMPV6_PROBES;
        for (const [type, code] of icmp) packets.push({ direction, protocol: family === 'ipv4' ? 1 : 58, ...ends, icmp: { type, code } });
        packets.push({ direction, protocol: 47, ...ends });
      }
    }
  }
  packets.push(...(universe.extra ?? []));
  return packets;
}

/** How the probes differ from a well-formed first packet (for tests of the conntrack sysctls). */
export interface ProbeShape {
  /** TCP flags instead of SYN (0x10: a bare ACK). */
  readonly tcpFlags?: number;
  /** A wrong TCP/UDP/ICMP/ICMPv6 checksum: conntrack calls the packet INVALID (nf_conntrack_checksum=1, the default). */
  readonly badChecksum?: boolean;
}

/** Where probes go: a HostPair, or a RouterHosts (outbound probes then come from its inside namespace). */
export interface ProbeHosts {
  readonly host: Namespace;
  readonly peer: Namespace;
  readonly inside?: Namespace;
  /** The peer's end of the link, where link-local and multicast probes leave by (a HostPair's). */
  readonly peerLink?: string;
}

/**
 * A router and its two sides, for forward-view rulesets (Docker's): `peer` outside on `eth0` (10.0.0.0/8,
 * fd00::/64), `inside` a container on `docker0` (172.17.0.2/16, fd17::2/64), `host` forwarding between them with
 * the ruleset. Inbound probes go from the peer to the inside, outbound ones from the inside out; the observer in the
 * host's forward hook (priority 1000) records which got through, by the interface they came in on.
 */
export class RouterHosts implements ProbeHosts {
  readonly host = new Namespace('drouter');
  readonly peer = new Namespace('dout');
  readonly inside = new Namespace('dctr');

  constructor() {
    const link = (ns: Namespace, name: string): string => {
      const far = `twr${process.pid % 10000}x${++pairs}`;
      this.host.run('ip', ['link', 'add', name, 'type', 'veth', 'peer', 'name', far]);
      this.host.run('ip', ['link', 'set', far, 'netns', ns.name]);
      return far;
    };
    const up = (ns: Namespace, dev: string, v4: string, v6: string): string => {
      ns.run('ip', ['addr', 'add', v4, 'dev', dev]);
      ns.run('ip', ['-6', 'addr', 'add', v6, 'dev', dev, 'nodad']);
      ns.run('ip', ['link', 'set', dev, 'up']);
      // Spoofed sources (a witness's remote address) must reach the filter, not die in reverse-path filtering.
      ns.run('sysctl', ['-qw', 'net.ipv4.conf.all.rp_filter=0', `net.ipv4.conf.${dev}.rp_filter=0`]);
      return ns.run('cat', [`/sys/class/net/${dev}/address`]).trim();
    };
    // Permanent neighbours, as in HostPair: the container answers inbound probes (echo replies, resets) at once, not
    // after a neighbour resolution that could outlast the inbound phase and land its answers among the outbound probes.
    const neighbours = (ns: Namespace, dev: string, v4: string, v6: string, mac: string): void => {
      ns.run('ip', ['neigh', 'replace', v4, 'lladdr', mac, 'dev', dev, 'nud', 'permanent']);
      ns.run('ip', ['-6', 'neigh', 'replace', v6, 'lladdr', mac, 'dev', dev, 'nud', 'permanent']);
    };
    const outside = link(this.peer, HOST_INTERFACE);
    const inner = link(this.inside, 'docker0');
    const routerOutside = up(this.host, HOST_INTERFACE, `${HOST.ipv4}/8`, `${HOST.ipv6}/64`);
    const routerInside = up(this.host, 'docker0', '172.17.0.1/16', 'fd17::1/64');
    const peerMac = up(this.peer, outside, `${PEER.ipv4}/8`, `${PEER.ipv6}/64`);
    const containerMac = up(this.inside, inner, '172.17.0.2/16', 'fd17::2/64');
    neighbours(this.peer, outside, HOST.ipv4, HOST.ipv6, routerOutside);
    neighbours(this.host, HOST_INTERFACE, PEER.ipv4, PEER.ipv6, peerMac);
    neighbours(this.host, 'docker0', '172.17.0.2', 'fd17::2', containerMac);
    neighbours(this.inside, inner, '172.17.0.1', 'fd17::1', routerInside);
    this.host.run('sysctl', ['-qw', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1']);
    this.peer.run('ip', ['route', 'add', 'default', 'via', HOST.ipv4]);
    this.peer.run('ip', ['-6', 'route', 'add', 'default', 'via', HOST.ipv6]);
    this.inside.run('ip', ['route', 'add', 'default', 'via', '172.17.0.1']);
    this.inside.run('ip', ['-6', 'route', 'add', 'default', 'via', 'fd17::1']);
    this.host.run('ip', ['route', 'add', 'default', 'via', PEER.ipv4]);
    this.host.run('ip', ['-6', 'route', 'add', 'default', 'via', PEER.ipv6]);
  }

  /** Routes `address` (an inbound packet's destination) to the inside, so the router forwards to it by docker0. */
  adopt(address: string): void {
    const v6 = address.includes(':');
    this.host.run('ip', [...(v6 ? ['-6'] : []), 'route', 'replace', `${address}/${v6 ? 128 : 32}`, 'dev', 'docker0']);
  }

  /** The observer on the forward hook: in by eth0 is inbound, in by docker0 outbound. */
  observe(): void {
    const sets = ['in4', 'in6', 'out4', 'out6'].map((name) => `\tset ${name} { typeof ${name.endsWith('4') ? 'ip id' : 'ip6 flowlabel'}; flags dynamic; }`);
    const record = (direction: string, dev: string): string =>
      `\t\tiifname "${dev}" ip dscp 8 add @${direction}4 { ip id }\n\t\tiifname "${dev}" ip6 dscp 8 add @${direction}6 { ip6 flowlabel }`;
    const text = ['table inet twobs {', ...sets, `\tchain f { type filter hook forward priority 1000; policy accept;\n${record('in', HOST_INTERFACE)}\n${record('out', 'docker0')}\n\t}`, '}', ''].join('\n');
    this.host.run('nft', ['-f', this.host.file('observer.nft', text)]);
  }

  delete(): void {
    for (const ns of [this.host, this.peer, this.inside]) ns.delete();
  }
}

/**
 * Sends the packets (a fresh flow each) and returns, for each, whether it got past the host's filter chains. TCP
 * segments are SYNs unless a shape gives a packet's flag byte (the model carries none).
 */
export function kernelVerdicts(pair: ProbeHosts, packets: readonly Packet[], shapes: ProbeShape | readonly ProbeShape[] = {}): boolean[] {
  const shapeOf = (index: number): ProbeShape => (Array.isArray(shapes) ? (shapes as readonly ProbeShape[])[index] ?? {} : (shapes as ProbeShape));
  const probes = packets.map((packet, index) => ({
    ...(shapeOf(index).tcpFlags === undefined ? {} : { tcpFlags: shapeOf(index).tcpFlags }),
    ...(shapeOf(index).badChecksum ? { badChecksum: true } : {}),
    id: index + 1,
    direction: packet.direction,
    family: packet.src.includes(':') ? 'ipv6' : 'ipv4',
    protocol: packet.protocol,
    src: packet.src,
    dst: packet.dst,
    ...(packet.srcPort === undefined ? {} : { srcPort: packet.srcPort, dstPort: packet.dstPort }),
    ...(packet.icmp ? { type: packet.icmp.type, code: packet.icmp.code } : {}),
  }));
  const spec = join(pair.host.dir, 'probes.json');
  const links = pair.peerLink ? { peer: pair.peerLink, workload: HOST_INTERFACE } : {};
  writeFileSync(spec, JSON.stringify({ peer: pair.peer.name, workload: pair.host.name, ...(pair.inside ? { inside: pair.inside.name } : {}), links, probes }));
  const output = JSON.parse(execFileSync('python3', [PROBE_SCRIPT, spec], { encoding: 'utf8' })) as Record<'in' | 'out', string[]>;
  const passed = new Set([...output.in.map((id) => `in:${id}`), ...output.out.map((id) => `out:${id}`)]);
  const key = (probe: (typeof probes)[number]): string => `${probe.direction}:${probe.family === 'ipv4' ? '4' : '6'}:${probe.id}`;
  // Every id the observer recorded must be a probe's own: anything else is a packet the harness did not send (the
  // host's answers to inbound probes, which kernel-probe.py forgets before the outbound phase), and one could carry
  // the id of a dropped probe and make it look passed.
  const sent = new Set(probes.map(key));
  const strays = [...passed].filter((recorded) => !sent.has(recorded));
  if (strays.length > 0) throw new Error(`the observer recorded packets that are no probe of that direction: ${strays.join(', ')}`);
  return probes.map((probe) => passed.has(key(probe)));
}

export interface Disagreement {
  readonly packet: string;
  readonly kernel: 'accept' | 'drop';
  readonly tagwall: string;
}

/** The packets on which the kernel and `evaluate` disagree, readable. */
export function disagreements(ruleSet: RuleSet, packets: readonly Packet[], kernel: readonly boolean[]): Disagreement[] {
  const found: Disagreement[] = [];
  packets.forEach((packet, index) => {
    const verdict = evaluate(ruleSet, packet);
    if ((verdict.action === 'allow') !== kernel[index]) {
      found.push({ packet: formatPacket(packet), kernel: kernel[index] ? 'accept' : 'drop', tagwall: `${verdict.action} (${verdict.rule?.origin?.text ?? verdict.rule?.id ?? 'default'})` });
    }
  });
  return found;
}
