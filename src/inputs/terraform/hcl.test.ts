import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { thrownError as error } from '../../../test/support/errors.js';
import { hclString } from '../../text/hcl.js';
import { wellFormed } from '../../text/line.js';
import type { JsonObject } from '../../targets/azure/common/arm-read.js';
import { evaluateHcl } from './hcl-eval.js';
import { convertHcl } from './hcl-convert.js';
import { parseHcl } from './hcl-parser.js';
import { convertTerraformJson } from './plan.js';

const noRefs = { file: 'x.tf', resolve: () => { throw new Error('no references here'); } };

function valueOf(source: string): unknown {
  const body = parseHcl(`a = ${source}\n`, 'x.tf');
  const item = body.items[0]!;
  if (item.kind !== 'attribute') throw new Error('not an attribute');
  return evaluateHcl(item.value, noRefs);
}


function resources(converted: { document: unknown }): JsonObject[] {
  return (converted.document as JsonObject)['resources'] as JsonObject[];
}

describe('HCL native syntax parser', () => {
  it('reads blocks, labels, attributes, comments, one-line blocks and nested blocks', () => {
    const body = parseHcl(
      ['# comment', 'resource "azurerm_route_table" "rt" { // trailing', '  name = "x" /* inline */', '  route { name = "r" }', '  route {', '    name = "s"', '  }', '}', ''].join('\n'),
      'x.tf',
    );
    const block = body.items[0]!;
    expect(block).toMatchObject({ kind: 'block', type: 'resource', labels: ['azurerm_route_table', 'rt'], pos: { line: 2, column: 1 } });
    if (block.kind !== 'block') throw new Error();
    expect(block.body.items.map((item) => (item.kind === 'block' ? `block ${item.type}` : `attr ${item.name}`))).toEqual(['attr name', 'block route', 'block route']);
  });

  it('evaluates literals, lists, maps, templates, heredocs, operators, conditionals and for expressions', () => {
    expect(valueOf('[1, "two", true, null]')).toEqual([1, 'two', true, null]);
    expect(valueOf('{ a = 1, "b" : [2] }')).toEqual({ a: 1, b: [2] });
    expect(valueOf('"x-${1 + 2}-$${literal}"')).toBe('x-3-${literal}');
    expect(valueOf('<<-EOT\n    one\n      two\n    EOT')).toBe('one\n  two\n');
    expect(valueOf('2 * 3 > 5 && !false ? "yes" : "no"')).toBe('yes');
    expect(valueOf('[for i, v in ["a", "b"] : "${i}${v}" if v != "c"]')).toEqual(['0a', '1b']);
    expect(valueOf('{for k, v in { x = 1, y = 2 } : v => k}')).toEqual({ '1': 'x', '2': 'y' });
    expect(valueOf('join(",", concat(["a"], split("-", "b-c")))')).toBe('a,b,c');
    expect(valueOf('[{ n = 1 }, { n = 2 }][*].n')).toEqual([1, 2]);
  });

  it('reads back every string tagwall writes into Terraform (hclString)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(valueOf(hclString(text))).toBe(wellFormed(text));
      }),
      { numRuns: 100, seed: 20 },
    );
  });

  it('reports syntax errors at line and column', () => {
    expect(error(() => parseHcl('a = [1, 2\n', 'x.tf')).location).toMatchObject({ file: 'x.tf', line: 2 });
    expect(error(() => parseHcl('resource "a" "b" {\n  name = "x"\n', 'x.tf')).message).toMatch(/not closed/);
    expect(error(() => parseHcl('a = "unterminated\n', 'x.tf')).location).toMatchObject({ line: 1, column: 5 });
    expect(error(() => parseHcl('a = "%{ if true }x%{ endif }"\n', 'x.tf')).message).toMatch(/template directives/);
    expect(error(() => parseHcl('a = 1 b = 2\n', 'x.tf')).location).toMatchObject({ line: 1, column: 7 });
  });
});

describe('Terraform HCL → ARM', () => {
  const nsg = [
    'variable "prefix" {',
    '  type = string',
    '}',
    'variable "ports" {',
    '  default = ["443", "8787"]',
    '}',
    'locals {',
    '  name = "${var.prefix}-nsg"',
    '}',
    'resource "azurerm_network_security_group" "nsg" {',
    '  name = local.name',
    '  dynamic "security_rule" {',
    '    for_each = var.ports',
    '    content {',
    '      name                       = "allow-${security_rule.value}"',
    '      priority                   = 100 + security_rule.key',
    '      direction                  = "Outbound"',
    '      access                     = "Allow"',
    '      protocol                   = "Tcp"',
    '      source_port_range          = "*"',
    '      destination_port_range     = security_rule.value',
    '      source_address_prefix      = "VirtualNetwork"',
    '      destination_address_prefix = "AzureMachineLearning"',
    '    }',
    '  }',
    '}',
    'resource "azurerm_network_security_rule" "extra" {',
    '  count                       = 2',
    '  name                        = "extra-${count.index}"',
    '  network_security_group_name = azurerm_network_security_group.nsg.name',
    '  priority                    = 200 + count.index',
    '  direction                   = "Inbound"',
    '  access                      = "Deny"',
    '  protocol                    = "*"',
    '  source_port_range           = "*"',
    '  destination_port_range      = "*"',
    '  source_address_prefix       = data.azurerm_subnet.x.address_prefix',
    '  destination_address_prefix  = "*"',
    '}',
    '',
  ].join('\n');

  it('evaluates variables, locals, dynamic blocks, count and references; --var wins over defaults', () => {
    const converted = convertHcl(nsg.replace('data.azurerm_subnet.x.address_prefix', '"10.0.0.0/8"'), '/nonexistent/nsg.tf', { standalone: true, variables: { prefix: 'web' } });
    const [group] = resources(converted);
    expect(group!['name']).toBe('web-nsg');
    const rules = (group!['properties'] as JsonObject)['securityRules'] as JsonObject[];
    expect(rules.map((rule) => [rule['name'], (rule['properties'] as JsonObject)['priority']])).toEqual([
      ['allow-443', 100],
      ['allow-8787', 101],
      ['extra-0', 200],
      ['extra-1', 201],
    ]);
    expect(converted.origins.get('$.resources[0].properties.securityRules[2]')).toMatchObject({ file: '/nonexistent/nsg.tf', line: 27 });
  });

  it('names what only Terraform knows, at its line and column', () => {
    // A name only joins resources: unknown, the resource goes by its address; a value a rule needs is an error.
    const unnamed = convertHcl(nsg.replace('data.azurerm_subnet.x.address_prefix', '"10.0.0.0/8"'), '/nonexistent/nsg.tf', { standalone: true });
    expect(resources(unnamed)[0]!['name']).toBe('azurerm_network_security_group.nsg');
    const missing = error(() => convertHcl(nsg.replace('"allow-${security_rule.value}"', 'var.prefix'), '/nonexistent/nsg.tf', { standalone: true }));
    expect(missing.code).toBe('TW_UNSUPPORTED_CONFIG');
    expect(missing.message).toMatch(/variable 'prefix' has no value/);
    expect(missing.location).toMatchObject({ line: 15, column: 36 });
    const data = error(() => convertHcl(nsg, '/nonexistent/nsg.tf', { standalone: true, variables: { prefix: 'p' } }));
    expect(data.message).toMatch(/data\.azurerm_subnet\.x is read from Azure/);
    expect(data.location).toMatchObject({ file: '/nonexistent/nsg.tf', line: 37, column: 33 });
  });

  it('refuses a file with nothing to read, naming what it found', () => {
    expect(error(() => convertHcl('resource "azurerm_storage_account" "s" {\n  name = "x"\n}\n', '/nonexistent/x.tf', { standalone: true })).message).toMatch(/no resource tagwall reads.*found azurerm_storage_account/);
  });
});

describe('terraform show -json → ARM', () => {
  it('fills ids known only after apply from the configuration, and refuses them when it cannot', () => {
    const plan = {
      format_version: '1.2',
      planned_values: {
        root_module: {
          resources: [
            { address: 'azurerm_ip_group.g', mode: 'managed', type: 'azurerm_ip_group', name: 'g', values: { name: 'ipg-1', cidrs: ['10.0.0.0/24'] } },
            {
              address: 'azurerm_firewall_network_rule_collection.c',
              mode: 'managed',
              type: 'azurerm_firewall_network_rule_collection',
              name: 'c',
              values: { name: 'c', azure_firewall_name: 'fw', priority: 100, action: 'Allow', rule: [{ name: 'r', protocols: ['TCP'], source_ip_groups: [null], destination_addresses: ['AzureMonitor'], destination_ports: ['443'] }] },
            },
          ],
        },
      },
      resource_changes: [{ address: 'azurerm_firewall_network_rule_collection.c', change: { after_unknown: { rule: [{ source_ip_groups: [true] }] } } }],
      configuration: { root_module: { resources: [{ address: 'azurerm_firewall_network_rule_collection.c', expressions: { rule: [{ source_ip_groups: { references: ['azurerm_ip_group.g.id', 'azurerm_ip_group.g'] } }] } }] } },
    };
    const converted = convertTerraformJson(JSON.stringify(plan), 'plan.json');
    const firewall = resources(converted).find((resource) => resource['type'] === 'Microsoft.Network/azureFirewalls')!;
    const rule = (((firewall['properties'] as JsonObject)['networkRuleCollections'] as JsonObject[])[0]!['properties'] as JsonObject)['rules'] as JsonObject[];
    expect(String((rule[0]!['sourceIpGroups'] as string[])[0])).toMatch(/\/ipGroups\/ipg-1$/);
    const withoutConfiguration = { ...plan, configuration: {} };
    const refused = error(() => convertTerraformJson(JSON.stringify(withoutConfiguration), 'plan.json'));
    expect(refused.message).toMatch(/'source_ip_groups' is known only after apply/);
    expect(refused.location).toMatchObject({ file: 'plan.json', jsonPath: '$.planned_values.root_module.resources[1].values.rule[0].source_ip_groups' });
  });
});
