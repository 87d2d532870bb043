import type { Capabilities } from '../../target.js';

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

/** Azure's limits, shared with azure/common/validate.ts. */
export { UDR_LIMITS } from '../common/limits.js';
