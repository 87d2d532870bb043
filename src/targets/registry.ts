/**
 * The targets `render`, `check` and `KIND:FILE` operands know. Imports are static so the CLI stays synchronous;
 * that is cheap because targets load their heavy libraries (XML, YAML) lazily (src/internal/lazy.ts).
 * Each target folder exports its `Target` objects from `target.ts`; register them below, sorted by id.
 */
import { TagwallError } from '../errors.js';
import { nearest } from '../servicetags/suggest.js';
import type { Target } from './target.js';
// <target imports>
import { amlManagedNetworkTarget } from './aml-managed-network/index.js';
import { azureFirewallClassicTarget, azureFirewallTarget } from './azure-firewall/index.js';
import { iptablesTarget } from './iptables/index.js';
import { nftablesTarget } from './nftables/index.js';
import { nsgTarget } from './nsg/index.js';
import { panosTarget } from './panos/index.js';
import { udrTarget } from './udr/index.js';

const TARGETS: readonly Target[] = [
  // <target registrations>
  amlManagedNetworkTarget,
  azureFirewallTarget,
  azureFirewallClassicTarget,
  iptablesTarget,
  nftablesTarget,
  nsgTarget,
  panosTarget,
  udrTarget,
];

export function targetIds(): string[] {
  return TARGETS.map((target) => target.id).sort();
}

/** The target with this id (any case); TW_UNKNOWN_TARGET with the nearest ids otherwise. */
export function getTarget(id: string): Target {
  const target = TARGETS.find((candidate) => candidate.id === id.toLowerCase());
  if (!target) {
    throw new TagwallError('TW_UNKNOWN_TARGET', `unknown target '${id}' (targets: ${targetIds().join(', ') || 'none yet'})`, {
      suggestions: nearest(id, targetIds()),
    });
  }
  return target;
}

/** Every registered target, in id order. */
export function allTargets(): Target[] {
  return [...TARGETS].sort((a, b) => a.id.localeCompare(b.id));
}

/** The target whose `detect` recognises this config text, if exactly one does. */
export function detectTarget(content: string): Target | undefined {
  const matches = TARGETS.filter((target) => target.detect(content));
  return matches.length === 1 ? matches[0] : undefined;
}
