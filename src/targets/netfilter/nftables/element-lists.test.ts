/**
 * A set's plain element list is kept as one token and split when read (parse.ts, `plainElementList`). These
 * properties tie that path to the token-per-element one it replaced: the same list, made to take the old path by a
 * comment after its `{` (which changes no line), reads to the same rule set, or fails with the same error at the
 * same line, for sets declared in a table and grown by `add element`, addresses of both families and ports.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { outcome } from './outcome.test-support.js';
import { tokenize } from './parse.js';

const octet = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.tuple(octet, octet, octet, octet).map((parts) => parts.join('.'));
const hextet = fc.integer({ min: 0, max: 0xffff }).map((value) => value.toString(16));
const ipv6 = fc.oneof(
  fc.array(hextet, { minLength: 8, maxLength: 8 }).map((parts) => parts.join(':')),
  fc.tuple(hextet, hextet).map(([a, b]) => `${a}::${b}`),
  fc.constant('::'),
  fc.constant('::1'),
);
/** Addresses, prefixes (/0 to one past the longest) and ranges of one family, now and then a wrong one. */
const element = (family: 'ipv4' | 'ipv6'): fc.Arbitrary<string> => {
  const address = family === 'ipv4' ? ipv4 : ipv6;
  const bits = family === 'ipv4' ? 32 : 128;
  return fc.oneof(
    { weight: 4, arbitrary: address },
    { weight: 4, arbitrary: fc.tuple(address, fc.integer({ min: 0, max: bits })).map(([a, n]) => `${a}/${n}`) },
    { weight: 2, arbitrary: fc.tuple(address, address).map(([a, b]) => `${a}-${b}`) },
    { weight: 1, arbitrary: fc.constantFrom('300.1.2.3', '1.2.3.4/33', 'fe80::/129', '1.2.3', 'abc', '1-', '-') },
    { weight: 1, arbitrary: family === 'ipv4' ? ipv6 : ipv4 },
  );
};
const port = fc.oneof(
  fc.integer({ min: 0, max: 65535 }).map(String),
  fc.tuple(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 65535 })).map(([a, b]) => `${a}-${b}`),
  fc.constantFrom('70000', '5-1', '1-2-3'),
);
/** What nft and people put between elements. */
const separator = fc.constantFrom(', ', ',', ' , ', ',\n\t\t\t', ',\n', ' ,\r\n  ', '\n, ');

/** A list as it sits between `{` and `}`: always from a new line, so a comment can follow the `{` on its line. */
const list = (item: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.tuple(fc.array(fc.tuple(item, separator), { minLength: 0, maxLength: 12 }), item, fc.constantFrom('', ',', ' ', '\n\t', ',\n')).map(
    ([pairs, last, tail]) => `\n\t\t\t${pairs.map(([text, sep]) => `${text}${sep}`).join('')}${last}${tail}`,
  );

interface Case {
  readonly type: 'ipv4_addr' | 'ipv6_addr' | 'inet_service';
  readonly declared: string;
  readonly added: string | undefined;
}

const cases: fc.Arbitrary<Case> = fc.constantFrom('ipv4_addr', 'ipv6_addr', 'inet_service').chain((type) => {
  const item = type === 'inet_service' ? port : element(type === 'ipv4_addr' ? 'ipv4' : 'ipv6');
  return fc.record({ type: fc.constant(type), declared: list(item), added: fc.option(list(item), { nil: undefined }) });
});

/** The ruleset; `slow`: a comment after each list's `{`, which keeps it off the whole-list path and moves no line. */
function ruleset({ type, declared, added }: Case, slow: boolean): string {
  const open = slow ? '{ # a comment' : '{';
  const key = type === 'inet_service' ? 'tcp dport' : type === 'ipv4_addr' ? 'ip daddr' : 'ip6 daddr';
  return [
    'table inet t {',
    '\tset s {',
    `\t\ttype ${type}`,
    '\t\tflags interval',
    `\t\telements = ${open}${declared}}`,
    '\t}',
    '\tchain o {',
    '\t\ttype filter hook output priority 0; policy drop;',
    `\t\t${key} @s accept`,
    '\t}',
    '}',
    ...(added === undefined ? [] : [`add element inet t s ${open}${added}}`]),
    '',
  ].join('\n');
}

describe('nft element lists read whole', () => {
  it('read to the same rule set, or the same error at the same line, as element by element', () => {
    fc.assert(
      fc.property(cases, (entry) => {
        expect(outcome(ruleset(entry, false))).toEqual(outcome(ruleset(entry, true)));
      }),
      { numRuns: 400 },
    );
  });

  it('take the whole-list path only where the reader takes a list whole', () => {
    const kinds = (content: string): string[] => tokenize(content, 'f').map((token) => token.kind);
    const plain = { type: 'ipv4_addr', declared: '\n1.2.3.4, 10.0.0.0/8\n', added: '\n5.6.7.8\n' } as const;
    expect(kinds(ruleset(plain, false)).filter((kind) => kind === 'elements')).toHaveLength(2);
    expect(kinds(ruleset(plain, true))).not.toContain('elements');
    // An anonymous set in a rule, a list with names, and `elements =` outside a set's body stay word by word.
    expect(kinds('table inet t {\n\tchain o {\n\t\tip daddr { 1.2.3.4, 5.6.7.8 } accept\n\t}\n}\n')).not.toContain('elements');
    expect(kinds('table inet t {\n\tset s {\n\t\ttype inet_service\n\t\telements = { ssh, 443 }\n\t}\n}\n')).not.toContain('elements');
    expect(kinds('table inet t {\n\tchain c {\n\t\telements = { 1.2.3.4 }\n\t}\n}\n')).not.toContain('elements');
    expect(kinds('set s {\n\telements = { 1.2.3.4 }\n}\n')).not.toContain('elements');
  });

  it('keeps the lines of what follows a multi-line list', () => {
    const content = 'table inet t {\n\tset s {\n\t\ttype ipv4_addr\n\t\telements = {\n\t\t\t1.2.3.4,\n\t\t\t5.6.7.8\n\t\t}\n\t\tbogus\n\t}\n}\n';
    expect(outcome(content)).toEqual(outcome(content.replace('elements = {', 'elements = { # a comment')));
    expect(outcome(content)).toMatchObject({ error: ['TW_UNSUPPORTED_CONFIG', "set s: 'bogus' is not supported", { file: 'f.nft', line: 8 }] });
  });
});
