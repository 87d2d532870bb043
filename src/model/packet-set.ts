/**
 * The packet-set core (DESIGN.md, "The semantic core"): exact sets of packets with ∪ ∩ −, emptiness and
 * witnesses.
 *
 * Representation: a list of pairwise-disjoint boxes. A box is a product of one set per dimension (direction,
 * protocol, source, destination, ports, host, URL path) within one address family and one port class. Disjoint boxes are
 * easy to read back as rules and to pick witnesses from; the cost is fragmentation on long first-match rule sets,
 * which is why callers only see `PacketSet` and the representation can change behind it (DESIGN.md).
 *
 * Ports exist only for TCP/UDP; ICMP and ICMPv6 carry a type and code instead (stored in the destination-port
 * dimension as `type << 8 | code`, which fits its 16 bits exactly); other protocols have neither. So a box holds
 * protocols of one class only, and `PacketSet.of` splits a spec by class. A port constraint that is not "any"
 * therefore means "TCP or UDP with these ports": it never matches ICMP or GRE, which have no ports to compare.
 */
import { AddressSet, FAMILIES } from './address-set.js';
import { ApplicationSet } from './applications.js';
import { HostSet } from './hostnames.js';
import { compareWords, firstEndingAtOrAfter, IntervalSet } from './intervals.js';
import { PathSet } from './path-set.js';
import { formatAddress, parseAddress, type Family } from './ip.js';
import {
  CONN_STATES,
  DEFAULT_SOURCE_PORT,
  DIRECTIONS,
  firstPacketState,
  packetState,
  portClassOf,
  type ConnState,
  type Direction,
  type Packet,
  type PortClass,
} from './packet.js';
import { ICMP, ICMPV6, PORT_DOMAIN, PortSet, ProtocolSet, TCP, UDP } from './ports.js';

/** Directions as a bit mask: 1 = in, 2 = out. */
type DirectionMask = 0 | 1 | 2 | 3;
const DIRECTION_BIT: Readonly<Record<Direction, 1 | 2>> = { in: 1, out: 2 };
/** Connection states as a bit mask, one bit per `CONN_STATES` entry (31 = every state). */
const STATE_BIT = Object.fromEntries(CONN_STATES.map((state, index) => [state, 1 << index])) as Readonly<Record<ConnState, number>>;
const ALL_STATES = (1 << CONN_STATES.length) - 1;

export interface Box {
  readonly directions: DirectionMask;
  readonly family: Family;
  readonly portClass: PortClass;
  /** Only protocols of `portClass`. */
  readonly protocols: ProtocolSet;
  readonly src: IntervalSet;
  readonly dst: IntervalSet;
  /** TCP/UDP source ports; every value for other classes. */
  readonly srcPorts: IntervalSet;
  /** TCP/UDP destination ports, or ICMP `type << 8 | code`; every value for the `none` class. */
  readonly dstPorts: IntervalSet;
  readonly hosts: HostSet;
  readonly paths: PathSet;
  /** App-ID applications (PAN-OS); any for targets that do not identify applications. */
  readonly applications: ApplicationSet;
  /** Connection-tracking states (STATE_BIT mask); every state for devices that do not match on it. */
  readonly states: number;
}

/** What a caller describes; every field left out means "any". */
export interface PacketSpec {
  readonly directions?: readonly Direction[];
  readonly protocols?: ProtocolSet;
  readonly src?: AddressSet;
  readonly dst?: AddressSet;
  /** Restricts TCP/UDP; anything but "any" excludes protocols without ports. */
  readonly srcPorts?: PortSet;
  /** Restricts TCP/UDP; anything but "any" excludes protocols without ports. */
  readonly dstPorts?: PortSet;
  /** ICMP/ICMPv6 `type << 8 | code` values (see `icmpTypeCodes`); anything but "any" means ICMP only. */
  readonly icmp?: IntervalSet;
  readonly hosts?: HostSet;
  /** URL paths (application rules with target URLs); left out means any path or none. */
  readonly paths?: PathSet;
  /** Applications (App-ID); left out means any. */
  readonly applications?: ApplicationSet;
  /** Connection-tracking states (Linux conntrack); left out means every state. */
  readonly states?: readonly ConnState[];
}

const PORTED = ProtocolSet.of(TCP, UDP);
const ICMPS = ProtocolSet.of(ICMP, ICMPV6);
const PORTLESS = PORTED.union(ICMPS).complement();
const CLASS_PROTOCOLS: ReadonlyArray<readonly [PortClass, ProtocolSet]> = [
  ['ports', PORTED],
  ['icmp', ICMPS],
  ['none', PORTLESS],
];
const ALL_PORTS = IntervalSet.full(PORT_DOMAIN);

/** ICMP type (and optionally one code) as values of the `icmp` dimension. */
export function icmpTypeCodes(type: number, code?: number): IntervalSet {
  if (code === undefined) return IntervalSet.fromRanges(PORT_DOMAIN, [[type << 8, (type << 8) | 255]]);
  return IntervalSet.fromRanges(PORT_DOMAIN, [[(type << 8) | code, (type << 8) | code]]);
}

// ─── one dimension at a time ─────────────────────────────────────────────────────────────────────────────

/** The generic operations difference-splitting needs, one entry per dimension. */
interface Dimension {
  readonly name: string;
  intersect(a: Box, b: Box): Box | undefined;
  /** `a` with this dimension replaced by a's values outside b's; undefined when none are. */
  outside(a: Box, b: Box): Box | undefined;
  /**
   * A cheap sufficient test that b's values include a's in this dimension (same object, or b any), so a
   * subtraction skips the dimension without building copies of `a`. False only means "not known".
   */
  covers(a: Box, b: Box): boolean;
}

/** The operations a box dimension's values share (IntervalSet, ProtocolSet and HostSet all have them). */
interface DimensionValues {
  intersection(other: never): DimensionValues;
  difference(other: never): DimensionValues;
  isEmpty(): boolean;
}

/** `covers` for sets with `isAny` (hosts, paths, applications): the same object, or b is any. */
const sameOrAny = (a: { isAny(): boolean }, b: { isAny(): boolean }): boolean => a === b || b.isAny();

/** `covers` for interval sets: the same object, b full, or a subset test while a is a few intervals (ports). */
const intervalsCover = (a: IntervalSet, b: IntervalSet): boolean => a === b || b.isFull() || (a.bounds.length <= 8 && a.isSubsetOf(b));

type SetKey = 'protocols' | 'hosts' | 'paths' | 'applications' | 'src' | 'dst' | 'srcPorts' | 'dstPorts';

/** A dimension whose values are a set type; `a[key]` and `b[key]` are always of the same type, so the casts hold. */
function setDimension(name: string, key: SetKey, covers: (a: Box, b: Box) => boolean): Dimension {
  const combine = (a: Box, b: Box, operation: 'intersection' | 'difference'): Box | undefined => {
    const result = (a[key] as DimensionValues)[operation](b[key] as never);
    return result.isEmpty() ? undefined : { ...a, [key]: result };
  };
  return {
    name,
    intersect: (a, b) => combine(a, b, 'intersection'),
    outside: (a, b) => combine(a, b, 'difference'),
    covers,
  };
}

/**
 * The first interval of `large`, at index `from` or after, that ends at or after the value at `start[at..]`
 * (intervals.ts firstEndingAtOrAfter, by interval index): a first-match walk asks this for every earlier box a rule
 * meets, passing the previous answer.
 */
function firstReaching(large: IntervalSet, start: Uint32Array, at: number, from = 0): number {
  const step = 2 * large.width;
  return firstEndingAtOrAfter(large.bounds, from * step, start, at, large.width) / step;
}

/**
 * `small ∩ large` by a binary search per interval of `small`: first-match compilation subtracts a merged list of
 * earlier matches (tens of thousands of intervals) from each rule's few hundred, and a linear merge would read the
 * whole large set every time.
 */
function clipTo(small: IntervalSet, large: IntervalSet): IntervalSet {
  const w = small.width;
  const step = 2 * w;
  const bounds = large.bounds;
  const count = large.intervalCount;
  // Pass 1: the run of `large` intervals each interval of `small` meets, [first, end), and whether its two ends
  // are clipped. Only the ends of a run change; its middle is copied as it is (pass 2), in one block.
  const runs: number[] = [];
  let total = 0;
  let clipped = false;
  let first = 0;
  for (let at = 0; at < small.bounds.length; at += step) {
    first = firstReaching(large, small.bounds, at, first);
    // The run ends at the first interval reaching this interval's hi (those before it end below hi, so lie inside),
    // with that one in the run when it starts at or below hi: a second galloping search, not a step per interval
    // (a route's 0.0.0.0/0 held a tag's thousands of intervals, each compared in V8's first tiers; issue 22).
    const last = firstReaching(large, small.bounds, at + w, first);
    const end = last < count && compareWords(bounds, last * step, small.bounds, at + w, w) <= 0 ? last + 1 : last;
    if (end === first) continue;
    const clipsLow = compareWords(bounds, first * step, small.bounds, at, w) < 0;
    const clipsHigh = compareWords(bounds, (end - 1) * step + w, small.bounds, at + w, w) > 0;
    clipped ||= clipsLow || clipsHigh;
    runs.push(at, first, end, (clipsLow ? 1 : 0) | (clipsHigh ? 2 : 0));
    total += end - first;
  }
  // All of `large` inside `small` (a route's destinations around a tag's prefixes, say): `large` itself, not a
  // copy. Issue 22: the Internet route of a firewall subnet clipped 23 boxes of tag prefixes this way, 19 ms cold.
  if (!clipped && total === count) return large;
  const out = new Uint32Array(total * step);
  let position = 0;
  for (let r = 0; r < runs.length; r += 4) {
    const at = runs[r]!;
    const runFirst = runs[r + 1]!;
    const runEnd = runs[r + 2]!;
    const clips = runs[r + 3]!;
    out.set(bounds.subarray(runFirst * step, runEnd * step), position);
    if (clips & 1) out.set(small.bounds.subarray(at, at + w), position);
    position += (runEnd - runFirst) * step;
    if (clips & 2) out.set(small.bounds.subarray(at + w, at + step), position - w);
  }
  return IntervalSet.fromCanonicalBounds(small.domain, out);
}

const isLopsided = (small: IntervalSet, large: IntervalSet): boolean => small.intervalCount * 16 < large.intervalCount;

/**
 * a − b for address sets, kept per pair (by identity; an IntervalSet is immutable): a
 * first-match walk of requirements cuts every host-name rule's `anywhere` by the same tags in the same order, and
 * each cut of a set of thousands of intervals costs about half a millisecond. Same sets either way. Small cuts are
 * kept too: a chain starts small (`anywhere` minus a one-prefix rule), and a fresh set there gave every later,
 * large cut of the chain a new key, so the IPv6 chains of the host-name rules after the first were all recomputed.
 */
const addressDifference = pairMemo((a, b) => a.difference(b));

/** `operation` remembered per pair of interval sets, by identity and weakly (an IntervalSet is immutable). */
function pairMemo(operation: (a: IntervalSet, b: IntervalSet) => IntervalSet): (a: IntervalSet, b: IntervalSet) => IntervalSet {
  const results = new WeakMap<IntervalSet, WeakMap<IntervalSet, IntervalSet>>();
  return (a, b) => {
    let byOther = results.get(a);
    if (!byOther) results.set(a, (byOther = new WeakMap()));
    let result = byOther.get(b);
    if (!result) byOther.set(b, (result = operation(a, b)));
    return result;
  };
}

/** x ∩ y for a box's addresses, the lopsided cases by `clipTo`. */
function addressesWithin(x: IntervalSet, y: IntervalSet): IntervalSet {
  // Either side all addresses (a scope, an `any` rule): the other side as it is, not clipped into a copy.
  if (x === y || y.isFull()) return x;
  return x.isFull() ? y : isLopsided(x, y) ? clipTo(x, y) : isLopsided(y, x) ? clipTo(y, x) : sameOrFresh(x, x.intersection(y));
}

/**
 * `x` itself when `within` (a part of it) has its bounds, else `within`. A flow's tag meets a rule's equal or wider
 * tag as a fresh copy of the flow's addresses, which the walk then compared word by word with the flow's own
 * (`sameBox`, ~70k words in V8's first tiers for a cold `path`, issue 22); the same object answers at once there,
 * and keeps the box.
 */
function sameOrFresh(x: IntervalSet, within: IntervalSet): IntervalSet {
  return within.equals(x) ? x : within;
}

/** `a` with its `key` addresses cut to `y`; undefined when none are left. */
function cutAddresses(a: Box, key: 'src' | 'dst', y: IntervalSet): Box | undefined {
  const values = addressesWithin(a[key], y);
  if (values.isEmpty()) return undefined;
  return values === a[key] ? a : { ...a, [key]: values };
}

/** An address dimension: as `setDimension`, with the lopsided cases done by `clipTo`. */
function addressDimension(name: string, key: 'src' | 'dst'): Dimension {
  const finish = (a: Box, values: IntervalSet): Box | undefined => (values.isEmpty() ? undefined : { ...a, [key]: values });
  return {
    name,
    intersect: (a, b) => cutAddresses(a, key, b[key]),
    // IntervalSet.difference gallops over the large side itself.
    outside: (a, b) => finish(a, addressDifference(a[key], b[key])),
    covers: (a, b) => intervalsCover(a[key], b[key]),
  };
}

// Order matters only for how a difference fragments: coarse, rarely-split dimensions first keeps boxes few.
const DIMENSIONS: readonly Dimension[] = [
  {
    name: 'direction',
    intersect: (a, b) => {
      const directions = (a.directions & b.directions) as DirectionMask;
      return directions === 0 ? undefined : { ...a, directions };
    },
    outside: (a, b) => {
      const directions = (a.directions & ~b.directions & 3) as DirectionMask;
      return directions === 0 ? undefined : { ...a, directions };
    },
    covers: (a, b) => (a.directions & ~b.directions) === 0,
  },
  {
    name: 'state',
    intersect: (a, b) => (a.states & b.states ? { ...a, states: a.states & b.states } : undefined),
    outside: (a, b) => (a.states & ~b.states ? { ...a, states: a.states & ~b.states } : undefined),
    covers: (a, b) => (a.states & ~b.states) === 0,
  },
  setDimension('protocol', 'protocols', (a, b) => intervalsCover(a.protocols.intervals, b.protocols.intervals)),
  setDimension('host', 'hosts', (a, b) => sameOrAny(a.hosts, b.hosts)),
  setDimension('path', 'paths', (a, b) => sameOrAny(a.paths, b.paths)),
  setDimension('application', 'applications', (a, b) => sameOrAny(a.applications, b.applications)),
  setDimension('destination port', 'dstPorts', (a, b) => intervalsCover(a.dstPorts, b.dstPorts)),
  addressDimension('destination', 'dst'),
  addressDimension('source', 'src'),
  setDimension('source port', 'srcPorts', (a, b) => intervalsCover(a.srcPorts, b.srcPorts)),
];

/**
 * Do two address sets meet? Rule sets pit a tag of thousands of intervals against a /16, and first-match
 * compilation asks this for every pair of rules, so: bounds first, then a binary search per interval of the
 * smaller set when the sizes are lopsided, else the linear merge.
 */
function addressesOverlap(a: IntervalSet, b: IntervalSet): boolean {
  // No closures or destructuring here: this runs for most pairs of boxes a first-match walk meets.
  if (a.isEmpty() || b.isEmpty()) return false;
  const w = a.width;
  if (compareWords(a.bounds, a.bounds.length - w, b.bounds, 0, w) < 0 || compareWords(b.bounds, b.bounds.length - w, a.bounds, 0, w) < 0) return false;
  const aSmaller = a.intervalCount <= b.intervalCount;
  const small = aSmaller ? a : b;
  const large = aSmaller ? b : a;
  return small.intervalCount >= REMEMBERED_OVERLAP ? rememberedOverlap(small, large) : overlapsOf(small, large);
}

/** Does `small` meet `large` (their bounds already overlap)? A search per interval of `small` when lopsided, else one merge. */
function overlapsOf(small: IntervalSet, large: IntervalSet): boolean {
  return isLopsided(small, large) ? overlapsBySearch(small, large) : small.overlaps(large);
}

/**
 * Pairs of large address sets (both this many intervals or more) whose overlap is kept, by identity and weakly. A
 * cold `path` asks about the same tags again and again: its flows' tags against each other (the required flows'
 * union), then against each hop's rules, then the same flows (kept whole by the hops) against the next device; of
 * 432 tests of two sets of 16 intervals or more, 220 repeated an earlier pair, ~40% of the words read (issue 22).
 */
const REMEMBERED_OVERLAP = 16;
const overlapsOfLarge = new WeakMap<IntervalSet, WeakMap<IntervalSet, boolean>>();

/** `addressesOverlap` of two large sets (`small` the one with fewer intervals), remembered per pair. */
function rememberedOverlap(small: IntervalSet, large: IntervalSet): boolean {
  let byLarge = overlapsOfLarge.get(small);
  if (!byLarge) overlapsOfLarge.set(small, (byLarge = new WeakMap()));
  let answer = byLarge.get(large);
  if (answer === undefined) byLarge.set(large, (answer = overlapsOf(small, large)));
  return answer;
}

/** Does `small` meet `large`? A binary search of `large` per interval of `small` (from where the last one ended). */
function overlapsBySearch(small: IntervalSet, large: IntervalSet): boolean {
  const w = small.width;
  const step = 2 * w;
  for (let i = 0, at = 0; at < small.bounds.length; at += step) {
    i = firstReaching(large, small.bounds, at, i);
    if (i >= large.intervalCount) return false;
    if (compareWords(large.bounds, i * step, small.bounds, at + w, w) <= 0) return true;
  }
  return false;
}

/** Cheap dimensions first: most pairs of rules part on ports or protocols before their addresses are read. */
function boxesOverlap(a: Box, b: Box): boolean {
  return (
    a.family === b.family &&
    (a.directions & b.directions) !== 0 &&
    (a.states & b.states) !== 0 &&
    a.protocols.overlaps(b.protocols) &&
    a.dstPorts.overlaps(b.dstPorts) &&
    a.srcPorts.overlaps(b.srcPorts) &&
    a.hosts.overlaps(b.hosts) &&
    a.paths.overlaps(b.paths) &&
    a.applications.overlaps(b.applications) &&
    // The pair with the smaller side first: its test is the cheaper (a subnet against a tag, say).
    (Math.min(a.src.intervalCount, b.src.intervalCount) <= Math.min(a.dst.intervalCount, b.dst.intervalCount)
      ? addressesOverlap(a.src, b.src) && addressesOverlap(a.dst, b.dst)
      : addressesOverlap(a.dst, b.dst) && addressesOverlap(a.src, b.src))
  );
}

/**
 * a ∩ b: each dimension's values as `DIMENSIONS`' intersect gives them, in its order, built into one box at the end.
 * Going through `DIMENSIONS` spread a new box per dimension: ten copies of a twelve-field object per pair, which a
 * cold run makes in V8's interpreter (issue 22). Returning `a` when no value changed measured no better.
 */
function intersectBoxes(a: Box, b: Box): Box | undefined {
  if (a.family !== b.family) return undefined;
  const directions = (a.directions & b.directions) as DirectionMask;
  const states = a.states & b.states;
  if (directions === 0 || states === 0) return undefined;
  const protocols = a.protocols.intersection(b.protocols);
  if (protocols.isEmpty()) return undefined;
  const hosts = a.hosts.intersection(b.hosts);
  if (hosts.isEmpty()) return undefined;
  const paths = a.paths.intersection(b.paths);
  if (paths.isEmpty()) return undefined;
  const applications = a.applications.intersection(b.applications);
  if (applications.isEmpty()) return undefined;
  const dstPorts = a.dstPorts.intersection(b.dstPorts);
  if (dstPorts.isEmpty()) return undefined;
  const dst = addressesWithin(a.dst, b.dst);
  if (dst.isEmpty()) return undefined;
  const src = addressesWithin(a.src, b.src);
  if (src.isEmpty()) return undefined;
  const srcPorts = a.srcPorts.intersection(b.srcPorts);
  if (srcPorts.isEmpty()) return undefined;
  return { directions, family: a.family, portClass: a.portClass, protocols, src, dst, srcPorts, dstPorts, hosts, paths, applications, states };
}

/**
 * a − b as disjoint boxes, for boxes that overlap (subtractAll tests that first): peel off, one dimension at a time,
 * the part of `a` outside `b` in that dimension. Dimensions where b holds all of a's values add no piece and are
 * skipped; after the last one that does not, what is left of `a` lies inside `b`, so it is never built.
 */
function subtractOverlapping(a: Box, b: Box): Box[] {
  // Peeling a dimension changes only that dimension of the rest, so coverage can be read off `a` up front.
  let last = -1;
  let uncovered = 0;
  for (let d = 0; d < DIMENSIONS.length; d++) {
    if (!DIMENSIONS[d]!.covers(a, b)) {
      last = d;
      uncovered |= 1 << d;
    }
  }
  // A list of one for the usual single piece (a box cut in one dimension), not a pushed list's 17 slots: the pieces
  // are often a lost set's whole list, kept to the end of a translation (issue 22).
  let pieces: Box[] | undefined;
  let rest: Box = a;
  for (let d = 0; d <= last; d++) {
    if (!(uncovered & (1 << d))) continue;
    const dimension = DIMENSIONS[d]!;
    const outside = dimension.outside(rest, b);
    if (outside) {
      if (pieces) pieces.push(outside);
      else pieces = [outside];
    }
    if (d === last) break;
    const inside = dimension.intersect(rest, b);
    if (!inside) return pieces ?? []; // unreachable when the boxes overlap; kept for safety
    rest = inside;
  }
  return pieces ?? [];
}

/**
 * Does `outer` hold every packet of `inner`, by each dimension's cheap `covers` test (the one subtractOverlapping reads;
 * never a subset scan of a large tag). A false answer may be wrong, a true one never is.
 */
export function boxCovers(outer: Box, inner: Box): boolean {
  if (outer.family !== inner.family) return false;
  for (const dimension of DIMENSIONS) if (!dimension.covers(inner, outer)) return false;
  return true;
}

/**
 * Each box minus every box of `minus`, pieces in order. A list is copied only when a box of `minus` cuts one of its
 * boxes, and a box it misses is carried over as it is: loss accounting cuts each requirement's box against the
 * stateful rules' six, of which it meets one, and a new list and a one-box list per miss were a quarter of what
 * aml-managed-network allocated rendering 10k requirements (1.6 of 6.3 KB a requirement; issue 22).
 */
function subtractAll(boxes: readonly Box[], minus: readonly Box[]): Box[] {
  let current = boxes;
  for (const b of minus) {
    if (current.length === 0) break;
    let next: Box[] | undefined;
    for (let i = 0; i < current.length; i++) {
      const a = current[i]!;
      if (!boxesOverlap(a, b)) {
        next?.push(a);
        continue;
      }
      // The first cut box's own list of pieces (a fresh list) goes on when it starts the new list, as it usually does.
      const pieces = subtractOverlapping(a, b);
      if (next) for (const piece of pieces) next.push(piece);
      else next = i === 0 ? pieces : current.slice(0, i).concat(pieces);
    }
    if (next) current = next;
  }
  return current === boxes ? [...boxes] : (current as Box[]);
}

/**
 * Is anything of `boxes` left once every box of `minus` is taken away: `subtractAll(boxes, minus).length > 0`,
 * without making that subtraction. Depth first: each piece `subtractOverlapping` would peel off is followed against
 * the boxes after the one that cut it as soon as it is made, and the first piece that outlives them all answers, so
 * the pieces after it (the address dimensions' come last and cost most) are never built. The tree of pieces is the
 * one `subtractAll` makes level by level, so this never does more. Issue 22: a chain's final policy rule minus every
 * rule above it (43 boxes, "any address but the tags") was ~2.3 ms of a cold `shadowed`, which asks only whether it
 * is empty.
 */
export function anyLeftWithout(boxes: readonly Box[], minus: readonly Box[]): boolean {
  for (let i = 0; i < boxes.length; i++) if (outlivesFrom(boxes[i]!, minus, 0)) return true;
  return false;
}

/** Does some packet of `a` fall in no box of `minus` from `from` on? */
function outlivesFrom(a: Box, minus: readonly Box[], from: number): boolean {
  for (let k = from; k < minus.length; k++) {
    const b = minus[k]!;
    if (!boxesOverlap(a, b)) continue;
    // `a` meets `b`: only its parts outside `b` go on, peeled a dimension at a time as subtractOverlapping peels them.
    let rest: Box | undefined = a;
    for (let d = 0; d < DIMENSIONS.length && rest; d++) {
      const dimension = DIMENSIONS[d]!;
      if (dimension.covers(a, b)) continue;
      const outside = dimension.outside(rest, b);
      if (outside && outlivesFrom(outside, minus, k + 1)) return true;
      rest = dimension.intersect(rest, b);
    }
    // What is left of `a` lies inside `b`.
    return false;
  }
  return true;
}

/** Do `pieces[first..]`, each a part of `box`, hold all of it? One piece equal to it, or nothing of it left. */
function piecesHold(box: Box, pieces: readonly Box[], first: number): boolean {
  if (first === pieces.length) return false;
  return subtractAll([box], pieces.slice(first)).length === 0;
}

/** The same values in every dimension but family and port class, which the caller has seen agree. */
export function sameBox(a: Box, b: Box): boolean {
  return (
    a.directions === b.directions &&
    a.states === b.states &&
    (a.protocols === b.protocols || a.protocols.equals(b.protocols)) &&
    (a.dstPorts === b.dstPorts || a.dstPorts.equals(b.dstPorts)) &&
    (a.srcPorts === b.srcPorts || a.srcPorts.equals(b.srcPorts)) &&
    (a.dst === b.dst || a.dst.equals(b.dst)) &&
    (a.src === b.src || a.src.equals(b.src)) &&
    (a.hosts === b.hosts || a.hosts.equals(b.hosts)) &&
    (a.paths === b.paths || a.paths.equals(b.paths)) &&
    (a.applications === b.applications || a.applications.equals(b.applications))
  );
}

/**
 * A packet's addresses as words, parsed once per packet object: `evaluate` asks every rule of a long list about
 * the same packet, and parsing both addresses each time cost more than the membership tests themselves.
 * Keyed by identity and checked against the text, so a caller who reuses an object with other addresses is safe.
 */
const parsedCache = new WeakMap<Packet, { srcText: string; dstText: string; src: ReturnType<typeof parseAddress>; dst: ReturnType<typeof parseAddress> }>();
function parsedAddresses(packet: Packet): { src: ReturnType<typeof parseAddress>; dst: ReturnType<typeof parseAddress> } {
  const cached = parsedCache.get(packet);
  if (cached && cached.srcText === packet.src && cached.dstText === packet.dst) return cached;
  const entry = { srcText: packet.src, dstText: packet.dst, src: parseAddress(packet.src), dst: parseAddress(packet.dst) };
  parsedCache.set(packet, entry);
  return entry;
}

// ─── the set ─────────────────────────────────────────────────────────────────────────────────────────────

export class PacketSet {
  /** Pairwise disjoint, each non-empty. */
  readonly boxes: readonly Box[];
  #compacted: PacketSet | undefined;

  private constructor(boxes: readonly Box[]) {
    this.boxes = boxes;
  }

  static readonly EMPTY: PacketSet = new PacketSet([]);
  static readonly ALL: PacketSet = PacketSet.of({});

  /** The packets a spec describes (see PacketSpec for how ports and ICMP constrain protocols). */
  static of(spec: PacketSpec): PacketSet {
    const directions = (spec.directions ?? DIRECTIONS).reduce<number>((mask, d) => mask | DIRECTION_BIT[d], 0) as DirectionMask;
    if (directions === 0) return PacketSet.EMPTY;
    const protocols = spec.protocols ?? ProtocolSet.ANY;
    const srcPorts = spec.srcPorts?.intervals ?? ALL_PORTS;
    const dstPorts = spec.dstPorts?.intervals ?? ALL_PORTS;
    const icmp = spec.icmp ?? ALL_PORTS;
    const hasPorts = !srcPorts.isFull() || !dstPorts.isFull();
    const hasIcmp = !icmp.isFull();
    const hosts = spec.hosts ?? HostSet.ANY;
    const paths = spec.paths ?? PathSet.ANY;
    const applications = spec.applications ?? ApplicationSet.ANY;
    if (hosts.isEmpty() || paths.isEmpty() || applications.isEmpty()) return PacketSet.EMPTY;
    const states = spec.states ? spec.states.reduce((mask, state) => mask | STATE_BIT[state], 0) : ALL_STATES;
    if (states === 0) return PacketSet.EMPTY;
    // Most specs make one box: a list of one holds it, where a pushed list kept 17 slots with the set (issue 22).
    let first: Box | undefined;
    let boxes: Box[] | undefined;
    for (const [portClass, classProtocols] of CLASS_PROTOCOLS) {
      if ((hasPorts && portClass !== 'ports') || (hasIcmp && portClass !== 'icmp')) continue;
      // Protocols all of the class (TCP alone, say) are kept as they are: the intersection was a copy of them, two
      // thirds of what PacketSet.of allocated for a requirement, kept with its packets (issue 22).
      const inClass = protocols.isSubsetOf(classProtocols) ? protocols : protocols.intersection(classProtocols);
      if (inClass.isEmpty()) continue;
      const boxSrcPorts = portClass === 'ports' ? srcPorts : ALL_PORTS;
      const boxDstPorts = portClass === 'ports' ? dstPorts : portClass === 'icmp' ? icmp : ALL_PORTS;
      if (boxSrcPorts.isEmpty() || boxDstPorts.isEmpty()) continue;
      for (const family of FAMILIES) {
        const src = (spec.src ?? AddressSet.ALL).of(family);
        const dst = (spec.dst ?? AddressSet.ALL).of(family);
        if (src.isEmpty() || dst.isEmpty()) continue;
        const box: Box = { directions, family, portClass, protocols: inClass, src, dst, srcPorts: boxSrcPorts, dstPorts: boxDstPorts, hosts, paths, applications, states };
        if (first === undefined) first = box;
        else (boxes ??= [first]).push(box);
      }
    }
    return new PacketSet(boxes ?? (first === undefined ? [] : [first]));
  }

  /** The union of boxes that may overlap (e.g. the matches of a rule list); the result keeps them disjoint. */
  static fromBoxes(boxes: Iterable<Box>): PacketSet {
    let set = PacketSet.EMPTY;
    for (const box of boxes) set = set.union(new PacketSet([box]));
    return set;
  }

  isEmpty(): boolean {
    return this.boxes.length === 0;
  }

  union(other: PacketSet): PacketSet {
    if (this.isEmpty()) return other;
    if (other.isEmpty()) return this;
    // Disjoint sets (most requirements' flows against the others'): subtracting would give `other`'s boxes back
    // unchanged, so skip compacting `this` for it. Issue 22: `path` unions a scenario's 31 flows one by one, and
    // compacting each partial union cost ~12 ms of a cold run. Same boxes either way.
    if (!this.overlaps(other)) return new PacketSet([...this.boxes, ...other.boxes]);
    return new PacketSet([...this.boxes, ...subtractAll(other.boxes, this.compact().boxes)]);
  }

  intersection(other: PacketSet): PacketSet {
    const boxes: Box[] = [];
    for (const a of this.boxes) {
      for (const b of other.boxes) {
        // Most pairs part on a cheap dimension: tested before any address intersection is built.
        if (!boxesOverlap(a, b)) continue;
        const box = intersectBoxes(a, b);
        if (box) boxes.push(box);
      }
    }
    return new PacketSet(boxes);
  }

  /**
   * `this ∩ other`, the same boxes in the same order as `intersection`, and whether they hold every packet of this
   * set. A box of this set is held when the pieces `other` cuts from it leave nothing of it: usually one piece equal to
   * it (a rule's match holds the flow whole), else the box minus its few pieces is computed. Issue 22: `path` asked
   * each hop `flows − (flows ∩ allowed)` only to find it empty, compacting both sides (~9 of a cold run's ~50 ms).
   */
  intersectionCovering(other: PacketSet): { readonly inside: PacketSet; readonly whole: boolean } {
    const boxes: Box[] = [];
    let whole = true;
    for (const a of this.boxes) {
      const first = boxes.length;
      let held = false;
      for (const b of other.boxes) {
        if (!boxesOverlap(a, b)) continue;
        const box = intersectBoxes(a, b);
        if (!box) continue;
        boxes.push(box);
        // The boxes of `other` are disjoint: one that holds all of `a` is the only one `a` meets.
        if (boxes.length === first + 1 && sameBox(a, box)) {
          held = true;
          break;
        }
      }
      whole &&= held || piecesHold(a, boxes, first);
    }
    return { inside: new PacketSet(boxes), whole };
  }

  /**
   * This ∩ `PacketSet.of({ [key]: addresses })`, box by box: the same boxes as that intersection (each box meets
   * exactly one box of such a spec, the one of its family and port class, which holds all of it but the addresses),
   * without building the spec's six boxes and testing every pair. Issue 22: `path` splits its flows by every route
   * of a subnet this way.
   */
  withAddresses(key: 'src' | 'dst', addresses: AddressSet): PacketSet {
    const boxes: Box[] = [];
    for (const box of this.boxes) {
      const values = addresses.of(box.family);
      // The overlap test first, as `intersection` does: it gallops, where a cut of two large sets merges them.
      if (!addressesOverlap(box[key], values)) continue;
      const cut = cutAddresses(box, key, values);
      if (cut) boxes.push(cut);
    }
    return new PacketSet(boxes);
  }

  difference(other: PacketSet): PacketSet {
    if (this.isEmpty() || other.isEmpty()) return this;
    return new PacketSet(subtractAll(this.compact().boxes, other.compact().boxes));
  }

  /**
   * `this.difference(other).intersection(scope)`, the same boxes in the same order, without cutting the boxes of this
   * set that meet no box of `scope`: subtractAll cuts each box on its own and keeps the pieces in order, and a box's
   * pieces lie inside it, so the boxes that miss `scope` add nothing to the intersection. Issue 22: `check` asks what
   * of the config's extras are the platform's declared flows, and cutting its other boxes (the requirements' own
   * rules, every one cut to nothing by the requirements) was ~1.8 ms of a cold run.
   */
  differenceWithin(other: PacketSet, scope: PacketSet): PacketSet {
    if (this.isEmpty() || other.isEmpty()) return this.intersection(scope);
    const reaching = this.compact().boxes.filter((box) => scope.boxes.some((part) => boxesOverlap(box, part)));
    return new PacketSet(subtractAll(reaching, other.compact().boxes)).intersection(scope);
  }

  /** This minus the union of `boxes`, which may overlap each other (a rule list's matches, say). */
  withoutBoxes(boxes: readonly Box[]): PacketSet {
    return this.isEmpty() || boxes.length === 0 ? this : new PacketSet(subtractAll(this.boxes, boxes));
  }

  complement(): PacketSet {
    return PacketSet.ALL.difference(this);
  }

  isSubsetOf(other: PacketSet): boolean {
    return this.difference(other).isEmpty();
  }

  equals(other: PacketSet): boolean {
    return this.isSubsetOf(other) && other.isSubsetOf(this);
  }

  overlaps(other: PacketSet): boolean {
    return this.boxes.some((a) => other.boxes.some((b) => boxesOverlap(a, b)));
  }

  /**
   * The boxes of `boxes` that share a packet with this set: subtracting the others changes nothing, so
   * `this.withoutBoxes(this.overlappingBoxes(boxes))` holds the same packets as `this.withoutBoxes(boxes)`.
   */
  overlappingBoxes(boxes: readonly Box[]): Box[] {
    return boxes.filter((box) => this.boxes.some((mine) => boxesOverlap(mine, box)));
  }

  /** Is this concrete packet in the set? */
  has(packet: Packet): boolean {
    const { src, dst } = parsedAddresses(packet);
    if (src.family !== dst.family) return false;
    const portClass = portClassOf(packet.protocol);
    const srcPort = portClass === 'ports' ? (packet.srcPort ?? DEFAULT_SOURCE_PORT) : undefined;
    const dstPort =
      portClass === 'ports' ? packet.dstPort : portClass === 'icmp' && packet.icmp ? (packet.icmp.type << 8) | packet.icmp.code : undefined;
    // The packet's state once per call, when a box first asks for it (evaluate asks every rule of a list about one
    // packet; it tests the source for a colon when the packet names no state).
    let state: number | undefined;
    // Cheap dimensions first: addresses are a binary search over sets of thousands of prefixes.
    return this.boxes.some(
      (box) =>
        box.family === src.family &&
        (box.directions & DIRECTION_BIT[packet.direction]) !== 0 &&
        (box.states & (state ??= STATE_BIT[packetState(packet)])) !== 0 &&
        box.protocols.has(packet.protocol) &&
        (srcPort === undefined || box.srcPorts.hasNumber(srcPort)) &&
        (dstPort === undefined || box.dstPorts.hasNumber(dstPort)) &&
        box.dst.has(dst.words) &&
        box.src.has(src.words) &&
        box.hosts.has(packet.host) &&
        box.paths.has(packet.path) &&
        box.applications.has(packet.application),
    );
  }

  /**
   * A concrete member, or undefined when the set is empty. Chosen to be readable, as Batfish does: TCP before
   * UDP, destination 443/80/22 before other ports, source port 49152, a private source and a public destination
   * where the set allows, the first address of a block.
   */
  witness(): Packet | undefined {
    let best: { packet: Packet; score: number[] } | undefined;
    for (const box of this.boxes) {
      const candidate = witnessOf(box);
      if (!best || compareScores(candidate.score, best.score) < 0) best = candidate;
    }
    return best?.packet;
  }

  /**
   * `this.withoutBoxes(minus).intersection(scope).witness()`, the same packet, without making that subtraction:
   * `rest` must hold the same packets as `this.withoutBoxes(minus)`, in any boxes (`minus` fused by compactBoxes
   * first, say, which is near-linear where cutting every piece by each box of a long list one by one is quadratic).
   * How it finds the same packet: see `firstLeastWitness`.
   */
  witnessWithoutBoxes(minus: readonly Box[], rest: PacketSet, scope: PacketSet): Packet | undefined {
    return firstLeastWitness(this.boxes, minus, rest.intersection(scope).boxes, scope.boxes);
  }

  /**
   * Each box with its witness, the most readable witness first (equals in box order): the order of sorting the
   * boxes' witnesses by `compareWitnesses`, with each box's score taken from witnessOf once (it is `packetScore` of
   * its witness) where the sort's comparator parsed both packets' addresses again per comparison. Issue 22: that
   * was ~1.2 ms of a cold `check` for its eleven platform-flow pieces.
   */
  witnessedBoxes(): Array<{ readonly box: Box; readonly witness: Packet }> {
    const scored = this.boxes.map((box) => {
      const { packet, score } = witnessOf(box);
      return { box, witness: packet, score };
    });
    return scored.sort((a, b) => compareScores(a.score, b.score));
  }

  /** Each box as a set of its own (disjoint, in order). */
  pieces(): PacketSet[] {
    return this.boxes.map((box) => new PacketSet([box]));
  }

  /**
   * The same packets in fewer boxes: boxes equal in every dimension but one are merged into one box (their union
   * in that dimension), repeated until nothing merges. Differences fragment sets into many such neighbours.
   */
  compact(): PacketSet {
    if (!this.#compacted) {
      const boxes = compactBoxes(this.boxes);
      this.#compacted = boxes === this.boxes ? this : new PacketSet(boxes);
      this.#compacted.#compacted = this.#compacted;
    }
    return this.#compacted;
  }

  /**
   * A set from boxes the caller knows to be pairwise disjoint and non-empty (e.g. what each rule of a first-match
   * list decides: its match minus everything earlier). Skips the pairwise subtraction `fromBoxes` does.
   */
  static fromDisjointBoxes(boxes: readonly Box[]): PacketSet {
    return boxes.length === 0 ? PacketSet.EMPTY : new PacketSet(boxes);
  }

  /** The most readable witness of several sets (see `witness`); undefined when all are empty. */
  static bestWitness(sets: readonly PacketSet[]): Packet | undefined {
    return new PacketSet(sets.flatMap((set) => set.boxes)).witness();
  }

  /** Orders packets by how readable they are as witnesses (negative: `a` reads better). */
  static compareWitnesses(a: Packet, b: Packet): number {
    return compareScores(packetScore(a), packetScore(b));
  }

  /** One line per box, e.g. `out tcp 10.0.0.0/8 -> 20.150.0.0/17 port 443 host *.x.com`. */
  toString(): string {
    return this.isEmpty() ? '(no packets)' : this.lines().join('\n');
  }

  /** One line per box, addresses written by `label` when given (symbolic analysis names its atoms). */
  lines(label?: AddressLabel): string[] {
    return this.boxes.map((box) => formatBox(box, label ?? formatAddresses));
  }
}

// ─── merging neighbours ─────────────────────────────────────────────────────────────────────────────────

type MergeKey = 'directions' | 'protocols' | 'src' | 'dst' | 'srcPorts' | 'dstPorts' | 'hosts' | 'paths' | 'applications' | 'states';
const MERGEABLE: readonly MergeKey[] = ['dst', 'src', 'dstPorts', 'protocols', 'hosts', 'paths', 'applications', 'srcPorts', 'directions', 'states'];

/**
 * A hash of a sorted word array; equal sets hash equal, and `sameIn` rules out collisions. A long array is hashed by
 * its length and HASH_SAMPLE words spread over it: a first-match walk compacts the union of every earlier rule's
 * addresses again at each level of its counter (rule-set.ts), and reading all of a set that size each time grew with
 * it (two different sets that agree on the sample only cost their `sameIn` comparison).
 */
function hashBounds(bounds: Uint32Array): number {
  const length = bounds.length;
  let hash = 0x811c9dc5 ^ length;
  if (length <= HASH_SAMPLE) {
    for (let i = 0; i < length; i++) hash = Math.imul(hash ^ bounds[i]!, 0x01000193);
    return hash >>> 0;
  }
  const stride = length / HASH_SAMPLE;
  for (let k = 0; k < HASH_SAMPLE; k++) hash = Math.imul(hash ^ bounds[Math.floor(k * stride)]!, 0x01000193);
  hash = Math.imul(hash ^ bounds[length - 1]!, 0x01000193);
  return hash >>> 0;
}

/** How many words of a long set its hash reads. */
const HASH_SAMPLE = 64;

/** Hashes by value instance: compaction runs repeatedly over boxes that share their (immutable) sets. */
const hashCache = new WeakMap<object, number>();

function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

function dimensionHash(box: Box, key: MergeKey): number {
  const value = box[key];
  if (typeof value === 'number') return value;
  let cached = hashCache.get(value);
  if (cached === undefined) {
    // By shape, not class: a bundle that inlines its own copy of the model (tagwall/testing) builds the same sets.
    if ('bounds' in value) cached = hashBounds(value.bounds);
    else if ('intervals' in value) cached = hashBounds(value.intervals.bounds);
    else if ('key' in value) cached = hashString(value.key());
    else cached = hashString(value.toString());
    hashCache.set(value, cached);
  }
  return cached;
}

const FAMILY_HASH: Readonly<Record<Family, number>> = { ipv4: 1, ipv6: 2 };
const CLASS_HASH: Readonly<Record<PortClass, number>> = { ports: 1, icmp: 2, none: 3 };

/**
 * Each box's hashes, computed once per compaction: entry d is dimension d's hash (of `MERGEABLE`) mixed with its
 * position, and the last entry the sum of all of them plus the family and port class. The key of "every dimension
 * but d" is then the sum minus entry d: one subtraction, not a string per box and dimension. (A collision only
 * costs a `sameIn` check.)
 */
type BoxHashes = Map<Box, Uint32Array>;

function hashesOf(box: Box, cache: BoxHashes): Uint32Array {
  let hashes = cache.get(box);
  if (!hashes) {
    hashes = new Uint32Array(MERGEABLE.length + 1);
    let sum = Math.imul(FAMILY_HASH[box.family] * 4 + CLASS_HASH[box.portClass], 0x9e3779b1);
    for (let d = 0; d < MERGEABLE.length; d++) {
      let mixed = Math.imul(dimensionHash(box, MERGEABLE[d]!) ^ Math.imul(d + 1, 0x85ebca6b), 0xc2b2ae35);
      mixed ^= mixed >>> 15;
      hashes[d] = mixed;
      sum = (sum + mixed) | 0;
    }
    hashes[MERGEABLE.length] = sum;
    cache.set(box, hashes);
  }
  return hashes;
}

/** Do `a` and `b` agree in each of `dimensions`? */
function sameIn(a: Box, b: Box, dimensions: readonly MergeKey[]): boolean {
  // A loop, not `every` with a closure: compaction calls this for every candidate pair.
  for (const dimension of dimensions) {
    const x = a[dimension];
    const y = b[dimension];
    if (x === y) continue;
    if (typeof x === 'number' || !(x as { equals(o: never): boolean }).equals(y as never)) return false;
  }
  return true;
}

/** Union of many values pairwise as a balanced tree, so merging k boxes into one costs O(total · log k). */
function unionAll<T extends { union(other: T): T }>(values: readonly T[]): T {
  let level = [...values];
  while (level.length > 1) {
    const next: T[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? level[i]!.union(level[i + 1]!) : level[i]!);
    level = next;
  }
  return level[0]!;
}

/**
 * Union of many interval sets, the two smallest first (as a Huffman code is built): first-match walks merge one
 * large set of earlier addresses with many small ones, and a balanced tree would copy the large one log k times.
 */
function unionIntervalSets(values: readonly IntervalSet[]): IntervalSet {
  // Many parts: one radix sort and merge of them all, not k pairwise merges (each copying what came before).
  if (values.length > 32) return IntervalSet.unionMany(values[0]!.domain, values);
  const queue = [...values].sort((a, b) => a.bounds.length - b.bounds.length);
  while (queue.length > 1) {
    const merged = cachedUnion(queue[0]!, queue[1]!);
    // Insert in order of size (k is small: a linear scan from the front is enough).
    let at = 2;
    while (at < queue.length && queue[at]!.bounds.length < merged.bounds.length) at++;
    queue.splice(at, 0, merged);
    queue.splice(0, 2);
  }
  return queue[0]!;
}

/**
 * a ∪ b, kept per pair (by identity, as addressDifference): a chain of unions (`path` joins a scenario's flows one
 * by one) compacts each partial union again, and each compaction merges the same boxes' address sets as the one
 * before it. Issue 22: the merges of those compactions were ~6 ms of a cold `path` over nsg-blocks-firewall.
 */
const cachedUnion = pairMemo((a, b) => a.union(b));

function mergeGroup(group: readonly Box[], key: MergeKey): Box {
  const first = group[0]!;
  if (group.length === 1) return first;
  if (key === 'directions') return { ...first, directions: group.reduce<number>((mask, box) => mask | box.directions, 0) as DirectionMask };
  if (key === 'states') return { ...first, states: group.reduce((mask, box) => mask | box.states, 0) };
  if (key === 'protocols') return { ...first, protocols: unionAll(group.map((box) => box.protocols)) };
  if (key === 'hosts') return { ...first, hosts: unionAll(group.map((box) => box.hosts)) };
  if (key === 'paths') return { ...first, paths: unionAll(group.map((box) => box.paths)) };
  if (key === 'applications') return { ...first, applications: unionAll(group.map((box) => box.applications)) };
  return { ...first, [key]: unionIntervalSets(group.map((box) => box[key])) };
}

/** For each dimension, the others, in `MERGEABLE` order. */
const OTHERS: ReadonlyMap<MergeKey, readonly MergeKey[]> = new Map(MERGEABLE.map((key) => [key, MERGEABLE.filter((other) => other !== key)]));

/**
 * Merges boxes that agree on everything but `key` (each group takes the place of its first box). Exact for any
 * boxes, disjoint or not: boxes equal in all dimensions but one are together the box with the union in that one.
 */
function mergeAlong(boxes: readonly Box[], key: MergeKey, cache: BoxHashes): Box[] {
  const others = OTHERS.get(key)!;
  const skip = MERGEABLE.indexOf(key);
  const byKey = new Map<number, number[]>();
  const groups: Box[][] = [];
  for (const box of boxes) {
    const hashes = hashesOf(box, cache);
    const rest = (hashes[MERGEABLE.length]! - hashes[skip]!) | 0;
    const candidates = byKey.get(rest);
    let at: number | undefined;
    for (const index of candidates ?? []) {
      const first = groups[index]![0]!;
      if (first.family === box.family && first.portClass === box.portClass && sameIn(first, box, others)) {
        at = index;
        break;
      }
    }
    if (at === undefined) {
      if (candidates) candidates.push(groups.length);
      else byKey.set(rest, [groups.length]);
      groups.push([box]);
    } else groups[at]!.push(box);
  }
  return groups.length === boxes.length ? [...boxes] : groups.map((group) => mergeGroup(group, key));
}

/**
 * Merges along every dimension, in turn and round again, until nothing merges. It stops once every dimension has
 * been tried since the last merge (merging again along a dimension nothing changed since is a no-op), which is the
 * same result as whole rounds until one merges nothing, with up to a round fewer.
 */
export function compactBoxes(input: readonly Box[]): readonly Box[] {
  // One box has nothing to merge with: no hash cache for it (loss accounting compacts every draft's set; issue 22).
  if (input.length <= 1) return input;
  if (input.length <= NO_MERGE_SCAN && !anyPairMerges(input)) return input;
  return compactByPasses(input);
}

/**
 * Up to this many boxes, `compactBoxes` first looks for a pair that could merge, pair by pair (at most 120 pairs),
 * and returns its input when there is none. Issue 22: `check`, `equiv` and `diff` split a difference by rule
 * (answers.ts `shares`), compacting what is left after each rule and each rule's share: in a cold `diff` 63 of its 66
 * compactions (~3 boxes each, two of 9-16) merged nothing, each after ten hashing passes (`mergeAlong`) over boxes
 * seen once; in `check` 66 of 72. `path`'s short lists mostly merge, and the check meets a mergeable pair early.
 */
const NO_MERGE_SCAN = 16;

/**
 * Could a pass of `compactByPasses` merge any two of `boxes`? Only boxes of one family and port class that agree in
 * every mergeable dimension but one merge (`mergeAlong`); if no pair does, no pass merges anything, and the passes
 * give back `boxes` itself. True may be wrong (the caller then runs the passes); false never is.
 */
function anyPairMerges(boxes: readonly Box[]): boolean {
  for (let i = 0; i < boxes.length; i++) {
    const a = boxes[i]!;
    for (let j = i + 1; j < boxes.length; j++) {
      const b = boxes[j]!;
      if (a.family !== b.family || a.portClass !== b.portClass) continue;
      if (differsInAtMostOne(a, b)) return true;
    }
  }
  return false;
}

/**
 * Do `a` and `b` differ in at most one of `MERGEABLE` (by the same tests as `sameIn`)? Field by field, not by key:
 * a keyed load (`box[dimension]`) in V8's first tiers is a generic lookup per dimension.
 */
function differsInAtMostOne(a: Box, b: Box): boolean {
  let differing = (a.directions === b.directions ? 0 : 1) + (a.states === b.states ? 0 : 1);
  if (differing === 2) return false;
  if (a.protocols !== b.protocols && !a.protocols.equals(b.protocols) && ++differing === 2) return false;
  if (a.dstPorts !== b.dstPorts && !a.dstPorts.equals(b.dstPorts) && ++differing === 2) return false;
  if (a.srcPorts !== b.srcPorts && !a.srcPorts.equals(b.srcPorts) && ++differing === 2) return false;
  if (a.hosts !== b.hosts && !a.hosts.equals(b.hosts) && ++differing === 2) return false;
  if (a.paths !== b.paths && !a.paths.equals(b.paths) && ++differing === 2) return false;
  if (a.applications !== b.applications && !a.applications.equals(b.applications) && ++differing === 2) return false;
  if (a.dst !== b.dst && !a.dst.equals(b.dst) && ++differing === 2) return false;
  return a.src === b.src || a.src.equals(b.src) || differing === 0;
}

/** `compactBoxes` without its shortcuts: merging passes along each dimension until none merges (exported for tests). */
export function compactByPasses(input: readonly Box[]): readonly Box[] {
  if (input.length <= 1) return input;
  let boxes = input;
  const cache: BoxHashes = new Map();
  let unchanged = 0;
  for (let d = 0; unchanged < MERGEABLE.length && boxes.length > 1; d = (d + 1) % MERGEABLE.length) {
    const merged = mergeAlong(boxes, MERGEABLE[d]!, cache);
    if (merged.length < boxes.length) {
      boxes = merged;
      unchanged = 1;
    } else unchanged++;
  }
  return boxes;
}

// ─── witnesses ───────────────────────────────────────────────────────────────────────────────────────────

/** IPv6 boxes may hold ICMP (1) too (`PacketSet.of` puts both ICMPs in one class), but ICMPv6 is what v6 hosts send. */
const PROTOCOL_PREFERENCE: Readonly<Record<Family, readonly number[]>> = { ipv4: [TCP, UDP, ICMP, ICMPV6], ipv6: [TCP, UDP, ICMPV6, ICMP] };
const PORT_PREFERENCE = [443, 80, 22];
/** Echo request, the ICMP message a reader recognises: type 8 for ICMP (RFC 792), 128 for ICMPv6 (RFC 4443 §4.1). */
const ECHO_REQUEST: Readonly<Record<number, number>> = { [ICMP]: 8 << 8, [ICMPV6]: 128 << 8 };
/** Private blocks in the order a witness prefers them: 172.16/12 reads as "a VNet address" in Azure docs. */
const PRIVATE_BLOCKS: readonly AddressSet[] = ['172.16.0.0/12', '10.0.0.0/8', '192.168.0.0/16', 'fd00::/8'].map((cidr) =>
  AddressSet.parse(cidr),
);
/**
 * Not "public": private, shared, loopback, link-local, documentation, multicast and reserved blocks (RFC 6890).
 * For IPv6 everything outside global unicast 2000::/3 (RFC 4291 §2.4): ULA, link-local, multicast, the discard
 * prefix symbolic atoms live in, and the unassigned rest, so a witness never reads `100:0:0:1::`.
 */
const NON_PUBLIC = AddressSet.parse(
  '0.0.0.0/8, 10.0.0.0/8, 100.64.0.0/10, 127.0.0.0/8, 169.254.0.0/16, 172.16.0.0/12, 192.0.0.0/24, 192.0.2.0/24, ' +
    '192.168.0.0/16, 198.18.0.0/15, 198.51.100.0/24, 203.0.113.0/24, 224.0.0.0/3, ' +
    '::/3, 4000::/2, 8000::/1, 2001:db8::/32',
);

/** First of `preferred` that the set holds, else its smallest value. */
function pickNumber(values: IntervalSet, preferred: readonly number[]): number {
  return preferred.find((value) => values.hasNumber(value)) ?? values.bounds[0]!;
}

/**
 * First address of `values` inside the first of `prefer` that it meets, else outside `avoid`, else the first at all.
 * Found by searching for the first hit (firstWithin, firstOutside), not by building the
 * intersection or difference: a lost set's boxes can hold every address but the allowed ones, tens of thousands of
 * intervals, and a witness is asked of each box. With the rank `packetScore` gives that address on the side `prefer`
 * and `avoid` are for (its `addressRank`): 0 inside a block of `prefer`, 1 outside `avoid`, else 2, which is exact
 * because the searches are: the first address is taken only when no address of the set ranks better.
 */
function pickAddressWords(values: IntervalSet, family: Family, prefer: readonly AddressSet[], avoid: AddressSet | undefined): { words: Uint32Array; rank: number } {
  for (const block of prefer) {
    const first = firstWithin(values, block.of(family));
    if (first) return { words: first, rank: 0 };
  }
  const outside = avoid ? firstOutside(values, avoid.of(family)) : undefined;
  return outside ? { words: outside, rank: 1 } : { words: values.lo(0), rank: 2 };
}

/**
 * The smallest value of `values` that `within` holds, or undefined: a binary search per interval of `within` (a
 * private block), not an intersection built from a set of thousands of intervals to read its first value.
 */
function firstWithin(values: IntervalSet, within: IntervalSet): Uint32Array | undefined {
  const w = values.width;
  const step = 2 * w;
  const bounds = values.bounds;
  for (let i = 0, at = 0; at < within.bounds.length; at += step) {
    i = firstReaching(values, within.bounds, at, i);
    if (i < values.intervalCount && compareWords(bounds, i * step, within.bounds, at + w, w) <= 0) {
      return compareWords(bounds, i * step, within.bounds, at, w) > 0 ? bounds.slice(i * step, i * step + w) : within.bounds.slice(at, at + w);
    }
  }
  return undefined;
}

/** The smallest value of `values` that `avoid` does not hold, or undefined; stops there, builds no difference. */
function firstOutside(values: IntervalSet, avoid: IntervalSet): Uint32Array | undefined {
  const w = values.width;
  const step = 2 * w;
  const a = values.bounds;
  const b = avoid.bounds;
  const cursor = new Uint32Array(w);
  let j = 0;
  for (let i = 0; i < a.length; i += step) {
    for (let k = 0; k < w; k++) cursor[k] = a[i + k]!;
    let covered = false;
    while (j < b.length) {
      if (compareWords(b, j + w, cursor, 0, w) < 0) {
        j += step; // ends before the cursor
        continue;
      }
      if (compareWords(b, j, cursor, 0, w) > 0) break; // starts after it: the cursor is outside
      if (compareWords(b, j + w, a, i + w, w) >= 0) {
        covered = true; // holds the rest of this interval
        break;
      }
      // The cursor moves past this interval of `avoid` (its end is below the interval's, so no overflow).
      for (let k = 0; k < w; k++) cursor[k] = b[j + w + k]!;
      for (let k = w - 1; k >= 0; k--) {
        cursor[k] = (cursor[k]! + 1) >>> 0;
        if (cursor[k] !== 0) break;
      }
      j += step;
    }
    if (!covered) return cursor;
  }
  return undefined;
}

/**
 * The most readable packet of one box. A box is a product, so choosing each dimension's best value on its own
 * gives the box's best packet under `packetScore`, whose order of criteria this follows.
 */
function witnessOf(box: Box): { packet: Packet; score: number[] } {
  const direction: Direction = box.directions & DIRECTION_BIT.out ? 'out' : 'in';
  const protocol = pickNumber(box.protocols.intervals, PROTOCOL_PREFERENCE[box.family]);
  // Outbound: from a private address to a public one; inbound the other way round.
  const src = pickAddressWords(box.src, box.family, direction === 'out' ? PRIVATE_BLOCKS : [], direction === 'in' ? NON_PUBLIC : undefined);
  const dst = pickAddressWords(box.dst, box.family, direction === 'in' ? PRIVATE_BLOCKS : [], direction === 'out' ? NON_PUBLIC : undefined);
  // A network-layer packet (no host name, no path) reads best when the set has one.
  const host = box.hosts.has(undefined) ? undefined : box.hosts.witness()!.host;
  const path = box.paths.witness()!.path;
  const application = box.applications.witness();
  let ports: Pick<Packet, 'srcPort' | 'dstPort' | 'icmp'> = {};
  if (box.portClass === 'ports') {
    ports = { srcPort: pickNumber(box.srcPorts, [DEFAULT_SOURCE_PORT]), dstPort: pickNumber(box.dstPorts, PORT_PREFERENCE) };
  } else if (box.portClass === 'icmp') {
    const echo = ECHO_REQUEST[protocol];
    const typeCode = pickNumber(box.dstPorts, echo === undefined ? [] : [echo]);
    ports = { icmp: { type: typeCode >> 8, code: typeCode & 255 } };
  }
  // The state a first packet of this kind gets where the box holds it (then left unwritten), else the first held.
  const first = firstPacketState(protocol, ports.icmp?.type, box.family);
  const state = box.states & STATE_BIT[first] ? undefined : CONN_STATES.find((candidate) => box.states & STATE_BIT[candidate]);
  const packet: Packet = {
    direction,
    protocol,
    src: formatAddress(box.family, src.words),
    dst: formatAddress(box.family, dst.words),
    ...ports,
    ...(host === undefined ? {} : { host }),
    ...(path === undefined ? {} : { path }),
    ...(application === undefined ? {} : { application }),
    ...(state === undefined ? {} : { state }),
  };
  // The addresses' ranks as picked, not read back from their text: parsing each address again for packetScore and
  // each private block was half of the witnesses of a cold `render --target nftables` (issue 22).
  return { packet, score: scoreOf(packet, box.family, src.rank, dst.rank) };
}

/**
 * How readable a packet is as a witness, as a list compared lexicographically (lower reads better): outbound
 * before inbound; TCP, UDP, then ICMP (ICMPv6 first for IPv6); destination port 443, 80, 22, then any, and
 * source port 49152 (ICMP: echo request); a private source, then a public destination (inbound: a public source,
 * a private destination); IPv4; no host name or path.
 */
function packetScore(packet: Packet): number[] {
  const addressRank = (address: string, prefer: boolean, avoid: boolean): number => {
    if (prefer && PRIVATE_BLOCKS.some((block) => block.has(address))) return 0;
    if (avoid && !NON_PUBLIC.has(address)) return 1;
    return 2;
  };
  const out = packet.direction === 'out';
  return scoreOf(packet, parseAddress(packet.src).family, addressRank(packet.src, out, !out), addressRank(packet.dst, !out, out));
}

/** `packetScore` of a packet of `family` whose source and destination rank `srcRank` and `dstRank` (addressRank). */
function scoreOf(packet: Packet, family: Family, srcRank: number, dstRank: number): number[] {
  const rank = (values: readonly number[], value: number | undefined): number => {
    const at = value === undefined ? -1 : values.indexOf(value);
    return at < 0 ? values.length : at;
  };
  const out = packet.direction === 'out';
  const portClass = portClassOf(packet.protocol);
  const echo = ECHO_REQUEST[packet.protocol];
  const portRank =
    portClass === 'ports'
      ? rank(PORT_PREFERENCE, packet.dstPort) * 2 + rank([DEFAULT_SOURCE_PORT], packet.srcPort)
      : portClass === 'icmp' && packet.icmp && echo !== undefined
        ? rank([echo], (packet.icmp.type << 8) | packet.icmp.code)
        : 0;
  return [
    out ? 0 : 1,
    rank(PROTOCOL_PREFERENCE[family], packet.protocol),
    portRank,
    srcRank,
    dstRank,
    family === 'ipv4' ? 0 : 1,
    (packet.host === undefined ? 0 : 1) + (packet.path === undefined ? 0 : 1) + (packet.application === undefined ? 0 : 1) + (packet.state === undefined ? 0 : 1),
  ];
}

function compareScores(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/**
 * The criteria of `packetScore` before its last (the count of host name, path, application and state written):
 * on these, witnessOf's packet is the least of its box, because each is decided by one dimension given the ones
 * before it (the direction decides which addresses are preferred, the protocol what the port criterion reads), and
 * witnessOf takes each dimension's best value. On the last one it need not be (the state a first packet gets
 * depends on which protocol or ICMP type was taken among equals), so nothing relies on it.
 */
const LEADING_CRITERIA = 6;

function compareLeading(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < LEADING_CRITERIA; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** The least leading criteria of any packet in `boxes` (those of the best witness); undefined for none. */
function leastLeading(boxes: readonly Box[]): number[] | undefined {
  let least: number[] | undefined;
  for (const box of boxes) {
    const { score } = witnessOf(box);
    if (!least || compareLeading(score, least) < 0) least = score;
  }
  return least;
}

/**
 * a ∩ b in the dimensions the leading criteria read, and a's host names, paths, applications and states: for boxes
 * that overlap, its witness agrees with that of a ∩ b on those criteria. Intersecting host names too was ~40%
 * of the NSG warning's walk (a piece there excludes up to 200 names; issue 22).
 */
function leadingMeet(a: Box, b: Box): Box {
  return {
    ...a,
    directions: (a.directions & b.directions) as DirectionMask,
    protocols: a.protocols.intersection(b.protocols),
    src: addressesWithin(a.src, b.src),
    dst: addressesWithin(a.dst, b.dst),
    srcPorts: a.srcPorts.intersection(b.srcPorts),
    dstPorts: a.dstPorts.intersection(b.dstPorts),
  };
}

/** The better of `best` and the witnesses of `box` ∩ each scope box, in `intersection`'s order (a tie keeps the first). */
function betterWitness(best: { packet: Packet; score: number[] } | undefined, box: Box, scope: readonly Box[]): { packet: Packet; score: number[] } | undefined {
  for (const part of scope) {
    const within = boxesOverlap(box, part) ? intersectBoxes(box, part) : undefined;
    if (!within) continue;
    const candidate = witnessOf(within);
    if (!best || compareScores(candidate.score, best.score) < 0) best = candidate;
  }
  return best;
}

/**
 * The witness of `subtractAll(roots, minus)` ∩ `scope`, where `targets` are the boxes of that set (as packets, in
 * any boxes), without making the subtraction (see `PacketSet.witnessWithoutBoxes`). The same packet, because:
 * - subtractAll replaces each piece by its pieces in place, cut by cut, so its result lists the leaves of a tree
 *   in depth-first order, and the leaves under a piece hold exactly that piece's packets in the result (the piece
 *   is already outside the earlier cuts): a depth-first walk meets the leaves in the order `witness` reads them;
 * - `witness` takes the first box of least score, and on the leading criteria a box's witness is its least packet
 *   (LEADING_CRITERIA), so the witness's leading criteria are the least over the whole set, which `targets` give
 *   whatever its boxes, and only a leaf holding a packet that reaches them can hold the witness;
 * - so the walk skips every piece whose packets in the result (the piece ∩ each target) do not reach them: no leaf
 *   under it can, and a piece that does has such a leaf under it. It stops at a leaf whose witness also has the
 *   least last criterion (0), as no later box can then score lower (a tie goes to the first).
 * Issue 22: the NSG's 10k-requirement warning cut ~20 pieces by 11k boxes into 421 leaves one by one, where the
 * walk goes down one path (168 pieces).
 */
function firstLeastWitness(roots: readonly Box[], minus: readonly Box[], targets: readonly Box[], scope: readonly Box[]): Packet | undefined {
  const least = leastLeading(targets);
  if (!least) return undefined;
  const reaches = (piece: Box): boolean => targets.some((target) => boxesOverlap(piece, target) && compareLeading(witnessOf(leadingMeet(piece, target)).score, least) === 0);
  let best: { packet: Packet; score: number[] } | undefined;
  // Pieces still to visit, last first, each with the index of the first cut it has not met.
  const stack = roots.map((box) => ({ box, next: 0 })).reverse();
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    const { box, next } = entry;
    if (!reaches(box)) continue;
    let cut = next;
    while (cut < minus.length && !boxesOverlap(box, minus[cut]!)) cut++;
    if (cut < minus.length) {
      const pieces = subtractOverlapping(box, minus[cut]!);
      for (let i = pieces.length - 1; i >= 0; i--) stack.push({ box: pieces[i]!, next: cut + 1 });
      continue;
    }
    best = betterWitness(best, box, scope);
    if (best && best.score[LEADING_CRITERIA] === 0 && compareLeading(best.score, least) === 0) break;
  }
  return best?.packet;
}

// ─── text ────────────────────────────────────────────────────────────────────────────────────────────────

function formatAddresses(values: IntervalSet, family: Family): string {
  if (values.isFull()) return 'any';
  const set = AddressSet.fromFamily(family, values);
  const cidrs = set.toCidrStrings();
  return cidrs.length <= 4 ? cidrs.join(',') : `${cidrs.slice(0, 3).join(',')},…(${cidrs.length} blocks)`;
}

/**
 * The states in which the box's packets open a connection (NEW, UNTRACKED, and INVALID where conntrack classes the
 * kind's first packet so: an ICMP reply or error), when all its kinds agree. A stateful rule set decides exactly
 * these, so they go unwritten: `out tcp … port 443`, not `… state new,untracked`.
 */
function openingStates(box: Box): number | undefined {
  const tracked = STATE_BIT.new | STATE_BIT.untracked;
  if (box.portClass !== 'icmp') return tracked;
  let mask: number | undefined;
  for (const [first, last] of box.protocols.ranges()) {
    for (let protocol = first; protocol <= last; protocol++) {
      for (const [lo, hi] of box.dstPorts.ranges()) {
        for (let type = lo >> 8; type <= hi >> 8; type++) {
          const kind = firstPacketState(protocol, type) === 'invalid' ? tracked | STATE_BIT.invalid : tracked;
          if (mask !== undefined && mask !== kind) return undefined;
          mask = kind;
        }
      }
    }
  }
  return mask;
}

/** Writes one dimension's addresses, e.g. as CIDRs or as the tag names of symbolic atoms. */
export type AddressLabel = (values: IntervalSet, family: Family) => string;

/** The states a box's line names (`state new,invalid`), or undefined when it leaves them unsaid (all, or the opening ones). */
export function boxStateWords(box: Box): ConnState[] | undefined {
  if (box.states === ALL_STATES || box.states === openingStates(box)) return undefined;
  return CONN_STATES.filter((state) => box.states & STATE_BIT[state]);
}

function formatBox(box: Box, label: AddressLabel): string {
  const direction = box.directions === 3 ? 'in/out' : box.directions & DIRECTION_BIT.out ? 'out' : 'in';
  const parts = [direction, box.family, box.protocols.toString(), label(box.src, box.family)];
  if (box.portClass === 'ports' && !box.srcPorts.isFull()) parts.push(`port ${PortSet.fromIntervals(box.srcPorts).toString()}`);
  parts.push('->', label(box.dst, box.family));
  if (box.portClass === 'ports' && !box.dstPorts.isFull()) parts.push(`port ${PortSet.fromIntervals(box.dstPorts).toString()}`);
  if (box.portClass === 'icmp' && !box.dstPorts.isFull()) {
    const types = box.dstPorts.ranges().map(([lo, hi]) => (lo === hi ? `${lo >> 8}/${lo & 255}` : `${lo >> 8}/${lo & 255}-${hi >> 8}/${hi & 255}`));
    parts.push(`icmp ${types.join(',')}`);
  }
  if (!box.hosts.isAny()) parts.push(`host ${box.hosts.toString()}`);
  if (!box.paths.isAny()) parts.push(`path ${box.paths.toString()}`);
  if (!box.applications.isAny()) parts.push(`app ${box.applications.toString()}`);
  const states = boxStateWords(box);
  if (states) parts.push(`state ${states.join(',')}`);
  return parts.join(' ');
}

