/**
 * The one definition of "free text that is safe on one line", shared by every output format's sanitiser
 * (src/text/<format>.ts). User-controlled text (requirement ids and purposes, set names, file paths, tag names,
 * host names, URL paths) reaches comments, descriptions and string literals of many syntaxes; each format adds its
 * own quoting on top of this, but what counts as a line break or an invisible control is decided here only, so the
 * formats cannot drift apart again (issue 19: iptables kept C1 controls that Azure stripped).
 */

/**
 * Characters no generated text keeps:
 * - C0 controls and DEL: a newline ends a comment line in every format here and turns the rest into live config;
 * - C1 controls U+0080–U+009F: U+0085 (NEL) is a line break to some readers and U+009B (CSI) starts a terminal
 *   escape sequence when `iptables-save` or `nft list ruleset` prints the comment back raw;
 * - U+2028/U+2029: line and paragraph separators (JavaScript, YAML and many editors break lines there);
 * - bidirectional controls (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069): they can make an editor show a rule
 *   other than the one that is loaded ("Trojan Source", CVE-2021-42574);
 * - U+FFFE/U+FFFF: noncharacters XML 1.0 cannot carry.
 */
// eslint-disable-next-line no-control-regex
export const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff]/g;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * A lone UTF-16 surrogate cannot be written as UTF-8: Node writes U+FFFD for it, `JSON.stringify` keeps it as
 * `\ud800`. Replacing it here makes every format carry the same character (issue 19: ARM kept `\ud800` while
 * Bicep and Terraform had U+FFFD).
 */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\ufffd');
}

/** One line: well-formed, every unsafe character (runs of them) as one space, runs of spaces collapsed, trimmed. */
export function oneLine(text: string): string {
  return wellFormed(text).replace(UNSAFE_CHARACTERS, ' ').replace(/ {2,}/g, ' ').trim();
}

/** At most `max` UTF-16 code units (as .NET counts), cut on a code-point boundary and marked with `marker`. */
export function cutCodeUnits(text: string, max: number, marker = '...'): string {
  if (text.length <= max) return text;
  // The room left beside the marker, one unit less where its end would split a surrogate pair (a lone surrogate is
  // a code point of its own, as the string iterator reads it). One slice: the loop that added a code point at a
  // time made a string per character, and a cold render cut every long description that way (issue 22).
  const room = Math.max(0, max - marker.length);
  const end = room > 0 && isHighSurrogate(text.charCodeAt(room - 1)) && isLowSurrogate(text.charCodeAt(room)) ? room - 1 : room;
  return `${text.slice(0, end).trimEnd()}${marker}`;
}

const isHighSurrogate = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit: number): boolean => unit >= 0xdc00 && unit <= 0xdfff;

/** At most `max` code points, cut on a code-point boundary and marked with `marker`. */
export function cutCodePoints(text: string, max: number, marker = '...'): string {
  const points = Array.from(text);
  return points.length <= max ? text : `${points.slice(0, max - Array.from(marker).length).join('').trimEnd()}${marker}`;
}

/** At most `maxBytes` UTF-8 bytes without splitting a character; `…` (3 bytes) marks a cut. */
export function cutUtf8Bytes(text: string, maxBytes: number): { text: string; cut: boolean } {
  const size = Buffer.byteLength(text, 'utf8');
  if (size <= maxBytes) return { text, cut: false };
  // ASCII only (as many bytes as code units; any other character takes more bytes than units): a byte a character,
  // so the prefix is the first maxBytes - 3 characters, without the walk below (the string iterator a character, in
  // cold code: ~0.4 ms of a cold `render --target nftables`, which cuts every long rule comment; issue 22).
  if (size === text.length) return { text: `${text.slice(0, Math.max(0, maxBytes - 3))}…`, cut: true };
  // The longest prefix that fits, cut once: sizes from the code point, not a Buffer.byteLength call per character.
  let end = 0;
  let bytes = 0;
  for (const char of text) {
    const size = utf8Size(char.codePointAt(0)!);
    if (bytes + size > maxBytes - 3) break;
    end += char.length;
    bytes += size;
  }
  return { text: `${text.slice(0, end)}…`, cut: true };
}

/** UTF-8 bytes of one code point; a lone surrogate is written as U+FFFD, 3 bytes, as Buffer.byteLength counts it. */
function utf8Size(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}

/**
 * Several lines (for `<pre>` blocks, fenced code and SARIF messages, where a line break is part of the text):
 * well-formed, every unsafe character other than `\n` and `\t` as a space, `\r\n` as `\n`.
 */
export function keepLines(text: string): string {
  return wellFormed(text)
    .replace(/\r\n/g, '\n')
    .replace(UNSAFE_CHARACTERS, (char) => (char === '\n' || char === '\t' ? char : ' '));
}
