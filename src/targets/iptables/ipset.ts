/**
 * `ipset save` / `ipset restore` text (targets.md §3.3) → address sets. Only the types a rule can match as an
 * address set are understood (`hash:net`, `hash:ip`); `nomatch` entries are exceptions, the most specific entry
 * deciding, as the kernel looks them up.
 */
import { TagwallError } from '../../errors.js';
import { AddressSet } from '../../model/address-set.js';
import type { Family } from '../../model/ip.js';
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

const CREATE_OPTIONS_WITH_VALUE = new Set(['family', 'hashsize', 'maxelem', 'bucketsize', 'initval', 'timeout', 'netmask', 'markmask']);
const CREATE_FLAGS = new Set(['counters', 'comment', 'skbinfo', 'forceadd']);
const ADD_OPTIONS_WITH_VALUE = new Set(['timeout', 'packets', 'bytes', 'comment', 'skbmark', 'skbprio', 'skbqueue']);

export function parseIpsetSave(content: string, file: string): Map<string, ParsedIpset> {
  const sets = new Map<string, { family: Family; line: number; entries: Entry[] }>();
  const lines = content.split(/\r?\n/);
  lines.forEach((text, index) => {
    const line = index + 1;
    const trimmed = text.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const where = { location: { file, line } };
    const words = splitWords(trimmed, file, line);
    const [command, name, third, ...rest] = words;
    if (command === 'create' || command === 'n' || command === '-N') {
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
        else if (!CREATE_FLAGS.has(option)) throw new TagwallError('TW_UNSUPPORTED_CONFIG', `set ${name}: create option '${option}' is not supported`, where);
      }
      if (sets.has(name)) throw new TagwallError('TW_INVALID_CONFIG', `set ${name} is created twice`, where);
      sets.set(name, { family, line, entries: [] });
      return;
    }
    if (command === 'add' || command === 'a' || command === '-A') {
      const set = name === undefined ? undefined : sets.get(name);
      if (!set || !third) throw new TagwallError('TW_INVALID_CONFIG', `add to set '${name ?? ''}', which is not created above`, where);
      let nomatch = false;
      for (let i = 0; i < rest.length; i++) {
        const option = rest[i]!;
        if (option === 'nomatch') nomatch = true;
        else if (ADD_OPTIONS_WITH_VALUE.has(option)) i++;
        else throw new TagwallError('TW_UNSUPPORTED_CONFIG', `set ${name!}: element option '${option}' is not supported`, where);
      }
      let addresses: AddressSet;
      try {
        addresses = AddressSet.parse(third);
      } catch (error) {
        throw new TagwallError('TW_INVALID_CONFIG', `set ${name!}: '${third}' is not an address, prefix or range`, where);
      }
      if (addresses.families().some((family) => family !== set.family)) {
        throw new TagwallError('TW_INVALID_CONFIG', `set ${name!} is ${set.family === 'ipv4' ? 'inet' : 'inet6'}; '${third}' is not`, where);
      }
      const slash = third.indexOf('/');
      const prefixLength = slash < 0 ? (third.includes('-') ? -1 : set.family === 'ipv4' ? 32 : 128) : Number(third.slice(slash + 1));
      set.entries.push({ addresses, prefixLength, nomatch });
      return;
    }
    throw new TagwallError('TW_UNSUPPORTED_CONFIG', `ipset command '${command ?? ''}' is not supported (create and add are)`, where);
  });
  const result = new Map<string, ParsedIpset>();
  for (const [name, set] of sets) {
    // Least specific first, so a more specific nomatch cuts out of a broader entry and a yet more specific entry adds back.
    const ordered = [...set.entries].sort((a, b) => a.prefixLength - b.prefixLength);
    let addresses = AddressSet.EMPTY;
    for (const entry of ordered) addresses = entry.nomatch ? addresses.difference(entry.addresses) : addresses.union(entry.addresses);
    result.set(name, { name, family: set.family, addresses, line: set.line });
  }
  return result;
}
