/**
 * `ipset save` / `ipset restore` text (targets.md §3.3) → address sets. Only the types a rule can match as an
 * address set are understood (`hash:net`, `hash:ip`); `nomatch` entries are exceptions, the most specific entry
 * deciding, as the kernel looks them up. The commands a restore file changes sets with (`flush`, `del`, `swap`,
 * `rename`, `destroy`, as tagwall's own file uses to replace a set whole) are replayed in order; anything else is an
 * error with its line.
 */
import { TagwallError } from '../../../errors.js';
import { checkSize, INPUT_LIMITS, stripBom, trimAscii } from '../../../internal/input-limits.js';
import { AddressSet } from '../../../model/address-set.js';
import type { Family } from '../../../model/ip.js';
import { splitWords } from './tokens.js';

export interface ParsedIpset {
  readonly name: string;
  readonly family: Family;
  readonly addresses: AddressSet;
  readonly line: number;
}

interface Entry {
  readonly addresses: AddressSet;
  readonly prefixLength: number;
  readonly nomatch: boolean;
}

interface SetState {
  readonly type: string;
  readonly family: Family;
  readonly line: number;
  /** By canonical prefix: the kernel stores a hash:net range as the prefixes that cover it. */
  readonly entries: Map<string, Entry>;
}

const CREATE_OPTIONS_WITH_VALUE = new Set(['family', 'hashsize', 'maxelem', 'bucketsize', 'initval', 'timeout']);
const CREATE_FLAGS = new Set(['counters', 'comment', 'skbinfo', 'forceadd']);
const ADD_OPTIONS_WITH_VALUE = new Set(['timeout', 'packets', 'bytes', 'comment', 'skbmark', 'skbprio', 'skbqueue']);

/** Short and long spellings `ipset` accepts for the commands a restore file may hold. */
const COMMANDS: Readonly<Record<string, string>> = {
  create: 'create', n: 'create', '-N': 'create',
  add: 'add', a: 'add', '-A': 'add',
  del: 'del', d: 'del', '-D': 'del',
  flush: 'flush', f: 'flush', '-F': 'flush',
  destroy: 'destroy', x: 'destroy', '-X': 'destroy',
  swap: 'swap', w: 'swap', '-W': 'swap',
  rename: 'rename', e: 'rename', '-E': 'rename',
};

export function parseIpsetSave(content: string, file: string): Map<string, ParsedIpset> {
  const sets = new Map<string, SetState>();
  checkSize(content, INPUT_LIMITS.configSize, 'the ipset save text', file);
  const lines = stripBom(content).split(/\r?\n/);
  lines.forEach((text, index) => {
    const line = index + 1;
    const trimmed = trimAscii(text);
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const where = { location: { file, line } };
    const words = splitWords(trimmed, file, line);
    const [word, name, third, ...rest] = words;
    const command = COMMANDS[word ?? ''];
    const existing = (setName: string | undefined): SetState => {
      const set = setName === undefined ? undefined : sets.get(setName);
      if (!set) throw new TagwallError('TW_INVALID_CONFIG', `${command ?? ''} on set '${setName ?? ''}', which is not created above`, where);
      return set;
    };
    switch (command) {
      case 'create': {
        if (!name || !third) throw new TagwallError('TW_INVALID_CONFIG', 'create needs a name and a type', where);
        if (third !== 'hash:net' && third !== 'hash:ip') {
          throw new TagwallError('TW_UNSUPPORTED_CONFIG', `set ${name}: type ${third} is not supported (hash:net and hash:ip are)`, where);
        }
        let family: Family = 'ipv4';
        for (let i = 0; i < rest.length; i++) {
          const option = rest[i]!;
          if (option === 'family') {
            const value = rest[++i];
            if (value === 'inet6') family = 'ipv6';
            else if (value !== 'inet') throw new TagwallError('TW_INVALID_CONFIG', `set ${name}: family '${value ?? ''}'`, where);
          } else if (CREATE_OPTIONS_WITH_VALUE.has(option)) i++;
          else if (!CREATE_FLAGS.has(option)) {
            // netmask/bitmask change what an element covers; not modelled, so not guessed.
            throw new TagwallError('TW_UNSUPPORTED_CONFIG', `set ${name}: create option '${option}' is not supported`, where);
          }
        }
        const before = sets.get(name);
        if (before) {
          // As `ipset restore -exist` does: the same set again is no change; another kind is an error.
          if (before.type !== third || before.family !== family) throw new TagwallError('TW_INVALID_CONFIG', `set ${name} is created again as another kind of set`, where);
          return;
        }
        sets.set(name, { type: third, family, line, entries: new Map() });
        return;
      }
      case 'add':
      case 'del': {
        const set = existing(name);
        if (!third) throw new TagwallError('TW_INVALID_CONFIG', `${command} needs an element`, where);
        let nomatch = false;
        for (let i = 0; i < rest.length; i++) {
          const option = rest[i]!;
          if (option === 'nomatch' && set.type === 'hash:net') nomatch = true;
          else if (ADD_OPTIONS_WITH_VALUE.has(option)) i++;
          else throw new TagwallError('TW_UNSUPPORTED_CONFIG', `set ${name!}: element option '${option}' is not supported`, where);
        }
        let addresses: AddressSet;
        try {
          addresses = AddressSet.parse(third);
        } catch {
          throw new TagwallError('TW_INVALID_CONFIG', `set ${name!}: '${third}' is not an address, prefix or range`, where);
        }
        if (addresses.families().some((family) => family !== set.family)) {
          throw new TagwallError('TW_INVALID_CONFIG', `set ${name!} is ${set.family === 'ipv4' ? 'inet' : 'inet6'}; '${third}' is not`, where);
        }
        // hash:net stores the prefixes covering the element; hash:ip each address (kept here as prefixes too).
        for (const cidr of addresses.toCidrStrings(set.family)) {
          const prefix = AddressSet.parse(cidr);
          if (command === 'add') {
            set.entries.set(cidr, { addresses: prefix, prefixLength: Number(cidr.split('/')[1]), nomatch });
          } else if (!set.entries.delete(cidr) && [...set.entries.values()].some((entry) => entry.addresses.overlaps(prefix))) {
            throw new TagwallError('TW_UNSUPPORTED_CONFIG', `set ${name!}: del ${third} takes part of an element added as a wider prefix`, where);
          }
        }
        return;
      }
      case 'flush':
        for (const set of name === undefined ? sets.values() : [existing(name)]) set.entries.clear();
        return;
      case 'destroy':
        if (name === undefined) sets.clear();
        else {
          existing(name);
          sets.delete(name);
        }
        return;
      case 'swap': {
        const a = existing(name);
        const b = existing(third);
        if (a.type !== b.type || a.family !== b.family) throw new TagwallError('TW_INVALID_CONFIG', `swap of sets of different kinds: ${name!} and ${third!}`, where);
        sets.set(name!, b);
        sets.set(third!, a);
        return;
      }
      case 'rename': {
        const set = existing(name);
        if (!third || sets.has(third)) throw new TagwallError('TW_INVALID_CONFIG', `rename ${name!} to '${third ?? ''}', a name already taken or missing`, where);
        sets.delete(name!);
        sets.set(third, set);
        return;
      }
      default:
        throw new TagwallError('TW_UNSUPPORTED_CONFIG', `ipset command '${word ?? ''}' is not supported (create, add, del, flush, swap, rename and destroy are)`, where);
    }
  });
  const result = new Map<string, ParsedIpset>();
  for (const [name, set] of sets) {
    // Least specific first, so a more specific nomatch cuts out of a broader entry and a yet more specific entry adds back.
    const ordered = [...set.entries].sort(([, a], [, b]) => a.prefixLength - b.prefixLength);
    let addresses = AddressSet.EMPTY;
    // The entries between two nomatch cuts join in one bulk parse: one union per entry is quadratic in a 4,000-prefix set.
    let run: string[] = [];
    for (const [cidr, entry] of ordered) {
      if (!entry.nomatch) {
        run.push(cidr);
        continue;
      }
      addresses = addresses.union(AddressSet.fromStrings(run)).difference(entry.addresses);
      run = [];
    }
    addresses = addresses.union(AddressSet.fromStrings(run));
    result.set(name, { name, family: set.family, addresses, line: set.line });
  }
  return result;
}
