/** The three Azure clouds Microsoft publishes service tags for, and the many names people call them by. */
import { TagwallError } from '../errors.js';
import { nearest } from './suggest.js';

/** The `cloud` value of Microsoft's service-tag files. */
export type Cloud = 'Public' | 'AzureGovernment' | 'China';

export const CLOUDS: readonly Cloud[] = ['Public', 'AzureGovernment', 'China'];

// The names an Azure user meets: the file's `cloud` value, the ARM / az CLI environment names (AzureCloud,
// AzureUSGovernment, AzureChinaCloud) and the old code names (Fairfax, Mooncake).
const ALIASES: ReadonlyMap<string, Cloud> = new Map<string, Cloud>([
  ['public', 'Public'],
  ['azurecloud', 'Public'],
  ['gov', 'AzureGovernment'],
  ['usgov', 'AzureGovernment'],
  ['azuregovernment', 'AzureGovernment'],
  ['azureusgovernment', 'AzureGovernment'],
  ['fairfax', 'AzureGovernment'],
  ['china', 'China'],
  ['azurechinacloud', 'China'],
  ['mooncake', 'China'],
]);

/** Case-insensitive; accepts the aliases above. Throws TW_UNKNOWN_CLOUD with the nearest names. */
export function parseCloud(text: string): Cloud {
  const cloud = ALIASES.get(text.trim().toLowerCase());
  if (cloud) return cloud;
  throw new TagwallError('TW_UNKNOWN_CLOUD', `unknown cloud '${text}': expected ${CLOUDS.join(', ')}`, {
    suggestions: [...new Set(nearest(text, [...ALIASES.keys()], 3).map((alias) => ALIASES.get(alias)!))],
  });
}

/** The key the region-pairs data uses for a cloud (the ARM environment name). */
export type EnvironmentName = 'AzureCloud' | 'AzureUSGovernment' | 'AzureChinaCloud';

export function environmentOf(cloud: Cloud): EnvironmentName {
  return cloud === 'Public' ? 'AzureCloud' : cloud === 'AzureGovernment' ? 'AzureUSGovernment' : 'AzureChinaCloud';
}
