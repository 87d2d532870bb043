/**
 * The translator contract (DESIGN.md laws 1–3) for the panos target on every catalogue scenario in every cloud it
 * applies to: with External Dynamic Lists in the `set` form everywhere, and with address groups in the XML form
 * in the Public cloud (thousands of address objects per scenario, so slower); in a Panorama device group and in
 * shared; and end to end through the CLI: render to files, then `check` them (and a hand-written running config).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REGION_BY_CLOUD } from './support/regions.js';
import { expandedResolver } from '../src/analysis/resolve.js';
import { loadScenario, SCENARIOS, type ScenarioId } from '../src/catalogue/index.js';
import { defaultSnapshot } from '../src/servicetags/snapshot.js';
import { panosTarget } from '../src/targets/panos/index.js';
import type { TargetOptionValues } from '../src/targets/target.js';
import { expectContractHolds } from './support/contract.js';
import { tagwall } from './support/cli.js';

const REGION: Record<string, string> = REGION_BY_CLOUD;

function expectContract(scenario: ScenarioId, cloud: 'Public' | 'AzureGovernment' | 'China', options: TargetOptionValues): void {
  const snapshot = defaultSnapshot(cloud);
  expectContractHolds(panosTarget, loadScenario(scenario, { region: REGION[cloud]!, cloud }), { snapshot, resolver: expandedResolver(snapshot), options });
}

describe('panos: every catalogue scenario in every cloud', () => {
  for (const scenario of SCENARIOS) {
    for (const cloud of scenario.clouds) {
      it(`${scenario.id} ${cloud} (set, EDLs)`, () => expectContract(scenario.id, cloud, { format: 'set', tags: 'edl', edlUrl: 'https://lists.example.com/tw' }));
    }
    if (scenario.clouds.includes('Public')) it(`${scenario.id} Public (xml, address groups)`, () => expectContract(scenario.id, 'Public', { format: 'xml' }), 30_000);
  }
  // Panorama (targets.md §4.1): objects and pre-rules in a device group or in shared, zones other than the defaults.
  for (const location of ['device-group:Azure ML', 'shared']) {
    it(`data-exfiltration-prevention Public (${location}, both forms)`, () => {
      for (const format of ['xml', 'set']) expectContract('data-exfiltration-prevention', 'Public', { format, location, fromZone: 'inside', toZone: 'outside' });
    });
  }
});

describe('panos: render, then check the files render wrote', () => {
  it('proves the rendered policy exact, with the EDL files from edlDir; says which zones a running config has', () => {
    const out = mkdtempSync(join(tmpdir(), 'tw-panos-cli-'));
    const scenario = ['--scenario', 'data-exfiltration-prevention', '--region', 'westus'];
    const rendered = tagwall('render', ...scenario, '--target', 'panos', '--format', 'set', '--tags', 'edl', '--edl-url', 'https://lists.example.com/tw', '-o', `${out}/`);
    expect(rendered.code, rendered.stderr).toBe(0);
    const config = ['check', '--target', 'panos', '--config', join(out, 'panos-config.set'), ...scenario];
    const exact = tagwall(...config, '--option', `edlDir=${join(out, 'edl')}`);
    expect(exact.code, exact.stderr).toBe(0);
    expect(exact.stdout).toMatch(/^ok: /);
    const withoutLists = tagwall(...config);
    expect(withoutLists.code).toBe(2);
    expect(withoutLists.stderr).toContain('edlDir');

    const running = ['check', '--target', 'panos', '--config', 'fixtures/panos/running-config.xml', ...scenario];
    const noZones = tagwall(...running);
    expect(noZones.code).toBe(2);
    expect(noZones.stderr).toContain('fixtures/panos/running-config.xml:19:');
    expect(noZones.stderr).toContain('its zones: inside, outside');
    const differs = tagwall(...running, '--option', 'fromZone=inside', '--option', 'toZone=outside', '--format', 'json');
    expect(differs.code, differs.stderr).toBe(1);
    expect(JSON.parse(differs.stdout)).toMatchObject({ command: 'check', changed: true });
  });
});
