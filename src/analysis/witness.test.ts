/**
 * Witness readability, one rule at a time (issue 5, as Batfish picks flows): TCP before UDP; destination 443, 80,
 * 22 before other ports; source port 49152; a private source and a public destination where the set allows; the
 * first address of a block. Each test offers the set a worse choice too, so the rule has to do the choosing; and
 * every witness must be in its set.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressSet } from '../model/address-set.js';
import { HostSet } from '../model/hostnames.js';
import { PacketSet, type PacketSpec } from '../model/packet-set.js';
import { formatPacket, parsePacket } from '../model/packet.js';
import { PathSet } from '../model/path-set.js';
import { PortSet, ProtocolSet } from '../model/ports.js';
import { expandedResolver, symbolicResolver } from './resolve.js';
import { defaultSnapshot } from '../servicetags/index.js';
import { packetSet } from '../testing/arbitraries.js';
import { contains, difference, equivalent } from './questions.js';
import type { RuleSet } from './rule-set.js';

const set = (spec: PacketSpec): PacketSet => PacketSet.of(spec);
const tcp = ProtocolSet.parse('tcp');
const out: PacketSpec = { directions: ['out'] };

/** The witness of the union of the specs (several boxes: the choice is also between boxes), printed. */
function witness(...specs: PacketSpec[]): string {
  const packets = specs.reduce((union, spec) => union.union(set(spec)), PacketSet.EMPTY);
  const chosen = packets.witness();
  expect(chosen).toBeDefined();
  expect(packets.has(chosen!)).toBe(true);
  return formatPacket(chosen!);
}

describe('witness readability', () => {
  it('prints as the issue shows: out tcp 172.16.0.4:49152 -> 20.150.1.1:443 host=…', () => {
    const spec = { ...out, protocols: tcp, src: AddressSet.parse('172.16.0.4/30'), dst: AddressSet.parse('20.150.1.1'), dstPorts: PortSet.of(443), hosts: HostSet.fromPatterns(['pypi.org']) };
    expect(witness(spec)).toBe('out tcp 172.16.0.4:49152 -> 20.150.1.1:443 host=pypi.org');
    expect(parsePacket(witness(spec))).toEqual(set(spec).witness());
  });

  it('TCP before UDP, in one box and across boxes, even when UDP has the better port', () => {
    expect(witness({ ...out, protocols: ProtocolSet.parse('udp,tcp'), dstPorts: PortSet.of(53) })).toMatch(/^out tcp /);
    expect(witness({ ...out, protocols: ProtocolSet.parse('udp'), dstPorts: PortSet.of(443) }, { ...out, protocols: tcp, dstPorts: PortSet.of(8080) })).toMatch(/^out tcp .*:8080$/);
    // ... and UDP before ICMP and other protocols.
    expect(witness({ ...out, protocols: ProtocolSet.parse('icmp') }, { ...out, protocols: ProtocolSet.parse('udp'), dstPorts: PortSet.of(5000) })).toMatch(/^out udp /);
    expect(witness({ ...out, protocols: ProtocolSet.parse('gre') }, { ...out, protocols: ProtocolSet.parse('icmp') })).toMatch(/^out icmp .* type=8 code=0$/);
  });

  it('destination port 443, then 80, then 22, then the lowest', () => {
    const port = (ports: string): string => witness({ ...out, protocols: tcp, dstPorts: PortSet.parse(ports) }).replace(/.*:/, '');
    expect(port('8080, 22, 80, 443')).toBe('443');
    expect(port('8080, 22, 80')).toBe('80');
    expect(port('8080, 22, 3389')).toBe('22');
    expect(port('8080-8090, 5000')).toBe('5000');
    expect(port('1-1000')).toBe('443');
    // Across boxes (boxes that differ in more than the port, so they stay two boxes).
    expect(witness({ ...out, protocols: tcp, dstPorts: PortSet.of(22), src: AddressSet.parse('10.0.0.0/8') }, { ...out, protocols: tcp, dstPorts: PortSet.of(443), src: AddressSet.parse('8.8.8.0/24') })).toMatch(/:443$/);
  });

  it('source port 49152 when the set allows it, else the lowest', () => {
    const srcPort = (ports: PortSet): string => witness({ ...out, protocols: tcp, dstPorts: PortSet.of(443), srcPorts: ports }).split(' ')[2]!.replace(/.*:/, '');
    expect(srcPort(PortSet.ANY)).toBe('49152');
    expect(srcPort(PortSet.range(1024, 65535))).toBe('49152');
    expect(srcPort(PortSet.range(1000, 2000))).toBe('1000');
    // The destination port outranks the source port: 49152 -> 80 loses to 1000 -> 443.
    expect(witness({ ...out, protocols: tcp, dstPorts: PortSet.of(80), srcPorts: PortSet.of(49152) }, { ...out, protocols: tcp, dstPorts: PortSet.of(443), srcPorts: PortSet.of(1000) })).toBe('out tcp 172.16.0.0:1000 -> 1.0.0.0:443');
  });

  it('a private source (172.16/12, then 10/8, then 192.168/16) where the set allows, else the first address', () => {
    const src = (cidrs: string): string => witness({ ...out, protocols: tcp, dstPorts: PortSet.of(443), src: AddressSet.parse(cidrs) }).split(' ')[2]!.replace(/:.*/, '');
    expect(src('0.0.0.0/0')).toBe('172.16.0.0');
    expect(src('8.8.8.0/24, 192.168.4.0/24, 10.2.0.0/16')).toBe('10.2.0.0');
    expect(src('8.8.8.0/24, 192.168.4.0/24')).toBe('192.168.4.0');
    expect(src('8.8.8.0/24, 20.0.0.0/8')).toBe('8.8.8.0');
  });

  it('a public destination where the set allows, else the first address', () => {
    const dst = (cidrs: string): string => witness({ ...out, protocols: tcp, dstPorts: PortSet.of(443), dst: AddressSet.parse(cidrs) }).split(' ')[4]!.replace(/:.*/, '');
    expect(dst('0.0.0.0/0')).toBe('1.0.0.0');
    expect(dst('10.0.0.0/8, 100.64.0.0/10, 20.150.0.0/16, 224.0.0.0/4')).toBe('20.150.0.0');
    expect(dst('10.1.0.0/16, 192.168.0.0/16')).toBe('10.1.0.0');
    // IPv6: public is global unicast, 2000::/3; reserved space below it is not.
    const v6 = (cidrs: string): string => witness({ ...out, protocols: tcp, dstPorts: PortSet.of(443), src: AddressSet.parse('fd00::/8'), dst: AddressSet.parse(cidrs) }).split(' ')[4]!;
    expect(v6('::/0')).toBe('[2000::]:443');
    expect(v6('100::/8, fe80::/10, 2603:1030::/32')).toBe('[2603:1030::]:443');
    expect(v6('2001:db8::/32, 2001:db9::/32')).toBe('[2001:db9::]:443');
  });

  it('the first address of a block, not some address inside it', () => {
    expect(witness({ ...out, protocols: tcp, dstPorts: PortSet.of(443), src: AddressSet.parse('172.16.8.0/21'), dst: AddressSet.parse('20.150.4.0/22, 20.150.64.0/18') })).toBe('out tcp 172.16.8.0:49152 -> 20.150.4.0:443');
    expect(witness({ ...out, protocols: tcp, dstPorts: PortSet.of(443), src: AddressSet.parse('fd00:1::/64'), dst: AddressSet.parse('2603:1030::/32') })).toBe('out tcp [fd00:1::]:49152 -> [2603:1030::]:443');
  });

  it('outbound before inbound; inbound reads the other way round (public source, private destination)', () => {
    expect(witness({ directions: ['in'], protocols: tcp, dstPorts: PortSet.of(443) }, { ...out, protocols: ProtocolSet.parse('udp'), dstPorts: PortSet.of(5000) })).toMatch(/^out udp /);
    expect(witness({ directions: ['in'], protocols: tcp, dstPorts: PortSet.of(22) })).toBe('in tcp 1.0.0.0:49152 -> 172.16.0.0:22');
  });

  it('IPv4 before IPv6; ICMPv6 echo request for IPv6, ICMP echo request for IPv4', () => {
    expect(witness({ ...out, protocols: tcp, dstPorts: PortSet.of(443) })).toBe('out tcp 172.16.0.0:49152 -> 1.0.0.0:443');
    const v6 = { ...out, protocols: ProtocolSet.parse('icmp,icmpv6'), src: AddressSet.parse('fd00::/8'), dst: AddressSet.parse('2603::/16') };
    expect(witness(v6)).toBe('out icmpv6 fd00:: -> 2603:: type=128 code=0');
    expect(witness({ ...out, protocols: ProtocolSet.parse('icmp,icmpv6') })).toBe('out icmp 172.16.0.0 -> 1.0.0.0 type=8 code=0');
  });

  it('no host name or path when the set allows a network-layer packet; the host or path when it must carry one', () => {
    const web = { ...out, protocols: tcp, dstPorts: PortSet.of(443) };
    expect(witness({ ...web, hosts: HostSet.fromPatterns(['pypi.org']).union(HostSet.NO_HOST) })).toBe('out tcp 172.16.0.0:49152 -> 1.0.0.0:443');
    expect(witness({ ...web, hosts: HostSet.fromPatterns(['pypi.org']) })).toBe('out tcp 172.16.0.0:49152 -> 1.0.0.0:443 host=pypi.org');
    expect(witness({ ...web, hosts: HostSet.fromPatterns(['*.blob.core.windows.net']) })).toMatch(/host=[a-z0-9-]+\.blob\.core\.windows\.net$/);
    expect(witness({ ...web, hosts: HostSet.fromPatterns(['github.com']), paths: PathSet.prefix('/Azure/') })).toBe('out tcp 172.16.0.0:49152 -> 1.0.0.0:443 host=github.com path=/Azure/');
    // Across boxes: a network-layer box beats a box that needs a host, everything else equal.
    expect(witness({ ...web, hosts: HostSet.fromPatterns(['pypi.org']), src: AddressSet.parse('172.16.0.0/24') }, { ...web, hosts: HostSet.NO_HOST, src: AddressSet.parse('172.16.1.0/24') })).toBe('out tcp 172.16.1.0:49152 -> 1.0.0.0:443');
  });

  it('every witness of a random packet set is in it and reads at least as well as every piece', () => {
    const snapshot = defaultSnapshot('Public');
    for (const resolver of [expandedResolver(snapshot), symbolicResolver(snapshot)]) {
      fc.assert(
        fc.property(packetSet({ resolver, tags: ['Storage.WestUS', 'AzureMonitor', 'VirtualNetwork', 'Internet'], urls: true }), (packets) => {
          const chosen = packets.witness();
          expect(chosen === undefined).toBe(packets.isEmpty());
          if (!chosen) return;
          expect(packets.has(chosen)).toBe(true);
          for (const piece of packets.pieces()) expect(PacketSet.compareWitnesses(chosen, piece.witness()!)).toBeLessThanOrEqual(0);
        }),
        { numRuns: 100, seed: 11 },
      );
    }
  });
});

describe('witnesses of the questions', () => {
  const rules = (name: string, ...matches: PacketSpec[]): RuleSet => ({
    name,
    mode: 'expanded',
    defaultAction: 'deny',
    rules: matches.map((spec, i) => ({ id: `${name}-${i}`, action: 'allow', match: set(spec) })),
  });
  const web = { ...out, protocols: ProtocolSet.parse('tcp,udp'), src: AddressSet.parse('172.16.0.0/24') };

  it('equivalent picks the most readable packet of both differences, whichever side it is on', () => {
    const a = rules('a', { ...web, dstPorts: PortSet.of(8080) });
    const b = rules('b', { ...web, dstPorts: PortSet.of(443), dst: AddressSet.parse('20.150.0.0/16') });
    const answer = equivalent(a, b);
    expect(answer.equivalent).toBe(false);
    if (answer.equivalent) return;
    expect(formatPacket(answer.witness)).toBe('out tcp 172.16.0.0:49152 -> 20.150.0.0:443');
    expect([answer.left.action, answer.right.action, answer.right.rule?.id]).toEqual(['deny', 'allow', 'b-0']);
  });

  it('difference lists pieces most readable first, and contains reports the first', () => {
    const a = rules('a', { ...web, dstPorts: PortSet.of(22), dst: AddressSet.parse('10.9.0.0/16') }, { ...web, dstPorts: PortSet.of(443), dst: AddressSet.parse('10.8.0.0/16') }, { ...web, dstPorts: PortSet.of(80), dst: AddressSet.parse('10.7.0.0/16') });
    const none = rules('none');
    expect(difference(a, none).pieces.map((piece) => formatPacket(piece.witness))).toEqual([
      'out tcp 172.16.0.0:49152 -> 10.8.0.0:443',
      'out tcp 172.16.0.0:49152 -> 10.7.0.0:80',
      'out tcp 172.16.0.0:49152 -> 10.9.0.0:22',
    ]);
    const answer = contains(none, a);
    expect(answer.contained ? undefined : formatPacket(answer.witness)).toBe('out tcp 172.16.0.0:49152 -> 10.8.0.0:443');
  });
});
