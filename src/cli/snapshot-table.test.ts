import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SnapshotDiff, TagField } from '../servicetags/diff.js';
import { formatTable } from './io.js';
import { changedTable } from './snapshot.js';

describe("snapshot diff's table of changed tags", () => {
  it('is the lines formatTable lays out for the same rows, whatever the names, counts and metadata', () => {
    const fields: TagField[] = ['name', 'id', 'region', 'regionId', 'platform', 'systemService', 'networkFeatures'];
    // Names of the tag grammar from one character to longer than the header; counts from 0 to six digits.
    const name = fc.stringMatching(/^[A-Za-z0-9._-]{1,24}$/);
    const count = fc.oneof(fc.nat({ max: 12 }), fc.constantFrom(9, 10, 99, 100, 999_999, 1_000_000), fc.nat({ max: 999_999 }));
    const change = fc.record({ name, metadata: fc.subarray(fields), added: count, removed: count });
    fc.assert(
      fc.property(fc.array(change, { minLength: 1, maxLength: 12 }), (changes) => {
        const diff = { changed: changes.map(({ name, metadata }) => ({ name, metadata })) } as unknown as SnapshotDiff;
        const counts = Uint32Array.from(changes.flatMap(({ added, removed }) => [added, removed]));
        // The rows as formatDiff gave them to formatTable before (round 23).
        const rows = changes.map((c) => [`  ${c.name}`, `+${c.added}`, `-${c.removed}`, c.metadata.length > 0 ? c.metadata.join(',') : '']);
        expect(changedTable(diff, counts)).toEqual(formatTable(['  TAG', 'ADDED', 'REMOVED', 'METADATA'], rows).trimEnd().split('\n'));
      }),
      { numRuns: 1000, seed: 24 },
    );
  });
});
