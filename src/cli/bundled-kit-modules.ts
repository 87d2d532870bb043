/**
 * src/cli/kit-modules.ts as the CLI bundle has it (scripts/tsup.config.ts swaps one for the other): each kit's module
 * is required on the getter's first call, which esbuild turns into that module's lazy initialiser in
 * dist/cli-main.cjs (issue 22).
 */
import { lazy } from '../internal/lazy.js';
import type { KitModules } from './kit-modules.js';

type Kit<Name extends keyof KitModules> = ReturnType<KitModules[Name]>;

export const KIT_MODULES: KitModules = {
  firewall: lazy(() => require('../targets/azure/firewall/index.js') as Kit<'firewall'>),
  managedNetwork: lazy(() => require('../targets/azure/managed-network/index.js') as Kit<'managedNetwork'>),
  nsg: lazy(() => require('../targets/azure/nsg/index.js') as Kit<'nsg'>),
  udr: lazy(() => require('../targets/azure/udr/index.js') as Kit<'udr'>),
  iptables: lazy(() => require('../targets/netfilter/iptables/index.js') as Kit<'iptables'>),
  nftables: lazy(() => require('../targets/netfilter/nftables/index.js') as Kit<'nftables'>),
  panos: lazy(() => require('../targets/panos/index.js') as Kit<'panos'>),
};
