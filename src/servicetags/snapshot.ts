/**
 * A service-tag snapshot: one publication of Microsoft's service tags for one cloud, immutable and indexed.
 * It comes from a user's file (JSON, plain or gzip, or tagwall's own embedded form) or from the snapshot
 * embedded in the package for each cloud (defaultSnapshot).
 */
import { fileURLToPath } from 'node:url';
import { TagwallError, withLocation } from '../errors.js';
import type { AddressSet } from '../model/address-set.js';
import { nodePath } from '../internal/lazy.js';
import { micromatchPackage } from '../internal/packages.js';
import type { Cloud } from './cloud.js';
import { decodeEmbedded, isEmbeddedFormat, readEmbeddedFile } from './embedded.js';
import { adoptInflation, checkTagName, inflateOnThreadpool, isGzip, parseJsonBytes, parseServiceTagsJson, readBytes } from './load.js';
import { gzipAnnouncedSize, takeInflatedSnapshot, takePrefetchedSnapshot } from './prefetch.js';
import { prepareToRead } from './prefix-scan.js';
import { resolveTagName, type TagResolution } from './names.js';
import { compareText } from './order.js';
import { decodeAddressSet, decodePrefixStrings, prefixShapeOf } from './prefix-codec.js';
import { EMBEDDED_REGION_SUFFIXES } from './embedded-regions.js';
import { buildRegionsFrom, RegionIndex, regionsOfSuffixes, type Region } from './regions.js';
import { splitTagName } from './spellings.js';
import type { EncodedColumns, PrefixShape, PrefixShapeColumns, ServiceTagInfo, SnapshotInfo, TagTable, FieldTexts } from './types.js';
import { unionAll } from './union.js';

export type { Cloud } from './cloud.js';
export type { TagResolution } from './names.js';
export type { PrefixCount, ServiceTagInfo, SnapshotInfo } from './types.js';

// Only glob matching needs micromatch (and picomatch under it): see internal/packages.ts.
const micromatch = micromatchPackage;

/** Reads a snapshot's encoded prefixes (for diff.ts), without making them part of the public class. */
let encodedOf: (snapshot: Snapshot, index: number) => { bytes: Uint8Array; start: number; end: number };
let indexOf: (snapshot: Snapshot, name: string) => number | undefined;

/**
 * The prefixes of the tag at a file position (of tags()) as stored (prefix-codec.ts), for code in this package
 * that compares them without text.
 */
export function encodedPrefixes(snapshot: Snapshot, index: number): { bytes: Uint8Array; start: number; end: number } {
  return encodedOf(snapshot, index);
}

/**
 * The file position of the tag `tag(name)` returns, or undefined: `snapshot diff` pairs ~3,000 tags by position
 * once instead of looking each name up again for its prefixes.
 */
export function tagIndex(snapshot: Snapshot, name: string): number | undefined {
  return indexOf(snapshot, name);
}

let columnsOf: (snapshot: Snapshot) => EncodedColumns | undefined;
let uniqueOf: (snapshot: Snapshot) => boolean;

/**
 * Whether the snapshot's table says no two of its names are the same ignoring case (a JSON file's checks that), so
 * that tagIndex(snapshot, names()[i]) is i: `snapshot diff` pairs ~3,000 tags in file order without a look-up each.
 */
export function uniqueNames(snapshot: Snapshot): boolean {
  return uniqueOf(snapshot);
}

/**
 * Every tag's encoded prefixes in one buffer by file position, when the table stores them so (a JSON file's), else
 * undefined: `snapshot diff` compares ~3,000 tags' bytes without an encodedPrefixes object per tag.
 */
export function encodedColumns(snapshot: Snapshot): EncodedColumns | undefined {
  return columnsOf(snapshot);
}

let fieldsOf: (snapshot: Snapshot) => FieldTexts | undefined;
let rowOf: (snapshot: Snapshot, index: number) => ServiceTagInfo;

/**
 * Where each tag's text is in the file the snapshot was read from, when its table knows (FieldTexts): `snapshot diff`
 * tells a tag whose bytes did not change without making its row.
 */
export function fieldTexts(snapshot: Snapshot): FieldTexts | undefined {
  return fieldsOf(snapshot);
}

/** The tag at a file position (of names() and tags()), made alone: `snapshot diff` reads the changed tags only. */
export function tagAtIndex(snapshot: Snapshot, index: number): ServiceTagInfo {
  return rowOf(snapshot, index);
}

let presetRegionSuffixes: (snapshot: Snapshot, suffixes: ReadonlyArray<readonly [string, string]>) => void;
let shapeOf: (snapshot: Snapshot, index: number) => PrefixShape;
let shapeColumnsOf: (snapshot: Snapshot) => PrefixShapeColumns | undefined;

/** Every tag's prefixShape as columns by file position, when the table stores them apart (embedded), else undefined. */
export function prefixShapeColumns(snapshot: Snapshot): PrefixShapeColumns | undefined {
  return shapeColumnsOf(snapshot);
}

/**
 * How many prefixes the tag at a file position (of names()) has per family and the shortest one's length: stored
 * apart in the embedded form, else read from the prefix headers. Throws what reading the prefixes throws.
 */
export function prefixShape(snapshot: Snapshot, index: number): PrefixShape {
  return shapeOf(snapshot, index);
}

export class Snapshot {
  static {
    encodedOf = (snapshot, index) => snapshot.#table.encodedPrefixes(index);
    indexOf = (snapshot, name) => snapshot.#table.indexOf(name.trim());
    columnsOf = (snapshot) => snapshot.#table.encodedColumns?.();
    uniqueOf = (snapshot) => snapshot.#table.uniqueNames === true;
    shapeColumnsOf = (snapshot) => snapshot.#table.prefixShapeColumns?.();
    fieldsOf = (snapshot) => snapshot.#table.fieldTexts?.();
    rowOf = (snapshot, index) => snapshot.#table.tagAt(index);
    presetRegionSuffixes = (snapshot, suffixes) => {
      snapshot.#regionSuffixes = suffixes;
    };
    shapeOf = (snapshot, index) => {
      const table = snapshot.#table;
      const stored = table.prefixShape?.(index);
      if (stored) return stored;
      const { bytes, start, end } = table.encodedPrefixes(index);
      return prefixShapeOf(bytes, start, end);
    };
  }

  readonly info: SnapshotInfo;
  readonly #table: TagTable;
  #tags: readonly ServiceTagInfo[] | undefined;
  #regions: RegionIndex | undefined;
  /** The regions' tag suffixes as the build wrote them down for an embedded snapshot (defaultSnapshot), else undefined. */
  #regionSuffixes: ReadonlyArray<readonly [string, string]> | undefined;
  /**
   * Each tag's addresses and canonical prefixes once read, made at the first: a command reads a few tags, or none
   * (`snapshot diff` reads the encodings), and two arrays of a slot per tag were ~50 KB of a Public file's young
   * generation, made per file read.
   */
  #addresses: Array<AddressSet | undefined> | undefined;
  #canonical: Array<readonly string[] | undefined> | undefined;

  /** Use loadSnapshotFile, parseSnapshot or defaultSnapshot; this is their common end. */
  constructor(table: TagTable, source: string) {
    this.#table = table;
    this.info = Object.freeze({
      cloud: table.cloud,
      changeNumber: table.changeNumber,
      ...(table.date === undefined ? {} : { date: table.date }),
      source,
      tagCount: table.count,
      prefixCount: table.prefixCount,
      ...(table.origin === undefined ? {} : { origin: table.origin }),
    });
  }

  /** Every tag, in file order. */
  tags(): readonly ServiceTagInfo[] {
    if (this.#tags === undefined) {
      // A loop, not Array.from's callback per tag: run once and cold, by `snapshot diff` for ~3,000 tags a file.
      const table = this.#table;
      const tags = new Array<ServiceTagInfo>(table.count);
      for (let i = 0; i < tags.length; i++) tags[i] = table.tagAt(i);
      this.#tags = Object.freeze(tags);
    }
    return this.#tags;
  }

  /** Tag names in file order (cheaper than tags() when only names are needed). */
  names(): readonly string[] {
    return this.#table.names;
  }

  /** The tag with exactly this name, ignoring case; no aliases. */
  tag(name: string): ServiceTagInfo | undefined {
    const index = this.#table.indexOf(name.trim());
    return index === undefined ? undefined : this.#table.tagAt(index);
  }

  /** The snapshot's spelling of a name a user wrote (see names.ts); TW_UNKNOWN_TAG with suggestions. */
  resolve(name: string): TagResolution {
    return resolveTagName(this, name);
  }

  /** The tag's prefixes exactly as published, in file order. */
  prefixes(name: string): readonly string[] {
    const index = this.#resolveIndex(name);
    return this.#table.publishedPrefixes(index) ?? this.#canonicalPrefixes(index);
  }

  /**
   * The tag's prefixes in canonical text (RFC 5952 for IPv6), in file order. The same as `prefixes` for
   * Microsoft's files, which publish canonical text; a hand-edited file may differ (`2001:DB8::/32`).
   */
  normalizedPrefixes(name: string): readonly string[] {
    return this.#canonicalPrefixes(this.#resolveIndex(name));
  }

  /** The addresses of one tag (decoded on first use, then kept). */
  addresses(name: string): AddressSet {
    const index = this.#resolveIndex(name);
    const addresses = (this.#addresses ??= new Array<AddressSet | undefined>(this.#table.count));
    let set = addresses[index];
    if (!set) {
      const table = this.#table;
      set = withLocation({ file: this.info.source }, () => {
        const stored = table.storedAddresses?.(index);
        if (stored) return stored;
        const { bytes, start, end } = table.encodedPrefixes(index);
        const count = table.tagAt(index).prefixCount;
        return decodeAddressSet(bytes, start, end, count.ipv4, count.ipv6);
      });
      addresses[index] = set;
    }
    return set;
  }

  /** Resolves each name and returns the union of their addresses. */
  expand(names: readonly string[]): { readonly tags: readonly TagResolution[]; readonly addresses: AddressSet } {
    const tags = names.map((name) => this.resolve(name));
    const addresses = unionAll([...new Set(tags.map((tag) => tag.name))].map((name) => this.addresses(name)));
    return { tags, addresses };
  }

  /** Tag names matching a glob (micromatch syntax, ignoring case), sorted. */
  match(glob: string): string[] {
    return micromatch()([...this.#table.names], glob, { nocase: true }).sort(compareText);
  }

  /** The regions that have tags in this snapshot, sorted by ARM name. */
  regions(): readonly Region[] {
    return this.#regionIndex().regions;
  }

  /** A region by ARM name, tag suffix, internal name or display name; TW_UNKNOWN_REGION with suggestions. */
  resolveRegion(input: string): Region {
    return this.#regionIndex().resolve(input);
  }

  /** Like resolveRegion, but undefined for an unknown region. */
  findRegion(input: string): Region | undefined {
    return this.#regionIndex().find(input);
  }

  #resolveIndex(name: string): number {
    return this.#table.indexOf(name.trim()) ?? this.#table.indexOf(this.resolve(name).name)!;
  }

  #canonicalPrefixes(index: number): readonly string[] {
    const canonical = (this.#canonical ??= new Array<readonly string[] | undefined>(this.#table.count));
    let prefixes = canonical[index];
    if (!prefixes) {
      const { bytes, start, end } = this.#table.encodedPrefixes(index);
      prefixes = Object.freeze(withLocation({ file: this.info.source }, () => decodePrefixStrings(bytes, start, end)));
      canonical[index] = prefixes;
    }
    return prefixes;
  }

  #regionIndex(): RegionIndex {
    // Names and regions only: building every tag's row (tags()) cost as much as the index itself in a cold CLI run.
    const table = this.#table;
    if (!this.#regions && this.#regionSuffixes) {
      this.#regions = new RegionIndex(this.info.cloud, regionsOfSuffixes(this.info.cloud, this.#regionSuffixes));
    }
    if (!this.#regions) {
      const nameSuffixAt = table.nameSuffixAt?.bind(table) ?? ((index: number) => splitTagName(table.names[index]!).region);
      const regionVotes = table.regionVotes?.bind(table);
      const votes = { count: table.count, regionAt: (index: number) => table.regionAt(index), nameSuffixAt, ...(regionVotes ? { regionVotes } : {}) };
      this.#regions = new RegionIndex(this.info.cloud, buildRegionsFrom(this.info.cloud, votes));
    }
    return this.#regions;
  }
}

/** Reads a snapshot file: Microsoft's JSON (plain or gzip) or tagwall's embedded form. Throws TW_FILE and friends. */
export function loadSnapshotFile(path: string): Snapshot {
  // Read and inflated on the threadpool since the executable started (`--snapshot FILE`, prefetch.ts), with the
  // options parseSnapshot's gunzipSync uses: the same text, taken as startLoadingSnapshotFile takes it. A prefetch
  // that failed or has not finished is dropped, and the file read again here, so any error is the usual one.
  // A file that is not gzip was read there, and is parsed as if read here.
  const prefetched = takeInflatedSnapshot(path);
  if (prefetched?.bytes === undefined) return parseSnapshot(prefetched?.text ?? readBytes(path), path);
  if (!isEmbeddedFormat(prefetched.bytes)) return new Snapshot(parseJsonBytes(prefetched.text, true, path), path);
  return parseSnapshot(readBytes(path), path);
}

/**
 * loadSnapshotFile, started: the file is read now and, when it is gzip, inflated on libuv's threadpool while the
 * caller goes on (loading an earlier file); the returned function finishes the load. Any error waits for that call,
 * so a caller that finishes its files in order reports the first error loadSnapshotFile would have, file by file.
 */
export function startLoadingSnapshotFile(path: string): () => Promise<Snapshot> {
  // Read, and inflating, since the executable started (prefetch.ts): the same bytes and gunzip as below.
  const prefetched = takePrefetchedSnapshot(path);
  if (prefetched !== undefined && prefetched.bytes === undefined) {
    // A file that is not gzip, being read on the threadpool: parsed as read; a failed read is made again here, so
    // that its error is the usual one.
    const reading = prefetched.inflated;
    reading.catch(() => undefined);
    return async () => parseSnapshot(await reading.catch(() => readBytes(path)), path);
  }
  let bytes: Uint8Array;
  try {
    bytes = prefetched?.bytes ?? readBytes(path);
  } catch (error) {
    return async () => {
      throw error;
    };
  }
  if (!isGzip(bytes) || isEmbeddedFormat(bytes)) return async () => parseSnapshot(bytes, path);
  const inflating = prefetched ? adoptInflation(prefetched.inflated, bytes, path) : inflateOnThreadpool(bytes, path);
  // Handled here so that a failure waits for the caller instead of ending the process as an unhandled rejection.
  inflating.catch(() => undefined);
  const size = gzipAnnouncedSize(bytes);
  return async () => {
    // The inflation is mostly still running when a command first asks (the CLI's first file): the module readied
    // meanwhile, off the read's own time.
    if (size !== undefined) prepareToRead(size);
    return new Snapshot(parseJsonBytes(await inflating, true, path), path);
  };
}

/** A snapshot from bytes or text; `source` names it in errors and in `info.source` (a path or a label). */
export function parseSnapshot(data: Uint8Array | string, source = '<input>'): Snapshot {
  const embedded = typeof data !== 'string' && isEmbeddedFormat(data);
  const table = embedded ? decodeEmbedded(data, source) : parseServiceTagsJson(data, source);
  // The JSON loader checks names as it reads; a user's embedded-form file keeps Microsoft's order, so its paths hold.
  if (embedded) table.names.forEach((name, index) => checkTagName(name, { file: source, jsonPath: `$.values[${index}].name` }));
  return new Snapshot(table, source);
}

const embedded = new Map<Cloud, Snapshot>();

/** The snapshot shipped with tagwall for `cloud` (the newest one at build time), read on first use. */
export function defaultSnapshot(cloud: Cloud = 'Public'): Snapshot {
  let snapshot = embedded.get(cloud);
  if (!snapshot) {
    // From src/servicetags/ in development and from the bundle in dist/, the same relative URL reaches the
    // snapshots folder: tsup copies src/servicetags/snapshots to dist/snapshots.
    // By `__dirname` where the code is CommonJS (the CLI bundle and dist/index.cjs): no URL to parse, and the CLI
    // bundle is built without tsup's shim, which made one for every run (issue 22).
    const source = `embedded:${cloud}`;
    const path = typeof __dirname === 'string' ? nodePath().join(__dirname, 'snapshots', `${cloud}.twsnap`) : fileURLToPath(new URL(`./snapshots/${cloud}.twsnap`, import.meta.url));
    const missing = (cause: unknown): TagwallError =>
      new TagwallError('TW_FILE', `the embedded ${cloud} snapshot is missing (${path}); reinstall tagwall`, { location: { file: source }, cause });
    // Read as it is needed (the directory now, a chunk of prefixes when one of its tags is asked for).
    snapshot = new Snapshot(readEmbeddedFile(path, source, missing), source);
    // The regions as the build computed them from this very file (embedded-regions.ts), instead of a vote over
    // every tag: a cold scenario run resolves its region without counting ~3,000 tags (issue 22). The change number
    // and tag count guard against a file the table was not written for; embedded-regions.test.ts compares the two.
    const written = EMBEDDED_REGION_SUFFIXES[cloud];
    if (written.changeNumber === snapshot.info.changeNumber && written.tagCount === snapshot.info.tagCount) presetRegionSuffixes(snapshot, written.suffixes);
    embedded.set(cloud, snapshot);
  }
  return snapshot;
}
