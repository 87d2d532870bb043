import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTagwallError } from '../errors.js';
import { parseRequirements } from './requirements-file.js';
import { requirementsJsonSchema, requirementsJsonSchemaText } from './requirements-schema.js';

const root = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const validate = new Ajv({ strict: true, allErrors: true }).compile(requirementsJsonSchema());

function parses(data: unknown): boolean {
  try {
    parseRequirements(JSON.stringify(data), 'f.json', { readFile: () => '{"version": 2}' });
    return true;
  } catch (error) {
    if (isTagwallError(error)) return false;
    throw error;
  }
}

const entry = (fields: Record<string, unknown>): unknown => ({ requirements: [{ id: 'a', direction: 'out', ...fields }] });
const entryV2 = (fields: Record<string, unknown>, top: Record<string, unknown> = {}): unknown => ({ version: 2, ...top, requirements: [{ id: 'a', direction: 'out', ...fields }] });

describe('the requirements JSON Schema', () => {
  it('is the file the docs and the package ship (npm run schema writes it)', () => {
    expect(readFileSync(root('docs/requirements.schema.json'), 'utf8')).toBe(requirementsJsonSchemaText());
    const pkg = JSON.parse(readFileSync(root('package.json'), 'utf8')) as { exports: Record<string, unknown>; files: string[] };
    expect(pkg.exports['./requirements.schema.json']).toBe('./docs/requirements.schema.json');
    expect(pkg.files).toContain('docs');
  });

  it('compiles in Ajv strict mode (strictTypes, strictRequired, strictTuples all errors)', () => {
    expect(() => new Ajv({ strict: true, strictTypes: true, strictRequired: true, strictTuples: true }).compile(requirementsJsonSchema())).not.toThrow();
  });

  // Each case: what the parser says, and the schema must say the same.
  const agreed: ReadonlyArray<readonly [string, unknown, boolean]> = [
    ['a v1 entry', entry({ protocol: 'tcp', ports: 443, destination: 'Storage.WestUS' }), true],
    ['protocol: TCP,udp', entry({ protocol: 'TCP,udp', ports: '53' }), true],
    ['protocol: tcpp', entry({ protocol: 'tcpp' }), false],
    ['protocol list with any', entry({ protocol: ['tcp', 'any'] }), false],
    ['ports: 70000', entry({ protocol: 'tcp', ports: 70000 }), false],
    ['ports: "70000"', entry({ protocol: 'tcp', ports: '70000' }), false],
    ['ports: "80,,443"', entry({ protocol: 'tcp', ports: '80,,443' }), false],
    ['ports: "8000 - 8999, 443"', entry({ protocol: 'tcp', ports: '8000 - 8999, 443' }), true],
    ['destination: *.com', entry({ destination: '*.com' }), false],
    ['destination: *.blob.core.windows.net', entry({ destination: '*.blob.core.windows.net' }), true],
    ['direction: sideways', entry({ direction: 'sideways' }), false],
    ['source and sources', entry({ source: 'any', sources: ['any'] }), false],
    ['v2 key in v1', entry({ action: 'deny' }), false],
    ['networks in v1', { networks: {}, requirements: [] }, false],
    ['version 3', { version: 3, requirements: [] }, false],
    ['v2 services and networks', entryV2({ action: 'deny', service: ['https', 'udp/53', { protocol: 'icmp', icmp: 8 }], destination: ['web', { network: 'web' }] }, { networks: { web: '10.0.0.0/8' }, services: { https: 'tcp/443' } }), true],
    ['v2 service with ports', entryV2({ service: 'tcp/443', ports: 443 }), false],
    ['v2 action: reject', entryV2({ action: 'reject' }), false],
    ['v2 network name with a dot', entryV2({}, { networks: { 'a.b': '10.0.0.0/8' } }), false],
    ['v2 except', entryV2({ protocol: 'tcp', except: [{ source: '10.0.0.0/24', ports: 22 }] }), true],
    ['v2 except with an unknown key', entryV2({ except: { id: 'x' } }), false],
    ['v2 include', { version: 2, include: ['a.yaml'], requirements: [] }, true],
  ];
  for (const [what, data, accepted] of agreed) {
    it(`${accepted ? 'accepts' : 'rejects'} ${what}, as the reader does`, () => {
      expect(parses(data), 'reader').toBe(accepted);
      expect(validate(data), `schema: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(accepted);
    });
  }

  it('documents what only the reader refuses (a pattern cannot order numbers or know every public suffix)', () => {
    for (const data of [entry({ protocol: 'tcp', ports: '80-70' }), entry({ destination: '*.co.uk' }), entryV2({ destination: { network: 'web' } })]) {
      expect(validate(data)).toBe(true);
      expect(parses(data)).toBe(false);
    }
  });

  it('agrees with the reader on generated ports and protocols', () => {
    const portText = fc.oneof(
      fc.integer({ min: 0, max: 70000 }).map(String),
      fc.tuple(fc.integer({ min: 0, max: 66000 }), fc.integer({ min: 0, max: 66000 })).filter(([a, b]) => a <= b).map(([a, b]) => `${a}-${b}`),
      fc.constantFrom('any', '*', '', ' 443 ', '0443', '00443', '000443', '1,2', '1, 2', 'x'),
    );
    const protocolText = fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.constantFrom('tcp', 'UDP', 'icmp6', 'ipv6-icmp', 'tcpp', 'all', '6-17', '17-6', '0006', 'tcp,udp', ''));
    fc.assert(
      fc.property(portText, protocolText, (ports, protocol) => {
        // Ports only with TCP or UDP: the reader refuses the other combinations for reasons a schema does not model.
        const data = entry(/^(tcp|udp)$/i.test(protocol) ? { protocol, ports } : { protocol });
        const descending = /^(\d+)-(\d+)$/.exec(protocol);
        if (descending && Number(descending[1]) > Number(descending[2])) return;
        expect(validate(data), JSON.stringify(data)).toBe(parses(data));
      }),
      { numRuns: 300 },
    );
  });
});
