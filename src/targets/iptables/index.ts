/** The `iptables` target: iptables-restore + ip6tables-restore files and an ipset restore file (targets.md §3). */
import { netfilterOptions } from '../netfilter-common/options.js';
import type { Target } from '../target.js';
import { IPTABLES_CAPABILITIES } from './capabilities.js';
import { looksLikeIptables, parseIptables, parseIptablesSources } from './parse.js';
import { IPTABLES_TARGET_ID, translateIptables } from './translate.js';

export const iptablesTarget: Target = {
  id: IPTABLES_TARGET_ID,
  description: 'Linux iptables + ip6tables with ipset sets for expanded service tags (iptables-restore, ipset restore)',
  formats: ['iptables-restore'],
  analysisMode: 'expanded',
  capabilities: IPTABLES_CAPABILITIES,
  translate: translateIptables,
  parse: parseIptables,
  parseArtifacts: (artifacts, context) => {
    const options = netfilterOptions(context.options, IPTABLES_TARGET_ID);
    const pick = (formats: readonly string[]): Array<{ content: string; file: string }> =>
      artifacts.filter((artifact) => formats.includes(artifact.format)).map((artifact) => ({ content: artifact.content, file: artifact.name }));
    return parseIptablesSources({ rules: pick(['iptables-restore', 'ip6tables-restore']), ipsets: pick(['ipset']) }, options);
  },
  detect: looksLikeIptables,
};

export { parseIpsetSave } from './ipset.js';
export { parseIptables, parseIptablesSources } from './parse.js';
export { translateIptables } from './translate.js';
