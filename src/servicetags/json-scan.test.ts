/**
 * The scan of json-scan.ts is a fast path: bytes go through it, text does not. Whatever it does with a file, the
 * answer must be the full path's: the same table for a valid file, the same error (code, message, line:column or
 * JSON path) for a broken one. These tests break a snapshot at every place and compare the two paths.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TagwallError } from '../errors.js';
import { latin1Text, sameFieldTexts, scanServiceTags } from './json-scan.js';
import { fieldTexts, parseSnapshot } from './snapshot.js';
import { parseServiceTagsJson } from './load.js';
import { FIXTURES, sampleSnapshot, scannedContents } from './test-fixtures.js';

/** Everything a caller can see of a load: the table's contents, or the error. */
function outcome(data: Uint8Array | string): unknown {
  try {
    const table = parseServiceTagsJson(data, 'ServiceTags_Public_20251028.json');
    const tags = Array.from({ length: table.count }, (_, i) => {
      const { bytes, start, end } = table.encodedPrefixes(i);
      return { info: table.tagAt(i), keys: Object.keys(table.tagAt(i)), encoded: [...bytes.subarray(start, end)], published: table.publishedPrefixes(i), index: table.indexOf(table.names[i]!.toUpperCase()) };
    });
    return { cloud: table.cloud, changeNumber: table.changeNumber, date: table.date, count: table.count, prefixCount: table.prefixCount, names: table.names, tags };
  } catch (error) {
    if (!(error instanceof TagwallError)) throw error;
    return { code: error.code, message: error.message, location: error.location };
  }
}

/** The full path reads text; the same text as bytes goes through the scan first. */
function expectSameOutcome(text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  expect(outcome(bytes)).toEqual(outcome(text));
  // A file in Microsoft's shape is read by prefix-scan.wat: the scanner's own walk must read it the same way.
  expect(scannedContents(scanServiceTags(bytes, false, false))).toEqual(scannedContents(scanServiceTags(bytes, false, true)));
}

const SAMPLE = JSON.stringify(sampleSnapshot(), null, 2);

/** A dotted quad and a length, without leading zeros and in range: the only prefixes quotedIPv4 must take itself. */
const PLAIN_IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\/(?:3[0-2]|[12]?\d)$/;

function noHostBits(prefix: string): boolean {
  const [address, length] = prefix.split('/');
  const value = address!.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
  return value % 2 ** (32 - Number(length)) === 0;
}

describe('the JSON scan fast path', () => {
  it('reads every Microsoft fixture itself, to the same table as the full path', () => {
    for (const file of Object.values(FIXTURES)) {
      let bytes: Uint8Array = readFileSync(file);
      if (bytes[0] === 0x1f) bytes = gunzipSync(bytes);
      expect(scanServiceTags(bytes), file).toBeDefined();
    }
    // The small sample here, the large files in scripts/bench and load.test.ts's figures.
    expect(scanServiceTags(Buffer.from(SAMPLE))).toBeDefined();
    expectSameOutcome(SAMPLE);
    expectSameOutcome(readFileSync(FIXTURES.china20251028, 'utf8'));
  });

  it('a snapshot cut, or missing a character, anywhere gives the full path error', () => {
    for (let i = 0; i <= SAMPLE.length; i++) {
      expectSameOutcome(SAMPLE.slice(0, i));
      if (i < SAMPLE.length) expectSameOutcome(SAMPLE.slice(0, i) + SAMPLE.slice(i + 1));
    }
  });

  it('a stray token inserted anywhere gives the full path error (or the same table)', () => {
    const tokens = [',', '"', '}', ']', '{', '[', ':', 'x', '0', '-', '.', '\\', ' ', '\t', 'null', '1e2', '\u0001', 'é', '\ufeff', '/'];
    for (let i = 0; i <= SAMPLE.length; i++) {
      for (const token of tokens) expectSameOutcome(SAMPLE.slice(0, i) + token + SAMPLE.slice(i));
    }
  });

  it('unusual but valid spellings read the same both ways', () => {
    const cases: Array<(text: string) => string> = [
      (t) => `\ufeff${t}`,
      (t) => `\ufeff\ufeff${t}`,
      (t) => t.replace('"changeNumber": 7', '"changeNumber": 7.0'),
      (t) => t.replace('"changeNumber": 7', '"changeNumber": 0.7e1'),
      (t) => t.replace('"changeNumber": 7', '"changeNumber": -0'),
      (t) => t.replace('"changeNumber": 7', '"changeNumber": 9007199254740993'),
      (t) => t.replace('"changeNumber": 7', '"changeNumber": 7, "changeNumber": 8'),
      (t) => t.replace('"regionId": 18', '"regionId": 18, "regionId": 19'),
      (t) => t.replace('"name": "AzureFrontDoor.Frontend"', '"na\\u006de": "AzureFrontDoor.Frontend"'),
      (t) => t.replace('"name": "AzureFrontDoor.Frontend"', '"name": "AzureFront\\u0044oor.Frontend"'),
      (t) => t.replace('"name": "AzureFrontDoor.Frontend"', '"name": "AzureFrontDoor.Frontend", "name": "X"'),
      (t) => t.replace('"Storage.FranceCentral",\n', '"storage.francecentral",\n'),
      (t) => t.replace('"cloud": "Public"', '"cloud": " azurecloud "'),
      (t) => t.replace('"cloud": "Public"', '"cloud": "Mars"'),
      (t) => t.replace('"cloud": "Public"', '"cloud": "Public", "extra": {"deep": [1, {"x": [true, false, null, -1.5e-3, "\\n"]}]}'),
      (t) => t.replace('"platform": "Azure"', '"platform": "Azure", "future": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]'),
      (t) => t.replace('"13.107.246.0/24"', '"13.107.246.0\\/24"'),
      (t) => t.replace('"2620:1ec:bdf::/48"', '"2620:1EC:BDF::/48"'),
      (t) => t.replace('"2620:1ec:bdf::/48"', '"2620:1ec:bdf:0:0:0:0:0/48"'),
      (t) => t.replace('"2620:1ec:bdf::/48"', '"::ffff:192.0.2.0/120"'),
      (t) => t.replace('"2620:1ec:bdf::/48"', '"::/0"'),
      (t) => t.replace('"2620:1ec:bdf::/48"', '"2620:1ec:bdf::1/48"'),
      (t) => t.replace('"13.107.246.0/24"', '"13.107.246.1/24"'),
      (t) => t.replace('"13.107.246.0/24"', '"13.107.246.0/024"'),
      (t) => t.replace('"13.107.246.0/24"', '"013.107.246.0/24"'),
      (t) => t.replace('"13.107.246.0/24"', '"13.107.246.0"'),
      (t) => t.replace('"13.107.246.0/24"', '13'),
      (t) => t.replace('"networkFeatures": null', '"networkFeatures": []'),
      (t) => t.replace('"networkFeatures": null', '"networkFeatures": [1]'),
      (t) => t.replace('"networkFeatures": null', '"networkFeatures": "API"'),
      (t) => t.replace('"systemService": ""', '"systemService": "\\u00e9t\\u00e9"'),
      (t) => t.replace('"systemService": ""', '"systemService": "été"'),
      (t) => t.replace(/\n/g, '\r\n'),
      (t) => t.replace(/\s+/g, ''),
      (t) => `${t}\n\n`,
      (t) => `${t} {}`,
    ];
    for (const mutate of cases) expectSameOutcome(mutate(SAMPLE));
  });

  it('reads every printable character in an IPv6 group as the full path does (its hex digit table)', () => {
    // The scan reads hex digits from a table: each printable ASCII byte, in each place of a group, both ways.
    for (let c = 0x20; c < 0x7f; c++) {
      const ch = String.fromCharCode(c);
      for (const prefix of [`2001:db8:${ch}::/48`, `2001:db8:${ch}0::/48`, `2001:db8:1${ch}::/48`, `${ch}::/16`]) {
        const sample = sampleSnapshot();
        sample.values[1]!.properties.addressPrefixes = ['10.0.0.0/8', prefix];
        expectSameOutcome(JSON.stringify(sample, null, 1));
      }
    }
  });

  it('agrees with the full path on any prefix text', () => {
    const prefix = fc.oneof(
      fc.tuple(fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 3, maxLength: 5 }), fc.integer({ min: 0, max: 40 })).map(([octets, length]) => `${octets.join('.')}/${length}`),
      fc.tuple(fc.array(fc.oneof(fc.constant(''), fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), maxLength: 5 })), { minLength: 2, maxLength: 10 }), fc.integer({ min: 0, max: 130 })).map(([groups, length]) => `${groups.join(':')}/${length}`),
      fc.string({ unit: fc.constantFrom('0', '1', 'f', 'F', ':', '.', '/', '2', '00'), maxLength: 24 }),
    );
    fc.assert(
      fc.property(fc.array(prefix, { minLength: 1, maxLength: 6 }), (prefixes) => {
        const sample = sampleSnapshot();
        sample.values[1]!.properties.addressPrefixes = prefixes;
        expectSameOutcome(JSON.stringify(sample, null, 1));
      }),
      { numRuns: 400, seed: 22 },
    );
  });

  it('reads a dotted quad itself exactly when the full path reads it plainly, and agrees on the rest', () => {
    // quotedIPv4 reads each byte once, digits unrolled: octets and lengths of 0-4 digits, leading zeros, values
    // past 255 and 32, host bits, a missing part; the scan must answer (not hand over) for every valid one.
    let plainSeen = 0;
    // A well-formed prefix (host bits cleared), then, half the time, one near miss made of it.
    const wellFormed = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 })).map(([value, length]) => {
      const network = length === 0 ? 0 : (value & (-1 << (32 - length))) >>> 0;
      return { octets: [network >>> 24, (network >>> 16) & 255, (network >>> 8) & 255, network & 255].map(String), length: String(length) };
    });
    const nearMiss = fc.constantFrom<(octets: string[], length: string) => string>(
      (o, l) => `${o.join('.')}/${l}`,
      (o, l) => `${['0' + o[0], ...o.slice(1)].join('.')}/${l}`,
      (o, l) => `${[...o.slice(0, 3), '00' + o[3]].join('.')}/${l}`,
      (o, l) => `${[...o.slice(0, 2), '256', o[3]].join('.')}/${l}`,
      (o, l) => `${[o[0], '1000', ...o.slice(2)].join('.')}/${l}`,
      (o, l) => `${o.slice(0, 3).join('.')}/${l}`,
      (o, l) => `${[...o, '0'].join('.')}/${l}`,
      (o, l) => `${o.join('.')}..0/${l}`,
      (o, l) => `${o.join('.')}/0${l}`,
      (o, l) => `${o.join('.')}/${Number(l) + 33}`,
      (o, l) => `${o.join('.')}/${l}0`,
      (o) => `${o.join('.')}/`,
      (o) => o.join('.'),
      (o, l) => `${o.join('.')}/${l} `,
      (o, l) => `${o.join('.')}/${l}/`,
      (o, l) => `${o.join('.')}/${l}x`,
      (o, l) => `${[...o.slice(0, 3), String(Number(o[3]) | 1)].join('.')}/${l}`,
      (o, l) => `${[...o.slice(0, 3), ''].join('.')}/${l}`,
    );
    const quad = fc
      .tuple(wellFormed, fc.boolean(), nearMiss)
      .map(([{ octets, length }, plain, spell]) => (plain ? `${octets.join('.')}/${length}` : spell(octets, length)));
    fc.assert(
      fc.property(fc.array(quad, { minLength: 1, maxLength: 3 }), (prefixes) => {
        const sample = sampleSnapshot();
        sample.values[1]!.properties.addressPrefixes = prefixes;
        const text = JSON.stringify(sample, null, 1);
        expectSameOutcome(text);
        const plain = prefixes.every((prefix) => PLAIN_IPV4.test(prefix) && noHostBits(prefix));
        if (plain) {
          plainSeen++;
          expect(scanServiceTags(Buffer.from(text))).toBeDefined();
        }
      }),
      { numRuns: 600, seed: 22 },
    );
    expect(plainSeen).toBeGreaterThan(50);
  });

  it('reads an IPv6 prefix itself, in the pass that finds its quote, exactly when it is plain, and agrees on the rest', () => {
    // quotedIPv6 reads the string and the address at once: groups, '::' anywhere, lengths 0-128 and near misses.
    let plainSeen = 0;
    const address = fc.tuple(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: 128 }), fc.nat(8), fc.nat(8), fc.boolean());
    const spelled = address.map(([words, length, from, span, upper]) => {
      // Host bits cleared, then a run of groups (zeroed) written as '::' when from + span fits.
      const bits = words.map((word, k) => word & (length >= 16 * (k + 1) ? 0xffff : length <= 16 * k ? 0 : (0xffff << (16 - (length - 16 * k))) & 0xffff));
      const gap = span > 0 && from + span <= 8;
      if (gap) bits.fill(0, from, from + span);
      const hex = bits.map((word) => word.toString(16));
      const text = gap ? `${hex.slice(0, from).join(':')}::${hex.slice(from + span).join(':')}` : hex.join(':');
      return `${upper ? text.toUpperCase() : text}/${length}`;
    });
    const nearMiss = fc.constantFrom<(text: string) => string>(
      (t) => t.replace(/\/(\d+)$/, (_, n: string) => `/${Number(n) + 1}`),
      (t) => t.replace(/\/(\d+)$/, '/129'),
      (t) => t.replace(/\/(\d+)$/, '/0$1'),
      (t) => t.replace(/\/(\d+)$/, '/$10'),
      (t) => t.replace('/', ':/'),
      (t) => t.replace('/', '::/'),
      (t) => t.replace(':', ':::'),
      (t) => t.replace(':', '0000:'),
      (t) => t.replace(':', 'g:'),
      (t) => `${t} `,
      (t) => `${t}/`,
      (t) => t.replace('/', ''),
      (t) => `:${t}`,
      (t) => `${t.split('/')[0]}:1.2.3.4/${t.split('/')[1]}`,
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(spelled, fc.oneof({ arbitrary: fc.constant((t: string) => t), weight: 3 }, { arbitrary: nearMiss, weight: 2 })), { minLength: 1, maxLength: 3 }), (pairs) => {
        const prefixes = pairs.map(([text, spell]) => spell(text));
        const sample = sampleSnapshot();
        sample.values[1]!.properties.addressPrefixes = prefixes;
        const text = JSON.stringify(sample, null, 1);
        expectSameOutcome(text);
        if (pairs.every(([text, spell]) => spell(text) === text)) {
          plainSeen++;
          expect(scanServiceTags(Buffer.from(text))).toBeDefined();
        }
      }),
      { numRuns: 600, seed: 22 },
    );
    expect(plainSeen).toBeGreaterThan(50);
  });

  it('reads the keys of a tag and its properties in any order, with unknown, repeated or escaped keys, as the full path does', () => {
    // The scan compares the key after the last one in place first (expectedKey), and looks any other one up.
    const extra = fc.constantFrom('"regio": 1', '"regionIdx": 1', '"Region": 1', '"reg\\u0069on": "x"', '"region": "again"', '"": 0', '"changeNumbe\\"": 2');
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 10, maxLength: 10 }), fc.array(fc.tuple(fc.nat(12), extra), { maxLength: 2 }), fc.boolean(), (order, extras, outer) => {
        const sample = sampleSnapshot();
        const text = JSON.stringify(sample, null, 1);
        const tag = sample.values[1]!;
        const members = Object.entries(outer ? tag : tag.properties).map(([key, value]) => `${JSON.stringify(key)}: ${JSON.stringify(value)}`);
        const shuffled = members.map((member, k) => ({ member, rank: order[k]! })).sort((a, b) => a.rank - b.rank).map(({ member }) => member);
        for (const [at, member] of extras) shuffled.splice(at % (shuffled.length + 1), 0, member);
        const object = `{${shuffled.join(', ')}}`;
        const original = JSON.stringify(outer ? tag : tag.properties, null, 1).replace(/\n\s*/g, '\n');
        const flat = text.replace(/\n\s*/g, '\n');
        expect(flat.includes(original)).toBe(true);
        expectSameOutcome(flat.replace(original, object));
        // No key written twice (plainly or escaped): the scan reads it itself rather than handing it to the full path.
        if (!extras.some(([, member]) => member.includes('again') || member.includes('u0069'))) expect(scanServiceTags(Buffer.from(flat.replace(original, object)))).toBeDefined();
      }),
      { numRuns: 300, seed: 22 },
    );
  });

  it('reads any whitespace around the separators of a prefix array as the full path does', () => {
    // nextPrefix reads the separators of prefix arrays itself (not through nextElement and ws).
    const space = fc.string({ unit: fc.constantFrom(' ', ' ', '\t', '\r', '\n', '\f', '\u00a0', 'x'), maxLength: 4 });
    fc.assert(
      fc.property(fc.array(fc.tuple(space, space), { minLength: 4, maxLength: 4 }), space, space, (gaps, open, close) => {
        const prefixes = ['"10.0.0.0/8"', '"2001:db8::/32"', '"192.0.2.0/24"', '"2001:db8:1::/48"'];
        const list = prefixes.map((prefix, k) => (k === 0 ? prefix : `${gaps[k]![0]},${gaps[k]![1]}${prefix}`)).join('');
        const text = JSON.stringify(sampleSnapshot(), null, 1).replace(/"addressPrefixes": \[[^\]]*\]/, `"addressPrefixes": [${open}${list}${close}]`);
        expectSameOutcome(text);
      }),
      { numRuns: 400, seed: 22 },
    );
  });

  it('reads a field written as the one before it, or almost, as the full path does', () => {
    // The scan reuses the last value of a field when its text repeats byte for byte: near misses must not be reused.
    const word = fc.constantFrom('', 'Azure', 'Azur', 'Azuree', 'AzureX', 'westus', 'WestUS', 'Azure\\u0041', 'A\\"B', 'API', 'NSG');
    const features = fc.oneof(
      fc.constant('null'),
      fc.array(fc.constantFrom('API', 'NSG', 'UDR', 'FW', 'AP\\u0049', 'A'), { maxLength: 4 }).chain((list) =>
        fc.constantFrom(' ', '', '\n  ', '\r\n').map((space) => `[${space}${list.map((f) => `"${f}"`).join(`,${space}`)}${space}]`),
      ),
    );
    const tag = fc.record({ same: fc.boolean(), id: word, region: word, platform: word, systemService: word, features });
    fc.assert(
      fc.property(fc.array(tag, { minLength: 1, maxLength: 6 }), (tags) => {
        const values = tags.map((t, i) => {
          const name = `Tag${i}`;
          const id = t.same ? name : `${name}${t.id}`;
          return `{"name": "${name}", "id": "${id}", "properties": {"changeNumber": 1, "region": "${t.region}", "regionId": 0, "platform": "${t.platform}", "systemService": "${t.systemService}", "addressPrefixes": ["10.0.${i}.0/24"], "networkFeatures": ${t.features}}}`;
        });
        expectSameOutcome(`{"changeNumber": 1, "cloud": "Public", "values": [${values.join(',\n')}]}`);
      }),
      { numRuns: 300, seed: 24 },
    );
  });

  it('checks tag names as the full path does, whatever names a file holds', () => {
    // load.ts checks the scanned names all at once (joined a line each): a name with a line break, an empty one, one
    // of digits and dots, a reserved word in any case, two alike ignoring case must each fail as on the full path.
    const name = fc.oneof(
      fc.constantFrom('AzureCloud', 'azurecloud', 'Storage.WestUS', 'a', '1.2', '10', '.', 'Any', 'INTERNET', 'VirtualNetwork', 'azureLoadBalancer', 'anyx', 'xany', ''),
      fc.constantFrom('A\\nB', 'Any\\n', '\\nA', 'A\\u000aB', 'A B', 'A/B', 'Caf\\u00e9', 'K\\u212a', '\\u0130x'),
      fc.string({ unit: fc.constantFrom('a', 'Z', '0', '9', '.', '-', '_', ' ', '\\n'), maxLength: 5 }),
    );
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 6 }), (names) => {
        const values = names.map(
          (n) => `{"name": "${n}", "id": "${n}", "properties": {"changeNumber": 1, "region": "", "regionId": 0, "platform": "Azure", "systemService": "", "addressPrefixes": ["10.0.0.0/24"], "networkFeatures": null}}`,
        );
        expectSameOutcome(`{"changeNumber": 1, "cloud": "Public", "values": [${values.join(',\n')}]}`);
      }),
      { numRuns: 600, seed: 25 },
    );
  });

  it("keeps its own copy of a caller's bytes: reusing the buffer afterwards changes nothing", () => {
    const bytes = Buffer.from(SAMPLE);
    const table = parseServiceTagsJson(bytes, 'x.json');
    const published = JSON.stringify(Array.from({ length: table.count }, (_, i) => table.publishedPrefixes(i)));
    const again = parseServiceTagsJson(bytes, 'x.json');
    bytes.fill(0x20);
    expect(JSON.stringify(Array.from({ length: again.count }, (_, i) => again.publishedPrefixes(i)))).toBe(published);
  });

  it("makes a file's strings with Node's latin1Slice where Buffer has it, which gives toString('latin1') on any range in order", () => {
    // fromRecords calls latin1Text: Buffer's own latin1Slice (cheaper for V8 to optimise than toString), undocumented,
    // so a Node without it takes toString. This Node has it (the fast path is the one measured), and both agree.
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, c) => c));
    const slice = (bytes as Buffer & { latin1Slice?: (start: number, end: number) => string }).latin1Slice;
    expect(typeof slice).toBe('function');
    fc.assert(
      fc.property(fc.nat({ max: 256 }), fc.nat({ max: 256 }), (x, y) => {
        const [start, end] = x <= y ? [x, y] : [y, x];
        expect(latin1Text(bytes, start, end)).toBe(bytes.toString('latin1', start, end));
        expect(slice!.call(bytes, start, end)).toBe(bytes.toString('latin1', start, end));
      }),
      { numRuns: 300, seed: 19 },
    );
  });
});

describe('sameFieldTexts: a tag told unchanged from its bytes (snapshot diff)', () => {
  // Small pools, and a second tag that is the first with at most one field changed: equal values are common, and
  // so are values that differ in one byte (a space moved inside a feature, which the list compare must keep).
  const pools = {
    name: fc.constantFrom('Storage.WestUS', 'storage.westus', 'Sql'),
    sameId: fc.boolean(),
    changeNumber: fc.integer({ min: 1, max: 3 }),
    region: fc.constantFrom('', 'westus', 'westus2'),
    regionId: fc.constantFrom(0, 17),
    platform: fc.constantFrom('Azure', 'Azur'),
    systemService: fc.constantFrom('', 'AzureStorage', 'AzureStorag'),
    features: fc.option(fc.array(fc.constantFrom('API', 'NSG', 'A PI', 'AP I', ''), { maxLength: 3 }), { nil: null }),
  };
  const tag = fc.record(pools);
  const change = fc.oneof(fc.constant({}), ...Object.entries(pools).map(([key, values]) => (values as fc.Arbitrary<unknown>).map((value) => ({ [key]: value }))));
  type Tag = typeof tag extends fc.Arbitrary<infer T> ? T : never;
  const layout = fc.record({ indent: fc.constantFrom(0, 1, 2, 4), crlf: fc.boolean() });
  const file = (value: Tag, { indent, crlf }: { indent: number; crlf: boolean }): Buffer => {
    const snapshot = sampleSnapshot();
    const json = snapshot.values[1]!;
    json.name = value.name;
    json.id = value.sameId ? value.name : 'Other';
    json.properties = {
      ...json.properties,
      changeNumber: value.changeNumber,
      region: value.region,
      regionId: value.regionId,
      platform: value.platform,
      systemService: value.systemService,
      networkFeatures: value.features,
    };
    const text = JSON.stringify(snapshot, null, indent);
    return Buffer.from(crlf ? text.replace(/\n/g, '\r\n') : text);
  };
  const fields = (value: Tag): unknown => ({ ...value, id: value.sameId ? value.name : 'Other' });

  it('is true exactly when every field but the prefixes is the same, features in the same order, whatever the layout', () => {
    fc.assert(
      fc.property(tag, layout, change, layout, (a, layoutA, changed, layoutB) => {
        const b: Tag = { ...a, ...changed };
        const older = fieldTexts(parseSnapshot(file(a, layoutA)));
        const newer = fieldTexts(parseSnapshot(file(b, layoutB)));
        expect(older && newer).toBeDefined();
        expect(sameFieldTexts(older!, 1, newer!, 1)).toBe(JSON.stringify(fields(a)) === JSON.stringify(fields(b)));
        // The neighbours, the same sample tags in both files, whatever the layouts.
        expect(sameFieldTexts(older!, 0, newer!, 0) && sameFieldTexts(older!, 2, newer!, 2)).toBe(true);
        expect(sameFieldTexts(older!, 0, newer!, 2)).toBe(false);
      }),
      { numRuns: 600, seed: 25 },
    );
  });

  it('is not offered for a file the walk read (no records)', () => {
    const text = JSON.stringify(sampleSnapshot());
    // A key Microsoft does not write sends the file to the walk.
    expect(fieldTexts(parseSnapshot(Buffer.from(text.replace('"cloud"', '"extra":1,"cloud"'))))).toBeUndefined();
    expect(fieldTexts(parseSnapshot(text))).toBeUndefined();
  });

  it('makes a row when it is asked for, the same object each time, equal to the walk\'s', () => {
    const bytes = Buffer.from(JSON.stringify(sampleSnapshot(), null, 2));
    const rows = scanServiceTags(bytes, false, true)!.rows;
    const walked = scanServiceTags(bytes, false, false)!.rows;
    expect(rows.texts).toBeDefined();
    expect(walked.texts).toBeUndefined();
    expect(rows.tagAt(2)).toBe(rows.tagAt(2));
    expect(rows.tagAt(2)).toEqual(walked.tagAt(2));
    expect(rows.regionAt(1)).toBe('centralfrance');
    expect(rows.tagAt(1)).toEqual(walked.tagAt(1));
  });
});
