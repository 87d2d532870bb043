/**
 * A packet: really the first packet of a flow, the thing a firewall decides on. Text form, as tagwall prints
 * witnesses and as users type them (`tagwall eval --packet ...`):
 *
 *   out tcp 172.16.0.4:49152 -> 20.150.1.1:443 host=pypi.org
 *   out tcp 172.16.0.4:49152 -> 20.150.1.1:443 host=github.com path=/Azure/
 *   in udp [2001:db8::4]:49152 -> [2603:1030::1]:5831
 *   out icmp 10.0.0.4 -> 8.8.8.8 type=8 code=0
 *   out tcp 10.0.0.4:49152 -> 192.0.2.10:22 app=ssh
 *   in icmp 8.8.8.8 -> 10.0.0.4 type=0 code=0 state=established
 */
import { TagwallError } from '../errors.js';
import { checkSize, INPUT_LIMITS, stripBom, trimAscii, UNICODE_SPACE, unicodeSpaceError } from '../internal/input-limits.js';
import { normalizeHostname } from './hostnames.js';
import { parseAddress, formatAddress, type Family } from './ip.js';
import { ICMP, ICMPV6, protocolName, PROTOCOL_NUMBERS, TCP, UDP } from './ports.js';

export type Direction = 'in' | 'out';
export const DIRECTIONS: readonly Direction[] = ['in', 'out'];

export interface Packet {
  readonly direction: Direction;
  /** IP protocol number: TCP 6, UDP 17, ICMP 1, ICMPv6 58. */
  readonly protocol: number;
  readonly src: string;
  readonly dst: string;
  /** TCP and UDP only. */
  readonly srcPort?: number;
  /** TCP and UDP only. */
  readonly dstPort?: number;
  /** ICMP and ICMPv6 only. */
  readonly icmp?: { readonly type: number; readonly code: number };
  /** The name the client asked for (TLS SNI, HTTP Host, DNS name); absent for network-layer traffic. */
  readonly host?: string;
  /** The URL path (HTTP request line, visible to TLS-inspecting firewalls), starting with '/'; absent below layer 7. */
  readonly path?: string;
  /** The App-ID application (PAN-OS names it: `ssh`, `dns`); absent: an application no rule names. */
  readonly application?: string;
  /**
   * The connection-tracking state the Linux kernel gives the packet; absent means the state conntrack assigns a
   * first packet of its kind (`firstPacketState`), and only a different state is written out (`state=established`).
   */
  readonly state?: ConnState;
}

/** Linux conntrack states as `ct state` names them; devices that do not match on state treat every state alike. */
export type ConnState = 'new' | 'invalid' | 'untracked' | 'established' | 'related';
export const CONN_STATES: readonly ConnState[] = ['new', 'invalid', 'untracked', 'established', 'related'];

/** ICMP types whose unsolicited packet conntrack tracks as NEW (nf_conntrack_proto_icmp.c `valid_new`): requests. */
const ICMP_NEW_TYPES: ReadonlySet<number> = new Set([8, 13, 15, 17]);
/** ICMPv6 requests conntrack tracks as NEW (nf_conntrack_proto_icmpv6.c `valid_new`): echo, node information query. */
const ICMPV6_NEW_TYPES: ReadonlySet<number> = new Set([128, 139]);
/**
 * ICMPv6 it leaves UNTRACKED (`noct_valid_new`): MLD query/report/done, router/neighbour discovery, MLDv2 report,
 * multicast router advertisement and solicitation (151, 152; not termination, 153: the kernel's verdicts on probes
 * of each type, test/linux-differential.test.ts).
 */
const ICMPV6_UNTRACKED_TYPES: ReadonlySet<number> = new Set([130, 131, 132, 133, 134, 135, 136, 143, 151, 152]);

/**
 * The state conntrack gives the first packet of a flow nothing else explains (Linux 6.x). TCP: a SYN is NEW (the
 * model's TCP first packet is a SYN). UDP and the other protocols: NEW. ICMP/ICMPv6: requests NEW; replies,
 * errors (their inner packet matches no connection) and unknown types INVALID; ICMPv6 neighbour discovery and
 * MLD UNTRACKED. The same packet as a reply of a tracked connection is ESTABLISHED (echo reply) or RELATED (errors).
 * ICMP over IPv6 and ICMPv6 over IPv4 are INVALID whatever the type: conntrack's ICMP handler tracks IPv4 only and
 * its ICMPv6 handler IPv6 only (test/linux-docs-claims.test.ts sees `ct state invalid drop` drop both).
 */
export function firstPacketState(protocol: number, icmpType?: number, family?: Family): ConnState {
  if ((protocol === ICMP && family === 'ipv6') || (protocol === ICMPV6 && family === 'ipv4')) return 'invalid';
  if (protocol === ICMP) return icmpType !== undefined && ICMP_NEW_TYPES.has(icmpType) ? 'new' : 'invalid';
  if (protocol === ICMPV6) {
    if (icmpType !== undefined && ICMPV6_NEW_TYPES.has(icmpType)) return 'new';
    return icmpType !== undefined && ICMPV6_UNTRACKED_TYPES.has(icmpType) ? 'untracked' : 'invalid';
  }
  return 'new';
}

/** The packet's state: as written, else what conntrack gives a first packet of its kind. */
export function packetState(packet: Packet): ConnState {
  return packet.state ?? firstPacketState(packet.protocol, packet.icmp?.type, packet.src.includes(':') ? 'ipv6' : 'ipv4');
}

/** Source port used when a user leaves it out: the first of the IANA dynamic range, as Batfish does. */
export const DEFAULT_SOURCE_PORT = 49152;

/** Which dimensions a protocol has: TCP/UDP carry ports, ICMP/ICMPv6 a type and code, the rest neither. */
export type PortClass = 'ports' | 'icmp' | 'none';

export function portClassOf(protocol: number): PortClass {
  if (protocol === TCP || protocol === UDP) return 'ports';
  if (protocol === ICMP || protocol === ICMPV6) return 'icmp';
  return 'none';
}

export function packetFamily(packet: Packet): Family {
  return parseAddress(packet.src).family;
}

function endpoint(address: string, family: Family, port: number | undefined): string {
  const text = family === 'ipv6' && port !== undefined ? `[${address}]` : address;
  return port === undefined ? text : `${text}:${port}`;
}

export function formatPacket(packet: Packet): string {
  const src = parseAddress(packet.src);
  const dst = parseAddress(packet.dst);
  const parts = [
    packet.direction,
    protocolName(packet.protocol),
    endpoint(formatAddress(src.family, src.words), src.family, packet.srcPort),
    '->',
    endpoint(formatAddress(dst.family, dst.words), dst.family, packet.dstPort),
  ];
  if (packet.icmp) parts.push(`type=${packet.icmp.type}`, `code=${packet.icmp.code}`);
  if (packet.host !== undefined) parts.push(`host=${packet.host}`);
  if (packet.path !== undefined) parts.push(`path=${packet.path}`);
  if (packet.application !== undefined) parts.push(`app=${packet.application}`);
  if (packet.state !== undefined) parts.push(`state=${packet.state}`);
  return parts.join(' ');
}

function bad(text: string, why: string): TagwallError {
  return new TagwallError('TW_INVALID_PACKET', `invalid packet '${text}': ${why}`);
}

/** Splits `addr:port`, `[v6]:port`, `addr` or a bare IPv6 address. */
function splitEndpoint(text: string, whole: string): { address: string; port?: number } {
  let address = text;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) throw bad(whole, `missing ']' in '${text}'`);
    address = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) throw bad(whole, `unexpected '${rest}' after ']'`);
      portText = rest.slice(1);
    }
  } else {
    const colons = text.split(':').length - 1;
    if (colons === 1) [address, portText] = text.split(':') as [string, string];
  }
  parseAddress(address); // validates
  if (portText === undefined) return { address };
  if (!/^[0-9]{1,5}$/.test(portText) || Number(portText) > 65535) throw bad(whole, `bad port '${portText}'`);
  return { address, port: Number(portText) };
}

function parseSmallNumber(whole: string, key: string, value: string): number {
  if (!/^[0-9]{1,3}$/.test(value) || Number(value) > 255) throw bad(whole, `${key} must be 0-255, not '${value}'`);
  return Number(value);
}

/**
 * Parses the text form. TCP/UDP need a destination port; a missing source port is 49152. ICMP takes
 * `type=` and `code=` (code defaults to 0). Errors are TW_INVALID_PACKET naming the part at fault.
 */
export function parsePacket(input: string): Packet {
  checkSize(input, INPUT_LIMITS.packetSize, 'the packet text', undefined);
  const text = trimAscii(stripBom(input));
  const odd = UNICODE_SPACE.exec(text);
  if (odd) throw unicodeSpaceError(odd[0], { column: odd.index + 1 }, 'TW_INVALID_PACKET');
  const tokens = text.split(/[ \t\r\n]+/);
  const [directionText, protocolText, srcText, arrow, dstText, ...options] = tokens;
  if (dstText === undefined || arrow !== '->') {
    throw bad(text, "expected '<in|out> <protocol> <src>[:port] -> <dst>[:port] [host=NAME] [path=/PATH] [app=APP] [state=STATE]'");
  }
  const direction = directionText!.toLowerCase();
  const normalizedDirection: Direction | undefined =
    direction === 'in' || direction === 'inbound' ? 'in' : direction === 'out' || direction === 'outbound' ? 'out' : undefined;
  if (!normalizedDirection) throw bad(text, `direction must be 'in' or 'out', not '${directionText}'`);
  const protocolKey = protocolText!.toLowerCase();
  const protocol =
    PROTOCOL_NUMBERS[protocolKey] ??
    (/^[0-9]{1,3}$/.test(protocolKey) && Number(protocolKey) <= 255 ? Number(protocolKey) : undefined);
  if (protocol === undefined) throw bad(text, `unknown protocol '${protocolText}'`);
  const src = splitEndpoint(srcText!, text);
  const dst = splitEndpoint(dstText, text);
  if (parseAddress(src.address).family !== parseAddress(dst.address).family) {
    throw bad(text, 'source and destination are of different address families');
  }
  const cls = portClassOf(protocol);
  if (cls !== 'ports' && (src.port !== undefined || dst.port !== undefined)) {
    throw bad(text, `${protocolName(protocol)} has no ports`);
  }
  if (cls === 'ports' && dst.port === undefined) throw bad(text, `${protocolName(protocol)} needs a destination port`);

  let host: string | undefined;
  let path: string | undefined;
  let application: string | undefined;
  let icmpType: number | undefined;
  let icmpCode: number | undefined;
  let state: ConnState | undefined;
  for (const option of options) {
    const eq = option.indexOf('=');
    const key = eq < 0 ? option : option.slice(0, eq).toLowerCase();
    const value = eq < 0 ? '' : option.slice(eq + 1);
    if (key === 'host' && value !== '') host = normalizeHostname(value);
    else if (key === 'path' && value.startsWith('/')) path = value;
    else if (key === 'app' && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(value)) application = value.toLowerCase();
    else if ((key === 'type' || key === 'code') && cls === 'icmp') {
      if (key === 'type') icmpType = parseSmallNumber(text, key, value);
      else icmpCode = parseSmallNumber(text, key, value);
    } else if (key === 'state' && (CONN_STATES as readonly string[]).includes(value.toLowerCase())) state = value.toLowerCase() as ConnState;
    else if (key === 'state') throw bad(text, `state must be one of ${CONN_STATES.join(', ')}, not '${value}'`);
    else throw bad(text, `unknown option '${option}'`);
  }
  if (cls === 'icmp' && icmpType === undefined) throw bad(text, `${protocolName(protocol)} needs type=N`);
  return {
    direction: normalizedDirection,
    protocol,
    src: src.address,
    dst: dst.address,
    ...(cls === 'ports' ? { srcPort: src.port ?? DEFAULT_SOURCE_PORT, dstPort: dst.port! } : {}),
    ...(cls === 'icmp' ? { icmp: { type: icmpType!, code: icmpCode ?? 0 } } : {}),
    ...(host === undefined ? {} : { host }),
    ...(path === undefined ? {} : { path }),
    ...(application === undefined ? {} : { application }),
    // Canonical: the first-packet state is left out, so a packet reads back as it was printed.
    ...(state === undefined || state === firstPacketState(protocol, icmpType, src.address.includes(':') ? 'ipv6' : 'ipv4') ? {} : { state }),
  };
}
