/**
 * Requirements format v2 (`version: 2`): named `networks` and `services`, `include` of other files, and ordered
 * allow/deny terms with `except`. Everything here reads down to the v1 model: names are replaced by what they
 * stand for, and the ordered terms by the allow requirements with exactly their first-match packet set
 * (src/model/requirement-terms.ts). docs/requirements.md, "Version 2", is the user's description.
 *
 *   version: 2
 *   include: [shared/networks.yaml]        # relative to this file; their terms come first
 *   networks: {web: 10.20.1.0/24, tiers: [web, app]}
 *   services: {https: tcp/443, dns: [udp/53, tcp/53]}
 *   requirements:
 *     - {id: no-admin, action: deny, direction: in, destination: web, service: tcp/8443}
 *     - {id: web-in, direction: in, source: Internet, destination: web, service: [https, tcp/8443],
 *        except: {source: 203.0.113.0/24}}
 */
import { TagwallError, type SourceLocation } from '../errors.js';
import { PortSet, ProtocolSet } from '../model/ports.js';
import type { Endpoint, IcmpMatch, Requirement, RequirementSet } from '../model/requirement.js';
import { requirementProblem } from '../model/requirement-check.js';
import { lowerTerms, type LoweringOptions, type RequirementTerm, type TermMatch } from '../model/requirement-terms.js';
import { nearest } from '../servicetags/suggest.js';
import { parseEndpoint, type EndpointText } from './endpoints.js';
import { asList, isRecord, type FileReader, type Path } from './requirements-reader.js';
import { EXCEPT_KEYS, NAME_PATTERN, V2_TOP_KEYS } from './requirements-schema.js';

/** One file of a v2 set: its reader (positions) and its plain data. */
export interface RequirementsDocument {
  readonly file: string;
  readonly reader: FileReader;
  readonly data: Record<string, unknown>;
}

/** What the v1 entry reader needs from v2: how an endpoint value reads (names first). */
export interface EntryScope {
  endpoints(reader: FileReader, value: unknown, at: Path): Endpoint[];
}

export interface V2Hooks extends LoweringOptions {
  /** Reads an included file (`path` already resolved against the including file). */
  readonly load: (path: string, from: SourceLocation) => RequirementsDocument;
  /** Resolves an include path against the including file (as the user would write it: relative to the working directory). */
  readonly resolve: (from: string, include: string) => string;
  /** One spelling per file (an absolute path), to detect cycles and repeats. */
  readonly identity: (file: string) => string;
  /** The v1 entry reader, with the scope's endpoints. */
  readonly readEntry: (reader: FileReader, entry: unknown, index: number, scope: EntryScope) => Requirement;
  /** What a source endpoint stands for (host names through the hosts table). */
  readonly resolveSource: (endpoint: Endpoint) => Endpoint;
  readonly readIcmp: (reader: FileReader, value: unknown, path: Path) => IcmpMatch[] | undefined;
}

interface Definition {
  readonly document: RequirementsDocument;
  readonly path: Path;
  readonly value: unknown;
}

/** One service: a protocol set with its ports or ICMP types. */
interface ServiceBox {
  readonly protocols: ProtocolSet;
  readonly ports: PortSet;
  readonly icmp?: readonly IcmpMatch[];
}

const ACTIONS = ['allow', 'deny'] as const;

function locationText(location: SourceLocation): string {
  return `${location.file ?? '?'}${location.line === undefined ? '' : `:${location.line}:${location.column ?? 1}`}`;
}

/** The path of item `index` of a value that may be one item or a list. */
function itemPath(path: Path, value: unknown, index: number): Path {
  return Array.isArray(value) ? [...path, index] : path;
}

/**
 * What a defined name stands for: its items read in turn (each may name others), memoised; a name met again on
 * its own path is TW_NAME_CYCLE with the chain.
 */
function resolveName<T>(
  kind: 'network' | 'service',
  name: string,
  stack: readonly string[],
  table: ReadonlyMap<string, Definition>,
  memo: Map<string, T[]>,
  readItem: (reader: FileReader, value: unknown, at: Path, stack: readonly string[]) => T[],
): T[] {
  const known = memo.get(name);
  if (known) return known;
  const definition = table.get(name)!;
  const { reader } = definition.document;
  if (stack.includes(name)) {
    throw new TagwallError('TW_NAME_CYCLE', `${kind} '${name}' refers to itself: ${[...stack.slice(stack.indexOf(name)), name].join(' → ')}`, { location: reader.locate(definition.path) });
  }
  const values = asList(definition.value);
  if (values.length === 0) reader.fail(definition.path, `${kind} '${name}' names no ${kind === 'network' ? 'endpoint' : 'protocol'}`);
  const items = values.flatMap((value, index) => readItem(reader, value, itemPath(definition.path, definition.value, index), [...stack, name]));
  memo.set(name, items);
  return items;
}

class Definitions {
  readonly networks = new Map<string, Definition>();
  readonly services = new Map<string, Definition>();
  readonly #networkMemo = new Map<string, Endpoint[]>();
  readonly #serviceMemo = new Map<string, ServiceBox[]>();

  constructor(private readonly hooks: V2Hooks) {}

  add(kind: 'networks' | 'services', document: RequirementsDocument): void {
    const value = document.data[kind];
    if (value === undefined) return;
    if (!isRecord(value)) document.reader.fail([kind], `\`${kind}\` is a mapping from names to ${kind === 'networks' ? 'endpoints' : 'services'}`);
    const table = kind === 'networks' ? this.networks : this.services;
    for (const [name, definition] of Object.entries(value)) {
      const path = [kind, name];
      if (!NAME_PATTERN.test(name)) document.reader.fail(path, `'${name}' is not a ${kind === 'networks' ? 'network' : 'service'} name: a letter, then letters, digits, '-' or '_' (no dots, so it never reads as a host or an address)`);
      const earlier = table.get(name);
      if (earlier) {
        const first = locationText(earlier.document.reader.locate(earlier.path));
        throw new TagwallError('TW_DUPLICATE_ID', `${kind === 'networks' ? 'network' : 'service'} '${name}' is defined twice: at ${first} and here`, { location: document.reader.locate(path) });
      }
      table.set(name, { document, path, value: definition });
    }
  }

  network(name: string, stack: readonly string[]): Endpoint[] {
    return resolveName('network', name, stack, this.networks, this.#networkMemo, (reader, value, at, inner) => this.endpoint(reader, value, at, inner));
  }

  /** An endpoint value: a network name (`web`, `{network: web}`) or an endpoint as v1 reads it. */
  endpoint(reader: FileReader, value: unknown, at: Path, stack: readonly string[] = []): Endpoint[] {
    if (isRecord(value) && 'network' in value) {
      const name = value.network;
      if (typeof name !== 'string' || Object.keys(value).length !== 1) return reader.fail(at, '{network: NAME} takes one network name');
      if (!this.networks.has(name)) throw this.unknown('network', name, this.networks, reader.locate(at));
      return this.network(name, stack);
    }
    if (typeof value === 'string' && this.networks.has(value.trim())) return this.network(value.trim(), stack);
    const isEndpointObject = isRecord(value) && Object.keys(value).length === 1 && ['tag', 'host', 'url', 'addresses'].some((k) => typeof value[k] === 'string');
    if (typeof value !== 'string' && !isEndpointObject) return reader.fail(at, 'endpoints are strings, a network name, or one of {tag|host|url|addresses|network: string}');
    const endpoint = reader.attempt(at, () => parseEndpoint(value as EndpointText));
    // `Web` for a network `web`, `webb` for `web`: a typo would otherwise read as a service tag of that name.
    if (endpoint.kind === 'service-tag' && typeof value === 'string') {
      const close = nearest(endpoint.name, this.networks.keys(), 3, 1).filter((name) => name.length >= 3);
      if (close.length > 0) throw this.unknown('network', endpoint.name, this.networks, reader.locate(at), ` (write {tag: ${endpoint.name}} if you mean the service tag)`);
    }
    return [endpoint];
  }

  service(name: string, stack: readonly string[]): ServiceBox[] {
    return resolveName('service', name, stack, this.services, this.#serviceMemo, (reader, value, at, inner) => this.serviceValue(reader, value, at, inner));
  }

  /** `https` (a name), `tcp/443`, `udp/53,5353`, `icmp`, `any`, or `{protocol, ports, icmp}`. */
  serviceValue(reader: FileReader, value: unknown, at: Path, stack: readonly string[] = []): ServiceBox[] {
    if (typeof value === 'string') {
      const text = value.trim();
      if (this.services.has(text)) return this.service(text, stack);
      const slash = text.indexOf('/');
      const protocolText = slash < 0 ? text : text.slice(0, slash);
      if (slash < 0 && !/^(any|\*|all|[0-9]+|[a-z0-9-]+)$/i.test(text)) throw this.unknown('service', text, this.services, reader.locate(at));
      let protocols: ProtocolSet;
      try {
        protocols = ProtocolSet.parse(protocolText);
      } catch (error) {
        if (slash < 0) throw this.unknown('service', text, this.services, reader.locate(at));
        throw error instanceof TagwallError ? new TagwallError(error.code, error.message, { location: reader.locate(at), suggestions: error.suggestions }) : error;
      }
      const ports = slash < 0 ? PortSet.ANY : reader.attempt(at, () => PortSet.parse(text.slice(slash + 1)));
      return [{ protocols, ports }];
    }
    if (isRecord(value)) {
      for (const key of Object.keys(value)) if (!['protocol', 'ports', 'icmp'].includes(key)) reader.fail([...at, key], `unknown key '${key}' in a service (keys: protocol, ports, icmp)`);
      const protocolText = value.protocol === undefined ? 'any' : asList(value.protocol).map(String).join(',');
      const protocols = reader.attempt([...at, 'protocol'], () => ProtocolSet.parse(protocolText));
      const portsText = value.ports === undefined ? 'any' : asList(value.ports).map(String).join(',');
      const ports = reader.attempt([...at, 'ports'], () => PortSet.parse(portsText));
      const icmp = this.hooks.readIcmp(reader, value.icmp, at);
      return [{ protocols, ports, ...(icmp ? { icmp } : {}) }];
    }
    return reader.fail(at, 'a service is a name, "protocol/ports" (tcp/443), or {protocol, ports, icmp}');
  }

  unknown(kind: 'network' | 'service', name: string, table: ReadonlyMap<string, Definition>, location: SourceLocation, hint = ''): TagwallError {
    const known = [...table.keys()];
    const defined = known.length === 0 ? `no ${kind}s are defined` : `${kind}s: ${known.join(', ')}`;
    return new TagwallError('TW_UNKNOWN_NAME', `'${name}' is not a defined ${kind} (${defined})${hint}`, { location, suggestions: nearest(name, known, 3) });
  }
}

/** A service list as few requirement shapes as possible: same protocols → ports merged; then same ports → protocols merged. */
function groupServices(boxes: readonly ServiceBox[]): ServiceBox[] {
  const key = (box: ServiceBox, withPorts: boolean): string => `${withPorts ? box.ports.toString() : box.protocols.toString()}|${JSON.stringify(box.icmp ?? null)}`;
  const byProtocols = new Map<string, ServiceBox>();
  for (const box of boxes) {
    const k = key(box, false);
    const seen = byProtocols.get(k);
    byProtocols.set(k, seen ? { ...seen, ports: seen.ports.union(box.ports) } : box);
  }
  const byPorts = new Map<string, ServiceBox>();
  for (const box of byProtocols.values()) {
    const k = key(box, true);
    const seen = byPorts.get(k);
    byPorts.set(k, seen ? { ...seen, protocols: seen.protocols.union(box.protocols) } : box);
  }
  return [...byPorts.values()];
}

function withService(requirement: Requirement, service: ServiceBox, id: string): Requirement {
  const { icmp: _icmp, ...rest } = requirement;
  return { ...rest, id, protocols: service.protocols, ports: service.ports, ...(service.icmp ? { icmp: service.icmp } : {}) };
}

function serviceKey(entry: Record<string, unknown>): 'service' | 'services' | undefined {
  return entry.services !== undefined ? 'services' : entry.service !== undefined ? 'service' : undefined;
}

/** An entry's services, or undefined when it writes protocol/ports itself (then they may not be mixed). */
function entryServices(definitions: Definitions, reader: FileReader, entry: Record<string, unknown>, path: Path): ServiceBox[] | undefined {
  const key = serviceKey(entry);
  if (key === undefined) return undefined;
  if (entry.service !== undefined && entry.services !== undefined) reader.fail([...path, 'services'], 'give service or services, not both');
  const mixed = ['protocol', 'protocols', 'ports', 'icmp'].find((field) => entry[field] !== undefined);
  if (mixed) reader.fail([...path, mixed], `${key} already says the protocol and ports; '${mixed}' cannot be given with it`);
  const value = entry[key];
  const values = asList(value);
  if (values.length === 0) reader.fail([...path, key], `${key} names no service`);
  return groupServices(values.flatMap((item, index) => definitions.serviceValue(reader, item, itemPath([...path, key], value, index))));
}

function checked(requirement: Requirement, reader: FileReader, at: Path): Requirement {
  const problem = requirementProblem(requirement);
  if (problem) throw new TagwallError(problem.code, problem.message, { location: reader.locate(at) });
  return requirement;
}

/** The boxes of one `except` mapping: unset fields are any (they are cut from the term, so any means the term's). */
function exceptBoxes(definitions: Definitions, hooks: V2Hooks, reader: FileReader, value: unknown, at: Path): TermMatch[] {
  if (!isRecord(value)) return reader.fail(at, `except is a mapping (keys: ${EXCEPT_KEYS.join(', ')}) or a list of them`);
  for (const key of Object.keys(value)) if (!(EXCEPT_KEYS as readonly string[]).includes(key)) reader.fail([...at, key], `unknown key '${key}' in except (keys: ${EXCEPT_KEYS.join(', ')})`);
  const endpoints = (singular: string, plural: string): Endpoint[] => {
    const key = value[plural] !== undefined ? plural : singular;
    const list = asList(value[key]);
    if (list.length === 0) return [{ kind: 'any' }];
    return list.flatMap((item, index) => definitions.endpoint(reader, item, itemPath([...at, key], value[key], index)));
  };
  const sources = endpoints('source', 'sources').map(hooks.resolveSource);
  const destinations = endpoints('destination', 'destinations');
  const services = entryServices(definitions, reader, value, at) ?? [
    {
      protocols: reader.attempt([...at, 'protocol'], () => ProtocolSet.parse(value.protocol === undefined ? 'any' : asList(value.protocol).map(String).join(','))),
      ports: reader.attempt([...at, 'ports'], () => PortSet.parse(value.ports === undefined ? 'any' : asList(value.ports).map(String).join(','))),
      ...(value.icmp === undefined ? {} : { icmp: hooks.readIcmp(reader, value.icmp, at)! }),
    },
  ];
  if (sources.some((endpoint) => endpoint.kind === 'host' || endpoint.kind === 'url')) reader.fail([...at, 'source'], 'an except source is addresses: a packet names only its destination');
  // `direction` is the term's; the lowering sets it.
  return services.map((service) => ({ direction: 'in', ...service, sources, destinations }));
}

/** Files in include order (each once), depth first: an included file's terms come before its includer's. */
function collectDocuments(root: RequirementsDocument, hooks: V2Hooks): RequirementsDocument[] {
  const ordered: RequirementsDocument[] = [];
  const seen = new Set<string>();
  const visit = (document: RequirementsDocument, stack: readonly string[]): void => {
    seen.add(hooks.identity(document.file));
    const value = document.data.include;
    const includes = asList(value);
    includes.forEach((include, index) => {
      const at = itemPath(['include'], value, index);
      if (typeof include !== 'string' || include.trim() === '') document.reader.fail(at, 'include names files: a path or a list of paths, relative to this file');
      const path = hooks.resolve(document.file, include);
      const chain = [...stack, document.file];
      const start = chain.findIndex((file) => hooks.identity(file) === hooks.identity(path));
      if (start >= 0) {
        throw new TagwallError('TW_INCLUDE_CYCLE', `including ${include} makes a cycle: ${[...chain.slice(start), path].join(' → ')}`, { location: document.reader.locate(at) });
      }
      // A file included twice (a diamond) is read once, where it first appears.
      if (seen.has(hooks.identity(path))) return;
      const included = hooks.load(path, document.reader.locate(at));
      checkTopKeys(included);
      visit(included, [...stack, document.file]);
    });
    ordered.push(document);
  };
  visit(root, []);
  return ordered;
}

export function checkTopKeys(document: RequirementsDocument): void {
  for (const key of Object.keys(document.data)) {
    if (!(V2_TOP_KEYS as readonly string[]).includes(key)) document.reader.fail([key], `unknown key '${key}' (keys: ${V2_TOP_KEYS.join(', ')})`);
  }
  const version = document.data.version;
  if (version !== undefined && version !== 2 && version !== 1) document.reader.fail(['version'], 'version is 1 or 2');
  if (version === 1) document.reader.fail(['version'], 'an included file is read as version 2; remove `version: 1` or write 2');
  const requirements = document.data.requirements;
  if (requirements !== undefined && !Array.isArray(requirements)) document.reader.fail(['requirements'], '`requirements` must be a list');
}

interface WrittenId {
  readonly id: string;
  readonly document: RequirementsDocument;
  readonly path: Path;
}

function assertUniqueIds(ids: readonly WrittenId[], what: (id: WrittenId, earlier: WrittenId) => string): void {
  const seen = new Map<string, WrittenId>();
  for (const written of ids) {
    const earlier = seen.get(written.id);
    if (earlier) throw new TagwallError('TW_DUPLICATE_ID', what(written, earlier), { location: written.document.reader.locate(written.path) });
    seen.set(written.id, written);
  }
}

/** Reads a v2 set whose root file is already parsed. */
export function readRequirementsV2(root: RequirementsDocument, hooks: V2Hooks): RequirementSet {
  checkTopKeys(root);
  const documents = collectDocuments(root, hooks);
  const definitions = new Definitions(hooks);
  for (const document of documents) definitions.add('networks', document);
  for (const document of documents) definitions.add('services', document);
  const scope: EntryScope = { endpoints: (reader, value, at) => definitions.endpoint(reader, value, at) };
  const terms: RequirementTerm[] = [];
  const written: WrittenId[] = [];
  const pieces = new Map<string, WrittenId>();
  for (const document of documents) {
    const entries = (document.data.requirements ?? []) as unknown[];
    entries.forEach((entry, index) => {
      const path: Path = ['requirements', index];
      const base = hooks.readEntry(document.reader, entry, index, scope);
      const record = entry as Record<string, unknown>;
      const actionText = record.action ?? 'allow';
      if (typeof actionText !== 'string' || !(ACTIONS as readonly string[]).includes(actionText)) document.reader.fail([...path, 'action'], `action is allow or deny, not '${String(actionText)}'`);
      const action = actionText as (typeof ACTIONS)[number];
      written.push({ id: base.id, document, path: [...path, 'id'] });
      const services = entryServices(definitions, document.reader, record, path);
      const serviceAt = [...path, serviceKey(record) ?? 'protocol'];
      const requirements =
        services === undefined ? [base]
        : services.length === 1 ? [checked(withService(base, services[0]!, base.id), document.reader, serviceAt)]
        : services.map((service, k) => checked(withService(base, service, `${base.id}-${k + 1}`), document.reader, serviceAt));
      const exceptValue = record.except;
      const except = asList(exceptValue).flatMap((item, k) => exceptBoxes(definitions, hooks, document.reader, item, itemPath([...path, 'except'], exceptValue, k)));
      const location = document.reader.locate(path);
      for (const requirement of requirements) {
        terms.push({ action, requirement, ...(except.length > 0 ? { except } : {}), location });
        if (action === 'allow') pieces.set(requirement.id, { id: requirement.id, document, path: [...path, 'id'] });
      }
    });
  }
  assertUniqueIds(written, (id, earlier) => `duplicate requirement id '${id.id}' (first used at ${locationText(earlier.document.reader.locate(earlier.path))})`);
  const requirements = lowerTerms(terms, hooks);
  const lowered = requirements.map((requirement) => {
    // A piece `web-2` (or `web-1-2`) comes from the longest written id it extends.
    let base = requirement.id;
    while (!pieces.has(base) && /-\d+$/.test(base)) base = base.replace(/-\d+$/, '');
    const origin = pieces.get(base) ?? written[0]!;
    return { id: requirement.id, document: origin.document, path: origin.path };
  });
  assertUniqueIds(lowered, (id, earlier) => `requirement id '${id.id}' is used twice once terms are split into pieces (first at ${locationText(earlier.document.reader.locate(earlier.path))}); rename one`);
  const name = typeof root.data.name === 'string' ? root.data.name : undefined;
  return { ...(name !== undefined ? { name } : {}), origin: root.file, requirements };
}
