/**
 * The options of the two Azure Firewall targets: one declaration each (option-schema.ts); the CLI flags and docs
 * come from here. Classic rules have no IPv6 (targets.md §1.6), so only the policy target takes `ipv6`.
 */
import { FIREWALL_LIMITS } from '../common/limits.js';
import { AZURE_FORMATS } from '../common/formats.js';
import { defineOptions, formatOptionSpec } from '../../option-schema.js';

const COMMON = [
  formatOptionSpec(AZURE_FORMATS),
  { name: 'sku', type: 'choice', choices: ['standard', 'premium', 'basic'], default: 'standard', doc: 'standard (default), basic or premium (URL paths, TLS inspection)', uses: ['render'], placeholder: '<sku>' },
  {
    name: 'priority',
    type: 'integer',
    min: FIREWALL_LIMITS.firstPriority,
    max: FIREWALL_LIMITS.lastPriority,
    doc: 'the rule collection group priority (default derived from the group name: a multiple of 10 in 1000-64990)',
    uses: ['render'],
    placeholder: '<n>',
  },
  { name: 'vnet', type: 'text', doc: 'the address space VirtualNetwork stands for as a source (the firewall has no such tag)', uses: ['render'], placeholder: '<cidrs>' },
  { name: 'ipGroups', type: 'boolean', doc: 'put long address lists into IP Groups', uses: ['render'] },
  {
    name: 'dnsProxy',
    type: 'choice',
    choices: ['policy', 'external'],
    default: 'policy',
    doc: 'policy (default): declare the DNS proxy network rules with host names need; external: you manage it (a warning reminds)',
    uses: ['render'],
    placeholder: '<where>',
  },
  { name: 'globalTags', type: 'boolean', doc: 'name an accepted global tag where a regional one is not accepted (wider: a warning)', uses: ['render'] },
] as const;

export const FIREWALL_CLASSIC_OPTIONS = defineOptions(COMMON);

export const FIREWALL_POLICY_OPTIONS = defineOptions([
  ...COMMON,
  { name: 'ipv6', type: 'boolean', doc: 'keep IPv6 prefixes (a preview for dual-stack firewalls, §1.7)', uses: ['render'] },
  {
    name: 'ruleCollectionGroup',
    type: 'text',
    doc: "the rule collection group's name (default tw- and the scenario or file name, so two scenarios in one policy are two groups)",
    uses: ['render'],
    placeholder: '<name>',
  },
]);
