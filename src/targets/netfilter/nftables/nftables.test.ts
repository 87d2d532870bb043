import fc from 'fast-check';
import { goldenFile } from '../../../../test/support/golden.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { thrownError as error } from '../../../../test/support/errors.js';
import { expandedResolver } from '../../../analysis/resolve.js';
import { allowedPackets } from '../../../analysis/rule-set.js';
import { loadScenario, SCENARIOS } from '../../../catalogue/index.js';
import { TagwallError } from '../../../errors.js';
import type { PacketSet } from '../../../model/packet-set.js';
import { parsePacket } from '../../../model/packet.js';
import { PortSet, ProtocolSet } from '../../../model/ports.js';
import type { Requirement } from '../../../model/requirement.js';
import { defaultSnapshot } from '../../../servicetags/snapshot.js';
import { nftablesTarget } from './index.js';

const snapshot = defaultSnapshot('Public');
const resolver = expandedResolver(snapshot);
const fixture = readFileSync(new URL('../../../../fixtures/linux/hand-written.nft', import.meta.url), 'utf8');
/** The packets an nft ruleset text allows, parsed with default options. */
const allowedBy = (content: string, file = 'f'): PacketSet => allowedPackets(nftablesTarget.parse({ content, file }, { resolver, options: {} }));


const ping: Requirement = {
  id: 'ping',
  direction: 'out',
  protocols: ProtocolSet.parse('icmp,icmpv6'),
  ports: PortSet.ANY,
  icmp: [{ type: 8 }, { type: 128 }, { type: 3, code: 4 }],
  sources: [{ kind: 'any' }],
  destinations: [{ kind: 'any' }],
  purpose: 'echo "and" frag-needed',
  conditions: [],
  provenance: [],
};

describe('nftables rendering', () => {
  it('emits ICMP and ICMPv6 types for `icmp icmpv6`, each in its own family', () => {
    const result = nftablesTarget.translate({ requirements: [ping] }, { snapshot, resolver, options: { counters: true } });
    const text = result.artifacts[0]!.content;
    // The listed types apply to both ICMP flavours, as the packet model reads a requirement's `icmp`.
    expect(text).toContain('meta nfproto ipv4 icmp type { 8, 128 } counter accept');
    expect(text).toContain('meta nfproto ipv4 icmp type 3 icmp code 4 counter accept');
    expect(text).toContain('meta nfproto ipv6 icmpv6 type { 8, 128 } counter accept comment "ping: echo \'and\' frag-needed"');
    // ICMP type 128 over IPv4 is no request there: its first packet is INVALID (nf_conntrack_proto_icmp.c).
    expect(result.diagnostics.map((d) => d.code)).toEqual(['NFT_ICMP_INVALID_FIRST', 'NFT_ICMP_FAMILY', 'NFT_ICMP_FAMILY']);
  });
  it('refuses defaultAction return, which means nothing across nft tables', () => {
    expect(error(() => nftablesTarget.translate({ requirements: [] }, { snapshot, resolver, options: { defaultAction: 'return' as 'drop' } })).code).toBe('TW_INVALID_OPTION');
  });
  it('writes a dnsmasq nftset config with fqdn=dnsmasq and says it is broader', () => {
    const requirements = loadScenario('compute-no-public-ip', { region: 'westus', cloud: 'Public' });
    const result = nftablesTarget.translate(requirements, { snapshot, resolver, options: { fqdn: 'dnsmasq' } });
    const dnsmasq = result.artifacts.find((a) => a.format === 'dnsmasq')!.content;
    expect(dnsmasq).toContain('nftset=/instances.azureml.ms/4#inet#tagwall#tw4_fqdn.instances,6#inet#tagwall#tw6_fqdn.instances');
    expect(result.diagnostics.filter((d) => d.code === 'NFT_FQDN_DNSMASQ_BROADER').length).toBeGreaterThan(0);
    expect(result.diagnostics.find((d) => d.code === 'NFT_FQDN_DNSMASQ_BROADER')!.message).toContain('apex included');
  });
});

describe('parsing nft list ruleset output', () => {
  const allowed = allowedBy(fixture, 'hand-written.nft');
  it('reads sets, ranges, names, jumps and returns', () => {
    expect(allowed.has(parsePacket('out tcp 10.0.0.4 -> 20.150.127.255:8005'))).toBe(true);
    expect(allowed.has(parsePacket('out tcp 10.0.0.4 -> 20.150.128.0:443'))).toBe(false);
    expect(allowed.has(parsePacket('out tcp [fd00::4]:49152 -> [2603:1000::1]:443'))).toBe(true);
    expect(allowed.has(parsePacket('out icmp 10.0.0.4 -> 8.8.8.8 type=8 code=0'))).toBe(true);
    expect(allowed.has(parsePacket('out icmpv6 fd00::4 -> 2001:db8::1 type=135 code=0'))).toBe(true);
    expect(allowed.has(parsePacket('out udp 10.0.0.4 -> 10.1.1.1:53'))).toBe(true);
    expect(allowed.has(parsePacket('out udp 10.0.0.4 -> 8.8.8.8:53'))).toBe(false);
    expect(allowed.has(parsePacket('in tcp 8.8.8.8 -> 10.0.0.4:22'))).toBe(false);
  });
  it('accepts on a hook no base chain sits on, as netfilter does', () => {
    const set = allowedBy('table inet t {\n\tchain o {\n\t\ttype filter hook output priority 0; policy drop;\n\t}\n}\n');
    expect(set.has(parsePacket('in tcp 8.8.8.8 -> 10.0.0.4:22'))).toBe(true);
    expect(set.has(parsePacket('out tcp 10.0.0.4 -> 8.8.8.8:443'))).toBe(false);
  });
  it('needs every table to accept', () => {
    const text = 'table inet a {\n chain o {\n  type filter hook output priority 0; policy accept;\n }\n}\ntable ip b {\n chain o {\n  type filter hook output priority 10; policy accept;\n  tcp dport 25 drop\n }\n}\n';
    const set = allowedBy(text);
    expect(set.has(parsePacket('out tcp 10.0.0.4 -> 8.8.8.8:25'))).toBe(false);
    expect(set.has(parsePacket('out tcp [fd00::4]:49152 -> [2001:db8::1]:25'))).toBe(true);
  });
  it('reports what it does not understand with its line', () => {
    const bad = (rule: string): TagwallError => error(() => nftablesTarget.parse({ content: `table inet t {\n\tchain o {\n\t\ttype filter hook output priority 0; policy drop;\n\t\t${rule}\n\t}\n}\n`, file: 'f.nft' }, { resolver, options: {} }));
    expect(bad('tcp dport 22 limit rate 3/second accept')).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG', location: { file: 'f.nft', line: 4 } });
    expect(bad('ip daddr @missing accept')).toMatchObject({ code: 'TW_INVALID_CONFIG', location: { line: 4 } });
    expect(bad('goto x')).toMatchObject({ code: 'TW_INVALID_CONFIG', location: { line: 4 } });
    expect(bad('oifname "eth0" accept').message).toContain('interface=NAME');
    // nft -c refuses it too: "syntax error, unexpected comment".
    expect(bad('tcp dport 22 accept comment "a" comment "b"')).toMatchObject({ code: 'TW_INVALID_CONFIG', location: { line: 4 } });
  });
  it('detects nft rulesets', () => {
    expect(nftablesTarget.detect(fixture)).toBe(true);
  });
});

describe('a realistic hand-written nft ruleset (nftables wiki workstation style)', () => {
  const workstation = readFileSync(new URL('../../../../fixtures/linux/workstation.nft', import.meta.url), 'utf8');
  const allowed = allowedBy(workstation, 'workstation.nft');
  it('reads ct state vmap, iif, typeof and port sets, ICMPv6 names, reject variants and a jump that returns', () => {
    expect(allowed.has(parsePacket('in tcp 192.168.1.7:40000 -> 10.0.0.4:8080'))).toBe(true);
    expect(allowed.has(parsePacket('in tcp 192.168.2.7:40000 -> 10.0.0.4:8080'))).toBe(false);
    expect(allowed.has(parsePacket('in tcp 8.8.8.8:40000 -> 10.0.0.4:443'))).toBe(true);
    expect(allowed.has(parsePacket('in tcp [2001:db8::1]:40000 -> [fd00::4]:443'))).toBe(true);
    expect(allowed.has(parsePacket('in icmpv6 fe80::1 -> fd00::4 type=135 code=0'))).toBe(true);
    expect(allowed.has(parsePacket('in icmpv6 fe80::1 -> fd00::4 type=133 code=0'))).toBe(false);
    // An unsolicited time-exceeded is INVALID (the vmap drops it); about a tracked connection it is RELATED.
    expect(allowed.has(parsePacket('in icmp 8.8.8.8 -> 10.0.0.4 type=11 code=1'))).toBe(false);
    expect(allowed.has(parsePacket('in icmp 8.8.8.8 -> 10.0.0.4 type=11 code=1 state=related'))).toBe(true);
    expect(allowed.has(parsePacket('in icmp 8.8.8.8 -> 10.0.0.4 type=11 code=1 state=untracked'))).toBe(true);
    expect(allowed.has(parsePacket('in tcp 192.168.1.7:40000 -> 10.0.0.4:8080 state=invalid'))).toBe(false);
    expect(allowed.has(parsePacket('in tcp 8.8.8.8:40000 -> 10.0.0.4:8080 state=established'))).toBe(true);
    expect(allowed.has(parsePacket('in udp 10.1.1.1:40000 -> 10.0.0.4:161'))).toBe(false);
    expect(allowed.has(parsePacket('out tcp 10.0.0.4:40000 -> 203.0.113.25:25'))).toBe(true);
    expect(allowed.has(parsePacket('out tcp 10.0.0.4:40000 -> 203.0.113.26:25'))).toBe(false);
    expect(allowed.has(parsePacket('out tcp 10.0.0.4:40000 -> 198.51.100.1:25'))).toBe(true);
  });
  it('lets a `new` entry of a ct state vmap decide', () => {
    const text = 'table inet t {\n chain i {\n  type filter hook input priority 0; policy drop;\n  tcp dport 22 ct state vmap { new : accept, invalid : drop }\n }\n}\n';
    const set = allowedBy(text);
    expect(set.has(parsePacket('in tcp 1.2.3.4:40000 -> 10.0.0.4:22'))).toBe(true);
    expect(set.has(parsePacket('in tcp 1.2.3.4:40000 -> 10.0.0.4:23'))).toBe(false);
  });
  it('ignores a dormant table, as the kernel does', () => {
    const text = 'table inet t {\n flags dormant\n chain i {\n  type filter hook input priority 0; policy drop;\n }\n}\n';
    const set = allowedBy(text);
    expect(set.has(parsePacket('in tcp 1.2.3.4:40000 -> 10.0.0.4:22'))).toBe(true);
  });
  it('refuses, with the line, sets and states it would otherwise misread', () => {
    const bad = (body: string): TagwallError => error(() => nftablesTarget.parse({ content: `table inet t {\n${body}\n}\n`, file: 'f.nft' }, { resolver, options: {} }));
    expect(bad('\tset s {\n\t\ttype ipv4_addr . inet_service\n\t}')).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG', location: { line: 3 } });
    expect(bad('\tset s {\n\t\ttype ipv4_addr\n\t\tflags dynamic,bogus\n\t}')).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG', location: { line: 4 } });
    expect(bad('\tchain c {\n\t\ttype filter hook input priority 0; policy drop;\n\t\tct state newish accept\n\t}').message).toContain("'newish'");
    expect(bad('\tchain c {\n\t\ttype filter hook input priority 0; policy drop;\n\t\tct state vmap { bogus : accept }\n\t}')).toMatchObject({ location: { line: 4 } });
    expect(bad('\tset p {\n\t\ttype inet_service\n\t\telements = { 22 }\n\t}\n\tchain c {\n\t\ttype filter hook input priority 0; policy drop;\n\t\tip saddr @p accept\n\t}')).toMatchObject({ code: 'TW_INVALID_CONFIG', location: { line: 8 } });
    expect(bad('\tchain c {\n\t\ttype filter hook input priority 0; policy drop;\n\t\tip saddr 1.2.3.4 xt match set accept\n\t}')).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG', location: { line: 4 } });
  });
  it('refuses a set or chain body the input never closes (it used to loop for ever)', () => {
    for (const body of ['\tchain c {\n\t\ttype filter hook input priority 0; policy drop;\n', '\tset s {\n\t\ttype ipv4_addr\n']) {
      const thrown = error(() => nftablesTarget.parse({ content: `table inet t {\n${body}`, file: 'f.nft' }, { resolver, options: {} }));
      expect(thrown).toMatchObject({ code: 'TW_INVALID_CONFIG', message: 'unexpected end of input' });
    }
  });
  it('reads the older `reject with icmp type NAME` spelling', () => {
    const text = 'table inet t {\n chain i {\n  type filter hook input priority 0; policy accept;\n  udp dport 26 reject with icmp type port-unreachable\n }\n}\n';
    const set = allowedBy(text);
    expect(set.has(parsePacket('in udp 1.2.3.4:40000 -> 10.0.0.4:26'))).toBe(false);
    expect(set.has(parsePacket('in udp 1.2.3.4:40000 -> 10.0.0.4:27'))).toBe(true);
  });
});

describe('golden files', () => {
  for (const scenario of SCENARIOS) {
    it(scenario.id, async () => {
      const result = nftablesTarget.translate(loadScenario(scenario.id, { region: 'westus', cloud: 'Public' }), { snapshot, resolver, options: {} });
      // Keep the golden readable: the first element line of each set.
      const text = result.artifacts[0]!.content.replace(/(elements = \{\n[^\n]*\n)(?:\t\t\t[^\n]*\n)*(\t\t\})/g, '$1\t\t\t…\n$2');
      await expect(text).toMatchFileSnapshot(goldenFile('nftables', `${scenario.id}.nft`));
    });
  }
});

describe('nft -j list ruleset (JSON) input', () => {
  const json = (rule: object): string =>
    JSON.stringify({
      nftables: [
        { metainfo: { version: '1.0.6', json_schema_version: 1 } },
        { table: { family: 'inet', name: 't', handle: 1 } },
        { chain: { family: 'inet', table: 't', name: 'i', handle: 1, type: 'filter', hook: 'input', prio: 0, policy: 'drop' } },
        { rule: { family: 'inet', table: 't', chain: 'i', handle: 2, ...rule } },
      ],
    });
  const parse = (content: string) => nftablesTarget.parse({ content, file: 'r.json' }, { resolver, options: {} });
  it('reads the same rules as the text form, and is detected', () => {
    const ssh = json({ expr: [{ match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right: 22 } }, { accept: null }] });
    expect(nftablesTarget.detect(ssh)).toBe(true);
    const allowed = allowedPackets(parse(ssh));
    expect(allowed.has(parsePacket('in tcp 8.8.8.8:40000 -> 10.0.0.4:22'))).toBe(true);
    expect(allowed.has(parsePacket('in tcp 8.8.8.8:40000 -> 10.0.0.4:23'))).toBe(false);
  });
  it('points errors at the JSON object', () => {
    const synproxy = json({ expr: [{ synproxy: { mss: 1460 } }, { accept: null }] });
    expect(error(() => parse(synproxy))).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG', location: { file: 'r.json', jsonPath: '$.nftables[3].rule.expr[0]' } });
    const missingSet = json({ expr: [{ match: { op: '==', left: { payload: { protocol: 'ip', field: 'saddr' } }, right: '@nope' } }, { accept: null }] });
    expect(error(() => parse(missingSet))).toMatchObject({ code: 'TW_INVALID_CONFIG', location: { file: 'r.json', jsonPath: '$.nftables[3].rule' } });
    expect(error(() => parse('{"nftables": 3}'))).toMatchObject({ code: 'TW_INVALID_CONFIG' });
  });
});

describe('the nftables wiki-style server ruleset', () => {
  const server = readFileSync(new URL('../../../../fixtures/linux/wiki-server.nft', import.meta.url), 'utf8');
  it('hands each family to its chain through meta protocol vmap', () => {
    const allowed = allowedBy(server, 'wiki-server.nft');
    expect(allowed.has(parsePacket('in icmp 8.8.8.8 -> 10.0.0.4 type=8'))).toBe(true);
    expect(allowed.has(parsePacket('in icmpv6 2001:db8::1 -> fd00::4 type=135'))).toBe(true);
    expect(allowed.has(parsePacket('in icmpv6 2001:db8::1 -> fd00::4 type=8'))).toBe(false);
    expect(allowed.has(parsePacket('in tcp 192.0.2.7:40000 -> 10.0.0.4:22'))).toBe(true);
    expect(allowed.has(parsePacket('in tcp 198.51.100.7:40000 -> 10.0.0.4:22'))).toBe(false);
  });
  it("refuses the wiki's rate-limited ping: the rate decides the verdict", () => {
    const limited = server.replace('icmp type echo-request accept', 'icmp type echo-request limit rate 5/second accept');
    const refused = error(() => allowedBy(limited, 'wiki-server.nft'));
    expect(refused).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG', location: { file: 'wiki-server.nft', line: 11 } });
    expect(refused.message).toContain('allowed under the rate, denied over it');
  });
});

describe('a ruleset in several files (render continues large sets in tagwall.2.nft, …)', () => {
  const requirements = loadScenario('compute-no-public-ip', { region: 'westus', cloud: 'Public' });
  const artifacts = nftablesTarget.translate(requirements, { snapshot, resolver, options: {} }).artifacts;
  const [main, continued] = artifacts;
  const lines = continued!.content.split('\n');
  const files = (second: string) => ({ content: main!.content, file: 'out/tagwall.nft', more: [{ content: second, file: 'out/tagwall.2.nft' }] });
  const parse = (second: string) => nftablesTarget.parse(files(second), { resolver, options: {} });

  it('reads the files render wrote as one ruleset, each under its own name', () => {
    expect(artifacts.map((artifact) => artifact.name)).toEqual(['tagwall.nft', 'tagwall.2.nft']);
    const parsed = parse(continued!.content);
    expect(parsed.name).toBe('nftables:out/tagwall.nft+out/tagwall.2.nft');
    // The same packets as the files joined into one text, the rules where they are in tagwall.nft.
    const joined = nftablesTarget.parse({ content: artifacts.map((artifact) => artifact.content).join('\n'), file: 'joined.nft' }, { resolver, options: {} });
    expect(allowedPackets(parsed).equals(allowedPackets(joined))).toBe(true);
    // parseArtifacts (the contract's reader) reads them the same way, each file under its artifact name.
    const fromArtifacts = nftablesTarget.parseArtifacts(artifacts, { resolver, options: {} });
    expect(fromArtifacts.name).toBe('nftables:tagwall.nft+tagwall.2.nft');
    expect(allowedPackets(fromArtifacts).equals(allowedPackets(joined))).toBe(true);
    const mainLines = main!.content.split('\n');
    for (const rule of parsed.rules.filter((rule) => rule.origin?.text !== undefined)) {
      expect(rule.origin!.file).toBe('out/tagwall.nft');
      expect(mainLines[rule.origin!.line! - 1]!.replace(/\s/g, '')).toBe(rule.origin!.text!.replace(/\s/g, ''));
    }
  });

  it('places an error in a continued file at its own line, whichever line it is', () => {
    const elementLines = lines.flatMap((line, index) => (/^\t\d/.test(line) ? [index] : []));
    expect(elementLines.length).toBeGreaterThan(100);
    fc.assert(
      fc.property(fc.constantFrom(...elementLines), (index) => {
        const planted = lines.map((line, at) => (at === index ? `\t20.999.0.0/16, ${line.trimStart()}` : line)).join('\n');
        const thrown = error(() => parse(planted));
        expect(thrown.message).toContain("'20.999.0.0/16' is not an address");
        expect(thrown.location).toEqual({ file: 'out/tagwall.2.nft', line: index + 1 });
      }),
      { numRuns: 15 },
    );
  });

  it('ends a file with its last statement, as nft -f does one file after the other', () => {
    // The first file has no line break at its end: its last statement does not run on into the second file's first.
    const first = 'table inet t {\n  set s { type ipv4_addr; flags interval; }\n  chain c { type filter hook input priority 0; policy drop; ip saddr @s accept; }\n}\nadd element inet t s { 10.0.0.0/8 }';
    const parsed = nftablesTarget.parse({ content: first, file: 'a.nft', more: [{ content: 'add element inet t s { 192.0.2.0/24 }\n', file: 'b.nft' }] }, { resolver, options: {} });
    const allowed = allowedPackets(parsed);
    for (const source of ['10.1.2.3', '192.0.2.9']) expect(allowed.has(parsePacket(`in tcp ${source}:40000 -> 10.0.0.1:22`)), source).toBe(true);
    expect(allowed.has(parsePacket('in tcp 198.51.100.1:40000 -> 10.0.0.1:22'))).toBe(false);
  });

  it('refuses nft -j output with other files: it is the whole ruleset in one document', () => {
    const json = JSON.stringify({ nftables: [{ metainfo: { version: '1.0.6', json_schema_version: 1 } }] });
    const thrown = error(() => nftablesTarget.parse({ content: main!.content, file: 'a.nft', more: [{ content: json, file: 'b.json' }] }, { resolver, options: {} }));
    expect(thrown.code).toBe('TW_USAGE');
    expect(thrown.where()).toBe('b.json');
  });
});
