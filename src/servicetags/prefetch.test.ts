/**
 * The executable's read-ahead (prefetch.ts): the gzip trailer as a size hint (what gzipAnnouncedSize believes of it,
 * and that no trailer, true or false, changes what a gunzip with gunzipOptions gives against Node's defaults); the
 * threadpool's one-request gunzip against gunzipSync on gzip files of every shape; the reads, what is given when
 * they fail, when the bundle may run, and the threadpool sized for two gzip files.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as zlib from 'node:zlib';
import { deflateRawSync, gunzipSync, gzipSync } from 'node:zlib';
import ts from 'typescript';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INPUT_LIMITS } from '../internal/input-limits.js';
import { gunzipInOneRequest, gunzipOptions, gzipAnnouncedSize, prefetchesForSyncLoad, prefetchSnapshotFiles, takeInflatedSnapshot, takePrefetchedSnapshot } from './prefetch.js';
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

/** CRC-32 (ISO-HDLC, gzip's), bit by bit: the reference the hand-made members are stamped with. */
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function le32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value >>> 0);
  return bytes;
}

/** A gzip member written by hand (RFC 1952): the header fields a flag announces, a raw deflate body, the trailer. */
interface Member {
  readonly text: Uint8Array;
  readonly level: number;
  readonly extra?: Uint8Array;
  readonly name?: Uint8Array;
  readonly comment?: Uint8Array;
  readonly headerCrc: boolean;
  /** Flag bits RFC 1952 reserves (zlib refuses a header with any). */
  readonly reserved: number;
}

function memberBytes(member: Member): Buffer {
  const flags = (member.headerCrc ? 2 : 0) | (member.extra ? 4 : 0) | (member.name ? 8 : 0) | (member.comment ? 16 : 0) | member.reserved;
  const parts: Buffer[] = [Buffer.from([0x1f, 0x8b, 8, flags, 0x12, 0x34, 0x56, 0x78, 0, 3])];
  if (member.extra) parts.push(Buffer.from([member.extra.length & 0xff, member.extra.length >> 8]), Buffer.from(member.extra));
  if (member.name) parts.push(Buffer.from(member.name), Buffer.from([0]));
  if (member.comment) parts.push(Buffer.from(member.comment), Buffer.from([0]));
  if (member.headerCrc) parts.push(le32(crc32(Buffer.concat(parts))).subarray(0, 2));
  parts.push(deflateRawSync(member.text, { level: member.level }), le32(crc32(member.text)), le32(member.text.length));
  return Buffer.concat(parts);
}

/** Field text: no NUL (it ends FNAME and FCOMMENT). */
const fieldText = fc.uint8Array({ minLength: 0, maxLength: 40 }).map((bytes) => bytes.map((byte) => byte || 0x41));

const member: fc.Arbitrary<Member> = fc.record({
  text: fc.oneof(text, fc.string({ maxLength: 2000 }).map((string) => Buffer.from(string))),
  level: fc.integer({ min: 0, max: 9 }),
  extra: fc.option(fc.uint8Array({ maxLength: 60 }), { nil: undefined }),
  name: fc.option(fieldText, { nil: undefined }),
  comment: fc.option(fieldText, { nil: undefined }),
  headerCrc: fc.boolean(),
  reserved: fc.oneof({ weight: 9, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(0x20, 0x40, 0x80) }),
});

/** What may follow the last member: nothing, zero padding, garbage, a lone magic byte or two, a header cut short. */
const tail = fc.oneof(
  { weight: 4, arbitrary: fc.constant(new Uint8Array(0)) },
  fc.integer({ min: 1, max: 20 }).map((length) => new Uint8Array(length)),
  fc.uint8Array({ minLength: 1, maxLength: 20 }),
  fc.constantFrom(Uint8Array.of(0x1f), Uint8Array.of(0x1f, 0x8b), Uint8Array.of(0x1f, 0x8b, 8, 0), Uint8Array.of(0, 0x1f, 0x8b)),
);

/** A damage to the file: none, one byte changed, cut short, the CRC or ISIZE of the last member wrong. */
const damage = fc.oneof(
  { weight: 3, arbitrary: fc.constant((bytes: Buffer): Buffer => bytes) },
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })).map(([at, xor]) => (bytes: Buffer): Buffer => {
    const copy = Buffer.from(bytes);
    copy[at % copy.length]! ^= xor;
    return copy;
  }),
  fc.nat().map((at) => (bytes: Buffer): Buffer => bytes.subarray(0, at % bytes.length)),
  fc.constantFrom(8, 4).map((back) => (bytes: Buffer): Buffer => {
    const copy = Buffer.from(bytes);
    copy[copy.length - back]! ^= 1;
    return copy;
  }),
);

/** gunzipInOneRequest's outcome as gunzipOutcome words it (an error as `error`: it is never shown, the loader retries). */
function oneRequestOutcome(gzip: Uint8Array): Promise<string> {
  return new Promise((resolve) =>
    gunzipInOneRequest(zlib, gzip, (error, text) => resolve(error ? 'error' : `ok ${Buffer.from(text).toString('base64')}`)),
  );
}

/** gunzipSync's outcome with the loader's options, an error as `error`. */
function syncOutcome(gzip: Uint8Array): string {
  const outcome = gunzipOutcome(gzip, gunzipOptions(gzip));
  return outcome.startsWith('ok ') ? outcome : 'error';
}

describe('gunzipInOneRequest', () => {
  it("gives gunzipSync's bytes exactly when gunzipSync gives bytes, and fails when it throws", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(member, { minLength: 1, maxLength: 3 }),
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 3, maxLength: 3 }),
        tail,
        damage,
        async (members, padding, after, damaged) => {
          // Members one after the other, some with zero bytes between them (Node skips those, as gzip(1) does).
          const parts = members.flatMap((one, index) => [memberBytes(one), Buffer.alloc(index + 1 < members.length ? padding[index]! : 0)]);
          const gzip = damaged(Buffer.concat([...parts, after]));
          expect(await oneRequestOutcome(gzip)).toBe(syncOutcome(gzip));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('reads the header fields and members right (checked against the texts themselves)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(member.filter((one) => one.reserved === 0), { minLength: 1, maxLength: 3 }), async (members) => {
        const gzip = Buffer.concat(members.map(memberBytes));
        expect(await oneRequestOutcome(gzip)).toBe(`ok ${Buffer.concat(members.map((one) => one.text)).toString('base64')}`);
      }),
      { numRuns: 100 },
    );
  });

  it('gives the Public files, and fails on them cut short, damaged or trailed by garbage as gunzipSync does', async () => {
    const gzip = readFileSync(FIXTURES.public20251028);
    const text = await new Promise<Uint8Array>((resolve, reject) => gunzipInOneRequest(zlib, gzip, (error, out) => (error ? reject(error as Error) : resolve(out))));
    expect(Buffer.isBuffer(text)).toBe(true);
    expect(Buffer.compare(text, gunzipSync(gzip))).toBe(0);
    for (const bad of [gzip.subarray(0, gzip.length - 1), gzip.subarray(0, gzip.length >> 1), Buffer.concat([gzip.subarray(0, 4000), Buffer.alloc(64, 0x55), gzip.subarray(4064)]), Buffer.concat([gzip, Buffer.from('x')])]) {
      expect(await oneRequestOutcome(bad)).toBe(syncOutcome(bad));
    }
  });

  it('fails, as gunzipSync does, past the size tagwall reads', async () => {
    const bomb = gzipSync(Buffer.alloc(INPUT_LIMITS.snapshotSize + 1), { level: 1 });
    expect(syncOutcome(bomb)).toBe('error');
    expect(await oneRequestOutcome(bomb)).toBe('error');
    const full = gzipSync(Buffer.alloc(INPUT_LIMITS.snapshotSize), { level: 1 });
    expect((await oneRequestOutcome(full)).length).toBeGreaterThan(INPUT_LIMITS.snapshotSize);
  });
});

/** prefetchSnapshotFiles, settled when the executable would load the bundle (its gzip reads done). */
function readAhead(paths: readonly string[], io: Parameters<typeof prefetchSnapshotFiles>[1], forSyncLoad = false): Promise<void> {
  return new Promise((resolve) => prefetchSnapshotFiles(paths, io, forSyncLoad)(resolve));
}

/** node:fs with its read (one request) and the end-of-file check changed as `change` says. */
function fsWith(whole: Uint8Array, change: { short?: boolean; grown?: boolean; failed?: boolean; replaced?: boolean }): typeof fs {
  return {
    ...fs,
    read: ((fd: number, buffer: Uint8Array, offset: number, length: number, position: number, callback: (error: Error | null, read: number) => void) => {
      if (change.failed) return callback(new Error('EIO'), 0);
      fs.read(fd, buffer, offset, change.short ? length - 1 : length, position, (error, read) => {
        // Another file in its place by the time it is read: bytes that are not gzip.
        if (change.replaced) buffer[offset] = 0x7b;
        callback(error, read);
      });
    }) as unknown as typeof fs.read,
    readSync: ((fd: number, buffer: Uint8Array, offset: number, length: number, position: number) =>
      change.grown && position === whole.length ? 1 : fs.readSync(fd, buffer, offset, length, position)) as typeof fs.readSync,
  };
}

const CHANGES = [{}, { short: true }, { grown: true }, { failed: true }];

describe('prefetchSnapshotFiles of a file that is not gzip', () => {
  const path = FIXTURES.gov20251028;
  const whole = readFileSync(path);

  it('reads it in one request, and gives it only when it read exactly the stat size and then the end', async () => {
    for (const change of CHANGES) {
      // Nothing to wait for before the bundle: the command waits for the read itself.
      let ready = false;
      prefetchSnapshotFiles([path], { fs: fsWith(whole, change), zlib }, true)(() => (ready = true));
      expect(ready).toBe(true);
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

describe('prefetchSnapshotFiles of gzip files', () => {
  const path = FIXTURES.public20250728;
  const whole = readFileSync(path);

  it('runs the bundle only once the gzip files are read, then gives their bytes and inflation', async () => {
    const paths = [FIXTURES.public20250728, FIXTURES.public20251028];
    const order: string[] = [];
    const whenRead = prefetchSnapshotFiles([...paths, FIXTURES.public20250728], { fs, zlib });
    whenRead(() => order.push('ready'));
    // Not before the reads' callbacks: the loop has to turn.
    expect(order).toEqual([]);
    await new Promise<void>((resolve) => whenRead(resolve));
    expect(order).toEqual(['ready']);
    // Later callers are called at once.
    whenRead(() => order.push('again'));
    expect(order).toEqual(['ready', 'again']);
    for (const one of paths) {
      const taken = takePrefetchedSnapshot(one);
      expect(taken?.gzip).toBe(true);
      expect(Buffer.compare(taken!.bytes!, readFileSync(one))).toBe(0);
      expect(Buffer.compare(await taken!.inflated, gunzipSync(readFileSync(one)))).toBe(0);
    }
    // The same path named twice is read once, and taken once.
    expect(takePrefetchedSnapshot(FIXTURES.public20250728)).toBeUndefined();
  });

  it('gives nothing for a read that failed, was short, found more, or found a file that is no longer gzip', async () => {
    for (const change of [...CHANGES, { replaced: true }]) {
      await readAhead([path], { fs: fsWith(whole, change), zlib }, true);
      await prefetchesForSyncLoad();
      const taken = takePrefetchedSnapshot(path);
      if (Object.keys(change).length === 0) {
        expect(Buffer.compare(taken!.text!, gunzipSync(whole))).toBe(0);
      } else {
        expect(taken, JSON.stringify(change)).toBeUndefined();
      }
    }
  });

  it('drops a gzip file still being read (a library caller that did not wait): the loader reads it itself', async () => {
    const whenRead = prefetchSnapshotFiles([path], { fs, zlib });
    expect(takePrefetchedSnapshot(path)).toBeUndefined();
    await new Promise<void>((resolve) => whenRead(resolve));
    expect(takePrefetchedSnapshot(path)).toBeUndefined();
  });
});

describe.skipIf(process.platform !== 'linux')('the threadpool for two gzip files', () => {
  /** prefetch.ts as plain JavaScript in a bare `node -e`, its one import (the limits) handed over as values. */
  function script(paths: readonly string[]): string {
    const transpile = (file: string): string =>
      ts.transpileModule(readFileSync(fileURLToPath(new URL(file, import.meta.url)), 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    const load = (source: string, imports: string): string =>
      `(() => { const module = { exports: {} }; new Function('exports', 'module', 'require', ${JSON.stringify(source)})(module.exports, module, (id) => id.endsWith('input-limits.js') ? ${imports} : require(id)); return module.exports; })()`;
    // The threads libuv made for the threadpool: the process's threads after the reads less those before.
    return [
      `const fs = require('node:fs'); const threads = () => fs.readdirSync('/proc/self/task').length;`,
      `const prefetch = ${load(transpile('./prefetch.ts'), JSON.stringify({ INPUT_LIMITS }))};`,
      `const before = threads();`,
      `prefetch.prefetchSnapshotFiles(${JSON.stringify(paths)}, { fs, zlib: require('node:zlib'), env: process.env })(() => {`,
      `  fs.writeSync(1, JSON.stringify({ threads: threads() - before, env: process.env.UV_THREADPOOL_SIZE ?? null }));`,
      `});`,
    ].join('\n');
  }

  function run(paths: readonly string[], env: NodeJS.ProcessEnv): { threads: number; env: string | null } {
    const child = spawnSync(process.execPath, ['-e', script(paths)], { encoding: 'utf8', env });
    expect(child.stderr).toBe('');
    return JSON.parse(child.stdout) as { threads: number; env: string | null };
  }

  it('is one thread for two gzip files, unless the environment sizes it; the environment is left as it was', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tagwall-threadpool-'));
    try {
      const plain = join(dir, 'plain.json');
      writeFileSync(plain, '{}');
      const env = { ...process.env };
      delete env.UV_THREADPOOL_SIZE;
      const two = [FIXTURES.public20250728, FIXTURES.public20251028];
      expect(run(two, env)).toEqual({ threads: 1, env: null });
      // libuv's default, 4: one gzip file, or a plain one beside it.
      expect(run([FIXTURES.public20250728], env)).toEqual({ threads: 4, env: null });
      expect(run([FIXTURES.public20250728, plain], env)).toEqual({ threads: 4, env: null });
      expect(run(two, { ...env, UV_THREADPOOL_SIZE: '3' })).toEqual({ threads: 3, env: '3' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
