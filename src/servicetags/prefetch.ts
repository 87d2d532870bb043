/**
 * Snapshot files read and inflated before the CLI's code is loaded (issue 22). The executable (src/cli/bin.ts)
 * starts reading the files a `snapshot diff` or `impact` names, or a `--snapshot`, on libuv's threadpool, inflates
 * each gzip one there once it is read, then loads the ~1 MB bundle; by the time the command asks for the first file,
 * its inflation or read has run beside the load instead of after it. The bin and the bundle are
 * separate scripts, so they meet through one global registry, and an entry is taken once: a later load of the same
 * path reads the file again, as it would with no prefetch.
 *
 * Only an optimisation: a prefetch adopts nothing the normal path would not have read the same way. It keeps regular
 * files under the snapshot cap only, inflates gzip ones with the zlib calls the loader's gunzipSync makes, and
 * anything else (a missing file, a directory, a FIFO, `embedded`, a value that is not a snapshot at all) is left to
 * the loader, which reads it and reports its errors as before; so is a failed inflation (load.ts adoptInflation).
 */
import { INPUT_LIMITS } from '../internal/input-limits.js';

/**
 * A file read by the executable: a gzip file's bytes and their inflation (rejecting with zlib's own error); any other
 * file's bytes (rejecting with the read's error). Both are read on the threadpool.
 */
export interface PrefetchedSnapshot {
  /** Whether the file is gzip (its first two bytes, read when the prefetch started). */
  readonly gzip: boolean;
  /** The gzip file's bytes once read; undefined while they are read, and for a file that is not gzip. */
  readonly bytes: Uint8Array | undefined;
  /** The JSON text: the gzip file's inflation, or the other file's bytes. */
  readonly inflated: Promise<Uint8Array>;
  /** `inflated`'s bytes once its callback has run (undefined while it runs, and after a failure). */
  readonly text?: Uint8Array;
  /** Set by prefetchSnapshotFiles' `forSyncLoad`: the CLI waits for it before it runs (prefetchesForSyncLoad). */
  readonly forSyncLoad?: boolean;
}

type Registry = Map<string, PrefetchedSnapshot>;

const REGISTRY = Symbol.for('tagwall.prefetchedSnapshots');

function registry(create: boolean): Registry | undefined {
  const holder = globalThis as { [REGISTRY]?: Registry };
  if (create) holder[REGISTRY] ??= new Map();
  return holder[REGISTRY];
}

/**
 * The prefetch of `path` (the operand exactly as given), removed from the registry; undefined when there is none. A
 * gzip file whose bytes are still being read (a library caller that did not wait for prefetchSnapshotFiles' `then`:
 * the executable always does) is dropped too, so the loader reads it itself.
 */
export function takePrefetchedSnapshot(path: string): PrefetchedSnapshot | undefined {
  const prefetched = registry(false);
  const entry = prefetched?.get(path);
  if (entry) prefetched!.delete(path);
  return entry?.gzip === true && entry.bytes === undefined ? undefined : entry;
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

/**
 * fs and zlib as the caller loaded them (the bin passes its own `require`d ones: this module loads nothing); `env`,
 * the process's environment, where the threadpool may be sized (prefetchSnapshotFiles; left out, it is not).
 */
export interface PrefetchIo {
  readonly fs: Pick<typeof import('node:fs'), 'statSync' | 'openSync' | 'readSync' | 'closeSync' | 'read'>;
  readonly zlib: Pick<typeof import('node:zlib'), 'createGunzip' | 'constants'>;
  readonly env?: NodeJS.ProcessEnv;
}

/** Calls `then` once the prefetch's gzip files have been read and their inflations started; at once when none is read. */
export type WhenRead = (then: () => void) => void;

/** A regular file under the cap, open, and whether its first two bytes are gzip's. */
interface OpenFile {
  readonly path: string;
  readonly fd: number;
  readonly size: number;
  readonly gzip: boolean;
}

/**
 * Starts reading each of `paths` that is a regular file under the cap, on the threadpool, and inflating each gzip one
 * there once it is read; never throws. A gzip file's inflation is started by the read's callback, which runs only when
 * the main thread's event loop turns: the executable waits for the reads (the returned WhenRead) before it loads the
 * bundle, and meanwhile loads node:zlib here, so the reads cost the main thread nothing (two Public files: ~3.5 ms of
 * fresh pages and copies that readFileSync made there before) and the first inflation starts sooner.
 *
 * Two gzip files or more, read ahead alone: the threadpool (created by the first request) is made one thread, when the
 * environment does not size it already, so that the first file is inflated alone and first, on the core the main
 * thread leaves, instead of two inflations sharing both cores with the main thread while it loads the bundle; the
 * second file is inflated while the first is scanned. `forSyncLoad`: the command loads the files synchronously
 * (`--snapshot FILE`), so the CLI waits for their inflation before it runs (prefetchesForSyncLoad).
 */
export function prefetchSnapshotFiles(paths: readonly string[], io: PrefetchIo, forSyncLoad = false): WhenRead {
  const files: OpenFile[] = [];
  for (const path of paths) {
    if (registry(false)?.has(path) || files.some((file) => file.path === path)) continue;
    const file = openRegularFile(path, io);
    if (file) files.push(file);
  }
  const gzips = files.filter((file) => file.gzip).length;
  let reading = gzips + 1;
  const waiting: Array<() => void> = [];
  const readOne = (): void => {
    if (--reading === 0) for (const then of waiting.splice(0)) then();
  };
  // Where the environment sizes the threadpool already, it is left as it is.
  const sizing = gzips >= 2 && gzips === files.length && io.env?.UV_THREADPOOL_SIZE === undefined ? io.env : undefined;
  for (const [index, file] of files.entries()) {
    // libuv reads UV_THREADPOOL_SIZE when the first request creates the threadpool: set for that request only, so
    // the command and any process it starts see the environment they were given.
    if (index === 0 && sizing) sizing.UV_THREADPOOL_SIZE = '1';
    try {
      registry(true)!.set(file.path, file.gzip ? readGzip(file, io, forSyncLoad, readOne) : readPlain(file, io, forSyncLoad));
    } finally {
      if (index === 0 && sizing) delete sizing.UV_THREADPOOL_SIZE;
    }
  }
  // node:zlib (with Node's streams, ~3 ms) only when a file is gzip, loaded while the reads run.
  if (gzips > 0) void io.zlib.constants;
  readOne();
  return (then) => (reading === 0 ? then() : void waiting.push(then));
}

/** `path` open when it is a regular file under the cap, with whether it is gzip; undefined (and closed) otherwise. */
function openRegularFile(path: string, io: PrefetchIo): OpenFile | undefined {
  let fd: number | undefined;
  try {
    // A FIFO or a device (/dev/stdin) would block or be consumed: only regular files are read ahead.
    const stat = io.fs.statSync(path, { throwIfNoEntry: false });
    if (!stat?.isFile() || stat.size > INPUT_LIMITS.snapshotSize) return undefined;
    fd = io.fs.openSync(path, 'r');
    const head = new Uint8Array(2);
    const gzip = io.fs.readSync(fd, head, 0, 2, 0) === 2 && isGzipHead(head);
    const file = { path, fd, size: stat.size, gzip };
    fd = undefined;
    return file;
  } catch {
    // Unreadable now: the loader reads it again and reports why.
    return undefined;
  } finally {
    if (fd !== undefined) closeQuietly(io, fd);
  }
}

function isGzipHead(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function closeQuietly(io: PrefetchIo, fd: number): void {
  try {
    io.fs.closeSync(fd);
  } catch {
    // Nothing read from it is kept.
  }
}

/**
 * A gzip file read on the threadpool, then inflated there (gunzipInOneRequest). A failed read, or bytes that are no
 * longer gzip (a file replaced since), drop the entry: the loader reads the file itself and reports what it finds.
 */
function readGzip(file: OpenFile, io: PrefetchIo, forSyncLoad: boolean, read: () => void): PrefetchedSnapshot {
  const entry: { gzip: true; bytes: Uint8Array | undefined; inflated: Promise<Uint8Array>; text?: Uint8Array; forSyncLoad: boolean } = { gzip: true, bytes: undefined, inflated: undefined!, forSyncLoad };
  entry.inflated = new Promise<Uint8Array>((resolve, reject) =>
    readWhole(io, file.fd, file.size, (readError, bytes) => {
      try {
        if (readError || !isGzipHead(bytes)) {
          if (registry(false)?.get(file.path) === entry) registry(false)!.delete(file.path);
          return reject(readError ?? new Error('the file is no longer gzip'));
        }
        entry.bytes = bytes;
        gunzipInOneRequest(io.zlib, bytes, (error, text) => {
          if (error) return reject(error);
          entry.text = text;
          resolve(text);
        });
      } catch (error) {
        reject(error);
      } finally {
        read();
      }
    }),
  );
  // A prefetch the command never takes (a usage error, an `embedded` look-alike) must not end the process.
  entry.inflated.catch(() => undefined);
  return entry;
}

/**
 * Microsoft's own download is plain JSON, ~4 MB for Public: ~12 ms of a cold load (its fresh pages), read here on the
 * threadpool. Before, the executable read such a file whole to see it was not gzip, and dropped it.
 */
function readPlain(file: OpenFile, io: PrefetchIo, forSyncLoad: boolean): PrefetchedSnapshot {
  const entry: { gzip: false; bytes: undefined; inflated: Promise<Uint8Array>; text?: Uint8Array; forSyncLoad: boolean } = { gzip: false, bytes: undefined, inflated: undefined!, forSyncLoad };
  entry.inflated = new Promise<Uint8Array>((resolve, reject) =>
    readWhole(io, file.fd, file.size, (error, bytes) => {
      if (error) return reject(error);
      entry.text = bytes;
      resolve(bytes);
    }),
  );
  entry.inflated.catch(() => undefined);
  return entry;
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
  try {
    io.fs.read(fd, bytes, 0, size, 0, (error, read) => {
      let failure: unknown = error;
      try {
        if (!failure && (read !== size || io.fs.readSync(fd, new Uint8Array(1), 0, 1, size) !== 0)) failure = new Error('the file changed while it was read');
      } catch (readError) {
        failure = readError;
      } finally {
        closeQuietly(io, fd);
      }
      done(failure, bytes);
    });
  } catch (error) {
    closeQuietly(io, fd);
    done(error, bytes);
  }
}

/**
 * gunzipSync's inflation of `gzip` made on the threadpool: the same zlib calls (every one with Z_FINISH, the output in
 * gunzipOptions' chunks), so the same bytes when it succeeds; `done` gets an error whenever gunzipSync would throw (and
 * the loader then inflates the file itself, for gunzipSync's own words). zlib.gunzip ends its stream after the write,
 * and that end is a second request through the threadpool, made when the main thread's event loop turns (the
 * command's first await) and waiting behind every other request; one write with Z_FINISH is one request. Nothing is
 * taken unless the write's callback comes with no error and every byte of output was handed over ('data'), and any
 * output over the size tagwall reads ends it (gunzipSync throws there).
 */
export function gunzipInOneRequest(zlib: PrefetchIo['zlib'], gzip: Uint8Array, done: (error: unknown, text: Uint8Array) => void): void {
  const stream = zlib.createGunzip({ chunkSize: outputChunkSize(gzip), flush: zlib.constants.Z_FINISH });
  const chunks: Buffer[] = [];
  let length = 0;
  let settled = false;
  const settle = (error: unknown, text?: Uint8Array): void => {
    if (settled) return;
    settled = true;
    stream.close();
    done(error, text ?? new Uint8Array(0));
  };
  stream.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    length += chunk.length;
    if (length > INPUT_LIMITS.snapshotSize) settle(new Error('the snapshot decompresses to over the size tagwall reads'));
  });
  stream.on('error', (error) => settle(error));
  // Closed before the write's callback: nothing is known of the output.
  stream.on('close', () => settle(new Error('the gunzip stream closed early')));
  stream.write(gzip, (error) => {
    if (error) return settle(error);
    if (stream.readableLength !== 0) return settle(new Error('output left in the stream'));
    settle(null, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length));
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
