import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntervalSet } from '../model/intervals.js';
import { IPV4, IPV6 } from '../model/ip.js';
import { expandedResolver } from '../analysis/resolve.js';
import { defaultSnapshot } from '../servicetags/index.js';
import { createHash } from 'node:crypto';
import type { Box } from '../model/packet-set.js';
import { packetSet } from '../testing/arbitraries.js';
import { boxDigest, complementIntervalCount, hexRanges, holdsMoreThan, namerFor } from './answers.js';

const MAX128 = (1n << 128n) - 1n;
const words = (value: bigint): Uint32Array => Uint32Array.from([96n, 64n, 32n, 0n].map((shift) => Number((value >> shift) & 0xffffffffn)));
const v6 = fc.oneof(fc.constantFrom(0n, 1n, MAX128, MAX128 - 1n, 1n << 64n), fc.bigInt({ min: 0n, max: MAX128 }));
const v4 = fc.oneof(fc.constantFrom(0, 1, 0xffffffff, 0xfffffffe, 0x80000000), fc.nat({ max: 0xffffffff }));
const order = <T>([a, b]: [T, T]): [T, T] => (a <= b ? [a, b] : [b, a]);

describe('complementIntervalCount', () => {
  it('is the interval count of the complement, in both families (empty, full, sets touching either end)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(v4, v4).map(order), { maxLength: 8 }), fc.array(fc.tuple(v6, v6).map(order), { maxLength: 8 }), (ranges4, ranges6) => {
        const set4 = IntervalSet.fromRanges(IPV4, ranges4);
        const set6 = ranges6.map(([lo, hi]) => IntervalSet.range(IPV6, words(lo), words(hi))).reduce((a, b) => a.union(b), IntervalSet.empty(IPV6));
        for (const set of [set4, set6, set4.complement(), set6.complement()]) expect(complementIntervalCount(set)).toBe(set.complement().intervalCount);
      }),
      { numRuns: 500 },
    );
    for (const domain of [IPV4, IPV6]) {
      expect(complementIntervalCount(IntervalSet.empty(domain))).toBe(1);
      expect(complementIntervalCount(IntervalSet.full(domain))).toBe(0);
    }
  });
});

describe('holdsMoreThan', () => {
  // The namer's size tests read a lower bound from a few intervals before the exact size (issue 22): the answer must
  // be `size > bound` for every set and bound, at the size itself and one either side, in both families.
  it('is size > bound, in both families, for bounds at, just below and just above the size', () => {
    const arbBound = fc.oneof(fc.constantFrom(0n, 1n, 1n << 96n, (1n << 125n) + 1n, MAX128 + 1n), fc.bigInt({ min: 0n, max: MAX128 + 1n }));
    fc.assert(
      fc.property(fc.array(fc.tuple(v4, v4).map(order), { maxLength: 8 }), fc.array(fc.tuple(v6, v6).map(order), { maxLength: 8 }), arbBound, (ranges4, ranges6, bound) => {
        const set4 = IntervalSet.fromRanges(IPV4, ranges4);
        const set6 = ranges6.map(([lo, hi]) => IntervalSet.range(IPV6, words(lo), words(hi))).reduce((a, b) => a.union(b), IntervalSet.empty(IPV6));
        for (const set of [set4, set6, set4.complement(), set6.complement()]) {
          const size = set.size();
          for (const asked of [bound, size, size - 1n, size + 1n].filter((value) => value >= 0n)) {
            expect(holdsMoreThan(set, asked, (values) => values.size())).toBe(size > asked);
          }
        }
      }),
      { numRuns: 500 },
    );
    expect(holdsMoreThan(IntervalSet.full(IPV6), 1n << 100n, () => 0n)).toBe(true); // the floor alone decides
    expect(holdsMoreThan(IntervalSet.empty(IPV4), 0n, (values) => values.size())).toBe(false);
  });
});

describe('namerFor: an address set listed in full', () => {
  const snapshot = defaultSnapshot('Public');
  // Ranges of 20.0.0.0/8 that no tag names exactly: listed as CIDR blocks (with tags' names where they fit).
  const ranges = fc.array(fc.tuple(fc.nat({ max: 0xffffff }), fc.nat({ max: 0xffff })), { minLength: 1, maxLength: 40 }).map((pairs) => pairs.map(([at, span]): [number, number] => [0x14000000 + at, Math.min(0x14ffffff, 0x14000000 + at + span)]));

  it('is written once per set: equal sets built apart get one array, as a fresh namer lists it', () => {
    fc.assert(
      fc.property(ranges, (pairs) => {
        const namer = namerFor(expandedResolver(snapshot), snapshot);
        const first = namer.items(IntervalSet.fromRanges(IPV4, pairs), 'ipv4').all();
        const again = namer.items(IntervalSet.fromRanges(IPV4, [...pairs].reverse()), 'ipv4');
        expect(again.all()).toBe(first);
        expect(again.all()).toBe(first);
        const fresh = namerFor(expandedResolver(snapshot), snapshot).items(IntervalSet.fromRanges(IPV4, pairs), 'ipv4');
        expect(fresh.all()).toEqual(first);
        expect(first.length).toBe(fresh.count);
      }),
      { numRuns: 60 },
    );
  });
});

describe('boxDigest', () => {
  const snapshot = defaultSnapshot('Public');
  const resolver = expandedResolver(snapshot);
  /** The words of each bound in hex, written as the digest's first form did: one string, then hashed. */
  const hexText = (set: Box['src']): string => {
    const parts: string[] = [];
    for (let i = 0; i < set.intervalCount; i++) {
      const bound = (words: Uint32Array): string => [...words].map((word) => word.toString(16)).join(':');
      parts.push(`${bound(set.lo(i))}-${bound(set.hi(i))}`);
    }
    return parts.join(',');
  };
  const reference = (kind: 'missing' | 'extra', box: Box): string => {
    const canonical = [kind, box.directions, box.family, box.portClass, box.protocols.toString(), hexText(box.src), hexText(box.dst), hexText(box.srcPorts), hexText(box.dstPorts), box.hosts.toString(), box.paths.toString(), box.applications.toString(), box.states].join('|');
    return `sha256:${createHash('sha256').update(canonical).digest('hex').slice(0, 32)}`;
  };

  it('is the SHA-256 of the fields joined by |, the address ranges as hex words', () => {
    fc.assert(
      fc.property(packetSet({ resolver, urls: true }), fc.constantFrom<'missing' | 'extra'>('missing', 'extra'), (set, kind) => {
        const namer = namerFor(resolver, snapshot);
        for (const { box } of set.witnessedBoxes()) {
          expect(Buffer.from(hexRanges(box.dst)).toString('latin1')).toBe(hexText(box.dst));
          expect(boxDigest(kind, box, namer)).toBe(reference(kind, box));
        }
      }),
      { numRuns: 80 },
    );
  });
});
