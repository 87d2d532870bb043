/**
 * The Azure Machine Learning network requirements of the five source articles, as data. Each entry is one
 * documented requirement with its article and section; scenarios (scenarios.ts) pick entries, options switch
 * the conditional ones on. Facts (ports, tags, hosts) come from the articles; purposes are our own words.
 *
 * Peers are templates: `{region}` / `{secondary}` become the workspace region's ARM name in host names, and a
 * `regional` tag becomes the region's own tag (`Storage` + westus → `Storage.WestUS`) through the snapshot.
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
  /** The near side of inbound entries (default: the compute subnet). */
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

const TRAINING_NO_PIP = 'Compute instance/cluster or serverless compute with no public IP';
const TRAINING_PIP = 'Compute instance/cluster or serverless compute with public IP';
const TRAINING_INTERNET = 'Required public internet access to train models';
const TRAFFIC_REQUIRED = 'Required public internet access';
const TRAFFIC_FIREWALL_OUT = 'Azure Firewall: Outbound configuration';
const TRAFFIC_FIREWALL_IN = 'Azure Firewall: Inbound configuration';

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
      { article: 'training', section: TRAINING_INTERNET },
      { article: 'traffic', section: TRAFFIC_REQUIRED },
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
      { article: 'training', section: TRAINING_NO_PIP },
      { article: 'traffic', section: TRAFFIC_REQUIRED },
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
      { article: 'training', section: TRAINING_NO_PIP },
      { article: 'traffic', section: TRAFFIC_REQUIRED },
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
      { article: 'training', section: TRAINING_NO_PIP },
      { article: 'planning', section: 'Recommended architecture with data exfiltration prevention' },
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
      { article: 'training', section: TRAINING_NO_PIP },
      { article: 'planning', section: 'Recommended architecture with data exfiltration prevention' },
    ],
    conflicts: ['batch-protocol'],
  },
  {
    id: 'resource-manager',
    direction: 'out',
    protocols: 'tcp',
    ports: '443',
    peers: [{ tag: 'AzureResourceManager' }],
    purpose: 'Azure Resource Manager calls made by the SDK, the CLI and the service while provisioning.',
    sources: [
      { article: 'training', section: TRAINING_INTERNET },
      { article: 'traffic', section: TRAFFIC_REQUIRED },
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
      { article: 'training', section: TRAINING_NO_PIP },
      { article: 'traffic', section: TRAFFIC_REQUIRED },
    ],
  },
  {
    id: 'storage-smb',
    direction: 'out',
    protocols: 'tcp',
    ports: '445',
    peers: [{ tag: 'Storage', regional: 'primary' }],
    purpose: 'SMB to Azure Files when a firewall sits between the compute and the storage private endpoint.',
    sources: [{ article: 'traffic', section: TRAFFIC_REQUIRED }],
    conditions: ['option firewallToStoragePrivateEndpoint'],
    when: option('firewallToStoragePrivateEndpoint'),
  },
  {
    id: 'front-door',
    direction: 'out',
    protocols: 'tcp',
    ports: '443',
    peers: [{ tag: 'AzureFrontDoor.FrontEnd' }],
    purpose: 'The studio global entry point, and AutoML images and environments (read/write: an exfiltration path).',
    sources: [
      { article: 'training', section: TRAINING_INTERNET },
      { article: 'traffic', section: TRAFFIC_REQUIRED },
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
    sources: [{ article: 'traffic', section: TRAFFIC_REQUIRED }],
  },
  {
    id: 'container-registry',
    direction: 'out',
    protocols: 'tcp',
    ports: '443',
    peers: [{ tag: 'ContainerRegistry', regional: 'primary' }],
    purpose: 'Pulls of custom Docker images (and of Microsoft base images with small changes) from Azure Container Registry.',
    sources: [
      { article: 'traffic', section: TRAFFIC_REQUIRED },
      { article: 'traffic', section: TRAFFIC_FIREWALL_OUT },
    ],
    conditions: ['option customImages'],
    when: option('customImages'),
    conflicts: ['tag-spelling-container-registry'],
  },
  {
    id: 'microsoft-container-registry',
    direction: 'out',
    protocols: 'tcp',
    ports: '443',
    peers: [{ tag: 'MicrosoftContainerRegistry', regional: 'primary' }],
    purpose: 'Pulls of Microsoft-provided Docker images when dependencies are user-managed.',
    sources: [
      { article: 'training', section: TRAINING_INTERNET },
      { article: 'traffic', section: TRAFFIC_FIREWALL_OUT },
    ],
    conditions: ['option userManagedDependencies'],
    when: option('userManagedDependencies'),
  },
  {
    id: 'microsoft-container-registry-front-door',
    direction: 'out',
    protocols: 'tcp',
    ports: '443',
    peers: [{ tag: 'AzureFrontDoor.FirstParty' }],
    purpose: 'The Front Door endpoints Microsoft Container Registry serves its image layers from.',
    sources: [{ article: 'training', section: TRAINING_INTERNET }],
    conditions: ['option userManagedDependencies', 'Public cloud only: the tag does not exist in AzureGovernment or China'],
    when: option('userManagedDependencies'),
    clouds: ['Public'],
  },
  {
    id: 'key-vault',
    direction: 'out',
    protocols: 'tcp',
    ports: '443',
    peers: [{ tag: 'Keyvault', regional: 'primary' }],
    purpose: 'The key vault the Batch service uses for high-business-impact workspaces.',
    sources: [
      { article: 'traffic', section: TRAFFIC_REQUIRED },
      { article: 'traffic', section: TRAFFIC_FIREWALL_OUT },
    ],
    conditions: ['option hbiWorkspace'],
    when: option('hbiWorkspace'),
    conflicts: ['tag-spelling-key-vault'],
  },
];

// ─── host names of compute without public IP ─────────────────────────────────────────────────────────────

export const NO_PUBLIC_IP_HOSTS: readonly CatalogueEntry[] = [
  {
    id: 'tundra',
    direction: 'out',
    protocols: 'udp',
    ports: '5831',
    peers: [{ host: '{region}.tundra.azureml.ms' }],
    purpose: 'Compute instance management channel of the workspace region.',
    sources: [{ article: 'training', section: TRAINING_NO_PIP }],
  },
  {
    id: 'graph',
    direction: 'out',
    protocols: 'tcp',
    ports: '443',
    peers: [{ host: 'graph.windows.net' }],
    purpose: 'Directory lookups through the Graph API.',
    sources: [{ article: 'training', section: TRAINING_NO_PIP }],
  },
  {
    id: 'instances',
    direction: 'out',
    protocols: 'tcp',
    ports: '443',
    peers: [{ host: '*.instances.azureml.ms' }],
    purpose: 'Connections to compute instances through the Azure Machine Learning front end.',
    sources: [{ article: 'training', section: TRAINING_NO_PIP }],
    conflicts: ['aml-ports'],
  },
  {
    id: 'instances-interactive',
    direction: 'out',
    protocols: 'tcp',
    ports: '8787,18881',
    peers: [{ host: '*.instances.azureml.ms' }],
    purpose: 'RStudio and notebook language-service sessions on compute instances.',
    sources: [{ article: 'training', section: TRAINING_NO_PIP }],
    conditions: ['option privateEndpoint'],
    when: option('privateEndpoint'),
    conflicts: ['aml-ports'],
  },
  {
    id: 'batch-account-hosts',
    direction: 'out',
    protocols: 'tcp',
    ports: '443',
    peers: [{ host: '*.{region}.batch.azure.com' }, { host: '*.{region}.service.batch.azure.com' }],
    purpose: 'The regional Azure Batch account endpoints behind compute instances and clusters.',
    sources: [{ article: 'training', section: TRAINING_NO_PIP }],
    conflicts: ['batch-protocol'],
  },
  {
    id: 'microsoft-storage-hosts',
    direction: 'out',
    protocols: 'tcp',
    ports: '443',
    peers: [{ host: '*.blob.core.windows.net' }, { host: '*.queue.core.windows.net' }, { host: '*.table.core.windows.net' }],
    purpose: 'Blob, queue and table endpoints of the storage accounts compute uses.',
    sources: [
      { article: 'training', section: TRAINING_NO_PIP },
      { article: 'traffic', section: 'Azure Machine Learning compute instance and compute cluster hosts' },
    ],
  },
  {
    id: 'workspace-storage-account',
    direction: 'out',
    protocols: 'tcp',
    ports: '443',
    peers: [{ storage: 'file' }, { storage: 'blob' }],
    purpose: "The workspace's own storage account (file shares and blobs).",
    sources: [{ article: 'traffic', section: 'Azure Machine Learning compute instance and compute cluster hosts' }],
    conditions: ['parameter storageAccount'],
    when: (params) => params.storageAccount !== undefined,
  },
];

// ─── inbound ─────────────────────────────────────────────────────────────────────────────────────────────

export const PUBLIC_IP_INBOUND: readonly CatalogueEntry[] = [
  {
    id: 'inbound-batch',
    direction: 'in',
    protocols: 'tcp',
    ports: '29876-29877',
    peers: [{ tag: 'BatchNodeManagement' }],
    purpose: 'Azure Batch creating, updating and deleting compute instance and cluster nodes.',
    sources: [
      { article: 'traffic', section: TRAFFIC_REQUIRED },
      { article: 'tutorial', section: 'Create a compute cluster and compute instance' },
    ],
  },
  {
    id: 'inbound-aml',
    direction: 'in',
    protocols: 'tcp',
    ports: '44224',
    peers: [{ tag: 'AzureMachineLearning' }],
    purpose: 'The Azure Machine Learning service managing compute instances.',
    sources: [
      { article: 'training', section: TRAINING_PIP },
      { article: 'traffic', section: TRAFFIC_REQUIRED },
    ],
  },
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
    sources: [{ article: 'traffic', section: TRAFFIC_REQUIRED }],
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
    sources: [{ article: 'traffic', section: TRAFFIC_REQUIRED }],
    conditions: ['compute cluster without public IP'],
    conflicts: ['no-public-ip-inbound'],
  },
];

export const UDR_INBOUND: readonly CatalogueEntry[] = (['primary', 'secondary'] as const).flatMap((regional) => [
  {
    id: `udr-batch-${regional}`,
    direction: 'in' as const,
    protocols: 'tcp',
    ports: '29876-29877',
    peers: [{ tag: 'BatchNodeManagement', regional }],
    purpose: `Batch management traffic from the ${regional} region, routed around the firewall (next hop Internet).`,
    sources: [{ article: 'traffic', section: TRAFFIC_FIREWALL_IN }],
  },
  {
    id: `udr-aml-${regional}`,
    direction: 'in' as const,
    protocols: 'tcp',
    ports: '44224',
    peers: [{ tag: 'AzureMachineLearning', regional }],
    purpose: `Azure Machine Learning management traffic from the ${regional} region, routed around the firewall (next hop Internet).`,
    sources: [{ article: 'traffic', section: TRAFFIC_FIREWALL_IN }],
  },
]);

// ─── Azure Firewall ──────────────────────────────────────────────────────────────────────────────────────

/** The firewall article's network-rule list differs from the training article's (see conflict aml-ports). */
export const FIREWALL_AML: CatalogueEntry = {
  id: 'aml-service',
  direction: 'out',
  protocols: 'tcp',
  ports: '443,8787,18881',
  peers: [{ tag: 'AzureMachineLearning' }],
  purpose: 'Azure Machine Learning service APIs, RStudio and notebook language-service sessions.',
  sources: [{ article: 'traffic', section: TRAFFIC_FIREWALL_OUT }],
  conflicts: ['aml-ports'],
};

const firewallApplication = (id: string, hosts: readonly string[], purpose: string, extra: Partial<CatalogueEntry> = {}): CatalogueEntry => ({
  id,
  direction: 'out',
  protocols: 'tcp',
  ports: '80,443',
  peers: hosts.map((host) => (host.includes('/') ? { url: host } : { host })),
  purpose,
  sources: [{ article: 'traffic', section: TRAFFIC_FIREWALL_OUT }],
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
  sources: [{ article: 'traffic', section: 'Monitoring, metrics, and diagnostics' }],
};

export const FIREWALL_APPLICATION_HOSTS: readonly CatalogueEntry[] = [
  firewallApplication('firewall-graph', ['graph.windows.net'], 'Directory lookups by compute instances and clusters.'),
  firewallApplication(
    'firewall-monitoring',
    ['dc.applicationinsights.azure.com', 'dc.applicationinsights.microsoft.com', 'dc.services.visualstudio.com'],
    'Metrics and diagnostics collection for Microsoft support.',
  ),
];

// ─── package hosts (options) ─────────────────────────────────────────────────────────────────────────────

const PACKAGE_SECTION = 'Python hosts / R hosts / Visual Studio Code hosts';

export const PACKAGE_HOSTS: readonly CatalogueEntry[] = [
  {
    id: 'python-packages',
    direction: 'out',
    protocols: 'tcp',
    ports: '443',
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
      { article: 'training', section: TRAINING_INTERNET },
      { article: 'traffic', section: PACKAGE_SECTION },
    ],
    conditions: ['option packages includes python'],
    when: hasPackage('python'),
    conflicts: ['pytorch-wildcard'],
  },
  {
    id: 'r-packages',
    direction: 'out',
    protocols: 'tcp',
    ports: '443',
    peers: [{ host: 'cloud.r-project.org' }],
    purpose: 'CRAN package downloads for R.',
    sources: [
      { article: 'training', section: TRAINING_INTERNET },
      { article: 'traffic', section: PACKAGE_SECTION },
    ],
    conditions: ['option packages includes r'],
    when: hasPackage('r'),
  },
  {
    id: 'vscode-hosts',
    direction: 'out',
    protocols: 'tcp',
    ports: '443',
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
      { article: 'training', section: TRAINING_INTERNET },
      { article: 'traffic', section: PACKAGE_SECTION },
    ],
    conditions: ['option packages includes vscode'],
    when: hasPackage('vscode'),
  },
];

// ─── Kubernetes (Arc) compute ────────────────────────────────────────────────────────────────────────────

const KUBERNETES_SECTION = 'Kubernetes Compute';

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
  sources: [{ article: 'traffic' as const, section: KUBERNETES_SECTION }],
}));

// ─── data-exfiltration prevention ────────────────────────────────────────────────────────────────────────

const EXFILTRATION_SECTION = 'Recommended architecture with data exfiltration prevention';

export const EXFILTRATION_FQDNS: CatalogueEntry = {
  id: 'exfiltration-hosts',
  direction: 'out',
  protocols: 'tcp',
  ports: '443',
  peers: [{ host: 'mcr.microsoft.com' }, { host: '*.data.mcr.microsoft.com' }, { host: 'ml.azure.com' }, { host: 'automlresources-prod.azureedge.net' }],
  purpose: 'Microsoft Container Registry, the studio and AutoML resources: the only hosts left open when storage goes through a service endpoint policy.',
  sources: [{ article: 'planning', section: EXFILTRATION_SECTION }],
};

// ─── 2019 guidance (legacy) ──────────────────────────────────────────────────────────────────────────────

const LEGACY_NSG = 'Limit outbound connectivity from the virtual network';

export const LEGACY_2019: readonly CatalogueEntry[] = [
  {
    id: 'legacy-inbound-batch',
    direction: 'in',
    protocols: 'tcp',
    ports: '29876-29877',
    peers: [{ tag: 'BatchNodeManagement' }],
    purpose: 'Batch scheduling of runs on Machine Learning Compute nodes (2019 guidance).',
    sources: [{ article: 'legacy2019', section: 'Machine Learning Compute: required ports' }],
  },
  {
    id: 'legacy-inbound-ssh',
    direction: 'in',
    protocols: 'tcp',
    ports: '22',
    peers: [{ tag: 'Internet' }],
    purpose: 'Optional SSH to nodes on their public IP (2019 guidance).',
    sources: [{ article: 'legacy2019', section: 'Machine Learning Compute: required ports' }],
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
    sources: [{ article: 'legacy2019' as const, section: LEGACY_NSG }],
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
    sources: [{ article: 'legacy2019', section: 'Use Azure Firewall' }],
  },
];
