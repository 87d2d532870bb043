/**
 * App-IDs that common rulebases name, with the standard ports `service application-default` stands for: the
 * application matches only on these (App-ID still identifies it on every port) [PANAD][PAN-APPDEF]. An App-ID not
 * listed is matched by its name (a packet `app=NAME`), but `application-default` with it is refused: its ports
 * are not known here.
 *
 * Sources (one per entry below):
 *   [PANAD]    KB kA10g000000ClVwCAK "What does application-default under Service mean?": web-browsing is TCP 80.
 *   [PAN-APPDEF] docs.paloaltonetworks.com/pan-os/9-1/pan-os-admin/app-id/application-default: application-default
 *              allows cleartext web-browsing on 80 only and SSL-tunnelled traffic on 443 only.
 *   [LIVE-AD]  live.paloaltonetworks.com community blog "Demystifying Application Default" (Palo Alto Networks
 *              staff): dns-base default ports udp/53,5353 and tcp/53.
 *   [APPLIPEDIA] applipedia.paloaltonetworks.com, the vendor's App-ID catalogue (standard ports per App-ID);
 *              ⚠ read from the catalogue's published entries, not re-checked offline: confirm on your firewall
 *              (Objects > Applications) when an answer depends on one.
 */
import { AddressSet } from '../../model/address-set.js';
import type { IntervalSet } from '../../model/intervals.js';
import { icmpTypeCodes, type PacketSpec } from '../../model/packet-set.js';
import { ICMP, ICMPV6, PortSet, ProtocolSet, TCP, UDP } from '../../model/ports.js';

/** One protocol of an application's standard set: TCP/UDP ports, or ICMP types (with `src`: the family they exist in). */
export type AppDefault = Pick<PacketSpec, 'protocols' | 'dstPorts' | 'icmp' | 'src'>;

const tcp = (ports: string): AppDefault => ({ protocols: ProtocolSet.of(TCP), dstPorts: PortSet.parse(ports) });
const udp = (ports: string): AppDefault => ({ protocols: ProtocolSet.of(UDP), dstPorts: PortSet.parse(ports) });
/** ICMP exists over IPv4, ICMPv6 over IPv6: the packet model would otherwise pair either with either family. */
const icmpTypes = (protocol: number, types?: IntervalSet): AppDefault => ({
  protocols: ProtocolSet.of(protocol),
  src: AddressSet.parse(protocol === ICMP ? '0.0.0.0/0' : '::/0'),
  ...(types ? { icmp: types } : {}),
});

export interface AppId {
  readonly defaults: readonly AppDefault[];
  /** Where the standard ports come from (see the list above). */
  readonly source: 'PANAD' | 'PAN-APPDEF' | 'LIVE-AD' | 'APPLIPEDIA';
}

export const APP_IDS: Readonly<Record<string, AppId>> = {
  'web-browsing': { defaults: [tcp('80')], source: 'PANAD' },
  ssl: { defaults: [tcp('443')], source: 'PAN-APPDEF' },
  dns: { defaults: [tcp('53'), udp('53,5353')], source: 'LIVE-AD' },
  'dns-base': { defaults: [tcp('53'), udp('53,5353')], source: 'LIVE-AD' },
  ssh: { defaults: [tcp('22')], source: 'APPLIPEDIA' },
  telnet: { defaults: [tcp('23')], source: 'APPLIPEDIA' },
  ftp: { defaults: [tcp('21')], source: 'APPLIPEDIA' },
  ntp: { defaults: [udp('123')], source: 'APPLIPEDIA' },
  'ntp-base': { defaults: [udp('123')], source: 'APPLIPEDIA' },
  syslog: { defaults: [udp('514')], source: 'APPLIPEDIA' },
  dhcp: { defaults: [udp('67,68')], source: 'APPLIPEDIA' },
  kerberos: { defaults: [tcp('88'), udp('88')], source: 'APPLIPEDIA' },
  'ms-ds-smb': { defaults: [tcp('139,445')], source: 'APPLIPEDIA' },
  'ms-rdp': { defaults: [tcp('3389')], source: 'APPLIPEDIA' },
  ldap: { defaults: [tcp('389'), udp('389')], source: 'APPLIPEDIA' },
  // Echo requests (ICMP type 8, ICMPv6 type 128); the replies belong to the session.
  ping: { defaults: [icmpTypes(ICMP, icmpTypeCodes(8)), icmpTypes(ICMPV6, icmpTypeCodes(128))], source: 'APPLIPEDIA' },
  icmp: { defaults: [icmpTypes(ICMP)], source: 'APPLIPEDIA' },
  'ipv6-icmp': { defaults: [icmpTypes(ICMPV6)], source: 'APPLIPEDIA' },
};

export const KNOWN_APP_IDS = Object.keys(APP_IDS).sort();
