/**
 * The model as a candidate-config XML document (targets.md §4.1): the objects and rules under the vsys, the
 * Panorama device group or `shared`, ready for `load config partial` or the XML API (`type=config&action=set`
 * with the inner XPath). Rules go under `rulebase` on a firewall and `pre-rulebase` on Panorama.
 */
import { columnAddress, isAddressColumns, rulebaseOf, type PanosAddress, type PanosAddressColumns, type PanosAddressEntry, type PanosLocation, type PanosModel, type PanosRule } from './model.js';
import { escapeXml, xmlComment } from '../../text/panos.js';

/**
 * The document's lines, written as they are walked: one element a line when it holds text or nothing (`<x/>`),
 * else an opening and a closing line around its children, indented two spaces a level. No tree of nodes is built
 * first: an expanded config has an address object per prefix (six lines each, tens of thousands of lines), and
 * `impact` writes it once per snapshot.
 */
export const BLOCK_LINES = 256;

/** Runs of at least this many plain address objects are written as one block (shorter ones gain nothing from it). */
const PLAIN_RUN = 64;

/**
 * Plain member lists of at least this many go into the document's parts one member at a time, the parts array sized
 * once, instead of joined into a block that the final join copies again: the block of a 100k-member rule was 8 MB
 * more for the young generation (a 100k-CIDR translation allocated 75.2 -> 65.8 MB with this and `plainColumns`;
 * issue 22, render-growth bench). Shorter lists keep the one native join, cheaper in a cold process.
 */
const PIECES_FROM = 4096;

/** A character that is not printable ASCII, or one escapeXml replaces (`<`, `>`, `&`, `"`, `'`). */
const UNPLAIN = /[^ !#-%(-;=?-~]/;

/**
 * Printable ASCII with none of the characters escapeXml replaces: written as it is. One native test, not a loop over
 * the characters: every name, value and tag of an expanded config is asked, in code that runs once per process.
 */
function isPlainText(text: string): boolean {
  return !UNPLAIN.test(text);
}

/**
 * Whether `XmlLines.address` would write `address` without escaping anything or a description line. Its kind is one
 * of two plain words (model.ts); tagwall's objects share one tag list (build.ts), so a list found plain is
 * remembered (`plainTags`) rather than asked again for each of thousands of objects.
 */
function isPlainAddress(address: PanosAddressEntry, plainTags: { last: readonly string[] | undefined }): address is PanosAddress {
  if (isAddressColumns(address)) return false;
  if (address.description !== undefined || !isPlainText(address.name) || !isPlainText(address.value)) return false;
  if (address.tags === plainTags.last) return true;
  if (!address.tags.every(isPlainText)) return false;
  plainTags.last = address.tags;
  return true;
}

/** The document's writer. Exported for its test (render-xml.test.ts); renderPanosXml is the module's interface. */
export class XmlLines {
  /** The lines not yet joined into a block: fewer than BLOCK_LINES (`line`). */
  #lines: string[] = [];
  /**
   * The document so far, joined once at the end: blocks of BLOCK_LINES lines joined (flat strings, where the lines
   * are ropes that outlive young-generation GCs), each followed by its newline, and the pieces of long plain runs
   * (`plainAddresses`), which go in as they are instead of as a block joined first and copied again at the end.
   */
  readonly #parts: string[] = [];
  readonly #indents: string[] = [''];

  /**
   * Adds one line of the document; every BLOCK_LINES lines are joined into a block. Every line goes through here, so
   * no part of the document keeps its lines pending: rules and tags did (the writer joined only after an address
   * object), and a 10k-requirement render kept ~350k line strings, ropes, to its end, which every scavenge of the
   * render copied and then promoted (10k requirements 790-840 -> 410-440 ms CPU; issue 22, render-growth bench).
   */
  line(text: string): void {
    if (this.#lines.push(text) >= BLOCK_LINES) this.flush();
  }

  /** How many lines are pending (not yet joined into a block): for the test. */
  get pending(): number {
    return this.#lines.length;
  }

  /** Joins the pending lines into a block, however few: before pieces go into the document straight. */
  flush(): void {
    if (this.#lines.length > 0) {
      this.#parts.push(this.#lines.join('\n'), '\n');
      this.#lines = [];
    }
  }

  text(): string {
    this.flush();
    return this.#parts.join('');
  }

  indent(depth: number): string {
    while (this.#indents.length <= depth) this.#indents.push(`${this.#indents[this.#indents.length - 1]!}  `);
    return this.#indents[depth]!;
  }

  /** `<tag name="…">`, its children written by `body` one level deeper, `</tag>`. */
  element(depth: number, tag: string, body: (depth: number) => void, name?: string): void {
    const indent = this.indent(depth);
    this.line(name === undefined ? `${indent}<${tag}>` : `${indent}<${tag} name="${escapeXml(name)}">`);
    body(depth + 1);
    this.line(`${indent}</${tag}>`);
  }

  /** An element with children, or `<tag/>` when it has none. */
  list<T>(depth: number, tag: string, items: readonly T[], write: (item: T, depth: number) => void): void {
    if (items.length === 0) this.empty(depth, tag);
    else this.element(depth, tag, (inner) => {
      for (const item of items) write(item, inner);
    });
  }

  empty(depth: number, tag: string): void {
    this.line(`${this.indent(depth)}<${tag}/>`);
  }

  leaf(depth: number, tag: string, text: string): void {
    this.line(`${this.indent(depth)}<${tag}>${escapeXml(text)}</${tag}>`);
  }

  /** `<tag><member>a</member>…</tag>`, or `<tag/>` for no values; a long plain list's members as one block (see `addresses`). */
  members(depth: number, tag: string, values: readonly string[]): void {
    if (values.length >= PLAIN_RUN && values.every(isPlainText)) {
      this.element(depth, tag, (inner) => this.plainMembers(inner, values));
      return;
    }
    this.list(depth, tag, values, (value, inner) => this.leaf(inner, 'member', value));
  }

  /**
   * `<member>value</member>` lines at `depth`, as `leaf` writes them, into one block of their own: the values joined
   * natively by what stands between two of them, not a string built per line (issue 22: 7,853 members in the
   * compute-no-public-ip config, mostly of tag groups); from PIECES_FROM values on, as pieces of the document.
   */
  private plainMembers(depth: number, values: readonly string[]): void {
    const indent = this.indent(depth);
    if (values.length < PIECES_FROM) {
      this.block(`${indent}<member>${values.join(`</member>\n${indent}<member>`)}</member>`);
      return;
    }
    const between = `</member>\n${indent}<member>`;
    this.flush();
    const parts = this.#parts;
    let at = parts.length;
    parts.length = at + 2 * values.length + 1;
    parts[at++] = `${indent}<member>`;
    for (let index = 0; index < values.length; index++) {
      parts[at++] = values[index]!;
      parts[at++] = between;
    }
    parts[at - 1] = '</member>\n';
  }

  /** Ends the pending lines' block and adds `text` as a block of its own: the document reads as if written line by line. */
  private block(text: string): void {
    this.flush();
    this.#parts.push(text, '\n');
  }

  /** An address object, written without closures: an expanded config has one per prefix. */
  address(depth: number, address: PanosAddress): void {
    const indent = this.indent(depth);
    const fields = this.indent(depth + 1);
    this.line(`${indent}<entry name="${escapeXml(address.name)}">`);
    this.line(`${fields}<${address.kind}>${escapeXml(address.value)}</${address.kind}>`);
    if (address.description !== undefined) this.line(`${fields}<description>${escapeXml(address.description)}</description>`);
    if (address.tags.length === 0) this.line(`${fields}<tag/>`);
    else {
      const members = this.indent(depth + 2);
      this.line(`${fields}<tag>`);
      for (const tag of address.tags) this.line(`${members}<member>${escapeXml(tag)}</member>`);
      this.line(`${fields}</tag>`);
    }
    this.line(`${indent}</entry>`);
  }

  /**
   * Address objects, each as `address` writes it; a long run of plain ones (ASCII with nothing to escape, no
   * description) as four pieces per object straight into the document (plainAddresses): at 100k CIDRs, six line
   * strings per object and their joins were half of the render, and their garbage outlived the young generation
   * (render-growth bench, issue 22).
   */
  addresses(depth: number, entries: readonly PanosAddressEntry[]): void {
    const plainTags = { last: undefined };
    for (let at = 0; at < entries.length; ) {
      const entry = entries[at]!;
      if (isAddressColumns(entry)) {
        this.addressColumns(depth, entry);
        at++;
        continue;
      }
      let end = at;
      while (end < entries.length && isPlainAddress(entries[end]!, plainTags)) end++;
      if (end - at >= PLAIN_RUN) {
        this.plainAddresses(depth, entries, at, end);
        at = end;
        continue;
      }
      // A short run, or an object with text to escape or a description (not columns: those were taken above).
      for (const stop = Math.max(end, at + 1); at < stop; at++) this.address(depth, entries[at] as PanosAddress);
    }
  }

  /**
   * The objects of columns as `address` writes each: when all are plain (ASCII with nothing to escape), as the
   * pieces plainAddresses writes, straight from the columns; else object by object.
   */
  private addressColumns(depth: number, columns: PanosAddressColumns): void {
    const { names, values, tags } = columns;
    if (names.length >= PLAIN_RUN && tags.every(isPlainText) && names.every(isPlainText) && values.every(isPlainText)) {
      this.plainColumns(depth, columns);
      return;
    }
    for (let at = 0; at < names.length; at++) this.address(depth, columnAddress(columns, at));
  }

  /**
   * addresses[from, to), all plain, written as `address` would write them, into the document as pieces. (Writing
   * them as bytes, a loop over every character, took four times as long in a fresh process for a config of 4k
   * objects, and no less at 100k.)
   */
  private plainAddresses(depth: number, addresses: readonly PanosAddressEntry[], from: number, to: number): void {
    // addresses[from, to) are objects (isPlainAddress), hence the casts.
    // Objects share their kind and tag list (build.ts): a run of objects that do is written as its names and values
    // with the text between one object's value and the next one's name, four pieces an object going straight into
    // the document's parts. (Joined into a string an object and a block first, 100k CIDRs made 200k ropes and two
    // copies of the block that outlived the young generation; issue 22, render-growth bench.)
    this.flush();
    const parts = this.#parts;
    for (let at = from; at < to; ) {
      const { kind, tags } = addresses[at] as PanosAddress;
      const { open, afterName, afterValue } = plainPieces(this, depth, kind, tags);
      const betweenObjects = `${afterValue}${open}`;
      parts.push(open);
      for (let next = addresses[at] as PanosAddress; at < to && next.kind === kind && next.tags === tags; next = addresses[++at] as PanosAddress) {
        parts.push(next.name, afterName, next.value, betweenObjects);
      }
      // The run's last object is followed by its own newline only: the next run or line starts afresh.
      parts[parts.length - 1] = afterValue;
    }
  }

  /** Plain columns (addressColumns) as plainAddresses writes a run of objects, four pieces an object. */
  private plainColumns(depth: number, { names, values, tags }: PanosAddressColumns): void {
    const { open, afterName, afterValue } = plainPieces(this, depth, 'ip-netmask', tags);
    const betweenObjects = `${afterValue}${open}`;
    this.flush();
    const parts = this.#parts;
    let at = parts.length;
    parts.length = at + 4 * names.length + 1;
    parts[at++] = open;
    for (let index = 0; index < names.length; index++) {
      parts[at++] = names[index]!;
      parts[at++] = afterName;
      parts[at++] = values[index]!;
      parts[at++] = betweenObjects;
    }
    parts[at - 1] = afterValue;
  }

  entry(depth: number, name: string, body: (depth: number) => void): void {
    this.element(depth, 'entry', body, name);
  }
}

/**
 * The text around a plain address object's name and value, whole (`address` writes the same as lines): what comes
 * before the name, between the name and the value, and after the value up to the object's end and its newline.
 */
function plainPieces(out: XmlLines, depth: number, kind: PanosAddress['kind'], tags: readonly string[]): { open: string; afterName: string; afterValue: string } {
  const indent = out.indent(depth);
  const fields = out.indent(depth + 1);
  const members = out.indent(depth + 2);
  const tagLines = tags.length === 0 ? '<tag/>\n' : `<tag>\n${tags.map((tag) => `${members}<member>${tag}</member>\n`).join('')}${fields}</tag>\n`;
  return { open: `${indent}<entry name="`, afterName: `">\n${fields}<${kind}>`, afterValue: `</${kind}>\n${fields}${tagLines}${indent}</entry>\n` };
}

function writeRule(out: XmlLines, rule: PanosRule, depth: number): void {
  out.entry(depth, rule.name, (inner) => {
    out.members(inner, 'from', rule.from);
    out.members(inner, 'to', rule.to);
    out.members(inner, 'source', rule.source);
    out.members(inner, 'destination', rule.destination);
    out.members(inner, 'source-user', ['any']);
    out.members(inner, 'category', rule.category);
    out.members(inner, 'application', rule.application);
    out.members(inner, 'service', rule.service);
    out.leaf(inner, 'action', rule.action);
    out.leaf(inner, 'description', rule.description);
    out.members(inner, 'tag', rule.tags);
  });
}

/** The objects, then the rules; a kind of object the model has none of is left out. */
function writeObjects(out: XmlLines, model: PanosModel, depth: number): void {
  const section = <T>(tag: string, items: readonly T[], write: (item: T, depth: number) => void): void => {
    if (items.length > 0) out.list(depth, tag, items, write);
  };
  section('tag', model.tags, (tag, inner) => out.entry(inner, tag.name, (fields) => out.leaf(fields, 'comments', tag.comments)));
  if (model.addresses.length > 0) out.element(depth, 'address', (inner) => out.addresses(inner, model.addresses));
  section('address-group', model.addressGroups, (group, inner) =>
    out.entry(inner, group.name, (fields) => {
      out.members(fields, 'static', group.members);
      out.leaf(fields, 'description', group.description);
      out.members(fields, 'tag', group.tags);
    }),
  );
  section('external-list', model.externalLists, (list, inner) =>
    out.entry(inner, list.name, (fields) =>
      out.element(fields, 'type', (type) =>
        out.element(type, 'ip', (ip) => {
          out.leaf(ip, 'url', list.url);
          out.element(ip, 'recurring', (recurring) => out.empty(recurring, 'hourly'));
          out.leaf(ip, 'description', list.description);
        }),
      ),
    ),
  );
  section('service', model.services, (service, inner) =>
    out.entry(inner, service.name, (fields) => {
      out.element(fields, 'protocol', (protocol) => out.element(protocol, service.protocol, (ports) => out.leaf(ports, 'port', service.ports)));
      out.leaf(fields, 'description', service.description);
    }),
  );
  if (model.urlCategories.length > 0) {
    out.element(depth, 'profiles', (profiles) =>
      out.list(profiles, 'custom-url-category', model.urlCategories, (category, inner) =>
        out.entry(inner, category.name, (fields) => {
          out.leaf(fields, 'type', 'URL List');
          out.members(fields, 'list', category.entries);
          out.leaf(fields, 'description', category.description);
        }),
      ),
    );
  }
  out.element(depth, rulebaseOf(model.location), (rulebase) =>
    out.element(rulebase, 'security', (security) => out.list(security, 'rules', model.rules, (rule, inner) => writeRule(out, rule, inner))),
  );
}

/** The location's wrapper elements around the objects and rules. */
function writeLocation(out: XmlLines, location: PanosLocation, inner: (depth: number) => void): void {
  out.element(0, 'config', (config) => {
    if (location.kind === 'shared') {
      out.element(config, 'shared', inner);
      return;
    }
    out.element(config, 'devices', (devices) =>
      out.entry(devices, 'localhost.localdomain', (device) =>
        out.element(device, location.kind === 'vsys' ? 'vsys' : 'device-group', (container) => out.entry(container, location.name, inner)),
      ),
    );
  });
}

const comment = xmlComment;

export function renderPanosXml(model: PanosModel): string {
  const out = new XmlLines();
  out.line('<?xml version="1.0" encoding="UTF-8"?>');
  out.line(comment(model.provenance));
  writeLocation(out, model.location, (depth) => writeObjects(out, model, depth));
  return out.text();
}
