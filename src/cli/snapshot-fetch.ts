/**
 * `tagwall snapshot fetch [--cloud C|all] [--dir D] [--source download|api]`: this week's service tags, validated
 * and kept as `snapshot import` keeps a downloaded file. Every cloud asked for is downloaded and validated first;
 * the files are then written together, all or nothing (write-files.ts), so a failed download, a truncated body or
 * an invalid file leaves the directory as it was.
 *
 * Base URLs: `--base-url` or TAGWALL_DOWNLOAD_URL (the Download Center's `…/download`, whose `details.aspx?id=N`
 * pages are read) and TAGWALL_ARM_URL (Resource Manager) point the command at a mirror, or at the local server the
 * tests serve recorded answers from.
 */
import { TagwallError } from '../errors.js';
import type { Environment } from '../internal/http.js';
import { CLOUDS, parseCloud, type Cloud } from '../servicetags/index.js';
import { DOWNLOAD_CENTER_URL, fetchFromDownloadCenter, fetchFromServiceTagsApi, type FetchedSnapshot } from '../servicetags/fetch.js';
import { azureAccess, requireSubscription } from './azure-access.js';
import { EXIT_OK, toJson, type CliIo, type GlobalOptions } from './io.js';
import { describeInfo, planKeep } from './snapshot.js';
import { writeFilesAtomically } from './write-files.js';

export interface SnapshotFetchOptions extends GlobalOptions {
  readonly cloud?: string;
  readonly dir?: string;
  readonly source?: 'download' | 'api';
  readonly force?: boolean;
  readonly subscription?: string;
  readonly location?: string;
  readonly baseUrl?: string;
}


function cloudsOf(text: string | undefined): readonly Cloud[] {
  if (text !== undefined && text.trim().toLowerCase() === 'all') return CLOUDS;
  return [parseCloud(text ?? 'Public')];
}

async function fetchOne(cloud: Cloud, options: SnapshotFetchOptions, env: Environment): Promise<FetchedSnapshot> {
  if (options.source === 'api') {
    const access = azureAccess(env, options.subscription);
    const endpoint = options.baseUrl ?? (env['TAGWALL_ARM_URL'] || undefined);
    return fetchFromServiceTagsApi({
      cloud,
      token: access.token,
      subscription: requireSubscription(access),
      ...(options.location ? { location: options.location } : {}),
      ...(endpoint ? { endpoint } : {}),
      env,
    });
  }
  return fetchFromDownloadCenter(cloud, options.baseUrl ?? (env['TAGWALL_DOWNLOAD_URL'] || DOWNLOAD_CENTER_URL), { env });
}

export async function runSnapshotFetch(options: SnapshotFetchOptions, io: CliIo, env: Environment = process.env): Promise<number> {
  const clouds = cloudsOf(options.cloud);
  if (options.source === 'api' && clouds.length > 1) {
    // A token is for one cloud's Resource Manager; the API answers for the subscription's cloud only.
    throw new TagwallError('TW_USAGE', '--source api fetches one cloud (the one your subscription is in): name it with --cloud');
  }
  if (options.source !== 'api' && (options.subscription !== undefined || options.location !== undefined)) {
    throw new TagwallError('TW_USAGE', '--subscription and --location are for --source api (the Download Center needs neither)');
  }
  const fetched: FetchedSnapshot[] = [];
  for (const cloud of clouds) fetched.push(await fetchOne(cloud, options, env));
  const directory = options.dir ?? 'servicetags';
  const planned = fetched.map((item) => ({ item, ...planKeep(directory, item.fileName, item.bytes, options.force) }));
  const changed = planned.filter((plan) => !plan.unchanged);
  if (changed.length > 0) writeFilesAtomically(changed.map((plan) => ({ path: plan.destination, content: plan.item.bytes })));
  const summaries = planned.map(({ item, destination, unchanged }) => ({
    file: destination,
    cloud: item.cloud,
    changeNumber: item.snapshot.info.changeNumber,
    date: /_(\d{4})(\d{2})(\d{2})\.json$/.exec(item.fileName)?.slice(1).join('-') ?? null,
    tags: item.snapshot.info.tagCount,
    url: item.url,
    unchanged,
  }));
  if (options.json) io.stdout(toJson(summaries));
  else {
    for (const [index, summary] of summaries.entries()) {
      const info = { ...fetched[index]!.snapshot.info, date: summary.date ?? undefined };
      io.stdout(`${summary.unchanged ? 'unchanged' : 'fetched'}: ${summary.file} (${describeInfo(info)}, ${summary.tags} tags) from ${summary.url}\n`);
    }
  }
  return EXIT_OK;
}
