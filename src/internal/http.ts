/**
 * A small HTTP(S) GET client for the few commands that use the network (`snapshot fetch`, `import-dependencies
 * --workspace`), on node:http / node:https alone.
 *
 * Why not `fetch`: Node 20's built-in fetch ignores HTTPS_PROXY / HTTP_PROXY / NO_PROXY (undici's EnvHttpProxyAgent
 * is not reachable without the undici package, and NODE_USE_ENV_PROXY only exists from Node 24), and corporate CI
 * runners reach Microsoft only through a proxy. So the proxy variables are read here, the way curl reads them:
 * lower case first, `https_proxy` for https URLs and `http_proxy` for http URLs, `all_proxy` for either; an http
 * URL goes to the proxy in absolute form, an https URL through a CONNECT tunnel (TLS end to end, the proxy sees only
 * the host name). `no_proxy` lists hosts (`example.com` also matches its subdomains, a leading `.` or `*.` is the
 * same), `host:port`, or `*`. Loopback hosts (localhost, 127.0.0.0/8, ::1) are never sent to a proxy, as Go's
 * net/http does: a proxy cannot reach this machine's loopback anyway.
 *
 * Every failure is a TW_NETWORK TagwallError located at the URL, naming the HTTP status when there was one; a body
 * that ends before its Content-Length (or its last chunk) is an error, never a short result.
 */
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import type { Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { TagwallError } from '../errors.js';

export type Environment = Readonly<Record<string, string | undefined>>;

export interface HttpGetOptions {
  /** Sent to the first URL's origin only: a bearer token never follows a redirect to another host. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The largest body accepted (bytes after content decoding). */
  readonly maxBytes: number;
  /** No byte for this long ends the request (default 60 s). */
  readonly idleTimeoutMs?: number;
  /** Where the proxy variables are read (default process.env). */
  readonly env?: Environment;
  /** Extra certificate authorities to trust (PEM), besides Node's bundle. */
  readonly ca?: string | Buffer;
  readonly maxRedirects?: number;
}

export interface HttpResponse {
  /** The URL that answered, after redirects. */
  readonly url: string;
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export function networkError(url: string, message: string, cause?: unknown): TagwallError {
  return new TagwallError('TW_NETWORK', message, { location: { file: redact(url) }, ...(cause === undefined ? {} : { cause }) });
}

/** A URL as it may be printed: no user:password part. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password) {
      parsed.username = '';
      parsed.password = '';
    }
    return parsed.href;
  } catch {
    return url;
  }
}

function variable(env: Environment, name: string): string | undefined {
  const value = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(bare) || bare === '::1';
}

function defaultPort(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80');
}

/** Whether `no_proxy` exempts the URL's host (curl's rules: suffix match on a dot boundary, optional :port). */
export function bypassesProxy(url: URL, noProxy: string | undefined): boolean {
  if (isLoopback(url.hostname)) return true;
  if (noProxy === undefined) return false;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  for (const raw of noProxy.split(/[\s,]+/)) {
    let entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    let port: string | undefined;
    const portMatch = /^(.*[^:]):(\d+)$/.exec(entry);
    if (portMatch && !entry.includes('::') && (entry.match(/:/g) ?? []).length === 1) {
      entry = portMatch[1]!;
      port = portMatch[2]!;
    }
    entry = entry.replace(/^\[|\]$/g, '').replace(/^\*?\./, '');
    if (port !== undefined && port !== defaultPort(url)) continue;
    if (host === entry || host.endsWith(`.${entry}`)) return true;
  }
  return false;
}

/** The proxy an URL goes through, from the environment, or undefined for a direct connection. */
export function proxyFor(url: URL, env: Environment): URL | undefined {
  const raw = (url.protocol === 'https:' ? variable(env, 'https_proxy') : variable(env, 'http_proxy')) ?? variable(env, 'all_proxy');
  if (raw === undefined || bypassesProxy(url, variable(env, 'no_proxy'))) return undefined;
  let proxy: URL;
  try {
    proxy = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    throw new TagwallError('TW_USAGE', `the proxy variable's value ${JSON.stringify(redact(raw))} is not a URL`);
  }
  if (proxy.protocol !== 'http:') {
    throw new TagwallError('TW_USAGE', `proxy ${redact(proxy.href)}: only http:// proxies are supported (the tunnel to the server is TLS either way)`);
  }
  return proxy;
}

function proxyAuthorization(proxy: URL): Record<string, string> {
  if (!proxy.username) return {};
  const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
  return { 'proxy-authorization': `Basic ${Buffer.from(credentials).toString('base64')}` };
}

function describeCause(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

/** A CONNECT tunnel through `proxy` to the URL's host and port. */
function tunnel(url: URL, proxy: URL, timeoutMs: number): Promise<Socket> {
  const authority = `${url.hostname.includes(':') ? `[${url.hostname.replace(/^\[|\]$/g, '')}]` : url.hostname}:${defaultPort(url)}`;
  return new Promise((resolve, reject) => {
    const request = httpRequest({
      host: proxy.hostname.replace(/^\[|\]$/g, ''),
      port: proxy.port || 80,
      method: 'CONNECT',
      path: authority,
      headers: { host: authority, ...proxyAuthorization(proxy) },
      agent: false,
    });
    request.setTimeout(timeoutMs, () => request.destroy(new Error(`no answer from the proxy in ${timeoutMs / 1000} s`)));
    request.on('connect', (response: IncomingMessage, socket: Socket) => {
      request.setTimeout(0);
      if (response.statusCode !== 200) {
        socket.destroy();
        reject(new Error(`proxy ${proxy.origin} refused the tunnel to ${authority}: HTTP ${response.statusCode} ${response.statusMessage ?? ''}`.trim()));
        return;
      }
      resolve(socket);
    });
    request.on('error', (error) => reject(new Error(`proxy ${proxy.origin}: ${describeCause(error)}`)));
    request.end();
  });
}

interface OneResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

async function once(url: URL, headers: Record<string, string>, options: HttpGetOptions): Promise<OneResponse> {
  const env = options.env ?? process.env;
  const timeoutMs = options.idleTimeoutMs ?? 60_000;
  const proxy = proxyFor(url, env);
  const requestHeaders: Record<string, string> = { 'user-agent': 'tagwall', accept: '*/*', 'accept-encoding': 'gzip', ...headers };
  let requestOptions: RequestOptions;
  let send: typeof httpRequest = url.protocol === 'https:' ? httpsRequest : httpRequest;
  if (proxy === undefined) {
    requestOptions = { method: 'GET', headers: requestHeaders, agent: false, ...(options.ca ? { ca: options.ca } : {}) };
  } else if (url.protocol === 'http:') {
    // A plain-HTTP URL goes to the proxy whole (absolute form, RFC 9112 §3.2.2).
    send = httpRequest;
    requestOptions = {
      host: proxy.hostname.replace(/^\[|\]$/g, ''),
      port: proxy.port || 80,
      path: url.href,
      method: 'GET',
      headers: { ...requestHeaders, host: url.host, ...proxyAuthorization(proxy) },
      agent: false,
    };
  } else {
    const socket = await tunnel(url, proxy, timeoutMs);
    // No `agent`: Node uses createConnection only when no agent is given (agent: false would make a new one).
    requestOptions = {
      method: 'GET',
      headers: requestHeaders,
      createConnection: () => tlsConnect({ socket, servername: url.hostname, ...(options.ca ? { ca: options.ca } : {}) }),
    };
  }
  return new Promise<OneResponse>((resolve, reject) => {
    const request = proxy !== undefined && url.protocol === 'http:' ? send(requestOptions) : send(url, requestOptions);
    request.setTimeout(timeoutMs, () => request.destroy(new Error(`no data for ${timeoutMs / 1000} s`)));
    request.on('error', reject);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let failed = false;
      const fail = (error: Error): void => {
        if (failed) return;
        failed = true;
        response.destroy();
        reject(error);
      };
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) fail(new Error(`the response is over the ${Math.round(options.maxBytes / 1024 / 1024)} MiB tagwall reads`));
        else chunks.push(chunk);
      });
      const expected = response.headers['content-length'];
      const incomplete = (): Error => new Error(`the connection closed after ${size} bytes${expected ? ` of ${expected}` : ''}: the response is incomplete`);
      // A connection cut mid-body surfaces as 'error' (ECONNRESET "aborted") or as a 'close' before the end.
      response.on('error', (error) => fail(response.complete ? error : incomplete()));
      response.on('close', () => {
        if (failed) return;
        if (!response.complete) {
          fail(incomplete());
          return;
        }
        let body = Buffer.concat(chunks);
        if (/^\s*(x-)?gzip\s*$/i.test(String(response.headers['content-encoding'] ?? ''))) {
          try {
            body = gunzipSync(body, { maxOutputLength: options.maxBytes });
          } catch (error) {
            fail(new Error(`the gzip-encoded response cannot be decoded: ${describeCause(error)}`));
            return;
          }
        }
        failed = true;
        resolve({ status: response.statusCode ?? 0, statusText: response.statusMessage ?? '', headers: response.headers, body });
      });
    });
    request.end();
  });
}

/** What an error body says, briefly: ARM's `{"error": {"code", "message"}}`, or the start of the text. */
function errorDetail(body: Buffer): string {
  const text = body.subarray(0, 4096).toString('utf8');
  try {
    const error = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }).error;
    if (error && (typeof error.code === 'string' || typeof error.message === 'string')) {
      return [error.code, error.message].filter((part) => typeof part === 'string').join(': ').slice(0, 300);
    }
  } catch {
    // Not JSON: an HTML error page says nothing a user can act on.
  }
  return '';
}

/**
 * GET `url`, following redirects; a 2xx answer is returned with its whole body, anything else throws TW_NETWORK
 * naming the URL and the status.
 */
export async function httpGet(url: string, options: HttpGetOptions): Promise<HttpResponse> {
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    throw new TagwallError('TW_USAGE', `not a URL: ${JSON.stringify(url)}`);
  }
  const origin = current.origin;
  const maxRedirects = options.maxRedirects ?? 5;
  for (let redirects = 0; ; redirects++) {
    if (current.protocol !== 'https:' && current.protocol !== 'http:') throw networkError(current.href, 'only http and https URLs can be fetched');
    let response: OneResponse;
    try {
      response = await once(current, current.origin === origin ? { ...options.headers } : {}, options);
    } catch (error) {
      if (error instanceof TagwallError) throw error;
      throw networkError(current.href, `GET failed: ${describeCause(error)}`, error);
    }
    if (REDIRECTS.has(response.status) && typeof response.headers.location === 'string') {
      if (redirects >= maxRedirects) throw networkError(current.href, `more than ${maxRedirects} redirects`);
      current = new URL(response.headers.location, current);
      continue;
    }
    if (response.status < 200 || response.status > 299) {
      const detail = errorDetail(response.body);
      throw networkError(current.href, `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${detail ? ` (${detail})` : ''}`);
    }
    return { url: current.href, status: response.status, headers: response.headers, body: response.body };
  }
}
