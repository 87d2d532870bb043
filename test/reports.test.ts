import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { expandedResolver, requirementsRuleSet } from '../src/analysis/resolve.js';
import type { RuleSet } from '../src/analysis/rule-set.js';
import { loadRequirementsFile } from '../src/catalogue/index.js';
import { AddressSet } from '../src/model/address-set.js';
import { PacketSet } from '../src/model/packet-set.js';
import { PortSet, ProtocolSet } from '../src/model/ports.js';
import { parsePacket } from '../src/model/packet.js';
import type { Requirement, RequirementSet } from '../src/model/requirement.js';
import {
  comparisonReport,
  diagnosticFindings,
  renderReport,
  requirementFileLocations,
  snapshotImpact,
  translationMatrix,
  REPORT_FORMATS,
  type Report,
} from '../src/reports/index.js';
import { linesTarget } from '../src/reports/test-fixtures.js';
import { loadSnapshotFile } from '../src/servicetags/index.js';
import { CHROMIUM, CHROMIUM_SKIP_REASON, dumpDom } from './support/chromium.js';
import { tagwall } from './support/cli.js';

// Relative paths: they appear in reports, and golden files must not depend on where the checkout lives.
const WORKLOAD = 'fixtures/requirements/workload.yaml';
const OLD = 'fixtures/servicetags/ServiceTags_Public_20250728.json.gz';
const NEW = 'fixtures/servicetags/ServiceTags_Public_20251028.json.gz';
const old = loadSnapshotFile(OLD);
const now = loadSnapshotFile(NEW);
const resolver = expandedResolver(now);

function impactReport(): Report {
  return snapshotImpact({
    from: old,
    to: now,
    requirements: loadRequirementsFile(WORKLOAD),
    targets: [linesTarget],
    locations: requirementFileLocations(WORKLOAD),
  });
}

/** `check` of a "deployed" rule set that lost the storage rule and gained an SSH rule nothing asked for. */
function checkReport(): Report {
  const requirements = loadRequirementsFile(WORKLOAD);
  const required = requirementsRuleSet(requirements, resolver);
  const ssh = PacketSet.of({ directions: ['out'], protocols: ProtocolSet.parse('tcp'), dstPorts: PortSet.parse('22'), dst: AddressSet.parse('203.0.113.0/24') });
  const deployed: RuleSet = {
    name: 'lines:deployed.lines',
    mode: 'expanded',
    defaultAction: 'deny',
    rules: [
      ...required.rules.filter((rule) => rule.id !== 'storage'),
      { id: 'ssh-out', action: 'allow', match: ssh, origin: { file: 'deployed.lines', line: 7, text: 'allow out tcp 203.0.113.0/24 22' } },
    ],
  };
  const translation = linesTarget.translate(requirements, { snapshot: now, resolver, options: {} });
  return comparisonReport({
    command: 'check',
    required,
    actual: deployed,
    target: 'lines',
    snapshot: now.info,
    locations: requirementFileLocations(WORKLOAD),
    diagnostics: translation.diagnostics,
    matrix: { requirements, translations: [{ target: 'lines', translation }], resolver },
  });
}

const HOSTILE = `<script>alert("x")</script><img src=http://evil.example/x onerror=alert(1)> & ' " | \` ** [a](http://evil.example) </details> @octocat`;

function hostileReport(): Report {
  return {
    command: 'check',
    title: `title ${HOSTILE}`,
    changed: true,
    headline: `headline ${HOSTILE}`,
    snapshots: [{ role: 'used', cloud: 'Public', changeNumber: 1, source: `snap ${HOSTILE}` }],
    subjects: { requirements: `req ${HOSTILE}`, other: `cfg ${HOSTILE}`, targets: [`t ${HOSTILE}`] },
    summary: [{ label: `label ${HOSTILE}`, count: 1 }],
    findings: [
      {
        kind: 'missing',
        code: `CODE_${HOSTILE}`,
        severity: 'error',
        requirementId: `id ${HOSTILE}`,
        target: `t ${HOSTILE}`,
        message: `message ${HOSTILE}\nsecond line`,
        witness: `witness ${HOSTILE}`,
        boxes: [`box ${HOSTILE}`, '```\nfence break'],
        added: [`added ${HOSTILE}`],
        removed: [`removed ${HOSTILE}`],
        object: `object ${HOSTILE}`,
        artifact: `artifact ${HOSTILE}`,
        location: { file: `dir/${HOSTILE}.yaml`, line: 3, column: 5 },
      },
    ],
    matrix: { targets: [`t ${HOSTILE}`], rows: [{ requirementId: `id ${HOSTILE}`, purpose: `purpose ${HOSTILE}`, cells: ['partially'] }] },
  };
}

describe('report model', () => {
  it('points requirements at their lines in the requirement file', () => {
    const locations = requirementFileLocations(WORKLOAD);
    expect(locations.get('storage')).toEqual({ file: WORKLOAD, line: 4, column: 9 });
    const lines = readFileSync(WORKLOAD, 'utf8').split('\n');
    for (const [id, location] of locations) expect(lines[location.line! - 1]).toContain(`id: ${id}`);
  });

  it('attributes missing packets to the requirement that asks for them and extra ones to the rule that allows them', () => {
    const report = checkReport();
    const missing = report.findings.filter((finding) => finding.kind === 'missing');
    const extra = report.findings.filter((finding) => finding.kind === 'extra');
    expect(missing.map((finding) => finding.requirementId)).toEqual(['storage']);
    expect(missing[0]!.location).toEqual({ file: WORKLOAD, line: 4, column: 9 });
    expect(extra).toHaveLength(1);
    expect(extra[0]!.location).toEqual({ file: 'deployed.lines', line: 7 });
    // Witnesses are real members of the difference, not decoration.
    const storage = requirementsRuleSet(loadRequirementsFile(WORKLOAD), resolver).rules.find((rule) => rule.id === 'storage')!;
    expect(storage.match.has(parsePacket(missing[0]!.witness!))).toBe(true);
    expect(extra[0]!.witness).toMatch(/ 203\.0\.113\.\d+:22\b/);
    expect(report.changed).toBe(true);
  });

  it('reports no difference for a rule set against itself', () => {
    const required = requirementsRuleSet(loadRequirementsFile(WORKLOAD), resolver);
    const report = comparisonReport({ command: 'equiv', required, actual: required });
    expect(report.changed).toBe(false);
    expect(report.findings).toEqual([]);
  });

  it('fills the matrix from diagnostics: expressed, split, partially, not expressible', () => {
    const tcp = ProtocolSet.parse('tcp');
    const requirement = (id: string): Requirement => ({
      id,
      direction: 'out',
      protocols: tcp,
      ports: PortSet.parse('443, 8443'),
      sources: [{ kind: 'any' }],
      destinations: [{ kind: 'addresses', addresses: AddressSet.parse('198.51.100.0/24') }],
      purpose: id,
      conditions: [],
      provenance: [],
    });
    const set: RequirementSet = { requirements: ['a', 'b', 'c', 'd'].map(requirement) };
    const all = PacketSet.of({ directions: ['out'], protocols: tcp, dstPorts: PortSet.parse('443, 8443'), dst: AddressSet.parse('198.51.100.0/24') });
    const part = PacketSet.of({ directions: ['out'], protocols: tcp, dstPorts: PortSet.parse('8443'), dst: AddressSet.parse('198.51.100.0/24') });
    const matrix = translationMatrix(
      set,
      [
        {
          target: 'x',
          translation: {
            artifacts: [],
            diagnostics: [
              { code: 'X_SPLIT', severity: 'info', target: 'x', requirementId: 'b', message: 'split' },
              { code: 'X_PORT', severity: 'warning', target: 'x', requirementId: 'c', message: 'part', lost: part },
              { code: 'X_ALL', severity: 'warning', target: 'x', requirementId: 'd', message: 'all', lost: all },
            ],
          },
        },
      ],
      resolver,
    );
    expect(matrix.rows.map((row) => row.cells[0])).toEqual(['expressed', 'split', 'partially', 'not-expressible']);
  });

  it('classifies limit diagnostics by their code', () => {
    const findings = diagnosticFindings([
      { code: 'NSG_PREFIX_LIMIT', severity: 'warning', target: 'nsg', message: 'm' },
      { code: 'NSG_FQDN_INEXPRESSIBLE', severity: 'warning', target: 'nsg', message: 'm' },
    ]);
    expect(findings.map((finding) => finding.kind)).toEqual(['limit', 'diagnostic']);
  });
});

describe('Markdown', () => {
  it('impact report (golden)', async () => {
    await expect(renderReport(impactReport(), 'markdown')).toMatchFileSnapshot('golden/reports/impact-workload.md');
  });

  it('check report (golden)', async () => {
    await expect(renderReport(checkReport(), 'markdown')).toMatchFileSnapshot('golden/reports/check-workload.md');
  });

  it('puts the summary first and folds every finding', () => {
    const report = checkReport();
    const markdown = renderReport(report, 'markdown');
    expect(markdown.indexOf('| finding | count |')).toBeLessThan(markdown.indexOf('<details>'));
    expect(markdown.match(/<details><summary>\d+\./g)).toHaveLength(report.findings.length);
  });

  it('stays under GitHub\'s comment limit, summary first, and says what it left out', () => {
    const base = checkReport();
    const many: Report = {
      ...base,
      findings: Array.from({ length: 3000 }, (_, i) => ({ ...base.findings[0]!, requirementId: `requirement-${i}`, message: `message ${i} ${'x'.repeat(200)}`, boxes: Array(20).fill('out tcp 10.0.0.0/8 -> 203.0.113.0/24:443') })),
      matrix: { targets: ['a', 'b', 'c', 'd', 'e', 'f', 'g'], rows: Array.from({ length: 3000 }, (_, i) => ({ requirementId: `requirement-${i}`, cells: Array(7).fill('not-expressible') })) },
    };
    const markdown = renderReport(many, 'markdown');
    expect(markdown.length).toBeLessThanOrEqual(65_536);
    expect(markdown.indexOf('| finding | count |')).toBeLessThan(markdown.indexOf('| | kind |'));
    const rows = markdown.split('\n').filter((line) => line.startsWith('| 🔴 |')).length;
    expect(rows).toBeGreaterThan(0);
    expect(markdown).toContain(`_Left out to fit a pull-request comment (GitHub takes 65,536 characters): ${3000 - rows} of 3000 findings are not in the table; the requirement × target matrix; the details of `);
    // Nothing left out when everything fits: no note.
    expect(renderReport(base, 'markdown')).not.toContain('Left out');
  });

  it('keeps hostile strings literal: no HTML, no broken table or fence', () => {
    const markdown = renderReport(hostileReport(), 'markdown');
    // Outside fenced blocks (which GitHub shows verbatim), the only tags are the ones the renderer writes.
    const outsideFences = markdown.replace(/(`{3,})[^\n]*\n[\s\S]*?\n\1/g, '');
    expect(outsideFences).not.toMatch(/<script|<img/i);
    expect(outsideFences).toContain('&lt;script&gt;');
    // No @mention outside code: a comment posted by CI must not notify anyone.
    expect(outsideFences).not.toMatch(/@\w/);
    const tags = [...outsideFences.matchAll(/<\/?([a-z]+)/gi)].map((match) => match[1]!.toLowerCase());
    expect(new Set(tags)).toEqual(new Set(['details', 'summary']));
    // Every table row keeps its column count.
    for (const row of markdown.split('\n').filter((line) => line.startsWith('| ') && line.includes('kind'))) {
      expect(row.replace(/\\\|/g, '').split('|').length).toBe(8);
    }
  });
});

describe('HTML', () => {
  it('is self-contained: inline CSS, no scripts, no external references, print styles', () => {
    const html = renderReport(impactReport(), 'html');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain("Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"");
    expect(html).toContain('@media print');
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i);
    // The only links are the index's, each to a finding on the page.
    const links = [...html.matchAll(/\bhref="([^"]*)"/g)].map((match) => match[1]!);
    expect(links.length).toBe(impactReport().findings.length);
    for (const link of links) expect(html).toContain(`id="${link.slice(1)}"`);
  });

  it('escapes every hostile string', () => {
    const html = renderReport(hostileReport(), 'html');
    const tags = new Set([...html.matchAll(/<\/?([a-z0-9!]+)/gi)].map((match) => match[1]!.toLowerCase()));
    expect([...tags].sort()).toEqual(
      ['!doctype', 'a', 'body', 'code', 'div', 'h1', 'h2', 'head', 'html', 'meta', 'p', 'pre', 'section', 'span', 'strong', 'style', 'table', 'tbody', 'td', 'th', 'thead', 'title', 'tr'].sort(),
    );
    expect(html).not.toMatch(/<img|<script/i);
    expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;');
    // Attribute values cannot be closed early: every quote inside one is escaped.
    for (const match of html.matchAll(/data-requirement="([^"]*)"/g)) expect(match[1]).not.toMatch(/[<>'"]/);
  });

  it.skipIf(!CHROMIUM)(`renders in headless Chromium with every requirement row (${CHROMIUM ? 'chromium found' : CHROMIUM_SKIP_REASON})`, () => {
    const report = checkReport();
    const dir = mkdtempSync(join(tmpdir(), 'tagwall-report-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, renderReport(report, 'html'));
    const dom = dumpDom(file);
    const rows = [...dom.matchAll(/<tr data-requirement="([^"]*)"/g)].map((match) => match[1]);
    expect(rows).toEqual(report.matrix!.rows.map((row) => row.requirementId));
    expect(dom.match(/<section class="finding/g)).toHaveLength(report.findings.length);
    for (const finding of report.findings) if (finding.witness) expect(dom).toContain(finding.witness.replace(/>/g, '&gt;'));
    expect(dom).not.toMatch(/\b(?:src|href)="https?:/i);
  });
});

describe('SARIF', () => {
  const schemaValidator = (): ValidateFunction => {
    const schema = JSON.parse(readFileSync('fixtures/sarif/sarif-schema-2.1.0.json', 'utf8')) as object;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    return ajv.compile(schema);
  };

  it.each([
    ['impact', impactReport],
    ['check', checkReport],
    ['hostile', hostileReport],
  ])('%s report validates against the SARIF 2.1.0 schema', (_name, build) => {
    const sarif = JSON.parse(renderReport(build(), 'sarif')) as unknown;
    const validate = schemaValidator();
    const ok = validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('uses diagnostic codes as rule ids, severity as level, requirement lines as locations', () => {
    const report = checkReport();
    const sarif = JSON.parse(renderReport(report, 'sarif')) as {
      runs: [{ tool: { driver: { rules: Array<{ id: string }> } }; results: Array<{ ruleId: string; level: string; locations?: Array<{ physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }> }> }];
    };
    const run = sarif.runs[0];
    expect(run.tool.driver.rules.map((rule) => rule.id)).toEqual([...new Set(report.findings.map((finding) => finding.code))].sort());
    const missing = run.results.find((result) => result.ruleId === 'TW_MISSING')!;
    expect(missing.level).toBe('error');
    expect(missing.locations![0]!.physicalLocation).toEqual({ artifactLocation: { uri: WORKLOAD }, region: { startLine: 4, startColumn: 9 } });
    expect(run.results.find((result) => result.ruleId === 'LINES_HOST_INEXPRESSIBLE')!.level).toBe('warning');
  });
});

describe('SARIF for GitHub code scanning', () => {
  interface SarifResult {
    ruleId: string;
    ruleIndex: number;
    level: string;
    message: { text: string };
    locations?: Array<{ physicalLocation: { artifactLocation: { uri: string }; region?: { startLine?: number } } }>;
    partialFingerprints?: Record<string, string>;
  }
  interface SarifRun {
    tool: { driver: { rules: Array<{ id: string; shortDescription?: { text: string }; fullDescription?: { text: string }; help?: { text: string }; defaultConfiguration?: { level: string } }> } };
    automationDetails: { id: string };
    results: SarifResult[];
  }
  const runOf = (report: Report): SarifRun => (JSON.parse(renderReport(report, 'sarif')) as { runs: [SarifRun] }).runs[0];

  it.each([
    ['impact', impactReport],
    ['check', checkReport],
  ])('%s: every result has what code scanning needs (relative file, startLine, rule with descriptions, fingerprint)', (_name, build) => {
    const run = runOf(build());
    expect(run.results.length).toBeGreaterThan(0);
    for (const result of run.results) {
      const location = result.locations?.[0]?.physicalLocation;
      expect(location, result.ruleId).toBeDefined();
      expect(location!.artifactLocation.uri).not.toMatch(/^(?:\/|[a-z]+:)/i);
      expect(location!.region?.startLine).toBeGreaterThanOrEqual(1);
      const rule = run.tool.driver.rules[result.ruleIndex]!;
      expect(rule.id).toBe(result.ruleId);
      expect(rule.shortDescription?.text).toBeTruthy();
      expect(rule.fullDescription?.text).toBeTruthy();
      expect(rule.help?.text).toBeTruthy();
      expect(['error', 'warning', 'note']).toContain(result.level);
      expect(result.partialFingerprints?.['tagwallFinding/v1']).toMatch(/^[0-9a-f]{16}$/);
    }
    const prints = run.results.map((result) => result.partialFingerprints!['tagwallFinding/v1']);
    expect(new Set(prints).size).toBe(prints.length);
  });

  it('keeps fingerprints when a requirement moves to another line, and changes them for another finding', () => {
    const report = checkReport();
    const moved: Report = { ...report, findings: report.findings.map((finding) => (finding.location ? { ...finding, location: { ...finding.location, line: (finding.location.line ?? 1) + 10 } } : finding)) };
    const prints = (r: Report): string[] => runOf(r).results.map((result) => result.partialFingerprints!['tagwallFinding/v1']!);
    expect(prints(moved)).toEqual(prints(report));
    const other: Report = { ...report, findings: report.findings.map((finding) => ({ ...finding, requirementId: `${finding.requirementId ?? ''}-other` })) };
    expect(prints(other).filter((print) => prints(report).includes(print))).toEqual([]);
  });

  it('names its category after the command and targets (upload-sarif keeps it over its category input)', () => {
    expect(runOf(checkReport()).automationDetails.id).toBe('tagwall/check/lines/');
    expect(runOf(impactReport()).automationDetails.id).toBe('tagwall/impact/lines/');
  });

  it('writes paths under the working directory relative to it', () => {
    const report = checkReport();
    const absolute: Report = { ...report, findings: report.findings.map((finding) => (finding.location ? { ...finding, location: { ...finding.location, file: join(process.cwd(), finding.location.file) } } : finding)) };
    expect(runOf(absolute).results.map((result) => result.locations![0]!.physicalLocation.artifactLocation.uri)).toEqual(runOf(report).results.map((result) => result.locations![0]!.physicalLocation.artifactLocation.uri));
  });
});

describe('every format', () => {
  it.each(REPORT_FORMATS)('%s output is deterministic', (format) => {
    expect(renderReport(impactReport(), format)).toBe(renderReport(impactReport(), format));
  });

  it('JSON is the model', () => {
    const report = checkReport();
    expect(JSON.parse(renderReport(report, 'json'))).toEqual(JSON.parse(JSON.stringify(report)));
  });
});

describe('docs/reports.md', () => {
  it('shows the text impact sample as tagwall prints it (every line shown, in order)', () => {
    const doc = readFileSync('docs/reports.md', 'utf8');
    const block = /### Sample \(text\)[\s\S]*?```text\n([\s\S]*?)\n```/.exec(doc)![1]!.split('\n');
    const command = block[0]!.replace(/^\$ tagwall /, '').split(' ');
    const result = tagwall(...command);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const output = result.stdout.split('\n');
    let at = 0;
    for (const line of block.slice(1)) {
      if (line.trim() === '…') continue;
      const found = output.indexOf(line, at);
      expect(found, `docs/reports.md line not in the output (in order): ${line}`).toBeGreaterThanOrEqual(0);
      at = found + 1;
    }
  });
});
