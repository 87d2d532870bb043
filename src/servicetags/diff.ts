/** What changed between two snapshots of one cloud: tags added and removed, and per tag prefixes and metadata. */
import { TagwallError } from '../errors.js';
import { AddressSet } from '../model/address-set.js';
import { compareWords, IntervalSet } from '../model/intervals.js';
import { applyPrefix, formatIPv4, formatIPv6, IPV4, IPV6 } from '../model/ip.js';
import { decodeAddressSet, decodeAddressSetAt, decodePrefixesInto, encodedPrefixText, encodedSize } from './prefix-codec.js';
import { encodedDelta, NO_WEBASSEMBLY } from './prefix-scan.js';
import { recordedChangeNumber, recordedPrefixCount, sameBytes, sameChangeNumber, sameMetadataTexts, taggedCore } from './json-scan.js';
import { isGlob } from './search.js';
import { compareText } from './order.js';
import { encodedColumns, encodedPrefixes, fieldTexts, tagAtIndex, tagIndex, uniqueNames, type Snapshot } from './snapshot.js';
import { asBuffer, sameEncodingAt, sameEncodingRun, sameMetadataAfter } from './tag-runs.js';
import type { EncodedColumns, FieldTexts, ServiceTagInfo, SnapshotInfo } from './types.js';

/** What the prefix comparison reads of a tag: a row, or taggedCore's stand-in for one whose metadata did not change. */
type TagCore = Pick<ServiceTagInfo, 'name' | 'changeNumber' | 'prefixCount'>;

/** Metadata fields compared between versions of a tag (changeNumber is reported on its own). */
export type TagField = 'name' | 'id' | 'region' | 'regionId' | 'platform' | 'systemService' | 'networkFeatures';

export interface TagChange {
  /** The newer snapshot's spelling. */
  readonly name: string;
  readonly changeNumber: { readonly from: number; readonly to: number };
  /** Prefixes (canonical text) in the newer version only, in address order. */
  readonly prefixesAdded: readonly string[];
  readonly prefixesRemoved: readonly string[];
  /** Net change of the address set, as minimal CIDR lists: a prefix split in two adds and removes nothing here. */
  readonly addressesAdded: readonly string[];
  readonly addressesRemoved: readonly string[];
  /** Names of the metadata fields that differ; `networkFeatures` compares as a set, as its order carries no meaning. */
  readonly metadata: readonly TagField[];
}

export interface SnapshotDiff {
  readonly from: SnapshotInfo;
  readonly to: SnapshotInfo;
  /** Tag names only in `to` / only in `from`, sorted. Names match ignoring case. */
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Tags in both whose changeNumber, prefixes or metadata differ, sorted by name. */
  readonly changed: readonly TagChange[];
}

export interface DiffOptions {
  /** Only these tags: names (resolved in either snapshot) or globs. */
  readonly tags?: readonly string[];
}

/** Throws TW_USAGE for snapshots of different clouds: their tags share names but not meaning. */
export function diffSnapshots(from: Snapshot, to: Snapshot, options: DiffOptions = {}): SnapshotDiff {
  if (from.info.cloud !== to.info.cloud) {
    throw new TagwallError('TW_USAGE', `cannot compare a ${from.info.cloud} snapshot with a ${to.info.cloud} one`);
  }
  const selected = options.tags ? selection(from, to, options.tags) : undefined;
  const keep = (name: string): boolean => !selected || selected.has(name.toLowerCase());
  const added: string[] = [];
  const changed: TagChange[] = [];
  // Names, not rows: a row is made only for a tag whose bytes changed (below).
  const olderNames = from.names();
  const newerNames = to.names();
  // An older tag a newer one pairs with is in `to`; only the others (the removed ones, when names are unique
  // ignoring case) are looked up in `to` afterwards, instead of every older name.
  const paired = new Uint8Array(olderNames.length);
  const oldColumns = encodedColumns(from);
  const newColumns = encodedColumns(to);
  const oldTexts = fieldTexts(from);
  const newTexts = fieldTexts(to);
  // Microsoft keeps its tags in the same order from file to file, so the older tag a newer one pairs with is mostly
  // the one after the last pair: checked by its name first (in a table whose names are unique ignoring case, a
  // name's look-up gives its own position), and looked up only when it is another (issue 22: a hash lookup per tag
  // was ~7% of a cold diff). A name whose case changed is looked up, and found there.
  const inOrder = uniqueNames(from);
  // The older tag each newer one pairs with (-1: added), found first for all: the runs below need the next pairs.
  const pairOf = new Int32Array(newerNames.length);
  let following = 0;
  for (let j = 0; j < newerNames.length; j++) {
    const newerName = newerNames[j]!;
    pairOf[j] = -1;
    if (selected && !keep(newerName)) continue;
    const i = inOrder && following < olderNames.length && olderNames[following] === newerName ? following : tagIndex(from, newerName);
    if (i === undefined) {
      added.push(newerName);
      continue;
    }
    following = i + 1;
    paired[i] = 1;
    pairOf[j] = i;
  }
  // Both files read by prefix-scan.wat: the pairs that follow each other in both files and keep their changeNumber
  // (the ~2,700 unchanged tags of a Public pair, in ~180 stretches between the changed ones) have their encodings
  // compared a stretch at a time, and their metadata with what the module found shared with the tag before
  // (tag-runs.ts); a stretch whose encodings differ somewhere, a tag whose metadata differs, and every tag whose
  // changeNumber changed, take compareTags.
  const olderSide = side(from, olderNames, oldColumns, oldTexts);
  const newerSide = side(to, newerNames, newColumns, newTexts);
  const runs = !selected && oldTexts && newTexts && olderSide.bytes && newerSide.bytes;
  const compare = (i: number, j: number): void => {
    const change = compareTags(olderSide, i, newerSide, j);
    if (change) changed.push(change);
  };
  for (let j = 0; j < newerNames.length; ) {
    const i = pairOf[j]!;
    if (i < 0) {
      j++;
      continue;
    }
    if (runs && sameChangeNumber(oldTexts!, i, newTexts!, j)) {
      let end = j + 1;
      while (end < newerNames.length && pairOf[end] === i + end - j && sameChangeNumber(oldTexts!, i + end - j, newTexts!, end)) end++;
      if (sameEncodingRun(oldColumns!, olderSide.bytes!, i, newColumns!, newerSide.bytes!, j, end - j)) {
        let afterSame = false;
        for (let k = j, older = i; k < end; k++, older++) {
          // A name whose case changed is compared by compareTags (sameMetadataAfter reads equal names only).
          afterSame = olderNames[older] === newerNames[k] && sameMetadataAfter(oldTexts!, older, newTexts!, k, afterSame);
          if (!afterSame) compare(older, k);
        }
      } else {
        for (let k = j; k < end; k++) compare(i + k - j, k);
      }
      j = end;
      continue;
    }
    compare(i, j);
    j++;
  }
  const removed: string[] = [];
  for (let i = 0; i < olderNames.length; i++) if (paired[i] === 0 && keep(olderNames[i]!) && tagIndex(to, olderNames[i]!) === undefined) removed.push(olderNames[i]!);
  return {
    from: from.info,
    to: to.info,
    added: added.sort(compareText),
    removed: removed.sort(compareText),
    changed: changed.sort((a, b) => compareText(a.name, b.name)),
  };
}

/** What compareTags reads of one snapshot. */
interface Side {
  readonly snapshot: Snapshot;
  readonly names: readonly string[];
  readonly columns: EncodedColumns | undefined;
  /** The columns' bytes as a Buffer, when both snapshots have columns: two tags' encodings in one native comparison. */
  readonly bytes: Buffer | undefined;
  readonly texts: FieldTexts | undefined;
}

function side(snapshot: Snapshot, names: readonly string[], columns: EncodedColumns | undefined, texts: FieldTexts | undefined): Side {
  return { snapshot, names, columns, bytes: columns && asBuffer(columns.bytes), texts };
}

/** The change of tag `i` of `older` to tag `j` of `newer`, or undefined when nothing the diff reports changed. */
function compareTags(older: Side, i: number, newer: Side, j: number): TagChange | undefined {
  const { snapshot: from, columns: oldColumns, texts: oldTexts } = older;
  const { snapshot: to, columns: newColumns, texts: newTexts } = newer;
  const newerName = newer.names[j]!;
  // The stored encodings, not the published strings: equal encodings are equal prefix lists in the same order.
  // Text that differs only in spelling (`2001:DB8::/32`) encodes alike, and compareTag's paths would find no
  // prefix added or removed and no address changed for it either, so the answer is the same without a string made.
  // Read from the tables' columns when both have them (JSON files), by one native comparison: a JavaScript byte loop
  // ran ~2.7 ms of a cold Public diff up to the first difference of each changed tag (AzureCloud's ~68 KB).
  const samePublished =
    oldColumns && newColumns
      ? sameEncodingAt(oldColumns, older.bytes!, i, newColumns, newer.bytes!, j)
      : sameEncoding(encodedPrefixes(from, i), encodedPrefixes(to, j));
  // Both files read by prefix-scan.wat: the fields told the same from their bytes, without a row made for either
  // tag (json-scan.ts makes a row when it is first asked for): most changed tags changed only their prefixes and
  // changeNumber, which the records hold (taggedCore). Equal names need neither their bytes nor, mostly, the ids'.
  const sameMetadata =
    oldTexts !== undefined &&
    newTexts !== undefined &&
    (older.names[i] === newerName ? sameMetadataAfter(oldTexts, i, newTexts, j, false) : sameMetadataTexts(oldTexts, i, newTexts, j));
  if (sameMetadata) {
    if (samePublished && sameChangeNumber(oldTexts, i, newTexts, j)) return undefined;
    // Merged from the columns and records as they are (a change of the Public pair's ~350 made no object per side);
    // a merge that gives up takes compareTag's other paths with taggedCore's stand-ins.
    const fast = oldColumns && newColumns && !samePublished ? recordDelta(oldColumns, oldTexts, i, newColumns, newTexts, j) : undefined;
    if (fast) {
      const fromNumber = recordedChangeNumber(oldTexts, i);
      const toNumber = recordedChangeNumber(newTexts, j);
      if (fast.added.length + fast.removed.length > 0 || fromNumber !== toNumber) {
        return tagChange(newerName, fromNumber, toNumber, new MergedChange(fast.added, fast.removed, from, i, to, j), []);
      }
      return undefined;
    }
    const olderCore = taggedCore(oldTexts, i, older.names[i]!);
    const newerCore = taggedCore(newTexts, j, newerName);
    return compareTag(from, i, olderCore, newerCore, to, j, samePublished, []);
  }
  const olderRow = tagAtIndex(from, i);
  const newerRow = tagAtIndex(to, j);
  // Checked here so that the list of changed fields is made for changed tags only.
  if (samePublished && olderRow.changeNumber === newerRow.changeNumber && sameFields(olderRow, newerRow)) return undefined;
  return compareTag(from, i, olderRow, newerRow, to, j, samePublished, changedFields(olderRow, newerRow));
}

/** Lower-case names of the tags the filter selects, from either snapshot. */
function selection(from: Snapshot, to: Snapshot, patterns: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const pattern of patterns) {
    if (isGlob(pattern)) {
      const matched = [...from.match(pattern), ...to.match(pattern)];
      if (matched.length === 0) throw new TagwallError('TW_UNKNOWN_TAG', `no service tag in either snapshot matches '${pattern}'`);
      for (const name of matched) names.add(name.toLowerCase());
      continue;
    }
    const exact = to.tag(pattern) ?? from.tag(pattern);
    names.add((exact?.name ?? resolveInEither(from, to, pattern)).toLowerCase());
  }
  return names;
}

function resolveInEither(from: Snapshot, to: Snapshot, name: string): string {
  try {
    return to.resolve(name).name;
  } catch (newerError) {
    try {
      return from.resolve(name).name;
    } catch {
      throw newerError;
    }
  }
}

/**
 * The change of tag `i` of `from` (`older`) to tag `j` of `to` (`newer`), which the caller found changed
 * (`samePublished`: its stored prefixes are equal; `metadata`: the fields that differ), or undefined when only the
 * order of its prefixes moved.
 */
function compareTag(
  from: Snapshot,
  i: number,
  older: TagCore,
  newer: TagCore,
  to: Snapshot,
  j: number,
  samePublished: boolean,
  metadata: TagField[],
): TagChange | undefined {
  if (samePublished) return tagChange(newer.name, older.changeNumber, newer.changeNumber, new ListedChange([], [], { added: [], removed: [] }), metadata);

  const oldEncoded = encodedPrefixes(from, i);
  const newEncoded = encodedPrefixes(to, j);
  const delta = sortedDelta(oldEncoded, older, newEncoded, newer);
  if (delta) {
    const { added, removed } = delta;
    if (added.length + removed.length === 0 && metadata.length === 0 && older.changeNumber === newer.changeNumber) return undefined;
    return tagChange(newer.name, older.changeNumber, newer.changeNumber, new MergedChange(added, removed, from, i, to, j), metadata);
  }
  // A list out of address order (or stored data the fast path does not take): decode, sort and compare as numbers.
  const { prefixesAdded, prefixesRemoved, addresses } = decodedDelta(oldEncoded, older, newEncoded, newer);
  if (prefixesAdded.length + prefixesRemoved.length === 0 && metadata.length === 0 && older.changeNumber === newer.changeNumber) {
    return undefined; // only the order of the prefixes moved
  }
  return tagChange(newer.name, older.changeNumber, newer.changeNumber, new ListedChange(prefixesAdded, prefixesRemoved, addresses), metadata);
}

type NetChange = { readonly added: string[]; readonly removed: string[] };
type PrefixLists = { readonly added: string[]; readonly removed: string[] };

/**
 * What a TagChange's four lists are read from, and how many prefixes it adds and removes (known before any prefix is
 * written as text). One per change, held by `changeLists`: the change's getters are shared functions that find it
 * there (tagChange).
 */
interface ChangeLists {
  readonly addedCount: number;
  readonly removedCount: number;
  prefixes(): PrefixLists;
  addresses(): NetChange;
}

/** Lists known when the change is made (no prefix moved, or decodedDelta's answer). */
class ListedChange implements ChangeLists {
  readonly #prefixes: PrefixLists;

  constructor(
    added: string[],
    removed: string[],
    private readonly net: NetChange,
  ) {
    this.#prefixes = { added, removed };
  }

  get addedCount(): number {
    return this.#prefixes.added.length;
  }

  get removedCount(): number {
    return this.#prefixes.removed.length;
  }

  prefixes(): PrefixLists {
    return this.#prefixes;
  }

  addresses(): NetChange {
    return this.net;
  }
}

/**
 * The lists of a change found by merging the two encodings of tag `i` of `from` and tag `j` of `to`: the offsets of
 * the prefixes added (in the newer encoding) and removed (in the older), written out when first read. The prefixes'
 * text: `snapshot diff` prints their counts only, unless --tag or --json asks for them (~4,000 in the Public pair).
 * The net address change (`snapshot diff` prints it with --json only), as in decodedDelta: new − old = (prefixes
 * added) − old, and nothing when no prefix was added; old − new alike. The tags' encodings and rows are looked up
 * then, not kept from the merge: the merge of a tag read from records makes neither.
 */
class MergedChange implements ChangeLists {
  #prefixes: PrefixLists | undefined;
  #addresses: NetChange | undefined;

  constructor(
    private readonly added: number[],
    private readonly removed: number[],
    private readonly from: Snapshot,
    private readonly i: number,
    private readonly to: Snapshot,
    private readonly j: number,
  ) {}

  get addedCount(): number {
    return this.added.length;
  }

  get removedCount(): number {
    return this.removed.length;
  }

  prefixes(): PrefixLists {
    if (this.#prefixes === undefined) {
      const newBytes = encodedPrefixes(this.to, this.j).bytes;
      const oldBytes = encodedPrefixes(this.from, this.i).bytes;
      this.#prefixes = { added: this.added.map((at) => encodedPrefixText(newBytes, at)), removed: this.removed.map((at) => encodedPrefixText(oldBytes, at)) };
    }
    return this.#prefixes;
  }

  addresses(): NetChange {
    if (this.#addresses === undefined) {
      const { added, removed, from, i, to, j } = this;
      const oldEncoded = encodedPrefixes(from, i);
      const newEncoded = encodedPrefixes(to, j);
      this.#addresses = {
        added: added.length > 0 ? decodeAddressSetAt(newEncoded.bytes, added).difference(decodedAddresses(oldEncoded, tagAtIndex(from, i))).toCidrStrings() : [],
        removed: removed.length > 0 ? decodeAddressSetAt(oldEncoded.bytes, removed).difference(decodedAddresses(newEncoded, tagAtIndex(to, j))).toCidrStrings() : [],
      };
    }
    return this.#addresses;
  }
}

/** The lists of each TagChange diffSnapshots made (tagChange's getters read them here). */
const changeLists = new WeakMap<TagChange, ChangeLists>();

/**
 * How many prefixes each change adds and removes, without writing them out, in one array: the prefixes change k adds
 * at 2k, those it removes at 2k + 1 (`snapshot diff` prints them for ~350 changes of a Public pair, without an object
 * each).
 */
export function prefixChangeCounts(changes: readonly TagChange[]): Uint32Array {
  const counts = new Uint32Array(2 * changes.length);
  for (let k = 0; k < changes.length; k++) {
    const change = changes[k]!;
    const lists = changeLists.get(change);
    counts[2 * k] = lists ? lists.addedCount : change.prefixesAdded.length;
    counts[2 * k + 1] = lists ? lists.removedCount : change.prefixesRemoved.length;
  }
  return counts;
}

function decodedAddresses({ bytes, start, end }: Encoded, info: TagCore): AddressSet {
  return decodeAddressSet(bytes, start, end, info.prefixCount.ipv4, info.prefixCount.ipv6);
}

/** A getter of TagChange's four lists: one function for every change, reading the change's ChangeLists. */
const listGetter = (read: (lists: ChangeLists) => string[]) =>
  function (this: TagChange): string[] {
    return read(changeLists.get(this)!);
  };

/**
 * The four lists as accessors, enumerable and configurable as an object literal's getters. One set of functions for
 * every change: an object literal's getters were four new closures per change, each of which gave the object a map
 * of its own (V8 keeps an accessor's functions in the map), so every change was a dictionary of ~850 bytes, ~300 KB
 * of a cold Public diff's young generation. Defined with the same functions, every change shares one map.
 */
const PREFIXES_ADDED: PropertyDescriptor = { get: listGetter((lists) => lists.prefixes().added), enumerable: true, configurable: true };
const PREFIXES_REMOVED: PropertyDescriptor = { get: listGetter((lists) => lists.prefixes().removed), enumerable: true, configurable: true };
const ADDRESSES_ADDED: PropertyDescriptor = { get: listGetter((lists) => lists.addresses().added), enumerable: true, configurable: true };
const ADDRESSES_REMOVED: PropertyDescriptor = { get: listGetter((lists) => lists.addresses().removed), enumerable: true, configurable: true };

/**
 * A TagChange whose lists are read from `lists` on first use: its own enumerable properties in TagChange's order,
 * the lists as getters, so JSON.stringify writes the same document as for plain fields. One defineProperty per
 * getter: defineProperties' list of keys and descriptors was ~360 bytes more per change.
 */
function tagChange(name: string, fromNumber: number, toNumber: number, lists: ChangeLists, metadata: TagField[]): TagChange {
  const change = { name, changeNumber: { from: fromNumber, to: toNumber } } as { -readonly [K in keyof TagChange]: TagChange[K] };
  Object.defineProperty(change, 'prefixesAdded', PREFIXES_ADDED);
  Object.defineProperty(change, 'prefixesRemoved', PREFIXES_REMOVED);
  Object.defineProperty(change, 'addressesAdded', ADDRESSES_ADDED);
  Object.defineProperty(change, 'addressesRemoved', ADDRESSES_REMOVED);
  change.metadata = metadata;
  changeLists.set(change, lists);
  return change;
}

/** Prefixes added and removed (canonical text, address order) and the net address change, from decoded lists. */
function decodedDelta(oldEncoded: Encoded, older: TagCore, newEncoded: Encoded, newer: TagCore): { prefixesAdded: string[]; prefixesRemoved: string[]; addresses: NetChange } {
  const before = sortedPrefixes(oldEncoded, older);
  const after = sortedPrefixes(newEncoded, newer);
  const delta = prefixDelta(before, after);
  const prefixesAdded = delta.added.map((k) => prefixText(after, after.order[k]!));
  const prefixesRemoved = delta.removed.map((k) => prefixText(before, before.order[k]!));
  // Only a prefix the other side lacks can hold addresses the other side lacks (the rest are in both lists), so
  // new − old = (prefixes added) − old, and nothing when no prefix was added; old − new alike. The sets are
  // built from the lists just read, in address order (so no sort), and a whole tag only when it is needed.
  const added = delta.added.length > 0 ? addressesOf(after, delta.added).difference(addressesOf(before)).toCidrStrings() : [];
  const removed = delta.removed.length > 0 ? addressesOf(before, delta.removed).difference(addressesOf(after)).toCidrStrings() : [];
  return { prefixesAdded, prefixesRemoved, addresses: { added, removed } };
}

function changedFields(older: ServiceTagInfo, newer: ServiceTagInfo): TagField[] {
  const fields: TagField[] = [];
  if (older.name !== newer.name) fields.push('name');
  if (older.id !== newer.id) fields.push('id');
  if (older.region !== newer.region) fields.push('region');
  if (older.regionId !== newer.regionId) fields.push('regionId');
  if (older.platform !== newer.platform) fields.push('platform');
  if (older.systemService !== newer.systemService) fields.push('systemService');
  if (!sameFeatures(older.networkFeatures, newer.networkFeatures)) fields.push('networkFeatures');
  return fields;
}

/** Whether changedFields would find no field changed, without making its list. */
function sameFields(older: ServiceTagInfo, newer: ServiceTagInfo): boolean {
  return (
    older.name === newer.name &&
    older.id === newer.id &&
    older.region === newer.region &&
    older.regionId === newer.regionId &&
    older.platform === newer.platform &&
    older.systemService === newer.systemService &&
    sameFeatures(older.networkFeatures, newer.networkFeatures)
  );
}

/** Whether the two lists hold the same set of features (order and repeats aside). */
function sameFeatures(a: readonly string[] | null, b: readonly string[] | null): boolean {
  if (a === null || b === null) return a === b;
  // A handful of features per tag: both inclusions by nested loops, one path for every pair. (A fast path for the
  // same order with sets for the rest left code that ran only at the first reordered list, and V8 discarded and
  // recompiled the optimised diff loop there; issue 22.)
  return a === b || (includesAll(a, b) && includesAll(b, a));
}

function includesAll(list: readonly string[], wanted: readonly string[]): boolean {
  for (let i = 0; i < wanted.length; i++) {
    let found = false;
    for (let j = 0; j < list.length && !found; j++) found = list[j] === wanted[i];
    if (!found) return false;
  }
  return true;
}

type Encoded = ReturnType<typeof encodedPrefixes>;

function sameEncoding(a: Encoded, b: Encoded): boolean {
  return sameBytes(a.bytes, a.start, a.end, b.bytes, b.start, b.end);
}

/**
 * Byte offsets of the prefixes only in `after` and only in `before` (each prefix once), in address order, found by
 * one merge of the two encoded lists as stored: nothing decoded, no arrays but the answer. Microsoft publishes each
 * family in address order, and a changed tag mostly keeps most of its prefixes, so this is the common case of the
 * diff (`decodedDelta` is the general one). Undefined, for `decodedDelta` to take over, when a list is not in order
 * or not exactly the well-formed encoding of the tag's prefix count (a damaged embedded file: the decoder then
 * reports it as it always did).
 */
function sortedDelta(before: Encoded, older: TagCore, after: Encoded, newer: TagCore): { added: number[]; removed: number[] } | undefined {
  const fast = encodedDelta(before.bytes, before.start, before.end, countOf(older), after.bytes, after.start, after.end, countOf(newer));
  return fast === NO_WEBASSEMBLY ? sortedEncodedDelta(before, older, after, newer) : fast;
}

const countOf = (info: TagCore): number => info.prefixCount.ipv4 + info.prefixCount.ipv6;

/**
 * sortedDelta of tag `i` and tag `j` of two tables read by prefix-scan.wat, from their columns and records as they
 * are: undefined where the merge gives up (a list out of order) or WebAssembly does not run (compareTag then).
 */
function recordDelta(
  oldColumns: { readonly bytes: Uint8Array; readonly offsets: Uint32Array },
  oldTexts: FieldTexts,
  i: number,
  newColumns: { readonly bytes: Uint8Array; readonly offsets: Uint32Array },
  newTexts: FieldTexts,
  j: number,
): { added: number[]; removed: number[] } | undefined {
  const fast = encodedDelta(
    oldColumns.bytes,
    oldColumns.offsets[i]!,
    oldColumns.offsets[i + 1]!,
    recordedPrefixCount(oldTexts, i),
    newColumns.bytes,
    newColumns.offsets[j]!,
    newColumns.offsets[j + 1]!,
    recordedPrefixCount(newTexts, j),
  );
  return fast === NO_WEBASSEMBLY ? undefined : fast;
}

/**
 * sortedDelta where WebAssembly does not run (prefix-scan.ts encodedDelta is the same merge); exported for the test
 * that holds the two to the same answers.
 * @internal
 */
export function sortedEncodedDelta(before: Encoded, older: TagCore, after: Encoded, newer: TagCore): { added: number[]; removed: number[] } | undefined {
  if (!wellFormed(before, older) || !wellFormed(after, newer)) return undefined;
  const a = before.bytes;
  const b = after.bytes;
  const added: number[] = [];
  const removed: number[] = [];
  let i = before.start;
  let j = after.start;
  while (i < before.end || j < after.end) {
    const order = i >= before.end ? 1 : j >= after.end ? -1 : compareEncoded(a, i, b, j);
    if (order <= 0) {
      if (order < 0) removed.push(i);
      const next = nextDistinct(a, i, before.end);
      if (next < 0) return undefined;
      i = next;
    }
    if (order >= 0) {
      if (order > 0) added.push(j);
      const next = nextDistinct(b, j, after.end);
      if (next < 0) return undefined;
      j = next;
    }
  }
  return { added, removed };
}

/** Whether `encoded` holds exactly the tag's prefix count of valid headers, the last one ending at `end`. */
function wellFormed({ bytes, start, end }: Encoded, info: TagCore): boolean {
  let count = 0;
  let at = start;
  while (at < end) {
    const header = bytes[at]!;
    if (header > MAX_HEADER) return false;
    at += encodedSize(header);
    count++;
  }
  return at === end && count === countOf(info);
}

const MAX_HEADER = 33 + 128;

/** The offset of the first prefix after `at` that differs from it (`end` when none), or -1 when one sorts before it. */
function nextDistinct(bytes: Uint8Array, at: number, end: number): number {
  let next = at + encodedSize(bytes[at]!);
  while (next < end) {
    const order = compareEncoded(bytes, at, bytes, next);
    if (order < 0) return next;
    if (order > 0) return -1;
    next += encodedSize(bytes[next]!);
  }
  return next;
}

/**
 * The order of comparePrefixes on two encoded prefixes: IPv4 before IPv6 (the header says which), then by network
 * (the significant bytes, most significant first; the rest are zero), then by length (the header, within a family).
 */
function compareEncoded(a: Uint8Array, i: number, b: Uint8Array, j: number): number {
  const headerA = a[i]!;
  const headerB = b[j]!;
  const familyA = headerA < 33 ? 0 : 1;
  const familyB = headerB < 33 ? 0 : 1;
  if (familyA !== familyB) return familyA - familyB;
  const sizeA = encodedSize(headerA);
  const sizeB = encodedSize(headerB);
  const size = sizeA > sizeB ? sizeA : sizeB;
  for (let k = 1; k < size; k++) {
    const byteA = k < sizeA ? a[i + k]! : 0;
    const byteB = k < sizeB ? b[j + k]! : 0;
    if (byteA !== byteB) return byteA - byteB;
  }
  return headerA - headerB;
}

/**
 * A tag's prefixes as numbers, sorted IPv4 before IPv6, then by network address, then shorter prefix first (the
 * order the diff lists them in): `header` is the codec's header byte (IPv4 below IPv6, each ordered by length).
 * Compared as numbers, not as text, only the prefixes that changed are ever written out.
 */
interface PrefixList {
  readonly count: number;
  readonly headers: Uint8Array;
  /** 4 words per prefix (IPv4 in the first, the rest zero). */
  readonly networks: Uint32Array;
  /** Indices in sorted order. */
  readonly order: Uint32Array;
}

function sortedPrefixes({ bytes, start, end }: Encoded, info: TagCore): PrefixList {
  const capacity = info.prefixCount.ipv4 + info.prefixCount.ipv6;
  const headers = new Uint8Array(capacity);
  const networks = new Uint32Array(4 * capacity);
  const count = decodePrefixesInto(bytes, start, end, headers, networks);
  const list = { count, headers, networks, order: new Uint32Array(count) };
  for (let i = 0; i < count; i++) list.order[i] = i;
  let sorted = true;
  for (let i = 1; i < count && sorted; i++) sorted = comparePrefixes(list, i - 1, list, i) <= 0;
  // Microsoft publishes each family in address order, so this is rarely needed.
  if (!sorted) list.order.sort((a, b) => comparePrefixes(list, a, list, b));
  return list;
}

function comparePrefixes(a: PrefixList, i: number, b: PrefixList, j: number): number {
  const familyA = a.headers[i]! < 33 ? 0 : 1;
  const familyB = b.headers[j]! < 33 ? 0 : 1;
  return familyA - familyB || compareWords(a.networks, 4 * i, b.networks, 4 * j, 4) || a.headers[i]! - b.headers[j]!;
}

/**
 * The addresses of a sorted prefix list, or of the prefixes at some of its sorted positions (ascending): IPv4 then
 * IPv6, each in address order, so the interval sets need no sort.
 */
function addressesOf(list: PrefixList, positions?: readonly number[]): AddressSet {
  const count = positions ? positions.length : list.count;
  const at = (k: number): number => list.order[positions ? positions[k]! : k]!;
  let v4 = 0;
  while (v4 < count && list.headers[at(v4)]! < 33) v4++;
  const v6 = count - v4;
  const lo4 = new Uint32Array(v4);
  const hi4 = new Uint32Array(v4);
  const lo6 = new Uint32Array(4 * v6);
  const hi6 = new Uint32Array(4 * v6);
  for (let k = 0; k < count; k++) {
    const i = at(k);
    const header = list.headers[i]!;
    if (k < v4) applyPrefix(list.networks, 4 * i, header, 1, lo4, k, hi4, k);
    else applyPrefix(list.networks, 4 * i, header - 33, 4, lo6, 4 * (k - v4), hi6, 4 * (k - v4));
  }
  return AddressSet.fromIntervalSets(IntervalSet.fromUnsorted(IPV4, lo4, hi4, v4), IntervalSet.fromUnsorted(IPV6, lo6, hi6, v6));
}

function prefixText(list: PrefixList, i: number): string {
  const header = list.headers[i]!;
  return header < 33 ? `${formatIPv4(list.networks[4 * i]!)}/${header}` : `${formatIPv6(list.networks, 4 * i)}/${header - 33}`;
}

/**
 * Sorted positions of the prefixes only in `after` and only in `before` (each prefix once), by one merge of the two
 * sorted lists.
 */
function prefixDelta(before: PrefixList, after: PrefixList): { added: number[]; removed: number[] } {
  const added: number[] = [];
  const removed: number[] = [];
  let i = 0;
  let j = 0;
  // Skips the copies of the prefix at `k` (a list may repeat a prefix; the diff is of sets).
  const next = (list: PrefixList, k: number): number => {
    let at = k + 1;
    while (at < list.count && comparePrefixes(list, list.order[at]!, list, list.order[k]!) === 0) at++;
    return at;
  };
  while (i < before.count || j < after.count) {
    const order =
      i >= before.count ? 1 : j >= after.count ? -1 : comparePrefixes(before, before.order[i]!, after, after.order[j]!);
    if (order < 0) {
      removed.push(i);
      i = next(before, i);
    } else if (order > 0) {
      added.push(j);
      j = next(after, j);
    } else {
      i = next(before, i);
      j = next(after, j);
    }
  }
  return { added, removed };
}
