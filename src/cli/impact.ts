/** `tagwall impact --from OLD --to NEW (--scenario S | --requirements F)`: what a new snapshot changes. */
import { Option, type Command } from 'commander';
import { snapshotImpact } from '../reports/impact.js';
import { REPORT_FORMATS, renderReport, type ReportFormat } from '../reports/index.js';
import { allTargets, findTarget } from '../targets/registry.js';
import type { CommandContext } from './context.js';
import { EXIT_DIFFERENT, EXIT_OK, writeOutput, type CliIo, type GlobalOptions } from './io.js';
import { addRequirementOptions, requirementLocationsOf, requirementsFromOptions, type RequirementInputOptions } from './requirements-input.js';
import { openSnapshot } from './snapshot-source.js';
import { watchSnapshotAge } from './snapshot-age.js';
import { addTargetOptions, targetOptionValues } from './target-options.js';

export interface ImpactOptions extends RequirementInputOptions, GlobalOptions {
  readonly from: string;
  readonly to: string;
  readonly target?: readonly string[];
  readonly format?: ReportFormat;
  readonly output?: string;
  readonly option?: readonly string[];
  readonly maxAge?: string;
  /** Target flags (src/cli/target-options.ts), by their camel-cased keys. */
  readonly [key: string]: unknown;
}

/** `--format` for every command that prints a report (`impact`, and `check` / `equiv` through the lead's wiring). */
export function reportFormatOption(): Option {
  return new Option('--format <format>', 'report format').choices([...REPORT_FORMATS]).default('text');
}

export function runImpact(options: ImpactOptions, io: CliIo): number {
  const from = openSnapshot(options.from);
  // --from is old on purpose; --to is what the configs are about to be made from.
  const to = watchSnapshotAge(openSnapshot(options.to), options);
  const requirements = requirementsFromOptions({ ...options, cloud: options.cloud ?? to.info.cloud }, to);
  const targets = options.target?.length ? [...new Set(options.target.flatMap((id) => (id.toLowerCase() === 'all' ? allTargets() : [findTarget(id)])))] : allTargets();
  const locations = requirementLocationsOf(options);
  const report = snapshotImpact({
    from,
    to,
    requirements,
    targets,
    // Translated as the configs were rendered (`--option format=terraform`, `--expand`), or it compares a format
    // nobody deploys; each target takes the options it declares, and an option none of them declares is refused.
    options: targetOptionValues(options, 'render', targets),
    ...(locations ? { locations } : {}),
  });
  const text = renderReport(report, options.json ? 'json' : (options.format ?? 'text'));
  writeOutput(io, text, options.output);
  return report.changed ? EXIT_DIFFERENT : EXIT_OK;
}

export function registerImpactCommand(program: Command, context: CommandContext): void {
  const command = program
    .command('impact')
    .description('what a newer service-tag snapshot changes: prefixes per requirement, rules and objects per target, new limit diagnostics; exit 1 when anything changes')
    .requiredOption('--from <snapshot>', 'the older snapshot: a ServiceTags_*.json(.gz) file, or embedded[:cloud]')
    .requiredOption('--to <snapshot>', 'the newer snapshot');
  addTargetOptions(addRequirementOptions(command), 'render')
    .option('--target <id...>', 'only these targets (default: every target)')
    .addOption(reportFormatOption())
    .option('-o, --output <file>', 'write the report to this file instead of standard output')
    .addHelpText(
      'after',
      '\nExamples:\n  tagwall impact --from ServiceTags_Public_20250728.json.gz --to ServiceTags_Public_20251028.json.gz --scenario compute-public-ip --region eastus2 --format markdown\n  tagwall impact --from old.json --to new.json --requirements workload.yaml --target nsg --option format=terraform --format sarif --output impact.sarif',
    )
    .action((_options, self: Command) => context.setExitCode(runImpact(self.optsWithGlobals(), context.io)));
}
