/**
 * `tagwall render --target T`: a requirement set (scenario or file) as a target's configuration. The artifacts go
 * to standard output (one artifact as is; several, each under a `==> name <==` line) or, with `-o`, to a file or a
 * directory, written all-or-nothing. Diagnostics go to standard error: what a target cannot express is never
 * dropped silently, and `--strict` turns any lost packet into exit 1 for CI.
 */
import type { Command } from 'commander';
import { expandedResolver } from '../analysis/resolve.js';
import { formatPacket } from '../model/packet.js';
import { describePackets } from '../reports/build.js';
import { renderReport, translationReport, type ReportFormat } from '../reports/index.js';
import { requirementFileLocations } from '../reports/locations.js';
import { getTarget, targetIds } from '../targets/registry.js';
import type { Artifact, Diagnostic, TargetOptionValues, Translation } from '../targets/target.js';
import type { CommandContext } from './context.js';
import { EXIT_DIFFERENT, EXIT_OK, toJson, usageError, type CliIo } from './io.js';
import { addRequirementOptions, requirementsFromOptions, targetOptionsFromSet, type RequirementInputOptions } from './requirements-input.js';
import { cloudOption, selectSnapshot, snapshotFileOption, type SnapshotOptions } from './snapshot-source.js';
import { addTargetOptions, targetOptionValues } from './target-options.js';
import { isDirectory, writeFilesAtomically, type OutputFile } from './write-files.js';

const REPORT_EXTENSIONS: ReadonlyArray<readonly [RegExp, ReportFormat]> = [
  [/\.(md|markdown)$/i, 'markdown'],
  [/\.html?$/i, 'html'],
  [/\.sarif(\.json)?$/i, 'sarif'],
  [/\.json$/i, 'json'],
  [/\.txt$/i, 'text'],
];

interface RenderOptions extends RequirementInputOptions, SnapshotOptions {
  readonly json?: boolean;
  readonly target?: string;
  readonly format?: string;
  readonly output?: string;
  readonly option?: readonly string[];
  readonly strict?: boolean;
  readonly report?: string;
  readonly [key: string]: unknown;
}

export function registerRenderCommand(program: Command, { io, setExitCode }: CommandContext): void {
  const command = program
    .command('render')
    .description('a requirement set as a target configuration; diagnostics on stderr for what the target cannot express')
    .requiredOption('--target <id>', `the target: ${targetIds().join(', ')}`)
    .option('--format <format>', 'the output format of the target (arm|bicep|terraform, xml|set; default: its first)')
    .option('-o, --output <path>', 'write to this file, or into this directory (one file per artifact; needed for several)')
    .addOption(cloudOption())
    .addOption(snapshotFileOption());
  addTargetOptions(addRequirementOptions(command), 'render')
    .option('--strict', 'exit 1 when a diagnostic loses packets (a requirement not fully expressed)')
    .option('--report <file>', 'also write a diagnostics report (.md, .html, .sarif, .json or .txt)')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  tagwall render --scenario compute-no-public-ip --region westus --target nftables',
        '  tagwall render --scenario compute-public-ip --region eastus2 --target azure-firewall --format bicep',
        '  tagwall render --scenario compute-no-public-ip --region westus --target iptables -o out/',
        '  tagwall render --scenario data-exfiltration-prevention --region westus --target panos --format set',
        '  tagwall render --requirements workload.yaml --target nsg --format terraform -o nsg.tf --strict',
      ].join('\n'),
    )
    .action((_options, self: Command) => setExitCode(runRender(self.optsWithGlobals(), io)));
}

/** The options a target's `translate` reads: the flags, `--option key=value`, and `--format`. */
function targetOptionsFrom(options: RenderOptions): TargetOptionValues {
  const values = { ...targetOptionsFromSet(options.set), ...targetOptionValues(options, 'render') };
  return options.format === undefined ? values : { ...values, format: options.format };
}

function reportFormatOf(file: string): ReportFormat {
  const found = REPORT_EXTENSIONS.find(([pattern]) => pattern.test(file));
  if (!found) throw usageError(`--report ${file}: name the file .md, .html, .sarif, .json or .txt so its format is known`);
  return found[1];
}

/** Where each artifact goes: one file as named, or a directory (several artifacts, an existing dir, a trailing `/`). */
function outputFiles(artifacts: readonly Artifact[], output: string): OutputFile[] {
  const intoDirectory = artifacts.length > 1 || /[\\/]$/.test(output) || isDirectory(output);
  if (!intoDirectory) return [{ path: output, content: artifacts[0]!.content }];
  const directory = output.replace(/[\\/]+$/, '') || '.';
  return artifacts.map((artifact) => ({ path: `${directory}/${artifact.name}`, content: artifact.content }));
}

function diagnosticText(diagnostic: Diagnostic): string {
  const id = diagnostic.requirementId;
  // Target messages usually lead with the requirement id already; do not say it twice.
  const about = id === undefined || diagnostic.message.startsWith(`${id}:`) ? '' : ` ${id}:`;
  const line = `${diagnostic.severity}: ${diagnostic.code}:${about} ${diagnostic.message}`;
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
  if (options.target === undefined) throw usageError('render needs --target');
  const target = getTarget(options.target);
  // A report file whose format cannot be told is bad input: say so before loading and translating anything.
  const reportFormat = options.report === undefined ? undefined : reportFormatOf(options.report);
  const snapshot = selectSnapshot(options);
  const requirements = requirementsFromOptions(options, snapshot);
  const resolver = expandedResolver(snapshot);
  const translation: Translation = target.translate(requirements, { snapshot, resolver, options: targetOptionsFrom(options) });
  const files: OutputFile[] = options.output === undefined ? [] : outputFiles(translation.artifacts, options.output);
  if (options.report !== undefined && reportFormat !== undefined) {
    const locations = options.requirements === undefined ? undefined : requirementFileLocations(options.requirements);
    const report = translationReport({ requirements, snapshot: snapshot.info, translations: [{ target: target.id, translation }], resolver, ...(locations ? { locations } : {}) });
    files.push({ path: options.report, content: renderReport(report, reportFormat) });
  }
  if (files.length > 0) writeFilesAtomically(files);

  if (options.json) {
    io.stdout(
      toJson({
        target: target.id,
        snapshot: { cloud: snapshot.info.cloud, changeNumber: snapshot.info.changeNumber, source: snapshot.info.source },
        artifacts: translation.artifacts.map((artifact, index) => ({
          name: artifact.name,
          format: artifact.format,
          // Artifacts come first in `files`, in order; the report, if any, after them.
          ...(options.output === undefined ? { content: artifact.content } : { path: files[index]!.path }),
        })),
        diagnostics: translation.diagnostics.map(diagnosticJson),
      }),
    );
  } else {
    if (options.output === undefined) io.stdout(artifactsText(translation.artifacts));
    if (translation.diagnostics.length > 0) io.stderr(`${translation.diagnostics.map(diagnosticText).join('\n')}\n`);
  }
  const lost = translation.diagnostics.some((diagnostic) => diagnostic.lost !== undefined);
  return options.strict && lost ? EXIT_DIFFERENT : EXIT_OK;
}
