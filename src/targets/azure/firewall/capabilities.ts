import type { Capabilities } from '../../target.js';

/**
 * targets.md §1: rules read as outbound (the firewall as the egress point; application rules are outbound only,
 * §1.2); TCP/UDP/ICMP network rules without ICMP types; service tags by name as destinations only; host names
 * and `*.suffix` in application rules; URL paths on Premium; IPv6 in network rules only (preview, §1.7).
 */
export const FIREWALL_POLICY_CAPABILITIES: Capabilities = {
  directions: ['out'],
  protocols: ['tcp', 'udp', 'icmp'],
  icmpTypes: false,
  families: ['ipv4', 'ipv6'],
  serviceTags: 'named',
  hosts: 'wildcard',
  urlPaths: true,
  sourcePorts: false,
};

/** Classic rules: no IPv6 (§1.6 "dual-stack not supported on classic"), no target URLs. */
export const FIREWALL_CLASSIC_CAPABILITIES: Capabilities = { ...FIREWALL_POLICY_CAPABILITIES, families: ['ipv4'], urlPaths: false };

/** Azure's limits and refused tags, shared with azure/common/validate.ts. */
export { FIREWALL_LIMITS, TAGS_NOT_FOR_FIREWALL, firewallAcceptsTag } from '../common/limits.js';
