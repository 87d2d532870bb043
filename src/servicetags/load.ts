/**
 * Reading Microsoft's "Azure IP Ranges and Service Tags" JSON (Public, AzureGovernment, China) into a TagTable.
 *
 * The input is whatever a user downloaded or a pipeline cached: plain or gzip (told apart by the gzip magic
 * bytes, never the file name), CRLF or LF, with or without a UTF-8 BOM. The shape is checked by hand so every
 * complaint names the JSON path it is about; keys Microsoft may add later are ignored.
 */
import { basename } from 'node:path';
import { TagwallError, withLocation } from '../errors.js';
import { checkSize, INPUT_LIMITS, limitError } from '../internal/input-limits.js';
import { nodeFs, nodeZlib } from '../internal/lazy.js';
import { parseCloud, type Cloud } from './cloud.js';
import { NameIndex } from './name-index.js';
import { gunzipOptions } from './prefetch.js';
import { eagerRows, scanServiceTags, type ScannedRows, type ScannedSnapshot } from './json-scan.js';
import { jsonErrorOffset, jsonErrorReason, lineColumnAt } from './json-position.js';
import { PrefixWriter } from './prefix-codec.js';
import type { EncodedColumns, PrefixCount, ServiceTagInfo, TagTable, FieldTexts } from './types.js';

/** Reads a file whole, as bytes. Throws TW_FILE naming the path. */
export function readBytes(path: string): Uint8Array {
  try {
    return nodeFs().readFileSync(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TagwallError('TW_FILE', `cannot read snapshot file: ${reason}`, { location: { file: path }, cause: error });
  }
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Bytes (gzip or not) or text to the JSON text, without a BOM. */
export function decodeText(data: Uint8Array | string, source: string): string {
  if (typeof data === 'string') {
    checkSize(data, INPUT_LIMITS.snapshotSize, 'the snapshot', source);
    return data.charCodeAt(0) === 0xfeff ? data.slice(1) : data;
  }
  return utf8Text(inflate(data, source), source);
}

/** The bytes of the JSON text: `data` itself, or gunzipped when it is gzip. Throws at the size cap. */
function inflate(data: Uint8Array, source: string): Uint8Array {
  checkCompressedSize(data, source);
  if (!isGzip(data)) return data;
  try {
    // A gzip bomb stops at the cap instead of filling memory.
    return nodeZlib().gunzipSync(data, gunzipOptions(data));
  } catch (error) {
    throw gunzipError(error, source);
  }
}

/**
 * `inflate` on libuv's threadpool: the JSON bytes of gzip `data` (isGzip), or the same error `inflate` throws.
 * A caller can read one file while another inflates (`snapshot diff`'s two files; issue 22).
 */
export function inflateOnThreadpool(data: Uint8Array, source: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    checkCompressedSize(data, source);
    nodeZlib().gunzip(data, gunzipOptions(data), (error, result) => (error ? reject(gunzipError(error, source)) : resolve(result)));
  });
}

/**
 * A gunzip of `data` started elsewhere (prefetch.ts: gunzipSync's inflation, made on the threadpool): its text, or
 * when it failed, inflateOnThreadpool's answer, so that the failure is reported in zlib.gunzip's own words (a
 * prefetch only speeds up a success).
 */
export function adoptInflation(inflated: Promise<Uint8Array>, data: Uint8Array, source: string): Promise<Uint8Array> {
  return inflated.catch(() => inflateOnThreadpool(data, source));
}

function checkCompressedSize(data: Uint8Array, source: string): void {
  if (data.length > INPUT_LIMITS.snapshotSize) throw limitError(`the snapshot is over the ${INPUT_LIMITS.snapshotSize / 1024 / 1024} MiB tagwall reads`, { file: source });
}

function gunzipError(error: unknown, source: string): TagwallError {
  if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
    return limitError(`the snapshot decompresses to over the ${INPUT_LIMITS.snapshotSize / 1024 / 1024} MiB tagwall reads`, { file: source });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new TagwallError('TW_FILE', `cannot decompress the gzip data: ${reason}`, { location: { file: source }, cause: error });
}

function utf8Text(bytes: Uint8Array, source: string): string {
  try {
    // `fatal` turns bytes that are not UTF-8 into an error instead of U+FFFD; the BOM is dropped by default.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new TagwallError('TW_INVALID_JSON', 'the snapshot is not UTF-8 text', { location: { file: source }, cause: error });
  }
}

/** YYYY-MM-DD from the `_YYYYMMDD` of Microsoft's file names (`ServiceTags_Public_20251028.json`). */
export function dateFromFileName(path: string): string | undefined {
  const match = /_(\d{4})(\d{2})(\d{2})(?!\d)/.exec(basename(path));
  if (!match) return undefined;
  const [, year, month, day] = match as unknown as [string, string, string, string];
  if (Number(month) < 1 || Number(month) > 12 || Number(day) < 1 || Number(day) > 31) return undefined;
  return `${year}-${month}-${day}`;
}

export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const { line, column } = lineColumnAt(text, jsonErrorOffset(text, message));
    throw new TagwallError('TW_INVALID_JSON', `invalid JSON: ${jsonErrorReason(message)}`, {
      location: { file: source, line, column },
      cause: error,
    });
  }
}

/**
 * Microsoft's tag names are letters, digits, `.`, `-` and `_` (every name in the Public, AzureGovernment and China
 * files; the NSG and firewall fields take a tag as that bare word). A name outside that grammar, or one Azure
 * reads as something else — an address (`10.0.0.1`), `Any` (NSG: any address), a virtual tag (`Internet`) — would
 * turn a rule that names it into a rule about something else (`*` allows every address), so it is refused.
 */
const TAG_NAME = /^[A-Za-z0-9._-]+$/;
const RESERVED_TAG_NAMES = ['any', 'internet', 'virtualnetwork', 'azureloadbalancer'];

/** Why `name` cannot be a service-tag name, or undefined when it can (checkTagName words the error with it). */
function tagNameProblem(name: string): string | undefined {
  if (!TAG_NAME.test(name)) return 'is not a service-tag name (letters, digits, ".", "-", "_" only)';
  if (/^[0-9.]+$/.test(name)) return 'reads as an address, not a tag';
  if (RESERVED_TAG_NAMES.includes(name.toLowerCase())) return 'is a word NSG rules read as something else (any address, or a virtual tag)';
  return undefined;
}

export function checkTagName(name: string, location: { readonly file: string; readonly jsonPath: string }): void {
  const why = tagNameProblem(name);
  if (why !== undefined) throw new TagwallError('TW_INVALID_TAG_NAME', `tag name ${JSON.stringify(name)} ${why}`, { location });
}

/**
 * Parses and validates service-tag JSON. `source` names it in errors (a path or a label). Bytes go through the
 * scan of json-scan.ts first; when it is not sure (any error, anything unusual), and for text, JSON.parse and the
 * shape checks below read the file and report the first error with its place.
 */
export function parseServiceTagsJson(data: Uint8Array | string, source: string): TagTable {
  if (typeof data !== 'string') {
    const bytes = inflate(data, source);
    return parseJsonBytes(bytes, bytes !== data, source);
  }
  return new ShapeChecker(source).table(parseJsonText(decodeText(data, source), source));
}

/** parseServiceTagsJson of JSON bytes (gunzipped already); `owned`: nobody else holds them (see scanServiceTags). */
export function parseJsonBytes(bytes: Uint8Array, owned: boolean, source: string): TagTable {
  const table = scannedTable(scanServiceTags(bytes, owned), source);
  if (table) return table;
  return new ShapeChecker(source).table(parseJsonText(utf8Text(bytes, source), source));
}

/** The scanned snapshot as a table, when its names pass the checks the full path makes (else undefined: it reports). */
function scannedTable(scanned: ScannedSnapshot | undefined, source: string): TagTable | undefined {
  if (!scanned) return undefined;
  const { cloud, changeNumber, rows, encoded, offsets } = scanned;
  const names = rows.names;
  if (!validNames(names, rows.joinedNames)) return undefined;
  // By hash, in typed arrays (name-index.ts): no lower-case copy of each name, no Map. Undefined: two names alike
  // ignoring case, which the full path reports.
  const index = NameIndex.of(names, rows.nameHashes);
  if (index === undefined) return undefined;
  return new JsonTagTable(cloud, changeNumber, dateFromFileName(source), rows, (i) => scanned.publishedPrefixes(i), encoded, offsets, (name) => index.find(name));
}

/** One or more names of TAG_NAME's grammar, one a line, and nothing else. */
const NAME_LINES = /^[A-Za-z0-9._-]+(?:\n[A-Za-z0-9._-]+)*$/;
/** A line of digits and dots only (an address, see tagNameProblem). */
const ADDRESS_LINE = /(?:^|\n)[0-9.]+(?:\n|$)/;
/**
 * A reserved name alone on a line, in any case (RESERVED_TAG_NAMES are lower case; the text it is tested on is
 * ASCII, where the `i` flag is toLowerCase's).
 */
const RESERVED_LINE = new RegExp(`(?:^|\\n)(?:${RESERVED_TAG_NAMES.join('|')})(?:\\n|$)`, 'i');

/**
 * Whether no name has a problem tagNameProblem names. The checks run on the names joined a line each, by three
 * regular expressions: ~3,000 names of a Public file per call instead of four calls into the runtime per name, in
 * a loop V8 then compiled (issue 22). The lines are the names only when the text has one line break fewer than
 * there are names (a name with an escaped line break inside would pass as two). `joined`: the names so joined
 * already, none with a line break (ScannedRows.joinedNames: prefix-scan.wat's copy of them).
 */
function validNames(names: readonly string[], joined?: string): boolean {
  if (names.length === 0) return true;
  if (joined === undefined) {
    joined = names.join('\n');
    let breaks = 0;
    for (let at = joined.indexOf('\n'); at >= 0; at = joined.indexOf('\n', at + 1)) breaks++;
    if (breaks !== names.length - 1) return false;
  }
  return NAME_LINES.test(joined) && !ADDRESS_LINE.test(joined) && !RESERVED_LINE.test(joined);
}

type JsonObject = Record<string, unknown>;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `a string`;
  return `a ${typeof value}`;
}

class ShapeChecker {
  constructor(private readonly source: string) {}

  private fail(jsonPath: string, message: string): TagwallError {
    return new TagwallError('TW_SNAPSHOT_SHAPE', message, { location: { file: this.source, jsonPath } });
  }

  private object(value: unknown, path: string): JsonObject {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw this.fail(path, `expected an object, found ${describe(value)}`);
    }
    return value as JsonObject;
  }

  private array(value: unknown, path: string): unknown[] {
    if (!Array.isArray(value)) throw this.fail(path, `expected an array, found ${describe(value)}`);
    return value;
  }

  private string(value: unknown, path: string): string {
    if (typeof value !== 'string') throw this.fail(path, `expected a string, found ${describe(value)}`);
    return value;
  }

  private count(value: unknown, path: string): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      const found = typeof value === 'number' ? `${value}` : describe(value);
      throw this.fail(path, `expected a non-negative integer, found ${found}`);
    }
    return value;
  }

  private field(object: JsonObject, key: string, path: string): unknown {
    if (!Object.hasOwn(object, key)) throw this.fail(`${path}.${key}`, `missing required key '${key}'`);
    return object[key];
  }

  table(root: unknown): TagTable {
    const top = this.object(root, '$');
    const changeNumber = this.count(this.field(top, 'changeNumber', '$'), '$.changeNumber');
    const cloudText = this.string(this.field(top, 'cloud', '$'), '$.cloud');
    const cloud = withLocation({ file: this.source, jsonPath: '$.cloud' }, () => parseCloud(cloudText));
    const values = this.array(this.field(top, 'values', '$'), '$.values');

    const writer = new PrefixWriter();
    const offsets = new Uint32Array(values.length + 1);
    const tags: ServiceTagInfo[] = [];
    const published: Array<readonly string[]> = [];
    const indexByName = new Map<string, number>();
    for (let i = 0; i < values.length; i++) {
      const path = `$.values[${i}]`;
      const tag = this.tag(values[i], path, writer);
      const key = tag.info.name.toLowerCase();
      const earlier = indexByName.get(key);
      if (earlier !== undefined) {
        const first = tags[earlier]!.name;
        throw this.fail(`${path}.name`, `duplicate tag name '${tag.info.name}' (same as '${first}' at $.values[${earlier}], ignoring case)`);
      }
      indexByName.set(key, i);
      tags.push(tag.info);
      published.push(tag.prefixes);
      offsets[i + 1] = writer.length;
    }
    const find = (name: string): number | undefined => indexByName.get(name) ?? indexByName.get(name.toLowerCase());
    return new JsonTagTable(cloud, changeNumber, dateFromFileName(this.source), eagerRows(tags), (index) => published[index]!, writer.finish(), offsets, find);
  }

  private tag(value: unknown, path: string, writer: PrefixWriter): { info: ServiceTagInfo; prefixes: readonly string[] } {
    const tag = this.object(value, path);
    const name = this.string(this.field(tag, 'name', path), `${path}.name`);
    if (name.trim() === '') throw this.fail(`${path}.name`, 'a tag name must not be empty');
    checkTagName(name, { file: this.source, jsonPath: `${path}.name` });
    const id = this.string(this.field(tag, 'id', path), `${path}.id`);
    const propsPath = `${path}.properties`;
    const props = this.object(this.field(tag, 'properties', path), propsPath);
    const changeNumber = this.count(this.field(props, 'changeNumber', propsPath), `${propsPath}.changeNumber`);
    const region = this.string(this.field(props, 'region', propsPath), `${propsPath}.region`);
    const regionId = this.count(this.field(props, 'regionId', propsPath), `${propsPath}.regionId`);
    const platform = this.string(this.field(props, 'platform', propsPath), `${propsPath}.platform`);
    const systemService = this.string(this.field(props, 'systemService', propsPath), `${propsPath}.systemService`);
    const networkFeatures = this.features(this.field(props, 'networkFeatures', propsPath), `${propsPath}.networkFeatures`);
    const prefixPath = `${propsPath}.addressPrefixes`;
    const prefixes = this.array(this.field(props, 'addressPrefixes', propsPath), prefixPath);
    let ipv4 = 0;
    let ipv6 = 0;
    for (let j = 0; j < prefixes.length; j++) {
      const prefix = prefixes[j];
      if (typeof prefix !== 'string') throw this.fail(`${prefixPath}[${j}]`, `expected a CIDR string, found ${describe(prefix)}`);
      try {
        if (writer.push(prefix) === 'ipv4') ipv4++;
        else ipv6++;
      } catch (error) {
        if (error instanceof TagwallError) throw error.at({ file: this.source, jsonPath: `${prefixPath}[${j}]` });
        throw error;
      }
    }
    const info: ServiceTagInfo = Object.freeze({
      name,
      id,
      region,
      regionId,
      platform,
      systemService,
      networkFeatures,
      changeNumber,
      prefixCount: Object.freeze({ ipv4, ipv6 }),
    });
    return { info, prefixes: Object.freeze(prefixes as string[]) };
  }

  private features(value: unknown, path: string): readonly string[] | null {
    if (value === null) return null;
    const features = this.array(value, path);
    for (let k = 0; k < features.length; k++) this.string(features[k], `${path}[${k}]`);
    return Object.freeze(features as string[]);
  }
}

/** A table held whole in memory, as the JSON gave it (its rows made as they are asked for: json-scan.ts ScannedRows). */
class JsonTagTable implements TagTable {
  readonly origin = undefined;
  /** Both ways of reading a file refuse two names alike ignoring case (scannedTable, ShapeChecker) before one is made. */
  readonly uniqueNames = true;
  readonly count: number;
  readonly names: readonly string[];
  readonly prefixCount: PrefixCount;

  constructor(
    readonly cloud: Cloud,
    readonly changeNumber: number,
    readonly date: string | undefined,
    private readonly rows: ScannedRows,
    private readonly published: (index: number) => readonly string[],
    private readonly encoded: Uint8Array,
    private readonly offsets: Uint32Array,
    private readonly find: (name: string) => number | undefined,
  ) {
    this.count = rows.count;
    this.names = Object.freeze(rows.names);
    this.prefixCount = rows.prefixCount;
  }

  tagAt(index: number): ServiceTagInfo {
    return this.rows.tagAt(index);
  }

  regionAt(index: number): string {
    return this.rows.regionAt(index);
  }

  fieldTexts(): FieldTexts | undefined {
    return this.rows.texts;
  }

  indexOf(name: string): number | undefined {
    return this.find(name);
  }

  encodedPrefixes(index: number): { bytes: Uint8Array; start: number; end: number } {
    return { bytes: this.encoded, start: this.offsets[index]!, end: this.offsets[index + 1]! };
  }

  encodedColumns(): EncodedColumns {
    return { bytes: this.encoded, offsets: this.offsets };
  }

  publishedPrefixes(index: number): readonly string[] {
    return this.published(index);
  }
}
