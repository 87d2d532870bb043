import type { SnapshotInfo } from '../../../servicetags/snapshot.js';

export interface Route {
  readonly name: string;
  /** A service tag name or a CIDR. */
  readonly addressPrefix: string;
  readonly nextHopType: 'Internet';
}

export interface RouteTableModel {
  readonly routes: readonly Route[];
  readonly snapshot: Pick<SnapshotInfo, 'cloud' | 'changeNumber'>;
  readonly requirementsName: string;
}
