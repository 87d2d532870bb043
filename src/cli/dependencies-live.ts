/**
 * `tagwall import-dependencies --workspace ID`: the workspace's Dependencies API
 * (`Workspaces - List Outbound Network Dependencies Endpoints`, Microsoft.MachineLearningServices) called live,
 * with the token and subscription `snapshot fetch --source api` uses (azure-access.ts), and read by the same
 * importer as a saved response.
 *
 * The workspace is its ARM id (`/subscriptions/S/resourceGroups/G/providers/Microsoft.MachineLearningServices/
 * workspaces/W`, what `az ml workspace show --query id` prints), or its name with `--resource-group` (and the
 * subscription from `--subscription`, AZURE_SUBSCRIPTION_ID or `az account`).
 */
import { TagwallError } from '../errors.js';
import { httpGet, type Environment } from '../internal/http.js';
import { INPUT_LIMITS } from '../internal/input-limits.js';
import { ARM_ENDPOINTS } from '../servicetags/fetch.js';
import { parseCloud } from '../servicetags/index.js';
import { azureAccess, requireSubscription } from './azure-access.js';

export const DEPENDENCIES_API_VERSION = '2024-04-01';

export interface WorkspaceOptions {
  readonly workspace: string;
  readonly resourceGroup?: string;
  readonly subscription?: string;
  readonly cloud?: string;
  readonly baseUrl?: string;
}

const WORKSPACE_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)\/?$/i;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._()-]{0,89}$/;

interface Workspace {
  readonly subscription: string | undefined;
  readonly resourceGroup: string;
  readonly name: string;
}

function parseWorkspace(options: WorkspaceOptions): Workspace {
  const id = WORKSPACE_ID.exec(options.workspace.trim());
  if (id) {
    // The id says it all; a different --subscription or --resource-group beside it is a mistake, not an override.
    if ((options.subscription !== undefined && options.subscription !== id[1]) || (options.resourceGroup !== undefined && options.resourceGroup.toLowerCase() !== id[2]!.toLowerCase())) {
      throw new TagwallError('TW_USAGE', '--workspace is an ARM id whose subscription or resource group differs from --subscription / --resource-group');
    }
    return { subscription: id[1]!, resourceGroup: id[2]!, name: id[3]! };
  }
  if (options.resourceGroup === undefined) {
    throw new TagwallError('TW_USAGE', `--workspace takes the workspace's ARM id (/subscriptions/…/workspaces/NAME), or its name with --resource-group`);
  }
  return { subscription: options.subscription, resourceGroup: options.resourceGroup, name: options.workspace.trim() };
}

/** The Dependencies API's answer for the workspace: its text and the URL it came from (without query secrets). */
export async function fetchDependencies(options: WorkspaceOptions, env: Environment = process.env): Promise<{ text: string; url: string }> {
  const workspace = parseWorkspace(options);
  for (const [what, value] of [['resource group', workspace.resourceGroup], ['workspace name', workspace.name]] as const) {
    if (!NAME.test(value)) throw new TagwallError('TW_USAGE', `${JSON.stringify(value)} is not a ${what}`);
  }
  const access = azureAccess(env, workspace.subscription ?? options.subscription);
  const subscription = requireSubscription(access);
  const endpoint = (options.baseUrl ?? (env['TAGWALL_ARM_URL'] || ARM_ENDPOINTS[parseCloud(options.cloud ?? 'Public')])).replace(/\/+$/, '');
  const url =
    `${endpoint}/subscriptions/${encodeURIComponent(subscription)}/resourceGroups/${encodeURIComponent(workspace.resourceGroup)}` +
    `/providers/Microsoft.MachineLearningServices/workspaces/${encodeURIComponent(workspace.name)}` +
    `/outboundNetworkDependenciesEndpoints?api-version=${DEPENDENCIES_API_VERSION}`;
  const response = await httpGet(url, {
    headers: { authorization: `Bearer ${access.token}`, accept: 'application/json' },
    maxBytes: INPUT_LIMITS.requirementsSize,
    env,
  });
  return { text: response.body.toString('utf8'), url: response.url };
}
