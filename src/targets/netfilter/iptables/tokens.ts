/**
 * Words of an iptables-restore or ipset-restore line. Only `"` groups words and `\` escapes inside quotes
 * (targets.md §3.1: single quotes are not quoting in restore files).
 */
import { TagwallError } from '../../../errors.js';
import { UNICODE_SPACE, unicodeSpaceError } from '../../../internal/input-limits.js';

export function splitWords(line: string, file: string, lineNumber: number): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
    if (i >= line.length) break;
    let word = '';
    let quoted = false;
    while (i < line.length && (quoted || (line[i] !== ' ' && line[i] !== '\t'))) {
      const char = line[i]!;
      // iptables-restore and ipset restore split on space and tab only: other spaces would glue two words together.
      if (!quoted && UNICODE_SPACE.test(char)) throw unicodeSpaceError(char, { file, line: lineNumber, column: i + 1 });
      if (char === '"') quoted = !quoted;
      else if (char === '\\' && quoted && i + 1 < line.length) word += line[++i]!;
      else word += char;
      i++;
    }
    if (quoted) throw new TagwallError('TW_INVALID_CONFIG', 'unterminated quote', { location: { file, line: lineNumber } });
    words.push(word);
  }
  return words;
}
