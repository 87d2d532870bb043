/**
 * A small requirement-set arbitrary for the Azure targets' contract properties. It mixes what the Azure targets
 * must split or refuse: tags and addresses on one side, both families, host names and URLs, ICMP types, protocols
 * without names, port lists and ranges. src/testing's `requirementSet` draws no ICMP types, no protocols but TCP,
 * UDP, ICMP and any, and only URL paths ending in `/`, so it would not reach those diagnostics.
 */
import fc from 'fast-check';
import { AddressSet } from '../../../model/address-set.js';
import { parseHostPattern } from '../../../model/hostnames.js';
import { PortSet, ProtocolSet } from '../../../model/ports.js';
import type { Endpoint, Requirement, RequirementSet } from '../../../model/requirement.js';
import { requirementProblem } from '../../../model/requirement-check.js';

const tag = (name: string): Endpoint => ({ kind: 'service-tag', name });
const addresses = (text: string): Endpoint => ({ kind: 'addresses', addresses: AddressSet.parse(text) });
const host = (text: string): Endpoint => ({ kind: 'host', pattern: parseHostPattern(text) });

const SOURCES: readonly Endpoint[] = [tag('VirtualNetwork'), { kind: 'any' }, addresses('10.1.0.0/24'), addresses('10.2.0.0/16, 2001:db8:1::/48'), tag('AzureLoadBalancer')];
const DESTINATIONS: readonly Endpoint[] = [
  tag('Storage.EastUS2'),
  tag('AzureMonitor'),
  tag('Internet'),
  addresses('20.150.0.0/24'),
  addresses('2603:1000::/40'),
  host('graph.windows.net'),
  host('*.blob.core.windows.net'),
  host('example.com'),
  host('*.example.com'),
  { kind: 'url', pattern: parseHostPattern('raw.githubusercontent.com'), path: '/org/repo/' },
  { kind: 'url', pattern: parseHostPattern('*.example.org'), path: '/releases/latest' },
];
const PROTOCOLS = ['tcp', 'udp', 'tcp,udp', 'any', 'icmp', 'gre', 'tcp,esp'].map((text) => ProtocolSet.parse(text));
const PORTS = ['any', '443', '80,443', '1000-2000', '8443,9000-9003', '65000'].map((text) => PortSet.parse(text));

const requirement = (index: number): fc.Arbitrary<Requirement> =>
  fc
    .record({
      direction: fc.constantFrom('in' as const, 'out' as const),
      protocols: fc.constantFrom(...PROTOCOLS),
      ports: fc.constantFrom(...PORTS),
      icmp: fc.option(fc.constant([{ type: 8 }]), { nil: undefined }),
      sources: fc.uniqueArray(fc.constantFrom(...SOURCES), { minLength: 1, maxLength: 2 }),
      destinations: fc.uniqueArray(fc.constantFrom(...DESTINATIONS), { minLength: 1, maxLength: 3 }),
      purpose: fc.string({ maxLength: 20 }),
    })
    .map(({ icmp, ...fields }) => ({
      id: `r${index}`,
      ...fields,
      ...(icmp && fields.protocols.has(1) && fields.ports.isAny() ? { icmp } : {}),
      conditions: [],
      provenance: [],
    }))
    // Ports with a protocol that has none (icmp, gre, esp) match nothing and are refused (TW_CONTRADICTORY_REQUIREMENT).
    .filter((drawn) => requirementProblem(drawn) === undefined);

export const requirementSetArbitrary: fc.Arbitrary<RequirementSet> = fc
  .integer({ min: 1, max: 4 })
  .chain((count) => fc.tuple(...Array.from({ length: count }, (_, index) => requirement(index))))
  .map((requirements) => ({ name: 'random', requirements }));
