import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectBooleanAlgebra } from '../../test/support/set-laws.js';
import { AddressSet } from './address-set.js';
import { HostSet } from './hostnames.js';
import { formatPacket, parsePacket, type Packet } from './packet.js';
import { PacketSet } from './packet-set.js';
import { PathSet } from './path-set.js';
import { PortSet, ProtocolSet } from './ports.js';

// Every cell the generators can draw holds at least one probe, so membership of the probes is the oracle.
const PATTERNS = ['/', '/a', '/a/', '/a/b', '/b', '/a/b/c', '/\uffff'];
// Each pattern, and a longer path below it (so a prefix and the exact path always differ on some probe).
const PROBES: Array<string | undefined> = [undefined, '/c', ...PATTERNS.flatMap((pattern) => [pattern, `${pattern}z`])];

const atom: fc.Arbitrary<PathSet> = fc.oneof(
  fc.constant(PathSet.ANY),
  fc.constant(PathSet.NO_PATH),
  fc.constantFrom(...PATTERNS).map((p) => PathSet.prefix(p)),
  fc.constantFrom(...PATTERNS).map((p) => PathSet.exact(p)),
);
const arbPaths: fc.Arbitrary<PathSet> = fc
  .array(fc.tuple(atom, fc.constantFrom('union', 'difference', 'intersection')), { minLength: 1, maxLength: 4 })
  .map((steps) => steps.reduce<PathSet>((set, [next, op]) => set[op as 'union'](next), PathSet.EMPTY));

/** What a path set means, by the definitions: prefixes by startsWith, exact by ===. */
const members = (set: PathSet): boolean[] => PROBES.map((p) => set.has(p));

describe('PathSet', () => {
  it('means what prefixes and exact paths say', () => {
    expect(PathSet.prefix('/a/').has('/a/b')).toBe(true);
    expect(PathSet.prefix('/a/').has('/a')).toBe(false);
    expect(PathSet.prefix('/a/').has(undefined)).toBe(false);
    expect(PathSet.exact('/a').has('/a/')).toBe(false);
    expect(PathSet.prefix('/').has('/anything')).toBe(true);
    expect(PathSet.ANY.has(undefined)).toBe(true);
    for (const pattern of PATTERNS) {
      for (const probe of PROBES) {
        expect(PathSet.prefix(pattern).has(probe)).toBe(probe !== undefined && probe.startsWith(pattern));
        expect(PathSet.exact(pattern).has(probe)).toBe(probe === pattern);
      }
    }
  });

  it('is a Boolean algebra whose equality is set equality on the probes', () => {
    fc.assert(
      fc.property(arbPaths, arbPaths, arbPaths, (a, b, c) => {
        expectBooleanAlgebra(a, b, c);
        expect(a.equals(b)).toBe(members(a).join() === members(b).join());
        expect(members(a.union(b))).toEqual(members(a).map((x, i) => x || members(b)[i]));
        expect(members(a.difference(b))).toEqual(members(a).map((x, i) => x && !members(b)[i]));
        const witness = a.witness();
        expect(witness === undefined).toBe(a.isEmpty());
        if (witness) expect(a.has(witness.path)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  // intersection answers the same set or PathSet.ANY on a side without the sweep (issue 22). Copies built by
  // other operations take the sweep: the shortcut must give the same spans, to the string.
  it('intersection with itself or with every path gives what the sweep gives', () => {
    const anyCopy = PathSet.prefix('/').union(PathSet.NO_PATH);
    const copy = (set: PathSet): PathSet => set.union(PathSet.EMPTY);
    fc.assert(
      fc.property(arbPaths, (a) => {
        expect(anyCopy).not.toBe(PathSet.ANY);
        expect(a.intersection(PathSet.ANY)).toEqual(a.intersection(anyCopy));
        expect(PathSet.ANY.intersection(a)).toEqual(anyCopy.intersection(a));
        expect(a.intersection(a)).toEqual(a.intersection(copy(a)));
        expect(a.intersection(PathSet.ANY).toString()).toBe(a.toString());
      }),
      { numRuns: 300 },
    );
  });

  it('prints prefixes and exact paths as written', () => {
    expect(PathSet.prefix('/a/').union(PathSet.exact('/b')).toString()).toBe('/a/*, /b');
    expect(PathSet.ANY.toString()).toBe('any path');
    expect(PathSet.prefix('/').toString()).toBe('/*');
    expect(() => PathSet.prefix('a')).toThrow(/starts with/);
  });
});

describe('the path dimension of PacketSet', () => {
  const hosts = fc.constantFrom(HostSet.ANY, HostSet.fromPatterns(['x.com']), HostSet.fromPatterns(['*.x.com', 'y.org']));
  const spec = fc.record({ hosts, paths: arbPaths, ports: fc.constantFrom(PortSet.of(443), PortSet.of(80, 443)) }).map(({ hosts, paths, ports }) =>
    PacketSet.of({ protocols: ProtocolSet.of(6), dstPorts: ports, dst: AddressSet.parse('20.0.0.0/8'), hosts, paths }),
  );
  const sets = fc.array(fc.tuple(spec, fc.boolean()), { minLength: 1, maxLength: 3 }).map((steps) =>
    steps.reduce((set, [next, add]) => (add ? set.union(next) : set.difference(next)), PacketSet.EMPTY),
  );
  const probes: Packet[] = PROBES.flatMap((path) =>
    [undefined, 'x.com', 'a.x.com', 'y.org'].flatMap((host) =>
      [443, 80].map((dstPort) => ({ direction: 'out' as const, protocol: 6, src: '10.0.0.1', srcPort: 49152, dst: '20.1.1.1', dstPort, ...(host ? { host } : {}), ...(path ? { path } : {}) })),
    ),
  );
  const probeMembers = (set: PacketSet): boolean[] => probes.map((p) => set.has(p));

  it('keeps the laws, exactly, with paths in the boxes', () => {
    fc.assert(
      fc.property(sets, sets, sets, (a, b, c) => {
        expectBooleanAlgebra(a, b, c);
        expect(probeMembers(a.intersection(b))).toEqual(probeMembers(a).map((x, i) => x && probeMembers(b)[i]));
        expect(a.compact().equals(a)).toBe(true);
        expect(a.compact().boxes.length).toBeLessThanOrEqual(a.boxes.length);
        const witness = a.witness();
        if (witness) expect(a.has(parsePacket(formatPacket(witness)))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('reads and writes path= in the packet text form', () => {
    const packet = parsePacket('out tcp 10.0.0.1 -> 20.1.1.1:443 host=github.com path=/Azure/');
    expect(packet.path).toBe('/Azure/');
    expect(formatPacket(packet)).toBe('out tcp 10.0.0.1:49152 -> 20.1.1.1:443 host=github.com path=/Azure/');
    const set = PacketSet.of({ hosts: HostSet.fromPatterns(['github.com']), paths: PathSet.prefix('/Azure/') });
    expect(set.has(packet)).toBe(true);
    expect(set.has({ ...packet, path: '/other' })).toBe(false);
    expect(set.toString()).toContain('path /Azure/*');
  });
});

describe('PathSet text', () => {
  it('prints a set by its complement when that reads better', () => {
    expect(PathSet.prefix('/org/repo/').complement().toString()).toBe('any path except /org/repo/*');
    expect(PathSet.ANY.difference(PathSet.exact('/a')).toString()).toBe('any path except /a');
  });
});
