/**
 * The ARM template expression language, parsed (not pattern-matched): the text between the brackets of a JSON
 * string `"[...]"` is a function call, a single-quoted string (a quote doubled inside), an integer, or one of
 * those followed by property access (`.name`, `.?name`) and index access (`[expr]`) (Microsoft Learn, "Syntax and
 * expressions in ARM templates"). Offsets are kept so an error can point at the column in the JSON string.
 */

export type ArmExpression =
  | { readonly kind: 'string'; readonly value: string; readonly offset: number }
  | { readonly kind: 'number'; readonly value: number; readonly offset: number }
  | { readonly kind: 'literal'; readonly value: boolean | null; readonly offset: number }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly ArmExpression[]; readonly offset: number }
  | { readonly kind: 'property'; readonly target: ArmExpression; readonly name: string; readonly offset: number }
  | { readonly kind: 'index'; readonly target: ArmExpression; readonly index: ArmExpression; readonly offset: number };

/** A syntax error at `offset` in the expression text (0-based, inside the brackets). */
export class ArmSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Nesting deeper than this is refused: real templates nest a handful of calls. */
const MAX_DEPTH = 64;

class Parser {
  #at = 0;
  #depth = 0;
  constructor(readonly text: string) {}

  parse(): ArmExpression {
    const expression = this.#expression();
    this.#space();
    if (this.#at < this.text.length) throw new ArmSyntaxError(`unexpected '${this.text[this.#at]}'`, this.#at);
    return expression;
  }

  #space(): void {
    while (this.#at < this.text.length && /\s/.test(this.text[this.#at]!)) this.#at++;
  }

  #expression(): ArmExpression {
    if (++this.#depth > MAX_DEPTH) throw new ArmSyntaxError(`expressions nest more than ${MAX_DEPTH} deep`, this.#at);
    let expression = this.#primary();
    for (;;) {
      this.#space();
      const char = this.text[this.#at];
      if (char === '.') {
        const offset = this.#at++;
        if (this.text[this.#at] === '?') this.#at++; // `.?name`: safe dereference, the same here (absent is an error later)
        this.#space();
        const name = this.#identifier();
        expression = { kind: 'property', target: expression, name, offset };
      } else if (char === '[') {
        const offset = this.#at++;
        const index = this.#expression();
        this.#expect(']');
        expression = { kind: 'index', target: expression, index, offset };
      } else break;
    }
    this.#depth--;
    return expression;
  }

  #primary(): ArmExpression {
    this.#space();
    const offset = this.#at;
    const char = this.text[this.#at];
    if (char === undefined) throw new ArmSyntaxError('the expression ends early', offset);
    if (char === "'") return { kind: 'string', value: this.#string(), offset };
    if (/[-0-9]/.test(char)) {
      const match = /^-?[0-9]+/.exec(this.text.slice(this.#at));
      if (!match) throw new ArmSyntaxError(`unexpected '${char}'`, offset);
      this.#at += match[0].length;
      return { kind: 'number', value: Number(match[0]), offset };
    }
    if (/[A-Za-z_]/.test(char)) {
      let name = this.#identifier();
      this.#space();
      // A user-defined function is `namespace.name(...)`.
      if (this.text[this.#at] === '.' && /^\.\s*[A-Za-z_][A-Za-z0-9_]*\s*\(/.test(this.text.slice(this.#at))) {
        this.#at++;
        this.#space();
        name = `${name}.${this.#identifier()}`;
        this.#space();
      }
      if (this.text[this.#at] !== '(') {
        const lower = name.toLowerCase();
        if (lower === 'true' || lower === 'false') return { kind: 'literal', value: lower === 'true', offset };
        if (lower === 'null') return { kind: 'literal', value: null, offset };
        throw new ArmSyntaxError(`'${name}' is not a function call (expected '(' after it)`, this.#at);
      }
      this.#at++;
      const args: ArmExpression[] = [];
      this.#space();
      if (this.text[this.#at] === ')') this.#at++;
      else {
        for (;;) {
          args.push(this.#expression());
          this.#space();
          const next = this.text[this.#at];
          if (next === ',') {
            this.#at++;
            continue;
          }
          if (next === ')') {
            this.#at++;
            break;
          }
          throw new ArmSyntaxError(next === undefined ? `'${name}(' is not closed` : `expected ',' or ')' in the arguments of ${name}, not '${next}'`, this.#at);
        }
      }
      return { kind: 'call', name, args, offset };
    }
    throw new ArmSyntaxError(`unexpected '${char}'`, offset);
  }

  #identifier(): string {
    const match = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(this.text.slice(this.#at));
    if (!match) throw new ArmSyntaxError('expected a name', this.#at);
    this.#at += match[0].length;
    return match[0];
  }

  /** `'...'` with `''` for a quote. */
  #string(): string {
    const start = this.#at++;
    let value = '';
    for (;;) {
      const char = this.text[this.#at];
      if (char === undefined) throw new ArmSyntaxError('the string is not closed', start);
      this.#at++;
      if (char === "'") {
        if (this.text[this.#at] === "'") {
          value += "'";
          this.#at++;
          continue;
        }
        return value;
      }
      value += char;
    }
  }

  #expect(char: string): void {
    this.#space();
    if (this.text[this.#at] !== char) throw new ArmSyntaxError(`expected '${char}'`, this.#at);
    this.#at++;
  }
}

/** Parses the text between the outer brackets of an ARM expression string. */
export function parseArmExpression(text: string): ArmExpression {
  return new Parser(text).parse();
}
