/**
 * Text written as UTF-8 in pieces (standard output, files the CLI writes): see utf8Pieces.
 */
import { Buffer } from 'node:buffer';

/** Output longer than this many characters is written in slices of about this length (see utf8Pieces). */
export const SLICE_CHARS = 1 << 18;

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * `text` as UTF-8, in pieces to write one after the other, each written before the next is asked for. A long text
 * (a `check --json` listing every CIDR is ~10 MB) is encoded slice by slice into one reused buffer, an ASCII slice
 * (most of them) by a plain copy: encoding the whole measured it and wrote it as UTF-8 (~215 M instructions for
 * 10 MB, callgrind) into as many fresh pages as it has bytes, each a page fault (~4-11 us on a VM; issue 22).
 * A slice never ends between the two halves of a surrogate pair, so the bytes are those of the whole text's
 * encoding (a lone surrogate is U+FFFD either way).
 */
export function* utf8Pieces(text: string, sliceChars = SLICE_CHARS): Generator<Uint8Array, void, undefined> {
  if (text.length <= sliceChars) {
    yield Buffer.from(text, 'utf8');
    return;
  }
  // At most three bytes a UTF-16 unit, four for a pair: a slice, with a pair's second half added, always fits.
  const buffer = Buffer.allocUnsafe(3 * sliceChars + 4);
  for (let at = 0; at < text.length; ) {
    let end = Math.min(text.length, at + sliceChars);
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end += end - 1 > at ? -1 : 1;
    const slice = text.slice(at, end);
    // ASCII is its own UTF-8, a byte a character: latin1 copies it as it is.
    const written = buffer.write(slice, 0, NON_ASCII.test(slice) ? 'utf8' : 'latin1');
    yield buffer.subarray(0, written);
    at = end;
  }
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}
