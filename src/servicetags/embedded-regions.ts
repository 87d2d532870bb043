/**
 * The ARM names of the regions of each embedded snapshot (`defaultSnapshot(cloud).regions()`), for code that needs
 * them without reading a snapshot: reading the Public one for its regions costs ~3 ms of a cold run (issue 22), a
 * run against a user's `--snapshot FILE` does not read it at all, and the catalogue only needs the names
 * (src/catalogue/build.ts vettedWildcardSuffixes). `npm run snapshots` (scripts/build-snapshots.ts) writes this list
 * from the snapshots it embeds; embedded-regions.test.ts fails if the two ever disagree.
 */
import type { Cloud } from './cloud.js';

export const EMBEDDED_REGIONS: Readonly<Record<Cloud, readonly string[]>> = {
  Public: [
    'australiacentral', 'australiacentral2', 'australiaeast', 'australiasoutheast', 'austriaeast', 'belgiumcentral',
    'brazilne', 'brazilsouth', 'brazilsoutheast', 'canadacentral', 'canadaeast', 'centralindia', 'centralus',
    'centraluseuap', 'chilecentral', 'eastasia', 'eastus', 'eastus2', 'eastus2euap', 'francecentral', 'francesouth',
    'germanynorth', 'germanywestcentral', 'indonesiacentral', 'israelcentral', 'israelnorthwest', 'italynorth',
    'japaneast', 'japanwest', 'jioindiacentral', 'jioindiawest', 'koreacentral', 'koreasouth', 'malaysiasouth',
    'malaysiawest', 'mexicocentral', 'newzealandnorth', 'northcentralus', 'northeurope', 'northeurope2', 'norwayeast',
    'norwaywest', 'polandcentral', 'qatarcentral', 'southafricanorth', 'southafricawest', 'southcentralus',
    'southcentralus2', 'southeastasia', 'southeastus', 'southeastus3', 'southindia', 'spaincentral', 'swedencentral',
    'swedensouth', 'switzerlandnorth', 'switzerlandwest', 'taiwannorth', 'taiwannorthwest', 'uaecentral', 'uaenorth',
    'uksouth', 'ukwest', 'usstagec', 'usstagee', 'westcentralus', 'westeurope', 'westindia', 'westus', 'westus2',
    'westus3',
  ],
  AzureGovernment: ['usdodcentral', 'usdodeast', 'usgovarizona', 'usgovtexas', 'usgovvirginia'],
  China: ['chinaeast', 'chinaeast2', 'chinaeast3', 'chinanorth', 'chinanorth2', 'chinanorth3'],
};

/** What an embedded snapshot's regions are built from: its internal region names with their tag suffixes. */
export interface EmbeddedRegionSuffixes {
  /** The snapshot these were read from: defaultSnapshot uses them only for a file with this change number and tag count. */
  readonly changeNumber: number;
  readonly tagCount: number;
  /** Each internal region name and the tag suffix its tags elect (regions.ts tagSuffixes), in the regions' order. */
  readonly suffixes: ReadonlyArray<readonly [internalName: string, tagSuffix: string]>;
}

/**
 * The regions of each embedded snapshot as the vote over its ~3,000 tags elects them, counted when the snapshot was
 * built: defaultSnapshot's region index starts from these (issue 22: the vote was ~1 ms of a cold `render --scenario`).
 * Written by `npm run snapshots` with EMBEDDED_REGIONS; embedded-regions.test.ts fails if they disagree with the vote.
 */
export const EMBEDDED_REGION_SUFFIXES: Readonly<Record<Cloud, EmbeddedRegionSuffixes>> = {
  Public: {
    changeNumber: 375,
    tagCount: 3039,
    suffixes: [
      ['australiacentral', 'AustraliaCentral'], ['australiacentral2', 'AustraliaCentral2'],
      ['australiaeast', 'AustraliaEast'], ['australiasoutheast', 'AustraliaSoutheast'], ['austriaeast', 'AustriaEast'],
      ['belgiumcentral', 'BelgiumCentral'], ['brazilne', 'brazilne'], ['brazilsouth', 'BrazilSouth'],
      ['brazilse', 'BrazilSoutheast'], ['canadacentral', 'CanadaCentral'], ['canadaeast', 'CanadaEast'],
      ['centralindia', 'CentralIndia'], ['centralus', 'CentralUS'], ['centraluseuap', 'CentralUSEUAP'],
      ['chilec', 'ChileCentral'], ['eastasia', 'EastAsia'], ['eastus', 'EastUS'], ['eastus2', 'EastUS2'],
      ['eastus2euap', 'EastUS2EUAP'], ['centralfrance', 'FranceCentral'], ['southfrance', 'FranceSouth'],
      ['germanyn', 'GermanyNorth'], ['germanywc', 'GermanyWestCentral'], ['indonesiacentral', 'IndonesiaCentral'],
      ['israelcentral', 'IsraelCentral'], ['israelnorthwest', 'IsraelNorthwest'], ['italynorth', 'ItalyNorth'],
      ['japaneast', 'JapanEast'], ['japanwest', 'JapanWest'], ['jioindiacentral', 'JioIndiaCentral'],
      ['jioindiawest', 'JioIndiaWest'], ['koreacentral', 'KoreaCentral'], ['koreasouth', 'KoreaSouth'],
      ['malaysiasouth', 'MalaysiaSouth'], ['malaysiawest', 'MalaysiaWest'], ['mexicocentral', 'MexicoCentral'],
      ['newzealandnorth', 'NewZealandNorth'], ['northcentralus', 'NorthCentralUS'], ['northeurope', 'NorthEurope'],
      ['northeurope2', 'northeurope2'], ['norwaye', 'NorwayEast'], ['norwayw', 'NorwayWest'],
      ['polandcentral', 'PolandCentral'], ['qatarcentral', 'QatarCentral'], ['southafricanorth', 'SouthAfricaNorth'],
      ['southafricawest', 'SouthAfricaWest'], ['southcentralus', 'SouthCentralUS'],
      ['southcentralus2', 'SouthCentralUS2'], ['southeastasia', 'SoutheastAsia'], ['southeastus', 'SoutheastUS'],
      ['southeastus3', 'SoutheastUS3'], ['southindia', 'SouthIndia'], ['spaincentral', 'SpainCentral'],
      ['swedencentral', 'SwedenCentral'], ['swedensouth', 'SwedenSouth'], ['switzerlandn', 'SwitzerlandNorth'],
      ['switzerlandw', 'SwitzerlandWest'], ['taiwannorth', 'TaiwanNorth'], ['taiwannorthwest', 'TaiwanNorthwest'],
      ['uaecentral', 'UAECentral'], ['uaenorth', 'UAENorth'], ['uksouth', 'UKSouth'], ['ukwest', 'UKWest'],
      ['usstagec', 'SouthCentralUSSTG'], ['usstagee', 'EastUSSTG'], ['westcentralus', 'WestCentralUS'],
      ['westeurope', 'WestEurope'], ['westindia', 'WestIndia'], ['westus', 'WestUS'], ['westus2', 'WestUS2'],
      ['westus3', 'WestUS3'],
    ],
  },
  AzureGovernment: {
    changeNumber: 402,
    tagCount: 299,
    suffixes: [
      ['usdodcentral', 'USDoDCentral'], ['usdodeast', 'USDoDEast'], ['usgovarizona', 'USGovArizona'],
      ['usgovtexas', 'USGovTexas'], ['usgovvirginia', 'USGovVirginia'],
    ],
  },
  China: {
    changeNumber: 405,
    tagCount: 327,
    suffixes: [
      ['chinaeast', 'ChinaEast'], ['chinaeast2', 'ChinaEast2'], ['chinaeast3', 'ChinaEast3'],
      ['chinanorth', 'ChinaNorth'], ['chinanorth2', 'ChinaNorth2'], ['chinanorth3', 'ChinaNorth3'],
    ],
  },
};
