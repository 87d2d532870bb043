import type { Capabilities } from '../target.js';

/** targets.md §2.1–2.4: both directions, Tcp/Udp/Icmp/Esp/Ah/`*`, no ICMP types, tags by name, no host names. */
export const NSG_CAPABILITIES: Capabilities = {
  directions: ['in', 'out'],
  protocols: ['tcp', 'udp', 'icmp'],
  icmpTypes: false,
  families: ['ipv4', 'ipv6'],
  serviceTags: 'named',
  hosts: 'none',
  urlPaths: false,
  sourcePorts: true,
};

/** Security rules per NSG, address prefixes per rule side (targets.md §2.4, VNL). */
export const NSG_LIMITS = { rules: 1000, prefixesPerSide: 4000, firstPriority: 100, lastPriority: 4096 } as const;
