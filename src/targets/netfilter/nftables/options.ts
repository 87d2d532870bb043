/** The nftables target's options: one declaration each (option-schema.ts); the CLI flags and docs come from here. */
import { NETFILTER_OPTION_SPECS as NETFILTER } from '../common/options.js';
import { defineOptions, formatOptionSpec } from '../../option-schema.js';

export const NFTABLES_OPTIONS = defineOptions([
  formatOptionSpec(['nft']),
  NETFILTER.chainHook,
  NETFILTER.interface,
  NETFILTER.outsideInterface,
  NETFILTER.fqdn,
  NETFILTER.log,
  NETFILTER.platformFlows,
  NETFILTER.counters,
  {
    ...NETFILTER.defaultAction,
    choices: ['drop'],
    doc: 'drop (the only choice: an nftables table decides on its own)',
    // Every table's base chains judge a packet on their own, a jump cannot leave the table, and an accept here
    // does not override a drop elsewhere.
    why: 'return has no meaning for an nftables table: each table decides on its own',
  },
  NETFILTER.rates,
]);
