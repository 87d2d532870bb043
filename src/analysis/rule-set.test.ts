import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressSet } from '../model/address-set.js';
import { HostSet } from '../model/hostnames.js';
import { IntervalSet } from '../model/intervals.js';
import { icmpTypeCodes, PacketSet, type Box } from '../model/packet-set.js';
import { CONN_STATES, firstPacketState, type ConnState } from '../model/packet.js';
import { ICMP, ICMPV6, PORT_DOMAIN, PortSet, ProtocolSet } from '../model/ports.js';
import { allowedPackets, decidingRules, EarlierMatches, openingInvalidPackets, openingPackets, statefulRules, type Action, type Rule, type RuleSet } from './rule-set.js';

// Rules over a few overlapping blocks, ports, protocols (ICMP too), host names, directions and connection states,
// so that first-match subtraction splits boxes in every dimension and compaction merges them back.
const block = fc.constantFrom('10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24', '20.0.0.0/8', '2001:db8::/32', '2001:db8:1::/48', '0.0.0.0/0');
const addresses = fc.array(block, { minLength: 1, maxLength: 3 }).map((blocks) => AddressSet.fromStrings(blocks));
const ports = fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 7 })).map(([a, b]) => PortSet.range(440 + Math.min(a, b), 440 + Math.max(a, b)));
const states = fc.subarray(CONN_STATES as ConnState[], { minLength: 1 });
const match = fc
  .record({
    directions: fc.constantFrom<Array<'in' | 'out'>>(['out'], ['in'], ['in', 'out']),
    protocols: fc.constantFrom('tcp', 'udp', 'tcp,udp', 'icmp', 'any'),
    src: fc.option(addresses, { nil: undefined }),
    dst: fc.option(addresses, { nil: undefined }),
    ports: fc.option(ports, { nil: undefined }),
    hosts: fc.option(fc.constantFrom(HostSet.fromPatterns(['x.com']), HostSet.fromPatterns(['*.x.com', 'y.org'])), { nil: undefined }),
    states: fc.option(states, { nil: undefined }),
  })
  .map(({ directions, protocols, src, dst, ports: dstPorts, hosts, states: connStates }) =>
    PacketSet.of({
      directions,
      protocols: ProtocolSet.parse(protocols),
      ...(src ? { src } : {}),
      ...(dst ? { dst } : {}),
      ...(dstPorts && (protocols === 'tcp' || protocols === 'udp' || protocols === 'tcp,udp') ? { dstPorts } : {}),
      ...(hosts ? { hosts } : {}),
      ...(connStates ? { states: connStates } : {}),
    }),
  );
const action = fc.constantFrom<Action>('allow', 'allow', 'deny');
const ruleSet = (minRules: number, maxRules: number): fc.Arbitrary<RuleSet> =>
  fc
    .record({ rules: fc.array(fc.record({ action, match }), { minLength: minRules, maxLength: maxRules }), defaultAction: action, explicit: fc.boolean() })
    .map(({ rules, defaultAction, explicit }) => ({
      name: 'random',
      mode: 'expanded' as const,
      defaultAction,
      ...(explicit ? { states: 'explicit' as const } : {}),
      rules: rules.map((rule, i): Rule => ({ id: `r${i}`, ...rule })),
    }));

/** The straightforward first-match walk: one growing disjoint union of everything matched so far. */
function straightforward(set: RuleSet): PacketSet {
  let matched = PacketSet.EMPTY;
  let allowed = PacketSet.EMPTY;
  for (const rule of decidingRules(set)) {
    if (rule.action === 'allow') allowed = allowed.union(rule.match.difference(matched));
    matched = matched.union(rule.match);
  }
  return set.defaultAction === 'allow' ? allowed.union(matched.complement()) : allowed;
}

const runs = (n: number) => ({ numRuns: n, ...(process.env.CI ? { seed: 22 } : {}) });

describe('the incremental first-match walk (EarlierMatches) equals the straightforward one', () => {
  it('allowedPackets: the same packets as one growing union, for rule sets long enough to merge levels', () => {
    fc.assert(
      fc.property(ruleSet(24, 48), (set) => {
        expect(allowedPackets(set).equals(straightforward(set))).toBe(true);
      }),
      runs(25),
    );
  });

  it('every rule decides its match minus the union of the earlier ones, whatever the merge batch size', () => {
    fc.assert(
      fc.property(ruleSet(0, 16), fc.integer({ min: 1, max: 5 }), (set, pendingLimit) => {
        const earlier = new EarlierMatches(pendingLimit);
        let matched = PacketSet.EMPTY;
        for (const rule of decidingRules(set)) {
          expect(earlier.undecided(rule.match).equals(rule.match.difference(matched))).toBe(true);
          earlier.add(rule.match);
          matched = matched.union(rule.match);
        }
        expect(earlier.rest().equals(matched.complement())).toBe(true);
      }),
      runs(40),
    );
  });
});

describe('allowedPackets: the answer kept per rule set', () => {
  const web = PacketSet.of({ directions: ['out'], protocols: ProtocolSet.of(6), dstPorts: PortSet.of(443) });
  const ssh = PacketSet.of({ directions: ['out'], protocols: ProtocolSet.of(6), dstPorts: PortSet.of(22) });
  it('is not reused after a JavaScript caller edits the rule set in place', () => {
    const rules: Rule[] = [{ id: 'web', action: 'allow', match: web }];
    const set = { name: 'edited', mode: 'expanded', states: 'explicit', defaultAction: 'deny', rules } as { -readonly [K in keyof RuleSet]: RuleSet[K] };
    expect(allowedPackets(set).equals(web)).toBe(true);
    rules.push({ id: 'ssh', action: 'allow', match: ssh });
    expect(allowedPackets(set).equals(web.union(ssh))).toBe(true);
    rules[0] = { id: 'web', action: 'deny', match: web };
    expect(allowedPackets(set).equals(ssh)).toBe(true);
    (rules[1] as { action: Action }).action = 'deny';
    expect(allowedPackets(set).isEmpty()).toBe(true);
    set.defaultAction = 'allow';
    expect(allowedPackets(set).equals(web.union(ssh).complement())).toBe(true);
  });
  it('is the same object when asked twice of an unchanged set', () => {
    const set: RuleSet = { name: 'same', mode: 'expanded', defaultAction: 'deny', rules: [{ id: 'web', action: 'allow', match: web }] };
    expect(allowedPackets(set)).toBe(allowedPackets(set));
  });
});

describe('the statics built on first use (issue 22) are the sets the module used to build at load', () => {
  // The former construction, one union per ICMP type: the lazy one must give the same boxes, in the same order, as
  // every intersection with it (diagnostics, reports) lists them.
  const INVALID = PacketSet.of({ states: ['invalid'] });
  const REPLIES_THEN = PacketSet.of({ states: ['established', 'related'] });
  const openingThen = (() => {
    let tracked = PacketSet.of({ protocols: ProtocolSet.of(ICMP, ICMPV6).complement() });
    for (const protocol of [ICMP, ICMPV6]) {
      let icmp = IntervalSet.empty(PORT_DOMAIN);
      for (let type = 0; type < 256; type++) if (firstPacketState(protocol, type) !== 'invalid') icmp = icmp.union(icmpTypeCodes(type));
      tracked = tracked.union(PacketSet.of({ protocols: ProtocolSet.of(protocol), icmp }));
    }
    return REPLIES_THEN.union(tracked.intersection(INVALID)).complement();
  })();

  it('openingPackets: the same boxes as the union of each type', () => {
    expect(openingPackets().toString()).toBe(openingThen.toString());
    expect(openingPackets()).toBe(openingPackets());
  });

  it('openingInvalidPackets: exactly openingPackets() ∩ INVALID', () => {
    expect(openingInvalidPackets().equals(openingThen.intersection(INVALID))).toBe(true);
    expect(openingInvalidPackets().isEmpty()).toBe(false);
  });

  it('statefulRules: replies, then the packets that neither open nor belong to a connection', () => {
    const [replies, notOpening] = statefulRules();
    expect(replies!.match.toString()).toBe(REPLIES_THEN.toString());
    expect(notOpening!.match.toString()).toBe(openingThen.union(REPLIES_THEN).complement().toString());
    expect(statefulRules()).toBe(statefulRules());
  });

  it('statefulRules: the packets that open no connection are the boxes the complement makes, in its order, field by field', () => {
    // Built directly (rule-set.ts notOpeningPackets): every later walk cuts its rules by these boxes, so how they
    // split the packets is part of every exact loss a report lists, not only which packets they hold.
    const fields = (box: Box): unknown[] => [
      box.family, box.portClass, box.directions, box.states, box.protocols.toString(), [...box.protocols.intervals.bounds],
      ...[box.src, box.dst, box.srcPorts, box.dstPorts].map((values) => [values.domain.name, [...values.bounds]]),
      box.hosts.toString(), box.hosts.isAny(), box.paths.toString(), box.paths.isAny(), box.applications.toString(), box.applications.isAny(),
    ];
    const built = statefulRules()[1]!.match.boxes;
    const general = openingPackets().union(REPLIES_THEN).complement().boxes;
    expect(built.map(fields)).toEqual(general.map(fields));
    expect(built.length).toBe(8);
  });

  it('a packet set overlaps openingInvalidPackets() exactly when it meets openingPackets() in state INVALID', () => {
    fc.assert(
      fc.property(match, (set) => {
        expect(set.overlaps(openingInvalidPackets())).toBe(!set.intersection(openingThen).intersection(INVALID).isEmpty());
      }),
      { numRuns: 200 },
    );
  });
});
