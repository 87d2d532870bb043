/**
 * Writing output files all-or-nothing: every file goes to a temporary name in its own directory first, and only
 * when all are written are they renamed into place (rename is atomic on one file system). A failure part-way
 * removes the temporaries, so an error never leaves half a config behind.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TagwallError } from '../errors.js';

export interface OutputFile {
  readonly path: string;
  readonly content: string | Uint8Array;
}

export function writeFilesAtomically(files: readonly OutputFile[]): void {
  const temporaries: string[] = [];
  try {
    for (const [index, file] of files.entries()) {
      mkdirSync(dirname(file.path), { recursive: true });
      const temporary = join(dirname(file.path), `.tagwall-${process.pid}-${index}.tmp`);
      temporaries.push(temporary);
      writeFileSync(temporary, file.content);
    }
    files.forEach((file, index) => renameSync(temporaries[index]!, file.path));
  } catch (error) {
    for (const temporary of temporaries) rmSync(temporary, { force: true });
    const reason = error instanceof Error ? error.message : String(error);
    throw new TagwallError('TW_FILE', `cannot write output: ${reason}`, { cause: error });
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
