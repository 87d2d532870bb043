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
