import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { thrownError as error } from '../../../../test/support/errors.js';
import { goldenFile } from '../../../../test/support/golden.js';
import { expandedResolver } from '../../../analysis/resolve.js';
import { evaluate } from '../../../analysis/questions.js';
import { allowedPackets } from '../../../analysis/rule-set.js';
import { loadScenario, SCENARIOS, scenarioIds, type ScenarioId } from '../../../catalogue/index.js';
import { parsePacket } from '../../../model/packet.js';
import { defaultSnapshot } from '../../../servicetags/snapshot.js';
import { getTarget } from '../../registry.js';
import { amlAllowed, buildAml } from './build.js';
import { amlManagedNetworkTarget as target } from './index.js';
import type { ManagedNetworkModel, OutboundRule } from './model.js';
import { parseManagedNetwork } from './parse.js';
import { managedNetworkDocument, renderManagedNetworkYaml } from './render-yaml.js';

const snapshot = defaultSnapshot('Public');
const resolver = expandedResolver(snapshot);
const SHOW = readFileSync(new URL('../../../../fixtures/azure/aml-workspace-show.json', import.meta.url), 'utf8');
const storage = snapshot.addresses('Storage.EastUS2').toCidrStrings('ipv4')[0]!.split('/')[0]!;

describe('parsing `az ml workspace show`', () => {
  const rules = parseManagedNetwork(SHOW, 'show.json', resolver);
  const verdict = (packet: string): string => evaluate(rules, parsePacket(packet)).action;
  it('FQDN rules allow TCP 80 and 443 to the name, from the managed computes (VirtualNetwork by default)', () => {
    expect(verdict('out tcp 10.0.0.4 -> 1.2.3.4:443 host=pypi.org')).toBe('allow');
    expect(verdict('out tcp 10.0.0.4 -> 1.2.3.4:80 host=pypi.org')).toBe('allow');
    expect(verdict('out tcp 10.0.0.4 -> 1.2.3.4:22 host=pypi.org')).toBe('deny');
    expect(verdict('out tcp 10.0.0.4 -> 1.2.3.4:443 host=files.pythonhosted.org')).toBe('allow');
    expect(verdict('out tcp 10.0.0.4 -> 1.2.3.4:443 host=pythonhosted.org')).toBe('deny');
    expect(verdict('out tcp 8.8.8.8 -> 1.2.3.4:443 host=pypi.org')).toBe('deny');
  });
  it('service-tag rules their protocol and ports to the tag, or to their address prefixes when given', () => {
    expect(verdict(`out tcp 10.0.0.4 -> ${storage}:445`)).toBe('allow');
    expect(verdict(`out udp 10.0.0.4 -> ${storage}:445`)).toBe('deny');
    expect(verdict('out udp 10.0.0.4 -> 162.159.200.1:123')).toBe('allow');
    expect(verdict('out udp 10.0.0.4 -> 162.159.200.2:123')).toBe('deny');
  });
  it('private-endpoint rules allow nothing the analysis can name; inbound is not the managed network\'s to allow', () => {
    expect(rules.rules.find((rule) => rule.id === 'blob-pe')!.match.isEmpty()).toBe(true);
    expect(verdict(`in tcp ${storage} -> 10.0.0.4:443`)).toBe('deny');
  });
  it('allow-internet-outbound allows every outbound packet of the computes', () => {
    const open = parseManagedNetwork(SHOW.replace('allow_only_approved_outbound', 'allow_internet_outbound'), 'show.json', resolver);
    expect(evaluate(open, parsePacket('out tcp 10.0.0.4 -> 8.8.8.8:22')).action).toBe('allow');
  });
  it('reports bad input with a JSON path', () => {
    const bad = (from: string, to: string) => error(() => parseManagedNetwork(SHOW.replace(from, to), 'x.json', resolver));
    expect(bad('"TCP"', '"GRE"')).toMatchObject({ code: 'TW_INVALID_CONFIG', location: { jsonPath: '$.managed_network.outbound_rules[2].destination.protocol' } });
    expect(bad('"443, 445"', '"443-70000"')).toMatchObject({ code: 'TW_INVALID_CONFIG' });
    expect(bad('allow_only_approved_outbound', 'disabled')).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG', location: { jsonPath: '$.managed_network.isolation_mode' } });
    expect(bad('"type": "fqdn", "category": "user_defined", "destination": "pypi.org"', '"type": "fqdn", "category": "user_defined", "destination": "pypi..org"')).toMatchObject({ code: 'TW_INVALID_CONFIG', location: { jsonPath: '$.managed_network.outbound_rules[0].destination' } });
    expect(error(() => parseManagedNetwork('{}', 'x.json', resolver)).code).toBe('TW_INVALID_CONFIG');
  });
  it('is detected and registered', () => {
    expect(target.detect(SHOW)).toBe(true);
    expect(getTarget('aml-managed-network')).toBe(target);
  });
});

describe('translation', () => {
  const translate = (scenario: ScenarioId, options: Record<string, string | boolean> = {}) => target.translate(loadScenario(scenario, { region: 'eastus2' }), { snapshot, resolver, options });
  it('every format parses back to the same rules (the YAML behind each artifact)', () => {
    const allowed = ['arm', 'bicep', 'terraform', 'yaml'].map((format) => target.parseArtifacts(translate('serverless', { format }).artifacts, { resolver, options: {} }).rules.length);
    expect(new Set(allowed).size).toBeLessThanOrEqual(2); // Terraform leaves address-prefix rules out (AML_TERRAFORM_PREFIXES).
    expect(allowed[0]).toBe(allowed[3]);
  });
  it('FQDN rules: exact by default (443-only host names reported), widened on request with a witness of port 80', () => {
    const exact = translate('compute-no-public-ip');
    expect(exact.artifacts[0]!.content).not.toContain('"FQDN"');
    expect(exact.diagnostics.filter((diagnostic) => diagnostic.code === 'AML_FQDN_PORTS' && diagnostic.lost).length).toBeGreaterThan(0);
    const wide = translate('compute-no-public-ip', { fqdnRules: 'widen', format: 'yaml' });
    expect(wide.artifacts[0]!.content).toContain('type: fqdn');
    expect(wide.diagnostics.find((diagnostic) => diagnostic.code === 'AML_FQDN_WIDENED')!.message).toMatch(/also allow TCP 80, e\.g\. out tcp .*:80 host=/);
  });
  it('rules apply to every managed compute: a requirement from one subnet is refused unless computes says so', () => {
    const subnet = target.translate(loadScenario('compute-no-public-ip', { region: 'eastus2', subnet: '10.0.1.0/24' }), { snapshot, resolver, options: {} });
    expect(subnet.diagnostics.filter((diagnostic) => diagnostic.code === 'AML_SOURCE_INEXPRESSIBLE').length).toBeGreaterThan(0);
    const said = target.translate(loadScenario('compute-no-public-ip', { region: 'eastus2', subnet: '10.0.1.0/24' }), { snapshot, resolver, options: { computes: '10.0.1.0/24' } });
    expect(said.diagnostics.map((diagnostic) => diagnostic.code)).not.toContain('AML_SOURCE_INEXPRESSIBLE');
  });
  it('isolation mode, firewall SKU and private endpoints are options', () => {
    const yaml = translate('serverless', { format: 'yaml', isolationMode: 'allow-internet-outbound', firewallSku: 'basic', privateEndpoints: 'blob=/subscriptions/0/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/s#blob,spark' });
    expect(yaml.artifacts[0]!.content).toMatch(/isolation_mode: allow_internet_outbound\n  firewall_sku: basic/);
    expect(yaml.artifacts[0]!.content).toContain('subresource_target: "blob"\n        spark_enabled: true');
    expect(yaml.diagnostics.map((diagnostic) => diagnostic.code)).toContain('AML_INTERNET_OUTBOUND');
    expect(() => translate('serverless', { isolationMode: 'disabled' })).toThrow(/isolationMode must be/);
    expect(() => translate('serverless', { privateEndpoints: 'x=not-an-id' })).toThrow(/privateEndpoints/);
  });
  it('names only tags NSG rules take; writes the others as address prefixes', () => {
    const inbound = target.translate(loadScenario('kubernetes', { region: 'eastus2' }), { snapshot, resolver, options: { format: 'yaml' } });
    expect(target.findings!({ content: inbound.artifacts[0]!.content, file: 'x.yaml' }, snapshot)).toEqual([]);
    const bad = 'managed_network:\n  isolation_mode: allow_only_approved_outbound\n  outbound_rules:\n    - name: aml\n      type: service_tag\n      destination:\n        service_tag: AzureMachineLearning.EastUS2\n        protocol: TCP\n        port_ranges: "443"\n';
    expect(target.findings!({ content: bad, file: 'bad.yaml' }, snapshot).map((finding) => finding.code)).toEqual(['AML_TAG_NOT_ACCEPTED']);
  });
});

describe('golden files', () => {
  for (const scenario of scenarioIds().filter((id) => SCENARIOS.find((entry) => entry.id === id)!.clouds.includes('Public'))) {
    for (const [format, ext] of [['arm', 'json'], ['bicep', 'bicep'], ['terraform', 'tf'], ['yaml', 'yaml']] as const) {
      it(`${scenario} ${format}`, async () => {
        const [artifact] = target.translate(loadScenario(scenario, { region: 'eastus2' }), { snapshot, resolver, options: { format, fqdnRules: 'widen' } }).artifacts;
        await expect(artifact!.content).toMatchFileSnapshot(goldenFile('aml-managed-network', `${scenario}.${ext}`));
      });
    }
  }
});

describe('loss accounting reads the YAML form as data (managedNetworkDocument)', () => {
  // Any text a name or id may hold: quotes, `#`, `: `, newlines, control and non-ASCII characters, lone surrogates.
  const text = fc.string({ unit: 'binary', maxLength: 12 });
  const rule: fc.Arbitrary<OutboundRule> = fc.oneof(
    fc.record({ type: fc.constant('FQDN' as const), name: text, destination: text }),
    fc.record(
      {
        type: fc.constant('ServiceTag' as const),
        name: text,
        serviceTag: text,
        addressPrefixes: fc.array(text, { maxLength: 3 }),
        protocol: fc.constantFrom('TCP' as const, 'UDP' as const, 'ICMP' as const, '*' as const),
        portRanges: text,
      },
      { requiredKeys: ['type', 'name', 'protocol', 'portRanges'] },
    ),
    fc.record({ type: fc.constant('PrivateEndpoint' as const), name: text, serviceResourceId: text, subresourceTarget: text, sparkEnabled: fc.boolean() }),
  );
  const model: fc.Arbitrary<ManagedNetworkModel> = fc.record({
    isolationMode: fc.constantFrom('AllowOnlyApprovedOutbound' as const, 'AllowInternetOutbound' as const),
    firewallSku: fc.constantFrom('Standard' as const, 'Basic' as const),
    rules: fc.array(rule, { maxLength: 4 }),
    snapshot: fc.record({ cloud: fc.constantFrom('Public' as const, 'China' as const), changeNumber: fc.nat() }),
    requirementsName: text,
  });
  it('is the value a YAML parser reads from the text the YAML form writes', () => {
    fc.assert(
      fc.property(model, (generated) => {
        expect(managedNetworkDocument(generated)).toStrictEqual(parseYaml(renderManagedNetworkYaml(generated)));
      }),
      { numRuns: 400 },
    );
  });
  it('allows, for every catalogue scenario and option set, what the YAML text parsed back allows', () => {
    for (const scenario of scenarioIds().filter((id) => SCENARIOS.find((entry) => entry.id === id)!.clouds.includes('Public'))) {
      for (const options of [{}, { fqdnRules: 'widen' }, { isolationMode: 'allow-internet-outbound', firewallSku: 'basic' }, { computes: '10.0.1.0/24' }]) {
        const context = { snapshot, resolver, options, requirements: loadScenario(scenario, { region: 'eastus2' }) };
        const { model } = buildAml(context.requirements, context);
        const fromText = allowedPackets(parseManagedNetwork(renderManagedNetworkYaml(model), 'managed-network.yaml', resolver, options));
        expect(amlAllowed(model, context).equals(fromText)).toBe(true);
      }
    }
  });
});
