/**
 * Requirements → Azure Firewall rules. Outbound only (§1.2: application rules are for outbound HTTP/HTTPS; inbound
 * traffic of the catalogue is NSG/UDR business). Per requirement: a network rule for tag destinations, another
 * for literal addresses (§1.1: never both in one rule's destinations), an application rule for host names.
 */
import { expandedResolver, requirementPackets } from '../../../analysis/resolve.js';
import { allowedPackets } from '../../../analysis/rule-set.js';
import { TagwallError } from '../../../errors.js';
import { AddressSet } from '../../../model/address-set.js';
import { formatHostPattern } from '../../../model/hostnames.js';
import type { PacketSet } from '../../../model/packet-set.js';
import { PortSet, ProtocolSet } from '../../../model/ports.js';
import type { Endpoint, Requirement, RequirementSet } from '../../../model/requirement.js';
import { jsonUtf8Length } from '../../../text/json-size.js';
import { sortEndpoints, chunk } from '../common/endpoints.js';
import { sanitizeDescription } from '../common/escape.js';
import { placementDrafts, placeTags } from '../common/tag-features.js';
import { armText } from '../common/template.js';
import { assertValidTemplate, type ParsedArm } from '../common/validate.js';
import { NameScope } from '../common/names.js';
import { shortHash } from '../../names.js';
import { azurePortStrings } from '../common/ports.js';
import { azureArtifact, modelOrigin, type AzureFormat } from '../common/support.js';
import type { DraftDiagnostic } from '../../diagnostics.js';
import { booleanOption, invalidOption, stringOption } from '../../options.js';
import type { Rendered, TranslateContext } from '../../target.js';
import { FIREWALL_LIMITS } from './capabilities.js';
import type { ApplicationRule, FirewallModel, Flavor, IpGroup, NetworkProtocol, NetworkRule } from './model.js';
import { parseFirewallJson } from './parse.js';
import { firewallArmDocument, RCG_TYPE, renderFirewallArm, renderFirewallBicep, renderFirewallTerraform } from './render.js';


/** Tags written as prefixes (info) or, with option globalTags, as a broader tag (warning). */
const TAG_CODES = { expanded: 'AZFW_TAG_EXPANDED', widened: 'AZFW_TAG_WIDENED' } as const;
export const POLICY_TARGET_ID = 'azure-firewall' as const;
export const CLASSIC_TARGET_ID = 'azure-firewall-classic' as const;

/** The capability gate's words for an inbound requirement (gate.ts): the firewall is modelled as the egress point. */
export function refuseInbound(requirement: Requirement): { code: string; severity: 'warning'; message: string } {
  return {
    code: 'AZFW_INBOUND_UNSUPPORTED',
    severity: 'warning',
    message: `${requirement.id}: inbound requirements are not rendered for Azure Firewall (it is modelled as the egress point); use the nsg and udr targets`,
  };
}

/**
 * What a target URL's path may hold: RFC 3986 path characters (percent-encoded bytes included). §1.3: Azure refuses
 * queries (`?`); `*` is only the trailing wildcard tagwall adds itself; anything else (spaces, quotes, unicode) must
 * be percent-encoded by whoever writes the requirement.
 */
const URL_PATH = /^\/[A-Za-z0-9\-._~!$&'()+,;=:@%/]*$/;

/** Address lists longer than this go into an IP Group when the `ipGroups` option is on. */
const IP_GROUP_THRESHOLD = 10;

/** targets.md §2.1 (RNR): Azure resource names. */
const AZURE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,78}[A-Za-z0-9_]$|^[A-Za-z0-9]$/;

interface Settings {
  readonly flavor: Flavor;
  readonly tier: 'Standard' | 'Premium' | 'Basic';
  readonly groupName: string;
  /** `policy`: the DNS proxy is declared with the rules; `external`: the user manages it (a warning reminds). */
  readonly dnsProxy: 'policy' | 'external';
  readonly target: string;
  readonly premium: boolean;
  readonly useIpGroups: boolean;
  readonly groupPriority: number;
  readonly virtualNetwork: AddressSet | undefined;
  /** IPv6 in network rules is a preview for dual-stack firewalls only (§1.7): off unless asked. */
  readonly ipv6: boolean;
  /** Option globalTags: an accepted global tag instead of a regional tag's prefixes (wider: a warning). */
  readonly globalTags: boolean;
}

/**
 * The rule collection group's default name: `tw-` and the requirement set's origin (`scenario:compute-no-public-ip`
 * → `tw-compute-no-public-ip`, `reqs/workload.yaml` → `tw-workload`), so two scenarios deployed into one policy are
 * two groups instead of the second replacing the first.
 */
export function defaultGroupName(requirements: RequirementSet): string {
  const origin = requirements.origin ?? requirements.name ?? 'requirements';
  const base = origin.replace(/^scenario:/, '').split(/[\\/]/).pop()!.replace(/\.(ya?ml|json)$/i, '');
  const slug = base.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9_]+$/g, '');
  return `tw-${slug || 'requirements'}`.slice(0, 80).replace(/[^A-Za-z0-9_]+$/, '');
}

/** A priority derived from the group name: a multiple of 10 in 1000–64990, the same on every run. */
export function defaultGroupPriority(name: string): number {
  return 1000 + 10 * (Number.parseInt(shortHash(name), 16) % 6400);
}

function readSettings(flavor: Flavor, requirements: RequirementSet, context: TranslateContext): Settings {
  const target = flavor === 'policy' ? POLICY_TARGET_ID : CLASSIC_TARGET_ID;
  const sku = stringOption(context.options, 'sku')?.toLowerCase() ?? 'standard';
  if (!['standard', 'premium', 'basic'].includes(sku)) throw invalidOption(target, `sku must be basic, standard or premium, not '${sku}'`);
  const groupName = stringOption(context.options, 'ruleCollectionGroup') ?? defaultGroupName(requirements);
  if (!AZURE_NAME.test(groupName)) throw invalidOption(target, `ruleCollectionGroup must be 1-80 characters of A-Za-z0-9_.-, starting alphanumeric and ending alphanumeric or _ (§2.1 names), not '${groupName}'`);
  const dnsProxy = stringOption(context.options, 'dnsProxy')?.toLowerCase() ?? 'policy';
  if (dnsProxy !== 'policy' && dnsProxy !== 'external') throw invalidOption(target, `dnsProxy must be policy or external, not '${dnsProxy}'`);
  const priorityText = stringOption(context.options, 'priority') ?? String(defaultGroupPriority(groupName));
  const groupPriority = Number(priorityText);
  if (!Number.isInteger(groupPriority) || groupPriority < FIREWALL_LIMITS.firstPriority || groupPriority > FIREWALL_LIMITS.lastPriority) {
    throw invalidOption(target, `priority must be an integer ${FIREWALL_LIMITS.firstPriority}-${FIREWALL_LIMITS.lastPriority} (§1.1), not '${priorityText}'`);
  }
  const vnet = stringOption(context.options, 'vnet');
  let virtualNetwork: AddressSet | undefined;
  try {
    virtualNetwork = vnet === undefined ? undefined : AddressSet.parse(vnet);
  } catch (error) {
    throw error instanceof TagwallError ? invalidOption(target, `vnet: ${error.message}`) : error;
  }
  return { flavor, target, tier: sku === 'premium' ? 'Premium' : sku === 'basic' ? 'Basic' : 'Standard', groupName, dnsProxy, premium: sku === 'premium', useIpGroups: booleanOption(context.options, 'ipGroups', target), groupPriority, virtualNetwork, ipv6: flavor === 'policy' && booleanOption(context.options, 'ipv6', target), globalTags: booleanOption(context.options, 'globalTags', target) };
}

type AddressEntries = { readonly addresses: string[]; readonly ipGroups: string[] };

class Builder {
  /** Some network rule names host names (the policy then needs the DNS proxy). */
  fqdnRules = false;
  readonly network: NetworkRule[] = [];
  readonly application: ApplicationRule[] = [];
  readonly ipGroups: IpGroup[] = [];
  readonly drafts: DraftDiagnostic[] = [];
  readonly expandedSourceTags = new Set<string>();
  readonly #names = new NameScope();
  readonly #expand;

  constructor(
    readonly settings: Settings,
    readonly context: TranslateContext,
  ) {
    this.#expand = expandedResolver(context.snapshot, settings.virtualNetwork ? { virtualNetwork: settings.virtualNetwork } : {});
  }

  name(wanted: string): string {
    return this.#names.claim(wanted);
  }

  /** Addresses as rule entries: inline CIDRs, or IP Groups of ≤ 5,000 entries (IPv4 only, §1.7) when asked. */
  addressEntries(addresses: AddressSet, base: string): { addresses: string[]; ipGroups: string[] } {
    const v4 = addresses.toCidrStrings('ipv4');
    const v6 = addresses.toCidrStrings('ipv6');
    // Both lists are fresh arrays: one of them alone is used as it is (a copy of 100k entries is 800 KB that lives
    // through the render's young-generation collections).
    if (!this.settings.useIpGroups || v4.length <= IP_GROUP_THRESHOLD) return { addresses: v6.length === 0 ? v4 : v4.length === 0 ? v6 : [...v4, ...v6], ipGroups: [] };
    const groups = chunk(v4, FIREWALL_LIMITS.ipGroupEntries).map((entries, index) => {
      const existing = this.ipGroups.find((group) => group.addresses.length === entries.length && group.addresses.every((entry, at) => entry === entries[at]));
      if (existing) return existing.name;
      // IP Groups are resource-group resources, not children of the policy: a name that says what they hold keeps
      // two requirement sets deployed to one resource group from overwriting each other's groups.
      const group = { name: this.name(`${base}-ipg${index + 1}-${shortHash(entries.join(','))}`), addresses: entries };
      this.ipGroups.push(group);
      return group.name;
    });
    return { addresses: v6, ipGroups: groups };
  }

  /** A source endpoint list as firewall addresses: tags are expanded, because the firewall takes tags only as destinations (§1.1). */
  sourceAddresses(requirement: Requirement): AddressSet | 'any' {
    const sorted = sortEndpoints(requirement.sources, this.context.snapshot);
    if (sorted.any) return 'any';
    if (sorted.hosts.length > 0) {
      this.drafts.push({
        code: 'AZFW_SOURCE_HOST_INEXPRESSIBLE',
        severity: 'error',
        requirement,
        message: `${requirement.id}: firewall rules cannot match sources by host name`,
        candidate: requirementPackets(requirement, this.context.resolver),
      });
    }
    // Expanding a tag through the snapshot loses nothing; only a narrower `vnet` does, so only then per requirement.
    if (sorted.tags.includes('VirtualNetwork') && this.settings.virtualNetwork) {
      this.drafts.push({
        code: 'AZFW_SOURCE_TAG_EXPANDED',
        severity: 'info',
        requirement,
        message: `${requirement.id}: source VirtualNetwork rendered as the vnet option's prefixes (the firewall takes tags only as destinations)`,
        candidate: requirementPackets(requirement, this.context.resolver),
      });
    }
    for (const tag of sorted.tags) this.expandedSourceTags.add(tag);
    return sorted.tags.reduce((set, tag) => set.union(this.#expand.serviceTag(tag)), sorted.addresses);
  }

  translate(requirement: Requirement): void {
    const everything = requirementPackets(requirement, this.context.resolver);
    const source = this.sourceAddresses(requirement);
    const destinations = sortEndpoints(requirement.destinations, this.context.snapshot);
    const description = sanitizeDescription(`${requirement.id}: ${requirement.purpose}`);
    let sourceSet = source === 'any' ? AddressSet.ALL : source;
    if (!this.settings.ipv6 && !sourceSet.ipv6.isEmpty()) {
      this.drafts.push({ code: 'AZFW_IPV6_UNSUPPORTED', severity: 'info', requirement, message: `${requirement.id}: IPv6 sources left out (${this.settings.flavor === 'classic' ? 'classic rules have no IPv6, §1.6' : 'IPv6 needs a dual-stack firewall, §1.7; set option ipv6=true'})`, candidate: everything });
      sourceSet = sourceSet.only('ipv4');
    }
    const sourceEntries = source === 'any' && this.settings.ipv6 ? { addresses: ['*'], ipGroups: [] } : this.addressEntries(sourceSet, `${requirement.id}-src`);
    if (sourceEntries.addresses.length === 0 && sourceEntries.ipGroups.length === 0) return;

    const protocols = this.networkProtocols(requirement, everything);
    if (protocols.length > 0) {
      const ports = protocols.some((protocol) => protocol === 'TCP' || protocol === 'UDP') ? azurePortStrings(requirement.ports) : ['*'];
      const rule = (suffix: string, destination: { addresses: string[]; ipGroups: string[] }): void => {
        this.network.push({
          kind: 'network',
          name: this.name(`${requirement.id}${suffix}`),
          description,
          protocols,
          sourceAddresses: sourceEntries.addresses,
          sourceIpGroups: sourceEntries.ipGroups,
          destinationAddresses: destination.addresses,
          destinationIpGroups: destination.ipGroups,
          destinationFqdns: [],
          destinationPorts: ports,
        });
      };
      if (destinations.any) rule('', { addresses: ['*'], ipGroups: [] });
      else {
        // A tag by name only where its networkFeatures list FW and the overview does not say No (tag-features.ts).
        const placed = placeTags(destinations.tags, destinations.addresses, 'FW', this.context.snapshot, { globalTags: this.settings.globalTags, expand: (tag) => this.#expand.serviceTag(tag) });
        this.drafts.push(...placementDrafts(TAG_CODES, requirement, 'destination', placed, 'FW', this.context.resolver));
        const named = [...placed.tags];
        const literal = placed.addresses;
        if (!this.settings.ipv6 && !literal.ipv6.isEmpty()) this.drafts.push({ code: 'AZFW_IPV6_UNSUPPORTED', severity: 'info', requirement, message: `${requirement.id}: IPv6 destinations left out (set option ipv6=true for a dual-stack policy firewall, §1.7)`, candidate: everything });
        const literalEntries = this.addressEntries(this.settings.ipv6 ? literal : literal.only('ipv4'), `${requirement.id}-dst`);
        const both = named.length > 0 && (literalEntries.addresses.length > 0 || literalEntries.ipGroups.length > 0);
        if (named.length > 0) rule(both ? '-tags' : '', { addresses: named, ipGroups: [] });
        if (literalEntries.addresses.length > 0 || literalEntries.ipGroups.length > 0) rule(both ? '-addresses' : '', literalEntries);
      }
    }
    // Host names mixed with addresses or tags: the requirement means the union of the parts (analysis/resolve.ts),
    // which is what the network and application rules above and below allow together.
    if (destinations.hosts.length > 0 && !destinations.any) this.applicationRules(requirement, destinations.hosts, sourceSet, source === 'any', description, sourceEntries);
  }

  /** Network-rule protocols; what they cannot say (ICMP types, other protocols) is reported. */
  networkProtocols(requirement: Requirement, everything: PacketSet): NetworkProtocol[] {
    if (requirement.icmp?.length) {
      this.drafts.push({ code: 'AZFW_ICMP_TYPE_INEXPRESSIBLE', severity: 'error', requirement, message: `${requirement.id}: firewall rules cannot match ICMP types`, candidate: everything });
      return [];
    }
    if (requirement.protocols.isAny() && requirement.ports.isAny()) return ['Any'];
    const named: Array<[number, NetworkProtocol]> = requirement.ports.isAny() ? [[6, 'TCP'], [17, 'UDP'], [1, 'ICMP']] : [[6, 'TCP'], [17, 'UDP']];
    const chosen = named.filter(([number]) => requirement.protocols.has(number));
    const missing = requirement.ports.isAny() ? requirement.protocols.difference(ProtocolSet.of(...chosen.map(([number]) => number))) : ProtocolSet.EMPTY;
    if (!missing.isEmpty()) {
      this.drafts.push({
        code: 'AZFW_PROTOCOL_INEXPRESSIBLE',
        severity: 'error',
        requirement,
        message: `${requirement.id}: network rules name only TCP, UDP, ICMP or Any; protocols ${missing.toString()} left out`,
        candidate: requirementPackets({ ...requirement, protocols: missing }, this.context.resolver),
      });
    }
    return chosen.map(([, name]) => name);
  }

  applicationRules(requirement: Requirement, hosts: readonly Endpoint[], sources: AddressSet, anySource: boolean, description: string, networkSources: AddressEntries): void {
    const hostPackets = requirementPackets({ ...requirement, destinations: hosts }, this.context.resolver);
    if (requirement.icmp?.length) {
      this.drafts.push({ code: 'AZFW_FQDN_NON_HTTP', severity: 'error', requirement, message: `${requirement.id}: host names are matched by application rules (HTTP/HTTPS over TCP) and network-rule FQDNs, never with ICMP types`, candidate: hostPackets });
      return;
    }
    if (requirement.protocols.has(17)) this.fqdnNetworkRule(requirement, hosts, description, networkSources);
    const others = requirement.protocols.difference(ProtocolSet.of(6, 17));
    if (!others.isEmpty()) {
      this.drafts.push({ code: 'AZFW_FQDN_NON_HTTP', severity: 'error', requirement, message: `${requirement.id}: host names are matched by application rules (HTTP/HTTPS over TCP) and network-rule FQDNs (UDP here); protocols ${others.toString()} left out`, candidate: hostPackets });
    }
    if (!requirement.protocols.has(6)) return;
    const ports = this.applicationPorts(requirement, hostPackets);
    if (ports.length === 0) return;
    if (!sources.ipv6.isEmpty()) {
      this.drafts.push({ code: 'AZFW_IPV6_UNSUPPORTED', severity: 'info', requirement, message: `${requirement.id}: application rules do not support IPv6 (§1.7); IPv6 sources left out`, candidate: hostPackets });
    }
    const sourceEntries = anySource && this.settings.flavor === 'policy' ? { addresses: ['*'], ipGroups: [] } : this.addressEntries(sources.only('ipv4'), `${requirement.id}-src`);
    if (sourceEntries.addresses.length === 0 && sourceEntries.ipGroups.length === 0) return;
    const fqdns: string[] = [];
    const urls: string[] = [];
    for (const endpoint of hosts) {
      if (endpoint.kind === 'host') fqdns.push(formatHostPattern(endpoint.pattern));
      else if (endpoint.kind === 'url') {
        if (endpoint.path === '/' || endpoint.path === '') fqdns.push(formatHostPattern(endpoint.pattern));
        else if (!URL_PATH.test(endpoint.path)) {
          this.drafts.push({
            code: 'AZFW_URL_INEXPRESSIBLE',
            severity: 'error',
            requirement,
            message: `${requirement.id}: URL path ${JSON.stringify(endpoint.path)} cannot be a target URL (no queries, fragments, '*' or characters outside a URL path, §1.3)`,
            candidate: requirementPackets({ ...requirement, destinations: [endpoint] }, this.context.resolver),
          });
        }
        else if (this.settings.flavor === 'policy' && this.settings.premium) {
          const url = `${formatHostPattern(endpoint.pattern)}${endpoint.path}`;
          if (endpoint.path.endsWith('/')) urls.push(`${url}*`);
          else {
            // A requirement path is a string prefix; §1.3 documents `*` only after a `/`, so `/a` becomes the
            // path `/a` and everything below `/a/`, and names like `/ab` are reported, not guessed.
            urls.push(url, `${url}/*`);
            this.drafts.push({
              code: 'AZFW_URL_PREFIX_NARROWED',
              severity: 'warning',
              requirement,
              message: `${requirement.id}: target URLs take '*' only after '/', so ${url} is allowed as itself and below ${url}/; other paths starting with ${endpoint.path} are left out`,
              candidate: requirementPackets({ ...requirement, destinations: [endpoint] }, this.context.resolver),
            });
          }
        }
        else {
          this.drafts.push({
            code: 'AZFW_URL_NEEDS_PREMIUM',
            severity: 'error',
            requirement,
            message: `${requirement.id}: URL ${formatHostPattern(endpoint.pattern)}${endpoint.path} needs target URLs, which only Firewall Premium's TLS inspection matches (option sku=premium; it then needs a Key Vault CA, an identity and the CA trusted on compute, declared with the policy)${this.settings.flavor === 'classic' ? '; classic rules have no target URLs' : ''}; allowing the whole host would allow more`,
            candidate: requirementPackets({ ...requirement, destinations: [endpoint] }, this.context.resolver),
          });
        }
      }
    }
    const protocols = ports.map((port) => ({ protocolType: port === 80 ? ('Http' as const) : ('Https' as const), port }));
    const base = { kind: 'application' as const, description, protocols, sourceAddresses: sourceEntries.addresses, sourceIpGroups: sourceEntries.ipGroups };
    // §1.1 (Terraform, PowerShell parameter sets): target URLs and target FQDNs do not share a rule.
    if (fqdns.length > 0) this.application.push({ ...base, name: this.name(`${requirement.id}${urls.length ? '-fqdns' : ''}`), targetFqdns: fqdns, targetUrls: [] });
    if (urls.length > 0) this.application.push({ ...base, name: this.name(`${requirement.id}${fqdns.length ? '-urls' : ''}`), targetFqdns: [], targetUrls: urls });
  }

  /**
   * UDP to host names: a network rule with `destinationFqdns` (§1.3, FQDNNR): matched by the addresses the firewall's
   * DNS proxy resolved for the name, so the proxy must be on (`dnsSettings.enableProxy`; the API's DnsSettings says
   * "FQDNs in Network Rules are supported when set to true" of `requireProxyForNetworkRules`, learn.microsoft.com
   * @azure/arm-network DnsSettings). Network-rule FQDNs take no wildcards "by design" (FQDNNR).
   */
  fqdnNetworkRule(requirement: Requirement, hosts: readonly Endpoint[], description: string, sources: AddressEntries): void {
    const udp = { ...requirement, protocols: ProtocolSet.of(17) };
    const exact: string[] = [];
    for (const endpoint of hosts) {
      const whole = endpoint.kind === 'host' || (endpoint.kind === 'url' && (endpoint.path === '/' || endpoint.path === ''));
      if (whole && endpoint.pattern.kind === 'exact') exact.push(formatHostPattern(endpoint.pattern));
      else {
        this.drafts.push({
          code: 'AZFW_FQDN_NON_HTTP',
          severity: 'error',
          requirement,
          message: `${requirement.id}: UDP to ${endpoint.kind === 'host' || endpoint.kind === 'url' ? formatHostPattern(endpoint.pattern) : endpoint.kind}: network-rule FQDNs take exact names only (no wildcards, no paths)`,
          candidate: requirementPackets({ ...udp, destinations: [endpoint] }, this.context.resolver),
        });
      }
    }
    if (exact.length === 0 || (sources.addresses.length === 0 && sources.ipGroups.length === 0)) return;
    this.fqdnRules = true;
    this.network.push({
      kind: 'network',
      name: this.name(`${requirement.id}-fqdns`),
      description,
      protocols: ['UDP'],
      sourceAddresses: sources.addresses,
      sourceIpGroups: sources.ipGroups,
      destinationAddresses: [],
      destinationIpGroups: [],
      destinationFqdns: exact,
      destinationPorts: azurePortStrings(requirement.ports),
    });
  }

  /** Single ports 0–64,000 (§1.1 schema), at most 32 per rule; anything else is reported. */
  applicationPorts(requirement: Requirement, hostPackets: PacketSet): number[] {
    const usable = requirement.ports.intersection(PortSet.range(0, FIREWALL_LIMITS.applicationPortMax));
    const count = usable.count();
    if (count === 0 || count > FIREWALL_LIMITS.applicationPortsPerRule || !usable.equals(requirement.ports)) {
      this.drafts.push({
        code: 'AZFW_APP_PORTS_INEXPRESSIBLE',
        severity: 'error',
        requirement,
        message: `${requirement.id}: application rules take single ports 0-${FIREWALL_LIMITS.applicationPortMax}, at most ${FIREWALL_LIMITS.applicationPortsPerRule}; ports ${requirement.ports.toString()} ${count > FIREWALL_LIMITS.applicationPortsPerRule ? 'are too many' : 'are partly out of range'}`,
        candidate: hostPackets,
      });
      if (count === 0 || count > FIREWALL_LIMITS.applicationPortsPerRule) return [];
    }
    return usable.ranges().flatMap(([first, last]) => Array.from({ length: last - first + 1 }, (_, index) => first + index));
  }
}

export function buildFirewallModel(flavor: Flavor, requirements: RequirementSet, context: TranslateContext): { model: FirewallModel; drafts: DraftDiagnostic[] } {
  const settings = readSettings(flavor, requirements, context);
  const builder = new Builder(settings, context);
  for (const requirement of requirements.requirements) builder.translate(requirement);
  if (builder.expandedSourceTags.size > 0 && !settings.virtualNetwork) {
    const tags = [...builder.expandedSourceTags].sort();
    builder.drafts.push({
      code: 'AZFW_SOURCE_TAG_EXPANDED',
      severity: 'info',
      message: `source tags ${tags.join(', ')} expanded to prefixes (the firewall takes tags only as destinations, §1.1)${tags.includes('VirtualNetwork') ? '; VirtualNetwork taken as the private address blocks, set option vnet to your address space' : ''}`,
    });
  }
  if (builder.ipGroups.length > FIREWALL_LIMITS.ipGroups) {
    builder.drafts.push({ code: 'AZFW_IP_GROUP_LIMIT', severity: 'warning', message: `${builder.ipGroups.length} IP Groups exceed the limit of ${FIREWALL_LIMITS.ipGroups} per firewall (§1.4)` });
  }
  const pairs = builder.network.reduce(
    (sum, rule) => sum + (rule.sourceAddresses.length + rule.sourceIpGroups.length) * (rule.destinationAddresses.length + rule.destinationIpGroups.length),
    0,
  );
  if (pairs > FIREWALL_LIMITS.networkRulePairs) {
    builder.drafts.push({
      code: 'AZFW_RULE_LIMIT',
      severity: 'warning',
      message: `network rules count ${pairs} source x destination pairs, over the limit of ${FIREWALL_LIMITS.networkRulePairs} (§1.5); set option ipGroups=true (an IP Group counts as one)`,
    });
  }
  const tlsInspection = builder.application.some((rule) => rule.targetUrls.length > 0);
  const dnsProxy = builder.fqdnRules && settings.dnsProxy === 'policy';
  if (builder.fqdnRules) {
    builder.drafts.push(
      settings.dnsProxy === 'policy'
        ? { code: 'AZFW_DNS_PROXY', severity: 'info', message: `network rules name host names: the DNS proxy is declared with them (${flavor === 'policy' ? 'the policy\'s dnsSettings.enableProxy' : 'the firewall\'s Network.DNS.EnableProxy; in Terraform set dns_proxy_enabled on azurerm_firewall, which the rule collections do not declare'}); point the workload's DNS at the firewall's private address so both resolve the same addresses (§1.3)` }
        : { code: 'AZFW_DNS_PROXY_EXTERNAL', severity: 'warning', message: 'network rules name host names, and option dnsProxy=external says DNS is managed elsewhere: these rules match only once the firewall\'s DNS proxy is enabled and the workload resolves through it (§1.3, FQDNNR)' },
    );
  }
  if (tlsInspection) {
    builder.drafts.push({
      code: 'AZFW_TLS_INSPECTION',
      severity: 'info',
      message: 'target URLs need TLS inspection: the policy is declared with transportSecurity.certificateAuthority (parameters: the Key Vault secret of an intermediate CA and its name) and a user-assigned identity that can read it; the CA must also be trusted on the compute (its image or a startup script)',
    });
  }
  const collection = <R>(name: string, priority: number, rules: R[]) => (rules.length > 0 ? [{ name, priority, action: 'Allow' as const, rules }] : []);
  return {
    model: {
      flavor,
      groupName: settings.groupName,
      groupPriority: settings.groupPriority,
      ...(flavor === 'policy' && (dnsProxy || tlsInspection) ? { policySettings: { tier: settings.tier, dnsProxy, tlsInspection } } : {}),
      classicDnsProxy: flavor === 'classic' && dnsProxy,
      network: collection('tw-network', 100, builder.network),
      application: collection('tw-application', 200, builder.application),
      ipGroups: builder.ipGroups,
      ...modelOrigin(requirements, context),
    },
    drafts: builder.drafts,
  };
}

/**
 * §1.5: a rule collection group holds at most 2 MB (policies created before July 2022: 1 MB), measured here as the
 * group's compact JSON. Splitting it over several groups would need their priorities and a serial deployment (§1.8),
 * so tagwall reports it instead; IP Groups (option ipGroups) take the address lists out of the group.
 */
export function groupSizeDrafts(arm: string | ParsedArm): DraftDiagnostic[] {
  const template = (typeof arm === 'string' ? JSON.parse(arm) : arm) as { resources: Array<{ type: string; properties: unknown }> };
  const group = template.resources.find((resource) => resource.type === RCG_TYPE);
  // Counted, not written: at 100k addresses the compact text is 1.5 MB made only to be measured (text/json-size.ts).
  const bytes = jsonUtf8Length(group?.properties ?? {});
  if (bytes <= FIREWALL_LIMITS.groupBytesBefore2022) return [];
  const over = bytes > FIREWALL_LIMITS.groupBytes;
  return [
    {
      code: 'AZFW_GROUP_SIZE_LIMIT',
      severity: over ? 'error' : 'warning',
      message: `the rule collection group is ${bytes} bytes of JSON; Azure allows ${over ? `${FIREWALL_LIMITS.groupBytes} (2 MB)` : `${FIREWALL_LIMITS.groupBytesBefore2022} (1 MB) in policies created before July 2022`} (§1.5); set option ipGroups=true or split the requirements`,
    },
  ];
}

/** The file name the model is written under, without its extension. */
function baseName(model: FirewallModel): string {
  return model.flavor === 'policy' ? 'firewall-policy' : 'firewall-classic';
}

/**
 * The ARM text `renderFirewall` wrote of a model (whatever format it was asked for), which is `renderFirewallArm`'s
 * text of it: the loss accounting parses that text back, and writing the template again cost more than parsing
 * it (models are read-only, so the text stays the model's).
 */
const ARM_TEXTS = new WeakMap<FirewallModel, string>();

/**
 * The model in one format; the ARM form is checked against Azure's template rules first, whichever is asked for,
 * and measured against the rule collection group's size limit (§1.5).
 */
export function renderFirewall(model: FirewallModel, format: AzureFormat): Rendered {
  // The template check and the group's size read the document the text is written from, which is the value
  // JSON.parse of the text gives (template.ts, armDocument); parsing the text back made a second tree of every
  // address (at 100k CIDRs 7.6 MB more to collect, a tenth of the render).
  const document = firewallArmDocument(model);
  const arm = armText(document);
  ARM_TEXTS.set(model, arm);
  assertValidTemplate(document, model.flavor === 'policy' ? POLICY_TARGET_ID : CLASSIC_TARGET_ID);
  const artifact = azureArtifact(format, baseName(model), arm, { bicep: () => renderFirewallBicep(model), terraform: () => renderFirewallTerraform(model) });
  return { artifacts: [artifact], drafts: model.flavor === 'policy' ? groupSizeDrafts(document) : [] };
}

/** What the model allows, read back from its ARM form by the parser users' firewalls go through (one semantics, not two). */
export function firewallAllowed(model: FirewallModel, context: TranslateContext): PacketSet {
  return allowedPackets(parseFirewallJson(ARM_TEXTS.get(model) ?? renderFirewallArm(model), `${baseName(model)}.json`, context.resolver));
}
