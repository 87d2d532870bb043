/**
 * name-index.ts replaces, for a JSON file's table, a Map from each name's lower case to its position (load.ts before
 * issue 22's round 23): the index must refuse the same name lists (two alike ignoring case) and find the same
 * position for any name looked up, whatever the hashes (colliding ones included), and prefix-scan.wat's hash of a
 * name's bytes must be nameHash of its text.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanServiceTags } from './json-scan.js';
import { nameHash, NameIndex } from './name-index.js';
import { FIXTURES } from './test-fixtures.js';

/** What load.ts did: undefined for two names alike ignoring case, else a look-up of the name or its lower case. */
function reference(names: readonly string[]): ((name: string) => number | undefined) | undefined {
  const byKey = new Map<string, number>();
  names.forEach((name, i) => byKey.set(name.toLowerCase(), i));
  if (byKey.size !== names.length) return undefined;
  return (name) => byKey.get(name) ?? byKey.get(name.toLowerCase());
}

/** Valid tag names: short, over few letters, so that lists often hold names alike but for case. */
const tagName = fc.string({ unit: fc.constantFrom('a', 'A', 'k', 'K', 'z', 'Z', '0', '9', '.', '-', '_'), minLength: 1, maxLength: 4 });

/** Any name looked up: a listed one in other cases, or other text (outside ASCII too: the Kelvin sign lower-cases to k). */
function lookups(names: readonly string[]): fc.Arbitrary<string> {
  const flipped = fc.tuple(fc.constantFrom(...names), fc.array(fc.boolean(), { maxLength: 4 })).map(([name, upper]) =>
    [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join(''),
  );
  return fc.oneof(flipped, tagName, fc.constantFrom('', ' a', 'a ', '\u212a', 'A\u212a', 'k\u212a', '\u212aa', '\u0130', 'i\u0307', '\u00e9', '@', '[', '`', '{'), fc.string({ maxLength: 3 }));
}

/** Hashes to build with: the real one, or few distinct values (collisions everywhere: only the names decide). */
const hashing = fc.constantFrom<(name: string) => number>(nameHash, () => 0, (name) => name.length & 1, (name) => -name.length);

describe('NameIndex', () => {
  it('refuses and finds exactly as the lower-case Map did, whatever the hashes', () => {
    fc.assert(
      fc.property(
        fc.array(tagName, { minLength: 1, maxLength: 40 }).chain((names) => fc.tuple(fc.constant(names), fc.array(lookups(names), { maxLength: 30 }), hashing)),
        ([names, queries, hash]) => {
          const expected = reference(names);
          const index = NameIndex.of(names, Int32Array.from(names, hash), hash);
          expect(index === undefined, names.join(' ')).toBe(expected === undefined);
          if (!index || !expected) return;
          for (const name of names) expect(index.find(name)).toBe(expected(name));
          for (const name of queries) expect(index.find(name), JSON.stringify(name)).toBe(expected(name));
        },
      ),
      { numRuns: 1500, seed: 2327 },
    );
  });

  it('holds a file of Microsoft names: every name and its other cases found, others not', () => {
    for (const file of [FIXTURES.public20251028, FIXTURES.gov20260720]) {
      let bytes: Uint8Array = readFileSync(file);
      if (bytes[0] === 0x1f) bytes = gunzipSync(bytes);
      const rows = scanServiceTags(bytes)!.rows;
      const index = NameIndex.of(rows.names, rows.nameHashes)!;
      rows.names.forEach((name, i) => {
        // prefix-scan.wat's hash of the name's bytes is nameHash of its text.
        expect(rows.nameHashes[i]).toBe(nameHash(name));
        expect(index.find(name)).toBe(i);
        expect(index.find(name.toUpperCase())).toBe(i);
        expect(index.find(`${name}x`)).toBe(reference(rows.names)!(`${name}x`));
      });
    }
  });

  it('hashes as prefix-scan.wat does: FNV-1a over the characters with A-Z as a-z', () => {
    expect(nameHash('')).toBe(0x811c9dc5 | 0);
    expect(nameHash('AzureCloud')).toBe(nameHash('azurecloud'));
    expect(nameHash('a')).toBe(Math.imul((0x811c9dc5 | 0) ^ 0x61, 0x01000193));
    // Only A-Z fold: '@' and '[' (either side of them) are themselves.
    expect(nameHash('@')).not.toBe(nameHash('`'));
    expect(nameHash('[')).not.toBe(nameHash('{'));
  });
});
