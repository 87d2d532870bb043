/** The `panos` target: Palo Alto Networks PAN-OS security policy as candidate-config XML or `set` commands (targets.md §4). */
import type { Target } from '../target.js';
import { PANOS_CAPABILITIES } from './capabilities.js';
import { PANOS_FORMATS, PANOS_TARGET_ID } from './options.js';
import { looksLikePanos, parsePanosArtifacts, parsePanosConfig } from './parse.js';
import { translatePanos } from './translate.js';

export const panosTarget: Target = {
  id: PANOS_TARGET_ID,
  description: 'Palo Alto Networks PAN-OS: address and service objects, URL categories, EDLs and security rules (XML or set commands)',
  formats: PANOS_FORMATS,
  analysisMode: 'expanded',
  capabilities: PANOS_CAPABILITIES,
  translate: translatePanos,
  parse: parsePanosConfig,
  parseArtifacts: parsePanosArtifacts,
  detect: looksLikePanos,
};
