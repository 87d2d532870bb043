import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressSet } from '../model/address-set.js';
import { HostSet } from '../model/hostnames.js';
import { PacketSet } from '../model/packet-set.js';
import type { Packet } from '../model/packet.js';
import { PortSet, ProtocolSet } from '../model/ports.js';
import { expectTagwallError } from '../servicetags/test-fixtures.js';
import { contains, difference, equivalent, evaluate, redundant, shadowed, SHORT_WALK } from './questions.js';
import { allowedPackets, type Action, type Rule, type RuleSet } from './rule-set.js';

// A small universe where brute force is the oracle: destinations are the 16 addresses of 10.0.0.0/28, 16 ports,
// 3 host names (plus "no host" and a name none of them match), TCP and UDP, outbound. Sources come in three
// blocks and the universe holds one address of each, so every cell of the partition rules can draw has a probe.
// Rules match only inside the universe, so outside it both sides give their default action.
const DESTINATIONS = Array.from({ length: 16 }, (_, i) => `10.0.0.${i}`);
const SOURCE_BLOCKS = ['10.0.1.0/30', '10.0.1.4/30', '10.0.1.8/29'];
const SOURCES = ['10.0.1.0', '10.0.1.4', '10.0.1.8'];
const PORTS = Array.from({ length: 16 }, (_, i) => 440 + i);
const HOST_PATTERNS = ['x.com', '*.x.com', 'y.org'];
const HOSTS = [undefined, 'x.com', 'a.x.com', 'y.org', 'z.net'];
const UNIVERSE: Packet[] = [6, 17].flatMap((protocol) =>
  SOURCES.flatMap((src) =>
    DESTINATIONS.flatMap((dst) =>
      PORTS.flatMap((dstPort) => HOSTS.map((host) => ({ direction: 'out' as const, protocol, src, dst, srcPort: 49152, dstPort, ...(host ? { host } : {}) }))),
    ),
  ),
);

const dstBlock = fc.tuple(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 28, max: 32 })).map(([i, length]) => AddressSet.parse(`10.0.0.${i}/${length}`, { normalize: true }));
const srcBlock = fc.subarray(SOURCE_BLOCKS, { minLength: 1 }).map((blocks) => AddressSet.fromStrings(blocks));
const portRange = fc.tuple(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 15 })).map(([a, b]) => PortSet.range(440 + Math.min(a, b), 440 + Math.max(a, b)));
const hosts = fc.oneof(fc.constant(HostSet.ANY), fc.subarray(HOST_PATTERNS, { minLength: 1 }).map((patterns) => HostSet.fromPatterns(patterns)));
const match = fc
  .record({ src: srcBlock, dst: dstBlock, protocols: fc.constantFrom('tcp', 'udp', 'tcp,udp'), ports: portRange, hosts })
  .map(({ src, dst, protocols, ports, hosts }) => PacketSet.of({ directions: ['out'], src, dst, protocols: ProtocolSet.parse(protocols), dstPorts: ports, hosts }));
const action = fc.constantFrom<Action>('allow', 'deny');
const ruleSet = fc.record({ rules: fc.array(fc.record({ action, match }), { maxLength: 6 }), defaultAction: action }).map<RuleSet>(({ rules, defaultAction }) => ({
  name: 'random',
  mode: 'expanded',
  defaultAction,
  rules: rules.map((r, i): Rule => ({ id: `r${i}`, ...r })),
}));
/** Often the second side is an edit of the first, so equivalent pairs are common too. */
const pair = ruleSet.chain((a) =>
  fc.oneof(
    ruleSet,
    fc.constant(a),
    fc.integer({ min: 0, max: 6 }).map((drop) => ({ ...a, rules: a.rules.filter((_, i) => i !== drop) })),
    fc.constant({ ...a, rules: [...a.rules].reverse() }),
  ).map((b) => [a, b] as const),
);

/** The verdict by scanning the rules, without the packet-set machinery. */
function bruteForce(set: RuleSet, packet: Packet): Action {
  for (const r of set.rules) if (r.match.has(packet)) return r.action;
  return set.defaultAction;
}

const sameEverywhere = (a: RuleSet, b: RuleSet): boolean =>
  a.defaultAction === b.defaultAction && UNIVERSE.every((packet) => bruteForce(a, packet) === bruteForce(b, packet));

describe('questions against brute force on a small universe', () => {
  it('allowedPackets holds exactly the packets evaluate allows (first match)', () => {
    fc.assert(
      fc.property(ruleSet, (set) => {
        const allowed = allowedPackets(set);
        for (const packet of UNIVERSE) {
          const verdict = evaluate(set, packet);
          expect(verdict.action).toBe(bruteForce(set, packet));
          expect(verdict.rule === undefined || verdict.rule.match.has(packet)).toBe(true);
          expect(allowed.has(packet)).toBe(verdict.action === 'allow');
        }
      }),
      { numRuns: 12 },
    );
  });

  it('equivalent agrees with enumerating every packet, and every witness is real', () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const answer = equivalent(a, b);
        expect(answer.equivalent).toBe(sameEverywhere(a, b));
        if (answer.equivalent) return;
        expect(answer.left.action).not.toBe(answer.right.action);
        expect(answer.left).toEqual(evaluate(a, answer.witness));
        expect(answer.right).toEqual(evaluate(b, answer.witness));
        expect(bruteForce(a, answer.witness)).toBe(answer.left.action);
        expect(bruteForce(b, answer.witness)).toBe(answer.right.action);
      }),
      { numRuns: 60 },
    );
  });

  it('difference and contains are exact, with real witnesses', () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const only = difference(a, b);
        for (const packet of UNIVERSE) expect(only.packets.has(packet)).toBe(bruteForce(a, packet) === 'allow' && bruteForce(b, packet) === 'deny');
        for (const piece of only.pieces) {
          expect(piece.packets.isSubsetOf(only.packets)).toBe(true);
          expect([bruteForce(a, piece.witness), bruteForce(b, piece.witness)]).toEqual(['allow', 'deny']);
        }
        expect(only.pieces.reduce((set, piece) => set.union(piece.packets), PacketSet.EMPTY).equals(only.packets)).toBe(true);
        const answer = contains(b, a);
        expect(answer.contained).toBe(only.packets.isEmpty());
        if (!answer.contained) expect([answer.inner.action, answer.outer.action]).toEqual(['allow', 'deny']);
      }),
      { numRuns: 25 },
    );
  });

  it('shadowed finds exactly the rules no packet reaches; redundant exactly those whose removal changes nothing', () => {
    fc.assert(
      fc.property(ruleSet, (set) => {
        const firstMatch = new Set(UNIVERSE.map((packet) => set.rules.findIndex((r) => r.match.has(packet))));
        expect(shadowed(set).map((s) => s.index)).toEqual(set.rules.flatMap((_, i) => (firstMatch.has(i) ? [] : [i])));
        const expected = set.rules.flatMap((_, i) => (sameEverywhere(set, { ...set, rules: set.rules.filter((__, j) => j !== i) }) ? [i] : []));
        expect(redundant(set).map((r) => r.index)).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });

  it('shadowed and redundant share one walk per rule set, walked again once its rules are edited in place (property)', () => {
    fc.assert(
      fc.property(ruleSet, ruleSet, (set, other) => {
        const rules = [...set.rules];
        const edited: RuleSet = { ...set, rules };
        // Asked once, so both questions have walked it; then a JavaScript caller edits the list it handed in.
        shadowed(edited);
        redundant(edited);
        rules.splice(0, Math.min(rules.length, other.rules.length), ...other.rules);
        const fresh: RuleSet = { ...set, rules: [...rules] };
        expect(shadowed(edited).map((s) => s.index)).toEqual(shadowed(fresh).map((s) => s.index));
        expect(redundant(edited).map((r) => [r.index, r.reason])).toEqual(redundant(fresh).map((r) => [r.index, r.reason]));
      }),
      { numRuns: 40 },
    );
  });

  it('shadowed and redundant answer alike whether the walk merges its earlier boxes or, being short, never does (property)', () => {
    fc.assert(
      fc.property(ruleSet, ruleSet, (a, b) => {
        const set: RuleSet = { ...a, rules: [...a.rules, ...b.rules, ...a.rules.map((rule) => ({ ...rule, id: `${rule.id}-again` }))] };
        const answers = (): unknown => [shadowed({ ...set }).map((s) => [s.index, s.coveredBy.length, s.conflicting]), redundant({ ...set }).map((r) => [r.index, r.reason])];
        const short = answers();
        try {
          for (const longLimit of [1, 3, undefined]) {
            Object.assign(SHORT_WALK, { boxes: 0, longLimit });
            expect(answers()).toEqual(short);
          }
        } finally {
          Object.assign(SHORT_WALK, { boxes: 256, longLimit: undefined });
        }
      }),
      { numRuns: 40 },
    );
  });

  it('redundant answers alike whether a packet of what a rule decides refutes it or the walk below it does (property)', () => {
    // Each allow rule doubled: the copy is then redundant (same verdict below) or its first packet falls elsewhere.
    fc.assert(
      fc.property(ruleSet, (set) => {
        const doubled: RuleSet = { ...set, rules: set.rules.flatMap((r) => [r, { ...r, id: `${r.id}-again` }]) };
        const expected = doubled.rules.flatMap((_, i) => (sameEverywhere(doubled, { ...doubled, rules: doubled.rules.filter((__, j) => j !== i) }) ? [i] : []));
        expect(redundant(doubled).map((r) => r.index)).toEqual(expected);
      }),
      { numRuns: 30 },
    );
  });
});

describe('answers', () => {
  const allow443: Rule = { id: 'https', action: 'allow', match: PacketSet.of({ protocols: ProtocolSet.parse('tcp'), dstPorts: PortSet.of(443) }) };
  const denyAll: RuleSet = { name: 'deny', mode: 'expanded', defaultAction: 'deny', rules: [] };
  const https: RuleSet = { name: 'https', mode: 'expanded', defaultAction: 'deny', rules: [allow443] };

  it('names the deciding rule on each side, with a readable witness', () => {
    const answer = equivalent(https, denyAll);
    expect(answer.equivalent).toBe(false);
    if (answer.equivalent) return;
    expect(answer.witness).toMatchObject({ protocol: 6, dstPort: 443, srcPort: 49152, src: '172.16.0.0' });
    expect(answer.left.rule?.id).toBe('https');
    expect(answer.right).toEqual({ action: 'deny', rule: undefined });
    expect(equivalent(https, https)).toEqual({ equivalent: true, mode: 'expanded' });
  });

  it('refuses to compare a symbolic rule set with an expanded one', () => {
    expectTagwallError(() => equivalent(https, { ...denyAll, mode: 'symbolic' }), 'TW_MODE_MISMATCH');
    expectTagwallError(() => difference(https, { ...denyAll, mode: 'symbolic' }), 'TW_MODE_MISMATCH');
  });

  it('reports a shadowed rule with the earlier rules that take its packets', () => {
    const denyWeb: Rule = { id: 'deny-web', action: 'deny', match: PacketSet.of({ protocols: ProtocolSet.parse('tcp'), dstPorts: PortSet.of(80, 443) }) };
    const set: RuleSet = { ...https, rules: [denyWeb, allow443] };
    expect(shadowed(set)).toEqual([{ rule: allow443, index: 1, coveredBy: [denyWeb], conflicting: true }]);
    expect(redundant(set).map((r) => [r.rule.id, r.reason])).toEqual([['https', 'shadowed']]);
    // Each redundant rule is redundant on its own: two copies of one rule are each removable, not both.
    const twice: RuleSet = { ...https, rules: [allow443, { ...allow443, id: 'again' }] };
    expect(redundant(twice).map((r) => [r.rule.id, r.reason])).toEqual([['https', 'same-verdict-below'], ['again', 'shadowed']]);
    expect(allowedPackets({ ...twice, rules: [] }).equals(allowedPackets(twice))).toBe(false);
    // An allow above the default allow changes nothing either.
    expect(redundant({ ...https, defaultAction: 'allow' }).map((r) => [r.rule.id, r.reason])).toEqual([['https', 'same-verdict-below']]);
  });
});
