/**
 * ICMP and ICMPv6 types and codes: the names nft prints (`nft describe icmp type`, `icmpv6 type`, `icmp code`,
 * `icmpv6 code`) and iptables accepts, and the split of the packet model's `type << 8 | code` values into matches
 * a rule can carry (one type with every code, or one type and one code).
 */
import type { IntervalSet } from '../../model/intervals.js';

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
