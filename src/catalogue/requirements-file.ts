/**
 * Requirement files: YAML or JSON. JSON goes through `JSON.parse` (linear, and ~20x faster than a YAML parser on
 * a large file); the YAML parser reads it again only to find the line and column of an error. The format is documented in docs/requirements.md with a JSON Schema in docs/requirements.schema.json.
 *
 *   name: my-workload
 *   requirements:
 *     - id: storage
 *       direction: outbound          # outbound | inbound (out | in)
 *       protocol: tcp                # tcp, udp, icmp, icmpv6, any, a number, or a list
 *       ports: "443,8000-8999"       # destination ports; default any
 *       source: VirtualNetwork       # one endpoint or a list (see endpoints.ts)
 *       destination: Storage.WestUS
 *       purpose: Training data.
 *       conditions: [compute without public IP]
 *       provenance: {article: Configure inbound and outbound network traffic, section: Azure Firewall}
 */
import type { Document, ParsedNode } from 'yaml';
import { TagwallError, isTagwallError, type SourceLocation } from '../errors.js';
import { checkSize, INPUT_LIMITS, limitError, nestingBeyond, stripBom } from '../internal/input-limits.js';
import { duplicateJsonKey } from '../internal/json-keys.js';
import { jsonErrorOffset, jsonErrorReason, lineColumnAt } from '../servicetags/json-position.js';
import { nodeFs, nodePath } from '../internal/lazy.js';
import { yamlPackage } from '../internal/packages.js';
import { readPlainYaml } from '../internal/plain-yaml.js';
import type { Direction } from '../model/packet.js';
import { AddressEntries, type AddressSet } from '../model/address-set.js';
import { LITERAL_LIST_MIN, literalEndpointList, literalUnionOf } from '../model/literal-lists.js';
import { PortSet, ProtocolSet } from '../model/ports.js';
import type { Endpoint, IcmpMatch, Provenance, Requirement, RequirementSet } from '../model/requirement.js';
import { requirementProblem, type RequirementField } from '../model/requirement-check.js';
import { formatEndpoint, readEndpoint, type EndpointText } from './endpoints.js';
import type { HostsTable } from './hosts-file.js';
import { asList, FileReader, isRecord, readString, type Path, type Positions } from './requirements-reader.js';
import { DIRECTION_WORDS, V1_REQUIREMENT_KEYS, V1_TOP_KEYS, V2_REQUIREMENT_KEYS, V2_TOP_KEYS } from './requirements-schema.js';
import { readRequirementsV2, type EntryScope, type RequirementsDocument, type V2Hooks } from './requirements-v2.js';

export interface RequirementReadOptions {
  /**
   * Addresses of a service tag, from a snapshot: lets a v2 deny term (or except) be carved out of an allow term
   * that names a service tag, by writing that tag's prefixes (exact for this snapshot). Without it such an overlap
   * is TW_DENY_INEXPRESSIBLE. The CLI passes the snapshot it renders and checks with.
   */
  readonly expandTag?: (name: string) => AddressSet | undefined;
  /** Reads an included file (v2 `include`); default: the file system. */
  readonly readFile?: (path: string) => string;
  /**
   * What host names in source positions stand for (src/catalogue/hosts-file.ts). A host-name source the table
   * does not name is TW_HOST_SOURCE: a packet names only its destination, so the name alone means nothing.
   */
  readonly hosts?: HostsTable;
}


const DIRECTIONS: Readonly<Record<string, Direction>> = DIRECTION_WORDS;

function endpointKey(entry: Record<string, unknown>, singular: string, plural: string): string {
  return entry[plural] !== undefined ? plural : singular;
}

/** A source host the table names becomes its addresses: "the addresses this name stands for", as the user said. */
function resolveSource(endpoint: Endpoint, hosts: HostsTable | undefined): Endpoint {
  if (endpoint.kind !== 'host' || endpoint.pattern.kind !== 'exact' || !hosts) return endpoint;
  const addresses = hosts.get(endpoint.pattern.name);
  return addresses ? { kind: 'addresses', addresses } : endpoint;
}

/** A source list with its host names resolved through the hosts file; a list of literal addresses as it is. */
function resolveSources(endpoints: readonly Endpoint[], hosts: HostsTable | undefined): readonly Endpoint[] {
  return literalUnionOf(endpoints) ? endpoints : endpoints.map((endpoint) => resolveSource(endpoint, hosts));
}

function readEndpoints(reader: FileReader, entry: Record<string, unknown>, singular: string, plural: string, path: Path, scope: EntryScope | undefined): readonly Endpoint[] {
  const key = endpointKey(entry, singular, plural);
  const values = asList(entry[key]);
  if (values.length === 0) return [{ kind: 'any' }];
  if (scope) return values.flatMap((value, index) => scope.endpoints(reader, value, Array.isArray(entry[key]) ? [...path, key, index] : [...path, key]));
  // A long list's plain address entries go into one set of columns, whose union resolving the list merges.
  const entries = values.length >= LITERAL_LIST_MIN ? new AddressEntries(values.length) : undefined;
  const endpoints = values.map((value, index) => {
    const at = Array.isArray(entry[key]) ? [...path, key, index] : [...path, key];
    const isEndpointObject = isRecord(value) && ['tag', 'host', 'url', 'addresses'].some((k) => typeof value[k] === 'string');
    if (typeof value !== 'string' && !isEndpointObject) {
      reader.fail(at, `${key} entries are strings or one of {tag|host|url|addresses: string}`);
    }
    return reader.attempt(at, () => readEndpoint(value as EndpointText, entries));
  });
  // Every endpoint one entry of the columns: the list is literal addresses only, and the columns are its union.
  return entries && entries.count === endpoints.length ? literalEndpointList(endpoints, entries.deferredSet()) : endpoints;
}

function readIcmp(reader: FileReader, value: unknown, path: Path): IcmpMatch[] | undefined {
  if (value === undefined) return undefined;
  return asList(value).map((item, index) => {
    const at = Array.isArray(value) ? [...path, 'icmp', index] : [...path, 'icmp'];
    const record = typeof item === 'number' ? { type: item } : item;
    if (!isRecord(record) || typeof record.type !== 'number' || !Number.isInteger(record.type) || record.type < 0 || record.type > 255) {
      return reader.fail(at, 'icmp entries are {type: 0-255, code?: 0-255} or a type number');
    }
    if (record.code !== undefined && (typeof record.code !== 'number' || !Number.isInteger(record.code) || record.code < 0 || record.code > 255)) {
      return reader.fail(at, 'icmp code must be 0-255');
    }
    return record.code === undefined ? { type: record.type } : { type: record.type, code: record.code as number };
  });
}

function readProvenance(reader: FileReader, value: unknown, path: Path): Provenance[] {
  return asList(value).map((item, index) => {
    const at = Array.isArray(value) ? [...path, 'provenance', index] : [...path, 'provenance'];
    if (typeof item === 'string') return { article: item };
    if (!isRecord(item) || typeof item.article !== 'string') return reader.fail(at, 'provenance entries are {article, section?} or an article title');
    return typeof item.section === 'string' ? { article: item.article, section: item.section } : { article: item.article };
  });
}

/** The file path of a requirement field a problem names, in the spelling the entry uses. */
function fieldPath(entry: Record<string, unknown>, path: Path, field: RequirementField, index: number | undefined): Path {
  const key =
    field === 'protocol' ? endpointKey(entry, 'protocol', 'protocols')
    : field === 'source' ? endpointKey(entry, 'source', 'sources')
    : field === 'destination' ? endpointKey(entry, 'destination', 'destinations')
    : field;
  return index !== undefined && Array.isArray(entry[key]) ? [...path, key, index] : entry[key] === undefined ? path : [...path, key];
}

/** One entry of `requirements`; `scope` (version 2) reads endpoints by name and allows the v2 keys. */
function readRequirement(reader: FileReader, entry: unknown, index: number, options: RequirementReadOptions, scope?: EntryScope): Requirement {
  const path: Path = ['requirements', index];
  if (!isRecord(entry)) return reader.fail(path, 'each requirement is a mapping with at least id and direction');
  const keys: readonly string[] = scope ? V2_REQUIREMENT_KEYS : V1_REQUIREMENT_KEYS;
  for (const key of Object.keys(entry)) {
    if (!keys.includes(key)) {
      const v2 = !scope && (V2_REQUIREMENT_KEYS as readonly string[]).includes(key) ? `; '${key}' needs version: 2 at the top of the file` : '';
      reader.fail([...path, key], `unknown key '${key}' (keys: ${keys.join(', ')})${v2}`);
    }
  }
  // Both spellings at once used to read the plural and drop the singular silently; the schema refuses it too.
  for (const [singular, plural] of [['protocol', 'protocols'], ['source', 'sources'], ['destination', 'destinations']] as const) {
    if (entry[singular] !== undefined && entry[plural] !== undefined) reader.fail([...path, plural], `give ${singular} or ${plural}, not both`);
  }
  const id = readString(reader, entry.id, [...path, 'id'], 'id');
  const directionText = readString(reader, entry.direction, [...path, 'direction'], 'direction').toLowerCase();
  const direction = DIRECTIONS[directionText] ?? reader.fail([...path, 'direction'], `direction must be inbound or outbound, not '${directionText}'`);
  const protocolKey = entry.protocols !== undefined ? 'protocols' : 'protocol';
  const protocolValue = entry[protocolKey];
  const protocolText = protocolValue === undefined ? 'any' : asList(protocolValue).map(String).join(',');
  const protocols = reader.attempt([...path, protocolKey], () => ProtocolSet.parse(protocolText));
  const portsText = entry.ports === undefined ? 'any' : asList(entry.ports).map(String).join(',');
  const ports = reader.attempt([...path, 'ports'], () => PortSet.parse(portsText));
  const icmp = readIcmp(reader, entry.icmp, path);
  const purpose = entry.purpose === undefined || entry.purpose === null ? '' : typeof entry.purpose === 'string' ? entry.purpose : reader.fail([...path, 'purpose'], 'purpose must be a string');
  const conditions = asList(entry.conditions).map((item, i) => readString(reader, item, [...path, 'conditions', i], 'a condition'));
  const requirement: Requirement = {
    id,
    direction,
    protocols,
    ports,
    ...(icmp ? { icmp } : {}),
    sources: resolveSources(readEndpoints(reader, entry, 'source', 'sources', path, scope), options.hosts),
    destinations: readEndpoints(reader, entry, 'destination', 'destinations', path, scope),
    purpose,
    conditions,
    provenance: readProvenance(reader, entry.provenance, path),
  };
  const problem = requirementProblem(requirement);
  if (problem) {
    const others = problem.fields.slice(1);
    const message = others.length === 0 ? problem.message : `${problem.message} (fields ${problem.fields.join(', ')})`;
    throw new TagwallError(problem.code, message, { location: reader.locate(fieldPath(entry, path, problem.fields[0], problem.index)) });
  }
  return requirement;
}

function invalidAt(text: string, file: string, offset: number | undefined, message: string): TagwallError {
  const position = offset === undefined ? {} : lineColumnAt(text, offset);
  return new TagwallError('TW_INVALID_REQUIREMENTS', message, { location: { file, ...position } });
}

/** The YAML library recurses per level (20,000 `- ` overflow the stack): deep nesting is refused before it parses. */
function refuseDeepYaml(text: string, file: string): void {
  const deep = nestingBeyond(text, INPUT_LIMITS.nesting, true);
  if (deep !== undefined) throw limitError(`collections nest more than ${INPUT_LIMITS.nesting} deep`, { file, ...lineColumnAt(text, deep) });
}

/** The YAML parser's view of the text, or its first error (every error the library reports, mapped). */
function parseYamlDocument(text: string, file: string, nestingChecked = false): Positions {
  if (!nestingChecked) refuseDeepYaml(text, file);
  // yaml.parseDocument, but stopping at the first stray token: recovering from each of thousands of them (and
  // prettifying every error with its line) is what made 64 KB take 5 s.
  const yaml = yamlPackage();
  const lines = new yaml.LineCounter();
  const composer = new yaml.Composer<ParsedNode>({ uniqueKeys: true });
  const documents: Array<Document.Parsed<ParsedNode>> = [];
  for (const token of new yaml.Parser(lines.addNewLine).parse(text)) {
    if (token.type === 'error') throw invalidAt(text, file, token.offset, token.message);
    for (const document of composer.next(token)) documents.push(document);
    if (documents.length > 1) break;
  }
  if (documents.length <= 1) for (const document of composer.end(true, text.length)) documents.push(document);
  const [document, second] = documents;
  if (second) throw invalidAt(text, file, second.range[0], 'a requirements file holds one YAML document, not several');
  const problem = document!.errors[0];
  if (problem) {
    const message = problem.code === 'DUPLICATE_KEY' ? 'duplicate key in a mapping' : problem.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw invalidAt(text, file, problem.pos[0], message);
  }
  return { document: document!, lines };
}

const MAX_ALIAS_COUNT = 100;

/** YAML to plain data, with aliases checked first: an alias to nothing (often an unquoted `*.host` wildcard) or an alias bomb. */
function yamlData(text: string, file: string, { document }: Positions): unknown {
  const yaml = yamlPackage();
  let firstAlias: number | undefined;
  yaml.visit(document, {
    Alias(_key, node) {
      const offset = node.range?.[0] ?? 0;
      firstAlias ??= offset;
      if (node.resolve(document) !== undefined) return undefined;
      const written = `*${node.source}`;
      const message = written.startsWith('*.')
        ? `'${written}' is read as a YAML alias, not a wildcard host; quote it: '${written}'`
        : `'${written}' is read as a YAML alias, and no anchor '&${node.source}' comes before it`;
      throw invalidAt(text, file, offset, message);
    },
  });
  try {
    return document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // yaml throws ReferenceError for alias bombs ("Excessive alias count"); anything it throws is about the text.
    const reason = error instanceof Error ? error.message : String(error);
    const message = /alias count/i.test(reason)
      ? `YAML aliases expand to too many nodes (an alias bomb?); tagwall expands at most ${MAX_ALIAS_COUNT} per alias`
      : `cannot read the YAML: ${reason}`;
    throw invalidAt(text, file, firstAlias, message);
  }
}

/** JSON through JSON.parse, rejecting what JSON.parse lets through silently: a key given twice. */
function jsonData(text: string, file: string): unknown {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw invalidAt(text, file, jsonErrorOffset(text, message), `invalid JSON: ${jsonErrorReason(message)}`);
  }
  const duplicate = duplicateJsonKey(text);
  if (duplicate) throw invalidAt(text, file, duplicate.offset, `duplicate key '${duplicate.key}' in an object`);
  return data;
}

/** The YAML parser's positions, made when a FileReader first needs one (an error), or undefined if it cannot parse. */
function positionsOnError(text: string, file: string, nestingChecked = false): () => Positions | undefined {
  return () => {
    try {
      return parseYamlDocument(text, file, nestingChecked);
    } catch {
      return undefined;
    }
  };
}

/** JSON when the name says so, or when the text is JSON; anything else is YAML (of which JSON is a subset). */
function readData(text: string, file: string): { data: unknown; reader: FileReader } {
  const named = /\.json$/i.test(file);
  if (named || /^[\s]*[{[]/.test(text)) {
    const deep = nestingBeyond(text, INPUT_LIMITS.nesting);
    if (deep !== undefined) throw limitError(`brackets and braces nest more than ${INPUT_LIMITS.nesting} deep`, { file, ...lineColumnAt(text, deep) });
    try {
      // Only for positions: if the YAML parser disagrees with JSON.parse (a key over 1024 characters), errors lose line:col.
      return { data: jsonData(text, file), reader: new FileReader(positionsOnError(text, file), file) };
    } catch (error) {
      // A `.yaml` file may hold a YAML flow mapping (`{requirements: [...]}`): the YAML parser decides.
      if (named) throw error;
    }
  }
  // The plain subset requirement files are written in, read without the yaml package (internal/plain-yaml.ts:
  // ~11 ms of a cold render; issue 22), after the same nesting cap; the package parses the text again only to
  // locate an error, as for JSON. Anything outside the subset goes to the package as before.
  refuseDeepYaml(text, file);
  const plain = readPlainYaml(text);
  if (plain !== undefined) return { data: plain, reader: new FileReader(positionsOnError(text, file, true), file) };
  // The nesting cap sees brackets, indentation and indicators; what it cannot see (YAML's quoting rules, in full)
  // may still nest the library's recursion too deep: that too is the cap, not a crash.
  try {
    const positions = parseYamlDocument(text, file, true);
    return { data: yamlData(text, file, positions), reader: new FileReader(() => positions, file) };
  } catch (error) {
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      throw limitError(`collections nest more than ${INPUT_LIMITS.nesting} deep`, { file });
    }
    throw error;
  }
}

/**
 * YAML or JSON text as plain data with its positions, read as requirement files are (size cap, nesting cap, one
 * document, duplicate keys refused). The project file (src/cli/config-file.ts) uses it too.
 */
export function readStructuredText(input: string, file: string, what = 'the requirements file'): { data: unknown; reader: FileReader } {
  checkSize(input, INPUT_LIMITS.requirementsSize, what, file);
  return readData(stripBom(input), file);
}

/** Parses requirement-file text (YAML or JSON). `file` names it in errors. */
export function parseRequirements(input: string, file = '<input>', options: RequirementReadOptions = {}): RequirementSet {
  checkSize(input, INPUT_LIMITS.requirementsSize, 'the requirements file', file);
  const { data, reader } = readData(stripBom(input), file);
  if (!isRecord(data)) return reader.fail([], 'a requirement file is a mapping with a `requirements` list');
  if (data.version === 2) return readRequirementsV2({ file, reader, data }, v2Hooks(options));
  for (const key of Object.keys(data)) {
    if (key === 'version' && data.version === 1) continue;
    if (key === 'version') reader.fail([key], 'version is 1 (the default) or 2');
    if (!(V1_TOP_KEYS as readonly string[]).includes(key)) {
      const v2 = (V2_TOP_KEYS as readonly string[]).includes(key) ? `; '${key}' needs version: 2` : '';
      reader.fail([key], `unknown key '${key}' (keys: ${V1_TOP_KEYS.join(', ')})${v2}`);
    }
  }
  if (!Array.isArray(data.requirements)) return reader.fail(['requirements'], '`requirements` must be a list');
  const requirements = data.requirements.map((entry, index) => readRequirement(reader, entry, index, options));
  const seen = new Map<string, number>();
  requirements.forEach((requirement, index) => {
    const first = seen.get(requirement.id);
    if (first !== undefined) {
      const earlier = reader.locate(['requirements', first, 'id']);
      throw new TagwallError('TW_DUPLICATE_ID', `duplicate requirement id '${requirement.id}' (first used at line ${earlier.line ?? '?'})`, {
        location: reader.locate(['requirements', index, 'id']),
      });
    }
    seen.set(requirement.id, index);
  });
  const name = typeof data.name === 'string' ? data.name : undefined;
  return { ...(name !== undefined ? { name } : {}), origin: file, requirements };
}

function readText(path: string, options: RequirementReadOptions, from?: SourceLocation): string {
  try {
    return options.readFile ? options.readFile(path) : nodeFs().readFileSync(path, 'utf8');
  } catch (error) {
    if (isTagwallError(error)) throw error;
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new TagwallError('TW_FILE', from ? `cannot read included file ${path}: ${reason}` : `cannot read ${path}: ${reason}`, { location: from ?? { file: path } });
  }
}

/** What the v2 reader needs from this one: included files read the same way, and the v1 entry reader. */
function v2Hooks(options: RequirementReadOptions): V2Hooks {
  return {
    ...(options.expandTag ? { expandTag: options.expandTag } : {}),
    load: (path, from): RequirementsDocument => {
      const text = readText(path, options, from);
      checkSize(text, INPUT_LIMITS.requirementsSize, 'the requirements file', path);
      const { data, reader } = readData(stripBom(text), path);
      if (!isRecord(data)) return reader.fail([], 'an included file is a mapping (networks, services, requirements)');
      return { file: path, reader, data };
    },
    resolve: (from, include) => {
      const path = nodePath();
      const absolute = path.resolve(from === '<input>' ? '.' : path.dirname(from), include);
      const relative = path.relative(process.cwd(), absolute);
      return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? absolute : relative;
    },
    identity: (file) => nodePath().resolve(file),
    readEntry: (reader, entry, index, scope) => readRequirement(reader, entry, index, options, scope),
    resolveSource: (endpoint) => resolveSource(endpoint, options.hosts),
    readIcmp,
  };
}

/** Reads and parses a requirement file; TW_FILE when it cannot be read. */
export function loadRequirementsFile(path: string, options: RequirementReadOptions = {}): RequirementSet {
  return parseRequirements(readText(path, options), path, options);
}

// ─── writing ─────────────────────────────────────────────────────────────────────────────────────────────

function endpointList(endpoints: readonly Endpoint[]): EndpointText | EndpointText[] {
  const texts = endpoints.flatMap(formatEndpoint);
  return texts.length === 1 ? texts[0]! : texts;
}

/** The plain-data form of a set, as the file format writes it (stable key order). */
export function requirementsToData(set: RequirementSet): Record<string, unknown> {
  return {
    ...(set.name !== undefined ? { name: set.name } : {}),
    requirements: set.requirements.map((requirement) => ({
      id: requirement.id,
      direction: requirement.direction === 'in' ? 'inbound' : 'outbound',
      protocol: requirement.protocols.toString(),
      ports: requirement.ports.toString(),
      ...(requirement.icmp ? { icmp: requirement.icmp.map((m) => ({ ...m })) } : {}),
      source: endpointList(requirement.sources),
      destination: endpointList(requirement.destinations),
      purpose: requirement.purpose,
      ...(requirement.conditions.length > 0 ? { conditions: [...requirement.conditions] } : {}),
      ...(requirement.provenance.length > 0 ? { provenance: requirement.provenance.map((p) => ({ ...p })) } : {}),
    })),
  };
}

export function requirementsToYaml(set: RequirementSet): string {
  return yamlPackage().stringify(requirementsToData(set), { lineWidth: 0 });
}

export function requirementsToJson(set: RequirementSet): string {
  return `${JSON.stringify(requirementsToData(set), null, 2)}\n`;
}
