import { loadCommandModules, run, runAsync } from '../../src/cli/main.js';

// The commands' modules load lazily (src/cli/lazy-commands.ts); the synchronous run() needs them loaded.
await loadCommandModules();

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process and captures what it printed. */
export function tagwall(...argv: string[]): CliResult {
  let stdout = '';
  let stderr = '';
  const code = run(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

/** The same for any command, including those that use the network (`snapshot fetch`, `import-dependencies --workspace`). */
export async function tagwallAsync(...argv: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runAsync(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}
