/**
 * The `tagwall` command. Argument parsing is commander's; everything a command does is a library call.
 * A TagwallError prints as `tagwall: <where>: <what>` and exits 2; anything else is a bug and prints its stack.
 */
import { Command, CommanderError, Option } from 'commander';
import { TagwallError } from '../errors.js';
import { runExpand } from './expand.js';
import { EXIT_OK, processIo, reportBug, reportError, type CliIo } from './io.js';
import { runSnapshotDiff, runSnapshotImport, runSnapshotInfo } from './snapshot.js';
import { runTags } from './tags.js';
import { registerAnalysisCommands } from './analysis.js';
import { registerCatalogCommands } from './catalog.js';
import { registerImpactCommand } from './impact.js';
import { registerRenderCommand } from './render.js';
import { runWithProject } from './project.js';
import { registerTargetsCommand } from './targets.js';
import type { CommandContext } from './context.js';
import { VERSION } from '../version.js';

const cloudOption = (): Option =>
  new Option('--cloud <cloud>', 'Public, AzureGovernment or China (embedded snapshot of that cloud)');
const snapshotOption = (): Option =>
  new Option('--snapshot <file>', "a Microsoft ServiceTags_*.json(.gz) file instead of the embedded snapshot");

function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('tagwall')
    .description('Azure service tags and network requirements to firewall configuration, proved exact.')
    .version(VERSION, '-V, --version')
    .option('--json', 'machine-readable JSON output (errors too)')
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

  const snapshot = program.command('snapshot').description('inspect and compare service-tag snapshots');
  snapshot
    .command('info')
    .description('cloud, change number, date and size of a snapshot (all embedded defaults when none is named)')
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

  const context: CommandContext = { io, setExitCode };
  registerCatalogCommands(program, context);
  registerAnalysisCommands(program, context);
  registerRenderCommand(program, context);
  registerTargetsCommand(program, context);
  registerImpactCommand(program, context);

  forEachCommand(program, (command) =>
    command.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: () => {} }),
  );
  return program;
}

function forEachCommand(command: Command, visit: (command: Command) => void): void {
  visit(command);
  for (const child of command.commands) forEachCommand(child, visit);
}

/** Runs the CLI on `argv` (without `node` and the script) and returns the exit code. */
export function run(argv: readonly string[], io: CliIo = processIo): number {
  // The project file (tagwall.config.yaml, src/cli/project.ts): `render`/`check` completed from it, once per target.
  return runWithProject(argv, io, runCommand) ?? runCommand(argv, io);
}

function runCommand(argv: readonly string[], io: CliIo): number {
  let exitCode = EXIT_OK;
  const json = argv.includes('--json');
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    program.parse([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version come through here too, with exit code 0.
      if (error.exitCode === 0) return EXIT_OK;
      const message = `${error.message.replace(/^error: /, '')} (see tagwall --help)`;
      return reportError(io, new TagwallError('TW_USAGE', message), json);
    }
    if (error instanceof TagwallError) return reportError(io, error, json);
    return reportBug(io, error);
  }
}
