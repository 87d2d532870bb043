import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TagwallError } from '../errors.js';
import { dateFromFileName } from './load.js';
import { loadSnapshotFile, parseSnapshot } from './snapshot.js';
import { expectTagwallError, FIXTURES, sampleSnapshot } from './test-fixtures.js';

// Figures from shared/data/servicetags/README.md, counted there with python independently of this code.
const EXPECTED = [
  { file: FIXTURES.public20251028, cloud: 'Public', changeNumber: 375, tags: 3039, ipv4: 68_933, ipv6: 24_429, date: '2025-10-28' },
  { file: FIXTURES.public20250728, cloud: 'Public', changeNumber: 364, tags: 2967, ipv4: 67_050, ipv6: 23_439, date: '2025-07-28' },
  { file: FIXTURES.gov20260720, cloud: 'AzureGovernment', changeNumber: 402, tags: 299, ipv4: 4_859, ipv6: 1_732, date: '2026-07-20' },
  { file: FIXTURES.gov20251028, cloud: 'AzureGovernment', changeNumber: 372, tags: 327, ipv4: 4_102, ipv6: 1_568, date: '2025-10-28' },
  { file: FIXTURES.china20260720, cloud: 'China', changeNumber: 405, tags: 327, ipv4: 3_114, ipv6: 1_276, date: '2026-07-20' },
  { file: FIXTURES.china20251028, cloud: 'China', changeNumber: 371, tags: 325, ipv4: 2_995, ipv6: 1_166, date: '2025-10-28' },
] as const;

describe('loading the Microsoft fixtures', () => {
  for (const expected of EXPECTED) {
    it(`reads ${expected.file.split('/').pop()}`, () => {
      const snapshot = loadSnapshotFile(expected.file);
      expect(snapshot.info).toEqual({
        cloud: expected.cloud,
        changeNumber: expected.changeNumber,
        date: expected.date,
        source: expected.file,
        tagCount: expected.tags,
        prefixCount: { ipv4: expected.ipv4, ipv6: expected.ipv6 },
      });
      const sum = snapshot.tags().reduce((n, tag) => n + tag.prefixCount.ipv4 + tag.prefixCount.ipv6, 0);
      expect(sum).toBe(expected.ipv4 + expected.ipv6);
    });
  }

  it('reads CRLF (20250728) and LF (20251028) files alike', () => {
    const crlf = gunzipSync(readFileSync(FIXTURES.public20250728)).toString('latin1');
    const lf = gunzipSync(readFileSync(FIXTURES.public20251028)).toString('latin1');
    expect(crlf.includes('\r\n')).toBe(true);
    expect(lf.includes('\r')).toBe(false);
    const a = loadSnapshotFile(FIXTURES.public20250728);
    const b = loadSnapshotFile(FIXTURES.public20251028);
    expect(a.prefixes('Storage.WestUS')).toHaveLength(95);
    expect(b.prefixes('Storage.WestUS')).toHaveLength(95);
  });

  it('keeps null networkFeatures and empty systemService as published', () => {
    const snapshot = loadSnapshotFile(FIXTURES.public20251028);
    expect(snapshot.tags().filter((tag) => tag.networkFeatures === null)).toHaveLength(1532);
    expect(snapshot.tags().filter((tag) => tag.systemService === '')).toHaveLength(74);
    const frontDoor = snapshot.tag('AzureFrontDoor.Frontend')!;
    expect(frontDoor.systemService).toBe('');
    expect(frontDoor.region).toBe('');
    expect(snapshot.tag('AzureCloud.centralfrance')?.region).toBe('centralfrance');
    expect(snapshot.tag('Storage.FranceCentral')?.region).toBe('centralfrance');
  });

  it('tells gzip from plain JSON by magic bytes, not the file name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagwall-load-'));
    const plainNamedGz = join(dir, 'ServiceTags_China_20260720.json.gz');
    writeFileSync(plainNamedGz, readFileSync(FIXTURES.china20260720));
    const gzNamedJson = join(dir, 'ServiceTags_China_20260720.json');
    writeFileSync(gzNamedJson, gzipSync(readFileSync(FIXTURES.china20260720)));
    const reference = loadSnapshotFile(FIXTURES.china20260720);
    for (const path of [plainNamedGz, gzNamedJson]) {
      const snapshot = loadSnapshotFile(path);
      expect(snapshot.info.tagCount).toBe(reference.info.tagCount);
      expect(snapshot.prefixes('AzureCloud')).toEqual(reference.prefixes('AzureCloud'));
    }
  });
});

describe('parseSnapshot input forms', () => {
  const text = JSON.stringify(sampleSnapshot(), null, 2);

  it('accepts a string, bytes, a UTF-8 BOM, CRLF and gzip', () => {
    const variants: Array<Uint8Array | string> = [
      text,
      `\uFEFF${text}`,
      Buffer.from(text),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]),
      Buffer.from(text.replace(/\n/g, '\r\n')),
      gzipSync(Buffer.from(`\uFEFF${text}`)),
    ];
    for (const variant of variants) {
      const snapshot = parseSnapshot(variant, 'sample.json');
      expect(snapshot.tags().map((tag) => tag.name)).toEqual(['AzureFrontDoor.Frontend', 'Storage.FranceCentral', 'AzureCloud.centralfrance']);
      expect(snapshot.prefixes('Storage.FranceCentral')).toEqual(['20.38.80.0/24', '20.38.81.0/24', '2603:1020:805::/48']);
      expect(snapshot.addresses('Storage.FranceCentral').toCidrStrings()).toEqual(['20.38.80.0/23', '2603:1020:805::/48']);
    }
  });

  it('tolerates unknown keys and keeps only the documented fields', () => {
    const sample = sampleSnapshot() as ReturnType<typeof sampleSnapshot> & { extra?: unknown };
    sample.extra = { anything: [1, 2] };
    sample.values[0]!.properties.futureField = 'x';
    const tag = parseSnapshot(JSON.stringify(sample)).tag('AzureFrontDoor.Frontend')!;
    expect(Object.keys(tag).sort()).toEqual(
      ['changeNumber', 'id', 'name', 'networkFeatures', 'platform', 'prefixCount', 'region', 'regionId', 'systemService'].sort(),
    );
  });

  it('reads the date from a _YYYYMMDD in the file name only', () => {
    expect(dateFromFileName('/x/ServiceTags_Public_20251028.json')).toBe('2025-10-28');
    expect(dateFromFileName('ServiceTags_China_20260720.json.gz')).toBe('2026-07-20');
    expect(dateFromFileName('/2025_20251028/tags.json')).toBeUndefined();
    expect(dateFromFileName('tags_20251399.json')).toBeUndefined();
    expect(dateFromFileName('tags_202510281.json')).toBeUndefined();
    expect(parseSnapshot(text, 'mine.json').info.date).toBeUndefined();
  });
});

describe('bad input', () => {
  it('an unreadable file is TW_FILE naming the path', () => {
    const error = expectTagwallError(() => loadSnapshotFile('/nonexistent/ServiceTags_Public_20251028.json'), 'TW_FILE');
    expect(error.location?.file).toBe('/nonexistent/ServiceTags_Public_20251028.json');
  });

  it('corrupt gzip is TW_FILE', () => {
    const gz = gzipSync(Buffer.from(JSON.stringify(sampleSnapshot())));
    expectTagwallError(() => parseSnapshot(gz.subarray(0, gz.length - 20), 'x.json.gz'), 'TW_FILE');
  });

  it('bytes that are not UTF-8 are TW_INVALID_JSON', () => {
    expectTagwallError(() => parseSnapshot(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'x.json'), 'TW_INVALID_JSON');
  });

  const jsonCases: Array<{ name: string; text: string; line: number; column: number }> = [
    { name: 'a trailing comma', text: '{\n  "changeNumber": 1,\n}', line: 3, column: 1 },
    { name: 'a bad literal (no position in V8 message)', text: '{\n  "cloud": tru }', line: 2, column: 15 },
    { name: 'a bad token at the start of a line', text: '{\n  "a": 1,\n  x: 2\n}', line: 3, column: 3 },
    { name: 'CRLF line ends', text: '{\r\n  "a": [1, 2,, 3]\r\n}', line: 2, column: 14 },
    { name: 'truncated input (points at the end)', text: '{\n  "values": [\n    {"name": "x"', line: 3, column: 17 },
    { name: 'empty input', text: '', line: 1, column: 1 },
    { name: 'text after the value', text: '{}\n{}', line: 2, column: 1 },
  ];
  for (const c of jsonCases) {
    it(`malformed JSON with ${c.name} is TW_INVALID_JSON at line:column`, () => {
      const error = expectTagwallError(() => parseSnapshot(c.text, 'bad.json'), 'TW_INVALID_JSON');
      expect(error.location).toEqual({ file: 'bad.json', line: c.line, column: c.column });
      expect(error.message).not.toContain('position');
    });
  }

  it('a truncated Microsoft file points at its last line', () => {
    const text = readFileSync(FIXTURES.gov20260720, 'utf8');
    const cut = text.slice(0, 100_000);
    const error = expectTagwallError(() => parseSnapshot(cut, 'cut.json'), 'TW_INVALID_JSON');
    const lines = cut.split('\n');
    expect(error.location?.line).toBe(lines.length);
    expect(error.location?.column).toBe(lines[lines.length - 1]!.length + 1);
  });

  type Mutate = (sample: ReturnType<typeof sampleSnapshot>) => unknown;
  const shapeCases: Array<{ name: string; mutate: Mutate; code?: string; path: string }> = [
    { name: 'top level is an array', mutate: () => [], path: '$' },
    { name: 'missing changeNumber', mutate: (s) => ({ ...s, changeNumber: undefined }), path: '$.changeNumber' },
    { name: 'changeNumber is a string', mutate: (s) => ({ ...s, changeNumber: '7' }), path: '$.changeNumber' },
    { name: 'changeNumber is negative', mutate: (s) => ({ ...s, changeNumber: -1 }), path: '$.changeNumber' },
    { name: 'cloud is a number', mutate: (s) => ({ ...s, cloud: 1 }), path: '$.cloud' },
    { name: 'cloud is unknown', mutate: (s) => ({ ...s, cloud: 'Mars' }), code: 'TW_UNKNOWN_CLOUD', path: '$.cloud' },
    { name: 'values is an object', mutate: (s) => ({ ...s, values: {} }), path: '$.values' },
    { name: 'a value is a string', mutate: (s) => ({ ...s, values: [s.values[0], 'Storage'] }), path: '$.values[1]' },
    { name: 'a name is missing', mutate: (s) => del(s, 2, 'name'), path: '$.values[2].name' },
    { name: 'an id is null', mutate: (s) => set(s, 1, 'id', null), path: '$.values[1].id' },
    { name: 'properties is null', mutate: (s) => set(s, 0, 'properties', null), path: '$.values[0].properties' },
    { name: 'region is a number', mutate: (s) => prop(s, 1, 'region', 5), path: '$.values[1].properties.region' },
    { name: 'regionId is a string', mutate: (s) => prop(s, 1, 'regionId', '18'), path: '$.values[1].properties.regionId' },
    { name: 'platform is missing', mutate: (s) => prop(s, 2, 'platform', undefined), path: '$.values[2].properties.platform' },
    { name: 'systemService is null', mutate: (s) => prop(s, 0, 'systemService', null), path: '$.values[0].properties.systemService' },
    { name: 'networkFeatures is a string', mutate: (s) => prop(s, 2, 'networkFeatures', 'NSG'), path: '$.values[2].properties.networkFeatures' },
    { name: 'a network feature is a number', mutate: (s) => prop(s, 1, 'networkFeatures', ['API', 3]), path: '$.values[1].properties.networkFeatures[1]' },
    { name: 'addressPrefixes is missing', mutate: (s) => prop(s, 0, 'addressPrefixes', undefined), path: '$.values[0].properties.addressPrefixes' },
    { name: 'a prefix is a number', mutate: (s) => prefix(s, 1, 2, 42), path: '$.values[1].properties.addressPrefixes[2]' },
    { name: 'a prefix has host bits', mutate: (s) => prefix(s, 1, 1, '20.38.81.1/24'), code: 'TW_HOST_BITS_SET', path: '$.values[1].properties.addressPrefixes[1]' },
    { name: 'a prefix has no length', mutate: (s) => prefix(s, 2, 0, '20.38.64.0'), code: 'TW_INVALID_PREFIX_LENGTH', path: '$.values[2].properties.addressPrefixes[0]' },
    { name: 'a prefix length is too long', mutate: (s) => prefix(s, 2, 1, '2603:1020:800::/129'), code: 'TW_INVALID_PREFIX_LENGTH', path: '$.values[2].properties.addressPrefixes[1]' },
    { name: 'a prefix length has a leading zero', mutate: (s) => prefix(s, 2, 0, '20.38.64.0/019'), code: 'TW_INVALID_PREFIX_LENGTH', path: '$.values[2].properties.addressPrefixes[0]' },
    { name: 'a prefix has an octet above 255', mutate: (s) => prefix(s, 0, 0, '13.307.246.0/24'), code: 'TW_INVALID_ADDRESS', path: '$.values[0].properties.addressPrefixes[0]' },
    { name: 'a prefix has spaces', mutate: (s) => prefix(s, 0, 0, ' 13.107.246.0/24'), code: 'TW_INVALID_ADDRESS', path: '$.values[0].properties.addressPrefixes[0]' },
    { name: 'a prefix is a range', mutate: (s) => prefix(s, 0, 0, '13.107.246.0-13.107.246.9'), code: 'TW_INVALID_PREFIX_LENGTH', path: '$.values[0].properties.addressPrefixes[0]' },
    { name: 'two names differ only by case', mutate: (s) => set(s, 2, 'name', 'storage.francecentral'), path: '$.values[2].name' },
    { name: 'a name is empty', mutate: (s) => set(s, 0, 'name', ''), path: '$.values[0].name' },
  ];
  for (const c of shapeCases) {
    it(`${c.name}: ${c.code ?? 'TW_SNAPSHOT_SHAPE'} at ${c.path}`, () => {
      const text = JSON.stringify(c.mutate(sampleSnapshot()));
      const error = expectTagwallError(() => parseSnapshot(text, 'shape.json'), (c.code ?? 'TW_SNAPSHOT_SHAPE') as never);
      expect(error.location).toEqual({ file: 'shape.json', jsonPath: c.path });
    });
  }

  it('a bad prefix deep in a real file names its exact path', () => {
    const sample = JSON.parse(readFileSync(FIXTURES.china20260720, 'utf8')) as ReturnType<typeof sampleSnapshot>;
    sample.values[12]!.properties.addressPrefixes[3] = '10.0.0.0/33';
    const error = expectTagwallError(() => parseSnapshot(JSON.stringify(sample), 'china.json'), 'TW_INVALID_PREFIX_LENGTH');
    expect(error.location?.jsonPath).toBe('$.values[12].properties.addressPrefixes[3]');
    expect(error.describe()).toContain('china.json: $.values[12].properties.addressPrefixes[3]: ');
  });

  it('fuzz: truncated, pruned or retyped snapshots fail only with TagwallError', () => {
    const valid = sampleSnapshot();
    const paths = collectPaths(valid);
    const otherValue = fc.oneof(
      fc.constant(null),
      fc.boolean(),
      fc.integer({ min: -5, max: 1000 }),
      fc.double(),
      fc.string(),
      fc.constantFrom('10.0.0.0/8', '2001:db8::/32', '1.2.3.4/33', 'Public', ''),
      fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
    );
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('drop' as const), path: fc.constantFrom(...paths) }),
      fc.record({ kind: fc.constant('retype' as const), path: fc.constantFrom(...paths), value: otherValue }),
    );
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.boolean(), (mutations, gzip) => {
        let document: unknown = structuredClone(valid);
        let text: string | undefined;
        for (const m of mutations) {
          if (m.kind === 'truncate') {
            const full = text ?? JSON.stringify(document) ?? "";
            text = full.slice(0, m.at % (full.length + 1));
          } else if (text === undefined) {
            document = m.kind === 'drop' ? removeAt(document, m.path) : replaceAt(document, m.path, m.value);
          }
        }
        const input = text ?? JSON.stringify(document) ?? "";
        try {
          const snapshot = parseSnapshot(gzip ? gzipSync(Buffer.from(input)) : input, 'fuzz.json');
          for (const tag of snapshot.tags()) snapshot.addresses(tag.name);
        } catch (error) {
          if (!(error instanceof TagwallError)) throw error;
          expect(error.location).toBeDefined();
          const location = error.location!;
          expect(location.jsonPath !== undefined || location.line !== undefined).toBe(true);
        }
      }),
    );
  });
});

type Sample = ReturnType<typeof sampleSnapshot>;

function set(sample: Sample, index: number, key: string, value: unknown): Sample {
  (sample.values[index] as Record<string, unknown>)[key] = value;
  return sample;
}

function del(sample: Sample, index: number, key: string): Sample {
  delete (sample.values[index] as Record<string, unknown>)[key];
  return sample;
}

function prop(sample: Sample, index: number, key: string, value: unknown): Sample {
  if (value === undefined) delete sample.values[index]!.properties[key];
  else sample.values[index]!.properties[key] = value;
  return sample;
}

function prefix(sample: Sample, index: number, at: number, value: unknown): Sample {
  sample.values[index]!.properties.addressPrefixes[at] = value;
  return sample;
}

type Path = ReadonlyArray<string | number>;

function collectPaths(value: unknown, path: Path = []): Path[] {
  const out: Path[] = [path];
  if (Array.isArray(value)) value.forEach((item, i) => out.push(...collectPaths(item, [...path, i])));
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) out.push(...collectPaths(item, [...path, key]));
  }
  return out;
}

/** The object or array holding the value at `path`, or undefined when the path no longer leads anywhere. */
function parentOf(root: unknown, path: Path): Record<string | number, unknown> | undefined {
  let node = root;
  for (const step of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[step];
  }
  return node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>) : undefined;
}

function replaceAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const parent = parentOf(root, path);
  if (parent) parent[path[path.length - 1]!] = value;
  return root;
}

function removeAt(root: unknown, path: Path): unknown {
  if (path.length === 0) return undefined;
  const parent = parentOf(root, path);
  const last = path[path.length - 1]!;
  if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
  else if (parent) delete parent[last];
  return root;
}
