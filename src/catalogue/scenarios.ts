/**
 * Scenarios: named selections of catalogue entries, each with the option defaults that make it the working
 * deployment the articles describe. Ids are stable (users and docs rely on them).
 */
import type { Cloud } from '../servicetags/cloud.js';
import {
  AKS_INFERENCE,
  ATTACHED_VM_INBOUND,
  COMMON_OUTBOUND_TAGS,
  COMPUTE_HOSTS,
  EXFILTRATION_FQDNS,
  FIREWALL_AML,
  FIREWALL_APPLICATION_HOSTS,
  INBOUND_AML,
  KUBERNETES_HOSTS,
  LEGACY_2019,
  MONITORING_HOSTS,
  NO_PUBLIC_IP_INBOUND,
  OTHER_FIREWALL_HOSTS,
  PACKAGE_HOSTS,
  PRIVATE_ENDPOINT_FLOWS,
  PUBLIC_IP_INBOUND,
  UDR_INBOUND,
  type CatalogueEntry,
} from './entries.js';
import type { BooleanOption, ScenarioParams } from './params.js';

/** Every scenario id, so `loadScenario('compute-no-publicip')` does not compile; SCENARIOS must use exactly these. */
export type ScenarioId =
  | 'compute-public-ip'
  | 'compute-no-public-ip'
  | 'serverless'
  | 'firewall-outbound'
  | 'inbound-udr'
  | 'kubernetes'
  | 'data-exfiltration-prevention'
  | 'legacy-2019'
  | 'forced-tunnelling'
  | 'attached-vm'
  | 'aks-inference';

export interface Scenario {
  readonly id: ScenarioId;
  readonly title: string;
  readonly description: string;
  readonly legacy: boolean;
  readonly clouds: readonly Cloud[];
  /** Every entry the scenario may use; each entry's own `when` and `clouds` decide whether it applies. */
  readonly entries: readonly CatalogueEntry[];
  /** Boolean options that default to true here (every other one defaults to false), with why. */
  readonly defaults: Readonly<Partial<Record<BooleanOption, true>>>;
  /** Options that mean something for this scenario (others are accepted and have no effect). */
  readonly options: readonly string[];
}

const ALL_CLOUDS: readonly Cloud[] = ['Public', 'AzureGovernment', 'China'];
const tags = (ids: readonly string[]): CatalogueEntry[] => COMMON_OUTBOUND_TAGS.filter((entry) => ids.includes(entry.id));
const withWhen = (entry: CatalogueEntry, condition: string, when: (params: ScenarioParams) => boolean): CatalogueEntry => ({
  ...entry,
  conditions: [...(entry.conditions ?? []), condition],
  when: (params) => when(params) && (entry.when ? entry.when(params) : true),
});
const publicIp = (params: ScenarioParams): boolean => params.options.publicIp;
const noPublicIp = (params: ScenarioParams): boolean => !params.options.publicIp;
const MONITORING_OPTION = withWhen(MONITORING_HOSTS, 'option monitoring', (params) => params.options.monitoring);

/** Outbound of compute instances and clusters, with or without public IP: the training article repeats it for both. */
const COMPUTE_OUTBOUND: readonly CatalogueEntry[] = [...COMMON_OUTBOUND_TAGS, ...PRIVATE_ENDPOINT_FLOWS, ...COMPUTE_HOSTS];
const COMPUTE_OPTIONS = ['privateEndpoint', 'hbiWorkspace', 'customImages', 'microsoftContainerRegistry', 'firewallToStoragePrivateEndpoint', 'monitoring', 'packages', 'allowGlobalTagFallback'];
/** A workspace behind a private endpoint (mandatory without public IP), and the MCR tag both required tables list. */
const SECURE_DEFAULTS = { privateEndpoint: true, microsoftContainerRegistry: true } as const;

/** The firewall article's network rules (tags) and application rules, plus its "other firewalls" host tables. */
const FIREWALL_SET: readonly CatalogueEntry[] = [
  ...tags(['entra-id', 'resource-manager', 'storage-region', 'storage-smb', 'front-door', 'container-registry', 'microsoft-container-registry', 'microsoft-container-registry-front-door', 'key-vault']),
  FIREWALL_AML,
  ...FIREWALL_APPLICATION_HOSTS,
  MONITORING_HOSTS,
  ...OTHER_FIREWALL_HOSTS,
  ...COMPUTE_HOSTS.filter((entry) => ['instances', 'instances-interactive', 'instances-net', 'microsoft-storage-hosts', 'workspace-storage-account', 'workspace-storage-files', 'key-vault-hosts'].includes(entry.id)),
  ...PACKAGE_HOSTS,
];

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'compute-public-ip',
    title: 'Compute instance / cluster with public IP',
    description: 'Inbound management from BatchNodeManagement and AzureMachineLearning; the outbound tags and host names of the training article; the private-endpoint flows.',
    legacy: false,
    clouds: ALL_CLOUDS,
    entries: [...PUBLIC_IP_INBOUND, ...COMPUTE_OUTBOUND, ...PACKAGE_HOSTS, MONITORING_OPTION],
    defaults: SECURE_DEFAULTS,
    options: COMPUTE_OPTIONS,
  },
  {
    id: 'compute-no-public-ip',
    title: 'Compute instance / cluster without public IP',
    description: 'No inbound from public tags (only the cluster traffic inside the VNet); outbound tags, host names (Batch, storage, tundra) and the mandatory workspace private endpoint.',
    legacy: false,
    clouds: ALL_CLOUDS,
    entries: [...NO_PUBLIC_IP_INBOUND, ...COMPUTE_OUTBOUND, ...PACKAGE_HOSTS, MONITORING_OPTION],
    defaults: SECURE_DEFAULTS,
    options: COMPUTE_OPTIONS,
  },
  {
    id: 'serverless',
    title: 'Serverless compute in a virtual network',
    description: 'Serverless compute: the outbound of compute instances and clusters; without public IP (default) no inbound, with publicIp=true inbound 44224 from AzureMachineLearning.',
    legacy: false,
    clouds: ALL_CLOUDS,
    entries: [withWhen(INBOUND_AML, 'option publicIp', publicIp), ...COMPUTE_OUTBOUND, ...PACKAGE_HOSTS, MONITORING_OPTION],
    defaults: SECURE_DEFAULTS,
    options: [...COMPUTE_OPTIONS, 'publicIp'],
  },
  {
    id: 'firewall-outbound',
    title: 'Azure Firewall outbound rules',
    description: "Network rules on service tags and application rules (http, https) on host names, as the firewall article lists them, with its 'other firewalls' host tables.",
    legacy: false,
    clouds: ALL_CLOUDS,
    entries: FIREWALL_SET,
    defaults: SECURE_DEFAULTS,
    options: ['privateEndpoint', 'hbiWorkspace', 'customImages', 'microsoftContainerRegistry', 'firewallToStoragePrivateEndpoint', 'packages', 'allowGlobalTagFallback'],
  },
  {
    id: 'inbound-udr',
    title: 'Inbound management traffic routed around the firewall (UDRs)',
    description: 'BatchNodeManagement of the workspace region and AzureMachineLearning of the workspace and its paired secondary region, next hop Internet.',
    legacy: false,
    clouds: ALL_CLOUDS,
    entries: UDR_INBOUND,
    defaults: {},
    options: ['allowGlobalTagFallback'],
  },
  {
    id: 'forced-tunnelling',
    title: 'Hub-spoke with forced tunnelling through the hub firewall',
    description:
      "The planning article's hub-spoke design: compute without public IP sends 0.0.0.0/0 to the hub firewall, which allows the merged outbound set (firewall article and training article); with publicIp=true the inbound management flows bypass it by UDR.",
    legacy: false,
    clouds: ALL_CLOUDS,
    entries: [
      ...NO_PUBLIC_IP_INBOUND.map((entry) => withWhen(entry, 'compute without public IP (option publicIp=false)', noPublicIp)),
      ...UDR_INBOUND.map((entry) => withWhen(entry, 'option publicIp', publicIp)),
      ...COMPUTE_OUTBOUND.filter((entry) => entry.id !== 'aml-service-https' && entry.id !== 'aml-service-interactive'),
      ...FIREWALL_SET.filter((entry) => !COMPUTE_OUTBOUND.includes(entry)),
    ],
    defaults: SECURE_DEFAULTS,
    options: [...COMPUTE_OPTIONS, 'publicIp'],
  },
  {
    id: 'attached-vm',
    title: 'Attached virtual machine or HDInsight cluster',
    description: 'Inbound SSH from AzureMachineLearning to the VM or cluster; outbound the required-internet tags of the training article (no Batch: the service does not manage these nodes).',
    legacy: false,
    clouds: ALL_CLOUDS,
    entries: [
      ATTACHED_VM_INBOUND,
      ...tags(['entra-id', 'aml-service-https', 'resource-manager', 'storage-region', 'front-door', 'microsoft-container-registry', 'microsoft-container-registry-front-door']),
      ...PACKAGE_HOSTS,
    ],
    defaults: { microsoftContainerRegistry: true },
    options: ['microsoftContainerRegistry', 'packages', 'allowGlobalTagFallback'],
  },
  {
    id: 'aks-inference',
    title: 'Azure Kubernetes Service inference cluster',
    description: 'Inbound from AzureMachineLearning to the AKS subnet; outbound to Microsoft Container Registry (tag and host). The general AKS egress rules are those of the AKS article.',
    legacy: false,
    clouds: ALL_CLOUDS,
    entries: [...AKS_INFERENCE, ...tags(['microsoft-container-registry', 'microsoft-container-registry-front-door'])],
    defaults: { microsoftContainerRegistry: true },
    options: ['microsoftContainerRegistry', 'allowGlobalTagFallback'],
  },
  {
    id: 'kubernetes',
    title: 'Kubernetes (Arc) compute outbound',
    description: 'Host names a Kubernetes compute target needs for training and inference.',
    legacy: false,
    clouds: ['Public'],
    entries: [...KUBERNETES_HOSTS, ...PACKAGE_HOSTS, MONITORING_OPTION],
    defaults: {},
    options: ['packages', 'monitoring'],
  },
  {
    id: 'data-exfiltration-prevention',
    title: 'Data-exfiltration prevention outbound set',
    description: 'The minimal outbound set when storage is reached through a service endpoint policy: no Storage or Front Door tags; the private-endpoint flows of the pe subnet.',
    legacy: false,
    clouds: ALL_CLOUDS,
    entries: [...tags(['entra-id', 'resource-manager', 'aml-compute-management', 'batch-management']), EXFILTRATION_FQDNS, ...PRIVATE_ENDPOINT_FLOWS],
    defaults: { privateEndpoint: true },
    options: ['privateEndpoint', 'allowGlobalTagFallback'],
  },
  {
    id: 'legacy-2019',
    title: 'Limit outbound via NSG (2019 guidance, legacy)',
    description: 'The 2019 article: Batch inbound 29876-29877 and outbound limited to Storage, Container Registry and Azure Machine Learning tags. Superseded; kept for comparison.',
    legacy: true,
    clouds: ALL_CLOUDS,
    entries: LEGACY_2019,
    defaults: {},
    options: ['ssh', 'allowGlobalTagFallback'],
  },
];
