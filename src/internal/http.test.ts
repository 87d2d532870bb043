import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy } from '../../test/support/recorded-azure.js';
import { TagwallError } from '../errors.js';
import { bypassesProxy, httpGet, proxyFor, redact } from './http.js';

describe('proxy variables', () => {
  const url = (text: string): URL => new URL(text);

  it('picks https_proxy for https and http_proxy for http, lower case first, all_proxy as the fallback', () => {
    const env = { https_proxy: 'http://lower:3128', HTTPS_PROXY: 'http://upper:3128', HTTP_PROXY: 'proxy.corp:8080' };
    expect(proxyFor(url('https://download.microsoft.com/x'), env)?.href).toBe('http://lower:3128/');
    expect(proxyFor(url('http://download.microsoft.com/x'), env)?.href).toBe('http://proxy.corp:8080/');
    expect(proxyFor(url('https://a.example/'), { ALL_PROXY: 'http://all:1' })?.host).toBe('all:1');
    expect(proxyFor(url('https://a.example/'), {})).toBeUndefined();
    expect(proxyFor(url('https://a.example/'), { https_proxy: '  ' })).toBeUndefined();
  });

  it('NO_PROXY: names match the host and its subdomains on a dot boundary, with an optional port; * matches all', () => {
    const at = (text: string, list: string): boolean => bypassesProxy(url(text), list);
    expect(at('https://management.azure.com/', 'azure.com')).toBe(true);
    expect(at('https://management.azure.com/', '.azure.com')).toBe(true);
    expect(at('https://management.azure.com/', '*.azure.com')).toBe(true);
    expect(at('https://notazure.com/', 'azure.com')).toBe(false);
    expect(at('https://management.azure.com/', 'example.org,  management.azure.com')).toBe(true);
    expect(at('https://management.azure.com/', 'management.azure.com:443')).toBe(true);
    expect(at('https://management.azure.com/', 'management.azure.com:8443')).toBe(false);
    expect(at('https://anything.example/', '*')).toBe(true);
    expect(at('http://[2001:db8::1]:8080/', '2001:db8::1')).toBe(true);
  });

  it('never proxies loopback, which a proxy cannot reach', () => {
    for (const host of ['http://localhost:8080/', 'http://127.0.0.1/', 'http://127.1.2.3/', 'http://[::1]/']) {
      expect(proxyFor(url(host), { http_proxy: 'http://proxy:3128' }), host).toBeUndefined();
    }
  });

  it('refuses a proxy URL it cannot use, saying so', () => {
    expect(() => proxyFor(url('https://a.example/'), { https_proxy: 'socks5://proxy:1080' })).toThrow(/only http:\/\/ proxies/);
  });

  it('never prints credentials', () => {
    expect(redact('http://user:secret@proxy:3128/')).toBe('http://proxy:3128/');
  });
});

describe('httpGet', () => {
  let server: ReturnType<typeof createServer>;
  let base = '';
  const seen: Array<{ path: string; authorization: string | undefined }> = [];
  const routes: Record<string, (request: IncomingMessage, response: ServerResponse) => void> = {
    '/gzip': (_q, r) => {
      const body = gzipSync('{"hello": "world"}');
      r.writeHead(200, { 'content-encoding': 'gzip', 'content-length': body.length });
      r.end(body);
    },
    '/big': (_q, r) => {
      r.writeHead(200);
      r.end(Buffer.alloc(4096, 0x20));
    },
    '/redirect-same': (_q, r) => {
      r.writeHead(302, { location: '/ok' });
      r.end();
    },
    '/loop': (_q, r) => {
      r.writeHead(301, { location: '/loop' });
      r.end();
    },
    '/ok': (_q, r) => r.end('ok'),
    '/chunked-cut': (_q, r) => {
      r.writeHead(200, { 'content-type': 'text/plain' });
      r.write('part of it');
      setTimeout(() => r.socket?.destroy(), 10);
    },
  };
  beforeAll(async () => {
    server = createServer((request, response) => {
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      seen.push({ path, authorization: request.headers.authorization });
      const route = routes[path] ?? ((_q: IncomingMessage, r: ServerResponse) => {
        r.writeHead(404);
        r.end();
      });
      if (path === '/redirect-other') {
        // Another origin (localhost instead of 127.0.0.1): the Authorization header must not follow.
        response.writeHead(307, { location: `http://localhost:${(server.address() as AddressInfo).port}/ok` });
        response.end();
        return;
      }
      route(request, response);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it('decodes a gzip Content-Encoding', async () => {
    expect((await httpGet(`${base}/gzip`, { maxBytes: 1000 })).body.toString()).toBe('{"hello": "world"}');
  });

  it('stops at maxBytes', async () => {
    await expect(httpGet(`${base}/big`, { maxBytes: 1000 })).rejects.toThrow(/over the 0 MiB/);
  });

  it('an unterminated chunked body is incomplete, not a short success', async () => {
    await expect(httpGet(`${base}/chunked-cut`, { maxBytes: 1000 })).rejects.toThrow(/closed after 10 bytes: the response is incomplete/);
  });

  it('follows redirects, keeping headers to the first origin only', async () => {
    seen.length = 0;
    const same = await httpGet(`${base}/redirect-same`, { maxBytes: 100, headers: { authorization: 'Bearer t' } });
    expect(same.body.toString()).toBe('ok');
    expect(seen.map((s) => s.authorization)).toEqual(['Bearer t', 'Bearer t']);
    seen.length = 0;
    const other = await httpGet(`${base}/redirect-other`, { maxBytes: 100, headers: { authorization: 'Bearer t' } });
    expect(other.url).toMatch(/^http:\/\/localhost:\d+\/ok$/);
    expect(seen.map((s) => s.authorization)).toEqual(['Bearer t', undefined]);
    await expect(httpGet(`${base}/loop`, { maxBytes: 100 })).rejects.toThrow('more than 5 redirects');
  });

  it('every failure is TW_NETWORK located at the URL', async () => {
    const error = await httpGet(`${base}/missing`, { maxBytes: 100 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TagwallError);
    expect(error).toMatchObject({ code: 'TW_NETWORK', message: 'HTTP 404 Not Found', location: { file: `${base}/missing` } });
  });
});

// HTTPS through the proxy's CONNECT tunnel, end to end with TLS: a certificate for a name only the proxy resolves.
const openssl = spawnSync('openssl', ['version']).status === 0;
describe.skipIf(!openssl)('httpGet over a CONNECT tunnel (needs openssl to make a test certificate)', () => {
  it('reaches an https server through HTTPS_PROXY, verifying its certificate for the requested name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagwall-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=secure.tagwall.test', '-addext', 'subjectAltName=DNS:secure.tagwall.test', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const cert = readFileSync(join(dir, 'cert.pem'));
    const server = createTlsServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (_request, response) => response.end('over TLS'));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = (server.address() as AddressInfo).port;
    const proxy = await startProxy({ host: '127.0.0.1', port });
    try {
      const env = { HTTPS_PROXY: proxy.url };
      const answer = await httpGet(`https://secure.tagwall.test:${port}/x`, { maxBytes: 100, env, ca: cert });
      expect(answer.body.toString()).toBe('over TLS');
      expect(proxy.requests).toEqual([`CONNECT secure.tagwall.test:${port}`]);
      // The tunnel does not weaken verification: without the CA the certificate is refused.
      await expect(httpGet(`https://secure.tagwall.test:${port}/x`, { maxBytes: 100, env })).rejects.toMatchObject({ code: 'TW_NETWORK', message: expect.stringMatching(/self[- ]signed/i) });
    } finally {
      await proxy.close();
      await new Promise<void>((done) => server.close(() => done()));
    }
  });

  it('a proxy that refuses the tunnel is named with its status', async () => {
    const refusing = createServer();
    refusing.on('connect', (_request, socket) => socket.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n'));
    await new Promise<void>((done) => refusing.listen(0, '127.0.0.1', done));
    try {
      const proxyUrl = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`;
      await expect(httpGet('https://secure.tagwall.test/x', { maxBytes: 100, env: { https_proxy: proxyUrl } })).rejects.toThrow(
        `GET failed: proxy ${proxyUrl} refused the tunnel to secure.tagwall.test:443: HTTP 407 Proxy Authentication Required`,
      );
    } finally {
      await new Promise<void>((done) => refusing.close(() => done()));
    }
  });
});
