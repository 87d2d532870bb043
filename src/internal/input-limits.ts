/**
 * What every reader of user text shares so hostile or broken input fails fast with a typed error instead of hanging,
 * exhausting memory or overflowing the stack (docs/errors.md, "Input limits"):
 *
 * - size caps, checked before parsing, far above any real file (a 10,000-requirement file is ~3 MB, the Public
 *   service-tag JSON ~5 MB, an iptables-save of 130,000 rules ~9 MB);
 * - nesting caps, where a reader (or a library it uses) works recursively;
 * - one rule for Unicode spaces in the line-oriented config languages: their tools split words on ASCII space and
 *   tab only (iptables-restore, ipset restore, nft's scanner, the PAN-OS CLI, XML's `S` production), so a no-break
 *   space, VT/FF, U+2028 or U+3000 outside a quoted string is an error that names it; a byte-order mark at the very
 *   start (Windows editors write one) is dropped.
 */
import { TagwallError, type ErrorCode, type SourceLocation } from '../errors.js';

export const MiB = 1024 * 1024;

/** The caps, in characters (UTF-16 code units, what `string.length` counts) or levels. */
export const INPUT_LIMITS = {
  /** A requirements file (YAML or JSON) or a Dependencies API response. */
  requirementsSize: 16 * MiB,
  /** Brackets and braces open at once in a requirements file, a Dependencies API response or ARM JSON. */
  nesting: 64,
  /** A firewall config: iptables-save, ipset save, nft ruleset, PAN-OS XML or set commands, ARM / `az` JSON. */
  configSize: 128 * MiB,
  /** A service-tag snapshot, after gzip decompression. */
  snapshotSize: 64 * MiB,
  /** Element nesting in PAN-OS XML (real configs nest about 12 deep). */
  xmlDepth: 256,
  /** Address or service groups inside groups in a PAN-OS config. */
  groupDepth: 64,
  /** `resources[]` inside `resources[]` in an ARM template. */
  armResourceDepth: 16,
  /** A packet in text form. */
  packetSize: 4096,
} as const;

export function limitError(message: string, location: SourceLocation): TagwallError {
  return new TagwallError('TW_INPUT_LIMIT', message, { location });
}

/** TW_INPUT_LIMIT when `text` is longer than `max` characters. */
export function checkSize(text: string, max: number, what: string, file: string | undefined): void {
  if (text.length > max) {
    const size = text.length >= MiB ? `${(text.length / MiB).toFixed(1)} MiB` : `${text.length} characters`;
    const cap = max >= MiB ? `${max / MiB} MiB` : `${max} characters`;
    throw limitError(`${what} is ${size}, over the ${cap} tagwall reads`, file === undefined ? {} : { file });
  }
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Characters JavaScript's `\s` (or `trim()`) takes for white space that the config languages do not: VT, FF, NEL,
 * no-break spaces, the U+2000 block, line/paragraph separators, ideographic space, and a BOM after the start.
 */
// eslint-disable-next-line no-control-regex
export const UNICODE_SPACE = /[\u000b\u000c\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;

const SPACE_NAMES: Readonly<Record<number, string>> = {
  0x0b: 'vertical tab',
  0x0c: 'form feed',
  0x85: 'next line',
  0xa0: 'no-break space',
  0x1680: 'ogham space mark',
  0x2028: 'line separator',
  0x2029: 'paragraph separator',
  0x202f: 'narrow no-break space',
  0x205f: 'medium mathematical space',
  0x3000: 'ideographic space',
  0xfeff: 'byte-order mark',
};

/** `U+00A0 (no-break space)`. */
export function describeCharacter(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  const name = SPACE_NAMES[code] ?? (code >= 0x2000 && code <= 0x200a ? 'space' : undefined);
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}${name ? ` (${name})` : ''}`;
}

/** The error for a Unicode space where only an ASCII space or tab separates words. */
export function unicodeSpaceError(char: string, location: SourceLocation, code: ErrorCode = 'TW_INVALID_CONFIG'): TagwallError {
  return new TagwallError(code, `${describeCharacter(char)} is not a space this format accepts; use a plain space or tab`, { location });
}

/** Only the white space the config languages split on: space, tab, CR (of CRLF) and LF. */
export function isAsciiSpace(char: string | undefined): boolean {
  return char === ' ' || char === '\t' || char === '\r' || char === '\n';
}

/** `trim()` for ASCII white space only, so a Unicode space at a line's edge is seen, not silently dropped. */
export function trimAscii(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isAsciiSpace(text[start])) start++;
  while (end > start && isAsciiSpace(text[end - 1])) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/**
 * The deepest nesting of `[`/`{` in JSON or YAML text, outside quoted strings and `#` comments, stopping as soon as
 * it passes `max` (then returns the offset where it did). Linear, so it can guard parsers that are not.
 * Unbalanced closers (a `]` inside a YAML plain scalar) never make the depth negative. For YAML, a line's block
 * nesting counts too: each two columns of indentation, each leading `- ` / `? ` and each `: ` may open a level.
 */
export function nestingBeyond(text: string, max: number, yamlBlocks = false): number | undefined {
  let depth = 0;
  let quote: string | undefined;
  let lineStart = true;
  let previous = '';
  let lineLevels = 0;
  for (let i = 0; i < text.length; i++) {
    if (yamlBlocks && lineStart && quote === undefined && depth === 0) {
      lineLevels = yamlBlockDepth(text, i);
      if (lineLevels > max) return i;
    }
    const char = text[i]!;
    // `a: a: a: …` on one line: the YAML library recurses per `: ` even though the result is an error.
    if (yamlBlocks && quote === undefined && char === ':' && (i + 1 === text.length || ' \t\r\n'.includes(text[i + 1]!))) {
      if (++lineLevels + depth > max) return i;
    }
    if (quote !== undefined) {
      if (char === '\\' && quote === '"') i++;
      else if (char === quote) {
        // YAML escapes a single quote by doubling it.
        if (quote === "'" && text[i + 1] === "'") i++;
        else quote = undefined;
      }
      previous = char;
      continue;
    }
    if (char === '#' && (lineStart || previous === ' ' || previous === '\t')) {
      while (i < text.length && text[i] !== '\n') i++;
      previous = '\n';
      lineStart = true;
      continue;
    }
    if (char === '"' || (char === "'" && !/[\w]/.test(previous))) quote = char;
    else if (char === '[' || char === '{') {
      if (++depth > max) return i;
    } else if ((char === ']' || char === '}') && depth > 0) depth--;
    lineStart = char === '\n';
    previous = char;
  }
  return undefined;
}

/** Levels a YAML line can open before its content: half its indentation, plus each compact `- ` or `? `. */
function yamlBlockDepth(text: string, start: number): number {
  let i = start;
  while (text[i] === ' ') i++;
  let levels = Math.ceil((i - start) / 2);
  while ((text[i] === '-' || text[i] === '?') && (text[i + 1] === ' ' || text[i + 1] === '\t')) {
    levels++;
    i += 2;
    while (text[i] === ' ' || text[i] === '\t') i++;
  }
  return levels;
}
