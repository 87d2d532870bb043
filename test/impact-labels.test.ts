/**
 * The artifact diff's per-line readers, tied to the simpler forms they replaced (kept here as references): the
 * blank-line test without a regular expression for lines that start visibly, and the PAN-OS XML labeller that keeps
 * its label across elements without a name.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandedResolver } from '../src/analysis/resolve.js';
import { loadScenario } from '../src/catalogue/index.js';
import { diffItems } from '../src/reports/artifact-diff.js';
import { defaultSnapshot } from '../src/servicetags/snapshot.js';
import { NO_OBJECT, xmlLabels } from '../src/targets/labels.js';
import { findTarget } from '../src/targets/registry.js';
import type { ObjectLabel } from '../src/targets/target.js';

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
);
const line = fc.array(piece, { maxLength: 8 }).map((parts) => parts.join(''));
const lines = fc.array(line, { maxLength: 40 });

describe('artifact diff readers, against the forms they replaced', () => {
  it('diffItems: blank lines, trailing commas and spaces, lists, as before', () => {
    fc.assert(fc.property(lines, (generated) => {
      const text = generated.join('\n');
      expect(diffItems(text)).toEqual(referenceDiffItems(text));
    }), { numRuns: 2000 });
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
