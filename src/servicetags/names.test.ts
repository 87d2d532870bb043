import { describe, expect, it } from 'vitest';
import { defaultSnapshot, loadSnapshotFile } from './snapshot.js';
import { expectTagwallError, FIXTURES } from './test-fixtures.js';

// The embedded snapshots equal the newest fixture of each cloud (embedded.test.ts), so the README's name checks
// for Public 20251028, AzureGovernment 20260720 and China 20260720 apply to them.
const publicSnapshot = defaultSnapshot('Public');
const gov = defaultSnapshot('AzureGovernment');
const china = defaultSnapshot('China');

describe('README name checks', () => {
  const cases = [
    { snapshot: publicSnapshot, name: 'AzureMachineLearning', count: 336, systemService: 'AzureMachineLearning' },
    { snapshot: publicSnapshot, name: 'BatchNodeManagement.EastUS2', count: 16, systemService: 'BatchNodeManagement' },
    { snapshot: publicSnapshot, name: 'Storage.WestUS', count: 95, systemService: 'AzureStorage' },
    { snapshot: publicSnapshot, name: 'AzureFrontDoor.FirstParty', count: 68, systemService: 'AzureFrontDoor' },
    { snapshot: publicSnapshot, name: 'MicrosoftContainerRegistry.EastUS', count: 6, systemService: 'MicrosoftContainerRegistry' },
    { snapshot: publicSnapshot, name: 'AzureContainerRegistry.EastUS', count: 22, systemService: 'AzureContainerRegistry' },
    { snapshot: publicSnapshot, name: 'AzureKeyVault.EastUS', count: 12, systemService: 'AzureKeyVault' },
    { snapshot: publicSnapshot, name: 'AzureActiveDirectory', count: 216, systemService: 'AzureAD' },
    { snapshot: publicSnapshot, name: 'AzureResourceManager', count: 376, systemService: 'AzureResourceManager' },
    { snapshot: publicSnapshot, name: 'AzureMonitor', count: 2499, systemService: 'AzureMonitor' },
    { snapshot: gov, name: 'AzureMachineLearning', count: 40, systemService: 'AzureMachineLearning' },
    { snapshot: gov, name: 'AzureActiveDirectory', count: 37, systemService: 'AzureAD' },
    { snapshot: gov, name: 'AzureMonitor', count: 164, systemService: 'AzureMonitor' },
    { snapshot: china, name: 'AzureMachineLearning', count: 46, systemService: 'AzureMachineLearning' },
    { snapshot: china, name: 'AzureActiveDirectory', count: 44, systemService: 'AzureIdentity' },
    { snapshot: china, name: 'AzureResourceManager', count: 28, systemService: 'AzureResourceManager' },
  ];
  for (const c of cases) {
    it(`${c.snapshot.info.cloud}: ${c.name} has ${c.count} prefixes`, () => {
      const resolution = c.snapshot.resolve(c.name);
      expect(resolution).toEqual({ requested: c.name, name: c.name });
      expect(c.snapshot.prefixes(c.name)).toHaveLength(c.count);
      expect(c.snapshot.tag(c.name)?.systemService).toBe(c.systemService);
    });
  }

  it('AzureFrontDoor.FrontEnd is AzureFrontDoor.Frontend in every cloud, with a note', () => {
    for (const [snapshot, count, systemService] of [
      [publicSnapshot, 192, ''],
      [gov, 68, 'ElasticAFD'],
      [china, 16, 'ElasticAFD'],
    ] as const) {
      const resolution = snapshot.resolve('AzureFrontDoor.FrontEnd');
      expect(resolution.name).toBe('AzureFrontDoor.Frontend');
      expect(resolution.note).toContain('documentation');
      expect(snapshot.prefixes('AzureFrontDoor.FrontEnd')).toHaveLength(count);
      expect(snapshot.tag('azurefrontdoor.frontend')?.systemService).toBe(systemService);
    }
  });

  it('Public-only names are absent from the sovereign clouds', () => {
    for (const snapshot of [gov, china]) {
      for (const name of ['BatchNodeManagement.EastUS2', 'Storage.WestUS', 'AzureFrontDoor.FirstParty', 'AzureKeyVault.EastUS']) {
        expect(snapshot.tag(name)).toBeUndefined();
        expectTagwallError(() => snapshot.resolve(name), 'TW_UNKNOWN_TAG');
      }
    }
  });
});

describe('resolve', () => {
  it('returns the file spelling, with a note only when it differs', () => {
    expect(publicSnapshot.resolve('Storage.WestUS')).toEqual({ requested: 'Storage.WestUS', name: 'Storage.WestUS' });
    const resolution = publicSnapshot.resolve('storage.westus');
    expect(resolution.name).toBe('Storage.WestUS');
    expect(resolution.note).toMatch(/spelled 'Storage.WestUS'/);
    expect(publicSnapshot.resolve('  AzureCloud ').name).toBe('AzureCloud');
  });

  it('maps documentation spellings of Key Vault and Container Registry', () => {
    for (const [written, name] of [
      ['Keyvault.EastUS', 'AzureKeyVault.EastUS'],
      ['KeyVault.eastus', 'AzureKeyVault.EastUS'],
      ['keyvault.francecentral', 'AzureKeyVault.FranceCentral'],
      ['ContainerRegistry.EastUS', 'AzureContainerRegistry.EastUS'],
      ['containerregistry.germanywestcentral', 'AzureContainerRegistry.GermanyWestCentral'],
      ['KeyVault', 'AzureKeyVault'],
    ] as const) {
      const resolution = publicSnapshot.resolve(written);
      expect(resolution.name).toBe(name);
      expect(resolution.note).toContain('documentation spelling');
    }
    expect(gov.resolve('KeyVault.USGovVirginia').name).toBe('AzureKeyVault.USGovVirginia');
  });

  it('maps a region part given as ARM, internal or display name', () => {
    for (const [written, name] of [
      ['Storage.francecentral', 'Storage.FranceCentral'],
      ['Storage.centralfrance', 'Storage.FranceCentral'],
      ['AzureCloud.francecentral', 'AzureCloud.centralfrance'],
      ['AzureCloud.FranceCentral', 'AzureCloud.centralfrance'],
      ['AzureCloud.France Central', 'AzureCloud.centralfrance'],
      ['Storage.germanywc', 'Storage.GermanyWestCentral'],
      ['AzureCloud.germanywestcentral', 'AzureCloud.germanywc'],
      ['Sql.brazilse', 'Sql.BrazilSoutheast'],
      ['AzureCloud.brazilsoutheast', 'AzureCloud.brazilse'],
    ] as const) {
      const resolution = publicSnapshot.resolve(written);
      expect(resolution.name).toBe(name);
      expect(resolution.note).toBeDefined();
    }
    expect(gov.resolve('Storage.usgovvirginia').name).toBe('Storage.USGovVirginia');
    expect(gov.resolve('AzureCloud.USGovVirginia').name).toBe('AzureCloud.usgovvirginia');
  });

  it('an unknown name suggests the nearest real names', () => {
    const error = expectTagwallError(() => publicSnapshot.resolve('Strage.WestUS'), 'TW_UNKNOWN_TAG');
    expect(error.suggestions[0]).toBe('Storage.WestUS');
    expect(error.suggestions.length).toBeLessThanOrEqual(5);
    expect(expectTagwallError(() => publicSnapshot.resolve('AzureMonitr'), 'TW_UNKNOWN_TAG').suggestions[0]).toBe('AzureMonitor');
    expect(expectTagwallError(() => publicSnapshot.resolve('Qwertyuiop'), 'TW_UNKNOWN_TAG').suggestions).toEqual([]);
    expectTagwallError(() => publicSnapshot.resolve(''), 'TW_UNKNOWN_TAG');
  });

  it('a service missing in a region says where it exists, paired region first', () => {
    const westus = expectTagwallError(() => publicSnapshot.resolve('AzureDataLake.WestUS'), 'TW_UNKNOWN_TAG');
    expect(westus.message).toContain('AzureDataLake has no tag for region westus');
    expect(westus.message).toContain('6 regions');
    expect(westus.suggestions.length).toBeGreaterThan(0);
    expect(westus.suggestions.every((name) => name.startsWith('AzureDataLake.'))).toBe(true);
    const paired = expectTagwallError(() => publicSnapshot.resolve('AzureDataLake.australiaeast'), 'TW_UNKNOWN_TAG');
    expect(paired.suggestions[0]).toBe('AzureDataLake.AustraliaSoutheast');
    const internalOnly = expectTagwallError(() => publicSnapshot.resolve('Storage.brazilne'), 'TW_UNKNOWN_TAG');
    expect(internalOnly.message).toContain('Storage has no tag for region brazilne');
  });

  it('a region part that is no region of the cloud says so', () => {
    const gov2 = expectTagwallError(() => gov.resolve('BatchNodeManagement.EastUS2'), 'TW_UNKNOWN_TAG');
    expect(gov2.message).toContain("unknown region 'EastUS2' in the AzureGovernment snapshot");
    expect(gov2.suggestions.length).toBeGreaterThan(0);
    expect(gov2.suggestions.every((name) => name.startsWith('BatchNodeManagement.USDoD') || name.startsWith('BatchNodeManagement.USGov'))).toBe(true);
    const denmark = expectTagwallError(() => publicSnapshot.resolve('Storage.denmarkeast'), 'TW_UNKNOWN_TAG');
    expect(denmark.message).toContain("region 'denmarkeast' is an Azure region, but the Public snapshot has no service tags for it");
  });

  it('resolves the same in a file-loaded snapshot', () => {
    const file = loadSnapshotFile(FIXTURES.gov20251028);
    expect(file.resolve('storage.usgovtexas').name).toBe('Storage.USGovTexas');
    expect(file.resolve('AzureFrontDoor.FrontEnd').name).toBe('AzureFrontDoor.Frontend');
  });
});
