/**
 * Unchanged tags between two files prefix-scan.wat read, told with less JavaScript per tag (diff.ts). Why (issue
 * 22): a cold `snapshot diff` of the Public pair compared ~2,700 unchanged tags one at a time, their encodings and
 * six metadata texts each by JavaScript byte loops that ran mostly before V8 optimised them (~7-10 ms of its ~12-16
 * ms diff). Microsoft keeps its tags in the same order, so the unchanged ones come in ~180 stretches between the
 * changed ones: each stretch's encodings are one native comparison, and a tag's metadata texts that the module found
 * equal to the tag before it (SAME_AS) are equal to the other file's when the tags before them were.
 */
import { sameBytes, sameList } from './json-scan.js';
import { FIELD, RECORD, SAME_AS } from './prefix-scan.js';
import type { EncodedColumns, FieldTexts } from './types.js';

/** Bytes as a Buffer (for its native range comparison), without a copy. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Whether tags i .. i + length - 1 of the older table and j .. j + length - 1 of the newer have the same encodings,
 * one for one: each pair's encodings are as long, and the bytes of the whole stretch are the same. `older`, `newer`:
 * asBuffer of the columns' bytes.
 */
export function sameEncodingRun(a: EncodedColumns, older: Buffer, i: number, b: EncodedColumns, newer: Buffer, j: number, length: number): boolean {
  const x = a.offsets;
  const y = b.offsets;
  for (let k = 0; k < length; k++) if (x[i + k + 1]! - x[i + k]! !== y[j + k + 1]! - y[j + k]!) return false;
  return older.compare(newer, y[j]!, y[j + length]!, x[i]!, x[i + length]!) === 0;
}

/**
 * sameEncodingRun of one pair (diff.ts compareTags, for each changed tag): its own function, without the loop, so that
 * its ~350 calls and the ~180 stretches do not together make V8 optimise sameEncodingRun with Buffer's compare
 * inlined (~20 M instructions of compilation, more than the calls cost).
 */
export function sameEncodingAt(a: EncodedColumns, older: Buffer, i: number, b: EncodedColumns, newer: Buffer, j: number): boolean {
  const start = a.offsets[i]!;
  const end = a.offsets[i + 1]!;
  const other = b.offsets[j]!;
  const otherEnd = b.offsets[j + 1]!;
  return end - start === otherEnd - other && older.compare(newer, other, otherEnd, start, end) === 0;
}

/**
 * json-scan.ts sameMetadataTexts of tag `i` of `a` and tag `j` of `b`, whose names are the same string (the names are
 * the texts' bytes: the module takes printable ASCII only), with less read: the id's bytes are the name's where
 * each tag's id is its name, and where `afterSame` (tags i - 1 and j - 1 have the same metadata), each text that both
 * tags share with the tag before them (SAME_AS) is the same. The other texts are compared as sameMetadataTexts
 * compares them. Kept small, without a call of sameMetadataTexts: it runs for every unchanged tag and V8 optimises
 * it with what it calls inlined (with sameMetadataTexts inside, that compilation took ~3 times as long).
 */
export function sameMetadataAfter(a: FieldTexts, i: number, b: FieldTexts, j: number, afterSame: boolean): boolean {
  const x = a.records;
  const y = b.records;
  const r = RECORD * i;
  const s = RECORD * j;
  if (x[r + FIELD.regionId] !== y[s + FIELD.regionId]) return false;
  const shared = x[r + FIELD.sameAs]! & y[s + FIELD.sameAs]!;
  const known = afterSame ? shared : shared & SAME_AS.name;
  const p = a.text;
  const q = b.text;
  // One call of sameBytes in a loop, as sameMetadataTexts: V8 optimises this function with what it calls inlined, and
  // four calls were four copies (its compilation ~2 times as long).
  for (let f = 0; f < TEXTS.length; f++) {
    const field = TEXTS[f]!;
    if ((known & KNOWN_BY[f]!) === 0 && !sameBytes(p, x[r + field]!, x[r + field + 1]!, q, y[s + field]!, y[s + field + 1]!)) return false;
  }
  if ((known & SAME_AS.features) !== 0) return true;
  const features = x[r + FIELD.featuresStart]!;
  const other = y[s + FIELD.featuresStart]!;
  if (features < 0 || other < 0) return features === other;
  return sameList(p, features, x[r + FIELD.featuresEnd]!, q, other, y[s + FIELD.featuresEnd]!);
}

/** The texts sameMetadataAfter compares (each a start, its end in the next field), and the SAME_AS bit that tells each. */
const TEXTS = [FIELD.idStart, FIELD.regionStart, FIELD.platformStart, FIELD.systemServiceStart];
const KNOWN_BY = [SAME_AS.name, SAME_AS.region, SAME_AS.platform, SAME_AS.systemService];
