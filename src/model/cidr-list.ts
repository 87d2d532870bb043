/**
 * The WebAssembly reader of address lists (cidr-list.wat), for AddressSet.fromStrings: one call reads a long list of
 * plain entries (CIDRs, addresses, ranges) into the columns AddressEntries keeps, and a list it does not take is
 * parsed by the JavaScript as before, which words every error.
 *
 * Why (issue 22): in a cold process the JavaScript parse runs in V8's interpreter and baseline tiers, ~1.3 us an
 * entry: ~5 ms of a cold `check`, `equiv` or `shadowed` of a rendered nft file (3,800 set elements), more than a
 * fifth of `node -e 0`. WebAssembly is compiled before it first runs, and the list crosses into it in one call.
 */
import { type ExportedMemory, LazyWebAssembly } from '../internal/webassembly.js';
import { CIDR_LIST_WASM } from './cidr-list-wasm.js';

/** cidr-list.wat's exports. */
interface CidrListExports {
  readonly memory: ExportedMemory;
  list(start: number, end: number, normalize: number, spaced: number, v4lo: number, v4hi: number, v6lo: number, v6hi: number): number;
  merge(lo: number, hi: number, count: number, width: number, out: number): number;
  lines(networks: number, lengths: number, width: number, from: number, to: number, perLine: number, layout: number, out: number): number;
  entries(start: number, end: number): number;
}

/** How CidrBlocks.lines lays blocks out (cidr-text.ts LineLayout). */
interface LinesLayout {
  readonly perLine: number;
  readonly lineStart: string;
  readonly within: string;
  readonly between: string;
}

/** One list read: each family's low and high bounds (IPv6 four words an entry). */
export interface AddressColumns {
  readonly n4: number;
  readonly n6: number;
  /** Undefined for a family with no entry, as AddressEntries leaves it. */
  readonly v4lo: Uint32Array | undefined;
  readonly v4hi: Uint32Array | undefined;
  readonly v6lo: Uint32Array | undefined;
  readonly v6hi: Uint32Array | undefined;
  /**
   * Each family's entries merged into canonical interval bounds (IntervalSet's form), where they came in order of
   * their low bounds (a rendered set's elements do); undefined where they did not, and the JavaScript sorts them.
   */
  readonly v4bounds: Uint32Array | undefined;
  readonly v6bounds: Uint32Array | undefined;
}

/**
 * WebAssembly's memory is little-endian and the columns are read through Uint32Array views, which are in the
 * platform's order: on a big-endian platform the JavaScript parses.
 */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

const CIDR_LIST = new LazyWebAssembly<CidrListExports>(CIDR_LIST_WASM, LITTLE_ENDIAN);

/** Where cidr-list.wat's memory holds the list's text, and the zero bytes after it. */
const INPUT = 1024;
const PADDING = 64;
/**
 * `entries` read by cidr-list.wat into columns of room for `capacity` entries (at least entries.length); undefined
 * when an entry is not in a form it takes (the caller parses the list itself) or WebAssembly cannot run.
 */
export function readAddressList(entries: readonly string[], normalize: boolean, capacity: number): AddressColumns | undefined {
  if (entries.length === 0) return undefined;
  // A count other than the entries' means an entry held a ',' (or was refused): the JavaScript reads the list.
  return readList(entries.join(','), false, normalize, { count: entries.length, capacity });
}

/**
 * A text of entries separated by runs of commas and white space (an nft element list's, which may lead and trail)
 * read by cidr-list.wat, its columns each as long as its family's entries; undefined as readAddressList.
 */
export function readSeparatedAddressList(text: string, normalize: boolean): AddressColumns | undefined {
  return readList(text, true, normalize, undefined);
}

/**
 * cidr-list.wat's `list` of `text`, then `merge` of each family. With `expected`, the list must hold `count` entries
 * and the columns returned have room for `capacity` (AddressEntries may add more); without, the columns are as long
 * as what was read, and room is made for as many entries as the text has runs between separators (sized from its
 * length alone, an IPv6 entry being as short as '::', they took ~21 bytes a character: ~40 MB for an nft file of
 * 100k elements).
 */
function readList(
  text: string,
  spaced: boolean,
  normalize: boolean,
  expected: { readonly count: number; readonly capacity: number } | undefined,
): AddressColumns | undefined {
  if (!CIDR_LIST.available()) return undefined;
  try {
    // UTF-8 takes at most three bytes a UTF-16 unit; a byte outside ASCII is refused by every test of the reader.
    const textRoom = CIDR_LIST.withRoom(INPUT + 3 * text.length + PADDING);
    const end = INPUT + Buffer.from(textRoom.memory.buffer).write(text, INPUT, 'utf8');
    new Uint8Array(textRoom.memory.buffer, end, PADDING).fill(0);
    const capacity = expected?.capacity ?? textRoom.entries(INPUT, end);
    const v4lo = 4 * Math.ceil((end + PADDING) / 4);
    const v4hi = v4lo + 4 * capacity;
    const v6lo = v4hi + 4 * capacity;
    const v6hi = v6lo + 16 * capacity;
    const v4out = v6hi + 16 * capacity;
    const v6out = v4out + 8 * capacity;
    // The same instance, grown if need be (growing keeps the text in place).
    const wasm = CIDR_LIST.withRoom(v6out + 32 * capacity);
    const buffer = wasm.memory.buffer;
    const read = wasm.list(INPUT, end, normalize ? 1 : 0, spaced ? 1 : 0, v4lo, v4hi, v6lo, v6hi);
    if (read < 0 || (expected !== undefined && read !== expected.count)) return undefined;
    const [n4, n6] = new Int32Array(buffer, 0, 2);
    const v4words = n4! > 0 ? wasm.merge(v4lo, v4hi, n4!, 1, v4out) : -1;
    const v6words = n6! > 0 ? wasm.merge(v6lo, v6hi, n6!, 4, v6out) : -1;
    const room4 = expected ? capacity : n4!;
    const room6 = expected ? capacity : n6!;
    return {
      v4bounds: v4words >= 0 ? new Uint32Array(buffer, v4out, v4words).slice() : undefined,
      v6bounds: v6words >= 0 ? new Uint32Array(buffer, v6out, v6words).slice() : undefined,
      n4: n4!,
      n6: n6!,
      v4lo: n4! > 0 ? new Uint32Array(buffer, v4lo, room4).slice() : undefined,
      v4hi: n4! > 0 ? new Uint32Array(buffer, v4hi, room4).slice() : undefined,
      v6lo: n6! > 0 ? new Uint32Array(buffer, v6lo, 4 * room6).slice() : undefined,
      v6hi: n6! > 0 ? new Uint32Array(buffer, v6hi, 4 * room6).slice() : undefined,
    };
  } catch {
    // No memory for the list (or the reader trapped): the JavaScript reads it.
    return undefined;
  }
}

/** The longest text of one block: `255.255.255.255/32`, `ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128`. */
const LONGEST_BLOCK = { 1: 18, 4: 43 } as const;

/**
 * CidrBlocks.lines of blocks `from` to `to` by cidr-list.wat: `networks` ($width words a block) and `lengths` the
 * whole list's; undefined where WebAssembly cannot run or a layout string is not short ASCII (the JavaScript writes).
 */
export function writeCidrLines(networks: Uint32Array, lengths: Uint8Array, width: 1 | 4, from: number, to: number, layout: LinesLayout): string | undefined {
  const pieces = [layout.lineStart, layout.within, layout.between];
  if (!CIDR_LIST.available() || !(layout.perLine >= 1) || pieces.some((piece) => piece.length > 255 || !/^[\x00-\x7f]*$/.test(piece))) return undefined;
  const count = to - from;
  const layoutSize = 3 + pieces.reduce((sum, piece) => sum + piece.length, 0);
  const networksAt = 4 * Math.ceil((INPUT + layoutSize) / 4);
  const lengthsAt = networksAt + 4 * width * count;
  const out = lengthsAt + count;
  const needed = out + count * (LONGEST_BLOCK[width] + Math.max(layout.within.length, layout.between.length + layout.lineStart.length));
  try {
    const wasm = CIDR_LIST.withRoom(needed);
    const buffer = wasm.memory.buffer;
    const bytes = Buffer.from(buffer);
    let at = INPUT;
    for (const piece of pieces) {
      bytes[at] = piece.length;
      at += 1 + bytes.write(piece, at + 1, 'latin1');
    }
    new Uint32Array(buffer, networksAt, width * count).set(networks.subarray(width * from, width * to));
    bytes.set(lengths.subarray(from, to), lengthsAt);
    const end = wasm.lines(networksAt, lengthsAt, width, from, to, layout.perLine, INPUT, out);
    return bytes.toString('latin1', out, end);
  } catch {
    return undefined;
  }
}
