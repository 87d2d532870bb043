/**
 * src/inputs/readers.ts as the CLI bundle has it (scripts/tsup.config.ts swaps one for the other): each reader's
 * module is required on the getter's first call, which esbuild turns into that module's lazy initialiser in
 * dist/cli-main.cjs. Only the reader an operand's kind needs is initialised (issue 22).
 */
import { lazy } from '../internal/lazy.js';
import type { InputReaders } from '../inputs/readers.js';

type Reader<Kind extends keyof InputReaders> = ReturnType<InputReaders[Kind]>;

export const READERS: InputReaders = {
  armTemplate: lazy(() => require('../inputs/arm-template/evaluate.js') as Reader<'armTemplate'>),
  az: lazy(() => require('../inputs/az/convert.js') as Reader<'az'>),
  bicep: lazy(() => require('../inputs/bicep/convert.js') as Reader<'bicep'>),
  select: lazy(() => require('../inputs/select.js') as Reader<'select'>),
  terraformHcl: lazy(() => require('../inputs/terraform/hcl-convert.js') as Reader<'terraformHcl'>),
  terraformPlan: lazy(() => require('../inputs/terraform/plan.js') as Reader<'terraformPlan'>),
};
