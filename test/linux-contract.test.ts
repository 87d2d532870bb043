/**
 * The translator contract (DESIGN.md laws 1–3) for iptables and nftables: every catalogue scenario in every cloud,
 * the option variants on the Public cloud, and random requirement sets (both families, ICMP types, host names,
 * odd protocols, many ports) through a small arbitrary until src/testing provides one.
 */
import { optionsFor } from '../src/targets/option-schema.js';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REGION_BY_CLOUD } from './support/regions.js';
import { expectContractHolds } from './support/contract.js';
import { expandedResolver } from '../src/analysis/resolve.js';
import { loadScenario, SCENARIOS } from '../src/catalogue/index.js';
import { AddressSet } from '../src/model/address-set.js';
import { parseHostPattern } from '../src/model/hostnames.js';
import { PortSet, ProtocolSet } from '../src/model/ports.js';
import type { Endpoint, Requirement, RequirementSet } from '../src/model/requirement.js';
import { requirementProblem } from '../src/model/requirement-check.js';
import { defaultSnapshot, type Cloud } from '../src/servicetags/snapshot.js';
import { iptablesTarget } from '../src/targets/netfilter/iptables/index.js';
import { nftablesTarget } from '../src/targets/netfilter/nftables/index.js';
import type { TargetOptionValues, TranslateContext } from '../src/targets/target.js';

const TARGETS = [iptablesTarget, nftablesTarget];
const REGION: Record<string, string> = REGION_BY_CLOUD;

function context(cloud: Cloud, options: TargetOptionValues = {}): TranslateContext {
  const snapshot = defaultSnapshot(cloud);
  return { snapshot, resolver: expandedResolver(snapshot), options };
}

describe('every catalogue scenario in every cloud', () => {
  for (const scenario of SCENARIOS) {
    for (const cloud of scenario.clouds) {
      for (const target of TARGETS) {
        it(`${target.id} ${scenario.id} ${cloud}`, () => {
          expectContractHolds(target, loadScenario(scenario.id, { region: REGION[cloud]!, cloud }), context(cloud));
        });
      }
    }
  }
});

const VARIANTS: TargetOptionValues[] = [
  { fqdn: 'dnsmasq' },
  { chainHook: 'forward', interface: 'eth1' },
  { chainHook: 'input' },
  { chainHook: 'output', log: true, counters: true },
];

describe('option variants on compute-no-public-ip', () => {
  const requirements = loadScenario('compute-no-public-ip', { region: 'westus', cloud: 'Public' });
  for (const target of TARGETS) {
    for (const options of VARIANTS) {
      it(`${target.id} ${JSON.stringify(options)}`, () => {
        // `counters` is an nftables option (iptables counts always): each target takes the options it declares.
        expectContractHolds(target, requirements, context('Public', optionsFor(target.options, options)));
      });
    }
  }
});

// ─── random requirement sets ────────────────────────────────────────────────────────────────────────────

const endpoint: fc.Arbitrary<Endpoint> = fc.oneof(
  fc.constant<Endpoint>({ kind: 'any' }),
  fc
    .subarray(['10.1.0.0/16', '10.1.2.3', '192.0.2.0/25', '198.51.100.7-198.51.100.20', '2001:db8::/48', 'fd00::1', '0.0.0.0/1'], { minLength: 1 })
    .map((list): Endpoint => ({ kind: 'addresses', addresses: AddressSet.parse(list.join(', ')) })),
  fc.constantFrom('AzureMonitor', 'Storage.WestUS', 'VirtualNetwork', 'AzureLoadBalancer', 'BatchNodeManagement.WestUS').map((name): Endpoint => ({ kind: 'service-tag', name })),
  fc.constantFrom('*.blob.core.windows.net', 'pypi.org', '*.azureml.ms').map((text): Endpoint => ({ kind: 'host', pattern: parseHostPattern(text) })),
);

const protocols = fc.constantFrom('tcp', 'udp', 'tcp,udp', 'icmp', 'icmpv6', 'icmp,icmpv6', 'any', 'gre', 'esp,ah,gre', '6,17,47');
const ports = fc.oneof(
  fc.constant(PortSet.ANY),
  fc.array(fc.integer({ min: 0, max: 65535 }), { minLength: 1, maxLength: 20 }).map((list) => PortSet.of(...list)),
  fc.tuple(fc.integer({ min: 0, max: 65000 }), fc.integer({ min: 0, max: 500 })).map(([first, width]) => PortSet.range(first, first + width)),
);
const icmp = fc.option(
  fc.array(fc.record({ type: fc.integer({ min: 0, max: 255 }), code: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }) }), { minLength: 1, maxLength: 3 }),
  { nil: undefined },
);

const requirement = (id: string): fc.Arbitrary<Requirement> =>
  fc
    .record({
      direction: fc.constantFrom<'in' | 'out'>('in', 'out'),
      protocols,
      ports,
      icmp,
      sources: fc.array(endpoint, { minLength: 1, maxLength: 2 }),
      destinations: fc.array(endpoint, { minLength: 1, maxLength: 2 }),
    })
    .map(({ direction, protocols: text, ports: portSet, icmp: types, sources, destinations }) => {
      const protocolSet = ProtocolSet.parse(text);
      const isIcmp = protocolSet.has(1) || protocolSet.has(58);
      return {
        id,
        direction,
        protocols: protocolSet,
        ports: isIcmp && types ? PortSet.ANY : portSet,
        ...(isIcmp && types ? { icmp: types.map((entry) => (entry.code === undefined ? { type: entry.type } : { type: entry.type, code: entry.code })) } : {}),
        sources,
        destinations,
        purpose: `random "quoted" \\ purpose ${id}`,
        conditions: [],
        provenance: [],
      };
    })
    // Host-name sources, ports on ICMP/GRE and IPv4-only sources to IPv6-only destinations are refused before any
    // translation (src/model/requirement-check.ts; test/requirement-soundness.test.ts covers them).
    .filter((drawn) => requirementProblem(drawn) === undefined);

const requirementSet: fc.Arbitrary<RequirementSet> = fc
  .integer({ min: 0, max: 4 })
  .chain((count) => fc.tuple(...Array.from({ length: count }, (_, i) => requirement(`r${i}`))))
  .map((requirements) => ({ name: 'random', requirements }));

describe('random requirement sets', () => {
  for (const target of TARGETS) {
    for (const options of [{}, { fqdn: 'dnsmasq', chainHook: 'forward', interface: 'eth1' }, { chainHook: 'input', log: true }] as TargetOptionValues[]) {
      it(`${target.id} ${JSON.stringify(options)}`, () => {
        const translate = context('Public', options);
        fc.assert(
          fc.property(requirementSet, (requirements) => {
            expectContractHolds(target, requirements, translate);
          }),
          { numRuns: 40 },
        );
      });
    }
  }
});

// ─── docs/targets/linux.md shows the current output ───────────────────────────────────────────────────────

describe('docs/targets/linux.md', () => {
  const docs = readFileSync(new URL('../docs/targets/linux.md', import.meta.url), 'utf8');
  const blocks = [...docs.matchAll(/^```\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
  const requirements = loadScenario('inbound-udr', { region: 'westus', cloud: 'Public' });
  const rendered = [
    ...iptablesTarget.translate(requirements, context('Public')).artifacts,
    ...nftablesTarget.translate(requirements, context('Public')).artifacts,
    ...nftablesTarget.translate(loadScenario('compute-no-public-ip', { region: 'westus', cloud: 'Public' }), context('Public', { fqdn: 'dnsmasq' })).artifacts.filter((a) => a.format === 'dnsmasq'),
  ];
  /** The block's lines, `…` aside, appear in this order in the output. */
  const abridges = (block: string, output: string): boolean => {
    const lines = output.split('\n');
    let at = 0;
    for (const line of block.split('\n').filter((text) => text.trim() !== '…' && text !== '')) {
      while (at < lines.length && lines[at] !== line) at++;
      if (at++ >= lines.length) return false;
    }
    return true;
  };
  it('shows the iptables file unabridged, and the ipset, nft and dnsmasq files as faithful extracts', () => {
    const example = (opening: string): string => {
      const block = blocks.find((text) => text.startsWith(opening));
      if (!block) throw new Error(`no example opening with '${opening}'`);
      return block;
    };
    const artifact = (name: string): string => rendered.find((a) => a.name === name)!.content;
    expect(example('# tagwall iptables-restore file (IPv4)')).toBe(artifact('iptables.rules'));
    expect(abridges(example('# tagwall ipset restore file'), artifact('ipsets.save'))).toBe(true);
    expect(abridges(example('# tagwall nft -f ruleset'), artifact('tagwall.nft'))).toBe(true);
    expect(abridges(example('# tagwall dnsmasq configuration'), artifact('dnsmasq.conf'))).toBe(true);
  });
  it('lists every diagnostic code the Linux targets can emit', () => {
    const sources = ['netfilter/iptables/build.ts', 'netfilter/nftables/build.ts', 'netfilter/common/lower.ts'].map((file) => readFileSync(new URL(`../src/targets/${file}`, import.meta.url), 'utf8')).join('\n');
    const suffixes = [...sources.matchAll(/(?:lose|note)\(\s*'([A-Z_]+)'|codePrefix\}_([A-Z_]+)/g)].map((match) => match[1] ?? match[2]!);
    const direct = [...sources.matchAll(/code: '((?:IPT|NFT)_[A-Z_]+)'/g)].map((match) => match[1]!);
    const codes = new Set([...suffixes.flatMap((suffix) => [`IPT_${suffix}`, `NFT_${suffix}`]), ...direct]);
    expect(codes.size).toBeGreaterThanOrEqual(10);
    for (const code of codes) expect(docs, code).toContain(`\`${code}\``);
  });
});
