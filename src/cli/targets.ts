/**
 * `tagwall targets`: every target with what it can express, from each one's declared capabilities (which
 * test/capabilities.test.ts checks against what its translator really does), as aerleon's generator table does.
 */
import type { Command } from 'commander';
import { allTargets } from '../targets/registry.js';
import type { Target } from '../targets/target.js';
import type { CommandContext } from './context.js';
import { EXIT_OK, formatTable, toJson, type CliIo, type GlobalOptions } from './io.js';

const yesNo = (value: boolean): string => (value ? 'yes' : 'no');

function row(target: Target): string[] {
  const c = target.capabilities();
  return [
    target.id,
    target.formats.join(','),
    c.directions.join(','),
    c.protocols === 'any' ? 'any' : c.protocols.join(','),
    yesNo(c.icmpTypes),
    c.families.join(','),
    c.serviceTags === 'named' ? 'by name' : 'expanded',
    c.hosts,
    yesNo(c.urlPaths),
    target.analysisMode,
  ];
}

export function runTargets(options: GlobalOptions, io: CliIo): number {
  const targets = allTargets();
  if (options.json) {
    io.stdout(toJson(targets.map((target) => ({ id: target.id, description: target.description, formats: target.formats, analysisMode: target.analysisMode, capabilities: target.capabilities() }))));
  } else {
    io.stdout(formatTable(['TARGET', 'FORMATS', 'DIRECTIONS', 'PROTOCOLS', 'ICMP TYPES', 'FAMILIES', 'SERVICE TAGS', 'HOST NAMES', 'URL PATHS', 'ANALYSIS'], targets.map(row)));
  }
  return EXIT_OK;
}

export function registerTargetsCommand(program: Command, { io, setExitCode }: CommandContext): void {
  program
    .command('targets')
    .description('the targets render and check know, with what each can express')
    .action((_options, command: Command) => setExitCode(runTargets(command.optsWithGlobals(), io)));
}
