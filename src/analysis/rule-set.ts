/**
 * Rule sets (DESIGN.md, "The semantic core"): an ordered list of `(match, action)` with a default action, first
 * match wins. Every target's parser produces one and every requirement set is one (an allow-list with default
 * deny), so the questions in this folder work across targets.
 */
import { PacketSet } from '../model/packet-set.js';

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
 */
export function allowedPackets(ruleSet: RuleSet): PacketSet {
  let allowed = PacketSet.EMPTY;
  let decided = PacketSet.EMPTY;
  for (const rule of ruleSet.rules) {
    if (rule.action === 'allow') allowed = allowed.union(rule.match.difference(decided));
    decided = decided.union(rule.match);
  }
  return ruleSet.defaultAction === 'allow' ? allowed.union(decided.complement()) : allowed;
}
