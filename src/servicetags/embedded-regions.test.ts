import { describe, expect, it } from 'vitest';
import { CLOUDS } from './cloud.js';
import { EMBEDDED_REGIONS } from './embedded-regions.js';
import { defaultSnapshot } from './snapshot.js';

describe('EMBEDDED_REGIONS', () => {
  it.each(CLOUDS)('lists exactly the regions of the embedded %s snapshot, in its order', (cloud) => {
    const actual = defaultSnapshot(cloud).regions().map((region) => region.armName);
    // `npm run snapshots` writes the list with the snapshots; the message is the list the snapshot has.
    expect(EMBEDDED_REGIONS[cloud], JSON.stringify(actual)).toEqual(actual);
    expect(actual.length).toBeGreaterThan(0);
  });
});
