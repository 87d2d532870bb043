/**
 * Where JSON text goes wrong, as line and column. V8 reports a character offset for most syntax errors
 * ("... in JSON at position 7") but not for an unexpected token ("Unexpected token ' ', "..." is not valid
 * JSON") nor for input that ends early; for those a small scanner finds the offset itself.
 */

/** 1-based line and column of `offset` in `text`; a CRLF counts as one line break. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  const clamped = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < clamped; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: clamped - lineStart + 1 };
}

/** The offset V8 names in a JSON.parse error message, else the first offset the scanner rejects. */
export function jsonErrorOffset(text: string, message: string): number {
  const reported = /at position (\d+)/.exec(message);
  if (reported) return Number(reported[1]);
  return scanForError(text);
}

/** V8's reason without the offset and without the copy of the input it sometimes quotes. */
export function jsonErrorReason(message: string): string {
  return message
    .replace(/ (?:in JSON )?at position \d+.*$/s, '')
    .replace(/, ".*" is not valid JSON$/s, '')
    .replace(/ \(line \d+ column \d+\)$/, '');
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * Offset of the first character that cannot continue a JSON text (`text.length` when it ends too early), or
 * -1 when the text is valid. Iterative, so deeply nested input cannot overflow the stack.
 */
export function scanForError(text: string): number {
  let i = 0;
  const closers: number[] = []; // ']' or '}' expected, innermost last
  const skipSpace = (): void => {
    while (i < text.length && WHITESPACE.has(text.charCodeAt(i))) i++;
  };
  // true: a value must come next; false: one just ended, so ',' or the closer follows (or the end, at top level).
  let expectValue = true;
  while (true) {
    skipSpace();
    if (expectValue) {
      if (i >= text.length) return text.length;
      const c = text[i]!;
      if (c === '{' || c === '[') {
        const closer = c === '{' ? '}' : ']';
        i++;
        skipSpace();
        if (text[i] === closer) {
          i++;
          expectValue = false;
          continue;
        }
        closers.push(closer.charCodeAt(0));
        if (c === '{') {
          const keyError = scanKey();
          if (keyError >= 0) return keyError;
        }
        continue;
      }
      const end = scanScalar(text, i);
      if (end < 0) return end === -1 ? i : -end - 2;
      i = end;
      expectValue = false;
      continue;
    }
    if (closers.length === 0) return i >= text.length ? -1 : i;
    if (i >= text.length) return text.length;
    const c = text.charCodeAt(i);
    const closer = closers[closers.length - 1]!;
    if (c === closer) {
      closers.pop();
      i++;
      continue;
    }
    if (c !== 0x2c /* , */) return i;
    i++;
    if (closer === 0x7d) {
      skipSpace();
      const keyError = scanKey();
      if (keyError >= 0) return keyError;
    }
    expectValue = true;
  }

  // `"key" :` at i; leaves i after the colon. Returns an error offset or -1.
  function scanKey(): number {
    if (i >= text.length) return text.length;
    if (text[i] !== '"') return i;
    const end = scanScalar(text, i);
    if (end < 0) return end === -1 ? i : -end - 2;
    i = end;
    skipSpace();
    if (i >= text.length) return text.length;
    if (text[i] !== ':') return i;
    i++;
    expectValue = true;
    return -1;
  }
}

/**
 * End offset of the string, number or literal starting at `start`; -1 when nothing valid starts there, or
 * `-(offset + 2)` naming the offset inside it that is wrong.
 */
function scanScalar(text: string, start: number): number {
  const c = text[start];
  if (c === '"') {
    let i = start + 1;
    while (i < text.length) {
      const code = text.charCodeAt(i);
      if (code === 0x22) return i + 1;
      if (code < 0x20) return -(i + 2);
      if (code === 0x5c) {
        const next = text[i + 1];
        if (next === undefined) return -(text.length + 2);
        if (next === 'u') {
          for (let k = 2; k < 6; k++) {
            if (i + k >= text.length) return -(text.length + 2);
            if (!/[0-9a-fA-F]/.test(text[i + k]!)) return -(i + k + 2);
          }
          i += 6;
          continue;
        }
        if (!'"\\/bfnrt'.includes(next)) return -(i + 1 + 2);
        i += 2;
        continue;
      }
      i++;
    }
    return -(text.length + 2);
  }
  for (const literal of ['true', 'false', 'null']) {
    if (c === literal[0]) {
      for (let k = 1; k < literal.length; k++) {
        if (start + k >= text.length) return -(text.length + 2);
        if (text[start + k] !== literal[k]) return -(start + k + 2);
      }
      return start + literal.length;
    }
  }
  if (c === '-' || isDigit(text, start)) return scanNumber(text, start);
  return -1;
}

function isDigit(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  return code >= 0x30 && code <= 0x39;
}

/** As scanScalar, for a number: the error is the first character the number grammar cannot take. */
function scanNumber(text: string, start: number): number {
  let i = start;
  const digits = (): boolean => {
    if (!isDigit(text, i)) return false;
    while (isDigit(text, i)) i++;
    return true;
  };
  if (text[i] === '-') i++;
  if (text[i] === '0') i++;
  else if (!digits()) return -(i + 2);
  if (text[i] === '.') {
    i++;
    if (!digits()) return -(i + 2);
  }
  if (text[i] === 'e' || text[i] === 'E') {
    i++;
    if (text[i] === '+' || text[i] === '-') i++;
    if (!digits()) return -(i + 2);
  }
  return i;
}
