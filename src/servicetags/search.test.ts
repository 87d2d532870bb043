import { describe, expect, it } from 'vitest';
import { expandTagPatterns, findTags, isGlob } from './search.js';
import { defaultSnapshot } from './snapshot.js';
import { expectTagwallError } from './test-fixtures.js';

const gov = defaultSnapshot('AzureGovernment');

describe('expandTagPatterns', () => {
  it('takes names and globs together', () => {
    const { tags, addresses } = expandTagPatterns(gov, ['storage.usgovvirginia', 'Sql.USDoD*']);
    expect(tags.map((tag) => [tag.requested, tag.name])).toEqual([
      ['storage.usgovvirginia', 'Storage.USGovVirginia'],
      ['Sql.USDoD*', 'Sql.USDoDCentral'],
      ['Sql.USDoD*', 'Sql.USDoDEast'],
    ]);
    expect(addresses.equals(gov.expand(['Storage.USGovVirginia', 'Sql.USDoDCentral', 'Sql.USDoDEast']).addresses)).toBe(true);
  });

  it('a glob that matches nothing and an unknown name are TW_UNKNOWN_TAG', () => {
    expectTagwallError(() => expandTagPatterns(gov, ['Nothing.*']), 'TW_UNKNOWN_TAG');
    expectTagwallError(() => expandTagPatterns(gov, ['Storage.WestUS']), 'TW_UNKNOWN_TAG');
  });

  it('treats only glob syntax as a glob', () => {
    expect(['Storage.*', 'Sql.USGov?', '{A,B}', '[ab]', '!x'].every(isGlob)).toBe(true);
    expect(['Storage.WestUS', 'AzureFrontDoor.Frontend', 'Keyvault.westus'].some(isGlob)).toBe(false);
  });
});

describe('findTags', () => {
  it('filters by region (any of its names) and by text or glob', () => {
    const texas = findTags(gov, { region: 'usgovtexas' });
    expect(texas.length).toBeGreaterThan(40);
    expect(texas.every((tag) => tag.region === 'usgovtexas')).toBe(true);
    expect(texas.map((tag) => tag.name)).toContain('AzurePortal.AzureAppServiceUx');
    expect(findTags(gov, { region: 'USGovTexas', search: 'storage' }).map((tag) => tag.name)).toEqual([
      'Storage.USGovTexas',
      'StorageSyncService.USGovTexas',
    ]);
    expect(findTags(gov, { search: 'AzureCloud.*' }).map((tag) => tag.name)).toEqual(gov.match('AzureCloud.*').sort());
    expect(findTags(gov)).toHaveLength(gov.info.tagCount);
    const france = findTags(defaultSnapshot('Public'), { region: 'francecentral', search: 'AzureCloud' });
    expect(france.map((tag) => tag.name)).toEqual(['AzureCloud.centralfrance']);
    expectTagwallError(() => findTags(gov, { region: 'westus' }), 'TW_UNKNOWN_REGION');
  });
});
