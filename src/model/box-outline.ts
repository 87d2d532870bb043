/**
 * A box's outline: its bounding values in the cheap dimensions, as plain numbers, so that a long list of boxes can
 * be screened for the few that may meet a given one without calling the full overlap test on each (first-match
 * walks meet hundreds of earlier boxes per rule, and most share no port, protocol or address range with it).
 * Two boxes whose outlines do not meet cannot overlap; outlines that meet say nothing.
 */
import type { Box } from './packet-set.js';

/** Numbers per outline in an `Outlines` array. */
export const OUTLINE_SIZE = 11;

/** Many outlines, OUTLINE_SIZE numbers each, in the order of their boxes. */
export type Outlines = Float64Array;

/** Writes the outline of `box` at `at` in `out`: masks, then [lo, hi] of protocols, ports and both addresses. */
export function writeOutline(box: Box, out: Outlines, at: number): void {
  const w = box.src.width;
  out[at] = box.family === 'ipv4' ? 1 : 2;
  out[at + 1] = box.directions;
  out[at + 2] = box.states;
  const protocols = box.protocols.intervals.bounds;
  out[at + 3] = protocols[0]!;
  out[at + 4] = protocols[protocols.length - 1]!;
  out[at + 5] = box.dstPorts.bounds[0]!;
  out[at + 6] = box.dstPorts.bounds[box.dstPorts.bounds.length - 1]!;
  // Addresses by their most significant word: the lowest value's and the highest value's.
  out[at + 7] = box.src.bounds[0]!;
  out[at + 8] = box.src.bounds[box.src.bounds.length - w]!;
  out[at + 9] = box.dst.bounds[0]!;
  out[at + 10] = box.dst.bounds[box.dst.bounds.length - w]!;
}

/** The outline of several boxes together (the smallest one holding each of theirs). */
export function outlineOfAll(boxes: readonly Box[]): Outlines {
  const all = new Float64Array(OUTLINE_SIZE);
  const one = new Float64Array(OUTLINE_SIZE);
  boxes.forEach((box, index) => {
    writeOutline(box, index === 0 ? all : one, 0);
    if (index === 0) return;
    for (let k = 0; k < 3; k++) all[k] = all[k]! | one[k]!;
    for (let k = 3; k < OUTLINE_SIZE; k += 2) {
      all[k] = Math.min(all[k]!, one[k]!);
      all[k + 1] = Math.max(all[k + 1]!, one[k + 1]!);
    }
  });
  return all;
}

/** Might the box outlined at `at` in `list` meet the one outlined in `query`? */
export function outlinesMeet(list: Outlines, at: number, query: Outlines): boolean {
  if ((list[at]! & query[0]!) === 0 || (list[at + 1]! & query[1]!) === 0 || (list[at + 2]! & query[2]!) === 0) return false;
  for (let k = 3; k < OUTLINE_SIZE; k += 2) if (list[at + k]! > query[k + 1]! || query[k]! > list[at + k + 1]!) return false;
  return true;
}
