/** What generated names share across targets. */
import { sha256Hex } from '../internal/sha256.js';

/** Eight hex digits of SHA-256: a stable suffix that keeps shortened names apart and unique. */
export function shortHash(text: string): string {
  return sha256Hex(text).slice(0, 8);
}
