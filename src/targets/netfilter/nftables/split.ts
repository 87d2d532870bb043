/**
 * Large sets split over several `nft -f` transactions so that an unprivileged `nft` (rootless, `unshare -rn`) loads
 * them. nft sends a file as one netlink batch; it can raise its socket's send buffer only with SO_SNDBUFFORCE, which
 * needs CAP_NET_ADMIN in the initial namespace, so in a user namespace the batch must fit the default buffer
 * (net.core.wmem_default, 212992 bytes, doubled by the kernel: 425984), else "netlink: Error: Could not process
 * rule: Message too long". Measured with nftables 1.0.6 under `unshare -rn` (test/linux-rootless-kernel.test.ts): an
 * interval set loads up to about 5,300 IPv4 or 3,300 IPv6 prefixes per transaction (≈ 80 and 128 bytes each).
 *
 * The estimate below is kept well under that: a file within it is left whole (one atomic transaction); a larger one
 * keeps its rules and the first elements of its sets in `tagwall.nft` and adds the rest with `add element` in
 * `tagwall.2.nft`, `tagwall.3.nft`, … loaded after it. While those load a set is partial: fewer packets pass, never more.
 */
import type { NetSet } from '../common/lower.js';

/** Bytes one batch may take, estimated; about 60% of the 425,984 an unprivileged socket sends. */
export const NFT_BATCH_BUDGET = 256_000;
const ELEMENT_BYTES = { ipv4: 96, ipv6: 160 } as const;
/** A rule with its comment, lookups and port set, generously. */
const RULE_BYTES = 1_000;

/** Elements `from` to `to` (exclusive) of a set's blocks: indexes, not copies of the text. */
export interface ElementChunk {
  readonly set: NetSet;
  readonly from: number;
  readonly to: number;
}

export interface SetSplit {
  /** How many elements (its first ones) each set declares in the main file, by set name. */
  readonly inline: ReadonlyMap<string, number>;
  /** The later transactions: each a list of element chunks. */
  readonly later: ReadonlyArray<readonly ElementChunk[]>;
}

/** Splits the sets' elements over transactions within the budget, the main file also carrying `ruleCount` rules. */
export function splitSets(sets: readonly NetSet[], ruleCount: number): SetSplit {
  const inline = new Map<string, number>();
  const later: ElementChunk[][] = [];
  let mainRoom = NFT_BATCH_BUDGET - ruleCount * RULE_BYTES;
  let room = 0;
  let current: ElementChunk[] = [];
  for (const set of sets) {
    const size = ELEMENT_BYTES[set.family];
    const count = set.blocks.length;
    const fit = Math.max(0, Math.min(count, Math.floor(mainRoom / size)));
    inline.set(set.name, fit);
    // Once a set spills over, the main file takes no more elements: each later file is filled in order.
    mainRoom = fit === count ? mainRoom - fit * size : 0;
    // The rest is cut at an index that moves forward (slicing the remainder off again for each file copied it
    // once per file: quadratic for a set of 100k elements).
    for (let at = fit; at < count; ) {
      if (room < size) {
        current = [];
        later.push(current);
        room = NFT_BATCH_BUDGET;
      }
      const take = Math.min(count - at, Math.floor(room / size));
      current.push({ set, from: at, to: at + take });
      room -= take * size;
      at += take;
    }
  }
  return { inline, later };
}
