/** The udr target's options: one declaration each (option-schema.ts); the CLI flags and docs come from here. */
import { AZURE_FORMATS } from '../common/formats.js';
import { defineOptions, formatOptionSpec } from '../../option-schema.js';

export const UDR_OPTIONS = defineOptions([
  formatOptionSpec(AZURE_FORMATS),
  { name: 'expand', type: 'boolean', doc: 'expanded prefixes instead of service-tag routes (at most 400 routes)', uses: ['render'] },
  { name: 'globalTags', type: 'boolean', doc: 'name an accepted global tag where a regional one is not accepted (wider: a warning)', uses: ['render'] },
]);
