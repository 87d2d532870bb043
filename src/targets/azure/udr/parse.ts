/**
 * Route table JSON (ARM template, resource, or `az network route-table show`) → rule set. A route with next hop
 * Internet lets inbound flows from its prefix answer directly instead of through the firewall; tagwall reads it
 * as "inbound from these addresses, any protocol and port". Routes with other next hops route elsewhere and are
 * not part of the set.
 */
import type { AddressResolver } from '../../../analysis/resolve.js';
import type { Rule, RuleSet } from '../../../analysis/rule-set.js';
import { TagwallError } from '../../../errors.js';
import { AddressSet } from '../../../model/address-set.js';
import { PacketSet } from '../../../model/packet-set.js';
import { armResources, asObject, child, invalid, items, parseJsonConfig, propertiesOf, requiredString, sameType, stringAt, unsupported } from '../common/arm-read.js';
import { ROUTE_TABLE_TYPE } from './render.js';

const NEXT_HOPS = ['VirtualNetworkGateway', 'VnetLocal', 'Internet', 'VirtualAppliance', 'VirtualApplianceEcmp', 'None'];

/** One route of a table as written, whatever its next hop (the path engine routes by all of them: src/paths/). */
export interface RouteEntry {
  readonly name: string;
  /** A CIDR or a service-tag name, as written. */
  readonly addressPrefix: string;
  readonly nextHopType: string;
  readonly nextHopIpAddress?: string;
  /** JSON paths of the route and of its addressPrefix, for error locations and reports. */
  readonly path: string;
  readonly prefixPath: string;
}

/** Every route of the one route table in a document (ARM template, resource, or `az network route-table show`). */
export function readRouteTableRoutes(content: string, file: string): RouteEntry[] {
  const root = parseJsonConfig(content, file);
  const tables = armResources(root).filter((entry) => sameType(entry.type, ROUTE_TABLE_TYPE));
  if (tables.length > 1) throw unsupported(tables[1]!.resource, 'the document holds more than one route table; parse them one at a time');
  const table = tables[0]?.resource ?? asObject(root);
  const routes = items(child(propertiesOf(table), 'routes'));
  if (!child(propertiesOf(table), 'routes')) throw invalid(root, 'no route table found (expected routeTables with routes)');
  return routes.map((routeAt) => {
    const route = asObject(routeAt);
    const properties = propertiesOf(route);
    const name = requiredString(route, 'name');
    const addressPrefix = requiredString(properties, 'addressPrefix');
    const nextHop = requiredString(properties, 'nextHopType');
    const hop = NEXT_HOPS.find((candidate) => candidate.toLowerCase() === nextHop.toLowerCase());
    if (!hop) throw invalid(child(properties, 'nextHopType')!, `next hop must be one of ${NEXT_HOPS.join(', ')}, not '${nextHop}'`);
    const nextHopIpAddress = stringAt(properties, 'nextHopIpAddress');
    return { name, addressPrefix, nextHopType: hop, ...(nextHopIpAddress === undefined ? {} : { nextHopIpAddress }), path: route.path, prefixPath: child(properties, 'addressPrefix')!.path };
  });
}

export function parseRouteTableJson(content: string, file: string, resolver: AddressResolver): RuleSet {
  const rules: Rule[] = [];
  for (const route of readRouteTableRoutes(content, file)) {
    const { name, addressPrefix: prefix, nextHopType: hop } = route;
    if (hop !== 'Internet') continue;
    let addresses: AddressSet;
    try {
      addresses = /^[0-9a-f:.]+\/\d+$/i.test(prefix) ? AddressSet.parse(prefix, { normalize: true }) : resolver.serviceTag(prefix);
    } catch (error) {
      throw error instanceof TagwallError ? error.at({ file, jsonPath: route.prefixPath }) : error;
    }
    rules.push({ id: name, action: 'allow', match: PacketSet.of({ directions: ['in'], src: addresses }), origin: { file, path: route.path, text: `${name}: ${prefix} -> ${hop}` } });
  }
  // Routes decide on addresses, whatever the connection state: read as written, not as a stateful filter.
  return { name: `udr:${file}`, rules, defaultAction: 'deny', mode: resolver.mode, states: 'explicit' };
}

