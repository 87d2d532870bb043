import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTagwallError } from '../errors.js';
import { AddressSet } from '../model/address-set.js';
import { PortSet, ProtocolSet } from '../model/ports.js';
import type { Endpoint, Requirement, RequirementSet } from '../model/requirement.js';
import { loadScenario, scenarioIds } from './build.js';
import { compareRequirementSets, importDependencies } from './dependencies.js';
import { parseHostsFile } from './hosts-file.js';
import { loadRequirementOperand } from './operand.js';
import { loadRequirementsFile, parseRequirements, requirementsToData, requirementsToJson, requirementsToYaml } from './requirements-file.js';
import { SCENARIOS } from './scenarios.js';
import { expandedResolver } from '../analysis/resolve.js';
import { defaultSnapshot } from '../servicetags/snapshot.js';

const root = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const schema = JSON.parse(readFileSync(root('docs/requirements.schema.json'), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

function failure(text: string, file = 'f.yaml'): { code: string; where: string } {
  try {
    parseRequirements(text, file);
  } catch (error) {
    if (isTagwallError(error)) return { code: error.code, where: `${error.location?.file}:${error.location?.line}:${error.location?.column}` };
    throw error;
  }
  throw new Error('expected an error');
}

describe('requirement files', () => {
  it('reads every kind of endpoint from the YAML fixture', () => {
    const set = loadRequirementsFile(root('fixtures/requirements/workload.yaml'));
    const kinds = (r: Requirement): string[] => [...r.sources, ...r.destinations].map((e) => e.kind);
    expect(set.name).toBe('training-subnet');
    expect(set.requirements.map((r) => r.id)).toEqual(['storage', 'aml-management', 'pypi', 'websocket-server', 'batch-inbound', 'ping']);
    expect(kinds(set.requirements[0]!)).toEqual(['addresses', 'service-tag']);
    expect(kinds(set.requirements[2]!)).toEqual(['addresses', 'host', 'host']);
    expect(set.requirements[3]!.destinations[0]).toMatchObject({ kind: 'url', path: '/microsoft/vscode-tools-for-ai/master/azureml_remote_websocket_server/' });
    expect(set.requirements[4]!.direction).toBe('in');
    expect(set.requirements[5]!.icmp).toEqual([{ type: 8, code: 0 }]);
    expect(set.requirements[0]!.provenance).toEqual([{ article: 'Configure inbound and outbound network traffic', section: 'Required public internet access' }]);
  });

  it('reads JSON with the same parser', () => {
    const set = loadRequirementsFile(root('fixtures/requirements/workload.json'));
    expect(set.requirements[0]).toMatchObject({ id: 'https-out', direction: 'out', destinations: [{ kind: 'service-tag', name: 'AzureResourceManager' }] });
  });

  it('names file, line and column for bad input', () => {
    const head = 'requirements:\n  - id: a\n    direction: out\n';
    expect(failure(`${head}    ports: 70000\n`)).toEqual({ code: 'TW_INVALID_PORT', where: 'f.yaml:4:12' });
    expect(failure(`${head}  - id: a\n    direction: in\n`)).toEqual({ code: 'TW_DUPLICATE_ID', where: 'f.yaml:4:9' });
    expect(failure(`${head}    destination: "*.co.uk"\n`)).toEqual({ code: 'TW_WILDCARD_PUBLIC_SUFFIX', where: 'f.yaml:4:18' });
    expect(failure(`${head}    destnation: x.com\n`)).toEqual({ code: 'TW_INVALID_REQUIREMENTS', where: 'f.yaml:4:17' });
    expect(failure(`${head}    direction: in\n`)).toEqual({ code: 'TW_INVALID_REQUIREMENTS', where: 'f.yaml:4:5' });
    expect(failure(`${head}    source: 10.0.0.1/8\n`)).toEqual({ code: 'TW_HOST_BITS_SET', where: 'f.yaml:4:13' });
    expect(failure('{"requirements": [\n  {"id": "a", "direction": "sideways"}]}', 'f.json')).toEqual({ code: 'TW_INVALID_REQUIREMENTS', where: 'f.json:2:28' });
    expect(failure('requirements: [\n').code).toBe('TW_INVALID_REQUIREMENTS');
  });

  it('refuses a host-name source, naming file:line:col and why, unless a hosts table gives its addresses', () => {
    const head = 'requirements:\n  - id: ssh\n    direction: in\n    protocol: tcp\n    ports: 22\n';
    expect(failure(`${head}    source: jumpbox.contoso.com\n`)).toEqual({ code: 'TW_HOST_SOURCE', where: 'f.yaml:6:13' });
    expect(failure(`${head}    source: [192.0.2.10/32, bastion.contoso.com]\n`)).toEqual({ code: 'TW_HOST_SOURCE', where: 'f.yaml:6:29' });
    expect(failure(`${head}    sources: ["*.contoso.com"]\n`)).toEqual({ code: 'TW_HOST_SOURCE', where: 'f.yaml:6:15' });
    expect(failure(`${head}    source: {host: jumpbox}\n`).code).toBe('TW_HOST_SOURCE');
    expect(() => parseRequirements(`${head}    source: jumpbox.contoso.com\n`)).toThrow(/host name, but a packet names only its destination.*--hosts FILE/);
    const hosts = parseHostsFile('# jump hosts\n192.0.2.10 jumpbox.contoso.com JumpBox2.contoso.com.\n2001:db8::10 jumpbox.contoso.com\n');
    const set = parseRequirements(`${head}    source: [198.51.100.0/24, jumpbox.contoso.com, jumpbox2.contoso.com]\n`, 'f.yaml', { hosts });
    const [addresses] = set.requirements[0]!.sources.map((endpoint) => (endpoint.kind === 'addresses' ? endpoint.addresses.toCidrStrings() : []));
    expect(set.requirements[0]!.sources.map((endpoint) => endpoint.kind)).toEqual(['addresses', 'addresses', 'addresses']);
    expect(addresses).toEqual(['198.51.100.0/24']);
    expect(set.requirements[0]!.sources[1]).toEqual({ kind: 'addresses', addresses: AddressSet.parse('192.0.2.10, 2001:db8::10') });
    // A name the table does not hold is still an error: the table is not a guess.
    expect(() => parseRequirements(`${head}    source: other.contoso.com\n`, 'f.yaml', { hosts })).toThrow(/other\.contoso\.com/);
    // Host names stay what they always were as destinations.
    expect(parseRequirements(`${head}    destination: jumpbox.contoso.com\n`).requirements[0]!.destinations[0]!.kind).toBe('host');
  });

  it('reads hosts files as /etc/hosts, with file:line:col for a bad entry', () => {
    const where = (text: string): string => {
      try {
        parseHostsFile(text, 'h');
      } catch (error) {
        if (isTagwallError(error)) return `${error.code} ${error.location?.file}:${error.location?.line}:${error.location?.column}`;
      }
      return 'no error';
    };
    expect(where('10.0.0.1 a.example\n  10.0.0.300 b.example\n')).toBe('TW_INVALID_ADDRESS h:2:3');
    expect(where('10.0.0.1 a.example\n10.0.0.2 *.example\n')).toBe('TW_INVALID_HOSTNAME h:2:10');
    expect(where('10.0.0.1\n')).toBe('TW_INVALID_HOSTNAME h:1:1');
    expect(where('10.0.0.1 a.example # 10.0.0.300\n\n')).toBe('no error');
  });

  it('refuses a requirement whose fields cannot match one packet, naming the fields', () => {
    const head = 'requirements:\n  - id: r\n    direction: out\n';
    const message = (text: string): string => {
      try {
        parseRequirements(text, 'f.yaml');
      } catch (error) {
        if (isTagwallError(error)) return `${error.code} ${error.location?.line}:${error.location?.column} ${error.message}`;
      }
      return 'no error';
    };
    expect(message(`${head}    ports: 443\n    icmp: [8]\n`)).toMatch(/^TW_CONTRADICTORY_REQUIREMENT 5:11 .*ports 443 and icmp types.*\(fields icmp, ports\)/);
    expect(message(`${head}    protocol: tcp\n    icmp: [{type: 8}]\n`)).toMatch(/^TW_CONTRADICTORY_REQUIREMENT 5:11 .*protocol tcp.*\(fields icmp, protocol\)/);
    expect(message(`${head}    protocol: icmp\n    ports: 22\n`)).toMatch(/^TW_CONTRADICTORY_REQUIREMENT 5:12 .*ports 22 with protocol icmp.*\(fields ports, protocol\)/);
    expect(message(`${head}    protocols: [tcp, gre]\n    ports: 22\n`)).toMatch(/^TW_CONTRADICTORY_REQUIREMENT 5:12 .*protocol gre/);
    expect(message(`${head}    source: 10.0.0.0/8\n    destination: 2001:db8::/32\n`)).toMatch(/^TW_CONTRADICTORY_REQUIREMENT 4:13 .*IPv4 addresses only.*IPv6.*\(fields source, destination\)/);
    // What is not a contradiction: ports with "any" protocol (TCP/UDP on those ports), ICMP types with any protocol.
    expect(message(`${head}    ports: 443\n`)).toBe('no error');
    expect(message(`${head}    icmp: [8]\n`)).toBe('no error');
    expect(message(`${head}    protocol: icmpv6\n    icmp: [128]\n`)).toBe('no error');
  });

  it('round-trips every catalogue scenario through YAML and JSON, and both validate against the published schema', () => {
    for (const scenario of SCENARIOS) {
      const set = loadScenario(scenario.id, { region: 'westus', storageAccount: 'mlstore01', options: { packages: 'python,r,vscode', privateEndpoint: true } });
      const data = requirementsToData(set);
      expect(validate(data), `${scenario.id}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(requirementsToData(parseRequirements(requirementsToYaml(set)))).toEqual(data);
      expect(requirementsToData(parseRequirements(requirementsToJson(set)))).toEqual(data);
    }
    expect(scenarioIds().length).toBe(SCENARIOS.length);
  });

  it('schema accepts the fixtures and rejects what the parser rejects', () => {
    const yaml = parseRequirements(readFileSync(root('fixtures/requirements/workload.yaml'), 'utf8'));
    expect(validate(requirementsToData(yaml))).toBe(true);
    expect(validate(JSON.parse(readFileSync(root('fixtures/requirements/workload.json'), 'utf8')))).toBe(true);
    expect(validate({ requirements: [{ id: 'a', direction: 'sideways' }] })).toBe(false);
    expect(validate({ requirements: [{ id: 'a', direction: 'out', ports: 70000 }] })).toBe(false);
    expect(validate({ requirements: [{ id: 'a', direction: 'out', destnation: 'x' }] })).toBe(false);
  });

  it('round-trips random requirement sets (property)', () => {
    const endpoint: fc.Arbitrary<Endpoint> = fc.oneof(
      fc.constant<Endpoint>({ kind: 'any' }),
      fc.constantFrom('Storage.WestUS', 'AzureMachineLearning', 'VirtualNetwork', 'AzureFrontDoor.Frontend').map<Endpoint>((name) => ({ kind: 'service-tag', name })),
      fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 8, max: 32 })).map<Endpoint>(([octet, length]) => ({
        kind: 'addresses',
        addresses: AddressSet.parse(`${octet}.0.0.0/${length}`, { normalize: true }),
      })),
      fc.constantFrom('pypi.org', '*.blob.core.windows.net', 'ml.azure.com', 'login.microsoftonline.com').map<Endpoint>((host) =>
        host.startsWith('*') ? { kind: 'host', pattern: { kind: 'wildcard', suffix: host.slice(2) } } : { kind: 'host', pattern: { kind: 'exact', name: host } },
      ),
    );
    const requirement = fc.record({
      direction: fc.constantFrom<'in' | 'out'>('in', 'out'),
      protocols: fc.constantFrom('tcp', 'udp', 'tcp,udp', 'any').map((p) => ProtocolSet.parse(p)),
      ports: fc.array(fc.integer({ min: 0, max: 65535 }), { maxLength: 4 }).map((ports) => (ports.length === 0 ? PortSet.ANY : PortSet.of(...ports))),
      // Host names are destinations only (a packet names no source): see the TW_HOST_SOURCE tests.
      sources: fc.array(endpoint.filter((drawn) => drawn.kind !== 'host'), { minLength: 1, maxLength: 2 }),
      destinations: fc.array(endpoint, { minLength: 1, maxLength: 3 }),
      purpose: fc.string({ maxLength: 40 }),
    });
    fc.assert(
      fc.property(fc.array(requirement, { maxLength: 6 }), (items) => {
        const set: RequirementSet = {
          requirements: items.map((item, index) => ({ ...item, id: `r${index}`, conditions: [], provenance: [] })),
        };
        const data = requirementsToData(set);
        expect(requirementsToData(parseRequirements(requirementsToYaml(set)))).toEqual(data);
        expect(validate(data)).toBe(true);
      }),
    );
  });
});

describe('operands', () => {
  it('reads scenario:NAME and files, and refuses an empty scenario name', () => {
    expect(loadRequirementOperand('scenario:serverless', { region: 'westus' }).origin).toBe('scenario:serverless');
    expect(loadRequirementOperand(root('fixtures/requirements/workload.json')).requirements).toHaveLength(1);
    expect(() => loadRequirementOperand('scenario:')).toThrow(/needs a scenario name/);
  });
});

describe('Dependencies API', () => {
  const example = readFileSync(root('fixtures/dependencies/aml-outboundNetworkDependenciesEndpoints.spec-example-2025-09-01.json'), 'utf8');
  const excerpt = readFileSync(root('fixtures/dependencies/aml-outboundNetworkDependenciesEndpoints.docs-excerpt.json'), 'utf8');

  it('turns each category and host into an outbound requirement on its ports', () => {
    const set = importDependencies(excerpt, 'excerpt.json');
    expect(set.requirements.map((r) => [r.id, r.ports.toString(), r.purpose])).toEqual([
      ['azure-active-directory-login-microsoftonline-com', '80,443', 'Azure Active Directory'],
      ['azure-portal-management-azure-com', '443', 'Azure portal'],
    ]);
    expect(importDependencies(example, 'example.json').requirements).toHaveLength(2);
  });

  it('names the JSON path of a malformed response', () => {
    expect(() => importDependencies('{"value": [{"properties": {"category": 3}}]}', 'bad.json')).toThrow(/each value needs/);
    try {
      importDependencies('{"value": [{"properties": {"category": "x", "endpoints": [{"domainName": "*.com"}]}}]}', 'bad.json');
    } catch (error) {
      expect(isTagwallError(error) && error.location?.jsonPath).toBe('$.value[0].properties.endpoints[0].domainName');
    }
  });

  it('compares with a scenario exactly, both ways', () => {
    const snapshot = defaultSnapshot('Public');
    const dependencies = importDependencies(excerpt, 'excerpt.json');
    const scenario = loadScenario('data-exfiltration-prevention', { region: 'westus' });
    const { onlyInA, onlyInB } = compareRequirementSets(dependencies, scenario, expandedResolver(snapshot));
    // The scenario opens the Entra ID and ARM tags, not the host names on every address: both stay uncovered.
    expect(onlyInA.map((u) => u.requirement.id)).toEqual(['azure-active-directory-login-microsoftonline-com', 'azure-portal-management-azure-com']);
    expect(onlyInB.length).toBe(scenario.requirements.length);
    const self = compareRequirementSets(scenario, scenario, expandedResolver(snapshot));
    expect(self).toEqual({ onlyInA: [], onlyInB: [] });
  });
});
