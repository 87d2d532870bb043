/**
 * A JSON snapshot's tags by name, ignoring case, in typed arrays (issue 22). The table used to keep each name's
 * lower-case copy and a Map from those to positions: ~0.6 MB of a Public file's heap, all of it alive to the end of a
 * `snapshot diff` and copied by every scavenge on the way (two of them for the two files). Here a name is found by
 * its hash, which prefix-scan.wat computes from the name's bytes as it reads the file (nameHash is the same function
 * of the characters), then compared with the name itself: nothing but two Int32Arrays, off the heap.
 *
 * Only for names already checked to be service-tag names (ASCII letters, digits, `.`, `-`, `_`), where lower case
 * is ASCII's; a name looked up may be anything.
 */

/** FNV-1a (32 bits) of the character codes, each of A-Z taken as a-z: prefix-scan.wat `$nameHash` of a name's bytes. */
export function nameHash(name: string): number {
  let hash = 0x811c9dc5 | 0;
  for (let i = 0; i < name.length; i++) {
    let c = name.charCodeAt(i);
    if (c - 0x41 >>> 0 <= 25) c |= 0x20;
    hash = Math.imul(hash ^ c, 0x01000193);
  }
  return hash;
}

export class NameIndex {
  /** Open addressing, linear probing: a tag's position plus one, 0 for an empty slot; a power of two long. */
  readonly #slots: Int32Array;
  readonly #hashes: Int32Array;

  private constructor(
    private readonly names: readonly string[],
    hashes: Int32Array,
    slots: Int32Array,
    private readonly hashOf: (name: string) => number,
  ) {
    this.#hashes = hashes;
    this.#slots = slots;
  }

  /**
   * The index of `names` (valid tag names; `hashes[i]` is hashOf(names[i])), or undefined when two of them are the
   * same ignoring case. `hashOf` is nameHash but in tests, which give others that collide.
   */
  static of(names: readonly string[], hashes: Int32Array, hashOf: (name: string) => number = nameHash): NameIndex | undefined {
    let size = 16;
    while (size < 2 * names.length) size *= 2;
    const slots = new Int32Array(size);
    const mask = size - 1;
    // One loop over locals: it runs cold, in the interpreter, ~3,000 times a file.
    for (let i = 0; i < names.length; i++) {
      const hash = hashes[i]!;
      let at = hash & mask;
      for (let held = slots[at]! - 1; held >= 0; held = slots[at]! - 1) {
        if (hashes[held] === hash && sameIgnoringAsciiCase(names[held]!, names[i]!)) return undefined;
        at = (at + 1) & mask;
      }
      slots[at] = i + 1;
    }
    return new NameIndex(names, hashes, slots, hashOf);
  }

  /** The position of the name equal to `name` ignoring case (`name.toLowerCase()` is its lower case), if any. */
  find(name: string): number | undefined {
    // Lower case as toLowerCase has it: outside ASCII it may map a character into ASCII (the Kelvin sign to `k`).
    const wanted = isAscii(name) ? name : name.toLowerCase();
    const slots = this.#slots;
    const mask = slots.length - 1;
    const hash = this.hashOf(wanted);
    for (let at = hash & mask; ; at = (at + 1) & mask) {
      const held = slots[at]! - 1;
      if (held < 0) return undefined;
      if (this.#hashes[held] === hash && sameIgnoringAsciiCase(this.names[held]!, wanted)) return held;
    }
  }
}

/** A regular expression, not a loop: a loop over each name looked up was hot enough for V8 to optimise. */
const NOT_ASCII = /[^\0-\x7f]/;

function isAscii(text: string): boolean {
  return !NOT_ASCII.test(text);
}

/** Whether the two are the same with A-Z taken as a-z (a character outside ASCII matches only itself). */
function sameIgnoringAsciiCase(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x - 0x41 >>> 0 <= 25) x |= 0x20;
    if (y - 0x41 >>> 0 <= 25) y |= 0x20;
    if (x !== y) return false;
  }
  return true;
}
