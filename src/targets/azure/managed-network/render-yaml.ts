/**
 * Managed network model → the `managed_network` section of an `az ml workspace create/update --file` YAML
 * (how-to-managed-network.md: `isolation_mode`, `outbound_rules` of `type` `fqdn`, `service_tag`,
 * `private_endpoint`; `firewall_sku`), which also feeds `az ml workspace outbound-rule set`. Strings are written as
 * JSON strings, which YAML reads as the same text whatever they hold.
 */
import type { Json } from '../common/arm-read.js';
import { snapshotLine } from '../common/template.js';
import type { ManagedNetworkModel, OutboundRule } from './model.js';
import { MODE_SNAKE, RULE_TYPES } from './model.js';
import { summary } from './render-arm.js';

const q = (text: string): string => JSON.stringify(text);

function ruleLines(rule: OutboundRule): string[] {
  const head = [`  - name: ${q(rule.name)}`, `    type: ${RULE_TYPES[rule.type]}`];
  switch (rule.type) {
    case 'FQDN':
      return [...head, `    destination: ${q(rule.destination)}`];
    case 'ServiceTag':
      return [
        ...head,
        '    destination:',
        ...(rule.serviceTag ? [`      service_tag: ${q(rule.serviceTag)}`] : []),
        ...(rule.addressPrefixes ? ['      address_prefixes:', ...rule.addressPrefixes.map((prefix) => `        - ${q(prefix)}`)] : []),
        `      protocol: ${q(rule.protocol)}`,
        `      port_ranges: ${q(rule.portRanges)}`,
      ];
    case 'PrivateEndpoint':
      return [...head, '    destination:', `      service_resource_id: ${q(rule.serviceResourceId)}`, `      subresource_target: ${q(rule.subresourceTarget)}`, `      spark_enabled: ${rule.sparkEnabled}`];
  }
}

export function renderManagedNetworkYaml(model: ManagedNetworkModel): string {
  const lines = [
    `# ${summary(model).replace(/[\r\n]+/g, ' ')}`,
    `# ${snapshotLine(model.snapshot)}`,
    'managed_network:',
    `  isolation_mode: ${MODE_SNAKE[model.isolationMode]}`,
    `  firewall_sku: ${model.firewallSku.toLowerCase()}`,
    ...(model.rules.length > 0 ? ['  outbound_rules:', ...model.rules.flatMap((rule) => ruleLines(rule).map((line) => `  ${line}`))] : ['  outbound_rules: []']),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * The document `renderManagedNetworkYaml` writes, as the data a YAML reader makes of it (its test holds the two
 * together on random models through the `yaml` package). Loss accounting reads the model's rules from this
 * instead of parsing the text: the YAML package alone cost a cold `render`/`impact` of this target 70 ms to load
 * and 15 ms a parse, for a value known without it. Keep it in step with `ruleLines` above.
 */
export function managedNetworkDocument(model: ManagedNetworkModel): Json {
  return {
    managed_network: {
      isolation_mode: MODE_SNAKE[model.isolationMode],
      firewall_sku: model.firewallSku.toLowerCase(),
      outbound_rules: model.rules.map(ruleDocument),
    },
  };
}

function ruleDocument(rule: OutboundRule): Json {
  const head = { name: rule.name, type: RULE_TYPES[rule.type] };
  switch (rule.type) {
    case 'FQDN':
      return { ...head, destination: rule.destination };
    case 'ServiceTag':
      return {
        ...head,
        destination: {
          ...(rule.serviceTag ? { service_tag: rule.serviceTag } : {}),
          // `address_prefixes:` with no item under it reads as null.
          ...(rule.addressPrefixes ? { address_prefixes: rule.addressPrefixes.length > 0 ? [...rule.addressPrefixes] : null } : {}),
          protocol: rule.protocol,
          port_ranges: rule.portRanges,
        },
      };
    case 'PrivateEndpoint':
      return { ...head, destination: { service_resource_id: rule.serviceResourceId, subresource_target: rule.subresourceTarget, spark_enabled: rule.sparkEnabled } };
  }
}
