import { checkContract } from '../../src/targets/contract.js';
import type { RequirementSet } from '../../src/model/requirement.js';
import type { Target, TranslateContext } from '../../src/targets/target.js';
import { describeContractFailure } from '../../src/testing/properties.js';

/** DESIGN.md's translator contract (laws 1–3) on one requirement set; fails with the laws broken and witnesses. */
export function expectContractHolds(target: Target, requirements: RequirementSet, context: TranslateContext): void {
  const report = checkContract(target, requirements, context);
  if (!report.ok) throw new Error(describeContractFailure(target, requirements, report));
}
