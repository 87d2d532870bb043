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
import { compareWords, IntervalSet, type IntervalDomain } from '../model/intervals.js';
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

export function familyOfHeader(header: number): Family {
  return header < IPV6_HEADER_BASE ? 'ipv4' : 'ipv6';
}

export function lengthOfHeader(header: number): number {
  return header < IPV6_HEADER_BASE ? header : header - IPV6_HEADER_BASE;
}

/** Appends encoded prefixes to a growing byte string. */
export class PrefixWriter {
  private bytes = new Uint8Array(1 << 16);
  private used = 0;
  private readonly network = new Uint32Array(4);
  private readonly scratch = new Uint32Array(8);

  get length(): number {
    return this.used;
  }

  /** Parses `text` strictly and appends it; returns its family. */
  push(text: string): Family {
    const header = parseStrictPrefix(text, this.network, this.scratch);
    this.write(header, this.network);
    return familyOfHeader(header);
  }

  /** Appends a prefix already parsed: `network` holds 1 (IPv4) or 4 (IPv6) words with zero host bits. */
  write(header: number, network: Uint32Array): void {
    if (this.used + MAX_ENCODED_PREFIX > this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    const significant = (lengthOfHeader(header) + 7) >>> 3;
    this.bytes[this.used++] = header;
    for (let i = 0; i < significant; i++) {
      this.bytes[this.used++] = (network[i >>> 2]! >>> (24 - 8 * (i & 3))) & 0xff;
    }
  }

  finish(): Uint8Array {
    return this.bytes.slice(0, this.used);
  }
}

/**
 * Reads the prefix at `bytes[at]` into `network` (4 words, zero-filled past the significant bytes) and returns
 * its header byte; the next prefix starts at `at + encodedSize(header)`.
 */
function readPrefix(bytes: Uint8Array, at: number, network: Uint32Array): number {
  const header = bytes[at]!;
  if (header > IPV6_HEADER_BASE + 128) throw new RangeError(`corrupt prefix header ${header} at byte ${at}`);
  const significant = (lengthOfHeader(header) + 7) >>> 3;
  if (at + 1 + significant > bytes.length) throw new RangeError(`prefix at byte ${at} runs past the end`);
  network.fill(0);
  for (let i = 0; i < significant; i++) {
    network[i >>> 2] = (network[i >>> 2]! | (bytes[at + 1 + i]! << (24 - 8 * (i & 3)))) >>> 0;
  }
  return header;
}

export function encodedSize(header: number): number {
  return 1 + ((lengthOfHeader(header) + 7) >>> 3);
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

/** The prefixes of `bytes[start, end)` in canonical text (RFC 5952 for IPv6), in stored order. */
export function decodePrefixStrings(bytes: Uint8Array, start: number, end: number): string[] {
  const out: string[] = [];
  forEachPrefix(bytes, start, end, (family, network, length) => {
    out.push(`${family === 'ipv4' ? formatIPv4(network[0]!) : formatIPv6(network, 0)}/${length}`);
  });
  return out;
}

/**
 * The AddressSet of the prefixes in `bytes[start, end)`; the counts size the arrays they are decoded into.
 *
 * Microsoft publishes each tag's prefixes per family in address order without overlaps (all 6,078 lists of
 * Public 20251028), so they are merged in one pass as they are read. Only a list out of order goes through
 * the interval core's bulk path: its radix sort makes 65,536-bucket passes that cost 5-9 ms in a fresh process
 * even for 50 prefixes, which is most of the budget of a CLI call.
 */
export function decodeAddressSet(
  bytes: Uint8Array,
  start: number,
  end: number,
  ipv4Count: number,
  ipv6Count: number,
): AddressSet {
  const v4 = new SortedMerger(1, ipv4Count);
  const v6 = new SortedMerger(4, ipv6Count);
  const network = new Uint32Array(4);
  for (let at = start; at < end; ) {
    const header = readPrefix(bytes, at, network);
    const length = lengthOfHeader(header);
    if (header < IPV6_HEADER_BASE) v4.add(network, length);
    else v6.add(network, length);
    at += encodedSize(header);
  }
  if (v4.count !== ipv4Count || v6.count !== ipv6Count) throw new RangeError('prefix counts do not match the data');
  return AddressSet.fromIntervalSets(v4.finish(IPV4), v6.finish(IPV6));
}

/**
 * Collects the intervals of one family: merged on the fly while they arrive in order, kept raw (for
 * IntervalSet.fromUnsorted) from the first one that does not.
 */
class SortedMerger {
  count = 0;
  private readonly lo: Uint32Array;
  private readonly hi: Uint32Array;
  /** Intervals written to lo/hi: merged ones while in order, else one per prefix. */
  private written = 0;
  private inOrder = true;

  constructor(
    private readonly w: 1 | 4,
    capacity: number,
  ) {
    this.lo = new Uint32Array(capacity * w);
    this.hi = new Uint32Array(capacity * w);
  }

  add(network: Uint32Array, length: number): void {
    if (this.count === this.lo.length / this.w) throw new RangeError('more prefixes than counted');
    this.count++;
    const w = this.w;
    const at = this.written * w;
    applyPrefix(network, 0, length, w, this.lo, at, this.hi, at);
    if (this.inOrder && this.written > 0) {
      const last = at - w;
      if (compareWords(this.lo, at, this.lo, last, w) < 0) {
        this.inOrder = false;
      } else if (compareWords(this.lo, at, this.hi, last, w) <= 0 || isSuccessor(this.hi, last, this.lo, at, w)) {
        // Overlaps or touches the previous interval: extend it instead of starting a new one.
        if (compareWords(this.hi, at, this.hi, last, w) > 0) this.hi.copyWithin(last, at, at + w);
        return;
      }
    }
    this.written++;
  }

  finish(domain: IntervalDomain): IntervalSet {
    const w = this.w;
    if (!this.inOrder) return IntervalSet.fromUnsorted(domain, this.lo, this.hi, this.written);
    const bounds = new Uint32Array(2 * w * this.written);
    for (let i = 0; i < this.written; i++) {
      bounds.set(this.lo.subarray(i * w, i * w + w), 2 * w * i);
      bounds.set(this.hi.subarray(i * w, i * w + w), 2 * w * i + w);
    }
    return IntervalSet.fromCanonicalBounds(domain, bounds);
  }
}

/** True when a[ai..] + 1 equals b[bi..] over w words. */
function isSuccessor(a: Uint32Array, ai: number, b: Uint32Array, bi: number, w: number): boolean {
  let carry = 1;
  for (let k = w - 1; k >= 0; k--) {
    const sum = a[ai + k]! + carry;
    carry = sum > 0xffffffff ? 1 : 0;
    if (sum >>> 0 !== b[bi + k]) return false;
  }
  return carry === 0;
}
