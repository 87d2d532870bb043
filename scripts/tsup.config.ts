import { build, defineConfig, type Options } from 'tsup';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { FAMILIES, type FamilyName } from '../src/cli/families.js';

// Run from the package root (npm run build); paths are relative to it.
// The library ships ESM + CJS + types; the CLI is a CommonJS bundle and a small ES module bin (it is run, never imported).
// `tagwall/testing` is a second entry of the same build with shared chunks (splitting), so a PacketSet made by one
// entry is the same class the other uses, and TagwallError stays one class for `instanceof`.
// Embedded snapshots are data files next to the bundles (dist/snapshots/), read lazily at run time.
// Remove the previous build's CLI files (and the content-named chunks of earlier, split builds), so dist/ holds only
// what dist/cli.js loads (the library build's own clean runs concurrently with the CLI build, not before it).
if (existsSync('dist')) for (const file of readdirSync('dist')) if (/^cli(-.+)?\.(c?js)$/.test(file)) rmSync(`dist/${file}`);

type Plugin = NonNullable<Options['esbuildPlugins']>[number];

/** package.json's version, written into the bundles (src/version.ts), so a run does not require package.json. */
const versionDefine = { TAGWALL_VERSION: JSON.stringify((JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version) };

/**
 * Commander requires node:child_process when it loads, for executable subcommands (a `tagwall-foo` program), which
 * tagwall does not have; loading it costs every command ~5 ms (it brings net, dgram and the streams). In the bundle,
 * commander gets a stand-in that requires the real module on first use, so behaviour is unchanged.
 */
const lazyChildProcessForCommander: Plugin = {
  name: 'lazy-child-process-for-commander',
  setup(build) {
    build.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'lazy-child-process', namespace: 'tagwall-lazy' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'tagwall-lazy' }, () => ({
      contents: "let real; const load = () => (real ??= require('node:child_process')); module.exports = new Proxy({}, { get: (_, key) => load()[key], has: (_, key) => key in load() });",
      loader: 'js',
    }));
  },
};

/**
 * Modules the CLI bundle takes in place of others (the library and the tests keep the originals): each twin exports
 * the same getters, with `require`s esbuild resolves at build time into lazy module initialisers, so what they load is
 * in dist/cli-main.cjs and initialised on its first use only (issue 22).
 * - src/internal/packages.ts: the npm packages tagwall loads on first use (yaml, micromatch) are bundled (in a
 *   second bundle, dist/cli-packages.cjs, loaded on first use; buildBin) instead of being resolved and compiled from
 *   node_modules at run time; their compiled code is then in that bundle's code cache. Cold `render --requirements
 *   workload.yaml` on Node 20: yaml alone took 20-31 ms to load from its ~70 files.
 * - src/inputs/readers.ts: the config readers (ARM templates, Bicep, Terraform, az), each initialised when an operand
 *   of its kind is read.
 * - src/reports/renderers.ts: the report renderers (text, Markdown, HTML, SARIF), each when its format is written.
 * - src/cli/catalogue-parts.ts: the scenario catalogue, requirement files and hosts files, each when used.
 * - src/cli/kit-modules.ts: the target kits, each when a run asks for it (cli/target-kits.ts).
 * - src/internal/require-here.ts: the bundle's own `require`, instead of one made with node:module (not loaded then).
 * - src/paths/device-targets.ts: the kit a topology device's kind names (target-kits.ts), not the registry's eight.
 */
const BUNDLED_TWINS: Readonly<Record<string, string>> = {
  'src/internal/packages.ts': 'src/cli/bundled-packages.ts',
  'src/inputs/readers.ts': 'src/cli/bundled-readers.ts',
  'src/reports/renderers.ts': 'src/cli/bundled-renderers.ts',
  'src/cli/catalogue-parts.ts': 'src/cli/bundled-catalogue-parts.ts',
  'src/cli/kit-modules.ts': 'src/cli/bundled-kit-modules.ts',
  'src/internal/require-here.ts': 'src/cli/bundled-require-here.ts',
  'src/paths/device-targets.ts': 'src/cli/bundled-device-targets.ts',
};

const bundledTwins: Plugin = {
  name: 'bundled-twins',
  setup(build) {
    build.onResolve({ filter: /[\\/](packages|readers|renderers|catalogue-parts|kit-modules|require-here|device-targets)\.js$/ }, (args) => {
      const source = relative(process.cwd(), resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'))).split(sep).join('/');
      const twin = BUNDLED_TWINS[source];
      return twin !== undefined && /[\\/]src[\\/]/.test(args.importer) ? { path: resolve(twin) } : undefined;
    });
  },
};

/**
 * The family bundles' stubs (src/cli/families.ts): for the imports of src/cli/lazy-commands.ts (command modules) and
 * src/cli/bundled-kit-modules.ts (target kits) outside the family only, a module whose initialiser throws the
 * family-miss sentinel (src/cli/family-miss.ts), which the bundle turns into a run of the full bundle.
 */
function familyStubs(family: FamilyName): Plugin {
  const { commands, kits }: { readonly commands: readonly string[]; readonly kits: readonly string[] } = FAMILIES[family];
  return {
    name: `family-stubs-${family}`,
    setup(build) {
      build.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => {
        if (args.kind === 'dynamic-import' && /[\\/]src[\\/]cli[\\/]lazy-commands\.ts$/.test(args.importer)) {
          const name = /^\.\/([a-z-]+)\.js$/.exec(args.path)?.[1];
          return name === undefined || commands.includes(name) ? undefined : { path: `command:${name}`, namespace: 'tagwall-family-stub' };
        }
        if (args.kind === 'require-call' && /[\\/]src[\\/]cli[\\/]bundled-kit-modules\.ts$/.test(args.importer)) {
          const kit = /^\.\.\/targets\/(.+)\/index\.js$/.exec(args.path)?.[1];
          return kit === undefined || kits.includes(kit) ? undefined : { path: `kit:${kit}`, namespace: 'tagwall-family-stub' };
        }
        return undefined;
      });
      build.onLoad({ filter: /.*/, namespace: 'tagwall-family-stub' }, (args) => ({
        contents: `throw Object.assign(new Error(${JSON.stringify(`not in this family bundle: ${args.path}`)}), { [Symbol.for('tagwall.cli.familyMiss')]: true });`,
        loader: 'js',
      }));
    },
  };
}

/**
 * How a CLI bundle is built from src/cli/executable.ts: dist/cli-main.cjs, and each family bundle (src/cli/families.ts)
 * with its stubs on top, so that a family bundle is the same build of the modules it holds.
 */
const cliBundle = {
  format: ['cjs'],
  splitting: false,
  outDir: 'dist',
  noExternal: ['commander', 'yaml', 'micromatch'],
  esbuildPlugins: [lazyChildProcessForCommander, bundledTwins],
  // Keep `node:` on built-in modules: tsup's plugin that removes it would resolve child_process before ours can.
  removeNodeProtocol: false,
  // No import.meta shim: it parsed the bundle's file URL on every run (issue 22). The modules the bundle takes find
  // their files by `__dirname` where it exists (servicetags/snapshot.ts, model/hostnames/public-suffix.ts,
  // version.ts); their import.meta.url branch, for the ES module library, is never taken here.
  shims: false,
  target: 'node20',
  define: { ...versionDefine, 'import.meta.url': 'undefined' },
  // Whitespace and comments out (names and syntax as written): every start reads the bundle into memory and hands
  // it to V8 as a string, 1.49 MB with them, 1.13 MB without (fresh pages are most of that cost).
  minifyWhitespace: true,
} satisfies Options;

export default defineConfig([
  {
    entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' },
    format: ['esm', 'cjs'],
    splitting: true,
    external: ['fast-check'],
    // `@internal` members (helpers other modules of the package need) stay out of the published types.
    dts: { compilerOptions: { stripInternal: true } },
    clean: true,
    shims: true,
    sourcemap: false,
    target: 'node20',
    define: versionDefine,
    onSuccess: async () => {
      cpSync('src/servicetags/snapshots', 'dist/snapshots', { recursive: true });
      // Read beside the bundles as beside the source (model/hostnames/public-suffix.ts).
      cpSync('src/model/hostnames/public-suffix-list.txt', 'dist/public-suffix-list.txt');
    },
  },
  {
    // The CLI (issue 22): one CommonJS bundle, dist/cli-main.cjs, commander included, run by a small ES module, the
    // bin dist/cli.js (src/cli/bin.ts), built from onSuccess once the bundle's SHA-256 is known (its code cache key).
    // One bundle, not ES module chunks: Node 20 can keep V8's code for a script (src/cli/code-cache.ts), not for an ES
    // module, and one file is resolved, opened and linked once. Each command's implementation is still initialised
    // only when that command runs (src/cli/lazy-commands.ts: esbuild turns its `import()`s into lazy module inits).
    // The bundle stays beside the library: `../package.json` and `./snapshots/` are found from its location.
    ...cliBundle,
    entry: { 'cli-main': 'src/cli/executable.ts' },
    onSuccess: buildBin,
  },
]);

/**
 * dist/cli-main.THIRD-PARTY-LICENSES.txt: the license of each npm package the CLI bundles include (commander, yaml,
 * micromatch and the packages under them), as their licenses ask of a copy. esbuild names each bundled module
 * by its path (`"node_modules/yaml/dist/index.js"(exports, module)`), which is how the packages are found; a package
 * without a license file stops the build. The Public Suffix List (dist/public-suffix-list.txt, MPL-2.0), which the
 * bundle reads, gets its notice and source: the MPL asks that a copy in executable form say where its source is.
 */
function writeThirdPartyLicenses(bundle: string): void {
  const names = [...new Set([...bundle.matchAll(/"(?:[^"]*\/)?node_modules\/((?:@[^/"]+\/)?[^/"]+)\//g)].map((match) => match[1]!))].sort();
  const sections = names.map((name) => {
    const dir = `node_modules/${name}`;
    const manifest = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')) as { version: string; license?: string };
    const file = readdirSync(dir).find((entry) => /^licen[sc]e(\.(md|txt))?$/i.test(entry));
    if (file === undefined) throw new Error(`${dir} has no license file to ship with dist/cli-main.cjs`);
    return `${name} ${manifest.version} (${manifest.license ?? 'see below'})\n\n${readFileSync(`${dir}/${file}`, 'utf8').trim()}\n`;
  });
  if (!bundle.includes('public-suffix-list.txt')) throw new Error('dist/cli-main.cjs reads no Public Suffix List: update writeThirdPartyLicenses');
  sections.push(publicSuffixListNotice());
  writeFileSync('dist/cli-main.THIRD-PARTY-LICENSES.txt', `The npm packages and data bundled in dist/cli-main.cjs, dist/cli-family-*.cjs and dist/cli-packages.cjs, with their licenses.\n\n${sections.join('\n' + '-'.repeat(80) + '\n\n')}`);
}

/** The notice of the Public Suffix List, from the header of the file that carries it (scripts/build-psl.ts). */
function publicSuffixListNotice(): string {
  const header = readFileSync('src/model/hostnames/public-suffix-list.txt', 'latin1').split('\n\n')[0]!.split('\n');
  return `Public Suffix List (MPL-2.0), dist/public-suffix-list.txt, read by dist/cli-main.cjs\n\n${header.map((line) => line.replace(/^# ?/, '')).join('\n')}\n`;
}

/**
 * A CLI bundle made plain ASCII, so the bin reads it as latin1 (a third of the time of decoding UTF-8, ~5 ms):
 * esbuild already escapes every non-ASCII character of strings, templates and regular expressions; what is left is in
 * comments, which are checked to be comment lines and get `?` for those characters. Refuses a bundle that still has an
 * `import()`. Returns the text written.
 */
function asciiBundle(file: string): string {
  const text = readFileSync(file, 'utf8');
  for (const line of text.split('\n')) {
    if (/[^\x00-\x7f]/.test(line) && !/^\s*(\*|\/\/|\/\*)/.test(line)) throw new Error(`${file} has a non-ASCII character outside a comment line: ${line.trim().slice(0, 120)}`);
  }
  // A dynamic import() in the bundle would fail under vm.Script (no module loader for it): every import() must be
  // one esbuild resolved into the bundle.
  if (/\bimport\(/.test(text)) throw new Error(`${file} has a dynamic import(): the code cache cannot run it`);
  const ascii = text.replace(/[^\x00-\x7f]/g, '?');
  writeFileSync(file, ascii);
  return ascii;
}

/** The first 32 hex digits of a bundle's SHA-256: its code cache's key (src/cli/code-cache.ts). */
const bundleKey = (text: string): string => createHash('sha256').update(Buffer.from(text, 'latin1')).digest('hex').slice(0, 32);

/**
 * dist/cli-packages.cjs (src/cli/packages-chunk.ts), dist/cli.cjs with the SHA-256 of both CLI bundles written in, and
 * dist/cli.js. The packages chunk holds yaml and micromatch, which the main bundle loads on first use through the bin
 * (src/cli/bundled-packages.ts): most commands use neither, and every command read and copied their ~230 KB of text.
 */
async function buildBin(): Promise<void> {
  const main = asciiBundle('dist/cli-main.cjs');
  if (/node_modules\/(yaml|micromatch)\//.test(main)) throw new Error('dist/cli-main.cjs bundles yaml or micromatch: they belong in dist/cli-packages.cjs');
  await build({
    config: false,
    entry: { 'cli-packages': 'src/cli/packages-chunk.ts' },
    format: ['cjs'],
    outDir: 'dist',
    target: 'node20',
    noExternal: ['yaml', 'micromatch'],
    shims: false,
    minifyWhitespace: true,
    silent: true,
  });
  const packages = asciiBundle('dist/cli-packages.cjs');
  const familyKeys: Record<string, string> = {};
  const familyTexts: string[] = [];
  for (const family of Object.keys(FAMILIES) as FamilyName[]) {
    await build({
      ...cliBundle,
      config: false,
      entry: { [`cli-family-${family}`]: 'src/cli/executable.ts' },
      esbuildPlugins: [...cliBundle.esbuildPlugins, familyStubs(family)],
      silent: true,
    });
    const text = asciiBundle(`dist/cli-family-${family}.cjs`);
    familyTexts.push(text);
    if (/node_modules\/(yaml|micromatch)\//.test(text)) throw new Error(`dist/cli-family-${family}.cjs bundles yaml or micromatch: they belong in dist/cli-packages.cjs`);
    familyKeys[family] = bundleKey(text);
  }
  writeThirdPartyLicenses([main, packages, ...familyTexts].join(''));
  // dist/cli.cjs is the package's `bin` (a CommonJS entry spares Node starting its ES module loader, ~5 ms); dist/cli.js,
  // an ES module, is for `node dist/cli.js` as the docs and earlier versions run it, and only imports dist/cli.cjs:
  // the bin is CommonJS code (its own `require` and `__dirname`: no node:module to load, no URL to parse; issue 22).
  await build({
    config: false,
    entry: { cli: 'src/cli/bin.ts' },
    format: ['cjs'],
    outDir: 'dist',
    target: 'node20',
    shims: true,
    banner: { js: '#!/usr/bin/env node' },
    define: { TAGWALL_CLI_MAIN_SHA256: JSON.stringify(bundleKey(main)), TAGWALL_CLI_PACKAGES_SHA256: JSON.stringify(bundleKey(packages)), TAGWALL_CLI_FAMILY_SHA256: JSON.stringify(familyKeys) },
    silent: true,
  });
  writeFileSync('dist/cli.js', "#!/usr/bin/env node\n// The tagwall executable as an ES module: dist/cli.cjs, run as it is (src/cli/bin.ts).\nimport './cli.cjs';\n");
  chmodSync('dist/cli.js', 0o755);
  chmodSync('dist/cli.cjs', 0o755);
}
