/** The lowered rules as one `nft -f` file: an `inet` table, interval sets, base chains per hook (targets.md §3.4). */
import type { Family } from '../../../model/ip.js';
import { ICMP, ICMPV6, TCP, UDP } from '../../../model/ports.js';
import { nftComment as sanitizeNftComment, nftCommentLine } from '../../../text/nft.js';
import type { AddressMatch, LoweredRule, NetSet } from '../common/lower.js';
import { hookedDirections, type NetfilterOptions } from '../common/options.js';
import { NFTABLES_CHAINS, NFTABLES_LIMITS, NFTABLES_TABLE } from './capabilities.js';
import type { CidrBlocks } from '../../../model/cidr-text.js';

const FAMILY_KEYWORD: Readonly<Record<Family, string>> = { ipv4: 'ip', ipv6: 'ip6' };

function addressExpression(match: AddressMatch, family: Family, side: 'saddr' | 'daddr'): string[] {
  if (match.kind === 'any') return [];
  return [`${FAMILY_KEYWORD[family]} ${side} ${match.kind === 'prefix' ? match.cidr : `@${match.set.name}`}`];
}

function list(items: readonly string[]): string {
  return items.length === 1 ? items[0]! : `{ ${items.join(', ')} }`;
}

function portList(ranges: ReadonlyArray<readonly [number, number]>): string {
  return list(ranges.map(([first, last]) => (first === last ? String(first) : `${first}-${last}`)));
}

function protocolName(protocol: number): string {
  if (protocol === TCP) return 'tcp';
  if (protocol === UDP) return 'udp';
  if (protocol === ICMP) return 'icmp';
  if (protocol === ICMPV6) return 'ipv6-icmp';
  return String(protocol);
}

/** The statements of one rule; several when ICMP codes of different types need a line each. */
function ruleLines(rule: LoweredRule): string[] {
  const base = [...addressExpression(rule.src, rule.family, 'saddr'), ...addressExpression(rule.dst, rule.family, 'daddr')];
  // With no address to fix the family, an `inet` rule would see both: say which.
  if (base.length === 0) base.push(`meta nfproto ${rule.family}`);
  if (rule.protocol === undefined) return [base.join(' ')];
  if (rule.protocol === TCP || rule.protocol === UDP) {
    const name = protocolName(rule.protocol);
    const parts = [...base];
    if (!rule.srcPorts && !rule.dstPorts) parts.push(`meta l4proto ${name}`);
    if (rule.srcPorts) parts.push(`${name} sport ${portList(rule.srcPorts)}`);
    if (rule.dstPorts) parts.push(`${name} dport ${portList(rule.dstPorts)}`);
    return [parts.join(' ')];
  }
  if (rule.icmp) {
    const keyword = rule.protocol === ICMP ? 'icmp' : 'icmpv6';
    const whole = rule.icmp.filter((entry) => entry.code === undefined).map((entry) => String(entry.type));
    const lines = whole.length > 0 ? [[...base, `${keyword} type ${list(whole)}`].join(' ')] : [];
    for (const entry of rule.icmp) {
      if (entry.code !== undefined) lines.push([...base, `${keyword} type ${entry.type} ${keyword} code ${entry.code}`].join(' '));
    }
    return lines;
  }
  return [[...base, `meta l4proto ${protocolName(rule.protocol)}`].join(' ')];
}

/** A rule comment within nft's 128 bytes; every text passes src/text/nft.ts. */
export function nftComment(text: string): { text: string; cut: boolean } {
  return sanitizeNftComment(text, NFTABLES_LIMITS.commentBytes);
}

/**
 * Blocks `from` to `to` of a set, 8 a line, as an element list's lines at `indent`: one string, its lines joined
 * by newlines (no newline after the last), written from the numbers without a string per prefix.
 */
export function elementLines(blocks: CidrBlocks, from: number, to: number, indent: string): string {
  return blocks.lines(from, to, { perLine: 8, lineStart: indent, within: ', ', between: ',\n' });
}

/** A set declaration with its first `count` elements (all of them, or those split.ts keeps in the main file). */
function setBlock(set: NetSet, count: number = set.blocks.length): string[] {
  const lines = [`\tset ${set.name} {`, `\t\ttype ${set.family === 'ipv4' ? 'ipv4_addr' : 'ipv6_addr'}`, '\t\tflags interval', '\t\tauto-merge'];
  if (count > 0) lines.push('\t\telements = {', elementLines(set.blocks, 0, count, '\t\t\t'), '\t\t}');
  lines.push('\t}');
  return lines;
}

export interface RenderedRuleset {
  readonly text: string;
  readonly ruleCount: number;
  readonly cutComments: readonly string[];
}

export function renderRuleset(
  sets: readonly NetSet[],
  rules: readonly LoweredRule[],
  options: NetfilterOptions,
  header: readonly string[],
  inline?: ReadonlyMap<string, number>,
): RenderedRuleset {
  const lines = header.map(nftCommentLine);
  // Declaring then deleting the table makes reloading the file replace it in one transaction (targets.md §3.4).
  lines.push(`table inet ${NFTABLES_TABLE}`, `delete table inet ${NFTABLES_TABLE}`, '', `table inet ${NFTABLES_TABLE} {`);
  for (const set of sets) lines.push(...setBlock(set, inline?.get(set.name)), '');
  const counter = options.counters ? ' counter' : '';
  let ruleCount = 0;
  const cut = new Set<string>();
  const chains: Array<{ name: string; hook: string; directions: Array<'in' | 'out'> }> =
    options.chainHook === 'forward'
      ? [{ name: NFTABLES_CHAINS.forward, hook: 'forward', directions: ['out', 'in'] }]
      : hookedDirections(options.chainHook).map((direction) => ({
          name: NFTABLES_CHAINS[direction],
          hook: direction === 'in' ? 'input' : 'output',
          directions: [direction],
        }));
  for (const chain of chains) {
    lines.push(`\tchain ${chain.name} {`, `\t\ttype filter hook ${chain.hook} priority filter; policy drop;`);
    if (options.chainHook !== 'forward') lines.push(`\t\t${chain.hook === 'input' ? 'iifname' : 'oifname'} "lo" accept`);
    lines.push('\t\tct state established,related accept', '\t\tct state invalid drop');
    for (const direction of chain.directions) {
      const side = options.chainHook === 'forward' ? `${direction === 'out' ? 'iifname' : 'oifname'} "${options.interface!}" ` : '';
      for (const rule of rules) {
        if (rule.direction !== direction) continue;
        const comment = nftComment(rule.comment);
        if (comment.cut) cut.add(rule.requirementId);
        for (const statement of ruleLines(rule)) {
          lines.push(`\t\t${side}${statement}${counter} accept comment "${comment.text}"`);
          ruleCount++;
        }
      }
    }
    if (options.log) lines.push(`\t\tlog prefix "tagwall ${chain.name} drop: "${counter} drop`);
    else if (options.counters) lines.push('\t\tcounter drop');
    lines.push('\t}');
  }
  lines.push('}');
  return { text: `${lines.join('\n')}\n`, ruleCount, cutComments: [...cut] };
}
