/**
 * Which requirements a new snapshot changes: for each requirement, the service tags it names whose addresses
 * differ between two snapshots. Every target renders a requirement's tags into its rules (or into objects those
 * rules use), so a requirement listed here is one whose generated rules change; one that is not, does not.
 */
import { TagwallError } from '../errors.js';
import type { AddressSet } from '../model/address-set.js';
import { serviceTagsOf, type Requirement } from '../model/requirement.js';
import type { Snapshot } from './snapshot.js';
import { virtualTag } from './virtual.js';

export interface TagImpact {
  /** As the requirement writes it. */
  readonly requested: string;
  /** The tag's spelling in the newer snapshot, or in the older one when the newer lacks it. */
  readonly name: string;
  /** `changed`: both have it with different addresses; `added` / `removed`: only the newer / older has it. */
  readonly status: 'changed' | 'added' | 'removed';
  /** Net change as minimal CIDR lists. */
  readonly addressesAdded: readonly string[];
  readonly addressesRemoved: readonly string[];
}

export interface RequirementImpact {
  readonly id: string;
  readonly tags: readonly TagImpact[];
}

/**
 * The requirements whose expansion differs between `from` and `to`, in input order, each with only its changed
 * tags. Tags that neither snapshot knows are an error (TW_UNKNOWN_TAG from the newer snapshot), except the
 * virtual tags that have no published ranges (`VirtualNetwork`, `Internet`, `AzureLoadBalancer`).
 */
export function requirementImpact(from: Snapshot, to: Snapshot, requirements: readonly Requirement[]): RequirementImpact[] {
  if (from.info.cloud !== to.info.cloud) {
    throw new TagwallError('TW_USAGE', `cannot compare a ${from.info.cloud} snapshot with a ${to.info.cloud} one`);
  }
  const cache = new Map<string, TagImpact | null>();
  const impacts: RequirementImpact[] = [];
  for (const requirement of requirements) {
    const tags: TagImpact[] = [];
    for (const requested of serviceTagsOf(requirement)) {
      if (virtualTag(requested) !== undefined) continue;
      const key = requested.toLowerCase();
      if (!cache.has(key)) cache.set(key, compareTag(from, to, requested));
      const impact = cache.get(key);
      if (impact) tags.push(impact);
    }
    if (tags.length > 0) impacts.push({ id: requirement.id, tags });
  }
  return impacts;
}

function tryResolve(snapshot: Snapshot, requested: string): { name: string; addresses: AddressSet } | undefined {
  try {
    const { name } = snapshot.resolve(requested);
    return { name, addresses: snapshot.addresses(name) };
  } catch (error) {
    if (error instanceof TagwallError && error.code === 'TW_UNKNOWN_TAG') return undefined;
    throw error;
  }
}

function compareTag(from: Snapshot, to: Snapshot, requested: string): TagImpact | null {
  const before = tryResolve(from, requested);
  const after = tryResolve(to, requested);
  if (!before && !after) to.resolve(requested); // throws the newer snapshot's TW_UNKNOWN_TAG, with suggestions
  if (before && after && before.addresses.equals(after.addresses)) return null;
  const status = before && after ? 'changed' : after ? 'added' : 'removed';
  return {
    requested,
    name: (after ?? before)!.name,
    status,
    addressesAdded: after ? (before ? after.addresses.difference(before.addresses) : after.addresses).toCidrStrings() : [],
    addressesRemoved: before ? (after ? before.addresses.difference(after.addresses) : before.addresses).toCidrStrings() : [],
  };
}
