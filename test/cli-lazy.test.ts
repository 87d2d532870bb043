/**
 * The CLI starts like a small program (issue 22): commands are declared from light modules and each command's
 * implementation is initialised only when it runs (src/cli/lazy-commands.ts). These tests check the declarations
 * agree with what they stand for, and, on the built bin, which modules a command really initialises.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import * as bundledCatalogueParts from '../src/cli/bundled-catalogue-parts.js';
import * as bundledReaders from '../src/cli/bundled-readers.js';
import * as bundledRenderers from '../src/cli/bundled-renderers.js';
import * as bundledKitModules from '../src/cli/bundled-kit-modules.js';
import * as catalogueParts from '../src/cli/catalogue-parts.js';
import * as kitModules from '../src/cli/kit-modules.js';
import * as bundledDeviceTargets from '../src/cli/bundled-device-targets.js';
import * as deviceTargets from '../src/paths/device-targets.js';
import { reportFormatOption } from '../src/cli/flags.js';
import * as readers from '../src/inputs/readers.js';
import { REPORT_FORMATS } from '../src/reports/index.js';
import * as renderers from '../src/reports/renderers.js';
import { TARGET_DESCRIPTORS } from '../src/targets/descriptors.js';
import { TARGET_DETECTORS } from '../src/targets/detectors.js';
import { FAMILIES, familyFor, type FamilyName } from '../src/cli/families.js';
import { allTargets, detectTarget } from '../src/targets/registry.js';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const BIN = join(DIST, 'cli.js');
const SNAPSHOT_FILE = fileURLToPath(new URL('../fixtures/servicetags/ServiceTags_Public_20251028.json.gz', import.meta.url));

describe('the light declarations agree with what they stand for', () => {
  it('targets/descriptors.ts lists every registered target with its formats and the same option schema', () => {
    const targets = allTargets();
    expect(TARGET_DESCRIPTORS.map((target) => target.id)).toEqual(targets.map((target) => target.id));
    for (const [index, target] of targets.entries()) {
      expect(TARGET_DESCRIPTORS[index]!.formats, target.id).toEqual(target.formats);
      expect(TARGET_DESCRIPTORS[index]!.options, target.id).toBe(target.options);
    }
  });

  it("targets/detectors.ts answers as every kit's detect, on every config and requirements fixture", () => {
    const targets = allTargets();
    expect(Object.keys(TARGET_DETECTORS).sort()).toEqual(targets.map((target) => target.id).sort());
    const root = fileURLToPath(new URL('../fixtures/', import.meta.url));
    const files = ['linux', 'panos', 'azure', 'inputs', 'requirements', 'errors'].flatMap((dir) =>
      (readdirSync(join(root, dir), { recursive: true }) as string[]).map((file) => join(root, dir, file)).filter((file) => /\.(nft|rules|ipset|xml|set|json|yaml|tf|bicep)$/.test(file) && !file.includes('schemas')),
    );
    let claimed = 0;
    for (const file of files) {
      const content = readFileSync(file, 'utf8');
      for (const target of targets) {
        const detected = TARGET_DETECTORS[target.id]!(content);
        expect(detected, `${target.id} ${file}`).toBe(target.detect(content));
        if (detected) claimed += 1;
      }
      // registry.ts detectTarget (the library's) asks the same detectors: the one kit whose own detect claims the text.
      const claimants = targets.filter((target) => target.detect(content));
      expect(detectTarget(content)?.id, file).toBe(claimants.length === 1 ? claimants[0]!.id : undefined);
    }
    // A test that cannot fail is no test: the fixtures hold configs of most kits.
    expect(claimed).toBeGreaterThan(20);
  });

  it('the report --format choices are the report formats', () => {
    expect(reportFormatOption().argChoices).toEqual([...REPORT_FORMATS]);
  });

  // The bundle's twins (scripts/tsup.config.ts BUNDLED_TWINS) require their modules, which only the bundle can run:
  // here their getters are compared by name, and the built bin below shows what each one initialises.
  it.each([
    ['inputs/readers.ts', readers.READERS, bundledReaders.READERS],
    ['reports/renderers.ts', renderers.RENDERERS, bundledRenderers.RENDERERS],
    ['cli/catalogue-parts.ts', catalogueParts.CATALOGUE, bundledCatalogueParts.CATALOGUE],
    ['cli/kit-modules.ts', kitModules.KIT_MODULES, bundledKitModules.KIT_MODULES],
    ['paths/device-targets.ts', deviceTargets, bundledDeviceTargets],
  ])('%s and its bundled twin have the same getters', (_name, original, twin) => {
    expect(Object.keys(twin).sort()).toEqual(Object.keys(original).sort());
  });
});

/**
 * The source modules `node dist/cli.js ARGS` initialises: the CLI is one bundle (dist/cli-main.cjs, or the family
 * bundle the bin picks for the command, dist/cli-family-NAME.cjs: src/cli/families.ts) in which esbuild
 * wraps every module reached through an `import()` in an init function named after its source file
 * (`"src/cli/render.ts"() { … }`), and every module of a bundled package in one named after its file
 * (`"node_modules/yaml/dist/index.js"(exports, module) { … }`); V8's coverage (NODE_V8_COVERAGE) tells which of them
 * ran. The code cache is off (coverage is what is read, not cached code).
 */
function initialisedBy(args: readonly string[], bin = BIN): { modules: string[]; code: number | null; called: Set<string>; bundles: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'tagwall-lazy-'));
  try {
    const child = spawnSync(process.execPath, [bin, ...args], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
      env: { ...process.env, NODE_V8_COVERAGE: dir, NODE_DISABLE_COMPILE_CACHE: '1' },
    });
    const modules = new Set<string>();
    // Every function of the bundle that ran, by name (`publicSuffixOf`): the bundle keeps the source's names.
    const called = new Set<string>();
    // The CLI's bundles V8 compiled (dist/cli-main.cjs or a family's, and dist/cli-packages.cjs when a package is used).
    const bundles = new Set<string>();
    for (const file of readdirSync(dir)) {
      const coverage = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { result: Array<{ url: string; functions: Array<{ functionName: string; ranges: Array<{ count: number }> }> }> };
      for (const script of coverage.result) {
        if (!/\/cli-(main|packages|family-[a-z]+)\.cjs$/.test(script.url)) continue;
        bundles.add(script.url.slice(script.url.lastIndexOf('/') + 1));
        for (const fn of script.functions) {
          if (fn.ranges[0]!.count === 0) continue;
          called.add(fn.functionName);
          // A package's path is relative to the build's working directory: `../../main/node_modules/...` where
          // node_modules is a link to another checkout's (a git worktree's), taken as `node_modules/...`.
          const name = fn.functionName.replace(/^(?:\.\.\/)+(?:[^/]+\/)*?(?=node_modules\/)/, '');
          if (/^(src\/.*\.ts|node_modules\/.*\.c?js)$/.test(name)) modules.add(name);
        }
      }
    }
    return { modules: [...modules].sort(), code: child.status, called, bundles: [...bundles].sort() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const COMMAND_MODULES = ['analysis', 'catalog', 'expand', 'impact', 'path', 'project', 'render', 'snapshot', 'snapshot-fetch', 'tags', 'targets'];
/** The command modules among the initialised ones: `src/cli/render.ts` → `render`. */
const commandModules = (modules: readonly string[]): string[] =>
  modules.flatMap((module) => {
    const name = /^src\/cli\/(.+)\.ts$/.exec(module)?.[1];
    return name !== undefined && COMMAND_MODULES.includes(name) ? [name] : [];
  });
const under = (modules: readonly string[], dir: string): string[] => modules.filter((module) => module.startsWith(dir));
/** The report renderers (reports/renderers.ts), one per format. */
const isRenderer = (module: string): boolean => /^src\/reports\/(html|markdown|sarif|text)\.ts$/.test(module);
const cliFiles = (): string[] => readdirSync(DIST).filter((file) => /^cli(-.*)?\.c?js$/.test(file));
/** The bundle the bin runs for `args`: its family's (src/cli/families.ts), else the full one. */
const bundleOf = (args: readonly string[]): string => {
  const family = familyFor(args);
  return family === undefined ? 'cli-main.cjs' : `cli-family-${family}.cjs`;
};
/**
 * `node --require HOOK dist/cli.js ARGS`: the process, and what it loaded as recorded at its exit by the preloaded
 * hook: the built-in modules (`NativeModule net`, …, process.moduleLoadList) and the files it required (paths).
 */
function loadedBy(args: readonly string[], env: NodeJS.ProcessEnv = process.env): { child: SpawnSyncReturns<string>; loaded: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'tagwall-loaded-'));
  try {
    const hook = join(dir, 'hook.cjs');
    const record = join(dir, 'loaded.json');
    writeFileSync(hook, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(record)}, JSON.stringify([...process.moduleLoadList, ...Object.keys(require.cache)])));`);
    const child = spawnSync(process.execPath, ['--require', hook, BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['pipe', 'pipe', 'pipe'], env });
    return { child, loaded: JSON.parse(readFileSync(record, 'utf8')) as string[] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Does this Node hand out its V8 binding (`process.binding('v8')`: Node 20 and 22, not 24)? Asked once, in a child, quietly. */
const LENDS_V8_BINDING = ((): boolean => {
  const probe = "process.noDeprecation = true; try { process.stdout.write(String(typeof process.binding('v8').setFlagsFromString === 'function')); } catch { process.stdout.write('false'); }";
  return spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' }).stdout === 'true';
})();

/** A user's requirements file with a host-name wildcard (which the Public Suffix List checks). */
const WILDCARD_REQUIREMENTS =
  'requirements:\n  - id: contoso\n    direction: out\n    protocols: tcp\n    ports: "443"\n    sources: [VirtualNetwork]\n    destinations: ["*.contoso.com"]\n    purpose: a user wildcard\n';

/** The bundled packages among the initialised modules: `node_modules/yaml/dist/index.js` → `yaml`. */
const packagesIn = (modules: readonly string[]): string[] =>
  [...new Set(modules.flatMap((module) => /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(module)?.[1] ?? []))].sort();

describe.skipIf(!existsSync(BIN))('the built bin runs only what the command needs (npm run build first)', () => {
  it('is the bin (CommonJS for the package, an ES module for node dist/cli.js) and one bundle; the bundle is what coverage reads', () => {
    expect(cliFiles().sort()).toEqual([...Object.keys(FAMILIES).map((family) => `cli-family-${family}.cjs`), 'cli-main.cjs', 'cli-packages.cjs', 'cli.cjs', 'cli.js'].sort());
    const { modules, code } = initialisedBy(['render', '--scenario', 'compute-no-public-ip', '--region', 'westus', '--target', 'nsg']);
    expect(code).toBe(0);
    // A test that cannot fail is no test: render is seen to run.
    expect(commandModules(modules)).toEqual(['render']);
  });

  it('--version and --help initialise no command, no translator, analysis or catalogue', () => {
    for (const args of [['--version'], ['--help'], ['render', '--help']]) {
      const { modules, code } = initialisedBy(args);
      expect(code, args.join(' ')).toBe(0);
      expect(commandModules(modules), args.join(' ')).toEqual([]);
      // The targets' option declarations (options.ts, descriptors.ts) are what the flags are made of; nothing else.
      expect(under(modules, 'src/targets/').filter((module) => !/\/(options|option-schema|descriptors|capabilities|limits|formats)\.ts$/.test(module)), args.join(' ')).toEqual([]);
      for (const dir of ['src/analysis/', 'src/catalogue/', 'src/reports/', 'src/paths/', 'src/inputs/']) expect(under(modules, dir), `${args.join(' ')}: ${dir}`).toEqual([]);
    }
  });

  it('expand initialises its own module, not the translators, the analysis or the catalogue', () => {
    const { modules, code } = initialisedBy(['expand', 'Storage.WestUS']);
    expect(code).toBe(0);
    expect(commandModules(modules)).toEqual(['expand']);
    for (const dir of ['src/analysis/', 'src/reports/', 'src/paths/']) expect(under(modules, dir), dir).toEqual([]);
    // The cloud names (--cloud) only, not the scenarios.
    expect(under(modules, 'src/catalogue/')).toEqual(['src/catalogue/params.ts']);
  });

  it('render initialises render and the kit it renders with, not the other kits, the analysis or the other commands', () => {
    const nsg = initialisedBy(['render', '--scenario', 'compute-no-public-ip', '--region', 'westus', '--target', 'nsg']);
    expect(nsg.code).toBe(0);
    // No project file here: the project runner is not initialised either.
    expect(commandModules(nsg.modules)).toEqual(['render']);
    expect(nsg.modules).toContain('src/targets/azure/nsg/index.ts');
    // One kit, not its family: neither the netfilter kits nor the other Azure ones.
    for (const other of ['src/targets/netfilter/nftables/index.ts', 'src/targets/netfilter/iptables/index.ts', 'src/targets/azure/firewall/index.ts', 'src/targets/azure/udr/index.ts', 'src/targets/azure/managed-network/index.ts']) {
      expect(nsg.modules).not.toContain(other);
    }
    expect(under(nsg.modules, 'src/targets/panos/').filter((module) => !/\/(options|capabilities)\.ts$/.test(module))).toEqual([]);
    expect(nsg.modules).not.toContain('src/analysis/questions.ts');
    const nft = initialisedBy(['render', '--scenario', 'compute-no-public-ip', '--region', 'westus', '--target', 'nftables']);
    expect(nft.code).toBe(0);
    expect(nft.modules).toContain('src/targets/netfilter/nftables/index.ts');
    // Nor its sibling's: iptables' parser and module tables are not what an nft render needs.
    expect(nft.modules).not.toContain('src/targets/netfilter/iptables/index.ts');
    expect(nft.modules).not.toContain('src/targets/azure/nsg/index.ts');
    const out = join(tmpdir(), `tagwall-lazy-all-${process.pid}`);
    const all = initialisedBy(['render', '--scenario', 'compute-no-public-ip', '--region', 'westus', '--target', 'all', '-o', out]);
    rmSync(out, { recursive: true, force: true });
    expect(all.code).toBe(0);
    expect(commandModules(all.modules)).toEqual(['render']);
    expect(all.modules).toContain('src/targets/netfilter/nftables/index.ts');
    expect(all.modules.length).toBeGreaterThan(nsg.modules.length + 20);
  });

  it('check and equiv initialise the kits their --target and KIND:FILE operands name; a bare config file, the kit that claims it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagwall-lazy-kits-'));
    try {
      const scenario = ['--scenario', 'compute-no-public-ip', '--region', 'westus'];
      const rendered = spawnSync(process.execPath, [BIN, 'render', ...scenario, '--target', 'nsg'], { encoding: 'utf8', maxBuffer: 1 << 26 });
      expect(rendered.status).toBe(0);
      const config = join(dir, 'nsg.json');
      writeFileSync(config, rendered.stdout);
      const kits = (modules: readonly string[]): string[] => modules.filter((module) => /^src\/targets\/(.+\/)?[^/]+\/index\.ts$/.test(module)).sort();
      const check = initialisedBy(['check', ...scenario, '--target', 'nsg', '--config', config]);
      expect([0, 1]).toContain(check.code);
      expect(kits(check.modules)).toEqual(['src/targets/azure/nsg/index.ts']);
      expect(check.modules).not.toContain('src/targets/registry.ts');
      const named = initialisedBy(['equiv', '--region', 'westus', `nsg:${config}`, 'scenario:compute-no-public-ip']);
      expect([0, 1]).toContain(named.code);
      expect(kits(named.modules)).toEqual(['src/targets/azure/nsg/index.ts']);
      // A bare file is told apart by the kits' light detect functions (targets/detectors.ts): only the kit that claims it.
      const bare = initialisedBy(['equiv', '--region', 'westus', config, 'scenario:compute-no-public-ip']);
      expect([0, 1]).toContain(bare.code);
      expect(kits(bare.modules)).toEqual(['src/targets/azure/nsg/index.ts']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('path initialises the kits its topology\'s devices name, not the registry\'s eight', () => {
    const topology = fileURLToPath(new URL('../fixtures/paths/compute-public-ip/topology.yaml', import.meta.url));
    const path = initialisedBy(['path', '--topology', topology, '--from', 'compute', '--scenario', 'compute-public-ip', '--region', 'westus']);
    expect([0, 1]).toContain(path.code);
    const kits = path.modules.filter((module) => /^src\/targets\/(.+\/)?[^/]+\/index\.ts$/.test(module)).sort();
    // The host's nft rules, the hub's firewall policy and the subnet's NSG (its route table is read by src/paths).
    expect(kits).toEqual(['src/targets/azure/firewall/index.ts', 'src/targets/azure/nsg/index.ts', 'src/targets/netfilter/nftables/index.ts']);
    expect(path.modules).not.toContain('src/targets/registry.ts');
  });

  it('an analysis of an nft file initialises the nft path only: no other reader, no report renderer, no scenario, not render', () => {
    const nft = fileURLToPath(new URL('../fixtures/linux/hand-written.nft', import.meta.url));
    for (const args of [['shadowed', `nftables:${nft}`], ['shadowed', nft, '--json'], ['eval', nft, '--packet', 'out tcp 10.0.0.4:50000 -> 20.150.1.1:443'], ['diff', nft, nft]]) {
      const { modules, code } = initialisedBy(args);
      expect([0, 1], args.join(' ')).toContain(code);
      // A test that cannot fail is no test: the nft kit did parse it.
      expect(modules, args.join(' ')).toContain('src/targets/netfilter/nftables/parse.ts');
      // Telling an nft file from the Azure kinds needs their detection, not their readers.
      expect(under(modules, 'src/inputs/'), args.join(' ')).toEqual(['src/inputs/converted.ts', 'src/inputs/detect.ts', 'src/inputs/read.ts']);
      expect(under(modules, 'src/reports/').filter(isRenderer), args.join(' ')).toEqual([]);
      // The scenario parameters (--set, --cloud), not the scenarios.
      expect(under(modules, 'src/catalogue/'), args.join(' ')).toEqual(['src/catalogue/params.ts', 'src/catalogue/scenario-operand.ts']);
      expect(commandModules(modules), args.join(' ')).toEqual(['analysis']);
      // The bare file too: the kits' detect functions tell it is nft without initialising the other kits.
      expect(modules.filter((module) => /^src\/targets\/(.+\/)?[^/]+\/index\.ts$/.test(module)), args.join(' ')).toEqual(['src/targets/netfilter/nftables/index.ts']);
    }
  });

  it('a reader, a renderer and a part of the catalogue are initialised by the operand, format or flag that needs it', () => {
    const bicep = fileURLToPath(new URL('../fixtures/inputs/bicep/nsg.bicep', import.meta.url));
    const workload = fileURLToPath(new URL('../fixtures/requirements/workload.yaml', import.meta.url));
    const packet = ['--packet', 'in tcp 10.0.0.1:50000 -> 10.0.0.2:443'];
    const read = initialisedBy(['eval', bicep, '--param', 'nsgName=nsg-1', '--region', 'westus', ...packet]);
    expect(read.code).toBe(0);
    expect(read.modules).toContain('src/inputs/bicep/parser.ts');
    // Bicep borrows two placeholders of the template functions, not the template evaluator.
    for (const other of ['src/inputs/arm-template/evaluate.ts', 'src/inputs/terraform/', 'src/inputs/az/', 'src/inputs/select.ts']) expect(under(read.modules, other), other).toEqual([]);
    const scenario = ['--scenario', 'compute-no-public-ip', '--region', 'westus'];
    const html = initialisedBy(['equiv', '--region', 'westus', bicep, '--param', 'nsgName=nsg-1', 'scenario:compute-no-public-ip', '--format', 'html']);
    expect([0, 1]).toContain(html.code);
    // The HTML report borrows the text report's headings.
    expect(under(html.modules, 'src/reports/').filter(isRenderer)).toEqual(['src/reports/html.ts', 'src/reports/text.ts']);
    expect(html.modules).toContain('src/catalogue/build.ts');
    expect(html.modules).not.toContain('src/catalogue/requirements-file.ts');
    // A requirements file is read without the scenarios; a scenario without the requirement-file reader.
    const file = initialisedBy(['eval', workload, ...packet]);
    expect(file.code).toBe(0);
    expect(file.modules).toContain('src/catalogue/requirements-file.ts');
    for (const module of ['src/catalogue/build.ts', 'src/catalogue/scenarios.ts', 'src/catalogue/entries.ts']) expect(file.modules).not.toContain(module);
    const render = initialisedBy(['render', ...scenario, '--target', 'nftables']);
    expect(render.code).toBe(0);
    expect(under(render.modules, 'src/reports/').filter(isRenderer)).toEqual([]);
    expect(render.modules).not.toContain('src/catalogue/requirements-file.ts');
    expect(under(render.modules, 'src/inputs/')).toEqual([]);
  });

  it("a --target or KIND that names an Object property (constructor, toString) is an unknown target, not a kit", () => {
    for (const args of [
      ['render', '--scenario', 'compute-no-public-ip', '--region', 'westus', '--target', 'constructor'],
      ['check', '--scenario', 'compute-no-public-ip', '--region', 'westus', '--target', 'toString', '--config', BIN],
      ['equiv', '--region', 'westus', `constructor:${BIN}`, 'scenario:compute-no-public-ip'],
    ]) {
      const child = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
      expect(child.status).toBe(2);
      expect(child.stderr).toMatch(/unknown target '(constructor|toString)'/);
    }
  });

  it('render writes its diagnostics to a pipe and reads the embedded snapshot without loading Node\'s net and zlib modules', () => {
    const { child, loaded } = loadedBy(['render', '--scenario', 'compute-no-public-ip', '--region', 'westus', '--target', 'nftables']);
    expect(child.status).toBe(0);
    // A test that cannot fail is no test: the diagnostics did go to standard error, a pipe here.
    expect(child.stderr).toContain('NFT_FQDN_INEXPRESSIBLE');
    // io.ts writeStderr: standard error through its descriptor, not process.stderr (a net.Socket on a pipe).
    expect(loaded).not.toContain('NativeModule net');
    // The shipped snapshots are stored uncompressed (src/servicetags/embedded.ts): node:zlib would load the streams.
    expect(loaded).not.toContain('NativeModule zlib');
    // The streams come only with node:v8, which the bin loads to set V8's budget flags (bin.ts optimiseLater) where Node
    // lends no V8 binding (Node 24 on; code-cache.ts setV8Flags); where it lends one, neither loads, and no
    // deprecation warning is printed for asking.
    if (LENDS_V8_BINDING) {
      expect(loaded).not.toContain('NativeModule v8');
      expect(loaded).not.toContain('NativeModule stream');
      expect(child.stderr).not.toMatch(/DEP0111|DeprecationWarning/);
    } else if (loaded.includes('NativeModule stream')) expect(loaded).toContain('NativeModule v8');
  });

  it('a gzipped --snapshot is inflated from before the bundle loads; a plain one loads no node:zlib at all', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagwall-snapshot-ahead-'));
    try {
      const plain = join(dir, 'ServiceTags_Public_20251028.json');
      writeFileSync(plain, gunzipSync(readFileSync(SNAPSHOT_FILE)));
      const args = ['render', '--scenario', 'compute-no-public-ip', '--region', 'westus', '--target', 'udr'];
      // The bin (bin.ts prefetchSnapshots) loads node:zlib to start the gunzip before it loads node:vm for the bundle.
      for (const snapshot of [['--snapshot', SNAPSHOT_FILE], [`--snapshot=${SNAPSHOT_FILE}`]]) {
        const { child, loaded } = loadedBy([...args, ...snapshot]);
        expect(child.status).toBe(0);
        expect(loaded.indexOf('NativeModule zlib'), snapshot.join(' ')).toBeGreaterThanOrEqual(0);
        expect(loaded.indexOf('NativeModule zlib'), snapshot.join(' ')).toBeLessThan(loaded.indexOf('NativeModule vm'));
      }
      const { child, loaded } = loadedBy([...args, '--snapshot', plain]);
      expect(child.status).toBe(0);
      expect(child.stdout).toBe(spawnSync(process.execPath, [BIN, ...args, '--snapshot', SNAPSHOT_FILE], { encoding: 'utf8' }).stdout);
      expect(loaded).not.toContain('NativeModule zlib');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!LENDS_V8_BINDING)('render sets its budget flags without a warning when deprecations are pending or throw', () => {
    for (const flag of ['--pending-deprecation', '--throw-deprecation']) {
      const { child, loaded } = loadedBy(['render', '--scenario', 'compute-no-public-ip', '--region', 'westus', '--target', 'udr'], { ...process.env, NODE_OPTIONS: flag });
      expect(child.status, flag).toBe(0);
      expect(child.stderr, flag).not.toMatch(/DEP0111|DeprecationWarning/);
      expect(loaded, flag).not.toContain('NativeModule v8');
    }
  });

  it.each(['nsg', 'azure-firewall', 'aml-managed-network'])('render --target %s names, hashes and accounts its loss without node:crypto or a public suffix lookup', (target) => {
    const { child, loaded } = loadedBy(['render', '--scenario', 'compute-no-public-ip', '--region', 'westus', '--target', target]);
    expect(child.status).toBe(0);
    // Each of them hashes (the firewall's group priority, the NSG's priority slots, the managed network's long
    // rule names) and parses its own output back (the firewall's host names are wildcards over vetted suffixes).
    expect(child.stdout).toMatch(target === 'aml-managed-network' ? /aml-service-https/ : /"priority": \d+/);
    expect(loaded.some((entry) => entry.startsWith('NativeModule '))).toBe(true);
    // src/internal/sha256.ts: node:crypto brought the stream modules with it for a few short hashes.
    expect(loaded).not.toContain('NativeModule crypto');
    // hostnames/patterns.ts: a suffix already vetted is not looked up in the Public Suffix List again.
    expect(initialisedBy(['render', '--scenario', 'compute-no-public-ip', '--region', 'westus', '--target', target]).called).not.toContain('publicSuffixOf');
  });

  it('check prints its text answer to a pipe without making process.stdout (a net.Socket there) to learn it is no terminal', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagwall-builtins-'));
    try {
      const scenario = ['--scenario', 'compute-no-public-ip', '--region', 'westus'];
      const rendered = spawnSync(process.execPath, [BIN, 'render', ...scenario, '--target', 'nsg'], { encoding: 'utf8', maxBuffer: 1 << 26 });
      expect(rendered.status).toBe(0);
      const config = join(dir, 'nsg.json');
      writeFileSync(config, rendered.stdout);
      const { child, loaded } = loadedBy(['check', ...scenario, '--target', 'nsg', '--config', config], { ...process.env, FORCE_COLOR: undefined, NO_COLOR: undefined, COLUMNS: undefined });
      expect([0, 1]).toContain(child.status);
      // The answer was styled for a pipe: no colour, whole lines.
      expect(child.stdout).toContain('requirements');
      expect(child.stdout).not.toContain('\u001b[');
      expect(loaded).not.toContain('NativeModule net');
      expect(loaded).not.toContain('NativeModule tty');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a scenario against the user's --snapshot FILE (render, check) looks none of its own hosts up in the Public Suffix List", () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagwall-suffix-'));
    try {
      // Coverage says whether the lookup (hostnames/public-suffix.ts) ran.
      const lookedUp = (args: readonly string[]): boolean => {
        const { called, code } = initialisedBy(args);
        expect([0, 1], args.join(' ')).toContain(code);
        return called.has('publicSuffixOf');
      };
      const scenario = ['--scenario', 'compute-no-public-ip', '--region', 'westus', '--snapshot', SNAPSHOT_FILE];
      const config = join(dir, 'nsg.json');
      expect(lookedUp(['render', ...scenario, '--target', 'nsg', '-o', config])).toBe(false);
      expect(lookedUp(['check', ...scenario, '--target', 'nsg', '--config', config])).toBe(false);
      // A test that cannot fail is no test: a user's wildcard is looked up.
      const requirements = join(dir, 'requirements.yaml');
      writeFileSync(requirements, WILDCARD_REQUIREMENTS);
      expect(lookedUp(['render', '--requirements', requirements, '--target', 'nsg', '--snapshot', SNAPSHOT_FILE])).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the packages (yaml, micromatch) come from the bundle, each initialised only by a command that uses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagwall-packages-'));
    try {
      const requirements = join(dir, 'requirements.yaml');
      writeFileSync(requirements, WILDCARD_REQUIREMENTS);
      // YAML outside the plain subset (a block scalar): the package reads it (src/internal/plain-yaml.ts).
      const folded = join(dir, 'folded.yaml');
      writeFileSync(folded, WILDCARD_REQUIREMENTS.replace('purpose: a user wildcard', 'purpose: |\n      a user wildcard'));
      const runs: Array<{ args: string[]; packages: string[] }> = [
        // A file in the plain subset is read without the yaml package, and tldts no longer runs (the list is a text file).
        { args: ['render', '--requirements', requirements, '--target', 'nftables'], packages: [] },
        { args: ['render', '--requirements', folded, '--target', 'nftables'], packages: ['yaml'] },
        { args: ['expand', 'AzureMachineLearning.*'], packages: ['micromatch'] },
        { args: ['render', '--scenario', 'compute-no-public-ip', '--region', 'westus', '--target', 'nftables'], packages: [] },
      ];
      for (const { args, packages } of runs) {
        const { modules, code, bundles } = initialisedBy(args);
        expect(code, args.join(' ')).toBe(0);
        // The packages are a bundle of their own (dist/cli-packages.cjs), read and compiled only by a command that uses one.
        expect(bundles, args.join(' ')).toEqual([bundleOf(args), ...(packages.length > 0 ? ['cli-packages.cjs'] : [])].sort());
        // commander declares every command; the rest only when used (and micromatch brings picomatch and braces).
        expect(packagesIn(modules).filter((name) => !['commander', 'tsup', 'picomatch', 'braces', 'fill-range', 'to-regex-range', 'is-number'].includes(name)), args.join(' ')).toEqual(packages);
        // And none of them is required from node_modules.
        const { child, loaded } = loadedBy(args);
        expect(child.status, args.join(' ')).toBe(0);
        expect(loaded.filter((path) => /[\\/]node_modules[\\/]/.test(path)), args.join(' ')).toEqual([]);
      }
      // The Public Suffix List is tagwall's own data (hostnames/public-suffix-list.txt, dist/public-suffix-list.txt); tldts is only its generator.
      expect(readFileSync(join(DIST, 'cli-main.cjs'), 'latin1')).not.toMatch(/node_modules\/tldts/);
      // Neither package's text is in a bundle a command reads (round 23: ~230 KB, ~110 fresh pages a run).
      for (const bundle of ['cli-main.cjs', ...Object.keys(FAMILIES).map((family) => `cli-family-${family}.cjs`)]) {
        expect(readFileSync(join(DIST, bundle), 'latin1'), bundle).not.toMatch(/node_modules\/(yaml|micromatch|picomatch|tldts)\//);
      }
      expect(readFileSync(join(DIST, 'cli-packages.cjs'), 'latin1')).toMatch(/node_modules\/yaml\//);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Every kit's directory under src/targets/ (bundled-kit-modules.ts). */
const KIT_DIRS = ['azure/firewall', 'azure/managed-network', 'azure/nsg', 'azure/udr', 'netfilter/iptables', 'netfilter/nftables', 'panos'];
const RENDER_NFT = ['render', '--scenario', 'compute-no-public-ip', '--region', 'westus', '--target', 'nftables'];

/** `node BIN ARGS` with its own compile cache directory: what a user sees. */
function outputOf(bin: string, args: readonly string[], cache: string): { status: number | null; stdout: string; stderr: string } {
  const child = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, NODE_COMPILE_CACHE: cache } });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

describe.skipIf(!existsSync(BIN))('family bundles: a command reads only the code it can run (src/cli/families.ts)', () => {
  it("each family bundle initialises its own command modules and kits, and holds a stub for every other", () => {
    for (const [family, { commands, kits }] of Object.entries(FAMILIES) as Array<[FamilyName, (typeof FAMILIES)[FamilyName]]>) {
      const text = readFileSync(join(DIST, `cli-family-${family}.cjs`), 'latin1');
      const held: readonly string[] = commands;
      for (const name of COMMAND_MODULES) {
        // esbuild names a module's initialiser after its file, and a stub after its namespace and path.
        expect(text.includes(`"src/cli/${name}.ts"(`), `${family}: ${name}`).toBe(held.includes(name));
        expect(text.includes(`"tagwall-family-stub:command:${name}"(`), `${family}: stub of ${name}`).toBe(!held.includes(name));
      }
      const heldKits: readonly string[] = kits;
      // A family whose commands never reach the kit table (the snapshot one) has neither kits nor their stubs.
      const kitTable = text.includes('"src/cli/bundled-kit-modules.ts"(');
      expect(kitTable, family).toBe(heldKits.length > 0);
      for (const kit of KIT_DIRS) {
        expect(text.includes(`"src/targets/${kit}/index.ts"(`), `${family}: ${kit}`).toBe(heldKits.includes(kit));
        expect(text.includes(`"tagwall-family-stub:kit:${kit}"(`), `${family}: stub of ${kit}`).toBe(kitTable && !heldKits.includes(kit));
      }
      // Much smaller than the full bundle, which holds every command.
      expect(text.length, family).toBeLessThan(readFileSync(join(DIST, 'cli-main.cjs'), 'latin1').length * 0.6);
    }
    const full = readFileSync(join(DIST, 'cli-main.cjs'), 'latin1');
    for (const name of COMMAND_MODULES) expect(full, name).toContain(`"src/cli/${name}.ts"(`);
    expect(full).not.toContain('tagwall-family-stub');
  });

  it("the bin runs a family's commands from its bundle only, and everything else from the full one", () => {
    const runs: Array<[string[], string, string[]]> = [
      [['expand', 'Storage.WestUS'], 'cli-family-snapshot.cjs', ['expand']],
      [['snapshot', 'diff', SNAPSHOT_FILE, SNAPSHOT_FILE], 'cli-family-snapshot.cjs', ['snapshot']],
      [RENDER_NFT, 'cli-family-netfilter.cjs', ['render']],
      [[...RENDER_NFT.slice(0, -1), 'nsg'], 'cli-main.cjs', ['render']],
      [['targets'], 'cli-main.cjs', ['targets']],
    ];
    for (const [args, bundle, commands] of runs) {
      const { modules, code, bundles } = initialisedBy(args);
      expect(code, args.join(' ')).toBe(0);
      expect(bundles, args.join(' ')).toEqual([bundle]);
      expect(commandModules(modules), args.join(' ')).toEqual(commands);
    }
  });

  it('a family bundle that meets a command or kit it lacks hands the run to the full bundle, which alone writes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagwall-family-'));
    try {
      const copy = join(dir, 'dist');
      cpSync(DIST, copy, { recursive: true });
      const bin = join(copy, 'cli.cjs');
      // The bin's guess made wrong: render nftables gets the snapshot family, which holds no render.
      cpSync(join(DIST, 'cli-family-snapshot.cjs'), join(copy, 'cli-family-netfilter.cjs'));
      const lines = [RENDER_NFT, [...RENDER_NFT, '--json'], [...RENDER_NFT.slice(0, 2), 'no-such-scenario', ...RENDER_NFT.slice(3)], [...RENDER_NFT, '--format', 'bicep']];
      for (const args of lines) {
        const expected = outputOf(BIN, args, join(dir, 'cache-real'));
        expect(expected.stdout.length + expected.stderr.length, args.join(' ')).toBeGreaterThan(0);
        // Twice: without a code cache, then with the caches the first run wrote.
        for (const round of [1, 2]) expect(outputOf(bin, args, join(dir, 'cache-copy')), `${args.join(' ')} (${round})`).toEqual(expected);
      }
      // Only the full bundle's caches were written (the key is its text's SHA-256, as the build computes it): the
      // family's, which compiled only the parsing, would have stood for the command's real runs.
      const fullKey = createHash('sha256').update(readFileSync(join(DIST, 'cli-main.cjs'))).digest('hex').slice(0, 32);
      const cached = readdirSync(join(dir, 'cache-copy', 'tagwall'));
      expect(cached.length).toBeGreaterThan(0);
      expect(cached.filter((name) => !name.startsWith(`${fullKey}-`))).toEqual([]);
      const command = initialisedBy(RENDER_NFT, bin);
      expect(command.code).toBe(0);
      expect(command.bundles).toEqual(['cli-family-netfilter.cjs', 'cli-main.cjs']);
      // A kit it lacks: the netfilter family with its nftables kit made a stub (nsg's).
      const family = readFileSync(join(DIST, 'cli-family-netfilter.cjs'), 'latin1');
      const nftablesKit = /nftables:lazy\(\(\)=>\(init_nftables\d*\(\),__toCommonJS\(nftables_exports\d*\)\)\)/g;
      const stub = /nsg:lazy\(\(\)=>(require_[a-z_0-9]+)\(\)\)/.exec(family)?.[1];
      expect(family.match(nftablesKit)).toHaveLength(1);
      expect(stub).toBeDefined();
      writeFileSync(join(copy, 'cli-family-netfilter.cjs'), family.replace(nftablesKit, `nftables:lazy(()=>${stub!}())`));
      for (const args of lines) expect(outputOf(bin, args, join(dir, 'cache-copy')), args.join(' ')).toEqual(outputOf(BIN, args, join(dir, 'cache-real')));
      const kit = initialisedBy(RENDER_NFT, bin);
      expect(kit.bundles).toEqual(['cli-family-netfilter.cjs', 'cli-main.cjs']);
      // The family got as far as render before it met the stub: the full bundle then ran render too.
      expect(commandModules(kit.modules)).toEqual(['render']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
