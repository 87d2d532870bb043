import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandedResolver } from '../../../analysis/resolve.js';
import { PacketSet, sameBox, type Box } from '../../../model/packet-set.js';
import { PortSet, ProtocolSet, TCP } from '../../../model/ports.js';
import type { Requirement } from '../../../model/requirement.js';
import { defaultSnapshot } from '../../../servicetags/snapshot.js';
import { requirementSet } from '../../../testing/arbitraries.js';
import { lowerRequirements, netfilterAllowed, netfilterAllowedBoxes, seenPackets, seenPacketsReadBack } from './lower.js';
import { netfilterOptions } from './options.js';

const snapshot = defaultSnapshot('Public');
const resolver = expandedResolver(snapshot);

/** Equal in every dimension, as values, with the keys in the same order (nothing downstream can tell them apart). */
function sameBoxAndKeys(a: Box, b: Box): boolean {
  return Object.keys(a).join() === Object.keys(b).join() && a.family === b.family && a.portClass === b.portClass && sameBox(a, b);
}

const optionValues = fc.record({
  chainHook: fc.constantFrom('host', 'input', 'output', 'forward'),
  fqdn: fc.constantFrom('none', 'dnsmasq'),
  platformFlows: fc.constantFrom('azure', 'none'),
});

describe('netfilterAllowedBoxes', () => {
  it('gives the boxes of reading every rule back (loweredPackets), in order, for any requirements and options', () => {
    fc.assert(
      fc.property(requirementSet({ maxRequirements: 6 }), optionValues, (requirements, values) => {
        const options = netfilterOptions({ ...values, interface: 'eth1' }, 'nftables');
        const model = lowerRequirements(requirements, resolver, options, 'nftables', 'NFT');
        const direct = netfilterAllowedBoxes(model);
        const readBack = model.rules.flatMap((rule) => seenPacketsReadBack(rule, model.unseen).boxes);
        expect(direct.length).toBe(readBack.length);
        direct.forEach((box, index) => expect(sameBoxAndKeys(box, readBack[index]!)).toBe(true));
        // The union the kits' `allowed` gives holds the packets of the read-back rules.
        expect(netfilterAllowed(model).equals(PacketSet.fromBoxes(readBack))).toBe(true);
      }),
      { numRuns: 120 },
    );
  });

  it('builds the boxes of the rules lowered from requirement boxes directly (the scenario render)', () => {
    const requirements = { name: 'tags', requirements: [tagRequirement('storage', 'Storage.WestUS', 443), tagRequirement('monitor', 'AzureMonitor', 443)] };
    const model = lowerRequirements(requirements, resolver, netfilterOptions({}, 'nftables'), 'nftables', 'NFT');
    const rules = model.rules.filter((rule) => rule.requirementId === 'storage' || rule.requirementId === 'monitor');
    expect(rules.length).toBeGreaterThan(0);
    // Direct: one ProtocolSet per protocol for every rule (a rule read back gets a set of its own).
    const [first, ...others] = rules.map((rule) => seenPackets(rule, model.unseen).boxes[0]!.protocols);
    expect(others.length).toBeGreaterThan(0);
    for (const protocols of others) expect(protocols).toBe(first);
    expect(seenPacketsReadBack(rules[1]!, model.unseen).boxes[0]!.protocols).not.toBe(first);
  });
});

function tagRequirement(id: string, tag: string, port: number): Requirement {
  return {
    id,
    direction: 'out',
    protocols: ProtocolSet.of(TCP),
    ports: PortSet.of(port),
    sources: [{ kind: 'service-tag', name: 'VirtualNetwork' }],
    destinations: [{ kind: 'service-tag', name: tag }],
    purpose: 'test',
    conditions: [],
    provenance: [],
  };
}
