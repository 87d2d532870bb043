/**
 * The UTF-8 size of a JSON value's compact text, `Buffer.byteLength(JSON.stringify(value))`, counted without
 * writing the text. The firewall measures its rule collection group against Azure's size limit (§1.5) on every
 * render; at 100k addresses that text is 1.5 MB written only to be measured and collected.
 */

/** Bytes of `JSON.stringify(text)` in UTF-8: the quotes, escapes, and multi-byte characters. */
export function jsonStringUtf8Length(text: string): number {
  let bytes = text.length + 2;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x20 && code < 0x7f && code !== 0x22 && code !== 0x5c) continue;
    bytes += extraBytes(text, i, code);
    // A surrogate pair is one 4-byte character: extraBytes counted both code units, so skip the low one.
    if (code >= 0xd800 && code <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) i++;
  }
  return bytes;
}

const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/** Bytes beyond one that the code unit at `i` takes in JSON.stringify's UTF-8 text (well-formed stringify, ES2019). */
function extraBytes(text: string, i: number, code: number): number {
  if (code === 0x22 || code === 0x5c) return 1; // \" and \\
  if (code === 0x08 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d) return 1; // \b \t \n \f \r
  if (code < 0x20) return 5; // \u00XX
  if (code < 0x80) return 0; // DEL is written as it is
  if (code < 0x800) return 1;
  if (code >= 0xd800 && code <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) return 2; // 4 bytes for 2 units
  if (code >= 0xd800 && code <= 0xdfff) return 5; // a lone surrogate is written \udXXX
  return 2;
}

/**
 * `Buffer.byteLength(JSON.stringify(value), 'utf8')` for JSON values: strings, finite numbers, booleans, null, arrays
 * and plain objects (a property whose value is undefined is left out, as JSON.stringify does). Anything else (a
 * toJSON method, a non-finite number) is measured by stringifying that part.
 */
export function jsonUtf8Length(value: unknown): number {
  if (typeof value === 'string') return jsonStringUtf8Length(value);
  if (typeof value === 'boolean') return value ? 4 : 5;
  if (value === null) return 4;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value).length;
  if (Array.isArray(value)) return arrayUtf8Length(value);
  if (isPlainObject(value)) return objectUtf8Length(value);
  const text = JSON.stringify(value) as string | undefined;
  return text === undefined ? 0 : Buffer.byteLength(text, 'utf8');
}

function arrayUtf8Length(items: readonly unknown[]): number {
  let bytes = 2 + Math.max(0, items.length - 1);
  for (const item of items) bytes += isOmitted(item) ? 4 : jsonUtf8Length(item); // undefined in an array is null
  return bytes;
}

function objectUtf8Length(object: Record<string, unknown>): number {
  let bytes = 2;
  let members = 0;
  for (const key of Object.keys(object)) {
    const item = object[key];
    if (isOmitted(item)) continue;
    bytes += jsonStringUtf8Length(key) + 1 + jsonUtf8Length(item);
    members++;
  }
  return bytes + Math.max(0, members - 1);
}

/** Values JSON.stringify leaves out of an object (and writes as null in an array). */
const isOmitted = (value: unknown): boolean => value === undefined || typeof value === 'function' || typeof value === 'symbol';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || 'toJSON' in value) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
