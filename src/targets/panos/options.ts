/** The panos target's options (`tagwall render --target panos ...` flags), validated once for translate and parse. */
import type { TagwallError } from '../../errors.js';
import { defineOptions, formatOptionSpec } from '../option-schema.js';
import { booleanOption, invalidOption, stringOption } from '../options.js';
import type { TargetOptionValues } from '../target.js';
import { PANOS_PLATFORMS, type PanosPlatform } from './capabilities.js';
import type { PanosLocation } from './model.js';

export const PANOS_TARGET_ID = 'panos' as const;
export const PANOS_FORMATS = ['xml', 'set'] as const;
export type PanosFormat = (typeof PANOS_FORMATS)[number];

/** Every option of the panos target, one declaration each (option-schema.ts); read by readPanosSettings below. */
export const PANOS_OPTIONS = defineOptions([
  formatOptionSpec(PANOS_FORMATS),
  { name: 'location', type: 'text', default: 'vsys1', doc: 'vsys1 (default), device-group:NAME or shared', uses: ['render', 'parse'], placeholder: '<where>' },
  { name: 'fromZone', type: 'text', default: 'trust', doc: 'the workload zone (default trust)', uses: ['render', 'parse'], placeholder: '<zone>' },
  { name: 'toZone', type: 'text', default: 'untrust', doc: 'the outside zone (default untrust)', uses: ['render', 'parse'], placeholder: '<zone>' },
  { name: 'tags', type: 'choice', choices: ['groups', 'edl'], default: 'groups', doc: 'service tags as address groups (groups, default) or external dynamic lists (edl)', uses: ['render'], placeholder: '<mode>' },
  { name: 'edlUrl', type: 'text', doc: 'the base URL the EDL files will be served from (with --tags edl)', uses: ['render'], placeholder: '<url>' },
  {
    name: 'edlDir',
    type: 'text',
    doc: 'the directory holding the EDL text files the config points at (as render -o wrote them)',
    uses: ['parse'],
    placeholder: '<dir>',
  },
  { name: 'applications', type: 'boolean', doc: 'name App-IDs in rules (ssl, web-browsing, ssh, dns, ping, ...) instead of application any', uses: ['render'] },
  {
    name: 'platform',
    type: 'choice',
    choices: ['vm', 'pa-3200', 'large'],
    default: 'vm',
    doc: 'the platform class generated objects are held to: vm (default, also small platforms), pa-3200 or large',
    uses: ['render'],
    placeholder: '<class>',
  },
]);

export interface PanosZones {
  readonly fromZone: string;
  readonly toZone: string;
}

export interface PanosSettings extends PanosZones {
  readonly format: PanosFormat;
  readonly location: PanosLocation;
  readonly tags: 'groups' | 'edl';
  /** Base URL the EDL files are served from; each list's URL is `<edlUrl>/<file>`. */
  readonly edlUrl: string | undefined;
  /** Name App-IDs in rules (ssl, web-browsing, ssh, dns, ping …) instead of `application any`. */
  readonly applications: boolean;
  /** The platform class whose published limits generated objects are held to (capabilities.ts). */
  readonly platform: PanosPlatform;
}

function invalid(message: string): TagwallError {
  return invalidOption(PANOS_TARGET_ID, message);
}

/** The trimmed text of an option; a bare flag where a value belongs is refused rather than ignored. */
function textOption(options: TargetOptionValues, key: string): string | undefined {
  if (options[key] === true) throw invalid(`option ${key} needs a value`);
  return stringOption(options, key);
}

/** Zone names: capirca caps them at 31 characters [CAP-PAN]; no quotes, so both forms can carry them. */
function zoneOption(options: TargetOptionValues, key: string, fallback: string): string {
  const zone = textOption(options, key) ?? fallback;
  if (!/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,30}$/.test(zone)) throw invalid(`${key} must be a zone name of 1-31 letters, digits, spaces, '.', '_' or '-', not '${zone}'`);
  return zone;
}

export function parseLocation(text: string): PanosLocation {
  if (text === 'shared') return { kind: 'shared' };
  const group = /^device-group[:=\s]+(.+)$/.exec(text);
  if (group) {
    if (!/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,30}$/.test(group[1]!)) throw invalid(`device group name '${group[1]}' is not a valid name`);
    return { kind: 'device-group', name: group[1]! };
  }
  if (/^vsys[0-9]{1,3}$/.test(text)) return { kind: 'vsys', name: text };
  throw invalid(`location must be vsysN, device-group:NAME or shared, not '${text}'`);
}

export function readPanosSettings(options: TargetOptionValues): PanosSettings {
  const { fromZone, toZone } = readZones(options);
  const format = (textOption(options, 'format') ?? 'xml').toLowerCase();
  if (!(PANOS_FORMATS as readonly string[]).includes(format)) throw invalid(`format must be xml or set, not '${format}'`);
  const location = parseLocation(textOption(options, 'location') ?? 'vsys1');
  const tags = (textOption(options, 'tags') ?? 'groups').toLowerCase();
  if (tags !== 'groups' && tags !== 'edl') throw invalid(`tags must be groups or edl, not '${tags}'`);
  const edlUrl = textOption(options, 'edlUrl')?.replace(/\/+$/, '');
  if (tags === 'edl' && edlUrl === undefined) throw invalid('tags=edl needs edlUrl, the base URL the list files will be served from');
  // A base URL: the list's file name is appended, so a query or fragment would swallow it; `?` is CLI help (names.ts).
  if (edlUrl !== undefined && !/^https?:\/\/[^\s"'<>\\?#]+$/.test(edlUrl)) throw invalid(`edlUrl must be an http(s) base URL without spaces, quotes, '?' or '#', not '${edlUrl}'`);
  const applications = booleanOption(options, 'applications', PANOS_TARGET_ID);
  const platform = (textOption(options, 'platform') ?? 'vm').toLowerCase();
  if (!(platform in PANOS_PLATFORMS)) throw invalid(`platform must be ${Object.keys(PANOS_PLATFORMS).join(', ')}, not '${platform}'`);
  return { format: format as PanosFormat, location, fromZone, toZone, tags, edlUrl, applications, platform: platform as PanosPlatform };
}

/**
 * The zone pair that stands for the workload side (`fromZone`, default `trust`) and the outside (`toZone`,
 * default `untrust`): outbound requirements go from the first to the second, inbound ones back. Directions are
 * told apart by the pair (parse.ts), so the two must differ.
 */
export function readZones(options: TargetOptionValues, { intrazone = false } = {}): PanosZones {
  const fromZone = zoneOption(options, 'fromZone', 'trust');
  const toZone = zoneOption(options, 'toZone', 'untrust');
  // Parsing may ask about traffic within one zone (intrazone rules and intrazone-default); translation cannot tell
  // its two directions apart there.
  if (fromZone === toZone && !intrazone) throw invalid(`fromZone and toZone must differ (both are '${fromZone}')`);
  return { fromZone, toZone };
}

/** Which of the zone options the caller gave (parsing infers the others from a config without zones). */
export function givenZones(options: TargetOptionValues): { readonly fromZone: boolean; readonly toZone: boolean } {
  return { fromZone: textOption(options, 'fromZone') !== undefined, toZone: textOption(options, 'toZone') !== undefined };
}

/** The `location` option, when given. */
export function locationOption(options: TargetOptionValues): PanosLocation | undefined {
  const text = textOption(options, 'location');
  return text === undefined ? undefined : parseLocation(text);
}
