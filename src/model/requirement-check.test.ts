/**
 * The family check of `requirementProblem` stops at the first destination that shares a family with the sources
 * (a 100k-CIDR destination list was read to its end on every render). Held here to the rule as first written:
 * the families the sources can hold and those the destinations can hold have none in common.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressSet } from './address-set.js';
import { PortSet, ProtocolSet } from './ports.js';
import type { Endpoint, Requirement } from './requirement.js';
import { requirementProblem } from './requirement-check.js';

const ENDPOINTS: readonly Endpoint[] = [
  { kind: 'any' },
  { kind: 'addresses', addresses: AddressSet.EMPTY },
  { kind: 'addresses', addresses: AddressSet.parse('10.0.0.0/8') },
  { kind: 'addresses', addresses: AddressSet.parse('0.0.0.0/0') },
  { kind: 'addresses', addresses: AddressSet.parse('192.0.2.1/32') },
  { kind: 'addresses', addresses: AddressSet.parse('2001:db8::/32') },
  { kind: 'addresses', addresses: AddressSet.parse('::/0') },
  { kind: 'addresses', addresses: AddressSet.parse('2001:db8::1/128') },
  { kind: 'addresses', addresses: AddressSet.parse('10.1.0.0/16, fd00::/8') },
  { kind: 'service-tag', name: 'Storage' },
];

/** The families a list can hold, as the check first computed them: all of them unless every endpoint is addresses. */
function families(endpoints: readonly Endpoint[]): Set<string> {
  if (endpoints.length === 0 || endpoints.some((endpoint) => endpoint.kind !== 'addresses')) return new Set(['ipv4', 'ipv6']);
  const found = new Set<string>();
  for (const endpoint of endpoints) {
    if (endpoint.kind !== 'addresses') continue;
    for (const family of ['ipv4', 'ipv6'] as const) if (!endpoint.addresses.of(family).isEmpty()) found.add(family);
  }
  return found;
}

const requirement = (sources: readonly Endpoint[], destinations: readonly Endpoint[]): Requirement => ({
  id: 'r',
  direction: 'out',
  protocols: ProtocolSet.parse('tcp'),
  ports: PortSet.parse('443'),
  sources,
  destinations,
  purpose: '',
  conditions: [],
  provenance: [],
});

describe('requirementProblem: families of sources and destinations', () => {
  it('refuses exactly the lists whose families have none in common (any order, duplicates, empty sets, long lists)', () => {
    const list = fc.array(fc.constantFrom(...ENDPOINTS), { maxLength: 40 });
    fc.assert(
      fc.property(list, list, (sources, destinations) => {
        const sourceFamilies = families(sources);
        const expected = [...families(destinations)].some((family) => sourceFamilies.has(family)) ? undefined : 'TW_CONTRADICTORY_REQUIREMENT';
        expect(requirementProblem(requirement(sources, destinations))?.code).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
