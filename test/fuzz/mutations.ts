/**
 * Mutations of real inputs for the fuzz suite: each case is a seed with one to four edits of the kinds that break
 * parsers (truncation, flipped bytes, deleted / duplicated / repeated lines, huge numbers, deep nesting, duplicate
 * keys, wrong types, BOM, CRLF, NUL, Unicode spaces, pieces of other seeds and of other formats).
 */
import fc from 'fast-check';

export interface FuzzCase {
  readonly seed: number;
  readonly text: string;
  /** The edits, in order, for the failure report. */
  readonly steps: readonly string[];
}

interface Mutation {
  readonly label: string;
  apply(text: string, seeds: readonly string[]): string;
}

const lines = (text: string): string[] => text.split('\n');
/** A position in a text of unknown length: a fraction, so shrinking and replay stay meaningful. */
const at = (text: string, fraction: number): number => Math.floor(fraction * text.length);
// Unbiased: fast-check's default bias favours the extremes, which would put most edits at the first or last byte.
const fraction = fc.noBias(fc.nat({ max: 999_999 })).map((n) => n / 1_000_000);

const INTERESTING = ['\u0000', '"', "'", '{', '}', '[', ']', '<', '>', '&', ';', '#', '\\', '\n', '\r', '*', ':', ',', '-', '!', '@', '$', '%', '/', '=', '|', '`', '\t', ' ', '\ud800', '\udc00', '\u{1f600}'];
const UNICODE_SPACES = ['\ufeff', '\u00a0', '\u000b', '\u000c', '\u2028', '\u2029', '\u3000', '\u0085', '\u1680', '\u2000', '\u200a', '\u202f', '\u205f', '\u200b'];
const NUMBERS = ['99999999999999999999999999', '-1', '1e309', '-1e309', '4294967296', '65536', '65535', '256', '0x1F', '1.5', 'NaN', '-0', '007', '1e2', '18446744073709551616', ''];
const VALUES = ['null', '0', 'true', '[]', '{}', '""', '"x"', '[[]]', '{"a":1}', '-', '~', '*', '1'];
const OPENERS = ['[', '{', '<a>', '(', '{"a":', '[{"a":', '- ', '  ', 'a: ', '{a: [', '<entry name="x">', 'table inet t {', 'chain c {', '"'];
/** Pieces of every format, so one format's parser meets another's syntax. */
const TOKENS = [
  'accept', 'drop', 'jump x', '-j', '-A INPUT', '-N x', '*filter', 'COMMIT', ':INPUT DROP [0:0]', 'table inet x {', '}', 'set x {', 'elements = {',
  '<entry name="x">', '</entry>', '<member>any</member>', '&amp;', '&#0;', '&#x110000;', '&#xD800;', '<!DOCTYPE x [<!ENTITY a "b">]>', '<![CDATA[', '&a;', '<?xml version="1.0"?>',
  'set address x ip-netmask 10.0.0.0/8', 'set rulebase security rules r action allow', '[', ']',
  'requirements:', '- id: x', '*a', '&a', '!!str', '!!binary', '%YAML 1.2', '---', '...', '<<: *a', '? ', '|', '>-',
  '"resources": [', '"properties": {', '"type": "Microsoft.Network/networkSecurityGroups"', '"[parameters(\'x\')]"', '"value": [', '"__proto__": {}',
  '\\u0000', '\\ud800', '\\', '0.0.0.0/0', '::/0', '10.0.0.1/8', '1.2.3.4-1.2.3.1', '65536', '*.com', '*', 'any', 'ipv6-icmp', 'Storage.WestUS',
];

const mutation = <T>(arbitrary: fc.Arbitrary<T>, label: (value: T) => string, apply: (value: T, text: string, seeds: readonly string[]) => string): fc.Arbitrary<Mutation> =>
  arbitrary.map((value) => ({ label: label(value), apply: (text, seeds) => apply(value, text, seeds) }));

const lineEdit = (name: string, edit: (all: string[], index: number, times: number) => string[]): fc.Arbitrary<Mutation> =>
  mutation(
    fc.tuple(fraction, fc.integer({ min: 1, max: 300 })),
    ([where, times]) => `${name}@${where.toFixed(3)}x${times}`,
    ([where, times], text) => {
      const all = lines(text);
      return edit(all, Math.floor(where * all.length), times).join('\n');
    },
  );

const MUTATIONS: fc.Arbitrary<Mutation> = fc.oneof(
  mutation(fraction, (f) => `truncate@${f.toFixed(3)}`, (f, text) => text.slice(0, at(text, f))),
  mutation(fc.tuple(fraction, fc.constantFrom(...INTERESTING)), ([f, c]) => `replace@${f.toFixed(3)}=${JSON.stringify(c)}`, ([f, c], text) => {
    const i = at(text, f);
    return text.slice(0, i) + c + text.slice(i + 1);
  }),
  mutation(fc.tuple(fraction, fc.integer({ min: 0, max: 7 })), ([f, bit]) => `flip@${f.toFixed(3)}^${1 << bit}`, ([f, bit], text) => {
    const i = at(text, f);
    return i >= text.length ? text : text.slice(0, i) + String.fromCharCode(text.charCodeAt(i) ^ (1 << bit)) + text.slice(i + 1);
  }),
  mutation(fc.tuple(fraction, fc.integer({ min: 1, max: 200 })), ([f, n]) => `delete@${f.toFixed(3)}+${n}`, ([f, n], text) => text.slice(0, at(text, f)) + text.slice(at(text, f) + n)),
  lineEdit('delete-line', (all, i) => [...all.slice(0, i), ...all.slice(i + 1)]),
  lineEdit('duplicate-line', (all, i) => [...all.slice(0, i + 1), ...all.slice(i)]),
  lineEdit('repeat-line', (all, i, times) => [...all.slice(0, i + 1), ...Array<string>(times).fill(all[i] ?? ''), ...all.slice(i + 1)]),
  lineEdit('swap-lines', (all, i, times) => {
    const j = (i + times) % Math.max(1, all.length);
    const copy = [...all];
    [copy[i], copy[j]] = [copy[j] ?? '', copy[i] ?? ''];
    return copy;
  }),
  mutation(fc.tuple(fc.nat(200), fc.constantFrom(...NUMBERS)), ([n, value]) => `number#${n}=${value}`, ([n, value], text) => {
    let seen = 0;
    return text.replace(/\d+/g, (digits) => (seen++ === n ? value : digits));
  }),
  mutation(fc.tuple(fc.nat(200), fc.constantFrom(...VALUES)), ([n, value]) => `value#${n}=${value}`, ([n, value], text) => {
    let seen = 0;
    return text.replace(/"(?:[^"\\\n]|\\.)*"|\b\d+\b|\btrue\b|\bfalse\b|\bnull\b/g, (token) => (seen++ === n ? value : token));
  }),
  // Depth unbiased (stack overflows need thousands of levels); at a line start half the time, where markup nests.
  mutation(fc.tuple(fraction, fc.constantFrom(...OPENERS), fc.noBias(fc.integer({ min: 1, max: 20000 })), fc.boolean(), fc.boolean()), ([f, open, depth, close, atLine]) => `nest@${f.toFixed(3)}${atLine ? '(line)' : ''}=${JSON.stringify(open)}x${depth}${close ? '+close' : ''}`, ([f, open, depth, close, atLine], text) => {
    const i = atLine ? text.indexOf('\n', at(text, f)) + 1 : at(text, f);
    const closer = close ? [...open].reverse().map((c) => ({ '[': ']', '{': '}', '(': ')', '<': '</' })[c] ?? '').join('').repeat(depth) : '';
    return text.slice(0, i) + open.repeat(depth) + closer + text.slice(i);
  }),
  mutation(fc.tuple(fraction, fc.constantFrom(...UNICODE_SPACES), fc.boolean()), ([f, c, replaceSpace]) => `space@${f.toFixed(3)}=U+${c.charCodeAt(0).toString(16)}${replaceSpace ? ' (for a space)' : ''}`, ([f, c, replaceSpace], text) => {
    if (replaceSpace) {
      const i = text.indexOf(' ', at(text, f));
      return i < 0 ? text : text.slice(0, i) + c + text.slice(i + 1);
    }
    const i = at(text, f);
    return text.slice(0, i) + c + text.slice(i);
  }),
  mutation(fc.constant(0), () => 'bom', (_, text) => `\ufeff${text}`),
  mutation(fc.constant(0), () => 'crlf', (_, text) => text.replace(/\r?\n/g, '\r\n')),
  mutation(fc.constant(0), () => 'cr-only', (_, text) => text.replace(/\r?\n/g, '\r')),
  mutation(fraction, (f) => `nul@${f.toFixed(3)}`, (f, text) => text.slice(0, at(text, f)) + '\u0000' + text.slice(at(text, f))),
  mutation(fc.tuple(fraction, fc.constantFrom(...TOKENS)), ([f, token]) => `insert@${f.toFixed(3)}=${JSON.stringify(token)}`, ([f, token], text) => text.slice(0, at(text, f)) + token + text.slice(at(text, f))),
  mutation(fc.tuple(fc.nat(), fraction, fraction, fc.integer({ min: 1, max: 2000 })), ([s, from, to, n]) => `splice#${s}@${from.toFixed(3)}+${n}->${to.toFixed(3)}`, ([s, from, to, n], text, seeds) => {
    const other = seeds[s % seeds.length]!;
    const piece = other.slice(at(other, from), at(other, from) + n);
    return text.slice(0, at(text, to)) + piece + text.slice(at(text, to));
  }),
);

/**
 * Cases stay under this size: the point is malformed input, not throughput (which the 10,000-requirement
 * measurement covers), and the YAML library alone reads a pathological 500 KB line in seconds on a busy machine.
 */
const MAX_CASE_LENGTH = 128 * 1024;

/** A seed and one to four mutations of it. */
export function fuzzCases(seeds: readonly string[]): fc.Arbitrary<FuzzCase> {
  return fc.tuple(fc.nat(seeds.length - 1), fc.array(MUTATIONS, { minLength: 1, maxLength: 4 })).map(([seed, mutations]) => ({
    seed,
    text: mutations.reduce((text, m) => m.apply(text, seeds).slice(0, MAX_CASE_LENGTH), seeds[seed]!),
    steps: mutations.map((m) => m.label),
  }));
}
