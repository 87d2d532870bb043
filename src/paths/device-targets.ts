/**
 * The target whose parser reads a topology device's config (`nftables:host.nft`, `azure-firewall:policy.json`), by
 * its kind: registry.ts's `findTarget`, which imports every kit. The CLI bundle has a twin of this module
 * (src/cli/bundled-device-targets.ts, scripts/tsup.config.ts) that initialises only the kits a topology names, as
 * `render` and `check` do (issue 22: a cold `path` over the compute-public-ip topology initialised all eight kits,
 * PAN-OS's application table and iptables' parser tables among them, for three it reads).
 */
export { findTarget as deviceTarget } from '../targets/registry.js';
