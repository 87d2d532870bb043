/**
 * `--set forcedTunnelling=true` reaches the NSG target (issue 16) without the catalogue refusing it as an unknown
 * scenario option, and the NSG widens towards Internet only when asked.
 */
import { describe, expect, it } from 'vitest';
import { tagwall } from './support/cli.js';

const ARGS = ['render', '--scenario', 'forced-tunnelling', '--region', 'westus', '--target', 'nsg'];
const internetRules = (stdout: string): number => (stdout.match(/"destinationAddressPrefix": "Internet"/g) ?? []).length;

describe('forced tunnelling from the command line', () => {
  it('is off by default: host-name flows are reported lost, no rule towards Internet', () => {
    const result = tagwall(...ARGS);
    expect(result.code, result.stderr).toBe(0);
    expect(internetRules(result.stdout)).toBe(0);
    expect(result.stderr).toContain('NSG_FQDN_INEXPRESSIBLE');
  });

  it('--set forcedTunnelling=true and --option forcedTunnelling=true both allow them towards Internet, with a warning', () => {
    for (const flag of [['--set', 'forcedTunnelling=true'], ['--option', 'forcedTunnelling=true']]) {
      const result = tagwall(...ARGS, ...flag);
      expect(result.code, result.stderr).toBe(0);
      expect(internetRules(result.stdout)).toBeGreaterThan(0);
      expect(result.stderr).toContain('NSG_FORCED_TUNNEL');
    }
  });
});
