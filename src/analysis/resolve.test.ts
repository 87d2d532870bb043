import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressSet } from '../model/address-set.js';
import { defaultSnapshot } from '../servicetags/index.js';
import { expectTagwallError } from '../servicetags/test-fixtures.js';
import { parseEndpoint } from '../catalogue/endpoints.js';
import { isTagwallError } from '../errors.js';
import { parsePacket } from '../model/packet.js';
import { PortSet, ProtocolSet } from '../model/ports.js';
import type { Requirement } from '../model/requirement.js';
import { expandedResolver, requirementPackets, requirementsRuleSet, SYMBOLIC_ATOM_SPACE, symbolicResolver } from './resolve.js';

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

describe('requirementPackets: a requirement means exactly what it says', () => {
  const expanded = expandedResolver(snapshot);
  const make = (fields: Partial<Requirement> & { source?: string[]; destination?: string[] }): Requirement => ({
    id: 'r',
    direction: 'out',
    protocols: ProtocolSet.parse('tcp'),
    ports: PortSet.parse('8443'),
    sources: (fields.source ?? ['any']).map((text) => parseEndpoint(text)),
    destinations: (fields.destination ?? ['any']).map((text) => parseEndpoint(text)),
    purpose: '',
    conditions: [],
    provenance: [],
    ...fields,
  });
  const allows = (requirement: Requirement, packet: string): boolean => requirementPackets(requirement, expanded).has(parsePacket(packet));

  it('keeps both parts of a destination list mixing a CIDR and a host name, and nothing else', () => {
    const mixed = make({ source: ['10.1.0.4'], destination: ['10.0.0.0/8', 'pypi.org'] });
    expect(allows(mixed, 'out tcp 10.1.0.4:50000 -> 10.9.9.9:8443')).toBe(true);
    expect(allows(mixed, 'out tcp 10.1.0.4:50000 -> 10.9.9.9:8443 host=example.com')).toBe(true);
    expect(allows(mixed, 'out tcp 10.1.0.4:50000 -> 151.101.0.223:8443 host=pypi.org')).toBe(true);
    // The bug: the whole list read as every address for every name.
    expect(allows(mixed, 'out tcp 10.1.0.4:50000 -> 198.18.7.7:8443')).toBe(false);
    expect(allows(mixed, 'out tcp 10.1.0.4:50000 -> 198.18.7.7:8443 host=example.com')).toBe(false);
    const withUrl = make({ destination: ['Storage.WestUS', 'github.com/Azure/*', 'pypi.org'] });
    expect(allows(withUrl, 'out tcp 10.0.0.1:50000 -> 198.18.7.7:8443 host=github.com path=/Azure/x')).toBe(true);
    expect(allows(withUrl, 'out tcp 10.0.0.1:50000 -> 198.18.7.7:8443 host=github.com path=/other')).toBe(false);
    expect(allows(withUrl, 'out tcp 10.0.0.1:50000 -> 198.18.7.7:8443')).toBe(false);
    // `any` in the list covers the rest.
    expect(allows(make({ destination: ['any', 'pypi.org'] }), 'out tcp 10.0.0.1:50000 -> 198.18.7.7:8443')).toBe(true);
  });

  it('a long destination list (resolved once per resolver and kept) means the union of its endpoints, in either mode (property)', () => {
    const arbCidr = fc.tuple(fc.nat({ max: 255 }), fc.nat({ max: 255 }), fc.integer({ min: 16, max: 32 })).map(([a, b, len]) => {
      const value = ((20 << 24) | (a << 16) | (b << 8)) >>> 0;
      const network = len === 0 ? 0 : (value & (0xffffffff << (32 - len))) >>> 0;
      return `${network >>> 24}.${(network >>> 16) & 255}.${(network >>> 8) & 255}.${network & 255}/${len}`;
    });
    const arbList = fc.array(fc.oneof(arbCidr, fc.constantFrom('Storage.WestUS', 'Sql.EastUS', 'pypi.org')), { minLength: 17, maxLength: 40 });
    fc.assert(
      fc.property(arbList, (destination) => {
        const requirement = make({ source: ['10.1.0.4'], destination });
        for (const mode of [expanded, resolver]) {
          const whole = requirementPackets(requirement, mode);
          const parts = destination.map((one) => requirementPackets(make({ source: ['10.1.0.4'], destination: [one] }), mode));
          const union = parts.reduce((set, part) => set.union(part));
          expect(whole.equals(union)).toBe(true);
          expect(requirementPackets(requirement, mode).equals(union)).toBe(true); // the kept answer, the same
        }
      }),
      { numRuns: 25 },
    );
  });

  it('throws TW_HOST_SOURCE for a host-name source rather than read it as any address', () => {
    for (const source of [['jumpbox.contoso.com'], ['192.0.2.10/32', 'bastion.contoso.com'], ['*.contoso.com']]) {
      const requirement = make({ direction: 'in', source, destination: ['10.1.0.4'], ports: PortSet.parse('22') });
      let code: string | undefined;
      try {
        requirementPackets(requirement, expanded);
      } catch (error) {
        code = isTagwallError(error) ? error.code : 'other';
      }
      expect(code, source.join(',')).toBe('TW_HOST_SOURCE');
    }
  });

  it('refuses contradictory fields in a rule set rather than let the requirement mean no packet', () => {
    const contradictory = make({ ports: PortSet.parse('22'), icmp: [{ type: 8 }] });
    expect(() => requirementsRuleSet({ requirements: [contradictory] }, expanded)).toThrow(/cannot both match/);
  });
});
