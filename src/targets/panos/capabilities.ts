import type { Capabilities } from '../target.js';

/**
 * targets.md §4: security rules for both directions (zones given by the user), TCP/UDP services with port lists
 * [PANSVC] (every protocol only through `service any`; ICMP needs App-ID applications, §4.1, so it is not
 * generated), both families in address objects [PANAO], tags expanded to address objects or EDLs (§0: no service
 * tags), exact hosts as FQDN objects and wildcards as custom URL categories (§4.4, §4.5), URL paths in category
 * entries. Requirements carry no source ports.
 */
export const PANOS_CAPABILITIES: Capabilities = {
  directions: ['in', 'out'],
  protocols: ['tcp', 'udp'],
  icmpTypes: false,
  families: ['ipv4', 'ipv6'],
  serviceTags: 'expanded',
  hosts: 'wildcard',
  urlPaths: true,
  sourcePorts: false,
};

/** Sourced limits (targets.md §4.1–§4.6); per-model object limits are not published (§4.7). */
export const PANOS_LIMITS = {
  /** `port` strings of a service [CG]. */
  servicePortChars: 1023,
  /** Custom URL category entries [CNGFW]. */
  urlEntryChars: 255,
  descriptionChars: 1023,
  /** FQDN address objects on small platforms and every VM-Series [PANKB-FQDN1]. */
  fqdnObjects: 2000,
  /** Addresses an FQDN object keeps per family, PAN-OS ≥ 7.1 [WEB512]. */
  fqdnAddressesPerFamily: 32,
  /** External Dynamic List sources per firewall and IP entries on most models, 7.1 text [EDL71]. */
  externalLists: 30,
  /** The `url` of an External Dynamic List [CG]. */
  edlUrlChars: 255,
  externalListAddresses: 50000,
  /** Members per source/destination list (capirca's cap) [CAP-PAN]. */
  ruleMembers: 65535,
  /**
   * Members of one static address group. ⚠ 2,500 is the figure PAN-OS administrators cite (the commit refuses
   * more); no vendor page in the corpus states it (targets.md §4.7), and Strata Cloud Manager's SDK capped groups
   * at 2,048 before raising it to 4,096. Larger groups are split into nested groups of at most this many.
   */
  groupMembers: 2500,
  /** Object names (address, group, service, rule) [PANAF][PANSVC]; EDL names 31 (names.ts). */
  nameChars: 63,
} as const;

/**
 * Per platform class, the counts a vendor source gives (targets.md §4.4): FQDN address objects the firewall
 * resolves. Other per-model counts (address objects, rules) are not published in the corpus (§4.7) and are not
 * checked.
 */
export const PANOS_PLATFORMS = {
  /** Small platforms and every VM-Series [PANKB-FQDN1]. */
  vm: { fqdnObjects: 2000 },
  'pa-3200': { fqdnObjects: 2048 },
  large: { fqdnObjects: 6144 },
} as const;
export type PanosPlatform = keyof typeof PANOS_PLATFORMS;
