/**
 * The iptables object model rendered as `iptables-restore` / `ip6tables-restore` text and as `ipset restore`
 * commands (targets.md §3.1–3.3).
 */
import type { Family } from '../../../model/ip.js';
import { ICMP, ICMPV6, TCP, UDP } from '../../../model/ports.js';
import type { IcmpEntry } from '../common/icmp.js';
import type { AddressMatch, LoweredRule, NetSet } from '../common/lower.js';
import { iptablesComment, iptablesCommentLine, iptablesQuote } from '../../../text/iptables.js';
import type { CidrBlocks } from '../../../model/cidr-text.js';
import { hookedDirections, type NetfilterOptions } from '../common/options.js';
import { IPTABLES_CHAINS, IPTABLES_LIMITS } from './capabilities.js';

/** Quoting of a restore-file argument: src/text/iptables.ts. */
export const quoteArgument = iptablesQuote;

export function protocolArgument(protocol: number, family: Family): string {
  if (protocol === TCP) return 'tcp';
  if (protocol === UDP) return 'udp';
  if (protocol === ICMP) return 'icmp';
  if (protocol === ICMPV6) return family === 'ipv6' ? 'ipv6-icmp' : '58';
  return String(protocol);
}

function addressArguments(match: AddressMatch, side: 'src' | 'dst'): string[] {
  if (match.kind === 'any') return [];
  if (match.kind === 'prefix') return [side === 'src' ? '-s' : '-d', match.cidr];
  return ['-m', 'set', '--match-set', match.set.name, side];
}

/** Splits port ranges into `multiport` groups of at most 15 slots, a range taking two. */
export function multiportGroups(ranges: ReadonlyArray<readonly [number, number]>): Array<Array<readonly [number, number]>> {
  const groups: Array<Array<readonly [number, number]>> = [];
  let current: Array<readonly [number, number]> = [];
  let slots = 0;
  for (const range of ranges) {
    const size = range[0] === range[1] ? 1 : 2;
    if (slots + size > IPTABLES_LIMITS.multiportSlots) {
      groups.push(current);
      current = [];
      slots = 0;
    }
    current.push(range);
    slots += size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

function portText([first, last]: readonly [number, number]): string {
  return first === last ? String(first) : `${first}:${last}`;
}

/** Port conditions as alternatives: one entry per rule the ports need. */
function portAlternatives(protocol: string, srcPorts: LoweredRule['srcPorts'], dstPorts: LoweredRule['dstPorts']): string[][] {
  const side = (ranges: LoweredRule['srcPorts'], flag: 'sport' | 'dport'): string[][] => {
    if (!ranges) return [[]];
    if (ranges.length === 1) return [['-m', protocol, `--${flag}`, portText(ranges[0]!)]];
    return multiportGroups(ranges).map((group) =>
      group.length === 1 ? ['-m', protocol, `--${flag}`, portText(group[0]!)] : ['-m', 'multiport', `--${flag}s`, group.map(portText).join(',')],
    );
  };
  return side(srcPorts, 'sport').flatMap((source) => side(dstPorts, 'dport').map((destination) => [...source, ...destination]));
}

function icmpAlternatives(family: Family, entries: readonly IcmpEntry[] | undefined): string[][] {
  if (!entries) return [[]];
  return entries.map((entry) => {
    const value = entry.code === undefined ? String(entry.type) : `${entry.type}/${entry.code}`;
    return family === 'ipv4' ? ['-m', 'icmp', '--icmp-type', value] : ['-m', 'icmp6', '--icmpv6-type', value];
  });
}

export interface RenderedRules {
  readonly text: string;
  readonly ruleCount: number;
  readonly splitRequirements: readonly string[];
  readonly cutComments: readonly string[];
}

/** The jumps from the built-in chains into tagwall's (`OUTPUT -j TAGWALL-OUT`, `FORWARD -i eth1 -j TAGWALL-OUT`). */
export function hookJumps(options: NetfilterOptions): string[] {
  return hookedDirections(options.chainHook).map((direction) => {
    const chain = IPTABLES_CHAINS[direction];
    if (options.chainHook === 'forward') return `FORWARD ${direction === 'out' ? '-i' : '-o'} ${options.interface!} -j ${chain}`;
    return `${direction === 'in' ? 'INPUT' : 'OUTPUT'} -j ${chain}`;
  });
}

/** One family's restore file. */
export function renderRestoreFile(family: Family, rules: readonly LoweredRule[], options: NetfilterOptions, header: readonly string[]): RenderedRules {
  const lines = header.map(iptablesCommentLine);
  const ret = options.defaultAction === 'return';
  const directions = hookedDirections(options.chainHook);
  const builtins = options.chainHook === 'forward' ? ['FORWARD'] : directions.map((direction) => (direction === 'in' ? 'INPUT' : 'OUTPUT'));
  lines.push('*filter');
  // Unless fullTable, the file is loaded with --noflush into the host's own rules: their chains and policies are left
  // alone, tagwall's chains are created or flushed (a `:CHAIN` line does that under --noflush), the jumps inserted.
  if (options.fullTable) for (const builtin of builtins) lines.push(`:${builtin} ACCEPT [0:0]`);
  for (const direction of directions) lines.push(`:${IPTABLES_CHAINS[direction]} - [0:0]`);
  for (const jump of hookJumps(options)) lines.push(`${options.fullTable ? '-A' : '-I'} ${jump}`);
  let ruleCount = 0;
  const split = new Set<string>();
  const cut = new Set<string>();
  for (const direction of directions) {
    const chain = IPTABLES_CHAINS[direction];
    if (options.chainHook !== 'forward') lines.push(`-A ${chain} ${direction === 'in' ? '-i' : '-o'} lo -j ACCEPT`);
    lines.push(`-A ${chain} -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`);
    // Packets conntrack can place in no connection (an unsolicited reply or error, a segment out of window).
    lines.push(`-A ${chain} -m conntrack --ctstate INVALID -j DROP`);
    for (const rule of rules) {
      if (rule.family !== family || rule.direction !== direction) continue;
      const protocol = rule.protocol === undefined ? undefined : protocolArgument(rule.protocol, family);
      const base = [...addressArguments(rule.src, 'src'), ...addressArguments(rule.dst, 'dst'), ...(protocol ? ['-p', protocol] : [])];
      const alternatives =
        rule.protocol === TCP || rule.protocol === UDP ? portAlternatives(protocol!, rule.srcPorts, rule.dstPorts) : icmpAlternatives(family, rule.icmp);
      if (alternatives.length > 1 && (rule.srcPorts || rule.dstPorts)) split.add(rule.requirementId);
      const comment = iptablesComment(rule.comment, IPTABLES_LIMITS.commentBytes);
      if (comment.cut) cut.add(rule.requirementId);
      for (const alternative of alternatives) {
        lines.push(['-A', chain, ...base, ...alternative, '-m', 'comment', '--comment', comment.quoted, '-j', 'ACCEPT'].join(' '));
        ruleCount++;
      }
    }
    if (options.log) lines.push(`-A ${chain} -j LOG --log-prefix ${quoteArgument(`tagwall ${direction} ${ret ? 'return' : 'drop'}: `)}`);
    lines.push(`-A ${chain} -j ${ret ? 'RETURN' : 'DROP'}`);
  }
  lines.push('COMMIT');
  return { text: `${lines.join('\n')}\n`, ruleCount, splitRequirements: [...split], cutComments: [...cut] };
}

/** hashsize and maxelem from the data, as capirca sizes them (targets.md §3.3): powers of two ≥ the element count. */
export function setSizes(count: number): { hashsize: number; maxelem: number } {
  let power = 64;
  while (power < count) power *= 2;
  return { hashsize: power, maxelem: Math.max(65536, power) };
}

/** `add` + each block, a line each, as one string (no newline after the last): no string per prefix. */
function addLines(blocks: CidrBlocks, add: string): string {
  return blocks.lines(0, blocks.length, { perLine: 1, lineStart: add, within: '', between: '\n' });
}

/** The scratch set each tagwall set is filled in before it is swapped in; ≤ 31 characters (targets.md §3.3). */
export const IPSET_SWAP_SET = 'tw_swap';

/**
 * `ipset restore` commands creating and filling every set, IPv4 first; loaded before the rules. Restore adds to a
 * set that exists and never removes (targets.md §3.3), so reloading after a snapshot change would keep prefixes a
 * tag no longer holds; each set is therefore filled as a fresh scratch set and swapped in whole (the rules follow
 * the name, the old contents are destroyed), which is also atomic for traffic (IPSM: build a temp set, `swap`).
 */
export function renderIpsets(sets: readonly NetSet[], header: readonly string[]): string {
  const lines = header.map(iptablesCommentLine);
  const ordered = [...sets].sort((a, b) => (a.family === b.family ? 0 : a.family === 'ipv4' ? -1 : 1));
  for (const set of ordered) {
    const count = set.blocks.length;
    const { hashsize, maxelem } = setSizes(count);
    const spec = `hash:net family ${set.family === 'ipv4' ? 'inet' : 'inet6'} hashsize ${hashsize} maxelem ${maxelem}`;
    // dnsmasq fills these at run time (targets.md §3.5): a reload must keep what it has added, so no swap.
    if (set.dnsmasqDomains) {
      lines.push(iptablesCommentLine(`${set.name}: filled by dnsmasq with the addresses of ${set.dnsmasqDomains.join(', ')}`), `create ${set.name} ${spec}`);
      continue;
    }
    lines.push(iptablesCommentLine(`${set.name}: ${set.label}, ${count} prefix${count === 1 ? '' : 'es'}`));
    lines.push(`create ${set.name} ${spec}`, `create ${IPSET_SWAP_SET} ${spec}`, `flush ${IPSET_SWAP_SET}`);
    if (count > 0) lines.push(addLines(set.blocks, `add ${IPSET_SWAP_SET} `));
    lines.push(`swap ${IPSET_SWAP_SET} ${set.name}`, `destroy ${IPSET_SWAP_SET}`);
  }
  return `${lines.join('\n')}\n`;
}
