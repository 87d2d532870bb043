/**
 * From the name a user wrote to the name the snapshot spells. This runs on every CLI call, so the common case
 * (the name exists, in any case) is one Map lookup; regions and edit distances are consulted only when that
 * misses.
 */
import { TagwallError } from '../errors.js';
import { findRegionalTag, missingInRegion, subTagsOf } from './regions.js';
import type { Snapshot } from './snapshot.js';
import { isDocumentedSpelling, serviceAlias, splitTagName } from './spellings.js';
import { nearest } from './suggest.js';

export interface TagResolution {
  /** What was asked for, as written. */
  readonly requested: string;
  /** The tag's exact spelling in the snapshot. */
  readonly name: string;
  /** Why `name` differs from `requested`, when it does. */
  readonly note?: string;
}

export function resolveTagName(snapshot: Snapshot, requested: string): TagResolution {
  const written = requested.trim();
  const cloud = snapshot.info.cloud;
  if (written === '') throw new TagwallError('TW_UNKNOWN_TAG', 'empty service tag name');

  const exact = snapshot.tag(written);
  if (exact) {
    if (exact.name === written) return { requested, name: exact.name };
    const note = isDocumentedSpelling(written)
      ? `'${written}' is the documentation's spelling; the service tag is '${exact.name}'`
      : `'${written}' is spelled '${exact.name}' in the ${cloud} snapshot`;
    return { requested, name: exact.name, note };
  }

  const { service, region: regionPart } = splitTagName(written);
  const alias = serviceAlias(service);
  const canonicalService = alias ?? service;
  if (regionPart === undefined) {
    const aliased = alias ? snapshot.tag(alias) : undefined;
    if (aliased) {
      return { requested, name: aliased.name, note: `'${written}' is a documentation spelling; the service tag is '${aliased.name}'` };
    }
  } else {
    const region = snapshot.findRegion(regionPart);
    const name =
      (alias ? snapshot.tag(`${alias}.${regionPart}`)?.name : undefined) ??
      (region ? findRegionalTag(snapshot, canonicalService, region) : undefined);
    if (name !== undefined) {
      const note = alias
        ? `'${written}' is a documentation spelling; the service tag is '${name}'`
        : `'${written}' is '${name}': region '${regionPart}' is spelled '${splitTagName(name).region}' in tag names`;
      return { requested, name, note };
    }
    if (snapshot.tag(canonicalService) || subTagsOf(snapshot, canonicalService).length > 0) {
      throw missingInRegion(snapshot, written, canonicalService, region, regionPart);
    }
  }
  const suggestions = nearest(written, snapshot.tags().map((tag) => tag.name), 5);
  throw new TagwallError('TW_UNKNOWN_TAG', `unknown service tag '${written}' in the ${cloud} snapshot`, { suggestions });
}
