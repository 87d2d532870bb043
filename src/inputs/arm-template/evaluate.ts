/**
 * ARM template → plain ARM resources: parameters (defaults, a parameters file, `--param` overrides), variables,
 * expressions (expression.ts, functions.ts), `condition`, resource and property `copy` loops, symbolic-name
 * templates (languageVersion 2.0, `existing` resources dropped) and inline nested deployments (what `bicep build`
 * makes of modules). What only a deployment knows stays as the expression text and is listed in `unresolved`, so
 * a parser that needs it fails with the reason and the JSON path, and one that does not is unaffected.
 */
import { TagwallError, type SourceLocation } from '../../errors.js';
import { INPUT_LIMITS, limitError } from '../../internal/input-limits.js';
import { armLiteral, armUnescape, isArmExpression } from '../../text/arm.js';
import { isObject, parseJsonConfig, type Json, type JsonObject } from '../../targets/azure/common/arm-read.js';
import type { Converted } from '../converted.js';
import { keyPath } from '../converted.js';
import { parseArmExpression, ArmSyntaxError, type ArmExpression } from './expression.js';
import { ArmFunctionError, callFunction, isObjectValue, Unknown, type ArmValue, type FunctionContext } from './functions.js';

export interface ArmTemplateOptions {
  /** ARM parameters files (deploymentParameters schema), later ones winning. */
  readonly parameterFiles?: ReadonlyArray<{ readonly content: string; readonly file: string }>;
  /** `--param name=value`: a string, converted to the parameter's declared type. */
  readonly parameters?: Readonly<Record<string, string>>;
  /** `resourceGroup().location`. */
  readonly location?: string;
}

/** Loops deeper than this, or more copies, are refused (ARM allows 800 copies per loop). */
const MAX_COPIES = 800;

interface Slot {
  readonly declared: JsonObject | undefined;
  value?: ArmValue;
  evaluating?: boolean;
  /** Where its default is, for errors. */
  readonly path: string;
}

class Scope implements FunctionContext {
  readonly parameters = new Map<string, Slot>();
  readonly variables = new Map<string, Slot>();
  /** Enclosing copy loops, innermost last; `resource` loops are the ones an unnamed copyIndex() means. */
  loops: Array<{ name: string | undefined; index: number; resource: boolean }> = [];
  /** `lambdaVariables('x')` inside a `lambda` of `map`, `filter`, `sort`. */
  lambdas: ReadonlyMap<string, Json> = new Map();
  constructor(
    readonly file: string,
    readonly location: string | undefined,
    readonly evaluator: Evaluator,
  ) {}

  parameter(name: string): ArmValue {
    const slot = this.parameters.get(name.toLowerCase());
    if (!slot) throw new ArmFunctionError(`parameters('${name}'): the template declares no parameter '${name}'`);
    return this.resolveSlot(slot, `parameter '${name}'`, () => {
      const fallback = slot.declared?.['defaultValue'];
      if (fallback === undefined) return new Unknown(`parameter '${name}' has no value: give it in --parameters FILE or --param ${name}=VALUE`);
      return this.evaluator.value(fallback, `${slot.path}.defaultValue`, this);
    });
  }

  variable(name: string): ArmValue {
    const slot = this.variables.get(name.toLowerCase());
    if (!slot) throw new ArmFunctionError(`variables('${name}'): the template declares no variable '${name}'`);
    return this.resolveSlot(slot, `variable '${name}'`, () => this.evaluator.value(slot.declared as Json, slot.path, this.withoutLoops()));
  }

  resolveSlot(slot: Slot, what: string, compute: () => ArmValue): ArmValue {
    if ('value' in slot && slot.value !== undefined) return slot.value;
    if (slot.evaluating) throw new ArmFunctionError(`${what} refers to itself`);
    slot.evaluating = true;
    try {
      slot.value = compute();
    } finally {
      slot.evaluating = false;
    }
    return slot.value;
  }

  copyIndex(loop: string | undefined): number {
    const found = loop === undefined ? ([...this.loops].reverse().find((entry) => entry.resource) ?? this.loops[this.loops.length - 1]) : [...this.loops].reverse().find((entry) => entry.name?.toLowerCase() === loop.toLowerCase());
    if (!found) throw new ArmFunctionError(loop === undefined ? 'copyIndex() outside a copy loop' : `copyIndex('${loop}') outside the loop '${loop}'`);
    return found.index;
  }

  withLoop(name: string | undefined, index: number, resource = false): Scope {
    const copy = Object.create(this) as Scope;
    copy.loops = [...this.loops, { name, index, resource }];
    return copy;
  }

  withLambda(bound: ReadonlyMap<string, Json>): Scope {
    const copy = Object.create(this) as Scope;
    copy.lambdas = new Map([...this.lambdas, ...bound]);
    return copy;
  }

  withoutLoops(): Scope {
    const copy = Object.create(this) as Scope;
    copy.loops = [];
    return copy;
  }
}

function lookup(object: JsonObject, key: string): Json | undefined {
  const actual = Object.keys(object).find((candidate) => candidate.toLowerCase() === key.toLowerCase());
  return actual === undefined ? undefined : object[actual];
}

/** A `--param` string as the declared type takes it. */
function typedParameter(text: string, declared: JsonObject | undefined, name: string): Json {
  const type = String(declared?.['type'] ?? 'string').toLowerCase();
  if (type === 'int') {
    if (!/^[-+]?\d+$/.test(text.trim())) throw new TagwallError('TW_USAGE', `--param ${name}: '${text}' is not an integer (the parameter is an int)`);
    return Number(text);
  }
  if (type === 'bool') {
    if (!/^(true|false)$/i.test(text.trim())) throw new TagwallError('TW_USAGE', `--param ${name}: '${text}' is not true or false (the parameter is a bool)`);
    return text.trim().toLowerCase() === 'true';
  }
  if (type === 'array' || type === 'object') {
    try {
      return JSON.parse(text) as Json;
    } catch {
      throw new TagwallError('TW_USAGE', `--param ${name}: the parameter is an ${type}; give it as JSON`);
    }
  }
  return text;
}

/** A value left as the template wrote it (its expression could not be evaluated): written back unescaped. */
class Kept {
  constructor(readonly source: Json) {}
}

class Evaluator {
  readonly unresolved = new Map<string, string>();
  readonly origins = new Map<string, SourceLocation>();
  readonly notes: string[] = [];
  constructor(readonly file: string) {}

  error(path: string, message: string, code: 'TW_INVALID_CONFIG' | 'TW_UNSUPPORTED_CONFIG' = 'TW_INVALID_CONFIG'): TagwallError {
    return new TagwallError(code, message, { location: { file: this.file, jsonPath: path } });
  }

  /** One expression string's value. */
  expression(text: string, path: string, scope: Scope): ArmValue {
    let parsed: ArmExpression;
    try {
      parsed = parseArmExpression(text.slice(1, -1));
    } catch (error) {
      if (error instanceof ArmSyntaxError) throw this.error(path, `ARM expression '${text}': ${error.message} at character ${error.offset + 2}`);
      throw error;
    }
    try {
      return this.evaluate(parsed, scope);
    } catch (error) {
      if (error instanceof ArmFunctionError) throw this.error(path, `ARM expression '${text}': ${error.message}`);
      throw error;
    }
  }

  evaluate(expression: ArmExpression, scope: Scope): ArmValue {
    switch (expression.kind) {
      case 'string':
      case 'number':
      case 'literal':
        return expression.value;
      case 'call': {
        const name = expression.name.toLowerCase();
        // `if` and `coalesce` evaluate only what they need, so an unused branch may be unknown.
        if (name === 'if') {
          if (expression.args.length !== 3) throw new ArmFunctionError(`if takes 3 arguments, not ${expression.args.length}`);
          const condition = this.evaluate(expression.args[0]!, scope);
          if (condition instanceof Unknown) return condition;
          if (typeof condition !== 'boolean') throw new ArmFunctionError('if: the condition must be a bool');
          return this.evaluate(expression.args[condition ? 1 : 2]!, scope);
        }
        if (name === 'map' || name === 'filter') return this.higherOrder(name, expression.args, scope);
        if (name === 'lambdavariables') {
          const variable = expression.args.length === 1 ? this.evaluate(expression.args[0]!, scope) : undefined;
          if (typeof variable !== 'string' || !scope.lambdas.has(variable)) throw new ArmFunctionError(`lambdaVariables(${JSON.stringify(variable)}) outside a lambda that binds it`);
          return scope.lambdas.get(variable)!;
        }
        if (name === 'lambda') throw new ArmFunctionError('lambda() is an argument of map() or filter()');
        if (name === 'coalesce') {
          for (const arg of expression.args) {
            const value = this.evaluate(arg, scope);
            if (value !== null) return value;
          }
          return null;
        }
        return callFunction(expression.name, expression.args.map((arg) => this.evaluate(arg, scope)), scope);
      }
      case 'property': {
        const target = this.evaluate(expression.target, scope);
        if (target instanceof Unknown) return target;
        if (!isObjectValue(target)) throw new ArmFunctionError(`'.${expression.name}' on a value that is not an object`);
        const value = lookup(target, expression.name);
        if (value === undefined) throw new ArmFunctionError(`the object has no property '${expression.name}'`);
        return value;
      }
      case 'index': {
        const target = this.evaluate(expression.target, scope);
        const index = this.evaluate(expression.index, scope);
        if (target instanceof Unknown) return target;
        if (index instanceof Unknown) return index;
        if (Array.isArray(target)) {
          if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= target.length) throw new ArmFunctionError(`index ${JSON.stringify(index)} is outside the array of ${target.length}`);
          return target[index]!;
        }
        if (isObjectValue(target) && typeof index === 'string') {
          const value = lookup(target, index);
          if (value === undefined) throw new ArmFunctionError(`the object has no property '${index}'`);
          return value;
        }
        throw new ArmFunctionError('[...] on a value that is neither an array nor an object');
      }
    }
  }

  /** `map(array, lambda('x', body))` and `filter(...)`; a second lambda parameter is the index. */
  higherOrder(name: 'map' | 'filter', args: readonly ArmExpression[], scope: Scope): ArmValue {
    const [source, lambda] = args;
    if (args.length !== 2 || lambda?.kind !== 'call' || lambda.name.toLowerCase() !== 'lambda' || lambda.args.length < 2) throw new ArmFunctionError(`${name} takes an array and a lambda`);
    const items = this.evaluate(source!, scope);
    if (items instanceof Unknown) return items;
    if (!Array.isArray(items)) throw new ArmFunctionError(`${name}: the first argument must be an array`);
    const names = lambda.args.slice(0, -1).map((parameter) => (parameter.kind === 'string' ? parameter.value : undefined));
    if (names.some((parameter) => parameter === undefined)) throw new ArmFunctionError("a lambda's parameters are strings");
    const body = lambda.args[lambda.args.length - 1]!;
    const out: Json[] = [];
    for (const [index, item] of items.entries()) {
      const bound = new Map<string, Json>([[names[0]!, item], ...(names[1] !== undefined ? [[names[1], index] as [string, Json]] : [])]);
      const value = this.evaluate(body, scope.withLambda(bound));
      if (value instanceof Unknown) return value;
      if (name === 'map') out.push(value);
      else if (value === true) out.push(item);
      else if (value !== false) throw new ArmFunctionError('filter: the lambda must give a bool');
    }
    return out;
  }

  /** A JSON value of the template with its expressions evaluated (and property `copy` loops expanded). */
  value(value: Json, path: string, scope: Scope, depth = 0): ArmValue {
    if (depth > INPUT_LIMITS.nesting) throw limitError(`values nest more than ${INPUT_LIMITS.nesting} deep`, { file: this.file, jsonPath: path });
    if (typeof value === 'string') return isArmExpression(value) ? this.expression(value, path, scope) : armUnescape(value);
    if (Array.isArray(value)) return value.map((item, index) => this.settle(this.value(item, `${path}[${index}]`, scope, depth + 1), item, `${path}[${index}]`));
    if (!isObject(value)) return value;
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(value)) {
      const at = keyPath(path, key);
      if (key.toLowerCase() === 'copy' && Array.isArray(item)) {
        this.propertyCopies(item, at, scope, out, depth);
        continue;
      }
      const evaluatedKey = isArmExpression(key) ? this.expression(key, at, scope) : armUnescape(key);
      const name = typeof evaluatedKey === 'string' ? evaluatedKey : key;
      const result = this.value(item, at, scope, depth + 1);
      out[name] = this.settle(result, item, at);
    }
    return out;
  }

  /** An Unknown as the expression text it came from, recorded for the parser's error. */
  settle(result: ArmValue, source: Json, path: string): Json {
    if (!(result instanceof Unknown)) return result;
    this.unresolved.set(path, result.reason);
    return new Kept(source) as unknown as Json;
  }

  /** `"copy": [{ "name": "rules", "count": n, "input": {...} }]` → `rules: [n values]`. */
  propertyCopies(entries: Json[], path: string, scope: Scope, out: JsonObject, depth: number): void {
    entries.forEach((entry, index) => {
      const at = `${path}[${index}]`;
      if (!isObject(entry) || typeof entry['name'] !== 'string' || entry['input'] === undefined) throw this.error(at, "a property copy needs 'name', 'count' and 'input'");
      const name = entry['name'];
      const count = this.count(entry['count'] ?? null, `${at}.count`, scope);
      out[name] = Array.from({ length: count }, (_, copy) => this.settle(this.value(entry['input']!, `${at}.input`, scope.withLoop(name, copy), depth + 1), entry['input']!, `${path}[${copy}]`));
    });
  }

  count(value: Json, path: string, scope: Scope): number {
    const count = this.value(value, path, scope);
    if (count instanceof Unknown) throw this.error(path, `the copy count cannot be worked out: ${count.reason}`, 'TW_UNSUPPORTED_CONFIG');
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) throw this.error(path, 'the copy count must be a whole number');
    if (count > MAX_COPIES) throw this.error(path, `the copy count ${count} is over ARM's ${MAX_COPIES}`);
    return count;
  }

  /** The resources of a template (array, or object keyed by symbolic name), evaluated, loops expanded. */
  resources(list: Json | undefined, path: string, scope: Scope, out: Json[], depth = 1): void {
    if (list === undefined || list === null) return;
    if (depth > INPUT_LIMITS.armResourceDepth) throw limitError(`resources nest more than ${INPUT_LIMITS.armResourceDepth} deep`, { file: this.file, jsonPath: path });
    const entries: Array<[Json, string]> = Array.isArray(list)
      ? list.map((item, index) => [item, `${path}[${index}]`])
      : isObject(list)
        ? Object.entries(list).map(([key, item]) => [item, keyPath(path, key)])
        : [];
    if (!Array.isArray(list) && !isObject(list)) throw this.error(path, 'resources must be an array or an object');
    for (const [resource, at] of entries) {
      if (!isObject(resource)) throw this.error(at, 'expected a resource object');
      const copy = resource['copy'];
      if (isObject(copy)) {
        const name = typeof copy['name'] === 'string' ? copy['name'] : undefined;
        const count = this.count(copy['count'] ?? null, `${at}.copy.count`, scope);
        for (let index = 0; index < count; index++) this.resource(resource, at, scope.withLoop(name, index, true), out, depth);
      } else this.resource(resource, at, scope, out, depth);
    }
  }

  resource(resource: JsonObject, path: string, scope: Scope, out: Json[], depth: number): void {
    if (resource['existing'] === true) return;
    if (resource['condition'] !== undefined) {
      const condition = this.value(resource['condition'], `${path}.condition`, scope);
      if (condition instanceof Unknown) throw this.error(`${path}.condition`, `whether this resource is deployed cannot be worked out: ${condition.reason}`, 'TW_UNSUPPORTED_CONFIG');
      if (condition === false) return;
    }
    const type = typeof resource['type'] === 'string' ? resource['type'] : '';
    const properties = resource['properties'];
    if (type.toLowerCase() === 'microsoft.resources/deployments' && isObject(properties) && isObject(properties['template'])) {
      this.deployment(properties, `${path}.properties`, scope, out, depth);
      return;
    }
    const target = `$.resources[${out.length}]`;
    this.origins.set(target, { file: this.file, jsonPath: path });
    const evaluated: JsonObject = {};
    const nested: Json[] = [];
    for (const [key, item] of Object.entries(resource)) {
      const lower = key.toLowerCase();
      if (['copy', 'condition', 'dependson', 'existing', 'comments'].includes(lower)) continue;
      if (lower === 'resources') {
        this.resources(item, `${path}.${key}`, scope, nested, depth + 1);
        continue;
      }
      const at = keyPath(path, key);
      evaluated[key] = this.settle(this.value(item, at, scope), item, at);
    }
    if (nested.length > 0) evaluated['resources'] = nested;
    this.moveUnresolved(path, target);
    out.push(evaluated);
  }


  /** Unresolved values were recorded by their path in the template; the parsers see the converted document's paths. */
  moveUnresolved(from: string, to: string): void {
    for (const [path, reason] of [...this.unresolved]) {
      if (path === from || path.startsWith(`${from}.`) || path.startsWith(`${from}[`)) {
        this.unresolved.delete(path);
        this.unresolved.set(to + path.slice(from.length), reason);
      }
    }
  }

  /** An inline nested deployment: its template evaluated with its parameters (inner scope, as Bicep modules are). */
  deployment(properties: JsonObject, path: string, outer: Scope, out: Json[], depth: number): void {
    const template = properties['template'] as JsonObject;
    const inner = isObject(properties['expressionEvaluationOptions']) && String(properties['expressionEvaluationOptions']['scope']).toLowerCase() === 'inner';
    if (!inner) {
      // Outer scope: the nested template's expressions see the parent's parameters and variables.
      this.resources(template['resources'], `${path}.template.resources`, outer, out, depth + 1);
      return;
    }
    const given = new Map<string, ArmValue>();
    const parameters = properties['parameters'];
    if (isObject(parameters)) {
      for (const [name, entry] of Object.entries(parameters)) {
        const at = `${keyPath(`${path}.parameters`, name)}.value`;
        if (isObject(entry) && entry['value'] !== undefined) given.set(name.toLowerCase(), this.value(entry['value'], at, outer));
        else given.set(name.toLowerCase(), new Unknown(`module parameter '${name}' is not a literal value`));
      }
    }
    const scope = declareTemplate(this, template, `${path}.template`, outer.location, given);
    this.resources(template['resources'], `${path}.template.resources`, scope, out, depth + 1);
  }
}

function declareTemplate(evaluator: Evaluator, template: JsonObject, path: string, location: string | undefined, given: ReadonlyMap<string, ArmValue>): Scope {
  const scope = new Scope(evaluator.file, location, evaluator);
  const parameters = template['parameters'];
  if (isObject(parameters)) {
    for (const [name, declared] of Object.entries(parameters)) {
      const slot: Slot = { declared: isObject(declared) ? declared : undefined, path: keyPath(`${path}.parameters`, name) };
      const value = given.get(name.toLowerCase());
      if (value !== undefined) slot.value = value;
      scope.parameters.set(name.toLowerCase(), slot);
    }
  }
  const variables = template['variables'];
  if (isObject(variables)) {
    for (const [name, value] of Object.entries(variables)) {
      if (name.toLowerCase() === 'copy' && Array.isArray(value)) {
        // Variable loops: `"copy": [{ "name": "v", "count": n, "input": ... }]` defines variable v.
        value.forEach((entry, index) => {
          if (isObject(entry) && typeof entry['name'] === 'string') {
            scope.variables.set(entry['name'].toLowerCase(), { declared: { copy: [entry] } as JsonObject, path: `${path}.variables.copy[${index}]` });
          }
        });
        continue;
      }
      scope.variables.set(name.toLowerCase(), { declared: value as JsonObject, path: keyPath(`${path}.variables`, name) });
    }
  }
  // A variable loop's slot holds `{copy: [...]}`: evaluating it gives `{name: [...]}`; unwrap.
  for (const [name, slot] of scope.variables) {
    const declared = slot.declared as Json;
    if (isObject(declared) && Array.isArray(declared['copy']) && Object.keys(declared).length === 1) {
      const entry = (declared['copy'] as Json[])[0];
      if (isObject(entry) && typeof entry['name'] === 'string' && entry['name'].toLowerCase() === name) {
        scope.variables.set(name, {
          declared: undefined,
          path: slot.path,
          get value(): ArmValue {
            const result = evaluator.value({ copy: [entry] }, slot.path, scope.withoutLoops());
            return isObjectValue(result) ? (result[entry['name'] as string] ?? null) : result;
          },
        } as Slot);
      }
    }
  }
  return scope;
}

/** Parameter values from parameters files and `--param`, checked against the declarations. */
function givenParameters(template: JsonObject, options: ArmTemplateOptions): Map<string, ArmValue> {
  const declared = isObject(template['parameters']) ? template['parameters'] : {};
  const find = (name: string): [string, JsonObject | undefined] | undefined => {
    const actual = Object.keys(declared).find((key) => key.toLowerCase() === name.toLowerCase());
    return actual === undefined ? undefined : [actual, isObject(declared[actual]) ? declared[actual] : undefined];
  };
  const given = new Map<string, ArmValue>();
  for (const { content, file } of options.parameterFiles ?? []) {
    const root = parseJsonConfig(content, file);
    if (!isObject(root.value) || !isObject(root.value['parameters'])) {
      throw new TagwallError('TW_INVALID_CONFIG', "not an ARM parameters file: expected { \"parameters\": { \"name\": { \"value\": ... } } } (deploymentParameters schema)", { location: { file, jsonPath: '$' } });
    }
    for (const [name, entry] of Object.entries(root.value['parameters'])) {
      const at = keyPath('$.parameters', name);
      const match = find(name);
      if (!match) throw new TagwallError('TW_INVALID_CONFIG', `the template declares no parameter '${name}'`, { location: { file, jsonPath: at } });
      if (!isObject(entry)) throw new TagwallError('TW_INVALID_CONFIG', 'expected { "value": ... }', { location: { file, jsonPath: at } });
      if (entry['value'] !== undefined) given.set(match[0].toLowerCase(), entry['value']);
      else if (entry['reference'] !== undefined) given.set(match[0].toLowerCase(), new Unknown(`parameter '${name}' is a Key Vault reference in ${file}; give its value with --param ${name}=VALUE`));
      else throw new TagwallError('TW_INVALID_CONFIG', "expected 'value' or 'reference'", { location: { file, jsonPath: at } });
    }
  }
  for (const [name, text] of Object.entries(options.parameters ?? {})) {
    const match = find(name);
    if (!match) throw new TagwallError('TW_USAGE', `--param ${name}: the template declares no parameter '${name}' (it declares ${Object.keys(declared).join(', ') || 'none'})`);
    given.set(match[0].toLowerCase(), typedParameter(text, match[1], name));
  }
  return given;
}

/** Is this JSON an ARM deployment template (as opposed to a resource, a list, or az output)? */
export function isDeploymentTemplate(value: Json): value is JsonObject {
  return isObject(value) && typeof value['$schema'] === 'string' && /deploymentTemplate\.json/i.test(value['$schema']) && value['resources'] !== undefined;
}

/** Evaluates a template into plain ARM JSON (`{ resources: [...] }`). */
export function evaluateArmTemplate(template: JsonObject, file: string, options: ArmTemplateOptions = {}): Converted {
  const evaluator = new Evaluator(file);
  const scope = declareTemplate(evaluator, template, '$', options.location, givenParameters(template, options));
  const resources: Json[] = [];
  evaluator.resources(template['resources'], '$.resources', scope, resources);
  const document = { $schema: template['$schema'] ?? null, contentVersion: template['contentVersion'] ?? null, resources: reescape(resources) as Json[] } as JsonObject;
  return { kind: 'arm-template', file, document, origins: evaluator.origins, unresolved: evaluator.unresolved, notes: evaluator.notes };
}

/** A template's text, parsed (errors at their line) and evaluated. */
export function evaluateArmTemplateText(content: string, file: string, options: ArmTemplateOptions = {}): Converted {
  return evaluateArmTemplate(parseJsonConfig(content, file).value as never, file, options);
}

/**
 * Evaluated strings that look like expressions are written back escaped (`[[...]`), as in any ARM document: the
 * parsers unescape them. Unresolved fields keep their expression text (recorded in `unresolved`) and are left alone.
 */
function reescape(value: Json): Json {
  if ((value as unknown) instanceof Kept) return (value as unknown as Kept).source;
  if (typeof value === 'string') return armLiteral(value);
  if (Array.isArray(value)) return value.map((item) => reescape(item));
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) out[armLiteral(key)] = reescape(item);
  return out;
}
