/**
 * Properties users put in their own test suites (any runner: these throw plain Errors, they never import
 * vitest or jest). Failures carry the witness packet and the deciding rule on each side, so the message alone
 * says what to fix.
 */
import * as fc from 'fast-check';
import { checkContract, type ContractReport } from '../targets/contract.js';
import { equivalent, type Equivalence, type Verdict } from '../analysis/questions.js';
import type { RuleSet } from '../analysis/rule-set.js';
import type { PacketSet } from '../model/packet-set.js';
import { formatPacket } from '../model/packet.js';
import type { RequirementSet } from '../model/requirement.js';
import type { Target, TranslateContext } from '../targets/target.js';

function describeVerdict(side: RuleSet, verdict: Verdict): string {
  return `${side.name} ${verdict.action === 'allow' ? 'allows' : 'denies'} it (${verdict.rule ? `rule ${verdict.rule.id}${verdict.rule.origin?.text ? `: ${verdict.rule.origin.text}` : ''}` : 'default action'})`;
}

/** The failure message for two rule sets that differ. */
export function describeDifference(left: RuleSet, right: RuleSet, answer: Extract<Equivalence, { equivalent: false }>): string {
  return [
    `'${left.name}' and '${right.name}' are not equivalent (${answer.mode}): witness packet`,
    `  ${formatPacket(answer.witness)}`,
    `  ${describeVerdict(left, answer.left)}`,
    `  ${describeVerdict(right, answer.right)}`,
  ].join('\n');
}

/** Throws an Error naming a witness packet when the two rule sets do not allow exactly the same packets. */
export function assertEquivalent(left: RuleSet, right: RuleSet): void {
  const answer = equivalent(left, right);
  if (!answer.equivalent) throw new Error(describeDifference(left, right, answer));
}

/**
 * A property for `fc.assert`. With two rule sets it checks them once (fast-check still reports the witness);
 * with an arbitrary and two builders it checks, for every generated input, that both builders agree, e.g. a
 * hand-written config generator against tagwall's translation of the same requirements.
 */
export function equivalentProperty(left: RuleSet, right: RuleSet): fc.IPropertyWithHooks<[null]>;
export function equivalentProperty<T>(input: fc.Arbitrary<T>, left: (value: T) => RuleSet, right: (value: T) => RuleSet): fc.IPropertyWithHooks<[T]>;
export function equivalentProperty<T>(
  first: RuleSet | fc.Arbitrary<T>,
  second: RuleSet | ((value: T) => RuleSet),
  third?: (value: T) => RuleSet,
): fc.IPropertyWithHooks<[null]> | fc.IPropertyWithHooks<[T]> {
  if (typeof second === 'function' && third) {
    const input = first as fc.Arbitrary<T>;
    return fc.property(input, (value: T) => assertEquivalent(second(value), third(value)));
  }
  const left = first as RuleSet;
  const right = second as RuleSet;
  return fc.property(fc.constant(null), (_: null) => assertEquivalent(left, right));
}

function describeSet(label: string, set: PacketSet): string[] {
  if (set.isEmpty()) return [];
  const witness = set.witness();
  return [`  ${label}: ${set.boxes.length} box(es), e.g. ${witness ? formatPacket(witness) : '?'}`, ...set.lines().slice(0, 3).map((line) => `    ${line}`)];
}

/** The failure message for a contract report that is not ok. */
export function describeContractFailure(target: Target, requirements: RequirementSet, report: ContractReport): string {
  return [
    `target ${target.id} breaks the translator contract on '${requirements.name ?? requirements.origin ?? 'requirements'}' (${requirements.requirements.length} requirements):`,
    ...describeSet('law 1 (sound): allows more than required', report.tooMuch),
    ...describeSet('law 2 (complete): loses packets no diagnostic reports', report.unexplainedLoss),
    ...describeSet('law 2 (complete): diagnostics claim losses that did not happen', report.overclaimedLoss),
    ...(report.nondeterministicArtifact === undefined ? [] : [`  law 3 (deterministic): artifact ${report.nondeterministicArtifact} differs between two runs`]),
  ].join('\n');
}

/**
 * Laws 1–3 of the translator contract (DESIGN.md) for every requirement set `requirementSets` generates:
 * `fc.assert(translatorContractProperty(myTarget, requirementSet(), context))`. Targets plug in here.
 */
export function translatorContractProperty(
  target: Target,
  requirementSets: fc.Arbitrary<RequirementSet>,
  context: TranslateContext | ((requirements: RequirementSet) => TranslateContext),
): fc.IPropertyWithHooks<[RequirementSet]> {
  return fc.property(requirementSets, (requirements) => {
    const report = checkContract(target, requirements, typeof context === 'function' ? context(requirements) : context);
    if (!report.ok) throw new Error(describeContractFailure(target, requirements, report));
  });
}
