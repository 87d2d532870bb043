/** The `aml-managed-network` target: an Azure ML workspace's managed network outbound rules (issue 16). */
import type { RuleSet } from '../../../analysis/rule-set.js';
import { defineTarget } from '../../pipeline.js';
import type { ConfigInput } from '../../target.js';
import { AZURE_LABELS } from '../common/labels.js';
import { tagPlacementFindings } from '../common/tag-findings.js';
import { amlAllowed, buildAml, renderAml } from './build.js';
import { parseArtifactText } from '../common/support.js';
import { AML_CAPABILITIES } from './capabilities.js';
import { AML_DESCRIPTION, yamlLabels } from './labels.js';
import { AML_FORMATS, AML_OPTIONS, AML_TARGET_ID } from './options.js';
import { looksLikeManagedNetwork, parseManagedNetwork } from './parse.js';

const EMPTY_TEMPLATE = JSON.stringify({ $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', resources: [] });

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
  parseArtifacts: (artifacts, context) => {
    const parse = (input: ConfigInput): RuleSet => parseManagedNetwork(input.content, input.file, context.resolver, context.options);
    // With no rule, the Bicep and Terraform declare no resource at all (the readers refuse that as nothing to read);
    // they then allow what the empty ARM template does: the isolation mode's own flows.
    const declaresNothing = artifacts.length > 0 && artifacts.every((artifact) => (artifact.format === 'bicep' || artifact.format === 'terraform') && !/^resource\s/m.test(artifact.content));
    if (declaresNothing) return parse({ content: EMPTY_TEMPLATE, file: artifacts[0]!.name });
    return parseArtifactText(artifacts, AML_TARGET_ID, parse, ['yaml']);
  },
  // ServiceTag rules are taken to be NSG rules of the managed network (capabilities.ts).
  findings: (input, snapshot) => tagPlacementFindings(input, snapshot, 'NSG', AML_TARGET_ID, ['serviceTag', 'service_tag']),
  detect: looksLikeManagedNetwork,
  labels: { ...AZURE_LABELS, yaml: yamlLabels },
});
