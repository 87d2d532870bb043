/**
 * The zone pair a config is read for (parse.ts: outbound packets go from `fromZone` to `toZone`, inbound ones
 * back). A firewall vsys that defines its zones must have the pair asked for. A config without zone definitions
 * (a Panorama device group: zones live in templates; aerleon/capirca output; a rulebase pasted on its own) is read
 * for the zones its rules name: the pair the user gave must be one some rule covers, and without one the first
 * rule that names zones gives it. Either way the pair is reported in a note, since every verdict depends on it.
 */
import { TagwallError } from '../../errors.js';
import type { TargetOptionValues } from '../target.js';
import { childrenNamed, firstChild, type Located, type Placement } from './layout.js';
import { givenZones, readZones, type PanosZones } from './options.js';

interface RuleZones {
  readonly from: readonly string[];
  readonly to: readonly string[];
}

const membersOf = (element: XmlElementLike | undefined): string[] => (element ? childrenNamed(element, 'member').map((member) => member.text) : []);
type XmlElementLike = Parameters<typeof firstChild>[0];

/** Zones a rule covers, from its from/to lists (`any` stands for every zone). */
function zonesOfRules(placement: Placement): RuleZones[] {
  return placement.rulebases.flatMap((rulebase) =>
    childrenNamed(rulebase.element, 'entry')
      .filter((entry) => firstChild(entry, 'disabled')?.text !== 'yes')
      .map((entry) => ({ from: membersOf(firstChild(entry, 'from')), to: membersOf(firstChild(entry, 'to')) })),
  );
}

const covers = (zones: readonly string[], zone: string): boolean => zones.includes('any') || zones.includes(zone);
const coversPair = (rule: RuleZones, from: string, to: string): boolean => (covers(rule.from, from) && covers(rule.to, to)) || (covers(rule.from, to) && covers(rule.to, from));

export interface ZoneChoice extends PanosZones {
  /** Said with every answer when the pair was not checked against zone definitions. */
  readonly note?: string;
}

function invalid(message: string, file: string, line?: number): TagwallError {
  return new TagwallError('TW_INVALID_OPTION', `target panos: ${message}`, { location: { file, ...(line === undefined ? {} : { line }) } });
}

export function chooseZones(placement: Placement, options: TargetOptionValues, file: string): ZoneChoice {
  const asked = readZones(options, { intrazone: true });
  const scope: Located | undefined = placement.scopes[0];
  const zoneList = placement.location.kind === 'vsys' && scope ? firstChild(scope.element, 'zone') : undefined;
  const defined = zoneList ? childrenNamed(zoneList, 'entry').map((entry) => entry.attributes['name'] ?? '') : [];
  if (zoneList && defined.length > 0) {
    const missing = [asked.fromZone, asked.toZone].filter((zone) => !defined.includes(zone));
    if (missing.length === 0) return asked;
    throw invalid(
      `${scope!.path} has no zone ${[...new Set(missing)].map((zone) => `'${zone}'`).join(' or ')} (its zones: ${defined.join(', ')}); name the workload side and the outside with the fromZone and toZone options (tagwall check: --option fromZone=Z --option toZone=Z)`,
      file,
      zoneList.line,
    );
  }
  const rules = zonesOfRules(placement);
  const named = [...new Set(rules.flatMap((rule) => [...rule.from, ...rule.to]).filter((zone) => zone !== 'any'))];
  const where = scope ? scope.path : 'the config';
  const usedText = named.length > 0 ? `the rulebase names the zones ${named.join(', ')}` : 'no rule names a zone (all from/to are any)';
  const given = givenZones(options);
  const pairText = (pair: PanosZones): string => (pair.fromZone === pair.toZone ? `within zone '${pair.fromZone}' (intrazone)` : `'${pair.fromZone}' → '${pair.toZone}' (outbound; inbound is '${pair.toZone}' → '${pair.fromZone}')`);
  // The default pair stands when the rulebase names no zones, or names one of the pair and some rule covers it
  // (`any` covering the other); a rulebase of other zones only (inside/outside) gives the pair its rules name.
  const defaultsUsed = (named.includes(asked.fromZone) || named.includes(asked.toZone)) && rules.some((rule) => coversPair(rule, asked.fromZone, asked.toZone));
  if (given.fromZone || given.toZone || named.length === 0 || defaultsUsed) {
    // A pair the user gives must be covered by a rule and name at least one zone the rulebase names (a rule with
    // `any` alone would cover a misspelt pair too, and the answer would be about nothing).
    const unknown = [asked.fromZone, asked.toZone].every((zone) => !named.includes(zone));
    if (named.length > 0 && (unknown || !rules.some((rule) => coversPair(rule, asked.fromZone, asked.toZone)))) {
      throw invalid(`no rule of ${where} names the zones ${pairText(asked)}; ${usedText}: choose two of them with --from-zone and --to-zone`, file);
    }
    return { ...asked, note: `${where} defines no zones; read for ${pairText(asked)}${given.fromZone || given.toZone ? '' : ' (the default pair)'}; ${usedText}` };
  }
  // The first rule that names zones: its first named source zone and destination zone (a side left `any` takes
  // the other side's zone, or another zone the rulebase names).
  const first = rules.find((rule) => rule.from.some((zone) => zone !== 'any') || rule.to.some((zone) => zone !== 'any'))!;
  const fromNamed = first.from.find((zone) => zone !== 'any');
  const toNamed = first.to.find((zone) => zone !== 'any');
  const other = (zone: string): string => named.find((candidate) => candidate !== zone) ?? zone;
  const fromZone = fromNamed ?? other(toNamed!);
  const toZone = toNamed ?? other(fromZone);
  const pair = { fromZone, toZone };
  return { ...pair, note: `${where} defines no zones; assumed ${pairText(pair)}, the first pair a rule names; ${usedText}; choose others with --from-zone and --to-zone` };
}
