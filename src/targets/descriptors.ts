/**
 * What the CLI needs of each target to declare its commands (id, formats, option schema) without loading the
 * translators: registry.ts imports every kit, which `tagwall --help`, `expand` or `render --target nftables` do not
 * need all of (issue 22: a CLI that starts like a small program). The kits' `options.ts` hold the schemas; ids and
 * formats are repeated here, and test/cli-lazy.test.ts checks this list against the registry, so they cannot drift.
 */
import type { OptionSchema } from './option-schema.js';
import { AML_OPTIONS } from './azure/managed-network/options.js';
import { FIREWALL_CLASSIC_OPTIONS, FIREWALL_POLICY_OPTIONS } from './azure/firewall/options.js';
import { IPTABLES_OPTIONS } from './netfilter/iptables/options.js';
import { NFTABLES_OPTIONS } from './netfilter/nftables/options.js';
import { NSG_OPTIONS } from './azure/nsg/options.js';
import { PANOS_OPTIONS } from './panos/options.js';
import { UDR_OPTIONS } from './azure/udr/options.js';

export interface TargetDescriptor {
  readonly id: string;
  readonly formats: readonly string[];
  readonly options: OptionSchema;
}

const AZURE = ['arm', 'bicep', 'terraform'];

/** Every registered target's declarations, in id order (the order of registry.ts `allTargets()`). */
export const TARGET_DESCRIPTORS: readonly TargetDescriptor[] = [
  { id: 'aml-managed-network', formats: ['arm', 'bicep', 'terraform', 'yaml'], options: AML_OPTIONS },
  { id: 'azure-firewall', formats: AZURE, options: FIREWALL_POLICY_OPTIONS },
  { id: 'azure-firewall-classic', formats: AZURE, options: FIREWALL_CLASSIC_OPTIONS },
  { id: 'iptables', formats: ['iptables-restore'], options: IPTABLES_OPTIONS },
  { id: 'nftables', formats: ['nft'], options: NFTABLES_OPTIONS },
  { id: 'nsg', formats: AZURE, options: NSG_OPTIONS },
  { id: 'panos', formats: ['xml', 'set'], options: PANOS_OPTIONS },
  { id: 'udr', formats: AZURE, options: UDR_OPTIONS },
];
