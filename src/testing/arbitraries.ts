/**
 * fast-check arbitraries for tagwall's model, for users' own property tests (`tagwall/testing`). Shapes are
 * realistic rather than uniform: addresses cluster in private and Azure public blocks, ports favour the ones the
 * catalogue uses, requirements look like documented ones (outbound TCP 443 to a tag or a host name, inbound
 * management ports from a tag), and tags come from a snapshot when one is given.
 */
import * as fc from 'fast-check';
import type { AddressResolver } from '../analysis/resolve.js';
import { requirementPackets } from '../analysis/resolve.js';
import type { Action, Rule, RuleSet } from '../analysis/rule-set.js';
import { AddressSet } from '../model/address-set.js';
import { HostSet, parseHostPattern, type HostPattern } from '../model/hostnames.js';
import { formatIPv4, formatIPv6, parseAddress } from '../model/ip.js';
import { PathSet } from '../model/path-set.js';
import { PacketSet } from '../model/packet-set.js';
import type { Direction, Packet } from '../model/packet.js';
import { PortSet, ProtocolSet } from '../model/ports.js';
import type { Endpoint, Requirement, RequirementSet } from '../model/requirement.js';
import { requirementProblem } from '../model/requirement-check.js';

/** IPv4 blocks addresses are drawn from: VNet-like private space and a few Azure public ranges. */
const IPV4_BLOCKS: ReadonlyArray<readonly [first: number, bits: number]> = [
  [0x0a000000, 8], // 10.0.0.0/8
  [0xac100000, 12], // 172.16.0.0/12
  [0x14960000, 16], // 20.150.0.0/16
  [0x0d400000, 10], // 13.64.0.0/10
  [0x34000000, 8], // 52.0.0.0/8
];

/** An IPv4 address, usually inside a private or an Azure public block, sometimes anywhere. */
export function ipv4Address(): fc.Arbitrary<string> {
  const clustered = fc
    .tuple(fc.constantFrom(...IPV4_BLOCKS), fc.integer({ min: 0, max: 0xffffffff }))
    .map(([[first, bits], noise]) => formatIPv4((first | (noise >>> bits)) >>> 0));
  return fc.oneof({ arbitrary: clustered, weight: 4 }, { arbitrary: fc.integer({ min: 0, max: 0xffffffff }).map(formatIPv4), weight: 1 });
}

/** An IPv6 address in Azure's 2603::/16 space or fd00::/8 private space. */
export function ipv6Address(): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom('2603', 'fd00'), fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 7, maxLength: 7 }))
    .map(([head, groups]) => formatIPv6(parseAddress(`${head}:${groups.map((g) => g.toString(16)).join(':')}`).words));
}

/** The arbitrary of the family asked for, else IPv4 four times in five. */
function ofFamily<T>(family: 'ipv4' | 'ipv6' | undefined, v4: fc.Arbitrary<T>, v6: fc.Arbitrary<T>): fc.Arbitrary<T> {
  if (family === 'ipv4') return v4;
  if (family === 'ipv6') return v6;
  return fc.oneof({ arbitrary: v4, weight: 4 }, { arbitrary: v6, weight: 1 });
}

export function address(options: { family?: 'ipv4' | 'ipv6' } = {}): fc.Arbitrary<string> {
  return ofFamily(options.family, ipv4Address(), ipv6Address());
}

/** A CIDR block (host bits cleared), `/8` to `/32` for IPv4 and `/32` to `/128` for IPv6. */
export function cidr(options: { family?: 'ipv4' | 'ipv6' } = {}): fc.Arbitrary<string> {
  const block = (addresses: fc.Arbitrary<string>, min: number, max: number): fc.Arbitrary<string> =>
    fc.tuple(addresses, fc.integer({ min, max })).map(([a, length]) => AddressSet.parse(`${a}/${length}`, { normalize: true }).toCidrStrings()[0]!);
  return ofFamily(options.family, block(ipv4Address(), 8, 32), block(ipv6Address(), 32, 128));
}

export function addressSet(options: { family?: 'ipv4' | 'ipv6'; maxBlocks?: number } = {}): fc.Arbitrary<AddressSet> {
  return fc.array(cidr(options), { minLength: 1, maxLength: options.maxBlocks ?? 4 }).map((blocks) => AddressSet.fromStrings(blocks));
}

/** Ports the catalogue uses, weighted towards them, plus any port. */
const COMMON_PORTS = [443, 80, 22, 3389, 8080, 5831, 44224, 29876, 29877, 1433, 5671, 445, 53, 123];
export function port(): fc.Arbitrary<number> {
  return fc.oneof({ arbitrary: fc.constantFrom(...COMMON_PORTS), weight: 3 }, { arbitrary: fc.integer({ min: 0, max: 65535 }), weight: 1 });
}

/** A port set: a few single ports and ranges, or any port. */
export function portSet(): fc.Arbitrary<PortSet> {
  const range = fc.tuple(port(), fc.integer({ min: 0, max: 1000 })).map(([first, span]) => PortSet.range(first, Math.min(65535, first + span)));
  const part = fc.oneof({ arbitrary: port().map((p) => PortSet.of(p)), weight: 3 }, { arbitrary: range, weight: 1 });
  return fc.oneof(
    { arbitrary: fc.array(part, { minLength: 1, maxLength: 3 }).map((parts) => parts.reduce((a, b) => a.union(b))), weight: 5 },
    { arbitrary: fc.constant(PortSet.ANY), weight: 1 },
  );
}

export function protocolSet(): fc.Arbitrary<ProtocolSet> {
  return fc.constantFrom('tcp', 'udp', 'tcp,udp', 'icmp', 'any').map((text) => ProtocolSet.parse(text));
}

const LABELS = ['api', 'login', 'management', 'blob', 'vault', 'azureml', 'pypi', 'files', 'cdn', 'x'];
const SUFFIXES = ['core.windows.net', 'azure.com', 'microsoft.com', 'pypi.org', 'github.com', 'example.com'];

/** A host pattern as a target writes it: an exact name or `*.suffix` (never a public suffix). */
export function hostPattern(): fc.Arbitrary<HostPattern> {
  const exact = fc.tuple(fc.constantFrom(...LABELS), fc.constantFrom(...SUFFIXES)).map(([label, suffix]) => `${label}.${suffix}`);
  const wildcard = fc.constantFrom(...SUFFIXES).map((suffix) => `*.${suffix}`);
  return fc.oneof(exact, wildcard).map((text) => parseHostPattern(text));
}

export interface PacketOptions {
  readonly directions?: readonly Direction[];
  /** Host names to draw from (sometimes none, as for network-layer traffic). */
  readonly hosts?: readonly string[];
}

/** A concrete packet (TCP, UDP or ICMP; IPv4 mostly), valid for `parsePacket(formatPacket(p))`. */
export function packet(options: PacketOptions = {}): fc.Arbitrary<Packet> {
  const hosts = options.hosts ?? ['pypi.org', 'management.azure.com', 'a.blob.core.windows.net'];
  return fc
    .record({
      direction: fc.constantFrom(...(options.directions ?? (['out', 'in'] as const))),
      family: fc.constantFrom('ipv4' as const, 'ipv4' as const, 'ipv6' as const),
      protocol: fc.constantFrom(6, 6, 17, 1),
      srcPort: fc.oneof(fc.constant(49152), port()),
      dstPort: port(),
      host: fc.option(fc.constantFrom(...hosts), { nil: undefined }),
    })
    .chain(({ family, ...rest }) => fc.tuple(address({ family }), address({ family })).map(([src, dst]) => ({ ...rest, family, src, dst })))
    .map(({ direction, family, protocol, srcPort, dstPort, host, src, dst }) => {
      const icmp = family === 'ipv6' ? 58 : 1;
      const base = { direction, src, dst, ...(host === undefined ? {} : { host }) };
      return protocol === 1 ? { ...base, protocol: icmp, icmp: { type: family === 'ipv6' ? 128 : 8, code: 0 } } : { ...base, protocol, srcPort, dstPort };
    });
}

/** Real tag names of the Public cloud, the ones the catalogue uses most. Pass `tags` to draw from a snapshot. */
export const DEFAULT_TAGS: readonly string[] = [
  'AzureActiveDirectory',
  'AzureMachineLearning',
  'AzureMonitor',
  'AzureResourceManager',
  'AzureFrontDoor.FirstParty',
  'BatchNodeManagement.WestUS',
  'MicrosoftContainerRegistry',
  'Storage',
  'Storage.WestUS',
  'Storage.EastUS',
  'AzureKeyVault',
  'VirtualNetwork',
  'AzureLoadBalancer',
];

export interface RequirementOptions {
  /** Tag names to draw from, e.g. `snapshot.names()`; default DEFAULT_TAGS. */
  readonly tags?: readonly string[];
  /** Also draw URL endpoints with path prefixes (application rules with target URLs). */
  readonly urls?: boolean;
  /**
   * Draw host-name destinations (default true). `false` for targets that match addresses only (iptables,
   * nftables, NSG): they report host names as lost, so an equivalence property would fail on every one.
   */
  readonly hosts?: boolean;
  /**
   * Protocol lists to draw from (default tcp, udp, `tcp,udp`, icmp, any). `['tcp', 'udp', 'tcp,udp']` for a
   * comparison with netfilter rules that drop conntrack's INVALID packets, which include unsolicited ICMP replies
   * and errors (such targets report them as lost).
   */
  readonly protocols?: readonly string[];
}

function endpoint(options: RequirementOptions, side: 'source' | 'destination'): fc.Arbitrary<Endpoint> {
  const tags = options.tags ?? DEFAULT_TAGS;
  const arbitraries: Array<fc.WeightedArbitrary<Endpoint>> = [
    { arbitrary: fc.constantFrom(...tags).map((name): Endpoint => ({ kind: 'service-tag', name })), weight: 4 },
    { arbitrary: addressSet({ maxBlocks: 2 }).map((addresses): Endpoint => ({ kind: 'addresses', addresses })), weight: 2 },
    { arbitrary: fc.constant<Endpoint>({ kind: 'any' }), weight: 1 },
  ];
  if (side === 'destination' && options.hosts !== false) {
    arbitraries.push({ arbitrary: hostPattern().map((pattern): Endpoint => ({ kind: 'host', pattern })), weight: 3 });
    if (options.urls) {
      arbitraries.push({
        arbitrary: fc.tuple(hostPattern(), fc.constantFrom('/', '/simple/', '/packages/', '/Azure/')).map(([pattern, path]): Endpoint => ({ kind: 'url', pattern, path })),
        weight: 1,
      });
    }
  }
  return fc.oneof(...arbitraries);
}

/** One requirement, shaped like the catalogue's; `id` is given so a set can keep ids unique. */
export function requirement(id: string, options: RequirementOptions = {}): fc.Arbitrary<Requirement> {
  return fc
    .record({
      direction: fc.constantFrom<Direction>('out', 'out', 'out', 'in'),
      protocols: fc.constantFrom(...(options.protocols ?? ['tcp', 'tcp', 'udp', 'tcp,udp', 'icmp', 'any'])).map((text) => ProtocolSet.parse(text)),
      ports: portSet(),
      sources: fc.uniqueArray(endpoint(options, 'source'), { minLength: 1, maxLength: 2 }),
      destinations: fc.uniqueArray(endpoint(options, 'destination'), { minLength: 1, maxLength: 3 }),
    })
    .map(({ protocols, ports, ...fields }) => {
      // Ports only make sense with TCP/UDP; a requirement about ICMP or any protocol names no ports.
      const portless = !protocols.isSubsetOf(ProtocolSet.parse('tcp,udp'));
      return { id, ...fields, protocols, ports: portless ? PortSet.ANY : ports, purpose: 'generated', conditions: [], provenance: [] };
    })
    // Literal IPv4-only sources with IPv6-only destinations match no packet: readers and translators refuse that.
    .filter((drawn) => requirementProblem(drawn) === undefined);
}

export function requirementSet(options: RequirementOptions & { maxRequirements?: number } = {}): fc.Arbitrary<RequirementSet> {
  return fc
    .integer({ min: 1, max: options.maxRequirements ?? 5 })
    .chain((count) => fc.tuple(...Array.from({ length: count }, (_, i) => requirement(`req-${i + 1}`, options))))
    .map((requirements) => ({ name: 'generated', origin: 'fast-check', requirements }));
}

export interface RuleSetOptions extends RequirementOptions {
  /** Resolves the tags rules name (symbolic or expanded); every generated rule set gets its mode. */
  readonly resolver: AddressResolver;
  readonly maxRules?: number;
}

/** A first-match rule set whose matches look like requirements (allow and deny), with either default action. */
export function ruleSet(options: RuleSetOptions): fc.Arbitrary<RuleSet> {
  const action = fc.constantFrom<Action>('allow', 'allow', 'deny');
  return fc
    .record({
      defaultAction: fc.constantFrom<Action>('deny', 'deny', 'allow'),
      rules: fc.array(fc.tuple(requirement('rule', options), action), { minLength: 0, maxLength: options.maxRules ?? 8 }),
    })
    .map(({ defaultAction, rules }) => ({
      name: 'generated',
      mode: options.resolver.mode,
      defaultAction,
      rules: rules.map(([req, ruleAction], i): Rule => ({ id: `rule-${i + 1}`, action: ruleAction, match: requirementPackets(req, options.resolver) })),
    }));
}

/** A packet set from a few requirement-shaped boxes. */
export function packetSet(options: RuleSetOptions): fc.Arbitrary<PacketSet> {
  return fc
    .array(requirement('set', options), { minLength: 0, maxLength: 3 })
    .map((reqs) => reqs.reduce((set, req) => set.union(requirementPackets(req, options.resolver)), PacketSet.EMPTY));
}

/** Host sets from patterns (and their complements), including the "no host" cases. */
export function hostSet(): fc.Arbitrary<HostSet> {
  return fc.oneof(
    fc.constant(HostSet.ANY),
    fc.array(hostPattern(), { minLength: 1, maxLength: 3 }).map((patterns) => HostSet.fromPatterns(patterns)),
    fc.array(hostPattern(), { minLength: 1, maxLength: 3 }).map((patterns) => HostSet.fromPatterns(patterns).complement()),
  );
}

/** URL path sets: prefixes, exact paths, "no path". */
export function pathSet(): fc.Arbitrary<PathSet> {
  const paths = ['/', '/simple/', '/packages/', '/Azure/', '/a'];
  return fc.oneof(
    fc.constant(PathSet.ANY),
    fc.constant(PathSet.NO_PATH),
    fc.constantFrom(...paths).map((p) => PathSet.prefix(p)),
    fc.constantFrom(...paths).map((p) => PathSet.exact(p)),
  );
}
