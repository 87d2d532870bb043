/**
 * The CLI starts like a small program (issue 22): commands are declared from light modules and each command's
 * implementation is a chunk of dist/ imported only when it runs (src/cli/lazy-commands.ts). These tests check the
 * declarations agree with what they stand for, and, on the built bin, which chunks a command really loads.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { reportFormatOption } from '../src/cli/flags.js';
import { REPORT_FORMATS } from '../src/reports/index.js';
import { TARGET_DESCRIPTORS } from '../src/targets/descriptors.js';
import { allTargets } from '../src/targets/registry.js';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const BIN = join(DIST, 'cli.js');

describe('the light declarations agree with what they stand for', () => {
  it('targets/descriptors.ts lists every registered target with its formats and the same option schema', () => {
    const targets = allTargets();
    expect(TARGET_DESCRIPTORS.map((target) => target.id)).toEqual(targets.map((target) => target.id));
    for (const [index, target] of targets.entries()) {
      expect(TARGET_DESCRIPTORS[index]!.formats, target.id).toEqual(target.formats);
      expect(TARGET_DESCRIPTORS[index]!.options, target.id).toBe(target.options);
    }
  });

  it('the report --format choices are the report formats', () => {
    expect(reportFormatOption().argChoices).toEqual([...REPORT_FORMATS]);
  });
});

/**
 * The dist/ files `node dist/cli.js ARGS` imports, through a module hook that appends each loaded file: URL to a
 * file (hooks run off the main thread; NODE_DEBUG output differs between Node versions).
 */
function loadedBy(args: readonly string[]): { files: string[]; code: number | null } {
  const dir = mkdtempSync(join(tmpdir(), 'tagwall-lazy-'));
  try {
    const log = join(dir, 'loaded.txt');
    const hook = `import { appendFileSync } from 'node:fs'; export async function load(url, context, next) { if (url.startsWith('file:')) appendFileSync(${JSON.stringify(log)}, url + '\\n'); return next(url, context); }`;
    const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
    const child = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const urls = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
    const files = urls.map((url) => fileURLToPath(url)).filter((file) => file.startsWith(DIST)).map((file) => file.slice(DIST.length));
    return { files: [...new Set(files)].sort(), code: child.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const COMMAND_CHUNKS = ['analysis', 'catalog', 'expand', 'impact', 'path', 'project', 'render', 'snapshot', 'snapshot-fetch', 'tags', 'targets'];
/** The command chunks among the files: `cli-render-AB12CD34.js` → `render`. */
const commandChunks = (files: readonly string[]): string[] =>
  files.flatMap((file) => {
    const name = /^cli-(.+)-[A-Z0-9]{8}\.js$/.exec(file)?.[1];
    return name !== undefined && COMMAND_CHUNKS.includes(name) ? [name] : [];
  });
const bytes = (files: readonly string[]): number => files.reduce((sum, file) => sum + statSync(join(DIST, file)).size, 0);
const cliFiles = (): string[] => readdirSync(DIST).filter((file) => /^cli(-.*)?\.js$/.test(file));

describe.skipIf(!existsSync(BIN))('the built bin loads only what the command runs (npm run build first)', () => {
  it('is split: the bin and one chunk per command', () => {
    expect(commandChunks(cliFiles()).sort()).toEqual(COMMAND_CHUNKS);
  });

  it('--version and --help load no command and a small part of the CLI', () => {
    for (const args of [['--version'], ['--help'], ['render', '--help']]) {
      const { files, code } = loadedBy(args);
      expect(code, args.join(' ')).toBe(0);
      expect(files, args.join(' ')).toContain('cli.js');
      expect(commandChunks(files), args.join(' ')).toEqual([]);
      // Today ~11% (the declarations, commander's options, the error and output helpers).
      expect(bytes(files) / bytes(cliFiles()), args.join(' ')).toBeLessThan(0.2);
    }
  });

  it('expand loads its own chunk, not the translators, the analysis or the catalogue', () => {
    const { files, code } = loadedBy(['expand', 'Storage.WestUS']);
    expect(code).toBe(0);
    expect(commandChunks(files)).toEqual(['expand']);
    // The snapshot readers and little else (the CLI imports them from their files, not the barrels): today ~17%.
    expect(bytes(files) / bytes(cliFiles())).toBeLessThan(0.3);
  });

  it('render loads render and the kit it renders with, not the other kits, the analysis or the other commands', () => {
    const nsg = loadedBy(['render', '--scenario', 'compute-no-public-ip', '--region', 'westus', '--target', 'nsg']);
    expect(nsg.code).toBe(0);
    // No project file here: the project runner is not loaded either.
    expect(commandChunks(nsg.files)).toEqual(['render']);
    const all = loadedBy(['render', '--scenario', 'compute-no-public-ip', '--region', 'westus', '--target', 'all', '-o', join(tmpdir(), `tagwall-lazy-all-${process.pid}`)]);
    expect(all.code).toBe(0);
    expect(commandChunks(all.files)).toEqual(['render']);
    // Every kit is more than one kit (target-kits.ts: one import per kit).
    expect(bytes(nsg.files)).toBeLessThan(bytes(all.files) - 50_000);
    rmSync(join(tmpdir(), `tagwall-lazy-all-${process.pid}`), { recursive: true, force: true });
  });
});
