/**
 * The HTML form: one self-contained file a reviewer opens from a CI artifact. Inline CSS only, no scripts, no
 * fonts or images, and a Content-Security-Policy that forbids fetching anything, so opening it makes no request.
 * Every string from the inputs (requirement ids, messages, file names, config lines) is escaped.
 */
import { describeSnapshot, sortFindings, splitDeclared, type Finding, type Matrix, type MatrixCell, type Report } from './model.js';
import { declaredTitle, formatLocation, subjectLine, summaryLine } from './text.js';

import { escapeHtml, htmlDocument } from '../text/html.js';

export { escapeHtml };

const STYLE = `
:root { color-scheme: light; --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --muted: #57606a; --line: #d0d7de; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1f2328; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid var(--line); }
.headline { font-size: 1.05rem; } .changed { color: var(--bad); } .unchanged { color: var(--ok); }
table { border-collapse: collapse; margin: .5rem 0; } th, td { border: 1px solid var(--line); padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } td.count { text-align: right; }
.cell-expressed { background: #dafbe1; } .cell-split { background: #fff8c5; } .cell-partially { background: #ffebe9; } .cell-not-expressible { background: #ffcecb; font-weight: 600; }
.finding { border: 1px solid var(--line); border-left-width: 4px; border-radius: 4px; padding: .5rem .75rem; margin: .75rem 0; break-inside: avoid; }
.severity-error { border-left-color: var(--bad); } .severity-warning { border-left-color: var(--warn); } .severity-info { border-left-color: var(--muted); }
.meta { color: var(--muted); font-size: .9em; } code, pre { font: 12.5px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
pre { background: #f6f8fa; padding: .5rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
.added { color: var(--ok); } .removed { color: var(--bad); }
.legend { color: var(--muted); font-size: .9em; } .legend span { padding: 0 .35rem; border: 1px solid var(--line); }
table.index td:first-child { white-space: nowrap; } a { color: #0969da; }
@page { margin: 1.5cm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5px; } h2 { break-after: avoid; } pre { white-space: pre-wrap; }
  code, pre { font-size: 9.5px; }
  .finding, tr { break-inside: avoid; } th { background: none; } a { color: inherit; text-decoration: none; }
  /* The matrix colours carry meaning next to the words; browsers drop backgrounds when printing unless told. */
  .matrix td, .legend span { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}`;

const CELL_TEXT: Readonly<Record<MatrixCell, string>> = {
  expressed: 'expressed',
  split: 'split',
  partially: 'partially',
  'not-expressible': 'not expressible',
};

function matrixSection(matrix: Matrix): string {
  const head = `<tr><th scope="col">requirement</th>${matrix.targets.map((target) => `<th scope="col">${escapeHtml(target)}</th>`).join('')}</tr>`;
  const rows = matrix.rows.map(
    (row) =>
      `<tr data-requirement="${escapeHtml(row.requirementId)}"><th scope="row"${row.purpose ? ` title="${escapeHtml(row.purpose)}"` : ''}>${escapeHtml(row.requirementId)}</th>` +
      row.cells.map((cell) => `<td class="cell-${cell}">${CELL_TEXT[cell]}</td>`).join('') +
      '</tr>',
  );
  const legend =
    '<p class="legend"><span class="cell-expressed">expressed</span> as required · <span class="cell-split">split</span> over several rules or objects to fit a limit, nothing lost · ' +
    '<span class="cell-partially">partially</span> some packets cannot be expressed · <span class="cell-not-expressible">not expressible</span> none can (see the findings for witnesses)</p>';
  return `<h2>Requirement × target</h2>\n${legend}\n<table class="matrix">\n<thead>${head}</thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`;
}

function findingSection(finding: Finding, index: number): string {
  const where = [finding.target, finding.requirementId, finding.artifact, finding.object].filter((part): part is string => Boolean(part));
  const parts = [
    `<section class="finding severity-${finding.severity}" id="finding-${index + 1}" data-kind="${finding.kind}"${finding.requirementId ? ` data-requirement="${escapeHtml(finding.requirementId)}"` : ''}>`,
    `<div><strong>${escapeHtml(finding.code)}</strong> <span class="meta">${finding.kind} · ${finding.severity}${where.length ? ` · ${where.map(escapeHtml).join(' · ')}` : ''}</span></div>`,
    `<p>${escapeHtml(finding.message)}</p>`,
  ];
  if (finding.location) parts.push(`<p class="meta">at <code>${escapeHtml(formatLocation(finding.location))}</code></p>`);
  if (finding.witness) parts.push(`<p>witness packet: <code class="witness">${escapeHtml(finding.witness)}</code></p>`);
  if (finding.boxes?.length) {
    const more = finding.boxesOmitted ? `\n… ${finding.boxesOmitted} more boxes` : '';
    parts.push(`<pre class="boxes">${escapeHtml(finding.boxes.join('\n') + more)}</pre>`);
  }
  const changed = [
    ...(finding.added ?? []).map((line) => `<span class="added">+ ${escapeHtml(line)}</span>`),
    ...(finding.removed ?? []).map((line) => `<span class="removed">- ${escapeHtml(line)}</span>`),
  ];
  if (finding.linesOmitted) changed.push(`… ${finding.linesOmitted} more changed lines`);
  if (changed.length) parts.push(`<pre class="changes">${changed.join('\n')}</pre>`);
  parts.push('</section>');
  return parts.join('\n');
}

/** What the target adds on purpose (platform flows): a section of their own, a box and its witness per row. */
function declaredSection(group: { readonly message: string; readonly findings: readonly Finding[] }): string {
  const rows = group.findings.map((finding) => `<tr class="declared"><td><code>${escapeHtml((finding.boxes ?? []).join('\n'))}</code></td><td><code class="witness">${escapeHtml(finding.witness ?? '')}</code></td></tr>`);
  return [
    `<h2>Declared by the target (${group.findings.length})</h2>`,
    `<p>${escapeHtml(declaredTitle(group))}. Not a difference: the target adds these on purpose.</p>`,
    `<table class="declared"><thead><tr><th>packets</th><th>witness packet</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
  ].join('\n');
}

/** One line per finding, linked to its details: on a laptop screen the list of findings can be long. */
function findingIndex(findings: readonly Finding[]): string {
  const rows = findings.map((finding, index) => {
    const subject = [finding.target, finding.requirementId, finding.object].filter((part): part is string => Boolean(part)).map(escapeHtml).join(' · ');
    return `<tr class="severity-${finding.severity}"><td>${finding.severity}</td><td>${finding.kind}</td><td><a href="#finding-${index + 1}">${escapeHtml(finding.code)}</a></td><td>${subject}</td></tr>`;
  });
  return `<table class="index"><thead><tr><th>severity</th><th>kind</th><th>code</th><th>target · requirement · object</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function renderHtml(report: Report): string {
  const { findings, declared } = splitDeclared(sortFindings(report.findings));
  const snapshots = report.snapshots.map(
    (snapshot) => `<tr><td>${snapshot.role}</td><td>${escapeHtml(describeSnapshot(snapshot))}</td><td><code>${escapeHtml(snapshot.source)}</code></td></tr>`,
  );
  const summary = report.summary.map((entry) => `<tr><td>${escapeHtml(entry.label)}</td><td class="count">${entry.count}</td></tr>`);
  const body = [
    `<h1>${escapeHtml(report.title)}</h1>`,
    `<p class="headline ${report.changed ? 'changed' : 'unchanged'}">${escapeHtml(report.headline)}</p>`,
    `<p class="meta">${escapeHtml(subjectLine(report))}</p>`,
    `<h2>Summary</h2>`,
    summary.length ? `<table class="summary"><tbody>${summary.join('')}</tbody></table>` : `<p>${escapeHtml(summaryLine(report))}</p>`,
    `<h2>Snapshots used</h2>`,
    snapshots.length ? `<table class="snapshots"><thead><tr><th>role</th><th>snapshot</th><th>source</th></tr></thead><tbody>${snapshots.join('')}</tbody></table>` : '<p>none</p>',
    ...(report.matrix && report.matrix.rows.length ? [matrixSection(report.matrix)] : []),
    `<h2>Findings (${findings.length})</h2>`,
    ...(findings.length ? [findingIndex(findings), ...findings.map(findingSection)] : ['<p>No findings.</p>']),
    ...declared.map(declaredSection),
  ];
  return htmlDocument({ title: report.title, style: `${STYLE}\n`, head: ['<meta name="viewport" content="width=device-width, initial-scale=1">'], body });
}
