/**
 * Operands, the same for every analysis command: a requirements file (YAML/JSON), `scenario:NAME`, a target's
 * config as `KIND:FILE` (`nsg:nsg.json`, `iptables:saved.rules`), or a bare config file whose kind its content
 * gives away (`detectTarget`). Each becomes a rule set, all through one resolver so they are comparable:
 * expanded through the snapshot when either side is a target that carries addresses only, or on `--expand`;
 * symbolic (tags as atoms) otherwise.
 */
import { expandedResolver, SYMBOLIC_ATOM_SPACE, symbolicResolver, type AddressResolver } from '../analysis/resolve.js';
import { requirementsRuleSet } from '../analysis/resolve.js';
import type { AnalysisMode, RuleSet } from '../analysis/rule-set.js';
import type { RequirementReadOptions, ScenarioInput } from '../catalogue/index.js';
import { isScenarioOperand, scenarioOperandName } from '../catalogue/scenario-operand.js';
import { TagwallError, withLocation } from '../errors.js';
import type { AddressSet } from '../model/address-set.js';
import type { IntervalSet } from '../model/intervals.js';
import { serviceTagsOf, type RequirementSet } from '../model/requirement.js';
import type { Snapshot } from '../servicetags/snapshot.js';
import { optionsFor } from '../targets/option-schema.js';
import { detectedTargetId } from '../targets/detectors.js';
import { kitOf as findTarget } from './target-kits.js';
import type { ConfigInput, Target, TargetOptionValues } from '../targets/target.js';
import { CATALOGUE } from './catalogue-parts.js';
import { readConfigText } from './config-text.js';
import { readInputFile } from './write-files.js';
import { AZURE_TARGET_IDS, OPERAND_INPUT_KINDS, parseWithReaders, targetsOfInput, type OperandInputKind, type ReaderOptions } from '../inputs/read.js';
import { describeKind, detectInputKind, targetsOfDocument } from '../inputs/detect.js';

export type Operand =
  | { readonly kind: 'requirements'; readonly text: string; readonly requirements: RequirementSet }
  | { readonly kind: 'config'; readonly text: string; readonly target: Target; readonly input: ConfigInput; readonly readers?: ReaderOptions };

export interface OperandOptions {
  readonly scenario: ScenarioInput;
  readonly snapshot: Snapshot;
  /** `--ipsets FILE` and the like, handed to target parsers as companions. */
  readonly companions?: ConfigInput['companions'];
  /** How requirement files are read (`--hosts`). */
  readonly read?: RequirementReadOptions;
  /** How Terraform, templates, Bicep and az output are read (`--parameters`, `--var`, `--ip-groups`; src/inputs). */
  readonly readers?: ReaderOptions;
}

/** A config file as a target parser takes it, with its companions (`--ipsets`). */
export function readConfig(file: string, companions: ConfigInput['companions']): ConfigInput {
  return { content: readConfigText(file), file, ...(companions ? { companions } : {}) };
}

/** Config files read as one config (`check --config a --config b`): the first, and the rest as its `more`. */
export function readConfigFiles(files: readonly [string, ...string[]], companions: ConfigInput['companions']): ConfigInput {
  const [first, ...rest] = files;
  return { ...readConfig(first, companions), ...(rest.length > 0 ? { more: rest.map((file) => ({ content: readConfigText(file), file })) } : {}) };
}

export { readConfigText } from './config-text.js';

/**
 * `KIND:FILE` split, unless the whole text is an existing file (a path with a colon) or KIND is a drive letter.
 */
function kindPrefixed(text: string): { readonly kind: string; readonly file: string } | undefined {
  const prefixed = /^([A-Za-z][A-Za-z0-9-]*):(.+)$/.exec(text);
  return prefixed && prefixed[1]!.length > 1 && !fileExists(text) ? { kind: prefixed[1]!, file: prefixed[2]! } : undefined;
}

/** What an operand is, read but not yet resolved (resolution waits until every operand's kind is known). */
export function classifyOperand(text: string, options: OperandOptions): Operand {
  if (isScenarioOperand(text)) {
    return { kind: 'requirements', text, requirements: CATALOGUE.scenarios().buildScenario(scenarioOperandName(text), options.scenario, options.snapshot).requirements };
  }
  const prefixed = kindPrefixed(text);
  if (prefixed) {
    // `terraform:plan.json`, `bicep:main.bicep`, `arm:azuredeploy.json`, `az:nsg.json`: the target from the content.
    const inputKind = (OPERAND_INPUT_KINDS as readonly string[]).find((kind) => kind === prefixed.kind.toLowerCase()) as OperandInputKind | undefined;
    if (inputKind) return readerOperand(text, readConfig(prefixed.file, options.companions), { ...options.readers, expected: inputKind });
    const target = withLocation({ file: text }, () => findTarget(prefixed.kind));
    return { kind: 'config', text, target, input: readConfig(prefixed.file, options.companions), ...(options.readers ? { readers: options.readers } : {}) };
  }
  if (text.trim() === '') throw new TagwallError('TW_INVALID_OPERAND', 'empty operand: give a requirements file, scenario:NAME or KIND:FILE');
  const content = readConfigText(text);
  const input = { content, file: text, ...(options.companions ? { companions: options.companions } : {}) };
  const kind = detectInputKind(content).kind;
  // Terraform, Bicep, templates and az output: read, then the target from the resources they hold.
  if (kind !== undefined && kind !== 'arm') return readerOperand(text, input, options.readers ?? {});
  // The kits' light detect functions (targets/detectors.ts): only the kit that claims the text is initialised.
  const detected = detectedTargetId(content);
  const target = detected !== undefined ? findTarget(detected) : jsonTarget(content);
  if (target) return { kind: 'config', text, target, input, ...(options.readers ? { readers: options.readers } : {}) };
  try {
    return { kind: 'requirements', text, requirements: CATALOGUE.requirementFiles().loadRequirementsFile(text, options.read) };
  } catch (error) {
    // Neither a config nor requirements: say which config kinds were looked for, beside why it is no requirements file.
    if (error instanceof TagwallError && error.code === 'TW_INVALID_REQUIREMENTS') {
      throw new TagwallError(error.code, `${error.message} (nor is it a config tagwall recognises: it looked for ${LOOKED_FOR}; name the kind as KIND:FILE)`, { ...(error.location ? { location: error.location } : {}), suggestions: error.suggestions });
    }
    throw error;
  }
}

const LOOKED_FOR = 'a Terraform plan or state (terraform show -json), Terraform HCL, an ARM template, Bicep, az output, NSG/firewall/route table/managed network JSON, iptables-save, nft and PAN-OS configs';

/** A JSON config no target's `detect` claims, by the resources it holds (an `az ml workspace outbound-rule list`). */
function jsonTarget(content: string): Target | undefined {
  if (!/^\s*[[{]/.test(content)) return undefined;
  try {
    const targets = targetsOfDocument(JSON.parse(content));
    return targets.length === 1 ? findTarget(targets[0]!) : undefined;
  } catch {
    return undefined;
  }
}

/** A config of a reader kind: its target is the one whose resources it holds. */
function readerOperand(text: string, input: ConfigInput, readers: ReaderOptions): Operand {
  const { kind, targets } = withLocation({ file: input.file }, () => targetsOfInput(input, readers));
  if (targets.length === 1) return { kind: 'config', text, target: findTarget(targets[0]!), input, readers };
  const what = kind ? describeKind(kind) : 'this file';
  if (targets.length === 0) {
    const detected = detectedTargetId(input.content);
    if (detected !== undefined && AZURE_TARGET_IDS.has(detected)) return { kind: 'config', text, target: findTarget(detected), input, readers };
    throw new TagwallError('TW_INVALID_OPERAND', `${what} holds no resource a target reads (network security groups, firewall rule collections, route tables, managed network outbound rules)`, { location: { file: input.file } });
  }
  throw new TagwallError('TW_INVALID_OPERAND', `${what} holds resources of several targets (${targets.join(', ')}); name one as ${targets[0]}:${input.file}`, { location: { file: input.file } });
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

/** Tags that are literal addresses in both modes, so writing them as prefixes changes nothing. */
const VIRTUAL_TAGS = new Set(['virtualnetwork', 'internet', 'azureloadbalancer']);

/**
 * The literal address sets a symbolic rule set names, one per side of each box, outside the atom space; a side that
 * covers the whole atom space (`any`, `Internet`) is left out, since symbolic mode already reads it as covering
 * every tag.
 */
function* literalSides(ruleSet: RuleSet): Generator<{ readonly family: 'ipv4' | 'ipv6'; readonly addresses: IntervalSet }> {
  for (const rule of ruleSet.rules) {
    for (const box of rule.match.boxes) {
      const atoms = SYMBOLIC_ATOM_SPACE.of(box.family);
      for (const side of [box.src, box.dst]) {
        if (!atoms.isSubsetOf(side)) yield { family: box.family, addresses: side.difference(atoms) };
      }
    }
  }
}

/**
 * Where symbolic analysis would be blind: a config that writes as prefixes a published tag the requirements name
 * (Azure Firewall expands source tags, an NSG writes the prefixes of tags its resource does not accept). Compared
 * by name, those prefixes would be unrelated to the tag: the requirement missing and the prefixes extra, for a
 * translation that is exact. Returns the config and the tags, or undefined when symbolic analysis sees it all.
 */
export function tagsWrittenAsPrefixes(operands: readonly Operand[], ruleSets: readonly RuleSet[], snapshot: Snapshot): { readonly operand: string; readonly tags: readonly string[] } | undefined {
  const named = operands.flatMap((operand) => (operand.kind === 'requirements' ? operand.requirements.requirements.flatMap(serviceTagsOf) : []));
  const tags = [...new Set(named)].filter((name) => !VIRTUAL_TAGS.has(name.toLowerCase()));
  if (tags.length === 0) return undefined;
  const expand = expandedResolver(snapshot);
  const prefixes = tags.map((tag) => ({ tag, addresses: expand.serviceTag(tag) }));
  for (const [index, operand] of operands.entries()) {
    if (operand.kind !== 'config') continue;
    const written = new Set<string>();
    for (const side of literalSides(ruleSets[index]!)) {
      for (const { tag, addresses } of prefixes) if (!written.has(tag) && addresses.of(side.family).overlaps(side.addresses)) written.add(tag);
    }
    if (written.size > 0) return { operand: operand.text, tags: tags.filter((tag) => written.has(tag)) };
  }
  return undefined;
}

export function resolverFor(mode: AnalysisMode, snapshot: Snapshot, virtualNetwork?: AddressSet): AddressResolver {
  const options = virtualNetwork ? { virtualNetwork } : {};
  return mode === 'expanded' ? expandedResolver(snapshot, options) : symbolicResolver(snapshot, options);
}

/** The operand's rule set through `resolver`. */
export function operandRuleSet(operand: Operand, resolver: AddressResolver, targetOptions: TargetOptionValues = {}): RuleSet {
  if (operand.kind === 'requirements') return { ...requirementsRuleSet(operand.requirements, resolver), name: operand.text };
  // One set of flags serves every operand: each target takes the options it declares.
  const parsed = parseWithReaders(operand.target, operand.input, { resolver, options: optionsFor(operand.target.options, targetOptions) }, operand.readers);
  // A target parses tags through the resolver it is given, so its rule set is in that resolver's mode.
  return { ...parsed, name: operand.text, mode: resolver.mode };
}
