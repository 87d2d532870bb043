import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8Pieces } from './utf8-pieces.js';

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
