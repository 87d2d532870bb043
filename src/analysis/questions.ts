/**
 * The questions DESIGN.md asks of rule sets, answered exactly and with concrete packets: which rule decides a
 * packet, and whether two rule sets allow the same packets (if not, a readable packet that tells them apart).
 */
import type { PacketSet } from '../model/packet-set.js';
import type { Packet } from '../model/packet.js';
import { allowedPackets, type Action, type Rule, type RuleSet } from './rule-set.js';

export interface Verdict {
  readonly action: Action;
  /** The first rule that matched, or undefined when the default action decided. */
  readonly rule: Rule | undefined;
}

/** First match wins; the default action when nothing matches. */
export function evaluate(ruleSet: RuleSet, packet: Packet): Verdict {
  const rule = ruleSet.rules.find((candidate) => candidate.match.has(packet));
  return { action: rule?.action ?? ruleSet.defaultAction, rule };
}

export type Equivalence =
  | { readonly equivalent: true }
  | {
      readonly equivalent: false;
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
  const a = allowedPackets(left);
  const b = allowedPackets(right);
  const onlyLeft = a.difference(b);
  const onlyRight = b.difference(a);
  const witness = onlyLeft.union(onlyRight).witness();
  if (!witness) return { equivalent: true };
  return { equivalent: false, witness, left: evaluate(left, witness), right: evaluate(right, witness), onlyLeft, onlyRight };
}
