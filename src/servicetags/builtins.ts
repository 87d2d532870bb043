/**
 * node:fs and node:zlib, loaded on first use. Measured in a fresh Node 20 process here: importing node:fs as an
 * ES module costs ~2 ms (its namespace copies every export, which loads the stream classes) and node:zlib
 * 2-2.7 ms, while `process.getBuiltinModule` hands over the already-loaded fs in 0.05 ms. A CLI call that
 * reads no snapshot pays for neither, and one that does pays only for zlib.
 */
import { createRequire } from 'node:module';

type Fs = typeof import('node:fs');
type Zlib = typeof import('node:zlib');

let fs: Fs | undefined;
let zlib: Zlib | undefined;

// process.getBuiltinModule exists from Node 20.16; older 20.x take the createRequire path.
function builtin<T>(id: 'node:fs' | 'node:zlib'): T {
  const viaProcess = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule?.(id);
  return (viaProcess ?? createRequire(import.meta.url)(id)) as T;
}

export function nodeFs(): Fs {
  fs ??= builtin<Fs>('node:fs');
  return fs;
}

export function nodeZlib(): Zlib {
  zlib ??= builtin<Zlib>('node:zlib');
  return zlib;
}
