/**
 * Writing output files all-or-nothing (issue 19 item 4).
 *
 * One file: its content goes to a temporary file in the target's own directory, is fsynced, and is renamed over the
 * target (rename(2) is atomic within a file system), then the directory is fsynced so the rename is durable.
 *
 * A set of files (iptables rules + ipsets, PAN-OS XML + EDL files, a render with its report): every file is staged
 * and fsynced first; then a journal naming each (temporary → target, and a hard link that keeps the old target) is
 * written into every directory involved — the set is committed when the last copy is in place — and only then are
 * the files renamed. A run killed before the commit leaves the old set (the next write into the directory deletes
 * the staged files); one killed after it leaves a journal the next write completes. POSIX has no rename that swaps
 * a non-empty directory into place (Linux's RENAME_EXCHANGE is not reachable from Node), so the journal is the way.
 * A rename that fails in this process is rolled back from the hard links before the error is reported.
 *
 * Nothing but a regular file is ever replaced: a symbolic link, a device node, a FIFO or a directory where a file
 * is to go is refused before anything is written. No temporary file survives an error.
 */
import {
  closeSync,
  constants,
  copyFileSync,
  fstatSync,
  fsyncSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { TagwallError } from '../errors.js';
import { writeUtf8, type OutputText } from './utf8-pieces.js';

export interface OutputFile {
  readonly path: string;
  readonly content: OutputText | Uint8Array;
}

/** What the journal records for one file. */
interface JournalEntry {
  readonly target: string;
  readonly temporary: string;
  /** A hard link to the target as it was, when there was one: the way back if a rename fails. */
  readonly backup: string | null;
}

interface Journal {
  readonly version: 1;
  readonly id: string;
  /** `commit`: complete the renames; `rollback`: undo them (set by a run whose rename failed). */
  readonly state: 'commit' | 'rollback';
  readonly directories: readonly string[];
  readonly files: readonly JournalEntry[];
}

/** `.tagwall-<pid>-<random>…`: the pid tells a staged file of a live run from one a killed run left behind. */
const STAGED = /^\.tagwall-(\d+)-[0-9a-f]+(?:-\d+\.(?:tmp|old)|\.journal(?:\.tmp)?)$/;
const JOURNAL = /^\.tagwall-\d+-[0-9a-f]+\.journal$/;

function fileError(message: string, path: string, cause?: unknown): TagwallError {
  const reason = cause === undefined ? '' : `: ${describeCause(cause)}`;
  return new TagwallError('TW_FILE', `${message}${reason}`, { location: { file: path }, ...(cause === undefined ? {} : { cause }) });
}

function describeCause(cause: unknown): string {
  const error = cause as NodeJS.ErrnoException;
  if (error?.code === 'ENOSPC') return 'ENOSPC: no space left on device';
  if (error?.code) return `${error.code}: ${error.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '')}`;
  return cause instanceof Error ? cause.message : String(cause);
}

function kindOf(stats: Stats): string {
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fileError('cannot write output', path, error);
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone, or the directory is not ours to change any more: nothing left to undo.
  }
}

/** fsync a directory so the renames in it survive a power cut; some file systems refuse (EINVAL), which is fine. */
function syncDirectory(directory: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(directory, 'r');
    fsyncSync(fd);
  } catch {
    // Not supported here: the rename is still atomic, only its durability is the file system's.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Writes `content` to a new file (never an existing one: `wx`) and returns it open, not yet fsynced. */
function openNewFile(path: string, content: OutputText | Uint8Array, mode: number | undefined): number {
  const fd = openSync(path, 'wx', mode ?? 0o666);
  const writeAll = (bytes: Uint8Array): void => {
    for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset, bytes.length - offset);
  };
  try {
    // A long text encoded slice by slice into one buffer (writeUtf8), not whole into as many fresh pages.
    if (content instanceof Uint8Array) writeAll(content);
    else writeUtf8(content, writeAll);
    return fd;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** Writes `content` to a new file and fsyncs it. */
function writeNewFile(path: string, content: OutputText | Uint8Array, mode: number | undefined): void {
  const fd = openNewFile(path, content, mode);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Files are written a batch at a time and fsynced after the batch: the kernel writes them back together, which
 * measured twice as fast as fsyncing each in turn (400 EDL files on ext4). Batches keep the open descriptors
 * well below the usual limit of 1,024.
 */
const FSYNC_BATCH = 128;

/** The journal, written atomically (staged and renamed) into `directory`. */
function writeJournal(directory: string, journal: Journal): void {
  const path = join(directory, `.tagwall-${journal.id}.journal`);
  writeNewFile(`${path}.tmp`, JSON.stringify(journal), undefined);
  renameSync(`${path}.tmp`, path);
  syncDirectory(directory);
}

function journalPaths(journal: Journal): string[] {
  return journal.directories.map((directory) => join(directory, `.tagwall-${journal.id}.journal`));
}

function readJournal(path: string): Journal | undefined {
  try {
    const journal = JSON.parse(readFileSync(path, 'utf8')) as Journal;
    return journal.version === 1 && Array.isArray(journal.files) && Array.isArray(journal.directories) ? journal : undefined;
  } catch {
    return undefined;
  }
}

function exists(path: string): boolean {
  return lstatOrUndefined(path) !== undefined;
}

/** Deletes what a set that was never committed staged: its targets were not touched. */
function discard(journal: Journal): void {
  for (const entry of journal.files) {
    removeQuietly(entry.temporary);
    if (entry.backup !== null) removeQuietly(entry.backup);
  }
  for (const path of journalPaths(journal)) removeQuietly(path);
}

/** Completes the renames of a committed set: each staged file that is still there goes into place. */
function rollForward(journal: Journal): void {
  for (const entry of journal.files) {
    if (exists(entry.temporary)) renameSync(entry.temporary, entry.target);
  }
  for (const directory of journal.directories) syncDirectory(directory);
  for (const entry of journal.files) if (entry.backup !== null) removeQuietly(entry.backup);
  for (const path of journalPaths(journal)) removeQuietly(path);
}

/**
 * Undoes a set: a staged file still there was never renamed (delete it); one that is gone was renamed over its
 * target, which gets its old content back from the hard link, or is deleted when there was none. Idempotent, so a
 * rollback that is itself interrupted is finished by the next one.
 */
function rollBack(journal: Journal): void {
  for (const entry of journal.files) {
    if (exists(entry.temporary)) {
      removeQuietly(entry.temporary);
      if (entry.backup !== null) removeQuietly(entry.backup);
    } else if (entry.backup !== null) {
      if (exists(entry.backup)) renameSync(entry.backup, entry.target);
    } else removeQuietly(entry.target);
  }
  for (const directory of journal.directories) syncDirectory(directory);
  for (const path of journalPaths(journal)) removeQuietly(path);
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Finishes what a killed run left in `directory`: a committed set is completed, an uncommitted or failed one is
 * undone, and staged files of runs that are no longer alive are deleted. Runs before every write, and is safe to
 * call at any time.
 */
export function recoverInterruptedWrites(directory: string): void {
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return;
  }
  for (const name of names.filter((entry) => JOURNAL.test(entry))) {
    const journal = readJournal(join(directory, name));
    if (journal === undefined || isAlive(Number(STAGED.exec(name)![1]))) continue;
    const copies = journalPaths(journal).map(readJournal);
    if (copies.some((copy) => copy?.state === 'rollback')) rollBack(journal);
    else if (copies.every((copy) => copy !== undefined)) rollForward(journal);
    else discard(journal);
  }
  for (const name of readdirSync(directory)) {
    const match = STAGED.exec(name);
    if (match && !JOURNAL.test(name) && !isAlive(Number(match[1]))) removeQuietly(join(directory, name));
  }
}

/** Creates the directories `path` needs; returns the ones it created, outermost first, so a failure can remove them. */
function makeDirectories(directory: string): string[] {
  const created: string[] = [];
  for (let current = directory; !exists(current); current = dirname(current)) created.unshift(current);
  if (created.length > 0) mkdirSync(directory, { recursive: true });
  return created;
}

/** Checks every target before anything is written: only a regular file (or nothing) may be replaced. */
function checkTargets(targets: readonly string[]): void {
  const seen = new Set<string>();
  for (const target of targets) {
    if (seen.has(target)) throw fileError('two outputs would be written to the same file', target);
    seen.add(target);
    const stats = lstatOrUndefined(target);
    if (stats !== undefined && !stats.isFile()) {
      throw fileError(`refusing to replace ${kindOf(stats)} with an output file (tagwall replaces regular files only)`, target);
    }
    let parent = dirname(target);
    while (!exists(parent)) parent = dirname(parent);
    if (!statSync(parent).isDirectory()) throw fileError(`cannot write output: ${parent} is not a directory`, target);
  }
}

export function writeFilesAtomically(files: readonly OutputFile[]): void {
  if (files.length === 0) return;
  const targets = files.map((file) => resolve(file.path));
  const shown = new Map(targets.map((target, index) => [target, files[index]!.path]));
  try {
    writeResolved(files, targets);
  } catch (error) {
    if (error instanceof TagwallError && error.location?.file !== undefined && shown.has(error.location.file)) {
      throw new TagwallError(error.code, error.message, { location: { file: shown.get(error.location.file)! }, cause: error.cause });
    }
    throw error;
  }
}

/**
 * Eight hex digits that tell this run's staged files from those a killed run with the same pid left. They need not
 * be secret or unguessable: every staged file is opened with `wx` (a name that exists, or a link planted there, is
 * never written through), and a live run's files are told apart by the pid. So Math.random, not node:crypto, whose
 * loading cost a render with -o ~5 ms (issue 22).
 */
function stagingNonce(): string {
  return Math.floor(Math.random() * 0x1_0000_0000).toString(16).padStart(8, '0');
}

function writeResolved(files: readonly OutputFile[], targets: readonly string[]): void {
  checkTargets(targets);
  const directories = [...new Set(targets.map((target) => dirname(target)))];
  for (const directory of directories) recoverInterruptedWrites(directory);

  const id = `${process.pid}-${stagingNonce()}`;
  const entries: JournalEntry[] = targets.map((target, index) => ({
    target,
    temporary: join(dirname(target), `.tagwall-${id}-${index}.tmp`),
    backup: null,
  }));
  const created: string[] = [];
  const staged: string[] = [];
  try {
    for (const directory of directories) created.push(...makeDirectories(directory));
    for (let start = 0; start < files.length; start += FSYNC_BATCH) {
      const open: number[] = [];
      try {
        for (let index = start; index < Math.min(files.length, start + FSYNC_BATCH); index++) {
          const entry = entries[index]!;
          const old = lstatOrUndefined(entry.target);
          staged.push(entry.temporary);
          // Keep the permissions of the file being replaced (a 0600 ruleset stays 0600).
          open.push(openNewFile(entry.temporary, files[index]!.content, old === undefined ? undefined : old.mode & 0o7777));
        }
        for (const fd of open) fsyncSync(fd);
      } finally {
        for (const fd of open) closeSync(fd);
      }
    }
  } catch (error) {
    for (const path of staged) removeQuietly(path);
    for (const directory of created.reverse()) {
      try {
        rmdirSync(directory);
      } catch {
        // Not empty any more (someone else wrote there): leave it.
      }
    }
    throw error instanceof TagwallError ? error : fileError('cannot write output', targets[staged.length - 1] ?? targets[0]!, error);
  }

  if (files.length === 1) {
    const entry = entries[0]!;
    try {
      renameSync(entry.temporary, entry.target);
    } catch (error) {
      removeQuietly(entry.temporary);
      throw fileError('cannot write output', entry.target, error);
    }
    syncDirectory(dirname(entry.target));
    return;
  }
  commitSet(id, directories, entries);
}

/** A hard link to the old file (cheap, same inode); a copy where the file system has no hard links. */
function keepOld(target: string, backup: string): void {
  try {
    linkSync(target, backup);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EMLINK') throw error;
    copyFileSync(target, backup, constants.COPYFILE_EXCL);
  }
}

/** Journals a staged set in every directory it touches, renames it into place, and removes the journal. */
function commitSet(id: string, directories: readonly string[], staged: readonly JournalEntry[]): void {
  let journal: Journal = { version: 1, id, state: 'commit', directories, files: staged };
  try {
    journal = {
      ...journal,
      files: staged.map((entry, index) => {
        if (!exists(entry.target)) return entry;
        const backup = join(dirname(entry.target), `.tagwall-${id}-${index}.old`);
        keepOld(entry.target, backup);
        return { ...entry, backup };
      }),
    };
    for (const directory of directories) writeJournal(directory, journal);
  } catch (error) {
    discard(journal);
    for (const directory of directories) removeQuietly(join(directory, `.tagwall-${id}.journal.tmp`));
    throw fileError('cannot write output', staged[0]!.target, error);
  }
  try {
    rollForward(journal);
  } catch (error) {
    const failed = journal.files.find((entry) => exists(entry.temporary))?.target ?? staged[0]!.target;
    // Mark the set as failed before undoing it, so a run killed during the undo is undone, not completed, next time.
    const failedJournal: Journal = { ...journal, state: 'rollback' };
    for (const directory of directories) {
      try {
        writeJournal(directory, failedJournal);
      } catch {
        // A journal that cannot be rewritten: the undo below still runs now.
      }
    }
    rollBack(failedJournal);
    throw fileError('cannot write output (nothing was changed)', failed, error);
  }
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A file the user named, or TW_FILE saying why it cannot be read (never a raw ENOENT stack). */
export function readInputFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new TagwallError('TW_FILE', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      location: { file },
    });
  }
}

/** How many bytes of standard output are in a regular file at the start, so a failed write can be cut back. */
export function regularFileSize(fd: number): number | undefined {
  try {
    const stats = fstatSync(fd);
    return stats.isFile() ? stats.size : undefined;
  } catch {
    return undefined;
  }
}
