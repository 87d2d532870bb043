/** The `aml-managed-network` target: an Azure ML workspace's managed network outbound rules (issue 16). */
import { tagPlacementFindings } from '../azure-common/tag-findings.js';
import { TagwallError } from '../../errors.js';
import type { Target } from '../target.js';
import { AML_CAPABILITIES } from './capabilities.js';
import { AML_DESCRIPTION } from './labels.js';
import { AML_FORMATS, AML_TARGET_ID } from './options.js';
import { looksLikeManagedNetwork, parseManagedNetwork } from './parse.js';
import { armBehind, translateManagedNetwork } from './translate.js';

export const amlManagedNetworkTarget: Target = {
  id: AML_TARGET_ID,
  description: AML_DESCRIPTION,
  formats: AML_FORMATS,
  analysisMode: 'symbolic',
  capabilities: AML_CAPABILITIES,
  translate: translateManagedNetwork,
  parse: (input, context) => parseManagedNetwork(input.content, input.file, context.resolver, context.options),
  parseArtifacts: (artifacts, context) => {
    for (const artifact of artifacts) {
      const text = armBehind(artifact);
      if (text !== undefined) return parseManagedNetwork(text, artifact.name, context.resolver, context.options);
    }
    throw new TagwallError('TW_UNSUPPORTED_CONFIG', `target ${AML_TARGET_ID}: render in this process to parse Bicep or Terraform; tagwall reads the ARM, az JSON and YAML forms`);
  },
  // ServiceTag rules are taken to be NSG rules of the managed network (capabilities.ts).
  findings: (input, snapshot) => tagPlacementFindings(input, snapshot, 'NSG', AML_TARGET_ID, ['serviceTag', 'service_tag']),
  detect: looksLikeManagedNetwork,
};
