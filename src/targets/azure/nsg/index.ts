/** The `nsg` target: Azure network security groups (targets.md §2). */
import { AZURE_LABELS } from '../common/labels.js';
import { tagPlacementFindings } from '../common/tag-findings.js';
import { armParsers, AZURE_FORMATS } from '../common/support.js';
import { defineTarget } from '../../pipeline.js';
import { NSG_CAPABILITIES } from './capabilities.js';
import { NSG_OPTIONS } from './options.js';
import { looksLikeNsg } from './detect.js';
import { parseNsgJson } from './parse.js';
import { buildNsgModel, NSG_TARGET_ID, nsgAllowed, renderNsg } from './build.js';

export const nsgTarget = defineTarget({
  id: NSG_TARGET_ID,
  family: 'azure',
  description: 'Azure network security group: security rules for both directions (ARM, Bicep, Terraform)',
  formats: AZURE_FORMATS,
  analysisMode: 'symbolic',
  options: NSG_OPTIONS,
  capabilities: () => NSG_CAPABILITIES,
  build: buildNsgModel,
  render: renderNsg,
  allowed: nsgAllowed,
  ...armParsers(NSG_TARGET_ID, parseNsgJson),
  findings: (input, snapshot) => tagPlacementFindings(input, snapshot, 'NSG', NSG_TARGET_ID),
  detect: looksLikeNsg,
  labels: AZURE_LABELS,
});
