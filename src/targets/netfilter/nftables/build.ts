/** Requirements → one `nft -f` file (targets.md §3.4), from the same lowering as the iptables target. */
import type { RequirementSet } from '../../../model/requirement.js';
import type { DraftDiagnostic } from '../../diagnostics.js';
import { DNSMASQ_USE, renderDnsmasq } from '../common/dnsmasq.js';
import { headerLines } from '../common/header.js';
import { lowerRequirements, type NetfilterModel } from '../common/lower.js';
import { netfilterOptions, type NetfilterOptions } from '../common/options.js';
import { platformFlowLines } from '../common/platform.js';
import type { Artifact, BuildContext, Built, Rendered, TargetOptionValues, TranslateContext } from '../../target.js';
import { NFTABLES_LIMITS, NFTABLES_TABLE } from './capabilities.js';
import { elementLines, renderRuleset } from './render.js';
import { splitSets } from './split.js';
import { nftCommentLine } from '../../../text/nft.js';

export const NFTABLES_TARGET_ID = 'nftables' as const;
export const NFTABLES_ARTIFACTS = { ruleset: 'tagwall.nft', dnsmasq: 'dnsmasq.conf' } as const;

/** The netfilter options under the nftables schema (options.ts: `drop` is its only default action). */
export function nftablesOptions(values: TargetOptionValues): NetfilterOptions {
  return netfilterOptions(values, NFTABLES_TARGET_ID);
}

/** The lowered rules, and the options they were lowered under (rendering needs the hook and the default action). */
export interface NftablesModel {
  readonly lowered: NetfilterModel;
  readonly options: NetfilterOptions;
}

export function buildNftables(requirements: RequirementSet, context: TranslateContext): Built<NftablesModel> {
  const options = nftablesOptions(context.options);
  const lowered = lowerRequirements(requirements, context.resolver, options, NFTABLES_TARGET_ID, 'NFT');
  return { model: { lowered, options }, drafts: lowered.drafts };
}

/** The ruleset (and the dnsmasq configuration that feeds its sets, when asked), with a header naming the input. */
export function renderNftables({ lowered: model, options }: NftablesModel, _format: 'nft', { requirements, snapshot }: BuildContext): Rendered {
  // Sets too large for one unprivileged netlink batch continue in later files (split.ts); small rulesets stay whole.
  const split = splitSets(model.sets, model.rules.length + 10);
  const files = [NFTABLES_ARTIFACTS.ruleset, ...split.later.map((_, index) => `tagwall.${index + 2}.nft`)];
  const load = [
    `load: ${files.map((file) => `nft -f ${file}`).join(' && ')} (check first: nft -c -f ${NFTABLES_ARTIFACTS.ruleset})`,
    ...(split.later.length > 0 ? [`large sets continue in ${files.slice(1).join(', ')} (one netlink batch each, for rootless nft); until they load the sets are partial: fewer packets pass, never more`] : []),
  ];
  const header = (what: string): string[] => headerLines(what, requirements, snapshot, load);
  // The ruleset names the platform flows it accepts beyond the requirements (platform.ts).
  const ruleset = renderRuleset(model.sets, model.rules, options, [...header('nft -f ruleset'), ...platformFlowLines(options)], split.later.length > 0 ? split.inline : undefined);
  const artifacts: Artifact[] = [{ name: NFTABLES_ARTIFACTS.ruleset, format: 'nft', content: ruleset.text }];
  split.later.forEach((chunks, index) => {
    const lines = header(`nft -f set elements, part ${index + 2} of ${files.length},`).map(nftCommentLine);
    for (const chunk of chunks) lines.push(`add element inet ${NFTABLES_TABLE} ${chunk.set.name} {`, elementLines(chunk.set.blocks, chunk.from, chunk.to, '\t'), '}');
    artifacts.push({ name: files[index + 1]!, format: 'nft', content: `${lines.join('\n')}\n` });
  });
  if (model.dnsmasq.length > 0) {
    artifacts.push({ name: NFTABLES_ARTIFACTS.dnsmasq, format: 'dnsmasq', content: renderDnsmasq(model.dnsmasq, headerLines('dnsmasq configuration', requirements, snapshot, [DNSMASQ_USE]), 'nftset', NFTABLES_TABLE) });
  }
  const drafts = ruleset.cutComments.map(
    (id): DraftDiagnostic => ({
      code: 'NFT_COMMENT_TRUNCATED',
      severity: 'info',
      requirementId: id,
      message: `${id}: the rule comment was cut to ${NFTABLES_LIMITS.commentBytes} bytes (nft's comment limit)`,
    }),
  );
  return { artifacts, drafts };
}
