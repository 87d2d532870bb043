/** The `nsg` target: Azure network security groups (targets.md §2). */
import { tagPlacementFindings } from '../azure-common/tag-findings.js';
import type { Target } from '../target.js';
import { NSG_CAPABILITIES } from './capabilities.js';
import { looksLikeNsg, parseNsgJson } from './parse.js';
import { NSG_TARGET_ID, translateNsg } from './translate.js';
import { armParsers, AZURE_FORMATS } from '../azure-common/support.js';

export const nsgTarget: Target = {
  id: NSG_TARGET_ID,
  description: 'Azure network security group: security rules for both directions (ARM, Bicep, Terraform)',
  formats: AZURE_FORMATS,
  analysisMode: 'symbolic',
  capabilities: NSG_CAPABILITIES,
  translate: translateNsg,
  ...armParsers(NSG_TARGET_ID, parseNsgJson),
  findings: (input, snapshot) => tagPlacementFindings(input, snapshot, 'NSG', NSG_TARGET_ID),
  detect: looksLikeNsg,
};
