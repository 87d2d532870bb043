/**
 * docs/targets/azure.md stays true: its samples are the renderer's real output, and its diagnostics table lists
 * exactly the codes the Azure targets can emit (read from their source, as a reviewer would grep for them).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expandedResolver } from '../../../analysis/resolve.js';
import { loadScenario, type ScenarioId } from '../../../catalogue/index.js';
import { defaultSnapshot } from '../../../servicetags/snapshot.js';
import { findTarget } from '../../registry.js';

const DOC = readFileSync(new URL('../../../../docs/targets/azure.md', import.meta.url), 'utf8');
const FOLDERS = ['common', 'firewall', 'nsg', 'udr', 'managed-network'];

function sourceCodes(): Set<string> {
  const codes = new Set<string>();
  for (const folder of FOLDERS) {
    const dir = new URL(`../${folder}/`, import.meta.url);
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts') && !name.includes('.test'))) {
      for (const match of readFileSync(new URL(file, dir), 'utf8').matchAll(/'((?:AZFW|NSG|UDR|AML)_[A-Z0-9_]+)'/g)) codes.add(match[1]!);
    }
  }
  return codes;
}

describe('docs/targets/azure.md', () => {
  it('lists every diagnostic code the Azure targets emit, and no other', () => {
    const table = DOC.slice(DOC.indexOf('## Diagnostics'), DOC.indexOf('\n## ', DOC.indexOf('## Diagnostics') + 1));
    const documented = new Set([...table.matchAll(/^\| (`[A-Z0-9_]+`(?:(?:, | \/ )`[A-Z0-9_]+`)*) \|/gm)].flatMap((match) => [...match[1]!.matchAll(/`([A-Z0-9_]+)`/g)].map((code) => code[1]!)));
    const emitted = sourceCodes();
    expect(emitted.size).toBeGreaterThan(20);
    expect([...emitted].filter((code) => !documented.has(code)), 'emitted but not documented').toEqual([]);
    expect([...documented].filter((code) => !emitted.has(code)), 'documented but never emitted').toEqual([]);
  });

  const samples = [...DOC.matchAll(/<!-- sample: (\S+) (\S+) (\S+) -->\n```\w+\n([\s\S]*?)```/g)].map((match) => ({
    target: match[1]!,
    scenario: match[2]! as ScenarioId,
    format: match[3]!,
    lines: match[4]!.trimEnd().split('\n'),
  }));

  it('shows every Azure target in every format', () => {
    const shown = new Set(samples.map((sample) => `${sample.target} ${sample.format}`));
    for (const target of ['azure-firewall', 'azure-firewall-classic', 'nsg', 'udr']) for (const format of ['arm', 'bicep', 'terraform']) expect(shown.has(`${target} ${format}`), `${target} ${format}`).toBe(true);
  });

  for (const sample of samples) {
    it(`sample ${sample.target} ${sample.scenario} ${sample.format} is real output`, () => {
      const snapshot = defaultSnapshot('Public');
      const [artifact] = findTarget(sample.target).translate(loadScenario(sample.scenario, { region: 'eastus2' }), { snapshot, resolver: expandedResolver(snapshot), options: { format: sample.format } }).artifacts;
      const real = artifact!.content.trimEnd().split('\n');
      const cut = sample.lines.findIndex((line) => line.startsWith('… ('));
      const shown = cut < 0 ? sample.lines : sample.lines.slice(0, cut);
      expect(shown).toEqual(real.slice(0, shown.length));
      if (cut < 0) expect(shown.length).toBe(real.length);
      else expect(sample.lines[cut]).toContain(`${real.length - shown.length} more lines`);
    });
  }
});
