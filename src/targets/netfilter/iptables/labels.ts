/** How reports name the objects of iptables-restore and ipset restore files (Target.labels). */
import { NO_OBJECT } from '../../labels.js';
import type { ArtifactLabeller, ObjectLabel } from '../../target.js';

/** iptables-restore: `-A CHAIN … --comment "req: …"` is rule `req` of CHAIN; `:CHAIN` and `*table` name themselves. */
function iptablesLabel(line: string): ObjectLabel {
  const rule = /^-[AI]\s+(\S+)/.exec(line);
  if (rule) {
    const comment = /--comment\s+(?:"([^"]*)"|(\S+))/.exec(line);
    const id = (comment?.[1] ?? comment?.[2])?.split(':')[0]?.trim();
    return id ? { kind: `rule ${rule[1]}`, name: id } : { kind: 'chain', name: rule[1]! };
  }
  const chain = /^:(\S+)/.exec(line);
  if (chain) return { kind: 'chain', name: chain[1]! };
  const table = /^\*(\S+)/.exec(line);
  return table ? { kind: 'table', name: table[1]! } : NO_OBJECT;
}

/** The first line from `from` on that is not a `#` comment (no copy of the rest of the file per heading). */
function firstLineAfterComments(lines: readonly string[], from: number): string | undefined {
  for (let index = from; index < lines.length; index++) if (!lines[index]!.startsWith('#')) return lines[index];
  return undefined;
}

/**
 * ipset restore: every line of a set's block belongs to that set, including the scratch set it is filled in and
 * swapped from (iptables render.ts: `create X`, `create tw_swap`, `add tw_swap …`, `swap tw_swap X`).
 */
function ipsetLabels(lines: readonly string[]): ObjectLabel[] {
  const swapped = new Set(lines.flatMap((line) => /^swap\s+(\S+)\s+\S+/.exec(line)?.[1] ?? []));
  let current = NO_OBJECT;
  return lines.map((line, index) => {
    const heading = /^#\s*([^\s:]+):/.exec(line);
    if (heading && firstLineAfterComments(lines, index + 1)?.startsWith(`create ${heading[1]} `)) current = { kind: 'set', name: heading[1]! };
    const create = /^create\s+(\S+)/.exec(line);
    if (create && !swapped.has(create[1]!)) current = { kind: 'set', name: create[1]! };
    return line.startsWith('#') && !heading ? NO_OBJECT : current;
  });
}

export const IPTABLES_LABELS: Readonly<Record<string, ArtifactLabeller>> = {
  'iptables-restore': (lines) => lines.map(iptablesLabel),
  'ip6tables-restore': (lines) => lines.map(iptablesLabel),
  ipset: ipsetLabels,
  // dnsmasq lists have no objects (the file is the object) and no braces: brace structure gives every line none.
};
