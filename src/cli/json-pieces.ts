/**
 * toJson's text (io.ts: `JSON.stringify(value, undefined, 2)` and a newline, a bigint as its decimal string) made in
 * pieces, never as one string: see jsonPieces.
 */
import { bigintAsString, toJson } from './io.js';
import type { TextPieces } from './utf8-pieces.js';

/** Primitive array elements stringified at once (their keys mean nothing to JSON.stringify). */
export const ELEMENTS_AT_ONCE = 4096;
/** Short pieces are collected up to this many characters before they are handed on. */
const COLLECT_CHARS = 1 << 16;

/**
 * toJson(value) in pieces. A `check --json` answer lists every CIDR of its boxes (~10 MB); made whole, the text is
 * JSON.stringify's string, two bytes a character as soon as one character is not Latin-1 (the ellipsis of a summary),
 * and then a flat copy of it with the newline added: ~40 MB of fresh pages (issue 22). Here the plain objects and
 * arrays are walked as JSON.stringify walks them (own enumerable keys in their order; undefined, functions and
 * symbols left out of objects and null in arrays), runs of primitive array elements are stringified a few thousand
 * at a time, and anything else (a value with toJSON, a class instance, a bigint, a boxed primitive) is stringified
 * whole under its own key, so toJSON sees the key it would. Each piece of JSON.stringify's output is indented to its
 * depth by adding the depth's spaces after every line break, which is exact: a string in JSON text never holds a raw
 * line break. A value that is not a plain object or array at the top is toJson's one string.
 */
export function jsonPieces(value: unknown, elementsAtOnce = ELEMENTS_AT_ONCE): TextPieces {
  return {
    writeTo: (write) => {
      if (!isWalked(value)) {
        write(toJson(value));
        return;
      }
      const writer = new JsonPieceWriter(write, elementsAtOnce);
      writer.container(value, '');
      writer.text('\n');
      writer.end();
    },
  };
}

type Walked = readonly unknown[] | Readonly<Record<string, unknown>>;

/** A plain array or object without toJSON: what the writer walks itself. */
function isWalked(value: unknown): value is Walked {
  if (typeof value !== 'object' || value === null || typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(value)) return true;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** A value JSON.stringify writes the same under any key: no toJSON is looked up on it. */
function isPlainPrimitive(value: unknown): value is string | number | boolean | null {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** Left out of an object, null in an array. */
function isSkipped(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

class JsonPieceWriter {
  private collected: string[] = [];
  private collectedChars = 0;
  /** The objects and arrays being written, outermost first: JSON.stringify refuses a cycle, and so does this. */
  private readonly open: object[] = [];

  constructor(
    private readonly write: (piece: string) => void,
    private readonly elementsAtOnce: number,
  ) {}

  /** An object or array whose first line is already written up to where it starts; `pad` is that line's indent. */
  container(value: Walked, pad: string): void {
    if (this.open.includes(value)) throw new TypeError('Converting circular structure to JSON');
    this.open.push(value);
    if (Array.isArray(value)) this.array(value, pad);
    else this.object(value as Readonly<Record<string, unknown>>, pad);
    this.open.pop();
  }

  text(piece: string): void {
    this.collected.push(piece);
    this.collectedChars += piece.length;
    if (this.collectedChars >= COLLECT_CHARS) this.flush();
  }

  end(): void {
    this.flush();
  }

  private object(value: Readonly<Record<string, unknown>>, pad: string): void {
    const inner = `${pad}  `;
    let first = true;
    for (const key of Object.keys(value)) {
      const member = value[key];
      if (isSkipped(member)) continue;
      const head = `${first ? '{\n' : ',\n'}${inner}${JSON.stringify(key)}: `;
      if (isPlainPrimitive(member)) {
        this.text(head + JSON.stringify(member));
      } else if (isWalked(member)) {
        this.text(head);
        this.container(member, inner);
      } else {
        const text = stringifiedUnder(key, member, inner);
        if (text === undefined) continue;
        this.text(head);
        this.text(text);
      }
      first = false;
    }
    this.text(first ? '{}' : `\n${pad}}`);
  }

  private array(value: readonly unknown[], pad: string): void {
    if (value.length === 0) {
      this.text('[]');
      return;
    }
    const inner = `${pad}  `;
    for (let index = 0; index < value.length; ) {
      this.text(index === 0 ? '[\n' : ',\n');
      let end = index;
      while (end < value.length && end - index < this.elementsAtOnce && isPlainPrimitive(value[end])) end++;
      if (end > index) {
        this.large(primitiveLines(value.slice(index, end), inner.length));
        index = end;
        continue;
      }
      const element = value[index];
      this.text(inner);
      if (isSkipped(element)) this.text('null');
      else if (isWalked(element)) this.container(element, inner);
      else this.text(stringifiedUnder(String(index), element, inner) ?? 'null');
      index++;
    }
    this.text(`\n${pad}]`);
  }

  /** A long piece goes on by itself, after what was collected before it. */
  private large(piece: string): void {
    if (piece.length < COLLECT_CHARS) {
      this.text(piece);
      return;
    }
    this.flush();
    this.write(piece);
  }

  private flush(): void {
    if (this.collected.length === 0) return;
    this.write(this.collected.length === 1 ? this.collected[0]! : this.collected.join(''));
    this.collected = [];
    this.collectedChars = 0;
  }
}

/**
 * Primitive array elements as JSON.stringify(…, undefined, 2) writes them `indent` spaces deep, one a line, with
 * commas, and nothing around them. JSON.stringify indents by at most 10 spaces a level, so the elements are nested
 * in arrays as deep as it takes (`indent` is even: 12 is two levels of 6) and the nesting's own lines are cut off:
 * one native pass, where re-indenting a depth-0 text copies it again.
 */
function primitiveLines(elements: readonly unknown[], indent: number): string {
  let step = Math.min(indent, 10);
  while (indent % step !== 0) step--;
  const levels = indent / step;
  let nested: unknown = elements;
  for (let level = 1; level < levels; level++) nested = [nested];
  const text = JSON.stringify(nested, undefined, step);
  // Each level opens with `[` and a line break, and closes with a line break and `]`; the levels around the
  // elements' own also indent their line, by `step` more each.
  const around = 2 * levels + (step * levels * (levels - 1)) / 2;
  return text.slice(around, text.length - around);
}

/**
 * `value`'s JSON as the member `key` of an object whose members are indented by `inner`, or undefined when
 * JSON.stringify leaves it out: stringified as the only member of a holder, so a toJSON method is called with
 * `key`, and cut out of `{\n  "key": …\n}`. A bigint gets toJson's replacer (its decimal string).
 */
function stringifiedUnder(key: string, value: unknown, inner: string): string | undefined {
  const holder = { [key]: value };
  let text: string;
  try {
    text = JSON.stringify(holder, undefined, 2);
  } catch {
    text = JSON.stringify(holder, bigintAsString, 2);
  }
  if (text === '{}') return undefined;
  return indented(text.slice(4 + JSON.stringify(key).length + 2, text.length - 2), inner.slice(2));
}

/**
 * JSON text made at depth 0, moved `pad` deeper: every line after the first starts with `pad` more. Split and
 * joined, which makes one flat string; replaceAll concatenates a string per line break, which V8 then flattens.
 */
function indented(text: string, pad: string): string {
  return pad === '' ? text : text.split('\n').join(`\n${pad}`);
}
