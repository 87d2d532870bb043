/**
 * `tagwall targets`: every target with what it can express, from each one's declared capabilities (which
 * test/capabilities.test.ts checks against what its translator really does), as aerleon's generator table does.
 */
import { allTargets } from '../targets/registry.js';
import type { Target } from '../targets/target.js';
import { EXIT_OK, formatTable, toJson, type CliIo, type GlobalOptions } from './io.js';
import { targetFlags, type TargetFlag } from './target-options.js';

interface TargetsOptions extends GlobalOptions {
  /** Print the target flags (from the option schemas) instead of the capability table. */
  readonly options?: boolean;
}

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

/** One row per target flag: flag and value, targets, commands, meaning (the first declaring target's doc). */
function optionRow(flag: TargetFlag): string[] {
  const value = flag.spec.type === 'boolean' ? '' : ` ${flag.choices ? flag.choices.join('|') : (flag.spec.placeholder ?? '<value>').replace(/[<>]/g, '').toUpperCase()}`;
  const uses = flag.uses.map((use) => (use === 'render' ? 'render, impact' : 'check, analysis')).join('; ');
  return [`--${flag.flag}${value}`, flag.targets.join(', '), uses, flag.spec.doc];
}

const OPTION_HEADER = ['FLAG', 'TARGETS', 'COMMANDS', 'MEANING'];

/** The target flags as the Markdown table docs/cli.md shows (test/render-cli.test.ts keeps the two equal). */
export function targetFlagsMarkdown(): string {
  const cell = (text: string): string => text.replace(/\|/g, '\\|');
  const rows = targetFlags().map(optionRow);
  return [`| ${OPTION_HEADER.map((title) => title.toLowerCase()).join(' | ')} |`, `|${OPTION_HEADER.map(() => '---').join('|')}|`, ...rows.map((row) => `| \`${cell(row[0]!)}\` | ${row.slice(1).map(cell).join(' | ')} |`)].join('\n') + '\n';
}

export function runTargets(options: TargetsOptions, io: CliIo): number {
  if (options.options) {
    const flags = targetFlags();
    if (options.json) io.stdout(toJson(flags.map(({ flag, key, targets, choices, uses, spec }) => ({ flag: `--${flag}`, option: key, type: spec.type, targets, ...(choices ? { choices } : {}), uses, doc: spec.doc }))));
    else io.stdout(formatTable(OPTION_HEADER, flags.map(optionRow)));
    return EXIT_OK;
  }
  const targets = allTargets();
  if (options.json) {
    io.stdout(toJson(targets.map((target) => ({ id: target.id, description: target.description, formats: target.formats, analysisMode: target.analysisMode, capabilities: target.capabilities() }))));
  } else {
    io.stdout(formatTable(['TARGET', 'FORMATS', 'DIRECTIONS', 'PROTOCOLS', 'ICMP TYPES', 'FAMILIES', 'SERVICE TAGS', 'HOST NAMES', 'URL PATHS', 'ANALYSIS'], targets.map(row)));
  }
  return EXIT_OK;
}
