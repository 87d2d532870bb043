/**
 * Which part of a name is a public suffix (a name space under which unrelated parties register names), from the
 * Public Suffix List as packaged by `tldts`.
 *
 * Why `tldts` and not `psl` at run time: `psl` matches the ICANN and the PRIVATE sections of the list alike and
 * does not say which rule matched, so it flags `*.blob.core.windows.net` exactly like `*.co.uk`. `tldts` reports
 * `isIcann` / `isPrivate`, which is the distinction the wildcard check needs. (`psl` stays a test-only oracle.)
 */
import { tldtsPackage } from '../../internal/packages.js';

/**
 * Loaded on first use, because most runs never validate a wildcard (internal/packages.ts). Measured on the dev
 * machine (Node 20, mean of 20 runs): `await import('tldts')` adds ≈ 65 ms to `node -e 0` (its ESM build is many
 * small files), `require('tldts')` ≈ 20 ms (one CJS file), so it is required.
 */
const tldts = tldtsPackage;

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

/** `name` must already be a validated, lower-case ASCII name. */
export function publicSuffixOf(name: string): PublicSuffixInfo {
  const result = tldts().parse(name, {
    allowPrivateDomains: true,
    // The name is already a validated host name: skip URL extraction, IP sniffing and tldts' own validation.
    extractHostname: false,
    detectIp: false,
    validateHostname: false,
    mixedInputs: false,
  });
  const suffix = result.publicSuffix ?? name.slice(name.lastIndexOf('.') + 1);
  const kind = result.isIcann === true ? 'icann' : result.isPrivate === true ? 'private' : 'unlisted';
  return { suffix, kind };
}
