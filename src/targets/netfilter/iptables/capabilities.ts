import { CHAIN_NAME_MAX, SET_NAME_MAX } from '../common/names.js';
import type { Capabilities } from '../../target.js';

/**
 * targets.md §3.1–3.3: both directions (INPUT/OUTPUT, or FORWARD with the workload-side interface), every IP
 * protocol, ICMP types for ICMP over IPv4 and ICMPv6 over IPv6, both families (iptables + ip6tables), tags only as
 * expanded prefixes (ipset `hash:net`), no host names (rules hold addresses; dnsmasq-fed sets are an opt-in aid).
 */
export const IPTABLES_CAPABILITIES: Capabilities = {
  directions: ['in', 'out'],
  protocols: 'any',
  icmpTypes: true,
  families: ['ipv4', 'ipv6'],
  serviceTags: 'expanded',
  hosts: 'none',
  urlPaths: false,
  sourcePorts: true,
};

/** Limits from targets.md §3.1–3.3. */
export const IPTABLES_LIMITS = {
  /** `multiport`: 15 ports, a range counting two. */
  multiportSlots: 15,
  /** XT_MAX_COMMENT_LEN 256 with the NUL; 1.8.9 silently truncates to 255. */
  commentBytes: 255,
  chainName: CHAIN_NAME_MAX,
  setName: SET_NAME_MAX,
} as const;

/** Chain names: fixed, so reloading replaces them and the parser knows them. */
export const IPTABLES_CHAINS = { in: 'TAGWALL-IN', out: 'TAGWALL-OUT' } as const;
