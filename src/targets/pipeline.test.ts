import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandedResolver } from '../analysis/resolve.js';
import { HostSet } from '../model/hostnames.js';
import { PacketSet, type Box } from '../model/packet-set.js';
import { defaultSnapshot } from '../servicetags/index.js';
import { hostSet, packetSet } from '../testing/arbitraries.js';
import { withoutBoxesByShape } from './pipeline.js';

const snapshot = defaultSnapshot('Public');
const resolver = expandedResolver(snapshot);
const options = { resolver, tags: ['Storage.WestUS', 'AzureMonitor', 'VirtualNetwork', 'Internet'], urls: true };

describe('withoutBoxesByShape (loss accounting, once per shape)', () => {
  it('gives the boxes PacketSet.withoutBoxes gives, in the same order, when the subtracted boxes name no hosts', () => {
    fc.assert(
      fc.property(packetSet(options), fc.array(hostSet(), { minLength: 1, maxLength: 4 }), packetSet(options), (base, hosts, output) => {
        // The same shapes with other hosts, as the drafts of several host-name requirements are.
        const boxes: Box[] = base.boxes.flatMap((box) => hosts.map((names) => ({ ...box, hosts: names }))).filter((box) => !box.hosts.isEmpty());
        const minus: Box[] = output.boxes.map((box) => ({ ...box, hosts: HostSet.ANY }));
        const shapes = new Map<string, readonly Box[]>();
        // Twice: the second round reads every shape from the first.
        for (let round = 0; round < 2; round++) {
          const fast = withoutBoxesByShape(boxes, minus, shapes);
          if (boxes.length === 0 || minus.length === 0) expect(fast).toBeUndefined();
          else expect(fast!.boxes).toEqual(PacketSet.fromDisjointBoxes(boxes).withoutBoxes(minus).boxes);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('leaves a subtraction of boxes that name hosts to the caller', () => {
    const named = PacketSet.of({ hosts: HostSet.fromPatterns(['example.com']) });
    expect(withoutBoxesByShape(PacketSet.ALL.boxes, named.boxes, new Map())).toBeUndefined();
  });
});
