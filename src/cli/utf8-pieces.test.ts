import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { textOf, writeUtf8, type OutputText } from './utf8-pieces.js';

describe('writeUtf8', () => {
  const written = (text: OutputText, sliceChars: number): { bytes: Buffer; pieces: number; largest: number; shared: boolean } => {
    const copies: Buffer[] = [];
    const buffers = new Set<ArrayBufferLike>();
    // Each piece copied when it is handed out: a reused buffer is rewritten by the next.
    writeUtf8(
      text,
      (piece) => {
        copies.push(Buffer.from(piece));
        buffers.add(piece.buffer);
      },
      sliceChars,
    );
    return { bytes: Buffer.concat(copies), pieces: copies.length, largest: Math.max(...copies.map((copy) => copy.length)), shared: buffers.size === 1 };
  };
  const anyText = fc.oneof(fc.string({ unit: 'binary-ascii', maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 120 }), fc.string({ unit: 'binary', maxLength: 120 }));

  it('is the UTF-8 of any text, ASCII or not, whatever the slice length', () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 1, max: 64 }), (value, sliceChars) => {
        expect(written(value, sliceChars).bytes.equals(Buffer.from(value, 'utf8'))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('is the UTF-8 of the joined text, however the text is cut into pieces', () => {
    fc.assert(
      fc.property(fc.array(anyText, { maxLength: 8 }), fc.integer({ min: 1, max: 64 }), (parts, sliceChars) => {
        const pieces: OutputText = { writeTo: (write) => parts.forEach((part) => write(part)) };
        expect(textOf(pieces)).toBe(parts.join(''));
        expect(written(pieces, sliceChars).bytes.equals(Buffer.from(parts.join(''), 'utf8'))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('writes a long text in slices of one buffer, never between the halves of a pair, and a short one whole', () => {
    const ascii = '{"dst": ["10.0.0.0/8"]}\n'.repeat(40);
    const sliced = written(ascii, 64);
    expect(sliced.pieces).toBe(Math.ceil(ascii.length / 64));
    expect(sliced.largest).toBe(64);
    expect(sliced.shared).toBe(true);
    expect(written(`${ascii}é`, 64).bytes.equals(Buffer.from(`${ascii}é`, 'utf8'))).toBe(true);
    expect(written(ascii.slice(0, 64), 64).pieces).toBe(1);
    // A pair across a slice boundary (and a slice of one unit) stays one four-byte character.
    const pairs = '\u{1F600}'.repeat(5);
    for (const sliceChars of [1, 2, 3]) expect(written(pairs, sliceChars).bytes.equals(Buffer.from(pairs, 'utf8'))).toBe(true);
  });

  it('packs short pieces into one buffer before writing', () => {
    const parts = Array.from({ length: 100 }, (_, i) => `"${i}",`);
    const packed = written({ writeTo: (write) => parts.forEach((part) => write(part)) }, 64);
    expect(packed.pieces).toBeLessThan(parts.length / 4);
    expect(packed.shared).toBe(true);
  });
});
