/**
 * Analysis commands: `tagwall eval`, `equiv`, `diff`, `contains`, `shadowed`, `check`. Each reads its operands
 * (src/cli/operands.ts), picks symbolic or expanded analysis, asks src/analysis, and prints concrete packets.
 * Exit codes (DESIGN.md): 0 same / contained / nothing found, 1 a difference, 2 bad input.
 */
import { contains, difference, differenceWithin, equivalent, evaluate, piecesOf, redundant, shadowed, type Piece, type Verdict } from '../analysis/questions.js';
import { expandedResolver, type AddressResolver, type SymbolicResolver } from '../analysis/resolve.js';
import type { Rule, RuleSet } from '../analysis/rule-set.js';
import { AddressSet } from '../model/address-set.js';
import { formatPacket, parsePacket } from '../model/packet.js';
import type { RequirementSet } from '../model/requirement.js';
import type { Snapshot } from '../servicetags/snapshot.js';
import { kitOf as findTarget } from './target-kits.js';
import { yardstickRuleSet } from '../targets/contract.js';
import { refuseSeveralFiles } from '../targets/pipeline.js';
import type { ConfigInput, Diagnostic, TargetOptionValues } from '../targets/target.js';
import { EXIT_DIFFERENT, EXIT_OK, usageError, writeOutput, type CliIo } from './io.js';
import { jsonPieces } from './json-pieces.js';
import { chooseMode, classifyOperand, operandRuleSet, readConfigFiles, resolverFor, tagsWrittenAsPrefixes, type ModeChoice, type Operand } from './operands.js';
import { requirementLocationsOf, requirementReadOptions, requirementsFromOptions, scenarioInputFromOptions, type RequirementInputOptions } from './requirements-input.js';
import { optionsFor } from '../targets/option-schema.js';
import { selectSnapshot, type SnapshotOptions } from './snapshot-source.js';
import { snapshotAgeNotes } from './snapshot-age.js';
import { targetOptionValues } from './target-options.js';
import { readInputFile, writeFilesAtomically } from './write-files.js';
import { readerOptionsFrom } from './reader-options.js';
import { findingsInput } from '../inputs/read.js';
import { comparisonReport, packetText, type PacketLabels } from '../reports/build.js';
import { renderReport, type ReportFormat } from '../reports/render.js';
import type { Report } from '../reports/model.js';
import { PacketSet } from '../model/packet-set.js';
import { TagwallError } from '../errors.js';
import { reportFiles } from './report-files.js';
import { acceptedByBaseline, baselineOf, baselineText, readBaseline, withoutAccepted } from './baseline.js';
import type { FindingLocation } from '../reports/model.js';
import { fit, groupByRule, groupsJson, groupsText, indexRuleNames, missingGroups, namerFor, paint, PLAIN, type RuleGroup, type TextStyle } from './answers.js';

export interface AnalysisOptions extends RequirementInputOptions, SnapshotOptions {
  readonly json?: boolean;
  readonly expand?: boolean;
  readonly virtualNetwork?: string;
  readonly option?: readonly string[];
  readonly ipsets?: string;
  readonly packet?: readonly string[];
  readonly target?: string;
  /** `--config`, repeatable: the files of one config (iptables: both families); a string is one file. */
  readonly config?: string | readonly string[];
  readonly limit?: string;
  readonly format?: ReportFormat;
  readonly output?: string;
  readonly report?: readonly string[];
  readonly baseline?: string;
  readonly writeBaseline?: string;
  readonly acceptLosses?: boolean;
  /** Target flags (src/cli/target-options.ts), by their camel-cased keys. */
  readonly [key: string]: unknown;
}

import { DEFAULT_LIMIT, GROUP_LIMIT } from './analysis-command.js';

/** The report format asked for, if any: `--json` and `--format text` keep the classic output. */
function reportFormat(options: AnalysisOptions): ReportFormat | undefined {
  return options.json || options.format === 'text' ? undefined : options.format;
}

// ─── loading ─────────────────────────────────────────────────────────────────────────────────────────────

interface Loaded {
  readonly ruleSets: RuleSet[];
  readonly choice: ModeChoice;
  readonly resolver: AddressResolver;
  readonly snapshot: Snapshot;
  /** Tag names for boxes and packets, when the analysis is symbolic. */
  readonly labels: PacketLabels | undefined;
}

/** The target flags and `--option`s, checked against the targets of the config operands (TW_USAGE when none declares one). */
function targetOptions(options: AnalysisOptions, operands: readonly Operand[]): TargetOptionValues {
  return targetOptionValues(options, 'parse', [...new Set(operands.flatMap((operand) => (operand.kind === 'config' ? [operand.target] : [])))]);
}

function companions(options: AnalysisOptions): ConfigInput['companions'] {
  return options.ipsets === undefined ? undefined : { ipsets: { content: readInputFile(options.ipsets).toString('utf8'), file: options.ipsets } };
}

/**
 * Reads the operands in the mode `chooseMode` picks; a symbolic reading that would be blind (a config writing a
 * tag the requirements name as prefixes) is redone expanded, and the mode line says why.
 */
function finish(operands: readonly Operand[], options: AnalysisOptions, snapshot: Snapshot): Loaded {
  for (const operand of operands) {
    if (operand.kind !== 'config') continue;
    for (const part of [operand.input, ...(operand.input.more ?? [])]) indexRuleNames(part.file, part.content);
  }
  const virtualNetwork = options.virtualNetwork === undefined ? undefined : AddressSet.parse(options.virtualNetwork);
  const values = targetOptions(options, operands);
  const read = (choice: ModeChoice): Loaded => {
    const resolver = resolverFor(choice.mode, snapshot, virtualNetwork);
    return { choice, resolver, snapshot, labels: labelsOf(resolver), ruleSets: operands.map((operand) => operandRuleSet(operand, resolver, values)) };
  };
  const loaded = read(chooseMode(operands, options.expand === true));
  if (loaded.choice.mode === 'expanded') return loaded;
  const written = tagsWrittenAsPrefixes(operands, loaded.ruleSets, snapshot);
  if (!written) return loaded;
  const tags = written.tags.length <= 3 ? written.tags.join(', ') : `${written.tags.slice(0, 3).join(', ')} and ${written.tags.length - 3} more`;
  return read({ mode: 'expanded', reason: `${written.operand} writes ${tags} as prefixes, which comparing tags by name would miss` });
}

function loadOperands(texts: readonly string[], options: AnalysisOptions): Loaded {
  const snapshot = selectSnapshot(options);
  const extra = companions(options);
  const operandOptions = { scenario: scenarioInputFromOptions(options), snapshot, read: requirementReadOptions(options, snapshot), readers: readerOptionsFrom(options), ...(extra ? { companions: extra } : {}) };
  return finish(texts.map((text) => classifyOperand(text, operandOptions)), options, snapshot);
}

// ─── printing ────────────────────────────────────────────────────────────────────────────────────────────

function isSymbolic(resolver: AddressResolver): resolver is SymbolicResolver {
  return resolver.mode === 'symbolic' && 'label' in resolver;
}

/** Tag names for boxes and packets, the same in the classic output and in reports, when the analysis is symbolic. */
function labelsOf(resolver: AddressResolver): PacketLabels | undefined {
  if (!isSymbolic(resolver)) return undefined;
  return { label: (values, family) => resolver.label(values, family), describe: (address) => resolver.describe(address) };
}

function ruleText(rule: Rule | undefined): string {
  if (!rule) return 'the default action';
  const where = rule.origin?.file ? ` at ${rule.origin.file}${rule.origin.line ? `:${rule.origin.line}` : rule.origin.path ? ` ${rule.origin.path}` : ''}` : '';
  return `rule ${rule.id}${where}${rule.origin?.text ? ` (${rule.origin.text})` : ''}`;
}

function verdictText(set: RuleSet, verdict: Verdict): string {
  return `${set.name}: ${verdict.action} by ${ruleText(verdict.rule)}`;
}

function ruleJson(rule: Rule | undefined): object | null {
  return rule ? { id: rule.id, action: rule.action, ...(rule.origin ? { origin: rule.origin } : {}) } : null;
}

function verdictJson(verdict: Verdict): object {
  return { action: verdict.action, rule: ruleJson(verdict.rule) };
}

function limitOf(options: AnalysisOptions, fallback = DEFAULT_LIMIT): number {
  if (options.limit === undefined) return fallback;
  const limit = Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1) throw usageError(`--limit takes a positive whole number, not '${options.limit}'`);
  return limit;
}

function piecesText(title: string, pieces: readonly Piece[], labels: PacketLabels | undefined, limit: number): string[] {
  if (pieces.length === 0) return [`${title}: none`];
  const lines = [`${title}: ${pieces.length} box${pieces.length === 1 ? '' : 'es'}`];
  for (const piece of pieces.slice(0, limit)) {
    lines.push(`  ${piece.packets.lines(labels?.label)[0]}`, `    e.g. ${packetText(piece.witness, labels)}`);
  }
  if (pieces.length > limit) lines.push(`  … ${pieces.length - limit} more (--limit, or --json for all)`);
  return lines;
}

function piecesJson(pieces: readonly Piece[], labels: PacketLabels | undefined): object[] {
  return pieces.map((piece) => ({ box: piece.packets.lines(labels?.label)[0], witness: formatPacket(piece.witness) }));
}

function modeLine(loaded: Loaded): string {
  return `analysis: ${loaded.choice.mode} (${loaded.choice.reason})`;
}

/** What the readers of the rule sets assumed or left out (RuleSet.notes), one line each, named by rule set. */
function notesOf(ruleSets: readonly RuleSet[]): string[] {
  return ruleSets.flatMap((set) => (set.notes ?? []).map((note) => `${set.name}: ${note}`));
}

function notesJson(loaded: Loaded): object {
  // The snapshot's staleness warning too (snapshot-age.ts), which stderr already carries.
  const notes = [...notesOf(loaded.ruleSets), ...snapshotAgeNotes()];
  return notes.length === 0 ? {} : { notes };
}

function modeJson(loaded: Loaded): object {
  return { mode: loaded.choice.mode, modeReason: loaded.choice.reason };
}

// ─── commands ────────────────────────────────────────────────────────────────────────────────────────────

/**
 * A command's answer in its two classic forms, built lazily: only the form asked for is made, so `--limit` is read
 * (and refused when wrong) for text only.
 */
interface Answer {
  readonly json: () => object;
  readonly lines: () => readonly string[];
}

/** The notes on standard error, so the answer itself stays as it was. */
function printNotes(io: CliIo, ruleSets: readonly RuleSet[]): void {
  for (const note of notesOf(ruleSets)) io.stderr(`tagwall: note: ${note}\n`);
}

function printAnswer(options: AnalysisOptions, io: CliIo, answer: Answer): void {
  writeOutput(io, options.json ? jsonPieces(answer.json()) : `${answer.lines().join('\n')}\n`, options.output);
}

/** Colour and width for text on standard output; a file named by --output gets plain whole lines. */
function styleOf(options: AnalysisOptions, io: CliIo): TextStyle {
  return options.output !== undefined || options.json ? PLAIN : (io.style?.() ?? PLAIN);
}

/** Requirement groups carry the line of the requirement file that asks for the packets. */
function located(groups: readonly RuleGroup[], locations: ReadonlyMap<string, FindingLocation> | undefined): RuleGroup[] {
  if (!locations) return [...groups];
  return groups.map((group) => {
    const at = group.rule ? locations.get(group.rule.requirementId ?? group.rule.name) : undefined;
    return at && group.rule ? { ...group, rule: { ...group.rule, file: at.file, ...(at.line === undefined ? {} : { line: at.line }) } } : group;
  });
}

export function runEval(operand: string, options: AnalysisOptions, io: CliIo): number {
  const packets = (options.packet ?? []).map((text) => parsePacket(text));
  const loaded = loadOperands([operand], options);
  const set = loaded.ruleSets[0]!;
  printNotes(io, loaded.ruleSets);
  const verdicts = packets.map((packet) => ({ packet, verdict: evaluate(set, packet) }));
  printAnswer(options, io, {
    json: () => ({ ...modeJson(loaded), ...notesJson(loaded), ruleSet: set.name, results: verdicts.map(({ packet, verdict }) => ({ packet: formatPacket(packet), ...verdictJson(verdict) })) }),
    lines: () => verdicts.flatMap(({ packet, verdict }) => [packetText(packet, loaded.labels), `  ${verdictText(set, verdict)}`]),
  });
  return EXIT_OK;
}

export function runEquiv(a: string, b: string, options: AnalysisOptions, io: CliIo): number {
  const loaded = loadOperands([a, b], options);
  const [left, right] = loaded.ruleSets as [RuleSet, RuleSet];
  const answer = equivalent(left, right);
  const format = reportFormat(options);
  if (format) {
    const report = comparisonReport({
      command: 'equiv',
      required: left,
      actual: right,
      ...(loaded.labels ? { labels: loaded.labels } : {}),
      ...(loaded.resolver.mode === 'expanded' ? { snapshot: loaded.snapshot.info } : {}),
    });
    writeOutput(io, renderReport(report, format), options.output);
  } else if (answer.equivalent) {
    printAnswer(options, io, {
      json: () => ({ equivalent: true, ...modeJson(loaded) }),
      lines: () => [`equivalent: ${left.name} and ${right.name} allow exactly the same packets`, modeLine(loaded)],
    });
  } else {
    const namer = namerFor(loaded.resolver, loaded.snapshot);
    const onlyLeft = groupByRule('only-left', left, answer.onlyLeft, namer, right);
    const onlyRight = groupByRule('only-right', right, answer.onlyRight, namer, left);
    const style = styleOf(options, io);
    printAnswer(options, io, {
      json: () => ({
        equivalent: false,
        ...modeJson(loaded),
        witness: formatPacket(answer.witness),
        left: { name: left.name, ...verdictJson(answer.left) },
        right: { name: right.name, ...verdictJson(answer.right) },
        onlyLeft: groupsJson(onlyLeft),
        onlyRight: groupsJson(onlyRight),
      }),
      lines: () => {
        const limit = limitOf(options, GROUP_LIMIT);
        return [
          paint(style, 'bold', `not equivalent: ${left.name} and ${right.name}`),
          modeLine(loaded),
          fit(style, `witness: ${packetText(answer.witness, loaded.labels)}`),
          fit(style, `  ${verdictText(left, answer.left)}`),
          fit(style, `  ${verdictText(right, answer.right)}`),
          ...groupsText(`only ${left.name} allows`, onlyLeft, limit, style),
          ...groupsText(`only ${right.name} allows`, onlyRight, limit, style),
        ].map((line) => fit(style, line));
      },
    });
  }
  return answer.equivalent ? EXIT_OK : EXIT_DIFFERENT;
}

export function runDiff(a: string, b: string, options: AnalysisOptions, io: CliIo): number {
  const loaded = loadOperands([a, b], options);
  const [left, right] = loaded.ruleSets as [RuleSet, RuleSet];
  const onlyLeft = difference(left, right);
  const onlyRight = difference(right, left);
  const namer = namerFor(loaded.resolver, loaded.snapshot);
  const leftGroups = groupByRule('only-left', left, onlyLeft.packets, namer, right);
  const rightGroups = groupByRule('only-right', right, onlyRight.packets, namer, left);
  const style = styleOf(options, io);
  printAnswer(options, io, {
    json: () => ({ ...modeJson(loaded), onlyLeft: groupsJson(leftGroups), onlyRight: groupsJson(rightGroups) }),
    lines: () => {
      const limit = limitOf(options, GROUP_LIMIT);
      return [modeLine(loaded), ...groupsText(`only ${left.name} allows`, leftGroups, limit, style), ...groupsText(`only ${right.name} allows`, rightGroups, limit, style)].map((line) => fit(style, line));
    },
  });
  return onlyLeft.packets.isEmpty() && onlyRight.packets.isEmpty() ? EXIT_OK : EXIT_DIFFERENT;
}

export function runContains(a: string, b: string, options: AnalysisOptions, io: CliIo): number {
  const loaded = loadOperands([a, b], options);
  const [outer, inner] = loaded.ruleSets as [RuleSet, RuleSet];
  const answer = contains(outer, inner);
  printAnswer(options, io, {
    json: () => ({
      contained: answer.contained,
      ...modeJson(loaded),
      ...(answer.contained ? {} : { witness: formatPacket(answer.witness), outer: verdictJson(answer.outer), inner: verdictJson(answer.inner), missing: piecesJson(answer.missing.pieces, loaded.labels) }),
    }),
    lines: () =>
      answer.contained
        ? [`contained: ${outer.name} allows every packet ${inner.name} allows`, modeLine(loaded)]
        : [
            `not contained: ${outer.name} misses packets ${inner.name} allows`,
            modeLine(loaded),
            `witness: ${packetText(answer.witness, loaded.labels)}`,
            `  ${verdictText(outer, answer.outer)}`,
            `  ${verdictText(inner, answer.inner)}`,
            ...piecesText(`${outer.name} misses`, answer.missing.pieces, loaded.labels, limitOf(options)),
          ],
  });
  return answer.contained ? EXIT_OK : EXIT_DIFFERENT;
}

export function runShadowed(operand: string, options: AnalysisOptions, io: CliIo): number {
  const loaded = loadOperands([operand], options);
  const set = loaded.ruleSets[0]!;
  const never = shadowed(set);
  const removable = redundant(set).filter((entry) => entry.reason !== 'shadowed');
  const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
  printAnswer(options, io, {
    json: () => ({
      ...modeJson(loaded),
      ruleSet: set.name,
      shadowed: never.map((entry) => ({ rule: ruleJson(entry.rule), coveredBy: entry.coveredBy.map((rule) => rule.id), conflicting: entry.conflicting })),
      redundant: removable.map((entry) => ({ rule: ruleJson(entry.rule) })),
    }),
    lines: () => [
      `${set.name}: ${count(set.rules.length, 'rule', 'rules')}, ${count(never.length, 'never matches', 'never match')}, ${count(removable.length, 'more is redundant', 'more are redundant')} (each could go on its own without changing what is allowed)`,
      modeLine(loaded),
      ...never.flatMap((entry) => [
        `never matches: ${ruleText(entry.rule)}`,
        `  covered by ${entry.coveredBy.map((rule) => `${rule.id} (${rule.action})`).join(', ')}${entry.conflicting ? ' — an earlier rule of the other action takes its packets' : ''}`,
      ]),
      ...removable.map((entry) => `redundant: ${ruleText(entry.rule)} — the rules below it (or the default) decide its packets the same way`),
    ],
  });
  return never.length === 0 ? EXIT_OK : EXIT_DIFFERENT;
}

/** What `check` compares, in the mode it picked: exported so tests can hold its sets against a translation's losses. */
export interface CheckComparison {
  readonly loaded: Loaded;
  readonly requirements: RequirementSet;
  /** The config operand (a report translates the requirements with its target's options). */
  readonly config: Operand;
  /** The target's options as given for this check (flags, --option), read once. */
  readonly values: TargetOptionValues;
  readonly needed: RuleSet;
  readonly configured: RuleSet;
  /** What the platform would not take in the config (Target.findings). */
  readonly findings: readonly Diagnostic[];
  /** Set when the target's configs are not filters (a route table): what the comparison stands for instead. */
  readonly yardstick: string | undefined;
  readonly missing: ReturnType<typeof difference>;
  readonly extra: ReturnType<typeof difference>;
  /** Extras the target declares under its options (netfilter platform flows), reported apart and not a difference. */
  readonly declaredExtra: { readonly description: string; readonly pieces: readonly Piece[] } | undefined;
}

export function checkComparison(options: AnalysisOptions): CheckComparison {
  const files = typeof options.config === 'string' ? [options.config] : options.config;
  if (options.target === undefined || files === undefined || !isNonEmpty(files)) throw usageError('check needs --target and --config');
  const snapshot = selectSnapshot(options);
  const requirements = requirementsFromOptions(options, snapshot);
  const target = findTarget(options.target);
  refuseSeveralFiles(target, files, '--config');
  const readers = readerOptionsFrom(options);
  // Several files are one config, named as iptables names its sources: `iptables:rules.v4+rules.v6`.
  const config: Operand = { kind: 'config', text: `${target.id}:${files.join('+')}`, target, input: readConfigFiles(files, companions(options)), readers };
  const required: Operand = { kind: 'requirements', text: requirements.origin ?? 'requirements', requirements };
  const loaded = finish([required, config], options, snapshot);
  const [asRequired, configured] = loaded.ruleSets as [RuleSet, RuleSet];
  // A target whose configs are not filters (a route table) is compared with its kit's yardstick, not the requirements' packets.
  const needed: RuleSet = target.yardstickDescription ? yardstickRuleSet(target, requirements, loaded.resolver, asRequired.name) : asRequired;
  // What the platform would not take (an Azure tag where its networkFeatures do not list the resource).
  const findings = target.findings?.(config.kind === 'config' ? findingsInput(target, config.input, readers) : { content: '', file: '' }, snapshot) ?? [];
  // Extras the target declares (netfilter's platform flows): taken out of the config's rule set as accepted
  // differences are, and reported under their own name; every other extra is reported as before.
  const values = optionsFor(target.options, targetOptions(options, [config]));
  const declared = target.declaredExtras?.(values as never);
  if (declared === undefined) {
    const extra = difference(configured, needed);
    return { loaded, requirements, config, values, needed, configured, findings, yardstick: target.yardstickDescription, missing: difference(needed, configured), extra, declaredExtra: undefined };
  }
  // The extras that are declared flows, without the rest of the config's extras (measured ~1.8 ms cold, issue 22).
  const declaredPackets = differenceWithin(configured, needed, declared.packets);
  const rest = withoutAccepted(configured, declaredPackets);
  return {
    loaded, requirements, config, values, needed, configured: rest, findings, yardstick: target.yardstickDescription, missing: difference(needed, rest), extra: difference(rest, needed),
    declaredExtra: { description: declared.description, pieces: piecesOf(declaredPackets) },
  };
}

function isNonEmpty<T>(list: readonly T[]): list is readonly [T, ...T[]] {
  return list.length > 0;
}

/** What `check` accepted before answering: from a baseline file, and the translation's own losses. */
interface Acceptance {
  readonly baseline?: { readonly file: string; readonly boxes: number };
  readonly losses?: { readonly requirements: readonly string[]; readonly boxes: number };
}

/**
 * The packets the translation of the requirements for this target reports lost (`--accept-losses`), read with the
 * check's own resolver so they are in the same terms as its difference; by requirement, for the answer.
 */
function translationLosses(comparison: CheckComparison, options: AnalysisOptions): { packets: PacketSet; requirements: string[] } {
  const { loaded, requirements, values } = comparison;
  const target = findTarget(options.target!);
  const translation = target.translate(requirements, { snapshot: loaded.snapshot, resolver: loaded.resolver, options: values });
  let packets = PacketSet.EMPTY;
  const ids = new Set<string>();
  for (const diagnostic of translation.diagnostics) {
    if (!diagnostic.lost || diagnostic.lost.isEmpty()) continue;
    packets = packets.union(diagnostic.lost);
    ids.add(diagnostic.requirementId ?? diagnostic.code);
  }
  return { packets, requirements: [...ids].sort() };
}

export function runCheck(options: AnalysisOptions, io: CliIo): number {
  const reports = reportFiles(options.report);
  if (options.baseline !== undefined && options.writeBaseline !== undefined) throw usageError('give --baseline or --write-baseline, not both');
  const comparison = checkComparison(options);
  const { loaded, requirements, findings, yardstick, declaredExtra } = comparison;
  let { needed, configured, missing, extra: extraTraffic } = comparison;
  const snapshot = loaded.snapshot;
  const target = findTarget(options.target!);
  printNotes(io, loaded.ruleSets);
  const namer = namerFor(loaded.resolver, snapshot);
  const locations = requirementLocationsOf(options);
  const groupsNow = (): { missing: RuleGroup[]; extra: RuleGroup[] } => ({
    missing: located(missingGroups(needed, configured, missing.packets, namer), locations),
    extra: groupByRule('extra', configured, extraTraffic.packets, namer),
  });
  let acceptance: Acceptance = {};
  const accept = (acceptMissing: PacketSet, acceptExtra: PacketSet): void => {
    needed = withoutAccepted(needed, acceptMissing);
    configured = withoutAccepted(configured, acceptExtra);
    missing = difference(needed, configured);
    extraTraffic = difference(configured, needed);
  };
  if (options.acceptLosses) {
    const losses = translationLosses(comparison, options);
    const lostMissing = missing.packets.intersection(losses.packets);
    accept(lostMissing, PacketSet.EMPTY);
    acceptance = { ...acceptance, losses: { requirements: losses.requirements, boxes: lostMissing.compact().boxes.length } };
  }
  let groups = groupsNow();
  const baselineContext = { target: target.id, mode: loaded.choice.mode, requirements: needed.name, config: configured.name };
  if (options.writeBaseline !== undefined) {
    writeFilesAtomically([{ path: options.writeBaseline, content: baselineText(baselineOf(baselineContext, [...groups.missing, ...groups.extra])) }]);
    const count = groups.missing.concat(groups.extra).reduce((sum, group) => sum + group.boxes.length, 0);
    io.stderr(`tagwall: wrote ${options.writeBaseline}: ${count} accepted box${count === 1 ? '' : 'es'} (check --baseline ${options.writeBaseline} reports only what is new)\n`);
  }
  if (options.baseline !== undefined) {
    const baseline = readBaseline(options.baseline);
    if (baseline.mode !== loaded.choice.mode) {
      throw new TagwallError('TW_INVALID_BASELINE', `the baseline was written in ${baseline.mode} analysis and this check is ${loaded.choice.mode} (${loaded.choice.reason}); write it again with --write-baseline`, { location: { file: options.baseline } });
    }
    const accepted = acceptedByBaseline(baseline, [...groups.missing, ...groups.extra]);
    accept(accepted.missing, accepted.extra);
    groups = groupsNow();
    acceptance = { ...acceptance, baseline: { file: options.baseline, boxes: accepted.count } };
  }
  const ok = options.writeBaseline !== undefined || (missing.packets.isEmpty() && extraTraffic.packets.isEmpty() && findings.length === 0);
  const clean = missing.packets.isEmpty() && extraTraffic.packets.isEmpty() && findings.length === 0;
  const format = reportFormat(options);
  const report = (): Report => {
    // The report also says how each requirement fares on this target (the matrix), from a translation of them.
    const resolver = expandedResolver(snapshot);
    const translation = target.translate(requirements, { snapshot, resolver, options: comparison.values });
    return comparisonReport({
      command: 'check',
      required: needed,
      actual: configured,
      target: target.id,
      snapshot: snapshot.info,
      ...(loaded.labels ? { labels: loaded.labels } : {}),
      ...(locations ? { locations } : {}),
      ...(declaredExtra && declaredExtra.pieces.length > 0 ? { declaredExtra } : {}),
      matrix: { requirements, translations: [{ target: target.id, translation }], resolver },
    });
  };
  let built: Report | undefined;
  const theReport = (): Report => (built ??= report());
  if (reports.length > 0) writeFilesAtomically(reports.map(({ file, format: kind }) => ({ path: file, content: renderReport(theReport(), kind) })));
  if (format) {
    writeOutput(io, renderReport(theReport(), format), options.output);
  } else {
    const style = styleOf(options, io);
    const acceptedJson = {
      ...(acceptance.baseline ? { baseline: acceptance.baseline } : {}),
      ...(acceptance.losses ? { acceptedLosses: acceptance.losses } : {}),
    };
    printAnswer(options, io, {
      json: () => ({
        ok: clean,
        ...modeJson(loaded),
        ...notesJson(loaded),
        ...(yardstick ? { comparedWith: yardstick } : {}),
        requirements: needed.name,
        config: configured.name,
        ...acceptedJson,
        ...(declaredExtra ? { declaredExtra: { description: declaredExtra.description, boxes: piecesJson(declaredExtra.pieces, loaded.labels) } } : {}),
        missing: groupsJson(groups.missing),
        extra: groupsJson(groups.extra),
        findings: findings.map(({ code, severity, message }) => ({ code, severity, message })),
      }),
      lines: () => {
        const limit = limitOf(options, GROUP_LIMIT);
        const headline = clean
          ? `ok: ${configured.name} allows exactly what ${needed.name} needs`
          : `${configured.name} differs from ${needed.name}: ${groups.missing.length} requirement${groups.missing.length === 1 ? '' : 's'} not met, ${groups.extra.length} rule${groups.extra.length === 1 ? '' : 's'} allowing more${findings.length > 0 ? `, ${findings.length} finding${findings.length === 1 ? '' : 's'}` : ''}`;
        return [
          paint(style, 'bold', headline),
          modeLine(loaded),
          ...(yardstick ? [`compared with: ${yardstick}`] : []),
          ...(acceptance.losses ? [`accepted: ${acceptance.losses.boxes} lost box${acceptance.losses.boxes === 1 ? '' : 'es'} the translation for ${target.id} reports (--accept-losses${acceptance.losses.requirements.length > 0 ? `: ${acceptance.losses.requirements.join(', ')}` : ''})`] : []),
          ...(acceptance.baseline ? [`accepted: ${acceptance.baseline.boxes} box${acceptance.baseline.boxes === 1 ? '' : 'es'} recorded in ${acceptance.baseline.file} (--baseline)`] : []),
          ...groupsText('missing (required, not allowed)', groups.missing, limit, style, 'requirement'),
          ...groupsText('extra (allowed, not required)', groups.extra, limit, style),
          ...(declaredExtra && declaredExtra.pieces.length > 0 ? piecesText(`allowed beyond the requirements as ${declaredExtra.description}`, declaredExtra.pieces, loaded.labels, limit) : []),
          ...findings.map((finding) => `${paint(style, finding.severity === 'error' ? 'red' : 'yellow', finding.severity)}: ${finding.code}: ${finding.message}`),
        ].map((line) => fit(style, line));
      },
    });
  }
  return ok ? EXIT_OK : EXIT_DIFFERENT;
}
