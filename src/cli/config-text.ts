/**
 * A config file's text, read under the size cap. Its own module so `catalog compare` reads its Dependencies file
 * without loading operands.ts (the target registry and the config readers) into its chunk (issue 22).
 */
import { INPUT_LIMITS, limitError, MiB } from '../internal/input-limits.js';
import { readInputFile } from './write-files.js';

/** A config file's text; over the cap it is TW_INPUT_LIMIT here, before a 512 MB string would fail to even exist. */
export function readConfigText(file: string): string {
  const bytes = readInputFile(file);
  if (bytes.length > INPUT_LIMITS.configSize) throw limitError(`the file is over the ${INPUT_LIMITS.configSize / MiB} MiB tagwall reads`, { file });
  return bytes.toString('utf8');
}
