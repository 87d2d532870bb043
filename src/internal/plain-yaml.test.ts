import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readPlainYaml } from './plain-yaml.js';

/** What the package reads, as the requirement and topology readers use it: undefined when it reports an error. */
function packageReads(text: string): unknown {
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  return document.errors.length > 0 ? undefined : document.toJS({ maxAliasCount: 100 });
}

/** The subset reader may decline anything; what it does read must be exactly the package's answer. */
function agrees(text: string): boolean {
  const plain = readPlainYaml(text);
  if (plain !== undefined) expect(plain, JSON.stringify(text)).toStrictEqual(packageReads(text));
  return plain !== undefined;
}

/** Every YAML file of the repository's fixtures, examples and docs. */
function repositoryYaml(): string[] {
  return ['fixtures', 'examples', 'docs'].flatMap((dir) =>
    (readdirSync(dir, { recursive: true }) as string[]).filter((file) => /\.ya?ml$/.test(file)).map((file) => join(dir, file)),
  );
}

/** Runs `lines` as a document through `agrees`; counts the documents the reader took. */
function agreeOnDocuments(documents: fc.Arbitrary<string[]>, minimumRead: number): void {
  let read = 0;
  fc.assert(
    fc.property(documents, (lines) => {
      if (agrees(`${lines.join('\n')}\n`)) read++;
    }),
    { numRuns: 800, ...(process.env.CI ? { seed: 22 } : {}) },
  );
  // The generator must reach the reader's answers, not only its refusals.
  expect(read).toBeGreaterThan(minimumRead);
}

describe('the plain YAML subset of topology and requirement files', () => {
  it('reads every YAML file of the repository as the yaml package does', () => {
    const files = repositoryYaml();
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) agrees(readFileSync(file, 'utf8'));
    // The files users copy from: requirement files (v1 and v2), topologies, the project file.
    for (const file of [
      'fixtures/requirements/workload.yaml',
      'fixtures/requirements/app-subnet.yaml',
      'fixtures/linux/host-needs.yaml',
      'fixtures/paths/compute-public-ip/topology.yaml',
      'examples/three-tier/network/requirements.yaml',
      'examples/three-tier/tagwall.config.yaml',
    ]) {
      expect(readPlainYaml(readFileSync(file, 'utf8')), file).toBeDefined();
    }
  });

  it('reads the forms requirement files are written in', () => {
    const text = [
      '# a comment',
      'name: app  # trailing comment',
      'version: 2',
      'requirements:  # the list',
      '  - id: storage',
      '    ports: 443',
      '    destination: [pypi.org, "*.pythonhosted.org", fd00::4]',
      '    purpose: Microsoft\'s storage (blobs, queues); see https://example.com/a?b=c&d#e',
      '    icmp: [{type: 8, code: 0}, {type: 0}]',
      '    provenance:',
      '      article: An article',
      '  -   id: compact',
      '      enabled: true',
      '      url: raw.githubusercontent.com/x/*',
      'empty: []',
      "quoted: 'single'",
    ].join('\n');
    expect(agrees(text)).toBe(true);
    expect(readPlainYaml(text)).toMatchObject({
      version: 2,
      requirements: [
        { id: 'storage', ports: 443, destination: ['pypi.org', '*.pythonhosted.org', 'fd00::4'], icmp: [{ type: 8, code: 0 }, { type: 0 }] },
        { id: 'compact', enabled: true, url: 'raw.githubusercontent.com/x/*' },
      ],
    });
  });

  it('declines what it cannot be sure of', () => {
    for (const text of [
      'a: 01\n',
      'a: 1.5\n',
      'a: -1\n',
      'a: 0x1f\n',
      'a: 12345678901234567\n',
      'a: null\n',
      'a:\n',
      'a: # only a comment\n',
      'a: b\na: c\n',
      'a: "b\\"c"\n',
      "a: 'b''c'\n",
      'a: "b" c\n',
      'a: &x b\nc: *x\n',
      'a: *x\n',
      'a: !tag b\n',
      'a: [x,\n  y]\n',
      'a: [x, [y, [z]]]\n',
      'a: [x, ]\n',
      'a: {b: c, b: d}\n',
      'a: b: c\n',
      'a: b\n  c\n',
      'a:\n  - b\n    c\n',
      'a:\n\tb: c\n',
      '- a\n',
      'a:\n- - b\n',
      'a: |\n  b\n',
      '---\na: b\n',
      '%YAML 1.1\n---\na: b\n',
      'true: b\n',
      '"a": b\n',
      'a: b\r\n',
      'a: caf\u00e9\n',
      'a: b:\n',
      'a:b\n',
    ]) {
      expect(readPlainYaml(text), JSON.stringify(text)).toBeUndefined();
    }
  });

  it('agrees with the package on generated topology-like text, or declines', () => {
    const word = fc.constantFrom('spoke', 'hub', 'compute', 'pe', 'a-b', 'x.y', 'true', 'False', 'null', '~', '10', '1.5', '0x1f', '.inf', 'hub and spoke', '10.0.1.0/24', '10.0.1.4', 'compute-nsg.json', 'nftables:compute.nft', '1:20', 'a:', 'a:b:c', '2001:db8::/32', 'a: b', 'a #c', 'a#c', '-x', 'y-', '');
    const key = fc.constantFrom('name', 'prefix', 'nsg', 'subnets', 'vnet', 'a', 'B_c', 'true', 'null', '1', 'x.y', '__proto__', 'k-2');
    const space = fc.constantFrom('', ' ', '  ');
    const comment = fc.constantFrom('', ' # note', '#x', '  #');
    const scalarLine = fc.tuple(key, space, word, comment).map(([k, s, w, c]) => `${k}:${s === '' ? ' ' : s}${w}${c}`);
    const flowSeq = fc.array(word, { maxLength: 3 }).map((items) => `[${items.join(', ')}]`);
    const flowMap = fc.array(fc.tuple(key, fc.oneof(word, flowSeq)), { maxLength: 3 }).map((entries) => `{ ${entries.map(([k, v]) => `${k}: ${v}`).join(', ')} }`);
    const inlineLine = fc.tuple(key, fc.oneof(flowSeq, flowMap)).map(([k, v]) => `${k}: ${v}`);
    const seqBlock = fc.tuple(key, fc.constantFrom(0, 2), fc.array(fc.oneof(flowSeq, word), { minLength: 1, maxLength: 3 })).map(([k, extra, items]) => [`${k}:`, ...items.map((item) => `${' '.repeat(extra)}- ${item}`)]);
    const block: fc.Arbitrary<string[]> = fc.letrec<{ block: string[] }>((tie) => ({
      block: fc
        .array(
          fc.oneof(
            { depthSize: 'small' },
            scalarLine.map((line) => [line]),
            inlineLine.map((line) => [line]),
            seqBlock,
            fc.tuple(key, tie('block'), fc.constantFrom(1, 2, 4)).map(([k, inner, by]) => [`${k}:`, ...inner.map((line) => `${' '.repeat(by)}${line}`)]),
            fc.constant(['', '# comment']),
          ),
          { minLength: 1, maxLength: 4 },
        )
        .map((parts) => parts.flat()),
    })).block;
    agreeOnDocuments(block, 20);
  });

  it('agrees with the package on generated requirement-like text, or declines', () => {
    // Values as people write them, with the characters YAML treats specially at the start, inside and at the end.
    const usual = fc.constantFrom(
      'outbound', 'tcp', '443', '0', '8443', '29876-29877', '2025-01-01', 'yes', 'True', 'FALSE', '~x', 'Storage.WestUS', 'AzureMachineLearning',
      '10.0.0.0/16', '172.16.0.4', 'fd00::4', '2001:db8::/48', 'a:b', 'http://x.y/z', 'pypi.org', '"*.pythonhosted.org"', "'quoted'", '"a # b"',
      "Microsoft's storage", 'raw.githubusercontent.com/x/*', 'a?b=c&d', 'a #b', 'a#b', '(note)', 'a, b', 'a [b] {c}', '[a, b]', '[443, 80]', '[]', '{}',
      '[{type: 8, code: 0}]', '[{type: 8}, {type: 0, code: 0}]', '[a,b]', '[a , b ]', '[ a ]', '{ a: 1, b: two }', '[10.0.0.4, fd00::4]', 'x "y"', 'x = y; z', 'a\\b',
    );
    const tricky = fc.constantFrom(
      '007', '-1', '+1', '1e3', '1_000', 'no', 'on', 'Null', '~', '::1', 'a: b', 'a:', '"a\\"b"', "'it''s'", '"x" y', '#a', '{a: [b]}', '[a, [b]]', '[a,]',
      '[a: b]', '[a:b]', '{a: b}', '{a:b}', '&anchor x', '*alias', '!tag x', '|', '>', '@x', '`x`', '%x', '"', "'", 'x | y', 'x > y', '.5', '.inf', '1.', '0o17',
      '0x1F', '',
    );
    // Values as people write them, and (one in five) the forms YAML treats specially: the reader must decline those
    // or read them as the package does.
    const value = fc.oneof({ arbitrary: usual, weight: 5 }, { arbitrary: tricky, weight: 1 });
    const key = fc.constantFrom('id', 'direction', 'protocol', 'ports', 'source', 'destination', 'purpose', 'icmp', 'version', 'name', 'a-b', 'x.y', 'on', 'true', '1', 'Yes');
    const comment = fc.constantFrom('', '', ' # note', '  # a: b', '#x');
    const entry = fc.tuple(key, value, comment).map(([k, v, c]) => `${k}: ${v}${c}`);
    const list = fc.tuple(key, fc.array(value, { minLength: 1, maxLength: 3 }), fc.constantFrom(0, 2)).map(([k, items, by]) => [`${k}:`, ...items.map((item) => `${' '.repeat(by)}- ${item}`)]);
    // A requirement: `- first: …` then the other entries under it, sometimes a nested mapping or list among them.
    const item = fc
      .tuple(entry, fc.array(fc.oneof(entry.map((line) => [line]), list, fc.tuple(key, fc.array(entry, { minLength: 1, maxLength: 2 })).map(([k, inner]) => [`${k}:`, ...inner.map((line) => `  ${line}`)])), { maxLength: 4 }), fc.constantFrom(1, 2, 3))
      .map(([first, rest, spaces]) => [`-${' '.repeat(spaces)}${first}`, ...rest.flat().map((line) => `${' '.repeat(1 + spaces)}${line}`)]);
    const requirements = fc.tuple(fc.constantFrom(0, 2), fc.array(item, { minLength: 1, maxLength: 3 })).map(([by, items]) => ['requirements:', ...items.flat().map((line) => `${' '.repeat(by)}${line}`)]);
    const document = fc.tuple(fc.array(entry, { maxLength: 2 }), requirements, fc.constantFrom([], ['# end'], ['', 'after: x'])).map(([head, body, tail]) => [...head, ...body, ...tail]);
    agreeOnDocuments(document, 40);
  });
});
