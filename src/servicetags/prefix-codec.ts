/**
 * Service-tag prefixes as compact bytes. Both the JSON loader and the embedded snapshots keep every prefix of a
 * snapshot in one byte string, tag after tag in published order, and decode a tag only when it is asked for.
 *
 * One prefix is a header byte and then the network's significant bytes, most significant first:
 *   header = length          (IPv4, /0../32)    followed by ceil(length / 8) bytes
 *   header = 33 + length     (IPv6, /0../128)   followed by ceil(length / 8) bytes
 * Host bits are zero (the loader rejects prefixes with host bits set), so the bytes after the significant ones
 * carry nothing and are not stored: an Azure /48 takes 7 bytes, not 17.
 */
import { TagwallError } from '../errors.js';
import { AddressSet } from '../model/address-set.js';
import { IntervalSet } from '../model/intervals.js';
import { NO_PREFIX, type PrefixShape } from './types.js';
import {
  applyPrefix,
  bitsOf,
  formatIPv4,
  formatIPv6,
  IPV4,
  IPV6,
  parseIPv4Into,
  parseIPv6Into,
  parsePrefixLength,
  sniffFamily,
  type Family,
} from '../model/ip.js';

const IPV6_HEADER_BASE = 33;

/** Largest encoded size of one prefix: header + 16 network bytes. */
export const MAX_ENCODED_PREFIX = 17;

/**
 * Parses a strict CIDR prefix (`address/length`, no spaces, no host bits, no leading zeros in the length) into
 * `network` (4 words; IPv4 uses the first) and returns its header byte. Throws the model's TagwallError codes.
 */
export function parseStrictPrefix(text: string, network: Uint32Array, scratch: Uint32Array): number {
  const slash = text.indexOf('/');
  if (slash < 0) {
    throw new TagwallError('TW_INVALID_PREFIX_LENGTH', `'${text}' is not a CIDR prefix: it has no /length`);
  }
  const family = sniffFamily(text, 0, slash);
  const words = family === 'ipv4' ? 1 : 4;
  if (family === 'ipv4') parseIPv4Into(text, 0, slash, network, 0);
  else parseIPv6Into(text, 0, slash, network, 0);
  if (text.length - slash > 2 && text.charCodeAt(slash + 1) === 48 /* 0 */) {
    throw new TagwallError('TW_INVALID_PREFIX_LENGTH', `leading zero in the prefix length of '${text}'`);
  }
  const length = parsePrefixLength(text, slash + 1, text.length, bitsOf(family));
  applyPrefix(network, 0, length, words, scratch, 0, scratch, words);
  for (let k = 0; k < words; k++) {
    if (scratch[k] !== network[k]) {
      const base = family === 'ipv4' ? formatIPv4(scratch[0]!) : formatIPv6(scratch, 0);
      throw new TagwallError('TW_HOST_BITS_SET', `'${text}' has host bits set: the network is ${base}/${length}`);
    }
  }
  return family === 'ipv4' ? length : IPV6_HEADER_BASE + length;
}

/**
 * The common case of `parseStrictPrefix` in one pass: a well-formed IPv4 prefix with no host bits, as
 * `length * 2^32 + network` (both exact in a double), or -1 for anything else, which the full parser then reads
 * (and rejects with its precise message). Snapshot loading reads ~70k of these per file.
 */
function plainIPv4Prefix(text: string): number {
  const end = text.length;
  let value = 0;
  let i = 0;
  for (let octets = 0; octets < 4; octets++) {
    if (octets > 0) {
      if (i >= end || text.charCodeAt(i) !== 46 /* . */) return -1;
      i++;
    }
    const start = i;
    let octet = 0;
    for (; i < end && i - start < 4; i++) {
      const c = text.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      octet = octet * 10 + c;
    }
    const digits = i - start;
    if (digits === 0 || digits > 3 || octet > 255 || (digits > 1 && text.charCodeAt(start) === 48)) return -1;
    value = value * 256 + octet;
  }
  if (i >= end || text.charCodeAt(i) !== 47 /* / */) return -1;
  i++;
  const start = i;
  let length = 0;
  for (; i < end && i - start < 3; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    length = length * 10 + c;
  }
  const digits = i - start;
  if (i !== end || digits === 0 || length > 32 || (digits > 1 && text.charCodeAt(start) === 48)) return -1;
  // Host bits: the low 32 - length bits must be zero. The shift keeps exactly those bits (as a 32-bit integer);
  // `value % 2 ** (32 - length)` said the same, but V8 computed the power with a call to C's pow for every prefix.
  if (length < 32 && value << length !== 0) return -1;
  return length * 0x100000000 + value;
}

export function familyOfHeader(header: number): Family {
  return header < IPV6_HEADER_BASE ? 'ipv4' : 'ipv6';
}

export function lengthOfHeader(header: number): number {
  return header < IPV6_HEADER_BASE ? header : header - IPV6_HEADER_BASE;
}

/** Appends encoded prefixes to a growing byte string. */
export class PrefixWriter {
  private bytes: Uint8Array;
  private used = 0;
  private readonly network = new Uint32Array(4);
  private readonly scratch = new Uint32Array(8);

  /** `capacity`: the bytes expected, so that a large snapshot's are not copied at each doubling (it still grows). */
  constructor(capacity = 1 << 16) {
    this.bytes = new Uint8Array(Math.max(1 << 16, capacity));
  }

  get length(): number {
    return this.used;
  }

  /** Parses `text` strictly and appends it; returns its family. */
  push(text: string): Family {
    const v4 = plainIPv4Prefix(text);
    if (v4 >= 0) {
      this.network[0] = v4 % 0x100000000;
      this.write(Math.floor(v4 / 0x100000000), this.network);
      return 'ipv4';
    }
    const header = parseStrictPrefix(text, this.network, this.scratch);
    this.write(header, this.network);
    return familyOfHeader(header);
  }

  /** Appends a prefix already parsed: `network` holds 1 (IPv4) or 4 (IPv6) words with zero host bits. */
  write(header: number, network: Uint32Array): void {
    if (this.used + MAX_ENCODED_PREFIX > this.bytes.length) this.grow();
    const significant = (lengthOfHeader(header) + 7) >>> 3;
    this.bytes[this.used++] = header;
    for (let i = 0; i < significant; i++) {
      this.bytes[this.used++] = (network[i >>> 2]! >>> (24 - 8 * (i & 3))) & 0xff;
    }
  }

  /**
   * write() of an IPv4 prefix whose network is `network` as a 32-bit integer (signed or not): its bytes straight from
   * the integer, unrolled. Through write(), each byte was a load from a Uint32Array, which unoptimised code boxes
   * for networks from 128.0.0.0 up; three quarters of a service-tag file's prefixes take this path (issue 22).
   */
  writeIPv4(length: number, network: number): void {
    if (this.used + MAX_ENCODED_PREFIX > this.bytes.length) this.grow();
    const bytes = this.bytes;
    const at = this.used;
    // A Uint8Array store keeps the low 8 bits: no masks.
    bytes[at] = length;
    if (length > 0) bytes[at + 1] = network >>> 24;
    if (length > 8) bytes[at + 2] = network >>> 16;
    if (length > 16) bytes[at + 3] = network >>> 8;
    if (length > 24) bytes[at + 4] = network;
    this.used = at + 1 + ((length + 7) >>> 3);
  }

  /**
   * write() of an IPv6 prefix whose network is `groups` (8 16-bit groups, host bits zero): bytes from the groups,
   * not from 32-bit words, which unoptimised code boxes from 0x80000000 up (issue 22).
   */
  writeIPv6(length: number, groups: Uint16Array): void {
    if (this.used + MAX_ENCODED_PREFIX > this.bytes.length) this.grow();
    const bytes = this.bytes;
    let at = this.used;
    bytes[at++] = IPV6_HEADER_BASE + length;
    const significant = (length + 7) >>> 3;
    // A Uint8Array store keeps the low 8 bits: the high byte of a group is its value shifted, the low one the value.
    for (let i = 0; i < significant; i++) bytes[at++] = (i & 1) === 0 ? groups[i >>> 1]! >>> 8 : groups[i >>> 1]!;
    this.used = at;
  }

  private grow(): void {
    const grown = new Uint8Array(this.bytes.length * 2);
    grown.set(this.bytes);
    this.bytes = grown;
  }

  /** The bytes written, as a view of the writer's buffer (no copy: a large snapshot's are most of a megabyte). */
  finish(): Uint8Array {
    return this.bytes.subarray(0, this.used);
  }
}

/**
 * Reads the prefix at `bytes[at]` into `network[offset, offset + 4)` (zero-filled past the significant bytes) and
 * returns its header byte; the next prefix starts at `at + encodedSize(header)`.
 */
function readPrefix(bytes: Uint8Array, at: number, network: Uint32Array, offset = 0): number {
  const header = bytes[at]!;
  if (header > IPV6_HEADER_BASE + 128) throw corrupt(`corrupt prefix header ${header} at byte ${at}`);
  const significant = (lengthOfHeader(header) + 7) >>> 3;
  if (at + 1 + significant > bytes.length) throw corrupt(`prefix at byte ${at} runs past the end`);
  // Four stores, not fill(): a typed array's fill is a call into the runtime, once for each prefix decoded.
  network[offset] = 0;
  network[offset + 1] = 0;
  network[offset + 2] = 0;
  network[offset + 3] = 0;
  for (let i = 0; i < significant; i++) {
    const word = offset + (i >>> 2);
    network[word] = (network[word]! | (bytes[at + 1 + i]! << (24 - 8 * (i & 3)))) >>> 0;
  }
  return header;
}

export function encodedSize(header: number): number {
  return 1 + ((lengthOfHeader(header) + 7) >>> 3);
}

/**
 * The prefix count and shortest prefix length of each family in `bytes[start, end)` (NO_PREFIX for a family with
 * none), read from the headers alone. The embedded form stores the shortest lengths per tag, so a tag's size bound
 * needs no prefix chunk inflated.
 */
export function prefixShapeOf(bytes: Uint8Array, start: number, end: number): PrefixShape {
  let count4 = 0;
  let count6 = 0;
  let shortest4 = NO_PREFIX;
  let shortest6 = NO_PREFIX;
  for (let at = start; at < end; ) {
    const header = bytes[at]!;
    if (header > IPV6_HEADER_BASE + 128) throw corrupt(`corrupt prefix header ${header} at byte ${at}`);
    const length = lengthOfHeader(header);
    if (header < IPV6_HEADER_BASE) {
      count4++;
      if (length < shortest4) shortest4 = length;
    } else {
      count6++;
      if (length < shortest6) shortest6 = length;
    }
    at += encodedSize(header);
  }
  return { ipv4: { count: count4, shortest: shortest4 }, ipv6: { count: count6, shortest: shortest6 } };
}

/** Calls `visit` for each prefix in `bytes[start, end)`; `network` is a scratch view valid during the call. */
export function forEachPrefix(
  bytes: Uint8Array,
  start: number,
  end: number,
  visit: (family: Family, network: Uint32Array, length: number) => void,
): void {
  const network = new Uint32Array(4);
  for (let at = start; at < end; ) {
    const header = readPrefix(bytes, at, network);
    visit(familyOfHeader(header), network, lengthOfHeader(header));
    at += encodedSize(header);
  }
}

/**
 * Decodes `bytes[start, end)` into parallel arrays: `headers[i]` the header byte of prefix i and
 * `networks[4i, 4i + 4)` its network (zero-filled past the significant bytes); returns the count. The arrays must
 * hold every prefix (the tag's prefixCount). Snapshot diff decodes every changed tag with it.
 */
export function decodePrefixesInto(bytes: Uint8Array, start: number, end: number, headers: Uint8Array, networks: Uint32Array): number {
  let count = 0;
  for (let at = start; at < end; count++) {
    // Read first (a write past the end of `networks` is dropped), so a bad header is reported before the count.
    const header = readPrefix(bytes, at, networks, 4 * count);
    if (count >= headers.length) throw corrupt('more prefixes than counted');
    headers[count] = header;
    at += encodedSize(header);
  }
  return count;
}

/** The prefixes of `bytes[start, end)` in canonical text (RFC 5952 for IPv6), in stored order. */
export function decodePrefixStrings(bytes: Uint8Array, start: number, end: number): string[] {
  const out: string[] = [];
  forEachPrefix(bytes, start, end, (family, network, length) => {
    out.push(`${family === 'ipv4' ? formatIPv4(network[0]!) : formatIPv6(network, 0)}/${length}`);
  });
  return out;
}

/** encodedPrefixText's network, read and formatted before it returns (a diff writes thousands of prefixes). */
const TEXT_NETWORK = new Uint32Array(4);

/** The prefix at `bytes[at]` in canonical text, as decodePrefixStrings writes it. */
export function encodedPrefixText(bytes: Uint8Array, at: number): string {
  const network = TEXT_NETWORK;
  const header = readPrefix(bytes, at, network);
  return `${header < IPV6_HEADER_BASE ? formatIPv4(network[0]!) : formatIPv6(network, 0)}/${lengthOfHeader(header)}`;
}

/**
 * The address set of one tag's encoded prefixes. Microsoft publishes each tag's prefixes per family in address
 * order, so IntervalSet.fromUnsorted finds them sorted and merges them in one pass.
 */
export function decodeAddressSet(
  bytes: Uint8Array,
  start: number,
  end: number,
  ipv4Count: number,
  ipv6Count: number,
): AddressSet {
  const intervals = new PrefixIntervals(ipv4Count, ipv6Count);
  for (let at = start; at < end; ) {
    at = bytes[at]! < IPV6_HEADER_BASE ? decodeIPv4Prefix(bytes, at, intervals, ipv4Count) : decodeIPv6Prefix(bytes, at, intervals, ipv6Count);
  }
  if (intervals.ipv4 !== ipv4Count || intervals.ipv6 !== ipv6Count) throw corrupt('prefix counts do not match the data');
  return intervals.addressSet();
}

/**
 * The IPv4 prefix at `at` into `intervals` (as readPrefix then `intervals.add` would, with the same errors), on
 * plain numbers; returns the offset after it. Most prefixes a command decodes are IPv4, and in a cold process the
 * general path's calls and word loops per prefix were most of a tag's decoding (issue 22).
 */
function decodeIPv4Prefix(bytes: Uint8Array, at: number, intervals: PrefixIntervals, ipv4Count: number): number {
  const length = bytes[at]!;
  const significant = (length + 7) >>> 3;
  if (at + 1 + significant > bytes.length) throw corrupt(`prefix at byte ${at} runs past the end`);
  if (intervals.ipv4 === ipv4Count) throw corrupt('more IPv4 prefixes than counted');
  let network = 0;
  for (let i = 0; i < 4; i++) network = network * 256 + (i < significant ? bytes[at + 1 + i]! : 0);
  // The host bits: none for /32, all 2^32 - 1 for /0 (a double holds both exactly).
  const hostBits = 2 ** (32 - length) - 1;
  const lo = network - (network % (hostBits + 1));
  intervals.addIPv4(lo, lo + hostBits);
  return at + 1 + significant;
}

/**
 * The IPv6 prefix at `at` into `intervals` (as readPrefix then `intervals.add` would, with the same errors), word by
 * word on plain numbers; returns the offset after it. readPrefix's loop per byte and applyPrefix's per word, run
 * interpreted for each of a cold command's ~1,000 IPv6 prefixes, were ~1-3 ms of a render (issue 22).
 */
function decodeIPv6Prefix(bytes: Uint8Array, at: number, intervals: PrefixIntervals, ipv6Count: number): number {
  const header = bytes[at]!;
  if (header > IPV6_HEADER_BASE + 128) throw corrupt(`corrupt prefix header ${header} at byte ${at}`);
  const length = header - IPV6_HEADER_BASE;
  const significant = (length + 7) >>> 3;
  if (at + 1 + significant > bytes.length) throw corrupt(`prefix at byte ${at} runs past the end`);
  if (intervals.ipv6 === ipv6Count) throw corrupt('more IPv6 prefixes than counted');
  for (let k = 0; k < 4; k++) {
    const first = 4 * k; // the word's first byte among the significant ones
    const word =
      (first < significant ? bytes[at + 1 + first]! << 24 : 0) |
      (first + 1 < significant ? bytes[at + 2 + first]! << 16 : 0) |
      (first + 2 < significant ? bytes[at + 3 + first]! << 8 : 0) |
      (first + 3 < significant ? bytes[at + 4 + first]! : 0);
    // The word's host bits: none when the prefix covers it, all when it starts past it.
    const prefixBits = length - 32 * k;
    const hostBits = prefixBits >= 32 ? 0 : prefixBits <= 0 ? -1 : -1 >>> prefixBits;
    intervals.addIPv6Word(k, word & ~hostBits, word | hostBits);
  }
  intervals.ipv6++;
  return at + 1 + significant;
}

/** The address set of the prefixes at the byte offsets `offsets` of `bytes` (each at a prefix's header). */
export function decodeAddressSetAt(bytes: Uint8Array, offsets: readonly number[]): AddressSet {
  let ipv4Count = 0;
  for (const at of offsets) if (bytes[at]! < IPV6_HEADER_BASE) ipv4Count++;
  const intervals = new PrefixIntervals(ipv4Count, offsets.length - ipv4Count);
  const network = new Uint32Array(4);
  for (const at of offsets) intervals.add(readPrefix(bytes, at, network), network);
  return intervals.addressSet();
}

/** The intervals of decoded prefixes, per family, in arrays sized for the counts given. */
class PrefixIntervals {
  ipv4 = 0;
  ipv6 = 0;
  private readonly v4lo: Uint32Array;
  private readonly v4hi: Uint32Array;
  private readonly v6lo: Uint32Array;
  private readonly v6hi: Uint32Array;

  constructor(ipv4Count: number, ipv6Count: number) {
    this.v4lo = new Uint32Array(ipv4Count);
    this.v4hi = new Uint32Array(ipv4Count);
    this.v6lo = new Uint32Array(4 * ipv6Count);
    this.v6hi = new Uint32Array(4 * ipv6Count);
  }

  /** Adds the IPv4 interval [lo, hi]. */
  addIPv4(lo: number, hi: number): void {
    this.v4lo[this.ipv4] = lo;
    this.v4hi[this.ipv4] = hi;
    this.ipv4++;
  }

  /**
   * Sets word `k` of the next IPv6 interval's bounds (a Uint32Array store keeps a signed 32-bit value's bits); the
   * caller counts the interval once its four words are set.
   */
  addIPv6Word(k: number, lo: number, hi: number): void {
    this.v6lo[4 * this.ipv6 + k] = lo;
    this.v6hi[4 * this.ipv6 + k] = hi;
  }

  /** Adds the prefix of `header` whose network readPrefix put in `network`. */
  add(header: number, network: Uint32Array): void {
    if (header < IPV6_HEADER_BASE) {
      applyPrefix(network, 0, header, 1, this.v4lo, this.ipv4, this.v4hi, this.ipv4);
      this.ipv4++;
    } else {
      applyPrefix(network, 0, header - IPV6_HEADER_BASE, 4, this.v6lo, 4 * this.ipv6, this.v6hi, 4 * this.ipv6);
      this.ipv6++;
    }
  }

  addressSet(): AddressSet {
    return AddressSet.fromIntervalSets(IntervalSet.fromUnsorted(IPV4, this.v4lo, this.v4hi, this.ipv4), IntervalSet.fromUnsorted(IPV6, this.v6lo, this.v6hi, this.ipv6));
  }
}

/** Encoded prefixes that cannot be what the encoder wrote: a damaged snapshot file, not a bug. */
function corrupt(message: string): TagwallError {
  return new TagwallError('TW_SNAPSHOT_SHAPE', `corrupt snapshot data: ${message}`);
}
