/** The `panos` target: Palo Alto Networks PAN-OS security policy as candidate-config XML or `set` commands (targets.md §4). */
import { defineTarget } from '../pipeline.js';
import { PANOS_CAPABILITIES } from './capabilities.js';
import { PANOS_LABELS } from './labels.js';
import { PANOS_FORMATS, PANOS_OPTIONS, PANOS_TARGET_ID } from './options.js';
import { looksLikePanos } from './detect.js';
import { parsePanosArtifacts, parsePanosConfig } from './parse.js';
import { buildPanos, panosAllowed, renderPanos } from './build.js';

export const panosTarget = defineTarget({
  id: PANOS_TARGET_ID,
  family: 'panos',
  description: 'Palo Alto Networks PAN-OS: address and service objects, URL categories, EDLs and security rules (XML or set commands)',
  formats: PANOS_FORMATS,
  analysisMode: 'expanded',
  options: PANOS_OPTIONS,
  capabilities: () => PANOS_CAPABILITIES,
  build: buildPanos,
  render: renderPanos,
  allowed: panosAllowed,
  parse: parsePanosConfig,
  parseArtifacts: parsePanosArtifacts,
  detect: looksLikePanos,
  labels: PANOS_LABELS,
});
