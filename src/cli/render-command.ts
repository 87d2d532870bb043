/** `tagwall render`, declared: its flags and help; what it does is render.ts, loaded when it runs (lazy-commands.ts). */
import type { Command } from 'commander';
import { TARGET_DESCRIPTORS } from '../targets/descriptors.js';
import type { CommandContext } from './context.js';
import { addRequirementOptions, cloudOption, snapshotFileOption } from './flags.js';
import { collect } from './io.js';
import { lazyAction } from './lazy-commands.js';
import type { RenderOptions } from './render.js';
import { addTargetOptions } from './target-options.js';

export function registerRenderCommand(program: Command, context: CommandContext): void {
  const command = program
    .command('render')
    .description('a requirement set as a target configuration; diagnostics on stderr for what the target cannot express')
    .requiredOption('--target <id>', `the target: ${TARGET_DESCRIPTORS.map((target) => target.id).sort().join(', ')}, or all; repeatable (several go into -o DIR/<target>/)`, collect)
    .option('--format <format>', `the output format of the target (${[...new Set(TARGET_DESCRIPTORS.flatMap((target) => target.formats))].join(', ')}; default: its first)`)
    .option('-o, --output <path>', 'write to this file, or into this directory (one file per artifact; needed for several)')
    .addOption(cloudOption())
    .addOption(snapshotFileOption());
  addTargetOptions(addRequirementOptions(command), 'render', context.targetFlags)
    .option('--strict', 'exit 1 when a diagnostic loses packets (a requirement not fully expressed)')
    .option('--report <file>', 'also write a diagnostics report (.md, .html, .sarif, .json or .txt); repeatable', collect)
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
        '  tagwall render --scenario compute-public-ip --region eastus2 --target nsg --target nftables -o out/ --report out/report.html',
      ].join('\n'),
    )
    .action(
      // Only the kits --target names are initialised, as render asks for them (target-kits.ts).
      lazyAction(context, 'render', (render, _options: unknown, self: Command) => context.setExitCode(render.runRender(self.optsWithGlobals<RenderOptions>(), context.io))),
    );
}
