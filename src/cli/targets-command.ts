/** `tagwall targets`, declared; what it does is targets.ts, loaded when it runs (lazy-commands.ts). */
import type { Command } from 'commander';
import type { CommandContext } from './context.js';
import { lazyAction } from './lazy-commands.js';

export function registerTargetsCommand(program: Command, context: CommandContext): void {
  program
    .command('targets')
    .description('the targets render and check know, with what each can express')
    .option('--options', 'the target flags instead: which targets take each, and what it does')
    .action(lazyAction(context, 'targets', (targets, _options: unknown, command: Command) => context.setExitCode(targets.runTargets(command.optsWithGlobals(), context.io))));
}
