/** How reports name the objects of PAN-OS XML and set commands (Target.labels). */
import { NO_OBJECT, xmlLabels } from '../labels.js';
import type { ArtifactLabeller, ObjectLabel } from '../target.js';

/** PAN-OS set commands: one object per line, named after its kind (`address X`, `address-group X`, `security rule X`). */
function setCommandLabel(line: string): ObjectLabel {
  const words = [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2]!);
  if (words[0] !== 'set') return NO_OBJECT;
  const rules = words.indexOf('rules');
  if (rules > 0 && words[rules + 1]) return { kind: `${words[rules - 1]} rule`, name: words[rules + 1]! };
  let at = 1;
  if (words[at] === 'shared') at++;
  else if (['device-group', 'vsys', 'template'].includes(words[at] ?? '')) at += 2;
  if (words[at] === 'profiles') at++;
  return words[at + 1] ? { kind: words[at]!, name: words[at + 1]! } : NO_OBJECT;
}

export const PANOS_LABELS: Readonly<Record<string, ArtifactLabeller>> = {
  xml: xmlLabels,
  set: (lines) => lines.map(setCommandLabel),
  // EDL files have no objects (the file is the object).
};
