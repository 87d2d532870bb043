/**
 * `az` output as it comes. Most of it the targets read already (`az network nsg show`, `route-table show`,
 * `firewall policy rule-collection-group show/list`, `ml workspace outbound-rule list`: flattened resources or lists
 * of them). What needs a hand: a bare list of ARM-typed resources (`az network nsg rule list`) becomes a document
 * of resources, and IP Groups that rules name by id are joined from `az network ip-group list` output given
 * with `--ip-groups FILE|DIR` (a directory: every .json file in it).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TagwallError, type SourceLocation } from '../../errors.js';
import { INPUT_LIMITS } from '../../internal/input-limits.js';
import { isObject, parseJsonConfig, type Json, type JsonObject } from '../../targets/azure/common/arm-read.js';
import type { Converted } from '../converted.js';

export interface AzOptions {
  /** IP Group sources; one read from a directory may hold other az output, which is skipped. */
  readonly ipGroups?: ReadonlyArray<{ readonly content: string; readonly file: string; readonly fromDirectory?: boolean }>;
}

const IP_GROUP_TYPE = /^Microsoft\.Network\/ipGroups$/i;

function isArmTyped(value: Json): value is JsonObject {
  return isObject(value) && typeof value['type'] === 'string' && value['type'].includes('/');
}

/** The `--ip-groups` operand: a file, or a directory of .json files (sorted, so the order is stable). */
export function readIpGroupSources(path: string): Array<{ content: string; file: string; fromDirectory: boolean }> {
  if (!existsSync(path)) throw new TagwallError('TW_FILE', `no such file or directory: ${path}`, { location: { file: path } });
  const fromDirectory = statSync(path).isDirectory();
  const files = fromDirectory
    ? readdirSync(path)
        .filter((name) => name.endsWith('.json'))
        .sort()
        .map((name) => join(path, name))
    : [path];
  return files.map((file) => {
    if (statSync(file).size > INPUT_LIMITS.configSize) throw new TagwallError('TW_INPUT_LIMIT', 'the file is over the size tagwall reads', { location: { file } });
    return { content: readFileSync(file, 'utf8'), file, fromDirectory };
  });
}

/** IP Groups from `az network ip-group list` / `show` output (or ARM ipGroups resources). */
function ipGroupsOf(source: { content: string; file: string; fromDirectory?: boolean }): Array<{ group: JsonObject; location: SourceLocation }> {
  const root = parseJsonConfig(source.content, source.file);
  const items: Array<[Json, string]> = Array.isArray(root.value) ? root.value.map((item, index) => [item, `$[${index}]`]) : [[root.value, '$']];
  const groups: Array<{ group: JsonObject; location: SourceLocation }> = [];
  for (const [item, path] of items) {
    if (!isArmTyped(item) || !IP_GROUP_TYPE.test(item['type'] as string)) {
      // A directory of az output (the rule collection groups beside the IP Groups): other resources are not ours.
      if (source.fromDirectory) continue;
      throw new TagwallError('TW_INVALID_CONFIG', 'expected IP Groups (the output of az network ip-group list or show)', { location: { file: source.file, jsonPath: path } });
    }
    groups.push({ group: item, location: { file: source.file, jsonPath: path } });
  }
  return groups;
}

/** The az document with IP Groups joined and a bare resource list wrapped; undefined when it needs nothing. */
export function convertAz(content: string, file: string, options: AzOptions = {}): Converted | undefined {
  const groups = (options.ipGroups ?? []).flatMap(ipGroupsOf);
  const root = parseJsonConfig(content, file);
  const list = Array.isArray(root.value) && root.value.length > 0 && root.value.every(isArmTyped);
  if (!list && groups.length === 0) return undefined;
  const origins = new Map<string, SourceLocation>();
  const resources: Json[] = [];
  const add = (resource: Json, location: SourceLocation): void => {
    origins.set(`$.resources[${resources.length}]`, location);
    resources.push(resource);
  };
  if (Array.isArray(root.value)) root.value.forEach((item, index) => add(item, { file, jsonPath: `$[${index}]` }));
  else if (isObject(root.value) && Array.isArray(root.value['resources'])) root.value['resources'].forEach((item, index) => add(item, { file, jsonPath: `$.resources[${index}]` }));
  else add(root.value, { file, jsonPath: '$' });
  for (const { group, location } of groups) add(group, location);
  return { kind: 'az', file, document: { resources }, origins, unresolved: new Map(), notes: [] };
}
