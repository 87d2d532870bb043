/**
 * The shipped docs cite only what ships: every markdown link in README.md, CHANGELOG.md and docs/**.md resolves
 * (relative to the doc) to a file or folder that exists and is in the package (package.json "files"), and no doc
 * cites the design notes kept outside the repository (DESIGN.md, STYLE.md, targets.md).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = process.cwd();
const packageFiles: readonly string[] = JSON.parse(readFileSync('package.json', 'utf8')).files;

/** Docs allowed to keep a known bad citation for now (each entry says which); none today, and it should stay so. */
const EXEMPT: Readonly<Record<string, string>> = {};

/** Design notes outside the repository: a shipped doc must never send a reader there. */
const UNSHIPPED_NOTES = /(?<![\w/.-])(DESIGN\.md|STYLE\.md|targets\.md)\b/g;

function markdownUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownUnder(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

/** The shipped docs, as repository-relative paths. */
function shippedDocs(): string[] {
  return ['README.md', 'CHANGELOG.md', ...markdownUnder('docs')].map((path) => relative(ROOT, join(ROOT, path)).replaceAll('\\', '/'));
}

/** Whether a repository-relative path is in the package: one of "files" or under one of them (dist is built). */
function isShipped(path: string): boolean {
  return packageFiles.some((entry) => path === entry || path.startsWith(`${entry}/`));
}

/** Text outside fenced code blocks, with line numbers kept (code blocks become empty lines). */
function prose(text: string): string[] {
  let fenced = false;
  return text.split('\n').map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return '';
    }
    return fenced ? '' : line;
  });
}

/** What is wrong with one doc's citations: `line N: …` strings, empty when it is self-contained. */
function citationProblems(doc: string, text: string, exists: (path: string) => boolean = (path) => existsSync(join(ROOT, path))): string[] {
  const problems: string[] = [];
  prose(text).forEach((line, index) => {
    const at = `${doc}:${index + 1}`;
    for (const match of line.matchAll(UNSHIPPED_NOTES)) problems.push(`${at}: cites ${match[1]}, which is not shipped`);
    const targets = [
      ...[...line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!),
      ...[...line.matchAll(/^\s*\[[^\]]+\]:\s+<?(\S+?)>?(?:\s|$)/g)].map((m) => m[1]!),
    ];
    for (const target of targets) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue; // URLs and anchors in the page
      const file = decodeURIComponent(target.split('#')[0]!.split('?')[0]!);
      const path = normalize(join(dirname(doc), file)).replaceAll('\\', '/').replace(/\/$/, '');
      if (path.startsWith('..')) problems.push(`${at}: links ${target}, outside the repository`);
      else if (!exists(path)) problems.push(`${at}: links ${target}, which does not exist`);
      else if (!isShipped(path)) problems.push(`${at}: links ${target} (${path}), which is not in the package`);
    }
  });
  return problems;
}

describe('shipped docs cite only shipped files', () => {
  const docs = shippedDocs();

  it('finds the docs', () => {
    expect(docs).toContain('README.md');
    expect(docs).toContain('docs/diagnostics.md');
    expect(docs.length).toBeGreaterThan(15);
  });

  for (const doc of docs) {
    it(doc, () => {
      const problems = citationProblems(doc, readFileSync(doc, 'utf8'));
      if (doc in EXEMPT) {
        // Still broken as the TODO above says; fails once fixed so the exemption gets removed.
        expect(problems.length, `${doc}: ${EXEMPT[doc]}`).toBeGreaterThan(0);
        expect(problems.every((problem) => /cites targets\.md/.test(problem)), problems.join('\n')).toBe(true);
      } else {
        expect(problems, problems.join('\n')).toEqual([]);
      }
    });
  }

  it('catches each kind of bad citation', () => {
    const exists = (path: string) => ['docs/model.md', 'fixtures/a.yaml', 'README.md'].includes(path);
    const text = [
      'See [model](model.md#packet-sets), [readme](../README.md), [web](https://example.com/x.md) and [here](#top).',
      'The contract of DESIGN.md; style per STYLE.md; limits in targets.md §4.4.',
      'A [fixture](../fixtures/a.yaml), a [missing page](nowhere.md) and [far away](../../x.md).',
      '```',
      'DESIGN.md in a code block is output, not a citation: [x](nowhere.md)',
      '```',
      'docs/targets/linux.md is a page, not the notes.',
    ].join('\n');
    expect(citationProblems('docs/page.md', text, exists)).toEqual([
      'docs/page.md:2: cites DESIGN.md, which is not shipped',
      'docs/page.md:2: cites STYLE.md, which is not shipped',
      'docs/page.md:2: cites targets.md, which is not shipped',
      'docs/page.md:3: links ../fixtures/a.yaml (fixtures/a.yaml), which is not in the package',
      'docs/page.md:3: links nowhere.md, which does not exist',
      'docs/page.md:3: links ../../x.md, outside the repository',
    ]);
  });
});
