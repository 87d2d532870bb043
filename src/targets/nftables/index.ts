/** The `nftables` target: one `nft -f` file with an inet table and interval sets (targets.md §3.4). */
import { TagwallError } from '../../errors.js';
import type { Target } from '../target.js';
import { NFTABLES_CAPABILITIES } from './capabilities.js';
import { looksLikeNftJson, parseNftJson } from './json.js';
import { looksLikeNftables, parseNftRuleset } from './parse.js';
import { NFTABLES_TARGET_ID, nftablesOptions, translateNftables } from './translate.js';

export const nftablesTarget: Target = {
  id: NFTABLES_TARGET_ID,
  description: 'Linux nftables: one inet table with interval sets for expanded service tags (nft -f)',
  formats: ['nft'],
  analysisMode: 'expanded',
  capabilities: NFTABLES_CAPABILITIES,
  translate: translateNftables,
  parse: (input, context) =>
    (looksLikeNftJson(input.content) ? parseNftJson : parseNftRuleset)(input.content, input.file, nftablesOptions(context.options)),
  parseArtifacts: (artifacts, context) => {
    const ruleset = artifacts.find((artifact) => artifact.format === 'nft');
    if (!ruleset) throw new TagwallError('TW_INVALID_CONFIG', 'no nft artifact to parse');
    return parseNftRuleset(ruleset.content, ruleset.name, nftablesOptions(context.options));
  },
  detect: (content) => looksLikeNftables(content) || looksLikeNftJson(content),
};

export { parseNftRuleset } from './parse.js';
export { translateNftables } from './translate.js';
