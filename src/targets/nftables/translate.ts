/** Requirements → one `nft -f` file (targets.md §3.4), from the same lowering as the iptables target. */
import { TagwallError } from '../../errors.js';
import type { RequirementSet } from '../../model/requirement.js';
import { DNSMASQ_USE, renderDnsmasq } from '../netfilter-common/dnsmasq.js';
import { headerLines } from '../netfilter-common/header.js';
import { lowerRequirements } from '../netfilter-common/lower.js';
import { netfilterOptions, type NetfilterOptions } from '../netfilter-common/options.js';
import type { Artifact, Diagnostic, TargetOptionValues, TranslateContext, Translation } from '../target.js';
import { NFTABLES_LIMITS, NFTABLES_TABLE } from './capabilities.js';
import { renderRuleset } from './render.js';
import { assertMeaningfulRequirements } from '../../model/requirement-check.js';

export const NFTABLES_TARGET_ID = 'nftables';
export const NFTABLES_ARTIFACTS = { ruleset: 'tagwall.nft', dnsmasq: 'dnsmasq.conf' } as const;

/**
 * defaultAction=return has no nftables meaning: every table's base chains judge a packet on their own, a jump
 * cannot leave the table, and an accept here does not override a drop elsewhere.
 */
export function nftablesOptions(values: TargetOptionValues): NetfilterOptions {
  const options = netfilterOptions(values, NFTABLES_TARGET_ID);
  if (options.defaultAction === 'return') {
    throw new TagwallError('TW_INVALID_OPTION', 'target nftables: defaultAction return has no meaning for an nftables table (each table decides on its own); use drop');
  }
  return options;
}

export function translateNftables(requirements: RequirementSet, context: TranslateContext): Translation {
  assertMeaningfulRequirements(requirements); // a host-name source or contradictory fields: an error, never a silent rule
  const options = nftablesOptions(context.options);
  const model = lowerRequirements(requirements, context.resolver, options, NFTABLES_TARGET_ID, 'NFT');
  const load = [`load: nft -f ${NFTABLES_ARTIFACTS.ruleset} (check first: nft -c -f ${NFTABLES_ARTIFACTS.ruleset})`];
  const header = (what: string): string[] => headerLines(what, requirements, context.snapshot, load);
  const ruleset = renderRuleset(model.sets, model.rules, options, header('nft -f ruleset'));
  const artifacts: Artifact[] = [{ name: NFTABLES_ARTIFACTS.ruleset, format: 'nft', content: ruleset.text }];
  if (model.dnsmasq.length > 0) {
    artifacts.push({ name: NFTABLES_ARTIFACTS.dnsmasq, format: 'dnsmasq', content: renderDnsmasq(model.dnsmasq, headerLines('dnsmasq configuration', requirements, context.snapshot, [DNSMASQ_USE]), 'nftset', NFTABLES_TABLE) });
  }
  const diagnostics: Diagnostic[] = [...model.diagnostics];
  for (const id of ruleset.cutComments) {
    diagnostics.push({
      code: 'NFT_COMMENT_TRUNCATED',
      severity: 'info',
      target: NFTABLES_TARGET_ID,
      requirementId: id,
      message: `${id}: the rule comment was cut to ${NFTABLES_LIMITS.commentBytes} bytes (nft's comment limit)`,
    });
  }
  return { artifacts, diagnostics };
}
