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
