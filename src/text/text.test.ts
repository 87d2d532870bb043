import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { armExpressionString, armLiteral, sanitizeDescription } from './arm.js';
import { bicepComment, bicepString } from './bicep.js';
import { hclComment, hclString } from './hcl.js';
import { escapeHtml } from './html.js';
import { iptablesComment, iptablesCommentLine } from './iptables.js';
import { cutCodeUnits, cutUtf8Bytes, keepLines, oneLine, UNSAFE_CHARACTERS, wellFormed } from './line.js';
import { escapeMarkdown, fenced } from './markdown.js';
import { nftComment, nftCommentLine } from './nft.js';
import { cleanText, quoteSetValue, xmlComment } from './panos.js';
import { sarifText, sarifUriPath } from './sarif.js';
import { terminalText } from './terminal.js';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Every character line.ts takes out, and the ones most likely to be forgotten, as text generators draw them. */
const NASTY = ['\n', '\r', '\u000b', '\u000c', '\u0085', '\u009b', '\u2028', '\u2029', '\u202e', '\u2066', '\u200f', '\ud800', '\udfff', '\ufffe', '\u0000', '\u007f', '"', "'", '`', '\\', '$', '{', '%', '[', ']', '#', ';', '<', '>', '&', '-', '?', '@'];
const hostile = fc.array(fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 40 }).map((parts) => parts.join(''));
const unsafe = new RegExp(UNSAFE_CHARACTERS.source);

/** Each one-line sanitiser with the text it leaves once the format's own syntax is taken off. */
const ONE_LINE: ReadonlyArray<readonly [string, (text: string) => string]> = [
  ['nft # line', (text) => nftCommentLine(text).slice(2)],
  ['nft comment', (text) => nftComment(text, 128).text],
  ['iptables # line', (text) => iptablesCommentLine(text).slice(2)],
  ['iptables --comment', (text) => iptablesComment(text, 255).text],
  ['ARM description', (text) => sanitizeDescription(text)],
  ['Bicep comment', (text) => bicepComment(text).slice(3)],
  ['HCL comment', (text) => hclComment(text).slice(2)],
  ['PAN-OS text', (text) => cleanText(text, 255)],
  ['XML comment', (text) => xmlComment(text).slice(5, -4)],
  ['Markdown', escapeMarkdown],
];

describe('one safe line, the same for every format', () => {
  for (const [format, sanitise] of ONE_LINE) {
    it(`${format}: no line break, control, bidi control, noncharacter or lone surrogate survives (property)`, () => {
      fc.assert(
        fc.property(hostile, (text) => {
          const out = sanitise(text);
          expect(out).not.toMatch(unsafe);
          expect(out).not.toMatch(LONE_SURROGATE);
        }),
      );
    });
  }

  it('a file path with a newline stays one comment line (issue 19: `flush ruleset` became a live line)', () => {
    const path = 'w\nflush ruleset\n-I INPUT -j ACCEPT\u2028x\u0085y.yaml';
    expect(nftCommentLine(`tagwall ruleset for ${path}`)).toBe('# tagwall ruleset for w flush ruleset -I INPUT -j ACCEPT x y.yaml');
    expect(iptablesCommentLine(path).split('\n')).toHaveLength(1);
  });

  it('C1 controls, U+2028/2029 and bidi controls become spaces, as docs/targets/linux.md says', () => {
    expect(oneLine('a\u009b[31mb\u2029c\u202ed')).toBe('a [31mb c d');
    expect(nftComment('say "hi"\u0085now', 128).text).toBe("say 'hi' now");
  });

  it('a lone surrogate is U+FFFD in ARM JSON, Bicep and HCL alike; a pair is kept', () => {
    const text = 'a\ud800b\udc00c😀';
    expect(JSON.parse(JSON.stringify(armLiteral(text)))).toBe('a\ufffdb\ufffdc😀');
    expect(bicepString(text)).toBe("'a\ufffdb\ufffdc😀'");
    expect(hclString(text)).toBe('"a\ufffdb\ufffdc😀"');
    expect(armExpressionString("it's\ud800")).toBe("'it''s\ufffd'");
    expect(wellFormed('😀')).toBe('😀');
  });

  it('multi-line forms keep line breaks and nothing else unsafe', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        for (const out of [keepLines(text), escapeHtml(text), sarifText(text), fenced(text), terminalText(text)]) {
          expect(out.replace(/[\n\t]/g, '')).not.toMatch(unsafe);
          expect(out).not.toMatch(LONE_SURROGATE);
        }
        expect(escapeHtml(text)).not.toMatch(/[<>"']|&(?!#\d+;)/);
        expect(() => decodeURI(sarifUriPath(text))).not.toThrow();
      }),
    );
  });

  it('a PAN-OS set value never carries a double quote', () => {
    expect(quoteSetValue('a b')).toBe('"a b"');
    expect(() => quoteSetValue('a"b')).toThrow();
  });
});

describe('cutUtf8Bytes', () => {
  // The reference: a character at a time, each measured by Buffer.byteLength (lone surrogates count as U+FFFD).
  const reference = (text: string, maxBytes: number): { text: string; cut: boolean } => {
    if (Buffer.byteLength(text, 'utf8') <= maxBytes) return { text, cut: false };
    let out = '';
    let bytes = 0;
    for (const char of text) {
      const size = Buffer.byteLength(char, 'utf8');
      if (bytes + size > maxBytes - 3) break;
      out += char;
      bytes += size;
    }
    return { text: `${out}…`, cut: true };
  };
  const unit = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ maxLength: 40 }),
    fc.constantFrom('\ud800', '\udc00', '\ud83d\ude00', 'é', '€', 'a'),
  );
  it('cuts where measuring each character with Buffer.byteLength cuts, surrogates and all', () => {
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 6 }), fc.integer({ min: 3, max: 140 }), (parts, maxBytes) => {
        const text = parts.join('');
        const got = cutUtf8Bytes(text, maxBytes);
        expect(got).toEqual(reference(text, maxBytes));
        expect(Buffer.byteLength(got.text, 'utf8')).toBeLessThanOrEqual(Math.max(maxBytes, 3));
      }),
      { numRuns: 2000 },
    );
  });

  it('cuts ASCII text (its fast path) where the reference cuts it, at any length and limit', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((code) => String.fromCharCode(code)), maxLength: 300 }), fc.integer({ min: 0, max: 260 }), (text, maxBytes) => {
        expect(cutUtf8Bytes(text, maxBytes)).toEqual(reference(text, maxBytes));
      }),
      { seed: 22, numRuns: 2000 },
    );
  });
});

describe('cutCodeUnits', () => {
  // The reference: a code point at a time, as the string iterator reads them (a lone surrogate is one of its own).
  const reference = (text: string, max: number, marker = '...'): string => {
    if (text.length <= max) return text;
    let cut = '';
    for (const point of text) {
      if (cut.length + point.length > max - marker.length) break;
      cut += point;
    }
    return `${cut.trimEnd()}${marker}`;
  };
  const unit = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff', '\ud83d\ude00', '😀😀', 'a ', ' ', '\u3000', 'é'),
  );
  it('cuts where adding a code point at a time cuts: surrogate pairs whole, lone surrogates and trailing spaces alike (property)', () => {
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 8 }), fc.integer({ min: 0, max: 150 }), fc.constantFrom('...', '…', '', '😀'), (parts, max, marker) => {
        const text = parts.join('');
        expect(cutCodeUnits(text, max, marker)).toBe(reference(text, max, marker));
      }),
      { seed: 22, numRuns: 3000 },
    );
  });
  it('never splits a pair at the limit', () => {
    expect(cutCodeUnits(`${'a'.repeat(136)}😀bcdef`, 140)).toBe(`${'a'.repeat(136)}...`);
    expect(cutCodeUnits(`${'a'.repeat(135)}😀bcdef`, 140)).toBe(`${'a'.repeat(135)}😀...`);
    expect(cutCodeUnits(`${'a'.repeat(136)}\ud800bcdef`, 140)).toBe(`${'a'.repeat(136)}\ud800...`);
  });
});
