/**
 * `render` and `check` driven by the project file (src/cli/config-file.ts): the command line is completed from
 * the file, once per target, and each completed line runs as if typed. Kept apart from the commands themselves so
 * they stay what they were; the only hook is in main.ts.
 */
import { expandedResolver } from '../analysis/resolve.js';
import { loadHostsFile, loadRequirementsFile } from '../catalogue/index.js';
import { isTagwallError } from '../errors.js';
import { findTarget } from '../targets/registry.js';
import type { Artifact } from '../targets/target.js';
import { checkRuns, findProjectFile, loadProjectConfig, renderRuns, type ProjectConfig, type ProjectTarget } from './config-file.js';
import { EXIT_BAD_INPUT, EXIT_OK, reportError, toJson, type CliIo } from './io.js';
import { snapshotTagExpander } from './requirements-input.js';
import { selectSnapshot } from './snapshot-source.js';

/** `--project FILE` (taken out of argv), else the project file in the working directory. */
function projectOf(argv: readonly string[]): { file: string | undefined; explicit: boolean; rest: string[] } {
  const rest: string[] = [];
  let file: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--project') file = argv[++i];
    else if (argv[i]!.startsWith('--project=')) file = argv[i]!.slice('--project='.length);
    else rest.push(argv[i]!);
  }
  return file === undefined ? { file: findProjectFile(), explicit: false, rest } : { file, explicit: true, rest };
}

const has = (argv: readonly string[], flag: string): boolean => argv.some((arg) => arg === flag || arg.startsWith(`${flag}=`));

/** What render would write for a target, by the file's settings (for `check` to know the artifact names). */
function artifactsOf(project: ProjectConfig, argv: readonly string[]): (target: ProjectTarget) => readonly Artifact[] {
  return (target) => {
    const value = (flag: string): string | undefined => {
      const index = argv.indexOf(flag);
      return index >= 0 ? argv[index + 1] : undefined;
    };
    const snapshotFile = value('--snapshot') ?? project.snapshot;
    const cloud = value('--cloud') ?? project.cloud;
    const snapshot = selectSnapshot({ ...(snapshotFile ? { snapshot: snapshotFile } : {}), ...(cloud ? { cloud } : {}) });
    const file = value('--requirements') ?? target.requirements ?? project.requirements;
    if (file === undefined) return [];
    const hosts = value('--hosts') ?? project.hosts;
    const resolver = expandedResolver(snapshot);
    const requirements = loadRequirementsFile(file, { ...(hosts ? { hosts: loadHostsFile(hosts) } : {}), expandTag: snapshotTagExpander(snapshot) });
    const options = Object.fromEntries(Object.entries(target.options).map(([key, option]) => [key, typeof option === 'number' ? String(option) : option]));
    return findTarget(target.id).translate(requirements, { snapshot, resolver, options: { ...options, ...(target.format ? { format: target.format } : {}) } }).artifacts;
  };
}

/**
 * Runs `render`/`check` through the project file when it applies: a project file exists (or `--project` names
 * one) and the command line leaves out what the file supplies (`render` without `--target`, `check` without
 * `--target` or `--config`; any line with `--project`). Returns undefined when it does not apply.
 */
export function runWithProject(argv: readonly string[], io: CliIo, runOne: (argv: readonly string[], io: CliIo) => number): number | undefined {
  const command = argv[0];
  if ((command !== 'render' && command !== 'check') || has(argv, '--help') || has(argv, '-h')) return undefined;
  const { file, explicit, rest } = projectOf(argv);
  if (file === undefined) return undefined;
  const applies = explicit || !has(rest, '--target') || (command === 'check' && !has(rest, '--config'));
  if (!applies) return undefined;
  const json = argv.includes('--json');
  try {
    const project = loadProjectConfig(file);
    const runs = command === 'render' ? renderRuns(project, rest) : checkRuns(project, rest, artifactsOf(project, rest));
    let code = EXIT_OK;
    // --json with several runs: one document, `{project, runs: [{target, exitCode, output}]}`, not several in a row.
    const collected: Array<{ target: string; exitCode: number; output: unknown }> = [];
    for (const run of runs) {
      let captured = '';
      const runIo: CliIo = json && runs.length > 1 ? { stdout: (text) => void (captured += text), stderr: io.stderr } : io;
      if (runs.length > 1 && !json) io.stderr(`tagwall: ${command} ${run[2]} (${file})\n`);
      const exitCode = runOne(run, runIo);
      if (runIo !== io) collected.push({ target: run[2]!, exitCode, output: captured.trim() === '' ? null : (JSON.parse(captured) as unknown) });
      code = Math.max(code, exitCode);
      if (code >= EXIT_BAD_INPUT) break;
    }
    if (json && runs.length > 1) io.stdout(toJson({ project: file, command, runs: collected }));
    return code;
  } catch (error) {
    if (isTagwallError(error)) return reportError(io, error, json);
    throw error;
  }
}
