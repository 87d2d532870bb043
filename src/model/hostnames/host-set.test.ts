import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectBooleanAlgebra } from '../../../test/support/set-laws.js';
import { TagwallError } from '../../errors.js';
import { HostSet } from './host-set.js';
import { hostMatches, hostPatternCovers, normalizeHostname, type HostPattern } from './patterns.js';

// A small universe: patterns over the labels a, b, c with names and suffixes of depth ≤ 3 (built as HostPattern
// values, so the algebra is exercised even where validation would refuse `*.a`). Every region such a set can
// distinguish has a probe: each name of depth ≤ 3 (its `self`), a child with the unused label z (its `below`),
// names outside every pattern (`other`), names deeper than any pattern, and "no host". So two sets are equal
// exactly when they agree on the probes, and brute force over the probes is an exact oracle.
const LABELS = ['a', 'b', 'c'];
const NAMES: string[] = [];
for (const first of LABELS) {
  NAMES.push(first);
  for (const second of LABELS) {
    NAMES.push(`${second}.${first}`);
    for (const third of LABELS) NAMES.push(`${third}.${second}.${first}`);
  }
}
const PROBES: Array<string | undefined> = [
  undefined,
  ...NAMES,
  ...NAMES.map((name) => `z.${name}`),
  'z',
  'z.z',
  'a.z',
  'a.b.c.a',
  'c.c.c.c.c',
  'z.y.a.b.c',
];

/** The reference meaning of a pattern, by splitting into labels: independent of the code under test. */
function referenceMatch(pattern: HostPattern, host: string): boolean {
  if (pattern.kind === 'exact') return host === pattern.name;
  const hostLabels = host.split('.');
  const suffixLabels = pattern.suffix.split('.');
  return hostLabels.length > suffixLabels.length && hostLabels.slice(-suffixLabels.length).join('.') === pattern.suffix;
}

interface Modelled {
  readonly set: HostSet;
  readonly has: (host: string | undefined) => boolean;
  readonly text: string;
}

const arbPattern: fc.Arbitrary<HostPattern> = fc.oneof(
  fc.constantFrom(...NAMES).map((name): HostPattern => ({ kind: 'exact', name })),
  fc.constantFrom(...NAMES).map((suffix): HostPattern => ({ kind: 'wildcard', suffix })),
);

const leaf: fc.Arbitrary<Modelled> = fc.oneof(
  fc.constant<Modelled>({ set: HostSet.ANY, has: () => true, text: 'ANY' }),
  fc.constant<Modelled>({ set: HostSet.EMPTY, has: () => false, text: 'EMPTY' }),
  fc.constant<Modelled>({ set: HostSet.NO_HOST, has: (host) => host === undefined, text: 'NO_HOST' }),
  fc.constant<Modelled>({ set: HostSet.ANY_NAME, has: (host) => host !== undefined, text: 'ANY_NAME' }),
  fc.array(arbPattern, { maxLength: 4 }).map(
    (patterns): Modelled => ({
      set: HostSet.fromPatterns(patterns),
      has: (host) => host !== undefined && patterns.some((pattern) => referenceMatch(pattern, host)),
      text: JSON.stringify(patterns),
    }),
  ),
);

const { modelled: arbModelled } = fc.letrec<{ modelled: Modelled }>((tie) => ({
  modelled: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    tie('modelled').map((a) => ({ set: a.set.complement(), has: (h: string | undefined) => !a.has(h), text: `¬${a.text}` })),
    fc.tuple(tie('modelled'), tie('modelled')).map(([a, b]) => ({
      set: a.set.union(b.set),
      has: (h: string | undefined) => a.has(h) || b.has(h),
      text: `(${a.text} ∪ ${b.text})`,
    })),
    fc.tuple(tie('modelled'), tie('modelled')).map(([a, b]) => ({
      set: a.set.intersection(b.set),
      has: (h: string | undefined) => a.has(h) && b.has(h),
      text: `(${a.text} ∩ ${b.text})`,
    })),
    fc.tuple(tie('modelled'), tie('modelled')).map(([a, b]) => ({
      set: a.set.difference(b.set),
      has: (h: string | undefined) => a.has(h) && !b.has(h),
      text: `(${a.text} − ${b.text})`,
    })),
  ),
}));

const arbSet = arbModelled.map((modelled) => modelled.set);

function members(set: HostSet): boolean[] {
  return PROBES.map((probe) => set.has(probe));
}
function sameMembers(a: HostSet, b: HostSet): boolean {
  return members(a).every((bit, index) => bit === b.has(PROBES[index]));
}

describe('HostSet agrees with a brute-force model', () => {
  it('membership of every operation result matches the reference on every probe', () => {
    fc.assert(
      fc.property(arbModelled, ({ set, has }) => {
        for (const probe of PROBES) expect(set.has(probe), String(probe)).toBe(has(probe));
      }),
    );
  });

  it('equality is exactly equal membership', () => {
    // Pairs that are often equal: a set against a rewritten form of itself, or against an unrelated set.
    const pairs = fc.oneof(
      fc.tuple(arbSet, arbSet),
      fc.tuple(arbSet, arbSet).map(([a, b]) => [a, a.union(a.intersection(b))] as const),
      fc.tuple(arbSet, arbSet).map(([a, b]) => [a.difference(b), a.intersection(b.complement())] as const),
      fc.tuple(arbSet, arbSet).map(([a, b]) => [a.union(b), b.union(a.difference(b))] as const),
    );
    fc.assert(
      fc.property(pairs, ([a, b]) => {
        expect(a.equals(b)).toBe(sameMembers(a, b));
        if (a.equals(b)) expect(a.toString()).toBe(b.toString());
      }),
    );
  });

  it('isEmpty and isAny are exactly "no probe" and "every probe"', () => {
    fc.assert(
      fc.property(arbSet, (set) => {
        expect(set.isEmpty()).toBe(members(set).every((bit) => !bit));
        expect(set.isAny()).toBe(members(set).every((bit) => bit));
      }),
    );
  });

  it('isSubsetOf and overlaps match the probes', () => {
    fc.assert(
      fc.property(arbSet, arbSet, (a, b) => {
        expect(a.isSubsetOf(b)).toBe(PROBES.every((probe) => !a.has(probe) || b.has(probe)));
        expect(a.overlaps(b)).toBe(PROBES.some((probe) => a.has(probe) && b.has(probe)));
      }),
    );
  });
});

// overlaps and isSubsetOf answer the same set or any host on a side without walking the cells (issue 22).
describe('HostSet overlaps and isSubsetOf with the same set or any host', () => {
  it('match the probes', () => {
    const anyCopy = HostSet.ANY_NAME.union(HostSet.NO_HOST);
    fc.assert(
      fc.property(arbSet, (a) => {
        for (const [x, y] of [[a, a], [a, HostSet.ANY], [HostSet.ANY, a], [a, anyCopy], [anyCopy, a]] as const) {
          expect(x.isSubsetOf(y)).toBe(PROBES.every((probe) => !x.has(probe) || y.has(probe)));
          expect(x.overlaps(y)).toBe(PROBES.some((probe) => x.has(probe) && y.has(probe)));
        }
      }),
    );
  });
});

describe('HostSet laws', () => {
  it('obey the laws of a Boolean algebra; a ∪ ¬a is any', () => {
    fc.assert(
      fc.property(arbSet, arbSet, arbSet, (a, b, c) => {
        expectBooleanAlgebra(a, b, c);
        expect(a.union(a.complement()).isAny()).toBe(true);
      }),
    );
  });

  it('witness is a valid member of every non-empty set, and undefined exactly for the empty one', () => {
    fc.assert(
      fc.property(arbSet, (set) => {
        const witness = set.witness();
        expect(witness === undefined).toBe(set.isEmpty());
        if (witness === undefined) return;
        expect(set.has(witness.host)).toBe(true);
        if (witness.host !== undefined) expect(normalizeHostname(witness.host)).toBe(witness.host);
      }),
    );
  });

  it('hostPatternCovers agrees with set containment; hostMatches with membership', () => {
    fc.assert(
      fc.property(arbPattern, arbPattern, (outer, inner) => {
        const outerSet = HostSet.fromPatterns([outer]);
        expect(hostPatternCovers(outer, inner)).toBe(HostSet.fromPatterns([inner]).isSubsetOf(outerSet));
        for (const probe of PROBES) {
          if (probe !== undefined) expect(hostMatches(outer, probe)).toBe(outerSet.has(probe));
        }
      }),
    );
  });
});

describe('HostSet constants and text', () => {
  const of = (...patterns: string[]) => HostSet.fromPatterns(patterns);

  it('splits ANY into packets with and without a host name', () => {
    expect(HostSet.NO_HOST.union(HostSet.ANY_NAME).equals(HostSet.ANY)).toBe(true);
    expect(HostSet.NO_HOST.overlaps(HostSet.ANY_NAME)).toBe(false);
    expect(HostSet.NO_HOST.complement().equals(HostSet.ANY_NAME)).toBe(true);
    expect(HostSet.ANY.complement().equals(HostSet.EMPTY)).toBe(true);
    expect(of('x.com', '*.y.org').has(undefined)).toBe(false);
    expect(of().isEmpty()).toBe(true);
  });

  it('parses string patterns and lets their errors through', () => {
    expect(of('X.com.').has('x.com')).toBe(true);
    expect(of('*.x.com').has('A.B.X.COM.')).toBe(true);
    expect(of('*.x.com').has('x.com')).toBe(false);
    expect(() => of('*.co.uk')).toThrow(TagwallError);
  });

  it('keeps one canonical form however a set is built', () => {
    expect(of('*.x.com', 'a.x.com', '*.b.x.com').equals(of('*.x.com'))).toBe(true);
    expect(of('*.x.com').union(of('x.com')).difference(of('x.com')).equals(of('*.x.com'))).toBe(true);
    expect(of('*.x.com').equals(of('x.com'))).toBe(false);
  });

  it('prints readably and deterministically', () => {
    expect(HostSet.ANY.toString()).toBe('any');
    expect(HostSet.EMPTY.toString()).toBe('none');
    expect(HostSet.NO_HOST.toString()).toBe('no host');
    expect(HostSet.ANY_NAME.toString()).toBe('any name');
    expect(of('y.org', '*.x.com').toString()).toBe('*.x.com, y.org');
    expect(of('*.x.com').difference(of('a.x.com')).union(of('y.org')).toString()).toBe('*.x.com except a.x.com, y.org');
    expect(of('*.x.com').difference(of('a.x.com', '*.b.x.com')).union(of('c.b.x.com')).toString()).toBe(
      '*.x.com except (a.x.com, *.b.x.com), c.b.x.com',
    );
    expect(of('x.com', '*.x.com').union(HostSet.NO_HOST).toString()).toBe('x.com, *.x.com, no host');
    expect(HostSet.ANY.difference(of('x.com')).toString()).toBe('any except x.com');
    expect(HostSet.ANY_NAME.difference(of('*.x.com')).toString()).toBe('any name except *.x.com');
  });

  it('picks readable witnesses', () => {
    expect(of('pypi.org', '*.x.com').witness()).toEqual({ host: 'pypi.org' });
    expect(of('*.blob.core.windows.net').witness()).toEqual({ host: 'a.blob.core.windows.net' });
    expect(of('*.x.com').difference(of('a.x.com', '*.a.x.com')).witness()).toEqual({ host: 'b.x.com' });
    expect(HostSet.ANY.witness()).toEqual({ host: undefined });
    expect(HostSet.ANY.difference(of('x.com')).witness()).toEqual({ host: undefined });
    expect(HostSet.ANY_NAME.witness()).toEqual({ host: 'example.com' });
    const noCom = HostSet.ANY_NAME.difference(HostSet.fromPatterns([{ kind: 'exact', name: 'com' }, { kind: 'wildcard', suffix: 'com' }]));
    expect(noCom.witness()).toEqual({ host: 'example.net' });
    expect(HostSet.EMPTY.witness()).toBeUndefined();
  });
});
