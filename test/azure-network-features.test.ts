/**
 * Issue 16 "done when": for every scenario in a Public, a Government and a China region, no Azure output names a tag
 * where its snapshot's networkFeatures say that resource does not take it (the same check `tagwall check` runs on
 * deployed configs), with and without the options that change the resources. The contract tests
 * (azure-contract.test.ts) show the outputs still allow exactly the requirements minus reported losses.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REGION_BY_CLOUD } from './support/regions.js';
import { expandedResolver } from '../src/analysis/resolve.js';
import { loadScenario, SCENARIOS } from '../src/catalogue/index.js';
import { runCheck } from '../src/cli/analysis.js';
import { defaultSnapshot } from '../src/servicetags/snapshot.js';
import { optionsFor } from '../src/targets/option-schema.js';
import { allTargets } from '../src/targets/registry.js';
import type { TargetOptionValues } from '../src/targets/target.js';

const AZURE = allTargets().filter((target) => target.findings !== undefined);
const OPTION_SETS: TargetOptionValues[] = [{ format: 'arm' }, { format: 'arm', globalTags: true, ipGroups: true, sku: 'premium', ipv6: true }];

describe('no Azure output names a tag its resource does not take', () => {
  it('covers the Azure targets', () => expect(AZURE.map((target) => target.id)).toEqual(expect.arrayContaining(['azure-firewall', 'azure-firewall-classic', 'nsg', 'udr'])));
  for (const target of AZURE) {
    for (const cloud of ['Public', 'AzureGovernment', 'China'] as const) {
      it(`${target.id} ${cloud} (${REGION_BY_CLOUD[cloud]}), every scenario`, () => {
        const snapshot = defaultSnapshot(cloud);
        let checked = 0;
        for (const scenario of SCENARIOS.filter((entry) => entry.clouds.includes(cloud))) {
          const requirements = loadScenario(scenario.id, { region: REGION_BY_CLOUD[cloud], cloud, options: { privateEndpoint: true, customImages: true, hbiWorkspace: true, userManagedDependencies: true } });
          for (const options of OPTION_SETS) {
            // Each kit takes the options it declares (option-schema.ts refuses the others).
            for (const artifact of target.translate(requirements, { snapshot, resolver: expandedResolver(snapshot), options: optionsFor(target.options, options) }).artifacts) {
              expect(target.findings!({ content: artifact.content, file: artifact.name }, snapshot), `${scenario.id} ${JSON.stringify(options)}`).toEqual([]);
              checked++;
            }
          }
        }
        expect(checked).toBeGreaterThan(0);
      });
    }
  }

  it('China: the regional Storage, Key Vault, ACR and MCR tags (API+NSG only) never reach firewall rules', () => {
    const snapshot = defaultSnapshot('China');
    const requirements = loadScenario('compute-no-public-ip', { region: 'chinanorth3', cloud: 'China', options: { customImages: true, userManagedDependencies: true } });
    const target = allTargets().find((entry) => entry.id === 'azure-firewall')!;
    const translation = target.translate(requirements, { snapshot, resolver: expandedResolver(snapshot), options: {} });
    const expanded = translation.diagnostics.filter((diagnostic) => diagnostic.code === 'AZFW_TAG_EXPANDED').map((diagnostic) => diagnostic.message);
    expect(expanded.some((message) => /Storage\.ChinaNorth3 is not accepted in Azure Firewall rules \(its networkFeatures: API, NSG\)/.test(message))).toBe(true);
    expect(translation.artifacts[0]!.content).not.toMatch(/"Storage\.ChinaNorth3"/);
  });
});

describe('tagwall check: a deployed rule naming a tag where Azure does not take it is a finding', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tw-features-'));
  const nsg = {
    properties: {
      securityRules: [
        { name: 'aml-in', properties: { priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourceAddressPrefix: 'AzureMachineLearning.EastUS2', sourcePortRange: '*', destinationAddressPrefix: 'VirtualNetwork', destinationPortRange: '44224' } },
      ],
    },
  };
  const config = join(dir, 'nsg.json');
  writeFileSync(config, JSON.stringify(nsg, null, 2));
  const requirements = join(dir, 'req.yaml');
  writeFileSync(requirements, 'requirements:\n  - {id: aml-in, direction: inbound, protocol: tcp, ports: 44224, source: AzureMachineLearning.EastUS2, destination: VirtualNetwork}\n');

  it('names the field by JSON path and the tag\'s features, and exits 1 although the packets match', () => {
    let out = '';
    const code = runCheck({ target: 'nsg', config, requirements: [requirements], json: true }, { stdout: (text) => (out += text), stderr: () => undefined });
    const answer = JSON.parse(out) as { ok: boolean; missing: unknown[]; extra: unknown[]; findings: Array<{ code: string; message: string }> };
    expect(code).toBe(1);
    expect(answer.ok).toBe(false);
    expect(answer.findings).toHaveLength(1);
    expect(answer.findings[0]!.code).toBe('NSG_TAG_NOT_ACCEPTED');
    expect(answer.findings[0]!.message).toContain('$.properties.securityRules[0].properties.sourceAddressPrefix: AzureMachineLearning.EastUS2 is not accepted here (its networkFeatures: none (networkFeatures null))');
  });

  it('says nothing about tags the resource takes', () => {
    const target = allTargets().find((entry) => entry.id === 'nsg')!;
    const fine = JSON.stringify(nsg).replace('AzureMachineLearning.EastUS2', 'BatchNodeManagement.EastUS2');
    expect(target.findings!({ content: fine, file: 'x.json' }, defaultSnapshot('Public'))).toEqual([]);
    const route = { properties: { routes: [{ name: 'r', properties: { addressPrefix: 'BatchNodeManagement.EastUS2', nextHopType: 'Internet' } }] } };
    const udr = allTargets().find((entry) => entry.id === 'udr')!;
    expect(udr.findings!({ content: JSON.stringify(route), file: 'rt.json' }, defaultSnapshot('Public')).map((finding) => finding.code)).toEqual(['UDR_TAG_NOT_ACCEPTED']);
  });
});
