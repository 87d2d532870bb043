/**
 * Stable names for netfilter objects. ipset names are at most 31 characters (IPSET_MAXNAMELEN 32 with the NUL,
 * targets.md §3.3) and chain names at most 28 (§3.1); nft takes longer names, but one scheme for both targets keeps
 * the two outputs comparable. nft identifiers start with a letter and hold letters, digits, `_`, `.` and `/`, which
 * ipset accepts too, so names use only letters, digits, `_` and `.`.
 */
export const SET_NAME_MAX = 31;
export const CHAIN_NAME_MAX = 28;

/** FNV-1a, 32 bits: a short stable suffix that keeps truncated names apart. */
export function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0').slice(0, 6);
}

/** `prefix` + a label cleaned to the shared charset, shortened with a hash of the whole label when too long. */
export function objectName(prefix: string, label: string, max: number = SET_NAME_MAX): string {
  const clean = label.replace(/[^A-Za-z0-9_.]+/g, '_').replace(/^_+|_+$/g, '') || 'x';
  const whole = prefix + clean;
  if (whole.length <= max) return whole;
  const hash = shortHash(label);
  return `${whole.slice(0, max - hash.length - 1)}_${hash}`;
}

/** Gives each distinct key one name; a name already taken by another key gets `_2`, `_3`, … (first come first). */
export class NameRegistry {
  readonly #byKey = new Map<string, string>();
  readonly #taken = new Set<string>();

  nameFor(key: string, wanted: string, max: number = SET_NAME_MAX): { name: string; isNew: boolean } {
    const known = this.#byKey.get(key);
    if (known !== undefined) return { name: known, isNew: false };
    let name = wanted;
    for (let n = 2; this.#taken.has(name); n++) name = `${wanted.slice(0, max - String(n).length - 1)}_${n}`;
    this.#byKey.set(key, name);
    this.#taken.add(name);
    return { name, isNew: true };
  }
}
