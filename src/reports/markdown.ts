/**
 * The Markdown form, sized for a pull-request comment: the outcome and counts first, every finding in a table,
 * the details (witness packets, boxes, changed lines) folded in `<details>` so the comment stays short to read.
 */
import { describeSnapshot, sortFindings, type Finding, type Report } from './model.js';
import { findingBody, subjectLine, summaryLine } from './text.js';

/**
 * GitHub rejects issue and PR comments over 65,536 characters; details past this budget are left out with a
 * note, the summary and table always stay.
 */
export const MARKDOWN_BUDGET = 60_000;

/** Text in Markdown: HTML and Markdown punctuation made literal (GitHub renders inline HTML). */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~])/g, '\\$1')
    .replace(/\r?\n/g, ' ');
}

/** A fenced block that no line of `text` can close: the fence is longer than any backtick run inside. */
export function fenced(text: string, info = ''): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${text}\n${fence}`;
}

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
  const findings = sortFindings(report.findings);
  const out: string[] = [`### ${escapeMarkdown(report.title)}`, '', `${report.changed ? '⚠️' : '✅'} ${escapeMarkdown(report.headline)}`, ''];
  if (report.summary.length) {
    out.push('| finding | count |', '|---|---:|', ...report.summary.map((entry) => `| ${escapeMarkdown(entry.label)} | ${entry.count} |`), '');
  } else {
    out.push(`${escapeMarkdown(summaryLine(report))}`, '');
  }
  const snapshots = report.snapshots.map((snapshot) => `${snapshot.role} ${escapeMarkdown(`${describeSnapshot(snapshot)} ${snapshot.source}`)}`);
  out.push(`**Snapshots:** ${snapshots.join('; ') || 'none'}  `, `**Compared:** ${escapeMarkdown(subjectLine(report))}`, '');
  if (findings.length) {
    out.push(
      '| | kind | code | target | requirement | message |',
      '|---|---|---|---|---|---|',
      ...findings.map((finding) =>
        [
          SEVERITY_ICON[finding.severity],
          finding.kind,
          escapeMarkdown(finding.code),
          escapeMarkdown(finding.target ?? ''),
          escapeMarkdown(finding.requirementId ?? ''),
          escapeMarkdown(finding.object ? `${finding.object}: ${finding.message}` : finding.message),
        ].join(' | '),
      ).map((row) => `| ${row} |`),
      '',
    );
  }
  const matrix = report.matrix;
  if (matrix && matrix.rows.length && matrix.targets.length) {
    out.push(
      '<details><summary>Requirement × target matrix</summary>',
      '',
      `| requirement | ${matrix.targets.map(escapeMarkdown).join(' | ')} |`,
      `|---|${matrix.targets.map(() => '---').join('|')}|`,
      ...matrix.rows.map((row) => `| ${escapeMarkdown(row.requirementId)} | ${row.cells.join(' | ')} |`),
      '',
      '</details>',
      '',
    );
  }
  let used = out.join('\n').length;
  let omitted = 0;
  findings.forEach((finding, index) => {
    const block = detailsBlock(finding, index);
    if (omitted > 0 || used + block.length > MARKDOWN_BUDGET) {
      omitted++;
      return;
    }
    out.push(block, '');
    used += block.length + 1;
  });
  if (omitted > 0) out.push(`_${omitted} more findings are not shown here to fit a comment: see the JSON, HTML or SARIF report._`, '');
  return `${out.join('\n').trimEnd()}\n`;
}
