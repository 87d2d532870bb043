import type { Capabilities } from '../../target.js';

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

/** Azure's limits, shared with azure/common/validate.ts. */
export { NSG_LIMITS } from '../common/limits.js';
