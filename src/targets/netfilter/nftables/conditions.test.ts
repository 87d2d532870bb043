import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { thrownError as error } from '../../../../test/support/errors.js';
import { expandedResolver } from '../../../analysis/resolve.js';
import { allowedPackets, type RuleSet } from '../../../analysis/rule-set.js';
import { parsePacket } from '../../../model/packet.js';
import { defaultSnapshot } from '../../../servicetags/snapshot.js';
import type { TargetOptionValues } from '../../target.js';
import { emptyMatch, tcpFlagsHold } from '../common/match.js';
import { parseTcpFlags, TCP_FLAG_NAMES, type Token } from './conditions.js';
import { nftablesTarget } from './index.js';

const resolver = expandedResolver(defaultSnapshot('Public'));
const parse = (content: string, options: TargetOptionValues = { interface: 'eth0' }, file = 'r.nft'): RuleSet => nftablesTarget.parse({ content, file }, { resolver, options });
const allows = (set: RuleSet, packet: string): boolean => allowedPackets(set).has(parsePacket(packet));
/** One inet table with an input chain (policy drop) and an output chain (policy accept) holding the given rules. */
const ruleset = (input: string, output = ''): string =>
  `table inet t {\n\tchain i {\n\t\ttype filter hook input priority 0; policy drop;\n${input}\n\t}\n\tchain o {\n\t\ttype filter hook output priority 0; policy accept;\n${output}\n\t}\n}\n`;

const NAMES = Object.entries(TCP_FLAG_NAMES);
/** A flag byte as nft writes it: `syn|ack`, or `0x0` for none. */
const flagText = (bits: number): string => NAMES.filter(([, bit]) => bits & bit).map(([name]) => name).join('|') || '0x0';
/** Crude tokens of a `tcp flags` tail, as the nft tokenizer makes them (words, braces and commas). */
const tokens = (text: string): Token[] =>
  text.split(/\s+|(?=[{},])|(?<=[{},])/).filter(Boolean).map((part) => ({ kind: part === '{' || part === '}' || part === ',' ? part : 'word', text: part, line: 1 }));
const holds = (text: string, flags: number): boolean => {
  const { condition } = parseTcpFlags(tokens(text), 0, (message) => new Error(message) as never);
  return tcpFlagsHold({ ...emptyMatch(), tcpFlags: [condition] }, flags);
};

describe('tcp flags: the conditions nft compiles (nft --debug=netlink, nft 1.0.6)', () => {
  const byte = fc.integer({ min: 0, max: 255 });
  it('reads `& MASK == VALUE`, `VALUE / MASK` and their != as the masked comparison', () => {
    fc.assert(
      fc.property(byte, byte, byte, (mask, value, flags) => {
        fc.pre(mask !== 0);
        const masked = value & mask;
        const expected = (flags & mask) === masked;
        expect(holds(`& (${flagText(mask)}) == ${flagText(masked)}`, flags)).toBe(expected);
        expect(holds(`& (${flagText(mask)}) != ${flagText(masked)}`, flags)).toBe(!expected);
        expect(holds(`${flagText(masked)} / ${flagText(mask).replace(/\|/g, ',')}`, flags)).toBe(expected);
        expect(holds(`!= ${flagText(masked)} / ${flagText(mask).replace(/\|/g, ',')}`, flags)).toBe(!expected);
      }),
    );
  });
  it('reads the implicit match as "any of these bits", `!` as "none", == and { … } as the whole byte', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom(...NAMES.map(([name]) => name)), { minLength: 1, maxLength: 4 }), byte, byte, (names, other, flags) => {
        const bits = names.reduce((sum, name) => sum | TCP_FLAG_NAMES[name]!, 0);
        expect(holds(names.join(','), flags)).toBe((flags & bits) !== 0);
        expect(holds(`! ${names.join(',')}`, flags)).toBe((flags & bits) === 0);
        expect(holds(`== ${flagText(bits)}`, flags)).toBe(flags === bits);
        expect(holds(`!= ${flagText(bits)}`, flags)).toBe(flags !== bits);
        expect(holds(`{ ${flagText(bits)}, ${flagText(other)} }`, flags)).toBe(flags === bits || flags === other);
      }),
    );
  });
  it('refuses a flag name nft does not know, as nft does ("Could not parse TCP flag")', () => {
    const refused = error(() => parse(ruleset('\t\ttcp flags syn,foo accept')));
    expect(refused).toMatchObject({ code: 'TW_INVALID_CONFIG', location: { line: 4 } });
    expect(refused.message).toContain('Could not parse TCP flag');
  });
  it('decides a first packet (a SYN) and an established one (an ACK), and reads RELATED/INVALID both ways', () => {
    const syn = parse(ruleset('\t\tct state invalid drop\n\t\tct state related accept\n\t\ttcp flags & (fin|syn|rst|ack) == syn tcp dport 22 accept\n\t\ttcp flags ack tcp dport 80 accept'));
    expect(allows(syn, 'in tcp 8.8.8.8:40000 -> 10.0.0.4:22')).toBe(true);
    expect(allows(syn, 'in tcp 8.8.8.8:40000 -> 10.0.0.4:22 state=established')).toBe(false);
    expect(allows(syn, 'in tcp 8.8.8.8:40000 -> 10.0.0.4:80')).toBe(false);
    expect(allows(syn, 'in tcp 8.8.8.8:40000 -> 10.0.0.4:80 state=established')).toBe(true);
    // Without the INVALID drop, a segment conntrack calls INVALID has flags the model does not carry.
    const open = error(() => parse(ruleset('\t\ttcp flags syn tcp dport 22 accept')));
    expect(open).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG', location: { line: 4 } });
    expect(open.message).toContain('state=');
  });
  it('means the same in nft -j JSON as in text, for every form nft prints', () => {
    const json = (match: object): string =>
      JSON.stringify({
        nftables: [
          { table: { family: 'inet', name: 't' } },
          { chain: { family: 'inet', table: 't', name: 'i', type: 'filter', hook: 'input', prio: 0, policy: 'drop' } },
          { rule: { family: 'inet', table: 't', chain: 'i', expr: [{ match: { op: '==', left: { ct: { key: 'state' } }, right: 'invalid' } }, { drop: null }] } },
          { rule: { family: 'inet', table: 't', chain: 'i', expr: [{ match: { op: '==', left: { ct: { key: 'state' } }, right: 'related' } }, { accept: null }] } },
          { rule: { family: 'inet', table: 't', chain: 'i', expr: [match, { match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right: 22 } }, { accept: null }] } },
        ],
      });
    const flags = { payload: { protocol: 'tcp', field: 'flags' } };
    const pairs: Array<[object, string]> = [
      [{ match: { op: 'in', left: flags, right: 'syn' } }, 'tcp flags syn'],
      [{ match: { op: 'in', left: flags, right: ['syn', 'ack'] } }, 'tcp flags syn,ack'],
      [{ match: { op: '==', left: flags, right: 'ack' } }, 'tcp flags == ack'],
      [{ match: { op: '!=', left: flags, right: 'syn' } }, 'tcp flags != syn'],
      [{ match: { op: '!', left: flags, right: 'syn' } }, 'tcp flags ! syn'],
      [{ match: { op: '==', left: flags, right: { set: ['ack', { '|': ['syn', 'ack'] }] } } }, 'tcp flags { ack, syn|ack }'],
      [{ match: { op: '==', left: { '&': [flags, ['fin', 'syn', 'rst', 'ack']] }, right: 'syn' } }, 'tcp flags & (fin|syn|rst|ack) == syn'],
      [{ match: { op: '!=', left: { '&': [flags, ['syn', 'ack']] }, right: 'syn' } }, 'tcp flags != syn / syn,ack'],
    ];
    for (const [match, text] of pairs) {
      const fromJson = allowedPackets(nftablesTarget.parse({ content: json(match), file: 'r.json' }, { resolver, options: {} }));
      const fromText = allowedPackets(parse(ruleset(`\t\tct state invalid drop\n\t\tct state related accept\n\t\t${text} tcp dport 22 accept`), {}));
      expect(fromJson.equals(fromText), text).toBe(true);
    }
  });
});

describe('tcp flags in nft -j JSON, any mask and value', () => {
  it('reads { "&": [tcp flags, MASK] } == | != VALUE as the text `tcp flags & (MASK) ==|!= VALUE` reads', () => {
    const names = fc.uniqueArray(fc.constantFrom(...NAMES.map(([name]) => name)), { maxLength: 4 });
    const json = (match: object): string =>
      JSON.stringify({
        nftables: [
          { table: { family: 'inet', name: 't' } },
          { chain: { family: 'inet', table: 't', name: 'i', type: 'filter', hook: 'input', prio: 0, policy: 'drop' } },
          { rule: { family: 'inet', table: 't', chain: 'i', expr: [{ match: { op: 'in', left: { ct: { key: 'state' } }, right: ['invalid', 'related'] } }, { drop: null }] } },
          { rule: { family: 'inet', table: 't', chain: 'i', expr: [match, { accept: null }] } },
        ],
      });
    fc.assert(
      fc.property(names.filter((list) => list.length > 0), names, fc.constantFrom('==', '!='), (mask, value, op) => {
        const left = { '&': [{ payload: { protocol: 'tcp', field: 'flags' } }, mask.length === 1 ? mask[0] : mask] };
        const right = value.length === 0 ? 0 : value.length === 1 ? value[0] : value;
        const fromJson = allowedPackets(nftablesTarget.parse({ content: json({ match: { op, left, right } }), file: 'r.json' }, { resolver, options: {} }));
        const text = `\t\tct state invalid,related drop\n\t\ttcp flags & (${mask.join('|')}) ${op} ${value.length === 0 ? '0' : value.join('|')} accept`;
        expect(fromJson.equals(allowedPackets(parse(ruleset(text), {})))).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});

describe("firewalld's ruleset (fixtures/linux/firewalld-public.nft)", () => {
  const firewalld = readFileSync(new URL('../../../../fixtures/linux/firewalld-public.nft', import.meta.url), 'utf8');
  it('allows the zone services and port, ICMP, neighbour discovery; rejects the rest and 6to4 of private IPv4', () => {
    const set = parse(firewalld);
    expect(allows(set, 'in tcp 8.8.8.8:40000 -> 10.0.0.4:22')).toBe(true);
    expect(allows(set, 'in tcp [2001:db8::1]:40000 -> [fd00::4]:9090')).toBe(true);
    expect(allows(set, 'in tcp 8.8.8.8:40000 -> 10.0.0.4:8080')).toBe(true);
    expect(allows(set, 'in tcp 8.8.8.8:40000 -> 10.0.0.4:23')).toBe(false);
    expect(allows(set, 'in udp [fe80::1]:547 -> [fe80::4]:546')).toBe(true);
    expect(allows(set, 'in udp [2001:db8::1]:547 -> [fd00::4]:546')).toBe(false);
    expect(allows(set, 'in icmp 8.8.8.8 -> 10.0.0.4 type=8')).toBe(true);
    expect(allows(set, 'in icmpv6 2001:db8::1 -> fd00::4 type=135')).toBe(true);
    // ICMP errors no connection explains are INVALID, dropped before the zone's ICMP accept.
    expect(allows(set, 'in icmp 8.8.8.8 -> 10.0.0.4 type=3 code=3')).toBe(false);
    expect(allows(set, 'out tcp [fd00::4]:40000 -> [2002:a00::1]:443')).toBe(false);
    expect(allows(set, 'out tcp [fd00::4]:40000 -> [2001:db8::1]:443')).toBe(true);
  });
  it('needs the arrival interface for its reverse-path check on a router, and refuses a fib lookup on output', () => {
    // A router with its workload behind eth0: firewalld forwards within the zone (oifname "eth0" accept), and the
    // IPv6 reverse-path check of what arrives from the unnamed far side is the host's routes' to decide.
    const router = error(() => parse(firewalld, { chainHook: 'forward', interface: 'eth0' }));
    expect(router).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG' });
    expect(router.message).toContain("host's routes");
    const named = parse(firewalld, { chainHook: 'forward', interface: 'eth0', outsideInterface: 'eth1' });
    expect(allows(named, 'in tcp [2001:db8::1]:40000 -> [fd00::9]:22')).toBe(true);
    expect(allows(named, 'out tcp [fd00::9]:40000 -> [2001:db8::1]:22')).toBe(false);
    const onOutput = error(() => parse(ruleset('', '\t\tfib saddr . iif oif missing drop')));
    expect(onOutput).toMatchObject({ code: 'TW_INVALID_CONFIG' });
    expect(onOutput.message).toContain('Operation not supported');
  });
  it('reads its nat chains for their jumps, and refuses one that can drop or rewrite', () => {
    const dropping = firewalld.replace('\tchain nat_PRE_public_deny {\n\t}', '\tchain nat_PRE_public_deny {\n\t\ttcp dport 23 drop\n\t}');
    expect(error(() => parse(dropping)).message).toContain('nat chains are modelled only while they drop nothing');
    const forwarding = firewalld.replace('\tchain nat_PRE_public_allow {\n\t}', '\tchain nat_PRE_public_allow {\n\t\ttcp dport 2222 dnat ip to 10.0.0.9:22\n\t}');
    expect(error(() => parse(forwarding))).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG' });
  });
});

describe('ct in a chain before conntrack (priority below -200)', () => {
  const raw = (priority: string, rule: string): string =>
    `table inet t {\n\tchain p {\n\t\ttype filter hook prerouting priority ${priority}; policy accept;\n\t\t${rule}\n\t}\n\tchain i {\n\t\ttype filter hook input priority 0; policy accept;\n\t}\n}\n`;
  it('sees every packet as invalid there (nft_ct.c: no connection yet), and no ct status', () => {
    expect(allows(parse(raw('raw', 'ct state new tcp dport 22 drop')), 'in tcp 8.8.8.8:40000 -> 10.0.0.4:22')).toBe(true);
    expect(allows(parse(raw('raw', 'ct state invalid tcp dport 22 drop')), 'in tcp 8.8.8.8:40000 -> 10.0.0.4:22')).toBe(false);
    expect(allows(parse(raw('raw', 'ct state != invalid tcp dport 22 drop')), 'in tcp 8.8.8.8:40000 -> 10.0.0.4:22 state=established')).toBe(true);
    expect(allows(parse(raw('raw', 'ct status != dnat drop')), 'in tcp 8.8.8.8:40000 -> 10.0.0.4:22')).toBe(true);
    expect(allows(parse(raw('filter', 'ct state new tcp dport 22 drop')), 'in tcp 8.8.8.8:40000 -> 10.0.0.4:22')).toBe(false);
  });
  it("refuses ct at conntrack's own priority, where the order is not defined", () => {
    expect(error(() => parse(raw('-200', 'ct state new drop')))).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG', location: { line: 4 } });
  });
});

describe('fib and dynamic set forms nft prints', () => {
  it('reads oif != 0 as exists and oif 0 as missing, and add @set { KEY timeout 1m } from JSON', () => {
    const set = parse(ruleset('\t\tfib saddr oif != 0 tcp dport 22 accept\n\t\tfib saddr . iif oif 0 tcp dport 80 accept'));
    expect(allows(set, 'in tcp 8.8.8.8:40000 -> 10.0.0.4:22')).toBe(true);
    expect(allows(set, 'in tcp 8.8.8.8:40000 -> 10.0.0.4:80')).toBe(false);
    const json = JSON.stringify({
      nftables: [
        { table: { family: 'inet', name: 't' } },
        { set: { family: 'inet', table: 't', name: 's', type: 'ipv4_addr', flags: ['dynamic', 'timeout'] } },
        { chain: { family: 'inet', table: 't', name: 'i', type: 'filter', hook: 'input', prio: 0, policy: 'drop' } },
        { rule: { family: 'inet', table: 't', chain: 'i', expr: [{ match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right: 22 } }, { accept: null }] } },
        { rule: { family: 'inet', table: 't', chain: 'i', expr: [{ match: { op: '!=', left: { fib: { result: 'oif', flags: ['saddr'] } }, right: '0' } }, { accept: null }] } },
        { rule: { family: 'inet', table: 't', chain: 'i', expr: [{ set: { op: 'add', elem: { elem: { val: { payload: { protocol: 'ip', field: 'saddr' } }, timeout: 60 } }, set: '@s' } }, { drop: null }] } },
      ],
    });
    const fromJson = nftablesTarget.parse({ content: json, file: 'r.json' }, { resolver, options: { interface: 'eth0' } });
    expect(allows(fromJson, 'in tcp 8.8.8.8:40000 -> 10.0.0.4:22')).toBe(true);
    // The route back exists, so the fib rule accepts everything before the add statement can drop.
    expect(allows(fromJson, 'in udp 8.8.8.8:40000 -> 10.0.0.4:53')).toBe(true);
    expect(fromJson.notes?.some((note) => note.includes('same verdict'))).toBe(true);
  });
});

describe('ct status, meta mark', () => {
  it('reads ct status dnat as clear on every packet (nothing read rewrites a connection), other bits refused', () => {
    const set = parse(ruleset('\t\tct status dnat accept\n\t\tct status != snat tcp dport 22 accept'));
    expect(allows(set, 'in tcp 8.8.8.8:40000 -> 10.0.0.4:80')).toBe(false);
    expect(allows(set, 'in tcp 8.8.8.8:40000 -> 10.0.0.4:22')).toBe(true);
    expect(error(() => parse(ruleset('\t\tct status assured accept')))).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG' });
    expect(error(() => parse(ruleset('\t\tct status nope accept')))).toMatchObject({ code: 'TW_INVALID_CONFIG' });
  });
  it('reads mark 0 on input, both ways on output (a socket may set SO_MARK), and refuses setting one', () => {
    const set = parse(ruleset('\t\tmeta mark 0x00000001 tcp dport 22 accept\n\t\tmeta mark & 0xff00 == 0 tcp dport 80 accept'));
    expect(allows(set, 'in tcp 8.8.8.8:40000 -> 10.0.0.4:22')).toBe(false);
    expect(allows(set, 'in tcp 8.8.8.8:40000 -> 10.0.0.4:80')).toBe(true);
    const output = error(() => parse(ruleset('', '\t\tmeta mark 0x1 drop')));
    expect(output.message).toContain('SO_MARK');
    expect(error(() => parse(ruleset('\t\tmeta mark set 0x1 accept')))).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG' });
  });
});

describe('rate limits beyond limit rate: meters, dynamic sets, quotas, byte rates', () => {
  it('is exact where no rate can change a verdict, with a note', () => {
    for (const rule of [
      'meter m size 1024 { ip saddr limit rate over 5/minute } drop',
      'add @s { ip saddr limit rate over 10/second } drop',
      'ip saddr @s drop',
      'quota over 100 mbytes drop',
      'limit rate over 100 kbytes/second burst 1000 bytes drop',
    ]) {
      const set = parse(`table inet t {\n\tset s {\n\t\ttype ipv4_addr\n\t\tflags dynamic,timeout\n\t}\n\tchain i {\n\t\ttype filter hook input priority 0; policy drop;\n\t\ttcp dport 22 accept\n\t\t${rule}\n\t}\n}\n`);
      expect(allows(set, 'in tcp 8.8.8.8:40000 -> 10.0.0.4:22'), rule).toBe(true);
      expect(allows(set, 'in tcp 8.8.8.8:40000 -> 10.0.0.4:23'), rule).toBe(false);
      expect(set.notes?.some((note) => note.includes('line 9')), rule).toBe(true);
    }
  });
  it('refuses where the rate decides, with a packet, for each kind', () => {
    for (const rule of [
      'meter m { ip saddr limit rate 5/minute } accept',
      'update @s { ip saddr } accept',
      'ip saddr != @s accept',
      'quota 1 gbytes accept',
      'limit rate 1 mbytes/second accept',
    ]) {
      const refused = error(() => parse(`table inet t {\n\tset s {\n\t\ttype ipv4_addr\n\t\tflags dynamic\n\t}\n\tchain i {\n\t\ttype filter hook input priority 0; policy drop;\n\t\t${rule}\n\t}\n}\n`));
      expect(refused, rule).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG', location: { line: 8 } });
      expect(refused.message, rule).toContain('the rate limit (or quota, or dynamic set) decides');
    }
  });
  it('reads a set an add statement fills as dynamic, even when the lookup comes first (nft -j prints no flags)', () => {
    const text = 'table inet t {\n\tset s {\n\t\ttype ipv4_addr\n\t}\n\tchain i {\n\t\ttype filter hook input priority 0; policy drop;\n\t\tip saddr @s accept\n\t\tadd @s { ip saddr } drop\n\t}\n}\n';
    expect(error(() => parse(text))).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG', location: { line: 7 } });
  });
  it('refuses a combination of limited rules whose verdict the rates decide (a limited drop before a limited accept)', () => {
    const refused = error(() => parse(ruleset('\t\ticmp type echo-request limit rate over 10/second drop\n\t\tmeter m { ip saddr limit rate 5/minute } icmp type echo-request accept')));
    expect(refused).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG' });
    expect(refused.message).toContain('icmp');
  });
  it('refuses what nft refuses: a quota unit, an undeclared set', () => {
    expect(error(() => parse(ruleset('\t\tquota 100 parsecs drop')))).toMatchObject({ code: 'TW_INVALID_CONFIG', location: { line: 4 } });
    expect(error(() => parse(ruleset('\t\tadd @nope { ip saddr } drop')))).toMatchObject({ code: 'TW_INVALID_CONFIG', location: { line: 4 } });
  });
});

describe('several limited rules: refused exactly when some combination of them matching changes a verdict', () => {
  const rule = fc.record({
    port: fc.constantFrom('22', '80', '{ 22, 80 }'),
    source: fc.constantFrom('', 'ip saddr 10.0.0.0/8 ', 'ip6 saddr 2001:db8::/32 '),
    limited: fc.boolean(),
    verdict: fc.constantFrom('accept', 'drop'),
  });
  it('never answers where a combination differs, and answers as every combination does', () => {
    fc.assert(
      fc.property(fc.array(rule, { minLength: 1, maxLength: 5 }), fc.constantFrom('accept', 'drop'), (rules, policy) => {
        const text = (on: (index: number) => boolean | undefined): string =>
          `table inet t {\n\tchain i {\n\t\ttype filter hook input priority 0; policy ${policy};\n${rules
            .map((r, index) => {
              const state = on(index);
              if (state === false) return '\t\tcounter';
              return `\t\t${r.source}tcp dport ${r.port} ${r.limited && state === undefined ? 'limit rate 1/second ' : ''}${r.verdict}`;
            })
            .join('\n')}\n\t}\n}\n`;
        const limitedIndexes = rules.flatMap((r, index) => (r.limited ? [index] : []));
        const combinations = Array.from({ length: 2 ** limitedIndexes.length }, (_, mask) =>
          allowedPackets(parse(text((index) => (rules[index]!.limited ? ((mask >> limitedIndexes.indexOf(index)) & 1) === 1 : true)), {})),
        );
        const allSame = combinations.every((set) => set.equals(combinations[0]!));
        let answer: RuleSet | undefined;
        try {
          answer = parse(text(() => undefined), {});
        } catch (caught) {
          expect(caught).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG' });
        }
        expect(answer !== undefined).toBe(allSame);
        if (answer) expect(allowedPackets(answer).equals(combinations[0]!)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});

describe('nft -j list ruleset of the fixtures (captured from the kernel, nft 1.0.6) means what their text means', () => {
  for (const name of ['firewalld-public', 'nft-constructs']) {
    it(name, () => {
      const read = (ext: string): string => readFileSync(new URL(`../../../../fixtures/linux/${name}.${ext}`, import.meta.url), 'utf8');
      const fromJson = parse(read('json'), { interface: 'eth0' }, `${name}.json`);
      const fromText = parse(read('nft'), { interface: 'eth0' }, `${name}.nft`);
      expect(allowedPackets(fromJson).equals(allowedPackets(fromText))).toBe(true);
    });
  }
});
