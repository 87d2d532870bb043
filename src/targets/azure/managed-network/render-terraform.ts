/**
 * Managed network model → Terraform: azurerm's `azurerm_machine_learning_workspace_network_outbound_rule_fqdn`,
 * `_service_tag` and `_private_endpoint` resources on an existing workspace (`var.workspace_id`). Their arguments:
 * `destination_fqdn`; `service_tag`, `protocol`, `port_ranges`; `service_resource_id`, `sub_resource_target`,
 * `spark_enabled`. The service-tag resource has no address prefixes, so build.ts leaves those rules out (reported)
 * when the format is Terraform. The isolation mode is the workspace's `managed_network { isolation_mode }`.
 */
import { attr, LabelScope, ref, renderHcl, type HclBlock } from '../common/hcl.js';
import { snapshotLine } from '../common/template.js';
import type { ManagedNetworkModel, OutboundRule } from './model.js';
import { summary } from './render-arm.js';

function ruleBlock(rule: OutboundRule, labels: LabelScope): HclBlock {
  const common = [attr('name', rule.name), attr('workspace_id', ref('var.workspace_id'))];
  switch (rule.type) {
    case 'FQDN':
      return { type: 'resource', labels: ['azurerm_machine_learning_workspace_network_outbound_rule_fqdn', labels.label(rule.name)], body: [...common, attr('destination_fqdn', rule.destination)] };
    case 'ServiceTag':
      return {
        type: 'resource',
        labels: ['azurerm_machine_learning_workspace_network_outbound_rule_service_tag', labels.label(rule.name)],
        body: [...common, attr('service_tag', rule.serviceTag ?? ''), attr('protocol', rule.protocol), attr('port_ranges', rule.portRanges)],
      };
    case 'PrivateEndpoint':
      return {
        type: 'resource',
        labels: ['azurerm_machine_learning_workspace_network_outbound_rule_private_endpoint', labels.label(rule.name)],
        body: [...common, attr('service_resource_id', rule.serviceResourceId), attr('sub_resource_target', rule.subresourceTarget), attr('spark_enabled', rule.sparkEnabled)],
      };
  }
}

export function renderManagedNetworkTerraform(model: ManagedNetworkModel): string {
  const labels = new LabelScope();
  const variables: HclBlock[] = [{ type: 'variable', labels: ['workspace_id'], body: [attr('type', ref('string'))] }];
  return renderHcl([summary(model), snapshotLine(model.snapshot)], [...variables, ...model.rules.map((rule) => ruleBlock(rule, labels))]);
}
