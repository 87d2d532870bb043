/** The `azure-firewall` (policy rule collection group) and `azure-firewall-classic` targets (targets.md §1). */
import { tagPlacementFindings } from '../azure-common/tag-findings.js';
import type { Target } from '../target.js';
import { armParsers, AZURE_FORMATS } from '../azure-common/support.js';
import { FIREWALL_CLASSIC_CAPABILITIES, FIREWALL_POLICY_CAPABILITIES } from './capabilities.js';
import { looksLikeFirewall, parseFirewallJson } from './parse.js';
import { CLASSIC_TARGET_ID, POLICY_TARGET_ID, translateFirewall } from './translate.js';

export const azureFirewallTarget: Target = {
  id: POLICY_TARGET_ID,
  description: 'Azure Firewall Policy rule collection group: network and application rules, IP Groups (ARM, Bicep, Terraform)',
  formats: AZURE_FORMATS,
  analysisMode: 'symbolic',
  capabilities: FIREWALL_POLICY_CAPABILITIES,
  translate: (requirements, context) => translateFirewall('policy', requirements, context),
  ...armParsers(POLICY_TARGET_ID, parseFirewallJson),
  findings: (input, snapshot) => tagPlacementFindings(input, snapshot, 'FW', POLICY_TARGET_ID),
  detect: (content) => looksLikeFirewall(content) && /ruleCollections"/i.test(content) && !/"(networkRuleCollections|applicationRuleCollections)"/i.test(content),
};

export const azureFirewallClassicTarget: Target = {
  id: CLASSIC_TARGET_ID,
  description: 'Azure Firewall classic rules: network and application rule collections of azureFirewalls (ARM, Bicep, Terraform)',
  formats: AZURE_FORMATS,
  analysisMode: 'symbolic',
  capabilities: FIREWALL_CLASSIC_CAPABILITIES,
  translate: (requirements, context) => translateFirewall('classic', requirements, context),
  ...armParsers(CLASSIC_TARGET_ID, parseFirewallJson),
  findings: (input, snapshot) => tagPlacementFindings(input, snapshot, 'FW', CLASSIC_TARGET_ID),
  detect: (content) => /"(networkRuleCollections|applicationRuleCollections)"\s*:/i.test(content),
};
