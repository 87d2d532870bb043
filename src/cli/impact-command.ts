/** `tagwall impact`, declared: its flags and help; what it does is impact.ts, loaded when it runs (lazy-commands.ts). */
import type { Command } from 'commander';
import type { CommandContext } from './context.js';
import { addRequirementOptions, reportFormatOption } from './flags.js';
import { lazyAction } from './lazy-commands.js';
import { addTargetOptions } from './target-options.js';

export function registerImpactCommand(program: Command, context: CommandContext): void {
  const command = program
    .command('impact')
    .description('what a newer service-tag snapshot changes: prefixes per requirement, rules and objects per target, new limit diagnostics; exit 1 when anything changes')
    .requiredOption('--from <snapshot>', 'the older snapshot: a ServiceTags_*.json(.gz) file, or embedded[:cloud]')
    .requiredOption('--to <snapshot>', 'the newer snapshot');
  addTargetOptions(addRequirementOptions(command), 'render', context.targetFlags)
    .option('--target <id...>', 'only these targets (default: every target)')
    .addOption(reportFormatOption())
    .option('-o, --output <file>', 'write the report to this file instead of standard output')
    .addHelpText(
      'after',
      '\nExamples:\n  tagwall impact --from ServiceTags_Public_20250728.json.gz --to ServiceTags_Public_20251028.json.gz --scenario compute-public-ip --region eastus2 --format markdown\n  tagwall impact --from old.json --to new.json --requirements workload.yaml --target nsg --option format=terraform --format sarif --output impact.sarif',
    )
    .action(
      lazyAction(
        context,
        'impact',
        (impact, _options: unknown, self: Command) => context.setExitCode(impact.runImpact(self.optsWithGlobals(), context.io)),
        // The executable inflates the two files on libuv's threadpool while it reads the first (issue 22).
        async (impact, _options: unknown, self: Command) => context.setExitCode(await impact.runImpactOverlapped(self.optsWithGlobals(), context.io)),
      ),
    );
}
