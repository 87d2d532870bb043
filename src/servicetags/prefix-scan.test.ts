/**
 * prefix-scan.wat reads service-tag files in WebAssembly where they have Microsoft's shape; json-scan.ts's walk
 * reads the rest. json-scan.test.ts compares whatever the scan does with the full path (JSON.parse), mutations and
 * all; here: the WebAssembly module is what its text says, it takes the files it is for (else it would only be
 * slow), and on generated files in that shape it gives the walk's table exactly.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assemble, moduleText, MODULE_PATH, WAT_PATH } from '../../scripts/build-wasm.js';
import { sortedEncodedDelta } from './diff.js';
import { scanServiceTags } from './json-scan.js';
import { PrefixWriter } from './prefix-codec.js';
import { encodedDelta, FIELD, type FileRecords, prepareToRead, readServiceTagFile, readThroughWindow, RECORD, SAME_AS, TOO_NARROW, TOO_SMALL } from './prefix-scan.js';
import type { ServiceTagInfo } from './types.js';
import { FIXTURES, scannedContents } from './test-fixtures.js';

/** The scan with prefix-scan.wat, and the walk alone, of the same text. */
function bothWays(text: string | Uint8Array): { webAssembly: unknown; walk: unknown; taken: boolean } {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return {
    webAssembly: scannedContents(scanServiceTags(bytes, false, true)),
    walk: scannedContents(scanServiceTags(bytes, false, false)),
    taken: readServiceTagFile(bytes, bom) !== undefined,
  };
}

function fixtureBytes(file: string): Uint8Array {
  const bytes = readFileSync(file);
  return bytes[0] === 0x1f ? gunzipSync(bytes) : bytes;
}

// ─── generated files in Microsoft's shape ──────────────────────────────────────────────────────────────────

const octet = fc.integer({ min: 0, max: 255 });
/** Prefixes as Microsoft writes them (no host bits), and near misses the reader must leave to the JavaScript. */
const ipv4 = fc.tuple(octet, octet, octet, octet, fc.integer({ min: 0, max: 32 })).map(([a, b, c, d, length]) => {
  const value = (((a << 24) | (b << 16) | (c << 8) | d) >>> 0) - ((((a << 24) | (b << 16) | (c << 8) | d) >>> 0) % 2 ** (32 - length));
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}/${length}`;
});
const group = fc.integer({ min: 0, max: 0xffff }).map((value) => value.toString(16));
const ipv6 = fc.tuple(fc.array(group, { minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 128 }), fc.boolean()).map(([groups, length, gap]) => {
  const words = [...groups, ...Array<string>(8 - groups.length).fill('0')].map((g) => parseInt(g, 16));
  // Host bits cleared: each 16-bit group past the length masked.
  const network = words.map((word, k) => (16 * (k + 1) <= length ? word : 16 * k >= length ? 0 : word & (0xffff << (16 * (k + 1) - length))));
  const text = network.map((word) => word.toString(16)).join(':');
  return `${gap ? text.replace(/(^|:)0(:0)+(:|$)/, '::') : text}/${length}`;
});
/** Refused by the reader: the walk reads them (the upper case and the IPv4 tail), or gives up (the rest). */
const NEAR_MISSES = [
  '10.0.0.1/24', '010.0.0.0/8', '10.0.0.0/08', '256.0.0.0/8', '10.0.0.0/33', '10.0.0.1/31', '2001:DB8::/32', '::ffff:1.2.3.0/120',
  '2001:db8::1/32', '1:2:3:4:5:6:7:8:9/128', '1::2::3/128', '2001:db8:/32', '1:2:3:4::5:6:7:8/128', '2001:db8::/032', '::/129',
  // host bits in the last bit of each 32-bit word
  '0:1::/31', '0:0:0:1::/63', '::1:0:0/95', '::1/127',
];
const nearMiss = fc.constantFrom(...NEAR_MISSES);
// Near misses one in ~50 prefixes: most files have none, and the reader must read those itself.
const prefix = fc.oneof({ arbitrary: ipv4, weight: 32 }, { arbitrary: ipv6, weight: 16 }, { arbitrary: nearMiss, weight: 1 });
const word = fc.stringMatching(/^[A-Za-z][A-Za-z0-9.]{0,20}$/);
const tag = fc.record({
  name: word,
  idIsName: fc.boolean(),
  id: word,
  // Nine digits, and ten past 2^31 and 2^32 (the reader takes nine: a tenth would wrap its 32 bits).
  changeNumber: fc.oneof(fc.nat({ max: 999 }), fc.constantFrom(0, 123456789, 999999999, 1234567890, 2147483648, 9999999999, 2 ** 53)),
  region: fc.constantFrom<string>('', 'westus', 'centralfrance', 'westus'),
  regionId: fc.nat({ max: 99 }),
  platform: fc.constantFrom<string>('Azure', 'Azure', 'Other'),
  systemService: fc.constantFrom<string>('', 'AzureStorage', 'AzureStorage', 'AzureMonitor'),
  addressPrefixes: fc.array(prefix, { maxLength: 6 }),
  networkFeatures: fc.oneof(fc.constant<string[] | null>(null), fc.constant(['API', 'NSG', 'UDR', 'FW']), fc.array(fc.constantFrom('API', 'NSG', 'UDR', 'FW', 'VSE'), { maxLength: 4 })),
});
type GeneratedTag = typeof tag extends fc.Arbitrary<infer T> ? T : never;
/** How the text is laid out: Microsoft's two-space indent and CRLF, other indents, none at all. */
const layout = fc.constantFrom<[number | string, boolean]>([2, true], [2, false], [0, false], ['\t', false], [7, true]);

function fileText(tags: readonly GeneratedTag[], [indent, crlf]: [number | string, boolean], uniqueNames: boolean): string {
  const values = tags.map((t, i) => {
    const name = uniqueNames ? `${t.name}${i}` : t.name;
    return {
      name,
      id: t.idIsName ? name : t.id,
      properties: {
        changeNumber: t.changeNumber,
        region: t.region,
        regionId: t.regionId,
        platform: t.platform,
        systemService: t.systemService,
        addressPrefixes: t.addressPrefixes,
        networkFeatures: t.networkFeatures,
      },
    };
  });
  const text = JSON.stringify({ changeNumber: 42, cloud: 'Public', values }, null, indent);
  return crlf ? text.replace(/\n/g, '\r\n') : text;
}

/** Two tags: a global one with both families and features, a regional one sharing its region and platform. */
const SMALL_TAGS: GeneratedTag[] = [
  { name: 'A.b', idIsName: true, id: '', changeNumber: 5, region: 'westus', regionId: 3, platform: 'Azure', systemService: 'X', addressPrefixes: ['10.0.0.0/8', '2001:db8::/32', '1.2.3.4/32'], networkFeatures: ['API', 'NSG'] },
  { name: 'C', idIsName: false, id: 'D', changeNumber: 0, region: 'westus', regionId: 3, platform: 'Azure', systemService: 'X', addressPrefixes: ['::/0', '0.0.0.0/0'], networkFeatures: null },
];

describe('the WebAssembly reader of service-tag files', () => {
  it('is the module its text assembles to (npm run wasm)', async () => {
    const assembled = await assemble(readFileSync(WAT_PATH, 'utf8'));
    expect(readFileSync(MODULE_PATH, 'utf8')).toBe(moduleText(assembled));
  });

  it('reads every Microsoft fixture itself, to the table the walk makes', () => {
    for (const file of Object.values(FIXTURES)) {
      const { webAssembly, walk, taken } = bothWays(fixtureBytes(file));
      expect(taken, file).toBe(true);
      expect(webAssembly, file).toEqual(walk);
    }
  });

  it('reads a file after a byte order mark itself', () => {
    const text = readFileSync(FIXTURES.china20251028, 'latin1');
    const { webAssembly, walk, taken } = bothWays(`\xef\xbb\xbf${text}`);
    expect(taken).toBe(true);
    expect(webAssembly).toEqual(walk);
    expect(webAssembly).toEqual(bothWays(text).walk);
  });

  it('gives the walk\'s table for any file in Microsoft\'s shape, and reads those with plain prefixes itself', () => {
    let taken = 0;
    fc.assert(
      fc.property(fc.array(tag, { maxLength: 8 }), layout, fc.boolean(), (tags, style, unique) => {
        const text = fileText(tags, style, unique);
        const both = bothWays(text);
        expect(both.webAssembly).toEqual(both.walk);
        if (tags.every((t) => t.changeNumber < 1e9 && t.addressPrefixes.every((p) => !NEAR_MISSES.includes(p)))) {
          expect(both.taken, text).toBe(true);
          taken++;
        }
      }),
      { numRuns: 300, seed: 15 },
    );
    // The property must have reached the WebAssembly path for most files, or it would test the walk against itself.
    expect(taken).toBeGreaterThan(100);
  });

  it('has room for prefixes whose encoding is longer than their text', () => {
    // `"::/128",` is 9 bytes of text and 17 of encoding: a file of them encodes to about twice its size.
    const many = Array.from({ length: 5000 }, () => '::/128');
    const text = fileText([{ ...SMALL_TAGS[0]!, addressPrefixes: many }, SMALL_TAGS[1]!], [0, false], false);
    const both = bothWays(text);
    expect(both.taken).toBe(true);
    expect(both.webAssembly).toEqual(both.walk);
  });

  it('reads a file through a window of any size as it reads it whole (WINDOW)', () => {
    // What a read gives, copied out of the module's memory; SAME_AS's bits but the id's apart: a window compares a
    // tag's texts with the previous tag's within itself only, so it may find fewer of them the same, never more.
    type Read = { fields: unknown; sameAs: number[] } | undefined;
    const copy = (file: FileRecords | undefined): Read => {
      if (!file) return undefined;
      const records = [...file.records];
      const sameAs = records.filter((_, k) => k % RECORD === FIELD.sameAs);
      const fields = { ...file, records: records.map((value, k) => (k % RECORD === FIELD.sameAs ? value & SAME_AS.name : value)), encoded: [...file.encoded] };
      return { fields, sameAs };
    };
    let windowed = 0;
    /** Whether the window read it (else a tag was longer than the window, and it is read whole). */
    const agree = (text: string, window: number): boolean => {
      const bytes = Buffer.from(text, 'latin1');
      const whole = copy(readServiceTagFile(bytes, 0, Infinity));
      const read = readThroughWindow(bytes, 0, window);
      if (read === TOO_NARROW) return false;
      const through = copy(read);
      expect(through?.fields, `${window}: ${JSON.stringify(text)}`).toEqual(whole?.fields);
      through?.sameAs.forEach((bits, k) => expect(bits & ~whole!.sameAs[k]!).toBe(0));
      windowed++;
      return true;
    };
    fc.assert(
      fc.property(fc.array(tag, { minLength: 3, maxLength: 10 }), layout, fc.boolean(), fc.double({ min: 0.25, max: 0.5, noNaN: true }), (tags, style, unique, share) => {
        const text = fileText(tags, style, unique);
        agree(text, Math.floor(share * text.length));
      }),
      { numRuns: 400, seed: 25 },
    );
    expect(windowed).toBeGreaterThan(50);
    // Six small tags without indentation, through every window from the longest tag's length up: windows cut the
    // text at every kind of place (in a tag, in a separator, between a ',' and the next tag, in the file's end).
    const small = fileText(Array.from({ length: 6 }, () => ({ ...SMALL_TAGS[1]!, addressPrefixes: ['10.0.0.0/8'] })), [0, false], true);
    const sizes: number[] = [];
    for (let window = 20; 2 * window < small.length; window++) if (agree(small, window)) sizes.push(window);
    expect(sizes.length).toBeGreaterThan(100);
    // A file that goes on after its '}', and one with a ',' before the values' ']' (both refused whole), through
    // each of those windows; each one-byte change of it through some.
    for (const window of sizes) {
      agree(`${small} x`, window);
      agree(`${small.slice(0, -2)},]}`, window);
    }
    const replacements = ['"', ',', ']', '}', '0', ' ', '\x00'];
    for (const window of sizes.filter((_, k) => k % 15 === 0)) {
      for (let i = 0; i < small.length; i++) for (const replacement of replacements) agree(small.slice(0, i) + replacement + small.slice(i + 1), window);
    }
  });

  it('copies every name once, in file order, a line feed between two, whole and through any window', () => {
    let windowed = 0;
    fc.assert(
      fc.property(fc.array(tag, { maxLength: 10 }), layout, fc.double({ min: 0.25, max: 0.5, noNaN: true }), (tags, style, share) => {
        const tagsTaken = tags.map((t) => ({ ...t, changeNumber: t.changeNumber % 1000, addressPrefixes: t.addressPrefixes.filter((p) => !NEAR_MISSES.includes(p)) }));
        const text = fileText(tagsTaken, style, true);
        const bytes = Buffer.from(text, 'latin1');
        const names = (JSON.parse(text) as { values: { name: string }[] }).values.map((value) => value.name).join('\n');
        expect(readServiceTagFile(bytes, 0, Infinity)?.names).toBe(names);
        const through = readThroughWindow(bytes, 0, Math.floor(share * text.length));
        if (through !== TOO_NARROW) {
          expect(through?.names).toBe(names);
          windowed++;
        }
      }),
      { numRuns: 300, seed: 31 },
    );
    expect(windowed).toBeGreaterThan(30);
  });

  it('reads a file whose tag is longer than the window whole', () => {
    const many = Array.from({ length: 400 }, (_, k) => `10.${k >> 8}.${k & 255}.0/24`);
    const text = fileText([SMALL_TAGS[1]!, { ...SMALL_TAGS[0]!, addressPrefixes: many }, SMALL_TAGS[1]!], [2, false], true);
    const bytes = Buffer.from(text);
    const whole = readServiceTagFile(bytes, 0, Infinity)!;
    const windowed = readServiceTagFile(bytes, 0, 1000)!;
    expect(text.length).toBeGreaterThan(4000);
    expect([...windowed.encoded]).toEqual([...whole.encoded]);
    expect(windowed.records.length).toBe(3 * RECORD);
  });

  it('keeps every file it read as it was read, whatever it reads, merges or readies after (views of memory it never writes again)', () => {
    // What a read gave, copied at once; checked again after every later read and merge.
    type Kept = { read: FileRecords; copy: unknown };
    const copyOf = (read: FileRecords): unknown => ({ ...read, records: [...read.records], encoded: [...read.encoded] });
    let shared = 0;
    let fresh = 0;
    const file = fc.record({ tags: fc.array(tag, { minLength: 1, maxLength: 6 }), style: layout, share: fc.option(fc.double({ min: 0.25, max: 0.5, noNaN: true })) });
    // A merge of two lists of `count` prefixes: large ones need more room than the text's place holds.
    const merge = fc.integer({ min: 1, max: 65_000 });
    // prepareToRead of a text of about that size (the CLI's, while the text inflates), right or wrong.
    const ready = fc.record({ ready: fc.oneof(fc.integer({ min: 0, max: 4_000 }), fc.integer({ min: 0, max: 5_000_000 })) });
    fc.assert(
      fc.property(fc.array(fc.oneof({ arbitrary: file, weight: 3 }, { arbitrary: merge, weight: 2 }, { arbitrary: ready, weight: 1 }), { minLength: 2, maxLength: 7 }), (steps) => {
        const kept: Kept[] = [];
        for (const step of steps) {
          if (typeof step === 'object' && 'ready' in step) {
            prepareToRead(step.ready);
          } else if (typeof step === 'number') {
            const list = encode(Array.from({ length: step }, (_, k) => `2001:db8:${k.toString(16)}::/48`));
            expect(encodedDelta(list, 0, list.length, step, list, 0, list.length, step)).toEqual({ added: [], removed: [] });
          } else {
            const text = fileText(step.tags.map((t) => ({ ...t, changeNumber: t.changeNumber % 1000 })), step.style, true);
            const bytes = Buffer.from(text, 'latin1');
            const read = readServiceTagFile(bytes, 0, step.share === null ? Infinity : Math.floor(step.share * text.length));
            if (read === undefined) continue;
            expect(scannedContents(scanServiceTags(bytes, false, true))).toEqual(scannedContents(scanServiceTags(bytes, false, false)));
            const last = kept.at(-1);
            if (last !== undefined) last.read.records.buffer === read.records.buffer ? shared++ : fresh++;
            kept.push({ read, copy: copyOf(read) });
          }
          for (const { read, copy } of kept) expect(copyOf(read)).toEqual(copy);
        }
      }),
      { numRuns: 150, seed: 41 },
    );
    // Both ways: a file read beside the last in one memory, and in a new one (the text's place or the room taken).
    expect(shared).toBeGreaterThan(20);
    expect(fresh).toBeGreaterThan(5);
  });

  it('reads a file again with room for anything where the room for Microsoft\'s files is too small', () => {
    const many = <T>(count: number, item: (k: number) => T): T[] => Array.from({ length: count }, (_, k) => item(k));
    const files = {
      // `::/128` and its neighbours: an encoding of twice the text, more than a third of it
      encoding: fileText(many(40, (t) => ({ ...SMALL_TAGS[0]!, addressPrefixes: many(1_000, (k) => `::${t.toString(16)}:${(k + 1).toString(16)}/128`) })), [0, false], true),
      // tags of ~150 bytes: more records than one per 384 bytes
      records: fileText(many(3_000, () => ({ ...SMALL_TAGS[1]!, addressPrefixes: [], networkFeatures: null })), [0, false], true),
      // names of 200 characters: more than a twelfth of the text
      names: fileText(many(3_000, (k) => ({ ...SMALL_TAGS[1]!, name: `N${'x'.repeat(200)}${k}`, addressPrefixes: ['10.0.0.0/8'] })), [0, false], false),
    };
    for (const [part, text] of Object.entries(files)) {
      const bytes = Buffer.from(text, 'latin1');
      expect(bytes.length, part).toBeGreaterThan(2 * 65_536);
      expect(readThroughWindow(bytes, 0, 65_536, false), part).toBe(TOO_SMALL);
      const roomy = readThroughWindow(bytes, 0, 65_536, true);
      expect(roomy, part).not.toBe(TOO_SMALL);
      expect(readServiceTagFile(bytes, 0, 65_536), part).toEqual(roomy);
      const both = bothWays(bytes);
      expect(both.taken, part).toBe(true);
      expect(both.webAssembly, part).toEqual(both.walk);
    }
    // Microsoft's files fit the first room.
    for (const file of Object.values(FIXTURES)) {
      const bytes = fixtureBytes(file);
      expect(readThroughWindow(bytes, 0, 65_536, false), file).not.toBe(TOO_SMALL);
    }
  });

  it('agrees with the walk on a file changed at any one byte', () => {
    // Indented by seven (runs of spaces on both sides of the reader's eight-at-a-time test), with CRLF.
    const text = fileText(SMALL_TAGS, [7, true], false);
    // Each byte replaced by each of these: structure, digits, hex, escapes, whitespace, a byte past ASCII, NUL.
    const replacements = ['"', ':', ',', '[', ']', '{', '}', '0', '9', '.', '/', 'f', 'A', '\\', ' ', '\n', '\xe9', '\x00', 'n'];
    for (let i = 0; i < text.length; i++) {
      for (const replacement of replacements) {
        const changed = text.slice(0, i) + replacement + text.slice(i + 1);
        const both = bothWays(changed);
        expect(both.webAssembly, JSON.stringify(changed)).toEqual(both.walk);
      }
    }
  });

  it('leaves every file to the JavaScript where WebAssembly does not run (node --jitless)', () => {
    const bin = fileURLToPath(new URL('../../dist/cli.cjs', import.meta.url));
    if (!existsSync(bin)) throw new Error('dist/cli.cjs is missing: npm test builds it first');
    const args = [bin, 'snapshot', 'diff', FIXTURES.gov20251028, FIXTURES.gov20260720, '--json'];
    const jitless = spawnSync(process.execPath, ['--jitless', ...args], { encoding: 'utf8', env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: '1' } });
    const usual = spawnSync(process.execPath, args, { encoding: 'utf8' });
    expect(jitless.stderr).not.toMatch(/WebAssembly|RuntimeError/);
    expect([jitless.status, jitless.stdout]).toEqual([usual.status, usual.stdout]);
    expect(usual.stdout.length).toBeGreaterThan(1000);
  });

  it("compares two tags' encodings as diff.ts does (the merge of a changed tag)", () => {
    // Lists in address order with repeats (the usual case), shuffled ones (unsorted: both give up), and damaged bytes.
    const sortedList = fc.array(fc.oneof(ipv4, ipv6), { maxLength: 40 }).map((list) => [...list].sort(byAddress));
    const pair = fc.tuple(sortedList, sortedList, fc.boolean(), fc.nat({ max: 3 }));
    fc.assert(
      fc.property(pair, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 2 }), ([before, after, shuffle, repeat], damage) => {
        const older = shuffle ? [...before].reverse() : [...before, ...before.slice(0, repeat)].sort(byAddress);
        const a = encode(older);
        const b = encode(after);
        for (const [at, value] of damage) if (b.length > 0) b[at % b.length] = value;
        const js = sortedEncodedDelta({ bytes: a, start: 0, end: a.length }, info(older.length), { bytes: b, start: 0, end: b.length }, info(after.length));
        // The ranges as parts of larger buffers, as a table's are.
        const padded = (bytes: Uint8Array): Uint8Array => Uint8Array.from([7, 7, 7, ...bytes, 9, 9]);
        const wasm = encodedDelta(padded(a), 3, 3 + a.length, older.length, padded(b), 3, 3 + b.length, after.length);
        expect(wasm).toEqual(js && { added: js.added.map((at) => at + 3), removed: js.removed.map((at) => at + 3) });
      }),
      { numRuns: 500, seed: 16 },
    );
  });

  it('answers alike before and after the module\'s memory grows between two merges (its views are made per buffer)', () => {
    // The memory's size now: a file's records are a view of it.
    const size = (): number => readServiceTagFile(fixtureBytes(FIXTURES.gov20251028), 0, Infinity)!.records.buffer.byteLength;
    const before = size();
    // A tag of `count` copies of one prefix, and the same with another after them: one prefix added, at the end.
    const one = encode(['10.0.0.0/8']);
    const other = encode(['11.0.0.0/8']);
    const lists = (count: number): [Uint8Array, Uint8Array] => {
      const older = new Uint8Array(count * one.length);
      for (let k = 0; k < count; k++) older.set(one, k * one.length);
      const newer = new Uint8Array(older.length + other.length);
      newer.set(older);
      newer.set(other, older.length);
      return [older, newer];
    };
    const merged = (count: number): unknown => {
      const [a, b] = lists(count);
      const js = sortedEncodedDelta({ bytes: a, start: 0, end: a.length }, info(count), { bytes: b, start: 0, end: b.length }, info(count + 1));
      expect(js).toEqual({ added: [a.length], removed: [] });
      return encodedDelta(a, 0, a.length, count, b, 0, b.length, count + 1);
    };
    expect(merged(3)).toEqual({ added: [3 * one.length], removed: [] });
    // Two lists, each as large as the whole memory was: the module grows its memory for them.
    const large = Math.ceil(before / one.length);
    expect(merged(large)).toEqual({ added: [large * one.length], removed: [] });
    expect(size()).toBeGreaterThan(before);
    expect(merged(5)).toEqual({ added: [5 * one.length], removed: [] });
  });

  it('merges the runs two versions of a tag share as diff.ts does (edits, repeats and a swap in a shared list)', () => {
    // Most of a changed tag's prefixes are in both versions, byte for byte: both versions here are one list in
    // address order with a few edits each, so the module's shared-run steps meet long runs, and where they end:
    // a prefix dropped or added, a prefix repeated (in one version or both), two neighbours swapped (out of order:
    // the merge gives up, also inside a run both share), IPv4 next to IPv6, and prefixes of 8 to 17 bytes.
    const edit = fc.tuple(fc.constantFrom('drop', 'add', 'repeat', 'swap'), fc.nat(), fc.oneof(ipv4, ipv6));
    type Edit = [string, number, string];
    const edited = (base: readonly string[], edits: readonly Edit[]): string[] => {
      const list = [...base];
      for (const [kind, at, prefix] of edits) {
        const k = list.length === 0 ? 0 : at % list.length;
        if (kind === 'drop') list.splice(k, 1);
        else if (kind === 'add') list.push(prefix), list.sort(byAddress);
        else if (kind === 'repeat' && list.length > 0) list.splice(k, 0, list[k]!);
        else if (kind === 'swap' && k + 1 < list.length) [list[k], list[k + 1]] = [list[k + 1]!, list[k]!];
      }
      return list;
    };
    // /128s that differ in their last bytes only: the module compares a prefix's first eight bytes at once.
    const near = fc.integer({ min: 0, max: 5 }).map((n) => `2001:db8::1:${n}/128`);
    const base = fc.array(fc.oneof(ipv4, ipv4, ipv6, near), { minLength: 1, maxLength: 60 }).map((list) => [...list].sort(byAddress));
    const edits = fc.array(edit, { maxLength: 3 });
    const answered = { yes: 0, no: 0 };
    fc.assert(
      fc.property(base, edits, edits, fc.boolean(), (list, older, newer, sameEdits) => {
        const before = edited(list, older);
        const after = edited(list, sameEdits ? older : newer);
        const a = encode(before);
        const b = encode(after);
        const js = sortedEncodedDelta({ bytes: a, start: 0, end: a.length }, info(before.length), { bytes: b, start: 0, end: b.length }, info(after.length));
        // Other bytes around the ranges (a prefix's masked load reads past its end), as in a table's buffer.
        const padded = (bytes: Uint8Array): Uint8Array => Uint8Array.from([7, 7, 7, ...bytes, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
        // Each list compared with itself first, the newer then the older: the module's memory then holds the newer
        // list's bytes past the end of a shorter older one, and the older's past a shorter newer one, as after
        // earlier tags (a shared run must stop where a list ends, not where the bytes stop matching).
        encodedDelta(padded(b), 3, 3 + b.length, after.length, padded(b), 3, 3 + b.length, after.length);
        encodedDelta(padded(a), 3, 3 + a.length, before.length, padded(a), 3, 3 + a.length, before.length);
        const wasm = encodedDelta(padded(a), 3, 3 + a.length, before.length, padded(b), 3, 3 + b.length, after.length);
        expect(wasm).toEqual(js && { added: js.added.map((at) => at + 3), removed: js.removed.map((at) => at + 3) });
        answered[js ? 'yes' : 'no']++;
      }),
      { numRuns: 1000, seed: 23 },
    );
    // Both outcomes drawn often: the runs' own order check is exercised, and so are their answers.
    expect(answered.yes).toBeGreaterThan(300);
    expect(answered.no).toBeGreaterThan(100);
  });
});

/** Microsoft's order: IPv4 before IPv6, then by address, then shorter first (what sortedEncodedDelta expects). */
/** A tag's prefix counts, all given as IPv4: the merge (diff.ts countOf) reads only their sum. */
function info(count: number): ServiceTagInfo {
  return { prefixCount: { ipv4: count, ipv6: 0 } } as ServiceTagInfo;
}

/** The prefixes as PrefixWriter encodes a tag's list. */
function encode(prefixes: readonly string[]): Uint8Array {
  const writer = new PrefixWriter();
  for (const p of prefixes) writer.push(p);
  return writer.finish().slice();
}

function byAddress(x: string, y: string): number {
  const key = (p: string): [number, bigint, number] => {
    const [address, length] = p.split('/') as [string, string];
    if (address.includes('.')) return [0, BigInt(address.split('.').reduce((n, o) => n * 256 + Number(o), 0)), Number(length)];
    const [head = '', tail = ''] = address.split('::');
    const groups = [...(head ? head.split(':') : []), ...Array<string>(8).fill('0')].slice(0, 8);
    const tailGroups = tail ? tail.split(':') : [];
    if (address.includes('::')) groups.splice(8 - tailGroups.length, tailGroups.length, ...tailGroups);
    return [1, groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g || '0', 16)), 0n), Number(length)];
  };
  const [fx, ax, lx] = key(x);
  const [fy, ay, ly] = key(y);
  return fx - fy || (ax < ay ? -1 : ax > ay ? 1 : 0) || lx - ly;
}
