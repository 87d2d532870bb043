import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import * as psl from 'psl';
import { describe, expect, it } from 'vitest';
import { TagwallError, type ErrorCode } from '../../errors.js';
import {
  checkHostPattern,
  formatHostPattern,
  hostMatches,
  hostPatternCovers,
  normalizeHostname,
  parseHostPattern,
  parseVettedHostPattern,
  type HostPattern,
} from './patterns.js';
import { publicSuffixOf } from './public-suffix.js';
import { runCountingSuffixLookups } from './lookups.test-support.js';

function errorOf(run: () => unknown): TagwallError {
  try {
    run();
  } catch (error) {
    if (error instanceof TagwallError) return error;
    throw error;
  }
  throw new Error('expected a TagwallError, got a result');
}

describe('parseHostPattern: rejects', () => {
  const cases: Array<[input: string, code: ErrorCode, column: number | undefined, mentions: string]> = [
    ['*.com', 'TW_WILDCARD_PUBLIC_SUFFIX', 1, "'com'"],
    ['*.co.uk', 'TW_WILDCARD_PUBLIC_SUFFIX', 1, "'co.uk'"],
    ['*.corp', 'TW_WILDCARD_PUBLIC_SUFFIX', 1, "'corp'"],
    ['*.a.kawasaki.jp', 'TW_WILDCARD_PUBLIC_SUFFIX', 1, "'a.kawasaki.jp'"], // PSL wildcard rule *.kawasaki.jp
    ['*', 'TW_INVALID_HOSTNAME', 1, "bare '*'"],
    ['*.', 'TW_INVALID_HOSTNAME', 1, "bare '*'"],
    ['', 'TW_INVALID_HOSTNAME', undefined, 'empty'],
    ['.', 'TW_INVALID_HOSTNAME', undefined, 'empty'],
    ['a..x.com', 'TW_INVALID_HOSTNAME', 3, 'empty label at column 3'],
    ['.x.com', 'TW_INVALID_HOSTNAME', 1, 'empty label at column 1'],
    ['x.com..', 'TW_INVALID_HOSTNAME', 7, 'empty label at column 7'],
    ['*..x.com', 'TW_INVALID_HOSTNAME', 3, 'empty label'],
    ['a b.x.com', 'TW_INVALID_HOSTNAME', 2, 'character " " at column 2'],
    [' x.com', 'TW_INVALID_HOSTNAME', 1, 'character " " at column 1'],
    ['x.com/path', 'TW_INVALID_HOSTNAME', 6, 'character "/" at column 6'],
    ['x.c_m', 'TW_INVALID_HOSTNAME', 4, "'_' at column 4"],
    ['a*.x.com', 'TW_INVALID_HOSTNAME', 2, "'*' at column 2"],
    ['x.*.com', 'TW_INVALID_HOSTNAME', 3, "'*' at column 3"],
    ['*.*.x.com', 'TW_INVALID_HOSTNAME', 3, "'*' at column 3"],
    ['**.x.com', 'TW_INVALID_HOSTNAME', 1, "'*' at column 1"],
    ['-a.x.com', 'TW_INVALID_HOSTNAME', 1, "label '-a' at column 1"],
    ['a.x-.com', 'TW_INVALID_HOSTNAME', 3, "label 'x-' at column 3"],
    [`${'a'.repeat(64)}.com`, 'TW_INVALID_HOSTNAME', 1, '64 characters long; at most 63'],
    [`${'a.'.repeat(125)}coms`, 'TW_INVALID_HOSTNAME', undefined, '254 characters long; at most 253'],
    [`*.${'a.'.repeat(124)}coms`, 'TW_INVALID_HOSTNAME', undefined, 'no name of at most 253'],
    ['10.0.0.1', 'TW_INVALID_HOSTNAME', undefined, 'IP address'],
    ['[::1]', 'TW_INVALID_HOSTNAME', undefined, 'IP address'],
    ['::1', 'TW_INVALID_HOSTNAME', undefined, 'IP address'],
    ['2001:db8::1', 'TW_INVALID_HOSTNAME', undefined, 'IP address'],
    ['1.2.3', 'TW_INVALID_HOSTNAME', undefined, 'IP address'], // URL parsers read it as 1.2.0.3
    ['0x7f.1', 'TW_INVALID_HOSTNAME', undefined, 'IP address'],
    ['x.123', 'TW_INVALID_HOSTNAME', 3, "top-level label '123'"],
    ['xn--a.com', 'TW_INVALID_HOSTNAME', 1, 'punycode'],
    ['⒈com', 'TW_INVALID_HOSTNAME', 1, 'IDNA'], // maps to "1.com": a hidden extra dot
    ['a\u200d.com', 'TW_INVALID_HOSTNAME', 1, 'IDNA'],
    ['ａ＊.com', 'TW_INVALID_HOSTNAME', 1, "maps to 'a*'"],
  ];
  it.each(cases)('%j → %s', (input, code, column, mentions) => {
    const error = errorOf(() => parseHostPattern(input));
    expect(error.code).toBe(code);
    expect(error.location?.column).toBe(column);
    expect(error.message).toContain(mentions);
  });

  it('refuses every text node:net calls an address, plain or bracketed (net is asked only of text that can be one)', () => {
    const address = fc.oneof(fc.ipV4(), fc.ipV6(), fc.ipV4Extended(), fc.ipV6().map((ip) => `${ip}%eth0`));
    const text = fc.oneof(address, address.map((ip) => `[${ip}]`), address.map((ip) => `${ip}.`), fc.string(), fc.domain());
    fc.assert(
      fc.property(text, (candidate) => {
        const body = candidate.endsWith('.') ? candidate.slice(0, -1) : candidate;
        const inner = /^\[(.*)\]$/.exec(body)?.[1];
        if (isIP(body) === 0 && (inner === undefined || isIP(inner) !== 6)) return;
        expect(() => parseHostPattern(candidate)).toThrow(/IP address/);
      }),
      { numRuns: 500 },
    );
  });

  it('names the input in every message', () => {
    expect(errorOf(() => parseHostPattern('a..x.com')).describe()).toBe('column 3: host name "a..x.com": empty label at column 3');
  });
});

describe('parseHostPattern: accepts and normalises', () => {
  const cases: Array<[input: string, expected: HostPattern]> = [
    ['x.com', { kind: 'exact', name: 'x.com' }],
    ['X.Com.', { kind: 'exact', name: 'x.com' }],
    ['*.X.COM.', { kind: 'wildcard', suffix: 'x.com' }],
    ['*.instances.azureml.ms', { kind: 'wildcard', suffix: 'instances.azureml.ms' }],
    ['westeurope.tundra.azureml.ms', { kind: 'exact', name: 'westeurope.tundra.azureml.ms' }],
    ['*.core.windows.net', { kind: 'wildcard', suffix: 'core.windows.net' }],
    ['*.city.kawasaki.jp', { kind: 'wildcard', suffix: 'city.kawasaki.jp' }], // PSL exception rule !city.kawasaki.jp
    ['_dmarc.x.com', { kind: 'exact', name: '_dmarc.x.com' }],
    ['*._tcp.x.com', { kind: 'wildcard', suffix: '_tcp.x.com' }],
    ['r3---sn-abc.googlevideo.com', { kind: 'exact', name: 'r3---sn-abc.googlevideo.com' }],
    ['localhost', { kind: 'exact', name: 'localhost' }],
    ['co.uk', { kind: 'exact', name: 'co.uk' }], // an exact name is one host, whatever its zone
    ['bücher.de', { kind: 'exact', name: 'xn--bcher-kva.de' }],
    ['*.BÜCHER.de', { kind: 'wildcard', suffix: 'xn--bcher-kva.de' }],
    ['xn--bcher-kva.de', { kind: 'exact', name: 'xn--bcher-kva.de' }],
    ['straße.de', { kind: 'exact', name: 'xn--strae-oqa.de' }], // non-transitional: ß is kept, not mapped to ss
    ['例え。テスト', { kind: 'exact', name: 'xn--r8jz45g.xn--zckzah' }], // ideographic full stop separates labels
    [`${'a'.repeat(63)}.com`, { kind: 'exact', name: `${'a'.repeat(63)}.com` }],
    [`${'a.'.repeat(125)}com`, { kind: 'exact', name: `${'a.'.repeat(125)}com` }], // 253 characters
    [`*.${'a.'.repeat(124)}com`, { kind: 'wildcard', suffix: `${'a.'.repeat(124)}com` }], // a.<suffix> is 253
  ];
  it.each(cases)('%j', (input, expected) => {
    expect(parseHostPattern(input)).toEqual(expected);
  });

  it('notes a wildcard over a private public suffix', () => {
    for (const text of ['*.blob.core.windows.net', '*.azurewebsites.net', '*.github.io']) {
      const { pattern, notes } = checkHostPattern(text);
      expect(pattern.kind).toBe('wildcard');
      expect(notes).toHaveLength(1);
      expect(notes[0]).toContain('private public suffix');
    }
  });

  it('notes a wildcard under a top-level label the Public Suffix List does not know', () => {
    const { notes } = checkHostPattern('*.contoso.corp');
    expect(notes).toEqual([expect.stringContaining("'corp' is not a top-level domain")]);
  });

  it('notes an IDN conversion and nothing for a plain name', () => {
    expect(checkHostPattern('bücher.de').notes).toEqual([expect.stringContaining("'xn--bcher-kva.de'")]);
    expect(checkHostPattern('*.instances.azureml.ms').notes).toEqual([]);
    expect(checkHostPattern('pypi.org').notes).toEqual([]);
  });
});

describe('normalizeHostname', () => {
  it('lower-cases, strips one trailing dot, converts IDN', () => {
    expect(normalizeHostname('PyPI.org.')).toBe('pypi.org');
    expect(normalizeHostname('Bücher.DE')).toBe('xn--bcher-kva.de');
  });
  it('refuses wildcards', () => {
    const error = errorOf(() => normalizeHostname('*.x.com'));
    expect(error.code).toBe('TW_INVALID_HOSTNAME');
    expect(error.message).toContain('not a wildcard');
  });
});

describe('Azure Firewall wildcard semantics', () => {
  const star = parseHostPattern('*.x.com');
  const matches = (host: string) => hostMatches(star, normalizeHostname(host));
  it('*.x.com matches names at any depth below x.com', () => {
    expect(matches('a.x.com')).toBe(true);
    expect(matches('a.b.x.com')).toBe(true);
    expect(matches('a.b.c.d.x.com')).toBe(true);
  });
  it('*.x.com never matches the apex, a longer label, or another domain', () => {
    expect(matches('x.com')).toBe(false);
    expect(matches('ax.com')).toBe(false);
    expect(matches('a.x.co')).toBe(false);
    expect(matches('x.com.evil.net')).toBe(false);
  });
  it('is case-insensitive and ignores a trailing dot, through normalisation', () => {
    expect(matches('A.X.COM')).toBe(true);
    expect(matches('a.x.com.')).toBe(true);
    expect(hostMatches(parseHostPattern('X.com.'), normalizeHostname('x.COM'))).toBe(true);
  });
  it('an exact name matches only itself', () => {
    const exact = parseHostPattern('x.com');
    expect(hostMatches(exact, 'x.com')).toBe(true);
    expect(hostMatches(exact, 'a.x.com')).toBe(false);
  });
  it('containment follows the same rule', () => {
    const covers = (outer: string, inner: string) => hostPatternCovers(parseHostPattern(outer), parseHostPattern(inner));
    expect(covers('*.x.com', '*.x.com')).toBe(true);
    expect(covers('*.x.com', '*.a.x.com')).toBe(true);
    expect(covers('*.x.com', 'a.b.x.com')).toBe(true);
    expect(covers('*.x.com', 'x.com')).toBe(false);
    expect(covers('*.a.x.com', '*.x.com')).toBe(false);
    expect(covers('x.com', '*.x.com')).toBe(false);
    expect(covers('x.com', 'X.com.')).toBe(true);
  });
  it('formats back to what parses to the same pattern', () => {
    expect(formatHostPattern(star)).toBe('*.x.com');
    expect(formatHostPattern(parseHostPattern('X.com.'))).toBe('x.com');
  });
});

describe('public suffixes', () => {
  // psl is an independent oracle here: it agrees with tldts (private domains on) about *where* the suffix is, and
  // what it cannot say (ICANN or PRIVATE) is why the list comes from tldts (public-suffix.test.ts: tldts' answers).
  const SAMPLE = [
    'x.co.uk', 'co.uk', 'a.b.example.com', 'blob.core.windows.net', 'acct.blob.core.windows.net',
    'core.windows.net', 'app.azurewebsites.net', 'westeurope.tundra.azureml.ms', 'a.kawasaki.jp',
    'b.a.kawasaki.jp', 'city.kawasaki.jp', 'user.github.io', 'x.corp', 'a.b.internal', 'xn--bcher-kva.de',
  ];
  it.each(SAMPLE)('psl and publicSuffixOf agree on the suffix of %s', (name) => {
    const oracle = psl.parse(name);
    if (oracle.error) throw new Error(`psl rejected ${name}: ${oracle.error.message}`);
    expect(publicSuffixOf(name).suffix).toBe(oracle.tld);
  });

  it('psl treats a private suffix like an ICANN one; publicSuffixOf (the list as tldts has it) tells them apart', () => {
    expect(psl.get('co.uk')).toBeNull();
    expect(psl.get('blob.core.windows.net')).toBeNull();
    expect(publicSuffixOf('co.uk').kind).toBe('icann');
    expect(publicSuffixOf('blob.core.windows.net').kind).toBe('private');
    expect(publicSuffixOf('contoso.corp')).toEqual({ suffix: 'corp', kind: 'unlisted' });
  });

  it('looks a name up only when a wildcard needs it, and never loads tldts (only the generator of the list uses it)', () => {
    const entry = fileURLToPath(new URL('../hostnames.ts', import.meta.url));
    const script = (wildcard: boolean): string => `
      import { createRequire } from 'node:module';
      const { parseHostPattern } = await import(${JSON.stringify(entry)});
      parseHostPattern('x.com'); parseHostPattern('bücher.de');
      try { parseHostPattern('*.corp'); } catch {}
      ${wildcard ? "parseHostPattern('*.x.com');" : ''}
      console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache).filter((path) => /[\\\\/]tldts/.test(path))));`;
    for (const [wildcard, lookups] of [[false, 0], [true, 1]] as const) {
      const run = runCountingSuffixLookups(script(wildcard));
      expect(run.stderr).toBe('');
      expect(JSON.parse(run.stdout)).toEqual([]);
      expect(run.lookups, `wildcard: ${wildcard}`).toBe(lookups);
    }
  });
});

describe('suffixes already proved are not looked up again', () => {
  /** What a call gives: its pattern, or its error's code and message. */
  const outcome = (run: () => HostPattern): unknown => {
    try {
      return run();
    } catch (error) {
      if (error instanceof TagwallError) return [error.code, error.message];
      throw error;
    }
  };

  it('parseHostPattern gives what the full check gives, whatever was parsed or vetted before', () => {
    // Public suffixes (ICANN and private), names under them, unlisted zones, top-level labels; each written
    // several ways that normalise to the same suffix.
    const suffixes = ['co.uk', 'x.co.uk', 'com', 'corp', 'contoso.corp', 'blob.core.windows.net', 'a.blob.core.windows.net', 'github.io', 'user.github.io', 'westus.batch.azure.com', 'kawasaki.jp', 'city.kawasaki.jp'];
    const written = fc.tuple(fc.constantFrom(...suffixes), fc.constantFrom('', '.'), fc.boolean()).map(([suffix, dot, upper]) => `*.${upper ? suffix.toUpperCase() : suffix}${dot}`);
    const call = fc.tuple(fc.constantFrom('parse', 'check', 'vet'), fc.oneof(written, fc.constantFrom(...suffixes)));
    fc.assert(
      fc.property(fc.array(call, { maxLength: 12 }), (calls) => {
        for (const [kind, text] of calls) {
          const full = outcome(() => checkHostPattern(text).pattern);
          if (kind === 'parse') expect(outcome(() => parseHostPattern(text)), text).toEqual(full);
          // Vetting vouches for what the full check passes (catalogue.test.ts proves it for the catalogue's hosts).
          else if (kind === 'vet' && !Array.isArray(full)) parseVettedHostPattern(text);
        }
      }),
      { seed: 22, numRuns: 300 },
    );
  });

  it('a vetted or checked suffix is parsed again without a lookup; any other is looked up', () => {
    const entry = fileURLToPath(new URL('../hostnames.ts', import.meta.url));
    const script = (other: boolean): string => `
      const { parseHostPattern, parseVettedHostPattern } = await import(${JSON.stringify(entry)});
      parseVettedHostPattern('*.westus.batch.azure.com');
      parseHostPattern('*.WestUS.batch.azure.com.');
      let refused = false;
      ${other ? "try { parseHostPattern('*.co.uk'); } catch (error) { refused = error.code === 'TW_WILDCARD_PUBLIC_SUFFIX'; }" : ''}
      console.log(JSON.stringify(refused));`;
    for (const [other, lookups] of [[false, 0], [true, 1]] as const) {
      const run = runCountingSuffixLookups(script(other));
      expect(run.stderr).toBe('');
      expect(JSON.parse(run.stdout)).toBe(other);
      expect(run.lookups, `other: ${other}`).toBe(lookups);
    }
  });
});

describe('fuzz: only TagwallError escapes, and what parses is stable', () => {
  const hostish = fc.string({
    unit: fc.constantFrom('a', 'B', 'z', '0', '9', '-', '_', '.', '.', '*', ' ', 'ü', 'ß', '。', '⒈', '\u200d', ':', '['),
    maxLength: 20,
  });
  const inputs = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), hostish);

  it('parseHostPattern', () => {
    fc.assert(
      fc.property(inputs, (text) => {
        let pattern: HostPattern;
        try {
          pattern = parseHostPattern(text);
        } catch (error) {
          if (error instanceof TagwallError) return;
          throw error;
        }
        // A parsed pattern is in normal form: formatting and parsing again changes nothing.
        expect(parseHostPattern(formatHostPattern(pattern))).toEqual(pattern);
      }),
    );
  });

  it('normalizeHostname', () => {
    fc.assert(
      fc.property(inputs, (text) => {
        let name: string;
        try {
          name = normalizeHostname(text);
        } catch (error) {
          if (error instanceof TagwallError) return;
          throw error;
        }
        expect(normalizeHostname(name)).toBe(name);
        expect(name).toMatch(/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/);
      }),
    );
  });
});
