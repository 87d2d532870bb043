/**
 * Requirements in code, typed: the same words a requirement file uses, checked the same way (an endpoint is read
 * as in a file, contradictory fields are TW_CONTRADICTORY_REQUIREMENT, ids are unique), and ordered deny terms with
 * the file format's first-match meaning.
 *
 *   const set = requirementSet('three-tier')
 *     .deny({ id: 'no-db-egress', direction: 'outbound', source: '10.20.3.0/24' })
 *     .allow({ id: 'updates', direction: 'outbound', source: ['10.20.1.0/24', '10.20.3.0/24'], protocol: 'tcp', ports: 443, destination: 'Storage.WestUS' })
 *     .build({ expandTag: (name) => snapshotResolver.serviceTag(name) });
 */
import { TagwallError } from '../errors.js';
import { PortSet, ProtocolSet } from '../model/ports.js';
import type { IcmpMatch, Provenance, Requirement, RequirementSet } from '../model/requirement.js';
import { requirementProblem } from '../model/requirement-check.js';
import { lowerTerms, type LoweringOptions, type RequirementTerm, type TermMatch } from '../model/requirement-terms.js';
import { parseEndpoint, type EndpointText } from './endpoints.js';
import { DIRECTION_WORDS } from './requirements-schema.js';

export type DirectionWord = keyof typeof DIRECTION_WORDS;
/** `tcp`, `udp`, `icmp`, `icmpv6`, `any`, a protocol number, or several. */
export type ProtocolText = string | number | ReadonlyArray<string | number>;
/** `443`, `"80,443"`, `"8000-8999"`, `"any"`, or several. */
export type PortsText = string | number | ReadonlyArray<string | number>;
export type EndpointsText = EndpointText | readonly EndpointText[];

/** What an `except` cuts out of a term; an unset field means every value of it. */
export interface ExceptSpec {
  readonly protocol?: ProtocolText;
  readonly ports?: PortsText;
  readonly icmp?: readonly IcmpMatch[];
  readonly source?: EndpointsText;
  readonly destination?: EndpointsText;
}

/** One requirement as a file writes it (the singular spellings). */
export interface RequirementSpec extends ExceptSpec {
  readonly id: string;
  readonly direction: DirectionWord;
  readonly purpose?: string;
  readonly conditions?: readonly string[];
  readonly provenance?: readonly Provenance[];
  readonly except?: ExceptSpec | readonly ExceptSpec[];
}

const list = <T>(value: T | readonly T[] | undefined): readonly T[] => (value === undefined ? [] : Array.isArray(value) ? (value as readonly T[]) : [value as T]);
const text = (value: string | number | ReadonlyArray<string | number> | undefined): string => (value === undefined ? 'any' : list(value).map(String).join(','));

function endpoints(value: EndpointsText | undefined): Requirement['sources'] {
  const items = list(value);
  return items.length === 0 ? [{ kind: 'any' }] : items.map((item) => parseEndpoint(item));
}

function toMatch(spec: ExceptSpec, direction: Requirement['direction']): TermMatch {
  return {
    direction,
    protocols: ProtocolSet.parse(text(spec.protocol)),
    ports: PortSet.parse(text(spec.ports)),
    ...(spec.icmp ? { icmp: spec.icmp } : {}),
    sources: endpoints(spec.source),
    destinations: endpoints(spec.destination),
  };
}

function toRequirement(spec: RequirementSpec): Requirement {
  const direction = DIRECTION_WORDS[spec.direction];
  if (direction === undefined) throw new TagwallError('TW_INVALID_REQUIREMENTS', `${spec.id}: direction must be inbound or outbound, not '${String(spec.direction)}'`);
  const requirement: Requirement = {
    ...toMatch(spec, direction),
    id: spec.id,
    purpose: spec.purpose ?? '',
    conditions: [...(spec.conditions ?? [])],
    provenance: [...(spec.provenance ?? [])],
  };
  const problem = requirementProblem(requirement);
  if (problem) throw new TagwallError(problem.code, problem.message);
  return requirement;
}

export class RequirementsBuilder {
  readonly #terms: RequirementTerm[] = [];

  constructor(private readonly name?: string) {}

  /** Packets to allow, unless an earlier deny term matches them. */
  allow(spec: RequirementSpec): this {
    return this.#add('allow', spec);
  }

  /** Packets no later allow term may allow (first match). */
  deny(spec: RequirementSpec): this {
    return this.#add('deny', spec);
  }

  #add(action: RequirementTerm['action'], spec: RequirementSpec): this {
    if (this.#terms.some((term) => term.requirement.id === spec.id)) throw new TagwallError('TW_DUPLICATE_ID', `duplicate requirement id '${spec.id}'`);
    const requirement = toRequirement(spec);
    const except = list(spec.except).map((cut) => toMatch(cut, requirement.direction));
    this.#terms.push({ action, requirement, ...(except.length > 0 ? { except } : {}) });
    return this;
  }

  /**
   * The allow-list the terms mean (src/model/requirement-terms.ts). `expandTag` lets a deny be carved out of a
   * service tag by its prefixes; without it such an overlap is TW_DENY_INEXPRESSIBLE.
   */
  build(options: LoweringOptions = {}): RequirementSet {
    const requirements = lowerTerms(this.#terms, options);
    const seen = new Set<string>();
    for (const requirement of requirements) {
      if (seen.has(requirement.id)) throw new TagwallError('TW_DUPLICATE_ID', `requirement id '${requirement.id}' is used twice once terms are split into pieces; rename one`);
      seen.add(requirement.id);
    }
    return { ...(this.name !== undefined ? { name: this.name } : {}), origin: this.name === undefined ? 'code' : `code:${this.name}`, requirements };
  }
}

/** Starts a requirement set in code. */
export function requirementSet(name?: string): RequirementsBuilder {
  return new RequirementsBuilder(name);
}

/** One requirement in code, checked as a file's would be (no deny terms: use `requirementSet()` for those). */
export function defineRequirement(spec: RequirementSpec): Requirement {
  return toRequirement(spec);
}

