/**
 * Where `add element` grows a set after rules were read, only the rules whose sets or chain changed since are read
 * again (parse.ts, `rereadGrown`). This property ties that to reading every rule of the table again: the same rule
 * set, or the same error at the same line, for tables whose rules name grown, redefined, dynamic and untouched sets,
 * in chains whose hook and conntrack placement change after their rules.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { outcome as read, type Outcome } from './outcome.test-support.js';
import { REREAD } from './parse.js';

const SETS = ['a', 'b', 'c'];

const setName = fc.constantFrom(...SETS);
const address = fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 32 })).map(([octet, bits]) => `${octet}.0.0.0/${bits}`);
const rule = fc.oneof(
  setName.map((name) => `ip daddr @${name} accept`),
  fc.tuple(setName, setName).map(([x, y]) => `ip saddr @${x} ip daddr @${y} drop`),
  setName.map((name) => `ip daddr @${name} ct state new accept`),
  setName.map((name) => `add @${name} { ip saddr } accept`),
  address.map((prefix) => `ip daddr ${prefix} accept`),
  fc.constant('ct state established,related accept'),
);
const chainHead = fc.constantFrom('type filter hook output priority 0; policy drop;', 'type filter hook output priority -300; policy drop;', 'type filter hook prerouting priority -300; policy accept;', '');
const statement = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(setName, fc.array(address, { minLength: 1, maxLength: 3 })).map(([name, items]) => `add element inet t ${name} { ${items.join(', ')} }`) },
  { weight: 1, arbitrary: fc.tuple(setName, fc.array(address, { minLength: 1, maxLength: 2 })).map(([name, items]) => `table inet t {\n\tset ${name} {\n\t\ttype ipv4_addr\n\t\tflags interval\n\t\telements = { ${items.join(', ')} }\n\t}\n}`) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('o', 'p'), chainHead, fc.array(rule, { maxLength: 3 })).map(([name, head, rules]) => `table inet t {\n\tchain ${name} {\n\t\t${[head, ...rules].filter(Boolean).join('\n\t\t')}\n\t}\n}`) },
);

function ruleset(statements: readonly string[]): string {
  const sets = SETS.map((name) => `\tset ${name} {\n\t\ttype ipv4_addr\n\t\tflags interval\n\t\telements = { 10.0.0.0/8 }\n\t}`);
  return ['table inet t {', ...sets, '}', ...statements, ''].join('\n');
}

/** The outcome, reading again every rule of a grown table (`everyRule`) or only those whose inputs changed. */
function outcome(content: string, everyRule: boolean): Outcome {
  REREAD.everyRule = everyRule;
  try {
    return read(content);
  } finally {
    REREAD.everyRule = false;
  }
}

afterEach(() => {
  REREAD.everyRule = false;
});

describe('rules read again after add element', () => {
  it('give what reading every rule again gives', () => {
    let read = 0;
    fc.assert(
      fc.property(fc.array(statement, { minLength: 1, maxLength: 8 }), (statements) => {
        const content = ruleset(statements);
        const selective = outcome(content, false);
        if ('rules' in selective) read++;
        expect(selective).toEqual(outcome(content, true));
      }),
      { numRuns: 300 },
    );
    expect(read).toBeGreaterThan(50); // most cases read, so the rules (not only errors) are compared
  });
});
