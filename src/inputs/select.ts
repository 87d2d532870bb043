/**
 * `--select NAME`: one NSG, route table, rule collection group or firewall out of a document that holds several
 * (a Terraform plan of a whole landing zone, a template with an NSG per subnet). The Azure parsers read one NSG or
 * route table per document; the others, and resources that belong to no container (IP Groups, outbound rules), stay.
 */
import { TagwallError, type SourceLocation } from '../errors.js';
import { isObject, parseJsonConfig, type Json, type JsonObject } from '../targets/azure/common/arm-read.js';
import type { Converted } from './converted.js';

const CONTAINERS = /^Microsoft\.Network\/(networkSecurityGroups|routeTables|firewallPolicies\/ruleCollectionGroups|azureFirewalls)$/i;
const CHILDREN = /^Microsoft\.Network\/(networkSecurityGroups\/securityRules|routeTables\/routes)$/i;

function nameOf(resource: JsonObject): string {
  return typeof resource['name'] === 'string' ? resource['name'] : '';
}
function lastSegment(name: string): string {
  return name.split('/').pop()!.toLowerCase();
}

/** A plain JSON config as a converted document of resources, so that it can be selected from. */
export function plainDocument(content: string, file: string): Converted {
  const root = parseJsonConfig(content, file);
  const origins = new Map<string, SourceLocation>();
  let resources: Json[];
  if (Array.isArray(root.value)) {
    resources = root.value;
    resources.forEach((_, index) => origins.set(`$.resources[${index}]`, { file, jsonPath: `$[${index}]` }));
  } else if (isObject(root.value) && Array.isArray(root.value['resources'])) {
    resources = root.value['resources'];
    resources.forEach((_, index) => origins.set(`$.resources[${index}]`, { file, jsonPath: `$.resources[${index}]` }));
  } else {
    resources = [root.value];
    origins.set('$.resources[0]', { file, jsonPath: '$' });
  }
  return { kind: 'arm', file, document: { resources }, origins, unresolved: new Map(), notes: [] };
}

/** The document with only the named container (by name, or the last segment of a child name) among containers. */
export function selectResource(converted: Converted, name: string): Converted {
  const document = converted.document;
  if (!isObject(document) || !Array.isArray(document['resources'])) return converted;
  const wanted = lastSegment(name);
  const resources = document['resources'];
  const kept: Json[] = [];
  const origins = new Map<string, SourceLocation>();
  const unresolved = new Map<string, string>();
  const available: string[] = [];
  resources.forEach((resource, index) => {
    if (!isObject(resource)) return;
    const type = typeof resource['type'] === 'string' ? resource['type'] : '';
    const own = nameOf(resource);
    let keep = true;
    if (CONTAINERS.test(type)) {
      available.push(own);
      keep = lastSegment(own) === wanted;
    } else if (CHILDREN.test(type) && own.includes('/')) keep = own.split('/').slice(-2)[0]!.toLowerCase() === wanted;
    if (!keep) return;
    const from = `$.resources[${index}]`;
    const to = `$.resources[${kept.length}]`;
    for (const [path, origin] of converted.origins) if (path === from || path.startsWith(`${from}.`) || path.startsWith(`${from}[`)) origins.set(to + path.slice(from.length), origin);
    for (const [path, reason] of converted.unresolved) if (path === from || path.startsWith(`${from}.`) || path.startsWith(`${from}[`)) unresolved.set(to + path.slice(from.length), reason);
    kept.push(resource);
  });
  if (!available.some((candidate) => lastSegment(candidate) === wanted)) {
    throw new TagwallError('TW_INVALID_OPERAND', `--select ${name}: no network security group, route table, rule collection group or firewall of that name (the document has ${available.length > 0 ? available.join(', ') : 'none'})`, { location: { file: converted.file } });
  }
  return { ...converted, document: { ...document, resources: kept }, origins, unresolved };
}
