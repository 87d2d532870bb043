/** User text in the Markdown report (a pull-request comment on GitHub, which renders inline HTML). */
import { keepLines, oneLine } from './line.js';

/** Text in Markdown: one line (line.ts), HTML and Markdown punctuation made literal. */
export function escapeMarkdown(text: string): string {
  return (
    oneLine(text)
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/([\\`*_[\]|#~])/g, '\\$1')
      // A requirement's purpose or a config comment saying `@team` must not notify anyone from a bot's comment:
      // a zero-width space after `@` breaks the mention and still reads as `@team`.
      .replace(/@/g, '@&#8203;')
  );
}

/** A fenced block that no line of `text` can close: the fence is longer than any backtick run inside. */
export function fenced(text: string, info = ''): string {
  const body = keepLines(text);
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${body}\n${fence}`;
}
