/** Finding tags by pattern, region or text: what the CLI's `expand` and `tags` commands ask of a snapshot. */
import { TagwallError } from '../errors.js';
import type { AddressSet } from '../model/address-set.js';
import type { TagResolution } from './names.js';
import type { Snapshot } from './snapshot.js';
import type { ServiceTagInfo } from './types.js';
import { unionAll } from './union.js';

/** Tag names never contain these, so a pattern with one is a glob (and loads micromatch), a name is not. */
export function isGlob(pattern: string): boolean {
  return /[*?[\]{}!]/.test(pattern);
}

/**
 * Like `snapshot.expand`, but each entry may also be a glob (`Storage.*`), which stands for every tag it
 * matches; a glob that matches nothing is TW_UNKNOWN_TAG.
 */
export function expandTagPatterns(
  snapshot: Snapshot,
  patterns: readonly string[],
): { readonly tags: readonly TagResolution[]; readonly addresses: AddressSet } {
  const tags: TagResolution[] = [];
  for (const pattern of patterns) {
    if (!isGlob(pattern)) {
      tags.push(snapshot.resolve(pattern));
      continue;
    }
    const names = snapshot.match(pattern);
    if (names.length === 0) {
      throw new TagwallError('TW_UNKNOWN_TAG', `no service tag in the ${snapshot.info.cloud} snapshot matches '${pattern}'`);
    }
    for (const name of names) tags.push({ requested: pattern, name });
  }
  const names = [...new Set(tags.map((tag) => tag.name))];
  return { tags, addresses: unionAll(names.map((name) => snapshot.addresses(name))) };
}

export interface TagFilter {
  /** Only tags of this region (any of its names). */
  readonly region?: string | undefined;
  /** Only tags whose name contains this text (ignoring case), or matches it when it is a glob. */
  readonly search?: string | undefined;
}

/** The tags passing every filter given, in file order. */
export function findTags(snapshot: Snapshot, filter: TagFilter = {}): ServiceTagInfo[] {
  let tags = [...snapshot.tags()];
  if (filter.region !== undefined) {
    const internal = snapshot.resolveRegion(filter.region).internalName;
    tags = tags.filter((tag) => tag.region === internal);
  }
  const search = filter.search;
  if (search !== undefined) {
    if (isGlob(search)) {
      const matched = new Set(snapshot.match(search));
      tags = tags.filter((tag) => matched.has(tag.name));
    } else {
      const needle = search.toLowerCase();
      tags = tags.filter((tag) => tag.name.toLowerCase().includes(needle));
    }
  }
  return tags;
}
