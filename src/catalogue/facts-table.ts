/**
 * docs/catalogue-facts.md, rendered from facts.ts: one table per article, every fact with its section, the entry
 * or prerequisite that carries it and its status. A test compares the file with this output.
 */
import { ARTICLES, type ArticleKey } from './articles.js';
import { CONFLICTS } from './conflicts.js';
import type { PeerTemplate } from './entries.js';
import { FACTS, type Fact } from './facts.js';

/** A peer template as the fact table writes peers: `Storage.<region>`, `<storage>.file.core.windows.net`. */
export function peerText(peer: PeerTemplate): string {
  if ('tag' in peer) return peer.regional ? `${peer.tag}.<${peer.regional === 'primary' ? 'region' : 'secondary'}>` : peer.tag;
  if ('host' in peer) return peer.host.replaceAll('{region}', '<region>');
  if ('url' in peer) return peer.url;
  if ('compute' in peer) return 'compute subnet';
  if ('privateEndpoints' in peer) return 'private-endpoint subnet';
  if ('dnsServer' in peer) return 'DNS server';
  if ('addresses' in peer) return peer.addresses;
  return `<storage>.${peer.storage}.core.windows.net`;
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function flowText(fact: Fact): string {
  if (!fact.flow) return '(not a flow)';
  const { direction, protocols, ports, peers } = fact.flow;
  return `${direction} ${protocols} ${ports} ${direction === 'out' ? 'to' : 'from'} ${peers.map((peer) => `\`${peer}\``).join(', ')}`;
}

function statusText(fact: Fact): string {
  if (fact.status === 'conflict') return `recorded conflict \`${fact.conflict}\``;
  return fact.status;
}

function noteText(fact: Fact): string {
  const parts: string[] = [];
  if (fact.reason) parts.push(fact.reason);
  if (fact.status === 'conflict') {
    const conflict = CONFLICTS.find((candidate) => candidate.id === fact.conflict);
    if (conflict) parts.push(`Chosen: ${conflict.choice}`);
  }
  if (fact.alsoIn && fact.alsoIn.length > 0) parts.push(`Also in: ${fact.alsoIn.map((ref) => `${ARTICLES[ref.article]}, ${ref.section}`).join('; ')}`);
  return parts.join(' ');
}

export function renderFactTable(facts: readonly Fact[] = FACTS): string {
  const flows = facts.filter((fact) => fact.flow);
  const count = (status: Fact['status']): number => facts.filter((fact) => fact.status === status).length;
  const lines = [
    '# Catalogue fact table',
    '',
    '<!-- Generated from src/catalogue/facts.ts by renderFactTable(); src/catalogue/facts.test.ts checks this file',
    '     (regenerate with: npx vitest run --config scripts/vitest.config.ts src/catalogue/facts.test.ts -u). -->',
    '',
    'Every requirement of the five Azure Machine Learning network articles, as tagwall reads them: what it says (in',
    "tagwall's words), the catalogue entry (a flow, see `tagwall catalog show`) or prerequisite (`--prerequisites`)",
    'that carries it, and its status. Statements repeated in several sections are one row, with the other sections',
    'under "Also in". The test beside the table holds the catalogue to it: a carried flow must be covered by its',
    "entries' protocol, ports and peers, every entry and prerequisite must carry some fact, and each scenario's",
    'defaults carry exactly the facts whose "default in" names it.',
    '',
    `${facts.length} facts: ${flows.length} flow facts and ${facts.length - flows.length} facts that are not flows; ${count('carried')} carried, ${count('conflict')} carried as a recorded conflict, ${count('extension')} documented extensions, ${count('left-out')} deliberately left out.`,
    '',
    'Status: **carried**: an entry or prerequisite states it as the article does; **recorded conflict**: the articles',
    'disagree and the conflict (`tagwall catalog conflicts`) says which reading the entry uses; **left-out**: not',
    'carried, for the reason given; **extension**: not a statement of the articles but needed to make them work, with',
    'the reason.',
  ];
  const articles = Object.keys(ARTICLES) as ArticleKey[];
  for (const article of articles) {
    const rows = facts.filter((fact) => fact.article === article);
    lines.push('', `## ${ARTICLES[article]}`, '', '| id | section | statement | flow | status | carried by | default in | note |', '|---|---|---|---|---|---|---|---|');
    for (const fact of rows) {
      lines.push(
        `| ${[
          `\`${fact.id}\``,
          fact.section,
          fact.statement,
          flowText(fact),
          statusText(fact),
          fact.carriedBy.map((id) => `\`${id}\``).join(', ') || '—',
          fact.defaultIn.join(', ') || '—',
          noteText(fact),
        ]
          .map(cell)
          .join(' | ')} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
