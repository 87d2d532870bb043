/**
 * docs/ci.md's workflow, run as written: every `npx tagwall` line is extracted from the document and run
 * in-process, in document order, in a scratch repository laid out as the document says, with the workflow's
 * shell variables bound to fixture files. A command the document shows that tagwall does not accept fails here.
 */
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { tagwall, tagwallAsync } from './support/cli.js';
import { startRecordedAzure, type Recorded } from './support/recorded-azure.js';

const ROOT = resolve('.');
const FIXTURE_OLD = join(ROOT, 'fixtures/servicetags/ServiceTags_Public_20250728.json.gz');
const FIXTURE_NEW = join(ROOT, 'fixtures/servicetags/ServiceTags_Public_20251028.json.gz');

interface DocCommand {
  readonly line: number;
  readonly text: string;
  readonly argv: readonly string[];
  readonly redirect?: string;
  readonly append?: boolean;
}

/** The `npx tagwall …` commands of the workflow block, with `|| …` dropped and `> file` / `>> file` kept apart. */
function workflowCommands(markdown: string, variables: Readonly<Record<string, string>>): DocCommand[] {
  const commands: DocCommand[] = [];
  markdown.split('\n').forEach((raw, index) => {
    const at = raw.indexOf('npx tagwall ');
    if (at < 0 || raw.trimStart().startsWith('#') || raw.includes('`npx tagwall')) return;
    const text = raw.slice(at).split(' || ')[0]!.trim();
    const words = splitWords(text.slice('npx tagwall '.length), variables);
    const arrow = words.findIndex((word) => word === '>' || word === '>>');
    commands.push({
      line: index + 1,
      text,
      argv: arrow < 0 ? words : words.slice(0, arrow),
      ...(arrow < 0 ? {} : { redirect: words[arrow + 1]!, append: words[arrow] === '>>' }),
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
  GITHUB_STEP_SUMMARY: join(scratch, 'step-summary.md'),
};
const commands = workflowCommands(doc, variables);

describe('docs/ci.md workflow', () => {
  let cwd = '';
  // `snapshot fetch` reads the Download Center: here a local stand-in serving recorded pages (fixtures/network/).
  let azure: Recorded;
  beforeAll(async () => {
    azure = await startRecordedAzure();
    process.env['TAGWALL_DOWNLOAD_URL'] = `${azure.url}/en-us/download`;
    cwd = process.cwd();
    for (const dir of ['network/servicetags', 'network/generated', 'network/deployed', 'incoming']) mkdirSync(join(scratch, dir), { recursive: true });
    copyFileSync(join(ROOT, 'fixtures/requirements/workload.yaml'), join(scratch, 'network/requirements.yaml'));
    copyFileSync(FIXTURE_OLD, join(scratch, variables.PREVIOUS));
    copyFileSync(FIXTURE_NEW, join(scratch, variables.LATEST));
    copyFileSync(FIXTURE_NEW, variables.DOWNLOADED);
    process.chdir(scratch);
  });
  afterAll(async () => {
    process.chdir(cwd);
    delete process.env['TAGWALL_DOWNLOAD_URL'];
    await azure.close();
  });

  it('shows the commands this test runs', () => {
    const verbs = new Set(commands.map((command) => command.argv[0]));
    expect([...verbs].sort()).toEqual(['check', 'impact', 'render', 'snapshot']);
    // One check per job: the reports a job needs come from one run (--report, repeatable).
    expect(commands.length).toBeGreaterThanOrEqual(7);
    expect(commands.filter((command) => command.argv[0] === 'check').map((command) => command.argv.filter((word) => word === '--report').length)).toEqual([2, 2]);
    expect(commands.filter((command) => command.argv.some((word) => word.endsWith('.sarif')))).not.toHaveLength(0);
  });

  const validateSarif = ((): ValidateFunction => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    return ajv.compile(JSON.parse(readFileSync(join(ROOT, 'fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8')) as object);
  })();

  /** What a report file must look like, by its format. */
  function expectReport(file: string, format: string, command: string): void {
    const text = readFileSync(file, 'utf8');
    if (format === 'sarif') {
      const sarif = JSON.parse(text) as { runs: Array<{ results: Array<{ locations?: Array<{ physicalLocation: { artifactLocation: { uri: string }; region?: { startLine?: number } } }> }> }> };
      expect(validateSarif(sarif), `${command}\n${JSON.stringify(validateSarif.errors)}`).toBe(true);
      // Code scanning needs a relative file and a line on every result.
      for (const result of sarif.runs[0]!.results) {
        expect(result.locations?.[0]?.physicalLocation.artifactLocation.uri, command).toMatch(/^network\//);
        expect(result.locations?.[0]?.physicalLocation.region?.startLine, command).toBeGreaterThanOrEqual(1);
      }
    }
    if (format === 'markdown') {
      expect(text, command).toMatch(/^### tagwall /m);
      expect(text.length, command).toBeLessThanOrEqual(65_536);
    }
    if (format === 'html') expect(text, command).toMatch(/^<!DOCTYPE html>/);
  }

  const optionValue = (argv: readonly string[], ...names: string[]): string | undefined => {
    const at = argv.findIndex((word) => names.includes(word));
    return at < 0 ? undefined : argv[at + 1];
  };

  it.each(commands.map((command) => [`line ${command.line}: ${command.argv.slice(0, 2).join(' ')} ${command.redirect ?? ''}`, command] as const))('%s', async (_name, command) => {
    // The workflow exports the deployed NSG with `az network nsg show`; here the deployed config is what render made.
    if (command.argv[0] === 'check' && !existsSync('network/deployed/nsg.json') && existsSync('network/generated/nsg.json')) {
      copyFileSync('network/generated/nsg.json', 'network/deployed/nsg.json');
    }
    const result = command.argv[1] === 'fetch' ? await tagwallAsync(...command.argv) : tagwall(...command.argv);
    if (command.argv[1] === 'fetch') expect(readdirSync('network/servicetags'), command.text).toContain('ServiceTags_Public_20261130.json');
    // render reports what the target cannot express on stderr (never silently); nothing else may appear there.
    const noise = result.stderr.split('\n').filter((line) => line !== '' && !(command.argv[0] === 'render' && /^((error|warning|info): [A-Z0-9_]+: |  lost, e\.g\. )/.test(line)));
    expect(noise, command.text).toEqual([]);
    expect([0, 1], `${command.text}\nexit ${result.code}`).toContain(result.code);
    const format = optionValue(command.argv, '--format') ?? 'text';
    if (command.redirect) {
      mkdirSync(dirname(command.redirect), { recursive: true });
      (command.append ? appendFileSync : writeFileSync)(command.redirect, result.stdout);
      expectReport(command.redirect, format, command.text);
    }
    const output = optionValue(command.argv, '--output');
    if (output && command.argv[0] !== 'render') expectReport(output, format, command.text);
    const reports = command.argv.flatMap((word, index) => (command.argv[index - 1] === '--report' ? [word] : []));
    for (const report of reports) expectReport(report, report.endsWith('.sarif') ? 'sarif' : report.endsWith('.md') ? 'markdown' : 'html', command.text);
    // The review job's check runs once, with no `|| test $? -le 1`: tagwall's own output checks clean.
    if (command.argv[0] === 'check' && command.argv.includes('network/generated/nsg.json')) expect(result.code, command.text).toBe(0);
    // The fixtures' two snapshots differ for the workload: the weekly job's impact must say so.
    if (command.argv[0] === 'impact') expect(result.code, command.text).toBe(1);
  });

  it('weekly impact exits 0 when no new snapshot was published (PREVIOUS = LATEST)', () => {
    const impact = commands.find((command) => command.argv[0] === 'impact')!;
    const argv = impact.argv.map((word) => (word === variables.PREVIOUS ? variables.LATEST : word));
    const at = argv.indexOf('--output');
    const result = tagwall(...(at < 0 ? argv : [...argv.slice(0, at), ...argv.slice(at + 2)]));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});

/** The workflow's YAML, as GitHub Actions reads it. */
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, { if?: string; permissions?: Record<string, string>; steps: Array<{ id?: string; if?: string; uses?: string; run?: string; with?: Record<string, string> }> }>;
}

describe('docs/ci.md workflow as GitHub Actions reads it', () => {
  const block = /```yaml\n([\s\S]*?)\n```/.exec(doc)![1]!;
  const workflow = parseYaml(block) as Workflow;

  it('runs on pull requests, pushes to main and a weekly schedule', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push', 'schedule', 'workflow_dispatch']);
    expect(Object.keys(workflow.jobs)).toEqual(['review', 'deployed', 'weekly-impact']);
    expect(workflow.jobs['review']!.if).toBe("github.event_name == 'pull_request'");
    expect(workflow.jobs['weekly-impact']!.if).toContain("github.event_name == 'schedule'");
  });

  it('uploads only SARIF files a tagwall command of the same job wrote, with the permission to', () => {
    let uploads = 0;
    for (const [name, job] of Object.entries(workflow.jobs)) {
      const written = job.steps.flatMap((step) => [...(step.run ?? '').matchAll(/--(?:output|report) (\S+\.sarif)/g)].map((match) => match[1]));
      for (const step of job.steps.filter((candidate) => candidate.uses?.startsWith('github/codeql-action/upload-sarif'))) {
        uploads++;
        expect(step.uses, name).toBe('github/codeql-action/upload-sarif@v4');
        expect(written, name).toContain(step.with!['sarif_file']);
        // upload-sarif would ignore a category for tagwall's runs, which name their own (docs/reports.md).
        expect(step.with!['category'], name).toBeUndefined();
        expect(job.permissions?.['security-events'], name).toBe('write');
      }
    }
    expect(uploads).toBe(3);
  });

  it('opens the weekly pull request only when impact exits 1, comparing against the snapshot kept before the import', () => {
    const job = workflow.jobs['weekly-impact']!;
    const impact = job.steps.find((step) => step.run?.includes('npx tagwall impact'))!;
    expect(impact.id).toBe('impact');
    expect(impact.run).toContain('echo "status=$status" >> "$GITHUB_OUTPUT"');
    const pullRequest = job.steps.find((step) => step.uses?.startsWith('peter-evans/create-pull-request'))!;
    expect(pullRequest.if).toBe("steps.impact.outputs.status == '1'");
    expect(pullRequest.with!['body-path']).toBe('impact.md');
    const download = job.steps.find((step) => step.run?.includes('snapshot fetch'))!.run!;
    expect(download.indexOf('PREVIOUS=$(')).toBeLessThan(download.indexOf('npx tagwall snapshot fetch'));
    expect(download.indexOf('LATEST=$(')).toBeGreaterThan(download.indexOf('npx tagwall snapshot fetch'));
    // No download URL to edit by hand any more.
    expect(download).not.toContain('curl');
  });

  it('every step output a guard reads is written by a step with that id', () => {
    for (const [name, job] of Object.entries(workflow.jobs)) {
      const ids = new Set(job.steps.map((step) => step.id).filter(Boolean));
      for (const step of job.steps) for (const match of (step.if ?? '').matchAll(/steps\.([\w-]+)\.outputs/g)) expect(ids, `${name}: ${step.if}`).toContain(match[1]);
    }
  });
});
