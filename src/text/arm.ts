/**
 * User text in ARM template JSON. JSON itself is escaped by `JSON.stringify`; the trap is ARM's own: a string
 * that starts with `[` and ends with `]` is evaluated as an expression, and `[[` at the start escapes it
 * (learn.microsoft.com, template-expressions "Escape characters"). Descriptions are one line and bounded.
 */
import { cutCodeUnits, oneLine, wellFormed } from './line.js';

/** NSG rule descriptions are limited to 140 characters (NRP schema description); tagwall uses it for every Azure format. */
export const MAX_DESCRIPTION_LENGTH = 140;

/**
 * One line of at most `max` characters (line.ts: controls, line separators and bidi controls become spaces, lone
 * surrogates U+FFFD), cut on a code-point boundary with `...`. Unicode letters are kept. The length is counted in
 * UTF-16 code units, as .NET (ARM) counts string length, so an emoji counts twice and the limit holds either way.
 */
export function sanitizeDescription(text: string, max = MAX_DESCRIPTION_LENGTH): string {
  return cutCodeUnits(oneLine(text), max);
}

/**
 * A literal for an ARM template string. Only strings that would be read as an expression need the escape:
 * `[abc` without the closing bracket is literal as it is. A lone surrogate becomes U+FFFD, as in Bicep and HCL.
 */
export function armLiteral(text: string): string {
  const literal = wellFormed(text);
  return literal.startsWith('[') && literal.endsWith(']') ? `[${literal}` : literal;
}

/**
 * The inverse of `armLiteral` for a string already known not to be an expression: only `[[...]` loses a bracket;
 * `[[abc` stays as it is, because ARM reads a string that does not end in `]` literally.
 */
export function armUnescape(text: string): string {
  return text.startsWith('[[') && text.endsWith(']') ? text.slice(1) : text;
}

/** Is this ARM string an expression (and not an escaped literal)? */
export function isArmExpression(text: string): boolean {
  return text.startsWith('[') && !text.startsWith('[[') && text.endsWith(']');
}

/** A string literal inside an ARM expression (`'it''s'`): a quote is doubled. */
export function armExpressionString(text: string): string {
  return `'${wellFormed(text).replace(/'/g, "''")}'`;
}
