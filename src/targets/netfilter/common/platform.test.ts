import { describe, expect, it } from 'vitest';
import { expandedResolver } from '../../../analysis/resolve.js';
import { openingPackets } from '../../../analysis/rule-set.js';
import { loadScenario } from '../../../catalogue/index.js';
import { parsePacket } from '../../../model/packet.js';
import { PacketSet } from '../../../model/packet-set.js';
import { PortSet, ProtocolSet } from '../../../model/ports.js';
import { defaultSnapshot } from '../../../servicetags/snapshot.js';
import { checkContract } from '../../contract.js';
import type { Target } from '../../target.js';
import { iptablesTarget } from '../iptables/index.js';
import { nftablesTarget } from '../nftables/index.js';
import { netfilterOptions } from './options.js';
import { AZURE_PLATFORM_FLOWS, platformFlowPackets, platformRules } from './platform.js';

const snapshot = defaultSnapshot('Public');
const resolver = expandedResolver(snapshot);
const requirements = loadScenario('compute-no-public-ip', { region: 'westus', cloud: 'Public' });
const context = (options: Record<string, string> = {}) => ({ snapshot, resolver, options });

describe('Azure platform flows (issue 17, item 5)', () => {
  for (const target of [iptablesTarget, nftablesTarget] as Target[]) {
    it(`${target.id}: the contract subtracts exactly the declared platform flows, and only with them on`, () => {
      const on = checkContract(target, requirements, context());
      expect(on.nondeterministicArtifact).toBeUndefined();
      expect({ tooMuch: on.tooMuch.isEmpty(), undelivered: on.undeliveredExtra.isEmpty(), unexplained: on.unexplainedLoss.isEmpty(), overclaimed: on.overclaimedLoss.isEmpty() }).toEqual({ tooMuch: true, undelivered: true, unexplained: true, overclaimed: true });
      expect(on.ok).toBe(true);
      const declared = platformFlowPackets(netfilterOptions({}, target.id));
      // What the output allows beyond the requirements is exactly the declared set (its new connections).
      expect(on.declaredExtra.isEmpty()).toBe(false);
      expect(on.declaredExtra.intersection(openingPackets()).difference(declared).isEmpty()).toBe(true);
      const dns = parsePacket('out udp 10.0.0.4:40000 -> 168.63.129.16:53');
      expect(on.declaredExtra.has(dns)).toBe(true);
      const off = checkContract(target, requirements, context({ platformFlows: 'none' }));
      expect(off.ok).toBe(true);
      expect(off.declaredExtra.isEmpty()).toBe(true);
      expect(off.translation.artifacts.some((artifact) => artifact.content.includes('platform.'))).toBe(false);
    });

    it(`${target.id}: a declaration hides no other extra and claims nothing the output lacks`, () => {
      const extra = PacketSet.of({ directions: ['out'], protocols: ProtocolSet.parse('udp'), dstPorts: PortSet.of(5353), states: ['new'] });
      const wider: Target = { ...target, parseArtifacts: (artifacts, parse) => {
        const parsed = target.parseArtifacts(artifacts, parse);
        return { ...parsed, rules: [{ id: 'smuggled', action: 'allow', match: extra, origin: { text: 'smuggled' } }, ...parsed.rules] };
      } };
      const hidden = checkContract(wider, requirements, context());
      expect(hidden.ok).toBe(false);
      expect(hidden.tooMuch.has(parsePacket('out udp 10.0.0.4:40000 -> 8.8.8.8:5353'))).toBe(true);
      const overclaiming: Target = { ...target, declaredExtras: (options) => {
        const real = target.declaredExtras!(options);
        return { ...real, packets: real.packets.union(extra) };
      } };
      const claimed = checkContract(overclaiming, requirements, context());
      expect(claimed.ok).toBe(false);
      expect(claimed.undeliveredExtra.has(parsePacket('out udp 10.0.0.4:40000 -> 8.8.8.8:5353'))).toBe(true);
    });
  }

  it('follows the hook: the inbound flows for input, none for a router', () => {
    const input = platformRules(netfilterOptions({ chainHook: 'input' }, 'nftables'));
    expect(input.length).toBeGreaterThan(0);
    expect(input.every((rule) => rule.direction === 'in')).toBe(true);
    expect(platformRules(netfilterOptions({ chainHook: 'forward', interface: 'eth1' }, 'nftables'))).toEqual([]);
    expect(new Set(platformRules(netfilterOptions({}, 'nftables')).map((rule) => rule.requirementId))).toEqual(new Set(AZURE_PLATFORM_FLOWS.map((flow) => `platform.${flow.id}`)));
  });

  it('names each flow in the rendered files', () => {
    const nft = nftablesTarget.translate(requirements, context()).artifacts.find((artifact) => artifact.name === 'tagwall.nft')!.content;
    for (const flow of AZURE_PLATFORM_FLOWS) expect(nft).toContain(`# platform.${flow.id}: ${flow.summary}`);
    const v4 = iptablesTarget.translate(requirements, context()).artifacts.find((artifact) => artifact.name === 'iptables.rules')!.content;
    expect(v4).toContain('# platform.dns:');
    expect(v4).not.toContain('# platform.ndp:');
  });
});
