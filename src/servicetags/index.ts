// The service-tag module's public surface. Re-exports only.
export { CLOUDS, parseCloud, type Cloud } from './cloud.js';
export {
  Snapshot,
  defaultSnapshot,
  loadSnapshotFile,
  parseSnapshot,
  type PrefixCount,
  type ServiceTagInfo,
  type SnapshotInfo,
  type TagResolution,
} from './snapshot.js';
export { pairedRegion, regionalTagName, type Region } from './regions.js';
export { diffSnapshots, type DiffOptions, type SnapshotDiff, type TagChange, type TagField } from './diff.js';
export { expandTagPatterns, findTags, isGlob, type TagFilter } from './search.js';
export { requirementImpact, type RequirementImpact, type TagImpact } from './impact.js';
export { tagSpelling, virtualTag, VIRTUAL_TAGS } from './virtual.js';
