/** Which snapshot a command reads: `--snapshot FILE` if given, else the embedded default of `--cloud`. */
// From the files, not the barrels: `expand`, `tags` and `snapshot` load this without the catalogue and the
// analysis the barrels re-export (the CLI bundle is split by what each command reaches; issue 22).
import { parseSetOptions, splitParameters } from '../catalogue/params.js';
import { TagwallError } from '../errors.js';
import { parseCloud, type Cloud } from '../servicetags/cloud.js';
import { defaultSnapshot, loadSnapshotFile, startLoadingSnapshotFile, type Snapshot } from '../servicetags/snapshot.js';
import { watchSnapshotAge } from './snapshot-age.js';

export interface SnapshotOptions {
  readonly cloud?: string;
  readonly snapshot?: string;
  /** Scenario parameters: `--set cloud=China` names the cloud as `--cloud China` does. */
  readonly set?: readonly string[];
  /** The global `--max-age DAYS` (src/cli/snapshot-age.ts). */
  readonly maxAge?: string;
}

/**
 * The cloud the options name, parsed once: `--cloud`, or the `cloud` parameter of `--set` (the two spellings of one
 * parameter, so the snapshot and the scenario agree); both, naming different clouds, is TW_USAGE.
 */
export function cloudOf(options: SnapshotOptions): Cloud | undefined {
  const flag = options.cloud === undefined ? undefined : parseCloud(options.cloud);
  const setText = splitParameters(parseSetOptions(options.set ?? [])).parameters['cloud'];
  const set = setText === undefined ? undefined : parseCloud(setText);
  if (flag !== undefined && set !== undefined && flag !== set) throw new TagwallError('TW_USAGE', `--cloud ${flag} and --set cloud=${set} name different clouds`);
  return flag ?? set;
}

export { cloudOption, snapshotFileOption } from './flags.js';

/** The snapshot a command uses, checked for age: a warning when stale, TW_STALE_SNAPSHOT over --max-age. */
export function selectSnapshot(options: SnapshotOptions): Snapshot {
  return watchSnapshotAge(chooseSnapshot(options), options);
}

/** The snapshot the options name, unchecked (`snapshot info` shows the age instead). */
export function chooseSnapshot(options: SnapshotOptions): Snapshot {
  const cloud = cloudOf(options);
  if (options.snapshot === undefined) return defaultSnapshot(cloud ?? 'Public');
  const snapshot = openSnapshot(options.snapshot);
  if (cloud !== undefined && snapshot.info.cloud !== cloud) {
    throw new TagwallError('TW_USAGE', `the snapshot is for the ${snapshot.info.cloud} cloud, not ${cloud}`, {
      location: { file: options.snapshot },
    });
  }
  return snapshot;
}

const EMBEDDED_OPERAND = /^embedded(?::(.+))?$/i;

/** A snapshot operand: a file path, or `embedded` / `embedded:<cloud>` for a default shipped with tagwall. */
export function openSnapshot(operand: string): Snapshot {
  const match = EMBEDDED_OPERAND.exec(operand);
  if (match) return defaultSnapshot(match[1] === undefined ? 'Public' : parseCloud(match[1]));
  return loadSnapshotFile(operand);
}

/**
 * Both operands opened as openSnapshot would, one after the other, with each file read first and its gzip inflated
 * on libuv's threadpool (the second while the first is parsed): the same snapshots and the same first error.
 */
export async function openSnapshotsOverlapped(older: string, newer: string): Promise<readonly [Snapshot, Snapshot]> {
  const finishOlder = startOpeningSnapshot(older);
  const finishNewer = startOpeningSnapshot(newer);
  const opened = await finishOlder();
  return [opened, await finishNewer()];
}

/** openSnapshot, started: a file is read now and inflated in the background (startLoadingSnapshotFile). */
export function startOpeningSnapshot(operand: string): () => Promise<Snapshot> {
  if (EMBEDDED_OPERAND.test(operand)) return async () => openSnapshot(operand);
  return startLoadingSnapshotFile(operand);
}
