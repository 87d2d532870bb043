/**
 * One report model for every question tagwall answers in CI (`check`, `equiv`, `impact`, render diagnostics);
 * each output format (text, JSON, Markdown, HTML, SARIF) is a view of it, so the formats cannot disagree.
 * Plain data only (strings and numbers, no PacketSet), so the JSON form is the model itself.
 */
import type { Severity } from '../targets/target.js';

export type { Severity };

/** Which snapshot a report used, and in which role (`impact` has two). */
export interface SnapshotRef {
  readonly role: 'used' | 'from' | 'to';
  readonly cloud: string;
  readonly changeNumber: number;
  readonly date?: string;
  readonly source: string;
}

/** Where a finding points: a requirement file line for SARIF locations, or a config file. */
export interface FindingLocation {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
}

/**
 * `missing`: required packets the config does not allow. `extra`: allowed packets nothing requires.
 * `diagnostic`: a translator's finding. `changed`: something differs between two snapshots' results.
 * `limit`: a target limit diagnostic (rule or prefix counts, set sizes). `declared`: allowed packets nothing
 * requires that the target declares it adds on purpose (netfilter's platform flows): listed apart, not a difference.
 */
export type FindingKind = 'missing' | 'extra' | 'declared' | 'diagnostic' | 'changed' | 'limit';

export interface Finding {
  readonly kind: FindingKind;
  /** A diagnostic code (`NSG_FQDN_INEXPRESSIBLE`) or a report code (`TW_MISSING`); the SARIF rule id. */
  readonly code: string;
  readonly severity: Severity;
  readonly requirementId?: string;
  readonly target?: string;
  readonly message: string;
  /** One concrete packet of the difference, as `formatPacket` writes it. */
  readonly witness?: string;
  /** The difference as PacketSet boxes, one line each (possibly capped; see `boxesOmitted`). */
  readonly boxes?: readonly string[];
  readonly boxesOmitted?: number;
  /** For `changed`: the artifact and the object (rule, set, address object) whose lines changed. */
  readonly artifact?: string;
  readonly object?: string;
  /** For `changed`: lines or prefixes that appear only in the newer / only in the older result. */
  readonly added?: readonly string[];
  readonly removed?: readonly string[];
  /** Changed lines left out of `added` / `removed` to keep reports readable (the JSON of the artifacts has them). */
  readonly linesOmitted?: number;
  readonly location?: FindingLocation;
}

/**
 * How a requirement fared on a target: `expressed` as is; `split` over several rules or objects to stay within a
 * limit (a diagnostic without loss); `partially` expressed (some packets lost); `not-expressible` at all.
 */
export type MatrixCell = 'expressed' | 'split' | 'partially' | 'not-expressible';

export interface MatrixRow {
  readonly requirementId: string;
  readonly purpose?: string;
  /** One cell per `Matrix.targets`, in that order. */
  readonly cells: readonly MatrixCell[];
}

export interface Matrix {
  readonly targets: readonly string[];
  readonly rows: readonly MatrixRow[];
}

export interface SummaryCount {
  readonly label: string;
  readonly count: number;
}

export interface Report {
  /** The command that produced it. */
  readonly command: 'check' | 'equiv' | 'impact' | 'render';
  readonly title: string;
  /** Did the run find what makes the command exit 1 (a difference, a change)? */
  readonly changed: boolean;
  /** One line saying what was compared and the outcome; leads every format. */
  readonly headline: string;
  readonly snapshots: readonly SnapshotRef[];
  readonly subjects: {
    /** Where the requirements came from: `scenario:compute-public-ip`, a file path. */
    readonly requirements?: string;
    /** A second operand (`equiv` / `check`: the config), when there is one. */
    readonly other?: string;
    readonly targets: readonly string[];
    /** `symbolic` or `expanded` (DESIGN.md: a report says which it did). */
    readonly analysisMode?: string;
  };
  readonly summary: readonly SummaryCount[];
  readonly findings: readonly Finding[];
  readonly matrix?: Matrix;
}

export const SEVERITY_ORDER: readonly Severity[] = ['error', 'warning', 'info'];

/** Findings in the order every format lists them: by kind, then target, requirement, code, artifact, object. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const kindOrder: readonly FindingKind[] = ['missing', 'extra', 'declared', 'limit', 'diagnostic', 'changed'];
  const key = (finding: Finding): string[] => [
    String(kindOrder.indexOf(finding.kind)),
    finding.target ?? '',
    finding.requirementId ?? '',
    finding.code,
    finding.artifact ?? '',
    finding.object ?? '',
    finding.message,
  ];
  return [...findings].sort((a, b) => {
    const left = key(a);
    const right = key(b);
    for (let i = 0; i < left.length; i++) {
      const order = compareText(left[i]!, right[i]!);
      if (order !== 0) return order;
    }
    return 0;
  });
}

/**
 * Every format lists `declared` findings in a section of their own, after the differences: they are what the target
 * adds on purpose, so they are grouped by what they are (their message), in the order sortFindings gives.
 */
export function splitDeclared(findings: readonly Finding[]): { readonly findings: Finding[]; readonly declared: Array<{ readonly message: string; readonly findings: Finding[] }> } {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    if (finding.kind !== 'declared') continue;
    const group = groups.get(finding.message) ?? [];
    group.push(finding);
    groups.set(finding.message, group);
  }
  return { findings: findings.filter((finding) => finding.kind !== 'declared'), declared: [...groups].map(([message, group]) => ({ message, findings: group })) };
}

/** Code-point order: deterministic across locales, unlike localeCompare. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Counts of findings by kind, in a fixed order, zero counts left out. */
export function countFindings(findings: readonly Finding[]): SummaryCount[] {
  const labels: ReadonlyArray<[FindingKind, string]> = [
    ['missing', 'missing (required, not allowed)'],
    ['extra', 'extra (allowed, not required)'],
    ['declared', 'declared extras (allowed beyond the requirements on purpose, not a difference)'],
    ['limit', 'limit diagnostics'],
    ['diagnostic', 'diagnostics'],
    ['changed', 'changes'],
  ];
  return labels
    .map(([kind, label]) => ({ label, count: findings.filter((finding) => finding.kind === kind).length }))
    .filter((entry) => entry.count > 0);
}

export function describeSnapshot(snapshot: SnapshotRef): string {
  return `${snapshot.cloud} #${snapshot.changeNumber}${snapshot.date ? ` (${snapshot.date})` : ''}`;
}
