/** A snapshot's identity for tests that compare two snapshots' output (what provenance lines record). */
import type { SnapshotInfo } from '../../src/servicetags/types.js';

export const snapshotInfo = (changeNumber: number, date: string, source: string): SnapshotInfo => ({
  cloud: 'Public',
  changeNumber,
  date,
  source,
  tagCount: 0,
  prefixCount: { ipv4: 0, ipv6: 0 },
});
