/**
 * The hop limit (IPv6) and TTL (IPv4) of the model's packets, for `-m hl` and `-m ttl`.
 *
 * The packet model has no hop-limit dimension: a sender picks the value (Linux's default is 64, traceroute counts
 * up, a forwarded packet arrives with whatever is left), so a test of it is read both ways, as a rate limit is
 * (chains.ts: exact where both readings agree, refused with a packet where they differ). The exception is the
 * ICMPv6 link-local control messages, whose RFCs fix the value and whose receivers discard any other (Linux's
 * ndisc_rcv: "NDISC: invalid hop-limit"): the model's packet of those types is the one a host acts on, so a hop-limit
 * test on them is decided. That is what makes ufw's `--icmpv6-type 135 -m hl --hl-eq 255 -j ACCEPT` exact.
 * On the forward hook the hop limit has been decremented already (ip6_forward decrements before NF_INET_FORWARD)
 * and none of these messages is forwarded, so there every packet's hop limit is unknown.
 */
import { REPLIES } from '../../../analysis/rule-set.js';
import { IntervalSet } from '../../../model/intervals.js';
import { PacketSet, icmpTypeCodes } from '../../../model/packet-set.js';
import { PORT_DOMAIN, ProtocolSet } from '../../../model/ports.js';
import { AddressSet } from '../../../model/address-set.js';
import type { Hook } from './chains.js';

/** ICMPv6 types whose hop limit the RFCs fix, by that hop limit. */
export const ICMPV6_HOP_LIMITS: ReadonlyArray<readonly [hopLimit: number, types: readonly number[]]> = [
  // Neighbour discovery (RFC 4861 §6.1.1, §7.1.1, §8.1), inverse ND (RFC 3122 §4.1), SEND certification paths (RFC 3971 §6.4.1).
  [255, [133, 134, 135, 136, 137, 141, 142, 148, 149]],
  // MLD (RFC 2710 §3), MLDv2 reports (RFC 3810 §5), multicast router discovery (RFC 4286 §2).
  [1, [130, 131, 132, 143, 151, 152, 153]],
];

export type HopLimitOperator = 'eq' | 'lt' | 'gt';

/** One `--hl-eq|lt|gt N` / `--ttl-eq|lt|gt N` condition (only `eq` can be negated). */
export interface HopLimitCondition {
  readonly operator: HopLimitOperator;
  readonly value: number;
  readonly negated: boolean;
}

export function hopLimitHolds(conditions: readonly HopLimitCondition[], hopLimit: number): boolean {
  return conditions.every(({ operator, value, negated }) => {
    const holds = operator === 'eq' ? hopLimit === value : operator === 'lt' ? hopLimit < value : hopLimit > value;
    return holds !== negated;
  });
}

function icmpv6Types(types: readonly number[]): PacketSet {
  if (types.length === 0) return PacketSet.EMPTY;
  const icmp = types.reduce((set, type) => set.union(icmpTypeCodes(type)), IntervalSet.empty(PORT_DOMAIN));
  const v6 = AddressSet.allOf('ipv6');
  return PacketSet.of({ protocols: ProtocolSet.of(58), icmp, src: v6, dst: v6 });
}

/** The model's packets whose hop limit is known on `hook`. */
export function knownHopLimitPackets(hook: Hook): PacketSet {
  return hook === 'forward' ? PacketSet.EMPTY : icmpv6Types(ICMPV6_HOP_LIMITS.flatMap(([, types]) => types));
}

/**
 * The model's packets a router never forwards: the ICMPv6 messages whose RFCs fix hop limit 1 (MLD, multicast router
 * discovery). ip6_forward sends "time exceeded" for a hop limit of 1 or less before the forward hook sees the packet,
 * so no forward chain decides them (the differential's router namespace drops every one). Replies excluded (below).
 */
export function unforwardedPackets(): PacketSet {
  // Their ESTABLISHED/RELATED forms are no real packet (conntrack leaves these messages UNTRACKED): left to the
  // chains, as every reply is. Built on first use: importing the module (the CLI's start-up) builds nothing.
  unforwarded ??= icmpv6Types(ICMPV6_HOP_LIMITS.filter(([hopLimit]) => hopLimit <= 1).flatMap(([, types]) => types)).difference(REPLIES);
  return unforwarded;
}

let unforwarded: PacketSet | undefined;

/** Of the packets with a known hop limit on `hook`, those whose hop limit meets every condition. */
export function hopLimitMatches(conditions: readonly HopLimitCondition[], hook: Hook): PacketSet {
  if (hook === 'forward') return PacketSet.EMPTY;
  return icmpv6Types(ICMPV6_HOP_LIMITS.filter(([hopLimit]) => hopLimitHolds(conditions, hopLimit)).flatMap(([, types]) => types));
}
