/** What the HCL and Bicep parsers share about source text: 1-based line:column of an offset, and blanks and comments. */

export interface Position {
  readonly line: number;
  readonly column: number;
}

/** Line starts of a text, so an offset becomes a line and column in O(log lines). */
export class LineIndex {
  readonly #starts: number[] = [0];

  constructor(text: string) {
    for (let index = 0; index < text.length; index++) if (text[index] === '\n') this.#starts.push(index + 1);
  }

  position(offset: number): Position {
    let low = 0;
    let high = this.#starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.#starts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - this.#starts[low]! + 1 };
  }

  offset(position: Position): number {
    return this.#starts[position.line - 1]! + position.column - 1;
  }
}

/**
 * The offset after the blanks and comments at `at`: `//` and `/* *\/` (and `#` when `hash`, HCL); newlines too when
 * `newlines`. A line comment stops before its newline, which may end a statement. -1 when a block comment is open.
 */
export function skipBlank(text: string, at: number, newlines: boolean, hash: boolean): number {
  let index = at;
  for (;;) {
    const char = text[index];
    if (char === ' ' || char === '\t' || char === '\r' || (newlines && char === '\n')) index++;
    else if ((hash && char === '#') || (char === '/' && text[index + 1] === '/')) {
      while (index < text.length && text[index] !== '\n') index++;
    } else if (char === '/' && text[index + 1] === '*') {
      const end = text.indexOf('*/', index + 2);
      if (end < 0) return -1;
      index = end + 2;
    } else return index;
  }
}
