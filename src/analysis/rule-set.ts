/**
 * Rule sets (DESIGN.md, "The semantic core"): an ordered list of `(match, action)` with a default action, first
 * match wins. Every target's parser produces one and every requirement set is one (an allow-list with default
 * deny), so the questions in this folder work across targets.
 */
import { IntervalSet } from '../model/intervals.js';
import { OUTLINE_SIZE, outlineOfAll, outlinesMeet, writeOutline, type Outlines } from '../model/box-outline.js';
import { boxCovers, compactBoxes, PacketSet, type Box } from '../model/packet-set.js';
import { firstPacketState, type ConnState, type Packet } from '../model/packet.js';
import { AddressSet, FAMILIES } from '../model/address-set.js';
import { ICMP, ICMPV6, PORT_DOMAIN, ProtocolSet, TCP, UDP } from '../model/ports.js';

export type Action = 'allow' | 'deny';

/**
 * How tags were treated when building the match sets. `symbolic`: a service tag is an atom, equal only to itself
 * (NSG vs Azure Firewall, no snapshot needed). `expanded`: a tag is the addresses a snapshot gives it (NSG vs
 * iptables). Two rule sets are comparable only in the same mode.
 */
export type AnalysisMode = 'symbolic' | 'expanded';

/** Where a rule came from, so reports can point at it. Every field optional; fill what is known. */
export interface RuleOrigin {
  readonly file?: string;
  /** 1-based line in `file`. */
  readonly line?: number;
  /** JSON path (ARM, NSG JSON) or XPath (PAN-OS) of the rule. */
  readonly path?: string;
  /** The rule as written, one line, for reports. */
  readonly text?: string;
  /** The requirement a generated rule stands for. */
  readonly requirementId?: string;
  /** The device's own ordering number where it has one (NSG priority), for reports that name the rule. */
  readonly priority?: number;
  /** A rule the platform adds itself (an NSG's default rules): reports list what users wrote first. */
  readonly builtIn?: boolean;
}

export interface Rule {
  /** Unique within the set: a requirement id, a rule name, `INPUT#3`. */
  readonly id: string;
  readonly action: Action;
  readonly match: PacketSet;
  readonly origin?: RuleOrigin;
}

export interface RuleSet {
  /** For reports: `scenario:compute-no-public-ip`, `nsg:deployed.json`. */
  readonly name: string;
  readonly rules: readonly Rule[];
  readonly defaultAction: Action;
  readonly mode: AnalysisMode;
  /**
   * `explicit`: the rules match connection-tracking states themselves (netfilter) and are read as written. Left
   * out: the rules speak of connections (requirements: "new connections in the stated direction; their replies are
   * allowed"; NSG, Azure Firewall and PAN-OS, which are stateful): see `statefulRules`.
   */
  readonly states?: 'explicit';
  /** What the reader filled in from the device's defaults, one line each, for `eval` and `check` to print. */
  readonly notes?: readonly string[];
}

/** Packets of a tracked connection: ESTABLISHED replies and RELATED ICMP errors. */
export const REPLIES: PacketSet = PacketSet.of({ states: ['established', 'related'] });

/** Packets in conntrack state INVALID. */
const INVALID_STATE: PacketSet = PacketSet.of({ states: ['invalid'] });

// Built on first use (openingPackets, openingInvalidPackets, statefulRules).
let opening: PacketSet | undefined;
let openingInvalid: PacketSet | undefined;
let statefulRuleList: readonly Rule[] | undefined;

/** The ICMP (or ICMPv6) types, every code, whose first packet conntrack gives a state `wanted` says yes to. */
function icmpTypesWhere(protocol: number, wanted: (state: ConnState) => boolean): IntervalSet {
  // One range per run of types, read by fromRanges: the same canonical set as a union of each type's codes.
  const ranges: Array<[number, number]> = [];
  for (let type = 0; type < 256; type++) {
    if (!wanted(firstPacketState(protocol, type))) continue;
    const last = ranges[ranges.length - 1];
    if (last && last[1] === (type << 8) - 1) last[1] = (type << 8) | 255;
    else ranges.push([type << 8, (type << 8) | 255]);
  }
  return IntervalSet.fromRanges(PORT_DOMAIN, ranges);
}

/**
 * Packets that open a connection: all but replies and the INVALID packets of a kind whose first packet conntrack
 * tracks (a TCP segment or UDP datagram no connection explains, an INVALID echo request). An unsolicited ICMP reply
 * or error is INVALID as a first packet, so it opens one as far as a rule set is concerned. (States the kernel never
 * gives a kind, such as a NEW echo reply, are left in: no real packet is decided by them.)
 *
 * Built on first use and kept (issue 22): building it is ~0.8 MB of set operations, ~5 ms of a cold start, which a
 * command that never asks (a netfilter render, see `openingInvalidPackets`) does not pay.
 */
export function openingPackets(): PacketSet {
  if (opening === undefined) {
    let tracked = PacketSet.of({ protocols: ProtocolSet.of(ICMP, ICMPV6).complement() });
    for (const protocol of [ICMP, ICMPV6]) {
      const icmp = icmpTypesWhere(protocol, (state) => state !== 'invalid');
      tracked = tracked.union(PacketSet.of({ protocols: ProtocolSet.of(protocol), icmp }));
    }
    opening = REPLIES.union(tracked.intersection(INVALID_STATE)).complement();
  }
  return opening;
}
/**
 * `openingPackets()` ∩ INVALID, the same packets, built directly: the INVALID ICMP and ICMPv6 packets of the types
 * whose first packet conntrack does not track (replies, errors, unknown types). Replies are never INVALID, and
 * every other INVALID packet is of a tracked kind, so these are all INVALID packets that open a connection.
 */
export function openingInvalidPackets(): PacketSet {
  if (openingInvalid === undefined) {
    openingInvalid = PacketSet.EMPTY;
    for (const protocol of [ICMP, ICMPV6]) {
      const icmp = icmpTypesWhere(protocol, (state) => state === 'invalid');
      openingInvalid = openingInvalid.union(PacketSet.of({ protocols: ProtocolSet.of(protocol), icmp, states: ['invalid'] }));
    }
  }
  return openingInvalid;
}
/**
 * How a stateful rule set (no `states: 'explicit'`) decides, as rules before its own: replies of allowed
 * connections pass (the device keeps their flow), and a packet that neither opens a connection nor belongs to one
 * (an INVALID TCP segment, say) is denied; the rule set's rules decide the packets that open connections. Built on
 * first use, as `openingPackets`.
 */
export function statefulRules(): readonly Rule[] {
  statefulRuleList ??= [
    { id: 'replies', action: 'allow', match: REPLIES, origin: { text: 'replies of allowed connections (stateful)' } },
    { id: 'not-opening', action: 'deny', match: notOpeningPackets(), origin: { text: 'packets that open no connection (stateful)' } },
  ];
  return statefulRuleList;
}

/**
 * `openingPackets().union(REPLIES).complement()`, built directly: the INVALID packets of the kinds whose first
 * packet conntrack tracks (every protocol but ICMP and ICMPv6, and the ICMP types it tracks), in the boxes and the
 * order that complement gives (rule-set.test.ts compares them box by box), since every walk cuts its rules by them.
 * Building the opening packets and two complements for it was ~1.6 ms of a cold `render --target nsg` (issue 22).
 */
function notOpeningPackets(): PacketSet {
  const invalid = ['invalid'] as const;
  const boxes: Box[] = [...PacketSet.of({ protocols: ProtocolSet.of(TCP, UDP), states: invalid }).boxes];
  for (const family of FAMILIES) {
    const addresses = AddressSet.allOf(family);
    for (const protocol of [ICMP, ICMPV6]) {
      const icmp = icmpTypesWhere(protocol, (state) => state !== 'invalid');
      boxes.push(...PacketSet.of({ protocols: ProtocolSet.of(protocol), icmp, states: invalid, src: addresses, dst: addresses }).boxes);
    }
  }
  boxes.push(...PacketSet.of({ protocols: ProtocolSet.of(TCP, UDP, ICMP, ICMPV6).complement(), states: invalid }).boxes);
  return PacketSet.fromDisjointBoxes(boxes);
}
/** The rules that decide packets, first match wins: a stateful rule set's own after `statefulRules()`. */
export function decidingRules(ruleSet: RuleSet): readonly Rule[] {
  return ruleSet.states === 'explicit' ? ruleSet.rules : [...statefulRules(), ...ruleSet.rules];
}

export interface Verdict {
  readonly action: Action;
  /** The first rule that matched, or undefined when the default action decided. */
  readonly rule: Rule | undefined;
}

/** First match wins; the default action when nothing matches. */
export function evaluate(ruleSet: RuleSet, packet: Packet): Verdict {
  const rule = decidingRules(ruleSet).find((candidate) => candidate.match.has(packet));
  return { action: rule?.action ?? ruleSet.defaultAction, rule };
}

/**
 * The union of the matches of the rules seen so far, for first-match walks: what a rule decides is its match minus
 * this. Kept as a few lists of boxes (not a disjoint PacketSet, whose unions re-subtract everything each time), in
 * levels like a binary counter: new boxes wait in a short list; when it fills, it and the full levels below the
 * first free one are merged (boxes equal but for one dimension fused, see `compactBoxes`) into that level. Each
 * box's addresses are thus merged O(log n) times (re-merging everything on each pass made long rule sets quadratic:
 * every merge re-unioned all the addresses collected so far), while a query meets at most the waiting boxes plus
 * one merged list per level, and of those only the boxes whose outline meets its own (box-outline.ts).
 */
export class EarlierMatches {
  /** Boxes added since the last carry, as given. */
  #pending: Box[] = [];
  /** Merged lists; `#levels[i]` came from about 2^i carries, undefined when that level is free. */
  #levels: Array<readonly Box[] | undefined> = [];
  /** Everything above, flattened, for queries; rebuilt after a carry. */
  #merged: readonly Box[] = [];
  /** The outlines of `#merged` then `#pending` (see box-outline.ts), to screen them per query. */
  #outlines: Outlines = new Float64Array(OUTLINE_SIZE * 64);
  readonly #pendingLimit: number;

  /** `pendingLimit`: boxes kept unmerged (tests set it low so that short rule sets go through many levels). */
  constructor(pendingLimit = PENDING_LIMIT) {
    this.#pendingLimit = Math.max(1, pendingLimit);
  }

  /** `match` minus every earlier match: the packets a rule at this point decides. */
  undecided(match: PacketSet): PacketSet {
    const { kept, minus } = this.cut(match);
    return kept.withoutBoxes(minus);
  }

  /**
   * `undecided(match)` before its subtraction: `kept.withoutBoxes(minus)` is that set, boxes and all. A caller that
   * may only ask whether it is empty (see questions.ts) holds on to these and subtracts later, or never.
   */
  cut(match: PacketSet): { readonly kept: PacketSet; readonly minus: readonly Box[] } {
    if (match.isEmpty()) return { kept: match, minus: [] };
    // Only boxes whose outlines meet the match's can take any of its packets; the rest are skipped unread.
    const query = outlineOfAll(match.boxes);
    const meeting: Box[] = [];
    const merged = this.#merged;
    for (let i = 0; i < merged.length; i++) if (outlinesMeet(this.#outlines, i * OUTLINE_SIZE, query)) meeting.push(merged[i]!);
    const pending = this.#pending;
    for (let i = 0; i < pending.length; i++) if (outlinesMeet(this.#outlines, (merged.length + i) * OUTLINE_SIZE, query)) meeting.push(pending[i]!);
    // A box one earlier box holds whole (a default rule after a deny-all) is dropped before the subtraction, which
    // would otherwise cut it to pieces against every earlier box before reaching that one. Same result, same boxes:
    // each box's pieces are subtracted on their own, and those of a held box all vanish.
    let kept: Box[] | undefined;
    for (let i = 0; i < match.boxes.length; i++) {
      const box = match.boxes[i]!;
      if (meeting.some((earlier) => boxCovers(earlier, box))) kept ??= match.boxes.slice(0, i);
      else kept?.push(box);
    }
    if (kept === undefined) return { kept: match, minus: meeting };
    return { kept: kept.length === 0 ? PacketSet.EMPTY : PacketSet.fromDisjointBoxes(kept), minus: meeting };
  }

  add(match: PacketSet): void {
    for (const box of match.boxes) {
      const at = (this.#merged.length + this.#pending.length) * OUTLINE_SIZE;
      if (at + OUTLINE_SIZE > this.#outlines.length) {
        const grown = new Float64Array(this.#outlines.length * 2);
        grown.set(this.#outlines);
        this.#outlines = grown;
      }
      writeOutline(box, this.#outlines, at);
      this.#pending.push(box);
    }
    if (this.#pending.length >= this.#pendingLimit) this.#carry();
  }

  /** Everything no earlier rule matched. */
  rest(): PacketSet {
    return this.undecided(PacketSet.ALL);
  }

  #carry(): void {
    // The full levels below the first free one and the waiting boxes become that level, in one compaction (its
    // unions take the small sets first, so the largest level is copied once).
    let level = 0;
    while (this.#levels[level]) level++;
    // Older boxes first (higher levels hold older ones), as rules were added.
    const joined: Box[] = [];
    for (let i = level - 1; i >= 0; i--) {
      for (const box of this.#levels[i]!) joined.push(box);
      this.#levels[i] = undefined;
    }
    for (const box of this.#pending) joined.push(box);
    this.#pending = [];
    this.#levels[level] = compactBoxes(joined);
    const merged: Box[] = [];
    for (let i = this.#levels.length - 1; i >= 0; i--) for (const box of this.#levels[i] ?? []) merged.push(box);
    this.#merged = merged;
    if (merged.length * OUTLINE_SIZE > this.#outlines.length) this.#outlines = new Float64Array(2 * merged.length * OUTLINE_SIZE);
    merged.forEach((box, i) => writeOutline(box, this.#outlines, i * OUTLINE_SIZE));
  }
}

/** How many boxes wait unmerged: few enough that scanning them per query is cheap, enough to merge in batches. */
const PENDING_LIMIT = 64;

/**
 * The exact packet set a rule set allows. First match: each rule decides only what earlier rules left
 * undecided, so a deny above an allow removes its packets from the allow. What each rule decides is disjoint from
 * what earlier rules decided, so the allowed pieces are concatenated, never re-subtracted.
 */
export function allowedPackets(ruleSet: RuleSet): PacketSet {
  // One command asks this of the same set several times (check: the requirements for both differences; reports:
  // again for their findings): the walk is its most expensive step, so it is done once. Rule sets are readonly by
  // type, but a JavaScript caller can still edit one in place: the answer is reused only while the set still holds
  // the same rules with the same actions and matches (by identity; a PacketSet is immutable) and the same default.
  const known = ALLOWED.get(ruleSet);
  if (known && sameRules(known, ruleSet)) return known.allowed;
  const allowed = walkAllowed(ruleSet);
  ALLOWED.set(ruleSet, {
    rules: ruleSet.rules.map((rule) => [rule, rule.action, rule.match] as const),
    defaultAction: ruleSet.defaultAction,
    states: ruleSet.states,
    allowed,
  });
  return allowed;
}

/** What each rule set allowed, with what it held then (see allowedPackets). */
interface KnownAllowed {
  readonly rules: ReadonlyArray<readonly [Rule, Action, PacketSet]>;
  readonly defaultAction: Action;
  readonly states: RuleSet['states'];
  readonly allowed: PacketSet;
}
const ALLOWED = new WeakMap<RuleSet, KnownAllowed>();

function sameRules(known: KnownAllowed, ruleSet: RuleSet): boolean {
  const rules = ruleSet.rules;
  if (known.defaultAction !== ruleSet.defaultAction || known.states !== ruleSet.states || known.rules.length !== rules.length) return false;
  for (let i = 0; i < rules.length; i++) {
    const [rule, action, match] = known.rules[i]!;
    if (rule !== rules[i] || action !== rule.action || match !== rule.match) return false;
  }
  return true;
}

function walkAllowed(ruleSet: RuleSet): PacketSet {
  const allowed: Box[] = [];
  const earlier = new EarlierMatches();
  for (const rule of decidingRules(ruleSet)) {
    // Box by box: spreading a parsed config's hundreds of thousands of boxes as arguments overflows the stack.
    if (rule.action === 'allow') for (const box of earlier.undecided(rule.match).boxes) allowed.push(box);
    earlier.add(rule.match);
  }
  if (ruleSet.defaultAction === 'allow') for (const box of earlier.rest().boxes) allowed.push(box);
  return PacketSet.fromDisjointBoxes(allowed);
}
