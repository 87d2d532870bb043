/**
 * The target kits as the CLI's `render` reaches them: one dynamic import per kit, so `render --target nftables`
 * initialises the nftables kit and not the seven others, iptables' parser tables included (issue 22; in the one
 * CLI bundle an import() is a lazy module initialiser, so a kit of its own costs no file; registry.ts imports every
 * kit, which the library API needs; the analysis commands load the kits their operands name, operands.ts
 * `kitIdsOfOperands`). `loadKits` before use; `kitOf` then answers synchronously, with registry.ts
 * `findTarget`'s error for an unknown id. The Target objects are the registry's own (the same modules).
 */
import { TagwallError } from '../errors.js';
import { nearest } from '../servicetags/suggest.js';
import { TARGET_DESCRIPTORS } from '../targets/descriptors.js';
import type { Target } from '../targets/target.js';

const KITS: Readonly<Record<string, () => Promise<Target>>> = {
  'aml-managed-network': async () => (await import('../targets/azure/managed-network/index.js')).amlManagedNetworkTarget,
  'azure-firewall': async () => (await import('../targets/azure/firewall/index.js')).azureFirewallTarget,
  'azure-firewall-classic': async () => (await import('../targets/azure/firewall/index.js')).azureFirewallClassicTarget,
  iptables: async () => (await import('../targets/netfilter/iptables/index.js')).iptablesTarget,
  nftables: async () => (await import('../targets/netfilter/nftables/index.js')).nftablesTarget,
  nsg: async () => (await import('../targets/azure/nsg/index.js')).nsgTarget,
  panos: async () => (await import('../targets/panos/index.js')).panosTarget,
  udr: async () => (await import('../targets/azure/udr/index.js')).udrTarget,
};

const loaded = new Map<string, Target>();

/** Whether `key` (lower case) names a kit: an own key of KITS, so `constructor` or `toString` is no target. */
function isKitId(key: string): boolean {
  return Object.prototype.hasOwnProperty.call(KITS, key);
}

/** Every target id, sorted (registry.ts `targetIds`). */
function targetIds(): string[] {
  return TARGET_DESCRIPTORS.map((target) => target.id).sort();
}

/** The known ids `--target` values name (`all`: every one); unknown ones are left for kitOf to refuse. */
export function kitIdsNamed(values: readonly string[]): string[] {
  return values.flatMap((value) => (value.toLowerCase() === 'all' ? targetIds() : isKitId(value.toLowerCase()) ? [value.toLowerCase()] : []));
}

export function kitsLoaded(ids: readonly string[]): boolean {
  return ids.every((id) => loaded.has(id));
}

/** Imports the kits of these ids (every kit when none are given). */
export async function loadKits(ids: readonly string[] = Object.keys(KITS)): Promise<void> {
  await Promise.all(ids.map(async (id) => void loaded.set(id, await KITS[id]!())));
}

/** The target a user named (any case); TW_UNKNOWN_TARGET with the nearest ids, as registry.ts `findTarget` says it. */
export function kitOf(id: string): Target {
  const key = id.toLowerCase();
  if (!isKitId(key)) {
    throw new TagwallError('TW_UNKNOWN_TARGET', `unknown target '${id}' (targets: ${targetIds().join(', ') || 'none yet'})`, {
      suggestions: nearest(id, targetIds()),
    });
  }
  const target = loaded.get(key);
  if (!target) throw new Error(`target ${key} used before loadKits imported it`);
  return target;
}

/** Every target, in id order (registry.ts `allTargets`); all must be loaded. */
export function allKits(): Target[] {
  return targetIds().map((id) => kitOf(id));
}

/** The target whose `detect` recognises this config text, if exactly one does (registry.ts `detectTarget`); all must be loaded. */
export function detectKit(content: string): Target | undefined {
  const matches = allKits().filter((target) => target.detect(content));
  return matches.length === 1 ? matches[0] : undefined;
}
