import type { Capabilities } from '../target.js';

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

/**
 * §1.4/§1.5: 5,000 entries per IP Group, 200 groups per firewall, 20,000 source×destination pairs in network
 * rules, application-rule ports 0–64,000 (schema), one collection priority range 100–65,000.
 */
export const FIREWALL_LIMITS = {
  ipGroupEntries: 5000,
  ipGroups: 200,
  networkRulePairs: 20000,
  applicationPortMax: 64000,
  applicationPortsPerRule: 32,
} as const;

/**
 * Tags Azure Firewall does not take (service-tags overview, "usable with Azure Firewall" = No, targets.md §1.1,
 * STO21); they are expanded to prefixes instead.
 */
export const TAGS_NOT_FOR_FIREWALL: readonly string[] = ['Internet', 'VirtualNetwork', 'AzureLoadBalancer', 'AzureDatabricks'];
