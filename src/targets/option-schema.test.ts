import { describe, expect, it } from 'vitest';
import { defineOptions, flagOf, formatOptionSpec, optionsFor, validateOptions } from './option-schema.js';
import { thrownError as failure } from '../../test/support/errors.js';

const SCHEMA = defineOptions([
  formatOptionSpec(['xml', 'set']),
  { name: 'chainHook', type: 'choice', choices: ['host', 'input'], default: 'host', doc: 'where', uses: ['render'] },
  { name: 'log', type: 'boolean', doc: 'log', uses: ['render'] },
  { name: 'priority', type: 'integer', min: 100, max: 200, doc: 'priority', uses: ['render'] },
  { name: 'zone', type: 'text', doc: 'zone', uses: ['render', 'parse'], flag: 'from-zone' },
]);

describe('validateOptions', () => {
  it('refuses an unknown key, naming the nearest option and every option', () => {
    const error = failure(() => validateOptions('t', SCHEMA, { chainhok: 'input' }));
    expect(error.code).toBe('TW_INVALID_OPTION');
    expect(error.message).toBe("target t: unknown option 'chainhok' (did you mean chainHook?); its options: format, chainHook, log, priority, zone");
    expect(error.suggestions).toEqual(['chainHook']);
    expect(failure(() => validateOptions('t', SCHEMA, { bogus: '1' })).message).toMatch(/unknown option 'bogus'; its options: format, chainHook/);
  });
  it('refuses a choice outside its list, naming the choices', () => {
    const error = failure(() => validateOptions('t', SCHEMA, { chainHook: 'inptu' }));
    expect(error.message).toBe("target t: option chainHook must be one of host, input, not 'inptu'");
    expect(error.suggestions).toEqual(['input']);
  });
  it('reads booleans, integers in range and text; normalizes choices', () => {
    expect(validateOptions('t', SCHEMA, { chainHook: ' INPUT ', log: 'yes', priority: 150, zone: 'dmz', format: undefined })).toEqual({ chainHook: 'input', log: true, priority: '150', zone: 'dmz' });
    expect(failure(() => validateOptions('t', SCHEMA, { log: 'maybe' })).message).toMatch(/log takes true or false/);
    expect(failure(() => validateOptions('t', SCHEMA, { priority: '99' })).message).toMatch(/priority must be an integer 100-200/);
    expect(failure(() => validateOptions('t', SCHEMA, { zone: true })).message).toMatch(/zone needs a value/);
  });
  it('keeps the keys a schema declares for runs that share options between targets', () => {
    expect(optionsFor(SCHEMA, { log: true, counters: true })).toEqual({ log: true });
  });
  it('derives flags from names unless declared', () => {
    expect(SCHEMA.map(flagOf)).toEqual([undefined, 'chain-hook', 'log', 'priority', 'from-zone']);
  });
  it('refuses a schema that declares a name twice', () => {
    expect(() => defineOptions([SCHEMA[2], SCHEMA[2]])).toThrow(/declared twice/);
  });
});
