/**
 * Terraform HCL → Terraform resources (azurerm.ts maps them to ARM), evaluated statically: variables (defaults,
 * `--var`, `--var-file`, terraform.tfvars and *.auto.tfvars beside the file), locals, `count` and `for_each`,
 * `dynamic` blocks, references between resources (an `.id` is made up from the resource's name, which is what
 * the parsers compare), and local modules (`source = "./dir"`, every .tf file of it). The root module is the
 * directory of the file given (every .tf file in it), as Terraform reads a configuration.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { TagwallError, type SourceLocation } from '../../errors.js';
import { INPUT_LIMITS } from '../../internal/input-limits.js';
import { isObject, type Json } from '../../targets/azure/common/arm-read.js';
import type { Converted } from '../converted.js';
import { armFromTerraform, ARM_TYPES, nameOf, syntheticId, type TfBody, type TfResource } from './azurerm.js';
import { applyStep, evaluateHcl, unresolvable, type HclScope } from './hcl-eval.js';
import { parseHcl, parseHclExpression, type HclBlock, type HclBody, type HclExpression, type HclTraversalStep, type Position } from './hcl-parser.js';

export interface HclOptions {
  /** Read the text alone: no tfvars, sibling or module files (tagwall's own rendered Terraform). */
  readonly standalone?: boolean;
  readonly variables?: Readonly<Record<string, string>>;
  readonly variableFiles?: ReadonlyArray<{ readonly content: string; readonly file: string }>;
}

interface Located<T> {
  readonly item: T;
  readonly file: string;
}

type Env = ReadonlyMap<string, Json>;

function readText(file: string): string {
  const size = statSync(file).size;
  if (size > INPUT_LIMITS.configSize) throw new TagwallError('TW_INPUT_LIMIT', 'the file is over the size tagwall reads', { location: { file } });
  return readFileSync(file, 'utf8');
}

function attributeOf(body: HclBody, name: string): HclExpression | undefined {
  for (const item of body.items) if (item.kind === 'attribute' && item.name === name) return item.value;
  return undefined;
}

class Module {
  readonly variables = new Map<string, Located<HclBlock>>();
  readonly locals = new Map<string, Located<HclExpression>>();
  readonly resources = new Map<string, Located<HclBlock>>();
  readonly calls = new Map<string, Located<HclBlock>>();
  readonly outputs = new Map<string, Located<HclExpression>>();
  readonly children = new Map<string, Module>();
  readonly #cache = new Map<string, Json>();
  readonly #busy = new Set<string>();

  constructor(
    readonly prefix: string,
    readonly dir: string,
    files: ReadonlyArray<{ file: string; body: HclBody }>,
    /** Values given to variables: the root's from --var and tfvars, a module's from its call. */
    readonly given: (name: string) => Json | undefined,
    readonly depth: number,
  ) {
    for (const { file, body } of files) this.#declare(file, body, false);
  }

  #declare(file: string, body: HclBody, variablesOnly: boolean): void {
    for (const item of body.items) {
      if (item.kind !== 'block') continue;
      if (item.type === 'variable' && item.labels[0] !== undefined && !this.variables.has(item.labels[0])) this.variables.set(item.labels[0], { item, file });
      if (variablesOnly) continue;
      if (item.type === 'locals') for (const local of item.body.items) if (local.kind === 'attribute') this.locals.set(local.name, { item: local.value, file });
      if (item.type === 'resource' && item.labels.length === 2) this.resources.set(`${item.labels[0]}.${item.labels[1]}`, { item, file });
      if (item.type === 'module' && item.labels[0] !== undefined) this.calls.set(item.labels[0], { item, file });
      if (item.type === 'output' && item.labels[0] !== undefined) {
        const value = attributeOf(item.body, 'value');
        if (value) this.outputs.set(item.labels[0], { item: value, file });
      }
    }
  }

  #variable(name: string, file: string, pos: Position): Json {
    const declared = this.variables.get(name);
    if (!declared) throw new TagwallError('TW_INVALID_CONFIG', `var.${name}: the configuration declares no variable '${name}'`, { location: { file, line: pos.line, column: pos.column } });
    const given = this.given(name);
    if (given !== undefined) return given;
    const fallback = attributeOf(declared.item.body, 'default');
    if (!fallback) throw unresolvable(file, pos, `variable '${name}' has no value and no default`);
    return this.memo(`var.${name}`, file, pos, () => evaluateHcl(fallback, this.scope(declared.file, new Map())));
  }

  memo(key: string, file: string, pos: Position, compute: () => Json): Json {
    if (this.#cache.has(key)) return this.#cache.get(key)!;
    if (this.#busy.has(key)) throw new TagwallError('TW_INVALID_CONFIG', `${key} refers to itself`, { location: { file, line: pos.line, column: pos.column } });
    this.#busy.add(key);
    try {
      const value = compute();
      this.#cache.set(key, value);
      return value;
    } finally {
      this.#busy.delete(key);
    }
  }

  scope(file: string, env: Env): HclScope {
    return { file, resolve: (name, steps, pos) => this.#resolve(name, steps, pos, file, env) };
  }

  #resolve(name: string, steps: readonly HclTraversalStep[], pos: Position, file: string, env: Env): { value: Json; consumed: number } {
    const attr = (index: number): string | undefined => (steps[index]?.kind === 'attr' ? (steps[index] as { name: string }).name : undefined);
    if (env.has(name)) return { value: env.get(name)!, consumed: 0 };
    switch (name) {
      case 'var': {
        const variable = attr(0);
        if (variable === undefined) throw unresolvable(file, pos, "'var' needs a name");
        return { value: this.#variable(variable, file, pos), consumed: 1 };
      }
      case 'local': {
        const local = attr(0);
        const declared = local === undefined ? undefined : this.locals.get(local);
        if (!declared) throw new TagwallError('TW_INVALID_CONFIG', `local.${local ?? ''}: no such local value`, { location: { file, line: pos.line, column: pos.column } });
        return { value: this.memo(`local.${local}`, file, pos, () => evaluateHcl(declared.item, this.scope(declared.file, new Map()))), consumed: 1 };
      }
      case 'path':
        return { value: { module: this.dir, root: this.dir, cwd: process.cwd() }, consumed: 0 };
      case 'terraform':
        return { value: { workspace: 'default' }, consumed: 0 };
      case 'each':
      case 'count':
      case 'self':
        throw unresolvable(file, pos, `'${name}' is used outside a resource with ${name === 'count' ? 'count' : 'for_each'}`);
      case 'data':
        throw unresolvable(file, pos, `data.${attr(0) ?? ''}.${attr(1) ?? ''} is read from Azure when Terraform plans`);
      case 'module': {
        const call = attr(0);
        const output = attr(1);
        if (call === undefined || output === undefined) throw unresolvable(file, pos, 'a module reference names the module and its output');
        const child = this.module(call, file, pos);
        const declared = child.outputs.get(output);
        if (!declared) throw new TagwallError('TW_INVALID_CONFIG', `module.${call} has no output '${output}'`, { location: { file, line: pos.line, column: pos.column } });
        return { value: child.memo(`output.${output}`, file, pos, () => evaluateHcl(declared.item, child.scope(declared.file, new Map()))), consumed: 2 };
      }
    }
    const label = attr(0);
    const declared = label === undefined ? undefined : this.resources.get(`${name}.${label}`);
    if (!declared || label === undefined) throw unresolvable(file, pos, `'${name}${label ? `.${label}` : ''}' is not a resource or value of this configuration`);
    const counted = attributeOf(declared.item.body, 'count') !== undefined || attributeOf(declared.item.body, 'for_each') !== undefined;
    let key: Json | undefined;
    let next = 1;
    if (counted) {
      const step = steps[1];
      if (step?.kind !== 'index' || step.key.kind !== 'literal') throw unresolvable(file, pos, `${name}.${label} has count or for_each: name one instance`);
      key = step.key.value;
      next = 2;
    }
    const attribute = attr(next);
    if (attribute === undefined) throw unresolvable(file, pos, `${name}.${label} is used whole; tagwall reads one attribute of a resource`);
    const instance = this.instances(name, label, declared).find((candidate) => candidate.key === key);
    if (!instance) throw new TagwallError('TW_INVALID_CONFIG', `${name}.${label}[${JSON.stringify(key)}] does not exist`, { location: { file, line: pos.line, column: pos.column } });
    if (attribute === 'id') {
      const armType = ARM_TYPES[name];
      if (armType === undefined) throw unresolvable(file, pos, `${name}.${label}.id is known only after apply`);
      return { value: syntheticId(armType, nameOf({ type: name, address: instance.address, body: instance.body })), consumed: next + 1 };
    }
    const value = instance.body.get(attribute);
    if (value === undefined) throw unresolvable(file, pos, `${name}.${label}.${attribute} is not set in the configuration (Terraform computes it)`);
    return { value, consumed: next + 1 };
  }

  module(call: string, file: string, pos: Position): Module {
    const known = this.children.get(call);
    if (known) return known;
    const declared = this.calls.get(call);
    if (!declared) throw new TagwallError('TW_INVALID_CONFIG', `no module '${call}'`, { location: { file, line: pos.line, column: pos.column } });
    const at = declared.item.pos;
    if (attributeOf(declared.item.body, 'count') || attributeOf(declared.item.body, 'for_each')) throw unresolvable(declared.file, at, `module '${call}' has count or for_each, which tagwall does not expand`);
    const sourceExpression = attributeOf(declared.item.body, 'source');
    const source = sourceExpression ? evaluateHcl(sourceExpression, this.scope(declared.file, new Map())) : undefined;
    if (typeof source !== 'string' || !/^\.\.?\//.test(source)) {
      throw unresolvable(declared.file, at, `module '${call}' comes from '${String(source)}', which is not a local directory; run terraform init and plan, and read terraform show -json`);
    }
    if (this.depth > 16) throw new TagwallError('TW_INPUT_LIMIT', 'modules nest more than 16 deep', { location: { file: declared.file, ...at } });
    const dir = resolvePath(dirname(declared.file), source);
    const files = tfFiles(dir);
    if (files.length === 0) throw new TagwallError('TW_FILE', `module '${call}': no .tf files in ${dir}`, { location: { file: declared.file, ...at } });
    const scope = this.scope(declared.file, new Map());
    const child = new Module(
      `${this.prefix}module.${call}.`,
      dir,
      files.map((path) => ({ file: path, body: parseHcl(readText(path), path) })),
      (name) => {
        const expression = attributeOf(declared.item.body, name);
        return expression === undefined ? undefined : this.memo(`module.${call}.${name}`, declared.file, expression.pos, () => evaluateHcl(expression, scope));
      },
      this.depth + 1,
    );
    this.children.set(call, child);
    return child;
  }

  readonly #instances = new Map<string, Array<{ key: Json | undefined; address: string; body: HclBodyView }>>();

  /** A resource's instances: one, or one per `count` index / `for_each` key. */
  instances(type: string, label: string, declared: Located<HclBlock>): Array<{ key: Json | undefined; address: string; body: HclBodyView }> {
    const id = `${type}.${label}`;
    const known = this.#instances.get(id);
    if (known) return known;
    const block = declared.item;
    const scope = this.scope(declared.file, new Map());
    const count = attributeOf(block.body, 'count');
    const forEach = attributeOf(block.body, 'for_each');
    const address = `${this.prefix}${id}`;
    let instances: Array<{ key: Json | undefined; address: string; body: HclBodyView }>;
    if (count) {
      const value = evaluateHcl(count, scope);
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 10000) throw new TagwallError('TW_INVALID_CONFIG', `${id}: count must be a whole number`, { location: { file: declared.file, ...count.pos } });
      instances = Array.from({ length: value }, (_, index) => ({ key: index, address: `${address}[${index}]`, body: new HclBodyView(this, block.body, declared.file, block.pos, new Map([['count', { index }]])) }));
    } else if (forEach) {
      const value = evaluateHcl(forEach, scope);
      const entries: Array<[string, Json]> = Array.isArray(value)
        ? value.map((item) => {
            if (typeof item !== 'string') throw new TagwallError('TW_INVALID_CONFIG', `${id}: for_each over a set takes strings`, { location: { file: declared.file, ...forEach.pos } });
            return [item, item];
          })
        : isObject(value)
          ? Object.keys(value).sort().map((key) => [key, value[key]!])
          : (() => {
              throw new TagwallError('TW_INVALID_CONFIG', `${id}: for_each takes a map or a set of strings`, { location: { file: declared.file, ...forEach.pos } });
            })();
      instances = entries.map(([key, item]) => ({ key, address: `${address}[${JSON.stringify(key)}]`, body: new HclBodyView(this, block.body, declared.file, block.pos, new Map([['each', { key, value: item }]])) }));
    } else instances = [{ key: undefined, address, body: new HclBodyView(this, block.body, declared.file, block.pos, new Map()) }];
    this.#instances.set(id, instances);
    return instances;
  }

  /** Every resource instance of this module and the modules it calls. */
  allResources(): TfResource[] {
    const out: TfResource[] = [];
    for (const [id, declared] of this.resources) {
      const [type, label] = id.split('.') as [string, string];
      for (const instance of this.instances(type, label, declared)) out.push({ type, address: instance.address, body: instance.body });
    }
    for (const [call, declared] of this.calls) out.push(...this.module(call, declared.file, declared.item.pos).allResources());
    return out;
  }
}

/** A block body read lazily: attributes evaluate when asked, so an unused unresolvable one does not matter. */
class HclBodyView implements TfBody {
  constructor(
    readonly module: Module,
    readonly body: HclBody,
    readonly file: string,
    readonly pos: Position,
    readonly env: Env,
  ) {}

  get location(): SourceLocation {
    return { file: this.file, line: this.pos.line, column: this.pos.column };
  }

  get(name: string): Json | undefined {
    const expression = attributeOf(this.body, name);
    if (!expression) return undefined;
    const value = evaluateHcl(expression, this.module.scope(this.file, this.env));
    return value === null ? undefined : value;
  }

  blocks(name: string): TfBody[] {
    const out: TfBody[] = [];
    for (const item of this.body.items) {
      if (item.kind !== 'block') continue;
      if (item.type === name) out.push(new HclBodyView(this.module, item.body, this.file, item.pos, this.env));
      else if (item.type === 'dynamic' && item.labels[0] === name) out.push(...this.#dynamic(item, name));
    }
    return out;
  }

  /** `dynamic "name" { for_each = ...; iterator = it; content { ... } }`. */
  #dynamic(block: HclBlock, name: string): TfBody[] {
    const forEach = attributeOf(block.body, 'for_each');
    const content = block.body.items.find((item): item is HclBlock => item.kind === 'block' && item.type === 'content');
    if (!forEach || !content) throw new TagwallError('TW_INVALID_CONFIG', `dynamic "${name}" needs for_each and a content block`, { location: { file: this.file, ...block.pos } });
    const iteratorExpression = attributeOf(block.body, 'iterator');
    const iterator = iteratorExpression?.kind === 'variable' ? iteratorExpression.name : name;
    const collection = evaluateHcl(forEach, this.module.scope(this.file, this.env));
    const entries: Array<[Json, Json]> = Array.isArray(collection) ? collection.map((item, index) => [index, item]) : isObject(collection) ? Object.keys(collection).sort().map((key) => [key, collection[key]!]) : [];
    return entries.map(([key, value]) => new HclBodyView(this.module, content.body, this.file, content.pos, new Map([...this.env, [iterator, { key, value }]])));
  }
}

function tfFiles(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.tf'))
    .sort()
    .map((name) => join(dir, name));
}

/** Variable values: tfvars beside the file, then --var-file in order, then --var (Terraform's precedence). */
function givenVariables(file: string, options: HclOptions): (name: string) => Json | undefined {
  const values = new Map<string, Json>();
  const fromFile = (content: string, path: string): void => {
    if (path.endsWith('.json')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(content);
      } catch (error) {
        throw new TagwallError('TW_INVALID_CONFIG', `not valid JSON: ${(error as Error).message}`, { location: { file: path } });
      }
      if (!isObject(parsed as Json)) throw new TagwallError('TW_INVALID_CONFIG', 'a .tfvars.json file is an object', { location: { file: path } });
      for (const [key, value] of Object.entries(parsed as Record<string, Json>)) values.set(key, value);
      return;
    }
    const body = parseHcl(content, path);
    const scope: HclScope = { file: path, resolve: (name, _steps, pos) => { throw unresolvable(path, pos, `a variable file holds values only, not '${name}'`); } };
    for (const item of body.items) {
      if (item.kind !== 'attribute') throw new TagwallError('TW_INVALID_CONFIG', 'a variable file holds attributes only', { location: { file: path, ...item.pos } });
      values.set(item.name, evaluateHcl(item.value, scope));
    }
  };
  const dir = dirname(file);
  const auto = !options.standalone && existsSync(dir) ? readdirSync(dir).filter((name) => name === 'terraform.tfvars' || name === 'terraform.tfvars.json' || /\.auto\.tfvars(\.json)?$/.test(name)).sort() : [];
  for (const name of auto) fromFile(readText(join(dir, name)), join(dir, name));
  for (const { content, file: path } of options.variableFiles ?? []) fromFile(content, path);
  const raw = new Map(Object.entries(options.variables ?? {}));
  return (name) => {
    const text = raw.get(name);
    if (text !== undefined) {
      // `-var name=value`: a string, unless it reads as a list, map, number or bool (Terraform parses complex types).
      if (/^\s*[[{]/.test(text) || /^(true|false|-?\d+(\.\d+)?)$/.test(text.trim())) {
        try {
          return evaluateHcl(parseHclExpression(text, `--var ${name}`), { file: `--var ${name}`, resolve: (ref, _steps, pos) => { throw unresolvable(`--var ${name}`, pos, `'${ref}' is not a value`); } });
        } catch {
          return text;
        }
      }
      return text;
    }
    return values.get(name);
  };
}

/** An HCL file (the root module) → ARM. */
export function convertHcl(content: string, file: string, options: HclOptions = {}): Converted {
  const body = parseHcl(content, file);
  const dir = dirname(resolvePath(file));
  // The root module is the file's directory, as Terraform reads it: the file given, then the other .tf files there.
  const siblings = options.standalone ? [] : tfFiles(dir).filter((path) => resolvePath(path) !== resolvePath(file));
  const files = [{ file, body }, ...siblings.map((path) => ({ file: path, body: parseHcl(readText(path), path) }))];
  const root = new Module('', dir, files, givenVariables(file, options), 0);
  void applyStep;
  return armFromTerraform(root.allResources(), file, 'terraform-hcl');
}
