/** The iptables target's options: one declaration each (option-schema.ts); the CLI flags and docs come from here. */
import { NETFILTER_OPTION_SPECS as NETFILTER } from '../common/options.js';
import { defineOptions, formatOptionSpec } from '../../option-schema.js';

export const IPTABLES_OPTIONS = defineOptions([
  formatOptionSpec(['iptables-restore']),
  NETFILTER.chainHook,
  NETFILTER.interface,
  NETFILTER.outsideInterface,
  NETFILTER.fqdn,
  NETFILTER.log,
  NETFILTER.platformFlows,
  NETFILTER.defaultAction,
  NETFILTER.fullTable,
  NETFILTER.nat,
  NETFILTER.rates,
  { name: 'family', type: 'choice', choices: ['ipv4', 'ipv6', '4', '6'], default: 'ipv4', doc: 'the family of a saved ruleset read on its own (default ipv4)', uses: ['parse'], placeholder: '<family>' },
]);
