/**
 * What the Azure targets share around translation: the formats, the file header's origin, and a way back from
 * Bicep/Terraform artifacts to the ARM form for parsing (their text, read by src/inputs).
 */
import type { AddressResolver } from '../../../analysis/resolve.js';
import type { RuleSet } from '../../../analysis/rule-set.js';
import { TagwallError } from '../../../errors.js';
import type { RequirementSet } from '../../../model/requirement.js';
import type { SnapshotInfo } from '../../../servicetags/snapshot.js';
import type { Artifact, ConfigInput, TargetKit, TranslateContext } from '../../target.js';
import { parseConverted } from '../../../inputs/read.js';
import { READERS } from '../../../inputs/readers.js';
import { sanitizeDescription } from './escape.js';

import type { AzureFormat } from './formats.js';

export { AZURE_FORMATS, type AzureFormat } from './formats.js';

/** What every Azure model records for its file header: the snapshot its tags were checked against, and the requirement set's name. */
export function modelOrigin(requirements: RequirementSet, context: TranslateContext): { snapshot: Pick<SnapshotInfo, 'cloud' | 'changeNumber'>; requirementsName: string } {
  const { cloud, changeNumber } = context.snapshot.info;
  return { snapshot: { cloud, changeNumber }, requirementsName: sanitizeDescription(requirements.origin ?? requirements.name ?? 'requirements', 100) };
}

/** The artifact in the chosen format, `<base>.json`, `.bicep` or `.tf`; Bicep and Terraform are read back from their text (src/inputs). */
export function azureArtifact(format: AzureFormat, base: string, arm: string, render: { readonly bicep: () => string; readonly terraform: () => string }): Artifact {
  if (format === 'arm') return { name: `${base}.json`, format, content: arm };
  return format === 'bicep' ? { name: `${base}.bicep`, format, content: render.bicep() } : { name: `${base}.tf`, format, content: render.terraform() };
}

/** The ARM a generated Bicep or Terraform file with no resource at all stands for (the readers refuse such a file). */
const EMPTY_TEMPLATE = JSON.stringify({ $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', resources: [] });

/**
 * Generated artifacts parsed from their own text: ARM as it is, Bicep and Terraform through the readers of
 * src/inputs (the Terraform alone: no tfvars or sibling files), errors pointing into it. `own` takes a format of the
 * target's own first (the managed network's YAML). A Bicep/Terraform rendering that declares no resource (a managed
 * network with no rule) is the empty template.
 */
export function parseArtifactText(
  artifacts: readonly Artifact[],
  target: string,
  parse: (input: ConfigInput) => RuleSet,
  own: readonly string[] = [],
): RuleSet {
  const direct = artifacts.find((artifact) => artifact.format === 'arm' || own.includes(artifact.format));
  if (direct) return parse({ content: direct.content, file: direct.name });
  const declaresNothing = artifacts.length > 0 && artifacts.every((artifact) => (artifact.format === 'bicep' || artifact.format === 'terraform') && !/^resource\s/m.test(artifact.content));
  if (declaresNothing) return parse({ content: EMPTY_TEMPLATE, file: artifacts[0]!.name });
  for (const artifact of artifacts) {
    const input = { content: artifact.content, file: artifact.name };
    if (artifact.format === 'bicep') return parseConverted(input, READERS.bicep().convertBicep(artifact.content, artifact.name), parse);
    if (artifact.format === 'terraform') return parseConverted(input, READERS.terraformHcl().convertHcl(artifact.content, artifact.name, { standalone: true }), parse);
  }
  throw new TagwallError('TW_UNSUPPORTED_CONFIG', `target ${target}: no ARM, Bicep or Terraform artifact to parse`);
}

/**
 * A target's `parse` and `parseArtifacts` from its ARM JSON parser: a config file is read as it is, generated
 * artifacts through the ARM text behind them.
 */
export function armParsers(target: string, parseJson: (content: string, file: string, resolver: AddressResolver) => RuleSet): Pick<TargetKit, 'parse' | 'parseArtifacts'> {
  return {
    parse: (input, context) => parseJson(input.content, input.file, context.resolver),
    parseArtifacts: (artifacts, context) => parseArtifactText(artifacts, target, (input) => parseJson(input.content, input.file, context.resolver)),
  };
}
