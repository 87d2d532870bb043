/**
 * ICMP and ICMPv6 types and codes: the names nft prints (`nft describe icmp type`, `icmpv6 type`, `icmp code`,
 * `icmpv6 code`, nftables 1.0.6), the names iptables and ip6tables accept, and the split of the packet model's
 * `type << 8 | code` values into matches a rule can carry (one type with every code, or one type and one code).
 */
import type { IntervalSet } from '../../../model/intervals.js';

export interface IcmpEntry {
  readonly type: number;
  /** Absent: every code of the type. */
  readonly code?: number;
}

export const ICMP_TYPES: Readonly<Record<string, number>> = {
  'echo-reply': 0,
  'destination-unreachable': 3,
  'source-quench': 4,
  redirect: 5,
  'echo-request': 8,
  'router-advertisement': 9,
  'router-solicitation': 10,
  'time-exceeded': 11,
  'parameter-problem': 12,
  'timestamp-request': 13,
  'timestamp-reply': 14,
  'info-request': 15,
  'info-reply': 16,
  'address-mask-request': 17,
  'address-mask-reply': 18,
};

export const ICMPV6_TYPES: Readonly<Record<string, number>> = {
  'destination-unreachable': 1,
  'packet-too-big': 2,
  'time-exceeded': 3,
  'parameter-problem': 4,
  'echo-request': 128,
  'echo-reply': 129,
  'mld-listener-query': 130,
  'mld-listener-report': 131,
  'mld-listener-done': 132,
  'mld-listener-reduction': 132,
  'nd-router-solicit': 133,
  'nd-router-advert': 134,
  'nd-neighbor-solicit': 135,
  'nd-neighbor-advert': 136,
  'nd-redirect': 137,
  'router-renumbering': 138,
  'ind-neighbor-solicit': 141,
  'ind-neighbor-advert': 142,
  'mld2-listener-report': 143,
};

export const ICMP_CODES: Readonly<Record<string, number>> = {
  'net-unreachable': 0,
  'host-unreachable': 1,
  'prot-unreachable': 2,
  'port-unreachable': 3,
  'frag-needed': 4,
  'net-prohibited': 9,
  'host-prohibited': 10,
  'admin-prohibited': 13,
};

export const ICMPV6_CODES: Readonly<Record<string, number>> = {
  'no-route': 0,
  'admin-prohibited': 1,
  'addr-unreachable': 3,
  'port-unreachable': 4,
  'policy-fail': 5,
  'reject-route': 6,
};

/**
 * The names `iptables -p icmp --icmp-type` accepts (`iptables -p icmp -h`, iptables 1.8.9, each checked against what
 * `iptables-save` prints for it): a type alone, or `[type, code]`. They differ from nft's (no info-request, code names
 * of their own).
 */
export const IPTABLES_ICMP_NAMES: Readonly<Record<string, number | readonly [number, number]>> = {
  'echo-reply': 0, pong: 0,
  'destination-unreachable': 3, 'network-unreachable': [3, 0], 'host-unreachable': [3, 1], 'protocol-unreachable': [3, 2],
  'port-unreachable': [3, 3], 'fragmentation-needed': [3, 4], 'source-route-failed': [3, 5], 'network-unknown': [3, 6],
  'host-unknown': [3, 7], 'network-prohibited': [3, 9], 'host-prohibited': [3, 10], 'TOS-network-unreachable': [3, 11],
  'TOS-host-unreachable': [3, 12], 'communication-prohibited': [3, 13], 'host-precedence-violation': [3, 14], 'precedence-cutoff': [3, 15],
  'source-quench': 4,
  redirect: 5, 'network-redirect': [5, 0], 'host-redirect': [5, 1], 'TOS-network-redirect': [5, 2], 'TOS-host-redirect': [5, 3],
  'echo-request': 8, ping: 8, 'router-advertisement': 9, 'router-solicitation': 10,
  'time-exceeded': 11, 'ttl-exceeded': 11, 'ttl-zero-during-transit': [11, 0], 'ttl-zero-during-reassembly': [11, 1],
  'parameter-problem': 12, 'ip-header-bad': [12, 0], 'required-option-missing': [12, 1],
  'timestamp-request': 13, 'timestamp-reply': 14, 'address-mask-request': 17, 'address-mask-reply': 18,
};

/** The names `ip6tables -p ipv6-icmp --icmpv6-type` accepts (`ip6tables -p ipv6-icmp -h`, checked the same way). */
export const IP6TABLES_ICMPV6_NAMES: Readonly<Record<string, number | readonly [number, number]>> = {
  'destination-unreachable': 1, 'no-route': [1, 0], 'communication-prohibited': [1, 1], 'beyond-scope': [1, 2],
  'address-unreachable': [1, 3], 'port-unreachable': [1, 4], 'failed-policy': [1, 5], 'reject-route': [1, 6],
  'packet-too-big': 2,
  'time-exceeded': 3, 'ttl-exceeded': 3, 'ttl-zero-during-transit': [3, 0], 'ttl-zero-during-reassembly': [3, 1],
  'parameter-problem': 4, 'bad-header': [4, 0], 'unknown-header-type': [4, 1], 'unknown-option': [4, 2],
  'echo-request': 128, ping: 128, 'echo-reply': 129, pong: 129,
  'router-solicitation': 133, 'router-advertisement': 134,
  'neighbour-solicitation': 135, 'neighbor-solicitation': 135, 'neighbour-advertisement': 136, 'neighbor-advertisement': 136,
  redirect: 137,
};

/** The values of an ICMP dimension as whole types and single type/code pairs, in order. */
export function icmpEntries(values: IntervalSet): IcmpEntry[] {
  const entries: IcmpEntry[] = [];
  for (const [lo, hi] of values.ranges()) {
    for (let type = lo >> 8; type <= hi >> 8; type++) {
      const first = type === lo >> 8 ? lo & 255 : 0;
      const last = type === hi >> 8 ? hi & 255 : 255;
      if (first === 0 && last === 255) entries.push({ type });
      else for (let code = first; code <= last; code++) entries.push({ type, code });
    }
  }
  return entries;
}
