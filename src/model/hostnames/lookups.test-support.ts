/**
 * For tests: runs `script` (an ES module that imports tagwall's source, through tsx) in a fresh process and counts
 * its calls of publicSuffixOf with V8's coverage, so a test can tell which paths look a name up in the Public Suffix
 * List (hostnames/patterns.ts skips the lookup for suffixes already proved).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Coverage {
  result: Array<{ url: string; functions: Array<{ functionName: string; ranges: Array<{ count: number }> }> }>;
}

export function runCountingSuffixLookups(script: string): { stdout: string; stderr: string; lookups: number } {
  const dir = mkdtempSync(join(tmpdir(), 'tagwall-suffix-lookups-'));
  try {
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, NODE_V8_COVERAGE: dir },
    });
    let lookups = 0;
    for (const file of readdirSync(dir)) {
      const coverage = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Coverage;
      for (const module of coverage.result) {
        if (!/[\\/]hostnames[\\/]public-suffix\.ts$/.test(module.url)) continue;
        for (const fn of module.functions) if (fn.functionName === 'publicSuffixOf') lookups += fn.ranges[0]!.count;
      }
    }
    return { stdout: run.stdout, stderr: run.stderr, lookups };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
