/**
 * A recursive-descent parser for HCL2 native syntax as Terraform uses it (github.com/hashicorp/hcl, hclsyntax
 * spec.md): bodies of attributes and blocks, `#` `//` `/* *\/` comments, literals, quoted templates with `${}`
 * interpolation, heredocs (`<<EOT`, `<<-EOT`), tuples, objects, traversals (`a.b[0]`, splats), function calls,
 * unary/binary/conditional operators and `for` expressions. Every node keeps its line and column. Template
 * directives (`%{if}`, `%{for}`) are refused with their position: they are not static values.
 */
import { TagwallError } from '../../errors.js';
import { checkSize, INPUT_LIMITS, stripBom } from '../../internal/input-limits.js';
import { SourceCursor, type Position } from '../source-text.js';

export type { Position } from '../source-text.js';

export type HclTraversalStep = { readonly kind: 'attr'; readonly name: string } | { readonly kind: 'index'; readonly key: HclExpression };

export type HclExpression = { readonly pos: Position } & (
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null }
  | { readonly kind: 'template'; readonly parts: ReadonlyArray<string | HclExpression> }
  | { readonly kind: 'tuple'; readonly items: readonly HclExpression[] }
  | { readonly kind: 'object'; readonly items: ReadonlyArray<{ readonly key: HclExpression; readonly value: HclExpression }> }
  | { readonly kind: 'variable'; readonly name: string }
  | { readonly kind: 'traversal'; readonly target: HclExpression; readonly step: HclTraversalStep }
  | { readonly kind: 'splat'; readonly target: HclExpression; readonly steps: readonly HclTraversalStep[] }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly HclExpression[]; readonly expand: boolean }
  | { readonly kind: 'unary'; readonly op: '-' | '!'; readonly operand: HclExpression }
  | { readonly kind: 'binary'; readonly op: string; readonly left: HclExpression; readonly right: HclExpression }
  | { readonly kind: 'conditional'; readonly condition: HclExpression; readonly then: HclExpression; readonly otherwise: HclExpression }
  | {
      readonly kind: 'for';
      readonly keyVar: string | undefined;
      readonly valueVar: string;
      readonly collection: HclExpression;
      readonly keyExpr: HclExpression | undefined;
      readonly valueExpr: HclExpression;
      readonly condition: HclExpression | undefined;
      readonly grouping: boolean;
    }
);

export interface HclAttribute {
  readonly kind: 'attribute';
  readonly name: string;
  readonly value: HclExpression;
  readonly pos: Position;
}
export interface HclBlock {
  readonly kind: 'block';
  readonly type: string;
  readonly labels: readonly string[];
  readonly body: HclBody;
  readonly pos: Position;
}
export interface HclBody {
  readonly items: ReadonlyArray<HclAttribute | HclBlock>;
}

const BINARY_LEVELS: readonly (readonly string[])[] = [['||'], ['&&'], ['==', '!='], ['<=', '>=', '<', '>'], ['+', '-'], ['*', '/', '%']];
const MAX_DEPTH = 128;

class HclParser extends SourceCursor {
  constructor(text: string, file: string) {
    super(text, file, 'HCL', /^[A-Za-z_][A-Za-z0-9_-]*/);
  }

  #peek(length = 1): string {
    return this.text.slice(this.at, this.at + length);
  }

  parseFile(): HclBody {
    const body = this.#body(true);
    if (this.at < this.text.length) throw this.error(`unexpected '${this.text[this.at]}'`);
    return body;
  }

  #body(top: boolean): HclBody {
    const items: Array<HclAttribute | HclBlock> = [];
    for (;;) {
      this.space(true);
      if (this.at >= this.text.length) {
        if (!top) throw this.error("a block is not closed (missing '}')");
        return { items };
      }
      if (this.text[this.at] === '}') {
        if (top) throw this.error("unexpected '}'");
        return { items };
      }
      items.push(this.#item());
    }
  }

  #item(): HclAttribute | HclBlock {
    const start = this.at;
    const pos = this.position();
    const name = this.identifier();
    if (name === undefined) throw this.error(`expected an attribute or a block, not '${this.text[this.at]}'`);
    this.space(false);
    if (this.text[this.at] === '=' && this.text[this.at + 1] !== '=') {
      this.at++;
      const value = this.#expression(false);
      this.#endOfItem();
      return { kind: 'attribute', name, value, pos };
    }
    const labels: string[] = [];
    for (;;) {
      this.space(false);
      const char = this.text[this.at];
      if (char === '"') {
        const label = this.#template('"');
        if (label.kind !== 'template' || label.parts.some((part) => typeof part !== 'string')) throw this.error('a block label cannot interpolate', label.pos.column);
        labels.push(label.parts.join(''));
      } else if (char === '{') break;
      else {
        const label = this.identifier();
        if (label === undefined) throw this.error(`expected '=' or a block after '${name}'`, this.at === start ? start : this.at);
        labels.push(label);
      }
    }
    this.at++;
    this.space(false);
    // A one-line block: `name { attr = value }`.
    if (this.text[this.at] !== '\n' && this.text[this.at] !== '}' && this.at < this.text.length) {
      const inner = this.#item();
      this.space(false);
      if (this.text[this.at] !== '}') throw this.error("a one-line block holds one attribute and ends with '}'");
      this.at++;
      this.#endOfItem();
      return { kind: 'block', type: name, labels, body: { items: [inner] }, pos };
    }
    const body = this.#body(false);
    this.at++;
    this.#endOfItem();
    return { kind: 'block', type: name, labels, body, pos };
  }

  #endOfItem(): void {
    this.space(false);
    const char = this.text[this.at];
    if (char === undefined || char === '\n' || char === '}') {
      if (char === '\n') this.at++;
      return;
    }
    throw this.error(`expected a new line, not '${char}'`);
  }

  #expression(newlines: boolean): HclExpression {
    if (++this.depth > MAX_DEPTH) throw this.error(`expressions nest more than ${MAX_DEPTH} deep`);
    const condition = this.#binary(0, newlines);
    this.space(newlines);
    let result = condition;
    if (this.text[this.at] === '?') {
      this.at++;
      const then = this.#expression(newlines);
      this.space(newlines);
      if (this.text[this.at] !== ':') throw this.error("expected ':' in a conditional");
      this.at++;
      const otherwise = this.#expression(newlines);
      result = { kind: 'conditional', condition, then, otherwise, pos: condition.pos };
    }
    this.depth--;
    return result;
  }

  #binary(level: number, newlines: boolean): HclExpression {
    if (level >= BINARY_LEVELS.length) return this.#unary(newlines);
    let left = this.#binary(level + 1, newlines);
    for (;;) {
      this.space(newlines);
      const op = BINARY_LEVELS[level]!.find((candidate) => this.#peek(candidate.length) === candidate && !(candidate === '<' && this.#peek(2) === '<<') && !(candidate === '>' && this.#peek(2) === '=>'));
      if (op === undefined) return left;
      this.at += op.length;
      const right = this.#binary(level + 1, newlines);
      left = { kind: 'binary', op, left, right, pos: left.pos };
    }
  }

  #unary(newlines: boolean): HclExpression {
    this.space(newlines);
    const char = this.text[this.at];
    if (char === '-' || char === '!') {
      const pos = this.position();
      this.at++;
      return { kind: 'unary', op: char, operand: this.#unary(newlines), pos };
    }
    return this.#postfix(this.#primary(newlines), newlines);
  }

  #postfix(target: HclExpression, newlines: boolean): HclExpression {
    let expression = target;
    for (;;) {
      // Traversals bind tightly: no newline before them (they would be the next item).
      this.space(false);
      const char = this.text[this.at];
      if (char === '.') {
        this.at++;
        if (this.text[this.at] === '*') {
          this.at++;
          expression = { kind: 'splat', target: expression, steps: this.#splatSteps(), pos: expression.pos };
          continue;
        }
        const number = /^\d+/.exec(this.text.slice(this.at));
        if (number) {
          this.at += number[0].length;
          expression = { kind: 'traversal', target: expression, step: { kind: 'index', key: { kind: 'literal', value: Number(number[0]), pos: this.position() } }, pos: expression.pos };
          continue;
        }
        const name = this.identifier();
        if (name === undefined) throw this.error("expected a name after '.'");
        expression = { kind: 'traversal', target: expression, step: { kind: 'attr', name }, pos: expression.pos };
      } else if (char === '[') {
        this.at++;
        this.space(true);
        if (this.text[this.at] === '*') {
          this.at++;
          this.space(true);
          if (this.text[this.at] !== ']') throw this.error("expected ']' after '[*'");
          this.at++;
          expression = { kind: 'splat', target: expression, steps: this.#splatSteps(), pos: expression.pos };
          continue;
        }
        const key = this.#expression(true);
        this.space(true);
        if (this.text[this.at] !== ']') throw this.error("expected ']'");
        this.at++;
        expression = { kind: 'traversal', target: expression, step: { kind: 'index', key }, pos: expression.pos };
      } else return expression;
      void newlines;
    }
  }

  #splatSteps(): HclTraversalStep[] {
    const steps: HclTraversalStep[] = [];
    for (;;) {
      if (this.text[this.at] === '.' && /[A-Za-z_]/.test(this.text[this.at + 1] ?? '')) {
        this.at++;
        steps.push({ kind: 'attr', name: this.identifier()! });
      } else if (this.text[this.at] === '[' && this.text[this.at + 1] !== '*') {
        this.at++;
        const key = this.#expression(true);
        this.space(true);
        if (this.text[this.at] !== ']') throw this.error("expected ']'");
        this.at++;
        steps.push({ kind: 'index', key });
      } else return steps;
    }
  }

  #primary(newlines: boolean): HclExpression {
    this.space(newlines);
    const pos = this.position();
    const char = this.text[this.at];
    if (char === undefined) throw this.error('the expression ends early');
    if (char === '"') return this.#template('"');
    if (char === '<' && this.#peek(2) === '<<') return this.#heredoc();
    if (/[0-9]/.test(char)) {
      const match = /^[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(this.text.slice(this.at, this.at + 64))!;
      this.at += match[0].length;
      return { kind: 'literal', value: Number(match[0]), pos };
    }
    if (char === '(') {
      this.at++;
      const inner = this.#expression(true);
      this.space(true);
      if (this.text[this.at] !== ')') throw this.error("expected ')'");
      this.at++;
      return inner;
    }
    if (char === '[') return this.#tuple(pos);
    if (char === '{') return this.#object(pos);
    const name = this.identifier();
    if (name === undefined) throw this.error(`unexpected '${char}'`);
    if (name === 'true' || name === 'false') return { kind: 'literal', value: name === 'true', pos };
    if (name === 'null') return { kind: 'literal', value: null, pos };
    let callee = name;
    // Provider functions: `provider::name::function(...)`.
    while (this.#peek(2) === '::') {
      this.at += 2;
      callee += `::${this.identifier() ?? ''}`;
    }
    this.space(false);
    if (this.text[this.at] === '(') {
      this.at++;
      const args: HclExpression[] = [];
      let expand = false;
      for (;;) {
        this.space(true);
        if (this.text[this.at] === ')') {
          this.at++;
          break;
        }
        args.push(this.#expression(true));
        this.space(true);
        if (this.#peek(3) === '...') {
          expand = true;
          this.at += 3;
          this.space(true);
        }
        if (this.text[this.at] === ',') this.at++;
        else if (this.text[this.at] !== ')') throw this.error(`expected ',' or ')' in the call of ${callee}`);
      }
      return { kind: 'call', name: callee, args, expand, pos };
    }
    return { kind: 'variable', name, pos };
  }

  #tuple(pos: Position): HclExpression {
    this.at++;
    this.space(true);
    if (this.#isFor()) return this.#for(pos, false);
    const items: HclExpression[] = [];
    for (;;) {
      this.space(true);
      if (this.text[this.at] === ']') {
        this.at++;
        return { kind: 'tuple', items, pos };
      }
      items.push(this.#expression(true));
      this.space(true);
      if (this.text[this.at] === ',') this.at++;
      else if (this.text[this.at] !== ']') throw this.error("expected ',' or ']' in a list");
    }
  }

  #object(pos: Position): HclExpression {
    this.at++;
    this.space(true);
    if (this.#isFor()) return this.#for(pos, true);
    const items: Array<{ key: HclExpression; value: HclExpression }> = [];
    for (;;) {
      this.space(true);
      if (this.text[this.at] === '}') {
        this.at++;
        return { kind: 'object', items, pos };
      }
      const key = this.#expression(false);
      this.space(false);
      if (this.text[this.at] !== '=' && this.text[this.at] !== ':') throw this.error("expected '=' or ':' after an object key");
      this.at++;
      const value = this.#expression(false);
      items.push({ key, value });
      this.space(false);
      const char = this.text[this.at];
      if (char === ',' || char === '\n') this.at++;
      else if (char !== '}') throw this.error("expected ',', a new line or '}' in an object");
    }
  }

  #isFor(): boolean {
    return /^for\s/.test(this.text.slice(this.at, this.at + 4));
  }

  #for(pos: Position, object: boolean): HclExpression {
    this.at += 3;
    this.space(true);
    const first = this.identifier();
    if (first === undefined) throw this.error("expected a name after 'for'");
    this.space(true);
    let second: string | undefined;
    if (this.text[this.at] === ',') {
      this.at++;
      this.space(true);
      second = this.identifier();
      if (second === undefined) throw this.error("expected a name after ','");
      this.space(true);
    }
    if (this.identifier() !== 'in') throw this.error("expected 'in'");
    const collection = this.#expression(true);
    this.space(true);
    if (this.text[this.at] !== ':') throw this.error("expected ':' in a for expression");
    this.at++;
    let keyExpr: HclExpression | undefined;
    let valueExpr = this.#expression(true);
    this.space(true);
    if (object) {
      if (this.#peek(2) !== '=>') throw this.error("expected '=>' in an object for expression");
      this.at += 2;
      keyExpr = valueExpr;
      valueExpr = this.#expression(true);
      this.space(true);
    }
    let grouping = false;
    if (this.#peek(3) === '...') {
      grouping = true;
      this.at += 3;
      this.space(true);
    }
    let condition: HclExpression | undefined;
    if (/^if\s/.test(this.text.slice(this.at, this.at + 3))) {
      this.at += 2;
      condition = this.#expression(true);
      this.space(true);
    }
    const close = object ? '}' : ']';
    if (this.text[this.at] !== close) throw this.error(`expected '${close}' to end the for expression`);
    this.at++;
    return { kind: 'for', keyVar: second === undefined ? undefined : first, valueVar: second ?? first, collection, keyExpr, valueExpr, condition, grouping, pos };
  }

  /** A quoted template: the opening quote is at the cursor. */
  #template(quote: '"'): HclExpression & { kind: 'template' } {
    const pos = this.position();
    this.at++;
    const parts: Array<string | HclExpression> = [];
    let literal = '';
    for (;;) {
      const char = this.text[this.at];
      if (char === undefined || char === '\n') throw this.error('the string is not closed', this.#lineStartOf(pos));
      if (char === quote) {
        this.at++;
        break;
      }
      if (char === '\\') {
        literal += this.#escape();
        continue;
      }
      if ((char === '$' || char === '%') && this.text[this.at + 1] === char && this.text[this.at + 2] === '{') {
        literal += `${char}{`;
        this.at += 3;
        continue;
      }
      if ((char === '$' || char === '%') && this.text[this.at + 1] === '{') {
        if (literal) parts.push(literal);
        literal = '';
        parts.push(this.#interpolation(char));
        continue;
      }
      literal += char;
      this.at++;
    }
    if (literal || parts.length === 0) parts.push(literal);
    return { kind: 'template', parts, pos };
  }

  #lineStartOf(pos: Position): number {
    return this.offsetOf(pos);
  }

  #interpolation(sigil: string): HclExpression {
    const start = this.at;
    if (sigil === '%') throw this.error('template directives (%{ ... }) are not static values; tagwall reads literal values', start);
    this.at += 2;
    if (this.text[this.at] === '~') this.at++;
    const inner = this.#expression(true);
    this.space(true);
    if (this.text[this.at] === '~') this.at++;
    if (this.text[this.at] !== '}') throw this.error("expected '}' to end the interpolation");
    this.at++;
    return inner;
  }

  #escape(): string {
    const next = this.text[this.at + 1];
    const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };
    if (next !== undefined && simple[next] !== undefined) {
      this.at += 2;
      return simple[next]!;
    }
    const hex = next === 'u' ? /^[0-9a-fA-F]{4}/.exec(this.text.slice(this.at + 2)) : next === 'U' ? /^[0-9a-fA-F]{8}/.exec(this.text.slice(this.at + 2)) : null;
    if (hex) {
      const code = parseInt(hex[0], 16);
      if (code > 0x10ffff) throw this.error('the escape is not a Unicode character');
      this.at += 2 + hex[0].length;
      return String.fromCodePoint(code);
    }
    throw this.error(`unknown escape '\\${next ?? ''}'`);
  }

  #heredoc(): HclExpression {
    const pos = this.position();
    const match = /^<<(-?)([A-Za-z_][A-Za-z0-9_-]*)\r?\n/.exec(this.text.slice(this.at, this.at + 300));
    if (!match) throw this.error("a heredoc starts with '<<MARKER' and a new line");
    this.at += match[0].length;
    const indented = match[1] === '-';
    const lines: string[] = [];
    for (;;) {
      if (this.at >= this.text.length) throw this.error(`the heredoc is not closed by '${match[2]}'`, this.#lineStartOf(pos));
      const end = this.text.indexOf('\n', this.at);
      const line = this.text.slice(this.at, end < 0 ? this.text.length : end).replace(/\r$/, '');
      this.at = end < 0 ? this.text.length : end + 1;
      if (line.trim() === match[2]) {
        if (end >= 0) this.at--; // leave the newline to end the attribute
        break;
      }
      lines.push(line);
    }
    let body = lines;
    if (indented) {
      const widths = lines.filter((line) => line.trim() !== '').map((line) => /^[ \t]*/.exec(line)![0].length);
      const strip = widths.length ? Math.min(...widths) : 0;
      body = lines.map((line) => line.slice(Math.min(strip, /^[ \t]*/.exec(line)![0].length)));
    }
    const text = body.map((line) => `${line}\n`).join('');
    // The heredoc's content is a template too: parse its interpolations with a parser over the text alone.
    if (!/[$%]\{/.test(text)) return { kind: 'template', parts: [text], pos };
    const inner = new HclParser(`"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`, this.file);
    let parsed: HclExpression;
    try {
      parsed = inner.#template('"');
    } catch (error) {
      // Positions inside the re-quoted text mean nothing to the user: the heredoc's own position instead.
      if (error instanceof TagwallError) throw new TagwallError(error.code, error.message, { location: { file: this.file, ...pos } });
      throw error;
    }
    return at(parsed, pos) as HclExpression;
  }
}

/** A copy of a node with every position set to `pos` (the parts of a heredoc). */
function at(node: unknown, pos: Position): unknown {
  if (Array.isArray(node)) return node.map((item) => at(item, pos));
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, key === 'pos' ? pos : at(value, pos)]));
}

/** Parses one HCL file. */
export function parseHcl(content: string, file: string): HclBody {
  checkSize(content, INPUT_LIMITS.configSize, 'the HCL file', file);
  return new HclParser(stripBom(content).replace(/\r\n/g, '\n'), file).parseFile();
}

/** Parses one HCL expression (a `--var` value). */
export function parseHclExpression(text: string, file: string): HclExpression {
  const body = new HclParser(`value = ${text}\n`, file).parseFile();
  const item = body.items[0];
  if (!item || item.kind !== 'attribute' || body.items.length !== 1) throw new TagwallError('TW_USAGE', `'${text}' is not one HCL value`);
  return item.value;
}
