import { goldenFile } from '../../../../test/support/golden.js';
import { describe, expect, it } from 'vitest';
import { expandedResolver } from '../../../analysis/resolve.js';
import { AddressSet } from '../../../model/address-set.js';
import { loadScenario, scenarioIds } from '../../../catalogue/index.js';
import { defaultSnapshot } from '../../../servicetags/snapshot.js';
import { udrTarget } from './index.js';

const snapshot = defaultSnapshot('Public');
const context = { snapshot, resolver: expandedResolver(snapshot), options: {} };

describe('route tables', () => {
  it('routes Batch of the primary region and Azure ML of the primary and secondary region to the Internet, as prefixes where routes do not take the tag', () => {
    const translation = udrTarget.translate(loadScenario('inbound-udr', { region: 'eastus2' }), context);
    const routes = JSON.parse(translation.artifacts[0]!.content).resources[0].properties.routes as Array<{ properties: { addressPrefix: string; nextHopType: string } }>;
    const prefixes = routes.map((route) => route.properties.addressPrefix);
    // BatchNodeManagement.<region> is API+NSG and AzureMachineLearning.<region> null in networkFeatures: no UDR.
    expect(prefixes.filter((prefix) => !prefix.includes('/'))).toEqual([]);
    // The article asks for the secondary region for Azure ML only, not Batch (catalogue fact table).
    const expected = ['BatchNodeManagement.EastUS2', 'AzureMachineLearning.EastUS2', 'AzureMachineLearning.CentralUS'];
    const union = expected.reduce((set, tag) => set.union(snapshot.addresses(tag)), AddressSet.EMPTY);
    expect(AddressSet.parse(prefixes.join(',')).equals(union)).toBe(true);
    expect(translation.diagnostics.filter((diagnostic) => diagnostic.code === 'UDR_TAG_EXPANDED').map((diagnostic) => diagnostic.message.split(' ')[2])).toEqual(expected);
    expect(routes.every((route) => route.properties.nextHopType === 'Internet')).toBe(true);
  });
  it('names the broader global tag only on opt-in, with a warning and a witness', () => {
    const translation = udrTarget.translate(loadScenario('inbound-udr', { region: 'eastus2' }), { ...context, options: { globalTags: true } });
    const routes = JSON.parse(translation.artifacts[0]!.content).resources[0].properties.routes as Array<{ properties: { addressPrefix: string } }>;
    expect(routes.map((route) => route.properties.addressPrefix)).toEqual(['BatchNodeManagement', 'AzureMachineLearning']);
    const widened = translation.diagnostics.filter((diagnostic) => diagnostic.code === 'UDR_TAG_WIDENED');
    expect(widened).toHaveLength(3);
    expect(widened.every((diagnostic) => diagnostic.severity === 'warning' && /e\.g\. in /.test(diagnostic.message))).toBe(true);
  });
  it('expands tags to prefixes when asked, within 400 routes', () => {
    const translation = udrTarget.translate(loadScenario('inbound-udr', { region: 'eastus2' }), { ...context, options: { expand: true } });
    const routes = JSON.parse(translation.artifacts[0]!.content).resources[0].properties.routes as unknown[];
    expect(routes.length).toBeLessThanOrEqual(400);
    expect(routes.length).toBeGreaterThan(4);
  });
});

describe('golden files', () => {
  // The scenarios a route table serves: those with inbound requirements from routable sources (its yardstick).
  const served = scenarioIds().filter((id) => loadScenario(id, { region: 'eastus2' }).requirements.some((requirement) => !udrTarget.yardstick(requirement, context.resolver).isEmpty()));
  for (const scenario of served) {
    for (const format of ['arm', 'bicep', 'terraform'] as const) {
      it(`${scenario} ${format}`, async () => {
        const [artifact] = udrTarget.translate(loadScenario(scenario, { region: 'eastus2' }), { ...context, options: { format } }).artifacts;
        await expect(artifact!.content).toMatchFileSnapshot(goldenFile('udr', `${scenario}.${{ arm: 'json', bicep: 'bicep', terraform: 'tf' }[format]}`));
      });
    }
  }
});
