/**
 * From tagwall's results to report findings: translator diagnostics, differences between two rule sets (with
 * witness packets), and the requirement × target matrix.
 */
import type { Piece } from '../analysis/questions.js';
import { requirementPackets, type AddressResolver } from '../analysis/resolve.js';
import { allowedPackets, type RuleSet } from '../analysis/rule-set.js';
import { formatPacket, type Packet } from '../model/packet.js';
import { PacketSet, type AddressLabel } from '../model/packet-set.js';
import type { RequirementSet } from '../model/requirement.js';
import type { SnapshotInfo } from '../servicetags/types.js';
import type { Diagnostic, Translation } from '../targets/target.js';
import { countFindings, type Finding, type FindingLocation, type Matrix, type MatrixCell, type Report, type SnapshotRef } from './model.js';

/** Requirement id → where it is written; empty for scenarios (they have no file). */
export type RequirementLocations = ReadonlyMap<string, FindingLocation>;

const NO_LOCATIONS: RequirementLocations = new Map();

/** A box list stays readable in a PR comment; the witness and the count say the rest. */
export const MAX_BOXES = 20;
const MAX_BOX_LENGTH = 400;

export function snapshotRef(info: SnapshotInfo, role: SnapshotRef['role']): SnapshotRef {
  return {
    role,
    cloud: info.cloud,
    changeNumber: info.changeNumber,
    ...(info.date === undefined ? {} : { date: info.date }),
    source: info.source,
  };
}

/**
 * Limit diagnostics name a limit in their code (`NSG_PREFIX_LIMIT`, `IPSET_MAXELEM`, `..._SPLIT`): the codes are
 * each target's own (docs/diagnostics.md), so this recognises them by the words targets use for limits.
 */
export function isLimitCode(code: string): boolean {
  return /LIMIT|MAX|SPLIT|TOO_MANY|EXCEED|OVERFLOW/i.test(code);
}

/**
 * How a symbolic analysis names its atoms: a tag stands for addresses in a reserved space (240.0.0.0/4), which
 * mean nothing to a reviewer, so boxes and witnesses carry the tag names instead (the CLI passes the resolver's).
 */
export interface PacketLabels {
  readonly label: AddressLabel;
  readonly describe: (address: string) => string | undefined;
}

/** A packet as text; with labels, an atom address gets its tag name after it (`-> 240.92.0.0:443  (dst Storage)`). */
export function packetText(packet: Packet, labels?: PacketLabels): string {
  const text = formatPacket(packet);
  if (!labels) return text;
  const [src, dst] = [packet.src, packet.dst].map((address) => labels.describe(address));
  const names = [src ? `src ${src}` : '', dst ? `dst ${dst}` : ''].filter(Boolean);
  return names.length > 0 ? `${text}  (${names.join(', ')})` : text;
}

/** A packet set's witness and (capped) boxes, for a finding. */
export function describePackets(set: PacketSet, labels?: PacketLabels): Pick<Finding, 'witness' | 'boxes' | 'boxesOmitted'> {
  const witness = set.witness();
  if (!witness) return {};
  const lines = set.isEmpty() ? [] : set.lines(labels?.label);
  const shown = lines.slice(0, MAX_BOXES).map((line) => (line.length > MAX_BOX_LENGTH ? `${line.slice(0, MAX_BOX_LENGTH)}…` : line));
  return {
    witness: packetText(witness, labels),
    boxes: shown,
    ...(lines.length > shown.length ? { boxesOmitted: lines.length - shown.length } : {}),
  };
}

/** Findings for translator diagnostics, each with a witness of what it lost and its requirement's location. */
export function diagnosticFindings(diagnostics: readonly Diagnostic[], locations: RequirementLocations = NO_LOCATIONS): Finding[] {
  return diagnostics.map((diagnostic) => {
    const location = diagnostic.requirementId === undefined ? undefined : locations.get(diagnostic.requirementId);
    return {
      kind: isLimitCode(diagnostic.code) ? 'limit' : 'diagnostic',
      code: diagnostic.code,
      severity: diagnostic.severity,
      target: diagnostic.target,
      ...(diagnostic.requirementId === undefined ? {} : { requirementId: diagnostic.requirementId }),
      message: diagnostic.message,
      ...(diagnostic.lost ? describePackets(diagnostic.lost) : {}),
      ...(location ? { location } : {}),
    };
  });
}

export interface Comparison {
  /** What is required (or the left operand of `equiv`). */
  readonly required: RuleSet;
  /** What is deployed (or the right operand). */
  readonly actual: RuleSet;
  /** The target the actual config belongs to, when known. */
  readonly target?: string;
  readonly locations?: RequirementLocations;
  /** Tag names for symbolic atoms (see PacketLabels). */
  readonly labels?: PacketLabels;
}

/**
 * Every difference between two rule sets as findings. Missing packets are split by the required rule that asks
 * for them (first match: a rule owns only what earlier rules left undecided), extra packets by the actual rule
 * that allows them, so each finding names the rule to look at; a witness packet for each.
 */
export function differenceFindings(comparison: Comparison): Finding[] {
  const required = allowedPackets(comparison.required);
  const actual = allowedPackets(comparison.actual);
  const missing = required.difference(actual);
  const extra = actual.difference(required);
  const locations = comparison.locations ?? NO_LOCATIONS;
  const target = comparison.target === undefined ? {} : { target: comparison.target };
  const findings: Finding[] = [];
  for (const { rule, owned } of ownedByRule(comparison.required, missing)) {
    const location = locations.get(rule.origin?.requirementId ?? rule.id);
    findings.push({
      kind: 'missing',
      code: 'TW_MISSING',
      severity: 'error',
      ...target,
      requirementId: rule.origin?.requirementId ?? rule.id,
      message: `${comparison.actual.name} does not allow what ${rule.id} requires`,
      ...describePackets(owned, comparison.labels),
      ...(location ? { location } : {}),
    });
  }
  for (const { rule, owned } of ownedByRule(comparison.actual, extra)) {
    const where = rule.origin?.file === undefined ? {} : { location: { file: rule.origin.file, ...(rule.origin.line === undefined ? {} : { line: rule.origin.line }) } };
    findings.push({
      kind: 'extra',
      code: 'TW_EXTRA',
      severity: 'warning',
      ...target,
      ...(rule.origin?.requirementId === undefined ? {} : { requirementId: rule.origin.requirementId }),
      message: `rule ${rule.id}${rule.origin?.text ? ` (${rule.origin.text})` : ''} allows packets ${comparison.required.name} does not require`,
      ...describePackets(owned, comparison.labels),
      ...where,
    });
  }
  const leftover = defaultOwned(comparison.actual, extra);
  if (!leftover.isEmpty()) {
    findings.push({ kind: 'extra', code: 'TW_EXTRA', severity: 'warning', ...target, message: `the default action of ${comparison.actual.name} allows packets nothing requires`, ...describePackets(leftover, comparison.labels) });
  }
  return findings;
}

/** The part of `set` each allow rule decides (first match), for the rules that decide any of it. */
function ownedByRule(ruleSet: RuleSet, set: PacketSet): Array<{ rule: RuleSet['rules'][number]; owned: PacketSet }> {
  const owned: Array<{ rule: RuleSet['rules'][number]; owned: PacketSet }> = [];
  let undecided = set;
  for (const rule of ruleSet.rules) {
    if (undecided.isEmpty()) break;
    const share = undecided.intersection(rule.match);
    if (share.isEmpty()) continue;
    undecided = undecided.difference(rule.match);
    if (rule.action === 'allow') owned.push({ rule, owned: share });
  }
  return owned;
}

/** What of `set` no rule matches (so the default action decides it). */
function defaultOwned(ruleSet: RuleSet, set: PacketSet): PacketSet {
  if (ruleSet.defaultAction !== 'allow') return PacketSet.EMPTY;
  return ruleSet.rules.reduce((rest, rule) => rest.difference(rule.match), set);
}

/** Extras a target declares it adds on purpose (`TargetKit.declaredExtras`: netfilter's platform flows), as `check` found them. */
export interface DeclaredExtra {
  /** What they are, as the target names them: `platform flows (option platformFlows)`. */
  readonly description: string;
  /** The declared packets the config allows beyond the requirements, box by box: `check`'s text answer counts these. */
  readonly pieces: readonly Piece[];
}

/** One `declared` finding per box, so a report counts what the text answer counts and gives each box a witness. */
export function declaredFindings(declared: DeclaredExtra, target?: string, labels?: PacketLabels): Finding[] {
  return declared.pieces.map((piece) => ({
    kind: 'declared',
    code: 'TW_DECLARED_EXTRA',
    severity: 'info',
    ...(target === undefined ? {} : { target }),
    message: `allowed beyond the requirements as ${declared.description}`,
    ...describePackets(piece.packets, labels),
    // The box's own witness, as the text answer prints it (describePackets would pick the same box's best packet).
    witness: packetText(piece.witness, labels),
  }));
}

export interface TargetTranslation {
  readonly target: string;
  readonly translation: Translation;
}

/**
 * The requirement × target matrix. A requirement none of whose diagnostics lose packets but that has a diagnostic
 * at all was reshaped to fit (split over rules or objects); one that loses packets is `partially` expressed, or
 * `not-expressible` when what it loses is everything it asks for.
 */
export function translationMatrix(requirements: RequirementSet, translations: readonly TargetTranslation[], resolver: AddressResolver): Matrix {
  const rows = requirements.requirements.map((requirement) => {
    let packets: PacketSet | undefined;
    const cells = translations.map(({ translation }): MatrixCell => {
      const own = translation.diagnostics.filter((diagnostic) => diagnostic.requirementId === requirement.id);
      if (own.length === 0) return 'expressed';
      const lost = own.reduce((set, diagnostic) => (diagnostic.lost ? set.union(diagnostic.lost) : set), PacketSet.EMPTY);
      if (lost.isEmpty()) return 'split';
      packets ??= requirementPackets(requirement, resolver);
      return packets.isSubsetOf(lost) ? 'not-expressible' : 'partially';
    });
    return { requirementId: requirement.id, ...(requirement.purpose ? { purpose: requirement.purpose } : {}), cells };
  });
  return { targets: translations.map(({ target }) => target), rows };
}

export interface ComparisonReportInput extends Comparison {
  readonly command: 'check' | 'equiv';
  /** The snapshot tags were expanded through (absent for a purely symbolic comparison). */
  readonly snapshot?: SnapshotInfo;
  /** Diagnostics of a translation made on the way (e.g. `check` rendering the requirements first). */
  readonly diagnostics?: readonly Diagnostic[];
  /** `check`: the extras the target declares, listed apart from the differences. */
  readonly declaredExtra?: DeclaredExtra;
  /** For the matrix: the requirements and the translation of each target. */
  readonly matrix?: { readonly requirements: RequirementSet; readonly translations: readonly TargetTranslation[]; readonly resolver: AddressResolver };
}

/** The report of `check` / `equiv`: differences in both directions with witnesses, then any diagnostics. */
export function comparisonReport(input: ComparisonReportInput): Report {
  const declared = input.declaredExtra ? declaredFindings(input.declaredExtra, input.target, input.labels) : [];
  const findings = [...differenceFindings(input), ...declared, ...diagnosticFindings(input.diagnostics ?? [], input.locations)];
  const missing = findings.filter((finding) => finding.kind === 'missing').length;
  const extra = findings.filter((finding) => finding.kind === 'extra').length;
  const changed = missing + extra > 0;
  const verb = input.command === 'check' ? 'allows exactly what is required' : 'are equivalent';
  const subject = input.command === 'check' ? input.actual.name : `${input.required.name} and ${input.actual.name}`;
  return {
    command: input.command,
    title: `tagwall ${input.command}: ${input.actual.name} against ${input.required.name}`,
    changed,
    headline: changed
      ? `${subject} ${input.command === 'check' ? 'does not allow exactly what is required' : 'differ'}: ${missing} missing, ${extra} extra.`
      : `${subject} ${verb}.`,
    snapshots: input.snapshot ? [snapshotRef(input.snapshot, 'used')] : [],
    subjects: {
      requirements: input.required.name,
      other: input.actual.name,
      targets: input.target === undefined ? [] : [input.target],
      analysisMode: input.actual.mode,
    },
    summary: countFindings(findings),
    findings,
    ...(input.matrix ? { matrix: translationMatrix(input.matrix.requirements, input.matrix.translations, input.matrix.resolver) } : {}),
  };
}

export interface TranslationReportInput {
  readonly requirements: RequirementSet;
  readonly snapshot: SnapshotInfo;
  readonly translations: readonly TargetTranslation[];
  readonly resolver: AddressResolver;
  readonly locations?: RequirementLocations;
}

/** The report of `render`: each target's diagnostics with what they lose, and the requirement × target matrix. */
export function translationReport(input: TranslationReportInput): Report {
  const findings = input.translations.flatMap(({ translation }) => diagnosticFindings(translation.diagnostics, input.locations));
  const lossy = findings.filter((finding) => finding.witness !== undefined).length;
  const targets = input.translations.map(({ target }) => target);
  const name = input.requirements.origin ?? input.requirements.name ?? 'requirements';
  return {
    command: 'render',
    title: `tagwall render: ${name} for ${targets.join(', ')}`,
    changed: lossy > 0,
    headline:
      findings.length === 0
        ? `${name}: every requirement expressed on ${targets.join(', ')}.`
        : `${name} on ${targets.join(', ')}: ${findings.length} diagnostic${findings.length === 1 ? '' : 's'}, ${lossy} losing packets.`,
    snapshots: [snapshotRef(input.snapshot, 'used')],
    subjects: { requirements: name, targets, analysisMode: 'expanded' },
    summary: countFindings(findings),
    findings,
    matrix: translationMatrix(input.requirements, input.translations, input.resolver),
  };
}
