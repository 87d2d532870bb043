/**
 * Requirement files: YAML or JSON (JSON is parsed by the same YAML 1.2 parser, so both get line and column in
 * errors). The format is documented in docs/requirements.md with a JSON Schema in docs/requirements.schema.json.
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
import type { Document, LineCounter, Node as YamlNode, ParsedNode } from 'yaml';
import { TagwallError, isTagwallError, type SourceLocation } from '../errors.js';
import { lazy, nodeFs, requireModule } from '../internal/lazy.js';
import type { Direction } from '../model/packet.js';
import { PortSet, ProtocolSet } from '../model/ports.js';
import type { Endpoint, IcmpMatch, Provenance, Requirement, RequirementSet } from '../model/requirement.js';
import { requirementProblem, type RequirementField } from '../model/requirement-check.js';
import { formatEndpoint, parseEndpoint, type EndpointText } from './endpoints.js';
import type { HostsTable } from './hosts-file.js';

export interface RequirementReadOptions {
  /**
   * What host names in source positions stand for (src/catalogue/hosts-file.ts). A host-name source the table
   * does not name is TW_HOST_SOURCE: a packet names only its destination, so the name alone means nothing.
   */
  readonly hosts?: HostsTable;
}

type YamlModule = typeof import('yaml');
// yaml costs ~43 ms to load: only commands that read requirement files pay for it.
const yamlModule = lazy(() => requireModule<YamlModule>('yaml'));

const REQUIREMENT_KEYS = [
  'id',
  'direction',
  'protocol',
  'protocols',
  'ports',
  'icmp',
  'source',
  'sources',
  'destination',
  'destinations',
  'purpose',
  'conditions',
  'provenance',
] as const;
const TOP_KEYS = ['name', 'requirements'] as const;
const DIRECTIONS: Readonly<Record<string, Direction>> = { in: 'in', inbound: 'in', out: 'out', outbound: 'out' };

type Path = ReadonlyArray<string | number>;

class FileReader {
  constructor(
    private readonly document: Document.Parsed<ParsedNode>,
    private readonly lines: LineCounter,
    private readonly file: string,
  ) {}

  locate(path: Path): SourceLocation {
    const node = this.document.getIn(path, true) as YamlNode | undefined;
    const offset = node?.range?.[0];
    const jsonPath = `$${path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`)).join('')}`;
    if (offset === undefined) return { file: this.file, jsonPath };
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, column: col, jsonPath };
  }

  fail(path: Path, message: string): never {
    throw new TagwallError('TW_INVALID_REQUIREMENTS', message, { location: this.locate(path) });
  }

  /** Runs a model parser; its TagwallError gets this file's position of `path`. */
  attempt<T>(path: Path, parse: () => T): T {
    try {
      return parse();
    } catch (error) {
      // The model's own column counts within the value's text; the file position of the value is what helps here.
      if (isTagwallError(error)) {
        throw new TagwallError(error.code, error.message, { location: this.locate(path), suggestions: error.suggestions });
      }
      throw error;
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function readString(reader: FileReader, value: unknown, path: Path, what: string): string {
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (typeof value === 'number') return String(value);
  return reader.fail(path, `${what} must be a non-empty string`);
}

function endpointKey(entry: Record<string, unknown>, singular: string, plural: string): string {
  return entry[plural] !== undefined ? plural : singular;
}

/** A source host the table names becomes its addresses: "the addresses this name stands for", as the user said. */
function resolveSource(endpoint: Endpoint, hosts: HostsTable | undefined): Endpoint {
  if (endpoint.kind !== 'host' || endpoint.pattern.kind !== 'exact' || !hosts) return endpoint;
  const addresses = hosts.get(endpoint.pattern.name);
  return addresses ? { kind: 'addresses', addresses } : endpoint;
}

function readEndpoints(reader: FileReader, entry: Record<string, unknown>, singular: string, plural: string, path: Path): Endpoint[] {
  const key = endpointKey(entry, singular, plural);
  const values = asList(entry[key]);
  if (values.length === 0) return [{ kind: 'any' }];
  return values.map((value, index) => {
    const at = Array.isArray(entry[key]) ? [...path, key, index] : [...path, key];
    const isEndpointObject = isRecord(value) && ['tag', 'host', 'url', 'addresses'].some((k) => typeof value[k] === 'string');
    if (typeof value !== 'string' && !isEndpointObject) {
      reader.fail(at, `${key} entries are strings or one of {tag|host|url|addresses: string}`);
    }
    return reader.attempt(at, () => parseEndpoint(value as EndpointText));
  });
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

function readRequirement(reader: FileReader, entry: unknown, index: number, options: RequirementReadOptions): Requirement {
  const path: Path = ['requirements', index];
  if (!isRecord(entry)) return reader.fail(path, 'each requirement is a mapping with at least id and direction');
  for (const key of Object.keys(entry)) {
    if (!(REQUIREMENT_KEYS as readonly string[]).includes(key)) {
      reader.fail([...path, key], `unknown key '${key}' (keys: ${REQUIREMENT_KEYS.join(', ')})`);
    }
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
    sources: readEndpoints(reader, entry, 'source', 'sources', path).map((endpoint) => resolveSource(endpoint, options.hosts)),
    destinations: readEndpoints(reader, entry, 'destination', 'destinations', path),
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

/** Parses requirement-file text (YAML or JSON). `file` names it in errors. */
export function parseRequirements(text: string, file = '<input>', options: RequirementReadOptions = {}): RequirementSet {
  const yaml = yamlModule();
  const lines = new yaml.LineCounter();
  const document = yaml.parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  const problem = document.errors[0];
  if (problem) {
    const position = problem.linePos?.[0];
    const message = problem.code === 'DUPLICATE_KEY' ? 'duplicate key in a mapping' : problem.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new TagwallError('TW_INVALID_REQUIREMENTS', message, {
      location: { file, ...(position ? { line: position.line, column: position.col } : {}) },
    });
  }
  const reader = new FileReader(document, lines, file);
  const data: unknown = document.toJS();
  if (!isRecord(data)) return reader.fail([], 'a requirement file is a mapping with a `requirements` list');
  for (const key of Object.keys(data)) {
    if (!(TOP_KEYS as readonly string[]).includes(key)) reader.fail([key], `unknown key '${key}' (keys: ${TOP_KEYS.join(', ')})`);
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

/** Reads and parses a requirement file; TW_FILE when it cannot be read. */
export function loadRequirementsFile(path: string, options: RequirementReadOptions = {}): RequirementSet {
  let text: string;
  try {
    text = nodeFs().readFileSync(path, 'utf8');
  } catch (error) {
    throw new TagwallError('TW_FILE', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { location: { file: path } });
  }
  return parseRequirements(text, path, options);
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
  return yamlModule().stringify(requirementsToData(set), { lineWidth: 0 });
}

export function requirementsToJson(set: RequirementSet): string {
  return `${JSON.stringify(requirementsToData(set), null, 2)}\n`;
}
