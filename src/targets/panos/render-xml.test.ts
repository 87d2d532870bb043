import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeXml, xmlComment } from '../../text/panos.js';
import { addressObjects, rulebaseOf, type PanosAddressColumns, type PanosAddressEntry, type PanosLocation, type PanosModel, type PanosRule } from './model.js';
import { BLOCK_LINES, renderPanosXml, XmlLines } from './render-xml.js';

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

/**
 * Models of many rules and tags (15 lines a rule or more, 3 a tag) and few objects: the lines of rules and tags cross
 * the writer's blocks of BLOCK_LINES lines many times, which the objects' lines do not reach in `model`.
 */
const manyRules: fc.Arbitrary<PanosModel> = fc.record({
  tags: fc.array(fc.record({ name: text, comments: text }), { minLength: 50, maxLength: 200 }),
  rules: fc.array(
    fc.record({ name: text, description: text, tags: names, from: names, to: names, source: names, destination: names, application: names, service: names, category: names, action: fc.constant('allow' as const) }),
    { minLength: 20, maxLength: 120 },
  ),
}).chain(({ tags, rules }) => model.map((drawn) => ({ ...drawn, tags, rules })));

// ─── writes to XmlLines, drawn, and the nodes they stand for ─────────────────────────────────────────────────────

type Write =
  | { readonly kind: 'leaf'; readonly tag: string; readonly text: string }
  | { readonly kind: 'empty'; readonly tag: string }
  | { readonly kind: 'members'; readonly tag: string; readonly values: readonly string[] }
  | { readonly kind: 'addresses'; readonly entries: readonly PanosAddressEntry[] }
  | { readonly kind: 'element'; readonly tag: string; readonly name: string | undefined; readonly body: readonly Write[] };

const tagName = fc.constantFrom('a', 'member', 'entry', 'description');
const { writes } = fc.letrec<{ write: Write; writes: Write[] }>((tie) => ({
  write: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 20, arbitrary: fc.record({ kind: fc.constant('leaf' as const), tag: tagName, text }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('empty' as const), tag: tagName }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('members' as const), tag: tagName, values: plainMembers }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('addresses' as const), entries: fc.oneof(fc.array(address, { maxLength: 4 }), addressEntries) }) },
    // An element with no children is written `<a/>` by `empty`, not by `element`: the body has one write at least.
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('element' as const), tag: tagName, name: fc.option(text, { nil: undefined }), body: tie('writes').filter((body) => body.length > 0) }) },
  ),
  writes: fc.array(tie('write') as fc.Arbitrary<Write>, { maxLength: 400 }),
}));

function writeNodes(drawn: readonly Write[]): Node[] {
  return drawn.flatMap((item): Node[] => {
    switch (item.kind) {
      case 'leaf':
        return [leaf(item.tag, item.text)];
      case 'empty':
        return [element(item.tag, [])];
      case 'members':
        return [members(item.tag, item.values)];
      case 'addresses':
        return [...addressObjects(item.entries)].map((one) => entry(one.name, [leaf(one.kind, one.value), ...optional(one.description !== undefined, () => leaf('description', one.description!)), members('tag', one.tags)]));
      case 'element':
        return [element(item.tag, writeNodes(item.body), item.name)];
    }
  });
}

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

  it('writes models of many rules and tags as the reference does (their lines cross the blocks of lines)', () => {
    fc.assert(
      fc.property(manyRules, (drawn) => {
        expect(renderPanosXml(drawn)).toBe(referenceXml(drawn));
      }),
      { numRuns: 30 },
    );
  });

  it('keeps fewer than BLOCK_LINES lines pending whatever it writes, and writes them as the reference does', () => {
    // A render kept every line of its rules pending to the end, ropes that each scavenge copied (issue 22): the
    // writer joins them a block at a time however they are written, inside an element or between objects.
    fc.assert(
      fc.property(writes, (drawn) => {
        const out = new XmlLines();
        let most = 0;
        const run = (items: readonly Write[], depth: number): void => {
          for (const item of items) {
            if (item.kind === 'leaf') out.leaf(depth, item.tag, item.text);
            else if (item.kind === 'empty') out.empty(depth, item.tag);
            else if (item.kind === 'members') out.members(depth, item.tag, item.values);
            else if (item.kind === 'addresses') out.addresses(depth, item.entries);
            else out.element(depth, item.tag, (inner) => run(item.body, inner), item.name);
            most = Math.max(most, out.pending);
          }
        };
        run(drawn, 0);
        expect(most).toBeLessThan(BLOCK_LINES);
        const lines: string[] = [];
        for (const node of writeNodes(drawn)) write(node, 0, lines);
        expect(out.text()).toBe(lines.length === 0 ? '' : `${lines.join('\n')}\n`);
      }),
      { numRuns: 150 },
    );
  });

  it('writes an empty model as the reference does (no objects, an empty rule list)', () => {
    for (const location of [{ kind: 'vsys', name: 'vsys1' }, { kind: 'device-group', name: 'dg' }, { kind: 'shared' }] as const) {
      const empty: PanosModel = { location, provenance: '', tags: [], addresses: [], addressGroups: [], externalLists: [], services: [], urlCategories: [], rules: [] };
      expect(renderPanosXml(empty)).toBe(referenceXml(empty));
    }
  });
});
