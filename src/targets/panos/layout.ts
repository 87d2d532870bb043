/**
 * Where a PAN-OS config keeps what the analysis reads, as the firewall and Panorama combine it:
 *
 * - Duplicate sibling entries (`<entry name="X">` twice under one parent, as published Panorama baselines have
 *   for their device group) are one node: PAN-OS loads a config by merging each element into the tree at its
 *   path, so both halves count. Merged here once, for the whole document, before anything is looked up.
 * - A firewall vsys: its rulebase, its objects, then `shared` objects.
 * - A Panorama device group: its ancestors from `readonly/devices/entry/device-group/entry/parent-dg` (how Panorama
 *   stores the hierarchy; a `parent-dg` inside the group's own entry is read too), up to `shared`. Rules: shared
 *   pre-rules, ancestors' pre-rules from the top down, the group's pre-rules, its post-rules, ancestors' post-rules
 *   from the bottom up, shared post-rules [PAN-DGP]. Objects: the group's own, then each ancestor's, then shared;
 *   the nearest definition of a name wins [PAN-DGOBJ] (Panorama's "ancestor objects take precedence" setting,
 *   which reverses that, is not read).
 * - Default security rules (`default-security-rules`, `intrazone-default` and `interzone-default`): the nearest
 *   override (vsys rulebase; device group, its ancestors, shared post-rulebase), else PAN-OS's predefined action
 *   [PAN-SP].
 *
 * [PAN-DGP] https://docs.paloaltonetworks.com/panorama/10-1/panorama-admin/panorama-overview/centralized-firewall-configuration-and-update-management/device-groups/device-group-policies
 * [PAN-DGOBJ] https://docs.paloaltonetworks.com/panorama/9-1/panorama-admin/manage-firewalls/manage-device-groups/manage-precedence-of-inherited-objects
 */
import { TagwallError } from '../../errors.js';
import type { PanosLocation } from './model.js';
import type { XmlElement } from './xml.js';

/** An element with its XPath, for errors and rule origins. */
export interface Located {
  readonly element: XmlElement;
  readonly path: string;
}

export interface Placement {
  readonly location: PanosLocation;
  /** Object scopes, innermost first. */
  readonly scopes: readonly Located[];
  /** Security rule lists in evaluation order. */
  readonly rulebases: readonly Located[];
  /** Where default-security-rules overrides may be, nearest first (`…/default-security-rules/rules`). */
  readonly defaultRuleLists: readonly Located[];
  /** Parts of the document that do not decide what the security rules allow, as XPaths (for one note). */
  readonly uninterpreted: readonly string[];
  /** Duplicate entries that were merged, as XPaths. */
  readonly merged: readonly string[];
}

export const childrenNamed = (element: XmlElement, name: string): XmlElement[] => element.children.filter((child) => child.name === name);
export const firstChild = (element: XmlElement, name: string): XmlElement | undefined => element.children.find((child) => child.name === name);
export const entryPath = (path: string, entry: XmlElement): string => `${path}/entry[@name='${entry.attributes['name'] ?? ''}']`;

/** Elements compared as one node: entries by name, other containers by tag; list members and text leaves never. */
function mergeKey(element: XmlElement): string | undefined {
  if (element.name === 'member') return undefined;
  if (element.name === 'entry') return `entry\u0000${element.attributes['name'] ?? ''}`;
  return element.children.length > 0 ? element.name : undefined;
}

/**
 * The tree with duplicate siblings merged (children concatenated, then merged again one level down); unchanged
 * subtrees are returned as they are. `merged` receives the XPath of each duplicated entry.
 */
export function mergeDuplicates(element: XmlElement, path: string, merged: string[]): XmlElement {
  const groups = new Map<string, XmlElement[]>();
  const order: Array<XmlElement | string> = [];
  for (const child of element.children) {
    const key = mergeKey(child);
    if (key === undefined) {
      order.push(child);
      continue;
    }
    const group = groups.get(key);
    if (group) group.push(child);
    else {
      groups.set(key, [child]);
      order.push(key);
    }
  }
  let changed = false;
  const children = order.map((item) => {
    if (typeof item !== 'string') return item;
    const group = groups.get(item)!;
    const first = group[0]!;
    const childPath = first.name === 'entry' ? entryPath(path, first) : `${path}/${first.name}`;
    const combined = group.length === 1 ? first : { ...first, children: group.flatMap((duplicate) => duplicate.children) };
    // Only the outermost duplicate: what is below it merges as a consequence.
    if (group.length > 1 && !merged.some((outer) => childPath.startsWith(`${outer}/`))) merged.push(childPath);
    const result = mergeDuplicates(combined, childPath, merged);
    if (result !== first) changed = true;
    return result;
  });
  return changed ? { ...element, children } : element;
}

function at(element: XmlElement | undefined, path: string): Located[] {
  return element ? [{ element, path }] : [];
}

function below(scope: Located | undefined, ...steps: string[]): Located[] {
  let element = scope?.element;
  for (const step of steps) element = element && firstChild(element, step);
  return scope ? at(element, `${scope.path}/${steps.join('/')}`) : [];
}

/** What the interpreter reads in a vsys, a device group or shared; everything else there is listed as not interpreted. */
const SCOPE_SECTIONS = new Set(['address', 'address-group', 'service', 'service-group', 'external-list', 'tag', 'zone', 'region', 'profiles', 'rulebase', 'pre-rulebase', 'post-rulebase', 'parent-dg', 'application', 'application-group', 'application-filter']);
const RULEBASE_SECTIONS = new Set(['security', 'default-security-rules']);
const PROFILE_SECTIONS = new Set(['custom-url-category']);

/** An element with nothing in it (`<schedule/>` in a baseline) holds nothing to interpret. */
const isEmpty = (element: XmlElement): boolean => element.children.length === 0 && element.text === '';

/** The children of a scope that do not decide which packets the security rules allow. */
function uninterpretedIn(scope: Located): string[] {
  const found: string[] = [];
  for (const child of scope.element.children.filter((item) => !isEmpty(item))) {
    const path = `${scope.path}/${child.name}`;
    if (!SCOPE_SECTIONS.has(child.name)) found.push(path);
    else if (child.name === 'profiles') found.push(...child.children.filter((kind) => !PROFILE_SECTIONS.has(kind.name)).map((kind) => `${path}/${kind.name}`));
    else if (child.name.endsWith('rulebase')) found.push(...child.children.filter((kind) => !RULEBASE_SECTIONS.has(kind.name)).map((kind) => `${path}/${kind.name}`));
  }
  return found;
}

/** Device-group parents: `readonly` (Panorama's own record) first, else a `parent-dg` in the group's entry. */
function parentsOf(config: XmlElement, groups: readonly XmlElement[]): Map<string, string> {
  const parents = new Map<string, string>();
  for (const group of groups) {
    const parent = firstChild(group, 'parent-dg')?.text;
    if (parent) parents.set(group.attributes['name'] ?? '', parent);
  }
  const readonly = firstChild(config, 'readonly');
  const devices = readonly ? childrenNamed(readonly, 'devices').flatMap((list) => childrenNamed(list, 'entry')) : [];
  for (const device of devices) {
    for (const group of childrenNamed(device, 'device-group').flatMap((list) => childrenNamed(list, 'entry'))) {
      const parent = firstChild(group, 'parent-dg')?.text;
      if (parent) parents.set(group.attributes['name'] ?? '', parent);
    }
  }
  return parents;
}

function fail(file: string, message: string, line?: number): never {
  throw new TagwallError('TW_INVALID_OPTION', `target panos: ${message}`, { location: { file, ...(line === undefined ? {} : { line }) } });
}

/** The rulebases, object scopes and default-rule overrides for one location of a merged `<config>`. */
export function place(config: XmlElement, file: string, wanted: PanosLocation | undefined, merged: readonly string[]): Placement {
  const device = childrenNamed(config, 'devices').flatMap((devices) => childrenNamed(devices, 'entry'))[0];
  const devicePath = device ? entryPath('/config/devices', device) : '/config/devices/entry';
  const entriesOf = (kind: string): XmlElement[] => (device ? childrenNamed(device, kind).flatMap((container) => childrenNamed(container, 'entry')) : []);
  const vsys = entriesOf('vsys');
  const groups = entriesOf('device-group');
  const shared = at(firstChild(config, 'shared'), '/config/shared')[0];
  let location = wanted;
  if (!location) {
    const choices = [...vsys.map((entry) => `vsys ${entry.attributes['name']}`), ...groups.map((entry) => `device-group:${entry.attributes['name']}`)];
    if (choices.length > 1) fail(file, `the config has ${choices.join(', ')}; choose one with the location option (--location)`);
    location = vsys[0] ? { kind: 'vsys', name: vsys[0].attributes['name'] ?? 'vsys1' } : groups[0] ? { kind: 'device-group', name: groups[0].attributes['name'] ?? '' } : { kind: 'shared' };
  }
  const kind = location.kind;
  const uninterpreted = [
    ...config.children.filter((child) => !['devices', 'shared', 'readonly'].includes(child.name) && !isEmpty(child)).map((child) => `/config/${child.name}`),
    ...(device ? device.children.filter((child) => !['vsys', 'device-group'].includes(child.name) && !isEmpty(child)).map((child) => `${devicePath}/${child.name}`) : []),
    ...(shared ? uninterpretedIn(shared) : []),
  ];
  const sharedPost = below(shared, 'post-rulebase', 'default-security-rules', 'rules');
  const sharedRules = (rulebase: string): Located[] => below(shared, rulebase, 'security', 'rules');
  if (kind === 'shared') {
    return { location, scopes: shared ? [shared] : [], rulebases: [...sharedRules('pre-rulebase'), ...sharedRules('post-rulebase')], defaultRuleLists: sharedPost, uninterpreted, merged };
  }
  const name = location.name;
  const entry = (kind === 'vsys' ? vsys : groups).find((candidate) => candidate.attributes['name'] === name);
  if (!entry) {
    const have = (kind === 'vsys' ? vsys : groups).map((candidate) => candidate.attributes['name'] ?? '');
    fail(file, `the config has no ${kind} '${name}'${have.length > 0 ? ` (it has ${have.join(', ')})` : ''}`);
  }
  const scope: Located = { element: entry, path: entryPath(`${devicePath}/${kind}`, entry) };
  const others = (kind === 'vsys' ? vsys : groups).filter((other) => other !== entry).map((other) => `${entryPath(`${devicePath}/${kind}`, other)} (another ${kind}; choose it with --location)`);
  if (kind === 'vsys') {
    return {
      location,
      scopes: [scope, ...(shared ? [shared] : [])],
      rulebases: below(scope, 'rulebase', 'security', 'rules'),
      defaultRuleLists: below(scope, 'rulebase', 'default-security-rules', 'rules'),
      uninterpreted: [...uninterpreted, ...uninterpretedIn(scope), ...others],
      merged,
    };
  }
  // The group and its ancestors, nearest first.
  const parents = parentsOf(config, groups);
  const chain: Located[] = [scope];
  for (let parent = parents.get(name); parent !== undefined && parent !== '' && parent !== 'shared'; parent = parents.get(parent)) {
    if (chain.some((item) => item.element.attributes['name'] === parent)) fail(file, `device group hierarchy has a cycle through '${parent}'`);
    const ancestor = groups.find((candidate) => candidate.attributes['name'] === parent);
    if (!ancestor) fail(file, `device group '${chain[chain.length - 1]!.element.attributes['name']}' has parent '${parent}', which the config does not define`);
    chain.push({ element: ancestor, path: entryPath(`${devicePath}/device-group`, ancestor) });
  }
  const inChain = new Set(chain.map((item) => item.element));
  const ruleList = (item: Located, rulebase: string): Located[] => below(item, rulebase, 'security', 'rules');
  return {
    location,
    scopes: [...chain, ...(shared ? [shared] : [])],
    rulebases: [
      ...sharedRules('pre-rulebase'),
      ...[...chain].reverse().flatMap((item) => ruleList(item, 'pre-rulebase')),
      ...chain.flatMap((item) => ruleList(item, 'post-rulebase')),
      ...sharedRules('post-rulebase'),
    ],
    defaultRuleLists: [...chain.flatMap((item) => below(item, 'post-rulebase', 'default-security-rules', 'rules')), ...sharedPost],
    uninterpreted: [
      ...uninterpreted,
      ...chain.flatMap(uninterpretedIn),
      ...groups.filter((other) => !inChain.has(other)).map((other) => `${entryPath(`${devicePath}/device-group`, other)} (another device group; choose it with --location)`),
    ],
    merged,
  };
}
