/** Build, check, render, and make the diagnostics exact by parsing the ARM form back (the pipeline's steps). */
import { allowedPackets } from '../../analysis/rule-set.js';
import { parseAzurePort } from '../azure-common/ports.js';
import { finishDiagnostics } from '../diagnostics.js';
import type { Artifact, TranslateContext, Translation } from '../target.js';
import type { RequirementSet } from '../../model/requirement.js';
import { buildManagedNetwork, RULE_NAME } from './build.js';
import type { ManagedNetworkModel } from './model.js';
import { AML_TARGET_ID, readAmlOptions } from './options.js';
import { parseManagedNetwork } from './parse.js';
import { renderManagedNetworkArm, renderManagedNetworkBicep } from './render-arm.js';
import { renderManagedNetworkTerraform } from './render-terraform.js';
import { renderManagedNetworkYaml } from './render-yaml.js';
import { assertMeaningfulRequirements } from '../../model/requirement-check.js';

/** What Azure checks at deployment and the schema copy here cannot (no MachineLearningServices schema in fixtures). */
export function checkManagedNetwork(model: ManagedNetworkModel): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  model.rules.forEach((rule, index) => {
    const at = `rules[${index}] ${rule.name}`;
    if (!RULE_NAME.test(rule.name)) problems.push(`${at}: name is not 3-33 characters of A-Za-z0-9_- starting alphanumeric`);
    if (seen.has(rule.name.toLowerCase())) problems.push(`${at}: name used twice`);
    seen.add(rule.name.toLowerCase());
    if (rule.type === 'ServiceTag') {
      if (!rule.serviceTag && !rule.addressPrefixes?.length) problems.push(`${at}: neither a service tag nor address prefixes`);
      if (!rule.portRanges.split(',').every((part) => parseAzurePort(part.trim()) !== undefined)) problems.push(`${at}: '${rule.portRanges}' is not a port list`);
    }
  });
  return problems;
}

const ARM_SOURCES = new WeakMap<Artifact, string>();

/** The YAML form behind an artifact of any format (it carries the isolation mode; tagwall parses it like ARM and `az` JSON). */
export function armBehind(artifact: Artifact): string | undefined {
  return ARM_SOURCES.get(artifact) ?? (artifact.format === 'arm' || artifact.format === 'yaml' ? artifact.content : undefined);
}

export function translateManagedNetwork(requirements: RequirementSet, context: TranslateContext): Translation {
  assertMeaningfulRequirements(requirements); // a host-name source or contradictory fields: an error, never a silent rule
  const options = readAmlOptions(context.options);
  const { model, drafts } = buildManagedNetwork(requirements, context, options);
  const problems = checkManagedNetwork(model);
  if (problems.length > 0) throw new Error(`target ${AML_TARGET_ID} built rules outside Azure's rules (a tagwall bug):\n${problems.join('\n')}`);
  const arm = renderManagedNetworkArm(model);
  // The YAML form carries the isolation mode the ARM form can only describe: parse what will be deployed.
  const yaml = renderManagedNetworkYaml(model);
  const produced = allowedPackets(parseManagedNetwork(yaml, 'managed-network.yaml', context.resolver, context.options));
  const renders = {
    arm: () => ({ name: 'managed-network.json', content: arm }),
    bicep: () => ({ name: 'managed-network.bicep', content: renderManagedNetworkBicep(model) }),
    terraform: () => ({ name: 'managed-network.tf', content: renderManagedNetworkTerraform(model) }),
    yaml: () => ({ name: 'managed-network.yaml', content: yaml }),
  };
  const artifact: Artifact = { ...renders[options.format](), format: options.format };
  ARM_SOURCES.set(artifact, yaml);
  return { artifacts: [artifact], diagnostics: finishDiagnostics(AML_TARGET_ID, drafts, produced, context.resolver) };
}
