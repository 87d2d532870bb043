/**
 * The readers of src/inputs, one getter per kind: read.ts, the Azure kits and the CLI reach a reader's module only
 * through here. In the library and the tests each getter hands over a module imported with this one; the CLI bundle
 * takes src/cli/bundled-readers.ts for this module (scripts/tsup.config.ts), where each reader's module is initialised
 * on its first call, so an analysis of an nft file does not initialise the ARM template evaluator, the Bicep and HCL
 * parsers or the az converter (16 modules under src/inputs; issue 22).
 */
import * as armTemplate from './arm-template/evaluate.js';
import * as az from './az/convert.js';
import * as bicep from './bicep/convert.js';
import * as select from './select.js';
import * as terraformHcl from './terraform/hcl-convert.js';
import * as terraformPlan from './terraform/plan.js';

export interface InputReaders {
  /** ARM deployment templates (evaluated to plain ARM). */
  readonly armTemplate: () => typeof armTemplate;
  /** `az` output and plain ARM resources; IP Group files. */
  readonly az: () => typeof az;
  readonly bicep: () => typeof bicep;
  /** `--select NAME` out of a document of several containers. */
  readonly select: () => typeof select;
  readonly terraformHcl: () => typeof terraformHcl;
  /** `terraform show -json` plans and states. */
  readonly terraformPlan: () => typeof terraformPlan;
}

export const READERS: InputReaders = {
  armTemplate: () => armTemplate,
  az: () => az,
  bicep: () => bicep,
  select: () => select,
  terraformHcl: () => terraformHcl,
  terraformPlan: () => terraformPlan,
};
