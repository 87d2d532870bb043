/**
 * Text written as UTF-8 in pieces (standard output, files the CLI writes): see writeUtf8.
 */
import { Buffer } from 'node:buffer';

/** Output longer than this many characters is written in slices of about this length (see writeUtf8). */
export const SLICE_CHARS = 1 << 18;

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Text that is never one string: pieces handed to `write` one after the other, in order (a long JSON answer,
 * json-pieces.ts). A JSON answer listing every CIDR is ~10 MB; as one string it is made twice over (JSON.stringify's
 * result, then the copy a slice of it with the final newline added forces), and as two bytes a character when any
 * character of it is not Latin-1 (an ellipsis in a summary): ~40 MB of fresh pages, each a page fault (issue 22).
 */
export interface TextPieces {
  readonly writeTo: (write: (piece: string) => void) => void;
}

/** What a command prints: one string, or pieces. */
export type OutputText = string | TextPieces;

/** The text as one string (for callers that keep it: tests, a captured run). */
export function textOf(text: OutputText): string {
  if (typeof text === 'string') return text;
  const pieces: string[] = [];
  text.writeTo((piece) => pieces.push(piece));
  return pieces.join('');
}

/**
 * `text` as UTF-8, handed to `out` in pieces, each written before the next is made. A short string is encoded
 * whole. A long one, or text in pieces, is encoded slice by slice into one reused buffer, several short pieces
 * together, an ASCII slice (most of them) by a plain copy: encoding a 10 MB text whole measured it and wrote it as
 * UTF-8 (~215 M instructions, callgrind) into as many fresh pages as it has bytes (~4-11 us a page fault on a VM;
 * issue 22). A slice never ends between the two halves of a surrogate pair, so the bytes are those of the whole
 * text's encoding (a lone surrogate is U+FFFD either way). The views handed out share the buffer.
 */
export function writeUtf8(text: OutputText, out: (bytes: Uint8Array) => void, sliceChars = SLICE_CHARS): void {
  if (typeof text === 'string' && text.length <= sliceChars) {
    out(Buffer.from(text, 'utf8'));
    return;
  }
  const packer = new Utf8Packer(out, sliceChars);
  if (typeof text === 'string') packer.write(text);
  else text.writeTo((piece) => packer.write(piece));
  packer.end();
}

class Utf8Packer {
  // At most three bytes a UTF-16 unit, four for a pair: a slice, with a pair's second half added, always fits.
  private readonly buffer: Buffer;
  private used = 0;

  constructor(
    private readonly out: (bytes: Uint8Array) => void,
    private readonly sliceChars: number,
  ) {
    this.buffer = Buffer.allocUnsafe(3 * sliceChars + 4);
  }

  write(text: string): void {
    for (let at = 0; at < text.length; ) {
      let end = Math.min(text.length, at + this.sliceChars);
      if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end += end - 1 > at ? -1 : 1;
      if (3 * (end - at) > this.buffer.length - this.used) this.flush();
      const slice = at === 0 && end === text.length ? text : text.slice(at, end);
      // ASCII is its own UTF-8, a byte a character: latin1 copies it as it is.
      this.used += this.buffer.write(slice, this.used, NON_ASCII.test(slice) ? 'utf8' : 'latin1');
      at = end;
    }
  }

  end(): void {
    this.flush();
  }

  private flush(): void {
    if (this.used === 0) return;
    this.out(this.buffer.subarray(0, this.used));
    this.used = 0;
  }
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}
