/**
 * Managed network config → rule set. Reads an ARM template (`workspaces/outboundRules` resources; a workspace
 * resource's `managedNetwork`), `az ml workspace show` JSON (`managed_network` with `isolation_mode` and
 * `outbound_rules`), `az ml workspace outbound-rule list` / `show` output, or tagwall's YAML form. A rule allows
 * outbound packets from the managed computes (options.ts `computes`): FQDN rules TCP 80 and 443 to the name;
 * service-tag rules their protocol and ports to the tag (or its address prefixes, which then win); private-endpoint
 * rules reach a private address Azure assigns when the network is provisioned, which tagwall cannot know, so they
 * allow nothing in the analysis. In allow-internet-outbound mode every outbound packet of the computes is allowed.
 */
import type { AddressResolver } from '../../../analysis/resolve.js';
import type { Rule, RuleSet } from '../../../analysis/rule-set.js';
import { TagwallError } from '../../../errors.js';
import { yamlPackage } from '../../../internal/packages.js';
import { AddressSet } from '../../../model/address-set.js';
import { HostSet } from '../../../model/hostnames/host-set.js';
import { parseHostPattern } from '../../../model/hostnames.js';
import { PacketSet } from '../../../model/packet-set.js';
import { PortSet, ProtocolSet } from '../../../model/ports.js';
import { armResources, asObject, child, invalid, isObject, items, parseJsonConfig, propertiesOf, sameType, stringAt, unsupported, type Json, type Located, type JsonObject } from '../common/arm-read.js';
import { parseAzurePort } from '../common/ports.js';
import type { TargetOptionValues } from '../../target.js';
import { computeAddresses } from './build.js';
import { FQDN_RULE_PORTS } from './capabilities.js';
import { isolationModeOf, readAmlOptions, type IsolationMode } from './options.js';
import { OUTBOUND_RULE_TYPE, WORKSPACE_TYPE } from './render-arm.js';

const PROTOCOLS: Readonly<Record<string, ProtocolSet>> = { tcp: ProtocolSet.of(6), udp: ProtocolSet.of(17), icmp: ProtocolSet.of(1), '*': ProtocolSet.ANY, any: ProtocolSet.ANY };

interface Found {
  mode: IsolationMode | undefined;
  modeAt: Located | undefined;
  rules: Array<{ name: string; at: Located<JsonObject> }>;
}

/** A child resource's own name: `ws/rule`, or the last literal of `[format('{0}/{1}', parameters('ws'), 'rule')]`. */
function childName(resource: Located<JsonObject>): string {
  const raw = child(resource, 'name')?.value;
  if (typeof raw !== 'string') return resource.path;
  const formatted = /'((?:[^']|'')*)'\)\]$/.exec(raw);
  return formatted ? formatted[1]!.replace(/''/g, "'") : raw.split('/').pop()!;
}

function ruleType(at: Located<JsonObject>): string {
  return (stringAt(propertiesOf(at), 'type') ?? '').toLowerCase().replace(/_/g, '');
}

/** The managed network's mode and rules, wherever the document keeps them. */
function findNetwork(root: Located): Found {
  const found: Found = { mode: undefined, modeAt: undefined, rules: [] };
  const readNetwork = (network: Located<JsonObject>): void => {
    const modeAt = child(network, 'isolationMode') ?? child(network, 'isolation_mode');
    if (modeAt) {
      found.mode = isolationModeOf(typeof modeAt.value === 'string' ? modeAt.value : '');
      found.modeAt = modeAt;
      if (!found.mode) {
        if (typeof modeAt.value === 'string' && modeAt.value.toLowerCase() === 'disabled') throw unsupported(modeAt, 'the workspace has no managed network (isolation mode Disabled)');
        throw invalid(modeAt, `isolation mode must be AllowOnlyApprovedOutbound or AllowInternetOutbound, not ${JSON.stringify(modeAt.value)}`);
      }
    }
    const rules = child(network, 'outboundRules') ?? child(network, 'outbound_rules');
    if (rules && Array.isArray(rules.value)) for (const at of items(rules)) found.rules.push({ name: stringAt(asObject(at), 'name') ?? at.path, at: asObject(at) });
    else if (rules) {
      // The ARM managedNetwork form: a map of rule name → rule.
      const map = asObject(rules);
      for (const name of Object.keys(map.value)) found.rules.push({ name, at: asObject(child(map, name)!) });
    }
  };
  if (Array.isArray(root.value)) {
    // `az ml workspace outbound-rule list`, or a bare array of ARM resources.
    for (const at of items(root)) {
      const object = asObject(at);
      if (child(object, 'type') && stringAt(object, 'type')?.includes('/')) continue;
      found.rules.push({ name: stringAt(object, 'name') ?? at.path, at: object });
    }
  }
  const resources = isObject(root.value) || Array.isArray(root.value) ? armResources(root) : [];
  for (const { type, resource } of resources) {
    if (sameType(type, OUTBOUND_RULE_TYPE)) found.rules.push({ name: childName(resource), at: resource });
    if (sameType(type, WORKSPACE_TYPE)) {
      const network = child(propertiesOf(resource), 'managedNetwork');
      if (network) readNetwork(asObject(network));
    }
  }
  if (isObject(root.value) && !Array.isArray(root.value)) {
    const object = asObject(root);
    const network = child(object, 'managed_network') ?? child(object, 'managedNetwork') ?? child(propertiesOf(object), 'managedNetwork');
    if (network) readNetwork(asObject(network));
    else if (resources.length === 0 && child(object, 'destination') && child(object, 'type')) found.rules.push({ name: stringAt(object, 'name') ?? '$', at: object });
  }
  return found;
}

function portsOf(text: string, at: Located): PortSet {
  let set = PortSet.EMPTY;
  for (const part of text.split(',').map((item) => item.trim())) {
    const ports = parseAzurePort(part);
    if (!ports) throw invalid(at, `'${part}' is not a port, a range a-b or *`);
    set = set.union(ports);
  }
  return set;
}

function ruleMatch(rule: Located<JsonObject>, computes: AddressSet, resolver: AddressResolver): PacketSet {
  const body = propertiesOf(rule);
  const type = ruleType(rule);
  const destination = child(body, 'destination');
  if (!destination) throw invalid(body, 'an outbound rule needs a destination');
  if (type === 'fqdn') {
    if (typeof destination.value !== 'string') throw invalid(destination, 'an FQDN rule\'s destination is a host name');
    let hosts: HostSet;
    try {
      hosts = HostSet.fromPatterns([parseHostPattern(destination.value)]);
    } catch (error) {
      throw error instanceof TagwallError ? invalid(destination, error.message) : error;
    }
    return PacketSet.of({ directions: ['out'], protocols: ProtocolSet.of(6), dstPorts: PortSet.of(...FQDN_RULE_PORTS), src: computes, hosts });
  }
  if (type === 'privateendpoint') return PacketSet.EMPTY;
  if (type !== 'servicetag') throw invalid(child(body, 'type') ?? body, `rule type must be FQDN, ServiceTag or PrivateEndpoint, not '${stringAt(body, 'type') ?? ''}'`);
  const target = asObject(destination);
  const protocolText = (stringAt(target, 'protocol') ?? '*').toLowerCase();
  const protocols = PROTOCOLS[protocolText];
  if (!protocols) throw invalid(child(target, 'protocol')!, `protocol must be TCP, UDP, ICMP or *, not '${protocolText}'`);
  const portText = stringAt(target, 'portRanges') ?? stringAt(target, 'port_ranges') ?? '*';
  const ports = portsOf(portText, child(target, 'portRanges') ?? child(target, 'port_ranges') ?? target);
  const prefixes = child(target, 'addressPrefixes') ?? child(target, 'address_prefixes');
  let dst: AddressSet;
  if (prefixes && items(prefixes).length > 0) {
    dst = AddressSet.EMPTY;
    for (const at of items(prefixes)) {
      try {
        dst = dst.union(AddressSet.parse(String(at.value), { normalize: true }));
      } catch (error) {
        throw error instanceof TagwallError ? invalid(at, error.message) : error;
      }
    }
  } else {
    const tag = stringAt(target, 'serviceTag') ?? stringAt(target, 'service_tag');
    if (!tag) throw invalid(target, 'a service-tag rule needs serviceTag or addressPrefixes');
    try {
      dst = resolver.serviceTag(tag);
    } catch (error) {
      throw error instanceof TagwallError ? error.at({ file: target.file, jsonPath: (child(target, 'serviceTag') ?? child(target, 'service_tag'))!.path }) : error;
    }
  }
  // A port list confines a rule to TCP and UDP, as everywhere in tagwall (packet-set.ts).
  return PacketSet.of({ directions: ['out'], protocols, src: computes, dst, ...(ports.isAny() ? {} : { dstPorts: ports }) });
}

function toLocated(content: string, file: string): Located {
  const text = content.replace(/^\uFEFF/, '');
  if (/^\s*[[{]/.test(text)) return parseJsonConfig(text, file);
  let value: unknown;
  try {
    value = yamlPackage().parse(text);
  } catch (error) {
    throw new TagwallError('TW_INVALID_CONFIG', `neither JSON nor YAML: ${(error as Error).message}`, { location: { file } });
  }
  return { value: (value ?? {}) as Json, path: '$', file };
}

export function parseManagedNetwork(content: string, file: string, resolver: AddressResolver, options: TargetOptionValues = {}): RuleSet {
  return readManagedNetwork(toLocated(content, file), file, resolver, options);
}

/** The rule set of a document already read (`root` as `toLocated` makes it: the document's value at path `$`). */
export function readManagedNetwork(root: Located, file: string, resolver: AddressResolver, options: TargetOptionValues = {}): RuleSet {
  const found = findNetwork(root);
  // An ARM template may hold no rule at all (nothing expressible): it then allows nothing.
  const emptyTemplate = isObject(root.value) && Array.isArray(root.value['resources']) && typeof root.value['$schema'] === 'string' && /deploymentTemplate/i.test(root.value['$schema']);
  if (found.rules.length === 0 && found.mode === undefined && !emptyTemplate) throw invalid(root, 'no managed network found (expected workspaces/outboundRules resources, managed_network, or outbound rules)');
  const computes = computeAddresses(readAmlOptions(options), resolver);
  const rules: Rule[] = [];
  // FQDN and service-tag rules are valid only in approved-only mode; a document without the mode has rules, so it is that mode.
  if (found.mode === 'AllowInternetOutbound') {
    rules.push({ id: 'allow-internet-outbound', action: 'allow', match: PacketSet.of({ directions: ['out'], src: computes }), origin: { file, ...(found.modeAt ? { path: found.modeAt.path } : {}), text: 'isolation mode allow_internet_outbound' } });
  }
  for (const { name, at } of found.rules) {
    rules.push({ id: name, action: 'allow', match: ruleMatch(at, computes, resolver), origin: { file, path: at.path, text: `${name}: ${stringAt(propertiesOf(at), 'type') ?? ''}` } });
  }
  return { name: `aml-managed-network:${file}`, rules, defaultAction: 'deny', mode: resolver.mode };
}

