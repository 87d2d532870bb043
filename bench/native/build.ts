/**
 * Native baselines are compiled here at bench time (gcc -O2) into bench/.native/, so that no binary is committed;
 * a machine without a C compiler gets undefined and the bench says the baseline was skipped.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const OUT = fileURLToPath(new URL('../.native/', import.meta.url));

export function compileNative(name: string): string | undefined {
  mkdirSync(OUT, { recursive: true });
  const source = fileURLToPath(new URL(`./${name}.c`, import.meta.url));
  const binary = `${OUT}${name}`;
  const cc = spawnSync('cc', ['-O2', '-march=native', '-o', binary, source], { encoding: 'utf8' });
  if (cc.error || cc.status !== 0) {
    console.log(`  (native ${name} not built: ${cc.error?.message ?? cc.stderr.trim()})`);
    return undefined;
  }
  return binary;
}
