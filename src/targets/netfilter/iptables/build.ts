/**
 * Requirements → `iptables-restore` + `ip6tables-restore` files and an `ipset restore` file (targets.md §3):
 * a chain per direction jumped from the hooked built-in chain, return traffic by conntrack, one rule per
 * requirement, protocol and port group, expanded tags as `hash:net` sets so a 2,000-prefix tag stays one rule.
 */
import type { RequirementSet } from '../../../model/requirement.js';
import { DNSMASQ_USE, renderDnsmasq } from '../common/dnsmasq.js';
import { headerLines } from '../common/header.js';
import type { DraftDiagnostic } from '../../diagnostics.js';
import { lowerRequirements, type NetfilterModel } from '../common/lower.js';
import { netfilterOptions, type NetfilterOptions } from '../common/options.js';
import { platformFlowLines } from '../common/platform.js';
import type { Artifact, BuildContext, Built, Rendered, TranslateContext } from '../../target.js';
import { IPTABLES_LIMITS } from './capabilities.js';
import { hookJumps, renderIpsets, renderRestoreFile } from './render.js';

export const IPTABLES_TARGET_ID = 'iptables' as const;

export const IPTABLES_ARTIFACTS = { ipv4: 'iptables.rules', ipv6: 'ip6tables.rules', ipsets: 'ipsets.save', dnsmasq: 'dnsmasq.conf' } as const;

/** The lowered rules, and the options they were lowered under (rendering needs the hook and the default action). */
export interface IptablesModel {
  readonly lowered: NetfilterModel;
  readonly options: NetfilterOptions;
}

export function buildIptables(requirements: RequirementSet, context: TranslateContext): Built<IptablesModel> {
  const options = netfilterOptions(context.options, IPTABLES_TARGET_ID);
  const lowered = lowerRequirements(requirements, context.resolver, options, IPTABLES_TARGET_ID, 'IPT');
  return { model: { lowered, options }, drafts: lowered.drafts };
}

/** The ipset, IPv4 and IPv6 restore files (and the dnsmasq configuration that feeds the sets, when asked). */
export function renderIptables({ lowered: model, options }: IptablesModel, _format: 'iptables-restore', { requirements, snapshot }: BuildContext): Rendered {
  // fullTable: the files are the host's filter tables; otherwise tagwall's chains go in beside the host's rules.
  const restore = options.fullTable ? 'iptables-restore' : 'iptables-restore --noflush';
  const loadCommand = `ipset restore -exist -file ${IPTABLES_ARTIFACTS.ipsets} && ${restore} ${IPTABLES_ARTIFACTS.ipv4} && ${restore.replace('iptables', 'ip6tables')} ${IPTABLES_ARTIFACTS.ipv6}`;
  const load = [`load: ${loadCommand}`];
  if (!options.fullTable) {
    // --noflush keeps the host's rules, so loading again inserts each jump again (targets.md §3.1); the new copy is
    // the first of its kind, and deleting the first match after loading leaves the old one in place, with no moment
    // in which tagwall's chains are not jumped to.
    const deletes = ['iptables', 'ip6tables'].flatMap((tool) => hookJumps(options).map((jump) => `${tool} -D ${jump}`));
    load.push(`reload: ${loadCommand} && ${deletes.join(' && ')}`);
  }
  const header = (what: string): string[] => headerLines(what, requirements, snapshot, load);
  // The rule files name the platform flows they accept beyond the requirements (platform.ts).
  const ipv4 = renderRestoreFile('ipv4', model.rules, options, [...header('iptables-restore file (IPv4)'), ...platformFlowLines(options, 'ipv4')]);
  const ipv6 = renderRestoreFile('ipv6', model.rules, options, [...header('ip6tables-restore file (IPv6)'), ...platformFlowLines(options, 'ipv6')]);
  const artifacts: Artifact[] = [
    { name: IPTABLES_ARTIFACTS.ipsets, format: 'ipset', content: renderIpsets(model.sets, header('ipset restore file')) },
    { name: IPTABLES_ARTIFACTS.ipv4, format: 'iptables-restore', content: ipv4.text },
    { name: IPTABLES_ARTIFACTS.ipv6, format: 'ip6tables-restore', content: ipv6.text },
  ];
  if (model.dnsmasq.length > 0) {
    artifacts.push({ name: IPTABLES_ARTIFACTS.dnsmasq, format: 'dnsmasq', content: renderDnsmasq(model.dnsmasq, headerLines('dnsmasq configuration', requirements, snapshot, [DNSMASQ_USE]), 'ipset', '') });
  }
  const drafts: DraftDiagnostic[] = [];
  for (const id of new Set([...ipv4.splitRequirements, ...ipv6.splitRequirements])) {
    drafts.push({
      code: 'IPT_MULTIPORT_SPLIT',
      severity: 'info',
      requirementId: id,
      message: `${id}: more ports than one multiport match holds (${IPTABLES_LIMITS.multiportSlots}, a range counting two); split over several rules`,
    });
  }
  for (const id of new Set([...ipv4.cutComments, ...ipv6.cutComments])) {
    drafts.push({
      code: 'IPT_COMMENT_TRUNCATED',
      severity: 'info',
      requirementId: id,
      message: `${id}: the rule comment was cut to ${IPTABLES_LIMITS.commentBytes} bytes (the kernel's comment limit)`,
    });
  }
  return { artifacts, drafts };
}
