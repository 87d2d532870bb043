/**
 * Host name patterns as Azure Firewall reads them: an exact name, or `*.suffix` for every name strictly below the
 * suffix at any depth (`*.x.com` matches `a.x.com` and `a.b.x.com`, never `x.com` itself). Parsing validates and
 * normalises; matching compares whole labels, because glob matchers (micromatch) are case-sensitive, expand
 * braces, accept `a..x.com`, and cannot answer whether one pattern contains another.
 */
import { domainToASCII } from 'node:url';
import { TagwallError } from '../../errors.js';
import { nodeNet } from '../../internal/lazy.js';
import { publicSuffixOf } from './public-suffix.js';

export type HostPattern =
  | { readonly kind: 'exact'; readonly name: string }
  | { readonly kind: 'wildcard'; readonly suffix: string };

export interface CheckedHostPattern {
  readonly pattern: HostPattern;
  /** Things worth telling the user that are not errors: a private public suffix, an IDN conversion. */
  readonly notes: readonly string[];
}

/** RFC 1035 §2.3.4 limits, on the dotted text form without the trailing dot. */
const MAX_NAME_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;

/**
 * Full stops UTS #46 maps to `.` (ideographic, full-width, half-width); splitting on them keeps error columns
 * pointing at what the user wrote.
 */
const LABEL_SEPARATOR = /[.\u3002\uff0e\uff61]/;

/** A validated pattern with notes; throws `TW_INVALID_HOSTNAME` or `TW_WILDCARD_PUBLIC_SUFFIX`. */
export function checkHostPattern(text: string): CheckedHostPattern {
  return checkPattern(text, 'full');
}

/**
 * A validated pattern whose wildcard suffix a test has already proved is not a public suffix (tagwall's own
 * catalogue hosts, src/catalogue/catalogue.test.ts): everything `parseHostPattern` checks but the Public Suffix List
 * lookup, which would read the list (public-suffix.ts: 180 KB on first use; it loaded tldts, ~17 ms of a cold
 * `tagwall render`, until issue 22's round 13) to re-prove a constant. Throws `TW_INVALID_HOSTNAME`.
 */
export function parseVettedHostPattern(text: string): HostPattern {
  const pattern = checkPattern(text, 'vetted').pattern;
  if (pattern.kind === 'wildcard') rememberPassed(pattern.suffix);
  return pattern;
}

/**
 * Wildcard suffixes known in this process not to be public suffixes: vetted (`parseVettedHostPattern`), or past
 * `checkWildcardSuffix` without an error. Whether it throws depends on the suffix alone, so a pattern whose suffix is
 * here needs no Public Suffix List lookup when only the pattern is wanted (`parseHostPattern`; `checkHostPattern`
 * still looks up its notes). A target's loss accounting parses its own output back: the host names it wrote are
 * the requirements', so this keeps that parse from looking them up again (issue 22: 6.4 ms of a cold
 * `render --target azure-firewall`, cpu-prof medians of 5, when the lookup loaded tldts). Bounded, for a long-lived library process.
 */
const passedSuffixes = new Set<string>();
const MAX_PASSED_SUFFIXES = 4096;

function rememberPassed(suffix: string): void {
  if (passedSuffixes.size >= MAX_PASSED_SUFFIXES) passedSuffixes.clear();
  passedSuffixes.add(suffix);
}

/** `full`: the public-suffix check with its notes; `pattern`: only whether it throws; `vetted`: the caller proved it passes. */
type SuffixCheck = 'full' | 'pattern' | 'vetted';

function checkPattern(text: string, suffixCheck: SuffixCheck): CheckedHostPattern {
  const notes: string[] = [];
  const { wildcard, labels } = splitPattern(text);
  const ascii = labels.map((label, index) => checkLabel(text, label, index === labels.length - 1));
  checkTopLevelLabel(text, labels, ascii);

  const name = ascii.join('.');
  const formatted = wildcard ? `*.${name}` : name;
  if (formatted.length > MAX_NAME_LENGTH) {
    // For a wildcard this bounds the suffix at 251, so that at least `a.<suffix>` is a valid name.
    throw invalid(
      text,
      wildcard
        ? `'${formatted}' is ${formatted.length} characters long: no name of at most ${MAX_NAME_LENGTH} characters lies under it`
        : `the name is ${name.length} characters long; at most ${MAX_NAME_LENGTH} are allowed`,
    );
  }
  if (labels.some((label) => label.idn)) {
    notes.push(`'${text}' is an internationalised name; it is matched as '${formatted}', the form TLS SNI and DNS carry`);
  }
  if (wildcard && (suffixCheck === 'full' || (suffixCheck === 'pattern' && !passedSuffixes.has(name)))) {
    checkWildcardSuffix(text, name, notes);
    rememberPassed(name);
  }
  return { pattern: wildcard ? { kind: 'wildcard', suffix: name } : { kind: 'exact', name }, notes };
}

/** A validated pattern; throws `TW_INVALID_HOSTNAME` or `TW_WILDCARD_PUBLIC_SUFFIX`. */
export function parseHostPattern(text: string): HostPattern {
  return checkPattern(text, 'pattern').pattern;
}

/** One host name, validated and normalised (lower case, no trailing dot, punycode). Wildcards are refused. */
export function normalizeHostname(text: string): string {
  const { wildcard } = splitPattern(text);
  if (wildcard) throw invalid(text, 'a single host name is expected here, not a wildcard', 1);
  const pattern = parseHostPattern(text);
  if (pattern.kind !== 'exact') throw new Error(`unreachable: '${text}' parsed as a wildcard`);
  return pattern.name;
}

export function formatHostPattern(pattern: HostPattern): string {
  return pattern.kind === 'exact' ? pattern.name : `*.${pattern.suffix}`;
}

/** Whether `host` (already normalised, e.g. by `normalizeHostname`) is matched by `pattern`. */
export function hostMatches(pattern: HostPattern, host: string): boolean {
  return pattern.kind === 'exact' ? host === pattern.name : isStrictlyUnder(host, pattern.suffix);
}

/** Whether every name `inner` matches is matched by `outer`. */
export function hostPatternCovers(outer: HostPattern, inner: HostPattern): boolean {
  if (outer.kind === 'exact') return inner.kind === 'exact' && inner.name === outer.name;
  const innerName = inner.kind === 'exact' ? inner.name : inner.suffix;
  // `*.x.com` covers `*.x.com` itself, but the exact name `x.com` is not under it.
  return isStrictlyUnder(innerName, outer.suffix) || (inner.kind === 'wildcard' && inner.suffix === outer.suffix);
}

/** `name` lies below `suffix` by at least one whole label: `a.b.x.com` under `x.com`, but not `ax.com`. */
export function isStrictlyUnder(name: string, suffix: string): boolean {
  const dot = name.length - suffix.length - 1;
  return dot > 0 && name.charCodeAt(dot) === 0x2e && name.endsWith(suffix);
}

interface RawLabel {
  readonly text: string;
  /** 1-based column of the label's first character in the original text. */
  readonly column: number;
  /** Whether it has non-ASCII characters, i.e. is an internationalised label to convert to punycode. */
  readonly idn: boolean;
}

/**
 * `net.isIP`, asked only of text that can be an address: an IPv4 literal is digits and dots, an IPv6 one has a
 * colon; for anything else isIP says 0 without `net` being loaded (a CLI run with only host names never loads it).
 */
function isIP(text: string): number {
  return text.includes(':') || /^[\d.]+$/.test(text) ? nodeNet().isIP(text) : 0;
}

/** Splits off the trailing dot and the `*` label; refuses IP literals and a bare `*`. */
function splitPattern(text: string): { wildcard: boolean; labels: RawLabel[] } {
  if (text === '' || text === '.') throw invalid(text, 'the host name is empty');
  // A fully qualified name may end in one dot (`x.com.`); it names the same host.
  const body = text.endsWith('.') ? text.slice(0, -1) : text;
  const bracketed = /^\[(.*)\]$/.exec(body)?.[1];
  if (isIP(body) !== 0 || (bracketed !== undefined && isIP(bracketed) === 6)) {
    throw invalid(text, 'this is an IP address, not a host name; put addresses in an address rule');
  }
  const labels: RawLabel[] = [];
  let column = 1;
  for (const label of body.split(LABEL_SEPARATOR)) {
    labels.push({ text: label, column, idn: /[^\u0000-\u007f]/.test(label) });
    column += label.length + 1;
  }
  const wildcard = labels[0]?.text === '*';
  if (wildcard && labels.length === 1) {
    throw invalid(text, "a bare '*' would match every name; write '*.<domain>', or leave the host out to match any", 1);
  }
  return { wildcard, labels: wildcard ? labels.slice(1) : labels };
}

/** The label in lower-case ASCII (punycode for an IDN label), or a precise error. */
function checkLabel(text: string, label: RawLabel, isTopLevel: boolean): string {
  const where = `label '${label.text}' at column ${label.column}`;
  if (label.text === '') throw invalid(text, `empty label at column ${label.column}`, label.column);
  for (let index = 0; index < label.text.length; index++) {
    const char = label.text[index]!;
    const column = label.column + index;
    if (char === '*') {
      throw invalid(text, `'*' at column ${column}: a wildcard must be the whole leftmost label, as in '*.x.com'`, column);
    }
    // Service labels such as `_dmarc` and `_acme-challenge` (RFC 8552) are real DNS names and Azure Firewall FQDNs
    // may carry them, so `_` is allowed; no top-level domain has one (RFC 3696 §2: letters, digits, hyphen).
    if (char === '_' && isTopLevel) {
      throw invalid(text, `'_' at column ${column}: the top-level label may not contain an underscore`, column);
    }
    if (char.charCodeAt(0) < 0x80 && !/[A-Za-z0-9_-]/.test(char)) {
      throw invalid(text, `character ${JSON.stringify(char)} at column ${column} is not allowed in a host name`, column);
    }
  }
  if (label.text.startsWith('-') || label.text.endsWith('-')) {
    throw invalid(text, `${where} starts or ends with '-'`, label.column);
  }
  let ascii = label.text.toLowerCase();
  if (label.idn) {
    // node:url's domainToASCII applies UTS #46 (non-transitional, as browsers do: `ß` stays `ß`) and Punycode; it
    // returns '' for a label IDNA forbids. A mapping may also yield a dot (`⒈` → `1.`), which would add a label.
    ascii = domainToASCII(label.text);
    if (ascii === '' || ascii.includes('.')) {
      throw invalid(text, `${where} is not a valid internationalised (IDNA) label`, label.column);
    }
    // The mapping can also produce ASCII the checks above never saw (full-width `＊` → `*`, `－` → `-`).
    if (!/^[a-z0-9_-]+$/.test(ascii) || ascii.startsWith('-') || ascii.endsWith('-') || (isTopLevel && ascii.includes('_'))) {
      throw invalid(text, `${where} maps to '${ascii}', which is not a valid label`, label.column);
    }
  } else if (ascii.startsWith('xn--') && domainToASCII(ascii) === '') {
    throw invalid(text, `${where} is not valid punycode`, label.column);
  }
  if (ascii.length > MAX_LABEL_LENGTH) {
    throw invalid(text, `${where} is ${ascii.length} characters long; at most ${MAX_LABEL_LENGTH} are allowed`, label.column);
  }
  return ascii;
}

/**
 * URL parsers read a name whose last label is a number (decimal, or `0x` hex) as an IPv4 address (`1.2.3` is
 * 1.2.0.3, `0x7f.1` is 127.0.0.1), and RFC 3696 §2 rules out all-numeric top-level domains.
 */
function checkTopLevelLabel(text: string, labels: readonly RawLabel[], ascii: readonly string[]): void {
  const isNumber = (label: string) => /^(?:[0-9]+|0x[0-9a-f]*)$/.test(label);
  const last = ascii[ascii.length - 1]!;
  if (!isNumber(last)) return;
  if (ascii.every(isNumber)) {
    throw invalid(text, 'this reads as an IP address, not a host name; put addresses in an address rule');
  }
  const column = labels[labels.length - 1]!.column;
  throw invalid(text, `top-level label '${last}' at column ${column} is numeric, so the name would read as an IP address`, column);
}

/**
 * A wildcard over a public suffix would let every customer's names through (`*.co.uk`). The Public Suffix List's
 * PRIVATE section is different: `*.blob.core.windows.net` is exactly how Azure documents "any storage account",
 * so it is accepted with a note saying what it admits.
 */
function checkWildcardSuffix(text: string, suffix: string, notes: string[]): void {
  if (!suffix.includes('.')) {
    // Decided without the list: a top-level label is a public suffix whether listed (`com`) or not (`corp`).
    throw new TagwallError(
      'TW_WILDCARD_PUBLIC_SUFFIX',
      `host pattern '${text}': a wildcard over the top-level domain '${suffix}' would match names of every owner under it`,
      { location: { column: 1 } },
    );
  }
  const { suffix: publicSuffix, kind } = publicSuffixOf(suffix);
  if (publicSuffix === suffix) {
    if (kind === 'private') {
      notes.push(
        `'*.${suffix}' spans a private public suffix: names under '${suffix}' belong to many different customers of its operator`,
      );
      return;
    }
    throw new TagwallError(
      'TW_WILDCARD_PUBLIC_SUFFIX',
      `host pattern '${text}': '${suffix}' is a public suffix, so the wildcard would match names of every owner under it`,
      { location: { column: 1 } },
    );
  }
  if (kind === 'unlisted') {
    // An unknown top-level label falls under the list's default rule `*`: it is its own suffix, neither ICANN nor
    // private. Internal zones (`*.contoso.corp`) are legitimate, so accept, but a typo (`*.microsoft.con`) should show.
    notes.push(`'${publicSuffix}' is not a top-level domain in the Public Suffix List; '*.${suffix}' is taken as a private zone`);
  }
}

function invalid(text: string, message: string, column?: number): TagwallError {
  return new TagwallError(
    'TW_INVALID_HOSTNAME',
    `host name ${JSON.stringify(text)}: ${message}`,
    column === undefined ? {} : { location: { column } },
  );
}
