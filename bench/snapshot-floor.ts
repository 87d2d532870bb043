/**
 * The floor under `snapshot diff` and `impact` of two gzipped snapshots: a plain Node program that starts, reads
 * the two files and inflates them, and does nothing else. The snapshot-diff bench sets the CLI against it, and the
 * cli-startup bench prints it as a ratio to `node -e 0` beside those two commands, so a reader sees how much of
 * the 2.5x goal the file reads alone take.
 *
 * Two programs (issue 22, round 24):
 * - FASTEST, the floor: both files inflated at once on libuv's threadpool, each into one output chunk sized from
 *   its gzip trailer (ISIZE), as the CLI's own read-ahead does (src/servicetags/prefetch.ts). Of the plain
 *   programs measured (docs/performance.md, round 24: gunzipSync sized or not, gunzip in parallel sized or not, one
 *   on the threadpool beside one gunzipSync, reads on the threadpool too) it was the fastest or within noise of it.
 * - SYNC_16K, the floor this bench printed before: `gunzipSync` with Node's default 16 KiB chunks, one file after
 *   the other (~260 inflate calls and a copy of the pieces a Public file): ~40 ms above FASTEST, kept as a line so
 *   that older figures can be read against it.
 * Each prints the byte length of every text it inflated, one a line, which the benches check (expectedLengths).
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/**
 * A `node -e` program that inflates the files named after it side by side on the threadpool and prints their lengths
 * in argument order; `eachText`, if given, is a statement run on each inflated `text` (a Buffer) as it arrives.
 */
export function inflatingProgram(eachText = ''): string {
  return `
const { readFileSync } = require('node:fs'); const { gunzip } = require('node:zlib');
const files = process.argv.slice(1); const lengths = [];
let left = files.length;
files.forEach((file, i) => {
  const gz = readFileSync(file);
  gunzip(gz, { chunkSize: gz.readUInt32LE(gz.length - 4) + 1 }, (error, text) => {
    if (error) throw error;
    ${eachText}
    lengths[i] = text.length;
    if (--left === 0) console.log(lengths.join('\\n'));
  });
});
`;
}

/** Two (or more) files named after `-e PROGRAM`, inflated side by side on the threadpool; lengths in argument order. */
export const FASTEST = inflatingProgram();

/** gunzipSync's defaults, one file after the other: the bench's floor up to round 23. */
export const SYNC_16K = `
const { readFileSync } = require('node:fs'); const { gunzipSync } = require('node:zlib');
console.log(process.argv.slice(1).map((file) => gunzipSync(readFileSync(file)).length).join('\\n'));
`;

/** What FASTEST and SYNC_16K print for `files`: each text's length, one a line. */
export function expectedLengths(files: readonly string[]): string {
  return `${files.map((file) => gunzipSync(readFileSync(file)).length).join('\n')}\n`;
}
