/**
 * A run declares only the target flags its words name (src/cli/target-options.ts TargetFlagSelection, issue 22), and
 * parses again with all of them when commander finds a usage error. Whatever the words, it must answer exactly as the
 * CLI that declares every flag: the same exit code, output and error (with commander's suggestions).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runDeclaringEveryTargetFlag } from '../src/cli/main.js';
import { targetFlags, targetFlagsNamed } from '../src/cli/target-options.js';
import { tagwall, type CliResult } from './support/cli.js';

function everyFlag(...argv: string[]): CliResult {
  let stdout = '';
  let stderr = '';
  const code = runDeclaringEveryTargetFlag(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

const FLAGS = targetFlags();
const flagName = fc.constantFrom(...FLAGS.map((flag) => flag.flag));
/** A flag word: as declared, misspelt (a letter dropped or doubled), or written with `=`, and a value for it or not. */
const flagWords = fc.oneof(
  flagName.map((name) => [`--${name}`]),
  fc.tuple(flagName, fc.constantFrom('input', 'host', 'deny-all', '10.0.0.0/8', 'Premium', 'true', 'bogus')).map(([name, value]) => [`--${name}`, value]),
  fc.tuple(flagName, fc.constantFrom('input', 'dnsmasq', 'x')).map(([name, value]) => [`--${name}=${value}`]),
  fc.tuple(flagName, fc.nat(20)).map(([name, at]) => [`--${name.slice(0, at % name.length)}${name.slice((at % name.length) + 1)}`, 'input']),
  fc.tuple(flagName, fc.nat(20)).map(([name, at]) => [`--${name.slice(0, at % name.length)}${name[at % name.length]}${name.slice(at % name.length)}`]),
  fc.constantFrom(['--virtual-network', '10.0.0.0/8'], ['--vnet', '10.1.0.0/16'], ['--option', 'counters=true'], ['--bogus'], ['extra'], ['--'], ['--json']),
);

const COMMANDS: readonly string[][] = [
  ['render', '--scenario', 'compute-no-public-ip', '--region', 'westus', '--target', 'nftables'],
  ['render', '--scenario', 'serverless', '--region', 'eastus2', '--target', 'nsg'],
  ['render', '--scenario', 'compute-public-ip', '--region', 'westus', '--target', 'azure-firewall'],
  ['render', '--scenario', 'compute-no-public-ip', '--region', 'westus'],
  ['check', '--scenario', 'compute-no-public-ip', '--region', 'westus', '--target', 'nftables', '--config', 'fixtures/linux/hand-written.nft'],
  ['equiv', '--region', 'westus', 'scenario:compute-public-ip', 'scenario:compute-no-public-ip'],
  ['eval', 'scenario:compute-no-public-ip', '--region', 'westus', '--packet', 'out tcp 172.16.0.4:50000 -> 20.150.1.1:443'],
];

describe('target flags declared as the words name them', () => {
  it('names the flags, and an alias names its flag', () => {
    expect([...targetFlagsNamed(['render', '--chain-hook=input', '--counters', 'x', '-o', '--virtual-network', '10.0.0.0/8'])].sort()).toEqual([
      'chain-hook',
      'counters',
      'virtual-network',
      'vnet',
    ]);
  });

  it('answers every run as the CLI declaring all of them does (property)', () => {
    let errors = 0;
    fc.assert(
      fc.property(fc.constantFrom(...COMMANDS), fc.array(flagWords, { maxLength: 3 }), fc.nat(8), (command, flags, at) => {
        // The flags anywhere among the command's words (before its options, between an option and its value, after).
        const argv = [...command.slice(0, 1 + (at % command.length)), ...flags.flat(), ...command.slice(1 + (at % command.length))];
        const named = tagwall(...argv);
        if (named.code === 2) errors++;
        expect(named, argv.join(' ')).toEqual(everyFlag(...argv));
      }),
      { numRuns: 120 },
    );
    // Both paths were taken: runs that parse with the flags they name, and usage errors parsed again with all.
    expect(errors).toBeGreaterThan(10);
    expect(errors).toBeLessThan(120);
  }, 120_000);
});
