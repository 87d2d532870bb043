/**
 * The SARIF 2.1.0 form (OASIS; schema shipped in fixtures/sarif/), for GitHub code scanning: one rule per
 * finding code, one result per finding, located at the requirement's line when the requirements came from a file.
 * What code scanning needs beyond the schema (GitHub's "SARIF support for code scanning"; the SARIF SDK's GH rules):
 * a location with `region.startLine` on every result, relative paths, rules with descriptions, stable
 * `partialFingerprints` so an alert survives edits above it, at most 25,000 results per run.
 */
import { sarifReplacer, sarifUriPath } from '../text/sarif.js';
import { VERSION } from '../version.js';
import { sortFindings, compareText, type Finding, type FindingLocation, type Report } from './model.js';
import { findingBody } from './text.js';

const LEVEL: Readonly<Record<Finding['severity'], 'error' | 'warning' | 'note'>> = { error: 'error', warning: 'warning', info: 'note' };

const REPORT_CODE_TEXT: Readonly<Record<string, string>> = {
  TW_MISSING: 'Required traffic the configuration does not allow',
  TW_EXTRA: 'Traffic the configuration allows that nothing requires',
  TW_DECLARED_EXTRA: 'Traffic the target adds on purpose beyond the requirements (platform flows): not a difference',
  TW_TAG_CHANGED: "A requirement's service tag gained or lost prefixes in the newer snapshot",
  TW_ARTIFACT_CHANGED: 'Generated configuration lines that change with the newer snapshot',
  TW_ARTIFACT_ADDED: 'A generated file that appears with the newer snapshot',
  TW_ARTIFACT_REMOVED: 'A generated file that is no longer generated with the newer snapshot',
  TW_IPSET_MAXELEM: 'An ipset outgrows its maxelem: ipset restore -exist cannot re-create it in place',
};

/** For a target's own codes, what their kind means (the code and each result's message say the rest). */
const KIND_TEXT: Readonly<Record<Finding['kind'], string>> = {
  missing: 'Required traffic the configuration does not allow',
  extra: 'Traffic the configuration allows that nothing requires',
  declared: 'Traffic the target adds on purpose beyond the requirements',
  limit: 'A target limit: rule, prefix, route or set size',
  diagnostic: 'A requirement the target cannot express as asked',
  changed: 'Output that changes with the newer snapshot',
};

const HELP: Readonly<Record<Finding['kind'], string>> = {
  missing: 'The witness packet in the message is one packet the requirement needs and the configuration drops. Change the configuration (or the requirement), then run tagwall check again.',
  extra: 'The witness packet in the message is one packet the configuration allows and no requirement asks for. Remove or narrow the rule it names, or add the requirement.',
  declared: 'The target adds these packets on purpose (for iptables and nftables, the platform flows an Azure VM needs: DNS and WireServer at 168.63.129.16, IMDS, DHCP, neighbour discovery); they are not a difference. The option the message names leaves them out.',
  limit: 'The target cannot hold this requirement as written within its documented limits; the message says which limit and what tagwall did (split, left out). See docs/diagnostics.md.',
  diagnostic: 'The target cannot express this requirement exactly; when packets are lost, the message gives a witness of them. See docs/diagnostics.md for the code.',
  changed: 'A newer service-tag snapshot changes what tagwall generates for this requirement; review the lines and regenerate. See docs/reports.md.',
};

/**
 * SARIF §3.27.9: a result that reports no problem has a `kind` other than `fail` and level `none`. Declared extras
 * are such results: listed so a reviewer sees them, never an alert.
 */
function levelOf(finding: Finding): 'error' | 'warning' | 'note' | 'none' {
  return finding.kind === 'declared' ? 'none' : LEVEL[finding.severity];
}

/** GitHub rejects a run with more results; the rest are counted in the run's properties. */
export const MAX_SARIF_RESULTS = 25_000;

/** 64-bit FNV-1a as hex: a stable fingerprint without a crypto dependency (it identifies, it does not protect). */
function fingerprint(text: string): string {
  let high = 0xcbf29ce4;
  let low = 0x84222325;
  for (let i = 0; i < text.length; i++) {
    low = (low ^ text.charCodeAt(i)) >>> 0;
    // Multiply the 64-bit value by the FNV prime 0x100000001b3, in 32-bit halves.
    const lowProduct = low * 0x1b3;
    const carry = Math.floor(lowProduct / 0x100000000);
    high = (Math.imul(high, 0x1b3) + Math.imul(low, 0x100) + carry) >>> 0;
    low = lowProduct >>> 0;
  }
  return high.toString(16).padStart(8, '0') + low.toString(16).padStart(8, '0');
}

/**
 * What stays the same for the same finding from run to run: its code and what it is about, not its line (a
 * requirement added above it moves it) nor its figures or witness (a new snapshot changes them). Findings with the
 * same identity (two routes of one requirement left out) are told apart by their order, so none merges into another.
 */
function identities(findings: readonly Finding[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((finding) => {
    const identity = [finding.kind, finding.code, finding.target ?? '', finding.requirementId ?? '', finding.artifact ?? '', finding.object ?? '', finding.kind === 'extra' ? finding.message : '', finding.location?.file ?? ''].join('\u0000');
    const ordinal = seen.get(identity) ?? 0;
    seen.set(identity, ordinal + 1);
    return fingerprint(`${identity}\u0000${ordinal}`);
  });
}

/**
 * A relative path as a SARIF `uri-reference` (§3.10): forward slashes, percent-encoded. GitHub resolves relative
 * URIs against the repository root, which is where CI runs tagwall.
 */
function toUri(file: string): string {
  let path = file.replace(/\\/g, '/');
  // An absolute path inside the working directory (the checkout, in CI) is made relative: code scanning maps only
  // relative paths to repository files. One outside it becomes a file: URI, valid SARIF that GitHub will not map.
  const cwd = typeof process === 'undefined' ? undefined : process.cwd().replace(/\\/g, '/').replace(/\/$/, '');
  if (cwd && path.startsWith(`${cwd}/`)) path = path.slice(cwd.length + 1);
  else if (path.startsWith('/')) return `file://${sarifUriPath(path)}`;
  return sarifUriPath(path);
}

/**
 * Code scanning needs a location on every result; findings without one fall back to the requirement file, else to
 * the compared config file, so a scenario-based `check` points at the deployed config.
 */
function fallbackLocation(report: Report): FindingLocation | undefined {
  const requirements = report.subjects.requirements;
  if (requirements && !requirements.startsWith('scenario:')) return { file: requirements };
  const other = report.subjects.other;
  if (other && !other.startsWith('scenario:')) return { file: other.replace(/^[a-z-]+:(?=[^/\\])/i, '') };
  return undefined;
}

/** Code scanning shows a result only with `region.startLine`; a finding about a whole file points at its first line. */
function physicalLocation(location: FindingLocation): Record<string, unknown> {
  const region = { startLine: location.line ?? 1, ...(location.line !== undefined && location.column !== undefined ? { startColumn: location.column } : {}) };
  return { physicalLocation: { artifactLocation: { uri: toUri(location.file) }, region } };
}

export function renderSarif(report: Report): string {
  const all = sortFindings(report.findings);
  const findings = all.slice(0, MAX_SARIF_RESULTS);
  const codes = [...new Set(findings.map((finding) => finding.code))].sort(compareText);
  const rules = codes.map((code) => {
    const first = findings.find((finding) => finding.code === code)!;
    const short = REPORT_CODE_TEXT[code] ?? KIND_TEXT[first.kind];
    return {
      id: code,
      name: code,
      shortDescription: { text: short },
      fullDescription: { text: `${code}: ${short}.` },
      help: { text: HELP[first.kind] },
      defaultConfiguration: { level: levelOf(first) },
      properties: { kind: first.kind, tags: ['tagwall', first.kind] },
    };
  });
  const fallback = fallbackLocation(report);
  const fingerprints = identities(findings);
  const results = findings.map((finding, index) => {
    const location = finding.location ?? fallback;
    const { location: _own, ...withoutLocation } = finding;
    const detail = findingBody(withoutLocation).join('\n');
    const properties: Record<string, unknown> = { kind: finding.kind };
    if (finding.target) properties.target = finding.target;
    if (finding.requirementId) properties.requirementId = finding.requirementId;
    if (finding.witness) properties.witness = finding.witness;
    if (finding.artifact) properties.artifact = finding.artifact;
    if (finding.object) properties.object = finding.object;
    return {
      ruleId: finding.code,
      ruleIndex: codes.indexOf(finding.code),
      ...(finding.kind === 'declared' ? { kind: 'informational' } : {}),
      level: levelOf(finding),
      message: { text: detail ? `${finding.message}\n${detail}` : finding.message },
      ...(location ? { locations: [physicalLocation(location)] } : {}),
      partialFingerprints: { 'tagwallFinding/v1': fingerprints[index]! },
      properties,
    };
  });
  // The category code scanning files results under. upload-sarif keeps a run's own id and ignores its `category`
  // input then, so the id names the command and the targets: a check of nsg and one of panos do not replace each other.
  const targets = report.subjects.targets.length ? report.subjects.targets.join('+') : 'all';
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'tagwall', version: VERSION, semanticVersion: VERSION, informationUri: 'https://www.npmjs.com/package/tagwall', rules } },
        automationDetails: { id: `tagwall/${report.command}/${targets}/` },
        results,
        properties: {
          title: report.title,
          headline: report.headline,
          snapshots: report.snapshots,
          subjects: report.subjects,
          ...(all.length > findings.length ? { resultsOmitted: all.length - findings.length } : {}),
        },
      },
    ],
  };
  return `${JSON.stringify(sarif, sarifReplacer, 2)}\n`;
}
