/** What generated names share across targets. */
import { nodeCrypto } from '../internal/lazy.js';

/** Eight hex digits of SHA-256: a stable suffix that keeps shortened names apart and unique. */
export function shortHash(text: string): string {
  return nodeCrypto().createHash('sha256').update(text).digest('hex').slice(0, 8);
}
