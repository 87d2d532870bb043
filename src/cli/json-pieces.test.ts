import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toJson } from './io.js';
import { jsonPieces } from './json-pieces.js';
import { textOf } from './utf8-pieces.js';
import { jsonTrees } from './json-test-trees.js';


describe('jsonPieces', () => {
  it('writes what toJson writes, for any tree and any batch size', () => {
    fc.assert(
      fc.property(jsonTrees, fc.integer({ min: 1, max: 5 }), (value, batch) => {
        expect(textOf(jsonPieces(value, batch))).toBe(toJson(value));
      }),
      { numRuns: 1000 },
    );
  });

  it('indents primitive lists at any depth as JSON.stringify does (it indents by at most 10 a level)', () => {
    const primitive = fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null));
    const wrappers = fc.array(fc.constantFrom<'object' | 'array'>('object', 'array'), { maxLength: 16 });
    fc.assert(
      fc.property(fc.array(primitive, { maxLength: 9 }), wrappers, fc.integer({ min: 1, max: 4 }), (list, around, batch) => {
        const value = around.reduce<unknown>((inner, kind) => (kind === 'object' ? { k: inner, n: 1 } : [0, inner]), list);
        expect(textOf(jsonPieces(value, batch))).toBe(toJson(value));
      }),
      { numRuns: 500 },
    );
  });

  it('writes a long list in several pieces, none of them the whole text', () => {
    const cidrs = Array.from({ length: 50_000 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`);
    const answer = { summary: 'missing 1 box …(50000 items)', boxes: [{ dst: cidrs }, { dst: cidrs.slice(0, 3) }] };
    const pieces: string[] = [];
    jsonPieces(answer).writeTo((piece) => pieces.push(piece));
    expect(pieces.join('')).toBe(toJson(answer));
    expect(pieces.length).toBeGreaterThan(10);
    expect(Math.max(...pieces.map((piece) => piece.length))).toBeLessThan(toJson(answer).length / 5);
  });

  it('throws on a cycle, as JSON.stringify does, before writing anything', () => {
    const cycle: { list: unknown[] } = { list: [] };
    cycle.list.push({ back: cycle });
    const pieces: string[] = [];
    expect(() => jsonPieces(cycle).writeTo((piece) => pieces.push(piece))).toThrow(TypeError);
    expect(pieces).toEqual([]);
  });
});
