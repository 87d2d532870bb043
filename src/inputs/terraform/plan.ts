/**
 * `terraform show -json` output → Terraform resources (azurerm.ts maps them to ARM). A plan's `planned_values` are
 * the resources as they will be after apply (resources being destroyed are not there); state's `values` are as
 * deployed. Both nest modules as `child_modules`. A value known only after apply (an id of a resource the plan
 * creates) is absent from `planned_values` (a null in a list) and marked in `resource_changes[].change.after_unknown`:
 * an IP Group id of that kind is worked out from the plan's `configuration` (its reference names the IP Group,
 * whose name is known); anything else that is needed is reported with its JSON path.
 * Format: developer.hashicorp.com/terraform/internals/json-format.
 */
import { TagwallError, type SourceLocation } from '../../errors.js';
import { isObject, parseJsonConfig, type Json, type JsonObject } from '../../targets/azure/common/arm-read.js';
import type { Converted } from '../converted.js';
import { armFromTerraform, ARM_TYPES, syntheticId, type TfBody, type TfResource } from './azurerm.js';

interface PlanContext {
  readonly file: string;
  /** Planned resources by address without index: `module.a.azurerm_ip_group.x`. */
  readonly byAddress: Map<string, JsonObject>;
  readonly unknownByAddress: Map<string, Json>;
}

function unindexed(address: string): string {
  return address.replace(/\[[^\]]*\]/g, '');
}

/** The module prefix of an address: `module.a.module.b.` of `module.a.module.b.azurerm_x.y[0]`. */
function modulePrefix(address: string): string {
  const match = /^((?:module\.[^.[]+(?:\[[^\]]*\])?\.)*)/.exec(address);
  return unindexed(match?.[1] ?? '');
}

function located(file: string, jsonPath: string): SourceLocation {
  return { file, jsonPath };
}

/** The configuration expressions of a resource, through `module_calls`. */
function configurationOf(root: JsonObject, address: string): JsonObject | undefined {
  const configuration = root['configuration'];
  if (!isObject(configuration)) return undefined;
  let module: Json | undefined = configuration['root_module'];
  const parts = unindexed(address).split('.');
  while (parts[0] === 'module' && isObject(module)) {
    const calls: Json | undefined = module['module_calls'];
    const call: Json | undefined = isObject(calls) ? calls[parts[1]!] : undefined;
    module = isObject(call) ? call['module'] : undefined;
    parts.splice(0, 2);
  }
  if (!isObject(module) || !Array.isArray(module['resources'])) return undefined;
  const local = parts.join('.');
  const found = module['resources'].find((resource) => isObject(resource) && resource['address'] === local);
  return isObject(found) && isObject(found['expressions']) ? found['expressions'] : undefined;
}

class PlanBody implements TfBody {
  constructor(
    readonly context: PlanContext,
    readonly address: string,
    readonly values: JsonObject,
    readonly path: string,
    readonly unknown: Json | undefined,
    readonly expressions: Json | undefined,
  ) {}

  get location(): SourceLocation {
    return located(this.context.file, this.path);
  }

  get(name: string): Json | undefined {
    const value = this.values[name];
    const unknown = isObject(this.unknown) ? this.unknown[name] : undefined;
    const at = `${this.path}.${name}`;
    if ((value === undefined || value === null) && unknown === true) throw this.#unknownError(name, at);
    if (Array.isArray(value) && value.some((item) => item === null)) return this.#fillIds(name, value, at);
    return value === null ? undefined : value;
  }

  #unknownError(name: string, at: string): TagwallError {
    return new TagwallError('TW_UNSUPPORTED_CONFIG', `${this.address}: '${name}' is known only after apply; apply first and read the state (terraform show -json), or the HCL with the value given`, { location: located(this.context.file, at) });
  }

  /** Unknown ids in a list (`[azurerm_ip_group.x.id]` of IP Groups the plan creates): from the configuration's references. */
  #fillIds(name: string, value: Json[], at: string): Json[] {
    const expression = isObject(this.expressions) ? this.expressions[name] : undefined;
    const references = isObject(expression) && Array.isArray(expression['references']) ? expression['references'].filter((reference): reference is string => typeof reference === 'string' && reference.endsWith('.id')) : [];
    if (references.length !== value.length) throw this.#unknownError(name, at);
    return value.map((item, index) => {
      if (item !== null) return item;
      const reference = references[index]!.slice(0, -'.id'.length);
      const target = this.context.byAddress.get(modulePrefix(this.address) + unindexed(reference));
      const type = reference.split('.').slice(-2)[0]!;
      const targetName = target && isObject(target['values']) ? target['values']['name'] : undefined;
      if (typeof targetName !== 'string' || ARM_TYPES[type] === undefined) throw this.#unknownError(name, `${at}[${index}]`);
      return syntheticId(ARM_TYPES[type]!, targetName);
    });
  }

  blocks(name: string): TfBody[] {
    const value = this.values[name];
    const items = Array.isArray(value) ? value : isObject(value) ? [value] : [];
    const unknown = isObject(this.unknown) ? this.unknown[name] : undefined;
    const expressions = isObject(this.expressions) ? this.expressions[name] : undefined;
    return items.map((item, index) => {
      if (!isObject(item)) throw new TagwallError('TW_INVALID_CONFIG', `'${name}' blocks must be objects`, { location: located(this.context.file, `${this.path}.${name}[${index}]`) });
      return new PlanBody(
        this.context,
        this.address,
        item,
        Array.isArray(value) ? `${this.path}.${name}[${index}]` : `${this.path}.${name}`,
        Array.isArray(unknown) ? unknown[index] : unknown,
        Array.isArray(expressions) ? expressions[index] : expressions,
      );
    });
  }
}

function collect(module: Json | undefined, path: string, out: Array<{ resource: JsonObject; path: string }>, depth = 0): void {
  if (!isObject(module) || depth > 32) return;
  if (Array.isArray(module['resources'])) module['resources'].forEach((resource, index) => isObject(resource) && out.push({ resource, path: `${path}.resources[${index}]` }));
  if (Array.isArray(module['child_modules'])) module['child_modules'].forEach((child, index) => collect(child, `${path}.child_modules[${index}]`, out, depth + 1));
}

/** A plan or state document → ARM. */
export function convertTerraformJson(content: string, file: string, _options: object = {}): Converted {
  const root = parseJsonConfig(content, file);
  if (!isObject(root.value)) throw new TagwallError('TW_INVALID_CONFIG', 'expected the object terraform show -json prints', { location: { file, jsonPath: '$' } });
  const document = root.value;
  const plan = 'planned_values' in document || 'resource_changes' in document;
  const found: Array<{ resource: JsonObject; path: string }> = [];
  if (plan) collect(isObject(document['planned_values']) ? document['planned_values']['root_module'] : undefined, '$.planned_values.root_module', found);
  else collect(isObject(document['values']) ? document['values']['root_module'] : undefined, '$.values.root_module', found);
  const unknownByAddress = new Map<string, Json>();
  if (Array.isArray(document['resource_changes'])) {
    for (const change of document['resource_changes']) {
      if (isObject(change) && typeof change['address'] === 'string' && isObject(change['change'])) unknownByAddress.set(change['address'], change['change']['after_unknown'] ?? null);
    }
  }
  const context: PlanContext = { file, byAddress: new Map(), unknownByAddress };
  for (const { resource } of found) if (typeof resource['address'] === 'string') context.byAddress.set(unindexed(resource['address']), resource);
  const resources: TfResource[] = [];
  for (const { resource, path } of found) {
    if (resource['mode'] !== undefined && resource['mode'] !== 'managed') continue;
    const type = resource['type'];
    const address = resource['address'];
    if (typeof type !== 'string' || typeof address !== 'string') throw new TagwallError('TW_INVALID_CONFIG', "a resource needs 'type' and 'address'", { location: located(file, path) });
    const values = isObject(resource['values']) ? resource['values'] : {};
    resources.push({ type, address, body: new PlanBody(context, address, values, `${path}.values`, unknownByAddress.get(address), plan ? configurationOf(document, address) : undefined) });
  }
  return armFromTerraform(resources, file, plan ? 'terraform-plan' : 'terraform-state');
}
