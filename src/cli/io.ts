/**
 * How the CLI talks: where output goes, how errors print, and the exit codes of DESIGN.md.
 * Commands write through `CliIo` so tests can run them in-process and read what they printed.
 */
import { ftruncateSync, writeSync } from 'node:fs';
import { TagwallError } from '../errors.js';
import { terminalText } from '../text/terminal.js';
import { regularFileSize, writeFilesAtomically } from './write-files.js';
import type { TextStyle } from './answers.js';
import { processStyle } from './terminal-style.js';
import { fitTable } from './table-fit.js';
import { textOf, writeUtf8, type OutputText, type TextPieces } from './utf8-pieces.js';

export const EXIT_OK = 0;
/** A difference was found (`snapshot diff`, later `check` / `equiv`). */
export const EXIT_DIFFERENT = 1;
/** Bad input: a TagwallError. */
export const EXIT_BAD_INPUT = 2;
/** A bug in tagwall: anything that is not a TagwallError (EX_SOFTWARE from sysexits.h). */
export const EXIT_INTERNAL = 70;

export interface CliIo {
  readonly stdout: (text: string) => void;
  /** Text in pieces (a long JSON answer); left out: the pieces are joined and given to `stdout`. */
  readonly stdoutPieces?: (text: TextPieces) => void;
  readonly stderr: (text: string) => void;
  /** Colour and width of standard output (src/cli/terminal-style.ts); left out: plain, whole lines. */
  readonly style?: () => TextStyle;
}

/** How errors of standard output are located: `tagwall: <stdout>: ENOSPC: no space left on device`. */
export const STDOUT_LABEL = '<stdout>';

const pause = new Int32Array(new SharedArrayBuffer(4));
/** The size standard output had before this run wrote to it, when it is a regular file; `null` until measured. */
let stdoutStart: number | undefined | null = null;

/**
 * Standard output written synchronously, so a failure is seen where it happens: EPIPE (the reader went away),
 * ENOSPC (a full file system), EIO become TW_FILE at `<stdout>` and exit 2, never a truncated file with exit 0 or an
 * unhandled stream error (issue 19). When standard output is a regular file, what this run wrote is cut off again,
 * so a failed run leaves no partial config behind. A non-blocking pipe (EAGAIN) is waited on.
 */
export function writeStdout(text: OutputText): void {
  if (stdoutStart === null) stdoutStart = regularFileSize(1);
  writeUtf8(text, writeAllToStdout);
}

function writeAllToStdout(bytes: Uint8Array): void {
  for (let offset = 0; offset < bytes.length; ) {
    try {
      offset += writeSync(1, bytes, offset, bytes.length - offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(pause, 0, 0, 5);
        continue;
      }
      if (typeof stdoutStart === 'number') {
        try {
          ftruncateSync(1, stdoutStart);
        } catch {
          // Cannot cut it back (not ours to truncate): the exit code still says the output is incomplete.
        }
      }
      const reason = code === 'ENOSPC' ? 'ENOSPC: no space left on device' : code === 'EPIPE' ? 'EPIPE: the reader closed the pipe' : `${code ?? ''}${code ? ': ' : ''}${(error as Error).message.replace(/^[A-Z]+: /, '')}`;
      throw new TagwallError('TW_FILE', `cannot write the output: ${reason}`, { location: { file: STDOUT_LABEL }, cause: error });
    }
  }
}

/**
 * Standard error written synchronously as well, through the file descriptor: `process.stderr` on a pipe (as scripts,
 * CI and the bench run tagwall) is a net.Socket, and its first use loads Node's net and stream modules (~28 internal
 * modules) in every render that prints a diagnostic (issue 22). Anything but EAGAIN (a full pipe, waited on) leaves
 * the rest to `process.stderr`, which reports a failure as it always did.
 */
export function writeStderr(text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let offset = 0; offset < bytes.length; ) {
    try {
      offset += writeSync(2, bytes, offset, bytes.length - offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
        Atomics.wait(pause, 0, 0, 5);
        continue;
      }
      process.stderr.write(bytes.subarray(offset));
      return;
    }
  }
}

export const processIo: CliIo = {
  stdout: writeStdout,
  stdoutPieces: writeStdout,
  style: processStyle,
  // Diagnostics and error messages quote user input: no terminal escape sequence gets through (text/terminal.ts).
  stderr: (text) => writeStderr(terminalText(text)),
};

/** Options every command understands. */
export interface GlobalOptions {
  readonly json?: boolean;
}

/**
 * Stable JSON: two-space indent and a final newline, so output diffs cleanly and is byte-identical run to run. A
 * bigint is written as its decimal string. JSON.stringify without a replacer first: a replacer is a call per value,
 * and per array element a key string made for it, which a `diff --json` listing ~600k CIDRs paid for (3,731 ->
 * 3,423 M instructions, callgrind; issue 22). A bigint makes it throw, and then the replacer's pass writes what it
 * always wrote (anything else that throws, a cycle, throws again there as it did).
 */
export function toJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, undefined, 2);
  } catch {
    text = JSON.stringify(value, bigintAsString, 2);
  }
  return `${text}\n`;
}

/** toJson's replacer, for the passes that need one (json-pieces.ts too). */
export function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** A command's output: to standard output, or to the file `--output` names (written atomically). */
export function writeOutput(io: CliIo, text: OutputText, output: string | undefined): void {
  if (output !== undefined) writeFilesAtomically([{ path: output, content: text }]);
  else if (typeof text === 'string') io.stdout(text);
  else writePieces(io, text);
}

/** Text in pieces to `io`'s standard output: as pieces where it takes them, else joined. */
export function writePieces(io: CliIo, text: TextPieces): void {
  if (io.stdoutPieces) io.stdoutPieces(text);
  else io.stdout(textOf(text));
}

/** Prints a bad-input error the one way DESIGN.md fixes: `tagwall: <where>: <what>` or its JSON form. */
export function reportError(io: CliIo, error: TagwallError, json: boolean): number {
  // A failure of standard output itself is said on standard error, even with --json.
  if (json && error.location?.file !== STDOUT_LABEL) {
    try {
      io.stdout(toJson({ error: error.toJSON() }));
      return EXIT_BAD_INPUT;
    } catch {
      // Standard output failed while reporting: fall through to stderr.
    }
  }
  io.stderr(`tagwall: ${error.describe()}\n`);
  return EXIT_BAD_INPUT;
}

/** Anything else is a bug: say so plainly and keep the stack, which is what a bug report needs. */
export function reportBug(io: CliIo, error: unknown): number {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr(`tagwall: internal error (this is a bug in tagwall; please report it):\n${detail}\n`);
  return EXIT_INTERNAL;
}

/** Commander's argument parser for a repeatable option: every value, in order. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function usageError(message: string): TagwallError {
  return new TagwallError('TW_USAGE', message);
}

/**
 * Left-aligned text columns; the last column is not padded. With `width` (a terminal's columns) the widest columns
 * are narrowed until the table fits and their cells wrap onto continuation lines; without it (a pipe, a file) every
 * row stays on one line for scripts.
 */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, width?: number): string {
  if (width !== undefined) return fitTable(header, rows, width);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** One CSV field, quoted when it needs to be (RFC 4180). */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
