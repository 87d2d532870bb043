/**
 * The target kits as the CLI reaches them: each kit's module is initialised when a run first asks for that kit
 * (kit-modules.ts), so `render --target nftables` initialises the nftables kit and not the seven others, iptables'
 * parser tables included (issue 22; registry.ts imports every kit, which the library API needs; operands.ts tells a
 * bare config file's kit without initialising the others). The Target objects are the registry's own (the same
 * modules).
 */
import { TagwallError } from '../errors.js';
import { nearest } from '../servicetags/suggest.js';
import { TARGET_DESCRIPTORS } from '../targets/descriptors.js';
import type { Target } from '../targets/target.js';
import { KIT_MODULES } from './kit-modules.js';

const KITS: Readonly<Record<string, () => Target>> = {
  'aml-managed-network': () => KIT_MODULES.managedNetwork().amlManagedNetworkTarget,
  'azure-firewall': () => KIT_MODULES.firewall().azureFirewallTarget,
  'azure-firewall-classic': () => KIT_MODULES.firewall().azureFirewallClassicTarget,
  iptables: () => KIT_MODULES.iptables().iptablesTarget,
  nftables: () => KIT_MODULES.nftables().nftablesTarget,
  nsg: () => KIT_MODULES.nsg().nsgTarget,
  panos: () => KIT_MODULES.panos().panosTarget,
  udr: () => KIT_MODULES.udr().udrTarget,
};

/** Whether `key` (lower case) names a kit: an own key of KITS, so `constructor` or `toString` is no target. */
function isKitId(key: string): boolean {
  return Object.prototype.hasOwnProperty.call(KITS, key);
}

/** Every target id, sorted (registry.ts `targetIds`). */
function targetIds(): string[] {
  return TARGET_DESCRIPTORS.map((target) => target.id).sort();
}

/** The target a user named (any case); TW_UNKNOWN_TARGET with the nearest ids, as registry.ts `findTarget` says it. */
export function kitOf(id: string): Target {
  const key = id.toLowerCase();
  if (!isKitId(key)) {
    throw new TagwallError('TW_UNKNOWN_TARGET', `unknown target '${id}' (targets: ${targetIds().join(', ') || 'none yet'})`, {
      suggestions: nearest(id, targetIds()),
    });
  }
  return KITS[key]!();
}

/** Every target, in id order (registry.ts `allTargets`). */
export function allKits(): Target[] {
  return targetIds().map((id) => kitOf(id));
}
