/**
 * The kernel as the oracle (issue 17): each ruleset kind is loaded into a host namespace and a few hundred crafted
 * first packets (TCP, UDP, ICMP and ICMPv6 types, GRE; in and out; IPv4 and IPv6) are sent across a veth link.
 * Whether each got past the host's filter chains is compared with tagwall's `evaluate` on the same packet, with the
 * connection-tracking state the packet model gives a first packet. Skipped, with the reason, without root, netfilter
 * tools or python3.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expandedResolver } from '../src/analysis/resolve.js';
import type { RuleSet } from '../src/analysis/rule-set.js';
import { AddressSet } from '../src/model/address-set.js';
import { formatPacket, parsePacket, type Packet } from '../src/model/packet.js';
import { PortSet, ProtocolSet } from '../src/model/ports.js';
import type { Endpoint, Requirement, RequirementSet } from '../src/model/requirement.js';
import { defaultSnapshot } from '../src/servicetags/snapshot.js';
import { iptablesTarget } from '../src/targets/netfilter/iptables/index.js';
import { nftablesTarget } from '../src/targets/netfilter/nftables/index.js';
import { disagreements, HOST_INTERFACE, HostPair, kernelVerdicts, probesUnavailable, probeUniverse, RouterHosts, type ProbeHosts, type ProbeUniverse } from './support/kernel-probes.js';
import { netnsUnavailable } from './support/netns.js';

const unavailable = netnsUnavailable() ?? probesUnavailable();
const skipNote = unavailable ? ` [skipped: ${unavailable}]` : '';
const snapshot = defaultSnapshot('Public');
const resolver = expandedResolver(snapshot);
const fixture = (name: string): string => readFileSync(new URL(`../fixtures/linux/${name}`, import.meta.url), 'utf8');

/** Addresses and ports the fixtures name, and some they do not. */
const UNIVERSE: ProbeUniverse = {
  remotes: {
    ipv4: ['8.8.8.8', '192.0.2.9', '198.51.100.7', '198.51.100.20', '10.9.9.9', '192.168.1.7', '203.0.113.9', '20.150.1.1'],
    ipv6: ['2001:db8::1', '2001:db8:10::5', 'fe80::1', '2603:1000::1', 'fd00::9'],
  },
  tcpPorts: [22, 25, 80, 443, 8080, 8085, 9100, 5201],
  udpPorts: [53, 68, 123, 137, 161, 546, 5353],
  // A fresh port, and 67: a DHCP server's reply (ufw accepts udp 67 -> 68 before anything else).
  udpSourcePorts: [0, 67],
  // The host's other local addresses: DHCPv6 to its link-local address, mDNS and UPnP groups, all-nodes router
  // advertisements and MLD queries, the IPv4 broadcast (DHCP), all-hosts ping; and what a host sends to them.
  extra: [
    ...[
      'in udp [fe80::1]:547 -> [fe80::4]:546',
      'in udp [fe80::1]:40001 -> [fe80::4]:53',
      'in udp [fe80::1]:5353 -> [ff02::fb]:5353',
      'in udp [2001:db8::1]:5353 -> [ff02::fb]:5353',
      'in udp [fe80::1]:40002 -> [ff02::f]:1900',
      'in icmpv6 fe80::1 -> ff02::1 type=134',
      'in icmpv6 fe80::1 -> ff02::1 type=130',
      'in udp 10.9.9.9:5353 -> 224.0.0.251:5353',
      'in udp 192.168.1.7:40003 -> 239.255.255.250:1900',
      'in udp 10.0.0.2:67 -> 255.255.255.255:68',
      'in udp 10.9.9.9:68 -> 255.255.255.255:67',
      'in icmp 10.9.9.9 -> 224.0.0.1 type=8',
      'out udp [fe80::4]:546 -> [ff02::1:2]:547',
      'out icmpv6 fe80::4 -> ff02::16 type=143',
      'out udp 10.0.0.4:68 -> 255.255.255.255:67',
    ].map((text) => parsePacket(text)),
  ],
};
const PACKETS = probeUniverse(UNIVERSE);
/** For firewalld's ruleset: cockpit's port, and a 6to4 address of 10.0.0.0/8 (its RFC 3964 reject). */
const FIREWALLD_PACKETS = probeUniverse({
  ...UNIVERSE,
  remotes: { ...UNIVERSE.remotes, ipv6: [...UNIVERSE.remotes.ipv6, '2002:a00::1'] },
  tcpPorts: [...UNIVERSE.tcpPorts, 546, 9090],
});
/**
 * Through a router (Docker's forward view) to and from the container: the same remotes but a link-local one, which
 * a router never forwards (ip6_forward drops a link-local source before the forward hook), and none of the host's
 * own link-local, multicast or broadcast probes.
 */
const ROUTED_PACKETS = probeUniverse({ ...UNIVERSE, extra: [], remotes: { ...UNIVERSE.remotes, ipv6: UNIVERSE.remotes.ipv6.filter((remote) => !remote.startsWith('fe80:')) }, local: { ipv4: '172.17.0.2', ipv6: 'fd17::2' } });

interface Case {
  readonly name: string;
  /** A router and its two sides instead of a host and its peer (Docker's forward view). */
  readonly routed?: boolean;
  /** Loads the ruleset into the host namespace. */
  load(pair: ProbeHosts): void;
  /** The same ruleset as tagwall reads it. */
  parse(): RuleSet;
  /** The probes, if not the common ones. */
  readonly packets?: readonly Packet[];
}

const iptablesCase = (name: string, v4: string, v6: string | undefined, ipset?: string, routed?: Readonly<Record<string, string>>): Case => ({
  name,
  ...(routed ? { routed: true } : {}),
  load: (pair) => {
    if (ipset) pair.host.run('ipset', ['restore', '-file', pair.host.file('sets', fixture(ipset))]);
    pair.host.run('iptables-restore', [pair.host.file('v4.rules', fixture(v4))]);
    if (v6) pair.host.run('ip6tables-restore', [pair.host.file('v6.rules', fixture(v6))]);
  },
  parse: () =>
    iptablesTarget.parse(
      {
        content: fixture(v4),
        file: v4,
        companions: { ...(v6 ? { ip6tables: { content: fixture(v6), file: v6 } } : {}), ...(ipset ? { ipsets: { content: fixture(ipset), file: ipset } } : {}) },
      },
      { resolver, options: routed ?? { interface: HOST_INTERFACE } },
    ),
});
/**
 * `ufw limit 22/tcp` instead of `ufw allow 22/tcp` (recent --set, then recent --update … --hitcount 6 to
 * ufw-user-limit): read with rates=under, as the first SYNs of a fresh source are (the harness sends fewer than six
 * per source within ufw's 30 seconds, so the kernel's recent table never reaches the limit either).
 */
const ufwLimitUnder: Case = {
  name: 'ufw limit 22/tcp (recent --update --hitcount 6), read with rates=under',
  load: (pair) => {
    pair.host.run('iptables-restore', [pair.host.file('v4.rules', fixture('ufw-limit.rules'))]);
    pair.host.run('ip6tables-restore', [pair.host.file('v6.rules', fixture('ufw-host-v6.rules'))]);
  },
  parse: () =>
    iptablesTarget.parse(
      { content: fixture('ufw-limit.rules'), file: 'ufw-limit.rules', companions: { ip6tables: { content: fixture('ufw-host-v6.rules'), file: 'ufw-host-v6.rules' } } },
      { resolver, options: { interface: HOST_INTERFACE, rates: 'under' } },
    ),
};
/** Docker's filter table as a router judges it (docs/targets/linux.md): docker0 the workload side, eth0 the other. */
const DOCKER_VIEW = { chainHook: 'forward', interface: 'docker0', outsideInterface: HOST_INTERFACE } as const;

const nftCase = (name: string, text: () => string, file: string, packets?: readonly Packet[]): Case => ({
  name,
  ...(packets ? { packets } : {}),
  load: (pair) => void pair.host.run('nft', ['-f', pair.host.file('ruleset.nft', text())]),
  parse: () => nftablesTarget.parse({ content: text(), file }, { resolver, options: { interface: HOST_INTERFACE } }),
});

/** An nft ruleset loaded from text and read back by tagwall from the kernel's `nft -j list ruleset`. */
const nftJsonCase = (name: string, file: string, packets?: readonly Packet[], listing: 'json' | 'text' = 'json'): Case => {
  let dumped: string | undefined;
  return {
    name,
    ...(packets ? { packets } : {}),
    load: (pair) => {
      pair.host.run('nft', ['-f', pair.host.file('ruleset.nft', fixture(file))]);
      dumped = pair.host.run('nft', listing === 'json' ? ['-j', 'list', 'ruleset'] : ['list', 'ruleset']);
    },
    parse: () => nftablesTarget.parse({ content: dumped!, file: `${file}.${listing === 'json' ? 'json' : 'listed'}` }, { resolver, options: { interface: HOST_INTERFACE } }),
  };
};

/** Requirements on the probed addresses: SSH in from a /24, HTTPS and DNS out, ping both ways, and the service tag. */
const addresses = (text: string): Endpoint => ({ kind: 'addresses', addresses: AddressSet.parse(text) });
const requirement = (id: string, fields: Partial<Requirement>): Requirement => ({
  id,
  direction: 'out',
  protocols: ProtocolSet.parse('tcp'),
  ports: PortSet.ANY,
  sources: [{ kind: 'any' }],
  destinations: [{ kind: 'any' }],
  purpose: id,
  conditions: [],
  provenance: [],
  ...fields,
});
const HOST_REQUIREMENTS: RequirementSet = {
  name: 'differential',
  requirements: [
    requirement('ssh-in', { direction: 'in', ports: PortSet.of(22), sources: [addresses('192.0.2.0/24, 2001:db8::/48')] }),
    requirement('https-out', { ports: PortSet.of(443), destinations: [addresses('20.150.0.0/16, 2603:1000::/24')] }),
    requirement('dns-out', { protocols: ProtocolSet.parse('udp'), ports: PortSet.of(53) }),
    requirement('ping-out', { protocols: ProtocolSet.parse('icmp,icmpv6'), icmp: [{ type: 8 }, { type: 128 }] }),
    requirement('ping-in', { direction: 'in', protocols: ProtocolSet.parse('icmp'), icmp: [{ type: 8 }] }),
    requirement('storage-out', { destinations: [{ kind: 'service-tag', name: 'Storage.WestUS' }], ports: PortSet.of(443) }),
  ],
};

const generated = (target: typeof nftablesTarget | typeof iptablesTarget) =>
  target.translate(HOST_REQUIREMENTS, { snapshot, resolver, options: {} }).artifacts;
const artifactNamed = (target: typeof iptablesTarget, name: string): string => generated(target).find((artifact) => artifact.name === name)!.content;

const tagwallIptables: Case = {
  name: 'tagwall iptables output (sets, both families)',
  load: (pair) => {
    pair.host.run('ipset', ['restore', '-exist', '-file', pair.host.file('sets', artifactNamed(iptablesTarget, 'ipsets.save'))]);
    pair.host.run('iptables-restore', [pair.host.file('v4.rules', artifactNamed(iptablesTarget, 'iptables.rules'))]);
    pair.host.run('ip6tables-restore', [pair.host.file('v6.rules', artifactNamed(iptablesTarget, 'ip6tables.rules'))]);
  },
  parse: () => iptablesTarget.parseArtifacts(generated(iptablesTarget), { resolver, options: {} }),
};

const CASES: Case[] = [
  iptablesCase('iptables-nft dump of a Debian host (conntrack INVALID drop, ICMP types, a chain that returns)', 'debian-host.rules', 'debian-host-v6.rules'),
  iptablesCase(
    'ufw (default deny incoming; allow 22/tcp, 80,443/tcp, 5201/tcp from 192.0.2.0/24 and 2001:db8::/48), both families: addrtype, limit, LOG chains, rt type 0, hl 255 neighbour discovery',
    'ufw-host.rules',
    'ufw-host-v6.rules',
  ),
  iptablesCase('limit modules where no first packet can tell (hashlimit, recent --set, connlimit, ttl, rt, hl on ND/MLD)', 'limits.rules', 'limits-v6.rules'),
  iptablesCase('service names, multiport --ports (either side, negated), pkttype, --syn and --tcp-flags, INVALID drops', 'services-ports.rules', undefined),
  iptablesCase('iptables dump with ipsets and no IPv6 section (the kernel accepts all IPv6)', 'hand-written.rules', undefined, 'hand-written.ipset'),
  nftCase('nftables workstation (ct state vmap, ICMP errors, reject)', () => fixture('workstation.nft'), 'workstation.nft'),
  nftCase('hand-written nftables', () => fixture('hand-written.nft'), 'hand-written.nft'),
  nftCase("Arch Linux's default nftables.conf (ssh by name, pkttype, a limited reject, no output chain)", () => fixture('arch-default.nft'), 'arch-default.nft'),
  nftCase('nftables wiki-style server (meta protocol vmap to per-family chains, service names)', () => fixture('wiki-server.nft'), 'wiki-server.nft'),
  nftJsonCase('nft -j list ruleset of the wiki-style server (JSON input)', 'wiki-server.nft'),
  nftJsonCase('nft -j list ruleset of the workstation ruleset (JSON input)', 'workstation.nft'),
  nftJsonCase("nft -j list ruleset of Arch's default (JSON input)", 'arch-default.nft'),
  nftJsonCase('nft -j list ruleset of the hand-written ruleset (JSON input)', 'hand-written.nft'),
  iptablesCase("Docker's filter table in its router view (DOCKER-USER egress ipset, a published port)", 'docker-host.rules', undefined, 'docker-host.ipset', DOCKER_VIEW),
  iptablesCase("Docker with a published port, nat=filter-view (the forward chain sees the DNAT'd container address)", 'docker-published.rules', undefined, undefined, { ...DOCKER_VIEW, nat: 'filter-view' }),
  nftCase('tagwall nftables output', () => generated(nftablesTarget)[0]!.content, 'tagwall.nft'),
  // Issue 17, nftables side: firewalld's own table (prerouting rpfilter, ct status dnat, nat chains, zone gotos),
  // and TCP flags, ct status, fib, meta mark, meters, dynamic sets and quotas, each also as nft lists it back.
  nftCase('firewalld 1.3 zone public (ssh, dhcpv6-client, cockpit, 8080/tcp): rpfilter fib, ct status dnat, nat chains', () => fixture('firewalld-public.nft'), 'firewalld-public.nft', FIREWALLD_PACKETS),
  nftJsonCase('nft -j list ruleset of the firewalld ruleset (JSON input)', 'firewalld-public.nft', FIREWALLD_PACKETS),
  nftCase('nft constructs: tcp flags, ct status, fib, meta mark, meter, dynamic sets, quota, byte rates', () => fixture('nft-constructs.nft'), 'nft-constructs.nft'),
  nftJsonCase('nft list ruleset of the constructs ruleset (as nft prints them: syn / fin,syn,rst,ack)', 'nft-constructs.nft', undefined, 'text'),
  nftJsonCase('nft -j list ruleset of the constructs ruleset (JSON input)', 'nft-constructs.nft'),
  ufwLimitUnder,
  tagwallIptables,
];

describe.skipIf(unavailable !== undefined)(`kernel vs evaluate, packet by packet${skipNote}`, () => {
  it(`delivers every one of the ${PACKETS.length} probes to the observer when no rule filters (else a drop proves nothing)`, () => {
    const hosts = new HostPair();
    try {
      hosts.observe();
      const kernel = kernelVerdicts(hosts, PACKETS);
      expect(PACKETS.filter((_, index) => !kernel[index]).map((packet) => formatPacket(packet))).toEqual([]);
    } finally {
      hosts.delete();
    }
  }, 60_000);

  for (const entry of CASES) {
    const packets = entry.packets ?? (entry.routed ? ROUTED_PACKETS : PACKETS);
    it(`${entry.name}: ${packets.length} first packets`, () => {
      const hosts = entry.routed ? new RouterHosts() : new HostPair();
      try {
        entry.load(hosts);
        hosts.observe();
        const kernel = kernelVerdicts(hosts, packets);
        // The harness must see both verdicts, or it proves nothing.
        expect(kernel.some(Boolean)).toBe(true);
        expect(kernel.some((passed) => !passed)).toBe(true);
        const ruleSet = entry.parse();
        expect(disagreements(ruleSet, packets, kernel)).toEqual([]);
      } finally {
        hosts.delete();
      }
    }, 60_000);
  }
});
