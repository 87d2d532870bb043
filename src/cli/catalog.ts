/** Catalogue commands: `tagwall catalog list|show|conflicts|compare` and `tagwall import-dependencies`. */
import { AZURE_PLATFORM_FLOWS } from '../targets/netfilter/common/platform.js';
import { wrap } from './table-fit.js';
import { expandedResolver } from '../analysis/resolve.js';
import {
  CONFLICTS,
  compareRequirementSets,
  conflictsOfScenario,
  importDependencies,
  requirementsToData,
  requirementsToJson,
  requirementsToYaml,
  SCENARIOS,
  formatEndpoint,
  ARTICLES,
  prerequisitesOf,
  type Prerequisite,
  type UncoveredRequirement,
} from '../catalogue/index.js';
import { formatPacket } from '../model/packet.js';
import type { Endpoint, Requirement, RequirementSet } from '../model/requirement.js';
import { parseFormat } from './expand.js';
import { EXIT_DIFFERENT, EXIT_OK, formatTable, toJson, type CliIo, type GlobalOptions } from './io.js';
import { snapshotAgeNotes } from './snapshot-age.js';
import { scenarioFromOptions, type RequirementInputOptions } from './requirements-input.js';
import { selectSnapshot, type SnapshotOptions } from './snapshot-source.js';
import { yamlPackage } from '../internal/packages.js';

import { readConfigText } from './config-text.js';



export function runCatalogList(options: GlobalOptions, io: CliIo): number {
  if (options.json) {
    io.stdout(toJson(SCENARIOS.map(({ id, title, description, legacy, clouds, defaults, options }) => ({ id, title, description, legacy, clouds, defaults, options }))));
    return EXIT_OK;
  }
  const rows = SCENARIOS.map((s) => [s.id, s.clouds.join(','), `${s.title}${s.legacy ? ' (legacy)' : ''}`]);
  io.stdout(formatTable(['SCENARIO', 'CLOUDS', 'TITLE'], rows, io.style?.().width));
  return EXIT_OK;
}

function endpointText(endpoints: readonly Endpoint[]): string {
  return endpoints
    .flatMap(formatEndpoint)
    .map((item) => (typeof item === 'string' ? item : Object.values(item)[0] as string))
    .join(' ');
}

/** The far side of a requirement: where outbound traffic goes, where inbound comes from. */
function peerOf(requirement: Requirement): string {
  return endpointText(requirement.direction === 'out' ? requirement.destinations : requirement.sources);
}

export interface ShowOptions extends RequirementInputOptions, SnapshotOptions, GlobalOptions {
  readonly format?: string;
  readonly prerequisites?: boolean;
}

function prerequisiteData(items: readonly Prerequisite[]): unknown[] {
  return items.map((item) => ({
    id: item.id,
    kind: item.kind,
    subject: item.subject,
    setting: item.setting,
    ...(item.privateEndpoint ? { privateEndpoint: { ...item.privateEndpoint, dnsZones: [...item.privateEndpoint.dnsZones] } } : {}),
    ...(item.routes ? { routes: item.routes.map((route) => ({ ...route })) } : {}),
    ...(item.flows.length > 0 ? { flows: [...item.flows] } : {}),
    ...(item.conditions.length > 0 ? { conditions: [...item.conditions] } : {}),
    provenance: item.provenance.map((p) => ({ ...p })),
  }));
}

function prerequisiteRows(items: readonly Prerequisite[]): string[][] {
  return items.map((item) => [
    item.id,
    item.kind,
    item.subject,
    [
      item.setting,
      item.privateEndpoint ? `${item.privateEndpoint.resourceType}/${item.privateEndpoint.subresource}; DNS zones: ${item.privateEndpoint.dnsZones.join(', ')}` : '',
      item.routes ? `routes: ${item.routes.map((route) => `${route.addressPrefix} -> ${route.nextHopType}${route.nextHopIpAddress ? ` ${route.nextHopIpAddress}` : ''}`).join(', ')}` : '',
      item.flows.length > 0 ? `flows: ${item.flows.join(', ')}` : '',
      item.conditions.length > 0 ? `when: ${item.conditions.join('; ')}` : '',
    ]
      .filter((part) => part !== '')
      .join(' | '),
    item.provenance.map((p) => `${p.article}, ${p.section}`).join('; '),
  ]);
}

function runPrerequisitesShow(built: ReturnType<typeof scenarioFromOptions>, format: 'table' | 'yaml' | 'json' | 'md', io: CliIo): number {
  const items = prerequisitesOf(built);
  const data = { scenario: built.scenario.id, region: built.params.region, cloud: built.params.cloud, prerequisites: prerequisiteData(items) };
  if (format === 'json') io.stdout(toJson(data));
  else if (format === 'yaml') io.stdout(yamlPackage().stringify(data, { lineWidth: 0 }));
  else if (format === 'md') {
    const lines = [
      `## Prerequisites of ${built.scenario.id} (${built.params.region}, ${built.params.cloud})`,
      '',
      '| id | kind | subject | setting | source |',
      '|---|---|---|---|---|',
      ...prerequisiteRows(items).map((row) => `| ${row.map(markdownCell).join(' | ')} |`),
    ];
    io.stdout(`${lines.join('\n')}\n`);
  } else {
    io.stdout(`${built.scenario.id} (${built.params.region}, ${built.params.cloud}): ${items.length} prerequisites\n\n${formatTable(['ID', 'KIND', 'SUBJECT', 'SETTING', 'SOURCE'], prerequisiteRows(items), io.style?.().width)}`);
  }
  return EXIT_OK;
}

export function runCatalogShow(scenario: string, options: ShowOptions, io: CliIo): number {
  const format = parseFormat(options.format, options.json, ['table', 'yaml', 'json', 'md'] as const);
  const built = scenarioFromOptions({ ...options, scenario }, selectSnapshot(options));
  if (options.prerequisites) return runPrerequisitesShow(built, format, io);
  const { requirements, notes } = built;
  if (format === 'yaml') io.stdout(requirementsToYaml(requirements));
  else if (format === 'json') {
    const data = requirementsToData(requirements);
    io.stdout(options.json ? toJson({ scenario: built.scenario.id, params: { ...built.params, subnet: built.params.subnet?.toString(), privateEndpointSubnet: built.params.privateEndpointSubnet?.toString(), dnsServer: built.params.dnsServer?.toString(), firewallAddress: built.params.firewallAddress?.toString() }, notes: [...notes, ...snapshotAgeNotes()], ...data }) : requirementsToJson(requirements));
  } else io.stdout(format === 'md' ? requirementsMarkdown(requirements, notes) : requirementsTable(requirements, notes, io.style?.().width));
  return EXIT_OK;
}

function articleNumbers(set: RequirementSet): Map<string, number> {
  const numbers = new Map<string, number>();
  for (const requirement of set.requirements) {
    for (const { article } of requirement.provenance) if (!numbers.has(article)) numbers.set(article, numbers.size + 1);
  }
  return numbers;
}

function sourceText(requirement: Requirement, numbers: Map<string, number>): string {
  return requirement.provenance.map((p) => `[${numbers.get(p.article)}] ${p.section ?? ''}`.trim()).join('; ');
}

function requirementsTable(set: RequirementSet, notes: readonly string[], width?: number): string {
  const numbers = articleNumbers(set);
  const rows = set.requirements.map((r) => [
    r.id,
    r.direction,
    r.protocols.toString(),
    r.ports.toString(),
    peerOf(r),
    `${r.purpose}${r.conditions.length > 0 ? ` (${r.conditions.join('; ')})` : ''}`,
    sourceText(r, numbers),
  ]);
  let text = `${set.name ?? 'requirements'}: ${set.requirements.length} requirements\n\n`;
  text += formatTable(['ID', 'DIR', 'PROTO', 'PORTS', 'PEER', 'PURPOSE', 'SOURCE'], rows, width);
  text += `\nSources:\n${[...numbers].map(([article, n]) => `  [${n}] ${article}\n`).join('')}`;
  if (notes.length > 0) text += `\nNotes:\n${notes.map((note) => `  - ${note}\n`).join('')}`;
  return text + platformFlowsText(width);
}

/** The flows the Linux targets' host chains accept beyond any scenario's requirements (netfilter/common/platform.ts). */
function platformFlowsText(width?: number): string {
  const lines = [
    'Platform flows (iptables and nftables host chains also accept these; --platform-flows none leaves them out):',
    ...AZURE_PLATFORM_FLOWS.map((flow) => `  platform.${flow.id}: ${flow.summary}`),
  ];
  // On a terminal each line wraps to its width, continuation lines indented under their entry.
  const fitted = width === undefined ? lines : lines.flatMap((line) => wrap(line, width - 4).map((part, index) => (index === 0 ? part : `    ${part}`)));
  return `\n${fitted.join('\n')}\n`;
}

function markdownCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function requirementsMarkdown(set: RequirementSet, notes: readonly string[]): string {
  const numbers = articleNumbers(set);
  const lines = [
    `## ${set.name ?? 'requirements'}`,
    '',
    '| id | direction | protocol | ports | peer | purpose | source |',
    '|---|---|---|---|---|---|---|',
    ...set.requirements.map(
      (r) =>
        `| ${[r.id, r.direction, r.protocols.toString(), r.ports.toString(), `\`${peerOf(r)}\``, r.purpose + (r.conditions.length ? ` (${r.conditions.join('; ')})` : ''), sourceText(r, numbers)].map(markdownCell).join(' | ')} |`,
    ),
    '',
    ...[...numbers].map(([article, n]) => `[${n}] ${article}  `),
    ...(notes.length > 0 ? ['', ...notes.map((note) => `- ${note}`)] : []),
  ];
  return `${lines.join('\n')}\n`;
}

export function runCatalogConflicts(options: GlobalOptions & { scenario?: string }, io: CliIo): number {
  const conflicts = options.scenario === undefined ? CONFLICTS : conflictsOfScenario(options.scenario);
  if (options.json) {
    io.stdout(toJson(conflicts.map((c) => ({ ...c, readings: c.readings.map((r) => ({ ...r, sources: r.sources.map((s) => ({ article: ARTICLES[s.article], section: s.section })) })) }))));
    return EXIT_OK;
  }
  const blocks = conflicts.map((c) =>
    [
      `${c.id}: ${c.subject}`,
      ...c.readings.map((r) => `  - "${r.says}" (${r.sources.map((s) => `${ARTICLES[s.article]}, ${s.section}`).join('; ')})`),
      `  chosen: ${c.choice}`,
      `  why: ${c.reason}`,
    ].join('\n'),
  );
  io.stdout(`${blocks.join('\n\n')}\n`);
  return EXIT_OK;
}

export interface CompareOptions extends RequirementInputOptions, SnapshotOptions, GlobalOptions {
  readonly dependencies: string;
}

function readText(file: string): string {
  return readConfigText(file);
}

function describeUncovered(items: readonly UncoveredRequirement[]): unknown[] {
  return items.map(({ requirement, uncovered }) => ({
    id: requirement.id,
    peer: peerOf(requirement),
    purpose: requirement.purpose,
    witness: formatPacket(uncovered.witness()!),
  }));
}

export function runCatalogCompare(options: CompareOptions, io: CliIo): number {
  const snapshot = selectSnapshot(options);
  const dependencies = importDependencies(readText(options.dependencies), options.dependencies);
  const scenario = scenarioFromOptions(options, snapshot).requirements;
  const comparison = compareRequirementSets(dependencies, scenario, expandedResolver(snapshot));
  const differ = comparison.onlyInA.length + comparison.onlyInB.length > 0;
  const onlyDependencies = describeUncovered(comparison.onlyInA);
  const onlyScenario = describeUncovered(comparison.onlyInB);
  if (options.json) {
    io.stdout(toJson({ dependencies: options.dependencies, scenario: scenario.origin, onlyInDependencies: onlyDependencies, onlyInScenario: onlyScenario }));
  } else {
    const section = (title: string, items: unknown[]): string =>
      `${title}: ${items.length}\n${(items as Array<{ id: string; peer: string; witness: string }>).map((i) => `  ${i.id}  ${i.peer}\n    e.g. ${i.witness}\n`).join('')}`;
    io.stdout(
      `${section(`In ${options.dependencies}, not allowed by ${scenario.origin}`, onlyDependencies)}\n` +
        section(`In ${scenario.origin}, not allowed by ${options.dependencies}`, onlyScenario),
    );
  }
  return differ ? EXIT_DIFFERENT : EXIT_OK;
}

export interface ImportDependenciesOptions extends GlobalOptions {
  readonly format?: string;
  readonly workspace?: string;
  readonly resourceGroup?: string;
  readonly subscription?: string;
  readonly cloud?: string;
  readonly baseUrl?: string;
}

export function runImportDependencies(file: string, options: ImportDependenciesOptions, io: CliIo): number {
  const format = parseFormat(options.format, options.json, ['yaml', 'json'] as const);
  const set = importDependencies(readText(file), file);
  io.stdout(format === 'json' ? requirementsToJson(set) : requirementsToYaml(set));
  return EXIT_OK;
}

/**
 * The same, from the Dependencies API called live (dependencies-live.ts); the URL stands where the file name would.
 * The network code (node:http, https, tls, child_process for az) is imported here, not with the catalogue: `catalog
 * show` and the other catalogue commands never load it (issue 22, ~10 ms of built-in modules).
 */
export async function runImportLiveDependencies(options: ImportDependenciesOptions & { workspace: string }, io: CliIo): Promise<number> {
  const format = parseFormat(options.format, options.json, ['yaml', 'json'] as const);
  const { fetchDependencies } = await import('./dependencies-live.js');
  const { text, url } = await fetchDependencies(options);
  const set = importDependencies(text, url);
  io.stdout(format === 'json' ? requirementsToJson(set) : requirementsToYaml(set));
  return EXIT_OK;
}
