/**
 * A Resource Manager bearer token and subscription for the commands that call Azure (`snapshot fetch --source api`,
 * `import-dependencies --workspace`), from the first of:
 *
 * 1. `AZURE_ACCESS_TOKEN` in the environment (a pipeline that already holds a token, e.g. from azure/login's
 *    `az account get-access-token`), with the subscription from `--subscription` or `AZURE_SUBSCRIPTION_ID`;
 * 2. the Azure CLI: `az account get-access-token --output json` (its answer names the subscription too). Skipped,
 *    with the reason in the error, when `az` is not installed.
 *
 * The token is never printed, written or sent anywhere but Resource Manager (src/internal/http.ts keeps it to the
 * first URL's origin).
 */
import { spawnSync } from 'node:child_process';
import { TagwallError } from '../errors.js';
import type { Environment } from '../internal/http.js';

export interface AzureAccess {
  readonly token: string;
  readonly subscription: string | undefined;
  /** Where the token came from, for messages. */
  readonly source: 'AZURE_ACCESS_TOKEN' | 'az';
}

/** How `az` is run: a seam for tests, which put a stand-in `az` first on PATH instead. */
export type AzRunner = (args: readonly string[]) => { status: number | null; stdout: string; stderr: string; error?: Error };

const runAz: AzRunner = (args) => {
  const result = spawnSync('az', [...args], { encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '', ...(result.error ? { error: result.error } : {}) };
};

function usage(message: string): TagwallError {
  return new TagwallError('TW_USAGE', message);
}

export function azureAccess(env: Environment = process.env, subscription: string | undefined = undefined, az: AzRunner = runAz): AzureAccess {
  const fromEnv = env['AZURE_ACCESS_TOKEN']?.trim();
  if (fromEnv) return { token: fromEnv, subscription: subscription ?? (env['AZURE_SUBSCRIPTION_ID']?.trim() || undefined), source: 'AZURE_ACCESS_TOKEN' };
  const result = az(['account', 'get-access-token', '--output', 'json']);
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw usage(
      missing
        ? 'no Azure credentials: set AZURE_ACCESS_TOKEN (and AZURE_SUBSCRIPTION_ID), or install the Azure CLI and run az login'
        : `az account get-access-token could not be run: ${result.error.message}`,
    );
  }
  if (result.status !== 0) {
    const reason = result.stderr.split('\n').map((line) => line.trim()).find((line) => line !== '') ?? `exit status ${result.status}`;
    throw usage(`az account get-access-token failed (run az login, or set AZURE_ACCESS_TOKEN): ${reason.slice(0, 300)}`);
  }
  let answer: { accessToken?: unknown; subscription?: unknown };
  try {
    answer = JSON.parse(result.stdout) as typeof answer;
  } catch {
    throw usage('az account get-access-token printed something other than JSON');
  }
  if (typeof answer.accessToken !== 'string' || answer.accessToken === '') throw usage('az account get-access-token gave no accessToken');
  return {
    token: answer.accessToken,
    subscription: subscription ?? (env['AZURE_SUBSCRIPTION_ID']?.trim() || (typeof answer.subscription === 'string' ? answer.subscription : undefined)),
    source: 'az',
  };
}

/** The subscription, or a usage error saying how to give one. */
export function requireSubscription(access: AzureAccess): string {
  if (access.subscription === undefined || access.subscription === '') {
    throw usage('no subscription: pass --subscription ID or set AZURE_SUBSCRIPTION_ID');
  }
  if (!/^[A-Za-z0-9-]{1,64}$/.test(access.subscription)) throw usage(`the subscription id ${JSON.stringify(access.subscription)} is not a subscription id`);
  return access.subscription;
}
