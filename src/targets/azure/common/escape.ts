/**
 * Text that came from users (requirement ids, purposes) goes into four string syntaxes. Each has its own trap:
 * ARM reads a string that starts with `[` and ends with `]` as an expression, Bicep and HCL interpolate `${`,
 * HCL also runs `%{` template directives. Descriptions are sanitised first (one line, bounded), then escaped.
 */

/** NSG rule descriptions are limited to 140 characters (NRP schema description); tagwall uses it for every target. */
export const MAX_DESCRIPTION_LENGTH = 140;

/**
 * One line of at most `max` characters: control characters (newlines, tabs) become spaces, runs of spaces collapse,
 * and an over-long text is cut on a code-point boundary with `...`. Unicode letters are kept. The length is counted
 * in UTF-16 code units, as .NET (ARM) counts string length, so an emoji counts twice and the limit holds either way.
 */
export function sanitizeDescription(text: string, max = MAX_DESCRIPTION_LENGTH): string {
  // eslint-disable-next-line no-control-regex
  const oneLine = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/ {2,}/g, ' ').trim();
  if (oneLine.length <= max) return oneLine;
  let cut = '';
  for (const point of oneLine) {
    if (cut.length + point.length > max - 3) break;
    cut += point;
  }
  return `${cut.trimEnd()}...`;
}

/**
 * A literal for an ARM template string. ARM evaluates `[...]` as an expression; `[[` at the start escapes it
 * (learn.microsoft.com, template-expressions "Escape characters"). Only strings that would be read as an
 * expression need it: `[abc` without the closing bracket is literal as it is.
 */
export function armLiteral(text: string): string {
  return text.startsWith('[') && text.endsWith(']') ? `[${text}` : text;
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

/** A Bicep single-quoted string: `\` `'` and `${` escaped, control characters as escapes (Bicep string syntax). */
export function bicepString(text: string): string {
  let out = '';
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char === '\\') out += '\\\\';
    else if (char === "'") out += "\\'";
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (char === '$' && text[index + 1] === '{') out += '\\$';
    else if (char.charCodeAt(0) < 0x20) out += `\\u{${char.charCodeAt(0).toString(16)}}`;
    else out += char;
  }
  return `'${out}'`;
}

/**
 * An HCL double-quoted string: JSON-like escapes plus `$${` and `%%{`, which HCL reads as a literal `${` / `%{`
 * instead of starting an interpolation or a template directive (HCL native syntax spec, "Template Literals").
 */
export function hclString(text: string): string {
  let out = '';
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    const next = text[index + 1];
    if (char === '\\') out += '\\\\';
    else if (char === '"') out += '\\"';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if ((char === '$' || char === '%') && next === '{') out += `${char}${char}`;
    else if (char.charCodeAt(0) < 0x20) out += `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
    else out += char;
  }
  return `"${out}"`;
}
