/**
 * What the Azure targets share around translation: the formats, the file header's origin, and a
 * way back from Bicep/Terraform artifacts to the ARM form for parsing.
 */
import type { AddressResolver } from '../../../analysis/resolve.js';
import type { RuleSet } from '../../../analysis/rule-set.js';
import { TagwallError } from '../../../errors.js';
import type { RequirementSet } from '../../../model/requirement.js';
import type { SnapshotInfo } from '../../../servicetags/snapshot.js';
import type { Artifact, TargetKit, TranslateContext } from '../../target.js';
import { sanitizeDescription } from './escape.js';

export const AZURE_FORMATS = ['arm', 'bicep', 'terraform'] as const;
export type AzureFormat = (typeof AZURE_FORMATS)[number];

/** What every Azure model records for its file header: the snapshot its tags were checked against, and the requirement set's name. */
export function modelOrigin(requirements: RequirementSet, context: TranslateContext): { snapshot: Pick<SnapshotInfo, 'cloud' | 'changeNumber'>; requirementsName: string } {
  const { cloud, changeNumber } = context.snapshot.info;
  return { snapshot: { cloud, changeNumber }, requirementsName: sanitizeDescription(requirements.origin ?? requirements.name ?? 'requirements', 100) };
}

const ARM_SOURCES = new WeakMap<Artifact, string>();

/**
 * The artifact in the chosen format, `<base>.json`, `.bicep` or `.tf`. A Bicep or Terraform artifact remembers the
 * ARM rendering of the model it was rendered from, so that `armTextOf` can parse it back.
 */
export function azureArtifact(format: AzureFormat, base: string, arm: string, render: { readonly bicep: () => string; readonly terraform: () => string }): Artifact {
  if (format === 'arm') return { name: `${base}.json`, format, content: arm };
  const artifact: Artifact = format === 'bicep' ? { name: `${base}.bicep`, format, content: render.bicep() } : { name: `${base}.tf`, format, content: render.terraform() };
  ARM_SOURCES.set(artifact, arm);
  return artifact;
}

/**
 * The ARM text behind generated artifacts: an `arm` artifact itself, or for Bicep/Terraform the ARM rendering of
 * the same object model (recorded when they were rendered in this process; tagwall does not parse Bicep or HCL).
 */
function armTextOf(artifacts: readonly Artifact[], target: string): { content: string; file: string } {
  const arm = artifacts.find((artifact) => artifact.format === 'arm');
  if (arm) return { content: arm.content, file: arm.name };
  for (const artifact of artifacts) {
    const source = ARM_SOURCES.get(artifact);
    if (source !== undefined) return { content: source, file: artifact.name };
  }
  throw new TagwallError(
    'TW_UNSUPPORTED_CONFIG',
    `target ${target}: only the ARM JSON form can be parsed; render with --format arm (Bicep and Terraform are generated from the same model)`,
  );
}

/**
 * A target's `parse` and `parseArtifacts` from its ARM JSON parser: a config file is read as it is, generated
 * artifacts through the ARM text behind them.
 */
export function armParsers(target: string, parseJson: (content: string, file: string, resolver: AddressResolver) => RuleSet): Pick<TargetKit, 'parse' | 'parseArtifacts'> {
  return {
    parse: (input, context) => parseJson(input.content, input.file, context.resolver),
    parseArtifacts: (artifacts, context) => {
      const { content, file } = armTextOf(artifacts, target);
      return parseJson(content, file, context.resolver);
    },
  };
}
