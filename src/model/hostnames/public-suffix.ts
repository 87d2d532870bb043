/**
 * Which part of a name is a public suffix (a name space under which unrelated parties register names), from the
 * Public Suffix List (https://publicsuffix.org, MPL-2.0), as tldts packages it: public-suffix-list.txt is generated
 * from the installed tldts by `npm run psl` (scripts/build-psl.ts, which says why a text file), and
 * public-suffix.test.ts proves the answers are tldts' own (`parse` with private domains on) for every rule of the
 * list and for random names.
 *
 * Why the ICANN / PRIVATE distinction (tldts, not `psl`, as the source): `psl` matches both sections of the list alike
 * and does not say which rule matched, so it would flag `*.blob.core.windows.net` exactly like `*.co.uk`.
 *
 * Why not tldts itself at run time (issue 22): its module derives a hash of every label of its trie when it loads,
 * before the first lookup: 1.3 ms of a cold `render --requirements` on Node 20 with the code cache (cpu-prof), ~2 ms
 * with its parse, and 143 KB of the CLI bundle. Here each trie is a sorted section of a text file that a lookup
 * binary-searches as it is read (~14 probes a node), so nothing is prepared.
 */
import { fileURLToPath } from 'node:url';
import { TagwallError } from '../../errors.js';
import { nodeFs, nodePath } from '../../internal/lazy.js';

export interface PublicSuffixInfo {
  /** The longest public suffix of the name (the name itself when it is one). */
  readonly suffix: string;
  /**
   * `icann`: in the list's ICANN section (`com`, `co.uk`); `private`: in its PRIVATE section, where a company
   * lists a zone it hands out to customers (`blob.core.windows.net`); `unlisted`: the top-level label is not in
   * the list at all, so the list's default rule `*` makes that single label the suffix (`corp`, `internal`).
   */
  readonly kind: 'icann' | 'private' | 'unlisted';
}

const ICANN = 1;
const PRIVATE = 2;
const ABSENT = -1;
const DIGIT_ZERO = 48;

/** A trie: the lines of `text` from `start` (a line start) to `end` (just after a newline). */
interface Trie {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

let tries: { readonly exceptions: Trie; readonly rules: Trie } | undefined;

/** public-suffix-list.txt (beside this module in src/, beside the bundles in dist/), read on the first lookup. */
function loadTries(): { readonly exceptions: Trie; readonly rules: Trie } {
  if (tries === undefined) {
    // By `__dirname` where the code is CommonJS (the CLI bundle, built without tsup's import.meta shim: issue 22).
    const path = typeof __dirname === 'string' ? nodePath().join(__dirname, 'public-suffix-list.txt') : fileURLToPath(new URL('./public-suffix-list.txt', import.meta.url));
    let text: string;
    try {
      text = nodeFs().readFileSync(path, 'latin1');
    } catch (cause) {
      throw new TagwallError('TW_FILE', `the Public Suffix List is missing (${path}); reinstall tagwall`, { location: { file: path }, cause });
    }
    // A header of `#` lines, then the exceptions' section and the rules', each after a blank line.
    const exceptionsStart = text.indexOf('\n\n') + 2;
    const rulesStart = text.indexOf('\n\n', exceptionsStart) + 2;
    tries = { exceptions: { text, start: exceptionsStart, end: rulesStart - 1 }, rules: { text, start: rulesStart, end: text.length } };
  }
  return tries;
}

/**
 * The flags of the node whose key is `key` in `trie`, or ABSENT. The lines are sorted by key, so a binary search over
 * character offsets finds it: a probe reads the line the offset falls in.
 */
function nodeFlags({ text, start: trieStart, end: trieEnd }: Trie, key: string): number {
  let low = trieStart;
  let high = trieEnd;
  // Invariant: `low` and `high` are line starts (`high` may be the trie's end, just after its last newline).
  while (low < high) {
    const middle = (low + high) >>> 1;
    const start = text.lastIndexOf('\n', middle - 1) + 1;
    const end = text.indexOf('\n', start);
    const lineKey = text.slice(start + 1, end);
    if (key === lineKey) return text.charCodeAt(start) - DIGIT_ZERO;
    if (key < lineKey) high = start;
    else low = end + 1;
  }
  return ABSENT;
}

interface NodeMatch {
  readonly flags: number;
  /** Where the left-most label of the matched rule starts and ends in the name. */
  readonly start: number;
  readonly end: number;
}

/**
 * tldts' walk (tldts/src/suffix-trie.ts), which this must follow exactly: from the root of `trie`, one label at a
 * time from the right, take the child with that label, else the `*` child (never for an empty label), else stop; the
 * deepest node reached that ends a rule is the match. It differs from the list's own algorithm where a name has a
 * child and a `*` sibling both, as tldts does.
 */
function deepestRule(trie: Trie, host: string): NodeMatch | undefined {
  let nodeKey = '';
  let match: NodeMatch | undefined;
  for (let end = host.length, dot = 0; dot !== -1; end = dot) {
    dot = end === 0 ? -1 : host.lastIndexOf('.', end - 1);
    const start = dot + 1;
    const label = host.slice(start, end);
    const exactKey = nodeKey === '' ? label : `${label}.${nodeKey}`;
    let flags = nodeFlags(trie, exactKey);
    if (flags !== ABSENT) nodeKey = exactKey;
    else if (start !== end) {
      const wildcardKey = nodeKey === '' ? '*' : `*.${nodeKey}`;
      flags = nodeFlags(trie, wildcardKey);
      if (flags !== ABSENT) nodeKey = wildcardKey;
    }
    if (flags === ABSENT) break;
    if ((flags & (ICANN | PRIVATE)) !== 0) match = { flags, start, end };
  }
  return match;
}

function kindOf(flags: number): PublicSuffixInfo['kind'] {
  return (flags & ICANN) !== 0 ? 'icann' : (flags & PRIVATE) !== 0 ? 'private' : 'unlisted';
}

/**
 * `name` must already be a validated, lower-case ASCII name (internationalised labels in punycode): the list's labels
 * are compared as written, as tldts does, and its rules written in Unicode are left out (scripts/build-psl.ts).
 */
export function publicSuffixOf(name: string): PublicSuffixInfo {
  // tldts drops trailing dots first (keeping one character at least).
  let length = name.length;
  while (length > 1 && name.charCodeAt(length - 1) === 46 /* . */) length -= 1;
  const host = name.slice(0, length);
  // An exception (`!city.kawasaki.jp`) wins over every rule, and its own left-most label is not part of the suffix.
  const { exceptions, rules } = loadTries();
  const exception = deepestRule(exceptions, host);
  if (exception !== undefined) return { suffix: host.slice(exception.end + 1), kind: kindOf(exception.flags) };
  const rule = deepestRule(rules, host);
  if (rule !== undefined) return { suffix: host.slice(rule.start), kind: kindOf(rule.flags) };
  // No rule: the list's default rule `*` makes the right-most label the suffix.
  return { suffix: host.slice(host.lastIndexOf('.') + 1), kind: 'unlisted' };
}
