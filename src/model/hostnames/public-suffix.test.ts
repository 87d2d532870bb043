import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { listLines, moduleText, MODULE_PATH } from '../../../scripts/build-psl.js';
import { PUBLIC_SUFFIX_NODES } from './public-suffix-list.js';
import { publicSuffixOf, type PublicSuffixInfo } from './public-suffix.js';

/** The oracle: tldts (a devDependency), called exactly as publicSuffixOf called it before issue 22. */
const tldts = createRequire(import.meta.url)('tldts') as typeof import('tldts');
function tldtsPublicSuffixOf(name: string): PublicSuffixInfo {
  const result = tldts.parse(name, { allowPrivateDomains: true, extractHostname: false, detectIp: false, validateHostname: false, mixedInputs: false });
  const suffix = result.publicSuffix ?? name.slice(name.lastIndexOf('.') + 1);
  const kind = result.isIcann === true ? 'icann' : result.isPrivate === true ? 'private' : 'unlisted';
  return { suffix, kind };
}

/** Every key of the list's text (`city.kawasaki.jp`, `*.ck`, `!www.ck`), rules' and exceptions'. */
const KEYS = PUBLIC_SUFFIX_NODES.split('\n').filter((line) => line !== '').map((line) => line.slice(1));
const RULE_KEYS = KEYS.filter((key) => !key.startsWith('!'));
/** A name the key stands for: an exception without its `!`, a wildcard label as some label. */
const nameOf = (key: string, wildcardLabel = 'wild'): string => key.replace(/^!/, '').replace(/(^|\.)\*(?=\.|$)/g, `$1${wildcardLabel}`);
const LABELS = [...new Set(RULE_KEYS.flatMap((key) => key.split('.')))].filter((label) => label !== '*');

describe('public-suffix-list.ts', () => {
  it('is what `npm run psl` makes of the installed tldts (regenerate it after upgrading tldts)', () => {
    expect(readFileSync(MODULE_PATH, 'utf8')).toBe(moduleText(listLines()));
  });

  it('holds both sections, wildcards and exceptions, sorted as the lookup searches it', () => {
    const keys = new Set(KEYS);
    for (const key of ['com', 'co.uk', 'blob.core.windows.net', '*.ck', '!www.ck', '!city.kawasaki.jp']) expect(keys.has(key), key).toBe(true);
    expect(KEYS.every((key, index) => index === 0 || KEYS[index - 1]! < key)).toBe(true);
  });
});

describe('publicSuffixOf gives what tldts gives', () => {
  it('for every node of the list, a name one label under it and one two labels under it', () => {
    const differences: string[] = [];
    for (const key of KEYS) {
      for (const name of [nameOf(key), `a.${nameOf(key)}`, `b-2.xn--bcher-kva.${nameOf(key, 'xn--p1ai')}`]) {
        const [ours, theirs] = [publicSuffixOf(name), tldtsPublicSuffixOf(name)];
        if (ours.suffix !== theirs.suffix || ours.kind !== theirs.kind) differences.push(`${name}: ${JSON.stringify(ours)} != ${JSON.stringify(theirs)}`);
      }
    }
    expect(differences).toEqual([]);
    expect(KEYS.length).toBeGreaterThan(10_000);
  });

  it('for the cases tagwall meets and the edges of the walk', () => {
    const names = [
      'pypi.org', 'files.pythonhosted.org', 'storage.westus', 'azurecontainer.io', 'co.uk', 'x.co.uk', 'blob.core.windows.net',
      'acct.blob.core.windows.net', 'contoso.corp', 'corp', 'xn--p1ai', 'xn--80ak6aa92e.com', 'www.ck', 'a.www.ck', 'other.ck',
      'city.kawasaki.jp', 'a.city.kawasaki.jp', 'b.kawasaki.jp', 'a.b.c.d.e.kawasaki.jp', 'com.', 'co.uk..', '.', '..', '',
      '.com', 'a..com', 'x.bücher.de', 'COM', 'a.b.example.com',
    ];
    for (const name of names) expect(publicSuffixOf(name), name).toEqual(tldtsPublicSuffixOf(name));
  });

  it('for random names: rules of the list with labels put before them, and names of 1-5 labels of any kind', () => {
    const label = fc.oneof(
      fc.constantFrom(...LABELS),
      fc.constantFrom('a', 'www', 'city', 'contoso', 'westus', 'corp', 'internal', 'blob', 'core', 'windows', 'net', '*'),
      fc.stringMatching(/^xn--[a-z0-9]{1,8}$/),
      fc.stringMatching(/^[a-z0-9-]{1,10}$/),
    );
    const underRule = fc.tuple(fc.array(label, { maxLength: 3 }), fc.constantFrom(...RULE_KEYS), label).map(([before, key, wildcard]) => [...before, nameOf(key, wildcard)].join('.'));
    const anyLabels = fc.array(label, { minLength: 1, maxLength: 5 }).map((labels) => labels.join('.'));
    fc.assert(
      fc.property(fc.oneof(underRule, anyLabels), (name) => {
        expect(publicSuffixOf(name)).toEqual(tldtsPublicSuffixOf(name));
      }),
      { numRuns: 20_000 },
    );
  });
});
