/**
 * User text in `iptables-restore`, `ip6tables-restore` and `ipset restore` files, and in the dnsmasq configuration
 * that goes with them (targets.md §3.1, §3.3, §3.5): `#` comment lines, and quoted `--comment` arguments.
 */
import { cutUtf8Bytes, oneLine } from './line.js';

/** A `# …` line: one line (line.ts), so the text cannot end the comment and start a live rule or command. */
export function iptablesCommentLine(text: string): string {
  return `# ${oneLine(text)}`;
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
