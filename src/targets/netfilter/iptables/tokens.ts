/**
 * Words of an iptables-restore or ipset-restore line. Only `"` groups words and `\` escapes inside quotes
 * (targets.md §3.1: single quotes are not quoting in restore files).
 */
import { TagwallError } from '../../../errors.js';

export function splitWords(line: string, file: string, lineNumber: number): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i]!)) i++;
    if (i >= line.length) break;
    let word = '';
    let quoted = false;
    while (i < line.length && (quoted || !/\s/.test(line[i]!))) {
      const char = line[i]!;
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
