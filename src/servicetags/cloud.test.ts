import { describe, expect, it } from 'vitest';
import { CLOUDS, parseCloud } from './cloud.js';
import { expectTagwallError } from './test-fixtures.js';

describe('parseCloud', () => {
  it('knows the file names, ARM environment names and code names, ignoring case', () => {
    const cases: Array<[string, string]> = [
      ['Public', 'Public'],
      ['public', 'Public'],
      ['AzureCloud', 'Public'],
      ['gov', 'AzureGovernment'],
      ['USGov', 'AzureGovernment'],
      ['AzureGovernment', 'AzureGovernment'],
      ['AzureUSGovernment', 'AzureGovernment'],
      ['Fairfax', 'AzureGovernment'],
      ['china', 'China'],
      ['AzureChinaCloud', 'China'],
      ['Mooncake', 'China'],
      [' public ', 'Public'],
    ];
    for (const [text, cloud] of cases) expect(parseCloud(text)).toBe(cloud);
    for (const cloud of CLOUDS) expect(parseCloud(cloud)).toBe(cloud);
  });

  it('suggests the nearest cloud for a typo', () => {
    const error = expectTagwallError(() => parseCloud('pubic'), 'TW_UNKNOWN_CLOUD');
    expect(error.suggestions).toEqual(['Public']);
    expect(expectTagwallError(() => parseCloud('AzureChina'), 'TW_UNKNOWN_CLOUD').suggestions).toContain('China');
    expect(expectTagwallError(() => parseCloud('Mars'), 'TW_UNKNOWN_CLOUD').message).toContain('Public, AzureGovernment, China');
  });
});
