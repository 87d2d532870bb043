/**
 * The compact binary form of a snapshot that tagwall ships (src/servicetags/snapshots/<Cloud>.twsnap).
 *
 * Why not the JSON: `tagwall expand Storage.WestUS` should start about as fast as `node -e 0`, and parsing the
 * 4 MB Public JSON alone costs ~40 ms here; even one brotli stream of this form (0.8 MB inflated) costs 8-13 ms
 * in a fresh process. So it is split: a directory (info, dictionaries, numeric columns) that every load
 * reads (84 kB for Public), and the prefixes in chunks of whole tags (~16 kB each), read when one of their tags is
 * first asked for.
 *
 * The files tagwall ships are stored uncompressed (compression 0): a cold render reads the directory and its tags'
 * address bounds (~140 kB of Public's 1.83 MB) at their offsets, and loads no node:zlib, which brings the
 * stream modules with it (issue 22: ~8 ms of a cold `render --target nftables`, measured in docs/performance.md).
 * Brotli files (compression 1, each chunk its own stream: 277 kB for Public), as tagwall wrote them before, still
 * load, from a file or from bytes.
 *
 *   "TWST" | version u8 | compression u8 | directory length u32le | directory | chunk 0 | chunk 1 | ...
 *   compression 0: the directory and chunks as they are; 1: each one its own brotli stream
 *   directory = JSON length u32le | JSON (EmbeddedDirectory) | numeric columns, each 4-byte aligned, LE
 *   chunk = its tags' prefixes (prefix-codec.ts) | padding to 4 bytes | its tags' address bounds (when the file has
 *           the intervals4 and intervals6 columns): per tag, its IPv4 then its IPv6 IntervalSet bounds, u32le words
 * (columnWidths says how many columns there are: the trailing OPTIONAL_COLUMNS may be absent, and a file without
 * the interval columns has no bounds in its chunks. A tagwall older than those columns still reads a file with them:
 * it stops at the columns it knows and does not look past a chunk's prefixes.)
 *
 * Why the bounds (issue 22): a tag's canonical intervals read as typed-array views of the file are its address set
 * with one check of their order, where decoding and merging its prefixes, interpreted in a cold command, cost
 * ~35 M instructions for the 9 tags of a render (3,800 prefixes); stored, ~5 M. They double the shipped Public file.
 */
import { TagwallError } from '../errors.js';
import { INPUT_LIMITS } from '../internal/input-limits.js';
import { nodeFs, nodeZlib } from '../internal/lazy.js';
import { CLOUDS, type Cloud } from './cloud.js';
import { compareText } from './order.js';
import { AddressSet } from '../model/address-set.js';
import { IntervalSet } from '../model/intervals.js';
import { IPV4, IPV6 } from '../model/ip.js';
import { decodeAddressSet, prefixShapeOf } from './prefix-codec.js';
import type { PrefixCount, PrefixShape, PrefixShapeColumns, RegionSuffixVotes, ServiceTagInfo, SnapshotInfo, TagTable } from './types.js';

const MAGIC = [0x54, 0x57, 0x53, 0x54]; // "TWST"
const FORMAT_VERSION = 1;
const STORED = 0;
const BROTLI = 1;
const PREAMBLE = 10;

/** How encodeEmbedded writes the directory and the chunks: as they are (what tagwall ships) or brotli streams. */
export type EmbeddedCompression = 'stored' | 'brotli';

/** Uncompressed prefix bytes per chunk: big enough to compress well, small enough to inflate in a fraction of a ms. */
export const DEFAULT_CHUNK_BYTES = 16 * 1024;

const COLUMNS = [
  'offsets', // count + 1 entries: tag i's prefixes are stream bytes [offsets[i], offsets[i + 1])
  'changeNumber',
  'regionId',
  'ipv4',
  'ipv6',
  'region', // index into dictionaries.region, and so on
  'platform',
  'systemService',
  'networkFeatures',
  'nameOrder', // tag indexes sorted by lower-case name, for lookups without building a map
  'service', // name = dictionaries.service[service] + dictionaries.suffix[suffix]
  'suffix',
  // Added later, so optional when reading (a file without them still loads): each tag's shortest IPv4 and IPv6
  // prefix length (NO_PREFIX for none), which bound a tag's size with no chunk inflated (answers.ts names sets).
  'shortest4',
  'shortest6',
  // Added later still: each tag's count of canonical IPv4 and IPv6 intervals, whose bounds its chunk stores after
  // the prefixes. Without them a tag's address set is decoded from its prefixes.
  'intervals4',
  'intervals6',
] as const;
type ColumnName = (typeof COLUMNS)[number];
/** Columns a file may end before (written by an older tagwall): the table answers without them. */
const OPTIONAL_COLUMNS: ReadonlySet<ColumnName> = new Set(['shortest4', 'shortest6', 'intervals4', 'intervals6']);
/** The columns of a file written without address bounds, as tagwall wrote them before. */
const COLUMNS_WITHOUT_BOUNDS = COLUMNS.filter((name) => name !== 'intervals4' && name !== 'intervals6');

interface EmbeddedDirectory {
  readonly cloud: Cloud;
  readonly changeNumber: number;
  readonly date: string | null;
  readonly origin: SnapshotInfo['origin'] | null;
  readonly prefixCount: PrefixCount;
  readonly tagCount: number;
  /** Row index → id, for rows whose id is not their name (none in Microsoft's files so far). */
  readonly idNotName: Readonly<Record<string, string>>;
  readonly dictionaries: {
    /**
     * Names split at their first dot: 95 services and 149 `.Region` suffixes spell the 3,039 Public names in
     * 8 kB of JSON instead of 76 kB, which was most of what a load inflated and parsed.
     */
    readonly service: readonly string[];
    readonly suffix: readonly string[];
    readonly region: readonly string[];
    readonly platform: readonly string[];
    readonly systemService: readonly string[];
    readonly networkFeatures: ReadonlyArray<readonly string[] | null>;
  };
  /** Bytes per entry (1, 2 or 4) of each column, in COLUMNS order. */
  readonly columnWidths: readonly number[];
  /** Per chunk: index of its first tag and its compressed length; chunks follow the directory in order. */
  readonly chunks: ReadonlyArray<readonly [firstTag: number, compressedLength: number]>;
}

export function isEmbeddedFormat(bytes: Uint8Array): boolean {
  return bytes.length >= PREAMBLE && MAGIC.every((byte, i) => bytes[i] === byte);
}

function compress(bytes: Uint8Array): Uint8Array {
  const { brotliCompressSync, constants: zlib } = nodeZlib();
  return brotliCompressSync(bytes, {
    params: {
      [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY,
      [zlib.BROTLI_PARAM_LGWIN]: zlib.BROTLI_MAX_WINDOW_BITS,
      [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
}

function dictionaryColumn<T>(rows: readonly T[], key: (value: T) => string): { values: T[]; index: number[] } {
  const values: T[] = [];
  const positions = new Map<string, number>();
  const index = rows.map((row) => {
    const k = key(row);
    let position = positions.get(k);
    if (position === undefined) {
      position = values.length;
      positions.set(k, position);
      values.push(row);
    }
    return position;
  });
  return { values, index };
}

function widthFor(values: readonly number[]): 1 | 2 | 4 {
  const max = values.reduce((a, b) => Math.max(a, b), 0);
  return max < 0x100 ? 1 : max < 0x10000 ? 2 : 4;
}

/**
 * The embedded form of a table. Deterministic: the same table gives the same bytes. `withBounds` false writes the
 * form without address bounds that tagwall wrote before (for the tests of reading such files).
 */
export function encodeEmbedded(
  table: TagTable,
  origin: SnapshotInfo['origin'],
  chunkBytes: number = DEFAULT_CHUNK_BYTES,
  compression: EmbeddedCompression = 'stored',
  withBounds = true,
): Uint8Array {
  const pack = compression === 'brotli' ? compress : (bytes: Uint8Array): Uint8Array => bytes;
  const tags = Array.from({ length: table.count }, (_, i) => table.tagAt(i));
  const idNotName: Record<string, string> = {};
  tags.forEach((tag, i) => {
    if (tag.id !== tag.name) idNotName[String(i)] = tag.id;
  });

  // The prefix stream, cut into chunks at tag boundaries.
  const offsets = [0];
  const shortest4: number[] = [];
  const shortest6: number[] = [];
  const intervals4: number[] = [];
  const intervals6: number[] = [];
  const chunks: Array<[number, number]> = [];
  const compressedChunks: Uint8Array[] = [];
  let chunkStart = 0;
  let chunkParts: Uint8Array[] = [];
  let boundsParts: Uint8Array[] = [];
  let chunkSize = 0;
  const closeChunk = (nextTag: number): void => {
    if (nextTag === chunkStart) return;
    const compressed = pack(Buffer.concat([...chunkParts, ...(withBounds ? [padding(chunkSize), ...boundsParts] : [])]));
    chunks.push([chunkStart, compressed.length]);
    compressedChunks.push(compressed);
    chunkStart = nextTag;
    chunkParts = [];
    boundsParts = [];
    chunkSize = 0;
  };
  for (let i = 0; i < table.count; i++) {
    const { bytes, start, end } = table.encodedPrefixes(i);
    const part = bytes.subarray(start, end);
    const shape = prefixShapeOf(bytes, start, end);
    shortest4.push(shape.ipv4.shortest);
    shortest6.push(shape.ipv6.shortest);
    const addresses = decodeAddressSet(bytes, start, end, shape.ipv4.count, shape.ipv6.count);
    intervals4.push(addresses.ipv4.intervalCount);
    intervals6.push(addresses.ipv6.intervalCount);
    boundsParts.push(packColumn(addresses.ipv4.bounds, 4), packColumn(addresses.ipv6.bounds, 4));
    offsets.push(offsets[i]! + part.length);
    chunkParts.push(part);
    chunkSize += part.length;
    if (chunkSize >= chunkBytes) closeChunk(i + 1);
  }
  closeChunk(table.count);

  const service = dictionaryColumn(tags.map((tag) => splitAtDot(tag.name)[0]), String);
  const suffix = dictionaryColumn(tags.map((tag) => splitAtDot(tag.name)[1]), String);
  const region = dictionaryColumn(tags.map((tag) => tag.region), String);
  const platform = dictionaryColumn(tags.map((tag) => tag.platform), String);
  const systemService = dictionaryColumn(tags.map((tag) => tag.systemService), String);
  const networkFeatures = dictionaryColumn(tags.map((tag) => tag.networkFeatures), (value) => JSON.stringify(value));
  const lowerNames = tags.map((tag) => tag.name.toLowerCase());
  const nameOrder = tags.map((_, i) => i).sort((a, b) => compareText(lowerNames[a]!, lowerNames[b]!));
  const columns: Record<ColumnName, readonly number[]> = {
    offsets,
    changeNumber: tags.map((tag) => tag.changeNumber),
    regionId: tags.map((tag) => tag.regionId),
    ipv4: tags.map((tag) => tag.prefixCount.ipv4),
    ipv6: tags.map((tag) => tag.prefixCount.ipv6),
    region: region.index,
    platform: platform.index,
    systemService: systemService.index,
    networkFeatures: networkFeatures.index,
    nameOrder,
    service: service.index,
    suffix: suffix.index,
    shortest4,
    shortest6,
    intervals4,
    intervals6,
  };
  const written = withBounds ? COLUMNS : COLUMNS_WITHOUT_BOUNDS;
  const columnWidths = written.map((name) => widthFor(columns[name]));

  const directory: EmbeddedDirectory = {
    cloud: table.cloud,
    changeNumber: table.changeNumber,
    date: table.date ?? null,
    origin: origin ?? null,
    prefixCount: table.prefixCount,
    tagCount: table.count,
    idNotName,
    dictionaries: {
      service: service.values,
      suffix: suffix.values,
      region: region.values,
      platform: platform.values,
      systemService: systemService.values,
      networkFeatures: networkFeatures.values,
    },
    columnWidths,
    chunks,
  };
  const json = new TextEncoder().encode(JSON.stringify(directory));
  const parts: Uint8Array[] = [u32(json.length), json, padding(4 + json.length)];
  let used = 4 + json.length + padding(4 + json.length).length;
  written.forEach((name, k) => {
    const column = packColumn(columns[name], columnWidths[k]!);
    parts.push(column, padding(column.length));
    used += column.length + padding(column.length).length;
  });
  const compressedDirectory = pack(Buffer.concat(parts, used));

  return Buffer.concat([
    Uint8Array.from([...MAGIC, FORMAT_VERSION, compression === 'brotli' ? BROTLI : STORED]),
    u32(compressedDirectory.length),
    compressedDirectory,
    ...compressedChunks,
  ]);
}

/** `Storage.WestUS` → ['Storage', '.WestUS']; a name without a dot has the suffix ''. */
function splitAtDot(name: string): [string, string] {
  const dot = name.indexOf('.');
  return dot < 0 ? [name, ''] : [name.slice(0, dot), name.slice(dot)];
}

function u32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, true);
  return bytes;
}

function padding(length: number): Uint8Array {
  return new Uint8Array((4 - (length % 4)) % 4);
}

function packColumn(values: readonly number[] | Uint32Array, width: number): Uint8Array {
  const bytes = new Uint8Array(values.length * width);
  const view = new DataView(bytes.buffer);
  values.forEach((value, i) => {
    if (width === 1) view.setUint8(i, value);
    else if (width === 2) view.setUint16(2 * i, value, true);
    else view.setUint32(4 * i, value, true);
  });
  return bytes;
}

type Column = Uint8Array | Uint16Array | Uint32Array;

/** A typed-array view of a little-endian column; copied when unaligned or on a big-endian machine. */
function readColumn(bytes: Uint8Array, at: number, width: number, length: number): Column {
  if (width === 1) return bytes.subarray(at, at + length);
  const absolute = bytes.byteOffset + at;
  if (LITTLE_ENDIAN && absolute % width === 0) {
    return width === 2 ? new Uint16Array(bytes.buffer, absolute, length) : new Uint32Array(bytes.buffer, absolute, length);
  }
  const view = new DataView(bytes.buffer, absolute, length * width);
  const out = width === 2 ? new Uint16Array(length) : new Uint32Array(length);
  for (let i = 0; i < length; i++) out[i] = width === 2 ? view.getUint16(2 * i, true) : view.getUint32(4 * i, true);
  return out;
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** A file's bytes as the decoder reads them: all in memory, or from disk a piece at a time. */
interface EmbeddedBytes {
  readonly length: number;
  /** Bytes [start, end) of the file, start <= end <= length. */
  read(start: number, end: number): Uint8Array;
}

/** Reads the embedded form from bytes in memory. `source` names it in errors. */
export function decodeEmbedded(bytes: Uint8Array, source: string): TagTable {
  return decodeFrom({ length: bytes.length, read: (start, end) => bytes.subarray(start, end) }, source);
}

/**
 * Reads the embedded form from the file at `path` as it is needed: its preamble and directory now, each chunk when
 * one of its tags is first asked for, at its offset, and a tag's address bounds alone (see storedAddresses).
 * The file is opened for each read, not held open (a library user's long-lived process would keep it busy), and a
 * read checks the file is the one the directory came from (same size, inode and modification time), so a file
 * replaced while tagwall runs (a reinstall) fails instead of mixing two versions. Any read failure is
 * `readError(cause)`.
 */
export function readEmbeddedFile(path: string, source: string, readError: (cause: unknown) => TagwallError): TagTable {
  const fs = nodeFs();
  let identity: { size: number; ino: number; mtimeMs: number } | undefined;
  const read = (start: number, end: number): Uint8Array => {
    let fd: number | undefined;
    try {
      fd = fs.openSync(path, 'r');
      const { size, ino, mtimeMs } = fs.fstatSync(fd);
      if (identity === undefined) identity = { size, ino, mtimeMs };
      else if (size !== identity.size || ino !== identity.ino || mtimeMs !== identity.mtimeMs) throw new Error('the file changed while tagwall was reading it');
      // A fresh buffer per piece: its offset 0 keeps the directory's columns aligned for typed-array views.
      const bytes = new Uint8Array(Math.max(0, Math.min(end, size) - start));
      for (let at = 0, got = -1; at < bytes.length && got !== 0; at += got) got = fs.readSync(fd, bytes, at, bytes.length - at, start + at);
      return bytes;
    } catch (error) {
      throw readError(error);
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  };
  const head = read(0, PREAMBLE);
  return decodeFrom({ length: identity!.size, read: (start, end) => (start === 0 && end <= head.length ? head.subarray(0, end) : read(start, end)) }, source);
}

function decodeFrom(file: EmbeddedBytes, source: string): TagTable {
  const fail = (message: string): TagwallError =>
    new TagwallError('TW_SNAPSHOT_SHAPE', `not a valid tagwall snapshot: ${message}`, { location: { file: source } });
  const head = file.read(0, Math.min(PREAMBLE, file.length));
  if (!isEmbeddedFormat(head)) throw fail('wrong magic bytes');
  if (head[4] !== FORMAT_VERSION) throw fail(`format version ${head[4]}, this tagwall reads ${FORMAT_VERSION}`);
  const compression = head[5];
  if (compression !== STORED && compression !== BROTLI) throw fail(`unknown compression ${compression}`);
  const directoryLength = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(6, true);
  if (PREAMBLE + directoryLength > file.length) throw fail('directory runs past the end');
  const unpack = compression === BROTLI ? (bytes: Uint8Array): Uint8Array => inflate(bytes, fail) : (bytes: Uint8Array): Uint8Array => bytes;
  const raw = unpack(file.read(PREAMBLE, PREAMBLE + directoryLength));
  if (raw.length < 4) throw fail('directory too short');
  const jsonLength = new DataView(raw.buffer, raw.byteOffset, raw.byteLength).getUint32(0, true);
  if (4 + jsonLength > raw.length) throw fail('directory JSON runs past the end');
  let directory: EmbeddedDirectory;
  try {
    directory = JSON.parse(Buffer.from(raw.buffer, raw.byteOffset + 4, jsonLength).toString('utf8')) as EmbeddedDirectory;
  } catch {
    throw fail('directory is not JSON');
  }
  if (!CLOUDS.includes(directory.cloud)) throw fail(`unknown cloud ${String(directory.cloud)}`);
  const count = directory.tagCount;
  if (!Number.isSafeInteger(count) || !Array.isArray(directory.columnWidths) || !Array.isArray(directory.chunks)) {
    throw fail('incomplete directory');
  }

  let at = 4 + jsonLength;
  at += (4 - (at % 4)) % 4;
  const columns = {} as Record<ColumnName, Column>;
  COLUMNS.forEach((name, k) => {
    if (k >= directory.columnWidths.length && OPTIONAL_COLUMNS.has(name)) return;
    const width = directory.columnWidths[k];
    const length = name === 'offsets' ? count + 1 : count;
    if (width !== 1 && width !== 2 && width !== 4) throw fail(`column ${name} has width ${String(width)}`);
    if (at + width * length > raw.length) throw fail(`column ${name} runs past the end`);
    columns[name] = readColumn(raw, at, width, length);
    at += width * length;
    at += (4 - (at % 4)) % 4;
  });

  let chunkAt = PREAMBLE + directoryLength;
  const chunkStarts = new Uint32Array(directory.chunks.length + 1);
  const chunkFirstTags = new Uint32Array(directory.chunks.length + 1);
  directory.chunks.forEach(([firstTag, length], k) => {
    chunkStarts[k] = chunkAt;
    chunkFirstTags[k] = firstTag;
    chunkAt += length;
  });
  chunkStarts[directory.chunks.length] = chunkAt;
  chunkFirstTags[directory.chunks.length] = count;
  if (chunkAt !== file.length) throw fail('chunk lengths do not add up to the file');
  const chunk = (k: number): Uint8Array => unpack(file.read(chunkStarts[k]!, chunkStarts[k + 1]!));
  // A stored chunk's part is read on its own, at its offset: a tag's address bounds without the chunk's prefixes.
  const chunkPart =
    compression === STORED
      ? (k: number, from: number, to: number): Uint8Array | undefined =>
          to <= chunkStarts[k + 1]! - chunkStarts[k]! ? file.read(chunkStarts[k]! + from, chunkStarts[k]! + to) : undefined
      : undefined;
  return new EmbeddedTagTable(directory, columns, chunk, chunkPart, chunkFirstTags, fail);
}

function inflate(compressed: Uint8Array, fail: (message: string) => TagwallError): Uint8Array {
  try {
    // Capped: a crafted stream could otherwise inflate without bound.
    return nodeZlib().brotliDecompressSync(compressed, { maxOutputLength: INPUT_LIMITS.snapshotSize });
  } catch (error) {
    throw fail(`cannot decompress: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Per entry of a name dictionary: 1 for text, 2 for the empty text, 0 for anything else (a damaged directory);
 * undefined when the dictionary is not an array, which the callers then check entry by entry.
 */
function entryKinds(dictionary: readonly unknown[] | undefined): Uint8Array | undefined {
  if (!Array.isArray(dictionary)) return undefined;
  const kinds = new Uint8Array(dictionary.length);
  dictionary.forEach((entry, k) => {
    if (typeof entry === 'string') kinds[k] = entry === '' ? 2 : 1;
  });
  return kinds;
}

/** A table that decodes rows and decompresses prefix chunks as they are asked for, and keeps them. */
class EmbeddedTagTable implements TagTable {
  readonly cloud: Cloud;
  readonly changeNumber: number;
  readonly date: string | undefined;
  readonly origin: SnapshotInfo['origin'];
  readonly count: number;
  readonly prefixCount: PrefixCount;
  private allNames: readonly string[] | undefined;
  private readonly rows: Array<ServiceTagInfo | undefined>;
  private readonly inflated: Array<Uint8Array | undefined>;

  constructor(
    private readonly directory: EmbeddedDirectory,
    private readonly columns: Record<ColumnName, Column>,
    /** Chunk k's prefix bytes, read (and inflated) from the file. */
    private readonly chunk: (k: number) => Uint8Array,
    /** Bytes [from, to) of a stored chunk k, read apart from the rest; undefined past its end, or when compressed. */
    private readonly chunkPart: ((k: number, from: number, to: number) => Uint8Array | undefined) | undefined,
    /** Chunk k's first tag; one entry more than there are chunks (the tag count). */
    private readonly chunkFirstTags: Uint32Array,
    private readonly fail: (message: string) => TagwallError,
  ) {
    this.cloud = directory.cloud;
    this.changeNumber = directory.changeNumber;
    this.date = directory.date ?? undefined;
    this.origin = directory.origin ? Object.freeze({ ...directory.origin }) : undefined;
    this.count = directory.tagCount;
    this.prefixCount = Object.freeze({ ...directory.prefixCount });
    this.rows = new Array<ServiceTagInfo | undefined>(this.count);
    this.inflated = new Array<Uint8Array | undefined>(chunkFirstTags.length - 1);
  }

  get names(): readonly string[] {
    this.allNames ??= Object.freeze(Array.from({ length: this.count }, (_, i) => this.nameAt(i)));
    return this.allNames;
  }

  private nameAt(index: number): string {
    return this.nameHead(index) + this.nameTail(index);
  }

  // The name is two dictionary entries: the service and `.Suffix` (or ''), as the encoder split it (splitAtDot).
  // The directory is JSON from the file: a damaged one can index past a dictionary or hold a non-string there.
  private nameHead(index: number): string {
    const head: unknown = this.directory.dictionaries.service?.[this.columns.service[index]!];
    if (typeof head !== 'string') throw this.fail(`tag ${index} names no entry of the name dictionaries`);
    return head;
  }

  private nameTail(index: number): string {
    const tail: unknown = this.directory.dictionaries.suffix?.[this.columns.suffix[index]!];
    if (typeof tail !== 'string') throw this.fail(`tag ${index} names no entry of the name dictionaries`);
    return tail;
  }

  nameSuffixAt(index: number): string | undefined {
    // Both entries checked, as when the name is built. The service part has no dot (splitAtDot cut at the first
    // one), so what follows the name's first dot is the suffix entry without its dot.
    this.nameHead(index);
    const tail = this.nameTail(index);
    return tail === '' ? undefined : tail.slice(1);
  }

  /**
   * countRegionVotes (regions.ts) from the columns: a tag's (region, suffix) dictionary entries are counted as one
   * number, and only the distinct pairs (~400 of Public's 3,039 tags) become strings, where counting tag by tag cut a
   * suffix string and looked up two string-keyed maps per tag (~5 ms of a cold render). Pairs are named in order of
   * first appearance and merged by their text (a damaged file could spell a dictionary entry twice), so the maps,
   * their counts and their order are countRegionVotes's.
   */
  regionVotes(): RegionSuffixVotes {
    const { region: regionColumn, suffix: suffixColumn } = this.columns;
    const { region: regionNames, suffix: suffixNames } = this.directory.dictionaries;
    // Each pair's key is regionCode * span + suffixCode: distinct for distinct pairs, as a suffix code checked by
    // nameTail is below span.
    const span = suffixNames?.length ?? 0;
    const slotOf = new Map<number, number>();
    const pairs: Array<{ regionCode: number; suffixCode: number; count: number }> = [];
    // What nameHead and nameTail check, per dictionary entry instead of per tag (a cold loop over ~3,000 tags):
    // 1 for a text entry, 2 for the empty suffix; a code past the dictionary, or an entry that is not text, is 0.
    const serviceKinds = entryKinds(this.directory.dictionaries.service);
    const suffixKinds = entryKinds(suffixNames);
    const serviceColumn = this.columns.service;
    for (let index = 0; index < this.count; index++) {
      // Both name entries checked in tag order, as nameSuffixAt does: a damaged file fails on the same tag.
      if (serviceKinds === undefined || suffixKinds === undefined) {
        this.nameHead(index);
        if (this.nameTail(index) === '') continue;
      } else {
        const suffixKind = suffixKinds[suffixColumn[index]!];
        if (serviceKinds[serviceColumn[index]!] !== 1 || !suffixKind) {
          // Not two text entries (or an empty service name): the per-tag checks throw their error, or pass.
          this.nameHead(index);
          this.nameTail(index);
        }
        if (suffixKind === 2) continue;
      }
      const regionCode = regionColumn[index]!;
      const suffixCode = suffixColumn[index]!;
      const key = regionCode * span + suffixCode;
      const slot = slotOf.get(key);
      if (slot === undefined) {
        slotOf.set(key, pairs.length);
        pairs.push({ regionCode, suffixCode, count: 1 });
      } else pairs[slot]!.count++;
    }
    const votes: RegionSuffixVotes = new Map();
    for (const { regionCode, suffixCode, count } of pairs) {
      const region = regionNames[regionCode]!;
      if (region === '') continue;
      const suffix = suffixNames[suffixCode]!.slice(1);
      let perSuffix = votes.get(region);
      if (!perSuffix) votes.set(region, (perSuffix = new Map()));
      perSuffix.set(suffix, (perSuffix.get(suffix) ?? 0) + count);
    }
    return votes;
  }

  regionAt(index: number): string {
    return this.rows[index]?.region ?? this.directory.dictionaries.region[this.columns.region[index]!]!;
  }

  tagAt(index: number): ServiceTagInfo {
    let row = this.rows[index];
    if (!row) {
      const { columns, directory } = this;
      const { dictionaries } = directory;
      const name = this.nameAt(index);
      const features = dictionaries.networkFeatures[columns.networkFeatures[index]!];
      row = Object.freeze({
        name,
        id: directory.idNotName[String(index)] ?? name,
        region: dictionaries.region[columns.region[index]!]!,
        regionId: columns.regionId[index]!,
        platform: dictionaries.platform[columns.platform[index]!]!,
        systemService: dictionaries.systemService[columns.systemService[index]!]!,
        networkFeatures: features ? Object.freeze([...features]) : null,
        changeNumber: columns.changeNumber[index]!,
        prefixCount: Object.freeze({ ipv4: columns.ipv4[index]!, ipv6: columns.ipv6[index]! }),
      });
      this.rows[index] = row;
    }
    return row;
  }

  /** Binary search over the names in lower-case order: no map to build for a one-lookup CLI call. */
  indexOf(name: string): number | undefined {
    const wanted = name.toLowerCase();
    const order = this.columns.nameOrder;
    let low = 0;
    let high = order.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const index = order[mid]!;
      const candidate = this.nameAt(index).toLowerCase();
      if (candidate === wanted) return index;
      if (candidate < wanted) low = mid + 1;
      else high = mid - 1;
    }
    return undefined;
  }

  encodedPrefixes(index: number): { bytes: Uint8Array; start: number; end: number } {
    const chunk = this.chunkOf(index);
    const bytes = this.chunkBytes(chunk);
    const base = this.columns.offsets[this.chunkFirstTags[chunk]!]!;
    const start = this.columns.offsets[index]! - base;
    const end = this.columns.offsets[index + 1]! - base;
    if (end > bytes.length) throw this.fail(`tag ${this.nameAt(index)} runs past its chunk`);
    return { bytes, start, end };
  }

  publishedPrefixes(): undefined {
    return undefined;
  }

  /**
   * The tag's address set from the bounds its chunk stores (read alone from a stored file), checked canonical; undefined
   * for a file without them. A damaged file's bounds that are not canonical, or run past the chunk, fail here.
   */
  storedAddresses(index: number): AddressSet | undefined {
    const { intervals4, intervals6, offsets } = this.columns;
    if (!intervals4 || !intervals6) return undefined;
    const chunk = this.chunkOf(index);
    const first = this.chunkFirstTags[chunk]!;
    // The chunk's bounds start after its prefixes, 4-byte aligned; the tag's after those of the tags before it.
    let at = offsets[this.chunkFirstTags[chunk + 1]!]! - offsets[first]!;
    at += (4 - (at % 4)) % 4;
    for (let tag = first; tag < index; tag++) at += 8 * intervals4[tag]! + 32 * intervals6[tag]!;
    const words4 = 2 * intervals4[index]!;
    const words6 = 8 * intervals6[index]!;
    const end = at + 4 * (words4 + words6);
    const held = this.inflated[chunk];
    const bytes = held || !this.chunkPart ? this.chunkBytes(chunk) : this.chunkPart(chunk, at, end);
    const from = held || !this.chunkPart ? at : 0;
    if (bytes === undefined || from + 4 * (words4 + words6) > bytes.length) throw this.fail(`the address bounds of tag ${this.nameAt(index)} run past its chunk`);
    try {
      return AddressSet.fromIntervalSets(
        IntervalSet.fromCanonicalBounds(IPV4, readColumn(bytes, from, 4, words4) as Uint32Array),
        IntervalSet.fromCanonicalBounds(IPV6, readColumn(bytes, from + 4 * words4, 4, words6) as Uint32Array),
      );
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      throw this.fail(`the address bounds of tag ${this.nameAt(index)} are not canonical (${error.message})`);
    }
  }

  prefixShapeColumns(): PrefixShapeColumns | undefined {
    const { ipv4, ipv6, shortest4, shortest6 } = this.columns;
    return shortest4 && shortest6 ? { ipv4, ipv6, shortest4, shortest6 } : undefined;
  }

  prefixShape(index: number): PrefixShape | undefined {
    const { ipv4, ipv6, shortest4, shortest6 } = this.columns;
    if (!shortest4 || !shortest6) return undefined;
    return { ipv4: { count: ipv4[index]!, shortest: shortest4[index]! }, ipv6: { count: ipv6[index]!, shortest: shortest6[index]! } };
  }

  private chunkOf(index: number): number {
    const firsts = this.chunkFirstTags;
    let low = 0;
    let high = firsts.length - 2;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if (firsts[mid]! <= index) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  private chunkBytes(chunk: number): Uint8Array {
    let bytes = this.inflated[chunk];
    if (!bytes) {
      bytes = this.chunk(chunk);
      this.inflated[chunk] = bytes;
    }
    return bytes;
  }
}
