import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { domainOf, IntervalSet, radixSortByWords, sizeByBigInts, wordsToBigInt } from './intervals.js';
import { complementBig, MAX128, normalize, type Big } from '../../test/support/big-intervals.js';
import { expectBooleanAlgebra } from '../../test/support/set-laws.js';
import { IPV4, IPV6 } from './ip.js';

// A one-word domain small enough to enumerate: every law is checked against plain membership.
const TINY = domainOf('tiny', 1, [63]);
const VALUES = Array.from({ length: 64 }, (_, v) => v);

const arbTinyRanges = fc.array(fc.tuple(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 63 })), { maxLength: 6 });
const arbTiny = arbTinyRanges.map((ranges) => IntervalSet.fromRanges(TINY, ranges.map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const)));
const members = (set: IntervalSet): boolean[] => VALUES.map((v) => set.hasNumber(v));

describe('IntervalSet on an enumerable domain', () => {
  it('fromRanges holds exactly the values of its ranges, in canonical form', () => {
    fc.assert(
      fc.property(arbTinyRanges, (ranges) => {
        const set = IntervalSet.fromRanges(TINY, ranges.map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const));
        const expected = VALUES.map((v) => ranges.some(([a, b]) => v >= Math.min(a, b) && v <= Math.max(a, b)));
        expect(members(set)).toEqual(expected);
        // canonical: sorted, disjoint, not even touching
        const r = set.ranges();
        for (let i = 1; i < r.length; i++) expect(r[i]![0]).toBeGreaterThan(r[i - 1]![1] + 1);
        expect(() => IntervalSet.fromCanonicalBounds(TINY, set.bounds)).not.toThrow();
      }),
    );
  });

  it('union, intersection, difference and complement agree with membership', () => {
    fc.assert(
      fc.property(arbTiny, arbTiny, (a, b) => {
        const [ma, mb] = [members(a), members(b)];
        expect(members(a.union(b))).toEqual(ma.map((x, i) => x || mb[i]));
        expect(members(a.intersection(b))).toEqual(ma.map((x, i) => x && mb[i]));
        expect(members(a.difference(b))).toEqual(ma.map((x, i) => x && !mb[i]));
        expect(members(a.complement())).toEqual(ma.map((x) => !x));
        expect(a.isSubsetOf(b)).toBe(ma.every((x, i) => !x || mb[i]));
        expect(a.overlaps(b)).toBe(ma.some((x, i) => x && mb[i]));
        expect(a.equals(b)).toBe(ma.every((x, i) => x === mb[i]));
        expect(a.size()).toBe(BigInt(ma.filter(Boolean).length));
        expect(a.isEmpty()).toBe(!ma.some(Boolean));
        expect(a.isFull()).toBe(ma.every(Boolean));
      }),
    );
  });

  it('obeys the algebraic laws', () => {
    fc.assert(
      fc.property(arbTiny, arbTiny, arbTiny, (a, b, c) => {
        expectBooleanAlgebra(a, b, c);
        expect(a.union(b).size()).toBe(a.size() + b.size() - a.intersection(b).size());
      }),
    );
  });

  it('rejects bounds that are not canonical', () => {
    expect(() => IntervalSet.fromCanonicalBounds(TINY, Uint32Array.of(5, 3))).toThrow(/lo > hi/);
    expect(() => IntervalSet.fromCanonicalBounds(TINY, Uint32Array.of(1, 3, 4, 6))).toThrow(/touch/);
    expect(() => IntervalSet.fromCanonicalBounds(TINY, Uint32Array.of(1, 64))).toThrow(/maximum/);
    expect(() => IntervalSet.empty(TINY).union(IntervalSet.empty(IPV6))).toThrow(TypeError);
  });
});

// 128-bit sets against a BigInt reference (test/support/big-intervals.ts).
function toBig(set: IntervalSet): Big {
  const out: Big = [];
  for (let i = 0; i < set.intervalCount; i++) out.push([wordsToBigInt(set.lo(i), 0, 4), wordsToBigInt(set.hi(i), 0, 4)]);
  return out;
}
function fromBig(ranges: Big): IntervalSet {
  const words = (v: bigint): Uint32Array => Uint32Array.from([96n, 64n, 32n, 0n].map((s) => Number((v >> s) & 0xffffffffn)));
  return ranges.map(([lo, hi]) => IntervalSet.range(IPV6, words(lo), words(hi))).reduce((a, b) => a.union(b), IntervalSet.empty(IPV6));
}
// Values clustered near a few bases (and the edges 0 and 2^128-1) so that ranges overlap and touch, and carries
// cross word boundaries.
const arb128 = fc.oneof(
  fc.constantFrom(0n, MAX128, (1n << 32n) - 1n, 1n << 32n, (1n << 64n) - 1n, 1n << 64n, (1n << 96n) - 1n),
  fc.tuple(fc.constantFrom(0n, 1n << 64n, (1n << 96n) - 8n, MAX128 - 40n), fc.bigInt({ min: 0n, max: 40n })).map(([base, d]) => (base + d > MAX128 ? MAX128 : base + d)),
  fc.bigInt({ min: 0n, max: MAX128 }),
);
const arbBig = fc.array(fc.tuple(arb128, arb128).map(([a, b]) => (a <= b ? [a, b] : [b, a]) as [bigint, bigint]), { maxLength: 5 }).map(normalize);

describe('IntervalSet over 128-bit values (IPv6)', () => {
  it('matches a BigInt reference for every operation', () => {
    fc.assert(
      fc.property(arbBig, arbBig, (a, b) => {
        const [sa, sb] = [fromBig(a), fromBig(b)];
        expect(toBig(sa)).toEqual(a);
        expect(toBig(sa.union(sb))).toEqual(normalize([...a, ...b]));
        expect(toBig(sa.complement())).toEqual(complementBig(a));
        const inter = complementBig(normalize([...complementBig(a), ...complementBig(b)]));
        expect(toBig(sa.intersection(sb))).toEqual(inter);
        expect(toBig(sa.difference(sb))).toEqual(complementBig(normalize([...complementBig(a), ...b])));
        expect(toBig(IntervalSet.full(IPV6).difference(sb))).toEqual(complementBig(b));
        expect(sa.overlaps(sb)).toBe(inter.length > 0);
        expect(sa.isSubsetOf(sb)).toBe(sa.difference(sb).isEmpty());
        expect(sa.size()).toBe(a.reduce((n, [lo, hi]) => n + hi - lo + 1n, 0n));
      }),
    );
  });

  it('union of longer four-word sets (its own merge, issue 22) matches the BigInt reference', () => {
    const arbLong = fc.array(fc.tuple(arb128, arb128).map(([a, b]) => (a <= b ? [a, b] : [b, a]) as [bigint, bigint]), { maxLength: 30 }).map(normalize);
    fc.assert(
      fc.property(arbLong, arbLong, (a, b) => {
        const union = fromBig(a).union(fromBig(b));
        expect(toBig(union)).toEqual(normalize([...a, ...b]));
        expect(() => IntervalSet.fromCanonicalBounds(IPV6, union.bounds)).not.toThrow();
      }),
      { seed: 22, numRuns: 500 },
    );
  });

  it('overlaps of longer four-word sets, bounds tied in their upper words (its own walk, issue 22), matches the BigInt reference', () => {
    // Bounds that share their upper 64 bits (and often the next word), so that the walk's comparison on the two
    // upper words ties and the lower words decide; sets long enough for either side to move on many times.
    const lower = fc.oneof(fc.bigInt({ min: 0n, max: 60n }), fc.bigInt({ min: (1n << 32n) - 30n, max: (1n << 32n) + 30n }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }));
    const tied = fc.tuple(fc.constantFrom(0n, 1n, 0x26031030n << 32n, MAX128 >> 64n), lower).map(([upper, low]) => (upper << 64n) | low);
    const arbTied = fc.array(fc.tuple(fc.oneof(tied, arb128), tied).map(([a, b]) => (a <= b ? [a, b] : [b, a]) as [bigint, bigint]), { maxLength: 30 }).map(normalize);
    fc.assert(
      fc.property(arbTied, arbTied, (a, b) => {
        const inter = complementBig(normalize([...complementBig(a), ...complementBig(b)]));
        expect(fromBig(a).overlaps(fromBig(b))).toBe(inter.length > 0);
        expect(fromBig(b).overlaps(fromBig(a))).toBe(inter.length > 0);
      }),
      { seed: 22, numRuns: 1000 },
    );
  });

  it('fromUnsorted merges sorted four-word intervals on its own path (issue 22) as it merges them unsorted', () => {
    // Values a step or two from a word boundary, so that intervals touch across a carry ([x, ffffffff, ffffffff,
    // ffffffff] then [x + 1, 0, 0, 0]) and overlap.
    const boundaries = [0n, 1n << 32n, 1n << 64n, 3n << 95n, MAX128];
    const value = fc.tuple(fc.constantFrom(...boundaries), fc.integer({ min: -2, max: 2 })).map(([boundary, step]) => {
      const at = boundary + BigInt(step);
      const clamped = at < 0n ? 0n : at > MAX128 ? MAX128 : at;
      return [96n, 64n, 32n, 0n].map((shift) => Number((clamped >> shift) & 0xffffffffn));
    });
    const compare = (x: readonly number[], y: readonly number[]): number => {
      const k = x.findIndex((word, at) => word !== y[at]);
      return k < 0 ? 0 : Math.sign(x[k]! - y[k]!);
    };
    fc.assert(
      fc.property(fc.array(fc.tuple(value, value), { maxLength: 30 }), (pairs) => {
        const sorted = [...pairs].sort((p, q) => compare(p[0], q[0]));
        const reversed = [...sorted].reverse();
        const fromPairs = (list: typeof pairs): IntervalSet =>
          IntervalSet.fromUnsorted(IPV6, Uint32Array.from(list.flatMap(([x]) => x)), Uint32Array.from(list.flatMap(([, y]) => y)), list.length);
        const fast = fromPairs(sorted);
        // Reversed, the input is out of order (when two lo differ) and takes the radix sort and BoundsBuilder.
        expect(fast.bounds).toEqual(fromPairs(reversed).bounds);
        expect(() => IntervalSet.fromCanonicalBounds(IPV6, fast.bounds)).not.toThrow();
        for (const [x, y] of pairs) if (compare(x, y) <= 0) expect(fromPairs([[x, y]]).isSubsetOf(fast)).toBe(true);
      }),
      { seed: 22, numRuns: 2000 },
    );
  });
});

describe('size', () => {
  it('sums word positions in doubles to the bigint sum of every interval (many intervals, full range, edges)', () => {
    const many = fc.array(fc.tuple(arb128, arb128).map(([a, b]) => (a <= b ? [a, b] : [b, a]) as [bigint, bigint]), { maxLength: 300 }).map(normalize);
    const v4 = fc.array(fc.tuple(fc.oneof(fc.constantFrom(0, 1, 0xffffffff, 0x80000000), fc.nat({ max: 0xffffffff })), fc.nat({ max: 0xffffffff })), { maxLength: 300 });
    fc.assert(
      fc.property(many, v4, (ranges, pairs) => {
        const big = fromBig(ranges);
        expect(big.size()).toBe(sizeByBigInts(big.bounds, 4));
        expect(big.complement().size()).toBe((1n << 128n) - big.size());
        const small = IntervalSet.fromRanges(IPV4, pairs.map(([a, b]) => (a <= b ? [a, b] : [b, a]) as [number, number]));
        expect(small.size()).toBe(sizeByBigInts(small.bounds, 1));
        expect(small.complement().size()).toBe(2n ** 32n - small.size());
      }),
    );
    expect(IntervalSet.full(IPV6).size()).toBe(1n << 128n);
    expect(IntervalSet.full(IPV4).size()).toBe(1n << 32n);
    expect(IntervalSet.empty(IPV6).size()).toBe(0n);
  });
});

describe('radixSortByWords', () => {
  const stableSort = (keys: Uint32Array, w: number, count: number): number[] =>
    Array.from({ length: count }, (_, i) => i).sort((x, y) => {
      for (let k = 0; k < w; k++) {
        const a = keys[x * w + k]!;
        const b = keys[y * w + k]!;
        if (a !== b) return a < b ? -1 : 1;
      }
      return x - y;
    });

  it.each([1, 4])('sorts %i-word keys exactly like a stable comparator sort', (w) => {
    const word = fc.oneof(fc.constantFrom(0, 1, 0x7ff, 0x800, 0xffffffff, 0x80000000), fc.nat({ max: 0xffffffff }), fc.nat({ max: 7 }));
    fc.assert(
      fc.property(fc.array(fc.array(word, { minLength: w, maxLength: w }), { maxLength: 60 }), (rows) => {
        const keys = Uint32Array.from(rows.flat());
        expect([...radixSortByWords(keys, w, rows.length)]).toEqual(stableSort(keys, w, rows.length));
      }),
    );
  });

  it('handles no keys, one key and all-equal keys', () => {
    expect([...radixSortByWords(new Uint32Array(0), 1, 0)]).toEqual([]);
    expect([...radixSortByWords(Uint32Array.of(5), 1, 1)]).toEqual([0]);
    expect([...radixSortByWords(new Uint32Array(12).fill(9), 4, 3)]).toEqual([0, 1, 2]);
  });
});

describe('unionMany', () => {
  /** The union as pairwise unions make it: the general path, whatever shortcut unionMany takes. */
  const pairwise = (sets: readonly IntervalSet[]): IntervalSet => sets.reduce((acc, set) => acc.union(set), IntervalSet.empty(TINY));

  it('equals the pairwise union for any sets, mostly empty ones among them (property)', () => {
    const empty = fc.constant(IntervalSet.empty(TINY));
    fc.assert(
      fc.property(fc.array(fc.oneof(arbTiny, empty, empty), { maxLength: 6 }), (sets) => {
        const union = IntervalSet.unionMany(TINY, sets);
        expect(union.bounds).toEqual(pairwise(sets).bounds);
      }),
      { seed: 22, numRuns: 500 },
    );
  });

  it('hands back the one set that has intervals (sets are immutable), not a copy of it', () => {
    const only = IntervalSet.fromRanges(TINY, [[3, 9], [20, 20]]);
    const empty = IntervalSet.empty(TINY);
    expect(IntervalSet.unionMany(TINY, [empty, only, empty])).toBe(only);
    expect(IntervalSet.unionMany(TINY, [only, only]).bounds).toEqual(only.bounds);
    expect(IntervalSet.unionMany(TINY, [empty, empty]).isEmpty()).toBe(true);
  });
});

// The one-word paths (IPv4, ports, protocols) against the general multi-word loops: the same values in a four-word
// domain whose high words are always 0 take the general path, and the bounds must be the same (issue 22).
describe('one-word set operations', () => {
  const WIDE = domainOf('wide', 4, [0, 0, 0, 0xffffffff]);
  const word = fc.oneof(fc.constantFrom(0, 1, 2, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff), fc.nat({ max: 0xffffffff }), fc.nat({ max: 40 }));
  const arbRanges = fc.array(fc.tuple(word, word).map(([x, y]) => [Math.min(x, y), Math.max(x, y)] as const), { maxLength: 12 });
  const widened = (words: Uint32Array): Uint32Array => Uint32Array.from([...words].flatMap((value) => [0, 0, 0, value]));
  const asWide = (set: IntervalSet): IntervalSet => IntervalSet.fromCanonicalBounds(WIDE, widened(set.bounds));

  it('intersection, difference, overlaps and isSubsetOf agree with the general path', () => {
    fc.assert(
      fc.property(arbRanges, arbRanges, (x, y) => {
        const [a, b] = [IntervalSet.fromRanges(IPV4, x), IntervalSet.fromRanges(IPV4, y)];
        const [pa, pb] = [asWide(a), asWide(b)];
        const both = a.intersection(b);
        expect(asWide(both).bounds).toEqual(pa.intersection(pb).bounds);
        expect(() => IntervalSet.fromCanonicalBounds(IPV4, both.bounds)).not.toThrow();
        expect(asWide(a.difference(b)).bounds).toEqual(pa.difference(pb).bounds);
        expect(asWide(b.difference(a)).bounds).toEqual(pb.difference(pa).bounds);
        expect(a.overlaps(b)).toBe(pa.overlaps(pb));
        expect(a.isSubsetOf(b)).toBe(pa.isSubsetOf(pb));
        expect(b.isSubsetOf(a)).toBe(pb.isSubsetOf(pa));
        expect(a.union(b).isSubsetOf(a)).toBe(b.isSubsetOf(a));
      }),
      { seed: 22, numRuns: 2000 },
    );
  });

  it('union, difference, overlaps and isSubsetOf of longer sets (their own loops, issue 22) match the BigInt reference', () => {
    // Values clustered so that intervals overlap, touch and interleave, with the ends of the one-word range among
    // them, and sets long enough for the difference's search to gallop.
    const near = fc.oneof(fc.nat({ max: 300 }), fc.constantFrom(0, 1, 0xfffffffe, 0xffffffff), fc.nat({ max: 0xffffffff }));
    const longRanges = fc.array(fc.tuple(near, fc.nat({ max: 12 })).map(([lo, length]) => [lo, Math.min(lo + length, 0xffffffff)] as const), { maxLength: 40 });
    const big = (set: IntervalSet): Big => set.ranges().map(([lo, hi]) => [BigInt(lo), BigInt(hi)]);
    fc.assert(
      fc.property(longRanges, longRanges, (x, y) => {
        const [a, b] = [IntervalSet.fromRanges(IPV4, x), IntervalSet.fromRanges(IPV4, y)];
        const [ra, rb] = [big(a), big(b)];
        expect(big(a.union(b))).toEqual(normalize([...ra, ...rb]));
        expect(big(a.difference(b))).toEqual(complementBig(normalize([...complementBig(ra), ...rb])));
        expect(big(b.difference(a))).toEqual(complementBig(normalize([...complementBig(rb), ...ra])));
        const meet = complementBig(normalize([...complementBig(ra), ...complementBig(rb)])).length > 0;
        expect(a.overlaps(b)).toBe(meet);
        expect(b.overlaps(a)).toBe(meet);
        expect(a.isSubsetOf(b)).toBe(complementBig(normalize([...complementBig(ra), ...rb])).length === 0);
        expect(b.isSubsetOf(a)).toBe(complementBig(normalize([...complementBig(rb), ...ra])).length === 0);
        expect(a.isSubsetOf(a.union(b))).toBe(true);
        expect(() => IntervalSet.fromCanonicalBounds(IPV4, a.union(b).bounds)).not.toThrow();
        expect(() => IntervalSet.fromCanonicalBounds(IPV4, a.difference(b).bounds)).not.toThrow();
      }),
      { seed: 22, numRuns: 2000 },
    );
  });

  it('difference by a set of few intervals (copied in runs, issue 22) agrees with the intersection with its complement', () => {
    // A long set (dozens of intervals) cut by one to four, in one-word and four-word domains: cuts that miss, touch
    // the edges, cover whole intervals, split one in two, and reach across several.
    const small = fc.nat({ max: 2000 });
    const longRanges = fc.array(fc.tuple(small, fc.nat({ max: 30 })).map(([lo, length]) => [lo, lo + length] as const), { minLength: 24, maxLength: 80 });
    const cuts = fc.array(fc.oneof(fc.tuple(small, fc.nat({ max: 200 })).map(([lo, length]) => [lo, lo + length] as const), fc.constantFrom([0, 0] as const, [0, 5] as const, [1990, 2030] as const)), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(longRanges, cuts, (x, y) => {
        const [a, b] = [IntervalSet.fromRanges(IPV4, x), IntervalSet.fromRanges(IPV4, y)];
        fc.pre(b.bounds.length * 8 < a.bounds.length);
        const expected = a.intersection(b.complement());
        const cut = a.difference(b);
        expect(cut.bounds).toEqual(expected.bounds);
        expect(() => IntervalSet.fromCanonicalBounds(IPV4, cut.bounds)).not.toThrow();
        const [pa, pb] = [asWide(a), asWide(b)];
        expect(pa.difference(pb).bounds).toEqual(asWide(expected).bounds);
        // Each value as a block of 2^31 IPv6 addresses, so that a cut's ends ±1 carry from one word into the next.
        const blocks = (set: IntervalSet): IntervalSet =>
          IntervalSet.fromCanonicalBounds(IPV6, Uint32Array.from(set.ranges().flatMap(([lo, hi]) => [0, 0, lo >>> 1, ((lo & 1) << 31) >>> 0, 0, 0, hi >>> 1, (((hi & 1) << 31) | 0x7fffffff) >>> 0])));
        expect(blocks(a).difference(blocks(b)).bounds).toEqual(blocks(expected).bounds);
      }),
      { seed: 22, numRuns: 1000 },
    );
  });

  it('complement, and difference from the full set (its fast path), agree with the general path', () => {
    fc.assert(
      fc.property(arbRanges, (x) => {
        const a = IntervalSet.fromRanges(IPV4, x);
        const pa = asWide(a);
        const complement = a.complement();
        expect(asWide(complement).bounds).toEqual(pa.complement().bounds);
        expect(() => IntervalSet.fromCanonicalBounds(IPV4, complement.bounds)).not.toThrow();
        expect(IntervalSet.full(IPV4).difference(a).bounds).toEqual(complement.bounds);
        expect(IntervalSet.full(WIDE).difference(pa).bounds).toEqual(pa.complement().bounds);
        expect(complement.union(a).isFull()).toBe(true);
        expect(complement.overlaps(a)).toBe(false);
      }),
      { seed: 22, numRuns: 2000 },
    );
  });

  it('fromUnsorted merges intervals in any order (empty ones too) as the general path does', () => {
    const pair = fc.tuple(word, word);
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 40 }), (pairs) => {
        const lo = Uint32Array.from(pairs.map(([x]) => x));
        const hi = Uint32Array.from(pairs.map(([, y]) => y));
        const set = IntervalSet.fromUnsorted(IPV4, lo, hi, pairs.length);
        expect(asWide(set).bounds).toEqual(IntervalSet.fromUnsorted(WIDE, widened(lo), widened(hi), pairs.length).bounds);
        const sorted = [...pairs].filter(([x, y]) => x <= y).sort((p, q) => p[0] - q[0]);
        expect(IntervalSet.fromUnsorted(IPV4, Uint32Array.from(sorted.map(([x]) => x)), Uint32Array.from(sorted.map(([, y]) => y)), sorted.length).bounds).toEqual(set.bounds);
      }),
      { seed: 22, numRuns: 2000 },
    );
  });
});

describe('equals of long bounds (compared natively from 64 words)', () => {
  it('agrees with a word-by-word comparison, for equal sets, copies, and sets of the same length that differ in one word', () => {
    // 24-80 intervals, each 2 or more past the last (so none merge): 48-160 words, mostly past the native limit.
    const arbLong = fc.array(fc.tuple(fc.nat({ max: 1000 }), fc.nat({ max: 8 })), { minLength: 24, maxLength: 80 }).map((steps) => {
      let next = 0;
      const ranges = steps.map(([gap, length]) => {
        const lo = next + gap;
        next = lo + length + 2;
        return [lo, lo + length] as const;
      });
      return IntervalSet.fromRanges(IPV4, ranges);
    });
    const sameWords = (x: IntervalSet, y: IntervalSet): boolean => x.bounds.length === y.bounds.length && x.bounds.every((word, i) => word === y.bounds[i]);
    fc.assert(
      fc.property(arbLong, arbLong, fc.nat(), (a, b, pick) => {
        expect(a.equals(b)).toBe(sameWords(a, b));
        const copy = IntervalSet.fromCanonicalBounds(IPV4, a.bounds.slice());
        expect(a.equals(copy)).toBe(true);
        // One bound moved where it stays canonical: the same length, one word apart.
        const words = a.bounds.slice();
        const at = pick % words.length;
        const previous = at > 0 ? words[at - 1]! : -1;
        if (at % 2 === 1 && (at + 1 >= words.length || words[at]! + 2 < words[at + 1]!)) words[at]! += 1;
        else if (at % 2 === 0 && words[at]! > previous + 2 && words[at]! > 0) words[at]! -= 1;
        else return;
        expect(a.equals(IntervalSet.fromCanonicalBounds(IPV4, words))).toBe(false);
      }),
      { seed: 22, numRuns: 500 },
    );
  });
});
