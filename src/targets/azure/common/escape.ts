/**
 * Text that came from users (requirement ids, purposes) goes into ARM JSON, Bicep and HCL. The sanitisers live in
 * src/text/ (one module per format, one definition of a safe line); this module keeps the names the Azure kits use.
 */
export { armLiteral, armUnescape, isArmExpression, MAX_DESCRIPTION_LENGTH, sanitizeDescription } from '../../../text/arm.js';
export { bicepString } from '../../../text/bicep.js';
export { hclString } from '../../../text/hcl.js';
