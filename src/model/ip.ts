/**
 * IPv4 / IPv6 addresses and CIDR blocks as words (see intervals.ts): strict parsing, canonical formatting, and
 * the decomposition of an interval into its minimal list of CIDR blocks.
 *
 * Parsing is hand-written because it is the hot path of snapshot loading: 93k prefixes parse in ~20 ms here,
 * against 1.3 s with ipaddr.js and 4.4 s with ip-cidr (figures in the foundation issue, re-measured by
 * `npm run bench`). Both libraries stay in the test suite as independent oracles.
 */
import { TagwallError } from '../errors.js';
import { compareWords, domainOf, type IntervalDomain } from './intervals.js';
import { cidrBlocksInModule } from './interval-kernels.js';

export type Family = 'ipv4' | 'ipv6';

export const IPV4: IntervalDomain = domainOf('IPv4', 1, [0xffffffff]);
export const IPV6: IntervalDomain = domainOf('IPv6', 4, [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]);

export function domainFor(family: Family): IntervalDomain {
  return family === 'ipv4' ? IPV4 : IPV6;
}

export function bitsOf(family: Family): 32 | 128 {
  return family === 'ipv4' ? 32 : 128;
}

const CHAR_0 = 48;
const CHAR_9 = 57;
const CHAR_DOT = 46;
const CHAR_COLON = 58;

function invalid(text: string, why: string): TagwallError {
  return new TagwallError('TW_INVALID_ADDRESS', `invalid IP address '${text}': ${why}`);
}

/** Parses dotted-quad `text[start, end)` into out[off]. No leading zeros (they mean octal to some tools). */
export function parseIPv4Into(text: string, start: number, end: number, out: Uint32Array, off: number): void {
  if (scanIPv4(text, start, end, out, off) !== end) {
    throw invalid(text.slice(start, end), 'unexpected characters after the 4th octet');
  }
}

/**
 * Parses the dotted quad that starts at `text[start]` into out[off] and returns the index just past it, so a
 * caller can go on to a `/length` or `-last` without scanning the text twice (the bulk path reads every
 * character once). `end` bounds the scan and names the text in error messages.
 */
export function scanIPv4(text: string, start: number, end: number, out: Uint32Array, off: number): number {
  let value = 0;
  let octets = 0;
  let i = start;
  while (true) {
    const octetStart = i;
    let octet = 0;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c < CHAR_0 || c > CHAR_9) break;
      octet = octet * 10 + (c - CHAR_0);
      i++;
      if (i - octetStart > 3) throw invalid(text.slice(start, end), 'an octet has more than 3 digits');
    }
    if (i === octetStart) throw invalid(text.slice(start, end), 'expected 4 decimal octets');
    if (i - octetStart > 1 && text.charCodeAt(octetStart) === CHAR_0) {
      throw invalid(text.slice(start, end), 'leading zero in an octet (ambiguous: octal to some tools)');
    }
    if (octet > 255) throw invalid(text.slice(start, end), `octet ${octet} is above 255`);
    value = value * 256 + octet;
    octets++;
    if (octets === 4) break;
    if (i >= end || text.charCodeAt(i) !== CHAR_DOT) throw invalid(text.slice(start, end), 'expected 4 decimal octets');
    i++;
  }
  out[off] = value;
  return i;
}

// Scratch for the parser: snapshot loading parses tens of thousands of addresses, and a fresh array per call was
// a measurable share of it. Safe because parsing never re-enters itself.
const GROUPS = new Uint16Array(8);
const IPV4_TAIL = new Uint32Array(1);

function invalidIPv6(text: string, start: number, end: number, why: string): TagwallError {
  return invalid(text.slice(start, end), why);
}

/** Parses an IPv6 address `text[start, end)` (RFC 4291 text forms, no zone index) into out[off..off+4). */
export function parseIPv6Into(text: string, start: number, end: number, out: Uint32Array, off: number): void {
  if (scanIPv6(text, start, end, out, off) !== end) throw invalidIPv6(text, start, end, "unexpected '/' or '-'");
}

/**
 * Like scanIPv4: parses the IPv6 address at `text[start]`, stopping at a `/` or `-` (or `end`), and returns
 * where it stopped. One flat loop with no closures or allocations: it runs ~25k times per snapshot load, and a
 * closure-per-call version was 9x slower here.
 */
export function scanIPv6(text: string, start: number, end: number, out: Uint32Array, off: number): number {
  const groups = GROUPS;
  const textEnd = end;
  let count = 0;
  let gapAt = -1; // index in `groups` where '::' stands
  let i = start;
  if (end - start < 2) throw invalidIPv6(text, start, textEnd, 'too short');
  if (text.charCodeAt(i) === CHAR_COLON) {
    if (text.charCodeAt(i + 1) !== CHAR_COLON) throw invalidIPv6(text, start, textEnd, "a leading ':' must be part of '::'");
    gapAt = 0;
    i += 2;
  }
  while (i < end) {
    const first = text.charCodeAt(i);
    if ((first === 47 || first === 45) && gapAt === count && text.charCodeAt(i - 1) === CHAR_COLON) {
      end = i; // `2001:db8::/32`: the address ends right after its '::'
      break;
    }
    if (count === 8) throw invalidIPv6(text, start, textEnd, 'more than 8 groups');
    const groupStart = i;
    let group = 0;
    let c = 0;
    while (i < end) {
      c = text.charCodeAt(i);
      const digit = hexDigitValue(c);
      if (digit < 0) break;
      group = (group << 4) | digit;
      i++;
    }
    const digits = i - groupStart;
    if (i < end && (c === 47 /* / */ || c === 45) /* - */ && digits > 0) end = i; // the address ends here
    if (i < end && c === CHAR_DOT) {
      // An embedded IPv4 tail (`::ffff:192.0.2.1`) fills the last two groups.
      if (count > 6) throw invalidIPv6(text, start, textEnd, 'no room for an IPv4 tail');
      // The tail ends the address; a `/length` may follow (`::ffff:0.0.0.0/96`, as nft and firewalld print it).
      i = scanIPv4(text, groupStart, end, IPV4_TAIL, 0);
      if (i < end && text.charCodeAt(i) !== 47 /* / */ && text.charCodeAt(i) !== 45 /* - */) {
        throw invalid(text.slice(groupStart, end), 'unexpected characters after the 4th octet');
      }
      groups[count++] = IPV4_TAIL[0]! >>> 16;
      groups[count++] = IPV4_TAIL[0]! & 0xffff;
      end = i;
      break;
    }
    if (digits === 0) {
      if (i < end && c === 37 /* % */) throw invalidIPv6(text, start, textEnd, 'zone indexes (%...) are not addresses');
      throw invalidIPv6(text, start, textEnd, i < end ? `unexpected '${text[i]}'` : 'ends with a single ":"');
    }
    if (digits > 4) throw invalidIPv6(text, start, textEnd, 'a group has more than 4 hex digits');
    groups[count++] = group;
    if (i === end) break;
    if (c !== CHAR_COLON) {
      throw invalidIPv6(text, start, textEnd, c === 37 ? 'zone indexes (%...) are not addresses' : `unexpected '${text[i]}'`);
    }
    i++;
    if (i < end && text.charCodeAt(i) === CHAR_COLON) {
      if (gapAt >= 0) throw invalidIPv6(text, start, textEnd, "'::' may appear only once");
      gapAt = count;
      i++;
    } else if (i === end) {
      throw invalidIPv6(text, start, textEnd, "ends with a single ':'");
    }
  }
  if (gapAt >= 0) {
    if (count === 8) throw invalidIPv6(text, start, textEnd, "'::' stands for no groups");
    const tail = count - gapAt;
    for (let k = 0; k < tail; k++) groups[7 - k] = groups[count - 1 - k]!;
    for (let k = gapAt; k < 8 - tail; k++) groups[k] = 0;
  } else if (count !== 8) {
    throw invalidIPv6(text, start, textEnd, `expected 8 groups, found ${count}`);
  }
  for (let k = 0; k < 4; k++) out[off + k] = ((groups[2 * k]! << 16) | groups[2 * k + 1]!) >>> 0;
  return end;
}

/** Which family `text[start, end)` is written in, by its first separator. */
export function sniffFamily(text: string, start = 0, end = text.length): Family {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === CHAR_COLON) return 'ipv6';
    if (c === CHAR_DOT) return 'ipv4';
  }
  return 'ipv4';
}

/** One address, either family. */
export function parseAddress(text: string): { family: Family; words: Uint32Array } {
  const trimmed = text.trim();
  const family = sniffFamily(trimmed);
  const words = new Uint32Array(family === 'ipv4' ? 1 : 4);
  if (family === 'ipv4') parseIPv4Into(trimmed, 0, trimmed.length, words, 0);
  else parseIPv6Into(trimmed, 0, trimmed.length, words, 0);
  return { family, words };
}

export function formatIPv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/**
 * RFC 5952 canonical text: lower-case hex, no leading zeros, the longest run of two or more zero groups
 * (the first on a tie) shortened to '::'. Microsoft publishes prefixes in exactly this form, so formatting
 * what we parsed gives back the published string.
 */
export function formatIPv6(words: Uint32Array, off = 0): string {
  // Straight into a string, no arrays or closures: this runs once per output block of every expansion, mostly
  // in a cold process, where a closure call per group was a third of its time.
  const g = IPV6_GROUPS;
  const run = ipv6GroupsAndZeroRun(words, off, g);
  const bestStart = run < 0 ? -1 : run >> 4;
  const bestLength = run < 0 ? 1 : run & 15;
  let text = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      text += '::';
      i += bestLength - 1;
      continue;
    }
    // A separator before every group but the first and the one right after '::'.
    if (i > 0 && i !== bestStart + bestLength) text += ':';
    text += g[i]!.toString(16);
  }
  return text;
}

/**
 * Puts the eight 16-bit groups of the IPv6 address `words[off..off+4]` in `groups` and returns the zero run RFC 5952
 * writes as `::` (the first of the longest runs of two or more zero groups) as `start * 16 + length`, or -1 for none.
 * formatIPv6 and the byte writer of nft elements (cidr-text.ts) write the same text from it.
 */
export function ipv6GroupsAndZeroRun(words: Uint32Array, off: number, groups: Uint16Array): number {
  for (let k = 0; k < 4; k++) {
    const word = words[off + k]!;
    groups[2 * k] = word >>> 16;
    groups[2 * k + 1] = word & 0xffff;
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  return bestStart < 0 ? -1 : bestStart * 16 + bestLength;
}

/** formatIPv6's scratch: the eight 16-bit groups. */
const IPV6_GROUPS = new Uint16Array(8);

export function formatAddress(family: Family, words: Uint32Array, off = 0): string {
  return family === 'ipv4' ? formatIPv4(words[off]!) : formatIPv6(words, off);
}

// ─── prefixes ────────────────────────────────────────────────────────────────────────────────────────────

/** Sets `lo` to the network and `hi` to the broadcast of `addr/len` (w words, in place on copies). */
export function applyPrefix(addr: Uint32Array, off: number, len: number, w: number, lo: Uint32Array, loOff: number, hi: Uint32Array, hiOff: number): void {
  for (let k = 0; k < w; k++) {
    const bitsInWord = Math.min(32, Math.max(0, len - 32 * k));
    const mask = bitsInWord === 0 ? 0 : bitsInWord === 32 ? 0xffffffff : (0xffffffff << (32 - bitsInWord)) >>> 0;
    const word = addr[off + k]!;
    lo[loOff + k] = (word & mask) >>> 0;
    hi[hiOff + k] = (word | ~mask) >>> 0;
  }
}

/** Parses the decimal prefix length in `text[start, end)`; `bits` is 32 or 128. */
export function parsePrefixLength(text: string, start: number, end: number, bits: number): number {
  if (start >= end || end - start > 3) {
    throw new TagwallError('TW_INVALID_PREFIX_LENGTH', `invalid prefix length in '${text}'`);
  }
  let len = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < CHAR_0 || c > CHAR_9) throw new TagwallError('TW_INVALID_PREFIX_LENGTH', `invalid prefix length in '${text}'`);
    len = len * 10 + (c - CHAR_0);
  }
  if (len > bits) {
    throw new TagwallError('TW_INVALID_PREFIX_LENGTH', `prefix length /${len} in '${text}' is above /${bits}`);
  }
  return len;
}

// ─── minimal CIDR decomposition ──────────────────────────────────────────────────────────────────────────

/** A CIDR block: its network address words and prefix length. */
export interface CidrBlock {
  readonly family: Family;
  readonly network: Uint32Array;
  readonly prefixLength: number;
}

export function formatCidr(block: CidrBlock): string {
  return `${formatAddress(block.family, block.network)}/${block.prefixLength}`;
}

// Scratch for forEachCidrOf (never re-entered: `emit` only reads the network it is given).
const CIDR_CURSOR = new Uint32Array(4);
const CIDR_SPAN = new Uint32Array(4);

/**
 * Calls `emit(network, prefixLength)` for the fewest CIDR blocks that cover exactly [lo, hi]: at each step the
 * largest block that starts at the current value (aligned) and does not pass `hi`. Within one maximal interval
 * greedy is optimal, and blocks never span a gap, so over a canonical set the union of these is minimal.
 * `network` is a scratch view, valid only during the call.
 */
export function forEachCidrOf(
  lo: Uint32Array,
  hi: Uint32Array,
  w: number,
  emit: (network: Uint32Array, prefixLength: number) => void,
): void {
  if (w === 1) {
    const network = CIDR_CURSOR;
    forEachIPv4Cidr(lo[0]!, hi[0]!, (value, prefixLength) => {
      network[0] = value;
      emit(network, prefixLength);
    });
    return;
  }
  const bits = 32 * w;
  const cur = CIDR_CURSOR;
  const span = CIDR_SPAN;
  for (let k = 0; k < w; k++) cur[k] = lo[k]!;
  while (true) {
    // span = hi - cur
    let borrow = 0;
    for (let k = w - 1; k >= 0; k--) {
      const diff = hi[k]! - cur[k]! - borrow;
      span[k] = diff >>> 0;
      borrow = diff < 0 ? 1 : 0;
    }
    // Largest k with 2^k - 1 <= span, i.e. 2^k <= span + 1, without computing span + 1 (it may overflow).
    const length = bitLength(span, w);
    const size = allLowBitsSet(span, w, length) ? length : length - 1;
    const blockBits = Math.min(size, trailingZeros(cur, w));
    emit(cur, bits - blockBits);
    // end of block = cur | (2^blockBits - 1)
    for (let k = w - 1, left = blockBits; k >= 0 && left > 0; k--, left -= 32) {
      cur[k] = (cur[k]! | lowMask(left)) >>> 0;
    }
    if (compareWords(cur, 0, hi, 0, w) >= 0) return;
    // cur = end + 1
    for (let k = w - 1; k >= 0; k--) {
      if (cur[k] === 0xffffffff) cur[k] = 0;
      else {
        cur[k] = cur[k]! + 1;
        break;
      }
    }
  }
}

/**
 * forEachCidrOf for one 32-bit word, in plain numbers (exact: every value here is below 2^33): the same blocks in
 * the same order, the network as a number. Most blocks a render writes are IPv4, and the word loops were most of
 * the walk in a cold process.
 */
export function forEachIPv4Cidr(lo: number, hi: number, emit: (network: number, prefixLength: number) => void): void {
  let cur = lo;
  while (true) {
    // The largest block at cur: 2^size <= hi - cur + 1 addresses, aligned to cur's trailing zero bits.
    const count = hi - cur + 1;
    const size = count >= 0x100000000 ? 32 : 31 - Math.clz32(count);
    const alignment = cur === 0 ? 32 : 31 - Math.clz32(cur & -cur);
    const blockBits = Math.min(size, alignment);
    emit(cur, 32 - blockBits);
    const next = cur + 2 ** blockBits;
    if (next > hi) return;
    cur = next;
  }
}

/**
 * How many blocks forEachCidrOf gives for [lo, hi], counted without listing them (a set of thousands of blocks is
 * counted for a line of text that shows four). Split at the highest bit m where lo and hi differ: [lo, c) and
 * [c, hi] with c = hi's bits above m, bit m set, zeros below. The left part ends at a 2^m boundary, so its greedy
 * blocks are the set bits of c - lo = 2^m - r (r: lo's low m bits), m - popcount(r - 1) of them, and popcount(r - 1)
 * = popcount(r) + trailingZeros(r) - 1; the right part starts at one, so its blocks are the set bits of s + 1 (s:
 * hi's low m bits), popcount(s) - trailingOnes(s) + 1. When r = 0 and s is all ones, [lo, hi] is one aligned block.
 * `lo` and `hi` start at words `loAt` and `hiAt` (a set's bounds read in place, no view per interval).
 */
export function cidrCountOf(lo: Uint32Array, hi: Uint32Array, w: number, loAt = 0, hiAt = 0): number {
  let first = 0;
  while (first < w && lo[loAt + first] === hi[hiAt + first]) first++;
  if (first === w) return 1;
  // Below the first differing word, lo all zeros and hi all ones (IPv4 always; IPv6 tags' prefixes are /64 or
  // shorter): the blocks are those of that one word's pair, each scaled. Issue 22: the long lists a check counts
  // are such intervals (`graph`'s 34,557 IPv6 blocks), and the word loops below cost ~3x as much interpreted.
  let wordAligned = true;
  for (let k = first + 1; k < w && wordAligned; k++) wordAligned = lo[loAt + k] === 0 && hi[hiAt + k] === 0xffffffff;
  if (wordAligned) return wordCidrCount(lo[loAt + first]!, hi[hiAt + first]!);
  const m = 32 * (w - 1 - first) + 31 - Math.clz32((lo[loAt + first]! ^ hi[hiAt + first]!) >>> 0);
  // Population counts and trailing runs of the low m bits of lo and hi, word by word from the least significant.
  let loOnes = 0;
  let loTrailingZeros = 0;
  let loZerosRun = true;
  let hiOnes = 0;
  let hiTrailingOnes = 0;
  let hiOnesRun = true;
  for (let k = w - 1, left = m; k >= 0 && left > 0; k--, left -= 32) {
    const bits = Math.min(left, 32);
    const mask = lowMask(bits) >>> 0;
    const l = (lo[loAt + k]! & mask) >>> 0;
    const h = (hi[hiAt + k]! & mask) >>> 0;
    loOnes += popcount32(l);
    hiOnes += popcount32(h);
    if (loZerosRun) {
      if (l === 0) loTrailingZeros += bits;
      else {
        loTrailingZeros += 31 - Math.clz32(l & -l);
        loZerosRun = false;
      }
    }
    if (hiOnesRun) {
      if (h === mask) hiTrailingOnes += bits;
      else {
        const inverted = ~h >>> 0;
        hiTrailingOnes += 31 - Math.clz32(inverted & -inverted);
        hiOnesRun = false;
      }
    }
  }
  const rZero = loOnes === 0;
  const sAllOnes = hiOnes === m;
  if (rZero && sAllOnes) return 1;
  const left = rZero ? 1 : m - (loOnes + loTrailingZeros - 1);
  const right = hiOnes - hiTrailingOnes + 1;
  return left + right;
}

/**
 * The CIDR blocks of the intervals of canonical `bounds` (`w` words a value) from word `at` on: cidrCountOf summed,
 * a long list counted by interval-kernels.wat (a check's "any address but the tags" has thousands of intervals,
 * counted in V8's first tiers at ~0.3 us each; issue 22).
 */
export function cidrBlocksOf(bounds: Uint32Array, w: 1 | 4, at = 0): number {
  const counted = cidrBlocksInModule(at === 0 ? bounds : bounds.subarray(at), w);
  if (counted !== undefined) return counted;
  let count = 0;
  for (; at < bounds.length; at += 2 * w) count += cidrCountOf(bounds, bounds, w, at, at + w);
  return count;
}

/** cidrCountOf for one word, `lo` < `hi`, in plain numbers: the same split at the highest differing bit m (m <= 31). */
function wordCidrCount(lo: number, hi: number): number {
  const m = 31 - Math.clz32((lo ^ hi) >>> 0);
  const mask = lowMask(m);
  const r = lo & mask;
  const s = hi & mask;
  if (r === 0 && s === mask) return 1;
  const left = r === 0 ? 1 : m - (popcount32(r) + trailingZeros32(r) - 1);
  // s's trailing ones are ~s's trailing zeros (~s has bit m set, so it is never zero within the m bits).
  return left + popcount32(s) - trailingZeros32(~s) + 1;
}

/** The number of trailing zero bits of a nonzero 32-bit value. */
function trailingZeros32(value: number): number {
  return 31 - Math.clz32(value & -value);
}

function popcount32(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/**
 * The lowest min(bits, 32) bits set, as a signed 32-bit integer (all ones is -1). Kept in int32 range on purpose:
 * the unsigned form (0xffffffff, 2 ** bits) is a heap double in V8, and this runs several times for every output
 * block (it was the top self-time entry of a render profile). Use it only in bitwise operations.
 */
function lowMask(bits: number): number {
  return bits >= 32 ? -1 : ~(-1 << bits);
}

function bitLength(words: Uint32Array, w: number): number {
  for (let k = 0; k < w; k++) {
    const word = words[k]!;
    if (word !== 0) return 32 * (w - k) - Math.clz32(word);
  }
  return 0;
}

function allLowBitsSet(words: Uint32Array, w: number, length: number): boolean {
  for (let k = w - 1, left = length; k >= 0 && left > 0; k--, left -= 32) {
    const mask = lowMask(left);
    if ((words[k]! & mask) !== mask) return false;
  }
  return true;
}

function trailingZeros(words: Uint32Array, w: number): number {
  for (let k = w - 1; k >= 0; k--) {
    const word = words[k]!;
    if (word !== 0) return 32 * (w - 1 - k) + (31 - Math.clz32(word & -word));
  }
  return 32 * w;
}

/** The value of the hexadecimal digit with character code `c` (either case), or -1: IPv6 groups as text or bytes. */
export function hexDigitValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}
