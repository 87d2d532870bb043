/**
 * Options the two netfilter targets share, validated once (TW_INVALID_OPTION). The hook decides which built-in
 * chains tagwall's chains hang from and, for parsing, which packets of the model a chain judges (see hooks.ts).
 */
import { TagwallError } from '../../errors.js';
import type { Direction } from '../../model/packet.js';
import { booleanOption } from '../options.js';
import type { TargetOptionValues } from '../target.js';

export type ChainHook = 'host' | 'input' | 'output' | 'forward';
export const CHAIN_HOOKS: readonly ChainHook[] = ['host', 'input', 'output', 'forward'];

/** The directions tagwall's chains carry under a hook: both, but for `input` (inbound) and `output` (outbound). */
export function hookedDirections(chainHook: ChainHook): Direction[] {
  return (['in', 'out'] as const).filter((direction) => chainHook === 'host' || chainHook === 'forward' || (chainHook === 'input') === (direction === 'in'));
}

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
  return {
    chainHook,
    interface: iface,
    outsideInterface,
    fqdn: choice(options, 'fqdn', ['none', 'dnsmasq'] as const, 'none', target),
    log: booleanOption(options, 'log', target),
    counters: booleanOption(options, 'counters', target),
    defaultAction: choice(options, 'defaultAction', ['drop', 'return'] as const, 'drop', target),
    nat: choice(options, 'nat', ['refuse', 'filter-view'] as const, 'refuse', target),
  };
}
