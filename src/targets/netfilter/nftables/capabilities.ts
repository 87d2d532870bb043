import type { Capabilities } from '../../target.js';

/**
 * targets.md §3.4: one `inet` table covers both families; every IP protocol, ICMP types for ICMP over IPv4 and
 * ICMPv6 over IPv6, tags as expanded interval sets, no host names (dnsmasq `nftset=` is an opt-in aid).
 */
export const NFTABLES_CAPABILITIES: Capabilities = {
  directions: ['in', 'out'],
  protocols: 'any',
  icmpTypes: true,
  families: ['ipv4', 'ipv6'],
  serviceTags: 'expanded',
  hosts: 'none',
  urlPaths: false,
  sourcePorts: true,
};

/** targets.md §3.4: rule comments ≤ 128 characters (EMP), no way to escape `"` inside them. */
export const NFTABLES_LIMITS = { commentBytes: 128 } as const;

export const NFTABLES_TABLE = 'tagwall';
export const NFTABLES_CHAINS = { in: 'input', out: 'output', forward: 'forward' } as const;
