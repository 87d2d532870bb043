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
  /**
   * Microsoft Container Registry (its regional tag, its Front Door tag, and in host-name designs its hosts). On by
   * default in the compute designs, whose required tables list it; `userManagedDependencies` is the older name.
   */
  readonly microsoftContainerRegistry: boolean;
  /** A firewall between the compute and the storage private endpoint: SMB 445 to Storage.<region>. */
  readonly firewallToStoragePrivateEndpoint: boolean;
  /** Serverless compute / forced tunnelling: the compute has a public IP, so inbound management applies. */
  readonly publicIp: boolean;
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
  /** The subnet holding the private endpoints (the planning article's 'pe' subnet); the `VirtualNetwork` tag when absent. */
  readonly privateEndpointSubnet?: AddressSet;
  /** A custom DNS server the compute uses (it forwards the privatelink zones to Azure DNS). */
  readonly dnsServer?: AddressSet;
  /** forced-tunnelling: the hub firewall's private address, the next hop of the 0.0.0.0/0 route (prerequisites only). */
  readonly firewallAddress?: AddressSet;
  /**
   * How the secondary region was found: `paired` (the published pair), `given` (secondaryRegion parameter),
   * `none` (the region is published as having no pair), `unknown` (the region is not in the pairs data).
   */
  readonly pairing: 'paired' | 'given' | 'none' | 'unknown';
  readonly options: ScenarioOptions;
}

/** What callers pass: every field optional, values as typed on a command line or in code. */
export interface ScenarioInput {
  readonly region?: string;
  readonly secondaryRegion?: string;
  readonly storageAccount?: string;
  readonly cloud?: Cloud | string;
  readonly subnet?: string;
  readonly privateEndpointSubnet?: string;
  readonly dnsServer?: string;
  readonly firewallAddress?: string;
  readonly options?: Readonly<Record<string, string | boolean | readonly string[]>>;
}

const BOOLEAN_OPTIONS = [
  'hbiWorkspace',
  'privateEndpoint',
  'customImages',
  'microsoftContainerRegistry',
  'firewallToStoragePrivateEndpoint',
  'monitoring',
  'ssh',
  'allowGlobalTagFallback',
  'publicIp',
] as const;
export type BooleanOption = (typeof BOOLEAN_OPTIONS)[number];
/** Older option names still accepted, and the option each sets. */
const OPTION_ALIASES: Readonly<Record<string, BooleanOption>> = { userManagedDependencies: 'microsoftContainerRegistry' };
export const OPTION_NAMES: readonly string[] = [...BOOLEAN_OPTIONS, 'packages', ...Object.keys(OPTION_ALIASES)];
/** Parameters `--set` also accepts, so one flag can carry everything. */
export const PARAMETER_NAMES: readonly string[] = ['region', 'secondaryRegion', 'storageAccount', 'cloud', 'subnet', 'privateEndpointSubnet', 'dnsServer', 'firewallAddress'];

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

/**
 * Options by name (case-insensitive), validated; unknown names are TW_UNKNOWN_OPTION with suggestions. `defaults`
 * are the scenario's own defaults (every other boolean option is false).
 */
export function parseOptions(
  raw: Readonly<Record<string, string | boolean | readonly string[]>> = {},
  defaults: Readonly<Partial<Record<BooleanOption, boolean>>> = {},
): ScenarioOptions {
  const values: Record<string, boolean> = Object.fromEntries(BOOLEAN_OPTIONS.map((name) => [name, defaults[name] ?? false]));
  let packages: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const name = OPTION_NAMES.find((candidate) => candidate.toLowerCase() === key.toLowerCase());
    if (!name) {
      throw new TagwallError('TW_UNKNOWN_OPTION', `unknown option '${key}' (options: ${OPTION_NAMES.join(', ')}; parameters: ${PARAMETER_NAMES.join(', ')})`, {
        suggestions: nearest(key, OPTION_NAMES),
      });
    }
    if (name === 'packages') packages = parsePackages(value);
    else values[OPTION_ALIASES[name] ?? name] = parseBoolean(name, value);
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

/** Is `name` a boolean option (or an alias of one)? */
export function isBooleanOption(name: string): name is BooleanOption {
  return (BOOLEAN_OPTIONS as readonly string[]).includes(name);
}
export { BOOLEAN_OPTIONS };
