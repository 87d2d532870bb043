/**
 * Rules share the sets of the addresses and ports they write out, read once per reader (parse.ts,
 * `literalAddresses`, `literalPorts`). This property ties that to reading them anew in every rule (LITERALS.eachTime):
 * the same rule set, or the same error at the same line, for rules that write the same text in both families, with
 * and without `!=`, as lists, comma-joined words and strings (a string holding a comma is not the list it spells).
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { outcome as read, type Outcome } from './outcome.test-support.js';
import { LITERALS } from './parse.js';

/** Mostly values that read, now and then one that fails (another family, out of range, a string's comma). */
const value = (good: readonly string[], bad: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...good) }, { weight: 1, arbitrary: fc.constantFrom(...bad) });
const ADDRESSES = {
  ip: value(['10.1.2.0/24', '10.1.2.3', '{ 10.1.2.0/24, 10.9.0.0/16 }', '10.1.2.0/24,10.9.0.0/16', '"10.1.2.0/24 10.9.0.0/16"', '10.1.2.0-10.1.2.9'], ['fc00::/7', '300.1.2.3']),
  ip6: value(['fc00::/7', '2001:db8::1', '{ fc00::/7, 2001:db8::/32 }', '"fc00::/7 2001:db8::/32"'], ['10.1.2.0/24', 'fc00::/129']),
};
const PORTS = value(['443', '80,443', '{ 80, 443 }', 'https', '1-1024', '{ ssh, 8000-8080 }'], ['"80,443"', '70000', '5-1']);

const address = fc.constantFrom('ip' as const, 'ip6' as const).chain((family) => fc.tuple(fc.constant(family), fc.constantFrom('saddr', 'daddr'), fc.boolean(), ADDRESSES[family]));
const port = fc.tuple(fc.constantFrom('tcp', 'udp', 'th'), fc.constantFrom('sport', 'dport'), fc.boolean(), PORTS);
const rule = fc
  .tuple(fc.option(address, { nil: undefined }), fc.option(port, { nil: undefined }), fc.constantFrom('accept', 'drop'))
  .map(([on, ports, verdict]) =>
    [
      on && `${on[0]} ${on[1]} ${on[2] ? '!= ' : ''}${on[3]}`,
      ports && `${ports[0]} ${ports[1]} ${ports[2] ? '!= ' : ''}${ports[3]}`,
      verdict,
    ]
      .filter(Boolean)
      .join(' '),
  );

function ruleset(rules: readonly string[]): string {
  return ['table inet t {', '\tchain o {', '\t\ttype filter hook output priority 0; policy drop;', ...rules.map((text) => `\t\t${text}`), '\t}', '}', ''].join('\n');
}

/** The outcome, with written-out values read anew in every rule (`eachTime`) or once per reader. */
function outcome(content: string, eachTime: boolean): Outcome {
  LITERALS.eachTime = eachTime;
  try {
    return read(content);
  } finally {
    LITERALS.eachTime = false;
  }
}

afterEach(() => {
  LITERALS.eachTime = false;
});

describe('values rules write out, read once', () => {
  it('give what reading them in every rule gives', () => {
    let read = 0;
    fc.assert(
      fc.property(fc.array(rule, { minLength: 1, maxLength: 6 }), (rules) => {
        const content = ruleset(rules);
        const once = outcome(content, false);
        if ('rules' in once) read++;
        expect(once).toEqual(outcome(content, true));
      }),
      { numRuns: 400 },
    );
    expect(read).toBeGreaterThan(100); // enough cases read, so the rules (not only errors) are compared
  });
});
