/**
 * A local stand-in for Microsoft's Download Center, download.microsoft.com and Resource Manager that serves the
 * recorded answers in fixtures/network/, and an HTTP proxy (absolute-form GET and CONNECT) that sends every host to
 * one local address. No test reaches the internet: the stand-in rewrites `https://download.microsoft.com` in the
 * recorded pages to its own address (the Host the request named), and the proxy resolves names itself.
 */
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { join, resolve } from 'node:path';

export const NETWORK_FIXTURES = resolve('fixtures/network');
export const DEPENDENCIES_EXAMPLE = resolve('fixtures/dependencies/aml-outboundNetworkDependenciesEndpoints.spec-example-2025-09-01.json');
export const TOKEN = 'test-token-not-a-secret';
export const SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';

export interface Recorded {
  readonly url: string;
  readonly server: Server;
  /** Every request line the stand-in answered, as `METHOD path` (with the Authorization it carried, if any). */
  readonly log: Array<{ readonly path: string; readonly host: string | undefined; readonly authorization: string | undefined }>;
  /** Per-path overrides: a status with a body, or `truncate` (a Content-Length the body never reaches). */
  readonly faults: Map<string, { status: number; body?: string } | 'truncate'>;
  close(): Promise<void>;
}

function send(response: ServerResponse, status: number, body: string | Buffer, type: string): void {
  response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

function fixture(name: string): Buffer {
  return readFileSync(join(NETWORK_FIXTURES, name));
}

function dependenciesBody(): string {
  const example = JSON.parse(readFileSync(DEPENDENCIES_EXAMPLE, 'utf8')) as { responses: { '200': { body: unknown } } };
  return JSON.stringify(example.responses['200'].body, null, 2);
}

function answer(request: IncomingMessage, response: ServerResponse, recorded: Recorded): void {
  const url = new URL(request.url ?? '/', 'http://stand-in');
  const host = request.headers.host;
  recorded.log.push({ path: `${url.pathname}${url.search}`, host, authorization: request.headers.authorization });
  const fault = recorded.faults.get(url.pathname);
  if (fault === 'truncate') {
    // The head promises 5000 bytes; the connection ends after 100 of them.
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': 5000 });
    response.write('{"changeNumber": 381, "cloud": "Public", "values": ['.padEnd(100, ' '));
    setTimeout(() => response.socket?.destroy(), 20);
    return;
  }
  if (fault) {
    send(response, fault.status, fault.body ?? '<html><body>Not here</body></html>', fault.body?.startsWith('{') ? 'application/json' : 'text/html');
    return;
  }
  const page = /^\/en-us\/download\/(details|confirmation)\.aspx$/.exec(url.pathname);
  if (page) {
    const name = `${page[1]}-${url.searchParams.get('id')}.html`;
    let html: string;
    try {
      html = fixture(name).toString('utf8');
    } catch {
      send(response, 404, '<html><body>Not found</body></html>', 'text/html');
      return;
    }
    const here = `http://${host}`;
    html = html.replaceAll('https://download.microsoft.com', here).replaceAll('https:\\/\\/download.microsoft.com', here.replace(/\//g, '\\/'));
    send(response, 200, html, 'text/html; charset=utf-8');
    return;
  }
  const file = /\/(ServiceTags_[A-Za-z]+_\d{8}\.json)$/.exec(url.pathname);
  if (file && url.pathname.startsWith('/download/')) {
    send(response, 200, fixture(file[1]!), 'application/octet-stream');
    return;
  }
  if (url.pathname.startsWith('/subscriptions/')) {
    if (request.headers.authorization !== `Bearer ${TOKEN}`) {
      send(response, 401, fixture('arm-error-401.json'), 'application/json; charset=utf-8');
      return;
    }
    if (/\/providers\/Microsoft\.Network\/locations\/[^/]+\/serviceTags$/.test(url.pathname)) {
      const second = url.searchParams.get('$skipToken') === '2';
      let body = fixture(`arm-serviceTags-Public-page${second ? 2 : 1}.json`).toString('utf8');
      body = body.replaceAll('https://management.azure.com', `http://${host}`);
      send(response, 200, body, 'application/json; charset=utf-8');
      return;
    }
    if (/\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+\/outboundNetworkDependenciesEndpoints$/.test(url.pathname)) {
      send(response, 200, dependenciesBody(), 'application/json; charset=utf-8');
      return;
    }
  }
  send(response, 404, '{"error": {"code": "NotFound", "message": "no such resource"}}', 'application/json');
}

export async function startRecordedAzure(): Promise<Recorded> {
  const recorded: Recorded = {
    url: '',
    server: createServer((request, response) => answer(request, response, recorded)),
    log: [],
    faults: new Map(),
    close: () => new Promise((done) => recorded.server.close(() => done())),
  };
  await new Promise<void>((done) => recorded.server.listen(0, '127.0.0.1', done));
  (recorded as { url: string }).url = `http://127.0.0.1:${(recorded.server.address() as AddressInfo).port}`;
  return recorded;
}

export interface Proxy {
  readonly url: string;
  /** What the proxy was asked: `GET http://…` or `CONNECT host:port`. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** An HTTP proxy that sends every request and tunnel, whatever host it names, to `target` (host:port). */
export async function startProxy(target: { host: string; port: number }): Promise<Proxy> {
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    const url = new URL(request.url ?? '');
    const upstream = httpRequest({ host: target.host, port: target.port, method: request.method, path: `${url.pathname}${url.search}`, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('connect', (request: IncomingMessage, client: Socket, head: Buffer) => {
    requests.push(`CONNECT ${request.url}`);
    const upstream = connect(target.port, target.host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}
