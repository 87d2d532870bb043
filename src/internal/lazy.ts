/**
 * Modules loaded on first use instead of at start-up. A CLI call should pay only for what it uses: on the dev
 * machine `node -e 0` takes ~110 ms, and eager imports would add `tldts` ~20-65 ms, `micromatch` ~30 ms,
 * `node:fs` as an ES module ~2 ms and `node:zlib` 2-2.7 ms to every call, whether it validates a wildcard,
 * matches a glob or reads a snapshot or not.
 *
 * `createRequire` works the same from ESM source, vitest and both tsup builds (`shims: true` provides
 * `import.meta.url` in the CJS bundle), and takes a package's single-file CJS build where its ESM build would
 * load many small files.
 */
import { requireHere } from './require-here.js';

/** `load()` once, on the first call; the same value after. */
export function lazy<T>(load: () => T): () => T {
  let loaded = false;
  let value: T;
  return () => {
    if (!loaded) {
      value = load();
      loaded = true;
    }
    return value;
  };
}

/** A package by name, through CommonJS `require`. */
export function requireModule<T>(id: string): T {
  return requireHere(id) as T;
}

// process.getBuiltinModule (Node >= 20.16) hands over an already-loaded builtin in ~0.05 ms; older 20.x take the
// require path.
function builtin<T>(id: 'node:fs' | 'node:zlib' | 'node:path' | 'node:net' | 'node:crypto'): T {
  const viaProcess = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule?.(id);
  return (viaProcess ?? requireHere(id)) as T;
}

export const nodeFs = lazy(() => builtin<typeof import('node:fs')>('node:fs'));
export const nodeZlib = lazy(() => builtin<typeof import('node:zlib')>('node:zlib'));
export const nodePath = lazy(() => builtin<typeof import('node:path')>('node:path'));
// `net` costs a few ms to load (streams, sockets); host-name checks ask it only about text that may be an address.
export const nodeNet = lazy(() => builtin<typeof import('node:net')>('node:net'));
// `crypto` takes 10-40 ms to require from a script (node -e has it loaded already); only hashed names and box
// digests (--json, baselines) need it, not a check or equiv printed as text.
export const nodeCrypto = lazy(() => builtin<typeof import('node:crypto')>('node:crypto'));
