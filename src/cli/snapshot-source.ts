/** Which snapshot a command reads: `--snapshot FILE` if given, else the embedded default of `--cloud`. */
import { Option } from 'commander';
import { TagwallError } from '../errors.js';
import { defaultSnapshot, loadSnapshotFile, parseCloud, type Snapshot } from '../servicetags/index.js';
import { watchSnapshotAge } from './snapshot-age.js';

export interface SnapshotOptions {
  readonly cloud?: string;
  readonly snapshot?: string;
  /** The global `--max-age DAYS` (src/cli/snapshot-age.ts). */
  readonly maxAge?: string;
}

export const cloudOption = (): Option => new Option('--cloud <cloud>', 'Public (default), AzureGovernment or China');
export const snapshotFileOption = (): Option => new Option('--snapshot <file>', 'a ServiceTags_*.json(.gz) file instead of the embedded snapshot');

/** The snapshot a command uses, checked for age: a warning when stale, TW_STALE_SNAPSHOT over --max-age. */
export function selectSnapshot(options: SnapshotOptions): Snapshot {
  return watchSnapshotAge(chooseSnapshot(options), options);
}

/** The snapshot the options name, unchecked (`snapshot info` shows the age instead). */
export function chooseSnapshot(options: SnapshotOptions): Snapshot {
  const cloud = options.cloud === undefined ? undefined : parseCloud(options.cloud);
  if (options.snapshot === undefined) return defaultSnapshot(cloud ?? 'Public');
  const snapshot = openSnapshot(options.snapshot);
  if (cloud !== undefined && snapshot.info.cloud !== cloud) {
    throw new TagwallError('TW_USAGE', `the snapshot is for the ${snapshot.info.cloud} cloud, not ${cloud}`, {
      location: { file: options.snapshot },
    });
  }
  return snapshot;
}

/** A snapshot operand: a file path, or `embedded` / `embedded:<cloud>` for a default shipped with tagwall. */
export function openSnapshot(operand: string): Snapshot {
  const match = /^embedded(?::(.+))?$/i.exec(operand);
  if (match) return defaultSnapshot(match[1] === undefined ? 'Public' : parseCloud(match[1]));
  return loadSnapshotFile(operand);
}
