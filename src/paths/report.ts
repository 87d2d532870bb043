/**
 * The path answer as text, JSON and Markdown: where the flows are delivered, where each part is dropped (hop,
 * rule, the exact boxes, a witness with its verdict at every hop), asymmetric returns with the route that causes
 * them; for a requirements check, each requirement's outcome, the missing and the extra flows.
 */
import { piecesOf } from '../analysis/questions.js';
import type { PacketSet } from '../model/packet-set.js';
import { formatPacket } from '../model/packet.js';
import { escapeMarkdown } from '../text/markdown.js';
import type { PathCheck } from './check.js';
import type { Delivery, Drop, HopSummary, HopVerdict, PathResult } from './engine.js';
import { describeRoute } from './routes.js';

export interface PathQuery {
  readonly topology: string;
  readonly from: string;
  readonly to: string;
  readonly snapshot: string;
}

function boxes(set: PacketSet, limit: number): string[] {
  const lines = set.compact().lines();
  return lines.length <= limit ? lines : [...lines.slice(0, limit), `… ${lines.length - limit} more`];
}

function verdictLine(step: HopVerdict, index: number): string {
  const device = step.device ? ` (${step.device})` : '';
  const rule = step.rule ? `: ${step.rule}${step.ruleText && step.ruleText !== step.rule ? ` — ${step.ruleText}` : ''}` : '';
  return `${index + 1}. ${step.hop}${device}: ${step.action}${rule}  [${formatPacket(step.packet)}]`;
}

function dropLines(drop: Drop, limit: number): string[] {
  return [
    `dropped at ${drop.hop}${drop.device ? ` (${drop.device})` : ''}: ${drop.reason}`,
    ...boxes(drop.packets, limit).map((line) => `  ${line}`),
    `  witness: ${formatPacket(drop.witness)}`,
    ...(drop.asymmetric ? [`  reply: ${formatPacket(drop.asymmetric.reply)} takes ${describeRoute(drop.asymmetric.route)}`] : []),
    ...drop.trail.map((step, index) => `    ${verdictLine(step, index)}`),
  ];
}

function deliveryLines(delivery: Delivery, limit: number): string[] {
  return [
    `delivered to ${delivery.to}:`,
    ...boxes(delivery.packets, limit).map((line) => `  ${line}`),
    ...(delivery.witness ? [`  witness: ${formatPacket(delivery.witness)}`] : []),
    ...(delivery.trail ?? []).map((step, index) => `    ${verdictLine(step, index)}`),
  ];
}

export function pathText(query: PathQuery, result: PathResult, limit = 10): string[] {
  const lines = [`path ${query.from} -> ${query.to} (topology ${query.topology}; snapshot ${query.snapshot})`];
  if (result.flows.isEmpty()) return [...lines, 'no flows: the source and the destination share no packet (check --from, --to, --port and --protocol)'];
  const verdict = result.drops.length === 0 ? 'all delivered' : result.delivered.isEmpty() ? 'nothing delivered' : 'partly delivered';
  lines.push(`${verdict}: ${result.deliveries.length} destination${result.deliveries.length === 1 ? '' : 's'} reached, ${result.drops.length} dropped part${result.drops.length === 1 ? '' : 's'}`);
  lines.push('hops (what each lets through of what reaches it):');
  for (const hop of result.hops) lines.push(`  ${hop.hop}${hop.device ? ` (${hop.device})` : ''}: ${hopVerdict(hop)}`);
  for (const delivery of result.deliveries) lines.push(...deliveryLines(delivery, limit));
  for (const drop of result.drops) lines.push(...dropLines(drop, limit));
  return lines;
}

/** A hop's verdict on the flows that reach it, as a whole. */
function hopVerdict(hop: HopSummary): 'all' | 'none' | 'part' {
  return hop.passed.isEmpty() ? 'none' : hop.passed.equals(hop.entered) ? 'all' : 'part';
}

function packetsJson(set: PacketSet, limit: number): { boxes: string[]; witness?: string } {
  const pieces = piecesOf(set);
  return { boxes: pieces.slice(0, limit).flatMap((piece) => piece.packets.lines()), ...(pieces[0] ? { witness: formatPacket(pieces[0].witness) } : {}) };
}

const stepJson = (step: HopVerdict) => ({ hop: step.hop, kind: step.kind, ...(step.device ? { device: step.device } : {}), packet: formatPacket(step.packet), action: step.action, ...(step.rule ? { rule: step.rule } : {}), ...(step.ruleText ? { ruleText: step.ruleText } : {}) });

function dropJson(drop: Drop, limit: number) {
  return {
    hop: drop.hop,
    kind: drop.kind,
    ...(drop.device ? { device: drop.device } : {}),
    reason: drop.reason,
    ...(drop.rule ? { rule: drop.rule } : {}),
    packets: packetsJson(drop.packets, limit).boxes,
    witness: formatPacket(drop.witness),
    trail: drop.trail.map(stepJson),
    ...(drop.asymmetric ? { asymmetric: { route: describeRoute(drop.asymmetric.route), reply: formatPacket(drop.asymmetric.reply), at: drop.asymmetric.firewall } } : {}),
  };
}

function deliveryJson(delivery: Delivery, limit: number) {
  return { to: delivery.to, packets: packetsJson(delivery.packets, limit).boxes, ...(delivery.witness ? { witness: formatPacket(delivery.witness), trail: (delivery.trail ?? []).map(stepJson) } : {}) };
}

export function pathJson(query: PathQuery, result: PathResult, limit = 10): Record<string, unknown> {
  return {
    topology: query.topology,
    from: query.from,
    to: query.to,
    snapshot: query.snapshot,
    delivered: result.drops.length === 0,
    deliveries: result.deliveries.map((delivery) => deliveryJson(delivery, limit)),
    drops: result.drops.map((drop) => dropJson(drop, limit)),
    hops: result.hops.map((hop) => ({ hop: hop.hop, kind: hop.kind, ...(hop.device ? { device: hop.device } : {}), passes: hopVerdict(hop) })),
  };
}

export function checkText(query: Omit<PathQuery, 'to'>, check: PathCheck, limit = 10): string[] {
  const ok = check.missing.isEmpty() && check.extra.isEmpty();
  const lines = [
    `${ok ? 'ok' : 'differs'}: ${check.requirements} end to end from workload ${check.workload} (topology ${query.topology}; snapshot ${query.snapshot})`,
    ...check.outcomes.map((outcome) => `  ${outcome.requirement.id} (${outcome.requirement.direction}): ${outcome.outcome}${outcome.drops.length > 0 ? ` — ${outcome.drops.map((drop) => `${drop.hop}: ${drop.rule ?? drop.reason}`).join('; ')}` : ''}`),
  ];
  if (!check.missing.isEmpty()) {
    lines.push('missing (required, not delivered end to end):');
    const drops = [...check.outbound.drops, ...(check.inbound?.drops ?? [])].filter((drop) => drop.packets.overlaps(check.missing));
    for (const drop of drops) lines.push(...dropLines(drop, limit).map((line) => `  ${line}`));
  }
  if (!check.extra.isEmpty()) {
    lines.push('extra (delivered end to end, not required):');
    for (const delivery of check.extraDeliveries) lines.push(...deliveryLines(delivery, limit).map((line) => `  ${line}`));
  }
  return lines;
}

export function checkJson(query: Omit<PathQuery, 'to'>, check: PathCheck, limit = 10): Record<string, unknown> {
  const drops = [...check.outbound.drops, ...(check.inbound?.drops ?? [])].filter((drop) => drop.packets.overlaps(check.missing));
  return {
    ok: check.missing.isEmpty() && check.extra.isEmpty(),
    topology: query.topology,
    from: query.from,
    snapshot: query.snapshot,
    requirements: check.requirements,
    outcomes: check.outcomes.map((outcome) => ({ id: outcome.requirement.id, direction: outcome.requirement.direction, outcome: outcome.outcome, ...(outcome.drops.length > 0 ? { droppedAt: outcome.drops.map((drop) => ({ hop: drop.hop, rule: drop.rule ?? null, witness: formatPacket(drop.witness) })) } : {}) })),
    missing: { ...packetsJson(check.missing, limit), drops: drops.map((drop) => dropJson(drop, limit)) },
    extra: { ...packetsJson(check.extra, limit), deliveries: check.extraDeliveries.map((delivery) => deliveryJson(delivery, limit)) },
  };
}

const cell = (text: string): string => escapeMarkdown(text);

function trailTable(trail: readonly HopVerdict[]): string[] {
  return ['| # | hop | device | verdict | rule or route | packet as the hop sees it |', '|---|---|---|---|---|---|', ...trail.map((step, index) => `| ${index + 1} | ${cell(step.hop)} | ${cell(step.device ?? '')} | ${step.action} | ${cell(step.rule ?? '')} | \`${formatPacket(step.packet)}\` |`)];
}

export function pathMarkdown(query: PathQuery, result: PathResult, limit = 10): string {
  const lines = [`# Path ${cell(query.from)} → ${cell(query.to)}`, '', `Topology ${cell(query.topology)}, snapshot ${cell(query.snapshot)}.`, ''];
  for (const delivery of result.deliveries) {
    lines.push(`## Delivered to ${cell(delivery.to)}`, '', ...boxes(delivery.packets, limit).map((line) => `- \`${line}\``), '');
    if (delivery.witness) lines.push(`Witness \`${formatPacket(delivery.witness)}\`:`, '', ...trailTable(delivery.trail ?? []), '');
  }
  for (const drop of result.drops) {
    lines.push(`## Dropped at ${cell(drop.hop)}`, '', `${cell(drop.reason)}.`, '', ...boxes(drop.packets, limit).map((line) => `- \`${line}\``), '', `Witness \`${formatPacket(drop.witness)}\`:`, '', ...trailTable(drop.trail), '');
    if (drop.asymmetric) lines.push(`The reply \`${formatPacket(drop.asymmetric.reply)}\` takes ${cell(describeRoute(drop.asymmetric.route))}.`, '');
  }
  return `${lines.join('\n')}\n`;
}

export function checkMarkdown(query: Omit<PathQuery, 'to'>, check: PathCheck, limit = 10): string {
  const lines = [
    `# ${cell(check.requirements)} end to end from ${cell(check.workload)}`,
    '',
    `Topology ${cell(query.topology)}, snapshot ${cell(query.snapshot)}: ${check.missing.isEmpty() && check.extra.isEmpty() ? 'every required flow is delivered, nothing more' : 'differs'}.`,
    '',
    '| requirement | direction | outcome | dropped at |',
    '|---|---|---|---|',
    ...check.outcomes.map((outcome) => `| ${cell(outcome.requirement.id)} | ${outcome.requirement.direction} | ${outcome.outcome} | ${cell(outcome.drops.map((drop) => `${drop.hop}: ${drop.rule ?? drop.reason}`).join('; '))} |`),
    '',
  ];
  for (const drop of [...check.outbound.drops, ...(check.inbound?.drops ?? [])].filter((candidate) => candidate.packets.overlaps(check.missing))) {
    lines.push(`## Missing: dropped at ${cell(drop.hop)}`, '', `${cell(drop.reason)}.`, '', ...boxes(drop.packets, limit).map((line) => `- \`${line}\``), '', ...trailTable(drop.trail), '');
  }
  for (const delivery of check.extraDeliveries) {
    lines.push(`## Extra: delivered to ${cell(delivery.to)}`, '', ...boxes(delivery.packets, limit).map((line) => `- \`${line}\``), '', ...trailTable(delivery.trail ?? []), '');
  }
  return `${lines.join('\n')}\n`;
}
