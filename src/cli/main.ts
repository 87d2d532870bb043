/**
 * The `tagwall` command. Argument parsing is commander's; everything a command does is a library call.
 * A TagwallError prints as `tagwall: <where>: <what>` and exits 2; anything else is a bug and prints its stack.
 */
import { Command, CommanderError, Option } from 'commander';
import { TagwallError } from '../errors.js';
import { runExpand } from './expand.js';
import { collect, EXIT_OK, processIo, reportBug, reportError, type CliIo } from './io.js';
import { runSnapshotDiff, runSnapshotImport, runSnapshotInfo } from './snapshot.js';
import { registerSnapshotFetch } from './snapshot-fetch.js';
import { beginSnapshotAgeWatch } from './snapshot-age.js';
import { runTags } from './tags.js';
import { registerAnalysisCommands } from './analysis.js';
import { registerCatalogCommands } from './catalog.js';
import { registerImpactCommand } from './impact.js';
import { registerPathCommand } from './path.js';
import { registerRenderCommand } from './render.js';
import { runWithProject } from './project.js';
import { registerTargetsCommand } from './targets.js';
import type { CommandContext } from './context.js';
import { VERSION } from '../version.js';

const cloudOption = (): Option =>
  new Option('--cloud <cloud>', 'Public, AzureGovernment or China (embedded snapshot of that cloud)');
const snapshotOption = (): Option =>
  new Option('--snapshot <file>', "a Microsoft ServiceTags_*.json(.gz) file instead of the embedded snapshot");

function buildProgram(io: CliIo, setExitCode: (code: number) => void, defer: CommandContext['defer']): Command {
  const program = new Command('tagwall')
    .description('Azure service tags and network requirements to firewall configuration, proved exact.')
    .version(VERSION, '-V, --version')
    .option('--json', 'machine-readable JSON output (errors too)')
    .option('--max-age <days>', 'fail (exit 2) when the service-tag snapshot a command uses is older than this (default: warn past 30 days)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: () => {} })
    .exitOverride();

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
    .action((tags: string[], _options, command: Command) => setExitCode(runExpand(tags, command.optsWithGlobals(), io)));

  program
    .command('tags')
    .description('list the service tags of a snapshot')
    .addOption(cloudOption())
    .addOption(snapshotOption())
    .option('--region <region>', 'only the tags of one region (ARM name such as westus, or francecentral)')
    .option('--search <text>', 'only tags whose name contains this text, or matches this glob')
    .action((_options, command: Command) => setExitCode(runTags(command.optsWithGlobals(), io)));

  const snapshot = program.command('snapshot').description('fetch, inspect and compare service-tag snapshots');
  snapshot
    .command('info')
    .description('cloud, change number, date, age and size of a snapshot (all embedded defaults when none is named)')
    .addOption(cloudOption())
    .addOption(snapshotOption())
    .action((_options, command: Command) => setExitCode(runSnapshotInfo(command.optsWithGlobals(), io)));
  snapshot
    .command('diff')
    .description('tags added, removed and changed between two snapshots; exit 1 when they differ')
    .argument('<old>', 'snapshot file, or embedded[:cloud]')
    .argument('<new>', 'snapshot file, or embedded[:cloud]')
    .option('--tag <tag...>', 'only these tags (names or globs), with their prefixes listed')
    .action((from: string, to: string, _options, command: Command) =>
      setExitCode(runSnapshotDiff(from, to, command.optsWithGlobals(), io)),
    );
  snapshot
    .command('import')
    .description('validate a downloaded ServiceTags_*.json(.gz) and keep it under a dated name')
    .argument('<file>', 'the snapshot file')
    .option('--dir <dir>', 'where to keep it', 'servicetags')
    .option('--force', 'replace a kept file of the same name whose content differs')
    .action((file: string, _options, command: Command) => setExitCode(runSnapshotImport(file, command.optsWithGlobals(), io)));

  const context: CommandContext = { io, setExitCode, defer };
  registerSnapshotFetch(snapshot, context);
  registerCatalogCommands(program, context);
  registerAnalysisCommands(program, context);
  registerRenderCommand(program, context);
  registerTargetsCommand(program, context);
  registerImpactCommand(program, context);
  registerPathCommand(program, context);

  forEachCommand(program, (command) => {
    command.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: () => {} });
    refuseRepeats(command);
  });
  return program;
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

function forEachCommand(command: Command, visit: (command: Command) => void): void {
  visit(command);
  for (const child of command.commands) forEachCommand(child, visit);
}

type Deferred = () => Promise<void>;

/** Parses `argv` and runs the command: its exit code, or the asynchronous rest of a network command. */
function start(argv: readonly string[], io: CliIo, allowDeferred: boolean): { code: () => number; deferred?: Deferred } | number {
  let exitCode = EXIT_OK;
  let deferred: Deferred | undefined;
  const program = buildProgram(
    io,
    (code) => {
      exitCode = code;
    },
    (work) => {
      if (!allowDeferred) throw new TagwallError('TW_USAGE', 'this command uses the network: run it with the tagwall executable (runAsync), not run()');
      deferred = work;
    },
  );
  beginSnapshotAgeWatch(io.stderr);
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    return reportFailure(io, error, argv.includes('--json'));
  }
  return { code: () => exitCode, ...(deferred ? { deferred } : {}) };
}

function reportFailure(io: CliIo, error: unknown, json: boolean): number {
  if (error instanceof CommanderError) {
    // --help and --version come through here too, with exit code 0.
    if (error.exitCode === 0) return EXIT_OK;
    const message = `${error.message.replace(/^error: /, '')} (see tagwall --help)`;
    return reportError(io, new TagwallError('TW_USAGE', message), json);
  }
  if (error instanceof TagwallError) return reportError(io, error, json);
  return reportBug(io, error);
}

/** Runs the CLI on `argv` (without `node` and the script) and returns the exit code. Network commands need runAsync. */
export function run(argv: readonly string[], io: CliIo = processIo): number {
  // The project file (tagwall.config.yaml, src/cli/project.ts): `render`/`check` completed from it, once per target.
  return runWithProject(argv, io, runCommand) ?? runCommand(argv, io);
}

function runCommand(argv: readonly string[], io: CliIo): number {
  const started = start(argv, io, false);
  return typeof started === 'number' ? started : started.code();
}

/** Runs the CLI on `argv`, including the commands that use the network; what the executable calls. */
export async function runAsync(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const project = runWithProject(argv, io, runCommand);
  if (project !== undefined) return project;
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
