/**
 * Requirements → the managed network's user-defined outbound rules (model.ts). Per outbound requirement: a
 * service-tag rule per tag the snapshot lets NSG rules name and per protocol, one with address prefixes for the
 * rest (literal addresses, tags written as prefixes), and an FQDN rule per host name where ports allow (options.ts).
 * What the managed network cannot say is left out and reported with the lost packets.
 */
import { endpointAddresses, requirementPackets, type AddressResolver } from '../../../analysis/resolve.js';
import { AddressSet } from '../../../model/address-set.js';
import { formatHostPattern } from '../../../model/hostnames.js';
import { PacketSet } from '../../../model/packet-set.js';
import { formatPacket } from '../../../model/packet.js';
import { PortSet, ProtocolSet } from '../../../model/ports.js';
import type { Endpoint, Requirement, RequirementSet } from '../../../model/requirement.js';
import { sortEndpoints } from '../common/endpoints.js';
import { shortHash } from '../../names.js';
import { azurePortStrings } from '../common/ports.js';
import { modelOrigin } from '../common/support.js';
import { placementDrafts, placeTags } from '../common/tag-features.js';
import type { DraftDiagnostic } from '../../diagnostics.js';
import { allowedPackets } from '../../../analysis/rule-set.js';
import { parseAzurePort } from '../common/ports.js';
import type { Artifact, Built, Rendered, TranslateContext } from '../../target.js';
import { FQDN_RULE_PORTS } from './capabilities.js';
import type { ManagedNetworkModel, OutboundRule, ServiceTagProtocol } from './model.js';
import { AML_TARGET_ID, readAmlOptions, type AmlFormat, type AmlOptions } from './options.js';
import { readManagedNetwork } from './parse.js';
import { renderManagedNetworkArm, renderManagedNetworkBicep } from './render-arm.js';
import { renderManagedNetworkTerraform } from './render-terraform.js';
import { managedNetworkDocument, renderManagedNetworkYaml } from './render-yaml.js';

const TAG_CODES = { expanded: 'AML_TAG_EXPANDED', widened: 'AML_TAG_WIDENED' } as const;

/** The addresses the managed computes stand for in the analysis (the `computes` option, or VirtualNetwork). */
export function computeAddresses(options: Pick<AmlOptions, 'computes'>, resolver: AddressResolver): AddressSet {
  return options.computes ?? resolver.serviceTag('VirtualNetwork');
}

/** Service-tag rule protocols for a requirement; what they cannot name is reported by the caller. */
function protocolsOf(requirement: Requirement): { protocols: ServiceTagProtocol[]; missing: ProtocolSet } {
  if (requirement.protocols.isAny() && requirement.ports.isAny()) return { protocols: ['*'], missing: ProtocolSet.EMPTY };
  const named: Array<[number, ServiceTagProtocol]> = requirement.ports.isAny() ? [[6, 'TCP'], [17, 'UDP'], [1, 'ICMP']] : [[6, 'TCP'], [17, 'UDP']];
  const chosen = named.filter(([number]) => requirement.protocols.has(number));
  const missing = requirement.ports.isAny() ? requirement.protocols.difference(ProtocolSet.of(...chosen.map(([number]) => number))) : ProtocolSet.EMPTY;
  return { protocols: chosen.map(([, name]) => name), missing };
}

/**
 * Outbound rule names: `^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$` (workspaces_outboundRules in the MachineLearningServices
 * schema, 2024-10-01 to 2026-05-01): no dots, 3-33 characters. Longer names keep a hash suffix; clashes a counter.
 */
export const RULE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$/;

class RuleNames {
  readonly #taken = new Set<string>();

  claim(wanted: string): string {
    let base = wanted.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
    if (base.length < 3) base = `${base || 'rule'}-tw`.slice(0, 33);
    if (base.length > 33) base = `${base.slice(0, 24)}-${shortHash(wanted)}`;
    let name = base;
    for (let counter = 2; this.#taken.has(name.toLowerCase()); counter++) name = `${base.slice(0, 33 - String(counter).length - 1)}-${counter}`;
    this.#taken.add(name.toLowerCase());
    return name;
  }
}

class Builder {
  readonly rules: OutboundRule[] = [];
  readonly drafts: DraftDiagnostic[] = [];
  readonly #names = new RuleNames();
  readonly #computes: AddressSet;

  constructor(
    readonly options: AmlOptions,
    readonly context: TranslateContext,
  ) {
    this.#computes = computeAddresses(options, context.resolver);
  }

  name(wanted: string): string {
    return this.#names.claim(wanted);
  }

  translate(requirement: Requirement): void {
    const everything = requirementPackets(requirement, this.context.resolver);
    const lose = (code: string, message: string, candidate: PacketSet = everything, severity: 'error' | 'warning' = 'error'): void => {
      this.drafts.push({ code, severity, requirement, message: `${requirement.id}: ${message}`, candidate });
    };
    if (requirement.direction === 'in') return lose('AML_INBOUND_UNSUPPORTED', 'inbound traffic to managed computes is Azure ML\'s own (its required AzureMachineLearning inbound rule); user-defined rules are outbound only', everything, 'warning');
    if (requirement.icmp?.length) return lose('AML_ICMP_TYPE_INEXPRESSIBLE', 'outbound rules cannot match ICMP types');
    // Rules apply to every managed compute: expressible only when the requirement allows all of them.
    const sources = sortEndpoints(requirement.sources, this.context.snapshot);
    const sourceAddresses = sources.hosts.length > 0 ? AddressSet.EMPTY : endpointAddresses(requirement.sources, this.context.resolver);
    if (!this.#computes.isSubsetOf(sourceAddresses)) {
      return lose('AML_SOURCE_INEXPRESSIBLE', 'outbound rules apply to every compute of the managed network; the requirement names only some sources (set option computes to the addresses that stand for them)');
    }
    if (!sourceAddresses.isSubsetOf(this.#computes)) {
      lose('AML_SOURCE_OUTSIDE_COMPUTES', 'sources other than the managed computes are not the managed network\'s to allow', everything, 'warning');
    }
    if (this.options.isolationMode === 'AllowInternetOutbound') return; // Everything outbound is allowed; see build's warning.
    const destinations = sortEndpoints(requirement.destinations, this.context.snapshot);
    if (destinations.any) return lose('AML_ANY_DESTINATION', 'an outbound rule needs a service tag, prefixes or an FQDN; any destination is the allow-internet-outbound mode');
    if (destinations.hosts.length > 0 && destinations.hosts.length < requirement.destinations.length) {
      lose('AML_MIXED_DESTINATIONS', 'destinations mix host names with addresses or tags; each kind is written as its own rule and the requirement model reads the mix as any address for any name', everything, 'warning');
    }
    this.serviceTagRules(requirement, destinations, lose);
    if (destinations.hosts.length > 0) this.fqdnRules(requirement, destinations.hosts, lose);
  }

  serviceTagRules(requirement: Requirement, destinations: ReturnType<typeof sortEndpoints>, lose: (code: string, message: string, candidate?: PacketSet) => void): void {
    if (destinations.tags.length === 0 && destinations.addresses.isEmpty()) return;
    const { protocols, missing } = protocolsOf(requirement);
    if (!missing.isEmpty()) lose('AML_PROTOCOL_INEXPRESSIBLE', `service-tag rules name TCP, UDP, ICMP or *; protocols ${missing.toString()} left out`, requirementPackets({ ...requirement, protocols: missing }, this.context.resolver));
    const placed = placeTags(destinations.tags, destinations.addresses, 'NSG', this.context.snapshot, { globalTags: false, expand: (tag) => this.context.snapshot.addresses(tag) });
    this.drafts.push(...placementDrafts(TAG_CODES, requirement, 'destination', placed, 'NSG', this.context.resolver));
    let addresses = placed.addresses;
    if (this.options.format === 'terraform' && !addresses.isEmpty()) {
      // azurerm's service-tag outbound rule takes a tag only, no address prefixes.
      lose('AML_TERRAFORM_PREFIXES', 'azurerm_machine_learning_workspace_network_outbound_rule_service_tag takes a service tag, not address prefixes; these destinations are left out of the Terraform form (use --format arm, bicep or yaml)', requirementPackets({ ...requirement, destinations: [{ kind: 'addresses', addresses }] }, this.context.resolver));
      addresses = AddressSet.EMPTY;
    }
    const ports = (protocol: ServiceTagProtocol): string => (protocol === 'TCP' || protocol === 'UDP' || protocol === '*' ? azurePortStrings(requirement.ports).join(', ') : '*');
    const many = protocols.length * (placed.tags.length + (addresses.isEmpty() ? 0 : 1)) > 1;
    let index = 0;
    const name = (): string => this.#names.claim(many ? `${requirement.id}-${++index}` : requirement.id);
    for (const protocol of protocols) {
      for (const tag of placed.tags) this.rules.push({ type: 'ServiceTag', name: name(), serviceTag: tag, protocol, portRanges: ports(protocol) });
      if (!addresses.isEmpty()) this.rules.push({ type: 'ServiceTag', name: name(), addressPrefixes: addresses.toCidrStrings(), protocol, portRanges: ports(protocol) });
    }
  }

  fqdnRules(requirement: Requirement, hosts: readonly Endpoint[], lose: (code: string, message: string, candidate?: PacketSet, severity?: 'error' | 'warning') => void): void {
    const hostPackets = requirementPackets({ ...requirement, destinations: hosts }, this.context.resolver);
    const web = PortSet.of(...FQDN_RULE_PORTS);
    const tcp = requirement.protocols.has(6) ? requirement.ports.intersection(web) : PortSet.EMPTY;
    const usable = this.options.fqdnRules === 'widen' ? !tcp.isEmpty() : tcp.equals(web);
    if (!usable) {
      return lose('AML_FQDN_PORTS', `FQDN rules allow TCP 80 and 443 together and nothing else; the requirement's ${requirement.protocols.toString()} ${requirement.ports.toString()} ${this.options.fqdnRules === 'exact' && !tcp.isEmpty() ? 'asks for only one of them (option fqdnRules=widen writes the rule anyway, with a warning)' : 'is not HTTP/HTTPS'}`, hostPackets);
    }
    if (!requirement.protocols.equals(ProtocolSet.of(6)) || !requirement.ports.isSubsetOf(web)) {
      lose('AML_FQDN_PORTS', `FQDN rules carry TCP 80 and 443 only; the rest of ${requirement.protocols.toString()} ${requirement.ports.toString()} is left out`, hostPackets);
    }
    for (const endpoint of hosts) {
      if (endpoint.kind === 'url' && endpoint.path !== '/' && endpoint.path !== '') {
        lose('AML_URL_INEXPRESSIBLE', `FQDN rules match host names, not URL paths (${formatHostPattern(endpoint.pattern)}${endpoint.path})`, requirementPackets({ ...requirement, destinations: [endpoint] }, this.context.resolver));
        continue;
      }
      if (endpoint.kind !== 'host' && endpoint.kind !== 'url') continue;
      const destination = formatHostPattern(endpoint.pattern);
      this.rules.push({ type: 'FQDN', name: this.#names.claim(`${requirement.id}-${destination.replace(/^\*\./, 'any.')}`), destination });
    }
    if (!tcp.equals(web) || !requirement.protocols.has(6)) {
      const extraPorts = web.difference(requirement.protocols.has(6) ? requirement.ports : PortSet.EMPTY);
      const extra = requirementPackets({ ...requirement, protocols: ProtocolSet.of(6), ports: extraPorts, destinations: hosts }, this.context.resolver);
      const witness = extra.witness();
      this.drafts.push({ code: 'AML_FQDN_WIDENED', severity: 'warning', requirement, message: `${requirement.id}: option fqdnRules=widen: the FQDN rules also allow TCP ${extraPorts.toString()}${witness ? `, e.g. ${formatPacket(witness)}` : ''}` });
    }
  }
}

export function buildManagedNetwork(requirements: RequirementSet, context: TranslateContext, options: AmlOptions): { model: ManagedNetworkModel; drafts: DraftDiagnostic[] } {
  const builder = new Builder(options, context);
  for (const requirement of requirements.requirements) builder.translate(requirement);
  for (const endpoint of options.privateEndpoints) builder.rules.push({ type: 'PrivateEndpoint', ...endpoint, name: builder.name(endpoint.name) });
  if (options.isolationMode === 'AllowInternetOutbound') {
    const extra = PacketSet.of({ directions: ['out'], src: computeAddresses(options, context.resolver) });
    const witness = extra.witness();
    builder.drafts.push({
      code: 'AML_INTERNET_OUTBOUND',
      severity: 'warning',
      message: `isolationMode allow-internet-outbound lets the managed computes reach any address; service-tag and FQDN rules are valid only in allow-only-approved-outbound${witness ? ` (allowed, e.g. ${formatPacket(witness)})` : ''}`,
    });
  }
  if (options.firewallSku === 'Basic' && builder.rules.some((rule) => rule.type === 'FQDN')) {
    builder.drafts.push({ code: 'AML_FIREWALL_SKU', severity: 'info', message: 'FQDN rules are carried by the managed Azure Firewall, here its Basic SKU (firewall_sku basic): a lower-cost, lower-throughput firewall; the rules mean the same' });
  }
  return {
    model: { isolationMode: options.isolationMode, firewallSku: options.firewallSku, rules: builder.rules, ...modelOrigin(requirements, context) },
    drafts: builder.drafts,
  };
}

/** What Azure checks at deployment and the schema copy here cannot (no MachineLearningServices schema in fixtures). */
export function checkManagedNetwork(model: ManagedNetworkModel): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  model.rules.forEach((rule, index) => {
    const at = `rules[${index}] ${rule.name}`;
    if (!RULE_NAME.test(rule.name)) problems.push(`${at}: name is not 3-33 characters of A-Za-z0-9_- starting alphanumeric`);
    if (seen.has(rule.name.toLowerCase())) problems.push(`${at}: name used twice`);
    seen.add(rule.name.toLowerCase());
    if (rule.type === 'ServiceTag') {
      if (!rule.serviceTag && !rule.addressPrefixes?.length) problems.push(`${at}: neither a service tag nor address prefixes`);
      if (!rule.portRanges.split(',').every((part) => parseAzurePort(part.trim()) !== undefined)) problems.push(`${at}: '${rule.portRanges}' is not a port list`);
    }
  });
  return problems;
}

/** The pipeline's build: the options read (already validated), the model, and Azure's own checks of it. */
export function buildAml(requirements: RequirementSet, context: TranslateContext): Built<ManagedNetworkModel> {
  const { model, drafts } = buildManagedNetwork(requirements, context, readAmlOptions(context.options));
  const problems = checkManagedNetwork(model);
  if (problems.length > 0) throw new Error(`target ${AML_TARGET_ID} built rules outside Azure's rules (a tagwall bug):\n${problems.join('\n')}`);
  return { model, drafts };
}

/** The model in one format: plain data, parsed back from its text alone (index.ts). */
export function renderAml(model: ManagedNetworkModel, format: AmlFormat): Rendered {
  const renders = {
    arm: () => ({ name: 'managed-network.json', content: renderManagedNetworkArm(model) }),
    bicep: () => ({ name: 'managed-network.bicep', content: renderManagedNetworkBicep(model) }),
    terraform: () => ({ name: 'managed-network.tf', content: renderManagedNetworkTerraform(model) }),
    yaml: () => ({ name: 'managed-network.yaml', content: renderManagedNetworkYaml(model) }),
  };
  const artifact: Artifact = { ...renders[format](), format };
  return { artifacts: [artifact] };
}

/**
 * What the model allows: its YAML form (which carries the isolation mode the ARM form can only describe) read back,
 * from the document that form writes (managedNetworkDocument, the value a YAML parser reads from the text) rather
 * than through a YAML parser.
 */
export function amlAllowed(model: ManagedNetworkModel, context: TranslateContext): PacketSet {
  const file = 'managed-network.yaml';
  return allowedPackets(readManagedNetwork({ value: managedNetworkDocument(model), path: '$', file }, file, context.resolver, context.options));
}
