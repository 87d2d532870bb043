/**
 * The `nsg` target's options: one declaration each (option-schema.ts); the CLI flags and docs come from here,
 * and readNsgOptions reads the (already validated) values for the build.
 * - `denyScope`: the final rule of each direction. `deny-all` (`*` → `*`) leaves the requirements' allow rules
 *   only; `deny-internet` (`*` → `Internet` outbound, `Internet` → `*` inbound, as the 2019 Azure ML network
 *   article's NSG does) keeps the default rules' VNet traffic (AllowVnetOutBound: peered VNets, private endpoints,
 *   a custom DNS server) and load-balancer probes. Default: `deny-internet` when what it adds over `deny-all` is all
 *   required (it is then exact and the shorter list), `deny-all` otherwise.
 * - `forcedTunnelling`: a route sends 0.0.0.0/0 to a firewall. The NSG judges the packet as the workload sent it
 *   (a route changes the next hop, not the destination address), so host-name flows must be let out towards
 *   `Internet` on their protocol and ports for the firewall to filter them by name.
 * - `globalTags`: see azure/common/tag-features.ts.
 */
import { AZURE_FORMATS } from '../common/formats.js';
import { defineOptions, formatOptionSpec } from '../../option-schema.js';
import { booleanOption, invalidOption, stringOption } from '../../options.js';
import type { TargetOptionValues } from '../../target.js';

export const NSG_TARGET_ID = 'nsg' as const;

export const DENY_SCOPES = ['deny-all', 'deny-internet'] as const;
export type DenyScope = (typeof DENY_SCOPES)[number];

export const NSG_OPTIONS = defineOptions([
  formatOptionSpec(AZURE_FORMATS),
  {
    name: 'resolve',
    type: 'file',
    doc: 'host names you resolved yourself, one name=address[,address] a line (a file on the command line)',
    uses: ['render'],
    placeholder: '<file>',
  },
  {
    name: 'denyScope',
    type: 'choice',
    choices: DENY_SCOPES,
    doc: 'the final deny rule, deny-all or deny-internet (default: the one exact for the requirements)',
    uses: ['render'],
    placeholder: '<scope>',
  },
  {
    name: 'forcedTunnelling',
    type: 'boolean',
    doc: 'a route sends 0.0.0.0/0 to a firewall: host-name flows go out to Internet for it to filter (off by default, also for scenario forced-tunnelling)',
    uses: ['render'],
  },
  { name: 'globalTags', type: 'boolean', doc: 'name an accepted global tag where a regional one is not accepted (wider: a warning)', uses: ['render'] },
]);

export interface NsgOptions {
  /** Undefined: chosen per direction, the exact one. */
  readonly denyScope: DenyScope | undefined;
  /** Undefined when not given: off (build.ts), even for the forced-tunnelling scenario, whose host-name flows are then reported lost. */
  readonly forcedTunnelling: boolean | undefined;
  readonly globalTags: boolean;
}

export function readNsgOptions(options: TargetOptionValues): NsgOptions {
  const scope = stringOption(options, 'denyScope')?.toLowerCase();
  if (scope !== undefined && !(DENY_SCOPES as readonly string[]).includes(scope)) {
    throw invalidOption(NSG_TARGET_ID, `denyScope must be ${DENY_SCOPES.join(' or ')}, not '${scope}'`);
  }
  return {
    denyScope: scope as DenyScope | undefined,
    forcedTunnelling: options['forcedTunnelling'] === undefined ? undefined : booleanOption(options, 'forcedTunnelling', NSG_TARGET_ID),
    globalTags: booleanOption(options, 'globalTags', NSG_TARGET_ID),
  };
}
