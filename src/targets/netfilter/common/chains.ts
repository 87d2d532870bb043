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
import type { ChainHook, RateReading } from './options.js';
import { unforwardedPackets } from './hoplimit.js';

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
   * What no packet of the model tells decides whether it matches (a rate limit, quota or dynamic set; TCP flags; a
   * hop limit the model does not know; the host's routes; a mark the sending socket set): see chainsToRuleSet.
   */
  readonly limited?: Limited;
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

  /**
   * `judged`: every packet the hook judges (`PacketSet.of({ directions })`), where a walk of an inet table's base
   * chain starts. A rule's match on the hook lies within it whenever its boxes hold no other direction, and is then
   * its own intersection with it: not built again (six box pairs tested and one box copied for each rule, ~0.5 ms
   * of a cold `shadowed` of the scenario's nft file, issue 22).
   */
  constructor(
    private readonly chains: ReadonlyMap<string, Chain>,
    private readonly judged?: PacketSet,
  ) {}

  /** The rule's packets among `entry`. */
  reached(rule: ChainRule, hook: Hook, entry: PacketSet): PacketSet {
    const match = rule.match(hook);
    return entry === this.judged && withinDirections(match, entry) ? match : match.intersection(entry);
  }

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
      let match = this.reached(rule, hook, entry);
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
          const target = jumpTarget(this.chains, rule.verdict.chain, rule.origin);
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

/**
 * Does `set` lie within `judged`, the set of every packet of some directions (`PacketSet.of({ directions })`)? A box
 * holds only protocols of its port class, as `judged`'s box of that class and family holds all of them with every
 * other value: it lies within `judged` when its directions do.
 */
export function withinDirections(set: PacketSet, judged: PacketSet): boolean {
  const mask = judged.boxes[0]?.directions ?? 0;
  return set.boxes.every((box) => (box.directions & ~mask) === 0);
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
  /** How a rate limit whose verdict the traffic decides is read (options.ts); default `refuse`. */
  readonly rates?: RateReading;
}

/**
 * The rule set the chains amount to for the model's packets under `view`; default deny (nothing else judges).
 * A limited rule (a rate limit, TCP flags of a RELATED/INVALID segment, a hop limit the model does not know) may
 * match or not, which no packet tells. The chains are walked once more with each limited rule free to match or not
 * (MayWalker): a packet that may be allowed and may be denied gets TW_UNSUPPORTED_CONFIG with that packet, rather
 * than a guess; every other packet has one verdict whatever the limited rules do, which the walk with all of them
 * matching gives exactly (a limited reject before a drop policy, a limited log).
 */
export function chainsToRuleSet(input: ChainsToRuleSetInput): RuleSet {
  if (input.rates === 'under' || input.rates === 'over') return readRatesAs(input, input.rates);
  const limited = [...input.chains.values()].flatMap((chain) => chain.rules.filter((rule) => rule.limited));
  const always = chainsToRuleSetExactly(input);
  if (limited.length === 0) return always;
  const witness = PacketSet.bestWitness([undecidedPackets(input)]);
  if (witness) {
    const names = (candidate: ChainRule): boolean => {
      try {
        return JUDGING_HOOKS.some((hook) => candidate.match(hook).has(witness));
      } catch {
        return false; // an interface the options do not name, on a rule the walks did not need
      }
    };
    const rule = limited.find(names) ?? limited[0]!;
    throw new TagwallError('TW_UNSUPPORTED_CONFIG', limitedReason(rule.limited!, formatPacket(witness), allowedPackets(always).has(witness)), {
      location: locationOf(rule.origin),
    });
  }
  // Lines of one file as numbers; of several (iptables with its ip6tables companion) as file:line.
  const files = new Set(limited.map((rule) => rule.origin.file));
  const lines = limited.map((rule) => `${files.size > 1 ? `${rule.origin.file ?? '?'}:` : ''}${rule.origin.line ?? '?'}`).join(', ');
  const note = `rate-limited, TCP-flag or hop-limit rule${limited.length === 1 ? ' (line ' + lines + ') decides' : 's (lines ' + lines + ') decide'} nothing it cannot tell (a rate, quota, dynamic set, the flags of a RELATED or INVALID segment, a hop limit, a route or a socket's mark): every packet gets the same verdict whether it matches or not`;
  return { ...always, notes: [...(always.notes ?? []), note] };
}

/**
 * `rates=under|over`: every rate rule is taken to match as traffic under (or over) its rate makes it, so it decides
 * like any other rule; the rest (TCP flags, hop limits, routes, marks) is read as chainsToRuleSet reads it. The rule
 * set's note names the reading: it is an assumption about the traffic, not something the packet tells.
 */
function readRatesAs(input: ChainsToRuleSetInput, reading: 'under' | 'over'): RuleSet {
  let rated = 0;
  const chains = new Map(
    [...input.chains].map(([name, chain]) => {
      const rules: ChainRule[] = [];
      for (const rule of chain.rules) {
        if (rule.limited !== 'rate' && rule.limited !== 'rate over') {
          rules.push(rule);
          continue;
        }
        rated++;
        // A `rate` rule matches under its rate; a `rate over` one (limit rate over, --hashlimit-above) over it.
        const matches = (rule.limited === 'rate') === (reading === 'under');
        if (matches) {
          const { limited: _reading, ...decided } = rule;
          rules.push(decided);
        }
      }
      return [name, { ...chain, rules }] as const;
    }),
  );
  const ruleSet = chainsToRuleSet({ ...input, chains, rates: 'refuse' });
  if (rated === 0) return ruleSet;
  const note = `rates=${reading}: ${rated} rate-limited rule${rated === 1 ? ' is' : 's are'} read as ${reading === 'under' ? 'below' : 'above'} every rate (${reading === 'under' ? 'the first packets of a fresh source' : 'a flood'}), an assumption about the traffic, not a property of the packet`;
  return { ...ruleSet, notes: [...(ruleSet.notes ?? []), note] };
}

export type Limited = 'rate' | 'rate over' | 'tcp flags' | 'hop limit' | 'route' | 'mark';

/** Why a limited rule's reading decides a packet's verdict, for the refusal (`underAllows`: allowed with every limited rule matching). */
function limitedReason(kind: Limited, packet: string, underAllows: boolean): string {
  switch (kind) {
    case 'rate over':
      return `the rate or count limit decides the verdict of packets such as '${packet}' (${underAllows ? 'allowed over the limit, denied under it' : 'denied over the limit, allowed under it'}); tagwall decides per packet, not per rate`;
    case 'rate':
      return `the rate limit (or quota, or dynamic set) decides the verdict of packets such as '${packet}' (${underAllows ? 'allowed under the rate, denied over it' : 'denied under the rate, allowed over it'}); tagwall decides per packet, not per rate`;
    case 'tcp flags':
      return `the TCP flags of a segment conntrack calls RELATED or INVALID (which the packet model does not carry) decide the verdict of packets such as '${packet}'`;
    case 'hop limit':
      return `the hop limit (TTL) decides the verdict of packets such as '${packet}'; the packet model knows it only for the ICMPv6 link-local messages whose RFCs fix it (neighbour and router discovery, MLD)`;
    case 'route':
      return `the host's routes decide the reverse-path (fib) check of packets such as '${packet}' (${underAllows ? 'allowed when the rule matches, denied when not' : 'denied when the rule matches, allowed when not'}): pass interface=NAME (forward view: outsideInterface=NAME too), the interface those packets arrive on and the host routes their sources through`;
    case 'mark':
      return `the packet mark a sending socket may set (SO_MARK, as WireGuard's does) decides the verdict of packets such as '${packet}'`;
  }
}

/** The chain a jump or goto names: one the config defines, and not a base chain (the kernel refuses both too). */
function jumpTarget(chains: ReadonlyMap<string, Chain>, name: string, origin: RuleOrigin): Chain {
  const target = chains.get(name);
  if (!target) throw new TagwallError('TW_INVALID_CONFIG', `jump to chain '${name}', which the config does not define`, { location: locationOf(origin) });
  if (target.base) throw new TagwallError('TW_INVALID_CONFIG', `jump to base chain '${target.name}'`, { location: locationOf(origin) });
  return target;
}

/**
 * The packets the chains may allow and may deny when each limited rule may match or not, independently: a packet
 * may reach a rule unless an earlier rule that is not limited decides it; a limited rule then may decide it or let
 * it go on. Exact for rules reached once; a limited rule reached by two jumps is taken as two (its one rate could
 * not match at one and not at the other), which can only add refusals, never hide a verdict the rate decides.
 */
class MayWalker {
  mayAllow = PacketSet.EMPTY;
  mayDeny = PacketSet.EMPTY;

  constructor(private readonly chains: ReadonlyMap<string, Chain>) {}

  private decide(action: Action, packets: PacketSet): void {
    if (action === 'allow') this.mayAllow = this.mayAllow.union(packets);
    else this.mayDeny = this.mayDeny.union(packets);
  }

  /** Walks `chain` for `entry`; returns the packets that may leave it to carry on in the caller. */
  walk(chain: Chain, entry: PacketSet, hook: Hook, base: BaseChain, depth: number): PacketSet {
    // chainsToRuleSetExactly has walked the same jumps and refused cycles; this bound only stops a walk it did not take.
    if (depth > MAX_DEPTH) throw new TagwallError('TW_INVALID_CONFIG', `chain ${chain.name} nests more than ${MAX_DEPTH} jumps deep`, { location: locationOf(chain.origin) });
    let reach = entry;
    let returned = PacketSet.EMPTY;
    const returnFrom = (packets: PacketSet): void => {
      if (chain.base) this.decide(actionOf(base.policy), packets);
      else returned = returned.union(packets);
    };
    for (const rule of chain.rules) {
      const match = rule.match(hook).intersection(reach);
      if (match.isEmpty()) continue;
      const settles = rule.limited === undefined;
      switch (rule.verdict.kind) {
        case 'accept':
        case 'drop':
          this.decide(rule.verdict.kind === 'accept' ? 'allow' : 'deny', match);
          if (settles) reach = reach.difference(match);
          break;
        case 'return':
          returnFrom(match);
          if (settles) reach = reach.difference(match);
          break;
        case 'continue':
          break;
        case 'jump':
        case 'goto': {
          const target = jumpTarget(this.chains, rule.verdict.chain, rule.origin);
          const back = this.walk(target, match, hook, base, depth + 1);
          if (rule.verdict.kind === 'goto') returnFrom(back);
          if (settles) reach = reach.difference(match).union(rule.verdict.kind === 'jump' ? back : PacketSet.EMPTY);
          break;
        }
      }
    }
    returnFrom(reach);
    return returned;
  }
}

/** The judged packets some combination of limited rules allows and another denies. */
function undecidedPackets(input: ChainsToRuleSetInput): PacketSet {
  let undecided = PacketSet.EMPTY;
  for (const hook of JUDGING_HOOKS) {
    const directions = hookDirections(input.view, hook);
    if (directions.length === 0) continue;
    const judged = PacketSet.of({ directions });
    let mayDeny = PacketSet.EMPTY;
    let mayAllow = judged;
    for (const chain of input.chains.values()) {
      if (chain.base?.hook !== hook) continue;
      const scope = chain.base.scope.intersection(judged);
      const walker = new MayWalker(input.chains);
      walker.walk(chain, scope, hook, chain.base, 0);
      // Every base chain that sees a packet has to accept it (as in chainsToRuleSetExactly).
      mayDeny = mayDeny.union(walker.mayDeny);
      mayAllow = mayAllow.intersection(walker.mayAllow.union(judged.difference(scope)));
    }
    undecided = undecided.union(mayAllow.intersection(mayDeny));
  }
  return undecided;
}

function chainsToRuleSetExactly(input: ChainsToRuleSetInput): RuleSet {
  const rules: Rule[] = [];
  const bases = [...input.chains.values()].filter((chain) => chain.base !== undefined);
  for (const hook of JUDGING_HOOKS) {
    const directions = hookDirections(input.view, hook);
    if (directions.length === 0) continue;
    const judged = PacketSet.of({ directions });
    if (hook === 'forward') {
      const unforwarded = judged.intersection(unforwardedPackets());
      rules.push({ id: 'forward:hop-limit-1', action: 'deny', match: unforwarded, origin: { text: 'not forwarded: an ICMPv6 message with hop limit 1 (MLD, multicast router discovery) dies at the router before the forward hook' } });
    }
    const onHook = bases
      .filter((chain) => chain.base!.hook === hook)
      .sort((a, b) => a.base!.priority - b.base!.priority)
      .map((chain) => {
        // An inet table sees every packet: its scope is `judged` itself, not an equal copy (which made the
        // difference below a full subtraction instead of nothing).
        const scope = chain.base!.scope === PacketSet.ALL ? judged : chain.base!.scope.intersection(judged);
        const inliner = new Inliner(input.chains, judged);
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
    const unseen = seen === judged ? PacketSet.EMPTY : judged.difference(seen);
    if (!unseen.isEmpty()) rules.push({ id: `${hook}:no-chain`, action: input.unseen, match: unseen, origin: { text: `no base chain on ${hook}` } });
  }
  // A view of one hook says nothing of the other: its new packets count as denied, its replies (what the judged
  // chain's connections send back) as passing, as they do on a host whose other chain accepts replies.
  const unjudged = PacketSet.of({ directions: DIRECTIONS.filter((direction) => !JUDGING_HOOKS.some((hook) => hookDirections(input.view, hook).includes(direction))) });
  const replies = REPLIES.intersection(unjudged);
  if (!replies.isEmpty()) rules.push({ id: 'unjudged:replies', action: 'allow', match: replies, origin: { text: `replies in the direction the ${input.view} view does not judge` } });
  return { name: input.name, rules, defaultAction: 'deny', mode: 'expanded', states: 'explicit', ...(input.notes?.length ? { notes: input.notes } : {}) };
}
