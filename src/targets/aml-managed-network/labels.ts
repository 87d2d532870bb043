/** How reports and `tagwall targets` name this target and its rules. */
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
