/**
 * The one entry to the readers: a config text of any supported kind (docs/inputs.md) → the plain ARM JSON the
 * Azure targets parse, and the thin adapter that runs a target's parser on it and points errors and rules back
 * at the user's file. Targets are unchanged: they keep reading ARM / `az` JSON.
 */
import type { RuleSet } from '../analysis/rule-set.js';
import { TagwallError } from '../errors.js';
import { stripBom } from '../internal/input-limits.js';
import type { ConfigInput, ParseContext, Target } from '../targets/target.js';
import { originOf, relocate, type Converted, type InputKind } from './converted.js';
import { describeKind, detectInputKind, targetsOfDocument } from './detect.js';
import { READERS } from './readers.js';

/** The Azure targets, whose parsers read ARM JSON (and so every kind here). */
export const AZURE_TARGET_IDS: ReadonlySet<string> = new Set(['nsg', 'azure-firewall', 'azure-firewall-classic', 'udr', 'aml-managed-network']);

/** The kinds an operand may name as `KIND:FILE` besides target ids. */
export const OPERAND_INPUT_KINDS = ['arm', 'bicep', 'terraform', 'az'] as const;
export type OperandInputKind = (typeof OPERAND_INPUT_KINDS)[number];

const KINDS_OF_OPERAND: Readonly<Record<OperandInputKind, readonly InputKind[]>> = {
  arm: ['arm', 'arm-template'],
  bicep: ['bicep', 'arm-template'],
  terraform: ['terraform-plan', 'terraform-state', 'terraform-hcl'],
  az: ['az', 'arm'],
};

/** The `KIND:` prefix that reads a kind. */
export function operandPrefixOf(kind: InputKind): OperandInputKind | undefined {
  return (Object.keys(KINDS_OF_OPERAND) as OperandInputKind[]).find((prefix) => KINDS_OF_OPERAND[prefix].includes(kind) && (prefix !== 'bicep' || kind === 'bicep'));
}

/** What the readers take besides the file: `--parameters`, `--param`, `--var`, `--var-file`, `--ip-groups`, `--region`. */
export interface ReaderOptions {
  readonly parameterFiles?: ReadonlyArray<{ readonly content: string; readonly file: string }>;
  readonly parameters?: Readonly<Record<string, string>>;
  /** `resourceGroup().location` in templates. */
  readonly location?: string;
  readonly variables?: Readonly<Record<string, string>>;
  readonly variableFiles?: ReadonlyArray<{ readonly content: string; readonly file: string }>;
  /** `az network ip-group list` outputs (or ARM ipGroups), for IP Groups a firewall policy names by id. */
  readonly ipGroups?: ReadonlyArray<{ readonly content: string; readonly file: string }>;
  /** `--select NAME`: the one NSG, route table, rule collection group or firewall to read (select.ts). */
  readonly select?: string;
  /** The kind the operand named (`terraform:FILE`); checked against the content. */
  readonly expected?: OperandInputKind;
}

/** The input as plain ARM JSON, or undefined when it is already what the target reads (plain JSON, YAML). */
export function convertInput(input: ConfigInput, options: ReaderOptions = {}): Converted | undefined {
  const converted = convertKind(input, options);
  if (options.select === undefined) return converted;
  const { plainDocument, selectResource } = READERS.select();
  if (converted) return selectResource(converted, options.select);
  return /^\s*[[{]/.test(stripBom(input.content)) ? selectResource(plainDocument(input.content, input.file), options.select) : undefined;
}

function convertKind(input: ConfigInput, options: ReaderOptions): Converted | undefined {
  const { kind } = detectInputKind(input.content);
  if (options.expected !== undefined && kind !== undefined && !KINDS_OF_OPERAND[options.expected].includes(kind)) {
    const prefix = operandPrefixOf(kind);
    throw new TagwallError('TW_INVALID_OPERAND', `this is ${describeKind(kind)}, not ${options.expected}${prefix ? `; pass it as ${prefix}:${input.file}` : ''}`, { location: { file: input.file } });
  }
  // Each kind's reader is reached through READERS, so only the one this text needs is initialised (readers.ts).
  switch (kind) {
    case 'arm-parameters':
      throw new TagwallError('TW_INVALID_OPERAND', 'this is an ARM parameters file, not a template: pass the template as the config and this file with --parameters FILE', { location: { file: input.file } });
    case 'arm-template':
      return READERS.armTemplate().evaluateArmTemplateText(input.content, input.file, options);
    case 'terraform-plan':
    case 'terraform-state':
      return READERS.terraformPlan().convertTerraformJson(input.content, input.file, options);
    case 'terraform-hcl':
      return READERS.terraformHcl().convertHcl(input.content, input.file, options);
    case 'bicep':
      return READERS.bicep().convertBicep(input.content, input.file, options);
    case 'az':
    case 'arm':
      return READERS.az().convertAz(input.content, input.file, options);
    case undefined:
      return undefined;
  }
}

/** The converted text, as a target parser takes it. */
export function convertedInput(input: ConfigInput, converted: Converted): ConfigInput {
  return { ...input, content: `${JSON.stringify(converted.document, null, 1)}\n` };
}

/** Runs a parser on the converted document; its errors and its rules' origins point at the source. */
export function parseConverted(input: ConfigInput, converted: Converted, parse: (input: ConfigInput) => RuleSet): RuleSet {
  let ruleSet: RuleSet;
  try {
    ruleSet = parse(convertedInput(input, converted));
  } catch (error) {
    if (error instanceof TagwallError) throw relocate(error, converted);
    throw error;
  }
  return {
    ...ruleSet,
    rules: ruleSet.rules.map((rule) => {
      if (!rule.origin?.path || (rule.origin.file !== undefined && rule.origin.file !== input.file)) return rule;
      const origin = originOf(converted, rule.origin.path);
      if (!origin) return rule;
      const { path: _path, ...rest } = rule.origin;
      void _path;
      return { ...rule, origin: { ...rest, file: input.file, ...(origin.line !== undefined ? { line: origin.line } : {}), ...(origin.jsonPath !== undefined ? { path: origin.jsonPath } : {}) } };
    }),
  };
}

/**
 * A target's parse of a config of any kind: Azure targets through the readers; other targets as before, except
 * that an Azure-only kind (a Terraform plan, Bicep, a template) is named instead of failing in their own syntax.
 */
export function parseWithReaders(target: Target, input: ConfigInput, context: ParseContext, options: ReaderOptions = {}): RuleSet {
  if (!AZURE_TARGET_IDS.has(target.id)) {
    refuseAzureKind(target, input);
    return target.parse(input, context);
  }
  const converted = convertInput(input, options);
  if (!converted) return target.parse(input, context);
  const held = targetsOfDocument(converted.document);
  if (held.length > 0 && !held.includes(target.id)) {
    throw new TagwallError('TW_INVALID_OPERAND', `this is ${describeKind(converted.kind)} holding ${held.join(', ')} resources, none for ${target.id}; use --target ${held[0]} (or ${held[0]}:${input.file})`, { location: { file: input.file } });
  }
  return parseConverted(input, converted, (plain) => target.parse(plain, context));
}

/** The targets a config of any kind is for, read from its content; the kind it was read as. */
export function targetsOfInput(input: ConfigInput, options: ReaderOptions = {}): { readonly kind: InputKind | undefined; readonly targets: readonly string[] } {
  const converted = convertInput(input, options);
  if (!converted) return { kind: detectInputKind(input.content).kind, targets: [] };
  return { kind: converted.kind, targets: targetsOfDocument(converted.document) };
}

/** The input a target's `findings` should see: the converted document when there is one. */
export function findingsInput(target: Target, input: ConfigInput, options: ReaderOptions = {}): ConfigInput {
  if (!AZURE_TARGET_IDS.has(target.id)) return input;
  try {
    const converted = convertInput(input, options);
    return converted ? convertedInput(input, converted) : input;
  } catch {
    return input; // The parse reports it, with its location.
  }
}

function refuseAzureKind(target: Target, input: ConfigInput): void {
  // The target's own test first: it passes on its first declarations (an nft `table`), where the Azure kinds' tests
  // read the whole text of a config they do not match, their first run in V8's regexp interpreter (2-4 ms for a
  // catalogue render's nft file). Both tests are pure, so the order changes no answer.
  if (target.detect(input.content)) return;
  const text = stripBom(input.content);
  const { kind } = detectInputKind(text);
  if (kind === undefined || kind === 'arm' || kind === 'az') return;
  const prefix = operandPrefixOf(kind);
  throw new TagwallError(
    'TW_INVALID_OPERAND',
    `this is ${describeKind(kind)}, which only the Azure targets read (${[...AZURE_TARGET_IDS].join(', ')}), not ${target.id}${prefix ? `; pass it as ${prefix}:${input.file} or to one of those targets` : ''}`,
    { location: { file: input.file } },
  );
}
