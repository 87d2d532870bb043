/**
 * Snapshot files read and inflated before the CLI's code is loaded (issue 22). The executable (src/cli/bin.ts)
 * starts reading the files a `snapshot diff` or `impact` names, or a `--snapshot`, and inflating them on libuv's
 * threadpool (a file that is not gzip: reading it there), then loads the ~1 MB bundle; by the time the command asks
 * for the first file, its inflation or read has run beside the load instead of after it. The bin and the bundle are
 * separate scripts, so they meet through one global registry, and an entry is taken once: a later load of the same
 * path reads the file again, as it would with no prefetch.
 *
 * Only an optimisation: a prefetch adopts nothing the normal path would not have read the same way. It keeps regular
 * files under the snapshot cap only, inflates gzip ones with the options the loader uses, and anything else (a
 * missing file, a directory, a FIFO, `embedded`, a value that is not a snapshot at all) is left to the loader, which
 * reads it and reports its errors as before.
 */
import { INPUT_LIMITS } from '../internal/input-limits.js';

/**
 * A file read by the executable: a gzip file's bytes (read at once) and its inflation under way (rejecting with
 * zlib's own error); any other file's bytes being read on the threadpool (rejecting with the read's error).
 */
export interface PrefetchedSnapshot {
  /** The gzip file's bytes; undefined for a file that is not gzip (`inflated` is its bytes). */
  readonly bytes: Uint8Array | undefined;
  /** The JSON text: the gzip file's inflation, or the other file's bytes. */
  readonly inflated: Promise<Uint8Array>;
  /** `inflated`'s bytes once its callback has run (undefined while it runs, and after a failure). */
  readonly text?: Uint8Array;
  /** Set by prefetchSnapshotFile's `forSyncLoad`: the CLI waits for it before it runs (prefetchesForSyncLoad). */
  readonly forSyncLoad?: boolean;
}

type Registry = Map<string, PrefetchedSnapshot>;

const REGISTRY = Symbol.for('tagwall.prefetchedSnapshots');

function registry(create: boolean): Registry | undefined {
  const holder = globalThis as { [REGISTRY]?: Registry };
  if (create) holder[REGISTRY] ??= new Map();
  return holder[REGISTRY];
}

/** The prefetch of `path` (the operand exactly as given), removed from the registry; undefined when there is none. */
export function takePrefetchedSnapshot(path: string): PrefetchedSnapshot | undefined {
  const prefetched = registry(false);
  const entry = prefetched?.get(path);
  if (entry) prefetched!.delete(path);
  return entry;
}

/**
 * The prefetched inflation of `path` when it has finished and succeeded, removed from the registry: what
 * `loadSnapshotFile`, which is synchronous, can adopt. Undefined otherwise, and a failed or unfinished prefetch is
 * dropped too: the loader then reads and inflates the file itself, so that a failure is reported exactly as
 * gunzipSync words it.
 */
export function takeInflatedSnapshot(path: string): { readonly bytes: Uint8Array | undefined; readonly text: Uint8Array } | undefined {
  const entry = takePrefetchedSnapshot(path);
  return entry?.text === undefined ? undefined : { bytes: entry.bytes, text: entry.text };
}

/**
 * Settles once every prefetch made `forSyncLoad` has finished inflating, well or not (at once when there is none).
 * The CLI's entry awaits it before it runs the command: a synchronous load cannot wait for the threadpool, and the
 * gunzip's callback, which records the text (takeInflatedSnapshot), runs only when the event loop turns.
 */
export function prefetchesForSyncLoad(): Promise<unknown> | undefined {
  const entries = [...(registry(false)?.values() ?? [])].filter((entry) => entry.forSyncLoad === true);
  return entries.length === 0 ? undefined : Promise.allSettled(entries.map((entry) => entry.inflated));
}

/** fs and zlib as the caller loaded them (the bin passes its own `require`d ones: this module loads nothing). */
export interface PrefetchIo {
  readonly fs: Pick<typeof import('node:fs'), 'statSync' | 'readFileSync' | 'openSync' | 'readSync' | 'closeSync' | 'read'>;
  readonly zlib: Pick<typeof import('node:zlib'), 'gunzip'>;
}

/**
 * Starts reading `path` when it is a regular file under the cap, and inflating it when it is gzip; never throws.
 * `forSyncLoad`: the command loads it synchronously (`--snapshot FILE`), so the CLI waits for the inflation before
 * it runs (prefetchesForSyncLoad).
 */
export function prefetchSnapshotFile(path: string, io: PrefetchIo, forSyncLoad = false): void {
  try {
    if (registry(false)?.has(path)) return;
    // A FIFO or a device (/dev/stdin) would block or be consumed: only regular files are read ahead.
    const stat = io.fs.statSync(path, { throwIfNoEntry: false });
    if (!stat?.isFile() || stat.size > INPUT_LIMITS.snapshotSize) return;
    const entry: { bytes: Uint8Array | undefined; inflated: Promise<Uint8Array>; text?: Uint8Array; forSyncLoad: boolean } = { bytes: undefined, inflated: undefined!, forSyncLoad };
    const settle = (resolve: (text: Uint8Array) => void, reject: (error: unknown) => void) => (error: unknown, result: Uint8Array) => {
      if (error) return reject(error);
      entry.text = result;
      resolve(result);
    };
    const fd = io.fs.openSync(path, 'r');
    let reading = false;
    try {
      const head = new Uint8Array(2);
      if (io.fs.readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b) {
        // Through the descriptor already open (the positional read above left it at the start), not the path again.
        const bytes = io.fs.readFileSync(fd);
        if (bytes.length > INPUT_LIMITS.snapshotSize || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return;
        entry.bytes = bytes;
        entry.inflated = new Promise<Uint8Array>((resolve, reject) => io.zlib.gunzip(bytes, gunzipOptions(bytes), settle(resolve, reject)));
      } else {
        // Microsoft's own download is plain JSON, ~4 MB for Public: ~12 ms of a cold load (its fresh pages), read
        // here on the threadpool. Before, the executable read such a file whole to see it was not gzip, and dropped it.
        entry.inflated = new Promise<Uint8Array>((resolve, reject) => readWhole(io, fd, stat.size, settle(resolve, reject)));
        reading = true;
      }
    } finally {
      if (!reading) io.fs.closeSync(fd);
    }
    // A prefetch the command never takes (a usage error, an `embedded` look-alike) must not end the process.
    entry.inflated.catch(() => undefined);
    registry(true)!.set(path, entry);
  } catch {
    // Unreadable now: the loader reads it again and reports why.
  }
}

/**
 * The `size` bytes of the open file `fd` in one read on the threadpool, then `fd` closed. One request: fs.readFile
 * reads in 512 KiB requests, each sent by the callback of the last, which waits for the main thread, busy loading
 * the bundle. Anything but exactly `size` bytes and then the end (a file that changed since its stat) is an error:
 * the loader then reads the file itself.
 */
function readWhole(io: PrefetchIo, fd: number, size: number, done: (error: unknown, bytes: Uint8Array) => void): void {
  // A Buffer, as readFileSync gives the loader; not zeroed: the read writes every byte, on the threadpool's pages.
  const bytes = Buffer.allocUnsafeSlow(size);
  io.fs.read(fd, bytes, 0, size, 0, (error, read) => {
    let failure: unknown = error;
    try {
      if (!failure && (read !== size || io.fs.readSync(fd, new Uint8Array(1), 0, 1, size) !== 0)) failure = new Error('the file changed while it was read');
    } catch (readError) {
      failure = readError;
    } finally {
      io.fs.closeSync(fd);
    }
    done(failure, bytes);
  });
}

/** The options every snapshot gunzip uses: output capped at the size tagwall reads, one right-sized buffer. */
export function gunzipOptions(gzip: Uint8Array): { maxOutputLength: number; chunkSize: number } {
  return { maxOutputLength: INPUT_LIMITS.snapshotSize, chunkSize: outputChunkSize(gzip) };
}

/**
 * zlib's output buffer for one gunzip: the size the gzip trailer announces (gzipAnnouncedSize), plus one byte so that
 * the single inflate call ends with room to spare. Node's default of 16 KiB made ~260 inflate calls and a copy of all
 * the pieces into one 4 MB buffer for a Public file. The trailer is only a hint: a wrong one costs more calls, not a
 * wrong answer.
 */
function outputChunkSize(gzip: Uint8Array): number {
  return Math.max(16 * 1024, (gzipAnnouncedSize(gzip) ?? 0) + 1);
}

/**
 * deflate's densest output: a byte of input stands for at most 1,032 bytes of text (its longest match, 258 bytes, in
 * a code of two bits; RFC 1951). A trailer announcing more than that per compressed byte is wrong.
 */
const MAX_INFLATE_RATIO = 1032;

/**
 * The size a gzip file's trailer announces for its text (ISIZE: the last 4 bytes, little-endian, the last member's
 * length mod 2^32), when it is possible: undefined for a file too short to hold a header and a trailer, or an ISIZE
 * over the size tagwall reads or over what the compressed bytes can inflate to. Only a hint, for sizing buffers: the
 * trailer may lie, name the last of several members, or have wrapped past 4 GiB; nothing is read by it.
 */
export function gzipAnnouncedSize(gzip: Uint8Array): number | undefined {
  const n = gzip.length;
  if (n < 18) return undefined; // a 10-byte header and an 8-byte trailer
  const announced = (gzip[n - 4]! | (gzip[n - 3]! << 8) | (gzip[n - 2]! << 16) | (gzip[n - 1]! << 24)) >>> 0;
  return announced <= INPUT_LIMITS.snapshotSize && announced <= MAX_INFLATE_RATIO * (n - 18) ? announced : undefined;
}
