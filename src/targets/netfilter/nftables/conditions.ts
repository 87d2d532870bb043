/**
 * nft conditions the packet model has no dimension for, read as the kernel decides them for the model's packets:
 * - `tcp flags …` (every form nft 1.0 prints or accepts), decided per connection state by common/match.ts.
 * - `fib saddr [. mark] [. iif] oif missing|exists`, the reverse-path check (firewalld's IPv6 rpfilter): the lookup
 *   asks whether the host routes the packet's source back (through the interface it arrived on, with `iif`). The
 *   `interface` option names the interface workload traffic uses, i.e. the one the host routes the remote addresses
 *   through: for a packet arriving on a named interface the route exists (`missing` false). Where the arrival
 *   interface is not named (no `interface`; the far side of a router without `outsideInterface`) the routes decide,
 *   and the rule is read both ways, as a rate limit is.
 * - `meta mark`: nothing marks an inbound or forwarded packet unless a rule does (a rule that sets a mark is
 *   refused), so its mark is 0; a local socket may set one on what it sends (SO_MARK: WireGuard, Tailscale), so on
 *   output the mark is read both ways.
 */
import { TagwallError } from '../../../errors.js';
import { PacketSet } from '../../../model/packet-set.js';
import type { Direction } from '../../../model/packet.js';
import { hookDirections, locationOf, type ChainRule, type Hook, type Limited } from '../common/chains.js';
import type { NetfilterOptions } from '../common/options.js';

export interface Token {
  /** `elements`: a set's plain element list as its raw text, split when read (see `tokenize`). */
  readonly kind: 'word' | 'string' | '{' | '}' | ',' | ';' | 'nl' | 'elements';
  readonly text: string;
  readonly line: number;
}

type Fail = (message: string, code?: 'TW_INVALID_CONFIG' | 'TW_UNSUPPORTED_CONFIG') => TagwallError;

/** nft's TCP flag names (`nft describe tcp flags`). */
export const TCP_FLAG_NAMES: Readonly<Record<string, number>> = { fin: 0x01, syn: 0x02, rst: 0x04, psh: 0x08, ack: 0x10, urg: 0x20, ecn: 0x40, cwr: 0x80 };

export interface TcpFlagCondition {
  readonly mask: number;
  readonly comparison: number | readonly number[];
  readonly negated: boolean;
}

/** `syn`, `syn|ack`, `(fin|syn|rst|ack)`, `0x12`: one flag value. */
function flagValue(text: string, fail: Fail): number {
  const inner = text.replace(/^\(/, '').replace(/\)$/, '');
  return inner.split('|').reduce((bits, part) => {
    const name = part.trim();
    const bit = TCP_FLAG_NAMES[name] ?? (/^(0x[0-9a-f]+|\d+)$/i.test(name) ? Number(name) : undefined);
    // nft: "Could not parse TCP flag".
    if (bit === undefined || bit > 0xff) throw fail(`'${name}' is not a TCP flag (nft: Could not parse TCP flag)`, 'TW_INVALID_CONFIG');
    return bits | bit;
  }, 0);
}

/**
 * `tcp flags` from `words[at]` (just past `flags`): the condition the kernel evaluates (checked against
 * `nft --debug=netlink`, nft 1.0.6) and where the rule goes on.
 *   `tcp flags syn,ack`            flags & (syn|ack) != 0 (the implicit bitmask match: any of them)
 *   `tcp flags ! syn`              flags & syn == 0
 *   `tcp flags == syn`, `!= syn`   the whole byte equals (differs from) syn
 *   `tcp flags { syn, syn|ack }`   the whole byte is one of them
 *   `tcp flags & (fin|syn) == syn`, `tcp flags syn / fin,syn`: flags & mask == value (or `!=`, or `== { … }`);
 *                                  before `/` a comma list is the bits together (`fin,psh / fin,psh,urg`)
 */
export function parseTcpFlags(words: readonly Token[], at: number, fail: Fail): { condition: TcpFlagCondition; next: number } {
  let i = at;
  const take = (): Token => {
    const token = words[i++];
    if (!token) throw fail('tcp flags: unexpected end of rule', 'TW_INVALID_CONFIG');
    return token;
  };
  /** One flag expression, which may span words: `(fin | syn)`. */
  const expression = (): number => {
    let text = take().text;
    while ((text.split('(').length !== text.split(')').length || text.endsWith('|') || words[i]?.text.startsWith('|')) && words[i]?.kind === 'word') text += take().text;
    return flagValue(text, fail);
  };
  /** A `{ … }` set, or one expression or a comma list; `set` tells which. */
  const valueList = (): { values: number[]; set: boolean } => {
    if (words[i]?.kind === '{') {
      i++;
      const values: number[] = [];
      while (words[i]?.kind !== '}') {
        if (words[i]?.kind === ',') i++;
        else values.push(expression());
      }
      take();
      return { values, set: true };
    }
    const values = [expression()];
    while (words[i]?.kind === ',') {
      i++;
      values.push(expression());
    }
    return { values, set: false };
  };
  if (words[i]?.text === 'vmap' || words[i]?.text === 'map') throw fail(`tcp flags ${words[i]!.text} is not supported`);
  let mask: number | undefined;
  if (words[i]?.text === '&') {
    i++;
    mask = expression();
  }
  const op = ['==', '!=', '!'].includes(words[i]?.text ?? '') ? take().text : undefined;
  const { values, set } = valueList();
  if (words[i]?.text === '/') {
    // `VALUE / MASK` is how nft prints `& MASK == VALUE`.
    if (mask !== undefined || (op !== undefined && op !== '==' && op !== '!=')) throw fail("tcp flags: '/' after a mask or '!'", 'TW_INVALID_CONFIG');
    i++;
    const slashMask = valueList().values.reduce((bits, value) => bits | value, 0);
    // nft prints the value as a comma list too (`fin,psh,urg / fin,psh,urg`): the bits together.
    if (set) throw fail("tcp flags: a { … } set before '/'", 'TW_INVALID_CONFIG');
    const value = values.reduce((bits, bit) => bits | bit, 0);
    return { condition: { mask: slashMask, comparison: value & slashMask, negated: op === '!=' }, next: i };
  }
  if (mask !== undefined) {
    if (op === '!') throw fail("tcp flags: '!' after a mask", 'TW_INVALID_CONFIG');
    const comparison = set || values.length > 1 ? values.map((value) => value & mask!) : values[0]! & mask;
    return { condition: { mask, comparison, negated: op === '!=' }, next: i };
  }
  const all = values.reduce((bits, value) => bits | value, 0);
  if (op === '!') return { condition: { mask: all, comparison: 0, negated: false }, next: i };
  if (op === '==' || op === '!=' || set) {
    return { condition: { mask: 0xff, comparison: set || values.length > 1 ? values : values[0]!, negated: op === '!=' }, next: i };
  }
  return { condition: { mask: all, comparison: 0, negated: true }, next: i };
}

/** `fib saddr [. mark] [. iif] oif|oifname missing|exists|0|!= 0` from just past `fib`: `missing` or `exists`. */
export function parseFib(words: readonly Token[], at: number, fail: Fail): { fib: 'missing' | 'exists'; next: number } {
  let i = at;
  const flags: string[] = [];
  for (;;) {
    const word = words[i++]?.text;
    if (word === undefined) throw fail('fib: unexpected end of rule', 'TW_INVALID_CONFIG');
    flags.push(word);
    if (words[i]?.text !== '.') break;
    i++;
  }
  const result = words[i++]?.text;
  let value = words[i++]?.text;
  // `oif != 0` / `oif 0` (`== 0`): how a hand-written rule may say exists / missing.
  if ((value === '!=' || value === '==') && words[i]?.text === '0') {
    i++;
    value = value === '!=' ? 'exists' : 'missing';
  } else if (value === '0') value = 'missing';
  if (!flags.includes('saddr') || flags.some((flag) => flag !== 'saddr' && flag !== 'mark' && flag !== 'iif') || (result !== 'oif' && result !== 'oifname')) {
    throw fail(`only the reverse-path lookup (fib saddr [. mark] [. iif] oif missing|exists) is modelled, not 'fib ${flags.join(' . ')} ${result ?? ''}'`);
  }
  if (value !== 'missing' && value !== 'exists') throw fail(`fib … ${result}: missing, exists, 0 or != 0 expected, not '${value ?? ''}'`);
  return { fib: value, next: i };
}

/**
 * `meta mark …` from just past `mark`: whether it holds for mark 0. `meta mark set` changes the mark (refused).
 * Forms: `V`, `== V`, `!= V`, `{ V, … }`, `& M == V`, `& M != V`.
 */
export function parseMark(words: readonly Token[], at: number, fail: Fail): { holdsForZero: boolean; next: number } {
  let i = at;
  const number = (): number => {
    const text = words[i++]?.text ?? '';
    if (!/^(0x[0-9a-f]+|\d+)$/i.test(text) || Number(text) > 0xffffffff) throw fail(`'${text}' is not a mark (a 32-bit number)`, 'TW_INVALID_CONFIG');
    return Number(text);
  };
  if (words[i]?.text === 'set') throw fail('a rule that sets the packet mark (which the model does not follow)');
  // `& M`: 0 & M is 0 whatever M is, so the mask only needs to be a number.
  if (words[i]?.text === '&') {
    i++;
    number();
  }
  let negated = false;
  if (words[i]?.text === '!=') {
    negated = true;
    i++;
  } else if (words[i]?.text === '==') i++;
  const values: number[] = [];
  if (words[i]?.kind === '{') {
    i++;
    while (words[i]?.kind !== '}') {
      if (words[i] === undefined) throw fail('meta mark: unterminated { … }', 'TW_INVALID_CONFIG');
      if (words[i]?.kind === ',') i++;
      else values.push(number());
    }
    i++;
  } else values.push(number());
  return { holdsForZero: values.includes(0) !== negated, next: i };
}

/** What `fib` and `meta mark` leave to decide for a rule (undefined: the rule has no such condition). */
export interface PacketConditions {
  fib?: 'missing' | 'exists';
  /** Does the rule's mark condition hold for mark 0? */
  mark?: boolean;
}

type Decision = boolean | Limited;

/** Whether the conditions hold for the model's packets in `direction` reached from a base chain on `hook`. */
function decide(conditions: PacketConditions, hook: Hook, direction: Direction, options: NetfilterOptions): Decision {
  const decisions: Decision[] = [];
  if (conditions.fib) {
    // Outbound packets never reach a fib saddr lookup: the kernel refuses one on output (Operation not supported).
    const arrival = hook === 'forward' && direction === 'in' ? options.outsideInterface : options.interface;
    decisions.push(arrival === undefined ? 'route' : conditions.fib === 'exists');
  }
  if (conditions.mark !== undefined) decisions.push(hook === 'output' ? 'mark' : conditions.mark);
  if (decisions.includes(false)) return false;
  return decisions.find((decision) => decision !== true) ?? true;
}

/**
 * A rule with `fib` or `meta mark` conditions as chain rules: the packets for which they are decided (matching or
 * not), and, where they are not, a rule read both ways (chains.ts) of the kind that says why. `reachedFrom`: the
 * hook of the base chain the rule sits in, if it does.
 */
export function conditionalRules(rule: ChainRule, conditions: PacketConditions, options: NetfilterOptions, reachedFrom?: Hook): ChainRule[] {
  if (conditions.fib === undefined && conditions.mark === undefined) return [rule];
  const directionsWhere = (hook: Hook, wanted: (decision: Decision) => boolean): PacketSet => {
    if (conditions.fib && hook === 'output') {
      throw new TagwallError('TW_INVALID_CONFIG', `fib saddr … oif in a chain on output: the kernel refuses it (Operation not supported): ${rule.origin.text ?? ''}`, {
        location: locationOf(rule.origin),
      });
    }
    return PacketSet.of({ directions: hookDirections(options.chainHook, hook).filter((direction) => wanted(decide(conditions, hook, direction, options))) });
  };
  const decided: ChainRule = { ...rule, match: (hook) => rule.match(hook).intersection(directionsWhere(hook, (decision) => decision === true)) };
  // Which kind of unknown the options leave, if any, on the hook of the rule's base chain (any hook for a chain
  // others jump to; output with fib throws when the chains are walked).
  const hooks = (reachedFrom ? [reachedFrom] : (['input', 'forward', 'output'] as const)).filter((hook) => !(conditions.fib && hook === 'output'));
  const unknown = hooks
    .flatMap((hook) => hookDirections(options.chainHook, hook).map((direction) => decide(conditions, hook, direction, options)))
    .find((decision): decision is Limited => typeof decision === 'string');
  if (unknown === undefined) return [decided];
  const undecided: ChainRule = {
    ...rule,
    match: (hook) => rule.match(hook).intersection(directionsWhere(hook, (decision) => typeof decision === 'string')),
    limited: rule.limited ?? unknown,
  };
  return [decided, undecided];
}
