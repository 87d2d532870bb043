/**
 * The BigInt reference interval sets are tested against: ranges of bigints, sorted, merged and complemented the
 * obvious way, so that IntervalSet's word loops and interval-kernels.wat are held to arithmetic that cannot share
 * their bugs.
 */

/** Inclusive [lo, hi] ranges. */
export type Big = Array<[bigint, bigint]>;

export const MAX128 = (1n << 128n) - 1n;

/** The ranges sorted and merged where they overlap or touch: a set's canonical intervals. */
export function normalize(ranges: Big): Big {
  const sorted = [...ranges].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const out: Big = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1n) last[1] = hi > last[1] ? hi : last[1];
    else out.push([lo, hi]);
  }
  return out;
}

/** The complement of canonical `ranges` in [0, max]. */
export function complementBig(ranges: Big, max: bigint = MAX128): Big {
  const out: Big = [];
  let next = 0n;
  for (const [lo, hi] of ranges) {
    if (lo > next) out.push([next, lo - 1n]);
    next = hi + 1n;
  }
  if (next <= max) out.push([next, max]);
  return out;
}
