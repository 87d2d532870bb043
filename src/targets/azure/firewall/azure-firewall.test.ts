import { goldenFile } from '../../../../test/support/golden.js';
import { describe, expect, it } from 'vitest';
import { thrownError as error } from '../../../../test/support/errors.js';
import { expandedResolver } from '../../../analysis/resolve.js';
import { allowedPackets } from '../../../analysis/rule-set.js';
import { loadScenario, scenarioIds, type ScenarioId } from '../../../catalogue/index.js';
import { AddressSet } from '../../../model/address-set.js';
import { parseHostPattern } from '../../../model/hostnames.js';
import { parsePacket } from '../../../model/packet.js';
import { PortSet, ProtocolSet } from '../../../model/ports.js';
import type { RequirementSet } from '../../../model/requirement.js';
import { defaultSnapshot } from '../../../servicetags/snapshot.js';
import { azureFirewallClassicTarget, azureFirewallTarget } from './index.js';
import { parseFirewallJson } from './parse.js';
import { buildFirewallModel, groupSizeDrafts, renderFirewall } from './build.js';
import { firewallArmDocument, renderFirewallArm } from './render.js';

const snapshot = defaultSnapshot('Public');
const resolver = expandedResolver(snapshot);
const context = { snapshot, resolver, options: {} };

const rcg = (priority: number, collections: unknown[]) => ({
  type: 'Microsoft.Network/firewallPolicies/ruleCollectionGroups',
  apiVersion: '2025-07-01',
  name: 'p/g',
  properties: { priority, ruleCollections: collections },
});
const collection = (name: string, priority: number, action: string, rules: unknown[]) => ({ ruleCollectionType: 'FirewallPolicyFilterRuleCollection', name, priority, action: { type: action }, rules });
const appRule = (name: string, fqdns: string[]) => ({ ruleType: 'ApplicationRule', name, protocols: [{ protocolType: 'Https', port: 443 }], sourceAddresses: ['10.0.0.0/24'], targetFqdns: fqdns });
const netRule = (name: string, destinations: string[]) => ({ ruleType: 'NetworkRule', name, ipProtocols: ['TCP'], sourceAddresses: ['10.0.0.0/24'], destinationAddresses: destinations, destinationPorts: ['443'] });

function parse(resources: unknown[]) {
  return allowedPackets(parseFirewallJson(JSON.stringify({ resources }), 'fw.json', resolver));
}

describe('parsing rule collection groups (targets.md §1.2, §1.3)', () => {
  it('evaluates network rules before application rules whatever the group priority', () => {
    // The app allow sits in the higher-priority group, the network deny in the lower one: the deny still wins.
    const allowed = parse([rcg(100, [collection('app', 100, 'Allow', [appRule('a', ['*.example.com'])])]), rcg(200, [collection('net', 100, 'Deny', [netRule('d', ['*'])])])]);
    expect(allowed.has(parsePacket('out tcp 10.0.0.4 -> 93.184.216.34:443 host=www.example.com'))).toBe(false);
  });
  it('reads *.x.com as never matching x.com itself', () => {
    const allowed = parse([rcg(100, [collection('app', 100, 'Allow', [appRule('a', ['*.example.com'])])])]);
    expect(allowed.has(parsePacket('out tcp 10.0.0.4 -> 93.184.216.34:443 host=a.b.example.com'))).toBe(true);
    expect(allowed.has(parsePacket('out tcp 10.0.0.4 -> 93.184.216.34:443 host=example.com'))).toBe(false);
  });
  it('refuses what it cannot model, with a JSON path', () => {
    expect(error(() => parse([rcg(100, [collection('app', 100, 'Allow', [appRule('a', ['*example.com'])])])]))).toMatchObject({
      code: 'TW_UNSUPPORTED_CONFIG',
      location: { jsonPath: '$.resources[0].properties.ruleCollections[0].rules[0].targetFqdns[0]' },
    });
    expect(error(() => parse([rcg(100, [collection('app', 100, 'Allow', [{ ...appRule('a', []), fqdnTags: ['WindowsUpdate'] }])])]))).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG' });
    expect(error(() => parse([rcg(100, [collection('net', 100, 'Allow', [netRule('n', ["[parameters('x')]"])])])]))).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG' });
    expect(error(() => parse([rcg(100, [collection('net', 100, 'Allow', [{ ...netRule('n', ['*']), sourceAddresses: ['Storage'] }])])]))).toMatchObject({ code: 'TW_INVALID_CONFIG' });
    expect(error(() => parse([rcg(100, [collection('net', 100, 'Allow', [{ ...netRule('n', ['*']), destinationPorts: ['1-65536'] }])])]))).toMatchObject({ code: 'TW_INVALID_CONFIG' });
    expect(error(() => parse([{ type: 'Microsoft.Network/virtualNetworks', name: 'x' }])).code).toBe('TW_INVALID_CONFIG');
  });
});

describe('translation', () => {
  const set = (destinations: RequirementSet['requirements'][number]['destinations']): RequirementSet => ({
    requirements: [
      { id: 'r1', direction: 'out', protocols: ProtocolSet.of(6), ports: PortSet.of(443), sources: [{ kind: 'addresses', addresses: AddressSet.parse('10.0.0.0/24') }], destinations, purpose: 'test', conditions: [], provenance: [] },
    ],
  });
  it('never mixes tags and addresses in one network rule', () => {
    const [artifact] = azureFirewallTarget.translate(set([{ kind: 'service-tag', name: 'storage.eastus2' }, { kind: 'addresses', addresses: AddressSet.parse('20.0.0.0/24') }]), context).artifacts;
    const rules = JSON.parse(artifact!.content).resources[0].properties.ruleCollections[0].rules as Array<{ destinationAddresses: string[] }>;
    expect(rules.map((rule) => rule.destinationAddresses)).toEqual([['Storage.EastUS2'], ['20.0.0.0/24']]);
  });
  it('keeps an explicit apex next to its wildcard (*.x.com does not match x.com)', () => {
    const [artifact] = azureFirewallTarget.translate(set([{ kind: 'host', pattern: parseHostPattern('example.com') }, { kind: 'host', pattern: parseHostPattern('*.example.com') }]), context).artifacts;
    expect(JSON.parse(artifact!.content).resources[0].properties.ruleCollections[0].rules[0].targetFqdns).toEqual(['example.com', '*.example.com']);
  });
  it('renders URLs as target URLs only on Premium', () => {
    const url = set([{ kind: 'url', pattern: parseHostPattern('raw.githubusercontent.com'), path: '/org/repo/' }]);
    const standard = azureFirewallTarget.translate(url, context);
    expect(standard.diagnostics.map((diagnostic) => diagnostic.code)).toContain('AZFW_URL_NEEDS_PREMIUM');
    const premium = azureFirewallTarget.translate(url, { ...context, options: { sku: 'premium' } });
    expect(premium.artifacts[0]!.content).toContain('"raw.githubusercontent.com/org/repo/*"');
    expect(premium.artifacts[0]!.content).toContain('"terminateTLS": true');
  });
  it('Terraform: destination_urls (with terminate_tls) and destination_fqdns never share a rule block', () => {
    const mixed = set([
      { kind: 'url', pattern: parseHostPattern('raw.githubusercontent.com'), path: '/org/repo/' },
      { kind: 'host', pattern: parseHostPattern('example.com') },
    ]);
    const terraform = azureFirewallTarget.translate(mixed, { ...context, options: { sku: 'premium', format: 'terraform' } }).artifacts[0]!.content;
    const blocks = terraform.split(/\n\s*rule \{/).slice(1);
    const withUrls = blocks.filter((block) => block.includes('destination_urls'));
    expect(withUrls).toHaveLength(1);
    expect(withUrls[0]).toMatch(/terminate_tls\s+= true/);
    expect(withUrls[0]).not.toContain('destination_fqdns');
    expect(blocks.filter((block) => block.includes('destination_fqdns = ["example.com"]'))).toHaveLength(1);
  });
  it('reports URL paths a target URL cannot hold instead of rendering them (§1.3: no queries, * only at the end)', () => {
    for (const path of ['/a?b=1', '/a*b/', '/a b/', '/caf\u00e9/']) {
      const translation = azureFirewallTarget.translate(set([{ kind: 'url', pattern: parseHostPattern('example.com'), path }]), { ...context, options: { sku: 'premium' } });
      const diagnostic = translation.diagnostics.find((entry) => entry.code === 'AZFW_URL_INEXPRESSIBLE');
      expect(diagnostic?.lost?.isEmpty(), path).toBe(false);
      expect(translation.artifacts[0]!.content).not.toContain('targetUrls');
    }
  });
  it('expands the tags the firewall does not take (service-tags overview, 2023), regional forms too', () => {
    const translation = azureFirewallTarget.translate(set([{ kind: 'service-tag', name: 'GatewayManager' }, { kind: 'service-tag', name: 'KustoAnalytics' }, { kind: 'service-tag', name: 'AzureMonitor' }]), context);
    const rules = JSON.parse(translation.artifacts[0]!.content).resources[0].properties.ruleCollections[0].rules as Array<{ destinationAddresses: string[] }>;
    expect(rules[0]!.destinationAddresses).toEqual(['AzureMonitor']);
    expect(rules[1]!.destinationAddresses.some((entry) => /GatewayManager|KustoAnalytics/.test(entry))).toBe(false);
    expect(translation.diagnostics.map((entry) => entry.code)).toContain('AZFW_TAG_EXPANDED');
  });
  it('checks the ARM document its text is written from, which is what parsing the text gives back', () => {
    // renderFirewall validates and measures the document instead of parsing its own text: that is the same only
    // while the document holds nothing JSON.stringify drops or changes (undefined, NaN, functions), key order included.
    const variants = [{}, { ipGroups: 'true' }, { ipv6: 'true', sku: 'premium' }, { dnsProxy: 'external', globalTags: 'true' }];
    for (const id of scenarioIds()) {
      const requirements = loadScenario(id, { region: 'westus', firewallAddress: '10.0.0.4' });
      for (const [flavor, options] of variants.flatMap((options) => [['policy', options], ['classic', {}]] as const)) {
        const { model } = buildFirewallModel(flavor, requirements, { snapshot, resolver, options });
        expect(JSON.parse(renderFirewallArm(model))).toStrictEqual(firewallArmDocument(model));
        // The loss accounting parses back the ARM text the render wrote (kept per model), in every format.
        expect(renderFirewall(model, 'arm').artifacts[0]!.content).toBe(renderFirewallArm(model));
      }
    }
  });
  it('warns when the rule collection group outgrows 1 MB, and errs past 2 MB (§1.5)', () => {
    const arm = (bytes: number) => JSON.stringify({ resources: [{ type: 'Microsoft.Network/firewallPolicies/ruleCollectionGroups', properties: { pad: 'x'.repeat(bytes) } }] });
    expect(groupSizeDrafts(arm(1000))).toEqual([]);
    expect(groupSizeDrafts(arm(1.5 * 1024 * 1024)).map((draft) => [draft.code, draft.severity])).toEqual([['AZFW_GROUP_SIZE_LIMIT', 'warning']]);
    expect(groupSizeDrafts(arm(2.5 * 1024 * 1024)).map((draft) => [draft.code, draft.severity])).toEqual([['AZFW_GROUP_SIZE_LIMIT', 'error']]);
  });
  it('gives Terraform labels that stay apart when names differ only in . and _, and lets Bicep infer IP Group dependencies', () => {
    const base = set([{ kind: 'service-tag', name: 'AzureMonitor' }]).requirements[0]!;
    const many = AddressSet.fromStrings(Array.from({ length: 12 }, (_, index) => `10.${index}.0.0/24`));
    const requirements: RequirementSet = { requirements: [{ ...base, id: 'a.b', sources: [{ kind: 'addresses', addresses: many }] }, { ...base, id: 'a_b', sources: [{ kind: 'addresses', addresses: many.union(AddressSet.parse('10.99.0.0/24')) }] }] };
    const terraform = azureFirewallTarget.translate(requirements, { ...context, options: { format: 'terraform', ipGroups: true } }).artifacts[0]!.content;
    const labels = [...terraform.matchAll(/resource "azurerm_ip_group" "([^"]+)"/g)].map((match) => match[1]);
    expect(labels).toHaveLength(2);
    expect(new Set(labels).size).toBe(2);
    for (const label of labels) expect(terraform).toContain(`azurerm_ip_group.${label}.id`);
    const bicep = azureFirewallTarget.translate(requirements, { ...context, options: { format: 'bicep', ipGroups: true } }).artifacts[0]!.content;
    expect(bicep).toContain('ipGroup1.id');
    expect(bicep).not.toContain('dependsOn');
  });
  it('moves long address lists into IP Groups when asked', () => {
    const many = AddressSet.fromStrings(Array.from({ length: 40 }, (_, index) => `10.${index}.0.0/24`));
    const requirements: RequirementSet = { requirements: [{ ...set([{ kind: 'service-tag', name: 'AzureMonitor' }]).requirements[0]!, sources: [{ kind: 'addresses', addresses: many }] }] };
    const [artifact] = azureFirewallTarget.translate(requirements, { ...context, options: { ipGroups: true } }).artifacts;
    const template = JSON.parse(artifact!.content);
    expect(template.resources[0].type).toBe('Microsoft.Network/ipGroups');
    expect(template.resources[0].properties.ipAddresses).toHaveLength(40);
    // Named by what they hold, so another requirement set deployed to the same resource group cannot overwrite them.
    expect(template.resources[0].name).toMatch(/^r1-src-ipg1-[0-9a-f]{8}$/);
    const other = azureFirewallTarget.translate({ requirements: [{ ...requirements.requirements[0]!, sources: [{ kind: 'addresses', addresses: many.difference(AddressSet.parse('10.0.0.0/24')) }] }] }, { ...context, options: { ipGroups: true } });
    expect(JSON.parse(other.artifacts[0]!.content).resources[0].name).not.toBe(template.resources[0].name);
    expect(template.resources[1].properties.ruleCollections[0].rules[0].sourceIpGroups).toEqual([`[resourceId('Microsoft.Network/ipGroups', '${template.resources[0].name}')]`]);
    expect(allowedPackets(azureFirewallTarget.parseArtifacts([artifact!], context)).has(parsePacket(`out tcp 10.39.0.1 -> ${snapshot.addresses('AzureMonitor').toCidrStrings('ipv4')[0]!.split('/')[0]}:443`))).toBe(true);
  });
  it('rejects bad options', () => {
    expect(error(() => azureFirewallTarget.translate(set([]), { ...context, options: { format: 'yaml' as 'arm' } })).code).toBe('TW_INVALID_OPTION');
    expect(error(() => azureFirewallTarget.translate(set([]), { ...context, options: { priority: '50' } })).code).toBe('TW_INVALID_OPTION');
  });
});

describe('golden files', () => {
  for (const target of [azureFirewallTarget, azureFirewallClassicTarget]) {
    for (const scenario of scenarioIds()) {
      for (const format of ['arm', 'bicep', 'terraform'] as const) {
        it(`${target.id} ${scenario} ${format}`, async () => {
          const [artifact] = target.translate(loadScenario(scenario, { region: 'eastus2' }), { ...context, options: { format } }).artifacts;
          await expect(artifact!.content).toMatchFileSnapshot(goldenFile(target.id, `${scenario}.${{ arm: 'json', bicep: 'bicep', terraform: 'tf' }[format]}`));
        });
      }
    }
  }
});

describe('policy settings the rules need (issue 16)', () => {
  const fw = (scenario: ScenarioId, options: Record<string, string | boolean> = {}) =>
    azureFirewallTarget.translate(loadScenario(scenario, { region: 'eastus2' }), { snapshot, resolver, options: { format: 'arm', ...options } });
  type Template = { parameters: Record<string, { defaultValue?: string }>; resources: Array<{ type: string; identity?: unknown; properties: Record<string, unknown> }> };
  const template = (translation: ReturnType<typeof fw>): Template => JSON.parse(translation.artifacts[0]!.content) as Template;

  it('names the rule collection group after the scenario, with a priority derived from the name; both are options', () => {
    const a = template(fw('compute-no-public-ip'));
    const b = template(fw('serverless'));
    expect(a.parameters['ruleCollectionGroupName']!.defaultValue).toBe('tw-compute-no-public-ip');
    expect(b.parameters['ruleCollectionGroupName']!.defaultValue).toBe('tw-serverless');
    const priority = (t: Template) => t.resources.find((resource) => resource.type.endsWith('ruleCollectionGroups'))!.properties['priority'];
    expect(priority(a)).not.toBe(priority(b));
    const chosen = template(fw('serverless', { ruleCollectionGroup: 'aml-egress', priority: '2500' }));
    expect(chosen.parameters['ruleCollectionGroupName']!.defaultValue).toBe('aml-egress');
    expect(priority(chosen)).toBe(2500);
    expect(() => fw('serverless', { ruleCollectionGroup: 'bad name' })).toThrow(/ruleCollectionGroup must be/);
  });

  it('UDP to a host name is a network rule with a destination FQDN, and the policy declares the DNS proxy (or warns when DNS is external)', () => {
    const translation = fw('compute-no-public-ip');
    const text = translation.artifacts[0]!.content;
    expect(text).toContain('"eastus2.tundra.azureml.ms"');
    expect(template(translation).resources.find((resource) => resource.type === 'Microsoft.Network/firewallPolicies')!.properties['dnsSettings']).toEqual({ enableProxy: true });
    expect(translation.diagnostics.map((diagnostic) => diagnostic.code)).toContain('AZFW_DNS_PROXY');
    const allowed = allowedPackets(azureFirewallTarget.parseArtifacts(translation.artifacts, { resolver, options: {} }));
    expect(allowed.has(parsePacket('out udp 10.0.0.4 -> 20.1.2.3:5831 host=eastus2.tundra.azureml.ms'))).toBe(true);
    expect(allowed.has(parsePacket('out udp 10.0.0.4 -> 20.1.2.3:5831 host=westus.tundra.azureml.ms'))).toBe(false);
    const external = fw('compute-no-public-ip', { dnsProxy: 'external' });
    expect(template(external).resources.map((resource) => resource.type)).not.toContain('Microsoft.Network/firewallPolicies');
    expect(external.diagnostics.find((diagnostic) => diagnostic.code === 'AZFW_DNS_PROXY_EXTERNAL')?.severity).toBe('warning');
  });

  it('Premium target URLs come with the TLS-inspection prerequisites as parameters; Standard refuses them clearly', () => {
    const requirements = { requirements: [{ id: 'wheel', direction: 'out' as const, protocols: ProtocolSet.of(6), ports: PortSet.of(443), sources: [{ kind: 'addresses' as const, addresses: AddressSet.parse('10.0.0.0/24') }], destinations: [{ kind: 'url' as const, pattern: parseHostPattern('files.example.com'), path: '/simple/' }], purpose: 'p', conditions: [], provenance: [] }] };
    const premium = azureFirewallTarget.translate(requirements, { snapshot, resolver, options: { sku: 'premium' } });
    const t = template(premium);
    expect(Object.keys(t.parameters)).toEqual(expect.arrayContaining(['tlsCertificateAuthoritySecretId', 'tlsCertificateAuthorityName', 'firewallPolicyIdentityId']));
    const policy = t.resources.find((resource) => resource.type === 'Microsoft.Network/firewallPolicies')!;
    expect(policy.properties['sku']).toEqual({ tier: 'Premium' });
    expect(policy.properties['transportSecurity']).toEqual({ certificateAuthority: { keyVaultSecretId: "[parameters('tlsCertificateAuthoritySecretId')]", name: "[parameters('tlsCertificateAuthorityName')]" } });
    expect(policy.identity).toEqual({ type: 'UserAssigned', userAssignedIdentities: { "[parameters('firewallPolicyIdentityId')]": {} } });
    expect(premium.diagnostics.map((diagnostic) => diagnostic.code)).toContain('AZFW_TLS_INSPECTION');
    const bicep = azureFirewallTarget.translate(requirements, { snapshot, resolver, options: { sku: 'premium', format: 'bicep' } }).artifacts[0]!.content;
    expect(bicep).toContain("'${firewallPolicyIdentityId}': {}");
    const tf = azureFirewallTarget.translate(requirements, { snapshot, resolver, options: { sku: 'premium', format: 'terraform' } }).artifacts[0]!.content;
    expect(tf).toMatch(/tls_certificate \{\s+key_vault_secret_id = var\.tls_certificate_authority_secret_id/);
    const standard = azureFirewallTarget.translate(requirements, { snapshot, resolver, options: {} });
    const refusal = standard.diagnostics.find((diagnostic) => diagnostic.code === 'AZFW_URL_NEEDS_PREMIUM')!;
    expect(refusal.lost).toBeDefined();
    expect(refusal.message).toMatch(/Key Vault CA, an identity and the CA trusted on compute/);
  });
});
