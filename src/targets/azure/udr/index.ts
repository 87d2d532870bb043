/** The `udr` target: route tables that send inbound service flows' answers to the Internet (targets.md §2.5). */
import { AZURE_LABELS } from '../common/labels.js';
import { tagPlacementFindings } from '../common/tag-findings.js';
import { armParsers, AZURE_FORMATS } from '../common/support.js';
import { defineTarget } from '../../pipeline.js';
import { UDR_CAPABILITIES } from './capabilities.js';
import { UDR_OPTIONS } from './options.js';
import { looksLikeRouteTable } from './detect.js';
import { parseRouteTableJson } from './parse.js';
import { buildRouteTableModel, renderRouteTable, routeTableAllowed, routeTableYardstick, UDR_TARGET_ID } from './build.js';

export const udrTarget = defineTarget({
  id: UDR_TARGET_ID,
  family: 'azure',
  description: 'Azure route table: service-tag routes with next hop Internet for inbound management traffic (ARM, Bicep, Terraform)',
  formats: AZURE_FORMATS,
  analysisMode: 'symbolic',
  options: UDR_OPTIONS,
  capabilities: () => UDR_CAPABILITIES,
  build: buildRouteTableModel,
  render: renderRouteTable,
  allowed: routeTableAllowed,
  // A route table carries the answers of inbound flows, whatever their protocol: its own yardstick.
  yardstick: routeTableYardstick,
  yardstickDescription: 'udr routes rather than filters: compared with the inbound sources the requirements name, not their packets',
  findings: (input, snapshot) => tagPlacementFindings(input, snapshot, 'UDR', UDR_TARGET_ID),
  ...armParsers(UDR_TARGET_ID, parseRouteTableJson),
  detect: looksLikeRouteTable,
  labels: AZURE_LABELS,
});
