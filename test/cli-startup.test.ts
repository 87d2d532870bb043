/**
 * The CLI's code cache (src/cli/code-cache.ts, issue 22): the bin compiles its bundle with the code V8 made for it on
 * an earlier run, on every Node. These tests run the built bin with NODE_COMPILE_CACHE in a temporary directory and
 * check what is written, that a second run uses it, that output never changes, and that a broken, foreign or
 * disabled cache never fails a command; and, with the Node binaries TAGWALL_TEST_NODES names (.ci/run fetches
 * Node 22.0 and the current LTS), that each runs the CLI to the same bytes, with flags its V8 knows and a cache it
 * accepts.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { analysisFlags, CACHED_COMMANDS, COMMANDS_WITH_SUBCOMMANDS, COMMONJS_WRAPPER, cacheKey, feedbackAllocationFlags, optimiseLaterFlags, setV8Flags, youngGenerationFlags, type FlagHost } from '../src/cli/code-cache.js';
import { tagwall } from './support/cli.js';

const BIN = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** The command names a help page lists (`  expand [options] <tag...>  …` under `Commands:`). */
function commandsOf(help: string): string[] {
  const section = help.slice(help.indexOf('Commands:'));
  return [...section.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((match) => match[1]!);
}

describe.skipIf(!existsSync(BIN))('the bins (npm run build first)', () => {
  it("the package's bin is dist/cli.cjs, and it runs the CLI as dist/cli.js does", () => {
    const manifest = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { bin: Record<string, string> };
    expect(manifest.bin).toEqual({ tagwall: './dist/cli.cjs' });
    const run = (bin: string, args: readonly string[]) => {
      const child = spawnSync(process.execPath, [fileURLToPath(new URL(`../dist/${bin}`, import.meta.url)), ...args], { encoding: 'utf8' });
      return { code: child.status, stdout: child.stdout, stderr: child.stderr };
    };
    for (const args of [['--version'], ['expand', 'Storage.WestUS'], ['render', '--target', 'nope']]) {
      const esm = run('cli.js', args);
      expect(run('cli.cjs', args), args.join(' ')).toEqual(esm);
      expect(esm.code, args.join(' ')).toBe(args[0] === 'render' ? 2 : 0);
    }
  });

  it("loads no node:module (Node's ES module loader comes with it): the bundle gets the bin's require, in Node's wrapper", () => {
    expect(COMMONJS_WRAPPER).toEqual(createRequire(import.meta.url)('node:module').wrapper);
    const dir = mkdtempSync(join(tmpdir(), 'tagwall-modules-'));
    try {
      // The builtins loaded after this script started: what the bin and its bundle load.
      const script = join(dir, 'loaded.cjs');
      writeFileSync(
        script,
        "const before = new Set(process.moduleLoadList); process.on('exit', () => require('node:fs').writeSync(2, '\\nloaded: ' + process.moduleLoadList.filter((m) => !before.has(m)).join(',') + '\\n'));\n" +
          'const bin = process.argv[2]; process.argv.splice(1, 2, bin); require(bin);\n',
      );
      for (const args of [['expand', 'Storage.WestUS'], ['render', '--scenario', 'compute-no-public-ip', '--region', 'westus', '--target', 'nsg'], ['--version']]) {
        const child = spawnSync(process.execPath, [script, fileURLToPath(new URL('../dist/cli.cjs', import.meta.url)), ...args], { encoding: 'utf8' });
        expect(child.status, child.stderr).toBe(0);
        const loaded = /^loaded: (.*)$/m.exec(child.stderr)?.[1]?.split(',') ?? [];
        expect(loaded, args.join(' ')).toContain('NativeModule vm');
        expect(loaded.filter((name) => /^NativeModule (module|internal\/modules\/esm\/)/.test(name)), args.join(' ')).toEqual([]);
      }
      // Output thrown away (/dev/null, a character device but no terminal): the text commands ask whether standard
      // output is a terminal without making process.stdout, which would load Node's streams (terminal-style.ts).
      if (process.platform !== 'win32') {
        for (const args of [['catalog', 'show', 'compute-no-public-ip', '--region', 'westus'], ['catalog', 'list']]) {
          const child = spawnSync(process.execPath, [script, fileURLToPath(new URL('../dist/cli.cjs', import.meta.url)), ...args], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
          const loaded = /^loaded: (.*)$/m.exec(child.stderr)?.[1]?.split(',') ?? [];
          expect(loaded, args.join(' ')).toContain('NativeModule vm');
          expect(loaded.filter((name) => /^NativeModule (stream|internal\/streams\/)/.test(name)), args.join(' ')).toEqual([]);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the main bundle takes yaml and micromatch from dist/cli-packages.cjs, through the bin or, required without it, from beside it', () => {
    const bundle = fileURLToPath(new URL('../dist/cli-main.cjs', import.meta.url));
    const folded = 'requirements:\n  - id: x\n    direction: out\n    protocols: tcp\n    ports: "443"\n    sources: [VirtualNetwork]\n    destinations: [Storage.WestUS]\n    purpose: |\n      block scalar: the yaml package reads it\n';
    const dir = mkdtempSync(join(tmpdir(), 'tagwall-chunk-'));
    try {
      const requirements = join(dir, 'folded.yaml');
      writeFileSync(requirements, folded);
      for (const args of [['expand', 'AzureMachineLearning.*'], ['render', '--requirements', requirements, '--target', 'nsg']]) {
        const env = { ...process.env, NODE_DISABLE_COMPILE_CACHE: '1' };
        const viaBin = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env });
        expect(viaBin.status, viaBin.stderr).toBe(0);
        // A test that cannot fail is no test: the package did its work (the block scalar's text, the glob's tags).
        expect(viaBin.stdout.length, args.join(' ')).toBeGreaterThan(100);
        // The bundle required as a plain CommonJS module: no loader lent, so it requires the chunk beside it.
        const script = `process.argv = [process.argv[0], 'tagwall', ...${JSON.stringify(args)}]; require(${JSON.stringify(bundle)});`;
        const alone = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env });
        expect({ code: alone.status, stdout: alone.stdout, stderr: alone.stderr }, args.join(' ')).toEqual({ code: viaBin.status, stdout: viaBin.stdout, stderr: viaBin.stderr });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("prints package.json's version, written in by the build: neither bundle loads package.json (~1.2 ms cold)", () => {
    const manifest = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { version: string };
    // A preload records every JSON module the process loads; the library's CommonJS bundle is required as users do.
    const dir = mkdtempSync(join(tmpdir(), 'tagwall-version-'));
    try {
      const preload = join(dir, 'record-json.cjs');
      writeFileSync(preload, "const M = require('node:module'); const json = M._extensions['.json']; M._extensions['.json'] = (m, f) => { process.stderr.write('json ' + f + '\\n'); return json(m, f); };\n");
      const dist = (file: string): string => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));
      const cli = spawnSync(process.execPath, ['-r', preload, dist('cli.cjs'), '--version'], { encoding: 'utf8' });
      const library = spawnSync(process.execPath, ['-r', preload, '-p', `require(${JSON.stringify(dist('index.cjs'))}).VERSION`], { encoding: 'utf8' });
      // The preload sees a JSON module load (a test that cannot fail is no test).
      const seen = spawnSync(process.execPath, ['-r', preload, '-e', `require(${JSON.stringify(fileURLToPath(new URL('../package.json', import.meta.url)))})`], { encoding: 'utf8' });
      expect(seen.stderr).toMatch(/^json .*package\.json$/m);
      for (const child of [cli, library]) {
        expect(child.status, child.stderr).toBe(0);
        expect(child.stdout).toBe(`${manifest.version}\n`);
        expect(child.stderr).not.toMatch(/package\.json/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Runs the bin with its standard output read by a reader that starts only after `delayMs` (a shell pipeline into
 * `sleep; cat`): a render larger than the pipe's buffer must wait for it. Standard error is read as it comes.
 */
function runWithSlowReader(args: readonly string[], delayMs: number): { code: number | null; stdout: string; stderr: string } {
  const script = `"$@" | { sleep ${delayMs / 1000}; cat; }; exit "\${PIPESTATUS[0]}"`;
  const bin = fileURLToPath(new URL('../dist/cli.cjs', import.meta.url));
  const child = spawnSync('bash', ['-c', script, 'bash', process.execPath, bin, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return { code: child.status, stdout: child.stdout, stderr: child.stderr };
}

describe.skipIf(!existsSync(BIN) || process.platform === 'win32' || spawnSync('bash', ['-c', 'true']).status !== 0)('the bin ends the process once it is idle (process.exit at beforeExit)', () => {
  it('loses no output a slow reader has not read yet, and keeps the exit code', () => {
    // A render larger than a pipe's buffer (standard output) with diagnostics (standard error), and a usage error.
    for (const [args, code] of [
      [['render', '--scenario', 'compute-no-public-ip', '--region', 'westus', '--target', 'nftables'], 0],
      [['render', '--scenario', 'compute-no-public-ip', '--region', 'westus', '--target', 'nope'], 2],
    ] as const) {
      const read = spawnSync(process.execPath, [fileURLToPath(new URL('../dist/cli.cjs', import.meta.url)), ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
      const slow = runWithSlowReader(args, 300);
      expect(slow.code, args.join(' ')).toBe(code);
      expect(read.status, args.join(' ')).toBe(code);
      expect(slow.stdout, args.join(' ')).toBe(read.stdout);
      expect(slow.stderr, args.join(' ')).toBe(read.stderr);
      if (code === 0) expect(slow.stdout.length).toBeGreaterThan(65536);
    }
  }, 60_000);
});

describe.skipIf(!existsSync(BIN))("where Node has a compile cache of its own (Node >= 22.1; here, its function stood in by a preloaded module)", () => {
  it("the bin leaves it off and keeps tagwall's cache, which holds what the command compiled", () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagwall-node-cache-'));
    try {
      const preload = join(dir, 'enable.cjs');
      writeFileSync(preload, `require('node:module').enableCompileCache = () => { process.stderr.write('[enabled]'); };`);
      for (const bin of ['cli.js', 'cli.cjs']) {
        const cache = join(dir, `cache-${bin}`);
        const plain = spawnSync(process.execPath, [BIN, 'expand', 'Storage.WestUS'], { encoding: 'utf8', env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: '1' } });
        const run = spawnSync(process.execPath, ['--require', preload, fileURLToPath(new URL(`../dist/${bin}`, import.meta.url)), 'expand', 'Storage.WestUS'], {
          encoding: 'utf8',
          env: { ...process.env, NODE_COMPILE_CACHE: cache, NODE_DISABLE_COMPILE_CACHE: undefined },
        });
        expect(run.status, bin).toBe(0);
        expect(run.stdout, bin).toBe(plain.stdout);
        expect(run.stderr, bin).toBe(plain.stderr);
        expect(readdirSync(join(cache, 'tagwall')).filter((name) => name.endsWith('-expand.v8cache')), bin).toHaveLength(1);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * The budget flags bin.ts sets on `node` (optimiseLaterFlags of its V8), each with the value set and the default its
 * V8 lists in `--v8-options` (undefined when that V8 does not list it as an integer flag).
 */
function budgetFlagsOf(node: string): Array<{ name: string; value: number; byDefault: number | undefined }> {
  const v8 = spawnSync(node, ['-p', 'process.versions.v8'], { encoding: 'utf8' }).stdout.trim();
  const options = spawnSync(node, ['--v8-options'], { encoding: 'utf8', maxBuffer: 1 << 24 }).stdout;
  return optimiseLaterFlags(v8)
    .split(' ')
    .map((flag) => {
      const [name = '', value] = flag.split('=');
      const listed = new RegExp(`^\\s+${name} \\(.*\\n\\s+type: int\\s+default: ${name}=(\\d+)`, 'm').exec(options);
      return { name, value: Number(value), byDefault: listed ? Number(listed[1]) : undefined };
    });
}

describe("V8's budget flags for the analysis commands (bin.ts optimiseLater)", () => {
  it('are the interrupt and WebAssembly tiering budgets on V8 11.3 (Node 20) and the invocation counts from V8 11.8 (Node 21 on)', () => {
    expect(optimiseLaterFlags('11.3.244.8-node.38')).toBe('--interrupt-budget=540672 --wasm-tiering-budget=14400000');
    for (const v8 of ['11.8.172.17-node.20', '12.4.254.14-node.10', '13.6.233.17-node.36', '14.6.202.34-node.40']) {
      expect(optimiseLaterFlags(v8), v8).toBe('--invocation-count-for-maglev=3200 --invocation-count-for-turbofan=24000');
    }
  });

  it('are flags the running V8 knows, eight times its defaults', () => {
    for (const { name, value, byDefault } of budgetFlagsOf(process.execPath)) {
      expect(byDefault, name).toBeDefined();
      expect(value, name).toBe(8 * byDefault!);
    }
  });
});

describe("V8's feedback vectors for the same commands (bin.ts optimiseLater, feedbackAllocationFlags)", () => {
  it('are allocated after four times the default budget on V8 11.3 (Node 20) only, the last of the flags', () => {
    expect(feedbackAllocationFlags('11.3.244.8-node.38')).toBe('--interrupt-budget-factor-for-feedback-allocation=32');
    expect(analysisFlags('11.3.244.8-node.38').endsWith(` ${feedbackAllocationFlags('11.3.244.8-node.38')!}`)).toBe(true);
    for (const v8 of ['11.8.172.17-node.20', '12.4.254.14-node.10', '13.6.233.17-node.36']) expect(feedbackAllocationFlags(v8), v8).toBeUndefined();
  });

  it('is a flag the running V8 knows, read after start-up: a function run ten times then has no feedback vector yet', () => {
    const flags = feedbackAllocationFlags(process.versions.v8);
    if (flags === undefined) return;
    const options = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8', maxBuffer: 1 << 24 }).stdout;
    expect(options).toMatch(/^\s+--interrupt-budget-factor-for-feedback-allocation \(.*\n\s+type: int\s+default: --interrupt-budget-factor-for-feedback-allocation=8$/m);
    // Set at run time, as bin.ts sets it: a small function called ten times has its feedback vector by V8's default
    // (a budget of 8 times its size a call), and not yet at 32.
    const probe = `if (process.argv[1]) require('node:v8').setFlagsFromString(process.argv[1]);
      function add(a, b) { return a + b; }
      let sum = 0;
      for (let i = 0; i < 10; i++) sum += add(i, 1);
      %DebugPrint(add);`;
    const vectorOf = (set: string): string => {
      const printed = spawnSync(process.execPath, ['--allow-natives-syntax', '-e', probe, set], { encoding: 'utf8' }).stdout;
      return /- feedback vector: (No feedback vector|0x[0-9a-f]+: \[FeedbackVector\])/.exec(printed)?.[1]?.replace(/^0x[0-9a-f]+: /, '') ?? printed;
    };
    expect(vectorOf('')).toBe('[FeedbackVector]');
    expect(vectorOf(flags)).toBe('No feedback vector');
  });
});

describe("V8's young generation for the same commands (bin.ts optimiseLater, youngGenerationFlags)", () => {
  it('keeps the new space from growing on V8 11.3 (Node 20) only, after the budget flags', () => {
    expect(youngGenerationFlags('11.3.244.8-node.38')).toBe('--semi-space-growth-factor=1');
    expect(analysisFlags('11.3.244.8-node.38')).toBe(
      '--interrupt-budget=540672 --wasm-tiering-budget=14400000 --semi-space-growth-factor=1 --interrupt-budget-factor-for-feedback-allocation=32',
    );
    for (const v8 of ['11.8.172.17-node.20', '12.4.254.14-node.10', '13.6.233.17-node.36']) {
      expect(youngGenerationFlags(v8), v8).toBeUndefined();
      expect(analysisFlags(v8), v8).toBe(optimiseLaterFlags(v8));
    }
  });

  it('is a flag the running V8 reads after start-up: set then, the new space stays small where it would grow', () => {
    const young = youngGenerationFlags(process.versions.v8);
    if (young === undefined) return;
    const options = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8', maxBuffer: 1 << 24 }).stdout;
    expect(options).toMatch(/^\s+--semi-space-growth-factor \(.*\n\s+type: int\s+default: --semi-space-growth-factor=2$/m);
    // Objects that all survive (as a command's parsed inputs do): V8 grows the new space after such scavenges.
    const probe = `const v8 = require('node:v8');
      if (process.argv[1]) v8.setFlagsFromString(process.argv[1]);
      const size = () => v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size;
      let most = size();
      const kept = [];
      for (let i = 0; i < 300000; i++) { kept.push({ i, text: String(i) }); if (i % 1000 === 0) most = Math.max(most, size()); }
      console.log(most / 1048576);`;
    const largest = (flags: string): number => Number(spawnSync(process.execPath, ['-e', probe, '--', flags], { encoding: 'utf8' }).stdout.trim());
    expect(largest('')).toBeGreaterThanOrEqual(8);
    expect(largest(young)).toBeLessThanOrEqual(2);
  });
});

/** A stand-in for `process`: a binding that records what it was asked while deprecation warnings were off. */
function fakeHost(binding: (name: string) => unknown, noDeprecation?: boolean): FlagHost & { asked: Array<{ name: string; quiet: boolean | undefined }> } {
  const asked: Array<{ name: string; quiet: boolean | undefined }> = [];
  const host: FlagHost & { asked: typeof asked } = {
    asked,
    binding: (name) => {
      asked.push({ name, quiet: host.noDeprecation });
      return binding(name);
    },
  };
  if (noDeprecation !== undefined) host.noDeprecation = noDeprecation;
  return host;
}

describe('setV8Flags (the budget flags without node:v8 where Node lends its V8 binding)', () => {
  it("sets them through the binding, with deprecation warnings off for that call only, and puts the user's setting back", () => {
    for (const before of [undefined, false, true]) {
      const set: string[] = [];
      const fallback: string[] = [];
      const host = fakeHost(() => ({ setFlagsFromString: (flags: string) => void set.push(flags) }), before);
      setV8Flags('--a=1 --b=2', host, (flags) => void fallback.push(flags));
      expect(set, String(before)).toEqual(['--a=1 --b=2']);
      expect(fallback, String(before)).toEqual([]);
      expect(host.asked, String(before)).toEqual([{ name: 'v8', quiet: true }]);
      expect(host.noDeprecation, String(before)).toBe(before);
      expect(Object.prototype.hasOwnProperty.call(host, 'noDeprecation'), String(before)).toBe(before !== undefined);
    }
  });

  it('takes node:v8 (the fallback) where there is no binding, it throws (Node 24: "No such module"), or it has no such function', () => {
    const hosts: Array<[string, FlagHost]> = [
      ['no binding', {}],
      ['throws', fakeHost(() => { throw new Error('No such module: v8'); }, false)],
      ['no function', fakeHost(() => ({}), true)],
      ['undefined', fakeHost(() => undefined)],
    ];
    for (const [why, host] of hosts) {
      const before = host.noDeprecation;
      const fallback: string[] = [];
      setV8Flags('--a=1', host, (flags) => void fallback.push(flags));
      expect(fallback, why).toEqual(['--a=1']);
      expect(host.noDeprecation, why).toBe(before);
    }
  });

  it("sets V8's flags in a real Node, without a warning and without loading node:v8 where the binding is lent", () => {
    const source = `const { setV8Flags } = require(${JSON.stringify(fileURLToPath(new URL('../src/cli/code-cache.ts', import.meta.url)))});
      setV8Flags('--allow-natives-syntax');
      console.log(JSON.stringify({ natives: new Function('return %IsSmi(1)')(), v8: process.moduleLoadList.includes('NativeModule v8'), lent: (() => { try { process.noDeprecation = true; return typeof process.binding('v8').setFlagsFromString === 'function'; } catch { return false; } })() }));`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', source], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '--pending-deprecation' } });
    expect(child.stderr).toBe('');
    const { natives, v8, lent } = JSON.parse(child.stdout) as { natives: boolean; v8: boolean; lent: boolean };
    // A flag that changes what V8 accepts: only set flags make `%IsSmi` parse.
    expect(natives).toBe(true);
    expect(v8).toBe(!lent);
  });
});

describe('the cache key', () => {
  it('knows every command and every command with subcommands', () => {
    const top = commandsOf(tagwall('--help').stdout);
    expect(top.length).toBeGreaterThan(10);
    expect([...CACHED_COMMANDS].sort()).toEqual([...top].sort());
    // `help --help` is the program's own help page.
    const withSubcommands = top.filter((name) => name !== 'help' && commandsOf(tagwall(name, '--help').stdout).length > 1);
    expect([...COMMANDS_WITH_SUBCOMMANDS].sort()).toEqual(withSubcommands.sort());
  });

  it('is the command words, the targets, or help; anything else shares one entry', () => {
    expect(cacheKey(['render', '--scenario', 'x', '--target', 'nftables'])).toBe('render-nftables');
    expect(cacheKey(['render', '--requirements', 'x.yaml', '--target', 'nftables'])).toBe('render-nftables-file');
    expect(cacheKey(['check', '--requirements=x.json', '--target', 'nsg', '--config', 'c.json'])).toBe('check-nsg-file');
    expect(cacheKey(['render', '--target=nsg', '--target', 'udr'])).toBe('render-nsg-udr');
    expect(cacheKey(['check', '--target', 'nsg,panos'])).toBe('check-nsg-panos');
    expect(cacheKey(['render', '--target', 'a', '--target', 'b', '--target', 'c', '--target', 'd'])).toBe('render-many');
    expect(cacheKey(['render', '--target', '../../etc/passwd'])).toBe('render');
    expect(cacheKey(['snapshot', 'diff', 'a', 'b'])).toBe('snapshot-diff');
    expect(cacheKey(['catalog', 'show', 'x'])).toBe('catalog-show');
    expect(cacheKey(['render', '--help'])).toBe('render-help');
    // Operands name their kinds: each is its own entry, in one order; an address or a drive letter is no kind.
    expect(cacheKey(['equiv', '--region', 'westus', 'nftables:all.nft', 'scenario:compute-no-public-ip'])).toBe('equiv-nftables-scenario');
    expect(cacheKey(['equiv', 'scenario:x', 'nsg:nsg.json'])).toBe('equiv-nsg-scenario');
    expect(cacheKey(['equiv', 'C:\\a.nft', 'needs.yaml', '--subnet', 'fd00::/8', '--dns-server', 'ab::1'])).toBe('equiv');
    expect(cacheKey(['--version'])).toBe('-');
    expect(cacheKey(['rendr'])).toBe('-');
    expect(cacheKey([])).toBe('-');
  });
});

describe.skipIf(!existsSync(BIN) || process.platform === 'win32')(
  'the code cache of the built bin (npm run build first)',
  () => {
    const root = mkdtempSync(join(tmpdir(), 'tagwall-code-cache-'));
    afterAll(() => rmSync(root, { recursive: true, force: true }));
    let count = 0;
    const fresh = (): string => join(root, String(++count));

    const bin = (args: readonly string[], env: Record<string, string | undefined>) => {
      const child = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: undefined, ...env } });
      return { code: child.status, stdout: child.stdout, stderr: child.stderr };
    };
    const files = (dir: string): string[] => (existsSync(join(dir, 'tagwall')) ? readdirSync(join(dir, 'tagwall')).sort() : []);
    const EXPAND = ['expand', 'Storage.WestUS'];
    /**
     * `entries` (this build's caches) made two days old, then a cache write of another command (--version, the full
     * bundle) prunes: each is kept, beside the new one. The caches left.
     */
    const agedThenKept = (dir: string, entries: readonly string[]): string[] => {
      const old = new Date(Date.now() - 2 * 86_400_000);
      for (const name of entries) utimesSync(join(dir, 'tagwall', name), old, old);
      expect(bin(['--version'], { NODE_COMPILE_CACHE: dir }).code).toBe(0);
      const left = files(dir);
      expect(left).toHaveLength(entries.length + 1);
      for (const name of entries) expect(left).toContain(name);
      return left;
    };
    const uncached = bin(EXPAND, { NODE_DISABLE_COMPILE_CACHE: '1' });

    it('is written once, after the run, for its command, and the next run uses it', () => {
      const dir = fresh();
      expect(uncached.code).toBe(0);
      const first = bin(EXPAND, { NODE_COMPILE_CACHE: dir });
      expect(first).toEqual(uncached);
      const written = files(dir);
      expect(written).toHaveLength(1);
      expect(written[0]).toMatch(new RegExp(`^[0-9a-f]{32}-${process.version}-${process.arch}-expand\\.v8cache$`));
      const file = join(dir, 'tagwall', written[0]!);
      expect(statSync(file).size).toBeGreaterThan(10_000);
      expect(statSync(join(dir, 'tagwall')).mode & 0o777).toBe(0o700);
      const before = readFileSync(file);
      const mtime = statSync(file).mtimeMs;
      // A cache V8 accepts is not written again: the file stays the same (a rejected one would be replaced).
      expect(bin(EXPAND, { NODE_COMPILE_CACHE: dir })).toEqual(uncached);
      expect(statSync(file).mtimeMs).toBe(mtime);
      expect(readFileSync(file).equals(before)).toBe(true);
      // Another command has its own entry.
      expect(bin(['--version'], { NODE_COMPILE_CACHE: dir }).code).toBe(0);
      expect(files(dir)).toHaveLength(2);
    });

    it('the analysis commands, run with larger V8 budgets (bin.ts), keep their own cache accepted beside commands without them', () => {
      // A V8 code cache records the flags it was made under and is rejected under others: were the flag set for
      // some runs of equiv and not others, or in the cache of another command, the file would be rewritten here.
      const dir = fresh();
      const EQUIV = ['equiv', '--region', 'westus', 'scenario:compute-no-public-ip', 'scenario:compute-no-public-ip'];
      const answer = bin(EQUIV, { NODE_DISABLE_COMPILE_CACHE: '1' });
      expect(answer.code).toBe(0);
      expect(bin(EQUIV, { NODE_COMPILE_CACHE: dir })).toEqual(answer);
      expect(bin(EXPAND, { NODE_COMPILE_CACHE: dir })).toEqual(uncached);
      const entries = files(dir);
      expect(entries).toHaveLength(2);
      expect(entries.filter((name) => /-(equiv-scenario|expand)\.v8cache$/.test(name))).toEqual(entries);
      const mtimes = entries.map((name) => statSync(join(dir, 'tagwall', name)).mtimeMs);
      expect(bin(EQUIV, { NODE_COMPILE_CACHE: dir })).toEqual(answer);
      expect(bin(EXPAND, { NODE_COMPILE_CACHE: dir })).toEqual(uncached);
      expect(entries.map((name) => statSync(join(dir, 'tagwall', name)).mtimeMs)).toEqual(mtimes);
    });

    it("a write removes other builds' caches unused for a day, and only those", () => {
      const dir = fresh();
      mkdirSync(join(dir, 'tagwall'), { recursive: true, mode: 0o700 });
      const other = (name: string, daysOld: number): string => {
        const file = join(dir, 'tagwall', name);
        writeFileSync(file, 'old');
        const when = new Date(Date.now() - daysOld * 86_400_000);
        utimesSync(file, when, when);
        return name;
      };
      const stale = other(`${'0'.repeat(32)}-${process.version}-${process.arch}-render-nsg.v8cache`, 2);
      const staleTemporary = other(`${'0'.repeat(32)}-${process.version}-${process.arch}-expand.v8cache.4242.tmp`, 2);
      const recent = other(`${'1'.repeat(32)}-${process.version}-${process.arch}-expand.v8cache`, 0.5);
      const unrelated = other('notes.txt', 2);
      expect(bin(EXPAND, { NODE_COMPILE_CACHE: dir })).toEqual(uncached);
      const left = files(dir);
      expect(left).toContain(recent);
      expect(left).toContain(unrelated);
      expect(left).not.toContain(stale);
      expect(left).not.toContain(staleTemporary);
      expect(left.filter((name) => name.endsWith('-expand.v8cache'))).toHaveLength(2);
    });

    it('the packages chunk (dist/cli-packages.cjs) has a cache of its own per command, kept when another cache prunes', () => {
      const dir = fresh();
      // micromatch is in the chunk: a tag pattern loads it.
      const PATTERN = ['expand', 'AzureMachineLearning.*'];
      const answer = bin(PATTERN, { NODE_DISABLE_COMPILE_CACHE: '1' });
      expect(answer.code).toBe(0);
      expect(bin(PATTERN, { NODE_COMPILE_CACHE: dir })).toEqual(answer);
      const entries = files(dir);
      // Two bundles, two keys, one command.
      expect(entries).toHaveLength(2);
      expect(entries.every((name) => name.endsWith(`-${process.version}-${process.arch}-expand.v8cache`))).toBe(true);
      expect(new Set(entries.map((name) => name.slice(0, 32))).size).toBe(2);
      const mtimes = entries.map((name) => statSync(join(dir, 'tagwall', name)).mtimeMs);
      // Both accepted by V8 on the next run: neither is written again, and the output is the same.
      expect(bin(PATTERN, { NODE_COMPILE_CACHE: dir })).toEqual(answer);
      expect(entries.map((name) => statSync(join(dir, 'tagwall', name)).mtimeMs)).toEqual(mtimes);
      // Unused for two days, both are still this build's: a cache write of another command keeps them.
      agedThenKept(dir, entries);
    });

    it("each family bundle (families.ts) has caches of its own, and a write of another bundle's cache keeps them", () => {
      const dir = fresh();
      const RENDER = ['render', '--scenario', 'compute-no-public-ip', '--region', 'westus', '--target', 'nftables'];
      const rendered = bin(RENDER, { NODE_DISABLE_COMPILE_CACHE: '1' });
      expect(rendered.code).toBe(0);
      // expand runs the snapshot family, render nftables the netfilter one: two bundles, two keys.
      expect(bin(EXPAND, { NODE_COMPILE_CACHE: dir })).toEqual(uncached);
      expect(bin(RENDER, { NODE_COMPILE_CACHE: dir })).toEqual(rendered);
      const entries = files(dir);
      expect(entries).toHaveLength(2);
      expect(new Set(entries.map((name) => name.slice(0, 32))).size).toBe(2);
      // Accepted on the next runs: neither is written again.
      const mtimes = entries.map((name) => statSync(join(dir, 'tagwall', name)).mtimeMs);
      expect(bin(EXPAND, { NODE_COMPILE_CACHE: dir })).toEqual(uncached);
      expect(bin(RENDER, { NODE_COMPILE_CACHE: dir })).toEqual(rendered);
      expect(entries.map((name) => statSync(join(dir, 'tagwall', name)).mtimeMs)).toEqual(mtimes);
      // Unused for two days, they are still this build's: the full bundle's cache write (--version) keeps them.
      const left = agedThenKept(dir, entries);
      // And a family's write keeps the full bundle's.
      const full = left.find((name) => !entries.includes(name))!;
      const old = new Date(Date.now() - 2 * 86_400_000);
      utimesSync(join(dir, 'tagwall', full), old, old);
      expect(bin(['tags', '--region', 'westus'], { NODE_COMPILE_CACHE: dir }).code).toBe(0);
      expect(files(dir)).toContain(full);
    });

    it('a usage error writes no cache; a disabled cache writes none', () => {
      const dir = fresh();
      const failed = bin(['expand'], { NODE_COMPILE_CACHE: dir });
      expect(failed.code).toBe(2);
      expect(files(dir)).toEqual([]);
      const disabled = fresh();
      expect(bin(EXPAND, { NODE_COMPILE_CACHE: disabled, NODE_DISABLE_COMPILE_CACHE: '1' })).toEqual(uncached);
      expect(existsSync(disabled)).toBe(false);
    });

    it('a corrupt or truncated cache is rejected by V8, the command runs as before, and the cache is rewritten', () => {
      const dir = fresh();
      bin(EXPAND, { NODE_COMPILE_CACHE: dir });
      const file = join(dir, 'tagwall', files(dir)[0]!);
      const good = readFileSync(file);
      for (const bad of [Buffer.from('not a code cache'), good.subarray(0, good.length >> 1), Buffer.alloc(0)]) {
        writeFileSync(file, bad);
        expect(bin(EXPAND, { NODE_COMPILE_CACHE: dir })).toEqual(uncached);
        expect(statSync(file).size).toBeGreaterThan(10_000);
      }
    });

    it('an unusable directory only means no cache: a file in its place, a directory others may write to', () => {
      const blocked = fresh();
      mkdirSync(blocked);
      writeFileSync(join(blocked, 'tagwall'), 'a file where the directory goes');
      expect(bin(EXPAND, { NODE_COMPILE_CACHE: blocked })).toEqual(uncached);
      const open = fresh();
      mkdirSync(join(open, 'tagwall'), { recursive: true });
      chmodSync(join(open, 'tagwall'), 0o777);
      expect(bin(EXPAND, { NODE_COMPILE_CACHE: open })).toEqual(uncached);
      expect(files(open)).toEqual([]);
    });
  },
);

/** Other Node binaries to run the CLI with, `:`-separated (.ci/run fetches them; unset elsewhere). */
const OTHER_NODES = (process.env['TAGWALL_TEST_NODES'] ?? '').split(':').filter((path) => path !== '');

describe.skipIf(!existsSync(BIN) || OTHER_NODES.length === 0)('on other Node versions (TAGWALL_TEST_NODES, set by .ci/run)', () => {
  const FIXTURES = fileURLToPath(new URL('../fixtures/servicetags/', import.meta.url));
  const SCENARIO = ['--scenario', 'compute-no-public-ip', '--region', 'westus'];
  const COMMANDS: ReadonlyArray<readonly string[]> = [
    ['--version'],
    ['expand', 'Storage.WestUS'],
    ['render', ...SCENARIO, '--target', 'nftables'],
    ['equiv', '--region', 'westus', 'scenario:compute-no-public-ip', 'scenario:compute-no-public-ip'],
    ['impact', ...SCENARIO, '--target', 'nsg', '--from', join(FIXTURES, 'ServiceTags_Public_20250728.json.gz'), '--to', join(FIXTURES, 'ServiceTags_Public_20251028.json.gz')],
    ['render', '--target', 'nope'],
  ];
  const run = (node: string, args: readonly string[], env: Record<string, string | undefined>) => {
    const child = spawnSync(node, [fileURLToPath(new URL('../dist/cli.cjs', import.meta.url)), ...args], { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: undefined, ...env } });
    return { code: child.status, stdout: child.stdout, stderr: child.stderr };
  };

  for (const node of OTHER_NODES) {
    const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
    it(`${node} (${version}) runs each command to the bytes this Node does, with a cache it writes once and accepts`, () => {
      expect(version).toMatch(/^v\d+\.\d+\.\d+$/);
      const dir = mkdtempSync(join(tmpdir(), 'tagwall-other-node-'));
      try {
        for (const args of COMMANDS) {
          const expected = run(process.execPath, args, { NODE_DISABLE_COMPILE_CACHE: '1' });
          expect(run(node, args, { NODE_COMPILE_CACHE: dir }), `${version} ${args.join(' ')}`).toEqual(expected);
          const written = readdirSync(join(dir, 'tagwall')).map((name) => `${name} ${statSync(join(dir, 'tagwall', name)).mtimeMs}`);
          // The second run reads the cache: a rejected one (other flags, another V8) would be written again.
          expect(run(node, args, { NODE_COMPILE_CACHE: dir }), `${version} ${args.join(' ')}`).toEqual(expected);
          expect(readdirSync(join(dir, 'tagwall')).map((name) => `${name} ${statSync(join(dir, 'tagwall', name)).mtimeMs}`)).toEqual(written);
        }
        // A usage error writes no cache: every other command wrote its own.
        expect(readdirSync(join(dir, 'tagwall')).filter((name) => name.includes(`-${version}-`))).toHaveLength(COMMANDS.length - 1);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 120_000);

    it(`${node} (${version}): the budget flags are ones its V8 knows, above its defaults`, () => {
      for (const { name, value, byDefault } of budgetFlagsOf(node)) {
        expect(byDefault, `${version} ${name}`).toBeDefined();
        // Eight times Node 21-26's defaults; Node 22.0's V8 had TurboFan's at 5,000 (later 22.x: 3,000), so ~5x there.
        expect(value, name).toBeGreaterThanOrEqual(4 * byDefault!);
      }
    });
  }
});

describe.skipIf(!existsSync(BIN) || process.platform === 'win32')("the bin's budget flags are in force while a command runs (bin.ts optimiseLater, setV8Flags)", () => {
  it("a render's code cache, which records V8's flags, is taken by a V8 under the same flags and refused by one without them", () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagwall-flags-'));
    try {
      const executable = fileURLToPath(new URL('../dist/cli.cjs', import.meta.url));
      const run = spawnSync(process.execPath, [executable, 'render', '--scenario', 'compute-no-public-ip', '--region', 'westus', '--target', 'udr'], {
        encoding: 'utf8',
        env: { ...process.env, NODE_COMPILE_CACHE: dir, NODE_DISABLE_COMPILE_CACHE: undefined },
      });
      expect(run.status).toBe(0);
      const [cache] = readdirSync(join(dir, 'tagwall')).filter((name) => name.endsWith('-render-udr.v8cache'));
      expect(cache).toBeDefined();
      const [head, tail] = COMMONJS_WRAPPER;
      const rejected = (flags: string | undefined): boolean => {
        const probe = `const fs = require('node:fs');
          if (${JSON.stringify(flags)} !== undefined) require('node:v8').setFlagsFromString(${JSON.stringify(flags)});
          const source = ${JSON.stringify(head)} + fs.readFileSync(${JSON.stringify(fileURLToPath(new URL('../dist/cli-main.cjs', import.meta.url)))}, 'latin1') + ${JSON.stringify(tail)};
          const script = new (require('node:vm').Script)(source, { cachedData: fs.readFileSync(${JSON.stringify(join(dir, 'tagwall', cache!))}) });
          console.log(String(script.cachedDataRejected));`;
        const child = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', maxBuffer: 1 << 26 });
        expect(child.stderr).toBe('');
        return child.stdout.trim() === 'true';
      };
      expect(rejected(analysisFlags(process.versions.v8))).toBe(false);
      if (youngGenerationFlags(process.versions.v8) !== undefined) expect(rejected(optimiseLaterFlags(process.versions.v8))).toBe(true);
      expect(rejected(undefined)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
