/**
 * Every ARM resource the Azure targets generate validates against the NRP schema (fixtures/azure/schemas, a copy of
 * Azure/azure-resource-manager-schemas, MIT, LICENSE beside it). The schema is draft-04; ajv 8 reads it after two
 * mechanical changes (`id` → `$id`, no `$schema`), since ajv-draft-04 is not a dependency here.
 */
import { optionsFor } from '../src/targets/option-schema.js';
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { REGION_BY_CLOUD } from './support/regions.js';
import { expandedResolver } from '../src/analysis/resolve.js';
import { loadScenario, SCENARIOS, type ScenarioId } from '../src/catalogue/index.js';
import { defaultSnapshot } from '../src/servicetags/snapshot.js';
import { checkArmResource } from '../src/targets/azure/common/validate.js';
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
const REGION: Record<string, string> = { ...REGION_BY_CLOUD, Public: 'eastus2' };
// Every option that changes the resources: IP Groups, Premium target URLs, IPv6 network rules, a narrower VNet,
// expanded UDR prefixes, and an NSG resolve table.
const OPTION_SETS: TargetOptionValues[] = [
  { format: 'arm' },
  { format: 'arm', ipGroups: true, sku: 'premium', expand: true, ipv6: true, vnet: '10.0.0.0/16, fd00::/48', resolve: 'pypi.org=151.101.0.223,2a04:4e42::223' },
];

describe('generated ARM resources validate against Microsoft.Network.NRP.json (2025-07-01) and pass tagwall\'s own checks', () => {
  for (const target of allTargets().filter((candidate) => AZURE_TARGETS.includes(candidate.id))) {
    for (const options of OPTION_SETS) {
      it(`${target.id} ${JSON.stringify(options)}, every scenario in every cloud`, () => {
        let checked = 0;
        for (const scenario of SCENARIOS) {
          for (const cloud of scenario.clouds) {
            const snapshot = defaultSnapshot(cloud);
            const requirements = loadScenario(scenario.id, { region: REGION[cloud]!, cloud, options: { privateEndpoint: true, customImages: true, hbiWorkspace: true } });
            // One option set for the four targets: each takes the options it declares.
            for (const artifact of target.translate(requirements, { snapshot, resolver: expandedResolver(snapshot), options: optionsFor(target.options, options) }).artifacts) {
              const template = JSON.parse(artifact.content) as { resources: Array<{ type: string }> };
              template.resources.forEach((resource, index) => {
                const validate = validatorFor(resource.type);
                expect(validate(resource), `${scenario.id} ${cloud} ${resource.type}: ${JSON.stringify(validate.errors?.[0])}`).toBe(true);
                expect(checkArmResource(resource, `$.resources[${index}]`), `${scenario.id} ${cloud}`).toEqual([]);
                checked++;
              });
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

describe("tagwall's own checks catch what the schema lets through (targets.md §5)", () => {
  const snapshot = defaultSnapshot('Public');
  const context = { snapshot, resolver: expandedResolver(snapshot) };
  type Resource = { type: string; properties: Record<string, unknown> } & Record<string, unknown>;
  const generated = (target: string, scenario: ScenarioId, options: TargetOptionValues = {}): Resource[] => {
    const [artifact] = allTargets()
      .find((candidate) => candidate.id === target)!
      .translate(loadScenario(scenario, { region: 'eastus2' }), { ...context, options: { format: 'arm', ...options } }).artifacts;
    return (JSON.parse(artifact!.content) as { resources: Resource[] }).resources;
  };
  /** The schema accepts the broken resource, tagwall's checks do not, and the problem names what broke. */
  const expectCaught = (resource: Resource, mutate: (copy: Resource) => void, problem: RegExp): void => {
    const copy = structuredClone(resource);
    mutate(copy);
    expect(validatorFor(copy.type)(copy), 'the schema alone accepts it').toBe(true);
    expect(checkArmResource(copy).join('\n')).toMatch(problem);
    expect(checkArmResource(resource)).toEqual([]);
  };
  type NsgRule = { name: string; properties: Record<string, unknown> };

  it('NSG: names, priorities, port syntax, tags only in singular fields, one family per rule, 1,000 rules', () => {
    const [nsg] = generated('nsg', 'compute-no-public-ip');
    const rules = (copy: Resource) => copy.properties['securityRules'] as NsgRule[];
    expectCaught(nsg!, (copy) => (rules(copy)[0]!.name = 'x'.repeat(81)), /securityRules\[0\]\.name: name 'x{81}' is not 1-80/);
    expectCaught(nsg!, (copy) => (rules(copy)[0]!.name = 'bad name.'), /is not 1-80 characters/);
    expectCaught(nsg!, (copy) => (rules(copy)[1]!.name = rules(copy)[0]!.name.toUpperCase()), /is used twice/);
    expectCaught(nsg!, (copy) => (rules(copy)[0]!.properties['priority'] = 4097), /priority must be an integer 100-4096/);
    expectCaught(nsg!, (copy) => (rules(copy)[1]!.properties['priority'] = rules(copy)[0]!.properties['priority']), /is also rule 0's/);
    expectCaught(nsg!, (copy) => (rules(copy)[0]!.properties['destinationPortRange'] = '1-65536'), /'1-65536' is not a port/);
    expectCaught(nsg!, (copy) => (rules(copy)[0]!.properties['destinationPortRange'] = '443,445'), /'443,445' is not a port/);
    expectCaught(
      nsg!,
      (copy) => {
        delete rules(copy)[0]!.properties['sourceAddressPrefix'];
        rules(copy)[0]!.properties['sourceAddressPrefixes'] = ['Storage', '10.0.0.0/8'];
      },
      /service tags and \* go only in the singular field/,
    );
    expectCaught(nsg!, (copy) => Object.assign(rules(copy)[0]!.properties, { sourceAddressPrefix: '10.0.0.0/8', destinationAddressPrefix: '2001:db8::/32' }), /IPv4 and IPv6 prefixes in one rule/);
    expectCaught(
      nsg!,
      (copy) => {
        const [first] = rules(copy);
        copy.properties['securityRules'] = Array.from({ length: 1001 }, (_, index) => ({ ...first!, name: `r${index}`, properties: { ...first!.properties, priority: 100 + index } }));
      },
      /1001 rules exceed 1000 per NSG/,
    );
  });

  it('firewall policy: names, port syntax, no tag next to an address, only tags the firewall takes, URLs apart from FQDNs', () => {
    const resources = generated('azure-firewall', 'compute-no-public-ip');
    const group = resources.find((resource) => resource.type === 'Microsoft.Network/firewallPolicies/ruleCollectionGroups');
    // UDP 5831 to <region>.tundra.azureml.ms is a network rule with a destination FQDN: the policy declares the DNS proxy.
    const policy = resources.find((resource) => resource.type === 'Microsoft.Network/firewallPolicies');
    expect(policy?.properties['dnsSettings']).toEqual({ enableProxy: true });
    expectCaught(policy!, (copy) => (copy.properties['threatIntelMode'] = 'Deny'), /declares only sku, dnsSettings and transportSecurity/);
    type Rule = Record<string, unknown>;
    const collections = (copy: Resource) => copy.properties['ruleCollections'] as Array<{ name: string; rules: Rule[] }>;
    const network = (copy: Resource) => collections(copy)[0]!.rules[0]!;
    const application = (copy: Resource) => collections(copy)[1]!.rules[0]!;
    expectCaught(group!, (copy) => (network(copy)['name'] = 'has space'), /rules\[0\]\.name: name 'has space'/);
    expectCaught(group!, (copy) => (collections(copy)[1]!.name = collections(copy)[0]!.name), /is used twice/);
    expectCaught(group!, (copy) => (network(copy)['destinationPorts'] = ['70000']), /'70000' is not a port/);
    expectCaught(group!, (copy) => (network(copy)['destinationAddresses'] = ['Storage.EastUS2', '20.0.0.0/24']), /service tags and addresses in one rule/);
    expectCaught(group!, (copy) => (network(copy)['destinationAddresses'] = ['Internet']), /does not take the tag Internet/);
    expectCaught(group!, (copy) => (network(copy)['sourceAddresses'] = ['VirtualNetwork']), /tags are destinations only/);
    expectCaught(group!, (copy) => Object.assign(application(copy), { targetUrls: ['example.com/a/*'], terminateTLS: true }), /targetUrls and targetFqdns in one rule/);
    expectCaught(group!, (copy) => Object.assign(application(copy), { targetFqdns: [], targetUrls: ['example.com/a/*'] }), /targetUrls need terminateTLS/);
    expectCaught(group!, (copy) => Object.assign(application(copy), { targetFqdns: [], targetUrls: ['example.com/a?b=1'], terminateTLS: true }), /is not a target URL Azure takes/);
  });

  it('classic collections, IP Groups and route tables: names, priorities, 5,000 IPv4 entries, 25 tag routes, 400 routes', () => {
    const [firewall] = generated('azure-firewall-classic', 'compute-no-public-ip');
    expectCaught(firewall!, (copy) => ((copy.properties['networkRuleCollections'] as Array<{ name: string }>)[0]!.name = '_lead'), /name '_lead'/);
    const [ipGroup] = generated('azure-firewall', 'compute-no-public-ip', { ipGroups: true, vnet: Array.from({ length: 12 }, (_, index) => `10.${index * 2}.0.0/16`).join(',') });
    expect(ipGroup!.type).toBe('Microsoft.Network/ipGroups');
    expectCaught(ipGroup!, (copy) => (copy.properties['ipAddresses'] = Array.from({ length: 5001 }, (_, index) => `10.${index >> 8}.${index & 255}.0/24`)), /holds 1-5000 entries, not 5001/);
    expectCaught(ipGroup!, (copy) => (copy.properties['ipAddresses'] = ['2001:db8::/32']), /not an IPv4 address/);
    const [table] = generated('udr', 'inbound-udr');
    type Route = { name: string; properties: { addressPrefix: string; nextHopType: string } };
    const route = (name: string, addressPrefix: string): Route => ({ name, properties: { addressPrefix, nextHopType: 'Internet' } });
    expectCaught(table!, (copy) => (copy.properties['routes'] = Array.from({ length: 26 }, (_, index) => route(`t${index}`, `Tag${index}`))), /26 service-tag routes exceed 25/);
    expectCaught(table!, (copy) => (copy.properties['routes'] = Array.from({ length: 401 }, (_, index) => route(`r${index}`, `10.${index >> 8}.${index & 255}.0/24`))), /401 routes exceed 400/);
    expectCaught(table!, (copy) => (copy.properties['routes'] = [route('a', '10.0.0.0/8'), route('b', '10.0.0.0/8')]), /routed twice/);
  });
});

/**
 * The managed network's outbound rules validate against Microsoft.MachineLearningServices.json 2026-05-01 (same
 * repository and licence). One mechanical change: the generated base of the OutboundRule union lists only the
 * shared properties (type, category, status) with `additionalProperties: false`, which no variant can pass since
 * each adds `destination` (Microsoft's own examples fail it too); that one keyword is dropped, and every variant
 * still checks its own properties.
 */
describe('aml-managed-network ARM resources validate against Microsoft.MachineLearningServices.json (2026-05-01)', () => {
  const schema = loadDraft04('2026-05-01/Microsoft.MachineLearningServices.json') as { $id: string; definitions: { OutboundRule: { allOf: Array<Record<string, unknown>> } } };
  delete schema.definitions.OutboundRule.allOf[0]!['additionalProperties'];
  const mls = new Ajv({ strict: false, allErrors: false, validateSchema: false });
  mls.addSchema(loadDraft04('common/definitions.json'));
  mls.addSchema(schema);
  const validate = mls.getSchema(`${schema.$id.replace(/#$/, '')}#/resourceDefinitions/workspaces_outboundRules`)!;
  const target = allTargets().find((candidate) => candidate.id === 'aml-managed-network')!;

  it('catches what it should: a dotted rule name, an unknown type', () => {
    const rule = { type: 'Microsoft.MachineLearningServices/workspaces/outboundRules', apiVersion: '2026-05-01', name: 'pypi', properties: { type: 'FQDN', category: 'UserDefined', destination: 'pypi.org' } };
    expect(validate(rule)).toBe(true);
    expect(validate({ ...rule, name: 'pypi.org' })).toBe(false);
    expect(validate({ ...rule, properties: { ...rule.properties, type: 'Fqdn' } })).toBe(false);
  });

  for (const options of [{ format: 'arm' }, { format: 'arm', fqdnRules: 'widen', privateEndpoints: 'blob=/subscriptions/0/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/s#blob' }] as TargetOptionValues[]) {
    it(`every scenario in every cloud, ${JSON.stringify(options)}`, () => {
      let checked = 0;
      for (const scenario of SCENARIOS) {
        for (const cloud of scenario.clouds) {
          const snapshot = defaultSnapshot(cloud);
          const requirements = loadScenario(scenario.id, { region: REGION[cloud]!, cloud, options: { privateEndpoint: true, customImages: true } });
          const [artifact] = target.translate(requirements, { snapshot, resolver: expandedResolver(snapshot), options }).artifacts;
          const template = JSON.parse(artifact!.content) as { resources: Array<{ name: string }> };
          for (const resource of template.resources) {
            // The child name is `[format('{0}/{1}', parameters('workspaceName'), 'rule')]`; the schema checks the rule's own segment.
            const own = /'([^']*)'\)\]$/.exec(resource.name)?.[1] ?? resource.name;
            const ok = validate({ ...resource, name: own });
            expect(ok, `${scenario.id} ${cloud} ${own}: ${JSON.stringify(validate.errors?.[0])}`).toBe(true);
            checked++;
          }
        }
      }
      expect(checked).toBeGreaterThan(SCENARIOS.length);
    });
  }
});
