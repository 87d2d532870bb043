/**
 * The typed public API as a TypeScript consumer meets it: a project that installs tagwall (a symlink to this
 * package, resolved through its `exports` map to the built dist/ types) and compiles in strict mode, once with
 * `node16` and once with `bundler` resolution. The correct calls compile; each misspelt target id, option key,
 * option choice and scenario id is marked `@ts-expect-error`, so it fails the compile if it ever stops being an
 * error. Needs dist/ (npm test builds first).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const built = existsSync('dist/index.d.ts');
const TSC = resolve('node_modules/typescript/bin/tsc');

const CONSUMER = `
import { defaultSnapshot, expandedResolver, getTarget, loadScenario, type TargetId, type TargetOptions } from 'tagwall';

const snapshot = defaultSnapshot('Public');
const resolver = expandedResolver(snapshot);
const requirements = loadScenario('compute-no-public-ip', { region: 'westus' });

const nftables = getTarget('nftables');
const ok = nftables.translate(requirements, { snapshot, resolver, options: { chainHook: 'output', counters: true } });
const panos: TargetOptions<'panos'> = { format: 'set', fromZone: 'inside', tags: 'edl', edlUrl: 'https://lists.example/' };
getTarget('panos').translate(requirements, { snapshot, resolver, options: panos });
getTarget('azure-firewall').translate(requirements, { snapshot, resolver, options: { sku: 'premium', priority: 300, ipv6: true } });
const id: TargetId = 'udr';
export const used = [ok.artifacts.length, id];

// @ts-expect-error a misspelt target id
getTarget('nftabels');
// @ts-expect-error a misspelt option key
nftables.translate(requirements, { snapshot, resolver, options: { chainhook: 'output' } });
// @ts-expect-error a choice this target does not have (nftables has no 'return' default action)
nftables.translate(requirements, { snapshot, resolver, options: { defaultAction: 'return' } });
// @ts-expect-error an option of another target
getTarget('nsg').translate(requirements, { snapshot, resolver, options: { chainHook: 'output' } });
// @ts-expect-error classic rules have no IPv6 option
getTarget('azure-firewall-classic').translate(requirements, { snapshot, resolver, options: { ipv6: true } });
// @ts-expect-error a misspelt scenario id
loadScenario('compute-no-publicip', { region: 'westus' });
// @ts-expect-error a format the target does not write
const wrong: TargetOptions<'udr'> = { format: 'xml' };
export { wrong };
`;

const RESOLUTIONS = [
  { name: 'node16', compilerOptions: { module: 'node16', moduleResolution: 'node16' } },
  { name: 'bundler', compilerOptions: { module: 'esnext', moduleResolution: 'bundler' } },
] as const;

const scratch = mkdtempSync(join(tmpdir(), 'tagwall-consumer-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.skipIf(!built)('a strict TypeScript consumer of tagwall (needs dist/: npm run build)', () => {
  it.each(RESOLUTIONS)('compiles the right calls and refuses the misspelt ones with $name resolution', ({ name, compilerOptions }) => {
    const project = join(scratch, name);
    mkdirSync(join(project, 'node_modules'), { recursive: true });
    symlinkSync(resolve('.'), join(project, 'node_modules', 'tagwall'), 'dir');
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: `consumer-${name}`, type: 'module', private: true }));
    writeFileSync(join(project, 'consumer.ts'), CONSUMER);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { ...compilerOptions, target: 'ES2022', strict: true, noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [resolve('node_modules/@types')] }, files: ['consumer.ts'] }),
    );
    let output = '';
    try {
      execFileSync(process.execPath, [TSC, '-p', project], { encoding: 'utf8' });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output).toBe('');
  }, 60_000);
});
