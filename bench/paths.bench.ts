/**
 * `tagwall path --scenario` on a chain of hops (issue 23): the compute's host rules, NIC NSG and subnet NSG, then
 * 0.0.0.0/0 through 1, 2 or 3 firewalls in a row (each in its own subnet, each config its own file so each is
 * parsed), then the Internet: 6, 8 and 10 hops. The scenario is the catalogue's largest by requirements
 * (forced-tunnelling). Each run is cold: the topology and every device are read and parsed again.
 * Goals: the 10-hop answer under a second, and the cost growing linearly (10 hops over 6 at most 10/6 × 1.5).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario, scenarioIds, type ScenarioId } from '../src/catalogue/index.js';
import { checkPaths } from '../src/paths/check.js';
import { loadTopology } from '../src/paths/load.js';
import { render, routeTable, snapshot } from '../src/paths/reference.test-support.js';
import { loadTopologyFile } from '../src/paths/topology.js';
import { measure, printTimings, type Goal } from './harness.js';

function largestScenario(): ScenarioId {
  const sized = scenarioIds().flatMap((id) => {
    try {
      return [{ id, count: loadScenario(id, { region: 'westus', subnet: '10.0.1.0/24' }).requirements.length }];
    } catch {
      return [];
    }
  });
  sized.sort((a, b) => b.count - a.count);
  return sized[0]!.id;
}

/** A chain with `firewalls` firewalls; returns the topology file. */
function chain(dir: string, scenario: ScenarioId, firewalls: number): string {
  const requirements = loadScenario(scenario, { region: 'westus', subnet: '10.0.1.0/24', privateEndpointSubnet: '10.0.2.0/27' });
  const ip = (index: number): string => `10.${index + 1}.0.4`;
  writeFileSync(join(dir, 'nsg.json'), render('nsg', requirements, { forcedTunnelling: true }, 'arm'));
  writeFileSync(join(dir, 'host.nft'), render('nftables', requirements, { chainHook: 'input' }));
  writeFileSync(join(dir, 'routes-0.json'), routeTable(undefined, [{ name: 'to-fw', prefix: '0.0.0.0/0', hop: 'VirtualAppliance', ip: ip(0) }]));
  const policy = render('azure-firewall', requirements, { vnet: '10.0.0.0/16' }, 'arm');
  const vnets = ['  spoke:\n    addressSpace: [10.0.0.0/16]\n    subnets:\n      compute-subnet: { prefix: 10.0.1.0/24, nsg: nsg.json, routeTable: routes-0.json }'];
  const firewallEntries: string[] = [];
  for (let index = 0; index < firewalls; index++) {
    writeFileSync(join(dir, `policy-${index}.json`), policy);
    const last = index === firewalls - 1;
    if (!last) writeFileSync(join(dir, `routes-${index + 1}.json`), routeTable(undefined, [{ name: 'to-next', prefix: '0.0.0.0/0', hop: 'VirtualAppliance', ip: ip(index + 1) }]));
    vnets.push(`  hub${index}:\n    addressSpace: [10.${index + 1}.0.0/16]\n    subnets:\n      fw${index}-subnet: { prefix: 10.${index + 1}.0.0/26${last ? '' : `, routeTable: routes-${index + 1}.json`} }`);
    firewallEntries.push(`  fw${index}: { config: 'azure-firewall:policy-${index}.json', privateIp: ${ip(index)}, subnet: fw${index}-subnet }`);
  }
  const peerings = Array.from({ length: firewalls }, (_, index) => `  - [spoke, hub${index}]`);
  const topology = `name: chain of ${firewalls}\nvirtualNetworks:\n${vnets.join('\n')}\npeerings:\n${peerings.join('\n')}\nworkloads:\n  compute: { subnet: compute-subnet, address: 10.0.1.4, nsg: nsg.json, host: 'nftables:host.nft' }\nfirewalls:\n${firewallEntries.join('\n')}\n`;
  const file = join(dir, `topology-${firewalls}.yaml`);
  writeFileSync(file, topology);
  return file;
}

export async function run(): Promise<Goal[]> {
  const scenario = largestScenario();
  const requirements = loadScenario(scenario, { region: 'westus', subnet: '10.0.1.0/24', privateEndpointSubnet: '10.0.2.0/27' });
  const dir = mkdtempSync(join(tmpdir(), 'tagwall-paths-bench-'));
  const files = [1, 2, 3].map((firewalls) => ({ hops: 4 + 2 * firewalls, file: chain(dir, scenario, firewalls) }));
  console.log(`scenario ${scenario} (${requirements.requirements.length} requirements); hops: host, NIC NSG, subnet NSG, then route + firewall per firewall, then the last route`);
  const answer = (file: string) => () => {
    const result = checkPaths(loadTopology(loadTopologyFile(file), snapshot), 'compute', requirements);
    if (!result.missing.isEmpty()) throw new Error(`${file}: required flows missing: ${result.outcomes.filter((o) => o.outcome !== "delivered").map((o) => `${o.requirement.id} ${o.outcome} ${o.drops.map((d) => `${d.hop} ${d.rule}`).join(",")}`).join("; ")}`);
    return result;
  };
  const timings = measure(files.map(({ hops, file }) => ({ name: `${hops} hops`, run: answer(file) })), { runs: 5, warmup: 1 });
  printTimings('tagwall path --scenario, cold (parse every device, then answer)', timings, '10 hops');
  const median = (name: string): number => timings.find((timing) => timing.name === name)!.median;
  return [
    { name: 'paths: 10-hop answer, largest scenario', measured: median('10 hops'), target: 1000, kind: 'max', unit: 'ms' },
    { name: 'paths: 10 hops / 6 hops (linear: 1.67)', measured: median('10 hops') / median('6 hops'), target: (10 / 6) * 1.5, kind: 'max', unit: 'x' },
  ];
}
