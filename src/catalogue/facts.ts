/**
 * Every requirement of the five articles, flow or not, with the catalogue entry or prerequisite that carries it and
 * its status. Identical statements in several sections are one fact with `alsoIn`. docs/catalogue-facts.md is this
 * table rendered (facts.test.ts keeps the two, and the table and the catalogue, in step).
 *
 * Statements are tagwall's words; peers are written as the catalogue writes them (`Storage.<region>`).
 */
import type { ArticleKey } from './articles.js';
import { SECTION as S, type SourceRef } from './entries.js';

export type FactStatus =
  /** An entry or prerequisite carries the fact as the article states it. */
  | 'carried'
  /** Articles disagree; a recorded conflict says which reading the carrying entry uses. */
  | 'conflict'
  /** Not carried, on purpose; `reason` says why. */
  | 'left-out'
  /** Not a statement of the articles: tagwall's documented addition, `reason` says why it is needed. */
  | 'extension';

export interface FlowShape {
  readonly direction: 'in' | 'out';
  readonly protocols: string;
  readonly ports: string;
  /** Far side(s) as the catalogue writes peers (see peerText in facts.test.ts). */
  readonly peers: readonly string[];
}

export interface Fact {
  readonly id: string;
  readonly article: ArticleKey;
  readonly section: string;
  readonly alsoIn?: readonly SourceRef[];
  readonly statement: string;
  /** Present for flow facts; absent for prerequisites and other non-flow facts. */
  readonly flow?: FlowShape;
  readonly status: FactStatus;
  /** Entry ids (flows) or prerequisite ids that carry the fact. */
  readonly carriedBy: readonly string[];
  readonly conflict?: string;
  readonly reason?: string;
  /** Scenarios whose defaults (no options given) carry this fact. */
  readonly defaultIn: readonly string[];
}

const PIP = 'compute-public-ip';
const NOPIP = 'compute-no-public-ip';
const SL = 'serverless';
const FW = 'firewall-outbound';
const UDR = 'inbound-udr';
const FT = 'forced-tunnelling';
const VM = 'attached-vm';
const AKS = 'aks-inference';
const K8S = 'kubernetes';
const EX = 'data-exfiltration-prevention';
const L19 = 'legacy-2019';
const COMPUTE = [PIP, NOPIP, SL, FT];

type Extra = Partial<Pick<Fact, 'alsoIn' | 'conflict' | 'reason' | 'status'>>;

const flow = (
  id: string,
  article: ArticleKey,
  section: string,
  statement: string,
  shape: [direction: 'in' | 'out', protocols: string, ports: string, peers: readonly string[]],
  carriedBy: readonly string[],
  defaultIn: readonly string[],
  extra: Extra = {},
): Fact => ({
  id,
  article,
  section,
  statement,
  flow: { direction: shape[0], protocols: shape[1], ports: shape[2], peers: shape[3] },
  status: extra.conflict ? 'conflict' : 'carried',
  carriedBy,
  defaultIn,
  ...extra,
});

const prerequisite = (id: string, article: ArticleKey, section: string, statement: string, carriedBy: readonly string[], extra: Extra = {}): Fact => ({
  id,
  article,
  section,
  statement,
  status: extra.conflict ? 'conflict' : 'carried',
  carriedBy,
  defaultIn: [],
  ...extra,
});

const leftOut = (id: string, article: ArticleKey, section: string, statement: string, reason: string, extra: Extra = {}): Fact => ({
  id,
  article,
  section,
  statement,
  status: 'left-out',
  carriedBy: [],
  defaultIn: [],
  reason,
  ...extra,
});

const tr = (section: string): SourceRef => ({ article: 'training', section });
const tf = (section: string): SourceRef => ({ article: 'traffic', section });
const lg = (section: string): SourceRef => ({ article: 'legacy2019', section });
const tu = (section: string): SourceRef => ({ article: 'tutorial', section });
const pl = (section: string): SourceRef => ({ article: 'planning', section });

const OUT_TCP_443 = (peers: readonly string[]): [direction: 'out', protocols: string, ports: string, peers: readonly string[]] => ['out', 'tcp', '443', peers];
const PACKAGES = { alsoIn: [tf(S.trafficPackages), tf(S.trafficFirewallOut)] };

export const FACTS: readonly Fact[] = [
  // ─── Secure an Azure Machine Learning training environment with virtual networks ───
  flow('t-websocket-instances-net', 'training', S.trainingPrerequisites, 'Jupyter websockets to the older compute-instance domain must be allowed.', OUT_TCP_443(['*.instances.azureml.net']), ['instances-net'], [...COMPUTE, FW], {
    alsoIn: [tf(S.trafficComputeHosts)],
    conflict: 'instances-domain',
  }),
  flow('t-websocket-instances-ms', 'training', S.trainingPrerequisites, 'Jupyter websockets to the compute-instance domain must be allowed.', OUT_TCP_443(['*.instances.azureml.ms']), ['instances'], [...COMPUTE, FW], {
    alsoIn: [tf(S.trafficComputeHosts)],
  }),
  prerequisite('t-subnet-same-subscription', 'training', S.trainingPrerequisites, 'The compute VNet is in the workspace subscription.', ['subnet-rules']),
  prerequisite('t-subnet-not-delegated', 'training', S.trainingPrerequisites, 'The compute subnet is not delegated to another service.', ['subnet-rules']),
  prerequisite('t-subnet-free-addresses', 'training', S.trainingPrerequisites, 'One free address per compute instance, cluster node and serverless node.', ['subnet-rules'], {
    alsoIn: [lg(S.legacyCompute), pl(S.planningIpShortage)],
  }),
  prerequisite('t-custom-dns-forwarding', 'training', S.trainingPrerequisites, 'With an own DNS server, forward the compute and workspace names (custom DNS).', ['dns-conditional-forwarder']),
  leftOut('t-rbac-join', 'training', S.trainingPrerequisites, 'The deploying user needs read and join permissions on the VNet and subnet.', 'Azure RBAC permissions, not network configuration.'),
  leftOut('t-storage-same-region', 'training', S.trainingPrerequisites, 'Keep storage in the compute region to avoid transfer cost and latency.', 'A cost and latency recommendation; it opens or closes no traffic.'),
  leftOut('t-lighthouse', 'training', S.trainingLimitations, 'Compute in a VNet is not supported with Azure Lighthouse.', 'A product limitation, not a network requirement.'),
  flow('t-smb-default-storage', 'training', S.trainingLimitations, 'SMB 445 between the compute and the default storage account must stay open during training.', ['out', 'tcp', '445', ['private-endpoint subnet', '<storage>.file.core.windows.net']], ['private-endpoints-smb', 'workspace-storage-files'], [...COMPUTE, EX, FW], {
    conflict: 'storage-smb-condition',
  }),
  leftOut('t-other-vnet-cluster-only', 'training', S.trainingOtherVnet, 'Only compute clusters, not compute instances, can live in another VNet or region.', 'A placement rule of the service; the network needs of such a cluster are the prerequisites below.'),
  prerequisite('t-other-vnet-link', 'training', S.trainingOtherVnet, 'A cluster in another VNet reaches the workspace by VNet peering or by its own workspace private endpoint.', ['private-endpoint-workspace']),
  prerequisite('t-other-vnet-zones', 'training', S.trainingOtherVnet, 'Link the privatelink.api.azureml.ms and privatelink.notebooks.azure.net zones to the cluster VNet.', ['private-endpoint-workspace']),
  prerequisite('t-other-vnet-resources', 'training', S.trainingOtherVnet, 'Storage, container registry and key vault must accept the cluster VNet (private endpoints or network rules).', [
    'storage-firewall',
    'key-vault-firewall',
    'private-endpoint-key-vault',
    'private-endpoint-container-registry',
  ]),
  prerequisite('t-no-pip-workspace-private-endpoint', 'training', S.trainingNoPip, 'Compute without public IP must reach the workspace through a workspace private endpoint.', ['private-endpoint-workspace']),
  flow('t-no-pip-aml-tcp', 'training', S.trainingNoPip, 'Outbound to AzureMachineLearning on TCP 443, 8787 and 18881.', ['out', 'tcp', '443,8787,18881', ['AzureMachineLearning']], ['aml-service-https', 'aml-service-interactive', 'aml-service'], [...COMPUTE, FW], {
    alsoIn: [tr(S.trainingPip), tf(S.trafficRequired), tf(S.trafficFirewallOut)],
    conflict: 'aml-ports',
  }),
  flow('t-no-pip-aml-udp', 'training', S.trainingNoPip, 'Outbound to AzureMachineLearning on UDP 5831 (compute instance management).', ['out', 'udp', '5831', ['AzureMachineLearning']], ['aml-compute-management'], [...COMPUTE, EX], {
    alsoIn: [tr(S.trainingPip), tr(S.trainingInternet), pl(S.planningExfiltration), pl(S.planningExfiltrationProtection)],
  }),
  flow('t-no-pip-ga-batch-tcp', 'training', S.trainingNoPip, 'Since general availability, outbound TCP 443 to BatchNodeManagement manages the compute.', OUT_TCP_443(['BatchNodeManagement.<region>']), ['batch-management'], [...COMPUTE, EX]),
  flow('t-no-pip-batch', 'training', S.trainingNoPip, 'Outbound to BatchNodeManagement.<region> on port 443, any protocol.', ['out', 'any', '443', ['BatchNodeManagement.<region>']], ['batch-management'], [...COMPUTE, EX], {
    alsoIn: [tr(S.trainingPip), tr(S.trainingInternet)],
    conflict: 'batch-protocol',
  }),
  flow('t-no-pip-storage', 'training', S.trainingNoPip, 'Outbound TCP 443 to Storage.<region> (the Batch storage accounts).', OUT_TCP_443(['Storage.<region>']), ['storage-region'], [...COMPUTE, FW, VM], {
    alsoIn: [tr(S.trainingPip), tr(S.trainingInternet), tf(S.trafficRequired), tf(S.trafficFirewallOut)],
  }),
  prerequisite('t-no-pip-storage-exfiltration', 'training', S.trainingNoPip, 'Storage.<region> can exfiltrate data; a service endpoint policy mitigates it.', ['service-endpoint-policy'], {
    alsoIn: [tr(S.trainingPip), tr(S.trainingInternet)],
  }),
  flow('t-no-pip-tundra', 'training', S.trainingNoPip, 'Outbound UDP 5831 to the region tundra host.', ['out', 'udp', '5831', ['<region>.tundra.azureml.ms']], ['tundra'], COMPUTE, { alsoIn: [tr(S.trainingPip)] }),
  flow('t-no-pip-graph', 'training', S.trainingNoPip, 'Outbound TCP 443 to the Graph API host.', OUT_TCP_443(['graph.windows.net']), ['graph', 'firewall-graph'], [...COMPUTE, FW], {
    alsoIn: [tr(S.trainingPip), tf(S.trafficComputeHosts), tf(S.trafficFirewallOut)],
  }),
  flow('t-no-pip-instances', 'training', S.trainingNoPip, 'Outbound TCP 443, 8787, 18881 to the compute-instance hosts.', ['out', 'tcp', '443,8787,18881', ['*.instances.azureml.ms']], ['instances', 'instances-interactive'], [...COMPUTE, FW], {
    alsoIn: [tr(S.trainingPip), tf(S.trafficComputeHosts)],
  }),
  flow('t-no-pip-batch-hosts', 'training', S.trainingNoPip, 'Outbound port 443, any protocol, to the regional Batch account hosts.', ['out', 'any', '443', ['*.<region>.batch.azure.com', '*.<region>.service.batch.azure.com']], ['batch-account-hosts'], COMPUTE, {
    alsoIn: [tr(S.trainingPip)],
    conflict: 'batch-protocol',
  }),
  flow('t-no-pip-storage-hosts', 'training', S.trainingNoPip, 'Outbound TCP 443 to blob, queue and table storage hosts.', OUT_TCP_443(['*.blob.core.windows.net', '*.queue.core.windows.net', '*.table.core.windows.net']), ['microsoft-storage-hosts'], [...COMPUTE, FW], {
    alsoIn: [tr(S.trainingPip), tf(S.trafficComputeHosts)],
  }),
  flow('t-no-pip-no-inbound', 'training', S.trainingNoPip, 'Compute without public IP needs no inbound traffic.', ['in', 'tcp', '29876-29877,44224', ['VirtualNetwork', 'AzureLoadBalancer']], ['inbound-vnet-batch', 'inbound-load-balancer'], [NOPIP, FT], {
    conflict: 'no-public-ip-inbound',
  }),
  prerequisite('t-no-pip-outbound-path', 'training', S.trainingNoPip, 'Use a NAT gateway or a firewall for outbound, not default outbound access.', ['outbound-without-default-access']),
  prerequisite('t-no-pip-serverless-allow-list', 'training', S.trainingNoPip, 'Serverless compute without public IP and a workspace IP allow list need an outbound private endpoint to the workspace.', ['workspace-ip-allow-list']),
  flow('t-pip-inbound-aml', 'training', S.trainingPip, 'Inbound TCP 44224 from AzureMachineLearning.', ['in', 'tcp', '44224', ['AzureMachineLearning']], ['inbound-aml'], [PIP], {
    alsoIn: [tf(S.trafficRequired), tu(S.tutorialCompute)],
  }),
  prerequisite('t-pip-managed-resources', 'training', S.trainingPip, 'The service creates an NSG, public IP and load balancer per compute; subnet NSGs, policies and locks must not get in the way.', ['compute-managed-resources'], {
    alsoIn: [lg(S.legacyCompute)],
  }),
  prerequisite('t-pip-udr', 'training', S.trainingPip, 'Behind a firewall, a user-defined route lets the inbound management traffic in.', ['route-inbound-bypass']),
  leftOut('t-databricks', 'training', S.trainingDatabricks, 'Databricks: same subscription and region, storage in its VNet, the default subnet too, no private endpoint.', 'Azure Databricks is configured by its own VNet-injection article; no Azure Machine Learning flow follows from these rules.', {
    alsoIn: [lg(S.legacyDatabricks)],
  }),
  flow('t-vm-ssh', 'training', S.trainingVm, 'Inbound from AzureMachineLearning to port 22 of an attached VM or HDInsight cluster, any protocol.', ['in', 'any', '22', ['AzureMachineLearning']], ['inbound-aml-ssh'], [VM], {
    alsoIn: [lg(S.legacyVm)],
    conflict: 'ssh-protocol',
  }),
  prerequisite('t-vm-ubuntu', 'training', S.trainingVm, 'Only Ubuntu VMs can be attached; keep or limit the default outbound rules.', ['attached-vm-os'], { alsoIn: [lg(S.legacyVm)] }),
  flow('t-internet-entra', 'training', S.trainingInternet, 'Outbound TCP 80 and 443 to AzureActiveDirectory.', ['out', 'tcp', '80,443', ['AzureActiveDirectory']], ['entra-id'], [...COMPUTE, FW, EX, VM], {
    alsoIn: [tf(S.trafficRequired), tf(S.trafficFirewallOut), pl(S.planningExfiltration), pl(S.planningExfiltrationProtection)],
  }),
  flow('t-internet-aml', 'training', S.trainingInternet, 'Outbound TCP 443 and 18881 and UDP 5831 to AzureMachineLearning.', ['out', 'tcp', '443,18881', ['AzureMachineLearning']], ['aml-service-https', 'aml-service-interactive', 'aml-service'], [...COMPUTE, FW, VM], {
    conflict: 'aml-ports',
  }),
  flow('t-internet-resource-manager', 'training', S.trainingInternet, 'Outbound TCP 443 to AzureResourceManager.', OUT_TCP_443(['AzureResourceManager']), ['resource-manager'], [...COMPUTE, FW, EX, VM], {
    alsoIn: [tf(S.trafficRequired), tf(S.trafficFirewallOut), pl(S.planningExfiltration)],
  }),
  flow('t-internet-front-door', 'training', S.trainingInternet, 'Outbound TCP 443 to AzureFrontDoor.FrontEnd, except in China.', OUT_TCP_443(['AzureFrontDoor.FrontEnd']), ['front-door'], [...COMPUTE, FW, VM], {
    alsoIn: [tf(S.trafficRequired), tf(S.trafficFirewallOut)],
  }),
  flow('t-internet-mcr', 'training', S.trainingInternet, 'Outbound TCP 443 to MicrosoftContainerRegistry.<region>.', OUT_TCP_443(['MicrosoftContainerRegistry.<region>']), ['microsoft-container-registry'], [...COMPUTE, FW, VM, AKS], {
    alsoIn: [tf(S.trafficRequired), tf(S.trafficFirewallOut)],
    conflict: 'mcr-condition',
  }),
  flow('t-internet-mcr-first-party', 'training', S.trainingInternet, 'The MCR tag depends on AzureFrontDoor.FirstParty.', OUT_TCP_443(['AzureFrontDoor.FirstParty']), ['microsoft-container-registry-front-door'], [...COMPUTE, FW, VM, AKS], {
    alsoIn: [tf(S.trafficRequired), tf(S.trafficFirewallOut)],
    conflict: 'mcr-condition',
  }),
  flow('t-internet-anaconda', 'training', S.trainingInternet, 'Default conda packages.', OUT_TCP_443(['anaconda.com', '*.anaconda.com']), ['python-packages'], [], PACKAGES),
  flow('t-internet-anaconda-org', 'training', S.trainingInternet, 'Conda repository data.', OUT_TCP_443(['*.anaconda.org']), ['python-packages'], [], PACKAGES),
  flow('t-internet-pypi', 'training', S.trainingInternet, 'The default pip index.', OUT_TCP_443(['pypi.org']), ['python-packages'], [], PACKAGES),
  flow('t-internet-pythonhosted', 'training', S.trainingInternet, 'pip downloads when the index is overridden.', OUT_TCP_443(['*.pythonhosted.org']), ['python-packages'], [], PACKAGES),
  flow('t-internet-cran', 'training', S.trainingInternet, 'CRAN packages for R.', OUT_TCP_443(['cloud.r-project.org']), ['r-packages'], [], PACKAGES),
  flow('t-internet-pytorch', 'training', S.trainingInternet, 'PyTorch-based examples (the firewall article writes *pytorch.org).', OUT_TCP_443(['*.pytorch.org']), ['python-packages'], [], {
    ...PACKAGES,
    conflict: 'pytorch-wildcard',
  }),
  flow('t-internet-tensorflow', 'training', S.trainingInternet, 'TensorFlow-based examples.', OUT_TCP_443(['*.tensorflow.org']), ['python-packages'], [], PACKAGES),
  flow('t-internet-vscode-desktop', 'training', S.trainingInternet, 'VS Code desktop download (not needed for VS Code for the Web).', OUT_TCP_443(['code.visualstudio.com']), ['vscode-hosts'], []),
  flow('t-internet-vscode-server', 'training', S.trainingInternet, 'VS Code server bits installed on the compute instance.', OUT_TCP_443(['update.code.visualstudio.com', '*.vo.msecnd.net']), ['vscode-hosts'], [], PACKAGES),
  flow('t-internet-vscode-extensions', 'training', S.trainingInternet, 'VS Code extensions and the remote connection of the Azure ML extension.', OUT_TCP_443(['marketplace.visualstudio.com', 'vscode.blob.core.windows.net', '*.gallerycdn.vsassets.io']), ['vscode-hosts'], []),
  flow('t-internet-websocket-server', 'training', S.trainingInternet, 'The websocket server bits for VS Code on the compute instance.', OUT_TCP_443(['raw.githubusercontent.com/microsoft/vscode-tools-for-ai/master/azureml_remote_websocket_server/*']), ['vscode-hosts'], [], PACKAGES),
  leftOut('t-internet-proxy', 'training', S.trainingInternet, 'Behind a proxy, set HTTP_PROXY and HTTPS_PROXY on the compute instance.', 'Host configuration of the compute instance, not a flow.'),
  leftOut('t-internet-aks-egress', 'training', S.trainingInternet, 'AKS needs the general AKS egress rules and the AKS deployment guidance.', 'Those rules belong to the AKS articles, which are not among the five sources.', {
    alsoIn: [tf(S.trafficRequired), tf(S.trafficFirewallOut)],
  }),
  flow('t-internet-aks-mcr', 'training', S.trainingInternet, 'The AKS VNet needs outbound to mcr.microsoft.com.', OUT_TCP_443(['mcr.microsoft.com']), ['aks-mcr-host'], [AKS], { alsoIn: [tf(S.trafficRequired)] }),

  // ─── Configure inbound and outbound network traffic ───
  prerequisite('f-private-endpoint-workspace', 'traffic', S.trafficIntro, 'The article applies to a workspace configured with a private endpoint.', ['private-endpoint-workspace']),
  leftOut('f-well-known-ports', 'traffic', S.trafficPorts, 'What ports 80, 443, 445 and 8787 carry.', 'A glossary; the requirements that use these ports are facts of their own.'),
  flow('f-inbound-batch', 'traffic', S.trafficRequired, 'Inbound TCP 29876-29877 from BatchNodeManagement, not for no public IP.', ['in', 'tcp', '29876-29877', ['BatchNodeManagement']], ['inbound-batch', 'legacy-inbound-batch'], [PIP, L19], {
    alsoIn: [tu(S.tutorialCompute), lg(S.legacyPorts)],
    conflict: 'public-ip-inbound-batch',
  }),
  flow('f-monitor', 'traffic', S.trafficRequired, 'Outbound TCP 443 to AzureMonitor.', OUT_TCP_443(['AzureMonitor']), ['monitor'], COMPUTE),
  flow('f-storage-smb', 'traffic', S.trafficRequired, 'TCP 445 to Storage.<region> when a firewall sits between the VNet and the storage private endpoint.', ['out', 'tcp', '445', ['Storage.<region>']], ['storage-smb'], [], {
    conflict: 'storage-smb-condition',
  }),
  flow('f-container-registry', 'traffic', S.trafficRequired, 'Outbound TCP 443 to ContainerRegistry.<region> (AzureContainerRegistry in the firewall rules), for custom images.', OUT_TCP_443(['ContainerRegistry.<region>']), ['container-registry'], [], {
    alsoIn: [tf(S.trafficFirewallOut), tf(S.trafficDocker)],
    conflict: 'tag-spelling-container-registry',
  }),
  flow('f-container-registry-condition', 'traffic', S.trafficFirewallOut, 'The workspace registry tag is only needed for custom images.', OUT_TCP_443(['ContainerRegistry.<region>']), ['container-registry'], [], {
    conflict: 'container-registry-condition',
  }),
  flow('f-key-vault', 'traffic', S.trafficRequired, 'Outbound TCP 443 to Keyvault.<region> (AzureKeyVault in the firewall rules) for hbi_workspace workspaces.', OUT_TCP_443(['Keyvault.<region>']), ['key-vault'], [], {
    alsoIn: [tf(S.trafficFirewallOut)],
    conflict: 'tag-spelling-key-vault',
  }),
  flow('f-no-pip-cluster-vnet', 'traffic', S.trafficRequired, 'Clusters without public IP: inbound TCP 29876-29877 from VirtualNetwork to VirtualNetwork.', ['in', 'tcp', '29876-29877', ['VirtualNetwork']], ['inbound-vnet-batch'], [NOPIP, FT]),
  flow('f-no-pip-cluster-load-balancer', 'traffic', S.trafficRequired, 'Clusters without public IP: inbound TCP 44224 from AzureLoadBalancer to VirtualNetwork.', ['in', 'tcp', '44224', ['AzureLoadBalancer']], ['inbound-load-balancer'], [NOPIP, FT]),
  flow('f-udr-batch', 'traffic', S.trafficFirewallIn, 'Route BatchNodeManagement.<region> around the firewall (next hop Internet).', ['in', 'tcp', '29876-29877', ['BatchNodeManagement.<region>']], ['udr-batch-primary'], [UDR], {
    alsoIn: [lg(S.legacyForcedTunnelling), tf(S.trafficDocker)],
  }),
  flow('f-udr-aml-primary', 'traffic', S.trafficFirewallIn, 'Route AzureMachineLearning.<region> around the firewall.', ['in', 'tcp', '44224', ['AzureMachineLearning.<region>']], ['udr-aml-primary'], [UDR], {
    alsoIn: [pl(S.planningInOut)],
  }),
  flow('f-udr-aml-secondary', 'traffic', S.trafficFirewallIn, 'For the Azure ML service, also route the secondary (paired) region.', ['in', 'tcp', '44224', ['AzureMachineLearning.<secondary>']], ['udr-aml-secondary'], [UDR]),
  leftOut('f-udr-batch-secondary', 'traffic', S.trafficFirewallIn, 'Batch management of the paired secondary region.', 'No article asks for it (the secondary region is asked for the Azure Machine Learning service only); earlier catalogue versions invented it and it is removed.'),
  prerequisite('f-udr-next-hop', 'traffic', S.trafficFirewallIn, 'The inbound routes use next hop Internet; service tags can be route prefixes.', ['route-inbound-bypass'], { alsoIn: [lg(S.legacyForcedTunnelling)] }),
  flow('f-firewall-graph', 'traffic', S.trafficFirewallOut, 'Application rule, http and https, to graph.windows.net.', ['out', 'tcp', '80,443', ['graph.windows.net']], ['firewall-graph'], [FW, FT]),
  flow('f-firewall-packages', 'traffic', S.trafficFirewallOut, 'Application rules for the package hosts use http and https.', ['out', 'tcp', '80,443', ['pypi.org']], ['python-packages', 'r-packages', 'vscode-hosts'], []),
  flow('f-firewall-monitoring', 'traffic', S.trafficFirewallOut, 'Application rules, http and https, to the three diagnostics hosts.', ['out', 'tcp', '80,443', ['dc.applicationinsights.azure.com', 'dc.applicationinsights.microsoft.com', 'dc.services.visualstudio.com']], ['firewall-monitoring'], [FW, FT], {
    conflict: 'monitoring-hosts',
  }),
  leftOut('f-kubernetes-arc', 'traffic', S.trafficKubernetes, 'Kubernetes behind a proxy or firewall needs the Azure Arc network requirements.', 'The Azure Arc requirements belong to the Arc article, not among the five sources.'),
  flow('f-kubernetes-logs', 'traffic', S.trafficKubernetes, 'System log upload to Kusto.', OUT_TCP_443(['*.kusto.windows.net', '*.table.core.windows.net', '*.queue.core.windows.net']), ['k8s-logs'], [K8S]),
  flow('f-kubernetes-registry', 'traffic', S.trafficKubernetes, 'Container image pulls.', OUT_TCP_443(['*.azurecr.io']), ['k8s-registry'], [K8S]),
  flow('f-kubernetes-blob', 'traffic', S.trafficKubernetes, 'Scripts, data, models, logs and outputs.', OUT_TCP_443(['*.blob.core.windows.net']), ['k8s-blob'], [K8S]),
  flow('f-kubernetes-api', 'traffic', S.trafficKubernetes, 'The regional service API.', OUT_TCP_443(['*.workspace.<region>.api.azureml.ms', '<region>.experiments.azureml.net', '<region>.api.azureml.ms']), ['k8s-aml-api'], [K8S]),
  flow('f-kubernetes-pypi', 'traffic', S.trafficKubernetes, 'pip packages for training job environments.', OUT_TCP_443(['pypi.org']), ['k8s-pypi'], [K8S]),
  flow('f-kubernetes-ubuntu', 'traffic', S.trafficKubernetes, 'Security patches over HTTP for training.', ['out', 'tcp', '80', ['archive.ubuntu.com', 'security.ubuntu.com', 'ppa.launchpad.net']], ['k8s-ubuntu'], [K8S]),
  leftOut('f-dependencies-api', 'traffic', S.trafficDependencies, "The workspace's outboundNetworkDependenciesEndpoints API lists its hosts and ports.", 'A per-workspace list: read it with tagwall import-dependencies and compare it with tagwall catalog compare.'),
  flow('f-login-host', 'traffic', S.trafficGeneralHosts, 'TCP 80 and 443 to login.microsoftonline.com.', ['out', 'tcp', '80,443', ['login.microsoftonline.com']], ['login-host'], [FW, FT], { alsoIn: [tf(S.trafficDependencies)] }),
  flow('f-management-host', 'traffic', S.trafficGeneralHosts, 'TCP 443 to management.azure.com (portal and Resource Manager).', OUT_TCP_443(['management.azure.com']), ['management-host'], [FW, FT], { alsoIn: [tf(S.trafficDependencies)] }),
  flow('f-studio-host', 'traffic', S.trafficAmlHosts, 'TCP 443 to the studio.', OUT_TCP_443(['ml.azure.com']), ['studio-host'], [FW, FT]),
  flow('f-api-hosts', 'traffic', S.trafficAmlHosts, 'TCP 443 to the service API hosts.', OUT_TCP_443(['*.azureml.ms', '*.azureml.net']), ['aml-api-hosts'], [FW, FT]),
  flow('f-model-management-hosts', 'traffic', S.trafficAmlHosts, 'TCP 443 to model management.', OUT_TCP_443(['*.modelmanagement.azureml.net']), ['model-management-hosts'], [FW, FT]),
  flow('f-notebook-hosts', 'traffic', S.trafficAmlHosts, 'TCP 443 to the integrated notebook hosts.', OUT_TCP_443(['*.notebooks.azure.net', 'graph.microsoft.com', '*.aznbcontent.net']), ['notebook-hosts'], [FW, FT]),
  flow('f-storage-file-host', 'traffic', S.trafficAmlHosts, "TCP 443 and 445 to the default storage account's file endpoint.", ['out', 'tcp', '443,445', ['<storage>.file.core.windows.net']], ['workspace-storage-files'], [...COMPUTE, FW], {
    alsoIn: [tf(S.trafficComputeHosts)],
  }),
  flow('f-storage-dfs-host', 'traffic', S.trafficAmlHosts, "TCP 443 to the default storage account's dfs endpoint.", OUT_TCP_443(['<storage>.dfs.core.windows.net']), ['workspace-storage-dfs'], [FW, FT]),
  flow('f-storage-blob-host', 'traffic', S.trafficAmlHosts, "TCP 443 to the default storage account's blob endpoint.", OUT_TCP_443(['<storage>.blob.core.windows.net']), ['workspace-storage-account'], [...COMPUTE, FW], {
    alsoIn: [tf(S.trafficComputeHosts)],
  }),
  flow('f-key-vault-hosts', 'traffic', S.trafficComputeHosts, 'TCP 443 to key vault hosts, for hbi_workspace workspaces.', OUT_TCP_443(['*.vault.azure.net']), ['key-vault-hosts'], []),
  flow('f-instances-interactive-condition', 'traffic', S.trafficComputeHosts, 'Ports 8787 and 18881 of compute instances are only needed with a workspace private endpoint.', ['out', 'tcp', '8787,18881', ['*.instances.azureml.ms']], ['instances-interactive', 'aml-service-interactive'], [...COMPUTE, FW], {
    conflict: 'aml-ports',
  }),
  flow('f-mcr-hosts', 'traffic', S.trafficDocker, 'TCP 443 to Microsoft Container Registry hosts, with default images and user-managed dependencies.', OUT_TCP_443(['mcr.microsoft.com', '*.data.mcr.microsoft.com']), ['microsoft-container-registry-hosts'], [FW, FT], {
    conflict: 'mcr-condition',
  }),
  flow('f-prebuilt-images', 'traffic', S.trafficDocker, 'TCP 443 to the pre-built image registry.', OUT_TCP_443(['viennaglobal.azurecr.io']), ['prebuilt-images-host'], [FW, FT]),
  leftOut('f-federated-identity', 'traffic', S.trafficDocker, 'With federated identity, follow the AD FS hardening guidance.', 'Identity hardening, not network configuration.'),
  flow('f-monitoring-hosts', 'traffic', S.trafficMonitoring, 'Outbound to the four Application Insights / Azure Monitor hosts.', OUT_TCP_443(['dc.applicationinsights.azure.com', 'dc.applicationinsights.microsoft.com', 'dc.services.visualstudio.com', '*.in.applicationinsights.azure.com']), ['monitoring-hosts'], [FW, FT], {
    conflict: 'monitoring-hosts',
  }),
  flow('f-firewall-incomplete', 'traffic', S.trafficFirewallOut, 'The Azure Firewall outbound list (no Batch, UDP 5831, tundra or Batch hosts).', OUT_TCP_443(['AzureMachineLearning']), ['aml-service'], [FW, FT], {
    conflict: 'firewall-outbound-incomplete',
  }),

  // ─── Secure experiments and inference in virtual network (2019) ───
  prerequisite('l-storage-network-rules', 'legacy2019', S.legacyStorage, 'Storage firewall: selected networks, the compute VNet added, trusted Microsoft services allowed, the development client address added.', ['storage-firewall']),
  prerequisite('l-storage-same-vnet', 'legacy2019', S.legacyStorage, 'Secured storage must be in the VNet of the training or inference clusters.', ['storage-firewall'], {
    alsoIn: [lg(S.legacyCompute), lg(S.legacyAks)],
    conflict: 'storage-same-vnet',
  }),
  prerequisite('l-key-vault-network-rules', 'legacy2019', S.legacyKeyVault, 'Key vault firewall: selected networks, the compute VNet added, trusted services allowed to bypass.', ['key-vault-firewall']),
  leftOut('l-designer-automl', 'legacy2019', 'Secure Azure ML experimentation and inference jobs within an Azure Virtual Network (introduction)', 'The designer and automated ML from the studio were not supported with resources in a VNet (2019).', 'A product limitation of 2019, superseded; it opens or closes no traffic.'),
    prerequisite('l-compute-same-region', 'legacy2019', S.legacyCompute, 'The VNet is in the subscription and region of the workspace.', ['subnet-rules']),
  flow('l-inbound-ssh', 'legacy2019', S.legacyPorts, 'Optional inbound TCP 22 for SSH to node public IPs.', ['in', 'tcp', '22', ['Internet']], ['legacy-inbound-ssh'], []),
  leftOut('l-batch-default-outbound', 'legacy2019', S.legacyPorts, 'The Batch NSG allows outbound on any port to the VNet and to the internet.', 'Defaults of the Batch NSG, which the limited outbound set (legacy-2019) replaces; an allow-any rule is not a requirement.'),
  flow('l-limit-outbound', 'legacy2019', S.legacyLimit, 'Deny internet outbound; allow only Storage.<region>, AzureContainerRegistry.<region> and AzureMachineLearning.', ['out', 'any', 'any', ['Storage.<region>', 'ContainerRegistry.<region>', 'AzureMachineLearning']], ['legacy-storage', 'legacy-container-registry', 'legacy-aml'], [L19]),
  flow('l-forced-tunnelling-storage', 'legacy2019', S.legacyForcedTunnelling, 'An on-premises appliance must not block the account blob, queue and table hosts.', OUT_TCP_443(['*.blob.core.windows.net', '*.queue.core.windows.net', '*.table.core.windows.net']), ['microsoft-storage-hosts'], [...COMPUTE, FW]),
  flow('l-aks-inbound-aml', 'legacy2019', S.legacyAks, 'The AKS VNet NSG allows inbound from AzureMachineLearning.', ['in', 'any', 'any', ['AzureMachineLearning']], ['aks-inbound-aml'], [AKS], { conflict: 'aks-inbound-ports' }),
  prerequisite('l-aks-scoring-inbound', 'legacy2019', S.legacyAks, 'The NSG allows inbound to the scoring endpoint from outside the VNet.', ['aks-addressing']),
  prerequisite('l-aks-addressing', 'legacy2019', S.legacyAks, 'Service range outside every subnet, DNS address inside it, Docker bridge outside both; AKS in the VNet region; default outbound kept.', ['aks-addressing']),
  flow('l-firewall-network-rule', 'legacy2019', S.legacyFirewall, 'One network rule, any protocol and port, to seven Azure ML hosts.', ['out', 'any', 'any', ['*.batchai.core.windows.net', 'ml.azure.com', '*.azureml.ms', '*.experiments.azureml.net', '*.modelmanagement.azureml.net', 'mlworkspace.azure.ai', '*.aether.ms']], ['legacy-firewall-hosts'], [L19]),

  // ─── Tutorial: create a secure workspace ───
  leftOut('u-address-plan', 'tutorial', S.tutorialVnet, 'Example address plan 172.16.0.0/16 with Training, Scoring and AzureBastionSubnet subnets.', 'An example; tagwall takes the subnets as parameters (subnet, privateEndpointSubnet).'),
  prerequisite('u-no-docker-bridge', 'tutorial', S.tutorialVnet, 'Never use 172.17.0.0/16 for the VNet (Docker bridge).', ['subnet-rules']),
  prerequisite('u-storage-blob-file-endpoints', 'tutorial', S.tutorialStorage, 'Storage with public access disabled and private endpoints for blob and file.', ['private-endpoint-storage-blob', 'private-endpoint-storage-file', 'storage-firewall']),
  prerequisite('u-storage-queue-table-endpoints', 'tutorial', S.tutorialStorage, 'Queue and table private endpoints for batch endpoints and ParallelRunStep.', ['private-endpoint-storage-queue', 'private-endpoint-storage-table']),
  prerequisite('u-key-vault-endpoint', 'tutorial', S.tutorialKeyVault, 'Key vault with public access disabled and a vault private endpoint.', ['private-endpoint-key-vault', 'key-vault-firewall']),
  prerequisite('u-registry-endpoint', 'tutorial', S.tutorialRegistry, 'Premium registry with a registry private endpoint and the admin user enabled.', ['private-endpoint-container-registry']),
  prerequisite('u-workspace-endpoint', 'tutorial', S.tutorialWorkspace, 'Workspace private endpoint (amlworkspace) with its two privatelink zones, in the Training subnet.', ['private-endpoint-workspace'], {
    conflict: 'private-endpoint-subnet',
  }),
  prerequisite('u-studio-reader', 'tutorial', S.tutorialStudio, 'The workspace identity gets Reader on the storage private endpoints.', ['storage-firewall']),
  prerequisite('u-monitor-scope', 'tutorial', S.tutorialMonitor, 'Azure Monitor Private Link Scope with an azuremonitor private endpoint, private-only access modes.', ['private-endpoint-monitor']),
  prerequisite('u-vpn-dns', 'tutorial', S.tutorialConnect, 'With VPN or ExpressRoute, plan name resolution between on premises and the VNet.', ['dns-conditional-forwarder']),
  prerequisite('u-image-builds', 'tutorial', S.tutorialImageBuilds, 'With the registry behind the VNet, image builds run on a compute cluster.', ['container-registry-image-builds'], { alsoIn: [pl(S.planningImageBuild)] }),
  leftOut('u-container-instances', 'tutorial', 'Use the workspace', 'With the registry behind the VNet, models cannot be deployed to Azure Container Instances in the VNet.', 'A deployment-target limitation; the tutorial points to managed online endpoints, which use a managed network.'),
    leftOut('u-jump-box', 'tutorial', S.tutorialConnect, 'A jump box reached through Azure Bastion.', 'A way to reach the workspace, not a requirement of it.'),

  // ─── Plan for network isolation ───
  leftOut('p-managed-network', 'planning', S.planningManaged, 'Managed virtual network modes: allow internet outbound, or allow only approved outbound.', 'The service configures a managed network itself; there is no customer NSG, UDR or firewall to generate.', {
    alsoIn: [pl(S.planningOnlineEndpoint), tr('Secure an Azure Machine Learning training environment with virtual networks (introduction)'), tu('Tutorial: How to create a secure workspace with an Azure Virtual Network (introduction)')],
  }),
  prerequisite('p-hub-spoke', 'planning', S.planningVnet, 'All resources in one region; hub VNet with the firewall; spoke with training, scoring and pe subnets.', ['route-default-to-firewall']),
  prerequisite('p-pe-subnet', 'planning', S.planningVnet, "Private endpoints for workspace, storage, key vault and registry in a 'pe' subnet.", ['private-endpoint-workspace'], {
    conflict: 'private-endpoint-subnet',
  }),
  prerequisite('p-no-firewall', 'planning', S.planningNoFirewall, 'Without a firewall, use NSGs and a NAT gateway for internet outbound.', ['outbound-without-default-access']),
  leftOut('p-public-workspace', 'planning', S.planningVnet, 'A public workspace with Entra ID conditional access is possible; a private one is recommended.', 'A recommendation between designs; the private design is what the catalogue models.', {
    alsoIn: [pl(S.planningExfiltration)],
  }),
  flow('p-exfiltration-batch', 'planning', S.planningExfiltration, 'Outbound TCP 443 to BatchNodeManagement (no region).', OUT_TCP_443(['BatchNodeManagement']), ['batch-management'], [EX], {
    alsoIn: [pl(S.planningExfiltrationProtection)],
    conflict: 'batch-tag-scope',
  }),
  flow('p-exfiltration-hosts', 'planning', S.planningExfiltration, 'Outbound TCP 443 to MCR, the studio and AutoML resources.', OUT_TCP_443(['mcr.microsoft.com', '*.data.mcr.microsoft.com', 'ml.azure.com', 'automlresources-prod.azureedge.net']), ['exfiltration-hosts'], [EX], {
    alsoIn: [pl(S.planningExfiltrationProtection)],
  }),
  prerequisite('p-service-endpoint-policy', 'planning', S.planningExfiltration, 'A service endpoint and a service endpoint policy with the Azure ML alias on the training subnet; no Storage rule on the firewall.', ['service-endpoint-policy'], {
    alsoIn: [pl(S.planningExfiltrationProtection)],
  }),
  prerequisite('p-service-endpoints', 'planning', S.planningIaasPaas, 'Storage and key vault can use service endpoints instead of private endpoints.', ['service-endpoints-alternative']),
  prerequisite('p-reach-firewall', 'planning', S.planningInOut, 'In hub-spoke, the spoke compute must reach the hub firewall, which allows the required outbound.', ['route-default-to-firewall']),
  flow('p-public-ip-inbound', 'planning', S.planningInOut, 'Compute with a public IP needs inbound from AzureMachineLearning, allowed by NSG and routed around the firewall.', ['in', 'tcp', '44224', ['AzureMachineLearning.<region>']], ['udr-aml-primary', 'inbound-aml'], [UDR, PIP]),
  prerequisite('p-dns-forwarder', 'planning', S.planningDns, 'An own DNS server needs a conditional forwarder to Azure DNS for the private link zones.', ['dns-conditional-forwarder']),
  flow('p-read-write-outbound', 'planning', S.planningExfiltrationProtection, 'Storage and Front Door (frontdoor.frontend) are read/write outbound, an exfiltration risk.', OUT_TCP_443(['AzureFrontDoor.FrontEnd']), ['front-door'], [...COMPUTE, FW, VM], {
    conflict: 'frontdoor-spelling',
  }),
  prerequisite('p-address-shortage', 'planning', S.planningIpShortage, 'One private address per compute instance, cluster node and private endpoint; isolated VNets if space is short.', ['subnet-rules']),
  leftOut('p-azure-policy', 'planning', 'Network policy enforcement', 'Built-in Azure Policy definitions can enforce isolation settings.', 'Governance, not traffic.'),
  leftOut('p-studio', 'planning', 'Enablement of studio UI with private link enabled workspace', 'The studio needs extra steps in a private-link workspace.', 'Those steps are in the studio article, not among the five sources (the Reader role of the tutorial is carried).'),

  // ─── tagwall's extensions (documented, not article statements) ───
  {
    id: 'x-private-endpoint-https',
    article: 'planning',
    section: S.planningVnet,
    alsoIn: [tu(S.tutorialWorkspace), tr(S.trainingNoPip)],
    statement: 'Compute reaches the private endpoints (workspace, storage, key vault, registry, monitor) on TCP 443.',
    flow: { direction: 'out', protocols: 'tcp', ports: '443', peers: ['private-endpoint subnet'] },
    status: 'extension',
    carriedBy: ['private-endpoints-https'],
    defaultIn: [...COMPUTE, EX],
    reason: 'The articles place the private endpoints in a subnet but name no port; every one of these services is HTTPS, so an NSG between compute and that subnet must allow TCP 443.',
  },
  {
    id: 'x-azure-dns-address',
    article: 'planning',
    section: S.planningDns,
    statement: 'The custom DNS server forwards to Azure DNS at 168.63.129.16 on port 53, and compute queries the custom server.',
    flow: { direction: 'out', protocols: 'tcp,udp', ports: '53', peers: ['168.63.129.16/32', 'DNS server'] },
    status: 'extension',
    carriedBy: ['dns-forwarder', 'dns-custom-server'],
    defaultIn: [],
    reason: "The article says 'Azure DNS'; 168.63.129.16 is its documented virtual address (Azure private endpoint DNS configuration), and DNS uses UDP and TCP 53.",
  },
  {
    id: 'x-storage-dfs-endpoint',
    article: 'traffic',
    section: S.trafficAmlHosts,
    statement: 'A dfs private endpoint for the default storage account, where its Data Lake endpoint is used.',
    status: 'extension',
    carriedBy: ['private-endpoint-storage-dfs'],
    defaultIn: [],
    reason: 'The firewall article lists <storage>.dfs.core.windows.net for the integrated notebooks; with public access to the storage disabled (tutorial) that endpoint is only reachable through its own private endpoint.',
  },
];
