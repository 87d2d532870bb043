/**
 * The path answer as one self-contained HTML page: each witness drawn as a row of hops (device, verdict, rule) ending
 * where it is delivered or dropped, for a reader who would rather look than read. Inline CSS only and a
 * Content-Security-Policy that forbids fetching anything (as src/reports/html.ts); every input string escaped.
 */
import type { PacketSet } from '../model/packet-set.js';
import { formatPacket, type Packet } from '../model/packet.js';
import { escapeHtml, htmlDocument } from '../text/html.js';
import type { PathCheck } from './check.js';
import type { Delivery, Drop, HopVerdict, PathResult } from './engine.js';
import type { PathQuery } from './report.js';

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #1b1f24; }
h1 { font-size: 1.3em; } h2 { font-size: 1.05em; margin-top: 1.6em; }
code, .packet { font-family: ui-monospace, monospace; font-size: 12px; }
ol.hops { display: flex; flex-wrap: wrap; align-items: stretch; list-style: none; padding: 0; gap: 0 1.6em; }
ol.hops li { position: relative; border: 2px solid #8c959f; border-radius: 6px; padding: .4em .6em; margin: .3em 0; max-width: 16em; background: #f6f8fa; }
ol.hops li:not(:last-child)::after { content: '\\2192'; position: absolute; right: -1.35em; top: 35%; color: #57606a; font-weight: bold; }
ol.hops li.verdict-allow, ol.hops li.verdict-forward { border-color: #1a7f37; background: #dafbe1; }
ol.hops li.verdict-deny, ol.hops li.verdict-drop { border-color: #cf222e; background: #ffebe9; }
ol.hops li.end-delivered { border-color: #0969da; background: #ddf4ff; }
.hop-name { font-weight: 600; } .device, .rule { display: block; font-size: 12px; color: #57606a; overflow-wrap: anywhere; }
ul.boxes { font-family: ui-monospace, monospace; font-size: 12px; }
`;

function page(title: string, body: readonly string[]): string {
  return htmlDocument({ title, style: STYLE, body: [`<h1>${escapeHtml(title)}</h1>`, ...body] });
}

function hopItem(step: HopVerdict): string {
  return [
    `<li class="hop verdict-${step.action}" data-verdict="${step.action}" title="${escapeHtml(formatPacket(step.packet))}">`,
    `<span class="hop-name">${escapeHtml(step.hop)}</span>`,
    step.device ? `<span class="device">${escapeHtml(step.device)}</span>` : '',
    `<span class="rule">${escapeHtml(step.action)}${step.rule ? `: ${escapeHtml(step.rule)}` : ''}</span>`,
    '</li>',
  ].join('');
}

/** One witness as a row of hops, ending in where it arrives (delivered) or in the hop that dropped it. */
function drawing(witness: Packet, trail: readonly HopVerdict[], end: string | undefined): string[] {
  return [
    `<p>Witness <code class="packet">${escapeHtml(formatPacket(witness))}</code></p>`,
    '<ol class="hops">',
    ...trail.map(hopItem),
    ...(end ? [`<li class="hop end-delivered" data-verdict="delivered"><span class="hop-name">${escapeHtml(end)}</span></li>`] : []),
    '</ol>',
  ];
}

function boxList(set: PacketSet, limit: number): string[] {
  const lines = set.compact().lines();
  return ['<ul class="boxes">', ...lines.slice(0, limit).map((line) => `<li>${escapeHtml(line)}</li>`), ...(lines.length > limit ? [`<li>… ${lines.length - limit} more</li>`] : []), '</ul>'];
}

function deliverySection(delivery: Delivery, heading: string, limit: number): string[] {
  return [`<section class="delivery"><h2>${escapeHtml(heading)} ${escapeHtml(delivery.to)}</h2>`, ...boxList(delivery.packets, limit), ...(delivery.witness ? drawing(delivery.witness, delivery.trail ?? [], delivery.to) : []), '</section>'];
}

function dropSection(drop: Drop, heading: string, limit: number): string[] {
  return [`<section class="drop"><h2>${escapeHtml(heading)} ${escapeHtml(drop.hop)}</h2>`, `<p>${escapeHtml(drop.reason)}</p>`, ...boxList(drop.packets, limit), ...drawing(drop.witness, drop.trail, undefined), '</section>'];
}

export function pathHtml(query: PathQuery, result: PathResult, limit = 10): string {
  return page(`Path ${query.from} → ${query.to}`, [
    `<p>Topology ${escapeHtml(query.topology)}, snapshot ${escapeHtml(query.snapshot)}.</p>`,
    ...result.deliveries.flatMap((delivery) => deliverySection(delivery, 'Delivered to', limit)),
    ...result.drops.flatMap((drop) => dropSection(drop, 'Dropped at', limit)),
  ]);
}

export function checkHtml(query: Omit<PathQuery, 'to'>, check: PathCheck, limit = 10): string {
  const drops = [...check.outbound.drops, ...(check.inbound?.drops ?? [])].filter((drop) => drop.packets.overlaps(check.missing));
  return page(`${check.requirements} end to end from ${check.workload}`, [
    `<p>Topology ${escapeHtml(query.topology)}, snapshot ${escapeHtml(query.snapshot)}: ${check.missing.isEmpty() && check.extra.isEmpty() ? 'every required flow is delivered, nothing more' : 'differs'}.</p>`,
    '<table><thead><tr><th>requirement</th><th>direction</th><th>outcome</th></tr></thead><tbody>',
    ...check.outcomes.map((outcome) => `<tr class="outcome"><td>${escapeHtml(outcome.requirement.id)}</td><td>${outcome.requirement.direction}</td><td>${escapeHtml(outcome.outcome)}</td></tr>`),
    '</tbody></table>',
    ...drops.flatMap((drop) => dropSection(drop, 'Missing: dropped at', limit)),
    ...check.extraDeliveries.flatMap((delivery) => deliverySection(delivery, 'Extra: delivered to', limit)),
  ]);
}
