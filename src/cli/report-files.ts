/**
 * `--report FILE` (render, check): each file in the format its extension names. Apart from render.ts, so `check`
 * does not initialise the render command to read its flag (issue 22).
 */
import type { ReportFormat } from '../reports/render.js';
import { usageError } from './io.js';

const REPORT_EXTENSIONS: ReadonlyArray<readonly [RegExp, ReportFormat]> = [
  [/\.(md|markdown)$/i, 'markdown'],
  [/\.html?$/i, 'html'],
  [/\.sarif(\.json)?$/i, 'sarif'],
  [/\.json$/i, 'json'],
  [/\.txt$/i, 'text'],
];

export function reportFormatOf(file: string): ReportFormat {
  const found = REPORT_EXTENSIONS.find(([pattern]) => pattern.test(file));
  if (!found) throw usageError(`--report ${file}: name the file .md, .html, .sarif, .json or .txt so its format is known`);
  return found[1];
}

/** The report files `--report` names (render, check), each in the format its extension says. */
export function reportFiles(files: readonly string[] | undefined): Array<{ file: string; format: ReportFormat }> {
  return (files ?? []).map((file) => ({ file, format: reportFormatOf(file) }));
}
