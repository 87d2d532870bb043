/**
 * One rule's conditions while a parser reads it, for iptables and nftables alike: each condition narrows one
 * dimension of the packet model, conditions the model has no dimension for follow fixed rules:
 * - connection state: the model's packets open flows, so they are NEW; a state match holds iff it admits NEW.
 * - interfaces: the model's packets carry none. Loopback never carries them (they cross a real interface); any
 *   other name needs the `interface` option (the interface workload traffic uses), else TW_UNSUPPORTED_CONFIG. On
 *   a router (forward) a name on the outside needs `outsideInterface` as well: the model cannot tell otherwise.
 */
import { TagwallError } from '../../../errors.js';
import { AddressSet } from '../../../model/address-set.js';
import type { IntervalSet } from '../../../model/intervals.js';
import type { Family } from '../../../model/ip.js';
import { PacketSet } from '../../../model/packet-set.js';
import type { Direction } from '../../../model/packet.js';
import type { PortSet, ProtocolSet } from '../../../model/ports.js';
import type { RuleOrigin } from '../../../analysis/rule-set.js';
import { hookDirections, locationOf, type Hook } from './chains.js';
import type { NetfilterOptions } from './options.js';

export interface InterfaceMatch {
  readonly kind: 'in' | 'out';
  readonly name: string;
  readonly negated: boolean;
}

export interface MatchState {
  family?: Family;
  protocols?: ProtocolSet;
  src?: AddressSet;
  dst?: AddressSet;
  srcPorts?: PortSet;
  dstPorts?: PortSet;
  icmp?: IntervalSet;
  /** A condition no packet of the model meets (ESTABLISHED only, a loopback interface). */
  never?: boolean;
  readonly interfaces: InterfaceMatch[];
}

export function emptyMatch(): MatchState {
  return { interfaces: [] };
}

export function narrowProtocols(state: MatchState, protocols: ProtocolSet): void {
  state.protocols = state.protocols ? state.protocols.intersection(protocols) : protocols;
}
export function narrowAddresses(state: MatchState, side: 'src' | 'dst', addresses: AddressSet): void {
  const current = state[side];
  state[side] = current ? current.intersection(addresses) : addresses;
}
export function narrowPorts(state: MatchState, side: 'srcPorts' | 'dstPorts', ports: PortSet): void {
  const current = state[side];
  state[side] = current ? current.intersection(ports) : ports;
}
export function narrowIcmp(state: MatchState, values: IntervalSet): void {
  state.icmp = state.icmp ? state.icmp.intersection(values) : values;
}

/** The states each syntax knows (`-m state -h`, `-m conntrack -h`, `nft describe ct state`). */
const CONNECTION_STATES = {
  state: ['INVALID', 'ESTABLISHED', 'NEW', 'RELATED', 'UNTRACKED'],
  ctstate: ['INVALID', 'ESTABLISHED', 'NEW', 'RELATED', 'UNTRACKED', 'SNAT', 'DNAT'],
  nft: ['invalid', 'established', 'new', 'related', 'untracked'],
} as const;

/**
 * `ct state` / `--ctstate` / `--state`: holds for the model's (NEW) packets iff the list admits NEW. SNAT and DNAT
 * are flags a NEW packet may carry too (the nat table's doing); without NEW in the list they decide the match, and
 * the model does not know them, so that is `fail`ed rather than guessed. A name the syntax lacks is `fail`ed too.
 */
export function narrowConnectionState(
  state: MatchState,
  states: readonly string[],
  negated: boolean,
  syntax: keyof typeof CONNECTION_STATES,
  fail: (message: string) => Error,
): void {
  const known: readonly string[] = CONNECTION_STATES[syntax];
  // iptables reads state names in any case; nft only in its own lower case.
  states = syntax === 'nft' ? states : states.map((name) => name.toUpperCase());
  const unknown = states.filter((name) => !known.includes(name));
  if (unknown.length > 0 || states.length === 0) throw fail(`connection state '${unknown.join(',')}' is not one of ${known.join(', ')}`);
  const admitsNew = states.some((name) => name.toLowerCase() === 'new');
  if (!admitsNew && states.some((name) => name === 'SNAT' || name === 'DNAT')) {
    throw fail('a SNAT/DNAT state match depends on the nat table, which the model does not follow');
  }
  if (admitsNew === negated) state.never = true;
}

function interfaceMatches(pattern: string, name: string): boolean {
  return pattern.endsWith('+') ? name.startsWith(pattern.slice(0, -1)) : pattern === name;
}

/** The directions (of those `hook` judges) a single interface condition admits. */
function interfaceDirections(match: InterfaceMatch, hook: Hook, options: NetfilterOptions, origin: RuleOrigin): readonly Direction[] {
  const judged = hookDirections(options.chainHook, hook);
  let admitted: readonly Direction[];
  if (interfaceMatches(match.name, 'lo')) admitted = [];
  else if (options.interface === undefined) {
    throw new TagwallError(
      'TW_UNSUPPORTED_CONFIG',
      `the rule matches interface '${match.name}', and tagwall's packets carry no interface: pass interface=NAME (the interface workload traffic uses)`,
      { location: locationOf(origin) },
    );
  } else if (hook === 'forward') {
    // A router: outbound enters by the workload interface and leaves by the outside one, inbound the other way round.
    const workload = options.interface;
    admitted = judged.filter((direction) => {
      const name = (match.kind === 'in') === (direction === 'out') ? workload : options.outsideInterface;
      if (name !== undefined) return interfaceMatches(match.name, name);
      // The outside interface is not known: only the workload's own name is known not to be it.
      if (match.name === workload) return false;
      throw new TagwallError(
        'TW_UNSUPPORTED_CONFIG',
        `the rule matches ${match.kind === 'in' ? 'input' : 'output'} interface '${match.name}' on the outside of the router: pass outsideInterface=NAME (the interface the other side uses)`,
        { location: locationOf(origin) },
      );
    });
  } else if (!interfaceMatches(match.name, options.interface)) admitted = [];
  else admitted = judged;
  return match.negated ? judged.filter((direction) => !admitted.includes(direction)) : admitted;
}

/** The packets a finished match admits on `hook`, within the family it is confined to. */
export function matchPackets(state: MatchState, hook: Hook, options: NetfilterOptions, origin: RuleOrigin): PacketSet {
  if (state.never) return PacketSet.EMPTY;
  let directions: readonly Direction[] = hookDirections(options.chainHook, hook);
  for (const match of state.interfaces) {
    const admitted = interfaceDirections(match, hook, options, origin);
    directions = directions.filter((direction) => admitted.includes(direction));
  }
  if (directions.length === 0) return PacketSet.EMPTY;
  const family = state.family ? AddressSet.allOf(state.family) : AddressSet.ALL;
  return PacketSet.of({
    directions,
    ...(state.protocols ? { protocols: state.protocols } : {}),
    src: state.src ? state.src.intersection(family) : family,
    dst: state.dst ? state.dst.intersection(family) : family,
    ...(state.srcPorts ? { srcPorts: state.srcPorts } : {}),
    ...(state.dstPorts ? { dstPorts: state.dstPorts } : {}),
    ...(state.icmp ? { icmp: state.icmp } : {}),
  });
}
