/**
 * The topology file (docs/paths.md, docs/topology.schema.json): virtual networks and their peerings, subnets with
 * their NSG and route table, workloads (NIC NSG, host ruleset, public IP, or the AML managed network), firewalls
 * with their private IP. Every device is a config file of a kind tagwall already reads, parsed by that target's
 * own parser: this file only says where the devices sit and how traffic moves between them.
 *
 * Bad input is TW_INVALID_TOPOLOGY with the file and the JSON path (and line:column) of the value at fault; an
 * error inside a device's config keeps that parser's own location.
 */
import type { Document, LineCounter, Node as YamlNode, ParsedNode } from 'yaml';
import { isTagwallError, TagwallError, type SourceLocation } from '../errors.js';
import { checkSize, INPUT_LIMITS, limitError, nestingBeyond, stripBom } from '../internal/input-limits.js';
import { nodeFs } from '../internal/lazy.js';
import { yamlPackage } from '../internal/packages.js';
import { readPlainYaml } from '../internal/plain-yaml.js';
import { AddressSet } from '../model/address-set.js';
import { lineColumnAt } from '../servicetags/json-position.js';


/** The config kinds each slot takes (target ids); the first is the default when a file names no kind. */
export const SLOT_KINDS = {
  nsg: ['nsg'],
  routeTable: ['udr'],
  host: ['iptables', 'nftables'],
  firewall: ['azure-firewall', 'azure-firewall-classic', 'panos'],
  managedNetwork: ['aml-managed-network'],
} as const;
export type Slot = keyof typeof SLOT_KINDS;

/** A device: a config file of a kind tagwall reads, with that target's parse options. */
export interface DeviceRef {
  readonly kind: string;
  /** Resolved against the topology file's folder. */
  readonly file: string;
  /** As written, for reports. */
  readonly written: string;
  readonly options: Readonly<Record<string, string | boolean>>;
  /** An ipset save file the (iptables) config refers to. */
  readonly ipsets?: string;
  /** Where the reference is in the topology file. */
  readonly at: SourceLocation;
}

export interface VirtualNetwork {
  readonly name: string;
  readonly addressSpace: AddressSet;
  readonly addressSpaceText: readonly string[];
}

export interface Subnet {
  readonly name: string;
  readonly vnet: string;
  readonly prefix: AddressSet;
  readonly prefixText: string;
  readonly nsg?: DeviceRef;
  readonly routeTable?: DeviceRef;
}

export interface Workload {
  readonly name: string;
  /** Absent for compute in the AML managed network (Microsoft's VNet). */
  readonly subnet?: string;
  readonly address: AddressSet;
  readonly addressText: string;
  readonly nsg?: DeviceRef;
  readonly host?: DeviceRef;
  /** An instance-level public IP: the Internet can open connections to it (NSGs permitting). */
  readonly publicIp: boolean;
  readonly managedNetwork?: DeviceRef;
}

export interface Firewall {
  readonly name: string;
  readonly config: DeviceRef;
  readonly privateIp: string;
  readonly subnet: string;
}

export interface Topology {
  readonly name: string;
  readonly file: string;
  readonly vnets: readonly VirtualNetwork[];
  /** Pairs of VNet names, each peered both ways. */
  readonly peerings: ReadonlyArray<readonly [string, string]>;
  readonly subnets: readonly Subnet[];
  readonly workloads: readonly Workload[];
  readonly firewalls: readonly Firewall[];
}

type Path = ReadonlyArray<string | number>;

/** The package's document of a topology and its line counter, for locating a value at fault. */
interface ParsedYaml {
  readonly document: Document.Parsed<ParsedNode>;
  readonly lines: LineCounter;
}

class Reader {
  #parsed: ParsedYaml | undefined;

  /** `parse` gives the document, made on first use when the text was read without the package. */
  constructor(
    readonly file: string,
    private readonly parse: (() => ParsedYaml) | undefined,
  ) {}

  locate(path: Path): SourceLocation {
    const jsonPath = `$${path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`)).join('')}`;
    const parsed = this.parse ? (this.#parsed ??= this.parse()) : undefined;
    const node = parsed?.document.getIn(path, true) as YamlNode | undefined;
    const offset = node?.range?.[0];
    if (offset === undefined || !parsed) return { file: this.file, jsonPath };
    const { line, col } = parsed.lines.linePos(offset);
    return { file: this.file, line, column: col, jsonPath };
  }

  fail(path: Path, message: string): never {
    throw new TagwallError('TW_INVALID_TOPOLOGY', message, { location: this.locate(path) });
  }

  record(value: unknown, path: Path, what: string): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(path, `${what} must be a mapping`);
    return value as Record<string, unknown>;
  }

  keys(value: Record<string, unknown>, path: Path, allowed: readonly string[]): void {
    for (const key of Object.keys(value)) if (!allowed.includes(key)) this.fail([...path, key], `unknown key '${key}' (expected ${allowed.join(', ')})`);
  }

  string(value: unknown, path: Path, what: string): string {
    if (typeof value !== 'string' || value.trim() === '') this.fail(path, `${what} must be a non-empty string`);
    return value.trim();
  }

  strings(value: unknown, path: Path, what: string): string[] {
    const list = Array.isArray(value) ? value : [value];
    if (list.length === 0) this.fail(path, `${what} must not be empty`);
    return list.map((item, index) => this.string(item, Array.isArray(value) ? [...path, index] : path, what));
  }

  addresses(text: string, path: Path): AddressSet {
    try {
      return AddressSet.parse(text);
    } catch (error) {
      if (isTagwallError(error)) throw new TagwallError('TW_INVALID_TOPOLOGY', error.message, { location: this.locate(path) });
      throw error;
    }
  }

  entries(value: unknown, path: Path, what: string): Array<[string, Record<string, unknown>]> {
    if (value === undefined) return [];
    const record = this.record(value, path, what);
    return Object.entries(record).map(([name, entry]) => {
      if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$/.test(name)) this.fail([...path, name], `name '${name}' must be letters, digits, '_', '.', '-' (1-80)`);
      return [name, this.record(entry, [...path, name], `${what} '${name}'`)];
    });
  }
}

function resolvePath(base: string, file: string): string {
  if (file.startsWith('/')) return file;
  const slash = base.lastIndexOf('/');
  return slash < 0 ? file : `${base.slice(0, slash + 1)}${file}`;
}

function device(reader: Reader, value: unknown, path: Path, slot: Slot): DeviceRef {
  const kinds: readonly string[] = SLOT_KINDS[slot];
  let written: string;
  let kind: string | undefined;
  const options: Record<string, string | boolean> = {};
  let ipsets: string | undefined;
  if (typeof value === 'string') {
    written = reader.string(value, path, 'a device');
  } else {
    const record = reader.record(value, path, 'a device');
    reader.keys(record, path, ['file', 'kind', 'options', 'ipsets']);
    written = reader.string(record['file'], [...path, 'file'], 'file');
    if (record['kind'] !== undefined) kind = reader.string(record['kind'], [...path, 'kind'], 'kind').toLowerCase();
    if (record['options'] !== undefined) {
      const given = reader.record(record['options'], [...path, 'options'], 'options');
      for (const [key, option] of Object.entries(given)) {
        if (typeof option !== 'string' && typeof option !== 'boolean') reader.fail([...path, 'options', key], `option '${key}' must be a string or a boolean`);
        options[key] = option;
      }
    }
    if (record['ipsets'] !== undefined) ipsets = resolvePath(reader.file, reader.string(record['ipsets'], [...path, 'ipsets'], 'ipsets'));
  }
  // `KIND:FILE`, as the analysis commands' operands take it.
  const prefixed = /^([a-z][a-z-]+):(.+)$/i.exec(written);
  if (prefixed && kind === undefined && !/^[A-Za-z]:[\\/]/.test(written)) {
    kind = prefixed[1]!.toLowerCase();
    written = prefixed[2]!;
  }
  kind ??= kinds[0]!;
  if (!kinds.includes(kind)) reader.fail(path, `a ${slot} device is one of ${kinds.join(', ')}, not '${kind}'`);
  const ref = { kind, file: resolvePath(reader.file, written), written, options, ...(ipsets === undefined ? {} : { ipsets }) };
  // Located when first read (only an error at the reference reads it): locating composes the package's document of
  // the whole file, which a topology read by plain-yaml.ts otherwise never needs (issue 22: ~5 ms of a cold `path`).
  let at: SourceLocation | undefined;
  return Object.defineProperty(ref, 'at', { enumerable: true, get: () => (at ??= reader.locate(path)) }) as DeviceRef;
}

const TOP_KEYS = ['name', 'virtualNetworks', 'peerings', 'workloads', 'firewalls'];

function readTopologyData(reader: Reader, data: unknown): Topology {
  const root = reader.record(data, [], 'a topology');
  reader.keys(root, [], TOP_KEYS);
  const name = root['name'] === undefined ? reader.file : reader.string(root['name'], ['name'], 'name');
  const vnets: VirtualNetwork[] = [];
  const subnets: Subnet[] = [];
  const vnetEntries = reader.entries(root['virtualNetworks'], ['virtualNetworks'], 'virtual network');
  if (vnetEntries.length === 0 && root['workloads'] === undefined) reader.fail([], 'a topology needs virtualNetworks or workloads');
  for (const [vnetName, entry] of vnetEntries) {
    const at = ['virtualNetworks', vnetName];
    reader.keys(entry, at, ['addressSpace', 'subnets']);
    const texts = reader.strings(entry['addressSpace'], [...at, 'addressSpace'], 'addressSpace');
    const addressSpace = texts.reduce((set, text, index) => set.union(reader.addresses(text, Array.isArray(entry['addressSpace']) ? [...at, 'addressSpace', index] : [...at, 'addressSpace'])), AddressSet.EMPTY);
    vnets.push({ name: vnetName, addressSpace, addressSpaceText: texts });
    for (const [subnetName, subnet] of reader.entries(entry['subnets'], [...at, 'subnets'], 'subnet')) {
      const sat = [...at, 'subnets', subnetName];
      reader.keys(subnet, sat, ['prefix', 'nsg', 'routeTable']);
      if (subnets.some((other) => other.name === subnetName)) reader.fail(sat, `subnet '${subnetName}' is named twice`);
      const prefixText = reader.string(subnet['prefix'], [...sat, 'prefix'], 'prefix');
      const prefix = reader.addresses(prefixText, [...sat, 'prefix']);
      if (!prefix.isSubsetOf(addressSpace)) reader.fail([...sat, 'prefix'], `subnet ${prefixText} is outside the address space of '${vnetName}' (${texts.join(', ')})`);
      const clash = subnets.find((other) => other.prefix.overlaps(prefix));
      if (clash) reader.fail([...sat, 'prefix'], `subnet ${prefixText} overlaps subnet '${clash.name}' (${clash.prefixText})`);
      subnets.push({
        name: subnetName,
        vnet: vnetName,
        prefix,
        prefixText,
        ...(subnet['nsg'] === undefined ? {} : { nsg: device(reader, subnet['nsg'], [...sat, 'nsg'], 'nsg') }),
        ...(subnet['routeTable'] === undefined ? {} : { routeTable: device(reader, subnet['routeTable'], [...sat, 'routeTable'], 'routeTable') }),
      });
    }
  }
  for (let i = 0; i < vnets.length; i++) {
    for (let j = i + 1; j < vnets.length; j++) {
      if (vnets[i]!.addressSpace.overlaps(vnets[j]!.addressSpace)) reader.fail(['virtualNetworks', vnets[j]!.name, 'addressSpace'], `the address space of '${vnets[j]!.name}' overlaps that of '${vnets[i]!.name}'`);
    }
  }
  const peerings: Array<readonly [string, string]> = [];
  if (root['peerings'] !== undefined) {
    if (!Array.isArray(root['peerings'])) reader.fail(['peerings'], 'peerings must be a list of [vnet, vnet] pairs');
    (root['peerings'] as unknown[]).forEach((pair, index) => {
      if (!Array.isArray(pair) || pair.length !== 2) reader.fail(['peerings', index], 'a peering is a pair [vnet, vnet]');
      const [a, b] = (pair as unknown[]).map((side, k) => {
        const text = reader.string(side, ['peerings', index, k], 'a peered virtual network');
        if (!vnets.some((vnet) => vnet.name === text)) reader.fail(['peerings', index, k], `no virtual network '${text}' (virtual networks: ${vnets.map((vnet) => vnet.name).join(', ') || 'none'})`);
        return text;
      }) as [string, string];
      if (a === b) reader.fail(['peerings', index], `'${a}' cannot be peered with itself`);
      peerings.push([a, b]);
    });
  }
  const subnetNamed = (text: string, at: Path): Subnet => subnets.find((subnet) => subnet.name === text) ?? reader.fail(at, `no subnet '${text}' (subnets: ${subnets.map((subnet) => subnet.name).join(', ') || 'none'})`);
  const workloads: Workload[] = [];
  for (const [workloadName, entry] of reader.entries(root['workloads'], ['workloads'], 'workload')) {
    const at = ['workloads', workloadName];
    reader.keys(entry, at, ['subnet', 'address', 'nsg', 'host', 'publicIp', 'managedNetwork']);
    const addressText = reader.string(entry['address'], [...at, 'address'], 'address');
    const address = reader.addresses(addressText, [...at, 'address']);
    const managed = entry['managedNetwork'];
    if ((entry['subnet'] === undefined) === (managed === undefined)) reader.fail(at, 'a workload sits in a subnet or in the AML managed network (managedNetwork), exactly one of them');
    let subnet: string | undefined;
    if (entry['subnet'] !== undefined) {
      const found = subnetNamed(reader.string(entry['subnet'], [...at, 'subnet'], 'subnet'), [...at, 'subnet']);
      if (!address.isSubsetOf(found.prefix)) reader.fail([...at, 'address'], `${addressText} is outside subnet '${found.name}' (${found.prefixText})`);
      subnet = found.name;
    }
    if (entry['publicIp'] !== undefined && typeof entry['publicIp'] !== 'boolean') reader.fail([...at, 'publicIp'], 'publicIp must be true or false');
    if (managed !== undefined && (entry['nsg'] !== undefined || entry['publicIp'] !== undefined)) reader.fail(at, 'a managed-network workload has no NSG or public IP of yours (Microsoft manages its network)');
    if (workloads.some((other) => other.address.overlaps(address))) reader.fail([...at, 'address'], `${addressText} overlaps another workload's address`);
    workloads.push({
      name: workloadName,
      ...(subnet === undefined ? {} : { subnet }),
      address,
      addressText,
      publicIp: entry['publicIp'] === true,
      ...(entry['nsg'] === undefined ? {} : { nsg: device(reader, entry['nsg'], [...at, 'nsg'], 'nsg') }),
      ...(entry['host'] === undefined ? {} : { host: device(reader, entry['host'], [...at, 'host'], 'host') }),
      ...(managed === undefined ? {} : { managedNetwork: device(reader, managed, [...at, 'managedNetwork'], 'managedNetwork') }),
    });
  }
  const firewalls: Firewall[] = [];
  for (const [firewallName, entry] of reader.entries(root['firewalls'], ['firewalls'], 'firewall')) {
    const at = ['firewalls', firewallName];
    reader.keys(entry, at, ['config', 'privateIp', 'subnet']);
    const privateIp = reader.string(entry['privateIp'], [...at, 'privateIp'], 'privateIp');
    const address = reader.addresses(privateIp, [...at, 'privateIp']);
    if (privateIp.includes('/')) reader.fail([...at, 'privateIp'], 'privateIp is one address, not a prefix');
    const subnet = subnetNamed(reader.string(entry['subnet'], [...at, 'subnet'], 'subnet'), [...at, 'subnet']);
    if (!address.isSubsetOf(subnet.prefix)) reader.fail([...at, 'privateIp'], `${privateIp} is outside subnet '${subnet.name}' (${subnet.prefixText})`);
    if (workloads.some((workload) => workload.address.overlaps(address))) reader.fail([...at, 'privateIp'], `${privateIp} is also a workload's address`);
    firewalls.push({ name: firewallName, config: device(reader, entry['config'], [...at, 'config'], 'firewall'), privateIp, subnet: subnet.name });
  }
  const names = new Map<string, string>();
  for (const [list, key] of [[subnets, 'subnet'], [workloads, 'workload'], [firewalls, 'firewall']] as const) {
    for (const item of list) {
      const at: Path = key === 'subnet' ? ['virtualNetworks', subnets.find((subnet) => subnet.name === item.name)!.vnet, 'subnets', item.name] : [`${key}s`, item.name];
      if (names.has(item.name)) reader.fail(at, `'${item.name}' names both a ${names.get(item.name)} and a ${key}; names are how --from and --to refer to them`);
      names.set(item.name, key);
    }
  }
  return { name, file: reader.file, vnets, peerings, subnets, workloads, firewalls };
}

/** Reads a topology from YAML (or JSON) text; TW_INVALID_TOPOLOGY with file, JSON path and line:column. */
export function parseTopology(input: string, file = '<topology>'): Topology {
  checkSize(input, INPUT_LIMITS.requirementsSize, 'the topology file', file);
  const text = stripBom(input);
  // The YAML library recurses per level: refuse deep nesting before it overflows the stack (as requirement files).
  const deep = nestingBeyond(text, INPUT_LIMITS.nesting, true);
  if (deep !== undefined) throw limitError(`collections nest more than ${INPUT_LIMITS.nesting} deep`, { file, ...lineColumnAt(text, deep) });
  const parse = (): ParsedYaml => {
    const yaml = yamlPackage();
    const lines = new yaml.LineCounter();
    return { document: yaml.parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false }) as Document.Parsed<ParsedNode>, lines };
  };
  // The plain subset topology files are written in, without the package (plain-yaml.ts); anything else, as before.
  const plain = readPlainYaml(text);
  if (plain !== undefined) return readTopologyData(new Reader(file, parse), plain);
  const parsed = parse();
  const { document } = parsed;
  const problem = document.errors[0];
  if (problem) {
    const message = problem.code === 'DUPLICATE_KEY' ? 'duplicate key in a mapping' : problem.message.split('\n')[0]!;
    throw new TagwallError('TW_INVALID_TOPOLOGY', message, { location: { file, ...lineColumnAt(text, problem.pos[0]) } });
  }
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new TagwallError('TW_INVALID_TOPOLOGY', `cannot read the YAML: ${error instanceof Error ? error.message : String(error)}`, { location: { file } });
  }
  return readTopologyData(new Reader(file, () => parsed), data);
}

export function loadTopologyFile(path: string): Topology {
  let text: string;
  try {
    text = nodeFs().readFileSync(path, 'utf8');
  } catch (error) {
    throw new TagwallError('TW_FILE', `cannot read the topology: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { location: { file: path } });
  }
  return parseTopology(text, path);
}
