/**
 * azurerm (and azapi) resources → the ARM resources the Azure targets parse. Attribute names are the azurerm
 * provider's (registry.terraform.io/providers/hashicorp/azurerm, resource docs of the same names); both sources of
 * resources — `terraform show -json` (plan.ts) and HCL (hcl-convert.ts) — hand them over as `TfResource`s.
 */
import { TagwallError, type SourceLocation } from '../../errors.js';
import type { Json, JsonObject } from '../../targets/azure/common/arm-read.js';
import { PLACEHOLDER_RESOURCE_GROUP, PLACEHOLDER_SUBSCRIPTION } from '../arm-template/functions.js';
import type { Converted, InputKind } from '../converted.js';
import { armLiteral } from '../../text/arm.js';

export type TfValue = Json;

/** One resource's attributes and nested blocks, wherever they were read from. */
export interface TfBody {
  readonly location: SourceLocation;
  /** An attribute's value (undefined when absent or null); a value that cannot be worked out statically throws, located. */
  get(name: string): TfValue | undefined;
  /** Nested blocks of this type, in order. */
  blocks(name: string): TfBody[];
}

export interface TfResource {
  readonly type: string;
  /** `azurerm_network_security_group.web`, `module.net.azurerm_route_table.rt["a"]`. */
  readonly address: string;
  readonly body: TfBody;
}

/** The ARM type each azurerm resource stands for (also what a synthesized `.id` names). */
export const ARM_TYPES: Readonly<Record<string, string>> = {
  azurerm_network_security_group: 'Microsoft.Network/networkSecurityGroups',
  azurerm_network_security_rule: 'Microsoft.Network/networkSecurityGroups/securityRules',
  azurerm_firewall_policy: 'Microsoft.Network/firewallPolicies',
  azurerm_firewall_policy_rule_collection_group: 'Microsoft.Network/firewallPolicies/ruleCollectionGroups',
  azurerm_firewall: 'Microsoft.Network/azureFirewalls',
  azurerm_ip_group: 'Microsoft.Network/ipGroups',
  azurerm_route_table: 'Microsoft.Network/routeTables',
  azurerm_route: 'Microsoft.Network/routeTables/routes',
  azurerm_machine_learning_workspace: 'Microsoft.MachineLearningServices/workspaces',
};

/** The resource types tagwall reads from Terraform (docs/inputs.md). */
export const READ_TYPES = [
  'azurerm_network_security_group',
  'azurerm_network_security_rule',
  'azurerm_firewall_policy_rule_collection_group',
  'azurerm_firewall_network_rule_collection',
  'azurerm_firewall_application_rule_collection',
  'azurerm_ip_group',
  'azurerm_ip_group_cidr',
  'azurerm_route_table',
  'azurerm_route',
  'azurerm_machine_learning_workspace',
  'azurerm_machine_learning_workspace_network_outbound_rule_fqdn',
  'azurerm_machine_learning_workspace_network_outbound_rule_service_tag',
  'azurerm_machine_learning_workspace_network_outbound_rule_private_endpoint',
  'azapi_resource',
] as const;

/** The id Azure would give a resource of this type and name: ids are compared by their last segment. */
export function syntheticId(armType: string, name: string): string {
  const [namespace, ...types] = armType.split('/');
  return `/subscriptions/${PLACEHOLDER_SUBSCRIPTION}/resourceGroups/${PLACEHOLDER_RESOURCE_GROUP}/providers/${namespace}/${types[types.length - 1]}/${name}`;
}

function invalid(body: TfBody, message: string): TagwallError {
  return new TagwallError('TW_INVALID_CONFIG', message, { location: body.location });
}

function text(body: TfBody, name: string): string | undefined {
  const value = body.get(name);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') throw invalid(body, `'${name}' must be a string`);
  return value;
}
function required(body: TfBody, name: string, resource: string): string {
  const value = text(body, name);
  if (value === undefined || value === '') throw invalid(body, `${resource} has no '${name}'`);
  return value;
}
/** A value used only to join resources or to name them: when Terraform alone knows it, undefined. */
function soft(body: TfBody, name: string): string | undefined {
  try {
    return text(body, name);
  } catch (error) {
    if (error instanceof TagwallError && error.code === 'TW_UNSUPPORTED_CONFIG') return undefined;
    throw error;
  }
}
/** A resource's name, or its Terraform address when the name is known only to Terraform (a variable without a value). */
export function nameOf(resource: TfResource): string {
  return soft(resource.body, 'name') ?? resource.address;
}
function list(body: TfBody, name: string): Json[] {
  const value = body.get(name);
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(body, `'${name}' must be a list`);
  return value;
}
function integer(body: TfBody, name: string): Json | undefined {
  const value = body.get(name);
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return value;
}
/** Only what is set: an empty string or list is azurerm's "not set". */
function set(object: JsonObject, key: string, value: Json | undefined): void {
  if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) return;
  object[key] = value;
}

class Builder {
  readonly resources: JsonObject[] = [];
  readonly origins = new Map<string, SourceLocation>();
  readonly notes: string[] = [];

  add(resource: JsonObject, location: SourceLocation): number {
    const index = this.resources.length;
    this.resources.push(resource);
    this.origins.set(`$.resources[${index}]`, location);
    return index;
  }
}

function securityRule(rule: TfBody, nameOf: string): JsonObject {
  const properties: JsonObject = {};
  set(properties, 'description', text(rule, 'description'));
  set(properties, 'protocol', text(rule, 'protocol'));
  set(properties, 'sourcePortRange', text(rule, 'source_port_range'));
  set(properties, 'sourcePortRanges', list(rule, 'source_port_ranges'));
  set(properties, 'destinationPortRange', text(rule, 'destination_port_range'));
  set(properties, 'destinationPortRanges', list(rule, 'destination_port_ranges'));
  set(properties, 'sourceAddressPrefix', text(rule, 'source_address_prefix'));
  set(properties, 'sourceAddressPrefixes', list(rule, 'source_address_prefixes'));
  set(properties, 'destinationAddressPrefix', text(rule, 'destination_address_prefix'));
  set(properties, 'destinationAddressPrefixes', list(rule, 'destination_address_prefixes'));
  set(properties, 'sourceApplicationSecurityGroups', list(rule, 'source_application_security_group_ids').map((id) => ({ id })));
  set(properties, 'destinationApplicationSecurityGroups', list(rule, 'destination_application_security_group_ids').map((id) => ({ id })));
  set(properties, 'access', text(rule, 'access'));
  set(properties, 'priority', integer(rule, 'priority'));
  set(properties, 'direction', text(rule, 'direction'));
  return { name: nameOf, properties };
}

function networkRule(rule: TfBody, policy: boolean): JsonObject {
  const out: JsonObject = policy ? { ruleType: 'NetworkRule' } : {};
  out['name'] = required(rule, 'name', 'a network rule');
  set(out, 'description', text(rule, 'description'));
  out[policy ? 'ipProtocols' : 'protocols'] = list(rule, 'protocols');
  out['sourceAddresses'] = list(rule, 'source_addresses');
  out['sourceIpGroups'] = list(rule, 'source_ip_groups');
  out['destinationAddresses'] = list(rule, 'destination_addresses');
  out['destinationIpGroups'] = list(rule, 'destination_ip_groups');
  out['destinationFqdns'] = list(rule, 'destination_fqdns');
  out['destinationPorts'] = list(rule, 'destination_ports');
  return out;
}

function applicationProtocols(rule: TfBody, block: string): JsonObject[] {
  return rule.blocks(block).map((protocol) => {
    const out: JsonObject = { protocolType: required(protocol, 'type', 'an application rule protocol') };
    set(out, 'port', integer(protocol, 'port'));
    return out;
  });
}

function policyApplicationRule(rule: TfBody): JsonObject {
  const out: JsonObject = { ruleType: 'ApplicationRule', name: required(rule, 'name', 'an application rule') };
  set(out, 'description', text(rule, 'description'));
  out['protocols'] = applicationProtocols(rule, 'protocols');
  out['sourceAddresses'] = list(rule, 'source_addresses');
  out['sourceIpGroups'] = list(rule, 'source_ip_groups');
  set(out, 'destinationAddresses', list(rule, 'destination_addresses'));
  out['targetFqdns'] = list(rule, 'destination_fqdns');
  set(out, 'targetUrls', list(rule, 'destination_urls'));
  set(out, 'fqdnTags', list(rule, 'destination_fqdn_tags'));
  set(out, 'webCategories', list(rule, 'web_categories'));
  if (rule.get('terminate_tls') === true) out['terminateTLS'] = true;
  return out;
}

function collection(block: TfBody, kind: 'FirewallPolicyFilterRuleCollection' | 'FirewallPolicyNatRuleCollection', rules: JsonObject[]): JsonObject {
  return {
    ruleCollectionType: kind,
    name: required(block, 'name', 'a rule collection'),
    priority: integer(block, 'priority') ?? null,
    action: { type: required(block, 'action', 'a rule collection') },
    rules,
  };
}

function ruleCollectionGroup(resource: TfResource, builder: Builder): void {
  const body = resource.body;
  const collections: JsonObject[] = [];
  const origins: Array<[number, SourceLocation]> = [];
  for (const block of body.blocks('network_rule_collection')) {
    origins.push([collections.length, block.location]);
    collections.push(collection(block, 'FirewallPolicyFilterRuleCollection', block.blocks('rule').map((rule) => networkRule(rule, true))));
  }
  for (const block of body.blocks('application_rule_collection')) {
    origins.push([collections.length, block.location]);
    collections.push(collection(block, 'FirewallPolicyFilterRuleCollection', block.blocks('rule').map(policyApplicationRule)));
  }
  for (const block of body.blocks('nat_rule_collection')) {
    origins.push([collections.length, block.location]);
    collections.push(collection(block, 'FirewallPolicyNatRuleCollection', []));
  }
  const index = builder.add(
    { type: ARM_TYPES['azurerm_firewall_policy_rule_collection_group']!, name: nameOf(resource), properties: { priority: integer(body, 'priority') ?? null, ruleCollections: collections } },
    body.location,
  );
  for (const [position, location] of origins) builder.origins.set(`$.resources[${index}].properties.ruleCollections[${position}]`, location);
}

/** Classic collections, gathered on one azureFirewalls resource per firewall name. */
function classicCollection(resource: TfResource, builder: Builder, firewalls: Map<string, number>): void {
  const body = resource.body;
  const firewall = soft(body, 'azure_firewall_name') ?? '(firewall)';
  let index = firewalls.get(firewall);
  if (index === undefined) {
    index = builder.add({ type: 'Microsoft.Network/azureFirewalls', name: firewall, properties: { networkRuleCollections: [], applicationRuleCollections: [] } }, body.location);
    firewalls.set(firewall, index);
  }
  const properties = (builder.resources[index]!['properties'] as JsonObject);
  const network = resource.type === 'azurerm_firewall_network_rule_collection';
  const rules = body.blocks('rule').map((rule) => {
    if (network) return networkRule(rule, false);
    const out: JsonObject = { name: required(rule, 'name', 'an application rule') };
    set(out, 'description', text(rule, 'description'));
    out['sourceAddresses'] = list(rule, 'source_addresses');
    out['sourceIpGroups'] = list(rule, 'source_ip_groups');
    out['targetFqdns'] = list(rule, 'target_fqdns');
    set(out, 'fqdnTags', list(rule, 'fqdn_tags'));
    out['protocols'] = applicationProtocols(rule, 'protocol');
    return out;
  });
  const key = network ? 'networkRuleCollections' : 'applicationRuleCollections';
  const collections = properties[key] as JsonObject[];
  builder.origins.set(`$.resources[${index}].properties.${key}[${collections.length}]`, body.location);
  collections.push({ name: nameOf(resource), properties: { priority: integer(body, 'priority') ?? null, action: { type: required(body, 'action', resource.address) }, rules } });
}

/** Everything tagwall reads from a set of Terraform resources, as one ARM document. */
export function armFromTerraform(resources: readonly TfResource[], file: string, kind: InputKind): Converted {
  const builder = new Builder();
  const nsgs = new Map<string, number>();
  const tables = new Map<string, number>();
  const ipGroups = new Map<string, number>();
  const firewalls = new Map<string, number>();
  const later: TfResource[] = [];
  const ignored = new Set<string>();
  for (const resource of resources) {
    const body = resource.body;
    switch (resource.type) {
      case 'azurerm_network_security_group': {
        const name = nameOf(resource);
        const rules = body.blocks('security_rule');
        const index = builder.add({ type: ARM_TYPES[resource.type]!, name, properties: { securityRules: rules.map((rule) => securityRule(rule, required(rule, 'name', 'a security_rule'))) } }, body.location);
        rules.forEach((rule, position) => builder.origins.set(`$.resources[${index}].properties.securityRules[${position}]`, rule.location));
        nsgs.set(name.toLowerCase(), index);
        break;
      }
      case 'azurerm_route_table': {
        const name = nameOf(resource);
        const routes = body.blocks('route');
        const index = builder.add({ type: ARM_TYPES[resource.type]!, name, properties: { routes: routes.map((route) => routeOf(route)) } }, body.location);
        routes.forEach((route, position) => builder.origins.set(`$.resources[${index}].properties.routes[${position}]`, route.location));
        tables.set(name.toLowerCase(), index);
        break;
      }
      case 'azurerm_ip_group': {
        const name = nameOf(resource);
        ipGroups.set(name.toLowerCase(), builder.add({ type: ARM_TYPES[resource.type]!, name, properties: { ipAddresses: list(body, 'cidrs') } }, body.location));
        break;
      }
      case 'azurerm_firewall_policy_rule_collection_group':
        ruleCollectionGroup(resource, builder);
        break;
      case 'azurerm_firewall_network_rule_collection':
      case 'azurerm_firewall_application_rule_collection':
        classicCollection(resource, builder, firewalls);
        break;
      case 'azurerm_machine_learning_workspace': {
        const network = body.blocks('managed_network')[0];
        const mode = network ? text(network, 'isolation_mode') : undefined;
        if (mode !== undefined) builder.add({ type: ARM_TYPES[resource.type]!, name: nameOf(resource), properties: { managedNetwork: { isolationMode: mode } } }, network!.location);
        break;
      }
      case 'azurerm_machine_learning_workspace_network_outbound_rule_fqdn':
        builder.add({ type: 'Microsoft.MachineLearningServices/workspaces/outboundRules', name: required(body, 'name', resource.address), properties: { type: 'FQDN', category: 'UserDefined', destination: required(body, 'destination_fqdn', resource.address) } }, body.location);
        break;
      case 'azurerm_machine_learning_workspace_network_outbound_rule_service_tag':
        builder.add(
          {
            type: 'Microsoft.MachineLearningServices/workspaces/outboundRules',
            name: required(body, 'name', resource.address),
            properties: { type: 'ServiceTag', category: 'UserDefined', destination: { serviceTag: required(body, 'service_tag', resource.address), protocol: text(body, 'protocol') ?? '*', portRanges: text(body, 'port_ranges') ?? '*', action: 'Allow' } },
          },
          body.location,
        );
        break;
      case 'azurerm_machine_learning_workspace_network_outbound_rule_private_endpoint':
        builder.add(
          {
            type: 'Microsoft.MachineLearningServices/workspaces/outboundRules',
            name: required(body, 'name', resource.address),
            properties: { type: 'PrivateEndpoint', category: 'UserDefined', destination: { serviceResourceId: text(body, 'service_resource_id') ?? '', subresourceTarget: text(body, 'sub_resource_target') ?? '', sparkEnabled: body.get('spark_enabled') === true } },
          },
          body.location,
        );
        break;
      case 'azapi_resource':
        azapi(resource, builder);
        break;
      case 'azurerm_network_security_rule':
      case 'azurerm_route':
      case 'azurerm_ip_group_cidr':
        later.push(resource);
        break;
      default:
        ignored.add(resource.type);
    }
  }
  // Stand-alone children join their parent by name (the sole parent when the name is not known statically).
  for (const resource of later) {
    const body = resource.body;
    if (resource.type === 'azurerm_ip_group_cidr') {
      const id = soft(body, 'ip_group_id') ?? required(body, 'ip_group_id', resource.address);
      const index = ipGroups.get(id.split('/').pop()!.toLowerCase());
      if (index === undefined) throw invalid(body, `${resource.address}: IP Group '${id}' is not defined in this configuration`);
      ((builder.resources[index]!['properties'] as JsonObject)['ipAddresses'] as Json[]).push(required(body, 'cidr', resource.address));
      continue;
    }
    const nsg = resource.type === 'azurerm_network_security_rule';
    const parents = nsg ? nsgs : tables;
    const parentName = soft(body, nsg ? 'network_security_group_name' : 'route_table_name');
    const index = parentName !== undefined ? parents.get(parentName.toLowerCase()) : parents.size === 1 ? [...parents.values()][0] : undefined;
    const entry = nsg ? securityRule(body, nameOf(resource)) : routeOf(body);
    if (index === undefined) {
      if (parentName !== undefined && parents.size > 0) throw invalid(body, `${resource.address}: ${nsg ? 'network security group' : 'route table'} '${parentName}' is not defined in this configuration`);
      // No parent here: the rule stands alone, as an ARM child resource.
      builder.add({ type: nsg ? ARM_TYPES['azurerm_network_security_rule']! : ARM_TYPES['azurerm_route']!, ...entry }, body.location);
      continue;
    }
    const properties = builder.resources[index]!['properties'] as JsonObject;
    const key = nsg ? 'securityRules' : 'routes';
    const entries = properties[key] as Json[];
    // State read back after a refresh lists stand-alone rules inline too (azurerm's security_rule and route are
    // Optional+Computed): the same rule, by name, is kept once.
    const ownName = String(entry['name']).toLowerCase();
    if (entries.some((existing) => isNamed(existing, ownName))) continue;
    builder.origins.set(`$.resources[${index}].properties.${key}[${entries.length}]`, body.location);
    entries.push(entry);
  }
  if (builder.resources.length === 0) {
    throw new TagwallError(
      'TW_INVALID_CONFIG',
      `no resource tagwall reads (${READ_TYPES.join(', ')})${ignored.size > 0 ? `; found ${[...ignored].sort().join(', ')}` : ''}`,
      { location: { file } },
    );
  }
  // Terraform values are literals: one that looks like an ARM expression is escaped, as ARM JSON writes it.
  return { kind, file, document: { resources: builder.resources.map(armEscaped) as Json[] }, origins: builder.origins, unresolved: new Map(), notes: builder.notes };
}

function armEscaped(value: Json): Json {
  if (typeof value === 'string') return armLiteral(value);
  if (Array.isArray(value)) return value.map(armEscaped);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [armLiteral(key), armEscaped(item)]));
}

function isNamed(value: Json, name: string): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof value['name'] === 'string' && value['name'].toLowerCase() === name;
}

function routeOf(route: TfBody): JsonObject {
  const properties: JsonObject = { addressPrefix: required(route, 'address_prefix', 'a route'), nextHopType: required(route, 'next_hop_type', 'a route') };
  set(properties, 'nextHopIpAddress', text(route, 'next_hop_in_ip_address'));
  return { name: required(route, 'name', 'a route'), properties };
}

/** `azapi_resource`: `type = "Microsoft.X/y@version"` and an ARM `body` (an object, or JSON text in azapi 1.x). */
function azapi(resource: TfResource, builder: Builder): void {
  const body = resource.body;
  const typeText = required(body, 'type', resource.address);
  const type = typeText.split('@')[0]!;
  if (!Object.values(ARM_TYPES).some((known) => known.toLowerCase() === type.toLowerCase()) && !/outboundRules$/i.test(type)) return;
  let armBody = body.get('body');
  if (typeof armBody === 'string') {
    try {
      armBody = JSON.parse(armBody) as Json;
    } catch {
      throw invalid(body, `${resource.address}: body is not JSON`);
    }
  }
  const object = typeof armBody === 'object' && armBody !== null && !Array.isArray(armBody) ? armBody : {};
  builder.add({ ...object, type, name: required(body, 'name', resource.address) }, body.location);
}
