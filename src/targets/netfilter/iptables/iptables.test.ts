import fc from 'fast-check';
import { goldenFile } from '../../../../test/support/golden.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { thrownError as error } from '../../../../test/support/errors.js';
import { expandedResolver } from '../../../analysis/resolve.js';
import { redundant, shadowed } from '../../../analysis/questions.js';
import { allowedPackets } from '../../../analysis/rule-set.js';
import { loadScenario, SCENARIOS } from '../../../catalogue/index.js';
import { TagwallError } from '../../../errors.js';
import { AddressSet } from '../../../model/address-set.js';
import { parsePacket } from '../../../model/packet.js';
import { PacketSet } from '../../../model/packet-set.js';
import { PortSet, ProtocolSet } from '../../../model/ports.js';
import type { Requirement, RequirementSet } from '../../../model/requirement.js';
import { defaultSnapshot } from '../../../servicetags/snapshot.js';
import { iptablesTarget, parseIpsetSave } from './index.js';
import { multiportGroups, setSizes } from './render.js';

const snapshot = defaultSnapshot('Public');
const resolver = expandedResolver(snapshot);
const fixture = (name: string): string => readFileSync(new URL(`../../../../fixtures/linux/${name}`, import.meta.url), 'utf8');


function requirement(partial: Partial<Requirement> & Pick<Requirement, 'id'>): Requirement {
  return {
    direction: 'out',
    protocols: ProtocolSet.parse('tcp'),
    ports: PortSet.of(443),
    sources: [{ kind: 'any' }],
    destinations: [{ kind: 'any' }],
    purpose: partial.id,
    conditions: [],
    provenance: [],
    ...partial,
  };
}

const ipsetSave = (text: string) => parseIpsetSave(text, 'ipsets.save');
const translate = (requirements: RequirementSet, options = {}) => iptablesTarget.translate(requirements, { snapshot, resolver, options });
const content = (requirements: RequirementSet, name: string, options = {}): string => translate(requirements, options).artifacts.find((a) => a.name === name)!.content;

describe('iptables rendering', () => {
  it('puts a 2,000-prefix tag in one ipset and one rule', () => {
    const tag = snapshot.addresses('AzureMonitor').toCidrStrings('ipv4');
    expect(tag.length).toBeGreaterThan(1000);
    const reqs = { requirements: [requirement({ id: 'monitor', destinations: [{ kind: 'service-tag', name: 'AzureMonitor' }] })] };
    const rules = content(reqs, 'iptables.rules').split('\n').filter((line) => line.includes('monitor:'));
    expect(rules).toEqual(['-A TAGWALL-OUT -m set --match-set tw4_AzureMonitor dst -p tcp -m tcp --dport 443 -m comment --comment "monitor: monitor" -j ACCEPT']);
    const sets = content(reqs, 'ipsets.save');
    expect(sets).toContain(`create tw4_AzureMonitor hash:net family inet hashsize ${setSizes(tag.length).hashsize} maxelem 65536`);
    expect(ipsetSave(sets).get('tw4_AzureMonitor')?.addresses.toCidrStrings('ipv4')).toEqual(tag);
  });

  it('splits port lists at 15 multiport slots, a range counting two', () => {
    expect(multiportGroups([[1, 1], [3, 4], ...Array.from({ length: 13 }, (_, i) => [10 + i * 2, 10 + i * 2] as const)]).map((g) => g.length)).toEqual([14, 1]);
    const many = PortSet.of(...Array.from({ length: 20 }, (_, i) => 1000 + i * 3));
    const result = translate({ requirements: [requirement({ id: 'many', ports: many })] });
    const rules = result.artifacts.find((a) => a.name === 'iptables.rules')!.content.split('\n').filter((line) => line.includes('multiport') && line.includes('many:'));
    expect(rules.map((line) => line.match(/--dports (\S+)/)![1]!.split(',').length)).toEqual([15, 5]);
    expect(result.diagnostics.map((d) => d.code)).toContain('IPT_MULTIPORT_SPLIT');
  });

  it('escapes comments and keeps them within 255 bytes', () => {
    const reqs = { requirements: [requirement({ id: 'q', purpose: `say "hi" \\ then ${'é'.repeat(200)}` })] };
    const line = content(reqs, 'iptables.rules').split('\n').find((text) => text.includes('--comment "q:'))!;
    expect(line).toContain('"q: say \\"hi\\" \\\\ then');
    const comment = iptablesTarget.parse({ content: content(reqs, 'iptables.rules'), file: 'x' }, { resolver, options: {} }).rules.find((rule) => rule.origin?.text?.includes('--comment "q:'));
    expect(comment).toBeDefined();
    const raw = line.match(/--comment "((?:[^"\\]|\\.)*)"/)![1]!.replace(/\\(.)/g, '$1');
    expect(Buffer.byteLength(raw)).toBeLessThanOrEqual(255);
    expect(translate(reqs).diagnostics.map((d) => d.code)).toContain('IPT_COMMENT_TRUNCATED');
  });

  it('keeps set names within 31 characters and chain names within 28, stably', () => {
    const reqs = { requirements: [requirement({ id: 'long', destinations: [{ kind: 'service-tag', name: 'AzureMachineLearning.SouthCentralUS' }] })] };
    const names = content(reqs, 'ipsets.save').split('\n').filter((line) => line.startsWith('create ')).map((line) => line.split(' ')[1]!);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(name.length).toBeLessThanOrEqual(31);
    expect(content(reqs, 'ipsets.save')).toBe(content(reqs, 'ipsets.save'));
    expect(names[0]).toMatch(/^tw4_AzureMachineLearning_[0-9a-f]{6}$/);
  });

  it('emits ICMP and ICMPv6 types for `icmp icmpv6` (a peer generator emitted nothing) and reports the cross-family part', () => {
    const reqs = {
      requirements: [
        requirement({ id: 'ping', protocols: ProtocolSet.parse('icmp,icmpv6'), ports: PortSet.ANY, icmp: [{ type: 8 }, { type: 128, code: 0 }] }),
        requirement({ id: 'v6-ping', protocols: ProtocolSet.parse('icmpv6'), ports: PortSet.ANY, icmp: [{ type: 128 }], destinations: [{ kind: 'addresses', addresses: AddressSet.parse('2001:db8::/32') }] }),
      ],
    };
    const result = translate(reqs);
    const v4 = result.artifacts.find((a) => a.name === 'iptables.rules')!.content;
    const v6 = result.artifacts.find((a) => a.name === 'ip6tables.rules')!.content;
    expect(v4).toContain('-p icmp -m icmp --icmp-type 8 ');
    expect(v6).toContain('-p ipv6-icmp -m icmp6 --icmpv6-type 128/0 ');
    expect(v6).toContain('-d 2001:db8::/32 -p ipv6-icmp -m icmp6 --icmpv6-type 128 ');
    // ICMP type 128 over IPv4 is no request there: its first packet is INVALID (nf_conntrack_proto_icmp.c).
    expect(result.diagnostics.map((d) => d.code)).toEqual(['IPT_ICMP_INVALID_FIRST', 'IPT_ICMP_FAMILY', 'IPT_ICMP_FAMILY']);
    const allowed = allowedPackets(iptablesTarget.parseArtifacts(result.artifacts, { resolver, options: {} }));
    expect(allowed.has(parsePacket('out icmp 10.0.0.4 -> 8.8.8.8 type=8 code=0'))).toBe(true);
    expect(allowed.has(parsePacket('out icmpv6 fd00::4 -> 2001:db8::1 type=128 code=0'))).toBe(true);
    expect(allowed.has(parsePacket('out icmpv6 fd00::4 -> 2001:db8::1 type=1 code=0'))).toBe(false);
  });

  it('renders both families even when the requirements name only IPv4', () => {
    const reqs = { requirements: [requirement({ id: 'v4', destinations: [{ kind: 'addresses', addresses: AddressSet.parse('192.0.2.0/24') }] })] };
    const v6 = content(reqs, 'ip6tables.rules');
    expect(v6).toContain(':TAGWALL-OUT - [0:0]');
    expect(v6).toContain('-A TAGWALL-OUT -j DROP');
  });

  it('validates options', () => {
    expect(error(() => translate({ requirements: [] }, { chainHook: 'sideways' })).code).toBe('TW_INVALID_OPTION');
    expect(error(() => translate({ requirements: [] }, { chainHook: 'forward' })).message).toContain('interface=NAME');
    expect(content({ requirements: [] }, 'iptables.rules', { chainHook: 'forward', interface: 'eth1' })).toContain('-I FORWARD -i eth1 -j TAGWALL-OUT');
    expect(content({ requirements: [] }, 'iptables.rules', { defaultAction: 'return' })).toContain('-I OUTPUT -j TAGWALL-OUT');
    expect(error(() => translate({ requirements: [] }, { fullTable: true, defaultAction: 'return' })).message).toContain('fullTable replaces');
  });

  it("loads beside the host's rules by default, and as the whole table with fullTable", () => {
    const own = content({ requirements: [] }, 'iptables.rules');
    expect(own).toContain('iptables-restore --noflush iptables.rules');
    expect(own).toContain('# reload: ');
    expect(own).not.toContain(':INPUT ACCEPT');
    expect(own).toContain('-I INPUT -j TAGWALL-IN');
    const whole = content({ requirements: [] }, 'iptables.rules', { fullTable: true });
    expect(whole).toContain('&& iptables-restore iptables.rules');
    expect(whole).not.toContain('--noflush');
    expect(whole).toContain(':INPUT ACCEPT [0:0]');
    expect(whole).toContain('-A INPUT -j TAGWALL-IN');
  });
});

describe('parsing iptables-save and ipset save output', () => {
  const ruleSet = iptablesTarget.parse(
    { content: fixture('hand-written.rules'), file: 'hand-written.rules', companions: { ipsets: { content: fixture('hand-written.ipset'), file: 'hand-written.ipset' }, ip6tables: { content: fixture('hand-written-v6.rules'), file: 'v6.rules' } } },
    { resolver, options: {} },
  );
  const allowed = allowedPackets(ruleSet);
  it('follows jumps, RETURN and policies', () => {
    expect(allowed.has(parsePacket('out tcp 10.0.0.4 -> 20.150.1.1:443'))).toBe(true);
    expect(allowed.has(parsePacket('out tcp 10.0.0.4 -> 20.150.1.1:8005'))).toBe(false); // BLOCKED drops it first
    expect(allowed.has(parsePacket('out tcp 10.0.0.4 -> 20.60.1.1:8005'))).toBe(true); // BLOCKED returns 20.60/16 early
    expect(allowed.has(parsePacket('out tcp 10.0.0.4 -> 20.150.8.1:443'))).toBe(false); // nomatch entry
    expect(allowed.has(parsePacket('out udp 10.0.0.4 -> 8.8.8.8:53'))).toBe(true);
    expect(allowed.has(parsePacket('out udp 10.0.0.4 -> 8.8.4.4:53'))).toBe(false);
    expect(allowed.has(parsePacket('in tcp 10.1.2.3 -> 10.0.0.4:22'))).toBe(true);
    expect(allowed.has(parsePacket('in tcp 8.8.8.8 -> 10.0.0.4:22'))).toBe(false);
    expect(allowed.has(parsePacket('in icmp 8.8.8.8 -> 10.0.0.4 type=8 code=0'))).toBe(true);
  });
  it('reads the IPv6 companion with its own policy', () => {
    expect(allowed.has(parsePacket('out tcp [fd00::4]:49152 -> [2603:1000::1]:443'))).toBe(true);
    expect(allowed.has(parsePacket('out tcp [fd00::4]:49152 -> [2603:2000::1]:443'))).toBe(false);
    expect(allowed.has(parsePacket('in tcp [2603:2000::1]:49152 -> [fd00::4]:443'))).toBe(true);
  });
  it('takes the kernel default for a family it was not given (no table, no hook: accepted) and says so', () => {
    const set = iptablesTarget.parse({ content: fixture('hand-written.rules'), file: 'x', companions: { ipsets: { content: fixture('hand-written.ipset'), file: 's' } } }, { resolver, options: {} });
    expect(allowedPackets(set).has(parsePacket('in tcp [2603:2000::1]:49152 -> [fd00::4]:443'))).toBe(true);
    expect(set.notes).toEqual(['no IPv6 rules in this capture: the host accepts all IPv6']);
    // ip6tables-save on a host with no rules prints nothing at all; iptables-save on a host with none, nothing either.
    const empty = iptablesTarget.parse({ content: '', file: 'empty' }, { resolver, options: {} });
    expect(allowedPackets(empty).equals(PacketSet.ALL)).toBe(true);
  });
  it('judges a line of a chain reached by two jumps as the line it is (shadowed, redundant)', () => {
    const text = '*filter\n:INPUT ACCEPT [0:0]\n:SUB - [0:0]\n-A INPUT -j SUB\n-A INPUT -j SUB\n-A SUB -p tcp --dport 22 -j DROP\n-A SUB -p tcp --dport 22 -j DROP\nCOMMIT\n';
    const set = iptablesTarget.parse({ content: text, file: 'f' }, { resolver, options: {} });
    // Line 6 is inlined twice; deleting it alone changes nothing only because line 7 drops the same packets.
    expect(shadowed(set).map((entry) => entry.rule.origin?.line)).toEqual([7]);
    expect(redundant(set).filter((entry) => entry.reason !== 'shadowed').map((entry) => entry.rule.origin?.line)).toEqual([6]);
    const once = iptablesTarget.parse({ content: text.replace('-A SUB -p tcp --dport 22 -j DROP\nCOMMIT', 'COMMIT'), file: 'f' }, { resolver, options: {} });
    // With one DROP line left, neither copy may go: deleting the line lets SSH in.
    expect(shadowed(once)).toEqual([]);
    expect(redundant(once)).toEqual([]);
  });
  it('reads a rate limit both ways: exact where the rate cannot change a verdict, refused with a packet where it can', () => {
    const limitedReject = '*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\n-A INPUT -m pkttype --pkt-type host -m limit --limit 5/sec -j REJECT\nCOMMIT\n';
    const set = iptablesTarget.parse({ content: limitedReject, file: 'f' }, { resolver, options: {} });
    expect(allowedPackets(set).has(parsePacket('in tcp 8.8.8.8:40000 -> 10.0.0.4:22'))).toBe(true);
    expect(set.notes?.some((note) => note.includes('line 4') && note.includes('same verdict'))).toBe(true);
    const limitedAccept = '*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp --dport 22 -m limit --limit 3/min --limit-burst 10 -j ACCEPT\nCOMMIT\n';
    const refused = error(() => iptablesTarget.parse({ content: limitedAccept, file: 'f' }, { resolver, options: {} }));
    expect(refused).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG', location: { file: 'f', line: 3 } });
    expect(refused.message).toContain("'in tcp");
    expect(refused.message).toContain('allowed under the rate, denied over it');
    expect(error(() => iptablesTarget.parse({ content: limitedAccept.replace('3/min', '3/fortnight'), file: 'f' }, { resolver, options: {} }))).toMatchObject({ code: 'TW_INVALID_CONFIG' });
  });
  it('decides TCP flags by state: a first packet is a SYN, an established one an ACK, others read both ways', () => {
    const afterInvalidDrop = '*filter\n:INPUT DROP [0:0]\n-A INPUT -m conntrack --ctstate INVALID,RELATED -j DROP\n-A INPUT -p tcp --syn --dport 25 -j ACCEPT\n-A INPUT -p tcp ! --syn --dport 26 -j ACCEPT\nCOMMIT\n';
    const allowed = allowedPackets(iptablesTarget.parse({ content: afterInvalidDrop, file: 'f' }, { resolver, options: {} }));
    expect(allowed.has(parsePacket('in tcp 8.8.8.8:40000 -> 10.0.0.4:25'))).toBe(true);
    expect(allowed.has(parsePacket('in tcp 8.8.8.8:40000 -> 10.0.0.4:25 state=established'))).toBe(false);
    expect(allowed.has(parsePacket('in tcp 8.8.8.8:40000 -> 10.0.0.4:26'))).toBe(false);
    expect(allowed.has(parsePacket('in tcp 8.8.8.8:40000 -> 10.0.0.4:26 state=established'))).toBe(true);
    // Without the INVALID drop, whether an INVALID segment is a SYN decides its verdict: refused, with a packet.
    const refused = error(() => iptablesTarget.parse({ content: afterInvalidDrop.replace('INVALID,RELATED', 'RELATED'), file: 'f' }, { resolver, options: {} }));
    expect(refused).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG', location: { line: 4 } });
    expect(refused.message).toContain('state=invalid');
  });
  it('takes ACCEPT for a built-in chain the file does not declare, as the kernel does', () => {
    const set = iptablesTarget.parse({ content: '*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n', file: 'f' }, { resolver, options: {} });
    const allowed = allowedPackets(set);
    expect(allowed.has(parsePacket('out tcp 10.0.0.4:40000 -> 8.8.8.8:443'))).toBe(true);
    expect(allowed.has(parsePacket('in tcp 8.8.8.8:40000 -> 10.0.0.4:443'))).toBe(false);
    expect(set.notes).toContain("IPv4 chain OUTPUT is not declared: the kernel's default policy ACCEPT");
  });
  it('reports what it does not understand with its line', () => {
    const bad = (line: string, options = {}): TagwallError =>
      error(() => iptablesTarget.parse({ content: `# Generated by iptables-save v1.8.9\n*filter\n:INPUT ACCEPT [0:0]\n:X - [0:0]\n${line}\nCOMMIT\n`, file: 'f.rules' }, { resolver, options }));
    expect(bad('-A INPUT -m recent --rcheck -j DROP')).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG', location: { file: 'f.rules', line: 5 } });
    expect(bad('-A INPUT -j MARK --set-mark 1')).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG', location: { line: 5 } });
    // iptables refuses a -m without a module even on a LOG rule (whose matches are otherwise not needed).
    expect(bad('-A INPUT -m --limit 99/day -j LOG')).toMatchObject({ code: 'TW_INVALID_CONFIG', location: { line: 5 } });
    expect(bad('-A INPUT -g NOPE')).toMatchObject({ code: 'TW_INVALID_CONFIG', location: { line: 5 } });
    expect(bad('-A INPUT -i eth0 -j ACCEPT').message).toContain('interface=NAME');
    expect(bad('-A INPUT -m set --match-set nope src -j ACCEPT')).toMatchObject({ code: 'TW_INVALID_CONFIG' });
    expect(bad('-A INPUT -s 2001:db8::1 -j ACCEPT')).toMatchObject({ code: 'TW_INVALID_CONFIG', location: { line: 5 } });
    expect(error(() => iptablesTarget.parse({ content: '*filter\n:INPUT ACCEPT [0:0]\n', file: 'f' }, { resolver, options: {} })).message).toContain('COMMIT');
    expect(error(() => iptablesTarget.parse({ content: '*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j DNAT --to 1.2.3.4\nCOMMIT\n', file: 'f' }, { resolver, options: {} }))).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG', location: { line: 3 } });
  });
  it('applies interface rules with interface=NAME', () => {
    const text = '*filter\n:INPUT DROP [0:0]\n-A INPUT -i eth0 -p tcp --dport 22 -j ACCEPT\n-A INPUT -i eth1 -j ACCEPT\nCOMMIT\n';
    const set = allowedPackets(iptablesTarget.parse({ content: text, file: 'f' }, { resolver, options: { interface: 'eth0' } }));
    expect(set.has(parsePacket('in tcp 1.2.3.4 -> 10.0.0.4:22'))).toBe(true);
    expect(set.has(parsePacket('in tcp 1.2.3.4 -> 10.0.0.4:23'))).toBe(false);
  });
  it('detects iptables-save output', () => {
    expect(iptablesTarget.detect(fixture('hand-written.rules'))).toBe(true);
    expect(iptablesTarget.detect(fixture('hand-written.nft'))).toBe(false);
  });
});

describe('both families as one config in two files (check --config v4 --config v6)', () => {
  const rendered = translate(loadScenario('compute-no-public-ip', { region: 'westus', cloud: 'Public' })).artifacts;
  const named = (name: string): string => rendered.find((artifact) => artifact.name === name)!.content;
  const pairs = [
    { v4: fixture('hand-written.rules'), v6: fixture('hand-written-v6.rules'), ipsets: fixture('hand-written.ipset') },
    { v4: named('iptables.rules'), v6: named('ip6tables.rules'), ipsets: named('ipsets.save') },
  ];
  const parseTwo = ({ v4, ipsets }: (typeof pairs)[number], v6: string) =>
    iptablesTarget.parse({ content: v4, file: 'a.rules', more: [{ content: v6, file: 'b.rules' }], companions: { ipsets: { content: ipsets, file: 'sets' } } }, { resolver, options: {} });

  it.each(pairs.map((pair, index) => ({ pair, index })))('read as one: the packets of the two joined in one file, each rule at its line in its own file (#$index)', ({ pair }) => {
    const two = parseTwo(pair, pair.v6);
    const joined = iptablesTarget.parse({ content: pair.v4 + pair.v6, file: 'joined.rules', companions: { ipsets: { content: pair.ipsets, file: 'sets' } } }, { resolver, options: {} });
    expect(two.name).toBe('iptables:a.rules+b.rules');
    expect(allowedPackets(two).equals(allowedPackets(joined))).toBe(true);
    const files: Record<string, string[]> = { 'a.rules': pair.v4.split('\n'), 'b.rules': pair.v6.split('\n') };
    const placed = two.rules.filter((rule) => rule.origin?.text !== undefined);
    expect(new Set(placed.map((rule) => rule.origin!.file))).toEqual(new Set(['a.rules', 'b.rules']));
    for (const rule of placed) expect(files[rule.origin!.file!]![rule.origin!.line! - 1]!.trim()).toBe(rule.origin!.text);
  });

  it('places an error in the second file at its own line, whichever line it is', () => {
    const lines = pairs[1]!.v6.split('\n');
    const ruleLines = lines.flatMap((line, index) => (line.startsWith('-A ') ? [index] : []));
    fc.assert(
      fc.property(fc.constantFrom(...ruleLines), (index) => {
        const chain = lines[index]!.split(' ')[1];
        const planted = [...lines.slice(0, index), `-A ${chain} -p tcp --dport 99999 -j ACCEPT`, ...lines.slice(index)].join('\n');
        const thrown = error(() => parseTwo(pairs[1]!, planted));
        expect(thrown.message).toContain("'99999' is not a port or port range");
        expect(thrown.location).toEqual({ file: 'b.rules', line: index + 1 });
      }),
      { numRuns: 15 },
    );
  });
});

describe('realistic hand-written rulesets', () => {
  const parse = (rules: string, companions: Record<string, { content: string; file: string }>, options: Record<string, string> = {}) =>
    allowedPackets(iptablesTarget.parse({ content: fixture(rules), file: rules, companions }, { resolver, options }));
  const file = (name: string) => ({ content: fixture(name), file: name });

  it('reads a Debian host (iptables-persistent): state, ICMP type/code, multiport, iprange, negation, a limited LOG rule', () => {
    const allowed = parse('debian-host.rules', { ip6tables: file('debian-host-v6.rules') }, { interface: 'eth0' });
    expect(allowed.has(parsePacket('in tcp 192.0.2.9:40000 -> 10.0.0.4:22'))).toBe(true);
    expect(allowed.has(parsePacket('in tcp 198.51.100.8:40000 -> 10.0.0.4:22'))).toBe(false);
    // An unsolicited destination-unreachable is INVALID (dropped before the type rule); as an error about a tracked
    // connection it is RELATED and passes. The type rule decides an UNTRACKED one.
    expect(allowed.has(parsePacket('in icmp 8.8.8.8 -> 10.0.0.4 type=3 code=4'))).toBe(false);
    expect(allowed.has(parsePacket('in icmp 8.8.8.8 -> 10.0.0.4 type=3 code=4 state=related'))).toBe(true);
    expect(allowed.has(parsePacket('in icmp 8.8.8.8 -> 10.0.0.4 type=3 code=4 state=untracked'))).toBe(true);
    expect(allowed.has(parsePacket('in icmp 8.8.8.8 -> 10.0.0.4 type=3 code=3 state=untracked'))).toBe(false);
    expect(allowed.has(parsePacket('in tcp 8.8.8.8:40000 -> 10.0.0.4:8085'))).toBe(true);
    expect(allowed.has(parsePacket('in udp 10.9.9.9:40000 -> 10.0.0.4:161'))).toBe(true);
    expect(allowed.has(parsePacket('in udp 11.9.9.9:40000 -> 10.0.0.4:161'))).toBe(false);
    expect(allowed.has(parsePacket('in tcp 198.51.100.20:40000 -> 10.0.0.4:9100'))).toBe(true);
    expect(allowed.has(parsePacket('in tcp 198.51.100.21:40000 -> 10.0.0.4:9100'))).toBe(false);
    expect(allowed.has(parsePacket('out tcp 10.0.0.4:40000 -> 203.0.113.9:25'))).toBe(false);
    expect(allowed.has(parsePacket('out udp 10.0.0.4:40000 -> 203.0.113.9:123'))).toBe(true);
    expect(allowed.has(parsePacket('out udp 10.0.0.4:40000 -> 203.0.113.9:124'))).toBe(false);
    expect(allowed.has(parsePacket('in icmpv6 fe80::1 -> fd00::4 type=135 code=0'))).toBe(true);
    expect(allowed.has(parsePacket('in udp [fe80::1]:547 -> [fd00::4]:546'))).toBe(true);
    expect(allowed.has(parsePacket('in udp [fe80::1]:548 -> [fd00::4]:546'))).toBe(false);
  });

  it('reads a Docker host under the forward view: DOCKER-USER, isolation chains, published ports, an egress ipset', () => {
    const options = { chainHook: 'forward', interface: 'docker0', outsideInterface: 'eth0' };
    const allowed = parse('docker-host.rules', { ipsets: file('docker-host.ipset') }, options);
    expect(allowed.has(parsePacket('in tcp 203.0.113.5:40000 -> 172.17.0.2:80'))).toBe(true);
    expect(allowed.has(parsePacket('in tcp 8.8.8.8:40000 -> 172.17.0.2:80'))).toBe(false);
    expect(allowed.has(parsePacket('in tcp 203.0.113.5:40000 -> 172.18.0.3:5432'))).toBe(false);
    expect(allowed.has(parsePacket('out tcp 172.17.0.2:40000 -> 20.60.1.1:443'))).toBe(true);
    expect(allowed.has(parsePacket('out tcp 172.17.0.2:40000 -> 8.8.8.8:443'))).toBe(false);
    expect(allowed.has(parsePacket('out udp 172.17.0.2:40000 -> 8.8.8.8:53'))).toBe(true);
    // A rule on the outside interface cannot be judged without knowing it.
    expect(error(() => parse('docker-host.rules', { ipsets: file('docker-host.ipset') }, { chainHook: 'forward', interface: 'docker0' }))).toMatchObject({
      code: 'TW_UNSUPPORTED_CONFIG',
      location: { file: 'docker-host.rules', line: 28 },
    });
  });

  it('reads a Docker host with a published port (docker run -p 8080:80) in the filter view, noting each rewrite', () => {
    const options = { chainHook: 'forward', interface: 'docker0', outsideInterface: 'eth0' } as const;
    const input = { content: fixture('docker-published.rules'), file: 'docker-published.rules' };
    // Without the option, the nat table is refused, with the way out in the message.
    const refused = error(() => iptablesTarget.parse(input, { resolver, options }));
    expect(refused).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG', location: { line: 8 } });
    expect(refused.message).toContain('nat=filter-view');
    const set = iptablesTarget.parse(input, { resolver, options: { ...options, nat: 'filter-view' } });
    const allowed = allowedPackets(set);
    // FORWARD sees the published port after DNAT: a client's packet to the host's 8080 is judged as to 172.17.0.2:80.
    expect(allowed.has(parsePacket('in tcp 8.8.8.8:40000 -> 172.17.0.2:80'))).toBe(true);
    expect(allowed.has(parsePacket('in tcp 8.8.8.8:40000 -> 172.17.0.2:81'))).toBe(false);
    expect(allowed.has(parsePacket('in tcp 8.8.8.8:40000 -> 172.17.0.2:81 state=established'))).toBe(true);
    expect(allowed.has(parsePacket('out tcp 172.17.0.2:40000 -> 8.8.8.8:443'))).toBe(true);
    expect(set.notes?.filter((note) => note.includes('DNAT'))).toEqual([
      'IPv4 nat line 13 (-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80): the filter chains see the rewritten destination; nat=filter-view judges packets as the filter table sees them',
    ]);
    expect(set.notes?.filter((note) => note.includes('MASQUERADE'))).toHaveLength(2);
  });

  it('reads a hand-written restore file: -N/-P, ICMP names, address lists, dotted masks, host bits, goto', () => {
    const allowed = parse('restore-hand-written.rules', {});
    expect(allowed.has(parsePacket('in tcp 10.1.2.3:40000 -> 10.0.0.4:5432'))).toBe(true);
    // goto does not come back: 10.1/16 ends in ZONE-TRUSTED and never reaches the general ZONE-PUBLIC jump.
    expect(allowed.has(parsePacket('in tcp 10.1.2.3:40000 -> 10.0.0.4:443'))).toBe(false);
    expect(allowed.has(parsePacket('in tcp 10.20.99.1:40000 -> 10.0.0.4:443'))).toBe(true);
    expect(allowed.has(parsePacket('in tcp 10.20.99.1:40000 -> 10.0.0.4:22'))).toBe(false);
    expect(allowed.has(parsePacket('in icmp 8.8.8.8 -> 10.0.0.4 type=3 code=4'))).toBe(true);
    expect(allowed.has(parsePacket('in icmp 8.8.8.8 -> 10.0.0.4 type=8 code=0'))).toBe(true);
    expect(allowed.has(parsePacket('out udp 10.0.0.4:40000 -> 149.112.112.112:53'))).toBe(true);
    expect(allowed.has(parsePacket('out udp 10.0.0.4:40000 -> 8.8.8.8:53'))).toBe(false);
    expect(allowed.has(parsePacket('out tcp 10.0.0.4:40000 -> 8.8.8.8:22'))).toBe(false);
  });

  it('refuses, with the line, what it would otherwise have to guess', () => {
    const bad = (line: string): TagwallError =>
      error(() => iptablesTarget.parse({ content: `*filter\n:INPUT DROP [0:0]\n:X - [0:0]\n${line}\nCOMMIT\n`, file: 'f.rules' }, { resolver, options: {} }));
    expect(bad('-A INPUT ! -j ACCEPT')).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG', location: { line: 4 } });
    expect(bad('-A INPUT -m comment ! --comment x -j ACCEPT')).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG', location: { line: 4 } });
    expect(bad('-A INPUT -m conntrack --ctstate NEWISH -j ACCEPT').message).toContain("'NEWISH'");
    expect(bad('-A INPUT -m conntrack --ctstate DNAT -j ACCEPT').message).toContain('nat table');
    expect(bad('-A INPUT -s 1.2.3.4-1.2.3.9 -j ACCEPT').message).toContain('iprange');
    expect(bad('-A INPUT ! -s 1.1.1.1,2.2.2.2 -j ACCEPT')).toMatchObject({ code: 'TW_INVALID_CONFIG' });
    expect(bad('-A INPUT -s 10.0.0.0/255.0.255.0 -j ACCEPT')).toMatchObject({ code: 'TW_INVALID_CONFIG' });
    expect(bad('-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type nd-neighbor-solicit -j ACCEPT').message).toContain('ip6tables -p ipv6-icmp -h');
    expect(bad('-A INPUT -p tcp -m tcp --syn -m limit --limit 1/s -j ACCEPT')).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG' });
    expect(bad('-F INPUT').message).toContain('-A, -I, -N and -P');
    // A LOG rule decides nothing, so what it matches does not matter.
    const logged = '*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp -m tcp --syn -m limit --limit 1/s -j LOG --log-prefix "x"\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n';
    const set = allowedPackets(iptablesTarget.parse({ content: logged, file: 'f.rules' }, { resolver, options: {} }));
    expect(set.has(parsePacket('in tcp 1.2.3.4:40000 -> 10.0.0.4:22'))).toBe(true);
    expect(set.has(parsePacket('in tcp 1.2.3.4:40000 -> 10.0.0.4:23'))).toBe(false);
  });
});

describe('ipset restore text', () => {
  it('replays flush, swap, rename, del and destroy as the kernel would', () => {
    const sets = ipsetSave(
      [
        'create a hash:net family inet',
        'add a 10.0.0.0/8',
        'create b hash:net family inet',
        'add b 192.0.2.0/24',
        'add b 192.0.2.0/26 nomatch',
        'swap a b',
        'create c hash:ip',
        'add c 198.51.100.0/30',
        'del c 198.51.100.0/30',
        'add c 198.51.100.9',
        'rename c d',
        'create tmp hash:net',
        'flush tmp',
        'add tmp 1.0.0.0/8',
        'destroy tmp',
        'create a hash:net family inet hashsize 4096',
      ].join('\n'),
    );
    expect([...sets.keys()].sort()).toEqual(['a', 'b', 'd']);
    expect(sets.get('a')!.addresses.toString()).toBe('192.0.2.64/26, 192.0.2.128/25');
    expect(sets.get('b')!.addresses.toString()).toBe('10.0.0.0/8');
    expect(sets.get('d')!.addresses.toString()).toBe('198.51.100.9/32');
  });
  it('refuses what would change what an element covers, and unknown commands, with the line', () => {
    expect(error(() => ipsetSave('create x hash:ip netmask 24\n'))).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG', location: { line: 1 } });
    expect(error(() => ipsetSave('create x hash:net\nadd x 10.0.0.0/8\ndel x 10.1.0.0/16\n'))).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG', location: { line: 3 } });
    expect(error(() => ipsetSave('create x hash:net\ncreate x hash:net family inet6\n'))).toMatchObject({ code: 'TW_INVALID_CONFIG', location: { line: 2 } });
    expect(error(() => ipsetSave('create x list:set\n'))).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG' });
    expect(error(() => ipsetSave('test x 1.2.3.4\n'))).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG' });
    expect(error(() => ipsetSave('swap x y\n'))).toMatchObject({ code: 'TW_INVALID_CONFIG' });
  });
  it('replaces each rendered set whole, so a reload drops prefixes a tag no longer has', () => {
    const reqs = { requirements: [requirement({ id: 'monitor', destinations: [{ kind: 'service-tag', name: 'AzureMonitor' }] })] };
    const text = content(reqs, 'ipsets.save');
    // As the kernel holds it after an older load with one more prefix, then this file loaded again.
    const stale = `create tw4_AzureMonitor hash:net family inet hashsize 4096 maxelem 65536\nadd tw4_AzureMonitor 1.0.0.0/8\n`;
    const reloaded = ipsetSave(stale + text).get('tw4_AzureMonitor')!;
    expect(reloaded.addresses.toCidrStrings('ipv4')).toEqual(snapshot.addresses('AzureMonitor').toCidrStrings('ipv4'));
  });
});

describe('golden files', () => {
  for (const scenario of SCENARIOS) {
    it(scenario.id, async () => {
      const result = translate(loadScenario(scenario.id, { region: 'westus', cloud: 'Public' }));
      for (const artifact of result.artifacts) {
        // The ipset file lists every prefix; keep the golden readable with the first ones of each set.
        const text = artifact.format === 'ipset' ? abridgeIpsets(artifact.content) : artifact.content;
        await expect(text).toMatchFileSnapshot(goldenFile('iptables', `${scenario.id}.${artifact.name}`));
      }
    });
  }
});

function abridgeIpsets(text: string): string {
  let count = 0;
  return text
    .split('\n')
    .filter((line) => {
      if (line.startsWith('flush ')) count = 0;
      return !line.startsWith('add ') || ++count <= 3;
    })
    .join('\n');
}
