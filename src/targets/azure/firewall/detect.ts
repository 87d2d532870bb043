/**
 * Whether a config text is this kit's, told from its first declarations: the kit's `detect` (index.ts), and what
 * targets/detectors.ts lists for every kit, so a bare config file is told apart without initialising the kits'
 * parsers (issue 22). No imports: this module must stay light.
 */

export function looksLikeFirewall(content: string): boolean {
  return /"(ruleCollections|networkRuleCollections|applicationRuleCollections)"\s*:/i.test(content);
}

/** A firewall policy's rule collection group: the azure-firewall kit's `detect`. */
export function detectFirewallPolicy(content: string): boolean {
  return looksLikeFirewall(content) && /ruleCollections"/i.test(content) && !/"(networkRuleCollections|applicationRuleCollections)"/i.test(content);
}

/** A classic firewall's rule collections: the azure-firewall-classic kit's `detect`. */
export function detectFirewallClassic(content: string): boolean {
  return /"(networkRuleCollections|applicationRuleCollections)"\s*:/i.test(content);
}
