/** The plain data a snapshot is made of, shared by the JSON loader, the embedded format and the Snapshot class. */
import type { Cloud } from './cloud.js';
import type { AddressSet } from '../model/address-set.js';

export interface PrefixCount {
  readonly ipv4: number;
  readonly ipv6: number;
}

export interface SnapshotInfo {
  readonly cloud: Cloud;
  /** The file's top-level `changeNumber`: Microsoft bumps it with every publication. */
  readonly changeNumber: number;
  /** YYYY-MM-DD, from the `_YYYYMMDD` in Microsoft's file name when known. */
  readonly date?: string;
  /** The file path it was loaded from, or `embedded:<cloud>`. */
  readonly source: string;
  readonly tagCount: number;
  readonly prefixCount: PrefixCount;
  /** For an embedded snapshot: the Microsoft file it was built from and that file's sha256. */
  readonly origin?: { readonly file: string; readonly sha256: string };
}

export interface ServiceTagInfo {
  /** Exact spelling from the file (`AzureFrontDoor.Frontend`, `AzureCloud.centralfrance`). */
  readonly name: string;
  readonly id: string;
  /** Microsoft's internal region name (`centralfrance`), '' for a global tag. */
  readonly region: string;
  readonly regionId: number;
  readonly platform: string;
  /** '' for some tags (e.g. `AzureFrontDoor.Frontend` in Public). */
  readonly systemService: string;
  /** null for about half the tags; order is as published and not meaningful. */
  readonly networkFeatures: readonly string[] | null;
  readonly changeNumber: number;
  readonly prefixCount: PrefixCount;
}

/**
 * What a Snapshot reads its data through. Two implementations: the JSON loader's (everything in memory) and the
 * embedded form's (columns decoded on demand, prefixes decompressed per chunk), so that a CLI call that asks
 * for one tag pays for one tag.
 */
export interface TagTable {
  readonly cloud: Cloud;
  readonly changeNumber: number;
  readonly date: string | undefined;
  readonly origin: SnapshotInfo['origin'];
  readonly count: number;
  readonly prefixCount: PrefixCount;
  /** Tag names in file order. */
  readonly names: readonly string[];
  /** The tag at a file position (frozen; the same object on every call). */
  tagAt(index: number): ServiceTagInfo;
  /** `tagAt(index).region` without building the row: the region index reads it for every tag. */
  regionAt(index: number): string;
  /**
   * What follows the first dot of the tag's name (`WestUS` of `Storage.WestUS`), undefined without one; optional,
   * for a table that has it without building the name: the region index reads it for every tag.
   */
  nameSuffixAt?(index: number): string | undefined;
  /**
   * countRegionVotes (regions.ts) of this table, counted without a string per tag; optional, for a table whose
   * columns hold dictionary entries: the region index needs it once per run.
   */
  regionVotes?(): RegionSuffixVotes;
  /** File position of the tag with this name, ignoring case. */
  indexOf(name: string): number | undefined;
  /**
   * True when no two names are the same ignoring case, so that `indexOf(names[i])` is i: `snapshot diff` pairs a
   * newer tag with the older one after the last pair when their names are equal, without a look-up. Optional.
   */
  readonly uniqueNames?: boolean;
  /** The tag's prefixes in prefix-codec.ts's encoding: `bytes[start, end)`. */
  encodedPrefixes(index: number): { readonly bytes: Uint8Array; readonly start: number; readonly end: number };
  /**
   * Every tag's encodedPrefixes at once: tag i's are `bytes[offsets[i], offsets[i + 1])`; optional, for a table
   * that stores them in one buffer (a JSON file's), so a diff compares ~3,000 tags without an object per lookup.
   */
  encodedColumns?(): EncodedColumns;
  /**
   * Where each tag's values are in the file, when the table was read from a file shaped as Microsoft writes it:
   * `snapshot diff` finds a tag's fields unchanged from their bytes, without making its row (FieldTexts).
   */
  fieldTexts?(): FieldTexts | undefined;
  /**
   * The tag's address set from canonical bounds stored with it, when the table has them (an embedded file written
   * since issue 22), else undefined: the set is then decoded from the prefixes.
   */
  storedAddresses?(index: number): AddressSet | undefined;
  /** The prefix strings exactly as the file wrote them, when loaded from JSON; undefined for embedded tables. */
  publishedPrefixes(index: number): readonly string[] | undefined;
  /** The tag's prefix count and shortest length per family when stored apart from its prefixes, else undefined. */
  prefixShape?(index: number): PrefixShape | undefined;
  /** Every tag's prefixShape at once, by file position, when stored apart from the prefixes; else undefined. */
  prefixShapeColumns?(): PrefixShapeColumns | undefined;
}

/**
 * TagTable.fieldTexts: where each tag's values are in the JSON text the table was read from, for a file
 * prefix-scan.wat read: its records (prefix-scan.ts RECORD numbers a tag) and the text they point into.
 * json-scan.ts sameFieldTexts compares two tags' values by their bytes.
 */
export interface FieldTexts {
  readonly text: Uint8Array;
  readonly records: Int32Array;
}

/** TagTable.encodedColumns: every tag's encoded prefixes in one buffer, by file position. */
export interface EncodedColumns {
  readonly bytes: Uint8Array;
  readonly offsets: Uint32Array;
}

/** Each tag's prefix counts and shortest lengths (NO_PREFIX when none) per family, indexed by file position. */
export interface PrefixShapeColumns {
  readonly ipv4: ArrayLike<number>;
  readonly ipv6: ArrayLike<number>;
  readonly shortest4: ArrayLike<number>;
  readonly shortest6: ArrayLike<number>;
}

/** How many prefixes a tag has in each family and the shortest one's length (NO_PREFIX when it has none). */
export interface PrefixShape {
  readonly ipv4: { readonly count: number; readonly shortest: number };
  readonly ipv6: { readonly count: number; readonly shortest: number };
}

/** PrefixShape's shortest length for a family without prefixes (longer than any prefix). */
export const NO_PREFIX = 255;

/**
 * Each region (a tag's `region` property) → the suffixes of its tags' names (what follows the first dot) → how many
 * tags have that suffix, each map in order of first appearance. Tags without a region or a suffix do not vote.
 */
export type RegionSuffixVotes = Map<string, Map<string, number>>;
