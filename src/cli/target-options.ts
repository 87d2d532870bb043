/**
 * Target options as CLI flags, one list for every command: `render` passes them to `translate`, `check` and the
 * analysis commands to the config parsers. Commander camel-cases a flag (`--chain-hook` → `chainHook`), which is
 * the key each target reads; a target ignores keys it does not know. Anything without a flag goes through
 * `--option key=value`.
 */
import { Option, type Command } from 'commander';
import type { TargetOptionValues } from '../targets/target.js';
import { collect, usageError } from './io.js';
import { readInputFile } from './write-files.js';

/** `render`: options of translation; `parse`: options that say how to read a deployed config. */
type Use = 'render' | 'parse';

interface TargetFlag {
  readonly flag: string;
  readonly key: string;
  readonly help: string;
  readonly choices?: readonly string[];
  readonly uses: readonly Use[];
}

const TARGET_FLAGS: readonly TargetFlag[] = [
  { flag: '--sku <sku>', key: 'sku', help: 'azure-firewall: standard (default), basic or premium (URL paths, TLS inspection)', choices: ['standard', 'premium', 'basic'], uses: ['render'] },
  { flag: '--priority <n>', key: 'priority', help: 'azure-firewall: the rule collection group priority (default 1000)', uses: ['render'] },
  { flag: '--vnet <cidrs>', key: 'vnet', help: 'azure-firewall: the address space VirtualNetwork stands for as a source (the firewall has no such tag)', uses: ['render'] },
  { flag: '--ip-groups', key: 'ipGroups', help: 'azure-firewall: put long address lists into IP Groups', uses: ['render'] },
  { flag: '--ipv6', key: 'ipv6', help: 'azure-firewall: keep IPv6 prefixes (policy only)', uses: ['render'] },
  { flag: '--resolve <file>', key: 'resolve', help: 'nsg: host names you resolved yourself, one name=address[,address] a line', uses: ['render'] },
  { flag: '--deny-scope <scope>', key: 'denyScope', help: 'nsg: the final deny rule, deny-all or deny-internet (default: the one exact for the requirements)', choices: ['deny-all', 'deny-internet'], uses: ['render'] },
  { flag: '--global-tags', key: 'globalTags', help: 'nsg/udr/azure-firewall: name an accepted global tag where a regional one is not accepted (wider: a warning)', uses: ['render'] },
  { flag: '--expand', key: 'expand', help: 'udr: expanded prefixes instead of service-tag routes', uses: ['render'] },
  { flag: '--chain-hook <hook>', key: 'chainHook', help: 'iptables/nftables: host (default), input, output or forward', choices: ['host', 'input', 'output', 'forward'], uses: ['render', 'parse'] },
  { flag: '--interface <name>', key: 'interface', help: 'iptables/nftables: the workload-side interface (needed by --chain-hook forward)', uses: ['render', 'parse'] },
  { flag: '--outside-interface <name>', key: 'outsideInterface', help: 'iptables/nftables forward view: the interface on the far side of the router', uses: ['parse'] },
  { flag: '--fqdn <mode>', key: 'fqdn', help: 'iptables/nftables: none (default: host names are reported lost) or dnsmasq', choices: ['none', 'dnsmasq'], uses: ['render'] },
  { flag: '--log', key: 'log', help: 'iptables/nftables: log what falls through to the default action', uses: ['render'] },
  { flag: '--counters', key: 'counters', help: 'nftables: a counter on every rule', uses: ['render'] },
  { flag: '--default-action <action>', key: 'defaultAction', help: 'iptables/nftables: drop (default) or return to the host rules', choices: ['drop', 'return'], uses: ['render'] },
  { flag: '--location <where>', key: 'location', help: 'panos: vsys1 (default), device-group:NAME or shared', uses: ['render', 'parse'] },
  { flag: '--from-zone <zone>', key: 'fromZone', help: 'panos: the workload zone (default trust)', uses: ['render', 'parse'] },
  { flag: '--to-zone <zone>', key: 'toZone', help: 'panos: the outside zone (default untrust)', uses: ['render', 'parse'] },
  { flag: '--tags <mode>', key: 'tags', help: 'panos: service tags as address groups (groups, default) or external dynamic lists (edl)', choices: ['groups', 'edl'], uses: ['render'] },
  { flag: '--edl-url <url>', key: 'edlUrl', help: 'panos: the base URL the EDL files will be served from (with --tags edl)', uses: ['render'] },
  { flag: '--applications', key: 'applications', help: 'panos: name App-IDs in rules (ssl, web-browsing, ssh, dns, ping, ...) instead of application any', uses: ['render'] },
  { flag: '--platform <class>', key: 'platform', help: 'panos: the platform class generated objects are held to: vm (default, also small platforms), pa-3200 or large', choices: ['vm', 'pa-3200', 'large'], uses: ['render'] },
  { flag: '--edl-dir <dir>', key: 'edlDir', help: 'panos: the directory holding the EDL text files the config points at (as render -o wrote them)', uses: ['parse'] },
];

/** Adds the target flags of one use, and `--option key=value`, to a command. */
export function addTargetOptions(command: Command, use: Use): Command {
  for (const { flag, help, choices, uses } of TARGET_FLAGS) {
    if (!uses.includes(use)) continue;
    const option = new Option(flag, help);
    command.addOption(choices ? option.choices([...choices]) : option);
  }
  return command.option('--option <key=value>', 'any other target option, repeatable', collect);
}

/** The target options the flags of one use and `--option key=value` give (an `--option` wins over a flag). */
export function targetOptionValues(options: Readonly<Record<string, unknown>>, use: Use): TargetOptionValues {
  const values: Record<string, string | boolean> = {};
  for (const { key, uses } of TARGET_FLAGS) {
    if (!uses.includes(use)) continue;
    const value = options[key];
    if (typeof value === 'string' || typeof value === 'boolean') values[key] = value;
  }
  // The NSG resolve table is a file on the command line; targets take its text.
  if (typeof values['resolve'] === 'string') values['resolve'] = readInputFile(values['resolve']).toString('utf8');
  const pairs = options['option'];
  for (const entry of Array.isArray(pairs) ? (pairs as string[]) : []) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw usageError(`--option takes key=value, not '${entry}'`);
    values[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return values;
}
