/**
 * cidr-list.wat reads long lists of plain address entries for AddressSet.fromStrings; the JavaScript parses the rest.
 * Here: the module is what its text says; it takes the lists it is for (else it would only be slow); and whatever it
 * takes, the JavaScript takes to the same set: on generated lists of every form it reads, on near misses, and on
 * one-byte changes of them, where it must either refuse the list or agree with the JavaScript (which must then
 * accept it too).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assemble, MODULES, moduleText } from '../../scripts/build-wasm.js';
import { AddressEntries, AddressSet } from './address-set.js';
import { readAddressList, readSeparatedAddressList, writeCidrLines } from './cidr-list.js';
import { CidrBlocks, ipv4CidrText, type LineLayout } from './cidr-text.js';
import { IntervalSet } from './intervals.js';
import { formatIPv6, IPV4, IPV6 } from './ip.js';

/** The set the JavaScript parses, entry by entry; the error it throws, as a string. */
function javaScriptSet(entries: readonly string[], normalize: boolean): AddressSet | string {
  const columns = new AddressEntries(entries.length, { normalize });
  try {
    for (const entry of entries) columns.add(entry);
  } catch (error) {
    return String(error);
  }
  return columns.toSet();
}

/** The set cidr-list.wat reads, or undefined where it leaves the list to the JavaScript. */
function webAssemblySet(entries: readonly string[], normalize: boolean): AddressSet | undefined {
  const columns = readAddressList(entries, normalize, entries.length);
  if (!columns) return undefined;
  const ipv4 = columns.v4lo ? IntervalSet.fromUnsorted(IPV4, columns.v4lo, columns.v4hi!, columns.n4) : IntervalSet.empty(IPV4);
  const ipv6 = columns.v6lo ? IntervalSet.fromUnsorted(IPV6, columns.v6lo, columns.v6hi!, columns.n6) : IntervalSet.empty(IPV6);
  // The merge in WebAssembly, where the columns were in order, is the JavaScript's sort and merge of them.
  if (columns.v4bounds) expect([...IntervalSet.fromCanonicalBounds(IPV4, columns.v4bounds).bounds]).toEqual([...ipv4.bounds]);
  if (columns.v6bounds) expect([...IntervalSet.fromCanonicalBounds(IPV6, columns.v6bounds).bounds]).toEqual([...ipv6.bounds]);
  return AddressSet.fromIntervalSets(ipv4, ipv6);
}

/** Either the reader refuses the list, or the JavaScript accepts it and both give the same set. */
function expectAgreement(entries: readonly string[], normalize: boolean): boolean {
  const read = webAssemblySet(entries, normalize);
  if (read === undefined) return false;
  const expected = javaScriptSet(entries, normalize);
  expect(typeof expected === 'string' ? expected : expected.toString(), JSON.stringify(entries)).toBe(read.toString());
  return true;
}

// ─── generated entries ──────────────────────────────────────────────────────────────────────────────────────

const octet = fc.integer({ min: 0, max: 255 });
const ipv4Value = fc.tuple(octet, octet, octet, octet).map(([a, b, c, d]) => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0);
const ipv4Text = (value: number): string => `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
/** A CIDR, its host bits cleared unless `hostBits`. */
const ipv4Cidr = (hostBits: boolean): fc.Arbitrary<string> =>
  fc.tuple(ipv4Value, fc.integer({ min: 0, max: 32 })).map(([value, length]) => {
    const network = length === 0 ? 0 : (value & (0xffffffff << (32 - length))) >>> 0;
    return `${ipv4Text(hostBits ? value : network)}/${length}`;
  });
const ipv4Range = fc.tuple(ipv4Value, ipv4Value).map(([a, b]) => `${ipv4Text(Math.min(a, b))}-${ipv4Text(Math.max(a, b))}`);

const groups = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 });
/** An IPv6 address in one of its text forms: full, with '::' for a run of zero groups, upper or lower case. */
const ipv6Text = (words: readonly number[], gap: boolean, upper: boolean, zeros: number): string => {
  let text = words.map((word) => word.toString(16)).join(':');
  if (gap) text = text.replace(/(^|:)0(:0)*(:|$)/, '::');
  if (zeros > 0) text = text.replace(/(^|:)([0-9a-f])(?=:|$)/, `$1${'0'.repeat(Math.min(zeros, 3))}$2`);
  return upper ? text.toUpperCase() : text;
};
/** Groups with runs of zeros, so that '::' stands in several places. */
const sparseGroups = fc.tuple(groups, fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 8 })).map(([words, at, run]) =>
  words.map((word, k) => (k >= at && k < at + run ? 0 : word)),
);
const ipv6Address = fc.tuple(sparseGroups, fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 3 }));
const ipv6Cidr = (hostBits: boolean): fc.Arbitrary<string> =>
  fc.tuple(ipv6Address, fc.integer({ min: 0, max: 128 })).map(([[words, gap, upper, zeros], length]) => {
    const network = words.map((word, k) => (16 * (k + 1) <= length ? word : 16 * k >= length ? 0 : word & (0xffff << (16 * (k + 1) - length))));
    return `${ipv6Text(hostBits ? words : network, gap, upper, zeros)}/${length}`;
  });
const compareGroups = (a: readonly number[], b: readonly number[]): number => {
  for (let k = 0; k < 8; k++) if (a[k] !== b[k]) return a[k]! - b[k]!;
  return 0;
};
const ipv6Range = fc.tuple(ipv6Address, ipv6Address).map(([[a, gapA, upperA], [b, gapB, upperB]]) => {
  const [first, last] = compareGroups(a, b) <= 0 ? [a, b] : [b, a];
  return `${ipv6Text(first, gapA, upperA, 0)}-${ipv6Text(last, gapB, upperB, 0)}`;
});

/**
 * Lists in order of their low bounds, as a rendered set's elements come, with overlapping, nested and adjacent
 * neighbours, so that the merge in WebAssembly joins them (random lists are out of order and go to the JavaScript's).
 */
const orderedIPv4 = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 300 }), fc.constantFrom(-1, 0, 1, 2, 50)), { minLength: 1, maxLength: 40 })
  .map((pieces) => {
    const sorted = pieces.map(([lo, span]) => [lo, Math.min(2 ** 32 - 1, lo + span)] as const).sort((a, b) => a[0] - b[0]);
    // Each next piece starts relative to the last one's end: inside it, just after it (adjacent), or past it.
    const out: Array<readonly [number, number]> = [];
    pieces.forEach(([, span, step], k) => {
      const previous = out[k - 1];
      const lo = previous === undefined ? sorted[0]![0] : Math.min(2 ** 32 - 1, Math.max(previous[0], previous[1] + step));
      out.push([lo, Math.min(2 ** 32 - 1, lo + span)]);
    });
    return out.map(([lo, hi]) => (lo === hi ? ipv4Text(lo) : `${ipv4Text(lo)}-${ipv4Text(hi)}`));
  });
const orderedIPv6 = fc
  .tuple(groups, fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.constantFrom(-1, 0, 1, 2, 50)), { minLength: 1, maxLength: 40 }))
  .map(([base, pieces]) => {
    // The low 64 bits near 2^64 - 1, so that adjacency carries across words and across the two 64-bit halves.
    const value = (low: number): number[] => {
      const words = [(base[0]! << 16) | base[1]!, (base[2]! << 16) | base[3]!].map((word) => word >>> 0);
      const carried = [...words, 0xffffffff, 0];
      let v = 0xffffff00 + low;
      for (let k = 3; k >= 0 && v > 0; k--) {
        const sum = carried[k]! + v;
        carried[k] = sum % 2 ** 32;
        v = Math.floor(sum / 2 ** 32);
      }
      return carried;
    };
    const text = (words: number[]): string => ipv6Text(words.flatMap((word) => [word >>> 16, word & 0xffff]), true, false, 0);
    const out: Array<readonly [number, number]> = [];
    pieces.forEach(([span, step], k) => {
      const previous = out[k - 1];
      const lo = previous === undefined ? 0 : Math.max(previous[0], previous[1] + step);
      out.push([lo, lo + span]);
    });
    return out.map(([lo, hi]) => (lo === hi ? text(value(lo)) : `${text(value(lo))}-${text(value(hi))}`));
  });

/** Every form the reader takes. */
const plainEntry = fc.oneof(
  ipv4Cidr(false),
  ipv4Value.map(ipv4Text),
  ipv4Range,
  ipv6Cidr(false),
  ipv6Address.map(([words, gap, upper, zeros]) => ipv6Text(words, gap, upper, zeros)),
  ipv6Range,
);
/** Forms it must leave to the JavaScript: each either an error or a form the JavaScript alone reads. */
const NEAR_MISSES = [
  '10.0.0.1/24', '010.0.0.0/8', '10.0.0.0/08', '256.0.0.0/8', '10.0.0.0/33', '10.0.0.1/31', '10.0.0.0/024', '1.2.3.4/',
  ' 10.0.0.0/8', '10.0.0.0/8 ', '10.0.0', '10.0.0.0.0', '1.2.3.4-1.2.3.3', '1.2.3.4 - 1.2.3.5', '1.2.3.4-1.2.3.5/32',
  '1.2.3.4-::1', '1.2.3.1000', '', '-', '/', ':', '::ffff:1.2.3.0/120', '2001:db8::1/32', '1:2:3:4:5:6:7:8:9/128',
  '1::2::3/128', '2001:db8:/32', '1:2:3:4::5:6:7:8/128', '2001:db8::/032', '::/129', '0:1::/31', '::1/127', ':1::',
  '1:2:3:4:5:6:7:8:', '12345::', 'fe80::1%eth0', '::2-::1', '::1-::2-::3', '1::-', 'x', '10.0.0.0/8,', 'é', '1.2.3.4\u0000',
];
const nearMiss = fc.constantFrom(...NEAR_MISSES);

describe('cidr-list.wat', () => {
  it('is the module its text assembles to (npm run wasm)', async () => {
    const module = MODULES.find((each) => each.constant === 'CIDR_LIST_WASM')!;
    const assembled = await assemble(readFileSync(module.wat, 'utf8'), 'cidr-list.wat');
    expect(readFileSync(module.module, 'utf8')).toBe(moduleText(assembled, module));
  });

  it('reads every plain form, to the set the JavaScript parses', () => {
    fc.assert(
      fc.property(fc.array(plainEntry, { minLength: 1, maxLength: 80 }), fc.boolean(), (entries, normalize) => {
        expect(expectAgreement(entries, normalize)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('merges lists in order as the JavaScript sorts and merges them', () => {
    let merged = 0;
    fc.assert(
      fc.property(orderedIPv4, orderedIPv6, fc.boolean(), (four, six, interleave) => {
        const entries = interleave ? four.flatMap((entry, k) => [entry, ...(six[k] === undefined ? [] : [six[k]!])]).concat(six.slice(four.length)) : [...four, ...six];
        expect(expectAgreement(entries, false)).toBe(true);
        const columns = readAddressList(entries, false, entries.length)!;
        expect(columns.v4bounds).toBeDefined();
        expect(columns.v6bounds).toBeDefined();
        if (columns.v4bounds!.length < 2 * four.length) merged++;
      }),
      { numRuns: 300 },
    );
    // Neighbours were joined, not only copied.
    expect(merged).toBeGreaterThan(100);
  });

  it('masks host bits off when asked to normalise, and leaves them to the JavaScript otherwise', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(ipv4Cidr(true), ipv6Cidr(true)), { minLength: 1, maxLength: 40 }), (entries) => {
        expect(expectAgreement(entries, true)).toBe(true);
        expectAgreement(entries, false);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses each near miss, alone or among plain entries', () => {
    // Host bits are the one miss that normalising reads (the JavaScript masks them off the same way).
    const hostBits = new Set(['10.0.0.1/24', '10.0.0.1/31', '2001:db8::1/32', '0:1::/31', '::1/127']);
    for (const entry of NEAR_MISSES) {
      expect(expectAgreement([entry], false), entry).toBe(false);
      expect(expectAgreement([entry], true), entry).toBe(hostBits.has(entry));
    }
    fc.assert(
      fc.property(fc.array(plainEntry, { maxLength: 20 }), nearMiss, fc.array(plainEntry, { maxLength: 20 }), (before, miss, after) => {
        expectAgreement([...before, miss, ...after], false);
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with the JavaScript on every one-byte change of a list it reads', () => {
    const alphabet = [...'0123456789abcdefABCDEF:./-, x%\u0000é'];
    fc.assert(
      fc.property(
        fc.array(plainEntry, { minLength: 1, maxLength: 6 }),
        fc.nat(),
        fc.constantFrom(...alphabet),
        fc.constantFrom('replace', 'insert', 'delete'),
        fc.boolean(),
        (entries, where, char, edit, normalize) => {
          const text = entries.join('\n');
          const at = where % (text.length + (edit === 'insert' ? 1 : 0));
          const changed = edit === 'replace' ? text.slice(0, at) + char + text.slice(at + 1) : edit === 'insert' ? text.slice(0, at) + char + text.slice(at) : text.slice(0, at) + text.slice(at + 1);
          expectAgreement(changed.split('\n'), normalize);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('leaves a list to the JavaScript when an entry holds the separator', () => {
    expect(readAddressList(['10.0.0.0/8,192.168.0.0/16'], false, 1)).toBeUndefined();
    expect(readAddressList(['10.0.0.0/8', ''], false, 2)).toBeUndefined();
    expect(readAddressList([], false, 0)).toBeUndefined();
  });

  it('gives columns with room for the capacity asked, each family only when it has entries', () => {
    const columns = readAddressList(['10.0.0.0/8', '192.168.1.1', '10.1.0.0-10.1.0.9'], false, 10)!;
    expect(columns.n4).toBe(3);
    expect(columns.n6).toBe(0);
    expect(columns.v4lo!.length).toBe(10);
    expect(columns.v6lo).toBeUndefined();
    expect([...columns.v4lo!.subarray(0, 3)]).toEqual([0x0a000000, 0xc0a80101, 0x0a010000]);
    expect([...columns.v4hi!.subarray(0, 3)]).toEqual([0x0affffff, 0xc0a80101, 0x0a010009]);
    const six = readAddressList(['2001:db8::/32', '::1'], false, 2)!;
    expect([six.n4, six.n6]).toEqual([0, 2]);
    expect([...six.v6lo!]).toEqual([0x20010db8, 0, 0, 0, 0, 0, 0, 1]);
    expect([...six.v6hi!]).toEqual([0x20010db8, 0xffffffff, 0xffffffff, 0xffffffff, 0, 0, 0, 1]);
  });

  it('joins neighbours whose bounds differ in a carry, each family', () => {
    // IPv4: 10.0.0.255 and 10.0.1.0 are adjacent; IPv6: the low 64 bits all ones, then the next value.
    const four = readAddressList(['10.0.0.0-10.0.0.255', '10.0.1.0/24', '10.0.3.0/24'], false, 3)!;
    expect([...four.v4bounds!]).toEqual([0x0a000000, 0x0a0001ff, 0x0a000300, 0x0a0003ff]);
    const six = readAddressList(['0:0:0:1::/64', '0:0:0:2::', '0:0:0:2::2'], false, 3)!;
    expect([...six.v6bounds!]).toEqual([0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 0, 2, 0, 2, 0, 2]);
    // Out of order: left to the JavaScript's sort.
    expect(readAddressList(['10.0.1.0/24', '10.0.0.0/24'], false, 2)!.v4bounds).toBeUndefined();
    expect(readAddressList(['::2', '::1'], false, 2)!.v6bounds).toBeUndefined();
  });
});

/** A text of entries as nft writes an element list: runs of ',' and white space between, before and after them. */
const separator = fc.array(fc.constantFrom(',', ' ', '\t', '\n', '\r\n', ', '), { minLength: 1, maxLength: 3 }).map((pieces) => pieces.join(''));
const separated = (entries: fc.Arbitrary<string[]>): fc.Arbitrary<string> =>
  fc.tuple(entries, fc.array(separator, { minLength: 81, maxLength: 81 }), fc.boolean(), fc.boolean()).map(([list, separators, lead, trail]) =>
    (lead ? separators[80]! : '') + list.map((entry, k) => (k === 0 ? '' : separators[k]!) + entry).join('') + (trail ? separators[0]! : ''),
  );

/** What the nft reader's JavaScript makes of an element list: its words (elementTexts), parsed one by one. */
function wordsSet(text: string, normalize: boolean): AddressSet | string {
  return javaScriptSet(text.split(/[ \t\r\n,]+/).filter((word) => word !== ''), normalize);
}

/** Either the reader refuses the text, or the JavaScript accepts its words and both give the same set. */
function expectSeparatedAgreement(text: string, normalize: boolean): boolean {
  const columns = readSeparatedAddressList(text, normalize);
  if (!columns) return false;
  const ipv4 = columns.v4lo ? IntervalSet.fromUnsorted(IPV4, columns.v4lo, columns.v4hi!, columns.n4) : IntervalSet.empty(IPV4);
  const ipv6 = columns.v6lo ? IntervalSet.fromUnsorted(IPV6, columns.v6lo, columns.v6hi!, columns.n6) : IntervalSet.empty(IPV6);
  if (columns.v4bounds) expect([...IntervalSet.fromCanonicalBounds(IPV4, columns.v4bounds).bounds]).toEqual([...ipv4.bounds]);
  if (columns.v6bounds) expect([...IntervalSet.fromCanonicalBounds(IPV6, columns.v6bounds).bounds]).toEqual([...ipv6.bounds]);
  expect(columns.v4lo?.length ?? 0).toBe(columns.n4);
  expect(columns.v6lo?.length ?? 0).toBe(4 * columns.n6);
  const expected = wordsSet(text, normalize);
  expect(typeof expected === 'string' ? expected : expected.toString(), JSON.stringify(text)).toBe(AddressSet.fromIntervalSets(ipv4, ipv6).toString());
  return true;
}

describe('cidr-list.wat on a text of entries (an nft element list)', () => {
  it('reads entries between runs of commas and white space, to the set of the words the nft reader splits', () => {
    fc.assert(
      fc.property(separated(fc.array(plainEntry, { maxLength: 80 })), fc.boolean(), (text, normalize) => {
        expect(expectSeparatedAgreement(text, normalize)).toBe(true);
      }),
      { numRuns: 400 },
    );
    expect(expectSeparatedAgreement('', false)).toBe(true);
    expect(expectSeparatedAgreement(' ,\n', false)).toBe(true);
    const ordered = '10.0.0.0/8, 10.1.0.0/16,\n\t2001:db8::/32 ,2001:db9::-2001:db9::ff';
    expect(readSeparatedAddressList(ordered, false)!.v4bounds).toEqual(Uint32Array.of(0x0a000000, 0x0affffff));
  });

  it('agrees with the nft reader on every one-byte change, and refuses near misses', () => {
    const alphabet = [...'0123456789abcdefABCDEF:./-, \t\nx%\u0000é'];
    fc.assert(
      fc.property(
        separated(fc.array(plainEntry, { minLength: 1, maxLength: 6 })),
        fc.nat(),
        fc.constantFrom(...alphabet),
        fc.constantFrom('replace', 'insert', 'delete'),
        fc.boolean(),
        (text, where, char, edit, normalize) => {
          const at = where % (text.length + (edit === 'insert' ? 1 : 0));
          expectSeparatedAgreement(edit === 'replace' ? text.slice(0, at) + char + text.slice(at + 1) : edit === 'insert' ? text.slice(0, at) + char + text.slice(at) : text.slice(0, at) + text.slice(at + 1), normalize);
        },
      ),
      { numRuns: 3000 },
    );
    for (const miss of NEAR_MISSES.filter((entry) => !/[ ,\t\n]/.test(entry) && entry !== '')) {
      expect(expectSeparatedAgreement(`10.0.0.0/8, ${miss}, ::/0`, false), miss).toBe(false);
    }
  });

  it('makes entries whose set is the list, from texts long enough to pay for the module', () => {
    const text = Array.from({ length: 200 }, (_, k) => `10.${k}.0.0/16`).join(',\n');
    expect(AddressEntries.ofSeparatedList(text)!.toSet().toString()).toBe('10.0.0.0/9, 10.128.0.0/10, 10.192.0.0/13');
    expect(AddressEntries.ofSeparatedList('10.0.0.0/8')).toBeUndefined();
    expect(AddressEntries.ofSeparatedList(`${text}, 10.0.0.1/8`)).toBeUndefined();
    expect(AddressEntries.ofSeparatedList(`${text}, 10.0.0.1/8`, { normalize: true })!.toSet().toString()).toBe('10.0.0.0/8');
  });
});

describe('AddressSet.fromStrings of a long list', () => {
  it('is the set the entries make one by one, read in WebAssembly or not', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(plainEntry, plainEntry, plainEntry, nearMiss), { minLength: 60, maxLength: 200 }), fc.boolean(), (entries, normalize) => {
        const expected = javaScriptSet(entries, normalize);
        let actual: string;
        try {
          actual = AddressSet.fromStrings(entries, { normalize }).toString();
        } catch (error) {
          actual = String(error);
        }
        expect(actual).toBe(typeof expected === 'string' ? expected : expected.toString());
      }),
      { numRuns: 150 },
    );
  });
});

describe('cidr-list.wat writing lines of CIDR blocks (CidrBlocks.lines)', () => {
  /** Lines as the layout says, from each block's own text. */
  function laidOut(texts: readonly string[], layout: LineLayout): string {
    let text = '';
    texts.forEach((block, k) => {
      text += k % layout.perLine === 0 ? (k === 0 ? layout.lineStart : layout.between + layout.lineStart) : layout.within;
      text += block;
    });
    return text;
  }
  const layout = fc.record({
    perLine: fc.integer({ min: 1, max: 10 }),
    lineStart: fc.constantFrom('', '\t\t\t', 'add element inet t s { '),
    within: fc.constantFrom(', ', ',', ' '),
    between: fc.constantFrom(',\n', ' }\n', '\n'),
  });
  /** A block: a network (its host bits clear) and its prefix length, with runs of zero groups for '::'. */
  const ipv4Block = fc.tuple(ipv4Value, fc.integer({ min: 0, max: 32 })).map(([value, length]) => ({ words: [length === 0 ? 0 : (value & (0xffffffff << (32 - length))) >>> 0], length }));
  const ipv6Block = fc.tuple(sparseGroups, fc.integer({ min: 0, max: 128 })).map(([groups, length]) => {
    const words = [0, 1, 2, 3].map((k) => ((groups[2 * k]! << 16) | groups[2 * k + 1]!) >>> 0);
    return { words: words.map((word, k) => { const bits = length - 32 * k; return bits >= 32 ? word : bits <= 0 ? 0 : (word & (0xffffffff << (32 - bits))) >>> 0; }), length };
  });

  it('writes what the IPv4 tables and formatIPv6 write, in every layout and slice', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(ipv4Block, { maxLength: 40 }), fc.array(ipv6Block, { maxLength: 40 }), layout, fc.nat(), fc.nat(), (four, blocks4, blocks6, layout, a, b) => {
        const blocks = four ? blocks4 : blocks6;
        const width = four ? 1 : 4;
        const networks = Uint32Array.from(blocks.flatMap((block) => block.words));
        const lengths = Uint8Array.from(blocks.map((block) => block.length));
        const texts = blocks.map((block) => (four ? ipv4CidrText(block.words[0]!, block.length) : `${formatIPv6(Uint32Array.from(block.words))}/${block.length}`));
        const from = blocks.length === 0 ? 0 : a % blocks.length;
        const to = from + (b % (blocks.length - from + 1));
        expect(writeCidrLines(networks, lengths, width, from, to, layout)).toBe(laidOut(texts.slice(from, to), layout));
      }),
      { numRuns: 500 },
    );
  });

  it('is what CidrBlocks.lines gives for a long list, which it writes', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(ipv4Cidr(false), ipv6Cidr(false)), { minLength: 64, maxLength: 300 }), layout, (entries, layout) => {
        const set = AddressSet.fromStrings(entries);
        for (const [family, values] of [['ipv4', set.ipv4], ['ipv6', set.ipv6]] as const) {
          const blocks = CidrBlocks.of(family, values);
          expect(blocks.lines(0, blocks.length, layout)).toBe(laidOut(blocks.strings(), layout));
          expect(blocks.lines(1, blocks.length - 1, layout)).toBe(laidOut(blocks.strings(1, blocks.length - 1), layout));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('writes RFC 5952 text: the first of the longest zero runs as ::, lower case, no leading zeros', () => {
    const cases: Array<[number[], string]> = [
      [[0, 0, 0, 0], '::'],
      [[0, 0, 0, 1], '::1'],
      [[0x00010000, 0, 0, 0], '1::'],
      [[0x20010db8, 0, 0, 0], '2001:db8::'],
      [[0x20010000, 0x00010000, 0, 0], '2001:0:1::'],
      [[0x00010000, 0x00000002, 0, 3], '1:0:0:2::3'],
      [[0x00010000, 0x00020000, 0x00030000, 0x00040000], '1:0:2:0:3:0:4:0'],
      [[0xffff0000, 0, 0, 0], 'ffff::'],
      [[0x00010002, 0x00030004, 0x00050006, 0x00070008], '1:2:3:4:5:6:7:8'],
      [[0x00010000, 0x00030004, 0x00050006, 0x00070008], '1:0:3:4:5:6:7:8'],
    ];
    for (const [words, text] of cases) {
      expect(writeCidrLines(Uint32Array.from(words), Uint8Array.of(128), 4, 0, 1, { perLine: 1, lineStart: '', within: '', between: '' })).toBe(`${text}/128`);
    }
  });
});
