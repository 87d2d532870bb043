/**
 * AddressSet.fromStrings reads plain CIDRs through one-pass fast paths and hands anything else to the full parser.
 * The two must agree on every input: the same addresses, or the same error. A leading space forces the full
 * parser (the fast paths refuse it; the entry is trimmed and parsed in full), which gives the reference.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressSet } from './address-set.js';

function outcome(entry: string): { cidrs: string[] } | { code: string } {
  try {
    return { cidrs: AddressSet.fromStrings([entry]).toCidrStrings() };
  } catch (error) {
    return { code: (error as { code: string }).code };
  }
}

const hexGroup = fc.constantFrom('0', '00', '0000', '1', 'db8', 'DB8', '2001', 'ffff', 'FfFf', '12345', 'g', '');
const ipv6Like = fc
  .array(fc.oneof(hexGroup, fc.constantFrom(':', '::', ':::', '.', '1.2.3.4', '%eth0')), { minLength: 1, maxLength: 12 })
  .chain((parts) => fc.tuple(fc.constant(parts.join('')), fc.constantFrom('', '/', '/0', '/00', '/32', '/48', '/64', '/127', '/128', '/129', '/1000', '/x')))
  .map(([address, length]) => `${address}${length}`);
const wellFormed = fc
  .tuple(
    fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }),
    // Mostly /128, so that host bits do not turn most cases into the same error.
    fc.oneof(fc.constant(128), fc.integer({ min: 0, max: 128 })),
    fc.integer({ min: 0, max: 8 }),
    fc.integer({ min: 0, max: 8 }),
    fc.option(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.constantFrom('12345', '0ffff', '1.2.3.4', '')), { nil: undefined }),
  )
  .map(([groups, length, gapStart, gapLength, odd]) => {
    const text = groups.map((group) => group.toString(16));
    if (odd) text[odd[0]] = odd[1];
    // Zero a run and write it as '::' sometimes (valid only when the run is at least one group).
    const end = Math.min(8, gapStart + gapLength);
    if (gapLength > 0 && end > gapStart) return `${text.slice(0, gapStart).join(':')}::${text.slice(end).join(':')}/${length}`;
    return `${text.join(':')}/${length}`;
  });

describe('fromStrings fast paths agree with the full parser', () => {
  it('IPv6: the same addresses or the same error code', () => {
    fc.assert(
      fc.property(fc.oneof(ipv6Like, wellFormed), (entry) => {
        expect(outcome(entry)).toEqual(outcome(` ${entry}`));
      }),
      { numRuns: 3000 },
    );
  });
});

// ─── the bulk IPv6 union against a BigInt reference ─────────────────────────────────────────────────────────────

const ALL_ONES = (1n << 128n) - 1n;

/** A prefix as a BigInt network and length, its host bits cleared. */
interface Prefix {
  readonly network: bigint;
  readonly length: number;
}

function hostMask(length: number): bigint {
  return ALL_ONES >> BigInt(length);
}

/** Eight groups, written with '::' for the longest zero run (as published), or in full, or upper case. */
function writePrefix({ network, length }: Prefix, style: 'canonical' | 'full' | 'upper'): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((network >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  if (style === 'full') return `${groups.join(':')}/${length}`;
  let best = [-1, 0];
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > Math.max(1, best[1]!)) best = [i, j - i];
    i = Math.max(j, i + 1);
  }
  const text = best[0]! < 0 ? groups.join(':') : `${groups.slice(0, best[0]).join(':')}::${groups.slice(best[0]! + best[1]!).join(':')}`;
  return `${style === 'upper' ? text.toUpperCase() : text}/${length}`;
}

const arbValue = fc.oneof(
  fc.bigInt({ min: 0n, max: ALL_ONES }),
  // Clustered, as a snapshot's are: a shared /32, then a few random groups.
  fc.bigInt({ min: 0n, max: (1n << 96n) - 1n }).map((low) => (0x2603_1000n << 96n) | low),
  // IPv4-mapped (::ffff:0:0/96) and the edges of the space.
  fc.nat().map((v4) => (0xffffn << 32n) | BigInt(v4)),
  fc.constantFrom(0n, 1n, ALL_ONES, ALL_ONES - 1n),
);
const arbLength = fc.oneof(fc.integer({ min: 0, max: 128 }), fc.constantFrom(0, 1, 32, 48, 64, 96, 127, 128));
const arbPrefix = fc.tuple(arbValue, arbLength).map(([value, length]): Prefix => ({ network: value & ~hostMask(length), length }));

/** A list of prefixes with neighbours and nested ones among them (the cases a merge can get wrong). */
const arbPrefixes = fc
  .array(fc.tuple(arbPrefix, fc.constantFrom('alone', 'adjacent', 'nested', 'twice'), fc.integer({ min: 0, max: 128 })), { maxLength: 60 })
  .map((items) =>
    items.flatMap(([prefix, relative, extra]): Prefix[] => {
      const size = hostMask(prefix.length) + 1n;
      if (relative === 'adjacent' && prefix.network + size <= ALL_ONES) return [prefix, { network: prefix.network + size, length: prefix.length }];
      if (relative === 'nested') {
        const length = Math.max(prefix.length, extra);
        return [prefix, { network: (prefix.network | (hostMask(prefix.length) & BigInt(extra) * 0x1_0001_0001n)) & ~hostMask(length), length }];
      }
      return relative === 'twice' ? [prefix, prefix] : [prefix];
    }),
  );

/** The union as maximal intervals: sorted, overlapping and adjacent ones joined. */
function referenceIntervals(prefixes: readonly Prefix[]): Array<[bigint, bigint]> {
  const sorted = prefixes.map((p): [bigint, bigint] => [p.network, p.network | hostMask(p.length)]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Array<[bigint, bigint]> = [];
  for (const [lo, hi] of sorted) {
    const last = out.at(-1);
    if (last && lo <= last[1] + 1n) last[1] = hi > last[1] ? hi : last[1];
    else out.push([lo, hi]);
  }
  return out;
}

/** Greedy CIDR blocks of [lo, hi]: the largest aligned block at each step. */
function referenceBlocks([lo, hi]: [bigint, bigint]): Prefix[] {
  const blocks: Prefix[] = [];
  for (let at = lo; at <= hi; ) {
    let length = 128;
    while (length > 0 && (at & hostMask(length - 1)) === 0n && (at | hostMask(length - 1)) <= hi) length--;
    blocks.push({ network: at, length });
    at = (at | hostMask(length)) + 1n;
  }
  return blocks;
}

function wordsOf(bounds: Uint32Array, at: number): bigint {
  let value = 0n;
  for (let k = 0; k < 4; k++) value = (value << 32n) | BigInt(bounds[at + k]!);
  return value;
}

describe('the bulk IPv6 union (fast parse, sort, merge) equals a BigInt reference', () => {
  it('the same intervals and the same minimal CIDR list, in any text form (property)', () => {
    fc.assert(
      fc.property(arbPrefixes, fc.constantFrom('canonical', 'full', 'upper') as fc.Arbitrary<'canonical' | 'full' | 'upper'>, (prefixes, style) => {
        const set = AddressSet.fromStrings(prefixes.map((prefix) => writePrefix(prefix, style)));
        const intervals = referenceIntervals(prefixes);
        const bounds = set.ipv6.bounds;
        expect(bounds.length).toBe(8 * intervals.length);
        intervals.forEach(([lo, hi], i) => {
          expect(wordsOf(bounds, 8 * i)).toBe(lo);
          expect(wordsOf(bounds, 8 * i + 4)).toBe(hi);
        });
        expect(set.toCidrStrings('ipv6')).toEqual(intervals.flatMap(referenceBlocks).map((block) => writePrefix(block, 'canonical')));
        expect(set.ipv4.isEmpty()).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('::/0, ::/128, the top /128 and an IPv4-mapped prefix in its dotted form', () => {
    expect(AddressSet.fromStrings(['::/128', '::/0']).toCidrStrings()).toEqual(['::/0']);
    expect(AddressSet.fromStrings(['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128', '::/128']).toCidrStrings()).toEqual(['::/128', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128']);
    expect(AddressSet.fromStrings(['::ffff:10.0.0.0/104', '::ffff:a00:0/104', '::ffff:b00:0/104']).toCidrStrings()).toEqual(['::ffff:a00:0/103']);
  });
});
