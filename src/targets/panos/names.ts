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


/**
 * A safe name for `wanted`: other characters become `-`, a leading non-letter gets a `t-` prefix, and a name
 * that had to be cut keeps a hash of the original, so two long names sharing a prefix stay apart. Stable.
 */
export function panosName(wanted: string, maxLength = MAX_NAME_LENGTH): string {
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
    const known = this.#byWanted.get(wanted);
    if (known !== undefined) return known;
    let name = panosName(wanted, maxLength);
    for (let attempt = 0; this.#used.has(name.toLowerCase()); attempt++) {
      const suffix = `-${shortHash(`${wanted}#${attempt}`)}`;
      name = `${panosName(wanted, maxLength - suffix.length)}${suffix}`;
    }
    this.#used.add(name.toLowerCase());
    this.#byWanted.set(wanted, name);
    return name;
  }
}

/**
 * Characters no generated text keeps: C0/C1 controls (one line; NEL is a line break to some readers), what XML 1.0
 * cannot carry at all (U+FFFE, U+FFFF, lone surrogates: xmllint refuses them), `"` (the `set` form double-quotes
 * values and the CLI documents no escape inside them, §4.2), `\` (an escape character to many CLIs) and `?` (the
 * PAN-OS CLI, like other network CLIs, answers `?` with help as it is typed; unverified for pasted quoted values,
 * so it is avoided). Descriptions are the same in both forms because the model holds the cleaned text.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Free text for descriptions and tag comments: one line of printable characters every form carries verbatim
 * (UNSAFE_TEXT), `"` as `'`, at most `maxLength` characters (code points, so a cut never splits a surrogate pair).
 */
export function cleanText(text: string, maxLength: number): string {
  const oneLine = text.replace(/"/g, "'").replace(/\\/g, '/').replace(/\?/g, '').replace(UNSAFE_TEXT, ' ').replace(/\s+/g, ' ').trim();
  const characters = Array.from(oneLine);
  return characters.length <= maxLength ? oneLine : `${characters.slice(0, maxLength - 3).join('').trimEnd()}...`;
}
