/**
 * Endpoints as users write them in requirement files. A plain string is read by its shape:
 *   `any` / `*`                            every address
 *   an address, CIDR or range             literal addresses (`10.0.0.0/8`, `2001:db8::/32`, `10.0.0.1-10.0.0.9`)
 *   `host/path...`                        a URL pattern (path prefix; a trailing `*` is optional)
 *   `*.suffix`                            a wildcard host name
 *   `Name` or `Name.Region` (one dot, and the part after it not a public suffix such as `org`): a service tag
 *   anything else with dots               an exact host name (`pypi.org`, `ml.azure.com`)
 * The object forms `{tag: …}`, `{host: …}`, `{url: …}`, `{addresses: …}` say it explicitly.
 */
import { TagwallError } from '../errors.js';
import { AddressSet, type AddressEntries } from '../model/address-set.js';
import { formatHostPattern, parseHostPattern } from '../model/hostnames.js';
import { publicSuffixOf } from '../model/hostnames/public-suffix.js';
import type { Endpoint } from '../model/requirement.js';

export type EndpointText = string | { readonly tag: string } | { readonly host: string } | { readonly url: string } | { readonly addresses: string };

const ADDRESS_SHAPE = /^[0-9a-fA-F:.]+(\/\d{1,3})?(-[0-9a-fA-F:.]+)?$/;
const TAG_SHAPE = /^[A-Za-z][A-Za-z0-9-]*(\.[A-Za-z0-9-]+)?$/;

function parseUrl(text: string): Endpoint {
  const slash = text.indexOf('/');
  const host = text.slice(0, slash);
  const path = text.slice(slash).replace(/\*$/, '');
  return { kind: 'url', pattern: parseHostPattern(host), path };
}

function looksLikeTag(text: string): boolean {
  if (!TAG_SHAPE.test(text)) return false;
  const dot = text.indexOf('.');
  if (dot < 0) return true;
  // `pypi.org`: the part after the dot is a listed public suffix, so it is a host name, not Service.Region
  // (`Storage.WestUS`: `westus` is not in the list, so the list's default rule makes it an `unlisted` suffix).
  return publicSuffixOf(text.toLowerCase()).kind === 'unlisted';
}

/** Reads one endpoint; model errors (bad CIDR, wildcard over a public suffix) come through as they are. */
export function parseEndpoint(value: EndpointText): Endpoint {
  return readEndpoint(value);
}

/**
 * `parseEndpoint`, with a plain address entry parsed into `entries` when given (a reader's long list: see
 * model/literal-lists.ts). Not part of the package's API: the columns are the reader's business.
 */
export function readEndpoint(value: EndpointText, entries?: AddressEntries): Endpoint {
  if (typeof value !== 'string') {
    if ('tag' in value) return { kind: 'service-tag', name: value.tag };
    if ('host' in value) return { kind: 'host', pattern: parseHostPattern(value.host) };
    if ('url' in value) return parseUrl(value.url.includes('/') ? value.url : `${value.url}/`);
    return { kind: 'addresses', addresses: AddressSet.parse(value.addresses) };
  }
  const text = value.trim();
  if (text === '') throw new TagwallError('TW_INVALID_REQUIREMENTS', 'empty endpoint');
  if (text === '*' || text.toLowerCase() === 'any') return { kind: 'any' };
  if (ADDRESS_SHAPE.test(text) && /[.:]/.test(text)) {
    // The shape has no spaces or commas: one entry, so parsing it into `entries` gives what AddressSet.parse does.
    return { kind: 'addresses', addresses: entries ? entries.addOne(text) : AddressSet.parse(text) };
  }
  if (text.includes('/')) return parseUrl(text.replace(/^https?:\/\//i, ''));
  if (text.startsWith('*')) return { kind: 'host', pattern: parseHostPattern(text) };
  if (looksLikeTag(text)) return { kind: 'service-tag', name: text };
  return { kind: 'host', pattern: parseHostPattern(text) };
}

/** The shortest form that reads back as the same endpoint: the plain string when its shape says it, else an object. */
export function formatEndpoint(endpoint: Endpoint): EndpointText[] {
  switch (endpoint.kind) {
    case 'any':
      return ['any'];
    case 'addresses':
      return endpoint.addresses.toCidrStrings();
    case 'service-tag':
      return [looksLikeTag(endpoint.name) ? endpoint.name : { tag: endpoint.name }];
    case 'host': {
      const text = formatHostPattern(endpoint.pattern);
      return [text.startsWith('*') || !looksLikeTag(text) ? text : { host: text }];
    }
    case 'url':
      return [`${formatHostPattern(endpoint.pattern)}${endpoint.path}*`];
  }
}
