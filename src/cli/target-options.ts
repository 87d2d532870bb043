/**
 * Target options as CLI flags, generated from the kits' option schemas (src/targets/option-schema.ts): one flag per
 * option name across all targets, its choices the union of theirs, its help naming the targets it applies to.
 * `render` and `impact` offer the options of translation, `check` and the analysis commands those that say how to
 * read a deployed config. A flag given for a target that does not declare it is an error naming the targets it
 * applies to; anything else goes through `--option key=value`, checked against the same schemas.
 */
import { Option, type Command } from 'commander';
import { nearest } from '../servicetags/suggest.js';
import { flagOf, type OptionSpec, type OptionUse } from '../targets/option-schema.js';
import { TARGET_DESCRIPTORS, type TargetDescriptor } from '../targets/descriptors.js';
import type { Target, TargetOptionValues } from '../targets/target.js';
import { collect, usageError } from './io.js';
import { readInputFile } from './write-files.js';

/** One CLI flag: the option it sets in every target that declares it. */
export interface TargetFlag {
  /** Without the dashes: `chain-hook`. */
  readonly flag: string;
  /** The option name: `chainHook` (also commander's camel-cased key for the flag). */
  readonly key: string;
  readonly spec: OptionSpec;
  /** The targets that declare it, by id. */
  readonly targets: readonly string[];
  /** The union of their choices, in first-seen order. */
  readonly choices?: readonly string[];
  readonly uses: readonly OptionUse[];
}

/**
 * Every target flag, in the order the kits declare them (targets by id). From the declarations alone
 * (targets/descriptors.ts), so declaring the commands loads no translator; worked out once.
 */
export function targetFlags(targets: readonly TargetDescriptor[] = TARGET_DESCRIPTORS): TargetFlag[] {
  if (targets === TARGET_DESCRIPTORS) return (allFlags ??= flagsOf(targets));
  return flagsOf(targets);
}

let allFlags: TargetFlag[] | undefined;

function flagsOf(targets: readonly TargetDescriptor[]): TargetFlag[] {
  const flags = new Map<string, { flag: string; key: string; spec: OptionSpec; targets: string[]; choices?: string[]; uses: Set<OptionUse> }>();
  for (const target of targets) {
    for (const spec of target.options) {
      const flag = flagOf(spec);
      if (flag === undefined) continue;
      const entry = flags.get(flag) ?? { flag, key: spec.name, spec, targets: [], uses: new Set<OptionUse>(), ...(spec.type === 'choice' ? { choices: [] } : {}) };
      if (entry.key !== spec.name || entry.spec.type !== spec.type) throw new Error(`flag --${flag} means ${entry.key} (${entry.spec.type}) and ${spec.name} (${spec.type})`);
      entry.targets.push(target.id);
      for (const use of spec.uses) entry.uses.add(use);
      if (spec.type === 'choice') for (const choice of spec.choices) if (!entry.choices!.includes(choice)) entry.choices!.push(choice);
      flags.set(flag, entry);
    }
  }
  return [...flags.values()].map(({ uses, ...rest }) => ({ ...rest, uses: [...uses] }));
}

/** `--chain-hook <hook>` / `--log`. */
function flagSyntax(flag: TargetFlag): string {
  return flag.spec.type === 'boolean' ? `--${flag.flag}` : `--${flag.flag} ${flag.spec.placeholder ?? '<value>'}`;
}

/** The help line: the targets it applies to and the doc of the first of them. */
export function flagHelp(flag: TargetFlag): string {
  return `${flag.targets.join(', ')}: ${flag.spec.doc}`;
}

/**
 * Which target flags a command declares: every one, or only those the run's words name (targetFlagsNamed). ~34 flags
 * are most of what declaring `render` costs a cold run (commander makes an option, a listener and our hooks for each:
 * ~10 M instructions of a cold `render --target nftables`, issue 22); a run that names none needs none of them to
 * parse exactly as with all, and main.ts parses again with all where commander reports a usage error (its suggestions
 * are drawn from every flag), and declares all for help.
 */
export type TargetFlagSelection = 'all' | ReadonlySet<string>;

/** The aliases main.ts adds for a flag, which name the flag as well (`--virtual-network` for `--vnet`). */
const FLAG_ALIASES: Readonly<Record<string, string>> = { 'virtual-network': 'vnet', vnet: 'virtual-network' };

/**
 * The target flags (without dashes) that words name as options, `--chain-hook` or `--chain-hook=host`, wherever they
 * stand (a word read as another option's value only makes a flag declared that the parse then does not use).
 */
export function targetFlagsNamed(words: readonly string[]): ReadonlySet<string> {
  const named = new Set<string>();
  for (const word of words) {
    if (!word.startsWith('--')) continue;
    const equals = word.indexOf('=');
    const name = word.slice(2, equals < 0 ? undefined : equals);
    named.add(name);
    const alias = FLAG_ALIASES[name];
    if (alias !== undefined) named.add(alias);
  }
  return named;
}

/** Adds the target flags of one use (those `selection` keeps, in the same order), and `--option key=value`, to a command. */
export function addTargetOptions(command: Command, use: OptionUse, selection: TargetFlagSelection = 'all'): Command {
  for (const flag of targetFlags()) {
    if (!flag.uses.includes(use)) continue;
    if (selection !== 'all' && !selection.has(flag.flag)) continue;
    const option = new Option(flagSyntax(flag), flagHelp(flag));
    command.addOption(flag.choices ? option.choices([...flag.choices]) : option);
  }
  return command.option('--option <key=value>', 'any target option by its name (see tagwall targets --options), repeatable', collect);
}

/**
 * The target options the flags of one use and `--option key=value` give (an `--option` wins over a flag), checked
 * against the targets they are for: a flag or key no one of them declares is TW_USAGE naming the targets it
 * applies to (or the nearest option names). Each target then takes the options it declares (optionsFor).
 */
export function targetOptionValues(options: Readonly<Record<string, unknown>>, use: OptionUse, targets: readonly Target[]): TargetOptionValues {
  const values: Record<string, string | boolean> = {};
  const chosen = targets.map((target) => target.id).join(', ');
  for (const flag of targetFlags()) {
    if (!flag.uses.includes(use)) continue;
    const value = options[flag.key];
    if (typeof value !== 'string' && typeof value !== 'boolean') continue;
    if (!targets.some((target) => flag.targets.includes(target.id))) {
      throw usageError(`--${flag.flag} does not apply to ${chosen || 'these inputs'}; it applies to ${flag.targets.join(', ')}`);
    }
    // A file on the command line (the NSG resolve table): targets take its text.
    values[flag.key] = flag.spec.type === 'file' && typeof value === 'string' ? readInputFile(value).toString('utf8') : value;
  }
  const pairs = options['option'];
  for (const entry of Array.isArray(pairs) ? (pairs as string[]) : []) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw usageError(`--option takes key=value, not '${entry}'`);
    const key = entry.slice(0, eq);
    if (targets.length > 0 && !targets.some((target) => target.options.some((spec) => spec.name === key))) {
      const names = [...new Set(targets.flatMap((target) => target.options.map((spec) => spec.name)))];
      const close = nearest(key, names);
      const declaring = TARGET_DESCRIPTORS.filter((target) => target.options.some((spec) => spec.name === key)).map((target) => target.id);
      throw usageError(
        `--option ${key} does not apply to ${chosen}` +
          (declaring.length > 0 ? `; it applies to ${declaring.join(', ')}` : `: no target has it${close.length > 0 ? ` (did you mean ${close.join(', ')}?)` : ''}; options of ${chosen}: ${names.join(', ')}`),
      );
    }
    values[key] = entry.slice(eq + 1);
  }
  return values;
}
