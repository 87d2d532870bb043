/** `tagwall tags`: list the service tags of a snapshot, optionally of one region or matching a search. */
import { findTags } from '../servicetags/search.js';
import { EXIT_OK, formatTable, toJson, type CliIo, type GlobalOptions } from './io.js';
import { selectSnapshot, type SnapshotOptions } from './snapshot-source.js';

export interface TagsOptions extends SnapshotOptions, GlobalOptions {
  readonly region?: string;
  readonly search?: string;
}

export function runTags(options: TagsOptions, io: CliIo): number {
  const snapshot = selectSnapshot(options);
  const tags = findTags(snapshot, { region: options.region, search: options.search });
  if (options.json) {
    io.stdout(toJson({ snapshot: snapshot.info, tags }));
    return EXIT_OK;
  }
  const rows = tags.map((tag) => [
    tag.name,
    tag.region || '(global)',
    String(tag.prefixCount.ipv4),
    String(tag.prefixCount.ipv6),
    tag.networkFeatures ? [...tag.networkFeatures].sort().join(',') : '-',
    tag.systemService || '-',
  ]);
  io.stdout(formatTable(['TAG', 'REGION', 'IPV4', 'IPV6', 'FEATURES', 'SERVICE'], rows));
  return EXIT_OK;
}
