/** `familyOf` scans what a regular expression used to match (it allocated per test): the two, held together. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { familyOf } from './validate.js';

const ADDRESS = /^[0-9a-f:.]+(\/\d{1,3})?(-[0-9a-f:.]+)?$/i;
const reference = (prefix: string): 'ipv4' | 'ipv6' | undefined => {
  if (!ADDRESS.test(prefix) || !/[.:]/.test(prefix)) return undefined;
  return prefix.includes(':') ? 'ipv6' : 'ipv4';
};

describe('familyOf', () => {
  it('agrees with the regular expression on random texts of address characters and others', () => {
    const character = fc.constantFrom(...'0123456789abcdefABCDEFgG:./-* \u017f\u212a\u0660x');
    fc.assert(fc.property(fc.array(character, { maxLength: 24 }).map((chars) => chars.join('')), (text) => {
      expect(familyOf(text)).toBe(reference(text));
    }), { numRuns: 20000 });
  });

  it('agrees on the shapes Azure fields hold', () => {
    for (const text of ['10.0.0.0/8', '10.0.0.1', '10.0.0.1-10.0.0.9', '2001:db8::/32', 'fe80::1-fe80::9', '*', 'Storage.WestUS', 'AzureCloud', '1.2.3.4/', '1.2.3.4/1234', '1.2.3.4/123', '1.2.3.4-', '-1.2.3.4', '/8', 'abc', 'ABC:', '1.2.3.4/8-5.6.7.8', '']) {
      expect(familyOf(text)).toBe(reference(text));
    }
  });
});
