/**
 * The catalogue's designs as topologies (issue 23): every device rendered by tagwall's own translators from a
 * catalogue scenario, written to a folder with the topology file that places them. Tests, the bench and the docs
 * build them the same way; the variants break one thing each.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandedResolver } from '../analysis/resolve.js';
import { loadScenario } from '../catalogue/index.js';
import type { RequirementSet } from '../model/requirement.js';
import { defaultSnapshot } from '../servicetags/snapshot.js';
import { findTarget } from '../targets/registry.js';
import type { TargetOptionValues } from '../targets/target.js';

export const snapshot = defaultSnapshot('Public');
const resolver = expandedResolver(snapshot);

export const SPOKE = '10.0.0.0/16';
export const COMPUTE_SUBNET = '10.0.1.0/24';
export const COMPUTE_ADDRESS = '10.0.1.4';
export const PE_SUBNET = '10.0.2.0/27';
export const HUB = '10.1.0.0/16';
export const FIREWALL_SUBNET = '10.1.0.0/26';
export const FIREWALL_IP = '10.1.0.4';

/** The one artifact of a translation in `format` (the ARM JSON of an Azure target, the nft file). */
export function render(target: string, requirements: RequirementSet, options: TargetOptionValues = {}, format?: string): string {
  const translation = findTarget(target).translate(requirements, { snapshot, resolver, options });
  const artifact = format ? translation.artifacts.find((candidate) => candidate.format === format) : translation.artifacts[0];
  if (!artifact) throw new Error(`${target} rendered no ${format ?? ''} artifact`);
  return artifact.content;
}

/** A route table: the UDR target's routes (if any) plus `extra` routes, as one ARM route table resource. */
export function routeTable(requirements: RequirementSet | undefined, extra: ReadonlyArray<{ name: string; prefix: string; hop: string; ip?: string }>): string {
  const routes: unknown[] = [];
  if (requirements) {
    const template = JSON.parse(render('udr', requirements)) as { resources: Array<{ properties: { routes: unknown[] } }> };
    routes.push(...template.resources[0]!.properties.routes);
  }
  for (const route of extra) {
    routes.push({ name: route.name, properties: { addressPrefix: route.prefix, nextHopType: route.hop, ...(route.ip ? { nextHopIpAddress: route.ip } : {}) } });
  }
  return JSON.stringify({ type: 'Microsoft.Network/routeTables', name: 'compute-routes', properties: { routes } }, null, 2);
}

export interface Reference {
  readonly dir: string;
  readonly topology: string;
  readonly requirements: RequirementSet;
}

/** Where references are written: a fresh temporary folder, or `TAGWALL_PATHS_DIR/<name>` to regenerate fixtures/paths. */
function folder(name: string): string {
  const base = process.env['TAGWALL_PATHS_DIR'];
  const dir = base ? join(base, name) : mkdtempSync(join(tmpdir(), 'tagwall-paths-'));
  mkdirSync(dir, { recursive: true });
  return dir;
}

function write(dir: string, files: Readonly<Record<string, string>>): void {
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
}

const HUB_AND_SPOKE = (computeNsg: string, publicIp: boolean, host: string | undefined): string => `name: hub and spoke
virtualNetworks:
  spoke:
    addressSpace: [${SPOKE}]
    subnets:
      compute-subnet: { prefix: ${COMPUTE_SUBNET}, nsg: ${computeNsg}, routeTable: compute-routes.json }
      pe: { prefix: ${PE_SUBNET} }
  hub:
    addressSpace: [${HUB}]
    subnets:
      AzureFirewallSubnet: { prefix: ${FIREWALL_SUBNET} }
peerings:
  - [spoke, hub]
workloads:
  compute:
    subnet: compute-subnet
    address: ${COMPUTE_ADDRESS}
    publicIp: ${publicIp}
${host ? `    host: ${host}\n` : ''}firewalls:
  hub:
    config: azure-firewall:firewall-policy.json
    privateIp: ${FIREWALL_IP}
    subnet: AzureFirewallSubnet
`;

export type ComputePublicIpVariant = 'reference' | 'missing-batch-route';

/**
 * compute-public-ip behind a hub firewall: the compute subnet sends 0.0.0.0/0 to the firewall and, as the
 * articles require, routes BatchNodeManagement and AzureMachineLearning straight to the Internet (the UDR target's
 * routes), so the answers to the inbound management flows leave the way their requests came. The NSG is rendered
 * with forcedTunnelling (the firewall judges host names); the host guards its inbound side (nftables, input hook).
 */
export function computePublicIp(variant: ComputePublicIpVariant = 'reference'): Reference {
  const requirements = loadScenario('compute-public-ip', { region: 'westus', subnet: COMPUTE_SUBNET, privateEndpointSubnet: PE_SUBNET });
  const dir = folder(variant === 'reference' ? 'compute-public-ip' : variant);
  const inboundRoutes = variant === 'missing-batch-route' ? { ...requirements, requirements: requirements.requirements.filter((requirement) => requirement.id !== 'inbound-batch') } : requirements;
  write(dir, {
    'compute-nsg.json': render('nsg', requirements, { forcedTunnelling: true }, 'arm'),
    'compute-routes.json': routeTable(inboundRoutes, [{ name: 'default-to-hub', prefix: '0.0.0.0/0', hop: 'VirtualAppliance', ip: FIREWALL_IP }]),
    'firewall-policy.json': render('azure-firewall', requirements, { vnet: SPOKE }, 'arm'),
    'compute.nft': render('nftables', requirements, { chainHook: 'input' }),
    'topology.yaml': HUB_AND_SPOKE('compute-nsg.json', true, 'nftables:compute.nft'),
  });
  return { dir, topology: join(dir, 'topology.yaml'), requirements };
}

export type ForcedTunnellingVariant = 'reference' | 'nsg-blocks-firewall';

/**
 * forced-tunnelling: compute without public IP, 0.0.0.0/0 to the hub firewall, whose DNS proxy is the VNet's DNS
 * server (the firewall article: network rules with host names need it). The broken variant's NSG is rendered
 * without the DNS server, so its final deny blocks the flows to the firewall's own address.
 */
export function forcedTunnelling(variant: ForcedTunnellingVariant = 'reference'): Reference {
  const params = { region: 'westus', subnet: COMPUTE_SUBNET, privateEndpointSubnet: PE_SUBNET, firewallAddress: FIREWALL_IP };
  const requirements = loadScenario('forced-tunnelling', { ...params, dnsServer: FIREWALL_IP });
  const nsgRequirements = variant === 'nsg-blocks-firewall' ? loadScenario('forced-tunnelling', params) : requirements;
  const dir = folder(variant === 'reference' ? 'forced-tunnelling' : variant);
  write(dir, {
    'compute-nsg.json': render('nsg', nsgRequirements, { forcedTunnelling: true }, 'arm'),
    'compute-routes.json': routeTable(undefined, [{ name: 'default-to-hub', prefix: '0.0.0.0/0', hop: 'VirtualAppliance', ip: FIREWALL_IP }]),
    'firewall-policy.json': render('azure-firewall', requirements, { vnet: SPOKE }, 'arm'),
    'topology.yaml': HUB_AND_SPOKE('compute-nsg.json', false, undefined),
  });
  return { dir, topology: join(dir, 'topology.yaml'), requirements };
}

export type InboundUdrVariant = 'reference' | 'secondary-through-firewall';

/**
 * inbound-udr: the management flows of the workspace region and of its paired secondary region, each routed to
 * the Internet by its own routes. The broken variant's table lacks the secondary region's routes, so 0.0.0.0/0
 * sends those answers through the firewall.
 */
export function inboundUdr(variant: InboundUdrVariant = 'reference'): Reference {
  const requirements = loadScenario('inbound-udr', { region: 'westus', subnet: COMPUTE_SUBNET });
  const routed = variant === 'secondary-through-firewall' ? { ...requirements, requirements: requirements.requirements.filter((requirement) => requirement.id !== 'udr-aml-secondary') } : requirements;
  const dir = folder(variant === 'reference' ? 'inbound-udr' : variant);
  write(dir, {
    'compute-nsg.json': render('nsg', requirements, {}, 'arm'),
    'compute-routes.json': routeTable(routed, [{ name: 'default-to-hub', prefix: '0.0.0.0/0', hop: 'VirtualAppliance', ip: FIREWALL_IP }]),
    'firewall-policy.json': render('azure-firewall', loadScenario('firewall-outbound', { region: 'westus', subnet: COMPUTE_SUBNET }), { vnet: SPOKE }, 'arm'),
    'topology.yaml': HUB_AND_SPOKE('compute-nsg.json', true, undefined),
  });
  return { dir, topology: join(dir, 'topology.yaml'), requirements };
}

/** compute-no-public-ip in the AML managed network: the managed network's outbound rules are the only device. */
export function managedNetwork(): Reference {
  const requirements = loadScenario('compute-no-public-ip', { region: 'westus' });
  const dir = folder('managed-network');
  write(dir, {
    'managed-network.json': render('aml-managed-network', requirements, { fqdnRules: 'widen' }, 'arm'),
    'topology.yaml': `name: managed network
workloads:
  compute:
    address: 10.0.0.4
    managedNetwork: managed-network.json
`,
  });
  return { dir, topology: join(dir, 'topology.yaml'), requirements };
}
