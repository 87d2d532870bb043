/**
 * Each target's declared capabilities (capabilities.ts, the table `tagwall targets` prints and the docs show) are
 * checked against what its translator really does: for one probe requirement per capability, a capability the
 * target declares must be rendered with nothing lost, and one it does not declare must be reported lost by a
 * diagnostic (never dropped silently; the contract tests check the loss is exact). So the table cannot claim more,
 * or less, than the code does. The UDR target routes rather than filters and is left out.
 */
import { describe, expect, it } from 'vitest';
import { expandedResolver } from '../src/analysis/resolve.js';
import { AddressSet } from '../src/model/address-set.js';
import { parseHostPattern } from '../src/model/hostnames.js';
import { PortSet, ProtocolSet } from '../src/model/ports.js';
import type { Endpoint, Requirement } from '../src/model/requirement.js';
import { defaultSnapshot } from '../src/servicetags/snapshot.js';
import { allTargets } from '../src/targets/registry.js';
import type { Capabilities, Target, TargetOptionValues } from '../src/targets/target.js';

const snapshot = defaultSnapshot('Public');
const resolver = expandedResolver(snapshot);

/** The options under which a target shows everything its capabilities claim (Premium for URL paths, IPv6 on). */
const FULL_OPTIONS: Readonly<Record<string, TargetOptionValues>> = {
  'azure-firewall': { sku: 'premium', ipv6: true },
  // The probes' workload subnet stands for the managed computes; FQDN rules for 443-only host names (they also allow 80).
  'aml-managed-network': { computes: '10.1.0.0/24', fqdnRules: 'widen' },
};

const addresses = (text: string): Endpoint => ({ kind: 'addresses', addresses: AddressSet.parse(text) });
const WORKLOAD = { ipv4: addresses('10.1.0.0/24'), ipv6: addresses('fd00:1::/64') };
const PEER = { ipv4: addresses('20.150.0.0/24'), ipv6: addresses('2603:1000::/40') };

function probe(id: string, fields: Partial<Requirement>): Requirement {
  return {
    id,
    direction: 'out',
    protocols: ProtocolSet.parse('tcp'),
    ports: PortSet.of(443),
    sources: [WORKLOAD.ipv4],
    destinations: [PEER.ipv4],
    purpose: `capability probe ${id}`,
    conditions: [],
    provenance: [],
    ...fields,
  };
}

interface Probe {
  readonly requirement: Requirement;
  /** Does the target claim to express it? */
  readonly claimed: (capabilities: Capabilities) => boolean;
}

const hasProtocol = (capabilities: Capabilities, protocol: 'tcp' | 'udp' | 'icmp' | 'icmpv6'): boolean =>
  capabilities.protocols === 'any' || capabilities.protocols.includes(protocol);

const PROBES: readonly Probe[] = [
  { requirement: probe('outbound', {}), claimed: (c) => c.directions.includes('out') },
  { requirement: probe('inbound', { direction: 'in', sources: [PEER.ipv4], destinations: [WORKLOAD.ipv4] }), claimed: (c) => c.directions.includes('in') },
  { requirement: probe('udp', { protocols: ProtocolSet.parse('udp'), ports: PortSet.of(5831) }), claimed: (c) => hasProtocol(c, 'udp') },
  { requirement: probe('icmp', { protocols: ProtocolSet.parse('icmp'), ports: PortSet.ANY }), claimed: (c) => hasProtocol(c, 'icmp') },
  {
    requirement: probe('icmpv6', { protocols: ProtocolSet.parse('icmpv6'), ports: PortSet.ANY, sources: [WORKLOAD.ipv6], destinations: [PEER.ipv6] }),
    claimed: (c) => hasProtocol(c, 'icmpv6') && c.families.includes('ipv6'),
  },
  { requirement: probe('gre', { protocols: ProtocolSet.parse('gre'), ports: PortSet.ANY }), claimed: (c) => c.protocols === 'any' },
  { requirement: probe('icmp-type', { protocols: ProtocolSet.parse('icmp'), ports: PortSet.ANY, icmp: [{ type: 8 }] }), claimed: (c) => c.icmpTypes && hasProtocol(c, 'icmp') },
  { requirement: probe('ipv6', { sources: [WORKLOAD.ipv6], destinations: [PEER.ipv6] }), claimed: (c) => c.families.includes('ipv6') },
  { requirement: probe('exact-host', { destinations: [{ kind: 'host', pattern: parseHostPattern('files.example.com') }] }), claimed: (c) => c.hosts !== 'none' },
  { requirement: probe('wildcard-host', { destinations: [{ kind: 'host', pattern: parseHostPattern('*.example.com') }] }), claimed: (c) => c.hosts === 'wildcard' },
  { requirement: probe('url-path', { destinations: [{ kind: 'url', pattern: parseHostPattern('files.example.com'), path: '/simple/' }] }), claimed: (c) => c.urlPaths },
];

const FILTERS = allTargets().filter((target) => target.id !== 'udr');

/** Packets of the requirement some diagnostic reports lost. */
function lostOf(target: Target, requirement: Requirement): boolean {
  const translation = target.translate({ name: 'probe', requirements: [requirement] }, { snapshot, resolver, options: FULL_OPTIONS[target.id] ?? {} });
  // Netfilter's *_ICMP_INVALID_FIRST is the chains' INVALID drop (unsolicited ICMP replies), not a missing capability.
  const capabilityLoss = (code: string): boolean => !code.endsWith('_ICMP_INVALID_FIRST');
  return translation.diagnostics.some(
    (diagnostic) => diagnostic.requirementId === requirement.id && capabilityLoss(diagnostic.code) && diagnostic.lost !== undefined && !diagnostic.lost.isEmpty(),
  );
}

describe.each(FILTERS)('$id: declared capabilities are what the translator does', (target) => {
  it.each(PROBES.map((entry) => [entry.requirement.id, entry] as const))('%s', (_id, { requirement, claimed }) => {
    const declared = claimed(target.capabilities(FULL_OPTIONS[target.id]));
    expect(lostOf(target, requirement) ? 'lost' : 'expressed', `${target.id} declares ${requirement.id} ${declared ? 'supported' : 'unsupported'}`).toBe(
      declared ? 'expressed' : 'lost',
    );
  });

  it('names service tags or expands them, as declared', () => {
    const tag = 'Storage.WestUS';
    const firstPrefix = snapshot.addresses(tag).toCidrStrings()[0]!;
    const requirement = probe('tag', { destinations: [{ kind: 'service-tag', name: tag }] });
    const text = target
      .translate({ name: 'probe', requirements: [requirement] }, { snapshot, resolver, options: FULL_OPTIONS[target.id] ?? {} })
      .artifacts.map((artifact) => artifact.content)
      .join('\n');
    expect(text.includes(firstPrefix) ? 'expanded' : 'named').toBe(target.capabilities(FULL_OPTIONS[target.id]).serviceTags);
  });
});
