/** User text in Terraform HCL: double-quoted template strings (`${` interpolation, `%{` directives) and `#` comments. */
import { oneLine, wellFormed } from './line.js';

/**
 * An HCL double-quoted string: JSON-like escapes plus `$${` and `%%{`, which HCL reads as a literal `${` / `%{`
 * instead of starting an interpolation or a template directive (HCL native syntax spec, "Template Literals");
 * a lone surrogate as U+FFFD, as in ARM JSON and Bicep.
 */
export function hclString(text: string): string {
  const source = wellFormed(text);
  let out = '';
  for (let index = 0; index < source.length; index++) {
    const char = source[index]!;
    const next = source[index + 1];
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

/** A `#` comment: one line (line.ts), so the text cannot end the comment. */
export function hclComment(text: string): string {
  return `# ${oneLine(text)}`;
}
