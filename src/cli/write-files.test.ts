/**
 * All-or-nothing writes (issue 19 item 4): the directory holds the complete old set or the complete new set, never
 * a mix, never a staged file after an error, and only regular files are ever replaced. The process-level faults
 * (SIGKILL at random points, full file systems, /dev/full, closed pipes) are in test/write-faults.test.ts.
 */
import * as fs from 'node:fs';
import { linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TagwallError } from '../errors.js';

// renameSync is made to fail on demand (the one fault a staged set cannot check for in advance), and every call
// that changes the file system can be made the last one, as if the process were killed just before the next.
const failures = vi.hoisted(() => ({ renameCall: -1, calls: 0, crashAfter: Number.POSITIVE_INFINITY, steps: 0 }));
vi.mock('node:fs', async (original) => {
  const real = await original<typeof import('node:fs')>();
  const CHANGES = ['openSync', 'writeSync', 'fsyncSync', 'linkSync', 'copyFileSync', 'unlinkSync', 'mkdirSync', 'rmdirSync'] as const;
  const killable = <F extends (...args: never[]) => unknown>(fn: F): F =>
    ((...args: Parameters<F>) => {
      if (failures.steps++ >= failures.crashAfter) throw Object.assign(new Error('killed'), { code: 'EKILLED' });
      return fn(...args);
    }) as F;
  const wrapped = Object.fromEntries(CHANGES.map((name) => [name, killable(real[name] as (...args: never[]) => unknown)]));
  return {
    ...real,
    ...wrapped,
    renameSync: killable((from: fs.PathLike, to: fs.PathLike) => {
      if (failures.calls++ === failures.renameCall) throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
      real.renameSync(from, to);
    }),
  };
});
const { recoverInterruptedWrites, writeFilesAtomically } = await import('./write-files.js');

const scratch = (): string => mkdtempSync(join(tmpdir(), 'tagwall-writes-'));
const listing = (dir: string): string[] => readdirSync(dir, { recursive: true }).map(String).sort();
const OLD = { 'rules.v4': 'old 4\n', 'rules.v6': 'old 6\n', 'edl/a.txt': 'old a\n' };
const NEW = { 'rules.v4': 'new 4\n', 'rules.v6': 'new 6\n', 'edl/a.txt': 'new a\n' };
const filesOf = (dir: string, set: Record<string, string>) => Object.entries(set).map(([name, content]) => ({ path: join(dir, name), content }));
const contentOf = (dir: string, set: Record<string, string>) => Object.fromEntries(Object.keys(set).map((name) => [name, readFileSync(join(dir, name), 'utf8')]));

afterEach(() => {
  failures.renameCall = -1;
  failures.calls = 0;
  failures.crashAfter = Number.POSITIVE_INFINITY;
});

/** Runs `write` as a process with another pid that dies after `steps` changes to the file system. */
function killedAfter(steps: number, write: () => void, as = 4_194_303): void {
  const pid = process.pid;
  Object.defineProperty(process, 'pid', { value: as, configurable: true, writable: true });
  failures.steps = 0;
  failures.crashAfter = steps;
  try {
    write();
  } catch {
    // The "killed" process stops here; nothing after the crash point ran.
  } finally {
    failures.crashAfter = Number.POSITIVE_INFINITY;
    Object.defineProperty(process, 'pid', { value: pid, configurable: true, writable: true });
  }
}

describe('writeFilesAtomically', () => {
  it('writes a set across directories and leaves nothing staged', () => {
    const dir = scratch();
    writeFilesAtomically(filesOf(dir, OLD));
    writeFilesAtomically(filesOf(dir, NEW));
    expect(contentOf(dir, NEW)).toEqual(NEW);
    expect(listing(dir)).toEqual(['edl', 'edl/a.txt', 'rules.v4', 'rules.v6']);
  });

  it.each([0, 1, 2])('rolls the whole set back when rename %i of 3 fails, and says so', (call) => {
    const dir = scratch();
    writeFilesAtomically(filesOf(dir, OLD));
    failures.calls = 0;
    failures.renameCall = call + 2; // the journal's own rename in each of the two directories comes first
    const error = (() => {
      try {
        writeFilesAtomically(filesOf(dir, NEW));
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(TagwallError);
    expect((error as TagwallError).code).toBe('TW_FILE');
    expect((error as TagwallError).message).toMatch(/nothing was changed.*EIO/);
    expect(contentOf(dir, OLD)).toEqual(OLD);
    expect(listing(dir)).toEqual(['edl', 'edl/a.txt', 'rules.v4', 'rules.v6']);
  });

  it('keeps the old set and no staged file when a new file cannot be created, and removes directories it made', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'keep'), 'x');
    mkdirSync(join(dir, 'blocker'));
    writeFileSync(join(dir, 'blocker', 'x'), 'in the way');
    // `sub/deeper/` is created, then the second file cannot be staged under `keep`, which is a file.
    expect(() => writeFilesAtomically([{ path: join(dir, 'sub', 'deeper', 'a'), content: 'a' }, { path: join(dir, 'keep', 'b'), content: 'b' }])).toThrow(/not a directory/);
    expect(listing(dir)).toEqual(['blocker', 'blocker/x', 'keep']);
  });

  it('refuses to replace a symbolic link, a directory or a device, before writing anything', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'real'), 'real');
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    mkdirSync(join(dir, 'folder'));
    for (const [target, kind] of [['link', 'a symbolic link'], ['folder', 'a directory']] as const) {
      expect(() => writeFilesAtomically([{ path: join(dir, 'new'), content: 'n' }, { path: join(dir, target), content: 'x' }])).toThrow(`refusing to replace ${kind}`);
    }
    expect(() => writeFilesAtomically([{ path: '/dev/null', content: 'x' }])).toThrow('refusing to replace a device');
    expect(readFileSync(join(dir, 'real'), 'utf8')).toBe('real');
    expect(lstatSync(join(dir, 'link')).isSymbolicLink()).toBe(true);
    expect(listing(dir)).toEqual(['folder', 'link', 'real']);
  });

  it('keeps the permissions of the file it replaces', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'secret'), 'old', { mode: 0o600 });
    writeFilesAtomically([{ path: join(dir, 'secret'), content: 'new' }]);
    expect(lstatSync(join(dir, 'secret')).mode & 0o777).toBe(0o600);
  });

  it('after a kill at every step of a multi-file write, the next write finds the complete old or the complete new set', () => {
    failures.steps = 0;
    writeFilesAtomically(filesOf(scratch(), NEW));
    const total = failures.steps;
    expect(total).toBeGreaterThan(20);
    const seen = new Set<string>();
    for (let steps = 0; steps <= total; steps++) {
      const dir = scratch();
      writeFilesAtomically(filesOf(dir, OLD));
      killedAfter(steps, () => writeFilesAtomically(filesOf(dir, NEW)));
      // The next run's write into the directories (here: unrelated files) recovers first.
      writeFilesAtomically([{ path: join(dir, 'next.txt'), content: 'next' }, { path: join(dir, 'edl', 'next.txt'), content: 'next' }]);
      const state = JSON.stringify(contentOf(dir, OLD)) === JSON.stringify(OLD) ? 'old' : JSON.stringify(contentOf(dir, NEW)) === JSON.stringify(NEW) ? 'new' : 'mixed';
      expect(state, `killed after ${steps} of ${total} steps: ${JSON.stringify(contentOf(dir, OLD))}`).not.toBe('mixed');
      expect(listing(dir), `killed after ${steps} steps`).toEqual(['edl', 'edl/a.txt', 'edl/next.txt', 'next.txt', 'rules.v4', 'rules.v6']);
      seen.add(state);
    }
    expect([...seen].sort()).toEqual(['new', 'old']);
  });

  it('a run killed while it recovers from a killed run is recovered by the next one', () => {
    const next = (dir: string) => [{ path: join(dir, 'next.txt'), content: 'next' }, { path: join(dir, 'edl', 'next.txt'), content: 'next' }];
    let interrupted = 0;
    for (let first = 0; first <= 31; first += 3) {
      for (let second = 0; second <= 12; second += 4) {
        const dir = scratch();
        writeFilesAtomically(filesOf(dir, OLD));
        killedAfter(first, () => writeFilesAtomically(filesOf(dir, NEW)));
        const journalled = listing(dir).some((name) => name.endsWith('.journal'));
        killedAfter(second, () => writeFilesAtomically(next(dir)), 4_194_301);
        if (journalled && listing(dir).some((name) => name.endsWith('.journal'))) interrupted++;
        writeFilesAtomically(next(dir));
        const old = JSON.stringify(contentOf(dir, OLD)) === JSON.stringify(OLD);
        const complete = JSON.stringify(contentOf(dir, NEW)) === JSON.stringify(NEW);
        expect(old || complete, `killed after ${first}, recovery killed after ${second}: ${JSON.stringify(contentOf(dir, OLD))}`).toBe(true);
        expect(listing(dir).filter((name) => name.includes('.tagwall-'))).toEqual([]);
      }
    }
    // Some recoveries must really have been cut short with a journal still there, or this proves nothing.
    expect(interrupted).toBeGreaterThan(0);
  });

  it('completes a committed set and discards an uncommitted one a killed run left behind', () => {
    const dir = scratch();
    writeFilesAtomically(filesOf(dir, OLD));
    // A run (pid 2^22+1, not alive) killed after its journal was written and one rename was done.
    const dead = 4_194_305;
    const id = `${dead}-0badc0de`;
    const names = Object.keys(NEW);
    const entries = names.map((name, index) => ({ target: join(dir, name), temporary: join(dir, name.includes('/') ? 'edl' : '', `.tagwall-${id}-${index}.tmp`), backup: join(dir, name.includes('/') ? 'edl' : '', `.tagwall-${id}-${index}.old`) }));
    entries.forEach((entry, index) => {
      writeFileSync(entry.temporary, NEW[names[index] as keyof typeof NEW]);
      linkSync(entry.target, entry.backup);
    });
    fs.renameSync(entries[0]!.temporary, entries[0]!.target);
    const journal = JSON.stringify({ version: 1, id, state: 'commit', directories: [dir, join(dir, 'edl')], files: entries });
    writeFileSync(join(dir, `.tagwall-${id}.journal`), journal);
    writeFileSync(join(dir, 'edl', `.tagwall-${id}.journal`), journal);
    recoverInterruptedWrites(join(dir, 'edl'));
    expect(contentOf(dir, NEW)).toEqual(NEW);
    expect(listing(dir)).toEqual(['edl', 'edl/a.txt', 'rules.v4', 'rules.v6']);

    // The same run killed before its last journal copy was written: nothing was renamed, so nothing changes.
    const other = `${dead}-0ddba11`;
    writeFileSync(join(dir, `.tagwall-${other}-0.tmp`), 'half');
    writeFileSync(join(dir, `.tagwall-${other}.journal`), JSON.stringify({ version: 1, id: other, state: 'commit', directories: [dir, join(dir, 'edl')], files: [{ target: join(dir, 'rules.v4'), temporary: join(dir, `.tagwall-${other}-0.tmp`), backup: null }] }));
    writeFileSync(join(dir, 'edl', `.tagwall-${other}-1.tmp`), 'orphan');
    writeFilesAtomically([{ path: join(dir, 'unrelated'), content: 'u' }, { path: join(dir, 'edl', 'b.txt'), content: 'b' }]);
    expect(contentOf(dir, NEW)).toEqual(NEW);
    expect(listing(dir)).toEqual(['edl', 'edl/a.txt', 'edl/b.txt', 'rules.v4', 'rules.v6', 'unrelated']);
  });
});
