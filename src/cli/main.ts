/**
 * The `tagwall` command. Argument parsing is commander's; everything a command does is a library call.
 * A TagwallError prints as `tagwall: <where>: <what>` and exits 2; anything else is a bug and prints its stack.
 */
import { Command, CommanderError, Option } from 'commander';
import { TagwallError } from '../errors.js';
import { collect, EXIT_BAD_INPUT, EXIT_OK, processIo, reportBug, reportError, writePieces, type CliIo } from './io.js';
import { registerSnapshotFetch } from './snapshot-fetch-command.js';
import { beginSnapshotAgeWatch } from './snapshot-age.js';
import { ANALYSIS_COMMANDS, registerAnalysisCommands } from './analysis-command.js';
import { registerCatalogCommands } from './catalog-command.js';
import { registerImpactCommand } from './impact-command.js';
import { registerPathCommand } from './path-command.js';
import { registerRenderCommand } from './render-command.js';
import { registerTargetsCommand } from './targets-command.js';
import { commandModulesLoaded, lazyAction, loadCommandModule, loadedCommandModule } from './lazy-commands.js';
import { findProjectFile } from './project-file.js';
import { targetFlagsNamed, type TargetFlagSelection } from './target-options.js';
import type { CommandContext } from './context.js';
import { VERSION } from '../version.js';
import { writeFilesAtomically } from './write-files.js';
import { textOf } from './utf8-pieces.js';

const cloudOption = (): Option =>
  new Option('--cloud <cloud>', 'Public, AzureGovernment or China (embedded snapshot of that cloud)');
const snapshotOption = (): Option =>
  new Option('--snapshot <file>', "a Microsoft ServiceTags_*.json(.gz) file instead of the embedded snapshot");

/** Standard output of a command run with `-o FILE` where the command itself only prints: kept, then written atomically. */
interface Capture {
  path?: string;
  text: string;
}

/**
 * `-o/--output FILE` on every command that prints (issue 21: one flag vocabulary). Commands that write files
 * themselves (render, check, impact, …) declare it; for the others their standard output is captured and written
 * atomically when the command succeeds (nothing is written when it fails).
 */
function addCapturedOutput(command: Command, capture: Capture): void {
  if (command.commands.length > 0 || command.options.some((option) => option.long === '--output')) return;
  command.addOption(new Option('-o, --output <file>', 'write what the command prints to this file (atomically) instead of standard output'));
  command.hook('preAction', (self) => {
    const path = self.getOptionValue('output') as string | undefined;
    if (path !== undefined) capture.path = path;
  });
}

function buildProgram(
  io: CliIo,
  setExitCode: (code: number) => void,
  defer: CommandContext['defer'],
  capture: Capture = { text: '' },
  declared: Declared = 'all',
  targetFlags: TargetFlagSelection = 'all',
): Command {
  const program = new Command('tagwall')
    .description('Azure service tags and network requirements to firewall configuration, proved exact.')
    .version(VERSION, '-V, --version')
    .option('--json', 'machine-readable JSON output (errors too)')
    .option('--max-age <days>', 'fail (exit 2) when the service-tag snapshot a command uses is older than this (default: warn past 30 days)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: () => {} })
    .exitOverride();
  const context: CommandContext = { io, setExitCode, defer, targetFlags };

  // Each group declares top-level commands, in the order `tagwall --help` lists them. A run whose first word names a
  // command declares that command's group only (issue 22: building every command's flags is most of `--version`'s
  // own work); help, a global option first or an unknown word declare them all.
  const groups: ReadonlyArray<readonly [readonly string[], () => void]> = [
    [
      ['expand'],
      () => {
        program
          .command('expand')
          .description('expand service tags (names or globs such as "AzureMachineLearning.*") to a minimal CIDR list')
          .argument('<tag...>', 'service tag names or globs, case-insensitive')
          .addOption(cloudOption())
          .addOption(snapshotOption())
          .addOption(new Option('--family <family>', 'only one address family').choices(['ipv4', 'ipv6']))
          .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'csv']).default('text'))
          .option('--ranges', 'print maximal address ranges instead of CIDR blocks')
          .addHelpText('after', '\nExamples:\n  tagwall expand Storage.WestUS\n  tagwall expand AzureMachineLearning.WestUS --json\n  tagwall expand "BatchNodeManagement.*" --family ipv4 --format csv')
          .action(lazyAction(context, 'expand', (expand, tags: string[], _options: unknown, command: Command) => setExitCode(expand.runExpand(tags, command.optsWithGlobals(), io))));
      },
    ],
    [
      ['tags'],
      () => {
        program
          .command('tags')
          .description('list the service tags of a snapshot')
          .addOption(cloudOption())
          .addOption(snapshotOption())
          .option('--region <region>', 'only the tags of one region (ARM name such as westus, or francecentral)')
          .option('--search <text>', 'only tags whose name contains this text, or matches this glob')
          .action(lazyAction(context, 'tags', (tags, _options: unknown, command: Command) => setExitCode(tags.runTags(command.optsWithGlobals(), io))));
      },
    ],
    [
      ['snapshot'],
      () => {
        const snapshot = program.command('snapshot').description('fetch, inspect and compare service-tag snapshots');
        snapshot
          .command('info')
          .description('cloud, change number, date, age and size of a snapshot (all embedded defaults when none is named)')
          .addOption(cloudOption())
          .addOption(snapshotOption())
          .action(lazyAction(context, 'snapshot', (snapshots, _options: unknown, command: Command) => setExitCode(snapshots.runSnapshotInfo(command.optsWithGlobals(), io))));
        snapshot
          .command('diff')
          .description('tags added, removed and changed between two snapshots; exit 1 when they differ')
          .argument('<old>', 'snapshot file, or embedded[:cloud]')
          .argument('<new>', 'snapshot file, or embedded[:cloud]')
          .option('--tag <tag...>', 'only these tags (names or globs), with their prefixes listed')
          .action(
            lazyAction(
              context,
              'snapshot',
              (snapshots, from: string, to: string, _options: unknown, command: Command) => setExitCode(snapshots.runSnapshotDiff(from, to, command.optsWithGlobals(), io)),
              // The executable inflates the two files on libuv's threadpool while it reads the first (issue 22).
              async (snapshots, from: string, to: string, _options: unknown, command: Command) =>
                setExitCode(await snapshots.runSnapshotDiffOverlapped(from, to, command.optsWithGlobals(), io)),
            ),
          );
        snapshot
          .command('import')
          .description('validate a downloaded ServiceTags_*.json(.gz) and keep it under a dated name')
          .argument('<file>', 'the snapshot file')
          .option('--dir <dir>', 'where to keep it', 'servicetags')
          .option('--force', 'replace a kept file of the same name whose content differs')
          .action(lazyAction(context, 'snapshot', (snapshots, file: string, _options: unknown, command: Command) => setExitCode(snapshots.runSnapshotImport(file, command.optsWithGlobals(), io))));

        registerSnapshotFetch(snapshot, context);
      },
    ],
    [['catalog', 'import-dependencies'], () => registerCatalogCommands(program, context)],
    [ANALYSIS_COMMANDS, () => registerAnalysisCommands(program, context, only === undefined ? undefined : declared)],
    [['render'], () => registerRenderCommand(program, context)],
    [['targets'], () => registerTargetsCommand(program, context)],
    [['impact'], () => registerImpactCommand(program, context)],
    [['path'], () => registerPathCommand(program, context)],
  ];
  const only = declared === 'all' || declared === 'none' ? undefined : groups.find(([names]) => names.includes(declared));
  // A word that names no command (a typo) declares them all, so commander can suggest the closest.
  for (const group of groups) if (declared === 'all' || (declared !== 'none' && (only === undefined || group === only))) group[1]();

  forEachCommand(program, (command) => {
    if (command !== program) addCapturedOutput(command, capture);
    command.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: () => {} });
    refuseRepeats(command);
    refuseFormatAsOutput(command);
    aliasVirtualNetwork(command);
  });
  return program;
}

/**
 * `-o json` is az's habit for "output as JSON"; here `-o` names a file, so `-o json` would write a file called
 * `json`. The names of az's output formats are refused with the flag that does it; `-o ./json` still writes one.
 */
const AZ_OUTPUT_FORMATS = new Set(['json', 'jsonc', 'yaml', 'yamlc', 'table', 'tsv', 'none']);

function refuseFormatAsOutput(command: Command): void {
  const output = command.options.find((option) => option.long === '--output');
  if (!output) return;
  const parse = output.parseArg;
  output.argParser((value: string, previous: unknown) => {
    if (AZ_OUTPUT_FORMATS.has(value.toLowerCase())) {
      const hint = value.toLowerCase().startsWith('json') ? '--json' : command.options.some((option) => option.long === '--format') ? `--format (see tagwall ${command.name()} --help)` : '--json';
      throw new TagwallError('TW_USAGE', `-o/--output names the file to write, not a format: for ${value} output use ${hint} (to write a file named '${value}', say -o ./${value})`);
    }
    return parse ? (parse as (value: string, previous: unknown) => unknown)(value, previous) : value;
  });
}

/**
 * One name for the address space the VirtualNetwork tag stands for: `--virtual-network` everywhere, `--vnet` (the
 * Azure Firewall option's flag) accepted as its alias, and the reverse where a command knows only `--vnet`.
 */
function aliasVirtualNetwork(command: Command): void {
  const has = (flag: string): boolean => command.options.some((option) => option.long === flag);
  const pairs: ReadonlyArray<readonly [string, string, string]> = [
    ['--virtual-network', '--vnet', 'vnet'],
    ['--vnet', '--virtual-network', 'virtualNetwork'],
  ];
  for (const [known, alias, aliasKey] of pairs) {
    if (!has(known) || has(alias)) continue;
    const key = known === '--vnet' ? 'vnet' : 'virtualNetwork';
    command.addOption(new Option(`${alias} <cidrs>`, `alias of ${known}`).hideHelp());
    command.hook('preAction', (self) => {
      const value = self.getOptionValue(aliasKey) as string | undefined;
      if (value === undefined) return;
      if (self.getOptionValue(key) !== undefined) throw new TagwallError('TW_USAGE', `${known} and ${alias} are the same option; give it once`);
      self.setOptionValue(key, value);
    });
  }
}

/**
 * Which commands a run declares: all, none (`--version` alone needs none), or the group of the command its first
 * word names. Help (`tagwall --help`, `tagwall help …`) and a global option first (`--json render …`) need them all.
 */
type Declared = 'all' | 'none' | string;

const TOP_LEVEL_WORD = /^[a-z][a-z-]*$/;

function declaredFor(argv: readonly string[]): Declared {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) return 'none';
  const first = argv[0];
  return first !== undefined && first !== 'help' && TOP_LEVEL_WORD.test(first) ? first : 'all';
}

/** The command `argv` runs (the deepest whose name the words spell), and the words after its name. */
function leafOf(program: Command, argv: readonly string[]): { command: Command; rest: string[] } {
  let command = program;
  let index = 0;
  for (; index < argv.length; index++) {
    const next = command.commands.find((child) => child.name() === argv[index] || child.aliases().includes(argv[index]!));
    if (!next) break;
    command = next;
  }
  return { command, rest: argv.slice(index) };
}

/**
 * Commander reports a missing required option before an unknown one, so `--targte nsg` read as "required option
 * '--target' not specified". The unknown option is the real mistake: report it, with commander's suggestion.
 */
function unknownOptionFirst(program: Command, argv: readonly string[], error: CommanderError): CommanderError {
  if (error.code !== 'commander.missingMandatoryOptionValue') return error;
  const { command, rest } = leafOf(program, argv);
  // Scanned by hand: parsing again would emit the option events (refuseRepeats would count every option twice).
  const known = new Set<string>(['--help', '-h']);
  for (let at: Command | null = command; at; at = at.parent) for (const option of at.options) for (const flag of [option.long, option.short]) if (flag) known.add(flag);
  const end = rest.indexOf('--');
  const unknown = (end < 0 ? rest : rest.slice(0, end)).find((word) => /^--?[A-Za-z]/.test(word) && !known.has(word.split('=')[0]!));
  if (unknown === undefined) return error;
  try {
    // Commander's own message and suggestion (a method its typings leave out).
    (command as unknown as { unknownOption(flag: string): never }).unknownOption(unknown.split('=')[0]!);
  } catch (better) {
    if (better instanceof CommanderError) return better;
    throw better;
  }
  return error;
}

/** Commander's message, on one line: `unknown command 'rendr' (did you mean render?)`. */
function usageMessage(error: CommanderError): string {
  return error.message
    .replace(/^error: /, '')
    .replace(/\n\(Did you mean (.*)\?\)$/s, ' (did you mean $1?)')
    .replace(/\s*\n\s*/g, ' ');
}

/**
 * A flag that takes one value, given twice, is an error rather than a silent last-wins (`--target nsg --target
 * nftables` once rendered nftables alone). Flags where repeating means something collect their values (`collect`:
 * --requirements, --target, --report, --set, --option) or are variadic; booleans may repeat harmlessly.
 */
function refuseRepeats(command: Command): void {
  for (const option of command.options) {
    if (option.variadic || option.parseArg === (collect as unknown) || !(option.required || option.optional)) continue;
    let seen = 0;
    command.on(`option:${option.name()}`, () => {
      if (++seen > 1) throw new TagwallError('TW_USAGE', `${option.long ?? option.flags} was given more than once; it takes one value`);
    });
  }
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at && at.parent; at = at.parent) names.unshift(at.name());
  return names.join(' ');
}

function forEachCommand(command: Command, visit: (command: Command) => void): void {
  visit(command);
  for (const child of command.commands) forEachCommand(child, visit);
}

type Deferred = () => Promise<void>;

/** Parses `argv` and runs the command: its exit code, or the asynchronous rest of a network command. */
function start(argv: readonly string[], io: CliIo, allowDeferred: boolean, declaredTargetFlags?: 'all'): { code: () => number; deferred?: Deferred } | number {
  let exitCode = EXIT_OK;
  const json = argv.includes('--json');
  const capture: Capture = { text: '' };
  let wrote = false;
  const commandIo: CliIo = {
    stdout: (text) => {
      wrote = true;
      return capture.path === undefined ? io.stdout(text) : void (capture.text += text);
    },
    stdoutPieces: (text) => {
      wrote = true;
      if (capture.path !== undefined) capture.text += textOf(text);
      else writePieces(io, text);
    },
    stderr: (text) => {
      wrote = true;
      io.stderr(text);
    },
    style: () => (capture.path === undefined ? (io.style?.() ?? { color: false }) : { color: false }),
  };
  // What runs after parsing: a command whose module is still to be imported (lazy-commands.ts), the network part of
  // `snapshot fetch`; work may defer more work (a lazily loaded action that uses the network), so it is a queue.
  const queue: Deferred[] = [];
  const build = (targetFlags: TargetFlagSelection): Command =>
    buildProgram(
      commandIo,
      (code) => {
        exitCode = code;
      },
      (work) => {
        if (!allowDeferred) throw new TagwallError('TW_USAGE', 'this command uses the network: run it with the tagwall executable (runAsync), not run()');
        queue.push(work);
      },
      capture,
      declaredFor(argv),
      targetFlags,
    );
  // Only the target flags the words name (target-options.ts TargetFlagSelection), but all of them for help (and for a
  // run that declares every command: help, a global option first, a typo).
  const everyFlag = declaredTargetFlags === 'all' || argv.some((word) => word === '--help' || word === '-h' || word === 'help') || declaredFor(argv) === 'all';
  const targetFlags = everyFlag ? 'all' : targetFlagsNamed(argv);
  let program = build(targetFlags);
  beginSnapshotAgeWatch(io.stderr);
  // `-o FILE` on a command that only prints: what it printed, written atomically once it has run (never on failure).
  const flush = (): void => {
    if (capture.path !== undefined) writeFilesAtomically([{ path: capture.path, content: capture.text }]);
  };
  try {
    try {
      program.parse([...argv], { from: 'user' });
    } catch (error) {
      // A usage error commander found (before any action or hook ran, nothing printed) with some target flags left
      // undeclared: parsed again with all of them, so the error and its suggestions are those of the full command.
      if (targetFlags === 'all' || !isSilentUsageError(error) || wrote) throw error;
      program = build('all');
      program.parse([...argv], { from: 'user' });
    }
    if (queue.length === 0) flush();
  } catch (error) {
    return reportFailure(io, error, json, { program, argv });
  }
  if (queue.length === 0) return { code: () => exitCode };
  const deferred = async (): Promise<void> => {
    for (let work = queue.shift(); work; work = queue.shift()) await work();
    flush();
  };
  return { code: () => exitCode, deferred };
}

/** A CommanderError that is a usage error (not help or the version, exit 0, nor help printed for a missing command). */
function isSilentUsageError(error: unknown): boolean {
  return error instanceof CommanderError && error.exitCode !== 0 && error.code !== 'commander.help';
}

function reportFailure(io: CliIo, error: unknown, json: boolean, parsed?: { readonly program: Command; readonly argv: readonly string[] }): number {
  if (error instanceof CommanderError) {
    // --help and --version come through here too, with exit code 0.
    if (error.exitCode === 0) return EXIT_OK;
    // `tagwall`, `tagwall catalog`, `tagwall snapshot` with no subcommand: commander has printed the help (on
    // standard error, standard output stays empty); a command was not given, which is a usage error (exit 2).
    if (error.code === 'commander.help') return EXIT_BAD_INPUT;
    if (!parsed) return reportError(io, new TagwallError('TW_USAGE', `${usageMessage(error)} (see tagwall --help)`), json);
    const better = unknownOptionFirst(parsed.program, parsed.argv, error);
    const { command } = leafOf(parsed.program, parsed.argv);
    const see = command === parsed.program ? 'tagwall --help' : `tagwall ${commandPath(command)} --help`;
    return reportError(io, new TagwallError('TW_USAGE', `${usageMessage(better)} (see ${see})`), json);
  }
  if (error instanceof TagwallError) return reportError(io, error, json);
  return reportBug(io, error);
}

export { loadCommandModules } from './lazy-commands.js';

/**
 * Runs the CLI on `argv` (without `node` and the script) and returns the exit code. Network commands need runAsync.
 * Synchronous, so the commands' modules must be loaded first: `await loadCommandModules()` once.
 */
export function run(argv: readonly string[], io: CliIo = processIo): number {
  if (!commandModulesLoaded()) throw new Error('run() runs commands synchronously: await loadCommandModules() once before (runAsync loads what it needs)');
  // The project file (tagwall.config.yaml, src/cli/project.ts): `render`/`check` completed from it, once per target.
  return loadedCommandModule('project')!.runWithProject(argv, io, runCommand) ?? runCommand(argv, io);
}

function runCommand(argv: readonly string[], io: CliIo): number {
  const started = start(argv, io, false);
  return typeof started === 'number' ? started : started.code();
}

/**
 * run() with every target flag declared, whatever the words name (no project file): what the CLI did before it
 * declared only those named, which test/cli-target-flags.test.ts compares run() with.
 * @internal
 */
export function runDeclaringEveryTargetFlag(argv: readonly string[], io: CliIo = processIo): number {
  if (!commandModulesLoaded()) throw new Error('await loadCommandModules() once before');
  const started = start(argv, io, false, 'all');
  return typeof started === 'number' ? started : started.code();
}

/** Runs the CLI on `argv`, including the commands that use the network; what the executable calls. */
export async function runAsync(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  // Only `render` and `check` read the project file, when there is one (or --project names one); it runs them
  // synchronously, once per target, so their modules are loaded first (the kits load as they are asked for). Every other run loads
  // its command's module when its action runs.
  const projectCommand = (argv[0] === 'render' || argv[0] === 'check') && !argv.includes('--help') && !argv.includes('-h');
  if (projectCommand && (argv.some((arg) => arg === '--project' || arg.startsWith('--project=')) || findProjectFile() !== undefined)) {
    const [{ runWithProject }] = await Promise.all([loadCommandModule('project'), loadCommandModule(argv[0] === 'render' ? 'render' : 'analysis')]);
    const project = runWithProject(argv, io, runCommand);
    if (project !== undefined) return project;
  }
  const started = start(argv, io, true);
  if (typeof started === 'number') return started;
  if (started.deferred) {
    try {
      await started.deferred();
    } catch (error) {
      return reportFailure(io, error, argv.includes('--json'));
    }
  }
  return started.code();
}
