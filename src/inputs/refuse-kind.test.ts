import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TagwallError } from '../errors.js';
import { findTarget } from '../targets/registry.js';
import { expandedResolver } from '../analysis/resolve.js';
import { defaultSnapshot } from '../servicetags/snapshot.js';
import { detectInputKind } from './detect.js';
import { parseWithReaders } from './read.js';

/**
 * A non-Azure target refuses a config of an Azure-only kind (Terraform, Bicep, a template) unless its own test
 * claims the text. read.ts asks the target's test first (it passes early on a config of its own); this holds it to
 * the rule as first written: kind first, then the target's test.
 */
describe('refusing an Azure-only kind for a non-Azure target', () => {
  const LINES = [
    'table inet tagwall {',
    '}',
    '*filter',
    'COMMIT',
    '  chain output {',
    'resource "azurerm_network_security_group" "x" {',
    "resource nsg 'Microsoft.Network/networkSecurityGroups@2023-04-01' = {",
    'param location string',
    'variable "region" {',
    'output "id" {',
    'targetScope = \'resourceGroup\'',
    'locals {',
    '# a comment',
    'set rulebase security rules r1 action allow',
    '',
    '\t',
  ];
  const resolver = expandedResolver(defaultSnapshot('Public'));
  const refusedAsWritten = (id: string, content: string): boolean => {
    const { kind } = detectInputKind(content.replace(/^\uFEFF/, ''));
    return !(kind === undefined || kind === 'arm' || kind === 'az') && !findTarget(id).detect(content);
  };
  const refused = (id: string, content: string): boolean => {
    try {
      parseWithReaders(findTarget(id), { content, file: 'config' }, { resolver, options: {} });
      return false;
    } catch (error) {
      return error instanceof TagwallError && error.code === 'TW_INVALID_OPERAND' && /only the Azure targets read/.test(error.message);
    }
  };

  it('refuses exactly what kind-then-target refused, for nftables, iptables and panos', () => {
    fc.assert(
      fc.property(fc.constantFrom('nftables', 'iptables', 'panos'), fc.boolean(), fc.array(fc.constantFrom(...LINES), { maxLength: 8 }), (id, bom, lines) => {
        const content = `${bom ? '\uFEFF' : ''}${lines.join('\n')}\n`;
        expect(refused(id, content)).toBe(refusedAsWritten(id, content));
      }),
      { numRuns: 400 },
    );
  });

  it('still refuses a Bicep file given as nftables, and reads an nft file that also holds such a line', () => {
    expect(refused('nftables', "param location string\nresource nsg 'x' = {\n}\n")).toBe(true);
    expect(refused('nftables', 'table inet t {\n}\noutput "x" {\n')).toBe(false);
  });
});
