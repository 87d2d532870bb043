/**
 * Snapshot impact: what a newer service-tag snapshot changes for a requirement set. Per requirement, the prefixes
 * its tags gain and lose (servicetags/impact.ts); per target, the artifact lines that change grouped by the
 * object (rule, set, address object) they belong to, and the diagnostics that appear or go away, limits first.
 * Lines that differ only in the snapshot they record (change number, date, file name) are provenance, not change:
 * counting them would make every weekly run "change" and open a pull request for nothing.
 */
import { expandedResolver, type AddressResolver } from '../analysis/resolve.js';
import { TagwallError } from '../errors.js';
import type { RequirementSet } from '../model/requirement.js';
import { requirementImpact } from '../servicetags/impact.js';
import type { Snapshot } from '../servicetags/snapshot.js';
import type { SnapshotInfo } from '../servicetags/types.js';
import { optionsFor } from '../targets/option-schema.js';
import type { Artifact, ArtifactLabeller, Diagnostic, Target, TargetOptionValues, Translation } from '../targets/target.js';
import { describePackets, isLimitCode, snapshotRef, translationMatrix, type RequirementLocations, type TargetTranslation } from './build.js';
import { diffArtifact, ipsetResizes, unmatchedBothWays, withoutProvenance, type ObjectChange } from './artifact-diff.js';
import { compareText, describeSnapshot, type Finding, type Report, type SummaryCount } from './model.js';

/** Changed lines kept per finding; a weekly change to a large tag can touch thousands of prefix lines. */
export const MAX_CHANGED_LINES = 200;

export interface ImpactInput {
  readonly from: Snapshot;
  readonly to: Snapshot;
  readonly requirements: RequirementSet;
  readonly targets: readonly Target[];
  /** Target options, the same for every target: each takes those its schema declares (optionsFor). */
  readonly options?: TargetOptionValues;
  readonly locations?: RequirementLocations;
  /** How a target's proofs resolve tags; default: expanded through the snapshot being translated against. */
  readonly resolver?: (target: Target, snapshot: Snapshot) => AddressResolver;
}

// ─── diagnostics ────────────────────────────────────────────────────────────────────────────────────────

export interface DiagnosticDiff {
  /** Only the newer translation has a diagnostic with this code for this requirement. */
  readonly appeared: readonly Diagnostic[];
  /** Only the older one has. */
  readonly resolved: readonly Diagnostic[];
  /** Both have one with this code for this requirement, worded differently (a count went up or down). */
  readonly reworded: ReadonlyArray<{ readonly before: Diagnostic; readonly after: Diagnostic }>;
}

/**
 * What changed between two translations' diagnostics. Equal (code, requirement, message) is unchanged; an
 * unmatched pair with the same code and requirement is the same finding with new figures; the rest appeared
 * or went away.
 */
export function diffDiagnostics(before: readonly Diagnostic[], after: readonly Diagnostic[], fromInfo: SnapshotInfo, toInfo: SnapshotInfo): DiagnosticDiff {
  const key = (diagnostic: Diagnostic, info: SnapshotInfo): string =>
    [diagnostic.code, diagnostic.requirementId ?? '', withoutProvenance(diagnostic.message, info)].join('\u0000');
  const subject = (diagnostic: Diagnostic): string => [diagnostic.code, diagnostic.requirementId ?? ''].join('\u0000');
  const beforeKeys = before.map((diagnostic) => key(diagnostic, fromInfo));
  const afterKeys = after.map((diagnostic) => key(diagnostic, toInfo));
  const [goneIndices, comeIndices] = unmatchedBothWays(beforeKeys, afterKeys);
  const gone = goneIndices.map((index) => before[index]!);
  const come = comeIndices.map((index) => after[index]!);
  const goneSubjects = gone.map(subject);
  const comeSubjects = come.map(subject);
  const [resolved, appeared] = unmatchedBothWays(goneSubjects, comeSubjects);
  // What is matched by subject on both sides pairs up in order.
  const pairedBefore = gone.filter((_, index) => !resolved.includes(index));
  const pairedAfter = come.filter((_, index) => !appeared.includes(index));
  const reworded = pairedAfter.map((diagnostic) => {
    const partner = pairedBefore.findIndex((candidate) => subject(candidate) === subject(diagnostic));
    const [previous] = pairedBefore.splice(partner, 1);
    return { before: previous!, after: diagnostic };
  });
  return { appeared: appeared.map((index) => come[index]!), resolved: resolved.map((index) => gone[index]!), reworded };
}

// ─── the report ─────────────────────────────────────────────────────────────────────────────────────────

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function capLines(added: readonly string[], removed: readonly string[]): Pick<Finding, 'added' | 'removed' | 'linesOmitted'> {
  const keptAdded = added.slice(0, MAX_CHANGED_LINES);
  const keptRemoved = removed.slice(0, Math.max(0, MAX_CHANGED_LINES - keptAdded.length));
  const omitted = added.length + removed.length - keptAdded.length - keptRemoved.length;
  return { added: keptAdded, removed: keptRemoved, ...(omitted > 0 ? { linesOmitted: omitted } : {}) };
}

type Outcome = { readonly translation: Translation } | { readonly error: TagwallError };

/**
 * One expanded resolver per snapshot for every target: a resolver caches what it expands, and the same tags are
 * expanded for each target (a cold resolver per target made impact cost 3.5 renders instead of under 3).
 */
function sharedResolvers(input: ImpactInput): (target: Target, snapshot: Snapshot) => AddressResolver {
  if (input.resolver) return input.resolver;
  const resolvers = new Map<Snapshot, AddressResolver>();
  return (_target, snapshot) => {
    let resolver = resolvers.get(snapshot);
    if (!resolver) resolvers.set(snapshot, (resolver = expandedResolver(snapshot)));
    return resolver;
  };
}

/**
 * One target's translation against one snapshot. The older snapshot's diagnostics are compared by code, requirement
 * and message only (diffDiagnostics), so their exact loss is not computed (`exactLoss: false`): for the Azure targets
 * it is a parse-back of their own output. The newer one's loss is reported and fills the matrix.
 */
function translateWith(target: Target, input: ImpactInput, side: 'from' | 'to', resolverFor: (target: Target, snapshot: Snapshot) => AddressResolver): Outcome {
  const snapshot = input[side];
  const resolver = resolverFor(target, snapshot);
  try {
    const exactLoss = side === 'to';
    return { translation: target.translate(input.requirements, { snapshot, resolver, options: optionsFor(target.options, input.options ?? {}), exactLoss }) };
  } catch (error) {
    // A target that needs options the run did not give (a zone, a location) is reported and skipped, so one
    // target cannot hide what changes on the others.
    if (error instanceof TagwallError) return { error };
    throw error;
  }
}

/** Objects that come or go whole are listed together per kind past this many (one route or address object per prefix). */
const GROUP_WHOLE_OBJECTS = 2;
const MAX_NAMES = 20;

/**
 * One finding per changed object; objects of one kind that appear or disappear whole (the UDR routes or PAN-OS
 * address objects of new prefixes) are one finding per kind, so a weekly change reads as "130 new address objects"
 * rather than 130 findings.
 */
function objectFindings(target: string, artifact: string, objects: readonly ObjectChange[]): Finding[] {
  const base = { kind: 'changed', code: 'TW_ARTIFACT_CHANGED', severity: 'warning', target, artifact } as const;
  const findings: Finding[] = [];
  const whole = new Map<string, ObjectChange[]>();
  for (const change of objects) {
    if (!change.whole) continue;
    const key = `${change.whole}\u0000${change.kind}`;
    whole.set(key, [...(whole.get(key) ?? []), change]);
  }
  const grouped = new Set([...whole.values()].filter((list) => list.length >= GROUP_WHOLE_OBJECTS).flat());
  for (const change of objects) {
    if (grouped.has(change)) continue;
    findings.push({
      ...base,
      ...(change.object ? { object: change.object } : {}),
      message: `${change.whole === 'added' ? 'new: ' : change.whole === 'removed' ? 'gone: ' : ''}${plural(change.added.length, 'line')} added, ${change.removed.length} removed`,
      ...capLines(change.added, change.removed),
    });
  }
  for (const list of whole.values()) {
    if (list.length < GROUP_WHOLE_OBJECTS) continue;
    const { whole: how, kind } = list[0]!;
    const names = list.map((change) => change.object.slice(kind.length).trim());
    const shown = names.slice(0, MAX_NAMES).join(', ') + (names.length > MAX_NAMES ? `, … ${names.length - MAX_NAMES} more` : '');
    findings.push({
      ...base,
      object: `${kind || 'objects'} (${list.length} ${how === 'added' ? 'new' : 'gone'})`,
      message: `${list.length} ${how === 'added' ? 'new' : 'gone'} ${kind ? `${kind} ` : ''}objects: ${shown}`,
      ...capLines(list.flatMap((change) => change.added), list.flatMap((change) => change.removed)),
    });
  }
  return findings;
}

function artifactFindings(
  target: string,
  labels: Readonly<Record<string, ArtifactLabeller>>,
  before: readonly Artifact[],
  after: readonly Artifact[],
  input: ImpactInput,
): { findings: Finding[]; provenanceOnly: number } {
  const findings: Finding[] = [];
  let provenanceOnly = 0;
  const oldByName = new Map(before.map((artifact) => [artifact.name, artifact]));
  const newByName = new Map(after.map((artifact) => [artifact.name, artifact]));
  const names = [...new Set([...oldByName.keys(), ...newByName.keys()])].sort(compareText);
  for (const name of names) {
    const old = oldByName.get(name);
    const now = newByName.get(name);
    if (!old || !now) {
      const lines = (now ?? old)!.content.split('\n');
      findings.push({
        kind: 'changed',
        code: now ? 'TW_ARTIFACT_ADDED' : 'TW_ARTIFACT_REMOVED',
        severity: 'warning',
        target,
        artifact: name,
        message: now ? `new artifact ${name} (${lines.length} lines)` : `artifact ${name} is no longer generated`,
        ...(now ? capLines(lines, []) : capLines([], lines)),
      });
      continue;
    }
    const diff = diffArtifact(old.content, now.content, input.from.info, input.to.info, labels[now.format]);
    provenanceOnly += diff.provenanceOnly;
    findings.push(...objectFindings(target, name, diff.objects));
    if (now.format === 'ipset') {
      for (const resize of ipsetResizes(old.content, now.content)) {
        findings.push({
          kind: 'limit',
          code: 'TW_IPSET_MAXELEM',
          severity: 'error',
          target,
          artifact: name,
          object: `set ${resize.set}`,
          message: `set ${resize.set} now needs maxelem ${resize.to} (was ${resize.from}): ipset restore -exist cannot re-create a set that exists with another maxelem, so destroy it (after the rules that use it) before loading`,
        });
      }
    }
  }
  return { findings, provenanceOnly };
}

function diagnosticChangeFinding(diagnostic: Diagnostic, change: 'new' | 'gone' | 'changed', input: ImpactInput, previous?: Diagnostic): Finding {
  const location = diagnostic.requirementId === undefined ? undefined : input.locations?.get(diagnostic.requirementId);
  const message =
    change === 'changed' ? `now: ${diagnostic.message} (was: ${previous!.message})` : `${change} with ${describeSnapshot(snapshotRef(input.to.info, 'to'))}: ${diagnostic.message}`;
  return {
    kind: isLimitCode(diagnostic.code) ? 'limit' : 'diagnostic',
    code: diagnostic.code,
    severity: change === 'gone' ? 'info' : diagnostic.severity,
    target: diagnostic.target,
    ...(diagnostic.requirementId === undefined ? {} : { requirementId: diagnostic.requirementId }),
    message,
    ...(change !== 'gone' && diagnostic.lost ? describePackets(diagnostic.lost) : {}),
    ...(location ? { location } : {}),
  };
}

/** The impact report (command `impact`); `changed` when any prefix, artifact line or diagnostic changes. */
export function snapshotImpact(input: ImpactInput): Report {
  const resolverFor = sharedResolvers(input);
  const findings: Finding[] = [];
  const impacts = requirementImpact(input.from, input.to, input.requirements.requirements);
  let prefixesAdded = 0;
  let prefixesRemoved = 0;
  for (const impact of impacts) {
    const location = input.locations?.get(impact.id);
    for (const tag of impact.tags) {
      prefixesAdded += tag.addressesAdded.length;
      prefixesRemoved += tag.addressesRemoved.length;
      findings.push({
        kind: 'changed',
        code: 'TW_TAG_CHANGED',
        severity: 'warning',
        requirementId: impact.id,
        object: tag.name,
        message: `${tag.status === 'changed' ? 'tag changed' : tag.status === 'added' ? 'tag is new' : 'tag is gone'}: +${tag.addressesAdded.length} / -${tag.addressesRemoved.length} prefixes`,
        ...capLines(tag.addressesAdded, tag.addressesRemoved),
        ...(location ? { location } : {}),
      });
    }
  }

  const translations: TargetTranslation[] = [];
  const targetsChanged = new Set<string>();
  let provenanceOnly = 0;
  let limitsAppeared = 0;
  let diagnosticsChanged = 0;
  for (const target of input.targets) {
    const before = translateWith(target, input, 'from', resolverFor);
    const after = translateWith(target, input, 'to', resolverFor);
    if ('error' in before || 'error' in after) {
      const error = 'error' in after ? after.error : (before as { error: TagwallError }).error;
      findings.push({ kind: 'diagnostic', code: error.code, severity: 'warning', target: target.id, message: `not compared: ${error.message}` });
      continue;
    }
    translations.push({ target: target.id, translation: after.translation });
    const artifacts = artifactFindings(target.id, target.labels, before.translation.artifacts, after.translation.artifacts, input);
    provenanceOnly += artifacts.provenanceOnly;
    findings.push(...artifacts.findings);
    const diagnostics = diffDiagnostics(before.translation.diagnostics, after.translation.diagnostics, input.from.info, input.to.info);
    limitsAppeared += diagnostics.appeared.filter((diagnostic) => isLimitCode(diagnostic.code)).length + artifacts.findings.filter((finding) => finding.kind === 'limit').length;
    const diagnosticChanges = [
      ...diagnostics.appeared.map((diagnostic) => diagnosticChangeFinding(diagnostic, 'new', input)),
      ...diagnostics.resolved.map((diagnostic) => diagnosticChangeFinding(diagnostic, 'gone', input)),
      ...diagnostics.reworded.map(({ before: was, after: now }) => diagnosticChangeFinding(now, 'changed', input, was)),
    ];
    diagnosticsChanged += diagnosticChanges.length;
    findings.push(...diagnosticChanges);
    if (artifacts.findings.length + diagnosticChanges.length > 0) targetsChanged.add(target.id);
  }

  const artifactChanges = findings.filter((finding) => finding.code.startsWith('TW_ARTIFACT_')).length;
  // A target changes when a line of its output, an ipset size or a diagnostic does.
  const changed = impacts.length > 0 || targetsChanged.size > 0;
  const summary: SummaryCount[] = [
    { label: 'requirements whose tags changed', count: impacts.length },
    { label: 'prefixes added', count: prefixesAdded },
    { label: 'prefixes removed', count: prefixesRemoved },
    { label: 'targets whose output changes', count: targetsChanged.size },
    { label: 'changed objects (rule, set, route or object; new or gone ones of a kind counted once)', count: artifactChanges },
    { label: 'new limit diagnostics', count: limitsAppeared },
    { label: 'diagnostics new, gone or changed', count: diagnosticsChanged },
    { label: 'lines differing only in the recorded snapshot', count: provenanceOnly },
  ];
  const span = `${describeSnapshot(snapshotRef(input.from.info, 'from'))} → ${describeSnapshot(snapshotRef(input.to.info, 'to'))}`;
  const headline = changed
    ? `${span}: ${impacts.length} of ${input.requirements.requirements.length} requirements change, the output of ${targetsChanged.size} of ${input.targets.length} targets changes${limitsAppeared ? `, ${limitsAppeared} new limit diagnostics` : ''}.`
    : `${span}: nothing changes for these ${input.requirements.requirements.length} requirements on ${input.targets.length} targets.`;
  const matrixResolver = input.targets[0] ? resolverFor(input.targets[0], input.to) : expandedResolver(input.to);
  const named = input.requirements.origin ?? input.requirements.name;
  return {
    command: 'impact',
    title: `tagwall impact: ${named ?? 'requirements'}`,
    changed,
    headline,
    snapshots: [snapshotRef(input.from.info, 'from'), snapshotRef(input.to.info, 'to')],
    subjects: {
      ...(named ? { requirements: named } : {}),
      targets: input.targets.map((target) => target.id),
    },
    summary,
    findings,
    matrix: translationMatrix(input.requirements, translations, matrixResolver),
  };
}
