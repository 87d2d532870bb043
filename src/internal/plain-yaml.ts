/**
 * The plain subset of YAML that topology and requirement files are written in (docs/paths.md,
 * docs/requirements.md), read without the `yaml` package: block mappings, block sequences of scalars, of one-line
 * flow collections and of mappings (`- id: storage` and the lines under it), one-line flow sequences and mappings,
 * plain scalars, quoted scalars without escapes, decimal integers and booleans. Issue 22: initialising the package
 * and composing a document was ~4 ms of a cold `path` for a twenty-line topology, and ~11 ms of a cold `render
 * --requirements workload.yaml` for a 1.5 KB file (76.0 against 64.5 ms wall for the same requirements as JSON,
 * 15 interleaved runs, Node 20).
 *
 * It answers only when it is sure to give what the package's `toJS()` gives: anything else (anchors, aliases, tags,
 * tabs, block scalars, a scalar or flow collection over several lines, escapes, a duplicate key, a scalar that YAML
 * would read as null or as a number other than a plain decimal, non-ASCII text, …) is `undefined`, and the caller
 * parses the text with the package as before. Errors are always the package's (the callers parse again to locate
 * them), so a file this reads and one it leaves behave the same. plain-yaml.test.ts holds it to the package on
 * generated text and on every YAML file of the repository.
 */

export type PlainValue = string | number | boolean | PlainValue[] | { [key: string]: PlainValue };

/** The text's data as `yaml.parseDocument(text).toJS()` would give it, or undefined when not sure. */
export function readPlainYaml(text: string): Record<string, PlainValue> | undefined {
  // Printable ASCII and newlines only: no tabs, carriage returns, control characters or other line breaks.
  if (/[^\n -~]/.test(text)) return undefined;
  const lines: Line[] = [];
  for (const raw of text.split('\n')) {
    const body = raw.trim();
    if (body === '' || body.startsWith('#')) continue;
    if (body.startsWith('---') || body.startsWith('...')) return undefined;
    lines.push({ indent: raw.length - raw.trimStart().length, content: body });
  }
  if (lines.length === 0 || lines[0]!.indent !== 0) return undefined;
  const reader: Lines = { lines, at: 0 };
  const map = readBlockMap(reader, 0);
  return map !== undefined && reader.at === lines.length ? map : undefined;
}

interface Line {
  readonly indent: number;
  readonly content: string;
}

interface Lines {
  readonly lines: Line[];
  at: number;
}

/** `key: value` or `key:` at the start of a line's content: a plain key and what follows its colon. */
const KEY_LINE = /^([A-Za-z][A-Za-z0-9_.-]*):(?: +(.*))?$/;

function readBlockMap(reader: Lines, indent: number): Record<string, PlainValue> | undefined {
  const map: Record<string, PlainValue> = {};
  while (reader.at < reader.lines.length) {
    const line = reader.lines[reader.at]!;
    if (line.indent < indent) break;
    if (line.indent > indent) return undefined;
    const match = KEY_LINE.exec(line.content);
    if (!match) return undefined;
    const key = match[1]!;
    // `key:  # a comment` then a block under it: the comment is not the value.
    const rest = match[2] === undefined || match[2].startsWith('#') ? '' : match[2];
    if (!isPlainKey(key) || Object.prototype.hasOwnProperty.call(map, key)) return undefined;
    reader.at++;
    const value = rest === '' ? readNested(reader, indent) : lineValue(rest);
    if (value === undefined) return undefined;
    // A more indented line after a value on the key's line would continue it (a multi-line scalar): not this subset.
    if (rest !== '' && continues(reader, indent)) return undefined;
    map[key] = value;
  }
  return map;
}

function continues(reader: Lines, indent: number): boolean {
  return reader.at < reader.lines.length && reader.lines[reader.at]!.indent > indent;
}

/** The block under `key:`: a mapping or a sequence indented more, or a sequence at the key's own indent. */
function readNested(reader: Lines, indent: number): PlainValue | undefined {
  const next = reader.lines[reader.at];
  if (!next) return undefined;
  if (isSequenceItem(next.content) && next.indent >= indent) return readBlockSequence(reader, next.indent);
  if (next.indent > indent) return readBlockMap(reader, next.indent);
  return undefined;
}

function isSequenceItem(content: string): boolean {
  return content === '-' || content.startsWith('- ');
}

function readBlockSequence(reader: Lines, indent: number): PlainValue[] | undefined {
  const items: PlainValue[] = [];
  while (reader.at < reader.lines.length) {
    const line = reader.lines[reader.at]!;
    if (line.indent < indent || (line.indent === indent && !isSequenceItem(line.content))) break;
    if (line.indent > indent || line.content === '-') return undefined;
    const item = line.content.slice(2);
    const spaces = item.length - item.trimStart().length;
    const body = item.trimStart();
    if (KEY_LINE.test(body)) {
      // `- key: value`: a mapping whose first entry stands on the dash's line, at the column after the dash and its
      // spaces; the lines at that column under it are its other entries.
      const column = indent + 2 + spaces;
      reader.lines[reader.at] = { indent: column, content: body };
      const map = readBlockMap(reader, column);
      if (map === undefined) return undefined;
      items.push(map);
      continue;
    }
    if (body.startsWith('- ') || body === '-') return undefined;
    const value = lineValue(body);
    if (value === undefined) return undefined;
    reader.at++;
    if (continues(reader, indent)) return undefined;
    items.push(value);
  }
  return items;
}

/** A value written on one line, with an optional trailing comment: a flow collection, a quoted or a plain scalar. */
function lineValue(text: string): PlainValue | undefined {
  const first = text[0];
  if (first === '[' || first === '{') {
    const flow: Flow = { text, at: 0 };
    const value = flowValue(flow, 0);
    return value !== undefined && isCommentOrEnd(text.slice(flow.at)) ? value : undefined;
  }
  if (first === '"' || first === "'") {
    const quoted = quotedScalar(text, 0);
    return quoted !== undefined && isCommentOrEnd(text.slice(quoted.end)) ? quoted.value : undefined;
  }
  // A plain scalar ends where a comment starts: `#` after a space (YAML reads any other `#` as part of it).
  const comment = text.indexOf(' #');
  return blockScalar((comment < 0 ? text : text.slice(0, comment)).trimEnd());
}

/** What follows a value on its line: nothing, or spaces and a comment. */
function isCommentOrEnd(rest: string): boolean {
  return rest.trim() === '' || /^ +#/.test(rest);
}

/**
 * A quoted scalar at `start` closed on its line, without escapes: `"…"` with no backslash, or `'…'` with no
 * doubled quote (its escape); its text is then exactly what stands between the quotes.
 */
function quotedScalar(text: string, start: number): { value: string; end: number } | undefined {
  const quote = text[start]!;
  const close = text.indexOf(quote, start + 1);
  if (close < 0) return undefined;
  const value = text.slice(start + 1, close);
  if (quote === '"' && value.includes('\\')) return undefined;
  if (quote === "'" && text[close + 1] === "'") return undefined;
  return { value, end: close + 1 };
}

interface Flow {
  readonly text: string;
  at: number;
}

/** Flow collections nested deeper than this (`[{type: 8}]` is two) are left to the package. */
const FLOW_DEPTH = 2;

/**
 * A flow collection or scalar at `flow.at`, on one line: `[a, b]`, `{key: value, …}` (a space after each colon),
 * quoted scalars, plain scalars without flow indicators (a colon only inside a word). No trailing comma, no empty
 * item, no key without a value.
 */
function flowValue(flow: Flow, depth: number): PlainValue | undefined {
  skipSpaces(flow);
  const first = flow.text[flow.at];
  if (first === '[' || first === '{') {
    if (depth >= FLOW_DEPTH) return undefined;
    const close = first === '[' ? ']' : '}';
    flow.at++;
    skipSpaces(flow);
    const items: PlainValue[] = [];
    const map: Record<string, PlainValue> = {};
    if (flow.text[flow.at] === close) {
      flow.at++;
      return first === '[' ? items : map;
    }
    for (;;) {
      skipSpaces(flow);
      if (first === '{') {
        const key = /^[A-Za-z][A-Za-z0-9_.-]*(?=: )/.exec(flow.text.slice(flow.at))?.[0];
        if (key === undefined || !isPlainKey(key) || Object.prototype.hasOwnProperty.call(map, key)) return undefined;
        flow.at += key.length + 2;
        const value = flowValue(flow, depth + 1);
        if (value === undefined) return undefined;
        map[key] = value;
      } else {
        const value = flowValue(flow, depth + 1);
        if (value === undefined) return undefined;
        items.push(value);
      }
      skipSpaces(flow);
      const next = flow.text[flow.at];
      flow.at++;
      if (next === close) return first === '[' ? items : map;
      if (next !== ',') return undefined;
    }
  }
  if (first === '"' || first === "'") {
    const quoted = quotedScalar(flow.text, flow.at);
    if (quoted === undefined) return undefined;
    flow.at = quoted.end;
    return quoted.value;
  }
  // A colon only before a character that is neither a space nor a flow indicator: `[10.0.0.4, fd00::4]`.
  const plain = /^[A-Za-z0-9_./]([A-Za-z0-9_./ -]|:(?=[A-Za-z0-9_./:-]))*/.exec(flow.text.slice(flow.at))?.[0];
  if (plain === undefined) return undefined;
  flow.at += plain.length;
  return resolved(plain.trimEnd());
}

function skipSpaces(flow: Flow): void {
  while (flow.text[flow.at] === ' ') flow.at++;
}

/**
 * A plain scalar in block context (after `key: ` or `- `), as YAML reads one: not starting with an indicator or a
 * space, a colon only before a character other than a space (`nftables:compute.nft`, `2001:db8::/32`,
 * `https://…`), any other printable character after the first (a `#` that is left is never after a space: the
 * comment was cut off). Its value is then the text, or what the core schema makes of it.
 */
function blockScalar(text: string): PlainValue | undefined {
  return /^[^-?:,[\]{}#&*!|>'"%@` ]([^:]|:(?=[^ ]))*$/.test(text) ? resolved(text) : undefined;
}

/** A key this subset takes as it is: a name (never one YAML would read as null, a boolean or a number). */
function isPlainKey(key: string): boolean {
  return /^[A-Za-z][A-Za-z0-9_.-]*$/.test(key) && resolved(key) === key;
}

const NULLS = /^(~|null|Null|NULL)$/;
const BOOLEANS: Readonly<Record<string, boolean>> = { true: true, True: true, TRUE: true, false: false, False: false, FALSE: false };
/** Every form YAML 1.2's core schema reads as a number (int, octal, hex, float, infinity, not-a-number). */
const NUMBER = /^[-+]?(0o[0-7]+|0x[0-9a-fA-F]+|[0-9]+|(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|\.(inf|Inf|INF)|\.(nan|NaN|NAN))$/;
/** The numbers this subset reads: decimal integers without sign or leading zero, well inside a double's exact range. */
const DECIMAL = /^(0|[1-9][0-9]{0,14})$/;

/** A plain scalar's value under YAML 1.2's core schema: a string, a boolean, a decimal integer; undefined for the rest. */
function resolved(text: string): PlainValue | undefined {
  if (text === '' || NULLS.test(text)) return undefined;
  if (Object.prototype.hasOwnProperty.call(BOOLEANS, text)) return BOOLEANS[text]!;
  if (DECIMAL.test(text)) return Number(text);
  return NUMBER.test(text) ? undefined : text;
}
