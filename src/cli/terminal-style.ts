/**
 * How text output looks on the reader's terminal (issue 21): colour only on a terminal, never in a pipe or a file,
 * and lines fitted to its width. Conventions followed: NO_COLOR (https://no-color.org: any non-empty value turns
 * colour off), FORCE_COLOR (as Node and chalk read it: set and not `0`/`false` turns colour on, even in a pipe),
 * TERM=dumb (no escapes). Width: the terminal's columns; COLUMNS when set; no limit when standard output is not a
 * terminal, so a pipe or a file gets whole lines.
 */
import { fstatSync, statSync } from 'node:fs';
import type { TextStyle } from './answers.js';

export interface StreamFacts {
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export function textStyle(env: NodeJS.ProcessEnv, stream: StreamFacts): TextStyle {
  const force = env['FORCE_COLOR'];
  const forced = force !== undefined && force !== '0' && force.toLowerCase() !== 'false';
  const color = env['NO_COLOR'] ? false : forced || (stream.isTTY === true && env['TERM'] !== 'dumb');
  const columns = Number(env['COLUMNS']);
  const width = stream.isTTY ? (Number.isInteger(columns) && columns > 0 ? columns : stream.columns) : undefined;
  return { color, ...(width && width >= 40 ? { width } : {}) };
}

/**
 * The style of this process's standard output. A terminal is a character device: standard output that is not one
 * (a pipe, as scripts, CI and the bench run tagwall, or a file) is no terminal, and `process.stdout` is not made to
 * learn it: on a pipe it is a net.Socket, and making it loads Node's net and stream modules (~5 ms, issue 22).
 */
export function processStyle(): TextStyle {
  return textStyle(process.env, mayBeTerminal(1) ? process.stdout : NOT_A_TERMINAL);
}

const NOT_A_TERMINAL: StreamFacts = { isTTY: false };

/** False only when `fd` is certainly no terminal (it is open and not a character device, or it is the null device). */
function mayBeTerminal(fd: number): boolean {
  try {
    const stat = fstatSync(fd);
    return stat.isCharacterDevice() && !isNullDevice(stat.rdev);
  } catch {
    return true; // Closed or unreadable: left to process.stdout, as before.
  }
}

/**
 * Is the character device `rdev` /dev/null, which is no terminal? Output thrown away (`>/dev/null`, as benchmarks run
 * tagwall) made `process.stdout` only to learn that: a SyncWriteStream, which loads Node's stream modules (~2.5 M
 * instructions of a cold `catalog show`, issue 22). Any node of the null device has its device number.
 */
function isNullDevice(rdev: number): boolean {
  if (process.platform === 'win32') return false;
  try {
    return statSync('/dev/null').rdev === rdev;
  } catch {
    return false;
  }
}
