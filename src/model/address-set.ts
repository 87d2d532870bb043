/**
 * `AddressSet`: an immutable set of IPv4 and IPv6 addresses with exact set algebra, in the manner of netaddr's
 * IPSet. Its canonical form is one interval set per family; its output is the minimal list of CIDR blocks.
 */
import { TagwallError } from '../errors.js';
import { IntervalSet } from './intervals.js';
import {
  applyPrefix,
  bitsOf,
  forEachCidrOf,
  formatAddress,
  formatCidr,
  IPV4,
  IPV6,
  parseIPv4Into,
  parseIPv6Into,
  parsePrefixLength,
  sniffFamily,
  type CidrBlock,
  type Family,
} from './ip.js';

export interface AddressParseOptions {
  /**
   * Accept CIDRs with host bits set (`10.0.0.1/8`) and mask them off. Off by default: a host-bit prefix is
   * usually a typo for a different network, so it is an error that names the network it would become.
   */
  readonly normalize?: boolean;
}

export const FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];

export class AddressSet {
  readonly ipv4: IntervalSet;
  readonly ipv6: IntervalSet;

  private constructor(ipv4: IntervalSet, ipv6: IntervalSet) {
    this.ipv4 = ipv4;
    this.ipv6 = ipv6;
  }

  static readonly EMPTY: AddressSet = new AddressSet(IntervalSet.empty(IPV4), IntervalSet.empty(IPV6));
  static readonly ALL: AddressSet = new AddressSet(IntervalSet.full(IPV4), IntervalSet.full(IPV6));

  /** Every address of one family (`0.0.0.0/0` or `::/0`). */
  static allOf(family: Family): AddressSet {
    return family === 'ipv4' ? AddressSet.ALL.only('ipv4') : AddressSet.ALL.only('ipv6');
  }

  static fromIntervalSets(ipv4: IntervalSet, ipv6: IntervalSet): AddressSet {
    if (ipv4.domain !== IPV4 || ipv6.domain !== IPV6) throw new TypeError('AddressSet needs an IPv4 and an IPv6 interval set');
    return new AddressSet(ipv4, ipv6);
  }

  /**
   * Parses addresses, CIDRs and ranges (`a-b`) separated by commas and/or whitespace, both families mixed:
   * `"10.0.0.0/8, 192.168.1.1, 2001:db8::/32, 10.1.0.1-10.1.0.9"`.
   */
  static parse(text: string, options: AddressParseOptions = {}): AddressSet {
    const entries = text.split(/[\s,]+/).filter((entry) => entry.length > 0);
    return AddressSet.fromStrings(entries, options);
  }

  /**
   * The set of many entries (addresses, CIDRs, ranges). This is the bulk path: parsing writes straight into
   * typed arrays, then one radix sort and one merge per family.
   */
  static fromStrings(entries: readonly string[], options: AddressParseOptions = {}): AddressSet {
    const n = entries.length;
    const v4lo = new Uint32Array(n);
    const v4hi = new Uint32Array(n);
    const v6lo = new Uint32Array(4 * n);
    const v6hi = new Uint32Array(4 * n);
    const scratch = new Uint32Array(4);
    let n4 = 0;
    let n6 = 0;
    for (const raw of entries) {
      const entry = raw.trim();
      const family = sniffFamily(entry);
      if (family === 'ipv4') {
        parseEntryInto(entry, 'ipv4', options, scratch, v4lo, v4hi, n4++);
      } else {
        parseEntryInto(entry, 'ipv6', options, scratch, v6lo, v6hi, n6++);
      }
    }
    return new AddressSet(IntervalSet.fromUnsorted(IPV4, v4lo, v4hi, n4), IntervalSet.fromUnsorted(IPV6, v6lo, v6hi, n6));
  }

  of(family: Family): IntervalSet {
    return family === 'ipv4' ? this.ipv4 : this.ipv6;
  }

  /** The part of this set in one family. */
  only(family: Family): AddressSet {
    return family === 'ipv4'
      ? new AddressSet(this.ipv4, IntervalSet.empty(IPV6))
      : new AddressSet(IntervalSet.empty(IPV4), this.ipv6);
  }

  /** The families with at least one address. */
  families(): Family[] {
    return FAMILIES.filter((family) => !this.of(family).isEmpty());
  }

  isEmpty(): boolean {
    return this.ipv4.isEmpty() && this.ipv6.isEmpty();
  }

  union(other: AddressSet): AddressSet {
    return new AddressSet(this.ipv4.union(other.ipv4), this.ipv6.union(other.ipv6));
  }

  intersection(other: AddressSet): AddressSet {
    return new AddressSet(this.ipv4.intersection(other.ipv4), this.ipv6.intersection(other.ipv6));
  }

  difference(other: AddressSet): AddressSet {
    return new AddressSet(this.ipv4.difference(other.ipv4), this.ipv6.difference(other.ipv6));
  }

  /** Everything not in this set, in both families. */
  complement(): AddressSet {
    return new AddressSet(this.ipv4.complement(), this.ipv6.complement());
  }

  equals(other: AddressSet): boolean {
    return this.ipv4.equals(other.ipv4) && this.ipv6.equals(other.ipv6);
  }

  isSubsetOf(other: AddressSet): boolean {
    return this.ipv4.isSubsetOf(other.ipv4) && this.ipv6.isSubsetOf(other.ipv6);
  }

  overlaps(other: AddressSet): boolean {
    return this.ipv4.overlaps(other.ipv4) || this.ipv6.overlaps(other.ipv6);
  }

  /** Is this one address (either family) in the set? Throws TagwallError for text that is not an address. */
  has(address: string): boolean {
    const text = address.trim();
    const family = sniffFamily(text);
    const words = new Uint32Array(4);
    if (family === 'ipv4') parseIPv4Into(text, 0, text.length, words, 0);
    else parseIPv6Into(text, 0, text.length, words, 0);
    return this.of(family).has(words);
  }

  /** Number of addresses in one family. */
  size(family: Family): bigint {
    return this.of(family).size();
  }

  /** The minimal list of CIDR blocks, IPv4 first, each family in address order. */
  toCidrs(family?: Family): CidrBlock[] {
    const blocks: CidrBlock[] = [];
    for (const f of family ? [family] : FAMILIES) {
      const set = this.of(f);
      for (let i = 0; i < set.intervalCount; i++) {
        forEachCidrOf(set.lo(i), set.hi(i), set.width, (network, prefixLength) => {
          blocks.push({ family: f, network: network.slice(), prefixLength });
        });
      }
    }
    return blocks;
  }

  /** The minimal CIDR list as strings (`20.150.0.0/17`, `2603:1030::/48`). */
  toCidrStrings(family?: Family): string[] {
    const out: string[] = [];
    for (const f of family ? [family] : FAMILIES) {
      const set = this.of(f);
      for (let i = 0; i < set.intervalCount; i++) {
        forEachCidrOf(set.lo(i), set.hi(i), set.width, (network, prefixLength) => {
          out.push(`${formatAddress(f, network)}/${prefixLength}`);
        });
      }
    }
    return out;
  }

  /** The maximal ranges as `first-last` (or just `address` for a single one). */
  toRanges(family?: Family): string[] {
    const out: string[] = [];
    for (const f of family ? [family] : FAMILIES) {
      const set = this.of(f);
      for (let i = 0; i < set.intervalCount; i++) {
        const lo = formatAddress(f, set.lo(i));
        const hi = formatAddress(f, set.hi(i));
        out.push(lo === hi ? lo : `${lo}-${hi}`);
      }
    }
    return out;
  }

  toString(): string {
    return this.isEmpty() ? '(none)' : this.toCidrStrings().join(', ');
  }
}

/** Parses one entry (address, CIDR or range) of a known family into lo[i]/hi[i]. */
function parseEntryInto(
  entry: string,
  family: Family,
  options: AddressParseOptions,
  scratch: Uint32Array,
  lo: Uint32Array,
  hi: Uint32Array,
  index: number,
): void {
  const w = family === 'ipv4' ? 1 : 4;
  const parse = family === 'ipv4' ? parseIPv4Into : parseIPv6Into;
  const at = index * w;
  const dash = entry.indexOf('-');
  if (dash >= 0) {
    const first = entry.slice(0, dash).trim();
    const last = entry.slice(dash + 1).trim();
    if (sniffFamily(last) !== family) {
      throw new TagwallError('TW_INVALID_RANGE', `range '${entry}' mixes IPv4 and IPv6`);
    }
    parse(first, 0, first.length, lo, at);
    parse(last, 0, last.length, hi, at);
    for (let k = 0; k < w; k++) {
      if (lo[at + k] !== hi[at + k]) {
        if (lo[at + k]! > hi[at + k]!) {
          throw new TagwallError('TW_INVALID_RANGE', `range '${entry}' ends before it starts`);
        }
        break;
      }
    }
    return;
  }
  const slash = entry.indexOf('/');
  const end = slash >= 0 ? slash : entry.length;
  parse(entry, 0, end, scratch, 0);
  const bits = bitsOf(family);
  const length = slash >= 0 ? parsePrefixLength(entry, slash + 1, entry.length, bits) : bits;
  applyPrefix(scratch, 0, length, w, lo, at, hi, at);
  if (!options.normalize) {
    for (let k = 0; k < w; k++) {
      if (lo[at + k] !== scratch[k]) {
        const network = formatCidr({ family, network: lo.slice(at, at + w), prefixLength: length });
        throw new TagwallError(
          'TW_HOST_BITS_SET',
          `'${entry}' has host bits set: the network is ${network} (ask to normalise to accept it)`,
        );
      }
    }
  }
}

