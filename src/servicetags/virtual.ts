/**
 * Virtual tags: names NSGs and Azure Firewall define (targets.md §2.3) that Microsoft's JSON publishes no ranges
 * for. Their addresses are the deployment's (the VNet's space, the Internet outside it, the load balancer's probe
 * address), so they are spelled here once and given addresses by whoever knows the deployment (analysis/resolve.ts).
 */
import type { Snapshot } from './snapshot.js';

/** In the API's spelling. */
export const VIRTUAL_TAGS: readonly string[] = ['VirtualNetwork', 'Internet', 'AzureLoadBalancer'];

/** The API spelling of a virtual tag named in any case (surrounding blanks ignored), or undefined. */
export function virtualTag(name: string): string | undefined {
  const key = name.trim().toLowerCase();
  return VIRTUAL_TAGS.find((tag) => tag.toLowerCase() === key);
}

/** The exact spelling of a tag: a virtual tag's, or the snapshot's (TW_UNKNOWN_TAG when it has none). */
export function tagSpelling(name: string, snapshot: Snapshot): string {
  return virtualTag(name) ?? snapshot.resolve(name).name;
}
