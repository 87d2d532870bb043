/** The `nftables` target: one `nft -f` file with an inet table and interval sets (targets.md §3.4). */
import { TagwallError } from '../../../errors.js';
import { netfilterAllowed, netfilterAllowedBoxes } from '../common/lower.js';
import { netfilterOptions } from '../common/options.js';
import { PLATFORM_FLOWS_DESCRIPTION, platformFlowPackets } from '../common/platform.js';
import { defineTarget } from '../../pipeline.js';
import { NFTABLES_CAPABILITIES } from './capabilities.js';
import { NFTABLES_LABELS } from './labels.js';
import { NFTABLES_OPTIONS } from './options.js';
import { detectNftables, looksLikeNftJson } from './detect.js';
import { parseNftJson } from './json.js';
import { parseNftFiles, parseNftRuleset } from './parse.js';
import { buildNftables, NFTABLES_TARGET_ID, nftablesOptions, renderNftables } from './build.js';

export const nftablesTarget = defineTarget({
  id: NFTABLES_TARGET_ID,
  family: 'netfilter',
  description: 'Linux nftables: one inet table with interval sets for expanded service tags (nft -f)',
  formats: ['nft'],
  analysisMode: 'expanded',
  options: NFTABLES_OPTIONS,
  capabilities: () => NFTABLES_CAPABILITIES,
  build: buildNftables,
  render: renderNftables,
  allowed: (model) => netfilterAllowed(model.lowered),
  allowedBoxes: (model) => netfilterAllowedBoxes(model.lowered),
  // The platform flows (common/platform.ts) the host chains accept beyond the requirements, exactly.
  declaredExtras: (options) => ({ description: PLATFORM_FLOWS_DESCRIPTION, packets: platformFlowPackets(netfilterOptions(options, NFTABLES_TARGET_ID)) }),
  // A large set continues in further files (split.ts): a ruleset as render writes it is several files.
  readsSeveralFiles: true,
  // `nft -j list ruleset` (JSON) and the text form read through one model (json.ts).
  parse: (input, context) => {
    if (input.more === undefined || input.more.length === 0) return (looksLikeNftJson(input.content) ? parseNftJson : parseNftRuleset)(input.content, input.file, nftablesOptions(context.options));
    const files = [{ content: input.content, file: input.file }, ...input.more];
    const json = files.find((file) => looksLikeNftJson(file.content));
    if (json) throw new TagwallError('TW_USAGE', `${json.file} is nft -j output, one document of the whole ruleset: give it alone, not with ${files.length - 1} more file${files.length === 2 ? '' : 's'}`, { location: { file: json.file } });
    return parseNftFiles(files, nftablesOptions(context.options));
  },
  parseArtifacts: (artifacts, context) => {
    // The ruleset and the files its large sets continue in (split.ts), loaded in this order: one config, each file
    // under its own name and lines, as `check --config` reads them.
    const files = artifacts.filter((artifact) => artifact.format === 'nft');
    if (files.length === 0) throw new TagwallError('TW_INVALID_CONFIG', 'no nft artifact to parse');
    const options = nftablesOptions(context.options);
    return files.length === 1 ? parseNftRuleset(files[0]!.content, files[0]!.name, options) : parseNftFiles(files.map((artifact) => ({ content: artifact.content, file: artifact.name })), options);
  },
  detect: detectNftables,
  labels: NFTABLES_LABELS,
});

export { parseNftRuleset } from './parse.js';
