import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toJson } from './io.js';
import { jsonPieces } from './json-pieces.js';
import { textOf } from './utf8-pieces.js';

class Point {
  constructor(
    readonly x: number,
    readonly label: string,
  ) {}
}

/**
 * Trees of what JSON.stringify treats each its own way: primitives (non-ASCII text and lone surrogates among the
 * strings), bigints, values it leaves out (undefined, functions, symbols), toJSON methods that read their key or
 * return what is left out, getters, class instances, boxed primitives, dates, prototype-less objects, keys that look
 * like indices or `__proto__`, arrays with holes, and long runs of primitives (the writer's batches).
 */
const values = fc.letrec((tie) => ({
  primitive: fc.oneof(fc.string({ unit: 'binary' }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom(-0, 1e21, 5e-324)),
  leaf: fc.oneof(
    tie('primitive'),
    fc.bigInt(),
    fc.constantFrom<unknown>(undefined, () => 1, Symbol('s'), new Date(0), Object(3), Object('boxed'), Object(false), new Point(1, 'a…')),
  ),
  node: fc.oneof(
    { depthSize: 'small' },
    tie('leaf'),
    fc.array(tie('node'), { maxLength: 5 }),
    fc.array(tie('primitive'), { maxLength: 12 }),
    fc.array(tie('node'), { maxLength: 4 }).map((items) => {
      const holes = [...items];
      holes.length += 2;
      return holes;
    }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', '0', '10', '-1', 'toJSON')), tie('node'), { maxKeys: 5 }),
    fc.dictionary(fc.string({ maxLength: 4 }), tie('node'), { maxKeys: 3 }).map((members) => Object.assign(Object.create(null) as object, members)),
    tie('node').map((inner) => ({ toJSON: (key: string) => [key, inner] })),
    fc.constant({ toJSON: (): undefined => undefined }),
    tie('node').map((inner) => ({
      get lazy(): unknown {
        return inner;
      },
    })),
  ),
})).node;

describe('jsonPieces', () => {
  it('writes what toJson writes, for any tree and any batch size', () => {
    fc.assert(
      fc.property(values, fc.integer({ min: 1, max: 5 }), (value, batch) => {
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
