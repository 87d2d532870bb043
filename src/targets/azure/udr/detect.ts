/**
 * Whether a config text is this kit's, told from its first declarations: the kit's `detect` (index.ts), and what
 * targets/detectors.ts lists for every kit, so a bare config file is told apart without initialising the kits'
 * parsers (issue 22). No imports: this module must stay light.
 */

export function looksLikeRouteTable(content: string): boolean {
  return /"nextHopType"\s*:/i.test(content);
}
