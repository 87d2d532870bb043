import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonErrorOffset, jsonErrorReason, lineColumnAt, scanForError } from './json-position.js';

function v8Error(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

// Near-JSON text: valid documents cut, spliced and sprinkled with the characters JSON syntax turns on.
const nearJson = fc
  .tuple(
    fc.json({ maxDepth: 3 }),
    fc.array(fc.tuple(fc.nat(), fc.constantFrom('', '{', '}', '[', ']', ',', ':', '"', '\\', 'tru', '-', '0', '1e', '.', ' ', '\n', '\u0001')), {
      maxLength: 3,
    }),
  )
  .map(([json, edits]) => {
    let text = json;
    for (const [at, insert] of edits) {
      const i = at % (text.length + 1);
      text = text.slice(0, i) + insert + text.slice(i + (insert === '' ? 1 : 0));
    }
    return text;
  });

describe('scanForError', () => {
  it('accepts exactly what JSON.parse accepts', () => {
    fc.assert(
      fc.property(fc.oneof(nearJson, fc.string({ maxLength: 12 })), (text) => {
        expect(scanForError(text) === -1).toBe(v8Error(text) === undefined);
      }),
    );
  });

  it('finds the offset V8 reports, where V8 reports one', () => {
    fc.assert(
      fc.property(nearJson, (text) => {
        const message = v8Error(text);
        const reported = message ? /at position (\d+)/.exec(message) : null;
        if (reported) expect(scanForError(text)).toBe(Number(reported[1]));
      }),
    );
  });

  it('points at the end of truncated input and at unexpected tokens', () => {
    expect(scanForError('{"a": [1, 2')).toBe(11);
    expect(scanForError('{"a": tru }')).toBe(9);
    expect(scanForError('[1, x]')).toBe(4);
    expect(scanForError('"abc')).toBe(4);
    expect(scanForError('{"a":"\\q"}')).toBe(7);
    expect(scanForError('[' .repeat(100_000))).toBe(100_000);
  });
});

describe('lineColumnAt', () => {
  it('counts LF and CRLF line breaks as one', () => {
    expect(lineColumnAt('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
    expect(lineColumnAt('ab\r\ncd', 5)).toEqual({ line: 2, column: 2 });
    expect(lineColumnAt('', 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumnAt('abc', 99)).toEqual({ line: 1, column: 4 });
  });

  it('agrees with splitting on line breaks', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '\n', '\r', 'x') }), fc.nat(), (text, n) => {
        const offset = n % (text.length + 1);
        const before = text.slice(0, offset).split('\n');
        expect(lineColumnAt(text, offset)).toEqual({ line: before.length, column: before[before.length - 1]!.length + 1 });
      }),
    );
  });
});

describe('jsonErrorOffset / jsonErrorReason', () => {
  it('prefers V8’s position and drops it and any quoted input from the reason', () => {
    expect(jsonErrorOffset('{"a":1,}', 'Expected double-quoted property name in JSON at position 7')).toBe(7);
    expect(jsonErrorReason('Expected double-quoted property name in JSON at position 7')).toBe('Expected double-quoted property name');
    expect(jsonErrorReason('Unexpected token \' \', "{"a": tru }" is not valid JSON')).toBe("Unexpected token ' '");
    expect(jsonErrorReason('Unexpected non-whitespace character after JSON at position 3')).toBe(
      'Unexpected non-whitespace character after JSON',
    );
  });
});
