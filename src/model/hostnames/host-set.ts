/**
 * `HostSet`: packets by the host name they carry, closed under ∪ ∩ − and complement, with exact emptiness.
 *
 * The domain is {no host} ∪ {every valid host name}. Any Boolean combination of exact names and `*.suffix`
 * wildcards has a finite normal form: a few *significant* names, each with two bits — `self` (the name itself)
 * and `below` (every name strictly under it) — plus `other` (names under no significant name) and `noHost`.
 * A host takes the bit of its longest significant ancestor-or-self. A significant name whose two bits both equal
 * what it would inherit from above says nothing and is dropped; with that rule the form is unique, so equality is
 * structural and a set is empty exactly when no bit is true.
 *
 * Uniqueness needs, under every name, a child label that no significant name uses. The algebra therefore treats
 * names as unbounded in length; the 253-character limit applies to the patterns users write (a wildcard is refused
 * when even `a.<suffix>` would be too long), not to the set algebra.
 */
import { parseHostPattern, type HostPattern } from './patterns.js';

interface Cell {
  /** The significant name itself is in the set. */
  readonly self: boolean;
  /** Every name strictly below it that is not below a deeper significant name is in the set. */
  readonly below: boolean;
}

type Cells = ReadonlyMap<string, Cell>;
/** One term of `toString`: a pattern (or `any`) minus exceptions. */
interface Term {
  readonly head: string;
  readonly exceptions: string[];
}

type BitOperator = (left: boolean, right: boolean) => boolean;

const OR: BitOperator = (left, right) => left || right;
const AND: BitOperator = (left, right) => left && right;
const AND_NOT: BitOperator = (left, right) => left && !right;

export class HostSet {
  /** Significant names in ascending order, canonical (no cell equal to what it inherits). */
  private readonly cells: Cells;
  private readonly other: boolean;
  private readonly noHost: boolean;

  private constructor(cells: Cells, other: boolean, noHost: boolean) {
    this.cells = cells;
    this.other = other;
    this.noHost = noHost;
  }

  /** Every packet, with or without a host name: what a network-layer rule matches. */
  static readonly ANY: HostSet = new HostSet(new Map(), true, true);
  static readonly EMPTY: HostSet = new HostSet(new Map(), false, false);
  /** Only packets without a host name. */
  static readonly NO_HOST: HostSet = new HostSet(new Map(), false, true);
  /** Packets that carry some host name, whichever it is. */
  static readonly ANY_NAME: HostSet = new HostSet(new Map(), true, false);

  /** The names any of `patterns` match (strings are parsed with `parseHostPattern`). Never includes no-host. */
  static fromPatterns(patterns: Iterable<HostPattern | string>): HostSet {
    const exact = new Set<string>();
    const wildcard = new Set<string>();
    for (const item of patterns) {
      const pattern = typeof item === 'string' ? parseHostPattern(item) : item;
      if (pattern.kind === 'exact') exact.add(pattern.name);
      else wildcard.add(pattern.suffix);
    }
    const raw = new Map<string, Cell>();
    for (const name of [...exact, ...wildcard]) {
      const covered = someStrictAncestor(name, (ancestor) => wildcard.has(ancestor));
      raw.set(name, { self: exact.has(name) || covered, below: wildcard.has(name) || covered });
    }
    return HostSet.canonical(raw, false, false);
  }

  union(other: HostSet): HostSet {
    return this.combine(other, OR);
  }
  intersection(other: HostSet): HostSet {
    // Any host (most boxes) against a rule's host names: those names as they are, not rebuilt cell by cell.
    if (other.isAny() || this === other) return this;
    if (this.isAny()) return other;
    return this.combine(other, AND);
  }
  difference(other: HostSet): HostSet {
    return this.combine(other, AND_NOT);
  }
  complement(): HostSet {
    // Flipping every bit keeps each cell different from what it inherits, so the result is still canonical.
    const cells = new Map<string, Cell>();
    for (const [name, cell] of this.cells) cells.set(name, { self: !cell.self, below: !cell.below });
    return new HostSet(cells, !this.other, !this.noHost);
  }

  isEmpty(): boolean {
    return this.cells.size === 0 && !this.other && !this.noHost;
  }
  /** Every packet, with or without a host name. */
  isAny(): boolean {
    return this.cells.size === 0 && this.other && this.noHost;
  }
  equals(other: HostSet): boolean {
    if (this.other !== other.other || this.noHost !== other.noHost || this.cells.size !== other.cells.size) return false;
    for (const [name, cell] of this.cells) {
      const twin = other.cells.get(name);
      if (!twin || twin.self !== cell.self || twin.below !== cell.below) return false;
    }
    return true;
  }
  isSubsetOf(other: HostSet): boolean {
    if (this === other || other.isAny()) return true;
    return !this.anyCombined(other, AND_NOT);
  }
  overlaps(other: HostSet): boolean {
    // Any host on a side (most boxes): no walk of the cells. Issue 22: `path` asks this for every pair of flow and
    // rule boxes, and the walks (each building the set of both sides' names) were ~3 ms of a cold run.
    if (this === other || other.isAny()) return !this.isEmpty();
    if (this.isAny()) return !other.isEmpty();
    return this.anyCombined(other, AND);
  }

  /**
   * Whether a packet with this host name (`undefined`: a packet without one) is in the set. The name is compared
   * in lower case without a trailing dot; it is not otherwise validated.
   */
  has(host: string | undefined): boolean {
    if (host === undefined) return this.noHost;
    const name = host.toLowerCase().replace(/\.$/, '');
    if (name === '') return false;
    return this.cells.get(name)?.self ?? this.inheritedAt(name);
  }

  /**
   * A member, readable: prefers an exact name the set mentions, then `a.<suffix>`-style names, then a packet
   * without host, then example.com-style names. `{ host: undefined }` means "a packet without host"; undefined
   * when the set is empty.
   */
  witness(): { host: string | undefined } | undefined {
    // Names the set mentions as included: their bit is true while the region around them is not.
    for (const [name, cell] of this.cells) if (cell.self && !this.inheritedAt(name)) return { host: name };
    for (const [name, cell] of this.cells) if (cell.below && !this.inheritedAt(name)) return { host: this.freshChild(name) };
    if (this.noHost) return { host: undefined };
    // If some bit is true, the topmost significant name with one is preferred above; so only `other` is left.
    if (this.other) return { host: this.nameOutsideCells() };
    return undefined;
  }

  /** Readable and deterministic: `*.x.com except a.x.com, y.org`, `any`, `any name`, `no host`, `none`. */
  toString(): string {
    const terms = this.describe();
    if (this.noHost && !this.other) terms.push({ head: 'no host', exceptions: [] });
    if (terms.length === 0) return 'none';
    return terms
      .map(({ head, exceptions }) => {
        if (exceptions.length === 0) return head;
        if (exceptions.length === 1) return `${head} except ${exceptions[0]}`;
        return `${head} except (${exceptions.join(', ')})`;
      })
      .join(', ');
  }

  /** Drops, top-down, every cell equal to what it inherits; `raw` must describe the set completely. */
  private static canonical(raw: Cells, other: boolean, noHost: boolean): HostSet {
    const topDown = [...raw.keys()].sort((a, b) => depth(a) - depth(b) || compare(a, b));
    const kept = new Map<string, Cell>();
    for (const name of topDown) {
      const cell = raw.get(name)!;
      const inherited = inheritedAt(kept, other, name);
      // Dropping a cell equal to its inheritance leaves every deeper name's inheritance unchanged.
      if (cell.self !== inherited || cell.below !== inherited) kept.set(name, cell);
    }
    return new HostSet(new Map([...kept].sort(([a], [b]) => compare(a, b))), other, noHost);
  }

  /** The bit of a name that is not significant: the `below` of its nearest significant ancestor, else `other`. */
  private inheritedAt(name: string): boolean {
    return inheritedAt(this.cells, this.other, name);
  }

  /** The bits this set gives `name` whether or not it is significant here. */
  private cellAt(name: string): Cell {
    const cell = this.cells.get(name);
    if (cell) return cell;
    const inherited = this.inheritedAt(name);
    return { self: inherited, below: inherited };
  }

  /**
   * Evaluating both operands at the union of their significant names describes the result completely: below a
   * name significant in neither, each operand keeps the bit of the nearest name that is.
   */
  private combine(other: HostSet, operator: BitOperator): HostSet {
    const raw = new Map<string, Cell>();
    for (const name of new Set([...this.cells.keys(), ...other.cells.keys()])) {
      const left = this.cellAt(name);
      const right = other.cellAt(name);
      raw.set(name, { self: operator(left.self, right.self), below: operator(left.below, right.below) });
    }
    return HostSet.canonical(raw, operator(this.other, other.other), operator(this.noHost, other.noHost));
  }

  /** Whether `combine(other, operator)` would be non-empty, without building it (a true bit means a member). */
  private anyCombined(other: HostSet, operator: BitOperator): boolean {
    if (operator(this.other, other.other) || operator(this.noHost, other.noHost)) return true;
    for (const name of new Set([...this.cells.keys(), ...other.cells.keys()])) {
      const left = this.cellAt(name);
      const right = other.cellAt(name);
      if (operator(left.self, right.self) || operator(left.below, right.below)) return true;
    }
    return false;
  }

  /** `a.<name>`, `b.<name>`, …: a child no significant name is at or under, so it takes `name`'s `below`. */
  private freshChild(name: string): string {
    for (const label of labelSequence()) {
      const child = `${label}.${name}`;
      if (!this.hasSignificantAtOrUnder(child)) return child;
    }
    throw new Error('unreachable: labels are unbounded');
  }

  /** `example.com`, `example.net`, `example.org`, then `example.<fresh>`: a name no significant name is above. */
  private nameOutsideCells(): string {
    const topLevels = (function* () {
      yield* ['com', 'net', 'org'];
      yield* labelSequence();
    })();
    for (const topLevel of topLevels) {
      const name = `example.${topLevel}`;
      if (!this.cells.has(name) && nearestSignificantAncestor(this.cells, name) === undefined) return name;
    }
    throw new Error('unreachable: labels are unbounded');
  }

  private hasSignificantAtOrUnder(name: string): boolean {
    if (this.cells.has(name)) return true;
    const tail = `.${name}`;
    for (const significant of this.cells.keys()) if (significant.endsWith(tail)) return true;
    return false;
  }

  /**
   * The set as a union of terms `head except (…)`, walking the tree of significant names from the top. Inside an
   * included region, names that switch off become exceptions of the term that opened the region; inside an
   * excluded region, names that switch on open new terms.
   */
  private describe(): Term[] {
    const children = new Map<string, string[]>();
    for (const name of this.cells.keys()) {
      const parent = nearestSignificantAncestor(this.cells, name) ?? '';
      const siblings = children.get(parent);
      if (siblings) siblings.push(name);
      else children.set(parent, [name]);
    }
    const terms: Term[] = [];
    const walk = (parent: string, term: Term | undefined): void => {
      for (const name of children.get(parent) ?? []) {
        const cell = this.cells.get(name)!;
        if (term) {
          if (!cell.self) term.exceptions.push(name);
          if (!cell.below) term.exceptions.push(`*.${name}`);
          walk(name, cell.below ? term : undefined);
        } else {
          if (cell.self) terms.push({ head: name, exceptions: [] });
          const opened: Term | undefined = cell.below ? { head: `*.${name}`, exceptions: [] } : undefined;
          if (opened) terms.push(opened);
          walk(name, opened);
        }
      }
    };
    if (this.other) {
      const top: Term = { head: this.noHost ? 'any' : 'any name', exceptions: [] };
      terms.push(top);
      walk('', top);
    } else {
      walk('', undefined);
    }
    return terms;
  }
}

function inheritedAt(cells: Cells, other: boolean, name: string): boolean {
  const ancestor = nearestSignificantAncestor(cells, name);
  return ancestor === undefined ? other : cells.get(ancestor)!.below;
}

function nearestSignificantAncestor(cells: Cells, name: string): string | undefined {
  for (let dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
    const ancestor = name.slice(dot + 1);
    if (cells.has(ancestor)) return ancestor;
  }
  return undefined;
}

function someStrictAncestor(name: string, test: (ancestor: string) => boolean): boolean {
  for (let dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
    if (test(name.slice(dot + 1))) return true;
  }
  return false;
}

function depth(name: string): number {
  let dots = 0;
  for (let index = name.indexOf('.'); index >= 0; index = name.indexOf('.', index + 1)) dots++;
  return dots;
}

/** Code-unit order: names are lower-case ASCII, so this is stable across locales. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `a` … `z`, `aa`, `ab`, …: short labels for invented names. */
function* labelSequence(): Generator<string> {
  for (let length = 1; ; length++) {
    const count = 26 ** length;
    for (let index = 0; index < count; index++) {
      let label = '';
      for (let rest = index, position = 0; position < length; position++, rest = Math.floor(rest / 26)) {
        label = String.fromCharCode(0x61 + (rest % 26)) + label;
      }
      yield label;
    }
  }
}

