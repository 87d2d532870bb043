/**
 * The translator contract of DESIGN.md as a check: translate, parse back, compare exactly. Property tests of every
 * target run this on random requirement sets and on every catalogue scenario (src/testing wraps it for fast-check).
 * Each target is measured against its own yardstick (`Target.yardstick`): what it is meant to carry of each
 * requirement, all of it for a filter, the inbound source space for a route table.
 */
import { requirementsRuleSet, type AddressResolver } from '../analysis/resolve.js';
import { allowedPackets, openingPackets, type RuleSet } from '../analysis/rule-set.js';
import { PacketSet } from '../model/packet-set.js';
import type { RequirementSet } from '../model/requirement.js';
import type { Artifact, Target, TranslateContext, Translation } from './target.js';

export interface ContractReport {
  readonly translation: Translation;
  /** Law 1: packets the output allows that the requirements do not (empty when sound). */
  readonly tooMuch: PacketSet;
  /** Law 2: packets the requirements allow that the output lacks and no diagnostic owns up to. */
  readonly unexplainedLoss: PacketSet;
  /** Law 2, the other way: packets a diagnostic claims lost that were never required or that the output allows. */
  readonly overclaimedLoss: PacketSet;
  /**
   * Law 1's declared part: packets the output allows beyond the requirements because the target declares them
   * (`Target.declaredExtras`, e.g. netfilter's platform flows), exactly those declared; not counted in `tooMuch`.
   */
  readonly declaredExtra: PacketSet;
  /** Declared extras the output does not allow: a declaration must not claim what is not there (empty when sound). */
  readonly undeliveredExtra: PacketSet;
  /** Law 3: the name of the first artifact that differed between two runs, if any. */
  readonly nondeterministicArtifact: string | undefined;
  readonly ok: boolean;
}

function firstDifference(a: readonly Artifact[], b: readonly Artifact[]): string | undefined {
  const length = Math.max(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const left = a[index];
    const right = b[index];
    if (!left || !right) return (left ?? right)!.name;
    if (left.name !== right.name || left.format !== right.format || left.content !== right.content) return left.name;
  }
  return undefined;
}

/**
 * What a target's output is compared with, as a rule set. A filter's yardstick is the requirements themselves, read as
 * requirements are (new connections in the stated direction, their replies allowed: a stateful rule set). A target
 * with its own yardstick (`yardstickDescription` set: a route table) forwards packets whatever their connection
 * state, so its yardstick is those exact packets in every state, as its parsed configs are (`states: 'explicit'`).
 */
export function yardstickRuleSet(target: Target, requirements: RequirementSet, resolver: AddressResolver, name?: string): RuleSet {
  const stateful = requirementsRuleSet(requirements, resolver);
  if (target.yardstickDescription === undefined) return name === undefined ? stateful : { ...stateful, name };
  const carried = requirements.requirements.reduce((set, requirement) => set.union(target.yardstick(requirement, resolver)), PacketSet.EMPTY);
  return { name: name ?? stateful.name, mode: resolver.mode, defaultAction: 'deny', states: 'explicit', rules: [{ id: 'yardstick', action: 'allow', match: carried }] };
}

/** Checks laws 1–3 for one requirement set. Law 4 (limits) is target-specific and checked by each target's tests. */
export function checkContract(target: Target, requirements: RequirementSet, context: TranslateContext): ContractReport {
  const translation = target.translate(requirements, context);
  const again = target.translate(requirements, context);
  const required = allowedPackets(yardstickRuleSet(target, requirements, context.resolver));
  const parsed = target.parseArtifacts(translation.artifacts, { resolver: context.resolver, options: context.options });
  const produced = allowedPackets(parsed);
  // A diagnostic's `lost` is requirement packets, read as the yardstick is: for a filter the packets that open
  // connections (replies pass on every stateful device); for a route table every packet of it, whatever its state.
  const lostClaims = translation.diagnostics.reduce((set, diagnostic) => (diagnostic.lost ? set.union(diagnostic.lost) : set), PacketSet.EMPTY);
  const claimedLost = target.yardstickDescription === undefined ? lostClaims.intersection(openingPackets()) : lostClaims;
  // Declared extras (platform flows) are subtracted exactly: every other extra still counts, and every declared
  // packet beyond the requirements must really be allowed, so the declaration can neither hide nor invent anything.
  const declared = (target.declaredExtras?.(context.options)?.packets ?? PacketSet.EMPTY).difference(required);
  const tooMuch = produced.difference(required).difference(declared);
  const declaredExtra = produced.intersection(declared);
  const undeliveredExtra = declared.difference(produced);
  const lost = required.difference(produced);
  const unexplainedLoss = lost.difference(claimedLost);
  const overclaimedLoss = claimedLost.difference(lost);
  const nondeterministicArtifact = firstDifference(translation.artifacts, again.artifacts);
  return {
    translation,
    tooMuch,
    unexplainedLoss,
    overclaimedLoss,
    declaredExtra,
    undeliveredExtra,
    nondeterministicArtifact,
    ok: tooMuch.isEmpty() && undeliveredExtra.isEmpty() && unexplainedLoss.isEmpty() && overclaimedLoss.isEmpty() && nondeterministicArtifact === undefined,
  };
}
