/**
 * The project file, `tagwall.config.yaml`: what CI would otherwise repeat on every command line (the requirements,
 * the snapshot, the targets with their formats, options and output paths), so `tagwall render` and `tagwall check`
 * run with no flags. Paths in it are relative to the file. docs/config.md describes it;
 * docs/config.schema.json is `projectJsonSchema()`.
 *
 *   requirements: network/requirements.yaml
 *   snapshot: servicetags/ServiceTags_Public_20260105.json   # default: the embedded snapshot of `cloud`
 *   options: {chainHook: forward, interface: eth1}             # every target's options
 *   targets:
 *     nsg:      {format: bicep, output: out/nsg.bicep}
 *     iptables: {output: out/iptables/, options: {log: true}}
 *     azure-firewall: {requirements: network/egress.yaml, output: out/firewall.json}   # its own part
 *
 * The command line wins: a flag given there replaces the file's value (an option flag such as `--chain-hook`
 * replaces `chainHook`), and `--requirements`/`--scenario` replace `requirements`. The file is read only by
 * `render` and `check`, and only when the command line leaves the target or the config out (see `projectRuns`).
 */
import { TagwallError, isTagwallError } from '../errors.js';
import { readStructuredText } from '../catalogue/requirements-file.js';
import { isRecord, type FileReader, type Path } from '../catalogue/requirements-reader.js';
import { nodeFs, nodePath } from '../internal/lazy.js';
import { findTarget } from '../targets/registry.js';
import type { Artifact } from '../targets/target.js';

export { findProjectFile, PROJECT_FILE_NAMES } from './project-file.js';
const TOP_KEYS = ['requirements', 'hosts', 'snapshot', 'cloud', 'options', 'targets'] as const;
const TARGET_KEYS = ['requirements', 'format', 'output', 'options', 'check'] as const;
const CHECK_KEYS = ['config', 'ipsets', 'edlDir'] as const;

type OptionValue = string | boolean | number;

export interface ProjectTarget {
  readonly id: string;
  /** This target's own requirements file (an egress firewall enforces the egress part), instead of the shared one. */
  readonly requirements?: string;
  readonly format?: string;
  /** A file, or a directory (ends with `/`, or the target writes several artifacts). */
  readonly output?: string;
  readonly options: Readonly<Record<string, OptionValue>>;
  /** What `check` reads, when not derived from `output`. */
  readonly check?: { readonly config?: readonly string[]; readonly ipsets?: string; readonly edlDir?: string };
}

export interface ProjectConfig {
  readonly file: string;
  readonly requirements?: string;
  readonly hosts?: string;
  readonly snapshot?: string;
  readonly cloud?: string;
  readonly targets: readonly ProjectTarget[];
}

function invalid(reader: FileReader, path: Path, message: string): never {
  throw new TagwallError('TW_INVALID_PROJECT', message, { location: reader.locate(path) });
}

function checkKeys(reader: FileReader, value: Record<string, unknown>, keys: readonly string[], path: Path, what: string): void {
  for (const key of Object.keys(value)) if (!keys.includes(key)) invalid(reader, [...path, key], `unknown key '${key}' in ${what} (keys: ${keys.join(', ')})`);
}

function text(reader: FileReader, value: unknown, path: Path, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') return invalid(reader, path, `${what} is a non-empty string`);
  return value;
}

function options(reader: FileReader, value: unknown, path: Path): Record<string, OptionValue> {
  if (value === undefined) return {};
  if (!isRecord(value)) return invalid(reader, path, 'options is a mapping of target option names to values');
  for (const [key, option] of Object.entries(value)) {
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(key)) invalid(reader, [...path, key], `option names are camelCase words (chainHook), not '${key}'`);
    if (typeof option !== 'string' && typeof option !== 'boolean' && typeof option !== 'number') invalid(reader, [...path, key], `option ${key} is a string, a number or true/false`);
  }
  return value as Record<string, OptionValue>;
}

/** Parses the project file's text; paths come back relative to the working directory. */
export function parseProjectConfig(input: string, file: string): ProjectConfig {
  let parsed: { data: unknown; reader: FileReader };
  try {
    parsed = readStructuredText(input, file, 'the project file');
  } catch (error) {
    // The shared reader names its errors after requirement files.
    if (isTagwallError(error) && error.code === 'TW_INVALID_REQUIREMENTS') throw new TagwallError('TW_INVALID_PROJECT', error.message, error.location ? { location: error.location } : {});
    throw error;
  }
  const { data, reader } = parsed;
  if (!isRecord(data)) return invalid(reader, [], `a project file is a mapping (keys: ${TOP_KEYS.join(', ')})`);
  checkKeys(reader, data, TOP_KEYS, [], 'the project file');
  const path = nodePath();
  const base = path.dirname(file);
  // path.join keeps a trailing separator, which says "a directory" to render.
  const relative = (value: string | undefined): string | undefined => (value === undefined ? undefined : path.join(base, value));
  const shared = options(reader, data.options, ['options']);
  if (!isRecord(data.targets) || Object.keys(data.targets).length === 0) return invalid(reader, ['targets'], 'targets is a mapping from target ids (nsg, nftables, …) to {format, output, options}');
  const targets = Object.entries(data.targets).map(([id, entry]): ProjectTarget => {
    const at: Path = ['targets', id];
    try {
      findTarget(id);
    } catch (error) {
      if (isTagwallError(error)) throw new TagwallError(error.code, error.message, { location: reader.locate(at), suggestions: error.suggestions });
      throw error;
    }
    const fields = entry === null || entry === undefined ? {} : entry;
    if (!isRecord(fields)) return invalid(reader, at, `targets.${id} is a mapping (keys: ${TARGET_KEYS.join(', ')})`);
    checkKeys(reader, fields, TARGET_KEYS, at, `targets.${id}`);
    let check: ProjectTarget['check'];
    if (fields.check !== undefined) {
      if (!isRecord(fields.check)) return invalid(reader, [...at, 'check'], `check is a mapping (keys: ${CHECK_KEYS.join(', ')})`);
      checkKeys(reader, fields.check, CHECK_KEYS, [...at, 'check'], `targets.${id}.check`);
      const configs = fields.check.config === undefined ? undefined : (Array.isArray(fields.check.config) ? fields.check.config : [fields.check.config]).map((item, index) => text(reader, item, [...at, 'check', 'config', index], 'check.config')!);
      const ipsets = text(reader, fields.check.ipsets, [...at, 'check', 'ipsets'], 'check.ipsets');
      const edlDir = text(reader, fields.check.edlDir, [...at, 'check', 'edlDir'], 'check.edlDir');
      check = { ...(configs ? { config: configs.map((item) => relative(item)!) } : {}), ...(ipsets ? { ipsets: relative(ipsets)! } : {}), ...(edlDir ? { edlDir: relative(edlDir)! } : {}) };
    }
    const format = text(reader, fields.format, [...at, 'format'], 'format');
    const own = relative(text(reader, fields.requirements, [...at, 'requirements'], 'requirements'));
    const output = relative(text(reader, fields.output, [...at, 'output'], 'output'));
    return { id, ...(own ? { requirements: own } : {}), ...(format ? { format } : {}), ...(output ? { output } : {}), options: { ...shared, ...options(reader, fields.options, [...at, 'options']) }, ...(check ? { check } : {}) };
  });
  const requirements = relative(text(reader, data.requirements, ['requirements'], 'requirements'));
  const hosts = relative(text(reader, data.hosts, ['hosts'], 'hosts'));
  const snapshot = relative(text(reader, data.snapshot, ['snapshot'], 'snapshot'));
  const cloud = text(reader, data.cloud, ['cloud'], 'cloud');
  return { file, ...(requirements ? { requirements } : {}), ...(hosts ? { hosts } : {}), ...(snapshot ? { snapshot } : {}), ...(cloud ? { cloud } : {}), targets };
}

export function loadProjectConfig(file: string): ProjectConfig {
  let input: string;
  try {
    input = nodeFs().readFileSync(file, 'utf8');
  } catch (error) {
    throw new TagwallError('TW_FILE', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { location: { file } });
  }
  return parseProjectConfig(input, file);
}


// ─── command lines ───────────────────────────────────────────────────────────────────────────────────────

/** `--chain-hook` → `chainHook`: the option key a flag sets (commander's camel-casing). */
function flagKey(flag: string): string {
  return flag.replace(/^--/, '').replace(/=.*$/, '').replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

function given(argv: readonly string[], ...flags: string[]): boolean {
  return argv.some((arg) => flags.some((flag) => arg === flag || arg.startsWith(`${flag}=`)));
}

function valueOf(argv: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === flag) return argv[i + 1];
    if (argv[i]!.startsWith(`${flag}=`)) return argv[i]!.slice(flag.length + 1);
  }
  return undefined;
}

/** The options the command line sets itself: flag keys and `--option KEY=…` keys. */
function optionKeysGiven(argv: readonly string[]): Set<string> {
  const keys = new Set<string>();
  argv.forEach((arg, i) => {
    if (arg === '--option' && argv[i + 1]) keys.add(argv[i + 1]!.split('=')[0]!);
    else if (arg.startsWith('--option=')) keys.add(arg.slice('--option='.length).split('=')[0]!);
    else if (arg.startsWith('--')) keys.add(flagKey(arg));
  });
  return keys;
}

/** The file's shared arguments (requirements, snapshot), each only where the command line has none. */
function sharedArgs(project: ProjectConfig, target: ProjectTarget, argv: readonly string[]): string[] {
  const args: string[] = [];
  const requirements = target.requirements ?? project.requirements;
  if (requirements && !given(argv, '--requirements', '--scenario')) args.push('--requirements', requirements);
  if (project.hosts && !given(argv, '--hosts')) args.push('--hosts', project.hosts);
  if (project.snapshot && !given(argv, '--snapshot')) args.push('--snapshot', project.snapshot);
  if (project.cloud && !given(argv, '--cloud')) args.push('--cloud', project.cloud);
  return args;
}

function optionArgs(target: ProjectTarget, argv: readonly string[]): string[] {
  const taken = optionKeysGiven(argv);
  return Object.entries(target.options).flatMap(([key, value]) => (taken.has(key) ? [] : ['--option', `${key}=${String(value)}`]));
}

/** The targets a command runs for: the one `--target` names (if the file has it), else all of them. */
function selected(project: ProjectConfig, argv: readonly string[]): ProjectTarget[] {
  const id = valueOf(argv, '--target');
  if (id === undefined) return [...project.targets];
  const target = project.targets.find((entry) => entry.id === id);
  return [target ?? { id, options: {} }];
}

/** `render` runs, one per target: the file's format, output and options, then the command line's flags. */
export function renderRuns(project: ProjectConfig, argv: readonly string[]): string[][] {
  const rest = argv.slice(1).filter((_arg, i, all) => !(all[i] === '--target' || all[i - 1] === '--target' || all[i]!.startsWith('--target=')));
  return selected(project, argv).map((target) => [
    'render',
    '--target',
    target.id,
    ...sharedArgs(project, target, argv),
    ...(target.format && !given(argv, '--format') ? ['--format', target.format] : []),
    ...(target.output && !given(argv, '-o', '--output') ? ['-o', target.output] : []),
    ...optionArgs(target, argv),
    ...rest,
  ]);
}

/** What `check` reads for a target: the file's `check` paths, or the artifacts `render` wrote into `output`. */
export interface CheckInputs {
  readonly config: readonly string[];
  readonly ipsets?: string;
  readonly edlDir?: string;
}

/**
 * Derives the check inputs from where render writes: one file as named; for a directory, the artifacts by name
 * (`artifacts` is what the target renders, so the names are render's): ipset files go to `--ipsets`, PAN-OS EDL
 * files to `--edl-dir`, the rest (iptables: both families) are the config.
 */
export function checkInputs(target: ProjectTarget, artifacts: () => readonly Artifact[]): CheckInputs {
  if (target.check?.config) return { config: target.check.config, ...(target.check.ipsets ? { ipsets: target.check.ipsets } : {}), ...(target.check.edlDir ? { edlDir: target.check.edlDir } : {}) };
  if (!target.output) throw new TagwallError('TW_INVALID_PROJECT', `targets.${target.id}: check needs an output (where render wrote) or check.config`);
  const list = artifacts();
  const path = nodePath();
  const intoDirectory = list.length > 1 || /[\\/]$/.test(target.output) || isDirectory(target.output);
  if (!intoDirectory) return { config: [target.output] };
  const at = (artifact: Artifact): string => path.join(target.output!, artifact.name);
  const ipsets = list.find((artifact) => artifact.format === 'ipset');
  const edl = list.some((artifact) => artifact.format === 'edl');
  const configs = list.filter((artifact) => artifact.format !== 'ipset' && artifact.format !== 'edl').map(at);
  // No artifacts when the file names no requirements (they came as --scenario): render's file names are not known.
  if (configs.length === 0) throw new TagwallError('TW_INVALID_PROJECT', `targets.${target.id}: check cannot tell which files render wrote into ${target.output} without the project's requirements; name them in check.config`);
  return { config: configs, ...(ipsets ? { ipsets: at(ipsets) } : {}), ...(edl ? { edlDir: path.join(target.output, 'edl') } : {}), ...(target.check?.ipsets ? { ipsets: target.check.ipsets } : {}) };
}

function isDirectory(path: string): boolean {
  try {
    return nodeFs().statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * `check` runs, one per target. Several config files (iptables and ip6tables rules, an nftables ruleset and the
 * files its large sets continue in) are one `--config` each: check reads them as one config, each under its own
 * name (in the answer, its errors and a baseline), and refuses them for a target that reads one file.
 */
export function checkRuns(project: ProjectConfig, argv: readonly string[], artifactsOf: (target: ProjectTarget) => readonly Artifact[]): string[][] {
  const rest = argv.slice(1).filter((_arg, i, all) => !(all[i] === '--target' || all[i - 1] === '--target' || all[i]!.startsWith('--target=')));
  return selected(project, argv).map((target) => {
    const inputs = given(argv, '--config') ? undefined : checkInputs(target, () => artifactsOf(target));
    const config = inputs === undefined ? [] : inputs.config.flatMap((file) => ['--config', file]);
    return [
      'check',
      '--target',
      target.id,
      ...sharedArgs(project, target, argv),
      ...config,
      ...(inputs?.ipsets && !given(argv, '--ipsets') ? ['--ipsets', inputs.ipsets] : []),
      ...(inputs?.edlDir && !given(argv, '--edl-dir') ? ['--option', `edlDir=${inputs.edlDir}`] : []),
      ...optionArgs(target, argv),
      ...rest,
    ];
  });
}

// ─── schema ──────────────────────────────────────────────────────────────────────────────────────────────

/** The JSON Schema (draft-07) of the project file, from the same key lists the reader checks. Ajv strict-valid. */
export function projectJsonSchema(): Record<string, unknown> {
  const path = { type: 'string', minLength: 1, pattern: '\\S' };
  const optionValues = {
    type: 'object',
    description: 'Target options by name (chainHook, sku, forcedTunnelling, …; see docs/targets): strings, numbers or true/false.',
    propertyNames: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9]*$' },
    additionalProperties: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
  };
  const properties = (keys: readonly string[], schemas: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(keys.map((key) => [key, schemas[key]]));
  const check = {
    type: 'object',
    additionalProperties: false,
    properties: properties(CHECK_KEYS, { config: { anyOf: [path, { type: 'array', minItems: 1, items: path }] }, ipsets: path, edlDir: path }),
  };
  const target = {
    anyOf: [
      { type: 'null' },
      {
        type: 'object',
        additionalProperties: false,
        properties: properties(TARGET_KEYS, { requirements: path, format: path, output: { ...path, description: 'A file, or a directory (ending in /) for several artifacts.' }, options: optionValues, check }),
      },
    ],
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://github.com/tagwall/tagwall/docs/config.schema.json',
    title: 'tagwall project file (tagwall.config.yaml)',
    type: 'object',
    additionalProperties: false,
    required: ['targets'],
    properties: properties(TOP_KEYS, {
      requirements: path,
      hosts: path,
      snapshot: path,
      cloud: { type: 'string', minLength: 1 },
      options: optionValues,
      targets: { type: 'object', minProperties: 1, propertyNames: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' }, additionalProperties: target },
    }),
  };
}

export function projectJsonSchemaText(): string {
  return `${JSON.stringify(projectJsonSchema(), null, 2)}\n`;
}
