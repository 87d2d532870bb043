/**
 * Two versions of a generated file, compared as a reviewer reads them: line by line within the object (rule, set,
 * address object) each line belongs to, as the target that wrote it reads its format (Target.labels); wrapped prefix lists element by element;
 * lines that differ only in the snapshot they record (change number, date, file name) set apart as provenance.
 */
import type { SnapshotInfo } from '../servicetags/types.js';
import { bracketLabels, xmlLabelRuns, xmlLabels } from '../targets/labels.js';
import { IPTABLES_LABELS, ipsetLabelRuns } from '../targets/netfilter/iptables/labels.js';
import type { ArtifactLabeller, ObjectLabel } from '../targets/target.js';
import { compareText } from './model.js';

// ─── line diffs ─────────────────────────────────────────────────────────────────────────────────────────

/**
 * The lines of `a` not matched by an equal line of `b` (as multisets), and those of `b` not matched in `a`, each as
 * indices in order: of each distinct line, the occurrences past as many as the other side has. One count of `b`
 * and one pass over each side: `b` is counted, `a` matched against the counts, and what is left over is then, for
 * each value, `b`'s surplus of it, its last occurrences: a walk of `b` from its end marks them (two one-way matches
 * counted each side once and looked each line up once more; a changed object of an impact, a set of 1,500 prefixes,
 * is compared both ways: issue 22).
 *
 * A common prefix matches itself: its lines are the first occurrences of their values on both sides, which the
 * multiset match would pair anyway, so only the rest is counted. A changed object (a set or group that gained a few
 * prefixes among thousands) mostly starts alike, and its lines then cost no map entry. (A common suffix could not be
 * skipped so: the match pairs the first occurrences, and which of equal lines stay unmatched is output.)
 */
export function unmatchedBothWays(a: readonly string[], b: readonly string[]): [number[], number[]] {
  let start = 0;
  const common = Math.min(a.length, b.length);
  while (start < common && a[start] === b[start]) start++;
  const surplus = new Map<string, number>();
  for (let index = start; index < b.length; index++) {
    const line = b[index]!;
    surplus.set(line, (surplus.get(line) ?? 0) + 1);
  }
  const onlyA: number[] = [];
  for (let index = start; index < a.length; index++) {
    const line = a[index]!;
    const count = surplus.get(line);
    if (count) surplus.set(line, count - 1);
    else onlyA.push(index);
  }
  // How many lines of `b` are left unmatched: its lines past the prefix less those `a` matched. The walk stops
  // when it has found them all.
  let left = b.length - a.length + onlyA.length;
  const onlyB: number[] = [];
  for (let index = b.length - 1; left > 0; index--) {
    const line = b[index]!;
    const count = surplus.get(line)!;
    if (count) {
      surplus.set(line, count - 1);
      onlyB.push(index);
      left--;
    }
  }
  return [onlyA, onlyB.reverse()];
}

/** A line with the snapshot's identity (change number, date, file name) replaced by placeholders. */
export function withoutProvenance(line: string, info: SnapshotInfo): string {
  return provenanceRemover(info)(line);
}

/**
 * The remover of each snapshot, made once: an impact report takes the provenance out of every diagnostic (a few
 * hundred, with a new expression each when made per line) and of every changed line of 11 artifacts (issue 22).
 */
const REMOVERS = new WeakMap<SnapshotInfo, (line: string) => string>();

function provenanceRemover(info: SnapshotInfo): (line: string) => string {
  // Only a frozen info (a Snapshot's) is kept: one a caller builds could change between calls.
  if (!Object.isFrozen(info)) return makeProvenanceRemover(info);
  let remover = REMOVERS.get(info);
  if (!remover) REMOVERS.set(info, (remover = makeProvenanceRemover(info)));
  return remover;
}

/**
 * withoutProvenance for many lines of one snapshot: the change number's expression, the date's two spellings and the
 * file name are worked out once, not for every line.
 */
function makeProvenanceRemover(info: SnapshotInfo): (line: string) => string {
  // A global expression is safe to reuse: `replace` starts from the beginning of the text whatever its lastIndex.
  const digits = String(info.changeNumber);
  const changeNumber = new RegExp(`\\b${digits}\\b`, 'g');
  // Digits alone match only where they stand in a line; a number written otherwise (`1e+21`) is an expression.
  const wholeNumber = /^\d+$/.test(digits);
  const date = info.date;
  const compactDate = date ? date.replace(/-/g, '') : '';
  const file = info.source.split(/[\\/]/).pop();
  // Each replacement only where its text occurs (a native search first): the lines that reach here are the changed
  // lines of every changed object (a few thousand in `impact`), and few of them name the snapshot.
  return (line) => {
    let text = !wholeNumber || line.includes(digits) ? line.replace(changeNumber, '<change-number>') : line;
    if (date) {
      if (text.includes(date)) text = text.split(date).join('<date>');
      if (text.includes(compactDate)) text = text.split(compactDate).join('<date>');
    }
    if (file && text.includes(file)) text = text.split(file).join('<source>');
    return text;
  };
}

// ─── objects: which rule, set or object a line belongs to ──────────────────────────────────────────────

const MAX_LABEL = 120;

export function labelText(label: ObjectLabel): string {
  const text = label.kind && label.name ? `${label.kind} ${label.name}` : label.kind || label.name;
  return text.length > MAX_LABEL ? text.slice(0, MAX_LABEL) : text;
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

/**
 * The addresses of ADDRESS_LIST_LINE's list: its runs of characters other than white space and commas. An address
 * has neither, and between two there is a comma, so these are the comma-separated items trimmed, the empty one
 * after a final comma left out, with no string per item cut and then trimmed (twice) first (issue 22).
 */
const ADDRESSES = /[^\s,]+/g;

/** A one-line list: Terraform `key = ["a", "b"]`, PAN-OS `set address-group X static [ a b ]`. */
const INLINE_LIST_LINE = /^((?:[^[\]{}"']|"[^"]*")*\[)\s*((?:"[^"]*"|[^\s[\]{}",]+)(?:(?:\s*,\s*|\s+)(?:"[^"]*"|[^\s[\]{}",]+))*)\s*,?\s*(\]\s*,?)\s*$/;

/**
 * The units a diff compares: lines (without a trailing comma), except that a list of prefixes or members counts element by element. One new
 * prefix early in a set shifts every wrapped line after it, and one new member rewrites a one-line list; counted
 * by line, a +1 change would read as +20/-20 (nft), or as one line of thousands of characters (Terraform).
 * Exported for its test.
 */
export function diffItems(text: string): string[] {
  const lines = text.split('\n');
  // Most lines of a large file are items as they are: they stay in the array split made, which is copied only from
  // the first line that is dropped, trimmed or expanded. Growing a second array line by line cost a cold process
  // more than the split itself (PAN-OS: 27k lines a side).
  let items: string[] | undefined;
  // Asked once of the whole text: PAN-OS XML and ipset files have no `[`, and few lines of any file have a `,`.
  const commas = text.includes(',');
  const brackets = text.includes('[');
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index]!;
    // A JSON or Bicep list that grows moves its comma (`"a"` → `"a",`); blank lines are layout. Neither is content.
    const last = raw.charCodeAt(raw.length - 1);
    const trimmed = last === 0x2c /* , */ || last === 0x20 || last === 0x09 || last === 0x0d;
    const line = trimmed ? withoutTrailingComma(raw) : raw;
    // A line kept as it is that ends with a visible ASCII character is not blank (most lines of a large file: no
    // loop over their indent); a trimmed one is blank when nothing is left (ARM JSON: most lines end with a comma,
    // and their indent was looked at character by character); the others start with one or an indent before one,
    // or get the regular expression.
    const endsVisible = !trimmed && last > 0x20 && last < 0x7f;
    if (trimmed ? line.length === 0 : !endsVisible && !startsVisible(line) && !/\S/.test(line)) {
      items ??= lines.slice(0, index);
      continue;
    }
    // The regular expressions only where they can match: most lines of a large file have neither `,` nor `[`.
    const list = commas && line.includes(',') ? ADDRESS_LIST_LINE.exec(line) : null;
    if (list) {
      items ??= lines.slice(0, index);
      const indent = list[1]!;
      for (const address of list[2]!.match(ADDRESSES)!) items.push(`${indent}${address}`);
      continue;
    }
    const inline = brackets && line.includes('[') ? INLINE_LIST_LINE.exec(line) : null;
    if (inline) {
      items ??= lines.slice(0, index);
      for (const item of inline[2]!.matchAll(/"[^"]*"|[^\s,]+/g)) items.push(`${inline[1]} ${item[0]} ${inline[3]}`);
      continue;
    }
    if (items) items.push(line);
    else if (line !== raw) (items = lines.slice(0, index)).push(line);
  }
  return items ?? lines;
}

/**
 * `line.replace(/,\s*$/, '').trimEnd()` without the expression: a comma that only white space follows is the last
 * character left when the white space is trimmed (`\s` and trimEnd take the same characters).
 */
function withoutTrailingComma(line: string): string {
  const text = line.trimEnd();
  return text.charCodeAt(text.length - 1) === 0x2c /* , */ ? text.slice(0, -1).trimEnd() : text;
}

/** Whether the first character that is not an ASCII space is a visible ASCII one (a line that is not blank). */
function startsVisible(line: string): boolean {
  let at = 0;
  while (line.charCodeAt(at) === 0x20) at++;
  const code = line.charCodeAt(at);
  return code > 0x20 && code < 0x7f;
}

/**
 * Line-wise comparison of two versions of an artifact, grouped by the object each line belongs to (read by the
 * labeller of the target that wrote it, `Target.labels[format]`; brace structure when there is none), in label order.
 */
export function diffArtifact(before: string, after: string, fromInfo: SnapshotInfo, toInfo: SnapshotInfo, labels: ArtifactLabeller = bracketLabels): ArtifactDiff {
  if (before === after) return { objects: [], provenanceOnly: 0 };
  // Lines are compared object by object: the same line (`</entry>`, `<member>tagwall</member>`) recurs in many
  // objects, and a file-wide comparison would pin the new ones on whichever objects come last.
  const runsOf = TEXT_RUNS.get(labels);
  const beforeEnd = runsOf ? plainLinesEnd(before) : -1;
  const afterEnd = beforeEnd >= 0 ? plainLinesEnd(after) : -1;
  // Both sides' objects in one index: an object of the newer side finds its older twin as it is grouped, not looked
  // up again afterwards in an index of its own.
  const index = new ObjectIndex();
  const [oldObjects, newObjects] =
    afterEnd >= 0
      ? [textByObject(before, beforeEnd, runsOf!, index, OLD), textByObject(after, afterEnd, runsOf!, index, NEW)]
      : [linesByObject(diffItems(before), labels, index, OLD), linesByObject(diffItems(after), labels, index, NEW)];
  const objects: ObjectChange[] = [];
  let provenanceOnly = 0;
  const withoutOldProvenance = provenanceRemover(fromInfo);
  const withoutNewProvenance = provenanceRemover(toInfo);
  // Only objects whose lines differ are sorted: a large configuration has thousands of objects and few change.
  // Their label texts are distinct (one object per text), so code-point order places them whatever order they came in.
  for (const { object, old, now } of changedObjects(index, oldObjects, newObjects).sort((a, b) => compareText(a.object, b.object))) {
    const oldLines = linesOf(oldObjects, old);
    const newLines = linesOf(newObjects, now);
    let [removed, added] = unmatchedBothWays(oldLines, newLines);
    // Pair what is left after taking the snapshot's identity out of both sides: those pairs are provenance.
    const removedNormal = removed.map((index) => withoutOldProvenance(oldLines[index]!));
    const addedNormal = added.map((index) => withoutNewProvenance(newLines[index]!));
    const [removedKept, addedKept] = unmatchedBothWays(removedNormal, addedNormal);
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

/**
 * An object's lines on one side as runs of consecutive items (`[start, end)` pairs in file order): an object's lines
 * are mostly one run, so grouping pushes once per run rather than once per line, and an unchanged object is compared
 * in place. Its lines are copied out only when it changed.
 */
interface ObjectRuns {
  /** The kind of the side's first label with this text. */
  readonly kind: string;
  /** Indices into `items`, or offsets into `text` (a run's lines without the newline after the last). */
  runs: number[];
  /** How many lines (items) or characters (text) the runs hold. */
  count: number;
}

/** One label text's object: the first label with the text (labelText of it is the object's name), its runs on each side. */
export interface IndexedObject {
  readonly label: ObjectLabel;
  /** Its runs in the older file; undefined when the older file has no such object. */
  old: ObjectRuns | undefined;
  /** Its runs in the newer file; undefined when it has no such object. */
  now: ObjectRuns | undefined;
}

/** Which side of a diff a file is. */
type Side = 'old' | 'now';
const OLD: Side = 'old';
const NEW: Side = 'now';

interface ObjectLines {
  readonly items: readonly string[];
  /** The file, when its lines are its items and the runs are offsets into it (textByObject). */
  readonly text?: string;
}

/** An object on one side or both: its label text, and its runs on each side. */
interface ObjectPair {
  readonly object: string;
  readonly old: ObjectRuns | undefined;
  readonly now: ObjectRuns | undefined;
}

/** The objects that are on one side only or whose lines differ, each once, in no particular order. */
function changedObjects(index: ObjectIndex, old: ObjectLines, now: ObjectLines): ObjectPair[] {
  const changed: ObjectPair[] = [];
  const objects = index.objects;
  for (let at = 0; at < objects.length; at++) {
    const { label, old: oldRuns, now: newRuns } = objects[at]!;
    if (!oldRuns || !newRuns || !sameLines(old, oldRuns, now, newRuns)) changed.push({ object: labelText(label), old: oldRuns, now: newRuns });
  }
  return changed;
}

function sameLines(aSide: ObjectLines, a: ObjectRuns, bSide: ObjectLines, b: ObjectRuns): boolean {
  // Text mode: counts are characters, which one object's runs and another's can split differently. Texts of
  // different lengths (its characters and a newline between two runs) differ without being cut out; an object of
  // one run on each side (nearly all) is compared in place on one side.
  if (aSide.text !== undefined && bSide.text !== undefined) {
    if (a.count + a.runs.length / 2 !== b.count + b.runs.length / 2) return false;
    if (a.runs.length === 2 && b.runs.length === 2) return aSide.text.startsWith(bSide.text.slice(b.runs[0], b.runs[1]), a.runs[0]);
    return runText(aSide.text, a) === runText(bSide.text, b);
  }
  if (a.count !== b.count) return false;
  const aItems = aSide.items;
  const bItems = bSide.items;
  if (a.runs.length === 2 && b.runs.length === 2) {
    // One run on each side (nearly every object): compared where the lines are.
    const offset = b.runs[0]! - a.runs[0]!;
    for (let index = a.runs[0]!, end = a.runs[1]!; index < end; index++) if (aItems[index] !== bItems[index + offset]) return false;
    return true;
  }
  const aLines = linesOf(aSide, a);
  const bLines = linesOf(bSide, b);
  for (let index = 0; index < aLines.length; index++) if (aLines[index] !== bLines[index]) return false;
  return true;
}

/** An object's lines in file order (empty for an object the side does not have). */
function linesOf(side: ObjectLines, object: ObjectRuns | undefined): string[] {
  if (!object) return [];
  if (side.text !== undefined) return runText(side.text, object).split('\n');
  const items = side.items;
  // One run (nearly every object): copied natively, not pushed line by line (a changed set holds thousands).
  if (object.runs.length === 2) return items.slice(object.runs[0], object.runs[1]);
  const lines: string[] = [];
  for (let run = 0; run < object.runs.length; run += 2) for (let index = object.runs[run]!; index < object.runs[run + 1]!; index++) lines.push(items[index]!);
  return lines;
}

/**
 * A text-mode object's lines joined by newlines: its one run as it stands in the file, or its runs joined. Two
 * objects have the same lines exactly when these are equal (no line holds a newline), so an unchanged object is
 * compared as one string, natively, instead of line by line.
 */
function runText(text: string, object: ObjectRuns): string {
  const runs = object.runs;
  if (runs.length === 2) return text.slice(runs[0], runs[1]);
  const parts: string[] = [];
  for (let run = 0; run < runs.length; run += 2) parts.push(text.slice(runs[run], runs[run + 1]));
  return parts.join('\n');
}

/** Items grouped by the object they belong to (label text → kind and runs of lines, in file order), into `index` as `side`. */
function linesByObject(items: readonly string[], labeller: ArtifactLabeller, index: ObjectIndex, side: Side): ObjectLines {
  const labels = labeller(items);
  const grouper = new ObjectGrouper(index, side);
  let previous: ObjectLabel | undefined;
  for (let at = 0; at < items.length; at++) {
    const label = labels[at]!;
    // Consecutive lines mostly share one label object: look the object up only when it changes.
    if (label === previous) continue;
    previous = label;
    grouper.add(label, at, at);
  }
  grouper.finish(items.length);
  return { items };
}

/**
 * Objects by their label text (labelText), found without making that text for most labels: the text cut at its
 * first space is two keys, and a label of a kind without spaces and a name, short enough to be whole, is cut there
 * already (`kind`, `name`); other labels make their text and cut it. Equal texts are thus equal keys, and unequal
 * ones unequal keys. A PAN-OS config has thousands of entries a side, and each entry's text, made and flattened to be
 * a key, was kept to the end of `impact` (issue 22). Exported for its test.
 */
export class ObjectIndex {
  /** Texts with a space: the part before the first, then the rest. */
  readonly #spaced = new Map<string, Map<string, IndexedObject>>();
  /** Texts without one. */
  readonly #plain = new Map<string, IndexedObject>();
  /** Every object, in the order they were added. */
  readonly #all: IndexedObject[] = [];
  /** The kind of the last label findOrAdd found cut already (isCutAlready), and its texts' map in #spaced. */
  #lastKind: string | undefined;
  #lastInner: Map<string, IndexedObject> | undefined;

  /** The object of the label's text, added (with the label and no runs) when there is none. */
  findOrAdd(label: ObjectLabel): IndexedObject {
    const { kind, name } = label;
    let inner: Map<string, IndexedObject> | undefined;
    let key: string;
    if (kind === this.#lastKind && name !== '' && kind.length + 1 + name.length <= MAX_LABEL) {
      // isCutAlready for the kind of the last label that was (a kind already known to be without spaces): most
      // labels in a row share theirs (a PAN-OS config's thousands of address objects), and its map is at hand.
      inner = this.#lastInner!;
      key = name;
    } else if (isCutAlready(kind, name)) {
      inner = this.#spaced.get(kind);
      if (!inner) this.#spaced.set(kind, (inner = new Map()));
      this.#lastKind = kind;
      this.#lastInner = inner;
      key = name;
    } else {
      const text = labelText(label);
      const space = text.indexOf(' ');
      if (space < 0) {
        inner = this.#plain;
        key = text;
      } else {
        const before = text.slice(0, space);
        inner = this.#spaced.get(before);
        if (!inner) this.#spaced.set(before, (inner = new Map()));
        key = text.slice(space + 1);
      }
    }
    let object = inner.get(key);
    if (!object) {
      inner.set(key, (object = { label, old: undefined, now: undefined }));
      this.#all.push(object);
    }
    return object;
  }

  /** Every object, in the order they were added. */
  get objects(): readonly IndexedObject[] {
    return this.#all;
  }
}

/**
 * Whether labelText of (kind, name) is `kind name`, its first space the one after `kind`: both are there, the
 * kind has no space, and the text is not cut at MAX_LABEL.
 */
function isCutAlready(kind: string, name: string): boolean {
  return kind !== '' && name !== '' && kind.length + 1 + name.length <= MAX_LABEL && !kind.includes(' ');
}

/**
 * Runs of one file's lines grouped by the object their label names, in file order, into the side `side` of the
 * index's objects: the one grouping for lines (indices into items) and for text (offsets into a file). A run is
 * started only when the object changes (two label objects can have one text).
 */
class ObjectGrouper {
  private entry: ObjectRuns | undefined;
  private start = 0;

  constructor(
    private readonly objects: ObjectIndex,
    private readonly side: Side,
  ) {}

  /** Lines labelled `label` from `start`; the run before, if this is another object, ends at `previousEnd`. */
  add(label: ObjectLabel, start: number, previousEnd: number): void {
    const object = this.objects.findOrAdd(label);
    // The side's runs start with the first label of the text met on this side (its kind is the object's there).
    const next = this.side === OLD ? (object.old ??= { kind: label.kind, runs: NO_RUNS, count: 0 }) : (object.now ??= { kind: label.kind, runs: NO_RUNS, count: 0 });
    if (next === this.entry) return;
    if (this.entry) closeRun(this.entry, this.start, previousEnd);
    this.entry = next;
    this.start = start;
  }

  /** Ends the last run at `end`. */
  finish(end: number): void {
    if (this.entry) closeRun(this.entry, this.start, end);
  }
}

// ─── the diff without splitting: files whose lines are their items ─────────────────────────────────────

/**
 * Labellers that can label a file's lines where they stand, as runs (the lines `labeller(lines)` gives one label
 * object in a row), without the file being split into lines.
 */
const TEXT_RUNS = new Map<ArtifactLabeller, (text: string, end: number) => { starts: number[]; labels: ObjectLabel[] }>([
  [xmlLabels, xmlLabelRuns],
  // ipset restore files: thousands of `add SET prefix` lines whose label is the set's, passed over natively.
  [IPTABLES_LABELS['ipset']!, ipsetLabelRuns],
]);

/** A line that does not end with a visible ASCII character other than a comma, by the character before its newline. */
const UNPLAIN_LINE_END = /[^\x21-\x2b\x2d-\x7e]\n/;

/**
 * Whether a line of `text` is a list of addresses (ADDRESS_LIST_LINE). Only a line with a comma can be, so only
 * those are cut out and tested: a PAN-OS config has a few (descriptions) among 27k lines, and the expression run
 * over the whole file in multi-line mode tried every position of it: 74M instructions of a cold `impact` for the two
 * sides, 22M for plainLinesEnd now (issue 22).
 */
function hasAddressListLine(text: string): boolean {
  for (let comma = text.indexOf(','); comma >= 0; ) {
    const start = text.lastIndexOf('\n', comma) + 1;
    let end = text.indexOf('\n', comma);
    if (end < 0) end = text.length;
    if (ADDRESS_LIST_LINE.test(text.slice(start, end))) return true;
    comma = text.indexOf(',', end);
  }
  return false;
}

/**
 * Where the lines of `text` that `diffItems` keeps end, when it keeps every one as it is: each ends with a visible
 * ASCII character other than a comma (nothing trimmed, none blank), none is a list of addresses and the file has no
 * `[` (nothing expanded). A final newline is left out (the empty line after it is dropped). -1 otherwise: a few
 * whole-file tests in native code instead of a look at each of a large file's lines.
 * @internal Exported for its test.
 */
export function plainLinesEnd(text: string): number {
  let end = text.length;
  if (end > 0 && text.charCodeAt(end - 1) === 0x0a) end--;
  if (end === 0 || text.charCodeAt(0) === 0x0a) return -1;
  const last = text.charCodeAt(end - 1);
  if (last < 0x21 || last > 0x7e || last === 0x2c) return -1;
  if (UNPLAIN_LINE_END.test(text) || text.includes('[')) return -1;
  if (hasAddressListLine(text)) return -1;
  return end;
}

/** linesByObject for a file whose lines are its items (plainLinesEnd): runs are offsets into `text[0, end)`. */
function textByObject(text: string, end: number, runsOf: (text: string, end: number) => { starts: number[]; labels: ObjectLabel[] }, index: ObjectIndex, side: Side): ObjectLines {
  const { starts, labels } = runsOf(text, end);
  const grouper = new ObjectGrouper(index, side);
  // The run before ends before the newline that ends its last line.
  for (let run = 0; run < starts.length; run++) grouper.add(labels[run]!, starts[run]!, starts[run]! - 1);
  grouper.finish(end);
  return { items: [], text };
}

/**
 * The runs of an object not closed yet (only `closeRun` adds to an object's runs, and replaces this first): an
 * object's first run is then an array of two, not a push into an empty array, which made room for 16 numbers
 * (a PAN-OS config's ~3,900 objects a side: 1.97 -> 1.38 MB allocated by the old side's grouping; issue 22).
 */
const NO_RUNS: number[] = [];

function closeRun(object: ObjectRuns, start: number, end: number): void {
  if (object.runs === NO_RUNS) object.runs = [start, end];
  else object.runs.push(start, end);
  object.count += end - start;
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
