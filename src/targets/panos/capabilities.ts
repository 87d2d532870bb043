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
} as const;
