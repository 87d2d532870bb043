/**
 * The one translation pipeline every target runs (DESIGN.md, "Translators"):
 *
 *   options → validate against the kit's schema (unknown key, bad choice: TW_INVALID_OPTION with the nearest names)
 *           → capability gate (gate.ts: what the target cannot express is taken out here, with its packets)
 *           → build (the kit's object model + drafted diagnostics)
 *           → render (the requested format)
 *           → exact loss accounting (each draft's candidate ∩ what the target should carry − what the model allows)
 *
 * Kits declare; they do not re-implement any of these steps. `defineTarget` wraps a kit into the `Target` the
 * registry, the CLI and the public API use, so options are checked the same way for `parse` as for `translate`.
 */
import { requirementPackets, type AddressResolver } from '../analysis/resolve.js';
import { assertMeaningfulRequirements } from '../model/requirement-check.js';
import { compactBoxes, PacketSet, type Box } from '../model/packet-set.js';
import type { Requirement, RequirementSet } from '../model/requirement.js';
import { finishDiagnostics, type DraftDiagnostic } from './diagnostics.js';
import { gateRequirements } from './gate.js';
import { validateOptions, type OptionSchema } from './option-schema.js';
import type { BuildContext, ConfigInput, Diagnostic, Target, TargetKit, TargetOptionValues, TranslateContext, Translation } from './target.js';
import { TagwallError } from '../errors.js';

/** What the kit should carry of a requirement: its yardstick, or all of the requirement's packets. */
export function yardstickOf(kit: Pick<TargetKit, 'yardstick'>, resolver: AddressResolver): (requirement: Requirement) => PacketSet {
  return (requirement) => (kit.yardstick ? kit.yardstick(requirement, resolver) : requirementPackets(requirement, resolver));
}

/** Runs the pipeline for one kit and one requirement set; the format is `options.format` or the kit's first. */
export function runPipeline<Format extends string, Model>(
  kit: TargetKit<string, Format, OptionSchema, Model>,
  requirements: RequirementSet,
  context: TranslateContext<Readonly<Record<string, unknown>>>,
): Translation {
  const options = validateOptions(kit.id, kit.options, context.options);
  // A host-name source or contradictory fields: an error for every target, never a silent rule.
  assertMeaningfulRequirements(requirements);
  const capabilities = kit.capabilities(options);
  const gated = gateRequirements(kit, requirements, capabilities, context.resolver);
  const buildContext: BuildContext = { snapshot: context.snapshot, resolver: context.resolver, options, requirements: gated.requirements };
  const built = kit.build(gated.requirements, buildContext);
  const format = (typeof options['format'] === 'string' ? options['format'] : kit.formats[0]!) as Format;
  const rendered = kit.render(built.model, format, buildContext);
  const drafts = [...gated.drafts, ...built.drafts, ...(rendered.drafts ?? [])];
  if (context.exactLoss === false) return { artifacts: rendered.artifacts, diagnostics: drafts.map((draft) => withoutLoss(kit.id, draft)) };
  // What the output allows is needed only when a draft may have lost something (it can cost a parse-back).
  let produced: PacketSet | undefined;
  let producedBoxes: readonly Box[] | undefined;
  const allowedBoxes = kit.allowedBoxes?.bind(kit);
  const shapes = new Map<string, readonly Box[]>();
  const withoutProduced = allowedBoxes
    ? // Merged once (boxes equal but in one dimension fused; exact for overlapping boxes too): each draft then
      // subtracts a few boxes, not one per rule (10k rules x 200 drafts was a third of a 10k-requirement render).
      (set: PacketSet): PacketSet => withoutBoxesByShape(set.boxes, (producedBoxes ??= compactBoxes(allowedBoxes(built.model, buildContext))), shapes) ?? set.withoutBoxes(producedBoxes)
    : (set: PacketSet): PacketSet => {
        produced ??= kit.allowed(built.model, buildContext);
        // As PacketSet.difference: both sides compacted, the set itself when either is empty.
        if (set.isEmpty() || produced.isEmpty()) return set;
        return withoutBoxesByShape(set.compact().boxes, produced.compact().boxes, shapes) ?? set.difference(produced);
      };
  return { artifacts: rendered.artifacts, diagnostics: finishDiagnostics(kit.id, drafts, withoutProduced, yardstickOf(kit, context.resolver)) };
}

/** A draft as the diagnostic `finishDiagnostics` makes of it, but for `lost`, which is not computed. */
function withoutLoss(target: string, draft: DraftDiagnostic): Diagnostic {
  const requirementId = draft.requirement?.id ?? draft.requirementId;
  return { code: draft.code, severity: draft.severity, target, ...(requirementId === undefined ? {} : { requirementId }), message: draft.message };
}

/**
 * `boxes` minus the union of `minus`, exactly as `PacketSet.withoutBoxes` computes it (the same boxes in the same
 * order), when no box of `minus` names host names (every target but Azure Firewall's application rules): a
 * subtraction then never splits a box by host, so the pieces of a box are those of any box equal to it but for its
 * hosts, with its hosts. Drafts of host-name requirements (one per requirement: the same ports and sources, other
 * names) are thus cut against the output once per shape, not once each; `shapes` keeps the pieces per shape for a
 * translation. Undefined when `minus` names hosts (the caller subtracts as usual). Exported for its test.
 */
export function withoutBoxesByShape(boxes: readonly Box[], minus: readonly Box[], shapes: Map<string, readonly Box[]>): PacketSet | undefined {
  if (boxes.length === 0 || minus.length === 0 || !minus.every((box) => box.hosts.isAny())) return undefined;
  // No box to key (a draft of address requirements): one subtraction of them all, the same boxes in the same order.
  if (!boxes.some(worthAShape)) return PacketSet.fromDisjointBoxes(boxes).withoutBoxes(minus);
  const pieces: Box[] = [];
  for (const box of boxes) {
    const key = shapeKey(box);
    let shaped = key === undefined ? undefined : shapes.get(key);
    if (!shaped) {
      // subtractAll cuts each box of a list on its own and keeps their pieces in order, so one box at a time is the same.
      shaped = PacketSet.fromDisjointBoxes([box]).withoutBoxes(minus).boxes;
      if (key !== undefined) shapes.set(key, shaped);
    }
    for (const piece of shaped) pieces.push(piece.hosts === box.hosts ? piece : { ...piece, hosts: box.hosts });
  }
  return PacketSet.fromDisjointBoxes(pieces);
}

/**
 * Every dimension of a small box but its hosts, as text; undefined for a box not worth a key (large, with paths, or
 * naming no hosts). A box of any host shares its shape only with an equal box, which no target's drafts repeat (no
 * hit on the catalogue scenarios or the growth bench's files), while each key and its pieces stayed in `shapes` to
 * the end of the translation: for 10k address requirements that cost aml-managed-network ~0.9 KB allocated and 0.8 KB
 * kept per requirement (heapUsed after gc, map alive and cleared), copied at every scavenge (issue 22).
 */
function shapeKey(box: Box): string | undefined {
  if (!worthAShape(box)) return undefined;
  return `${box.family} ${box.portClass} ${box.directions} ${box.states} ${box.protocols.intervals.bounds} ${box.srcPorts.bounds} ${box.dstPorts.bounds} ${box.src.bounds} ${box.dst.bounds}`;
}

/** A box that names hosts and is small, with any path and application: one whose pieces `shapes` keeps. */
function worthAShape(box: Box): boolean {
  return !box.hosts.isAny() && box.paths.isAny() && box.applications.isAny() && box.src.bounds.length + box.dst.bounds.length <= 256;
}

/** The options of a parse context, validated against the kit's schema like the options of a translation. */
function parseOptions(kit: TargetKit, options: Readonly<Record<string, unknown>> | undefined): TargetOptionValues {
  return validateOptions(kit.id, kit.options, options ?? {});
}

/**
 * Several config files for a target that reads one are refused by name (TW_USAGE), never read as the first alone.
 * `files` are the names as given; `what` says where they were given (`--config`).
 */
export function refuseSeveralFiles(target: { readonly id: string; readonly readsSeveralFiles?: boolean }, files: readonly string[], what = 'the input'): void {
  if (files.length <= 1 || target.readsSeveralFiles) return;
  throw new TagwallError('TW_USAGE', `target ${target.id} reads one config file, and ${what} names ${files.length}: ${files.join(', ')} (iptables and nftables read several as one)`);
}

function filesOf(input: ConfigInput): string[] {
  return [input.file, ...(input.more ?? []).map((part) => part.file)];
}

/** A kit as a `Target`: its declarations, and `translate` / `parse` / `capabilities` through the pipeline. */
export function defineTarget<const Id extends string, const Format extends string, const Schema extends OptionSchema, Model>(
  kit: TargetKit<Id, Format, Schema, Model>,
): Target<Id, Format, Schema> {
  // The kit's type parameters only narrow what callers see; the pipeline handles any kit alike.
  const anyKit = kit as unknown as TargetKit<string, Format, OptionSchema, Model>;
  return {
    id: kit.id,
    family: kit.family,
    description: kit.description,
    formats: kit.formats,
    analysisMode: kit.analysisMode,
    options: kit.options,
    labels: kit.labels,
    capabilities: (options) => kit.capabilities(parseOptions(anyKit, options)),
    translate: (requirements, context) => runPipeline(anyKit, requirements, context),
    readsSeveralFiles: kit.readsSeveralFiles === true,
    parse: (input, context) => {
      if (input.more !== undefined) refuseSeveralFiles(kit, filesOf(input));
      return kit.parse(input, { ...context, options: parseOptions(anyKit, context.options) });
    },
    parseArtifacts: (artifacts, context) => kit.parseArtifacts(artifacts, { ...context, options: parseOptions(anyKit, context.options) }),
    yardstick: (requirement, resolver) => yardstickOf(kit, resolver)(requirement),
    ...(kit.yardstickDescription ? { yardstickDescription: kit.yardstickDescription } : {}),
    ...(kit.findings ? { findings: kit.findings.bind(kit) } : {}),
    ...(kit.declaredExtras ? { declaredExtras: (options) => kit.declaredExtras!(parseOptions(anyKit, options)) } : {}),
    detect: (content) => kit.detect(content),
  };
}
