/**
 * Every kit's `detect` by target id, from the kits' light detect.ts modules: the CLI tells a bare config file's
 * kind with these and initialises only the kit that claims it, where asking each kit would initialise all eight
 * with their parsers (issue 22). The kits' index.ts use the same functions, and test/cli-lazy.test.ts checks each
 * entry is its kit's `detect`, so they cannot drift.
 */
import { detectFirewallClassic, detectFirewallPolicy } from './azure/firewall/detect.js';
import { looksLikeManagedNetwork } from './azure/managed-network/detect.js';
import { looksLikeNsg } from './azure/nsg/detect.js';
import { looksLikeRouteTable } from './azure/udr/detect.js';
import { looksLikeIptables } from './netfilter/iptables/detect.js';
import { detectNftables } from './netfilter/nftables/detect.js';
import { looksLikePanos } from './panos/detect.js';

export const TARGET_DETECTORS: Readonly<Record<string, (content: string) => boolean>> = {
  'aml-managed-network': looksLikeManagedNetwork,
  'azure-firewall': detectFirewallPolicy,
  'azure-firewall-classic': detectFirewallClassic,
  iptables: looksLikeIptables,
  nftables: detectNftables,
  nsg: looksLikeNsg,
  panos: looksLikePanos,
  udr: looksLikeRouteTable,
};

/** The id of the one kit whose `detect` claims this config text, if exactly one does (registry.ts `detectTarget`). */
export function detectedTargetId(content: string): string | undefined {
  const matches = Object.keys(TARGET_DETECTORS).filter((id) => TARGET_DETECTORS[id]!(content));
  return matches.length === 1 ? matches[0] : undefined;
}
