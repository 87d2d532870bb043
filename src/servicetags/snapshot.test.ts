import { mergeCidr } from 'cidr-tools';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressSet } from '../model/address-set.js';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { gunzipSync, gzipSync } from 'node:zlib';
import { TagwallError } from '../errors.js';
import { INPUT_LIMITS } from '../internal/input-limits.js';
import { prefetchesForSyncLoad, prefetchSnapshotFiles, takeInflatedSnapshot, takePrefetchedSnapshot } from './prefetch.js';
import { defaultSnapshot, loadSnapshotFile, parseSnapshot, startLoadingSnapshotFile } from './snapshot.js';
import { expectTagwallError, FIXTURES, sampleSnapshot } from './test-fixtures.js';
import { unionAll } from './union.js';

const gov = loadSnapshotFile(FIXTURES.gov20260720);
const publicSnapshot = defaultSnapshot('Public');

describe('Snapshot', () => {
  it('lists tags in file order, frozen', () => {
    const names = gov.tags().map((tag) => tag.name);
    expect(names).toEqual(gov.names());
    expect(names[0]).toBe('ActionGroup');
    expect(Object.isFrozen(gov.tags())).toBe(true);
    expect(Object.isFrozen(gov.tags()[0])).toBe(true);
    expect(Object.isFrozen(gov.info)).toBe(true);
    expect(Object.isFrozen(publicSnapshot.tags()[5])).toBe(true);
  });

  it('looks tags up ignoring case, without aliases', () => {
    expect(gov.tag('storage.usgovvirginia')?.name).toBe('Storage.USGovVirginia');
    expect(publicSnapshot.tag('AZURECLOUD.CENTRALFRANCE')?.name).toBe('AzureCloud.centralfrance');
    expect(publicSnapshot.tag('KeyVault.EastUS')).toBeUndefined();
    expect(publicSnapshot.tag('Storage.francecentral')).toBeDefined();
    expect(publicSnapshot.tag('Storage')?.region).toBe('');
  });

  it('gives prefixes as published and normalized', () => {
    const sample = sampleSnapshot();
    sample.values[1]!.properties.addressPrefixes = ['20.38.80.0/24', '2603:1020:805::/48', '2603:1020:0805:0000::/64'];
    const snapshot = parseSnapshot(JSON.stringify(sample));
    expect(snapshot.prefixes('Storage.FranceCentral')).toEqual(['20.38.80.0/24', '2603:1020:805::/48', '2603:1020:0805:0000::/64']);
    expect(snapshot.normalizedPrefixes('storage.francecentral')).toEqual(['20.38.80.0/24', '2603:1020:805::/48', '2603:1020:805::/64']);
    expect(snapshot.addresses('Storage.FranceCentral').toCidrStrings()).toEqual(['20.38.80.0/24', '2603:1020:805::/48']);
    expect(publicSnapshot.prefixes('Storage.WestUS')).toHaveLength(95);
    expect(publicSnapshot.prefixes('keyvault.westus')).toEqual(publicSnapshot.prefixes('AzureKeyVault.WestUS'));
    expectTagwallError(() => publicSnapshot.prefixes('NoSuchTag'), 'TW_UNKNOWN_TAG');
  });

  it('decodes a tag once and keeps the set', () => {
    expect(publicSnapshot.addresses('Storage.WestUS')).toBe(publicSnapshot.addresses('storage.westus'));
    expect(publicSnapshot.addresses('Storage.WestUS').equals(AddressSet.fromStrings(publicSnapshot.prefixes('Storage.WestUS')))).toBe(true);
  });

  it('expand() is the union of the tags and minimal', () => {
    const names = ['Storage.WestUS', 'AzureKeyVault.EastUS', 'AzureFrontDoor.FrontEnd', 'Storage.WestUS'];
    const { tags, addresses } = publicSnapshot.expand(names);
    expect(tags.map((tag) => tag.name)).toEqual(['Storage.WestUS', 'AzureKeyVault.EastUS', 'AzureFrontDoor.Frontend', 'Storage.WestUS']);
    expect(tags[2]!.note).toBeDefined();
    const folded = names.map((name) => publicSnapshot.addresses(name)).reduce((a, b) => a.union(b));
    expect(addresses.equals(folded)).toBe(true);
    const all = names.flatMap((name) => [...publicSnapshot.prefixes(name)]);
    // cidr-tools is an independent oracle: its merge is the minimal CIDR cover of the same prefixes.
    expect(addresses.toCidrStrings().sort()).toEqual(mergeCidr(all).sort());
    expect(publicSnapshot.expand([]).addresses.isEmpty()).toBe(true);
  });

  it('expand() equals the fold of union over any choice of tags', () => {
    const names = gov.names();
    fc.assert(
      fc.property(fc.subarray([...names], { maxLength: 12 }), (chosen) => {
        const { addresses } = gov.expand(chosen);
        const folded = chosen.reduce((set, name) => set.union(gov.addresses(name)), AddressSet.EMPTY);
        expect(addresses.equals(folded)).toBe(true);
        const all = chosen.flatMap((name) => [...gov.prefixes(name)]);
        expect(addresses.toCidrStrings().length).toBe(all.length === 0 ? 0 : mergeCidr(all).length);
      }),
      { numRuns: 60 },
    );
  });

  it('expands every tag of a snapshot at once', () => {
    const everything = gov.expand(gov.names());
    expect(everything.addresses.equals(gov.addresses('AzureCloud').union(everything.addresses))).toBe(true);
    expect(everything.tags).toHaveLength(gov.info.tagCount);
  });

  it('match() globs tag names ignoring case, sorted', () => {
    expect(publicSnapshot.match('storage.west*')).toEqual([
      'Storage.WestCentralUS',
      'Storage.WestEurope',
      'Storage.WestIndia',
      'Storage.WestUS',
      'Storage.WestUS2',
      'Storage.WestUS3',
    ]);
    expect(gov.match('AzureCloud.usgov*')).toEqual(['AzureCloud.usgovarizona', 'AzureCloud.usgovtexas', 'AzureCloud.usgovvirginia']);
    expect(gov.match('{Storage,Sql}.USDoD*')).toEqual(['Sql.USDoDCentral', 'Sql.USDoDEast', 'Storage.USDoDCentral', 'Storage.USDoDEast']);
    expect(gov.match('nothing*')).toEqual([]);
  });

  it('records which snapshot it is', () => {
    expect(publicSnapshot.info).toMatchObject({ cloud: 'Public', changeNumber: 375, date: '2025-10-28', source: 'embedded:Public' });
    expect(defaultSnapshot('AzureGovernment').info).toMatchObject({ changeNumber: 402, date: '2026-07-20', tagCount: 299 });
    expect(defaultSnapshot('China').info).toMatchObject({ changeNumber: 405, prefixCount: { ipv4: 3114, ipv6: 1276 } });
    expect(parseSnapshot(JSON.stringify(sampleSnapshot())).info.source).toBe('<input>');
  });
});

describe('unionAll', () => {
  const setArbitrary = fc
    .array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 24, max: 32 })), { maxLength: 6 })
    .map((entries) => AddressSet.fromStrings(entries.map(([octet, length]) => `10.0.${octet}.0/${length}`), { normalize: true }));

  it('equals the left fold of union', () => {
    fc.assert(
      fc.property(fc.array(setArbitrary, { maxLength: 9 }), (sets) => {
        expect(unionAll(sets).equals(sets.reduce((a, b) => a.union(b), AddressSet.EMPTY))).toBe(true);
      }),
    );
  });
});

describe('startLoadingSnapshotFile', () => {
  /** What a load gives, as comparable text: the snapshot's info, tags and some prefix lists, or the error. */
  async function outcome(load: () => ReturnType<typeof loadSnapshotFile> | Promise<ReturnType<typeof loadSnapshotFile>>): Promise<string> {
    try {
      const snapshot = await load();
      const prefixes = snapshot.names().filter((_, i) => i % 7 === 0).map((name) => [snapshot.prefixes(name), snapshot.normalizedPrefixes(name)]);
      return JSON.stringify([snapshot.info, snapshot.tags(), prefixes]);
    } catch (error) {
      if (!(error instanceof TagwallError)) throw error;
      return JSON.stringify([error.code, error.message, error.location]);
    }
  }

  it('loads what loadSnapshotFile loads, and fails only when finished, with the error loadSnapshotFile throws', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagwall-start-loading-'));
    try {
      const gzip = readFileSync(FIXTURES.public20251028);
      const files = {
        truncated: gzip.subarray(0, gzip.length >> 1),
        damaged: Buffer.concat([gzip.subarray(0, 4000), Buffer.alloc(64, 0x55), gzip.subarray(4064)]),
        badJson: gzipSync(Buffer.from('{"changeNumber": 1, "cloud": "Public", "values": [}')),
        sample: gzipSync(Buffer.from(JSON.stringify(sampleSnapshot()))),
        plain: Buffer.from(JSON.stringify(sampleSnapshot())),
        // The read-ahead's inflation fails on its own terms past the cap: the error is still zlib.gunzip's.
        bomb: gzipSync(Buffer.alloc(INPUT_LIMITS.snapshotSize + 1), { level: 1 }),
        garbageAfter: Buffer.concat([gzip, Buffer.from('garbage')]),
        twoMembers: Buffer.concat([gzipSync(Buffer.from('{"changeNumber": 1, ')), gzipSync(Buffer.from('"cloud": "Public", "values": []}'))]),
      };
      const paths = [FIXTURES.public20251028, FIXTURES.gov20251028, join(dir, 'missing.json.gz')];
      for (const [name, bytes] of Object.entries(files)) {
        paths.push(join(dir, `${name}.json.gz`));
        writeFileSync(paths.at(-1)!, bytes);
      }
      for (const path of paths) {
        const finish = startLoadingSnapshotFile(path);
        expect(await outcome(finish)).toBe(await outcome(() => loadSnapshotFile(path)));
        // Read ahead by the executable (prefetch.ts), the same load and the same error; the prefetch is taken once.
        await readAhead(path);
        expect(prefetchedCount()).toBe(fs.existsSync(path) ? 1 : 0);
        expect(await outcome(startLoadingSnapshotFile(path))).toBe(await outcome(() => loadSnapshotFile(path)));
        expect(prefetchedCount()).toBe(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("adopts a `--snapshot` read-ahead once it has inflated, and reads the file itself when it failed or is still running", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagwall-sync-prefetch-'));
    try {
      const gzip = readFileSync(FIXTURES.public20251028);
      const files = {
        public: gzip,
        truncated: gzip.subarray(0, gzip.length >> 1),
        damaged: Buffer.concat([gzip.subarray(0, 4000), Buffer.alloc(64, 0x55), gzip.subarray(4064)]),
        badJson: gzipSync(Buffer.from('{"changeNumber": 1, "cloud": "Public", "values": [}')),
        sample: gzipSync(Buffer.from(JSON.stringify(sampleSnapshot()))),
        plain: Buffer.from(JSON.stringify(sampleSnapshot())),
        empty: Buffer.alloc(0),
        bomb: gzipSync(Buffer.alloc(INPUT_LIMITS.snapshotSize + 1), { level: 1 }),
      };
      // What the same path holds once the read-ahead has been made: a load that adopts the read-ahead gives the
      // file as it was, one that reads the file gives this.
      const later = gzipSync(readFileSync(FIXTURES.gov20251028));
      for (const [name, bytes] of Object.entries(files)) {
        const path = join(dir, `${name}.json.gz`);
        writeFileSync(path, bytes);
        const expected = await outcome(() => loadSnapshotFile(path));
        const isGzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
        // Still read or inflating (its callback cannot have run yet): dropped, and the load reads the file.
        prefetchSnapshotFiles([path], { fs, zlib }, true);
        expect(prefetchedCount()).toBe(1);
        expect(await outcome(() => loadSnapshotFile(path)), name).toBe(expected);
        expect(prefetchedCount()).toBe(0);
        // Read, still inflating (a gzip file): dropped too.
        if (isGzip) {
          await readAhead(path, true);
          expect(prefetchedCount()).toBe(1);
          expect(await outcome(() => loadSnapshotFile(path)), name).toBe(expected);
          expect(prefetchedCount()).toBe(0);
        }
        // Finished: the same snapshot or the same error, and taken once.
        prefetchSnapshotFiles([path], { fs, zlib }, true);
        await prefetchesForSyncLoad();
        expect(await outcome(() => loadSnapshotFile(path)), name).toBe(expected);
        expect(prefetchedCount()).toBe(0);
        // Adopted when it was read (and inflated, for gzip): the file changed since is not read; a failed one is read again.
        prefetchSnapshotFiles([path], { fs, zlib }, true);
        await prefetchesForSyncLoad();
        writeFileSync(path, later);
        // A gzip file whose inflation failed (zlib's error, or past the cap) is read again.
        const inflated = !isGzip || !/^\["TW_(FILE|INPUT_LIMIT)"/.test(expected);
        expect(await outcome(() => loadSnapshotFile(path)), name).toBe(inflated ? expected : await outcome(() => loadSnapshotFile(path)));
        if (inflated) expect(expected).not.toBe(await outcome(() => loadSnapshotFile(path)));
        expect(prefetchedCount()).toBe(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('waits for the `--snapshot` read-aheads only (prefetchesForSyncLoad)', async () => {
    expect(prefetchesForSyncLoad()).toBeUndefined();
    prefetchSnapshotFiles([FIXTURES.public20251028], { fs, zlib });
    expect(prefetchesForSyncLoad()).toBeUndefined();
    prefetchSnapshotFiles([FIXTURES.public20250728], { fs, zlib }, true);
    const waiting = prefetchesForSyncLoad();
    expect(waiting).toBeDefined();
    await waiting;
    expect(takeInflatedSnapshot(FIXTURES.public20250728)?.text.length).toBe(gunzipSync(readFileSync(FIXTURES.public20250728)).length);
    expect(takeInflatedSnapshot(FIXTURES.public20250728)).toBeUndefined();
    // Read by now (a gzip file is read before the command's own wait), so taken.
    expect(takePrefetchedSnapshot(FIXTURES.public20251028)).toBeDefined();
    expect(prefetchedCount()).toBe(0);
  });

  it('reads ahead only regular files: not a directory, a FIFO or a missing file, and never throws', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagwall-prefetch-'));
    try {
      const fifo = join(dir, 'fifo.json.gz');
      execFileSync('mkfifo', [fifo]);
      fs.mkdirSync(join(dir, 'folder.json.gz'));
      // A FIFO nobody writes to would block a read: the prefetch must not open it.
      for (const path of [fifo, join(dir, 'folder.json.gz'), join(dir, 'missing.json.gz'), 'embedded', '']) {
        expect(() => prefetchSnapshotFiles([path], { fs, zlib })).not.toThrow();
        expect(takePrefetchedSnapshot(path)).toBeUndefined();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** prefetchSnapshotFiles of one file, settled when the executable would load the bundle (its gzip read done). */
function readAhead(path: string, forSyncLoad = false): Promise<void> {
  return new Promise((resolve) => prefetchSnapshotFiles([path], { fs, zlib }, forSyncLoad)(resolve));
}

/** How many prefetches wait in the executable's registry (none once every load took its own). */
function prefetchedCount(): number {
  const registry = (globalThis as Record<symbol, Map<string, unknown> | undefined>)[Symbol.for('tagwall.prefetchedSnapshots')];
  return registry?.size ?? 0;
}
