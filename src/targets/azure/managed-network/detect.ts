/**
 * Whether a config text is this kit's, told from its first declarations: the kit's `detect` (index.ts), and what
 * targets/detectors.ts lists for every kit, so a bare config file is told apart without initialising the kits'
 * parsers (issue 22). No imports: this module must stay light.
 */

export function looksLikeManagedNetwork(content: string): boolean {
  // The last alternative: tagwall's own template when no rule is needed (no resources, the description says what it is for).
  return /Microsoft\.MachineLearningServices\/workspaces\/outboundRules|"?managed_?network"?\s*:|"isolation_?mode"\s*:|Azure ML managed network outbound rules for /i.test(content);
}
