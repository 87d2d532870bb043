/**
 * The model as a candidate-config XML document (targets.md §4.1): the objects and rules under the vsys, the
 * Panorama device group or `shared`, ready for `load config partial` or the XML API (`type=config&action=set`
 * with the inner XPath). Rules go under `rulebase` on a firewall and `pre-rulebase` on Panorama.
 */
import { rulebaseOf, type PanosLocation, type PanosModel, type PanosRule } from './model.js';
import { escapeXml, xmlComment } from '../../text/panos.js';

type Node = { readonly tag: string; readonly name?: string; readonly text?: string; readonly children?: readonly Node[] };

const element = (tag: string, children: readonly Node[], name?: string): Node => ({ tag, children, ...(name === undefined ? {} : { name }) });
const leaf = (tag: string, text: string): Node => ({ tag, text });
const members = (tag: string, values: readonly string[]): Node => element(tag, values.map((value) => leaf('member', value)));
const entry = (name: string, children: readonly Node[]): Node => element('entry', children, name);
const optional = (condition: boolean, node: () => Node): Node[] => (condition ? [node()] : []);

function write(node: Node, depth: number, lines: string[]): void {
  const indent = '  '.repeat(depth);
  const open = `${indent}<${node.tag}${node.name === undefined ? '' : ` name="${escapeXml(node.name)}"`}`;
  if (node.text !== undefined) lines.push(`${open}>${escapeXml(node.text)}</${node.tag}>`);
  else if (!node.children || node.children.length === 0) lines.push(`${open}/>`);
  else {
    lines.push(`${open}>`);
    for (const child of node.children) write(child, depth + 1, lines);
    lines.push(`${indent}</${node.tag}>`);
  }
}

function ruleNode(rule: PanosRule): Node {
  return entry(rule.name, [
    members('from', rule.from),
    members('to', rule.to),
    members('source', rule.source),
    members('destination', rule.destination),
    members('source-user', ['any']),
    members('category', rule.category),
    members('application', rule.application),
    members('service', rule.service),
    leaf('action', rule.action),
    leaf('description', rule.description),
    members('tag', rule.tags),
  ]);
}

function objectNodes(model: PanosModel): Node[] {
  return [
    ...optional(model.tags.length > 0, () => element('tag', model.tags.map((tag) => entry(tag.name, [leaf('comments', tag.comments)])))),
    ...optional(model.addresses.length > 0, () =>
      element(
        'address',
        model.addresses.map((address) =>
          entry(address.name, [leaf(address.kind, address.value), ...optional(address.description !== undefined, () => leaf('description', address.description!)), members('tag', address.tags)]),
        ),
      ),
    ),
    ...optional(model.addressGroups.length > 0, () =>
      element('address-group', model.addressGroups.map((group) => entry(group.name, [members('static', group.members), leaf('description', group.description), members('tag', group.tags)]))),
    ),
    ...optional(model.externalLists.length > 0, () =>
      element(
        'external-list',
        model.externalLists.map((list) =>
          entry(list.name, [element('type', [element('ip', [leaf('url', list.url), element('recurring', [element('hourly', [])]), leaf('description', list.description)])])]),
        ),
      ),
    ),
    ...optional(model.services.length > 0, () =>
      element('service', model.services.map((service) => entry(service.name, [element('protocol', [element(service.protocol, [leaf('port', service.ports)])]), leaf('description', service.description)]))),
    ),
    ...optional(model.urlCategories.length > 0, () =>
      element('profiles', [
        element(
          'custom-url-category',
          model.urlCategories.map((category) => entry(category.name, [leaf('type', 'URL List'), members('list', category.entries), leaf('description', category.description)])),
        ),
      ]),
    ),
    element(rulebaseOf(model.location), [element('security', [element('rules', model.rules.map(ruleNode))])]),
  ];
}

function locationNode(location: PanosLocation, inner: Node[]): Node {
  switch (location.kind) {
    case 'shared':
      return element('config', [element('shared', inner)]);
    case 'vsys':
      return element('config', [element('devices', [entry('localhost.localdomain', [element('vsys', [entry(location.name, inner)])])])]);
    case 'device-group':
      return element('config', [element('devices', [entry('localhost.localdomain', [element('device-group', [entry(location.name, inner)])])])]);
  }
}

const comment = xmlComment;

export function renderPanosXml(model: PanosModel): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', comment(model.provenance)];
  write(locationNode(model.location, objectNodes(model)), 0, lines);
  return `${lines.join('\n')}\n`;
}
