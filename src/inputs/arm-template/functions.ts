/**
 * The ARM template functions tagwall evaluates: the ones network templates and compiled Bicep use (Microsoft Learn,
 * "Template functions"). Deployment-time functions (`reference`, `uniqueString`, `listKeys`, `newGuid`, ...) are not
 * evaluated: their value is Unknown, and a parser that needs it says which function, where.
 */
import type { Json, JsonObject } from '../../targets/azure/common/arm-read.js';

/** A value only the deployment knows (a missing parameter, a runtime function): why, for the error that needs it. */
export class Unknown {
  constructor(readonly reason: string) {}
}
export type ArmValue = Json | Unknown;

/** Bad arguments: the evaluator turns this into TW_INVALID_CONFIG at the expression's JSON path. */
export class ArmFunctionError extends Error {}

/** What a function sees besides its arguments. */
export interface FunctionContext {
  parameter(name: string): ArmValue;
  variable(name: string): ArmValue;
  copyIndex(loop: string | undefined): number;
  /** `resourceGroup().location`. */
  readonly location: string | undefined;
}

/** Subscription and resource group that `resourceId` and `resourceGroup()` stand in for: ids are compared by their last segment. */
export const PLACEHOLDER_SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';
export const PLACEHOLDER_RESOURCE_GROUP = 'resource-group';

export function isObjectValue(value: ArmValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Unknown);
}

function typeName(value: ArmValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value === 'number' ? 'int' : typeof value === 'boolean' ? 'bool' : 'string';
}

function str(value: ArmValue, name: string, position: number): string {
  if (typeof value !== 'string') throw new ArmFunctionError(`${name}: argument ${position} must be a string, not ${typeName(value)}`);
  return value;
}
function int(value: ArmValue, name: string, position: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new ArmFunctionError(`${name}: argument ${position} must be an integer, not ${typeName(value)}`);
  return value;
}
function arr(value: ArmValue, name: string, position: number): Json[] {
  if (!Array.isArray(value)) throw new ArmFunctionError(`${name}: argument ${position} must be an array, not ${typeName(value)}`);
  return value;
}
function arity(args: readonly ArmValue[], name: string, min: number, max = min): void {
  if (args.length < min || args.length > max) {
    throw new ArmFunctionError(`${name} takes ${min === max ? min : max === Infinity ? `at least ${min}` : `${min} to ${max}`} argument${max === 1 ? '' : 's'}, not ${args.length}`);
  }
}

/** ARM `string()`: strings as they are, booleans `True`/`False` (.NET), arrays and objects as compact JSON. */
export function armString(value: Json): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value === null) return '';
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

/** .NET composite formatting as `format()` takes it: `{0}`, `{1,5}` alignment, `{{`/`}}`; numeric format specifiers beyond none are refused. */
function dotnetFormat(pattern: string, args: readonly Json[]): string {
  let out = '';
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index]!;
    if (char === '{' && pattern[index + 1] === '{') {
      out += '{';
      index++;
    } else if (char === '}' && pattern[index + 1] === '}') {
      out += '}';
      index++;
    } else if (char === '{') {
      const end = pattern.indexOf('}', index);
      const match = end < 0 ? null : /^(\d+)(?:,(-?\d+))?(?::(.*))?$/.exec(pattern.slice(index + 1, end));
      if (!match) throw new ArmFunctionError(`format: '${pattern}' has a malformed placeholder at character ${index + 1}`);
      const position = Number(match[1]);
      if (position >= args.length) throw new ArmFunctionError(`format: '${pattern}' uses {${position}} but has ${args.length} value${args.length === 1 ? '' : 's'}`);
      if (match[3] !== undefined && match[3] !== '') throw new ArmFunctionError(`format: the format specifier ':${match[3]}' is not supported`);
      let text = armString(args[position]!);
      const width = match[2] === undefined ? 0 : Number(match[2]);
      if (width > 0) text = text.padStart(width);
      else if (width < 0) text = text.padEnd(-width);
      out += text;
      index = end;
    } else if (char === '}') throw new ArmFunctionError(`format: '${pattern}' has an unmatched '}' at character ${index + 1}`);
    else out += char;
  }
  return out;
}

function equalJson(a: Json, b: Json): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  return JSON.stringify(a) === JSON.stringify(b);
}

/** `resourceId([subscriptionId], [resourceGroupName], type, name1, name2, ...)`: the type is the first argument with a `/`. */
function resourceIdOf(args: readonly Json[], name: string, scope: 'group' | 'subscription'): string {
  const texts = args.map((value, index) => str(value, name, index + 1));
  const typeIndex = texts.findIndex((text) => text.includes('/'));
  if (typeIndex < 0) throw new ArmFunctionError(`${name}: no argument is a resource type ('Namespace/type')`);
  const before = texts.slice(0, typeIndex);
  const type = texts[typeIndex]!;
  const names = texts.slice(typeIndex + 1).flatMap((part) => part.split('/'));
  const typeParts = type.split('/');
  if (names.length !== typeParts.length - 1) throw new ArmFunctionError(`${name}: type '${type}' takes ${typeParts.length - 1} name segment(s), not ${names.length}`);
  const subscription = (scope === 'group' ? before.length === 2 : before.length === 1) ? before[0]! : PLACEHOLDER_SUBSCRIPTION;
  const group = scope === 'group' ? before[before.length - 1] ?? PLACEHOLDER_RESOURCE_GROUP : undefined;
  let id = `/subscriptions/${subscription}${group !== undefined ? `/resourceGroups/${group}` : ''}/providers/${typeParts[0]}`;
  typeParts.slice(1).forEach((part, index) => (id += `/${part}/${names[index]}`));
  return id;
}

/** Two integers or two strings (ordinal, as ARM compares them). */
function compare(a: Json, b: Json, name: string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new ArmFunctionError(`${name} compares two integers or two strings`);
}

type Eager = (args: Json[], context: FunctionContext) => ArmValue;

/** Functions evaluated with their arguments known (an Unknown argument makes the result Unknown). */
const EAGER: Readonly<Record<string, Eager>> = {
  parameters: (args, context) => (arity(args, 'parameters', 1), context.parameter(str(args[0]!, 'parameters', 1))),
  variables: (args, context) => (arity(args, 'variables', 1), context.variable(str(args[0]!, 'variables', 1))),
  copyindex: (args, context) => {
    arity(args, 'copyIndex', 0, 2);
    const loop = typeof args[0] === 'string' ? args[0] : undefined;
    const offset = args.length === 0 ? 0 : typeof args[0] === 'string' ? (args[1] === undefined ? 0 : int(args[1], 'copyIndex', 2)) : int(args[0]!, 'copyIndex', 1);
    return context.copyIndex(loop) + offset;
  },
  concat: (args) => {
    if (args.length === 0) return '';
    if (Array.isArray(args[0])) return args.flatMap((value, index) => arr(value, 'concat', index + 1));
    return args.map((value) => armString(value)).join('');
  },
  format: (args) => (arity(args, 'format', 1, Infinity), dotnetFormat(str(args[0]!, 'format', 1), args.slice(1))),
  tolower: (args) => (arity(args, 'toLower', 1), str(args[0]!, 'toLower', 1).toLowerCase()),
  toupper: (args) => (arity(args, 'toUpper', 1), str(args[0]!, 'toUpper', 1).toUpperCase()),
  trim: (args) => (arity(args, 'trim', 1), str(args[0]!, 'trim', 1).trim()),
  string: (args) => (arity(args, 'string', 1), armString(args[0]!)),
  int: (args) => {
    arity(args, 'int', 1);
    const value = args[0]!;
    if (typeof value === 'number' && Number.isInteger(value)) return value;
    if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) return Number(value);
    throw new ArmFunctionError(`int: '${armString(value)}' is not an integer`);
  },
  bool: (args) => {
    arity(args, 'bool', 1);
    const value = args[0]!;
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
    if (typeof value === 'number') return value !== 0;
    throw new ArmFunctionError(`bool: '${armString(value)}' is not a boolean`);
  },
  equals: (args) => (arity(args, 'equals', 2), equalJson(args[0]!, args[1]!)),
  not: (args) => (arity(args, 'not', 1), !(args[0] === true)),
  and: (args) => (arity(args, 'and', 2, Infinity), args.every((value) => value === true)),
  or: (args) => (arity(args, 'or', 2, Infinity), args.some((value) => value === true)),
  empty: (args) => {
    arity(args, 'empty', 1);
    const value = args[0]!;
    return value === null || value === '' || (Array.isArray(value) && value.length === 0) || (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0);
  },
  length: (args) => {
    arity(args, 'length', 1);
    const value = args[0]!;
    if (typeof value === 'string' || Array.isArray(value)) return value.length;
    if (isObjectValue(value)) return Object.keys(value).length;
    throw new ArmFunctionError(`length: takes a string, array or object, not ${typeName(value)}`);
  },
  split: (args) => {
    arity(args, 'split', 2);
    const text = str(args[0]!, 'split', 1);
    const delimiters = Array.isArray(args[1]) ? args[1].map((value, index) => str(value, 'split', index + 2)) : [str(args[1]!, 'split', 2)];
    let parts = [text];
    for (const delimiter of delimiters) parts = parts.flatMap((part) => part.split(delimiter));
    return parts;
  },
  replace: (args) => (arity(args, 'replace', 3), str(args[0]!, 'replace', 1).split(str(args[1]!, 'replace', 2)).join(str(args[2]!, 'replace', 3))),
  substring: (args) => {
    arity(args, 'substring', 2, 3);
    const text = str(args[0]!, 'substring', 1);
    const start = int(args[1]!, 'substring', 2);
    const length = args[2] === undefined ? text.length - start : int(args[2], 'substring', 3);
    if (start < 0 || length < 0 || start + length > text.length) throw new ArmFunctionError(`substring: ${start}+${length} is outside '${text}'`);
    return text.slice(start, start + length);
  },
  startswith: (args) => (arity(args, 'startsWith', 2), str(args[0]!, 'startsWith', 1).toLowerCase().startsWith(str(args[1]!, 'startsWith', 2).toLowerCase())),
  endswith: (args) => (arity(args, 'endsWith', 2), str(args[0]!, 'endsWith', 1).toLowerCase().endsWith(str(args[1]!, 'endsWith', 2).toLowerCase())),
  contains: (args) => {
    arity(args, 'contains', 2);
    const [container, item] = [args[0]!, args[1]!];
    if (typeof container === 'string') return container.toLowerCase().includes(str(item, 'contains', 2).toLowerCase());
    if (Array.isArray(container)) return container.some((entry) => equalJson(entry, item));
    if (isObjectValue(container)) return Object.keys(container).some((key) => key.toLowerCase() === str(item, 'contains', 2).toLowerCase());
    throw new ArmFunctionError('contains: takes a string, array or object');
  },
  createarray: (args) => args,
  array: (args) => (arity(args, 'array', 1), Array.isArray(args[0]) ? args[0] : [args[0]!]),
  createobject: (args) => {
    if (args.length % 2 !== 0) throw new ArmFunctionError('createObject takes key, value pairs');
    const object: JsonObject = {};
    for (let index = 0; index < args.length; index += 2) object[str(args[index]!, 'createObject', index + 1)] = args[index + 1]!;
    return object;
  },
  json: (args) => {
    arity(args, 'json', 1);
    try {
      return JSON.parse(str(args[0]!, 'json', 1)) as Json;
    } catch (error) {
      throw new ArmFunctionError(`json: not valid JSON: ${(error as Error).message}`);
    }
  },
  union: (args) => {
    arity(args, 'union', 1, Infinity);
    if (Array.isArray(args[0])) {
      const out: Json[] = [];
      for (const [index, value] of args.entries()) for (const item of arr(value, 'union', index + 1)) if (!out.some((seen) => JSON.stringify(seen) === JSON.stringify(item))) out.push(item);
      return out;
    }
    return Object.assign({}, ...args.map((value, index) => {
      if (!isObjectValue(value)) throw new ArmFunctionError(`union: argument ${index + 1} must be an object`);
      return value;
    })) as JsonObject;
  },
  first: (args) => (arity(args, 'first', 1), Array.isArray(args[0]) ? (args[0][0] ?? null) : str(args[0]!, 'first', 1).slice(0, 1)),
  last: (args) => (arity(args, 'last', 1), Array.isArray(args[0]) ? (args[0][args[0].length - 1] ?? null) : str(args[0]!, 'last', 1).slice(-1)),
  skip: (args) => (arity(args, 'skip', 2), Array.isArray(args[0]) ? args[0].slice(Math.max(0, int(args[1]!, 'skip', 2))) : str(args[0]!, 'skip', 1).slice(Math.max(0, int(args[1]!, 'skip', 2)))),
  take: (args) => (arity(args, 'take', 2), Array.isArray(args[0]) ? args[0].slice(0, Math.max(0, int(args[1]!, 'take', 2))) : str(args[0]!, 'take', 1).slice(0, Math.max(0, int(args[1]!, 'take', 2)))),
  range: (args) => {
    arity(args, 'range', 2);
    const [start, count] = [int(args[0]!, 'range', 1), int(args[1]!, 'range', 2)];
    if (count < 0 || count > 10000) throw new ArmFunctionError(`range: count ${count} is outside 0-10000`);
    return Array.from({ length: count }, (_, index) => start + index);
  },
  add: (args) => (arity(args, 'add', 2), int(args[0]!, 'add', 1) + int(args[1]!, 'add', 2)),
  sub: (args) => (arity(args, 'sub', 2), int(args[0]!, 'sub', 1) - int(args[1]!, 'sub', 2)),
  mul: (args) => (arity(args, 'mul', 2), int(args[0]!, 'mul', 1) * int(args[1]!, 'mul', 2)),
  div: (args) => {
    arity(args, 'div', 2);
    const divisor = int(args[1]!, 'div', 2);
    if (divisor === 0) throw new ArmFunctionError('div: division by zero');
    return Math.trunc(int(args[0]!, 'div', 1) / divisor);
  },
  mod: (args) => {
    arity(args, 'mod', 2);
    const divisor = int(args[1]!, 'mod', 2);
    if (divisor === 0) throw new ArmFunctionError('mod: division by zero');
    return int(args[0]!, 'mod', 1) % divisor;
  },
  tryget: (args) => {
    arity(args, 'tryGet', 2, Infinity);
    let value: Json | undefined = args[0]!;
    for (const key of args.slice(1)) {
      if (Array.isArray(value) && typeof key === 'number') value = value[key];
      else if (isObjectValue(value) && typeof key === 'string') value = Object.entries(value).find(([name]) => name.toLowerCase() === key.toLowerCase())?.[1];
      else value = undefined;
      if (value === undefined) return null;
    }
    return value ?? null;
  },
  items: (args) => {
    arity(args, 'items', 1);
    if (!isObjectValue(args[0])) throw new ArmFunctionError('items takes an object');
    const object = args[0];
    return Object.keys(object).sort().map((key) => ({ key, value: object[key]! }));
  },
  objectkeys: (args) => {
    arity(args, 'objectKeys', 1);
    if (!isObjectValue(args[0])) throw new ArmFunctionError('objectKeys takes an object');
    return Object.keys(args[0]);
  },
  greater: (args) => (arity(args, 'greater', 2), compare(args[0]!, args[1]!, 'greater') > 0),
  greaterorequals: (args) => (arity(args, 'greaterOrEquals', 2), compare(args[0]!, args[1]!, 'greaterOrEquals') >= 0),
  less: (args) => (arity(args, 'less', 2), compare(args[0]!, args[1]!, 'less') < 0),
  lessorequals: (args) => (arity(args, 'lessOrEquals', 2), compare(args[0]!, args[1]!, 'lessOrEquals') <= 0),
  true: (args) => (arity(args, 'true', 0), true),
  false: (args) => (arity(args, 'false', 0), false),
  null: (args) => (arity(args, 'null', 0), null),
  resourceid: (args) => resourceIdOf(args, 'resourceId', 'group'),
  subscriptionresourceid: (args) => resourceIdOf(args, 'subscriptionResourceId', 'subscription'),
  resourcegroup: (args, context) => {
    arity(args, 'resourceGroup', 0);
    if (context.location === undefined) return new Unknown("resourceGroup().location is the deployment's region: pass --region REGION (or give the template's location parameter a value)");
    return { id: `/subscriptions/${PLACEHOLDER_SUBSCRIPTION}/resourceGroups/${PLACEHOLDER_RESOURCE_GROUP}`, name: PLACEHOLDER_RESOURCE_GROUP, location: context.location };
  },
};

/** Functions whose value only the deployment knows. */
const RUNTIME = new Set(['reference', 'list', 'listkeys', 'listsecrets', 'listaccountsas', 'uniquestring', 'guid', 'newguid', 'utcnow', 'deployment', 'environment', 'subscription', 'tenant', 'managementgroup', 'pickzones', 'providers', 'extensionresourceid', 'tenantresourceid', 'managementgroupresourceid']);

/**
 * Calls `name` on evaluated arguments. A function tagwall does not evaluate gives Unknown, not an error: a template
 * may use it in a resource no target reads; where a parser needs the value, the error names the function and path.
 */
export function callFunction(name: string, args: readonly ArmValue[], context: FunctionContext): ArmValue {
  const lower = name.toLowerCase();
  const eager = EAGER[lower];
  if (!eager) {
    if (RUNTIME.has(lower) || lower.startsWith('list')) return new Unknown(`${name}() is known only when the template is deployed; tagwall does not evaluate it`);
    return new Unknown(`the template function ${name}() is not supported by tagwall's evaluator (docs/inputs.md lists those that are)`);
  }
  const unknown = args.find((value): value is Unknown => value instanceof Unknown);
  if (unknown) return unknown;
  return eager(args as Json[], context);
}
