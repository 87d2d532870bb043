/** The `iptables` target: iptables-restore + ip6tables-restore files and an ipset restore file (targets.md §3). */
import { netfilterAllowed, netfilterAllowedBoxes } from '../common/lower.js';
import { PLATFORM_FLOWS_DESCRIPTION, platformFlowPackets } from '../common/platform.js';
import { netfilterOptions } from '../common/options.js';
import { defineTarget } from '../../pipeline.js';
import { IPTABLES_CAPABILITIES } from './capabilities.js';
import { IPTABLES_LABELS } from './labels.js';
import { IPTABLES_OPTIONS } from './options.js';
import { looksLikeIptables } from './detect.js';
import { parseIptables, parseIptablesSources } from './parse.js';
import { buildIptables, IPTABLES_TARGET_ID, renderIptables } from './build.js';

export const iptablesTarget = defineTarget({
  id: IPTABLES_TARGET_ID,
  family: 'netfilter',
  description: 'Linux iptables + ip6tables with ipset sets for expanded service tags (iptables-restore, ipset restore)',
  formats: ['iptables-restore'],
  analysisMode: 'expanded',
  options: IPTABLES_OPTIONS,
  capabilities: () => IPTABLES_CAPABILITIES,
  build: buildIptables,
  render: renderIptables,
  allowed: (model) => netfilterAllowed(model.lowered),
  allowedBoxes: (model) => netfilterAllowedBoxes(model.lowered),
  // The platform flows (common/platform.ts) the host chains accept beyond the requirements, exactly.
  declaredExtras: (options) => ({ description: PLATFORM_FLOWS_DESCRIPTION, packets: platformFlowPackets(netfilterOptions(options, IPTABLES_TARGET_ID)) }),
  // iptables-save prints one family: a host's rules are two files (render writes them apart too).
  readsSeveralFiles: true,
  parse: parseIptables,
  parseArtifacts: (artifacts, context) => {
    const options = netfilterOptions(context.options, IPTABLES_TARGET_ID);
    const pick = (formats: readonly string[]): Array<{ content: string; file: string }> =>
      artifacts.filter((artifact) => formats.includes(artifact.format)).map((artifact) => ({ content: artifact.content, file: artifact.name }));
    return parseIptablesSources({ rules: pick(['iptables-restore', 'ip6tables-restore']), ipsets: pick(['ipset']) }, options);
  },
  detect: looksLikeIptables,
  labels: IPTABLES_LABELS,
});

export { parseIpsetSave } from './ipset.js';
export { parseIptables, parseIptablesSources } from './parse.js';
