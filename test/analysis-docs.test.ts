/**
 * docs/analysis.md shows real output: every `$ tagwall …` line of its console blocks runs here, in a scratch
 * directory holding the files the page defines (yaml blocks whose first line is `# FILE`) and this checkout's
 * src/ (for the golden configs the page names), and what it prints must be what the page shows, line for line.
 * `$ echo $?` followed by a number checks the exit code. Nothing is elided, so the page cannot drift.
 */
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tagwall } from './support/cli.js';

const ROOT = resolve(import.meta.dirname, '..');
const DOC = readFileSync(join(ROOT, 'docs/analysis.md'), 'utf8');
const fences = [...DOC.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((match) => ({ info: match[1]!, code: match[2]! }));

/** Words as a POSIX shell splits them, for the quoting the page uses ('…' and "…"). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) words.push(match[1] ?? match[2] ?? match[3]!);
  return words;
}

interface Session {
  readonly argv: string[];
  readonly output: string;
  readonly exitCode: number | undefined;
}

/** A console block as commands, each with the lines after it up to the next `$ `, and an `echo $?` after it. */
function sessions(block: string): Session[] {
  const found: Array<{ argv: string[]; lines: string[]; exitCode: number | undefined }> = [];
  const lines = block.replace(/\n$/, '').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '$ echo $?') {
      found[found.length - 1]!.exitCode = Number(lines[++i]);
    } else if (line.startsWith('$ tagwall ')) {
      found.push({ argv: shellWords(line.slice('$ tagwall '.length)), lines: [], exitCode: undefined });
    } else if (line.startsWith('$ ')) {
      throw new Error(`docs/analysis.md: a command this test cannot run: ${line}`);
    } else if (found.length > 0) {
      found[found.length - 1]!.lines.push(line);
    }
  }
  return found.map(({ argv, lines: out, exitCode }) => ({ argv, output: out.join('\n').replace(/\n+$/, ''), exitCode }));
}

const files = fences.filter((fence) => fence.info === 'yaml' && /^# [\w.-]+\n/.test(fence.code));
const commands = fences.filter((fence) => fence.info === 'console').flatMap((fence) => sessions(fence.code));

const dir = mkdtempSync(join(tmpdir(), 'tagwall-analysis-doc-'));
for (const file of files) writeFileSync(join(dir, file.code.slice(2, file.code.indexOf('\n'))), file.code);
symlinkSync(join(ROOT, 'src'), join(dir, 'src'), 'dir');
// The golden files the page checks live outside src/ (test/golden/<target>/).
mkdirSync(join(dir, 'test'));
symlinkSync(join(ROOT, 'test', 'golden'), join(dir, 'test', 'golden'), 'dir');

const cwd = process.cwd();
beforeAll(() => process.chdir(dir));
afterAll(() => process.chdir(cwd));

describe('docs/analysis.md', () => {
  it('defines its files and shows commands of every analysis kind', () => {
    expect(files.map((file) => file.code.split('\n')[0])).toEqual(['# workload.yaml', '# wide.yaml', '# shadowing.yaml']);
    expect(commands.map((command) => command.argv[0])).toEqual(['equiv', 'eval', 'diff', 'contains', 'shadowed', 'check']);
  });

  for (const command of commands) {
    it(`tagwall ${command.argv.join(' ')}`, () => {
      const result = tagwall(...command.argv);
      expect(result.stderr).toBe('');
      expect(result.stdout.replace(/\n+$/, '')).toBe(command.output);
      if (command.exitCode !== undefined) expect(result.code).toBe(command.exitCode);
    });
  }
});
