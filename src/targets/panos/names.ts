/**
 * PAN-OS object names (targets.md §4.3): at most 63 characters, letters, digits, spaces, hyphens and underscores
 * [PANAF][PANSVC]. Periods are common in the field but not in the current text, and a third-party schema wants
 * rule names to start with a letter or underscore [APIS], so generated names keep to `^[A-Za-z][A-Za-z0-9_-]*$`,
 * which every reading accepts and which needs no quoting in `set` commands.
 */
import { Buffer } from 'node:buffer';
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
  /**
   * The texts claimed and the names in use (lower case) in one map, a key being either or both (`Slot`): a CIDR
   * object's text is its name in lower case, so claiming it is one look-up and one entry, where a map of texts and
   * a set of names were four operations on two tables. At 100k CIDRs the two tables (100k entries each, beyond the
   * caches) made claiming grow faster than the list; one map took its self time from 49 to 34 ms (cpu-prof, a render
   * of 100k CIDRs; issue 22, render-growth bench).
   */
  readonly #slots = new Map<string, Slot>();
  /**
   * Runs of names claimed by `claimRun` and not yet in #slots: entered when the scope is next asked anything, so a
   * render whose one long list is the last thing it names never builds a table of 100k entries (issue 22).
   */
  #unsettled: Array<readonly string[]> = [];

  constructor(readonly maxLength = MAX_NAME_LENGTH) {}

  /** Keeps `name` (already safe) for the caller: no claimed text gets it, not even the same text. */
  reserve(name: string): string {
    this.#settle();
    this.#markUsed(name.toLowerCase());
    return name;
  }

  /**
   * `claim(name)` for every name of `names` in order, when each would get itself: none is claimed or in use yet.
   * Then true, and the names are entered in the scope only when it is next asked something; else false, and
   * nothing is claimed. Each name must be its own safe form (`panosName(name, this.maxLength) === name`), in lower
   * case, and the names distinct: then `claim` of each finds its slot empty and gives the name itself, as here
   * (a property test holds the two to the same names and the same scope after).
   */
  claimRun(names: readonly string[]): boolean {
    this.#settle();
    const slots = this.#slots;
    for (let at = 0; at < names.length; at++) if (slots.has(names[at]!)) return false;
    this.#unsettled.push(names);
    return true;
  }

  /** The runs claimRun took, entered as `claim` would have entered each name: a string slot of itself. */
  #settle(): void {
    if (this.#unsettled.length === 0) return;
    for (const names of this.#unsettled) for (let at = 0; at < names.length; at++) this.#slots.set(names[at]!, names[at]!);
    this.#unsettled = [];
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
    this.#settle();
    const slot = this.#slots.get(wanted);
    const known = claimedName(slot);
    if (known !== undefined) return known;
    let name = safe ?? panosName(wanted, maxLength);
    let folded = name.toLowerCase();
    // The wanted text's own slot answers for a name that is the text in lower case (every IPv4 CIDR's).
    for (let attempt = 0; folded === wanted ? slot !== undefined : this.#isUsed(folded); attempt++) {
      const suffix = `-${shortHash(`${wanted}#${attempt}`)}`;
      name = `${panosName(wanted, maxLength - suffix.length)}${suffix}`;
      folded = name.toLowerCase();
    }
    // Unclaimed, the text's slot was empty or said "in use" only; a string slot says "in use" for its own key.
    this.#slots.set(wanted, slot === undefined || folded === wanted ? name : { claimed: name });
    if (folded !== wanted) this.#markUsed(folded);
    return name;
  }

  #isUsed(folded: string): boolean {
    const slot = this.#slots.get(folded);
    return typeof slot === 'string' ? slot.toLowerCase() === folded : slot !== undefined;
  }

  #markUsed(folded: string): void {
    const slot = this.#slots.get(folded);
    if (slot === undefined) this.#slots.set(folded, IN_USE);
    else if (typeof slot === 'string' && slot.toLowerCase() !== folded) this.#slots.set(folded, { claimed: slot });
  }
}

/**
 * What a NameScope knows of a key: a string is the name the key (a claimed text) got, and the key is a name in use
 * exactly when it is that name in lower case; an object says the key is a name in use, and what it got if claimed.
 */
type Slot = string | { readonly claimed: string | undefined };

/** A name in use that no text was claimed as. */
const IN_USE: Slot = Object.freeze({ claimed: undefined });

function claimedName(slot: Slot | undefined): string | undefined {
  return typeof slot === 'string' ? slot : slot?.claimed;
}

/** Object name of a CIDR as wanted (before panosName): `tw-20-150-0-0_17`, `tw-2603-1000--_40` (no dots or colons, §4.3). */
export function cidrObjectName(cidr: string): string {
  return `tw-${cidr.replace(/[.:]/g, '-').replace('/', '_')}`;
}

/**
 * The wanted object names of a list of CIDRs (`cidrObjectName`) and their safe forms (`panosName` of each: an
 * IPv6 `::` becomes one hyphen), in order, from the list's joined text instead of up to five regular expressions
 * per CIDR: an expanded config names an object per prefix (3,806 in compute-no-public-ip, westus). The separators
 * are replaced by splitting and joining the text at each, or from `bytesFrom` CIDRs on as bytes in place (see
 * BYTES_FROM). Property-tested against the per-CIDR functions, both ways (panos.test.ts).
 */
export function cidrObjectNames(cidrs: readonly string[], bytesFrom = BYTES_FROM): { wanted: string[]; names: string[] } {
  if (cidrs.length === 0) return { wanted: [], names: [] };
  // A CIDR has one `/` and no newline, so the joined text splits back into one name per CIDR.
  const joined = `tw-${cidrs.join('\ntw-')}`;
  const wanted = cidrs.length >= bytesFrom ? separatorsReplaced(joined) : joined.split('.').join('-').split(':').join('-').split('/').join('_');
  // panosName leaves `tw-…` of hex digits, hyphens and `_len` as it is but for runs of hyphens (from `::`): none
  // at the end (a prefix length ends it), the `tw` letter first, at most 46 characters.
  const names = wanted.includes('--') ? wanted.replace(/-{2,}/g, '-') : wanted;
  const wantedList = wanted.split('\n');
  return { wanted: wantedList, names: names === wanted ? wantedList : names.split('\n') };
}

/**
 * Lists of at least this many CIDRs have their separators replaced as bytes: split and joined, a long list made
 * four strings an IPv4 CIDR that the render's young-generation collections carried (100k CIDRs: 43 ms against
 * 11 ms as bytes; 10k: 2.7 against 0.9 ms; issue 22, render-growth bench). The tag lists of a cold `render` are
 * short, and there the byte loop, run by the interpreter, cost more than it saved (compute-no-public-ip westus:
 * 1,172M against 1,135M instructions, callgrind).
 */
const BYTES_FROM = 4096;

const [DOT, COLON, SLASH, HYPHEN, UNDERSCORE] = ['.', ':', '/', '-', '_'].map((character) => character.charCodeAt(0)) as [number, number, number, number, number];

/** `text` (ASCII) with `.` and `:` made `-` and `/` made `_`, as cidrObjectName does to one CIDR. */
function separatorsReplaced(text: string): string {
  const bytes = Buffer.from(text, 'latin1');
  for (let at = 0; at < bytes.length; at++) {
    const byte = bytes[at];
    if (byte === DOT || byte === COLON) bytes[at] = HYPHEN;
    else if (byte === SLASH) bytes[at] = UNDERSCORE;
  }
  return bytes.toString('latin1');
}

/** Free text for descriptions and comments: src/text/panos.ts. */
export { cleanText } from '../../text/panos.js';
