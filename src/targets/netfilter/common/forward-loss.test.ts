import { describe, expect, it } from 'vitest';
import { expandedResolver, requirementPackets } from '../../../analysis/resolve.js';
import { allowedPackets } from '../../../analysis/rule-set.js';
import { checkContract } from '../../contract.js';
import { AddressSet } from '../../../model/address-set.js';
import { icmpTypeCodes, PacketSet } from '../../../model/packet-set.js';
import { parsePacket } from '../../../model/packet.js';
import { PortSet, ProtocolSet } from '../../../model/ports.js';
import type { Requirement } from '../../../model/requirement.js';
import { defaultSnapshot } from '../../../servicetags/snapshot.js';
import { iptablesTarget } from '../iptables/index.js';
import { nftablesTarget } from '../nftables/index.js';

const snapshot = defaultSnapshot('Public');
const resolver = expandedResolver(snapshot);

/** `in icmpv6 type=130,128`: an MLD query (hop limit 1, never forwarded) and an echo request (forwarded). */
const mldAndPing: Requirement = {
  id: 'mld',
  direction: 'in',
  protocols: ProtocolSet.of(58),
  ports: PortSet.ANY,
  icmp: [{ type: 130 }, { type: 128 }],
  sources: [{ kind: 'any' }],
  destinations: [{ kind: 'any' }],
  purpose: 'multicast listener query and ping',
  conditions: [],
  provenance: [],
};

const v6 = AddressSet.allOf('ipv6');
/** What a router loses of it: every MLD query but its ESTABLISHED/RELATED forms, which no real packet has. */
const lostMld = PacketSet.of({ directions: ['in'], protocols: ProtocolSet.of(58), icmp: icmpTypeCodes(130), src: v6, dst: v6, states: ['new', 'untracked', 'invalid'] }).intersection(
  requirementPackets(mldAndPing, resolver),
);

describe.each([
  { target: iptablesTarget, code: 'IPT_NOT_FORWARDED' },
  { target: nftablesTarget, code: 'NFT_NOT_FORWARDED' },
])('$target.id on the forward hook', ({ target, code }) => {
  it('reports the ICMPv6 messages with hop limit 1 lost, exactly, with the reason', () => {
    const options = { chainHook: 'forward', interface: 'eth1' } as const;
    const result = target.translate({ requirements: [mldAndPing] }, { snapshot, resolver, options });
    const found = result.diagnostics.filter((d) => d.code === code);
    expect(found).toHaveLength(1);
    const [diagnostic] = found;
    expect(diagnostic!.severity).toBe('warning');
    expect(diagnostic!.requirementId).toBe('mld');
    expect(diagnostic!.message).toContain('never forwards an ICMPv6 message with hop limit 1');
    expect(lostMld.isEmpty()).toBe(false);
    expect(diagnostic!.lost!.equals(lostMld)).toBe(true);
    expect(diagnostic!.lost!.has(parsePacket('in icmpv6 fe80::1 -> ff02::1 type=130 code=0'))).toBe(true);
    expect(diagnostic!.lost!.has(parsePacket('in icmpv6 2001:db8::1 -> fd00::4 type=128 code=0'))).toBe(false);
    // Read back as the kernel sees it, the output lacks exactly what the diagnostics report (contract law 2).
    const report = checkContract(target, { requirements: [mldAndPing] }, { snapshot, resolver, options });
    expect(report.unexplainedLoss.isEmpty() && report.overclaimedLoss.isEmpty()).toBe(true);
    const parsed = allowedPackets(target.parseArtifacts(result.artifacts, { resolver, options }));
    expect(parsed.has(parsePacket('in icmpv6 fe80::1 -> ff02::1 type=130 code=0'))).toBe(false);
    expect(parsed.has(parsePacket('in icmpv6 2001:db8::1 -> fd00::4 type=128 code=0'))).toBe(true);
  });

  it('reports nothing of the kind on the host hooks, where the host itself receives them', () => {
    const result = target.translate({ requirements: [mldAndPing] }, { snapshot, resolver, options: {} });
    expect(result.diagnostics.map((d) => d.code)).not.toContain(code);
    const allowed = allowedPackets(target.parseArtifacts(result.artifacts, { resolver, options: {} }));
    expect(allowed.has(parsePacket('in icmpv6 fe80::1 -> ff02::1 type=130 code=0'))).toBe(true);
  });
});
