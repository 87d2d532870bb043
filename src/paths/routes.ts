/**
 * Azure's route selection for traffic leaving a subnet (docs/paths.md, "Routes"), as an exact partition of the
 * destination space: every destination address gets exactly the route Azure would pick.
 *
 * - System routes of every subnet [UDR]: each address range of the VNet's address space → VnetLocal; each range
 *   of a peered VNet → VNetPeering; 0.0.0.0/0 → Internet; 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 and
 *   100.64.0.0/10 → None (a range also in the VNet's address space is VnetLocal, its more specific route).
 *   IPv6: ::/0 → Internet.
 * - The subnet's route table (user-defined routes) joins them. Longest prefix wins; on the same prefix a
 *   user-defined route beats a system route [UDR]; among user-defined routes a written prefix beats a service tag,
 *   and tags rank regional > top-level > AzureCloud.<region> > AzureCloud (targets.md §2.5 [UDR]).
 * - A service-tag route stands for each of the tag's published prefixes, each with its own length: merging them
 *   into fewer, shorter blocks would change which route is longest.
 */
import { isTagwallError, TagwallError } from '../errors.js';
import { AddressSet } from '../model/address-set.js';
import { decodeAddressSetAt, encodedSize, familyOfHeader, lengthOfHeader } from '../servicetags/prefix-codec.js';
import { encodedPrefixes, tagIndex, type Snapshot } from '../servicetags/snapshot.js';
import { readRouteTableRoutes } from '../targets/azure/udr/parse.js';
import type { DeviceRef, Topology } from './topology.js';

export type NextHopType = 'VnetLocal' | 'VNetPeering' | 'Internet' | 'None' | 'VirtualAppliance' | 'VirtualApplianceEcmp' | 'VirtualNetworkGateway';

export interface Route {
  /** `system: 0.0.0.0/0` or the route's name in its table. */
  readonly name: string;
  readonly source: 'system' | 'user';
  /** As written: a CIDR, a tag, or the list of a system route's ranges. */
  readonly prefixText: string;
  readonly nextHopType: NextHopType;
  readonly nextHopIpAddress?: string;
  /** File and JSON path of a user-defined route. */
  readonly origin?: { readonly file: string; readonly path: string };
}

/** The destinations each route wins, pairwise disjoint, together every address. */
export interface RoutePartition {
  readonly parts: ReadonlyArray<{ readonly route: Route; readonly destinations: AddressSet }>;
}

const RFC_NONE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'];

export interface RouteCandidate {
  readonly route: Route;
  /** 0 user prefix, 1-4 user tag (regional, top-level, AzureCloud.region, AzureCloud), 9 system. */
  readonly rank: number;
  /** Written prefixes: the route's CIDR, a system route's ranges (none for a tag route). */
  readonly prefixes: readonly string[];
  /** A tag route's published prefixes as the snapshot stores them (prefix-codec.ts), grouped without text. */
  readonly encoded?: EncodedPrefixes;
}

type EncodedPrefixes = ReturnType<typeof encodedPrefixes>;

/** The addresses of one (family, prefix length) group of a route's prefixes. */
interface LengthGroup {
  readonly family: number;
  readonly length: number;
  readonly addresses: AddressSet;
}

function tagRank(name: string): number {
  const lower = name.toLowerCase();
  if (lower === 'azurecloud') return 4;
  if (lower.startsWith('azurecloud.')) return 3;
  return name.includes('.') ? 1 : 2;
}

/** Prefix length of a canonical CIDR. */
function lengthOf(cidr: string): number {
  return Number(cidr.slice(cidr.indexOf('/') + 1));
}

function isCidr(text: string): boolean {
  return /^[0-9a-f:.]+\/\d+$/i.test(text);
}

/** The system routes of a subnet in `vnet`. */
function systemCandidates(topology: Topology, vnet: string): RouteCandidate[] {
  const own = topology.vnets.find((candidate) => candidate.name === vnet)!;
  const peers = topology.peerings.flatMap(([a, b]) => (a === vnet ? [b] : b === vnet ? [a] : []));
  const system = (prefixes: readonly string[], nextHopType: NextHopType, name = `system: ${prefixes.join(', ')}`): RouteCandidate => ({
    route: { name, source: 'system', prefixText: prefixes.join(', '), nextHopType },
    rank: 9,
    prefixes,
  });
  const candidates = [system(own.addressSpace.toCidrStrings(), 'VnetLocal')];
  for (const peer of peers) {
    const space = topology.vnets.find((candidate) => candidate.name === peer)!.addressSpace;
    candidates.push(system(space.toCidrStrings(), 'VNetPeering', `system: peering ${peer} (${space.toCidrStrings().join(', ')})`));
  }
  candidates.push(system(RFC_NONE, 'None'), system(['0.0.0.0/0', '::/0'], 'Internet'));
  return candidates;
}

/** The user-defined routes of a route table file, each with its prefixes (a tag's published ones). */
function userCandidates(ref: DeviceRef, content: string, snapshot: Snapshot): RouteCandidate[] {
  return readRouteTableRoutes(content, ref.file).map((entry) => {
    let prefixes: readonly string[] = [];
    let encoded: EncodedPrefixes | undefined;
    try {
      if (isCidr(entry.addressPrefix)) prefixes = AddressSet.parse(entry.addressPrefix, { normalize: true }).toCidrStrings();
      else encoded = encodedPrefixes(snapshot, tagIndex(snapshot, snapshot.resolve(entry.addressPrefix).name)!);
    } catch (error) {
      throw isTagwallError(error) ? error.at({ file: ref.file, jsonPath: entry.prefixPath }) : error;
    }
    const hop = entry.nextHopType as NextHopType;
    if ((hop === 'VirtualAppliance' || hop === 'VirtualApplianceEcmp') && entry.nextHopIpAddress === undefined) {
      throw new TagwallError('TW_INVALID_CONFIG', `route '${entry.name}' has next hop ${hop} but no nextHopIpAddress`, { location: { file: ref.file, jsonPath: entry.path } });
    }
    return {
      route: {
        name: entry.name,
        source: 'user',
        prefixText: entry.addressPrefix,
        nextHopType: hop,
        ...(entry.nextHopIpAddress === undefined ? {} : { nextHopIpAddress: entry.nextHopIpAddress }),
        origin: { file: ref.file, path: entry.path },
      },
      rank: isCidr(entry.addressPrefix) ? 0 : tagRank(entry.addressPrefix),
      prefixes,
      ...(encoded ? { encoded } : {}),
    };
  });
}

/**
 * Longest prefix match as a first-match walk: every (route, prefix length) group in order of length (longest
 * first), then rank, then the order written; each group wins what no earlier group took.
 */
export function partitionRoutes(candidates: readonly RouteCandidate[]): RoutePartition {
  const groups = candidates.flatMap((candidate, index) => lengthGroups(candidate).map((group) => ({ ...group, index })));
  groups.sort((a, b) => a.family - b.family || b.length - a.length || candidates[a.index]!.rank - candidates[b.index]!.rank || a.index - b.index);
  let taken = AddressSet.EMPTY;
  const won = new Map<number, AddressSet>();
  for (const group of groups) {
    const set = group.addresses.difference(taken);
    if (set.isEmpty()) continue;
    // Merged now, not deferred: a deferred union re-sorts every group taken so far at the next difference, and a
    // tag route's dozens of lengths made that quadratic (issue 22: ~7 of partitionRoutes' ~10 ms cold).
    taken = AddressSet.fromIntervalSets(taken.ipv4.union(set.ipv4), taken.ipv6.union(set.ipv6));
    // Merged now too: a deferred union was settled by the walk's first split, a copy and sort of every piece in V8's
    // first tiers (the pieces are apart, so the merges are plain interval unions).
    const before = won.get(group.index);
    won.set(group.index, before ? AddressSet.fromIntervalSets(before.ipv4.union(set.ipv4), before.ipv6.union(set.ipv6)) : set);
  }
  return { parts: candidates.flatMap((candidate, index) => (won.has(index) ? [{ route: candidate.route, destinations: won.get(index)! }] : [])) };
}

/** A route's prefixes by family and length (each length its own group: a longer prefix wins over a shorter one). */
function lengthGroups(candidate: RouteCandidate): LengthGroup[] {
  const groups: LengthGroup[] = [];
  const byLength = new Map<string, string[]>();
  for (const prefix of candidate.prefixes) {
    const key = `${prefix.includes(':') ? 6 : 4}/${lengthOf(prefix)}`;
    // Pushed, not copied into a new array per prefix: a tag route's hundreds of prefixes made that quadratic.
    const group = byLength.get(key);
    if (group) group.push(prefix);
    else byLength.set(key, [prefix]);
  }
  for (const [key, prefixes] of byLength) groups.push({ family: Number(key[0]), length: Number(key.slice(2)), addresses: AddressSet.fromStrings(prefixes) });
  if (candidate.encoded) groups.push(...encodedLengthGroups(candidate.encoded));
  return groups;
}

/**
 * A tag's stored prefixes grouped by their header byte (which is the family and the length), each group decoded
 * from its byte offsets: the same sets as its canonical text grouped by length and parsed, without writing ~800
 * prefixes of the scenario's two tag routes as text and reading them back (issue 22: the route partition ~10 -> ~5 ms of a loaded, profiled cold `path`; callgrind ~600 -> ~570 M).
 */
function encodedLengthGroups({ bytes, start, end }: EncodedPrefixes): LengthGroup[] {
  const offsets = new Map<number, number[]>();
  for (let at = start; at < end; at += encodedSize(bytes[at]!)) {
    const header = bytes[at]!;
    const group = offsets.get(header);
    if (group) group.push(at);
    else offsets.set(header, [at]);
  }
  return [...offsets].map(([header, at]) => ({ family: familyOfHeader(header) === 'ipv4' ? 4 : 6, length: lengthOfHeader(header), addresses: decodeAddressSetAt(bytes, at) }));
}

/** The routes of a subnet: its VNet's system routes and its route table's user-defined routes, partitioned. */
export function subnetRoutes(topology: Topology, vnet: string, routeTable: { ref: DeviceRef; content: string } | undefined, snapshot: Snapshot): RoutePartition {
  const user = routeTable ? userCandidates(routeTable.ref, routeTable.content, snapshot) : [];
  return partitionRoutes([...user, ...systemCandidates(topology, vnet)]);
}

/** The route a single destination takes. */
export function routeFor(partition: RoutePartition, address: string): Route {
  return partition.parts.find((part) => part.destinations.has(address))!.route;
}

export function describeRoute(route: Route): string {
  const hop = route.nextHopIpAddress ? `${route.nextHopType} ${route.nextHopIpAddress}` : route.nextHopType;
  return route.source === 'system' ? `${route.name} -> ${hop}` : `route '${route.name}' (${route.prefixText}) -> ${hop}`;
}
