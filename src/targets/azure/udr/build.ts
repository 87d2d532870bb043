/**
 * Inbound requirements → routes with next hop Internet for their source tags (targets.md §2.5), so the answers
 * of Batch and Azure ML management traffic bypass the firewall. Tags by name (≤ 25 per table), or their prefixes
 * when option `expand` is on (≤ 400 routes per table).
 */
import { endpointAddresses, requirementPackets, type AddressResolver } from '../../../analysis/resolve.js';
import { AddressSet } from '../../../model/address-set.js';
import { PacketSet } from '../../../model/packet-set.js';
import type { Requirement, RequirementSet } from '../../../model/requirement.js';
import { sortEndpoints } from '../common/endpoints.js';
import { VIRTUAL_TAGS } from '../../../servicetags/virtual.js';
import { placementDrafts, placeTags } from '../common/tag-features.js';
import { assertValidTemplate } from '../common/validate.js';
import { NameScope } from '../common/names.js';
import { azureArtifact, modelOrigin, type AzureFormat } from '../common/support.js';
import type { DraftDiagnostic } from '../../diagnostics.js';
import { booleanOption } from '../../options.js';
import type { Built, Rendered, TranslateContext } from '../../target.js';
import { UDR_LIMITS } from './capabilities.js';
import type { Route, RouteTableModel } from './model.js';
import { renderRouteTableArm, renderRouteTableBicep, renderRouteTableTerraform } from './render.js';

/** Tags written as prefixes (info) or, with option globalTags, as a broader tag (warning). */
const TAG_CODES = { expanded: 'UDR_TAG_EXPANDED', widened: 'UDR_TAG_WIDENED' } as const;
export const UDR_TARGET_ID = 'udr' as const;

export function buildRouteTableModel(requirements: RequirementSet, context: TranslateContext): Built<RouteTableModel> {
  const expand = booleanOption(context.options, 'expand', UDR_TARGET_ID);
  const globalTags = booleanOption(context.options, 'globalTags', UDR_TARGET_ID);
  const drafts: DraftDiagnostic[] = [];
  const prefixes: Array<{ prefix: string; tag: boolean; requirement: Requirement }> = [];
  const dropped: Array<{ prefix: string; tag: boolean; requirement: Requirement; reason: string }> = [];
  const seen = new Set<string>();
  const add = (prefix: string, tag: boolean, requirement: Requirement): void => {
    if (seen.has(prefix.toLowerCase())) return;
    seen.add(prefix.toLowerCase());
    prefixes.push({ prefix, tag, requirement });
  };
  for (const requirement of requirements.requirements) {
    if (requirement.direction !== 'in') continue;
    const sources = sortEndpoints(requirement.sources, context.snapshot);
    if (sources.any || sources.hosts.length > 0) {
      // A route for 'any' would be a default route to the Internet, bypassing the firewall for everything.
      drafts.push({ code: 'UDR_SOURCE_INEXPRESSIBLE', severity: 'warning', requirement, message: `${requirement.id}: a route needs a tag or prefix; ${sources.any ? "an 'any' source gets no route (it would be a default route)" : 'host-name sources get no route'}`, candidate: requirementPackets(requirement, context.resolver) });
      if (sources.any) continue;
    }
    for (const tag of sources.tags) {
      if (VIRTUAL_TAGS.includes(tag)) {
        drafts.push({ code: 'UDR_VIRTUAL_TAG', severity: 'info', requirement, message: `${requirement.id}: ${tag} is not a published tag and needs no Internet route` });
        continue;
      }
      if (expand) {
        for (const cidr of context.snapshot.addresses(tag).toCidrStrings()) add(cidr, false, requirement);
        continue;
      }
      // A route names a tag only where its networkFeatures list UDR (azure/common/tag-features.ts).
      const placed = placeTags([tag], AddressSet.EMPTY, 'UDR', context.snapshot, { globalTags, expand: (name) => context.snapshot.addresses(name) });
      for (const name of placed.tags) add(name, true, requirement);
      for (const cidr of placed.addresses.toCidrStrings()) add(cidr, false, requirement);
      drafts.push(...placementDrafts(TAG_CODES, requirement, 'source', placed, 'UDR', context.resolver));
    }
    for (const cidr of sources.addresses.toCidrStrings()) add(cidr, false, requirement);
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
  // Law 2 for a route table: what a left-out route would have carried; the pipeline takes away what the kept routes still carry.
  for (const entry of dropped) {
    drafts.push({
      code: 'UDR_ROUTE_LIMIT',
      severity: 'error',
      requirement: entry.requirement,
      message: `route for ${entry.prefix} left out: ${entry.reason} per route table (§2.5)`,
      candidate: PacketSet.of({ directions: ['in'], src: prefixAddresses(entry.prefix, context.resolver) }),
    });
  }
  return { model: { routes, ...modelOrigin(requirements, context) }, drafts };
}

function prefixAddresses(prefix: string, resolver: AddressResolver): AddressSet {
  return /^[0-9a-f:.]+\/\d+$/i.test(prefix) ? AddressSet.parse(prefix) : resolver.serviceTag(prefix);
}

/** The model in one format; the ARM form is checked against Azure's template rules first, whichever is asked for. */
export function renderRouteTable(model: RouteTableModel, format: AzureFormat): Rendered {
  const arm = renderRouteTableArm(model);
  assertValidTemplate(arm, UDR_TARGET_ID);
  return { artifacts: [azureArtifact(format, 'route-table', arm, { bicep: () => renderRouteTableBicep(model), terraform: () => renderRouteTableTerraform(model) })] };
}

/** What the routes carry: inbound packets of any protocol from their prefixes (a route matches the source of the answer's flow). */
export function routeTableAllowed(model: RouteTableModel, context: TranslateContext): PacketSet {
  const routed = model.routes.reduce((set, route) => set.union(prefixAddresses(route.addressPrefix, context.resolver)), AddressSet.EMPTY);
  return routed.isEmpty() ? PacketSet.EMPTY : PacketSet.of({ directions: ['in'], src: routed });
}

/**
 * What a route table is meant to carry of one requirement, its yardstick (the contract and the loss accounting
 * measure against it): inbound packets (any protocol) from the published tags and prefixes an inbound requirement
 * names as sources. An 'any' or host-name source cannot be routed; the requirement's own packets stand for it, so
 * the diagnostic that says so owns up to exactly them. Outbound requirements are not a route table's business.
 */
export function routeTableYardstick(requirement: Requirement, resolver: AddressResolver): PacketSet {
  if (requirement.direction !== 'in') return PacketSet.EMPTY;
  const unroutable = requirement.sources.some((endpoint) => endpoint.kind === 'any' || endpoint.kind === 'host' || endpoint.kind === 'url');
  const own = unroutable ? requirementPackets(requirement, resolver) : PacketSet.EMPTY;
  if (requirement.sources.some((endpoint) => endpoint.kind === 'any')) return own;
  const sources = requirement.sources.filter(
    (endpoint) => endpoint.kind === 'addresses' || (endpoint.kind === 'service-tag' && !VIRTUAL_TAGS.some((tag) => tag.toLowerCase() === endpoint.name.toLowerCase())),
  );
  return sources.length === 0 ? own : own.union(PacketSet.of({ directions: ['in'], src: endpointAddresses(sources, resolver) }));
}
