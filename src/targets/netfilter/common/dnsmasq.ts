/**
 * fqdn=dnsmasq: dnsmasq adds the addresses it resolves for listed domains to existing sets (targets.md §3.5,
 * `--ipset=/<domain>[/<domain>…]/<set>[,<set>…]`, `--nftset` the nftables analogue, in dnsmasq 2.87 and later).
 */
import { iptablesCommentLine } from '../../../text/iptables.js';
import type { DnsmasqEntry } from './lower.js';

/** How the file is used: dnsmasq only adds to sets that exist, so the firewall files are loaded first. */
export const DNSMASQ_USE = 'use: conf-file=/path/to/dnsmasq.conf in dnsmasq (2.87 or later for nftset=), after loading the firewall files; check: dnsmasq --test --conf-file=dnsmasq.conf';

export function renderDnsmasq(entries: readonly DnsmasqEntry[], header: readonly string[], kind: 'ipset' | 'nftset', table: string): string {
  // dnsmasq.conf comments are `#` lines, as in a restore file.
  const lines = header.map(iptablesCommentLine);
  lines.push('# A domain matches itself and every name under it: broader than a `*.suffix` requirement.');
  for (const entry of entries) {
    const domains = entry.domains.map((domain) => `/${domain}`).join('');
    const sets =
      kind === 'ipset'
        ? entry.sets.map((set) => set.name).join(',')
        : entry.sets.map((set) => `${set.family === 'ipv4' ? 4 : 6}#inet#${table}#${set.name}`).join(',');
    lines.push(`${kind}=${domains}/${sets}`);
  }
  return `${lines.join('\n')}\n`;
}
