import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonStringUtf8Length, jsonUtf8Length } from './json-size.js';

const stringified = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');

/** Code units JSON escapes or writes as several bytes, lone and paired surrogates included. */
const TRICKY = ['"', '\\', '\b', '\t', '\n', '\f', '\r', '\u0000', '\u001f', '\u007f', '\u0080', '\u07ff', '\u0800', '\uffff', '\ud800', '\udbff', '\udc00', '\udfff', '\ud83d\ude00', '\u2028', '[', ']', 'é', '€'];
const text = fc.array(fc.oneof(fc.constantFrom(...TRICKY), fc.string({ unit: 'binary', maxLength: 4 }), fc.string({ unit: 'grapheme', maxLength: 3 })), { maxLength: 20 }).map((parts) => parts.join(''));

const value = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.array(tie('value'), { maxLength: 6 }),
    fc.dictionary(text, tie('value'), { maxKeys: 6 }),
  ),
})).value;

describe('jsonUtf8Length', () => {
  it('is the UTF-8 size of JSON.stringify for strings with escapes, controls, unicode and lone surrogates', () => {
    fc.assert(fc.property(text, (t) => jsonStringUtf8Length(t) === stringified(t)), { numRuns: 2000 });
  });

  it('is the UTF-8 size of JSON.stringify for random documents (nested, empty, undefined members, -0, NaN)', () => {
    fc.assert(fc.property(value, (v) => jsonUtf8Length(v) === stringified(v)), { numRuns: 2000 });
  });

  it('measures the edge cases JSON.stringify writes specially', () => {
    const odd: unknown[] = [[], {}, '', -0, 1e21, 5e-7, Number.NaN, Number.POSITIVE_INFINITY, [undefined, () => 1, Symbol('s')], { a: undefined, b: () => 1 }, { toJSON: () => 'x' }, new Date(0), [, 1], Object.create(null), { 2: 'a', 1: 'b', x: 'c' }];
    for (const v of odd) expect(jsonUtf8Length(v)).toBe(stringified(v));
  });
});
