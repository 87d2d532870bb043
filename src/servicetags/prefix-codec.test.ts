import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressSet } from '../model/address-set.js';
import { formatCidr } from '../model/ip.js';
import { decodeAddressSet, decodeAddressSetAt, decodePrefixStrings, encodedSize, forEachPrefix, parseStrictPrefix, PrefixWriter } from './prefix-codec.js';
import { expectTagwallError } from './test-fixtures.js';

/** A random canonical prefix: random bits, masked to a random length, formatted by the model. */
const prefixArbitrary = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 })).map(([value, length]) => {
    const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
    return formatCidr({ family: 'ipv4', network: Uint32Array.of((value & mask) >>> 0), prefixLength: length });
  }),
  fc
    .tuple(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 128 }))
    .map(([words, length]) => {
      const network = Uint32Array.from(words, (word, k) => {
        const bits = Math.min(32, Math.max(0, length - 32 * k));
        const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
        return (word & mask) >>> 0;
      });
      return formatCidr({ family: 'ipv6', network, prefixLength: length });
    }),
);

function encode(prefixes: readonly string[]): Uint8Array {
  const writer = new PrefixWriter();
  for (const prefix of prefixes) writer.push(prefix);
  return writer.finish();
}

describe('prefix encoding', () => {
  it('round-trips canonical prefixes to the same text, in order', () => {
    fc.assert(
      fc.property(fc.array(prefixArbitrary, { maxLength: 40 }), (prefixes) => {
        const bytes = encode(prefixes);
        expect(decodePrefixStrings(bytes, 0, bytes.length)).toEqual(prefixes);
      }),
    );
  });

  it('stores a header byte and only the significant bytes', () => {
    expect([...encode(['20.150.0.0/17'])]).toEqual([17, 20, 150, 0]);
    expect([...encode(['0.0.0.0/0'])]).toEqual([0]);
    expect([...encode(['2603:1030::/48'])]).toEqual([33 + 48, 0x26, 0x03, 0x10, 0x30, 0, 0]);
    expect(encode(['2001:db8::1/128'])).toHaveLength(17);
  });

  it('decodes to the same AddressSet as the model parses, whatever the order and overlaps', () => {
    fc.assert(
      fc.property(fc.array(prefixArbitrary, { maxLength: 40 }), fc.boolean(), (prefixes, sorted) => {
        const input = sorted ? [...AddressSet.fromStrings(prefixes).toCidrStrings(), ...prefixes.slice(0, 2)] : prefixes;
        const bytes = encode(input);
        let v4 = 0;
        forEachPrefix(bytes, 0, bytes.length, (family) => {
          if (family === 'ipv4') v4++;
        });
        const decoded = decodeAddressSet(bytes, 0, bytes.length, v4, input.length - v4);
        expect(decoded.equals(AddressSet.fromStrings(input))).toBe(true);
      }),
    );
  });

  it('decodes IPv4 and IPv6 prefixes on their own paths (issue 22) to the bounds of the general one, /0 and full lengths included', () => {
    const edges = fc.constantFrom(
      ...['0.0.0.0/0', '255.255.255.255/32', '0.0.0.0/32', '128.0.0.0/1', '255.255.255.254/31', '10.0.0.0/8'],
      ...['::/0', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128', '8000::/1', 'ffff:ffff::/32', 'ffff:ffff:8000::/33'],
      ...['2603:1030:ffff:ffff::/64', '2603:1030:0:ffff:ffff:ffff::/96', '2603:1030:0:ffff:ffff:ffff:8000:0/97', '2a01:111:f403:c000::/63'],
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(prefixArbitrary, edges), { maxLength: 40 }), (prefixes) => {
        const bytes = encode(prefixes);
        const offsets: number[] = [];
        for (let at = 0; at < bytes.length; at += encodedSize(bytes[at]!)) offsets.push(at);
        const v4 = offsets.filter((at) => bytes[at]! < 33).length;
        const decoded = decodeAddressSet(bytes, 0, bytes.length, v4, offsets.length - v4);
        const general = decodeAddressSetAt(bytes, offsets);
        expect(decoded.ipv4.bounds).toEqual(general.ipv4.bounds);
        expect(decoded.ipv6.bounds).toEqual(general.ipv6.bounds);
      }),
      { seed: 22, numRuns: 500 },
    );
  });

  it('merges touching and overlapping prefixes that arrive in order', () => {
    const input = ['10.0.0.0/24', '10.0.1.0/24', '10.0.1.128/25', '10.0.3.0/24', '2001:db8::/33', '2001:db8:8000::/33'];
    const bytes = encode(input);
    expect(decodeAddressSet(bytes, 0, bytes.length, 4, 2).toCidrStrings()).toEqual(['10.0.0.0/23', '10.0.3.0/24', '2001:db8::/32']);
  });

  it('rejects counts that do not match the data, and damaged bytes, as a damaged snapshot (a typed error)', () => {
    const bytes = encode(['10.0.0.0/24', '2001:db8::/32']);
    expectTagwallError(() => decodeAddressSet(bytes, 0, bytes.length, 2, 1), 'TW_SNAPSHOT_SHAPE');
    expectTagwallError(() => decodeAddressSet(bytes, 0, bytes.length, 0, 1), 'TW_SNAPSHOT_SHAPE');
    // An IPv4 prefix cut short, and one more than counted: the errors of the general path.
    expect(() => decodeAddressSet(bytes.subarray(0, 3), 0, 3, 1, 0)).toThrow('corrupt snapshot data: prefix at byte 0 runs past the end');
    expect(() => decodeAddressSet(bytes, 0, bytes.length, 0, 1)).toThrow('corrupt snapshot data: more IPv4 prefixes than counted');
    expect(() => decodeAddressSet(bytes, 0, bytes.length, 1, 0)).toThrow('corrupt snapshot data: more IPv6 prefixes than counted');
    const damaged = Uint8Array.of(255, ...bytes.subarray(1));
    expectTagwallError(() => decodePrefixStrings(damaged, 0, damaged.length), 'TW_SNAPSHOT_SHAPE');
    expectTagwallError(() => decodePrefixStrings(bytes, 0, bytes.length + 1), 'TW_SNAPSHOT_SHAPE');
  });
});

describe('the writes of an already parsed prefix', () => {
  it('writeIPv4 (a 32-bit integer) and writeIPv6 (16-bit groups) write the bytes write() does from words', () => {
    const v4 = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 }));
    const v6 = fc.tuple(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: 128 }));
    fc.assert(
      fc.property(fc.array(fc.oneof(v4.map((p) => ({ v4: p })), v6.map((p) => ({ v6: p }))), { maxLength: 8 }), (prefixes) => {
        const fast = new PrefixWriter();
        const general = new PrefixWriter();
        for (const prefix of prefixes) {
          if ('v4' in prefix) {
            const [value, length] = prefix.v4;
            const network = length === 0 ? 0 : (value & (-1 << (32 - length))) >>> 0;
            fast.writeIPv4(length, network | 0); // signed, as the scan holds it
            general.write(length, Uint32Array.of(network));
          } else {
            const [words, length] = prefix.v6;
            const groups = Uint16Array.from(words, (word, k) => word & (length >= 16 * (k + 1) ? 0xffff : length <= 16 * k ? 0 : (0xffff << (16 - (length - 16 * k))) & 0xffff));
            fast.writeIPv6(length, groups);
            general.write(33 + length, Uint32Array.from({ length: 4 }, (_, k) => ((groups[2 * k]! << 16) | groups[2 * k + 1]!) >>> 0));
          }
        }
        expect([...fast.finish()]).toEqual([...general.finish()]);
      }),
      { numRuns: 300, seed: 22 },
    );
  });
});

describe('parseStrictPrefix', () => {
  const network = new Uint32Array(4);
  const scratch = new Uint32Array(8);
  it.each([
    ['10.0.0.0', 'TW_INVALID_PREFIX_LENGTH'],
    ['10.0.0.0/', 'TW_INVALID_PREFIX_LENGTH'],
    ['10.0.0.0/08', 'TW_INVALID_PREFIX_LENGTH'],
    ['10.0.0.0/33', 'TW_INVALID_PREFIX_LENGTH'],
    ['10.0.0.1/8', 'TW_HOST_BITS_SET'],
    ['2001:db8::1/32', 'TW_HOST_BITS_SET'],
    ['010.0.0.0/8', 'TW_INVALID_ADDRESS'],
    ['10.0.0.0 /8', 'TW_INVALID_ADDRESS'],
    ['fe80::1%eth0/64', 'TW_INVALID_ADDRESS'],
    ['2001:db8::/129', 'TW_INVALID_PREFIX_LENGTH'],
  ] as const)('%s is %s', (text, code) => {
    expectTagwallError(() => parseStrictPrefix(text, network, scratch), code);
  });

  it('names the network a host-bit prefix would be', () => {
    const error = expectTagwallError(() => parseStrictPrefix('20.38.81.1/24', network, scratch), 'TW_HOST_BITS_SET');
    expect(error.message).toContain('20.38.81.0/24');
  });
});

describe('the one-pass IPv4 path of PrefixWriter.push', () => {
  // Near-misses of a plain IPv4 prefix: each must be read exactly as parseStrictPrefix reads it (same bytes, or
  // the same error code), whether the fast path takes it or hands it to the full parser.
  const piece = fc.constantFrom('0', '00', '1', '01', '9', '10', '99', '255', '256', '999', '1000', '.', '/', ':', ' ', 'a', '');
  const nearIPv4 = fc.array(piece, { minLength: 1, maxLength: 9 }).map((parts) => parts.join(''));
  const dotted = fc
    .tuple(fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 40 }))
    .map(([octets, length]) => `${octets.join('.')}/${length}`);

  it('agrees with parseStrictPrefix on every input', () => {
    fc.assert(
      fc.property(fc.oneof(nearIPv4, dotted, prefixArbitrary), (text) => {
        let expected: { bytes: Uint8Array } | { code: string };
        try {
          const network = new Uint32Array(4);
          const writer = new PrefixWriter();
          writer.write(parseStrictPrefix(text, network, new Uint32Array(8)), network);
          expected = { bytes: writer.finish() };
        } catch (error) {
          expected = { code: (error as { code: string }).code };
        }
        let actual: { bytes: Uint8Array } | { code: string };
        try {
          actual = { bytes: encode([text]) };
        } catch (error) {
          actual = { code: (error as { code: string }).code };
        }
        if ('code' in expected) expect(actual).toEqual(expected);
        else expect(actual).toEqual({ bytes: expected.bytes });
      }),
      { numRuns: 2000 },
    );
  });
});
