/**
 * Requirements: what traffic a workload needs, as documented ("compute needs outbound TCP 443 to
 * Storage.<region>"). A requirement set is an allow-list: everything it does not name is denied.
 *
 * Endpoints stay symbolic here (a service tag is a name, a host a pattern); they become addresses only when a
 * snapshot expands them, so the same requirement can be rendered against any snapshot and diffed across two.
 */
import type { AddressSet } from './address-set.js';
import type { HostPattern } from './hostnames.js';
import type { Direction } from './packet.js';
import type { PortSet, ProtocolSet } from './ports.js';

export type Endpoint =
  /** Any address. */
  | { readonly kind: 'any' }
  /** Literal addresses: CIDRs, single addresses, ranges. */
  | { readonly kind: 'addresses'; readonly addresses: AddressSet }
  /**
   * A service tag by name, as the requirement writes it (`Storage.WestUS`); resolved against a snapshot later.
   * Also the virtual tags NSGs know and the published JSON does not (`VirtualNetwork`, `Internet`,
   * `AzureLoadBalancer`).
   */
  | { readonly kind: 'service-tag'; readonly name: string }
  /** An exact host name or a `*.suffix` wildcard (Azure Firewall semantics: never the apex). */
  | { readonly kind: 'host'; readonly pattern: HostPattern }
  /** A URL pattern: a host pattern and a path prefix (`/` for the whole site). */
  | { readonly kind: 'url'; readonly pattern: HostPattern; readonly path: string };

/** One ICMP type, and one code of it or (code absent) all its codes. */
export interface IcmpMatch {
  readonly type: number;
  readonly code?: number;
}

/** Where a requirement comes from: the article (by title) and its section. */
export interface Provenance {
  readonly article: string;
  readonly section?: string;
}

export interface Requirement {
  /** Unique within its set; stable, because generated rule names and reports refer to it. */
  readonly id: string;
  readonly direction: Direction;
  readonly protocols: ProtocolSet;
  /** Destination ports (TCP/UDP); "any" for protocols without ports. */
  readonly ports: PortSet;
  /**
   * ICMP / ICMPv6 types (and optionally codes) when the requirement is about ICMP; absent means every type.
   * Only meaningful when `protocols` holds ICMP (1) or ICMPv6 (58).
   */
  readonly icmp?: readonly IcmpMatch[];
  readonly sources: readonly Endpoint[];
  readonly destinations: readonly Endpoint[];
  /** Why the traffic is needed, in tagwall's own words. */
  readonly purpose: string;
  /** When it applies (e.g. "compute without public IP"); empty when always. */
  readonly conditions: readonly string[];
  readonly provenance: readonly Provenance[];
}

export interface RequirementSet {
  readonly name?: string;
  /** Where the set came from (`scenario:compute-no-public-ip`, a file path), for reports. */
  readonly origin?: string;
  readonly requirements: readonly Requirement[];
}

/** The service-tag names a requirement refers to, sources then destinations, each once, as written. */
export function serviceTagsOf(requirement: Requirement): string[] {
  const names = [...requirement.sources, ...requirement.destinations].flatMap((endpoint) =>
    endpoint.kind === 'service-tag' ? [endpoint.name] : [],
  );
  return [...new Set(names)];
}
