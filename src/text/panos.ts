/**
 * User text in PAN-OS configurations (targets.md §4): XML element text and attributes, XML comments, and values
 * of configure-mode `set` commands. Object names have their own, stricter rules (targets/panos/names.ts).
 */
import { cutCodePoints, oneLine } from './line.js';

/**
 * Free text for descriptions and tag comments: one line (line.ts), and besides what line.ts removes, `"` as `'`
 * (the `set` form double-quotes values and the CLI documents no escape inside them, §4.2), `\` as `/` (an escape
 * character to many CLIs) and no `?` (the PAN-OS CLI, like other network CLIs, answers `?` with help as it is
 * typed; unverified for pasted quoted values, so it is avoided). At most `maxLength` code points, so a cut never
 * splits a surrogate pair. Descriptions are the same in both forms because the model holds the cleaned text.
 */
export function cleanText(text: string, maxLength: number): string {
  const safe = oneLine(text.replace(/"/g, "'").replace(/\\/g, '/').replace(/\?/g, '')).replace(/\s+/g, ' ').trim();
  return cutCodePoints(safe, maxLength);
}

const ENTITY_OF: Readonly<Record<string, string>> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' };

/** Text content escaped for an element body or a double-quoted attribute (the five predefined entities). */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (character) => ENTITY_OF[character]!);
}

/** An XML comment: one line, and no `--` inside (XML 1.0 §2.5), which a space between the dashes avoids. */
export function xmlComment(text: string): string {
  return `<!-- ${oneLine(text).replace(/-{2,}/g, (dashes) => dashes.split('').join(' '))} -->`;
}

/**
 * A value in a `set` command: bare when it has only characters the CLI reads as one word, else double-quoted.
 * The CLI has no escape inside quotes, so a value must not hold `"`: texts pass `cleanText`, names are safe by
 * construction and URL entries with quotes are refused by the translator (PANOS_URL_PATH_INEXPRESSIBLE).
 */
export function quoteSetValue(value: string): string {
  if (value.includes('"')) throw new Error(`a PAN-OS set value cannot carry a double quote: ${JSON.stringify(value)}`);
  return /^[A-Za-z0-9_.:/,-]+$/.test(value) ? value : `"${value}"`;
}
