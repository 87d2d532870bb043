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
  /** The merge of two tags' encodings (prefix-scan.wat `mergeDelta`; diff.ts sortedEncodedDelta's answers). */
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

/** Where a file's text goes in the module's memory, read through `window` bytes (all of it: n), and the zeros after. */
const scratchEnd = (window: number): number => wordAligned(INPUT + window + PADDING);

/** Not `& ~3`: that works in 32 bits, and a file of ~716 MB would wrap it negative (an address past 2^31 is fine). */
const wordAligned = (address: number): number => 4 * Math.ceil(address / 4);

/** Where a file's encoding, records and names' copy start in the module's memory, and where each must end. */
interface FileLayout {
  readonly out: number;
  readonly records: number;
  /** The columns of the tags' name hashes and of their encodings' ends (after a 0: FileRecords.offsets). */
  readonly hashes: number;
  readonly ends: number;
  readonly names: number;
  /** Where the encoding, the records and the names must end (prefix-scan.wat reads them at LIMITS). */
  readonly limits: readonly [number, number, number];
  readonly needed: number;
}

/**
 * Where readServiceTagFile puts a file of `n` bytes in the module's memory from address `at` (past the text, or past
 * what earlier files keep there): its encoding, its records, two columns of them (all kept: FileRecords hands out
 * views of them), then its names (read at once, and written over by the next file). `roomy`: room for any file of n bytes; else room for
 * files as Microsoft writes them (ROOM), which a file needing more is read again with (prefix-scan.wat `full`).
 */
function fileLayout(n: number, at: number, roomy: boolean): FileLayout {
  // The encoding takes at most twice the text: a prefix at most 17 bytes, and its text with the quotes and a comma
  // at least 9 (`"::/128",`); the IPv4 writer stores up to four bytes past the end of the last.
  const encoding = roomy ? 2 * n + 8 : Math.ceil(n / ROOM.encoding) + 32;
  const records = wordAligned(at + encoding);
  const tags = Math.ceil(n / (roomy ? SHORTEST_TAG : ROOM.tag));
  const hashes = records + 4 * RECORD * tags;
  const ends = hashes + 4 * tags;
  const names = ends + 4 * (tags + 1);
  // Each name and a line feed: fewer bytes than the tag's text.
  const namesRoom = roomy ? n : Math.ceil(n / ROOM.names) + 32;
  return { out: at, records, hashes, ends, names, limits: [at + encoding, hashes, names + namesRoom], needed: names + namesRoom };
}

/**
 * The room a file first gets, as parts of its text: Microsoft's Public file encodes to a seventh of its text, holds a
 * tag per ~1.35 KB and names of a fiftieth of it; the AzureGovernment and China files alike. A file needing more is
 * read again with room for anything (a rare file: the first read is lost). Room is address space until it is
 * written, but growing the memory counts it as external memory, and V8 collects garbage when that passes ~64 MB:
 * room for anything (4.3 times the text) for the two Public files of a `snapshot diff` reached it.
 */
const ROOM = { encoding: 3, tag: 384, names: 12 } as const;

/**
 * What of each instance's memory the files read into it keep, [start, end): their encodings and records, of which
 * FileRecords hands out views. Those bytes are never written again, and that memory is never grown (which would
 * detach the views): a file or an encodedDelta that would need either takes a new instance (PREFIX_SCAN.withRoom's
 * `fits`). A copy of a Public file's encoding and records out of the memory was ~850 KB of fresh pages (~210 page
 * faults, ~2.5 ms) per file of a cold `snapshot diff`.
 */
const KEPT = new WeakMap<PrefixScanExports, { readonly start: number; readonly end: number }>();

/**
 * An instance with room for a file of `n` bytes read through `window` bytes of it, and the file's layout there: past
 * what earlier files keep in it, when that leaves the text's place free and no growth is needed. A memory grown for
 * a file is grown to hold a second as large (a `snapshot diff` or an `impact` reads two): only its pages written are
 * ever touched.
 */
function fileInstance(n: number, window: number, roomy: boolean): { readonly wasm: PrefixScanExports; readonly layout: FileLayout } {
  const text = scratchEnd(window);
  // The first file of a memory keeps its data above the place of any text read whole through readServiceTagFile's
  // window (2 * WINDOW), so that a second file, a little longer or read whole, goes into the same memory: a new
  // instance costs the second file's text its fresh pages again (the AzureGovernment pair: ~70 faults).
  const alone = fileLayout(n, Math.max(text, scratchEnd(2 * WINDOW)), roomy);
  const wasm = PREFIX_SCAN.withRoom(
    alone.needed,
    (last) => {
      const kept = KEPT.get(last);
      return kept === undefined || (text <= kept.start && fileLayout(n, kept.end, roomy).needed <= last.memory.buffer.byteLength);
    },
    2 * alone.needed - alone.out,
  );
  const kept = KEPT.get(wasm);
  const layout = kept === undefined ? alone : fileLayout(n, kept.end, roomy);
  // Where the module starts the names' copy and must end each part, no part found too small yet, where the columns
  // start (the ends' after its 0).
  new Int32Array(wasm.memory.buffer, NAMES, 7).set([layout.names, ...layout.limits, 0, layout.hashes, layout.ends + 4]);
  new Int32Array(wasm.memory.buffer, layout.ends, 1)[0] = 0;
  return { wasm, layout };
}

/** What a read answers when the room a layout gave was too small (prefix-scan.wat `full`): read it again roomy. */
export const TOO_SMALL = Symbol('no room');

/** Whether prefix-scan.wat found a part's room too small (`full`). */
const tooSmall = (wasm: PrefixScanExports): boolean => new Int32Array(wasm.memory.buffer, FULL, 1)[0] !== 0;

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
   * the module never writes those bytes again, nor grows that memory (KEPT).
   */
  readonly records: Int32Array;
  /** Every tag's prefixes, one after the other: tag i's end at records[RECORD * i + FIELD.encodedEnd]. A view too. */
  readonly encoded: Uint8Array;
  /** Each tag's FIELD.nameHash, and 0 then each tag's FIELD.encodedEnd, as columns (views too): no loop to make them. */
  readonly nameHashes: Int32Array;
  readonly offsets: Uint32Array;
  /**
   * Every tag's name, in file order, with a line feed between two (no name holds one: the module takes printable
   * ASCII only): one string, which the names check reads whole and the names are cut from, instead of a string made
   * from the text per tag and then joined.
   */
  readonly names: string;
}

/**
 * The file in `bytes` (JSON text from `start`, past a BOM) as prefix-scan.wat reads it; undefined for a file it
 * does not take (the JavaScript reads it) or where WebAssembly cannot run. Positions in the records are offsets
 * into `bytes`; the encoding and the records are views of the module's memory that stay as they are (FileRecords).
 */
export function readServiceTagFile(bytes: Uint8Array, start: number, window = WINDOW): FileRecords | undefined {
  if (!PREFIX_SCAN.available()) return undefined;
  try {
    const read = readWithRoom(bytes, start, window, false);
    return read === TOO_SMALL ? (readWithRoom(bytes, start, window, true) as FileRecords | undefined) : read;
  } catch {
    // No memory for a copy of the file (or the reader trapped): the JavaScript reads it.
    return undefined;
  }
}

/**
 * Readies the module for a readServiceTagFile of a text of about `n` bytes (a gzip file's announced size) while the
 * caller would only wait for that text: the CLI's first file of a `snapshot diff` or an `impact`, whose inflation on
 * the threadpool the main thread waits ~8 ms for (docs/performance.md, round 25). The module is compiled, its instance
 * and memory made, and the pages the read writes first are touched: the window, and the parts of the encoding and
 * records a file as Microsoft writes them fills (EXPECTED). Only a head start: the read lays the file out again the
 * same way (the same instance, as nothing else runs between), and the bytes touched are zeros, as fresh memory's are.
 */
export function prepareToRead(n: number): void {
  if (!(n > 0) || !PREFIX_SCAN.available()) return;
  try {
    const window = n > 2 * WINDOW ? WINDOW : n;
    const { wasm, layout } = fileInstance(n, window, false);
    const memory = new Uint8Array(wasm.memory.buffer);
    memory.fill(0, INPUT, scratchEnd(window));
    memory.fill(0, layout.out, Math.min(layout.limits[0], layout.out + Math.ceil(n / EXPECTED.encoding)));
    memory.fill(0, layout.records, Math.min(layout.hashes, layout.records + 4 * RECORD * Math.ceil(n / EXPECTED.tag)));
  } catch {
    // No room: the read finds out again, and answers as it would have.
  }
}

/** What a Public file fills, as parts of its text (ROOM's figures): its encoding a seventh, a tag per ~1.35 KB. */
const EXPECTED = { encoding: 7, tag: 1350 } as const;

/** readServiceTagFile with the room fileLayout gives (`roomy`: for any file, which never answers TOO_SMALL). */
function readWithRoom(bytes: Uint8Array, start: number, window: number, roomy: boolean): FileRecords | undefined | typeof TOO_SMALL {
  const read = bytes.length > 2 * window ? readThroughWindow(bytes, start, window, roomy) : undefined;
  return read === TOO_NARROW || read === undefined ? readWhole(bytes, start, roomy) : read;
}

/** readServiceTagFile with the whole text in the module's memory. */
function readWhole(bytes: Uint8Array, start: number, roomy: boolean): FileRecords | undefined | typeof TOO_SMALL {
  const n = bytes.length;
  const { wasm, layout } = fileInstance(n, n, roomy);
  const memory = new Uint8Array(wasm.memory.buffer);
  memory.set(bytes, INPUT);
  memory.fill(0, INPUT + n, INPUT + n + PADDING);
  const tags = wasm.file(INPUT + start, INPUT + n, layout.out, layout.records);
  if (tooSmall(wasm)) return TOO_SMALL;
  return tags < 0 ? undefined : fileRecords(wasm, tags, layout);
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
export function readThroughWindow(bytes: Uint8Array, start: number, window: number): FileRecords | undefined | typeof TOO_NARROW;
export function readThroughWindow(bytes: Uint8Array, start: number, window: number, roomy: boolean): FileRecords | undefined | typeof TOO_NARROW | typeof TOO_SMALL;
export function readThroughWindow(bytes: Uint8Array, start: number, window: number, roomy = true): FileRecords | undefined | typeof TOO_NARROW | typeof TOO_SMALL {
  const n = bytes.length;
  const { wasm, layout } = fileInstance(n, window, roomy);
  const { out, records } = layout;
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
    if (tooSmall(wasm)) return TOO_SMALL;
    tags += read;
    encoded = state[2]!;
    // The values closed and the file ended there: done, when that end is the file's.
    if (state[1] === 1 && end === n) return fileRecords(wasm, tags, layout);
    if (end === n) return undefined; // the whole rest was in memory: the file is not one the module takes
    const stopped = state[0]! - INPUT + from;
    if (read === 0 && stopped === from) return TOO_NARROW;
    closeable = state[3]!;
    from = stopped;
    end = fill(from);
    p = INPUT;
  }
}

/**
 * Where prefix-scan.wat `tags` says where it stopped (four i32), then where the names' copy ends (NAMES), where each
 * part must end (three i32) and whether one would have gone past it (FULL).
 */
const STOPPED = 460;
const NAMES = 476;
const FULL = 492;

function fileRecords(wasm: PrefixScanExports, tags: number, { out, records, hashes, ends, names }: FileLayout): FileRecords {
  const buffer = wasm.memory.buffer;
  const table = new Int32Array(buffer, records, RECORD * tags);
  const fields = new Int32Array(buffer, FILE_FIELDS, 3);
  const namesEnd = new Int32Array(buffer, NAMES, 1)[0]!;
  const offsets = new Uint32Array(buffer, ends, tags + 1);
  // The encoding, the records and the columns stay where the module wrote them; the names are read now, not kept.
  const kept = KEPT.get(wasm);
  KEPT.set(wasm, { start: kept?.start ?? out, end: offsets.byteOffset + offsets.byteLength });
  return {
    changeNumber: fields[0]!,
    cloudStart: fields[1]!,
    cloudEnd: fields[2]!,
    records: table,
    nameHashes: new Int32Array(buffer, hashes, tags),
    offsets,
    encoded: new Uint8Array(buffer, out, offsets[tags]!),
    // Without the last line feed; latin1: the module took printable ASCII only.
    names: Buffer.from(wasm.memory.buffer, names, Math.max(0, namesEnd - names - 1)).toString('latin1'),
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
    // Below what files keep in the memory, when they keep anything (KEPT); else a new instance.
    wasm = PREFIX_SCAN.withRoom(needed, (last) => {
      const kept = KEPT.get(last);
      return kept === undefined || needed <= kept.start;
    });
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
