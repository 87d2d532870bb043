/**
 * The Azure Machine Learning network requirements of the five source articles, as data. Each entry is one
 * documented requirement with its article and section; scenarios (scenarios.ts) pick entries, options switch
 * the conditional ones on. Facts (ports, tags, hosts) come from the articles; purposes are our own words.
 * docs/catalogue-facts.md (from facts.ts) lists every fact of the articles and the entry that carries it.
 *
 * Peers are templates: `{region}` becomes the workspace region's ARM name in host names, and a `regional` tag
 * becomes the region's own tag (`Storage` + westus → `Storage.WestUS`) through the snapshot.
 */
import type { Cloud } from '../servicetags/cloud.js';
import type { ArticleKey } from './articles.js';
import type { ScenarioParams } from './params.js';

export type PeerTemplate =
  /** A service tag; `regional` picks the primary or paired secondary region's tag of that service. */
  | { readonly tag: string; readonly regional?: 'primary' | 'secondary' }
  /** A host name or `*.suffix` wildcard, `{region}` replaced by the ARM region name. */
  | { readonly host: string }
  /** A URL pattern `host/path*`. */
  | { readonly url: string }
  /** The compute subnet: the `subnet` parameter, else the `VirtualNetwork` tag. */
  | { readonly compute: true }
  /**
   * The private-endpoint subnet: the `privateEndpointSubnet` parameter, else the `VirtualNetwork` tag. Flows whose
   * far side is this peer are the traffic to the workspace's private endpoints (see docs/catalogue.md).
   */
  | { readonly privateEndpoints: true }
  /** The custom DNS server: the `dnsServer` parameter (the entry is skipped without it). */
  | { readonly dnsServer: true }
  /** Literal addresses. */
  | { readonly addresses: string }
  /** A customer storage account's endpoint: `<storageAccount>.<kind>.core.windows.net`. */
  | { readonly storage: 'blob' | 'file' | 'dfs' };

export interface SourceRef {
  readonly article: ArticleKey;
  readonly section: string;
}

export interface CatalogueEntry {
  readonly id: string;
  readonly direction: 'in' | 'out';
  /** `tcp`, `udp`, `tcp,udp`, `any`. */
  readonly protocols: string;
  /** Destination ports, `443,8787` syntax; `any` when the article names none. */
  readonly ports: string;
  /** The far side: destinations of outbound entries, sources of inbound ones. */
  readonly peers: readonly PeerTemplate[];
  /** The near side (default: the compute subnet). */
  readonly local?: readonly PeerTemplate[];
  readonly purpose: string;
  readonly sources: readonly SourceRef[];
  /** When the entry applies, in words (shown in tables and YAML). */
  readonly conditions?: readonly string[];
  /** When the entry applies, as a predicate on the parameters; absent means always. */
  readonly when?: (params: ScenarioParams) => boolean;
  /** Clouds the entry applies to; absent means all three. */
  readonly clouds?: readonly Cloud[];
  /** Conflict ids (conflicts.ts) that this entry's choice resolves. */
  readonly conflicts?: readonly string[];
}

// Section names as the articles head them (some joined with ': ' to their parent heading).
export const SECTION = {
  trainingPrerequisites: 'Prerequisites',
  trainingLimitations: 'Limitations',
  trainingOtherVnet: 'Compute cluster in a different VNet/region from workspace',
  trainingNoPip: 'Compute instance/cluster or serverless compute with no public IP',
  trainingPip: 'Compute instance/cluster or serverless compute with public IP',
  trainingDatabricks: 'Azure Databricks',
  trainingVm: 'Virtual machine or HDInsight cluster',
  trainingInternet: 'Required public internet access to train models',
  trafficIntro: 'Configure inbound and outbound network traffic (introduction)',
  trafficPorts: 'Well-known ports',
  trafficRequired: 'Required public internet access',
  trafficFirewallIn: 'Azure Firewall: Inbound configuration',
  trafficFirewallOut: 'Azure Firewall: Outbound configuration',
  trafficKubernetes: 'Kubernetes Compute',
  trafficDependencies: 'Other firewalls: Dependencies API',
  trafficGeneralHosts: 'Microsoft hosts: General Azure hosts',
  trafficAmlHosts: 'Microsoft hosts: Azure Machine Learning hosts',
  trafficComputeHosts: 'Azure Machine Learning compute instance and compute cluster hosts',
  trafficDocker: 'Docker images maintained by Azure Machine Learning',
  trafficMonitoring: 'Monitoring, metrics, and diagnostics',
  trafficPackages: 'Python hosts / R hosts / Visual Studio Code hosts',
  legacyStorage: 'Use a storage account for your workspace',
  legacyKeyVault: 'Use a key vault instance with your workspace',
  legacyCompute: 'Use a Machine Learning Compute',
  legacyPorts: 'Machine Learning Compute: required ports',
  legacyLimit: 'Limit outbound connectivity from the virtual network',
  legacyForcedTunnelling: 'User-defined routes for forced tunneling',
  legacyDatabricks: 'Use Azure Databricks',
  legacyVm: 'Use a virtual machine or HDInsight cluster',
  legacyAks: 'Use Azure Kubernetes Service (AKS)',
  legacyFirewall: 'Use Azure Firewall',
  tutorialVnet: 'Create a virtual network',
  tutorialStorage: 'Create a storage account',
  tutorialKeyVault: 'Create a key vault',
  tutorialRegistry: 'Create a container registry',
  tutorialWorkspace: 'Create a workspace',
  tutorialStudio: 'Enable studio',
  tutorialMonitor: 'Secure Azure Monitor and Application Insights',
  tutorialConnect: 'Connect to the workspace',
  tutorialCompute: 'Create a compute cluster and compute instance',
  tutorialImageBuilds: 'Configure image builds',
  planningManaged: 'Recommended architecture (Managed Network Isolation pattern)',
  planningVnet: 'Recommended architecture (use your Azure VNet)',
  planningNoFirewall: 'Removing firewall requirement',
  planningExfiltration: 'Recommended architecture with data exfiltration prevention',
  planningIaasPaas: 'Azure Machine Learning has both IaaS and PaaS resources',
  planningInOut: 'Required inbound and outbound configurations',
  planningDns: 'DNS resolution of private link resources and application on compute instance',
  planningExfiltrationProtection: 'Data exfiltration protection',
  planningOnlineEndpoint: 'Managed online endpoint',
  planningIpShortage: 'Private IP address shortage in your main network',
  planningImageBuild: 'Image build compute setting for ACR behind VNet',
} as const;

const S = SECTION;
const option = (name: keyof ScenarioParams['options']) => (params: ScenarioParams): boolean => params.options[name] === true;
const hasPackage = (name: string) => (params: ScenarioParams): boolean => params.options.packages.includes(name);
const notChina: readonly Cloud[] = ['Public', 'AzureGovernment'];

// ─── tags every compute needs outbound ────────────────────────────────────────────────────────────────────

export const COMMON_OUTBOUND_TAGS: readonly CatalogueEntry[] = [
  {
    id: 'entra-id',
    direction: 'out',
    protocols: 'tcp',
    ports: '80,443',
    peers: [{ tag: 'AzureActiveDirectory' }],
    purpose: 'Sign-in and token requests to Microsoft Entra ID.',
    sources: [
      { article: 'training', section: S.trainingInternet },
      { article: 'traffic', section: S.trafficRequired },
    ],
  },
  {
    id: 'aml-service-https',
    direction: 'out',
    protocols: 'tcp',
    ports: '443',
    peers: [{ tag: 'AzureMachineLearning' }],
    purpose: 'Calls from the compute to the Azure Machine Learning service APIs.',
    sources: [
      { article: 'training', section: S.trainingNoPip },
      { article: 'traffic', section: S.trafficRequired },
    ],
    conflicts: ['aml-ports'],
  },
  {
    id: 'aml-service-interactive',
    direction: 'out',
    protocols: 'tcp',
    ports: '8787,18881',
    peers: [{ tag: 'AzureMachineLearning' }],
    purpose: 'RStudio (8787) and notebook Python language service (18881) sessions reached through the workspace private endpoint.',
    sources: [
      { article: 'training', section: S.trainingNoPip },
      { article: 'traffic', section: S.trafficRequired },
    ],
    conditions: ['option privateEndpoint'],
    when: option('privateEndpoint'),
    conflicts: ['aml-ports'],
  },
  {
    id: 'aml-compute-management',
    direction: 'out',
    protocols: 'udp',
    ports: '5831',
    peers: [{ tag: 'AzureMachineLearning' }],
    purpose: 'Lifecycle management (create, update, delete) of compute instances by the service.',
    sources: [
      { article: 'training', section: S.trainingNoPip },
      { article: 'planning', section: S.planningExfiltration },
    ],
    conflicts: ['aml-ports'],
  },
  {
    id: 'batch-management',
    direction: 'out',
    protocols: 'tcp',
    ports: '443',
    peers: [{ tag: 'BatchNodeManagement', regional: 'primary' }],
    purpose: 'Node agent traffic to the Azure Batch control plane that runs compute instances and clusters.',
    sources: [
      { article: 'training', section: S.trainingNoPip },
      { article: 'planning', section: S.planningExfiltration },
    ],
    conflicts: ['batch-protocol', 'batch-tag-scope'],
  },
  {
    id: 'resource-manager',
    direction: 'out',
    protocols: 'tcp',
    ports: '443',
    peers: [{ tag: 'AzureResourceManager' }],
    purpose: 'Azure Resource Manager calls made by the SDK, the CLI and the service while provisioning.',
    sources: [
      { article: 'training', section: S.trainingInternet },
      { article: 'traffic', section: S.trafficRequired },
    ],
  },
  {
    id: 'storage-region',
    direction: 'out',
    protocols: 'tcp',
    ports: '443',
    peers: [{ tag: 'Storage', regional: 'primary' }],
    purpose: 'Blob, queue and table storage in the workspace region, including the Batch-managed accounts (a data-exfiltration path: consider a service endpoint policy).',
    sources: [
      { article: 'training', section: S.trainingNoPip },
      { article: 'traffic', section: S.trafficRequired },
    ],
  },
  {
    id: 'storage-smb',
    direction: 'out',
    protocols: 'tcp',
    ports: '445',
    peers: [{ tag: 'Storage', regional: 'primary' }],
    purpose: 'SMB to Azure Files when a firewall sits between the compute and the storage private endpoint.',
    sources: [{ article: 'traffic', section: S.trafficRequired }],
    conditions: ['option firewallToStoragePrivateEndpoint'],
    when: option('firewallToStoragePrivateEndpoint'),
    conflicts: ['storage-smb-condition'],
  },
  {
    id: 'front-door',
    direction: 'out',
    protocols: 'tcp',
    ports: '443',
    peers: [{ tag: 'AzureFrontDoor.FrontEnd' }],
    purpose: 'The studio global entry point, and AutoML images and environments (read/write: an exfiltration path).',
    sources: [
      { article: 'training', section: S.trainingInternet },
      { article: 'traffic', section: S.trafficRequired },
    ],
    conditions: ['not in Azure operated by 21Vianet (China)'],
    clouds: notChina,
    conflicts: ['frontdoor-spelling'],
  },
  {
    id: 'monitor',
    direction: 'out',
    protocols: 'tcp',
    ports: '443',
    peers: [{ tag: 'AzureMonitor' }],
    purpose: 'Metrics and logs sent to Azure Monitor and Application Insights.',
    sources: [{ article: 'traffic', section: S.trafficRequired }],
  },
  {
    id: 'container-registry',
    direction: 'out',
    protocols: 'tcp',
    ports: '443',
    peers: [{ tag: 'ContainerRegistry', regional: 'primary' }],
    purpose: 'Pulls of custom Docker images (and of Microsoft base images with small changes) from Azure Container Registry.',
    sources: [
      { article: 'traffic', section: S.trafficRequired },
      { article: 'traffic', section: S.trafficFirewallOut },
    ],
    conditions: ['option customImages'],
    when: option('customImages'),
    conflicts: ['tag-spelling-container-registry', 'container-registry-condition'],
  },
  {
    id: 'microsoft-container-registry',
    direction: 'out',
    protocols: 'tcp',
    ports: '443',
    peers: [{ tag: 'MicrosoftContainerRegistry', regional: 'primary' }],
    purpose: 'Pulls of Microsoft-provided Docker images, also used to set up the Azure Machine Learning router on AKS.',
    sources: [
      { article: 'training', section: S.trainingInternet },
      { article: 'traffic', section: S.trafficRequired },
      { article: 'traffic', section: S.trafficFirewallOut },
    ],
    conditions: ['option microsoftContainerRegistry'],
    when: option('microsoftContainerRegistry'),
    conflicts: ['mcr-condition'],
  },
  {
    id: 'microsoft-container-registry-front-door',
    direction: 'out',
    protocols: 'tcp',
    ports: '443',
    peers: [{ tag: 'AzureFrontDoor.FirstParty' }],
    purpose: 'The Front Door endpoints Microsoft Container Registry serves its image layers from (the MCR tag depends on it).',
    sources: [
      { article: 'training', section: S.trainingInternet },
      { article: 'traffic', section: S.trafficRequired },
    ],
    conditions: ['option microsoftContainerRegistry', 'Public cloud only: the tag does not exist in AzureGovernment or China'],
    when: option('microsoftContainerRegistry'),
    clouds: ['Public'],
    conflicts: ['mcr-condition'],
  },
  {
    id: 'key-vault',
    direction: 'out',
    protocols: 'tcp',
    ports: '443',
    peers: [{ tag: 'Keyvault', regional: 'primary' }],
    purpose: 'The key vault the Batch service uses for high-business-impact workspaces.',
    sources: [
      { article: 'traffic', section: S.trafficRequired },
      { article: 'traffic', section: S.trafficFirewallOut },
    ],
    conditions: ['option hbiWorkspace'],
    when: option('hbiWorkspace'),
    conflicts: ['tag-spelling-key-vault'],
  },
];

// ─── private endpoints and DNS ───────────────────────────────────────────────────────────────────────────

/**
 * The flows to the workspace's private endpoints. Their far side is always `{ privateEndpoints: true }`: the
 * `privateEndpointSubnet` parameter, else the VirtualNetwork tag. A target that knows the private-endpoint subnet
 * can therefore allow exactly these ports to exactly that subnet.
 */
export const PRIVATE_ENDPOINT_FLOWS: readonly CatalogueEntry[] = [
  {
    id: 'private-endpoints-https',
    direction: 'out',
    protocols: 'tcp',
    ports: '443',
    peers: [{ privateEndpoints: true }],
    purpose:
      'HTTPS to the private endpoints of the workspace (API and notebooks), its storage account (blob, file, queue, table, dfs), key vault, container registry and Azure Monitor private link scope.',
    sources: [
      { article: 'training', section: S.trainingNoPip },
      { article: 'tutorial', section: S.tutorialWorkspace },
      { article: 'tutorial', section: S.tutorialStorage },
      { article: 'planning', section: S.planningVnet },
    ],
    conditions: ['option privateEndpoint', 'peer: parameter privateEndpointSubnet, else VirtualNetwork'],
    when: option('privateEndpoint'),
  },
  {
    id: 'private-endpoints-smb',
    direction: 'out',
    protocols: 'tcp',
    ports: '445',
    peers: [{ privateEndpoints: true }],
    purpose: "SMB to the file private endpoint of the workspace's default storage account, which training needs open.",
    sources: [
      { article: 'training', section: S.trainingLimitations },
      { article: 'traffic', section: S.trafficComputeHosts },
    ],
    conditions: ['option privateEndpoint', 'peer: parameter privateEndpointSubnet, else VirtualNetwork'],
    when: option('privateEndpoint'),
    conflicts: ['storage-smb-condition'],
  },
  {
    id: 'dns-custom-server',
    direction: 'out',
    protocols: 'tcp,udp',
    ports: '53',
    peers: [{ dnsServer: true }],
    purpose: 'Name resolution through the custom DNS server, which must answer the privatelink zones of the private endpoints.',
    sources: [
      { article: 'planning', section: S.planningDns },
      { article: 'training', section: S.trainingPrerequisites },
    ],
    conditions: ['parameter dnsServer'],
    when: (params) => params.dnsServer !== undefined,
  },
  {
    id: 'dns-forwarder',
    direction: 'out',
    protocols: 'tcp,udp',
    ports: '53',
    local: [{ dnsServer: true }],
    peers: [{ addresses: '168.63.129.16/32' }],
    purpose: "The custom DNS server's conditional forwarder for the privatelink zones, to Azure DNS (168.63.129.16).",
    sources: [{ article: 'planning', section: S.planningDns }],
    conditions: ['parameter dnsServer'],
    when: (params) => params.dnsServer !== undefined,
  },
];

// ─── host names of compute instances and clusters ────────────────────────────────────────────────────────

export const COMPUTE_HOSTS: readonly CatalogueEntry[] = [
  {
    id: 'tundra',
    direction: 'out',
    protocols: 'udp',
    ports: '5831',
    peers: [{ host: '{region}.tundra.azureml.ms' }],
    purpose: 'Compute instance management channel of the workspace region.',
    sources: [
      { article: 'training', section: S.trainingNoPip },
      { article: 'training', section: S.trainingPip },
    ],
  },
  {
    id: 'graph',
    direction: 'out',
    protocols: 'tcp',
    ports: '443',
    peers: [{ host: 'graph.windows.net' }],
    purpose: 'Directory lookups through the Graph API.',
    sources: [
      { article: 'training', section: S.trainingNoPip },
      { article: 'training', section: S.trainingPip },
      { article: 'traffic', section: S.trafficComputeHosts },
    ],
  },
  {
    id: 'instances',
    direction: 'out',
    protocols: 'tcp',
    ports: '443',
    peers: [{ host: '*.instances.azureml.ms' }],
    purpose: 'Connections (including Jupyter websockets) to compute instances through the Azure Machine Learning front end.',
    sources: [
      { article: 'training', section: S.trainingNoPip },
      { article: 'training', section: S.trainingPip },
      { article: 'training', section: S.trainingPrerequisites },
      { article: 'traffic', section: S.trafficComputeHosts },
    ],
    conflicts: ['aml-ports', 'instances-domain'],
  },
  {
    id: 'instances-interactive',
    direction: 'out',
    protocols: 'tcp',
    ports: '8787,18881',
    peers: [{ host: '*.instances.azureml.ms' }],
    purpose: 'RStudio and notebook language-service sessions on compute instances.',
    sources: [
      { article: 'training', section: S.trainingNoPip },
      { article: 'training', section: S.trainingPip },
      { article: 'traffic', section: S.trafficComputeHosts },
    ],
    conditions: ['option privateEndpoint'],
    when: option('privateEndpoint'),
    conflicts: ['aml-ports'],
  },
  {
    id: 'instances-net',
    direction: 'out',
    protocols: 'tcp',
    ports: '443',
    peers: [{ host: '*.instances.azureml.net' }],
    purpose: 'The older compute-instance domain, still listed for Jupyter websocket connections.',
    sources: [
      { article: 'training', section: S.trainingPrerequisites },
      { article: 'traffic', section: S.trafficComputeHosts },
    ],
    conflicts: ['instances-domain'],
  },
  {
    id: 'batch-account-hosts',
    direction: 'out',
    protocols: 'tcp',
    ports: '443',
    peers: [{ host: '*.{region}.batch.azure.com' }, { host: '*.{region}.service.batch.azure.com' }],
    purpose: 'The regional Azure Batch account endpoints behind compute instances and clusters.',
    sources: [
      { article: 'training', section: S.trainingNoPip },
      { article: 'training', section: S.trainingPip },
    ],
    conflicts: ['batch-protocol'],
  },
  {
    id: 'microsoft-storage-hosts',
    direction: 'out',
    protocols: 'tcp',
    ports: '443',
    peers: [{ host: '*.blob.core.windows.net' }, { host: '*.queue.core.windows.net' }, { host: '*.table.core.windows.net' }],
    purpose: 'Blob, queue and table endpoints of the storage accounts compute uses (the Batch-managed ones included).',
    sources: [
      { article: 'training', section: S.trainingNoPip },
      { article: 'training', section: S.trainingPip },
      { article: 'traffic', section: S.trafficComputeHosts },
      { article: 'legacy2019', section: S.legacyForcedTunnelling },
    ],
  },
  {
    id: 'workspace-storage-account',
    direction: 'out',
    protocols: 'tcp',
    ports: '443',
    peers: [{ storage: 'blob' }],
    purpose: "The workspace's default storage account: blobs.",
    sources: [
      { article: 'traffic', section: S.trafficComputeHosts },
      { article: 'traffic', section: S.trafficAmlHosts },
    ],
    conditions: ['parameter storageAccount'],
    when: (params) => params.storageAccount !== undefined,
  },
  {
    id: 'workspace-storage-files',
    direction: 'out',
    protocols: 'tcp',
    ports: '443,445',
    peers: [{ storage: 'file' }],
    purpose: "The workspace's default storage account: file shares, over HTTPS and SMB.",
    sources: [
      { article: 'traffic', section: S.trafficComputeHosts },
      { article: 'traffic', section: S.trafficAmlHosts },
      { article: 'training', section: S.trainingLimitations },
    ],
    conditions: ['parameter storageAccount'],
    when: (params) => params.storageAccount !== undefined,
    conflicts: ['storage-smb-condition'],
  },
  {
    id: 'key-vault-hosts',
    direction: 'out',
    protocols: 'tcp',
    ports: '443',
    peers: [{ host: '*.vault.azure.net' }],
    purpose: 'Key vault endpoints, for high-business-impact workspaces.',
    sources: [{ article: 'traffic', section: S.trafficComputeHosts }],
    conditions: ['option hbiWorkspace'],
    when: option('hbiWorkspace'),
  },
];

// ─── inbound ─────────────────────────────────────────────────────────────────────────────────────────────

export const INBOUND_AML: CatalogueEntry = {
  id: 'inbound-aml',
  direction: 'in',
  protocols: 'tcp',
  ports: '44224',
  peers: [{ tag: 'AzureMachineLearning' }],
  purpose: 'The Azure Machine Learning service managing compute instances.',
  sources: [
    { article: 'training', section: S.trainingPip },
    { article: 'traffic', section: S.trafficRequired },
    { article: 'tutorial', section: S.tutorialCompute },
    { article: 'planning', section: S.planningInOut },
  ],
};

export const PUBLIC_IP_INBOUND: readonly CatalogueEntry[] = [
  {
    id: 'inbound-batch',
    direction: 'in',
    protocols: 'tcp',
    ports: '29876-29877',
    peers: [{ tag: 'BatchNodeManagement' }],
    purpose: 'Azure Batch creating, updating and deleting compute instance and cluster nodes.',
    sources: [
      { article: 'traffic', section: S.trafficRequired },
      { article: 'tutorial', section: S.tutorialCompute },
    ],
    conflicts: ['public-ip-inbound-batch'],
  },
  INBOUND_AML,
];

export const NO_PUBLIC_IP_INBOUND: readonly CatalogueEntry[] = [
  {
    id: 'inbound-vnet-batch',
    direction: 'in',
    protocols: 'tcp',
    ports: '29876-29877',
    peers: [{ tag: 'VirtualNetwork' }],
    local: [{ tag: 'VirtualNetwork' }],
    purpose: 'Node communication inside the virtual network for compute clusters without public IP.',
    sources: [{ article: 'traffic', section: S.trafficRequired }],
    conditions: ['compute cluster without public IP'],
    conflicts: ['no-public-ip-inbound'],
  },
  {
    id: 'inbound-load-balancer',
    direction: 'in',
    protocols: 'tcp',
    ports: '44224',
    peers: [{ tag: 'AzureLoadBalancer' }],
    local: [{ tag: 'VirtualNetwork' }],
    purpose: 'Azure load balancer traffic to the compute management port for clusters without public IP.',
    sources: [{ article: 'traffic', section: S.trafficRequired }],
    conditions: ['compute cluster without public IP'],
    conflicts: ['no-public-ip-inbound'],
  },
];

/**
 * Inbound management traffic that UDRs route around the firewall (next hop Internet). The firewall article asks for
 * both the primary and the secondary region only for the Azure Machine Learning service; Batch is the primary only.
 */
export const UDR_INBOUND: readonly CatalogueEntry[] = [
  {
    id: 'udr-batch-primary',
    direction: 'in',
    protocols: 'tcp',
    ports: '29876-29877',
    peers: [{ tag: 'BatchNodeManagement', regional: 'primary' }],
    purpose: 'Batch management traffic of the workspace region, routed around the firewall (next hop Internet).',
    sources: [{ article: 'traffic', section: S.trafficFirewallIn }],
  },
  ...(['primary', 'secondary'] as const).map(
    (regional): CatalogueEntry => ({
      id: `udr-aml-${regional}`,
      direction: 'in',
      protocols: 'tcp',
      ports: '44224',
      peers: [{ tag: 'AzureMachineLearning', regional }],
      purpose: `Azure Machine Learning management traffic from the ${regional === 'primary' ? 'workspace' : 'paired secondary'} region, routed around the firewall (next hop Internet).`,
      sources: [{ article: 'traffic', section: S.trafficFirewallIn }, ...(regional === 'primary' ? [{ article: 'planning' as const, section: S.planningInOut }] : [])],
    }),
  ),
];

// ─── Azure Firewall ──────────────────────────────────────────────────────────────────────────────────────

/** The firewall article's network-rule list differs from the training article's (see conflict aml-ports). */
export const FIREWALL_AML: CatalogueEntry = {
  id: 'aml-service',
  direction: 'out',
  protocols: 'tcp',
  ports: '443,8787,18881',
  peers: [{ tag: 'AzureMachineLearning' }],
  purpose: 'Azure Machine Learning service APIs, RStudio and notebook language-service sessions.',
  sources: [{ article: 'traffic', section: S.trafficFirewallOut }],
  conflicts: ['aml-ports', 'firewall-outbound-incomplete'],
};

/** Application rules: the firewall article says "http, https" for every host of its list. */
const applicationRule = (id: string, hosts: readonly string[], purpose: string, extra: Partial<CatalogueEntry> = {}): CatalogueEntry => ({
  id,
  direction: 'out',
  protocols: 'tcp',
  ports: '80,443',
  peers: hosts.map((host) => (host.includes('/') ? { url: host } : { host })),
  purpose,
  sources: [{ article: 'traffic', section: S.trafficFirewallOut }],
  ...extra,
});

export const MONITORING_HOSTS: CatalogueEntry = {
  id: 'monitoring-hosts',
  direction: 'out',
  protocols: 'tcp',
  ports: '443',
  peers: [
    { host: 'dc.applicationinsights.azure.com' },
    { host: 'dc.applicationinsights.microsoft.com' },
    { host: 'dc.services.visualstudio.com' },
    { host: '*.in.applicationinsights.azure.com' },
  ],
  purpose: 'Application Insights and Azure Monitor ingestion, also used by Microsoft support for diagnostics.',
  sources: [{ article: 'traffic', section: S.trafficMonitoring }],
  conflicts: ['monitoring-hosts'],
};

export const FIREWALL_APPLICATION_HOSTS: readonly CatalogueEntry[] = [
  applicationRule('firewall-graph', ['graph.windows.net'], 'Directory lookups by compute instances and clusters.'),
  applicationRule(
    'firewall-monitoring',
    ['dc.applicationinsights.azure.com', 'dc.applicationinsights.microsoft.com', 'dc.services.visualstudio.com'],
    'Metrics and diagnostics collection for Microsoft support.',
    { conflicts: ['monitoring-hosts'] },
  ),
];

// ─── "Other firewalls": the host tables of the firewall article ──────────────────────────────────────────

const hostRule = (id: string, hosts: readonly string[], ports: string, purpose: string, section: string, extra: Partial<CatalogueEntry> = {}): CatalogueEntry => ({
  id,
  direction: 'out',
  protocols: 'tcp',
  ports,
  peers: hosts.map((host) => ({ host })),
  purpose,
  sources: [{ article: 'traffic', section }],
  ...extra,
});

export const OTHER_FIREWALL_HOSTS: readonly CatalogueEntry[] = [
  hostRule('login-host', ['login.microsoftonline.com'], '80,443', 'Microsoft Entra ID sign-in, by host name.', S.trafficGeneralHosts, {
    sources: [
      { article: 'traffic', section: S.trafficGeneralHosts },
      { article: 'traffic', section: S.trafficDependencies },
    ],
  }),
  hostRule('management-host', ['management.azure.com'], '443', 'Azure Resource Manager and the portal, by host name.', S.trafficGeneralHosts, {
    sources: [
      { article: 'traffic', section: S.trafficGeneralHosts },
      { article: 'traffic', section: S.trafficDependencies },
    ],
  }),
  hostRule('studio-host', ['ml.azure.com'], '443', 'The Azure Machine Learning studio web application.', S.trafficAmlHosts),
  hostRule('aml-api-hosts', ['*.azureml.ms', '*.azureml.net'], '443', 'The Azure Machine Learning service API, by host name.', S.trafficAmlHosts),
  hostRule('model-management-hosts', ['*.modelmanagement.azureml.net'], '443', 'Model management.', S.trafficAmlHosts),
  hostRule('notebook-hosts', ['*.notebooks.azure.net', 'graph.microsoft.com', '*.aznbcontent.net'], '443', 'The integrated notebook experience.', S.trafficAmlHosts),
  {
    id: 'workspace-storage-dfs',
    direction: 'out',
    protocols: 'tcp',
    ports: '443',
    peers: [{ storage: 'dfs' }],
    purpose: "The workspace's default storage account: Data Lake (dfs) endpoint of the integrated notebooks.",
    sources: [{ article: 'traffic', section: S.trafficAmlHosts }],
    conditions: ['parameter storageAccount'],
    when: (params) => params.storageAccount !== undefined,
  },
  hostRule('microsoft-container-registry-hosts', ['mcr.microsoft.com', '*.data.mcr.microsoft.com'], '443', 'Microsoft Container Registry and its data endpoints, by host name.', S.trafficDocker, {
    conditions: ['option microsoftContainerRegistry'],
    when: option('microsoftContainerRegistry'),
    conflicts: ['mcr-condition'],
  }),
  hostRule('prebuilt-images-host', ['viennaglobal.azurecr.io'], '443', 'The pre-built images Azure Machine Learning maintains.', S.trafficDocker),
];

// ─── package hosts (options) ─────────────────────────────────────────────────────────────────────────────

/** The training article gives no ports; the firewall article's application rules say http and https. */
export const PACKAGE_HOSTS: readonly CatalogueEntry[] = [
  {
    id: 'python-packages',
    direction: 'out',
    protocols: 'tcp',
    ports: '80,443',
    peers: [
      { host: 'anaconda.com' },
      { host: '*.anaconda.com' },
      { host: '*.anaconda.org' },
      { host: 'pypi.org' },
      { host: '*.pythonhosted.org' },
      { host: '*.pytorch.org' },
      { host: '*.tensorflow.org' },
    ],
    purpose: 'Conda and pip package downloads, and the PyTorch and TensorFlow sample sites.',
    sources: [
      { article: 'training', section: S.trainingInternet },
      { article: 'traffic', section: S.trafficPackages },
      { article: 'traffic', section: S.trafficFirewallOut },
    ],
    conditions: ['option packages includes python'],
    when: hasPackage('python'),
    conflicts: ['pytorch-wildcard'],
  },
  {
    id: 'r-packages',
    direction: 'out',
    protocols: 'tcp',
    ports: '80,443',
    peers: [{ host: 'cloud.r-project.org' }],
    purpose: 'CRAN package downloads for R.',
    sources: [
      { article: 'training', section: S.trainingInternet },
      { article: 'traffic', section: S.trafficPackages },
      { article: 'traffic', section: S.trafficFirewallOut },
    ],
    conditions: ['option packages includes r'],
    when: hasPackage('r'),
  },
  {
    id: 'vscode-hosts',
    direction: 'out',
    protocols: 'tcp',
    ports: '80,443',
    peers: [
      { host: 'update.code.visualstudio.com' },
      { host: '*.vo.msecnd.net' },
      { host: 'code.visualstudio.com' },
      { host: 'marketplace.visualstudio.com' },
      { host: 'vscode.blob.core.windows.net' },
      { host: '*.gallerycdn.vsassets.io' },
      { url: 'raw.githubusercontent.com/microsoft/vscode-tools-for-ai/master/azureml_remote_websocket_server/*' },
    ],
    purpose: 'VS Code server bits, extensions and the websocket bridge installed on compute instances.',
    sources: [
      { article: 'training', section: S.trainingInternet },
      { article: 'traffic', section: S.trafficPackages },
      { article: 'traffic', section: S.trafficFirewallOut },
    ],
    conditions: ['option packages includes vscode'],
    when: hasPackage('vscode'),
  },
];

// ─── Kubernetes (Arc) compute ────────────────────────────────────────────────────────────────────────────

export const KUBERNETES_HOSTS: readonly CatalogueEntry[] = [
  ['k8s-logs', ['*.kusto.windows.net', '*.table.core.windows.net', '*.queue.core.windows.net'], '443', 'System log upload to Kusto.'],
  ['k8s-registry', ['*.azurecr.io'], '443', 'Container image pulls for training and inference workloads.'],
  ['k8s-blob', ['*.blob.core.windows.net'], '443', 'Project scripts, data and models, and job logs and outputs.'],
  [
    'k8s-aml-api',
    ['*.workspace.{region}.api.azureml.ms', '{region}.experiments.azureml.net', '{region}.api.azureml.ms'],
    '443',
    'Azure Machine Learning service API of the workspace region.',
  ],
  ['k8s-pypi', ['pypi.org'], '443', 'pip packages for training environments (training only).'],
  ['k8s-ubuntu', ['archive.ubuntu.com', 'security.ubuntu.com', 'ppa.launchpad.net'], '80', 'Operating-system security patches (training only).'],
].map(([id, hosts, ports, purpose]) => ({
  id: id as string,
  direction: 'out' as const,
  protocols: 'tcp',
  ports: ports as string,
  peers: (hosts as string[]).map((host) => ({ host })),
  purpose: purpose as string,
  sources: [{ article: 'traffic' as const, section: S.trafficKubernetes }],
}));

// ─── attached compute: VM / HDInsight, AKS ───────────────────────────────────────────────────────────────

export const ATTACHED_VM_INBOUND: CatalogueEntry = {
  id: 'inbound-aml-ssh',
  direction: 'in',
  protocols: 'tcp',
  ports: '22',
  peers: [{ tag: 'AzureMachineLearning' }],
  purpose: 'The Azure Machine Learning service reaching the SSH port of an attached Ubuntu VM or HDInsight cluster.',
  sources: [
    { article: 'training', section: S.trainingVm },
    { article: 'legacy2019', section: S.legacyVm },
  ],
  conflicts: ['ssh-protocol'],
};

export const AKS_INFERENCE: readonly CatalogueEntry[] = [
  {
    id: 'aks-inbound-aml',
    direction: 'in',
    protocols: 'any',
    ports: 'any',
    peers: [{ tag: 'AzureMachineLearning' }],
    purpose: 'The Azure Machine Learning service reaching the AKS cluster it deploys models to (the article names the source only).',
    sources: [{ article: 'legacy2019', section: S.legacyAks }],
    conflicts: ['aks-inbound-ports'],
  },
  {
    id: 'aks-mcr-host',
    direction: 'out',
    protocols: 'tcp',
    ports: '443',
    peers: [{ host: 'mcr.microsoft.com' }],
    purpose: 'Microsoft Container Registry, from which the cluster pulls the Azure Machine Learning components.',
    sources: [
      { article: 'training', section: S.trainingInternet },
      { article: 'traffic', section: S.trafficRequired },
    ],
  },
];

// ─── data-exfiltration prevention ────────────────────────────────────────────────────────────────────────

export const EXFILTRATION_FQDNS: CatalogueEntry = {
  id: 'exfiltration-hosts',
  direction: 'out',
  protocols: 'tcp',
  ports: '443',
  peers: [{ host: 'mcr.microsoft.com' }, { host: '*.data.mcr.microsoft.com' }, { host: 'ml.azure.com' }, { host: 'automlresources-prod.azureedge.net' }],
  purpose: 'Microsoft Container Registry, the studio and AutoML resources: the only hosts left open when storage goes through a service endpoint policy.',
  sources: [
    { article: 'planning', section: S.planningExfiltration },
    { article: 'planning', section: S.planningExfiltrationProtection },
  ],
};

// ─── 2019 guidance (legacy) ──────────────────────────────────────────────────────────────────────────────

export const LEGACY_2019: readonly CatalogueEntry[] = [
  {
    id: 'legacy-inbound-batch',
    direction: 'in',
    protocols: 'tcp',
    ports: '29876-29877',
    peers: [{ tag: 'BatchNodeManagement' }],
    purpose: 'Batch scheduling of runs on Machine Learning Compute nodes (2019 guidance).',
    sources: [{ article: 'legacy2019', section: S.legacyPorts }],
  },
  {
    id: 'legacy-inbound-ssh',
    direction: 'in',
    protocols: 'tcp',
    ports: '22',
    peers: [{ tag: 'Internet' }],
    purpose: 'Optional SSH to nodes on their public IP (2019 guidance).',
    sources: [{ article: 'legacy2019', section: S.legacyPorts }],
    conditions: ['option ssh'],
    when: option('ssh'),
  },
  ...(
    [
      ['legacy-storage', { tag: 'Storage', regional: 'primary' }, 'Azure Storage of the region.'],
      ['legacy-container-registry', { tag: 'ContainerRegistry', regional: 'primary' }, 'Azure Container Registry of the region.'],
      ['legacy-aml', { tag: 'AzureMachineLearning' }, 'The Azure Machine Learning service.'],
    ] as const
  ).map(([id, peer, purpose]) => ({
    id,
    direction: 'out' as const,
    protocols: 'any',
    ports: 'any',
    peers: [peer],
    purpose: `${purpose} The 2019 article limits outbound to these tags without naming ports.`,
    sources: [{ article: 'legacy2019' as const, section: S.legacyLimit }],
    conflicts: id === 'legacy-container-registry' ? ['tag-spelling-container-registry'] : [],
  })),
  {
    id: 'legacy-firewall-hosts',
    direction: 'out',
    protocols: 'any',
    ports: 'any',
    peers: ['*.batchai.core.windows.net', 'ml.azure.com', '*.azureml.ms', '*.experiments.azureml.net', '*.modelmanagement.azureml.net', 'mlworkspace.azure.ai', '*.aether.ms'].map(
      (host) => ({ host }),
    ),
    purpose: 'Hosts the 2019 article put into one Azure Firewall network rule with any protocol and port.',
    sources: [{ article: 'legacy2019', section: S.legacyFirewall }],
    conditions: ['Public cloud only: the 2019 article names public-cloud hosts only'],
    clouds: ['Public'],
  },
];

/** Every entry of the catalogue, once each (the fact table and its test refer to entries by id). */
export const ALL_ENTRIES: readonly CatalogueEntry[] = [
  ...COMMON_OUTBOUND_TAGS,
  ...PRIVATE_ENDPOINT_FLOWS,
  ...COMPUTE_HOSTS,
  ...PUBLIC_IP_INBOUND,
  ...NO_PUBLIC_IP_INBOUND,
  ...UDR_INBOUND,
  FIREWALL_AML,
  MONITORING_HOSTS,
  ...FIREWALL_APPLICATION_HOSTS,
  ...OTHER_FIREWALL_HOSTS,
  ...PACKAGE_HOSTS,
  ...KUBERNETES_HOSTS,
  ATTACHED_VM_INBOUND,
  ...AKS_INFERENCE,
  EXFILTRATION_FQDNS,
  ...LEGACY_2019,
];
