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

/**
 * A self-contained HTML page: UTF-8, a Content-Security-Policy that allows nothing but the inline style (no script,
 * no fetch), the escaped title, `head` lines after the policy, and the body lines as given.
 */
export function htmlDocument(page: { readonly title: string; readonly style: string; readonly head?: readonly string[]; readonly body: readonly string[] }): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    ...(page.head ?? []),
    `<title>${escapeHtml(page.title)}</title>`,
    `<style>${page.style}</style>`,
    '</head>',
    '<body>',
    ...page.body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
