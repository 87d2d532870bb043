/**
 * `snapshot diff` and `impact` open their two snapshots overlapped (openSnapshotsOverlapped): both files read first,
 * each gzip inflated on libuv's threadpool, and the executable may have started both inflations before the bundle
 * loaded (prefetch.ts). Whatever finishes first, the answer must be what opening them one after the other gives:
 * the same two snapshots, or the same first error (the older file's when both are bad), with its code, words and file.
 */
import * as fs from 'node:fs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TagwallError } from '../errors.js';
import { diffSnapshots } from '../servicetags/diff.js';
import { prefetchSnapshotFiles } from '../servicetags/prefetch.js';
import type { Snapshot } from '../servicetags/snapshot.js';
import { FIXTURES } from '../servicetags/test-fixtures.js';
import { openSnapshot, openSnapshotsOverlapped } from './snapshot-source.js';

/** The pair as comparable text: each snapshot's info and their diff (every tag and prefix), or the error. */
async function outcome(open: () => Promise<readonly [Snapshot, Snapshot]>): Promise<string> {
  try {
    const [older, newer] = await open();
    const both = older.info.cloud === newer.info.cloud;
    const diff = both ? diffSnapshots(older, newer) : [];
    return JSON.stringify([older.info, newer.info, older.tags().length, JSON.parse(JSON.stringify(diff)) as unknown]);
  } catch (error) {
    if (!(error instanceof TagwallError)) throw error;
    return JSON.stringify(['error', error.code, error.message, error.location]);
  }
}

/** prefetchSnapshotFiles, settled when the executable would load the bundle (the gzip files' reads done). */
function readAhead(paths: readonly string[]): Promise<void> {
  return new Promise((resolve) => prefetchSnapshotFiles(paths, { fs, zlib })(resolve));
}

describe('openSnapshotsOverlapped', () => {
  let dir = '';
  const files: Record<string, string> = {};

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tagwall-overlapped-'));
    const gzip = readFileSync(FIXTURES.public20251028);
    const text = zlib.gunzipSync(gzip);
    const write = (name: string, bytes: Uint8Array): void => {
      files[name] = join(dir, name);
      writeFileSync(files[name]!, bytes);
    };
    // A whole Public file whose JSON breaks at its very end: it inflates for as long as a good one before it fails,
    // so a small bad newer file fails first in time.
    write('lateBadJson.json.gz', gzipSync(Buffer.concat([text.subarray(0, text.length - 40), Buffer.from(']')])));
    write('truncated.json.gz', gzip.subarray(0, 3000));
    write('smallBadJson.json.gz', gzipSync(Buffer.from('{"changeNumber": 1, "cloud": "Public", "values": [}')));
    write('plain.json', text);
    fs.mkdirSync(join(dir, 'folder.json.gz'));
    files['folder.json.gz'] = join(dir, 'folder.json.gz');
    files['missing.json.gz'] = join(dir, 'missing.json.gz');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives what opening the two one after the other gives, read ahead or not, whichever file fails or finishes first', async () => {
    const names = ['public0728', 'public1028', 'gov', 'embedded', 'plain.json', 'lateBadJson.json.gz', 'truncated.json.gz', 'smallBadJson.json.gz', 'folder.json.gz', 'missing.json.gz'];
    const path = (name: string): string =>
      name === 'public0728' ? FIXTURES.public20250728 : name === 'public1028' ? FIXTURES.public20251028 : name === 'gov' ? FIXTURES.gov20251028 : (files[name] ?? name);
    let errors = 0;
    for (const [i, olderName] of names.entries()) {
      for (const [j, newerName] of names.entries()) {
        const [older, newer] = [path(olderName), path(newerName)];
        const sequential = await outcome(async () => [openSnapshot(older), openSnapshot(newer)]);
        if (sequential.startsWith('["error"')) errors++;
        expect(await outcome(() => openSnapshotsOverlapped(older, newer)), `${olderName} ${newerName}`).toBe(sequential);
        // As the executable does: both read ahead before the command runs (in either order, pair by pair).
        // Both read ahead in one call (as the executable reads them), or one call each, then waited for as it waits.
        if ((i + j) % 3 === 0) await readAhead([older, newer]);
        else for (const file of (i + j) % 2 === 0 ? [older, newer] : [newer, older]) await readAhead([file]);
        expect(await outcome(() => openSnapshotsOverlapped(older, newer)), `${olderName} ${newerName} prefetched`).toBe(sequential);
      }
    }
    expect(errors).toBeGreaterThan(50);
  });

  it('reports the older file when both are bad, though the newer one fails first', async () => {
    const older = files['lateBadJson.json.gz']!;
    const newer = files['truncated.json.gz']!;
    // The newer file's inflation has failed already when the older one's starts: it is first to fail in time.
    await readAhead([newer]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await readAhead([older]);
    const error = await openSnapshotsOverlapped(older, newer).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(TagwallError);
    expect((error as TagwallError).code).toBe('TW_INVALID_JSON');
    expect((error as TagwallError).location?.file).toBe(older);
    // The other way round, the truncated file is the older one, and its gzip error is the answer.
    const reversed = await openSnapshotsOverlapped(newer, older).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect([(reversed as TagwallError).code, (reversed as TagwallError).location?.file]).toEqual(['TW_FILE', newer]);
    expect((reversed as TagwallError).message).toMatch(/cannot decompress the gzip data/);
  });
});
