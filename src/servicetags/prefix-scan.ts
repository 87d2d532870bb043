/**
 * The WebAssembly reader of service-tag files (prefix-scan.wat), for json-scan.ts: one call reads a file shaped as
 * Microsoft writes it into records of positions and numbers, and its prefixes into their encoding; json-scan.ts makes
 * the tags from the records, and reads any other file itself.
 *
 * Why (issue 22): a cold process ran json-scan.ts's Scanner in V8's interpreter until the optimising compiler had
 * compiled it, most of the first file of a `snapshot diff` or an `impact`; WebAssembly is compiled before it first
 * runs. One call a file: a call from unoptimised JavaScript, with its arguments and results, cost ~2 µs, ~6 ms for
 * a file's ~3,000 prefix arrays. For the same reason diff.ts compares a changed tag's two encodings here
 * (encodedDelta): its merge ran unoptimised for most of a cold `snapshot diff`'s ~420 changed tags.
 */
import { type ExportedMemory, LazyWebAssembly } from '../internal/webassembly.js';
import { PREFIX_SCAN_WASM } from './prefix-scan-wasm.js';

/** prefix-scan.wat's exports. */
interface PrefixScanExports {
  readonly memory: ExportedMemory;
  file(start: number, end: number, out: number, records: number): number;
  delta(a: number, aEnd: number, countA: number, b: number, bEnd: number, countB: number, added: number, removed: number): number;
}

/**
 * The module, compiled when first used; its last instance is kept while the garbage collector leaves it: `snapshot
 * diff` and `impact` read a second file into pages the first already touched (fresh ones cost ~1 ms a file).
 */
const PREFIX_SCAN = new LazyWebAssembly<PrefixScanExports>(PREFIX_SCAN_WASM);

/** Where prefix-scan.wat's memory holds the file's changeNumber and cloud, and the file's text. */
const FILE_FIELDS = 448;
const INPUT = 1024;
/** Zero bytes after the text, which no test of the reader accepts. */
const PADDING = 64;
/** A tag's record: twenty i32 (prefix-scan.wat "tag"). */
export const RECORD = 20;
/** Where each number is in a tag's record (prefix-scan.wat "tag" writes them). */
export const FIELD = {
  nameStart: 0,
  nameEnd: 1,
  idStart: 2,
  idEnd: 3,
  changeNumber: 4,
  regionStart: 5,
  regionEnd: 6,
  regionId: 7,
  platformStart: 8,
  platformEnd: 9,
  systemServiceStart: 10,
  systemServiceEnd: 11,
  /** The '[' of addressPrefixes, and the position after its ']'. */
  prefixesStart: 12,
  prefixesEnd: 13,
  prefixCount: 14,
  ipv4Count: 15,
  /** Where the tag's encoded prefixes end in FileRecords.encoded (each tag's start where the one before ends). */
  encodedEnd: 16,
  /** The '[' of networkFeatures and the position after its ']'; -1 for `null`. */
  featuresStart: 17,
  featuresEnd: 18,
  /** SAME_AS bits: which texts are another's, so that a string or a list is made once for them. */
  sameAs: 19,
} as const;

/** Bits of a record's FIELD.sameAs. */
export const SAME_AS = {
  /** The id is the name. */
  name: 1,
  /** The region, platform, systemService, networkFeatures (a list) are the previous tag's. */
  region: 2,
  platform: 4,
  systemService: 8,
  features: 16,
} as const;
/** No tag's text is shorter (its keys alone take ~130 bytes): room for the records of any file. */
const SHORTEST_TAG = 64;

/** Where readServiceTagFile puts a file of `n` bytes in the module's memory: text at INPUT, encoding, records. */
function fileLayout(n: number): { readonly out: number; readonly records: number; readonly needed: number } {
  const out = INPUT + n + PADDING;
  // The encoding takes at most twice the text: a prefix at most 17 bytes, and its text with the quotes and a comma
  // at least 9 (`"::/128",`); the IPv4 writer stores up to four bytes past the end of the last.
  // Not `& ~3`: that works in 32 bits, and a file of ~716 MB would wrap it negative (an address past 2^31 is fine).
  const records = 4 * Math.ceil((out + 2 * n + 8) / 4);
  return { out, records, needed: records + 4 * RECORD * Math.ceil(n / SHORTEST_TAG) };
}

/** A file prefix-scan.wat read: positions are of the bytes given to readServiceTagFile. */
export interface FileRecords {
  readonly changeNumber: number;
  readonly cloudStart: number;
  readonly cloudEnd: number;
  /**
   * RECORD numbers a tag (FIELD); positions are offsets into the bytes. A view of the module's memory, not a copy:
   * read it before anything else calls the module (the next file or encodedDelta overwrites it, and growing the
   * memory detaches it). A copy cost a fresh ~240 KB (60 pages) per Public file, read once and dropped.
   */
  readonly records: Int32Array;
  /** Every tag's prefixes, one after the other: tag i's end at records[RECORD * i + FIELD.encodedEnd]. */
  readonly encoded: Uint8Array;
}

/**
 * The file in `bytes` (JSON text from `start`, past a BOM) as prefix-scan.wat reads it; undefined for a file it
 * does not take (the JavaScript reads it) or where WebAssembly cannot run. Positions in the records are offsets
 * into `bytes`; the encoding is a copy, the caller's to keep, and the records a view to read at once (FileRecords).
 */
export function readServiceTagFile(bytes: Uint8Array, start: number): FileRecords | undefined {
  if (!PREFIX_SCAN.available()) return undefined;
  const n = bytes.length;
  const { out, records, needed } = fileLayout(n);
  try {
    const wasm = PREFIX_SCAN.withRoom(needed);
    const memory = new Uint8Array(wasm.memory.buffer);
    memory.set(bytes, INPUT);
    memory.fill(0, INPUT + n, out);
    const tags = wasm.file(INPUT + start, INPUT + n, out, records);
    if (tags < 0) return undefined;
    const table = new Int32Array(wasm.memory.buffer, records, RECORD * tags);
    const fields = new Int32Array(wasm.memory.buffer, FILE_FIELDS, 3);
    return {
      changeNumber: fields[0]!,
      cloudStart: fields[1]!,
      cloudEnd: fields[2]!,
      records: table,
      encoded: memory.slice(out, tags === 0 ? out : out + table[table.length - RECORD + FIELD.encodedEnd]!),
    };
  } catch {
    // No memory for a copy of the file (or the reader trapped): the JavaScript reads it.
    return undefined;
  }
}

/** What encodedDelta answers where WebAssembly cannot run: the caller merges the lists itself. */
export const NO_WEBASSEMBLY = Symbol('no WebAssembly');

/**
 * diff.ts's sortedEncodedDelta of two tags' encodings (`before` and `after`, each a range of bytes and the tag's
 * prefix count), by prefix-scan.wat: the offsets of the prefixes only in `after` (added) and only in `before`
 * (removed), each once, in address order; undefined when a list is not well formed or not in order.
 */
export function encodedDelta(
  before: Uint8Array,
  beforeStart: number,
  beforeEnd: number,
  beforeCount: number,
  after: Uint8Array,
  afterStart: number,
  afterEnd: number,
  afterCount: number,
): { added: number[]; removed: number[] } | undefined | typeof NO_WEBASSEMBLY {
  if (!PREFIX_SCAN.available()) return NO_WEBASSEMBLY;
  // The two lists, each followed by 32 bytes (a comparison loads a byte past a prefix's last and drops it), then
  // room for every prefix of `after` as added and of `before` as removed.
  const a = INPUT;
  const b = a + (beforeEnd - beforeStart) + 32;
  const added = 4 * Math.ceil((b + (afterEnd - afterStart) + 32) / 4);
  const removed = added + 4 * afterCount;
  const needed = removed + 4 * beforeCount;
  let wasm: PrefixScanExports;
  try {
    wasm = PREFIX_SCAN.withRoom(needed);
  } catch {
    return NO_WEBASSEMBLY;
  }
  const memory = new Uint8Array(wasm.memory.buffer);
  memory.set(before.subarray(beforeStart, beforeEnd), a);
  memory.set(after.subarray(afterStart, afterEnd), b);
  if (wasm.delta(a, a + beforeEnd - beforeStart, beforeCount, b, b + afterEnd - afterStart, afterCount, added, removed) < 0) return undefined;
  const counts = new Int32Array(wasm.memory.buffer, 0, 2);
  const addedAt = new Int32Array(wasm.memory.buffer, added, counts[0]!);
  const removedAt = new Int32Array(wasm.memory.buffer, removed, counts[1]!);
  const answer = { added: new Array<number>(addedAt.length), removed: new Array<number>(removedAt.length) };
  for (let k = 0; k < addedAt.length; k++) answer.added[k] = addedAt[k]! - b + afterStart;
  for (let k = 0; k < removedAt.length; k++) answer.removed[k] = removedAt[k]! - a + beforeStart;
  return answer;
}
