/**
 * How old the snapshot a command uses is, and what the CLI does about it.
 *
 * Microsoft publishes service tags weekly; a config made from an old snapshot silently misses new prefixes. A
 * snapshot's age is counted in whole days from its own date (the `_YYYYMMDD` of Microsoft's file name, recorded as
 * `info.date`; the embedded snapshots carry theirs) to today, UTC. Every command that uses a snapshot:
 *
 * - warns on standard error, once per snapshot and run, when it is older than TAGWALL_STALE_DAYS (default 30;
 *   `off` silences it, which the test suite does for output it compares byte for byte), and lists the warning in
 *   its `--json` notes where the command has notes;
 * - fails with TW_STALE_SNAPSHOT (exit 2, like any input a CI job must not go on with) when `--max-age DAYS` (or
 *   TAGWALL_MAX_AGE) is given and the snapshot is older, or its date is unknown: a CI gate cannot pass on an age
 *   it cannot see.
 *
 * `impact --from` and `snapshot diff` operands are old on purpose and are not checked; `impact --to` is.
 */
import { TagwallError } from '../errors.js';
import type { Snapshot, SnapshotInfo } from '../servicetags/index.js';

export const DEFAULT_STALE_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface AgeOptions {
  readonly maxAge?: string;
}

/** Whole days from `date` (YYYY-MM-DD) to `now`, UTC; 0 for a date in the future; undefined without a date. */
export function ageInDays(date: string | undefined, now: Date = new Date()): number | undefined {
  if (date === undefined) return undefined;
  const then = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(then)) return undefined;
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Math.max(0, Math.floor((today - then) / DAY_MS));
}

function days(text: string, what: string): number {
  const match = /^\s*(\d{1,5})\s*d?\s*$/i.exec(text);
  if (!match) throw new TagwallError('TW_USAGE', `${what} takes a number of days, such as 30 (got ${JSON.stringify(text)})`);
  return Number(match[1]);
}

function describe(info: SnapshotInfo): string {
  return info.source.startsWith('embedded:') ? `the embedded ${info.cloud} snapshot` : `the snapshot ${info.source}`;
}

/** The command that gets a current snapshot of the same cloud. */
function fetchCommand(info: SnapshotInfo): string {
  return `tagwall snapshot fetch${info.cloud === 'Public' ? '' : ` --cloud ${info.cloud}`}`;
}

function staleDays(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env['TAGWALL_STALE_DAYS'];
  if (raw === undefined || raw.trim() === '') return DEFAULT_STALE_DAYS;
  if (/^(off|never|none|false)$/i.test(raw.trim())) return undefined;
  return days(raw, 'TAGWALL_STALE_DAYS');
}

/** The run's sink and what it has said, reset by the CLI at the start of each run. */
let sink: ((line: string) => void) | undefined;
const warned = new Set<string>();
const notes: string[] = [];

export function beginSnapshotAgeWatch(write: (line: string) => void): void {
  sink = write;
  warned.clear();
  notes.length = 0;
}

/** The staleness warnings said so far in this run, for commands whose `--json` output has notes. */
export function snapshotAgeNotes(): readonly string[] {
  return [...notes];
}

/**
 * Checks a snapshot a command is about to use: throws TW_STALE_SNAPSHOT over `--max-age`, warns over the
 * threshold. Returns the snapshot, so a call site can wrap its choice in it.
 */
export function watchSnapshotAge(snapshot: Snapshot, options: AgeOptions, { warn = true, env = process.env, now = new Date() }: { warn?: boolean; env?: NodeJS.ProcessEnv; now?: Date } = {}): Snapshot {
  const info = snapshot.info;
  const age = ageInDays(info.date, now);
  const maxAgeText = options.maxAge ?? (env['TAGWALL_MAX_AGE']?.trim() || undefined);
  if (maxAgeText !== undefined) {
    const maxAge = days(maxAgeText, options.maxAge !== undefined ? '--max-age' : 'TAGWALL_MAX_AGE');
    if (age === undefined) {
      throw new TagwallError('TW_STALE_SNAPSHOT', `${describe(info)} has no date (Microsoft's file names end in _YYYYMMDD), so --max-age ${maxAge} cannot be checked; keep it under its dated name (tagwall snapshot fetch or import)`, {
        location: { file: info.source },
      });
    }
    if (age > maxAge) {
      throw new TagwallError('TW_STALE_SNAPSHOT', `${describe(info)} is ${age} days old (${info.date}), over --max-age ${maxAge}; get a current one with ${fetchCommand(info)}`, {
        location: { file: info.source },
      });
    }
  }
  const threshold = warn ? staleDays(env) : undefined;
  if (threshold !== undefined && age !== undefined && age > threshold && !warned.has(info.source)) {
    warned.add(info.source);
    const note = `${describe(info)} is ${age} days old (${info.date}); Microsoft publishes weekly: run ${fetchCommand(info)} and pass the file with --snapshot`;
    notes.push(note);
    sink?.(`tagwall: warning: ${note}\n`);
  }
  return snapshot;
}
