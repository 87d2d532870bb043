/**
 * `tagwall snapshot fetch` and `tagwall import-dependencies --workspace` end to end, in-process, against a local
 * stand-in for the Download Center, download.microsoft.com and Resource Manager serving recorded answers
 * (fixtures/network/), with and without a proxy; and the staleness warning and --max-age of the commands that use
 * a snapshot. Nothing here reaches the internet.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { tagwall, tagwallAsync } from './support/cli.js';
import { NETWORK_FIXTURES, startProxy, startRecordedAzure, SUBSCRIPTION, TOKEN, type Recorded } from './support/recorded-azure.js';

const PROXY_VARIABLES = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY', 'no_proxy', 'NO_PROXY'];
const CREDENTIAL_VARIABLES = ['AZURE_ACCESS_TOKEN', 'AZURE_SUBSCRIPTION_ID', 'TAGWALL_DOWNLOAD_URL', 'TAGWALL_ARM_URL', 'TAGWALL_MAX_AGE'];

/** Runs `body` with these environment variables (undefined: unset), every proxy and credential variable cleared first. */
async function withEnv<T>(vars: Record<string, string | undefined>, body: () => Promise<T> | T): Promise<T> {
  const saved = new Map<string, string | undefined>();
  for (const name of [...PROXY_VARIABLES, ...CREDENTIAL_VARIABLES, ...Object.keys(vars)]) {
    saved.set(name, process.env[name]);
    delete process.env[name];
  }
  for (const [name, value] of Object.entries(vars)) if (value !== undefined) process.env[name] = value;
  try {
    return await body();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

const execute = promisify(execFile);
const scratch = (): string => mkdtempSync(join(tmpdir(), 'tagwall-fetch-'));
/** What a directory holds, temporary files included (a failed fetch must leave none). */
const listing = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).sort() : []);

let azure: Recorded;
beforeAll(async () => {
  azure = await startRecordedAzure();
});
afterAll(async () => azure.close());
afterEach(() => {
  azure.faults.clear();
  azure.log.length = 0;
});

describe('tagwall snapshot fetch from the Download Center', () => {
  it.each([
    ['Public', 56519, 381, 4],
    ['AzureGovernment', 57063, 409, 2],
    ['China', 57062, 412, 2],
  ] as const)('%s: finds this week\'s file on page id %i, validates it and keeps it byte for byte', async (cloud, id, changeNumber, tags) => {
    const dir = scratch();
    const result = await withEnv({}, () => tagwallAsync('snapshot', 'fetch', '--cloud', cloud, '--dir', dir, '--base-url', `${azure.url}/en-us/download`));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const name = `ServiceTags_${cloud}_20261130.json`;
    expect(listing(dir)).toEqual([name]);
    expect(readFileSync(join(dir, name))).toEqual(readFileSync(join(NETWORK_FIXTURES, name)));
    expect(result.stdout).toBe(`fetched: ${join(dir, name)} (${cloud} #${changeNumber} (2026-11-30), ${tags} tags) from ${azure.url}/download/${/download\/([^"]+?)\/ServiceTags/.exec(readFileSync(join(NETWORK_FIXTURES, `${cloud === 'China' ? 'confirmation' : 'details'}-${id}.html`), 'utf8'))![1]}/${name}\n`);
    expect(azure.log[0]!.path).toBe(`/en-us/download/details.aspx?id=${id}`);
    // China's details page has no link (the page changed shape): the confirmation page is read next.
    if (cloud === 'China') expect(azure.log[1]!.path).toBe(`/en-us/download/confirmation.aspx?id=${id}`);
    // The file is what --snapshot then reads.
    const tagsOut = tagwall('tags', '--snapshot', join(dir, name));
    expect(tagsOut.code).toBe(0);
    expect(tagsOut.stdout.trim().split('\n')).toHaveLength(tags + 1);
  });

  it('--cloud all keeps the three files; a second run reports them unchanged and writes nothing', async () => {
    const dir = scratch();
    const first = await withEnv({ TAGWALL_DOWNLOAD_URL: `${azure.url}/en-us/download` }, () => tagwallAsync('snapshot', 'fetch', '--cloud', 'all', '--dir', dir, '--json'));
    expect(first.code).toBe(0);
    const summaries = JSON.parse(first.stdout) as Array<{ cloud: string; changeNumber: number; date: string; unchanged: boolean }>;
    expect(summaries.map((s) => [s.cloud, s.changeNumber, s.date, s.unchanged])).toEqual([
      ['Public', 381, '2026-11-30', false],
      ['AzureGovernment', 409, '2026-11-30', false],
      ['China', 412, '2026-11-30', false],
    ]);
    expect(listing(dir)).toEqual(['ServiceTags_AzureGovernment_20261130.json', 'ServiceTags_China_20261130.json', 'ServiceTags_Public_20261130.json']);
    const again = await withEnv({ TAGWALL_DOWNLOAD_URL: `${azure.url}/en-us/download` }, () => tagwallAsync('snapshot', 'fetch', '--cloud', 'all', '--dir', dir));
    expect(again.code).toBe(0);
    expect(again.stdout.split('\n').filter(Boolean).every((line) => line.startsWith('unchanged: '))).toBe(true);
  });

  it('an HTTP error names the URL and the status, exits 2 and writes nothing', async () => {
    const dir = scratch();
    azure.faults.set('/download/7/1/D/71D86715-5596-4529-9B13-DA13A5DE5B63/ServiceTags_Public_20261130.json', { status: 503 });
    const result = await withEnv({}, () => tagwallAsync('snapshot', 'fetch', '--dir', dir, '--base-url', `${azure.url}/en-us/download`));
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`tagwall: ${azure.url}/download/7/1/D/71D86715-5596-4529-9B13-DA13A5DE5B63/ServiceTags_Public_20261130.json: HTTP 503 Service Unavailable\n`);
    expect(listing(dir)).toEqual([]);
  });

  it('pages that are gone: TW_NETWORK naming the page and its 404', async () => {
    const dir = scratch();
    azure.faults.set('/en-us/download/details.aspx', { status: 404 });
    azure.faults.set('/en-us/download/confirmation.aspx', { status: 404 });
    const result = await withEnv({}, () => tagwallAsync('snapshot', 'fetch', '--dir', dir, '--base-url', `${azure.url}/en-us/download`, '--json'));
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({
      error: expect.objectContaining({ code: 'TW_NETWORK', message: 'HTTP 404 Not Found', location: { file: `${azure.url}/en-us/download/details.aspx?id=56519` } }),
    });
  });

  it('a page without the link says so (Microsoft changed the page), naming both pages', async () => {
    azure.faults.set('/en-us/download/details.aspx', { status: 200, body: '<html><body>Download Center has moved</body></html>' });
    const result = await withEnv({}, () => tagwallAsync('snapshot', 'fetch', '--cloud', 'gov', '--dir', scratch(), '--base-url', `${azure.url}/en-us/download`));
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `tagwall: ${azure.url}/en-us/download/details.aspx?id=57063: no ServiceTags_AzureGovernment_<date>.json link on ${azure.url}/en-us/download/details.aspx?id=57063 or ${azure.url}/en-us/download/confirmation.aspx?id=57063: the page may have changed; download the file by hand and run tagwall snapshot import FILE\n`,
    );
  });

  it('a body cut short of its Content-Length is an error, and no partial snapshot is left', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'ServiceTags_Public_20261123.json'), 'last week\n');
    azure.faults.set('/download/7/1/D/71D86715-5596-4529-9B13-DA13A5DE5B63/ServiceTags_Public_20261130.json', 'truncate');
    const result = await withEnv({}, () => tagwallAsync('snapshot', 'fetch', '--dir', dir, '--base-url', `${azure.url}/en-us/download`));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^tagwall: http:\/\/127\.0\.0\.1:\d+\/download\/.*ServiceTags_Public_20261130\.json: GET failed: the connection closed after 100 bytes of 5000: the response is incomplete\n$/);
    expect(listing(dir)).toEqual(['ServiceTags_Public_20261123.json']);
    expect(readFileSync(join(dir, 'ServiceTags_Public_20261123.json'), 'utf8')).toBe('last week\n');
  });

  it('--cloud all is all or nothing: one cloud failing keeps the others from being written', async () => {
    const dir = scratch();
    azure.faults.set('/download/9/D/0/9D03B7E2-4B80-4BF3-9B91-DA8C7D3EE9F9/ServiceTags_China_20261130.json', { status: 500 });
    const result = await withEnv({}, () => tagwallAsync('snapshot', 'fetch', '--cloud', 'all', '--dir', dir, '--base-url', `${azure.url}/en-us/download`));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('ServiceTags_China_20261130.json: HTTP 500 Internal Server Error');
    expect(listing(dir)).toEqual([]);
  });

  it('a downloaded file that is not a valid snapshot is refused as `snapshot import` refuses it', async () => {
    const dir = scratch();
    const bad = readFileSync(join(NETWORK_FIXTURES, 'ServiceTags_Public_20261130.json'), 'utf8').replace('20.66.6.48/28', '20.66.6.49/28');
    azure.faults.set('/download/7/1/D/71D86715-5596-4529-9B13-DA13A5DE5B63/ServiceTags_Public_20261130.json', { status: 200, body: bad.replace(/^\ufeff/, '') });
    const result = await withEnv({}, () => tagwallAsync('snapshot', 'fetch', '--dir', dir, '--base-url', `${azure.url}/en-us/download`, '--json'));
    expect(result.code).toBe(2);
    const error = (JSON.parse(result.stdout) as { error: { code: string; location: { file: string; jsonPath: string } } }).error;
    expect(error.code).toBe('TW_HOST_BITS_SET');
    expect(error.location.jsonPath).toBe('$.values[0].properties.addressPrefixes[1]');
    expect(error.location.file).toMatch(/\/ServiceTags_Public_20261130\.json$/);
    expect(listing(dir)).toEqual([]);
  });

  it('refuses to replace a kept file of the same name with other content unless --force', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'ServiceTags_Public_20261130.json'), '{}');
    const refused = await withEnv({}, () => tagwallAsync('snapshot', 'fetch', '--dir', dir, '--base-url', `${azure.url}/en-us/download`));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('exists with other content (use --force to replace it)');
    const forced = await withEnv({}, () => tagwallAsync('snapshot', 'fetch', '--dir', dir, '--base-url', `${azure.url}/en-us/download`, '--force'));
    expect(forced.code).toBe(0);
    expect(readFileSync(join(dir, 'ServiceTags_Public_20261130.json'))).toEqual(readFileSync(join(NETWORK_FIXTURES, 'ServiceTags_Public_20261130.json')));
  });

  it('goes through HTTP_PROXY when one is set (a host only the proxy can resolve), and past it for NO_PROXY hosts', async () => {
    const port = Number(new URL(azure.url).port);
    const proxy = await startProxy({ host: '127.0.0.1', port });
    try {
      const dir = scratch();
      const result = await withEnv({ HTTP_PROXY: proxy.url }, () => tagwallAsync('snapshot', 'fetch', '--dir', dir, '--base-url', `http://downloads.tagwall.test:${port}/en-us/download`));
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(proxy.requests).toEqual([
        `GET http://downloads.tagwall.test:${port}/en-us/download/details.aspx?id=56519`,
        `GET http://downloads.tagwall.test:${port}/download/7/1/D/71D86715-5596-4529-9B13-DA13A5DE5B63/ServiceTags_Public_20261130.json`,
      ]);
      expect(listing(dir)).toEqual(['ServiceTags_Public_20261130.json']);
      // NO_PROXY names the host: the request goes direct, and the name does not resolve.
      const direct = await withEnv({ http_proxy: proxy.url, no_proxy: 'example.org, .tagwall.test' }, () =>
        tagwallAsync('snapshot', 'fetch', '--dir', scratch(), '--base-url', `http://downloads.tagwall.test:${port}/en-us/download`, '--json'),
      );
      expect(direct.code).toBe(2);
      expect((JSON.parse(direct.stdout) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'TW_NETWORK', message: expect.stringMatching(/ENOTFOUND|EAI_AGAIN/) });
      expect(proxy.requests).toHaveLength(2);
    } finally {
      await proxy.close();
    }
  });

  it('a proxy that is down is named in the error', async () => {
    const result = await withEnv({ HTTP_PROXY: 'http://127.0.0.1:9' }, () => tagwallAsync('snapshot', 'fetch', '--dir', scratch(), '--base-url', 'http://downloads.tagwall.test/en-us/download'));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^tagwall: http:\/\/downloads\.tagwall\.test\/en-us\/download\/details\.aspx\?id=56519: GET failed: .*ECONNREFUSED/);
  });
});

describe('the tagwall executable', () => {
  // Spawned without blocking: the stand-in answers from this process's event loop.
  it.skipIf(!existsSync('dist/cli.js'))('fetches through a proxy from the environment, and exits 2 naming the URL on an HTTP error', async () => {
    const port = Number(new URL(azure.url).port);
    const proxy = await startProxy({ host: '127.0.0.1', port });
    try {
      const dir = scratch();
      const env = { ...process.env, HTTP_PROXY: proxy.url, http_proxy: proxy.url, NO_PROXY: '', no_proxy: '' };
      const ok = await execute(process.execPath, ['dist/cli.js', 'snapshot', 'fetch', '--cloud', 'China', '--dir', dir, '--base-url', `http://mirror.tagwall.test:${port}/en-us/download`], { env });
      expect(ok.stderr).toBe('');
      expect(ok.stdout).toMatch(/^fetched: .*ServiceTags_China_20261130\.json \(China #412 \(2026-11-30\), 2 tags\) from http:\/\/mirror\.tagwall\.test:\d+\/download\/.*\n$/);
      expect(proxy.requests).toHaveLength(3);
      azure.faults.set('/en-us/download/details.aspx', { status: 502 });
      azure.faults.set('/en-us/download/confirmation.aspx', { status: 502 });
      const failed = await execute(process.execPath, ['dist/cli.js', 'snapshot', 'fetch', '--dir', scratch(), '--base-url', `${azure.url}/en-us/download`], { env }).catch((error: { code: number; stderr: string }) => error);
      expect(failed).toMatchObject({ code: 2, stderr: `tagwall: ${azure.url}/en-us/download/details.aspx?id=56519: HTTP 502 Bad Gateway\n` });
    } finally {
      await proxy.close();
    }
  });
});

describe('tagwall snapshot fetch --source api (Resource Manager serviceTags)', () => {
  it('calls the API with the token from AZURE_ACCESS_TOKEN, follows nextLink and keeps the answer in the file shape', async () => {
    const dir = scratch();
    const result = await withEnv({ AZURE_ACCESS_TOKEN: TOKEN, AZURE_SUBSCRIPTION_ID: SUBSCRIPTION }, () =>
      tagwallAsync('snapshot', 'fetch', '--source', 'api', '--dir', dir, '--base-url', azure.url, '--json'),
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(azure.log.map((entry) => entry.path)).toEqual([
      `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Network/locations/westus/serviceTags?api-version=2024-05-01`,
      `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Network/locations/westus/serviceTags?api-version=2024-05-01&$skipToken=2`,
    ]);
    expect(azure.log.every((entry) => entry.authorization === `Bearer ${TOKEN}`)).toBe(true);
    const [summary] = JSON.parse(result.stdout) as Array<{ file: string; changeNumber: number; tags: number }>;
    expect(summary).toMatchObject({ changeNumber: 381, tags: 3 });
    expect(summary!.file).toMatch(/ServiceTags_Public_\d{8}\.json$/);
    // Written in Microsoft's file shape: numbers for change numbers, regionId and platform filled in.
    const kept = JSON.parse(readFileSync(summary!.file, 'utf8')) as { changeNumber: unknown; values: Array<{ name: string; properties: Record<string, unknown> }> };
    expect(kept.changeNumber).toBe(381);
    expect(kept.values.map((value) => value.name)).toEqual(['AzureMachineLearning.WestUS', 'AzureFrontDoor.Frontend', 'Storage.WestUS']);
    expect(kept.values[1]!.properties).toEqual({ changeNumber: 9, region: '', regionId: 0, platform: '', systemService: '', addressPrefixes: ['13.107.246.0/24', '2620:1ec:bdf::/48'], networkFeatures: null });
    expect(tagwall('expand', 'AzureMachineLearning.WestUS', '--snapshot', summary!.file).stdout).toBe('13.86.195.35/32\n40.82.248.80/28\n2603:1030:a07::300/122\n');
  });

  it('takes the token and the subscription from the Azure CLI when AZURE_ACCESS_TOKEN is not set', async () => {
    const bin = scratch();
    // A stand-in `az` first on PATH: what `az account get-access-token --output json` prints.
    writeFileSync(join(bin, 'az'), `#!/bin/sh\n[ "$1 $2 $3 $4" = "account get-access-token --output json" ] || exit 3\necho '{"accessToken": "${TOKEN}", "expiresOn": "2026-12-03 12:00:00.000000", "subscription": "${SUBSCRIPTION}", "tenant": "t", "tokenType": "Bearer"}'\n`);
    chmodSync(join(bin, 'az'), 0o755);
    const dir = scratch();
    const result = await withEnv({ PATH: `${bin}${delimiter}${process.env['PATH'] ?? ''}` }, () => tagwallAsync('snapshot', 'fetch', '--source', 'api', '--dir', dir, '--base-url', azure.url));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(azure.log[0]!.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('says how to sign in when there is no token and no az', async () => {
    const result = await withEnv({ PATH: scratch() }, () => tagwallAsync('snapshot', 'fetch', '--source', 'api', '--dir', scratch(), '--base-url', azure.url));
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('tagwall: no Azure credentials: set AZURE_ACCESS_TOKEN (and AZURE_SUBSCRIPTION_ID), or install the Azure CLI and run az login\n');
    expect(azure.log).toEqual([]);
  });

  it('a rejected token: the URL, HTTP 401 and what Resource Manager said; nothing written', async () => {
    const dir = scratch();
    const result = await withEnv({ AZURE_ACCESS_TOKEN: 'expired', AZURE_SUBSCRIPTION_ID: SUBSCRIPTION }, () => tagwallAsync('snapshot', 'fetch', '--source', 'api', '--dir', dir, '--base-url', azure.url));
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `tagwall: ${azure.url}/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Network/locations/westus/serviceTags?api-version=2024-05-01: HTTP 401 Unauthorized (InvalidAuthenticationToken: The access token is invalid.)\n`,
    );
    expect(listing(dir)).toEqual([]);
  });

  it('--source api with --cloud all is a usage error (the API answers for the subscription\'s cloud)', async () => {
    const result = await tagwallAsync('snapshot', 'fetch', '--source', 'api', '--cloud', 'all');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--source api fetches one cloud');
  });

  it('--subscription and --location without --source api are usage errors, not ignored', async () => {
    const result = await tagwallAsync('snapshot', 'fetch', '--location', 'westus', '--dir', scratch(), '--base-url', `${azure.url}/en-us/download`);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--subscription and --location are for --source api');
    expect(azure.log).toEqual([]);
  });
});

describe('tagwall import-dependencies --workspace', () => {
  const workspaceId = `/subscriptions/${SUBSCRIPTION}/resourceGroups/ml-rg/providers/Microsoft.MachineLearningServices/workspaces/ml-ws`;

  it('calls the Dependencies API and prints the same requirements as the saved response gives', async () => {
    const saved = join(scratch(), 'dependencies.json');
    const example = JSON.parse(readFileSync('fixtures/dependencies/aml-outboundNetworkDependenciesEndpoints.spec-example-2025-09-01.json', 'utf8')) as { responses: { '200': { body: unknown } } };
    writeFileSync(saved, JSON.stringify(example.responses['200'].body));
    const live = await withEnv({ AZURE_ACCESS_TOKEN: TOKEN, TAGWALL_ARM_URL: azure.url }, () => tagwallAsync('import-dependencies', '--workspace', workspaceId, '--format', 'json'));
    expect(live.stderr).toBe('');
    expect(live.code).toBe(0);
    expect(azure.log.map((entry) => entry.path)).toEqual([
      `/subscriptions/${SUBSCRIPTION}/resourceGroups/ml-rg/providers/Microsoft.MachineLearningServices/workspaces/ml-ws/outboundNetworkDependenciesEndpoints?api-version=2024-04-01`,
    ]);
    const fromFile = tagwall('import-dependencies', saved, '--format', 'json');
    const requirements = (text: string): unknown => (JSON.parse(text) as { requirements: unknown }).requirements;
    expect(requirements(live.stdout)).toEqual(requirements(fromFile.stdout));
    expect((parseYaml((await withEnv({ AZURE_ACCESS_TOKEN: TOKEN, AZURE_SUBSCRIPTION_ID: SUBSCRIPTION }, () => tagwallAsync('import-dependencies', '--workspace', 'ml-ws', '--resource-group', 'ml-rg', '--base-url', azure.url))).stdout) as { requirements: unknown[] }).requirements.length).toBeGreaterThan(0);
  });

  it('takes a file or --workspace, not both, not neither; the synchronous run() refuses a network command', async () => {
    expect((await tagwallAsync('import-dependencies')).stderr).toContain('a saved response FILE or --workspace ID');
    expect((await tagwallAsync('import-dependencies', 'x.json', '--workspace', workspaceId)).code).toBe(2);
    const sync = tagwall('import-dependencies', '--workspace', workspaceId);
    expect(sync.code).toBe(2);
    expect(sync.stderr).toContain('uses the network');
  });

  it('refuses a --subscription that contradicts the workspace id', async () => {
    const result = await withEnv({ AZURE_ACCESS_TOKEN: TOKEN }, () => tagwallAsync('import-dependencies', '--workspace', workspaceId, '--subscription', 'other', '--base-url', azure.url));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('differs from --subscription');
    expect(azure.log).toEqual([]);
  });

  it('an API error names the URL and the status', async () => {
    azure.faults.set(`/subscriptions/${SUBSCRIPTION}/resourceGroups/ml-rg/providers/Microsoft.MachineLearningServices/workspaces/ml-ws/outboundNetworkDependenciesEndpoints`, {
      status: 404,
      body: '{"error": {"code": "ResourceNotFound", "message": "The Resource was not found."}}',
    });
    const result = await withEnv({ AZURE_ACCESS_TOKEN: TOKEN }, () => tagwallAsync('import-dependencies', '--workspace', workspaceId, '--base-url', azure.url));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^tagwall: http:\/\/127\.0\.0\.1:\d+\/subscriptions\/.*\/outboundNetworkDependenciesEndpoints\?api-version=2024-04-01: HTTP 404 Not Found \(ResourceNotFound: The Resource was not found\.\)\n$/);
  });
});

describe('snapshot staleness', () => {
  /** A copy of a recorded snapshot under a dated name `days` before today (UTC). */
  function snapshotAged(days: number, name = (date: string) => `ServiceTags_Public_${date}.json`): string {
    const dir = scratch();
    const date = new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
    const file = join(dir, name(date));
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, readFileSync(join(NETWORK_FIXTURES, 'ServiceTags_Public_20261130.json')));
    return file;
  }
  const warnAt30 = { TAGWALL_STALE_DAYS: undefined };

  it('warns once on stderr past 30 days, and not before', async () => {
    const old = snapshotAged(40);
    const stale = await withEnv(warnAt30, () => tagwall('expand', 'Storage.WestUS', '--snapshot', old));
    expect(stale.code).toBe(0);
    expect(stale.stdout).toBe('13.88.144.248/29\n20.150.34.0/23\n2603:1030:a07::/48\n');
    expect(stale.stderr).toBe(`tagwall: warning: the snapshot ${old} is 40 days old (${/_(\d{4})(\d{2})(\d{2})\.json$/.exec(old)!.slice(1).join('-')}); Microsoft publishes weekly: run tagwall snapshot fetch and pass the file with --snapshot\n`);
    const fresh = await withEnv(warnAt30, () => tagwall('expand', 'Storage.WestUS', '--snapshot', snapshotAged(29)));
    expect(fresh.stderr).toBe('');
    // TAGWALL_STALE_DAYS moves the threshold.
    expect((await withEnv({ TAGWALL_STALE_DAYS: '7' }, () => tagwall('expand', 'Storage.WestUS', '--snapshot', snapshotAged(8)))).stderr).toContain('is 8 days old');
  });

  it('the embedded Public snapshot (2025-10-28) warns by default', async () => {
    const result = await withEnv(warnAt30, () => tagwall('expand', 'AzureMachineLearning.WestUS'));
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^tagwall: warning: the embedded Public snapshot is \d{3,} days old \(2025-10-28\); /);
  });

  it('--max-age fails with TW_STALE_SNAPSHOT and exit 2; within it the command runs', async () => {
    const old = snapshotAged(40);
    const failed = await withEnv(warnAt30, () => tagwall('expand', 'Storage.WestUS', '--snapshot', old, '--max-age', '30', '--json'));
    expect(failed.code).toBe(2);
    expect((JSON.parse(failed.stdout) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'TW_STALE_SNAPSHOT', message: expect.stringContaining('is 40 days old') });
    expect(failed.stderr).toBe('');
    expect(tagwall('expand', 'Storage.WestUS', '--snapshot', old, '--max-age', '45').code).toBe(0);
    expect((await withEnv({ TAGWALL_MAX_AGE: '10' }, () => tagwall('expand', 'Storage.WestUS', '--snapshot', old))).code).toBe(2);
    expect(tagwall('expand', 'Storage.WestUS', '--snapshot', old, '--max-age', 'soon').stderr).toContain('--max-age takes a number of days');
  });

  it('--max-age refuses a snapshot whose date is unknown', () => {
    const undated = snapshotAged(0, () => 'ServiceTags_Public_change381.json');
    const result = tagwall('tags', '--snapshot', undated, '--max-age', '7');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('has no date');
  });

  it('snapshot info shows the age (and --max-age gates on it without a warning)', async () => {
    const old = snapshotAged(40);
    const info = await withEnv(warnAt30, () => tagwall('snapshot', 'info', '--snapshot', old, '--json'));
    expect(info.stderr).toBe('');
    expect((JSON.parse(info.stdout) as { ageDays: number }).ageDays).toBe(40);
    const table = tagwall('snapshot', 'info', '--snapshot', old);
    expect(table.stdout.split('\n')[0]).toMatch(/^CLOUD\s+CHANGE\s+DATE\s+AGE\s+TAGS/);
    expect(table.stdout.split('\n')[1]).toMatch(/\s40d\s/);
    expect(tagwall('snapshot', 'info', '--snapshot', old, '--max-age', '14').code).toBe(2);
  });

  it('--json notes carry the warning where the command has notes', async () => {
    const result = await withEnv(warnAt30, () => tagwall('catalog', 'show', 'compute-no-public-ip', '--region', 'westus', '--json'));
    expect(result.code).toBe(0);
    const notes = (JSON.parse(result.stdout) as { notes: string[] }).notes;
    expect(notes.filter((note) => note.startsWith('the embedded Public snapshot is '))).toHaveLength(1);
    expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);    const evaluated = await withEnv(warnAt30, () => tagwall('eval', 'scenario:compute-no-public-ip', '--region', 'westus', '--packet', 'out tcp 10.0.0.4:50000 -> 13.86.195.35:443', '--json'));
    expect(evaluated.code).toBe(0);
    expect((JSON.parse(evaluated.stdout) as { notes?: string[] }).notes?.filter((note) => note.startsWith('the embedded Public snapshot is '))).toHaveLength(1);
  });

  it('impact checks --to, not --from (which is old on purpose)', async () => {
    const from = snapshotAged(120);
    const to = snapshotAged(3);
    const requirements = join(scratch(), 'requirements.yaml');
    writeFileSync(requirements, 'name: storage\nrequirements:\n  - id: storage\n    direction: out\n    protocol: tcp\n    ports: 443\n    source: VirtualNetwork\n    destination: Storage.WestUS\n    purpose: blobs\n');
    const result = await withEnv(warnAt30, () => tagwall('impact', '--from', from, '--to', to, '--requirements', requirements, '--max-age', '7'));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const stale = await withEnv(warnAt30, () => tagwall('impact', '--from', to, '--to', from, '--requirements', requirements, '--max-age', '7'));
    expect(stale.code).toBe(2);
  });
});
