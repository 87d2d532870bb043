// The catalogue's public surface. Re-exports only.
export { ARTICLES, type ArticleKey } from './articles.js';
export { buildScenario, findScenario, hostForCloud, loadScenario, scenarioIds, type BuiltScenario } from './build.js';
export { CONFLICTS, type Conflict, type ConflictReading } from './conflicts.js';
export {
  compareRequirementSets,
  importDependencies,
  type RequirementComparison,
  type UncoveredRequirement,
} from './dependencies.js';
export { formatEndpoint, parseEndpoint, type EndpointText } from './endpoints.js';
export type { CatalogueEntry, PeerTemplate, SourceRef } from './entries.js';
export { isScenarioOperand, loadRequirementOperand } from './operand.js';
export {
  OPTION_NAMES,
  PACKAGE_KINDS,
  parseOptions,
  parseSetOptions,
  splitParameters,
  type ScenarioInput,
  type ScenarioOptions,
  type ScenarioParams,
} from './params.js';
export {
  loadRequirementsFile,
  parseRequirements,
  requirementsToData,
  requirementsToJson,
  requirementsToYaml,
} from './requirements-file.js';
export { SCENARIOS, type Scenario, type ScenarioId } from './scenarios.js';

/** The conflicts a scenario's entries resolve, by id. */
export { conflictsOfScenario } from './scenario-conflicts.js';
