import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { thrownError as error } from '../../../test/support/errors.js';
import { bicepString } from '../../text/bicep.js';
import { wellFormed } from '../../text/line.js';
import type { JsonObject } from '../../targets/azure/common/arm-read.js';
import { convertBicep } from './convert.js';
import { parseBicep } from './parser.js';


const SOURCE = [
  '// comment',
  '@description(\'Region\')',
  "param location string = 'westus'",
  'param nsgName string',
  "var https = '443'",
  "resource nsg 'Microsoft.Network/networkSecurityGroups@2022-07-01' = {",
  '  name: nsgName',
  '  location: location',
  '  properties: {',
  '    securityRules: [',
  '      {',
  "        name: 'storage'",
  '        properties: {',
  "          destinationAddressPrefix: 'Storage.${location}'",
  '          destinationPortRanges: [',
  "            '80', https",
  '          ]',
  '          priority: 100',
  '        }',
  '      }',
  '    ]',
  '  }',
  '}',
  'output id string = nsg.id',
  '',
].join('\n');

describe('Bicep reader', () => {
  it('parses declarations with positions', () => {
    expect(parseBicep(SOURCE, 'x.bicep').map((declaration) => [declaration.kind, declaration.pos.line])).toEqual([
      ['param', 3],
      ['param', 4],
      ['var', 5],
      ['resource', 6],
      ['output', 24],
    ]);
  });

  it('evaluates the literal subset: parameters, variables, interpolation, --param and parameters files', () => {
    const converted = convertBicep(SOURCE, 'x.bicep', { parameters: { nsgName: 'nsg-1', location: 'westeurope' } });
    const [resource] = (converted.document as JsonObject)['resources'] as JsonObject[];
    expect(resource!['name']).toBe('nsg-1');
    const rule = (((resource!['properties'] as JsonObject)['securityRules'] as JsonObject[])[0]!['properties']) as JsonObject;
    expect(rule).toEqual({ destinationAddressPrefix: 'Storage.westeurope', destinationPortRanges: ['80', '443'], priority: 100 });
    expect(converted.origins.get('$.resources[0].properties.securityRules[0].properties.priority')).toEqual({ file: 'x.bicep', line: 18, column: 11 });
    const fromFile = convertBicep(SOURCE, 'x.bicep', { parameterFiles: [{ file: 'p.json', content: JSON.stringify({ parameters: { nsgName: { value: 'from-file' } } }) }] });
    expect(((fromFile.document as JsonObject)['resources'] as JsonObject[])[0]!['name']).toBe('from-file');
  });

  it('keeps a value it cannot give as an expression the parsers refuse, with the reason', () => {
    const converted = convertBicep(SOURCE, 'x.bicep');
    expect(((converted.document as JsonObject)['resources'] as JsonObject[])[0]!['name']).toMatch(/^\[unresolved: /);
    expect(converted.unresolved.get('$.resources[0].name')).toMatch(/parameter 'nsgName' has no value/);
  });

  it('asks for bicep build beyond the literal subset', () => {
    const loop = "resource r 'Microsoft.Network/routeTables@2023-01-01' = [for i in range(0, 2): {\n  name: 'r${i}'\n}]\n";
    expect(error(() => convertBicep(loop, 'l.bicep')).message).toMatch(/bicep build/);
    expect(error(() => convertBicep("module m './m.bicep' = {\n  name: 'm'\n}\n", 'm.bicep')).message).toMatch(/module declaration is beyond the literal Bicep.*bicep build/);
    const call = convertBicep("resource r 'Microsoft.Network/routeTables@2023-01-01' = {\n  name: uniqueString('x')\n}\n", 'c.bicep');
    expect(call.unresolved.get('$.resources[0].name')).toMatch(/uniqueString\(\) is beyond the literal Bicep tagwall reads; compile it with `bicep build FILE`/);
  });

  it('reads back every string tagwall writes into Bicep (bicepString)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const converted = convertBicep(`resource r 'Test/things@1' = {\n  name: ${bicepString(text)}\n}\n`, 's.bicep');
        const name = ((converted.document as JsonObject)['resources'] as JsonObject[])[0]!['name'] as string;
        const expected = wellFormed(text);
        expect(name).toBe(expected.startsWith('[') && expected.endsWith(']') ? `[${expected}` : expected);
      }),
      { numRuns: 100, seed: 20 },
    );
  });

  it('reads linter pragmas as comments', () => {
    const converted = convertBicep("#disable-next-line no-hardcoded-location\nresource r 'Test/things@1' = {\n  name: 'x' // trailing\n  location: 'westus'\n}\n", 'p.bicep');
    expect(((converted.document as JsonObject)['resources'] as JsonObject[])[0]).toMatchObject({ name: 'x', location: 'westus' });
  });

  it('reports syntax errors at line and column', () => {
    expect(error(() => parseBicep("param x string = 'open\n", 'e.bicep')).location).toMatchObject({ file: 'e.bicep', line: 1, column: 18 });
    expect(error(() => parseBicep('resource r = {}\n', 'e.bicep')).message).toMatch(/resource type/);
    expect(error(() => parseBicep('nonsense here\n', 'e.bicep')).location).toMatchObject({ line: 1, column: 1 });
  });
});
