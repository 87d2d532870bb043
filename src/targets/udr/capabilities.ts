import type { Capabilities } from '../target.js';

/**
 * A route table routes, it does not filter: it sends the return traffic of inbound flows from a service tag
 * straight to the Internet (targets.md §2.5). Its rule set is "inbound from these addresses", any protocol.
 */
export const UDR_CAPABILITIES: Capabilities = {
  directions: ['in'],
  protocols: 'any',
  icmpTypes: false,
  families: ['ipv4', 'ipv6'],
  serviceTags: 'named',
  hosts: 'none',
  urlPaths: false,
  sourcePorts: false,
};

/** §2.4/§2.5: 400 routes per table, of which at most 25 may name a service tag. */
export const UDR_LIMITS = { routes: 400, tagRoutes: 25 } as const;
