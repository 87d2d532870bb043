import { createHash } from 'node:crypto';
import { goldenFile } from '../../../../test/support/golden.js';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { thrownError as error } from '../../../../test/support/errors.js';
import { expandedResolver } from '../../../analysis/resolve.js';
import { allowedPackets } from '../../../analysis/rule-set.js';
import { loadScenario, scenarioIds } from '../../../catalogue/index.js';
import { TagwallError } from '../../../errors.js';
import { AddressSet } from '../../../model/address-set.js';
import { parsePacket } from '../../../model/packet.js';
import type { RequirementSet } from '../../../model/requirement.js';
import { defaultSnapshot } from '../../../servicetags/snapshot.js';
import { nsgTarget } from './index.js';
import { assignPriorities } from './build.js';
import { parseNsgJson } from './parse.js';

const snapshot = defaultSnapshot('Public');
const resolver = expandedResolver(snapshot);
const storage = snapshot.addresses('Storage.EastUS2').toCidrStrings('ipv4')[0]!.split('/')[0]!;
const batch = snapshot.addresses('BatchNodeManagement.EastUS2').toCidrStrings('ipv4')[0]!.split('/')[0]!;
const SHOW = readFileSync(new URL('../../../../fixtures/azure/nsg-show.json', import.meta.url), 'utf8');


describe('parsing `az network nsg show` output', () => {
  const allowed = allowedPackets(parseNsgJson(SHOW, 'nsg-show.json', resolver));
  it('applies rules by priority: the deny at 100 beats the allow at 200', () => {
    expect(allowed.has(parsePacket(`out tcp 10.0.0.4 -> ${storage}:443`))).toBe(true);
    expect(allowed.has(parsePacket(`out tcp 10.0.0.4 -> ${storage}:445`))).toBe(false);
  });
  it('keeps the default rules: Internet outbound is allowed, inbound from the Internet is not', () => {
    expect(allowed.has(parsePacket('out udp 10.0.0.4 -> 8.8.8.8:53'))).toBe(true);
    expect(allowed.has(parsePacket('in tcp 8.8.8.8 -> 10.0.0.4:22'))).toBe(false);
    expect(allowed.has(parsePacket(`in tcp ${batch} -> 10.0.0.4:29876`))).toBe(true);
    expect(allowed.has(parsePacket('in tcp 168.63.129.16 -> 10.0.0.4:80'))).toBe(true);
  });
  it('adds the default rules to an ARM template that does not list them', () => {
    const [artifact] = nsgTarget.translate({ requirements: [] }, { snapshot, resolver, options: {} }).artifacts;
    const rules = parseNsgJson(artifact!.content, 'nsg.json', resolver).rules.map((rule) => rule.id);
    expect(rules).toEqual(['tw-deny-all-inbound', 'AllowVnetInBound', 'AllowAzureLoadBalancerInBound', 'DenyAllInBound', 'tw-deny-all-outbound', 'AllowVnetOutBound', 'AllowInternetOutBound', 'DenyAllOutBound']);
  });
  it('reports malformed and unsupported input with a JSON path', () => {
    const bad = (mutate: (nsg: { securityRules: Array<Record<string, unknown>> }) => void): TagwallError => {
      const nsg = JSON.parse(SHOW) as { securityRules: Array<Record<string, unknown>> };
      mutate(nsg);
      return error(() => parseNsgJson(JSON.stringify(nsg), 'x.json', resolver));
    };
    expect(bad((nsg) => (nsg.securityRules[0]!['priority'] = 5000))).toMatchObject({ code: 'TW_INVALID_CONFIG', location: { jsonPath: '$.securityRules[0].priority' } });
    expect(bad((nsg) => (nsg.securityRules[1]!['priority'] = 100))).toMatchObject({ code: 'TW_INVALID_CONFIG' });
    expect(bad((nsg) => (nsg.securityRules[0]!['destinationPortRange'] = '1-65536'))).toMatchObject({ code: 'TW_INVALID_CONFIG', location: { jsonPath: '$.securityRules[0]' } });
    expect(bad((nsg) => (nsg.securityRules[0]!['protocol'] = 'Gre'))).toMatchObject({ code: 'TW_INVALID_CONFIG', location: { jsonPath: '$.securityRules[0].protocol' } });
    expect(bad((nsg) => (nsg.securityRules[0]!['sourceApplicationSecurityGroups'] = [{ id: 'x' }]))).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG', location: { jsonPath: '$.securityRules[0].sourceApplicationSecurityGroups' } });
    expect(bad((nsg) => (nsg.securityRules[0]!['destinationAddressPrefix'] = "[parameters('x')]"))).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG', location: { jsonPath: '$.securityRules[0].destinationAddressPrefix' } });
    expect(error(() => parseNsgJson('{', 'x.json', resolver)).code).toBe('TW_INVALID_CONFIG');
  });
  it('detects NSG JSON', () => {
    expect(nsgTarget.detect(SHOW)).toBe(true);
    expect(nsgTarget.detect('{"routes": []}')).toBe(false);
  });
});

describe('translation', () => {
  type Template = { resources: Array<{ properties: { securityRules: Array<{ name: string; properties: { priority: number; direction: string } }> } }> };
  const priorities = (requirements: RequirementSet, options = {}): Map<string, number> => {
    const [artifact] = nsgTarget.translate(requirements, { snapshot, resolver, options }).artifacts;
    const rules = (JSON.parse(artifact!.content) as Template).resources[0]!.properties.securityRules;
    return new Map(rules.map((rule) => [rule.name, rule.properties.priority]));
  };

  it('keeps priorities in 100-4096, on multiples of 10, unique per direction, the deny last', () => {
    for (const scenario of scenarioIds()) {
      const [artifact] = nsgTarget.translate(loadScenario(scenario, { region: 'eastus2' }), { snapshot, resolver, options: {} }).artifacts;
      const rules = (JSON.parse(artifact!.content) as Template).resources[0]!.properties.securityRules;
      for (const direction of ['Inbound', 'Outbound']) {
        const own = rules.filter((rule) => rule.properties.direction === direction).map((rule) => rule.properties.priority);
        expect(new Set(own).size, scenario).toBe(own.length);
        expect(own.at(-1), scenario).toBe(4096);
        for (const priority of own.slice(0, -1)) {
          expect(priority % 10, `${scenario} ${priority}`).toBe(0);
          expect(priority).toBeGreaterThanOrEqual(100);
          expect(priority).toBeLessThan(4096);
        }
      }
    }
  });

  it('gives every rule the same priority when requirements are added elsewhere (catalogue options, a new requirement first)', () => {
    // The options that are on by default are turned off in the base, so that each option adds requirements.
    const off = { privateEndpoint: false, microsoftContainerRegistry: false };
    const base = loadScenario('compute-no-public-ip', { region: 'eastus2', options: off });
    const before = priorities(base);
    const variants: RequirementSet[] = [
      ...['privateEndpoint', 'customImages', 'hbiWorkspace', 'microsoftContainerRegistry', 'firewallToStoragePrivateEndpoint'].map((option) =>
        loadScenario('compute-no-public-ip', { region: 'eastus2', options: { ...off, [option]: true } }),
      ),
      { ...base, requirements: [{ ...base.requirements[0]!, id: 'added-first' }, ...base.requirements] },
    ];
    for (const variant of variants) {
      const after = priorities(variant);
      expect(after.size).toBeGreaterThan(before.size);
      for (const [name, priority] of before) expect(after.get(name), name).toBe(priority);
    }
    expect(priorities(base)).toEqual(before);
  });

  it('moves, when one rule is added, only rules in the run of taken slots the new rule lands in (linear probing)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/), { minLength: 1, maxLength: 120 }), fc.stringMatching(/^[A-Z][a-z0-9]{0,8}$/), (names, added) => {
        const before = assignPriorities(names);
        const after = assignPriorities([...names, added]);
        expect(new Set(after).size).toBe(after.length);
        // The run of taken slots (multiples of 10 from 100 to 4090, wrapping) around the new rule's priority.
        const slot = (priority: number): number => (priority - 100) / 10;
        const taken = new Set(after.map(slot));
        const run = new Set<number>([slot(after.at(-1)!)]);
        for (const step of [-1, 1]) {
          for (let next = (slot(after.at(-1)!) + step + 400) % 400; taken.has(next) && !run.has(next); next = (next + step + 400) % 400) run.add(next);
        }
        names.forEach((name, index) => {
          if (before[index] !== after[index]) expect(run.has(slot(after[index]!)), `${name} moved from ${before[index]} to ${after[index]}`).toBe(true);
        });
      }),
      { numRuns: 200 },
    );
    // Past 400 rules in one direction the other numbers below 4096 are used too.
    const many = assignPriorities(Array.from({ length: 998 }, (_, index) => `r${index}`));
    expect(new Set(many).size).toBe(998);
    expect(Math.min(...many)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...many)).toBeLessThan(4096);
    expect(many.filter((priority) => priority % 10 === 0)).toHaveLength(400);
  });

  it('gives the priorities of both tiers made up front, for any number of rules up to the range (tier two made lazily)', () => {
    // The assignment as it was written before tier two was made on first use (issue 22): both tiers built eagerly.
    const reference = (names: readonly string[]): number[] => {
      const tiers = [
        Array.from({ length: 400 }, (_, index) => 100 + 10 * index),
        Array.from({ length: 3996 }, (_, index) => 100 + index).filter((priority) => priority % 10 !== 0),
      ];
      const priorities = new Array<number>(names.length);
      let pending = names.map((name, index) => ({ name, index }));
      for (const tier of tiers) {
        const placed = pending.slice(0, tier.length);
        pending = pending.slice(tier.length);
        const taken = new Array<boolean>(tier.length).fill(false);
        const slotOf = (name: string): number => Number.parseInt(createHash('sha256').update(name).digest('hex').slice(0, 12), 16) % tier.length;
        const ordered = placed.map((entry) => ({ ...entry, slot: slotOf(entry.name) })).sort((a, b) => a.slot - b.slot || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        for (const entry of ordered) {
          let slot = entry.slot;
          while (taken[slot]) slot = (slot + 1) % tier.length;
          taken[slot] = true;
          priorities[entry.index] = tier[slot]!;
        }
      }
      return priorities;
    };
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1200 }), fc.string({ maxLength: 3 }), (count, prefix) => {
        const names = Array.from({ length: count }, (_, index) => `${prefix}r${index}`);
        expect(assignPriorities(names)).toEqual(reference(names));
      }),
      { numRuns: 40 },
    );
    for (const count of [0, 1, 400, 401, 3996]) {
      const names = Array.from({ length: count }, (_, index) => `n${index}`);
      expect(assignPriorities(names)).toEqual(reference(names));
    }
  });

  it('splits more than 4,000 prefixes over rules, one family each, and warns about the per-NSG count (§2.4)', () => {
    const v4 = Array.from({ length: 4100 }, (_, index) => `10.${index >> 8}.${index & 255}.${index % 2 ? 1 : 3}/32`);
    const requirement = { ...loadScenario('compute-no-public-ip', { region: 'eastus2' }).requirements.find((entry) => entry.direction === 'out')!, id: 'wide' };
    const requirements: RequirementSet = {
      requirements: [{ ...requirement, sources: [{ kind: 'any' }], destinations: [{ kind: 'addresses', addresses: AddressSet.fromStrings([...v4, '2001:db8::/48']) }] }],
    };
    const translation = nsgTarget.translate(requirements, { snapshot, resolver, options: {} });
    const rules = (JSON.parse(translation.artifacts[0]!.content) as { resources: Array<{ properties: { securityRules: Array<{ name: string; properties: Record<string, unknown> }> } }> }).resources[0]!.properties.securityRules.filter((rule) => rule.name.startsWith('tw-wide'));
    const sizes = rules.map((rule) => ((rule.properties['destinationAddressPrefixes'] as string[] | undefined) ?? [rule.properties['destinationAddressPrefix']]).length).sort((a, b) => a - b);
    expect(sizes).toEqual([1, 100, 4000]);
    expect(translation.diagnostics.map((diagnostic) => diagnostic.code)).toContain('NSG_PREFIX_LIMIT');
    expect(nsgTarget.translate({ requirements: [requirement] }, { snapshot, resolver, options: {} }).diagnostics.map((diagnostic) => diagnostic.code)).not.toContain('NSG_PREFIX_LIMIT');
  });

  it('reports FQDN requirements as lost, or uses an explicit resolve table with a warning', () => {
    const requirements = loadScenario('kubernetes', { region: 'eastus2' });
    const plain = nsgTarget.translate(requirements, { snapshot, resolver, options: {} });
    expect(plain.diagnostics.filter((diagnostic) => diagnostic.code === 'NSG_FQDN_INEXPRESSIBLE' && diagnostic.lost)).toHaveLength(requirements.requirements.length);
    const resolved = nsgTarget.translate(requirements, { snapshot, resolver, options: { resolve: 'pypi.org=151.101.0.223,151.101.64.223' } });
    expect(resolved.diagnostics.map((diagnostic) => diagnostic.code)).toContain('NSG_FQDN_RESOLVED');
    expect(resolved.artifacts[0]!.content).toContain('151.101.0.223/32');
  });
});

describe('golden files', () => {
  for (const scenario of scenarioIds()) {
    for (const format of ['arm', 'bicep', 'terraform'] as const) {
      it(`${scenario} ${format}`, async () => {
        const [artifact] = nsgTarget.translate(loadScenario(scenario, { region: 'eastus2' }), { snapshot, resolver, options: { format } }).artifacts;
        await expect(artifact!.content).toMatchFileSnapshot(goldenFile('nsg', `${scenario}.${{ arm: 'json', bicep: 'bicep', terraform: 'tf' }[format]}`));
      });
    }
  }
});
