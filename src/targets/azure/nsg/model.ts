/** The NSG object model every format is rendered from (targets.md §2.1). */
import type { SnapshotInfo } from '../../../servicetags/snapshot.js';

export type NsgProtocol = 'Tcp' | 'Udp' | 'Icmp' | 'Esp' | 'Ah' | '*';
export type NsgDirection = 'Inbound' | 'Outbound';

export interface NsgRule {
  readonly name: string;
  readonly description: string;
  readonly priority: number;
  readonly direction: NsgDirection;
  readonly access: 'Allow' | 'Deny';
  readonly protocol: NsgProtocol;
  /** `*`, one tag, or prefixes of one family. */
  readonly sourcePrefixes: readonly string[];
  readonly destinationPrefixes: readonly string[];
  readonly sourcePorts: readonly string[];
  readonly destinationPorts: readonly string[];
}

export interface NsgModel {
  readonly rules: readonly NsgRule[];
  readonly snapshot: Pick<SnapshotInfo, 'cloud' | 'changeNumber'>;
  readonly requirementsName: string;
}

/** The six rules Azure adds to every NSG, exact API names (targets.md §2.2, NSGEX). */
export const DEFAULT_SECURITY_RULES: readonly NsgRule[] = [
  ['AllowVnetInBound', 'Inbound', 65000, 'VirtualNetwork', 'VirtualNetwork', 'Allow', 'Allow inbound traffic from all VMs in VNET'],
  ['AllowAzureLoadBalancerInBound', 'Inbound', 65001, 'AzureLoadBalancer', '*', 'Allow', 'Allow inbound traffic from azure load balancer'],
  ['DenyAllInBound', 'Inbound', 65500, '*', '*', 'Deny', 'Deny all inbound traffic'],
  ['AllowVnetOutBound', 'Outbound', 65000, 'VirtualNetwork', 'VirtualNetwork', 'Allow', 'Allow outbound traffic from all VMs to all VMs in VNET'],
  ['AllowInternetOutBound', 'Outbound', 65001, '*', 'Internet', 'Allow', 'Allow outbound traffic from all VMs to Internet'],
  ['DenyAllOutBound', 'Outbound', 65500, '*', '*', 'Deny', 'Deny all outbound traffic'],
].map(([name, direction, priority, source, destination, access, description]) => ({
  name: name as string,
  description: description as string,
  priority: priority as number,
  direction: direction as NsgDirection,
  access: access as 'Allow' | 'Deny',
  protocol: '*' as const,
  sourcePrefixes: [source as string],
  destinationPrefixes: [destination as string],
  sourcePorts: ['*'],
  destinationPorts: ['*'],
}));
