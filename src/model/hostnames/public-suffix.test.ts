import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listLines, listText, LIST_PATH } from '../../../scripts/build-psl.js';
import { publicSuffixOf, type PublicSuffixInfo } from './public-suffix.js';

/** The oracle: tldts (a devDependency), called exactly as publicSuffixOf called it before issue 22. */
const tldts = createRequire(import.meta.url)('tldts') as typeof import('tldts');
function tldtsPublicSuffixOf(name: string): PublicSuffixInfo {
  const result = tldts.parse(name, { allowPrivateDomains: true, extractHostname: false, detectIp: false, validateHostname: false, mixedInputs: false });
  const suffix = result.publicSuffix ?? name.slice(name.lastIndexOf('.') + 1);
  const kind = result.isIcann === true ? 'icann' : result.isPrivate === true ? 'private' : 'unlisted';
  return { suffix, kind };
}

/** The keys of each trie of the committed list (`city.kawasaki.jp`, `*.ck`): its sections after the `#` header. */
const [EXCEPTION_KEYS, RULE_KEYS] = readFileSync(LIST_PATH, 'latin1').split('\n\n').slice(1).map((section) => section.split('\n').filter((line) => line !== '').map((line) => line.slice(1))) as [string[], string[]];
const KEYS = [...RULE_KEYS, ...EXCEPTION_KEYS];
/** A name the key stands for, a wildcard label as some label. */
const nameOf = (key: string, wildcardLabel = 'wild'): string => key.replace(/(^|\.)\*(?=\.|$)/g, `$1${wildcardLabel}`);
const LABELS = [...new Set(RULE_KEYS.flatMap((key) => key.split('.')))].filter((label) => label !== '*');

describe('public-suffix-list.txt', () => {
  it('is what `npm run psl` makes of the installed tldts (regenerate it after upgrading tldts)', () => {
    expect(readFileSync(LIST_PATH, 'utf8')).toBe(listText(listLines()));
  });

  it('holds both sections, wildcards and exceptions, in ASCII, sorted as the lookup searches them', () => {
    for (const key of ['com', 'co.uk', 'blob.core.windows.net', '*.ck', 'xn--p1ai']) expect(RULE_KEYS, key).toContain(key);
    for (const key of ['www.ck', 'city.kawasaki.jp']) expect(EXCEPTION_KEYS, key).toContain(key);
    for (const keys of [RULE_KEYS, EXCEPTION_KEYS]) expect(keys.every((key, index) => index === 0 || keys[index - 1]! < key)).toBe(true);
    // The list's rules in Unicode (`рф`) are left out: tagwall's names are ASCII, and tldts has each as punycode too.
    expect(KEYS.filter((key) => !/^[\x21-\x7e]+$/.test(key))).toEqual([]);
    expect(tldtsPublicSuffixOf('xn--p1ai.xn--p1ai')).toEqual({ suffix: 'xn--p1ai', kind: 'icann' });
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
      '.com', 'a..com', 'x.xn--bcher-kva.de', 'COM', 'a.b.example.com', 'www.ck.', '*', '*.ck', 'a.*.ck',
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

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
describe.skipIf(!existsSync(join(ROOT, 'dist/cli.cjs')))('the built CLI reads dist/public-suffix-list.txt (npm run build first)', () => {
  it('on the first lookup, and fails as a broken install (TW_FILE) when it is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagwall-psl-'));
    try {
      // The bundle finds ../package.json and ./snapshots/ from its own place, as it finds the list.
      cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
      cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
      const requirements = join(dir, 'requirements.json');
      const endpoint = (destination: string): object => ({ id: 'r', direction: 'outbound', protocol: 'tcp', ports: 443, destination, purpose: 'test' });
      const render = (destination: string) => {
        writeFileSync(requirements, JSON.stringify({ requirements: [endpoint(destination)] }));
        return spawnSync(process.execPath, [join(dir, 'dist/cli.cjs'), 'render', '--json', '--requirements', requirements, '--target', 'azure-firewall'], { encoding: 'utf8' });
      };
      const errorOf = (run: { stdout: string }): { code: string; message: string } => (JSON.parse(run.stdout) as { error: { code: string; message: string } }).error;
      expect(errorOf(render('*.co.uk')).code).toBe('TW_WILDCARD_PUBLIC_SUFFIX');
      rmSync(join(dir, 'dist/public-suffix-list.txt'));
      // A file that needs no lookup still renders; one that needs it says what is wrong.
      expect(render('AzureMachineLearning').status).toBe(0);
      const broken = render('*.co.uk');
      expect(broken.status).toBe(2);
      expect(errorOf(broken)).toMatchObject({ code: 'TW_FILE', message: `the Public Suffix List is missing (${join(dir, 'dist/public-suffix-list.txt')}); reinstall tagwall` });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
