/**
 * `check --report`: the platform flows iptables and nftables host chains declare (`platformFlows`, see
 * src/targets/netfilter/common/platform.ts) are listed in every report format under a kind of their own, counted as
 * the text and JSON answers count them (one box each), and never as extras. A deployed host config that misses one
 * requirement and allows one thing nothing asks for, besides the platform flows, is checked through the CLI with
 * every --report format at once. The HTML form is checked in headless Chromium in report-html-browser.test.ts.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { Report } from '../src/reports/index.js';
import { tagwall } from './support/cli.js';

/** Both requirement sets ask for SSH in; the deployed one adds HTTPS out, the wanted one DNS out instead. */
const requirements = (name: string, second: string): string => `name: ${name}
requirements:
  - id: ssh-in
    direction: in
    protocol: tcp
    ports: "22"
    source: 192.0.2.0/24
${second}`;
const DEPLOYED_REQUIREMENTS = requirements('deployed', '  - id: https-out\n    direction: out\n    protocol: tcp\n    ports: "443"\n    destination: 20.150.0.0/16\n');
const WANTED_REQUIREMENTS = requirements('wanted', '  - id: dns-out\n    direction: out\n    protocol: udp\n    ports: "53"\n    destination: 8.8.8.8\n');

interface Answer {
  readonly missing: unknown[];
  readonly extra: unknown[];
  readonly declaredExtra?: { readonly description: string; readonly boxes: Array<{ box: string; witness: string }> };
}

interface Checked {
  readonly answer: Answer;
  readonly textAnswer: string;
  readonly report: (extension: string) => string;
}

/** Renders the deployed requirements for the target, then checks the wanted ones against it with every report. */
function checkWithReports(target: 'nftables' | 'iptables', checkFlags: readonly string[] = []): Checked {
  const dir = mkdtempSync(join(tmpdir(), 'tagwall-declared-'));
  writeFileSync(join(dir, 'deployed.yaml'), DEPLOYED_REQUIREMENTS);
  writeFileSync(join(dir, 'wanted.yaml'), WANTED_REQUIREMENTS);
  const out = join(dir, 'out');
  const rendered = tagwall('render', '--target', target, '--requirements', join(dir, 'deployed.yaml'), '-o', out);
  expect(rendered.code, rendered.stderr).toBe(0);
  // Both families of the iptables output in one file, as `(iptables-save; ip6tables-save) > saved.rules` writes them.
  const saved = join(dir, 'saved.rules');
  if (target === 'iptables') writeFileSync(saved, ['iptables.rules', 'ip6tables.rules'].map((name) => readFileSync(join(out, name), 'utf8')).join(''));
  const config = target === 'nftables' ? ['--config', out] : ['--config', saved, '--ipsets', join(out, 'ipsets.save')];
  const base = ['check', '--target', target, '--requirements', join(dir, 'wanted.yaml'), ...config, ...checkFlags];
  const reports = ['json', 'md', 'txt', 'sarif', 'html'].flatMap((extension) => ['--report', join(dir, `report.${extension}`)]);
  const json = tagwall(...base, '--json', ...reports);
  expect(json.code, json.stderr).toBe(1);
  const text = tagwall(...base);
  return { answer: JSON.parse(json.stdout) as Answer, textAnswer: text.stdout, report: (extension) => readFileSync(join(dir, `report.${extension}`), 'utf8') };
}

const sarifValidator = () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  return ajv.compile(JSON.parse(readFileSync('fixtures/sarif/sarif-schema-2.1.0.json', 'utf8')) as object);
};

describe.each(['nftables', 'iptables'] as const)('check --report on a %s host config with platform flows', (target) => {
  const checked = checkWithReports(target);
  const declared = checked.answer.declaredExtra!;
  const witnesses = declared.boxes.map((box) => box.witness).sort();

  it('the answers: one requirement missing, one rule extra, the platform flows apart', () => {
    expect(checked.answer.missing).toHaveLength(1);
    expect(checked.answer.extra).toHaveLength(1);
    expect(declared.description).toBe('platform flows (option platformFlows)');
    expect(declared.boxes.length).toBeGreaterThan(3);
    expect(checked.textAnswer).toContain(`allowed beyond the requirements as platform flows (option platformFlows): ${declared.boxes.length} boxes`);
  });

  it('JSON report: a `declared` finding per box, the same witnesses, and no platform flow among the extras', () => {
    const report = JSON.parse(checked.report('json')) as Report;
    const of = (kind: string) => report.findings.filter((finding) => finding.kind === kind);
    expect(of('declared').map((finding) => finding.witness).sort()).toEqual(witnesses);
    expect(of('extra')).toHaveLength(1);
    expect(of('extra')[0]!.witness).toContain('20.150.');
    expect(of('missing')).toHaveLength(1);
    expect(report.summary).toEqual([
      { label: 'missing (required, not allowed)', count: 1 },
      { label: 'extra (allowed, not required)', count: 1 },
      { label: 'declared extras (allowed beyond the requirements on purpose, not a difference)', count: declared.boxes.length },
    ]);
    expect(report.headline).toMatch(/1 missing, 1 extra\.$/);
  });

  it('Markdown report: counted in the summary table, listed in their own folded section, not in the findings table', () => {
    const markdown = checked.report('md');
    expect(markdown).toContain(`| declared extras (allowed beyond the requirements on purpose, not a difference) | ${declared.boxes.length} |`);
    expect(markdown).toContain('| extra (allowed, not required) | 1 |');
    expect(markdown).toContain(`<details><summary>allowed beyond the requirements as platform flows (option platformFlows): ${declared.boxes.length} boxes (declared by the target, not a difference)</summary>`);
    expect(markdown).not.toMatch(/^\| .* \| declared \|/m);
    for (const witness of witnesses) expect(markdown).toContain(`e.g. ${witness}`);
  });

  it('text report: its own section with the count the text answer gives', () => {
    const text = checked.report('txt');
    expect(text).toContain(`summary: 1 missing (required, not allowed), 1 extra (allowed, not required), ${declared.boxes.length} declared extras`);
    const section = text.slice(text.indexOf(`allowed beyond the requirements as platform flows (option platformFlows): ${declared.boxes.length} boxes`));
    for (const witness of witnesses) expect(section).toContain(`e.g. ${witness}`);
    expect(text.slice(text.indexOf('Findings:'), text.indexOf('allowed beyond'))).not.toContain('TW_DECLARED_EXTRA');
  });

  it('SARIF report: informational results of level none (no alert), valid against the schema', () => {
    const sarif = JSON.parse(checked.report('sarif')) as { runs: [{ results: Array<{ ruleId: string; kind?: string; level: string; properties: { kind: string; witness?: string } }> }] };
    const validate = sarifValidator();
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    const results = sarif.runs[0].results;
    const ofKind = results.filter((result) => result.properties.kind === 'declared');
    expect(ofKind.map((result) => result.properties.witness).sort()).toEqual(witnesses);
    for (const result of ofKind) expect([result.ruleId, result.kind, result.level]).toEqual(['TW_DECLARED_EXTRA', 'informational', 'none']);
    expect(results.filter((result) => result.ruleId === 'TW_EXTRA')).toHaveLength(1);
    expect(results.filter((result) => result.kind === undefined).every((result) => result.level !== 'none')).toBe(true);
  });
});

describe('check --platform-flows none --report', () => {
  it('counts the platform flows of the config as ordinary extras, as the text answer does, and lists no declared ones', () => {
    const declaring = checkWithReports('nftables');
    const checked = checkWithReports('nftables', ['--platform-flows', 'none']);
    expect(checked.answer.declaredExtra?.boxes ?? []).toEqual([]);
    const report = JSON.parse(checked.report('json')) as Report;
    expect(report.findings.filter((finding) => finding.kind === 'declared')).toEqual([]);
    const extras = report.findings.filter((finding) => finding.kind === 'extra');
    expect(extras.length).toBe(checked.answer.extra.length);
    expect(extras.length).toBeGreaterThan(1);
    // The platform's virtual IP, declared by default, is now an extra.
    expect(extras.some((finding) => finding.witness?.includes('168.63.129.16'))).toBe(true);
    expect(declaring.answer.extra).toHaveLength(1);
    expect(checked.report('md')).not.toContain('declared extras');
  });
});
