/**
 * The questions DESIGN.md asks of rule sets, answered exactly and with concrete packets: which rule decides a
 * packet, whether two rule sets allow the same packets (if not, a readable packet that tells them apart), what one
 * allows beyond the other, and which rules never matter.
 */
import { TagwallError } from '../errors.js';
import { OUTLINE_SIZE, outlineOfAll, outlinesMeet, type Outlines } from '../model/box-outline.js';
import { anyLeftWithout, PacketSet, type Box } from '../model/packet-set.js';
import type { Packet } from '../model/packet.js';
import { allowedPackets, evaluate, EarlierMatches, type Action, type AnalysisMode, type Rule, type RuleSet, type Verdict } from './rule-set.js';

// `evaluate` lives beside the rule set it reads (a target's build asks it without loading these questions).
export { evaluate, type Verdict } from './rule-set.js';

/**
 * Two rule sets are comparable only when their tags mean the same thing: a symbolic atom and a snapshot's
 * prefixes never meet, so mixing modes would report every tag as a difference.
 */
export function comparableMode(left: RuleSet, right: RuleSet): AnalysisMode {
  if (left.mode !== right.mode) {
    throw new TagwallError(
      'TW_MODE_MISMATCH',
      `cannot compare '${left.name}' (${left.mode}) with '${right.name}' (${right.mode}): build both with the same resolver (symbolic, or expanded through one snapshot)`,
    );
  }
  return left.mode;
}

export type Equivalence =
  | { readonly equivalent: true; readonly mode: AnalysisMode }
  | {
      readonly equivalent: false;
      readonly mode: AnalysisMode;
      /** A packet one side allows and the other does not. */
      readonly witness: Packet;
      readonly left: Verdict;
      readonly right: Verdict;
      /** Everything `left` allows that `right` does not, and the reverse. */
      readonly onlyLeft: PacketSet;
      readonly onlyRight: PacketSet;
    };

/** Exact equivalence of what two rule sets allow; a witness with the deciding rule on each side when they differ. */
export function equivalent(left: RuleSet, right: RuleSet): Equivalence {
  const mode = comparableMode(left, right);
  const a = allowedPackets(left);
  const b = allowedPackets(right);
  const onlyLeft = a.difference(b);
  const onlyRight = b.difference(a);
  const witness = PacketSet.bestWitness([onlyLeft, onlyRight]);
  if (!witness) return { equivalent: true, mode };
  return { equivalent: false, mode, witness, left: evaluate(left, witness), right: evaluate(right, witness), onlyLeft, onlyRight };
}

/** One piece of a difference as printed: a box and a packet in it. */
export interface Piece {
  readonly packets: PacketSet;
  readonly witness: Packet;
}

export interface Difference {
  readonly mode: AnalysisMode;
  /** Exactly what `left` allows and `right` does not. */
  readonly packets: PacketSet;
  /** `packets` as a few boxes (neighbours merged), each with a readable witness, best witness first. */
  readonly pieces: readonly Piece[];
}

/** Split a set into its boxes, each with its witness, the most readable first. */
export function piecesOf(packets: PacketSet): Piece[] {
  return packets
    .compact()
    .witnessedBoxes()
    .map(({ box, witness }) => ({ packets: PacketSet.fromDisjointBoxes([box]), witness }));
}

/** What `left` allows that `right` does not, exactly. */
export function difference(left: RuleSet, right: RuleSet): Difference {
  const mode = comparableMode(left, right);
  const packets = allowedPackets(left).difference(allowedPackets(right));
  // Split into pieces only when read: `check` groups the packets by rule itself and never reads them.
  let pieces: Piece[] | undefined;
  return {
    mode,
    packets,
    get pieces(): Piece[] {
      return (pieces ??= piecesOf(packets));
    },
  };
}

/**
 * `difference(left, right).packets.intersection(scope)`, the same boxes, without cutting the boxes of `left` that
 * `scope` does not meet (see PacketSet.differenceWithin).
 */
export function differenceWithin(left: RuleSet, right: RuleSet, scope: PacketSet): PacketSet {
  comparableMode(left, right);
  const allowed = allowedPackets(left);
  return allowed.differenceWithin(allowedPackets(right), scope);
}

export type Containment =
  | { readonly contained: true; readonly mode: AnalysisMode }
  | {
      readonly contained: false;
      readonly mode: AnalysisMode;
      /** What `inner` allows that `outer` does not. */
      readonly missing: Difference;
      readonly witness: Packet;
      readonly outer: Verdict;
      readonly inner: Verdict;
    };

/** Does `outer` allow every packet `inner` allows? If not, the packets it misses and a witness. */
export function contains(outer: RuleSet, inner: RuleSet): Containment {
  const missing = difference(inner, outer);
  const first = missing.pieces[0];
  if (!first) return { contained: true, mode: missing.mode };
  return { contained: false, mode: missing.mode, missing, witness: first.witness, outer: evaluate(outer, first.witness), inner: evaluate(inner, first.witness) };
}

export interface ShadowedRule {
  readonly rule: Rule;
  readonly index: number;
  /** The earlier rules that take its packets, in order. */
  readonly coveredBy: readonly Rule[];
  /** True when an earlier rule of the other action takes some of them: probably a mistake, not just clutter. */
  readonly conflicting: boolean;
}

/**
 * Rules that can never match: every packet they match is decided by an earlier rule (like Batfish's
 * filterLineReachability). One first-match walk, as `allowedPackets` does it.
 */
export function shadowed(ruleSet: RuleSet): ShadowedRule[] {
  const found = shadowedCopies(ruleSet);
  // A config line reached twice (a chain two jumps call) never matches only if no copy of it does.
  const groups = copiesByLine(ruleSet);
  const never = new Set(found.map((entry) => entry.rule));
  return found.filter((entry) => {
    const copies = groups.get(lineKey(entry.rule)!);
    return !copies || (copies.every((copy) => never.has(copy)) && copies[0] === entry.rule);
  });
}

/** Where a rule was written (file and line), when known: the unit a user deletes. */
function lineKey(rule: Rule): string | undefined {
  const origin = rule.origin;
  return origin?.line === undefined ? undefined : `${origin.file ?? ''}:${origin.line}`;
}

/** Lines that stand for more than one rule (netfilter inlines a chain once per jump to it), with their rules. */
function copiesByLine(ruleSet: RuleSet): Map<string, Rule[]> {
  const byLine = new Map<string, Rule[]>();
  for (const rule of ruleSet.rules) {
    const key = lineKey(rule);
    if (key !== undefined) byLine.set(key, [...(byLine.get(key) ?? []), rule]);
  }
  for (const [key, rules] of byLine) if (rules.length < 2) byLine.delete(key);
  return byLine;
}

function shadowedCopies(ruleSet: RuleSet): ShadowedRule[] {
  const found: ShadowedRule[] = [];
  const { decided } = decidedByEachRule(ruleSet);
  ruleSet.rules.forEach((rule, index) => {
    if (decided[index]!.isEmpty()) {
      const coveredBy = ruleSet.rules.slice(0, index).filter((before) => before.match.overlaps(rule.match));
      found.push({ rule, index, coveredBy, conflicting: coveredBy.some((before) => before.action !== rule.action) });
    }
  });
  return found;
}

/**
 * What one rule decides (its match minus every earlier match), subtracted only when asked for. `redundant` asks for
 * the set of a rule some later rule may meet (`metBelow`); of any other (a chain's final policy rule, say) it asks,
 * as `shadowed` does, only whether it is empty, which `anyLeftWithout` answers without cutting the match into
 * pieces. Issue 22: the two policy rules of the scenario's nft render, cut by every rule above them, were ~3 ms of a
 * cold `shadowed`'s ~9 ms walk; a rule whose set is asked for anyway is cut once, not searched first.
 */
class Decided {
  #packets: PacketSet | undefined;
  #empty: boolean | undefined;
  /** What the cut starts from and the boxes it takes away, let go once the cut is made. */
  #kept: PacketSet | undefined;
  #minus: readonly Box[] | undefined;

  constructor(
    kept: PacketSet,
    minus: readonly Box[],
    /** Might a later rule meet this rule's match (by their outlines, see box-outline.ts)? */
    readonly metBelow: boolean,
  ) {
    this.#kept = kept;
    this.#minus = minus;
  }

  isEmpty(): boolean {
    if (this.#empty === undefined) {
      if (this.metBelow || this.#packets) this.#empty = this.packets().isEmpty();
      else this.#empty = this.#kept!.isEmpty() || !anyLeftWithout(this.#kept!.boxes, this.#minus!);
    }
    return this.#empty;
  }

  packets(): PacketSet {
    if (this.#packets === undefined) {
      this.#packets = this.#empty === true ? PacketSet.EMPTY : this.#kept!.withoutBoxes(this.#minus!);
      this.#kept = undefined;
      this.#minus = undefined;
    }
    return this.#packets;
  }
}

/**
 * A walk's answers: what each rule decides and each rule's outline (OUTLINE_SIZE numbers at `index * OUTLINE_SIZE`),
 * kept for `redundant` after `shadowed`. (The address overlaps their questions repeat are remembered by
 * packet-set.ts for every caller: see `rememberedOverlap`.)
 */
interface Walk {
  readonly decided: readonly Decided[];
  readonly outlines: Outlines;
}

/**
 * What each rule of `ruleSet.rules` decides (its match minus every earlier match), in order: one first-match walk
 * that `shadowed` and `redundant` share. `shadowed` asks it and then `redundant` (the `shadowed` command asks both),
 * so it is kept per rule set while the set holds the same rules, as `allowedPackets` keeps its answer. Issue 22:
 * the second walk was ~10 ms of a cold `shadowed` on the scenario's nft render.
 *
 * A short walk (`boxesOfShortWalk`) never merges its earlier boxes and leaves each cut until it is asked for (see
 * `Decided`); a long one walks as `allowedPackets` does, cutting each rule as it goes: on bench/analysis's 1,000-rule
 * set, the outline search for the rules no later rule meets (and a per-walk overlap memo, since removed) cost
 * `shadowed + redundant` ~45 -> ~60 ms (warm).
 */
function decidedByEachRule(ruleSet: RuleSet): Walk {
  const known = DECIDED.get(ruleSet);
  if (known && known.rules.length === ruleSet.rules.length && known.rules.every(([rule, match], i) => rule === ruleSet.rules[i] && match === rule.match)) return known.walk;
  const count = ruleSet.rules.length;
  const shortWalk = boxesOfShortWalk(ruleSet);
  const outlines: Outlines = new Float64Array(count * OUTLINE_SIZE);
  ruleSet.rules.forEach((rule, j) => outlines.set(outlineOfAll(rule.match.boxes), j * OUTLINE_SIZE));
  const earlier = new EarlierMatches(shortWalk === undefined ? SHORT_WALK.longLimit : shortWalk + 1);
  const decided = ruleSet.rules.map((rule, index) => {
    const { kept, minus } = earlier.cut(rule.match);
    earlier.add(rule.match);
    if (shortWalk !== undefined) return new Decided(kept, minus, metBelow(outlines, index, count));
    const decides = new Decided(kept, minus, true);
    decides.packets();
    return decides;
  });
  const walk = { decided, outlines };
  DECIDED.set(ruleSet, { rules: ruleSet.rules.map((rule) => [rule, rule.match] as const), walk });
  return walk;
}
const DECIDED = new WeakMap<RuleSet, { readonly rules: ReadonlyArray<readonly [Rule, PacketSet]>; readonly walk: Walk }>();

/** Might a rule after `index` meet rule `index`'s match (by their outlines)? */
function metBelow(outlines: Outlines, index: number, count: number): boolean {
  const own = outlines.subarray(index * OUTLINE_SIZE, (index + 1) * OUTLINE_SIZE);
  for (let j = index + 1; j < count; j++) if (outlinesMeet(outlines, j * OUTLINE_SIZE, own)) return true;
  return false;
}

/**
 * The boxes of the rules' matches when they are SHORT_WALK's or fewer, else undefined (a long walk). A short walk
 * never merges its earlier boxes: a merge pays back over the queries after it, and in a short walk few follow.
 * Issue 22: the scenario's nft render (49 rules, 75 boxes) merged its first 64 boxes for the last ten rules, ~1.3 ms
 * of a cold `shadowed`, which its queries did not win back (callgrind ~5 M instructions fewer without it).
 */
function boxesOfShortWalk(ruleSet: RuleSet): number | undefined {
  let boxes = 0;
  for (const rule of ruleSet.rules) if ((boxes += rule.match.boxes.length) > SHORT_WALK.boxes) return undefined;
  return boxes;
}

/**
 * Test hook: `boxes` 0 makes every walk a long one, which merges as `longLimit` says (undefined: EarlierMatches'
 * usual limit; 1: after every rule), the walk the short one is held to.
 */
export const SHORT_WALK: { boxes: number; longLimit: number | undefined } = { boxes: 256, longLimit: undefined };

export interface RedundantRule {
  readonly rule: Rule;
  readonly index: number;
  /** Why: never matches (shadowed), or the rules after it (or the default) decide its packets the same way. */
  readonly reason: 'shadowed' | 'same-verdict-below';
}

/**
 * Do the rules after `index` (then the default) give every packet of `packets` the verdict `action`? `packets`
 * matches no rule before `index`, so each later rule decides the part of it that is left when it is reached: the
 * first one of the other action that meets that part changes a verdict.
 */
function decidedAlikeBelow(ruleSet: RuleSet, index: number, packets: PacketSet, action: Action, outlines: Outlines): boolean {
  let rest = packets;
  // Later rules whose outline misses the rest's are skipped without the box-by-box overlap test (see box-outline.ts).
  let restOutline = outlineOfAll(rest.boxes);
  let asked = false;
  for (let j = index + 1; j < ruleSet.rules.length && !rest.isEmpty(); j++) {
    if (!outlinesMeet(outlines, j * OUTLINE_SIZE, restOutline)) continue;
    const later = ruleSet.rules[j]!;
    if (!rest.overlaps(later.match)) continue;
    if (later.action !== action) return false;
    // Before the first cut: one packet may already show that a rule further down gives the other verdict.
    if (!asked && (asked = true) && decidedOtherwiseFrom(ruleSet, j, rest, action, outlines, restOutline)) return false;
    rest = rest.difference(later.match);
    restOutline = outlineOfAll(rest.boxes);
  }
  return rest.isEmpty() || ruleSet.defaultAction === action;
}

/**
 * A quick "no" for `decidedAlikeBelow`, asked where it would start cutting `rest` by the rules from `from` on: one
 * packet of `rest` (its first box's witness) that the first rule from there to match it, or the default, gives the
 * other verdict. Most rules of a config are not redundant (a chain's policy drop takes what its accepts leave), and
 * cutting the part by each overlapping accept on the way down to find that out was ~12 ms of a cold `shadowed` on
 * the scenario's nft render (issue 22). The search stops, with no answer, at the first rule of the other action that
 * meets `rest` and does not match the packet: there the walk has its answer about as soon.
 */
function decidedOtherwiseFrom(ruleSet: RuleSet, from: number, rest: PacketSet, action: Action, outlines: Outlines, restOutline: Outlines): boolean {
  const first = rest.boxes[0];
  const packet = first && PacketSet.fromDisjointBoxes([first]).witness();
  if (!packet || !rest.has(packet)) return false;
  for (let j = from; j < ruleSet.rules.length; j++) {
    if (!outlinesMeet(outlines, j * OUTLINE_SIZE, restOutline)) continue;
    const later = ruleSet.rules[j]!;
    if (later.match.has(packet)) return later.action !== action;
    if (later.action !== action && rest.overlaps(later.match)) return false;
  }
  return ruleSet.defaultAction !== action;
}

/**
 * Rules each of which, removed on its own, leaves `allowedPackets` unchanged. Removing rule i changes only the
 * packets it decides (its match minus earlier matches); those fall to the rules after it, so i is redundant exactly
 * when they give them the same verdict. Two redundant rules are not always redundant together (two copies of one
 * rule are each redundant given the other): remove one, then ask again.
 */
export function redundant(ruleSet: RuleSet): RedundantRule[] {
  const groups = copiesByLine(ruleSet);
  if (groups.size === 0) return redundantRules(ruleSet);
  // A line with several copies is deleted with all of them: redundant when the rule set without them all allows
  // the same packets (each copy alone may look redundant while deleting the line changes the verdict).
  const allowed = allowedPackets(ruleSet);
  const lineRedundant = new Map<string, boolean>();
  return redundantRules(ruleSet).filter((entry) => {
    const key = lineKey(entry.rule);
    const copies = key === undefined ? undefined : groups.get(key);
    if (!copies) return true;
    if (copies[0] !== entry.rule && lineRedundant.has(key!)) return false;
    if (!lineRedundant.has(key!)) {
      const without = { ...ruleSet, rules: ruleSet.rules.filter((rule) => !copies.includes(rule)) };
      lineRedundant.set(key!, allowedPackets(without).equals(allowed));
      return lineRedundant.get(key!)!;
    }
    return false;
  });
}

function redundantRules(ruleSet: RuleSet): RedundantRule[] {
  const found: RedundantRule[] = [];
  const { decided, outlines } = decidedByEachRule(ruleSet);
  ruleSet.rules.forEach((rule, index) => {
    const decides = decided[index]!;
    if (decides.isEmpty()) found.push({ rule, index, reason: 'shadowed' });
    else if (!decides.metBelow) {
      // No later rule can meet its packets (they lie within its match's outline): the default decides them all.
      if (ruleSet.defaultAction === rule.action) found.push({ rule, index, reason: 'same-verdict-below' });
    } else if (decidedAlikeBelow(ruleSet, index, decides.packets(), rule.action, outlines)) found.push({ rule, index, reason: 'same-verdict-below' });
  });
  return found;
}
