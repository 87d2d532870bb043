import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { editDistance, nearest } from './suggest.js';

const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), maxLength: 8 });

describe('editDistance', () => {
  it('is a metric', () => {
    fc.assert(
      fc.property(word, word, word, (a, b, c) => {
        expect(editDistance(a, a)).toBe(0);
        expect(editDistance(a, b)).toBe(editDistance(b, a));
        expect(editDistance(a, b) === 0).toBe(a === b);
        expect(editDistance(a, c)).toBeLessThanOrEqual(editDistance(a, b) + editDistance(b, c));
      }),
    );
  });

  it('with a bound, is exact up to the bound and above it otherwise', () => {
    fc.assert(
      fc.property(word, word, fc.nat({ max: 5 }), (a, b, bound) => {
        const exact = editDistance(a, b);
        const bounded = editDistance(a, b, bound);
        if (exact <= bound) expect(bounded).toBe(exact);
        else expect(bounded).toBeGreaterThan(bound);
      }),
    );
  });

  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('nearest', () => {
  it('orders by distance ignoring case, keeps ties in input order, drops far ones', () => {
    expect(nearest('storage.westus', ['Storage.WestUS2', 'Storage.WestUS', 'Sql.WestUS', 'AzureCloud'])).toEqual([
      'Storage.WestUS',
      'Storage.WestUS2',
    ]);
    expect(nearest('abc', ['abd', 'abe', 'xyz'], 1)).toEqual(['abd']);
    expect(nearest('abc', ['xyz'], 5, Number.POSITIVE_INFINITY)).toEqual(['xyz']);
    expect(nearest('frontdoor', ['AzureFrontDoor.Frontend', 'FrontDor', 'Sql'])).toEqual(['FrontDor', 'AzureFrontDoor.Frontend']);
  });
});
