import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toJson, utf8Pieces } from './io.js';

/** What toJson wrote before its fast path: every value through the bigint replacer. */
function reference(value: unknown): string {
  return `${JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`;
}

/** JSON-like trees with bigints among the leaves, and objects with toJSON and getters as answers have them. */
const values = fc.letrec((tie) => ({
  leaf: fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.bigInt()),
  node: fc.oneof(
    { depthSize: 'small' },
    tie('leaf'),
    fc.array(tie('node'), { maxLength: 5 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('node'), { maxKeys: 5 }),
    tie('node').map((inner) => ({ toJSON: () => inner })),
    tie('node').map((inner) => ({
      get lazy(): unknown {
        return inner;
      },
    })),
  ),
})).node;

describe('toJson', () => {
  it('writes what the bigint replacer wrote, for any tree with or without bigints', () => {
    fc.assert(
      fc.property(values, (value) => {
        expect(toJson(value)).toBe(reference(value));
      }),
      { numRuns: 500 },
    );
  });

  it('writes a bigint anywhere in the tree as its decimal string', () => {
    expect(toJson({ size: 2n ** 100n, list: [1, 3n] })).toBe('{\n  "size": "1267650600228229401496703205376",\n  "list": [\n    1,\n    "3"\n  ]\n}\n');
  });

  it('still throws on a cycle, as JSON.stringify does', () => {
    const cycle: { self?: unknown } = {};
    cycle.self = cycle;
    expect(() => toJson(cycle)).toThrow(TypeError);
  });
});

describe('utf8Pieces', () => {
  const joined = (text: string, sliceChars: number): { bytes: Buffer; pieces: number; largest: number } => {
    const copies: Buffer[] = [];
    // Each piece copied before the next is asked for: a reused buffer is rewritten by then.
    for (const piece of utf8Pieces(text, sliceChars)) copies.push(Buffer.from(piece));
    return { bytes: Buffer.concat(copies), pieces: copies.length, largest: Math.max(...copies.map((copy) => copy.length)) };
  };

  it('is the UTF-8 of any text, ASCII or not, whatever the slice length', () => {
    const text = fc.oneof(fc.string({ unit: 'binary-ascii', maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 120 }), fc.string({ unit: 'binary', maxLength: 120 }));
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 64 }), (value, sliceChars) => {
        expect(joined(value, sliceChars).bytes.equals(Buffer.from(value, 'utf8'))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('writes a long text in slices of one buffer, never between the halves of a pair, and a short one whole', () => {
    const ascii = '{"dst": ["10.0.0.0/8"]}\n'.repeat(40);
    const sliced = joined(ascii, 64);
    expect(sliced.pieces).toBe(Math.ceil(ascii.length / 64));
    expect(sliced.largest).toBe(64);
    const pieces = [...utf8Pieces(`${ascii}é`, 64)];
    expect(pieces.length).toBe(Math.ceil((ascii.length + 1) / 64));
    expect(pieces.every((piece) => piece.buffer === pieces[0]!.buffer)).toBe(true);
    expect(joined(ascii.slice(0, 64), 64).pieces).toBe(1);
    // A pair across a slice boundary (and a slice of one unit) stays one four-byte character.
    const pairs = '\u{1F600}'.repeat(5);
    for (const sliceChars of [1, 2, 3]) expect(joined(pairs, sliceChars).bytes.equals(Buffer.from(pairs, 'utf8'))).toBe(true);
  });
});
