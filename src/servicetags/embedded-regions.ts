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
