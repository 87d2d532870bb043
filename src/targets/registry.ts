/**
 * The targets `render`, `check` and `KIND:FILE` operands know. Imports are static so the CLI stays synchronous;
 * that is cheap because targets load their heavy libraries (XML, YAML) lazily (src/internal/lazy.ts).
 * Each target folder exports its `Target` (a kit wrapped by pipeline.ts `defineTarget`) from `index.ts`; register
 * it below, sorted by id. Adding a target is its folder and these two lines (docs/architecture.md).
 */
import { TagwallError } from '../errors.js';
import { nearest } from '../servicetags/suggest.js';
import type { Target } from './target.js';
import { detectedTargetId } from './detectors.js';
// <target imports>
import { amlManagedNetworkTarget } from './azure/managed-network/index.js';
import { azureFirewallClassicTarget, azureFirewallTarget } from './azure/firewall/index.js';
import { iptablesTarget } from './netfilter/iptables/index.js';
import { nftablesTarget } from './netfilter/nftables/index.js';
import { nsgTarget } from './azure/nsg/index.js';
import { panosTarget } from './panos/index.js';
import { udrTarget } from './azure/udr/index.js';

const TARGETS = [
  // <target registrations>
  amlManagedNetworkTarget,
  azureFirewallTarget,
  azureFirewallClassicTarget,
  iptablesTarget,
  nftablesTarget,
  nsgTarget,
  panosTarget,
  udrTarget,
] as const;

/** Every registered target, with its own id, formats and option types. */
export type KnownTarget = (typeof TARGETS)[number];
/** The `--target` names: `'azure-firewall' | 'azure-firewall-classic' | 'iptables' | ...`. */
export type TargetId = KnownTarget['id'];
/** Every output format some target writes. */
export type TargetFormat = KnownTarget['formats'][number];
/** The target with this id, with its own option types. */
export type TargetById<Id extends TargetId> = Extract<KnownTarget, { readonly id: Id }>;
/** The options object of one target: `TargetOptions<'nftables'>` has `chainHook`, not `chainhook`. */
export type TargetOptions<Id extends TargetId> = Parameters<TargetById<Id>['translate']>[1]['options'];

export function targetIds(): TargetId[] {
  return TARGETS.map((target) => target.id).sort();
}

/** The target with this id, typed by it: `getTarget('nftabels')` does not compile. */
export function getTarget<Id extends TargetId>(id: Id): TargetById<Id> {
  return findTarget(id) as TargetById<Id>;
}

/** The target a user named (any case), for ids only known at run time; TW_UNKNOWN_TARGET with the nearest ids otherwise. */
export function findTarget(id: string): Target {
  const target: Target | undefined = TARGETS.find((candidate) => candidate.id === id.toLowerCase());
  if (!target) {
    throw new TagwallError('TW_UNKNOWN_TARGET', `unknown target '${id}' (targets: ${targetIds().join(', ') || 'none yet'})`, {
      suggestions: nearest(id, targetIds()),
    });
  }
  return target;
}

/** Every registered target, in id order. */
export function allTargets(): Target[] {
  // Sorted copies: the registry's own order is its declaration order. Code-unit order, as targetIds: the ids are
  // lower-case ASCII words and hyphens, which localeCompare orders alike, but its first call loads ICU's collator:
  // ~6 ms of a cold `impact` (issue 22).
  return [...TARGETS].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The target whose `detect` recognises this config text, if exactly one does. */
export function detectTarget(content: string): Target | undefined {
  // The kits' own detect functions, as the CLI asks them (detectors.ts; test/cli-lazy.test.ts checks they agree).
  const id = detectedTargetId(content);
  return id === undefined ? undefined : findTarget(id);
}
