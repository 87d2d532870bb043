import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { thrownError as error } from '../../../test/support/errors.js';
import type { Json, JsonObject } from '../../targets/azure/common/arm-read.js';
import { parseArmExpression, ArmSyntaxError } from './expression.js';
import { evaluateArmTemplate } from './evaluate.js';

const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';

/** Evaluates `value` as the `properties.value` of one resource of a template with these parameters and variables. */
function evaluate(value: Json, template: Partial<JsonObject> = {}, options: Parameters<typeof evaluateArmTemplate>[2] = {}): Json {
  const converted = evaluateArmTemplate({ $schema: SCHEMA, resources: [{ type: 'Test/things', name: 'x', properties: { value } }], ...template } as JsonObject, 't.json', options);
  return ((converted.document as JsonObject)['resources'] as JsonObject[])[0]!['properties']!['value' as never] as Json;
}


describe('ARM expression grammar', () => {
  it('parses nested calls, doubled quotes, property and index access', () => {
    const parsed = parseArmExpression("concat(parameters('a')['b'].c, 'it''s', createArray(1, -2)[0])");
    expect(parsed.kind).toBe('call');
    expect(JSON.stringify(parsed)).toContain('"value":"it\'s"');
  });

  it('reads back any string written as a literal', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const parsed = parseArmExpression(`'${text.replace(/'/g, "''")}'`);
        expect(parsed).toMatchObject({ kind: 'string', value: text });
      }),
      { numRuns: 200, seed: 20 },
    );
  });

  it('refuses malformed expressions with the offset', () => {
    for (const [text, offset] of [["concat('a'", 10], ["'open", 0], ['concat(,)', 7], ['foo', 3], ["a('x') b", 7]] as const) {
      const caught = (() => {
        try {
          parseArmExpression(text);
        } catch (thrown) {
          return thrown;
        }
        return undefined;
      })();
      expect(caught, text).toBeInstanceOf(ArmSyntaxError);
      expect((caught as ArmSyntaxError).offset, text).toBe(offset);
    }
  });
});

describe('ARM template evaluation', () => {
  const parameters = { location: { type: 'string', defaultValue: '[resourceGroup().location]' }, name: { type: 'string', defaultValue: 'Web App' }, count: { type: 'int', defaultValue: 2 } };

  it('evaluates the functions network templates use', () => {
    const template = { parameters, variables: { prefix: "[toLower(replace(parameters('name'), ' ', '-'))]", ports: ['80', '443'] } };
    const options = { location: 'westeurope' };
    expect(evaluate("[format('Storage.{0}', parameters('location'))]", template, options)).toBe('Storage.westeurope');
    expect(evaluate("[concat(variables('prefix'), '-', string(parameters('count')))]", template, options)).toBe('web-app-2');
    expect(evaluate("[toUpper(split('a,b', ',')[1])]", template, options)).toBe('B');
    expect(evaluate("[if(equals(parameters('count'), 2), 'two', 'other')]", template, options)).toBe('two');
    expect(evaluate("[int('443')]", template, options)).toBe(443);
    expect(evaluate("[concat(variables('ports'), createArray('8787'))]", template, options)).toEqual(['80', '443', '8787']);
    expect(evaluate("[createObject('a', json('{\"b\": [1]}'))]", template, options)).toEqual({ a: { b: [1] } });
    expect(evaluate("[resourceId('Microsoft.Network/ipGroups', 'ipg-1')]", template, options)).toMatch(/\/providers\/Microsoft\.Network\/ipGroups\/ipg-1$/);
    expect(evaluate("[resourceGroup().location]", template, options)).toBe('westeurope');
    expect(evaluate("[format('{0}-{1}', 'a', 'b')]", template, options)).toBe('a-b');
    // A literal that looks like an expression stays escaped for the parsers, which unescape it.
    expect(evaluate('[[not an expression]', template, options)).toBe('[[not an expression]');
  });

  it('takes parameters from a parameters file, then --param, over the defaults', () => {
    const file = { file: 'p.json', content: JSON.stringify({ $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#', parameters: { name: { value: 'From File' }, count: { value: 5 } } }) };
    const template = { parameters };
    expect(evaluate("[concat(parameters('name'), string(parameters('count')))]", template, { parameterFiles: [file] })).toBe('From File5');
    expect(evaluate("[add(parameters('count'), 1)]", template, { parameterFiles: [file], parameters: { count: '7' } })).toBe(8);
    expect(error(() => evaluate('x', template, { parameters: { nope: '1' } })).message).toMatch(/declares no parameter 'nope'/);
    expect(error(() => evaluate('x', template, { parameters: { count: 'many' } })).message).toMatch(/not an integer/);
    const stray = { file: 'p.json', content: JSON.stringify({ parameters: { other: { value: 1 } } }) };
    expect(error(() => evaluate('x', template, { parameterFiles: [stray] })).location).toMatchObject({ file: 'p.json', jsonPath: '$.parameters.other' });
  });

  it('expands resource, property and variable copy loops', () => {
    const converted = evaluateArmTemplate(
      {
        $schema: SCHEMA,
        variables: { copy: [{ name: 'ports', count: 2, input: "[string(add(8000, copyIndex('ports')))]" }] },
        resources: [
          {
            type: 'Microsoft.Network/routeTables',
            name: "[concat('rt-', copyIndex(1))]",
            copy: { name: 'tables', count: 2 },
            properties: { copy: [{ name: 'routes', count: 2, input: { name: "[concat('r', copyIndex('routes'), '-', copyIndex())]", port: "[variables('ports')[copyIndex('routes')]]" } }] },
          },
        ],
      },
      't.json',
    );
    const resources = (converted.document as JsonObject)['resources'] as JsonObject[];
    expect(resources.map((resource) => resource['name'])).toEqual(['rt-1', 'rt-2']);
    expect((resources[1]!['properties'] as JsonObject)['routes']).toEqual([
      { name: 'r0-1', port: '8000' },
      { name: 'r1-1', port: '8001' },
    ]);
    expect(converted.origins.get('$.resources[1]')).toEqual({ file: 't.json', jsonPath: '$.resources[0]' });
  });

  it('evaluates what compiled AVM-style modules use: property loops over a parameter, tryGet, map and filter with lambdas', () => {
    const rules: Json[] = [
      { name: 'https', properties: { priority: 100, destinationPortRange: '443' } },
      { name: 'aml', properties: { priority: 110, destinationPortRange: '44224', description: 'AML' } },
    ];
    const template: Partial<JsonObject> = { parameters: { securityRules: { type: 'array', defaultValue: rules } } };
    expect(
      evaluate(
        {
          copy: [
            {
              name: 'securityRules',
              count: "[length(coalesce(parameters('securityRules'), createArray()))]",
              input: {
                name: "[coalesce(parameters('securityRules'), createArray())[copyIndex('securityRules')].name]",
                description: "[tryGet(coalesce(parameters('securityRules'), createArray())[copyIndex('securityRules')].properties, 'description')]",
                priority: "[coalesce(parameters('securityRules'), createArray())[copyIndex('securityRules')].properties.priority]",
              },
            },
          ],
        },
        template,
      ),
    ).toEqual({
      securityRules: [
        { name: 'https', description: null, priority: 100 },
        { name: 'aml', description: 'AML', priority: 110 },
      ],
    });
    expect(evaluate("[map(parameters('securityRules'), lambda('rule', 'i', format('{0}-{1}', lambdaVariables('i'), lambdaVariables('rule').name)))]", template)).toEqual(['0-https', '1-aml']);
    expect(evaluate("[filter(parameters('securityRules'), lambda('rule', greaterOrEquals(lambdaVariables('rule').properties.priority, 110)))]", template)).toEqual([rules[1]]);
    expect(evaluate("[map(filter(parameters('securityRules'), lambda('rule', not(empty(tryGet(lambdaVariables('rule'), 'properties', 'description'))))), lambda('rule', lambdaVariables('rule').name))]", template)).toEqual(['aml']);
    expect(evaluate("[items(createObject('b', 2, 'a', 1))]", template)).toEqual([{ key: 'a', value: 1 }, { key: 'b', value: 2 }]);
  });

  it('reads symbolic-name templates, drops existing and false-condition resources, and evaluates nested deployments in their scope', () => {
    const converted = evaluateArmTemplate(
      {
        $schema: SCHEMA,
        languageVersion: '2.0',
        parameters: { region: { type: 'string', defaultValue: 'westus' } },
        resources: {
          workspace: { type: 'Microsoft.MachineLearningServices/workspaces', existing: true, name: 'ws' },
          skipped: { type: 'Test/things', condition: "[equals(parameters('region'), 'eastus')]", name: 'no' },
          module: {
            type: 'Microsoft.Resources/deployments',
            name: 'nsg-module',
            properties: {
              expressionEvaluationOptions: { scope: 'inner' },
              parameters: { location: { value: "[parameters('region')]" } },
              template: { parameters: { location: { type: 'string' } }, resources: [{ type: 'Test/things', name: "[format('inner-{0}', parameters('location'))]" }] },
            },
          },
        },
      } as JsonObject,
      't.json',
    );
    expect(((converted.document as JsonObject)['resources'] as JsonObject[]).map((resource) => resource['name'])).toEqual(['inner-westus']);
  });

  it('leaves what only a deployment knows as written, with the reason for the parser that needs it', () => {
    const converted = evaluateArmTemplate(
      { $schema: SCHEMA, parameters: { needed: { type: 'string' } }, resources: [{ type: 'Test/things', name: "[parameters('needed')]", properties: { a: "[uniqueString(resourceGroup().id)]", b: "[reference('x').ip]", c: "[customFn('q')]" } }] },
      't.json',
      { location: 'westus' },
    );
    const resource = ((converted.document as JsonObject)['resources'] as JsonObject[])[0]!;
    expect(resource['name']).toBe("[parameters('needed')]");
    expect(converted.unresolved.get('$.resources[0].name')).toMatch(/parameter 'needed' has no value: give it in --parameters FILE or --param needed=VALUE/);
    expect(converted.unresolved.get('$.resources[0].properties.a')).toMatch(/uniqueString\(\) is known only when the template is deployed/);
    expect(converted.unresolved.get('$.resources[0].properties.b')).toMatch(/reference\(\)/);
    expect(converted.unresolved.get('$.resources[0].properties.c')).toMatch(/customFn\(\) is not supported/);
  });

  it('reports bad expressions and arguments at their JSON path', () => {
    expect(evaluate("[concat('a'")).toBe("[concat('a'"); // no closing bracket: a literal, as ARM reads it
    expect(error(() => evaluate("[concat('a']")).location).toMatchObject({ file: 't.json', jsonPath: '$.resources[0].properties.value' });
    expect(error(() => evaluate("[format('{1}', 'a')]")).message).toMatch(/uses \{1\} but has 1 value/);
    expect(error(() => evaluate("[variables('missing')]")).message).toMatch(/declares no variable 'missing'/);
    expect(error(() => evaluate("[int('x')]")).message).toMatch(/not an integer/);
    expect(error(() => evaluateArmTemplate({ $schema: SCHEMA, variables: { a: "[variables('b')]", b: "[variables('a')]" }, resources: [{ type: 'T/t', name: "[variables('a')]" }] }, 't.json')).message).toMatch(/refers to itself/);
    expect(error(() => evaluateArmTemplate({ $schema: SCHEMA, resources: [{ type: 'T/t', name: 'x', copy: { name: 'c', count: 5000 } }] }, 't.json')).message).toMatch(/over ARM's 800/);
  });
});
