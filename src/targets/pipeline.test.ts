import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandedResolver } from '../analysis/resolve.js';
import { HostSet } from '../model/hostnames.js';
import { PacketSet, type Box } from '../model/packet-set.js';
import { defaultSnapshot } from '../servicetags/index.js';
import { TagwallError } from '../errors.js';
import { buildScenario } from '../catalogue/index.js';
import type { RequirementSet } from '../model/requirement.js';
import { hostSet, packetSet, requirementSet } from '../testing/arbitraries.js';
import { withoutBoxesByShape } from './pipeline.js';
import { allTargets } from './registry.js';
import type { Diagnostic, Target, Translation } from './target.js';

const snapshot = defaultSnapshot('Public');
const resolver = expandedResolver(snapshot);
const options = { resolver, tags: ['Storage.WestUS', 'AzureMonitor', 'VirtualNetwork', 'Internet'], urls: true };

describe('withoutBoxesByShape (loss accounting, once per shape)', () => {
  it('gives the boxes PacketSet.withoutBoxes gives, in the same order, when the subtracted boxes name no hosts', () => {
    fc.assert(
      fc.property(packetSet(options), fc.array(hostSet(), { minLength: 1, maxLength: 4 }), packetSet(options), (base, hosts, output) => {
        // The same shapes with other hosts, as the drafts of several host-name requirements are.
        const boxes: Box[] = base.boxes.flatMap((box) => hosts.map((names) => ({ ...box, hosts: names }))).filter((box) => !box.hosts.isEmpty());
        const minus: Box[] = output.boxes.map((box) => ({ ...box, hosts: HostSet.ANY }));
        const shapes = new Map<string, readonly Box[]>();
        // Twice: the second round reads every shape from the first.
        for (let round = 0; round < 2; round++) {
          const fast = withoutBoxesByShape(boxes, minus, shapes);
          if (boxes.length === 0 || minus.length === 0) expect(fast).toBeUndefined();
          else expect(fast!.boxes).toEqual(PacketSet.fromDisjointBoxes(boxes).withoutBoxes(minus).boxes);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('keeps pieces only for boxes that name hosts: a box of any host is cut on its own, with the same pieces', () => {
    fc.assert(
      fc.property(packetSet(options), packetSet(options), (base, output) => {
        const boxes = base.boxes.map((box) => ({ ...box, hosts: HostSet.ANY }));
        const minus = output.boxes.map((box) => ({ ...box, hosts: HostSet.ANY }));
        const shapes = new Map<string, readonly Box[]>();
        const fast = withoutBoxesByShape(boxes, minus, shapes);
        if (boxes.length > 0 && minus.length > 0) expect(fast!.boxes).toEqual(PacketSet.fromDisjointBoxes(boxes).withoutBoxes(minus).boxes);
        expect(shapes.size).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it('leaves a subtraction of boxes that name hosts to the caller', () => {
    const named = PacketSet.of({ hosts: HostSet.fromPatterns(['example.com']) });
    expect(withoutBoxesByShape(PacketSet.ALL.boxes, named.boxes, new Map())).toBeUndefined();
  });
});

describe('translations without loss accounting (exactLoss: false)', () => {
  const withoutLost = (diagnostics: readonly Diagnostic[]): Diagnostic[] => diagnostics.map(({ lost: _lost, ...rest }) => rest);
  const translate = (target: Target, requirements: RequirementSet, exactLoss?: boolean): Translation | TagwallError => {
    try {
      return target.translate(requirements, { snapshot, resolver, options: {}, ...(exactLoss === undefined ? {} : { exactLoss }) });
    } catch (error) {
      if (error instanceof TagwallError) return error;
      throw error;
    }
  };
  /** The same artifacts, and the same diagnostics in the same order but for `lost`, as the full translation. */
  const expectSameButLoss = (target: Target, requirements: RequirementSet): void => {
    const full = translate(target, requirements);
    if (full instanceof TagwallError) return;
    const light = translate(target, requirements, false);
    expect(light).not.toBeInstanceOf(TagwallError);
    expect((light as Translation).artifacts).toEqual(full.artifacts);
    expect((light as Translation).diagnostics).toEqual(withoutLost(full.diagnostics));
    // `exactLoss: true` is the default.
    expect(translate(target, requirements, true)).toEqual(full);
  };

  it('give every target the same artifacts and diagnostics, without lost, on catalogue scenarios', () => {
    for (const id of ['compute-no-public-ip', 'data-exfiltration-prevention', 'kubernetes']) {
      const { requirements } = buildScenario(id, { region: 'westus', cloud: 'Public' }, snapshot);
      for (const target of allTargets()) expectSameButLoss(target, requirements);
    }
  });

  it('give every target the same artifacts and diagnostics, without lost, on random requirements', () => {
    fc.assert(
      fc.property(requirementSet({ urls: true, maxRequirements: 4 }), (requirements) => {
        for (const target of allTargets()) expectSameButLoss(target, requirements);
      }),
      { numRuns: 15 },
    );
  });
});
