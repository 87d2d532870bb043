/**
 * Deferred unions (AddressSet.union joins large sets lazily, settled in one sort when read): the result must be
 * exactly the eager union however the chain is shaped, read at any point, and a long accumulation must stay
 * linear and never recurse as deep as the chain.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressSet } from './address-set.js';

const arbCidr = fc.oneof(
  fc.tuple(fc.nat({ max: 0xfff }), fc.integer({ min: 16, max: 32 })).map(([n, len]) => {
    const value = ((0x0a000000 + n * 4096) & (len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0)) >>> 0;
    return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}/${len}`;
  }),
  fc.tuple(fc.nat({ max: 0xffff }), fc.integer({ min: 48, max: 128 })).map(([n, len]) => `2001:db8:${n.toString(16)}::/${Math.max(len, 48)}`),
);

/** Many sets, each big enough (over the eager threshold) or small, in random order of union. */
const arbSets = fc.array(fc.array(arbCidr, { minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 30 });

function eagerUnion(sets: readonly (readonly string[])[]): AddressSet {
  return AddressSet.fromStrings(sets.flat(), { normalize: true });
}

describe('AddressSet deferred union', () => {
  it('a left fold, a right fold and a balanced tree of unions all equal the union of every entry (property)', () => {
    fc.assert(
      fc.property(arbSets, fc.integer({ min: 0, max: 29 }), (lists, readAt) => {
        const sets = lists.map((list) => AddressSet.fromStrings(list, { normalize: true }));
        const expected = eagerUnion(lists);
        let left = AddressSet.EMPTY;
        sets.forEach((set, i) => {
          left = left.union(set);
          if (i === readAt) left.isEmpty(); // settling part-way must not change what follows
        });
        const right = sets.reduceRight((acc, set) => set.union(acc), AddressSet.EMPTY);
        const tree = (items: readonly AddressSet[]): AddressSet =>
          items.length === 1 ? items[0]! : tree(Array.from({ length: Math.ceil(items.length / 2) }, (_, i) => (items[2 * i + 1] ? items[2 * i]!.union(items[2 * i + 1]!) : items[2 * i]!)));
        for (const result of [left, right, tree(sets)]) {
          expect(result.toCidrStrings()).toEqual(expected.toCidrStrings());
          expect(result.equals(expected)).toBe(true);
        }
      }),
    );
  });

  it('unionOf many sets, nested in further unions, equals the union of every entry (property)', () => {
    fc.assert(
      fc.property(arbSets, fc.nat({ max: 29 }), (lists, split) => {
        const sets = lists.map((list) => AddressSet.fromStrings(list, { normalize: true }));
        const at = Math.min(split, sets.length);
        const nested = AddressSet.unionOf([AddressSet.unionOf(sets.slice(0, at)), ...sets.slice(at)]).union(AddressSet.unionOf(sets.slice(at)));
        const expected = eagerUnion(lists);
        expect(AddressSet.unionOf(sets).toCidrStrings()).toEqual(expected.toCidrStrings());
        expect(nested.equals(expected)).toBe(true);
      }),
    );
    expect(AddressSet.unionOf([])).toBe(AddressSet.EMPTY);
  });

  it('settles a unionOf of 300,000 sets inside another union (no argument list that long)', () => {
    const sets = Array.from({ length: 300_000 }, (_, i) => AddressSet.parse(`${10 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.0/24`));
    const set = AddressSet.unionOf(sets).union(AddressSet.parse('192.168.0.0/16'));
    expect(set.toCidrStrings('ipv4')).toEqual(AddressSet.fromStrings(['10.0.0.0-14.147.223.255', '192.168.0.0/16']).toCidrStrings('ipv4'));
  });

  it('settles a chain of 200,000 unions without deep recursion, in linear time', () => {
    const entries = Array.from({ length: 200_000 }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32`);
    const big = AddressSet.fromStrings(Array.from({ length: 100 }, (_, i) => `192.0.${i}.0/25`));
    const t0 = performance.now();
    let set = AddressSet.EMPTY.union(big);
    for (const entry of entries) set = set.union(AddressSet.parse(entry));
    // 200,000 = 3 × 65,536 + 3,392 consecutive /32s from 10.0.0.0: 10.0-10.2 whole, then up to 10.3.13.63.
    expect(set.toCidrStrings('ipv4').slice(0, 7)).toEqual(['10.0.0.0/15', '10.2.0.0/16', '10.3.0.0/21', '10.3.8.0/22', '10.3.12.0/24', '10.3.13.0/26', '192.0.0.0/25']);
    expect(set.equals(AddressSet.fromStrings([...entries, ...big.toCidrStrings()]))).toBe(true);
    expect(performance.now() - t0).toBeLessThan(15_000);
  });
});
