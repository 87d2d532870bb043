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
const STRUCTURE = /["'{}[\]]/;

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
  const owner: Array<Frame | undefined> = [];
  let stack: Frame | undefined;
  for (const line of lines) {
    // A line without a quote or bracket (an nft set element, a comment, a Terraform `key = value`) can neither open,
    // close nor name a frame: it belongs to the open one. One native test instead of a loop over its characters,
    // which runs unoptimised in a cold process (the nft sets' thousands of elements).
    if (!STRUCTURE.test(line)) {
      owner.push(stack);
      continue;
    }
    const trimmed = line.trim();
    if (trimmed.startsWith('//') || trimmed.startsWith('#')) {
      owner.push(stack);
      continue;
    }
    const start = stack;
    let depth = 0;
    let quote = 0;
    let from = 0;
    for (let i = 0; i < line.length; i++) {
      // Character codes, not one-character strings: this loop reads every character of every generated file.
      const char = line.charCodeAt(i);
      if (quote) {
        if (char === 0x5c /* \\ */) i++;
        else if (char === quote) quote = 0;
        continue;
      }
      if (char === 0x22 /* " */ || char === 0x27 /* ' */) quote = char;
      else if (char === 0x7b /* { */ || char === 0x5b /* [ */) {
        const header = frameHeader(line.slice(from, i));
        stack = { kind: header.kind, name: header.name, parent: stack };
        from = i + 1;
        depth++;
      } else if (char === 0x7d /* } */ || char === 0x5d /* ] */) {
        stack = stack?.parent;
        depth--;
        from = i + 1;
      }
    }
    const name = line.includes('name') ? NAME_MEMBER.exec(line) : null;
    if (name && stack && !stack.name) stack.name = name[1] ?? name[2]!;
    // A line that leaves an object open belongs to it; one that closes an object, or opens and closes a list on
    // the same line (`tcp dport { 443, 8443 }`, `ports = ["443"]`), to the object it started in.
    owner.push(depth > 0 ? stack : start);
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

/** PAN-OS XML: the innermost `<entry name=…>`, kind from its container (`address`, `address-group`, `security rule`). */
export function xmlLabels(lines: readonly string[]): ObjectLabel[] {
  const stack: Array<{ tag: string; name?: string; label?: ObjectLabel }> = [];
  // The label changes only when an element opens or closes: computed then, shared by the lines in between, and
  // one object per entry (grouping lines by object compares labels by identity first).
  let cached: ObjectLabel | undefined;
  const current = (): ObjectLabel => {
    if (cached) return cached;
    for (let i = stack.length - 1; i >= 0; i--) {
      const frame = stack[i]!;
      if (frame.name === undefined) continue;
      if (!frame.label) {
        const container = stack[i - 1]?.tag ?? '';
        frame.label = { kind: container === 'rules' ? `${stack[i - 2]?.tag ?? ''} rule`.trim() : container, name: frame.name };
      }
      return (cached = frame.label);
    }
    return (cached = NO_OBJECT);
  };
  // A hand-rolled scan, not a regular expression: PAN-OS configs run to tens of thousands of lines.
  return lines.map((line) => {
    let label: ObjectLabel | undefined;
    for (let at = line.indexOf('<'); at >= 0; at = line.indexOf('<', at + 1)) {
      const end = line.indexOf('>', at);
      if (end < 0) break;
      const first = line[at + 1];
      if (first === '/') {
        label ??= current();
        // An element without a name (`<member>`, `<tag>`) is skipped by `current`: the label stays what it was.
        if (stack.pop()?.name !== undefined) cached = undefined;
      } else if (first !== '!' && first !== '?' && line[end - 1] !== '/') {
        const inner = line.slice(at + 1, end);
        const space = inner.indexOf(' ');
        const entry = space > 0 && inner.includes('name=') ? /\bname="([^"]*)"/.exec(inner) : null;
        const tag = space < 0 ? inner : inner.slice(0, space);
        if (entry) {
          stack.push({ tag, name: entry[1]! });
          cached = undefined;
        } else stack.push({ tag });
      }
      at = end;
    }
    return label ?? current();
  });
}

