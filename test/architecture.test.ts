/**
 * The layering of docs/architecture.md, checked on the import graph: no import runs from a layer to a later one
 * (model → servicetags, analysis → catalogue, targets → reports, testing → cli), a target kit imports no other
 * kit (only its family's common folder and the shared targets/ files), and the page's file list of src/targets is
 * the real one.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Layer of a top-level folder or file of src/; a file may import its own layer and earlier ones. */
const LAYER: Readonly<Record<string, number>> = {
  'errors.ts': 0,
  'version.ts': 0,
  internal: 0,
  // The sanitisers of generated text (src/text/): they import nothing of tagwall.
  text: 0,
  model: 1,
  servicetags: 2,
  analysis: 2,
  catalogue: 3,
  targets: 3,
  // Readers of the configs users have (Terraform, ARM templates, Bicep, az output) into the ARM form the Azure kits
  // parse; the Azure kits read their own Bicep/Terraform back through them, so the two share a layer.
  inputs: 3,
  reports: 4,
  // End-to-end paths (issue 23): read configs through the target kits, so above them, beside the reports.
  paths: 4,
  testing: 4,
  cli: 5,
  'index.ts': 6,
  'testing.ts': 6,
  'cli.ts': 6,
};

/** Families with several kits: `src/targets/<family>/<kit>/`, their shared code in `<family>/common/`. */
const FAMILIES = ['azure', 'netfilter'];

/** The kit folder a path under src/targets belongs to (`azure/nsg`, `panos`), or undefined for the shared files. */
function kitOf(path: string): string | undefined {
  const parts = relative('src/targets', path).split(/[\\/]/);
  if (parts.length === 1) return undefined;
  return FAMILIES.includes(parts[0]!) ? `${parts[0]}/${parts[1]}` : parts[0];
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.ts$/.test(name) && !/\.test\.ts$|\.test-support\.ts$|test-fixtures\.ts$/.test(name) ? [path] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((match) => normalize(join(dirname(file), match[1]!)).replace(/\.js$/, '.ts'));
}

const top = (path: string): string => relative('src', path).split(/[\\/]/)[0]!;
const FILES = sources('src');

describe('imports run from later layers to earlier ones only', () => {
  it.each(FILES)('%s', (file) => {
    const own = LAYER[top(file)];
    expect(own, `layer of ${file}`).toBeDefined();
    const later = imports(file).filter((target) => (LAYER[top(target)] ?? 0) > own!);
    expect(later).toEqual([]);
  });
});

it('a target kit imports no other kit, only its family common folder', () => {
  const wrong: string[] = [];
  for (const file of FILES.filter((path) => path.startsWith(join('src', 'targets') + '/'))) {
    const kit = kitOf(file);
    // The shared files of targets/ (registry.ts registers every kit) are not a kit.
    if (kit === undefined) continue;
    const family = kit.includes('/') ? kit.split('/')[0] : undefined;
    for (const target of imports(file)) {
      if (!target.startsWith(join('src', 'targets') + '/')) continue;
      const other = kitOf(target);
      if (other === undefined || other === kit || (family !== undefined && other === `${family}/common`)) continue;
      wrong.push(`${file} → ${target}`);
    }
  }
  expect(wrong).toEqual([]);
});

it('docs/architecture.md lists the real files of src/targets', () => {
  const doc = readFileSync('docs/architecture.md', 'utf8');
  const block = /<!-- files: src\/targets -->\n```\n([\s\S]*?)```/.exec(doc)![1]!;
  const listed: string[] = [];
  let folder = '';
  for (const line of block.split('\n').slice(1)) {
    const heading = /^ {2}([a-z/-]+)\/(\s|$)/.exec(line);
    if (heading) {
      folder = `${heading[1]}/`;
      continue;
    }
    const top = /^ {2}([a-z-]+\.ts)\s/.exec(line);
    if (top) {
      listed.push(top[1]!);
      folder = '';
      continue;
    }
    if (/^ {4}\S/.test(line)) listed.push(...line.trim().split(/\s+/).map((name) => `${folder}${name}`));
  }
  const real = FILES.filter((file) => file.startsWith('src/targets/')).map((file) => relative('src/targets', file));
  // Test support that sits beside the code it serves is listed too.
  const support = readdirSync('src/targets', { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.test-support.ts'));
  expect(listed.sort()).toEqual([...real, ...support].sort());
});
