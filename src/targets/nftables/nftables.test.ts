import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { thrownError as error } from '../../../test/support/errors.js';
import { expandedResolver } from '../../analysis/resolve.js';
import { allowedPackets } from '../../analysis/rule-set.js';
import { loadScenario, SCENARIOS } from '../../catalogue/index.js';
import { TagwallError } from '../../errors.js';
import { parsePacket } from '../../model/packet.js';
import { PortSet, ProtocolSet } from '../../model/ports.js';
import type { Requirement } from '../../model/requirement.js';
import { defaultSnapshot } from '../../servicetags/snapshot.js';
import { nftablesTarget } from './index.js';

const snapshot = defaultSnapshot('Public');
const resolver = expandedResolver(snapshot);
const fixture = readFileSync(new URL('../../../fixtures/linux/hand-written.nft', import.meta.url), 'utf8');


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
    expect(result.diagnostics.map((d) => d.code)).toEqual(['NFT_ICMP_FAMILY', 'NFT_ICMP_FAMILY']);
  });
  it('refuses defaultAction return, which means nothing across nft tables', () => {
    expect(error(() => nftablesTarget.translate({ requirements: [] }, { snapshot, resolver, options: { defaultAction: 'return' } })).code).toBe('TW_INVALID_OPTION');
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
  const allowed = allowedPackets(nftablesTarget.parse({ content: fixture, file: 'hand-written.nft' }, { resolver, options: {} }));
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
    const set = allowedPackets(nftablesTarget.parse({ content: 'table inet t {\n\tchain o {\n\t\ttype filter hook output priority 0; policy drop;\n\t}\n}\n', file: 'f' }, { resolver, options: {} }));
    expect(set.has(parsePacket('in tcp 8.8.8.8 -> 10.0.0.4:22'))).toBe(true);
    expect(set.has(parsePacket('out tcp 10.0.0.4 -> 8.8.8.8:443'))).toBe(false);
  });
  it('needs every table to accept', () => {
    const text = 'table inet a {\n chain o {\n  type filter hook output priority 0; policy accept;\n }\n}\ntable ip b {\n chain o {\n  type filter hook output priority 10; policy accept;\n  tcp dport 25 drop\n }\n}\n';
    const set = allowedPackets(nftablesTarget.parse({ content: text, file: 'f' }, { resolver, options: {} }));
    expect(set.has(parsePacket('out tcp 10.0.0.4 -> 8.8.8.8:25'))).toBe(false);
    expect(set.has(parsePacket('out tcp [fd00::4]:49152 -> [2001:db8::1]:25'))).toBe(true);
  });
  it('reports what it does not understand with its line', () => {
    const bad = (rule: string): TagwallError => error(() => nftablesTarget.parse({ content: `table inet t {\n\tchain o {\n\t\ttype filter hook output priority 0; policy drop;\n\t\t${rule}\n\t}\n}\n`, file: 'f.nft' }, { resolver, options: {} }));
    expect(bad('tcp dport 22 limit rate 3/second accept')).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG', location: { file: 'f.nft', line: 4 } });
    expect(bad('ip daddr @missing accept')).toMatchObject({ code: 'TW_INVALID_CONFIG', location: { line: 4 } });
    expect(bad('goto x')).toMatchObject({ code: 'TW_INVALID_CONFIG', location: { line: 4 } });
    expect(bad('oifname "eth0" accept').message).toContain('interface=NAME');
  });
  it('detects nft rulesets', () => {
    expect(nftablesTarget.detect(fixture)).toBe(true);
  });
});

describe('golden files', () => {
  for (const scenario of SCENARIOS) {
    it(scenario.id, async () => {
      const result = nftablesTarget.translate(loadScenario(scenario.id, { region: 'westus', cloud: 'Public' }), { snapshot, resolver, options: {} });
      // Keep the golden readable: the first element line of each set.
      const text = result.artifacts[0]!.content.replace(/(elements = \{\n[^\n]*\n)(?:\t\t\t[^\n]*\n)*(\t\t\})/g, '$1\t\t\t…\n$2');
      await expect(text).toMatchFileSnapshot(`golden/${scenario.id}.nft`);
    });
  }
});
