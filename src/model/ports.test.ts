import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectBooleanAlgebra } from '../../test/support/set-laws.js';
import { TagwallError } from '../errors.js';
import { PortSet, ProtocolSet } from './ports.js';

const arbPorts = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(0, 1, 22, 80, 443, 65534, 65535), fc.nat({ max: 65535 })), fc.nat({ max: 300 })), { maxLength: 5 })
  .map((ranges) => PortSet.fromRanges(ranges.map(([first, span]) => [first, Math.min(65535, first + span)] as const)));
/** Ports worth probing: the edges of every range plus a few fixed ones. */
const probesOf = (...sets: PortSet[]): number[] => [
  ...new Set([0, 1, 443, 65535, ...sets.flatMap((s) => s.ranges().flatMap(([a, b]) => [a - 1, a, b, b + 1]))].filter((p) => p >= 0 && p <= 65535)),
];

describe('PortSet', () => {
  it('parses lists and ranges and prints them canonically', () => {
    expect(PortSet.parse('443, 80,8000-8999,81').toString()).toBe('80-81,443,8000-8999');
    expect(PortSet.parse('*').isAny()).toBe(true);
    expect(PortSet.parse('any').toString()).toBe('any');
    expect(PortSet.parse('0-65535').toString()).toBe('any');
    expect(PortSet.parse(' 5831 ').ranges()).toEqual([[5831, 5831]]);
    expect(PortSet.parse(443).has(443)).toBe(true);
    expect(PortSet.EMPTY.toString()).toBe('none');
    expect(PortSet.parse('80,443,8000-8999').difference(PortSet.of(8080)).toString()).toBe('80,443,8000-8079,8081-8999');
  });

  it.each([
    ['65536', /65536 is out of range/, 1],
    ['80-70', /ends before it starts/, 1],
    ['80,,90', /empty item/, 4],
    ['22, http', /'http' is not a port/, 5],
    ['1-2-3', /is not a port/, 1],
    ['', /empty port list/, undefined],
    ['-5', /is not a port/, 1],
  ])('rejects %j with the column of the item', (text, message, column) => {
    try {
      PortSet.parse(text);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TagwallError);
      expect((error as TagwallError).code).toBe('TW_INVALID_PORT');
      expect((error as TagwallError).message).toMatch(message);
      expect((error as TagwallError).location?.column).toBe(column);
    }
  });

  it('round-trips through its text and obeys the set laws', () => {
    fc.assert(
      fc.property(arbPorts, arbPorts, arbPorts, (a, b, c) => {
        if (!a.isEmpty()) expect(PortSet.parse(a.toString()).equals(a)).toBe(true);
        for (const p of probesOf(a, b)) {
          expect(a.union(b).has(p)).toBe(a.has(p) || b.has(p));
          expect(a.intersection(b).has(p)).toBe(a.has(p) && b.has(p));
          expect(a.difference(b).has(p)).toBe(a.has(p) && !b.has(p));
          expect(a.complement().has(p)).toBe(!a.has(p));
        }
        expectBooleanAlgebra(a, b, c);
        expect(a.count() + a.complement().count()).toBe(65536);
      }),
    );
  });

  it('lets nothing but TagwallError escape', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' })), (text) => {
        for (const parse of [() => PortSet.parse(text), () => ProtocolSet.parse(text)]) {
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

describe('ProtocolSet', () => {
  it('reads names, numbers and ranges, any case', () => {
    expect(ProtocolSet.parse('TCP,udp').toString()).toBe('tcp,udp');
    expect(ProtocolSet.parse('icmpv6').has(58)).toBe(true);
    expect(ProtocolSet.parse('ipv6-icmp').equals(ProtocolSet.parse('58'))).toBe(true);
    expect(ProtocolSet.parse('any').isAny()).toBe(true);
    expect(ProtocolSet.parse('0-5').ranges()).toEqual([[0, 5]]);
    expect(ProtocolSet.parse(ProtocolSet.parse('1-9,17').toString()).equals(ProtocolSet.parse('1-9,17'))).toBe(true);
  });

  it.each([['tcpp', /unknown protocol 'tcpp'/], ['256', /256 is out of range/], ['9-3', /ends before/]])('rejects %j', (text, message) => {
    expect(() => ProtocolSet.parse(text)).toThrow(message);
  });
});
