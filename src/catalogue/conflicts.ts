/**
 * Where the source articles disagree, kept rather than hidden: both readings with their sources, the reading
 * the catalogue uses, and why. `tagwall catalog conflicts` prints this list and docs/catalogue.md carries it.
 */
import { SECTION as S, type SourceRef } from './entries.js';

export interface ConflictReading {
  readonly says: string;
  readonly sources: readonly SourceRef[];
}

export interface Conflict {
  readonly id: string;
  readonly subject: string;
  readonly readings: readonly ConflictReading[];
  readonly choice: string;
  readonly reason: string;
}

export const CONFLICTS: readonly Conflict[] = [
  {
    id: 'batch-protocol',
    subject: 'Protocol of outbound 443 to BatchNodeManagement.<region> and the *.batch.azure.com hosts',
    readings: [
      { says: 'ANY protocol, port 443', sources: [{ article: 'training', section: 'Compute instance/cluster or serverless compute with no public IP' }] },
      {
        says: 'TCP, port 443',
        sources: [
          { article: 'planning', section: 'Recommended architecture with data exfiltration prevention' },
          { article: 'training', section: 'Compute instance/cluster or serverless compute with no public IP (general-availability note)' },
        ],
      },
    ],
    choice: 'TCP 443',
    reason:
      'The Batch node agent speaks HTTPS, which is TCP; no article names a UDP use of port 443, and ANY would also open UDP 443 (QUIC) and every other protocol. TCP is the narrower reading that all articles allow.',
  },
  {
    id: 'aml-ports',
    subject: 'Outbound ports to the AzureMachineLearning tag',
    readings: [
      { says: 'TCP 443, 8787, 18881 and UDP 5831', sources: [{ article: 'training', section: 'Compute instance/cluster or serverless compute with no public IP' }] },
      { says: 'TCP 443, 18881 and UDP 5831', sources: [{ article: 'training', section: 'Required public internet access to train models' }] },
      { says: 'TCP 443, 8787, 18881 (no UDP)', sources: [{ article: 'traffic', section: 'Required public internet access' }, { article: 'traffic', section: 'Azure Firewall: Outbound configuration' }] },
      { says: 'UDP 5831 only', sources: [{ article: 'planning', section: 'Recommended architecture with data exfiltration prevention' }] },
    ],
    choice:
      'TCP 443 and UDP 5831 always; TCP 8787 and 18881 with the privateEndpoint option, which is on by default (the private endpoint is mandatory without public IP, and the firewall article applies to private-endpoint workspaces); the firewall scenarios use the firewall article\'s network rule (TCP 443, 8787, 18881) and forced-tunnelling adds UDP 5831.',
    reason:
      '443 is the service API and 5831 the compute-instance management channel that the no-public-IP section makes mandatory; 8787 (RStudio) and 18881 (notebook language service) serve interactive sessions reached through the workspace private endpoint, so they are opened only when that applies.',
  },
  {
    id: 'no-public-ip-inbound',
    subject: 'Inbound rules for compute without public IP',
    readings: [
      { says: 'No inbound from BatchNodeManagement or AzureMachineLearning is needed', sources: [{ article: 'traffic', section: 'Required public internet access' }] },
      {
        says: 'Clusters need inbound TCP 29876-29877 from VirtualNetwork and 44224 from AzureLoadBalancer',
        sources: [{ article: 'traffic', section: 'Required public internet access' }],
      },
    ],
    choice: 'Inbound from VirtualNetwork (29876-29877) and AzureLoadBalancer (44224) to the virtual network; nothing from the public tags.',
    reason:
      'Both statements hold together: the public-tag inbound is dropped for no public IP, and the cluster still needs node-to-node and load-balancer traffic inside the VNet. The protocol (TCP) is the one the tutorial gives for the same ports.',
  },
  {
    id: 'tag-spelling-key-vault',
    subject: 'Key vault tag spelled Keyvault.<region>',
    readings: [
      { says: 'Keyvault.region', sources: [{ article: 'traffic', section: 'Required public internet access' }] },
      { says: 'AzureKeyVault.region', sources: [{ article: 'traffic', section: 'Azure Firewall: Outbound configuration' }] },
    ],
    choice: 'AzureKeyVault.<Region>',
    reason: 'Keyvault.* is not a tag in any published service-tag file; AzureKeyVault.* is. The catalogue resolves the documented spelling and records the mapping.',
  },
  {
    id: 'tag-spelling-container-registry',
    subject: 'Container registry tag spelled ContainerRegistry.<region>',
    readings: [
      { says: 'ContainerRegistry.region', sources: [{ article: 'traffic', section: 'Required public internet access' }] },
      { says: 'AzureContainerRegistry.region', sources: [{ article: 'traffic', section: 'Azure Firewall: Outbound configuration' }, { article: 'legacy2019', section: 'Limit outbound connectivity from the virtual network' }] },
    ],
    choice: 'AzureContainerRegistry.<Region>',
    reason: 'ContainerRegistry.* is not a published tag name; AzureContainerRegistry.* is.',
  },
  {
    id: 'frontdoor-spelling',
    subject: 'Front Door tag spelled AzureFrontDoor.FrontEnd',
    readings: [
      { says: 'AzureFrontDoor.FrontEnd', sources: [{ article: 'training', section: 'Required public internet access to train models' }, { article: 'traffic', section: 'Required public internet access' }] },
      { says: 'frontdoor.frontend', sources: [{ article: 'planning', section: 'Data exfiltration protection' }] },
    ],
    choice: 'AzureFrontDoor.Frontend (the published spelling); not in China',
    reason: 'Tag names are matched case-insensitively and resolved to the spelling of the published file. Both articles say China does not need it, so China scenarios omit it even though the China file has the tag.',
  },
  {
    id: 'pytorch-wildcard',
    subject: 'PyTorch host written *pytorch.org',
    readings: [
      { says: '*pytorch.org', sources: [{ article: 'traffic', section: 'Python hosts / R hosts / Visual Studio Code hosts' }] },
      { says: '*.pytorch.org', sources: [{ article: 'training', section: 'Required public internet access to train models' }] },
    ],
    choice: '*.pytorch.org',
    reason: 'A wildcard must cover whole labels (Azure Firewall matches *.x.com below x.com); *pytorch.org would also mean e.g. notpytorch.org, which no article intends.',
  },
  {
    id: 'mcr-condition',
    subject: 'Whether MicrosoftContainerRegistry.<region> is always required',
    readings: [
      {
        says: 'Required: listed in the required outbound tables without a condition (with its dependency on AzureFrontDoor.FirstParty)',
        sources: [{ article: 'training', section: S.trainingInternet }, { article: 'traffic', section: S.trafficRequired }],
      },
      {
        says: 'Only needed with the default Microsoft images and user-managed dependencies',
        sources: [{ article: 'traffic', section: S.trafficFirewallOut }, { article: 'traffic', section: S.trafficDocker }],
      },
    ],
    choice: 'On by default (option microsoftContainerRegistry, older name userManagedDependencies); set it false to leave it out.',
    reason:
      'Two articles list it as required, and the AKS router setup and the data-exfiltration set (mcr.microsoft.com) need it too; a deployment without it fails to pull Microsoft images, while the option still lets a user who builds every image in their own registry drop it.',
  },
  {
    id: 'container-registry-condition',
    subject: 'Whether the container registry tag is always required',
    readings: [
      { says: 'ContainerRegistry.region is listed in the required table ("docker images provided by Microsoft")', sources: [{ article: 'traffic', section: S.trafficRequired }] },
      { says: 'AzureContainerRegistry.region is only needed for custom Docker images, small changes to Microsoft base images included', sources: [{ article: 'traffic', section: S.trafficFirewallOut }, { article: 'traffic', section: S.trafficDocker }] },
    ],
    choice: 'Option customImages (off by default).',
    reason:
      "The required table's purpose text is copied from the Microsoft Container Registry row; the firewall tips say precisely when the workspace registry is used. The tutorial reaches its registry through a private endpoint (private-endpoints-https), which needs no tag.",
  },
  {
    id: 'instances-domain',
    subject: 'Compute instance host domain: *.instances.azureml.net or *.instances.azureml.ms',
    readings: [
      { says: '*.instances.azureml.ms on TCP 443, 8787, 18881', sources: [{ article: 'training', section: S.trainingNoPip }, { article: 'traffic', section: S.trafficComputeHosts }] },
      { says: 'both *.instances.azureml.net and *.instances.azureml.ms (websockets for Jupyter)', sources: [{ article: 'training', section: S.trainingPrerequisites }, { article: 'traffic', section: S.trafficComputeHosts }] },
    ],
    choice: 'Both: *.instances.azureml.ms on 443 (8787 and 18881 with the private endpoint) and *.instances.azureml.net on 443.',
    reason: 'The no-public-IP tables give only .ms, but the prerequisites and the compute host table still list .net for websockets; leaving it out would break Jupyter where it is still in use, and 443 to it is all any article asks.',
  },
  {
    id: 'monitoring-hosts',
    subject: 'Monitoring and diagnostics host list',
    readings: [
      { says: 'dc.applicationinsights.azure.com, dc.applicationinsights.microsoft.com, dc.services.visualstudio.com (application rules, http and https)', sources: [{ article: 'traffic', section: S.trafficFirewallOut }] },
      { says: 'the same three plus *.in.applicationinsights.azure.com (no ports given)', sources: [{ article: 'traffic', section: S.trafficMonitoring }] },
    ],
    choice: 'The firewall scenarios carry both: the three application-rule hosts on 80 and 443 and the four monitoring hosts on 443; elsewhere the four hosts with option monitoring.',
    reason: 'The regional ingestion endpoints (*.in.applicationinsights.azure.com) are where current Application Insights SDKs send data; the application-rule list predates them. HTTPS is the only port the monitoring section implies.',
  },
  {
    id: 'public-ip-inbound-batch',
    subject: 'Inbound for compute with a public IP: is BatchNodeManagement 29876-29877 needed?',
    readings: [
      { says: 'Only TCP 44224 from AzureMachineLearning', sources: [{ article: 'training', section: S.trainingPip }] },
      { says: 'TCP 29876-29877 from BatchNodeManagement and TCP 44224 from AzureMachineLearning', sources: [{ article: 'traffic', section: S.trafficRequired }, { article: 'tutorial', section: S.tutorialCompute }] },
    ],
    choice: 'Both inbound rules for compute-public-ip; only 44224 from AzureMachineLearning for serverless with publicIp=true.',
    reason: 'The NSG the service creates for compute instances and clusters carries both rules (tutorial), so a subnet NSG must not block either; the training article mentions only 44224, and it is the only source that covers serverless compute.',
  },
  {
    id: 'ssh-protocol',
    subject: 'Protocol of inbound SSH from AzureMachineLearning to an attached VM or HDInsight cluster',
    readings: [
      { says: 'Protocol Any, destination port 22', sources: [{ article: 'training', section: S.trainingVm }, { article: 'legacy2019', section: S.legacyVm }] },
      { says: 'SSH (a TCP service) on port 22', sources: [{ article: 'training', section: S.trainingVm }] },
    ],
    choice: 'TCP 22',
    reason: 'SSH runs over TCP only; Any would also open UDP 22 from a Microsoft-wide tag, which the purpose (reaching the SSH port) does not need.',
  },
  {
    id: 'aks-inbound-ports',
    subject: 'Ports of the inbound rule from AzureMachineLearning to an AKS cluster',
    readings: [
      { says: 'An inbound rule with AzureMachineLearning as the source, no port named', sources: [{ article: 'legacy2019', section: S.legacyAks }] },
      { says: 'The general AKS inbound and outbound requirements of the AKS egress article', sources: [{ article: 'training', section: S.trainingInternet }, { article: 'traffic', section: S.trafficRequired }] },
    ],
    choice: 'Any protocol and port from AzureMachineLearning, as the 2019 article shows it; the AKS egress rules are left to that article.',
    reason: 'No article names the ports, so narrowing them would be invented; the rule is limited to the AzureMachineLearning tag and the AKS subnet.',
  },
  {
    id: 'storage-smb-condition',
    subject: 'When SMB (TCP 445) to the workspace storage is needed',
    readings: [
      { says: 'Port 445 must be open between compute and the default storage account during training', sources: [{ article: 'training', section: S.trainingLimitations }] },
      { says: '445 to Storage.region only with a firewall between the VNet and the storage private endpoint', sources: [{ article: 'traffic', section: S.trafficRequired }] },
      { says: '<storage>.file.core.windows.net on 443 and 445', sources: [{ article: 'traffic', section: S.trafficComputeHosts }, { article: 'traffic', section: S.trafficAmlHosts }] },
    ],
    choice:
      'TCP 445 to the private-endpoint subnet by default (private-endpoints-smb), 443 and 445 to <storage>.file.core.windows.net when storageAccount is given, and 445 to Storage.<region> only with firewallToStoragePrivateEndpoint.',
    reason: 'The training article makes 445 mandatory; with the storage behind a private endpoint (the secure default) it goes to the private-endpoint subnet, which a generated NSG can name exactly instead of opening a regional tag.',
  },
  {
    id: 'firewall-outbound-incomplete',
    subject: "The firewall article's outbound list versus compute without a public IP",
    readings: [
      { says: 'Network rules: AzureActiveDirectory, AzureMachineLearning TCP 443/8787/18881, AzureResourceManager, Storage, Front Door, registries, key vault; application rules on host names', sources: [{ article: 'traffic', section: S.trafficFirewallOut }] },
      {
        says: 'Compute without public IP also needs BatchNodeManagement.<region> 443, AzureMachineLearning UDP 5831, <region>.tundra.azureml.ms UDP 5831 and the Batch and storage host names',
        sources: [{ article: 'training', section: S.trainingNoPip }],
      },
    ],
    choice: 'firewall-outbound stays the firewall article\'s list; forced-tunnelling is the merged set a hub firewall needs for compute without public IP.',
    reason: 'Keeping the article\'s list intact lets users compare with it; a hub firewall configured from it alone would break compute without public IP, so the design scenario carries the union.',
  },
  {
    id: 'private-endpoint-subnet',
    subject: 'Which subnet holds the private endpoints',
    readings: [
      { says: 'The Training subnet (172.16.0.0/24), the same as the compute', sources: [{ article: 'tutorial', section: S.tutorialStorage }, { article: 'tutorial', section: S.tutorialWorkspace }] },
      { says: "A separate 'pe' subnet in the spoke VNet", sources: [{ article: 'planning', section: S.planningVnet }] },
    ],
    choice: 'The privateEndpointSubnet parameter (default: the VirtualNetwork tag); give the compute subnet itself for the tutorial layout.',
    reason: 'Both layouts work; the flows are the same, only their far side differs, and the parameter lets a generated NSG allow exactly the subnet that holds the endpoints.',
  },
  {
    id: 'storage-same-vnet',
    subject: 'Whether the workspace storage must be in the compute VNet',
    readings: [
      { says: 'Secured storage accounts must be in the same virtual network as the compute cluster', sources: [{ article: 'legacy2019', section: S.legacyCompute }, { article: 'training', section: S.trainingDatabricks }] },
      { says: 'Storage can be reached from another VNet through a private endpoint or VNet peering', sources: [{ article: 'training', section: S.trainingOtherVnet }, { article: 'planning', section: S.planningVnet }] },
    ],
    choice: 'Private endpoints in a subnet of the compute VNet or a peered one (prerequisite private-endpoint-*); the same-VNet rule is kept for Databricks only.',
    reason: 'The current articles describe private endpoints and peering; the 2019 rule predates private endpoints, and the training article keeps it only for Azure Databricks.',
  },
  {
    id: 'batch-tag-scope',
    subject: 'BatchNodeManagement with or without a region',
    readings: [
      { says: 'BatchNodeManagement (global)', sources: [{ article: 'planning', section: 'Recommended architecture with data exfiltration prevention' }] },
      { says: 'BatchNodeManagement.<region>', sources: [{ article: 'training', section: 'Compute instance/cluster or serverless compute with no public IP' }] },
    ],
    choice: 'BatchNodeManagement.<region> for outbound; the global tag for inbound where the articles use it',
    reason: 'The workspace region is the only region whose Batch endpoints the compute talks to; the regional tag is a subset of the global one, so it is the narrower reading that still works.',
  },
];
