/** User text in the HTML report: element text and double-quoted attribute values. */
import { keepLines } from './line.js';

/**
 * The five characters HTML gives meaning to as numeric references (so the same escape works in text and in
 * attributes), and controls, line separators and bidi controls as spaces (line.ts): a purpose cannot reorder how a
 * finding is shown. Line breaks stay, for `<pre>` blocks.
 */
export function escapeHtml(text: string): string {
  return keepLines(text).replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
