/** The `nsg` target: Azure network security groups (targets.md §2). */
import type { Target } from '../target.js';
import { NSG_CAPABILITIES } from './capabilities.js';
import { looksLikeNsg, parseNsgJson } from './parse.js';
import { NSG_TARGET_ID, translateNsg } from './translate.js';
import { armTextOf } from '../azure-common/support.js';

export const nsgTarget: Target = {
  id: NSG_TARGET_ID,
  description: 'Azure network security group: security rules for both directions (ARM, Bicep, Terraform)',
  formats: ['arm', 'bicep', 'terraform'],
  analysisMode: 'symbolic',
  capabilities: NSG_CAPABILITIES,
  translate: translateNsg,
  parse: (input, context) => parseNsgJson(input.content, input.file, context.resolver),
  parseArtifacts: (artifacts, context) => {
    const { content, file } = armTextOf(artifacts, NSG_TARGET_ID);
    return parseNsgJson(content, file, context.resolver);
  },
  detect: looksLikeNsg,
};
