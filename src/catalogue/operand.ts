/**
 * Requirement operands, the same for every command: `scenario:NAME` (parameters from the caller) or the path of
 * a requirements file (YAML or JSON).
 */
import { TagwallError } from '../errors.js';
import type { RequirementSet } from '../model/requirement.js';
import type { Snapshot } from '../servicetags/snapshot.js';
import { buildScenario } from './build.js';
import type { ScenarioInput } from './params.js';
import { loadRequirementsFile, type RequirementReadOptions } from './requirements-file.js';
import { isScenarioOperand, scenarioOperandName } from './scenario-operand.js';

export { isScenarioOperand } from './scenario-operand.js';

export function loadRequirementOperand(operand: string, params: ScenarioInput = {}, snapshot?: Snapshot, read: RequirementReadOptions = {}): RequirementSet {
  if (isScenarioOperand(operand)) return buildScenario(scenarioOperandName(operand), params, snapshot).requirements;
  if (operand.trim() === '') throw new TagwallError('TW_INVALID_OPERAND', 'empty operand: give a requirements file or scenario:NAME');
  return loadRequirementsFile(operand, read);
}
