/**
 * The secondary (paired) region of a workspace region, with "has no pair" and "not in the pairs data" kept apart.
 *
 * The embedded pairs (src/servicetags/region-data.ts, generated from shared/data/azure-region-pairs.json) come from
 * the regions-list table, which leaves out restricted-access regions. Microsoft's published pairs table ("Azure
 * region pairs and nonpaired regions", learn.microsoft.com/azure/reliability/cross-region-replication-azure) also
 * pairs Sweden Central with Sweden South and Jio India West with Jio India Central; those pairs are added here, so
 * that a region of that list is never reported as having no pair.
 */
import type { Cloud } from '../servicetags/cloud.js';
import type { Region } from '../servicetags/regions.js';

/** Pairs of the published table that the embedded data lacks, in both directions where the table gives both. */
export const PUBLISHED_PAIR_SUPPLEMENT: Readonly<Record<Cloud, Readonly<Record<string, string>>>> = {
  Public: {
    swedensouth: 'swedencentral',
    jioindiawest: 'jioindiacentral',
    jioindiacentral: 'jioindiawest',
  },
  AzureGovernment: {},
  China: {},
};

export type Pairing =
  | { readonly kind: 'paired'; readonly region: string }
  /** The published data says the region has no pair. */
  | { readonly kind: 'none' }
  /** The region is not in the pairs data at all: its pair is not known, which is not the same as having none. */
  | { readonly kind: 'unknown' };

/** The pair of a snapshot region, from the embedded data and the published-table supplement. */
export function pairingOf(cloud: Cloud, region: Region): Pairing {
  const supplement = PUBLISHED_PAIR_SUPPLEMENT[cloud][region.armName];
  if (supplement !== undefined) return { kind: 'paired', region: supplement };
  if (typeof region.pairedRegion === 'string') return { kind: 'paired', region: region.pairedRegion };
  return region.pairedRegion === null ? { kind: 'none' } : { kind: 'unknown' };
}
