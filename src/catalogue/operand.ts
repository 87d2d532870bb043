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

export function isScenarioOperand(operand: string): boolean {
  return /^scenario:/i.test(operand);
}

export function loadRequirementOperand(operand: string, params: ScenarioInput = {}, snapshot?: Snapshot, read: RequirementReadOptions = {}): RequirementSet {
  if (isScenarioOperand(operand)) {
    const name = operand.slice('scenario:'.length);
    if (name === '') throw new TagwallError('TW_INVALID_OPERAND', "'scenario:' needs a scenario name, e.g. scenario:compute-no-public-ip");
    return buildScenario(name, params, snapshot).requirements;
  }
  if (operand.trim() === '') throw new TagwallError('TW_INVALID_OPERAND', 'empty operand: give a requirements file or scenario:NAME');
  return loadRequirementsFile(operand, read);
}
