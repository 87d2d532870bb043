/**
 * `tagwall render --target aml-managed-network` for every scenario that has a Public region, in every format, and
 * `tagwall check` on what it wrote (YAML and ARM): the config allows nothing extra, names no tag where Azure does
 * not take it, and what is missing is what the render diagnostics reported lost.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../src/catalogue/index.js';
import { tagwall } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tw-aml-'));

describe('render and check aml-managed-network', () => {
  for (const scenario of SCENARIOS.filter((entry) => entry.clouds.includes('Public'))) {
    it(scenario.id, () => {
      for (const format of ['yaml', 'arm', 'bicep', 'terraform']) {
        const file = join(dir, `${scenario.id}.${format}`);
        const rendered = tagwall('render', '--scenario', scenario.id, '--region', 'eastus2', '--target', 'aml-managed-network', '--format', format, '-o', file, '--json');
        expect(rendered.code, rendered.stderr).toBe(0);
        if (format !== 'yaml' && format !== 'arm') continue;
        const lost = (JSON.parse(rendered.stdout) as { diagnostics: Array<{ lost?: unknown }> }).diagnostics.some((diagnostic) => diagnostic.lost !== undefined);
        const checked = tagwall('check', '--scenario', scenario.id, '--region', 'eastus2', '--target', 'aml-managed-network', '--config', file, '--json');
        const answer = JSON.parse(checked.stdout) as { ok: boolean; missing: unknown[]; extra: unknown[]; findings: unknown[] };
        expect(answer.extra, `${scenario.id} ${format}: allowed beyond the requirements`).toEqual([]);
        expect(answer.findings).toEqual([]);
        expect(answer.missing.length > 0, `${scenario.id} ${format}: missing exactly when render reported a loss`).toBe(lost);
        expect(checked.code).toBe(answer.ok ? 0 : 1);
      }
    });
  }
});
