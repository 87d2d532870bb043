/**
 * Options the two netfilter targets share, validated once (TW_INVALID_OPTION). The hook decides which built-in
 * chains tagwall's chains hang from and, for parsing, which packets of the model a chain judges (see hooks.ts).
 */
import { TagwallError } from '../../../errors.js';
import type { Direction } from '../../../model/packet.js';
import type { OptionSpec } from '../../option-schema.js';
import { booleanOption } from '../../options.js';
import type { TargetOptionValues } from '../../target.js';

export type ChainHook = 'host' | 'input' | 'output' | 'forward';
export const CHAIN_HOOKS: readonly ChainHook[] = ['host', 'input', 'output', 'forward'];

/** Platform flows host chains accept beyond the requirements (platform.ts): Azure's, or none. */
export type PlatformFlows = 'azure' | 'none';
export const PLATFORM_FLOW_CHOICES: readonly PlatformFlows[] = ['azure', 'none'];

/**
 * Parsing: how a rate limit (limit, hashlimit, connlimit, recent, nft meters, quotas, dynamic sets) whose verdict the
 * traffic decides is read: refused with a packet it decides (default), or as if every limit holds (`under`: traffic
 * below each rate, as the first packets of a fresh source are) or none does (`over`: a flood).
 */
export type RateReading = 'refuse' | 'under' | 'over';
export const RATE_READINGS: readonly RateReading[] = ['refuse', 'under', 'over'];

/** The directions tagwall's chains carry under a hook: both, but for `input` (inbound) and `output` (outbound). */
export function hookedDirections(chainHook: ChainHook): Direction[] {
  return (['in', 'out'] as const).filter((direction) => chainHook === 'host' || chainHook === 'forward' || (chainHook === 'input') === (direction === 'in'));
}

/**
 * The options both netfilter kits read, one declaration each (option-schema.ts); each kit's options.ts lists the
 * ones it takes. nftables has no `return` default action and no per-kit counters switch for iptables (it counts always).
 */
export const NETFILTER_OPTION_SPECS = {
  chainHook: { name: 'chainHook', type: 'choice', choices: CHAIN_HOOKS, default: 'host', doc: 'host (default), input, output or forward', uses: ['render', 'parse'], placeholder: '<hook>' },
  interface: { name: 'interface', type: 'text', doc: 'the workload-side interface (needed by --chain-hook forward)', uses: ['render', 'parse'], placeholder: '<name>' },
  outsideInterface: { name: 'outsideInterface', type: 'text', doc: 'forward view: the interface on the far side of the router', uses: ['parse'], placeholder: '<name>' },
  fqdn: { name: 'fqdn', type: 'choice', choices: ['none', 'dnsmasq'], default: 'none', doc: 'none (default: host names are reported lost) or dnsmasq', uses: ['render'], placeholder: '<mode>' },
  log: { name: 'log', type: 'boolean', doc: 'log what falls through to the default action', uses: ['render'] },
  counters: { name: 'counters', type: 'boolean', doc: 'a counter on every rule', uses: ['render'] },
  defaultAction: { name: 'defaultAction', type: 'choice', choices: ['drop', 'return'], default: 'drop', doc: 'drop (default) or return to the host rules', uses: ['render'], placeholder: '<action>' },
  fullTable: {
    name: 'fullTable',
    type: 'boolean',
    doc: "iptables: the files replace the host's whole filter table (capirca style); default: tagwall's own chains, loaded with --noflush",
    uses: ['render'],
  },
  platformFlows: {
    name: 'platformFlows',
    type: 'choice',
    choices: PLATFORM_FLOW_CHOICES,
    default: 'azure',
    doc: 'azure (default: host chains also accept the flows an Azure VM needs, see docs/targets/linux.md) or none; check reports them apart',
    uses: ['render', 'parse'],
    placeholder: '<platform>',
  },
  rates: {
    name: 'rates',
    type: 'choice',
    choices: RATE_READINGS,
    default: 'refuse',
    doc: 'a rate limit whose verdict the traffic decides: refuse (default), under (read as below every rate) or over',
    uses: ['parse'],
    placeholder: '<reading>',
  },
  nat: {
    name: 'nat',
    type: 'choice',
    choices: ['refuse', 'filter-view'],
    default: 'refuse',
    doc: 'a saved nat table: refuse (default) or filter-view (the filter chains judged on the rewritten addresses)',
    uses: ['parse'],
    placeholder: '<mode>',
  },
} as const satisfies Readonly<Record<string, OptionSpec>>;

export interface NetfilterOptions {
  /** `host` (default): inbound requirements on INPUT, outbound on OUTPUT; `input`/`output`: one side only; `forward`: a router. */
  readonly chainHook: ChainHook;
  /** The workload-side interface; needed by `forward`, where it tells outbound (`-i IF`) from inbound (`-o IF`). */
  readonly interface: string | undefined;
  /**
   * Parsing with `forward`: the interface the other side of the router uses (outbound leaves by it, inbound arrives
   * by it). Only needed when rules name interfaces other than `interface`.
   */
  readonly outsideInterface: string | undefined;
  /** `none` (default): FQDN requirements are reported lost; `dnsmasq`: also emit dnsmasq-fed sets and a config. */
  readonly fqdn: 'none' | 'dnsmasq';
  /** Log what falls through to the default action. */
  readonly log: boolean;
  /** nftables: a `counter` on every rule (iptables counts always). */
  readonly counters: boolean;
  /** `drop` (default): tagwall's chains end the decision; `return`: unmatched packets go back to the host's rules. */
  readonly defaultAction: 'drop' | 'return';
  /**
   * Parsing: `refuse` (default) a nat table with rules; `filter-view` reads the filter table alone, as the forward
   * and input chains see packets (after DNAT, before SNAT/MASQUERADE), and notes each address rewrite.
   */
  readonly nat: 'refuse' | 'filter-view';
  /** Parsing: how a rate limit whose verdict the traffic decides is read (RateReading). */
  readonly rates: RateReading;
  /** `azure` (default): host chains also accept the Azure platform flows (platform.ts); `none`: the requirements only. */
  readonly platformFlows: PlatformFlows;
  /**
   * iptables: `true` makes the restore files the host's whole filter table (built-in chains declared, plain
   * `iptables-restore`); `false` (default) loads only tagwall's chains and their jumps with `--noflush`.
   */
  readonly fullTable: boolean;
}

function invalid(target: string, message: string): TagwallError {
  return new TagwallError('TW_INVALID_OPTION', `target ${target}: ${message}`);
}

function choice<T extends string>(options: TargetOptionValues, key: string, allowed: readonly T[], fallback: T, target: string): T {
  const value = options[key];
  if (value === undefined || value === false || value === '') return fallback;
  const text = String(value).trim().toLowerCase();
  if (!(allowed as readonly string[]).includes(text)) throw invalid(target, `${key} must be one of ${allowed.join(', ')}, not '${String(value)}'`);
  return text as T;
}

/** Interface names: at most 15 bytes (IFNAMSIZ 16 with the NUL), no blanks, quotes or slashes. */
const INTERFACE_NAME = /^[A-Za-z0-9_.:@+-]{1,15}$/;

export function netfilterOptions(options: TargetOptionValues, target: string): NetfilterOptions {
  const chainHook = choice(options, 'chainHook', CHAIN_HOOKS, 'host', target);
  const interfaceOption = (key: string): string | undefined => {
    const raw = options[key];
    const name = typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : undefined;
    if (name !== undefined && !INTERFACE_NAME.test(name)) throw invalid(target, `${key} '${name}' is not an interface name`);
    return name;
  };
  const iface = interfaceOption('interface');
  const outsideInterface = interfaceOption('outsideInterface');
  if (outsideInterface !== undefined && outsideInterface === iface) throw invalid(target, 'outsideInterface must differ from interface');
  if (chainHook === 'forward' && iface === undefined) {
    throw invalid(target, 'chainHook forward needs interface=NAME (the workload-side interface) to tell outbound from inbound');
  }
  // A whole table ends the host's own rules: a RETURN would hand packets to the built-in chains' ACCEPT policy.
  if (options['fullTable'] === true && choice(options, 'defaultAction', ['drop', 'return'] as const, 'drop', target) === 'return') {
    throw invalid(target, "fullTable replaces the host's rules, so defaultAction return would hand every undecided packet to policy ACCEPT; use one or the other");
  }
  return {
    chainHook,
    interface: iface,
    outsideInterface,
    fqdn: choice(options, 'fqdn', ['none', 'dnsmasq'] as const, 'none', target),
    log: booleanOption(options, 'log', target),
    counters: booleanOption(options, 'counters', target),
    defaultAction: choice(options, 'defaultAction', ['drop', 'return'] as const, 'drop', target),
    nat: choice(options, 'nat', ['refuse', 'filter-view'] as const, 'refuse', target),
    rates: choice(options, 'rates', RATE_READINGS, 'refuse', target),
    platformFlows: choice(options, 'platformFlows', PLATFORM_FLOW_CHOICES, 'azure', target),
    fullTable: booleanOption(options, 'fullTable', target),
  };
}
