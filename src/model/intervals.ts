/**
 * Exact sets of fixed-width unsigned integers: ports (16 bits), protocols (8), IPv4 (32) and IPv6 (128).
 *
 * A value is `width` 32-bit words, most significant first (1 word for everything but IPv6, 4 for IPv6). A set
 * is its canonical form: sorted, disjoint, non-adjacent inclusive intervals, packed into one Uint32Array as
 * `lo[0..w), hi[0..w)` per interval. Canonical means two sets are equal exactly when their arrays are.
 *
 * Why our own and not a library: the service-tag hot path builds sets from ~70k IPv4 and ~25k IPv6 prefixes.
 * `ip-cidr` needs 4.4 s and 374 MB just to parse them, and cidr-tools computes in BigInt. Typed arrays, one-pass
 * parsing and a radix sort, with no BigInt, measured by `npm run bench` on the Public 20251028 snapshot (medians
 * of interleaved runs, 2-core shared VM): IPv4 ~15 ms vs cidr-tools ~45 ms (~3.0x) and Python's
 * `ipaddress.collapse_addresses` ~2 s (>100x); IPv6 ~15 ms vs ~42 ms (~2.9x) and ~0.9 s (~50x).
 * Inclusive upper bounds keep every value inside its words: half-open ends would need 2^32 or 2^128.
 */

import { Buffer } from 'node:buffer';
import { mergeInModule, overlapsInModule, problemInModule } from './interval-kernels.js';

export type Width = 1 | 4;

/** The universe a set lives in: `[0, max]` over `width` words. Sets of different domains never mix. */
export interface IntervalDomain {
  readonly name: string;
  readonly width: Width;
  /** Largest value, `width` words. */
  readonly max: Uint32Array;
}

/**
 * The same domain, by value: the ESM and the CommonJS build of tagwall each hold their own domain constants, and a
 * set made by one must combine with a set made by the other (a consumer that loads both, issue 21).
 */
export function sameDomain(a: IntervalDomain, b: IntervalDomain): boolean {
  return a === b || (a.name === b.name && a.width === b.width && a.max.every((word, index) => word === b.max[index]));
}

export function domainOf(name: string, width: Width, maxWords: readonly number[]): IntervalDomain {
  if (maxWords.length !== width) throw new RangeError(`domain ${name}: max needs ${width} words`);
  return Object.freeze({ name, width, max: Uint32Array.from(maxWords) });
}

// ─── word arithmetic on (array, offset) pairs ─────────────────────────────────────────────────────────────

/** -1, 0 or 1 as a[ai..] compares with b[bi..] over w words. */
export function compareWords(a: Uint32Array, ai: number, b: Uint32Array, bi: number, w: number): number {
  for (let k = 0; k < w; k++) {
    const x = a[ai + k]!;
    const y = b[bi + k]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** True when lo[li..] is exactly hi[hi_..] + 1. */
function isSuccessor(hi: Uint32Array, hiOff: number, lo: Uint32Array, loOff: number, w: number): boolean {
  let carry = 1;
  for (let k = w - 1; k >= 0; k--) {
    const sum = hi[hiOff + k]! + carry;
    const word = sum >>> 0;
    carry = sum > 0xffffffff ? 1 : 0;
    if (word !== lo[loOff + k]) return false;
  }
  return carry === 0;
}

/** dst[di..] = src[si..] + delta (delta ±1); the caller guarantees no wrap-around. */
function writeStep(src: Uint32Array, si: number, dst: Uint32Array, di: number, w: number, delta: 1 | -1): void {
  let carry: number = delta;
  for (let k = w - 1; k >= 0; k--) {
    const next = src[si + k]! + carry;
    if (next > 0xffffffff) {
      dst[di + k] = 0;
      carry = 1;
    } else if (next < 0) {
      dst[di + k] = 0xffffffff;
      carry = -1;
    } else {
      dst[di + k] = next;
      carry = 0;
    }
  }
}

function isZero(a: Uint32Array, ai: number, w: number): boolean {
  for (let k = 0; k < w; k++) if (a[ai + k] !== 0) return false;
  return true;
}

// ─── building canonical bounds ───────────────────────────────────────────────────────────────────────────

/** Appends intervals in ascending order of `lo`, merging overlapping and adjacent ones as it goes. */
class BoundsBuilder {
  private words: Uint32Array;
  private length = 0; // in words
  private readonly stride: number;

  constructor(private readonly w: number, capacityIntervals = 8) {
    this.stride = 2 * w;
    this.words = new Uint32Array(Math.max(1, capacityIntervals) * this.stride);
  }

  /** Adds [lo, hi]; `lo` must not be below the `lo` of the previous interval. */
  push(lo: Uint32Array, loOff: number, hi: Uint32Array, hiOff: number): void {
    const w = this.w;
    // Word-by-word copies, not `set(subarray(...))`: a view object per interval was a visible cost in the
    // bulk path (tens of thousands of intervals).
    if (this.length > 0) {
      const lastHi = this.length - w;
      if (compareWords(lo, loOff, this.words, lastHi, w) <= 0 || isSuccessor(this.words, lastHi, lo, loOff, w)) {
        if (compareWords(hi, hiOff, this.words, lastHi, w) > 0) {
          for (let k = 0; k < w; k++) this.words[lastHi + k] = hi[hiOff + k]!;
        }
        return;
      }
    }
    if (this.length + this.stride > this.words.length) {
      const grown = new Uint32Array(this.words.length * 2);
      grown.set(this.words);
      this.words = grown;
    }
    const at = this.length;
    for (let k = 0; k < w; k++) {
      this.words[at + k] = lo[loOff + k]!;
      this.words[at + w + k] = hi[hiOff + k]!;
    }
    this.length += this.stride;
  }

  finish(): Uint32Array {
    return this.words.slice(0, this.length);
  }
}

// ─── the set ─────────────────────────────────────────────────────────────────────────────────────────────

export class IntervalSet {
  /** Canonical bounds: `lo, hi` per interval, `width` words each. Treat as read-only. */
  readonly bounds: Uint32Array;
  readonly domain: IntervalDomain;

  private constructor(domain: IntervalDomain, bounds: Uint32Array) {
    this.domain = domain;
    this.bounds = bounds;
  }

  static empty(domain: IntervalDomain): IntervalSet {
    return new IntervalSet(domain, new Uint32Array(0));
  }

  static full(domain: IntervalDomain): IntervalSet {
    const bounds = new Uint32Array(2 * domain.width);
    bounds.set(domain.max, domain.width);
    return new IntervalSet(domain, bounds);
  }

  /** One interval [lo, hi] given as word arrays; empty when lo > hi. */
  static range(domain: IntervalDomain, lo: Uint32Array, hi: Uint32Array): IntervalSet {
    return IntervalSet.fromWords(domain, lo, 0, hi, 0);
  }

  /** One interval [lo, hi] read from word arrays at word offsets (no views: a reader makes one per entry); empty when lo > hi. */
  static fromWords(domain: IntervalDomain, lo: Uint32Array, loAt: number, hi: Uint32Array, hiAt: number): IntervalSet {
    const w = domain.width;
    if (compareWords(lo, loAt, hi, hiAt, w) > 0) return IntervalSet.empty(domain);
    checkInDomain(domain, hi, hiAt);
    const bounds = new Uint32Array(2 * w);
    for (let k = 0; k < w; k++) {
      bounds[k] = lo[loAt + k]!;
      bounds[w + k] = hi[hiAt + k]!;
    }
    return new IntervalSet(domain, bounds);
  }

  /** Convenience for one-word domains: `[[lo, hi], ...]` in any order, overlapping or not. */
  static fromRanges(domain: IntervalDomain, ranges: Iterable<readonly [number, number]>): IntervalSet {
    if (domain.width !== 1) throw new RangeError(`fromRanges needs a one-word domain, not ${domain.name}`);
    const lo: number[] = [];
    const hi: number[] = [];
    for (const [a, b] of ranges) {
      if (a > b) continue;
      lo.push(a);
      hi.push(b);
    }
    return IntervalSet.fromUnsorted(domain, Uint32Array.from(lo), Uint32Array.from(hi), lo.length);
  }

  /**
   * The set covering `count` intervals given in any order, `lo[i*w..]`/`hi[i*w..]`. This is the bulk path
   * (all prefixes of a snapshot): an LSD radix sort on `lo` in 11-bit digits (radixPasses), then one merging pass.
   */
  static fromUnsorted(domain: IntervalDomain, lo: Uint32Array, hi: Uint32Array, count: number): IntervalSet {
    const w = domain.width;
    if (!spansAllWords(domain)) for (let i = 0; i < count; i++) checkInDomain(domain, hi, i * w);
    // Input that is already in order (each tag's published prefixes are) skips the sort: one linear check.
    if (w === 1) {
      const [sortedLo, sortedHi] = isSortedByWords(lo, 1, count) ? [lo, hi] : radixSortPairs(lo, hi, count);
      return new IntervalSet(domain, mergeOneWord(sortedLo, sortedHi, count));
    }
    const merged = w === 4 ? mergeSortedFourWords(lo, hi, count) : undefined;
    if (merged) return new IntervalSet(domain, merged);
    const order = isSortedByWords(lo, w, count) ? undefined : radixSortByWords(lo, w, count);
    // Sized for a union that merges most of its parts (a snapshot's 24k IPv6 prefixes make under 1k intervals) and
    // grown when it does not: room for all `count` was the largest allocation of a bulk union.
    const builder = new BoundsBuilder(w, Math.min(count, 64 + (count >>> 4)));
    for (let i = 0; i < count; i++) {
      const at = (order ? order[i]! : i) * w;
      if (compareWords(lo, at, hi, at, w) <= 0) builder.push(lo, at, hi, at);
    }
    return new IntervalSet(domain, builder.finish());
  }

  /** The union of many sets of one domain in one sort and merge (pairwise unions would copy the result each time). */
  static unionMany(domain: IntervalDomain, sets: readonly IntervalSet[]): IntervalSet {
    const w = domain.width;
    let count = 0;
    let nonEmpty: IntervalSet | undefined;
    let nonEmptyCount = 0;
    for (const set of sets) {
      count += set.bounds.length / (2 * w);
      if (set.bounds.length > 0) {
        nonEmpty = set;
        nonEmptyCount++;
      }
    }
    // One set with intervals is the union itself (canonical and immutable): a rule's destinations read back as
    // one tag ∪ nothing were a copy, check and merge of the tag's thousands of intervals per rule (issue 22).
    if (nonEmptyCount === 1 && sameDomain(nonEmpty!.domain, domain)) return nonEmpty!;
    const lo = new Uint32Array(count * w);
    const hi = new Uint32Array(count * w);
    let at = 0;
    for (const set of sets) {
      const bounds = set.bounds;
      // Word by word, not `lo.set(bounds.subarray(...))`: two views per interval were most of the garbage of a
      // 100k-CIDR requirement.
      for (let i = 0; i < bounds.length; i += 2 * w, at += w) {
        for (let k = 0; k < w; k++) {
          lo[at + k] = bounds[i + k]!;
          hi[at + k] = bounds[i + w + k]!;
        }
      }
    }
    return IntervalSet.fromUnsorted(domain, lo, hi, count);
  }

  /** Rebuilds a set from bounds already in canonical form (e.g. decoded from storage); verifies the form. */
  static fromCanonicalBounds(domain: IntervalDomain, bounds: Uint32Array): IntervalSet {
    const w = domain.width;
    if (bounds.length % (2 * w) !== 0) throw new RangeError('bounds length is not a whole number of intervals');
    const problem = boundsProblemOf(bounds, w);
    if (problem) throw new RangeError(problem);
    if (bounds.length > 0) checkInDomain(domain, bounds, bounds.length - w);
    return new IntervalSet(domain, bounds);
  }

  get width(): Width {
    return this.domain.width;
  }

  /** Number of maximal intervals. */
  get intervalCount(): number {
    return this.bounds.length / (2 * this.domain.width);
  }

  isEmpty(): boolean {
    return this.bounds.length === 0;
  }

  isFull(): boolean {
    const w = this.domain.width;
    return (
      this.bounds.length === 2 * w && isZero(this.bounds, 0, w) && compareWords(this.bounds, w, this.domain.max, 0, w) === 0
    );
  }

  equals(other: IntervalSet): boolean {
    this.sameDomain(other);
    const a = this.bounds;
    const b = other.bounds;
    if (a.length !== b.length) return false;
    // Long bounds as bytes in one native compare: a cold run's word loop is a call per load in V8's first tiers
    // (`path` compared ~70k equal words of a flow's tags this way, issue 22).
    if (a.length >= NATIVE_EQUALS_WORDS) return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  /** `lo` of interval i (a view, do not write). */
  lo(i: number): Uint32Array {
    const w = this.domain.width;
    return this.bounds.subarray(2 * w * i, 2 * w * i + w);
  }

  /** `hi` of interval i (a view, do not write). */
  hi(i: number): Uint32Array {
    const w = this.domain.width;
    return this.bounds.subarray(2 * w * i + w, 2 * w * (i + 1));
  }

  /** For one-word domains: the intervals as `[lo, hi]` number pairs. */
  ranges(): Array<[number, number]> {
    if (this.domain.width !== 1) throw new RangeError(`ranges() needs a one-word domain, not ${this.domain.name}`);
    const out: Array<[number, number]> = [];
    for (let i = 0; i < this.bounds.length; i += 2) out.push([this.bounds[i]!, this.bounds[i + 1]!]);
    return out;
  }

  /** Does the set hold the value `value[offset..offset+w)`? Binary search over the intervals. */
  has(value: Uint32Array, offset = 0): boolean {
    const w = this.domain.width;
    let low = 0;
    let high = this.intervalCount - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const at = 2 * w * mid;
      if (compareWords(value, offset, this.bounds, at, w) < 0) high = mid - 1;
      else if (compareWords(value, offset, this.bounds, at + w, w) > 0) low = mid + 1;
      else return true;
    }
    return false;
  }

  /** For one-word domains. */
  hasNumber(value: number): boolean {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) return false;
    return this.has(Uint32Array.of(value));
  }

  union(other: IntervalSet): IntervalSet {
    this.sameDomain(other);
    if (this.isEmpty()) return other;
    if (other.isEmpty()) return this;
    const w = this.domain.width;
    const merged = mergeInModule('union', this.bounds, other.bounds, w) ?? (w === 1 ? unionOneWord(this.bounds, other.bounds) : unionFourWords(this.bounds, other.bounds));
    return new IntervalSet(this.domain, merged);
  }

  intersection(other: IntervalSet): IntervalSet {
    this.sameDomain(other);
    if (this.isEmpty() || this === other) return this;
    if (other.isEmpty()) return other;
    // A box's "any" against a tag of thousands of intervals: the tag as it is, not a copy.
    if (other.isFull()) return this;
    if (this.isFull()) return other;
    const w = this.domain.width;
    const merged = mergeInModule('intersection', this.bounds, other.bounds, w);
    if (merged) return new IntervalSet(this.domain, merged);
    if (w === 1) return new IntervalSet(this.domain, intersectionOneWord(this.bounds, other.bounds));
    const s = 2 * w;
    const a = this.bounds;
    const b = other.bounds;
    const builder = new BoundsBuilder(w, Math.min(a.length, b.length) / s + 1);
    let i = 0;
    let j = 0;
    // No destructuring of [array, offset] pairs: in a cold run this loop is interpreted, where each one allocated
    // two arrays and walked them with the iterator protocol (issue 22).
    while (i < a.length && j < b.length) {
      const loFromA = compareWords(a, i, b, j, w) >= 0;
      const hiFromA = compareWords(a, i + w, b, j + w, w) <= 0;
      const loArr = loFromA ? a : b;
      const loOff = loFromA ? i : j;
      const hiArr = hiFromA ? a : b;
      const hiOff = hiFromA ? i + w : j + w;
      if (compareWords(loArr, loOff, hiArr, hiOff, w) <= 0) builder.push(loArr, loOff, hiArr, hiOff);
      if (hiFromA) i += s;
      else j += s;
    }
    return new IntervalSet(this.domain, builder.finish());
  }

  complement(): IntervalSet {
    const w = this.domain.width;
    if (w === 1) return new IntervalSet(this.domain, complementOneWord(this.bounds, this.domain.max[0]!));
    const s = 2 * w;
    const a = this.bounds;
    const max = this.domain.max;
    const out = new Uint32Array(a.length + s);
    let n = 0;
    // Gap before the first interval: [0, lo0 - 1].
    if (a.length === 0) {
      out.set(max, w);
      return new IntervalSet(this.domain, out.slice(0, s));
    }
    if (!isZero(a, 0, w)) {
      writeStep(a, 0, out, w, w, -1);
      n += s;
    }
    for (let i = 0; i + s < a.length; i += s) {
      writeStep(a, i + w, out, n, w, 1); // hi_i + 1
      writeStep(a, i + s, out, n + w, w, -1); // lo_{i+1} - 1
      n += s;
    }
    const lastHi = a.length - w;
    if (compareWords(a, lastHi, max, 0, w) < 0) {
      writeStep(a, lastHi, out, n, w, 1);
      out.set(max, n + w);
      n += s;
    }
    return new IntervalSet(this.domain, out.slice(0, n));
  }

  /**
   * One sweep over both sets, without building the complement of `other`; `other`'s intervals that end before
   * the current one of this set are skipped by galloping, so a few intervals minus tens of thousands (first-match
   * walks subtract everything matched earlier from each rule) cost a few binary searches, not a full pass.
   */
  difference(other: IntervalSet): IntervalSet {
    this.sameDomain(other);
    if (this.isEmpty() || other.isEmpty()) return this;
    // Everything minus a set is its complement, one pass with no merging: loss accounting cuts a host-name
    // requirement's any-address box by the output's addresses (render nsg: 6 of its 16 ms of loss, profiled; round 15).
    if (this.isFull()) return other.complement();
    const w = this.domain.width;
    if (other.bounds.length * FEW_CUTS < this.bounds.length) return new IntervalSet(this.domain, differenceByRuns(this.bounds, other.bounds, w));
    const merged = mergeInModule('difference', this.bounds, other.bounds, w);
    if (merged) return new IntervalSet(this.domain, merged);
    if (w === 1) return new IntervalSet(this.domain, differenceOneWord(this.bounds, other.bounds));
    const s = 2 * w;
    const a = this.bounds;
    const b = other.bounds;
    const builder = new BoundsBuilder(w, a.length / s + 1);
    const from = new Uint32Array(w); // start of the part of a's interval not yet emitted or removed
    const end = new Uint32Array(w);
    let j = 0;
    for (let i = 0; i < a.length; i += s) {
      j = firstEndingAtOrAfter(b, j, a, i, w);
      for (let k = 0; k < w; k++) from[k] = a[i + k]!;
      let rest = true;
      // Each interval of b met here ends at or after `from` (b's intervals are sorted and apart).
      for (; j < b.length && compareWords(b, j, a, i + w, w) <= 0; j += s) {
        if (compareWords(b, j, from, 0, w) > 0) {
          writeStep(b, j, end, 0, w, -1);
          builder.push(from, 0, end, 0);
        }
        if (compareWords(b, j + w, a, i + w, w) >= 0) {
          rest = false; // b's interval covers the rest of a's, and may reach into a's next one: keep j
          break;
        }
        writeStep(b, j + w, from, 0, w, 1);
      }
      if (rest) builder.push(from, 0, a, i + w);
    }
    return new IntervalSet(this.domain, builder.finish());
  }

  /** True when the two sets share a value. Linear, allocates nothing; long sets are read by interval-kernels.wat. */
  overlaps(other: IntervalSet): boolean {
    this.sameDomain(other);
    const w = this.domain.width;
    const inModule = overlapsInModule(this.bounds, other.bounds, w);
    if (inModule !== undefined) return inModule;
    return w === 1 ? overlapsOneWord(this.bounds, other.bounds) : overlapsFourWords(this.bounds, other.bounds);
  }

  isSubsetOf(other: IntervalSet): boolean {
    this.sameDomain(other);
    const w = this.domain.width;
    if (w === 1) return isSubsetOneWord(this.bounds, other.bounds);
    const s = 2 * w;
    const a = this.bounds;
    const b = other.bounds;
    let j = 0;
    for (let i = 0; i < a.length; i += s) {
      // Skip intervals of `other` that end before this one starts; the next must cover it whole.
      while (j < b.length && compareWords(b, j + w, a, i, w) < 0) j += s;
      if (j >= b.length) return false;
      if (compareWords(b, j, a, i, w) > 0 || compareWords(b, j + w, a, i + w, w) < 0) return false;
    }
    return true;
  }

  /** Number of values in the set. */
  size(): bigint {
    const w = this.domain.width;
    const bounds = this.bounds;
    const count = bounds.length / (2 * w);
    // Σ (hi - lo + 1) summed word position by word position in doubles, carried into one bigint at the end: each
    // position's sum of differences is below count·2^32 in magnitude, exact in a double while count < 2^21 (a set
    // has at most a few hundred thousand intervals). Two bigints per interval were most of the naming of a check's
    // difference (a tag's complement has thousands of intervals).
    if (count >= 2 ** 21) return sizeByBigInts(bounds, w);
    let total = BigInt(count);
    for (let k = 0; k < w; k++) {
      let column = 0;
      for (let i = 0; i < bounds.length; i += 2 * w) column += bounds[i + w + k]! - bounds[i + k]!;
      if (column !== 0) total += BigInt(column) << BigInt(32 * (w - 1 - k));
    }
    return total;
  }

  private sameDomain(other: IntervalSet): void {
    if (!sameDomain(other.domain, this.domain)) {
      throw new TypeError(`cannot combine a ${this.domain.name} set with a ${other.domain.name} set`);
    }
  }
}

/**
 * The first interval of `bounds`, at or after the one starting at word `from`, whose upper bound is at or above
 * the value at `value[at..]` (its word offset; `bounds.length` when none): galloping (1, 2, 4, … intervals ahead),
 * then a binary search in the last step. Callers that walk the sorted intervals of a small set pass the previous
 * answer (answers only grow), so a tag of a few hundred intervals against an earlier rules' union of thousands costs
 * a search over the gap to the next answer each time, not over the whole large set.
 */
export function firstEndingAtOrAfter(bounds: Uint32Array, from: number, value: Uint32Array, at: number, w: number): number {
  const s = 2 * w;
  const count = bounds.length / s;
  let low = from / s;
  if (low >= count || !endsBelow(bounds, low * s + w, value, at, w)) return from;
  // bounds[low] ends below value; find high with bounds[high] ending at or above it (or high = count).
  let step = 1;
  let high = low + step;
  while (high < count && endsBelow(bounds, high * s + w, value, at, w)) {
    low = high;
    step *= 2;
    high = low + step;
  }
  if (high > count) high = count;
  // Invariant: bounds[low] ends below value; bounds[high] (if any) ends at or above it.
  while (high - low > 1) {
    const mid = (low + high) >>> 1;
    if (endsBelow(bounds, mid * s + w, value, at, w)) low = mid;
    else high = mid;
  }
  return high * s;
}

/** Is the value at `bounds[end..]` below the one at `value[at..]`? One-word values compare as numbers. */
function endsBelow(bounds: Uint32Array, end: number, value: Uint32Array, at: number, w: number): boolean {
  return w === 1 ? bounds[end]! < value[at]! : compareWords(bounds, end, value, at, w) < 0;
}

/**
 * `difference` takes `differenceByRuns` when the set taken away has fewer than 1/FEW_CUTS as many intervals: a
 * first-match walk cuts "any address but the earlier tags" (thousands of intervals) by each next tag, often a few.
 */
const FEW_CUTS = 8;

/**
 * a − b for a `b` of few intervals against a long `a`: the runs of `a` no interval of `b` reaches are copied as
 * blocks (TypedArray.set), and only the intervals of `a` that some interval of `b` meets are cut, one by one; so the
 * script's own work grows with b's intervals (and a search over a per interval), not with a's. Issue 22: the merge
 * visited every interval of `a` in V8's first tiers, ~0.25 ms for "any address but ten tags" (2,200 intervals)
 * minus a tag of 2, 0.55 ms for its IPv6 side (1,150 intervals of four words), per cut of a cold walk.
 */
function differenceByRuns(a: Uint32Array, b: Uint32Array, w: number): Uint32Array {
  const s = 2 * w;
  // Each interval of b splits at most one interval of a in two.
  const out = new Uint32Array(a.length + b.length);
  let n = 0;
  // `next` is the offset of the first interval of a not yet written; `from` its start when a cut trimmed its head.
  let next = 0;
  let trimmed = false;
  const from = new Uint32Array(w);
  for (let j = 0; j < b.length && next < a.length; j += s) {
    if (trimmed && compareWords(a, next + w, b, j, w) < 0) {
      // The trimmed interval ends before this cut: its rest goes out whole.
      out.set(from, n);
      out.set(a.subarray(next + w, next + s), n + w);
      n += s;
      next += s;
      trimmed = false;
    }
    const reach = firstEndingAtOrAfter(a, next, b, j, w);
    if (reach > next) {
      out.set(a.subarray(next, reach), n);
      n += reach - next;
      next = reach;
    }
    // Cut every interval of a that starts at or before this cut's end.
    while (next < a.length && compareWords(trimmed ? from : a, trimmed ? 0 : next, b, j + w, w) <= 0) {
      if (compareWords(trimmed ? from : a, trimmed ? 0 : next, b, j, w) < 0) {
        // The part before the cut: [start, cut start − 1].
        out.set(trimmed ? from : a.subarray(next, next + w), n);
        writeStep(b, j, out, n + w, w, -1);
        n += s;
      }
      if (compareWords(a, next + w, b, j + w, w) > 0) {
        // The interval goes on past the cut: its head is trimmed to just after it, and later cuts may meet it.
        writeStep(b, j + w, from, 0, w, 1);
        trimmed = true;
        break;
      }
      next += s;
      trimmed = false;
    }
  }
  if (trimmed) {
    out.set(from, n);
    out.set(a.subarray(next + w, next + s), n + w);
    n += s;
    next += s;
  }
  out.set(a.subarray(next), n);
  n += a.length - next;
  return n === out.length ? out : out.slice(0, n);
}

/**
 * `union` for one-word values (IPv4, ports, protocols) on plain numbers: the merge that first-match walks and
 * CIDR unions spend most of their time in, without the word-array helpers multi-word values need.
 */
function unionOneWord(a: Uint32Array, b: Uint32Array): Uint32Array {
  // Lengths, the next lo of each side and the last hi written are kept in locals: in V8's baseline tier every
  // element load and typed array `length` is a call, and this loop ran six of them per interval (issue 22).
  const na = a.length;
  const nb = b.length;
  const out = new Uint32Array(na + nb);
  let n = 0;
  let i = 0;
  let j = 0;
  let aLo = na > 0 ? a[0]! : Infinity;
  let bLo = nb > 0 ? b[0]! : Infinity;
  let last = -2; // hi of the last interval written, out[n - 1]
  while (aLo !== Infinity || bLo !== Infinity) {
    let lo: number;
    let hi: number;
    // The next interval by lo, from a on a tie.
    if (aLo <= bLo) {
      lo = aLo;
      hi = a[i + 1]!;
      i += 2;
      aLo = i < na ? a[i]! : Infinity;
    } else {
      lo = bLo;
      hi = b[j + 1]!;
      j += 2;
      bLo = j < nb ? b[j]! : Infinity;
    }
    // Overlapping or adjacent to the last interval written: extend it (a double holds 2^32 exactly).
    if (n > 0 && lo <= last + 1) {
      if (hi > last) out[n - 1] = last = hi;
    } else {
      out[n++] = lo;
      out[n++] = hi;
      last = hi;
    }
  }
  return n === out.length ? out : out.slice(0, n);
}

/**
 * `intersection` for one-word values on plain numbers. A cold check runs its set operations interpreted, where the
 * general loop's calls to compareWords per step were most of its cost (issue 22).
 */
function intersectionOneWord(a: Uint32Array, b: Uint32Array): Uint32Array {
  // Each step writes at most one interval and moves past one of a's or b's.
  const out = new Uint32Array(a.length + b.length);
  let n = 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = a[i]! >= b[j]! ? a[i]! : b[j]!;
    const hiFromA = a[i + 1]! <= b[j + 1]!;
    const hi = hiFromA ? a[i + 1]! : b[j + 1]!;
    // Both inputs are canonical, so the pieces come out sorted, disjoint and never adjacent: no merging needed.
    if (lo <= hi) {
      out[n++] = lo;
      out[n++] = hi;
    }
    if (hiFromA) i += 2;
    else j += 2;
  }
  return out.slice(0, n);
}

/** `overlaps` for one-word values on plain numbers (see intersectionOneWord). */
function overlapsOneWord(a: Uint32Array, b: Uint32Array): boolean {
  // Lengths and the current intervals' bounds in locals: code run once runs in V8's baseline tier, where every
  // element load and every typed array's `length` is a call (a third of a cold check's instructions in the overlap
  // tests of its first-match walks were these loads; issue 22). Each step loads only the interval it moves to.
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return false;
  let i = 0;
  let j = 0;
  let aLo = a[0]!;
  let aHi = a[1]!;
  let bLo = b[0]!;
  let bHi = b[1]!;
  for (;;) {
    if (aHi < bLo) {
      i += 2;
      if (i >= n) return false;
      aLo = a[i]!;
      aHi = a[i + 1]!;
    } else if (bHi < aLo) {
      j += 2;
      if (j >= m) return false;
      bLo = b[j]!;
      bHi = b[j + 1]!;
    } else return true;
  }
}

/**
 * `overlaps` for four-word values (IPv6), as overlapsOneWord: the two upper words of each bound of the intervals in
 * use are read into locals when the walk reaches an interval (IPv6 prefixes part there; the lower two words are
 * compared only on a tie), so a step loads four words, not the eight of both bounds or compareWords' calls.
 */
function overlapsFourWords(a: Uint32Array, b: Uint32Array): boolean {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return false;
  let i = 0;
  let j = 0;
  let aLo0 = a[0]!, aLo1 = a[1]!, aHi0 = a[4]!, aHi1 = a[5]!;
  let bLo0 = b[0]!, bLo1 = b[1]!, bHi0 = b[4]!, bHi1 = b[5]!;
  for (;;) {
    // a's interval ends below b's: a moves on.
    if (aHi0 !== bLo0 ? aHi0 < bLo0 : aHi1 !== bLo1 ? aHi1 < bLo1 : compareWords(a, i + 6, b, j + 2, 2) < 0) {
      i += 8;
      if (i >= n) return false;
      aLo0 = a[i]!;
      aLo1 = a[i + 1]!;
      aHi0 = a[i + 4]!;
      aHi1 = a[i + 5]!;
    } else if (bHi0 !== aLo0 ? bHi0 < aLo0 : bHi1 !== aLo1 ? bHi1 < aLo1 : compareWords(b, j + 6, a, i + 2, 2) < 0) {
      j += 8;
      if (j >= m) return false;
      bLo0 = b[j]!;
      bLo1 = b[j + 1]!;
      bHi0 = b[j + 4]!;
      bHi1 = b[j + 5]!;
    } else return true;
  }
}

/** `isSubsetOf` for one-word values on plain numbers (see intersectionOneWord). */
function isSubsetOneWord(a: Uint32Array, b: Uint32Array): boolean {
  // Lengths and bounds read once into locals (see overlapsOneWord).
  const na = a.length;
  const nb = b.length;
  let j = 0;
  let bHi = nb > 0 ? b[1]! : 0;
  for (let i = 0; i < na; i += 2) {
    const lo = a[i]!;
    while (j < nb && bHi < lo) {
      j += 2;
      if (j < nb) bHi = b[j + 1]!;
    }
    if (j >= nb || b[j]! > lo || bHi < a[i + 1]!) return false;
  }
  return true;
}

/**
 * fromUnsorted's merging pass for one-word values (IPv4, ports) on plain numbers, the intervals sorted by `lo`
 * (radixSortPairs moves both, so no permutation is read through): every snapshot tag and config set read in a cold command goes through it, interpreted, and
 * BoundsBuilder's word helpers per interval were most of its cost (issue 22). Intervals with lo > hi are skipped.
 */
function mergeOneWord(lo: Uint32Array, hi: Uint32Array, count: number): Uint32Array {
  let out = new Uint32Array(2 * Math.max(1, Math.min(count, 64 + (count >>> 4))));
  let n = 0;
  for (let i = 0; i < count; i++) {
    const from = lo[i]!;
    const to = hi[i]!;
    if (from > to) continue;
    // Overlapping or adjacent to the last interval written: extend it (a double holds 2^32 exactly).
    if (n > 0 && from <= out[n - 1]! + 1) {
      if (to > out[n - 1]!) out[n - 1] = to;
    } else {
      if (n + 2 > out.length) out = grown(out);
      out[n++] = from;
      out[n++] = to;
    }
  }
  return out.slice(0, n);
}

/** From how many words `equals` compares bounds natively (two Buffer views cost more than a short loop). */
const NATIVE_EQUALS_WORDS = 64;

const LO_ABOVE_HI = 'interval with lo > hi';
const NOT_APART = 'intervals overlap, touch or are out of order';

/** The first reason `bounds` are not canonical, or undefined: long bounds checked by interval-kernels.wat. */
function boundsProblemOf(bounds: Uint32Array, w: Width): string | undefined {
  const verdict = problemInModule(bounds, w);
  if (verdict !== undefined) return verdict === 'canonical' ? undefined : verdict === 'lo-above-hi' ? LO_ABOVE_HI : NOT_APART;
  return w === 1 ? oneWordBoundsProblem(bounds) : fourWordBoundsProblem(bounds);
}

/**
 * What makes one-word `bounds` not canonical, checking each interval in order (lo above hi, then apart from the
 * previous one), on plain numbers; undefined when they are. Stored service-tag bounds are checked so when a command
 * first uses a tag, in V8's first tiers; the general loop's calls per interval cost as much as decoding the
 * prefixes (issue 22), and long bounds now go to interval-kernels.wat (boundsProblemOf).
 */
function oneWordBoundsProblem(bounds: Uint32Array): string | undefined {
  let lastHi = -2; // below any lo - 1
  for (let i = 0; i < bounds.length; i += 2) {
    const lo = bounds[i]!;
    const hi = bounds[i + 1]!;
    if (lo > hi) return LO_ABOVE_HI;
    if (lo <= lastHi + 1) return NOT_APART;
    lastHi = hi;
  }
  return undefined;
}

/** oneWordBoundsProblem for four-word values (IPv6). */
function fourWordBoundsProblem(bounds: Uint32Array): string | undefined {
  let h0 = 0, h1 = 0, h2 = 0, h3 = 0; // the previous interval's hi
  for (let i = 0; i < bounds.length; i += 8) {
    const a0 = bounds[i]!, a1 = bounds[i + 1]!, a2 = bounds[i + 2]!, a3 = bounds[i + 3]!;
    const b0 = bounds[i + 4]!, b1 = bounds[i + 5]!, b2 = bounds[i + 6]!, b3 = bounds[i + 7]!;
    if (a0 !== b0 ? a0 > b0 : a1 !== b1 ? a1 > b1 : a2 !== b2 ? a2 > b2 : a3 > b3) return LO_ABOVE_HI;
    if (i > 0) {
      const above = a0 !== h0 ? a0 > h0 : a1 !== h1 ? a1 > h1 : a2 !== h2 ? a2 > h2 : a3 > h3;
      // Just past the previous hi: its low word is hi's plus one (mod 2^32), checked first (the rare case).
      if (!above || (a3 === (h3 + 1) % 0x100000000 && isSuccessor(bounds, i - 4, bounds, i, 4))) return NOT_APART;
    }
    h0 = b0;
    h1 = b1;
    h2 = b2;
    h3 = b3;
  }
  return undefined;
}

/**
 * fromUnsorted's merging pass for four-word values (IPv6) already sorted by `lo`, on plain numbers, checking the
 * order as it goes; undefined when the input is not sorted (the caller sorts it). A service tag's IPv6 prefixes
 * come sorted, and BoundsBuilder's calls to compareWords and isSuccessor per interval, interpreted in a cold
 * command, were most of the cost of a tag's IPv6 set (issue 22). Intervals with lo > hi are skipped.
 */
function mergeSortedFourWords(lo: Uint32Array, hi: Uint32Array, count: number): Uint32Array | undefined {
  let out = new Uint32Array(8 * Math.max(1, Math.min(count, 64 + (count >>> 4))));
  let n = 0;
  // The previous interval's lo, for the order check.
  let p0 = 0, p1 = 0, p2 = 0, p3 = 0;
  for (let at = 0; at < 4 * count; at += 4) {
    const a0 = lo[at]!, a1 = lo[at + 1]!, a2 = lo[at + 2]!, a3 = lo[at + 3]!;
    if (a0 !== p0 ? a0 < p0 : a1 !== p1 ? a1 < p1 : a2 !== p2 ? a2 < p2 : a3 < p3) return undefined;
    p0 = a0;
    p1 = a1;
    p2 = a2;
    p3 = a3;
    const b0 = hi[at]!, b1 = hi[at + 1]!, b2 = hi[at + 2]!, b3 = hi[at + 3]!;
    if (a0 !== b0 ? a0 > b0 : a1 !== b1 ? a1 > b1 : a2 !== b2 ? a2 > b2 : a3 > b3) continue;
    if (n + 8 > out.length) out = grown(out);
    n = pushFourWords(out, n, lo, at, hi, at);
  }
  return out.slice(0, n);
}

/**
 * `union` for four-word values (IPv6) on plain numbers, as mergeSortedFourWords merges: the general loop's calls to
 * compareWords and BoundsBuilder.push per interval, in V8's first tiers, were ~1.7 ms of a cold check's compactions
 * (the IPv6 sides of the tags a config's rules allow, merged into one box; issue 22).
 */
function unionFourWords(a: Uint32Array, b: Uint32Array): Uint32Array {
  // Lengths and the last interval's hi written are kept in locals, and the merge step is written out here rather
  // than called: in V8's baseline tier each element load, typed array `length` and call costs a call (issue 22).
  const na = a.length;
  const nb = b.length;
  const out = new Uint32Array(na + nb);
  let n = 0;
  let i = 0;
  let j = 0;
  let h0 = 0, h1 = 0, h2 = 0, h3 = 0; // hi of the last interval written (when n > 0)
  while (i < na || j < nb) {
    // The next interval by lo, from a on a tie.
    let from: Uint32Array;
    let at: number;
    if (j >= nb || (i < na && (a[i] !== b[j] ? a[i]! < b[j]! : a[i + 1] !== b[j + 1] ? a[i + 1]! < b[j + 1]! : a[i + 2] !== b[j + 2] ? a[i + 2]! < b[j + 2]! : a[i + 3]! <= b[j + 3]!))) {
      from = a;
      at = i;
      i += 8;
    } else {
      from = b;
      at = j;
      j += 8;
    }
    const l0 = from[at]!, l1 = from[at + 1]!, l2 = from[at + 2]!, l3 = from[at + 3]!;
    const u0 = from[at + 4]!, u1 = from[at + 5]!, u2 = from[at + 6]!, u3 = from[at + 7]!;
    if (n > 0) {
      const afterLast = l0 !== h0 ? l0 > h0 : l1 !== h1 ? l1 > h1 : l2 !== h2 ? l2 > h2 : l3 > h3;
      // Meets the last interval, or starts just past its hi (the low word one more, mod 2^32, checked first).
      if (!afterLast || (l3 === (h3 + 1) % 0x100000000 && isSuccessor(out, n - 4, from, at, 4))) {
        if (u0 !== h0 ? u0 > h0 : u1 !== h1 ? u1 > h1 : u2 !== h2 ? u2 > h2 : u3 > h3) {
          out[n - 4] = h0 = u0;
          out[n - 3] = h1 = u1;
          out[n - 2] = h2 = u2;
          out[n - 1] = h3 = u3;
        }
        continue;
      }
    }
    out[n] = l0;
    out[n + 1] = l1;
    out[n + 2] = l2;
    out[n + 3] = l3;
    out[n + 4] = h0 = u0;
    out[n + 5] = h1 = u1;
    out[n + 6] = h2 = u2;
    out[n + 7] = h3 = u3;
    n += 8;
  }
  return n === out.length ? out : out.slice(0, n);
}

/**
 * The merge step of mergeSortedFourWords and unionFourWords, on plain numbers: the four-word interval lo[loAt..],
 * hi[hiAt..] (lo not below the last written interval's) extends the last of the `n` words written to `out` when it
 * meets or touches it, else it is written after them (`out` has room). Returns the words written now.
 */
function pushFourWords(out: Uint32Array, n: number, lo: Uint32Array, loAt: number, hi: Uint32Array, hiAt: number): number {
  const a0 = lo[loAt]!, a1 = lo[loAt + 1]!, a2 = lo[loAt + 2]!, a3 = lo[loAt + 3]!;
  const b0 = hi[hiAt]!, b1 = hi[hiAt + 1]!, b2 = hi[hiAt + 2]!, b3 = hi[hiAt + 3]!;
  if (n > 0) {
    const h0 = out[n - 4]!, h1 = out[n - 3]!, h2 = out[n - 2]!, h3 = out[n - 1]!;
    const afterLast = a0 !== h0 ? a0 > h0 : a1 !== h1 ? a1 > h1 : a2 !== h2 ? a2 > h2 : a3 > h3;
    // lo just past the last hi: its low word is the last hi's plus one (mod 2^32), checked first (the rare case).
    if (!afterLast || (a3 === (h3 + 1) % 0x100000000 && isSuccessor(out, n - 4, lo, loAt, 4))) {
      if (b0 !== h0 ? b0 > h0 : b1 !== h1 ? b1 > h1 : b2 !== h2 ? b2 > h2 : b3 > h3) {
        out[n - 4] = b0;
        out[n - 3] = b1;
        out[n - 2] = b2;
        out[n - 1] = b3;
      }
      return n;
    }
  }
  out[n] = a0;
  out[n + 1] = a1;
  out[n + 2] = a2;
  out[n + 3] = a3;
  out[n + 4] = b0;
  out[n + 5] = b1;
  out[n + 6] = b2;
  out[n + 7] = b3;
  return n + 8;
}

function grown(words: Uint32Array): Uint32Array<ArrayBuffer> {
  const larger = new Uint32Array(words.length * 2 + 2);
  larger.set(words);
  return larger;
}

/** `complement` for one-word values on plain numbers, up to `max` (see intersectionOneWord). */
function complementOneWord(a: Uint32Array, max: number): Uint32Array {
  const out = new Uint32Array(a.length + 2);
  let n = 0;
  let from = 0; // the first value after the last interval passed
  for (let i = 0; i < a.length; i += 2) {
    if (a[i]! > from) {
      out[n++] = from;
      out[n++] = a[i]! - 1;
    }
    from = a[i + 1]! + 1;
  }
  if (from <= max) {
    out[n++] = from;
    out[n++] = max;
  }
  return n === out.length ? out : out.slice(0, n);
}

/** `difference` for one-word values on plain numbers (see `difference` for the galloping). */
function differenceOneWord(a: Uint32Array, b: Uint32Array): Uint32Array {
  // Each interval of b can split one of a's in two; sized for a few of those, grown when there are more (b is
  // often far larger than a: a rule's addresses minus everything matched earlier). Lengths and the bounds in use
  // are read into locals once (see unionOneWord: each read is a call in the baseline tier).
  const na = a.length;
  const nb = b.length;
  let out = new Uint32Array(na + Math.min(nb, na + 16));
  let room = out.length;
  let n = 0;
  let j = 0;
  for (let i = 0; i < na; i += 2) {
    let from = a[i]!;
    const hi = a[i + 1]!;
    j = firstEndingAtOrAfter(b, j, a, i, 1);
    let rest = true;
    for (; j < nb; j += 2) {
      const cutLo = b[j]!;
      if (cutLo > hi) break;
      if (cutLo > from) {
        if (n + 2 > room) room = (out = grown(out)).length;
        out[n++] = from;
        out[n++] = cutLo - 1;
      }
      const cutHi = b[j + 1]!;
      if (cutHi >= hi) {
        rest = false; // b's interval covers the rest of a's, and may reach into a's next one: keep j
        break;
      }
      from = cutHi + 1;
    }
    if (rest) {
      if (n + 2 > room) room = (out = grown(out)).length;
      out[n++] = from;
      out[n++] = hi;
    }
  }
  return n === out.length ? out : out.slice(0, n);
}

/** `size` interval by interval in bigints: the reference for sets too large for its column sums. */
export function sizeByBigInts(bounds: Uint32Array, w: number): bigint {
  let total = 0n;
  for (let i = 0; i < bounds.length; i += 2 * w) total += wordsToBigInt(bounds, i + w, w) - wordsToBigInt(bounds, i, w) + 1n;
  return total;
}

export function wordsToBigInt(words: Uint32Array, offset: number, w: number): bigint {
  let value = 0n;
  for (let k = 0; k < w; k++) value = (value << 32n) | BigInt(words[offset + k]!);
  return value;
}

/** True when every word value is in the domain (IPv4, IPv6), so values need no range check. */
function spansAllWords(domain: IntervalDomain): boolean {
  return domain.max.every((word) => word === 0xffffffff);
}

function checkInDomain(domain: IntervalDomain, words: Uint32Array, offset: number): void {
  if (compareWords(words, offset, domain.max, 0, domain.width) > 0) {
    throw new RangeError(`value above the ${domain.name} maximum`);
  }
}

function isSortedByWords(keys: Uint32Array, w: number, count: number): boolean {
  if (w === 1) {
    for (let i = 1; i < count; i++) if (keys[i - 1]! > keys[i]!) return false;
    return true;
  }
  for (let i = 1; i < count; i++) if (compareWords(keys, (i - 1) * w, keys, i * w, w) > 0) return false;
  return true;
}

/**
 * One-word intervals sorted by their low bound: copies of lo and hi moved together by radixPasses. No permutation is
 * carried and the merge reads both in order: with the index array, each pass moved an index beside the key and the
 * merge gathered lo and hi through it at random (the Public snapshot's 69k IPv4 prefixes 4.86 -> 4.49 ms; counting
 * every digit in one read, 4.76 -> 4.55 ms: issue 22, `npm run bench cidr-merge`).
 */
function radixSortPairs(lo: Uint32Array, hi: Uint32Array, count: number): [Uint32Array, Uint32Array] {
  const keys = lo.slice(0, count);
  const values = hi.slice(0, count);
  if (count <= INSERTION_SORT_MAX) {
    // Stable, as the radix passes are: a key moves only past greater ones.
    for (let i = 1; i < count; i++) {
      const key = keys[i]!;
      const value = values[i]!;
      let j = i - 1;
      for (; j >= 0 && keys[j]! > key; j--) {
        keys[j + 1] = keys[j]!;
        values[j + 1] = values[j]!;
      }
      keys[j + 1] = key;
      values[j + 1] = value;
    }
    return [keys, values];
  }
  const counts = new Uint32Array(3 * DIGITS);
  for (let i = 0; i < count; i++) countDigits(counts, keys[i]!);
  const [sortedKeys, sortedValues] = radixPasses(keys, values, new Uint32Array(count), new Uint32Array(count), count, counts);
  return [sortedKeys, sortedValues];
}

/**
 * Keys up to which the radix sorts are an insertion sort instead: each radix pass fills and scans a table of 2,048
 * counters whatever the count, ~24k steps for four IPv6 prefixes, which a cold process runs in the interpreter for
 * every small list it parses (the constant sets of packet-set.ts and resolve.ts at start-up, a rule's literals).
 */
const INSERTION_SORT_MAX = 32;

/** The radix sorts' digits: 11 bits, so that a table of 2,048 counters stays in L1; a 32-bit word has three. */
const DIGIT_BITS = 11;
const DIGITS = 1 << DIGIT_BITS;
const DIGIT_MASK = DIGITS - 1;

/** Counts a word's three digits in `counts` (three tables of DIGITS, lowest digit first). */
function countDigits(counts: Uint32Array, word: number): void {
  counts[word & DIGIT_MASK]!++;
  counts[DIGITS + ((word >>> DIGIT_BITS) & DIGIT_MASK)]!++;
  counts[2 * DIGITS + (word >>> (2 * DIGIT_BITS))]!++;
}

/**
 * The passes of a stable LSD radix sort of the `count` words of `keys`, `values` carried along, by the digits
 * `counts` holds for them (countDigits of every key, made by the caller in a read it does anyway). A digit every
 * key shares orders nothing and gets no pass: Azure's IPv6 prefixes share their whole third word and the top of
 * their first. Each pass scatters into the spare arrays and swaps: returns the sorted keys and values, then the
 * spares.
 */
function radixPasses(
  keys: Uint32Array,
  values: Uint32Array,
  spareKeys: Uint32Array,
  spareValues: Uint32Array,
  count: number,
  counts: Uint32Array,
): [Uint32Array, Uint32Array, Uint32Array, Uint32Array] {
  for (let pass = 0; pass < 3 && count > 1; pass++) {
    const base = pass * DIGITS;
    const shift = pass * DIGIT_BITS;
    if (counts[base + ((keys[0]! >>> shift) & DIGIT_MASK)] === count) continue;
    for (let digit = 0, at = 0; digit < DIGITS; digit++) {
      const n = counts[base + digit]!;
      counts[base + digit] = at;
      at += n;
    }
    for (let i = 0; i < count; i++) {
      const key = keys[i]!;
      const at = counts[base + ((key >>> shift) & DIGIT_MASK)]!++;
      spareKeys[at] = key;
      spareValues[at] = values[i]!;
    }
    [keys, spareKeys] = [spareKeys, keys];
    [values, spareValues] = [spareValues, values];
  }
  return [keys, values, spareKeys, spareValues];
}

/**
 * Indices 0..count-1 ordered by the `w`-word keys `keys[i*w..]`: radixPasses word by word from the last, the
 * permutation carried along. A word's digits are counted in the read that gathers it (one read per pass before:
 * the Public IPv6 prefixes' bulk union 4.46 -> 4.26 ms; issue 22), and the passes then read the word and the
 * permutation in order instead of gathering through it.
 */
export function radixSortByWords(keys: Uint32Array, w: number, count: number): Uint32Array {
  let order: Uint32Array = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  if (count < 2) return order;
  if (count <= INSERTION_SORT_MAX) {
    // Stable, as the radix passes are: an index moves only past those of greater keys.
    for (let i = 1; i < count; i++) {
      const index = order[i]!;
      let j = i - 1;
      for (; j >= 0 && compareWords(keys, order[j]! * w, keys, index * w, w) > 0; j--) order[j + 1] = order[j]!;
      order[j + 1] = index;
    }
    return order;
  }
  let scratch: Uint32Array = new Uint32Array(count);
  let words: Uint32Array = new Uint32Array(count);
  let movedWords: Uint32Array = new Uint32Array(count);
  const counts = new Uint32Array(3 * DIGITS);
  for (let k = w - 1; k >= 0; k--) {
    counts.fill(0);
    for (let i = 0; i < count; i++) {
      const word = keys[order[i]! * w + k]!;
      words[i] = word;
      countDigits(counts, word);
    }
    [words, order, movedWords, scratch] = radixPasses(words, order, movedWords, scratch, count, counts);
  }
  return order;
}
