/**
 * The Markdown form, sized for a pull-request comment: the outcome and counts first, every finding in a table,
 * the details (witness packets, boxes, changed lines) folded in `<details>` so the comment stays short to read.
 */
import { describeSnapshot, sortFindings, splitDeclared, type Finding, type Report } from './model.js';
import { escapeMarkdown, fenced } from '../text/markdown.js';
import { declaredLines, declaredTitle, findingBody, subjectLine, summaryLine } from './text.js';

/** GitHub rejects issue and pull-request comments longer than this ("Body is too long (maximum is 65536 characters)"). */
export const GITHUB_COMMENT_LIMIT = 65_536;

/**
 * What the report may use, leaving room for a line a workflow adds around it. The headline, counts and snapshots
 * always stay; the findings table, the matrix and the folded details are cut in that order of priority, and the
 * report says what it left out.
 */
export const MARKDOWN_BUDGET = 60_000;

export { escapeMarkdown, fenced };

const SEVERITY_ICON: Readonly<Record<Finding['severity'], string>> = { error: '🔴', warning: '🟠', info: '🔵' };

function detailsBlock(finding: Finding, index: number): string {
  const summary = `${index + 1}. ${finding.code}${finding.target ? ` · ${finding.target}` : ''}${finding.requirementId ? ` · ${finding.requirementId}` : ''}${finding.object ? ` · ${finding.object}` : ''}`;
  const changed = [...(finding.added ?? []).map((line) => `+ ${line}`), ...(finding.removed ?? []).map((line) => `- ${line}`)];
  const other = findingBody({ ...finding, added: [], removed: [] });
  const parts = [`<details><summary>${escapeMarkdown(summary)}</summary>`, '', escapeMarkdown(finding.message), ''];
  if (other.length) parts.push(fenced(other.join('\n')), '');
  if (changed.length) parts.push(fenced(changed.join('\n'), 'diff'), '');
  parts.push('</details>');
  return parts.join('\n');
}

export function renderMarkdown(report: Report): string {
  const { findings, declared } = splitDeclared(sortFindings(report.findings));
  const out: string[] = [`### ${escapeMarkdown(report.title)}`, '', `${report.changed ? '⚠️' : '✅'} ${escapeMarkdown(report.headline)}`, ''];
  if (report.summary.length) {
    out.push('| finding | count |', '|---|---:|', ...report.summary.map((entry) => `| ${escapeMarkdown(entry.label)} | ${entry.count} |`), '');
  } else {
    out.push(`${escapeMarkdown(summaryLine(report))}`, '');
  }
  const snapshots = report.snapshots.map((snapshot) => `${snapshot.role} ${escapeMarkdown(`${describeSnapshot(snapshot)} ${snapshot.source}`)}`);
  out.push(`**Snapshots:** ${snapshots.join('; ') || 'none'}  `, `**Compared:** ${escapeMarkdown(subjectLine(report))}`, '');
  // Room for the closing note on what was left out.
  let used = out.join('\n').length + 400;
  const fits = (text: string): boolean => used + text.length + 1 <= MARKDOWN_BUDGET;
  const take = (text: string): void => {
    out.push(text);
    used += text.length + 1;
  };
  const cut: string[] = [];

  if (findings.length) {
    take('| | kind | code | target | requirement | message |');
    take('|---|---|---|---|---|---|');
    let listed = 0;
    for (const finding of findings) {
      const row = `| ${[
        SEVERITY_ICON[finding.severity],
        finding.kind,
        escapeMarkdown(finding.code),
        escapeMarkdown(finding.target ?? ''),
        escapeMarkdown(finding.requirementId ?? ''),
        escapeMarkdown(finding.object ? `${finding.object}: ${finding.message}` : finding.message),
      ].join(' | ')} |`;
      // Half the budget at most: past that, the details of the first findings say more than more rows would.
      if (used + row.length + 1 > MARKDOWN_BUDGET / 2) break;
      take(row);
      listed++;
    }
    if (listed < findings.length) cut.push(`${findings.length - listed} of ${findings.length} findings are not in the table`);
    take('');
  }
  const matrix = report.matrix;
  if (matrix && matrix.rows.length && matrix.targets.length) {
    const table = [
      '<details><summary>Requirement × target matrix</summary>',
      '',
      `| requirement | ${matrix.targets.map(escapeMarkdown).join(' | ')} |`,
      `|---|${matrix.targets.map(() => '---').join('|')}|`,
      ...matrix.rows.map((row) => `| ${escapeMarkdown(row.requirementId)} | ${row.cells.join(' | ')} |`),
      '',
      '</details>',
      '',
    ].join('\n');
    if (fits(table)) take(table);
    else cut.push('the requirement × target matrix');
  }
  // What the target adds on purpose: folded, after the differences and the matrix, before their details.
  for (const group of declared) {
    const block = [`<details><summary>${escapeMarkdown(declaredTitle(group))} (declared by the target, not a difference)</summary>`, '', fenced(declaredLines(group.findings).join('\n')), '', '</details>', ''].join('\n');
    if (fits(block)) take(block);
    else cut.push(`the ${group.findings.length} boxes ${group.message}`);
  }
  let detailed = 0;
  for (const [index, finding] of findings.entries()) {
    const block = detailsBlock(finding, index);
    if (!fits(block)) break;
    take(block);
    take('');
    detailed++;
  }
  if (detailed < findings.length) cut.push(`the details of ${findings.length - detailed === findings.length ? 'every finding' : `findings ${detailed + 1}–${findings.length}`}`);
  if (cut.length) {
    out.push(`_Left out to fit a pull-request comment (GitHub takes ${GITHUB_COMMENT_LIMIT.toLocaleString('en-US')} characters): ${cut.join('; ')}. The JSON, HTML and SARIF reports have everything._`, '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
