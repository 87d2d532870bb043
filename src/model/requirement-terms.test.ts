import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { requirementPackets, type AddressResolver } from '../analysis/resolve.js';
import { isTagwallError } from '../errors.js';
import { AddressSet } from './address-set.js';
import { parseHostPattern } from './hostnames.js';
import { PacketSet } from './packet-set.js';
import { PortSet, ProtocolSet } from './ports.js';
import type { Endpoint, IcmpMatch, Requirement } from './requirement.js';
import { lowerTerms, type RequirementTerm, type TermMatch } from './requirement-terms.js';

/** Two made-up tags with fixed addresses, overlapping the literal blocks below. */
const TAGS: Readonly<Record<string, AddressSet>> = { TagA: AddressSet.parse('10.0.0.0/9, 192.0.2.0/25'), TagB: AddressSet.parse('10.1.0.0/16') };
const resolver: AddressResolver = { mode: 'expanded', serviceTag: (name) => TAGS[name]! };
const expandTag = (name: string): AddressSet => TAGS[name]!;

const BLOCKS = ['10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24', '192.0.2.0/24', '192.0.2.7', '2001:db8::/32'];
const endpoint = (): fc.Arbitrary<Endpoint> =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constant<Endpoint>({ kind: 'any' }) },
    { weight: 5, arbitrary: fc.constantFrom(...BLOCKS).map<Endpoint>((text) => ({ kind: 'addresses', addresses: AddressSet.parse(text) })) },
    { weight: 1, arbitrary: fc.constantFrom('TagA', 'TagB').map<Endpoint>((name) => ({ kind: 'service-tag', name })) },
  );
const destination = (): fc.Arbitrary<Endpoint> =>
  fc.oneof(
    { weight: 6, arbitrary: endpoint() },
    { weight: 1, arbitrary: fc.constantFrom('pypi.org', '*.example.com', 'a.example.com').map<Endpoint>((text) => ({ kind: 'host', pattern: parseHostPattern(text) })) },
  );
const service = fc.oneof(
  fc.record({ protocols: fc.constantFrom('tcp', 'udp', 'tcp,udp'), ports: fc.constantFrom('any', '22', '80,443', '1-1024', '443', '8000-9000') }),
  fc.record({ protocols: fc.constantFrom('any', 'icmp', 'gre,icmp'), ports: fc.constant('any') }),
);
const icmp = fc.option(fc.constantFrom<IcmpMatch[]>([{ type: 8 }], [{ type: 8, code: 0 }], [{ type: 0 }]), { nil: undefined });

const term = (index: number): fc.Arbitrary<RequirementTerm> =>
  fc
    .record({
      action: fc.constantFrom<'allow' | 'deny'>('allow', 'allow', 'deny'),
      direction: fc.constantFrom<'in' | 'out'>('out', 'out', 'in'),
      service,
      icmp,
      sources: fc.array(endpoint(), { minLength: 1, maxLength: 2 }),
      destinations: fc.array(destination(), { minLength: 1, maxLength: 2 }),
      except: fc.option(fc.record({ sources: fc.array(endpoint(), { minLength: 1, maxLength: 1 }), ports: fc.constantFrom('any', '443', '22') }), { nil: undefined }),
    })
    .map(({ action, direction, service: { protocols, ports }, icmp: types, sources, destinations, except }) => {
      const onlyIcmp = protocols === 'icmp';
      const requirement: Requirement = {
        id: `t${index}`,
        direction,
        protocols: ProtocolSet.parse(protocols),
        ports: PortSet.parse(ports),
        ...(onlyIcmp && types ? { icmp: types } : {}),
        sources,
        destinations,
        purpose: '',
        conditions: [],
        provenance: [],
      };
      const cut: TermMatch | undefined = except && { direction, protocols: ProtocolSet.ANY, ports: PortSet.parse(except.ports), sources: except.sources, destinations: [{ kind: 'any' }] };
      // ports on an except with protocol any would be contradictory: keep them only where the term has ports.
      const cuts = cut && (requirement.ports.isAny() ? [{ ...cut, ports: PortSet.ANY }] : [{ ...cut, protocols: ProtocolSet.parse('tcp,udp') }]);
      return { action, requirement, ...(cuts ? { except: cuts } : {}) };
    });

const terms = fc.integer({ min: 1, max: 5 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => term(i))));

function matchPackets(match: TermMatch): PacketSet {
  return requirementPackets({ id: 'm', purpose: '', conditions: [], provenance: [], ...match }, resolver);
}

/** The definition: first match over the ordered terms, each term minus its excepts. */
function firstMatch(list: readonly RequirementTerm[]): PacketSet {
  let denied = PacketSet.EMPTY;
  let allowed = PacketSet.EMPTY;
  for (const t of list) {
    const own = (t.except ?? []).reduce((set, cut) => set.difference(matchPackets({ ...cut, direction: t.requirement.direction })), requirementPackets(t.requirement, resolver));
    if (t.action === 'deny') denied = denied.union(own);
    else allowed = allowed.union(own.difference(denied));
  }
  return allowed;
}

describe('ordered allow/deny terms lowered to an allow-list', () => {
  it('allow exactly the first-match packet set, or are refused as inexpressible (never approximated)', () => {
    let exact = 0;
    let refused = 0;
    fc.assert(
      fc.property(terms, (list) => {
        let lowered: Requirement[];
        try {
          lowered = lowerTerms(list, { expandTag });
        } catch (error) {
          if (isTagwallError(error) && error.code === 'TW_DENY_INEXPRESSIBLE') {
            refused++;
            return;
          }
          throw error;
        }
        exact++;
        const got = lowered.reduce((set, requirement) => set.union(requirementPackets(requirement, resolver)), PacketSet.EMPTY);
        const want = firstMatch(list);
        expect(got.difference(want).toString(), 'allowed beyond the terms').toBe('(no packets)');
        expect(want.difference(got).toString(), 'dropped from the terms').toBe('(no packets)');
        expect(new Set(lowered.map((r) => r.id)).size).toBe(lowered.length);
      }),
      { numRuns: 300 },
    );
    // Most generated lists must be lowered, or the property would say little.
    expect(exact).toBeGreaterThan(refused * 2);
  });

  it('returns an allow term no deny touches as it was written', () => {
    const allow: Requirement = { id: 'a', direction: 'out', protocols: ProtocolSet.parse('tcp'), ports: PortSet.parse('443'), sources: [{ kind: 'any' }], destinations: [{ kind: 'service-tag', name: 'TagA' }], purpose: 'p', conditions: [], provenance: [] };
    const deny: Requirement = { ...allow, id: 'd', ports: PortSet.parse('22') };
    const [lowered] = lowerTerms([{ action: 'deny', requirement: deny }, { action: 'allow', requirement: allow }]);
    expect(lowered).toBe(allow);
  });

  it('refuses a tag overlap without a snapshot, and a host minus addresses always', () => {
    const allow: Requirement = { id: 'a', direction: 'out', protocols: ProtocolSet.parse('tcp'), ports: PortSet.parse('443'), sources: [{ kind: 'any' }], destinations: [{ kind: 'service-tag', name: 'TagA' }], purpose: '', conditions: [], provenance: [] };
    const deny: Requirement = { ...allow, id: 'd', destinations: [{ kind: 'addresses', addresses: AddressSet.parse('10.1.0.0/16') }] };
    expect(() => lowerTerms([{ action: 'deny', requirement: deny }, { action: 'allow', requirement: allow }])).toThrow(/a: deny 'd' cannot be carved out/);
    const [lowered] = lowerTerms([{ action: 'deny', requirement: deny }, { action: 'allow', requirement: allow }], { expandTag });
    expect(lowered!.destinations).toEqual([{ kind: 'addresses', addresses: AddressSet.parse('10.0.0.0/16, 10.2.0.0/15, 10.4.0.0/14, 10.8.0.0/13, 10.16.0.0/12, 10.32.0.0/11, 10.64.0.0/10, 192.0.2.0/25') }]);
    const host: Requirement = { ...allow, destinations: [{ kind: 'host', pattern: parseHostPattern('pypi.org') }] };
    expect(() => lowerTerms([{ action: 'deny', requirement: deny }, { action: 'allow', requirement: host }], { expandTag })).toThrow(expect.objectContaining({ code: 'TW_DENY_INEXPRESSIBLE' }));
  });
});
