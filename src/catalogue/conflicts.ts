/**
 * Where the source articles disagree, kept rather than hidden: both readings with their sources, the reading
 * the catalogue uses, and why. `tagwall catalog conflicts` prints this list and docs/catalogue.md carries it.
 */
import type { SourceRef } from './entries.js';

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
      { says: 'TCP, port 443', sources: [{ article: 'planning', section: 'Recommended architecture with data exfiltration prevention' }] },
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
      'TCP 443 and UDP 5831 always; TCP 8787 and 18881 only with the privateEndpoint option; the firewall-outbound scenario follows its own article (TCP 443, 8787, 18881).',
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
