/**
 * Whether a config text is this kit's, told from its first declarations: the kit's `detect` (index.ts), and what
 * targets/detectors.ts lists for every kit, so a bare config file is told apart without initialising the kits'
 * parsers (issue 22). No imports: this module must stay light.
 */

export function looksLikeNftables(content: string): boolean {
  return /^\s*table\s+(inet|ip|ip6|arp|bridge|netdev)\s+\S+\s*\{/m.test(content);
}

/** Does the text look like `nft -j` output? */
export function looksLikeNftJson(content: string): boolean {
  return /^\s*\{\s*"nftables"\s*:/.test(content);
}

/** nft text or `nft -j` output: the nftables kit's `detect`. */
export function detectNftables(content: string): boolean {
  return looksLikeNftables(content) || looksLikeNftJson(content);
}
