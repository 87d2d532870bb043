import { goldenFile } from '../../../../test/support/golden.js';
import { describe, expect, it } from 'vitest';
import { expandedResolver } from '../../../analysis/resolve.js';
import { loadScenario, scenarioIds } from '../../../catalogue/index.js';
import { defaultSnapshot } from '../../../servicetags/snapshot.js';
import { udrTarget } from './index.js';

const snapshot = defaultSnapshot('Public');
const context = { snapshot, resolver: expandedResolver(snapshot), options: {} };

describe('route tables', () => {
  it('routes the primary and secondary regional tags of the inbound scenario to the Internet', () => {
    const [artifact] = udrTarget.translate(loadScenario('inbound-udr', { region: 'eastus2' }), context).artifacts;
    const routes = JSON.parse(artifact!.content).resources[0].properties.routes as Array<{ properties: { addressPrefix: string; nextHopType: string } }>;
    expect(routes.map((route) => route.properties.addressPrefix)).toEqual(['BatchNodeManagement.EastUS2', 'AzureMachineLearning.EastUS2', 'BatchNodeManagement.CentralUS', 'AzureMachineLearning.CentralUS']);
    expect(routes.every((route) => route.properties.nextHopType === 'Internet')).toBe(true);
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
