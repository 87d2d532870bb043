/**
 * AddressEntries (a reader's long list parsed into columns): each entry's own set must be what AddressSet.fromStrings
 * makes of it alone, the deferred union what a brute-force sort-and-merge of every entry's interval makes, and a bad
 * entry must fail with fromStrings' error and leave the columns as they were.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTagwallError } from '../errors.js';
import { AddressEntries, AddressSet } from './address-set.js';

const ipv4Text = (value: number): string => `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;

/** IPv4 CIDRs of every length (/0 and /32 included), in a small space so that duplicates, overlaps and neighbours come up. */
const arbIPv4Cidr = fc.tuple(fc.nat({ max: 0x3ff }), fc.integer({ min: 0, max: 32 })).map(([n, length]) => {
  const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
  return `${ipv4Text(((0x0a000000 + n * 64) & mask) >>> 0)}/${length}`;
});
const arbIPv6Cidr = fc.tuple(fc.nat({ max: 0xff }), fc.constantFrom(0, 1, 32, 48, 56, 64, 127, 128)).map(([n, length]) =>
  length === 0 ? '::/0' : length === 1 ? '8000::/1' : length >= 127 ? `2001:db8::${(n * 2).toString(16)}/${length}` : `2001:db8:${n.toString(16)}::/${Math.max(length, 48)}`,
);
/** Ranges whose ends touch or cross the CIDRs above (adjacent intervals merge, overlapping ones too). */
const arbRange = fc.tuple(fc.nat({ max: 0xffff }), fc.nat({ max: 300 })).map(([start, span]) => `${ipv4Text(0x0a000000 + start * 64)}-${ipv4Text(0x0a000000 + start * 64 + span)}`);
const arbEntry = fc.oneof(
  { weight: 4, arbitrary: arbIPv4Cidr },
  { weight: 2, arbitrary: arbIPv6Cidr },
  { weight: 1, arbitrary: arbRange },
  { weight: 1, arbitrary: fc.nat({ max: 0xffff }).map((n) => ipv4Text(0x0a000000 + n)) },
  { weight: 1, arbitrary: fc.nat({ max: 0xffff }).map((n) => `2001:db8::${n.toString(16)}`) },
  { weight: 1, arbitrary: arbIPv4Cidr.map((cidr) => ` ${cidr} `) },
);

/** The reference: every entry's interval as bigints, sorted, merged when they overlap or touch. */
function bruteForceRanges(entries: readonly string[]): string[] {
  const out: string[] = [];
  for (const family of ['ipv4', 'ipv6'] as const) {
    const intervals = entries
      .map((entry) => AddressSet.fromStrings([entry]))
      .filter((set) => !set.of(family).isEmpty())
      .map((set) => {
        const bounds = set.of(family).bounds;
        const w = bounds.length / 2;
        const word = (at: number) => Array.from(bounds.subarray(at, at + w)).reduce((value, x) => (value << 32n) | BigInt(x), 0n);
        return [word(0), word(w)] as const;
      })
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const merged: Array<[bigint, bigint]> = [];
    for (const [lo, hi] of intervals) {
      const last = merged.at(-1);
      if (last && lo <= last[1] + 1n) last[1] = hi > last[1] ? hi : last[1];
      else merged.push([lo, hi]);
    }
    const width = family === 'ipv4' ? 32 : 128;
    for (const [lo, hi] of merged) out.push(`${family}:${lo.toString(16).padStart(width / 4, '0')}-${hi.toString(16).padStart(width / 4, '0')}`);
  }
  return out;
}

function rangesOf(set: AddressSet): string[] {
  const out: string[] = [];
  for (const family of ['ipv4', 'ipv6'] as const) {
    const w = family === 'ipv4' ? 1 : 4;
    const bounds = set.of(family).bounds;
    const hex = (at: number) => Array.from(bounds.subarray(at, at + w), (x) => x.toString(16).padStart(8, '0')).join('');
    for (let at = 0; at < bounds.length; at += 2 * w) out.push(`${family}:${hex(at)}-${hex(at + w)}`);
  }
  return out;
}

describe('AddressEntries', () => {
  it('gives each entry the set fromStrings gives it alone, and the union a brute-force merge gives (property)', () => {
    fc.assert(
      fc.property(fc.array(arbEntry, { maxLength: 80 }), (entries) => {
        const columns = new AddressEntries(entries.length);
        // Each entry's set is made from the columns when first read: some read at once, while entries still come.
        const own = entries.map((entry, index) => {
          const set = columns.addOne(entry);
          if (index % 2 === 1) set.isEmpty();
          return set;
        });
        entries.forEach((entry, index) => {
          const alone = AddressSet.fromStrings([entry]);
          expect(own[index]!.equals(alone)).toBe(true);
          expect(own[index]!.toCidrStrings()).toEqual(alone.toCidrStrings());
        });
        expect(columns.count).toBe(entries.length);
        const union = columns.deferredSet();
        expect(rangesOf(union)).toEqual(bruteForceRanges(entries));
        expect(union.equals(AddressSet.fromStrings(entries))).toBe(true);
        expect(union.equals(AddressSet.unionOf(own))).toBe(true);
      }),
    );
  });

  it('is read right however the deferred union is met: inside other unions, sorted or reversed input (property)', () => {
    fc.assert(
      fc.property(fc.array(arbEntry, { minLength: 1, maxLength: 60 }), fc.array(arbEntry, { maxLength: 20 }), fc.boolean(), (entries, others, sorted) => {
        const ordered = sorted ? [...entries].sort((a, b) => AddressSet.fromStrings([a]).ipv4.bounds[0]! - AddressSet.fromStrings([b]).ipv4.bounds[0]! || 0) : [...entries].reverse();
        const columns = new AddressEntries(ordered.length);
        for (const entry of ordered) columns.add(entry);
        const deferred = columns.deferredSet();
        const other = AddressSet.fromStrings(others);
        const expected = AddressSet.fromStrings([...entries, ...others]);
        expect(AddressSet.unionOf([other, deferred, AddressSet.EMPTY]).equals(expected)).toBe(true);
        expect(deferred.union(other).toCidrStrings()).toEqual(expected.toCidrStrings());
        expect(rangesOf(deferred)).toEqual(bruteForceRanges(entries));
      }),
    );
  });

  it('covers the edge cases: nothing, the whole of both families, /32 and /128 neighbours, duplicates', () => {
    const empty = new AddressEntries(0).deferredSet();
    expect(empty.isEmpty()).toBe(true);
    expect(empty.toCidrStrings()).toEqual([]);
    const cases: string[][] = [
      ['0.0.0.0/0', '::/0', '10.0.0.0/8'],
      ['10.0.0.0/32', '10.0.0.1/32', '10.0.0.2/31', '10.0.0.4/30'],
      ['2001:db8::/128', '2001:db8::1/128', '2001:db8::2/127', '2001:db8::/126'],
      ['10.0.0.0/24', '10.0.0.0/24', '10.0.0.0/24'],
      ['255.255.255.255/32', '255.255.255.254/32', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128'],
    ];
    for (const entries of cases) {
      const columns = new AddressEntries(entries.length);
      for (const entry of entries) columns.add(entry);
      const union = columns.deferredSet();
      expect(union.toCidrStrings()).toEqual(AddressSet.fromStrings(entries).toCidrStrings());
      expect(rangesOf(union)).toEqual(bruteForceRanges(entries));
    }
  });

  it('fails on a bad entry with the error fromStrings gives, counting only the entries it parsed', () => {
    for (const bad of ['10.0.0.1/24', '10.0.0.300', '10.0.0.9-10.0.0.1', '10.0.0.0/33', '2001:db8::1::/64', '10.0.0.1-2001:db8::1', '10.0.01.0/24', '2001:db8::1/64', 'nonsense']) {
      const expected = (() => {
        try {
          AddressSet.fromStrings([bad]);
        } catch (error) {
          return error;
        }
        throw new Error(`fromStrings accepted ${bad}`);
      })();
      const columns = new AddressEntries(3);
      columns.add('10.1.0.0/16');
      let thrown: unknown;
      try {
        columns.add(bad);
      } catch (error) {
        thrown = error;
      }
      expect(isTagwallError(thrown)).toBe(true);
      expect(thrown).toEqual(expected);
      expect(columns.count).toBe(1);
    }
  });

  it('takes no entry once its set is handed out, nor more than announced', () => {
    const columns = new AddressEntries(2);
    columns.add('10.0.0.0/8');
    const set = columns.deferredSet();
    expect(() => columns.add('11.0.0.0/8')).toThrow(/once their set is handed out/);
    expect(set.toCidrStrings()).toEqual(['10.0.0.0/8']);
    const full = new AddressEntries(1);
    full.add('10.0.0.0/8');
    expect(() => full.add('11.0.0.0/8')).toThrow(RangeError);
  });
});
