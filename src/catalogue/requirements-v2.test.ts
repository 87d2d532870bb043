import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTagwallError } from '../errors.js';
import { AddressSet } from '../model/address-set.js';
import type { RequirementSet } from '../model/requirement.js';
import { parseRequirements, type RequirementReadOptions } from './requirements-file.js';

/** An in-memory tree of files: `include` paths resolve against the including file, as on disk. */
function read(files: Readonly<Record<string, string>>, main = 'net/main.yaml', options: RequirementReadOptions = {}): RequirementSet {
  const readFile = (path: string): string => {
    const text = files[path];
    if (text === undefined) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
    return text;
  };
  return parseRequirements(files[main]!, main, { readFile, ...options });
}

function failure(files: Readonly<Record<string, string>>, main?: string): { code: string; where: string; message: string; suggestions: readonly string[] } {
  try {
    read(files, main);
  } catch (error) {
    if (isTagwallError(error)) return { code: error.code, where: error.where(), message: error.message, suggestions: error.suggestions };
    throw error;
  }
  throw new Error('expected an error');
}

const NETWORKS = `version: 2
networks:
  web: 10.20.1.0/24
  app: [10.20.2.0/24]
  tiers: [web, app]
services:
  https: tcp/443
  web-ports: [https, tcp/80]
  dns: [udp/53, tcp/53]
`;

describe('requirements format v2', () => {
  it('reads named networks and services, nested, into plain requirements', () => {
    const set = read({
      'net/main.yaml': `${NETWORKS}requirements:
  - {id: out, direction: out, source: tiers, destination: Internet, service: web-ports}
  - {id: dns, direction: out, source: {network: web}, destination: 168.63.129.16, service: dns}
  - {id: mixed, direction: out, source: app, destination: Storage, services: [https, udp/53]}
`,
    });
    expect(set.requirements.map((r) => `${r.id} ${r.protocols} ${r.ports} ${r.sources.map((e) => (e.kind === 'addresses' ? e.addresses.toString() : e.kind)).join('+')}`)).toEqual([
      'out tcp 80,443 10.20.1.0/24+10.20.2.0/24',
      'dns tcp,udp 53 10.20.1.0/24',
      'mixed-1 tcp 443 10.20.2.0/24',
      'mixed-2 udp 53 10.20.2.0/24',
    ]);
  });

  it('carves deny terms and except out of later allow terms (first match)', () => {
    const set = read({
      'net/main.yaml': `${NETWORKS}requirements:
  - {id: no-admin, action: deny, direction: in, destination: app, service: tcp/8443}
  - {id: in, direction: in, source: web, destination: app, service: tcp/8000-9000, except: {source: 10.20.1.128/25}}
  - {id: late, direction: in, source: web, destination: app, service: tcp/22}
`,
    });
    expect(set.requirements.map((r) => `${r.id} ${r.ports} ${r.sources.map((e) => (e.kind === 'addresses' ? e.addresses.toString() : e.kind)).join('+')}`)).toEqual([
      'in 8000-8442,8444-9000 10.20.1.0/25',
      'late 22 10.20.1.0/24',
    ]);
  });

  it('reads included files relative to the includer, their terms first, each file once', () => {
    const set = read({
      'net/main.yaml': 'version: 2\ninclude: [shared/networks.yaml, shared/deny.yaml]\nrequirements:\n  - {id: app, direction: out, source: app, destination: any, service: https}\n',
      'net/shared/networks.yaml': NETWORKS,
      'net/shared/deny.yaml': 'version: 2\ninclude: networks.yaml\nrequirements:\n  - {id: no-mail, action: deny, direction: out, destination: 203.0.113.0/24, service: https}\n',
    });
    expect(set.origin).toBe('net/main.yaml');
    expect(set.requirements).toHaveLength(1);
    expect(set.requirements[0]!.destinations).toEqual([{ kind: 'addresses', addresses: AddressSet.parse('203.0.113.0/24').complement() }]);
  });

  it('names unknown networks and services, with line:column and suggestions', () => {
    const head = `${NETWORKS}requirements:\n`;
    expect(failure({ 'net/main.yaml': `${head}  - {id: a, direction: out, source: {network: wbe}}\n` })).toMatchObject({ code: 'TW_UNKNOWN_NAME', where: 'net/main.yaml:11:37: $.requirements[0].source', suggestions: ['web'] });
    expect(failure({ 'net/main.yaml': `${head}  - {id: a, direction: out, source: webb}\n` })).toMatchObject({ code: 'TW_UNKNOWN_NAME', where: 'net/main.yaml:11:37: $.requirements[0].source', suggestions: ['web'] });
    expect(failure({ 'net/main.yaml': `${head}  - {id: a, direction: out, service: htps}\n` })).toMatchObject({ code: 'TW_UNKNOWN_NAME', where: 'net/main.yaml:11:38: $.requirements[0].service', suggestions: ['https'] });
    expect(failure({ 'net/main.yaml': `${head}  - {id: a, direction: out, service: https, ports: 443}\n` })).toMatchObject({ code: 'TW_INVALID_REQUIREMENTS', where: 'net/main.yaml:11:52: $.requirements[0].ports' });
    expect(failure({ 'net/main.yaml': `${head}  - {id: a, direction: out, service: tcpp/443}\n` })).toMatchObject({ code: 'TW_INVALID_PROTOCOL', where: 'net/main.yaml:11:38: $.requirements[0].service' });
    expect(failure({ 'net/main.yaml': `${head}  - {id: a, direction: out, action: reject}\n` })).toMatchObject({ code: 'TW_INVALID_REQUIREMENTS', where: 'net/main.yaml:11:37: $.requirements[0].action' });
  });

  it('refuses cycles among names, and among includes, naming the chain', () => {
    expect(failure({ 'net/main.yaml': 'version: 2\nnetworks:\n  a: [10.0.0.0/8, b]\n  b: [c]\n  c: a\nrequirements:\n  - {id: x, direction: out, source: a}\n' })).toMatchObject({
      code: 'TW_NAME_CYCLE',
      where: 'net/main.yaml:3:6: $.networks.a',
      message: "network 'a' refers to itself: a → b → c → a",
    });
    expect(failure({ 'net/main.yaml': 'version: 2\nservices:\n  s: [tcp/1, s]\nrequirements:\n  - {id: x, direction: out, service: s}\n' })).toMatchObject({ code: 'TW_NAME_CYCLE', message: "service 's' refers to itself: s → s" });
    expect(
      failure({
        'net/main.yaml': 'version: 2\ninclude: a.yaml\n',
        'net/a.yaml': 'version: 2\ninclude: [sub/b.yaml]\n',
        'net/sub/b.yaml': 'version: 2\ninclude: ../a.yaml\n',
      }),
    ).toMatchObject({ code: 'TW_INCLUDE_CYCLE', where: 'net/sub/b.yaml:2:10: $.include', message: 'including ../a.yaml makes a cycle: net/a.yaml → net/sub/b.yaml → net/a.yaml' });
    expect(failure({ 'net/main.yaml': 'version: 2\ninclude: main.yaml\n' }).code).toBe('TW_INCLUDE_CYCLE');
    expect(failure({ 'net/main.yaml': 'version: 2\ninclude: missing.yaml\n' })).toMatchObject({ code: 'TW_FILE', where: 'net/main.yaml:2:10: $.include' });
  });

  it('refuses an id or a name defined in two files, naming both', () => {
    const other = 'version: 2\nnetworks: {web: 10.0.0.0/8}\nrequirements:\n  - {id: a, direction: out}\n';
    expect(failure({ 'net/main.yaml': 'version: 2\ninclude: other.yaml\nrequirements:\n  - {id: a, direction: in}\n', 'net/other.yaml': other })).toMatchObject({
      code: 'TW_DUPLICATE_ID',
      where: 'net/main.yaml:4:10: $.requirements[0].id',
      message: "duplicate requirement id 'a' (first used at net/other.yaml:4:10)",
    });
    expect(failure({ 'net/main.yaml': 'version: 2\ninclude: other.yaml\nnetworks:\n  web: 10.1.0.0/16\n', 'net/other.yaml': other })).toMatchObject({
      code: 'TW_DUPLICATE_ID',
      where: 'net/main.yaml:4:8: $.networks.web',
      message: "network 'web' is defined twice: at net/other.yaml:2:17 and here",
    });
  });

  it('refuses a deny an allow-list cannot write exactly, unless a snapshot expands the tag', () => {
    const files = { 'net/main.yaml': 'version: 2\nrequirements:\n  - {id: d, action: deny, direction: out, destination: 10.0.0.0/8}\n  - {id: a, direction: out, destination: VirtualNetwork}\n' };
    expect(failure(files)).toMatchObject({ code: 'TW_DENY_INEXPRESSIBLE', where: 'net/main.yaml:4:5: $.requirements[1]' });
    const set = read(files, 'net/main.yaml', { expandTag: () => AddressSet.parse('10.0.0.0/8, 172.16.0.0/12') });
    expect(set.requirements[0]!.destinations).toEqual([{ kind: 'addresses', addresses: AddressSet.parse('172.16.0.0/12') }]);
    const hosts = { 'net/main.yaml': 'version: 2\nrequirements:\n  - {id: d, action: deny, direction: out, destination: 10.0.0.0/8}\n  - {id: a, direction: out, destination: pypi.org}\n' };
    expect(failure(hosts).message).toMatch(/a: deny 'd' cannot be carved out of it exactly as an allow-list: the packets that ask for pypi.org at 10.0.0.0\/8/);
  });

  it('tells a v1 file that the v2 keys need version: 2, and keeps v1 messages otherwise', () => {
    expect(failure({ 'net/main.yaml': 'networks: {}\nrequirements: []\n' }).message).toBe("unknown key 'networks' (keys: name, requirements); 'networks' needs version: 2");
    expect(failure({ 'net/main.yaml': 'requirements:\n  - {id: a, direction: out, action: deny}\n' }).message).toMatch(/unknown key 'action' .*; 'action' needs version: 2 at the top of the file$/);
    expect(failure({ 'net/main.yaml': 'version: 3\nrequirements: []\n' }).message).toBe('version is 1 (the default) or 2');
    expect(read({ 'net/main.yaml': 'version: 1\nrequirements: []\n' }).requirements).toEqual([]);
  });

  it('reads v2 JSON through JSON.parse with the same positions', () => {
    const text = '{"version": 2,\n "networks": {"web": "10.0.0.0/24"},\n "requirements": [{"id": "a", "direction": "out", "source": {"network": "db"}}]}';
    expect(failure({ 'net/main.json': text }, 'net/main.json')).toMatchObject({ code: 'TW_UNKNOWN_NAME', where: 'net/main.json:3:61: $.requirements[0].source' });
  });

  it('never fails other than with a TagwallError on generated names, references, includes and terms', () => {
    const name = fc.oneof({ weight: 12, arbitrary: fc.constantFrom('a', 'b', 'c', 'web', 'Web', 'webb') }, { weight: 1, arbitrary: fc.constantFrom('x.y', '') });
    const endpoint = fc.oneof(name, fc.constantFrom('10.0.0.0/8', '10.1.0.0/16', 'any', 'pypi.org', '*.example.com', 'Storage', '2001:db8::/32'), name.map((n) => ({ network: n })));
    const service = fc.oneof(name, fc.constantFrom('tcp/443', 'udp/53', 'tcp/443', 'tcp/80-70', 'icmp', 'tcpp', 'any'), fc.constant({ protocol: 'tcp', ports: 22 }));
    const term = fc.record(
      {
        id: fc.constantFrom('t1', 't2', 't3', 't1-1'),
        direction: fc.constantFrom('in', 'out'),
        action: fc.constantFrom('allow', 'allow', 'deny', 'deny', 'allow', 'reject'),
        source: fc.oneof(endpoint, fc.array(endpoint, { maxLength: 3 })),
        destination: fc.oneof(endpoint, fc.array(endpoint, { maxLength: 3 })),
        service: fc.oneof(service, fc.array(service, { maxLength: 3 })),
        except: fc.record({ source: endpoint, ports: fc.constantFrom(22, '443', 'x') }, { requiredKeys: [] }),
      },
      { requiredKeys: ['id', 'direction'] },
    );
    const table = <T,>(value: fc.Arbitrary<T>): fc.Arbitrary<Record<string, T | T[]>> => fc.dictionary(name, fc.oneof(value, fc.array(value, { maxLength: 3 })), { maxKeys: 4 });
    const file = fc.record({ networks: table(endpoint), services: table(service), requirements: fc.array(term, { maxLength: 4 }), include: fc.constantFrom([], [], [], [], ['other.json'], ['other.json'], ['main.json']) });
    const outcomes = new Map<string, number>();
    fc.assert(
      fc.property(file, file, (main, other) => {
        const files = { 'net/main.json': JSON.stringify({ version: 2, ...main }), 'net/other.json': JSON.stringify({ version: 2, ...other }) };
        try {
          const set = read(files, 'net/main.json');
          expect(new Set(set.requirements.map((r) => r.id)).size).toBe(set.requirements.length);
          outcomes.set('read', (outcomes.get('read') ?? 0) + 1);
        } catch (error) {
          if (!isTagwallError(error)) throw error;
          expect(error.location?.file, error.message).toBeDefined();
          outcomes.set(error.code, (outcomes.get(error.code) ?? 0) + 1);
        }
      }),
      { numRuns: 300 },
    );
    // The generator reaches both sides: files that read, and the v2 errors.
    expect(outcomes.get('read') ?? 0, JSON.stringify([...outcomes])).toBeGreaterThan(15);
    for (const code of ['TW_UNKNOWN_NAME', 'TW_DUPLICATE_ID']) expect(outcomes.get(code) ?? 0, `${code} ${JSON.stringify([...outcomes])}`).toBeGreaterThan(0);
  });
});
