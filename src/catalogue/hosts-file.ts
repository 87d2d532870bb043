/**
 * A hosts table: what a host name used as a requirement's source stands for. A packet never names its source
 * (its one name is the destination its client asked for), so `source: jumpbox.contoso.com` means something only
 * when the user says which addresses that host has. tagwall does not ask DNS: the answer would change between
 * runs and from machine to machine, and generated configs must be deterministic.
 *
 * The format is /etc/hosts (hosts(5)): an address, then one or more names; `#` starts a comment. A name on
 * several lines (an IPv4 and an IPv6 line) stands for all of their addresses.
 *
 *   192.0.2.10      jumpbox.contoso.com
 *   2001:db8::10    jumpbox.contoso.com
 *   198.51.100.0/28 bastion.contoso.com     # a CIDR or range is accepted too (a subnet the host may move in)
 */
import { TagwallError, isTagwallError } from '../errors.js';
import { nodeFs } from '../internal/lazy.js';
import { AddressSet } from '../model/address-set.js';
import { normalizeHostname } from '../model/hostnames.js';

/** Host name (normalised: lower case, no trailing dot) → the addresses it stands for. */
export type HostsTable = ReadonlyMap<string, AddressSet>;

/** Parses hosts-file text; TW_INVALID_ADDRESS / TW_INVALID_HOSTNAME with file:line:column on a bad entry. */
export function parseHostsFile(text: string, file = '<hosts>'): HostsTable {
  const table = new Map<string, AddressSet>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/#.*$/, '');
    const fields = [...line.matchAll(/\S+/g)];
    if (fields.length === 0) return;
    const at = (field: RegExpMatchArray) => ({ file, line: index + 1, column: (field.index ?? 0) + 1 });
    const attempt = <T>(field: RegExpMatchArray, parse: () => T): T => {
      try {
        return parse();
      } catch (error) {
        if (isTagwallError(error)) throw new TagwallError(error.code, error.message, { location: at(field) });
        throw error;
      }
    };
    const [addressField, ...names] = fields as [RegExpMatchArray, ...RegExpMatchArray[]];
    if (names.length === 0) {
      throw new TagwallError('TW_INVALID_HOSTNAME', `'${addressField[0]}' names no host (a line is: address name...)`, { location: at(addressField) });
    }
    const addresses = attempt(addressField, () => AddressSet.parse(addressField[0]));
    for (const field of names) {
      const name = attempt(field, () => normalizeHostname(field[0]));
      table.set(name, (table.get(name) ?? AddressSet.EMPTY).union(addresses));
    }
  });
  return table;
}

/** Reads a hosts file; TW_FILE when it cannot be read. */
export function loadHostsFile(path: string): HostsTable {
  let text: string;
  try {
    text = nodeFs().readFileSync(path, 'utf8');
  } catch (error) {
    throw new TagwallError('TW_FILE', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { location: { file: path } });
  }
  return parseHostsFile(text, path);
}
