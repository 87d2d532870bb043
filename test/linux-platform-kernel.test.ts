/**
 * The README's main job (`render --scenario compute-no-public-ip --target nftables|iptables`) loaded on a host must
 * keep the Azure VM working (issue 17, item 5): DNS to 168.63.129.16, the WireServer, IMDS, DHCP, the load balancer's
 * health probes and ICMPv6 neighbour discovery/MLD pass, and nothing else changes: the same probes are dropped with
 * `platformFlows=none`, unrelated traffic stays dropped, and tagwall's `evaluate` of the rendered files agrees with
 * the kernel on every probe. Raw-socket probes as in the differential harness (test/support/kernel-probes.ts).
 */
import { describe, expect, it } from 'vitest';
import { expandedResolver } from '../src/analysis/resolve.js';
import { loadScenario } from '../src/catalogue/index.js';
import { formatPacket, type Packet } from '../src/model/packet.js';
import { defaultSnapshot } from '../src/servicetags/snapshot.js';
import { iptablesTarget } from '../src/targets/netfilter/iptables/index.js';
import { nftablesTarget } from '../src/targets/netfilter/nftables/index.js';
import type { Artifact } from '../src/targets/target.js';
import { disagreements, HOST, HostPair, kernelVerdicts, probesUnavailable } from './support/kernel-probes.js';
import { netnsUnavailable } from './support/netns.js';

const unavailable = netnsUnavailable() ?? probesUnavailable();
const skipNote = unavailable ? ` [skipped: ${unavailable}]` : '';
const snapshot = defaultSnapshot('Public');
const resolver = expandedResolver(snapshot);
const requirements = loadScenario('compute-no-public-ip', { region: 'westus', cloud: 'Public' });

const PLATFORM = '168.63.129.16';
const IMDS = '169.254.169.254';
const LINK_LOCAL = 'fe80::1';

let port = 41000;
const out4 = (protocol: 6 | 17, dst: string, dstPort: number, srcPort = port++): Packet => ({ direction: 'out', protocol, src: HOST.ipv4, dst, srcPort, dstPort });
const in4 = (protocol: 6 | 17, src: string, dstPort: number, srcPort = port++): Packet => ({ direction: 'in', protocol, src, dst: HOST.ipv4, srcPort, dstPort });
const icmp6 = (direction: 'in' | 'out', type: number): Packet =>
  direction === 'in' ? { direction, protocol: 58, src: LINK_LOCAL, dst: HOST.ipv6, icmp: { type, code: 0 } } : { direction, protocol: 58, src: HOST.ipv6, dst: LINK_LOCAL, icmp: { type, code: 0 } };

/** What an Azure VM needs (platform.ts), as first packets. */
const NEEDED: Readonly<Record<string, Packet>> = {
  'dns udp': out4(17, PLATFORM, 53),
  'dns tcp': out4(6, PLATFORM, 53),
  'wireserver 80': out4(6, PLATFORM, 80),
  'wireserver 32526': out4(6, PLATFORM, 32526),
  imds: out4(6, IMDS, 80),
  'dhcp discover (broadcast)': out4(17, '255.255.255.255', 67, 68),
  'dhcp renew': out4(17, PLATFORM, 67, 68),
  'dhcp reply': in4(17, PLATFORM, 68, 67),
  'health probe': in4(6, PLATFORM, 8080),
  'router solicitation out': icmp6('out', 133),
  'router advertisement in': icmp6('in', 134),
  'neighbour solicitation in': icmp6('in', 135),
  'neighbour solicitation out': icmp6('out', 135),
  'neighbour advertisement in': icmp6('in', 136),
  'neighbour advertisement out': icmp6('out', 136),
  'mld query in': icmp6('in', 130),
  'mld report out': icmp6('out', 143),
};

/** What stays dropped either way: other resolvers, other ports of the platform addresses, other sources. */
const UNRELATED: Readonly<Record<string, Packet>> = {
  'dns to 8.8.8.8': out4(17, '8.8.8.8', 53),
  'imds https': out4(6, IMDS, 443),
  'platform 443': out4(6, PLATFORM, 443),
  'ssh from the internet': in4(6, '8.8.8.8', 22),
  'dhcp reply from elsewhere': in4(17, '8.8.8.8', 68, 67),
  'udp from the platform': in4(17, PLATFORM, 5000),
  'echo request in': { direction: 'in', protocol: 58, src: LINK_LOCAL, dst: HOST.ipv6, icmp: { type: 128, code: 0 } },
};

const PACKETS = [...Object.values(NEEDED), ...Object.values(UNRELATED)];

function load(pair: HostPair, target: 'iptables' | 'nftables', artifacts: readonly Artifact[]): void {
  const file = (name: string): string => pair.host.file(name, artifacts.find((artifact) => artifact.name === name)!.content);
  if (target === 'nftables') {
    pair.host.run('nft', ['-f', file('tagwall.nft')]);
    return;
  }
  pair.host.run('ipset', ['restore', '-exist', '-file', file('ipsets.save')]);
  pair.host.run('iptables-restore', [file('iptables.rules')]);
  pair.host.run('ip6tables-restore', [file('ip6tables.rules')]);
}

describe.skipIf(unavailable !== undefined)(`the README's main job keeps an Azure VM working, in the kernel${skipNote}`, () => {
  for (const target of ['nftables', 'iptables'] as const) {
    for (const platformFlows of ['azure', 'none'] as const) {
      it(`${target}, platformFlows=${platformFlows}`, () => {
        const kit = target === 'nftables' ? nftablesTarget : iptablesTarget;
        const options = { platformFlows };
        const { artifacts } = kit.translate(requirements, { snapshot, resolver, options });
        const pair = new HostPair();
        try {
          load(pair, target, artifacts);
          pair.observe();
          const kernel = kernelVerdicts(pair, PACKETS);
          const verdicts = Object.fromEntries(PACKETS.map((packet, index) => [formatPacket(packet), kernel[index]]));
          for (const [name, packet] of Object.entries(NEEDED)) expect(verdicts[formatPacket(packet)], `${name} (${formatPacket(packet)})`).toBe(platformFlows === 'azure');
          for (const [name, packet] of Object.entries(UNRELATED)) expect(verdicts[formatPacket(packet)], `${name} (${formatPacket(packet)})`).toBe(false);
          // tagwall reads its own files as the kernel runs them, probe by probe.
          expect(disagreements(kit.parseArtifacts(artifacts, { resolver, options }), PACKETS, kernel)).toEqual([]);
        } finally {
          pair.delete();
        }
      }, 30_000);
    }
  }
});
