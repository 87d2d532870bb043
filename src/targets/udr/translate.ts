/**
 * Inbound requirements → routes with next hop Internet for their source tags (targets.md §2.5), so the answers
 * of Batch and Azure ML management traffic bypass the firewall. Tags by name (≤ 25 per table), or their prefixes
 * when option `expand` is on (≤ 400 routes per table).
 */
import { endpointAddresses, requirementPackets } from '../../analysis/resolve.js';
import { AddressSet } from '../../model/address-set.js';
import { PacketSet } from '../../model/packet-set.js';
import type { RequirementSet } from '../../model/requirement.js';
import { sortEndpoints } from '../azure-common/endpoints.js';
import { VIRTUAL_TAGS } from '../../servicetags/virtual.js';
import { placementDrafts, placeTags } from '../azure-common/tag-features.js';
import { assertValidTemplate } from '../azure-common/validate.js';
import { NameScope } from '../azure-common/names.js';
import { azureArtifact, formatOption, modelOrigin } from '../azure-common/support.js';
import { booleanOption } from '../options.js';
import type { Diagnostic, TranslateContext, Translation } from '../target.js';
import { UDR_LIMITS } from './capabilities.js';
import type { Route, RouteTableModel } from './model.js';
import { renderRouteTableArm, renderRouteTableBicep, renderRouteTableTerraform } from './render.js';
import { assertMeaningfulRequirements } from '../../model/requirement-check.js';


/** Tags written as prefixes (info) or, with option globalTags, as a broader tag (warning). */
const TAG_CODES = { expanded: 'UDR_TAG_EXPANDED', widened: 'UDR_TAG_WIDENED' } as const;
export const UDR_TARGET_ID = 'udr';

export function buildRouteTableModel(requirements: RequirementSet, context: TranslateContext): { model: RouteTableModel; diagnostics: Diagnostic[] } {
  const expand = booleanOption(context.options, 'expand', UDR_TARGET_ID);
  const globalTags = booleanOption(context.options, 'globalTags', UDR_TARGET_ID);
  const diagnostics: Diagnostic[] = [];
  const prefixes: Array<{ prefix: string; tag: boolean; requirementId: string }> = [];
  const dropped: Array<{ prefix: string; tag: boolean; requirementId: string; reason: string }> = [];
  const seen = new Set<string>();
  const add = (prefix: string, tag: boolean, requirementId: string): void => {
    if (seen.has(prefix.toLowerCase())) return;
    seen.add(prefix.toLowerCase());
    prefixes.push({ prefix, tag, requirementId });
  };
  for (const requirement of requirements.requirements) {
    if (requirement.direction !== 'in') continue;
    const sources = sortEndpoints(requirement.sources, context.snapshot);
    if (sources.any || sources.hosts.length > 0) {
      // A route for 'any' would be a default route to the Internet, bypassing the firewall for everything.
      diagnostics.push({ code: 'UDR_SOURCE_INEXPRESSIBLE', severity: 'warning', target: UDR_TARGET_ID, requirementId: requirement.id, message: `${requirement.id}: a route needs a tag or prefix; ${sources.any ? "an 'any' source gets no route (it would be a default route)" : 'host-name sources get no route'}`, lost: requirementPackets(requirement, context.resolver) });
      if (sources.any) continue;
    }
    for (const tag of sources.tags) {
      if (VIRTUAL_TAGS.includes(tag)) {
        diagnostics.push({ code: 'UDR_VIRTUAL_TAG', severity: 'info', target: UDR_TARGET_ID, requirementId: requirement.id, message: `${requirement.id}: ${tag} is not a published tag and needs no Internet route` });
        continue;
      }
      if (expand) {
        for (const cidr of context.snapshot.addresses(tag).toCidrStrings()) add(cidr, false, requirement.id);
        continue;
      }
      // A route names a tag only where its networkFeatures list UDR (azure-common/tag-features.ts).
      const placed = placeTags([tag], AddressSet.EMPTY, 'UDR', context.snapshot, { globalTags, expand: (name) => context.snapshot.addresses(name) });
      for (const name of placed.tags) add(name, true, requirement.id);
      for (const cidr of placed.addresses.toCidrStrings()) add(cidr, false, requirement.id);
      for (const draft of placementDrafts(TAG_CODES, requirement, 'source', placed, 'UDR', context.resolver)) {
        diagnostics.push({ code: draft.code, severity: draft.severity, target: UDR_TARGET_ID, requirementId: requirement.id, message: draft.message });
      }
    }
    for (const cidr of sources.addresses.toCidrStrings()) add(cidr, false, requirement.id);
  }
  const names = new NameScope();
  const routes: Route[] = [];
  let tagRoutes = 0;
  for (const entry of prefixes) {
    const overTags = entry.tag && tagRoutes >= UDR_LIMITS.tagRoutes;
    if (overTags || routes.length >= UDR_LIMITS.routes) {
      dropped.push({ ...entry, reason: overTags ? `at most ${UDR_LIMITS.tagRoutes} service-tag routes` : `at most ${UDR_LIMITS.routes} routes` });
      continue;
    }
    if (entry.tag) tagRoutes++;
    routes.push({ name: names.claim(`tw-${entry.prefix.replace(/[/:]/g, '_')}`), addressPrefix: entry.prefix, nextHopType: 'Internet' });
  }
  // Law 2 for a route table: what a left-out route would have carried, less what the kept routes still carry.
  const routed = routes.reduce((set, route) => set.union(prefixAddresses(route.addressPrefix, context)), AddressSet.EMPTY);
  for (const entry of dropped) {
    const lost = prefixAddresses(entry.prefix, context).difference(routed);
    diagnostics.push({
      code: 'UDR_ROUTE_LIMIT',
      severity: 'error',
      target: UDR_TARGET_ID,
      requirementId: entry.requirementId,
      message: `route for ${entry.prefix} left out: ${entry.reason} per route table (§2.5)`,
      ...(lost.isEmpty() ? {} : { lost: PacketSet.of({ directions: ['in'], src: lost }) }),
    });
  }
  return { model: { routes, ...modelOrigin(requirements, context) }, diagnostics };
}

function prefixAddresses(prefix: string, context: TranslateContext): AddressSet {
  return /^[0-9a-f:.]+\/\d+$/i.test(prefix) ? AddressSet.parse(prefix) : context.resolver.serviceTag(prefix);
}

export function translateRouteTable(requirements: RequirementSet, context: TranslateContext): Translation {
  assertMeaningfulRequirements(requirements); // a host-name source or contradictory fields: an error, never a silent rule
  const format = formatOption(context.options, UDR_TARGET_ID);
  const { model, diagnostics } = buildRouteTableModel(requirements, context);
  const arm = renderRouteTableArm(model);
  assertValidTemplate(arm, UDR_TARGET_ID);
  const artifact = azureArtifact(format, 'route-table', arm, { bicep: () => renderRouteTableBicep(model), terraform: () => renderRouteTableTerraform(model) });
  return { artifacts: [artifact], diagnostics };
}

/**
 * What a route table is meant to cover, the yardstick of its contract test: inbound packets (any protocol) from the
 * published tags and prefixes that inbound requirements name as sources.
 */
export function routedPackets(requirements: RequirementSet, context: Pick<TranslateContext, 'resolver'>): PacketSet {
  let set = PacketSet.EMPTY;
  for (const requirement of requirements.requirements) {
    if (requirement.direction !== 'in' || requirement.sources.some((endpoint) => endpoint.kind === 'any')) continue;
    const sources = requirement.sources.filter(
      (endpoint) => endpoint.kind === 'addresses' || (endpoint.kind === 'service-tag' && !VIRTUAL_TAGS.some((tag) => tag.toLowerCase() === endpoint.name.toLowerCase())),
    );
    if (sources.length > 0) set = set.union(PacketSet.of({ directions: ['in'], src: endpointAddresses(sources, context.resolver) }));
  }
  return set;
}
