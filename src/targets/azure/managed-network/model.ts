/** The managed network's object model: isolation mode, firewall SKU and user-defined outbound rules. */
import type { SnapshotInfo } from '../../../servicetags/snapshot.js';
import type { FirewallSku, IsolationMode } from './options.js';

export type ServiceTagProtocol = 'TCP' | 'UDP' | 'ICMP' | '*';

export type OutboundRule =
  | { readonly type: 'FQDN'; readonly name: string; readonly destination: string }
  | {
      readonly type: 'ServiceTag';
      readonly name: string;
      /** A tag name; absent when `addressPrefixes` carries the addresses (then the service tag is ignored). */
      readonly serviceTag?: string;
      readonly addressPrefixes?: readonly string[];
      readonly protocol: ServiceTagProtocol;
      /** `*`, or `80, 8080-8089`. */
      readonly portRanges: string;
    }
  | { readonly type: 'PrivateEndpoint'; readonly name: string; readonly serviceResourceId: string; readonly subresourceTarget: string; readonly sparkEnabled: boolean };

export interface ManagedNetworkModel {
  readonly isolationMode: IsolationMode;
  readonly firewallSku: FirewallSku;
  readonly rules: readonly OutboundRule[];
  readonly snapshot: Pick<SnapshotInfo, 'cloud' | 'changeNumber'>;
  readonly requirementsName: string;
}

/** The API and az CLI spellings of a rule type. */
export const RULE_TYPES = { FQDN: 'fqdn', ServiceTag: 'service_tag', PrivateEndpoint: 'private_endpoint' } as const;
export const MODE_SNAKE: Readonly<Record<IsolationMode, string>> = { AllowOnlyApprovedOutbound: 'allow_only_approved_outbound', AllowInternetOutbound: 'allow_internet_outbound' };
