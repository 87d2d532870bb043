/**
 * The capability gate: the one place that takes out, before a kit builds anything, the requirements a target
 * cannot express at all, and drafts the diagnostic that owns up to their packets (the pipeline makes the loss
 * exact). Today that is the direction: Azure Firewall is modelled as the egress point, so an inbound requirement
 * is refused here with the kit's own code and words. What a target can express in part (a host name among tags,
 * an ICMP type) is a matter of how the kit's model spells it, and stays in the kit's `build`.
 */
import type { AddressResolver } from '../analysis/resolve.js';
import { requirementPackets } from '../analysis/resolve.js';
import type { RequirementSet } from '../model/requirement.js';
import type { DraftDiagnostic } from './diagnostics.js';
import type { Capabilities, TargetKit } from './target.js';

export interface Gated {
  /** The requirements the kit builds from: the same set, less those refused. */
  readonly requirements: RequirementSet;
  readonly drafts: readonly DraftDiagnostic[];
}

export function gateRequirements(kit: Pick<TargetKit, 'refuseDirection'>, requirements: RequirementSet, capabilities: Capabilities, resolver: AddressResolver): Gated {
  const refuse = kit.refuseDirection;
  // Without refusal words the kit is not meant to carry that direction at all (a route table carries inbound
  // answers only; its yardstick says so), so its builder sees and skips those requirements itself.
  if (!refuse) return { requirements, drafts: [] };
  const drafts: DraftDiagnostic[] = [];
  const kept = requirements.requirements.filter((requirement) => {
    if (capabilities.directions.includes(requirement.direction)) return true;
    drafts.push({ ...refuse(requirement), requirement, candidate: requirementPackets(requirement, resolver) });
    return false;
  });
  return { requirements: kept.length === requirements.requirements.length ? requirements : { ...requirements, requirements: kept }, drafts };
}
