import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FAMILIES, familyFor } from './families.js';
import { FAMILY_FALLBACK, FAMILY_MISS, fullBundleOnMiss, isFamilyMiss } from './family-miss.js';

describe('familyFor: which family bundle runs a command line', () => {
  it('picks a family only on an exact command and, for render, exactly one netfilter target', () => {
    const cases: Array<[string, string | undefined]> = [
      ['snapshot diff a.json b.json', 'snapshot'],
      ['snapshot info --json', 'snapshot'],
      ['snapshot', 'snapshot'],
      ['snapshot import f.json', 'snapshot'],
      ['snapshot fetch', undefined],
      ['snapshot fetch --help', undefined],
      ['expand Storage.WestUS', 'snapshot'],
      ['tags --region westus', 'snapshot'],
      ['targets', undefined],
      ['--json expand Storage.WestUS', undefined],
      ['render --scenario s --region westus --target nftables', 'netfilter'],
      ['render --target=iptables --scenario s', 'netfilter'],
      ['render --target NFTABLES', undefined],
      ['render --target nftables --target iptables', undefined],
      ['render --target nftables --target=nftables', undefined],
      ['render --target nftables,iptables', undefined],
      ['render --target nsg', undefined],
      ['render --target all', undefined],
      ['render --target', undefined],
      ['render --scenario s', undefined],
      ['check --target nftables --config a.nft', undefined],
      ['render --project p.yaml --target nftables', undefined],
      ['render --target nftables --project=p.yaml', undefined],
      ['impact --from a --to b', undefined],
      ['', undefined],
    ];
    for (const [line, family] of cases) expect(familyFor(line === '' ? [] : line.split(' ')), line).toBe(family);
  });

  it('takes the full bundle for render when a project file is here (the project runner is not in the family)', () => {
    let asked = 0;
    const here = (answer: boolean) => () => ((asked += 1), answer);
    expect(familyFor(['render', '--target', 'nftables'], here(true))).toBeUndefined();
    expect(familyFor(['render', '--target', 'nftables'], here(false))).toBe('netfilter');
    // Asked only for a render the family could run: other commands never look at the file system.
    expect(familyFor(['expand', 'Storage.WestUS'], here(true))).toBe('snapshot');
    expect(familyFor(['render', '--target', 'nsg'], here(true))).toBeUndefined();
    expect(asked).toBe(2);
  });

  it('never picks a family for a command whose module it does not hold, whatever the other words', () => {
    // The command words the CLI has, and the module each runs (lazy-commands.ts): a family must hold it.
    const moduleOf: Record<string, string> = { expand: 'expand', tags: 'tags', snapshot: 'snapshot', render: 'render', targets: 'targets', check: 'analysis', equiv: 'analysis', impact: 'impact', path: 'path', catalog: 'catalog' };
    const word = fc.constantFrom('--target', '--target=nftables', '--target=nsg', 'nftables', 'iptables', 'nsg', 'all', 'fetch', 'info', 'diff', '--json', '-o', 'x');
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(moduleOf)), fc.array(word, { maxLength: 6 }), (command, rest) => {
        const argv = [command, ...rest];
        const family = familyFor(argv);
        if (family === undefined) return;
        const held: readonly string[] = FAMILIES[family].commands;
        expect(held).toContain(command === 'snapshot' && rest[0] === 'fetch' ? 'snapshot-fetch' : moduleOf[command]);
        if (command === 'render') {
          // One target named, and a kit the family holds.
          const named = argv.flatMap((w, i) => (w === '--target' ? [argv[i + 1]] : w.startsWith('--target=') ? [w.slice(9)] : []));
          expect(named).toHaveLength(1);
          expect(FAMILIES.netfilter.kits.map((kit) => kit.split('/')[1])).toContain(named[0]);
        }
      }),
    );
  });
});

describe('a family miss', () => {
  const sentinel = (): Error => Object.assign(new Error('not in this family bundle'), { [Symbol.for('tagwall.cli.familyMiss')]: true });

  it('is told by its mark, which is the one the build writes into the stubs', () => {
    expect(FAMILY_MISS).toBe(Symbol.for('tagwall.cli.familyMiss'));
    expect(isFamilyMiss(sentinel())).toBe(true);
    expect(isFamilyMiss(new Error('other'))).toBe(false);
    expect(isFamilyMiss(undefined)).toBe(false);
    expect(isFamilyMiss('not in this family bundle')).toBe(false);
  });

  it('runs the lent fallback once per miss and never settles; anything else, or no fallback, is rethrown', async () => {
    const holder = globalThis as { [FAMILY_FALLBACK]?: unknown };
    const other = new Error('other');
    expect(() => fullBundleOnMiss(sentinel())).toThrow('not in this family bundle');
    let calls = 0;
    holder[FAMILY_FALLBACK] = () => void (calls += 1);
    try {
      expect(() => fullBundleOnMiss(other)).toThrow(other);
      expect(calls).toBe(0);
      const pending = fullBundleOnMiss(sentinel());
      expect(calls).toBe(1);
      const settled = await Promise.race([pending.then(() => 'settled', () => 'settled'), new Promise((resolve) => setTimeout(() => resolve('pending'), 20))]);
      expect(settled).toBe('pending');
    } finally {
      delete holder[FAMILY_FALLBACK];
    }
  });
});
