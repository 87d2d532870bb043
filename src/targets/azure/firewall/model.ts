/** The Azure Firewall object model: one model for policy rule collection groups and classic rule collections. */
import type { SnapshotInfo } from '../../../servicetags/snapshot.js';

export type Flavor = 'policy' | 'classic';
export type NetworkProtocol = 'TCP' | 'UDP' | 'ICMP' | 'Any';

export interface NetworkRule {
  readonly kind: 'network';
  readonly name: string;
  readonly description: string;
  readonly protocols: readonly NetworkProtocol[];
  readonly sourceAddresses: readonly string[];
  /** IP Group names (resources of this template). */
  readonly sourceIpGroups: readonly string[];
  /** Addresses or tag names, never both in one rule (§1.1). */
  readonly destinationAddresses: readonly string[];
  readonly destinationIpGroups: readonly string[];
  /** Exact host names, resolved by the firewall's DNS proxy (§1.3, FQDNNR); never next to addresses in one rule. */
  readonly destinationFqdns: readonly string[];
  readonly destinationPorts: readonly string[];
}

export interface ApplicationRule {
  readonly kind: 'application';
  readonly name: string;
  readonly description: string;
  readonly protocols: ReadonlyArray<{ readonly protocolType: 'Http' | 'Https'; readonly port: number }>;
  readonly sourceAddresses: readonly string[];
  readonly sourceIpGroups: readonly string[];
  readonly targetFqdns: readonly string[];
  readonly targetUrls: readonly string[];
}

export interface RuleCollection<R> {
  readonly name: string;
  readonly priority: number;
  readonly action: 'Allow' | 'Deny';
  readonly rules: readonly R[];
}

export interface IpGroup {
  readonly name: string;
  readonly addresses: readonly string[];
}

/**
 * Policy-level settings the rules need, declared with the policy itself (a PUT of the policy replaces its
 * settings, so they are merged into the user's policy definition): the DNS proxy for network-rule FQDNs, and
 * Premium TLS inspection's CA (from Key Vault, read through a user-assigned identity) for target URLs.
 */
export interface PolicySettings {
  readonly tier: 'Standard' | 'Premium' | 'Basic';
  readonly dnsProxy: boolean;
  readonly tlsInspection: boolean;
}

export interface FirewallModel {
  readonly flavor: Flavor;
  /** The rule collection group's default name (a template parameter) and its priority. */
  readonly groupName: string;
  readonly groupPriority: number;
  /** Policy flavor: the policy resource to declare, when rules need its settings. */
  readonly policySettings?: PolicySettings;
  /** Classic flavor: the firewall's DNS proxy, for network-rule FQDNs. */
  readonly classicDnsProxy: boolean;
  readonly network: readonly RuleCollection<NetworkRule>[];
  readonly application: readonly RuleCollection<ApplicationRule>[];
  readonly ipGroups: readonly IpGroup[];
  readonly snapshot: Pick<SnapshotInfo, 'cloud' | 'changeNumber'>;
  readonly requirementsName: string;
}
