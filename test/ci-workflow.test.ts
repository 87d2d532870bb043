/**
 * docs/ci.md's workflow, run as written: every `npx tagwall` line is extracted from the document and run
 * in-process, in document order, in a scratch repository laid out as the document says, with the workflow's
 * shell variables bound to fixture files. A command the document shows that tagwall does not accept fails here.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tagwall } from './support/cli.js';

const ROOT = resolve('.');
const FIXTURE_OLD = join(ROOT, 'fixtures/servicetags/ServiceTags_Public_20250728.json.gz');
const FIXTURE_NEW = join(ROOT, 'fixtures/servicetags/ServiceTags_Public_20251028.json.gz');

interface DocCommand {
  readonly line: number;
  readonly text: string;
  readonly argv: readonly string[];
  readonly redirect?: string;
}

/** The `npx tagwall …` commands of the workflow block, with `|| …` dropped and `> file` kept apart. */
function workflowCommands(markdown: string, variables: Readonly<Record<string, string>>): DocCommand[] {
  const commands: DocCommand[] = [];
  markdown.split('\n').forEach((raw, index) => {
    const at = raw.indexOf('npx tagwall ');
    if (at < 0 || raw.trimStart().startsWith('#') || raw.includes('`npx tagwall')) return;
    const text = raw.slice(at).split(' || ')[0]!.trim();
    const words = splitWords(text.slice('npx tagwall '.length), variables);
    const arrow = words.indexOf('>');
    commands.push({
      line: index + 1,
      text,
      argv: arrow < 0 ? words : words.slice(0, arrow),
      ...(arrow < 0 ? {} : { redirect: words[arrow + 1]! }),
    });
  });
  return commands;
}

/** Shell words: double quotes group, `$NAME` expands from `variables` (an unbound one is an error). */
function splitWords(text: string, variables: Readonly<Record<string, string>>): string[] {
  const expand = (word: string): string =>
    word.replace(/\$([A-Z_]+)/g, (_, name: string) => {
      const value = variables[name];
      if (value === undefined) throw new Error(`docs/ci.md uses $${name}; bind it in test/ci-workflow.test.ts`);
      return value;
    });
  return [...text.matchAll(/"([^"]*)"|(\S+)/g)].map((match) => expand(match[1] ?? match[2]!));
}

const doc = readFileSync(join(ROOT, 'docs/ci.md'), 'utf8');
const scratch = mkdtempSync(join(tmpdir(), 'tagwall-ci-'));
const variables = {
  LATEST: 'network/servicetags/ServiceTags_Public_20251028.json.gz',
  PREVIOUS: 'network/servicetags/ServiceTags_Public_20250728.json.gz',
  DOWNLOADED: join(scratch, 'incoming', 'ServiceTags_Public_20251028.json.gz'),
};
const commands = workflowCommands(doc, variables);

describe('docs/ci.md workflow', () => {
  let cwd = '';
  beforeAll(() => {
    cwd = process.cwd();
    for (const dir of ['network/servicetags', 'network/generated', 'network/deployed', 'incoming']) mkdirSync(join(scratch, dir), { recursive: true });
    copyFileSync(join(ROOT, 'fixtures/requirements/workload.yaml'), join(scratch, 'network/requirements.yaml'));
    copyFileSync(FIXTURE_OLD, join(scratch, variables.PREVIOUS));
    copyFileSync(FIXTURE_NEW, join(scratch, variables.LATEST));
    copyFileSync(FIXTURE_NEW, variables.DOWNLOADED);
    process.chdir(scratch);
  });
  afterAll(() => process.chdir(cwd));

  it('shows the commands this test runs', () => {
    const verbs = new Set(commands.map((command) => command.argv[0]));
    expect([...verbs].sort()).toEqual(['check', 'impact', 'render', 'snapshot']);
    expect(commands.filter((command) => command.argv.includes('--format') && command.argv.includes('sarif'))).not.toHaveLength(0);
  });

  it.each(commands.map((command) => [`line ${command.line}: ${command.argv.slice(0, 2).join(' ')} ${command.redirect ?? ''}`, command] as const))('%s', (_name, command) => {
    // The workflow exports the deployed NSG with `az network nsg show`; here the deployed config is what render made.
    if (command.argv[0] === 'check' && !existsSync('network/deployed/nsg.json') && existsSync('network/generated/nsg.json')) {
      copyFileSync('network/generated/nsg.json', 'network/deployed/nsg.json');
    }
    const result = tagwall(...command.argv);
    // render reports what the target cannot express on stderr (never silently); nothing else may appear there.
    const noise = result.stderr.split('\n').filter((line) => line !== '' && !(command.argv[0] === 'render' && /^((error|warning|info): [A-Z0-9_]+: |  lost, e\.g\. )/.test(line)));
    expect(noise, command.text).toEqual([]);
    expect([0, 1], `${command.text}\nexit ${result.code}`).toContain(result.code);
    if (command.redirect) {
      mkdirSync(dirname(command.redirect), { recursive: true });
      writeFileSync(command.redirect, result.stdout);
      const format = command.argv[command.argv.indexOf('--format') + 1];
      if (format === 'sarif') expect(JSON.parse(result.stdout)).toMatchObject({ version: '2.1.0' });
      if (format === 'markdown') expect(result.stdout).toMatch(/^### tagwall /);
      if (format === 'html') expect(result.stdout).toMatch(/^<!DOCTYPE html>/);
    }
  });
});
