/**
 * Port sets (0–65535) and IP protocol sets (0–255): small one-word interval sets with the same algebra as
 * addresses, and the text forms users write (`"80,443,8000-8999"`, `"tcp,udp"`).
 */
import { TagwallError } from '../errors.js';
import { domainOf, IntervalSet, sameDomain, type IntervalDomain } from './intervals.js';

export const PORT_DOMAIN: IntervalDomain = domainOf('port', 1, [65535]);
export const PROTOCOL_DOMAIN: IntervalDomain = domainOf('protocol', 1, [255]);

/** Set algebra shared by every one-word set type; subclasses add parsing and text. */
abstract class NumberSet<Self extends NumberSet<Self>> {
  readonly intervals: IntervalSet;

  protected constructor(intervals: IntervalSet) {
    this.intervals = intervals;
  }

  protected abstract wrap(intervals: IntervalSet): Self;

  union(other: Self): Self {
    return this.wrap(this.intervals.union(other.intervals));
  }
  intersection(other: Self): Self {
    return this.wrap(this.intervals.intersection(other.intervals));
  }
  difference(other: Self): Self {
    return this.wrap(this.intervals.difference(other.intervals));
  }
  complement(): Self {
    return this.wrap(this.intervals.complement());
  }
  equals(other: Self): boolean {
    return this.intervals.equals(other.intervals);
  }
  isSubsetOf(other: Self): boolean {
    return this.intervals.isSubsetOf(other.intervals);
  }
  overlaps(other: Self): boolean {
    return this.intervals.overlaps(other.intervals);
  }
  isEmpty(): boolean {
    return this.intervals.isEmpty();
  }
  /** Every value of the domain. */
  isAny(): boolean {
    return this.intervals.isFull();
  }
  has(value: number): boolean {
    return this.intervals.hasNumber(value);
  }
  /** Maximal ranges `[first, last]`, ascending. */
  ranges(): Array<[number, number]> {
    return this.intervals.ranges();
  }
  /** Number of values. */
  count(): number {
    return Number(this.intervals.size());
  }
  /** The smallest value, or undefined when empty. */
  first(): number | undefined {
    return this.intervals.isEmpty() ? undefined : this.intervals.bounds[0];
  }
}

/** Splits `"a, b-c , d"` into trimmed items with their column (1-based) for error messages. */
function listItems(text: string): Array<{ item: string; column: number }> {
  const items: Array<{ item: string; column: number }> = [];
  let start = 0;
  for (const piece of text.split(',')) {
    const lead = piece.length - piece.trimStart().length;
    items.push({ item: piece.trim(), column: start + lead + 1 });
    start += piece.length + 1;
  }
  return items;
}

function parseDecimal(text: string, max: number, code: 'TW_INVALID_PORT' | 'TW_INVALID_PROTOCOL', what: string): number {
  if (!/^[0-9]{1,5}$/.test(text)) throw new TagwallError(code, `'${text}' is not a ${what}`);
  const value = Number(text);
  if (value > max) throw new TagwallError(code, `${what} ${value} is out of range 0-${max}`);
  return value;
}

export class PortSet extends NumberSet<PortSet> {
  static readonly ANY: PortSet = new PortSet(IntervalSet.full(PORT_DOMAIN));
  static readonly EMPTY: PortSet = new PortSet(IntervalSet.empty(PORT_DOMAIN));

  protected wrap(intervals: IntervalSet): PortSet {
    return new PortSet(intervals);
  }

  static fromIntervals(intervals: IntervalSet): PortSet {
    if (!sameDomain(intervals.domain, PORT_DOMAIN)) throw new TypeError(`not a port set: ${intervals.domain.name}`);
    return new PortSet(intervals);
  }

  static of(...ports: number[]): PortSet {
    return PortSet.fromRanges(ports.map((port) => [port, port] as const));
  }

  static range(first: number, last: number): PortSet {
    return PortSet.fromRanges([[first, last]]);
  }

  static fromRanges(ranges: Iterable<readonly [number, number]>): PortSet {
    const checked: Array<readonly [number, number]> = [];
    for (const [first, last] of ranges) {
      for (const port of [first, last]) {
        if (!Number.isInteger(port) || port < 0 || port > 65535) {
          throw new TagwallError('TW_INVALID_PORT', `port ${port} is out of range 0-65535`);
        }
      }
      if (first > last) throw new TagwallError('TW_INVALID_PORT', `port range ${first}-${last} ends before it starts`);
      checked.push([first, last]);
    }
    return new PortSet(IntervalSet.fromRanges(PORT_DOMAIN, checked));
  }

  /**
   * `"80,443,8000-8999"`; `"*"`, `"any"` or `"0-65535"` for every port. Errors name the item and its column.
   */
  static parse(text: string | number): PortSet {
    if (typeof text === 'number') return PortSet.of(text);
    const trimmed = text.trim();
    if (trimmed === '*' || trimmed.toLowerCase() === 'any') return PortSet.ANY;
    if (trimmed === '') throw new TagwallError('TW_INVALID_PORT', 'empty port list');
    const ranges: Array<[number, number]> = [];
    for (const { item, column } of listItems(text)) {
      const at = { column };
      if (item === '') throw new TagwallError('TW_INVALID_PORT', `empty item in port list '${text}'`, { location: at });
      const dash = item.indexOf('-');
      try {
        const first = parseDecimal(dash >= 0 ? item.slice(0, dash).trim() : item, 65535, 'TW_INVALID_PORT', 'port');
        const last = dash >= 0 ? parseDecimal(item.slice(dash + 1).trim(), 65535, 'TW_INVALID_PORT', 'port') : first;
        if (first > last) throw new TagwallError('TW_INVALID_PORT', `port range '${item}' ends before it starts`);
        ranges.push([first, last]);
      } catch (error) {
        throw error instanceof TagwallError ? error.at(at) : error;
      }
    }
    return new PortSet(IntervalSet.fromRanges(PORT_DOMAIN, ranges));
  }

  /** `80,443,8000-8999`; `any` for every port; `none` for the empty set. */
  override toString(): string {
    if (this.isAny()) return 'any';
    if (this.isEmpty()) return 'none';
    return this.ranges()
      .map(([first, last]) => (first === last ? `${first}` : `${first}-${last}`))
      .join(',');
  }
}

/** IANA protocol numbers tagwall names in text. */
export const PROTOCOL_NUMBERS: Readonly<Record<string, number>> = Object.freeze({
  icmp: 1,
  igmp: 2,
  tcp: 6,
  udp: 17,
  gre: 47,
  esp: 50,
  ah: 51,
  icmpv6: 58,
  sctp: 132,
});

const PROTOCOL_ALIASES: Readonly<Record<string, number>> = Object.freeze({
  ...PROTOCOL_NUMBERS,
  'ipv6-icmp': 58,
  icmp6: 58,
});

export const TCP = 6;
export const UDP = 17;
export const ICMP = 1;
export const ICMPV6 = 58;

export function protocolName(protocol: number): string {
  for (const [name, number] of Object.entries(PROTOCOL_NUMBERS)) if (number === protocol) return name;
  return String(protocol);
}

export class ProtocolSet extends NumberSet<ProtocolSet> {
  static readonly ANY: ProtocolSet = new ProtocolSet(IntervalSet.full(PROTOCOL_DOMAIN));
  static readonly EMPTY: ProtocolSet = new ProtocolSet(IntervalSet.empty(PROTOCOL_DOMAIN));

  protected wrap(intervals: IntervalSet): ProtocolSet {
    return new ProtocolSet(intervals);
  }

  static fromIntervals(intervals: IntervalSet): ProtocolSet {
    if (!sameDomain(intervals.domain, PROTOCOL_DOMAIN)) throw new TypeError(`not a protocol set: ${intervals.domain.name}`);
    return new ProtocolSet(intervals);
  }

  static of(...protocols: number[]): ProtocolSet {
    for (const protocol of protocols) {
      if (!Number.isInteger(protocol) || protocol < 0 || protocol > 255) {
        throw new TagwallError('TW_INVALID_PROTOCOL', `protocol ${protocol} is out of range 0-255`);
      }
    }
    return new ProtocolSet(IntervalSet.fromRanges(PROTOCOL_DOMAIN, protocols.map((p) => [p, p] as const)));
  }

  /** `"tcp,udp"`, `"6"`, `"any"` / `"*"`; names are case-insensitive. */
  static parse(text: string): ProtocolSet {
    const trimmed = text.trim().toLowerCase();
    if (trimmed === '*' || trimmed === 'any' || trimmed === 'all') return ProtocolSet.ANY;
    const numbers: number[] = [];
    for (const { item, column } of listItems(trimmed)) {
      const known = PROTOCOL_ALIASES[item];
      if (known !== undefined) numbers.push(known);
      else if (/^[0-9]+(-[0-9]+)?$/.test(item)) {
        try {
          const [first, last] = item.split('-').map((n) => parseDecimal(n, 255, 'TW_INVALID_PROTOCOL', 'protocol number'));
          const end = last ?? first!;
          if (first! > end) throw new TagwallError('TW_INVALID_PROTOCOL', `protocol range '${item}' ends before it starts`);
          for (let p = first!; p <= end; p++) numbers.push(p);
        } catch (error) {
          throw error instanceof TagwallError ? error.at({ column }) : error;
        }
      } else {
        throw new TagwallError('TW_INVALID_PROTOCOL', `unknown protocol '${item}'`, {
          location: { column },
          suggestions: Object.keys(PROTOCOL_ALIASES).filter((name) => name.startsWith(item.slice(0, 2))),
        });
      }
    }
    return ProtocolSet.of(...numbers);
  }

  /** `tcp,udp`; `any` for every protocol; numbers where there is no name. */
  override toString(): string {
    if (this.isAny()) return 'any';
    if (this.isEmpty()) return 'none';
    const parts: string[] = [];
    for (const [first, last] of this.ranges()) {
      if (last - first > 3) parts.push(`${first}-${last}`);
      else for (let p = first; p <= last; p++) parts.push(protocolName(p));
    }
    return parts.join(',');
  }
}
