import { readdirSync, readFileSync, existsSync } from 'node:fs';
import fc from 'fast-check';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readPlainYaml } from './plain-yaml.js';

/** What the package reads, as parseTopology used it: undefined when it reports an error. */
function packageReads(text: string): unknown {
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  return document.errors.length > 0 ? undefined : document.toJS({ maxAliasCount: 100 });
}

/** The subset reader may decline anything; what it does read must be exactly the package's answer. */
function agrees(text: string): boolean {
  const plain = readPlainYaml(text);
  if (plain !== undefined) expect(plain).toStrictEqual(packageReads(text));
  return plain !== undefined;
}

describe('the plain YAML subset of topology files', () => {
  it('reads every topology fixture as the yaml package does', () => {
    const dirs = readdirSync('fixtures/paths').filter((dir) => existsSync(`fixtures/paths/${dir}/topology.yaml`));
    expect(dirs.length).toBeGreaterThan(0);
    for (const dir of dirs) expect(agrees(readFileSync(`fixtures/paths/${dir}/topology.yaml`, 'utf8'))).toBe(true);
  });

  it('declines what it cannot be sure of', () => {
    for (const text of [
      'a: 1\n',
      'a: null\n',
      'a:\n',
      'a: b\na: c\n',
      'a: "b"\n',
      'a: &x b\nc: *x\n',
      'a: b#c\n',
      'a: [x,\n  y]\n',
      'a: {b: {c: d}}\n',
      'a: b\n  c\n',
      'a:\n\tb: c\n',
      'a: 2001:db8::/32\n',
      '- a\n',
      'a: |\n  b\n',
      '---\na: b\n',
      'true: b\n',
      'a: b\r\n',
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
    let read = 0;
    fc.assert(
      fc.property(block, (lines) => {
        if (agrees(`${lines.join('\n')}\n`)) read++;
      }),
      { numRuns: 600, ...(process.env.CI ? { seed: 22 } : {}) },
    );
    // The generator must reach the reader's answers, not only its refusals.
    expect(read).toBeGreaterThan(20);
  });
});
