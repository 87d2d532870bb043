/**
 * The model as configure-mode `set` commands (targets.md §4.2), one attribute per line as PAN-OS itself prints a
 * config with `set cli config-output-format set`, so an admin can paste them and `commit`. Values outside a
 * plain charset are double-quoted; texts were cleaned of double quotes (names.ts: the CLI has no escape for them).
 */
import { quoteSetValue } from '../../text/panos.js';
import { isAddressColumns, rulebaseOf, type PanosAddress, type PanosLocation, type PanosModel } from './model.js';

/** Group members per line: PAN-OS appends list members, so a long group may be given over several lines. */
const MEMBERS_PER_LINE = 100;

export { quoteSetValue };

function list(values: readonly string[]): string {
  return values.length === 1 ? quoteSetValue(values[0]!) : `[ ${values.map(quoteSetValue).join(' ')} ]`;
}

function prefixOf(location: PanosLocation): string {
  switch (location.kind) {
    case 'shared':
      return 'set shared ';
    case 'device-group':
      return `set device-group ${quoteSetValue(location.name)} `;
    case 'vsys':
      // A single-vsys firewall's configure mode edits vsys1 without naming it.
      return location.name === 'vsys1' ? 'set ' : `set vsys ${quoteSetValue(location.name)} `;
  }
}

function addressLines(lines: string[], set: string, address: PanosAddress): void {
  const object = `${set}address ${address.name}`;
  lines.push(`${object} ${address.kind} ${quoteSetValue(address.value)}`);
  if (address.description !== undefined) lines.push(`${object} description ${quoteSetValue(address.description)}`);
  if (address.tags.length > 0) lines.push(`${object} tag ${list(address.tags)}`);
}

export function renderPanosSet(model: PanosModel): string {
  const set = prefixOf(model.location);
  const lines: string[] = [];
  for (const tag of model.tags) lines.push(`${set}tag ${tag.name} comments ${quoteSetValue(tag.comments)}`);
  for (const entry of model.addresses) {
    if (!isAddressColumns(entry)) addressLines(lines, set, entry);
    else for (let at = 0; at < entry.names.length; at++) addressLines(lines, set, { name: entry.names[at]!, kind: 'ip-netmask', value: entry.values[at]!, tags: entry.tags });
  }
  for (const group of model.addressGroups) {
    const object = `${set}address-group ${group.name}`;
    for (let index = 0; index < group.members.length; index += MEMBERS_PER_LINE) lines.push(`${object} static ${list(group.members.slice(index, index + MEMBERS_PER_LINE))}`);
    lines.push(`${object} description ${quoteSetValue(group.description)}`);
    if (group.tags.length > 0) lines.push(`${object} tag ${list(group.tags)}`);
  }
  for (const external of model.externalLists) {
    const object = `${set}external-list ${external.name} type ip`;
    lines.push(`${object} url ${quoteSetValue(external.url)}`, `${object} recurring hourly`, `${object} description ${quoteSetValue(external.description)}`);
  }
  for (const service of model.services) {
    lines.push(`${set}service ${service.name} protocol ${service.protocol} port ${service.ports}`, `${set}service ${service.name} description ${quoteSetValue(service.description)}`);
  }
  for (const category of model.urlCategories) {
    const object = `${set}profiles custom-url-category ${category.name}`;
    lines.push(`${object} type "URL List"`);
    for (let index = 0; index < category.entries.length; index += MEMBERS_PER_LINE) lines.push(`${object} list ${list(category.entries.slice(index, index + MEMBERS_PER_LINE))}`);
    lines.push(`${object} description ${quoteSetValue(category.description)}`);
  }
  const rulebase = rulebaseOf(model.location);
  for (const rule of model.rules) {
    const object = `${set}${rulebase} security rules ${rule.name}`;
    lines.push(
      `${object} from ${list(rule.from)}`,
      `${object} to ${list(rule.to)}`,
      `${object} source ${list(rule.source)}`,
      `${object} destination ${list(rule.destination)}`,
      `${object} source-user any`,
      `${object} category ${list(rule.category)}`,
      `${object} application ${list(rule.application)}`,
      `${object} service ${list(rule.service)}`,
      `${object} action ${rule.action}`,
      `${object} description ${quoteSetValue(rule.description)}`,
      `${object} tag ${list(rule.tags)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
