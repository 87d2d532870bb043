/** The header comment every netfilter artifact opens with: what it is for and which snapshot expanded the tags. */
import type { RequirementSet } from '../../../model/requirement.js';
import type { Snapshot } from '../../../servicetags/snapshot.js';

export function headerLines(what: string, requirements: RequirementSet, snapshot: Snapshot, load: readonly string[]): string[] {
  const info = snapshot.info;
  const source = requirements.origin ?? requirements.name ?? 'requirements';
  return [
    `tagwall ${what} for ${source}`,
    `service tags: ${info.cloud} snapshot, changeNumber ${info.changeNumber}${info.date ? `, ${info.date}` : ''}`,
    ...load,
  ];
}

/** One line of a comment: no control characters, so it cannot end the comment early. */
export function singleLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
}

/** Cuts `text` to at most `maxBytes` UTF-8 bytes without splitting a character; `…` marks a cut. */
export function fitBytes(text: string, maxBytes: number): { text: string; cut: boolean } {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return { text, cut: false };
  let out = '';
  let bytes = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > maxBytes - 3) break;
    out += char;
    bytes += size;
  }
  return { text: `${out}…`, cut: true };
}
