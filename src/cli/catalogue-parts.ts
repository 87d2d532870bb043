/**
 * The parts of the catalogue the commands use, one getter each: the scenarios (`--scenario`, `scenario:NAME`),
 * requirement files and `--hosts` files. Here each getter hands over a module imported with this one; the CLI bundle
 * takes src/cli/bundled-catalogue-parts.ts for this module (scripts/tsup.config.ts), where each part is initialised
 * on its first call, so `shadowed` or `eval` of a config file initialises no scenario, and a requirements file no
 * scenario either (issue 22). The scenario parameters (params.ts) are light and imported directly.
 */
import * as scenarios from '../catalogue/build.js';
import * as hostsFiles from '../catalogue/hosts-file.js';
import * as requirementFiles from '../catalogue/requirements-file.js';

export interface CatalogueParts {
  /** `buildScenario`: the scenarios and their entries. */
  readonly scenarios: () => typeof scenarios;
  /** `loadHostsFile` (`--hosts`). */
  readonly hostsFiles: () => typeof hostsFiles;
  /** `loadRequirementsFile`: YAML or JSON requirement files. */
  readonly requirementFiles: () => typeof requirementFiles;
}

export const CATALOGUE: CatalogueParts = {
  scenarios: () => scenarios,
  hostsFiles: () => hostsFiles,
  requirementFiles: () => requirementFiles,
};
