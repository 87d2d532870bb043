// The catalogue's public surface. Re-exports only.
export { ARTICLES, type ArticleKey } from './articles.js';
export { buildScenario, entryApplies, findScenario, hostForCloud, loadScenario, scenarioIds, type BuiltScenario } from './build.js';
export { CONFLICTS, type Conflict, type ConflictReading } from './conflicts.js';
export {
  compareRequirementSets,
  importDependencies,
  type RequirementComparison,
  type UncoveredRequirement,
} from './dependencies.js';
export { formatEndpoint, parseEndpoint, type EndpointText } from './endpoints.js';
export { ALL_ENTRIES, type CatalogueEntry, type PeerTemplate, type SourceRef } from './entries.js';
export { PREREQUISITES, prerequisitesOf, type Prerequisite, type PrerequisiteKind, type PrerequisiteTemplate, type RouteSpec } from './prerequisites.js';
export { pairingOf, PUBLISHED_PAIR_SUPPLEMENT, type Pairing } from './region-pairs.js';
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
  type RequirementReadOptions,
} from './requirements-file.js';
export { loadHostsFile, parseHostsFile, type HostsTable } from './hosts-file.js';
export {
  defineRequirement,
  requirementSet,
  RequirementsBuilder,
  type DirectionWord,
  type EndpointsText,
  type ExceptSpec,
  type PortsText,
  type ProtocolText,
  type RequirementSpec,
} from './builder.js';
export { requirementsJsonSchema } from './requirements-schema.js';
export { SCENARIOS, type Scenario, type ScenarioId } from './scenarios.js';

/** The conflicts a scenario's entries resolve, by id. */
export { conflictsOfScenario } from './scenario-conflicts.js';
