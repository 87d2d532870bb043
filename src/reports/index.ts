// Reports: one model, five formats. Re-exports only (the format switch is render.ts).

export {
  comparisonReport,
  describePackets,
  diagnosticFindings,
  differenceFindings,
  isLimitCode,
  snapshotRef,
  translationMatrix,
  translationReport,
  type TranslationReportInput,
  type Comparison,
  type PacketLabels,
  type ComparisonReportInput,
  type DeclaredExtra,
  type RequirementLocations,
  type TargetTranslation,
} from './build.js';
export { diffArtifact } from './artifact-diff.js';
export { diffDiagnostics, snapshotImpact, type ImpactInput } from './impact.js';
export { requirementFileLocations, requirementLocations } from './locations.js';
export {
  countFindings,
  sortFindings,
  type Finding,
  type FindingKind,
  type FindingLocation,
  type Matrix,
  type MatrixCell,
  type MatrixRow,
  type Report,
  type SnapshotRef,
  type SummaryCount,
} from './model.js';
export { escapeHtml, renderHtml } from './html.js';
export { escapeMarkdown, renderMarkdown } from './markdown.js';
export { renderSarif } from './sarif.js';
export { renderText } from './text.js';
export { REPORT_FORMATS, renderReport, type ReportFormat } from './render.js';
