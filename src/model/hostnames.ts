/**
 * Host names and host-name sets: validated `x.com` / `*.x.com` patterns with Azure Firewall semantics, and the
 * exact set algebra over them that packet sets use for their host dimension.
 */
export {
  checkHostPattern,
  formatHostPattern,
  hostMatches,
  hostPatternCovers,
  normalizeHostname,
  parseHostPattern,
  parseVettedHostPattern,
  type CheckedHostPattern,
  type HostPattern,
} from './hostnames/patterns.js';
export { HostSet } from './hostnames/host-set.js';
