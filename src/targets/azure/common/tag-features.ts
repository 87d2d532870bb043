/**
 * Where Azure accepts a service tag by name. Every tag in Microsoft's JSON carries `networkFeatures`, a list of
 * `API` (the discovery API), `NSG` (security rules), `UDR` (route `addressPrefix`), `FW` (Azure Firewall rules),
 * `VSE` (service endpoints), or `null`. tagwall reads it literally (DESIGN.md, "Service-tag snapshots"): an Azure
 * output names a tag only where its resource is listed, and writes the tag's exact prefixes elsewhere.
 * ⚠ No Microsoft text describing the field was found (searched learn.microsoft.com and MicrosoftDocs/azure-docs);
 * what the docs do say agrees with the literal reading where they overlap: the service-tags overview's "Can use
 * with Azure Firewall?" column says No for tags whose JSON lacks FW (Internet, VirtualNetwork, AzureLoadBalancer,
 * targets.md §1.1, STO21); Azure Firewall takes tags as destinations only (MicrosoftDocs/azure-docs#89508, STFW).
 * The data: `AzureMachineLearning.<region>` is null in all three clouds, `BatchNodeManagement.<region>` API+NSG,
 * and the China cloud's Storage, Key Vault, ACR and MCR tags API+NSG only. A user may opt in to the broader global
 * tag instead, when that one is accepted and holds every prefix: it allows more, which is reported as a warning
 * with a witness of the extra packets.
 */
import { requirementPackets, type AddressResolver } from '../../../analysis/resolve.js';
import type { AddressSet } from '../../../model/address-set.js';
import { formatPacket } from '../../../model/packet.js';
import type { PacketSet } from '../../../model/packet-set.js';
import type { Requirement } from '../../../model/requirement.js';
import type { Snapshot } from '../../../servicetags/snapshot.js';
import { virtualTag } from '../../../servicetags/virtual.js';
import type { DraftDiagnostic } from '../../diagnostics.js';
import { firewallAcceptsTag } from './limits.js';

/** The resources of `networkFeatures` tagwall renders for. */
export type AzureTagFeature = 'NSG' | 'UDR' | 'FW';

const RESOURCE: Readonly<Record<AzureTagFeature, string>> = { NSG: 'network security group rules', UDR: 'routes', FW: 'Azure Firewall rules' };

export interface TagPlacement {
  readonly tag: string;
  readonly accepted: boolean;
  /** As published (null: accepted nowhere); undefined for the virtual tags, which the JSON does not list. */
  readonly features: readonly string[] | null | undefined;
}

/**
 * Does `feature`'s resource take `tag` by name? Virtual tags (`VirtualNetwork`, `Internet`, `AzureLoadBalancer`)
 * are NSG names only (targets.md §2.3; a firewall refuses them, §1.1). Published tags: their `networkFeatures`;
 * for the firewall also the service-tags overview's "No" list (targets.md §1.1), which wins where they disagree.
 */
export function tagPlacement(tag: string, feature: AzureTagFeature, snapshot: Snapshot): TagPlacement {
  if (virtualTag(tag)) return { tag, accepted: feature === 'NSG', features: undefined };
  const info = snapshot.tag(tag);
  const features = info?.networkFeatures ?? null;
  const listed = features !== null && features.some((entry) => entry.toUpperCase() === feature);
  return { tag: info?.name ?? tag, accepted: listed && (feature !== 'FW' || firewallAcceptsTag(tag)), features };
}

/** `API, NSG` / `none (null)`, for messages. */
export function featureList(placement: TagPlacement): string {
  if (placement.features === undefined) return 'a virtual tag, NSG rules only';
  return placement.features === null || placement.features.length === 0 ? 'none (networkFeatures null)' : [...placement.features].join(', ');
}

/** The info line of a tag written as its prefixes. */
export function expandedTagMessage(placement: TagPlacement, feature: AzureTagFeature, subject: string): string {
  return `${subject}${placement.tag} is not accepted in ${RESOURCE[feature]} (its networkFeatures: ${featureList(placement)}); written as its exact prefixes`;
}

/**
 * The broader tag a user may opt in to: the global tag of a regional one (`Storage` for `Storage.EastUS2`), when
 * the snapshot has it, `feature`'s resource accepts it, and it holds every address of the regional tag.
 */
export function broaderAcceptedTag(tag: string, feature: AzureTagFeature, snapshot: Snapshot): string | undefined {
  const dot = tag.indexOf('.');
  if (dot <= 0) return undefined;
  const global = snapshot.tag(tag.slice(0, dot));
  if (!global || !tagPlacement(global.name, feature, snapshot).accepted) return undefined;
  const narrow: AddressSet = snapshot.addresses(tag);
  return narrow.isSubsetOf(snapshot.addresses(global.name)) ? global.name : undefined;
}

/** The warning text of an opted-in widening, with one packet it lets through that the requirement does not. */
export function widenedTagMessage(subject: string, narrow: string, broad: string, feature: AzureTagFeature, extra: PacketSet): string {
  const witness = extra.witness();
  return `${subject}${narrow} is not accepted in ${RESOURCE[feature]}; written as the broader ${broad} (option globalTags), which allows more${witness ? `, e.g. ${formatPacket(witness)}` : ''}`;
}

/** The tags of one rule side, placed: the names kept, the addresses written instead, and what was changed. */
export interface PlacedTags {
  /** Tags written by name (the accepted ones, and broader tags opted in to). */
  readonly tags: readonly string[];
  /** The side's literal addresses plus the prefixes of the tags not accepted. */
  readonly addresses: AddressSet;
  readonly expanded: readonly TagPlacement[];
  readonly widened: ReadonlyArray<{ readonly narrow: string; readonly broad: string; readonly extra: AddressSet }>;
}

export interface PlaceOptions {
  /** Use an accepted broader tag instead of prefixes (option `globalTags`). */
  readonly globalTags: boolean;
  /** A tag's addresses, as the target expands it (the firewall's `vnet` option for VirtualNetwork). */
  readonly expand: (tag: string) => AddressSet;
}

export function placeTags(tags: readonly string[], addresses: AddressSet, feature: AzureTagFeature, snapshot: Snapshot, options: PlaceOptions): PlacedTags {
  const named: string[] = [];
  const expanded: TagPlacement[] = [];
  const widened: Array<{ narrow: string; broad: string; extra: AddressSet }> = [];
  let literal = addresses;
  for (const tag of tags) {
    const placement = tagPlacement(tag, feature, snapshot);
    if (placement.accepted) {
      if (!named.includes(tag)) named.push(tag);
      continue;
    }
    const broad = options.globalTags && placement.features !== undefined ? broaderAcceptedTag(placement.tag, feature, snapshot) : undefined;
    if (broad) {
      if (!named.includes(broad)) named.push(broad);
      widened.push({ narrow: placement.tag, broad, extra: snapshot.addresses(broad).difference(snapshot.addresses(placement.tag)) });
      continue;
    }
    expanded.push(placement);
    literal = literal.union(options.expand(tag));
  }
  return { tags: named, addresses: literal, expanded, widened };
}

/**
 * The diagnostics of one requirement side's placement: `codes.expanded` (info) naming each tag written as prefixes
 * and its features, `codes.widened` (warning) with a packet the broader tag lets through.
 */
export function placementDrafts(codes: { readonly expanded: string; readonly widened: string }, requirement: Requirement, side: 'source' | 'destination', placed: PlacedTags, feature: AzureTagFeature, resolver: AddressResolver): DraftDiagnostic[] {
  const drafts: DraftDiagnostic[] = [];
  const subject = `${requirement.id}: ${side} `;
  for (const placement of placed.expanded) {
    drafts.push({ code: codes.expanded, severity: 'info', requirement, message: expandedTagMessage(placement, feature, subject) });
  }
  for (const { narrow, broad, extra } of placed.widened) {
    const endpoint = { kind: 'addresses' as const, addresses: extra };
    const packets = requirementPackets(side === 'source' ? { ...requirement, sources: [endpoint] } : { ...requirement, destinations: [endpoint] }, resolver);
    drafts.push({ code: codes.widened, severity: 'warning', requirement, message: widenedTagMessage(subject, narrow, broad, feature, packets) });
  }
  return drafts;
}
