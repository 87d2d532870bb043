/**
 * `AddressSet`: an immutable set of IPv4 and IPv6 addresses with exact set algebra, in the manner of netaddr's
 * IPSet. Its canonical form is one interval set per family; its output is the minimal list of CIDR blocks.
 */
import { TagwallError } from '../errors.js';
import { ipv4CidrText, ipv4CidrTexts, ipv6CidrTexts } from './cidr-text.js';
import { type AddressColumns, readAddressList, readSeparatedAddressList } from './cidr-list.js';
import { compareWords, IntervalSet, sameDomain } from './intervals.js';
import {
  applyPrefix,
  bitsOf,
  forEachCidrOf,
  forEachIPv4Cidr,
  formatAddress,
  formatCidr,
  formatIPv6,
  hexDigitValue,
  IPV4,
  IPV6,
  parseIPv4Into,
  parseIPv6Into,
  parsePrefixLength,
  scanIPv4,
  scanIPv6,
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

/**
 * Entries from which AddressEntries.addAll reads a list in WebAssembly: below it, the module's first compile and
 * instance (~0.2 ms) cost more than the JavaScript's parse.
 */
const WASM_LIST_MIN = 64;
/** The same for a text of entries (AddressEntries.ofSeparatedList): 64 IPv4 prefixes take about this many characters. */
const WASM_TEXT_MIN = 1024;

/**
 * Interval bounds above which CIDR texts are written in one piece (IPv4 through one buffer, IPv6 from CidrBlocks: 64
 * and 16 intervals); the per-block paths are quicker below.
 */
const BULK_TEXT_BOUNDS = 128;

export class AddressSet {
  private v4: IntervalSet | undefined;
  private v6: IntervalSet | undefined;
  /**
   * A union not computed yet: the sets it joins. Callers build sets one endpoint, prefix or member at a time
   * (`set = set.union(next)`), and each eager union copies the whole accumulated set, so n of them cost n²
   * (10,000 CIDRs in one requirement: 12-25 s in every target). Deferred, the n parts are merged in one sort when
   * the set is first read, and the parts are dropped.
   */
  private parts: readonly AddressSet[] | AddressEntries | undefined;
  /**
   * With `parts` a reader's entries: -1 for the union of them all, else the one entry this set is (2 * its index in
   * its family, plus 1 for IPv6), made when first read: a list of 100k entries left 100k sets of three objects
   * each alive through the render's first young-generation collections, which copied them.
   */
  private entry: number;

  private constructor(ipv4: IntervalSet | undefined, ipv6: IntervalSet | undefined, parts?: readonly AddressSet[] | AddressEntries, entry = -1) {
    this.v4 = ipv4;
    this.v6 = ipv6;
    this.parts = parts;
    this.entry = entry;
  }

  get ipv4(): IntervalSet {
    if (this.v4 === undefined) this.settle();
    return this.v4!;
  }

  get ipv6(): IntervalSet {
    if (this.v6 === undefined) this.settle();
    return this.v6!;
  }

  /** Computes a deferred union: every settled set under it, merged per family in one sort (no recursion). */
  private settle(): void {
    const parts = this.parts!;
    if (parts instanceof AddressEntries) {
      if (this.entry < 0) {
        this.v4 = parts.familySet(IPV4);
        this.v6 = parts.familySet(IPV6);
      } else if ((this.entry & 1) === 0) {
        this.v4 = parts.entrySet(IPV4, this.entry >> 1);
        this.v6 = AddressSet.EMPTY.ipv6;
      } else {
        this.v4 = AddressSet.EMPTY.ipv4;
        this.v6 = parts.entrySet(IPV6, this.entry >> 1);
      }
      this.parts = undefined;
      return;
    }
    const leaves: AddressSet[] = [];
    const pending = [...parts];
    while (pending.length > 0) {
      const set = pending.pop()!;
      // A loop, not push(...parts): a part made by unionOf may hold 100k sets, too many for one call's arguments.
      if (set.v4 === undefined && Array.isArray(set.parts)) for (const part of set.parts) pending.push(part);
      else leaves.push(set);
    }
    // The getters: a leaf may be a reader's entries not merged yet (AddressEntries.deferredSet).
    this.v4 = IntervalSet.unionMany(IPV4, leaves.map((leaf) => leaf.ipv4));
    this.v6 = IntervalSet.unionMany(IPV6, leaves.map((leaf) => leaf.ipv6));
    this.parts = undefined;
  }

  /**
   * A set whose intervals are computed on first read from a reader's entries: all of them merged, or one (AddressEntries).
   * @internal for the readers of this package (AddressEntries); not in the published types.
   */
  static deferred(entries: AddressEntries, entry = -1): AddressSet {
    return new AddressSet(undefined, undefined, entries, entry);
  }

  static readonly EMPTY: AddressSet = new AddressSet(IntervalSet.empty(IPV4), IntervalSet.empty(IPV6));
  static readonly ALL: AddressSet = new AddressSet(IntervalSet.full(IPV4), IntervalSet.full(IPV6));

  /** Every address of one family (`0.0.0.0/0` or `::/0`). */
  static allOf(family: Family): AddressSet {
    return family === 'ipv4' ? AddressSet.ALL.only('ipv4') : AddressSet.ALL.only('ipv6');
  }

  static fromIntervalSets(ipv4: IntervalSet, ipv6: IntervalSet): AddressSet {
    if (!sameDomain(ipv4.domain, IPV4) || !sameDomain(ipv6.domain, IPV6)) throw new TypeError('AddressSet needs an IPv4 and an IPv6 interval set');
    return new AddressSet(ipv4, ipv6);
  }

  /** The addresses of one family's interval set (a packet-set box's `src` or `dst`), the other family empty. */
  static fromFamily(family: Family, values: IntervalSet): AddressSet {
    return family === 'ipv4' ? AddressSet.fromIntervalSets(values, AddressSet.EMPTY.ipv6) : AddressSet.fromIntervalSets(AddressSet.EMPTY.ipv4, values);
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
    const columns = new AddressEntries(entries.length, options);
    columns.addAll(entries);
    return columns.toSet();
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

  /**
   * The union of many sets as one deferred node (merged in one sort when first read): a requirement of 100k CIDRs
   * folded with `union` made 100k nodes that lived until then, and their garbage outgrew the work.
   */
  static unionOf(sets: readonly AddressSet[]): AddressSet {
    if (sets.length === 0) return AddressSet.EMPTY;
    return sets.length === 1 ? sets[0]! : new AddressSet(undefined, undefined, sets);
  }

  union(other: AddressSet): AddressSet {
    // Small settled sets are joined at once: deferring them would only add bookkeeping.
    if (this.v4 && this.v6 && other.v4 && other.v6 && this.v4.intervalCount + this.v6.intervalCount + other.v4.intervalCount + other.v6.intervalCount <= 64) {
      return new AddressSet(this.v4.union(other.v4), this.v6.union(other.v6));
    }
    return new AddressSet(undefined, undefined, [this, other]);
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
    this.forEachCidr(family, (f, network, prefixLength) => blocks.push({ family: f, network: network.slice(), prefixLength }));
    return blocks;
  }

  /** The minimal CIDR list as strings (`20.150.0.0/17`, `2603:1030::/48`). */
  toCidrStrings(family?: Family): string[] {
    const out: string[] = [];
    for (const f of family ? [family] : FAMILIES) {
      if (f === 'ipv6') {
        const values = this.of('ipv6');
        if (values.bounds.length > BULK_TEXT_BOUNDS) {
          // Many blocks: read off the bounds and written as one text (cidr-text.ts, ipv6CidrTexts).
          const texts = ipv6CidrTexts(values);
          if (out.length === 0) return texts; // IPv6 is the last family: nothing follows
          for (let at = 0; at < texts.length; at++) out.push(texts[at]!);
          continue;
        }
        this.forEachCidr(f, (_, network, prefixLength) => out.push(`${formatIPv6(network)}/${prefixLength}`));
        continue;
      }
      // IPv4 blocks as numbers straight to text, without the scratch words: most blocks a render writes are IPv4.
      // From tables (model/cidr-text.ts): a template made eight strings per block, a third of a 100k-CIDR render.
      const bounds = this.of('ipv4').bounds;
      if (bounds.length > BULK_TEXT_BOUNDS) {
        // Many blocks: through one buffer, a string per block and no more (cidr-text.ts, ipv4CidrTexts).
        const texts = ipv4CidrTexts(bounds);
        if (out.length === 0 && family === 'ipv4') return texts;
        for (const text of texts) out.push(text);
        continue;
      }
      const write = (network: number, prefixLength: number): void => {
        out.push(ipv4CidrText(network, prefixLength));
      };
      for (let at = 0; at < bounds.length; at += 2) forEachIPv4Cidr(bounds[at]!, bounds[at + 1]!, write);
    }
    return out;
  }

  /** The maximal ranges as `first-last` (or just `address` for a single one). */
  toRanges(family?: Family): string[] {
    const out: string[] = [];
    this.forEachInterval(family, (f, lo, hi) => {
      const [first, last] = [formatAddress(f, lo), formatAddress(f, hi)];
      out.push(first === last ? first : `${first}-${last}`);
    });
    return out;
  }

  /**
   * Each maximal interval, IPv4 first, in address order (scratch copies, valid during the call: not a view per
   * interval, which was most of the garbage of writing 100k CIDRs).
   */
  private forEachInterval(family: Family | undefined, visit: (family: Family, lo: Uint32Array, hi: Uint32Array) => void): void {
    for (const f of family ? [family] : FAMILIES) {
      const set = this.of(f);
      const w = set.width;
      const bounds = set.bounds;
      const lo = new Uint32Array(w);
      const hi = new Uint32Array(w);
      for (let at = 0; at < bounds.length; at += 2 * w) {
        for (let k = 0; k < w; k++) {
          lo[k] = bounds[at + k]!;
          hi[k] = bounds[at + w + k]!;
        }
        visit(f, lo, hi);
      }
    }
  }

  /** Each block of the minimal CIDR list (the network is a scratch view, valid during the call). */
  private forEachCidr(family: Family | undefined, visit: (family: Family, network: Uint32Array, prefixLength: number) => void): void {
    for (const f of family ? [family] : FAMILIES) {
      const emit = (network: Uint32Array, length: number): void => visit(f, network, length);
      this.forEachInterval(f, (_, lo, hi) => forEachCidrOf(lo, hi, lo.length, emit));
    }
  }

  toString(): string {
    return this.isEmpty() ? '(none)' : this.toCidrStrings().join(', ');
  }
}

/**
 * Address entries (addresses, CIDRs, ranges) parsed one at a time, one interval each, into typed arrays per family
 * in input order: what `fromStrings` parses a list into before its one sort and merge. A reader of a long endpoint
 * list keeps the columns (each entry's own set is made as it is read, `add`), so the list's union is a sort and
 * merge of flat arrays when first read (`deferredSet`) instead of a walk over one set object per entry, which at
 * 100k entries no longer stay in the CPU's caches.
 */
export class AddressEntries {
  // Each family's arrays are made when its first entry comes: a list of one family (a snapshot's IPv6 prefixes)
  // allocates nothing for the other, which was a fifth of the garbage of a bulk union.
  private v4lo: Uint32Array | undefined;
  private v4hi: Uint32Array | undefined;
  private v6lo: Uint32Array | undefined;
  private v6hi: Uint32Array | undefined;
  private n4 = 0;
  private n6 = 0;
  /** Set once the entries back a deferred set: adding more would change a set already handed out. */
  private sealed = false;
  /** Each family's entries as canonical bounds, where cidr-list.wat merged them (addAll); cleared by `add`. */
  private merged: { readonly ipv4: Uint32Array | undefined; readonly ipv6: Uint32Array | undefined } | undefined;

  /** `capacity`: the number of entries to come (each family has room for all of them). */
  constructor(
    private readonly capacity: number,
    private readonly options: AddressParseOptions = {},
  ) {}

  /** The number of entries added. */
  get count(): number {
    return this.n4 + this.n6;
  }

  /** Parses one entry into the columns; an entry that is not an address throws the TagwallError fromStrings would. */
  add(raw: string): Family {
    if (this.sealed) throw new Error('AddressEntries: no entries can be added once their set is handed out');
    if (this.n4 + this.n6 >= this.capacity) throw new RangeError(`AddressEntries: more than the ${this.capacity} entries announced`);
    this.merged = undefined;
    const n = this.capacity;
    if (!this.options.normalize) {
      // Until the first IPv4-looking entry there are no IPv4 arrays to try the IPv4 fast path with.
      let ipv6Like: boolean | undefined;
      if (this.v4lo === undefined && !(ipv6Like = looksLikeIPv6(raw))) {
        this.v4lo = new Uint32Array(n);
        this.v4hi = new Uint32Array(n);
      }
      if (this.v4lo && this.v4hi && readPlainIPv4Cidr(raw, this.v4lo, this.v4hi, this.n4)) {
        this.n4++;
        return 'ipv4';
      }
      if (ipv6Like ?? looksLikeIPv6(raw)) {
        this.v6lo ??= new Uint32Array(4 * n);
        this.v6hi ??= new Uint32Array(4 * n);
        if (readPlainIPv6Cidr(raw, this.v6lo, this.v6hi, this.n6)) {
          this.n6++;
          return 'ipv6';
        }
      }
    }
    const entry = hasOuterSpace(raw) ? raw.trim() : raw;
    if (sniffFamily(entry) === 'ipv4') {
      this.v4lo ??= new Uint32Array(n);
      this.v4hi ??= new Uint32Array(n);
      parseEntryInto(entry, 'ipv4', this.options, this.v4lo, this.v4hi, this.n4);
      this.n4++;
      return 'ipv4';
    }
    this.v6lo ??= new Uint32Array(4 * n);
    this.v6hi ??= new Uint32Array(4 * n);
    parseEntryInto(entry, 'ipv6', this.options, this.v6lo, this.v6hi, this.n6);
    this.n6++;
    return 'ipv6';
  }

  /**
   * Parses every entry of `entries`, as `add` each would. A long list of plain entries into columns still empty is
   * read by cidr-list.wat in one call (issue 22: the JavaScript, cold, was ~5 ms of the 3,800 elements of a rendered
   * nft file); a list it does not take, and a short one, go through `add`, which words the first error.
   */
  addAll(entries: readonly string[]): void {
    if (entries.length >= WASM_LIST_MIN && this.count === 0 && !this.sealed && entries.length <= this.capacity) {
      const columns = readAddressList(entries, this.options.normalize === true, this.capacity);
      if (columns) return this.adopt(columns);
    }
    for (const raw of entries) this.add(raw);
  }

  /** The entries of a text of them separated by commas and white space, read by cidr-list.wat; undefined where it does not take the text. */
  static ofSeparatedList(text: string, options: AddressParseOptions = {}): AddressEntries | undefined {
    const columns = text.length >= WASM_TEXT_MIN ? readSeparatedAddressList(text, options.normalize === true) : undefined;
    if (!columns) return undefined;
    const entries = new AddressEntries(columns.n4 + columns.n6, options);
    entries.adopt(columns);
    return entries;
  }

  /** Columns read by cidr-list.wat as these entries (which are none yet). */
  private adopt(columns: AddressColumns): void {
    ({ n4: this.n4, n6: this.n6, v4lo: this.v4lo, v4hi: this.v4hi, v6lo: this.v6lo, v6hi: this.v6hi } = columns);
    this.merged = { ipv4: columns.v4bounds, ipv6: columns.v6bounds };
  }

  /** Parses one entry and returns its own set (what `fromStrings([raw])` returns), made from the columns when first read. */
  addOne(raw: string): AddressSet {
    const family = this.add(raw);
    return AddressSet.deferred(this, family === 'ipv4' ? 2 * (this.n4 - 1) : 2 * (this.n6 - 1) + 1);
  }

  /** Entry `index` of one family as an interval set (entries once written never change: `add` only appends). */
  entrySet(domain: typeof IPV4 | typeof IPV6, index: number): IntervalSet {
    return domain === IPV4 ? IntervalSet.fromWords(IPV4, this.v4lo!, index, this.v4hi!, index) : IntervalSet.fromWords(IPV6, this.v6lo!, 4 * index, this.v6hi!, 4 * index);
  }

  /** The union of every entry, sorted and merged now. */
  toSet(): AddressSet {
    return AddressSet.fromIntervalSets(this.familySet(IPV4), this.familySet(IPV6));
  }

  /** The union of every entry, sorted and merged when the set is first read; no entry can be added after. */
  deferredSet(): AddressSet {
    this.sealed = true;
    return AddressSet.deferred(this);
  }

  /** One family's entries as a canonical interval set (a sort, skipped for entries already in order, and a merge). */
  familySet(domain: typeof IPV4 | typeof IPV6): IntervalSet {
    const merged = domain === IPV4 ? this.merged?.ipv4 : this.merged?.ipv6;
    if (merged) return IntervalSet.fromCanonicalBounds(domain, merged);
    const [lo, hi, count] = domain === IPV4 ? [this.v4lo, this.v4hi, this.n4] : [this.v6lo, this.v6hi, this.n6];
    return lo && hi ? IntervalSet.fromUnsorted(domain, lo, hi, count) : IntervalSet.empty(domain);
  }
}

/**
 * The fast path for what snapshots are made of: a well-formed IPv4 CIDR (`20.150.0.0/17`) with no host bits.
 * One pass over the characters writes lo/hi and returns true; anything else (IPv6, a single address, a range,
 * spaces, any error) returns false and takes the general path, which also produces the precise error.
 * Why a second parser: reading each character once with no calls between is what brings the bulk union of a
 * snapshot's 69k IPv4 prefixes past 3x cidr-tools here (the general path reached ~2.5x; `npm run bench`).
 */
function readPlainIPv4Cidr(text: string, lo: Uint32Array, hi: Uint32Array, index: number): boolean {
  const end = text.length;
  let value = 0;
  let i = 0;
  for (let octets = 0; octets < 4; octets++) {
    // Up to three digits, unrolled; `charCodeAt` past the end is NaN, which fails every range test.
    if (i >= end) return false;
    const d0 = text.charCodeAt(i) - 48;
    if (!(d0 >= 0 && d0 <= 9)) return false;
    let octet = d0;
    i++;
    const d1 = text.charCodeAt(i) - 48;
    if (d1 >= 0 && d1 <= 9) {
      if (d0 === 0) return false; // leading zero: the general path explains why it is refused
      octet = octet * 10 + d1;
      i++;
      const d2 = text.charCodeAt(i) - 48;
      if (d2 >= 0 && d2 <= 9) {
        octet = octet * 10 + d2;
        i++;
        if (octet > 255) return false;
      }
    }
    value = value * 256 + octet;
    if (octets < 3) {
      if (text.charCodeAt(i) !== 46 /* . */) return false;
      i++;
    }
  }
  if (text.charCodeAt(i) !== 47 /* / */) return false;
  i++;
  const l0 = text.charCodeAt(i) - 48;
  if (!(l0 >= 0 && l0 <= 9)) return false;
  let length = l0;
  i++;
  if (i < end) {
    const l1 = text.charCodeAt(i) - 48;
    if (!(l1 >= 0 && l1 <= 9) || l0 === 0) return false;
    length = length * 10 + l1;
    i++;
  }
  if (i !== end || length > 32) return false;
  const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
  if ((value & mask) >>> 0 !== value) return false; // host bits set
  lo[index] = value;
  hi[index] = (value | ~mask) >>> 0;
  return true;
}

/** An IPv6 address has a ':' within its first five characters (a group is at most four hex digits). */
function looksLikeIPv6(text: string): boolean {
  for (let i = 0; i < 5 && i < text.length; i++) if (text.charCodeAt(i) === 58) return true;
  return false;
}

/**
 * The IPv6 twin of readPlainIPv4Cidr: hex groups with at most one `::`, then `/length` with no host bits set
 * (`2603:1030::/48`), straight into lo/hi[index*4..]; false (and the general path, with its precise error) for
 * anything else, an embedded IPv4 tail included. Its own loop rather than scanIPv6 behind a try/catch: reading
 * each character once, with a table for hex digits and the groups placed straight into words, halved the parse
 * of a snapshot's 24k IPv6 prefixes (`bench/run.ts cidr-merge`, where IPv6 was over 2x a C sort + merge).
 */
function readPlainIPv6Cidr(text: string, lo: Uint32Array, hi: Uint32Array, index: number): boolean {
  const groups = PLAIN_GROUPS;
  const end = text.length;
  let count = 0;
  let gapAt = -1; // how many groups came before '::'
  let i = 0;
  let c = text.charCodeAt(0);
  if (c === 58 /* : */) {
    if (text.charCodeAt(1) !== 58) return false;
    gapAt = 0;
    i = 2;
    c = text.charCodeAt(2);
  }
  // Each turn reads one group and the separator after it; `/` after a group or right after '::' ends the address.
  while (c !== 47 /* / */) {
    let group = 0;
    const groupStart = i;
    let digit = c < 128 ? HEX_DIGIT[c]! : -1; // NaN past the end fails `c < 128`
    while (digit >= 0) {
      group = (group << 4) | digit;
      c = text.charCodeAt(++i);
      digit = c < 128 ? HEX_DIGIT[c]! : -1;
    }
    const digits = i - groupStart;
    if (digits === 0 || digits > 4 || count === 8) return false;
    groups[count++] = group;
    if (c === 47) break;
    if (c !== 58) return false; // a dot (IPv4 tail), a zone, a range, the end without a length: the general path
    c = text.charCodeAt(++i);
    if (c === 58) {
      if (gapAt >= 0) return false;
      gapAt = count;
      c = text.charCodeAt(++i);
    } else if (c === 47) {
      return false; // a single ':' before the length
    }
  }
  if (gapAt < 0 ? count !== 8 : count === 8) return false;
  const length = readPlainPrefixLength(text, i + 1, end);
  if (length < 0 || length > 128) return false;
  // Group g of the address: the groups before '::' in place, those after it moved to the end, zeros between.
  const shift = gapAt < 0 ? 0 : 8 - count;
  const at = index * 4;
  for (let k = 0; k < 4; k++) {
    const g0 = 2 * k;
    const g1 = g0 + 1;
    const high = gapAt < 0 || g0 < gapAt ? groups[g0]! : g0 < gapAt + shift ? 0 : groups[g0 - shift]!;
    const low = gapAt < 0 || g1 < gapAt ? groups[g1]! : g1 < gapAt + shift ? 0 : groups[g1 - shift]!;
    const word = ((high << 16) | low) >>> 0;
    const inWord = length - 32 * k;
    const mask = inWord >= 32 ? 0xffffffff : inWord <= 0 ? 0 : (0xffffffff << (32 - inWord)) >>> 0;
    if ((word & ~mask) !== 0) return false; // host bits set
    lo[at + k] = word;
    hi[at + k] = (word | ~mask) >>> 0;
  }
  return true;
}

/** readPlainIPv6Cidr's groups, in the order written (scratch: it never re-enters itself). */
const PLAIN_GROUPS = new Int32Array(8);

/** The value of each hexadecimal digit by character code (either case), -1 for every other ASCII character. */
const HEX_DIGIT = Int8Array.from({ length: 128 }, (_, c) => hexDigitValue(c));

/** `text[start, end)` as a prefix length of 1 to 3 decimal digits without a leading zero, or -1. */
function readPlainPrefixLength(text: string, start: number, end: number): number {
  if (start >= end || end - start > 3 || (end - start > 1 && text.charCodeAt(start) === 48 /* 0 */)) return -1;
  let length = 0;
  for (let i = start; i < end; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (!(digit >= 0 && digit <= 9)) return -1;
    length = length * 10 + digit;
  }
  return length;
}

function hasOuterSpace(text: string): boolean {
  return text.length > 0 && (text.charCodeAt(0) <= 32 || text.charCodeAt(text.length - 1) <= 32);
}

const SCRATCH = new Uint32Array(4);

/**
 * Parses one entry (address, CIDR or range) of a known family into lo[i]/hi[i], reading each character once:
 * the address scanner stops at `/` or `-` and the rest follows from there.
 */
function parseEntryInto(
  entry: string,
  family: Family,
  options: AddressParseOptions,
  lo: Uint32Array,
  hi: Uint32Array,
  index: number,
): void {
  const w = family === 'ipv4' ? 1 : 4;
  const at = index * w;
  const end = entry.length;
  const stop = family === 'ipv4' ? scanIPv4(entry, 0, end, SCRATCH, 0) : scanIPv6(entry, 0, end, SCRATCH, 0);
  if (stop < end && entry.charCodeAt(stop) !== 47 /* / */) {
    const dash = entry.indexOf('-');
    if (dash < 0) throw new TagwallError('TW_INVALID_ADDRESS', `invalid IP address '${entry}': unexpected '${entry[stop]}'`);
    parseRangeInto(entry, dash, family, lo, hi, at);
    return;
  }
  const bits = bitsOf(family);
  const length = stop < end ? parsePrefixLength(entry, stop + 1, end, bits) : bits;
  applyPrefix(SCRATCH, 0, length, w, lo, at, hi, at);
  if (options.normalize) return;
  for (let k = 0; k < w; k++) {
    if (lo[at + k] !== SCRATCH[k]) {
      const network = formatCidr({ family, network: lo.slice(at, at + w), prefixLength: length });
      throw new TagwallError(
        'TW_HOST_BITS_SET',
        `'${entry}' has host bits set: the network is ${network} (ask to normalise to accept it)`,
      );
    }
  }
}

/** `first-last`, both of `family`, first ≤ last. */
function parseRangeInto(entry: string, dash: number, family: Family, lo: Uint32Array, hi: Uint32Array, at: number): void {
  const w = family === 'ipv4' ? 1 : 4;
  const parse = family === 'ipv4' ? parseIPv4Into : parseIPv6Into;
  const first = entry.slice(0, dash).trim();
  const last = entry.slice(dash + 1).trim();
  if (sniffFamily(last) !== family) {
    throw new TagwallError('TW_INVALID_RANGE', `range '${entry}' mixes IPv4 and IPv6`);
  }
  parse(first, 0, first.length, lo, at);
  parse(last, 0, last.length, hi, at);
  if (compareWords(lo, at, hi, at, w) > 0) {
    throw new TagwallError('TW_INVALID_RANGE', `range '${entry}' ends before it starts`);
  }
}
