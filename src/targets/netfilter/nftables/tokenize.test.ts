/**
 * The tokenizer finds a word's end with a sticky regular expression (parse.ts, `wordEnd`) where it walked the word
 * one character at a time. This property ties it to that walk: random texts of words, every kind of white space
 * (ASCII, the Unicode spaces tagwall refuses, NEL, which `\s` does not know), punctuation, strings, comments and line
 * continuations give the same tokens (kind, text, line), or the same error at the same line. The texts hold no
 * `elements` or `add`, so no element list is kept whole and the reference needs no brace bookkeeping.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TagwallError } from '../../../errors.js';
import { stripBom, UNICODE_SPACE, unicodeSpaceError } from '../../../internal/input-limits.js';
import type { Token } from './conditions.js';
import { tokenize } from './parse.js';

const WORD_END = ' \t\n\r\v\f{},;"#';

/** The character walk the tokenizer used before (less its element lists, which these texts never open). */
function tokenizeByCharacter(text: string, file: string): Token[] {
  const content = stripBom(text);
  const tokens: Token[] = [];
  const endsWord = (at: number): boolean => (content.charCodeAt(at) < 128 ? WORD_END.includes(content[at]!) : /\s/.test(content[at]!));
  let line = 1;
  let i = 0;
  while (i < content.length) {
    const char = content[i]!;
    const code = content.charCodeAt(i);
    if ((code === 11 || code === 12 || code > 127) && UNICODE_SPACE.test(char)) throw unicodeSpaceError(char, { file, line });
    if (char === '\n') {
      tokens.push({ kind: 'nl', text: '\n', line });
      line++;
      i++;
    } else if (char === ' ' || char === '\t' || char === '\r') i++;
    else if (char === '#') while (i < content.length && content[i] !== '\n') i++;
    else if (char === '\\' && content[i + 1] === '\n') i++;
    else if (char === '"') {
      const end = content.indexOf('"', i + 1);
      if (end < 0 || content.slice(i, end).includes('\n')) throw new TagwallError('TW_INVALID_CONFIG', 'unterminated string', { location: { file, line } });
      tokens.push({ kind: 'string', text: content.slice(i + 1, end), line });
      i = end + 1;
    } else if (char === '{' || char === '}' || char === ',' || char === ';') {
      tokens.push({ kind: char, text: char, line });
      i++;
    } else {
      let end = i;
      while (end < content.length && !endsWord(end)) end++;
      if (end === i) throw new TagwallError('TW_INVALID_CONFIG', `unexpected character '${char}'`, { location: { file, line } });
      tokens.push({ kind: 'word', text: content.slice(i, end), line });
      i = end;
    }
  }
  return tokens;
}

const FRAGMENTS = [
  'ip', 'saddr', '10.0.0.0/8', 'fc00::/7', 'tcp', 'dport', '443', 'accept', '@tw4_Storage.WestUS', 'set', 'chain', 'table',
  'a\\b', '\\', 'é', 'x\u0085y', '\ud83d\ude00', '\ud83d', '!=', '-', '=',
  ' ', '  ', '\t', '\r', '\n', '\r\n', '\\\n', '\u000b', '\u000c', '\u0085', '\u00a0', '\u2028', '\u3000', '\ufeff', '\u200b',
  '{', '}', ',', ';', '#', '# a comment', '"', '"a string"', '"two\nlines"', '""',
];

const texts = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 40 }).map((parts) => parts.join(''));

function lexed(tokenizer: (text: string, file: string) => Token[], text: string): unknown {
  try {
    return tokenizer(text, 'f.nft');
  } catch (error) {
    if (!(error instanceof TagwallError)) throw error;
    return [error.code, error.message, error.location];
  }
}

describe('nft tokenizer', () => {
  it('gives the tokens, or the error and its line, of a walk one character at a time', () => {
    fc.assert(
      fc.property(texts, (text) => {
        expect(lexed(tokenize, text)).toEqual(lexed(tokenizeByCharacter, text));
      }),
      { numRuns: 2000 },
    );
  });

  it('ends a word at non-ASCII white space, keeps NEL and other characters in it', () => {
    const words = (text: string): string[] => tokenize(text, 'f').filter((token) => token.kind === 'word').map((token) => token.text);
    expect(words('a\u0085b c\u200bd é')).toEqual(['a\u0085b', 'c\u200bd', 'é']);
    expect(() => tokenize('accept\u00a0drop', 'f')).toThrow(/not a space this format accepts/);
  });
});
