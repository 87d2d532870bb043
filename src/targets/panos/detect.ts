/**
 * Whether a config text is this kit's, told from its first declarations: the kit's `detect` (index.ts), and what
 * targets/detectors.ts lists for every kit, so a bare config file is told apart without initialising the kits'
 * parsers (issue 22). No imports: this module must stay light.
 */

export function isXmlText(content: string): boolean {
  return content.replace(/^\uFEFF/, '').trimStart().startsWith('<');
}

/** PAN-OS XML (`<config>` with vsys, device groups or shared) or `set` commands for its rulebase or objects. */
export function looksLikePanos(content: string): boolean {
  if (isXmlText(content)) return /<config[\s>]/.test(content) && /<(vsys|device-group|shared)[\s>]/.test(content);
  return /^\s*set\s+(?:(?:shared|(?:vsys|device-group)\s+\S+)\s+)?(?:rulebase|pre-rulebase|post-rulebase|address|address-group|service)\s/m.test(content);
}
