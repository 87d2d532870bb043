import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandedResolver } from '../analysis/resolve.js';
import { PacketSet } from '../model/packet-set.js';
import type { Requirement } from '../model/requirement.js';
import { defaultSnapshot } from '../servicetags/index.js';
import { packetSet } from '../testing/arbitraries.js';
import { finishDiagnostics } from './diagnostics.js';

const resolver = expandedResolver(defaultSnapshot('Public'));
const options = { resolver, tags: ['Storage.WestUS', 'AzureMonitor', 'VirtualNetwork', 'Internet'], urls: true };

describe('finishDiagnostics', () => {
  it('gives a draft about all of its requirement (the required set itself) the lost packets an equal copy gets', () => {
    fc.assert(
      fc.property(packetSet(options), packetSet(options), (required, produced) => {
        const requirement = { id: 'r1' } as Requirement;
        const withoutProduced = (set: PacketSet): PacketSet => set.difference(produced);
        const finish = (candidate: PacketSet) =>
          finishDiagnostics('test', [{ code: 'T', severity: 'error', requirement, message: 'm', candidate }], withoutProduced, () => required)[0]!;
        // The same set (the fast path) and a distinct set of the same boxes (the intersection).
        const same = finish(required);
        const copy = finish(PacketSet.fromDisjointBoxes([...required.boxes]));
        expect(same.lost?.boxes).toEqual(copy.lost?.boxes);
      }),
      { numRuns: 100 },
    );
  });
});
