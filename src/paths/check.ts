/**
 * `tagwall path --requirements/--scenario`: every required flow of a workload, end to end, as `check` does per
 * device. Missing: required and not delivered (each piece with the hop and rule that dropped it); extra: delivered
 * end to end and not required (what the devices together let through beyond the requirements).
 */
import { requirementPackets } from '../analysis/resolve.js';
import { openingPackets } from '../analysis/rule-set.js';
import { PacketSet } from '../model/packet-set.js';
import type { Requirement, RequirementSet } from '../model/requirement.js';
import { TagwallError } from '../errors.js';
import { publicDestinations, walkInbound, walkOutbound, type Delivery, type Drop, type PathResult } from './engine.js';
import type { LoadedTopology } from './load.js';

export type Outcome = 'delivered' | 'partly delivered' | 'dropped' | 'not this workload' | 'not modelled (managed network inbound)';

export interface RequirementOutcome {
  readonly requirement: Requirement;
  readonly outcome: Outcome;
  /** Its flows from (or to) this workload that are not delivered. */
  readonly missing: PacketSet;
  /** The drops that take some of them, in path order. */
  readonly drops: readonly Drop[];
}

export interface PathCheck {
  readonly workload: string;
  readonly requirements: string;
  readonly outbound: PathResult;
  readonly inbound: PathResult | undefined;
  readonly required: PacketSet;
  readonly missing: PacketSet;
  readonly extra: PacketSet;
  /** How the extra flows get through: a witness per place they reach, with every hop's verdict. */
  readonly extraDeliveries: readonly Delivery[];
  readonly outcomes: readonly RequirementOutcome[];
}

/** The flows a requirement asks of this workload: its first packets from (out) or to (in) the workload's address. */
export function requiredFlows(loaded: LoadedTopology, workloadName: string, requirement: Requirement): PacketSet {
  const workload = loaded.topology.workloads.find((candidate) => candidate.name === workloadName)!;
  const packets = requirementPackets(requirement, loaded.resolver);
  const mine = requirement.direction === 'out' ? PacketSet.of({ directions: ['out'], src: workload.address }) : PacketSet.of({ directions: ['in'], dst: workload.address });
  // A host name is taken to resolve to a public address (docs/paths.md, limits).
  return publicDestinations(packets.intersection(mine).intersection(openingPackets()), loaded.resolver.serviceTag('Internet'));
}

export function checkPaths(loaded: LoadedTopology, workloadName: string, requirements: RequirementSet): PathCheck {
  const workload = loaded.topology.workloads.find((candidate) => candidate.name === workloadName);
  if (!workload) {
    throw new TagwallError('TW_USAGE', `--from must name a workload of the topology to check requirements (workloads: ${loaded.topology.workloads.map((candidate) => candidate.name).join(', ') || 'none'})`);
  }
  const flows = requirements.requirements.map((requirement) => ({ requirement, flows: requiredFlows(loaded, workloadName, requirement) }));
  const canReceive = workload.subnet !== undefined;
  const union = (direction: 'in' | 'out'): PacketSet => flows.filter((entry) => entry.requirement.direction === direction).reduce((set, entry) => set.union(entry.flows), PacketSet.EMPTY);
  const requiredOut = union('out');
  // Microsoft runs the managed network's inbound side (its own NSGs and routes): nothing of the user's to check.
  const requiredIn = canReceive ? union('in') : PacketSet.EMPTY;
  // Explained walks over the required flows (drops split by rule, with witnesses); plain walks over every flow,
  // for what is delivered beyond the requirements.
  const outbound = walkOutbound(loaded, workloadName, requiredOut);
  const everythingOut = walkOutbound(loaded, workloadName, PacketSet.of({ directions: ['out'] }), { explain: false });
  const inbound = canReceive ? walkInbound(loaded, workloadName, requiredIn) : undefined;
  const everythingIn = canReceive ? walkInbound(loaded, workloadName, PacketSet.of({ directions: ['in'] }), { explain: false }) : undefined;
  const required = requiredOut.union(requiredIn);
  const delivered = outbound.delivered.union(inbound?.delivered ?? PacketSet.EMPTY);
  // The explained walks split the required flows into what they deliver and what they drop, so without a drop
  // nothing is missing; the difference compacted both unions only to find that out (issue 22, paths.test.ts).
  const missing = outbound.drops.length === 0 && (inbound?.drops.length ?? 0) === 0 ? PacketSet.EMPTY : required.difference(delivered);
  const internet = loaded.resolver.serviceTag('Internet');
  const extra = publicDestinations(everythingOut.delivered.union(everythingIn?.delivered ?? PacketSet.EMPTY), internet).difference(required);
  const extraOut = extra.intersection(PacketSet.of({ directions: ['out'] }));
  const extraIn = extra.intersection(PacketSet.of({ directions: ['in'] }));
  const extraDeliveries = [
    ...(extraOut.isEmpty() ? [] : walkOutbound(loaded, workloadName, extraOut).deliveries),
    ...(canReceive && !extraIn.isEmpty() ? walkInbound(loaded, workloadName, extraIn).deliveries : []),
  ];
  const drops = [...outbound.drops, ...(inbound?.drops ?? [])];
  const outcomes = flows.map(({ requirement, flows: own }): RequirementOutcome => {
    const lost = !canReceive && requirement.direction === 'in' ? PacketSet.EMPTY : own.intersection(missing);
    const outcome: Outcome = !canReceive && requirement.direction === 'in' ? 'not modelled (managed network inbound)' : own.isEmpty() ? 'not this workload' : lost.isEmpty() ? 'delivered' : lost.equals(own) ? 'dropped' : 'partly delivered';
    return { requirement, outcome, missing: lost, drops: lost.isEmpty() ? [] : drops.filter((drop) => drop.packets.overlaps(lost)) };
  });
  return { workload: workloadName, requirements: requirements.name ?? requirements.origin ?? 'requirements', outbound, inbound, required, missing, extra, extraDeliveries, outcomes };
}
