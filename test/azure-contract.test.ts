/**
 * The translator contract (DESIGN.md laws 1–3) for the Azure targets: on every catalogue scenario in every cloud
 * it applies to, and on random requirement sets. The UDR target routes rather than filters: its kit's yardstick
 * (the inbound source space) is what the exported checkContract measures it against, the same call as the others.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REGION_BY_CLOUD } from './support/regions.js';
import { expectContractHolds } from './support/contract.js';
import { expandedResolver } from '../src/analysis/resolve.js';
import { loadScenario, SCENARIOS } from '../src/catalogue/index.js';
import { PortSet, ProtocolSet } from '../src/model/ports.js';
import type { RequirementSet } from '../src/model/requirement.js';
import { defaultSnapshot } from '../src/servicetags/snapshot.js';
import { requirementSetArbitrary } from '../src/targets/azure/common/arbitraries.test-support.js';
import { optionsFor } from '../src/targets/option-schema.js';
import { amlManagedNetworkTarget } from '../src/targets/azure/managed-network/index.js';
import { azureFirewallClassicTarget, azureFirewallTarget } from '../src/targets/azure/firewall/index.js';
import { nsgTarget } from '../src/targets/azure/nsg/index.js';
import type { Target, TargetOptionValues, TranslateContext } from '../src/targets/target.js';
import { udrTarget } from '../src/targets/azure/udr/index.js';

const FILTERS: readonly Target[] = [azureFirewallTarget, azureFirewallClassicTarget, nsgTarget, amlManagedNetworkTarget];
// eastus2: the region issue 6's own example uses.
const REGION: Record<string, string> = { ...REGION_BY_CLOUD, Public: 'eastus2' };

function context(cloud: 'Public' | 'AzureGovernment' | 'China', options: TargetOptionValues = { format: 'arm' }): TranslateContext {
  const snapshot = defaultSnapshot(cloud);
  return { snapshot, resolver: expandedResolver(snapshot), options };
}

function expectUdrContract(requirements: RequirementSet, translate: TranslateContext): void {
  expectContractHolds(udrTarget, requirements, translate);
}

describe('every catalogue scenario in every cloud', () => {
  for (const scenario of SCENARIOS) {
    for (const cloud of scenario.clouds) {
      const requirements = (): RequirementSet => loadScenario(scenario.id, { region: REGION[cloud]!, cloud });
      for (const target of FILTERS) {
        it(`${target.id} ${scenario.id} ${cloud}`, () => {
          // The NSG of the forced-tunnelling scenario lets host-name flows out towards Internet for the firewall by
          // design (NSG_FORCED_TUNNEL, bounded in src/targets/azure/nsg/workload.test.ts); the contract is checked without it.
          const options = target === nsgTarget && scenario.id === 'forced-tunnelling' ? { format: 'arm', forcedTunnelling: false } : undefined;
          expectContractHolds(target, requirements(), context(cloud, options));
        });
      }
      it(`udr ${scenario.id} ${cloud}`, () => expectUdrContract(requirements(), context(cloud)));
    }
  }
});

describe('random requirement sets', () => {
  const public_ = context('Public');
  for (const target of FILTERS) {
    const firewall = target.id !== 'nsg';
    const full: TargetOptionValues = firewall ? { format: 'bicep', ipGroups: true, sku: 'premium', vnet: '10.0.0.0/16', ...(target.id === 'azure-firewall' ? { ipv6: true } : {}) } : { format: 'bicep' };
    for (const options of [{ format: 'arm' }, full]) {
      it(`${target.id} with ${JSON.stringify(options)}`, () => {
        fc.assert(
          fc.property(requirementSetArbitrary, (requirements) => {
            // Each kit takes the options it declares (aml-managed-network has no ipGroups, sku or vnet).
            expectContractHolds(target, requirements, { ...public_, options: optionsFor(target.options, options) });
          }),
          { numRuns: 60 },
        );
      });
    }
  }
  it('udr', () => {
    fc.assert(fc.property(requirementSetArbitrary, (requirements) => expectUdrContract(requirements, public_)), { numRuns: 60 });
  });
});

describe('route-table limits keep the contract (targets.md §2.5: 25 tag routes, 400 routes)', () => {
  const public_ = context('Public');
  const inbound = (id: string, tag: string) => ({
    id,
    direction: 'in' as const,
    protocols: ProtocolSet.of(6),
    ports: PortSet.of(443),
    sources: [{ kind: 'service-tag' as const, name: tag }],
    destinations: [{ kind: 'service-tag' as const, name: 'VirtualNetwork' }],
    purpose: 'limit test',
    conditions: [],
    provenance: [],
  });
  it('more than 25 tags: 25 routes, the rest reported with their loss', () => {
    const regions = ['EastUS', 'EastUS2', 'WestUS', 'WestUS2', 'WestUS3', 'CentralUS', 'NorthCentralUS', 'SouthCentralUS', 'WestCentralUS', 'CanadaCentral', 'CanadaEast', 'BrazilSouth', 'NorthEurope', 'WestEurope', 'UKSouth', 'UKWest', 'FranceCentral', 'GermanyWestCentral', 'SwitzerlandNorth', 'NorwayEast', 'SwedenCentral', 'JapanEast', 'JapanWest', 'KoreaCentral', 'AustraliaEast', 'AustraliaSoutheast', 'SoutheastAsia', 'EastAsia', 'CentralIndia', 'SouthAfricaNorth'];
    const requirements: RequirementSet = { requirements: regions.map((region, index) => inbound(`r${index}`, `Storage.${region}`)) };
    const translation = udrTarget.translate(requirements, public_);
    expect(translation.diagnostics.filter((diagnostic) => diagnostic.code === 'UDR_ROUTE_LIMIT')).toHaveLength(regions.length - 25);
    expectUdrContract(requirements, public_);
  });
  it('expanded prefixes past 400 routes: the rest reported with their loss', () => {
    const requirements: RequirementSet = { requirements: [inbound('cloud', 'AzureCloud.EastUS')] };
    const options = { format: 'arm', expand: true } as const;
    const translation = udrTarget.translate(requirements, { ...public_, options });
    expect(translation.diagnostics.some((diagnostic) => diagnostic.code === 'UDR_ROUTE_LIMIT' && diagnostic.lost)).toBe(true);
    expectUdrContract(requirements, { ...public_, options });
  });
});
