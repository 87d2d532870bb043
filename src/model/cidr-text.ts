/**
 * CIDR text for the writers of large outputs (issue 22, render growth). A requirement of 100k CIDRs used to become
 * 100k strings, each built by a template of eight concatenations (about 250 bytes of garbage per CIDR), then copied
 * into lines and joined: the garbage outlived the young generation, so every render of that size paid scavenges
 * that copied it and the render grew faster than its input. Here a set's minimal CIDR list is kept as numbers
 * (typed arrays, outside the JS heap's young generation) and written as ASCII bytes into one buffer, decoded once
 * into one string; the single strings callers still ask for are built from look-up tables (one string per block).
 */
import { Buffer } from 'node:buffer';
import { writeCidrLines } from './cidr-list.js';
import { ipv4BlocksInModule, ipv6BlocksInModule } from './interval-kernels.js';
import type { IntervalSet } from './intervals.js';
import { forEachCidrOf, forEachIPv4Cidr, formatIPv6, ipv6GroupsAndZeroRun, type Family } from './ip.js';

const OCTET: readonly string[] = Array.from({ length: 256 }, (_, i) => String(i));
const OCTET_DOT: readonly string[] = OCTET.map((octet) => `${octet}.`);
const SLASH_LENGTH: readonly string[] = Array.from({ length: 129 }, (_, i) => `/${i}`);
const SLASH_LENGTH_COMMA: readonly string[] = SLASH_LENGTH.map((text) => `${text},`);

/** `a.b.c.d/len` of an IPv4 network (a number), as formatIPv4 and a template would write it, from tables. */
export function ipv4CidrText(network: number, prefixLength: number): string {
  return OCTET_DOT[network >>> 24]! + OCTET_DOT[(network >>> 16) & 255]! + OCTET_DOT[(network >>> 8) & 255]! + OCTET[network & 255]! + SLASH_LENGTH[prefixLength]!;
}

/** ASCII text written as bytes into one growing buffer and decoded once: no string per piece. */
export class AsciiText {
  private bytes: Uint8Array;
  private size = 0;

  /** `capacity`: the bytes expected (it grows past them when needed). */
  constructor(capacity = 1 << 12) {
    this.bytes = new Uint8Array(Math.max(capacity, 16));
  }

  private room(count: number): void {
    if (this.size + count <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.size + count));
    grown.set(this.bytes.subarray(0, this.size));
    this.bytes = grown;
  }

  /** Appends `text`, which must be ASCII (CIDRs, indentation, punctuation, ipset and nft keywords, set names). */
  write(text: string): void {
    this.room(text.length);
    const bytes = this.bytes;
    let at = this.size;
    for (let i = 0; i < text.length; i++) bytes[at++] = text.charCodeAt(i);
    this.size = at;
  }

  /** Appends the decimal digits of 0 <= value <= 255 (an octet or a prefix length). */
  private small(value: number): void {
    const bytes = this.bytes;
    if (value >= 100) bytes[this.size++] = 48 + Math.floor(value / 100);
    if (value >= 10) bytes[this.size++] = 48 + (Math.floor(value / 10) % 10);
    bytes[this.size++] = 48 + (value % 10);
  }

  /** Appends `a.b.c.d/len` straight from the number. */
  ipv4Cidr(network: number, prefixLength: number): void {
    this.room(18);
    const bytes = this.bytes;
    this.small(network >>> 24);
    bytes[this.size++] = 46;
    this.small((network >>> 16) & 255);
    bytes[this.size++] = 46;
    this.small((network >>> 8) & 255);
    bytes[this.size++] = 46;
    this.small(network & 255);
    bytes[this.size++] = 47;
    this.small(prefixLength);
  }

  /**
   * Appends `groups:groups/len` of the IPv6 network in `words[off..off+4]`, as formatIPv6 writes it (RFC 5952: lower
   * case, no leading zeros, the first longest run of two or more zero groups as `::`), without a string per group:
   * a set's IPv6 blocks are most of a render's element text after its IPv4 ones, written in cold code.
   */
  ipv6Cidr(words: Uint32Array, off: number, prefixLength: number): void {
    this.room(44);
    const g = IPV6_GROUPS;
    const run = ipv6GroupsAndZeroRun(words, off, g);
    const bestStart = run < 0 ? -1 : run >> 4;
    const bestLength = run < 0 ? 1 : run & 15;
    const bytes = this.bytes;
    for (let i = 0; i < 8; i++) {
      if (i === bestStart) {
        bytes[this.size++] = 58;
        bytes[this.size++] = 58;
        i += bestLength - 1;
        continue;
      }
      if (i > 0 && i !== bestStart + bestLength) bytes[this.size++] = 58;
      this.hex(g[i]!);
    }
    bytes[this.size++] = 47;
    this.small(prefixLength);
  }

  /** Appends 0 <= value <= 0xffff in lower-case hexadecimal without leading zeros. */
  private hex(value: number): void {
    const bytes = this.bytes;
    for (let shift = value > 0xfff ? 12 : value > 0xff ? 8 : value > 0xf ? 4 : 0; shift >= 0; shift -= 4) bytes[this.size++] = HEX_DIGIT[(value >>> shift) & 15]!;
  }

  /** Appends one ASCII character by its code. */
  byte(code: number): void {
    this.room(1);
    this.bytes[this.size++] = code;
  }

  toString(): string {
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.size).toString('latin1');
  }
}

const COMMA = 44;
/** The character codes of 0-9a-f. */
const HEX_DIGIT = Uint8Array.from('0123456789abcdef', (digit) => digit.charCodeAt(0));
/** ipv6Cidr's scratch: the eight 16-bit groups. */
const IPV6_GROUPS = new Uint16Array(8);

/**
 * The prefix length of the IPv6 interval at `bounds[at..at+8]` (lo, hi) when it is one CIDR block (lo aligned, hi
 * its last address), else -1: from the first word where lo and hi differ, their difference must be low bits all
 * clear in lo (so all set in hi), and every later word 0 in lo and all ones in hi.
 */
function singleBlockLength(bounds: Uint32Array, at: number): number {
  for (let k = 0; k < 4; k++) {
    const lo = bounds[at + k]!;
    const hi = bounds[at + 4 + k]!;
    if (lo === hi) continue;
    const differing = (lo ^ hi) >>> 0;
    if ((differing & (differing + 1)) !== 0 || (lo & differing) !== 0) return -1;
    for (let j = k + 1; j < 4; j++) if (bounds[at + j] !== 0 || bounds[at + 4 + j] !== 0xffffffff) return -1;
    return 32 * k + Math.clz32(differing);
  }
  return 128;
}

/** `array` with twice the room, its contents kept: CidrBlocks' columns when their first size was short. */
function doubled(array: Uint32Array<ArrayBuffer>): Uint32Array<ArrayBuffer>;
function doubled(array: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer>;
function doubled(array: Uint32Array<ArrayBuffer> | Uint8Array<ArrayBuffer>): Uint32Array<ArrayBuffer> | Uint8Array<ArrayBuffer> {
  const larger = array instanceof Uint32Array ? new Uint32Array(array.length * 2) : new Uint8Array(array.length * 2);
  larger.set(array);
  return larger;
}

/**
 * The texts of the minimal CIDR blocks of IPv4 interval bounds (`lo, hi` pairs), in order, one flat string each: the
 * blocks' texts with a comma after each, made in one piece and split. `ipv4CidrText` joins five table strings, and V8
 * copies every concatenation shorter than 13 characters, so a block left four strings (128 bytes) behind; at 100k
 * blocks (one requirement's destinations, an Azure Firewall rule) that garbage outlived the young generation and the
 * scavenges that copied it made the render grow faster than its input. Here a block costs its own string only.
 */
export function ipv4CidrTexts(bounds: Uint32Array): string[] {
  if (bounds.length === 0) return [];
  const texts = (bounds.length <= JOINED_TEXT_BOUNDS ? joinedIpv4Texts(bounds) : bufferedIpv4Texts(bounds)).split(',');
  texts.pop(); // after the last comma
  return texts;
}

/**
 * Interval bounds up to which the texts are table strings joined natively: five array slots a block where the
 * buffer took a loop over its digits, which a cold process runs in the interpreter (2,500 blocks: 35M -> 15M
 * instructions, a PAN-OS render's tags, issue 22). Above it the buffer: the growing array of pieces made a set of
 * 100k blocks 1.7 times slower.
 */
const JOINED_TEXT_BOUNDS = 8192;

function joinedIpv4Texts(bounds: Uint32Array): string {
  const pieces: string[] = [];
  const write = (network: number, prefixLength: number): void => {
    pieces.push(OCTET_DOT[network >>> 24]!, OCTET_DOT[(network >>> 16) & 255]!, OCTET_DOT[(network >>> 8) & 255]!, OCTET[network & 255]!, SLASH_LENGTH_COMMA[prefixLength]!);
  };
  for (let at = 0; at < bounds.length; at += 2) forEachIPv4Cidr(bounds[at]!, bounds[at + 1]!, write);
  return pieces.join('');
}

/** The texts written as bytes into one buffer, decoded once. */
function bufferedIpv4Texts(bounds: Uint32Array): string {
  const text = new AsciiText();
  const write = (network: number, prefixLength: number): void => {
    text.ipv4Cidr(network, prefixLength);
    text.byte(COMMA);
  };
  for (let at = 0; at < bounds.length; at += 2) forEachIPv4Cidr(bounds[at]!, bounds[at + 1]!, write);
  return text.toString();
}

/** One block a line, nothing around it: `ipv6CidrTexts`' layout, split at the newlines. */
const BLOCK_PER_LINE: LineLayout = { perLine: 1, lineStart: '', within: '', between: '\n' };

/**
 * The texts of the minimal CIDR blocks of an IPv6 interval set, in order (what `formatIPv6` and the prefix length
 * write for each block of `AddressSet.toCidrStrings`): the blocks read off the bounds by `CidrBlocks.of` (a tag's
 * intervals are mostly one published prefix each) and written as one text, split. Each block took a walk
 * (`forEachCidrOf`, with its scratch words and a closure call) and eight string concatenations of formatIPv6, run
 * cold: half of the address-text time of a PAN-OS build, whose tags hold ~1,100 IPv6 blocks (issue 22, `impact`).
 */
export function ipv6CidrTexts(values: IntervalSet): string[] {
  const blocks = CidrBlocks.of('ipv6', values);
  return blocks.length === 0 ? [] : blocks.lines(0, blocks.length, BLOCK_PER_LINE).split('\n');
}

/** How `CidrBlocks.lines` lays blocks out: `perLine` a line, each line `lineStart` + blocks joined by `within`. */
export interface LineLayout {
  readonly perLine: number;
  readonly lineStart: string;
  readonly within: string;
  readonly between: string;
}

/**
 * Blocks from which `lines` writes in WebAssembly (cidr-list.wat `lines`): a cold render formatted each block in
 * the interpreter (IPv6 most, ~1.5 us a block); below it, the module's first compile costs more than it saves.
 */
const WASM_LINE_BLOCKS = 64;

/** Blocks up to which `lines` joins table strings natively (see JOINED_TEXT_BOUNDS); above it the byte buffer. */
const JOINED_LINE_BLOCKS = 4096;

/**
 * A set's minimal CIDR list (the blocks `AddressSet.toCidrStrings` lists, in the same order), as numbers: the
 * networks (one word per block for IPv4, four for IPv6) and their prefix lengths. Sliced and written by index.
 */
export class CidrBlocks {
  private constructor(
    readonly family: Family,
    private readonly networks: Uint32Array,
    private readonly lengths: Uint8Array,
    readonly length: number,
  ) {}

  static empty(family: Family): CidrBlocks {
    return new CidrBlocks(family, new Uint32Array(0), new Uint8Array(0), 0);
  }

  /** The minimal CIDR cover of `values` (an interval set of `family`'s domain). */
  static of(family: Family, values: IntervalSet): CidrBlocks {
    const bounds = values.bounds;
    if (family === 'ipv4') return CidrBlocks.ofIPv4(bounds);
    // A set of more than one interval in interval-kernels.wat (`blocks4`, the same blocks; KERNEL_LIMITS.blockWords).
    const written = ipv6BlocksInModule(bounds);
    if (written) return new CidrBlocks('ipv6', written.networks, written.lengths, written.count);
    let networks = new Uint32Array(Math.max(4, bounds.length / 2));
    let lengths = new Uint8Array(networks.length / 4);
    let count = 0;
    const add = (network: Uint32Array, prefixLength: number): void => {
      if (count === lengths.length) {
        networks = doubled(networks);
        lengths = doubled(lengths);
      }
      networks.set(network, count * 4);
      lengths[count++] = prefixLength;
    };
    for (let at = 0; at < bounds.length; at += 8) {
      // Most IPv6 intervals of a tag are one published prefix: read its length off the bounds, no walk (issue 22).
      const prefixLength = singleBlockLength(bounds, at);
      if (prefixLength < 0) {
        forEachCidrOf(bounds.subarray(at, at + 4), bounds.subarray(at + 4, at + 8), 4, add);
        continue;
      }
      if (count === lengths.length) {
        networks = doubled(networks);
        lengths = doubled(lengths);
      }
      for (let k = 0; k < 4; k++) networks[count * 4 + k] = bounds[at + k]!;
      lengths[count++] = prefixLength;
    }
    return new CidrBlocks(family, networks, lengths, count);
  }

  /**
   * `of` for IPv4, forEachIPv4Cidr's walk written out over plain numbers with no call per block: a cold render
   * runs it interpreted for every set it writes, where a closure call per block was most of its cost (issue 22).
   */
  private static ofIPv4(bounds: Uint32Array): CidrBlocks {
    // A set of eight intervals or more in interval-kernels.wat (`blocks1`, the same walk; KERNEL_LIMITS.blockWords).
    const written = ipv4BlocksInModule(bounds);
    if (written) return new CidrBlocks('ipv4', written.networks, written.lengths, written.count);
    let networks = new Uint32Array(Math.max(4, bounds.length / 2));
    let lengths = new Uint8Array(networks.length);
    let count = 0;
    for (let at = 0; at < bounds.length; at += 2) {
      const hi = bounds[at + 1]!;
      for (let cur = bounds[at]!; ; ) {
        // As forEachIPv4Cidr: the largest block at cur, 2^size <= hi - cur + 1 addresses, aligned to cur's zero bits.
        const size = hi - cur + 1 >= 0x100000000 ? 32 : 31 - Math.clz32(hi - cur + 1);
        const alignment = cur === 0 ? 32 : 31 - Math.clz32(cur & -cur);
        const blockBits = size < alignment ? size : alignment;
        if (count === networks.length) {
          networks = doubled(networks);
          lengths = doubled(lengths);
        }
        networks[count] = cur;
        lengths[count++] = 32 - blockBits;
        const next = cur + 2 ** blockBits;
        if (next > hi) break;
        cur = next;
      }
    }
    return new CidrBlocks('ipv4', networks, lengths, count);
  }

  /** The text of block `index`. */
  text(index: number): string {
    if (this.family === 'ipv4') return ipv4CidrText(this.networks[index]!, this.lengths[index]!);
    return `${formatIPv6(this.networks, index * 4)}/${this.lengths[index]!}`;
  }

  /** Blocks `from` to `to` (exclusive) as strings, for callers that keep a list. */
  strings(from = 0, to = this.length): string[] {
    const out: string[] = [];
    for (let i = from; i < to; i++) out.push(this.text(i));
    return out;
  }

  /**
   * Blocks `from` to `to` (exclusive), `perLine` a line, as one string: each line `lineStart` then its blocks joined
   * by `within`; lines joined by `between` (nothing after the last). The writers' element and `add` lines.
   */
  lines(from: number, to: number, layout: LineLayout): string {
    if (to - from >= WASM_LINE_BLOCKS) {
      const text = writeCidrLines(this.networks, this.lengths, this.family === 'ipv4' ? 1 : 4, from, to, layout);
      if (text !== undefined) return text;
    }
    if (to - from > JOINED_LINE_BLOCKS) return this.bufferedLines(from, to, layout);
    const pieces: string[] = [];
    const { perLine, lineStart, within } = layout;
    const nextLine = layout.between + lineStart;
    const networks = this.networks;
    const lengths = this.lengths;
    const ipv4 = this.family === 'ipv4';
    for (let k = from, inLine = 0; k < to; k++) {
      if (inLine === 0) pieces.push(k === from ? lineStart : nextLine);
      else pieces.push(within);
      if (++inLine === perLine) inLine = 0;
      if (ipv4) {
        const network = networks[k]!;
        pieces.push(OCTET_DOT[network >>> 24]!, OCTET_DOT[(network >>> 16) & 255]!, OCTET_DOT[(network >>> 8) & 255]!, OCTET[network & 255]!, SLASH_LENGTH[lengths[k]!]!);
      } else {
        pieces.push(formatIPv6(networks, k * 4), SLASH_LENGTH[lengths[k]!]!);
      }
    }
    return pieces.join('');
  }

  /** `lines` of many blocks through one byte buffer: no array of pieces (a set of 100k blocks, the growth bench). */
  private bufferedLines(from: number, to: number, layout: LineLayout): string {
    const out = new AsciiText();
    for (let k = from, inLine = 0; k < to; k++) {
      if (inLine === 0) {
        if (k > from) out.write(layout.between);
        out.write(layout.lineStart);
      } else out.write(layout.within);
      if (++inLine === layout.perLine) inLine = 0;
      this.writeTo(out, k);
    }
    return out.toString();
  }

  /** Appends the text of block `index` to `out`. */
  writeTo(out: AsciiText, index: number): void {
    if (this.family === 'ipv4') out.ipv4Cidr(this.networks[index]!, this.lengths[index]!);
    else out.ipv6Cidr(this.networks, index * 4, this.lengths[index]!);
  }
}
