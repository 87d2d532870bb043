/**
 * From netfilter chains to a first-match rule set, shared by the iptables and nftables parsers. Jumps are inlined
 * (a called chain's rules apply to the packets the jump matched; what falls off its end, or hits RETURN, carries on
 * after the jump, or after a goto ends the calling chain as RETURN would), RETURN in a base chain applies the policy,
 * and the chosen view says which packets of the model each hook judges:
 *   host (default): input judges inbound packets, output outbound ones; forward is not the host's traffic.
 *   input / output: that hook only; the other direction is not judged and counts as denied.
 *   forward: a router; the forward hook judges both directions, the workload-side interface tells them apart.
 * Several base chains on one hook (nftables tables) each have to accept a packet for it to pass (netfilter runs
 * them all; a drop in any is final).
 */
import { TagwallError } from '../../../errors.js';
import { AddressSet } from '../../../model/address-set.js';
import type { Family } from '../../../model/ip.js';
import { PacketSet } from '../../../model/packet-set.js';
import { DIRECTIONS, formatPacket, type Direction } from '../../../model/packet.js';
import { allowedPackets, REPLIES, type Action, type Rule, type RuleOrigin, type RuleSet } from '../../../analysis/rule-set.js';
import type { ChainHook } from './options.js';

export type Hook = 'input' | 'output' | 'forward';

export type Verdict =
  | { readonly kind: 'accept' | 'drop' | 'return' | 'continue' }
  | { readonly kind: 'jump' | 'goto'; readonly chain: string };

export interface ChainRule {
  /** The packets the rule matches when reached from a base chain on `hook` (interface matches depend on it). */
  match(hook: Hook): PacketSet;
  readonly verdict: Verdict;
  readonly origin: RuleOrigin;
  /**
   * What no packet of the model tells decides whether it matches (a rate limit, quota or dynamic set; TCP flags; the
   * host's routes; a mark the sending socket set): see chainsToRuleSet.
   */
  readonly limited?: Limited;
}

export type Limited = 'rate' | 'tcp flags' | 'route' | 'mark';

/** Why a limited rule's reading decides a packet's verdict, for the refusal (`under`: the rule matching it allows it). */
function limitedMessage(limited: Limited, packet: string, under: boolean): string {
  switch (limited) {
    case 'rate':
      return `the rate limit (or quota, or dynamic set) decides the verdict of packets such as '${packet}' (${under ? 'allowed under the rate, denied over it' : 'denied under the rate, allowed over it'}; the other way round for \`limit rate over\`); tagwall decides per packet, not per rate`;
    case 'tcp flags':
      return `the TCP flags of a segment conntrack calls RELATED or INVALID (which the packet model does not carry) decide the verdict of packets such as '${packet}'`;
    case 'route':
      return `the host's routes decide the reverse-path (fib) check of packets such as '${packet}' (${under ? 'allowed when the rule matches, denied when not' : 'denied when the rule matches, allowed when not'}): pass interface=NAME (forward view: outsideInterface=NAME too), the interface those packets arrive on and the host routes their sources through`;
    case 'mark':
      return `the packet mark a sending socket may set (SO_MARK, as WireGuard's does) decides the verdict of packets such as '${packet}'`;
  }
}

export interface BaseChain {
  readonly hook: Hook;
  readonly policy: 'accept' | 'drop';
  readonly priority: number;
  /** The packets this chain can see, e.g. IPv4 only for an iptables table or an nft `ip` table. */
  readonly scope: PacketSet;
}

export interface Chain {
  readonly name: string;
  readonly rules: readonly ChainRule[];
  readonly base?: BaseChain;
  readonly origin: RuleOrigin;
}

/** The packets of one address family: the scope of an iptables table or an nft `ip` / `ip6` table. */
export function familyScope(family: Family): PacketSet {
  return PacketSet.of({ src: AddressSet.allOf(family), dst: AddressSet.allOf(family) });
}

/** The directions of the model each hook judges under a view. */
export function hookDirections(view: ChainHook, hook: Hook): readonly Direction[] {
  switch (view) {
    case 'host':
      return hook === 'input' ? ['in'] : hook === 'output' ? ['out'] : [];
    case 'input':
      return hook === 'input' ? ['in'] : [];
    case 'output':
      return hook === 'output' ? ['out'] : [];
    case 'forward':
      return hook === 'forward' ? ['in', 'out'] : [];
  }
}

const MAX_DEPTH = 64;
const JUDGING_HOOKS: readonly Hook[] = ['input', 'output', 'forward'];

function actionOf(policy: BaseChain['policy']): Action {
  return policy === 'accept' ? 'allow' : 'deny';
}

class Inliner {
  readonly rules: Rule[] = [];
  #counter = 0;

  constructor(private readonly chains: ReadonlyMap<string, Chain>) {}

  emit(action: Action, match: PacketSet, origin: RuleOrigin, label: string): void {
    if (match.isEmpty()) return;
    this.rules.push({ id: `${label}#${++this.#counter}`, action, match, origin });
  }

  /** Walks `chain` for the packets `entry`; returns nothing, the emitted rules say what was decided. */
  walk(chain: Chain, entry: PacketSet, hook: Hook, base: BaseChain, stack: readonly string[]): void {
    if (stack.length > MAX_DEPTH || stack.includes(chain.name)) {
      throw new TagwallError('TW_INVALID_CONFIG', `chain ${chain.name} jumps back into itself (${[...stack, chain.name].join(' -> ')})`, {
        location: locationOf(chain.origin),
      });
    }
    let returned = PacketSet.EMPTY;
    // RETURN: in a base chain the policy decides, in a called chain the caller carries on with the packets.
    const returnFrom = (match: PacketSet, origin: RuleOrigin, label: string): void => {
      if (chain.base) this.emit(actionOf(base.policy), match, origin, label);
      else returned = returned.union(match);
    };
    for (const rule of chain.rules) {
      let match = rule.match(hook).intersection(entry);
      if (!returned.isEmpty()) match = match.difference(returned);
      if (match.isEmpty()) continue;
      const label = `${chain.name}:${rule.origin.line ?? '?'}`;
      switch (rule.verdict.kind) {
        case 'accept':
          this.emit('allow', match, rule.origin, label);
          break;
        case 'drop':
          this.emit('deny', match, rule.origin, label);
          break;
        case 'return':
          returnFrom(match, rule.origin, label);
          break;
        case 'continue':
          break;
        case 'jump':
        case 'goto': {
          const target = this.chains.get(rule.verdict.chain);
          if (!target) {
            throw new TagwallError('TW_INVALID_CONFIG', `jump to chain '${rule.verdict.chain}', which the config does not define`, {
              location: locationOf(rule.origin),
            });
          }
          if (target.base) {
            throw new TagwallError('TW_INVALID_CONFIG', `jump to base chain '${target.name}'`, { location: locationOf(rule.origin) });
          }
          this.walk(target, match, hook, base, [...stack, chain.name]);
          // goto does not come back: what the called chain leaves undecided ends this chain as RETURN would.
          if (rule.verdict.kind === 'goto') returnFrom(match, rule.origin, label);
          break;
        }
      }
    }
    if (chain.base) this.emit(actionOf(base.policy), entry, chain.origin, `${chain.name}:policy`);
  }
}

/** Where a rule or chain came from, as a TagwallError location. */
export function locationOf(origin: RuleOrigin): { file?: string; line?: number } {
  return { ...(origin.file === undefined ? {} : { file: origin.file }), ...(origin.line === undefined ? {} : { line: origin.line }) };
}

export interface ChainsToRuleSetInput {
  readonly name: string;
  readonly chains: ReadonlyMap<string, Chain>;
  readonly view: ChainHook;
  /** What happens to judged packets no base chain sees: the kernel accepts them (no hook, no verdict). */
  readonly unseen: Action;
  /** Defaults the reader filled in, for the rule set's notes. */
  readonly notes?: readonly string[];
}

/**
 * The rule set the chains amount to for the model's packets under `view`; default deny (nothing else judges).
 * A rate-limited rule matches while the traffic is under (or over) its rate, which no packet tells: the chains are
 * read both ways, with the rule matching every packet it names and matching none. Where the two agree (a limited
 * reject before a drop policy, a limited log) the answer is exact; where they differ, TW_UNSUPPORTED_CONFIG names
 * a packet whose verdict the rate decides, rather than a guess.
 */
export function chainsToRuleSet(input: ChainsToRuleSetInput): RuleSet {
  const limited = [...input.chains.values()].flatMap((chain) => chain.rules.filter((rule) => rule.limited));
  const always = chainsToRuleSetExactly(input);
  if (limited.length === 0) return always;
  // Several limited rules match or not independently. The first rule that matches a packet decides it, so the
  // most a combination allows is with every limited accept matching and no limited drop, the least the other way
  // round; a limited jump, goto or return is taken both ways in each.
  const reading = (accepts: boolean, others: boolean): RuleSet => {
    const on = (rule: ChainRule): boolean => !rule.limited || (rule.verdict.kind === 'accept' ? accepts : rule.verdict.kind === 'drop' ? !accepts : others);
    const chains = new Map([...input.chains].map(([name, chain]) => [name, { ...chain, rules: chain.rules.filter(on) }]));
    return chainsToRuleSetExactly({ ...input, chains });
  };
  const mixed = limited.some((rule) => rule.verdict.kind !== 'accept' && rule.verdict.kind !== 'drop');
  const allowed = [true, false].flatMap((accepts) => (mixed ? [true, false] : [true]).map((others) => allowedPackets(reading(accepts, others))));
  const most = allowed.reduce((union, set) => union.union(set));
  const least = allowed.reduce((both, set) => both.intersection(set));
  const witness = PacketSet.bestWitness([most.difference(least)]);
  const lines = limited.map((rule) => rule.origin.line ?? '?').join(', ');
  if (witness) {
    // The limited rule that names the packet (the first one, if none can say), and what matching it does.
    const names = (rule: ChainRule): boolean =>
      JUDGING_HOOKS.some((hook) => {
        try {
          return rule.match(hook).has(witness);
        } catch {
          return false; // a rule no chain on that hook can reach (nft fib on output)
        }
      });
    const culprit = limited.find(names) ?? limited[0]!;
    throw new TagwallError('TW_UNSUPPORTED_CONFIG', limitedMessage(culprit.limited!, formatPacket(witness), culprit.verdict.kind !== 'drop'), { location: locationOf(culprit.origin) });
  }
  const note = `rate-limited or TCP-flag rule${limited.length === 1 ? ' (line ' + lines + ') decides' : 's (lines ' + lines + ') decide'} nothing it cannot tell (a rate, quota, dynamic set, the flags of a RELATED or INVALID segment, a route or a socket's mark): every packet gets the same verdict whether it matches or not`;
  return { ...always, notes: [...(always.notes ?? []), note] };
}

function chainsToRuleSetExactly(input: ChainsToRuleSetInput): RuleSet {
  const rules: Rule[] = [];
  const bases = [...input.chains.values()].filter((chain) => chain.base !== undefined);
  for (const hook of JUDGING_HOOKS) {
    const directions = hookDirections(input.view, hook);
    if (directions.length === 0) continue;
    const judged = PacketSet.of({ directions });
    const onHook = bases
      .filter((chain) => chain.base!.hook === hook)
      .sort((a, b) => a.base!.priority - b.base!.priority)
      .map((chain) => {
        const scope = chain.base!.scope.intersection(judged);
        const inliner = new Inliner(input.chains);
        inliner.walk(chain, scope, hook, chain.base!, []);
        return { chain, scope, rules: inliner.rules };
      });
    const seen = onHook.reduce((set, walked) => set.union(walked.scope), PacketSet.EMPTY);
    const overlapping = onHook.some((a, i) => onHook.some((b, j) => j > i && a.chain.base!.scope.overlaps(b.chain.base!.scope)));
    if (!overlapping) {
      // One push per rule: spreading ~120,000 arguments into push() overflows the stack.
      for (const walked of onHook) for (const rule of walked.rules) rules.push(rule);
    } else {
      // Every base chain that sees a packet has to accept it. A packet one drops is decided by that chain's own
      // rules (first match, restricted to what it drops: the first chain in priority order to drop it is named);
      // one they all accept, by the rules of the last chain that sees it (firewalld's filter_INPUT rather than its
      // prerouting chains), so eval names the rule that decides.
      let allowed = seen;
      let decided = PacketSet.EMPTY;
      const restricted = (walked: (typeof onHook)[number], to: PacketSet): void => {
        if (to.isEmpty()) return;
        for (const rule of walked.rules) {
          const match = rule.match.intersection(to);
          if (!match.isEmpty()) rules.push({ ...rule, match });
        }
      };
      for (const walked of onHook) {
        const chainAllows = allowedPackets({ name: walked.chain.name, rules: walked.rules, defaultAction: 'deny', mode: 'expanded', states: 'explicit' });
        const chainDenies = walked.scope.difference(chainAllows);
        allowed = allowed.difference(chainDenies);
        restricted(walked, chainDenies.difference(decided));
        decided = decided.union(chainDenies);
      }
      let credited = PacketSet.EMPTY;
      for (const walked of [...onHook].reverse()) {
        const credit = allowed.intersection(walked.scope).difference(credited);
        restricted(walked, credit);
        credited = credited.union(credit);
      }
    }
    const unseen = judged.difference(seen);
    if (!unseen.isEmpty()) rules.push({ id: `${hook}:no-chain`, action: input.unseen, match: unseen, origin: { text: `no base chain on ${hook}` } });
  }
  // A view of one hook says nothing of the other: its new packets count as denied, its replies (what the judged
  // chain's connections send back) as passing, as they do on a host whose other chain accepts replies.
  const unjudged = PacketSet.of({ directions: DIRECTIONS.filter((direction) => !JUDGING_HOOKS.some((hook) => hookDirections(input.view, hook).includes(direction))) });
  const replies = REPLIES.intersection(unjudged);
  if (!replies.isEmpty()) rules.push({ id: 'unjudged:replies', action: 'allow', match: replies, origin: { text: `replies in the direction the ${input.view} view does not judge` } });
  return { name: input.name, rules, defaultAction: 'deny', mode: 'expanded', states: 'explicit', ...(input.notes?.length ? { notes: input.notes } : {}) };
}
