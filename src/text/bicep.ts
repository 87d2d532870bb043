/** User text in Bicep: single-quoted strings (which interpolate `${`) and `//` comments. */
import { oneLine, wellFormed } from './line.js';

/**
 * A Bicep single-quoted string: `\` `'` and `${` escaped, control characters as escapes (Bicep string syntax);
 * a lone surrogate as U+FFFD, as in ARM JSON and HCL.
 */
export function bicepString(text: string): string {
  const source = wellFormed(text);
  let out = '';
  for (let index = 0; index < source.length; index++) {
    const char = source[index]!;
    if (char === '\\') out += '\\\\';
    else if (char === "'") out += "\\'";
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (char === '$' && source[index + 1] === '{') out += '\\$';
    else if (char.charCodeAt(0) < 0x20) out += `\\u{${char.charCodeAt(0).toString(16)}}`;
    else out += char;
  }
  return `'${out}'`;
}

/** A `//` comment: one line (line.ts), so the text cannot end the comment. */
export function bicepComment(text: string): string {
  return `// ${oneLine(text)}`;
}
