/** How reports and `tagwall targets` name this target and its rules. */
import { NO_OBJECT } from '../../labels.js';
import type { ArtifactLabeller, ObjectLabel } from '../../target.js';
import type { OutboundRule } from './model.js';

export const AML_DESCRIPTION = 'Azure ML workspace managed network: outbound rules (FQDN, ServiceTag, PrivateEndpoint) and isolation mode (ARM, Bicep, Terraform, az ml YAML)';

/** One line per rule: `pypi: FQDN pypi.org`, `storage: ServiceTag Storage.EastUS2 TCP 443`. */
export function ruleLabel(rule: OutboundRule): string {
  switch (rule.type) {
    case 'FQDN':
      return `${rule.name}: FQDN ${rule.destination}`;
    case 'ServiceTag':
      return `${rule.name}: ServiceTag ${rule.serviceTag ?? rule.addressPrefixes?.join(',') ?? ''} ${rule.protocol} ${rule.portRanges}`;
    case 'PrivateEndpoint':
      return `${rule.name}: PrivateEndpoint ${rule.serviceResourceId}#${rule.subresourceTarget}`;
  }
}

/** The `az ml` YAML form: each line belongs to the outbound rule whose `- name:` item it is under. */
export const yamlLabels: ArtifactLabeller = (lines) => {
  let current: ObjectLabel = NO_OBJECT;
  return lines.map((line) => {
    const item = /^\s*- name: ['"]?([^'"]*)['"]?\s*$/.exec(line);
    if (item) current = { kind: 'outbound rule', name: item[1]! };
    else if (/^\S/.test(line) || /^ {2}\S/.test(line)) current = NO_OBJECT;
    return current;
  });
};
