/** The `udr` target: route tables that send inbound service flows' answers to the Internet (targets.md §2.5). */
import { tagPlacementFindings } from '../azure-common/tag-findings.js';
import type { Target } from '../target.js';
import { armParsers, AZURE_FORMATS } from '../azure-common/support.js';
import { UDR_CAPABILITIES } from './capabilities.js';
import { looksLikeRouteTable, parseRouteTableJson } from './parse.js';
import { routedPackets, translateRouteTable, UDR_TARGET_ID } from './translate.js';

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
  // A route table allows nothing: it sends inbound flows' answers around the firewall. What it should cover is the
  // inbound source space the requirements name, the yardstick of its contract test too (test/azure-contract.test.ts).
  yardstick: {
    describe: 'udr routes rather than filters: compared with the inbound sources the requirements name, not their packets',
    ruleSet: (requirements, resolver) => ({
      name: 'routes the requirements need',
      mode: resolver.mode,
      defaultAction: 'deny',
      // Routes see every packet whatever its connection state, as the parsed route table does (parse.ts).
      states: 'explicit',
      rules: [{ id: 'inbound-sources', action: 'allow', match: routedPackets(requirements, { resolver }) }],
    }),
  },
};
