// Reports: one model, five formats. Re-exports and the format switch only.
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import type { Report } from './model.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';

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

export const REPORT_FORMATS = ['text', 'json', 'markdown', 'html', 'sarif'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The report in one of REPORT_FORMATS; JSON is the model itself, stable and ending in a newline. */
export function renderReport(report: Report, format: ReportFormat): string {
  switch (format) {
    case 'text':
      return renderText(report);
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'markdown':
      return renderMarkdown(report);
    case 'html':
      return renderHtml(report);
    case 'sarif':
      return renderSarif(report);
  }
}
