/**
 * Azure's documented limits and the tags Azure Firewall refuses: facts of the platform, not choices of a target.
 * The translators read them (through their capabilities.ts, which re-exports them) and so do the shared checks in
 * validate.ts; kept here so that shared code never imports from a target.
 */

/** Security rules per NSG, address prefixes per rule side, the rule priority range (targets.md §2.4, VNL; §2.1). */
export const NSG_LIMITS = { rules: 1000, prefixesPerSide: 4000, firstPriority: 100, lastPriority: 4096 } as const;

/** §2.4/§2.5: 400 routes per table, of which at most 25 may name a service tag. */
export const UDR_LIMITS = { routes: 400, tagRoutes: 25 } as const;

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
  firstPriority: 100,
  lastPriority: 65000,
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
