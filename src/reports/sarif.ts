/**
 * The SARIF 2.1.0 form (OASIS; schema shipped in fixtures/sarif/), for GitHub code scanning: one rule per
 * finding code, one result per finding, located at the requirement's line when the requirements came from a file.
 */
import { VERSION } from '../version.js';
import { sortFindings, compareText, type Finding, type FindingLocation, type Report } from './model.js';
import { findingBody } from './text.js';

const LEVEL: Readonly<Record<Finding['severity'], 'error' | 'warning' | 'note'>> = { error: 'error', warning: 'warning', info: 'note' };

const REPORT_CODE_TEXT: Readonly<Record<string, string>> = {
  TW_MISSING: 'Required traffic the configuration does not allow',
  TW_EXTRA: 'Traffic the configuration allows that nothing requires',
};

/**
 * A relative path as a SARIF `uri-reference` (§3.10): forward slashes, percent-encoded. GitHub resolves relative
 * URIs against the repository root, which is where CI runs tagwall.
 */
function toUri(file: string): string {
  return encodeURI(file.replace(/\\/g, '/')).replace(/[?#]/g, (char) => encodeURIComponent(char));
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

function physicalLocation(location: FindingLocation): Record<string, unknown> {
  const region =
    location.line === undefined ? undefined : { startLine: location.line, ...(location.column === undefined ? {} : { startColumn: location.column }) };
  return { physicalLocation: { artifactLocation: { uri: toUri(location.file) }, ...(region ? { region } : {}) } };
}

export function renderSarif(report: Report): string {
  const findings = sortFindings(report.findings);
  const codes = [...new Set(findings.map((finding) => finding.code))].sort(compareText);
  const rules = codes.map((code) => {
    const first = findings.find((finding) => finding.code === code)!;
    return {
      id: code,
      name: code,
      shortDescription: { text: REPORT_CODE_TEXT[code] ?? `tagwall ${first.kind} finding ${code}` },
      defaultConfiguration: { level: LEVEL[first.severity] },
      properties: { kind: first.kind },
    };
  });
  const fallback = fallbackLocation(report);
  const results = findings.map((finding) => {
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
      level: LEVEL[finding.severity],
      message: { text: detail ? `${finding.message}\n${detail}` : finding.message },
      ...(location ? { locations: [physicalLocation(location)] } : {}),
      properties,
    };
  });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'tagwall', version: VERSION, semanticVersion: VERSION, rules } },
        automationDetails: { id: `tagwall/${report.command}/` },
        results,
        properties: {
          title: report.title,
          headline: report.headline,
          snapshots: report.snapshots,
          subjects: report.subjects,
        },
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
