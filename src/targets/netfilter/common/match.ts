/**
 * One rule's conditions while a parser reads it, for iptables and nftables alike: each condition narrows one
 * dimension of the packet model, conditions the model has no dimension for follow fixed rules:
 * - connection state: the packet model's conntrack state (NEW, INVALID, UNTRACKED, ESTABLISHED, RELATED).
 * - interfaces: the model's packets carry none. Loopback never carries them (they cross a real interface); any
 *   other name needs the `interface` option (the interface workload traffic uses), else TW_UNSUPPORTED_CONFIG. On
 *   a router (forward) a name on the outside needs `outsideInterface` as well: the model cannot tell otherwise.
 */
import { TagwallError } from '../../../errors.js';
import { AddressSet } from '../../../model/address-set.js';
import type { IntervalSet } from '../../../model/intervals.js';
import type { Family } from '../../../model/ip.js';
import { PacketSet } from '../../../model/packet-set.js';
import { CONN_STATES, type ConnState, type Direction } from '../../../model/packet.js';
import type { PortSet, ProtocolSet } from '../../../model/ports.js';
import type { RuleOrigin } from '../../../analysis/rule-set.js';
import { hookDirections, locationOf, type ChainRule, type Hook } from './chains.js';
import type { NetfilterOptions } from './options.js';

export interface InterfaceMatch {
  readonly kind: 'in' | 'out';
  readonly name: string;
  readonly negated: boolean;
}

export interface MatchState {
  family?: Family;
  protocols?: ProtocolSet;
  src?: AddressSet;
  dst?: AddressSet;
  srcPorts?: PortSet;
  dstPorts?: PortSet;
  icmp?: IntervalSet;
  /** `multiport --ports`: the source or the destination port is in the set. */
  eitherPorts?: PortSet;
  /** Connection-tracking states admitted; undefined: every state. */
  states?: readonly ConnState[];
  /** `-m addrtype --dst-type` conditions, read per hook (see addressTypes). */
  dstTypes?: Array<{ readonly types: readonly string[]; readonly negated: boolean }>;
  /**
   * A rate or count limit (`limit`, `-m limit`, `hashlimit`, `connlimit`, `recent`, nft meters, quotas and dynamic
   * sets): whether it holds depends on the traffic, not the packet. `rate over`: the rule matches over the limit
   * (`--hashlimit-above`, `--connlimit-above`).
   */
  limited?: 'rate' | 'rate over';
  /**
   * `--tcp-flags MASK COMP` / `--syn` / nft `tcp flags` conditions (bits FIN 1, SYN 2, RST 4, PSH 8, ACK 16, URG 32,
   * ECE 64, CWR 128): flags & mask equals the comparison (or one of a list, nft `tcp flags { syn, ack }`).
   */
  tcpFlags?: Array<{ readonly mask: number; readonly comparison: number | readonly number[]; readonly negated: boolean }>;
  /** A condition no packet of the model meets (a loopback interface, two families). */
  never?: boolean;
  readonly interfaces: InterfaceMatch[];
}

export function emptyMatch(): MatchState {
  return { interfaces: [] };
}

export function narrowProtocols(state: MatchState, protocols: ProtocolSet): void {
  state.protocols = state.protocols ? state.protocols.intersection(protocols) : protocols;
}
export function narrowAddresses(state: MatchState, side: 'src' | 'dst', addresses: AddressSet): void {
  const current = state[side];
  state[side] = current ? current.intersection(addresses) : addresses;
}
export function narrowPorts(state: MatchState, side: 'srcPorts' | 'dstPorts', ports: PortSet): void {
  const current = state[side];
  state[side] = current ? current.intersection(ports) : ports;
}
export function narrowIcmp(state: MatchState, values: IntervalSet): void {
  state.icmp = state.icmp ? state.icmp.intersection(values) : values;
}

/** The states each syntax knows (`-m state -h`, `-m conntrack -h`, `nft describe ct state`). */
const CONNECTION_STATES = {
  state: ['INVALID', 'ESTABLISHED', 'NEW', 'RELATED', 'UNTRACKED'],
  ctstate: ['INVALID', 'ESTABLISHED', 'NEW', 'RELATED', 'UNTRACKED', 'SNAT', 'DNAT'],
  nft: ['invalid', 'established', 'new', 'related', 'untracked'],
} as const;

/**
 * `ct state` / `--ctstate` / `--state`: narrows the state dimension to the listed states (or the others, negated).
 * SNAT and DNAT are conntrack's "the nat table rewrote this connection" flags, not states: the model does not
 * follow the nat table, so a list naming them is `fail`ed rather than guessed. A name the syntax lacks is `fail`ed.
 */
export function narrowConnectionState(
  state: MatchState,
  states: readonly string[],
  negated: boolean,
  syntax: keyof typeof CONNECTION_STATES,
  fail: (message: string) => Error,
): void {
  const known: readonly string[] = CONNECTION_STATES[syntax];
  // iptables reads state names in any case; nft only in its own lower case.
  states = syntax === 'nft' ? states : states.map((name) => name.toUpperCase());
  const unknown = states.filter((name) => !known.includes(name));
  if (unknown.length > 0 || states.length === 0) throw fail(`connection state '${unknown.join(',')}' is not one of ${known.join(', ')}`);
  if (states.some((name) => name === 'SNAT' || name === 'DNAT')) {
    throw fail('a SNAT/DNAT state match depends on the nat table, which the model does not follow');
  }
  const listed = new Set(states.map((name) => name.toLowerCase()));
  narrowStates(state, CONN_STATES.filter((name) => listed.has(name) !== negated));
}

export function narrowStates(state: MatchState, states: readonly ConnState[]): void {
  state.states = state.states ? state.states.filter((name) => states.includes(name)) : states;
}

/** Link-layer packet types (`pkttype`, `-m pkttype`), read from the destination address (see narrowPacketType). */
const PACKET_TYPE_ADDRESSES = {
  multicast: AddressSet.parse('224.0.0.0/4, ff00::/8'),
  broadcast: AddressSet.parse('255.255.255.255'),
} as const;
export const PACKET_TYPES = ['host', 'unicast', 'broadcast', 'multicast'] as const;

/**
 * `pkttype host|unicast|broadcast|multicast`: the model's packets carry no link-layer header, so the type is read
 * from the destination: multicast 224.0.0.0/4 and ff00::/8, broadcast 255.255.255.255, host (unicast) the rest.
 * Approximation: a subnet-directed broadcast (10.0.0.255 on a /24) is taken as host.
 */
export function narrowPacketType(state: MatchState, types: readonly string[], negated: boolean, fail: (message: string) => Error): void {
  let addresses = AddressSet.EMPTY;
  for (const type of types) {
    if (!(PACKET_TYPES as readonly string[]).includes(type)) throw fail(`packet type '${type}' is not one of ${PACKET_TYPES.join(', ')}`);
    addresses = addresses.union(
      type === 'multicast' || type === 'broadcast'
        ? PACKET_TYPE_ADDRESSES[type]
        : AddressSet.ALL.difference(PACKET_TYPE_ADDRESSES.multicast).difference(PACKET_TYPE_ADDRESSES.broadcast),
    );
  }
  narrowAddresses(state, 'dst', negated ? AddressSet.ALL.difference(addresses) : addresses);
}

/**
 * The TCP flags of the model's segments, by state: a first packet (NEW, UNTRACKED) is a SYN, an ESTABLISHED one
 * carries ACK; a RELATED or INVALID segment may carry anything (an FTP data SYN, an unsolicited SYN-ACK or RST), so
 * flag conditions are decided for the first three states and left to both readings (chainsToRuleSet) for these.
 */
export const TCP_FLAG_STATES: ReadonlyArray<readonly [ConnState, number]> = [['new', 2], ['untracked', 2], ['established', 16]];
export const TCP_FLAGS_UNKNOWN: readonly ConnState[] = ['related', 'invalid'];

export function tcpFlagsHold(state: MatchState, flags: number): boolean {
  return (state.tcpFlags ?? []).every((condition) => {
    const masked = flags & condition.mask;
    const equal = typeof condition.comparison === 'number' ? masked === condition.comparison : condition.comparison.includes(masked);
    return equal !== condition.negated;
  });
}

/**
 * A rule with TCP flag conditions as chain rules: exact for the states whose flags the model knows, and a second
 * rule, read both ways, for RELATED and INVALID segments (TCP_FLAG_STATES).
 */
export function withTcpFlags(rule: ChainRule, state: MatchState, options: NetfilterOptions, origin: RuleOrigin): ChainRule[] {
  if (!state.tcpFlags) return [rule];
  const known: MatchState = { ...state, interfaces: [...state.interfaces] };
  narrowStates(known, TCP_FLAG_STATES.filter(([, flags]) => tcpFlagsHold(state, flags)).map(([name]) => name));
  const unknown: MatchState = { ...state, interfaces: [...state.interfaces] };
  narrowStates(unknown, TCP_FLAGS_UNKNOWN);
  return [
    { ...rule, match: (hook) => matchPackets(known, hook, options, origin) },
    { ...rule, match: (hook) => matchPackets(unknown, hook, options, origin), limited: rule.limited ?? 'tcp flags' },
  ];
}

export const ADDRESS_TYPES = ['LOCAL', 'UNICAST', 'BROADCAST', 'MULTICAST'] as const;

/**
 * `-m addrtype --dst-type` on a hook, for the model's packets: a packet reaching input was routed to this host, so
 * LOCAL there is every unicast destination; a packet on output or forward goes to another host, so LOCAL is none
 * (loopback traffic is not modelled). UNICAST, BROADCAST and MULTICAST are read as `pkttype` reads them.
 */
function addressTypes(types: readonly string[], hook: Hook): AddressSet {
  const unicast = AddressSet.ALL.difference(PACKET_TYPE_ADDRESSES.multicast).difference(PACKET_TYPE_ADDRESSES.broadcast);
  return types.reduce((set, type) => {
    if (type === 'LOCAL') return hook === 'input' ? set.union(unicast) : set;
    if (type === 'UNICAST') return set.union(unicast);
    return set.union(type === 'MULTICAST' ? PACKET_TYPE_ADDRESSES.multicast : PACKET_TYPE_ADDRESSES.broadcast);
  }, AddressSet.EMPTY);
}

function interfaceMatches(pattern: string, name: string): boolean {
  return pattern.endsWith('+') ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

/** The directions (of those `hook` judges) a single interface condition admits. */
function interfaceDirections(match: InterfaceMatch, hook: Hook, options: NetfilterOptions, origin: RuleOrigin): readonly Direction[] {
  const judged = hookDirections(options.chainHook, hook);
  let admitted: readonly Direction[];
  if (interfaceMatches(match.name, 'lo')) admitted = [];
  // A packet arriving (input, nft prerouting) has no output interface yet, one the host sends (output, nft
  // postrouting) no input one: the kernel reads the name as "" and the index as 0 (nft_meta.c), which no name meets.
  else if ((hook === 'input' && match.kind === 'out') || (hook === 'output' && match.kind === 'in')) admitted = [];
  else if (options.interface === undefined) {
    throw new TagwallError(
      'TW_UNSUPPORTED_CONFIG',
      `the rule matches interface '${match.name}', and tagwall's packets carry no interface: pass interface=NAME (the interface workload traffic uses)`,
      { location: locationOf(origin) },
    );
  } else if (hook === 'forward') {
    // A router: outbound enters by the workload interface and leaves by the outside one, inbound the other way round.
    const workload = options.interface;
    admitted = judged.filter((direction) => {
      const name = (match.kind === 'in') === (direction === 'out') ? workload : options.outsideInterface;
      if (name !== undefined) return interfaceMatches(match.name, name);
      // The outside interface is not known: only the workload's own name is known not to be it.
      if (match.name === workload) return false;
      throw new TagwallError(
        'TW_UNSUPPORTED_CONFIG',
        `the rule matches ${match.kind === 'in' ? 'input' : 'output'} interface '${match.name}' on the outside of the router: pass outsideInterface=NAME (the interface the other side uses)`,
        { location: locationOf(origin) },
      );
    });
  } else if (!interfaceMatches(match.name, options.interface)) admitted = [];
  else admitted = judged;
  return match.negated ? judged.filter((direction) => !admitted.includes(direction)) : admitted;
}

/** The packets a finished match admits on `hook`, within the family it is confined to. */
export function matchPackets(state: MatchState, hook: Hook, options: NetfilterOptions, origin: RuleOrigin): PacketSet {
  if (state.never) return PacketSet.EMPTY;
  let directions: readonly Direction[] = hookDirections(options.chainHook, hook);
  for (const match of state.interfaces) {
    const admitted = interfaceDirections(match, hook, options, origin);
    directions = directions.filter((direction) => admitted.includes(direction));
  }
  if (directions.length === 0) return PacketSet.EMPTY;
  const family = state.family ? AddressSet.allOf(state.family) : AddressSet.ALL;
  let dst = state.dst ? state.dst.intersection(family) : family;
  for (const condition of state.dstTypes ?? []) {
    const typed = addressTypes(condition.types, hook);
    dst = dst.intersection(condition.negated ? AddressSet.ALL.difference(typed) : typed);
  }
  const spec = {
    directions,
    ...(state.protocols ? { protocols: state.protocols } : {}),
    src: state.src ? state.src.intersection(family) : family,
    dst,
    ...(state.srcPorts ? { srcPorts: state.srcPorts } : {}),
    ...(state.dstPorts ? { dstPorts: state.dstPorts } : {}),
    ...(state.icmp ? { icmp: state.icmp } : {}),
    ...(state.states ? { states: state.states } : {}),
  };
  if (!state.eitherPorts) return PacketSet.of(spec);
  const either = state.eitherPorts;
  return PacketSet.of({ ...spec, dstPorts: spec.dstPorts ? spec.dstPorts.intersection(either) : either }).union(
    PacketSet.of({ ...spec, srcPorts: spec.srcPorts ? spec.srcPorts.intersection(either) : either }),
  );
}
