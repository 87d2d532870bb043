/**
 * Reading ARM JSON (templates, single resources, `az ... show` output) for the parsers: every value is fetched by
 * JSON path, so an error says where. Malformed input is TW_INVALID_CONFIG; valid ARM that tagwall cannot model
 * (expressions, FQDN tags, web categories) is TW_UNSUPPORTED_CONFIG.
 */
import { TagwallError } from '../../../errors.js';
import { checkSize, INPUT_LIMITS, limitError, stripBom } from '../../../internal/input-limits.js';
import { jsonErrorOffset, jsonErrorReason, lineColumnAt } from '../../../servicetags/json-position.js';
import { armUnescape, isArmExpression } from './escape.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A value with its JSON path and file, for error messages. */
export interface Located<T extends Json = Json> {
  readonly value: T;
  readonly path: string;
  readonly file: string;
}

export function parseJsonConfig(content: string, file: string): Located {
  checkSize(content, INPUT_LIMITS.configSize, 'the JSON config', file);
  // `az` on Windows and Windows editors write a byte-order mark, which JSON.parse refuses.
  const text = stripBom(content);
  try {
    return { value: JSON.parse(text) as Json, path: '$', file };
  } catch (error) {
    const message = (error as Error).message;
    throw new TagwallError('TW_INVALID_CONFIG', `not valid JSON: ${jsonErrorReason(message)}`, {
      location: { file, ...lineColumnAt(text, jsonErrorOffset(text, message)) },
    });
  }
}

export function invalid(at: Located, message: string): TagwallError {
  return new TagwallError('TW_INVALID_CONFIG', message, { location: { file: at.file, jsonPath: at.path } });
}
export function unsupported(at: Located, message: string): TagwallError {
  return new TagwallError('TW_UNSUPPORTED_CONFIG', message, { location: { file: at.file, jsonPath: at.path } });
}

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asObject(at: Located): Located<JsonObject> {
  if (!isObject(at.value)) throw invalid(at, 'expected an object');
  return at as Located<JsonObject>;
}

function keyPath(path: string, key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** A property, matched case-insensitively (ARM property names are case-insensitive); undefined when absent or null. */
export function child(at: Located<JsonObject>, key: string): Located | undefined {
  const actual = Object.keys(at.value).find((candidate) => candidate.toLowerCase() === key.toLowerCase());
  if (actual === undefined) return undefined;
  const value = at.value[actual];
  return value === null || value === undefined ? undefined : { value, path: keyPath(at.path, actual), file: at.file };
}

export function items(at: Located | undefined): Located[] {
  if (!at) return [];
  if (!Array.isArray(at.value)) throw invalid(at, 'expected an array');
  return at.value.map((value, index) => ({ value, path: `${at.path}[${index}]`, file: at.file }));
}

/** A literal string: ARM expressions are refused (tagwall does not evaluate templates), `[[` unescaped. */
export function literal(at: Located): string {
  if (typeof at.value !== 'string') throw invalid(at, 'expected a string');
  if (isArmExpression(at.value)) throw unsupported(at, `ARM expression '${at.value}' cannot be evaluated; deploy or export the template and parse the result`);
  return armUnescape(at.value);
}

export function stringAt(parent: Located<JsonObject>, key: string): string | undefined {
  const at = child(parent, key);
  return at === undefined ? undefined : literal(at);
}

export function requiredString(parent: Located<JsonObject>, key: string): string {
  const value = stringAt(parent, key);
  if (value === undefined) throw invalid(parent, `missing '${key}'`);
  return value;
}

export function stringsAt(parent: Located<JsonObject>, key: string): Array<{ text: string; at: Located }> {
  return items(child(parent, key)).map((at) => ({ text: literal(at), at }));
}

export function integerAt(parent: Located<JsonObject>, key: string): number | undefined {
  const at = child(parent, key);
  if (at === undefined) return undefined;
  if (typeof at.value === 'string' && isArmExpression(at.value)) throw unsupported(at, `ARM expression '${at.value}' cannot be evaluated`);
  if (typeof at.value !== 'number' || !Number.isInteger(at.value)) throw invalid(at, 'expected an integer');
  return at.value;
}

/** `properties` when present (ARM shape), else the object itself (the flattened shape `az` prints). */
export function propertiesOf(at: Located<JsonObject>): Located<JsonObject> {
  const properties = child(at, 'properties');
  return properties ? asObject(properties) : at;
}

/**
 * The resources of an ARM document: a template's `resources[]` (nested `resources[]` of a resource too, with their
 * types completed), a bare array of resources, or one resource. Each comes with its full type.
 */
export function armResources(root: Located): Array<{ type: string; resource: Located<JsonObject> }> {
  const found: Array<{ type: string; resource: Located<JsonObject> }> = [];
  const visit = (at: Located<JsonObject>, parentType: string | undefined, depth = 1): void => {
    if (depth > INPUT_LIMITS.armResourceDepth) throw limitError(`resources nest more than ${INPUT_LIMITS.armResourceDepth} deep`, { file: at.file, jsonPath: at.path });
    const typeAt = child(at, 'type');
    const ownType = typeAt === undefined ? undefined : literal(typeAt);
    const type = ownType && parentType && !ownType.includes('/') ? `${parentType}/${ownType}` : ownType;
    if (type) found.push({ type, resource: at });
    for (const nested of items(child(at, 'resources'))) visit(asObject(nested), type, depth + 1);
  };
  if (Array.isArray(root.value)) for (const item of items(root)) visit(asObject(item), undefined);
  else visit(asObject(root), undefined);
  return found;
}

export function sameType(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
