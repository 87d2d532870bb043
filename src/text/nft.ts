/** User text in an `nft -f` file (targets.md §3.4): `#` comment lines and `comment "…"` strings. */
import { COMMENT_LINE_BYTES } from './iptables.js';
import { cutUtf8Bytes, oneLine } from './line.js';

/**
 * A `# …` line: one line (line.ts), so the text cannot end the comment and start a live statement, and as short as
 * the iptables family's (a ruleset is often kept next to its ipset file and read by the same tools).
 */
export function nftCommentLine(text: string): string {
  return `# ${cutUtf8Bytes(oneLine(text), COMMENT_LINE_BYTES - 2).text}`;
}

/**
 * The text of `comment "…"`: nft's scanner has no escape inside a quoted string, so `"` becomes `'`; one line;
 * at most `maxBytes` bytes, as nft counts (the target's capabilities give the limit) (`cut` says whether it had to be shortened).
 */
export function nftComment(text: string, maxBytes: number): { text: string; cut: boolean } {
  return cutUtf8Bytes(oneLine(text).replace(/"/g, "'"), maxBytes);
}
