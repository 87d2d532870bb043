/**
 * The workspace Dependencies API (`outboundNetworkDependenciesEndpoints`): its response as a requirement set, and
 * a comparison of two requirement sets by what each allows that the other does not (per requirement, exactly,
 * through the packet-set core with tags kept as names).
 */
import { TagwallError } from '../errors.js';
import { checkSize, INPUT_LIMITS, stripBom } from '../internal/input-limits.js';
import { jsonErrorOffset, jsonErrorReason, lineColumnAt } from '../servicetags/json-position.js';
import { parseHostPattern } from '../model/hostnames.js';
import { PortSet, ProtocolSet } from '../model/ports.js';
import type { Requirement, RequirementSet } from '../model/requirement.js';
import { requirementPackets, requirementsRuleSet, type AddressResolver } from '../analysis/resolve.js';
import { allowedPackets, openingPackets } from '../analysis/rule-set.js';
import type { PacketSet } from '../model/packet-set.js';

interface EndpointDetail {
  readonly port?: unknown;
}

function fail(_text: string, file: string, jsonPath: string, message: string): never {
  throw new TagwallError('TW_INVALID_REQUIREMENTS', message, { location: { file, jsonPath } });
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'category';
}

/**
 * Reads the response body (or a whole x-ms-example file with `responses.200.body`). One requirement per category
 * and host: outbound TCP to the host on its listed ports, the category as purpose.
 */
export function importDependencies(input: string, file = '<input>'): RequirementSet {
  checkSize(input, INPUT_LIMITS.requirementsSize, 'the Dependencies API response', file);
  const text = stripBom(input);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    throw new TagwallError('TW_INVALID_JSON', `not JSON: ${jsonErrorReason(message)}`, { location: { file, ...lineColumnAt(text, jsonErrorOffset(text, message)) } });
  }
  // Optional chaining from the top: `null`, a number or a string is as much a wrong shape as a wrong object.
  const record = data as { value?: unknown; responses?: { '200'?: { body?: { value?: unknown } } } } | null;
  const fromExample = record?.responses?.['200']?.body?.value;
  const value = fromExample ?? record?.value;
  const base = fromExample !== undefined ? '$.responses.200.body.value' : '$.value';
  if (!Array.isArray(value)) fail(text, file, '$', 'expected {"value": [...]} (the outboundNetworkDependenciesEndpoints response)');
  const requirements: Requirement[] = [];
  const ids = new Set<string>();
  value.forEach((item: unknown, index: number) => {
    const properties = (item as { properties?: { category?: unknown; endpoints?: unknown } } | null)?.properties;
    const at = `${base}[${index}].properties`;
    if (typeof properties?.category !== 'string' || !Array.isArray(properties.endpoints)) {
      fail(text, file, at, 'each value needs properties.category (string) and properties.endpoints (list)');
    }
    const category = properties.category as string;
    (properties.endpoints as unknown[]).forEach((endpoint, e) => {
      const where = `${at}.endpoints[${e}]`;
      const { domainName, endpointDetails } = (endpoint ?? {}) as { domainName?: unknown; endpointDetails?: unknown };
      if (typeof domainName !== 'string') fail(text, file, `${where}.domainName`, 'domainName must be a string');
      const details = Array.isArray(endpointDetails) ? (endpointDetails as EndpointDetail[]) : [];
      const ports = details.map((detail, d) => {
        if (typeof detail?.port !== 'number') fail(text, file, `${where}.endpointDetails[${d}].port`, 'port must be a number');
        return detail.port as number;
      });
      let portSet: PortSet;
      try {
        // fromRanges, not of(...ports): a spread of a hundred thousand ports overflows the stack.
        portSet = ports.length > 0 ? PortSet.fromRanges(ports.map((port) => [port, port] as const)) : PortSet.ANY;
      } catch (error) {
        if (error instanceof TagwallError) throw new TagwallError('TW_INVALID_REQUIREMENTS', error.message, { location: { file, jsonPath: `${where}.endpointDetails` } });
        throw error;
      }
      let pattern;
      try {
        pattern = parseHostPattern(domainName as string);
      } catch (error) {
        if (error instanceof TagwallError) throw error.at({ file, jsonPath: `${where}.domainName` });
        throw error;
      }
      let id = `${slug(category)}-${slug(domainName as string)}`;
      for (let n = 2; ids.has(id); n++) id = `${slug(category)}-${slug(domainName as string)}-${n}`;
      ids.add(id);
      requirements.push({
        id,
        direction: 'out',
        protocols: ProtocolSet.parse('tcp'),
        ports: portSet,
        sources: [{ kind: 'service-tag', name: 'VirtualNetwork' }],
        destinations: [{ kind: 'host', pattern }],
        purpose: category,
        conditions: [],
        provenance: [{ article: 'Dependencies API (outboundNetworkDependenciesEndpoints)', section: category }],
      });
    });
  });
  return { name: `dependencies (${file})`, origin: file, requirements };
}

/** A requirement of one set with the packets it allows that the other set does not. */
export interface UncoveredRequirement {
  readonly requirement: Requirement;
  readonly uncovered: PacketSet;
}

export interface RequirementComparison {
  /** Requirements of `a` that `b` does not fully allow. */
  readonly onlyInA: readonly UncoveredRequirement[];
  /** Requirements of `b` that `a` does not fully allow. */
  readonly onlyInB: readonly UncoveredRequirement[];
}

function uncovered(from: RequirementSet, against: RequirementSet, resolver: AddressResolver): UncoveredRequirement[] {
  const allowed = allowedPackets(requirementsRuleSet(against, resolver));
  return from.requirements.flatMap((requirement) => {
    // A requirement asks for the packets that open its connections (its replies are allowed on both sides).
    const rest = requirementPackets(requirement, resolver).intersection(openingPackets()).difference(allowed);
    return rest.isEmpty() ? [] : [{ requirement, uncovered: rest }];
  });
}

/** Exactly what each set's requirements allow that the other set does not. */
export function compareRequirementSets(a: RequirementSet, b: RequirementSet, resolver: AddressResolver): RequirementComparison {
  return { onlyInA: uncovered(a, b, resolver), onlyInB: uncovered(b, a, resolver) };
}
