/**
 * The packet-set core (DESIGN.md, "The semantic core"): exact sets of packets with ∪ ∩ −, emptiness and
 * witnesses.
 *
 * Representation: a list of pairwise-disjoint boxes. A box is a product of one set per dimension (direction,
 * protocol, source, destination, ports, host) within one address family and one port class. Disjoint boxes are
 * easy to read back as rules and to pick witnesses from; the cost is fragmentation on long first-match rule sets,
 * which is why callers only see `PacketSet` and the representation can change behind it (DESIGN.md).
 *
 * Ports exist only for TCP/UDP; ICMP and ICMPv6 carry a type and code instead (stored in the destination-port
 * dimension as `type << 8 | code`, which fits its 16 bits exactly); other protocols have neither. So a box holds
 * protocols of one class only, and `PacketSet.of` splits a spec by class. A port constraint that is not "any"
 * therefore means "TCP or UDP with these ports": it never matches ICMP or GRE, which have no ports to compare.
 */
import { AddressSet, FAMILIES } from './address-set.js';
import { HostSet } from './hostnames.js';
import { IntervalSet } from './intervals.js';
import { formatAddress, parseAddress, type Family } from './ip.js';
import {
  DEFAULT_SOURCE_PORT,
  DIRECTIONS,
  portClassOf,
  type Direction,
  type Packet,
  type PortClass,
} from './packet.js';
import { ICMP, ICMPV6, PORT_DOMAIN, PortSet, ProtocolSet, TCP, UDP } from './ports.js';

/** Directions as a bit mask: 1 = in, 2 = out. */
type DirectionMask = 0 | 1 | 2 | 3;
const DIRECTION_BIT: Readonly<Record<Direction, 1 | 2>> = { in: 1, out: 2 };

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
}

/** The operations a box dimension's values share (IntervalSet, ProtocolSet and HostSet all have them). */
interface DimensionValues {
  intersection(other: never): DimensionValues;
  difference(other: never): DimensionValues;
  isEmpty(): boolean;
}

type SetKey = 'protocols' | 'hosts' | 'src' | 'dst' | 'srcPorts' | 'dstPorts';

/** A dimension whose values are a set type; `a[key]` and `b[key]` are always of the same type, so the casts hold. */
function setDimension(name: string, key: SetKey): Dimension {
  const combine = (a: Box, b: Box, operation: 'intersection' | 'difference'): Box | undefined => {
    const result = (a[key] as DimensionValues)[operation](b[key] as never);
    return result.isEmpty() ? undefined : { ...a, [key]: result };
  };
  return { name, intersect: (a, b) => combine(a, b, 'intersection'), outside: (a, b) => combine(a, b, 'difference') };
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
  },
  setDimension('protocol', 'protocols'),
  setDimension('host', 'hosts'),
  setDimension('destination port', 'dstPorts'),
  setDimension('destination', 'dst'),
  setDimension('source', 'src'),
  setDimension('source port', 'srcPorts'),
];

function boxesOverlap(a: Box, b: Box): boolean {
  return (
    a.family === b.family &&
    (a.directions & b.directions) !== 0 &&
    a.protocols.overlaps(b.protocols) &&
    a.dstPorts.overlaps(b.dstPorts) &&
    a.dst.overlaps(b.dst) &&
    a.src.overlaps(b.src) &&
    a.srcPorts.overlaps(b.srcPorts) &&
    a.hosts.overlaps(b.hosts)
  );
}

function intersectBoxes(a: Box, b: Box): Box | undefined {
  if (a.family !== b.family) return undefined;
  let box: Box | undefined = a;
  for (const dimension of DIMENSIONS) {
    box = dimension.intersect(box, b);
    if (!box) return undefined;
  }
  return box;
}

/** a − b as disjoint boxes: peel off, one dimension at a time, the part of `a` outside `b` in that dimension. */
function subtractBox(a: Box, b: Box): Box[] {
  if (!boxesOverlap(a, b)) return [a];
  const pieces: Box[] = [];
  let rest: Box = a;
  for (const dimension of DIMENSIONS) {
    const outside = dimension.outside(rest, b);
    if (outside) pieces.push(outside);
    const inside = dimension.intersect(rest, b);
    if (!inside) return pieces; // unreachable when the boxes overlap; kept for safety
    rest = inside;
  }
  return pieces;
}

function subtractAll(boxes: readonly Box[], minus: readonly Box[]): Box[] {
  let current: Box[] = [...boxes];
  for (const b of minus) {
    if (current.length === 0) break;
    const next: Box[] = [];
    for (const a of current) for (const piece of subtractBox(a, b)) next.push(piece);
    current = next;
  }
  return current;
}

// ─── the set ─────────────────────────────────────────────────────────────────────────────────────────────

export class PacketSet {
  /** Pairwise disjoint, each non-empty. */
  readonly boxes: readonly Box[];

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
    if (hosts.isEmpty()) return PacketSet.EMPTY;
    const boxes: Box[] = [];
    for (const [portClass, classProtocols] of CLASS_PROTOCOLS) {
      if ((hasPorts && portClass !== 'ports') || (hasIcmp && portClass !== 'icmp')) continue;
      const inClass = protocols.intersection(classProtocols);
      if (inClass.isEmpty()) continue;
      const boxSrcPorts = portClass === 'ports' ? srcPorts : ALL_PORTS;
      const boxDstPorts = portClass === 'ports' ? dstPorts : portClass === 'icmp' ? icmp : ALL_PORTS;
      if (boxSrcPorts.isEmpty() || boxDstPorts.isEmpty()) continue;
      for (const family of FAMILIES) {
        const src = (spec.src ?? AddressSet.ALL).of(family);
        const dst = (spec.dst ?? AddressSet.ALL).of(family);
        if (src.isEmpty() || dst.isEmpty()) continue;
        boxes.push({ directions, family, portClass, protocols: inClass, src, dst, srcPorts: boxSrcPorts, dstPorts: boxDstPorts, hosts });
      }
    }
    return new PacketSet(boxes);
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
    return new PacketSet([...this.boxes, ...subtractAll(other.boxes, this.boxes)]);
  }

  intersection(other: PacketSet): PacketSet {
    const boxes: Box[] = [];
    for (const a of this.boxes) {
      for (const b of other.boxes) {
        const box = intersectBoxes(a, b);
        if (box) boxes.push(box);
      }
    }
    return new PacketSet(boxes);
  }

  difference(other: PacketSet): PacketSet {
    if (this.isEmpty() || other.isEmpty()) return this;
    return new PacketSet(subtractAll(this.boxes, other.boxes));
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

  /** Is this concrete packet in the set? */
  has(packet: Packet): boolean {
    const src = parseAddress(packet.src);
    const dst = parseAddress(packet.dst);
    if (src.family !== dst.family) return false;
    const portClass = portClassOf(packet.protocol);
    const srcPort = portClass === 'ports' ? (packet.srcPort ?? DEFAULT_SOURCE_PORT) : undefined;
    const dstPort =
      portClass === 'ports' ? packet.dstPort : portClass === 'icmp' && packet.icmp ? (packet.icmp.type << 8) | packet.icmp.code : undefined;
    return this.boxes.some(
      (box) =>
        box.family === src.family &&
        (box.directions & DIRECTION_BIT[packet.direction]) !== 0 &&
        box.protocols.has(packet.protocol) &&
        box.src.has(src.words) &&
        box.dst.has(dst.words) &&
        (srcPort === undefined || box.srcPorts.hasNumber(srcPort)) &&
        (dstPort === undefined || box.dstPorts.hasNumber(dstPort)) &&
        box.hosts.has(packet.host),
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

  /** One line per box, e.g. `out tcp 10.0.0.0/8 -> 20.150.0.0/17 port 443 host *.x.com`. */
  toString(): string {
    return this.isEmpty() ? '(no packets)' : this.boxes.map(formatBox).join('\n');
  }
}

// ─── witnesses ───────────────────────────────────────────────────────────────────────────────────────────

const PROTOCOL_PREFERENCE = [TCP, UDP, ICMP, ICMPV6];
const PORT_PREFERENCE = [443, 80, 22];
/** Private blocks in the order a witness prefers them: 172.16/12 reads as "a VNet address" in Azure docs. */
const PRIVATE_BLOCKS: readonly AddressSet[] = ['172.16.0.0/12', '10.0.0.0/8', '192.168.0.0/16', 'fd00::/8'].map((cidr) =>
  AddressSet.parse(cidr),
);
/** Not "public": private, shared, loopback, link-local, documentation, multicast and reserved blocks. */
const NON_PUBLIC = AddressSet.parse(
  '0.0.0.0/8, 10.0.0.0/8, 100.64.0.0/10, 127.0.0.0/8, 169.254.0.0/16, 172.16.0.0/12, 192.0.0.0/24, 192.0.2.0/24, ' +
    '192.168.0.0/16, 198.18.0.0/15, 198.51.100.0/24, 203.0.113.0/24, 224.0.0.0/3, ' +
    '::/8, 100::/64, 2001:db8::/32, fc00::/7, fe80::/10, ff00::/8',
);

/** First value of the first of `preferred` that the set holds, else its smallest value. */
function pickNumber(values: IntervalSet, preferred: readonly number[]): { value: number; rank: number } {
  for (let rank = 0; rank < preferred.length; rank++) {
    if (values.hasNumber(preferred[rank]!)) return { value: preferred[rank]!, rank };
  }
  return { value: values.bounds[0]!, rank: preferred.length };
}

/**
 * First address of `values` inside the first of `prefer` that it meets, else outside `avoid`, else the first
 * address at all. The rank says which (lower reads better) so witnesses of different boxes can be compared.
 */
function pickAddress(
  values: IntervalSet,
  family: Family,
  prefer: readonly AddressSet[],
  avoid: AddressSet | undefined,
): { address: string; rank: number } {
  for (const block of prefer) {
    const candidates = values.intersection(block.of(family));
    if (!candidates.isEmpty()) return { address: formatAddress(family, candidates.lo(0)), rank: 0 };
  }
  const outside = avoid ? values.difference(avoid.of(family)) : undefined;
  if (outside && !outside.isEmpty()) return { address: formatAddress(family, outside.lo(0)), rank: 1 };
  return { address: formatAddress(family, values.lo(0)), rank: 2 };
}

function witnessOf(box: Box): { packet: Packet; score: number[] } {
  const direction: Direction = box.directions & DIRECTION_BIT.out ? 'out' : 'in';
  const protocol = pickNumber(box.protocols.intervals, PROTOCOL_PREFERENCE);
  // Outbound: from a private address to a public one; inbound the other way round.
  const src = pickAddress(box.src, box.family, direction === 'out' ? PRIVATE_BLOCKS : [], direction === 'in' ? NON_PUBLIC : undefined);
  const dst = pickAddress(box.dst, box.family, direction === 'in' ? PRIVATE_BLOCKS : [], direction === 'out' ? NON_PUBLIC : undefined);
  const host = box.hosts.witness()!.host;
  let ports: Pick<Packet, 'srcPort' | 'dstPort' | 'icmp'> = {};
  let portRank = 0;
  if (box.portClass === 'ports') {
    const dstPort = pickNumber(box.dstPorts, PORT_PREFERENCE);
    const srcPort = pickNumber(box.srcPorts, [DEFAULT_SOURCE_PORT]);
    ports = { srcPort: srcPort.value, dstPort: dstPort.value };
    portRank = dstPort.rank * 2 + srcPort.rank;
  } else if (box.portClass === 'icmp') {
    const typeCode = pickNumber(box.dstPorts, [8 << 8, 128 << 8]); // echo request (ICMP 8, ICMPv6 128)
    ports = { icmp: { type: typeCode.value >> 8, code: typeCode.value & 255 } };
    portRank = typeCode.rank;
  }
  const packet: Packet = {
    direction,
    protocol: protocol.value,
    src: src.address,
    dst: dst.address,
    ...ports,
    ...(host === undefined ? {} : { host }),
  };
  return { packet, score: [direction === 'out' ? 0 : 1, protocol.rank, portRank, src.rank, dst.rank, box.family === 'ipv4' ? 0 : 1] };
}

function compareScores(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

// ─── text ────────────────────────────────────────────────────────────────────────────────────────────────

function formatAddresses(values: IntervalSet, family: Family): string {
  if (values.isFull()) return 'any';
  const set = family === 'ipv4' ? AddressSet.fromIntervalSets(values, AddressSet.EMPTY.ipv6) : AddressSet.fromIntervalSets(AddressSet.EMPTY.ipv4, values);
  const cidrs = set.toCidrStrings();
  return cidrs.length <= 4 ? cidrs.join(',') : `${cidrs.slice(0, 3).join(',')},…(${cidrs.length} blocks)`;
}

function formatBox(box: Box): string {
  const direction = box.directions === 3 ? 'in/out' : box.directions & DIRECTION_BIT.out ? 'out' : 'in';
  const parts = [direction, box.family, box.protocols.toString(), formatAddresses(box.src, box.family)];
  if (box.portClass === 'ports' && !box.srcPorts.isFull()) parts.push(`port ${PortSet.fromIntervals(box.srcPorts).toString()}`);
  parts.push('->', formatAddresses(box.dst, box.family));
  if (box.portClass === 'ports' && !box.dstPorts.isFull()) parts.push(`port ${PortSet.fromIntervals(box.dstPorts).toString()}`);
  if (box.portClass === 'icmp' && !box.dstPorts.isFull()) {
    const types = box.dstPorts.ranges().map(([lo, hi]) => (lo === hi ? `${lo >> 8}/${lo & 255}` : `${lo >> 8}/${lo & 255}-${hi >> 8}/${hi & 255}`));
    parts.push(`icmp ${types.join(',')}`);
  }
  if (!box.hosts.isAny()) parts.push(`host ${box.hosts.toString()}`);
  return parts.join(' ');
}

