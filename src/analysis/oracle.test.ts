/**
 * The analysis questions against brute force over a universe that probes every dimension of the packet space at
 * once: both directions; TCP, UDP, ICMP, ICMPv6, GRE and ESP; private and public sources and destinations, one
 * address outside everything rules name and an IPv6 pair; destination ports 22, 80, 443, 444, 8080 and one no rule
 * names; source ports; ICMP types; 3 host-name patterns; URL path prefixes and an exact path.
 * (questions.test.ts does the same for a /28 of destinations, 16 ports and 3 host names, outbound TCP/UDP.)
 *
 * Rules are drawn as plain specs and the oracle matches packets against a spec with its own few lines of code
 * (CIDR arithmetic, `startsWith`), not with PacketSet. Every value a spec can name is a probe, and each dimension
 * has a probe outside everything specs name, so every cell of the partition the rules draw holds a probe: two
 * rule sets that agree on the universe agree everywhere, and the universe decides every question exactly.
 *
 * The library's sets are read back over the universe box by box (a packet lands in at most one box, which also
 * checks that boxes are disjoint), since calling `has` on all 28,160 packets for every set of every run would take minutes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressSet } from '../model/address-set.js';
import { HostSet } from '../model/hostnames.js';
import { icmpTypeCodes, PacketSet } from '../model/packet-set.js';
import { CONN_STATES, packetState, type Direction, type Packet } from '../model/packet.js';
import { parseAddress } from '../model/ip.js';
import { PathSet } from '../model/path-set.js';
import { PortSet, ProtocolSet } from '../model/ports.js';
import { IntervalSet } from '../model/intervals.js';
import { PORT_DOMAIN } from '../model/ports.js';
import { contains, difference, equivalent, evaluate, redundant, shadowed, type Verdict } from './questions.js';
import { allowedPackets, type Action, type Rule, type RuleSet } from './rule-set.js';

// ─── rule specs and the oracle ──────────────────────────────────────────────────────────────────────────

type HostSpec = { readonly kind: 'any' } | { readonly kind: 'no-host' } | { readonly kind: 'patterns'; readonly patterns: readonly string[] };
type PathSpec = { readonly kind: 'any' } | { readonly kind: 'no-path' } | { readonly kind: 'prefix' | 'exact'; readonly path: string };

/** A rule's match as data. `undefined` = any. */
interface Spec {
  readonly directions: readonly Direction[];
  readonly protocols: readonly number[] | undefined;
  readonly src: readonly string[] | undefined;
  readonly dst: readonly string[] | undefined;
  readonly srcPorts: ReadonlyArray<readonly [number, number]> | undefined;
  readonly dstPorts: ReadonlyArray<readonly [number, number]> | undefined;
  /** ICMP types (any code). */
  readonly icmpTypes: readonly number[] | undefined;
  readonly hosts: HostSpec;
  readonly paths: PathSpec;
}

const TCP = 6;
const UDP = 17;
const ICMP = 1;
const ICMPV6 = 58;
const GRE = 47;
const ESP = 50;

const ipv4Number = (address: string): number => address.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);

/** A packet with its addresses as numbers (IPv6: -1, which no spec CIDR holds, as specs name IPv4 only). */
interface Digest {
  readonly packet: Packet;
  readonly src: number;
  readonly dst: number;
}
const digest = (packet: Packet): Digest => ({
  packet,
  src: packet.src.includes(':') ? -1 : ipv4Number(packet.src),
  dst: packet.dst.includes(':') ? -1 : ipv4Number(packet.dst),
});

/** Plain CIDR arithmetic. */
function cidrTest(cidrs: readonly string[] | undefined): (address: number) => boolean {
  if (cidrs === undefined) return () => true;
  const blocks = cidrs.map((cidr) => {
    const [base, bits] = cidr.split('/') as [string, string];
    const size = 2 ** (32 - Number(bits));
    return [Math.floor(ipv4Number(base) / size), size] as const;
  });
  return (address) => address >= 0 && blocks.some(([block, size]) => Math.floor(address / size) === block);
}

const inRanges = (value: number, ranges: ReadonlyArray<readonly [number, number]> | undefined): boolean =>
  ranges === undefined || ranges.some(([lo, hi]) => lo <= value && value <= hi);

/** targets.md §1.3: `*.x.com` matches names below x.com, not x.com itself. */
function hostOk(spec: HostSpec, host: string | undefined): boolean {
  if (spec.kind === 'any') return true;
  if (spec.kind === 'no-host') return host === undefined;
  return host !== undefined && spec.patterns.some((pattern) => (pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) : host === pattern));
}

function pathOk(spec: PathSpec, path: string | undefined): boolean {
  if (spec.kind === 'any') return true;
  if (spec.kind === 'no-path') return path === undefined;
  return path !== undefined && (spec.kind === 'prefix' ? path.startsWith(spec.path) : path === spec.path);
}

/**
 * A spec as a predicate, with the semantics PacketSet documents: a port constraint means "TCP or UDP with these
 * ports", an ICMP-type constraint "ICMP or ICMPv6 with these types"; other protocols match only when neither is given.
 */
function matcher(spec: Spec): (d: Digest) => boolean {
  const srcOk = cidrTest(spec.src);
  const dstOk = cidrTest(spec.dst);
  return ({ packet, src, dst }) => {
    if (!spec.directions.includes(packet.direction)) return false;
    if (spec.protocols !== undefined && !spec.protocols.includes(packet.protocol)) return false;
    if (!srcOk(src) || !dstOk(dst)) return false;
    const ported = packet.protocol === TCP || packet.protocol === UDP;
    const icmp = packet.protocol === ICMP || packet.protocol === ICMPV6;
    if (ported) {
      if (spec.icmpTypes !== undefined || !inRanges(packet.srcPort!, spec.srcPorts) || !inRanges(packet.dstPort!, spec.dstPorts)) return false;
    } else {
      if (spec.srcPorts !== undefined || spec.dstPorts !== undefined) return false;
      if (spec.icmpTypes !== undefined && !(icmp && spec.icmpTypes.includes(packet.icmp!.type))) return false;
    }
    return hostOk(spec.hosts, packet.host) && pathOk(spec.paths, packet.path);
  };
}

interface SpecRule {
  readonly action: Action;
  readonly spec: Spec;
}
interface SpecRuleSet {
  readonly rules: readonly SpecRule[];
  readonly defaultAction: Action;
}

const matchers = new WeakMap<Spec, (d: Digest) => boolean>();
function matchesSpec(spec: Spec, d: Digest): boolean {
  let test = matchers.get(spec);
  if (!test) matchers.set(spec, (test = matcher(spec)));
  return test(d);
}

/** First match by scanning the specs: the oracle's verdict and the index of the deciding rule (-1: default). */
function oracle(set: SpecRuleSet, packet: Packet | Digest): { action: Action; index: number } {
  const d = 'packet' in packet ? packet : digest(packet);
  const index = set.rules.findIndex((rule) => matchesSpec(rule.spec, d));
  return { action: index < 0 ? set.defaultAction : set.rules[index]!.action, index };
}

function packetSetOf(spec: Spec): PacketSet {
  const ranges = (list: ReadonlyArray<readonly [number, number]>): PortSet => PortSet.fromRanges(list);
  return PacketSet.of({
    directions: spec.directions,
    ...(spec.protocols ? { protocols: ProtocolSet.of(...spec.protocols) } : {}),
    ...(spec.src ? { src: AddressSet.fromStrings(spec.src) } : {}),
    ...(spec.dst ? { dst: AddressSet.fromStrings(spec.dst) } : {}),
    ...(spec.srcPorts ? { srcPorts: ranges(spec.srcPorts) } : {}),
    ...(spec.dstPorts ? { dstPorts: ranges(spec.dstPorts) } : {}),
    ...(spec.icmpTypes ? { icmp: spec.icmpTypes.reduce((set, type) => set.union(icmpTypeCodes(type)), IntervalSet.empty(PORT_DOMAIN)) } : {}),
    hosts: spec.hosts.kind === 'any' ? HostSet.ANY : spec.hosts.kind === 'no-host' ? HostSet.NO_HOST : HostSet.fromPatterns(spec.hosts.patterns),
    paths: spec.paths.kind === 'any' ? PathSet.ANY : spec.paths.kind === 'no-path' ? PathSet.NO_PATH : spec.paths.kind === 'prefix' ? PathSet.prefix(spec.paths.path) : PathSet.exact(spec.paths.path),
  });
}

function ruleSetOf(set: SpecRuleSet, name: string): RuleSet {
  // The oracle has no connection states: its rules hold in every state and are read as written.
  return { name, mode: 'expanded', states: 'explicit', defaultAction: set.defaultAction, rules: set.rules.map((rule, i): Rule => ({ id: `r${i}`, action: rule.action, match: packetSetOf(rule.spec) })) };
}

// ─── the universe ────────────────────────────────────────────────────────────────────────────────────────

const SRC_BLOCKS = ['172.16.1.0/24', '20.150.2.0/24'];
/** Destinations are drawn inside these: a private and a public /31, so witnesses have both to choose from. */
const DST_BLOCKS = ['172.16.0.0/31', '20.150.1.0/31'];
/** One address per source block, one outside both, and one IPv6 address (specs name IPv4 only; "any" covers v6). */
const SRC_PROBES = ['172.16.1.9', '20.150.2.9', '8.8.8.8', 'fd00::9'];
const DST_PROBES = ['172.16.0.0', '172.16.0.1', '20.150.1.0', '20.150.1.1', '1.1.1.1', '2603::1'];
/** Port clusters specs name (singly, or as a range inside one cluster), and 5000, which none names. */
const PORT_CLUSTERS = [[22], [80], [443, 444], [8080]];
const DST_PORTS = [...PORT_CLUSTERS.flat(), 5000];
/** Specs limit source ports to 1024-65535 or to 49152, so these three probe every cell. */
const SRC_PORTS = [1000, 49152, 50000];
const ICMP_TYPES = [8, 0, 3];
const HOST_PATTERNS = ['x.com', '*.x.com', 'y.org'];
const HOSTS = [undefined, 'x.com', 'a.x.com', 'y.org', 'z.net'];
/** Specs use the prefixes `/` and `/a/` and the exact path `/a/b`. */
const PATHS = [undefined, '/a/b', '/a/c', '/z'];
const PROTOCOLS = [TCP, UDP, ICMP, ICMPV6, GRE, ESP];
const DIRECTIONS: readonly Direction[] = ['out', 'in'];

const UNIVERSE: Packet[] = [];
for (const direction of DIRECTIONS)
  for (const protocol of PROTOCOLS)
    for (const src of SRC_PROBES)
      for (const dst of DST_PROBES) {
        if (src.includes(':') !== dst.includes(':')) continue;
        const layer4: Array<Pick<Packet, 'srcPort' | 'dstPort' | 'icmp'>> =
          protocol === TCP || protocol === UDP
            ? SRC_PORTS.flatMap((srcPort) => DST_PORTS.map((dstPort) => ({ srcPort, dstPort })))
            : protocol === ICMP || protocol === ICMPV6
              ? ICMP_TYPES.map((type) => ({ icmp: { type, code: 0 } }))
              : [{}];
        for (const ports of layer4)
          for (const host of HOSTS)
            for (const path of PATHS) UNIVERSE.push({ direction, protocol, src, dst, ...ports, ...(host ? { host } : {}), ...(path ? { path } : {}) });
      }
const DIGESTS = UNIVERSE.map(digest);
const SRC_AT = Int8Array.from(UNIVERSE, (packet) => SRC_PROBES.indexOf(packet.src));
const DST_AT = Int8Array.from(UNIVERSE, (packet) => DST_PROBES.indexOf(packet.dst));

/** The universe packets in `set`, read box by box; fails the test when a packet lies in two boxes. */
function members(set: PacketSet): Uint8Array {
  const marks = new Uint8Array(UNIVERSE.length);
  const srcWords = SRC_PROBES.map((address) => parseAddress(address));
  const dstWords = DST_PROBES.map((address) => parseAddress(address));
  for (const box of set.boxes) {
    const srcIn = srcWords.map(({ family, words }) => family === box.family && box.src.has(words));
    const dstIn = dstWords.map(({ family, words }) => family === box.family && box.dst.has(words));
    for (let i = 0; i < UNIVERSE.length; i++) {
      if (!srcIn[SRC_AT[i]!] || !dstIn[DST_AT[i]!]) continue;
      const packet = UNIVERSE[i]!;
      if ((box.directions & (packet.direction === 'in' ? 1 : 2)) === 0 || !box.protocols.has(packet.protocol)) continue;
      if ((box.states & (1 << CONN_STATES.indexOf(packetState(packet)))) === 0) continue;
      if (packet.srcPort !== undefined && !(box.srcPorts.hasNumber(packet.srcPort) && box.dstPorts.hasNumber(packet.dstPort!))) continue;
      if (packet.icmp && !box.dstPorts.hasNumber(packet.icmp.type << 8)) continue;
      if (!box.hosts.has(packet.host) || !box.paths.has(packet.path)) continue;
      if (marks[i] === 1) expect.fail(`boxes overlap at ${JSON.stringify(packet)}`);
      marks[i] = 1;
    }
  }
  return marks;
}

/** The oracle's verdict on every universe packet (1 = allow). */
function verdicts(set: SpecRuleSet): Uint8Array {
  return Uint8Array.from(DIGESTS, (d) => (oracle(set, d).action === 'allow' ? 1 : 0));
}

const sameArrays = (a: Uint8Array, b: Uint8Array): boolean => a.every((value, i) => value === b[i]);

// ─── arbitraries ────────────────────────────────────────────────────────────────────────────────────────

const optional = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arbitrary, { nil: undefined, freq: 3 });
const dstCidr = fc.tuple(fc.constantFrom(...DST_BLOCKS), fc.integer({ min: 0, max: 1 }), fc.integer({ min: 31, max: 32 })).map(([block, offset, bits]) => {
  const [a, b, c, d] = block.split('/')[0]!.split('.').map(Number) as [number, number, number, number];
  const size = 2 ** (32 - bits);
  return `${a}.${b}.${c}.${d + Math.floor(offset / size) * size}/${bits}`;
});
const portRanges = fc.oneof(
  fc.subarray(PORT_CLUSTERS.flat(), { minLength: 1, maxLength: 3 }).map((ports) => ports.map((p) => [p, p] as const)),
  fc.constantFrom(...PORT_CLUSTERS).chain((cluster) =>
    fc.tuple(fc.integer({ min: 0, max: cluster.length - 1 }), fc.integer({ min: 0, max: cluster.length - 1 })).map(([i, j]) => [[cluster[Math.min(i, j)]!, cluster[Math.max(i, j)]!] as const]),
  ),
);
const layer4 = fc.oneof(
  { arbitrary: fc.constant({}), weight: 2 },
  { arbitrary: fc.record({ dstPorts: portRanges }), weight: 3 },
  { arbitrary: fc.record({ dstPorts: portRanges, srcPorts: fc.constantFrom([[1024, 65535] as const], [[49152, 49152] as const]) }), weight: 1 },
  { arbitrary: fc.record({ icmpTypes: fc.subarray([8, 0], { minLength: 1 }) }), weight: 1 },
);
const hostSpec: fc.Arbitrary<HostSpec> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'any' as const }), weight: 4 },
  { arbitrary: fc.constant({ kind: 'no-host' as const }), weight: 1 },
  { arbitrary: fc.subarray(HOST_PATTERNS, { minLength: 1 }).map((patterns) => ({ kind: 'patterns' as const, patterns })), weight: 3 },
);
const pathSpec: fc.Arbitrary<PathSpec> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'any' as const }), weight: 5 },
  { arbitrary: fc.constant({ kind: 'no-path' as const }), weight: 1 },
  { arbitrary: fc.constantFrom('/a/', '/').map((path) => ({ kind: 'prefix' as const, path })), weight: 1 },
  { arbitrary: fc.constant({ kind: 'exact' as const, path: '/a/b' }), weight: 1 },
);
const spec: fc.Arbitrary<Spec> = fc
  .record({
    directions: fc.constantFrom<readonly Direction[]>(['out'], ['out'], ['in'], ['in', 'out']),
    protocols: optional(fc.subarray([TCP, UDP, ICMP, ICMPV6, GRE], { minLength: 1, maxLength: 3 })),
    src: optional(fc.subarray(SRC_BLOCKS, { minLength: 1 })),
    dst: optional(fc.array(dstCidr, { minLength: 1, maxLength: 2 })),
    layer4,
    hosts: hostSpec,
    paths: pathSpec,
  })
  .map(({ layer4: fields, ...rest }) => ({ srcPorts: undefined, dstPorts: undefined, icmpTypes: undefined, ...rest, ...fields }));
const action = fc.constantFrom<Action>('allow', 'deny');
const specRuleSet: fc.Arbitrary<SpecRuleSet> = fc.record({ rules: fc.array(fc.record({ action, spec }), { maxLength: 6 }), defaultAction: action });
/** Often the second side is an edit of the first, so equivalent and nearly equivalent pairs are common. */
const pair = specRuleSet.chain((a) =>
  fc
    .oneof(
      specRuleSet,
      fc.constant(a),
      fc.nat(6).map((drop) => ({ ...a, rules: a.rules.filter((_, i) => i !== drop) })),
      fc.constant({ ...a, rules: [...a.rules].reverse() }),
      fc.tuple(fc.nat(6), fc.record({ action, spec })).map(([at, rule]) => ({ ...a, rules: [...a.rules.slice(0, at), rule, ...a.rules.slice(at)] })),
    )
    .map((b) => [a, b] as const),
);

/** A claimed verdict is real: evaluate agrees, and so does the oracle (same action, same deciding rule). */
function expectVerdict(set: SpecRuleSet, built: RuleSet, packet: Packet, claimed: Verdict): void {
  expect(evaluate(built, packet)).toEqual(claimed);
  const truth = oracle(set, packet);
  expect(claimed.action).toBe(truth.action);
  expect(claimed.rule?.id).toBe(truth.index < 0 ? undefined : `r${truth.index}`);
}

/** No universe packet of `marks` reads better than `witness` (a sample of at most ~2,000, spread evenly). */
function expectMostReadable(witness: Packet, marks: Uint8Array): void {
  const inside = UNIVERSE.filter((_, i) => marks[i] === 1);
  const step = Math.max(1, Math.floor(inside.length / 2000));
  for (let i = 0; i < inside.length; i += step) {
    expect(PacketSet.compareWitnesses(witness, inside[i]!), `a more readable witness exists: ${JSON.stringify(inside[i])}`).toBeLessThanOrEqual(0);
  }
}

describe('questions against an oracle on a universe of every dimension', () => {
  it('probes every value a spec names and one value outside them in each dimension', () => {
    expect(DST_PROBES.filter((address) => DST_BLOCKS.some((block) => cidrTest([block])(ipv4Number(address))))).toHaveLength(4);
    expect(SRC_BLOCKS.map((block) => SRC_PROBES.filter((address) => !address.includes(':') && cidrTest([block])(ipv4Number(address))).length)).toEqual([1, 1]);
    // 16 address pairs (3 IPv4 sources x 5 IPv4 destinations, one IPv6 pair); 18 TCP/UDP port pairs, 3 ICMP types.
    expect(UNIVERSE.length).toBe(2 * (2 * 16 * 18 + 2 * 16 * 3 + 2 * 16) * 5 * 4);
  });

  it('allowedPackets and evaluate agree with the oracle on every packet', () => {
    fc.assert(
      fc.property(specRuleSet, (set) => {
        const built = ruleSetOf(set, 'a');
        expect(sameArrays(members(allowedPackets(built)), verdicts(set))).toBe(true);
        // evaluate scans matches with `has`; a sample keeps it quick while covering every rule.
        for (let i = 0; i < UNIVERSE.length; i += 97) {
          const packet = UNIVERSE[i]!;
          const truth = oracle(set, DIGESTS[i]!);
          expect(evaluate(built, packet).rule?.id).toBe(truth.index < 0 ? undefined : `r${truth.index}`);
        }
      }),
      { numRuns: 30, seed: 5 },
    );
  });

  it('equivalent agrees with the oracle; its witness is real, decided as claimed on both sides, and the most readable', () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const [left, right] = [ruleSetOf(a, 'a'), ruleSetOf(b, 'b')];
        const [va, vb] = [verdicts(a), verdicts(b)];
        const answer = equivalent(left, right);
        expect(answer.equivalent).toBe(sameArrays(va, vb));
        if (answer.equivalent) return;
        expect(answer.left.action).not.toBe(answer.right.action);
        expectVerdict(a, left, answer.witness, answer.left);
        expectVerdict(b, right, answer.witness, answer.right);
        expect(sameArrays(members(answer.onlyLeft), va.map((x, i) => (x === 1 && vb[i] === 0 ? 1 : 0)))).toBe(true);
        expect(sameArrays(members(answer.onlyRight), va.map((x, i) => (x === 0 && vb[i] === 1 ? 1 : 0)))).toBe(true);
        expectMostReadable(answer.witness, va.map((x, i) => (x !== vb[i] ? 1 : 0)));
      }),
      { numRuns: 40, seed: 6 },
    );
  });

  it('difference and contains are exact; every piece witness is real and the first reads best', () => {
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const [left, right] = [ruleSetOf(a, 'a'), ruleSetOf(b, 'b')];
        const [va, vb] = [verdicts(a), verdicts(b)];
        const onlyA = va.map((x, i) => (x === 1 && vb[i] === 0 ? 1 : 0));
        const answer = difference(left, right);
        expect(sameArrays(members(answer.packets), onlyA)).toBe(true);
        expect(answer.pieces.reduce((set, piece) => set.union(piece.packets), PacketSet.EMPTY).equals(answer.packets)).toBe(true);
        for (const piece of answer.pieces) {
          expect(piece.packets.has(piece.witness)).toBe(true);
          expect([oracle(a, piece.witness).action, oracle(b, piece.witness).action]).toEqual(['allow', 'deny']);
        }
        for (const later of answer.pieces.slice(1)) expect(PacketSet.compareWitnesses(answer.pieces[0]!.witness, later.witness)).toBeLessThanOrEqual(0);
        const containment = contains(right, left);
        expect(containment.contained).toBe(!onlyA.includes(1));
        if (containment.contained) return;
        expect(containment.witness).toEqual(answer.pieces[0]!.witness);
        expect([containment.inner.action, containment.outer.action]).toEqual(['allow', 'deny']);
        expectVerdict(a, left, containment.witness, containment.inner);
        expectVerdict(b, right, containment.witness, containment.outer);
        expectMostReadable(containment.witness, onlyA);
      }),
      { numRuns: 30, seed: 7 },
    );
  });

  it('shadowed and redundant agree with the oracle', () => {
    fc.assert(
      fc.property(specRuleSet, (set) => {
        const built = ruleSetOf(set, 'a');
        const reached = new Set(DIGESTS.map((d) => oracle(set, d).index));
        const never = shadowed(built);
        expect(never.map((entry) => entry.index)).toEqual(set.rules.flatMap((_, i) => (reached.has(i) ? [] : [i])));
        for (const entry of never) {
          // coveredBy: exactly the earlier rules that share a packet with it.
          const overlapping = set.rules.slice(0, entry.index).flatMap((earlier, j) =>
            DIGESTS.some((d) => matchesSpec(earlier.spec, d) && matchesSpec(set.rules[entry.index]!.spec, d)) ? [`r${j}`] : [],
          );
          expect(entry.coveredBy.map((rule) => rule.id)).toEqual(overlapping);
        }
        const all = verdicts(set);
        const removable = set.rules.flatMap((_, i) => (sameArrays(all, verdicts({ ...set, rules: set.rules.filter((__, j) => j !== i) })) ? [i] : []));
        expect(redundant(built).map((entry) => entry.index)).toEqual(removable);
      }),
      { numRuns: 30, seed: 8 },
    );
  });
});
