import { containsCidr, excludeCidr, mergeCidr, normalizeCidr, overlapCidr, parseCidr } from 'cidr-tools';
import fc from 'fast-check';
import IPCIDR from 'ip-cidr';
import { describe, expect, it } from 'vitest';
import { expectBooleanAlgebra } from '../../test/support/set-laws.js';
import { TagwallError, type ErrorCode } from '../errors.js';
import { AddressSet } from './address-set.js';
import { formatCidr, formatIPv6, parseAddress } from './ip.js';

// ─── generators ──────────────────────────────────────────────────────────────────────────────────────────

const v4Text = (value: number): string => [24, 16, 8, 0].map((s) => (value >>> s) & 255).join('.');
const v6Words = (value: bigint): Uint32Array => Uint32Array.from([96n, 64n, 32n, 0n].map((s) => Number((value >> s) & 0xffffffffn)));

/** Strict IPv4 CIDRs clustered in a few /8s so that sets overlap, nest and touch; /0 and /32 included. */
const arbV4Cidr = fc
  .tuple(fc.constantFrom(0x0a000000, 0x14960000, 0xc0a80000, 0, 0xffffff00), fc.nat({ max: 0xffff }), fc.oneof(fc.integer({ min: 8, max: 32 }), fc.constantFrom(0, 1, 31, 32)))
  .map(([base, offset, length]) => {
    const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
    return `${v4Text(((base + offset) & mask) >>> 0)}/${length}`;
  });

/** Strict IPv6 CIDRs in a few /32s, plus /0, /64, /128 and the top of the space. */
const arbV6Cidr = fc
  .tuple(
    fc.constantFrom(0x2603_1030n << 96n, 0x2001_0db8n << 96n, 0n, ((1n << 128n) - 1n) ^ 0xffffn),
    fc.bigInt({ min: 0n, max: (1n << 20n) - 1n }),
    fc.bigInt({ min: 0n, max: (1n << 20n) - 1n }),
    fc.oneof(fc.integer({ min: 32, max: 128 }), fc.constantFrom(0, 64, 127, 128)),
  )
  .map(([base, high, low, length]) => {
    const value = (base | (high << 64n) | low) & ((1n << 128n) - 1n);
    const mask = length === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - length)) - 1n);
    return `${formatIPv6(v6Words(value & mask))}/${length}`;
  });

const arbCidrs = fc.array(fc.oneof(arbV4Cidr, arbV6Cidr), { maxLength: 12 });
const arbSet = arbCidrs.map((cidrs) => AddressSet.fromStrings(cidrs));

function expectError(fn: () => unknown, code: ErrorCode): TagwallError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TagwallError);
    expect((error as TagwallError).code).toBe(code);
    return error as TagwallError;
  }
  throw new Error(`expected ${code}`);
}

// ─── parsing ─────────────────────────────────────────────────────────────────────────────────────────────

describe('AddressSet.parse', () => {
  it('reads addresses, CIDRs and ranges of both families, separated by commas or spaces', () => {
    const set = AddressSet.parse('10.0.0.0/8, 192.168.1.1 2001:db8::/32,10.200.0.1-10.200.0.6, ::ffff:1.2.3.4');
    expect(set.toCidrStrings()).toEqual([
      '10.0.0.0/8',
      '192.168.1.1/32',
      '::ffff:102:304/128',
      '2001:db8::/32',
    ]);
    expect(AddressSet.parse('10.0.0.5-10.0.0.17').toCidrStrings()).toEqual(['10.0.0.5/32', '10.0.0.6/31', '10.0.0.8/29', '10.0.0.16/31']);
    expect(AddressSet.parse('10.0.0.5-10.0.0.17').toRanges()).toEqual(['10.0.0.5-10.0.0.17']);
  });

  it.each<[string, ErrorCode, RegExp]>([
    ['300.1.1.1', 'TW_INVALID_ADDRESS', /octet 300 is above 255/],
    ['1.2.3', 'TW_INVALID_ADDRESS', /4 decimal octets/],
    ['1.2.3.4.5', 'TW_INVALID_ADDRESS', /unexpected/],
    ['010.0.0.1', 'TW_INVALID_ADDRESS', /leading zero/],
    ['10.0.0.0/33', 'TW_INVALID_PREFIX_LENGTH', /\/33/],
    ['::/129', 'TW_INVALID_PREFIX_LENGTH', /\/129/],
    ['10.0.0.0/', 'TW_INVALID_PREFIX_LENGTH', /prefix length/],
    ['10.0.0.0/8x', 'TW_INVALID_PREFIX_LENGTH', /prefix length/],
    ['10.0.0.1/8', 'TW_HOST_BITS_SET', /the network is 10\.0\.0\.0\/8/],
    ['2001:db8::1/32', 'TW_HOST_BITS_SET', /the network is 2001:db8::\/32/],
    ['1::2::3', 'TW_INVALID_ADDRESS', /only once/],
    ['1:2:3:4:5:6:7:8:9', 'TW_INVALID_ADDRESS', /more than 8 groups/],
    ['1:2:3', 'TW_INVALID_ADDRESS', /expected 8 groups/],
    ['12345::', 'TW_INVALID_ADDRESS', /more than 4 hex digits/],
    ['fe80::1%eth0', 'TW_INVALID_ADDRESS', /zone/],
    ['1:2:3:4:5:6:7:8::', 'TW_INVALID_ADDRESS', /::/],
    ['10.0.0.9-10.0.0.1', 'TW_INVALID_RANGE', /ends before it starts/],
    ['10.0.0.1-::1', 'TW_INVALID_RANGE', /mixes/],
    ['', 'TW_INVALID_ADDRESS', /./],
  ])('rejects %j with %s', (text, code, message) => {
    const error = expectError(() => AddressSet.fromStrings([text]), code);
    expect(error.message).toMatch(message);
  });

  it('masks host bits off when asked to normalise', () => {
    expect(AddressSet.parse('10.0.0.1/8', { normalize: true }).toCidrStrings()).toEqual(['10.0.0.0/8']);
    expect(AddressSet.parse('2001:db8::1/32', { normalize: true }).toCidrStrings()).toEqual(['2001:db8::/32']);
  });

  it('takes the fast paths and the general parser to the same sets (and to the oracle)', () => {
    fc.assert(
      fc.property(arbCidrs, (cidrs) => {
        const fast = AddressSet.fromStrings(cidrs);
        // `normalize` bypasses the fast paths; on strict input it must not change the result.
        const general = AddressSet.fromStrings(cidrs, { normalize: true });
        expect(fast.equals(general)).toBe(true);
        const padded = AddressSet.fromStrings(cidrs.map((c) => ` ${c} `));
        expect(padded.equals(fast)).toBe(true);
        expect(fast.toCidrStrings()).toEqual(cidrs.length === 0 ? [] : mergeCidr(cidrs));
      }),
    );
  });

  it('writes the blocks toCidrs lists, IPv4 first, for unaligned ranges of both families too', () => {
    const v4 = fc.nat(0xffffffff).map((n) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`);
    const range = fc.tuple(v4, v4).map(([a, b]) => {
      const [x, y] = [parseAddress(a).words[0]!, parseAddress(b).words[0]!];
      return x <= y ? `${a}-${b}` : `${b}-${a}`;
    });
    fc.assert(
      fc.property(fc.array(fc.oneof(range, arbV4Cidr, arbV6Cidr), { maxLength: 6 }), (entries) => {
        const set = AddressSet.fromStrings(entries);
        const listed = set.toCidrs().map(formatCidr);
        expect(set.toCidrStrings()).toEqual(listed);
        expect(set.toCidrStrings('ipv4')).toEqual(listed.filter((text) => !text.includes(':')));
        expect(set.toCidrStrings('ipv6')).toEqual(listed.filter((text) => text.includes(':')));
      }),
    );
  });

  it('parses every IPv6 text form to the value cidr-tools reads', () => {
    const arbForm = fc.tuple(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), fc.constantFrom('canonical', 'full', 'upper')).map(([value, form]) => {
      const words = v6Words(value);
      const canonical = formatIPv6(words);
      if (form === 'canonical') return { value, text: canonical };
      const full = Array.from(words, (w) => `${(w >>> 16).toString(16).padStart(4, '0')}:${(w & 0xffff).toString(16).padStart(4, '0')}`).join(':');
      return { value, text: form === 'full' ? full : canonical.toUpperCase() };
    });
    fc.assert(
      fc.property(arbForm, ({ value, text }) => {
        const parsed = parseAddress(text);
        const words = parsed.words;
        expect(((BigInt(words[0]!) << 96n) | (BigInt(words[1]!) << 64n) | (BigInt(words[2]!) << 32n) | BigInt(words[3]!))).toBe(value);
        expect(parseCidr(`${text}/128`).start).toBe(value);
        // RFC 5952 text, as cidr-tools normalises it
        expect(formatIPv6(words)).toBe(normalizeCidr(`${formatIPv6(words)}/128`).replace(/\/128$/, ''));
      }),
    );
  });

  it('agrees with ip-cidr on the first and last address of every block', () => {
    fc.assert(
      fc.property(fc.oneof(arbV4Cidr, arbV6Cidr), (cidr) => {
        const oracle = new IPCIDR(cidr);
        const range = AddressSet.fromStrings([cidr]).toRanges()[0]!;
        const [first, last] = range.split('-') as [string, string?];
        expect(parseAddress(first).words).toEqual(parseAddress(oracle.start() as string).words);
        expect(parseAddress(last ?? first).words).toEqual(parseAddress(oracle.end() as string).words);
      }),
    );
  });

  it('lets nothing but TagwallError escape, whatever the text', () => {
    const mutated = fc.tuple(fc.oneof(arbV4Cidr, arbV6Cidr), fc.nat(), fc.string({ maxLength: 3 })).map(([cidr, at, insert]) => {
      const i = at % (cidr.length + 1);
      return cidr.slice(0, i) + insert + cidr.slice(i + 1);
    });
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), mutated), (text) => {
        for (const parse of [() => AddressSet.parse(text), () => AddressSet.fromStrings([text]), () => parseAddress(text), () => AddressSet.EMPTY.has(text)]) {
          try {
            parse();
          } catch (error) {
            expect(error).toBeInstanceOf(TagwallError);
          }
        }
      }),
    );
  });
});

// ─── algebra and output ──────────────────────────────────────────────────────────────────────────────────

describe('AddressSet algebra', () => {
  it('obeys the laws of a Boolean algebra', () => {
    fc.assert(
      fc.property(arbSet, arbSet, arbSet, (a, b, c) => {
        expectBooleanAlgebra(a, b, c);
        for (const family of ['ipv4', 'ipv6'] as const) {
          expect(a.union(b).size(family)).toBe(a.size(family) + b.size(family) - a.intersection(b).size(family));
        }
      }),
    );
  });

  it('agrees with cidr-tools on difference, overlap and containment', () => {
    const arbV4List = fc.array(arbV4Cidr, { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(arbV4List, arbV4List, (x, y) => {
        const [a, b] = [AddressSet.fromStrings(x), AddressSet.fromStrings(y)];
        expect(a.difference(b).toCidrStrings()).toEqual(excludeCidr(x, y));
        expect(a.overlaps(b)).toBe(overlapCidr(x, y));
        // containsCidr checks each network of y against one network of x; an aligned block inside a union is
        // inside one of its minimal blocks, so against mergeCidr(x) it decides containment by the union.
        expect(b.isSubsetOf(a)).toBe(containsCidr(mergeCidr(x), y));
      }),
    );
  });

  it('has(address) agrees with the CIDRs it was built from', () => {
    fc.assert(
      fc.property(arbCidrs, fc.oneof(arbV4Cidr, arbV6Cidr), (cidrs, probeCidr) => {
        const set = AddressSet.fromStrings(cidrs);
        const probe = probeCidr.split('/')[0]!;
        const inSome = cidrs.some((cidr) => AddressSet.fromStrings([cidr]).overlaps(AddressSet.fromStrings([probe])));
        expect(set.has(probe)).toBe(inSome);
      }),
    );
  });

  it('prints the minimal CIDR list: round-trips, sorted, disjoint, nothing mergeable', () => {
    fc.assert(
      fc.property(arbSet, (set) => {
        const cidrs = set.toCidrStrings();
        expect(AddressSet.fromStrings(cidrs).equals(set)).toBe(true);
        const blocks = set.toCidrs();
        for (let i = 1; i < blocks.length; i++) {
          const [p, q] = [blocks[i - 1]!, blocks[i]!];
          if (p.family !== q.family) continue;
          const [ps, qs] = [AddressSet.fromStrings([cidrs[i - 1]!]), AddressSet.fromStrings([cidrs[i]!])];
          expect(ps.overlaps(qs)).toBe(false);
          // Two blocks could merge when they have the same length and together form the parent block.
          if (p.prefixLength === q.prefixLength && p.prefixLength > 0) {
            const parent = AddressSet.fromStrings([cidrs[i - 1]!], { normalize: true });
            const merged = AddressSet.fromStrings([`${cidrs[i - 1]!.split('/')[0]}/${p.prefixLength - 1}`], { normalize: true });
            expect(merged.equals(parent.union(qs))).toBe(false);
          }
        }
        // and no list is shorter: cidr-tools' merge of our own output finds nothing to merge
        expect(cidrs.length === 0 ? [] : mergeCidr(cidrs)).toEqual(cidrs);
      }),
    );
  });

  it('computes complements across the whole space', () => {
    const everything = AddressSet.parse('0.0.0.0/0, ::/0');
    expect(everything.equals(AddressSet.ALL)).toBe(true);
    expect(AddressSet.parse('0.0.0.0/0').difference(AddressSet.parse('10.0.0.0/8')).toCidrStrings()).toEqual([
      '0.0.0.0/5',
      '8.0.0.0/7',
      '11.0.0.0/8',
      '12.0.0.0/6',
      '16.0.0.0/4',
      '32.0.0.0/3',
      '64.0.0.0/2',
      '128.0.0.0/1',
    ]);
    expect(AddressSet.parse('::/1').complement().only('ipv6').toCidrStrings()).toEqual(['8000::/1']);
    expect(AddressSet.parse('255.255.255.255').complement().only('ipv4').toRanges()).toEqual(['0.0.0.0-255.255.255.254']);
    expect(AddressSet.ALL.size('ipv6')).toBe(1n << 128n);
  });
});

describe('an IPv4 tail before a prefix length', () => {
  it('reads ::ffff:0.0.0.0/96 as nft and ip6tables-save print it (firewalld uses it)', () => {
    expect(AddressSet.parse('::ffff:0.0.0.0/96').toCidrStrings()).toEqual(['::ffff:0:0/96']);
    expect(AddressSet.parse('::ffff:10.0.0.0-::ffff:10.0.0.1').toCidrStrings()).toEqual(['::ffff:a00:0/127']);
    expect(() => AddressSet.parse('::ffff:1.2.3.4x/96')).toThrow(/after the 4th octet/);
  });
});
