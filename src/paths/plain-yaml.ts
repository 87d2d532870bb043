/**
 * The plain subset of YAML that topology files are written in (docs/paths.md), read without the `yaml` package:
 * block mappings, a block sequence of flow sequences (`peerings`), flow mappings and flow sequences on one line,
 * and plain scalars. Issue 22: initialising the package and composing its document was ~4 ms of a cold `path`
 * (44 M instructions) for a twenty-line file.
 *
 * It answers only when it is sure to give what the package's `toJS()` gives: anything else (quotes, anchors, tags,
 * tabs, block scalars, a flow collection over several lines, a duplicate key, a scalar that YAML would read as a
 * number or null, …) is `undefined`, and the caller parses the text with the package as before. Errors are always
 * the package's (the caller re-parses to locate them), so a file this reads and one it leaves behave the same.
 */

type Value = string | boolean | Value[] | { [key: string]: Value };

/** The text's data as `yaml.parseDocument(text).toJS()` would give it, or undefined when not sure. */
export function readPlainYaml(text: string): Record<string, Value> | undefined {
  if (/[\t\r'"&*!|>%@`?\\]/.test(text)) return undefined;
  const lines: Array<{ indent: number; content: string }> = [];
  for (const raw of text.split('\n')) {
    const content = withoutComment(raw);
    if (content === undefined) return undefined;
    if (content.trim() === '') continue;
    const indent = content.length - content.trimStart().length;
    const body = content.trim();
    if (body.startsWith('---') || body.startsWith('...') || body.startsWith('#')) return undefined;
    lines.push({ indent, content: body });
  }
  if (lines.length === 0 || lines[0]!.indent !== 0) return undefined;
  const reader = { lines, at: 0 };
  const map = readBlockMap(reader, 0);
  return map !== undefined && reader.at === lines.length ? map : undefined;
}

interface Lines {
  readonly lines: ReadonlyArray<{ indent: number; content: string }>;
  at: number;
}

/** The line without its comment (`#` at the start or after a space); undefined when a `#` stands elsewhere. */
function withoutComment(line: string): string | undefined {
  const hash = line.indexOf('#');
  if (hash < 0) return line.trimEnd();
  if (hash > 0 && line[hash - 1] !== ' ') return undefined;
  return line.slice(0, hash).trimEnd();
}

function readBlockMap(reader: Lines, indent: number): Record<string, Value> | undefined {
  const map: Record<string, Value> = {};
  while (reader.at < reader.lines.length) {
    const line = reader.lines[reader.at]!;
    if (line.indent < indent) break;
    if (line.indent > indent || line.content.startsWith('-')) return undefined;
    const colon = line.content.indexOf(':');
    if (colon <= 0) return undefined;
    const key = line.content.slice(0, colon);
    const rest = line.content.slice(colon + 1);
    if (!isPlainKey(key) || Object.prototype.hasOwnProperty.call(map, key)) return undefined;
    if (rest !== '' && !rest.startsWith(' ')) return undefined;
    reader.at++;
    const value = rest.trim() === '' ? readNested(reader, indent) : inlineValue(rest.trim(), true);
    if (value === undefined) return undefined;
    // A more indented line after an inline value would continue it (a multi-line scalar): not this subset.
    if (rest.trim() !== '' && reader.at < reader.lines.length && reader.lines[reader.at]!.indent > indent) return undefined;
    map[key] = value;
  }
  return map;
}

/** The block under `key:`: a mapping or a sequence indented more, or a sequence at the key's own indent. */
function readNested(reader: Lines, indent: number): Value | undefined {
  const next = reader.lines[reader.at];
  if (!next) return undefined;
  if (next.content.startsWith('-') && next.indent >= indent) return readBlockSequence(reader, next.indent);
  if (next.indent > indent) return readBlockMap(reader, next.indent);
  return undefined;
}

function readBlockSequence(reader: Lines, indent: number): Value[] | undefined {
  const items: Value[] = [];
  while (reader.at < reader.lines.length) {
    const line = reader.lines[reader.at]!;
    if (line.indent < indent || (line.indent === indent && !line.content.startsWith('-'))) break;
    if (line.indent > indent || !line.content.startsWith('- ')) return undefined;
    const item = line.content.slice(2).trim();
    // Only flow sequences and scalars as items (`- [spoke, hub]`): a mapping item would open a block of its own.
    if (item.startsWith('{') || item.includes(': ') || item.endsWith(':')) return undefined;
    const value = inlineValue(item);
    if (value === undefined) return undefined;
    reader.at++;
    items.push(value);
  }
  return items;
}

/** A value written on one line: a flow mapping, a flow sequence or a plain scalar. */
function inlineValue(text: string, block = false): Value | undefined {
  if (text.startsWith('{')) return text.endsWith('}') ? flowMap(text.slice(1, -1)) : undefined;
  if (text.startsWith('[')) return text.endsWith(']') ? flowSequence(text.slice(1, -1)) : undefined;
  return scalar(text, block);
}

function flowMap(body: string): Record<string, Value> | undefined {
  const map: Record<string, Value> = {};
  for (const entry of flowItems(body) ?? [undefined]) {
    if (entry === undefined) return undefined;
    const colon = entry.indexOf(': ');
    if (colon <= 0) return undefined;
    const key = entry.slice(0, colon).trim();
    const value = entry.slice(colon + 2).trim();
    if (!isPlainKey(key) || Object.prototype.hasOwnProperty.call(map, key) || value.includes(': ') || value.endsWith(':')) return undefined;
    const parsed = value.startsWith('[') ? (value.endsWith(']') ? flowSequence(value.slice(1, -1)) : undefined) : scalar(value);
    if (parsed === undefined) return undefined;
    map[key] = parsed;
  }
  return map;
}

function flowSequence(body: string): Value[] | undefined {
  const items: Value[] = [];
  for (const item of flowItems(body) ?? [undefined]) {
    const value = item === undefined || item.includes(': ') || item.endsWith(':') ? undefined : scalar(item);
    if (value === undefined) return undefined;
    items.push(value);
  }
  return items;
}

/** The comma-separated items of a flow collection's body, none nested; [] for an empty body. */
function flowItems(body: string): string[] | undefined {
  if (/[[\]{}]/.test(body)) return undefined;
  if (body.trim() === '') return [];
  const items = body.split(',').map((item) => item.trim());
  return items.some((item) => item === '') ? undefined : items;
}

/** A key this subset takes as it is: a name (never one YAML would read as null, a boolean or a number). */
function isPlainKey(key: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_.-]*$/.test(key) && scalar(key) === key;
}

const NULLS = /^(~|null|Null|NULL)$/;
const BOOLEANS: Readonly<Record<string, boolean>> = { true: true, True: true, TRUE: true, false: false, False: false, FALSE: false };
const NUMBER = /^[-+]?(0o[0-7]+|0x[0-9a-fA-F]+|[0-9]+|(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|\.(inf|Inf|INF)|\.(nan|NaN|NAN))$/;

/**
 * A plain scalar as YAML 1.2's core schema reads it: a string or a boolean; undefined for anything else. Letters,
 * digits, `_ . / -` and inner spaces, no indicator first; in block context (`host: nftables:compute.nft`) also
 * colons inside a word, never in a flow collection (an IPv6 address in `[...]` is left to the package).
 */
function scalar(text: string, block = false): Value | undefined {
  if (text === '' || NULLS.test(text) || NUMBER.test(text)) return undefined;
  if (Object.prototype.hasOwnProperty.call(BOOLEANS, text)) return BOOLEANS[text]!;
  const plain = block ? /^[A-Za-z0-9_./]([A-Za-z0-9_./ -]|:(?=[A-Za-z0-9_./-]))*$/ : /^[A-Za-z0-9_./][A-Za-z0-9_./ -]*$/;
  return plain.test(text) && !text.endsWith(' ') ? text : undefined;
}
