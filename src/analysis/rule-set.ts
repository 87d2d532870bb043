/**
 * Rule sets (DESIGN.md, "The semantic core"): an ordered list of `(match, action)` with a default action, first
 * match wins. Every target's parser produces one and every requirement set is one (an allow-list with default
 * deny), so the questions in this folder work across targets.
 */
import { compactBoxes, PacketSet, type Box } from '../model/packet-set.js';

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
}

/**
 * The exact packet set a rule set allows. First match: each rule decides only what earlier rules left
 * undecided, so a deny above an allow removes its packets from the allow.
 *
 * What each rule decides is disjoint from what earlier rules decided, so the allowed pieces are concatenated, never
 * re-subtracted; and the undecided rest is subtracted from a merged list of earlier matches (boxes equal but for one
 * dimension fused), which keeps long rule sets over the same sources and ports close to linear.
 */
export function allowedPackets(ruleSet: RuleSet): PacketSet {
  const allowed: Box[] = [];
  let decided: readonly Box[] = [];
  let compactedLength = 0;
  for (const rule of ruleSet.rules) {
    const decides = rule.match.withoutBoxes(decided);
    if (rule.action === 'allow') allowed.push(...decides.boxes);
    decided = [...decided, ...rule.match.boxes];
    // Merging costs a pass over the list; doing it when the list has doubled since the last time keeps the
    // total cost of merging linear, and the list short.
    if (decided.length >= 2 * compactedLength + 16) {
      decided = compactBoxes(decided);
      compactedLength = decided.length;
    }
  }
  const allowedSet = PacketSet.fromDisjointBoxes(allowed);
  if (ruleSet.defaultAction === 'deny') return allowedSet;
  return PacketSet.fromDisjointBoxes([...allowed, ...PacketSet.ALL.withoutBoxes(decided).boxes]);
}
