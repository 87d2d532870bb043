/**
 * The Azure target kits, one dynamic import for the family (target-kits.ts): fewer entry points give the
 * bundler fewer combinations to split shared code by, so a command links fewer chunks (issue 22).
 */
export { amlManagedNetworkTarget } from '../targets/azure/managed-network/index.js';
export { azureFirewallClassicTarget, azureFirewallTarget } from '../targets/azure/firewall/index.js';
export { nsgTarget } from '../targets/azure/nsg/index.js';
export { udrTarget } from '../targets/azure/udr/index.js';
