import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectInputKind } from './detect.js';

const read = (path: string): string => readFileSync(new URL(`../../fixtures/inputs/${path}`, import.meta.url), 'utf8');

describe('input kind detection', () => {
  it.each([
    ['arm-aml-quickstart/azuredeploy.json', 'arm-template'],
    ['arm-aml-quickstart/azuredeploy.parameters.json', 'arm-parameters'],
    ['terraform-tre-firewall/main.tf', 'terraform-hcl'],
    ['terraform-tre-firewall/plan.json', 'terraform-plan'],
    ['terraform-tre-firewall/state.json', 'terraform-state'],
    ['terraform-avm-nsg/state.json', 'terraform-state'],
    ['terraform-tre-firewall/terraform.tfvars', undefined],
    ['bicep/nsg.bicep', 'bicep'],
    ['az/nsg-rule-list.json', 'az'],
    ['az/rcg-show.json', 'az'],
    ['az/route-table-show.json', 'az'],
  ])('%s is %s', (path, kind) => {
    expect(detectInputKind(read(path)).kind).toBe(kind);
  });

  it('leaves YAML and other targets\' configs to the targets', () => {
    expect(detectInputKind('managed_network:\n  isolation_mode: allow_only_approved_outbound\n').kind).toBeUndefined();
    expect(detectInputKind('*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n').kind).toBeUndefined();
  });
});
