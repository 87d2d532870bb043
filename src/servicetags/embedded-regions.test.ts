import { describe, expect, it } from 'vitest';
import { CLOUDS } from './cloud.js';
import { EMBEDDED_REGIONS } from './embedded-regions.js';
import { defaultSnapshot } from './snapshot.js';

describe('EMBEDDED_REGIONS', () => {
  it.each(CLOUDS)('lists exactly the regions of the embedded %s snapshot, in its order', (cloud) => {
    const actual = defaultSnapshot(cloud).regions().map((region) => region.armName);
    // On a snapshot update the message is the new list to paste into embedded-regions.ts.
    expect(EMBEDDED_REGIONS[cloud], JSON.stringify(actual)).toEqual(actual);
    expect(actual.length).toBeGreaterThan(0);
  });
});
