/**
 * Finding and downloading the current service-tag JSON of a cloud, two ways:
 *
 * - **download**: Microsoft's Download Center page for the cloud ("Azure IP Ranges and Service Tags", ids 56519
 *   Public, 57063 AzureGovernment, 57062 China; learn.microsoft.com's service-tags overview links the three) carries
 *   a link to that week's `ServiceTags_<Cloud>_<YYYYMMDD>.json` on download.microsoft.com. The page's address is
 *   fixed; the file's changes weekly. `details.aspx` is read first, `confirmation.aspx` (the older page, still
 *   served) if the first has no link.
 * - **api**: ARM's Service Tags - List (`GET /subscriptions/{sub}/providers/Microsoft.Network/locations/{location}/
 *   serviceTags`), which answers for the cloud the subscription belongs to. Its body has the file's shape with
 *   three differences: change numbers are strings, `regionId` and `platform` are absent, and long answers are
 *   paged through `nextLink`. It is rewritten into the file's shape (regionId 0, platform "", networkFeatures null
 *   when absent) so that what is kept is read by the same loader as every downloaded file.
 *
 * Either way the bytes are validated by `parseSnapshot`, the loader `snapshot import` and `--snapshot` use, before
 * anything is written.
 */
import { TagwallError } from '../errors.js';
import { INPUT_LIMITS } from '../internal/input-limits.js';
import { httpGet, networkError, redact, type Environment } from '../internal/http.js';
import type { Cloud } from './cloud.js';
import { parseSnapshot, type Snapshot } from './snapshot.js';
import { parseJsonText } from './load.js';

/** The Download Center ids of "Azure IP Ranges and Service Tags" per cloud. */
export const DOWNLOAD_CENTER_IDS: Readonly<Record<Cloud, number>> = { Public: 56519, AzureGovernment: 57063, China: 57062 };
export const DOWNLOAD_CENTER_URL = 'https://www.microsoft.com/en-us/download';
/** Resource Manager per cloud (the `resourceManager` endpoint of `az cloud show`). */
export const ARM_ENDPOINTS: Readonly<Record<Cloud, string>> = {
  Public: 'https://management.azure.com',
  AzureGovernment: 'https://management.usgovcloudapi.net',
  China: 'https://management.chinacloudapi.cn',
};
/** Any region of the cloud will do: the API answers for the whole cloud, the location only picks the version. */
export const DEFAULT_LOCATIONS: Readonly<Record<Cloud, string>> = { Public: 'westus', AzureGovernment: 'usgovvirginia', China: 'chinaeast2' };
export const SERVICE_TAGS_API_VERSION = '2024-05-01';
/** The download page is a few hundred kB; more is not a download page. */
const PAGE_LIMIT = 8 * 1024 * 1024;

export interface FetchedSnapshot {
  readonly cloud: Cloud;
  /** `ServiceTags_<Cloud>_<YYYYMMDD>.json`: Microsoft's name, or for the API the date it was fetched. */
  readonly fileName: string;
  readonly bytes: Buffer;
  /** The URL the data came from. */
  readonly url: string;
  readonly snapshot: Snapshot;
}

export interface FetchNetworkOptions {
  readonly env?: Environment;
  /** Extra trusted certificate authorities (PEM). */
  readonly ca?: string | Buffer;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** The `ServiceTags_<Cloud>_<date>.json` links of a page, newest first, on download.microsoft.com or the page's own host. */
export function serviceTagLinks(page: string, cloud: Cloud, pageUrl: string): string[] {
  // The page embeds the link in HTML attributes and in JSON (with `\/`); both are unescaped before matching.
  const text = page.replace(/\\\//g, '/').replace(/&amp;/g, '&');
  // Bounded: a hostile page of one long unbroken "http://…" cannot make the scan quadratic.
  const pattern = new RegExp(`https?://[^\\s"'<>\\\\]{1,1024}?/ServiceTags_${cloud}_(\\d{8})\\.json`, 'g');
  const pageHost = new URL(pageUrl).host;
  const links = new Map<string, string>();
  for (const match of text.matchAll(pattern)) {
    let link: URL;
    try {
      link = new URL(match[0]);
    } catch {
      continue;
    }
    // Only Microsoft's download host (or the host that served the page, for a mirror or a test server).
    if (link.host !== 'download.microsoft.com' && link.host !== pageHost) continue;
    if (link.host === 'download.microsoft.com' && link.protocol !== 'https:') continue;
    links.set(link.href, match[1]!);
  }
  return [...links.entries()].sort((a, b) => b[1].localeCompare(a[1]) || a[0].localeCompare(b[0])).map(([href]) => href);
}

function checkCloud(snapshot: Snapshot, cloud: Cloud, url: string): void {
  if (snapshot.info.cloud !== cloud) {
    throw new TagwallError('TW_SNAPSHOT_SHAPE', `expected the ${cloud} cloud's service tags, the file is for ${snapshot.info.cloud}`, {
      location: { file: redact(url), jsonPath: '$.cloud' },
    });
  }
}

/** The current file of `cloud` from the Download Center (or the pages under `baseUrl`). */
export async function fetchFromDownloadCenter(cloud: Cloud, baseUrl: string = DOWNLOAD_CENTER_URL, options: FetchNetworkOptions = {}): Promise<FetchedSnapshot> {
  const id = DOWNLOAD_CENTER_IDS[cloud];
  const pages = [`${trimSlash(baseUrl)}/details.aspx?id=${id}`, `${trimSlash(baseUrl)}/confirmation.aspx?id=${id}`];
  let firstError: TagwallError | undefined;
  let pageRead = false;
  for (const pageUrl of pages) {
    let page;
    try {
      page = await httpGet(pageUrl, { maxBytes: PAGE_LIMIT, ...options });
    } catch (error) {
      if (!(error instanceof TagwallError) || error.code !== 'TW_NETWORK') throw error;
      firstError ??= error;
      continue;
    }
    pageRead = true;
    const link = serviceTagLinks(page.body.toString('utf8'), cloud, page.url)[0];
    if (link === undefined) continue;
    const file = await httpGet(link, { maxBytes: INPUT_LIMITS.snapshotSize, ...options });
    const fileName = /[^/]+$/.exec(new URL(link).pathname)![0];
    // Validated as `snapshot import` validates; the URL names the data in any error.
    const snapshot = parseSnapshot(file.body, link);
    checkCloud(snapshot, cloud, link);
    return { cloud, fileName, bytes: file.body, url: link, snapshot };
  }
  // A page that was read but had no link says more than the other page's error.
  if (firstError !== undefined && !pageRead) throw firstError;
  throw networkError(pages[0]!, `no ServiceTags_${cloud}_<date>.json link on ${pages.map(redact).join(' or ')}: the page may have changed; download the file by hand and run tagwall snapshot import FILE`);
}

export interface ServiceTagsApiRequest extends FetchNetworkOptions {
  readonly cloud: Cloud;
  readonly token: string;
  readonly subscription: string;
  readonly location?: string;
  /** Resource Manager's URL (default: the cloud's). */
  readonly endpoint?: string;
  /** The date the file is named with (default today, UTC). */
  readonly now?: Date;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
/** ARM writes change numbers as strings of digits; the files as numbers. Anything else is left for the loader to refuse. */
const number = (value: unknown): unknown => (typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value);

/** One ARM page's tags in the file's shape (what cannot be converted is passed on for the loader to name). */
function fileShapeValues(values: unknown): unknown {
  if (!Array.isArray(values)) return values;
  return values.map((value) => {
    if (!isObject(value) || !isObject(value['properties'])) return value;
    const { serviceTagChangeNumber: _ignored, ...rest } = value;
    const properties = value['properties'];
    return {
      ...rest,
      properties: {
        changeNumber: number(properties['changeNumber']),
        region: properties['region'],
        regionId: properties['regionId'] ?? 0,
        platform: properties['platform'] ?? '',
        systemService: properties['systemService'],
        addressPrefixes: properties['addressPrefixes'],
        networkFeatures: properties['networkFeatures'] ?? null,
      },
    };
  });
}

function yyyymmdd(date: Date): string {
  return date.toISOString().slice(0, 10).replace(/-/g, '');
}

/** The current service tags of the subscription's cloud from Resource Manager, in the file's shape. */
export async function fetchFromServiceTagsApi(request: ServiceTagsApiRequest): Promise<FetchedSnapshot> {
  const endpoint = trimSlash(request.endpoint ?? ARM_ENDPOINTS[request.cloud]);
  const location = request.location ?? DEFAULT_LOCATIONS[request.cloud];
  const first =
    `${endpoint}/subscriptions/${encodeURIComponent(request.subscription)}/providers/Microsoft.Network/locations/` +
    `${encodeURIComponent(location)}/serviceTags?api-version=${SERVICE_TAGS_API_VERSION}`;
  const origin = new URL(first).origin;
  const headers = { authorization: `Bearer ${request.token}`, accept: 'application/json' };
  let top: Json | undefined;
  const values: unknown[] = [];
  let next: string | undefined = first;
  for (let page = 0; next !== undefined; page++) {
    // The token goes to Resource Manager only: a nextLink elsewhere is refused, not followed.
    if (new URL(next, first).origin !== origin) throw networkError(next, `the service-tags API's nextLink leaves ${origin}; not followed`);
    if (page >= 100) throw networkError(first, 'the service-tags API returned more than 100 pages');
    const response = await httpGet(new URL(next, first).href, { headers, maxBytes: INPUT_LIMITS.snapshotSize, ...(request.env ? { env: request.env } : {}), ...(request.ca ? { ca: request.ca } : {}) });
    const body = parseJsonText(response.body.toString('utf8'), redact(response.url));
    if (!isObject(body)) throw new TagwallError('TW_SNAPSHOT_SHAPE', 'expected an object', { location: { file: redact(response.url), jsonPath: '$' } });
    top ??= body;
    const converted = fileShapeValues(body['values']);
    if (!Array.isArray(converted)) {
      throw new TagwallError('TW_SNAPSHOT_SHAPE', "expected the service-tags API's {\"values\": [...]}", { location: { file: redact(response.url), jsonPath: '$.values' } });
    }
    values.push(...converted);
    next = typeof body['nextLink'] === 'string' && body['nextLink'] !== '' ? body['nextLink'] : undefined;
  }
  const document = { changeNumber: number(top!['changeNumber']), cloud: top!['cloud'], values };
  const bytes = Buffer.from(`${JSON.stringify(document, null, 2)}\n`, 'utf8');
  const snapshot = parseSnapshot(bytes, redact(first));
  checkCloud(snapshot, request.cloud, first);
  return { cloud: request.cloud, fileName: `ServiceTags_${request.cloud}_${yyyymmdd(request.now ?? new Date())}.json`, bytes, url: redact(first), snapshot };
}
