/**
 * Operands, the same for every analysis command: a requirements file (YAML/JSON), `scenario:NAME`, a target's
 * config as `KIND:FILE` (`nsg:nsg.json`, `iptables:saved.rules`), or a bare config file whose kind its content
 * gives away (`detectTarget`). Each becomes a rule set, all through one resolver so they are comparable:
 * expanded through the snapshot when either side is a target that carries addresses only, or on `--expand`;
 * symbolic (tags as atoms) otherwise.
 */
import { expandedResolver, symbolicResolver, type AddressResolver } from '../analysis/resolve.js';
import { requirementsRuleSet } from '../analysis/resolve.js';
import type { AnalysisMode, RuleSet } from '../analysis/rule-set.js';
import { isScenarioOperand, loadRequirementOperand, type ScenarioInput } from '../catalogue/index.js';
import { TagwallError, withLocation } from '../errors.js';
import type { AddressSet } from '../model/address-set.js';
import type { RequirementSet } from '../model/requirement.js';
import type { Snapshot } from '../servicetags/snapshot.js';
import { optionsFor } from '../targets/option-schema.js';
import { detectTarget, findTarget } from '../targets/registry.js';
import type { ConfigInput, Target, TargetOptionValues } from '../targets/target.js';
import { readInputFile } from './write-files.js';

export type Operand =
  | { readonly kind: 'requirements'; readonly text: string; readonly requirements: RequirementSet }
  | { readonly kind: 'config'; readonly text: string; readonly target: Target; readonly input: ConfigInput };

export interface OperandOptions {
  readonly scenario: ScenarioInput;
  readonly snapshot: Snapshot;
  /** `--ipsets FILE` and the like, handed to target parsers as companions. */
  readonly companions?: ConfigInput['companions'];
}

/** A config file as a target parser takes it, with its companions (`--ipsets`). */
export function readConfig(file: string, companions: ConfigInput['companions']): ConfigInput {
  return { content: readInputFile(file).toString('utf8'), file, ...(companions ? { companions } : {}) };
}

/** What an operand is, read but not yet resolved (resolution waits until every operand's kind is known). */
export function classifyOperand(text: string, options: OperandOptions): Operand {
  if (isScenarioOperand(text)) return { kind: 'requirements', text, requirements: loadRequirementOperand(text, options.scenario, options.snapshot) };
  const prefixed = /^([A-Za-z][A-Za-z0-9-]*):(.+)$/.exec(text);
  // `KIND:FILE`, unless the whole text is an existing file (a path with a colon) or KIND is a drive letter.
  if (prefixed && prefixed[1]!.length > 1 && !fileExists(text)) {
    const target = withLocation({ file: text }, () => findTarget(prefixed[1]!));
    return { kind: 'config', text, target, input: readConfig(prefixed[2]!, options.companions) };
  }
  if (text.trim() === '') throw new TagwallError('TW_INVALID_OPERAND', 'empty operand: give a requirements file, scenario:NAME or KIND:FILE');
  const content = readInputFile(text).toString('utf8');
  const target = detectTarget(content);
  if (target) return { kind: 'config', text, target, input: { content, file: text, ...(options.companions ? { companions: options.companions } : {}) } };
  return { kind: 'requirements', text, requirements: loadRequirementOperand(text, options.scenario, options.snapshot) };
}

function fileExists(path: string): boolean {
  try {
    readInputFile(path);
    return true;
  } catch {
    return false;
  }
}

export interface ModeChoice {
  readonly mode: AnalysisMode;
  /** Why, for reports: `--expand`, `nftables is expanded`, `tags compared as names`. */
  readonly reason: string;
}

/** Expanded when asked or when a side is a target that only has addresses; symbolic otherwise. */
export function chooseMode(operands: readonly Operand[], expand: boolean): ModeChoice {
  if (expand) return { mode: 'expanded', reason: '--expand' };
  const expandedTarget = operands.find((operand) => operand.kind === 'config' && operand.target.analysisMode === 'expanded');
  if (expandedTarget && expandedTarget.kind === 'config') return { mode: 'expanded', reason: `${expandedTarget.target.id} carries addresses only` };
  return { mode: 'symbolic', reason: 'service tags compared by name' };
}

export function resolverFor(mode: AnalysisMode, snapshot: Snapshot, virtualNetwork?: AddressSet): AddressResolver {
  const options = virtualNetwork ? { virtualNetwork } : {};
  return mode === 'expanded' ? expandedResolver(snapshot, options) : symbolicResolver(snapshot, options);
}

/** The operand's rule set through `resolver`. */
export function operandRuleSet(operand: Operand, resolver: AddressResolver, targetOptions: TargetOptionValues = {}): RuleSet {
  if (operand.kind === 'requirements') return { ...requirementsRuleSet(operand.requirements, resolver), name: operand.text };
  // One set of flags serves every operand: each target takes the options it declares.
  const parsed = operand.target.parse(operand.input, { resolver, options: optionsFor(operand.target.options, targetOptions) });
  // A target parses tags through the resolver it is given, so its rule set is in that resolver's mode.
  return { ...parsed, name: operand.text, mode: resolver.mode };
}
