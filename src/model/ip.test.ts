import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cidrCountOf, forEachCidrOf, formatIPv4, formatIPv6, parseAddress } from './ip.js';

const words = (text: string): Uint32Array => parseAddress(text).words;

describe('IPv6 text (RFC 5952)', () => {
  it.each([
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // first of two equal runs
    ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'], // the longer run, not the first
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group is not shortened
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['FFFF:ffff::ABCD', 'ffff:ffff::abcd'],
    ['::ffff:192.0.2.1', '::ffff:c000:201'],
    ['64:ff9b::10.1.2.3', '64:ff9b::a01:203'],
  ])('%s prints as %s', (input, expected) => {
    expect(formatIPv6(words(input))).toBe(expected);
  });

  it('matches the WHATWG URL serialiser (RFC 5952 compression) on any groups, at any offset', () => {
    // Zero groups are drawn often, so runs of every length and position (and ties) are common.
    const group = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
    fc.assert(
      fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), fc.nat(3), (groups, offset) => {
        const buffer = new Uint32Array(offset + 4).fill(0xdeadbeef);
        for (let k = 0; k < 4; k++) buffer[offset + k] = ((groups[2 * k]! << 16) | groups[2 * k + 1]!) >>> 0;
        const oracle = new URL(`http://[${groups.map((value) => value.toString(16)).join(':')}]/`).hostname.slice(1, -1);
        expect(formatIPv6(buffer, offset)).toBe(oracle);
      }),
      { numRuns: 2000 },
    );
  });

  it('prints IPv4 dotted quads', () => {
    expect(formatIPv4(0)).toBe('0.0.0.0');
    expect(formatIPv4(0xffffffff)).toBe('255.255.255.255');
    expect(formatIPv4(words('20.150.1.1')[0]!)).toBe('20.150.1.1');
  });
});

describe('forEachCidrOf', () => {
  const blocks = (lo: string, hi: string): string[] => {
    const out: string[] = [];
    const { family, words: first } = parseAddress(lo);
    forEachCidrOf(first, words(hi), first.length, (network, length) =>
      out.push(`${family === 'ipv4' ? formatIPv4(network[0]!) : formatIPv6(network)}/${length}`),
    );
    return out;
  };

  it('covers the whole space with one block', () => {
    expect(blocks('0.0.0.0', '255.255.255.255')).toEqual(['0.0.0.0/0']);
    expect(blocks('::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).toEqual(['::/0']);
  });

  it('gives an IPv4 range the blocks of the same range in the low word of a 128-bit space, 96 bits longer', () => {
    // One 32-bit word has its own loop; the 4-word one is the reference. Values biased to aligned edges.
    const value = fc.oneof(
      fc.constant(0),
      fc.constant(0xffffffff),
      fc.tuple(fc.nat(0xffffffff), fc.integer({ min: 0, max: 32 })).map(([v, bits]) => (bits === 32 ? 0 : (v >>> bits) << bits) >>> 0),
      fc.tuple(fc.nat(0xffffffff), fc.integer({ min: 0, max: 32 })).map(([v, bits]) => (v | (bits === 32 ? -1 : (1 << bits) - 1)) >>> 0),
      fc.nat(0xffffffff),
    );
    fc.assert(
      fc.property(value, value, (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const narrow: string[] = [];
        forEachCidrOf(Uint32Array.of(lo), Uint32Array.of(hi), 1, (network, length) => narrow.push(`${network[0]}/${length + 96}`));
        const wide: string[] = [];
        forEachCidrOf(Uint32Array.of(0, 0, 0, lo), Uint32Array.of(0, 0, 0, hi), 4, (network, length) => {
          expect([network[0], network[1], network[2]]).toEqual([0, 0, 0]);
          wide.push(`${network[3]}/${length}`);
        });
        expect(narrow).toEqual(wide);
      }),
      { numRuns: 3000 },
    );
  });

  it('splits unaligned ranges at word boundaries', () => {
    expect(blocks('0.0.0.1', '255.255.255.254')).toHaveLength(62);
    expect(blocks('::ffff:ffff', '::1:0:0')).toEqual(['::ffff:ffff/128', '::1:0:0/128']);
    expect(blocks('0:0:0:1::', '0:0:0:2::ffff')).toEqual(['0:0:0:1::/64', '0:0:0:2::/112']);
  });
});

describe('cidrCountOf', () => {
  // Words biased to the edges (all zeros, all ones, aligned and all-ones-below values), where the counting turns.
  const word = fc.oneof(
    fc.constant(0),
    fc.constant(0xffffffff),
    fc.tuple(fc.nat(0xffffffff), fc.integer({ min: 0, max: 32 })).map(([value, bits]) => (bits === 32 ? 0 : (value >>> bits) << bits) >>> 0),
    fc.tuple(fc.nat(0xffffffff), fc.integer({ min: 0, max: 32 })).map(([value, bits]) => (value | (bits === 32 ? -1 : (1 << bits) - 1)) >>> 0),
    fc.nat(0xffffffff),
  );
  const range = (w: number): fc.Arbitrary<[Uint32Array, Uint32Array]> =>
    fc.tuple(fc.array(word, { minLength: w, maxLength: w }), fc.array(word, { minLength: w, maxLength: w }), fc.nat(w)).map(([a, b, shared]) => {
      const x = Uint32Array.from(a);
      const y = Uint32Array.from(b);
      for (let k = 0; k < shared; k++) y[k] = x[k]!; // a common prefix of whole words
      for (let k = 0; k < w; k++) if (x[k] !== y[k]) return x[k]! < y[k]! ? [x, y] : [y, x];
      return [x, y];
    });

  it('is the number of blocks forEachCidrOf lists, in both families', () => {
    for (const w of [1, 4]) {
      fc.assert(
        fc.property(range(w), ([lo, hi]) => {
          let listed = 0;
          forEachCidrOf(lo, hi, w, () => listed++);
          expect(cidrCountOf(lo, hi, w)).toBe(listed);
          // Read in place from a set's bounds (lo then hi, after other words), as naming a set does.
          const bounds = Uint32Array.from([7, ...lo, ...hi]);
          expect(cidrCountOf(bounds, bounds, w, 1, 1 + w)).toBe(listed);
        }),
        { numRuns: 2000 },
      );
    }
  });

  it('counts word-aligned IPv6 intervals (lo zeros, hi ones below the first differing word) as it lists them', () => {
    // The one-word path (issue 22): below the first word where lo and hi differ, lo is all zeros and hi all ones.
    const aligned = fc.tuple(fc.nat(3), fc.array(fc.nat(0xffffffff), { minLength: 4, maxLength: 4 }), word, word).map(([at, prefix, a, b]) => {
      const lo = Uint32Array.from(prefix);
      const hi = Uint32Array.from(prefix);
      [lo[at], hi[at]] = a < b ? [a, b] : [b, a];
      for (let k = at + 1; k < 4; k++) [lo[k], hi[k]] = [0, 0xffffffff];
      return [lo, hi] as const;
    });
    fc.assert(
      fc.property(aligned, ([lo, hi]) => {
        let listed = 0;
        forEachCidrOf(lo, hi, 4, () => listed++);
        expect(cidrCountOf(lo, hi, 4)).toBe(listed);
      }),
      { numRuns: 2000 },
    );
  });

  it('counts the known cases', () => {
    expect(cidrCountOf(words('0.0.0.0'), words('255.255.255.255'), 1)).toBe(1);
    expect(cidrCountOf(words('0.0.0.1'), words('255.255.255.254'), 1)).toBe(62);
    expect(cidrCountOf(words('::'), words('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'), 4)).toBe(1);
    expect(cidrCountOf(words('::1'), words('ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe'), 4)).toBe(254);
    expect(cidrCountOf(words('0:0:0:1::'), words('0:0:0:2::ffff'), 4)).toBe(2);
  });
});
