/**
 * The table and byte writers of cidr-text.ts against the template formatting they replaced (formatCidr over
 * AddressSet.toCidrs: `${formatIPv4(network)}/${prefixLength}`), on random sets of both families with the edges.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressSet } from './address-set.js';
import { formatCidr, formatIPv6, type Family } from './ip.js';
import { elementLines } from '../targets/netfilter/nftables/render.js';
import { AsciiText, CidrBlocks, ipv4CidrText, ipv4CidrTexts, ipv6CidrTexts, type LineLayout } from './cidr-text.js';
import { ipv4BlocksInModule, ipv6BlocksInModule, KERNEL_LIMITS } from './interval-kernels.js';

const octet = fc.oneof(fc.constantFrom(0, 1, 9, 10, 99, 100, 199, 255), fc.integer({ min: 0, max: 255 }));
const ipv4Parts = fc.tuple(octet, octet, octet, octet);
const ipv4 = ipv4Parts.map((parts) => parts.join('.'));
const ipv4Value = (parts: readonly number[]): number => parts.reduce((value, part) => value * 256 + part, 0);
const ipv4Entry = fc.oneof(
  fc.tuple(ipv4, fc.integer({ min: 0, max: 32 })).map(([address, length]) => `${address}/${length}`),
  ipv4,
  // A range, its ends in order (a range that ends first is an input error, not a set).
  fc.tuple(ipv4Parts, ipv4Parts).map(([a, b]) => (ipv4Value(a) <= ipv4Value(b) ? [a, b] : [b, a]).map((parts) => parts.join('.')).join('-')),
  fc.constantFrom('0.0.0.0/0', '255.255.255.255/32', '0.0.0.0/32', '10.0.0.0/25', '10.0.0.128/25', '10.0.0.0/24'),
);
const group = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff }));
const ipv6 = fc.array(group, { minLength: 8, maxLength: 8 }).map((groups) => groups.map((g) => g.toString(16)).join(':'));
const ipv6Entry = fc.oneof(
  fc.tuple(ipv6, fc.integer({ min: 0, max: 128 })).map(([address, length]) => `${address}/${length}`),
  ipv6,
  fc.constantFrom('::/0', '::/128', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128', '2001:db8::/33', '2001:db8:8000::/33', '::1'),
);
const addressSet = fc.array(fc.oneof(ipv4Entry, ipv6Entry), { maxLength: 40 }).map((entries) => AddressSet.fromStrings(entries, { normalize: true }));

/** The old text: the template formatting of each block of the minimal list. */
const templateText = (set: AddressSet, family: Family): string[] => set.toCidrs(family).map(formatCidr);

/** The old nft element lines: 8 strings a line, joined, a comma after every line but the last. */
function templateElementLines(cidrs: readonly string[], indent: string): string[] {
  const lines: string[] = [];
  for (let i = 0; i < cidrs.length; i += 8) lines.push(`${indent}${cidrs.slice(i, i + 8).join(', ')}${i + 8 < cidrs.length ? ',' : ''}`);
  return lines;
}

/** interval-kernels.ts's module-blocks function of each family (blocks1, blocks4). */
const BLOCKS_IN_MODULE = { ipv4: ipv4BlocksInModule, ipv6: ipv6BlocksInModule } as const;

/** CidrBlocks.of's blocks of one family with KERNEL_LIMITS.blockWords set to `blockWords` (0: always the module). */
function blocksWith(family: Family, set: AddressSet, blockWords: number): string[] {
  KERNEL_LIMITS.blockWords = blockWords;
  try {
    return CidrBlocks.of(family, set[family]).strings();
  } finally {
    KERNEL_LIMITS.blockWords = 16;
  }
}

/** The module's blocks and CidrBlocks.of's own loop both give the template's text; a short set is not the module's. */
function expectModuleBlocksEqual(family: Family, set: AddressSet): void {
  const expected = templateText(set, family);
  const { bounds } = set[family];
  if (bounds.length > 0 && bounds.length < 16) expect(BLOCKS_IN_MODULE[family](bounds)).toBeUndefined();
  expect(blocksWith(family, set, 0)).toEqual(expected);
  expect(blocksWith(family, set, Infinity)).toEqual(expected);
}

/** For each list of entries, the module's block count and CidrBlocks.of's blocks (through the module) match the template. */
function expectModuleBlockCounts(family: Family, cases: readonly string[][]): void {
  for (const entries of cases) {
    const set = AddressSet.fromStrings(entries);
    KERNEL_LIMITS.blockWords = 0;
    try {
      expect(BLOCKS_IN_MODULE[family](set[family].bounds)?.count).toBe(templateText(set, family).length);
    } finally {
      KERNEL_LIMITS.blockWords = 16;
    }
    expect(blocksWith(family, set, 0)).toEqual(templateText(set, family));
  }
}

describe('CIDR text', () => {
  it('ipv4CidrText writes what the template wrote', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 }), (network, length) => {
        expect(ipv4CidrText(network >>> 0, length)).toBe(formatCidr({ family: 'ipv4', network: Uint32Array.of(network >>> 0), prefixLength: length }));
      }),
    );
  });

  it('AsciiText.ipv6Cidr writes what formatIPv6 and the template wrote (zero runs, ties, edges, any length)', () => {
    const word = fc.oneof(fc.constantFrom(0, 0xffff, 0x10000, 0xffff0000, 0xffffffff, 0x00010000, 1), fc.integer({ min: 0, max: 0xffffffff }));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.array(word, { minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 128 })), { maxLength: 400 }), (blocks) => {
        const out = new AsciiText();
        const expected: string[] = [];
        for (const [words, length] of blocks) {
          const network = Uint32Array.from(words);
          if (expected.length > 0) out.write(' ');
          out.ipv6Cidr(network, 0, length);
          expected.push(`${formatIPv6(network, 0)}/${length}`);
        }
        expect(out.toString()).toBe(expected.join(' '));
      }),
      { numRuns: 300 },
    );
    const at = (words: number[], off: number): string => {
      const out = new AsciiText();
      out.ipv6Cidr(Uint32Array.from(words), off, 64);
      return out.toString();
    };
    expect(at([0, 0, 0, 0], 0)).toBe('::/64');
    expect(at([0, 0, 0, 1], 0)).toBe('::1/64');
    expect(at([0x20010db8, 0, 1, 0], 0)).toBe('2001:db8::1:0:0/64');
    // Two runs of two zero groups: the first is the one written as ::.
    expect(at([0x20010000, 0x1, 0, 0x10000], 0)).toBe('2001::1:0:0:1:0/64');
    expect(at([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], 0)).toBe('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/64');
    expect(at([7, 7, 7, 7, 0x20010db8, 0xabc, 0, 0], 4)).toBe('2001:db8:0:abc::/64');
  });

  it('CidrBlocks of IPv4 (its own walk, issue 22) lists the blocks of the general walk, past its first capacity', () => {
    // 1.0.0.0-255.255.255.254 is 62 blocks from one interval: the arrays, sized for 4, grow several times.
    for (const entries of [['0.0.0.1-255.255.255.254'], ['0.0.0.0/0'], ['255.255.255.255'], ['0.0.0.0', '0.0.0.2-0.0.0.9', '10.0.0.0/8', '192.168.1.3-192.168.2.200']]) {
      const set = AddressSet.fromStrings(entries);
      expect(CidrBlocks.of('ipv4', set.ipv4).strings()).toEqual(templateText(set, 'ipv4'));
    }
  });

  it('CidrBlocks of IPv4 from interval-kernels.wat (blocks1) lists the blocks of the general walk and of its own', () => {
    // Intervals at the edges of the space (0, 255.255.255.255, the whole range: the module's walk steps past 2^32 - 1)
    // and of many blocks; every set through the module (blockWords 0) and through ofIPv4's loop (Infinity).
    const edge = fc.constantFrom(0, 1, 2, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff);
    const value = fc.oneof(edge, fc.integer({ min: 0, max: 0xffffffff }));
    const text = (v: number): string => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
    const interval = fc.tuple(value, value).map(([a, b]) => (a === b ? text(a) : `${text(Math.min(a, b))}-${text(Math.max(a, b))}`));
    fc.assert(
      fc.property(fc.array(interval, { maxLength: 24 }), (entries) => expectModuleBlocksEqual('ipv4', AddressSet.fromStrings(entries))),
      { numRuns: 300 },
    );
    expectModuleBlockCounts('ipv4', [['0.0.0.0/0'], ['0.0.0.1-255.255.255.254'], ['255.255.255.255'], ['0.0.0.0'], ['0.0.0.0-255.255.255.254', '255.255.255.255']]);
  });

  it('CidrBlocks of IPv6 (its own walk, issue 22) lists the blocks of the general walk, ranges across word edges', () => {
    // Ranges whose ends differ in any of the four words, with carries and borrows at word edges, the full range, and
    // intervals of many blocks (the arrays grow past their first size).
    const word = fc.oneof(fc.constantFrom(0, 1, 2, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff), fc.integer({ min: 0, max: 0xffffffff }));
    const address = fc.array(word, { minLength: 4, maxLength: 4 });
    const text = (words: readonly number[]): string => words.flatMap((w) => [(w >>> 16).toString(16), (w & 0xffff).toString(16)]).join(':');
    const interval = fc.tuple(address, address).map(([a, b]) => {
      for (let k = 0; k < 4; k++) if (a[k] !== b[k]) return a[k]! < b[k]! ? `${text(a)}-${text(b)}` : `${text(b)}-${text(a)}`;
      return text(a);
    });
    fc.assert(
      fc.property(fc.array(interval, { maxLength: 12 }), (entries) => {
        const set = AddressSet.fromStrings(entries);
        expect(CidrBlocks.of('ipv6', set.ipv6).strings()).toEqual(templateText(set, 'ipv6'));
      }),
      { numRuns: 300 },
    );
    for (const entries of [['::1-ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe'], ['::/0'], ['::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe'], ['::1-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'], ['2603:1030::ffff:ffff-2603:1030::1:0:0'], ['2603:1030::/48', '2603:1031::/48']]) {
      const set = AddressSet.fromStrings(entries);
      expect(CidrBlocks.of('ipv6', set.ipv6).strings()).toEqual(templateText(set, 'ipv6'));
    }
  });

  it('CidrBlocks of IPv6 from interval-kernels.wat (blocks4) lists the blocks of the general walk and of its own', () => {
    // Ends that differ in any word, at the halves' edges (carries into the high half, the step past the last
    // address), the whole range and single prefixes; every set through the module (blockWords 0) and through
    // CidrBlocks.of's own loop (Infinity), with the module's count checked against the blocks.
    const word = fc.oneof(fc.constantFrom(0, 1, 2, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff), fc.integer({ min: 0, max: 0xffffffff }));
    const address = fc.array(word, { minLength: 4, maxLength: 4 });
    const text = (words: readonly number[]): string => words.flatMap((w) => [(w >>> 16).toString(16), (w & 0xffff).toString(16)]).join(':');
    const interval = fc.oneof(
      fc.tuple(address, address).map(([a, b]) => {
        for (let k = 0; k < 4; k++) if (a[k] !== b[k]) return a[k]! < b[k]! ? `${text(a)}-${text(b)}` : `${text(b)}-${text(a)}`;
        return text(a);
      }),
      fc.tuple(address, fc.integer({ min: 0, max: 128 })).map(([a, length]) => `${text(a)}/${length}`),
    );
    fc.assert(
      fc.property(fc.array(interval, { maxLength: 16 }), (entries) => expectModuleBlocksEqual('ipv6', AddressSet.fromStrings(entries, { normalize: true }))),
      { numRuns: 300 },
    );
    const max = 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff';
    expectModuleBlockCounts('ipv6', [['::/0'], ['::1-ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe'], [max], ['::'], ['::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe', max], ['::1-' + max], ['0:0:0:1:ffff:ffff:ffff:ffff-0:0:0:2::'], ['::ffff:ffff:ffff:ffff-0:0:0:1::ffff'], ['2603:1030::/48', '2603:1031::/48']]);
    // A tag-sized set: the module's blocks, as CidrBlocks.of takes them unprompted.
    const many = AddressSet.fromStrings(Array.from({ length: 400 }, (_, i) => `2603:10${(i >> 4).toString(16).padStart(2, '0')}:${(i & 15).toString(16)}::/${40 + (i % 24)}`), { normalize: true });
    expect(many.ipv6.bounds.length).toBeGreaterThanOrEqual(256);
    expect(ipv6BlocksInModule(many.ipv6.bounds)?.count).toBe(templateText(many, 'ipv6').length);
    expect(CidrBlocks.of('ipv6', many.ipv6).strings()).toEqual(templateText(many, 'ipv6'));
  });

  it('toCidrStrings, CidrBlocks and AsciiText agree with the template formatting', () => {
    fc.assert(
      fc.property(addressSet, (set) => {
        for (const family of ['ipv4', 'ipv6'] as const) {
          const expected = templateText(set, family);
          expect(set.toCidrStrings(family)).toEqual(expected);
          const blocks = CidrBlocks.of(family, set.of(family));
          expect(blocks.length).toBe(expected.length);
          expect(blocks.strings()).toEqual(expected);
          const out = new AsciiText();
          for (let i = 0; i < blocks.length; i++) {
            if (i > 0) out.write(', ');
            blocks.writeTo(out, i);
          }
          expect(out.toString()).toBe(expected.join(', '));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('nft element lines of any index range are the old lines of that slice', () => {
    fc.assert(
      fc.property(addressSet, fc.nat(), fc.nat(), (set, a, b) => {
        for (const family of ['ipv4', 'ipv6'] as const) {
          const expected = templateText(set, family);
          const from = expected.length === 0 ? 0 : a % (expected.length + 1);
          const to = from + (expected.length === 0 ? 0 : b % (expected.length - from + 1));
          const lines = templateElementLines(expected.slice(from, to), '\t\t');
          expect(elementLines(CidrBlocks.of(family, set.of(family)), from, to, '\t\t')).toBe(lines.join('\n'));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('lines of any layout and index range are the template texts laid out (both families, the joined and buffered paths)', () => {
    const layout = fc.record({
      perLine: fc.integer({ min: 1, max: 9 }),
      lineStart: fc.constantFrom('', '\t', 'add tw_swap '),
      within: fc.constantFrom('', ', ', ' '),
      between: fc.constantFrom('\n', ',\n', ''),
    });
    const laidOut = (texts: readonly string[], { perLine, lineStart, within, between }: LineLayout): string => {
      const lines: string[] = [];
      for (let i = 0; i < texts.length; i += perLine) lines.push(lineStart + texts.slice(i, i + perLine).join(within));
      return lines.join(between);
    };
    fc.assert(
      fc.property(addressSet, layout, fc.nat(), fc.nat(), (set, shape, a, b) => {
        for (const family of ['ipv4', 'ipv6'] as const) {
          const expected = templateText(set, family);
          const from = expected.length === 0 ? 0 : a % (expected.length + 1);
          const to = from + (expected.length === 0 ? 0 : b % (expected.length - from + 1));
          expect(CidrBlocks.of(family, set.of(family)).lines(from, to, shape)).toBe(laidOut(expected.slice(from, to), shape));
        }
      }),
      { numRuns: 300 },
    );
    // More blocks than the joined path takes (5,000 separate /25s; 5,000 separate IPv6 /64s): the byte buffer writes them.
    const many = AddressSet.fromStrings([
      ...Array.from({ length: 5000 }, (_, i) => `10.${i >> 8}.${i & 255}.${i % 3 === 0 ? 0 : 128}/25`),
      ...Array.from({ length: 5000 }, (_, i) => `2001:db8:${(i * 2).toString(16)}:${i % 5 === 0 ? 0 : 'ff'}::/64`),
    ]);
    for (const family of ['ipv4', 'ipv6'] as const) {
      const expected = templateText(many, family);
      expect(expected.length).toBeGreaterThan(4096);
      fc.assert(
        fc.property(layout, (shape) => {
          expect(CidrBlocks.of(family, many.of(family)).lines(0, expected.length, shape)).toBe(laidOut(expected, shape));
        }),
        { numRuns: 5 },
      );
    }
  });

  it('ipv4CidrTexts and toCidrStrings of large sets (the joined and the buffered paths) write what the template wrote', () => {
    const large = fc.array(fc.oneof(ipv4Entry, ipv4Entry, ipv6Entry), { minLength: 60, maxLength: 600 }).map((entries) => AddressSet.fromStrings(entries, { normalize: true }));
    fc.assert(
      fc.property(large, (set) => {
        const expected = templateText(set, 'ipv4');
        expect(ipv4CidrTexts(set.ipv4.bounds)).toEqual(expected);
        expect(set.toCidrStrings('ipv4')).toEqual(expected);
        expect(set.toCidrStrings()).toEqual([...expected, ...templateText(set, 'ipv6')]);
      }),
      { numRuns: 100 },
    );
    // Adjacent blocks that merge, the full range, and the edges.
    // 5,000 separate blocks (/27 to /31): more intervals than the joined path takes, so the buffered one writes them.
    const separate = Array.from({ length: 5000 }, (_, i) => `20.${i >> 8}.${i & 255}.${(i % 7) * 32}/${27 + (i % 5)}`);
    for (const entries of [['0.0.0.0/0'], ['255.255.255.255/32', '0.0.0.0/32'], Array.from({ length: 3000 }, (_, i) => `10.${i >> 8}.${i & 255}.${i % 3 === 0 ? 0 : 128}/25`), separate, []]) {
      const set = AddressSet.fromStrings(entries, { normalize: true });
      expect(ipv4CidrTexts(set.ipv4.bounds)).toEqual(templateText(set, 'ipv4'));
      expect(set.toCidrStrings('ipv4')).toEqual(templateText(set, 'ipv4'));
    }
  });

  it('ipv6CidrTexts and toCidrStrings of large IPv6 sets write what formatIPv6 wrote of each block', () => {
    // Published prefixes (one block an interval), ranges that split into several blocks, zero runs and ties, the edges.
    const prefix = fc.tuple(fc.array(group, { minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: 128 })).map(([groups, length]) => `${groups.map((g) => g.toString(16)).join(':')}/${length}`);
    const range = fc.tuple(ipv6, ipv6).map(([a, b]) => {
      const [lo, hi] = [AddressSet.parse(a), AddressSet.parse(b)].map((set) => set.ipv6.bounds);
      for (let k = 0; k < 4; k++) if (lo![k] !== hi![k]) return lo![k]! < hi![k]! ? `${a}-${b}` : `${b}-${a}`;
      return a;
    });
    const large = fc.array(fc.oneof(prefix, prefix, range, ipv6Entry, ipv4Entry), { minLength: 10, maxLength: 400 }).map((entries) => AddressSet.fromStrings(entries, { normalize: true }));
    fc.assert(
      fc.property(large, (set) => {
        const expected = templateText(set, 'ipv6');
        expect(ipv6CidrTexts(set.ipv6)).toEqual(expected);
        expect(set.toCidrStrings('ipv6')).toEqual(expected);
        expect(set.toCidrStrings()).toEqual([...templateText(set, 'ipv4'), ...expected]);
      }),
      { numRuns: 150 },
    );
    for (const entries of [['::/0'], ['::/128', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128'], Array.from({ length: 3000 }, (_, i) => `2603:1030:${i.toString(16)}::${i % 7 === 0 ? '' : (i % 5).toString(16)}/${i % 7 === 0 ? 48 : 128}`), []]) {
      const set = AddressSet.fromStrings(entries, { normalize: true });
      expect(ipv6CidrTexts(set.ipv6)).toEqual(templateText(set, 'ipv6'));
      expect(set.toCidrStrings()).toEqual(templateText(set, 'ipv6'));
    }
  });

  it('grows its buffer across many blocks (a set larger than the first buffer)', () => {
    const set = AddressSet.fromStrings(Array.from({ length: 5000 }, (_, i) => `10.${i >> 8}.${i & 255}.0/25`));
    const expected = templateText(set, 'ipv4');
    expect(elementLines(CidrBlocks.of('ipv4', set.ipv4), 0, expected.length, '\t')).toBe(templateElementLines(expected, '\t').join('\n'));
    expect(CidrBlocks.empty('ipv6').strings()).toEqual([]);
  });
});
