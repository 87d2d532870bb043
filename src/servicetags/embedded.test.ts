import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, brotliDecompressSync, gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressSet } from '../model/address-set.js';
import { formatCidr } from '../model/ip.js';
import { CLOUDS } from './cloud.js';
import { TagwallError } from '../errors.js';
import { decodeEmbedded, encodeEmbedded, isEmbeddedFormat, readEmbeddedFile } from './embedded.js';
import { parseServiceTagsJson } from './load.js';
import { countRegionVotes } from './regions.js';
import { defaultSnapshot, loadSnapshotFile, parseSnapshot, prefixShape, prefixShapeColumns, Snapshot } from './snapshot.js';
import { splitTagName } from './spellings.js';
import type { RegionSuffixVotes, TagTable } from './types.js';
import { expectTagwallError, FIXTURES, sampleSnapshot } from './test-fixtures.js';

// The newest file per cloud, which scripts/build-snapshots.ts embeds; sha256 values from shared/data/servicetags/README.md.
const SOURCES = {
  Public: { fixture: FIXTURES.public20251028, sha256: '9cb4e5f9371cec1297b05a6f5d742768921a28bd854a3a9cbd80673a6399dc40' },
  AzureGovernment: { fixture: FIXTURES.gov20260720, sha256: '526a500736740f22077bf7846b46243f6e0d823353042461e6e90212c5e6849e' },
  China: { fixture: FIXTURES.china20260720, sha256: 'bd83fd5acb17c1ed9c0bf1ad47b291787fccd06436fd6509169a6a0a506ca94a' },
} as const;

function expectSameSnapshot(embedded: Snapshot, parsed: Snapshot): void {
  const { source: _a, origin: _b, ...embeddedInfo } = embedded.info;
  const { source: _c, ...parsedInfo } = parsed.info;
  expect(embeddedInfo).toEqual(parsedInfo);
  expect(embedded.tags()).toEqual(parsed.tags());
  for (const tag of parsed.tags()) {
    expect(embedded.prefixes(tag.name)).toEqual(parsed.prefixes(tag.name));
    expect(embedded.addresses(tag.name).equals(parsed.addresses(tag.name))).toBe(true);
  }
  // The embedded form stores each tag's prefix counts and shortest lengths; the JSON's are read from its prefixes.
  for (let index = 0; index < parsed.info.tagCount; index++) expect(prefixShape(embedded, index)).toEqual(prefixShape(parsed, index));
  // The same shapes as columns, where the table stores them (naming sets reads them so, cli/answers.ts).
  const columns = prefixShapeColumns(embedded);
  for (let index = 0; columns && index < parsed.info.tagCount; index++) {
    const { ipv4, ipv6, shortest4, shortest6 } = columns;
    expect({ ipv4: { count: ipv4[index], shortest: shortest4[index] }, ipv6: { count: ipv6[index], shortest: shortest6[index] } }).toEqual(prefixShape(parsed, index));
  }
}

/** `bytes` as an older tagwall wrote it: without the directory's trailing `dropped` columns. */
function withoutTrailingColumns(bytes: Uint8Array, dropped: number): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const directoryLength = view.getUint32(6, true);
  const brotli = bytes[5] === 1;
  const stored = Buffer.from(bytes.subarray(10, 10 + directoryLength));
  const raw = brotli ? brotliDecompressSync(stored) : stored;
  const jsonLength = raw.readUInt32LE(0);
  const directory = JSON.parse(raw.subarray(4, 4 + jsonLength).toString('utf8')) as { tagCount: number; columnWidths: number[] };
  const align = (at: number): number => at + ((4 - (at % 4)) % 4);
  // Where the kept columns end: the layout decodeEmbedded reads (offsets has one entry more than there are tags).
  let end = align(4 + jsonLength);
  const kept = directory.columnWidths.length - dropped;
  for (let k = 0; k < kept; k++) end = align(end + directory.columnWidths[k]! * (directory.tagCount + (k === 0 ? 1 : 0)));
  const json = Buffer.from(JSON.stringify({ ...directory, columnWidths: directory.columnWidths.slice(0, kept) }));
  const head = align(4 + json.length);
  const oldDirectory = Buffer.alloc(head + end - align(4 + jsonLength));
  oldDirectory.writeUInt32LE(json.length, 0);
  json.copy(oldDirectory, 4);
  raw.copy(oldDirectory, head, align(4 + jsonLength), end);
  const compressed = brotli ? brotliCompressSync(oldDirectory) : oldDirectory;
  const preamble = Buffer.from(bytes.subarray(0, 10));
  preamble.writeUInt32LE(compressed.length, 6);
  return Buffer.concat([preamble, compressed, bytes.subarray(10 + directoryLength)]);
}

/** A stored-form file with its directory JSON edited (a damaged file, for the error paths). */
function withDirectory(bytes: Uint8Array, edit: (directory: Record<string, unknown>) => void): Uint8Array {
  expect(bytes[5]).toBe(0);
  const file = Buffer.from(bytes);
  const directoryLength = file.readUInt32LE(6);
  const jsonLength = file.readUInt32LE(10);
  const directory = JSON.parse(file.subarray(14, 14 + jsonLength).toString('utf8')) as Record<string, unknown>;
  edit(directory);
  const align = (at: number): number => at + ((4 - (at % 4)) % 4);
  const json = Buffer.from(JSON.stringify(directory));
  const head = Buffer.alloc(align(4 + json.length));
  head.writeUInt32LE(json.length, 0);
  json.copy(head, 4);
  const columns = file.subarray(10 + align(4 + jsonLength), 10 + directoryLength);
  const preamble = Buffer.from(file.subarray(0, 10));
  preamble.writeUInt32LE(head.length + columns.length, 6);
  return Buffer.concat([preamble, head, columns, file.subarray(10 + directoryLength)]);
}

describe('embedded default snapshots', () => {
  for (const cloud of CLOUDS) {
    it(`${cloud}: the same tags, metadata, prefixes and address sets as the fixture JSON`, () => {
      const source = SOURCES[cloud];
      const embedded = defaultSnapshot(cloud);
      expect(embedded.info.source).toBe(`embedded:${cloud}`);
      const file = source.fixture.split('/').pop()!.replace(/\.gz$/, '');
      expect(embedded.info.origin).toEqual({ file, sha256: source.sha256 });
      const bytes = readFileSync(source.fixture);
      const original = source.fixture.endsWith('.gz') ? gunzipSync(bytes) : bytes;
      expect(createHash('sha256').update(original).digest('hex')).toBe(source.sha256);
      expectSameSnapshot(embedded, loadSnapshotFile(source.fixture));
    });
  }

  it('is loaded once per cloud and kept', () => {
    expect(defaultSnapshot()).toBe(defaultSnapshot('Public'));
    expect(defaultSnapshot('China')).not.toBe(defaultSnapshot('Public'));
  });

  it('ships files well under the JSON size, stored uncompressed (a load needs no node:zlib)', () => {
    const dir = fileURLToPath(new URL('./snapshots/', import.meta.url));
    // Half of each file is its tags' address bounds (issue 22): Public 1.83 MB of 4.1 MB of JSON.
    const sizes = { Public: 2_000_000, AzureGovernment: 160_000, China: 120_000 } as const;
    for (const cloud of CLOUDS) {
      const path = join(dir, `${cloud}.twsnap`);
      expect(statSync(path).size).toBeLessThan(sizes[cloud]);
      expect(readFileSync(path)[5]).toBe(0);
    }
  });
});

describe('readEmbeddedFile (the default snapshots, read as they are needed)', () => {
  const table = parseServiceTagsJson(readFileSync(FIXTURES.china20251028), FIXTURES.china20251028);
  const origin = { file: 'ServiceTags_China_20251028.json', sha256: 'cd'.repeat(32) };
  const missing = (cause: unknown) => new TagwallError('TW_FILE', 'unreadable', { cause });

  for (const compression of ['stored', 'brotli'] as const) {
    it(`${compression}: the same table as the bytes decoded in memory, whatever the chunk size`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'tagwall-embedded-'));
      for (const chunkBytes of [1, 700, 4096, 1 << 20]) {
        const path = join(dir, `China-${chunkBytes}.twsnap`);
        const bytes = encodeEmbedded(table, origin, chunkBytes, compression);
        writeFileSync(path, bytes);
        const fromFile = new Snapshot(readEmbeddedFile(path, 'file', missing), 'file');
        expectSameSnapshot(fromFile, new Snapshot(table, 'json'));
        expect(fromFile.info).toEqual({ ...new Snapshot(decodeEmbedded(bytes, 'memory'), 'memory').info, source: 'file' });
      }
    });
  }

  it('fails with the caller\'s error when the file is missing, or replaced between two reads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagwall-embedded-'));
    expectTagwallError(() => readEmbeddedFile(join(dir, 'none.twsnap'), 'x', missing), 'TW_FILE');
    const path = join(dir, 'China.twsnap');
    const bytes = encodeEmbedded(table, origin, 4096);
    writeFileSync(path, bytes);
    const read = readEmbeddedFile(path, 'x', missing);
    writeFileSync(path, Buffer.concat([bytes, Buffer.from([0])]));
    expect(expectTagwallError(() => read.encodedPrefixes(0), 'TW_FILE').cause).toMatchObject({ message: 'the file changed while tagwall was reading it' });
    rmSync(path);
    expectTagwallError(() => read.encodedPrefixes(table.count - 1), 'TW_FILE');
  });

  it('rejects damaged files as decodeEmbedded does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagwall-embedded-'));
    const bytes = encodeEmbedded(table, origin, 4096);
    for (const [name, damaged] of [
      ['short', bytes.subarray(0, 5)],
      ['truncated', bytes.subarray(0, 40)],
      ['one-byte-short', bytes.subarray(0, bytes.length - 1)],
    ] as const) {
      const path = join(dir, `${name}.twsnap`);
      writeFileSync(path, damaged);
      const error = expectTagwallError(() => readEmbeddedFile(path, 'x', missing), 'TW_SNAPSHOT_SHAPE');
      expect(error.message).toBe(expectTagwallError(() => decodeEmbedded(damaged, 'x'), 'TW_SNAPSHOT_SHAPE').message);
    }
  });
});

describe('encodeEmbedded / decodeEmbedded', () => {
  const table = parseServiceTagsJson(readFileSync(FIXTURES.china20251028), FIXTURES.china20251028);
  // Brotli at its best quality takes a while per stream; one-byte chunks make one stream per tag.
  const china = JSON.parse(readFileSync(FIXTURES.china20251028, 'utf8')) as { values: unknown[] };
  const smallTable = parseServiceTagsJson(JSON.stringify({ ...china, values: china.values.slice(0, 60) }), 'small.json');
  const origin = { file: 'ServiceTags_China_20251028.json', sha256: 'ab'.repeat(32) };

  it('round-trips whatever the chunk size, and is deterministic', () => {
    fc.assert(
      fc.property(fc.constantFrom(1, 17, 300, 4096, 1 << 20), fc.constantFrom('stored' as const, 'brotli' as const), (chunkBytes, compression) => {
        const table = smallTable;
        const bytes = encodeEmbedded(table, origin, chunkBytes, compression);
        expect(isEmbeddedFormat(bytes)).toBe(true);
        expect(bytes[5]).toBe(compression === 'brotli' ? 1 : 0);
        expect(encodeEmbedded(table, origin, chunkBytes, compression)).toEqual(bytes);
        const back = decodeEmbedded(bytes, 'test');
        expect(back.count).toBe(table.count);
        expect(back.origin).toEqual(origin);
        for (let i = 0; i < table.count; i++) {
          expect(back.tagAt(i)).toEqual(table.tagAt(i));
          expect(back.indexOf(table.names[i]!.toUpperCase())).toBe(i);
          const a = back.encodedPrefixes(i);
          const b = table.encodedPrefixes(i);
          expect(Uint8Array.from(a.bytes.subarray(a.start, a.end))).toEqual(Uint8Array.from(b.bytes.subarray(b.start, b.end)));
        }
        expect(back.indexOf('NoSuchTag')).toBeUndefined();
      }),
      { numRuns: 10 },
    );
  });

  it('keeps an id that differs from the name, and empty snapshots', () => {
    const sample = sampleSnapshot();
    sample.values[1]!.id = 'storage-fc';
    const small = parseSnapshot(encodeEmbedded(parseServiceTagsJson(JSON.stringify(sample), 's.json'), undefined));
    expect(small.tag('Storage.FranceCentral')?.id).toBe('storage-fc');
    expect(small.tag('AzureCloud.centralfrance')?.id).toBe('AzureCloud.centralfrance');
    const empty = parseServiceTagsJson('{"changeNumber":1,"cloud":"China","values":[]}', 'e.json');
    const back = parseSnapshot(encodeEmbedded(empty, undefined), 'e.twsnap');
    expect(back.info).toMatchObject({ cloud: 'China', tagCount: 0, prefixCount: { ipv4: 0, ipv6: 0 } });
  });

  it('reads a brotli file as tagwall wrote them before (the directory and each chunk a stream)', () => {
    const stored = encodeEmbedded(smallTable, origin, 300);
    const brotli = encodeEmbedded(smallTable, origin, 300, 'brotli');
    expect(brotli.length).toBeLessThan(stored.length);
    const parsed = new Snapshot(smallTable, 'small.json');
    expectSameSnapshot(new Snapshot(decodeEmbedded(brotli, 'old.twsnap'), 'old.twsnap'), parsed);
    expectSameSnapshot(new Snapshot(decodeEmbedded(stored, 'new.twsnap'), 'new.twsnap'), parsed);
  });

  it('reads a file written before the shortest-prefix columns, reading the shapes from the prefixes instead', () => {
    const bytes = encodeEmbedded(smallTable, origin, 4096, 'brotli', false);
    const old = new Snapshot(decodeEmbedded(withoutTrailingColumns(bytes, 2), 'old.twsnap'), 'old.twsnap');
    const current = new Snapshot(decodeEmbedded(bytes, 'new.twsnap'), 'new.twsnap');
    const parsed = new Snapshot(smallTable, 'small.json');
    expectSameSnapshot(old, parsed);
    expectSameSnapshot(current, parsed);
    expect(decodeEmbedded(bytes, 'new.twsnap').prefixShape?.(0)).toBeDefined();
    expect(decodeEmbedded(withoutTrailingColumns(bytes, 2), 'old.twsnap').prefixShape?.(0)).toBeUndefined();
    expect(decodeEmbedded(bytes, 'new.twsnap').prefixShapeColumns?.()).toBeDefined();
    expect(decodeEmbedded(withoutTrailingColumns(bytes, 2), 'old.twsnap').prefixShapeColumns?.()).toBeUndefined();
    expect(prefixShapeColumns(parsed)).toBeUndefined();
  });

  it('stores each tag\'s canonical address bounds after its chunk\'s prefixes, read back as the set its prefixes make', () => {
    // Prefixes of a few networks, so that they overlap and touch; host bits cleared, as Microsoft publishes them.
    const masked = (word: number, bits: number): number => (bits <= 0 ? 0 : bits >= 32 ? word : (word & (-1 << (32 - bits))) >>> 0);
    const prefix = fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 0xffffff }), fc.integer({ min: 8, max: 32 })).map(([value, length]) =>
        formatCidr({ family: 'ipv4', network: Uint32Array.of(masked(0x0a000000 + value, length)), prefixLength: length }),
      ),
      fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 32, max: 64 })).map(([word, length]) =>
        formatCidr({ family: 'ipv6', network: Uint32Array.of(0x20010db8, masked(word, length - 32), 0, 0), prefixLength: length }),
      ),
    );
    const tag = fc.array(prefix, { maxLength: 12 });
    fc.assert(
      fc.property(fc.array(tag, { minLength: 1, maxLength: 6 }), fc.constantFrom(1, 40, 4096), fc.constantFrom('stored' as const, 'brotli' as const), (tags, chunkBytes, compression) => {
        const values = tags.map((prefixes, i) => ({
          name: `Tag${i}`,
          id: `Tag${i}`,
          properties: { changeNumber: 1, region: '', regionId: 0, platform: 'Azure', systemService: '', addressPrefixes: prefixes, networkFeatures: null },
        }));
        const table = parseServiceTagsJson(JSON.stringify({ changeNumber: 1, cloud: 'Public', values }), 'random.json');
        const back = decodeEmbedded(encodeEmbedded(table, undefined, chunkBytes, compression), 'random.twsnap');
        values.forEach((value, i) => {
          const stored = back.storedAddresses?.(i);
          expect(stored?.equals(AddressSet.fromStrings(value.properties.addressPrefixes))).toBe(true);
        });
      }),
      { seed: 22, numRuns: 150 },
    );
  });

  it('stores the bounds of every tag of all three clouds as AddressSet.fromStrings makes them from its prefixes', () => {
    for (const cloud of CLOUDS) {
      const snapshot = defaultSnapshot(cloud);
      const path = fileURLToPath(new URL(`./snapshots/${cloud}.twsnap`, import.meta.url));
      const table = decodeEmbedded(readFileSync(path), cloud);
      snapshot.names().forEach((name, index) => {
        const stored = table.storedAddresses?.(index);
        const expected = AddressSet.fromStrings(snapshot.prefixes(name));
        expect(stored && [...stored.ipv4.bounds, ...stored.ipv6.bounds]).toEqual([...expected.ipv4.bounds, ...expected.ipv6.bounds]);
      });
    }
  });

  it('reads a file without address bounds, as tagwall wrote them before, with the same answers (decoded from the prefixes)', () => {
    const parsed = new Snapshot(smallTable, 'small.json');
    for (const compression of ['stored', 'brotli'] as const) {
      const old = decodeEmbedded(encodeEmbedded(smallTable, origin, 300, compression, false), 'old.twsnap');
      expect(old.storedAddresses?.(0)).toBeUndefined();
      expect(decodeEmbedded(encodeEmbedded(smallTable, origin, 300, compression), 'new.twsnap').storedAddresses?.(0)).toBeDefined();
      expectSameSnapshot(new Snapshot(old, 'old.twsnap'), parsed);
    }
  });

  it('rejects bounds that are not canonical, or that run past their chunk, with TW_SNAPSHOT_SHAPE', () => {
    const one = parseServiceTagsJson(
      JSON.stringify({ changeNumber: 1, cloud: 'Public', values: [{ name: 'Tag', id: 'Tag', properties: { changeNumber: 1, region: '', regionId: 0, platform: 'Azure', systemService: '', addressPrefixes: ['10.0.0.0/24', '10.0.2.0/24', '2001:db8::/48', '2001:db8:2::/48'], networkFeatures: null } }] }),
      'one.json',
    );
    const bytes = encodeEmbedded(one, undefined);
    // The file ends with the tag's bounds: 2 IPv4 intervals (4 words), then 2 IPv6 ones (16 words).
    const damaged = (word: number, value: number): Uint8Array => {
      const copy = Buffer.from(bytes);
      copy.writeUInt32LE(value, copy.length - 80 + 4 * word);
      return copy;
    };
    const addressesOf = (file: Uint8Array) => () => new Snapshot(decodeEmbedded(file, 'x'), 'x').addresses('Tag');
    expect(addressesOf(bytes)().toCidrStrings()).toEqual(['10.0.0.0/24', '10.0.2.0/24', '2001:db8::/48', '2001:db8:2::/48']);
    const cases: Array<[word: number, value: number, problem: string]> = [
      [1, 0x09ffffff, 'lo > hi'], // the first IPv4 interval's hi below its lo
      [2, 0x0a000100, 'overlap, touch or are out of order'], // the second IPv4 interval touching the first
      [2, 0x0a000000, 'overlap, touch or are out of order'],
      [8, 0x20010db7, 'lo > hi'], // the first IPv6 interval's hi below its lo
      [13, 0x00010000, 'overlap, touch or are out of order'], // the second IPv6 interval's lo just after the first's hi
    ];
    for (const [word, value, problem] of cases) {
      const error = expectTagwallError(addressesOf(damaged(word, value)), 'TW_SNAPSHOT_SHAPE');
      expect(error.message).toContain(`the address bounds of tag Tag are not canonical (interval${problem.startsWith('lo') ? ' with ' : 's '}${problem})`);
    }
    // A chunk that ends before its bounds do (the directory's chunk length cut to match a shorter file).
    const short = withDirectory(bytes, (directory) => {
      const chunks = directory.chunks as Array<[number, number]>;
      chunks[0]![1] -= 4;
    });
    expect(expectTagwallError(addressesOf(short.subarray(0, short.length - 4)), 'TW_SNAPSHOT_SHAPE').message).toContain('the address bounds of tag Tag run past its chunk');
  });

  it('loadSnapshotFile reads the embedded form too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagwall-embedded-'));
    const path = join(dir, 'China.twsnap');
    writeFileSync(path, encodeEmbedded(table, origin));
    const snapshot = loadSnapshotFile(path);
    expect(snapshot.info).toMatchObject({ cloud: 'China', changeNumber: 371, source: path, origin });
    expect(snapshot.prefixes('AzureCloud')).toEqual(parseSnapshot(readFileSync(FIXTURES.china20251028)).prefixes('AzureCloud'));
  });

  it('rejects damaged files with TW_SNAPSHOT_SHAPE', () => {
    for (const compression of ['stored', 'brotli'] as const) rejectsDamaged(encodeEmbedded(table, origin, 4096, compression));
  });

  const rejectsDamaged = (bytes: Uint8Array): void => {
    const wrongVersion = Uint8Array.from(bytes);
    wrongVersion[4] = 99;
    expectTagwallError(() => decodeEmbedded(wrongVersion, 'x'), 'TW_SNAPSHOT_SHAPE');
    expectTagwallError(() => decodeEmbedded(bytes.subarray(0, 40), 'x'), 'TW_SNAPSHOT_SHAPE');
    expectTagwallError(() => decodeEmbedded(bytes.subarray(0, bytes.length - 1), 'x'), 'TW_SNAPSHOT_SHAPE');
    const garbled = Uint8Array.from(bytes);
    garbled.fill(0x55, 20, 60);
    expectTagwallError(() => decodeEmbedded(garbled, 'x'), 'TW_SNAPSHOT_SHAPE');
    const unknownCompression = Uint8Array.from(bytes);
    unknownCompression[5] = 7;
    expect(expectTagwallError(() => decodeEmbedded(unknownCompression, 'x'), 'TW_SNAPSHOT_SHAPE').message).toContain('unknown compression 7');
  };
});

/** The votes as nested entry lists, so toEqual compares their order too. */
const voteList = (votes: RegionSuffixVotes) => [...votes].map(([region, suffixes]) => [region, [...suffixes]] as const);

/** The table's own count (an embedded table has one). */
function ownVotes(table: TagTable): RegionSuffixVotes {
  if (!table.regionVotes) throw new Error('an embedded table counts its region votes');
  return table.regionVotes();
}

/** countRegionVotes from the names as written, the way buildRegions reads a JSON snapshot. */
const votesFromNames = (table: TagTable) =>
  countRegionVotes({ count: table.count, regionAt: (index) => table.tagAt(index).region, nameSuffixAt: (index) => splitTagName(table.names[index]!).region });

describe('the region votes of an embedded table (counted by dictionary entry, not tag by tag)', () => {
  for (const cloud of CLOUDS) {
    it(`${cloud}: the votes, counts and order countRegionVotes gives`, () => {
      const bytes = readFileSync(fileURLToPath(new URL(`./snapshots/${cloud}.twsnap`, import.meta.url)));
      const table = decodeEmbedded(bytes, cloud);
      const votes = voteList(ownVotes(table));
      expect(votes.length).toBeGreaterThan(3);
      expect(votes).toEqual(voteList(countRegionVotes({ count: table.count, regionAt: (i) => table.regionAt(i), nameSuffixAt: (i) => table.nameSuffixAt?.(i) })));
      expect(votes).toEqual(voteList(votesFromNames(table)));
    });
  }

  it('on damaged name dictionaries: the same error on the same tag as the tag-by-tag checks, or the same votes', () => {
    const bytes = encodeEmbedded(parseServiceTagsJson(readFileSync(FIXTURES.china20251028), FIXTURES.china20251028), undefined, 1 << 20);
    const damage = fc.record({
      dictionary: fc.constantFrom('service' as const, 'suffix' as const),
      entry: fc.nat(),
      value: fc.constantFrom<unknown>(null, 7, '', '.X', ['a']),
      truncate: fc.boolean(),
      notAnArray: fc.constantFrom<unknown>(undefined, undefined, undefined, 'abc', { 0: 'a' }, null),
    });
    fc.assert(
      fc.property(damage, ({ dictionary, entry, value, truncate, notAnArray }) => {
        const damaged = withDirectory(bytes, (directory) => {
          const dictionaries = directory['dictionaries'] as Record<string, unknown[]>;
          const entries = dictionaries[dictionary]!;
          if (notAnArray !== undefined) dictionaries[dictionary] = notAnArray as unknown[];
          else if (truncate) entries.length = entry % (entries.length + 1);
          else entries[entry % entries.length] = value;
        });
        const table = decodeEmbedded(damaged, 'damaged.twsnap');
        const outcome = (count: () => RegionSuffixVotes): unknown => {
          try {
            return voteList(count());
          } catch (error) {
            return error instanceof TagwallError ? `${error.code}: ${error.message}` : error;
          }
        };
        expect(outcome(() => ownVotes(table))).toEqual(
          outcome(() => countRegionVotes({ count: table.count, regionAt: (i) => table.regionAt(i), nameSuffixAt: (i) => table.nameSuffixAt!(i) })),
        );
      }),
      { numRuns: 150 },
    );
  });

  it('on random tables: names with and without a suffix, shared suffixes, tags without a region, empty tables', () => {
    const tag = fc.record({
      service: fc.constantFrom('Storage', 'Sql', 'AzureCloud', 'AppService', 'EventHub'),
      suffix: fc.option(fc.constantFrom('WestUS', 'westus', 'EastUS2', 'EastUS2Stage', 'CentralFrance', 'FranceCentral'), { nil: undefined }),
      region: fc.constantFrom('', 'westus', 'eastus2', 'centralfrance', 'francec'),
    });
    fc.assert(
      fc.property(fc.uniqueArray(tag, { selector: (t) => `${t.service}.${t.suffix ?? ''}`.toLowerCase(), maxLength: 30 }), (tags) => {
        const values = tags.map((t, index) => {
          const name = t.suffix === undefined ? t.service : `${t.service}.${t.suffix}`;
          const properties = { changeNumber: 1, region: t.region, regionId: index, platform: 'Azure', systemService: t.service, addressPrefixes: [`10.0.${index}.0/24`], networkFeatures: null };
          return { name, id: name, properties };
        });
        const parsed = parseServiceTagsJson(JSON.stringify({ changeNumber: 1, cloud: 'Public', values }), 'random.json');
        const table = decodeEmbedded(encodeEmbedded(parsed, undefined), 'random.twsnap');
        expect(voteList(ownVotes(table))).toEqual(voteList(votesFromNames(parsed)));
      }),
      { numRuns: 200 },
    );
  });
});
