/**
 * The requirement-file format's vocabulary, and the JSON Schema generated from it. The reader
 * (requirements-file.ts, requirements-v2.ts) takes its key lists, directions and name rule from here, and the
 * schema is built from the same constants and the model's own protocol names, so the two cannot disagree on what
 * a key or a word is. docs/requirements.schema.json is this schema, written by `npm run schema` and checked by a
 * test; the package exports it as `tagwall/requirements.schema.json`.
 *
 * What JSON Schema cannot say, the reader still refuses (docs/requirements.md, "What the schema cannot check"):
 * a port range that ends before it starts (`80-70`), a wildcard over a multi-label public suffix (`*.co.uk`),
 * addresses with host bits set, undefined network or service names, duplicate ids, include cycles.
 */
import { PROTOCOL_NUMBERS } from '../model/ports.js';

export const V1_TOP_KEYS = ['name', 'requirements'] as const;
export const V2_TOP_KEYS = ['version', 'name', 'include', 'networks', 'services', 'requirements'] as const;
export const V1_REQUIREMENT_KEYS = [
  'id',
  'direction',
  'protocol',
  'protocols',
  'ports',
  'icmp',
  'source',
  'sources',
  'destination',
  'destinations',
  'purpose',
  'conditions',
  'provenance',
] as const;
export const V2_REQUIREMENT_KEYS = [...V1_REQUIREMENT_KEYS, 'action', 'service', 'services', 'except'] as const;
export const EXCEPT_KEYS = ['protocol', 'protocols', 'ports', 'icmp', 'service', 'services', 'source', 'sources', 'destination', 'destinations'] as const;
export const DIRECTION_WORDS = { in: 'in', inbound: 'in', out: 'out', outbound: 'out' } as const;
/** Network and service names: no dots or slashes, so a name never reads as a host, an address or `tcp/443`. */
export const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** The extra spellings ProtocolSet.parse accepts besides PROTOCOL_NUMBERS' names (src/model/ports.ts). */
const PROTOCOL_ALIASES = ['ipv6-icmp', 'icmp6'];

// ─── patterns (JSON Schema `pattern`: ECMA-262 with the `u` flag, no inline flags) ─────────────────────────

/** `tcp` → `[tT][cC][pP]`: the reader lower-cases protocol names. */
const anyCase = (word: string): string => [...word].map((c) => (/[a-z]/.test(c) ? `[${c}${c.toUpperCase()}]` : c)).join('');
/** 0-65535 in at most five digits (leading zeros allowed, as the reader allows them). */
const PORT = '(?:\\d{1,4}|0\\d{4}|[1-5]\\d{4}|6[0-4]\\d{3}|65[0-4]\\d{2}|655[0-2]\\d|6553[0-5])';
/** 0-255 in at most five digits. */
const BYTE = '(?:0{0,2}(?:\\d{1,2}|1\\d\\d|2[0-4]\\d|25[0-5])|000\\d{1,2}|0000\\d)';
const ANY_WORD = `(?:\\*|${anyCase('any')})`;
const PORT_ITEM = `${PORT}(?:\\s*-\\s*${PORT})?`;
const PORT_LIST = `${PORT_ITEM}(?:\\s*,\\s*${PORT_ITEM})*`;
const PROTOCOL_NAMES = [...Object.keys(PROTOCOL_NUMBERS), ...PROTOCOL_ALIASES].sort((a, b) => b.length - a.length);
const PROTOCOL_ITEM = `(?:${PROTOCOL_NAMES.map(anyCase).join('|')}|${BYTE}(?:-${BYTE})?)`;
const PROTOCOL_LIST = `${PROTOCOL_ITEM}(?:\\s*,\\s*${PROTOCOL_ITEM})*`;
const PROTOCOL_ANY = `(?:\\*|${anyCase('any')}|${anyCase('all')})`;

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/definitions/${name}` });
const oneOrMore = (item: Schema): Schema => ({ anyOf: [item, { type: 'array', minItems: 1, items: item }] });
const nonEmptyString: Schema = { type: 'string', minLength: 1, pattern: '\\S' };
const strict = (properties: Record<string, Schema>, required: readonly string[] = []): Schema => ({
  type: 'object',
  additionalProperties: false,
  ...(required.length > 0 ? { required: [...required] } : {}),
  properties,
});
/** An object that has all of `keys` (Ajv's strictRequired wants each required key declared beside it). */
const having = (keys: readonly string[]): Schema => ({ type: 'object', properties: Object.fromEntries(keys.map((key) => [key, true])), required: [...keys] });
/** At most one of each singular/plural pair (`source`/`sources`): the reader takes one spelling. */
const notBoth = (pairs: ReadonlyArray<readonly [string, string]>): Schema => ({ not: { anyOf: pairs.map((pair) => having(pair)) } });

function definitions(): Record<string, Schema> {
  return {
    protocols: {
      description: 'tcp, udp, icmp, icmpv6, any, a protocol number or range, a comma list, or a list.',
      anyOf: [
        { type: 'string', pattern: `^\\s*(?:${PROTOCOL_ANY}|${PROTOCOL_LIST})\\s*$` },
        { type: 'integer', minimum: 0, maximum: 255 },
        {
          type: 'array',
          minItems: 1,
          items: { anyOf: [{ type: 'string', pattern: `^\\s*${PROTOCOL_LIST}\\s*$` }, { type: 'integer', minimum: 0, maximum: 255 }] },
        },
      ],
    },
    ports: {
      description: 'Destination ports: 443, "80,443", "8000-8999", "any", or a list of those (a range must not end before it starts).',
      anyOf: [
        { type: 'string', pattern: `^\\s*(?:${ANY_WORD}|${PORT_LIST})\\s*$` },
        { type: 'integer', minimum: 0, maximum: 65535 },
        {
          type: 'array',
          minItems: 1,
          items: { anyOf: [{ type: 'string', pattern: `^\\s*${PORT_LIST}\\s*$` }, { type: 'integer', minimum: 0, maximum: 65535 }] },
        },
      ],
    },
    icmpItem: {
      anyOf: [
        { type: 'integer', minimum: 0, maximum: 255 },
        strict({ type: { type: 'integer', minimum: 0, maximum: 255 }, code: { type: 'integer', minimum: 0, maximum: 255 } }, ['type']),
      ],
    },
    icmp: oneOrMore(ref('icmpItem')),
    endpointText: {
      description:
        'any, an address/CIDR/range, a service tag (Storage.WestUS, VirtualNetwork), a host (pypi.org, *.blob.core.windows.net), a URL pattern (host/path*); in version 2 also a network name. A wildcard over a public suffix (*.com) is refused.',
      type: 'string',
      minLength: 1,
      pattern: '\\S',
      // `*.com`, `*.org`: every single label is a top-level domain, and so a public suffix. (`*.co.uk` needs the list.)
      not: { type: 'string', pattern: '^\\s*\\*\\.[^.]+\\.?\\s*$' },
    },
    endpoint: {
      anyOf: [
        ref('endpointText'),
        strict({ tag: nonEmptyString }, ['tag']),
        strict({ host: nonEmptyString }, ['host']),
        strict({ url: nonEmptyString }, ['url']),
        strict({ addresses: nonEmptyString }, ['addresses']),
      ],
    },
    endpoints: oneOrMore(ref('endpoint')),
    endpointV2: { anyOf: [ref('endpoint'), strict({ network: { type: 'string', pattern: NAME_PATTERN.source } }, ['network'])] },
    endpointsV2: oneOrMore(ref('endpointV2')),
    provenanceItem: { anyOf: [nonEmptyString, strict({ article: nonEmptyString, section: { type: 'string' } }, ['article'])] },
    service: {
      description: 'A service name, "protocol/ports" (tcp/443, udp/53,5353), a protocol (icmp, any), or {protocol, ports, icmp}.',
      anyOf: [
        { type: 'string', pattern: `^\\s*(?:${NAME_PATTERN.source.slice(1, -1)}|(?:${PROTOCOL_ANY}|${PROTOCOL_LIST})(?:\\s*/\\s*(?:${ANY_WORD}|${PORT_LIST}))?)\\s*$` },
        strict({ protocol: ref('protocols'), ports: ref('ports'), icmp: ref('icmp') }),
      ],
    },
    services: oneOrMore(ref('service')),
    requirement: {
      ...strict(requirementProperties(ref('endpoints')), ['id', 'direction']),
      ...notBoth([['protocol', 'protocols'], ['source', 'sources'], ['destination', 'destinations']]),
    },
    except: {
      ...strict({
        protocol: ref('protocols'),
        protocols: ref('protocols'),
        ports: ref('ports'),
        icmp: ref('icmp'),
        service: ref('services'),
        services: ref('services'),
        source: ref('endpointsV2'),
        sources: ref('endpointsV2'),
        destination: ref('endpointsV2'),
        destinations: ref('endpointsV2'),
      }),
      ...notBoth([['protocol', 'protocols'], ['source', 'sources'], ['destination', 'destinations'], ['service', 'services']]),
    },
    requirementV2: {
      ...strict(
        {
          ...requirementProperties(ref('endpointsV2')),
          action: { enum: ['allow', 'deny'], description: 'allow (default) or deny: the first term that matches a packet decides.' },
          service: ref('services'),
          services: ref('services'),
          except: oneOrMore(ref('except')),
        },
        ['id', 'direction'],
      ),
      allOf: [
        notBoth([['protocol', 'protocols'], ['source', 'sources'], ['destination', 'destinations'], ['service', 'services']]),
        // A service says protocol and ports: the reader refuses both at once.
        { not: { anyOf: ['service', 'services'].flatMap((s) => ['protocol', 'protocols', 'ports', 'icmp'].map((p) => having([s, p]))) } },
      ],
    },
  };
}

function requirementProperties(endpoints: Schema): Record<string, Schema> {
  return {
    id: { ...nonEmptyString, description: 'Unique within the set; generated rule names refer to it.' },
    direction: { enum: Object.keys(DIRECTION_WORDS) },
    protocol: ref('protocols'),
    protocols: ref('protocols'),
    ports: ref('ports'),
    icmp: ref('icmp'),
    source: endpoints,
    sources: endpoints,
    destination: endpoints,
    destinations: endpoints,
    purpose: { type: 'string' },
    conditions: { type: 'array', items: nonEmptyString },
    provenance: { anyOf: [ref('provenanceItem'), { type: 'array', items: ref('provenanceItem') }] },
  };
}

/** The JSON Schema (draft-07) of requirement files, v1 and v2. Valid in Ajv's strict mode. */
export function requirementsJsonSchema(): Record<string, unknown> {
  const names = { type: 'object', propertyNames: { type: 'string', pattern: NAME_PATTERN.source } };
  const v1 = strict({ version: { const: 1 }, name: { type: 'string' }, requirements: { type: 'array', items: ref('requirement') } }, ['requirements']);
  const v2 = strict(
    {
      version: { const: 2, description: 'Version 2 adds networks, services, include, deny terms and except (docs/requirements.md).' },
      name: { type: 'string' },
      include: { ...oneOrMore(nonEmptyString), description: 'Files whose definitions and terms come first, relative to this file.' },
      networks: { ...names, additionalProperties: ref('endpointsV2'), description: 'Named endpoint lists; a name may list other names.' },
      services: { ...names, additionalProperties: ref('services'), description: 'Named protocol/port lists; a name may list other names.' },
      requirements: { type: 'array', items: ref('requirementV2') },
    },
    ['version'],
  );
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://github.com/tagwall/tagwall/docs/requirements.schema.json',
    title: 'tagwall requirement set',
    description: 'Network requirements: allow terms (and, in version 2, ordered deny terms). See docs/requirements.md.',
    oneOf: [v1, v2],
    definitions: definitions(),
  };
}

/** The schema as the docs and the package ship it. */
export function requirementsJsonSchemaText(): string {
  return `${JSON.stringify(requirementsJsonSchema(), null, 2)}\n`;
}
