/**
 * What a deployment needs besides allowed flows: private endpoints with their privatelink DNS zones per cloud, DNS
 * forwarding, resource firewall settings, the service endpoint policy, routes and subnet rules. Facts from the
 * articles, in tagwall's own words; `tagwall catalog show S --prerequisites` prints them.
 *
 * The traffic the private endpoints and DNS need is not here but in the flows (entries.ts, PRIVATE_ENDPOINT_FLOWS):
 * each prerequisite names the entries that carry its traffic in `flows`.
 */
import type { Cloud } from '../servicetags/cloud.js';
import { ARTICLES } from './articles.js';
import { buildScenario, type BuiltScenario } from './build.js';
import { SECTION as S, type SourceRef } from './entries.js';
import type { ScenarioParams } from './params.js';

export type PrerequisiteKind = 'private-endpoint' | 'dns' | 'resource-firewall' | 'service-endpoint' | 'route' | 'subnet' | 'workspace';

export interface PrivateEndpointSpec {
  /** ARM resource type the endpoint connects to. */
  readonly resourceType: string;
  /** The private-link sub-resource (group id). */
  readonly subresource: string;
  /** The privatelink DNS zones of each cloud. */
  readonly zones: Readonly<Record<Cloud, readonly string[]>>;
}

/** A route a prerequisite asks for, with the prefix as a route table takes it (a CIDR or a service tag). */
export interface RouteSpec {
  readonly addressPrefix: string;
  readonly nextHopType: 'Internet' | 'VirtualAppliance';
  /** VirtualAppliance: the hub firewall's private address (`firewallAddress` parameter), else a placeholder. */
  readonly nextHopIpAddress?: string;
}

export interface PrerequisiteTemplate {
  readonly id: string;
  readonly kind: PrerequisiteKind;
  /** What it is about: a resource, the DNS server, a subnet. */
  readonly subject: string;
  /** What to set, in our words; `{region}`, `{secondary}`, `{peSubnet}` and `{subnet}` are filled in. */
  readonly setting: string;
  readonly privateEndpoint?: PrivateEndpointSpec;
  /** Routes to create: `default-to-firewall` (0.0.0.0/0 to the hub firewall) or `inbound-bypass` (the inbound
   * management tags of the flows in `flows`, next hop Internet). */
  readonly routes?: 'default-to-firewall' | 'inbound-bypass';
  /** Entry ids of the flows that carry this prerequisite's traffic. */
  readonly flows?: readonly string[];
  readonly sources: readonly SourceRef[];
  /** Scenarios that show it. */
  readonly scenarios: readonly string[];
  readonly conditions?: readonly string[];
  readonly when?: (params: ScenarioParams, scenario: string) => boolean;
  readonly conflicts?: readonly string[];
}

/** A prerequisite as shown for one built scenario. */
export interface Prerequisite {
  readonly id: string;
  readonly kind: PrerequisiteKind;
  readonly subject: string;
  readonly setting: string;
  readonly privateEndpoint?: { readonly resourceType: string; readonly subresource: string; readonly dnsZones: readonly string[] };
  readonly routes?: readonly RouteSpec[];
  readonly flows: readonly string[];
  readonly conditions: readonly string[];
  readonly provenance: ReadonlyArray<{ readonly article: string; readonly section: string }>;
}

const COMPUTE = ['compute-public-ip', 'compute-no-public-ip', 'serverless', 'forced-tunnelling', 'data-exfiltration-prevention'];
const WITH_PE = [...COMPUTE];
const privateEndpointOn = (params: ScenarioParams): boolean => params.options.privateEndpoint;
const PE_FLOWS = ['private-endpoints-https'];

/** privatelink zones of a storage sub-resource in each cloud (Azure's private endpoint DNS zone values). */
function storageZones(kind: string): Readonly<Record<Cloud, readonly string[]>> {
  return {
    Public: [`privatelink.${kind}.core.windows.net`],
    AzureGovernment: [`privatelink.${kind}.core.usgovcloudapi.net`],
    China: [`privatelink.${kind}.core.chinacloudapi.cn`],
  };
}

const storageEndpoint = (kind: 'blob' | 'file' | 'queue' | 'table' | 'dfs', sources: readonly SourceRef[], extra: Partial<PrerequisiteTemplate> = {}): PrerequisiteTemplate => ({
  id: `private-endpoint-storage-${kind}`,
  kind: 'private-endpoint',
  subject: `Default storage account (${kind})`,
  setting: `A private endpoint for the ${kind} sub-resource in {peSubnet}, registered in its privatelink zone.`,
  privateEndpoint: { resourceType: 'Microsoft.Storage/storageAccounts', subresource: kind, zones: storageZones(kind) },
  flows: kind === 'file' ? ['private-endpoints-https', 'private-endpoints-smb'] : PE_FLOWS,
  sources,
  scenarios: WITH_PE,
  conditions: ['option privateEndpoint'],
  when: privateEndpointOn,
  ...extra,
});

export const PREREQUISITES: readonly PrerequisiteTemplate[] = [
  // ─── private endpoints ───
  {
    id: 'private-endpoint-workspace',
    kind: 'private-endpoint',
    subject: 'Azure Machine Learning workspace',
    setting:
      'A private endpoint for the workspace in {peSubnet}; mandatory for compute without a public IP. Link both privatelink zones to every VNet that holds compute (a compute cluster in another VNet or region needs its own link or endpoint).',
    privateEndpoint: {
      resourceType: 'Microsoft.MachineLearningServices/workspaces',
      subresource: 'amlworkspace',
      zones: {
        Public: ['privatelink.api.azureml.ms', 'privatelink.notebooks.azure.net'],
        AzureGovernment: ['privatelink.api.ml.azure.us', 'privatelink.notebooks.usgovcloudapi.net'],
        China: ['privatelink.api.ml.azure.cn', 'privatelink.notebooks.chinacloudapi.cn'],
      },
    },
    flows: PE_FLOWS,
    sources: [
      { article: 'training', section: S.trainingNoPip },
      { article: 'training', section: S.trainingOtherVnet },
      { article: 'tutorial', section: S.tutorialWorkspace },
      { article: 'planning', section: S.planningVnet },
      { article: 'traffic', section: S.trafficIntro },
    ],
    scenarios: WITH_PE,
    conditions: ['option privateEndpoint'],
    when: privateEndpointOn,
    conflicts: ['private-endpoint-subnet'],
  },
  storageEndpoint('blob', [{ article: 'tutorial', section: S.tutorialStorage }]),
  storageEndpoint('file', [
    { article: 'tutorial', section: S.tutorialStorage },
    { article: 'training', section: S.trainingLimitations },
  ]),
  storageEndpoint('queue', [{ article: 'tutorial', section: S.tutorialStorage }], {
    conditions: ['option privateEndpoint', 'batch endpoints or pipelines with ParallelRunStep (they schedule through queues and tables)'],
  }),
  storageEndpoint('table', [{ article: 'tutorial', section: S.tutorialStorage }], {
    conditions: ['option privateEndpoint', 'batch endpoints or pipelines with ParallelRunStep (they schedule through queues and tables)'],
  }),
  storageEndpoint('dfs', [{ article: 'traffic', section: S.trafficAmlHosts }], {
    conditions: ['option privateEndpoint', 'integrated notebooks on a storage account with a Data Lake (dfs) endpoint'],
  }),
  {
    id: 'private-endpoint-key-vault',
    kind: 'private-endpoint',
    subject: 'Workspace key vault',
    setting: 'A private endpoint for the vault in {peSubnet}, registered in its privatelink zone.',
    privateEndpoint: {
      resourceType: 'Microsoft.KeyVault/vaults',
      subresource: 'vault',
      zones: { Public: ['privatelink.vaultcore.azure.net'], AzureGovernment: ['privatelink.vaultcore.usgovcloudapi.net'], China: ['privatelink.vaultcore.azure.cn'] },
    },
    flows: PE_FLOWS,
    sources: [{ article: 'tutorial', section: S.tutorialKeyVault }, { article: 'training', section: S.trainingOtherVnet }],
    scenarios: WITH_PE,
    conditions: ['option privateEndpoint'],
    when: privateEndpointOn,
  },
  {
    id: 'private-endpoint-container-registry',
    kind: 'private-endpoint',
    subject: 'Workspace container registry',
    setting: 'A Premium registry with a private endpoint for the registry sub-resource in {peSubnet} and the admin user enabled.',
    privateEndpoint: {
      resourceType: 'Microsoft.ContainerRegistry/registries',
      subresource: 'registry',
      zones: { Public: ['privatelink.azurecr.io'], AzureGovernment: ['privatelink.azurecr.us'], China: ['privatelink.azurecr.cn'] },
    },
    flows: PE_FLOWS,
    sources: [{ article: 'tutorial', section: S.tutorialRegistry }, { article: 'training', section: S.trainingOtherVnet }],
    scenarios: WITH_PE,
    conditions: ['option privateEndpoint'],
    when: privateEndpointOn,
  },
  {
    id: 'private-endpoint-monitor',
    kind: 'private-endpoint',
    subject: 'Azure Monitor private link scope (Application Insights of the workspace)',
    setting: 'An Azure Monitor Private Link Scope holding the workspace Application Insights, with a private endpoint (azuremonitor) in {peSubnet}; ingestion and query access modes set to private only.',
    privateEndpoint: {
      resourceType: 'Microsoft.Insights/privateLinkScopes',
      subresource: 'azuremonitor',
      zones: {
        Public: ['privatelink.monitor.azure.com', 'privatelink.oms.opinsights.azure.com', 'privatelink.ods.opinsights.azure.com', 'privatelink.agentsvc.azure-automation.net', 'privatelink.blob.core.windows.net'],
        AzureGovernment: ['privatelink.monitor.azure.us', 'privatelink.oms.opinsights.azure.us', 'privatelink.ods.opinsights.azure.us', 'privatelink.agentsvc.azure-automation.us', 'privatelink.blob.core.usgovcloudapi.net'],
        China: ['privatelink.monitor.azure.cn', 'privatelink.oms.opinsights.azure.cn', 'privatelink.ods.opinsights.azure.cn', 'privatelink.agentsvc.azure-automation.cn', 'privatelink.blob.core.chinacloudapi.cn'],
      },
    },
    flows: PE_FLOWS,
    sources: [{ article: 'tutorial', section: S.tutorialMonitor }, { article: 'planning', section: S.planningIaasPaas }],
    scenarios: WITH_PE,
    conditions: ['option privateEndpoint'],
    when: privateEndpointOn,
  },
  // ─── DNS ───
  {
    id: 'dns-conditional-forwarder',
    kind: 'dns',
    subject: 'Custom DNS server',
    setting:
      'If the VNet uses its own DNS server (in Azure or on premises), add conditional forwarders for the privatelink zones above to Azure DNS at 168.63.129.16, reachable only from inside Azure; compute keeps resolving through that server.',
    flows: ['dns-custom-server', 'dns-forwarder'],
    sources: [
      { article: 'planning', section: S.planningDns },
      { article: 'training', section: S.trainingPrerequisites },
      { article: 'tutorial', section: S.tutorialConnect },
    ],
    scenarios: WITH_PE,
    conditions: ['a custom DNS server (parameter dnsServer adds its flows)'],
  },
  // ─── resource firewalls ───
  {
    id: 'storage-firewall',
    kind: 'resource-firewall',
    subject: 'Default storage account',
    setting:
      'Public network access disabled (reached through its private endpoints), or: selected networks with the compute VNet added and trusted Microsoft services allowed; a development client outside the VNet needs its address in the storage firewall. Give the workspace identity Reader on each storage private endpoint for the studio.',
    sources: [
      { article: 'tutorial', section: S.tutorialStorage },
      { article: 'tutorial', section: S.tutorialStudio },
      { article: 'legacy2019', section: S.legacyStorage },
      { article: 'training', section: S.trainingOtherVnet },
    ],
    scenarios: [...COMPUTE, 'attached-vm'],
    conflicts: ['storage-same-vnet'],
  },
  {
    id: 'key-vault-firewall',
    kind: 'resource-firewall',
    subject: 'Workspace key vault',
    setting: 'Public access disabled (private endpoint), or: selected networks with the compute VNet and trusted Microsoft services allowed to bypass the firewall.',
    sources: [{ article: 'tutorial', section: S.tutorialKeyVault }, { article: 'legacy2019', section: S.legacyKeyVault }, { article: 'training', section: S.trainingOtherVnet }],
    scenarios: COMPUTE,
  },
  {
    id: 'container-registry-image-builds',
    kind: 'resource-firewall',
    subject: 'Workspace container registry',
    setting: 'With the registry behind its private endpoint it cannot build images: point the workspace image builds at a compute cluster (az ml workspace update --image-build-compute).',
    sources: [{ article: 'tutorial', section: S.tutorialImageBuilds }, { article: 'planning', section: S.planningImageBuild }],
    scenarios: COMPUTE,
    conditions: ['option privateEndpoint'],
    when: privateEndpointOn,
  },
  {
    id: 'workspace-ip-allow-list',
    kind: 'workspace',
    subject: 'Workspace with an IP allow list',
    setting: 'Serverless compute without public IP leaves through default outbound access with a changing address: add an outbound private endpoint to the workspace instead of an allow-list entry.',
    sources: [{ article: 'training', section: S.trainingNoPip }],
    scenarios: ['serverless'],
    conditions: ['serverless without public IP', 'the workspace uses an IP allow list'],
    when: (params) => !params.options.publicIp,
  },
  // ─── service endpoints ───
  {
    id: 'service-endpoint-policy',
    kind: 'service-endpoint',
    subject: 'Compute subnet {subnet}',
    setting:
      'A Microsoft.Storage service endpoint on the compute subnet and a service endpoint policy with the Azure Machine Learning alias, so storage traffic reaches only the Azure Machine Learning managed accounts; the firewall then needs no Storage rule.',
    sources: [
      { article: 'planning', section: S.planningExfiltration },
      { article: 'planning', section: S.planningExfiltrationProtection },
      { article: 'training', section: S.trainingNoPip },
    ],
    scenarios: ['data-exfiltration-prevention'],
  },
  {
    id: 'service-endpoints-alternative',
    kind: 'service-endpoint',
    subject: 'Storage and Key Vault',
    setting: 'Service endpoints can replace the private endpoints of storage and key vault (no other workspace resource supports them).',
    sources: [{ article: 'planning', section: S.planningIaasPaas }],
    scenarios: ['compute-public-ip', 'compute-no-public-ip', 'serverless', 'forced-tunnelling'],
    conditions: ['instead of the storage and key vault private endpoints'],
  },
  // ─── routes ───
  {
    id: 'route-default-to-firewall',
    kind: 'route',
    subject: 'Compute subnet {subnet} route table',
    setting: 'Route 0.0.0.0/0 to the hub firewall (next hop type VirtualAppliance, the firewall private IP); the hub firewall allows the outbound requirements of this scenario. All resources in one region.',
    routes: 'default-to-firewall',
    sources: [{ article: 'planning', section: S.planningInOut }, { article: 'planning', section: S.planningVnet }],
    scenarios: ['forced-tunnelling'],
  },
  {
    id: 'route-inbound-bypass',
    kind: 'route',
    subject: 'Compute subnet {subnet} route table',
    setting:
      'Routes with next hop Internet for BatchNodeManagement.{region} and AzureMachineLearning of {region} and of its paired region {secondary}, so the inbound management traffic skips the firewall (service tags can be route prefixes).',
    routes: 'inbound-bypass',
    flows: ['udr-batch-primary', 'udr-aml-primary', 'udr-aml-secondary'],
    sources: [
      { article: 'traffic', section: S.trafficFirewallIn },
      { article: 'training', section: S.trainingPip },
      { article: 'planning', section: S.planningInOut },
      { article: 'legacy2019', section: S.legacyForcedTunnelling },
    ],
    scenarios: ['inbound-udr', 'forced-tunnelling', 'compute-public-ip'],
    conditions: ['compute with a public IP behind a firewall'],
    when: (params, scenario) => scenario !== 'forced-tunnelling' || params.options.publicIp,
  },
  {
    id: 'outbound-without-default-access',
    kind: 'route',
    subject: 'Compute subnet {subnet}',
    setting: 'Give compute without public IP its outbound path through a NAT gateway (with NSGs) or a firewall, not Azure default outbound access.',
    sources: [{ article: 'training', section: S.trainingNoPip }, { article: 'planning', section: S.planningNoFirewall }],
    scenarios: ['compute-no-public-ip', 'serverless'],
    when: (params) => !params.options.publicIp,
  },
  // ─── subnets ───
  {
    id: 'subnet-rules',
    kind: 'subnet',
    subject: 'Compute subnet {subnet}',
    setting:
      'In the workspace subscription; not delegated to another service; one free address per compute instance, per cluster node, per serverless node and per private endpoint; the VNet must not use 172.17.0.0/16 (the Docker bridge range).',
    sources: [
      { article: 'training', section: S.trainingPrerequisites },
      { article: 'tutorial', section: S.tutorialVnet },
      { article: 'planning', section: S.planningIpShortage },
      { article: 'legacy2019', section: S.legacyCompute },
    ],
    scenarios: [...COMPUTE, 'attached-vm', 'aks-inference'],
  },
  {
    id: 'compute-managed-resources',
    kind: 'subnet',
    subject: 'Compute subnet {subnet}',
    setting:
      'The service creates a network security group (inbound 44224 from AzureMachineLearning), a public IP and a load balancer per compute: a subnet NSG must not contradict that NSG, no policy may forbid NSG creation, the VNet resource group must not be locked, and quotas must allow the resources.',
    sources: [{ article: 'training', section: S.trainingPip }, { article: 'legacy2019', section: S.legacyCompute }],
    scenarios: ['compute-public-ip'],
  },
  {
    id: 'aks-addressing',
    kind: 'subnet',
    subject: 'AKS subnet {subnet}',
    setting:
      'AKS in the VNet region; the Kubernetes service range must not overlap any subnet, the DNS service address must lie inside it, and the Docker bridge range must lie outside both; allow inbound to the scoring endpoint from its clients (ports and sources are yours), and follow the AKS egress article for the cluster itself.',
    sources: [{ article: 'legacy2019', section: S.legacyAks }, { article: 'training', section: S.trainingInternet }],
    scenarios: ['aks-inference'],
    conflicts: ['aks-inbound-ports'],
  },
  {
    id: 'attached-vm-os',
    kind: 'subnet',
    subject: 'Attached VM or HDInsight cluster',
    setting: 'Ubuntu only; keep the default outbound rules or limit them to the outbound set of this scenario.',
    sources: [{ article: 'training', section: S.trainingVm }, { article: 'legacy2019', section: S.legacyVm }],
    scenarios: ['attached-vm'],
  },
];

function fill(text: string, built: BuiltScenario): string {
  const { params } = built;
  return text
    .replaceAll('{region}', params.region)
    .replaceAll('{secondary}', params.secondaryRegion ?? (params.pairing === 'none' ? '(none: the region has no pair)' : '(unknown: give --secondary-region)'))
    .replaceAll('{peSubnet}', params.privateEndpointSubnet ? `the private-endpoint subnet ${params.privateEndpointSubnet.toString()}` : 'the private-endpoint subnet')
    .replaceAll(' {subnet}', params.subnet ? ` ${params.subnet.toString()}` : '');
}

/**
 * The routes of a route prerequisite. Inbound bypass: the source tags of the scenario's UDR flows as built (so the
 * regional tag names are the snapshot's), or, where the scenario has none (compute-public-ip), of the UDR flows the
 * inbound-udr scenario would build for the same parameters.
 */
function routesOf(kind: 'default-to-firewall' | 'inbound-bypass', built: BuiltScenario): RouteSpec[] {
  if (kind === 'default-to-firewall') {
    return [{ addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: built.params.firewallAddress?.toString().replace(/\/32$/, '') ?? '<hub firewall private IP>' }];
  }
  const own = built.requirements.requirements.filter((requirement) => requirement.id.startsWith('udr-'));
  const { params } = built;
  const udr =
    own.length > 0
      ? own
      : buildScenario(
          'inbound-udr',
          {
            region: params.region,
            ...(params.pairing === 'given' && params.secondaryRegion ? { secondaryRegion: params.secondaryRegion } : {}),
            cloud: params.cloud,
            options: { allowGlobalTagFallback: params.options.allowGlobalTagFallback },
          },
          built.snapshot,
        ).requirements.requirements;
  const prefixes = udr.flatMap((requirement) => requirement.sources.flatMap((endpoint) => (endpoint.kind === 'service-tag' ? [endpoint.name] : [])));
  return [...new Set(prefixes)].map((addressPrefix) => ({ addressPrefix, nextHopType: 'Internet' }));
}

/** The prerequisites of a built scenario, in catalogue order. */
export function prerequisitesOf(built: BuiltScenario): Prerequisite[] {
  const { params } = built;
  return PREREQUISITES.filter((template) => template.scenarios.includes(built.scenario.id) && (template.when ? template.when(params, built.scenario.id) : true)).map((template) => ({
    id: template.id,
    kind: template.kind,
    subject: fill(template.subject, built),
    setting: fill(template.setting, built),
    ...(template.privateEndpoint
      ? {
          privateEndpoint: {
            resourceType: template.privateEndpoint.resourceType,
            subresource: template.privateEndpoint.subresource,
            dnsZones: [...template.privateEndpoint.zones[params.cloud]],
          },
        }
      : {}),
    ...(template.routes ? { routes: routesOf(template.routes, built) } : {}),
    flows: (template.flows ?? []).filter((id) => built.requirements.requirements.some((requirement) => requirement.id === id)),
    conditions: [...(template.conditions ?? [])],
    provenance: template.sources.map((source) => ({ article: ARTICLES[source.article], section: source.section })),
  }));
}
