/**
 * Which object (rule, set, address object) each line of an artifact belongs to, for reports that diff artifacts:
 * the readers several kits share. Each kit names its labeller per format in `labels` (its labels.ts), so reports
 * never switch on format strings.
 */
import type { ObjectLabel } from './target.js';

export const NO_OBJECT: ObjectLabel = { kind: '', name: '' };

interface Frame {
  /** The key or block type the frame was opened under (`"routes": [` → routes, `set tw4_x {` → set). */
  readonly kind: string;
  /** From the opening line (`set tw4_x {`, `resource "t" "n" {`) or a `name` member found later. */
  name: string;
  readonly parent: Frame | undefined;
}

/** `"name": "x"`, `name: 'x'`, `name = "x"`: the member that names an ARM, Bicep or Terraform object. */
const NAME_MEMBER = /^\s*"?name"?\s*[:=]\s*(?:"([^"]*)"|'([^']*)')\s*,?\s*$/;

/** The characters bracketLabels acts on; a line with none of them is read without looking at each character. */
const NEXT_STRUCTURE = /["'{}[\]]/g;

/** Where the next quote or bracket of `line` is, from `from`; -1 if none. */
function nextStructure(line: string, from: number): number {
  NEXT_STRUCTURE.lastIndex = from;
  return NEXT_STRUCTURE.exec(line)?.index ?? -1;
}

/**
 * Where the quote that the one at `open` opens closes, or -1 when the line ends first. Inside quotes a backslash
 * takes the character after it: a quote is escaped when an odd run of backslashes stands right before it.
 */
function closingQuote(line: string, open: number): number {
  const quote = line[open]!;
  for (let at = line.indexOf(quote, open + 1); at >= 0; at = line.indexOf(quote, at + 1)) {
    let backslashes = 0;
    while (line.charCodeAt(at - 1 - backslashes) === 0x5c /* \\ */ && at - 1 - backslashes > open) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
  return -1;
}

/** What opens a frame on this line: the text before the bracket, as a kind and maybe a name. */
function frameHeader(text: string): { kind: string; name: string } {
  const header = text.trim().replace(/\s*[=:]\s*$/, '').trim();
  if (header === '') return { kind: '', name: '' };
  const json = /^"([^"]+)"$/.exec(header);
  if (json) return { kind: json[1]!, name: '' };
  // resource "azurerm_route_table" "routes" / set tw4_x / chain output / resource routeTable 'Microsoft.Network/...@v'
  const words = [...header.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2] ?? match[3]!);
  if (words[0] === 'resource' && words.length >= 3) {
    // Terraform names the type first (`resource "azurerm_route_table" "routes"`), Bicep the symbol (`resource rt 'Type@version'`).
    const bicep = /[@/]/.test(words[2]!);
    return bicep ? { kind: words[2]!.replace(/@.*$/, ''), name: words[1]! } : { kind: words[1]!, name: words[2]! };
  }
  return { kind: words[0]!, name: words.slice(1).join(' ') };
}

/** The label of the innermost frame that has a name; an unnamed array element takes its array's kind. */
function frameLabel(frame: Frame | undefined): ObjectLabel {
  for (let current = frame; current; current = current.parent) {
    if (current.name) return { kind: current.kind || current.parent?.kind || '', name: current.name };
  }
  return NO_OBJECT;
}

/**
 * Brace- and bracket-structured text (ARM JSON, Bicep, Terraform, nft): each line belongs to the innermost object
 * that has a name. Names come from the opening line or a `name` member anywhere in the object (ARM resources put
 * `type` and `apiVersion` before it), so frames are named in a first pass and lines labelled after.
 */
export function bracketLabels(lines: readonly string[]): ObjectLabel[] {
  // Indexed, into an array of the final length: a `for … of` loop and a growing array cost a cold process more than
  // the test most lines get.
  const owner = new Array<Frame | undefined>(lines.length);
  let stack: Frame | undefined;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    // A line without a quote or bracket (an nft set element, a comment, a Terraform `key = value`) can neither open,
    // close nor name a frame: it belongs to the open one. One native search instead of a loop over its characters
    // (it runs unoptimised in a cold process: the nft sets' thousands of elements); where it finds one, the walk starts.
    const first = nextStructure(line, 0);
    if (first < 0) {
      owner[index] = stack;
      continue;
    }
    const trimmed = line.trim();
    if (trimmed.startsWith('//') || trimmed.startsWith('#')) {
      owner[index] = stack;
      continue;
    }
    const start = stack;
    let depth = 0;
    let from = 0;
    // From one quote or bracket to the next (a native search), not character by character: nearly every line of
    // ARM JSON has quotes, and a loop over each of its characters ran unoptimised in a cold `impact` (issue 22).
    for (let i = first; i >= 0; ) {
      const char = line.charCodeAt(i);
      if (char === 0x22 /* " */ || char === 0x27 /* ' */) {
        const close = closingQuote(line, i);
        if (close < 0) break;
        i = nextStructure(line, close + 1);
        continue;
      }
      if (char === 0x7b /* { */ || char === 0x5b /* [ */) {
        const header = frameHeader(line.slice(from, i));
        stack = { kind: header.kind, name: header.name, parent: stack };
        depth++;
      } else {
        stack = stack?.parent;
        depth--;
      }
      from = i + 1;
      i = nextStructure(line, from);
    }
    const name = line.includes('name') ? NAME_MEMBER.exec(line) : null;
    if (name && stack && !stack.name) stack.name = name[1] ?? name[2]!;
    // A line that leaves an object open belongs to it; one that closes an object, or opens and closes a list on
    // the same line (`tcp dport { 443, 8443 }`, `ports = ["443"]`), to the object it started in.
    owner[index] = depth > 0 ? stack : start;
  }
  // One label object per frame, shared by its lines: the frames are all named by now, and the diff groups lines by
  // label identity first (a fresh object per line made it look every line's object up again).
  const labels = new Map<Frame | undefined, ObjectLabel>();
  return owner.map((frame) => {
    let label = labels.get(frame);
    if (!label) labels.set(frame, (label = frameLabel(frame)));
    return label;
  });
}

/** `name="…"` in an element's start tag: the attribute that names a PAN-OS `<entry>`. */
const ENTRY_NAME = /\bname="([^"]*)"/;

/**
 * The elements open at a point of an XML file, innermost last, kept in parallel arrays that are reused as elements
 * open and close: a PAN-OS config has ~30k elements a side, and an object and a tag string for each was most of what
 * labelling cost a cold process. A tag name is cut out of its line only when an entry's label needs its container.
 */
class OpenElements {
  depth = 0;
  /** The text each element's start tag is in (its line, or the whole file), and where its tag name is in it. */
  private readonly lines: string[] = [];
  private readonly tagStarts: number[] = [];
  private readonly tagEnds: number[] = [];
  private readonly names: Array<string | undefined> = [];
  private readonly labels: Array<ObjectLabel | undefined> = [];
  /**
   * The kind the entries directly inside each element take (its tag, or `<parent tag> rule` under `rules`), made
   * when the first of them is labelled: a PAN-OS config's address objects are thousands of entries in one element,
   * and a fresh copy of its tag for each was kept by each label (issue 22). An element's parent stays open while
   * it is, so the kind holds until the element at its depth is replaced.
   */
  private readonly entryKinds: Array<string | undefined> = [];

  open(line: string, tagStart: number, tagEnd: number, name: string | undefined): void {
    const at = this.depth++;
    this.lines[at] = line;
    this.tagStarts[at] = tagStart;
    this.tagEnds[at] = tagEnd;
    this.names[at] = name;
    this.labels[at] = undefined;
    this.entryKinds[at] = undefined;
  }

  /** Closes the innermost element; whether it had a name (an empty stack closes nothing, as `[].pop()`). */
  close(): boolean {
    if (this.depth === 0) return false;
    return this.names[--this.depth] !== undefined;
  }

  /** The label of the innermost named entry, kind from its container (`address`, `address-group`, `security rule`). */
  innermostLabel(): ObjectLabel {
    for (let at = this.depth - 1; at >= 0; at--) {
      const name = this.names[at];
      if (name === undefined) continue;
      let label = this.labels[at];
      if (!label) {
        label = { kind: this.entryKind(at - 1), name };
        this.labels[at] = label;
      }
      return label;
    }
    return NO_OBJECT;
  }

  /**
   * The label an entry named `name` would take opened here, as `open` and then `innermostLabel` give it, without
   * opening it: its kind is that of the entries of the innermost open element. For an entry that closes where it
   * opens (SIMPLE_ENTRY): open and close leave the elements as they were (issue 22, thousands a side in `impact`).
   */
  entryLabel(name: string): ObjectLabel {
    return { kind: this.entryKind(this.depth - 1), name };
  }

  /** The kind of the entries inside the element at `at` (none: '', the entries at the top). */
  private entryKind(at: number): string {
    if (at < 0) return '';
    let kind = this.entryKinds[at];
    if (kind === undefined) {
      const container = this.tag(at);
      kind = container === 'rules' ? `${this.tag(at - 1)} rule`.trim() : container;
      this.entryKinds[at] = kind;
    }
    return kind;
  }

  private tag(at: number): string {
    return at < 0 ? '' : this.lines[at]!.slice(this.tagStarts[at], this.tagEnds[at]);
  }
}

/** A line without a name that leaves nothing open: a leaf (`<ip-netmask>…</ip-netmask>`, `<member>…</member>`) or `<tag/>`. */
const LEAF_LINE = String.raw` *(?:<[A-Za-z][\w-]*>[^<>\n]*</[^<>\n]*>|<[A-Za-z][\w-]*/>)\n`;

/**
 * `<entry name="…">`, then leaf lines and elements of leaf lines (`<tag>`, members, `</tag>`), then the line that
 * closes the entry: how PAN-OS XML writes an address object, a rule or a group. Each line's tags are what `label`
 * reads as they stand (no attribute but the entry's name, no `<` or `>` in text), so the entry's lines all take
 * its label and the elements open after it are those open before it. Indentation is spaces only, and the closing
 * line ends at its tag; anything else is read line by line. Sticky: tried at a line start.
 */
const SIMPLE_ENTRY = new RegExp(String.raw` *<entry name="[^"<>\n]*">\n(?:${LEAF_LINE}| *<[A-Za-z][\w-]*>\n(?:${LEAF_LINE})* *</[^<>\n]*>\n)* *</[^<>\n]*>(?=\n|$)`, 'y');

/** `entry name="`: from the tag's name to the entry's name in SIMPLE_ENTRY. */
const ENTRY_OPEN_LENGTH = 'entry name="'.length;

/**
 * The PAN-OS XML labeller's state between lines, and what it does with one line: the elements it opens and closes,
 * and the line's label. A line is `text[start, end)`: a line of its own (`xmlLabels`) or a line of a whole file
 * (`xmlLabelRuns`), so both read a line alike and the file need not be split into lines to be labelled.
 */
class XmlLineReader {
  private readonly open = new OpenElements();
  // The label changes only when a named element opens or closes: computed then, shared by the lines in between, and
  // one object per entry (grouping lines by object compares labels by identity first).
  private cached: ObjectLabel | undefined;
  /**
   * Where the search for a `<` that ended the previous line's scan stopped (-1: none in the rest of the text): the
   * next line of the same text starts its scan there, not with a search again, so lines without tags cost no search
   * each through the rest of the file. -2: not known (no line read yet, or the last lines read by `entry`).
   */
  private nextTag = -2;

  /** The label `entry` gave the lines it read. */
  entryLabel: ObjectLabel = NO_OBJECT;

  /**
   * Reads the lines of a simple named entry starting at `start` in one native match (SIMPLE_ENTRY: an address
   * object, a rule, a group), as `label` would read them line by line: the entry opens, every line of it takes its
   * label (`entryLabel`), and it closes, leaving the elements open as they were. Where its last line ends, or -1
   * (nothing read) when the lines there are not such an entry.
   */
  entry(text: string, start: number, end: number): number {
    SIMPLE_ENTRY.lastIndex = start;
    // `test`, not `exec`: no match array and captures per entry (thousands a side in `impact`). What the groups
    // took is where the match says: spaces, the first `<`, `entry name="`, the name up to the first `"` (it holds none).
    if (!SIMPLE_ENTRY.test(text) || SIMPLE_ENTRY.lastIndex > end) return -1;
    const nameStart = text.indexOf('<', start) + 1 + ENTRY_OPEN_LENGTH;
    this.entryLabel = this.open.entryLabel(text.slice(nameStart, text.indexOf('"', nameStart)));
    this.cached = undefined;
    this.nextTag = -2;
    return SIMPLE_ENTRY.lastIndex;
  }

  /** The label of `text[start, end)`; `sameText`: the line follows the previous one in the same text. */
  label(text: string, start: number, end: number, sameText = false): ObjectLabel {
    const open = this.open;
    let label: ObjectLabel | undefined;
    let at = sameText && (this.nextTag >= start || this.nextTag === -1) ? this.nextTag : text.indexOf('<', start);
    // A hand-rolled scan, not a regular expression: PAN-OS configs run to tens of thousands of lines.
    for (; at >= 0 && at < end; at = text.indexOf('<', at + 1)) {
      const close = text.indexOf('>', at);
      if (close < 0 || close >= end) break;
      const first = text.charCodeAt(at + 1);
      if (first === 0x2f /* / */) {
        label ??= this.cached ??= open.innermostLabel();
        // An element without a name (`<member>`, `<tag>`) is skipped by the label: it stays what it was.
        if (open.close()) this.cached = undefined;
      } else if (first !== 0x21 /* ! */ && first !== 0x3f /* ? */ && text.charCodeAt(close - 1) !== 0x2f) {
        // The start tag is text[at + 1, close); its name ends at its first space. A name attribute needs a space
        // before it (`<entry name=…>`; `< name=…>` has an empty tag name and is not an entry).
        const space = text.indexOf(' ', at + 1);
        const tagEnd = space >= 0 && space < close ? space : close;
        const nameAt = tagEnd > at + 1 && tagEnd < close ? text.indexOf('name=', at + 1) : -1;
        const entry = nameAt >= 0 && nameAt + 5 <= close ? ENTRY_NAME.exec(text.slice(at + 1, close)) : null;
        open.open(text, at + 1, tagEnd, entry ? entry[1]! : undefined);
        if (entry) this.cached = undefined;
      }
      at = close;
    }
    this.nextTag = at;
    return label ?? (this.cached ??= open.innermostLabel());
  }
}

/** PAN-OS XML: the innermost `<entry name=…>`, kind from its container (`address`, `address-group`, `security rule`). */
export function xmlLabels(lines: readonly string[]): ObjectLabel[] {
  const reader = new XmlLineReader();
  const labels = new Array<ObjectLabel>(lines.length);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    labels[index] = reader.label(line, 0, line.length);
  }
  return labels;
}

/**
 * The labels of the lines of `text[0, end)` as `xmlLabels` gives them for `text.slice(0, end).split('\n')`, as runs:
 * `starts[i]` is where the first line of run i starts, `labels[i]` the label object its lines share (a run ends
 * where the next starts, less its newline, or at `end`). A line is not cut out of the text: the diff compares an
 * unchanged object as one piece of each file, and splits only the objects that changed.
 * @internal
 */
export function xmlLabelRuns(text: string, end: number): { starts: number[]; labels: ObjectLabel[] } {
  const reader = new XmlLineReader();
  const starts: number[] = [];
  const labels: ObjectLabel[] = [];
  let previous: ObjectLabel | undefined;
  for (let start = 0; ; ) {
    // A simple entry (most lines of an expanded config: six per address object) is one run of its own, read in one
    // match instead of a scan of each of its lines.
    const entryEnd = reader.entry(text, start, end);
    if (entryEnd >= 0) {
      starts.push(start);
      labels.push((previous = reader.entryLabel));
      if (entryEnd >= end) break;
      start = entryEnd + 1;
      continue;
    }
    let newline = text.indexOf('\n', start);
    if (newline < 0 || newline > end) newline = end;
    const label = reader.label(text, start, newline, start > 0);
    if (label !== previous) {
      starts.push(start);
      labels.push(label);
      previous = label;
    }
    if (newline >= end) break;
    start = newline + 1;
  }
  return { starts, labels };
}
