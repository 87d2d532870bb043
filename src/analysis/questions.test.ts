import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressSet } from '../model/address-set.js';
import { PacketSet } from '../model/packet-set.js';
import type { Packet } from '../model/packet.js';
import { PortSet, ProtocolSet } from '../model/ports.js';
import { equivalent, evaluate } from './questions.js';
import { allowedPackets, type Rule, type RuleSet } from './rule-set.js';

// A small universe where brute force is the oracle: 16 addresses of 10.0.0.0/28 on each side, 4 ports, TCP/UDP.
const ADDRESSES = Array.from({ length: 16 }, (_, i) => `10.0.0.${i}`);
const PORTS = [22, 80, 443, 8080];
const UNIVERSE: Packet[] = ['tcp', 'udp'].flatMap((protocol) =>
  ADDRESSES.flatMap((src) =>
    ADDRESSES.filter((_, i) => i % 3 === 0).flatMap((dst) =>
      PORTS.map((dstPort) => ({ direction: 'out' as const, protocol: protocol === 'tcp' ? 6 : 17, src, dst, srcPort: 49152, dstPort })),
    ),
  ),
);

const block = fc.tuple(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 28, max: 32 })).map(([i, length]) => AddressSet.parse(`10.0.0.${i}/${length}`, { normalize: true }));
const match = fc
  .record({ src: block, dst: block, protocols: fc.constantFrom('tcp', 'udp', 'tcp,udp'), ports: fc.subarray(PORTS, { minLength: 1 }) })
  .map(({ src, dst, protocols, ports }) =>
    PacketSet.of({ directions: ['out'], src, dst, protocols: ProtocolSet.parse(protocols), dstPorts: PortSet.of(...ports) }),
  );
const rule = fc.record({ action: fc.constantFrom<'allow' | 'deny'>('allow', 'deny'), match });
const ruleSet = fc
  .record({ rules: fc.array(rule, { maxLength: 5 }), defaultAction: fc.constantFrom<'allow' | 'deny'>('allow', 'deny') })
  .map<RuleSet>(({ rules, defaultAction }) => ({
    name: 'random',
    mode: 'expanded',
    defaultAction,
    rules: rules.map((r, i): Rule => ({ id: `r${i}`, ...r })),
  }));

/** The verdict by scanning the rules, without the packet-set machinery. */
function bruteForce(set: RuleSet, packet: Packet): 'allow' | 'deny' {
  for (const r of set.rules) if (r.match.has(packet)) return r.action;
  return set.defaultAction;
}

describe('evaluate and equivalent against brute force', () => {
  it('allowedPackets holds exactly the packets evaluate allows (first match)', () => {
    fc.assert(
      fc.property(ruleSet, (set) => {
        const allowed = allowedPackets(set);
        for (const packet of UNIVERSE) {
          const action = evaluate(set, packet).action;
          expect(action).toBe(bruteForce(set, packet));
          expect(allowed.has(packet)).toBe(action === 'allow');
        }
      }),
      { numRuns: 60 },
    );
  });

  it('agrees with enumeration inside the universe, and every witness is real', () => {
    fc.assert(
      fc.property(ruleSet, ruleSet, (a, b) => {
        const answer = equivalent(a, b);
        const differs = UNIVERSE.some((packet) => bruteForce(a, packet) !== bruteForce(b, packet));
        if (answer.equivalent) {
          expect(differs).toBe(false);
          return;
        }
        // Outside the universe both sides may differ too (default actions cover every packet), so only check
        // that a difference inside it is never missed, and that the witness really separates them.
        expect(answer.left.action).not.toBe(answer.right.action);
        expect(answer.left.action).toBe(bruteForce(a, answer.witness));
        expect(answer.right.action).toBe(bruteForce(b, answer.witness));
      }),
      { numRuns: 100 },
    );
  });

  it('names the deciding rule on each side', () => {
    const allow443: Rule = { id: 'https', action: 'allow', match: PacketSet.of({ protocols: ProtocolSet.parse('tcp'), dstPorts: PortSet.of(443) }) };
    const denyAll: RuleSet = { name: 'deny', mode: 'expanded', defaultAction: 'deny', rules: [] };
    const https: RuleSet = { name: 'https', mode: 'expanded', defaultAction: 'deny', rules: [allow443] };
    const answer = equivalent(https, denyAll);
    expect(answer.equivalent).toBe(false);
    if (answer.equivalent) return;
    expect(answer.witness).toMatchObject({ protocol: 6, dstPort: 443, srcPort: 49152 });
    expect(answer.left.rule?.id).toBe('https');
    expect(answer.right).toEqual({ action: 'deny', rule: undefined });
    expect(equivalent(https, https)).toEqual({ equivalent: true });
  });
});
