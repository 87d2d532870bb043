/**
 * Long endpoint lists the requirement reader registers as literal addresses only (model/literal-lists.ts): the
 * registered union must be exactly the union of the list's endpoints, lists with anything else must not be
 * registered, and a registered list cannot change under its union.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRequirements } from '../catalogue/requirements-file.js';
import { endpointAddresses, expandedResolver, literalAddresses } from '../analysis/resolve.js';
import { defaultSnapshot } from '../servicetags/index.js';
import { AddressSet } from './address-set.js';
import { LITERAL_LIST_MIN, literalUnionOf } from './literal-lists.js';
import type { Endpoint } from './requirement.js';

const resolver = expandedResolver(defaultSnapshot('Public'));
const ipv4Text = (value: number): string => `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
const arbEntry = fc.oneof(
  fc.tuple(fc.nat({ max: 0x3ff }), fc.integer({ min: 0, max: 32 })).map(([n, length]) => {
    const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
    return `${ipv4Text(((0x14000000 + n * 64) & mask) >>> 0)}/${length}`;
  }),
  fc.tuple(fc.nat({ max: 0xff }), fc.constantFrom(32, 48, 64, 128)).map(([n, length]) => (length === 128 ? `2001:db8::${n.toString(16)}/128` : `2001:db8:${n.toString(16)}::/${Math.max(48, length)}`)),
  fc.tuple(fc.nat({ max: 0xffff }), fc.nat({ max: 200 })).map(([start, span]) => `${ipv4Text(0x14000000 + start)}-${ipv4Text(0x14000000 + start + span)}`),
  fc.nat({ max: 0xffff }).map((n) => ipv4Text(0x14000000 + n)),
);

function parsed(destination: unknown, source: unknown = '10.1.0.0/24') {
  const text = JSON.stringify({ requirements: [{ id: 'r', direction: 'outbound', protocol: 'tcp', ports: 443, source, destination }] });
  return parseRequirements(text, 'list.json').requirements[0]!;
}

/** The union as the endpoints' own sets give it (the path for lists not registered). */
const unionOfEndpoints = (endpoints: readonly Endpoint[]): AddressSet => AddressSet.unionOf(endpoints.flatMap((endpoint) => (endpoint.kind === 'addresses' ? [endpoint.addresses] : [])));

describe('literal endpoint lists', () => {
  it('registers a long list of addresses with the union of its endpoints, sources and destinations alike (property)', () => {
    fc.assert(
      fc.property(fc.array(arbEntry, { minLength: LITERAL_LIST_MIN, maxLength: 120 }), (entries) => {
        const requirement = parsed(entries, entries);
        for (const list of [requirement.destinations, requirement.sources]) {
          const union = literalUnionOf(list);
          expect(union).toBeDefined();
          expect(list).toHaveLength(entries.length);
          expect(union!.equals(unionOfEndpoints(list))).toBe(true);
          expect(union!.equals(AddressSet.fromStrings(entries))).toBe(true);
          expect(endpointAddresses(list, resolver)).toBe(union);
          expect(literalAddresses(list)).toBe(union);
          list.forEach((endpoint, index) => {
            expect(endpoint.kind).toBe('addresses');
            if (endpoint.kind === 'addresses') expect(endpoint.addresses.equals(AddressSet.fromStrings([entries[index]!]))).toBe(true);
          });
        }
      }),
      { numRuns: 50 },
    );
  });

  it('leaves short lists and lists with anything but plain addresses to the endpoints themselves', () => {
    const long = Array.from({ length: LITERAL_LIST_MIN + 3 }, (_, i) => `20.0.${i}.0/24`);
    const cases: unknown[] = [
      long.slice(0, LITERAL_LIST_MIN - 1),
      [...long, 'pypi.org'],
      [...long, 'Storage.WestUS'],
      [...long, 'any'],
      [...long, 'example.com/path/*'],
      [...long, { addresses: '21.0.0.0/24, 22.0.0.0/24' }],
    ];
    for (const destination of cases) {
      const requirement = parsed(destination);
      expect(literalUnionOf(requirement.destinations)).toBeUndefined();
    }
    // Without registration the union is still the endpoints' own.
    const mixed = parsed([...long, { addresses: '21.0.0.0/24' }]);
    expect(literalAddresses(mixed.destinations).toCidrStrings()).toEqual(AddressSet.fromStrings([...long, '21.0.0.0/24']).toCidrStrings());
  });

  it('freezes a registered list and its endpoints', () => {
    const requirement = parsed(Array.from({ length: 40 }, (_, i) => `20.0.${i}.0/24`));
    const list = requirement.destinations as Endpoint[];
    expect(Object.isFrozen(list)).toBe(true);
    expect(Object.isFrozen(list[0])).toBe(true);
    expect(() => list.push({ kind: 'any' })).toThrow(TypeError);
    expect(literalUnionOf(list)!.toCidrStrings()).toEqual(['20.0.0.0/19', '20.0.32.0/21']);
  });

  it('keeps the location of a bad entry in a long list', () => {
    const entries = Array.from({ length: 60 }, (_, i) => `20.0.${i}.0/24`);
    entries[42] = '20.0.42.1/24';
    let thrown: unknown;
    try {
      parsed(entries);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'TW_HOST_BITS_SET', message: expect.stringMatching(/^'20\.0\.42\.1\/24' has host bits set: the network is 20\.0\.42\.0\/24/) });
    expect(JSON.stringify((thrown as { location?: unknown }).location)).toMatch(/destination\[42\]|"destination",42/);
  });
});
