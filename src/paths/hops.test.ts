/**
 * The hops one by one on a small topology of our own (every device rendered by tagwall from a requirements file):
 * the NIC NSG before the subnet NSG outbound, east-west delivery into the receiving subnet, NIC and host, a route
 * with next hop None, a PAN-OS firewall as the next hop, and a routing loop.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRequirements } from '../catalogue/requirements-file.js';
import { askPath } from './query.js';
import { loadTopology } from './load.js';
import { render, routeTable, snapshot } from './reference.test-support.js';
import { loadTopologyFile } from './topology.js';

const requirements = (yaml: string) => parseRequirements(`requirements:\n${yaml}`, 'requirements.yaml');

/** client (10.0.1.4) and server (10.0.2.4) in one VNet; an NVA (PAN-OS) at 10.0.3.4 for 0.0.0.0/0. */
function build(nvaRoutesBack = false): string {
  const dir = mkdtempSync(join(tmpdir(), 'tagwall-hops-'));
  const outbound = requirements(`  - {id: web, direction: out, protocol: tcp, ports: 443, source: 10.0.1.0/24, destination: [10.0.2.0/24, 198.51.100.0/24, 10.9.0.0/16]}\n  - {id: ssh, direction: out, protocol: tcp, ports: 22, source: 10.0.1.0/24, destination: 10.0.2.0/24}\n`);
  const nicOnly443 = requirements(`  - {id: web, direction: out, protocol: tcp, ports: 443, source: 10.0.1.0/24, destination: [10.0.2.0/24, 198.51.100.0/24, 10.9.0.0/16]}\n`);
  const serverIn = requirements(`  - {id: web-in, direction: in, protocol: tcp, ports: 443, source: 10.0.1.0/24, destination: 10.0.2.0/24}\n`);
  const nvaAllows = requirements(`  - {id: web-out, direction: out, protocol: tcp, ports: 443, source: 10.0.1.0/24, destination: 198.51.100.0/24}\n`);
  writeFileSync(join(dir, 'nic-client.json'), render('nsg', nicOnly443, {}, 'arm'));
  writeFileSync(join(dir, 'subnet-a.json'), render('nsg', outbound, {}, 'arm'));
  writeFileSync(join(dir, 'subnet-b.json'), render('nsg', serverIn, {}, 'arm'));
  writeFileSync(join(dir, 'server.nft'), render('nftables', serverIn, { chainHook: 'input' }));
  writeFileSync(join(dir, 'nva.xml'), render('panos', nvaAllows, {}, 'xml'));
  writeFileSync(join(dir, 'routes-a.json'), routeTable(undefined, [
    { name: 'blackhole', prefix: '10.9.0.0/16', hop: 'None' },
    { name: 'default-to-nva', prefix: '0.0.0.0/0', hop: 'VirtualAppliance', ip: '10.0.3.4' },
  ]));
  writeFileSync(join(dir, 'routes-nva.json'), routeTable(undefined, nvaRoutesBack ? [{ name: 'loop', prefix: '0.0.0.0/0', hop: 'VirtualAppliance', ip: '10.0.3.4' }] : [{ name: 'out', prefix: '0.0.0.0/0', hop: 'Internet' }]));
  writeFileSync(join(dir, 'topology.yaml'), `virtualNetworks:
  vnet:
    addressSpace: 10.0.0.0/16
    subnets:
      a: { prefix: 10.0.1.0/24, nsg: subnet-a.json, routeTable: routes-a.json }
      b: { prefix: 10.0.2.0/24, nsg: subnet-b.json }
      nva-subnet: { prefix: 10.0.3.0/24, routeTable: routes-nva.json }
workloads:
  client: { subnet: a, address: 10.0.1.4, nsg: nic-client.json }
  server: { subnet: b, address: 10.0.2.4, host: nftables:server.nft }
firewalls:
  nva: { config: panos:nva.xml, privateIp: 10.0.3.4, subnet: nva-subnet }
`);
  return join(dir, 'topology.yaml');
}

describe('hops', () => {
  const loaded = loadTopology(loadTopologyFile(build()), snapshot);

  it('east-west: through the sender NSGs, the VNet route, then the receiving subnet NSG and host rules', () => {
    const { result } = askPath(loaded, 'client', 'server', { ports: '443' });
    expect(result.drops).toEqual([]);
    const [delivery] = result.deliveries;
    expect(delivery!.to).toBe('workload server');
    expect(delivery!.trail!.map((step) => `${step.hop}: ${step.packet.direction} ${step.action}`)).toEqual([
      "NSG of workload client's NIC: out allow",
      'NSG of subnet a: out allow',
      'routes of subnet a: out forward',
      'NSG of subnet b: in allow',
      'host rules of workload server: in allow',
    ]);
  });

  it('outbound, the NIC NSG judges first: SSH that the subnet would allow dies at the NIC', () => {
    const { result } = askPath(loaded, 'client', 'server', { ports: '22' });
    expect(result.drops.map((drop) => drop.hop)).toEqual(["NSG of workload client's NIC"]);
  });

  it('the receiving side drops what its own NSG does not take', () => {
    const { result } = askPath(loaded, 'client', '10.0.2.0/24', { ports: '22' });
    expect(result.delivered.isEmpty()).toBe(true);
  });

  it('a route with next hop None drops, and names the route', () => {
    const { result } = askPath(loaded, 'client', '10.9.0.5', { ports: '443' });
    expect(result.drops.map((drop) => [drop.hop, drop.rule])).toEqual([['routes of subnet a', "route 'blackhole' (10.9.0.0/16) -> None"]]);
  });

  it('a PAN-OS next hop filters with its own rules (zones trust -> untrust), then its subnet routes to the Internet', () => {
    const { result } = askPath(loaded, 'client', '198.51.100.7', { ports: '443' });
    expect(result.deliveries.map((delivery) => delivery.to)).toEqual(['Internet']);
    expect(result.deliveries[0]!.trail!.find((step) => step.kind === 'firewall')).toMatchObject({ hop: 'firewall nva', action: 'allow', device: 'panos:nva.xml' });
    const denied = askPath(loaded, 'client', '203.0.113.9', { ports: '443' }).result;
    expect(denied.drops.map((drop) => drop.hop)).toContain("NSG of workload client's NIC");
  });

  it('a route back to the same firewall is a loop, dropped with that reason', () => {
    const looping = loadTopology(loadTopologyFile(build(true)), snapshot);
    const { result } = askPath(looping, 'client', '198.51.100.7', { ports: '443' });
    expect(result.drops.map((drop) => drop.rule)).toEqual(['routing loop']);
  });
});
