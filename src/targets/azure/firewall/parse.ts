/**
 * Azure Firewall ARM JSON → rule set: rule collection groups (policy) and classic `azureFirewalls` collections,
 * with the IP Groups of the same document. Order (targets.md §1.2): every network rule before every application
 * rule regardless of group priority; within a kind, group priority, then collection priority, then rules top-down;
 * default deny. Every rule is read as outbound (the firewall as the egress point, see capabilities.ts).
 */
import type { AddressResolver } from '../../../analysis/resolve.js';
import type { Rule, RuleSet } from '../../../analysis/rule-set.js';
import { TagwallError } from '../../../errors.js';
import { AddressSet } from '../../../model/address-set.js';
import { HostSet, parseHostPattern, type HostPattern } from '../../../model/hostnames.js';
import { PacketSet } from '../../../model/packet-set.js';
import { PathSet } from '../../../model/path-set.js';
import { PortSet, ProtocolSet } from '../../../model/ports.js';
import {
  armResources,
  asObject,
  child,
  integerAt,
  invalid,
  isObject,
  items,
  parseJsonConfig,
  propertiesOf,
  requiredString,
  sameType,
  stringAt,
  unsupported,
  type JsonObject,
  type Located,
} from '../common/arm-read.js';
import { armUnescape, isArmExpression } from '../common/escape.js';
import { parseAzurePort } from '../common/ports.js';
import { FIREWALL_LIMITS } from './capabilities.js';
import { CLASSIC_TYPE, IP_GROUP_TYPE, RCG_TYPE } from './render.js';

interface ParsedRule {
  readonly kind: 'network' | 'application';
  readonly order: readonly number[];
  readonly rule: Rule;
}

interface Context {
  readonly resolver: AddressResolver;
  readonly ipGroups: ReadonlyMap<string, AddressSet>;
  readonly file: string;
}

const NETWORK_PROTOCOLS: Readonly<Record<string, ProtocolSet>> = {
  tcp: ProtocolSet.of(6),
  udp: ProtocolSet.of(17),
  icmp: ProtocolSet.of(1),
  any: ProtocolSet.ANY,
};
const DEFAULT_APP_PORTS: Readonly<Record<string, number>> = { http: 80, https: 443, mssql: 1433 };
const PRIORITY_RANGE = `${FIREWALL_LIMITS.firstPriority}-${FIREWALL_LIMITS.lastPriority}`;
const inPriorityRange = (priority: number): boolean => priority >= FIREWALL_LIMITS.firstPriority && priority <= FIREWALL_LIMITS.lastPriority;
const RESOURCE_ID_EXPRESSION = /^\[resourceId\('Microsoft\.Network\/ipGroups',\s*'((?:[^']|'')+)'\)\]$/i;

function textList(parent: Located<JsonObject>, key: string): Array<{ text: string; at: Located }> {
  return items(child(parent, key)).map((at) => {
    if (typeof at.value !== 'string') throw invalid(at, 'expected a string');
    return { text: at.value, at };
  });
}

function literalText(entry: { text: string; at: Located }): string {
  if (isArmExpression(entry.text)) throw unsupported(entry.at, `ARM expression '${entry.text}' cannot be evaluated`);
  return armUnescape(entry.text);
}

/** IP Group references: this template's `[resourceId('Microsoft.Network/ipGroups', 'name')]`, or a resource id. */
function ipGroupAddresses(parent: Located<JsonObject>, key: string, context: Context): AddressSet {
  let set = AddressSet.EMPTY;
  for (const entry of items(child(parent, key))) {
    const raw = typeof entry.value === 'string' ? entry.value : isObject(entry.value) ? entry.value['id'] : undefined;
    if (typeof raw !== 'string') throw invalid(entry, 'expected an IP Group id');
    const name = RESOURCE_ID_EXPRESSION.exec(raw)?.[1]?.replace(/''/g, "'") ?? (raw.startsWith('[') ? undefined : raw.split('/').pop());
    const addresses = name === undefined ? undefined : context.ipGroups.get(name.toLowerCase());
    if (!addresses) throw unsupported(entry, `IP Group '${name ?? raw}' is not defined in this document; include its Microsoft.Network/ipGroups resource, or pass az network ip-group list output with --ip-groups FILE|DIR`);
    set = set.union(addresses);
  }
  return set;
}

function addressList(parent: Located<JsonObject>, key: string, context: Context, tags: boolean): AddressSet {
  let set = AddressSet.EMPTY;
  for (const entry of textList(parent, key)) {
    const text = literalText(entry).trim();
    if (text === '*') return AddressSet.ALL;
    if (/^[0-9a-f:.\-/]+$/i.test(text) && /[.:]/.test(text)) {
      try {
        set = set.union(AddressSet.parse(text, { normalize: true }));
      } catch (error) {
        throw error instanceof TagwallError ? invalid(entry.at, error.message) : error;
      }
      continue;
    }
    if (!tags) throw invalid(entry.at, `'${text}' is not an address; service tags are allowed only as destinations of network rules (§1.1)`);
    try {
      set = set.union(context.resolver.serviceTag(text));
    } catch (error) {
      throw error instanceof TagwallError ? error.at({ file: entry.at.file, jsonPath: entry.at.path }) : error;
    }
  }
  return set;
}

function portList(parent: Located<JsonObject>, key: string): PortSet {
  const entries = textList(parent, key);
  if (entries.length === 0) throw invalid(parent, `missing '${key}'`);
  let set = PortSet.EMPTY;
  for (const entry of entries) {
    const ports = parseAzurePort(literalText(entry));
    if (!ports) throw invalid(entry.at, `'${entry.text}' is not a port, a range a-b or *`);
    set = set.union(ports);
  }
  return set;
}

/** `*`, `x.com`, `*.x.com`; `*x.com` (any name ending so, §1.3) is not a label-based pattern and is refused. */
function hostPatterns(entries: Array<{ text: string; at: Located }>, urls: boolean): HostSet {
  let set = HostSet.EMPTY;
  for (const entry of entries) {
    let text = literalText(entry).trim();
    if (urls) text = text.replace(/^https?:\/\//i, '').split('/')[0]!;
    if (text === '*') return HostSet.ANY_NAME;
    if (text.startsWith('*') && !text.startsWith('*.')) throw unsupported(entry.at, `'${text}' matches any name ending in '${text.slice(1)}' (§1.3); tagwall models only exact names and '*.suffix'`);
    let pattern: HostPattern;
    try {
      pattern = parseHostPattern(text);
    } catch (error) {
      throw error instanceof TagwallError ? invalid(entry.at, error.message) : error;
    }
    set = set.union(HostSet.fromPatterns([pattern]));
  }
  return set;
}

function refuseNonEmpty(parent: Located<JsonObject>, key: string, why: string): void {
  const at = child(parent, key);
  if (at && items(at).length > 0) throw unsupported(at, why);
}

function networkRuleMatch(rule: Located<JsonObject>, context: Context, protocolKey: string): PacketSet {
  const protocolEntries = textList(rule, protocolKey);
  if (protocolEntries.length === 0) throw invalid(rule, `missing '${protocolKey}'`);
  let protocols = ProtocolSet.EMPTY;
  for (const entry of protocolEntries) {
    const set = NETWORK_PROTOCOLS[literalText(entry).toLowerCase()];
    if (!set) throw invalid(entry.at, `protocol must be TCP, UDP, ICMP or Any, not '${entry.text}'`);
    protocols = protocols.union(set);
  }
  const src = addressList(rule, 'sourceAddresses', context, false).union(ipGroupAddresses(rule, 'sourceIpGroups', context));
  const dst = addressList(rule, 'destinationAddresses', context, true).union(ipGroupAddresses(rule, 'destinationIpGroups', context));
  const fqdns = textList(rule, 'destinationFqdns');
  const ports = portList(rule, 'destinationPorts');
  // A port list confines the rule to TCP and UDP, as everywhere in tagwall (packet-set.ts); ⚠ Azure does not say
  // what ports mean for ICMP in the same rule, and tagwall never generates that mix.
  const part = (spec: { dst?: AddressSet; hosts?: HostSet }): PacketSet =>
    PacketSet.of({ directions: ['out'], protocols, src, ...spec, ...(ports.isAny() ? {} : { dstPorts: ports }) });
  let match = dst.isEmpty() ? PacketSet.EMPTY : part({ dst });
  // Network-rule FQDNs match by the addresses DNS gives the firewall (§1.3); modelled as the asked-for name.
  if (fqdns.length > 0) match = match.union(part({ hosts: hostPatterns(fqdns, false) }));
  return match;
}

function applicationRuleMatch(rule: Located<JsonObject>, context: Context): PacketSet {
  refuseNonEmpty(rule, 'fqdnTags', 'FQDN tags stand for Microsoft-maintained host lists that tagwall does not know');
  refuseNonEmpty(rule, 'webCategories', 'web categories are classified by Microsoft at run time and cannot be modelled');
  let ports = PortSet.EMPTY;
  for (const protocol of items(child(rule, 'protocols'))) {
    const object = asObject(protocol);
    const type = requiredString(object, 'protocolType').toLowerCase();
    const port = integerAt(object, 'port') ?? DEFAULT_APP_PORTS[type];
    if (DEFAULT_APP_PORTS[type] === undefined) throw invalid(object, `protocolType must be Http, Https or Mssql, not '${type}'`);
    if (port === undefined || port < 0 || port > 65535) throw invalid(object, `port ${port} is out of range`);
    ports = ports.union(PortSet.of(port));
  }
  if (ports.isEmpty()) throw invalid(rule, "missing 'protocols'");
  // Application rules take no IPv6 (§1.7), so only IPv4 sources reach them.
  const src = addressList(rule, 'sourceAddresses', context, false).union(ipGroupAddresses(rule, 'sourceIpGroups', context)).only('ipv4');
  const destinationAddresses = textList(rule, 'destinationAddresses');
  const dst = destinationAddresses.length > 0 ? addressList(rule, 'destinationAddresses', context, false) : AddressSet.ALL;
  const base = { directions: ['out'] as const, protocols: ProtocolSet.of(6), dstPorts: ports, src, dst };
  let match = PacketSet.of({ ...base, hosts: hostPatterns(textList(rule, 'targetFqdns'), false) });
  // Target URLs restrict the path too (§1.3: `www.contoso.com/test/*` matches /test/anything, not /test).
  for (const entry of textList(rule, 'targetUrls')) match = match.union(PacketSet.of({ ...base, hosts: hostPatterns([entry], true), paths: urlPaths(entry) }));
  return match;
}

/**
 * The paths a target URL matches: none given (or `/`, `/*`) is any path; a trailing `*` makes the rest a prefix;
 * otherwise the one path. Queries are refused by Azure (§1.3), so a `?` is an error here too.
 */
function urlPaths(entry: { text: string; at: Located }): PathSet {
  const text = literalText(entry).trim().replace(/^https?:\/\//i, '');
  const slash = text.indexOf('/');
  const path = slash < 0 ? '' : text.slice(slash);
  if (path.includes('?')) throw unsupported(entry.at, `target URL '${text}' has a query, which Azure Firewall does not accept (§1.3)`);
  if (path === '' || path === '/' || path === '/*') return PathSet.ANY;
  if (path.endsWith('*')) {
    if (path.slice(0, -1).includes('*')) throw unsupported(entry.at, `target URL '${text}': only a trailing '*' is modelled`);
    return PathSet.prefix(path.slice(0, -1));
  }
  if (path.includes('*')) throw unsupported(entry.at, `target URL '${text}': only a trailing '*' is modelled`);
  return PathSet.exact(path);
}

function readCollectionRules(
  collection: Located<JsonObject>,
  order: readonly number[],
  context: Context,
  classicKind: 'network' | 'application' | undefined,
): ParsedRule[] {
  const body = classicKind ? propertiesOf(collection) : collection;
  const name = requiredString(collection, 'name');
  if (!classicKind) {
    const type = requiredString(collection, 'ruleCollectionType');
    if (/nat/i.test(type)) throw unsupported(collection, 'DNAT rule collections are not modelled (tagwall handles outbound filtering)');
    if (type !== 'FirewallPolicyFilterRuleCollection') throw invalid(collection, `unknown ruleCollectionType '${type}'`);
  }
  const priority = integerAt(body, 'priority');
  if (priority === undefined || !inPriorityRange(priority)) throw invalid(body, `collection '${name}': priority must be ${PRIORITY_RANGE}`);
  const actionAt = child(body, 'action');
  const action = actionAt ? requiredString(asObject(actionAt), 'type') : undefined;
  if (!action || !/^(allow|deny)$/i.test(action)) throw invalid(actionAt ?? body, `collection '${name}': action type must be Allow or Deny`);
  return items(child(body, 'rules')).map((ruleAt, index) => {
    const rule = asObject(ruleAt);
    const ruleName = requiredString(rule, 'name');
    let kind: 'network' | 'application';
    if (classicKind) kind = classicKind;
    else {
      const ruleType = requiredString(rule, 'ruleType');
      if (ruleType === 'NetworkRule') kind = 'network';
      else if (ruleType === 'ApplicationRule') kind = 'application';
      else throw unsupported(rule, `rule type '${ruleType}' is not modelled`);
    }
    const match = kind === 'network' ? networkRuleMatch(rule, context, classicKind ? 'protocols' : 'ipProtocols') : applicationRuleMatch(rule, context);
    const description = stringAt(rule, 'description');
    return {
      kind,
      order: [...order, priority, index],
      rule: {
        id: `${name}/${ruleName}`,
        action: action.toLowerCase() === 'allow' ? 'allow' : 'deny',
        match,
        origin: { file: context.file, path: rule.path, text: `${kind} rule ${ruleName} in ${name}${description ? ` (${description})` : ''}` },
      },
    };
  });
}

function compareOrder(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < Math.min(a.length, b.length); index++) if (a[index] !== b[index]) return a[index]! - b[index]!;
  return a.length - b.length;
}

export function parseFirewallJson(content: string, file: string, resolver: AddressResolver): RuleSet {
  const root = parseJsonConfig(content, file);
  const resources = armResources(root);
  const ipGroups = new Map<string, AddressSet>();
  for (const { type, resource } of resources) {
    if (!sameType(type, IP_GROUP_TYPE)) continue;
    const name = requiredString(resource, 'name');
    const properties = propertiesOf(resource);
    const entries = textList(properties, 'ipAddresses');
    let set = AddressSet.EMPTY;
    for (const entry of entries) {
      try {
        set = set.union(AddressSet.parse(literalText(entry), { normalize: true }));
      } catch (error) {
        throw error instanceof TagwallError ? invalid(entry.at, error.message) : error;
      }
    }
    ipGroups.set(name.split('/').pop()!.toLowerCase(), set);
  }
  const context: Context = { resolver, ipGroups, file };
  const parsed: ParsedRule[] = [];
  let found = false;
  resources.forEach(({ type, resource }, resourceIndex) => {
    const properties = propertiesOf(resource);
    if (sameType(type, RCG_TYPE)) {
      found = true;
      const priority = integerAt(properties, 'priority');
      if (priority === undefined || !inPriorityRange(priority)) throw invalid(properties, `rule collection group priority must be ${PRIORITY_RANGE}`);
      for (const collection of items(child(properties, 'ruleCollections'))) for (const rule of readCollectionRules(asObject(collection), [priority, resourceIndex], context, undefined)) parsed.push(rule);
    } else if (sameType(type, CLASSIC_TYPE)) {
      found = true;
      refuseNonEmpty(properties, 'natRuleCollections', 'DNAT rule collections are not modelled (tagwall handles outbound filtering)');
      const policy = child(properties, 'firewallPolicy');
      if (policy) throw unsupported(policy, 'this firewall takes its rules from a firewall policy; parse the policy rule collection groups instead');
      for (const collection of items(child(properties, 'networkRuleCollections'))) for (const rule of readCollectionRules(asObject(collection), [0, resourceIndex], context, 'network')) parsed.push(rule);
      for (const collection of items(child(properties, 'applicationRuleCollections'))) for (const rule of readCollectionRules(asObject(collection), [0, resourceIndex], context, 'application')) parsed.push(rule);
    }
  });
  if (!found) throw invalid(root, 'no Azure Firewall rules found (expected Microsoft.Network/firewallPolicies/ruleCollectionGroups or Microsoft.Network/azureFirewalls)');
  const ordered = [...parsed].sort((a, b) => (a.kind === b.kind ? compareOrder(a.order, b.order) : a.kind === 'network' ? -1 : 1));
  return { name: `azure-firewall:${file}`, rules: ordered.map((entry) => entry.rule), defaultAction: 'deny', mode: resolver.mode };
}

