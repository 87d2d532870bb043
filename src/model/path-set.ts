/**
 * `PathSet`: packets by the URL path they carry (application rules with target URLs), closed under ∪ ∩ − and
 * complement, with exact emptiness and a witness.
 *
 * The domain is {no path} ∪ {every string that starts with `/`}. Paths compare by UTF-16 code units, so the paths
 * starting with `/a/` are exactly the half-open interval [`/a/`, `/a0`) (the last unit incremented), one path `p`
 * is [`p`, `p\0`), and every path is [`/`, `0`). A set is a sorted list of disjoint half-open intervals plus a flag
 * for "no path": a canonical form, so equality is structural. Paths are case-sensitive (RFC 3986 §6.2.2.1: only
 * scheme and host are case-insensitive); queries and fragments are not part of the model.
 */
import { TagwallError } from '../errors.js';

const DOMAIN_LO = '/';
/** The first string after every `/…` string: '0' is the code unit after '/'. */
const DOMAIN_HI = '0';

/** [lo, hi): lo < hi, both within the domain. */
type Span = readonly [lo: string, hi: string];

/** The least string greater than every string that starts with `prefix`. */
function afterPrefix(prefix: string): string {
  let end = prefix.length;
  while (end > 0 && prefix.charCodeAt(end - 1) === 0xffff) end--;
  if (end === 0) throw new TagwallError('TW_INVALID_PACKET', 'a path prefix of only U+FFFF units has no bound');
  return prefix.slice(0, end - 1) + String.fromCharCode(prefix.charCodeAt(end - 1) + 1);
}

function checkPath(path: string): void {
  if (!path.startsWith('/')) throw new TagwallError('TW_INVALID_PACKET', `a URL path starts with '/': '${path}'`);
}

type Operator = (left: boolean, right: boolean) => boolean;

/** Sweeps both span lists at once and keeps the points where `operator` holds, merged. */
function combine(a: readonly Span[], b: readonly Span[], operator: Operator): Span[] {
  const points = [...new Set([...a.flat(), ...b.flat()])].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const inside = (spans: readonly Span[], point: string): boolean => spans.some(([lo, hi]) => lo <= point && point < hi);
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const lo = points[i]!;
    const hi = points[i + 1]!;
    if (!operator(inside(a, lo), inside(b, lo))) continue;
    const last = out[out.length - 1];
    if (last && last[1] === lo) last[1] = hi;
    else out.push([lo, hi]);
  }
  return out;
}

function describeSpan([lo, hi]: Span): string | undefined {
  if (hi === `${lo}\u0000`) return lo;
  if (lo === DOMAIN_LO && hi === DOMAIN_HI) return '/*';
  return hi === afterPrefix(lo) ? `${lo}*` : undefined;
}

function describeSpans(spans: readonly Span[], noPath: boolean): { text: string; readable: boolean } {
  const parts = spans.map((span) => describeSpan(span) ?? `[${JSON.stringify(span[0])}, ${JSON.stringify(span[1])})`);
  if (noPath) parts.unshift('no path');
  return { text: parts.length === 0 ? '(no paths)' : parts.join(', '), readable: spans.every((span) => describeSpan(span) !== undefined) };
}

export class PathSet {
  private constructor(
    private readonly spans: readonly Span[],
    private readonly noPath: boolean,
  ) {}

  /** Every packet, with or without a path: what a rule without URLs matches. */
  static readonly ANY: PathSet = new PathSet([[DOMAIN_LO, DOMAIN_HI]], true);
  static readonly EMPTY: PathSet = new PathSet([], false);
  /** Only packets that carry no path. */
  static readonly NO_PATH: PathSet = new PathSet([], true);

  /** Every path that starts with `prefix` (`/` = every path, but not "no path"). */
  static prefix(prefix: string): PathSet {
    checkPath(prefix);
    return new PathSet([[prefix, afterPrefix(prefix)]], false);
  }

  /** Exactly this path. */
  static exact(path: string): PathSet {
    checkPath(path);
    return new PathSet([[path, `${path}\u0000`]], false);
  }

  union(other: PathSet): PathSet {
    return new PathSet(combine(this.spans, other.spans, (x, y) => x || y), this.noPath || other.noPath);
  }
  intersection(other: PathSet): PathSet {
    // The same set or every path on a side (most boxes carry no URL rule: PathSet.ANY): the answer without the
    // sweep, which sorts both lists' points. Exact, as the form is canonical. Issue 22: `path`'s walks intersect every
    // flow box with every rule box, and the sweeps were ~7 ms of a cold run over nsg-blocks-firewall.
    if (other === this || other === PathSet.ANY) return this;
    if (this === PathSet.ANY) return other;
    return new PathSet(combine(this.spans, other.spans, (x, y) => x && y), this.noPath && other.noPath);
  }
  difference(other: PathSet): PathSet {
    return new PathSet(combine(this.spans, other.spans, (x, y) => x && !y), this.noPath && !other.noPath);
  }
  complement(): PathSet {
    return PathSet.ANY.difference(this);
  }
  isEmpty(): boolean {
    return this.spans.length === 0 && !this.noPath;
  }
  isAny(): boolean {
    return this.equals(PathSet.ANY);
  }
  equals(other: PathSet): boolean {
    return (
      this.noPath === other.noPath &&
      this.spans.length === other.spans.length &&
      this.spans.every(([lo, hi], i) => lo === other.spans[i]![0] && hi === other.spans[i]![1])
    );
  }
  isSubsetOf(other: PathSet): boolean {
    return this.difference(other).isEmpty();
  }
  overlaps(other: PathSet): boolean {
    // Almost every rule matches any path; keep that case free of allocation.
    if (this.noPath && other.noPath) return true;
    return this.spans.some(([lo, hi]) => other.spans.some(([otherLo, otherHi]) => lo < otherHi && otherLo < hi));
  }

  has(path: string | undefined): boolean {
    if (path === undefined) return this.noPath;
    return this.spans.some(([lo, hi]) => lo <= path && path < hi);
  }

  /** No path when the set allows it (a network-layer packet reads best), else the first path. */
  witness(): { path: string | undefined } | undefined {
    if (this.noPath) return { path: undefined };
    const first = this.spans[0];
    return first ? { path: first[0] } : undefined;
  }

  /**
   * `/a/*, /b` (prefixes with `*`), `any path`, `no path`, or `any path except /a/*` when the complement reads
   * better; spans that are neither a prefix nor one path print as `[lo, hi)`.
   */
  toString(): string {
    if (this.isAny()) return 'any path';
    const own = describeSpans(this.spans, this.noPath);
    if (own.readable) return own.text;
    const complement = this.complement();
    const other = describeSpans(complement.spans, complement.noPath);
    return other.readable ? `any path except ${other.text}` : own.text;
  }

  /** A stable key for grouping equal sets. */
  key(): string {
    return `${this.noPath ? 1 : 0}${this.spans.map(([lo, hi]) => `${lo}\u0001${hi}`).join('\u0002')}`;
  }
}
