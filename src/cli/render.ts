/**
 * `tagwall render --target T`: a requirement set (scenario or file) as a target's configuration. The artifacts go
 * to standard output (one artifact as is; several, each under a `==> name <==` line) or, with `-o`, to a file or a
 * directory, written all-or-nothing. Diagnostics go to standard error: what a target cannot express is never
 * dropped silently, and `--strict` turns any lost packet into exit 1 for CI.
 */
import { expandedResolver } from '../analysis/resolve.js';
import { formatPacket } from '../model/packet.js';
import { describePackets, translationReport } from '../reports/build.js';
import { renderReport } from '../reports/render.js';
import { optionsFor } from '../targets/option-schema.js';
import { TARGET_DESCRIPTORS } from '../targets/descriptors.js';
import type { Artifact, Diagnostic, Target, TargetOptionValues } from '../targets/target.js';
import { EXIT_DIFFERENT, EXIT_OK, toJson, usageError, type CliIo } from './io.js';
import { reportFiles } from './report-files.js';
import { requirementLocationsOf, requirementsFromOptions, targetOptionsFromSet, type RequirementInputOptions } from './requirements-input.js';
import { selectSnapshot, type SnapshotOptions } from './snapshot-source.js';
import { targetOptionValues } from './target-options.js';
import { allKits, kitOf } from './target-kits.js';
import { isDirectory, writeFilesAtomically, type OutputFile } from './write-files.js';

export interface RenderOptions extends RequirementInputOptions, SnapshotOptions {
  readonly json?: boolean;
  /** Target ids, or `all`; several go into `-o DIR/<target>/`. */
  readonly target?: readonly string[];
  readonly format?: string;
  readonly output?: string;
  readonly option?: readonly string[];
  readonly strict?: boolean;
  /** Report files; each gets the report in the format its extension names. */
  readonly report?: readonly string[];
  readonly [key: string]: unknown;
}


/** The targets `--target` names (`all`: every one), each once, in the order given. */
function chosenTargets(ids: readonly string[]): Target[] {
  const targets = ids.flatMap((id) => (id.toLowerCase() === 'all' ? allKits() : [kitOf(id)]));
  return [...new Set(targets)];
}

/** The options one target's `translate` reads: the flags and `--option key=value` it declares, and `--format`. */
function targetOptionsFrom(values: TargetOptionValues, target: Target, format: string | undefined): TargetOptionValues {
  const own = optionsFor(target.options, values);
  return format === undefined ? own : { ...own, format };
}

/** `--format` applies to each chosen target; one that has no such format is bad input, naming those that do. */
function checkFormat(format: string | undefined, targets: readonly Target[]): void {
  if (format === undefined) return;
  const lacking = targets.filter((target) => !(target.formats as readonly string[]).includes(format.toLowerCase()));
  if (lacking.length === 0) return;
  const having = TARGET_DESCRIPTORS.filter((target) => target.formats.includes(format.toLowerCase()));
  throw usageError(
    `--format ${format} is not a format of ${lacking.map((target) => `${target.id} (${target.formats.join(', ')})`).join(', ')}` +
      (having.length > 0 ? `; it is one of ${having.map((target) => target.id).join(', ')}` : ''),
  );
}

/** Where each artifact goes: one file as named, or a directory (several artifacts, an existing dir, a trailing `/`). */
function outputFiles(artifacts: readonly Artifact[], output: string): OutputFile[] {
  const intoDirectory = artifacts.length > 1 || /[\\/]$/.test(output) || isDirectory(output);
  if (!intoDirectory) return [{ path: output, content: artifacts[0]!.content }];
  const directory = output.replace(/[\\/]+$/, '') || '.';
  return artifacts.map((artifact) => ({ path: `${directory}/${artifact.name}`, content: artifact.content }));
}

/**
 * The word a diagnostic line leads with matches the exit code (issue 21): `error:` only when it fails the run, which
 * is `--strict` with a diagnostic that loses packets or is an error; without `--strict` the config is written, the
 * run succeeds, and the same diagnostic is a `warning:` (its target severity stays in --json and the reports).
 */
function shownSeverity(diagnostic: Diagnostic, strict: boolean): Diagnostic['severity'] {
  if (failsStrict(diagnostic)) return strict ? 'error' : 'warning';
  return diagnostic.severity;
}

function failsStrict(diagnostic: Diagnostic): boolean {
  return diagnostic.lost !== undefined || diagnostic.severity === 'error';
}

function diagnosticText(diagnostic: Diagnostic, strict = false): string {
  const id = diagnostic.requirementId;
  // Target messages usually lead with the requirement id already; do not say it twice.
  const about = id === undefined || diagnostic.message.startsWith(`${id}:`) ? '' : ` ${id}:`;
  const line = `${shownSeverity(diagnostic, strict)}: ${diagnostic.code}:${about} ${diagnostic.message}`;
  const witness = diagnostic.lost?.witness();
  return witness ? `${line}\n  lost, e.g. ${formatPacket(witness)} (--report FILE lists every lost box)` : line;
}

function diagnosticJson(diagnostic: Diagnostic): object {
  return {
    code: diagnostic.code,
    severity: diagnostic.severity,
    ...(diagnostic.requirementId === undefined ? {} : { requirementId: diagnostic.requirementId }),
    message: diagnostic.message,
    ...(diagnostic.lost ? { lost: describePackets(diagnostic.lost) } : {}),
  };
}

function artifactsText(artifacts: readonly Artifact[]): string {
  if (artifacts.length === 1) return artifacts[0]!.content;
  return artifacts.map((artifact) => `==> ${artifact.name} <==\n${artifact.content}${artifact.content.endsWith('\n') ? '' : '\n'}`).join('\n');
}

export function runRender(options: RenderOptions, io: CliIo): number {
  if (options.target === undefined || options.target.length === 0) throw usageError('render needs --target');
  const targets = chosenTargets(options.target);
  const several = targets.length > 1;
  if (several && options.output === undefined) throw usageError(`several targets (${targets.map((target) => target.id).join(', ')}) need -o DIR: each is written into DIR/<target>/`);
  checkFormat(options.format, targets);
  const values = { ...targetOptionsFromSet(options.set), ...targetOptionValues(options, 'render', targets) };
  // A report file whose format cannot be told is bad input: say so before loading and translating anything.
  const reports = reportFiles(options.report);
  const snapshot = selectSnapshot(options);
  // `--set forcedTunnelling=…` is the targets' (targetOptionsFromSet); the scenario's reading leaves it out.
  const requirements = requirementsFromOptions(options, snapshot);
  const resolver = expandedResolver(snapshot);
  const translations = targets.map((target) => ({
    target,
    translation: target.translate(requirements, { snapshot, resolver, options: targetOptionsFrom(values, target, options.format) }),
  }));
  const files: OutputFile[] = [];
  const written = new Map<Target, OutputFile[]>();
  if (options.output !== undefined) {
    for (const { target, translation } of translations) {
      const output = several ? `${options.output.replace(/[\\/]+$/, '') || '.'}/${target.id}/` : options.output;
      const own = outputFiles(translation.artifacts, output);
      written.set(target, own);
      files.push(...own);
    }
  }
  if (reports.length > 0) {
    const locations = requirementLocationsOf(options);
    const report = translationReport({
      requirements,
      snapshot: snapshot.info,
      translations: translations.map(({ target, translation }) => ({ target: target.id, translation })),
      resolver,
      ...(locations ? { locations } : {}),
    });
    for (const { file, format } of reports) files.push({ path: file, content: renderReport(report, format) });
  }
  if (files.length > 0) writeFilesAtomically(files);

  if (options.json) {
    const entries = translations.map(({ target, translation }) => ({
      target: target.id,
      snapshot: { cloud: snapshot.info.cloud, changeNumber: snapshot.info.changeNumber, source: snapshot.info.source },
      artifacts: translation.artifacts.map((artifact, index) => ({
        name: artifact.name,
        format: artifact.format,
        ...(options.output === undefined ? { content: artifact.content } : { path: written.get(target)![index]!.path }),
      })),
      diagnostics: translation.diagnostics.map(diagnosticJson),
    }));
    io.stdout(toJson(several ? entries : entries[0]));
  } else {
    for (const { target, translation } of translations) {
      if (options.output === undefined) io.stdout(artifactsText(translation.artifacts));
      // With several targets each diagnostic line says whose it is.
      const lines = translation.diagnostics.map((diagnostic) => `${several ? `${target.id}: ` : ''}${diagnosticText(diagnostic, options.strict === true)}`);
      if (lines.length > 0) io.stderr(`${lines.join('\n')}\n`);
    }
  }
  const lost = translations.some(({ translation }) => translation.diagnostics.some(failsStrict));
  return options.strict && lost ? EXIT_DIFFERENT : EXIT_OK;
}
