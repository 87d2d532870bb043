/**
 * IntervalSet's union, intersection and difference of long one-word and four-word sets by interval-kernels.wat:
 * both sets' bounds are copied into the module's memory (TypedArray.set, a block copy), merged there, and the
 * result copied out; whether two long sets share a value (IntervalSet.overlaps); the count of a long set's CIDR
 * blocks (ip.ts cidrBlocksOf) and the blocks themselves (cidr-text.ts CidrBlocks.of); and the check that stored
 * bounds are canonical (IntervalSet.fromCanonicalBounds).
 * Shorter sets, and any where WebAssembly cannot run, stay with intervals.ts's own loops.
 *
 * Why (issue 22): a cold command runs those loops in V8's interpreter and baseline tiers, where each element load of
 * a Uint32Array is a call, ~25-45 ns a word; the module runs from its first call at a few ns a word. On the scenario's
 * nft file these merges were ~3 ms of a cold `check` and ~7 ms of a cold `path` (calls of 256 words or more).
 */
import { type ExportedMemory, LazyWebAssembly } from '../internal/webassembly.js';
import { INTERVAL_KERNELS_WASM } from './interval-kernels-wasm.js';

type Kernel = (pa: number, na: number, pb: number, nb: number, po: number) => number;
/** A question of two sets (their byte offsets and lengths in words): the answer as a number. */
type Scan2 = (pa: number, na: number, pb: number, nb: number) => number;

/** interval-kernels.wat's exports. */
interface IntervalKernelExports {
  readonly memory: ExportedMemory;
  readonly union1: Kernel;
  readonly intersection1: Kernel;
  readonly difference1: Kernel;
  readonly union4: Kernel;
  readonly intersection4: Kernel;
  readonly difference4: Kernel;
  readonly overlaps1: Scan2;
  readonly overlaps4: Scan2;
  readonly problem1: (p: number, n: number) => number;
  readonly problem4: (p: number, n: number) => number;
  readonly cidrs1: (p: number, n: number) => number;
  readonly cidrs4: (p: number, n: number) => number;
  readonly blocks1: (p: number, n: number, pn: number, pl: number) => number;
  readonly blocks4: (p: number, n: number, pn: number, pl: number) => number;
}

export type KernelOperation = 'union' | 'intersection' | 'difference';

/** The module reads the bounds through Uint32Array views, in the platform's order: little-endian platforms only. */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

const KERNELS = new LazyWebAssembly<IntervalKernelExports>(INTERVAL_KERNELS_WASM, LITTLE_ENDIAN);

/**
 * The words (both sets' bounds together) from which a merge goes to the module: below, copying in and out and the
 * call cost more than the JavaScript loop. Tests set it to 0 (every merge in the module) or Infinity (none).
 * `blockWords`: the same for the CIDR blocks of one set (blocksInModule). Its JavaScript walk costs a few interpreted
 * iterations a block, so the module pays from a few intervals: at 16 words, the scenario's nftables render writes
 * 20 of its 21 sets there, 0.9 M instructions fewer than at 256 (seeded callgrind, issue 22).
 */
export const KERNEL_LIMITS = { minWords: 256, blockWords: 16 };

/**
 * `a op b` for canonical bounds of `width` words a value (1 or 4), as the module merges them; undefined when the sets
 * are too short to be worth it (KERNEL_LIMITS), or WebAssembly is not available: the caller merges them itself.
 */
export function mergeInModule(operation: KernelOperation, a: Uint32Array, b: Uint32Array, width: 1 | 4): Uint32Array | undefined {
  const words = a.length + b.length;
  if (words < KERNEL_LIMITS.minWords || !KERNELS.available()) return undefined;
  try {
    // a, then b, then room for the result: never more words than the two sets have together.
    const wasm = KERNELS.withRoom(8 * words);
    const memory = new Uint32Array(wasm.memory.buffer, 0, 2 * words);
    memory.set(a, 0);
    memory.set(b, a.length);
    const written = wasm[`${operation}${width}`](0, a.length, 4 * a.length, b.length, 4 * words);
    return memory.slice(words, words + written);
  } catch {
    // No memory for sets this large: the caller merges them.
    return undefined;
  }
}

/**
 * Whether two canonical sets of `width` words a value share a value, as the module finds it; undefined when they are
 * too short to be worth it (KERNEL_LIMITS: both together), or WebAssembly is not available. Two tags that do not meet
 * are read to the end of one of them: in V8's first tiers ~25-45 ns a word, a few ns in the module (issue 22).
 */
export function overlapsInModule(a: Uint32Array, b: Uint32Array, width: 1 | 4): boolean | undefined {
  const words = a.length + b.length;
  if (words < KERNEL_LIMITS.minWords || !KERNELS.available()) return undefined;
  try {
    const wasm = KERNELS.withRoom(4 * words);
    const memory = new Uint32Array(wasm.memory.buffer, 0, words);
    memory.set(a, 0);
    memory.set(b, a.length);
    return wasm[`overlaps${width}`](0, a.length, 4 * a.length, b.length) !== 0;
  } catch {
    return undefined;
  }
}

/** What `problemInModule` finds: canonical bounds, an interval whose lo is above its hi, or intervals not apart. */
export type BoundsVerdict = 'canonical' | 'lo-above-hi' | 'not-apart';
const VERDICTS: readonly BoundsVerdict[] = ['canonical', 'lo-above-hi', 'not-apart'];

/**
 * Whether `bounds` (a whole number of intervals of `width` words) are canonical, as the module checks them, the first
 * problem in order of the intervals; undefined for bounds too short to be worth it, or where WebAssembly cannot run.
 */
export function problemInModule(bounds: Uint32Array, width: 1 | 4): BoundsVerdict | undefined {
  const verdict = scanInModule('problem', bounds, width);
  return verdict === undefined ? undefined : VERDICTS[verdict];
}

/**
 * The number of CIDR blocks of the intervals of `bounds` (`width` words a value), as ip.ts cidrCountOf counts each,
 * summed; undefined for bounds too short to be worth it, or where WebAssembly cannot run.
 */
export function cidrBlocksInModule(bounds: Uint32Array, width: 1 | 4): number | undefined {
  return scanInModule('cidrs', bounds, width);
}

/** A set's CIDR blocks: each block's network (one word for IPv4, four for IPv6) and prefix length, `count` of them. */
export interface CidrBlockColumns {
  readonly networks: Uint32Array;
  readonly lengths: Uint8Array;
  readonly count: number;
}

/**
 * The minimal CIDR cover of one-word canonical `bounds` (IPv4), as the module writes it with `blocks1`: the blocks of
 * each interval in order, as cidr-text.ts CidrBlocks.of walks them; undefined for bounds shorter than
 * KERNEL_LIMITS.blockWords or where WebAssembly cannot run. Issue 22: a cold render
 * walked the ~7,000 blocks of its tags' sets in V8's first tiers, ~8 M instructions of the scenario's nftables render.
 */
export function ipv4BlocksInModule(bounds: Uint32Array): CidrBlockColumns | undefined {
  return blocksInModule(bounds, 1);
}

/**
 * `ipv4BlocksInModule` for four-word canonical `bounds` (IPv6), with `blocks4`. Issue 22: the scenario's nftables
 * render wrote its tags' ~1,200 IPv6 intervals through CidrBlocks.of's own loop in V8's first tiers, ~1.5 ms cold.
 */
export function ipv6BlocksInModule(bounds: Uint32Array): CidrBlockColumns | undefined {
  return blocksInModule(bounds, 4);
}

function blocksInModule(bounds: Uint32Array, width: 1 | 4): CidrBlockColumns | undefined {
  if (bounds.length < KERNEL_LIMITS.blockWords || !KERNELS.available()) return undefined;
  try {
    let wasm = KERNELS.withRoom(4 * bounds.length);
    new Uint32Array(wasm.memory.buffer, 0, bounds.length).set(bounds);
    const count = wasm[`cidrs${width}`](0, bounds.length);
    // The networks after the bounds, the lengths after the networks (growing keeps what the memory holds).
    const networksAt = 4 * bounds.length;
    const lengthsAt = networksAt + 4 * width * count;
    wasm = KERNELS.withRoom(lengthsAt + count);
    if (wasm[`blocks${width}`](0, bounds.length, networksAt, lengthsAt) !== count) return undefined;
    return {
      networks: new Uint32Array(wasm.memory.buffer, networksAt, width * count).slice(),
      lengths: new Uint8Array(wasm.memory.buffer, lengthsAt, count).slice(),
      count,
    };
  } catch {
    return undefined;
  }
}

/** One pass of the module's `scan` over `bounds`, copied into its memory; undefined as for a merge. */
function scanInModule(scan: 'problem' | 'cidrs', bounds: Uint32Array, width: 1 | 4): number | undefined {
  if (bounds.length < KERNEL_LIMITS.minWords || !KERNELS.available()) return undefined;
  try {
    const wasm = KERNELS.withRoom(4 * bounds.length);
    new Uint32Array(wasm.memory.buffer, 0, bounds.length).set(bounds);
    return wasm[`${scan}${width}`](0, bounds.length);
  } catch {
    return undefined;
  }
}
