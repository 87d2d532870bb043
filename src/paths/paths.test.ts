/**
 * The path engine (issue 23) on the catalogue's designs, rendered by tagwall's own translators: every required
 * flow delivered end to end, and each broken variant's exact finding with a witness whose verdict at every hop is
 * what that hop's device alone gives it (`evaluate`, as `tagwall eval KIND:FILE --packet` prints).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../analysis/questions.js';
import { isTagwallError, type TagwallError } from '../errors.js';
import { AddressSet } from '../model/address-set.js';
import { PacketSet } from '../model/packet-set.js';
import { parsePacket } from '../model/packet.js';
import { PortSet } from '../model/ports.js';
import { findTarget } from '../targets/registry.js';
import { parseRouteTableJson } from '../targets/azure/udr/parse.js';
import { checkPaths, requiredFlows, type PathCheck } from './check.js';
import { publicDestinations, repliesOf, walkInbound, walkOutbound, type Drop, type HopVerdict } from './engine.js';
import { requirementPackets } from '../analysis/resolve.js';
import { HostSet } from '../model/hostnames.js';
import { loadTopology, type LoadedTopology } from './load.js';
import { askPath } from './query.js';
import { computePublicIp, forcedTunnelling, FIREWALL_IP, inboundUdr, managedNetwork, render, snapshot, SPOKE, type Reference } from './reference.test-support.js';
import { encodedPrefixes, tagIndex } from '../servicetags/snapshot.js';
import { partitionRoutes, type RouteCandidate } from './routes.js';
import { loadTopologyFile, parseTopology } from './topology.js';
import { readPlainYaml } from '../internal/plain-yaml.js';

function load(reference: Reference): LoadedTopology {
  return loadTopology(loadTopologyFile(reference.topology), snapshot);
}

function check(reference: Reference): { loaded: LoadedTopology; result: PathCheck } {
  const loaded = load(reference);
  return { loaded, result: checkPaths(loaded, 'compute', reference.requirements) };
}

/** The flows of one requirement of the reference, from or to the compute workload. */
function flowsOf(loaded: LoadedTopology, reference: Reference, id: string): PacketSet {
  return requiredFlows(loaded, 'compute', reference.requirements.requirements.find((requirement) => requirement.id === id)!);
}

/**
 * Each filter hop of a witness trail, re-judged by its device on its own: the config file parsed afresh by its
 * target (the path engine's cache is not used) and `evaluate`d on the packet as that hop saw it.
 */
function confirmTrail(loaded: LoadedTopology, trail: readonly HopVerdict[]): void {
  for (const step of trail) {
    // A stateful firewall's "no session" is the path model's verdict (it never saw the request), not a rule's.
    if (!step.device || step.rule?.startsWith('no session')) continue;
    const [kind, ...rest] = step.device.split(':');
    const file = `${loaded.topology.file.replace(/[^/]*$/, '')}${rest.join(':')}`;
    const ruleSet = findTarget(kind!).parse({ content: readFileSync(file, 'utf8'), file }, { resolver: loaded.resolver, options: {} });
    const verdict = evaluate(ruleSet, step.packet);
    expect({ hop: step.hop, action: verdict.action, rule: verdict.rule?.id ?? 'default' }).toEqual({ hop: step.hop, action: step.action, rule: step.rule });
  }
}

function onlyDrop(result: PathCheck): Drop {
  const drops = [...result.outbound.drops, ...(result.inbound?.drops ?? [])].filter((drop) => drop.packets.overlaps(result.missing));
  expect(drops).toHaveLength(1);
  return drops[0]!;
}

describe('route selection (longest prefix, then user > system; written prefix > tag)', () => {
  const route = (name: string, prefixes: string[], rank: number) => ({ route: { name, source: rank === 9 ? ('system' as const) : ('user' as const), prefixText: prefixes.join(','), nextHopType: 'Internet' as const }, rank, prefixes });

  it('partitions the whole address space, each address to the longest prefix', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 8, max: 24 }), fc.integer({ min: 0, max: 9 })), { maxLength: 6 }), (entries) => {
        const candidates = [
          ...entries.map(([octet, length, rank], index) => route(`r${index}`, [AddressSet.parse(`${octet}.0.0.0/${length}`, { normalize: true }).toCidrStrings()[0]!], rank)),
          route('default', ['0.0.0.0/0', '::/0'], 9),
        ];
        const { parts } = partitionRoutes(candidates);
        const union = parts.reduce((set, part) => set.union(part.destinations), AddressSet.EMPTY);
        expect(union.equals(AddressSet.ALL)).toBe(true);
        for (let i = 0; i < parts.length; i++) for (let j = i + 1; j < parts.length; j++) expect(parts[i]!.destinations.overlaps(parts[j]!.destinations)).toBe(false);
        // The address x.0.0.1 goes to the longest prefix that holds it, ties to the lowest rank, then the first written.
        for (const [octet] of entries) {
          const address = `${octet}.0.0.1`;
          const holding = candidates.map((candidate, index) => ({ candidate, index })).filter(({ candidate }) => candidate.prefixes.some((prefix) => AddressSet.parse(prefix).has(address)));
          const length = (prefix: string) => Number(prefix.split('/')[1]);
          holding.sort((a, b) => length(b.candidate.prefixes[0]!) - length(a.candidate.prefixes[0]!) || a.candidate.rank - b.candidate.rank || a.index - b.index);
          expect(parts.find((part) => part.destinations.has(address))!.route.name).toBe(holding[0]!.candidate.route.name);
        }
      }),
      { seed: 23, numRuns: 100 },
    );
  });

  it('on the same prefix: a written prefix beats a tag route, a user route beats a system route', () => {
    const { parts } = partitionRoutes([route('tag', ['20.0.0.0/16'], 2), route('written', ['20.0.0.0/16'], 0), route('system', ['20.0.0.0/16'], 9), route('default', ['0.0.0.0/0', '::/0'], 9)]);
    expect(parts.find((part) => part.destinations.has('20.0.1.1'))!.route.name).toBe('written');
    expect(parts.map((part) => part.route.name)).not.toContain('system');
  });
});

describe("tag routes read from the snapshot's stored prefixes", () => {
  // partitionRoutes groups a tag route's prefixes by length from their stored bytes (issue 22); the groups must be
  // the sets its canonical text gives, grouped and parsed, whichever tags overlap and whatever their ranks.
  const tags = snapshot.names().filter((name) => snapshot.tag(name)!.prefixCount.ipv4 + snapshot.tag(name)!.prefixCount.ipv6 > 0);
  const asText = (name: string, rank: number): RouteCandidate => ({ route: { name, source: 'user', prefixText: name, nextHopType: 'Internet' }, rank, prefixes: snapshot.normalizedPrefixes(name) });
  const asStored = (name: string, rank: number): RouteCandidate => ({ ...asText(name, rank), prefixes: [], encoded: encodedPrefixes(snapshot, tagIndex(snapshot, name)!) });
  const system: RouteCandidate = { route: { name: 'default', source: 'system', prefixText: '0.0.0.0/0, ::/0', nextHopType: 'Internet' }, rank: 9, prefixes: ['0.0.0.0/0', '::/0'] };

  it("partition the addresses as the tags' canonical text does", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...tags), fc.integer({ min: 1, max: 4 })), { minLength: 1, maxLength: 4 }), fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), fc.nat(), (routes, stored, pick) => {
        // A written route one bit shorter than one of the first tag's prefixes: the tag's longer prefix must win there.
        const prefixes = snapshot.normalizedPrefixes(routes[0]![0]);
        const [network, length] = prefixes[pick % prefixes.length]!.split('/') as [string, string];
        const supernet = AddressSet.parse(`${network}/${Math.max(0, Number(length) - 1)}`, { normalize: true }).toCidrStrings();
        const written: RouteCandidate = { route: { name: 'written', source: 'user', prefixText: supernet.join(', '), nextHopType: 'None' }, rank: 0, prefixes: supernet };
        const text = partitionRoutes([...routes.map(([name, rank]) => asText(name, rank)), written, system]);
        const mixed = partitionRoutes([...routes.map(([name, rank], i) => (stored[i] ? asStored(name, rank) : asText(name, rank))), written, system]);
        expect(mixed.parts.map((part) => part.route.name)).toEqual(text.parts.map((part) => part.route.name));
        mixed.parts.forEach((part, i) => expect(part.destinations.equals(text.parts[i]!.destinations)).toBe(true));
      }),
      { seed: 22, numRuns: 60 },
    );
  });

  it('give each length group of a tag the addresses of its prefixes of that length', () => {
    for (const name of ['AzureMachineLearning', 'BatchNodeManagement', 'Storage.WestUS', 'AzureCloud']) {
      const { parts } = partitionRoutes([asStored(name, 2), system]);
      expect(parts[0]!.destinations.equals(snapshot.addresses(name))).toBe(true);
    }
  });
});

describe('the topology file', () => {
  const errorOf = (text: string): TagwallError => {
    try {
      parseTopology(text, 'topo.yaml');
    } catch (error) {
      if (isTagwallError(error)) return error;
      throw error;
    }
    throw new Error('no error');
  };
  const base = `virtualNetworks:\n  spoke:\n    addressSpace: [10.0.0.0/16]\n    subnets:\n      compute-subnet: { prefix: 10.0.1.0/24 }\n`;

  it('names the file, the JSON path and the line:column of the value at fault', () => {
    const error = errorOf(`${base}workloads:\n  compute: { subnet: compute-subnet, address: 10.0.2.4 }\n`);
    expect(error.code).toBe('TW_INVALID_TOPOLOGY');
    expect(error.message).toBe("10.0.2.4 is outside subnet 'compute-subnet' (10.0.1.0/24)");
    expect(error.location).toEqual({ file: 'topo.yaml', jsonPath: '$.workloads.compute.address', line: 7, column: 47 });
  });

  it('locates a device reference when it is first read, as the package places it (the file read without it)', () => {
    const text = `${base}workloads:\n  compute:\n    subnet: compute-subnet\n    address: 10.0.1.4\n    host: nftables:x.nft\n`;
    expect(readPlainYaml(text)).toBeDefined();
    const host = parseTopology(text, 'topo.yaml').workloads[0]!.host!;
    expect(host.at).toEqual({ file: 'topo.yaml', jsonPath: '$.workloads.compute.host', line: 10, column: 11 });
    expect(host.at).toBe(host.at);
  });

  it('refuses unknown keys, unknown subnets, overlapping address spaces and wrong device kinds', () => {
    expect(errorOf(`${base}firewall: {}\n`).location?.jsonPath).toBe('$.firewall');
    expect(errorOf(`${base}workloads:\n  compute: { subnet: nowhere, address: 10.0.1.4 }\n`).message).toMatch(/no subnet 'nowhere'/);
    expect(errorOf(`${base}  hub:\n    addressSpace: 10.0.128.0/17\n`).message).toMatch(/overlaps that of 'spoke'/);
    const kind = errorOf(`${base}workloads:\n  compute: { subnet: compute-subnet, address: 10.0.1.4, host: nsg:x.json }\n`);
    expect([kind.message, kind.location?.jsonPath]).toEqual(["a host device is one of iptables, nftables, not 'nsg'", '$.workloads.compute.host']);
    expect(errorOf('a: [').code).toBe('TW_INVALID_TOPOLOGY');
  });

  it('hostile YAML is refused with a typed error, never a stack overflow or an expansion', () => {
    expect(errorOf(`${'- '.repeat(20_000)}x\n`).code).toBe('TW_INPUT_LIMIT');
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`)].join('\n');
    expect(errorOf(bomb).code).toBe('TW_INVALID_TOPOLOGY');
  });

  it('a route to a next hop that is no firewall of the topology is an error at that route', () => {
    const reference = forcedTunnelling();
    const topology = loadTopologyFile(reference.topology);
    const moved = { ...topology, firewalls: topology.firewalls.map((firewall) => ({ ...firewall, privateIp: '10.1.0.5' })) };
    let error: TagwallError | undefined;
    try {
      loadTopology(moved, snapshot);
    } catch (caught) {
      error = caught as TagwallError;
    }
    expect(error?.code).toBe('TW_INVALID_TOPOLOGY');
    expect(error?.location).toEqual({ file: `${reference.dir}/compute-routes.json`, jsonPath: '$.properties.routes[0]' });
  });
});

describe('replies', () => {
  it('swap addresses and ports, flip the direction and are ESTABLISHED', () => {
    const flows = PacketSet.of({ directions: ['in'], src: AddressSet.parse('20.0.0.0/24'), dst: AddressSet.parse('10.0.1.4'), dstPorts: PortSet.of(29876) });
    const reply = repliesOf(flows);
    expect(reply.has(parsePacket('out tcp 10.0.1.4:29876 -> 20.0.0.9:50000 state=established'))).toBe(true);
    expect(reply.has(parsePacket('out tcp 10.0.1.4:29876 -> 20.0.0.9:50000'))).toBe(false);
    expect(reply.has(parsePacket('out tcp 10.0.1.4:29877 -> 20.0.0.9:50000 state=established'))).toBe(false);
  });
});

describe('compute with public IP behind a hub firewall, inbound routes to the Internet', () => {
  const reference = computePublicIp();
  const { loaded, result } = check(reference);

  it('delivers every required flow end to end', () => {
    expect(result.outcomes.filter((outcome) => outcome.outcome !== 'delivered').map((outcome) => `${outcome.requirement.id}: ${outcome.outcome}`)).toEqual([]);
    expect(result.missing.isEmpty()).toBe(true);
  });

  it('finds the one extra: outbound to BatchNodeManagement bypasses the firewall by the inbound route', () => {
    // The NSG (forcedTunnelling) allows Internet on the host-name ports, trusting the firewall; the route for the
    // inbound management answers sends these destinations straight to the Internet, so the firewall never sees them.
    const batch = snapshot.addresses('BatchNodeManagement').difference(snapshot.addresses('AzureMachineLearning'));
    expect(result.extra.isEmpty()).toBe(false);
    expect(result.extra.isSubsetOf(PacketSet.of({ directions: ['out'], dst: batch }))).toBe(true);
    const [delivery] = result.extraDeliveries;
    expect(delivery?.to).toBe('Internet');
    expect(delivery!.trail!.map((step) => step.action)).toEqual(['allow', 'allow', 'forward']);
    expect(delivery!.trail![2]!.rule).toBe("route 'tw-BatchNodeManagement' (BatchNodeManagement) -> Internet");
    confirmTrail(loaded, delivery!.trail!);
  });
});

describe('broken: the inbound route for BatchNodeManagement is missing', () => {
  const reference = computePublicIp('missing-batch-route');
  const { loaded, result } = check(reference);

  it('drops exactly the Batch management flows from addresses no other route sends back to the Internet, asymmetrically', () => {
    const aml = PacketSet.of({ src: snapshot.addresses('AzureMachineLearning') });
    expect(result.missing.equals(flowsOf(loaded, reference, 'inbound-batch').difference(aml))).toBe(true);
    expect(result.outcomes.filter((outcome) => outcome.outcome !== 'delivered').map((outcome) => `${outcome.requirement.id}: ${outcome.outcome}`)).toEqual(['inbound-batch: dropped']);
    const drop = onlyDrop(result);
    expect(drop.hop).toBe('firewall hub');
    expect(drop.asymmetric?.route.name).toBe('default-to-hub');
    expect(drop.trail.map((step) => `${step.kind}:${step.action}`)).toEqual(['edge:forward', 'subnet-nsg:allow', 'host:allow', 'return:allow', 'route:forward', 'return:drop']);
    confirmTrail(loaded, drop.trail);
  });

  it('the route tables say the same, by eval: the reference routes the witness to the Internet, the broken one does not', () => {
    const witness = result.outcomes.find((outcome) => outcome.requirement.id === 'inbound-batch')!.drops[0]!.witness;
    const routes = (dir: string) => parseRouteTableJson(readFileSync(`${dir}/compute-routes.json`, 'utf8'), 'compute-routes.json', loaded.resolver);
    expect(evaluate(routes(reference.dir), witness).action).toBe('deny');
    expect(evaluate(routes(computePublicIp().dir), witness).action).toBe('allow');
  });
});

describe('forced tunnelling through the hub firewall, its DNS proxy as the DNS server', () => {
  it('delivers every required flow end to end, and nothing more', () => {
    const { result } = check(forcedTunnelling());
    expect(result.outcomes.filter((outcome) => outcome.outcome !== 'delivered' && outcome.outcome !== 'not this workload').map((outcome) => outcome.requirement.id)).toEqual([]);
    expect(result.missing.isEmpty()).toBe(true);
    expect(result.extra.isEmpty()).toBe(true);
  });

  it('with the firewall as classic rules instead of a policy: the same flows delivered end to end', () => {
    const reference = forcedTunnelling();
    writeFileSync(join(reference.dir, 'classic.json'), render('azure-firewall-classic', reference.requirements, { vnet: SPOKE }, 'arm'));
    const classic = join(reference.dir, 'classic.yaml');
    writeFileSync(classic, readFileSync(reference.topology, 'utf8').replace('azure-firewall:firewall-policy.json', 'azure-firewall-classic:classic.json'));
    const policy = check(reference).result;
    const rules = checkPaths(loadTopology(loadTopologyFile(classic), snapshot), 'compute', reference.requirements);
    expect(rules.missing.isEmpty()).toBe(true);
    expect(rules.outbound.delivered.equals(policy.outbound.delivered)).toBe(true);
  });

  it('broken: an NSG without the DNS flows blocks the firewall: DNS dropped at the subnet NSG by its final deny', () => {
    const reference = forcedTunnelling('nsg-blocks-firewall');
    const { loaded, result } = check(reference);
    expect(result.missing.equals(flowsOf(loaded, reference, 'dns-custom-server'))).toBe(true);
    const drop = onlyDrop(result);
    expect([drop.hop, drop.rule]).toEqual(['NSG of subnet compute-subnet', 'tw-deny-all-outbound']);
    expect(drop.witness.dst).toBe(FIREWALL_IP);
    confirmTrail(loaded, drop.trail);
  });
});

describe('inbound management routes of the workspace region and its secondary region', () => {
  it('deliver every required flow end to end', () => {
    const { result } = check(inboundUdr());
    expect(result.missing.isEmpty()).toBe(true);
  });

  it('broken: without the secondary region routes, its answers go through the firewall, which drops them', () => {
    const reference = inboundUdr('secondary-through-firewall');
    const { loaded, result } = check(reference);
    const primary = PacketSet.of({ src: snapshot.addresses('AzureMachineLearning.WestUS') });
    expect(result.missing.equals(flowsOf(loaded, reference, 'udr-aml-secondary').difference(primary))).toBe(true);
    const drop = onlyDrop(result);
    expect(drop.asymmetric?.route.nextHopType).toBe('VirtualAppliance');
    expect(snapshot.addresses('AzureMachineLearning.EastUS').has(drop.witness.src)).toBe(true);
    confirmTrail(loaded, drop.trail);
  });
});

describe('compute in the AML managed network', () => {
  const reference = managedNetwork();
  const { loaded, result } = check(reference);

  it('leaves the inbound side to Microsoft and drops, at the managed network, what its FQDN rules cannot carry', () => {
    const inbound = result.outcomes.filter((outcome) => outcome.requirement.direction === 'in');
    expect(inbound.every((outcome) => outcome.outcome === 'not modelled (managed network inbound)')).toBe(true);
    // FQDN rules are TCP 80 and 443 only (AML_FQDN_PORTS): UDP 5831 to tundra and 8787/18881 by name cannot pass.
    const dropped = result.outcomes.filter((outcome) => outcome.outcome !== 'delivered' && outcome.requirement.direction === 'out');
    expect(dropped.map((outcome) => outcome.requirement.id).sort()).toEqual(['instances-interactive', 'tundra']);
    for (const outcome of dropped) {
      for (const drop of outcome.drops) {
        expect(drop.kind).toBe('managed-network');
        confirmTrail(loaded, drop.trail);
      }
    }
  });
});

describe('one question', () => {
  const reference = forcedTunnelling();
  const loaded = load(reference);

  it('from a workload to a tag: delivered to the Internet through the firewall', () => {
    const { direction, result } = askPath(loaded, 'compute', 'Storage.WestUS', { ports: '443' });
    expect(direction).toBe('out');
    expect(result.drops).toEqual([]);
    expect(result.deliveries.map((delivery) => delivery.to)).toEqual(['Internet']);
    expect(result.deliveries[0]!.trail!.map((step) => step.hop)).toEqual(['NSG of subnet compute-subnet', 'routes of subnet compute-subnet', 'firewall hub', 'routes of subnet AzureFirewallSubnet']);
    confirmTrail(loaded, result.deliveries[0]!.trail!);
  });

  it('to a host name no application rule allows: dropped at the firewall by its default, except where a network rule takes its address', () => {
    // Network rules come before application rules [RP]: a name that resolves into an allowed tag passes by address.
    const { result } = askPath(loaded, 'compute', 'example.org', { ports: '443' });
    const drop = result.drops.find((candidate) => candidate.hop === 'firewall hub')!;
    expect(drop.rule).toBe('default');
    confirmTrail(loaded, drop.trail);
    const passed = result.deliveries[0]!;
    expect(passed.trail!.find((step) => step.kind === 'firewall')!.rule).toMatch(/^tw-network\//);
    confirmTrail(loaded, passed.trail!);
  });

  it('inbound from the Internet to a workload without public IP: dropped at the edge', () => {
    const { direction, result } = askPath(loaded, 'Internet', 'compute', { ports: '22' });
    expect(direction).toBe('in');
    // The platform's 168.63.129.16 is an Internet address that needs no public IP; the NSG stops it.
    expect(result.drops.map((drop) => `${drop.rule}: ${drop.witness.src}`)).toEqual(['no public IP: 1.0.0.0', 'tw-deny-all-inbound: 168.63.129.16']);
  });

  it('accounts for every flow: each is delivered or dropped at exactly one hop, explained or not alike', () => {
    const flows = PacketSet.of({ directions: ['out'] });
    const first = walkOutbound(loaded, 'compute', flows);
    const again = walkOutbound(loaded, 'compute', flows, { explain: false });
    expect(first.delivered.equals(again.delivered)).toBe(true);
    // Every dropped part plus every delivered part is exactly the flows asked about: nothing lost, nothing made up.
    const accounted = [...first.drops.map((drop) => drop.packets), first.delivered].reduce((set, part) => set.union(part), PacketSet.EMPTY);
    expect(accounted.equals(first.flows)).toBe(true);
  });
});


// checkPaths takes "no drop" for "nothing missing" without the difference (issue 22): that holds because the
// explained walks split the required flows exactly into what they deliver and what they drop.
describe('a requirements check accounts for every required flow', () => {
  const references: Array<[string, () => Reference]> = [
    ['compute-public-ip', () => computePublicIp()],
    ['missing-batch-route', () => computePublicIp('missing-batch-route')],
    ['forced-tunnelling', () => forcedTunnelling()],
    ['nsg-blocks-firewall', () => forcedTunnelling('nsg-blocks-firewall')],
    ['inbound-udr', () => inboundUdr()],
    ['secondary-through-firewall', () => inboundUdr('secondary-through-firewall')],
    ['managed-network', () => managedNetwork()],
  ];
  it.each(references)('%s: delivered and dropped are the required flows, apart; missing is the rest', (_name, reference) => {
    const { result } = check(reference());
    const drops = [...result.outbound.drops, ...(result.inbound?.drops ?? [])];
    const dropped = drops.reduce((set, drop) => set.union(drop.packets), PacketSet.EMPTY);
    const delivered = result.outbound.delivered.union(result.inbound?.delivered ?? PacketSet.EMPTY);
    expect(dropped.overlaps(delivered)).toBe(false);
    expect(dropped.union(delivered).equals(result.required)).toBe(true);
    expect(result.missing.equals(result.required.difference(delivered))).toBe(true);
    expect(result.missing.isEmpty()).toBe(drops.length === 0);
  });

  // The engine puts deliveries together without `union`'s overlap test (issue 22): that is exact only because no two
  // boxes of what a walk delivers share a packet, wherever they were delivered. Every walk of the check, and walks of
  // every flow, explained or not.
  it.each(references)('%s: no two delivered boxes of a walk share a packet', (_name, reference) => {
    const { loaded, result } = check(reference());
    const walks = [result.outbound, ...(result.inbound ? [result.inbound] : [])];
    walks.push(walkOutbound(loaded, 'compute', PacketSet.of({ directions: ['out'] })), walkOutbound(loaded, 'compute', PacketSet.of({ directions: ['out'] }), { explain: false }));
    if (loaded.topology.workloads.find((workload) => workload.name === 'compute')!.subnet) walks.push(walkInbound(loaded, 'compute', PacketSet.of({ directions: ['in'] })));
    for (const walk of walks) {
      const boxes = walk.deliveries.flatMap((delivery) => delivery.packets.boxes);
      expect(walk.delivered.boxes).toEqual(boxes);
      const single = boxes.map((box) => PacketSet.fromDisjointBoxes([box]));
      single.forEach((one, i) => single.slice(i + 1).forEach((other) => expect(one.overlaps(other)).toBe(false)));
    }
  });

  // publicDestinations asks each box's hosts whether any carries a name, where it intersected with the "any name"
  // spec (issue 22): the same boxes as that written-out intersection, on every requirement's packets (host names
  // among them) and on what the plain walks deliver, cut to the workload's flows and not.
  it.each(references)('%s: public destinations as the intersections give them', (_name, makeReference) => {
    const reference = makeReference();
    const { loaded, result } = check(reference);
    const internet = loaded.resolver.serviceTag('Internet');
    const written = (set: PacketSet): PacketSet => {
      const named = set.intersection(PacketSet.of({ hosts: HostSet.ANY_NAME }));
      return named.isEmpty() ? set : set.intersection(PacketSet.of({ hosts: HostSet.NO_HOST })).union(named.withAddresses('dst', internet));
    };
    const sets = [...reference.requirements.requirements.map((requirement) => requirementPackets(requirement, loaded.resolver)), result.required, walkOutbound(loaded, 'compute', PacketSet.of({ directions: ['out'] }), { explain: false }).delivered, PacketSet.ALL, PacketSet.EMPTY];
    let named = 0;
    for (const set of sets) {
      const expected = written(set);
      if (expected !== set) named++;
      expect(publicDestinations(set, internet).boxes).toEqual(expected.boxes);
    }
    expect(named).toBeGreaterThan(0);
  });
});
