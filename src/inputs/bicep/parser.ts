/**
 * A tokenizer and recursive-descent parser for the Bicep language (learn.microsoft.com/azure/azure-resource-manager/
 * bicep/file): declarations (`param`, `var`, `resource`, `output`, `targetScope`, `metadata`; `module`, `import`,
 * `type`, `func` recognised so they can be named), decorators, objects and arrays (newline- or comma-separated),
 * single-quoted strings with escapes and `${}` interpolation, `'''` multi-line strings, numbers, member and index
 * access, calls, `!`, binary and ternary operators, `for` and `if` in resource bodies. Every node has its position.
 */
import { TagwallError } from '../../errors.js';
import { checkSize, INPUT_LIMITS, stripBom } from '../../internal/input-limits.js';
import { SourceCursor, type Position } from '../source-text.js';

export type { Position } from '../source-text.js';

export type BicepExpression = { readonly pos: Position } & (
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null }
  | { readonly kind: 'interpolated'; readonly parts: ReadonlyArray<string | BicepExpression> }
  | { readonly kind: 'array'; readonly items: readonly BicepExpression[] }
  | { readonly kind: 'object'; readonly items: ReadonlyArray<{ readonly key: string | BicepExpression; readonly value: BicepExpression; readonly pos: Position }> }
  | { readonly kind: 'identifier'; readonly name: string }
  | { readonly kind: 'member'; readonly target: BicepExpression; readonly name: string }
  | { readonly kind: 'index'; readonly target: BicepExpression; readonly index: BicepExpression }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly BicepExpression[] }
  | { readonly kind: 'unary'; readonly op: string; readonly operand: BicepExpression }
  | { readonly kind: 'binary'; readonly op: string; readonly left: BicepExpression; readonly right: BicepExpression }
  | { readonly kind: 'ternary'; readonly condition: BicepExpression; readonly then: BicepExpression; readonly otherwise: BicepExpression }
  | { readonly kind: 'for'; readonly source: string }
  | { readonly kind: 'condition'; readonly condition: BicepExpression; readonly body: BicepExpression }
);

export type BicepDeclaration = { readonly pos: Position; readonly decorators: readonly BicepExpression[] } & (
  | { readonly kind: 'param'; readonly name: string; readonly type: string; readonly value: BicepExpression | undefined }
  | { readonly kind: 'var'; readonly name: string; readonly value: BicepExpression }
  | { readonly kind: 'resource'; readonly name: string; readonly type: string; readonly existing: boolean; readonly value: BicepExpression }
  | { readonly kind: 'output'; readonly name: string; readonly value: BicepExpression }
  | { readonly kind: 'targetScope' | 'metadata'; readonly value: BicepExpression }
  | { readonly kind: 'module' | 'import' | 'type' | 'func' | 'extension' }
);

const KEYWORDS = new Set(['param', 'var', 'resource', 'output', 'targetScope', 'metadata', 'module', 'import', 'type', 'func', 'extension', 'using']);
const BINARY_LEVELS: readonly (readonly string[])[] = [['??'], ['||'], ['&&'], ['==', '!=', '=~', '!~'], ['<=', '>=', '<', '>'], ['+', '-'], ['*', '/', '%']];

class BicepParser extends SourceCursor {
  constructor(text: string, file: string) {
    super(text, file, 'Bicep', /^[A-Za-z_][A-Za-z0-9_]*/);
  }

  #expect(char: string, newlines = true): void {
    this.space(newlines);
    if (this.text[this.at] !== char) throw this.error(`expected '${char}'${this.text[this.at] === undefined ? '' : `, not '${this.text[this.at]}'`}`);
    this.at++;
  }

  #endOfLine(): void {
    this.space(false);
    const char = this.text[this.at];
    if (char !== undefined && char !== '\n') throw this.error(`expected a new line, not '${char}'`);
  }

  parseFile(): BicepDeclaration[] {
    const declarations: BicepDeclaration[] = [];
    for (;;) {
      this.space(true);
      if (this.at >= this.text.length) return declarations;
      declarations.push(this.#declaration());
    }
  }

  #declaration(): BicepDeclaration {
    const decorators: BicepExpression[] = [];
    while (this.text[this.at] === '@') {
      this.at++;
      decorators.push(this.#postfix(this.#primary()));
      this.space(true);
    }
    const pos = this.position();
    const start = this.at;
    const keyword = this.identifier();
    if (keyword === undefined || !KEYWORDS.has(keyword)) throw this.error(`expected a declaration (param, var, resource, output, ...), not '${this.text.slice(start, start + 20).split('\n')[0]}'`, start);
    this.space(false);
    switch (keyword) {
      case 'param': {
        const name = this.#name();
        this.space(false);
        const type = this.#typeText();
        this.space(false);
        let value: BicepExpression | undefined;
        if (this.text[this.at] === '=') {
          this.at++;
          value = this.#expression(false);
        }
        this.#endOfLine();
        return { kind: 'param', name, type, value, pos, decorators };
      }
      case 'var': {
        const name = this.#name();
        this.#expect('=', false);
        const value = this.#expression(false);
        this.#endOfLine();
        return { kind: 'var', name, value, pos, decorators };
      }
      case 'resource': {
        const name = this.#name();
        this.space(false);
        if (this.text[this.at] !== "'") throw this.error("expected the resource type, as 'Namespace/type@version'");
        const typeExpression = this.#string();
        if (typeExpression.kind !== 'literal' || typeof typeExpression.value !== 'string') throw this.error('the resource type cannot interpolate', start);
        this.space(false);
        let existing = false;
        if (this.text.startsWith('existing', this.at)) {
          this.at += 'existing'.length;
          existing = true;
        }
        this.#expect('=', false);
        this.space(false);
        const value = this.#resourceBody();
        this.#endOfLine();
        return { kind: 'resource', name, type: typeExpression.value, existing, value, pos, decorators };
      }
      case 'output': {
        const name = this.#name();
        this.space(false);
        this.#typeText();
        this.#expect('=', false);
        const value = this.#expression(false);
        this.#endOfLine();
        return { kind: 'output', name, value, pos, decorators };
      }
      case 'targetScope':
      case 'metadata': {
        if (keyword === 'metadata') {
          this.#name();
        }
        this.#expect('=', false);
        const value = this.#expression(false);
        this.#endOfLine();
        return { kind: keyword, value, pos, decorators };
      }
      default:
        // Modules, imports, user-defined types and functions need the Bicep compiler to resolve.
        throw new TagwallError('TW_UNSUPPORTED_CONFIG', `a ${keyword} declaration is beyond the literal Bicep tagwall reads; compile it with \`bicep build FILE\` (or \`az bicep build --file FILE\`) and pass the JSON, which tagwall evaluates`, { location: { file: this.file, ...pos } });
    }
  }

  #name(): string {
    const name = this.identifier();
    if (name === undefined) throw this.error('expected a name');
    return name;
  }

  /** A parameter's or output's type: a name, possibly with `[]` or `?`, or a union of literals. */
  #typeText(): string {
    const match = /^[A-Za-z_][A-Za-z0-9_.]*(\[\])*\??/.exec(this.text.slice(this.at, this.at + 256));
    if (!match) throw this.error('expected a type');
    this.at += match[0].length;
    return match[0];
  }

  /** `{...}`, `[for ...]`, or `if (cond) {...}`. */
  #resourceBody(): BicepExpression {
    const pos = this.position();
    if (this.text.startsWith('if', this.at) && /^if\s*\(/.test(this.text.slice(this.at, this.at + 8))) {
      this.at += 2;
      this.#expect('(', false);
      const condition = this.#expression(true);
      this.#expect(')');
      this.space(false);
      return { kind: 'condition', condition, body: this.#expression(false), pos };
    }
    return this.#expression(false);
  }

  #expression(newlines: boolean): BicepExpression {
    if (++this.depth > 128) throw this.error('expressions nest more than 128 deep');
    const condition = this.#binary(0, newlines);
    this.space(newlines);
    let result = condition;
    if (this.text[this.at] === '?' && this.text[this.at + 1] !== '?' && this.text[this.at + 1] !== '.' && this.text[this.at + 1] !== '[') {
      this.at++;
      const then = this.#expression(true);
      this.#expect(':');
      const otherwise = this.#expression(newlines);
      result = { kind: 'ternary', condition, then, otherwise, pos: condition.pos };
    }
    this.depth--;
    return result;
  }

  #binary(level: number, newlines: boolean): BicepExpression {
    if (level >= BINARY_LEVELS.length) return this.#unary(newlines);
    let left = this.#binary(level + 1, newlines);
    for (;;) {
      this.space(newlines);
      const op = BINARY_LEVELS[level]!.find((candidate) => this.text.startsWith(candidate, this.at));
      if (op === undefined) return left;
      this.at += op.length;
      const right = this.#binary(level + 1, newlines);
      left = { kind: 'binary', op, left, right, pos: left.pos };
    }
  }

  #unary(newlines: boolean): BicepExpression {
    this.space(newlines);
    const char = this.text[this.at];
    if (char === '!' || (char === '-' && !/[0-9]/.test(this.text[this.at + 1] ?? ''))) {
      const pos = this.position();
      this.at++;
      return { kind: 'unary', op: char, operand: this.#unary(newlines), pos };
    }
    return this.#postfix(this.#primary());
  }

  #postfix(target: BicepExpression): BicepExpression {
    let expression = target;
    for (;;) {
      const char = this.text[this.at];
      if (char === '.' || (char === '?' && this.text[this.at + 1] === '.')) {
        this.at += char === '?' ? 2 : 1;
        const name = this.identifier();
        if (name === undefined) throw this.error("expected a property name after '.'");
        if (this.text[this.at] === '(') {
          // `az.resourceGroup()`, `sys.concat()`: a namespaced call.
          const args = this.#arguments();
          expression = { kind: 'call', name, args, pos: expression.pos };
        } else expression = { kind: 'member', target: expression, name, pos: expression.pos };
      } else if (char === '[' || (char === '?' && this.text[this.at + 1] === '[')) {
        this.at += char === '?' ? 2 : 1;
        const index = this.#expression(true);
        this.#expect(']');
        expression = { kind: 'index', target: expression, index, pos: expression.pos };
      } else if (char === '!' && this.text[this.at + 1] !== '=') {
        this.at++; // non-null assertion
      } else return expression;
    }
  }

  #arguments(): BicepExpression[] {
    this.at++;
    const args: BicepExpression[] = [];
    for (;;) {
      this.space(true);
      if (this.text[this.at] === ')') {
        this.at++;
        return args;
      }
      args.push(this.#expression(true));
      this.space(true);
      if (this.text[this.at] === ',') this.at++;
      else if (this.text[this.at] !== ')') throw this.error("expected ',' or ')'");
    }
  }

  #primary(): BicepExpression {
    this.space(false);
    const pos = this.position();
    const char = this.text[this.at];
    if (char === undefined) throw this.error('the expression ends early');
    if (char === "'") return this.#string();
    if (/[-0-9]/.test(char)) {
      const match = /^-?[0-9]+(\.[0-9]+)?/.exec(this.text.slice(this.at, this.at + 64));
      if (!match) throw this.error(`unexpected '${char}'`);
      this.at += match[0].length;
      return { kind: 'literal', value: Number(match[0]), pos };
    }
    if (char === '(') {
      this.at++;
      const inner = this.#expression(true);
      this.#expect(')');
      return inner;
    }
    if (char === '[') return this.#array(pos);
    if (char === '{') return this.#object(pos);
    const name = this.identifier();
    if (name === undefined) throw this.error(`unexpected '${char}'`);
    if (name === 'true' || name === 'false') return { kind: 'literal', value: name === 'true', pos };
    if (name === 'null') return { kind: 'literal', value: null, pos };
    if (this.text[this.at] === '(') return { kind: 'call', name, args: this.#arguments(), pos };
    return { kind: 'identifier', name, pos };
  }

  #array(pos: Position): BicepExpression {
    this.at++;
    this.space(true);
    if (/^for\s/.test(this.text.slice(this.at, this.at + 4))) {
      // A loop: kept as its source, so the evaluator can say that `bicep build` is needed.
      const start = this.at;
      let depth = 1;
      while (this.at < this.text.length && depth > 0) {
        const next = this.text[this.at++];
        if (next === '[') depth++;
        else if (next === ']') depth--;
        else if (next === "'") this.#skipString();
      }
      if (depth > 0) throw this.error("a for expression is not closed with ']'", start);
      return { kind: 'for', source: this.text.slice(start, this.at - 1), pos };
    }
    const items: BicepExpression[] = [];
    for (;;) {
      this.space(true);
      if (this.text[this.at] === ']') {
        this.at++;
        return { kind: 'array', items, pos };
      }
      items.push(this.#expression(false));
      this.space(false);
      const next = this.text[this.at];
      if (next === ',' || next === '\n') this.at++;
      else if (next !== ']') throw this.error("expected a new line, ',' or ']' in an array");
    }
  }

  #skipString(): void {
    while (this.at < this.text.length && this.text[this.at] !== "'") {
      if (this.text[this.at] === '\\') this.at++;
      this.at++;
    }
    this.at++;
  }

  #object(pos: Position): BicepExpression {
    this.at++;
    const items: Array<{ key: string | BicepExpression; value: BicepExpression; pos: Position }> = [];
    for (;;) {
      this.space(true);
      if (this.text[this.at] === '}') {
        this.at++;
        return { kind: 'object', items, pos };
      }
      const keyPos = this.position();
      let key: string | BicepExpression | undefined;
      if (this.text[this.at] === "'") {
        const keyExpression = this.#string();
        key = keyExpression.kind === 'literal' ? String(keyExpression.value) : keyExpression;
      } else key = this.identifier();
      if (key === undefined) throw this.error('expected a property name');
      this.#expect(':', false);
      const value = this.#expression(false);
      items.push({ key, value, pos: keyPos });
      this.space(false);
      const next = this.text[this.at];
      if (next === ',' || next === '\n') this.at++;
      else if (next !== '}') throw this.error("expected a new line, ',' or '}' in an object");
    }
  }

  #string(): BicepExpression {
    const pos = this.position();
    const start = this.at;
    if (this.text.startsWith("'''", this.at)) {
      const end = this.text.indexOf("'''", this.at + 3);
      if (end < 0) throw this.error('the multi-line string is not closed', start);
      let value = this.text.slice(this.at + 3, end);
      if (value.startsWith('\n')) value = value.slice(1);
      this.at = end + 3;
      return { kind: 'literal', value, pos };
    }
    this.at++;
    const parts: Array<string | BicepExpression> = [];
    let literal = '';
    for (;;) {
      const char = this.text[this.at];
      if (char === undefined || char === '\n') throw this.error('the string is not closed', start);
      if (char === "'") {
        this.at++;
        break;
      }
      if (char === '\\') {
        const next = this.text[this.at + 1];
        const simple: Record<string, string> = { '\\': '\\', "'": "'", n: '\n', r: '\r', t: '\t', $: '$' };
        if (next !== undefined && simple[next] !== undefined) {
          literal += simple[next];
          this.at += 2;
          continue;
        }
        const unicode = /^\\u\{([0-9a-fA-F]{1,6})\}/.exec(this.text.slice(this.at, this.at + 10));
        if (unicode && parseInt(unicode[1]!, 16) <= 0x10ffff) {
          literal += String.fromCodePoint(parseInt(unicode[1]!, 16));
          this.at += unicode[0].length;
          continue;
        }
        throw this.error(`unknown escape '\\${next ?? ''}'`);
      }
      if (char === '$' && this.text[this.at + 1] === '{') {
        if (literal) parts.push(literal);
        literal = '';
        this.at += 2;
        parts.push(this.#expression(true));
        this.#expect('}');
        continue;
      }
      literal += char;
      this.at++;
    }
    if (parts.length === 0) return { kind: 'literal', value: literal, pos };
    if (literal) parts.push(literal);
    return { kind: 'interpolated', parts, pos };
  }
}

export function parseBicep(content: string, file: string): BicepDeclaration[] {
  checkSize(content, INPUT_LIMITS.configSize, 'the Bicep file', file);
  return new BicepParser(stripBom(content).replace(/\r\n/g, '\n'), file).parseFile();
}
