import { describe, expect, it } from 'vitest';
import { TagwallError } from '../errors.js';
import { AddressSet } from '../model/address-set.js';
import { PortSet, ProtocolSet } from '../model/ports.js';
import type { Endpoint, Requirement } from '../model/requirement.js';
import { requirementImpact } from './impact.js';
import { loadSnapshotFile } from './snapshot.js';
import { FIXTURES } from './test-fixtures.js';

const older = loadSnapshotFile(FIXTURES.public20250728);
const newer = loadSnapshotFile(FIXTURES.public20251028);

function requirement(id: string, ...destinations: Endpoint[]): Requirement {
  return {
    id,
    direction: 'out',
    protocols: ProtocolSet.parse('tcp'),
    ports: PortSet.of(443),
    sources: [{ kind: 'any' }],
    destinations,
    purpose: 'test',
    conditions: [],
    provenance: [],
  };
}
const tag = (name: string): Endpoint => ({ kind: 'service-tag', name });

describe('requirementImpact', () => {
  it('lists exactly the requirements whose tags changed, with the net address change', () => {
    const requirements = [
      requirement('aml', tag('azuremachinelearning'), tag('VirtualNetwork')),
      requirement('storage', tag('Storage.WestUS')),
      requirement('belgium', tag('Storage.BelgiumCentral')),
      requirement('literal', { kind: 'addresses', addresses: AddressSet.parse('10.0.0.0/8') }),
    ];
    const impact = requirementImpact(older, newer, requirements);
    const expectedChanged = requirements.filter((r) =>
      r.destinations.some(
        (d) =>
          d.kind === 'service-tag' &&
          d.name !== 'VirtualNetwork' &&
          !(older.tag(d.name) && newer.tag(d.name) && older.addresses(d.name).equals(newer.addresses(d.name))),
      ),
    );
    expect(impact.map((i) => i.id)).toEqual(expectedChanged.map((r) => r.id));

    const aml = impact.find((i) => i.id === 'aml')!;
    expect(aml.tags).toHaveLength(1);
    const [change] = aml.tags;
    expect(change).toMatchObject({ requested: 'azuremachinelearning', name: 'AzureMachineLearning', status: 'changed' });
    const before = older.addresses('AzureMachineLearning');
    const after = newer.addresses('AzureMachineLearning');
    expect(AddressSet.fromStrings(change!.addressesAdded).equals(after.difference(before))).toBe(true);
    expect(AddressSet.fromStrings(change!.addressesRemoved).equals(before.difference(after))).toBe(true);

    // BelgiumCentral tags were published between the two snapshots (shared/data/servicetags/README.md).
    const belgium = impact.find((i) => i.id === 'belgium')!;
    expect(belgium.tags[0]).toMatchObject({ status: 'added', addressesRemoved: [] });
    expect(impact.find((i) => i.id === 'literal')).toBeUndefined();
  });

  it('reports nothing between a snapshot and itself', () => {
    expect(requirementImpact(newer, newer, [requirement('aml', tag('AzureMachineLearning'))])).toEqual([]);
  });

  it('rejects a tag that neither snapshot has', () => {
    expect(() => requirementImpact(older, newer, [requirement('x', tag('Storag.WestUS'))])).toThrow(TagwallError);
  });
});
