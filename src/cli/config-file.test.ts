import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { isTagwallError } from '../errors.js';
import { checkInputs, checkRuns, parseProjectConfig, projectJsonSchema, projectJsonSchemaText, renderRuns } from './config-file.js';

const FILE = `requirements: network/requirements.yaml
snapshot: tags/ServiceTags_Public.json
options: {chainHook: forward, interface: eth1}
targets:
  nftables: {output: out/tagwall.nft, options: {log: true}}
  iptables: {output: out/iptables/}
  azure-firewall: {requirements: network/egress.yaml, format: bicep, output: out/fw.bicep}
  nsg:
`;

function failure(text: string): { code: string; where: string } {
  try {
    parseProjectConfig(text, 'ci/tagwall.config.yaml');
  } catch (error) {
    if (isTagwallError(error)) return { code: error.code, where: error.where() };
    throw error;
  }
  throw new Error('expected an error');
}

describe('the project file', () => {
  const project = parseProjectConfig(FILE, 'ci/tagwall.config.yaml');

  it('reads paths relative to itself and merges shared options under each target', () => {
    expect(project.requirements).toBe('ci/network/requirements.yaml');
    expect(project.snapshot).toBe('ci/tags/ServiceTags_Public.json');
    expect(project.targets.map((target) => target.id)).toEqual(['nftables', 'iptables', 'azure-firewall', 'nsg']);
    expect(project.targets[0]).toEqual({ id: 'nftables', output: 'ci/out/tagwall.nft', options: { chainHook: 'forward', interface: 'eth1', log: true } });
    expect(project.targets[1]!.output).toBe('ci/out/iptables/');
    expect(project.targets[2]!.requirements).toBe('ci/network/egress.yaml');
    expect(project.targets[3]).toEqual({ id: 'nsg', options: { chainHook: 'forward', interface: 'eth1' } });
  });

  it('completes render lines from the file; the command line wins', () => {
    expect(renderRuns(project, ['render'])[0]).toEqual(['render', '--target', 'nftables', '--requirements', 'ci/network/requirements.yaml', '--snapshot', 'ci/tags/ServiceTags_Public.json', '-o', 'ci/out/tagwall.nft', '--option', 'chainHook=forward', '--option', 'interface=eth1', '--option', 'log=true']);
    const one = renderRuns(project, ['render', '--target', 'azure-firewall', '--chain-hook', 'input', '--option', 'log=false', '-o', 'x.json', '--scenario', 's']);
    expect(one).toEqual([['render', '--target', 'azure-firewall', '--snapshot', 'ci/tags/ServiceTags_Public.json', '--format', 'bicep', '--option', 'interface=eth1', '--chain-hook', 'input', '--option', 'log=false', '-o', 'x.json', '--scenario', 's']]);
  });

  it('derives check inputs from where render writes', () => {
    const artifacts = [
      { name: 'ipsets.save', format: 'ipset', content: '' },
      { name: 'iptables.rules', format: 'iptables-restore', content: '' },
      { name: 'ip6tables.rules', format: 'ip6tables-restore', content: '' },
    ] as const;
    expect(checkInputs(project.targets[1]!, () => artifacts)).toEqual({ config: ['ci/out/iptables/iptables.rules', 'ci/out/iptables/ip6tables.rules'], ipsets: 'ci/out/iptables/ipsets.save' });
    expect(checkInputs(project.targets[0]!, () => [{ name: 'tagwall.nft', format: 'nft', content: '' }])).toEqual({ config: ['ci/out/tagwall.nft'] });
    // Both families' rules are one config of two files, each passed as it is (no file written to join them).
    const runs = checkRuns(project, ['check', '--target', 'iptables'], () => artifacts);
    expect(runs).toEqual([['check', '--target', 'iptables', '--requirements', 'ci/network/requirements.yaml', '--snapshot', 'ci/tags/ServiceTags_Public.json', '--config', 'ci/out/iptables/iptables.rules', '--config', 'ci/out/iptables/ip6tables.rules', '--ipsets', 'ci/out/iptables/ipsets.save', '--option', 'chainHook=forward', '--option', 'interface=eth1']]);
    expect(() => checkRuns(project, ['check', '--target', 'nsg'], () => [])).toThrow(/targets.nsg: check needs an output/);
    // Requirements given only as --scenario: what render wrote into the directory is not known (not a run without --config).
    expect(() => checkRuns(project, ['check', '--target', 'iptables', '--scenario', 's'], () => [])).toThrow(/targets.iptables: check cannot tell which files render wrote into ci\/out\/iptables\/ without the project's requirements; name them in check.config/);
  });

  it('refuses what it does not know, with line:column', () => {
    expect(failure('targets: {nft: {}}\n')).toMatchObject({ code: 'TW_UNKNOWN_TARGET', where: 'ci/tagwall.config.yaml:1:16: $.targets.nft' });
    expect(failure('requirement: a.yaml\ntargets: {nsg: }\n')).toMatchObject({ code: 'TW_INVALID_PROJECT', where: 'ci/tagwall.config.yaml:1:14: $.requirement' });
    expect(failure('targets: {nsg: {ouput: x}}\n').code).toBe('TW_INVALID_PROJECT');
    expect(failure('targets: {nsg: {options: {chain-hook: x}}}\n').code).toBe('TW_INVALID_PROJECT');
    expect(failure('targets: {}\n').code).toBe('TW_INVALID_PROJECT');
    expect(failure('targets: [\n').code).toBe('TW_INVALID_PROJECT');
  });

  it('has a JSON Schema from the same keys, Ajv strict-valid, shipped as docs/config.schema.json', () => {
    expect(readFileSync('docs/config.schema.json', 'utf8')).toBe(projectJsonSchemaText());
    const validate = new Ajv({ strict: true }).compile(projectJsonSchema());
    const yaml = (text: string): unknown => JSON.parse(JSON.stringify(parseLoose(text)));
    expect(validate(yaml(FILE)), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(yaml(readFileSync('examples/three-tier/tagwall.config.yaml', 'utf8'))), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ targets: { nsg: { ouput: 'x' } } })).toBe(false);
    expect(validate({ requirement: 'x', targets: { nsg: null } })).toBe(false);
  });
});

import { parse as parseLoose } from 'yaml';
