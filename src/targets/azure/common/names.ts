/**
 * Azure resource and rule names. targets.md §1.5, §2.1 (resource-name-rules): 1–80 characters, letters, digits,
 * `_ . -`, starting with a letter or digit and ending with a letter, digit or `_`. The schema checks none of it.
 */
import { shortHash } from '../../names.js';

export const MAX_NAME_LENGTH = 80;
export const NAME_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,78}[A-Za-z0-9_])?$/;

export function isValidAzureName(name: string): boolean {
  return NAME_PATTERN.test(name);
}


/**
 * A valid name for `wanted`: other characters become `-`, the ends are fixed up, and a name that had to change in
 * length or was cut keeps a hash of the original so two long ids that share a prefix stay apart. Stable: the same
 * input gives the same name on every run.
 */
export function azureName(wanted: string): string {
  let name = wanted.normalize('NFKD').replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/-{2,}/g, '-');
  name = name.replace(/^[^A-Za-z0-9]+/, '').replace(/[.-]+$/, '');
  if (name === '') name = `n-${shortHash(wanted)}`;
  if (name.length > MAX_NAME_LENGTH) {
    const suffix = `-${shortHash(wanted)}`;
    name = `${name.slice(0, MAX_NAME_LENGTH - suffix.length).replace(/[.-]+$/, '')}${suffix}`;
  }
  return name;
}

/** Hands out valid names that are unique (case-insensitively, as Azure compares names) within one scope. */
export class NameScope {
  readonly #used = new Set<string>();

  /** A unique valid name for `wanted`; a clash gets `-2`, `-3`, … (cut to fit). */
  claim(wanted: string): string {
    const base = azureName(wanted);
    let name = base;
    for (let counter = 2; this.#used.has(name.toLowerCase()); counter++) {
      const suffix = `-${counter}`;
      name = `${base.slice(0, MAX_NAME_LENGTH - suffix.length).replace(/[.-]+$/, '')}${suffix}`;
    }
    this.#used.add(name.toLowerCase());
    return name;
  }
}
