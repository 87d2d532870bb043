/** `tagwall snapshot info|diff`: what a snapshot is, and what changed between two. */
import { diffSnapshots, prefixChangeCounts, type SnapshotDiff } from '../servicetags/diff.js';
import type { SnapshotInfo } from '../servicetags/types.js';
import { EXIT_DIFFERENT, EXIT_OK, formatTable, toJson, type CliIo, type GlobalOptions } from './io.js';
import { chooseSnapshot, openSnapshot, openSnapshotsOverlapped, type SnapshotOptions } from './snapshot-source.js';
import { ageInDays, watchSnapshotAge } from './snapshot-age.js';
import { CLOUDS } from '../servicetags/cloud.js';
import { defaultSnapshot, parseSnapshot, type Snapshot } from '../servicetags/snapshot.js';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { TagwallError } from '../errors.js';
import { readInputFile, writeFilesAtomically } from './write-files.js';

/** The age column: whole days since the snapshot's date, '-' when it has none (src/cli/snapshot-age.ts). */
function ageText(days: number | undefined): string {
  return days === undefined ? '-' : `${days}d`;
}

export function runSnapshotInfo(options: SnapshotOptions & GlobalOptions, io: CliIo): number {
  const snapshots =
    options.snapshot === undefined && options.cloud === undefined ? CLOUDS.map((cloud) => defaultSnapshot(cloud)) : [chooseSnapshot(options)];
  // The age is shown, not warned about; --max-age makes this the CI gate it is elsewhere (exit 2 when older).
  for (const snapshot of snapshots) watchSnapshotAge(snapshot, options, { warn: false });
  const now = new Date();
  const infos = snapshots.map((snapshot) => ({ ...snapshot.info, ageDays: ageInDays(snapshot.info.date, now) ?? null }));
  if (options.json) {
    io.stdout(toJson(infos.length === 1 ? infos[0] : infos));
    return EXIT_OK;
  }
  const rows = infos.map((info) => [
    info.cloud,
    String(info.changeNumber),
    info.date ?? '-',
    ageText(info.ageDays ?? undefined),
    String(info.tagCount),
    String(info.prefixCount.ipv4),
    String(info.prefixCount.ipv6),
    info.source,
  ]);
  io.stdout(formatTable(['CLOUD', 'CHANGE', 'DATE', 'AGE', 'TAGS', 'IPV4', 'IPV6', 'SOURCE'], rows));
  return EXIT_OK;
}

export interface SnapshotDiffOptions extends GlobalOptions {
  readonly tag?: readonly string[];
}

export function runSnapshotDiff(from: string, to: string, options: SnapshotDiffOptions, io: CliIo): number {
  return reportDiff(openSnapshot(from), openSnapshot(to), options, io);
}

/**
 * runSnapshotDiff for the executable, which can wait: both files are read first and each gzip is inflated on
 * libuv's threadpool, the second while the first is read (issue 22). The same output, and the same first error.
 */
export async function runSnapshotDiffOverlapped(from: string, to: string, options: SnapshotDiffOptions, io: CliIo): Promise<number> {
  const [older, newer] = await openSnapshotsOverlapped(from, to);
  return reportDiff(older, newer, options, io);
}

function reportDiff(older: Snapshot, newer: Snapshot, options: SnapshotDiffOptions, io: CliIo): number {
  const diff = diffSnapshots(older, newer, options.tag?.length ? { tags: options.tag } : {});
  const changed = diff.added.length + diff.removed.length + diff.changed.length > 0;
  io.stdout(options.json ? toJson(diff) : formatDiff(diff, Boolean(options.tag?.length)));
  return changed ? EXIT_DIFFERENT : EXIT_OK;
}

/** `Public #375 (2025-10-28)`: how import, fetch and diff name a snapshot. */
export function describeInfo(info: SnapshotInfo): string {
  return `${info.cloud} #${info.changeNumber}${info.date ? ` (${info.date})` : ''}`;
}

function formatDiff(diff: SnapshotDiff, detailed: boolean): string {
  const lines: string[] = [];
  const counts = prefixChangeCounts(diff.changed);
  let added = 0;
  let removed = 0;
  for (let k = 0; k < counts.length; k += 2) {
    added += counts[k]!;
    removed += counts[k + 1]!;
  }
  lines.push(
    `${describeInfo(diff.from)} -> ${describeInfo(diff.to)}: ${diff.added.length} tags added, ${diff.removed.length} removed, ` +
      `${diff.changed.length} changed (+${added} / -${removed} prefixes in changed tags)`,
  );
  if (diff.added.length > 0) lines.push('', 'Added tags:', ...diff.added.map((name) => `  + ${name}`));
  if (diff.removed.length > 0) lines.push('', 'Removed tags:', ...diff.removed.map((name) => `  - ${name}`));
  if (diff.changed.length > 0) {
    lines.push('', 'Changed tags:');
    lines.push(...changedTable(diff, counts));
    if (detailed) {
      for (const change of diff.changed) {
        lines.push('', `${change.name}:`);
        lines.push(...change.prefixesAdded.map((p) => `  + ${p}`), ...change.prefixesRemoved.map((p) => `  - ${p}`));
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The changed tags as formatTable lays out `  TAG  ADDED  REMOVED  METADATA` (each column as wide as its widest
 * cell, two spaces between, no trailing spaces), a line each, written here without its cells' arrays: through
 * formatTable, the ~350 rows of a Public diff were arrays of cells, padded copies, each line trimmed, the table
 * joined, trimmed and split again into these lines (~300 KB of a cold diff's young generation; issue 22). Each line is
 * one join of its pieces and shared runs of spaces (no padded copy of a cell, no intermediate concatenation).
 * `counts`: prefixChangeCounts of the changes. Exported for its test against formatTable.
 * @internal
 */
export function changedTable(diff: SnapshotDiff, counts: Uint32Array): string[] {
  const header = ['  TAG', 'ADDED', 'REMOVED', 'METADATA'] as const;
  let name = header[0].length;
  let added = header[1].length;
  let removed = header[2].length;
  for (let i = 0; i < diff.changed.length; i++) {
    // `  name`, `+n`, `-n`: the indent and the sign are one character each.
    name = Math.max(name, diff.changed[i]!.name.length + 2);
    added = Math.max(added, digits(counts[2 * i]!) + 1);
    removed = Math.max(removed, digits(counts[2 * i + 1]!) + 1);
  }
  const blanks: string[] = [];
  for (let k = 0; k <= Math.max(name, added, removed); k++) blanks.push(' '.repeat(k));
  const lines = [`${header[0].padEnd(name)}  ${header[1].padEnd(added)}  ${header[2].padEnd(removed)}  ${header[3]}`];
  for (let i = 0; i < diff.changed.length; i++) {
    const change = diff.changed[i]!;
    const plus = counts[2 * i]!;
    const minus = counts[2 * i + 1]!;
    const pieces = ['  ', change.name, blanks[name - 2 - change.name.length]!, '  +', String(plus), blanks[added - 1 - digits(plus)]!, '  -', String(minus)];
    // formatTable trims each line: with no metadata, the REMOVED cell ends it unpadded.
    if (change.metadata.length > 0) pieces.push(blanks[removed - 1 - digits(minus)]!, '  ', change.metadata.join(','));
    lines.push(pieces.join(''));
  }
  return lines;
}

/** How many decimal digits `n` (a count) is written with. */
function digits(n: number): number {
  let count = 1;
  for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) count++;
  return count;
}

export interface SnapshotImportOptions extends GlobalOptions {
  readonly dir?: string;
  readonly force?: boolean;
}

/** Microsoft's own file names: ServiceTags_Public_20251028.json (optionally .gz). */
const MICROSOFT_NAME = /^ServiceTags_(Public|AzureGovernment|China)_(\d{8})\.json(\.gz)?$/i;

/**
 * `tagwall snapshot import FILE [--dir D]`: validates a downloaded snapshot and keeps it, byte for byte, under a
 * dated name next to the user's requirements, so `--snapshot` and `impact --from/--to` can name it later.
 * A file of the same name with other content is refused unless --force: a dated snapshot never changes silently.
 */
export function runSnapshotImport(file: string, options: SnapshotImportOptions, io: CliIo): number {
  const bytes = readInputFile(file);
  const snapshot = parseSnapshot(bytes, file);
  const { cloud, changeNumber } = snapshot.info;
  const gzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
  const microsoft = MICROSOFT_NAME.exec(basename(file));
  const name = microsoft
    ? `ServiceTags_${cloud}_${microsoft[2]}.json${gzip ? '.gz' : ''}`
    : `ServiceTags_${cloud}_change${changeNumber}.json${gzip ? '.gz' : ''}`;
  const { destination, unchanged } = planKeep(options.dir ?? 'servicetags', name, bytes, options.force);
  if (!unchanged) writeFilesAtomically([{ path: destination, content: bytes }]);
  const summary = { file: destination, cloud, changeNumber, tags: snapshot.info.tagCount, unchanged };
  if (options.json) io.stdout(toJson(summary));
  else io.stdout(`${unchanged ? 'unchanged' : 'imported'}: ${destination} (${describeInfo(snapshot.info)}, ${snapshot.info.tagCount} tags)\n`);
  return EXIT_OK;
}

/**
 * Where a snapshot is kept and whether it is there already. A file of the same name with other content is refused
 * unless `force`: a dated snapshot never changes silently (`snapshot import` and `snapshot fetch` share this).
 */
export function planKeep(directory: string, name: string, bytes: Uint8Array, force: boolean | undefined): { destination: string; unchanged: boolean } {
  const destination = join(directory, name);
  const existing = readIfExists(destination);
  const unchanged = existing !== undefined && Buffer.compare(existing, bytes) === 0;
  if (existing !== undefined && !unchanged && !force) {
    throw new TagwallError('TW_FILE', `${destination} exists with other content (use --force to replace it)`, {
      location: { file: destination },
    });
  }
  return { destination, unchanged };
}

function readIfExists(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}
