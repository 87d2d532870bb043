/**
 * Test support: the Microsoft snapshots copied into fixtures/servicetags (see scripts/build-snapshots.ts
 * --fixtures) and a small hand-made snapshot to mutate. Not part of the library.
 */
import { fileURLToPath } from 'node:url';
import { TagwallError, type ErrorCode } from '../errors.js';
import type { ScannedSnapshot } from './json-scan.js';

export const FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/servicetags/', import.meta.url));

export const FIXTURES = {
  public20250728: `${FIXTURES_DIR}ServiceTags_Public_20250728.json.gz`,
  public20251028: `${FIXTURES_DIR}ServiceTags_Public_20251028.json.gz`,
  gov20251028: `${FIXTURES_DIR}ServiceTags_AzureGovernment_20251028.json`,
  gov20260720: `${FIXTURES_DIR}ServiceTags_AzureGovernment_20260720.json`,
  china20251028: `${FIXTURES_DIR}ServiceTags_China_20251028.json`,
  china20260720: `${FIXTURES_DIR}ServiceTags_China_20260720.json`,
} as const;

/** A tiny snapshot in Microsoft's shape: a global tag, a regional one and an AzureCloud.<internal> one. */
export function sampleSnapshot(): {
  changeNumber: number;
  cloud: string;
  values: Array<{
    name: string;
    id: string;
    properties: Record<string, unknown> & { addressPrefixes: unknown[] };
  }>;
} {
  return {
    changeNumber: 7,
    cloud: 'Public',
    values: [
      {
        name: 'AzureFrontDoor.Frontend',
        id: 'AzureFrontDoor.Frontend',
        properties: {
          changeNumber: 3,
          region: '',
          regionId: 0,
          platform: 'Azure',
          systemService: '',
          addressPrefixes: ['13.107.246.0/24', '2620:1ec:bdf::/48'],
          networkFeatures: null,
        },
      },
      {
        name: 'Storage.FranceCentral',
        id: 'Storage.FranceCentral',
        properties: {
          changeNumber: 2,
          region: 'centralfrance',
          regionId: 18,
          platform: 'Azure',
          systemService: 'AzureStorage',
          addressPrefixes: ['20.38.80.0/24', '20.38.81.0/24', '2603:1020:805::/48'],
          networkFeatures: ['API', 'NSG', 'UDR', 'FW'],
        },
      },
      {
        name: 'AzureCloud.centralfrance',
        id: 'AzureCloud.centralfrance',
        properties: {
          changeNumber: 5,
          region: 'centralfrance',
          regionId: 18,
          platform: 'Azure',
          systemService: '',
          addressPrefixes: ['20.38.64.0/19', '2603:1020:800::/40'],
          networkFeatures: ['API', 'NSG'],
        },
      },
    ],
  };
}

/** Runs `fn`, expecting a TagwallError with `code`; returns it for further checks. */
export function expectTagwallError(fn: () => unknown, code: ErrorCode): TagwallError {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof TagwallError)) throw new Error(`expected a TagwallError ${code}, got ${String(error)}`);
    if (error.code !== code) throw new Error(`expected ${code}, got ${error.code}: ${error.message}`);
    return error;
  }
  throw new Error(`expected a TagwallError ${code}, but nothing was thrown`);
}

/** Everything a scan gives a table (json-scan.ts), the published prefixes included: to compare two ways of scanning. */
export function scannedContents(scanned: ScannedSnapshot | undefined): unknown {
  if (!scanned) return undefined;
  const { rows } = scanned;
  const tags = Array.from({ length: rows.count }, (_, i) => rows.tagAt(i));
  return {
    cloud: scanned.cloud,
    changeNumber: scanned.changeNumber,
    tags: tags.map((tag) => ({ tag, keys: Object.keys(tag), frozen: Object.isFrozen(tag) && Object.isFrozen(tag.prefixCount) })),
    names: rows.names,
    // prefix-scan.wat's hash of each name (from its bytes) against the walk's (name-index.ts nameHash of the string).
    nameHashes: [...rows.nameHashes],
    regions: tags.map((_, i) => rows.regionAt(i)),
    prefixCount: rows.prefixCount,
    encoded: [...scanned.encoded],
    offsets: [...scanned.offsets],
    published: tags.map((_, i) => scanned.publishedPrefixes(i)),
  };
}
