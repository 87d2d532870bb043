/**
 * Scenario parameters: where the workspace is (region, its pair, cloud), the customer's storage account and
 * compute subnet, and the options that switch conditional requirements on. Everything a user types is checked
 * here, with the nearest valid name suggested.
 */
import { TagwallError } from '../errors.js';
import { AddressSet } from '../model/address-set.js';
import { parseCloud, type Cloud } from '../servicetags/cloud.js';
import { nearest } from '../servicetags/suggest.js';

export const PACKAGE_KINDS = ['python', 'r', 'vscode'] as const;

export interface ScenarioOptions {
  /** The workspace was created with hbi_workspace: the Batch key vault is needed. */
  readonly hbiWorkspace: boolean;
  /** The workspace is reached through a private endpoint: RStudio (8787) and notebook (18881) sessions. */
  readonly privateEndpoint: boolean;
  /** Custom Docker images: Azure Container Registry. */
  readonly customImages: boolean;
  /** User-managed dependencies with Microsoft images: Microsoft Container Registry and its Front Door tag. */
  readonly userManagedDependencies: boolean;
  /** A firewall between the compute and the storage private endpoint: SMB 445. */
  readonly firewallToStoragePrivateEndpoint: boolean;
  /** Application Insights / Azure Monitor hosts outside the firewall scenario (which always has them). */
  readonly monitoring: boolean;
  /** legacy-2019: SSH to nodes. */
  readonly ssh: boolean;
  /** Use the global tag where a region has no regional tag for a service (wider than required: reported). */
  readonly allowGlobalTagFallback: boolean;
  readonly packages: readonly string[];
}

export interface ScenarioParams {
  /** ARM region name of the workspace, e.g. `westus`. */
  readonly region: string;
  /** ARM name of the paired region; null when the region has none. */
  readonly secondaryRegion: string | null;
  readonly storageAccount?: string;
  readonly cloud: Cloud;
  /** The compute subnet; the `VirtualNetwork` tag when absent. */
  readonly subnet?: AddressSet;
  readonly options: ScenarioOptions;
}

/** What callers pass: every field optional, values as typed on a command line or in code. */
export interface ScenarioInput {
  readonly region?: string;
  readonly secondaryRegion?: string;
  readonly storageAccount?: string;
  readonly cloud?: Cloud | string;
  readonly subnet?: string;
  readonly options?: Readonly<Record<string, string | boolean | readonly string[]>>;
}

const BOOLEAN_OPTIONS = [
  'hbiWorkspace',
  'privateEndpoint',
  'customImages',
  'userManagedDependencies',
  'firewallToStoragePrivateEndpoint',
  'monitoring',
  'ssh',
  'allowGlobalTagFallback',
] as const;
export const OPTION_NAMES: readonly string[] = [...BOOLEAN_OPTIONS, 'packages'];
/** Parameters `--set` also accepts, so one flag can carry everything. */
export const PARAMETER_NAMES: readonly string[] = ['region', 'secondaryRegion', 'storageAccount', 'cloud', 'subnet'];

function parseBoolean(name: string, value: string | boolean | readonly string[]): boolean {
  if (typeof value === 'boolean') return value;
  const text = String(value).trim().toLowerCase();
  if (['true', 'yes', '1', 'on', ''].includes(text)) return true;
  if (['false', 'no', '0', 'off'].includes(text)) return false;
  throw new TagwallError('TW_INVALID_OPTION', `option ${name} must be true or false, not '${String(value)}'`);
}

function parsePackages(value: string | boolean | readonly string[]): string[] {
  const items = (typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : []).map((item) => item.trim().toLowerCase());
  for (const item of items) {
    if (!(PACKAGE_KINDS as readonly string[]).includes(item)) {
      throw new TagwallError('TW_INVALID_OPTION', `packages: unknown kind '${item}' (kinds: ${PACKAGE_KINDS.join(', ')})`, {
        suggestions: nearest(item, PACKAGE_KINDS),
      });
    }
  }
  return [...new Set(items)].sort();
}

/** Options by name (case-insensitive), validated; unknown names are TW_UNKNOWN_OPTION with suggestions. */
export function parseOptions(raw: Readonly<Record<string, string | boolean | readonly string[]>> = {}): ScenarioOptions {
  const values: Record<string, boolean> = Object.fromEntries(BOOLEAN_OPTIONS.map((name) => [name, false]));
  let packages: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const name = OPTION_NAMES.find((candidate) => candidate.toLowerCase() === key.toLowerCase());
    if (!name) {
      throw new TagwallError('TW_UNKNOWN_OPTION', `unknown option '${key}' (options: ${OPTION_NAMES.join(', ')})`, {
        suggestions: nearest(key, OPTION_NAMES),
      });
    }
    if (name === 'packages') packages = parsePackages(value);
    else values[name] = parseBoolean(name, value);
  }
  return { ...(values as unknown as Omit<ScenarioOptions, 'packages'>), packages };
}

/** `['region=westus', 'packages=python,r']` → a record; TW_USAGE for an item without `=`. */
export function parseSetOptions(items: readonly string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const item of items) {
    const equals = item.indexOf('=');
    if (equals <= 0) {
      throw new TagwallError('TW_USAGE', `--set expects key=value, not '${item}'`);
    }
    result[item.slice(0, equals).trim()] = item.slice(equals + 1).trim();
  }
  return result;
}

/** Splits `--set` values into parameters and options. */
export function splitParameters(values: Readonly<Record<string, string>>): { parameters: Record<string, string>; options: Record<string, string> } {
  const parameters: Record<string, string> = {};
  const options: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    const parameter = PARAMETER_NAMES.find((name) => name.toLowerCase() === key.toLowerCase());
    if (parameter) parameters[parameter] = value;
    else options[key] = value;
  }
  return { parameters, options };
}

export function cloudOf(input: ScenarioInput): Cloud {
  return input.cloud === undefined ? 'Public' : parseCloud(input.cloud);
}

export function parseSubnet(text: string | undefined): AddressSet | undefined {
  return text === undefined ? undefined : AddressSet.parse(text);
}
