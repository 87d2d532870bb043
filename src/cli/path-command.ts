/** `tagwall path`, declared: its flags and help; what it does is path.ts, loaded when it runs (lazy-commands.ts). */
import { Option, type Command } from 'commander';
import type { CommandContext } from './context.js';
import { addRequirementOptions, cloudOption, snapshotFileOption } from './flags.js';
import { lazyAction } from './lazy-commands.js';

export function registerPathCommand(program: Command, context: CommandContext): void {
  const command = program
    .command('path')
    .description('end to end through a topology (host rules, NSGs, routes, firewalls): what is delivered, where the rest is dropped and by which rule; exit 1 when anything asked is not delivered')
    .requiredOption('--topology <file>', 'the topology file (docs/paths.md)')
    .requiredOption('--from <source>', 'a workload or subnet of the topology; or, with --to a workload, an address, CIDR or service tag (inbound)')
    .option('--to <destination>', 'a workload, subnet or firewall of the topology, an address, CIDR, service tag, host name or any')
    .option('--port <ports>', 'destination ports, e.g. 443 or 80,443 or 1000-2000')
    .option('--protocol <protocol>', 'tcp, udp, icmp, any or a number (default: tcp with --port, else any)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown', 'html']).default('text'))
    .option('--output <file>', 'write the answer to this file instead of standard output')
    .option('--limit <n>', 'boxes listed per set (default 10)')
    .addOption(cloudOption())
    .addOption(snapshotFileOption());
  addRequirementOptions(command).action(lazyAction(context, 'path', (path, _options: unknown, cmd: Command) => context.setExitCode(path.runPath(cmd.optsWithGlobals(), context.io))));
}
