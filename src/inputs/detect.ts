/**
 * Which kind of Azure config a text is, from its content: a Terraform plan or state (`terraform show -json`), an ARM
 * template or parameters file (by `$schema`), `az` output, Terraform HCL, or Bicep. Cheap structural tests on the
 * parsed JSON or on the first declarations of a source file; the readers then check the text properly.
 */
import { stripBom } from '../internal/input-limits.js';
import { INPUT_KIND_NAMES, type InputKind } from './converted.js';

export interface Detected {
  /** The kind, or undefined when the text is none of those (YAML, another target's config). */
  readonly kind: InputKind | undefined;
  /** What was looked for, for a message when nothing matched. */
  readonly tried: readonly string[];
}

const TRIED = ['terraform-plan', 'terraform-state', 'arm-template', 'arm-parameters', 'az', 'arm', 'terraform-hcl', 'bicep'] as const;

function jsonKind(value: unknown): InputKind {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const object = value as Record<string, unknown>;
    if (typeof object['format_version'] === 'string' && ('planned_values' in object || 'resource_changes' in object)) return 'terraform-plan';
    if (typeof object['format_version'] === 'string' && ('values' in object || 'terraform_version' in object)) return 'terraform-state';
    const schema = typeof object['$schema'] === 'string' ? object['$schema'] : '';
    if (/deploymentParameters\.json/i.test(schema)) return 'arm-parameters';
    if (/deploymentTemplate\.json/i.test(schema)) return 'arm-template';
    // `az ... show` prints the resource flattened, with its resource group and etag.
    if (typeof object['resourceGroup'] === 'string' && typeof object['etag'] === 'string') return 'az';
    return 'arm';
  }
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'object' && item !== null && typeof (item as Record<string, unknown>)['resourceGroup'] === 'string')) return 'az';
  return 'arm';
}

/** A line that starts a Terraform or Bicep declaration, outside comments. */
const TERRAFORM_LINE = /^\s*(resource|data|module)\s+"[^"]*"|^\s*(variable|output|provider)\s+"|^\s*(locals|terraform)\s*\{/m;
const BICEP_LINE = /^\s*resource\s+[A-Za-z_][A-Za-z0-9_]*\s+'[^']*'|^\s*(param|var|output)\s+[A-Za-z_][A-Za-z0-9_]*\s|^\s*targetScope\s*=|^\s*module\s+[A-Za-z_][A-Za-z0-9_]*\s+'/m;

/** The kind of an Azure config text. */
export function detectInputKind(content: string): Detected {
  const text = stripBom(content);
  if (/^\s*[[{]/.test(text)) {
    try {
      return { kind: jsonKind(JSON.parse(text)), tried: TRIED };
    } catch {
      // Not JSON after all (an HCL file starting with a block `{` cannot; a broken JSON file is the parser's to report).
      return { kind: 'arm', tried: TRIED };
    }
  }
  const terraform = TERRAFORM_LINE.exec(text);
  const bicep = BICEP_LINE.exec(text);
  if (terraform && (!bicep || terraform.index <= bicep.index)) return { kind: 'terraform-hcl', tried: TRIED };
  if (bicep) return { kind: 'bicep', tried: TRIED };
  return { kind: undefined, tried: TRIED };
}

/** `this is a Terraform plan (terraform show -json PLAN)`. */
export function describeKind(kind: InputKind): string {
  return INPUT_KIND_NAMES[kind];
}

/** ARM resource types → the target that reads them. */
const TARGET_OF_TYPE: ReadonlyArray<readonly [RegExp, string]> = [
  [/^Microsoft\.Network\/networkSecurityGroups(\/securityRules)?$/i, 'nsg'],
  [/^Microsoft\.Network\/firewallPolicies\/ruleCollectionGroups$/i, 'azure-firewall'],
  [/^Microsoft\.Network\/azureFirewalls$/i, 'azure-firewall-classic'],
  [/^Microsoft\.Network\/routeTables(\/routes)?$/i, 'udr'],
  [/^Microsoft\.MachineLearningServices\/workspaces\/outboundRules$/i, 'aml-managed-network'],
];

/** The targets whose resources a converted document holds (by ARM type), sorted. */
export function targetsOfDocument(document: unknown): string[] {
  const found = new Set<string>();
  // `az ml workspace outbound-rule list`: rules with a rule type and a destination, no ARM type.
  if (Array.isArray(document) && document.length > 0 && document.every((item) => typeof item === 'object' && item !== null && 'destination' in item && /^(FQDN|ServiceTag|PrivateEndpoint)$/i.test(String((item as Record<string, unknown>)['type'])))) {
    return ['aml-managed-network'];
  }
  const visit = (value: unknown, depth: number): void => {
    if (depth > 16 || typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
      return;
    }
    const object = value as Record<string, unknown>;
    if (typeof object['type'] === 'string') {
      for (const [pattern, target] of TARGET_OF_TYPE) if (pattern.test(object['type'])) found.add(target);
      const properties = object['properties'];
      if (/^Microsoft\.MachineLearningServices\/workspaces$/i.test(object['type']) && typeof properties === 'object' && properties !== null && 'managedNetwork' in properties) found.add('aml-managed-network');
    }
    if (Array.isArray(object['resources'])) visit(object['resources'], depth + 1);
  };
  visit(document, 0);
  return [...found].sort();
}
