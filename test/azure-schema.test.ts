/**
 * Every ARM resource the Azure targets generate validates against the NRP schema (fixtures/azure/schemas, a copy of
 * Azure/azure-resource-manager-schemas, MIT, LICENSE beside it). The schema is draft-04; ajv 8 reads it after two
 * mechanical changes (`id` → `$id`, no `$schema`), since ajv-draft-04 is not a dependency here.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { expandedResolver } from '../src/analysis/resolve.js';
import { loadScenario, SCENARIOS } from '../src/catalogue/index.js';
import { defaultSnapshot } from '../src/servicetags/snapshot.js';
import { allTargets } from '../src/targets/registry.js';
import type { TargetOptionValues } from '../src/targets/target.js';

const SCHEMAS = new URL('../fixtures/azure/schemas/', import.meta.url);
const BASE = 'https://schema.management.azure.com/schemas/2025-07-01/Microsoft.Network.NRP.json#/resourceDefinitions/';

function loadDraft04(path: string): Record<string, unknown> {
  const { id, $schema, ...rest } = JSON.parse(readFileSync(new URL(path, SCHEMAS), 'utf8')) as Record<string, unknown>;
  void $schema;
  return { $id: id, ...rest };
}

const ajv = new Ajv({ strict: false, allErrors: false, validateSchema: false });
ajv.addSchema(loadDraft04('common/definitions.json'));
ajv.addSchema(loadDraft04('2025-07-01/Microsoft.Network.NRP.json'));
const validators = new Map<string, ValidateFunction>();

function validatorFor(type: string): ValidateFunction {
  const key = type.replace(/^Microsoft\.Network\//, '').replace(/\//g, '_');
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.getSchema(BASE + key);
    if (!validate) throw new Error(`no schema for ${type}`);
    validators.set(key, validate);
  }
  return validate;
}

const AZURE_TARGETS = ['azure-firewall', 'azure-firewall-classic', 'nsg', 'udr'];
const OPTION_SETS: TargetOptionValues[] = [{ format: 'arm' }, { format: 'arm', ipGroups: true, sku: 'premium', expand: true }];

describe('generated ARM resources validate against Microsoft.Network.NRP.json (2025-07-01)', () => {
  const snapshot = defaultSnapshot('Public');
  const context = { snapshot, resolver: expandedResolver(snapshot) };
  for (const target of allTargets().filter((candidate) => AZURE_TARGETS.includes(candidate.id))) {
    for (const options of OPTION_SETS) {
      it(`${target.id} ${JSON.stringify(options)}`, () => {
        let checked = 0;
        for (const scenario of SCENARIOS) {
          const requirements = loadScenario(scenario.id, { region: 'eastus2' });
          for (const artifact of target.translate(requirements, { ...context, options }).artifacts) {
            const template = JSON.parse(artifact.content) as { resources: Array<{ type: string }> };
            for (const resource of template.resources) {
              const validate = validatorFor(resource.type);
              expect(validate(resource), `${scenario.id} ${resource.type}: ${JSON.stringify(validate.errors?.[0])}`).toBe(true);
              checked++;
            }
          }
        }
        expect(checked).toBeGreaterThanOrEqual(SCENARIOS.length);
      });
    }
  }

  it('catches what it should: a wrong protocol case is rejected', () => {
    const validate = validatorFor('Microsoft.Network/networkSecurityGroups');
    const resource = {
      type: 'Microsoft.Network/networkSecurityGroups',
      apiVersion: '2025-07-01',
      name: 'x',
      location: 'eastus2',
      properties: { securityRules: [{ name: 'r', properties: { protocol: 'TCP', access: 'Allow', priority: 100, direction: 'Inbound', sourceAddressPrefix: '*', destinationAddressPrefix: '*', sourcePortRange: '*', destinationPortRange: '*' } }] },
    };
    expect(validate(resource)).toBe(false);
    resource.properties.securityRules[0]!.properties.protocol = 'Tcp';
    expect(validate(resource)).toBe(true);
  });
});
