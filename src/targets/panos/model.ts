/**
 * The one PAN-OS object model both renderers (XML, `set`) read, so the two forms cannot drift (STYLE.md). Names are
 * already safe and unique; texts are already cleaned (names.ts); each renderer only escapes or quotes.
 */

/** Where the objects and rules go (targets.md §4.1). */
export type PanosLocation =
  | { readonly kind: 'vsys'; readonly name: string }
  | { readonly kind: 'device-group'; readonly name: string }
  | { readonly kind: 'shared' };

/** The rule list the security rules go to: `rulebase` on a firewall, `pre-rulebase` on Panorama (§4.1). */
export function rulebaseOf(location: PanosLocation): 'rulebase' | 'pre-rulebase' {
  return location.kind === 'vsys' ? 'rulebase' : 'pre-rulebase';
}

export interface PanosTag {
  readonly name: string;
  readonly comments: string;
}

export interface PanosAddress {
  readonly name: string;
  readonly kind: 'ip-netmask' | 'fqdn';
  readonly value: string;
  readonly description?: string;
  readonly tags: readonly string[];
}

/**
 * Plain `ip-netmask` address objects made from one long list of CIDRs, held as two columns (object i is named
 * `names[i]` and has the value `values[i]`) sharing one tag list and no description: what a list of 100k CIDRs
 * would otherwise make 100k objects of, which live to the end of the render and which every young-generation
 * collection copies (issue 22, render-growth bench). Written as the objects it stands for (`addressObjects`).
 * Never empty: the build makes columns of 4,096 objects or more only (an empty entry would still open `<address>`).
 */
export interface PanosAddressColumns {
  readonly names: readonly string[];
  readonly values: readonly string[];
  readonly tags: readonly string[];
}

/** One address object, or a run of them as columns. */
export type PanosAddressEntry = PanosAddress | PanosAddressColumns;

export function isAddressColumns(entry: PanosAddressEntry): entry is PanosAddressColumns {
  return 'names' in entry;
}

/** The address object at `index` of columns. */
export function columnAddress(columns: PanosAddressColumns, index: number): PanosAddress {
  return { name: columns.names[index]!, kind: 'ip-netmask', value: columns.values[index]!, tags: columns.tags };
}

/** The address objects `entries` stand for, in order, columns made into objects one by one. */
export function* addressObjects(entries: readonly PanosAddressEntry[]): Generator<PanosAddress> {
  for (const entry of entries) {
    if (!isAddressColumns(entry)) yield entry;
    else for (let index = 0; index < entry.names.length; index++) yield columnAddress(entry, index);
  }
}

export interface PanosAddressGroup {
  readonly name: string;
  readonly members: readonly string[];
  readonly description: string;
  readonly tags: readonly string[];
}

/** An IP External Dynamic List: the firewall fetches `url`, whose text tagwall writes as `file`. */
export interface PanosExternalList {
  readonly name: string;
  readonly url: string;
  readonly file: string;
  readonly entries: readonly string[];
  readonly description: string;
}

export interface PanosService {
  readonly name: string;
  readonly protocol: 'tcp' | 'udp';
  /** `443,8787,29876-29877`. */
  readonly ports: string;
  readonly description: string;
}

export interface PanosUrlCategory {
  readonly name: string;
  readonly entries: readonly string[];
  readonly description: string;
}

export interface PanosRule {
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly from: readonly string[];
  readonly to: readonly string[];
  /** Member names or `any`. */
  readonly source: readonly string[];
  readonly destination: readonly string[];
  readonly application: readonly string[];
  /** Service names or `any`. */
  readonly service: readonly string[];
  /** Custom URL category names or `any`. */
  readonly category: readonly string[];
  readonly action: 'allow';
}

export interface PanosModel {
  readonly location: PanosLocation;
  readonly tags: readonly PanosTag[];
  /** Address objects, in the order they were made; a long list's as columns. */
  readonly addresses: readonly PanosAddressEntry[];
  readonly addressGroups: readonly PanosAddressGroup[];
  readonly externalLists: readonly PanosExternalList[];
  readonly services: readonly PanosService[];
  readonly urlCategories: readonly PanosUrlCategory[];
  readonly rules: readonly PanosRule[];
  /** One line naming the requirements and the snapshot, recorded in the output. */
  readonly provenance: string;
}
