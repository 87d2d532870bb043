/** The plain-text form of a report, for terminals and logs. */
import { terminalText } from '../text/terminal.js';
import { describeSnapshot, sortFindings, splitDeclared, type Finding, type Matrix, type Report, type SnapshotRef } from './model.js';

/** `from Public #390 (2025-07-28) ServiceTags_Public_20250728.json.gz` */
export function snapshotLine(snapshot: SnapshotRef): string {
  return `${snapshot.role} ${describeSnapshot(snapshot)} ${snapshot.source}`;
}

/** `[warning] NSG_PREFIX_LIMIT nsg storage: message` */
export function findingHeading(finding: Finding): string {
  const where = [finding.target, finding.requirementId, finding.artifact, finding.object].filter((part) => part !== undefined && part !== '');
  return `[${finding.severity}] ${finding.code}${where.length ? ` ${where.join(' · ')}` : ''}: ${finding.message}`;
}

/** The body lines of a finding: location, witness, boxes, changed lines. */
export function findingBody(finding: Finding): string[] {
  const lines: string[] = [];
  if (finding.location) lines.push(`at ${formatLocation(finding.location)}`);
  if (finding.witness) lines.push(`witness: ${finding.witness}`);
  if (finding.boxes?.length) {
    lines.push('packets:', ...finding.boxes.map((box) => `  ${box}`));
    if (finding.boxesOmitted) lines.push(`  … ${finding.boxesOmitted} more boxes`);
  }
  for (const line of finding.added ?? []) lines.push(`+ ${line}`);
  for (const line of finding.removed ?? []) lines.push(`- ${line}`);
  if (finding.linesOmitted) lines.push(`… ${finding.linesOmitted} more changed lines`);
  return lines;
}

/** `allowed beyond the requirements as platform flows (option platformFlows): 10 boxes`, as `check` prints it. */
export function declaredTitle(group: { readonly message: string; readonly findings: readonly Finding[] }): string {
  return `${group.message}: ${group.findings.length} box${group.findings.length === 1 ? '' : 'es'}`;
}

/** A declared box and its witness, two lines each, as `check`'s text answer lists them. */
export function declaredLines(findings: readonly Finding[]): string[] {
  return findings.flatMap((finding) => [...(finding.boxes ?? []), ...(finding.witness ? [`  e.g. ${finding.witness}`] : [])]);
}

export function formatLocation(location: NonNullable<Finding['location']>): string {
  return [location.file, location.line, location.column].filter((part) => part !== undefined).join(':');
}

export function subjectLine(report: Report): string {
  const parts: string[] = [];
  if (report.subjects.requirements) parts.push(`requirements ${report.subjects.requirements}`);
  if (report.subjects.other) parts.push(`against ${report.subjects.other}`);
  parts.push(`targets ${report.subjects.targets.length ? report.subjects.targets.join(', ') : '(none)'}`);
  if (report.subjects.analysisMode) parts.push(`${report.subjects.analysisMode} analysis`);
  return parts.join('; ');
}

export function summaryLine(report: Report): string {
  return report.summary.length ? report.summary.map((entry) => `${entry.count} ${entry.label}`).join(', ') : 'nothing to report';
}

function matrixLines(matrix: Matrix): string[] {
  const header = ['REQUIREMENT', ...matrix.targets];
  const rows = matrix.rows.map((row) => [row.requirementId, ...row.cells]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

export function renderText(report: Report): string {
  const lines = [report.title, report.headline, '', ...report.snapshots.map((snapshot) => `snapshot ${snapshotLine(snapshot)}`), subjectLine(report), `summary: ${summaryLine(report)}`];
  const { findings, declared } = splitDeclared(sortFindings(report.findings));
  if (findings.length) {
    lines.push('', 'Findings:');
    for (const finding of findings) {
      lines.push(`  ${findingHeading(finding)}`, ...findingBody(finding).map((line) => `      ${line}`));
    }
  }
  for (const group of declared) lines.push('', `${declaredTitle(group)} (declared by the target, not a difference):`, ...declaredLines(group.findings).map((line) => `  ${line}`));
  if (report.matrix && report.matrix.rows.length && report.matrix.targets.length) {
    lines.push('', 'Requirement × target:', ...matrixLines(report.matrix).map((line) => `  ${line}`));
  }
  return terminalText(`${lines.join('\n')}\n`);
}
