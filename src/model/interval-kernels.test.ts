/**
 * interval-kernels.wat merges long interval sets for IntervalSet's union, intersection and difference. Here: the
 * module is what its text says; each merge agrees with a BigInt reference and with intervals.ts's own loops, on sets
 * whose bounds tie, touch and overlap, across the ends of the value range and across word and half boundaries;
 * and the sets the commands meet go to it.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { assemble, MODULES, moduleText } from '../../scripts/build-wasm.js';
import { complementBig, normalize, type Big } from '../../test/support/big-intervals.js';
import { cidrBlocksInModule, KERNEL_LIMITS, mergeInModule, overlapsInModule, problemInModule, type KernelOperation } from './interval-kernels.js';
import { IntervalSet, wordsToBigInt, type IntervalDomain } from './intervals.js';
import { cidrBlocksOf, cidrCountOf, forEachCidrOf, IPV4, IPV6 } from './ip.js';

/** The reference of each operation, by complements. */
function reference(operation: KernelOperation, a: Big, b: Big, max: bigint): Big {
  const not = (x: Big): Big => complementBig(x, max);
  if (operation === 'union') return normalize([...a, ...b]);
  if (operation === 'intersection') return not(normalize([...not(a), ...not(b)]));
  return not(normalize([...not(a), ...b]));
}

const width = (domain: IntervalDomain): 1 | 4 => domain.width;
const maxOf = (domain: IntervalDomain): bigint => wordsToBigInt(domain.max, 0, domain.width);
function toBig(set: IntervalSet): Big {
  const w = width(set.domain);
  const out: Big = [];
  for (let i = 0; i < set.bounds.length; i += 2 * w) out.push([wordsToBigInt(set.bounds, i, w), wordsToBigInt(set.bounds, i + w, w)]);
  return out;
}
function boundsOf(ranges: Big, w: 1 | 4): Uint32Array {
  const words = (v: bigint): number[] => (w === 1 ? [Number(v)] : [96n, 64n, 32n, 0n].map((s) => Number((v >> s) & 0xffffffffn)));
  return Uint32Array.from(ranges.flatMap(([lo, hi]) => [...words(lo), ...words(hi)]));
}
const setOf = (domain: IntervalDomain, ranges: Big): IntervalSet => IntervalSet.fromCanonicalBounds(domain, boundsOf(ranges, width(domain)));

/**
 * Canonical sets of up to `maxLength` intervals whose bounds cluster near a few bases (so intervals tie, touch and
 * interleave between the two sets) and reach the ends of the range; four-word bases sit at word and 64-bit half
 * boundaries, where a carry or borrow crosses from one word (or half) into the next.
 */
function arbSet(domain: IntervalDomain, maxLength: number): fc.Arbitrary<Big> {
  const max = maxOf(domain);
  const bases = width(domain) === 1 ? [0n, 1000n, 0x7fffffffn, max - 300n] : [0n, (1n << 32n) - 20n, (1n << 64n) - 20n, (1n << 96n) - 20n, 1n << 127n, max - 300n];
  const value = fc.oneof(
    fc.tuple(fc.constantFrom(...bases), fc.bigInt({ min: 0n, max: 300n })).map(([base, d]) => (base + d > max ? max : base + d)),
    // The ends of the range, and for IPv6 the first and last values of each word and half, where a cut's bound
    // minus or plus one borrows or carries into the next word.
    fc.constantFrom(0n, max, ...(width(domain) === 1 ? [] : [32n, 64n, 96n].flatMap((bits) => [(1n << bits) - 1n, 1n << bits]))),
    fc.bigInt({ min: 0n, max }),
  );
  const interval = fc.tuple(value, fc.bigInt({ min: 0n, max: 6n })).map(([lo, length]) => [lo, lo + length > max ? max : lo + length] as [bigint, bigint]);
  return fc.array(interval, { maxLength }).map(normalize);
}

/** As arbSet, but each interval spans from one such value to another: bounds differ in any word and either half. */
function arbWideSet(domain: IntervalDomain, maxLength: number): fc.Arbitrary<Big> {
  const max = maxOf(domain);
  const edges = width(domain) === 1 ? [0n, 1n, max] : [32n, 64n, 96n, 127n].flatMap((bits) => [(1n << bits) - 1n, 1n << bits]);
  const value = fc.oneof(fc.constantFrom(0n, max, ...edges), fc.bigInt({ min: 0n, max }), fc.bigInt({ min: 0n, max: max < 1n << 40n ? max : 1n << 40n }));
  const interval = fc.tuple(value, value).map(([a, b]) => (a <= b ? [a, b] : [b, a]) as [bigint, bigint]);
  return fc.array(interval, { maxLength }).map(normalize);
}

const OPERATIONS: readonly KernelOperation[] = ['union', 'intersection', 'difference'];
const apply = (operation: KernelOperation, a: IntervalSet, b: IntervalSet): IntervalSet => a[operation](b);

afterEach(() => {
  KERNEL_LIMITS.minWords = 256;
});

describe('interval-kernels.wat', () => {
  it('is the module its text assembles to (npm run wasm)', async () => {
    const module = MODULES.find((each) => each.constant === 'INTERVAL_KERNELS_WASM')!;
    const assembled = await assemble(readFileSync(module.wat, 'utf8'), 'interval-kernels.wat');
    expect(readFileSync(module.module, 'utf8')).toBe(moduleText(assembled, module));
  });

  for (const domain of [IPV4, IPV6]) {
    it(`merges ${domain.name} sets as the BigInt reference does, and as intervals.ts's loops do (property)`, () => {
      const max = maxOf(domain);
      const w = width(domain);
      fc.assert(
        fc.property(fc.oneof(arbSet(domain, 40), arbWideSet(domain, 12)), fc.oneof(arbSet(domain, 40), arbWideSet(domain, 12)), (a, b) => {
          KERNEL_LIMITS.minWords = 0;
          for (const operation of OPERATIONS) {
            for (const [x, y] of [[a, b], [b, a]] as const) {
              const expected = reference(operation, x, y, max);
              const merged = mergeInModule(operation, boundsOf(x, w), boundsOf(y, w), w);
              // Every pair goes to the module with the limit at 0 (the check below would pass vacuously otherwise).
              expect(merged).toBeDefined();
              expect([...merged!]).toEqual([...boundsOf(expected, w)]);
              // The result is canonical, as IntervalSet keeps it.
              expect(() => IntervalSet.fromCanonicalBounds(domain, merged!)).not.toThrow();
              KERNEL_LIMITS.minWords = Infinity;
              const own = apply(operation, setOf(domain, x), setOf(domain, y));
              KERNEL_LIMITS.minWords = 0;
              expect(toBig(own)).toEqual(expected);
            }
          }
        }),
        { seed: 22, numRuns: 600 },
      );
    });
  }

  it('merges the empty set and single intervals at the ends of the range', () => {
    KERNEL_LIMITS.minWords = 0;
    for (const domain of [IPV4, IPV6]) {
      const max = maxOf(domain);
      const w = width(domain);
      const cases: Big[] = [[], [[0n, 0n]], [[max, max]], [[0n, max]], [[0n, max - 1n]], [[1n, max]], [[0n, 5n], [max - 5n, max]], [[6n, max - 6n]]];
      for (const a of cases) {
        for (const b of cases) {
          for (const operation of OPERATIONS) {
            const merged = mergeInModule(operation, boundsOf(a, w), boundsOf(b, w), w)!;
            expect([...merged], `${operation} ${JSON.stringify(a, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`).toEqual([...boundsOf(reference(operation, a, b, max), w)]);
          }
        }
      }
    }
  });

  it('takes the merges of long sets and leaves short ones to intervals.ts (KERNEL_LIMITS)', () => {
    const bounds = (count: number): Uint32Array => Uint32Array.from({ length: 2 * count }, (_, i) => 10 * (i >> 1) + (i & 1));
    expect(mergeInModule('union', bounds(64), bounds(64), 1)).toBeDefined();
    expect(mergeInModule('union', bounds(63), bounds(64), 1)).toBeUndefined();
    // A long set and its result: IntervalSet's own methods give what the module gives.
    const a = IntervalSet.fromCanonicalBounds(IPV4, bounds(300));
    const b = IntervalSet.fromCanonicalBounds(IPV4, Uint32Array.from({ length: 600 }, (_, i) => 10 * (i >> 1) + 3 + 4 * (i & 1)));
    for (const operation of OPERATIONS) {
      const viaModule = apply(operation, a, b);
      KERNEL_LIMITS.minWords = Infinity;
      expect([...apply(operation, a, b).bounds]).toEqual([...viaModule.bounds]);
      KERNEL_LIMITS.minWords = 256;
    }
  });

  it('grows its memory for sets larger than it holds, and keeps answering after', () => {
    // 100,000 IPv6 intervals on each side: 6.4 MB of bounds, more than the module's first page.
    const count = 100_000;
    const a = new Uint32Array(8 * count);
    const b = new Uint32Array(8 * count);
    for (let i = 0; i < count; i++) {
      a[8 * i + 1] = i;
      a[8 * i + 5] = i;
      a[8 * i + 7] = 9;
      b[8 * i + 1] = i;
      b[8 * i + 3] = 5;
      b[8 * i + 5] = i;
      b[8 * i + 7] = 20;
    }
    const union = mergeInModule('union', a, b, 4)!;
    const difference = mergeInModule('difference', a, b, 4)!;
    expect(union.length).toBe(8 * count);
    expect([...union.subarray(0, 8)]).toEqual([0, 0, 0, 0, 0, 0, 0, 20]);
    expect([...difference.subarray(0, 8)]).toEqual([0, 0, 0, 0, 0, 0, 0, 4]);
    expect(difference.length).toBe(8 * count);
    expect([...mergeInModule('intersection', a.subarray(0, 256), b.subarray(0, 256), 4)!].slice(0, 8)).toEqual([0, 0, 0, 5, 0, 0, 0, 9]);
  });
});

describe('interval-kernels.wat telling whether two sets overlap', () => {
  for (const domain of [IPV4, IPV6]) {
    it(`answers for ${domain.name} sets as the BigInt reference does, and as intervals.ts's loops do (property)`, () => {
      const max = maxOf(domain);
      const w = width(domain);
      let meeting = 0;
      let apart = 0;
      fc.assert(
        fc.property(fc.oneof(arbSet(domain, 40), arbWideSet(domain, 12)), fc.oneof(arbSet(domain, 40), arbWideSet(domain, 12)), (a, b) => {
          const expected = reference('intersection', a, b, max).length > 0;
          if (expected) meeting++;
          else apart++;
          for (const [x, y] of [[a, b], [b, a]] as const) {
            KERNEL_LIMITS.minWords = 0;
            // With the limit at 0 every pair goes to the module (the check would pass vacuously otherwise).
            expect(overlapsInModule(boundsOf(x, w), boundsOf(y, w), w)).toBe(expected);
            expect(setOf(domain, x).overlaps(setOf(domain, y))).toBe(expected);
            KERNEL_LIMITS.minWords = Infinity;
            expect(overlapsInModule(boundsOf(x, w), boundsOf(y, w), w)).toBeUndefined();
            expect(setOf(domain, x).overlaps(setOf(domain, y))).toBe(expected);
          }
        }),
        { seed: 22, numRuns: 800 },
      );
      // Both answers were asked often: sets that meet, and sets that do not.
      expect(Math.min(meeting, apart)).toBeGreaterThan(100);
    });
  }

  it('tells sets that only touch, or meet at one value at either end of the range', () => {
    KERNEL_LIMITS.minWords = 0;
    for (const domain of [IPV4, IPV6]) {
      const max = maxOf(domain);
      const w = width(domain);
      const cases: Big[] = [[], [[0n, 0n]], [[max, max]], [[0n, max]], [[1n, max - 1n]], [[0n, 4n], [max - 4n, max]], [[5n, 9n]], [[10n, 19n], [max - 5n, max - 5n]]];
      for (const a of cases) {
        for (const b of cases) {
          const expected = reference('intersection', a, b, max).length > 0;
          expect(overlapsInModule(boundsOf(a, w), boundsOf(b, w), w), `${domain.name} ${JSON.stringify(a, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))} ${JSON.stringify(b, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`).toBe(expected);
        }
      }
    }
  });

  it('takes long sets (both together) and leaves short ones to intervals.ts (KERNEL_LIMITS)', () => {
    const bounds = (count: number, offset: number): Uint32Array => Uint32Array.from({ length: 2 * count }, (_, i) => 10 * (i >> 1) + offset + (i & 1));
    expect(overlapsInModule(bounds(64, 0), bounds(64, 5), 1)).toBe(false);
    expect(overlapsInModule(bounds(64, 0), bounds(64, 1), 1)).toBe(true);
    expect(overlapsInModule(bounds(63, 0), bounds(64, 5), 1)).toBeUndefined();
  });
});

describe('interval-kernels.wat checking stored bounds', () => {
  it('finds the first problem of long bounds as intervals.ts does: canonical, lo above hi, not apart (property)', () => {
    for (const domain of [IPV4, IPV6]) {
      const w = width(domain);
      const max = maxOf(domain);
      // Canonical sets of two intervals or more, then one defect at a random interval: its bounds swapped, its lo
      // moved onto the previous hi, just past it (touching), or below the previous lo (out of order). The module
      // checks every length with the limit at 0.
      const defect = fc.constantFrom('none', 'swap', 'overlap', 'touch', 'order');
      fc.assert(
        fc.property(arbSet(domain, 80), defect, fc.nat(), (ranges, kind, pick) => {
          fc.pre(ranges.length >= 2);
          const changed = ranges.map(([lo, hi]) => [lo, hi] as [bigint, bigint]);
          const at = 1 + (pick % (changed.length - 1));
          const [lo, hi] = changed[at]!;
          const previous = changed[at - 1]!;
          if (kind === 'swap' && lo < hi) changed[at] = [hi, lo];
          if (kind === 'overlap') changed[at] = [previous[1], hi];
          if (kind === 'touch' && previous[1] < max) changed[at] = [previous[1] + 1n, hi];
          if (kind === 'order') changed[at] = [previous[0] > 0n ? previous[0] - 1n : 0n, hi];
          const bounds = boundsOf(changed, w);
          const verdict = (): string => {
            try {
              IntervalSet.fromCanonicalBounds(domain, bounds);
              return 'canonical';
            } catch (error) {
              return (error as Error).message;
            }
          };
          KERNEL_LIMITS.minWords = Infinity;
          const own = verdict();
          KERNEL_LIMITS.minWords = 0;
          expect(problemInModule(bounds, w)).toBeDefined();
          expect(verdict()).toBe(own);
          if (kind === 'none') expect(own).toBe('canonical');
        }),
        { seed: 22, numRuns: 400 },
      );
    }
  });
});

describe('interval-kernels.wat counting CIDR blocks', () => {
  it('counts the blocks forEachCidrOf lists, as cidrCountOf counts them (property)', () => {
    for (const domain of [IPV4, IPV6]) {
      const w = width(domain);
      fc.assert(
        fc.property(fc.oneof(arbSet(domain, 40), arbWideSet(domain, 12)), (ranges) => {
          const bounds = boundsOf(ranges, w);
          let listed = 0;
          let counted = 0;
          for (let at = 0; at < bounds.length; at += 2 * w) {
            forEachCidrOf(bounds.subarray(at, at + w), bounds.subarray(at + w, at + 2 * w), w, () => listed++);
            counted += cidrCountOf(bounds, bounds, w, at, at + w);
          }
          expect(counted).toBe(listed);
          KERNEL_LIMITS.minWords = 0;
          expect(cidrBlocksInModule(bounds, w)).toBe(listed);
          // From any interval on, as a check's answer counts what it does not write out.
          const from = 2 * w * Math.floor(ranges.length / 2);
          let rest = 0;
          for (let at = from; at < bounds.length; at += 2 * w) rest += cidrCountOf(bounds, bounds, w, at, at + w);
          expect(cidrBlocksOf(bounds, w, from)).toBe(rest);
          KERNEL_LIMITS.minWords = Infinity;
          expect(cidrBlocksOf(bounds, w, from)).toBe(rest);
        }),
        { seed: 22, numRuns: 500 },
      );
    }
  });
});
