import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toJson } from './io.js';
import { jsonTrees } from './json-test-trees.js';

/** What toJson wrote before its fast path: every value through the bigint replacer. */
function reference(value: unknown): string {
  return `${JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`;
}

describe('toJson', () => {
  it('writes what the bigint replacer wrote, for any tree with or without bigints', () => {
    fc.assert(
      fc.property(jsonTrees, (value) => {
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
