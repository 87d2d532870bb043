/**
 * The `aml-managed-network` target's options: one declaration each (option-schema.ts; the CLI flags and docs come
 * from here), and readAmlOptions reads the validated values for the build and the parser.
 * Facts (⚠ where the stored Microsoft text was not found; see docs/targets/azure.md "aml-managed-network"):
 * - Isolation modes `allow_internet_outbound` and `allow_only_approved_outbound`; FQDN and service-tag outbound
 *   rules are "only valid when the managed VNet is configured to allow_only_approved_outbound"
 *   (MicrosoftDocs/azure-docs articles/machine-learning/how-to-managed-network.md, "Configure a managed virtual
 *   network to allow only approved outbound"). The default here is approved-only: the allow-list tagwall renders.
 * - FQDN rules are carried by the managed Azure Firewall and name no port: they allow HTTP/HTTPS, ports 80 and 443
 *   (issue 16; ⚠ not in the stored 2024 copy of the article). `fqdnRules=exact` (default) writes one only for a
 *   requirement that asks for both ports; `widen` writes it for any TCP 80/443 requirement, with a warning.
 * - The managed firewall's SKU, `firewall_sku` `standard` (default) or `basic` (azure-ai-ml ManagedNetwork:
 *   "when unspecified this will default to FirewallSku.Standard").
 * - `computes`: the addresses that stand for the managed computes in the analysis (they live in a VNet Microsoft
 *   manages, so a requirement's sources can be matched only as "the workspace's computes"); default VirtualNetwork.
 */
import { TagwallError } from '../../../errors.js';
import { AddressSet } from '../../../model/address-set.js';
import { defineOptions, formatOptionSpec } from '../../option-schema.js';
import { invalidOption, stringOption } from '../../options.js';
import type { TargetOptionValues } from '../../target.js';

export const AML_TARGET_ID = 'aml-managed-network' as const;
export const AML_FORMATS = ['arm', 'bicep', 'terraform', 'yaml'] as const;
export type AmlFormat = (typeof AML_FORMATS)[number];
export type IsolationMode = 'AllowOnlyApprovedOutbound' | 'AllowInternetOutbound';
export type FirewallSku = 'Standard' | 'Basic';

export const AML_OPTIONS = defineOptions([
  formatOptionSpec(AML_FORMATS),
  {
    name: 'isolationMode',
    type: 'choice',
    choices: ['allow-only-approved-outbound', 'allow-internet-outbound'],
    default: 'allow-only-approved-outbound',
    doc: 'allow-only-approved-outbound (default; FQDN and service-tag rules are valid only here) or allow-internet-outbound',
    uses: ['render'],
    placeholder: '<mode>',
  },
  {
    name: 'firewallSku',
    type: 'choice',
    choices: ['standard', 'basic'],
    default: 'standard',
    doc: 'the managed Azure Firewall that carries FQDN rules: standard (default) or basic',
    uses: ['render'],
    placeholder: '<sku>',
  },
  {
    name: 'fqdnRules',
    type: 'choice',
    choices: ['exact', 'widen'],
    default: 'exact',
    doc: 'exact (default): an FQDN rule only for a requirement asking for TCP 80 and 443; widen: for any TCP 80/443 one (a warning)',
    uses: ['render'],
    placeholder: '<mode>',
  },
  {
    name: 'computes',
    type: 'text',
    doc: 'the addresses that stand for the managed computes in the analysis (default VirtualNetwork)',
    uses: ['render', 'parse'],
    placeholder: '<cidrs>',
  },
  {
    name: 'privateEndpoints',
    type: 'text',
    doc: 'private-endpoint rules to declare: name=/subscriptions/.../resource#subresource[,spark], ;-separated',
    uses: ['render'],
    placeholder: '<rules>',
  },
]);

export interface AmlOptions {
  readonly format: AmlFormat;
  readonly isolationMode: IsolationMode;
  readonly firewallSku: FirewallSku;
  readonly fqdnRules: 'exact' | 'widen';
  /** Undefined: the resolver's VirtualNetwork. */
  readonly computes: AddressSet | undefined;
  /** `name=resourceId#subresource[,spark]`, `;`-separated: private-endpoint rules to declare. */
  readonly privateEndpoints: ReadonlyArray<{ readonly name: string; readonly serviceResourceId: string; readonly subresourceTarget: string; readonly sparkEnabled: boolean }>;
}

const MODES: Readonly<Record<string, IsolationMode>> = {
  'allow-only-approved-outbound': 'AllowOnlyApprovedOutbound',
  allow_only_approved_outbound: 'AllowOnlyApprovedOutbound',
  allowonlyapprovedoutbound: 'AllowOnlyApprovedOutbound',
  'allow-internet-outbound': 'AllowInternetOutbound',
  allow_internet_outbound: 'AllowInternetOutbound',
  allowinternetoutbound: 'AllowInternetOutbound',
};

export function isolationModeOf(text: string): IsolationMode | undefined {
  return MODES[text.trim().toLowerCase()];
}

function choice<T extends string>(options: TargetOptionValues, key: string, values: readonly T[], fallback: T): T {
  const text = (stringOption(options, key) ?? fallback).toLowerCase();
  const found = values.find((value) => value.toLowerCase() === text);
  if (!found) throw invalidOption(AML_TARGET_ID, `${key} must be one of ${values.join(', ')}, not '${text}'`);
  return found;
}

export function readAmlOptions(options: TargetOptionValues): AmlOptions {
  const modeText = stringOption(options, 'isolationMode') ?? 'allow-only-approved-outbound';
  const isolationMode = isolationModeOf(modeText);
  if (!isolationMode) throw invalidOption(AML_TARGET_ID, `isolationMode must be allow-only-approved-outbound or allow-internet-outbound, not '${modeText}'`);
  const computesText = stringOption(options, 'computes');
  let computes: AddressSet | undefined;
  try {
    computes = computesText === undefined ? undefined : AddressSet.parse(computesText);
  } catch (error) {
    throw error instanceof TagwallError ? invalidOption(AML_TARGET_ID, `computes: ${error.message}`) : error;
  }
  const privateEndpoints = (stringOption(options, 'privateEndpoints') ?? '')
    .split(';')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const match = /^([A-Za-z0-9][A-Za-z0-9_.-]*)=(\/subscriptions\/[^#\s]+)#([A-Za-z0-9_]+)(,spark)?$/i.exec(entry);
      if (!match) throw invalidOption(AML_TARGET_ID, `privateEndpoints: '${entry}' is not name=/subscriptions/…/resource#subresource[,spark]`);
      return { name: match[1]!, serviceResourceId: match[2]!, subresourceTarget: match[3]!, sparkEnabled: match[4] !== undefined };
    });
  return {
    format: choice(options, 'format', AML_FORMATS, 'arm'),
    isolationMode,
    firewallSku: choice(options, 'firewallSku', ['Standard', 'Basic'] as const, 'Standard'),
    fqdnRules: choice(options, 'fqdnRules', ['exact', 'widen'] as const, 'exact'),
    computes,
    privateEndpoints,
  };
}
