/**
 * Whether a config text is this kit's, told from its first declarations: the kit's `detect` (index.ts), and what
 * targets/detectors.ts lists for every kit, so a bare config file is told apart without initialising the kits'
 * parsers (issue 22). No imports: this module must stay light.
 */

/** Does this text look like NSG JSON? */
export function looksLikeNsg(content: string): boolean {
  return /"(securityRules|defaultSecurityRules)"\s*:/i.test(content) || /Microsoft\.Network\/networkSecurityGroups"/i.test(content);
}
