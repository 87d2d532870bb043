import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { duplicateJsonKey } from './json-keys.js';

describe('duplicateJsonKey', () => {
  it('finds a key given twice in one object, compared after unescaping, and only there', () => {
    expect(duplicateJsonKey('{"a": 1, "b": {"a": 2}, "c": [{"a": 3}, {"a": 4}]}')).toBeUndefined();
    expect(duplicateJsonKey('{"a": 1, "b": 2, "a": 3}')).toEqual({ key: 'a', offset: 17 });
    expect(duplicateJsonKey('{"a": 1, "\\u0061": 2}')).toEqual({ key: 'a', offset: 9 });
    // Values that look like keys are not keys.
    expect(duplicateJsonKey('{"a": "a", "b": ["a", "a"]}')).toBeUndefined();
  });

  it('agrees with JSON.parse on what a key is (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 6 }), fc.nat(), (object, pick) => {
        const text = JSON.stringify(object);
        expect(duplicateJsonKey(text)).toBeUndefined();
        const keys = Object.keys(object);
        if (keys.length === 0) return;
        const key = keys[pick % keys.length]!;
        const doubled = `${text.slice(0, -1)},${JSON.stringify(key)}:null}`;
        expect(duplicateJsonKey(doubled)?.key).toBe(key);
      }),
    );
  });
});
