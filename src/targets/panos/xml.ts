/**
 * A small strict XML reader for what PAN-OS configs use: elements, attributes, text, comments, CDATA, the five
 * predefined entities and character references. No library is installed for XML and PAN-OS exports (`show config
 * running`, `running-config.xml`) use nothing more. DOCTYPE and processing instructions other than the prolog are
 * refused: a config never has them, and entity declarations are how XML parsers get attacked.
 *
 * `set` commands (set-commands.ts) build the same tree, so one interpreter (parse.ts) reads both forms.
 */
import { TagwallError } from '../../errors.js';
import { checkSize, INPUT_LIMITS, limitError, stripBom, trimAscii, UNICODE_SPACE, unicodeSpaceError } from '../../internal/input-limits.js';

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** Concatenated character data directly inside the element, trimmed. */
  readonly text: string;
  /** 1-based line of the start tag. */
  readonly line: number;
}

/** Escaping for what tagwall writes: src/text/panos.ts. */
export { escapeXml } from '../../text/panos.js';

const ENTITY_VALUE: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
/** Characters outside XML 1.0's `Char` production (§2.2): a conforming parser (xmllint) refuses the document. */
// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const isXmlChar = (code: number): boolean => code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);

class Reader {
  position = 0;

  constructor(
    readonly text: string,
    readonly file: string,
  ) {}

  fail(message: string, at = this.position): never {
    throw new TagwallError('TW_INVALID_CONFIG', `malformed XML: ${message}`, { location: this.locate(at) });
  }

  locate(at: number): { file: string; line: number; column: number } {
    const before = this.text.slice(0, at);
    return { file: this.file, line: before.split('\n').length, column: at - before.lastIndexOf('\n') };
  }

  #countedTo = 0;
  #countedLines = 1;

  /** Line of `at`; start tags are met in increasing order, so counting resumes where it stopped. */
  lineAt(at: number): number {
    if (at < this.#countedTo) {
      this.#countedTo = 0;
      this.#countedLines = 1;
    }
    for (let index = this.text.indexOf('\n', this.#countedTo); index !== -1 && index < at; index = this.text.indexOf('\n', index + 1)) this.#countedLines++;
    this.#countedTo = at;
    return this.#countedLines;
  }

  startsWith(prefix: string): boolean {
    return this.text.startsWith(prefix, this.position);
  }

  skipUntil(terminator: string, what: string): string {
    const end = this.text.indexOf(terminator, this.position);
    if (end === -1) this.fail(`unterminated ${what}`);
    const content = this.text.slice(this.position, end);
    this.position = end + terminator.length;
    return content;
  }

  skipSpace(): void {
    // XML's white space (the S production) is these four; xmllint refuses a document that uses other spaces as S.
    while (this.position < this.text.length && ' \t\r\n'.includes(this.text[this.position]!)) this.position++;
    const next = this.text[this.position];
    if (next !== undefined && UNICODE_SPACE.test(next)) throw unicodeSpaceError(next, this.locate(this.position));
  }

  name(): string {
    NAME.lastIndex = this.position;
    const match = NAME.exec(this.text);
    if (!match) this.fail('a name is expected');
    this.position += match[0].length;
    return match[0];
  }

  decode(raw: string, at: number): string {
    if (raw.includes('<')) this.fail("'<' in text or attribute value", at);
    return raw.replace(/&([^;\s&]*);?/g, (whole, entity: string) => {
      if (!whole.endsWith(';')) this.fail(`'&' must start an entity such as &amp;`, at);
      if (entity.startsWith('#')) {
        const code = entity.startsWith('#x') ? Number.parseInt(entity.slice(2), 16) : Number.parseInt(entity.slice(1), 10);
        if (!Number.isInteger(code) || !isXmlChar(code) || !/^#(x[0-9a-fA-F]+|[0-9]+)$/.test(entity)) this.fail(`bad character reference &${entity};`, at);
        return String.fromCodePoint(code);
      }
      const value = ENTITY_VALUE[entity];
      if (value === undefined) this.fail(`unknown entity &${entity};`, at);
      return value;
    });
  }

  /** Comments, whitespace and (at the start) the XML declaration. */
  skipMisc(allowDeclaration: boolean): void {
    for (;;) {
      this.skipSpace();
      if (this.startsWith('<!--')) {
        this.position += 4;
        this.skipUntil('-->', 'comment');
      } else if (allowDeclaration && this.startsWith('<?xml')) {
        this.skipUntil('?>', 'XML declaration');
      } else if (this.startsWith('<!DOCTYPE') || this.startsWith('<?')) {
        this.fail('DOCTYPE and processing instructions are not accepted in a PAN-OS config');
      } else return;
      allowDeclaration = false;
    }
  }

  element(depth = 1): XmlElement {
    const start = this.position;
    if (depth > INPUT_LIMITS.xmlDepth) throw limitError(`XML elements nest more than ${INPUT_LIMITS.xmlDepth} deep`, this.locate(start));
    if (!this.startsWith('<')) this.fail("'<' expected");
    this.position++;
    const name = this.name();
    const attributes: Record<string, string> = {};
    for (;;) {
      const beforeSpace = this.position;
      this.skipSpace();
      if (this.startsWith('/>')) {
        this.position += 2;
        return { name, attributes, children: [], text: '', line: this.lineAt(start) };
      }
      if (this.startsWith('>')) {
        this.position++;
        break;
      }
      if (this.position === beforeSpace) this.fail('whitespace expected between attributes');
      const attribute = this.name();
      this.skipSpace();
      if (!this.startsWith('=')) this.fail(`'=' expected after attribute ${attribute}`);
      this.position++;
      this.skipSpace();
      const quote = this.text[this.position];
      if (quote !== '"' && quote !== "'") this.fail('attribute values must be quoted');
      this.position++;
      const valueStart = this.position;
      const raw = this.skipUntil(quote, 'attribute value');
      if (attribute in attributes) this.fail(`duplicate attribute ${attribute}`, valueStart);
      attributes[attribute] = this.decode(raw, valueStart);
    }
    const line = this.lineAt(start);
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      const textStart = this.position;
      const next = this.text.indexOf('<', this.position);
      if (next === -1) this.fail(`element <${name}> is not closed`, start);
      text += this.decode(this.text.slice(textStart, next), textStart);
      this.position = next;
      if (this.startsWith('</')) {
        this.position += 2;
        const closing = this.name();
        if (closing !== name) this.fail(`</${closing}> closes <${name}> (line ${line})`);
        this.skipSpace();
        if (!this.startsWith('>')) this.fail("'>' expected");
        this.position++;
        return { name, attributes, children, text: trimAscii(text), line };
      }
      if (this.startsWith('<!--')) {
        this.position += 4;
        this.skipUntil('-->', 'comment');
      } else if (this.startsWith('<![CDATA[')) {
        this.position += 9;
        text += this.skipUntil(']]>', 'CDATA section');
      } else if (this.startsWith('<!') || this.startsWith('<?')) {
        this.fail('DOCTYPE and processing instructions are not accepted in a PAN-OS config');
      } else children.push(this.element(depth + 1));
    }
  }
}

/** Parses a whole document into its root element; TW_INVALID_CONFIG with line and column when malformed. */
export function parseXml(text: string, file: string): XmlElement {
  checkSize(text, INPUT_LIMITS.configSize, 'the XML config', file);
  const reader = new Reader(stripBom(text), file);
  const invalid = NOT_XML_CHAR.exec(reader.text);
  if (invalid) reader.fail(`character U+${invalid[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML`, invalid.index);
  reader.skipMisc(true);
  if (reader.position >= reader.text.length) reader.fail('no root element');
  const root = reader.element();
  // Concatenated exports (two `show config` outputs in one file) put a second prolog or root here: say so, rather
  // than calling the prolog a processing instruction.
  const second = /\s*(?:<!--[\s\S]*?-->\s*)*(<\?xml[\s?]|<[A-Za-z_])/y;
  second.lastIndex = reader.position;
  const next = second.exec(reader.text);
  if (next) reader.fail(`a second XML document starts here (after <${root.name}>, line ${root.line}); a file holds one config: split it into one file per document`, next.index + next[0].length - next[1]!.length);
  reader.skipMisc(false);
  if (reader.position < reader.text.length) reader.fail('content after the root element');
  return root;
}
