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
  begin(start: number, out: number): number;
  tags(p: number, end: number, out: number, records: number, closeable: number, shift: number): number;
  delta(a: number, aEnd: number, countA: number, b: number, bEnd: number, countB: number, added: number, removed: number): number;
  /** `delta`'s answers in fewer steps (helper "sddiff"'s section of prefix-scan.wat). */
  mergeDelta(a: number, aEnd: number, countA: number, b: number, bEnd: number, countB: number, added: number, removed: number): number;
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
/** A tag's record: twenty-one i32 (prefix-scan.wat "tag"). */
export const RECORD = 21;
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
  /** The '[' of networkFeatures and the position after its ']'; -1 and -1 for `null`. */
  featuresStart: 17,
  featuresEnd: 18,
  /** SAME_AS bits: which texts are another's, so that a string or a list is made once for them. */
  sameAs: 19,
  /** The name's lookup hash (name-index.ts nameHash), for the table's name index: no lower-case key string made. */
  nameHash: 20,
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

/**
 * Where readServiceTagFile puts a file of `n` bytes in the module's memory, read through `window` bytes of it at a
 * time (the whole file when `window` is n): text at INPUT, encoding, records.
 */
function fileLayout(n: number, window = n): { readonly out: number; readonly records: number; readonly needed: number } {
  const out = INPUT + window + PADDING;
  // The encoding takes at most twice the text: a prefix at most 17 bytes, and its text with the quotes and a comma
  // at least 9 (`"::/128",`); the IPv4 writer stores up to four bytes past the end of the last.
  // Not `& ~3`: that works in 32 bits, and a file of ~716 MB would wrap it negative (an address past 2^31 is fine).
  const records = 4 * Math.ceil((out + 2 * n + 8) / 4);
  return { out, records, needed: records + 4 * RECORD * Math.ceil(n / SHORTEST_TAG) };
}

/**
 * How much of a file's text is in the module's memory at once, for a file of more than twice this: the scan reads
 * it through this window (readThroughWindow). A Public file's text, copied whole into fresh memory, cost ~1,000
 * page faults of ~4-11 µs each on the first file of a `snapshot diff` or an `impact`; through the window, ~130 that
 * every later window and the second file reuse. A tag must fit in it (the largest, AzureCloud, is ~400 KB of a
 * Public file's text); a file with a larger one is read whole.
 */
export const WINDOW = 512 * 1024;

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
export function readServiceTagFile(bytes: Uint8Array, start: number, window = WINDOW): FileRecords | undefined {
  if (!PREFIX_SCAN.available()) return undefined;
  try {
    const read = bytes.length > 2 * window ? readThroughWindow(bytes, start, window) : undefined;
    return read === TOO_NARROW || read === undefined ? readWhole(bytes, start) : read;
  } catch {
    // No memory for a copy of the file (or the reader trapped): the JavaScript reads it.
    return undefined;
  }
}

/** readServiceTagFile with the whole text in the module's memory. */
function readWhole(bytes: Uint8Array, start: number): FileRecords | undefined {
  const n = bytes.length;
  const { out, records, needed } = fileLayout(n);
  const wasm = PREFIX_SCAN.withRoom(needed);
  const memory = new Uint8Array(wasm.memory.buffer);
  memory.set(bytes, INPUT);
  memory.fill(0, INPUT + n, out);
  const tags = wasm.file(INPUT + start, INPUT + n, out, records);
  return tags < 0 ? undefined : fileRecords(wasm, tags, out, records);
}

/** What readThroughWindow answers for a file with a tag longer than the window: read it whole. */
export const TOO_NARROW = Symbol('a tag longer than the window');

/**
 * readServiceTagFile through `window` bytes of memory: the text is copied in a window at a time, each window
 * starting at the first tag the last one did not hold whole (prefix-scan.wat `tags`), so only the window's pages
 * are touched, and touched again by every window. The same records and encoding as readWhole's, but for SAME_AS
 * (compared within a window only: a string less shared, the same values). Exported for its tests.
 * @internal
 */
export function readThroughWindow(bytes: Uint8Array, start: number, window: number): FileRecords | undefined | typeof TOO_NARROW {
  const n = bytes.length;
  const { out, records, needed } = fileLayout(n, window);
  const wasm = PREFIX_SCAN.withRoom(needed);
  const memory = new Uint8Array(wasm.memory.buffer);
  const state = new Int32Array(wasm.memory.buffer, STOPPED, 4);
  // The window from file position `from`: its bytes, then zeros, which no test of the reader accepts.
  const fill = (from: number): number => {
    const end = Math.min(n, from + window);
    memory.set(bytes.subarray(from, end), INPUT);
    memory.fill(0, INPUT + end - from, INPUT + end - from + PADDING);
    return end;
  };
  let end = fill(0);
  let p = wasm.begin(INPUT + start, out);
  if (p < 0) return end === n ? undefined : TOO_NARROW;
  let from = 0;
  let tags = 0;
  let encoded = out;
  let closeable = 1;
  while (true) {
    const read = wasm.tags(p, INPUT + end - from, encoded, records + 4 * RECORD * tags, closeable, from);
    tags += read;
    encoded = state[2]!;
    // The values closed and the file ended there: done, when that end is the file's.
    if (state[1] === 1 && end === n) return fileRecords(wasm, tags, out, records);
    if (end === n) return undefined; // the whole rest was in memory: the file is not one the module takes
    const stopped = state[0]! - INPUT + from;
    if (read === 0 && stopped === from) return TOO_NARROW;
    closeable = state[3]!;
    from = stopped;
    end = fill(from);
    p = INPUT;
  }
}

/** Where prefix-scan.wat `tags` says where it stopped (four i32). */
const STOPPED = 460;

function fileRecords(wasm: PrefixScanExports, tags: number, out: number, records: number): FileRecords {
  const memory = new Uint8Array(wasm.memory.buffer);
  const table = new Int32Array(wasm.memory.buffer, records, RECORD * tags);
  const fields = new Int32Array(wasm.memory.buffer, FILE_FIELDS, 3);
  return {
    changeNumber: fields[0]!,
    cloudStart: fields[1]!,
    cloudEnd: fields[2]!,
    records: table,
    encoded: memory.slice(out, tags === 0 ? out : out + table[table.length - RECORD + FIELD.encodedEnd]!),
  };
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
  const { bytes: memory, words } = viewsOf(wasm.memory.buffer);
  memory.set(before.subarray(beforeStart, beforeEnd), a);
  memory.set(after.subarray(afterStart, afterEnd), b);
  if (wasm.mergeDelta(a, a + beforeEnd - beforeStart, beforeCount, b, b + afterEnd - afterStart, afterCount, added, removed) < 0) return undefined;
  // The counts at address 0, then each list's offsets as i32 (`added` and `removed` are multiples of 4).
  const answer = { added: new Array<number>(words[0]!), removed: new Array<number>(words[1]!) };
  for (let k = 0, w = added >> 2; k < answer.added.length; k++, w++) answer.added[k] = words[w]! - b + afterStart;
  for (let k = 0, w = removed >> 2; k < answer.removed.length; k++, w++) answer.removed[k] = words[w]! - a + beforeStart;
  return answer;
}

/** A byte view and a word view of one module memory's buffer (viewsOf). */
interface MemoryViews {
  readonly bytes: Uint8Array;
  readonly words: Int32Array;
}

/**
 * Views of the module's memory, made once per buffer (growing the memory gives a new one): encodedDelta runs for
 * each changed tag of a diff (~350 a Public pair), and its four views a call were ~130 KB of a cold diff's young
 * generation. Held weakly by the buffer, so that they do not keep a dropped instance's memory alive.
 */
const VIEWS = new WeakMap<ArrayBuffer, MemoryViews>();

function viewsOf(buffer: ArrayBuffer): MemoryViews {
  let views = VIEWS.get(buffer);
  if (views === undefined) {
    views = { bytes: new Uint8Array(buffer), words: new Int32Array(buffer) };
    VIEWS.set(buffer, views);
  }
  return views;
}
