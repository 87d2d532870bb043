/**
 * Accepted differences for `check` (issue 21, item 3). Two ways to accept what is known:
 *
 * - A baseline file (`--write-baseline FILE` records every current difference; `--baseline FILE` accepts them and
 *   reports only new ones). Each entry is one box of a rule's difference, named for review (kind, rule, the box as
 *   text) and identified by a digest of its exact packets: a box accepts exactly its packets, never more. When a
 *   difference changes shape, what no entry matches is reported as new (conservative), and the reviewer rewrites
 *   the baseline.
 * - `--accept-losses`: the requirements are translated for the target again and exactly the packets its
 *   diagnostics report lost (an NSG cannot express host names) are accepted as missing.
 *
 * Acceptance is applied to the rule sets before anything is printed: accepted missing packets are taken out of the
 * requirements' allow rules, accepted extra packets out of the config's allow rules (and denied after its last rule,
 * for a config whose default allows), so the text, `--json` and every report agree on what is left.
 */
import type { Rule, RuleSet } from '../analysis/rule-set.js';
import { TagwallError } from '../errors.js';
import { PacketSet } from '../model/packet-set.js';
import { boxPackets, type RuleGroup } from './answers.js';
import { toJson } from './io.js';
import { readInputFile } from './write-files.js';

export const BASELINE_FORMAT = 'tagwall-check-baseline';
export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  readonly kind: 'missing' | 'extra';
  /** The rule (config) or requirement the box belongs to; null: the default action. */
  readonly rule: string | null;
  readonly priority?: number;
  readonly box: string;
  readonly digest: string;
}

export interface Baseline {
  readonly format: typeof BASELINE_FORMAT;
  readonly version: typeof BASELINE_VERSION;
  readonly target: string;
  readonly mode: string;
  readonly requirements: string;
  readonly config: string;
  readonly accepted: readonly BaselineEntry[];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The baseline of the current differences: sorted by kind, rule, box, so a rewrite diffs cleanly in review. */
export function baselineOf(context: Omit<Baseline, 'format' | 'version' | 'accepted'>, groups: readonly RuleGroup[]): Baseline {
  const accepted: BaselineEntry[] = groups.flatMap((group) =>
    group.boxes.map((box) => ({
      kind: group.kind === 'missing' ? ('missing' as const) : ('extra' as const),
      rule: group.rule?.name ?? null,
      ...(group.rule?.priority === undefined ? {} : { priority: group.rule.priority }),
      box: box.text,
      digest: box.digest,
    })),
  );
  accepted.sort((a, b) => compare(a.kind, b.kind) || compare(a.rule ?? '', b.rule ?? '') || compare(a.box, b.box) || compare(a.digest, b.digest));
  return { format: BASELINE_FORMAT, version: BASELINE_VERSION, ...context, accepted };
}

export function baselineText(baseline: Baseline): string {
  return toJson(baseline);
}

function bad(file: string, message: string): TagwallError {
  return new TagwallError('TW_INVALID_BASELINE', message, { location: { file } });
}

export function readBaseline(file: string): Baseline {
  const text = readInputFile(file).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw bad(file, `not valid JSON: ${(error as Error).message}`);
  }
  const object = value as Partial<Baseline> | null;
  if (typeof object !== 'object' || object === null || object.format !== BASELINE_FORMAT) throw bad(file, `not a tagwall check baseline (expected "format": "${BASELINE_FORMAT}"; write one with check --write-baseline)`);
  if (object.version !== BASELINE_VERSION) throw bad(file, `baseline version ${String(object.version)} is not one this tagwall reads (${BASELINE_VERSION})`);
  if (!Array.isArray(object.accepted)) throw bad(file, '"accepted" must be a list');
  object.accepted.forEach((entry, index) => {
    if (typeof entry !== 'object' || entry === null || (entry.kind !== 'missing' && entry.kind !== 'extra') || typeof entry.digest !== 'string') {
      throw bad(file, `accepted[${index}]: needs "kind" (missing or extra) and "digest"`);
    }
  });
  return object as Baseline;
}

/** The packets of the current groups' boxes that the baseline records, by kind. */
export function acceptedByBaseline(baseline: Baseline, groups: readonly RuleGroup[]): { missing: PacketSet; extra: PacketSet; count: number } {
  const digests = new Set(baseline.accepted.map((entry) => `${entry.kind} ${entry.digest}`));
  let missing = PacketSet.EMPTY;
  let extra = PacketSet.EMPTY;
  let count = 0;
  for (const group of groups) {
    const kind = group.kind === 'missing' ? 'missing' : 'extra';
    for (const box of group.boxes) {
      if (!digests.has(`${kind} ${box.digest}`)) continue;
      count++;
      if (kind === 'missing') missing = missing.union(boxPackets(box));
      else extra = extra.union(boxPackets(box));
    }
  }
  return { missing, extra, count };
}

/** `set` with `accepted` no longer allowed: taken out of every allow rule, and denied at the end when the default allows. */
export function withoutAccepted(set: RuleSet, accepted: PacketSet): RuleSet {
  if (accepted.isEmpty()) return set;
  const rules: Rule[] = set.rules.map((rule) => (rule.action === 'allow' ? { ...rule, match: rule.match.difference(accepted) } : rule));
  if (set.defaultAction === 'allow') rules.push({ id: 'accepted', action: 'deny', match: accepted, origin: { text: 'differences accepted by --baseline / --accept-losses' } });
  return { ...set, rules };
}
