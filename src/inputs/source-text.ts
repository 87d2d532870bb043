/**
 * What the HCL and Bicep parsers share about source text: 1-based line:column of an offset, blanks and comments, and
 * the cursor both recursive-descent parsers move through a text.
 */
import { TagwallError } from '../errors.js';

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

/**
 * A recursive-descent parser's place in one text: the offset it has read to, how deep expressions nest, positions
 * and TW_INVALID_CONFIG errors at file:line:column (prefixed with the language), blanks, comments and identifiers.
 */
export abstract class SourceCursor {
  protected at = 0;
  protected depth = 0;
  readonly #lines: LineIndex;

  constructor(
    readonly text: string,
    readonly file: string,
    /** `HCL`, `Bicep`: how errors name the language. */
    private readonly language: string,
    /** The identifiers of the language (HCL's may contain `-`). */
    private readonly identifierPattern: RegExp,
  ) {
    this.#lines = new LineIndex(text);
  }

  position(offset = this.at): Position {
    return this.#lines.position(offset);
  }

  /** The offset of a line:column of this text. */
  protected offsetOf(position: Position): number {
    return this.#lines.offset(position);
  }

  error(message: string, offset = this.at): TagwallError {
    return new TagwallError('TW_INVALID_CONFIG', `${this.language}: ${message}`, { location: { file: this.file, ...this.position(offset) } });
  }

  /** Spaces and comments (`#` ones too: HCL comments, Bicep `#disable-next-line` pragmas); newlines too when `newlines`. */
  protected space(newlines: boolean): void {
    const next = skipBlank(this.text, this.at, newlines, true);
    if (next < 0) throw this.error('the comment is not closed');
    this.at = next;
  }

  protected identifier(): string | undefined {
    const match = this.identifierPattern.exec(this.text.slice(this.at, this.at + 256));
    if (!match) return undefined;
    this.at += match[0].length;
    return match[0];
  }
}
