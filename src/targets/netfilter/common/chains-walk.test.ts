/**
 * The chain walk takes a rule's match on a hook as its own intersection with every packet the hook judges when
 * `withinDirections` says it lies within (chains.ts, `Inliner.reached`). This property holds that to the
 * intersection: for sets of the kinds rules match (one spec, a union, a difference; protocols of every port class,
 * ports, ICMP, addresses of both families, states), within means the intersection has the same boxes, and a set
 * whose directions are all judged is within.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressSet } from '../../../model/address-set.js';
import { PacketSet, type PacketSpec } from '../../../model/packet-set.js';
import { DIRECTIONS, type ConnState, type Direction } from '../../../model/packet.js';
import { PortSet, ProtocolSet } from '../../../model/ports.js';
import { withinDirections } from './chains.js';

const directions = fc.subarray([...DIRECTIONS] as Direction[], { minLength: 1 });
const spec: fc.Arbitrary<PacketSpec> = fc.record(
  {
    directions,
    protocols: fc.subarray([1, 6, 17, 47, 58], { minLength: 1 }).map((numbers) => ProtocolSet.of(...numbers)),
    dstPorts: fc.constantFrom<[number, number]>([443, 443], [80, 90], [1, 65535]).map((range) => PortSet.fromRanges([range])),
    dst: fc.constantFrom('10.0.0.0/8', 'fc00::/7', '10.1.2.3, 2001:db8::/32', '0.0.0.0/0').map((text) => AddressSet.parse(text)),
    src: fc.constantFrom('192.168.0.0/16', '::/0, 10.0.0.0/8').map((text) => AddressSet.parse(text)),
    states: fc.subarray<ConnState>(['new', 'established', 'related', 'invalid', 'untracked'], { minLength: 1 }),
  },
  { requiredKeys: ['directions'] },
);
const packets = fc.oneof(
  spec.map((one) => PacketSet.of(one)),
  fc.tuple(spec, spec).map(([a, b]) => PacketSet.of(a).union(PacketSet.of(b))),
  fc.tuple(spec, spec).map(([a, b]) => PacketSet.of(a).difference(PacketSet.of(b))),
);

describe('a rule match within the hook', () => {
  it('is its own intersection with every packet the hook judges', () => {
    fc.assert(
      fc.property(packets, directions, (match, judgedDirections) => {
        const judged = PacketSet.of({ directions: judgedDirections });
        const directionsOfMatch = new Set(match.boxes.map((box) => box.directions));
        const allJudged = [...directionsOfMatch].every((mask) => DIRECTIONS.every((direction, bit) => (mask & (1 << bit)) === 0 || judgedDirections.includes(direction)));
        expect(withinDirections(match, judged)).toBe(allJudged);
        if (allJudged) expect(match.intersection(judged).lines()).toEqual(match.lines());
        else expect(match.intersection(judged).lines()).not.toEqual(match.lines());
      }),
      { numRuns: 500 },
    );
  });
});
