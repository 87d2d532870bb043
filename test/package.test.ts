/**
 * The package as users import it: `tagwall` and `tagwall/testing` through the `exports` map, from ESM and from
 * CommonJS, in a separate Node process against the built dist/ (npm test builds first). Both entries share their
 * classes, so a PacketSet drawn by a `tagwall/testing` arbitrary is an instance of the one `tagwall` exports.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const built = existsSync('dist/testing.js') && existsSync('dist/testing.cjs') && existsSync('dist/testing.d.ts');

/** Runs `code` with node from the package root, where `tagwall` resolves to this package (self-reference). */
function node(code: string, module: boolean): string {
  return execFileSync(process.execPath, [...(module ? ['--input-type=module'] : []), '-e', code], { encoding: 'utf8' }).trim();
}

const PROBE = `
  const sample = fc.sample(t.ruleSet({ resolver: m.expandedResolver(m.defaultSnapshot('Public')) }), { numRuns: 3, seed: 7 });
  let failure = '';
  const all = (defaultAction) => ({ name: defaultAction + '-all', mode: 'expanded', defaultAction, rules: [] });
  try { t.assertEquivalent(all('deny'), all('allow')); } catch (error) { failure = error.message; }
  console.log(JSON.stringify({
    same: fc.sample(t.packetSet({ resolver: m.expandedResolver(m.defaultSnapshot('Public')) }), { numRuns: 1, seed: 1 })[0] instanceof m.PacketSet,
    rules: sample.length,
    failure,
  }));`;

describe.skipIf(!built)('the published entry points', () => {
  it('imports tagwall and tagwall/testing from ESM', () => {
    const out = JSON.parse(node(`import * as m from 'tagwall'; import * as t from 'tagwall/testing'; import fc from 'fast-check';${PROBE}`, true)) as { same: boolean; rules: number; failure: string };
    expect(out.same).toBe(true);
    expect(out.rules).toBe(3);
    expect(out.failure).toMatch(/witness/);
  });

  it('requires tagwall and tagwall/testing from CommonJS', () => {
    const out = JSON.parse(node(`const m = require('tagwall'); const t = require('tagwall/testing'); const fc = require('fast-check');${PROBE}`, false)) as { same: boolean; rules: number; failure: string };
    expect(out.same).toBe(true);
    expect(out.rules).toBe(3);
    expect(out.failure).toMatch(/witness/);
  });

  it('ships types for both entries and both module systems', () => {
    for (const file of ['dist/index.d.ts', 'dist/index.d.cts', 'dist/testing.d.ts', 'dist/testing.d.cts']) expect(existsSync(file), file).toBe(true);
  });
});
