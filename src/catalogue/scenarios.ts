/**
 * Scenarios: named selections of catalogue entries. Ids are stable (users and docs rely on them).
 */
import type { Cloud } from '../servicetags/cloud.js';
import {
  COMMON_OUTBOUND_TAGS,
  EXFILTRATION_FQDNS,
  FIREWALL_AML,
  FIREWALL_APPLICATION_HOSTS,
  KUBERNETES_HOSTS,
  LEGACY_2019,
  MONITORING_HOSTS,
  NO_PUBLIC_IP_HOSTS,
  NO_PUBLIC_IP_INBOUND,
  PACKAGE_HOSTS,
  PUBLIC_IP_INBOUND,
  UDR_INBOUND,
  type CatalogueEntry,
} from './entries.js';

/** Every scenario id, so `loadScenario('compute-no-publicip')` does not compile; SCENARIOS must use exactly these. */
export type ScenarioId =
  | 'compute-public-ip'
  | 'compute-no-public-ip'
  | 'serverless'
  | 'firewall-outbound'
  | 'inbound-udr'
  | 'kubernetes'
  | 'data-exfiltration-prevention'
  | 'legacy-2019';

export interface Scenario {
  readonly id: ScenarioId;
  readonly title: string;
  readonly description: string;
  readonly legacy: boolean;
  readonly clouds: readonly Cloud[];
  /** Every entry the scenario may use; each entry's own `when` and `clouds` decide whether it applies. */
  readonly entries: readonly CatalogueEntry[];
}

const ALL_CLOUDS: readonly Cloud[] = ['Public', 'AzureGovernment', 'China'];
const byId = (ids: readonly string[]): CatalogueEntry[] => COMMON_OUTBOUND_TAGS.filter((entry) => ids.includes(entry.id));
const OPTIONAL = [...PACKAGE_HOSTS, { ...MONITORING_HOSTS, conditions: ['option monitoring'], when: (p: { options: { monitoring: boolean } }) => p.options.monitoring }];

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'compute-public-ip',
    title: 'Compute instance / cluster with public IP',
    description: 'Inbound management from BatchNodeManagement and AzureMachineLearning, and the outbound service tags.',
    legacy: false,
    clouds: ALL_CLOUDS,
    entries: [...PUBLIC_IP_INBOUND, ...COMMON_OUTBOUND_TAGS, ...OPTIONAL],
  },
  {
    id: 'compute-no-public-ip',
    title: 'Compute instance / cluster without public IP',
    description: 'No inbound from public tags; outbound service tags plus the host names compute needs (Batch, storage, tundra).',
    legacy: false,
    clouds: ALL_CLOUDS,
    entries: [...NO_PUBLIC_IP_INBOUND, ...COMMON_OUTBOUND_TAGS, ...NO_PUBLIC_IP_HOSTS, ...OPTIONAL],
  },
  {
    id: 'serverless',
    title: 'Serverless compute in a virtual network',
    description: 'Serverless compute without public IP: the outbound of compute without public IP; the service creates the nodes, so no inbound.',
    legacy: false,
    clouds: ALL_CLOUDS,
    entries: [...COMMON_OUTBOUND_TAGS, ...NO_PUBLIC_IP_HOSTS, ...OPTIONAL],
  },
  {
    id: 'firewall-outbound',
    title: 'Azure Firewall outbound rules',
    description: 'Network rules on service tags and application rules on host names, as the firewall article lists them.',
    legacy: false,
    clouds: ALL_CLOUDS,
    entries: [
      ...byId(['entra-id', 'resource-manager', 'storage-region', 'storage-smb', 'front-door', 'container-registry', 'microsoft-container-registry', 'microsoft-container-registry-front-door', 'key-vault']),
      FIREWALL_AML,
      ...FIREWALL_APPLICATION_HOSTS,
      ...PACKAGE_HOSTS,
    ],
  },
  {
    id: 'inbound-udr',
    title: 'Inbound management traffic routed around the firewall (UDRs)',
    description: 'BatchNodeManagement and AzureMachineLearning of the primary and the paired secondary region, next hop Internet.',
    legacy: false,
    clouds: ALL_CLOUDS,
    entries: UDR_INBOUND,
  },
  {
    id: 'kubernetes',
    title: 'Kubernetes (Arc) compute outbound',
    description: 'Host names a Kubernetes compute target needs for training and inference.',
    legacy: false,
    clouds: ['Public'],
    entries: [...KUBERNETES_HOSTS, ...OPTIONAL],
  },
  {
    id: 'data-exfiltration-prevention',
    title: 'Data-exfiltration prevention outbound set',
    description: 'The minimal outbound set when storage is reached through a service endpoint policy: no Storage or Front Door tags.',
    legacy: false,
    clouds: ALL_CLOUDS,
    entries: [...byId(['entra-id', 'resource-manager', 'aml-compute-management', 'batch-management']), EXFILTRATION_FQDNS],
  },
  {
    id: 'legacy-2019',
    title: 'Limit outbound via NSG (2019 guidance, legacy)',
    description: 'The 2019 article: Batch inbound 29876-29877 and outbound limited to Storage, Container Registry and Azure Machine Learning tags. Superseded; kept for comparison.',
    legacy: true,
    clouds: ALL_CLOUDS,
    entries: LEGACY_2019,
  },
];
