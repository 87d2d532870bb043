import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressSet } from '../model/address-set.js';
import { defaultSnapshot } from '../servicetags/index.js';
import { expectTagwallError } from '../servicetags/test-fixtures.js';
import { expandedResolver, SYMBOLIC_ATOM_SPACE, symbolicResolver } from './resolve.js';

const snapshot = defaultSnapshot('Public');
const resolver = symbolicResolver(snapshot);
const names = [...snapshot.names()];

/** The one containment symbolic mode keeps: a name is inside the tag it extends with `.Region`. */
function contains(outer: string, inner: string): boolean {
  return outer === inner || inner.toLowerCase().startsWith(`${outer.toLowerCase()}.`);
}

describe('symbolicResolver', () => {
  it('keeps tags apart except for the published hierarchy', () => {
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.constantFrom(...names), (a, b) => {
        const left = resolver.serviceTag(a);
        const right = resolver.serviceTag(b);
        expect(left.overlaps(right)).toBe(contains(a, b) || contains(b, a));
        expect(right.isSubsetOf(left)).toBe(contains(a, b));
        expect(left.ipv4.isEmpty() || left.ipv6.isEmpty()).toBe(false);
      }),
      { numRuns: 400 },
    );
    expect(resolver.serviceTag('Storage.WestUS').isSubsetOf(resolver.serviceTag('Storage'))).toBe(true);
    expect(resolver.serviceTag('Storage').overlaps(resolver.serviceTag('AzureCloud'))).toBe(false);
  });

  it('keeps atoms apart from literal addresses, except ranges that cover the reserved blocks', () => {
    const storage = resolver.serviceTag('Storage');
    // Storage really holds 20.150.0.0/16 addresses (expanded mode); symbolically a literal never meets a tag.
    expect(expandedResolver(snapshot).serviceTag('Storage').overlaps(AddressSet.parse('20.0.0.0/8'))).toBe(true);
    expect(storage.overlaps(AddressSet.parse('20.0.0.0/8, 2603::/16'))).toBe(false);
    expect(storage.isSubsetOf(AddressSet.ALL)).toBe(true);
    expect(storage.isSubsetOf(SYMBOLIC_ATOM_SPACE)).toBe(true);
  });

  it('resolves the virtual tags like expanded mode, with Internet holding every tag', () => {
    const expanded = expandedResolver(snapshot);
    for (const name of ['VirtualNetwork', 'AzureLoadBalancer']) expect(resolver.serviceTag(name).equals(expanded.serviceTag(name))).toBe(true);
    expect(resolver.serviceTag('Storage.WestUS').isSubsetOf(resolver.serviceTag('Internet'))).toBe(true);
    expect(resolver.serviceTag('Internet').overlaps(resolver.serviceTag('VirtualNetwork'))).toBe(false);
    expect(resolver.serviceTag('internet').difference(SYMBOLIC_ATOM_SPACE).equals(expanded.serviceTag('Internet').difference(SYMBOLIC_ATOM_SPACE))).toBe(true);
  });

  it('spells names as the snapshot does and refuses unknown ones', () => {
    expect(resolver.serviceTag('storage.westus').equals(resolver.serviceTag('Storage.WestUS'))).toBe(true);
    expect(symbolicResolver(snapshot).serviceTag('Sql.EastUS').equals(resolver.serviceTag('Sql.EastUS'))).toBe(true);
    const error = expectTagwallError(() => resolver.serviceTag('Storag.WestUS'), 'TW_UNKNOWN_TAG');
    expect(error.suggestions).toContain('Storage.WestUS');
  });

  it('names atoms back, for witnesses and printed boxes', () => {
    for (const name of names) {
      const atom = resolver.serviceTag(name);
      expect(resolver.describe(atom.toCidrStrings('ipv4')[0]!.split('/')[0]!)).toBe(name);
      expect(resolver.describe(atom.toCidrStrings('ipv6')[0]!.split('/')[0]!)).toBe(name);
      expect(resolver.label(atom.ipv4, 'ipv4')).toBe(name);
    }
    expect(resolver.describe('20.150.1.1')).toBeUndefined();
    const mixed = resolver.serviceTag('Storage.WestUS').union(resolver.serviceTag('Sql')).union(AddressSet.parse('10.0.0.0/8'));
    expect(resolver.label(mixed.ipv4, 'ipv4')).toBe('Sql, Storage.WestUS, 10.0.0.0/8');
    const storageButWest = resolver.serviceTag('Storage').difference(resolver.serviceTag('Storage.WestUS'));
    expect(resolver.label(storageButWest.ipv4, 'ipv4')).toBe('Storage except Storage.WestUS');
    const twoRegions = resolver.serviceTag('Storage.WestUS').union(resolver.serviceTag('Storage.EastUS'));
    expect(resolver.label(twoRegions.ipv6, 'ipv6')).toBe('Storage.EastUS, Storage.WestUS');
  });
});
