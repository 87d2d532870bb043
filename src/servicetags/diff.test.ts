import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressSet } from '../model/address-set.js';
import { diffSnapshots, prefixChangeCounts, type SnapshotDiff } from './diff.js';
import { decodeEmbedded, encodeEmbedded } from './embedded.js';
import { parseServiceTagsJson } from './load.js';
import { defaultSnapshot, fieldTexts, loadSnapshotFile, parseSnapshot, Snapshot } from './snapshot.js';
import { expectTagwallError, FIXTURES, sampleSnapshot } from './test-fixtures.js';

function totals(diff: SnapshotDiff): [number, number, number, number, number] {
  const added = diff.changed.reduce((n, change) => n + change.prefixesAdded.length, 0);
  const removed = diff.changed.reduce((n, change) => n + change.prefixesRemoved.length, 0);
  return [diff.added.length, diff.removed.length, diff.changed.length, added, removed];
}

// Counts from shared/data/servicetags/README.md ("Diffs between versions"), computed there with python.
describe('diffs between Microsoft publications', () => {
  it('Public 20250728 → 20251028: +72, −0, 348 changed, +3,266 / −731 prefixes', () => {
    const diff = diffSnapshots(loadSnapshotFile(FIXTURES.public20250728), defaultSnapshot('Public'));
    expect(totals(diff)).toEqual([72, 0, 348, 3266, 731]);
    expect(diff.added).toContain('Storage.BelgiumCentral');
    expect(diff.added).toContain('AzureCloud.southeastus3');
    expect(diff.changed.every((change) => change.changeNumber.to > change.changeNumber.from)).toBe(true);
    expect(diff.from).toMatchObject({ changeNumber: 364, date: '2025-07-28' });
    expect(diff.to).toMatchObject({ changeNumber: 375, source: 'embedded:Public' });
  });

  it('AzureGovernment 20251028 → 20260720: +4, −32, 82 changed, +1,153 / −111 prefixes', () => {
    const diff = diffSnapshots(loadSnapshotFile(FIXTURES.gov20251028), loadSnapshotFile(FIXTURES.gov20260720));
    expect(totals(diff)).toEqual([4, 32, 82, 1153, 111]);
    const moved = diff.changed.find((change) => change.name === 'AzurePortal.AzureAppServiceUx')!;
    expect(moved.metadata).toEqual(['region', 'regionId']);
  });

  it('China 20251028 → 20260720: +2, −0, 37 changed, +270 / −46 prefixes', () => {
    const diff = diffSnapshots(loadSnapshotFile(FIXTURES.china20251028), loadSnapshotFile(FIXTURES.china20260720));
    expect(totals(diff)).toEqual([2, 0, 37, 270, 46]);
  });

  it('is sorted, deterministic, and empty against itself', () => {
    const from = loadSnapshotFile(FIXTURES.china20251028);
    const to = loadSnapshotFile(FIXTURES.china20260720);
    const diff = diffSnapshots(from, to);
    expect(JSON.stringify(diffSnapshots(from, to))).toBe(JSON.stringify(diff));
    const names = diff.changed.map((change) => change.name);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(totals(diffSnapshots(to, to))).toEqual([0, 0, 0, 0, 0]);
    expect(totals(diffSnapshots(to, defaultSnapshot('China')))).toEqual([0, 0, 0, 0, 0]);
  });

  it('address changes are the net change of each tag', () => {
    const from = loadSnapshotFile(FIXTURES.china20251028);
    const to = loadSnapshotFile(FIXTURES.china20260720);
    for (const change of diffSnapshots(from, to).changed) {
      const before = from.addresses(change.name);
      const after = to.addresses(change.name);
      expect(change.addressesAdded).toEqual(after.difference(before).toCidrStrings());
      expect(change.addressesRemoved).toEqual(before.difference(after).toCidrStrings());
    }
  });

  it('filters by names and globs from either snapshot', () => {
    const from = loadSnapshotFile(FIXTURES.gov20251028);
    const to = loadSnapshotFile(FIXTURES.gov20260720);
    const full = diffSnapshots(from, to);
    const removedName = full.removed[0]!;
    const only = diffSnapshots(from, to, { tags: ['AzureCloud*', removedName.toLowerCase()] });
    expect(only.removed).toEqual(full.removed.filter((name) => name === removedName || name.startsWith('AzureCloud')));
    expect(only.removed.length).toBeGreaterThan(1);
    expect(only.changed.map((change) => change.name)).toEqual(full.changed.map((c) => c.name).filter((name) => name.startsWith('AzureCloud')));
    expect(diffSnapshots(from, to, { tags: ['KeyVault.USGovVirginia'] }).changed.every((c) => c.name === 'AzureKeyVault.USGovVirginia')).toBe(true);
    expectTagwallError(() => diffSnapshots(from, to, { tags: ['NoSuchTag'] }), 'TW_UNKNOWN_TAG');
    expectTagwallError(() => diffSnapshots(from, to, { tags: ['Nothing*'] }), 'TW_UNKNOWN_TAG');
  });

  it('refuses to compare different clouds', () => {
    expectTagwallError(() => diffSnapshots(defaultSnapshot('China'), defaultSnapshot('Public')), 'TW_USAGE');
  });
});

describe('diffs of hand-made snapshots', () => {
  const before = sampleSnapshot();

  it('tells prefix changes from address changes', () => {
    const after = sampleSnapshot();
    // 20.38.80.0/24 + 20.38.81.0/24 rewritten as one /23: prefixes change, addresses do not.
    after.values[1]!.properties.addressPrefixes = ['20.38.80.0/23', '2603:1020:805::/48', '10.0.0.0/8'];
    const diff = diffSnapshots(parseSnapshot(JSON.stringify(before)), parseSnapshot(JSON.stringify(after)));
    expect(diff.changed).toEqual([
      {
        name: 'Storage.FranceCentral',
        changeNumber: { from: 2, to: 2 },
        prefixesAdded: ['10.0.0.0/8', '20.38.80.0/23'],
        prefixesRemoved: ['20.38.80.0/24', '20.38.81.0/24'],
        addressesAdded: ['10.0.0.0/8'],
        addressesRemoved: [],
        metadata: [],
      },
    ]);
  });

  it('ignores the order of prefixes and network features, not their content', () => {
    const after = sampleSnapshot();
    after.values[1]!.properties.addressPrefixes.reverse();
    after.values[1]!.properties.networkFeatures = ['FW', 'UDR', 'NSG', 'API'];
    after.values[2]!.properties.networkFeatures = null;
    after.values[0]!.properties.systemService = 'AzureFrontDoor';
    const diff = diffSnapshots(parseSnapshot(JSON.stringify(before)), parseSnapshot(JSON.stringify(after)));
    expect(diff.changed.map((change) => [change.name, change.metadata])).toEqual([
      ['AzureCloud.centralfrance', ['networkFeatures']],
      ['AzureFrontDoor.Frontend', ['systemService']],
    ]);
  });

  it('network features differ exactly when their sets differ, whatever the order, repeats, nulls and empties', () => {
    // The reference is the plain set comparison; the diff compares by nested loops, with no second path.
    const features = fc.oneof(fc.constant(null), fc.array(fc.constantFrom('API', 'NSG', 'UDR', 'FW', 'api', ''), { maxLength: 6 }));
    const asSet = (list: readonly string[] | null): Set<string> | null => (list === null ? null : new Set(list));
    const sameSet = (a: Set<string> | null, b: Set<string> | null): boolean =>
      a === null || b === null ? a === b : a.size === b.size && [...a].every((feature) => b.has(feature));
    fc.assert(
      fc.property(features, features, fc.boolean(), (old, now, reorder) => {
        const a = sampleSnapshot();
        const b = sampleSnapshot();
        a.values[1]!.properties.networkFeatures = old;
        b.values[1]!.properties.networkFeatures = reorder && now !== null ? [...now].reverse() : now;
        const diff = diffSnapshots(parseSnapshot(JSON.stringify(a)), parseSnapshot(JSON.stringify(b)));
        const changed = diff.changed.find((change) => change.name === a.values[1]!.name);
        expect(changed?.metadata.includes('networkFeatures') ?? false).toBe(!sameSet(asSet(old), asSet(now)));
      }),
      { numRuns: 300, seed: 22 },
    );
  });

  it('lists a tag as removed exactly when the newer snapshot lacks its name in any case', () => {
    const names = fc.uniqueArray(fc.constantFrom('AzureCloud', 'Storage', 'Sql', 'AzureMonitor', 'Batch', 'ApiManagement'), { maxLength: 6 });
    fc.assert(
      fc.property(names, names, fc.boolean(), (old, now, upper) => {
        const snapshotOf = (list: readonly string[], upperCase: boolean) => {
          const sample = sampleSnapshot();
          const template = sample.values[0]!;
          sample.values = list.map((name) => ({ ...template, name: upperCase ? name.toUpperCase() : name, id: name }));
          return parseSnapshot(JSON.stringify(sample));
        };
        const diff = diffSnapshots(snapshotOf(old, false), snapshotOf(now, upper));
        const kept = new Set(now.map((name) => name.toLowerCase()));
        expect(diff.removed).toEqual(old.filter((name) => !kept.has(name.toLowerCase())).sort());
        expect(diff.added.map((name) => name.toLowerCase())).toEqual(now.filter((name) => !old.includes(name)).map((name) => name.toLowerCase()).sort());
      }),
      { numRuns: 200, seed: 22 },
    );
  });

  it('compares IPv6 in canonical form and reports a name whose case changed', () => {
    const after = sampleSnapshot();
    after.values[0]!.properties.addressPrefixes = ['13.107.246.0/24', '2620:1EC:BDF:0::/48'];
    after.values[2]!.name = 'AzureCloud.CentralFrance';
    after.values[2]!.properties.changeNumber = 6;
    const diff = diffSnapshots(parseSnapshot(JSON.stringify(before)), parseSnapshot(JSON.stringify(after)));
    expect(diff.changed.map((change) => [change.name, change.metadata, change.prefixesAdded.length])).toEqual([
      ['AzureCloud.CentralFrance', ['name'], 0],
    ]);
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([]);
  });

  it("a change has an object literal's shape: its lists are getters shared by every change, read once, in TagChange's order", () => {
    // Each way a change is made: prefixes merged as stored (in order), decoded (out of order), or not moved (metadata
    // or changeNumber only, or a prefix written twice); from rows (text) and from records (bytes, prefix-scan.wat),
    // whose diff must be the rows' (the reference: the records' merge has a path of its own in diffSnapshots).
    const prefixes = fc.subarray(['10.0.0.0/8', '10.1.0.0/16', '13.107.246.0/24', '20.0.0.0/12', '2001:db8::/32', '2620:1ec:bdf::/48']);
    const version = fc.record({ list: prefixes, reversed: fc.boolean(), repeated: fc.boolean(), region: fc.constantFrom('', 'francecentral'), changeNumber: fc.integer({ min: 2, max: 3 }) });
    const KEYS = ['name', 'changeNumber', 'prefixesAdded', 'prefixesRemoved', 'addressesAdded', 'addressesRemoved', 'metadata'];
    const LISTS = ['prefixesAdded', 'prefixesRemoved', 'addressesAdded', 'addressesRemoved'] as const;
    const getters = new Map<string, unknown>();
    let changes = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(version, version), { minLength: 2, maxLength: 2 }), (versions) => {
        const a = sampleSnapshot();
        const b = sampleSnapshot();
        versions.forEach(([older, newer], k) => {
          for (const [sample, v] of [[a, older], [b, newer]] as const) {
            const properties = sample.values[k]!.properties;
            const list = v.repeated && v.list.length > 0 ? [v.list[0]!, ...v.list] : v.list;
            properties.addressPrefixes = v.reversed ? [...list].reverse() : list;
            properties.region = v.region;
            properties.changeNumber = v.changeNumber;
          }
        });
        const read = (sample: object, bytes: boolean): Snapshot => parseSnapshot(bytes ? Buffer.from(JSON.stringify(sample, null, 2)) : JSON.stringify(sample));
        const fromRecords = diffSnapshots(read(a, true), read(b, true));
        const fromRows = diffSnapshots(read(a, false), read(b, false));
        expect(JSON.stringify(fromRecords.changed)).toBe(JSON.stringify(fromRows.changed));
        // All counts at once, as the lists' lengths (the text output prints them).
        for (const { changed } of [fromRecords, fromRows]) {
          expect(Array.from(prefixChangeCounts(changed))).toEqual(changed.flatMap((change) => [change.prefixesAdded.length, change.prefixesRemoved.length]));
        }
        for (const change of [...fromRecords.changed, ...fromRows.changed]) {
          changes++;
          expect(Object.keys(change)).toEqual(KEYS);
          for (const key of LISTS) {
            const { get, set, enumerable, configurable } = Object.getOwnPropertyDescriptor(change, key)!;
            expect([typeof get, set, enumerable, configurable]).toEqual(['function', undefined, true, true]);
            // One function for every change of every diff (a closure per change gave each a map of its own).
            if (!getters.has(key)) getters.set(key, get);
            expect(get).toBe(getters.get(key));
            expect(change[key]).toBe(change[key]);
          }
          // The document JSON.stringify writes, and what a spread copies, are those of the plain object.
          const plain = {
            name: change.name,
            changeNumber: change.changeNumber,
            prefixesAdded: change.prefixesAdded,
            prefixesRemoved: change.prefixesRemoved,
            addressesAdded: change.addressesAdded,
            addressesRemoved: change.addressesRemoved,
            metadata: change.metadata,
          };
          expect(JSON.stringify(change)).toBe(JSON.stringify(plain));
          expect({ ...change }).toStrictEqual(plain);
          expect([...prefixChangeCounts([change])]).toEqual([plain.prefixesAdded.length, plain.prefixesRemoved.length]);
        }
      }),
      { numRuns: 300, seed: 24 },
    );
    expect(changes).toBeGreaterThan(200);
  });

  it('prefix and address changes are the set differences, whatever the overlaps, repeats, order and spelling', () => {
    // A few prefixes from a small space, so lists overlap, nest, repeat and split one another.
    const prefix = fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 4, max: 8 })).map(([n, length]) => `10.${(n << 4) & (0xff << (8 - Math.min(8, length - 0))) & 0xff}.0.0/${length + 8}`),
      fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 29, max: 32 })).map(([n, length]) => `2001:db8:${(n << 13).toString(16)}::/${length + 16}`),
      fc.constantFrom('2001:DB8::/32', '10.0.0.0/8', '0.0.0.0/0'),
    );
    fc.assert(
      fc.property(fc.array(prefix, { maxLength: 8 }), fc.array(prefix, { maxLength: 8 }), (old, now) => {
        const a = sampleSnapshot();
        const b = sampleSnapshot();
        a.values[1]!.properties.addressPrefixes = old;
        b.values[1]!.properties.addressPrefixes = now;
        b.values[1]!.properties.changeNumber = 3;
        const from = parseSnapshot(JSON.stringify(a));
        const to = parseSnapshot(JSON.stringify(b));
        const [change] = diffSnapshots(from, to).changed;
        // The counts the text output prints, known before any prefix is written out, and the lists read once.
        const count = [...prefixChangeCounts([change!])];
        expect(change!.prefixesAdded).toBe(change!.prefixesAdded);
        expect(count).toEqual([change!.prefixesAdded.length, change!.prefixesRemoved.length]);
        const canonical = (list: readonly string[]): Set<string> => new Set(list.map((text) => AddressSet.fromStrings([text]).toCidrStrings()[0]!));
        const before = canonical(from.normalizedPrefixes('Storage.FranceCentral'));
        const after = canonical(to.normalizedPrefixes('Storage.FranceCentral'));
        expect(new Set(change!.prefixesAdded)).toEqual(new Set([...after].filter((text) => !before.has(text))));
        expect(new Set(change!.prefixesRemoved)).toEqual(new Set([...before].filter((text) => !after.has(text))));
        const oldSet = from.addresses('Storage.FranceCentral');
        const newSet = to.addresses('Storage.FranceCentral');
        expect(change!.addressesAdded).toEqual(newSet.difference(oldSet).toCidrStrings());
        expect(change!.addressesRemoved).toEqual(oldSet.difference(newSet).toCidrStrings());
      }),
      { numRuns: 300, seed: 22 },
    );
  });

  it('lists in address order (read as stored) give what the same lists in any other order give', () => {
    // Structured prefixes from a small space (so lists overlap, nest and repeat), written in text and sorted as the
    // diff lists them: IPv4 before IPv6, then by network, then shorter first.
    const v4 = fc
      .tuple(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 32 }))
      .map(([n, k, length]) => ({ family: 0, network: BigInt((((10 << 24) | (n << 20) | (k << 8)) & (length === 0 ? 0 : -1 << (32 - length))) >>> 0), length }));
    const v6 = fc
      .tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 128 }))
      .map(([n, k, length]) => {
        const full = (0x20010db8n << 96n) | (BigInt(n) << 83n) | (BigInt(k) << 60n);
        const mask = length === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - length)) - 1n);
        return { family: 1, network: full & mask, length };
      });
    const edges = fc.constantFrom(
      { family: 0, network: 0n, length: 0 },
      { family: 0, network: 0xffffffffn, length: 32 },
      { family: 1, network: 0n, length: 0 },
      { family: 1, network: (1n << 128n) - 1n, length: 128 },
    );
    type Prefix = { family: number; network: bigint; length: number };
    const text = ({ family, network, length }: Prefix): string =>
      family === 0
        ? `${[24n, 16n, 8n, 0n].map((shift) => (network >> shift) & 0xffn).join('.')}/${length}`
        : `${Array.from({ length: 8 }, (_, g) => ((network >> BigInt(112 - 16 * g)) & 0xffffn).toString(16)).join(':')}/${length}`;
    const byAddress = (a: Prefix, b: Prefix): number => a.family - b.family || (a.network < b.network ? -1 : a.network > b.network ? 1 : 0) || a.length - b.length;
    const prefix = fc.oneof(v4, v6, edges);
    const diffOf = (old: readonly string[], now: readonly string[]): SnapshotDiff => {
      const a = sampleSnapshot();
      const b = sampleSnapshot();
      a.values[1]!.properties.addressPrefixes = [...old];
      b.values[1]!.properties.addressPrefixes = [...now];
      b.values[1]!.properties.changeNumber = 3;
      return diffSnapshots(parseSnapshot(JSON.stringify(a)), parseSnapshot(JSON.stringify(b)));
    };
    const canonical = (prefix: Prefix): string => AddressSet.fromStrings([text(prefix)]).toCidrStrings()[0]!;
    fc.assert(
      fc.property(fc.array(prefix, { maxLength: 12 }), fc.array(prefix, { maxLength: 12 }), (old, now) => {
        const oldSorted = [...old].sort(byAddress);
        const nowSorted = [...now].sort(byAddress);
        const inOrder = diffOf(oldSorted.map(text), nowSorted.map(text));
        const reordered = diffOf([...oldSorted].reverse().map(text), [...nowSorted.slice(1), ...nowSorted.slice(0, 1)].map(text));
        expect(JSON.stringify(inOrder)).toBe(JSON.stringify(reordered));
        const had = new Set(old.map(canonical));
        const expected = [...new Set(nowSorted.map(canonical))].filter((cidr) => !had.has(cidr));
        expect(inOrder.changed[0]!.prefixesAdded).toEqual(expected);
      }),
      { numRuns: 400, seed: 23 },
    );
  });

  it('pairs and compares tags from JSON tables (columns, lower-case keys) as from tables read a tag at a time', () => {
    // JSON files' tables hand the diff all encodings in one buffer and every name's lookup key; an embedded table
    // answers one tag at a time. Both ways, and mixed, must give the same document.
    const pool = ['13.107.246.0/24', '20.38.80.0/24', '20.38.81.0/24', '10.0.0.0/8', '2603:1020:805::/48', '2620:1ec:bdf::/48', '2001:DB8::/32'];
    const edit = fc.record({
      prefixes: fc.option(fc.subarray(pool), { nil: undefined }),
      changeNumber: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
      service: fc.option(fc.constantFrom('', 'AzureFrontDoor', 'AzureStorage'), { nil: undefined }),
      features: fc.option(fc.constantFrom(null, ['API'], ['NSG', 'API'], ['API', 'NSG'], ['A PI']), { nil: undefined }),
      region: fc.option(fc.constantFrom('centralfrance', 'westus'), { nil: undefined }),
      regionId: fc.option(fc.constantFrom(0, 18), { nil: undefined }),
      upperName: fc.boolean(),
      drop: fc.boolean(),
    });
    type Edit = typeof edit extends fc.Arbitrary<infer T> ? T : never;
    // Tags in another order in either file too: a JSON pair is matched along the file order first (diffSnapshots),
    // an embedded table by name lookup only.
    // Each file in its own layout (indented or not, CRLF or LF: the bench's Public pair is one of each), so that a
    // tag unchanged in value is often not the same bytes (json-scan.ts sameFieldTexts).
    const edited = (edits: readonly Edit[], order: readonly number[], { indent, crlf }: { indent: number; crlf: boolean }): string => {
      const snapshot = sampleSnapshot();
      snapshot.values.forEach((tag, i) => {
        const change = edits[i]!;
        if (change.prefixes) tag.properties.addressPrefixes = change.prefixes;
        if (change.changeNumber !== undefined) tag.properties.changeNumber = change.changeNumber;
        if (change.service !== undefined) tag.properties.systemService = change.service;
        if (change.features !== undefined) tag.properties.networkFeatures = change.features;
        if (change.region !== undefined) tag.properties.region = change.region;
        if (change.regionId !== undefined) tag.properties.regionId = change.regionId;
        if (change.upperName) tag.name = tag.name.toUpperCase();
      });
      snapshot.values = order.filter((i) => !edits[i]!.drop).map((i) => snapshot.values[i]!);
      const text = JSON.stringify(snapshot, null, indent);
      return crlf ? text.replace(/\n/g, '\r\n') : text;
    };
    const layout = fc.record({ indent: fc.constantFrom(0, 2), crlf: fc.boolean() });
    const embedded = (text: string): Snapshot => new Snapshot(decodeEmbedded(encodeEmbedded(parseServiceTagsJson(text, 'x'), undefined, 64), 'x'), '<input>');
    const edits = fc.array(edit, { minLength: 3, maxLength: 3 });
    const order = fc.shuffledSubarray([0, 1, 2], { minLength: 3, maxLength: 3 });
    fc.assert(
      fc.property(edits, edits, order, order, layout, layout, (older, newer, olderOrder, newerOrder, olderLayout, newerLayout) => {
        const a = edited(older, olderOrder, olderLayout);
        const b = edited(newer, newerOrder, newerLayout);
        const scanned = JSON.stringify(diffSnapshots(parseSnapshot(Buffer.from(a)), parseSnapshot(Buffer.from(b))));
        expect(JSON.stringify(diffSnapshots(parseSnapshot(a), parseSnapshot(b)))).toBe(scanned);
        const origin = (diff: SnapshotDiff): string => JSON.stringify({ ...diff, from: { ...diff.from, origin: undefined }, to: { ...diff.to, origin: undefined } });
        const plain = origin(JSON.parse(scanned) as SnapshotDiff);
        expect(origin(diffSnapshots(embedded(a), embedded(b)))).toBe(plain);
        expect(origin(diffSnapshots(embedded(a), parseSnapshot(Buffer.from(b))))).toBe(plain);
        expect(origin(diffSnapshots(parseSnapshot(Buffer.from(a)), embedded(b)))).toBe(plain);
      }),
      { numRuns: 300, seed: 24 },
    );
  });
});

describe('tags told unchanged from their bytes (json-scan.ts sameFieldTexts)', () => {
  it('give the diff the rows give, whatever the two files\' layouts, for any one field changed', () => {
    // The newer file is the older one with at most one value of one tag changed, often to one that differs in a
    // byte only, and each file is written in its own layout: the diff of the two read as bytes (the fields compared
    // by their bytes, rows made for the changed tags only) must be the diff of the two read as text (every row).
    const values: Record<string, fc.Arbitrary<unknown>> = {
      name: fc.constantFrom('Storage.FranceCentral', 'storage.francecentral', 'Storage.FranceCentra'),
      id: fc.constantFrom('Storage.FranceCentral', 'Other'),
      changeNumber: fc.integer({ min: 1, max: 3 }),
      region: fc.constantFrom('centralfrance', 'centralfranc', ''),
      regionId: fc.constantFrom(18, 0),
      platform: fc.constantFrom('Azure', 'Azur'),
      systemService: fc.constantFrom('AzureStorage', ''),
      // The sample's own lists, each also with a space moved into a string, reordered, or shortened.
      networkFeatures: fc.constantFrom(null, [], ['API'], ['AP I', 'NSG'], ['NSG', 'API'], ['API', 'NSG'], ['API', 'NSG', 'UDR', 'FW'], ['API', 'NSG', 'UDR', 'F W']),
      addressPrefixes: fc.constantFrom(['20.38.80.0/24'], ['20.38.80.0/24', '20.38.81.0/24', '2603:1020:805::/48']),
    };
    // A name is changed on the second tag only, whose name the pool spells (two names alike would refuse the file).
    const change = fc.record({ tag: fc.integer({ min: 0, max: 2 }), key: fc.constantFrom(...Object.keys(values)) }).chain(({ tag, key }) =>
      values[key]!.map((value) => ({ tag: key === 'name' ? 1 : tag, key, value })),
    );
    const layout = fc.record({ indent: fc.constantFrom(0, 1, 2), crlf: fc.boolean() });
    const write = (edit: { tag: number; key: string; value: unknown } | undefined, { indent, crlf }: { indent: number; crlf: boolean }): string => {
      const snapshot = sampleSnapshot();
      if (edit) {
        const tag = snapshot.values[edit.tag]!;
        if (edit.key === 'name' || edit.key === 'id') tag[edit.key] = edit.value as string;
        else tag.properties[edit.key] = edit.value;
      }
      const text = JSON.stringify(snapshot, null, indent);
      return crlf ? text.replace(/\n/g, '\r\n') : text;
    };
    fc.assert(
      fc.property(fc.option(change, { nil: undefined, freq: 1 }), fc.option(change, { nil: undefined }), layout, layout, (before, after, olderLayout, newerLayout) => {
        const a = write(before, olderLayout);
        const b = write(after, newerLayout);
        const rows = JSON.stringify(diffSnapshots(parseSnapshot(a), parseSnapshot(b)));
        expect(JSON.stringify(diffSnapshots(parseSnapshot(Buffer.from(a)), parseSnapshot(Buffer.from(b))))).toBe(rows);
      }),
      { numRuns: 1000, seed: 25 },
    );
  });
});

describe('stretches of tags told unchanged together (tag-runs.ts)', () => {
  it('give the diff the rows give, for tables that share most tags, fields and neighbours, edited anywhere', () => {
    // Tables of up to 12 tags whose fields repeat from one tag to the next (the module's SAME_AS, which
    // sameMetadataAfter carries from a pair of tags to the next), and a newer table that keeps most of them, their
    // order and their changeNumbers, with edits a stretch must not hide: a field or the prefixes changed without a
    // new changeNumber, a name's case, an id, a tag dropped, added or moved. Each file in its own layout.
    const prefix = fc.constantFrom('13.107.246.0/24', '20.38.80.0/24', '10.0.0.0/8', '2603:1020:805::/48', '2620:1ec:bdf::/48', '2001:DB8::/32');
    const fields = {
      region: fc.constantFrom('eastus', 'westus', ''),
      regionId: fc.constantFrom(0, 18),
      platform: fc.constantFrom('Azure', 'Azure', 'AzureStack'),
      systemService: fc.constantFrom('AzureStorage', 'AzureStorage', 'Sql', ''),
      networkFeatures: fc.constantFrom(null, null, ['API', 'NSG'], ['API', 'NSG'], ['NSG', 'API'], ['API'], []),
      changeNumber: fc.integer({ min: 1, max: 3 }),
    };
    const tag = fc.record({ ...fields, addressPrefixes: fc.uniqueArray(prefix, { maxLength: 4 }) });
    type Tag = typeof tag extends fc.Arbitrary<infer T> ? T : never;
    const edit = fc.record({
      at: fc.nat(),
      kind: fc.constantFrom('field', 'fields', 'prefixes', 'shift', 'case', 'id', 'drop', 'add', 'move', 'changeNumber'),
      field: fc.constantFrom(...(Object.keys(fields) as Array<keyof typeof fields>)),
      tag,
    });
    const layout = fc.record({ indent: fc.constantFrom(0, 2), crlf: fc.boolean() });
    type Entry = { name: string; id: string; properties: Tag };
    // The keys in Microsoft's order: the module reads only that shape.
    const ordered = ({ name, id, properties: p }: Entry): unknown => ({
      name,
      id,
      properties: {
        changeNumber: p.changeNumber,
        region: p.region,
        regionId: p.regionId,
        platform: p.platform,
        systemService: p.systemService,
        addressPrefixes: p.addressPrefixes,
        networkFeatures: p.networkFeatures,
      },
    });
    const write = (entries: readonly Entry[], { indent, crlf }: { indent: number; crlf: boolean }): string => {
      const text = JSON.stringify({ changeNumber: 7, cloud: 'Public', values: entries.map(ordered) }, null, indent);
      return crlf ? text.replace(/\n/g, '\r\n') : text;
    };
    let stretches = 0;
    fc.assert(
      fc.property(fc.array(tag, { minLength: 1, maxLength: 12 }), fc.array(edit, { maxLength: 3 }), layout, layout, (tags, edits, olderLayout, newerLayout) => {
        const older: Entry[] = tags.map((properties, k) => ({ name: `Svc${k % 3}.R${k}`, id: `Svc${k % 3}.R${k}`, properties }));
        const newer: Entry[] = older.map((entry) => ({ ...entry, properties: { ...entry.properties } }));
        for (const { at, kind, field, tag: other } of edits) {
          const k = at % newer.length;
          const entry = newer[k]!;
          if (kind === 'field') (entry.properties as Record<string, unknown>)[field] = other[field];
          // One value given to three neighbours: equal to the tag before in both files, and not the older value.
          else if (kind === 'fields') for (const next of newer.slice(k, k + 3)) (next.properties as Record<string, unknown>)[field] = other[field];
          // A tag's last prefix moved to the next tag: the two tags' encodings, one after the other, are the same bytes.
          else if (kind === 'shift' && k + 1 < newer.length && entry.properties.addressPrefixes.length > 0) {
            const next = newer[k + 1]!;
            const list = [...entry.properties.addressPrefixes];
            next.properties.addressPrefixes = [list.pop()!, ...next.properties.addressPrefixes];
            entry.properties.addressPrefixes = list;
          }          else if (kind === 'prefixes') entry.properties.addressPrefixes = other.addressPrefixes;
          else if (kind === 'changeNumber') entry.properties.changeNumber = other.changeNumber;
          else if (kind === 'case') entry.name = entry.name.toUpperCase();
          else if (kind === 'id') entry.id = 'Other';
          else if (kind === 'drop' && newer.length > 1) newer.splice(k, 1);
          else if (kind === 'add') newer.splice(k, 0, { name: `New.R${at}`, id: `New.R${at}`, properties: other });
          else if (kind === 'move') newer.push(...newer.splice(k, 1));
        }
        const unique = new Set(newer.map((entry) => entry.name.toLowerCase()));
        fc.pre(unique.size === newer.length);
        const a = write(older, olderLayout);
        const b = write(newer, newerLayout);
        const bytes = [parseSnapshot(Buffer.from(a)), parseSnapshot(Buffer.from(b))] as const;
        // Both read by the module (the stretches' path), and the same diff as from the rows of both read as text.
        expect(fieldTexts(bytes[0]) && fieldTexts(bytes[1])).toBeTruthy();
        if (older.length - edits.length > 1) stretches++;
        expect(JSON.stringify(diffSnapshots(...bytes))).toBe(JSON.stringify(diffSnapshots(parseSnapshot(a), parseSnapshot(b))));
      }),
      { numRuns: 1500, seed: 29 },
    );
    expect(stretches).toBeGreaterThan(500);
  });
});
