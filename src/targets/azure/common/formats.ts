/**
 * The formats every Azure target writes. Apart from support.ts (which reads Bicep and Terraform back through
 * src/inputs) so the option schemas, and the CLI's declarations built from them, load without those readers.
 */
export const AZURE_FORMATS = ['arm', 'bicep', 'terraform'] as const;
export type AzureFormat = (typeof AZURE_FORMATS)[number];
