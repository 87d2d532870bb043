/**
 * The analysis commands (eval, equiv, diff, contains, shadowed, check), declared: their arguments, flags and help.
 * What they do is analysis.ts, loaded when one runs (lazy-commands.ts).
 */
import type { Command } from 'commander';
import type { CommandContext } from './context.js';
import { addHostsOption, addReaderOptions, addRequirementOptions, addScenarioParameterOptions, cloudOption, reportFormatOption, snapshotFileOption } from './flags.js';
import { collect } from './io.js';
import { lazyAction, type CommandModule } from './lazy-commands.js';
import { addTargetOptions } from './target-options.js';

/** How many boxes a text report lists per set before it says how many more there are. */
export const DEFAULT_LIMIT = 10;
/** How many boxes the answers grouped by rule list per rule: every rule shows, with its first boxes. */
export const GROUP_LIMIT = 3;

/** What every comparison takes besides its operands: the snapshot, the mode, parser inputs, report length. */
function addComparisonOptions(command: Command, context: CommandContext): Command {
  return addReaderOptions(addTargetOptions(command, 'parse', context.targetFlags))
    .addOption(cloudOption())
    .addOption(snapshotFileOption())
    .option('--expand', 'expand service tags through the snapshot even when both sides name tags')
    .option('--virtual-network <cidrs>', 'the address space the VirtualNetwork tag stands for (default: private blocks)')
    .option('--ipsets <file>', 'ipset save output the config refers to')
    .option('--limit <n>', `boxes listed per rule (default ${GROUP_LIMIT}; contains: per set, default ${DEFAULT_LIMIT})`)
    .option('-o, --output <file>', 'write the answer or report to this file (atomically) instead of standard output');
}

/** `--format text|json|markdown|html|sarif` and `--output FILE` for the commands that make reports (issue 9). */
function addReportOptions(command: Command): Command {
  return command.addOption(reportFormatOption());
}


function addAnalysisOptions(command: Command, context: CommandContext): Command {
  return addComparisonOptions(addHostsOption(addScenarioParameterOptions(command)), context);
}

type Analysis = CommandModule<'analysis'>;

/** The analysis commands, in the order `tagwall --help` lists them. */
export const ANALYSIS_COMMANDS: readonly string[] = ['eval', 'equiv', 'diff', 'contains', 'shadowed', 'check'];

/**
 * Declares the analysis commands, or only `only` (the one a run names: main.ts declares no other command either).
 * Each declaration builds its ~40 flags, and a run of one command has no use for the other five's.
 */
export function registerAnalysisCommands(program: Command, context: CommandContext, only?: string): void {
  const { setExitCode, io } = context;
  const operandHelp = 'a requirements file, scenario:NAME, KIND:FILE (a target config) or a config file';
  const wanted = (name: string): boolean => only === undefined || only === name;
  // The analysis module, imported when the command runs; it initialises the kits its operands need as it reads them.
  const act = <Args extends unknown[]>(run: (analysis: Analysis, ...args: Args) => void) => lazyAction(context, 'analysis', run);
  if (wanted('eval')) addAnalysisOptions(
    program
      .command('eval')
      .description('the verdict on packets and the rule that decides it (first match)')
      .argument('<operand>', operandHelp)
      .requiredOption('--packet <packet>', 'e.g. "out tcp 172.16.0.4:50000 -> 20.150.1.1:443 host=pypi.org", repeatable', collect),
    context,
  ).action(act((analysis: Analysis, operand: string, _options: unknown, command: Command) => setExitCode(analysis.runEval(operand, command.optsWithGlobals(), io))));
  if (wanted('equiv')) addReportOptions(addAnalysisOptions(
    program.command('equiv').description('do two rule sets allow exactly the same packets? exit 1 with a witness when not').argument('<a>', operandHelp).argument('<b>', operandHelp),
    context,
  )).action(act((analysis: Analysis, a: string, b: string, _options: unknown, command: Command) => setExitCode(analysis.runEquiv(a, b, command.optsWithGlobals(), io))));
  if (wanted('diff')) addAnalysisOptions(
    program.command('diff').description('the packets A allows and B does not, and the reverse; exit 1 when there are any').argument('<a>', operandHelp).argument('<b>', operandHelp),
    context,
  ).action(act((analysis: Analysis, a: string, b: string, _options: unknown, command: Command) => setExitCode(analysis.runDiff(a, b, command.optsWithGlobals(), io))));
  if (wanted('contains')) addAnalysisOptions(
    program.command('contains').description('does A allow every packet B allows? exit 1 with what it misses when not').argument('<a>', operandHelp).argument('<b>', operandHelp),
    context,
  ).action(act((analysis: Analysis, a: string, b: string, _options: unknown, command: Command) => setExitCode(analysis.runContains(a, b, command.optsWithGlobals(), io))));
  if (wanted('shadowed')) addAnalysisOptions(
    program.command('shadowed').description('rules that never match, and rules whose removal changes nothing; exit 1 when any never match').argument('<operand>', operandHelp),
    context,
  ).action(act((analysis: Analysis, operand: string, _options: unknown, command: Command) => setExitCode(analysis.runShadowed(operand, command.optsWithGlobals(), io))));
  if (!wanted('check')) return;
  const check = program
    .command('check')
    .description('does a target config allow exactly what the requirements need? missing and extra traffic; exit 1 on a difference')
    .requiredOption('--target <id>', 'the target the config is for (nsg, azure-firewall, iptables, ...)')
    .requiredOption('--config <file>', 'the config file; repeatable, for one config in several files (iptables: IPv4 and IPv6 rules; nftables: a ruleset and the files its large sets continue in)', collect);
  addReportOptions(addComparisonOptions(addRequirementOptions(check), context))
    .option('--report <file>', 'also write a report (.md, .html, .sarif, .json or .txt, by extension); repeatable', collect)
    .option('--baseline <file>', 'accept the differences recorded in this file (see --write-baseline); report and fail only on new ones')
    .option('--write-baseline <file>', 'record every current difference in this file (atomically) as accepted, and exit 0')
    .option('--accept-losses', "accept exactly what the target's translation of the requirements reports lost (e.g. host names on an NSG)")
    .action(act((analysis: Analysis, _options: unknown, command: Command) => setExitCode(analysis.runCheck(command.optsWithGlobals(), io))));
}
