/**
 * The artifact diff and its per-line readers, tied to the simpler forms they replaced (kept here as references): the
 * blank-line test without a regular expression for lines that start or end visibly, the PAN-OS XML labeller that
 * keeps its label across elements without a name, the brace labeller that skips lines without a quote or bracket,
 * the ipset labeller that looks ahead without copying the file, and the diff that sorts only the objects that
 * changed and works out the snapshot's identity once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandedResolver } from '../src/analysis/resolve.js';
import { loadScenario } from '../src/catalogue/index.js';
import { diffArtifact, diffItems, labelText, ObjectIndex, plainLinesEnd, type IndexedObject, unmatchedBothWays, withoutProvenance, type ArtifactDiff, type ObjectChange } from '../src/reports/artifact-diff.js';
import { loadSnapshotFile } from '../src/servicetags/index.js';
import { defaultSnapshot } from '../src/servicetags/snapshot.js';
import type { SnapshotInfo } from '../src/servicetags/types.js';
import { bracketLabels, NO_OBJECT, xmlLabelRuns, xmlLabels } from '../src/targets/labels.js';
import { IPTABLES_LABELS, ipsetLabelRuns } from '../src/targets/netfilter/iptables/labels.js';
import { NFTABLES_LABELS } from '../src/targets/netfilter/nftables/labels.js';
import { findTarget } from '../src/targets/registry.js';
import type { ArtifactLabeller, ObjectLabel } from '../src/targets/target.js';
import { snapshotInfo } from './support/snapshot-info.js';

const ADDRESS_LIST_LINE = /^(\s*)((?:[0-9A-Fa-f.:]+(?:\/\d+)?(?:-[0-9A-Fa-f.:]+)?\s*,\s*)+[0-9A-Fa-f.:]+(?:\/\d+)?(?:-[0-9A-Fa-f.:]+)?\s*,?)\s*$/;
const INLINE_LIST_LINE = /^((?:[^[\]{}"']|"[^"]*")*\[)\s*((?:"[^"]*"|[^\s[\]{}",]+)(?:(?:\s*,\s*|\s+)(?:"[^"]*"|[^\s[\]{}",]+))*)\s*,?\s*(\]\s*,?)\s*$/;

function referenceDiffItems(text: string): string[] {
  const items: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith(',') || raw.endsWith(' ') || raw.endsWith('\t') || raw.endsWith('\r') ? raw.replace(/,\s*$/, '').trimEnd() : raw;
    if (!/\S/.test(line)) continue;
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

function referenceXmlLabels(lines: readonly string[]): ObjectLabel[] {
  const stack: Array<{ tag: string; name?: string; label?: ObjectLabel }> = [];
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

interface Frame {
  readonly kind: string;
  name: string;
  readonly parent: Frame | undefined;
}

const NAME_MEMBER = /^\s*"?name"?\s*[:=]\s*(?:"([^"]*)"|'([^']*)')\s*,?\s*$/;

function frameHeader(text: string): { kind: string; name: string } {
  const header = text.trim().replace(/\s*[=:]\s*$/, '').trim();
  if (header === '') return { kind: '', name: '' };
  const json = /^"([^"]+)"$/.exec(header);
  if (json) return { kind: json[1]!, name: '' };
  const words = [...header.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2] ?? match[3]!);
  if (words[0] === 'resource' && words.length >= 3) {
    const bicep = /[@/]/.test(words[2]!);
    return bicep ? { kind: words[2]!.replace(/@.*$/, ''), name: words[1]! } : { kind: words[1]!, name: words[2]! };
  }
  return { kind: words[0]!, name: words.slice(1).join(' ') };
}

function frameLabel(frame: Frame | undefined): ObjectLabel {
  for (let current = frame; current; current = current.parent) {
    if (current.name) return { kind: current.kind || current.parent?.kind || '', name: current.name };
  }
  return NO_OBJECT;
}

function referenceBracketLabels(lines: readonly string[]): ObjectLabel[] {
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
    let quote = 0;
    let from = 0;
    for (let i = 0; i < line.length; i++) {
      const char = line.charCodeAt(i);
      if (quote) {
        if (char === 0x5c) i++;
        else if (char === quote) quote = 0;
        continue;
      }
      if (char === 0x22 || char === 0x27) quote = char;
      else if (char === 0x7b || char === 0x5b) {
        const header = frameHeader(line.slice(from, i));
        stack = { kind: header.kind, name: header.name, parent: stack };
        from = i + 1;
        depth++;
      } else if (char === 0x7d || char === 0x5d) {
        stack = stack?.parent;
        depth--;
        from = i + 1;
      }
    }
    const name = NAME_MEMBER.exec(line);
    if (name && stack && !stack.name) stack.name = name[1] ?? name[2]!;
    owner.push(depth > 0 ? stack : start);
  }
  const labels = new Map<Frame | undefined, ObjectLabel>();
  return owner.map((frame) => {
    let label = labels.get(frame);
    if (!label) labels.set(frame, (label = frameLabel(frame)));
    return label;
  });
}

function referenceIpsetLabels(lines: readonly string[]): ObjectLabel[] {
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

function referenceIptablesLabel(line: string): ObjectLabel {
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

function referenceWithoutProvenance(line: string, info: SnapshotInfo): string {
  let text = line.replace(new RegExp(`\\b${info.changeNumber}\\b`, 'g'), '<change-number>');
  if (info.date) {
    text = text.split(info.date).join('<date>').split(info.date.replace(/-/g, '')).join('<date>');
  }
  const file = info.source.split(/[\\/]/).pop();
  if (file) text = text.split(file).join('<source>');
  return text;
}

function referenceLinesByObject(lines: readonly string[], labeller: ArtifactLabeller): Map<string, { kind: string; lines: string[] }> {
  const labels = labeller(lines);
  const objects = new Map<string, { kind: string; lines: string[] }>();
  lines.forEach((line, index) => {
    const label = labels[index]!;
    const text = labelText(label);
    let entry = objects.get(text);
    if (!entry) objects.set(text, (entry = { kind: label.kind, lines: [] }));
    entry.lines.push(line);
  });
  return objects;
}

/** unmatchedLines as it was first written: every line of `b` counted, `a` matched from its first line. */
function referenceUnmatchedLines(a: readonly string[], b: readonly string[]): number[] {
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

function referenceDiffArtifact(before: string, after: string, fromInfo: SnapshotInfo, toInfo: SnapshotInfo, labels: ArtifactLabeller): ArtifactDiff {
  if (before === after) return { objects: [], provenanceOnly: 0 };
  const oldObjects = referenceLinesByObject(referenceDiffItems(before), labels);
  const newObjects = referenceLinesByObject(referenceDiffItems(after), labels);
  const objects: ObjectChange[] = [];
  let provenanceOnly = 0;
  for (const object of [...new Set([...oldObjects.keys(), ...newObjects.keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const old = oldObjects.get(object);
    const now = newObjects.get(object);
    const oldLines = old?.lines ?? [];
    const newLines = now?.lines ?? [];
    if (oldLines.length === newLines.length && oldLines.every((line, index) => line === newLines[index])) continue;
    let removed = referenceUnmatchedLines(oldLines, newLines);
    let added = referenceUnmatchedLines(newLines, oldLines);
    const removedNormal = removed.map((index) => referenceWithoutProvenance(oldLines[index]!, fromInfo));
    const addedNormal = added.map((index) => referenceWithoutProvenance(newLines[index]!, toInfo));
    const removedKept = referenceUnmatchedLines(removedNormal, addedNormal);
    const addedKept = referenceUnmatchedLines(addedNormal, removedNormal);
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

/** Label texts, and which lines share one label object (the diff groups by identity first). */
function shape(labels: readonly ObjectLabel[]): { texts: string[]; sharing: number[] } {
  const first = new Map<ObjectLabel, number>();
  return {
    texts: labels.map((label) => `${label.kind}\u0000${label.name}`),
    sharing: labels.map((label, index) => {
      if (!first.has(label)) first.set(label, index);
      return first.get(label)!;
    }),
  };
}

// Lines built from the pieces that matter to both readers: spaces and other blanks, commas, brackets, quotes,
// prefixes, XML tags with and without names, comments, self-closing and unclosed tags.
const piece = fc.constantFrom(
  ' ', '  ', '\t', '\r', '\u00a0', '\u2028', '\ufeff', ',', '[', ']', '"', "'", 'a', 'x', '10.0.0.0/8', '2603:1030::/64', '1.2.3.4-1.2.3.9',
  '<entry name="e1">', '<entry name="e2">', '<entry  name="e3" x="1">', '<entry xname="n">', '<entry data-name="d">', '</entry>', '<rules>', '</rules>',
  '<security>', '</security>', '<address>', '</address>', '<member>', '</member>', '<tag>', '</tag>', '<a/>', '<!-- c -->', '<?xml ?>', '< sp>', '<', '>', '</',
  // Names whose label texts meet another's: `security` + `rule e1` is `security rule` + `e1`; past MAX_LABEL (120)
  // two names are one text; an empty name.
  '<entry name="rule e1">', `<entry name="${'n'.repeat(113)}1">`, `<entry name="${'n'.repeat(113)}2">`, '<entry name="">',
);
const line = fc.array(piece, { maxLength: 8 }).map((parts) => parts.join(''));
const lines = fc.array(line, { maxLength: 40 });

describe('withoutProvenance, against the form it replaced', () => {
  it('the same text for lines that name the snapshot, part of it or none of it', () => {
    // Change numbers as digits and as numbers JavaScript writes otherwise (an exponent, a fraction), dates that
    // meet their compact form, file names with directories; lines made of their pieces and near misses.
    const infos = fc.record({
      changeNumber: fc.constantFrom(375, 3, 0, 37, 1e21, 3.5, 12345678),
      date: fc.constantFrom('2025-10-28', '', '2025-07-28'),
      source: fc.constantFrom('fixtures/ServiceTags_Public_20251028.json.gz', 'C:\\x\\S_20251028.json', 'dir/', '375'),
    }).map(({ changeNumber, date, source }) => snapshotInfo(changeNumber, date, source));
    const piece = fc.constantFrom('375', '3', '37', '1e+21', '1ee21', '3.5', '3x5', '2025-10-28', '20251028', '2025-07-28', '20250728', 'ServiceTags_Public_20251028.json.gz', 'S_20251028.json', '375375', ' ', 'a', '-', '.', '<', 'x375', '12345678');
    fc.assert(fc.property(infos, fc.array(piece, { maxLength: 8 }), (info, parts) => {
      const line = parts.join('');
      expect(withoutProvenance(line, info)).toBe(referenceWithoutProvenance(line, info));
      // Frozen (as a Snapshot's info is): the remover made once and kept.
      const frozen = Object.freeze({ ...info });
      expect(withoutProvenance(line, frozen)).toBe(referenceWithoutProvenance(line, frozen));
    }), { numRuns: 3000 });
  });
});

describe('artifact diff readers, against the forms they replaced', () => {
  it('diffItems: blank lines, trailing commas and spaces, lists, as before', () => {
    fc.assert(fc.property(lines, (generated) => {
      const text = generated.join('\n');
      expect(diffItems(text)).toEqual(referenceDiffItems(text));
    }), { numRuns: 2000 });
  });
  it('diffItems: address lists with any white space around their commas, as before', () => {
    // Every character JavaScript counts as white space (trim and \s alike), some only `\s` of a regular expression
    // would miss if it were spelled as ASCII; a final comma or not; other lines between.
    const space = fc.array(fc.constantFrom(' ', '\t', '\r', '\v', '\f', '\u00a0', '\u1680', '\u2003', '\u2028', '\u2029', '\u202f', '\u3000', '\ufeff'), { maxLength: 3 }).map((parts) => parts.join(''));
    const address = fc.constantFrom('10.0.0.0/8', '20.50.76.176/28', '2603:1030::/64', '1.2.3.4-1.2.3.9', 'a', 'ff::1', '10.0.0.1');
    const listLine = fc.tuple(space, fc.array(fc.tuple(address, space, space), { minLength: 2, maxLength: 6 }), fc.constantFrom('', ',', ' ,', ', ')).map(([indent, items, end]) =>
      `${indent}${items.map(([item, before, after]) => `${before}${item}${after}`).join(',')}${end}`);
    fc.assert(fc.property(fc.array(fc.oneof(listLine, line), { maxLength: 8 }), (generated) => {
      const text = generated.join('\n');
      expect(diffItems(text)).toEqual(referenceDiffItems(text));
    }), { numRuns: 3000 });
  });
  it('xmlLabels: the same label texts, shared by the same lines', () => {
    fc.assert(fc.property(lines, (generated) => {
      expect(shape(xmlLabels(generated))).toEqual(shape(referenceXmlLabels(generated)));
    }), { numRuns: 2000 });
  });
  it('on real PAN-OS and netfilter output', () => {
    const snapshot = defaultSnapshot('Public');
    const requirements = loadScenario('compute-no-public-ip', { region: 'westus' });
    for (const id of ['panos', 'nftables', 'iptables', 'nsg']) {
      for (const artifact of findTarget(id).translate(requirements, { snapshot, resolver: expandedResolver(snapshot), options: {} }).artifacts) {
        expect(diffItems(artifact.content)).toEqual(referenceDiffItems(artifact.content));
        if (artifact.format === 'xml') {
          const split = artifact.content.split('\n');
          expect(shape(xmlLabels(split))).toEqual(shape(referenceXmlLabels(split)));
        }
      }
    }
  });
});

// Pieces of brace-structured text (ARM JSON, Bicep, Terraform, nft) and of ipset files: brackets and quotes, escaped
// quotes, `name` members, comments, nft set elements, ipset headings, creates and swaps, provenance.
const bracketPiece = fc.constantFrom(
  ' ', '  ', '\t', '\r', '{', '}', '[', ']', '"', "'", '\\"', '\\', ',', ':', '=', 'a', 'x', 'name', '"name": "r1"', "name: 'b2'", 'name = "t3"', '"name"',
  '"routes": [', 'set tw4_x {', 'chain output {', 'resource "azurerm_route_table" "rt" {', "resource rt 'Microsoft.Network/routeTables@2023-04-01' = {",
  'comment "req-1: x"', '#', '//', '10.0.0.0/8', '2603:1030::/64', 'elements = {', '364', '375', '2025-07-28', '20251028', 'ServiceTags_Public_20251028.json',
);
const ipsetPiece = fc.constantFrom(
  '# tw4_a: x', '# tw4_b: y', '#', '# note', 'create tw4_a hash:net family inet maxelem 65536', 'create tw4_b hash:net', 'create tw_swap hash:net',
  'add tw_swap 10.0.0.0/8', 'add tw4_a 1.2.3.0/24', 'swap tw_swap tw4_a', 'swap tw_swap tw4_b', 'destroy tw_swap', '', ' ', '364', '375',
);
const textOf = (piece: fc.Arbitrary<string>, maxLines = 40): fc.Arbitrary<string[]> => fc.array(fc.array(piece, { maxLength: 6 }).map((parts) => parts.join('')), { maxLength: maxLines });

const FROM = snapshotInfo(364, '2025-07-28', 'data/ServiceTags_Public_20250728.json');
const TO = snapshotInfo(375, '2025-10-28', 'data\\ServiceTags_Public_20251028.json');
const ODD = snapshotInfo(1, '', '');

describe('artifact diff and its labellers, against the forms they replaced', () => {
  it('bracketLabels: the same label texts, shared by the same lines', () => {
    fc.assert(fc.property(textOf(bracketPiece), (lines) => {
      expect(shape(bracketLabels(lines))).toEqual(shape(referenceBracketLabels(lines)));
    }), { numRuns: 3000 });
  });
  it('ipset labels: the same label texts', () => {
    fc.assert(fc.property(textOf(ipsetPiece), (lines) => {
      expect(shape(IPTABLES_LABELS.ipset!(lines)).texts).toEqual(shape(referenceIpsetLabels(lines)).texts);
    }), { numRuns: 2000 });
  });
  it('ipsetLabelRuns: the labels ipsetLabels gives the lines, as runs', () => {
    // Also near misses of the lines it looks for: a swap or create with other white space or too few words, a heading
    // without its create, a carriage return, lines that start with `c` or `s` and are neither.
    const piece = fc.oneof({ weight: 4, arbitrary: ipsetPiece }, { weight: 1, arbitrary: fc.constantFrom('\r', 'swap\ttw_swap  tw4_b', 'swap tw_swap', 'swap', 'c', 'cr', 's', '#tw4_a:', '# tw4_b:', 'create  tw4_b x', 'create', 'add', '\u2028') });
    fc.assert(fc.property(textOf(piece), fc.boolean(), (lines, cut) => {
      const text = lines.join('\n');
      // Runs up to a point of the text (a final newline left out) label the lines up to it.
      const end = cut && text.includes('\n') ? text.lastIndexOf('\n') : text.length;
      const perLine = text.slice(0, end).split('\n');
      const { starts, labels } = ipsetLabelRuns(text, end);
      expect(starts[0]).toBe(0);
      const expanded: ObjectLabel[] = [];
      let run = -1;
      for (let index = 0, at = 0; index < perLine.length; at += perLine[index]!.length + 1, index++) {
        if (starts[run + 1] === at) run++;
        expanded.push(labels[run]!);
      }
      // Every run starts at a line: none was passed over.
      expect(run).toBe(starts.length - 1);
      expect(shape(expanded).texts).toEqual(shape(IPTABLES_LABELS.ipset!(perLine)).texts);
    }), { numRuns: 4000 });
  });
  it('iptables-restore labels: the same label texts', () => {
    const iptablesPiece = fc.constantFrom('-A', '-I', ' ', 'OUTPUT', 'tw-out', '-A tw-out', '-I INPUT', ':', ':tw-in', '*', '*filter', 'COMMIT', '#', '--comment', '"req-1: x"', 'req-2:y', '-p tcp', '-j ACCEPT', '\t', '');
    fc.assert(fc.property(textOf(iptablesPiece), (lines) => {
      expect(shape(IPTABLES_LABELS['iptables-restore']!(lines)).texts).toEqual(lines.map((line) => { const label = referenceIptablesLabel(line); return `${label.kind}\u0000${label.name}`; }));
    }), { numRuns: 2000 });
  });
  it('diffArtifact on PAN-OS XML: the same objects, lines and provenance count (edits of random texts)', () => {
    const xmlPiece = fc.oneof(piece, fc.constantFrom('364', '375', '2025-07-28', '20251028', 'ServiceTags_Public_20251028.json', '<member>tagwall</member>', '<ip-netmask>10.0.0.0/8</ip-netmask>'));
    const edited = fc.tuple(textOf(xmlPiece, 30), fc.array(fc.tuple(fc.nat(40), xmlPiece, fc.boolean()), { maxLength: 6 }));
    fc.assert(fc.property(edited, fc.constantFrom([FROM, TO], [TO, FROM], [ODD, TO], [FROM, FROM]), ([lines, edits], [from, to]) => {
      const after = [...lines];
      for (const [at, text, insert] of edits) {
        if (insert || after.length === 0) after.splice(at % (after.length + 1), 0, text);
        else after[at % after.length] = text;
      }
      const [a, b] = [lines.join('\n'), after.join('\n')];
      expect(diffArtifact(a, b, from!, to!, xmlLabels)).toEqual(referenceDiffArtifact(a, b, from!, to!, referenceXmlLabels));
      expect(diffArtifact(b, a, to!, from!, xmlLabels)).toEqual(referenceDiffArtifact(b, a, to!, from!, referenceXmlLabels));
    }), { numRuns: 2000 });
  });
  it('unmatchedBothWays: the same indices as counting every line, both ways (a common prefix skipped)', () => {
    // Few distinct lines, so values repeat inside and across the common prefix; `b` mostly an edit of `a`.
    const text = fc.array(fc.constantFrom<string>('a', 'b', 'c', 'd', ''), { maxLength: 30 });
    const pair = fc.oneof(
      fc.tuple(text, text),
      fc.tuple(text, fc.array(fc.tuple(fc.nat(30), fc.constantFrom('a', 'b', 'e'), fc.boolean()), { maxLength: 5 })).map(([a, edits]) => {
        const b = [...a];
        for (const [at, line, insert] of edits) {
          if (insert || b.length === 0) b.splice(at % (b.length + 1), 0, line);
          else b.splice(at % b.length, 1);
        }
        return [a, b] as [string[], string[]];
      }),
    );
    fc.assert(fc.property(pair, ([a, b]) => {
      expect(unmatchedBothWays(a, b)).toEqual([referenceUnmatchedLines(a, b), referenceUnmatchedLines(b, a)]);
    }), { numRuns: 3000 });
  });
  it('diffArtifact: the same objects, lines and provenance count (edits of random texts)', () => {
    const labellers: ArtifactLabeller[] = [bracketLabels, NFTABLES_LABELS.nft!, IPTABLES_LABELS.ipset!, IPTABLES_LABELS['iptables-restore']!];
    const edited = fc.tuple(textOf(fc.oneof(bracketPiece, ipsetPiece), 30), fc.array(fc.tuple(fc.nat(40), fc.oneof(bracketPiece, ipsetPiece), fc.boolean()), { maxLength: 6 }));
    fc.assert(fc.property(edited, fc.constantFrom(0, 1, 2, 3), fc.constantFrom([FROM, TO], [TO, FROM], [ODD, TO], [FROM, FROM]), ([lines, edits], which, [from, to]) => {
      const after = [...lines];
      for (const [at, piece, insert] of edits) {
        if (insert || after.length === 0) after.splice(at % (after.length + 1), 0, piece);
        else after[at % after.length] = piece;
      }
      const labeller = labellers[which]!;
      const [a, b] = [lines.join('\n'), after.join('\n')];
      expect(diffArtifact(a, b, from!, to!, labeller)).toEqual(referenceDiffArtifact(a, b, from!, to!, labeller));
      expect(diffArtifact(b, a, to!, from!, labeller)).toEqual(referenceDiffArtifact(b, a, to!, from!, labeller));
    }), { numRuns: 2000 });
  });
  it('on real output of seven targets, between two snapshots', () => {
    const older = loadSnapshotFile('fixtures/servicetags/ServiceTags_Public_20250728.json.gz');
    const newer = defaultSnapshot('Public');
    const requirements = loadScenario('compute-no-public-ip', { region: 'westus' });
    for (const id of ['panos', 'nftables', 'iptables', 'nsg', 'azure-firewall', 'aml-managed-network', 'udr']) {
      const target = findTarget(id);
      const render = (snapshot: typeof newer) => target.translate(requirements, { snapshot, resolver: expandedResolver(snapshot), options: {}, exactLoss: false }).artifacts;
      const before = render(older);
      const after = render(newer);
      for (const artifact of after) {
        const old = before.find((candidate) => candidate.name === artifact.name)!;
        const labeller = target.labels[artifact.format] ?? bracketLabels;
        expect(diffArtifact(old.content, artifact.content, older.info, newer.info, labeller)).toEqual(referenceDiffArtifact(old.content, artifact.content, older.info, newer.info, labeller));
        if (labeller === bracketLabels || artifact.format === 'nft') {
          const lines = diffItems(artifact.content);
          expect(shape(bracketLabels(lines))).toEqual(shape(referenceBracketLabels(lines)));
        }
        if (artifact.format === 'ipset') {
          const lines = diffItems(artifact.content);
          expect(shape(IPTABLES_LABELS.ipset!(lines)).texts).toEqual(shape(referenceIpsetLabels(lines)).texts);
        }
      }
    }
  }, 120_000);
});

// Lines of PAN-OS XML as the writer makes them (indent, one element, text) and as it never does (commas, brackets,
// trailing blanks, empty lines, address lists, non-ASCII ends), so that a file is sometimes plain and sometimes not.
const plainXmlLine = fc.tuple(
  fc.constantFrom('', '  ', '      '),
  fc.array(fc.constantFrom(...[
    '<entry name="e1">', '<entry name="e2">', '<entry  name="e3" x="1">', '<entry name="tw-10-0-0-0_8">', '</entry>', '<address>', '</address>', '<rules>', '</rules>',
    '<security>', '</security>', '<tag>', '</tag>', '<member>tagwall</member>', '<ip-netmask>10.0.0.0/8</ip-netmask>', '<a/>', '<!-- c -->', '<?xml ?>',
    '<comments>change 364 (2025-07-28)</comments>', '<comments>change 375 (2025-10-28), x</comments>', 'ServiceTags_Public_20251028.json', '<', '>', '</', '< sp>', 'x',
  ]), { minLength: 1, maxLength: 3 }),
  fc.oneof({ weight: 60, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom(',', ' ', '\t', '\r', '[', '\u00e9', '10.0.0.0/8, 10.1.0.0/16') }),
).map(([indent, parts, tail]) => `${indent}${parts.join('')}${tail}`);
const plainXml = fc.tuple(fc.array(fc.oneof({ weight: 60, arbitrary: plainXmlLine }, { weight: 1, arbitrary: fc.constantFrom('', ' ', '10.0.0.0/8, 10.1.0.0/16', ', 10.1.0.0/16') }), { maxLength: 40 }), fc.boolean())
  .map(([lines, newline]) => lines.join('\n') + (newline ? '\n' : ''));

// Entries as the writer makes them (which xmlLabelRuns reads in one match), and near misses: a name with `>`, an
// attribute, a tab indent, an element left open or closed twice, another entry inside, a line of random pieces.
/** Mostly what the writer makes, sometimes a near miss. */
const mostly = (good: string[], bad: string[]): fc.Arbitrary<string> => fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...good) }, { weight: 1, arbitrary: fc.constantFrom(...bad) });
const indentOf = mostly(['', ' ', '    '], ['\t', ' \t']);
const leafLine = fc.tuple(indentOf, mostly(['<ip-netmask>10.0.0.0/8</ip-netmask>', '<member>tagwall</member>', '<tag/>', '<fqdn>a.example</fqdn>', '<description>x "y" z</description>', '<a>1</b>', '<x-y_1/>'], ['<member>a>b</member>', '<m a="1">v</m>', '<member>v</member><member>w</member>', '<member>', '</member>']))
  .map(([indent, text]) => `${indent}${text}`);
const groupLines = fc.tuple(indentOf, mostly(['<tag>', '<static>', '<from>'], ['<t x="1">', '<tag/>']), fc.array(leafLine, { maxLength: 4 }), indentOf, mostly(['</tag>', '</static>', '</x>'], ['</tag></tag>', '']))
  .map(([indent, open, leaves, closeIndent, close]) => [`${indent}${open}`, ...leaves, ...(close === '' ? [] : [`${closeIndent}${close}`])]);
const entryLines = fc.tuple(
  indentOf,
  mostly(['e1', 'e2', 'tw-10-0-0-0_8', '', 'a b'], ['a>b', 'x" y="z']),
  mostly([''], [' x="1"', '/']),
  fc.array(fc.oneof({ weight: 4, arbitrary: leafLine.map((leaf) => [leaf]) }, { weight: 3, arbitrary: groupLines }, { weight: 1, arbitrary: line.map((text) => [text]) }), { maxLength: 4 }),
  indentOf,
  mostly(['</entry>', '</x>'], ['</entry></x>', '</entry> ', '']),
).map(([indent, name, attribute, inner, closeIndent, close]) => [`${indent}<entry name="${name}"${attribute}>`, ...inner.flat(), ...(close === '' ? [] : [`${closeIndent}${close}`])]);
const entryText = fc.array(fc.oneof({ weight: 3, arbitrary: entryLines }, { weight: 1, arbitrary: line.map((text) => [text]) }, { weight: 1, arbitrary: fc.constantFrom(['<rules>'], ['</rules>'], ['<address>'], ['</address>'], ['<security>'], ['<entry name="outer">'], ['</entry>']) }), { maxLength: 12 })
  .map((blocks) => blocks.flat());

/** xmlLabelRuns' runs as one label per line of `text[0, end)`. */
function expandRuns(text: string, end: number): ObjectLabel[] {
  const { starts, labels } = xmlLabelRuns(text, end);
  const lines = text.slice(0, end).split('\n');
  const out: ObjectLabel[] = [];
  let run = -1;
  for (let index = 0, at = 0; index < lines.length; at += lines[index]!.length + 1, index++) {
    if (starts[run + 1] === at) run++;
    out.push(labels[run]!);
  }
  return out;
}

describe('ObjectIndex: one object per label text', () => {
  it('finds the same object for two labels exactly when their texts are equal', () => {
    // Kinds and names with and without spaces, empty, and long enough for labelText to cut them at 120 characters.
    const part = fc.constantFrom('', 'a', 'b', 'a b', 'b c', ' ', 'a ', ' a', 'rule', 'security', 'security rule', 'rule x', 'x', 'n'.repeat(60), 'n'.repeat(118), `${'n'.repeat(118)} y`, 'n'.repeat(130));
    const label = fc.record({ kind: part, name: part });
    fc.assert(fc.property(fc.array(label, { maxLength: 18 }), (labels) => {
      const index = new ObjectIndex();
      // The reference: one object per distinct text, in the order first met, each holding the first label of its text.
      const texts: string[] = [];
      const objects: IndexedObject[] = [];
      for (const one of labels) {
        const object = index.findOrAdd(one);
        const at = texts.indexOf(labelText(one));
        if (at >= 0) {
          expect(object).toBe(objects[at]);
        } else {
          expect(objects).not.toContain(object);
          expect(object.label).toBe(one);
          texts.push(labelText(one));
          objects.push(object);
        }
      }
      expect(index.objects).toHaveLength(objects.length);
      objects.forEach((object, at) => expect(index.objects[at]).toBe(object));
    }), { numRuns: 3000 });
  });
});

describe('the PAN-OS diff without splitting files, against the per-line diff', () => {
  it('xmlLabelRuns: the labels xmlLabels gives the lines, shared alike', () => {
    fc.assert(fc.property(fc.oneof(lines, entryText), fc.boolean(), (generated, cut) => {
      const text = generated.join('\n');
      // Runs up to a point of the text (a final newline left out) label the lines up to it.
      const end = cut && text.includes('\n') ? text.lastIndexOf('\n') : text.length;
      expect(shape(expandRuns(text, end))).toEqual(shape(xmlLabels(text.slice(0, end).split('\n'))));
    }), { numRuns: 5000 });
  });
  it('plainLinesEnd: a file it passes is itemised as its lines, unchanged', () => {
    let plain = 0;
    fc.assert(fc.property(plainXml, (text) => {
      const end = plainLinesEnd(text);
      if (end < 0) return;
      plain++;
      expect(diffItems(text)).toEqual(text.slice(0, end).split('\n'));
    }), { numRuns: 3000 });
    // The generator gives both kinds of file.
    expect(plain).toBeGreaterThan(300);
    expect(plain).toBeLessThan(2900);
  });
  it('plainLinesEnd looks for address lists line by line: one across lines is none', () => {
    // No line is a list (diffItems would keep both), though a multi-line search finds one across the newline.
    const across = '<a>\n10.0.0.0/8\n, 10.1.0.0/16\n';
    expect(plainLinesEnd(across)).toBe(across.length - 1);
    expect(diffItems(across)).toEqual(['<a>', '10.0.0.0/8', ', 10.1.0.0/16']);
    expect(plainLinesEnd('<a>\n10.0.0.0/8, 10.1.0.0/16\n<b>')).toBe(-1);
    expect(plainLinesEnd('<a>x, y</a>\n<b>\n10.0.0.0/8, 10.1.0.0/16')).toBe(-1);
  });
  it('diffArtifact on plain PAN-OS XML: the same objects, lines and provenance count as the reference', () => {
    // Random plain lines, or entries as the writer makes them; edited line by line (an entry loses or gains a line).
    const base = fc.oneof(plainXml, fc.tuple(entryText, fc.boolean()).map(([lines, newline]) => lines.join('\n') + (newline ? '\n' : '')));
    const edited = fc.tuple(base, fc.array(fc.tuple(fc.nat(40), fc.oneof(plainXmlLine, leafLine), fc.constantFrom('insert', 'replace', 'delete')), { maxLength: 6 }));
    let plain = 0;
    fc.assert(fc.property(edited, fc.constantFrom([FROM, TO], [TO, FROM], [ODD, TO], [FROM, FROM]), ([text, edits], [from, to]) => {
      const after = text.split('\n');
      for (const [at, line, edit] of edits) {
        if (edit === 'insert' || after.length === 0) after.splice(at % (after.length + 1), 0, line);
        else if (edit === 'replace') after[at % after.length] = line;
        else after.splice(at % after.length, 1);
      }
      const [a, b] = [text, after.join('\n')];
      if (plainLinesEnd(a) >= 0 && plainLinesEnd(b) >= 0) plain++;
      expect(diffArtifact(a, b, from!, to!, xmlLabels)).toEqual(referenceDiffArtifact(a, b, from!, to!, referenceXmlLabels));
      expect(diffArtifact(b, a, to!, from!, xmlLabels)).toEqual(referenceDiffArtifact(b, a, to!, from!, referenceXmlLabels));
    }), { numRuns: 4000 });
    // Most pairs take the path without splitting.
    expect(plain).toBeGreaterThan(1000);
  });
  it('on real PAN-OS XML between two snapshots the files are plain', () => {
    const older = loadSnapshotFile('fixtures/servicetags/ServiceTags_Public_20250728.json.gz');
    const newer = defaultSnapshot('Public');
    const requirements = loadScenario('compute-no-public-ip', { region: 'westus' });
    const render = (snapshot: typeof newer) => findTarget('panos').translate(requirements, { snapshot, resolver: expandedResolver(snapshot), options: {}, exactLoss: false }).artifacts[0]!.content;
    const [before, after] = [render(older), render(newer)];
    expect(plainLinesEnd(before)).toBeGreaterThan(0);
    expect(plainLinesEnd(after)).toBeGreaterThan(0);
    expect(diffArtifact(before, after, older.info, newer.info, xmlLabels)).toEqual(referenceDiffArtifact(before, after, older.info, newer.info, referenceXmlLabels));
  }, 120_000);
});
