/** The `aml-managed-network` target: an Azure ML workspace's managed network outbound rules (issue 16). */
import { defineTarget } from '../../pipeline.js';
import { AZURE_LABELS } from '../common/labels.js';
import { tagPlacementFindings } from '../common/tag-findings.js';
import { amlAllowed, buildAml, renderAml } from './build.js';
import { parseArtifactText } from '../common/support.js';
import { AML_CAPABILITIES } from './capabilities.js';
import { AML_DESCRIPTION, yamlLabels } from './labels.js';
import { AML_FORMATS, AML_OPTIONS, AML_TARGET_ID } from './options.js';
import { looksLikeManagedNetwork } from './detect.js';
import { parseManagedNetwork } from './parse.js';

/*
 * An Azure kit (family azure): its ARM/Bicep/Terraform come from azure/common's template renderers; the fourth
 * format, `az ml` YAML, is its own. Inbound requirements reach the builder, which owns up to them itself
 * (AML_INBOUND_UNSUPPORTED), so the kit declares no refuseDirection.
 */
export const amlManagedNetworkTarget = defineTarget({
  id: AML_TARGET_ID,
  family: 'azure',
  description: AML_DESCRIPTION,
  formats: AML_FORMATS,
  analysisMode: 'symbolic',
  options: AML_OPTIONS,
  capabilities: () => AML_CAPABILITIES,
  build: buildAml,
  render: renderAml,
  allowed: amlAllowed,
  parse: (input, context) => parseManagedNetwork(input.content, input.file, context.resolver, context.options),
  // From the artifacts' own text; the isolation mode, which the ARM/Bicep/Terraform rules do not carry, comes from
  // the options as it does for a deployed file (the YAML form carries it).
  parseArtifacts: (artifacts, context) =>
    parseArtifactText(artifacts, AML_TARGET_ID, (input) => parseManagedNetwork(input.content, input.file, context.resolver, context.options), ['yaml']),
  // ServiceTag rules are taken to be NSG rules of the managed network (capabilities.ts).
  findings: (input, snapshot) => tagPlacementFindings(input, snapshot, 'NSG', AML_TARGET_ID, ['serviceTag', 'service_tag']),
  detect: looksLikeManagedNetwork,
  labels: { ...AZURE_LABELS, yaml: yamlLabels },
});
