/**
 * Issue 19, item 0: a requirement means exactly what it says, on every target. Random requirement files with
 * host names as sources (some in a hosts table, some not, wildcards), lists mixing addresses with host names on
 * either side, and fields that cannot match together go through the reader; what it accepts is rendered by all
 * seven targets and parsed back, and no output may allow a packet whose source or destination the requirement
 * does not name.
 *
 * The yardstick is computed here from the endpoints as written, not by `requirementPackets`: the bug this guards
 * against was in that function (a host-name source or a mixed list read as every address), so it cannot be its
 * own judge.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandedResolver } from '../src/analysis/resolve.js';
import { allowedPackets, openingPackets } from '../src/analysis/rule-set.js';
import { parseHostsFile, parseRequirements, requirementsToYaml } from '../src/catalogue/index.js';
import { isTagwallError } from '../src/errors.js';
import { AddressSet } from '../src/model/address-set.js';
import { HostSet, parseHostPattern } from '../src/model/hostnames.js';
import { PacketSet } from '../src/model/packet-set.js';
import { PortSet, ProtocolSet } from '../src/model/ports.js';
import type { Endpoint, Requirement, RequirementSet } from '../src/model/requirement.js';
import { defaultSnapshot } from '../src/servicetags/snapshot.js';
import { allTargets } from '../src/targets/registry.js';
import type { TranslateContext } from '../src/targets/target.js';
import { tagwall } from './support/cli.js';

const snapshot = defaultSnapshot('Public');
const resolver = expandedResolver(snapshot);
const context: TranslateContext = { snapshot, resolver, options: {} };
const SEED = process.env.CI ? 1919 : undefined;

/** What the hosts table may say; each run gives a random subset of it. */
const HOSTS: Readonly<Record<string, string>> = {
  'jumpbox.contoso.com': '192.0.2.10, 2001:db8::10',
  'bastion.contoso.com': '198.51.100.0/28',
};

const addresses = (text: string): Endpoint => ({ kind: 'addresses', addresses: AddressSet.parse(text) });
const host = (text: string): Endpoint => ({ kind: 'host', pattern: parseHostPattern(text) });
const tag = (name: string): Endpoint => ({ kind: 'service-tag', name });

const SOURCES: readonly Endpoint[] = [
  { kind: 'any' },
  addresses('192.0.2.10/32'),
  addresses('10.1.0.0/16, fd00:1::/64'),
  tag('VirtualNetwork'),
  tag('AzureLoadBalancer'),
  host('jumpbox.contoso.com'),
  host('bastion.contoso.com'),
  host('*.contoso.com'),
];
const DESTINATIONS: readonly Endpoint[] = [
  { kind: 'any' },
  addresses('10.0.0.0/8'),
  addresses('10.1.0.4'),
  addresses('2001:db8:5::/48'),
  tag('Storage.WestUS'),
  tag('AzureMachineLearning'),
  host('pypi.org'),
  host('*.blob.core.windows.net'),
  { kind: 'url', pattern: parseHostPattern('github.com'), path: '/Azure/' },
];
const PROTOCOLS = ['tcp', 'udp', 'tcp,udp', 'any', 'icmp', 'gre'];
const PORTS = ['any', 'any', '22', '443', '3389,8443'];

const requirementArbitrary = (id: string): fc.Arbitrary<Requirement> =>
  fc
    .record({
      direction: fc.constantFrom<'in' | 'out'>('in', 'out'),
      protocols: fc.constantFrom(...PROTOCOLS),
      ports: fc.constantFrom(...PORTS),
      icmp: fc.constantFrom(false, false, false, false, false, true),
      sources: fc.uniqueArray(fc.constantFrom(...SOURCES), { minLength: 1, maxLength: 2 }),
      destinations: fc.uniqueArray(fc.constantFrom(...DESTINATIONS), { minLength: 1, maxLength: 3 }),
    })
    .map(({ protocols, ports, icmp, ...fields }) => ({
      id,
      ...fields,
      protocols: ProtocolSet.parse(protocols),
      ports: PortSet.parse(ports),
      ...(icmp ? { icmp: [{ type: 8 }] } : {}),
      purpose: '',
      conditions: [],
      provenance: [],
    }));

const caseArbitrary = fc.record({
  requirements: fc
    .integer({ min: 1, max: 3 })
    .chain((count) => fc.tuple(...Array.from({ length: count }, (_, index) => requirementArbitrary(`r${index}`)))),
  known: fc.subarray(Object.keys(HOSTS)),
});

/** Why a requirement must be refused, decided from the fields as written (independently of the reader). */
function expectedRefusal(requirement: Requirement, known: readonly string[]): string | undefined {
  const unresolved = requirement.sources.some(
    (endpoint) => (endpoint.kind === 'host' && (endpoint.pattern.kind !== 'exact' || !known.includes(endpoint.pattern.name))) || endpoint.kind === 'url',
  );
  if (unresolved) return 'TW_HOST_SOURCE';
  const named = !requirement.protocols.isAny();
  const portless = ['icmp', 'gre'].some((name) => requirement.protocols.has(name === 'icmp' ? 1 : 47));
  const nonIcmp = [6, 17, 47].some((protocol) => requirement.protocols.has(protocol));
  const hasPorts = !requirement.ports.isAny();
  const hasIcmp = requirement.icmp !== undefined;
  if ((hasPorts && hasIcmp) || (hasPorts && named && portless) || (hasIcmp && named && nonIcmp)) return 'TW_CONTRADICTORY_REQUIREMENT';
  // Literal addresses only on both sides, and no family in common: no packet has both.
  const families = (endpoints: readonly Endpoint[]): string[] => {
    const sets = endpoints.map((endpoint) =>
      endpoint.kind === 'addresses' ? endpoint.addresses : endpoint.kind === 'host' && endpoint.pattern.kind === 'exact' && requirement.sources.includes(endpoint) ? AddressSet.parse(HOSTS[endpoint.pattern.name]!) : undefined,
    );
    if (sets.some((set) => set === undefined)) return ['ipv4', 'ipv6'];
    return (['ipv4', 'ipv6'] as const).filter((family) => sets.some((set) => !set!.of(family).isEmpty()));
  };
  const sourceFamilies = families(requirement.sources);
  if (!families(requirement.destinations).some((family) => sourceFamilies.includes(family))) return 'TW_CONTRADICTORY_REQUIREMENT';
  return undefined;
}

function sourceAddresses(endpoints: readonly Endpoint[], table: ReadonlyMap<string, AddressSet>): AddressSet {
  return endpoints.reduce((set, endpoint) => {
    if (endpoint.kind === 'any') return AddressSet.ALL;
    if (endpoint.kind === 'addresses') return set.union(endpoint.addresses);
    if (endpoint.kind === 'service-tag') return set.union(resolver.serviceTag(endpoint.name));
    if (endpoint.kind === 'host' && endpoint.pattern.kind === 'exact') return set.union(table.get(endpoint.pattern.name)!);
    throw new Error(`unresolvable source ${JSON.stringify(endpoint)} got past the reader`);
  }, AddressSet.EMPTY);
}

/**
 * Every packet some requirement names: its source among the sources as written (a host name through the table),
 * and its destination address among the address destinations or its host name among the named ones.
 */
function namedPackets(requirements: readonly Requirement[], table: ReadonlyMap<string, AddressSet>): PacketSet {
  return requirements.reduce((set, requirement) => {
    const src = sourceAddresses(requirement.sources, table);
    const dst = requirement.destinations.reduce(
      (all, endpoint) => (endpoint.kind === 'host' || endpoint.kind === 'url' ? all : all.union(sourceAddresses([endpoint], table))),
      AddressSet.EMPTY,
    );
    const names = requirement.destinations.flatMap((endpoint) => (endpoint.kind === 'host' || endpoint.kind === 'url' ? [endpoint.pattern] : []));
    const directions = [requirement.direction];
    let named = set.union(PacketSet.of({ directions, src, dst }));
    if (names.length > 0) named = named.union(PacketSet.of({ directions, src, hosts: HostSet.fromPatterns(names) }));
    return named;
  }, PacketSet.EMPTY);
}

function refusal(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (isTagwallError(error)) return error.code;
    throw error;
  }
}

describe('requirements mean exactly what they say, on every target', () => {
  for (const target of allTargets()) {
    it(`${target.id}: never allows a source or destination the requirement does not name`, () => {
      let rendered = 0;
      fc.assert(
        fc.property(caseArbitrary, ({ requirements, known }) => {
          const written: RequirementSet = { name: 'random', requirements };
          const table = parseHostsFile(known.map((name) => `${HOSTS[name]!.split(', ').map((address) => `${address} ${name}`).join('\n')}`).join('\n'));
          const expected = requirements.map((requirement) => expectedRefusal(requirement, known)).find((code) => code !== undefined);
          const text = requirementsToYaml(written);
          const code = refusal(() => parseRequirements(text, 'random.yaml', { hosts: table }));
          expect(code, text).toBe(expected);
          // The library path refuses the same requirements when they reach a target unread.
          const direct = requirements.map((requirement) => expectedRefusal(requirement, [])).find((found) => found !== undefined);
          if (direct) expect(refusal(() => target.translate(written, context))).toBe(direct);
          if (expected) return;
          const read = parseRequirements(text, 'random.yaml', { hosts: table });
          const translation = target.translate(read, context);
          const allowed = allowedPackets(target.parseArtifacts(translation.artifacts, { resolver, options: {} }));
          // A route table routes by source and names no destination (its own contract test, test/azure-contract);
          // for it, only the source side is asked.
          const named =
            target.id === 'udr'
              ? requirements.reduce((set, requirement) => set.union(PacketSet.of({ directions: [requirement.direction], src: sourceAddresses(requirement.sources, table) })), PacketSet.EMPTY)
              : namedPackets(requirements, table);
          // Replies of allowed connections pass on every stateful device whatever their addresses; what a rule names
          // is the packets that open a connection (analysis/rule-set.ts openingPackets), and those are what is asked here.
          // A target's declared extras (netfilter's platform flows) are the exception, exactly those packets.
          const declared = target.declaredExtras?.()?.packets ?? PacketSet.EMPTY;
          const extra = allowed.intersection(openingPackets()).difference(named).difference(declared);
          expect(extra.isEmpty(), `${target.id} allows ${extra.toString()}\n${text}`).toBe(true);
          rendered++;
        }),
        { numRuns: 150, ...(SEED === undefined ? {} : { seed: SEED }) },
      );
      // The property must have rendered a fair share, not refused (nearly) every draw: about a quarter render.
      expect(rendered).toBeGreaterThan(10);
    });
  }
});

describe('the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tw-host-source-'));
  const requirements = join(dir, 'admin.yaml');
  const hosts = join(dir, 'hosts');
  writeFileSync(
    requirements,
    'requirements:\n  - id: ssh\n    direction: inbound\n    protocol: tcp\n    ports: 22\n    source: [192.0.2.10/32, bastion.contoso.com]\n    destination: 10.1.0.4\n',
  );
  writeFileSync(hosts, '# bastion hosts\n198.51.100.9 bastion.contoso.com\n');

  it('refuses a host-name source with exit 2 and file:line:col, and renders exactly with --hosts', () => {
    const refused = tagwall('render', '--target', 'nftables', '--requirements', requirements);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(`${requirements}:6:29: $.requirements[0].source[1]: ssh: source 'bastion.contoso.com' is a host name`);
    const rendered = tagwall('render', '--target', 'nftables', '--requirements', requirements, '--hosts', hosts);
    expect(rendered.code, rendered.stderr).toBe(0);
    expect(rendered.stdout).toContain('192.0.2.10/32, 198.51.100.9/32');
    expect(rendered.stdout).toMatch(/ip saddr @tw4_ssh\.src ip daddr 10\.1\.0\.4\/32 tcp dport 22 accept/);
    const file = join(dir, 'tagwall.nft');
    writeFileSync(file, rendered.stdout);
    const check = tagwall('check', '--target', 'nftables', '--config', file, '--requirements', requirements, '--hosts', hosts);
    expect(check.code, check.stdout).toBe(0);
    const outsider = tagwall('eval', `nftables:${file}`, '--packet', 'in tcp 198.18.7.7:50000 -> 10.1.0.4:22');
    expect(outsider.stdout).toContain(': deny by');
  });
});
