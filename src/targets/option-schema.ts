/**
 * Target option schemas: each kit declares its options once (name, type, choices, default, one-line doc, the
 * formats it affects, whether it matters for rendering, for parsing, or both), and everything else is derived from
 * that declaration: the validation the pipeline runs before a target sees its options, the typed option object of
 * the public API (a misspelt key or choice does not compile), the CLI flags with their choices and help, and the
 * options table of the docs.
 *
 * Adding an option is one entry in the kit's `options.ts` (docs/architecture.md, "Adding an option").
 */
import { TagwallError } from '../errors.js';
import { nearest } from '../servicetags/suggest.js';
import type { TargetOptionValues } from './target.js';

/** `render`: the option shapes what is generated; `parse`: it says how to read a deployed config. */
export type OptionUse = 'render' | 'parse';

interface OptionBase<Name extends string> {
  /** The key library callers pass and `--option key=value` takes; camelCase. */
  readonly name: Name;
  /** One line: what it does, its default in words. Shown in `--help`, docs/cli.md and `tagwall targets --options`. */
  readonly doc: string;
  readonly uses: readonly OptionUse[];
  /** The formats whose output it changes; absent: every format of the target. */
  readonly formats?: readonly string[];
  /**
   * The CLI flag, kebab-case (`chain-hook`); derived from the name when absent. `false`: no flag of its own, given
   * through the command's own flag or `--option` (e.g. `format`, which `render --format` sets).
   */
  readonly flag?: string | false;
  /** The value's placeholder in `--help` (`<hook>`); derived from the name when absent. */
  readonly placeholder?: string;
}

export interface BooleanOptionSpec<Name extends string = string> extends OptionBase<Name> {
  readonly type: 'boolean';
  readonly default?: false;
}

export interface ChoiceOptionSpec<Name extends string = string, Choice extends string = string> extends OptionBase<Name> {
  readonly type: 'choice';
  readonly choices: readonly Choice[];
  readonly default?: Choice;
  /** Why the list is shorter than a sibling target's, said when a value outside it is refused. */
  readonly why?: string;
}

/** Free text the kit checks itself (a zone name, a CIDR list, a URL); `file`: the CLI reads the named file and passes its text. */
export interface TextOptionSpec<Name extends string = string> extends OptionBase<Name> {
  readonly type: 'text' | 'file';
  readonly default?: string;
}

export interface IntegerOptionSpec<Name extends string = string> extends OptionBase<Name> {
  readonly type: 'integer';
  readonly default?: number;
  readonly min: number;
  readonly max: number;
}

export type OptionSpec<Name extends string = string> = BooleanOptionSpec<Name> | ChoiceOptionSpec<Name> | TextOptionSpec<Name> | IntegerOptionSpec<Name>;

export type OptionSchema = readonly OptionSpec[];

/** What a caller may pass for one option. */
export type OptionInput<Spec> = Spec extends ChoiceOptionSpec<string, infer Choice>
  ? Choice
  : Spec extends BooleanOptionSpec
    ? boolean
    : Spec extends IntegerOptionSpec
      ? number | `${number}`
      : string;

/**
 * The options object of one target, typed from its schema: every key optional, no other key (an object literal
 * with a misspelt key does not compile), choices as their literal union.
 */
export type OptionsOf<Schema extends OptionSchema> = {
  readonly [Spec in Schema[number] as Spec['name']]?: OptionInput<Spec>;
};

/** Keeps the literal names and choices of a schema (so `OptionsOf` can type it) and checks it is well formed. */
export function defineOptions<const Schema extends OptionSchema>(schema: Schema): Schema {
  const names = new Set<string>();
  for (const spec of schema) {
    if (names.has(spec.name)) throw new Error(`option ${spec.name} declared twice`);
    names.add(spec.name);
  }
  return schema;
}

/** The `format` option every kit has: its formats, the first the default. No flag of its own: `render --format` sets it. */
export function formatOptionSpec<const Format extends string>(formats: readonly Format[]): ChoiceOptionSpec<'format', Format> {
  return { name: 'format', type: 'choice', choices: formats, default: formats[0]!, doc: `output format: ${formats.join(', ')} (default ${formats[0]!})`, uses: ['render'], flag: false };
}

/** `chainHook` → `chain-hook`. */
export function kebabCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** The flag of an option (without `--`), or undefined when it has none. */
export function flagOf(spec: OptionSpec): string | undefined {
  return spec.flag === false ? undefined : (spec.flag ?? kebabCase(spec.name));
}

const TRUE = ['true', 'yes', '1', 'on', ''];
const FALSE = ['false', 'no', '0', 'off'];

function invalid(target: string, message: string, suggestions: readonly string[] = []): TagwallError {
  return new TagwallError('TW_INVALID_OPTION', `target ${target}: ${message}`, suggestions.length > 0 ? { suggestions: [...suggestions] } : {});
}

function normalize(target: string, spec: OptionSpec, value: string | boolean | number): string | boolean {
  switch (spec.type) {
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      const text = String(value).trim().toLowerCase();
      if (TRUE.includes(text)) return true;
      if (FALSE.includes(text)) return false;
      throw invalid(target, `option ${spec.name} takes true or false, not '${String(value)}'`);
    }
    case 'choice': {
      const text = typeof value === 'string' ? value.trim().toLowerCase() : value;
      if (typeof text !== 'string' || !(spec.choices as readonly string[]).includes(text)) {
        const why = spec.why === undefined ? '' : ` (${spec.why})`;
        throw invalid(target, `option ${spec.name} must be one of ${spec.choices.join(', ')}, not '${String(value)}'${why}`, typeof text === 'string' ? nearest(text, spec.choices) : []);
      }
      return text;
    }
    case 'integer': {
      const text = String(value).trim();
      const number = Number(text);
      if (!/^-?[0-9]+$/.test(text) || number < spec.min || number > spec.max) {
        throw invalid(target, `option ${spec.name} must be an integer ${spec.min}-${spec.max}, not '${String(value)}'`);
      }
      return text;
    }
    case 'text':
    case 'file':
      if (typeof value !== 'string') throw invalid(target, `option ${spec.name} needs a value`);
      return value;
  }
}

/**
 * Validates options against a schema once, before any of the target's code runs: an unknown key is
 * TW_INVALID_OPTION naming the nearest option names (and every name the target has); a choice outside its list,
 * a boolean that is not one, an integer out of range likewise. Returns the values normalized (choices lower-case,
 * booleans as booleans, integers as their text), absent ones left out. The kit's own checks that relate several
 * options (a forward hook needs an interface) run after this, on values already known to be well typed.
 */
export function validateOptions(target: string, schema: OptionSchema, values: Readonly<Record<string, unknown>>): TargetOptionValues {
  const byName = new Map(schema.map((spec) => [spec.name, spec]));
  const result: Record<string, string | boolean> = {};
  for (const key of Object.keys(values).sort()) {
    const value = values[key];
    if (value === undefined) continue;
    const spec = byName.get(key);
    if (!spec) {
      const names = [...byName.keys()];
      const close = nearest(key, names);
      throw invalid(target, `unknown option '${key}'${close.length > 0 ? ` (did you mean ${close.join(', ')}?)` : ''}; its options: ${names.join(', ') || 'none'}`, close);
    }
    if (typeof value !== 'string' && typeof value !== 'boolean' && typeof value !== 'number') throw invalid(target, `option ${key} takes a string, not ${typeof value}`);
    result[key] = normalize(target, spec, value);
  }
  return result;
}

/**
 * The values of `values` a schema declares, the others left out: for runs that give one set of options to several
 * targets (`impact`), each taking its own. Callers check that every option applies to at least one of them.
 */
export function optionsFor(schema: OptionSchema, values: Readonly<Record<string, string | boolean | undefined>>): TargetOptionValues {
  const names = new Set(schema.map((spec) => spec.name));
  return Object.fromEntries(Object.entries(values).filter(([key]) => names.has(key)));
}
