import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandedResolver, requirementPackets, requirementsRuleSet, symbolicResolver } from '../analysis/resolve.js';
import { allowedPackets, type RuleSet } from '../analysis/rule-set.js';
import { AddressSet } from '../model/address-set.js';
import { PacketSet } from '../model/packet-set.js';
import { formatPacket, parsePacket } from '../model/packet.js';
import { PortSet, ProtocolSet } from '../model/ports.js';
import { defaultSnapshot } from '../servicetags/index.js';
import type { Diagnostic, Target } from '../targets/target.js';
import type { RequirementSet } from '../model/requirement.js';
import { assertEquivalent, cidr, equivalentProperty, packet, requirementSet, ruleSet, translatorContractProperty } from './index.js';

const snapshot = defaultSnapshot('Public');
const expanded = expandedResolver(snapshot);
const symbolic = symbolicResolver(snapshot);

const https: RuleSet = {
  name: 'https-only',
  mode: 'expanded',
  defaultAction: 'deny',
  rules: [{ id: 'web', action: 'allow', match: PacketSet.of({ directions: ['out'], protocols: ProtocolSet.parse('tcp'), dstPorts: PortSet.of(443) }) }],
};
const httpAndHttps: RuleSet = {
  ...https,
  name: 'web',
  rules: [{ id: 'web', action: 'allow', match: PacketSet.of({ directions: ['out'], protocols: ProtocolSet.parse('tcp'), dstPorts: PortSet.of(80, 443) }) }],
};

/**
 * A toy target for the contract property: it keeps requirements without host names (its artifact lists their
 * ids) and reports the others as lost; `honest: false` forgets to report them.
 */
function toyTarget(honest: boolean): Target {
  const seen = new Map<string, RequirementSet>();
  return {
    id: honest ? 'toy' : 'silent',
    family: 'test',
    description: 'test target',
    formats: ['ids'],
    analysisMode: 'expanded',
    options: [],
    labels: {},
    yardstick: requirementPackets,
    capabilities: () => ({ directions: ['in', 'out'], protocols: 'any', icmpTypes: true, families: ['ipv4', 'ipv6'], serviceTags: 'expanded', hosts: 'none', urlPaths: false, sourcePorts: false }),
    translate(requirements, context) {
      const named = (r: RequirementSet['requirements'][number]): boolean => r.destinations.some((d) => d.kind === 'host' || d.kind === 'url');
      const content = requirements.requirements.filter((r) => !named(r)).map((r) => r.id).join('\n');
      seen.set(content, requirements);
      // What a dropped requirement loses is what no kept one allows: the law is about packets, not requirements.
      const kept = allowedPackets(requirementsRuleSet({ requirements: requirements.requirements.filter((r) => !named(r)) }, context.resolver));
      const diagnostics: Diagnostic[] = requirements.requirements
        .filter(named)
        .map((r) => ({ code: 'TOY_HOST', severity: 'warning', target: 'toy', requirementId: r.id, message: 'hosts', lost: requirementPackets(r, context.resolver).difference(kept) }));
      return { artifacts: [{ name: 'ids', format: 'ids', content }], diagnostics: honest ? diagnostics : [] };
    },
    parse: () => {
      throw new Error('not used');
    },
    parseArtifacts(artifacts, context) {
      const content = artifacts[0]!.content;
      const kept = new Set(content.split('\n'));
      const requirements = seen.get(content)!;
      return requirementsRuleSet({ ...requirements, requirements: requirements.requirements.filter((r) => kept.has(r.id)) }, context.resolver);
    },
    detect: () => false,
  };
}

describe('tagwall/testing arbitraries', () => {
  it('draw valid values: packets round-trip through text, CIDRs parse, tags resolve in both modes', () => {
    fc.assert(fc.property(packet(), (p) => {
      expect(parsePacket(formatPacket(p))).toEqual(p);
    }), { numRuns: 200 });
    fc.assert(fc.property(cidr(), (block) => {
      expect(AddressSet.parse(block).toCidrStrings()).toEqual([block]);
    }), { numRuns: 200 });
    fc.assert(
      fc.property(requirementSet({ tags: snapshot.names(), urls: true }), (reqs) => {
        expect(requirementsRuleSet(reqs, expanded).rules).toHaveLength(reqs.requirements.length);
        expect(requirementsRuleSet(reqs, symbolic).mode).toBe('symbolic');
        expect(new Set(reqs.requirements.map((r) => r.id)).size).toBe(reqs.requirements.length);
      }),
      { numRuns: 50 },
    );
    // hosts: false draws no host or URL destination (address-only targets), and with urls it would.
    fc.assert(fc.property(requirementSet({ hosts: false, urls: true }), (reqs) => {
      expect(reqs.requirements.flatMap((r) => r.destinations).filter((d) => d.kind === 'host' || d.kind === 'url')).toEqual([]);
    }), { numRuns: 50 });
    expect(fc.sample(requirementSet({ urls: true }), { numRuns: 50, seed: 1 }).some((reqs) => reqs.requirements.some((r) => r.destinations.some((d) => d.kind === 'url')))).toBe(true);
    fc.assert(fc.property(ruleSet({ resolver: symbolic }), (set) => {
      expect(set.mode).toBe("symbolic");
    }), { numRuns: 20 });
  });
});

describe('tagwall/testing properties', () => {
  it('assertEquivalent passes equal rule sets and names the witness and deciding rules otherwise', () => {
    expect(() => assertEquivalent(https, { ...https, name: 'copy' })).not.toThrow();
    expect(() => assertEquivalent(https, httpAndHttps)).toThrow(
      "'https-only' and 'web' are not equivalent (expanded): witness packet\n  out tcp 172.16.0.0:49152 -> 1.0.0.0:80\n  https-only denies it (default action)\n  web allows it (rule web)",
    );
  });

  it('equivalentProperty fails under fc.check with the witness in the error', () => {
    expect(fc.check(equivalentProperty(https, https)).failed).toBe(false);
    const result = fc.check(equivalentProperty(https, httpAndHttps));
    expect(result.failed).toBe(true);
    expect(String(result.errorInstance)).toContain('-> 1.0.0.0:80');
    // Generated inputs: a rule set against itself reordered is not always equivalent, and the property finds that.
    const reversed = fc.check(equivalentProperty(ruleSet({ resolver: expanded, maxRules: 4 }), (set) => set, (set) => ({ ...set, rules: [...set.rules].reverse() })), { seed: 42 });
    expect(reversed.failed).toBe(true);
  });

  it('translatorContractProperty passes a sound target and reports a law it breaks', () => {
    const context = { snapshot, resolver: expanded, options: {} };
    const reqs = requirementSet({ tags: ['Storage.WestUS', 'AzureMonitor', 'VirtualNetwork'] });
    fc.assert(translatorContractProperty(toyTarget(true), reqs, context), { numRuns: 25 });
    const result = fc.check(translatorContractProperty(toyTarget(false), reqs, context), { seed: 7 });
    expect(result.failed).toBe(true);
    expect(String(result.errorInstance)).toMatch(/target silent breaks the translator contract.*\n {2}law 2 \(complete\): loses packets no diagnostic reports/);
  });
});
