import { describe, expect, it } from 'vitest';
import { environmentOf } from './cloud.js';
import { REGION_DATA } from './region-data.js';
import { buildRegions, pairedRegion, regionalTagName, regionsOfSuffixes } from './regions.js';
import { defaultSnapshot } from './snapshot.js';
import { splitTagName } from './spellings.js';
import { expectTagwallError } from './test-fixtures.js';

const publicSnapshot = defaultSnapshot('Public');
const gov = defaultSnapshot('AzureGovernment');
const china = defaultSnapshot('China');

describe('regions of a snapshot', () => {
  it.each([publicSnapshot, gov, china])('from the embedded columns equal those built from every tag name ($info.cloud)', (snapshot) => {
    // Snapshot#regionIndex reads each name's suffix from the embedded dictionaries without building the names.
    const fromNames = buildRegions(snapshot.info.cloud, snapshot.tags());
    expect(fromNames.length).toBeGreaterThan(3);
    expect(snapshot.regions()).toEqual(fromNames);
  });

  // regionsOfSuffixes looks records up by maps (issue 22): each region must get the record the two scans found, the
  // first by service-tag region, else the first by ARM name, for names of either kind, unknown ones and duplicates.
  it.each(['Public', 'AzureGovernment', 'China'] as const)('joins each name to the record a scan of the data finds (%s)', (cloud) => {
    const records = REGION_DATA[environmentOf(cloud)];
    const names = [...records.flatMap((record) => [record.name, ...(typeof record.serviceTagRegion === 'string' ? [record.serviceTagRegion] : [])]), 'nowhere', 'null'];
    const regions = regionsOfSuffixes(cloud, names.map((name, index) => [name, `Suffix${index}`] as const));
    expect(regions).toHaveLength(names.length);
    for (const region of regions) {
      const record = records.find((candidate) => candidate.serviceTagRegion === region.internalName) ?? records.find((candidate) => candidate.name === region.internalName);
      expect(region.armName).toBe(record?.name ?? region.internalName);
      expect(region.displayName).toBe(record?.displayName);
      expect(region.pairedRegion).toBe(record?.pairedRegion);
    }
  });

  it('joins the internal name, the tag suffix and the ARM data', () => {
    expect(publicSnapshot.resolveRegion('francecentral')).toEqual({
      armName: 'francecentral',
      displayName: 'France Central',
      tagSuffix: 'FranceCentral',
      internalName: 'centralfrance',
      pairedRegion: 'francesouth',
    });
    for (const [arm, internal, suffix] of [
      ['germanywestcentral', 'germanywc', 'GermanyWestCentral'],
      ['brazilsoutheast', 'brazilse', 'BrazilSoutheast'],
      ['chilecentral', 'chilec', 'ChileCentral'],
      ['norwayeast', 'norwaye', 'NorwayEast'],
      ['switzerlandwest', 'switzerlandw', 'SwitzerlandWest'],
      ['westus', 'westus', 'WestUS'],
      ['eastus2', 'eastus2', 'EastUS2'],
    ] as const) {
      const region = publicSnapshot.resolveRegion(arm);
      expect([region.internalName, region.tagSuffix]).toEqual([internal, suffix]);
    }
  });

  it('finds a region by any of its names, ignoring case', () => {
    for (const input of ['francecentral', 'FRANCECENTRAL', 'centralfrance', 'FranceCentral', 'France Central', 'france central ']) {
      expect(publicSnapshot.resolveRegion(input).armName).toBe('francecentral');
    }
    expect(publicSnapshot.resolveRegion('germanywc').armName).toBe('germanywestcentral');
    expect(publicSnapshot.resolveRegion('Brazil Southeast').internalName).toBe('brazilse');
    expect(gov.resolveRegion('US Gov Virginia'.replace(/ /g, '')).tagSuffix).toBe('USGovVirginia');
  });

  it('keeps stage variants and misfiled tags out of the suffix', () => {
    expect(publicSnapshot.resolveRegion('eastus2').tagSuffix).toBe('EastUS2'); // not EastUS2Stage
    expect(publicSnapshot.resolveRegion('northcentralus').tagSuffix).toBe('NorthCentralUS');
    expect(gov.resolveRegion('usgovtexas').tagSuffix).toBe('USGovTexas'); // not AzureAppServiceUx
    expect(publicSnapshot.resolveRegion('usstagec').tagSuffix).toBe('SouthCentralUSSTG');
    expect(publicSnapshot.resolveRegion('brazilne')).toMatchObject({ tagSuffix: 'brazilne', pairedRegion: undefined });
  });

  it('covers every region of every regional tag', () => {
    for (const snapshot of [publicSnapshot, gov, china]) {
      const internal = new Set(snapshot.tags().filter((tag) => tag.region !== '').map((tag) => tag.region));
      expect(new Set(snapshot.regions().map((region) => region.internalName))).toEqual(internal);
      for (const region of snapshot.regions()) expect(snapshot.tag(`AzureCloud.${region.internalName}`)).toBeDefined();
    }
    expect(publicSnapshot.regions()).toHaveLength(71);
    expect(gov.regions().map((region) => region.armName)).toEqual(['usdodcentral', 'usdodeast', 'usgovarizona', 'usgovtexas', 'usgovvirginia']);
    expect(china.regions()).toHaveLength(6);
  });

  it('every region in the pairs data with a serviceTagRegion is found by its ARM name', () => {
    for (const record of REGION_DATA.AzureCloud) {
      if (!record.serviceTagRegion) continue;
      expect(publicSnapshot.resolveRegion(record.name).internalName).toBe(record.serviceTagRegion);
    }
  });

  it('an unknown region is TW_UNKNOWN_REGION with suggestions', () => {
    const typo = expectTagwallError(() => publicSnapshot.resolveRegion('westu'), 'TW_UNKNOWN_REGION');
    expect(typo.suggestions).toContain('westus');
    const notHere = expectTagwallError(() => gov.resolveRegion('westus'), 'TW_UNKNOWN_REGION');
    expect(notHere.message).toContain("unknown region 'westus' in the AzureGovernment snapshot");
    const noTags = expectTagwallError(() => publicSnapshot.resolveRegion('denmarkeast'), 'TW_UNKNOWN_REGION');
    expect(noTags.message).toContain('is an Azure region');
    expect(publicSnapshot.findRegion('nowhere')).toBeUndefined();
  });
});

describe('regionalTagName', () => {
  it('names the tag of a service in a region', () => {
    expect(regionalTagName(publicSnapshot, 'Storage', 'westus')).toBe('Storage.WestUS');
    expect(regionalTagName(publicSnapshot, 'AzureCloud', 'francecentral')).toBe('AzureCloud.centralfrance');
    expect(regionalTagName(publicSnapshot, 'storage', 'germanywc')).toBe('Storage.GermanyWestCentral');
    expect(regionalTagName(publicSnapshot, 'AzureCloud', 'Brazil Southeast')).toBe('AzureCloud.brazilse');
    expect(regionalTagName(publicSnapshot, 'KeyVault', 'westus')).toBe('AzureKeyVault.WestUS');
    expect(regionalTagName(gov, 'Storage', 'usgovvirginia')).toBe('Storage.USGovVirginia');
    expect(regionalTagName(china, 'AzureKeyVault', 'chinaeast2')).toBe('AzureKeyVault.ChinaEast2');
    expect(regionalTagName(publicSnapshot, 'Sql', publicSnapshot.resolveRegion('swedencentral'))).toBe('Sql.SwedenCentral');
  });

  it('agrees with every regional tag of every snapshot, stage variants aside', () => {
    for (const snapshot of [publicSnapshot, gov, china]) {
      for (const tag of snapshot.tags()) {
        if (tag.region === '') continue;
        const region = snapshot.resolveRegion(tag.region);
        const { service, region: suffix } = splitTagName(tag.name);
        if (suffix !== region.tagSuffix && suffix !== region.internalName) continue;
        expect(regionalTagName(snapshot, service, region.armName)).toBe(tag.name);
      }
    }
  });

  it('fails with TW_UNKNOWN_TAG or TW_UNKNOWN_REGION', () => {
    const missing = expectTagwallError(() => regionalTagName(publicSnapshot, 'AzureDataLake', 'westus'), 'TW_UNKNOWN_TAG');
    expect(missing.suggestions.every((name) => name.startsWith('AzureDataLake.'))).toBe(true);
    expectTagwallError(() => regionalTagName(gov, 'BatchNodeManagement', 'eastus2'), 'TW_UNKNOWN_REGION');
  });
});

describe('pairedRegion', () => {
  it('reads the pairs data per cloud', () => {
    expect(pairedRegion('Public', 'westus')).toBe('eastus');
    expect(pairedRegion('Public', 'WestUS3')).toBe('eastus');
    expect(pairedRegion('Public', 'brazilsouth')).toBe('southcentralus');
    expect(pairedRegion('Public', 'austriaeast')).toBeNull();
    expect(pairedRegion('Public', 'swedensouth')).toBeUndefined();
    expect(pairedRegion('AzureGovernment', 'usgovvirginia')).toBe('usgovtexas');
    expect(pairedRegion('AzureGovernment', 'usgovtexas')).toBe('usgovarizona');
    expect(pairedRegion('China', 'chinanorth3')).toBe('chinaeast3');
    expect(pairedRegion('China', 'westus')).toBeUndefined();
  });
});
