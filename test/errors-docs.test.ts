/**
 * docs/errors.md and the code in step: every error code the `ErrorCode` type has is documented with an example and
 * raised somewhere, every command line the page gives raises the code it names, and the exit codes the page lists
 * are the only ones the CLI uses.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_BAD_INPUT, EXIT_DIFFERENT, EXIT_INTERNAL, EXIT_OK } from '../src/cli/io.js';
import { tagwallAsync } from './support/cli.js';

const page = readFileSync('docs/errors.md', 'utf8');
const declared = [...readFileSync('src/errors.ts', 'utf8').matchAll(/\|\s*'(TW_[A-Z_]+)'/g)].map((m) => m[1]!);
/** Codes with no command line that raises them, and why (the page says the same). */
const LIBRARY_ONLY: Readonly<Record<string, string>> = {
  TW_NO_REGIONAL_TAG: 'every published snapshot has each regional tag the catalogue uses',
  TW_MODE_MISMATCH: 'only the library compares rule sets built with different resolvers',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(name) && !/\.test\.ts$|test-support|test-fixtures/.test(name) ? [path] : [];
  });
}

/** `$ tagwall … # TW_CODE` lines: argv split the way a POSIX shell splits single-quoted words. */
function commandLines(): Array<{ argv: string[]; code: string }> {
  return [...page.matchAll(/^\$ tagwall (.*?)\s+# (TW_[A-Z_]+)$/gm)].map((m) => ({
    argv: [...m[1]!.matchAll(/'([^']*)'|(\S+)/g)].map((word) => word[1] ?? word[2]!),
    code: m[2]!,
  }));
}

describe('docs/errors.md', () => {
  const table = [...page.matchAll(/^\| `(TW_[A-Z_]+)`(?: \([^)]*\))? \| ([^|]+) \| (.+) \|$/gm)];

  it('documents exactly the codes of the ErrorCode type, each with what raises it and an example', () => {
    expect(declared.length).toBeGreaterThan(20);
    expect([...new Set(table.map((row) => row[1]!))].sort()).toEqual([...declared].sort());
    for (const row of table) {
      expect(row[2]!.trim(), row[1]).not.toBe('');
      expect(row[3]!.trim(), row[1]).not.toBe('');
    }
  });

  it('lists no code nothing raises', () => {
    const source = sourceFiles('src')
      .filter((file) => file !== join('src', 'errors.ts'))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    for (const code of declared) expect(source.includes(`'${code}'`), code).toBe(true);
  });

  it('gives a command line for every code a command line can raise, and each raises its code with exit 2', async () => {
    const lines = commandLines();
    expect(lines.map((line) => line.code).sort()).toEqual(declared.filter((code) => !(code in LIBRARY_ONLY)).sort());
    for (const code of Object.keys(LIBRARY_ONLY)) expect(page).toContain(`\`${code}\``);
    for (const { argv, code } of lines) {
      // Async: `snapshot fetch` (TW_NETWORK) waits for the network, which only runAsync does.
      const result = await tagwallAsync(...argv, '--json');
      expect(result.code, argv.join(' ')).toBe(EXIT_BAD_INPUT);
      expect((JSON.parse(result.stdout) as { error: { code: string } }).error.code, argv.join(' ')).toBe(code);
    }
  });

  it('lists the exit codes the CLI has, and the CLI uses no other', () => {
    const documented = [...page.slice(page.indexOf('## Exit codes')).matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    expect(documented).toEqual([EXIT_OK, EXIT_DIFFERENT, EXIT_BAD_INPUT, EXIT_INTERNAL]);
    // Exit codes come from the named constants only: no literal code handed to the process or a command's result.
    for (const file of sourceFiles(join('src', 'cli'))) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/process\.exit\(\s*\d|exitCode\s*=\s*\d|setExitCode\(\s*\d/);
      if (!file.endsWith('io.ts')) expect(text, file).not.toMatch(/^\s*return \d+;/m);
    }
  });
});
