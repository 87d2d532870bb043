/** User text in SARIF 2.1.0 (JSON read by code-scanning services): strings and artifact URIs. */
import { keepLines, wellFormed } from './line.js';

/** A SARIF string: JSON escaping is `JSON.stringify`'s; controls and bidi controls go (line.ts), line breaks stay. */
export function sarifText(text: string): string {
  return keepLines(text);
}

/** Every string in a SARIF document passed through `sarifText`: a `JSON.stringify` replacer. */
export function sarifReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'string' ? sarifText(value) : value;
}

/**
 * A path as a URI reference (SARIF §3.10): percent-encoded, with `?` and `#` encoded too so they are not read as a
 * query or fragment. A lone surrogate (which `encodeURI` refuses) is U+FFFD first.
 */
export function sarifUriPath(path: string): string {
  return encodeURI(wellFormed(path)).replace(/[?#]/g, (char) => encodeURIComponent(char));
}
