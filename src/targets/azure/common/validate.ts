/**
 * tagwall's own checks on generated ARM resources: what the NRP schema does not check (targets.md §5: names,
 * port syntax, NSG priority range, limits). The translators build their output to pass; every translation runs
 * these checks on its ARM rendering and fails loudly if one does not, because that is a bug, not bad input.
 */
import { isObject, type Json, type JsonObject } from './arm-read.js';
import { MAX_DESCRIPTION_LENGTH, isArmExpression } from './escape.js';
import { FIREWALL_LIMITS, firewallAcceptsTag, NSG_LIMITS, UDR_LIMITS } from './limits.js';
import { isValidAzureName } from './names.js';
import { parseAzurePort } from './ports.js';

function list(value: Json | undefined): Json[] {
  return Array.isArray(value) ? value : [];
}
/** The strings of a list: the list itself when it holds nothing else (a rule's 100k addresses are read, not copied). */
function strings(value: Json | undefined): readonly string[] {
  const items = list(value);
  for (let index = 0; index < items.length; index++) {
    if (typeof items[index] !== 'string') return items.filter((item): item is string => typeof item === 'string');
  }
  return items as string[];
}

/**
 * The family of an address, prefix or range as Azure fields write it, or undefined for anything else (a tag, `*`):
 * the text is `A(/D{1,3})?(-A)?` with A a run of hex digits, `.` and `:` and D a decimal digit, and holds a `.` or a
 * `:`. A scan, not the regular expression it replaces (`/^[0-9a-f:.]+(\/\d{1,3})?(-[0-9a-f:.]+)?$/i`): with its
 * groups each test allocated ~50 bytes, 5 MB for a rule of 100k addresses. validate.test.ts holds the two together.
 */
export function familyOf(prefix: string): 'ipv4' | 'ipv6' | undefined {
  const end = prefix.length;
  let at = addressRun(prefix, 0);
  if (at === 0) return undefined;
  if (at < end && prefix.charCodeAt(at) === SLASH) {
    const digits = at + 1;
    at = digits;
    while (at < end && at - digits < 4 && isDigit(prefix.charCodeAt(at))) at++;
    if (at === digits || at - digits > 3) return undefined;
  }
  if (at < end && prefix.charCodeAt(at) === DASH) {
    const start = at + 1;
    at = addressRun(prefix, start);
    if (at === start) return undefined;
  }
  if (at !== end) return undefined;
  if (prefix.includes(':')) return 'ipv6';
  return prefix.includes('.') ? 'ipv4' : undefined;
}

const SLASH = 47;
const DASH = 45;
const isDigit = (code: number): boolean => code >= 48 && code <= 57;
/** `[0-9a-fA-F:.]`: hex digits (either case, as the `i` flag read them), dots and colons. */
const isAddressCharacter = (code: number): boolean => isDigit(code) || (code >= 97 && code <= 102) || (code >= 65 && code <= 70) || code === 46 || code === 58;

/** Where the run of address characters from `from` ends. */
function addressRun(text: string, from: number): number {
  let at = from;
  while (at < text.length && isAddressCharacter(text.charCodeAt(at))) at++;
  return at;
}

class Checker {
  readonly problems: string[] = [];

  problem(path: string, message: string): void {
    this.problems.push(`${path}: ${message}`);
  }

  /** §1.5, §2.1 (RNR): 1–80 characters, alphanumerics `_ . -`, first alphanumeric, last alphanumeric or `_`. */
  name(value: Json | undefined, path: string): void {
    if (typeof value !== 'string') return this.problem(path, 'a name is required');
    if (isArmExpression(value)) return;
    if (!isValidAzureName(value)) this.problem(path, `name '${value}' is not 1-80 characters of A-Z a-z 0-9 _ . - starting alphanumeric and ending alphanumeric or _`);
  }

  uniqueNames(items: Json[], path: string): void {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      const name = isObject(item) ? item['name'] : undefined;
      this.name(name, `${path}[${index}].name`);
      if (typeof name !== 'string') return;
      // Azure compares names without regard to case.
      if (seen.has(name.toLowerCase())) this.problem(`${path}[${index}].name`, `name '${name}' is used twice`);
      seen.add(name.toLowerCase());
    });
  }

  priority(value: Json | undefined, path: string, low: number, high: number): void {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < low || value > high) this.problem(path, `priority must be an integer ${low}-${high}, not ${JSON.stringify(value)}`);
  }

  ports(values: readonly string[], path: string): void {
    values.forEach((value, index) => {
      if (parseAzurePort(value) === undefined || value.trim() !== value) this.problem(`${path}[${index}]`, `'${value}' is not a port, a range a-b (1-65535) or *`);
    });
  }

  description(value: Json | undefined, path: string): void {
    if (typeof value === 'string' && value.length > MAX_DESCRIPTION_LENGTH) this.problem(path, `description is longer than ${MAX_DESCRIPTION_LENGTH} characters`);
  }

  // ─── NSG (§2.1, §2.4) ────────────────────────────────────────────────────────────────────────────────

  nsg(properties: JsonObject, path: string): void {
    const rules = list(properties['securityRules']);
    if (rules.length > NSG_LIMITS.rules) this.problem(`${path}.securityRules`, `${rules.length} rules exceed ${NSG_LIMITS.rules} per NSG`);
    this.uniqueNames(rules, `${path}.securityRules`);
    const taken = new Map<string, number>();
    rules.forEach((rule, index) => {
      const at = `${path}.securityRules[${index}].properties`;
      const body = isObject(rule) && isObject(rule['properties']) ? rule['properties'] : {};
      this.priority(body['priority'], `${at}.priority`, NSG_LIMITS.firstPriority, NSG_LIMITS.lastPriority);
      const key = `${String(body['direction'])}:${String(body['priority'])}`;
      if (taken.has(key)) this.problem(`${at}.priority`, `priority ${String(body['priority'])} ${String(body['direction'])} is also rule ${taken.get(key)}'s`);
      taken.set(key, index);
      this.description(body['description'], `${at}.description`);
      const families = new Set<string>();
      for (const side of ['source', 'destination']) {
        const one = body[`${side}AddressPrefix`];
        const many = body[`${side}AddressPrefixes`];
        if ((one === undefined) === (many === undefined)) this.problem(at, `exactly one of ${side}AddressPrefix and ${side}AddressPrefixes`);
        const prefixes = many === undefined ? strings(one === undefined ? [] : [one]) : strings(many);
        if (many !== undefined && prefixes.length > NSG_LIMITS.prefixesPerSide) this.problem(`${at}.${side}AddressPrefixes`, `${prefixes.length} prefixes exceed ${NSG_LIMITS.prefixesPerSide}`);
        // §2.1: one service tag per field, and only in the singular field (TFNSG, TFE).
        if (many !== undefined && prefixes.some((prefix) => familyOf(prefix) === undefined)) this.problem(`${at}.${side}AddressPrefixes`, 'service tags and * go only in the singular field');
        for (const prefix of prefixes) {
          const family = familyOf(prefix);
          if (family) families.add(family);
        }
        const portOne = body[`${side}PortRange`];
        const portMany = body[`${side}PortRanges`];
        if ((portOne === undefined) === (portMany === undefined)) this.problem(at, `exactly one of ${side}PortRange and ${side}PortRanges`);
        this.ports(portMany === undefined ? strings(portOne === undefined ? [] : [portOne]) : strings(portMany), `${at}.${side}PortRange${portMany === undefined ? '' : 's'}`);
      }
      // §2.1 (TFAF): one address family per rule.
      if (families.size > 1) this.problem(at, 'IPv4 and IPv6 prefixes in one rule');
    });
  }

  // ─── Azure Firewall (§1.1, §1.4–1.6) ────────────────────────────────────────────────────────────────────

  firewallRule(rule: JsonObject, path: string, kind: 'network' | 'application', protocolsKey: string): void {
    this.description(rule['description'], `${path}.description`);
    if (kind === 'network') {
      const destinations = strings(rule['destinationAddresses']);
      const tags = destinations.filter((entry) => entry !== '*' && familyOf(entry) === undefined);
      // §1.1: a network rule's destinations never mix service tags with addresses; only tags the firewall takes.
      if (tags.length > 0 && tags.length < destinations.length) this.problem(`${path}.destinationAddresses`, 'service tags and addresses in one rule');
      for (const tag of tags) if (!firewallAcceptsTag(tag)) this.problem(`${path}.destinationAddresses`, `Azure Firewall does not take the tag ${tag}`);
      for (const entry of strings(rule['sourceAddresses'])) if (entry !== '*' && familyOf(entry) === undefined) this.problem(`${path}.sourceAddresses`, `'${entry}' is not an address (tags are destinations only)`);
      if (strings(rule[protocolsKey]).length === 0) this.problem(`${path}.${protocolsKey}`, 'no protocols');
      const ports = strings(rule['destinationPorts']);
      if (ports.length === 0) this.problem(`${path}.destinationPorts`, 'no ports');
      this.ports(ports, `${path}.destinationPorts`);
      return;
    }
    list(rule['protocols']).forEach((protocol, index) => {
      const port = isObject(protocol) ? protocol['port'] : undefined;
      if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > FIREWALL_LIMITS.applicationPortMax) {
        this.problem(`${path}.protocols[${index}].port`, `application-rule ports are 0-${FIREWALL_LIMITS.applicationPortMax}`);
      }
    });
    // §1.1 (Terraform, PowerShell): target URLs exclude target FQDNs and need TLS inspection.
    const urls = strings(rule['targetUrls']);
    if (urls.length > 0 && strings(rule['targetFqdns']).length > 0) this.problem(path, 'targetUrls and targetFqdns in one rule');
    if (urls.length > 0 && rule['terminateTLS'] !== true) this.problem(path, 'targetUrls need terminateTLS');
    for (const url of urls) {
      const slash = url.indexOf('/');
      if (/[?#\s]/.test(url) || (slash >= 0 && url.slice(slash, -1).includes('*'))) this.problem(`${path}.targetUrls`, `'${url}' is not a target URL Azure takes (§1.3)`);
    }
  }

  ruleCollectionGroup(properties: JsonObject, path: string): void {
    this.priority(properties['priority'], `${path}.priority`, FIREWALL_LIMITS.firstPriority, FIREWALL_LIMITS.lastPriority);
    const collections = list(properties['ruleCollections']);
    this.uniqueNames(collections, `${path}.ruleCollections`);
    collections.forEach((collection, index) => {
      if (!isObject(collection)) return;
      const at = `${path}.ruleCollections[${index}]`;
      this.priority(collection['priority'], `${at}.priority`, FIREWALL_LIMITS.firstPriority, FIREWALL_LIMITS.lastPriority);
      const rules = list(collection['rules']);
      this.uniqueNames(rules, `${at}.rules`);
      rules.forEach((rule, ruleIndex) => {
        if (!isObject(rule)) return;
        this.firewallRule(rule, `${at}.rules[${ruleIndex}]`, rule['ruleType'] === 'NetworkRule' ? 'network' : 'application', 'ipProtocols');
      });
    });
  }

  classicFirewall(properties: JsonObject, path: string): void {
    for (const [key, kind] of [['networkRuleCollections', 'network'], ['applicationRuleCollections', 'application']] as const) {
      const collections = list(properties[key]);
      this.uniqueNames(collections, `${path}.${key}`);
      collections.forEach((collection, index) => {
        const body = isObject(collection) && isObject(collection['properties']) ? collection['properties'] : {};
        const at = `${path}.${key}[${index}].properties`;
        this.priority(body['priority'], `${at}.priority`, FIREWALL_LIMITS.firstPriority, FIREWALL_LIMITS.lastPriority);
        const rules = list(body['rules']);
        this.uniqueNames(rules, `${at}.rules`);
        rules.forEach((rule, ruleIndex) => {
          if (isObject(rule)) this.firewallRule(rule, `${at}.rules[${ruleIndex}]`, kind, 'protocols');
        });
      });
    }
  }

  ipGroup(properties: JsonObject, path: string): void {
    const entries = strings(properties['ipAddresses']);
    if (entries.length === 0 || entries.length > FIREWALL_LIMITS.ipGroupEntries) this.problem(`${path}.ipAddresses`, `an IP Group holds 1-${FIREWALL_LIMITS.ipGroupEntries} entries, not ${entries.length}`);
    // §1.7: IP Groups take no IPv6.
    for (const entry of entries) if (familyOf(entry) !== 'ipv4') this.problem(`${path}.ipAddresses`, `'${entry}' is not an IPv4 address, range or prefix`);
  }

  // ─── Route tables (§2.4, §2.5) ──────────────────────────────────────────────────────────────────────────

  routeTable(properties: JsonObject, path: string): void {
    const routes = list(properties['routes']);
    this.uniqueNames(routes, `${path}.routes`);
    if (routes.length > UDR_LIMITS.routes) this.problem(`${path}.routes`, `${routes.length} routes exceed ${UDR_LIMITS.routes} per table`);
    const prefixes = routes.map((route) => (isObject(route) && isObject(route['properties']) ? route['properties']['addressPrefix'] : undefined));
    const tags = prefixes.filter((prefix) => typeof prefix === 'string' && familyOf(prefix) === undefined);
    if (tags.length > UDR_LIMITS.tagRoutes) this.problem(`${path}.routes`, `${tags.length} service-tag routes exceed ${UDR_LIMITS.tagRoutes} per table`);
    const seen = new Set<string>();
    prefixes.forEach((prefix, index) => {
      if (typeof prefix !== 'string') return this.problem(`${path}.routes[${index}].properties.addressPrefix`, 'an address prefix is required');
      if (seen.has(prefix.toLowerCase())) this.problem(`${path}.routes[${index}].properties.addressPrefix`, `${prefix} is routed twice`);
      seen.add(prefix.toLowerCase());
    });
  }
}

/** The problems of one ARM resource (an element of a template's `resources[]`), each with its JSON path. */
export function checkArmResource(resource: unknown, path = '$'): string[] {
  const checker = new Checker();
  if (!isObject(resource as Json)) return [`${path}: not an object`];
  const object = resource as JsonObject;
  const properties = isObject(object['properties']) ? object['properties'] : {};
  const at = `${path}.properties`;
  const name = object['name'];
  checker.name(typeof name === 'string' && !isArmExpression(name) ? name.split('/').pop() : name, `${path}.name`);
  switch (object['type']) {
    case 'Microsoft.Network/networkSecurityGroups':
      checker.nsg(properties, at);
      break;
    case 'Microsoft.Network/firewallPolicies/ruleCollectionGroups':
      checker.ruleCollectionGroup(properties, at);
      break;
    case 'Microsoft.Network/firewallPolicies':
      // Declared only for the settings its rules need (azure-firewall/render.ts): nothing else may be in it.
      for (const key of Object.keys(properties)) if (!['sku', 'dnsSettings', 'transportSecurity'].includes(key)) checker.problem(`${at}.${key}`, `tagwall declares only sku, dnsSettings and transportSecurity of a policy`);
      break;
    case 'Microsoft.Network/azureFirewalls':
      checker.classicFirewall(properties, at);
      break;
    case 'Microsoft.Network/ipGroups':
      checker.ipGroup(properties, at);
      break;
    case 'Microsoft.Network/routeTables':
      checker.routeTable(properties, at);
      break;
    default:
      checker.problem(`${path}.type`, `tagwall does not generate ${String(object['type'])}`);
  }
  return checker.problems;
}

/** Every resource of a generated ARM template; a problem is a tagwall bug, so it throws a plain Error. */
/** An ARM template as JSON.parse gives it (a caller that reads it too parses it once for both: 3 MB at 100k CIDRs). */
export interface ParsedArm {
  readonly resources?: unknown[];
}

export function assertValidTemplate(arm: string | ParsedArm, target: string): void {
  const template = typeof arm === 'string' ? (JSON.parse(arm) as ParsedArm) : arm;
  const problems = (template.resources ?? []).flatMap((resource, index) => checkArmResource(resource, `$.resources[${index}]`));
  if (problems.length > 0) throw new Error(`target ${target} generated an ARM template outside Azure's rules (a tagwall bug):\n${problems.join('\n')}`);
}
