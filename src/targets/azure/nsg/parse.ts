/**
 * NSG JSON → rule set: an ARM template (the NSG with inline `securityRules`, and `securityRules` child resources),
 * one NSG resource, or what `az network nsg show` prints (flattened rule properties, `defaultSecurityRules`).
 * Per direction, rules apply in priority order, lowest first, and the first match decides (targets.md §0, NSGO);
 * the six default rules follow at 65000–65500 whether or not the JSON lists them, because Azure always has them.
 */
import type { AddressResolver } from '../../../analysis/resolve.js';
import type { Rule, RuleSet } from '../../../analysis/rule-set.js';
import { TagwallError } from '../../../errors.js';
import { AddressSet } from '../../../model/address-set.js';
import { PacketSet } from '../../../model/packet-set.js';
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
  stringsAt,
  unsupported,
  type Located,
  type JsonObject,
} from '../common/arm-read.js';
import { parseAzurePort } from '../common/ports.js';
import { DEFAULT_SECURITY_RULES, type NsgRule } from './model.js';
import { NSG_LIMITS } from './capabilities.js';
import { NSG_TYPE } from './render.js';

const RULE_TYPE = 'Microsoft.Network/networkSecurityGroups/securityRules';

const PROTOCOLS: Readonly<Record<string, ProtocolSet>> = {
  tcp: ProtocolSet.of(6),
  udp: ProtocolSet.of(17),
  // targets.md §2.1: `Icmp` is taken as ICMP (1) only; docs do not say whether it covers ICMPv6.
  icmp: ProtocolSet.of(1),
  esp: ProtocolSet.of(50),
  ah: ProtocolSet.of(51),
  '*': ProtocolSet.ANY,
};

interface LocatedRule {
  readonly rule: NsgRule;
  readonly at: Located<JsonObject>;
}

function readRule(at: Located<JsonObject>): LocatedRule {
  const properties = propertiesOf(at);
  const name = requiredString(at, 'name');
  const direction = requiredString(properties, 'direction');
  const access = requiredString(properties, 'access');
  const protocol = requiredString(properties, 'protocol');
  const priority = integerAt(properties, 'priority');
  if (!/^(inbound|outbound)$/i.test(direction)) throw invalid(child(properties, 'direction')!, `direction must be Inbound or Outbound, not '${direction}'`);
  if (!/^(allow|deny)$/i.test(access)) throw invalid(child(properties, 'access')!, `access must be Allow or Deny, not '${access}'`);
  if (PROTOCOLS[protocol.toLowerCase()] === undefined) throw invalid(child(properties, 'protocol')!, `protocol must be Tcp, Udp, Icmp, Esp, Ah or *, not '${protocol}'`);
  if (priority === undefined) throw invalid(properties, `rule '${name}' has no priority`);
  for (const key of ['sourceApplicationSecurityGroups', 'destinationApplicationSecurityGroups']) {
    const groups = child(properties, key);
    if (groups && items(groups).length > 0) throw unsupported(groups, 'application security groups name NICs, not addresses; tagwall cannot resolve them');
  }
  const list = (singular: string, plural: string): string[] => {
    const many = stringsAt(properties, plural).map((entry) => entry.text);
    const one = stringAt(properties, singular);
    const all = [...(one !== undefined && one !== '' ? [one] : []), ...many];
    if (all.length === 0) throw invalid(properties, `rule '${name}' has neither ${singular} nor ${plural}`);
    return all;
  };
  return {
    at,
    rule: {
      name,
      description: stringAt(properties, 'description') ?? '',
      priority,
      direction: direction.toLowerCase() === 'inbound' ? 'Inbound' : 'Outbound',
      access: access.toLowerCase() === 'allow' ? 'Allow' : 'Deny',
      protocol: protocol === '*' ? '*' : ((protocol[0]!.toUpperCase() + protocol.slice(1).toLowerCase()) as NsgRule['protocol']),
      sourcePrefixes: list('sourceAddressPrefix', 'sourceAddressPrefixes'),
      destinationPrefixes: list('destinationAddressPrefix', 'destinationAddressPrefixes'),
      sourcePorts: list('sourcePortRange', 'sourcePortRanges'),
      destinationPorts: list('destinationPortRange', 'destinationPortRanges'),
    },
  };
}

/**
 * `*`, `Any`, `0.0.0.0/0`-style prefixes, IPs, CIDRs, or a tag (through the resolver). Literal prefixes are parsed
 * in batches (one AddressSet.fromStrings per run of them: a rule of 4,000 prefixes parsed one set each was most of
 * a 100k-CIDR NSG render's garbage); a batch is parsed before the next tag or `*` is looked at, so the first bad
 * entry in list order still gives the error, as when each was parsed on its own.
 */
function prefixAddresses(prefixes: readonly string[], at: Located, resolver: AddressResolver): AddressSet {
  const sets: AddressSet[] = [];
  let literals: string[] = [];
  const parseLiterals = (): void => {
    if (literals.length === 0) return;
    try {
      sets.push(AddressSet.fromStrings(literals, { normalize: true }));
    } catch (error) {
      throw error instanceof TagwallError ? invalid(at, error.message) : error;
    }
    literals = [];
  };
  for (const prefix of prefixes) {
    if (/^[0-9a-f:.]+(\/\d+)?$/i.test(prefix) && /[.:]/.test(prefix)) {
      literals.push(prefix);
      continue;
    }
    parseLiterals();
    if (prefix === '*' || prefix.toLowerCase() === 'any') return AddressSet.ALL;
    try {
      sets.push(resolver.serviceTag(prefix));
    } catch (error) {
      throw error instanceof TagwallError ? error.at({ file: at.file, jsonPath: at.path }) : error;
    }
  }
  parseLiterals();
  return AddressSet.unionOf(sets);
}

function portsOf(values: readonly string[], at: Located, name: string): PortSet {
  let set = PortSet.EMPTY;
  for (const value of values) {
    const ports = parseAzurePort(value);
    if (!ports) throw invalid(at, `rule '${name}': '${value}' is not a port, a range a-b or *`);
    set = set.union(ports);
  }
  return set;
}

/**
 * The order an NSG's rules are read in: by direction, then priority (the parser's, and build.ts nsgAllowed's for a
 * model's rules). Direction is 'Inbound' or 'Outbound': plain comparison orders them as localeCompare did, without
 * starting ICU's collator (tens of milliseconds in a cold `render --target nsg`).
 */
export function nsgRuleOrder(a: Pick<NsgRule, 'direction' | 'priority'>, b: Pick<NsgRule, 'direction' | 'priority'>): number {
  return (a.direction === b.direction ? 0 : a.direction < b.direction ? -1 : 1) || a.priority - b.priority;
}

/** The packets one security rule matches. */
export function securityRuleMatch(rule: NsgRule, at: Located, resolver: AddressResolver): PacketSet {
  const srcPorts = portsOf(rule.sourcePorts, at, rule.name);
  const dstPorts = portsOf(rule.destinationPorts, at, rule.name);
  return PacketSet.of({
    directions: [rule.direction === 'Inbound' ? 'in' : 'out'],
    protocols: PROTOCOLS[rule.protocol.toLowerCase()]!,
    src: prefixAddresses(rule.sourcePrefixes, at, resolver),
    dst: prefixAddresses(rule.destinationPrefixes, at, resolver),
    ...(srcPorts.isAny() ? {} : { srcPorts }),
    ...(dstPorts.isAny() ? {} : { dstPorts }),
  });
}

/** The NSG objects in a document: ARM resources of the NSG type, or the document itself when it looks like one. */
function findNsg(root: Located): { nsg: Located<JsonObject>; childRules: Located<JsonObject>[] } {
  const resources = isObject(root.value) || Array.isArray(root.value) ? armResources(root) : [];
  const nsgs = resources.filter((entry) => sameType(entry.type, NSG_TYPE)).map((entry) => entry.resource);
  const childRules = resources.filter((entry) => sameType(entry.type, RULE_TYPE)).map((entry) => entry.resource);
  if (nsgs.length > 1) throw unsupported(nsgs[1]!, 'the document holds more than one network security group; parse them one at a time');
  if (nsgs[0]) return { nsg: nsgs[0], childRules };
  const object = asObject(root);
  const properties = propertiesOf(object);
  if (child(properties, 'securityRules') || child(properties, 'defaultSecurityRules') || childRules.length > 0) return { nsg: object, childRules };
  throw invalid(root, 'no network security group found (expected an ARM template, an NSG resource or `az network nsg show` output)');
}

export function parseNsgJson(content: string, file: string, resolver: AddressResolver): RuleSet {
  const root = parseJsonConfig(content, file);
  const { nsg, childRules } = findNsg(root);
  const properties = propertiesOf(nsg);
  const userRules = [...items(child(properties, 'securityRules')).map((at) => readRule(asObject(at))), ...childRules.map(readRule)];
  const listedDefaults = items(child(properties, 'defaultSecurityRules')).map((at) => readRule(asObject(at)));
  const seen = new Map<string, LocatedRule>();
  for (const entry of userRules) {
    const { priority, direction, name } = entry.rule;
    const priorityAt = child(propertiesOf(entry.at), 'priority') ?? entry.at;
    if (priority < NSG_LIMITS.firstPriority || priority > NSG_LIMITS.lastPriority) {
      throw invalid(priorityAt, `rule '${name}': priority ${priority} is outside ${NSG_LIMITS.firstPriority}-${NSG_LIMITS.lastPriority}`);
    }
    const key = `${direction}:${priority}`;
    const clash = seen.get(key);
    if (clash) throw invalid(priorityAt, `rules '${clash.rule.name}' and '${name}' both have priority ${priority} ${direction}`);
    seen.set(key, entry);
  }
  const defaults: LocatedRule[] =
    listedDefaults.length > 0 ? listedDefaults : DEFAULT_SECURITY_RULES.map((rule) => ({ rule, at: { value: {}, path: '(default rule)', file } }));
  const ordered = [...userRules, ...defaults].sort((a, b) => nsgRuleOrder(a.rule, b.rule));
  const builtIn = new Set(defaults);
  const rules: Rule[] = ordered.map((entry) => ({
    id: entry.rule.name,
    action: entry.rule.access === 'Allow' ? 'allow' : 'deny',
    match: securityRuleMatch(entry.rule, entry.at, resolver),
    origin: {
      file,
      path: entry.at.path,
      priority: entry.rule.priority,
      ...(builtIn.has(entry) ? { builtIn: true } : {}),
      text: ruleText(entry.rule),
    },
  }));
  return { name: `nsg:${file}`, rules, defaultAction: 'deny', mode: resolver.mode };
}

function ruleText(rule: NsgRule): string {
  return `${rule.priority} ${rule.direction} ${rule.access} ${rule.protocol} ${rule.sourcePrefixes.join(',')}:${rule.sourcePorts.join(',')} -> ${rule.destinationPrefixes.join(',')}:${rule.destinationPorts.join(',')}`;
}

