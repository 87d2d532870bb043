import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeXml, xmlComment } from '../../text/panos.js';
import { addressObjects, rulebaseOf, type PanosAddressColumns, type PanosAddressEntry, type PanosLocation, type PanosModel, type PanosRule } from './model.js';
import { renderPanosXml } from './render-xml.js';

// ─── the reference: the writer renderPanosXml replaced (a tree of nodes, then one line per node) ─────────────────

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
        [...addressObjects(model.addresses)].map((address) =>
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

function referenceXml(model: PanosModel): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', xmlComment(model.provenance)];
  write(locationNode(model.location, objectNodes(model)), 0, lines);
  return `${lines.join('\n')}\n`;
}

// ─── random models ──────────────────────────────────────────────────────────────────────────────────────

/** Texts with the characters XML escapes, spaces, non-ASCII and the empty string. */
const text = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', 'a<b>&"c\'', 'é ü 日本', 'tw-10-0-0-0_8', 'any'));
const names = fc.array(text, { maxLength: 4 });

const address = fc.record(
  { name: text, kind: fc.constantFrom('ip-netmask' as const, 'fqdn' as const), value: text, description: fc.option(text, { nil: undefined }), tags: names },
  { requiredKeys: ['name', 'kind', 'value', 'tags'] },
);

/**
 * Plain texts (printable ASCII, nothing to escape: what the writer puts as bytes) and now and then one that is not,
 * so that long runs of plain address objects and member lists are cut by objects written line by line.
 */
const plain = fc.oneof(
  { weight: 300, arbitrary: fc.stringMatching(/^[A-Za-z0-9_.:/ -]{1,20}$/) },
  { weight: 1, arbitrary: fc.constantFrom('a<b>&"c\'', 'é ü 日本', 'tab\there', '') },
);
const plainAddress = fc.record(
  {
    name: plain,
    kind: fc.constantFrom('ip-netmask' as const, 'fqdn' as const),
    value: plain,
    description: fc.oneof({ weight: 300, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: text }),
    tags: fc.oneof({ weight: 50, arbitrary: fc.constant(['tagwall']) }, { weight: 1, arbitrary: fc.array(plain, { maxLength: 2 }) }),
  },
  { requiredKeys: ['name', 'kind', 'value', 'tags'] },
);
const plainMembers = fc.oneof(names, fc.array(plain, { minLength: 60, maxLength: 200 }));

/** Columns as the build makes them (plain, one tag list, never empty), and now and then with a text to escape or another tag list. */
const columns: fc.Arbitrary<PanosAddressColumns> = fc
  .oneof(fc.array(fc.tuple(plain, plain), { minLength: 1, maxLength: 5 }), fc.array(fc.tuple(plain, plain), { minLength: 60, maxLength: 150 }))
  .chain((pairs) => fc.record({ names: fc.constant(pairs.map(([name]) => name)), values: fc.constant(pairs.map(([, value]) => value)), tags: fc.oneof({ weight: 5, arbitrary: fc.constant(['tagwall']) }, { weight: 1, arbitrary: names }) }));
/** Objects and columns in any order: runs of plain objects meet columns on either side. */
const addressEntries: fc.Arbitrary<PanosAddressEntry[]> = fc.array(fc.oneof(plainAddress, address, columns), { maxLength: 8 }).chain((entries) =>
  fc.array(fc.oneof({ weight: 3, arbitrary: plainAddress }, { weight: 1, arbitrary: columns }), { maxLength: 120 }).map((more) => [...entries, ...more]),
);

const model: fc.Arbitrary<PanosModel> = fc.record({
  location: fc.oneof(
    text.map((name): PanosLocation => ({ kind: 'vsys', name })),
    text.map((name): PanosLocation => ({ kind: 'device-group', name })),
    fc.constant<PanosLocation>({ kind: 'shared' }),
  ),
  provenance: text,
  tags: fc.array(fc.record({ name: text, comments: text }), { maxLength: 3 }),
  // A few addresses, or enough (five lines or more each) for several of the blocks of lines the writer joins at a time.
  // Long runs of plain objects too: the writer writes those one string per object, in one block of their own.
  addresses: fc.oneof(fc.array(address, { maxLength: 4 }), fc.array(address, { minLength: 60, maxLength: 300, size: 'max' }), fc.array(plainAddress, { minLength: 60, maxLength: 400 }), addressEntries),
  addressGroups: fc.array(fc.record({ name: text, members: names, description: text, tags: names }), { maxLength: 3 }),
  externalLists: fc.array(fc.record({ name: text, url: text, file: text, entries: names, description: text }), { maxLength: 2 }),
  services: fc.array(fc.record({ name: text, protocol: fc.constantFrom('tcp' as const, 'udp' as const), ports: text, description: text }), { maxLength: 3 }),
  urlCategories: fc.array(fc.record({ name: text, entries: names, description: text }), { maxLength: 2 }),
  rules: fc.array(
    fc.record({ name: text, description: text, tags: names, from: names, to: names, source: plainMembers, destination: plainMembers, application: names, service: names, category: names, action: fc.constant('allow' as const) }),
    { maxLength: 4 },
  ),
});

describe('renderPanosXml', () => {
  it('writes what the tree of nodes it replaced wrote, byte for byte, on random models', () => {
    fc.assert(
      fc.property(model, (drawn) => {
        expect(renderPanosXml(drawn)).toBe(referenceXml(drawn));
      }),
      { numRuns: 200 },
    );
  });

  it('writes long columns and a long member list (pieces, 4,096 or more) as the reference does', () => {
    const values = Array.from({ length: 5000 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`);
    const names = values.map((value) => `tw-${value.replace(/[./]/g, '-')}`);
    const rule: PanosRule = { name: 'r', description: 'd', tags: ['t'], from: ['trust'], to: ['untrust'], source: ['any'], destination: names, application: ['any'], service: ['any'], category: ['any'], action: 'allow' };
    const base: PanosModel = { location: { kind: 'vsys', name: 'vsys1' }, provenance: 'p', tags: [], addresses: [], addressGroups: [], externalLists: [], services: [], urlCategories: [], rules: [rule] };
    const plainColumns: PanosAddressColumns = { names, values, tags: ['tagwall'] };
    const escaped: PanosAddressColumns = { names: ['a&b', ...names], values: ['<v>', ...values], tags: ['tagwall'] };
    for (const addresses of [[plainColumns], [{ name: 'x', kind: 'fqdn' as const, value: 'x.com', tags: [] }, plainColumns, escaped]]) {
      const drawn: PanosModel = { ...base, addresses, rules: [rule, { ...rule, name: 'r2', source: names.slice(0, 4095), destination: [...names, 'a<b'] }] };
      expect(renderPanosXml(drawn)).toBe(referenceXml(drawn));
    }
  });

  it('writes an empty model as the reference does (no objects, an empty rule list)', () => {
    for (const location of [{ kind: 'vsys', name: 'vsys1' }, { kind: 'device-group', name: 'dg' }, { kind: 'shared' }] as const) {
      const empty: PanosModel = { location, provenance: '', tags: [], addresses: [], addressGroups: [], externalLists: [], services: [], urlCategories: [], rules: [] };
      expect(renderPanosXml(empty)).toBe(referenceXml(empty));
    }
  });
});
