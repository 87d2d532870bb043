/** How reports name the objects of iptables-restore and ipset restore files (Target.labels). */
import { NO_OBJECT } from '../../labels.js';
import type { ArtifactLabeller, ObjectLabel } from '../../target.js';

/** iptables-restore: `-A CHAIN … --comment "req: …"` is rule `req` of CHAIN; `:CHAIN` and `*table` name themselves. */
function iptablesLabel(line: string): ObjectLabel {
  // Each form starts with its own character; the other lines (COMMIT, comments) name nothing, without three
  // regular expressions each (the ipset and rule files of a large set run to thousands of lines).
  const first = line.charCodeAt(0);
  if (first !== 0x2d /* - */ && first !== 0x3a /* : */ && first !== 0x2a /* * */) return NO_OBJECT;
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

/** The first line from `from` on that is not a `#` comment (no copy of the rest of the file per heading). */
function firstLineAfterComments(lines: readonly string[], from: number): string | undefined {
  for (let index = from; index < lines.length; index++) if (!lines[index]!.startsWith('#')) return lines[index];
  return undefined;
}

/**
 * ipset restore: every line of a set's block belongs to that set, including the scratch set it is filled in and
 * swapped from (iptables render.ts: `create X`, `create tw_swap`, `add tw_swap …`, `swap tw_swap X`).
 */
function ipsetLabels(lines: readonly string[]): ObjectLabel[] {
  // The expressions only for lines that start as they require (`swap`, `#`, `create`): most lines are `add SET prefix`.
  const swapped = new Set<string>();
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const swap = line.charCodeAt(0) === 0x73 /* s */ ? /^swap\s+(\S+)\s+\S+/.exec(line) : null;
    if (swap) swapped.add(swap[1]!);
  }
  let current = NO_OBJECT;
  const labels = new Array<ObjectLabel>(lines.length);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const first = line.charCodeAt(0);
    const heading = first === 0x23 /* # */ ? /^#\s*([^\s:]+):/.exec(line) : null;
    if (heading && firstLineAfterComments(lines, index + 1)?.startsWith(`create ${heading[1]} `)) current = { kind: 'set', name: heading[1]! };
    const create = first === 0x63 /* c */ ? /^create\s+(\S+)/.exec(line) : null;
    if (create && !swapped.has(create[1]!)) current = { kind: 'set', name: create[1]! };
    labels[index] = first === 0x23 && !heading ? NO_OBJECT : current;
  }
  return labels;
}

/**
 * The labels of the lines of `text[0, end)` as ipsetLabels gives them for `text.slice(0, end).split('\n')`, as runs:
 * `starts[i]` is where run i's first line starts, `labels[i]` the label its lines share (artifact-diff.ts reads a
 * file so without splitting it). Only a line that starts with `#` or `c` can take a label other than the set
 * being written, and only one that starts with `swap` names a scratch set: the `add` lines between them (nearly
 * all of a large set's file: thousands in `impact`'s two files) are passed over by one native search, not read
 * one by one. Property-tested against ipsetLabels (test/impact-labels.test.ts).
 */
export function ipsetLabelRuns(text: string, end: number): { starts: number[]; labels: ObjectLabel[] } {
  const body = end === text.length ? text : text.slice(0, end);
  const swapped = new Set<string>();
  for (let at = 0; at >= 0; ) {
    const swap = body.startsWith('swap', at) ? /^swap\s+(\S+)\s+\S+/.exec(lineAt(body, at)) : null;
    if (swap) swapped.add(swap[1]!);
    const next = body.indexOf('\nswap', at);
    at = next < 0 ? -1 : next + 1;
  }
  const starts: number[] = [];
  const labels: ObjectLabel[] = [];
  let current = NO_OBJECT;
  let previous: ObjectLabel | undefined;
  const special = /\n[#c]/g;
  for (let at = 0; ; ) {
    const first = body.charCodeAt(at);
    let label = current;
    if (first === 0x23 /* # */ || first === 0x63 /* c */) {
      const line = lineAt(body, at);
      const heading = first === 0x23 ? /^#\s*([^\s:]+):/.exec(line) : null;
      if (heading && firstLineAfterCommentsIn(body, at + line.length + 1)?.startsWith(`create ${heading[1]} `)) current = { kind: 'set', name: heading[1]! };
      const create = first === 0x63 ? /^create\s+(\S+)/.exec(line) : null;
      if (create && !swapped.has(create[1]!)) current = { kind: 'set', name: create[1]! };
      label = first === 0x23 && !heading ? NO_OBJECT : current;
    }
    if (label !== previous) {
      starts.push(at);
      labels.push((previous = label));
    }
    if (first === 0x23 || first === 0x63) {
      // The next line, whatever it starts with.
      const newline = body.indexOf('\n', at);
      if (newline < 0) break;
      at = newline + 1;
      continue;
    }
    // Lines that take `current` until the next that starts with `#` or `c`.
    special.lastIndex = at;
    const next = special.exec(body);
    if (!next) break;
    at = next.index + 1;
  }
  return { starts, labels };
}

/** The line of `text` that starts at `start`, without its newline. */
function lineAt(text: string, start: number): string {
  const newline = text.indexOf('\n', start);
  return text.slice(start, newline < 0 ? text.length : newline);
}

/** firstLineAfterComments for the lines of `text` from the one that starts at `from` (none past the text's end). */
function firstLineAfterCommentsIn(text: string, from: number): string | undefined {
  for (let at = from; at <= text.length; ) {
    const line = lineAt(text, at);
    if (!line.startsWith('#')) return line;
    at += line.length + 1;
  }
  return undefined;
}

export const IPTABLES_LABELS: Readonly<Record<string, ArtifactLabeller>> = {
  'iptables-restore': (lines) => lines.map(iptablesLabel),
  'ip6tables-restore': (lines) => lines.map(iptablesLabel),
  ipset: ipsetLabels,
  // dnsmasq lists have no objects (the file is the object) and no braces: brace structure gives every line none.
};
