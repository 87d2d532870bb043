/** The `udr` target: route tables that send inbound service flows' answers to the Internet (targets.md §2.5). */
import { tagPlacementFindings } from '../azure-common/tag-findings.js';
import type { Target } from '../target.js';
import { armParsers, AZURE_FORMATS } from '../azure-common/support.js';
import { UDR_CAPABILITIES } from './capabilities.js';
import { looksLikeRouteTable, parseRouteTableJson } from './parse.js';
import { translateRouteTable, UDR_TARGET_ID } from './translate.js';

export const udrTarget: Target = {
  id: UDR_TARGET_ID,
  description: 'Azure route table: service-tag routes with next hop Internet for inbound management traffic (ARM, Bicep, Terraform)',
  formats: AZURE_FORMATS,
  analysisMode: 'symbolic',
  capabilities: UDR_CAPABILITIES,
  translate: translateRouteTable,
  ...armParsers(UDR_TARGET_ID, parseRouteTableJson),
  findings: (input, snapshot) => tagPlacementFindings(input, snapshot, 'UDR', UDR_TARGET_ID),
  detect: looksLikeRouteTable,
};
