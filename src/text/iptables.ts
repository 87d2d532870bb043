/**
 * User text in `iptables-restore`, `ip6tables-restore` and `ipset restore` files, and in the dnsmasq configuration
 * that goes with them (targets.md §3.1, §3.3, §3.5): `#` comment lines, and quoted `--comment` arguments.
 */
import { cutUtf8Bytes, oneLine } from './line.js';

/**
 * How long a `#` line may be, in bytes with the `# `. `ipset restore` reads its input in 1024-byte pieces (ipset
 * 7.17, measured: a comment line of 1,024 bytes or more is split, and the rest is run as a command, so a long path
 * could end in a live `destroy`); iptables-restore splits lines somewhere above 10,000 bytes and dnsmasq reads
 * 1,025-byte lines. 512 keeps every reader well inside one line.
 */
export const COMMENT_LINE_BYTES = 512;

/**
 * A `# …` line: one line (line.ts), so the text cannot end the comment and start a live rule or command, and at most
 * COMMENT_LINE_BYTES bytes, so no reader splits it into a second line either.
 */
export function iptablesCommentLine(text: string): string {
  return `# ${cutUtf8Bytes(oneLine(text), COMMENT_LINE_BYTES - 2).text}`;
}

/** Only `"` groups words in a restore file and `\` escapes inside quotes (targets.md §3.1). */
export function iptablesQuote(text: string): string {
  return `"${text.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}

/** A `-m comment --comment` value: one line, at most `maxBytes` bytes, quoted (`cut` says whether it was shortened). */
export function iptablesComment(text: string, maxBytes: number): { text: string; quoted: string; cut: boolean } {
  const fitted = cutUtf8Bytes(oneLine(text), maxBytes);
  return { ...fitted, quoted: iptablesQuote(fitted.text) };
}
