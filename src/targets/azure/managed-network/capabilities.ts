import type { Capabilities } from '../../target.js';

/**
 * The managed network's user-defined outbound rules (options.ts for the sources): outbound only (inbound is Azure
 * ML's own); service-tag rules name TCP, UDP, ICMP or any protocol with port ranges; FQDN rules take host names
 * (exact and `*.suffix`) for HTTP/HTTPS; no URL paths, ICMP types or source ports; IPv4 computes. Service tags by name where the
 * snapshot's networkFeatures list NSG (⚠ the managed network's service-tag rules are taken to be NSG rules).
 */
export const AML_CAPABILITIES: Capabilities = {
  directions: ['out'],
  protocols: ['tcp', 'udp', 'icmp'],
  icmpTypes: false,
  // ⚠ No Microsoft text found on IPv6 in the managed VNet: IPv4 only is claimed (an IPv6 compute source is reported).
  families: ['ipv4'],
  serviceTags: 'named',
  hosts: 'wildcard',
  urlPaths: false,
  sourcePorts: false,
};

/** FQDN rules allow HTTP and HTTPS: these two TCP ports, no other (options.ts). */
export const FQDN_RULE_PORTS = [80, 443] as const;
