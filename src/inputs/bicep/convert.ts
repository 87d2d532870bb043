/**
 * Bicep source → plain ARM resources, for the literal subset: parameters (default, `--parameters` ARM parameters
 * file, `--param`), variables, strings with interpolation of those, `resourceGroup().location` (from `--region`),
 * `symbol.id` / `symbol.name` of the file's resources, `parent:`. Anything else (loops, conditions, modules,
 * function calls) is beyond it: the value is named with its line:column and the user is told to run
 * `bicep build FILE` and pass the JSON, which the ARM template reader evaluates (arm-template/evaluate.ts).
 */
import { TagwallError, type SourceLocation } from '../../errors.js';
import { armLiteral } from '../../text/arm.js';
import { isObject, parseJsonConfig, type Json, type JsonObject } from '../../targets/azure/common/arm-read.js';
import { PLACEHOLDER_RESOURCE_GROUP, PLACEHOLDER_SUBSCRIPTION } from '../arm-template/functions.js';
import { keyPath, type Converted } from '../converted.js';
import { parseBicep, type BicepDeclaration, type BicepExpression, type Position } from './parser.js';

export interface BicepOptions {
  readonly parameterFiles?: ReadonlyArray<{ readonly content: string; readonly file: string }>;
  readonly parameters?: Readonly<Record<string, string>>;
  readonly location?: string;
}

export const BICEP_BUILD_HINT = 'compile it with `bicep build FILE` (or `az bicep build --file FILE`) and pass the JSON, which tagwall evaluates';

/** A value the literal subset cannot give, and why. */
class Unknown {
  constructor(
    readonly reason: string,
    readonly pos: Position,
  ) {}
}
type Value = Json | Unknown;

type ResourceDeclaration = BicepDeclaration & { kind: 'resource' };

class Converter {
  readonly params = new Map<string, { declaration: BicepDeclaration & { kind: 'param' }; value?: Value }>();
  readonly vars = new Map<string, { declaration: BicepDeclaration & { kind: 'var' }; value?: Value; busy?: boolean }>();
  readonly resources = new Map<string, ResourceDeclaration>();
  readonly origins = new Map<string, SourceLocation>();
  readonly unresolved = new Map<string, string>();

  constructor(
    readonly file: string,
    readonly options: BicepOptions,
  ) {}

  located(pos: Position): SourceLocation {
    return { file: this.file, line: pos.line, column: pos.column };
  }

  beyond(pos: Position, what: string): Unknown {
    return new Unknown(`${what} is beyond the literal Bicep tagwall reads; ${BICEP_BUILD_HINT}`, pos);
  }

  param(name: string, pos: Position): Value {
    const slot = this.params.get(name)!;
    if (slot.value !== undefined) return slot.value;
    slot.value = slot.declaration.value ? this.value(slot.declaration.value) : new Unknown(`parameter '${name}' has no value: give it in --parameters FILE or --param ${name}=VALUE`, pos);
    return slot.value;
  }

  variable(name: string, pos: Position): Value {
    const slot = this.vars.get(name)!;
    if (slot.value !== undefined) return slot.value;
    if (slot.busy) throw new TagwallError('TW_INVALID_CONFIG', `variable '${name}' refers to itself`, { location: this.located(pos) });
    slot.busy = true;
    slot.value = this.value(slot.declaration.value);
    slot.busy = false;
    return slot.value;
  }

  /** A resource's own name segment. */
  resourceName(declaration: ResourceDeclaration): Value {
    const body = declaration.value;
    if (body.kind !== 'object') return this.beyond(body.pos, 'a resource declared with a loop or a condition');
    const name = body.items.find((item) => item.key === 'name');
    if (!name) return new Unknown(`resource '${declaration.name}' has no name`, declaration.pos);
    return this.value(name.value);
  }

  value(expression: BicepExpression): Value {
    switch (expression.kind) {
      case 'literal':
        return expression.value;
      case 'interpolated': {
        let text = '';
        for (const part of expression.parts) {
          if (typeof part === 'string') {
            text += part;
            continue;
          }
          const value = this.value(part);
          if (value instanceof Unknown) return value;
          if (typeof value === 'object' && value !== null) return this.beyond(part.pos, 'interpolating an array or object');
          text += value === null ? '' : typeof value === 'boolean' ? String(value) : String(value);
        }
        return text;
      }
      case 'array': {
        const items = expression.items.map((item) => this.value(item));
        return items.find((item): item is Unknown => item instanceof Unknown) ?? (items as Json[]);
      }
      case 'object': {
        const object: JsonObject = {};
        for (const item of expression.items) {
          const key = this.key(item.key);
          if (key instanceof Unknown) return key;
          const value = this.value(item.value);
          if (value instanceof Unknown) return value;
          object[key] = value;
        }
        return object;
      }
      case 'identifier': {
        if (this.params.has(expression.name)) return this.param(expression.name, expression.pos);
        if (this.vars.has(expression.name)) return this.variable(expression.name, expression.pos);
        if (this.resources.has(expression.name)) return this.beyond(expression.pos, `the resource '${expression.name}' used as a value`);
        throw new TagwallError('TW_INVALID_CONFIG', `Bicep: '${expression.name}' is not a parameter, variable or resource of this file`, { location: this.located(expression.pos) });
      }
      case 'member': {
        if (expression.target.kind === 'identifier' && this.resources.has(expression.target.name)) return this.resourceMember(this.resources.get(expression.target.name)!, expression.name, expression.pos);
        if (expression.target.kind === 'call' && expression.target.name === 'resourceGroup' && expression.target.args.length === 0) {
          if (expression.name === 'location') {
            return this.options.location !== undefined ? this.options.location : new Unknown("resourceGroup().location is the deployment's region: pass --region REGION (or give the location parameter a value)", expression.pos);
          }
          if (expression.name === 'name') return PLACEHOLDER_RESOURCE_GROUP;
        }
        const target = this.value(expression.target);
        if (target instanceof Unknown) return target;
        if (!isObject(target) || !(expression.name in target)) throw new TagwallError('TW_INVALID_CONFIG', `Bicep: no property '${expression.name}' here`, { location: this.located(expression.pos) });
        return target[expression.name]!;
      }
      case 'index': {
        const target = this.value(expression.target);
        const index = this.value(expression.index);
        if (target instanceof Unknown) return target;
        if (index instanceof Unknown) return index;
        if (Array.isArray(target) && typeof index === 'number' && target[index] !== undefined) return target[index]!;
        if (isObject(target) && typeof index === 'string' && target[index] !== undefined) return target[index]!;
        throw new TagwallError('TW_INVALID_CONFIG', `Bicep: index ${JSON.stringify(index)} is not in the value`, { location: this.located(expression.pos) });
      }
      case 'call':
        return this.beyond(expression.pos, `the function call ${expression.name}()`);
      case 'unary':
      case 'binary':
      case 'ternary':
        return this.beyond(expression.pos, 'an operator expression');
      case 'for':
        return this.beyond(expression.pos, 'a for loop');
      case 'condition':
        return this.beyond(expression.pos, 'a conditional resource');
    }
  }

  key(key: string | BicepExpression): string | Unknown {
    if (typeof key === 'string') return key;
    const value = this.value(key);
    if (value instanceof Unknown) return value;
    if (typeof value === 'object' && value !== null) return this.beyond(key.pos, 'an array or object as a property name');
    return String(value);
  }

  resourceMember(declaration: ResourceDeclaration, member: string, pos: Position): Value {
    const name = this.resourceName(declaration);
    if (name instanceof Unknown) return name;
    if (member === 'name') return name;
    if (member === 'id') {
      const [namespace, ...types] = declaration.type.split('@')[0]!.split('/');
      return `/subscriptions/${PLACEHOLDER_SUBSCRIPTION}/resourceGroups/${PLACEHOLDER_RESOURCE_GROUP}/providers/${namespace}/${types[types.length - 1]}/${String(name)}`;
    }
    return this.beyond(pos, `${declaration.name}.${member}`);
  }

  /** The ARM JSON of a value, Unknowns written as expressions the parsers refuse, and recorded. */
  emit(expression: BicepExpression, path: string): Json {
    // A property keeps its key's position (set by the caller); array items and the rest get the value's.
    if (!this.origins.has(path)) this.origins.set(path, this.located(expression.pos));
    if (expression.kind === 'object') {
      const out: JsonObject = {};
      for (const item of expression.items) {
        // An interpolated key that cannot be worked out (`'${identityId}': {}`) is kept as an unresolved expression.
        const key = this.key(item.key);
        const name = key instanceof Unknown ? `[unresolved key at line ${key.pos.line}]` : armLiteral(key);
        const at = keyPath(path, name);
        this.origins.set(at, this.located(item.pos));
        if (key instanceof Unknown) this.unresolved.set(at, key.reason);
        out[name] = this.emit(item.value, at);
      }
      return out;
    }
    if (expression.kind === 'array') return expression.items.map((item, index) => this.emit(item, `${path}[${index}]`));
    const value = this.value(expression);
    if (value instanceof Unknown) {
      // The error points at what could not be read (a call, a loop), not at the property holding it.
      this.origins.set(path, this.located(value.pos));
      this.unresolved.set(path, value.reason);
      return `[unresolved: ${value.reason.replace(/[[\]]/g, '')}]`;
    }
    return reescape(value);
  }
}

function reescape(value: Json): Json {
  if (typeof value === 'string') return armLiteral(value);
  if (Array.isArray(value)) return value.map(reescape);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [armLiteral(key), reescape(item)]));
}

/** ARM parameters files (the Bicep param values tagwall takes; .bicepparam files are not read). */
function parameterValues(converter: Converter, options: BicepOptions): void {
  for (const { content, file } of options.parameterFiles ?? []) {
    const root = parseJsonConfig(content, file);
    if (!isObject(root.value) || !isObject(root.value['parameters'])) throw new TagwallError('TW_INVALID_CONFIG', 'not an ARM parameters file (deploymentParameters schema)', { location: { file, jsonPath: '$' } });
    for (const [name, entry] of Object.entries(root.value['parameters'])) {
      const slot = converter.params.get(name);
      if (!slot) throw new TagwallError('TW_INVALID_CONFIG', `the Bicep file declares no parameter '${name}'`, { location: { file, jsonPath: keyPath('$.parameters', name) } });
      if (isObject(entry) && entry['value'] !== undefined) slot.value = entry['value'];
    }
  }
  for (const [name, text] of Object.entries(options.parameters ?? {})) {
    const slot = converter.params.get(name);
    if (!slot) throw new TagwallError('TW_USAGE', `--param ${name}: the Bicep file declares no parameter '${name}'`);
    const type = slot.declaration.type.replace('?', '');
    slot.value = type === 'int' && /^-?\d+$/.test(text) ? Number(text) : type === 'bool' && /^(true|false)$/i.test(text) ? text.toLowerCase() === 'true' : text;
  }
}

export function convertBicep(content: string, file: string, options: BicepOptions = {}): Converted {
  const declarations = parseBicep(content, file);
  const converter = new Converter(file, options);
  for (const declaration of declarations) {
    if (declaration.kind === 'param') converter.params.set(declaration.name, { declaration });
    else if (declaration.kind === 'var') converter.vars.set(declaration.name, { declaration });
    else if (declaration.kind === 'resource') converter.resources.set(declaration.name, declaration);
    else if (declaration.kind === 'module') {
      throw new TagwallError('TW_UNSUPPORTED_CONFIG', `a module is beyond the literal Bicep tagwall reads; ${BICEP_BUILD_HINT}`, { location: converter.located(declaration.pos) });
    }
  }
  parameterValues(converter, options);
  const resources: Json[] = [];
  for (const declaration of converter.resources.values()) {
    if (declaration.existing) continue;
    const path = `$.resources[${resources.length}]`;
    converter.origins.set(path, converter.located(declaration.pos));
    if (declaration.value.kind !== 'object') {
      const reason = converter.beyond(declaration.value.pos, declaration.value.kind === 'for' ? 'a resource loop' : 'a conditional resource');
      throw new TagwallError('TW_UNSUPPORTED_CONFIG', reason.reason, { location: converter.located(reason.pos) });
    }
    const resource: JsonObject = { type: declaration.type.split('@')[0]!, apiVersion: declaration.type.split('@')[1] ?? '' };
    for (const item of declaration.value.items) {
      if (typeof item.key !== 'string') throw new TagwallError('TW_UNSUPPORTED_CONFIG', `an interpolated resource property name is beyond the literal Bicep tagwall reads; ${BICEP_BUILD_HINT}`, { location: converter.located(item.pos) });
      if (item.key === 'parent' || item.key === 'dependsOn' || item.key === 'scope') continue;
      const at = keyPath(path, item.key);
      converter.origins.set(at, converter.located(item.pos));
      resource[item.key] = converter.emit(item.value, at);
    }
    resources.push(resource);
  }
  return { kind: 'bicep', file, document: { resources }, origins: converter.origins, unresolved: converter.unresolved, notes: [] };
}
