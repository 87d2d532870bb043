/**
 * Match modules whose verdict no single packet tells, and header fields the model does not carry:
 * - `hashlimit`, `recent` (all but `--set`), `connlimit`: whether they match depends on the traffic before (a
 *   per-key rate, the addresses seen, the connections open), so the rule is read both ways, as `-m limit` is
 *   (MatchState.limited, chains.ts).
 * - `hl` (ip6tables) / `ttl` (iptables): the hop limit, known for some packets only (common/hoplimit.ts).
 * - `rt` (ip6tables): matches only a packet with a routing header (ip6t_rt: no header, no match, `!` included); the
 *   model's packets carry no extension header, so the rule matches none of them.
 * Options are checked as iptables 1.8.9 checks them (each verified with `iptables-restore --test`), and refused with
 * its message: a file the kernel tools reject is not a firewall anyone runs.
 */
import type { Family } from '../../../model/ip.js';
import type { HopLimitCondition, HopLimitOperator } from '../common/hoplimit.js';

type Module = 'hashlimit' | 'recent' | 'connlimit' | 'hl' | 'ttl' | 'rt';

interface OptionSpec {
  readonly module: Module;
  /** Takes a value (the next word). */
  readonly value: boolean;
  readonly invertible: boolean;
}

const option = (module: Module, value: boolean, invertible = false): OptionSpec => ({ module, value, invertible });

const OPTIONS: Readonly<Record<string, OptionSpec>> = {
  '--hashlimit': option('hashlimit', true),
  '--hashlimit-upto': option('hashlimit', true, true),
  '--hashlimit-above': option('hashlimit', true, true),
  '--hashlimit-burst': option('hashlimit', true),
  '--hashlimit-mode': option('hashlimit', true),
  '--hashlimit-name': option('hashlimit', true),
  '--hashlimit-srcmask': option('hashlimit', true),
  '--hashlimit-dstmask': option('hashlimit', true),
  '--hashlimit-htable-size': option('hashlimit', true),
  '--hashlimit-htable-max': option('hashlimit', true),
  '--hashlimit-htable-gcinterval': option('hashlimit', true),
  '--hashlimit-htable-expire': option('hashlimit', true),
  '--hashlimit-rate-interval': option('hashlimit', true),
  '--hashlimit-rate-match': option('hashlimit', false),
  '--set': option('recent', false, true),
  '--rcheck': option('recent', false, true),
  '--update': option('recent', false, true),
  '--remove': option('recent', false, true),
  '--seconds': option('recent', true),
  '--reap': option('recent', false),
  '--hitcount': option('recent', true),
  '--rttl': option('recent', false),
  '--name': option('recent', true),
  '--rsource': option('recent', false),
  '--rdest': option('recent', false),
  '--mask': option('recent', true),
  '--connlimit-upto': option('connlimit', true, true),
  '--connlimit-above': option('connlimit', true, true),
  '--connlimit-mask': option('connlimit', true),
  '--connlimit-saddr': option('connlimit', false),
  '--connlimit-daddr': option('connlimit', false),
  '--hl-eq': option('hl', true, true),
  '--hl-lt': option('hl', true),
  '--hl-gt': option('hl', true),
  '--ttl-eq': option('ttl', true, true),
  '--ttl-lt': option('ttl', true),
  '--ttl-gt': option('ttl', true),
  '--rt-type': option('rt', true, true),
  '--rt-segsleft': option('rt', true, true),
  '--rt-len': option('rt', true, true),
  '--rt-0-res': option('rt', false),
  '--rt-0-addrs': option('rt', true),
  '--rt-0-not-strict': option('rt', false),
};

export const LIMIT_MODULES: ReadonlySet<string> = new Set<Module>(['hashlimit', 'recent', 'connlimit', 'hl', 'ttl', 'rt']);

/** The modules a family's tool has (ip6tables has no `ttl`, iptables no `hl` or `rt`). */
const FAMILY_MODULES: Readonly<Record<Family, ReadonlySet<Module>>> = {
  ipv4: new Set(['hashlimit', 'recent', 'connlimit', 'ttl']),
  ipv6: new Set(['hashlimit', 'recent', 'connlimit', 'hl', 'rt']),
};

export function isModuleOption(word: string): boolean {
  return word in OPTIONS;
}

/** What a rule's uses of these modules do to its match. */
export interface ModuleEffect {
  /**
   * Whether it matches depends on the traffic before it (chainsToRuleSet reads the rule both ways): `rate` when it
   * matches under the limit (`--hashlimit-upto`, `--connlimit-upto`), `rate over` when over it (`-above`, `recent
   * --rcheck|--update|--remove`, which match an address seen before).
   */
  readonly limited: 'rate' | 'rate over' | undefined;
  /** No packet of the model can match (a routing header test, `! --set`). */
  readonly never: boolean;
  readonly hopLimits: readonly HopLimitCondition[];
}

interface Given {
  readonly value: string | undefined;
  readonly negated: boolean;
}

/** One `-m MODULE` of a rule and the options given to it. */
interface Instance {
  readonly module: Module;
  readonly options: Map<string, Given>;
}

function recentAction(options: Map<string, Given>): string {
  return ['--set', '--rcheck', '--update', '--remove'].find((name) => options.has(name))!;
}

const RATE_UNITS: ReadonlyArray<readonly [string, number]> = [['second', 1], ['minute', 60], ['hour', 3600], ['day', 86400]];
const U32 = 4294967295;

export class ModuleOptions {
  readonly #instances: Instance[] = [];

  constructor(
    private readonly family: Family,
    /** Builds the TW_INVALID_CONFIG error for a message. */
    private readonly invalid: (message: string) => Error,
  ) {}

  /** `-m MODULE`: a new instance; a module the family's tool lacks is refused as the tool refuses it. */
  load(module: string): void {
    if (!LIMIT_MODULES.has(module)) return;
    if (!FAMILY_MODULES[this.family].has(module as Module)) throw this.invalid(`Couldn't load match \`${module}' (${this.family === 'ipv4' ? 'iptables' : 'ip6tables'} has no such match)`);
    this.#instances.push({ module: module as Module, options: new Map() });
  }

  /** Reads one option at `words[at]`; returns the index of its last word. */
  take(words: readonly string[], at: number, negated: boolean): number {
    const name = words[at]!;
    const spec = OPTIONS[name]!;
    const instance = [...this.#instances].reverse().find((candidate) => candidate.module === spec.module);
    if (!instance) throw this.invalid(`unknown option "${name}" (it needs -m ${spec.module} before it)`);
    if (negated && !spec.invertible) throw this.invalid(`${spec.module}: option "${name}" cannot be inverted.`);
    if (instance.options.has(name)) throw this.invalid(`${spec.module}: option "${name}" can only be used once.`);
    const value = spec.value ? words[at + 1] : undefined;
    if (spec.value && value === undefined) throw this.invalid(`${spec.module}: option "${name}" requires an argument`);
    instance.options.set(name, { value, negated });
    return spec.value ? at + 1 : at;
  }

  /** Checks every instance as iptables does once the rule is read, and says what they do to the match. */
  finish(): ModuleEffect {
    let limited: ModuleEffect['limited'];
    // The first limit of the rule names the direction (a rule with two reads as the first says; both are limited).
    const limit = (over: boolean): void => {
      limited ??= over ? 'rate over' : 'rate';
    };
    let never = false;
    const hopLimits: HopLimitCondition[] = [];
    for (const instance of this.#instances) {
      switch (instance.module) {
        case 'hashlimit':
          limit(this.checkHashlimit(instance.options));
          break;
        case 'recent': {
          const set = this.checkRecent(instance.options);
          // --set adds the address and matches (xt_recent: `ret = !ret` for XT_RECENT_SET); `! --set` never matches.
          if (set) never ||= set.negated;
          else limit(!instance.options.get(recentAction(instance.options))!.negated);
          break;
        }
        case 'connlimit': {
          const given = this.checkExclusive(instance, ['--connlimit-upto', '--connlimit-above'], 'You must specify "--connlimit-above" or "--connlimit-upto".');
          this.checkNumber(instance, given, 0, U32);
          this.checkMask(instance, '--connlimit-mask', 128);
          limit((given === '--connlimit-above') !== instance.options.get(given)!.negated);
          break;
        }
        case 'hl':
        case 'ttl': {
          const label = instance.module === 'hl' ? 'HL' : 'TTL';
          const names = (['eq', 'lt', 'gt'] as const).map((operator) => `--${instance.module}-${operator}`);
          const given = this.checkExclusive(instance, names, `${label} match: You must specify one of \`${names.join("', `")}'`);
          const operator = given.slice(instance.module.length + 3) as HopLimitOperator;
          const value = this.checkNumber(instance, given, 0, 255)!;
          hopLimits.push({ operator, value, negated: instance.options.get(given)!.negated });
          break;
        }
        case 'rt':
          this.checkRoutingHeader(instance.options);
          never = true;
          break;
      }
    }
    return { limited, never, hopLimits };
  }

  /** Exactly one of `names`; returns it. */
  private checkExclusive(instance: Instance, names: readonly string[], missing: string): string {
    const given = names.filter((name) => instance.options.has(name));
    if (given.length === 0) throw this.invalid(missing);
    if (given.length > 1) throw this.invalid(`${instance.module}: option "${given[1]}" cannot be used together with "${given[0]}".`);
    return given[0]!;
  }

  /** An unsigned number (strtoul: decimal, 0x hex or 0 octal) in [min, max], if the option is given. */
  private checkNumber(instance: Instance, name: string, min: number, max: number): number | undefined {
    const text = instance.options.get(name)?.value;
    if (text === undefined) return undefined;
    const value = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : /^0[0-7]+$/.test(text) ? parseInt(text, 8) : /^\d+$/.test(text) ? Number(text) : NaN;
    if (!(value >= min && value <= max)) throw this.invalid(`${instance.module}: bad value for option "${name}", or out of range (${min}-${max}).`);
    return value;
  }

  /** Checks a `hashlimit` instance; returns whether it matches over the rate. */
  /** A prefix length or mask (xtables' "network mask or CIDR"), within what the kernel takes. */
  private checkMask(instance: Instance, name: string, kernelMax: number): void {
    const text = instance.options.get(name)?.value;
    // A dotted (or IPv6) mask: nothing here depends on its value, and iptables-save prints the prefix length anyway.
    if (text === undefined || /^[\d.]+$|:/.test(text) && !/^\d+$/.test(text)) return;
    if (!/^\d+$/.test(text) || Number(text) > 128) {
      throw this.invalid(`${instance.module}: bad value for option "${name}", neither a valid network mask nor valid CIDR (0-128).`);
    }
    if (Number(text) > kernelMax) throw this.invalid(`${instance.module}: ${name} ${text}: the kernel refuses it (RULE_APPEND failed (Invalid argument))`);
  }

  private checkHashlimit(options: Map<string, Given>): boolean {
    const instance: Instance = { module: 'hashlimit', options };
    const rates = ['--hashlimit-upto', '--hashlimit-above', '--hashlimit'].filter((name) => options.has(name));
    if (rates.length === 0) throw this.invalid('You have to specify --hashlimit');
    if (rates.length > 1) throw this.invalid(`hashlimit: option "${rates[1]}" cannot be used together with "${rates[0]}".`);
    const rateOption = rates[0]!;
    const rate = options.get(rateOption)!.value!;
    const parsed = /^(\d+)(b|kb|mb|gb)?(?:\/([a-z]+))?$/i.exec(rate);
    const unit = parsed?.[3] === undefined ? RATE_UNITS[0] : RATE_UNITS.find(([word]) => word.startsWith(parsed[3]!.toLowerCase()));
    if (!parsed || Number(parsed[1]) === 0 || !unit) throw this.invalid(`hashlimit: Bad value for "${rateOption}" option: "${rate}"`);
    // libxt_hashlimit scales a packet rate to 1/1,000,000 s: more than a million a second is "too fast".
    if (parsed[2] === undefined && Number(parsed[1]) / unit[1] > 1_000_000) throw this.invalid(`Rate too fast "${rate}"`);
    const name = options.get('--hashlimit-name')?.value;
    if (name === undefined) throw this.invalid('hashlimit: option "--hashlimit-name" must be specified');
    if (name === '') throw this.invalid('Argument must have a minimum length of 1 characters');
    const mode = options.get('--hashlimit-mode')?.value;
    if (mode !== undefined && mode.split(',').some((part) => part !== '' && !['srcip', 'srcport', 'dstip', 'dstport'].includes(part))) {
      throw this.invalid(`hashlimit: Bad value for "--hashlimit-mode" option: "${mode}"`);
    }
    this.checkNumber(instance, '--hashlimit-burst', 1, 1_000_000);
    // iptables passes an IPv4 mask up to 128, and the kernel refuses more than 32 (EINVAL on load).
    for (const mask of ['--hashlimit-srcmask', '--hashlimit-dstmask']) this.checkMask(instance, mask, this.family === 'ipv4' ? 32 : 128);
    for (const name of ['--hashlimit-htable-size', '--hashlimit-htable-max', '--hashlimit-htable-gcinterval', '--hashlimit-htable-expire']) this.checkNumber(instance, name, 0, U32);
    this.checkNumber(instance, '--hashlimit-rate-interval', 1, U32);
    return (rateOption === '--hashlimit-above') !== options.get(rateOption)!.negated;
  }

  /** Checks a `recent` instance; returns its `--set` when that is its action. */
  private checkRecent(options: Map<string, Given>): Given | undefined {
    const instance: Instance = { module: 'recent', options };
    const action = this.checkExclusive(instance, ['--set', '--rcheck', '--update', '--remove'], "recent: you must specify one of `--set', `--rcheck' `--update' or `--remove'");
    if (options.has('--reap') && !options.has('--seconds')) throw this.invalid('recent: option "--reap" also requires "--seconds".');
    if (action === '--set' && options.has('--rttl')) throw this.invalid('recent: option "--rttl" cannot be used together with "--set".');
    this.checkNumber(instance, '--seconds', 1, U32);
    this.checkNumber(instance, '--hitcount', 0, U32);
    return action === '--set' ? options.get('--set') : undefined;
  }

  private checkRoutingHeader(options: Map<string, Given>): void {
    const instance: Instance = { module: 'rt', options };
    const type = this.checkNumber(instance, '--rt-type', 0, U32);
    for (const name of ['--rt-0-res', '--rt-0-addrs', '--rt-0-not-strict']) {
      if (options.has(name) && type !== 0) throw this.invalid(`\`--rt-type 0' required before \`${name}'`);
    }
    const segments = options.get('--rt-segsleft')?.value;
    if (segments !== undefined && !/^\d+(:\d+)?$/.test(segments)) throw this.invalid(`rt: bad value for option "--rt-segsleft", or out of range (0-4294967295).`);
    this.checkNumber(instance, '--rt-len', 0, U32);
  }
}
