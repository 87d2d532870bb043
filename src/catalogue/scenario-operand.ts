/**
 * `scenario:NAME` as an operand, told apart without the catalogue: a command can ask before it knows whether it
 * needs the scenarios at all (the CLI initialises them only then; issue 22).
 */
import { TagwallError } from '../errors.js';

export function isScenarioOperand(operand: string): boolean {
  return /^scenario:/i.test(operand);
}

/** NAME of a `scenario:NAME` operand; TW_INVALID_OPERAND when it names none. */
export function scenarioOperandName(operand: string): string {
  const name = operand.slice('scenario:'.length);
  if (name === '') throw new TagwallError('TW_INVALID_OPERAND', "'scenario:' needs a scenario name, e.g. scenario:compute-no-public-ip");
  return name;
}
