/**
 * PAN-OS object names (targets.md §4.3): at most 63 characters, letters, digits, spaces, hyphens and underscores
 * [PANAF][PANSVC]. Periods are common in the field but not in the current text, and a third-party schema wants
 * rule names to start with a letter or underscore [APIS], so generated names keep to `^[A-Za-z][A-Za-z0-9_-]*$`,
 * which every reading accepts and which needs no quoting in `set` commands.
 */
import { shortHash } from '../names.js';

export const MAX_NAME_LENGTH = 63;
/** External Dynamic List names: 32 characters in the 7.1 text [EDL71]; 31 keeps a margin. */
export const MAX_EDL_NAME_LENGTH = 31;
export const SAFE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;
/** A name `panosName` keeps as it is (length aside). */
const ALREADY_SAFE = /^[A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*$/;


/**
 * A safe name for `wanted`: other characters become `-`, a leading non-letter gets a `t-` prefix, and a name
 * that had to be cut keeps a hash of the original, so two long names sharing a prefix stay apart. Stable.
 */
export function panosName(wanted: string, maxLength = MAX_NAME_LENGTH): string {
  // Already safe (ASCII, which NFKD leaves alone; no run of hyphens, none at the end; fits): the steps below would
  // return it unchanged. Most names are (`tw-20-33-0-0_16`, one per prefix of every tag), so this skips five passes.
  if (wanted.length <= maxLength && ALREADY_SAFE.test(wanted)) return wanted;
  let name = wanted.normalize('NFKD').replace(/[^A-Za-z0-9_-]+/g, '-').replace(/-{2,}/g, '-').replace(/-+$/, '');
  if (!/^[A-Za-z]/.test(name)) name = `t-${name.replace(/^-+/, '')}`.replace(/-+$/, '');
  if (name.length > maxLength) {
    const suffix = `-${shortHash(wanted)}`;
    name = `${name.slice(0, maxLength - suffix.length).replace(/-+$/, '')}${suffix}`;
  }
  return name;
}

/**
 * Hands out unique safe names within one PAN-OS namespace. PAN-OS compares names case-sensitively [PANAF], but
 * tagwall treats them case-insensitively so a config stays valid if copied to a tool that does not. The same
 * wanted text always gets the same name; a different text whose safe form clashes gets its hash appended.
 */
export class NameScope {
  readonly #byWanted = new Map<string, string>();
  readonly #used = new Set<string>();

  constructor(readonly maxLength = MAX_NAME_LENGTH) {}

  /** Keeps `name` (already safe) for the caller: no claimed text gets it, not even the same text. */
  reserve(name: string): string {
    this.#used.add(name.toLowerCase());
    return name;
  }

  claim(wanted: string, maxLength = this.maxLength): string {
    return this.#claim(wanted, maxLength, undefined);
  }

  /**
   * `claim(wanted)` for a text whose safe form the caller already has: `safe` must be `panosName(wanted,
   * this.maxLength)` (cidrObjectNames' names, proven by its property test). Skips panosName, whose full path every
   * IPv6 CIDR name took (its `::` is a `--`, five more regular expressions; issue 22).
   */
  claimSafe(wanted: string, safe: string): string {
    return this.#claim(wanted, this.maxLength, safe);
  }

  #claim(wanted: string, maxLength: number, safe: string | undefined): string {
    const known = this.#byWanted.get(wanted);
    if (known !== undefined) return known;
    let name = safe ?? panosName(wanted, maxLength);
    let folded = name.toLowerCase();
    for (let attempt = 0; this.#used.has(folded); attempt++) {
      const suffix = `-${shortHash(`${wanted}#${attempt}`)}`;
      name = `${panosName(wanted, maxLength - suffix.length)}${suffix}`;
      folded = name.toLowerCase();
    }
    this.#used.add(folded);
    this.#byWanted.set(wanted, name);
    return name;
  }
}

/** Object name of a CIDR as wanted (before panosName): `tw-20-150-0-0_17`, `tw-2603-1000--_40` (no dots or colons, §4.3). */
export function cidrObjectName(cidr: string): string {
  return `tw-${cidr.replace(/[.:]/g, '-').replace('/', '_')}`;
}

/**
 * The wanted object names of a list of CIDRs (`cidrObjectName`) and their safe forms (`panosName` of each: an
 * IPv6 `::` becomes one hyphen), in order, from a few native passes over the list's joined text instead of up to
 * five regular expressions per CIDR: an expanded config names an object per prefix (3,806 in compute-no-public-ip,
 * westus), and naming and claiming them in a cold `render` went from 79M to 52M instructions (callgrind, issue 22).
 * Property-tested against the per-CIDR functions (panos.test.ts).
 */
export function cidrObjectNames(cidrs: readonly string[]): { wanted: string[]; names: string[] } {
  if (cidrs.length === 0) return { wanted: [], names: [] };
  // A CIDR has one `/` and no newline, so the joined text splits back into one name per CIDR. Split and joined
  // rather than replaced by a global expression: a third fewer instructions for the ~12k separators (issue 22).
  const wanted = `tw-${cidrs.join('\ntw-')}`.split('.').join('-').split(':').join('-').split('/').join('_');
  // panosName leaves `tw-…` of hex digits, hyphens and `_len` as it is but for runs of hyphens (from `::`): none
  // at the end (a prefix length ends it), the `tw` letter first, at most 46 characters.
  const names = wanted.includes('--') ? wanted.replace(/-{2,}/g, '-') : wanted;
  const wantedList = wanted.split('\n');
  return { wanted: wantedList, names: names === wanted ? wantedList : names.split('\n') };
}

/** Free text for descriptions and comments: src/text/panos.ts. */
export { cleanText } from '../../text/panos.js';
