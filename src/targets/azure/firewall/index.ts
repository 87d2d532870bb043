/** The `azure-firewall` (policy rule collection group) and `azure-firewall-classic` targets (targets.md §1). */
import { AZURE_LABELS } from '../common/labels.js';
import { tagPlacementFindings } from '../common/tag-findings.js';
import { armParsers, AZURE_FORMATS } from '../common/support.js';
import { defineTarget } from '../../pipeline.js';
import { FIREWALL_CLASSIC_CAPABILITIES, FIREWALL_POLICY_CAPABILITIES } from './capabilities.js';
import { FIREWALL_CLASSIC_OPTIONS, FIREWALL_POLICY_OPTIONS } from './options.js';
import { detectFirewallClassic, detectFirewallPolicy } from './detect.js';
import { parseFirewallJson } from './parse.js';
import { buildFirewallModel, CLASSIC_TARGET_ID, firewallAllowed, POLICY_TARGET_ID, refuseInbound, renderFirewall } from './build.js';

/*
 * Two kits in one folder: classic rules and policy rule collection groups are one object model with two flavours
 * (model.ts `Flavor`), rendered and parsed by the same code, so they share the folder rather than copy it.
 */

export const azureFirewallTarget = defineTarget({
  id: POLICY_TARGET_ID,
  family: 'azure',
  description: 'Azure Firewall Policy rule collection group: network and application rules, IP Groups (ARM, Bicep, Terraform)',
  formats: AZURE_FORMATS,
  analysisMode: 'symbolic',
  options: FIREWALL_POLICY_OPTIONS,
  capabilities: () => FIREWALL_POLICY_CAPABILITIES,
  refuseDirection: refuseInbound,
  build: (requirements, context) => buildFirewallModel('policy', requirements, context),
  render: renderFirewall,
  allowed: firewallAllowed,
  ...armParsers(POLICY_TARGET_ID, parseFirewallJson),
  findings: (input, snapshot) => tagPlacementFindings(input, snapshot, 'FW', POLICY_TARGET_ID),
  detect: detectFirewallPolicy,
  labels: AZURE_LABELS,
});

export const azureFirewallClassicTarget = defineTarget({
  id: CLASSIC_TARGET_ID,
  family: 'azure',
  description: 'Azure Firewall classic rules: network and application rule collections of azureFirewalls (ARM, Bicep, Terraform)',
  formats: AZURE_FORMATS,
  analysisMode: 'symbolic',
  options: FIREWALL_CLASSIC_OPTIONS,
  capabilities: () => FIREWALL_CLASSIC_CAPABILITIES,
  refuseDirection: refuseInbound,
  build: (requirements, context) => buildFirewallModel('classic', requirements, context),
  render: renderFirewall,
  allowed: firewallAllowed,
  ...armParsers(CLASSIC_TARGET_ID, parseFirewallJson),
  findings: (input, snapshot) => tagPlacementFindings(input, snapshot, 'FW', CLASSIC_TARGET_ID),
  detect: detectFirewallClassic,
  labels: AZURE_LABELS,
});
