/**
 * The gzip trailer as a size hint (prefetch.ts): what gzipAnnouncedSize believes of it, and that no trailer, true or
 * false, changes what a gunzip with gunzipOptions gives (the bytes, or zlib's error) against one with Node's defaults.
 */
import * as fs from 'node:fs';
import { readFileSync } from 'node:fs';
import * as zlib from 'node:zlib';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INPUT_LIMITS } from '../internal/input-limits.js';
import { gunzipOptions, gzipAnnouncedSize, prefetchesForSyncLoad, prefetchSnapshotFile, takeInflatedSnapshot } from './prefetch.js';
import { FIXTURES } from './test-fixtures.js';

/** `gzip` with its last four bytes (ISIZE) replaced by `size`. */
function withTrailer(gzip: Uint8Array, size: number): Buffer {
  const copy = Buffer.from(gzip);
  copy.writeUInt32LE(size >>> 0, copy.length - 4);
  return copy;
}

/** The gunzip's bytes or zlib's error message, as text to compare. */
function gunzipOutcome(gzip: Uint8Array, options: object): string {
  try {
    return `ok ${Buffer.from(gunzipSync(gzip, options)).toString('base64')}`;
  } catch (error) {
    return `error ${(error as NodeJS.ErrnoException).code} ${(error as Error).message}`;
  }
}

const text = fc.uint8Array({ maxLength: 3000 }).chain((random) =>
  // Random bytes barely compress; runs of one byte compress ~1000:1, near deflate's limit.
  fc.oneof(fc.constant(random), fc.integer({ min: 0, max: 200_000 }).map((length) => new Uint8Array(length).fill(0x41))),
);

describe('gzipAnnouncedSize', () => {
  it('is the text size of a one-member file', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 9 }), (bytes, level) => {
        expect(gzipAnnouncedSize(gzipSync(bytes, { level }))).toBe(bytes.length);
      }),
      { numRuns: 60 },
    );
    const fixture = readFileSync(FIXTURES.public20251028);
    expect(gzipAnnouncedSize(fixture)).toBe(gunzipSync(fixture).length);
  });

  it('is the last member size of a file of several (the hint the trailer gives; Node inflates them all)', () => {
    fc.assert(
      fc.property(fc.array(text, { minLength: 2, maxLength: 3 }), (parts) => {
        const gzip = Buffer.concat(parts.map((part) => gzipSync(part)));
        expect(gzipAnnouncedSize(gzip)).toBe(parts.at(-1)!.length);
        expect(Buffer.from(gunzipSync(gzip, gunzipOptions(gzip))).equals(Buffer.concat(parts))).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it('believes no size deflate cannot reach from the bytes there, nor one over the size tagwall reads', () => {
    const small = gzipSync(Buffer.from('{"changeNumber": 1, "cloud": "Public", "values": []}'));
    const limit = 1032 * (small.length - 18);
    expect(gzipAnnouncedSize(withTrailer(small, limit))).toBe(limit);
    expect(gzipAnnouncedSize(withTrailer(small, limit + 1))).toBeUndefined();
    expect(gzipAnnouncedSize(withTrailer(small, 0xffffffff))).toBeUndefined();
    const large = Buffer.alloc(INPUT_LIMITS.snapshotSize / 1000); // enough bytes for the cap to be the bound
    expect(gzipAnnouncedSize(withTrailer(large, INPUT_LIMITS.snapshotSize))).toBe(INPUT_LIMITS.snapshotSize);
    expect(gzipAnnouncedSize(withTrailer(large, INPUT_LIMITS.snapshotSize + 1))).toBeUndefined();
    // Shorter than a header and a trailer: nothing to read.
    for (let n = 0; n < 18; n++) expect(gzipAnnouncedSize(new Uint8Array(n).fill(0x10))).toBeUndefined();
    expect(gzipAnnouncedSize(new Uint8Array(18))).toBe(0);
  });
});

describe('gunzipOptions', () => {
  it('gives what Node gives with its defaults, whatever the trailer says', () => {
    fc.assert(
      fc.property(
        text,
        fc.oneof(fc.nat(), fc.constant(0), fc.constant(0xffffffff), fc.integer({ min: 0, max: 4 * 1024 * 1024 })),
        fc.boolean(),
        (bytes, trailer, lie) => {
          const honest = gzipSync(bytes);
          const gzip = lie ? withTrailer(honest, trailer) : honest;
          const announced = gzipAnnouncedSize(gzip);
          expect(gunzipOptions(gzip).chunkSize).toBe(Math.max(16 * 1024, (announced ?? 0) + 1));
          expect(gunzipOutcome(gzip, gunzipOptions(gzip))).toBe(gunzipOutcome(gzip, { maxOutputLength: INPUT_LIMITS.snapshotSize }));
        },
      ),
      { numRuns: 80 },
    );
  });

  it('gives one buffer the size of the text for an honest trailer, 16 KiB pieces for an implausible one', () => {
    const fixture = readFileSync(FIXTURES.public20250728);
    expect(gunzipOptions(fixture).chunkSize).toBe(gunzipSync(fixture).length + 1);
    expect(gunzipOptions(withTrailer(fixture, 0xfffffff0)).chunkSize).toBe(16 * 1024);
  });
});

describe('prefetchSnapshotFile of a file that is not gzip', () => {
  const path = FIXTURES.gov20251028;
  const whole = readFileSync(path);

  /** node:fs with its read (one request) and the end-of-file check changed as `change` says. */
  function fsWith(change: { short?: boolean; grown?: boolean; failed?: boolean }): typeof fs {
    return {
      ...fs,
      read: ((fd: number, buffer: Uint8Array, offset: number, length: number, position: number, callback: (error: Error | null, read: number) => void) => {
        if (change.failed) return callback(new Error('EIO'), 0);
        fs.read(fd, buffer, offset, change.short ? length - 1 : length, position, (error, read) => callback(error, read));
      }) as unknown as typeof fs.read,
      readSync: ((fd: number, buffer: Uint8Array, offset: number, length: number, position: number) =>
        change.grown && position === whole.length ? 1 : fs.readSync(fd, buffer, offset, length, position)) as typeof fs.readSync,
    };
  }

  it('reads it in one request, and gives it only when it read exactly the stat size and then the end', async () => {
    for (const change of [{}, { short: true }, { grown: true }, { failed: true }]) {
      prefetchSnapshotFile(path, { fs: fsWith(change), zlib }, true);
      await prefetchesForSyncLoad();
      const taken = takeInflatedSnapshot(path);
      if (Object.keys(change).length === 0) {
        expect(taken?.bytes).toBeUndefined();
        expect(Buffer.isBuffer(taken?.text)).toBe(true);
        expect(Buffer.compare(taken!.text, whole)).toBe(0);
      } else {
        expect(taken, JSON.stringify(change)).toBeUndefined();
      }
    }
  });
});
