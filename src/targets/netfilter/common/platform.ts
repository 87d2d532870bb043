/**
 * The platform flows an Azure VM needs whatever its requirements say (option `platformFlows`, default `azure`):
 * host chains that drop everything else would otherwise cut the VM off from its DNS, its agent, its metadata and
 * its DHCP lease, and IPv6 would stop resolving neighbours. They are rendered as accept rules of their own (comment
 * `platform.<id>: …`) and named in a comment block of every file; `platformFlows=none` leaves them out.
 *
 * They are beyond the requirements on purpose, so the translator contract treats them as declared extras
 * (`TargetKit.declaredExtras`): law 1 subtracts exactly `platformFlowPackets(options)` and nothing else, and checks
 * that every declared packet is really allowed (a declaration can hide no other extra and claim nothing absent).
 *
 * Sources (Microsoft Learn, "What is IP address 168.63.129.16?", and "Azure Instance Metadata Service"):
 * - 168.63.129.16 is the platform's virtual IP: its recursive DNS resolver (53/udp and 53/tcp, outbound), the
 *   WireServer the VM agent talks to (80/tcp and 32526/tcp, outbound), the DHCP server, and the source of Azure Load
 *   Balancer health probes (inbound, to whatever port a probe is configured for: any TCP port here). Microsoft asks
 *   for it to be allowed in any local firewall; the address is reachable only from the host node.
 * - 169.254.169.254:80/tcp is the Instance Metadata Service (IMDS), link-local, never routed off the host.
 * - DHCP (RFC 2131): a client without a lease sends from 0.0.0.0:68 to 255.255.255.255:67 and renews unicast to the
 *   server; the server answers from 67 to 68, to the offered address or to 255.255.255.255, which is what the input
 *   hook sees. DHCPv6 (RFC 8415): client 546 to ff02::1:2 port 547, replies from a link-local address.
 * - ICMPv6 (RFC 4890 §4.4.1, "must not be dropped"): router solicitation/advertisement and neighbour
 *   solicitation/advertisement (133–136) both ways; MLD (RFC 3810): queries (130) in, reports (131, 132, 143) out.
 *   Conntrack leaves neighbour discovery and MLD UNTRACKED, so `ct state established,related` never covers them.
 * - Loopback: the chains already accept `lo` first (no packet of the model crosses it), and replies pass through
 *   `ct state established,related`; both are named in the block for completeness.
 */
import { PacketSet } from '../../../model/packet-set.js';
import type { Family } from '../../../model/ip.js';
import type { Direction } from '../../../model/packet.js';
import { ICMPV6, TCP, UDP } from '../../../model/ports.js';
import type { IcmpEntry } from './icmp.js';
import { loweredPackets, type AddressMatch, type LoweredRule } from './lower.js';
import { hookedDirections, type NetfilterOptions } from './options.js';

/** The Azure platform's virtual IP (DNS, WireServer, DHCP server, health probe source). */
export const AZURE_PLATFORM_IP = '168.63.129.16';
/** The Instance Metadata Service. */
export const AZURE_IMDS_IP = '169.254.169.254';

interface PlatformRuleSpec {
  readonly direction: Direction;
  readonly family: Family;
  readonly protocol: number;
  readonly src?: string;
  readonly dst?: string;
  readonly srcPorts?: ReadonlyArray<readonly [number, number]>;
  readonly dstPorts?: ReadonlyArray<readonly [number, number]>;
  readonly icmp?: readonly IcmpEntry[];
}

export interface PlatformFlow {
  readonly id: string;
  /** One line for the comment block and `catalog show`. */
  readonly summary: string;
  readonly rules: readonly PlatformRuleSpec[];
}

const port = (value: number): ReadonlyArray<readonly [number, number]> => [[value, value]];
const types = (...values: number[]): IcmpEntry[] => values.map((type) => ({ type }));

/** The flows, in the order they are rendered. */
export const AZURE_PLATFORM_FLOWS: readonly PlatformFlow[] = [
  {
    id: 'dns',
    summary: `DNS to the platform resolver ${AZURE_PLATFORM_IP}:53 (udp, tcp), outbound`,
    rules: [
      { direction: 'out', family: 'ipv4', protocol: UDP, dst: AZURE_PLATFORM_IP, dstPorts: port(53) },
      { direction: 'out', family: 'ipv4', protocol: TCP, dst: AZURE_PLATFORM_IP, dstPorts: port(53) },
    ],
  },
  {
    id: 'wireserver',
    summary: `VM agent to the WireServer ${AZURE_PLATFORM_IP}:80,32526 (tcp), outbound`,
    rules: [{ direction: 'out', family: 'ipv4', protocol: TCP, dst: AZURE_PLATFORM_IP, dstPorts: [[80, 80], [32526, 32526]] }],
  },
  {
    id: 'imds',
    summary: `Instance Metadata Service ${AZURE_IMDS_IP}:80 (tcp), outbound`,
    rules: [{ direction: 'out', family: 'ipv4', protocol: TCP, dst: AZURE_IMDS_IP, dstPorts: port(80) }],
  },
  {
    id: 'dhcp',
    summary: `DHCP: udp 68 to 255.255.255.255:67 and ${AZURE_PLATFORM_IP}:67 out, udp ${AZURE_PLATFORM_IP}:67 to port 68 in`,
    rules: [
      { direction: 'out', family: 'ipv4', protocol: UDP, dst: '255.255.255.255', srcPorts: port(68), dstPorts: port(67) },
      { direction: 'out', family: 'ipv4', protocol: UDP, dst: AZURE_PLATFORM_IP, srcPorts: port(68), dstPorts: port(67) },
      { direction: 'in', family: 'ipv4', protocol: UDP, src: AZURE_PLATFORM_IP, srcPorts: port(67), dstPorts: port(68) },
    ],
  },
  {
    id: 'health-probe',
    summary: `load balancer health probes from ${AZURE_PLATFORM_IP} (tcp, any port), inbound`,
    rules: [{ direction: 'in', family: 'ipv4', protocol: TCP, src: AZURE_PLATFORM_IP }],
  },
  {
    id: 'dhcpv6',
    summary: 'DHCPv6: udp 546 to ff02::1:2 port 547 out, udp from fe80::/10 port 547 to port 546 in',
    rules: [
      { direction: 'out', family: 'ipv6', protocol: UDP, dst: 'ff02::1:2/128', srcPorts: port(546), dstPorts: port(547) },
      { direction: 'in', family: 'ipv6', protocol: UDP, src: 'fe80::/10', srcPorts: port(547), dstPorts: port(546) },
    ],
  },
  {
    id: 'ndp',
    summary: 'ICMPv6 router and neighbour solicitation/advertisement (133-136), both ways',
    rules: [
      { direction: 'in', family: 'ipv6', protocol: ICMPV6, icmp: types(133, 134, 135, 136) },
      { direction: 'out', family: 'ipv6', protocol: ICMPV6, icmp: types(133, 134, 135, 136) },
    ],
  },
  {
    id: 'mld',
    summary: 'MLD: queries (ICMPv6 130) in, reports and done (131, 132, 143) out',
    rules: [
      { direction: 'in', family: 'ipv6', protocol: ICMPV6, icmp: types(130) },
      { direction: 'out', family: 'ipv6', protocol: ICMPV6, icmp: types(131, 132, 143) },
    ],
  },
];

/** Lines the renderers already open every host chain with, named in the block so the list is whole. */
const ALWAYS_RENDERED = ['loopback: the chains accept lo first', 'replies: ct state established,related accept'];

function addressMatch(text: string | undefined, family: Family): AddressMatch {
  if (text === undefined) return { kind: 'any' };
  return { kind: 'prefix', cidr: text.includes('/') ? text : `${text}/${family === 'ipv4' ? 32 : 128}` };
}

/** Whether platform flows apply: asked for, and host chains (a router's forward chain carries no VM's own traffic). */
function active(options: NetfilterOptions): boolean {
  return options.platformFlows === 'azure' && options.chainHook !== 'forward';
}

/** The flows rendered under these options: those whose direction the hook carries (input: the inbound ones). */
export function platformFlows(options: NetfilterOptions): PlatformFlow[] {
  if (!active(options)) return [];
  const directions = hookedDirections(options.chainHook);
  return AZURE_PLATFORM_FLOWS.map((flow) => ({ ...flow, rules: flow.rules.filter((rule) => directions.includes(rule.direction)) })).filter((flow) => flow.rules.length > 0);
}

/** The flows as lowered rules, rendered before the requirements' rules. */
export function platformRules(options: NetfilterOptions): LoweredRule[] {
  return platformFlows(options).flatMap((flow) =>
    flow.rules.map(
      (rule): LoweredRule => ({
        requirementId: `platform.${flow.id}`,
        direction: rule.direction,
        family: rule.family,
        protocol: rule.protocol,
        src: addressMatch(rule.src, rule.family),
        dst: addressMatch(rule.dst, rule.family),
        ...(rule.srcPorts ? { srcPorts: rule.srcPorts } : {}),
        ...(rule.dstPorts ? { dstPorts: rule.dstPorts } : {}),
        ...(rule.icmp ? { icmp: rule.icmp } : {}),
        comment: `platform.${flow.id}: ${flow.summary}`,
      }),
    ),
  );
}

/** Exactly the packets the platform rules admit: the contract's declared extras. */
export function platformFlowPackets(options: NetfilterOptions): PacketSet {
  return platformRules(options).reduce((set, rule) => set.union(loweredPackets(rule)), PacketSet.EMPTY);
}

/** The comment block of every rendered file, of one family's flows when given (empty when no flow applies). */
export function platformFlowLines(options: NetfilterOptions, family?: Family): string[] {
  const flows = platformFlows(options).filter((flow) => family === undefined || flow.rules.some((rule) => rule.family === family));
  if (flows.length === 0) return [];
  return [
    'platform flows (option platformFlows=azure; --platform-flows none leaves them out), beyond the requirements:',
    ...flows.map((flow) => `  platform.${flow.id}: ${flow.summary}`),
    ...ALWAYS_RENDERED.map((line) => `  ${line}`),
  ];
}

export const PLATFORM_FLOWS_DESCRIPTION = 'platform flows (option platformFlows)';
