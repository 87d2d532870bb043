/**
 * The package as a consumer project gets it (issue 21, item 5): `npm pack`, then `npm install` of the tarball into
 * an empty project, offline. The dependencies come from this checkout's node_modules, packed as tarballs (a real
 * `npm install` of real packages, no registry and no npm cache needed, so it runs the same in CI and offline).
 * The consumer then loads the ESM and the CommonJS build together (errors and sets cross between them), validates
 * a requirements file with the exported schema in Ajv strict mode, and `npm ls` shows one copy of each package.
 * A TypeScript check of the installed declarations holds that every type a public function names is exported.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const built = existsSync('dist/index.js') && existsSync('dist/index.cjs') && existsSync('dist/index.d.ts');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const root = process.cwd();
const consumer = mkdtempSync(join(tmpdir(), 'tw-consumer-'));

/** The dependency closure of `names` in this checkout's node_modules, as name@version → directory. */
function closure(names: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (name: string, from: string): void => {
    const nested = join(from, 'node_modules', name);
    const dir = existsSync(nested) ? nested : join(root, 'node_modules', name);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string; dependencies?: Record<string, string> };
    const key = `${name}@${pkg.version}`;
    if (found.has(key)) return;
    found.set(key, dir);
    for (const dependency of Object.keys(pkg.dependencies ?? {})) visit(dependency, dir);
  };
  for (const name of names) visit(name, root);
  return found;
}

const run = (command: string, args: readonly string[], cwd = consumer): string => execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe.skipIf(!built)('a consumer project installing the packed tarball (needs dist/: npm run build)', () => {
  let manifest: { scripts?: Record<string, string>; dependencies: Record<string, string>; repository?: unknown; exports: Record<string, unknown> };

  beforeAll(() => {
    // --ignore-scripts: prepack would rebuild dist/ while other test files read it.
    const tarball = run(npm, ['pack', '--ignore-scripts', '--silent', '--pack-destination', consumer], root).trim().split('\n').pop()!;
    manifest = JSON.parse(run('tar', ['xzf', tarball, '-O', 'package/package.json'])) as typeof manifest;
    const ownDependencies = Object.keys(manifest.dependencies);
    mkdirSync(join(consumer, 'deps'));
    const specs = [`./${tarball}`];
    for (const [key, dir] of closure([...ownDependencies, 'ajv'])) {
      const file = `deps/${key.replace(/[@/]/g, '_')}.tgz`;
      run('tar', ['czf', join(consumer, file), '-C', resolve(dir), '--transform', 's,^\\.,package,', '.']);
      specs.push(`./${file}`);
    }
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
    run(npm, ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--silent', ...specs]);
  }, 120_000);

  it('publishes caret ranges, no install-time scripts, a repository, the licence and the changelog', () => {
    for (const [name, range] of Object.entries(manifest.dependencies)) expect(range, name).toMatch(/^\^\d/);
    for (const script of ['prepare', 'preinstall', 'install', 'postinstall']) expect(manifest.scripts?.[script], script).toBeUndefined();
    expect(manifest.repository).toBeDefined();
    for (const file of ['LICENSE', 'CHANGELOG.md', 'README.md', 'docs/requirements.schema.json', 'docs/config.schema.json']) expect(existsSync(join(consumer, 'node_modules/tagwall', file)), file).toBe(true);
    expect(readFileSync(join(consumer, 'node_modules/tagwall/LICENSE'), 'utf8')).toMatch(/^MIT License/);
  });

  it('installs one copy of each package', () => {
    const paths = run(npm, ['ls', '--all', '--parseable']).trim().split('\n').slice(1);
    const names = paths.map((path) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(paths.filter((path) => path.split('node_modules').length > 2), 'nested copies').toEqual([]);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['tagwall', 'commander', 'yaml', 'micromatch']));
    // The Public Suffix List is tagwall's own data; tldts only generates it (a devDependency).
    expect(names).not.toContain('tldts');
  });

  it('loads ESM and CommonJS together: errors and sets cross between the two copies; the schema validates in Ajv strict mode', () => {
    const probe = `
      import { createRequire } from 'node:module';
      import { readFileSync } from 'node:fs';
      import * as esm from 'tagwall';
      const require = createRequire(import.meta.url);
      const cjs = require('tagwall');
      const Ajv = require('ajv').default;
      const caught = (fn) => { try { fn(); } catch (error) { return error; } };
      const cjsError = caught(() => cjs.PortSet.parse('80-70'));
      const esmError = caught(() => esm.ProtocolSet.parse('tcpp'));
      const a = esm.PacketSet.of({ directions: ['out'], protocols: esm.ProtocolSet.parse('tcp'), dstPorts: esm.PortSet.parse('443'), dst: esm.AddressSet.parse('10.0.0.0/8') });
      const b = cjs.PacketSet.of({ directions: ['out'], protocols: cjs.ProtocolSet.parse('tcp'), dstPorts: cjs.PortSet.parse('80'), dst: cjs.AddressSet.parse('10.0.0.0/8') });
      const validate = new Ajv({ strict: true, allErrors: true }).compile(require('tagwall/requirements.schema.json'));
      const project = new Ajv({ strict: true }).compile(require('tagwall/config.schema.json'));
      const yaml = require('yaml');
      console.log(JSON.stringify({
        twoCopies: esm.TagwallError !== cjs.TagwallError,
        errors: [esm.isTagwallError(cjsError), cjsError instanceof esm.TagwallError, cjs.isTagwallError(esmError), esmError instanceof cjs.TagwallError],
        notErrors: [esm.isTagwallError(new Error('x')), esm.isTagwallError({ code: 'TW_USAGE' }), new Error('x') instanceof cjs.TagwallError],
        addresses: esm.AddressSet.parse('10.0.0.0/8').union(cjs.AddressSet.parse('192.168.0.0/16')).toString(),
        packets: [a.union(b).isSubsetOf(b.union(a)), b.difference(a).equals(b)],
        valid: validate(yaml.parse(readFileSync(process.argv[1], 'utf8'))),
        invalid: validate({ requirements: [{ id: 'a', direction: 'out', protocol: 'tcpp' }] }),
        project: project(yaml.parse(readFileSync(process.argv[2], 'utf8'))),
      }));`;
    const output = run(process.execPath, ['--input-type=module', '-e', probe, join(root, 'examples/three-tier/network/requirements.yaml'), join(root, 'examples/three-tier/tagwall.config.yaml')]);
    expect(JSON.parse(output)).toEqual({
      twoCopies: true,
      errors: [true, true, true, true],
      notErrors: [false, false, false],
      addresses: '10.0.0.0/8, 192.168.0.0/16',
      packets: [true, true],
      valid: true,
      invalid: false,
      project: true,
    });
  });

  it('exports every type a public function names (TypeScript over the installed declarations)', () => {
    const entry = join(consumer, 'check.ts');
    writeFileSync(entry, "export * from 'tagwall';\nimport type { TargetTranslation, RequirementTerm, RequirementSpec } from 'tagwall';\nexport type Used = [TargetTranslation, RequirementTerm, RequirementSpec];\n");
    const program = ts.createProgram([entry], { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, target: ts.ScriptTarget.ES2022, strict: true, noEmit: true, types: [] });
    const errors = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(errors).toEqual([]);
    const checker = program.getTypeChecker();
    const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!.statements[0]!.getChildAt(3)) ?? checker.getSymbolAtLocation((program.getSourceFile(entry)!.statements[0] as ts.ExportDeclaration).moduleSpecifier!)!;
    const exported = new Set(checker.getExportsOfModule(module).map((symbol) => (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol)));
    const missing = new Set<string>();
    const seen = new Set<ts.Type>();
    /** Named types in tagwall's declarations that a signature reaches, outside the exports. */
    const visit = (type: ts.Type, from: string): void => {
      if (seen.has(type)) return;
      seen.add(type);
      const symbol = type.aliasSymbol ?? type.getSymbol();
      const declaration = symbol?.declarations?.[0];
      const ours = declaration?.getSourceFile().fileName.includes('node_modules/tagwall/') ?? false;
      if (ours && symbol && !exported.has(symbol) && (symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Class | ts.SymbolFlags.Enum)) !== 0) missing.add(`${symbol.name} (from ${from})`);
      for (const argument of type.aliasTypeArguments ?? []) visit(argument, from);
      if (type.isUnionOrIntersection()) for (const part of type.types) visit(part, from);
      // Arrays, maps, promises: their element types; tagwall's own object types: the types of their properties.
      if (type.flags & ts.TypeFlags.Object && (type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference) for (const argument of checker.getTypeArguments(type as ts.TypeReference)) visit(argument, from);
      if (ours && !(symbol!.flags & ts.SymbolFlags.Class) && type.flags & ts.TypeFlags.Object) for (const property of type.getProperties()) visit(checker.getTypeOfSymbol(property), `${from} → ${symbol!.name}.${property.name}`);
      // A method or function-typed property (Target.translate): what it takes and returns.
      for (const signature of type.getCallSignatures()) {
        for (const parameter of signature.getParameters()) visit(checker.getTypeOfSymbol(parameter), `${from}()`);
        visit(signature.getReturnType(), `${from}()`);
      }
    };
    for (const symbol of exported) {
      if (!(symbol.flags & ts.SymbolFlags.Function)) continue;
      for (const signature of checker.getTypeOfSymbol(symbol).getCallSignatures()) {
        for (const parameter of signature.getParameters()) visit(checker.getTypeOfSymbol(parameter), symbol.name);
        visit(signature.getReturnType(), symbol.name);
      }
    }
    expect([...missing].sort()).toEqual([]);
  });
});
