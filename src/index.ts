// The public surface of tagwall. Re-exports only.
export { TagwallError, isTagwallError, formatLocation, type ErrorCode, type SourceLocation } from './errors.js';
export { IntervalSet, type IntervalDomain, type Width } from './model/intervals.js';
export { AddressSet, FAMILIES, type AddressParseOptions } from './model/address-set.js';
export { IPV4, IPV6, formatCidr, parseAddress, type CidrBlock, type Family } from './model/ip.js';
export {
  PortSet,
  ProtocolSet,
  PORT_DOMAIN,
  PROTOCOL_DOMAIN,
  PROTOCOL_NUMBERS,
  protocolName,
  TCP,
  UDP,
  ICMP,
  ICMPV6,
} from './model/ports.js';
export {
  HostSet,
  checkHostPattern,
  formatHostPattern,
  hostMatches,
  hostPatternCovers,
  normalizeHostname,
  parseHostPattern,
  type CheckedHostPattern,
  type HostPattern,
} from './model/hostnames.js';
export { ApplicationSet } from './model/applications.js';
export {
  DEFAULT_SOURCE_PORT,
  DIRECTIONS,
  formatPacket,
  parsePacket,
  portClassOf,
  type Direction,
  type Packet,
  type PortClass,
} from './model/packet.js';
export { PacketSet, icmpTypeCodes, type AddressLabel, type Box, type PacketSpec } from './model/packet-set.js';
export * from './servicetags/index.js';
export { VERSION } from './version.js';
export {
  serviceTagsOf,
  type Endpoint,
  type IcmpMatch,
  type Provenance,
  type Requirement,
  type RequirementSet,
} from './model/requirement.js';
export { lowerTerms, type LoweringOptions, type RequirementTerm, type TermAction, type TermMatch } from './model/requirement-terms.js';
export {
  assertMeaningfulRequirement,
  assertMeaningfulRequirements,
  requirementProblem,
  type RequirementField,
  type RequirementProblem,
} from './model/requirement-check.js';
export * from './catalogue/index.js';
export {
  contains,
  difference,
  equivalent,
  evaluate,
  piecesOf,
  redundant,
  shadowed,
  type Containment,
  type Difference,
  type Equivalence,
  type Piece,
  type RedundantRule,
  type ShadowedRule,
  type Verdict,
} from './analysis/questions.js';
export { checkContract, type ContractReport } from './targets/contract.js';
export { allowedPackets, type Action, type AnalysisMode, type Rule, type RuleOrigin, type RuleSet } from './analysis/rule-set.js';
export {
  endpointAddresses,
  endpointHosts,
  expandedResolver,
  requirementPackets,
  requirementsRuleSet,
  symbolicResolver,
  DEFAULT_VIRTUAL_NETWORK,
  type AddressResolver,
  type ExpandedResolverOptions,
  type SymbolicResolver,
  type SymbolicResolverOptions,
  type TagCatalogue,
  type TagExpander,
} from './analysis/resolve.js';
// Targets: each one's translate / parse / parseArtifacts behind one interface, found by id.
export { allTargets, detectTarget, findTarget, getTarget, targetIds, type KnownTarget, type TargetById, type TargetFormat, type TargetId, type TargetOptions } from './targets/registry.js';
export type { BooleanOptionSpec, ChoiceOptionSpec, IntegerOptionSpec, OptionInput, OptionSchema, OptionSpec, OptionsOf, OptionUse, TextOptionSpec } from './targets/option-schema.js';
export type { ChainHook, PlatformFlows, RateReading } from './targets/netfilter/common/options.js';
export type { DeclaredExtras } from './targets/target.js';
export type {
  Artifact,
  ArtifactLabeller,
  Capabilities,
  ConfigFile,
  ConfigInput,
  Diagnostic,
  ParseContext,
  Severity,
  ObjectLabel,
  Target,
  TargetFamily,
  TargetOptionValues,
  TranslateContext,
  Translation,
} from './targets/target.js';
// Azure configs as users have them (docs/inputs.md): templates, Bicep, Terraform, az output.
export { convertInput, parseWithReaders, type ReaderOptions } from './inputs/read.js';
export type { Converted, InputKind } from './inputs/converted.js';
export type { Json } from './targets/azure/common/arm-read.js';
// Reports: one model, five formats (text, JSON, Markdown, HTML, SARIF).
export {
  comparisonReport,
  renderReport,
  snapshotImpact,
  translationReport,
  REPORT_FORMATS,
  type ComparisonReportInput,
  type DeclaredExtra,
  type Finding,
  type ImpactInput,
  type Report,
  type ReportFormat,
  type TranslationReportInput,
  type TargetTranslation,
  type RequirementLocations,
  type PacketLabels,
  type FindingKind,
  type FindingLocation,
  type Matrix,
  type MatrixCell,
  type MatrixRow,
  type SnapshotRef,
  type SummaryCount,
} from './reports/index.js';
// Paths (issue 23): a topology file, the path engine across its hops, end-to-end requirement checks.
export { loadTopologyFile, parseTopology, type DeviceRef, type Firewall, type Subnet, type Topology, type VirtualNetwork, type Workload } from './paths/topology.js';
export { loadTopology, type Device, type FileReader, type LoadedTopology } from './paths/load.js';
export type { NextHopType, Route, RoutePartition } from './paths/routes.js';
export { walkInbound, walkOutbound, type Drop, type Delivery, type HopKind, type HopSummary, type HopVerdict, type PathResult, type WalkOptions } from './paths/engine.js';
export { askPath, type FlowOptions, type Question } from './paths/query.js';
export { checkPaths, type Outcome, type PathCheck, type RequirementOutcome } from './paths/check.js';
