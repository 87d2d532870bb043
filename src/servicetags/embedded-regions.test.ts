import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLOUDS } from './cloud.js';
import { EMBEDDED_REGION_SUFFIXES, EMBEDDED_REGIONS } from './embedded-regions.js';
import { defaultSnapshot, loadSnapshotFile } from './snapshot.js';

/** The embedded file read as a user's file is: its regions voted from its tags, not taken from the table. */
const votedSnapshot = (cloud: (typeof CLOUDS)[number]) => loadSnapshotFile(fileURLToPath(new URL(`./snapshots/${cloud}.twsnap`, import.meta.url)));

describe('EMBEDDED_REGIONS', () => {
  it.each(CLOUDS)('lists exactly the regions of the embedded %s snapshot, in its order', (cloud) => {
    const actual = defaultSnapshot(cloud).regions().map((region) => region.armName);
    // `npm run snapshots` writes the list with the snapshots; the message is the list the snapshot has.
    expect(EMBEDDED_REGIONS[cloud], JSON.stringify(actual)).toEqual(actual);
    expect(actual.length).toBeGreaterThan(0);
  });
});

describe('EMBEDDED_REGION_SUFFIXES', () => {
  it.each(CLOUDS)('is written for the embedded %s snapshot, so defaultSnapshot builds its regions from it', (cloud) => {
    const { info } = defaultSnapshot(cloud);
    expect({ changeNumber: EMBEDDED_REGION_SUFFIXES[cloud].changeNumber, tagCount: EMBEDDED_REGION_SUFFIXES[cloud].tagCount }).toEqual({
      changeNumber: info.changeNumber,
      tagCount: info.tagCount,
    });
  });

  it.each(CLOUDS)('gives the embedded %s snapshot the regions the vote over its tags gives', (cloud) => {
    const fromFile = votedSnapshot(cloud);
    const voted = fromFile.regions();
    expect(EMBEDDED_REGION_SUFFIXES[cloud].suffixes).toEqual(voted.map((region) => [region.internalName, region.tagSuffix]));
    // Every field (display names, pairs from the region data), in the same order, and each name resolves the same.
    expect(defaultSnapshot(cloud).regions()).toEqual(voted);
    for (const region of voted) {
      for (const name of [region.armName, region.internalName, region.tagSuffix, region.displayName ?? region.armName, region.tagSuffix.toUpperCase()]) {
        expect(defaultSnapshot(cloud).findRegion(name), name).toEqual(fromFile.findRegion(name));
      }
    }
  });
});
