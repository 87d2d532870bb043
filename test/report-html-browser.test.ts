/**
 * The HTML report as a reviewer's browser opens it: headless Chromium loads it from a file with a network log
 * (NetLog) recording every request, and the page must make none. A control page with an external stylesheet and
 * image proves the log sees page requests, so the check cannot pass by seeing nothing. No request leaves the
 * machine: every host name resolves to nothing (`--host-resolver-rules`), and the control page names `.invalid`
 * hosts only.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expandedResolver, requirementsRuleSet } from '../src/analysis/resolve.js';
import { loadRequirementsFile } from '../src/catalogue/index.js';
import { comparisonReport, renderReport, requirementFileLocations, snapshotImpact, type Report } from '../src/reports/index.js';
import { loadSnapshotFile } from '../src/servicetags/index.js';
import { findTarget } from '../src/targets/registry.js';
import { CHROMIUM, CHROMIUM_SKIP_REASON } from './support/chromium.js';
import { tagwall } from './support/cli.js';

const WORKLOAD = 'fixtures/requirements/workload.yaml';
const old = loadSnapshotFile('fixtures/servicetags/ServiceTags_Public_20250728.json.gz');
const NOW = 'fixtures/servicetags/ServiceTags_Public_20251028.json.gz';
const now = loadSnapshotFile(NOW);

interface PageLoad {
  readonly dom: string;
  /** URLs the page asked for (not the browser's own background requests), file: and data: left out. */
  readonly requests: readonly string[];
}

interface NetLog {
  constants: { logEventTypes: Record<string, number> };
  events: Array<{ type: number; params?: { url?: string; network_isolation_key?: string } }>;
}

function openInChromium(html: string): PageLoad {
  const dir = mkdtempSync(join(tmpdir(), 'tagwall-html-'));
  try {
    const page = join(dir, 'report.html');
    const log = join(dir, 'net.json');
    writeFileSync(page, html);
    const dom = execFileSync(
      CHROMIUM!,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--host-resolver-rules=MAP * ~NOTFOUND',
        `--user-data-dir=${join(dir, 'profile')}`,
        `--log-net-log=${log}`,
        '--dump-dom',
        pathToFileURL(page).href,
      ],
      { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const net = JSON.parse(readFileSync(log, 'utf8')) as NetLog;
    const start = net.constants.logEventTypes['URL_REQUEST_START_JOB'];
    // The page's requests carry its (file://) network isolation key; Chromium's own (update checks) do not.
    const requests = net.events
      .filter((event) => event.type === start && event.params?.network_isolation_key?.startsWith('file://') && event.params.url !== undefined)
      .map((event) => event.params!.url!)
      .filter((url) => !/^(?:file|data):/.test(url));
    return { dom, requests };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function checkReport(): Report {
  const requirements = loadRequirementsFile(WORKLOAD);
  const resolver = expandedResolver(now);
  const target = findTarget('nftables');
  const translation = target.translate(requirements, { snapshot: now, resolver, options: {} });
  const required = requirementsRuleSet(requirements, resolver);
  // The generated ruleset less its first requirement's rule: one missing finding at least.
  const generated = target.parseArtifacts(translation.artifacts, { resolver, options: {} });
  const deployed = { ...generated, name: 'nftables:deployed.nft', rules: generated.rules.filter((rule) => !rule.origin?.text?.includes('comment "storage:')) };
  return comparisonReport({
    command: 'check',
    required,
    actual: deployed,
    target: 'nftables',
    snapshot: now.info,
    locations: requirementFileLocations(WORKLOAD),
    diagnostics: translation.diagnostics,
    matrix: { requirements, translations: [{ target: 'nftables', translation }], resolver },
  });
}

function impactReport(): Report {
  return snapshotImpact({ from: old, to: now, requirements: loadRequirementsFile(WORKLOAD), targets: (['nsg', 'nftables', 'panos'] as const).map((id) => findTarget(id)), locations: requirementFileLocations(WORKLOAD) });
}

describe.skipIf(!CHROMIUM)(`HTML report in headless Chromium (${CHROMIUM ? 'chromium found' : CHROMIUM_SKIP_REASON})`, () => {
  it('sees the requests of a page that makes some (control)', () => {
    const { requests } = openInChromium('<!DOCTYPE html><html><head><link rel="stylesheet" href="https://fonts.tagwall-test.invalid/x.css"></head><body><img src="http://tagwall-test.invalid/x.png"></body></html>');
    expect([...requests].sort()).toEqual(['http://tagwall-test.invalid/x.png', 'https://fonts.tagwall-test.invalid/x.css']);
  });

  it.each([
    ['check', checkReport],
    ['impact', impactReport],
  ])('%s report: no request; every requirement row, finding, witness and snapshot in the DOM', (_name, build) => {
    const report = build();
    const { dom, requests } = openInChromium(renderReport(report, 'html'));
    expect(requests).toEqual([]);
    const rows = [...dom.matchAll(/<tr data-requirement="([^"]*)"/g)].map((match) => match[1]);
    expect(rows).toEqual(report.matrix!.rows.map((row) => row.requirementId));
    expect(rows.length).toBe(loadRequirementsFile(WORKLOAD).requirements.length);
    expect(dom.match(/<section class="finding/g)).toHaveLength(report.findings.length);
    // A witness packet for every difference.
    const differences = report.findings.filter((finding) => finding.kind === 'missing' || finding.kind === 'extra');
    for (const finding of differences) {
      expect(finding.witness, finding.message).toBeDefined();
      expect(dom).toContain(finding.witness!.replace(/&/g, '&amp;').replace(/>/g, '&gt;').replace(/</g, '&lt;'));
    }
    for (const snapshot of report.snapshots) expect(dom).toContain(`<td>${snapshot.role}</td><td>${snapshot.cloud} #${snapshot.changeNumber}`);
  }, 120_000);

  it('check --report HTML lists the declared platform flows in their own section, one row per box the text answer counts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagwall-declared-html-'));
    try {
      const config = join(dir, 'host.nft');
      expect(tagwall('render', '--target', 'nftables', '--requirements', WORKLOAD, '--snapshot', NOW, '-o', config).code).toBe(0);
      const html = join(dir, 'report.html');
      const answer = tagwall('check', '--target', 'nftables', '--requirements', WORKLOAD, '--snapshot', NOW, '--config', config, '--json', '--report', html);
      const boxes = (JSON.parse(answer.stdout) as { declaredExtra: { boxes: Array<{ witness: string }> } }).declaredExtra.boxes;
      expect(boxes.length).toBeGreaterThan(3);
      const { dom, requests } = openInChromium(readFileSync(html, 'utf8'));
      expect(requests).toEqual([]);
      expect(dom).toContain(`<h2>Declared by the target (${boxes.length})</h2>`);
      expect(dom.match(/<tr class="declared">/g)).toHaveLength(boxes.length);
      expect(dom).toMatch(new RegExp(`<td>declared extras \\(allowed beyond the requirements on purpose, not a difference\\)</td><td class="count">${boxes.length}</td>`));
      for (const { witness } of boxes) expect(dom).toContain(`<code class="witness">${witness.replace(/>/g, '&gt;')}</code>`);
      // Not differences: no finding section of that kind.
      expect(dom).not.toContain('data-kind="declared"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('the check report has differences to show (so the witness check above checks something)', () => {
    const missing = checkReport().findings.filter((finding) => finding.kind === 'missing');
    expect(missing.map((finding) => finding.requirementId)).toContain('storage');
  });
});
