/**
 * Rewrites the `<!-- sample: TARGET SCENARIO FORMAT -->` blocks of a docs page with the renderer's real output,
 * keeping each block's length (and its "… (N more lines: …)" cut, with N recomputed). The docs tests compare the
 * same blocks with real output, so after a change in what a target renders:
 *   node --import tsx scripts/update-doc-samples.ts docs/targets/azure.md
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { expandedResolver } from '../src/analysis/resolve.js';
import { loadScenario, type ScenarioId } from '../src/catalogue/index.js';
import { defaultSnapshot } from '../src/servicetags/snapshot.js';
import { findTarget } from '../src/targets/registry.js';

const file = process.argv[2];
if (!file) throw new Error('usage: update-doc-samples.ts DOC.md');
const snapshot = defaultSnapshot('Public');
const resolver = expandedResolver(snapshot);
const text = readFileSync(file, 'utf8').replace(/(<!-- sample: (\S+) (\S+) (\S+) -->\n```\w+\n)([\s\S]*?)```/g, (_all, head: string, target: string, scenario: string, format: string, body: string) => {
  const lines = body.trimEnd().split('\n');
  const [artifact] = findTarget(target).translate(loadScenario(scenario as ScenarioId, { region: 'eastus2' }), { snapshot, resolver, options: { format } }).artifacts;
  const real = artifact!.content.trimEnd().split('\n');
  const cut = lines.findIndex((line) => line.startsWith('… ('));
  if (cut < 0) return `${head}${real.join('\n')}\n\`\`\``;
  const shown = real.slice(0, cut);
  const rest = lines[cut]!.replace(/^… \(\d+ more lines/, `… (${real.length - shown.length} more lines`);
  return `${head}${[...shown, rest].join('\n')}\n\`\`\``;
});
writeFileSync(file, text);
