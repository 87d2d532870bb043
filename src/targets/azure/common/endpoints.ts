/** Endpoints sorted into what Azure fields take: `*`, tag names, literal prefixes per family, and host names. */
import { literalAddresses } from '../../../analysis/resolve.js';
import type { AddressSet } from '../../../model/address-set.js';
import { literalUnionOf } from '../../../model/literal-lists.js';
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
  // A list the reader parsed as literal addresses only (model/literal-lists.ts): nothing to sort.
  const literal = literalUnionOf(endpoints);
  if (literal) return { any: false, tags: [], addresses: literal, hosts: [] };
  let any = false;
  const tags: string[] = [];
  const hosts: Endpoint[] = [];
  // An index loop: this runs a few times per translation, too few to be optimised, and a for-of over 100k
  // endpoints made an iterator result per endpoint.
  for (let index = 0; index < endpoints.length; index++) {
    const endpoint = endpoints[index]!;
    switch (endpoint.kind) {
      case 'any':
        any = true;
        break;
      case 'addresses':
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
  // Merged once per list, and the same union resolving the list merges (analysis/resolve.ts, literalAddresses):
  // folded one endpoint at a time, a list of 100k CIDRs left 100k intermediate sets to settle.
  return { any, tags, addresses: literalAddresses(endpoints), hosts };
}

/** Splits a list into chunks of at most `size`. */
export function chunk<T>(list: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let index = 0; index < list.length; index += size) chunks.push(list.slice(index, index + size));
  return chunks;
}
