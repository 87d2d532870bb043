/**
 * SHA-256 (FIPS 180-4) of a string's UTF-8 bytes, for the short stable suffixes and slots generated names take
 * (targets/names.ts, the NSG's priorities). Those hash a few dozen bytes a few times a run, and `node:crypto` cost
 * more to load than all of that: `require('node:crypto')` was 4.8-6.0 ms of a cold `tagwall render --target
 * azure-firewall`, `aml-managed-network` or `nsg` (cpu-prof, medians of 5; issue 22), the hashing itself a few µs.
 * sha256.test.ts checks it against `node:crypto` on arbitrary strings, lone surrogates and block edges included.
 */

/** The first 32 bits of the fractional parts of the square roots of the first 8 primes (§5.3.3). */
const INITIAL = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/** The first 32 bits of the fractional parts of the cube roots of the first 64 primes (§4.2.2). */
const ROUND_CONSTANTS = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/**
 * The digest of `text` as `node:crypto`'s `createHash('sha256').update(text).digest('hex')` writes it.
 *
 * Written for V8's interpreter, where a cold run hashes (the NSG's priorities hash every rule name): the rotations
 * spelled out rather than a `rotr` call (~580 calls a block), the message read as big-endian words by hand rather
 * than through a DataView, and one state and schedule for every call. Issue 22: `sha256Hex` was 1.7 ms of a cold
 * `render --target nsg` (cpu-prof, mean of 12), the rotations as calls most of it.
 */
export function sha256Hex(text: string): string {
  const state = STATE;
  state.set(INITIAL);
  const message = Buffer.from(text, 'utf8');
  const blocks = paddedBlocks(message);
  for (let offset = 0; offset < blocks.length; offset += 64) compress(state, SCHEDULE, blocks, offset);
  let hex = '';
  for (let i = 0; i < 8; i++) hex += (state[i]! >>> 0).toString(16).padStart(8, '0');
  return hex;
}

/** sha256Hex's working state and message schedule, reused (a run hashes one text at a time). */
const STATE = new Int32Array(8);
const SCHEDULE = new Int32Array(64);

/** The message, a 1 bit, zeros and its length in bits as 64 bits big-endian, in whole 64-byte blocks (§5.1.1). */
function paddedBlocks(message: Uint8Array): Uint8Array {
  const length = Math.ceil((message.length + 9) / 64) * 64;
  const padded = new Uint8Array(length);
  padded.set(message);
  padded[message.length] = 0x80;
  const bits = message.length * 8;
  writeBigEndian(padded, length - 8, Math.floor(bits / 0x100000000));
  writeBigEndian(padded, length - 4, bits >>> 0);
  return padded;
}

function writeBigEndian(bytes: Uint8Array, at: number, word: number): void {
  bytes[at] = word >>> 24;
  bytes[at + 1] = (word >>> 16) & 0xff;
  bytes[at + 2] = (word >>> 8) & 0xff;
  bytes[at + 3] = word & 0xff;
}

/**
 * One block into the state (§6.2.2), in 32-bit integer arithmetic (`| 0` wraps additions mod 2^32). A rotation right
 * by n is `(x >>> n) | (x << (32 - n))`, written out with its constant.
 */
function compress(state: Int32Array, w: Int32Array, blocks: Uint8Array, offset: number): void {
  for (let t = 0; t < 16; t++) {
    const at = offset + 4 * t;
    w[t] = (blocks[at]! << 24) | (blocks[at + 1]! << 16) | (blocks[at + 2]! << 8) | blocks[at + 3]!;
  }
  for (let t = 16; t < 64; t++) {
    const w15 = w[t - 15]!;
    const w2 = w[t - 2]!;
    const sigma0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const sigma1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    w[t] = (sigma1 + w[t - 7]! + sigma0 + w[t - 16]!) | 0;
  }
  let a = state[0]!, b = state[1]!, c = state[2]!, d = state[3]!, e = state[4]!, f = state[5]!, g = state[6]!, h = state[7]!;
  for (let t = 0; t < 64; t++) {
    const bigSigma1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + bigSigma1 + ((e & f) ^ (~e & g)) + ROUND_CONSTANTS[t]! + w[t]!) | 0;
    const bigSigma0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (bigSigma0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
  state[5] = (state[5]! + f) | 0;
  state[6] = (state[6]! + g) | 0;
  state[7] = (state[7]! + h) | 0;
}
