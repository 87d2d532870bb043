/**
 * Translator diagnostics made exact (DESIGN.md contract law 2), the same way for every target: a translator
 * drafts what a diagnostic may have lost, and once the output is parsed back the loss is fixed to exactly what the
 * output does not allow.
 */
import type { PacketSet } from '../model/packet-set.js';
import type { Requirement } from '../model/requirement.js';
import type { Diagnostic, Severity } from './target.js';

/** A diagnostic being built: `candidate` is what it may have lost; the exact loss is fixed by `finishDiagnostics`. */
export interface DraftDiagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly requirement?: Requirement;
  /** The requirement's id when the draft names it without holding it (netfilter lowering). */
  readonly requirementId?: string;
  readonly message: string;
  readonly candidate?: PacketSet;
}

/**
 * Law 2 made exact: each draft's `lost` is its candidate minus what the output allows. The candidate is the part
 * of the requirement the diagnostic is about (the host endpoints, the IPv6 part); intersecting it with what the
 * target is meant to carry of the requirement (`required`, the kit's yardstick) and taking away what the output
 * allows keeps a diagnostic from claiming packets another rule still allows. The pipeline is the one caller.
 */
export function finishDiagnostics(
  target: string,
  drafts: readonly DraftDiagnostic[],
  withoutProduced: (set: PacketSet) => PacketSet,
  requiredOf: (requirement: Requirement) => PacketSet,
): Diagnostic[] {
  const required = new Map<string, PacketSet>();
  return drafts.map((draft) => {
    let lost: PacketSet | undefined;
    if (draft.candidate && draft.requirement) {
      let packets = required.get(draft.requirement.id);
      if (!packets) {
        packets = requiredOf(draft.requirement);
        required.set(draft.requirement.id, packets);
      }
      // A draft about all of its requirement (the usual candidate, requirementPackets' own set) is already within
      // it: a set meets itself in its own boxes, so the copy the intersection built is skipped (issue 22).
      const exact = withoutProduced(draft.candidate === packets ? packets : draft.candidate.intersection(packets));
      lost = exact.isEmpty() ? undefined : exact;
    } else if (draft.candidate) {
      // No requirement to clip by: the drafting code vouches the candidate lies within its requirement.
      const exact = withoutProduced(draft.candidate);
      lost = exact.isEmpty() ? undefined : exact;
    }
    const requirementId = draft.requirement?.id ?? draft.requirementId;
    return {
      code: draft.code,
      severity: draft.severity,
      target,
      ...(requirementId === undefined ? {} : { requirementId }),
      message: draft.message,
      ...(lost ? { lost } : {}),
    };
  });
}
