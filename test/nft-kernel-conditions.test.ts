/**
 * The kernel as the oracle for what the packet model cannot carry (issue 17, nftables side):
 * - `tcp flags`: every form nft accepts is loaded into a namespace, a TCP segment with each of the 256 flag bytes
 *   is sent to each rule's port, and the kernel's verdict must equal the condition tagwall reads from the ruleset
 *   as `nft list ruleset` prints it back and as `nft -j list ruleset` does.
 * - Input nft refuses (`nft -c -f` in a namespace) tagwall refuses as invalid, with nft's reason; the constructs it
 *   models pass `nft -c`.
 * Skipped, with the reason, without root, netfilter tools or python3.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandedResolver } from '../src/analysis/resolve.js';
import { TagwallError } from '../src/errors.js';
import type { Packet } from '../src/model/packet.js';
import { defaultSnapshot } from '../src/servicetags/snapshot.js';
import { emptyMatch, tcpFlagsHold } from '../src/targets/netfilter/common/match.js';
import { parseTcpFlags } from '../src/targets/netfilter/nftables/conditions.js';
import { nftablesTarget } from '../src/targets/netfilter/nftables/index.js';
import { nftJsonToText } from '../src/targets/netfilter/nftables/json.js';
import { tokenize } from '../src/targets/netfilter/nftables/parse.js';
import { HOST, HostPair, kernelVerdicts, probesUnavailable } from './support/kernel-probes.js';
import { Namespace, netnsUnavailable } from './support/netns.js';

const unavailable = netnsUnavailable() ?? probesUnavailable();
const skipNote = unavailable ? ` [skipped: ${unavailable}]` : '';

/** Each form on its own port: 3000 + its index. */
const FORMS = [
  'tcp flags syn',
  'tcp flags syn,ack',
  'tcp flags == syn',
  'tcp flags != syn',
  'tcp flags ! rst',
  'tcp flags { syn, syn|ack, ack }',
  'tcp flags & (fin|syn|rst|ack) == syn',
  'tcp flags & (syn|ack) != syn',
  'tcp flags fin,psh,urg / fin,psh,urg',
  'tcp flags & (ecn|cwr) == 0',
  'tcp flags != { fin, rst }',
];
const RULESET = `table inet tcpflags {\n\tchain i {\n\t\ttype filter hook input priority 0; policy drop;\n${FORMS.map((form, i) => `\t\t${form} tcp dport ${3000 + i} accept`).join('\n')}\n\t}\n}\n`;

/** The tcp flags condition of each `… tcp dport 3000+i accept` line of a listing, by port. */
function conditionsOf(listing: string): Map<number, ReturnType<typeof parseTcpFlags>['condition']> {
  const found = new Map<number, ReturnType<typeof parseTcpFlags>['condition']>();
  for (const line of listing.split('\n')) {
    const port = /tcp dport (\d+)/.exec(line)?.[1];
    if (!port || !line.includes('tcp flags')) continue;
    const tokens = tokenize(line.slice(line.indexOf('tcp flags') + 'tcp flags'.length), 'listing').filter((token) => token.kind !== 'nl');
    found.set(Number(port), parseTcpFlags(tokens, 0, (message) => new TagwallError('TW_INVALID_CONFIG', message)).condition);
  }
  return found;
}

describe.skipIf(unavailable !== undefined)(`nft conditions the model cannot carry, against the kernel${skipNote}`, () => {
  let pair: HostPair;
  beforeAll(() => {
    pair = new HostPair();
  });
  afterAll(() => pair?.delete());

  it(`tcp flags: ${FORMS.length} forms × 256 flag bytes, read back from nft list ruleset and nft -j`, () => {
    pair.host.run('nft', ['-f', pair.host.file('flags.nft', RULESET)]);
    const listed = conditionsOf(pair.host.run('nft', ['list', 'ruleset']));
    const fromJson = conditionsOf(nftJsonToText(pair.host.run('nft', ['-j', 'list', 'ruleset']), 'flags.json').text);
    expect(listed.size).toBe(FORMS.length);
    expect(fromJson.size).toBe(FORMS.length);
    pair.observe();
    const packets: Packet[] = [];
    const flags: number[] = [];
    FORMS.forEach((_, i) => {
      for (let byte = 0; byte < 256; byte++) {
        packets.push({ direction: 'in', protocol: 6, src: '192.0.2.9', dst: HOST.ipv4, srcPort: 10000 + i * 256 + byte, dstPort: 3000 + i });
        flags.push(byte);
      }
    });
    const kernel = kernelVerdicts(pair, packets, flags.map((tcpFlags) => ({ tcpFlags })));
    expect(kernel.some(Boolean) && kernel.some((passed) => !passed)).toBe(true);
    const wrong: string[] = [];
    packets.forEach((packet, index) => {
      for (const [source, conditions] of [['listed', listed], ['json', fromJson]] as const) {
        const condition = conditions.get(packet.dstPort!)!;
        const tagwall = tcpFlagsHold({ ...emptyMatch(), tcpFlags: [condition] }, flags[index]!);
        if (tagwall !== kernel[index]) wrong.push(`${FORMS[packet.dstPort! - 3000]} (${source}) flags=0x${flags[index]!.toString(16)}: kernel ${kernel[index] ? 'accepts' : 'drops'}`);
      }
    });
    expect(wrong.slice(0, 10)).toEqual([]);
  }, 60_000);
});

/** Rules nft refuses, with the reason tagwall must give too. */
const REFUSED: ReadonlyArray<readonly [string, string]> = [
  ['tcp flags syn,foo accept', 'Could not parse TCP flag'],
  ['ct status foo accept', 'Could not parse conntrack status'],
  ['quota 100 parsecs drop', 'Wrong rate format'],
  ['add @nope { ip saddr } drop', 'No such file or directory'],
];
/** Rules tagwall models, which nft must take. */
const TAKEN = [
  'tcp flags != syn / fin,syn,rst,ack ct state new drop',
  'meta nfproto ipv6 fib saddr . mark . iif oif missing drop',
  'ct status dnat accept',
  'meta mark & 0x0000ff00 == 0x00000100 accept',
  'meter m size 1024 { ip saddr limit rate over 5/minute } drop',
  'add @s { ip saddr limit rate over 10/second } drop',
  'update @s { ip saddr } drop',
  'quota over 100 mbytes drop',
  'limit rate over 100 kbytes/second burst 1000 bytes drop',
];
const withRule = (rule: string): string =>
  `table inet t {\n\tset s {\n\t\ttype ipv4_addr\n\t\tflags dynamic\n\t}\n\tchain i {\n\t\ttype filter hook input priority 0; policy accept;\n\t\t${rule}\n\t}\n}\n`;

describe.skipIf(netnsUnavailable() !== undefined)(`nft -c -f and tagwall refuse the same input${netnsUnavailable() ? ` [skipped: ${netnsUnavailable()}]` : ''}`, () => {
  const resolver = expandedResolver(defaultSnapshot('Public'));
  let ns: Namespace;
  beforeAll(() => {
    ns = new Namespace('nftc');
  });
  afterAll(() => ns?.delete());
  const nftCheck = (text: string): string | undefined => {
    try {
      ns.run('nft', ['-c', '-f', ns.file('check.nft', text)]);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  };
  it.each(REFUSED)('refuses %s (nft: %s)', (rule, reason) => {
    expect(nftCheck(withRule(rule))).toBeDefined();
    let refused: unknown;
    try {
      nftablesTarget.parse({ content: withRule(rule), file: 'r.nft' }, { resolver, options: {} });
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(TagwallError);
    expect(refused).toMatchObject({ code: 'TW_INVALID_CONFIG', location: { line: 8 } });
    expect((refused as Error).message).toContain(reason);
  });
  it.each(TAKEN)('nft takes %s', (rule) => {
    expect(nftCheck(withRule(rule))).toBeUndefined();
  });
});
