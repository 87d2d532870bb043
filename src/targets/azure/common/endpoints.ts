/** Endpoints sorted into what Azure fields take: `*`, tag names, literal prefixes per family, and host names. */
import { AddressSet } from '../../../model/address-set.js';
import type { Endpoint } from '../../../model/requirement.js';
import type { Snapshot } from '../../../servicetags/snapshot.js';
import { tagSpelling } from '../../../servicetags/virtual.js';


export interface SortedEndpoints {
  readonly any: boolean;
  /** Exact spellings: the snapshot's for published tags, the API's for virtual ones. */
  readonly tags: readonly string[];
  readonly addresses: AddressSet;
  /** Host and URL endpoints. */
  readonly hosts: readonly Endpoint[];
}


export function sortEndpoints(endpoints: readonly Endpoint[], snapshot: Snapshot): SortedEndpoints {
  let any = false;
  const tags: string[] = [];
  // Gathered and merged once (AddressSet.unionOf): folded one endpoint at a time, a list of 100k CIDRs left 100k
  // intermediate sets to settle.
  const literal: AddressSet[] = [];
  const hosts: Endpoint[] = [];
  for (const endpoint of endpoints) {
    switch (endpoint.kind) {
      case 'any':
        any = true;
        break;
      case 'addresses':
        literal.push(endpoint.addresses);
        break;
      case 'service-tag': {
        const name = tagSpelling(endpoint.name, snapshot);
        if (!tags.includes(name)) tags.push(name);
        break;
      }
      case 'host':
      case 'url':
        hosts.push(endpoint);
        break;
    }
  }
  return { any, tags, addresses: AddressSet.unionOf(literal), hosts };
}

/** Splits a list into chunks of at most `size`. */
export function chunk<T>(list: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let index = 0; index < list.length; index += size) chunks.push(list.slice(index, index + size));
  return chunks;
}
