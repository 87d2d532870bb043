/** `tagwall snapshot info|diff`: what a snapshot is, and what changed between two. */
import { diffSnapshots, type SnapshotDiff, type SnapshotInfo } from '../servicetags/index.js';
import { EXIT_DIFFERENT, EXIT_OK, formatTable, toJson, type CliIo, type GlobalOptions } from './io.js';
import { openSnapshot, selectSnapshot, type SnapshotOptions } from './snapshot-source.js';
import { defaultSnapshot, CLOUDS } from '../servicetags/index.js';

export function runSnapshotInfo(options: SnapshotOptions & GlobalOptions, io: CliIo): number {
  const infos: SnapshotInfo[] =
    options.snapshot === undefined && options.cloud === undefined
      ? CLOUDS.map((cloud) => defaultSnapshot(cloud).info)
      : [selectSnapshot(options).info];
  if (options.json) {
    io.stdout(toJson(infos.length === 1 ? infos[0] : infos));
    return EXIT_OK;
  }
  const rows = infos.map((info) => [
    info.cloud,
    String(info.changeNumber),
    info.date ?? '-',
    String(info.tagCount),
    String(info.prefixCount.ipv4),
    String(info.prefixCount.ipv6),
    info.source,
  ]);
  io.stdout(formatTable(['CLOUD', 'CHANGE', 'DATE', 'TAGS', 'IPV4', 'IPV6', 'SOURCE'], rows));
  return EXIT_OK;
}

export interface SnapshotDiffOptions extends GlobalOptions {
  readonly tag?: readonly string[];
}

export function runSnapshotDiff(from: string, to: string, options: SnapshotDiffOptions, io: CliIo): number {
  const diff = diffSnapshots(openSnapshot(from), openSnapshot(to), options.tag?.length ? { tags: options.tag } : {});
  const changed = diff.added.length + diff.removed.length + diff.changed.length > 0;
  io.stdout(options.json ? toJson(diff) : formatDiff(diff, Boolean(options.tag?.length)));
  return changed ? EXIT_DIFFERENT : EXIT_OK;
}

function describeInfo(info: SnapshotInfo): string {
  return `${info.cloud} #${info.changeNumber}${info.date ? ` (${info.date})` : ''}`;
}

function formatDiff(diff: SnapshotDiff, detailed: boolean): string {
  const lines: string[] = [];
  const added = diff.changed.reduce((n, change) => n + change.prefixesAdded.length, 0);
  const removed = diff.changed.reduce((n, change) => n + change.prefixesRemoved.length, 0);
  lines.push(
    `${describeInfo(diff.from)} -> ${describeInfo(diff.to)}: ${diff.added.length} tags added, ${diff.removed.length} removed, ` +
      `${diff.changed.length} changed (+${added} / -${removed} prefixes in changed tags)`,
  );
  if (diff.added.length > 0) lines.push('', 'Added tags:', ...diff.added.map((name) => `  + ${name}`));
  if (diff.removed.length > 0) lines.push('', 'Removed tags:', ...diff.removed.map((name) => `  - ${name}`));
  if (diff.changed.length > 0) {
    lines.push('', 'Changed tags:');
    const rows = diff.changed.map((change) => [
      change.name,
      `+${change.prefixesAdded.length}`,
      `-${change.prefixesRemoved.length}`,
      change.metadata.length > 0 ? change.metadata.join(',') : '',
    ]);
    lines.push(...formatTable(['  TAG', 'ADDED', 'REMOVED', 'METADATA'], rows.map(([n, ...r]) => [`  ${n}`, ...r])).trimEnd().split('\n'));
    if (detailed) {
      for (const change of diff.changed) {
        lines.push('', `${change.name}:`);
        lines.push(...change.prefixesAdded.map((p) => `  + ${p}`), ...change.prefixesRemoved.map((p) => `  - ${p}`));
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
