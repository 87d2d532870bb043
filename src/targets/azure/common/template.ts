/**
 * One deployment document for every Azure target, rendered as an ARM template (JSON) or as Bicep. Targets build
 * this tree from their own object model once; the two renderers below turn it into text, so the JSON and the
 * Bicep cannot say different things. (Terraform's azurerm provider uses other names and shapes; see hcl.ts.)
 */
import type { SnapshotInfo } from '../../../servicetags/snapshot.js';
import { armExpressionString, armLiteral } from '../../../text/arm.js';
import { bicepComment, bicepString } from '../../../text/bicep.js';

/** A template parameter used as a value. */
export interface ParamRef {
  readonly $param: string;
}
/** The id of a resource of this template, by type and (literal) name: `resourceId(...)` in ARM, `sym.id` in Bicep. */
export interface ResourceIdRef {
  readonly $resourceId: { readonly type: string; readonly name: string };
}
export type Value = string | number | boolean | ParamRef | ResourceIdRef | readonly Value[] | { readonly [key: string]: Value };

export interface Parameter {
  readonly name: string;
  readonly description: string;
  /** Literal default; absent for a required parameter. `resourceGroup().location` is spelt by `locationDefault`. */
  readonly defaultValue?: string;
  readonly locationDefault?: boolean;
}

export interface Resource {
  /** `Microsoft.Network/firewallPolicies/ruleCollectionGroups`. */
  readonly type: string;
  readonly apiVersion: string;
  /** The Bicep symbol; also used to refer to it. */
  readonly symbol: string;
  /** The resource's own name segment: a literal or a parameter. */
  readonly name: string | ParamRef;
  /** A child resource's existing parent (a policy, an NSG): its type and the parameter holding its name. */
  readonly parent?: { readonly type: string; readonly nameParam: string };
  readonly location?: ParamRef;
  readonly properties: { readonly [key: string]: Value };
  /** A user-assigned managed identity, by the parameter holding its resource id (a firewall policy's, for TLS inspection). */
  readonly identity?: { readonly userAssignedParam: string };
  /** Symbols of resources that must be deployed first (firewall policy groups deploy one at a time, §1.8). */
  readonly dependsOn?: readonly string[];
}

export interface Template {
  /** One-line summary, first in the Bicep file and in the ARM metadata. */
  readonly summary: string;
  readonly snapshot: Pick<SnapshotInfo, 'cloud' | 'changeNumber'>;
  readonly parameters: readonly Parameter[];
  readonly resources: readonly Resource[];
}

export const ARM_API_VERSION = '2025-07-01';
const DEPLOYMENT_SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';

function isParam(value: Value): value is ParamRef {
  return typeof value === 'object' && value !== null && '$param' in value;
}
function isResourceId(value: Value): value is ResourceIdRef {
  return typeof value === 'object' && value !== null && '$resourceId' in value;
}

// ─── ARM ─────────────────────────────────────────────────────────────────────────────────────────────────

const armQuote = armExpressionString;

function toArm(value: Value): unknown {
  if (typeof value === 'string') return armLiteral(value);
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) return armArray(value as readonly Value[]);
  if (isParam(value)) return `[parameters(${armQuote(value.$param)})]`;
  if (isResourceId(value)) return `[resourceId(${armQuote(value.$resourceId.type)}, ${armQuote(value.$resourceId.name)})]`;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as { readonly [key: string]: Value })) out[key] = toArm(item);
  return out;
}

/**
 * An array's ARM form; the array itself when every item is its own ARM form (a list of addresses none of which
 * starts with `[`), because the document is only read: at 100k addresses the copy was 800 KB that lived through
 * the render's young-generation collections.
 */
function armArray(values: readonly Value[]): readonly unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < values.length; i++) {
    const item = toArm(values[i]!);
    if (out) out.push(item);
    else if (item !== values[i]) out = [...values.slice(0, i), item];
  }
  return out ?? values;
}

function armName(resource: Resource): string {
  const own = typeof resource.name === 'string' ? armQuote(resource.name) : `parameters(${armQuote(resource.name.$param)})`;
  if (!resource.parent) return typeof resource.name === 'string' ? armLiteral(resource.name) : `[${own}]`;
  return `[format('{0}/{1}', parameters(${armQuote(resource.parent.nameParam)}), ${own})]`;
}

/** The ARM JSON object of one resource, as it appears in `resources[]` (also what the NRP schema validates). */
export function armResource(resource: Resource, all: readonly Resource[] = []): Record<string, unknown> {
  const dependsOn = (resource.dependsOn ?? []).map((symbol) => {
    const target = all.find((candidate) => candidate.symbol === symbol);
    if (!target) throw new Error(`unknown dependency ${symbol}`);
    return typeof target.name === 'string'
      ? `[resourceId(${armQuote(target.type)}, ${target.parent ? `parameters(${armQuote(target.parent.nameParam)}), ` : ''}${armQuote(target.name)})]`
      : `[resourceId(${armQuote(target.type)}, parameters(${armQuote(target.name.$param)}))]`;
  });
  return {
    type: resource.type,
    apiVersion: resource.apiVersion,
    name: armName(resource),
    ...(resource.location ? { location: toArm(resource.location) } : {}),
    ...(dependsOn.length ? { dependsOn } : {}),
    ...(resource.identity ? { identity: { type: 'UserAssigned', userAssignedIdentities: { [`[parameters(${armQuote(resource.identity.userAssignedParam)})]`]: {} } } } : {}),
    properties: toArm(resource.properties),
  };
}

/** An ARM template as a JSON value: what `renderArm` writes, and what JSON.parse of its text gives back. */
export interface ArmDocument {
  readonly resources: Record<string, unknown>[];
  readonly [key: string]: unknown;
}

export function renderArm(template: Template): string {
  return armText(armDocument(template));
}

/** The text of an ARM document: two-space JSON and a final newline. */
export function armText(document: ArmDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/**
 * The template as the JSON value its ARM text denotes (plain strings, numbers, booleans, arrays and objects only,
 * so JSON.parse of `armText` gives an equal value): a caller that checks the document reads this, rather than
 * parsing 3 MB of text back into a second tree of 100k strings (the firewall's group of 100k CIDRs).
 */
export function armDocument(template: Template): ArmDocument {
  const parameters: Record<string, unknown> = {};
  for (const parameter of template.parameters) {
    parameters[parameter.name] = {
      type: 'string',
      ...(parameter.locationDefault ? { defaultValue: '[resourceGroup().location]' } : {}),
      ...(parameter.defaultValue !== undefined ? { defaultValue: armLiteral(parameter.defaultValue) } : {}),
      metadata: { description: parameter.description },
    };
  }
  const document = {
    $schema: DEPLOYMENT_SCHEMA,
    contentVersion: '1.0.0.0',
    metadata: {
      description: template.summary,
      tagwall: { serviceTags: { cloud: template.snapshot.cloud, changeNumber: template.snapshot.changeNumber } },
    },
    parameters,
    resources: template.resources.map((resource) => armResource(resource, template.resources)),
  };
  return document;
}

// ─── Bicep ───────────────────────────────────────────────────────────────────────────────────────────────

const BICEP_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function bicepValue(value: Value, indent: string, all: readonly Resource[]): string {
  if (typeof value === 'string') return bicepString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isParam(value)) return value.$param;
  if (isResourceId(value)) {
    const target = all.find((resource) => resource.type === value.$resourceId.type && resource.name === value.$resourceId.name);
    if (!target) throw new Error(`no resource ${value.$resourceId.type} ${value.$resourceId.name} in the template`);
    return `${target.symbol}.id`;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item: Value) => `${inner}${bicepValue(item, inner, all)}`).join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as { readonly [key: string]: Value });
  if (entries.length === 0) return '{}';
  const lines = entries.map(([key, item]) => `${inner}${BICEP_IDENTIFIER.test(key) ? key : bicepString(key)}: ${bicepValue(item, inner, all)}`);
  return `{\n${lines.join('\n')}\n${indent}}`;
}

/** The header line naming the snapshot the tags were checked against; Bicep and Terraform files carry it. */
export function snapshotLine(snapshot: Template['snapshot']): string {
  return `Service tags checked against the ${snapshot.cloud} snapshot, changeNumber ${snapshot.changeNumber}.`;
}


function referencedSymbols(value: Value, all: readonly Resource[], found = new Set<string>()): Set<string> {
  if (typeof value !== 'object') return found;
  if (isResourceId(value)) {
    const target = all.find((resource) => resource.type === value.$resourceId.type && resource.name === value.$resourceId.name);
    if (target) found.add(target.symbol);
  } else if (!isParam(value)) {
    for (const item of Array.isArray(value) ? (value as readonly Value[]) : Object.values(value as { readonly [key: string]: Value })) referencedSymbols(item, all, found);
  }
  return found;
}

export function renderBicep(template: Template): string {
  const lines: string[] = [
    bicepComment(template.summary),
    bicepComment(snapshotLine(template.snapshot)),
    '',
  ];
  for (const parameter of template.parameters) {
    lines.push(`@description(${bicepString(parameter.description)})`);
    const initial = parameter.locationDefault ? ' = resourceGroup().location' : parameter.defaultValue !== undefined ? ` = ${bicepString(parameter.defaultValue)}` : '';
    lines.push(`param ${parameter.name} string${initial}`, '');
  }
  const parents = new Map<string, { type: string; nameParam: string; symbol: string; apiVersion: string }>();
  for (const resource of template.resources) {
    if (resource.parent && !parents.has(resource.parent.nameParam)) {
      parents.set(resource.parent.nameParam, { ...resource.parent, symbol: `${resource.parent.nameParam.replace(/Name$/, '')}`, apiVersion: resource.apiVersion });
    }
  }
  for (const parent of parents.values()) {
    const declared = template.resources.find((resource) => resource.type === parent.type && typeof resource.name !== 'string' && resource.name.$param === parent.nameParam);
    if (declared) {
      parent.symbol = declared.symbol;
      continue;
    }
    lines.push(`resource ${parent.symbol} '${parent.type}@${parent.apiVersion}' existing = {`, `  name: ${parent.nameParam}`, '}', '');
  }
  for (const resource of template.resources) {
    const body: string[] = [];
    if (resource.parent) body.push(`  parent: ${parents.get(resource.parent.nameParam)!.symbol}`);
    body.push(`  name: ${typeof resource.name === 'string' ? bicepString(resource.name) : resource.name.$param}`);
    if (resource.location) body.push(`  location: ${resource.location.$param}`);
    // Bicep infers a dependency from `symbol.id`; listing it again is what its no-unnecessary-dependson lint flags.
    const referenced = referencedSymbols(resource.properties, template.resources);
    const parentSymbol = resource.parent ? parents.get(resource.parent.nameParam)!.symbol : undefined;
    const dependsOn = (resource.dependsOn ?? []).filter((symbol) => !referenced.has(symbol) && symbol !== parentSymbol);
    if (dependsOn.length) body.push(`  dependsOn: [\n${dependsOn.map((symbol) => `    ${symbol}`).join('\n')}\n  ]`);
    if (resource.identity) body.push(`  identity: {\n    type: 'UserAssigned'\n    userAssignedIdentities: {\n      '\${${resource.identity.userAssignedParam}}': {}\n    }\n  }`);
    body.push(`  properties: ${bicepValue(resource.properties, '  ', template.resources)}`);
    lines.push(`resource ${resource.symbol} '${resource.type}@${resource.apiVersion}' = {`, ...body, '}', '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
