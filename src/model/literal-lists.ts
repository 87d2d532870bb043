/**
 * Endpoint lists made of literal addresses only, as the requirement reader parsed them, with their union: the
 * reader parses a long list's entries into flat columns (`AddressEntries`) and hands out the union deferred, so
 * resolving the list sorts and merges those columns (when first read, in the render) instead of walking one
 * endpoint and one set object per entry. At 100k CIDRs that walk was most of every target's render: the objects
 * no longer stay in the CPU's caches, so it cost 25 times the walk over 10k (issue 22's render-growth bench).
 *
 * Kept by list identity. A registered list is frozen, and so are its endpoints: the union can never disagree with
 * the list it was registered for.
 */
import type { AddressSet } from './address-set.js';
import type { Endpoint } from './requirement.js';

const literalUnions = new WeakMap<readonly Endpoint[], AddressSet>();

/** Lists longer than this are worth the columns (shorter ones are merged from their sets as they are). */
export const LITERAL_LIST_MIN = 17;

/**
 * Registers `endpoints`, every one of kind `addresses`, as covering exactly `union`; freezes the list and its
 * endpoints. The caller vouches for the union (the reader parsed each entry into it once).
 */
export function literalEndpointList(endpoints: Endpoint[], union: AddressSet): readonly Endpoint[] {
  for (const endpoint of endpoints) Object.freeze(endpoint);
  Object.freeze(endpoints);
  literalUnions.set(endpoints, union);
  return endpoints;
}

/** The union of a list registered by `literalEndpointList` (so every endpoint of it is literal addresses), else undefined. */
export function literalUnionOf(endpoints: readonly Endpoint[]): AddressSet | undefined {
  return literalUnions.get(endpoints);
}
