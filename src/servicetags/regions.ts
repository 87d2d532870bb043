/**
 * Azure regions as a snapshot names them. One region has up to four names: the ARM location (`francecentral`),
 * the display name (`France Central`), the suffix of per-service tags (`Storage.FranceCentral`) and Microsoft's
 * internal name, used as `properties.region` and as the `AzureCloud.<x>` suffix (`AzureCloud.centralfrance`).
 * The last two come from the snapshot itself; the ARM and display names and the pairs from region-data.ts.
 */
import { TagwallError } from '../errors.js';
import { environmentOf, type Cloud } from './cloud.js';
import { compareText } from './order.js';
import { REGION_DATA, type RegionRecord } from './region-data.js';
import { nearest } from './suggest.js';
import { serviceAlias, splitTagName } from './spellings.js';
import type { Snapshot } from './snapshot.js';
import type { RegionSuffixVotes, ServiceTagInfo } from './types.js';

export interface Region {
  /** ARM location name; Microsoft's internal name when the region-pairs data does not know the region. */
  readonly armName: string;
  readonly displayName?: string;
  /** Suffix of per-service regional tags: `WestUS`, `FranceCentral`. */
  readonly tagSuffix: string;
  /** `properties.region` and the `AzureCloud.<x>` suffix: `westus`, `centralfrance`. */
  readonly internalName: string;
  /** ARM name of the paired region; null when the region has no pair, undefined when unknown. */
  readonly pairedRegion: string | null | undefined;
}

function recordsOf(cloud: Cloud): readonly RegionRecord[] {
  return REGION_DATA[environmentOf(cloud)];
}

/** The ARM name of `armName`'s pair: null for a region without one, undefined for a region not in the data. */
export function pairedRegion(cloud: Cloud, armName: string): string | null | undefined {
  const wanted = armName.trim().toLowerCase();
  return recordsOf(cloud).find((record) => record.name === wanted)?.pairedRegion;
}

/**
 * Each internal region name → the PascalCase suffix most of its tags use. A region also carries stage variants
 * (`Storage.EastUS2Stage` has region `eastus2`) and the odd misfiled tag, which the majority outvotes; a region
 * with only its `AzureCloud.<internal>` tag keeps the internal name as its suffix.
 */
function tagSuffixes(tags: RegionVotes): Map<string, string> {
  const counts = tags.regionVotes?.() ?? countRegionVotes(tags);
  const result = new Map<string, string>();
  for (const [internal, perSuffix] of counts) {
    let best: string | undefined;
    let bestCount = 0;
    for (const [suffix, count] of perSuffix) {
      if (suffix === suffix.toLowerCase()) continue;
      if (count > bestCount || (count === bestCount && best !== undefined && suffix < best)) {
        best = suffix;
        bestCount = count;
      }
    }
    result.set(internal, best ?? internal);
  }
  return result;
}

/** Each tag's region and what follows the first dot of its name (splitTagName), by file position. */
export interface RegionVotes {
  readonly count: number;
  regionAt(index: number): string;
  nameSuffixAt(index: number): string | undefined;
  /** countRegionVotes of the above, when the table can count them more cheaply (embedded.ts). */
  regionVotes?(): RegionSuffixVotes;
}

/** The votes tagSuffixes weighs, tag by tag. */
export function countRegionVotes(tags: RegionVotes): RegionSuffixVotes {
  const counts: RegionSuffixVotes = new Map();
  for (let index = 0; index < tags.count; index++) {
    // The name first: a damaged embedded file fails on its first bad name, as when every name was built first.
    const suffix = tags.nameSuffixAt(index);
    const region = tags.regionAt(index);
    if (region === '' || suffix === undefined) continue;
    let perSuffix = counts.get(region);
    if (!perSuffix) counts.set(region, (perSuffix = new Map()));
    perSuffix.set(suffix, (perSuffix.get(suffix) ?? 0) + 1);
  }
  return counts;
}

/** The regions of a snapshot, sorted by ARM name. */
export function buildRegions(cloud: Cloud, tags: ReadonlyArray<Pick<ServiceTagInfo, 'name' | 'region'>>): Region[] {
  return buildRegionsFrom(cloud, {
    count: tags.length,
    regionAt: (index) => tags[index]!.region,
    nameSuffixAt: (index) => splitTagName(tags[index]!.name).region,
  });
}

/** buildRegions from a table's columns, without building every tag name (a cold CLI run resolves one region). */
export function buildRegionsFrom(cloud: Cloud, tags: RegionVotes): Region[] {
  return regionsOfSuffixes(cloud, tagSuffixes(tags));
}

/**
 * Each internal region name of a snapshot and its tag suffix (what the votes elect), in the order buildRegions sorts
 * the regions into: what embedded-regions.ts keeps for each embedded snapshot.
 */
export function regionSuffixPairs(regions: readonly Region[]): Array<readonly [internalName: string, tagSuffix: string]> {
  return regions.map((region) => [region.internalName, region.tagSuffix] as const);
}

/**
 * The regions of internal names with their elected tag suffixes, joined with the region data and sorted by ARM name:
 * buildRegionsFrom after the vote, and the embedded snapshots' regions from the table written when they were built.
 */
export function regionsOfSuffixes(cloud: Cloud, suffixes: Iterable<readonly [internalName: string, tagSuffix: string]>): Region[] {
  // The records by service-tag region and by ARM name (the first of each, as a scan finds it), looked up rather than
  // scanned for each region: two scans of ~100 records with a closure call each, per region, were ~0.5 ms of a cold
  // `render --scenario` (cpu-prof, mean of 12; issue 22).
  const byTagRegion = new Map<string, RegionRecord>();
  const byName = new Map<string, RegionRecord>();
  for (const record of recordsOf(cloud)) {
    if (typeof record.serviceTagRegion === 'string' && !byTagRegion.has(record.serviceTagRegion)) byTagRegion.set(record.serviceTagRegion, record);
    if (!byName.has(record.name)) byName.set(record.name, record);
  }
  const regions: Region[] = [];
  for (const [internalName, tagSuffix] of suffixes) {
    const record = byTagRegion.get(internalName) ?? byName.get(internalName);
    regions.push(
      Object.freeze({
        armName: record?.name ?? internalName,
        ...(record?.displayName ? { displayName: record.displayName } : {}),
        tagSuffix,
        internalName,
        pairedRegion: record?.pairedRegion,
      }),
    );
  }
  return regions.sort((a, b) => compareText(a.armName, b.armName));
}

/** Why `input` names no region of a snapshot: a real region without tags there, or no region at all. */
function whyNoRegion(cloud: Cloud, input: string): string {
  const known = recordsOf(cloud).some((record) => record.name === input.trim().toLowerCase());
  return known
    ? `region '${input}' is an Azure region, but the ${cloud} snapshot has no service tags for it`
    : `unknown region '${input}' in the ${cloud} snapshot`;
}

/** Looks regions up by any of their names, ignoring case (and spaces in display names). */
export class RegionIndex {
  private readonly byKey = new Map<string, Region>();

  constructor(
    private readonly cloud: Cloud,
    readonly regions: readonly Region[],
  ) {
    // ARM names win over internal names, which win over suffixes and display names, should two regions share
    // a spelling across kinds.
    const kinds: Array<(region: Region) => string | undefined> = [
      (region) => region.armName,
      (region) => region.internalName,
      (region) => region.tagSuffix,
      (region) => region.displayName,
      (region) => region.displayName?.replace(/\s+/g, ''),
    ];
    for (const kind of kinds) {
      for (const region of regions) {
        const key = kind(region)?.toLowerCase();
        if (key !== undefined && !this.byKey.has(key)) this.byKey.set(key, region);
      }
    }
  }

  find(input: string): Region | undefined {
    return this.byKey.get(input.trim().toLowerCase()) ?? this.byKey.get(input.replace(/\s+/g, '').toLowerCase());
  }

  resolve(input: string): Region {
    const region = this.find(input);
    if (region) return region;
    throw new TagwallError('TW_UNKNOWN_REGION', whyNoRegion(this.cloud, input), {
      suggestions: nearest(input, this.keysForSuggestions(), 5),
    });
  }

  /** ARM names only: the suffix spellings of the same regions would only repeat them in another case. */
  private *keysForSuggestions(): Iterable<string> {
    for (const region of this.regions) yield region.armName;
  }
}

/**
 * The tag of `service` in `region` (any of the region's names): ('Storage', 'westus') → 'Storage.WestUS',
 * ('AzureCloud', 'francecentral') → 'AzureCloud.centralfrance'. Documented aliases of the service are accepted
 * (`KeyVault` → `AzureKeyVault`). Throws TW_UNKNOWN_REGION for an unknown region and TW_UNKNOWN_TAG, with the
 * regions where the service does exist, when it has no tag there.
 */
export function regionalTagName(snapshot: Snapshot, service: string, region: string | Region): string {
  const resolved = typeof region === 'string' ? snapshot.resolveRegion(region) : region;
  const name = findRegionalTag(snapshot, service, resolved);
  if (name !== undefined) return name;
  throw missingInRegion(snapshot, `${service}.${typeof region === 'string' ? region : region.tagSuffix}`, service, resolved);
}

/** Like regionalTagName, but undefined when there is no such tag. */
export function findRegionalTag(snapshot: Snapshot, service: string, region: Region): string | undefined {
  const canonical = serviceAlias(service) ?? service;
  for (const suffix of [region.tagSuffix, region.internalName, region.armName]) {
    const tag = snapshot.tag(`${canonical}.${suffix}`);
    if (tag) return tag.name;
  }
  return undefined;
}

/** The tags named `<service>.<something>` (service part ignoring case), regional or not, in file order. */
export function subTagsOf(snapshot: Snapshot, service: string): ServiceTagInfo[] {
  const prefix = `${(serviceAlias(service) ?? service).toLowerCase()}.`;
  return snapshot.tags().filter((tag) => tag.name.toLowerCase().startsWith(prefix));
}

/**
 * TW_UNKNOWN_TAG for `requested`, whose service exists but not in `region` (undefined: the region part named no
 * region): says where the service does exist, suggesting the paired region's tag first, then the closest names.
 */
export function missingInRegion(
  snapshot: Snapshot,
  requested: string,
  service: string,
  region: Region | undefined,
  regionText?: string,
): TagwallError {
  const cloud = snapshot.info.cloud;
  const available = subTagsOf(snapshot, service);
  const canonical = available[0] ? splitTagName(available[0].name).service : (serviceAlias(service) ?? service);
  const where = region
    ? `${canonical} has no tag for region ${region.armName} in the ${cloud} snapshot`
    : whyNoRegion(cloud, regionText ?? '');
  const count = new Set(available.filter((tag) => tag.region !== '').map((tag) => tag.region)).size;
  const exists = count > 0 ? `; ${canonical} has regional tags in ${count} region${count === 1 ? '' : 's'}` : '';
  const pair = region?.pairedRegion ? snapshot.regions().find((candidate) => candidate.armName === region.pairedRegion) : undefined;
  const paired = pair ? findRegionalTag(snapshot, canonical, pair) : undefined;
  const closest = nearest(requested, available.map((tag) => tag.name), 5, Number.POSITIVE_INFINITY);
  const suggestions = [...new Set([...(paired ? [paired] : []), ...closest])].slice(0, 5);
  return new TagwallError('TW_UNKNOWN_TAG', `no service tag '${requested}': ${where}${exists}`, { suggestions });
}
