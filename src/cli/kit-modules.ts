/**
 * The target kits' modules, one getter each, as the CLI reaches them (target-kits.ts). Here each getter hands over
 * a module imported with this one; the CLI bundle takes src/cli/bundled-kit-modules.ts for this module
 * (scripts/tsup.config.ts), where each kit's module is initialised on its first call, so `render --target nftables`
 * initialises the nftables kit and not the seven others (issue 22).
 */
import * as firewall from '../targets/azure/firewall/index.js';
import * as managedNetwork from '../targets/azure/managed-network/index.js';
import * as nsg from '../targets/azure/nsg/index.js';
import * as udr from '../targets/azure/udr/index.js';
import * as iptables from '../targets/netfilter/iptables/index.js';
import * as nftables from '../targets/netfilter/nftables/index.js';
import * as panos from '../targets/panos/index.js';

export interface KitModules {
  /** azure-firewall and azure-firewall-classic. */
  readonly firewall: () => typeof firewall;
  readonly managedNetwork: () => typeof managedNetwork;
  readonly nsg: () => typeof nsg;
  readonly udr: () => typeof udr;
  readonly iptables: () => typeof iptables;
  readonly nftables: () => typeof nftables;
  readonly panos: () => typeof panos;
}

export const KIT_MODULES: KitModules = {
  firewall: () => firewall,
  managedNetwork: () => managedNetwork,
  nsg: () => nsg,
  udr: () => udr,
  iptables: () => iptables,
  nftables: () => nftables,
  panos: () => panos,
};
