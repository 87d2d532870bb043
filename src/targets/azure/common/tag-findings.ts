/**
 * The networkFeatures check run on deployed configs (`tagwall check`): a security rule, route or firewall rule that
 * names a tag where the snapshot says Azure does not take it there. Azure refuses such a deployment, or the rule
 * does not do what it says; either way it is a finding, reported with the JSON path of the field.
 */
import { TagwallError } from '../../../errors.js';
import { yamlPackage } from '../../../internal/packages.js';
import type { Snapshot } from '../../../servicetags/snapshot.js';
import { virtualTag } from '../../../servicetags/virtual.js';
import type { ConfigInput, Diagnostic } from '../../target.js';
import { featureList, tagPlacement, type AzureTagFeature } from './tag-features.js';

/** The fields that name tags, per resource kind; a field's value is a string or a list of strings. */
const FIELDS: Readonly<Record<AzureTagFeature, readonly string[]>> = {
  NSG: ['sourceAddressPrefix', 'sourceAddressPrefixes', 'destinationAddressPrefix', 'destinationAddressPrefixes'],
  UDR: ['addressPrefix'],
  FW: ['destinationAddresses'],
};


const CODES: Readonly<Record<AzureTagFeature, string>> = { NSG: 'NSG_TAG_NOT_ACCEPTED', UDR: 'UDR_TAG_NOT_ACCEPTED', FW: 'AZFW_TAG_NOT_ACCEPTED' };
/** A target's own code for the finding (the managed network's service-tag rules). */
const TARGET_CODES: Readonly<Record<string, string>> = { 'aml-managed-network': 'AML_TAG_NOT_ACCEPTED' };

/** A value that is no address, range, `*`, `Any` or ARM expression: a tag name. */
function isTagName(text: string): boolean {
  const value = text.trim();
  if (value === '' || value === '*' || value.toLowerCase() === 'any' || value.startsWith('[')) return false;
  return !(/^[0-9a-f:.\-/]+$/i.test(value) && /[.:]/.test(value));
}

function walk(value: unknown, path: string, visit: (key: string, value: unknown, path: string) => void): void {
  if (Array.isArray(value)) value.forEach((item, index) => walk(item, `${path}[${index}]`, visit));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      visit(key, child, `${path}.${key}`);
      walk(child, `${path}.${key}`, visit);
    }
  }
}

/**
 * Findings for one config: every tag named in `feature`'s fields that the snapshot does not list for `feature`.
 * A route's `addressPrefix` counts only inside `routes` (a subnet has an `addressPrefix` too).
 */
export function tagPlacementFindings(input: ConfigInput, snapshot: Snapshot, feature: AzureTagFeature, target: string, fields: readonly string[] = FIELDS[feature]): Diagnostic[] {
  let root: unknown;
  try {
    root = /^\s*[[{]/.test(input.content) ? JSON.parse(input.content) : yamlPackage().parse(input.content);
  } catch {
    return []; // The parser reports malformed input with its position.
  }
  const findings: Diagnostic[] = [];
  walk(root, '$', (key, value, path) => {
    if (!fields.includes(key)) return;
    if (feature === 'UDR' && !/\.routes\[\d+\]/.test(path)) return;
    const entries = typeof value === 'string' ? [[value, path] as const] : Array.isArray(value) ? value.flatMap((item, index) => (typeof item === 'string' ? [[item, `${path}[${index}]`] as const] : [])) : [];
    for (const [text, at] of entries) {
      if (!isTagName(text)) continue;
      let placement;
      try {
        placement = tagPlacement(virtualTag(text) ?? snapshot.resolve(text.trim()).name, feature, snapshot);
      } catch (error) {
        if (error instanceof TagwallError) continue; // Unknown tags are the parser's TW_UNKNOWN_TAG.
        throw error;
      }
      if (placement.accepted) continue;
      findings.push({
        code: TARGET_CODES[target] ?? CODES[feature],
        severity: 'error',
        target,
        message: `${input.file} ${at}: ${placement.tag} is not accepted here (its networkFeatures: ${featureList(placement)}); Azure refuses the deployment or the rule does not apply — write the tag's prefixes (tagwall render does)`,
      });
    }
  });
  return findings;
}
