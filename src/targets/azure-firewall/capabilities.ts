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
 * rules, application-rule ports 0–64,000 (schema), one collection priority range 100–65,000; a rule collection
 * group of at most 2 MB (1 MB for policies created before July 2022).
 */
export const FIREWALL_LIMITS = {
  ipGroupEntries: 5000,
  ipGroups: 200,
  networkRulePairs: 20000,
  applicationPortMax: 64000,
  applicationPortsPerRule: 32,
  groupBytes: 2 * 1024 * 1024,
  groupBytesBefore2022: 1024 * 1024,
} as const;

/**
 * Tags Azure Firewall does not take as destinations: "Can use with Azure Firewall? No" on the service-tags overview
 * (targets.md §1.1; the 2023 page, ms.date 2023-01-26, adds AzureContainerAppsService, the AzurePlatform* tags,
 * GatewayManager, KustoAnalytics and MicrosoftPurviewPolicyDistribution to the 2021 page's Internet,
 * VirtualNetwork and AzureLoadBalancer). ⚠ AzureDatabricks is No in 2021 and Yes in 2023; expanding it stays
 * correct either way, naming it would fail to deploy if the 2021 text still holds. They are expanded to prefixes.
 */
export const TAGS_NOT_FOR_FIREWALL: readonly string[] = [
  'AzureContainerAppsService',
  'AzureDatabricks',
  'AzureLoadBalancer',
  'AzurePlatformDNS',
  'AzurePlatformIMDS',
  'AzurePlatformLKM',
  'GatewayManager',
  'Internet',
  'KustoAnalytics',
  'MicrosoftPurviewPolicyDistribution',
  'VirtualNetwork',
];

/** Does the firewall take this tag (or its regional form, `GatewayManager.EastUS` like `GatewayManager`) by name? */
export function firewallAcceptsTag(tag: string): boolean {
  const base = tag.split('.')[0]!.toLowerCase();
  return !TAGS_NOT_FOR_FIREWALL.some((other) => other.toLowerCase() === base);
}
