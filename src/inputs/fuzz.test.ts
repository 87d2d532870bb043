/**
 * The readers on hostile text: any input ends in a result or a TagwallError with a location — never another
 * exception, a hang or a stack overflow. Mutations of the real fixtures reach deep into each grammar.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TagwallError } from '../errors.js';
import { ArmSyntaxError, parseArmExpression } from './arm-template/expression.js';
import { convertInput } from './read.js';

const fixture = (path: string): string => readFileSync(new URL(`../../fixtures/inputs/${path}`, import.meta.url), 'utf8');
const SOURCES = ['terraform-tre-firewall/main.tf', 'terraform-avm-nsg/main.tf', 'bicep/nsg.bicep', 'arm-aml-quickstart/azuredeploy.json', 'terraform-tre-firewall/plan.json'].map(fixture);

/** A fixture with a slice cut out and random text put in its place. */
const mutated = fc.tuple(fc.constantFrom(...SOURCES), fc.nat(), fc.nat({ max: 40 }), fc.string({ maxLength: 12 })).map(([source, at, cut, insert]) => {
  const start = at % (source.length + 1);
  return source.slice(0, start) + insert + source.slice(start + cut);
});

function expectTagwallErrorOrResult(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    expect(error, String(error)).toBeInstanceOf(TagwallError);
    expect((error as TagwallError).location?.file ?? (error as TagwallError).message).toBeTruthy();
  }
}

describe('readers on hostile input', () => {
  it('mutated fixtures: a result or a located TagwallError', () => {
    fc.assert(
      fc.property(mutated, (text) => {
        expectTagwallErrorOrResult(() => convertInput({ content: text, file: '/nonexistent/fuzz.tf' }, { location: 'westus' }));
      }),
      { numRuns: 400, seed: 20 },
    );
  });

  it('deep nesting is refused, not a stack overflow', () => {
    for (const text of [`a = ${'['.repeat(5000)}`, `param p object = ${'{a:'.repeat(5000)}`, `{"$schema": "deploymentTemplate.json", "resources": [{"type": "T/t", "name": "[${'concat('.repeat(5000)}]"}]}`]) {
      const file = text.startsWith('param') ? 'x.bicep' : text.startsWith('a =') ? '/nonexistent/x.tf' : 'x.json';
      expectTagwallErrorOrResult(() => convertInput({ content: text.startsWith('a =') ? `resource "azurerm_route_table" "r" {\n  ${text}\n}\n` : text, file }));
    }
  });

  it('ARM expressions: any text parses or fails with an offset inside it', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        try {
          parseArmExpression(text);
        } catch (error) {
          expect(error).toBeInstanceOf(ArmSyntaxError);
          expect((error as ArmSyntaxError).offset).toBeLessThanOrEqual(text.length);
        }
      }),
      { numRuns: 500, seed: 20 },
    );
  });
});
