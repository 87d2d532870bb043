/**
 * `check` and `equiv` findings confirmed by the kernel (issue 17). For each Linux fixture the differential harness
 * loads (test/linux-differential.test.ts), `tagwall check --json` against fixtures/linux/host-needs.yaml (which the
 * fixture partly meets) and `tagwall equiv --json` against a modified copy (its first port-accepting rule swapped for
 * an mDNS one) are run through the CLI; the witness packet of every finding is sent through a namespace holding the
 * loaded ruleset(s) (test/support/kernel-probes.ts), and the kernel must decide it as the finding claims:
 * - `check` missing: the kernel drops it; extra and declared extra (platform flows): the kernel passes it;
 * - `equiv`: each ruleset, loaded in its own namespace, passes or drops it as the answer says (`left`/`right` for the
 *   witness, one passes and the other drops for `onlyLeft`/`onlyRight`).
 * Docker's filter table is judged in its router view (`chainHook=forward`, docker0 inside, eth0 outside; the
 * published-port fixture with `nat=filter-view`) against fixtures/linux/container-needs.yaml, in RouterHosts: a
 * router namespace forwarding between an outside peer and a container, observed on its forward hook.
 *
 * What the harness can send: first packets only, with the conntrack state the kernel gives a first packet of its
 * kind (a SYN, a datagram, an ICMP query: NEW; an unsolicited ICMP error or echo reply: INVALID; neighbour discovery
 * and MLD: UNTRACKED), from any remote address, to or from an address the host owns. So a witness is sent as printed
 * when it can be, and otherwise replaced by a packet of the same finding (tagwall decides it by the same rules in
 * every ruleset involved, which is checked before it is sent):
 * - its host-side address (the destination of `in`, the source of `out`) is added to the host's eth0 (a multicast
 *   destination with `autojoin`) and routed to from the peer; one that cannot be a host address (127.0.0.0/8, ::1,
 *   0.0.0.0 as a destination, …) is replaced by the host's own;
 * - a remote address the kernel drops as martian before any filter (0.0.0.0/8, 127.0.0.0/8, multicast or 240.0.0.0/4
 *   sources, ::, ::1) is replaced by a documentation address;
 * - an INVALID witness of a kind whose first packet is not INVALID is sent with a bad checksum, which conntrack
 *   calls INVALID (nf_conntrack_checksum=1, the default);
 * - a state the harness cannot give (ESTABLISHED or RELATED: no earlier flow; UNTRACKED TCP: no notrack rule; NEW for
 *   an ICMP error, which the kernel never gives one) is replaced by the first-packet state when that packet belongs to
 *   the same finding.
 * A witness for which no such packet exists is not sent; the test names each one and checks it is only for that
 * reason (its state), so nothing is skipped silently.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/analysis/questions.js';
import { expandedResolver, requirementsRuleSet } from '../src/analysis/resolve.js';
import type { RuleSet } from '../src/analysis/rule-set.js';
import { loadRequirementsFile } from '../src/catalogue/index.js';
import { AddressSet } from '../src/model/address-set.js';
import { firstPacketState, formatPacket, packetState, parsePacket, type Packet } from '../src/model/packet.js';
import { defaultSnapshot } from '../src/servicetags/snapshot.js';
import { iptablesTarget } from '../src/targets/netfilter/iptables/index.js';
import { nftablesTarget } from '../src/targets/netfilter/nftables/index.js';
import { tagwall } from './support/cli.js';
import { HOST, HOST_INTERFACE, HostPair, kernelVerdicts, probesUnavailable, RouterHosts, type ProbeHosts, type ProbeShape } from './support/kernel-probes.js';
import { netnsUnavailable } from './support/netns.js';

const unavailable = netnsUnavailable() ?? probesUnavailable();
const skipNote = unavailable ? ` [skipped: ${unavailable}]` : '';
const resolver = expandedResolver(defaultSnapshot('Public'));
const NEEDS = 'fixtures/linux/host-needs.yaml';
const required = requirementsRuleSet(loadRequirementsFile(NEEDS), resolver);
const CONTAINER_NEEDS = 'fixtures/linux/container-needs.yaml';
const containerRequired = requirementsRuleSet(loadRequirementsFile(CONTAINER_NEEDS), resolver);
const fixture = (name: string): string => readFileSync(`fixtures/linux/${name}`, 'utf8');

interface Fixture {
  readonly target: 'iptables' | 'nftables';
  /** `router`: Docker's forward view, in RouterHosts (the container side on docker0) against container-needs.yaml. */
  readonly view?: 'router';
  /** Target options beyond `interface=eth0` (the router view's are ROUTER_OPTIONS). */
  readonly options?: Readonly<Record<string, string>>;
  /** iptables: the IPv4 file, and an IPv6 one read with it; nftables: the ruleset file. */
  readonly file: string;
  readonly v6?: string;
  readonly ipset?: string;
}

const FIXTURES: readonly Fixture[] = [
  { target: 'iptables', file: 'debian-host.rules', v6: 'debian-host-v6.rules' },
  { target: 'iptables', file: 'ufw-host.rules' },
  { target: 'iptables', file: 'services-ports.rules' },
  { target: 'iptables', file: 'hand-written.rules', ipset: 'hand-written.ipset' },
  { target: 'nftables', file: 'workstation.nft' },
  { target: 'nftables', file: 'hand-written.nft' },
  { target: 'nftables', file: 'arch-default.nft' },
  { target: 'nftables', file: 'wiki-server.nft' },
  { target: 'iptables', file: 'docker-host.rules', ipset: 'docker-host.ipset', view: 'router' },
  { target: 'iptables', file: 'docker-published.rules', view: 'router', options: { nat: 'filter-view' } },
];

/** Docker's filter table as a router judges it: docker0 the workload side, eth0 the other (docs/targets/linux.md). */
const ROUTER_OPTIONS = { chainHook: 'forward', interface: 'docker0', outsideInterface: HOST_INTERFACE } as const;
const optionsOf = (entry: Fixture): Readonly<Record<string, string>> => ({ ...(entry.view === 'router' ? ROUTER_OPTIONS : { interface: HOST_INTERFACE }), ...entry.options });
const needsOf = (entry: Fixture): string => (entry.view === 'router' ? CONTAINER_NEEDS : NEEDS);

/** The copy `equiv` compares with: the first rule accepting a port gives way to one accepting mDNS (udp 5353). */
function modified(entry: Fixture, text: string): string {
  const [pattern, replacement] =
    entry.target === 'iptables'
      ? [/^-A (\S+) .*--dports? .*-j ACCEPT$/m, (_line: string, chain: string) => `-A ${chain} -p udp -m udp --dport 5353 -j ACCEPT`]
      : [/^(\s*)\S.*\bdport\b.*\baccept\b.*$/m, (_line: string, indent: string) => `${indent}udp dport 5353 accept`];
  const changed = text.replace(pattern, replacement);
  expect(changed, `${entry.file}: no port-accepting rule to swap`).not.toBe(text);
  return changed;
}

/** One ruleset of a fixture: the texts the kernel loads and the one file tagwall reads (both families at once). */
interface Ruleset {
  readonly main: string;
  readonly v6?: string;
}

const configText = (ruleset: Ruleset): string => ruleset.main + (ruleset.v6 ?? '');

function load(pair: ProbeHosts, entry: Fixture, ruleset: Ruleset): void {
  if (entry.target === 'nftables') {
    pair.host.run('nft', ['-f', pair.host.file('ruleset.nft', ruleset.main)]);
    return;
  }
  if (entry.ipset) pair.host.run('ipset', ['restore', '-file', pair.host.file('sets', fixture(entry.ipset))]);
  pair.host.run('iptables-restore', [pair.host.file('v4.rules', ruleset.main)]);
  if (ruleset.v6) pair.host.run('ip6tables-restore', [pair.host.file('v6.rules', ruleset.v6)]);
}

function parse(entry: Fixture, text: string, file: string): RuleSet {
  const context = { resolver, options: optionsOf(entry) };
  if (entry.target === 'nftables') return nftablesTarget.parse({ content: text, file }, context);
  return iptablesTarget.parse({ content: text, file, ...(entry.ipset ? { companions: { ipsets: { content: fixture(entry.ipset), file: entry.ipset } } } : {}) }, context);
}

/** A finding's claim on one packet: what each ruleset ('a': the fixture, 'b': the modified copy) does with it. */
interface Claim {
  readonly finding: string;
  readonly witness: string;
  readonly passes: { readonly a?: boolean; readonly b?: boolean };
}

interface Group {
  readonly rule: { readonly name?: string } | null;
  readonly witness: { readonly text: string };
}

function cli(...argv: string[]): unknown {
  const result = tagwall(...argv);
  expect(result.code, result.stderr).toBe(1);
  return JSON.parse(result.stdout);
}

function claimsOf(entry: Fixture, files: { a: string; b: string }): Claim[] {
  const companions = entry.ipset ? ['--ipsets', `fixtures/linux/${entry.ipset}`] : [];
  const common = [...Object.entries(optionsOf(entry)).flatMap(([key, value]) => ['--option', `${key}=${value}`]), ...companions, '--json'];
  const check = cli('check', '--target', entry.target, '--requirements', needsOf(entry), '--config', files.a, ...common) as {
    missing: Group[];
    extra: Group[];
    declaredExtra?: { boxes: Array<{ witness: string }> };
  };
  const equiv = cli('equiv', `${entry.target}:${files.a}`, `${entry.target}:${files.b}`, ...common) as {
    witness: string;
    left: { action: string };
    right: { action: string };
    onlyLeft: Group[];
    onlyRight: Group[];
  };
  const name = (group: Group): string => group.rule?.name ?? 'replies';
  return [
    ...check.missing.map((group) => ({ finding: `check missing ${name(group)}`, witness: group.witness.text, passes: { a: false } })),
    ...check.extra.map((group) => ({ finding: `check extra ${name(group)}`, witness: group.witness.text, passes: { a: true } })),
    ...(check.declaredExtra?.boxes ?? []).map((box) => ({ finding: 'check declared extra (platform flow)', witness: box.witness, passes: { a: true } })),
    { finding: 'equiv witness', witness: equiv.witness, passes: { a: equiv.left.action === 'allow', b: equiv.right.action === 'allow' } },
    ...equiv.onlyLeft.map((group) => ({ finding: `equiv only-left ${name(group)}`, witness: group.witness.text, passes: { a: true, b: false } })),
    ...equiv.onlyRight.map((group) => ({ finding: `equiv only-right ${name(group)}`, witness: group.witness.text, passes: { a: false, b: true } })),
  ];
}

// ─── from a witness to a packet the harness can send ─────────────────────────────────────────────────────

const inRange = (address: string, cidrs: string): boolean => AddressSet.parse(cidrs).intersection(AddressSet.parse(address)).isEmpty() === false;
const family = (address: string): 'ipv4' | 'ipv6' => (address.includes(':') ? 'ipv6' : 'ipv4');
/** Sources the kernel drops as martian before the filter (ip_route_input_slow, ip6_rcv_core). */
const MARTIAN_SOURCE = '0.0.0.0/8, 127.0.0.0/8, 224.0.0.0/3, ::/128, ::1/128, ff00::/8, ::ffff:0.0.0.0/96';
/** Host-side addresses that cannot be added to eth0 as the host's own. */
const NOT_A_HOST_ADDRESS = '0.0.0.0/8, 127.0.0.0/8, 240.0.0.0/4, ::/128, ::1/128, ::ffff:0.0.0.0/96';
const STAND_IN_REMOTE = { ipv4: '198.51.100.99', ipv6: '2001:db8:ffff::99' } as const;
/** The container in RouterHosts, and what the router itself owns (delivered to it, never forwarded). */
const CONTAINER = { ipv4: '172.17.0.2', ipv6: 'fd17::2' } as const;
const ROUTER_OWN = `${NOT_A_HOST_ADDRESS}, 224.0.0.0/4, ff00::/8, 255.255.255.255, 10.0.0.0, 10.0.0.4, 10.255.255.255, 172.17.0.0, 172.17.0.1, 172.17.255.255, fd00::, fd00::4, fd17::, fd17::1`;

interface Sendable {
  readonly packet: Packet;
  /** Host-side addresses to add to the host (and route to from the peer). */
  readonly adopt: readonly string[];
  /** Why it differs from the witness as printed, when it does. */
  readonly changed: readonly string[];
  /** How the probe is made (a bad checksum for an INVALID witness). */
  readonly shape: ProbeShape;
}

/** The witness as the harness can send it, or the reason it cannot be sent. */
function sendable(claim: Claim, rulesets: { a: RuleSet; b: RuleSet }, view: Fixture['view']): Sendable | string {
  const witness = parsePacket(claim.witness);
  const decided = (packet: Packet): string =>
    [view === 'router' ? containerRequired : required, rulesets.a, rulesets.b].map((ruleSet) => {
      const verdict = evaluate(ruleSet, packet);
      return `${verdict.action}:${verdict.rule?.id ?? 'default'}`;
    }).join(' ');
  const changed: string[] = [];
  let packet: Packet = witness;
  const hostSide = witness.direction === 'in' ? 'dst' : 'src';
  const remoteSide = witness.direction === 'in' ? 'src' : 'dst';
  const own = packet[hostSide];
  const adopt: string[] = [];
  if (view === 'router') {
    // The container side: its own subnet is on docker0; anything else is routed there (adopt), but an address the
    // router owns (its own, a subnet-router anycast, a broadcast) would be delivered to the router, not forwarded.
    if (inRange(own, ROUTER_OWN)) {
      packet = { ...packet, [hostSide]: CONTAINER[family(own)] };
      changed.push(`container address ${own} -> ${CONTAINER[family(own)]}`);
    } else if (!inRange(own, '172.17.0.0/16, fd17::/64')) adopt.push(own);
  } else if (own === HOST[family(own)] || (hostSide === 'dst' && own === '255.255.255.255') || (hostSide === 'src' && own === '0.0.0.0')) {
    // As printed: the host's address, a broadcast it receives, a DHCP client's unspecified source.
  } else if (inRange(own, NOT_A_HOST_ADDRESS)) {
    packet = { ...packet, [hostSide]: HOST[family(own)] };
    changed.push(`host address ${own} -> ${HOST[family(own)]}`);
  } else {
    adopt.push(own);
  }
  const remote = packet[remoteSide];
  if ((remoteSide === 'src' && inRange(remote, MARTIAN_SOURCE)) || (remoteSide === 'dst' && inRange(remote, '0.0.0.0/8, 127.0.0.0/8, ::/128, ::1/128')) || (view === 'router' && inRange(remote, ROUTER_OWN))) {
    packet = { ...packet, [remoteSide]: STAND_IN_REMOTE[family(remote)] };
    changed.push(`remote address ${remote} -> ${STAND_IN_REMOTE[family(remote)]}`);
  }
  const first = firstPacketState(packet.protocol, packet.icmp?.type, family(packet.src));
  // An INVALID packet the harness can make: a bad checksum (nf_conntrack_checksum=1, the default) is INVALID for
  // TCP, UDP, ICMP and ICMPv6 alike (test/linux-docs-claims.test.ts checks it for UDP).
  if (packetState(packet) === 'invalid' && first !== 'invalid' && [1, 6, 17, 58].includes(packet.protocol)) {
    if (changed.length > 0 && decided(packet) !== decided(witness)) return `state=invalid: the packet with the harness's addresses is not in this finding`;
    return { packet, adopt, changed: [...changed, 'sent with a bad checksum (INVALID)'], shape: { badChecksum: true } };
  }
  if (packetState(packet) !== first) {
    const { state, ...stateless } = packet;
    packet = stateless;
    changed.push(`state=${state} -> ${first} (a first packet)`);
  }
  if (changed.length > 0 && decided(packet) !== decided(witness)) return `state=${packetState(witness)}: a ${first.toUpperCase()} first packet is not in this finding, and the harness sends first packets only`;
  return { packet, adopt, changed, shape: {} };
}

describe.skipIf(unavailable !== undefined)(`check and equiv findings on the Linux fixtures, confirmed by the kernel${skipNote}`, () => {
  for (const entry of FIXTURES) {
    it(`${entry.target} ${entry.file}${entry.v6 ? ` + ${entry.v6}` : ''}: every finding's witness is decided by the kernel as the finding says`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'tagwall-findings-'));
      const a: Ruleset = { main: fixture(entry.file), ...(entry.v6 ? { v6: fixture(entry.v6) } : {}) };
      const b: Ruleset = { ...a, main: modified(entry, a.main) };
      const files = { a: join(dir, `a-${entry.file}`), b: join(dir, `b-${entry.file}`) };
      writeFileSync(files.a, configText(a));
      writeFileSync(files.b, configText(b));
      const rulesets = { a: parse(entry, configText(a), files.a), b: parse(entry, configText(b), files.b) };
      const claims = claimsOf(entry, files);
      // Both kinds of check finding and both sides of equiv are there to confirm.
      expect(claims.some((claim) => claim.finding.startsWith('check missing'))).toBe(true);
      expect(claims.some((claim) => claim.finding.startsWith('check extra'))).toBe(true);
      expect(claims.some((claim) => claim.finding.startsWith('equiv only-'))).toBe(true);

      const plans = claims.map((claim) => ({ claim, send: sendable(claim, rulesets, entry.view) }));
      const unsent = plans.filter((plan) => typeof plan.send === 'string').map((plan) => `${plan.claim.finding}: ${plan.claim.witness}: ${plan.send as string}`);
      // Not sent only for a state no first packet has (named here so a run shows them).
      for (const line of unsent) expect(line).toMatch(/: state=(established|related|new|untracked): a [A-Z]+ first packet is not in this finding|: state=invalid: the packet with the harness's addresses/);
      const sent = plans.filter((plan): plan is { claim: Claim; send: Sendable } => typeof plan.send !== 'string');
      expect(sent.length).toBeGreaterThan(unsent.length);
      // tagwall's own verdict on the packet sent is the finding's claim (a substitute stays in the finding).
      for (const { claim, send } of sent) {
        for (const side of ['a', 'b'] as const) {
          if (claim.passes[side] === undefined) continue;
          expect(evaluate(rulesets[side], send.packet).action === 'allow', `${claim.finding}: ${formatPacket(send.packet)} in ${side}`).toBe(claim.passes[side]);
        }
      }

      const results: string[] = [];
      const expected: string[] = [];
      for (const side of ['a', 'b'] as const) {
        const mine = sent.filter(({ claim }) => claim.passes[side] !== undefined);
        const key = (send: Sendable): string => `${formatPacket(send.packet)}${send.shape.badChecksum ? ' (bad checksum)' : ''}`;
        const unique = [...new Map(mine.map(({ send }) => [key(send), send])).values()];
        const pair = entry.view === 'router' ? new RouterHosts() : new HostPair();
        try {
          load(pair, entry, side === 'a' ? a : b);
          for (const address of new Set(mine.flatMap(({ send }) => send.adopt))) pair.adopt(address);
          pair.observe();
          const verdicts = new Map(kernelVerdicts(pair, unique.map((send) => send.packet), unique.map((send) => send.shape)).map((passed, index) => [key(unique[index]!), passed]));
          for (const { claim, send } of mine) {
            const label = `${side}: ${claim.finding}: ${formatPacket(send.packet)}${send.changed.length ? ` (sent for ${claim.witness}: ${send.changed.join(', ')})` : ''}`;
            results.push(`${label}: kernel ${verdicts.get(key(send)) ? 'passes' : 'drops'}`);
            expected.push(`${label}: kernel ${claim.passes[side] ? 'passes' : 'drops'}`);
          }
        } finally {
          pair.delete();
        }
      }
      expect(results).toEqual(expected);
    }, 60_000);
  }
});
