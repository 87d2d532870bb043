/**
 * Static evaluation of HCL expressions: literals, templates, lists, objects, operators, conditionals, `for`
 * expressions and a few pure functions, over variables the caller binds (`var`, `local`, `each`, `count`,
 * resources). Anything only Terraform can know (a data source, an id of a resource tagwall has no name for, an
 * impure function) throws TW_UNSUPPORTED_CONFIG with the file:line:column of the expression.
 */
import { TagwallError, type SourceLocation } from '../../errors.js';
import type { Json, JsonObject } from '../../targets/azure/common/arm-read.js';
import type { HclExpression, HclTraversalStep, Position } from './hcl-parser.js';

/** Resolves a root name (`var`, `local`, `each`, `azurerm_x`) followed by its traversal steps, or throws. */
export interface HclScope {
  readonly file: string;
  /** The value of `name` with as many of `steps` applied as it chooses; returns how many it consumed. */
  resolve(name: string, steps: readonly HclTraversalStep[], pos: Position): { value: Json; consumed: number };
}

export function unresolvable(file: string, pos: Position, message: string): TagwallError {
  return new TagwallError('TW_UNSUPPORTED_CONFIG', `${message}; tagwall reads values it can work out without Terraform (give variables with --var NAME=VALUE or --var-file FILE, or read the plan: terraform show -json)`, { location: { file, line: pos.line, column: pos.column } });
}

function wrong(file: string, pos: Position, message: string): TagwallError {
  const location: SourceLocation = { file, line: pos.line, column: pos.column };
  return new TagwallError('TW_INVALID_CONFIG', message, { location });
}

function isMap(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toText(value: Json, file: string, pos: Position): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw wrong(file, pos, `a ${value === null ? 'null' : Array.isArray(value) ? 'list' : 'map'} cannot be used as a string`);
}

/** The pure functions tagwall evaluates (Terraform's of the same names). */
const FUNCTIONS: Readonly<Record<string, (args: Json[], fail: (message: string) => TagwallError) => Json>> = {
  lower: ([value], fail) => (typeof value === 'string' ? value.toLowerCase() : (() => { throw fail('lower takes a string'); })()),
  upper: ([value], fail) => (typeof value === 'string' ? value.toUpperCase() : (() => { throw fail('upper takes a string'); })()),
  tostring: ([value]) => (value === null || value === undefined ? null : typeof value === 'string' ? value : JSON.stringify(value)),
  tonumber: ([value], fail) => {
    const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
    if (Number.isNaN(number)) throw fail(`'${String(value)}' is not a number`);
    return number;
  },
  tolist: ([value]) => (isMap(value ?? null) ? Object.values(value as JsonObject) : (value ?? null)),
  toset: ([value], fail) => {
    if (!Array.isArray(value)) throw fail('toset takes a list');
    return [...new Map(value.map((item) => [JSON.stringify(item), item])).values()].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  },
  tomap: ([value]) => value ?? null,
  concat: (args, fail) => args.flatMap((value) => (Array.isArray(value) ? value : (() => { throw fail('concat takes lists'); })())),
  flatten: ([value], fail) => {
    if (!Array.isArray(value)) throw fail('flatten takes a list');
    const out: Json[] = [];
    const walk = (items: Json[]): void => items.forEach((item) => (Array.isArray(item) ? walk(item) : out.push(item)));
    walk(value);
    return out;
  },
  distinct: ([value], fail) => {
    if (!Array.isArray(value)) throw fail('distinct takes a list');
    return [...new Map(value.map((item) => [JSON.stringify(item), item])).values()];
  },
  merge: (args, fail) => Object.assign({}, ...args.map((value) => (isMap(value) ? value : value === null ? {} : (() => { throw fail('merge takes maps'); })()))) as JsonObject,
  join: ([separator, list], fail) => {
    if (typeof separator !== 'string' || !Array.isArray(list)) throw fail('join takes a separator and a list');
    return list.map((item) => String(item)).join(separator);
  },
  split: ([separator, text], fail) => {
    if (typeof separator !== 'string' || typeof text !== 'string') throw fail('split takes a separator and a string');
    return text.split(separator);
  },
  replace: ([text, search, replacement], fail) => {
    if (typeof text !== 'string' || typeof search !== 'string' || typeof replacement !== 'string') throw fail('replace takes three strings');
    if (search.length > 1 && search.startsWith('/') && search.endsWith('/')) throw fail('replace with a regular expression is not evaluated');
    return text.split(search).join(replacement);
  },
  trimspace: ([text], fail) => (typeof text === 'string' ? text.trim() : (() => { throw fail('trimspace takes a string'); })()),
  format: ([pattern, ...values], fail) => {
    if (typeof pattern !== 'string') throw fail('format takes a format string');
    let next = 0;
    return pattern.replace(/%(%|[-+ #0]*\d*(?:\.\d+)?[sdvq])/g, (_whole: string, verb: string) => {
      if (verb === '%') return '%';
      const value = values[next++];
      if (value === undefined) throw fail(`format: too few values for '${pattern}'`);
      return verb.endsWith('q') ? JSON.stringify(value) : typeof value === 'string' ? value : JSON.stringify(value);
    });
  },
  length: ([value], fail) => (Array.isArray(value) || typeof value === 'string' ? value.length : isMap(value ?? null) ? Object.keys(value as JsonObject).length : (() => { throw fail('length takes a list, map or string'); })()),
  keys: ([value], fail) => (isMap(value ?? null) ? Object.keys(value as JsonObject).sort() : (() => { throw fail('keys takes a map'); })()),
  values: ([value], fail) => (isMap(value ?? null) ? Object.keys(value as JsonObject).sort().map((key) => (value as JsonObject)[key]!) : (() => { throw fail('values takes a map'); })()),
  lookup: ([map, key, fallback], fail) => {
    if (!isMap(map ?? null) || typeof key !== 'string') throw fail('lookup takes a map and a key');
    const found = (map as JsonObject)[key];
    if (found !== undefined) return found;
    if (fallback === undefined) throw fail(`lookup: no key '${key}'`);
    return fallback;
  },
  coalesce: (args) => args.find((value) => value !== null && value !== '') ?? null,
  try: (args) => args[0] ?? null,
  jsonencode: ([value]) => JSON.stringify(value ?? null),
  jsondecode: ([value], fail) => {
    if (typeof value !== 'string') throw fail('jsondecode takes a string');
    try {
      return JSON.parse(value) as Json;
    } catch {
      throw fail('jsondecode: not JSON');
    }
  },
  contains: ([list, value], fail) => (Array.isArray(list) ? list.some((item) => JSON.stringify(item) === JSON.stringify(value)) : (() => { throw fail('contains takes a list'); })()),
  range: (args, fail) => {
    const numbers = args.map((value) => (typeof value === 'number' ? value : (() => { throw fail('range takes numbers'); })()));
    const [start, end, step] = numbers.length === 1 ? [0, numbers[0]!, 1] : [numbers[0]!, numbers[1]!, numbers[2] ?? 1];
    if (step === 0 || Math.abs((end - start) / step) > 10000) throw fail('range is too long');
    const out: number[] = [];
    for (let value = start; step > 0 ? value < end : value > end; value += step) out.push(value);
    return out;
  },
};

/** Evaluates `expression` in `scope`; `locals` are the `for` expression's names. */
export function evaluateHcl(expression: HclExpression, scope: HclScope, locals: ReadonlyMap<string, Json> = new Map(), depth = 0): Json {
  const file = scope.file;
  const again = (inner: HclExpression, names = locals): Json => evaluateHcl(inner, scope, names, depth + 1);
  if (depth > 256) throw wrong(file, expression.pos, 'the expression nests too deep');
  switch (expression.kind) {
    case 'literal':
      return expression.value;
    case 'template': {
      if (expression.parts.length === 1 && typeof expression.parts[0] !== 'string') {
        return again(expression.parts[0]!); // `"${x}"` is x itself, whatever its type
      }
      return expression.parts.map((part) => (typeof part === 'string' ? part : toText(again(part), file, part.pos))).join('');
    }
    case 'tuple':
      return expression.items.map((item) => again(item));
    case 'object': {
      const out: JsonObject = {};
      for (const { key, value } of expression.items) {
        const name = key.kind === 'variable' ? key.name : toText(again(key), file, key.pos);
        out[name] = again(value);
      }
      return out;
    }
    case 'variable':
    case 'traversal':
    case 'splat':
      return traverse(expression, scope, locals, depth);
    case 'call': {
      const fn = FUNCTIONS[expression.name];
      if (!fn) throw unresolvable(file, expression.pos, `the function ${expression.name}() is not evaluated by tagwall`);
      let args = expression.args.map((arg) => again(arg));
      if (expression.expand) {
        const last = args[args.length - 1];
        if (!Array.isArray(last)) throw wrong(file, expression.pos, `'...' expands a list`);
        args = [...args.slice(0, -1), ...last];
      }
      return fn(args, (message) => wrong(file, expression.pos, `${expression.name}(): ${message}`));
    }
    case 'unary': {
      const operand = again(expression.operand);
      if (expression.op === '!') {
        if (typeof operand !== 'boolean') throw wrong(file, expression.pos, "'!' takes a bool");
        return !operand;
      }
      if (typeof operand !== 'number') throw wrong(file, expression.pos, "'-' takes a number");
      return -operand;
    }
    case 'binary':
      return binary(expression.op, again(expression.left), () => again(expression.right), file, expression.pos);
    case 'conditional': {
      const condition = again(expression.condition);
      if (typeof condition !== 'boolean') throw wrong(file, expression.pos, 'the condition must be a bool');
      return again(condition ? expression.then : expression.otherwise);
    }
    case 'for': {
      const collection = again(expression.collection);
      const entries: Array<[Json, Json]> = Array.isArray(collection)
        ? collection.map((value, index) => [index, value])
        : isMap(collection)
          ? Object.keys(collection).sort().map((key) => [key, collection[key]!])
          : (() => {
              throw wrong(file, expression.collection.pos, 'a for expression iterates a list or a map');
            })();
      const listOut: Json[] = [];
      const mapOut: JsonObject = {};
      for (const [key, value] of entries) {
        const names = new Map(locals);
        if (expression.keyVar !== undefined) names.set(expression.keyVar, key);
        names.set(expression.valueVar, value);
        if (expression.condition) {
          const keep = again(expression.condition, names);
          if (keep !== true && keep !== false) throw wrong(file, expression.condition.pos, "a for expression's if must be a bool");
          if (!keep) continue;
        }
        const item = again(expression.valueExpr, names);
        if (expression.keyExpr) {
          const name = toText(again(expression.keyExpr, names), file, expression.keyExpr.pos);
          if (expression.grouping) ((mapOut[name] ??= []) as Json[]).push(item);
          else if (name in mapOut) throw wrong(file, expression.keyExpr.pos, `the for expression gives key '${name}' twice (use '...' to group)`);
          else mapOut[name] = item;
        } else listOut.push(item);
      }
      return expression.keyExpr ? mapOut : listOut;
    }
  }
}

function binary(op: string, left: Json, right: () => Json, file: string, pos: Position): Json {
  if (op === '&&' || op === '||') {
    if (typeof left !== 'boolean') throw wrong(file, pos, `'${op}' takes bools`);
    if (op === '&&' ? !left : left) return left;
    const value = right();
    if (typeof value !== 'boolean') throw wrong(file, pos, `'${op}' takes bools`);
    return value;
  }
  const other = right();
  if (op === '==' || op === '!=') return (JSON.stringify(left) === JSON.stringify(other)) === (op === '==');
  const number = (value: Json): number => {
    const result = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
    if (Number.isNaN(result)) throw wrong(file, pos, `'${op}' takes numbers`);
    return result;
  };
  const [a, b] = [number(left), number(other)];
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      return a % b;
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '<=':
      return a <= b;
    default:
      return a >= b;
  }
}

/** Flattens `a.b[0].c` into its root and steps. */
function unwind(expression: HclExpression): { root: HclExpression; steps: HclTraversalStep[] } {
  const steps: HclTraversalStep[] = [];
  let node = expression;
  while (node.kind === 'traversal') {
    steps.unshift(node.step);
    node = node.target;
  }
  return { root: node, steps };
}

export function applyStep(value: Json, step: HclTraversalStep, key: Json, file: string, pos: Position): Json {
  if (step.kind === 'attr') {
    if (!isMap(value) || !(step.name in value)) throw wrong(file, pos, `no attribute '${step.name}' here`);
    return value[step.name]!;
  }
  if (Array.isArray(value)) {
    if (typeof key !== 'number' || !Number.isInteger(key) || key < 0 || key >= value.length) throw wrong(file, pos, `index ${JSON.stringify(key)} is outside the list of ${value.length}`);
    return value[key]!;
  }
  if (isMap(value)) {
    const name = String(key);
    if (!(name in value)) throw wrong(file, pos, `no key '${name}' here`);
    return value[name]!;
  }
  throw wrong(file, pos, 'only lists and maps can be indexed');
}

function traverse(expression: HclExpression, scope: HclScope, locals: ReadonlyMap<string, Json>, depth: number): Json {
  const file = scope.file;
  if (expression.kind === 'splat') {
    const target = evaluateHcl(expression.target, scope, locals, depth + 1);
    const items = Array.isArray(target) ? target : target === null ? [] : [target];
    return items.map((item) => expression.steps.reduce<Json>((value, step) => applyStep(value, step, step.kind === 'index' ? evaluateHcl(step.key, scope, locals, depth + 1) : null, file, expression.pos), item));
  }
  const { root, steps } = unwind(expression);
  let value: Json;
  let rest = steps;
  if (root.kind === 'variable' && locals.has(root.name)) value = locals.get(root.name)!;
  else if (root.kind === 'variable') {
    // Index keys are evaluated here, so a resolver sees `azurerm_x.y["k"]` as literal steps.
    const literalSteps = steps.map((step): HclTraversalStep => (step.kind === 'index' ? { kind: 'index', key: { kind: 'literal', value: literalKey(evaluateHcl(step.key, scope, locals, depth + 1), file, step.key.pos), pos: step.key.pos } } : step));
    const resolved = scope.resolve(root.name, literalSteps, root.pos);
    value = resolved.value;
    rest = literalSteps.slice(resolved.consumed);
  } else value = evaluateHcl(root, scope, locals, depth + 1);
  for (const step of rest) value = applyStep(value, step, step.kind === 'index' ? evaluateHcl(step.key, scope, locals, depth + 1) : null, file, expression.pos);
  return value;
}

function literalKey(value: Json, file: string, pos: Position): string | number {
  if (typeof value === 'string' || typeof value === 'number') return value;
  throw wrong(file, pos, 'an index must be a string or a number');
}
