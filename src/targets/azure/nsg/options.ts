/** The nsg target's options: one declaration each (option-schema.ts); the CLI flags and docs come from here. */
import { AZURE_FORMATS } from '../common/support.js';
import { defineOptions, formatOptionSpec } from '../../option-schema.js';

export const NSG_OPTIONS = defineOptions([
  formatOptionSpec(AZURE_FORMATS),
  {
    name: 'resolve',
    type: 'file',
    doc: 'host names you resolved yourself, one name=address[,address] a line (a file on the command line)',
    uses: ['render'],
    placeholder: '<file>',
  },
]);
