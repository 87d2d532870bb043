/**
 * The report formats and the switch between them. The renderers are reached through renderers.ts, so the CLI
 * initialises only the one a run writes (issue 22); index.ts re-exports all of this.
 */
import type { Report } from './model.js';
import { RENDERERS } from './renderers.js';

export const REPORT_FORMATS = ['text', 'json', 'markdown', 'html', 'sarif'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The report in one of REPORT_FORMATS; JSON is the model itself, stable and ending in a newline. */
export function renderReport(report: Report, format: ReportFormat): string {
  switch (format) {
    case 'text':
      return RENDERERS.text().renderText(report);
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'markdown':
      return RENDERERS.markdown().renderMarkdown(report);
    case 'html':
      return RENDERERS.html().renderHtml(report);
    case 'sarif':
      return RENDERERS.sarif().renderSarif(report);
  }
}
