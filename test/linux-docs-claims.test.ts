/**
 * docs/targets/linux.md, "What the model reads": the claims there that no other test checks, each against the
 * kernel where it is the kernel's behaviour, and the examples it gives through the CLI. The kernel parts use the
 * differential harness (test/support/kernel-probes.ts) and skip, with the reason, where namespaces are unavailable.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/analysis/questions.js';
import { expandedResolver } from '../src/analysis/resolve.js';
import { parsePacket } from '../src/model/packet.js';
import { defaultSnapshot } from '../src/servicetags/snapshot.js';
import { nftablesTarget } from '../src/targets/netfilter/nftables/index.js';
import { tagwall } from './support/cli.js';
import { HostPair, kernelVerdicts, probesUnavailable, type ProbeShape } from './support/kernel-probes.js';
import { netnsUnavailable } from './support/netns.js';

const DOC = readFileSync('docs/targets/linux.md', 'utf8').replace(/\s+/g, ' ');
/** The doc still says it (a failure names the sentence, not the whole page). */
const says = (sentence: string): void => expect(DOC.includes(sentence), `docs/targets/linux.md no longer says: ${sentence}`).toBe(true);
const unavailable = netnsUnavailable() ?? probesUnavailable();
const skipNote = unavailable ? ` [skipped: ${unavailable}]` : '';
const resolver = expandedResolver(defaultSnapshot('Public'));

const nft = (rules: readonly string[], policy: 'accept' | 'drop'): string =>
  ['table inet claims {', '\tchain input {', `\t\ttype filter hook input priority filter; policy ${policy};`, ...rules.map((rule) => `\t\t${rule}`), '\t}', '}', ''].join('\n');
const INVALID_DROP = nft(['ct state invalid drop'], 'accept');

/** The kernel's verdicts on `texts` (packets) under `ruleset`, after `sysctls` are set in the host namespace. */
function kernel(ruleset: string, texts: readonly string[], options: { sysctls?: readonly string[]; shape?: ProbeShape } = {}): boolean[] {
  const pair = new HostPair();
  try {
    pair.host.run('nft', ['-f', pair.host.file('claims.nft', ruleset)]);
    for (const setting of options.sysctls ?? []) pair.host.run('sysctl', ['-qw', setting]);
    pair.observe();
    return kernelVerdicts(pair, texts.map((text) => parsePacket(text)), options.shape);
  } finally {
    pair.delete();
  }
}

const tagwallAllows = (ruleset: string, text: string): boolean => evaluate(nftablesTarget.parse({ content: ruleset, file: 'claims.nft' }, { resolver, options: {} }), parsePacket(text)).action === 'allow';

describe.skipIf(unavailable !== undefined)(`conntrack sysctls that change a first packet's state, in the kernel${skipNote}`, () => {
  it('nf_conntrack_tcp_loose: 1 (default) makes a bare ACK with no connection NEW, 0 makes it INVALID; a SYN is NEW either way', () => {
    says('`net.netfilter.nf_conntrack_tcp_loose=0` (default 1) makes a first TCP segment that is not a SYN INVALID instead of NEW');
    const ack = ['in tcp 192.0.2.9:41001 -> 10.0.0.4:80'];
    const syn = ['in tcp 192.0.2.9:41002 -> 10.0.0.4:80'];
    expect(kernel(INVALID_DROP, ack, { shape: { tcpFlags: 0x10 } })).toEqual([true]);
    expect(kernel(INVALID_DROP, ack, { shape: { tcpFlags: 0x10 }, sysctls: ['net.netfilter.nf_conntrack_tcp_loose=0'] })).toEqual([false]);
    expect(kernel(INVALID_DROP, syn, { sysctls: ['net.netfilter.nf_conntrack_tcp_loose=0'] })).toEqual([true]);
    // The model's TCP first packet is the SYN: tagwall's answer is the kernel's under either setting.
    expect(tagwallAllows(INVALID_DROP, syn[0]!)).toBe(true);
  });

  it('nf_conntrack_checksum: 1 (default) makes a datagram with a bad checksum INVALID, 0 leaves it NEW', () => {
    says('`nf_conntrack_checksum=0` (default 1) stops bad TCP/UDP/ICMP checksums from making packets INVALID');
    const datagram = ['in udp 192.0.2.9:41003 -> 10.0.0.4:53'];
    expect(kernel(INVALID_DROP, datagram, { shape: { badChecksum: true } })).toEqual([false]);
    expect(kernel(INVALID_DROP, datagram, { shape: { badChecksum: true }, sysctls: ['net.netfilter.nf_conntrack_checksum=0'] })).toEqual([true]);
    expect(kernel(INVALID_DROP, datagram)).toEqual([true]);
  });
});

describe.skipIf(unavailable !== undefined)(`conntrack and pkttype claims of docs/targets/linux.md, in the kernel${skipNote}`, () => {
  it('ICMP over IPv6 and ICMPv6 over IPv4: the kernel tracks neither (INVALID, every type), and tagwall says so', () => {
    says('ICMP over IPv6 (protocol 1) and ICMPv6 over IPv4 (protocol 58) are INVALID whatever the type');
    const packets = ['in icmp 2001:db8::1 -> fd00::4 type=8 code=0', 'in icmpv6 192.0.2.9 -> 10.0.0.4 type=128 code=0', 'in icmpv6 192.0.2.9 -> 10.0.0.4 type=135 code=0'];
    // They reach the filter (an accepting ruleset passes them), and `ct state invalid drop` drops every one.
    expect(kernel(nft([], 'accept'), packets)).toEqual([true, true, true]);
    expect(kernel(INVALID_DROP, packets)).toEqual([false, false, false]);
    expect(packets.map((text) => tagwallAllows(INVALID_DROP, text))).toEqual([false, false, false]);
    // Their own family's echo request and neighbour solicitation are NEW and UNTRACKED, in both.
    const own = ['in icmp 192.0.2.9 -> 10.0.0.4 type=8 code=0', 'in icmpv6 2001:db8::1 -> fd00::4 type=135 code=0'];
    expect(kernel(INVALID_DROP, own)).toEqual([true, true]);
    expect(own.map((text) => tagwallAllows(INVALID_DROP, text))).toEqual([true, true]);
  });

  it('pkttype: a subnet-directed broadcast is read as `host`, so `pkttype broadcast accept` is under-matched for it', () => {
    says('A subnet-directed broadcast (`10.0.0.255` on a /24) is read as `host`');
    const ruleset = nft(['meta pkttype broadcast accept'], 'drop');
    // 10.255.255.255 is the broadcast of the harness's 10.0.0.0/8 link (the peer sends it as a link-layer
    // broadcast); the same datagram to the host's own address is `host` for both.
    const packets = ['in udp 10.9.9.9:41004 -> 10.255.255.255:9', 'in udp 10.9.9.9:41005 -> 10.0.0.4:9'];
    expect(kernel(ruleset, packets)).toEqual([true, false]);
    expect(packets.map((text) => tagwallAllows(ruleset, text))).toEqual([false, false]);
  });
});

describe('docs/targets/linux.md examples, through the CLI', () => {
  it("Arch's ruleset: an unsolicited time-exceeded is INVALID and dropped, the same packet RELATED is accepted", () => {
    const command = (packet: string) => tagwall('eval', 'nftables:fixtures/linux/arch-default.nft', '--packet', packet);
    says("`tagwall eval nftables:arch.nft --packet 'in icmp 8.8.8.8 -> 10.0.0.4 type=11'` is denied by `ct state invalid drop`, and `… type=11 state=related` is allowed by `ct state {established, related} accept`");
    expect(command('in icmp 8.8.8.8 -> 10.0.0.4 type=11').stdout).toMatch(/: deny by rule .*\(ct state invalid drop/);
    expect(command('in icmp 8.8.8.8 -> 10.0.0.4 type=11 state=related').stdout).toMatch(/: allow by rule .*\(ct state \{ established, related \} accept/);
  });

  const iptables = (rules: string, tables = ''): string => `${tables}*filter\n:INPUT DROP [0:0]\n${rules}\nCOMMIT\n`;
  it.each([
    ['-m u32 --u32 "0>>22&0x3C@4>>16=0x1F90" -j DROP', iptables('-A INPUT -m u32 --u32 "0>>22&0x3C@4>>16=0x1F90" -j DROP'), 'iptables', 'u32 tests raw packet bytes, which the packet model does not carry'],
    [
      '-A DOCKER ! -i docker0 -p tcp --dport 8080 -j DNAT',
      iptables('', '*nat\n:PREROUTING ACCEPT [0:0]\n:DOCKER - [0:0]\n-A DOCKER ! -i docker0 -p tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80\nCOMMIT\n'),
      'iptables',
      'table nat has rules',
    ],
    ['-p tcp --dport 22 -m limit --limit 3/min -j ACCEPT', iptables('-A INPUT -p tcp --dport 22 -m limit --limit 3/min -j ACCEPT'), 'iptables', 'allowed under the rate, denied over it'],
    ['tcp dport gopher', nft(['tcp dport gopher accept'], 'drop'), 'nftables', "'gopher' is not a port this parser knows"],
    ['-A PREROUTING -p tcp --dport 21 -j CT --helper ftp', iptables('', '*raw\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp --dport 21 -j CT --helper ftp\nCOMMIT\n'), 'iptables', 'table raw has rules or policies'],
    ['nft `ct helper` objects', 'table inet f {\n\tct helper ftp-standard {\n\t\ttype "ftp" protocol tcp;\n\t}\n}\n', 'nftables', "'ct' in a table is not supported"],
  ])('refused as the doc says: %s', (example, text, target, reason) => {
    says(example);
    const file = join(mkdtempSync(join(tmpdir(), 'tagwall-claims-')), target === 'nftables' ? 'ruleset.nft' : 'saved.rules');
    writeFileSync(file, text);
    const result = tagwall('eval', `${target}:${file}`, '--packet', 'in tcp 192.0.2.9:40000 -> 10.0.0.4:22');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(reason);
  });
});
