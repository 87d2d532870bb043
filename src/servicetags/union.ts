/** The union of many address sets, for expanding long tag lists. */
import { AddressSet } from '../model/address-set.js';

/**
 * Unions in a balanced tree of pairs: each level is one linear merge over everything, so k sets of n intervals
 * in total cost O(n log k), where folding left to right re-merges the growing result k times.
 */
export function unionAll(sets: readonly AddressSet[]): AddressSet {
  if (sets.length === 0) return AddressSet.EMPTY;
  let level = [...sets];
  while (level.length > 1) {
    const next: AddressSet[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const right = level[i + 1];
      next.push(right ? level[i]!.union(right) : level[i]!);
    }
    level = next;
  }
  return level[0]!;
}
