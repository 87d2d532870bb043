/**
 * Two versions of a generated file, compared as a reviewer reads them: line by line within the object (rule, set,
 * address object) each line belongs to, in each format's own structure; wrapped prefix lists element by element;
 * lines that differ only in the snapshot they record (change number, date, file name) set apart as provenance.
 */
import type { SnapshotInfo } from '../servicetags/types.js';
import { compareText } from './model.js';

// ─── line diffs ─────────────────────────────────────────────────────────────────────────────────────────

/** Lines of `a` not matched by an equal line of `b` (as multisets), as indices into `a`, in order. */
export function unmatchedLines(a: readonly string[], b: readonly string[]): number[] {
  const available = new Map<string, number>();
  for (const line of b) available.set(line, (available.get(line) ?? 0) + 1);
  const unmatched: number[] = [];
  a.forEach((line, index) => {
    const count = available.get(line) ?? 0;
    if (count > 0) available.set(line, count - 1);
    else unmatched.push(index);
  });
  return unmatched;
}

/** A line with the snapshot's identity (change number, date, file name) replaced by placeholders. */
export function withoutProvenance(line: string, info: SnapshotInfo): string {
  let text = line.replace(new RegExp(`\\b${info.changeNumber}\\b`, 'g'), '<change-number>');
  if (info.date) {
    text = text.split(info.date).join('<date>').split(info.date.replace(/-/g, '')).join('<date>');
  }
  const file = info.source.split(/[\\/]/).pop();
  if (file) text = text.split(file).join('<source>');
  return text;
}

// ─── objects: which rule, set or object a line belongs to ──────────────────────────────────────────────

/** What a changed line belongs to: `kind` (`routes`, `set`, `address-group`, `rule TAGWALL-OUT`) and a name. */
export interface ObjectLabel {
  readonly kind: string;
  readonly name: string;
}

const NO_OBJECT: ObjectLabel = { kind: '', name: '' };
const MAX_LABEL = 120;

export function labelText(label: ObjectLabel): string {
  const text = label.kind && label.name ? `${label.kind} ${label.name}` : label.kind || label.name;
  return text.length > MAX_LABEL ? text.slice(0, MAX_LABEL) : text;
}

interface Frame {
  /** The key or block type the frame was opened under (`"routes": [` → routes, `set tw4_x {` → set). */
  readonly kind: string;
  /** From the opening line (`set tw4_x {`, `resource "t" "n" {`) or a `name` member found later. */
  name: string;
  readonly parent: Frame | undefined;
}

/** `"name": "x"`, `name: 'x'`, `name = "x"`: the member that names an ARM, Bicep or Terraform object. */
const NAME_MEMBER = /^\s*"?name"?\s*[:=]\s*(?:"([^"]*)"|'([^']*)')\s*,?\s*$/;

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
function bracketLabels(lines: readonly string[]): ObjectLabel[] {
  const owner: Array<Frame | undefined> = [];
  let stack: Frame | undefined;
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed.startsWith('//') || trimmed.startsWith('#')) {
      owner.push(stack);
      continue;
    }
    const start = stack;
    let depth = 0;
    let quote = '';
    let from = 0;
    for (let i = 0; i < line.length; i++) {
      const char = line[i]!;
      if (quote) {
        if (char === '\\') i++;
        else if (char === quote) quote = '';
        continue;
      }
      if (char === '"' || char === "'") quote = char;
      else if (char === '{' || char === '[') {
        const header = frameHeader(line.slice(from, i));
        stack = { kind: header.kind, name: header.name, parent: stack };
        from = i + 1;
        depth++;
      } else if (char === '}' || char === ']') {
        stack = stack?.parent;
        depth--;
        from = i + 1;
      }
    }
    const name = NAME_MEMBER.exec(line);
    if (name && stack && !stack.name) stack.name = name[1] ?? name[2]!;
    // A line that leaves an object open belongs to it; one that closes an object, or opens and closes a list on
    // the same line (`tcp dport { 443, 8443 }`, `ports = ["443"]`), to the object it started in.
    owner.push(depth > 0 ? stack : start);
  }
  return owner.map(frameLabel);
}

/** PAN-OS XML: the innermost `<entry name=…>`, kind from its container (`address`, `address-group`, `security rule`). */
function xmlLabels(lines: readonly string[]): ObjectLabel[] {
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
        stack.pop();
        cached = undefined;
      } else if (first !== '!' && first !== '?' && line[end - 1] !== '/') {
        const inner = line.slice(at + 1, end);
        const space = inner.indexOf(' ');
        const entry = space > 0 && inner.includes('name=') ? /\bname="([^"]*)"/.exec(inner) : null;
        stack.push({ tag: space < 0 ? inner : inner.slice(0, space), ...(entry ? { name: entry[1]! } : {}) });
        cached = undefined;
      }
      at = end;
    }
    return label ?? current();
  });
}

/** iptables-restore: `-A CHAIN … --comment "req: …"` is rule `req` of CHAIN; `:CHAIN` and `*table` name themselves. */
function iptablesLabel(line: string): ObjectLabel {
  const rule = /^-[AI]\s+(\S+)/.exec(line);
  if (rule) {
    const comment = /--comment\s+(?:"([^"]*)"|(\S+))/.exec(line);
    const id = (comment?.[1] ?? comment?.[2])?.split(':')[0]?.trim();
    return id ? { kind: `rule ${rule[1]}`, name: id } : { kind: 'chain', name: rule[1]! };
  }
  const chain = /^:(\S+)/.exec(line);
  if (chain) return { kind: 'chain', name: chain[1]! };
  const table = /^\*(\S+)/.exec(line);
  return table ? { kind: 'table', name: table[1]! } : NO_OBJECT;
}

/**
 * ipset restore: every line of a set's block belongs to that set, including the scratch set it is filled in and
 * swapped from (iptables render.ts: `create X`, `create tw_swap`, `add tw_swap …`, `swap tw_swap X`).
 */
function ipsetLabels(lines: readonly string[]): ObjectLabel[] {
  const swapped = new Set(lines.flatMap((line) => /^swap\s+(\S+)\s+\S+/.exec(line)?.[1] ?? []));
  let current = NO_OBJECT;
  return lines.map((line, index) => {
    const heading = /^#\s*([^\s:]+):/.exec(line);
    if (heading && lines.slice(index + 1).find((next) => !next.startsWith('#'))?.startsWith(`create ${heading[1]} `)) current = { kind: 'set', name: heading[1]! };
    const create = /^create\s+(\S+)/.exec(line);
    if (create && !swapped.has(create[1]!)) current = { kind: 'set', name: create[1]! };
    return line.startsWith('#') && !heading ? NO_OBJECT : current;
  });
}

/** PAN-OS set commands: one object per line, named after its kind (`address X`, `address-group X`, `security rule X`). */
function setCommandLabel(line: string): ObjectLabel {
  const words = [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2]!);
  if (words[0] !== 'set') return NO_OBJECT;
  const rules = words.indexOf('rules');
  if (rules > 0 && words[rules + 1]) return { kind: `${words[rules - 1]} rule`, name: words[rules + 1]! };
  let at = 1;
  if (words[at] === 'shared') at++;
  else if (['device-group', 'vsys', 'template'].includes(words[at] ?? '')) at += 2;
  if (words[at] === 'profiles') at++;
  return words[at + 1] ? { kind: words[at]!, name: words[at + 1]! } : NO_OBJECT;
}

/** For each line, the object it belongs to, read the way the artifact's format structures objects. */
export function objectLabels(lines: readonly string[], format: string): ObjectLabel[] {
  switch (format) {
    case 'arm':
    case 'bicep':
    case 'terraform':
      return bracketLabels(lines);
    case 'nft':
      // A rule is named by its comment's requirement id, as in iptables (`comment "req: …"`).
      return bracketLabels(lines).map((label, index) => {
        const comment = label.kind === 'chain' ? /\bcomment\s+"([^":]+):/.exec(lines[index]!) : null;
        return comment ? { kind: `rule ${label.name}`, name: comment[1]!.trim() } : label;
      });
    case 'xml':
      return xmlLabels(lines);
    case 'iptables-restore':
    case 'ip6tables-restore':
      return lines.map(iptablesLabel);
    case 'ipset':
      return ipsetLabels(lines);
    case 'set':
      return lines.map(setCommandLabel);
    default:
      // edl and dnsmasq lists have no objects (the file is the object), and no braces: unknown formats are read
      // as brace-structured, which they most often are.
      return bracketLabels(lines);
  }
}

export interface ObjectChange {
  /** The object the changed lines belong to (`routes tw-10.0.0.0_8`, `set tw4_Storage`); '' when the format has none. */
  readonly object: string;
  /** Its kind alone (`routes`, `address`), for grouping objects that come or go whole. */
  readonly kind: string;
  /** `added` / `removed` when the object exists on one side only (a new route, a gone address object). */
  readonly whole?: 'added' | 'removed';
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

export interface ArtifactDiff {
  readonly objects: readonly ObjectChange[];
  /** Line pairs that differ only in the recorded snapshot. */
  readonly provenanceOnly: number;
}

/** A line that is only a comma-separated list of addresses or prefixes (nft `elements = { … }` wraps them). */
const ADDRESS_LIST_LINE = /^(\s*)((?:[0-9A-Fa-f.:]+(?:\/\d+)?(?:-[0-9A-Fa-f.:]+)?\s*,\s*)+[0-9A-Fa-f.:]+(?:\/\d+)?(?:-[0-9A-Fa-f.:]+)?\s*,?)\s*$/;

/** A one-line list: Terraform `key = ["a", "b"]`, PAN-OS `set address-group X static [ a b ]`. */
const INLINE_LIST_LINE = /^((?:[^[\]{}"']|"[^"]*")*\[)\s*((?:"[^"]*"|[^\s[\]{}",]+)(?:(?:\s*,\s*|\s+)(?:"[^"]*"|[^\s[\]{}",]+))*)\s*,?\s*(\]\s*,?)\s*$/;

/**
 * The units a diff compares: lines (without a trailing comma), except that a list of prefixes or members counts element by element. One new
 * prefix early in a set shifts every wrapped line after it, and one new member rewrites a one-line list; counted
 * by line, a +1 change would read as +20/-20 (nft), or as one line of thousands of characters (Terraform).
 */
function diffItems(text: string): string[] {
  const items: string[] = [];
  for (const raw of text.split('\n')) {
    // A JSON or Bicep list that grows moves its comma (`"a"` → `"a",`); blank lines are layout. Neither is content.
    const line = raw.endsWith(',') || raw.endsWith(' ') || raw.endsWith('\t') || raw.endsWith('\r') ? raw.replace(/,\s*$/, '').trimEnd() : raw;
    if (!/\S/.test(line)) continue;
    // The regular expressions only where they can match: most lines of a large file have neither `,` nor `[`.
    const list = line.includes(',') ? ADDRESS_LIST_LINE.exec(line) : null;
    if (list) {
      for (const item of list[2]!.split(',')) if (item.trim()) items.push(`${list[1]}${item.trim()}`);
      continue;
    }
    const inline = line.includes('[') ? INLINE_LIST_LINE.exec(line) : null;
    if (inline) {
      for (const item of inline[2]!.matchAll(/"[^"]*"|[^\s,]+/g)) items.push(`${inline[1]} ${item[0]} ${inline[3]}`);
      continue;
    }
    items.push(line);
  }
  return items;
}

/**
 * Line-wise comparison of two versions of an artifact, grouped by the object each line belongs to (read as the
 * artifact's `format` structures objects: see objectLabels), in label order.
 */
export function diffArtifact(before: string, after: string, fromInfo: SnapshotInfo, toInfo: SnapshotInfo, format = ''): ArtifactDiff {
  if (before === after) return { objects: [], provenanceOnly: 0 };
  // Lines are compared object by object: the same line (`</entry>`, `<member>tagwall</member>`) recurs in many
  // objects, and a file-wide comparison would pin the new ones on whichever objects come last.
  const oldObjects = linesByObject(diffItems(before), format);
  const newObjects = linesByObject(diffItems(after), format);
  const objects: ObjectChange[] = [];
  let provenanceOnly = 0;
  for (const object of [...new Set([...oldObjects.keys(), ...newObjects.keys()])].sort(compareText)) {
    const old = oldObjects.get(object);
    const now = newObjects.get(object);
    const oldLines = old?.lines ?? [];
    const newLines = now?.lines ?? [];
    if (oldLines.length === newLines.length && oldLines.every((line, index) => line === newLines[index])) continue;
    let removed = unmatchedLines(oldLines, newLines);
    let added = unmatchedLines(newLines, oldLines);
    // Pair what is left after taking the snapshot's identity out of both sides: those pairs are provenance.
    const removedNormal = removed.map((index) => withoutProvenance(oldLines[index]!, fromInfo));
    const addedNormal = added.map((index) => withoutProvenance(newLines[index]!, toInfo));
    const removedKept = unmatchedLines(removedNormal, addedNormal);
    const addedKept = unmatchedLines(addedNormal, removedNormal);
    provenanceOnly += removed.length - removedKept.length;
    removed = removedKept.map((i) => removed[i]!);
    added = addedKept.map((i) => added[i]!);
    if (removed.length === 0 && added.length === 0) continue;
    const whole = object === '' ? undefined : !old ? 'added' : !now ? 'removed' : undefined;
    objects.push({
      object,
      kind: (now ?? old)!.kind,
      ...(whole ? { whole } : {}),
      added: added.map((index) => newLines[index]!),
      removed: removed.map((index) => oldLines[index]!),
    });
  }
  return { objects, provenanceOnly };
}

/** Lines grouped by the object they belong to (label text → kind and lines, in file order). */
function linesByObject(lines: readonly string[], format: string): Map<string, { kind: string; lines: string[] }> {
  const labels = objectLabels(lines, format);
  const objects = new Map<string, { kind: string; lines: string[] }>();
  let previous: ObjectLabel | undefined;
  let entry: { kind: string; lines: string[] } | undefined;
  lines.forEach((line, index) => {
    const label = labels[index]!;
    // Consecutive lines mostly share one label object: look the object up only when it changes.
    if (label !== previous || !entry) {
      const text = labelText(label);
      entry = objects.get(text);
      if (!entry) objects.set(text, (entry = { kind: label.kind, lines: [] }));
      previous = label;
    }
    entry.lines.push(line);
  });
  return objects;
}

// ─── ipset sizes ────────────────────────────────────────────────────────────────────────────────────────

/** `create NAME hash:net … maxelem N` of an ipset restore file: set name → maxelem. */
function ipsetMaxelem(content: string): Map<string, number> {
  const sizes = new Map<string, number>();
  // The scratch set a set is filled in (`swap tw_swap X`) is destroyed after the swap: its size never persists.
  const scratch = new Set([...content.matchAll(/^swap\s+(\S+)\s/gm)].map((match) => match[1]!));
  for (const match of content.matchAll(/^create\s+(\S+)\s+\S+.*?\bmaxelem\s+(\d+)/gm)) if (!scratch.has(match[1]!) && !sizes.has(match[1]!)) sizes.set(match[1]!, Number(match[2]));
  return sizes;
}

/**
 * Sets whose `maxelem` changes. A set that outgrows 65,536 elements is created with a larger maxelem, and
 * `ipset restore -exist` refuses to create a set that exists with another maxelem ("Set cannot be created: set
 * with the same name already exists", checked with ipset 7.17; a changed hashsize it accepts): the reload that
 * carried the new prefixes fails until the set is destroyed, so it is a limit finding, not a line change.
 */
export function ipsetResizes(before: string, after: string): Array<{ set: string; from: number; to: number }> {
  const old = ipsetMaxelem(before);
  return [...ipsetMaxelem(after)]
    .filter(([name, size]) => old.has(name) && old.get(name) !== size)
    .map(([set, to]) => ({ set, from: old.get(set)!, to }));
}
