/**
 * Whether a config text is this kit's, told from its first declarations: the kit's `detect` (index.ts), and what
 * targets/detectors.ts lists for every kit, so a bare config file is told apart without initialising the kits'
 * parsers (issue 22). No imports: this module must stay light.
 */

/** Does this look like iptables-save / iptables-restore text? */
export function looksLikeIptables(content: string): boolean {
  return /^\*(filter|nat|mangle|raw|security)\s*$/m.test(content) && /^COMMIT\s*$/m.test(content);
}
